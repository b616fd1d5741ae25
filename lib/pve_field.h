/*
 * pve_field.h -- the table-driven object reader behind the parsers of
 * lib/pve_*.c (lib-internal: commands call those parsers, never this).
 *
 * A table of field descriptors (JSON key, type, place in the struct,
 * default) fills a struct from an object, so that every parser accepts
 * PVE's quirks in the same way (numbers as strings, 0/1/""/true
 * booleans, missing or null fields) and a new field is one line:
 *
 *     static const struct pve_field f[] = {
 *             PF_STR(struct pve_x, id, "id"),		<- the key
 *             PF_INT(struct pve_x, port, "port", -1),
 *     };
 *     return PVE_PARSE("x list", struct pve_x, f, NULL);
 */
#ifndef PX_PVE_FIELD_H
#define PX_PVE_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

enum pve_ftype { PF_STR, PF_INT, PF_LL, PF_U64, PF_NUM, PF_BOOL };

struct pve_field {
	const char *key;
	enum pve_ftype t;
	size_t off, size;
	long long def;		/* PF_INT, PF_LL, PF_BOOL: when absent or
				 * unreadable (PF_INT also when beyond int) */
};

#define PF_FIELD(T, m, k, t, d) { k, t, offsetof(T, m), sizeof(((T *)0)->m), d }
#define PF_STR(T, m, k)		PF_FIELD(T, m, k, PF_STR, 0)
#define PF_INT(T, m, k, d)	PF_FIELD(T, m, k, PF_INT, d)
#define PF_LL(T, m, k)		PF_FIELD(T, m, k, PF_LL, 0)
#define PF_U64(T, m, k)		PF_FIELD(T, m, k, PF_U64, 0)
#define PF_NUM(T, m, k)		PF_FIELD(T, m, k, PF_NUM, 0)
#define PF_BOOL(T, m, k, d)	PF_FIELD(T, m, k, PF_BOOL, d)
#define PF_N(a)		((int)(sizeof(a) / sizeof((a)[0])))

/*
 * Fill the struct at dst from object obj, looking its keys up in one
 * pass (the keys of one table are distinct).  Strings are sanitized (no
 * control characters: C0, DEL and C1, each shown as '?', a newline or
 * tab as ' ') and truncated to their buffers on a character boundary;
 * a string field that is absent or null is left as it is (so two keys
 * can fill one field: "pool", else "vgname"), one that is not a scalar
 * becomes "".  Numbers and booleans that are absent, null or unreadable
 * get their default; unsigned and real numbers 0.
 */
void pve_fill(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf);
/* pve_fill, and -1 with why (the first such field: "maxmem 1e308 out of
 * range", "cpus is 2.5, not an integer") when a field is a number its
 * type cannot hold: px would show it wrong.  Other unreadable values
 * ("N/A", an object, -1 as a size: PVE's ways to say "unknown") get the
 * default as in pve_fill; 0. */
int pve_fill_check(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, char *why, size_t n);
/* pve_fill_check of one row, f[0] its key: -1 with why also when obj is
 * not an object ("a number, not an object"), has no key ("no vmid"), a
 * key that cannot be read as its type whatever it is ("vmid is \"abc\",
 * not an integer") or an empty string key; why names the row by its key
 * when the key is not what is wrong ("vmid 100: maxmem 1e308 out of
 * range"). */
int pve_row_check(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, char *why, size_t n);
/* The value tokens of f's keys in obj into tok[nf] (-1: absent, and
 * every one when obj is not an object), as json_fields: so that a
 * caller can look at a field of a row (its "type") before checking it
 * with pve_row_check_keys without looking the keys up twice. */
void pve_row_keys(const struct json *j, int obj, const struct pve_field *f,
    int nf, int *tok);
/* pve_row_check with tok from pve_row_keys(j, obj, f, nf, tok). */
int pve_row_check_keys(const struct json *j, int obj, const int *tok,
    void *dst, const struct pve_field *f, int nf, char *why, size_t n);
/* The fast path of pve_row_check for a big list's rows, dst zeroed by
 * the caller: 0 when it read the row exactly as pve_row_check would
 * (*have, if not NULL: the fields that had a value), 1 when the row
 * needs pve_row_check (zero dst again first).  At most 64 fields. */
int pve_row_fast(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, uint64_t *have);
/* pve_row_fast on the text of a row, without its tokens: the object
 * whose '{' is s[at], in s[0..len).  0 when it is a flat object
 * (json_flat.h) that pve_row_fast would read, read as it would, with
 * *end past its '}'; 1 when the row needs the tokens (zero dst again
 * first). */
int pve_row_direct(const char *s, size_t len, size_t at, void *dst,
    const struct pve_field *f, int nf, uint64_t *have, size_t *end);
/* Report row (its index in the array) as dropped, with px_drop: from
 * j->origin (the request, "GET /nodes"), else what. */
void pve_row_drop(const struct json *j, const char *what, int row,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* How to read an array of objects into structs of one type. */
struct pve_rows {
	const char *what;	/* for errors: "HA rules: not an array" */
	const struct pve_field *f;	/* f[0] is the key field */
	int nf;
	size_t size;		/* of the struct */
	/* Called for every row the key field keeps, after pve_fill, for
	 * what a table cannot say (may be NULL); nonzero drops the row. */
	int (*more)(const struct json *j, int obj, void *row);
	/* When set, rows whose "type" is another non-empty string are
	 * of another kind (/cluster/resources) and skipped, unreported. */
	const char *kind;
};

#define PVE_ROWS(what, T, f, more) { what, f, PF_N(f), sizeof(T), more, NULL }
/* pve_rows_parse of array arr into *out and *n, in a parser whose
 * parameters are named j, arr, out, n and e. */
#define PVE_PARSE(what, T, f, more) \
	pve_rows_parse(j, arr, &(const struct pve_rows)PVE_ROWS(what, T, f, \
	    more), (void **)out, n, e)

/*
 * Parse the objects of array arr into a calloc'd array of rows (one
 * zeroed row more, as a terminator; the caller frees it).  Rows of
 * another kind (d->kind) and rows d->more refuses are skipped; the rows
 * pve_row_check refuses (not an object, no key, a field present but
 * unreadable) are dropped and reported (pve_row_drop), and the others
 * kept.  PXE_PARSE when arr is not an array (*out is then NULL).
 */
int pve_rows_parse(const struct json *j, int arr, const struct pve_rows *d,
    void **out, int *n, struct px_err *e);

#endif
