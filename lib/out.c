/*
 * out.c -- table, tsv, json and jsonl output of typed rows.
 *
 * Rows live in one flat array of fixed-size cells (a kind tag and a
 * value); strings go to one arena and a cell keeps their offset.  So a
 * row costs no allocation, and 100,000 rows of 15 columns are a few
 * megabytes.  Nothing is formatted until out_print, which picks the
 * columns (-c), orders the rows (-s) through an index, and renders.
 * A stream (out_stream) keeps no row: each cell goes into its text as
 * it is set (out_stream.c).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "enc.h"
#include "err.h"
#include "json.h"
#include "out.h"
#include "out_impl.h"

/* A sort key of -s. */
struct sortkey {
	int col;
	int desc;
};

#define SGR_BOLD	"\033[1m"
#define SGR_RED		"\033[31m"
#define SGR_RESET	"\033[0m"

int
out_parse_fmt(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "table") == 0)
		return OUT_TABLE;
	if (strcmp(s, "tsv") == 0)
		return OUT_TSV;
	if (strcmp(s, "json") == 0)
		return OUT_JSON;
	if (strcmp(s, "jsonl") == 0)
		return OUT_JSONL;
	return -1;
}

struct out *
out_new(const struct out_opts *opts, const struct out_col *cols, int ncols)
{
	struct out *o = px_xcalloc(1, sizeof(*o));

	if (opts != NULL)
		o->opts = *opts;
	else
		o->opts.color = -1;
	/* The strings usually come from argv, but need not outlive us. */
	o->opts.cols = o->opts.cols ? px_xstrdup(o->opts.cols) : NULL;
	o->opts.sort = o->opts.sort ? px_xstrdup(o->opts.sort) : NULL;
	o->col = cols;
	o->ncol = ncols > 0 ? ncols : 0;
	return o;
}

void
out_free(struct out *o)
{
	if (o == NULL)
		return;
	free((char *)o->opts.cols);
	free((char *)o->opts.sort);
	free(o->cell);
	free(o->rowflag);
	buf_free(&o->text);
	free(o->svis);
	buf_free(&o->sb);
	free(o->dpos);
	free(o->dseg);
	free(o->dsoff);
	buf_free(&o->dsep);
	buf_free(&o->dtmp);
	free(o);
}

void
out_record(struct out *o)
{
	o->record = 1;
}

void
out_row(struct out *o)
{
	size_t ncell = (size_t)o->ncol;

	if (o->stream) {
		if (o->nrow == 1)
			out_stream_row(o);	/* the previous row's end */
		o->nrow = 1;
		o->dnext = 0;
		o->dopen = 0;
		return;
	}
	if (o->nrow == o->caprow) {
		o->caprow = o->caprow ? o->caprow * 2 : 64;
		o->cell = px_xrealloc(o->cell,
		    (size_t)o->caprow * ncell * sizeof(*o->cell) + 1);
		o->rowflag = px_xrealloc(o->rowflag, (size_t)o->caprow);
	}
	memset(o->cell + (size_t)o->nrow * ncell, 0, ncell * sizeof(*o->cell));
	o->rowflag[o->nrow] = 0;
	o->nrow++;
}

/* The cell col of the current row (starting one if there is none), or
 * NULL for a column out of range. */
static struct cell *
cur(struct out *o, int col)
{
	if (col < 0 || col >= o->ncol)
		return NULL;
	if (o->nrow == 0)
		out_row(o);
	return &o->cell[(size_t)(o->nrow - 1) * (size_t)o->ncol + (size_t)col];
}

/* Cell col of the current row: d, with the string s for K_STR (copied;
 * a stream writes it into its text at once). */
static void
set_cell(struct out *o, int col, struct cell d, const char *s)
{
	struct cell *c;

	if (o->stream) {
		if (out_stream_next(o, col, &d, s) != 0)
			out_direct_put(o, col, &d, s);
		return;
	}
	if ((c = cur(o, col)) == NULL)
		return;
	if (d.kind == K_STR) {
		d.v.off = o->text.len;
		buf_add(&o->text, s, strlen(s) + 1);
	}
	*c = d;
}

void
out_str(struct out *o, int col, const char *s)
{
	set_cell(o, col, (struct cell){ .kind = s != NULL ? K_STR : K_NULL },
	    s);
}

void
out_int(struct out *o, int col, long long v)
{
	set_cell(o, col, (struct cell){ .v.i = v, .kind = K_INT }, NULL);
}

void
out_uint(struct out *o, int col, uint64_t v)
{
	set_cell(o, col, (struct cell){ .v.u = v, .kind = K_UINT }, NULL);
}

void
out_num(struct out *o, int col, double v)
{
	set_cell(o, col, (struct cell){ .v.d = v, .kind = K_NUM }, NULL);
}

void
out_bool(struct out *o, int col, int v)
{
	set_cell(o, col, (struct cell){ .v.i = v != 0, .kind = K_BOOL },
	    NULL);
}

void
out_null(struct out *o, int col)
{
	set_cell(o, col, (struct cell){ .kind = K_NULL }, NULL);
}

void
out_row_error(struct out *o)
{
	if (o->nrow == 0)
		out_row(o);
	if (o->stream)
		return;		/* only a table shows it */
	o->rowflag[o->nrow - 1] |= ROW_ERROR;
}

int
out_nrows(const struct out *o)
{
	return o->emitted + o->nrow;
}

/* ---- cell values ---- */

const struct cell *
out_cell_at(const struct out *o, int row, int col)
{
	return &o->cell[(size_t)row * (size_t)o->ncol + (size_t)col];
}

const char *
out_cell_str(const struct out *o, const struct cell *c)
{
	return o->text.p + c->v.off;
}

static double
cell_double(const struct cell *c)
{
	switch (c->kind) {
	case K_INT:
	case K_BOOL:
		return (double)c->v.i;
	case K_UINT:
		return (double)c->v.u;
	case K_NUM:
		return c->v.d;
	default:
		return 0;
	}
}

static long long
cell_ll(const struct cell *c)
{
	double d;

	switch (c->kind) {
	case K_UINT:
		return c->v.u > INT64_MAX ? INT64_MAX : (long long)c->v.u;
	case K_NUM:
		d = c->v.d;
		if (isnan(d))
			return 0;
		if (d >= 9223372036854775807.0)
			return INT64_MAX;
		if (d <= -9223372036854775808.0)
			return INT64_MIN;
		return (long long)d;
	default:
		return c->v.i;
	}
}

int
out_cell_truth(const struct cell *c)
{
	return c->kind == K_NUM ? c->v.d != 0 : c->kind == K_UINT ?
	    c->v.u != 0 : c->v.i != 0;
}

/* The integer text of a numeric cell: exact for int and uint, a number
 * for reals. */
static void
fmt_integer(char *buf, size_t n, const struct cell *c)
{
	switch (c->kind) {
	case K_UINT:
		json_fmt_uint(buf, n, c->v.u);
		break;
	case K_NUM:
		json_fmt_num(buf, n, c->v.d);
		break;
	default:
		json_fmt_int(buf, n, c->v.i);
		break;
	}
}

/* %.2f without trailing zeros: 2 -> "2", 0.5 -> "0.5", 0.126 -> "0.13". */
static void
fmt_real(char *buf, size_t n, double d)
{
	size_t len;

	if (!isfinite(d)) {
		snprintf(buf, n, "-");
		return;
	}
	if (fabs(d) >= 1e15) {	/* %.2f would not fit: 1e+300 */
		json_fmt_num(buf, n, d);
		return;
	}
	snprintf(buf, n, "%.2f", d);
	len = strlen(buf);
	if (strchr(buf, '.') != NULL) {
		while (len > 0 && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '.')
			buf[--len] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, n, "0");
}

/*
 * The table text of a cell: in buf, or a string in the arena.  Strings
 * pass as they are; the caller sanitizes them.
 */
static const char *
fmt_human(const struct out *o, enum out_type type, const struct cell *c,
    char *buf, size_t n)
{
	if (c->kind == K_NULL)
		return "-";
	if (c->kind == K_STR)
		return out_cell_str(o, c);
	if (c->kind == K_BOOL || type == OT_BOOL)
		return out_cell_truth(c) ? "yes" : "no";
	switch (type) {
	case OT_BYTES:
		if (c->kind == K_INT && c->v.i < 0)
			fmt_integer(buf, n, c);
		else if (c->kind == K_NUM && !(c->v.d >= 0))
			fmt_real(buf, n, c->v.d);
		else
			out_fmt_bytes(buf, n, c->kind == K_UINT ? c->v.u :
			    c->kind == K_INT ? (uint64_t)c->v.i :
			    c->v.d >= 18446744073709551615.0 ? UINT64_MAX :
			    (uint64_t)c->v.d);
		break;
	case OT_PCT:
		out_fmt_pct(buf, n, cell_double(c));
		break;
	case OT_DURATION:
		out_fmt_duration(buf, n, cell_ll(c));
		break;
	case OT_TIME:
		out_fmt_time(buf, n, cell_ll(c));
		break;
	case OT_NUM:
		if (c->kind == K_NUM)
			fmt_real(buf, n, c->v.d);
		else
			fmt_integer(buf, n, c);
		break;
	default:
		if (c->kind == K_NUM && type == OT_INT)
			fmt_real(buf, n, c->v.d);
		else
			fmt_integer(buf, n, c);
		break;
	}
	return buf;
}

/*
 * Append s for a terminal: a control character would break the columns
 * or, worse (ESC, or a C1 control such as U+009B CSI or a lone byte
 * 0x9b), drive the terminal, and names, notes and task logs come from
 * the cluster.  The controls are text_char's (enc.h); \t \n \r are
 * shown as such, the others as '?'.  Returns the display width: UTF-8
 * code points.
 */
static size_t
add_sanitized(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, run, n;
	int control;

	while (*p != '\0') {
		for (run = 0; p[run] >= 0x20 && p[run] < 0x7f; run++)
			;
		if (run > 0) {	/* plain ASCII, the common case */
			buf_add(b, p, run);
			p += run;
			w += run;
			continue;
		}
		n = text_char((const char *)p, &control);
		if (!control) {
			buf_add(b, p, n);
			w += (*p & 0xc0) != 0x80;
		} else if (*p == '\t' || *p == '\n' || *p == '\r') {
			buf_addc(b, '\\');
			buf_addc(b, *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r');
			w += 2;
		} else {
			buf_addc(b, '?');
			w++;
		}
		p += n;
	}
	return w;
}

/* Display width: UTF-8 code points. */
static size_t
display_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if ((*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* ---- -c and -s ---- */

static int
usage_unknown(const struct out *o, const char *name, size_t n,
    struct px_err *e)
{
	struct buf b = { 0 };
	int i;

	for (i = 0; i < o->ncol; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, o->col[i].name);
	}
	px_fail(e, PXE_USAGE, "unknown column '%.*s' (columns: %s)", (int)n,
	    name, buf_str(&b));
	buf_free(&b);
	return -1;
}

static int
find_col(const struct out *o, const char *name, size_t n)
{
	int i;

	for (i = 0; i < o->ncol; i++)
		if (strlen(o->col[i].name) == n &&
		    strncasecmp(o->col[i].name, name, n) == 0)
			return i;
	return -1;
}

/*
 * Call fn for each name of a comma list, blanks around names ignored.
 * Stops at the first nonzero return.
 */
static int
each_name(const char *list, int (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char *p = list, *q, *end;
	int rc;

	while (*p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		for (q = end; q > p && isspace((unsigned char)q[-1]); q--)
			;
		while (p < q && isspace((unsigned char)*p))
			p++;
		if (q > p && (rc = fn(arg, p, (size_t)(q - p))) != 0)
			return rc;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}


static int
pick_col(void *arg, const char *name, size_t n)
{
	struct pick *pk = arg;
	int c, i;

	if ((c = find_col(pk->o, name, n)) < 0) {
		pk->bad = name;
		pk->badlen = n;
		return -1;
	}
	for (i = 0; i < pk->nvis; i++)
		if (pk->vis[i] == c)
			return 0;	/* named twice: once is enough */
	pk->vis[pk->nvis++] = c;
	return 0;
}

static int
pick_sort(void *arg, const char *name, size_t n)
{
	struct pick *pk = arg;
	int desc = 0, c;

	if (*name == '-' || *name == '+') {
		desc = *name == '-';
		name++;
		n--;
	}
	if ((c = find_col(pk->o, name, n)) < 0) {
		pk->bad = name;
		pk->badlen = n;
		return -1;
	}
	pk->key[pk->nkey].col = c;
	pk->key[pk->nkey].desc = desc;
	pk->nkey++;
	return 0;
}

/* Nulls last in either direction; numbers before strings. */
static int
cell_cmp(const struct out *o, const struct cell *a, const struct cell *b)
{
	double x, y;

	if (a->kind == K_NULL || b->kind == K_NULL)
		return (a->kind == K_NULL) - (b->kind == K_NULL);
	if (a->kind == K_STR && b->kind == K_STR)
		return strcmp(out_cell_str(o, a), out_cell_str(o, b));
	if (a->kind == K_STR || b->kind == K_STR)
		return a->kind == K_STR ? 1 : -1;
	/* Both numeric: exact unless a real is involved. */
	if (a->kind == K_UINT && b->kind == K_UINT)
		return (a->v.u > b->v.u) - (a->v.u < b->v.u);
	if (a->kind != K_NUM && b->kind != K_NUM) {
		if (a->kind == K_UINT)
			return b->v.i < 0 || a->v.u > (uint64_t)b->v.i ? 1 :
			    a->v.u < (uint64_t)b->v.i ? -1 : 0;
		if (b->kind == K_UINT)
			return a->v.i < 0 || (uint64_t)a->v.i < b->v.u ? -1 :
			    (uint64_t)a->v.i > b->v.u ? 1 : 0;
		return (a->v.i > b->v.i) - (a->v.i < b->v.i);
	}
	x = cell_double(a);
	y = cell_double(b);
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

struct sortctx {
	const struct out *o;
	const struct sortkey *key;
	int nkey;
};

static int
row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sortctx *sc = arg;
	const struct out *o = sc->o;
	int ra = *(const int *)pa, rb = *(const int *)pb, k, r;
	const struct cell *a, *b;

	for (k = 0; k < sc->nkey; k++) {
		a = out_cell_at(o, ra, sc->key[k].col);
		b = out_cell_at(o, rb, sc->key[k].col);
		r = cell_cmp(o, a, b);
		if (r != 0 && sc->key[k].desc && a->kind != K_NULL &&
		    b->kind != K_NULL)
			r = -r;
		if (r != 0)
			return r;
	}
	/* qsort is not stable; the original order breaks ties. */
	return (ra > rb) - (ra < rb);
}

/* ---- rendering ---- */

void
out_flush_if(struct buf *b, FILE *f, size_t limit)
{
	if (b->len >= limit && b->len > 0) {
		fwrite(b->p, 1, b->len, f);
		buf_reset(b);
	}
}

static int
right_aligned(const struct out_col *c)
{
	switch (c->type) {
	case OT_INT:
	case OT_NUM:
	case OT_BYTES:
	case OT_PCT:
	case OT_DURATION:
		return 1;
	default:
		return (c->flags & OC_RIGHT) != 0;
	}
}

static void
add_spaces(struct buf *b, size_t n)
{
	buf_grow(b, n);
	memset(b->p + b->len, ' ', n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* End a table line: no trailing blanks, then the colour reset. */
static void
end_line(struct buf *b, size_t start, const char *sgr)
{
	while (b->len > start && b->p[b->len - 1] == ' ')
		b->len--;
	b->p[b->len] = '\0';
	if (sgr != NULL)
		buf_adds(b, SGR_RESET);
	buf_addc(b, '\n');
}

static int
use_color(const struct out *o, FILE *f)
{
	if (o->opts.color == 1)
		return 1;
	if (o->opts.color == -1)
		{
		const char *nc = getenv("NO_COLOR");

		/* no-color.org: set and not empty disables colour. */
		return isatty(fileno(f)) && (nc == NULL || *nc == '\0');
	}
	return 0;
}

/* A table line of ready-made cells text[0..nvis); widths in colw. */
static void
table_line(struct buf *b, const struct out *o, const int *vis, int nvis,
    const size_t *colw, const char *const *text, const char *sgr)
{
	size_t start, w;
	int c;

	if (sgr != NULL)
		buf_adds(b, sgr);
	start = b->len;
	for (c = 0; c < nvis; c++) {
		if (c > 0)
			buf_add(b, "  ", 2);
		w = display_width(text[c]);
		if (right_aligned(&o->col[vis[c]]) && w < colw[c])
			add_spaces(b, colw[c] - w);
		buf_adds(b, text[c]);
		if (!right_aligned(&o->col[vis[c]]) && c + 1 < nvis &&
		    w < colw[c])
			add_spaces(b, colw[c] - w);
	}
	end_line(b, start, sgr);
}

static void
print_table(const struct out *o, FILE *f, const int *vis, int nvis,
    const int *order, int nrow, int color)
{
	struct buf b = { 0 }, txt = { 0 };
	size_t *colw, *off, w;
	const char **text;
	char tmp[64], **head;
	int r, c, i;

	colw = px_xcalloc((size_t)nvis + 1, sizeof(*colw));
	off = px_xcalloc((size_t)nrow * (size_t)nvis + 1, sizeof(*off));
	text = px_xcalloc((size_t)nvis + 1, sizeof(*text));

	/* Format every cell once, sanitized, and measure it. */
	for (r = 0; r < nrow; r++)
		for (c = 0; c < nvis; c++) {
			off[(size_t)r * (size_t)nvis + (size_t)c] = txt.len;
			w = add_sanitized(&txt, fmt_human(o,
			    o->col[vis[c]].type,
			    out_cell_at(o, order[r], vis[c]), tmp, sizeof(tmp)));
			buf_addc(&txt, '\0');
			if (w > colw[c])
				colw[c] = w;
		}

	if (!o->opts.no_header) {
		head = px_xcalloc((size_t)nvis + 1, sizeof(*head));
		for (c = 0; c < nvis; c++) {
			head[c] = px_xstrdup(o->col[vis[c]].name);
			for (i = 0; head[c][i] != '\0'; i++)
				head[c][i] = (char)toupper(
				    (unsigned char)head[c][i]);
			if ((w = display_width(head[c])) > colw[c])
				colw[c] = w;
			text[c] = head[c];
		}
		table_line(&b, o, vis, nvis, colw, text,
		    color ? SGR_BOLD : NULL);
		for (c = 0; c < nvis; c++)
			free(head[c]);
		free(head);
	}

	for (r = 0; r < nrow; r++) {
		for (c = 0; c < nvis; c++)
			text[c] = txt.p + off[(size_t)r * (size_t)nvis +
			    (size_t)c];
		table_line(&b, o, vis, nvis, colw, text,
		    color && (o->rowflag[order[r]] & ROW_ERROR) ? SGR_RED :
		    NULL);
		out_flush_if(&b, f, OUT_CHUNK);
	}
	out_flush_if(&b, f, 1);
	buf_free(&b);
	buf_free(&txt);
	free(colw);
	free(off);
	free(text);
}

/* out_record on a table: "key  value" lines. */
static void
print_record_table(const struct out *o, FILE *f, const int *vis, int nvis,
    int row, int color)
{
	struct buf b = { 0 };
	size_t kw = 0, w, start;
	char tmp[64];
	int c;

	for (c = 0; c < nvis; c++)
		if ((w = display_width(o->col[vis[c]].name)) > kw)
			kw = w;
	for (c = 0; c < nvis; c++) {
		start = b.len;
		if (color)
			buf_adds(&b, SGR_BOLD);
		buf_adds(&b, o->col[vis[c]].name);
		if (color)
			buf_adds(&b, SGR_RESET);
		add_spaces(&b, kw - display_width(o->col[vis[c]].name) + 2);
		if (color && (o->rowflag[row] & ROW_ERROR))
			buf_adds(&b, SGR_RED);
		add_sanitized(&b, fmt_human(o, o->col[vis[c]].type,
		    out_cell_at(o, row, vis[c]), tmp, sizeof(tmp)));
		end_line(&b, start, color && (o->rowflag[row] & ROW_ERROR) ?
		    SGR_RED : NULL);
	}
	out_flush_if(&b, f, 1);
	buf_free(&b);
}

/* TSV strings: \t \n \r \\ escaped so a line is a row and a tab a cell. */
static const unsigned char tsv_special[256] = {
	['\0'] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\\'] = 1,
};

void
out_tsv_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run;

	for (;;) {
		for (run = 0; !tsv_special[p[run]]; run++)
			;
		buf_add(b, p, run);
		p += run;
		if (*p == '\0')
			break;
		buf_addc(b, '\\');
		buf_addc(b, *p == '\t' ? 't' : *p == '\n' ? 'n' :
		    *p == '\r' ? 'r' : '\\');
		p++;
	}
}

/* The text of a numeric cell straight into b (a listing prints 100,000
 * of them). */
void
out_add_integer(struct buf *b, const struct cell *c)
{
	if (b->len + 48 >= b->cap)
		buf_grow(b, 48);
	switch (c->kind) {
	case K_UINT:
		b->len += json_fmt_uint(b->p + b->len, 48, c->v.u);
		break;
	case K_NUM:
		b->len += json_fmt_num(b->p + b->len, 48, c->v.d);
		break;
	default:
		b->len += json_fmt_int(b->p + b->len, 48, c->v.i);
		break;
	}
	b->p[b->len] = '\0';
}

void
out_tsv_cell(struct buf *b, const struct out *o, enum out_type type,
    const struct cell *c)
{
	switch (c->kind) {
	case K_NULL:
		break;
	case K_STR:
		out_tsv_str(b, out_cell_str(o, c));
		break;
	default:
		if (c->kind == K_BOOL || type == OT_BOOL)
			buf_addc(b, out_cell_truth(c) ? '1' : '0');
		else
			out_add_integer(b, c);
		break;
	}
}

static void
print_tsv(const struct out *o, FILE *f, const int *vis, int nvis,
    const int *order, int nrow)
{
	struct buf b = { 0 };
	int r, c;

	for (r = 0; r < nrow; r++) {
		for (c = 0; c < nvis; c++) {
			if (c > 0)
				buf_addc(&b, '\t');
			out_tsv_cell(&b, o, o->col[vis[c]].type,
			    out_cell_at(o, order[r], vis[c]));
		}
		buf_addc(&b, '\n');
		out_flush_if(&b, f, OUT_CHUNK);
	}
	out_flush_if(&b, f, 1);
	buf_free(&b);
}

static void
json_row(struct jw *w, const struct out *o, const int *vis, int nvis, int row)
{
	const struct cell *c;
	int i;

	jw_obj(w);
	for (i = 0; i < nvis; i++) {
		c = out_cell_at(o, row, vis[i]);
		jw_key(w, o->col[vis[i]].name);
		switch (c->kind) {
		case K_NULL:
			jw_null(w);
			break;
		case K_STR:
			jw_str(w, out_cell_str(o, c));
			break;
		default:
			if (c->kind == K_BOOL || o->col[vis[i]].type == OT_BOOL)
				jw_bool(w, out_cell_truth(c));
			else if (c->kind == K_INT)
				jw_int(w, c->v.i);
			else if (c->kind == K_UINT)
				jw_uint(w, c->v.u);
			else
				jw_num(w, c->v.d);
			break;
		}
	}
	jw_end(w);
}

static void
print_json(const struct out *o, FILE *f, const int *vis, int nvis,
    const int *order, int nrow)
{
	struct buf b = { 0 };
	struct jw w;
	int r;

	jw_init(&w, &b);
	if (o->record) {
		if (nrow > 0)
			json_row(&w, o, vis, nvis, order[0]);
		else {
			jw_obj(&w);
			jw_end(&w);
		}
	} else if (o->opts.fmt == OUT_JSONL) {
		for (r = 0; r < nrow; r++) {
			jw_init(&w, &b);
			json_row(&w, o, vis, nvis, order[r]);
			buf_addc(&b, '\n');
			out_flush_if(&b, f, OUT_CHUNK);
		}
		out_flush_if(&b, f, 1);
		buf_free(&b);
		return;
	} else {
		jw_arr(&w);
		for (r = 0; r < nrow; r++) {
			json_row(&w, o, vis, nvis, order[r]);
			out_flush_if(&b, f, OUT_CHUNK);
		}
		jw_end(&w);
	}
	buf_addc(&b, '\n');
	out_flush_if(&b, f, 1);
	buf_free(&b);
}

/* The columns to show (-c, or the default set) into pk->vis; -1 with e
 * for an unknown name. */
int
out_pick_visible(struct out *o, struct pick *pk, struct px_err *e)
{
	pk->o = o;
	pk->vis = px_xcalloc((size_t)o->ncol + 1, sizeof(*pk->vis));
	if (o->opts.cols != NULL &&
	    each_name(o->opts.cols, pick_col, pk) != 0) {
		usage_unknown(o, pk->bad, pk->badlen, e);
		return -1;
	}
	/* No -c: a list table (and tsv) leaves OC_EXTRA out; json, and a
	 * record, which is a detail view, show everything. */
	if (pk->nvis == 0)
		for (int i = 0; i < o->ncol; i++)
			if (!(o->col[i].flags & OC_EXTRA) || o->record ||
			    o->opts.fmt == OUT_JSON || o->opts.fmt == OUT_JSONL)
				pk->vis[pk->nvis++] = i;
	return 0;
}

int
out_print(struct out *o, FILE *f, struct px_err *e)
{
	struct pick pk = { 0 };
	struct sortctx sc;
	int *order = NULL, nrow, i, rc = -1;

	if (o->stream)
		return out_stream_end(o, f, e);
	if (out_pick_visible(o, &pk, e) != 0)
		goto out;
	if (o->opts.sort != NULL) {
		/* One key per comma at most. */
		pk.key = px_xcalloc(strlen(o->opts.sort) + 1, sizeof(*pk.key));
		if (each_name(o->opts.sort, pick_sort, &pk) != 0) {
			usage_unknown(o, pk.bad, pk.badlen, e);
			goto out;
		}
	}

	nrow = o->record ? (o->nrow > 0) : o->nrow;
	order = px_xcalloc((size_t)o->nrow + 1, sizeof(*order));
	for (i = 0; i < o->nrow; i++)
		order[i] = i;
	if (pk.nkey > 0 && !o->record) {
		sc.o = o;
		sc.key = pk.key;
		sc.nkey = pk.nkey;
		qsort_r(order, (size_t)o->nrow, sizeof(*order), row_cmp, &sc);
	}

	switch (o->opts.fmt) {
	case OUT_TSV:
		print_tsv(o, f, pk.vis, pk.nvis, order, nrow);
		break;
	case OUT_JSON:
	case OUT_JSONL:
		print_json(o, f, pk.vis, pk.nvis, order, nrow);
		break;
	default:
		if (o->record) {
			if (nrow > 0)
				print_record_table(o, f, pk.vis, pk.nvis,
				    order[0], use_color(o, f));
		} else
			print_table(o, f, pk.vis, pk.nvis, order, nrow,
			    use_color(o, f));
		break;
	}
	if (fflush(f) != 0 || ferror(f)) {
		px_fail(e, PXE_IO, "cannot write the output: %s",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(pk.vis);
	free(pk.key);
	free(order);
	return rc;
}
