/* pve_field.c -- the table-driven object reader of lib/pve_*.c. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json_flat.h"
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

/*
 * The fast reader of a row (issue 21): the members of obj read in one
 * pass, each value converted as its key is seen, the key found through
 * a small hash of the table's names.  It takes the row every big listing
 * is made of -- strings of printable ASCII without escapes that fit,
 * plain numbers, true, false and null -- and reads it exactly as
 * pve_row_check_keys would; anything else, or a row that would be
 * refused, is left to that general path (1, dst then partly written).
 * The unit tests compare both on every recorded answer and on hostile
 * rows.
 */
#define ROW_SLOTS	128
struct row_index {
	const struct pve_field *f;
	int nf;
	/* two keys fill one field ("pool", "vgname"), or a key is not
	 * a plain name: the general path only */
	int shared;
	uint64_t def;		/* the fields with a default not 0 */
	signed char slot[ROW_SLOTS];	/* field ids, -1 empty */
	/* the field that followed field q in the last row, next[q + 1]
	 * (next[0]: the first): a row's keys come in its list's order */
	signed char next[FILL_CHUNK + 1];
	size_t len[FILL_CHUNK];
};
static __thread struct row_index row_ix;

static unsigned int
key_hash(const char *s, size_t n)
{
	return (unsigned int)(n * 31u + (unsigned char)s[0] * 7u +
	    (unsigned char)s[n - 1]) & (ROW_SLOTS - 1);
}

static struct row_index *
row_index(const struct pve_field *f, int nf)
{
	struct row_index *x = &row_ix;

	if (x->f == f && x->nf == nf)
		return x;
	memset(x->slot, -1, sizeof(x->slot));
	memset(x->next, -1, sizeof(x->next));
	x->shared = 0;
	x->def = 0;
	for (int i = 0; i < nf; i++) {
		unsigned int h;

		for (int o = 0; o < i; o++)
			if (f[o].off == f[i].off)
				x->shared = 1;
		x->len[i] = strlen(f[i].key);
		if (f[i].def != 0)
			x->def |= 1ull << i;
		for (size_t c = 0; c < x->len[i]; c++)
			if (f[i].key[c] == '"' || f[i].key[c] == '\\' ||
			    (unsigned char)f[i].key[c] < 0x20)
				x->shared = 1;	/* not a name: never */
		if (x->len[i] == 0)
			continue;
		for (h = key_hash(f[i].key, x->len[i]); x->slot[h] != -1;
		    h = (h + 1) & (ROW_SLOTS - 1))
			;
		x->slot[h] = (signed char)i;
	}
	x->f = f;
	x->nf = nf;
	return x;
}

/* raw[0..n) == name[0..n): no call for a short key. */
static inline int
same_bytes(const char *raw, const char *name, size_t n)
{
	uint64_t a, b;

	for (; n >= 8; n -= 8, raw += 8, name += 8) {
		memcpy(&a, raw, 8);
		memcpy(&b, name, 8);
		if (a != b)
			return 0;
	}
	if (n >= 4) {		/* the first four and the last four */
		uint32_t c, d, e, g;

		memcpy(&c, raw, 4);
		memcpy(&d, name, 4);
		memcpy(&e, raw + n - 4, 4);
		memcpy(&g, name + n - 4, 4);
		return c == d && e == g;
	}
	while (n-- > 0)
		if (*raw++ != *name++)
			return 0;
	return 1;
}

/* The field named raw[0..n), or -1. */
static int
row_field(const struct row_index *x, const char *raw, size_t n)
{
	unsigned int h;
	int q;

	if (n == 0)
		return -1;
	for (h = key_hash(raw, n); (q = x->slot[h]) != -1;
	    h = (h + 1) & (ROW_SLOTS - 1))
		if (x->len[q] == n && same_bytes(raw, x->f[q].key, n))
			return q;
	return -1;
}

/* The number -m (neg) or m, with frac fraction digits (m / 10^frac),
 * into field f at p: 0, or 1 for the general path. */
static int
fast_int(const struct pve_field *f, char *p, int neg, uint64_t m, int frac)
{
	double d;

	switch (f->t) {
	case PF_INT:
		if (frac != 0 || m > 2147483647u)
			return 1;
		*(int *)(void *)p = neg ? -(int)m : (int)m;
		return 0;
	case PF_LL:
		if (frac != 0 || m > 9223372036854775807ull)
			return 1;
		*(long long *)(void *)p = neg ? -(long long)m : (long long)m;
		return 0;
	case PF_U64:
		if (frac != 0 || (neg && m != 0))
			return 1;
		*(uint64_t *)(void *)p = m;
		return 0;
	case PF_NUM:
		if (json_plain_double(neg, m, frac, &d) != 0)
			return 1;
		*(double *)(void *)p = d;
		return 0;
	case PF_BOOL:
		if (json_plain_double(neg, m, frac, &d) != 0)
			return 1;
		*(int *)(void *)p = d != 0;
		return 0;
	default:
		return 1;
	}
}

/* The number raw[0..n) into field f at p: 0, or 1 for the general
 * path. */
static int
fast_number(const struct pve_field *f, char *p, const char *raw, size_t n)
{
	uint64_t m;
	int neg, frac;
	size_t i;

	/* An integer, the most of them: its digits here. */
	neg = raw[0] == '-';
	m = 0;
	frac = 0;
	i = (size_t)(json_eight_digits(raw + neg, raw + n, &m) - raw);
	for (; i < n; i++) {
		unsigned int dg = (unsigned char)raw[i] - '0';

		if (dg > 9)
			break;
		m = m * 10 + dg;
	}
	if (i < n || i == (size_t)neg || i - (size_t)neg > 19 ||
	    (raw[neg] == '0' && i - (size_t)neg > 1)) {
		if (json_plain_text(raw, raw + n, &neg, &m, &frac) != 0)
			return 1;
	}
	return fast_int(f, p, neg, m, frac);
}

/* A value of field f from raw[0..n) of type ty into p: 0, or 1 for the
 * general path. */
static int
fast_value(const struct pve_field *f, char *p, enum json_type ty,
    const char *raw, size_t n)
{
	size_t i;

	if (ty == JSON_NULL) {		/* the default, as when absent */
		switch (f->t) {
		case PF_STR:
			p[0] = '\0';
			break;
		case PF_INT:
		case PF_BOOL:
			*(int *)(void *)p = (int)f->def;
			break;
		case PF_LL:
			*(long long *)(void *)p = f->def;
			break;
		case PF_U64:
			*(uint64_t *)(void *)p = 0;
			break;
		case PF_NUM:
			*(double *)(void *)p = 0;
			break;
		}
		return 0;
	}
	if (f->t == PF_STR) {
		if (ty != JSON_STRING || n >= f->size)
			return 1;
		for (i = 0; i < n; i++)
			if ((unsigned char)raw[i] < 0x20 ||
			    (unsigned char)raw[i] >= 0x7f || raw[i] == '\\')
				return 1;
		memcpy(p, raw, n);
		p[n] = '\0';
		return 0;
	}
	if (f->t == PF_BOOL && (ty == JSON_TRUE || ty == JSON_FALSE)) {
		*(int *)(void *)p = ty == JSON_TRUE;
		return 0;
	}
	if (ty != JSON_NUMBER)
		return 1;
	return fast_number(f, p, raw, n);
}

/* One row as pve_row_fast and pve_row_direct read it. */
struct row_read {
	struct row_index *x;
	const struct pve_field *f;
	char *dst;
	uint64_t seen, val;	/* the fields given, those not null */
	int prev;		/* the last field read, -1 */
};

/* 0 with rr ready, 1 when f needs the general path. */
static int
row_begin(struct row_read *rr, const struct pve_field *f, int nf, void *dst)
{
	if (nf > FILL_CHUNK)
		return 1;
	rr->x = row_index(f, nf);
	if (rr->x->shared)
		return 1;	/* which key wins: the general path's order */
	rr->f = f;
	rr->dst = dst;
	rr->seen = rr->val = 0;
	rr->prev = -1;
	return 0;
}

/* The field named key[0..klen) in a row: its index (x->next learns
 * it), -1 for none, -2 for the general path (given twice). */
static inline int
row_key(struct row_read *rr, int q)
{
	if (q < 0)
		return -1;
	rr->x->next[rr->prev + 1] = (signed char)q;
	rr->prev = q;
	return rr->seen & (1ull << q) ? -2 : q;
}

/* The field named key[0..klen): row_key's. */
static inline int
row_find(struct row_read *rr, const char *key, size_t klen)
{
	struct row_index *x = rr->x;
	int g = x->next[rr->prev + 1];

	if (g >= 0 && x->len[g] == klen && same_bytes(key, rr->f[g].key,
	    klen))
		return row_key(rr, g);	/* the guess holds */
	return row_key(rr, row_field(x, key, klen));
}

/* Field q has been given a value of type ty. */
static inline void
row_got(struct row_read *rr, int q, enum json_type ty)
{
	rr->seen |= 1ull << q;
	if (ty != JSON_NULL)
		rr->val |= 1ull << q;
}

/* The member key[0..klen): value[0..vlen) of type ty: 0 read (or not a
 * field's), 1 for the general path. */
static inline int
row_member(struct row_read *rr, const char *key, size_t klen,
    enum json_type ty, const char *val, size_t vlen)
{
	const struct pve_field *f = rr->f;
	int q = row_find(rr, key, klen);

	if (q == -1)	/* not a field; an escaped key may be a name */
		return memchr(key, '\\', klen) != NULL;
	if (q < 0 || fast_value(&f[q], rr->dst + f[q].off, ty, val, vlen) != 0)
		return 1;
	row_got(rr, q, ty);
	return 0;
}

/* The row read: 0, or 1 for the general path. */
static int
row_end(struct row_read *rr, uint64_t *have)
{
	const struct pve_field *f = rr->f;

	/* The key: there, not null, not empty (the general path says
	 * what is wrong). */
	if (!(rr->val & 1) || (f[0].t == PF_STR && (rr->dst + f[0].off)[0] ==
	    '\0'))
		return 1;
	for (uint64_t d = rr->x->def & ~rr->seen; d != 0; d &= d - 1) {
		int q = __builtin_ctzll(d);

		fast_value(&f[q], rr->dst + f[q].off, JSON_NULL, NULL, 0);
	}
	if (have != NULL)
		*have = rr->val;
	return 0;
}

int
pve_row_fast(const struct json *j, int obj, void *dst,
    const struct pve_field *f, int nf, uint64_t *have)
{
	struct json_member mb[FILL_CHUNK];
	struct row_read rr;
	int i, nm;

	if (row_begin(&rr, f, nf, dst) != 0 ||
	    (nm = json_members(j, obj, mb, FILL_CHUNK)) < 0)
		return 1;
	for (i = 0; i < nm; i++)
		if (row_member(&rr, mb[i].key, mb[i].klen, mb[i].type,
		    mb[i].val, mb[i].vlen) != 0)
			return 1;
	return row_end(&rr, have);
}

/*
 * One member of a row from its text at s[*i]: 0 with *i past the ',' or
 * the '}' after it (*last set for the '}'), 1 for the general path.  The
 * key is first compared with the name the row's list has after the
 * last field (it is then known whole and plain, without a scan); a
 * string for a string field and a plain integer for a number field are
 * checked, read and stored in one pass.
 */
static inline int
direct_member(struct row_read *rr, const char *s, size_t len, size_t *i,
    int *last)
{
	const struct pve_field *f = rr->f, *fq;
	struct row_index *x = rr->x;
	size_t ks = *i + 1, ke, k, vs, ve, kl;
	enum json_type ty;
	uint64_t m;
	int q, g, neg, r;
	char *p;

	if (*i >= len || s[*i] != '"')
		return 1;
	g = x->next[rr->prev + 1];
	if (g >= 0 && (kl = x->len[g]) < len - ks && s[ks + kl] == '"' &&
	    same_bytes(s + ks, f[g].key, kl)) {
		ke = ks + kl;	/* a name of the table: plain */
		q = row_key(rr, g);
	} else {
		if ((ke = json_flat_string(s, len, ks)) == 0)
			return 1;
		q = row_find(rr, s + ks, ke - ks);
	}
	if (q == -2)
		return 1;
	k = ke + 1;
	if (k < len && s[k] != ':')	/* whitespace is rare: not looked for */
		k = json_flat_ws(s, len, k);
	if (k >= len || s[k] != ':')
		return 1;
	if (++k < len && JSON_FLAT_WS(s[k]))
		k = json_flat_ws(s, len, k);
	if (k >= len)
		return 1;
	fq = q >= 0 ? &f[q] : NULL;
	p = q >= 0 ? rr->dst + fq->off : NULL;
	if (fq != NULL && fq->t == PF_STR && s[k] == '"') {
		if ((ve = json_flat_ascii(s, len, vs = k + 1)) == 0 ||
		    ve - vs >= fq->size)
			return 1;
		memcpy(p, s + vs, ve - vs);
		p[ve - vs] = '\0';
		ty = JSON_STRING;
		k = ve + 1;
	} else if (fq != NULL && fq->t != PF_STR && (s[k] == '-' ||
	    json_flat_digit(s[k])) && (ve = json_flat_int(s, len, k, &neg,
	    &m)) != 0) {
		if (fast_int(fq, p, neg, m, 0) != 0)
			return 1;
		ty = JSON_NUMBER;
		k = ve;
	} else {
		if ((k = json_flat_value(s, len, k, &vs, &ve, &ty)) == 0 ||
		    (fq != NULL && fast_value(fq, p, ty, s + vs, ve - vs) != 0))
			return 1;
	}
	if (q >= 0)
		row_got(rr, q, ty);
	if ((r = json_flat_next(s, len, k, i)) == 0)
		return 1;
	*last = r == 2;
	return 0;
}

int
pve_row_direct(const char *s, size_t len, size_t at, void *dst,
    const struct pve_field *f, int nf, uint64_t *have, size_t *end)
{
	struct row_read rr;
	size_t i;
	int last, nm = 0;

	if (row_begin(&rr, f, nf, dst) != 0 ||
	    (last = json_flat_open(s, len, at, &i)) < 0)
		return 1;
	while (!last)
		/* more members than json_members takes: as pve_row_fast */
		if (++nm > FILL_CHUNK ||
		    direct_member(&rr, s, len, &i, &last) != 0)
			return 1;
	if (row_end(&rr, have) != 0)
		return 1;
	*end = i;
	return 0;
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
