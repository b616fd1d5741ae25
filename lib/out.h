/*
 * out.h -- every command prints data through this: table, tsv, json, jsonl.
 *
 * A command declares its columns once (name and type), adds rows of typed
 * cells, and calls out_print.  The column names are a contract: they are
 * the JSON keys and the -c/-s names, documented in the man page.
 *
 *   table  aligned columns under an upper-case header (-H drops it), human
 *          units: bytes as "1.5 GiB", fractions as "12.3%", durations as
 *          "3d4h", epochs as "2026-11-28 17:30", booleans "yes"/"no",
 *          null as "-"; numbers right-aligned; width in UTF-8 code
 *          points; control characters shown as \t \n \r or '?'.
 *          Colour (bold header, red error rows) only when opts.color is
 *          1, or -1 and the stream is a terminal and NO_COLOR is unset.
 *   tsv    no header ever, the table's columns, raw values (bytes as
 *          integers, the raw fraction, seconds, epochs, bool 0/1, null
 *          empty), tab/newline/CR/backslash in strings escaped as
 *          \t \n \r \\.
 *   json   one array of objects ("[]" when empty), keys in column order,
 *          every column including OC_EXTRA unless -c, raw numbers,
 *          true/false, null for absent cells.  With out_record, a single
 *          object ("{}" without a row).
 *   jsonl  one object per line.
 *
 * -c col,col picks and orders columns (also columns declared OC_EXTRA,
 * which the table omits by default); names match in any case.  -s col,col
 * sorts (prefix '-' for descending; numeric cells sort numerically, text
 * by bytes, nulls last either way; the sort is stable).  An unknown column
 * name in -c or -s is a usage error, reported before anything is printed.
 */
#ifndef PX_OUT_H
#define PX_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum out_fmt { OUT_TABLE, OUT_TSV, OUT_JSON, OUT_JSONL };

enum out_type {
	OT_STR,		/* text */
	OT_INT,		/* integer */
	OT_NUM,		/* real, table shows %.2f trimmed */
	OT_BYTES,	/* integer bytes; table "12.0 GiB" */
	OT_PCT,		/* 0..1 fraction; table "12.3%", json the fraction */
	OT_DURATION,	/* seconds; table "3d4h", "5m12s" */
	OT_TIME,	/* epoch seconds; table "YYYY-MM-DD HH:MM" local time */
	OT_BOOL,	/* 0/1; table "yes"/"no", tsv 1/0, json true/false */
};

#define OC_EXTRA	0x1	/* not in the default table; -c and json have it */
#define OC_RIGHT	0x2	/* right-align (numbers are right-aligned anyway) */

struct out_col {
	const char *name;	/* lower-case, [a-z0-9_] */
	enum out_type type;
	int flags;
};

struct out_opts {
	enum out_fmt fmt;
	int no_header;		/* -H */
	const char *cols;	/* -c, or NULL */
	const char *sort;	/* -s, or NULL */
	int color;		/* -1 auto (tty and no NO_COLOR), 0 never, 1 always */
};

struct out;

/* Parse a -f value ("table", "tsv", "json", "jsonl"); -1 if unknown. */
int out_parse_fmt(const char *s);

/* A new output with the given columns (copied by reference: cols must
 * outlive the struct out).  Never NULL. */
struct out *out_new(const struct out_opts *o, const struct out_col *cols,
    int ncols);
/* Print a single object instead of a list (json: an object; table:
 * "key  value" lines; tsv: one line), made of the first row.  A record
 * is a detail view: without -c it shows OC_EXTRA columns too. */
void out_record(struct out *o);
/* Start a new row; cells not set are null/empty. */
void out_row(struct out *o);
/* Set cell col (index into cols) of the current row.  Strings are copied;
 * NULL is null. */
void out_str(struct out *o, int col, const char *s);
void out_int(struct out *o, int col, long long v);
void out_uint(struct out *o, int col, uint64_t v);
void out_num(struct out *o, int col, double v);
void out_bool(struct out *o, int col, int v);
void out_null(struct out *o, int col);
/* Mark the current row as an error row (table shows it in red on a
 * terminal); purely presentational. */
void out_row_error(struct out *o);
/* Number of rows added. */
int out_nrows(const struct out *o);
/*
 * Write each row to f as soon as the next one starts, instead of keeping
 * them all, when nothing needs every row first: tsv, json and jsonl
 * without -s (a table measures its columns; a record is one row).  Call
 * it before the first row; out_print then writes what is left.  Returns
 * 0 (also when it does not stream), or -1 with e for an unknown -c
 * column, before anything is written.  A stream keeps no rows: each
 * cell goes into the output text as it is set (a cell set again
 * replaces its text), so a 10,000-guest listing keeps its text only.
 */
int out_stream(struct out *o, FILE *f, struct px_err *e);
/* 1 when out_stream made o write its rows as they come. */
int out_streaming(const struct out *o);
/*
 * Rows added between out_hold and out_commit are held back (a stream
 * writes none of them until the commit); out_rollback drops them as if
 * they had never been added.  For rows read from an answer whose end has
 * not been checked yet: a malformed answer must print none of its rows.
 */
void out_hold(struct out *o);
void out_commit(struct out *o);
void out_rollback(struct out *o);
/*
 * A part of o: rows made on another thread (px ls -A reads two answers
 * at once), with o's columns and format, kept in the part until
 * out_join.  The part is used by one thread at a time; o is not touched
 * until out_join.
 */
struct out *out_part(const struct out *o);
/* Add part's rows after o's, as if they had been added to o there (a
 * stream writes them unless o holds), and free part.  Not while another
 * thread adds rows to o. */
void out_join(struct out *o, struct out *part);
/*
 * A hint: about n bytes of rows are on their way into o's held output
 * (out_hold) or into a part.  From OUT_HELD_BIG (256 KiB) up, the held
 * output gets its memory now, as one block of 2 MiB pages, instead of
 * growing page by page (on a virtual machine each first touch of a
 * 4 KiB page costs microseconds).  A part made after it expects as
 * much: it holds a share of the same big answer.  A stream that does
 * not hold, or a small n, is left as it is.
 */
void out_expect(struct out *o, size_t n);
/* Apply -c/-s and print everything to f (the rows stay as they are: it
 * may be called again, except after out_stream).  Returns 0, or -1 with e set (PXE_USAGE for an
 * unknown column, PXE_IO when f could not be written). */
int out_print(struct out *o, FILE *f, struct px_err *e);
void out_free(struct out *o);

/* Human formatting, also for commands' own messages. buf gets at least
 * 32 bytes. */
void out_fmt_bytes(char *buf, size_t n, uint64_t bytes);	/* "1.5 GiB" */
void out_fmt_duration(char *buf, size_t n, long long secs);	/* "3d4h" */
void out_fmt_pct(char *buf, size_t n, double frac);		/* "12.3%" */
void out_fmt_time(char *buf, size_t n, long long epoch);

#endif
