/*
 * json_num.c -- typed values (json_int, json_uint, json_num, json_bool
 * and the getters by key) and number text: reading and formatting
 * doubles exactly, json_fmt_int and json_fmt_uint without printf.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_impl.h"

/*
 * Numbers are always read and written in the C locale: a command that
 * called setlocale(LC_ALL, "") must not turn 0.5 into "0,5".
 */
static locale_t c_loc;

static void
c_locale_init(void)
{
	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t
c_locale(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, c_locale_init);
	return c_loc;
}

static double
c_strtod(const char *s, char **end)
{
	locale_t loc = c_locale();

	if (loc == (locale_t)0)
		return strtod(s, end);
	return strtod_l(s, end, loc);
}

/* ---- typed values ---- */

/*
 * The number text of t (a number, or a string that holds exactly one)
 * as a C string in buf, or in *heap when it is longer.  NULL otherwise.
 */
static const char *
num_text(const struct json *j, int t, char *buf, size_t size, char **heap,
    int *isint)
{
	enum json_type ty = json_type(j, t);
	const char *p;
	size_t n, len;
	char *s;

	*heap = NULL;
	if ((ty != JSON_NUMBER && ty != JSON_STRING) ||
	    json_text_span(j, t, &p, &n) == -1)
		return NULL;
	len = ty == JSON_STRING ? json_unescape(p, n, NULL, 0) : n;
	s = len < size ? buf : (*heap = px_xmalloc(len + 1));
	if (ty == JSON_STRING)
		json_unescape(p, n, s, len + 1);
	else {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	if (len == 0 || json_num_len(s, len, isint) != len) {
		free(*heap);
		*heap = NULL;
		return NULL;
	}
	return s;
}

/*
 * The fast path of the typed readers, for what nearly every number in an
 * answer is: -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most 19 digits, as a
 * number or as a plain string (PVE's numbers in quotes).  *mant gets the
 * digits as one integer and *frac how many of them follow the point.
 * 0 when t has that shape; -1 sends the caller down the general path,
 * which handles (or refuses) everything else exactly as before.
 */

int
json_plain_text(const char *p, const char *end, int *neg, uint64_t *mant,
    int *frac)
{
	const char *d, *pt;
	uint64_t m = 0;
	long ni, nf = 0;

	*neg = p < end && *p == '-';
	p += *neg;
	d = p;
	p = json_eight_digits(p, end, &m);
	while (p < end && (unsigned char)(*p - '0') < 10)
		m = m * 10 + (uint64_t)(*p++ - '0');
	ni = p - d;
	if (ni == 0 || (ni > 1 && *d == '0'))
		return -1;	/* "", "-", "x", or a leading zero: "01" */
	if (p < end) {
		if (*p != '.')
			return -1;	/* exponent, escape, space, ... */
		pt = ++p;
		p = json_eight_digits(p, end, &m);
		while (p < end && (unsigned char)(*p - '0') < 10)
			m = m * 10 + (uint64_t)(*p++ - '0');
		nf = p - pt;
		if (nf == 0 || p != end)
			return -1;	/* "1." or "1.5x" */
	}
	if (ni + nf > 19)
		return -1;		/* m wrapped: the general path */
	*mant = m;
	*frac = (int)nf;
	return 0;
}

static int
plain_num(const struct json *j, int t, int *neg, uint64_t *mant, int *frac)
{
	const jsmntok_t *k = tok_at(j, t);

	if (k == NULL || (k->type != JSMN_PRIMITIVE && k->type != JSMN_STRING))
		return -1;
	return json_plain_text(j->src + k->start, j->src + k->end, neg, mant,
	    frac);
}

/*
 * m / 10^frac as a double when that is exact-rounded: both operands are
 * exact doubles (m <= 2^53, 10^frac <= 10^22) and IEEE division rounds
 * once (Clinger's fast path).  -1 when it cannot promise that.
 */
int
json_plain_double(int neg, uint64_t m, int frac, double *out)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
		1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
		1e18, 1e19, 1e20, 1e21, 1e22 };
	double d;

	if (m > (1ull << 53) || frac > 22)
		return -1;
	d = (double)m / p10[frac];
	*out = neg ? -d : d;
	return 0;
}

/* The boolean value of a true/false token, or -1. */
static int
literal_bool(const struct json *j, int t)
{
	switch (json_type(j, t)) {
	case JSON_TRUE:
		return 1;
	case JSON_FALSE:
		return 0;
	default:
		return -1;
	}
}

int
json_int(const struct json *j, int t, long long *out)
{
	char buf[64], *heap, *end;
	const char *s;
	long long v;
	double d;
	int b, isint, rc = -1, neg, frac;
	uint64_t m;

	if (plain_num(j, t, &neg, &m, &frac) == 0 && frac == 0 &&
	    m <= (neg ? 9223372036854775808ull : 9223372036854775807ull)) {
		*out = neg ? (long long)(0 - m) : (long long)m;
		return 0;
	}
	if ((b = literal_bool(j, t)) != -1) {
		*out = b;
		return 0;
	}
	if ((s = num_text(j, t, buf, sizeof(buf), &heap, &isint)) == NULL)
		return -1;
	errno = 0;
	if (isint) {
		v = strtoll(s, &end, 10);
		if (errno == 0) {
			*out = v;
			rc = 0;
		}
	} else {
		/* 1.0 and 1e3 are integers; 1.5 is not. */
		d = c_strtod(s, &end);
		if (isfinite(d) && d == floor(d) &&
		    d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
			*out = (long long)d;
			rc = 0;
		}
	}
	free(heap);
	return rc;
}

int
json_uint(const struct json *j, int t, uint64_t *out)
{
	char buf[64], *heap, *end;
	const char *s;
	unsigned long long v;
	double d;
	int b, isint, rc = -1, neg, frac;
	uint64_t m;

	if (plain_num(j, t, &neg, &m, &frac) == 0 && frac == 0 &&
	    (!neg || m == 0)) {
		*out = m;
		return 0;
	}
	if ((b = literal_bool(j, t)) != -1) {
		*out = (uint64_t)b;
		return 0;
	}
	if ((s = num_text(j, t, buf, sizeof(buf), &heap, &isint)) == NULL)
		return -1;
	errno = 0;
	if (isint) {
		/* Exact above 2^53: never through a double.  strtoull would
		 * wrap "-1" around, so a minus sign only passes as -0. */
		v = strtoull(s[0] == '-' ? s + 1 : s, &end, 10);
		if (errno == 0 && (s[0] != '-' || v == 0)) {
			*out = v;
			rc = 0;
		}
	} else {
		d = c_strtod(s, &end);
		if (isfinite(d) && d == floor(d) && d >= 0 &&
		    d < 18446744073709551616.0) {
			*out = (uint64_t)d;
			rc = 0;
		}
	}
	free(heap);
	return rc;
}

int
json_num(const struct json *j, int t, double *out)
{
	char buf[64], *heap, *end;
	const char *s;
	double d;
	int isint, rc = -1, neg, frac;
	uint64_t m;

	if (plain_num(j, t, &neg, &m, &frac) == 0 &&
	    json_plain_double(neg, m, frac, out) == 0)
		return 0;
	if ((s = num_text(j, t, buf, sizeof(buf), &heap, &isint)) == NULL)
		return -1;
	d = c_strtod(s, &end);
	if (isfinite(d)) {
		*out = d;
		rc = 0;
	}
	free(heap);
	return rc;
}

/*
 * PVE is Perl: a number is true when it is not 0, and its schema parser
 * takes 1/on/yes/true and 0/off/no/false in any case.
 */
int
json_bool(const struct json *j, int t, int *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "", "0", "off", "no", "false" };
	char buf[8];
	double d;
	size_t i;
	int b;

	if ((b = literal_bool(j, t)) != -1) {
		*out = b;
		return 0;
	}
	switch (json_type(j, t)) {
	case JSON_NUMBER:
		if (json_num(j, t, &d) == -1)
			return -1;
		*out = d != 0;
		return 0;
	case JSON_STRING:
		if (json_strcpy(j, t, buf, sizeof(buf)) >= (long)sizeof(buf))
			return -1;
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
			if (strcasecmp(buf, yes[i]) == 0) {
				*out = 1;
				return 0;
			}
		for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (strcasecmp(buf, no[i]) == 0) {
				*out = 0;
				return 0;
			}
		return -1;
	default:
		return -1;
	}
}

long long
json_get_int(const struct json *j, int obj, const char *key, long long def)
{
	long long v;

	return json_int(j, json_get(j, obj, key), &v) == 0 ? v : def;
}

uint64_t
json_get_uint(const struct json *j, int obj, const char *key, uint64_t def)
{
	uint64_t v;

	return json_uint(j, json_get(j, obj, key), &v) == 0 ? v : def;
}

double
json_get_num(const struct json *j, int obj, const char *key, double def)
{
	double v;

	return json_num(j, json_get(j, obj, key), &v) == 0 ? v : def;
}

int
json_get_bool(const struct json *j, int obj, const char *key, int def)
{
	int v;

	return json_bool(j, json_get(j, obj, key), &v) == 0 ? v : def;
}

char *
json_get_str(const struct json *j, int obj, const char *key)
{
	return json_strdup(j, json_get(j, obj, key));
}

/* ---- number text ---- */

/* Whether the number text s[0..n) reads back as v: exactly, through the
 * fast path when the digits allow it, else through strtod. */
static int
reads_back(const char *s, size_t n, double v)
{
	uint64_t m;
	int neg, frac;
	double d;
	char *end;

	if (json_plain_text(s, s + n, &neg, &m, &frac) == 0 &&
	    json_plain_double(neg, m, frac, &d) == 0)
		return d == v;
	return c_strtod(s, &end) == v;
}

/* 10^0 .. 10^19: every power of ten a uint64_t holds. */
static const uint64_t p10u[20] = { 1ull, 10ull, 100ull, 1000ull, 10000ull,
	100000ull, 1000000ull, 10000000ull, 100000000ull, 1000000000ull,
	10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull,
	10000000000000000ull, 100000000000000000ull,
	1000000000000000000ull, 10000000000000000000ull };

/*
 * snprintf(buf, n, "%.*g", prec, v) for 15 <= prec <= 17, without printf
 * for the numbers an answer is full of (1e-4 <= |v| < 10^prec, not an
 * integer), and exactly: v is m * 2^-s with m < 2^53 and s <= 66, so
 * v * 10^k (k <= 20) is the integer m * 10^k (< 2^120) shifted right by
 * s, and its remainder decides the rounding as printf does (to nearest,
 * ties to even).  -1 for anything else (json_fmt_num then asks printf).
 * The unit test compares the two on random doubles.  *back (when not
 * NULL) says whether the text reads back as v: 1 or 0 when the digits
 * tell it exactly (at most 2^53 of them over 10^k, k <= 22: one
 * correctly rounded division, as strtod rounds), -1 when they cannot.
 */
static int
fmt_g(char *buf, size_t n, int prec, double v, int *back)
{
	static const double p10d[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
		1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
		1e18, 1e19, 1e20, 1e21, 1e22 };
	unsigned __int128 x, rem, half, p10k, top, low;
	double a = fabs(v);
	uint64_t m;
	char dig[24], out[48];
	int e, k, i, s, len = 0, last;

	if (prec < 15 || prec > 17 || !(a >= 1e-4) || a >= 1e17)
		return -1;
	m = (uint64_t)ldexp(frexp(a, &e), 53);	/* a = m * 2^(e - 53) */
	s = 53 - e;
	if (s <= 0 || s > 100)		/* an integer (or out of range) */
		return -1;
	/* e = floor(log10(a)): a first guess, then the scaled value must
	 * have exactly prec digits before its point. */
	e = (int)floor((e - 1) * 0.30102999566398120);	/* log10(2) */
	low = p10u[prec - 1];	/* prec <= 17 */
	top = p10u[prec];
	for (i = 0;; i++) {
		if (e < -4 || e >= prec || i == 3)
			return -1;
		k = prec - 1 - e;	/* 0 <= k <= 20 */
		p10k = k < 20 ? (unsigned __int128)p10u[k] :
		    (unsigned __int128)p10u[19] * 10;
		x = ((unsigned __int128)m * p10k) >> s;
		if (x < low)
			e--;
		else if (x >= top)
			e++;
		else
			break;
	}
	rem = ((unsigned __int128)m * p10k) & (((unsigned __int128)1 << s) - 1);
	half = (unsigned __int128)1 << (s - 1);
	if (rem > half || (rem == half && (x & 1)))
		x++;
	if (x >= top) {		/* 9.99..95 rounded up a digit */
		x /= 10;
		k--;
		if (++e >= prec)
			return -1;
	}
	m = (uint64_t)x;
	if (back != NULL)
		*back = x <= ((uint64_t)1 << 53) && k >= 0 && k <= 22 ?
		    (double)m / p10d[k] == a : -1;
	for (i = prec - 1; i >= 0; i--) {
		dig[i] = (char)('0' + m % 10);
		m /= 10;
	}
	for (last = prec - 1; last > 0 && last > e && dig[last] == '0'; last--)
		;	/* %g drops trailing zeros of the fraction */
	if (v < 0)
		out[len++] = '-';
	if (e >= 0) {
		for (i = 0; i <= e; i++)
			out[len++] = dig[i];
		if (last > e)
			out[len++] = '.';
		for (; i <= last; i++)
			out[len++] = dig[i];
	} else {
		out[len++] = '0';
		out[len++] = '.';
		for (i = e + 1; i < 0; i++)
			out[len++] = '0';
		for (i = 0; i <= last; i++)
			out[len++] = dig[i];
	}
	out[len] = '\0';
	if (n > 0) {
		k = len < (int)n ? len : (int)n - 1;
		memcpy(buf, out, (size_t)k);
		buf[k] = '\0';
	}
	return len;
}

size_t
json_fmt_uint(char *buf, size_t n, uint64_t v)
{
	/* Two digits a step, from the end of tmp: a listing prints
	 * 50,000 of these. */
	static const char pair[] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	char tmp[24], *e = tmp + sizeof(tmp), *d = e;
	size_t len, k;
	int t;

	if (v < 10 && n >= 2) {	/* 0: every counter of a stopped guest */
		buf[0] = (char)('0' + v);
		buf[1] = '\0';
		return 1;
	}
	/* The number of digits first (floor(log10) from the bit length),
	 * then the digits straight into buf from its end. */
	t = (64 - __builtin_clzll(v)) * 1233 >> 12;	/* 1233/4096: log10 2 */
	len = (size_t)t + 1 - (v < p10u[t]);
	if (len < n) {
		d = buf + len;
		*d = '\0';
		while (v >= 100) {
			unsigned r = (unsigned)(v % 100);

			v /= 100;
			d -= 2;
			memcpy(d, pair + 2 * r, 2);
		}
		if (v >= 10)
			memcpy(d - 2, pair + 2 * v, 2);
		else
			d[-1] = (char)('0' + v);
		return len;
	}
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		d -= 2;
		memcpy(d, pair + 2 * r, 2);
	}
	if (v >= 10) {
		d -= 2;
		memcpy(d, pair + 2 * v, 2);
	} else
		*--d = (char)('0' + v);
	len = (size_t)(e - d);
	if (n == 0)
		return len;
	k = len < n ? len : n - 1;
	for (size_t i = 0; i < k; i++)	/* at most 20: no call */
		buf[i] = d[i];
	buf[k] = '\0';
	return len;
}

size_t
json_fmt_int(char *buf, size_t n, long long v)
{
	/* 0 - (unsigned) is exact for LLONG_MIN too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (v >= 0)
		return json_fmt_uint(buf, n, u);
	if (n < 2) {
		if (n == 1)
			buf[0] = '\0';
		return json_fmt_uint(NULL, 0, u) + 1;
	}
	buf[0] = '-';
	return json_fmt_uint(buf + 1, n - 1, u) + 1;
}

size_t
json_fmt_num(char *buf, size_t n, double v)
{
	locale_t loc, old = (locale_t)0;
	int prec, len, back;

	if (!isfinite(v))
		return (size_t)snprintf(buf, n, "null");
	if (v == 0) {	/* also -0; no printf: 1 in 4 cells of a listing */
		if (n >= 2) {
			buf[0] = '0';
			buf[1] = '\0';
		} else if (n == 1)
			buf[0] = '\0';
		return 1;
	}
	/* Integers up to 2^53 are exact doubles: their digits need no
	 * printf (nor the locale switch). */
	if (fabs(v) <= 9007199254740992.0 && v == floor(v))
		return json_fmt_int(buf, n, (long long)v);
	/* The shortest of %.15g, %.16g, %.17g that reads back as the same
	 * double: without printf when fmt_g can. */
	for (prec = 15; prec <= 17; prec++) {
		len = fmt_g(buf, n, prec, v, &back);
		if (len < 0)
			break;
		if (prec == 17 || ((size_t)len < n && (back == 1 ||
		    (back < 0 && reads_back(buf, (size_t)len, v)))))
			return (size_t)len;
	}
	loc = c_locale();
	if (loc != (locale_t)0)
		old = uselocale(loc);
	if (v == floor(v) && fabs(v) < 1e17)
		len = snprintf(buf, n, "%.0f", v);
	else {
		for (prec = 15; prec < 17; prec++) {
			len = snprintf(buf, n, "%.*g", prec, v);
			if (len > 0 && (size_t)len < n &&
			    reads_back(buf, (size_t)len, v))
				break;
		}
		if (prec == 17)
			len = snprintf(buf, n, "%.17g", v);
	}
	if (loc != (locale_t)0)
		uselocale(old);
	return len < 0 ? 0 : (size_t)len;
}

/* Through fmt_g when it can. */
size_t
json_fmt_digits(char *buf, size_t n, int prec, double v)
{
	locale_t loc, old = (locale_t)0;
	int len = fmt_g(buf, n, prec, v, NULL);

	if (len >= 0)
		return (size_t)len;
	loc = c_locale();
	if (loc != (locale_t)0)
		old = uselocale(loc);
	len = snprintf(buf, n, "%.*g", prec, v);
	if (loc != (locale_t)0)
		uselocale(old);
	return len < 0 ? 0 : (size_t)len;
}
