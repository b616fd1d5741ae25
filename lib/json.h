/*
 * json.h -- JSON reading (jsmn) and writing.
 *
 * Reading: json_parse tokenizes a whole body once (jsmn, JSMN_STRICT: count
 * the tokens, then parse into an array of exactly that size).  Tokens are
 * addressed by index; -1 means "absent" and every getter accepts it.  The
 * getters accept PVE's quirks: numbers sent as strings ("100"), booleans
 * as 0/1, "0"/"1", "" or true/false, null or missing optional fields.
 * Strings are unescaped on access, including \uXXXX and surrogate pairs,
 * to UTF-8; a lone surrogate, a bad escape and \u0000 (the results are C
 * strings) become U+FFFD.
 *
 * Limits: nesting deeper than JSON_MAX_DEPTH or a body over JSON_MAX_SIZE
 * is an error (PXE_PARSE / PXE_TOO_LARGE), never a crash.  Malformed or
 * truncated input is PXE_PARSE.
 *
 * Writing: struct jw appends compact JSON to a struct buf, keys in the
 * order the caller writes them (so output is deterministic), with correct
 * escaping: quotes, backslash, control characters as \u00XX, invalid UTF-8
 * replaced by U+FFFD.
 */
#ifndef PX_JSON_H
#define PX_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define JSON_MAX_DEPTH	64
#define JSON_MAX_SIZE	(32u << 20)	/* 32 MiB, the HTTP body cap */

enum json_type {
	JSON_NONE = 0,	/* absent token (-1) */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
};

struct jsmntok;

struct json {
	const char *src;	/* the parsed text; not owned, must outlive */
	size_t len;
	struct jsmntok *tok;	/* owned */
	int ntok;
	/* Where the text came from, for reports on what was read of it
	 * ("GET /nodes"); NULL when unknown.  Owned; set by json_origin. */
	char *origin;
};

/* Parse src[0..len).  On success j->tok[0] is the root value and 0 is
 * returned; on error -1 with e set and j empty.  Free with json_free. */
int json_parse(struct json *j, const char *src, size_t len, struct px_err *e);
void json_free(struct json *j);
/* Set j->origin to the printf-style text (freed by json_free). */
void json_origin(struct json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * For a long list ({"data": [ ...10,000 objects... ]}): check src as
 * json_parse does, and in the same pass tokenize each element of the
 * root object's member key on its own (a key given twice: the last one,
 * as json_get; but twice with an array first is PXE_PARSE),
 * calling each(arg, elem) with elem's root at token 0 (elem lives until
 * each returns; its tokens are jsmn's for the element's text).  Every
 * byte is scanned once and one element's tokens are kept at a time: a
 * 3 MB list needs kilobytes, not 8 MB.  Elements are passed as soon as
 * they are checked, so each may have run for the elements before a
 * syntax error later in src: on -1 the caller drops what it made of them
 * (out_hold, out_rollback).  Returns 0 when every element was passed
 * (each returning nonzero stops early, also 0); 1 when the root has no
 * such member or it is null; 2 when the member is not an array; -1 with
 * e when src is not valid JSON or its root not an object.
 */
int json_each(const char *src, size_t len, const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg,
    struct px_err *e);

/*
 * json_each on a text that arrives in pieces (an HTTP answer as libcurl
 * hands it over): json_each_start makes the state (the caller frees it
 * with json_each_free); json_each_feed(st, src, len) each time the text
 * has grown, src[0..len) being all of it so far (the bytes already fed
 * unchanged; src may have moved); json_each_end(st, src, len) once with
 * the whole text.  Every element goes to each as soon as its last byte
 * has arrived and it is checked, exactly the calls json_each makes of
 * the whole text, and json_each_end returns what json_each would.  The
 * checks so far are never the whole answer: only json_each_end's 0 says
 * it was valid, and on -1 the caller drops what each made.  feed
 * returns 0 (the text so far can still be valid, or each stopped) or -1
 * with e (it cannot: the end will say the same).  A token cut by the
 * end of a piece is scanned again from its start, once the text has
 * grown by as much again (a piece at a time, a huge string would be
 * scanned once per piece).  json_each_restart forgets the text (an
 * HTTP retry starts the answer over).
 */
struct json_each_stream;
struct json_each_stream *json_each_start(const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg);
int json_each_feed(struct json_each_stream *st, const char *src,
    size_t len, struct px_err *e);
int json_each_end(struct json_each_stream *st, const char *src,
    size_t len, struct px_err *e);
void json_each_restart(struct json_each_stream *st);
void json_each_free(struct json_each_stream *st);
/*
 * A reader of whole elements for st, tried first on each element that is
 * an object, on the text itself (no tokens): direct(arg, s, len, at,
 * &end) with the element's '{' at s[at] and s[0..len) the text so far.
 * It returns -1 to decline (the element is then tokenized and goes to
 * each as always), else as each would (0 go on, 1 stop) with end past
 * the element's '}'.  It must take only an element that is valid JSON
 * (json_flat.h's grammar) and that each would read the same; the
 * second reader of json_each_split calls it with its own arg.
 */
void json_each_direct(struct json_each_stream *st, int (*direct)(void *arg,
    const char *s, size_t len, size_t at, size_t *end));
/*
 * A second reader for json_each_split: fork(arg) makes one, whose
 * elements go to each(arg2, elem) on another thread; join(arg, arg2,
 * keep) then adds its elements after arg's own (keep 1: they follow
 * arg's last one) or drops them (keep 0), and frees arg2.  Both are
 * called on the thread that feeds.
 */
struct json_each_fork {
	void *(*fork)(void *arg);
	void (*join)(void *arg, void *arg2, int keep);
	size_t min;	/* split when this much is not read yet (0: 256 KiB) */
};
/*
 * json_each_feed, but with a large part of the text not scanned yet
 * (more of the answer arrived while the elements before were being
 * read), read its second half on a thread of its own while this one
 * reads the first: on two cores, in about half the time.  Where the
 * second half starts is a guess ("},{"), known right only when the
 * first half's scan reaches it at an element's start; otherwise, or
 * when the thread cannot start, the second reader's elements are
 * dropped and this thread scans on.  Either way each element reaches
 * each once, in order, and returns are those of json_each_feed.
 */
int json_each_split(struct json_each_stream *st, const char *src,
    size_t len, const struct json_each_fork *fk, struct px_err *e);

/* The type of token t (JSON_NONE for t < 0 or out of range). */
enum json_type json_type(const struct json *j, int t);
/* Elements of an array, or key/value pairs of an object; 0 otherwise. */
int json_len(const struct json *j, int t);
/* The index of the token after t and its whole subtree (-1 if t is
 * absent).  O(size of the subtree), no recursion. */
int json_skip(const struct json *j, int t);
/* The first element of an array (or first key of an object), -1 if empty. */
int json_first(const struct json *j, int t);
/* The i-th element of array t, or -1. O(i). */
int json_at(const struct json *j, int t, int i);
/* The value of key in object t, or -1 (also when t is not an object).
 * A key given twice: the last one wins, as in jq and Python's json
 * (here, in json_fields, json_path and the getters by key). */
int json_get(const struct json *j, int t, const char *key);
/* Look up n keys of object t in one pass over its members: out[i] gets
 * the value token of names[i], or -1.  For objects read field by field
 * (n lookups with json_get cost n passes).  It remembers the key order
 * of the last object per thread, keyed by the name strings: they must
 * not change while in use (string constants). */
void json_fields(const struct json *j, int t, const char *const *names,
    int n, int *out);
/* Walk a path of keys separated by '.', e.g. "data.result"; -1 if absent.
 * On an array a segment of digits is an index: "data.0.vmid". */
int json_path(const struct json *j, int t, const char *path);

/* Iterate over array t: for each element, c is its token index.
 *     int c, i;
 *     JSON_FOREACH(j, arr, c, i) { ... }
 */
#define JSON_FOREACH(j, t, c, i) \
	for ((i) = 0, (c) = json_first((j), (t)); \
	     (i) < json_len((j), (t)); \
	     (i)++, (c) = json_skip((j), (c)))
/* Iterate over object t: k is the key token, k + 1 the value. */
#define JSON_FOREACH_KV(j, t, k, i) \
	for ((i) = 0, (k) = json_first((j), (t)); \
	     (i) < json_len((j), (t)); \
	     (i)++, (k) = json_skip((j), (k) + 1))

/* True when t is absent or null. */
int json_is_null(const struct json *j, int t);
/* Compare the unescaped string (or primitive text) of t with s. */
int json_eq(const struct json *j, int t, const char *s);
/* The raw source text of t (not unescaped; for a string, the text between
 * the quotes); *n gets its length.  NULL (and *n = 0) when absent. */
const char *json_raw(const struct json *j, int t, size_t *n);

/* Unescaped UTF-8 copy of a string token (a number or boolean gives its
 * text).  NULL for absent/null/object/array.  Caller frees. */
char *json_strdup(const struct json *j, int t);
/* The same into buf (always NUL-terminated, truncated to size - 1);
 * returns the full length, or -1 when t has no string value. */
long json_strcpy(const struct json *j, int t, char *buf, size_t size);

/* Typed values.  Each returns 0 and sets *out, or -1 when t is absent,
 * null, or not convertible ("abc" as an integer).  Integers accept
 * 123, "123", 1.0, true/false; reals accept numbers and numeric strings;
 * booleans accept true/false, 0/1, "0"/"1", "" (false), "yes"/"no".
 * Integers from integer text are exact over the whole range (uint64
 * above 2^53 too, never through a double); 1.5 is not an integer.
 * Booleans, like PVE's Perl: any number other than 0 is true, and the
 * strings 1/on/yes/true and 0/off/no/false (any case) are accepted. */
int json_int(const struct json *j, int t, long long *out);
int json_uint(const struct json *j, int t, uint64_t *out);
int json_num(const struct json *j, int t, double *out);
int json_bool(const struct json *j, int t, int *out);
/* The members of object t at once, for readers of big lists' rows:
 * their count (at most max), -1 when t is not an object or has more.
 * key and val are raw text (a string's without its quotes, escapes
 * left in). */
struct json_member {
	const char *key, *val;
	size_t klen, vlen;
	enum json_type type;	/* the value's */
};
int json_members(const struct json *j, int t, struct json_member *m,
    int max);
/* The fast path of those, for readers of big lists: p[0..end) that is
 * plain decimal (-?digits(.digits)?, no leading zero, at most 19
 * digits) as its sign, digits and number of fraction digits, 0; -1 for
 * any other text (then ask json_int and the others).  The double of such
 * a number when it is exact-rounded, 0; else -1. */
int json_plain_text(const char *p, const char *end, int *neg, uint64_t *mant,
    int *frac);
int json_plain_double(int neg, uint64_t m, int frac, double *out);
/*
 * The leading run of whole groups of eight digits of p[0..end) folded
 * into *m (which is 0): where the bytes after them start.  A 10,000
 * guest listing has 130,000 numbers, most of them 10 to 12 digits: a
 * group costs a dozen instructions, not eight rounds of a loop.
 */
static inline const char *
json_eight_digits(const char *p, const char *end, uint64_t *m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v, acc = *m;

	while (end - p >= 8) {
		memcpy(&v, p, 8);
		/* all eight '0'..'9': high nibbles 3, and +6 carries none */
		if (((v & 0xF0F0F0F0F0F0F0F0ull) |
		    (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >>
		    4)) != 0x3333333333333333ull)
			break;
		v -= 0x3030303030303030ull;
		v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFull;
		v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFull;
		v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFull;
		acc = acc * 100000000 + v;
		p += 8;
	}
	*m = acc;
#else
	(void)end;
	(void)m;
#endif
	return p;
}

/* Getters by key with a default when absent or unconvertible. */
long long json_get_int(const struct json *j, int obj, const char *key,
    long long def);
uint64_t json_get_uint(const struct json *j, int obj, const char *key,
    uint64_t def);
double json_get_num(const struct json *j, int obj, const char *key,
    double def);
int json_get_bool(const struct json *j, int obj, const char *key, int def);
/* Unescaped copy or NULL; caller frees. */
char *json_get_str(const struct json *j, int obj, const char *key);

/* Append s[0..n) to b as a quoted JSON string: escapes quotes, backslash
 * and control characters, replaces invalid UTF-8 with U+FFFD. */
void json_escape(struct buf *b, const char *s, size_t n);

/* Format v as JSON number text, the shortest that reads back as the same
 * double, in the C locale whatever the current one: 1.0 -> "1", 0.1 ->
 * "0.1"; NaN/inf -> "null".  n should be at least 32.  Returns the
 * length. */
size_t json_fmt_num(char *buf, size_t n, double v);

/* Decimal text of v, as %lld / %llu would print it, without printf's
 * cost (a 10,000-row listing prints 100,000 numbers).  n should be at
 * least 21; the text is cut to fit a smaller buf.  Returns the length
 * of the full text. */
size_t json_fmt_int(char *buf, size_t n, long long v);
size_t json_fmt_uint(char *buf, size_t n, uint64_t v);

/* Writer.  Nesting deeper than JSON_MAX_DEPTH is written as null (and
 * everything inside it dropped), so the output always parses. */
struct jw {
	struct buf *b;
	int depth;
	unsigned char comma[JSON_MAX_DEPTH + 1];	/* need a comma here */
	unsigned char after_key;
	/* Significant digits of a double that is not an integer: 0 for the
	 * shortest text that reads back as the same double (px's output);
	 * 15 for what PVE's Perl writes (JSON::XS prints an NV with %.15g),
	 * which pxsim uses. */
	int digits;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);		/* { */
void jw_arr(struct jw *w);		/* [ */
void jw_end(struct jw *w);		/* } or ], whichever is open */
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);	/* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_uint(struct jw *w, uint64_t v);
void jw_num(struct jw *w, double v);	/* NaN/inf write null; 1.0 -> 1 */
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* Insert already-valid JSON text as a value. */
void jw_raw(struct jw *w, const char *json, size_t n);
/* Write the parsed value at t (strings unescaped and escaped again). */
void jw_json(struct jw *w, const struct json *j, int t);
/*
 * The value at t as compact JSON written by jw_json, every control
 * left (a raw C1 character) '?', cut to at most max bytes (at least 4)
 * on a character boundary, ending "..." when cut.  malloc'd: the caller
 * frees.
 */
char *json_text(const struct json *j, int t, size_t max);
/* Key + value shorthands. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_kuint(struct jw *w, const char *key, uint64_t v);
void jw_knum(struct jw *w, const char *key, double v);
void jw_kbool(struct jw *w, const char *key, int v);
void jw_knull(struct jw *w, const char *key);

#endif
