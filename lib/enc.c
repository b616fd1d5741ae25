/* enc.c -- base64, percent-encoding, fingerprints. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "enc.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
b64_encode(struct buf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	char q[4];

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		buf_add(b, q, 4);
	}
}

int
b64_decode(struct buf *b, const char *s, size_t n)
{
	unsigned v = 0;
	int bits = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		const char *c;

		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad || (c = strchr(b64, s[i])) == NULL || s[i] == '\0')
			return -1;
		v = v << 6 | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(b, (char)(v >> bits & 0xff));
		}
	}
	return pad > 2 ? -1 : 0;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

void
url_seg(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p)) {
			buf_addc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			buf_add(b, e, 3);
		}
	}
}

void
form_add(struct buf *b, const char *key, const char *value)
{
	if (b->len)
		buf_addc(b, '&');
	url_seg(b, key);
	buf_addc(b, '=');
	url_seg(b, value ? value : "");
}

void
form_addf(struct buf *b, const char *key, const char *fmt, ...)
{
	struct buf v = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&v, fmt, ap);
	va_end(ap);
	form_add(b, key, buf_str(&v));
	buf_free(&v);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
url_decode(struct buf *b, const char *s, size_t n, int plus)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			if (i + 2 >= n)
				return -1;
			if ((h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0)
				return -1;
			buf_addc(b, (char)(h << 4 | l));
			i += 2;
		} else if (s[i] == '+' && plus) {
			buf_addc(b, ' ');
		} else {
			buf_addc(b, s[i]);
		}
	}
	return 0;
}

void
fingerprint_format(char out[96], const uint8_t sha[32])
{
	static const char hex[] = "0123456789ABCDEF";

	for (int i = 0; i < 32; i++) {
		out[i * 3] = hex[sha[i] >> 4];
		out[i * 3 + 1] = hex[sha[i] & 15];
		out[i * 3 + 2] = i == 31 ? '\0' : ':';
	}
}

void
fingerprint_of(char out[96], const void *data, size_t n)
{
	br_sha256_context ctx;
	uint8_t sha[32];

	br_sha256_init(&ctx);
	br_sha256_update(&ctx, data, n);
	br_sha256_out(&ctx, sha);
	fingerprint_format(out, sha);
}

size_t
text_char(const char *s, int *control)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	*control = 0;
	if (p[0] < 0x20 || p[0] == 0x7f || (p[0] >= 0x80 && p[0] <= 0x9f)) {
		*control = p[0] != '\0';
		return 1;
	}
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* over U+10FFFF */
	} else
		return 1;	/* 0xa0..0xc1, 0xf5..0xff: not a lead byte */
	for (i = 1; i < need; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 1;	/* a broken sequence: its lead alone */
	*control = p[0] == 0xc2 && p[1] <= 0x9f;	/* U+0080..U+009F */
	return need;
}

char *
text_sanitize(char *s)
{
	unsigned char *r = (unsigned char *)s, *w;
	int control;

	while (*r >= 0x20 && *r < 0x7f)	/* the common case: plain ASCII */
		r++;
	for (w = r; *r != '\0'; ) {
		size_t n = text_char((const char *)r, &control);

		if (control) {
			*w++ = *r == '\n' || *r == '\t' ? ' ' : '?';
			r += n;
		} else
			while (n-- > 0)
				*w++ = *r++;
	}
	*w = '\0';
	return s;
}
