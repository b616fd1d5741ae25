/*
 * json_write.c -- JSON writing: json_escape, the one escaping routine,
 * and the writer struct jw (compact JSON, keys in the caller's order).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json_impl.h"

/* ---- writing ---- */

/*
 * The length of the valid UTF-8 sequence at s[0..n), or 0 when it is not
 * one; *bad gets the length of its maximal valid prefix (at least 1), the
 * bytes one U+FFFD replaces (Unicode's "maximal subpart" practice).
 * Refuses overlong forms, UTF-16 surrogates and anything over U+10FFFF.
 */
static size_t
utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	*bad = 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* over U+10FFFF */
	} else
		return 0;
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		*bad = i + 1;
	}
	return need;
}

/* From p[i]: where the run of bytes written as they are (printable
 * ASCII but '"' and '\\') ends, n when it reaches the end. */
static size_t
plain_run(const unsigned char *p, size_t i, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight bytes a step (an audit verify escapes a million rows):
	 * the scanner's stops, and every byte >= 0x80 (its high bit). */
	while (i + 8 <= n) {
		uint64_t v, m;

		memcpy(&v, p + i, 8);
		m = json_word_stops(v) | (v & 0x8080808080808080ull);
		if (m != 0)
			return i + (size_t)__builtin_ctzll(m) / 8;
		i += 8;
	}
#endif
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
	    p[i] != '\\')
		i++;
	return i;
}

void
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, k, bad;
	char esc[7];

	buf_grow(b, n + 2);
	buf_addc(b, '"');
	while (i < n) {
		/* Copy plain ASCII in runs: most text is only that. */
		run = plain_run(p, i, n);
		if (run > i) {
			buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		if (p[i] >= 0x80) {
			if ((k = utf8_valid(p + i, n - i, &bad)) == 2 &&
			    p[i] == 0xc2 && p[i + 1] < 0xa0) {
				/* a C1 control (U+0080..U+009F: U+009B is
				 * CSI to some terminals) is escaped, like
				 * C0: what px writes stays inert text */
				snprintf(esc, sizeof(esc), "\\u00%c%c",
				    hex[p[i + 1] >> 4], hex[p[i + 1] & 15]);
				buf_add(b, esc, 6);
				i += 2;
			} else if (k > 0) {
				buf_add(b, p + i, k);
				i += k;
			} else {
				buf_add(b, "\xef\xbf\xbd", 3);
				i += bad;
			}
			continue;
		}
		switch (p[i]) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\b':
			buf_add(b, "\\b", 2);
			break;
		case '\f':
			buf_add(b, "\\f", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			buf_add(b, esc, 6);
			break;
		}
		i++;
	}
	buf_addc(b, '"');
}

/* Bits of w->comma[depth]. */
#define JW_NEED_COMMA	0x1
#define JW_OBJECT	0x2

void
jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/*
 * Deeper than JSON_MAX_DEPTH the writer keeps counting but writes
 * nothing: the container that would cross the limit is written as null,
 * so the output stays valid JSON that json_parse accepts.
 */
static int
jw_dropped(const struct jw *w)
{
	return w->depth > JSON_MAX_DEPTH;
}

/* Before a value: the comma, unless it follows its key. */
static void
jw_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->comma[w->depth] & JW_NEED_COMMA)
			buf_addc(w->b, ',');
		w->comma[w->depth] |= JW_NEED_COMMA;
	}
}

static void
jw_open(struct jw *w, char c)
{
	if (jw_dropped(w)) {
		w->depth++;
		return;
	}
	jw_value(w);
	if (w->depth == JSON_MAX_DEPTH) {
		buf_adds(w->b, "null");
		w->depth++;
		return;
	}
	buf_addc(w->b, c);
	w->depth++;
	w->comma[w->depth] = c == '{' ? JW_OBJECT : 0;
}

void
jw_obj(struct jw *w)
{
	jw_open(w, '{');
}

void
jw_arr(struct jw *w)
{
	jw_open(w, '[');
}

void
jw_end(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (jw_dropped(w)) {
		w->depth--;
		return;
	}
	if (w->after_key) {	/* a key without its value */
		buf_adds(w->b, "null");
		w->after_key = 0;
	}
	buf_addc(w->b, w->comma[w->depth] & JW_OBJECT ? '}' : ']');
	w->depth--;
}

void
jw_key(struct jw *w, const char *key)
{
	if (jw_dropped(w))
		return;
	jw_value(w);
	json_escape(w->b, key ? key : "", key ? strlen(key) : 0);
	buf_addc(w->b, ':');
	w->after_key = 1;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	if (jw_dropped(w))
		return;
	jw_value(w);
	if (s == NULL)
		buf_adds(w->b, "null");
	else
		json_escape(w->b, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void
jw_int(struct jw *w, long long v)
{
	char t[24];
	size_t n;

	if (jw_dropped(w))
		return;
	jw_value(w);
	n = json_fmt_int(t, sizeof(t), v);
	buf_add(w->b, t, n);
}

void
jw_uint(struct jw *w, uint64_t v)
{
	char t[24];
	size_t n;

	if (jw_dropped(w))
		return;
	jw_value(w);
	n = json_fmt_uint(t, sizeof(t), v);
	buf_add(w->b, t, n);
}

void
jw_num(struct jw *w, double v)
{
	char buf[40];
	size_t n;

	if (jw_dropped(w))
		return;
	jw_value(w);
	if (w->digits > 0 && isfinite(v) && v != floor(v) && fabs(v) < 1e17)
		n = json_fmt_digits(buf, sizeof(buf), w->digits, v);
	else
		n = json_fmt_num(buf, sizeof(buf), v);
	buf_add(w->b, buf, n);
}

void
jw_bool(struct jw *w, int v)
{
	if (jw_dropped(w))
		return;
	jw_value(w);
	buf_adds(w->b, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	if (jw_dropped(w))
		return;
	jw_value(w);
	buf_adds(w->b, "null");
}

void
jw_raw(struct jw *w, const char *json, size_t n)
{
	if (jw_dropped(w))
		return;
	jw_value(w);
	buf_add(w->b, json, n);
}

void
jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void
jw_kuint(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

void
jw_knum(struct jw *w, const char *key, double v)
{
	jw_key(w, key);
	jw_num(w, v);
}

void
jw_kbool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void
jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}
