/* pve_field.c -- the table-driven object reader of lib/pve_*.c. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_field.h"

/* The most keys json_fields looks up in one call (its FIELDS_MAX). */
#define FILL_CHUNK	64

static const char *
type_name(enum json_type ty)
{
	switch (ty) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_NUMBER:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/*
 * Why the value t of field f cannot be read as its type, into why[0..n);
 * 0 when it can, or is absent or null (which gets the default).  The
 * checks are the reads of pve_fill.  Unless strict (a row's key), only a
 * number counts: PVE sends "N/A" for an unknown wearout and -1 for an
 * unknown size, and those get the default; but a number px would show
 * wrong (maxmem 1e308, 100.5 as an integer) makes the row malformed.
 */
static int
field_bad(const struct json *j, int t, const struct pve_field *f, int strict,
    char *why, size_t n)
{
	static const char *const want[] = { "a string", "an integer",
	    "an integer", "an integer", "a number", "a boolean" };
	enum json_type ty = json_type(j, t);
	const char *raw;
	size_t rl;
	long long ll;
	uint64_t u;
	double d;
	int b;

	if (ty == JSON_NONE || ty == JSON_NULL)
		return 0;
	if (!strict && (ty != JSON_NUMBER || f->t == PF_BOOL ||
	    (f->t == PF_U64 && json_num(j, t, &d) == 0 && d < 0)))
		return 0;
	switch (f->t) {
	case PF_STR:
		if (ty != JSON_OBJECT && ty != JSON_ARRAY)
			return 0;
		break;
	case PF_INT:
		if (json_int(j, t, &ll) == 0 && ll >= -2147483647LL &&
		    ll <= 2147483647LL)
			return 0;
		break;
	case PF_LL:
		if (json_int(j, t, &ll) == 0)
			return 0;
		break;
	case PF_U64:
		if (json_uint(j, t, &u) == 0)
			return 0;
		break;
	case PF_NUM:
		if (json_num(j, t, &d) == 0)
			return 0;
		break;
	case PF_BOOL:
		if (json_bool(j, t, &b) == 0)
			return 0;
		break;
	}
	raw = json_raw(j, t, &rl);
	if (rl > 40)
		rl = 40;
	if (ty == JSON_OBJECT || ty == JSON_ARRAY || ty == JSON_TRUE ||
	    ty == JSON_FALSE)
		snprintf(why, n, "%s is %s, not %s", f->key, type_name(ty),
		    want[f->t]);
	else if (f->t != PF_BOOL && json_num(j, t, &d) == 0 &&
	    (f->t == PF_NUM || d == floor(d)))
		snprintf(why, n, "%s %.*s out of range", f->key, (int)rl, raw);
	else if (ty == JSON_STRING)
		snprintf(why, n, "%s is \"%.*s\", not %s", f->key, (int)rl,
		    raw, want[f->t]);
	else
		snprintf(why, n, "%s is %.*s, not %s", f->key, (int)rl, raw,
		    want[f->t]);
	return -1;
}

void
pve_fill(const struct json *j, int obj, void *dst, const struct pve_field *f,
    int nf)
{
	pve_fill_check(j, obj, dst, f, nf, NULL, 0);
}

void
pve_row_keys(const struct json *j, int obj, const struct pve_field *f,
    int nf, int *tok)
{
	const char *names[FILL_CHUNK];

	/* One pass over the object's members per chunk of keys, not one
	 * per key: json_each hands over 10,000 guests one at a time. */
	for (int i = 0; i < nf; i += FILL_CHUNK) {
		int m = nf - i < FILL_CHUNK ? nf - i : FILL_CHUNK;

		for (int q = 0; q < m; q++)
			names[q] = f[i + q].key;
		json_fields(j, obj, names, m, tok + i);
	}
}

/* pve_fill_check with the keys looked up (pve_row_keys). */
static int
fill_toks(const struct json *j, const int *tok, void *dst,
    const struct pve_field *f, int nf, char *why, size_t whylen)
{
	int rc = 0;

	for (int i = 0; i < nf; i++) {
		char *p = (char *)dst + f[i].off;
		int t = tok[i], failed;
		long long ll;

		/* field_bad refuses a value only when the read below fails
		 * (its non-strict checks are those reads): it runs for
		 * those alone, not for the 200,000 good fields of a big
		 * listing. */
		failed = 0;
		switch (f[i].t) {
		case PF_STR:
			if (json_is_null(j, t))
				break;
			if (json_strcpy(j, t, p, f[i].size) < 0)
				p[0] = '\0';
			text_sanitize(p);	/* never refused when not
						 * strict */
			break;
		case PF_INT:
			if ((failed = json_int(j, t, &ll) != 0 ||
			    ll < -2147483647LL || ll > 2147483647LL))
				ll = f[i].def;
			*(int *)(void *)p = (int)ll;
			break;
		case PF_LL:
			if ((failed = json_int(j, t, &ll) != 0))
				ll = f[i].def;
			*(long long *)(void *)p = ll;
			break;
		case PF_U64:
			if ((failed = json_uint(j, t,
			    (uint64_t *)(void *)p) != 0))
				*(uint64_t *)(void *)p = 0;
			break;
		case PF_NUM:
			if ((failed = json_num(j, t,
			    (double *)(void *)p) != 0))
				*(double *)(void *)p = 0;
			break;
		case PF_BOOL:
			/* never refused when not strict */
			if (json_bool(j, t, (int *)(void *)p) != 0)
				*(int *)(void *)p = (int)f[i].def;
			break;
		}
		if (failed && why != NULL && rc == 0 &&
		    field_bad(j, t, &f[i], 0, why, whylen) != 0)
			rc = -1;
	}
	return rc;
}

int
pve_fill_check(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, char *why, size_t whylen)
{
	int buf[FILL_CHUNK], *tok = nf <= FILL_CHUNK ? buf :
	    px_xcalloc((size_t)nf, sizeof(*tok));
	int rc;

	pve_row_keys(j, obj, f, nf, tok);
	rc = fill_toks(j, tok, dst, f, nf, why, whylen);
	if (tok != buf)
		free(tok);
	return rc;
}

void
pve_row_drop(const struct json *j, const char *what, int row,
    const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	px_drop(j->origin ? j->origin : what, row, "%s", why);
}

int
pve_row_check_keys(const struct json *j, int obj, const int *tok, void *dst,
    const struct pve_field *f, int nf, char *why, size_t n)
{
	char bad[256];
	const char *p = (const char *)dst + f[0].off;
	int key;
	enum json_type ty = json_type(j, obj);

	if (ty != JSON_OBJECT) {
		snprintf(why, n, "%s, not an object", type_name(ty));
		return -1;
	}
	key = tok[0];
	if (json_is_null(j, key)) {
		snprintf(why, n, "no %s", f[0].key);
		return -1;
	}
	if (field_bad(j, key, &f[0], 1, why, n) != 0)
		return -1;
	if (fill_toks(j, tok, dst, f, nf, bad, sizeof(bad)) == 0) {
		if (f[0].t == PF_STR && p[0] == '\0') {
			snprintf(why, n, "%s is empty", f[0].key);
			return -1;
		}
		return 0;
	}
	/* Which row: by its key. */
	if (f[0].t == PF_STR)
		snprintf(why, n, "%s %s: %s", f[0].key, p, bad);
	else if (f[0].t == PF_INT)
		snprintf(why, n, "%s %d: %s", f[0].key, *(const int *)(const
		    void *)p, bad);
	else
		snprintf(why, n, "%s", bad);
	return -1;
}

int
pve_row_check(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, char *why, size_t n)
{
	int buf[FILL_CHUNK], *tok = nf <= FILL_CHUNK ? buf :
	    px_xcalloc((size_t)nf, sizeof(*tok));
	int rc;

	pve_row_keys(j, obj, f, nf, tok);
	rc = pve_row_check_keys(j, obj, tok, dst, f, nf, why, n);
	if (tok != buf)
		free(tok);
	return rc;
}

/* Is obj a row of another kind, by its "type" (rows of
 * /cluster/resources say what they are)? */
static int
other_kind(const struct json *j, int obj, const char *kind)
{
	int t = json_get(j, obj, "type");

	return kind != NULL && json_type(j, t) == JSON_STRING &&
	    !json_eq(j, t, "") && !json_eq(j, t, kind);
}

int
pve_rows_parse(const struct json *j, int arr, const struct pve_rows *d,
    void **out, int *n, struct px_err *e)
{
	char *v, why[512];
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "%s: not an array", d->what);
	v = px_xcalloc((size_t)json_len(j, arr) + 1, d->size);
	JSON_FOREACH(j, arr, c, i) {
		char *x = v + (size_t)k * d->size;

		if (json_type(j, c) == JSON_OBJECT &&
		    other_kind(j, c, d->kind))
			continue;
		if (pve_row_check(j, c, x, d->f, d->nf, why,
		    sizeof(why)) != 0) {
			pve_row_drop(j, d->what, i, "%s", why);
			memset(x, 0, d->size);
			continue;
		}
		if (d->more && d->more(j, c, x) != 0) {
			memset(x, 0, d->size);
			continue;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
