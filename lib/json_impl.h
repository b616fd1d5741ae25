/*
 * json_impl.h -- what the files of lib/json share, for them only: no
 * other module includes it (they use json.h).
 *
 *     json_str.c    string escapes decoded to UTF-8
 *     json_scan.c   the validating scanner (json_check), json_each
 *     json.c        json_parse, walking the tokens, string getters
 *     json_num.c    typed values, number text in the C locale
 *     json_write.c  escaping and the writer
 *
 * Each file calls only into the files listed before it.  json_flat.h
 * (the grammar of a flat object, inline) is shared with pve_field.c,
 * which reads a big list's plain rows from the text itself.
 *
 * jsmn: JSMN_PARENT_LINKS changes jsmntok_t, so every file sees jsmn
 * through here.  Its code is compiled once, static, in json.c (which
 * defines JSON_JSMN_CODE first); the others get its types only.
 */
#ifndef PX_JSON_IMPL_H
#define PX_JSON_IMPL_H

#include <stddef.h>
#include <stdint.h>

#define JSMN_PARENT_LINKS
#ifdef JSON_JSMN_CODE
#define JSMN_STATIC
#else
#define JSMN_HEADER
#endif
#include <jsmn.h>

#include "json.h"
#include "json_flat.h"

/* struct jsmntok stays incomplete: the array is jsmntok_t underneath. */
static inline const jsmntok_t *
toks(const struct json *j)
{
	return (const jsmntok_t *)(const void *)j->tok;
}

static inline const jsmntok_t *
tok_at(const struct json *j, int t)
{
	if (j == NULL || j->tok == NULL || t < 0 || t >= j->ntok)
		return NULL;
	return &toks(j)[t];
}

static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* json_str.c */

/* Unescape src[0..n) (a string token's text) into dst: at most size - 1
 * bytes, whole code points only, NUL-terminated when size > 0 (dst may
 * be NULL with size 0).  Returns the full unescaped length. */
size_t json_unescape(const char *src, size_t n, char *dst, size_t size);
/* Decode the escape at p (*p == '\\') into out[4]: returns the UTF-8
 * length and sets *adv to the source bytes used.  Never fails. */
size_t json_unescape_one(const char *p, const char *end, size_t *adv,
    char *out);

/* json_scan.c */

/* What json_parse and json_each refuse first: too big or empty.  0, or
 * -1 with e set. */
int json_input_ok(const char *src, size_t len, struct px_err *e);
struct each_hook;
/* Check that s[0..len) is exactly one JSON value, at most
 * JSON_MAX_DEPTH deep: 0 with *ntok (jsmn's token count) and the root
 * value's span [*rs, *re), or -1 with e.  h is json_each's (NULL for
 * json_parse); 1 when its element callback stopped the scan. */
int json_check(const char *s, size_t len, int *ntok, size_t *rs,
    size_t *re, struct each_hook *h, struct px_err *e);
/* The length of the JSON number at the start of s[0..n), 0 if none;
 * *isint when it has neither fraction nor exponent. */
size_t json_num_len(const char *s, size_t n, int *isint);

/* json.c */

/* The source span of a string or a number/boolean token: 0, or -1 when
 * t is absent, null, an object or an array. */
int json_text_span(const struct json *j, int t, const char **p, size_t *n);

/* json_num.c */

/* %.*g of v (not an integer, |v| < 1e17) in the C locale, for jw_num
 * with w->digits set.  Returns the length. */
size_t json_fmt_digits(char *buf, size_t n, int prec, double v);

#endif
