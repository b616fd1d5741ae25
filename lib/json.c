/*
 * json.c -- JSON reading on top of jsmn, and the writer.
 *
 * jsmn 1.1 is a tokenizer, not a validator: even with JSMN_STRICT it takes
 * "[1 2]", "{"a":1,}", "tru", "01" and trailing garbage, and it refuses a
 * bare number at the very end of the input.  So json_parse first runs its
 * own scanner over the text: it checks the whole grammar, bounds the
 * nesting (a nesting bomb costs one pass and nothing else), counts the
 * tokens and names the byte offset of the first error.  jsmn then only
 * tokenizes text known to be valid.
 *
 * JSMN_PARENT_LINKS: without it jsmn finds the container a closing bracket
 * belongs to by scanning back over every token so far, which is quadratic
 * on a long array of objects (a task list, rrddata).  With it the walk is
 * bounded by the depth.
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

#define JSMN_STATIC
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"

/* struct jsmntok stays incomplete: the array is jsmntok_t underneath. */
static const jsmntok_t *
toks(const struct json *j)
{
	return (const jsmntok_t *)(const void *)j->tok;
}

static const jsmntok_t *
tok_at(const struct json *j, int t)
{
	if (j == NULL || j->tok == NULL || t < 0 || t >= j->ntok)
		return NULL;
	return &toks(j)[t];
}

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

/* ---- the scanner ---- */

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What may follow a number or a literal. */
static int
is_delim(int c)
{
	return is_ws(c) || c == ',' || c == ']' || c == '}';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
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

/*
 * The length of the longest prefix of s[0..n) that is a JSON number
 * (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), 0 if none.  *isint
 * is set when it has neither fraction nor exponent.
 */
static size_t
num_len(const char *s, size_t n, int *isint)
{
	size_t i = 0, k;

	*isint = 1;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return 0;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
		*isint = 0;
		for (i += 2; i < n && is_digit(s[i]); i++)
			;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		k = i + 1;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < n && is_digit(s[k])) {
			*isint = 0;
			for (i = k; i < n && is_digit(s[i]); i++)
				;
		}
	}
	return i;
}

/*
 * Whether s[0..n) is the start of some JSON number ("-", "1.", "1e+"):
 * a number cut by the end of the input is truncated, not invalid.
 */
static int
num_prefix(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return 1;
	if (s[i] == '0')
		i++;
	else if (is_digit(s[i]))
		while (i < n && is_digit(s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i == n)
			return 1;
		if (!is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

/* A readable name for the byte at s[i], for error messages. */
static const char *
describe(const char *s, size_t len, size_t i, char *buf, size_t n)
{
	unsigned char c;

	if (i >= len)
		return "end of input";
	c = (unsigned char)s[i];
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, n, "'%c'", c);
	else
		snprintf(buf, n, "byte 0x%02x", c);
	return buf;
}

static int
fail_at(struct px_err *e, const char *s, size_t len, size_t i,
    const char *what)
{
	char d[16];

	return px_fail(e, PXE_PARSE, "malformed JSON at byte %zu: %s, found %s",
	    i, what, describe(s, len, i, d, sizeof(d)));
}

static int
fail_truncated(struct px_err *e, size_t len, const char *inside)
{
	return px_fail(e, PXE_PARSE,
	    "truncated JSON: input ends at byte %zu inside %s", len, inside);
}

/* Scan the string whose opening quote is s[*pos]; *pos ends past the
 * closing quote. */
/* The bytes that end a plain run inside a string: controls, '"', '\'. */
static const unsigned char str_stop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static int
scan_string(const char *s, size_t len, size_t *pos, struct px_err *e)
{
	size_t i = *pos + 1, k;
	unsigned char c;

	for (; i < len; i++) {
		while (i < len && !str_stop[(unsigned char)s[i]])
			i++;
		if (i >= len)
			break;
		c = (unsigned char)s[i];
		if (c == '"') {
			*pos = i + 1;
			return 0;
		}
		if (c < 0x20)
			return fail_at(e, s, len, i,
			    "control character inside a string");
		if (c != '\\')
			continue;
		if (++i >= len)
			break;
		switch (s[i]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			break;
		case 'u':
			for (k = 1; k <= 4; k++) {
				if (i + k >= len)
					return fail_truncated(e, len,
					    "a string");
				if (hexval((unsigned char)s[i + k]) < 0)
					return fail_at(e, s, len, i + k,
					    "invalid \\u escape");
			}
			i += 4;
			break;
		default:
			return fail_at(e, s, len, i, "invalid escape");
		}
	}
	return fail_truncated(e, len, "a string");
}

static int
scan_number(const char *s, size_t len, size_t *pos, struct px_err *e)
{
	size_t n;
	int isint;

	n = num_len(s + *pos, len - *pos, &isint);
	if (n == 0 || (*pos + n < len && !is_delim(s[*pos + n]))) {
		if (num_prefix(s + *pos, len - *pos))
			return fail_truncated(e, len, "a number");
		return fail_at(e, s, len, *pos + n, "invalid number");
	}
	*pos += n;
	return 0;
}

static int
scan_literal(const char *s, size_t len, size_t *pos, struct px_err *e)
{
	const char *lit;
	size_t i, k;

	lit = s[*pos] == 't' ? "true" : s[*pos] == 'f' ? "false" : "null";
	k = strlen(lit);
	for (i = 0; i < k; i++) {
		if (*pos + i >= len)
			return fail_truncated(e, len, "a literal");
		if (s[*pos + i] != lit[i])
			return fail_at(e, s, len, *pos + i, "invalid literal");
	}
	if (*pos + k < len && !is_delim(s[*pos + k]))
		return fail_at(e, s, len, *pos + k, "invalid literal");
	*pos += k;
	return 0;
}

/* What the scanner expects next. */
enum want {
	W_VALUE,		/* the root, or after ':' or an array's ',' */
	W_VALUE_OR_CLOSE,	/* just after '[' */
	W_KEY,			/* after an object's ',' */
	W_KEY_OR_CLOSE,		/* just after '{' */
	W_COLON,
	W_COMMA_OR_CLOSE,
	W_END,			/* the root value is complete */
};

/*
 * What json_each follows while json_check validates: the array that is
 * the value of the root object's first member named key.  Its elements
 * are tokenized by the same pass, as jsmn would tokenize each element on
 * its own (offsets from the element's first byte; the element's root is
 * token 0 with parent -1), and handed to element() as soon as each is
 * validated: every byte of a big answer is scanned once.  The unit tests
 * compare these tokens with jsmn's on every recorded answer.
 */
enum { EH_NONE, EH_NULL, EH_OTHER, EH_ARRAY };	/* what key's value is */

struct each_hook {
	const char *key;
	int found;		/* EH_*: EH_NONE until the member is seen */
	int next;		/* the value about to be scanned is key's */
	size_t arr;		/* key's array: the offset of its '[' */
	/* the element being scanned */
	size_t base;		/* its first byte */
	jsmntok_t *tok;
	unsigned int cap;
	int ntok;
	int super;		/* the token a new one belongs to (jsmn's) */
	int open[JSON_MAX_DEPTH];	/* containers not closed yet */
	int nopen;
	/* 0 goes on, 1 stops (json_check returns 1), -1 fails (e set) */
	int (*element)(struct each_hook *h, size_t start, size_t end,
	    struct px_err *e);
};

static int key_is(const char *s, size_t i, size_t kend, const char *key);

/* An element of key's array starts or ends at this depth? */
#define IN_KEYS(h, depth, stack, arr) \
	((h) != NULL && (depth) == 2 && (stack)[0] == '{' && \
	    (stack)[1] == '[' && (h)->found == EH_ARRAY && (arr) == (h)->arr)

/* A new token of the element, attached as jsmn attaches it. */
static jsmntok_t *
emit(struct each_hook *h, jsmntype_t type, size_t start, size_t end)
{
	jsmntok_t *t;

	if ((unsigned int)h->ntok == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->tok = px_xrealloc(h->tok, h->cap * sizeof(*h->tok));
	}
	t = &h->tok[h->ntok];
	t->type = type;
	t->start = (int)(start - h->base);
	t->end = end == (size_t)-1 ? -1 : (int)(end - h->base);
	t->size = 0;
	t->parent = h->super;
	if (h->super >= 0)
		h->tok[h->super].size++;
	h->ntok++;
	return t;
}

/* ',' after a value: a key's value is done, back to its object. */
static void
emit_comma(struct each_hook *h)
{
	if (h->super >= 0 && h->tok[h->super].type != JSMN_OBJECT &&
	    h->tok[h->super].type != JSMN_ARRAY)
		h->super = h->tok[h->super].parent;
}

static void
emit_open(struct each_hook *h, char c, size_t at)
{
	emit(h, c == '{' ? JSMN_OBJECT : JSMN_ARRAY, at, (size_t)-1);
	h->open[h->nopen++] = h->super = h->ntok - 1;
}

static void
emit_close(struct each_hook *h, size_t end)
{
	int t = h->open[--h->nopen];

	h->tok[t].end = (int)(end - h->base);
	h->super = h->tok[t].parent;
}

/* An element begins at s[at]. */
static void
element_begin(struct each_hook *h, size_t at)
{
	h->base = at;
	h->ntok = 0;
	h->super = -1;
	h->nopen = 0;
}

/*
 * Check that s[0..len) is exactly one JSON value (RFC 8259) nested at most
 * JSON_MAX_DEPTH deep.  Iterative, one pass, no allocation.  *ntok gets
 * the number of jsmn tokens (containers, keys, values); *rs and *re the
 * span of the root value.  With h, the elements of h->key's array go to
 * h->element as they are validated: 1 when it stopped the scan.
 */
static int
json_check(const char *s, size_t len, int *ntok, size_t *rs, size_t *re,
    struct each_hook *h, struct px_err *e)
{
	char stack[JSON_MAX_DEPTH];
	enum want want = W_VALUE;
	size_t i = 0, start, arr = 0, ks;
	int depth = 0, n = 0, r, em = 0;
	char c;

	for (;;) {
		while (i < len && is_ws(s[i]))
			i++;
		if (i >= len)
			break;
		c = s[i];
		switch (want) {
		case W_VALUE_OR_CLOSE:
			if (c == ']')
				goto close;
			/* FALLTHROUGH */
		case W_VALUE:
			start = i;
			if (h != NULL) {
				if (h->next && depth == 1) {
					h->next = 0;
					h->found = c == '[' ? EH_ARRAY :
					    c == 'n' ? EH_NULL : EH_OTHER;
					h->arr = start;
				}
				if (IN_KEYS(h, depth, stack, arr)) {
					element_begin(h, start);
					em = 1;
				}
			}
			if (c == '{' || c == '[') {
				if (depth == JSON_MAX_DEPTH)
					return px_fail(e, PXE_PARSE,
					    "malformed JSON at byte %zu: "
					    "nested deeper than %d", i,
					    JSON_MAX_DEPTH);
				if (em)
					emit_open(h, c, start);
				stack[depth++] = c;
				if (depth == 2 && c == '[')
					arr = start;
				n++;
				i++;
				want = c == '{' ? W_KEY_OR_CLOSE :
				    W_VALUE_OR_CLOSE;
				if (depth == 1)
					*rs = start;
				continue;
			}
			if (c == '"') {
				if (scan_string(s, len, &i, e) == -1)
					return -1;
				if (em)
					emit(h, JSMN_STRING, start + 1, i - 1);
			} else if (c == '-' || is_digit(c)) {
				if (scan_number(s, len, &i, e) == -1)
					return -1;
				if (em)
					emit(h, JSMN_PRIMITIVE, start, i);
			} else if (c == 't' || c == 'f' || c == 'n') {
				if (scan_literal(s, len, &i, e) == -1)
					return -1;
				if (em)
					emit(h, JSMN_PRIMITIVE, start, i);
			} else
				return fail_at(e, s, len, i,
				    "expected a value");
			n++;
			if (depth == 0) {
				*rs = start;
				*re = i;
			}
			if (em && IN_KEYS(h, depth, stack, arr)) {
				em = 0;
				if ((r = h->element(h, start, i, e)) != 0)
					return r;
			}
			want = depth ? W_COMMA_OR_CLOSE : W_END;
			continue;
		case W_KEY_OR_CLOSE:
			if (c == '}')
				goto close;
			/* FALLTHROUGH */
		case W_KEY:
			if (c != '"')
				return fail_at(e, s, len, i,
				    "expected a string key");
			ks = i;
			if (scan_string(s, len, &i, e) == -1)
				return -1;
			if (em)
				emit(h, JSMN_STRING, ks + 1, i - 1);
			else if (h != NULL && depth == 1 &&
			    h->found == EH_NONE && key_is(s, ks, i, h->key))
				h->next = 1;
			n++;
			want = W_COLON;
			continue;
		case W_COLON:
			if (c != ':')
				return fail_at(e, s, len, i, "expected ':'");
			if (em)
				h->super = h->ntok - 1;	/* the key */
			i++;
			want = W_VALUE;
			continue;
		case W_COMMA_OR_CLOSE:
			if (c == ',') {
				if (em)
					emit_comma(h);
				i++;
				want = stack[depth - 1] == '{' ? W_KEY :
				    W_VALUE;
				continue;
			}
			if (c == '}' || c == ']')
				goto close;
			return fail_at(e, s, len, i, stack[depth - 1] == '{' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		case W_END:
			return fail_at(e, s, len, i,
			    "expected the end after the value");
		}
	close:
		if (depth == 0 || (c == '}') != (stack[depth - 1] == '{'))
			return fail_at(e, s, len, i, "unmatched bracket");
		depth--;
		i++;
		if (depth == 0)
			*re = i;
		if (em) {
			emit_close(h, i);
			if (IN_KEYS(h, depth, stack, arr)) {
				em = 0;
				if ((r = h->element(h, h->base, i, e)) != 0)
					return r;
			}
		}
		want = depth ? W_COMMA_OR_CLOSE : W_END;
	}
	if (want == W_END) {
		*ntok = n;
		return 0;
	}
	if (n == 0)
		return px_fail(e, PXE_PARSE, "empty JSON input");
	return fail_truncated(e, len, depth == 0 ? "a value" :
	    stack[depth - 1] == '{' ? "an object" : "an array");
}

/* What every parse refuses first: too big, or nothing at all. */
static int
input_ok(const char *src, size_t len, struct px_err *e)
{
	if (len > JSON_MAX_SIZE)
		return px_fail(e, PXE_TOO_LARGE,
		    "JSON body of %zu bytes is over the %u byte limit", len,
		    JSON_MAX_SIZE);
	if (src == NULL || len == 0)
		return px_fail(e, PXE_PARSE, "empty JSON input");
	return 0;
}

int
json_parse(struct json *j, const char *src, size_t len, struct px_err *e)
{
	jsmn_parser p;
	jsmntok_t *tok;
	size_t rs = 0, re = 0;
	int n = 0, r;

	memset(j, 0, sizeof(*j));
	if (input_ok(src, len, e) != 0)
		return -1;
	if (json_check(src, len, &n, &rs, &re, NULL, e) == -1)
		return -1;

	if (n == 1 && src[rs] != '{' && src[rs] != '[') {
		/* A bare scalar: jsmn (strict) wants a delimiter after it. */
		tok = px_xcalloc(1, sizeof(*tok));
		tok->type = src[rs] == '"' ? JSMN_STRING : JSMN_PRIMITIVE;
		tok->start = (int)rs + (src[rs] == '"');
		tok->end = (int)re - (src[rs] == '"');
		tok->parent = -1;
	} else {
		/* json_check counted the tokens: one jsmn pass fills them
		 * (a counting pass first would double the cost of a 3 MB
		 * answer), and jsmn must agree on the count. */
		tok = px_xmalloc((size_t)n * sizeof(*tok));
		jsmn_init(&p);
		r = jsmn_parse(&p, src, len, tok, (unsigned int)n);
		if (r != n) {
			free(tok);
			return px_fail(e, PXE_PARSE, "JSON tokenizer gave %d "
			    "tokens where the scanner counted %d", r, n);
		}
	}
	j->src = src;
	j->len = len;
	j->tok = (struct jsmntok *)(void *)tok;
	j->ntok = n;
	return 0;
}

/* ---- one element at a time ---- */

static size_t unescape(const char *src, size_t n, char *dst, size_t size);

/* Whether the key whose quote is s[i] and that ends at kend (past its
 * closing quote) is key. */
static int
key_is(const char *s, size_t i, size_t kend, const char *key)
{
	const char *raw = s + i + 1;
	size_t rl = kend - i - 2, kl = strlen(key);
	char tmp[256];

	if (memchr(raw, '\\', rl) == NULL)
		return rl == kl && memcmp(raw, key, kl) == 0;
	if (rl >= sizeof(tmp))
		return 0;	/* longer than any key px looks for */
	return unescape(raw, rl, tmp, sizeof(tmp)) == kl &&
	    memcmp(tmp, key, kl) == 0;
}

struct each_call {
	struct each_hook h;	/* first: json_check calls it */
	const char *src;
	int (*each)(void *arg, const struct json *elem);
	void *arg;
};

static int
each_element(struct each_hook *h, size_t start, size_t end, struct px_err *e)
{
	struct each_call *w = (struct each_call *)(void *)h;
	struct json el;

	(void)e;
	el.src = w->src + start;
	el.len = end - start;
	el.tok = (struct jsmntok *)(void *)h->tok;
	el.ntok = h->ntok;
	return w->each(w->arg, &el) != 0;
}

int
json_each(const char *src, size_t len, const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg,
    struct px_err *e)
{
	struct each_call w;
	size_t rs = 0, re = 0;
	int n = 0, rc;

	if (input_ok(src, len, e) != 0)
		return -1;
	memset(&w, 0, sizeof(w));
	w.h.key = key;
	w.h.element = each_element;
	w.src = src;
	w.each = each;
	w.arg = arg;
	rc = json_check(src, len, &n, &rs, &re, &w.h, e);
	free(w.h.tok);
	if (rc != 0)
		return rc == 1 ? 0 : -1;	/* stopped by each, or failed */
	if (src[rs] != '{')
		return px_fail(e, PXE_PARSE, "the answer is not a JSON object");
	return w.h.found == EH_ARRAY ? 0 : w.h.found == EH_OTHER ? 2 : 1;
}

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	free(j->tok);
	memset(j, 0, sizeof(*j));
}

/* ---- walking ---- */

enum json_type
json_type(const struct json *j, int t)
{
	const jsmntok_t *k = tok_at(j, t);

	if (k == NULL)
		return JSON_NONE;
	switch (k->type) {
	case JSMN_OBJECT:
		return JSON_OBJECT;
	case JSMN_ARRAY:
		return JSON_ARRAY;
	case JSMN_STRING:
		return JSON_STRING;
	case JSMN_PRIMITIVE:
		switch (j->src[k->start]) {
		case 't':
			return JSON_TRUE;
		case 'f':
			return JSON_FALSE;
		case 'n':
			return JSON_NULL;
		default:
			return JSON_NUMBER;
		}
	default:
		return JSON_NONE;
	}
}

int
json_len(const struct json *j, int t)
{
	const jsmntok_t *k = tok_at(j, t);

	if (k == NULL || (k->type != JSMN_OBJECT && k->type != JSMN_ARRAY))
		return 0;
	return k->size;
}

/*
 * Every token's size is the number of tokens directly below it (a key has
 * size 1, its value), so counting the ones still owed walks the subtree
 * once, without recursion.
 */
int
json_skip(const struct json *j, int t)
{
	const jsmntok_t *k = toks(j);
	long owed = 1;

	if (tok_at(j, t) == NULL)
		return -1;
	while (owed > 0 && t < j->ntok) {
		owed += k[t].size - 1;
		t++;
	}
	return t;
}

int
json_first(const struct json *j, int t)
{
	return json_len(j, t) > 0 ? t + 1 : -1;
}

int
json_at(const struct json *j, int t, int i)
{
	int c, k;

	if (json_type(j, t) != JSON_ARRAY || i < 0 || i >= json_len(j, t))
		return -1;
	for (k = 0, c = t + 1; k < i; k++)
		c = json_skip(j, c);
	return c;
}

int
json_get(const struct json *j, int t, const char *key)
{
	int k, i;

	size_t kl;
	int plain;

	if (json_type(j, t) != JSON_OBJECT || key == NULL)
		return -1;
	kl = strlen(key);
	plain = memchr(key, '\\', kl) == NULL;
	JSON_FOREACH_KV(j, t, k, i) {
		const jsmntok_t *kt = tok_at(j, k);
		size_t rl = (size_t)(kt->end - kt->start);
		const char *raw = j->src + kt->start;

		/* Fast path, the common case: the raw key text.  Escapes only
		 * make a key's text longer than its value, so a shorter one
		 * cannot match and a longer one only when it has a '\'. */
		if (plain && kt->type == JSMN_STRING) {
			if (rl == kl && memcmp(raw, key, kl) == 0)
				return k + 1;
			if (rl <= kl || memchr(raw, '\\', rl) == NULL)
				continue;
		}
		if (json_eq(j, k, key))
			return k + 1;
	}
	return -1;
}

/*
 * What json_fields learnt from the objects it saw last, per thread: the
 * objects of one list come from one serializer, so after a given key
 * the same key tends to follow (an optional field shifts positions but
 * not the order).  next[] holds, for each key id, the id of the key that
 * followed it last time; ids below n are names, the others keys no name
 * wants (other[]).  A wrong guess only costs the plain scan.
 */
#define FIELDS_MAX	64
#define FIELDS_OTHER	16
struct fields_memo {
	const char *name[FIELDS_MAX];	/* the names it learnt them for */
	int n, nother;
	size_t len[FIELDS_MAX];
	char other[FIELDS_OTHER][24];
	signed char next[1 + FIELDS_MAX + FIELDS_OTHER];  /* [0]: first */
};
static __thread struct fields_memo memo;

/* The id of the unwanted key raw[0..rl), learning it when there is
 * room; -1 when it is not (and cannot be) remembered. */
static int
fields_other(struct fields_memo *m, const char *raw, size_t rl)
{
	int o;

	if (rl >= sizeof(m->other[0]))
		return -1;
	for (o = 0; o < m->nother; o++)
		if (memcmp(m->other[o], raw, rl) == 0 &&
		    m->other[o][rl] == '\0')
			return m->n + o;
	if (m->nother == FIELDS_OTHER)
		return -1;
	memcpy(m->other[o], raw, rl);
	m->other[o][rl] = '\0';
	m->nother++;
	return m->n + o;
}

void
json_fields(const struct json *j, int t, const char *const *names, int n,
    int *out)
{
	struct fields_memo *m = &memo;
	int k, i, prev = -1, left = n;

	for (int q = 0; q < n; q++)
		out[q] = -1;
	if (json_type(j, t) != JSON_OBJECT || n > FIELDS_MAX)
		return;
	/* The same strings, not only the same array: a caller's array on
	 * the stack may hold other names at the same address next time. */
	if (m->n != n || memcmp(m->name, names, (size_t)n *
	    sizeof(*names)) != 0) {
		memcpy(m->name, names, (size_t)n * sizeof(*names));
		m->n = n;
		m->nother = 0;
		for (int q = 0; q < n; q++)
			m->len[q] = strlen(names[q]);
		memset(m->next, -1, sizeof(m->next));
	}
	JSON_FOREACH_KV(j, t, k, i) {
		const jsmntok_t *kt = tok_at(j, k);
		size_t rl = (size_t)(kt->end - kt->start);
		const char *raw = j->src + kt->start;
		int q = m->next[prev + 1], id, esc;

		if (left == 0)
			break;
		/* The guess, checked on the raw text: names and remembered
		 * keys have no backslash, so equal raw text is equal. */
		if (q >= 0 && q < n && rl == m->len[q] &&
		    memcmp(raw, names[q], rl) == 0) {
			if (out[q] < 0) {	/* else a duplicate key */
				out[q] = k + 1;
				left--;
			}
			prev = q;
			continue;
		}
		if (q >= n && rl < sizeof(m->other[0]) &&
		    memcmp(raw, m->other[q - n], rl) == 0 &&
		    m->other[q - n][rl] == '\0') {
			prev = q;
			continue;
		}
		esc = kt->type == JSMN_STRING && memchr(raw, '\\', rl) != NULL;
		id = -1;
		for (q = 0; q < n; q++) {
			if (esc ? json_eq(j, k, names[q]) : (rl == m->len[q] &&
			    memcmp(raw, names[q], rl) == 0)) {
				id = q;
				if (out[q] < 0) {
					out[q] = k + 1;
					left--;
				}
				break;
			}
		}
		if (id < 0 && !esc)
			id = fields_other(m, raw, rl);
		m->next[prev + 1] = (signed char)id;
		prev = id;
	}
}

/* A segment of digits also indexes an array ("data.0.vmid"). */
int
json_path(const struct json *j, int t, const char *path)
{
	char seg[256];
	const char *p = path, *dot;
	size_t n, i;

	if (tok_at(j, t) == NULL || path == NULL)
		return -1;
	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof(seg))
			return -1;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (json_type(j, t) == JSON_ARRAY) {
			for (i = 0; i < n && is_digit(seg[i]); i++)
				;
			if (i < n || n > 9)
				return -1;
			t = json_at(j, t, atoi(seg));
		} else
			t = json_get(j, t, seg);
		if (t < 0)
			return -1;
		p += n;
		if (*p == '.' && *++p == '\0')
			return -1;
	}
	return t;
}

int
json_is_null(const struct json *j, int t)
{
	enum json_type ty = json_type(j, t);

	return ty == JSON_NONE || ty == JSON_NULL;
}

const char *
json_raw(const struct json *j, int t, size_t *n)
{
	const jsmntok_t *k = tok_at(j, t);

	if (k == NULL) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = (size_t)(k->end - k->start);
	return j->src + k->start;
}

/* ---- strings ---- */

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
static size_t
unescape_one(const char *p, const char *end, size_t *adv, char *out)
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
static size_t
unescape(const char *src, size_t n, char *dst, size_t size)
{
	const char *p = src, *end = src + n, *bs;
	size_t len = 0, w = 0, run, k, adv;
	int full = size == 0;
	char u[4];

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
		k = unescape_one(p, end, &adv, u);
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

int
json_eq(const struct json *j, int t, const char *s)
{
	const jsmntok_t *k = tok_at(j, t);
	const char *p, *end, *bs;
	size_t run, n, adv;
	char u[4];

	if (k == NULL || s == NULL)
		return 0;
	p = j->src + k->start;
	end = j->src + k->end;
	if (k->type == JSMN_PRIMITIVE)
		return strlen(s) == (size_t)(end - p) &&
		    memcmp(s, p, (size_t)(end - p)) == 0;
	if (k->type != JSMN_STRING)
		return 0;
	while (p < end) {
		bs = memchr(p, '\\', (size_t)(end - p));
		run = (size_t)((bs ? bs : end) - p);
		if (run > 0) {
			/* The token holds no NUL, so a short s fails here. */
			if (strncmp(s, p, run) != 0)
				return 0;
			s += run;
			p += run;
			continue;
		}
		n = unescape_one(p, end, &adv, u);
		if (strncmp(s, u, n) != 0)
			return 0;
		s += n;
		p += adv;
	}
	return *s == '\0';
}

/* The source span of a string or a number/boolean; -1 otherwise. */
static int
text_span(const struct json *j, int t, const char **p, size_t *n)
{
	const jsmntok_t *k = tok_at(j, t);

	if (k == NULL || json_type(j, t) == JSON_NULL ||
	    (k->type != JSMN_STRING && k->type != JSMN_PRIMITIVE))
		return -1;
	*p = j->src + k->start;
	*n = (size_t)(k->end - k->start);
	return 0;
}

char *
json_strdup(const struct json *j, int t)
{
	const char *p;
	size_t n, len;
	char *s;

	if (text_span(j, t, &p, &n) == -1)
		return NULL;
	if (json_type(j, t) != JSON_STRING || memchr(p, '\\', n) == NULL)
		return px_xstrndup(p, n);
	len = unescape(p, n, NULL, 0);
	s = px_xmalloc(len + 1);
	unescape(p, n, s, len + 1);
	return s;
}

long
json_strcpy(const struct json *j, int t, char *buf, size_t size)
{
	const char *p;
	size_t n, k;

	if (text_span(j, t, &p, &n) == -1) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	if (json_type(j, t) == JSON_STRING)
		return (long)unescape(p, n, buf, size);
	if (size > 0) {
		k = n < size - 1 ? n : size - 1;
		memcpy(buf, p, k);
		buf[k] = '\0';
	}
	return (long)n;
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
	    text_span(j, t, &p, &n) == -1)
		return NULL;
	len = ty == JSON_STRING ? unescape(p, n, NULL, 0) : n;
	s = len < size ? buf : (*heap = px_xmalloc(len + 1));
	if (ty == JSON_STRING)
		unescape(p, n, s, len + 1);
	else {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	if (len == 0 || num_len(s, len, isint) != len) {
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
static int
plain_text(const char *p, const char *end, int *neg, uint64_t *mant,
    int *frac)
{
	const char *d, *pt;
	uint64_t m = 0;
	long ni, nf = 0;

	*neg = p < end && *p == '-';
	p += *neg;
	d = p;
	while (p < end && (unsigned char)(*p - '0') < 10)
		m = m * 10 + (uint64_t)(*p++ - '0');
	ni = p - d;
	if (ni == 0 || (ni > 1 && *d == '0'))
		return -1;	/* "", "-", "x", or a leading zero: "01" */
	if (p < end) {
		if (*p != '.')
			return -1;	/* exponent, escape, space, ... */
		pt = ++p;
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
	return plain_text(j->src + k->start, j->src + k->end, neg, mant, frac);
}

/*
 * m / 10^frac as a double when that is exact-rounded: both operands are
 * exact doubles (m <= 2^53, 10^frac <= 10^22) and IEEE division rounds
 * once (Clinger's fast path).  -1 when it cannot promise that.
 */
static int
plain_double(int neg, uint64_t m, int frac, double *out)
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
	    plain_double(neg, m, frac, out) == 0)
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
		for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x80 &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		if (run > i) {
			buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		if (p[i] >= 0x80) {
			if ((k = utf8_valid(p + i, n - i, &bad)) > 0) {
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

/* Whether the number text s[0..n) reads back as v: exactly, through the
 * fast path when the digits allow it, else through strtod. */
static int
reads_back(const char *s, size_t n, double v)
{
	uint64_t m;
	int neg, frac;
	double d;
	char *end;

	if (plain_text(s, s + n, &neg, &m, &frac) == 0 &&
	    plain_double(neg, m, frac, &d) == 0)
		return d == v;
	return c_strtod(s, &end) == v;
}

/*
 * snprintf(buf, n, "%.*g", prec, v) for 15 <= prec <= 17, without printf
 * for the numbers an answer is full of (1e-4 <= |v| < 10^prec, not an
 * integer), and exactly: v is m * 2^-s with m < 2^53 and s <= 66, so
 * v * 10^k (k <= 20) is the integer m * 10^k (< 2^120) shifted right by
 * s, and its remainder decides the rounding as printf does (to nearest,
 * ties to even).  -1 for anything else (json_fmt_num then asks printf).
 * The unit test compares the two on random doubles.
 */
static int
fmt_g(char *buf, size_t n, int prec, double v)
{
	unsigned __int128 x, rem, half, p10[21], top, low;
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
	p10[0] = 1;
	for (i = 1; i <= 20; i++)
		p10[i] = p10[i - 1] * 10;
	/* e = floor(log10(a)): a first guess, then the scaled value must
	 * have exactly prec digits before its point. */
	e = (int)floor((e - 1) * 0.30102999566398120);	/* log10(2) */
	low = p10[prec - 1];
	top = p10[prec];
	for (i = 0;; i++) {
		if (e < -4 || e >= prec || i == 3)
			return -1;
		k = prec - 1 - e;	/* 0 <= k <= 20 */
		x = ((unsigned __int128)m * p10[k]) >> s;
		if (x < low)
			e--;
		else if (x >= top)
			e++;
		else
			break;
	}
	rem = ((unsigned __int128)m * p10[k]) & (((unsigned __int128)1 << s) - 1);
	half = (unsigned __int128)1 << (s - 1);
	if (rem > half || (rem == half && (x & 1)))
		x++;
	if (x >= top) {		/* 9.99..95 rounded up a digit */
		x /= 10;
		if (++e >= prec)
			return -1;
	}
	m = (uint64_t)x;
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
	char tmp[24];
	size_t len = 0, k;

	do {
		tmp[len++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	if (n == 0)
		return len;
	k = len < n ? len : n - 1;
	for (size_t i = 0; i < k; i++)
		buf[i] = tmp[len - 1 - i];
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
	int prec, len;

	if (!isfinite(v))
		return (size_t)snprintf(buf, n, "null");
	if (v == 0)	/* also -0 */
		return (size_t)snprintf(buf, n, "0");
	/* Integers up to 2^53 are exact doubles: their digits need no
	 * printf (nor the locale switch). */
	if (fabs(v) <= 9007199254740992.0 && v == floor(v))
		return json_fmt_int(buf, n, (long long)v);
	/* The shortest of %.15g, %.16g, %.17g that reads back as the same
	 * double: without printf when fmt_g can. */
	for (prec = 15; prec <= 17; prec++) {
		len = fmt_g(buf, n, prec, v);
		if (len < 0)
			break;
		if (prec == 17 || ((size_t)len < n &&
		    reads_back(buf, (size_t)len, v)))
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

/* Bits of w->comma[depth]. */
#define JW_NEED_COMMA	0x1
#define JW_OBJECT	0x2

/* %.*g of v (not an integer, |v| < 1e17) in the C locale: through fmt_g
 * when it can. */
static size_t
fmt_digits(char *buf, size_t n, int prec, double v)
{
	locale_t loc, old = (locale_t)0;
	int len = fmt_g(buf, n, prec, v);

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
		n = fmt_digits(buf, sizeof(buf), w->digits, v);
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
