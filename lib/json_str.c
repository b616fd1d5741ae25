/*
 * json_str.c -- JSON string escapes decoded to UTF-8: what json_strdup,
 * json_eq and the typed readers see of a string token, and how
 * json_each's scanner compares an escaped key.
 */
#include <string.h>

#include "json_impl.h"

/* The value of "\uXXXX" at p, or -1. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;
	int i, h;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((h = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t
utf8_put(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode the escape sequence at p (*p == '\\') into out; returns the UTF-8
 * length and sets *adv to the source bytes used.  Never fails: a lone
 * surrogate or a bad escape becomes U+FFFD, and so does \u0000, because
 * every consumer wants a C string and a NUL in the middle would silently
 * cut it short.
 */
size_t
json_unescape_one(const char *p, const char *end, size_t *adv, char *out)
{
	long hi, lo;

	*adv = 2;
	if (end - p < 2)
		goto bad;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
		out[0] = p[1];
		return 1;
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case 'n':
		out[0] = '\n';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'u':
		if ((hi = hex4(p, end)) < 0)
			goto bad;
		*adv = 6;
		if (hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
			goto bad;
		if (hi < 0xd800 || hi > 0xdbff)
			return utf8_put(out, (unsigned long)hi);
		lo = hex4(p + 6, end);
		if (lo < 0xdc00 || lo > 0xdfff)
			goto bad;
		*adv = 12;
		return utf8_put(out, 0x10000 +
		    ((unsigned long)(hi - 0xd800) << 10) +
		    (unsigned long)(lo - 0xdc00));
	}
bad:
	if (end - p < 2)
		*adv = (size_t)(end - p);
	return utf8_put(out, 0xfffd);
}

/* Cut len back so that dst does not end inside a UTF-8 sequence. */
static size_t
utf8_trim(const char *dst, size_t len)
{
	size_t i, need;
	unsigned char c;

	for (i = len; i > 0 && len - i < 4; i--) {
		c = (unsigned char)dst[i - 1];
		if ((c & 0xc0) == 0x80)
			continue;
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return len - (i - 1) < need ? i - 1 : len;
	}
	return len;
}

/*
 * Unescape src[0..n) into dst: at most size - 1 bytes, whole code points
 * only, NUL-terminated when size > 0 (dst may be NULL with size 0).
 * Returns the full unescaped length.
 */
size_t
json_unescape(const char *src, size_t n, char *dst, size_t size)
{
	const char *p = src, *end = src + n, *bs;
	size_t len = 0, w = 0, run, k, adv;
	int full = size == 0;
	char u[4];

	/* The common string: no escape, and room for it. */
	if (n < size && memchr(src, '\\', n) == NULL) {
		memcpy(dst, src, n);
		dst[n] = '\0';
		return n;
	}
	while (p < end) {
		bs = memchr(p, '\\', (size_t)(end - p));
		run = (size_t)((bs ? bs : end) - p);
		if (run > 0) {
			if (!full) {
				k = run < size - 1 - w ? run : size - 1 - w;
				memcpy(dst + w, p, k);
				w += k;
				if (k < run) {
					w = utf8_trim(dst, w);
					full = 1;
				}
			}
			len += run;
			p += run;
			continue;
		}
		k = json_unescape_one(p, end, &adv, u);
		if (!full) {
			if (k <= size - 1 - w) {
				memcpy(dst + w, u, k);
				w += k;
			} else
				full = 1;
		}
		len += k;
		p += adv;
	}
	if (size > 0)
		dst[w] = '\0';
	return len;
}
