/*
 * out_stream.c -- streams (out_stream), holds and parts of lib/out.
 *
 * A stream keeps no rows: each cell is written into its row's text in
 * o->sb as it is set (out_direct_put), the text before each place (tsv
 * a tab, json a comma and the key) made once.  A place not set is empty
 * (json null); a cell set again replaces its text in place.  Held rows
 * (out_hold) stay in sb until out_commit or out_rollback; a part
 * (out_part) is a stream of its own, joined into o by out_join.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_impl.h"

/* A cell's text in a direct stream (tsv, or json as json_row writes
 * it): c, or the string s for K_STR. */
static inline void
direct_value(struct buf *b, const struct out *o, int col,
    const struct cell *c, const char *s)
{
	if (o->opts.fmt == OUT_TSV) {
		if (c->kind == K_STR)
			out_tsv_str(b, s);
		else
			out_tsv_cell(b, o, o->col[col].type, c);
		return;
	}
	switch (c->kind) {
	case K_NULL:
		buf_add(b, "null", 4);
		break;
	case K_STR:
		json_escape(b, s, strlen(s));
		break;
	default:
		if (c->kind == K_BOOL || o->col[col].type == OT_BOOL)
			buf_adds(b, out_cell_truth(c) ? "true" : "false");
		else
			out_add_integer(b, c);
		break;
	}
}

/* The start of a direct stream's row: json's comma and brace. */
static void
direct_open(struct out *o)
{
	o->dopen = 1;
	switch (o->opts.fmt) {
	case OUT_TSV:
		return;
	case OUT_JSON:
		if (o->part) {
			/* rows only: out_join puts them in the array */
			if (o->emitted > 0)
				buf_addc(&o->sb, ',');
		} else {
			if (!o->sopen) {
				jw_init(&o->sw, &o->sb);
				jw_arr(&o->sw);
				o->sopen = 1;
			}
			jw_raw(&o->sw, "", 0);	/* the comma */
		}
		break;
	default:
		break;
	}
	buf_addc(&o->sb, '{');
}

/* Place p's separator (tsv a tab, json a comma and the key), its value
 * to start at o->dseg[p]. */
static inline void
direct_sep(struct out *o, int p)
{
	if (o->opts.fmt == OUT_TSV) {	/* a tab: a byte, not a copy */
		if (p > 0)
			buf_addc(&o->sb, '\t');
	} else
		buf_add(&o->sb, o->dsep.p + o->dsoff[p], o->dsoff[p + 1] -
		    o->dsoff[p]);
	o->dseg[p] = o->sb.len;
}

/* The places of the open row before `to` not written yet: not set, so
 * empty (json: null). */
static void
direct_skip(struct out *o, int to)
{
	if (!o->dopen)
		direct_open(o);
	for (; o->dnext < to; o->dnext++) {
		direct_sep(o, o->dnext);
		if (o->opts.fmt != OUT_TSV)
			buf_add(&o->sb, "null", 4);
	}
}

/* Cell col of the open row of a direct stream, into its text in o->sb:
 * at the end (the places it skips left empty), or in place of the text
 * it was given before. */
void
out_direct_put(struct out *o, int col, const struct cell *c, const char *s)
{
	struct buf *b = &o->sb;
	size_t at, end, n;
	int p;

	if (col < 0 || col >= o->ncol)
		return;
	if (o->nrow == 0)
		out_row(o);
	if ((p = o->dpos[col]) < 0)
		return;		/* not shown: nothing kept */
	if (p >= o->dnext) {
		if (p > o->dnext || !o->dopen)
			direct_skip(o, p);
		direct_sep(o, p);
		direct_value(b, o, col, c, s);
		o->dnext = p + 1;
		return;
	}
	/* Set again: the new text replaces the old one. */
	buf_reset(&o->dtmp);
	direct_value(&o->dtmp, o, col, c, s);
	n = o->dtmp.len;
	at = o->dseg[p];
	end = p + 1 < o->dnext ? o->dseg[p + 1] - (o->dsoff[p + 2] -
	    o->dsoff[p + 1]) : b->len;
	buf_grow(b, n > end - at ? n - (end - at) : 0);	/* b->p too */
	memmove(b->p + at + n, b->p + end, b->len - end + 1);
	if (n > 0)
		memcpy(b->p + at, o->dtmp.p, n);
	b->len = b->len - (end - at) + n;
	for (int q = p + 1; q < o->dnext; q++)
		o->dseg[q] = o->dseg[q] - (end - at) + n;
}

/* The end of a direct stream's row: the places not set, and its end. */
static void
direct_close(struct out *o)
{
	direct_skip(o, o->snvis);
	if (o->opts.fmt == OUT_TSV)
		buf_addc(&o->sb, '\n');
	else
		buf_add(&o->sb, "}\n", o->opts.fmt == OUT_JSONL ? 2 : 1);
}

/* Make a stream write its cells as they are set (o->svis known): what
 * goes before each place's value (tsv a tab, json a comma and the key)
 * made once. */
static void
direct_start(struct out *o)
{
	o->dpos = px_xcalloc((size_t)o->ncol + 1, sizeof(*o->dpos));
	for (int c = 0; c < o->ncol; c++)
		o->dpos[c] = -1;
	o->dsoff = px_xcalloc((size_t)o->snvis + 2, sizeof(*o->dsoff));
	for (int p = 0; p < o->snvis; p++) {
		const char *name = o->col[o->svis[p]].name;

		o->dpos[o->svis[p]] = p;
		o->dsoff[p] = o->dsep.len;
		if (p > 0)
			buf_addc(&o->dsep, o->opts.fmt == OUT_TSV ? '\t' : ',');
		if (o->opts.fmt != OUT_TSV) {
			json_escape(&o->dsep, name, strlen(name));
			buf_addc(&o->dsep, ':');
		}
	}
	o->dsoff[o->snvis] = o->dsoff[o->snvis + 1] = o->dsep.len;
	o->dseg = px_xcalloc((size_t)o->snvis + 1, sizeof(*o->dseg));
}

int
out_stream(struct out *o, FILE *f, struct px_err *e)
{
	struct pick pk = { 0 };

	if (o->record || o->opts.sort != NULL || o->opts.fmt == OUT_TABLE ||
	    o->stream || o->nrow > 0)
		return 0;	/* it needs every row first */
	if (out_pick_visible(o, &pk, e) != 0) {
		free(pk.vis);
		return -1;
	}
	o->stream = 1;
	o->sf = f;
	o->svis = pk.vis;
	o->snvis = pk.nvis;
	direct_start(o);
	return 0;
}

int
out_streaming(const struct out *o)
{
	return o->stream;
}

/* The held rows of o, or a part's: big ones in one block of 2 MiB
 * pages at once (buf.c), not 4 KiB pages faulted in one by one as the
 * buffer doubles. */
static void
held_big(struct out *o)
{
	if (o->sb.cap < OUT_HELD_HUGE)
		buf_grow(&o->sb, OUT_HELD_HUGE - 1 - o->sb.len);
}

/* The open row of a stream is complete. */
void
out_stream_row(struct out *o)
{
	direct_close(o);	/* the cells are in */
	o->emitted++;
	if (o->sf == NULL)
		/* a part: a block only when out_expect says so; -A holds
		 * 50 parts at once, and 2 MiB each for rows of 300 KB
		 * would be four times their memory */
		return;
	if (!o->hold)
		out_flush_if(&o->sb, o->sf, OUT_CHUNK);
	else if (o->sb.len >= OUT_HELD_BIG)
		/* A big answer's held rows that no out_expect foretold
		 * (10,000 guests: 950 KB of tsv, 230 faults fewer). */
		held_big(o);
}

void
out_hold(struct out *o)
{
	if (o->stream && o->nrow == 1) {
		/* The row before the mark is complete: out it goes. */
		out_stream_row(o);
		o->nrow = 0;
		buf_reset(&o->text);
	}
	o->hold = 1;
	o->hnrow = o->nrow;
	o->htext = o->text.len;
	o->hsb = o->sb.len;
	o->hemitted = o->emitted;
	o->hsw = o->sw;
	o->hsopen = o->sopen;
}

void
out_commit(struct out *o)
{
	o->hold = 0;
	if (!o->stream)
		return;
	/* What was held is whole: out it all goes now, the last row too
	 * (-A writes each profile's rows as its answer ends). */
	if (o->nrow == 1) {
		out_stream_row(o);
		o->nrow = 0;
		buf_reset(&o->text);
	}
	if (o->sf == NULL)
		return;		/* a part */
	out_flush_if(&o->sb, o->sf, 1);
	fflush(o->sf);
}

void
out_rollback(struct out *o)
{
	if (!o->hold)
		return;
	o->hold = 0;
	o->nrow = o->stream ? 0 : o->hnrow;
	o->text.len = o->htext;
	if (o->text.p != NULL)
		o->text.p[o->text.len] = '\0';
	o->sb.len = o->hsb;
	if (o->sb.p != NULL)
		o->sb.p[o->sb.len] = '\0';
	o->emitted = o->hemitted;
	o->sw = o->hsw;
	o->sopen = o->hsopen;
}

void
out_expect(struct out *o, size_t n)
{
	o->expect = n;
	if (n >= OUT_HELD_BIG && o->stream && (o->hold || o->part))
		held_big(o);
}

struct out *
out_part(const struct out *o)
{
	struct out *p = out_new(&o->opts, o->col, o->ncol);

	p->record = o->record;
	if (o->stream) {
		p->stream = p->part = 1;
		p->svis = px_xcalloc((size_t)o->snvis + 1, sizeof(*p->svis));
		memcpy(p->svis, o->svis, (size_t)o->snvis * sizeof(*p->svis));
		p->snvis = o->snvis;
		direct_start(p);
		out_expect(p, o->expect);
	}
	return p;
}

/* The rows of a part that does not stream, copied after o's. */
static void
join_rows(struct out *o, const struct out *p)
{
	size_t nc = (size_t)o->ncol;

	for (int r = 0; r < p->nrow; r++) {
		out_row(o);
		o->rowflag[o->nrow - 1] = p->rowflag[r];
		for (size_t c = 0; c < nc; c++) {
			struct cell *d = &o->cell[(size_t)(o->nrow - 1) * nc + c];

			*d = *out_cell_at(p, r, (int)c);
			if (d->kind == K_STR) {
				const char *s = out_cell_str(p, d);

				d->v.off = o->text.len;
				buf_add(&o->text, s, strlen(s) + 1);
			}
		}
	}
}

void
out_join(struct out *o, struct out *part)
{
	if (!part->part) {
		join_rows(o, part);
		out_free(part);
		return;
	}
	if (part->nrow == 1)
		out_stream_row(part);	/* its last row */
	if (o->nrow == 1) {
		/* o's row before the part is complete: out it goes. */
		out_stream_row(o);
		o->nrow = 0;
		buf_reset(&o->text);
	}
	if (part->emitted > 0 && o->opts.fmt == OUT_JSON) {
		if (!o->sopen) {
			jw_init(&o->sw, &o->sb);
			jw_arr(&o->sw);
			o->sopen = 1;
		}
		jw_raw(&o->sw, part->sb.p, part->sb.len);
	} else if (part->emitted > 0)
		buf_add(&o->sb, part->sb.p, part->sb.len);
	o->emitted += part->emitted;
	out_free(part);
	if (!o->hold && o->sf != NULL) {
		out_flush_if(&o->sb, o->sf, 1);
		fflush(o->sf);
	}
}

/* out_print of a stream: the last row, the end of a json array. */
int
out_stream_end(struct out *o, FILE *f, struct px_err *e)
{
	o->hold = 0;		/* printing commits what was held */
	if (o->nrow == 1)
		out_stream_row(o);
	o->nrow = 0;
	buf_reset(&o->text);
	if (o->opts.fmt == OUT_JSON) {
		if (!o->sopen) {
			jw_init(&o->sw, &o->sb);
			jw_arr(&o->sw);
			o->sopen = 1;
		}
		jw_end(&o->sw);
		buf_addc(&o->sb, '\n');
		o->sopen = 0;
	}
	out_flush_if(&o->sb, o->sf, 1);
	if (fflush(f) != 0 || ferror(f))
		return px_fail(e, PXE_IO, "cannot write the output: %s",
		    strerror(errno));
	return 0;
}

