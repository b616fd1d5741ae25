/*
 * enc.h -- encodings: base64, hex, percent-encoding for URLs and forms,
 * SHA-256 fingerprints in PVE's colon-hex form.
 */
#ifndef PX_ENC_H
#define PX_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Append the base64 (standard alphabet, padded) of data to b. */
void b64_encode(struct buf *b, const void *data, size_t n);
/* Decode base64 (whitespace ignored) into b; -1 on invalid input. */
int b64_decode(struct buf *b, const char *s, size_t n);

/* Append one path segment, percent-encoding everything but unreserved
 * characters (RFC 3986): "root@pam" -> "root%40pam", "a/b" -> "a%2Fb". */
void url_seg(struct buf *b, const char *s);
/* Append key=value to an x-www-form-urlencoded body (with '&' if b is not
 * empty).  Values are percent-encoded, space as %20. */
void form_add(struct buf *b, const char *key, const char *value);
void form_addf(struct buf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Percent-decode s[0..n) into b ('+' as space when plus is set); -1 on a
 * malformed escape. */
int url_decode(struct buf *b, const char *s, size_t n, int plus);

/* "AB:CD:..." (upper case) of a 32-byte SHA-256 into out (96 bytes). */
void fingerprint_format(char out[96], const uint8_t sha[32]);
/* SHA-256 of data as colon hex. */
void fingerprint_of(char out[96], const void *data, size_t n);

/*
 * The controls a terminal obeys: C0 (0x00..0x1f), DEL, and C1 (U+0080..
 * U+009F; U+009B is CSI, as good as ESC [), both as UTF-8 (C2 80..C2 9F)
 * and as a lone byte 0x80..0x9f that is no part of a well-formed UTF-8
 * sequence.  Other bytes, broken UTF-8 included, are left alone.
 */
/* The length in bytes of the character at s (a well-formed UTF-8
 * sequence, else one byte; 1 at the terminating NUL), and in *control
 * whether it is one of those controls (never the NUL). */
size_t text_char(const char *s, int *control);
/* Replace each control in s with one '?' (a newline or tab with ' '), in
 * place (the string may get shorter), so that text from a server or a
 * file cannot drive the terminal.  Returns s. */
char *text_sanitize(char *s);

#endif
