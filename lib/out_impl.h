/*
 * out_impl.h -- what lib/out.c (rows, their cells, the four formats)
 * and lib/out_stream.c (streams, holds and parts) share.  Not for
 * commands: they use out.h.
 */
#ifndef PX_OUT_IMPL_H
#define PX_OUT_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "out.h"

enum cell_kind { K_NULL = 0, K_STR, K_INT, K_UINT, K_NUM, K_BOOL };

struct cell {
	union {
		long long i;	/* K_INT, K_BOOL (0/1) */
		uint64_t u;	/* K_UINT */
		double d;	/* K_NUM */
		size_t off;	/* K_STR: offset into o->text */
	} v;
	unsigned char kind;
};

#define ROW_ERROR	0x1

struct out {
	struct out_opts opts;	/* cols and sort point at our copies */
	const struct out_col *col;
	int ncol;
	struct cell *cell;	/* nrow * ncol */
	unsigned char *rowflag;
	int nrow, caprow;
	struct buf text;	/* every string, NUL-terminated */
	int record;
	/* out_stream: rows go to sf as they are completed; a part
	 * (out_part) keeps them in sb for out_join. */
	int stream, part;
	FILE *sf;
	int *svis, snvis;
	int emitted;		/* rows already written */
	struct buf sb;		/* output not yet written */
	struct jw sw;		/* json: the open array */
	int sopen;
	/* out_hold: where the held rows start */
	int hold, hnrow, hemitted, hsopen;
	size_t htext, hsb;
	size_t expect;		/* out_expect's n: a part inherits it */
	struct jw hsw;
	/* A stream writes each cell into sb as it is set, and keeps no
	 * cells (a listing sets 200,000 of them): dpos[col] is a column's
	 * place in the row (-1: not shown), dseg[p] where the value of
	 * place p starts in sb, dnext the first place of the open row not
	 * written yet, dopen whether its start is written. */
	int dnext, dopen;
	int *dpos;
	size_t *dseg;
	struct buf dsep;	/* each place's separator, from dsoff[p] */
	size_t *dsoff;
	struct buf dtmp;	/* a cell set again */
};

/* Output is built in a buffer and written in chunks of about this. */
#define OUT_CHUNK	65536
/* Held output (out_hold) past OUT_HELD_BIG grows to OUT_HELD_HUGE at
 * once, which buf_grow backs with 2 MiB pages. */
#define OUT_HELD_BIG	(256u << 10)
#define OUT_HELD_HUGE	(2u << 20)

/* The columns -c picks (vis) and the keys of -s, as out_print reads
 * them. */
struct pick {
	const struct out *o;
	int *vis;
	int nvis;
	struct sortkey *key;
	int nkey;
	const char *bad;
	size_t badlen;
};

/* out.c */
const struct cell *out_cell_at(const struct out *o, int row, int col);
const char *out_cell_str(const struct out *o, const struct cell *c);
int out_cell_truth(const struct cell *c);
/* tsv text of a string, of a cell of a column of type type, and the
 * digits of a numeric cell, into b */
void out_tsv_str(struct buf *b, const char *s);
void out_tsv_cell(struct buf *b, const struct out *o, enum out_type type,
    const struct cell *c);
void out_add_integer(struct buf *b, const struct cell *c);
/* Write b to f once it holds limit bytes or more. */
void out_flush_if(struct buf *b, FILE *f, size_t limit);
/* The columns to show (-c, or the default set) into pk->vis; -1 with e
 * for an unknown name. */
int out_pick_visible(struct out *o, struct pick *pk, struct px_err *e);

/* out_stream.c */
/* Cell col of the open row of a stream (c, or the string s). */
void out_direct_put(struct out *o, int col, const struct cell *c,
    const char *s);

/* out_stream_next in a json or jsonl stream whose row is open: the
 * comma and key made once, then the value.  0 done, -1 for
 * out_direct_put. */
static inline int
out_json_next(struct out *o, int col, int p, const struct cell *c,
    const char *s)
{
	struct buf *b = &o->sb;

	if (!o->dopen || (o->opts.fmt != OUT_JSON && o->opts.fmt != OUT_JSONL))
		return -1;
	buf_add(b, o->dsep.p + o->dsoff[p], o->dsoff[p + 1] - o->dsoff[p]);
	o->dseg[p] = b->len;
	if (c->kind == K_STR)
		json_escape(b, s, strlen(s));
	else if (c->kind == K_NULL)
		buf_add(b, "null", 4);
	else if (c->kind == K_BOOL || o->col[col].type == OT_BOOL)
		buf_adds(b, out_cell_truth(c) ? "true" : "false");
	else
		out_add_integer(b, c);
	o->dnext = p + 1;
	return 0;
}

/*
 * The usual cell of a stream: not shown, or the next place of an open
 * row (of a tsv row, the first too), written here in one go (a listing sets 200,000
 * of them; out_direct_put does the rest).  0 done, -1 for
 * out_direct_put.
 */
static inline int
out_stream_next(struct out *o, int col, const struct cell *c, const char *s)
{
	struct buf *b = &o->sb;
	int p;

	if (col < 0 || col >= o->ncol || o->nrow == 0)
		return -1;
	if ((p = o->dpos[col]) < 0)
		return 0;	/* not shown: nothing kept */
	if (p != o->dnext)
		return -1;
	if (o->opts.fmt != OUT_TSV)
		return out_json_next(o, col, p, c, s);
	if (c->kind == K_STR) {
		if (p > 0)
			buf_addc(b, '\t');
		o->dseg[p] = b->len;
		out_tsv_str(b, s);
	} else {
		if (b->len + 50 >= b->cap)
			buf_grow(b, 50);
		if (p > 0)
			b->p[b->len++] = '\t';
		o->dseg[p] = b->len;
		b->p[b->len] = '\0';
		if (c->kind == K_NULL)
			;	/* empty */
		else if (c->kind == K_BOOL || o->col[col].type == OT_BOOL)
			buf_addc(b, out_cell_truth(c) ? '1' : '0');
		else if (c->kind == K_UINT)
			b->len += json_fmt_uint(b->p + b->len, 48, c->v.u);
		else if (c->kind == K_INT)
			b->len += json_fmt_int(b->p + b->len, 48, c->v.i);
		else
			b->len += json_fmt_num(b->p + b->len, 48, c->v.d);
	}
	o->dopen = 1;		/* a tsv row's start is no text */
	o->dnext = p + 1;
	return 0;
}
/* The open row of a stream is complete. */
void out_stream_row(struct out *o);
/* out_print of a stream: the last row, the end of a json array. */
int out_stream_end(struct out *o, FILE *f, struct px_err *e);

#endif
