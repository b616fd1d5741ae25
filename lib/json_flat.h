/*
 * json_flat.h -- the grammar of a flat JSON object, inline, for the
 * readers of big lists: json_scan.c's flat_element tokenizes such an
 * element, pve_field.c's pve_row_direct reads its values straight into
 * a row.  A flat object's keys and string values have no escape and no
 * control character, its other values are numbers and literals, and it
 * is whole in s[0..len).  Anything else -- nesting, an escape, a control
 * character, a bad or cut token -- is declined, and the general scanner
 * reads the element and says what is wrong with it: these only ever
 * accept what the general scanner accepts (the unit tests compare both
 * with jsmn, the fuzz harness with each other).
 */
#ifndef PX_JSON_FLAT_H
#define PX_JSON_FLAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

/*
 * Of the eight bytes in v (read little-endian): each byte that ends a
 * plain run inside a JSON string -- '"', '\\' or a control below 0x20 --
 * has its high bit set in the result.  Only the lowest flagged byte is
 * sure (a borrow may flag bytes above it), so callers take ctz / 8.
 * The scanner's fast path and json_escape share it.
 */
static inline uint64_t
json_word_stops(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');

	return (((q - ones) & ~q) | ((b - ones) & ~b) |
	    ((v - ones * 0x20) & ~v)) & (ones * 0x80);
}

/* ' ', \t, \n, \r: one test for the usual byte, which is above ' '. */
#define JSON_FLAT_WS(c)	((unsigned char)(c) <= ' ' && ((c) == ' ' || \
	    (c) == '\t' || (c) == '\n' || (c) == '\r'))

/* What may follow a number or a literal: whitespace, ',', ']', '}'. */
static inline int
json_flat_delim(char c)
{
	return JSON_FLAT_WS(c) || c == ',' || c == ']' || c == '}';
}

static inline int
json_flat_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* From the byte after an opening quote: the offset of the closing
 * quote, or 0 for an escape, a control character or the end; with
 * ascii, also 0 for a byte from 0x7f up. */
static inline size_t
json_flat_scan(const char *s, size_t len, size_t i, int ascii)
{
	unsigned char c;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t lo = 0x7f7f7f7f7f7f7f7full, ones = lo / 0x7f;

	/* Eight bytes at a time: the lowest flagged byte of each test
	 * (x - 1) & ~x & 0x80 is a true one, so is the lowest of all;
	 * ((x & 0x7f) + 1 | x) & 0x80 flags the bytes from 0x7f up,
	 * exactly. */
	while (i + 8 <= len) {
		uint64_t v, m;

		memcpy(&v, s + i, 8);
		m = json_word_stops(v);
		if (ascii)
			m |= (((v & lo) + ones) | v) & ~lo;
		if (m != 0) {
			i += (size_t)__builtin_ctzll(m) / 8;
			return s[i] == '"' ? i : 0;
		}
		i += 8;
	}
#endif
	for (; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"')
			return i;
		if (c == '\\' || c < 0x20 || (ascii && c >= 0x7f))
			return 0;
	}
	return 0;
}

static inline size_t
json_flat_string(const char *s, size_t len, size_t i)
{
	return json_flat_scan(s, len, i, 0);
}

/* A number at s[i]: the offset past it, 0 unless it is whole and valid
 * and a delimiter follows it (the general scanner's test). */
static inline size_t
json_flat_number(const char *s, size_t len, size_t i)
{
	if (s[i] == '-' && ++i >= len)
		return 0;
	if (s[i] == '0')
		i++;
	else if (json_flat_digit(s[i]))
		do
			i++;
		while (i < len && json_flat_digit(s[i]));
	else
		return 0;
	if (i < len && s[i] == '.') {
		if (++i >= len || !json_flat_digit(s[i]))
			return 0;
		do
			i++;
		while (i < len && json_flat_digit(s[i]));
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !json_flat_digit(s[i]))
			return 0;
		do
			i++;
		while (i < len && json_flat_digit(s[i]));
	}
	return i < len && json_flat_delim(s[i]) ? i : 0;
}

/* true, false or null at s[i]: the offset past it, or 0. */
static inline size_t
json_flat_literal(const char *s, size_t len, size_t i)
{
	const char *lit = s[i] == 't' ? "true" : s[i] == 'f' ? "false" :
	    "null";
	size_t k = s[i] == 'f' ? 5 : 4;

	if (len - i <= k || memcmp(s + i, lit, k) != 0 ||
	    !json_flat_delim(s[i + k]))
		return 0;
	return i + k;
}

/* The first byte at or after s[k] that is not whitespace (len: none). */
static inline size_t
json_flat_ws(const char *s, size_t len, size_t k)
{
	while (k < len && JSON_FLAT_WS(s[k]))
		k++;
	return k;
}

/* From the byte after an opening quote: the offset of the closing
 * quote when every byte before it is printable ASCII (' ' to '~') and
 * not '\\', else 0 (the string may still be valid: json_flat_string). */
static inline size_t
json_flat_ascii(const char *s, size_t len, size_t i)
{
	return json_flat_scan(s, len, i, 1);
}

/*
 * A plain integer at s[i], -?(0|[1-9][0-9]*) of at most 19 digits,
 * followed by a delimiter: the offset past it with its sign and value;
 * 0 for any other text (which may still be a number: json_flat_number).
 */
static inline size_t
json_flat_int(const char *s, size_t len, size_t i, int *neg, uint64_t *m)
{
	uint64_t v = 0;
	size_t d;

	*neg = s[i] == '-';
	d = i += (size_t)*neg;
	if (i >= len)
		return 0;
	if (s[i] == '0')
		i++;
	else {
		i = (size_t)(json_eight_digits(s + i, s + len, &v) - s);
		for (; i < len && json_flat_digit(s[i]); i++)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == d || i - d > 19 || i >= len || !json_flat_delim(s[i]))
		return 0;
	*m = v;
	return i;
}

/* A flat value at s[k] (a string, number or literal): the offset past
 * it with its text [*vs, *ve) (a string's between its quotes) and type,
 * or 0. */
static inline size_t
json_flat_value(const char *s, size_t len, size_t k, size_t *vs, size_t *ve,
    enum json_type *ty)
{
	char c = s[k];

	if (c == '"') {
		if ((*ve = json_flat_string(s, len, *vs = k + 1)) == 0)
			return 0;
		*ty = JSON_STRING;
		return *ve + 1;
	}
	if (c == '-' || json_flat_digit(c)) {
		*ty = JSON_NUMBER;
		return *ve = json_flat_number(s, len, *vs = k);
	}
	if (c == 't' || c == 'f' || c == 'n') {
		*ty = c == 't' ? JSON_TRUE : c == 'f' ? JSON_FALSE : JSON_NULL;
		return *ve = json_flat_literal(s, len, *vs = k);
	}
	return 0;
}

/* After a member's value, at s[k]: 1 with *i past the ',' (and the
 * whitespace after it), 2 with *i past the object's '}', 0 for anything
 * else. */
static inline int
json_flat_next(const char *s, size_t len, size_t k, size_t *i)
{
	if (k < len && JSON_FLAT_WS(s[k]))
		k = json_flat_ws(s, len, k);
	if (k >= len)
		return 0;
	if (s[k] == '}') {
		*i = k + 1;
		return 2;
	}
	if (s[k] != ',')
		return 0;
	if (++k < len && JSON_FLAT_WS(s[k]))
		k = json_flat_ws(s, len, k);
	*i = k;
	return 1;
}

/* One member of a flat object: offsets into the text. */
struct json_flat {
	size_t ks, ke;		/* the key, between its quotes */
	size_t vs, ve;		/* the value (a string: between its quotes) */
	enum json_type type;	/* the value's */
};

/* The object whose '{' is s[at]: 1 with *i past its '}' when it is
 * empty, 0 with *i at its first member, -1 when it is cut (or s[at] is
 * not a '{'). */
static inline int
json_flat_open(const char *s, size_t len, size_t at, size_t *i)
{
	size_t k;

	if (at >= len || s[at] != '{')
		return -1;
	if ((k = json_flat_ws(s, len, at + 1)) >= len)
		return -1;
	*i = s[k] == '}' ? k + 1 : k;
	return s[k] == '}';
}

/*
 * The member at s[*i] into m: 1 with *i past the ',' after it (another
 * member follows), 2 with *i past the object's '}', 0 when it is not a
 * flat member (the general scanner reads it).
 */
static inline int
json_flat_member(const char *s, size_t len, size_t *i, struct json_flat *m)
{
	size_t k = *i;

	if (k >= len || s[k] != '"' ||
	    (m->ke = json_flat_string(s, len, m->ks = k + 1)) == 0)
		return 0;
	k = json_flat_ws(s, len, m->ke + 1);
	if (k >= len || s[k] != ':')
		return 0;
	k = json_flat_ws(s, len, k + 1);
	if (k >= len || (k = json_flat_value(s, len, k, &m->vs, &m->ve,
	    &m->type)) == 0)
		return 0;
	return json_flat_next(s, len, k, i);
}

#endif
