/*
 * json_scan.c -- the validating scanner.
 *
 * jsmn 1.1 is a tokenizer, not a validator: even with JSMN_STRICT it takes
 * "[1 2]", "{"a":1,}", "tru", "01" and trailing garbage, and it refuses a
 * bare number at the very end of the input.  So json_parse first runs its
 * own scanner over the text: it checks the whole grammar, bounds the
 * nesting (a nesting bomb costs one pass and nothing else), counts the
 * tokens and names the byte offset of the first error.  jsmn then only
 * tokenizes text known to be valid.
 *
 * json_each rides on the same pass: the elements of one big list are
 * tokenized by the scanner itself, jsmn-shaped, one at a time.  When much
 * of a list waits, json_each_split reads its second half on a second
 * thread from a guessed element start, kept only once the first half's
 * scan has reached that very start.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_impl.h"
#include "workq.h"

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

/*
 * The length of the longest prefix of s[0..n) that is a JSON number
 * (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), 0 if none.  *isint
 * is set when it has neither fraction nor exponent.
 */
size_t
json_num_len(const char *s, size_t n, int *isint)
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

/* The bytes that end a plain run inside a string: controls, '"', '\'. */
static const unsigned char str_stop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

/* Scan the string whose opening quote is s[*pos]; *pos ends past the
 * closing quote.  0, -1 with e, or -2 when s[0..len) ends inside it
 * (scan_number and scan_literal the same). */
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
					return -2;
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
	return -2;
}

/* With final 0, more text may follow s[0..len): a number or a literal
 * that reaches len may go on, so it is cut (-2) too. */
static int
scan_number(const char *s, size_t len, int final, size_t *pos,
    struct px_err *e)
{
	size_t n;
	int isint;

	n = json_num_len(s + *pos, len - *pos, &isint);
	if (n == 0 || (*pos + n < len && !is_delim(s[*pos + n]))) {
		if (num_prefix(s + *pos, len - *pos))
			return -2;
		return fail_at(e, s, len, *pos + n, "invalid number");
	}
	if (*pos + n == len && !final)
		return -2;
	*pos += n;
	return 0;
}

static int
scan_literal(const char *s, size_t len, int final, size_t *pos,
    struct px_err *e)
{
	const char *lit;
	size_t i, k;

	lit = s[*pos] == 't' ? "true" : s[*pos] == 'f' ? "false" : "null";
	k = strlen(lit);
	for (i = 0; i < k; i++) {
		if (*pos + i >= len)
			return -2;
		if (s[*pos + i] != lit[i])
			return fail_at(e, s, len, *pos + i, "invalid literal");
	}
	if (*pos + k < len && !is_delim(s[*pos + k]))
		return fail_at(e, s, len, *pos + k, "invalid literal");
	if (*pos + k == len && !final)
		return -2;
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
	/* json_each_direct's reader, tried first on an element that is an
	 * object: -1 declines it, else as element() with *end past it */
	int (*direct)(struct each_hook *h, const char *s, size_t len,
	    size_t at, size_t *end);
};

static int key_is(const char *s, size_t i, size_t kend, const char *key);

/* An element of key's array starts or ends at this depth? */
#define IN_KEYS(h, depth, stack, arr) \
	((h) != NULL && (depth) == 2 && (stack)[0] == '{' && \
	    (stack)[1] == '[' && (h)->found == EH_ARRAY && (arr) == (h)->arr)

static void
emit_grow(struct each_hook *h)
{
	h->cap = h->cap ? h->cap * 2 : 64;
	h->tok = px_xrealloc(h->tok, h->cap * sizeof(*h->tok));
}

/* A new token of the element, attached as jsmn attaches it (inline:
 * 400,000 tokens in a listing of 10,000 guests). */
static inline __attribute__((always_inline)) jsmntok_t *
emit(struct each_hook *h, jsmntype_t type, size_t start, size_t end)
{
	jsmntok_t *t;

	if (__builtin_expect((unsigned int)h->ntok == h->cap, 0))
		emit_grow(h);
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
 * The fast path for the common element: a flat object whose keys and
 * string values have no escape, whose other values are numbers and
 * literals, and that is whole in s[0..len).  It is tokenized as the
 * general path below would tokenize it (the unit tests compare both
 * with jsmn), about four times faster: 10,000 guests are 3.2 MB.  It
 * only ever accepts what the general path accepts: anything else --
 * nesting, an escape, a control character, a bad or cut token -- is
 * declined (0, the tokens dropped), and the general path scans the
 * element from its '{' and says what is wrong with it.  Its grammar is
 * json_flat.h's, which pve_row_direct reads rows with.
 */
static inline jsmntok_t *
flat_tok(jsmntok_t *t, jsmntype_t type, size_t start, size_t end, int parent)
{
	t->type = type;
	t->start = (int)start;
	t->end = (int)end;
	t->size = type == JSMN_STRING && parent == 0 ? 1 : 0;
	t->parent = parent;
	return t;
}

/* The element whose '{' is s[at]: the offset past its '}' with its
 * tokens in h (h->ntok), or 0 when the general path must scan it. */
static size_t
flat_element(struct each_hook *h, const char *s, size_t len, size_t at)
{
	struct json_flat m;
	size_t i;
	int nt = 1, r;

	if (h->cap < 2)
		emit_grow(h);
	flat_tok(&h->tok[0], JSMN_OBJECT, 0, 0, -1);
	if ((r = json_flat_open(s, len, at, &i)) < 0)
		return 0;
	while (r == 0) {
		if ((r = json_flat_member(s, len, &i, &m)) == 0)
			return 0;
		r = r == 2;
		if ((unsigned int)nt + 2 > h->cap)
			emit_grow(h);
		flat_tok(&h->tok[nt], JSMN_STRING, m.ks - at, m.ke - at, 0);
		flat_tok(&h->tok[nt + 1], m.type == JSON_STRING ? JSMN_STRING :
		    JSMN_PRIMITIVE, m.vs - at, m.ve - at, nt);
		h->tok[0].size++;
		nt += 2;
	}
	h->tok[0].end = (int)(i - at);
	h->ntok = nt;
	return i;
}

/*
 * The scanner's state between two pieces of the text: json_check runs it
 * once over the whole text; json_each_feed runs it again each time more
 * of the text has arrived, from where it stopped.
 */
struct scan {
	char stack[JSON_MAX_DEPTH];
	enum want want;
	size_t i;		/* the next byte to scan */
	size_t arr;		/* the '[' of the open depth-2 array */
	size_t rs, re;		/* the root value's span */
	/* A token cut by the end of the text is scanned again from its
	 * start once the text has grown by the token's length so far:
	 * a hostile 30 MB string arriving in 16 KB pieces costs twice its
	 * length, not a pass per piece. */
	size_t wait;
	int depth, n, em;
	/* json_each_split: stop at the element that starts at split
	 * (SCAN_SPLIT); 0 none */
	size_t split;
};

#define SCAN_MORE	3	/* scan_run: the text so far is fine, cut */
#define SCAN_SPLIT	4	/* scan_run: at sc->split, an element next */

static void
scan_init(struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->want = W_VALUE;
}

/*
 * Check s[sc->i..len) on from sc's state, s[0..sc->i) being checked
 * already.  final: s[0..len) is the whole text; else more may follow,
 * and SCAN_MORE says that what there is so far can still be valid (sc
 * then holds where to go on).  Otherwise as json_check.
 */
static int
scan_run(struct scan *sc, const char *s, size_t len, int final,
    struct each_hook *h, struct px_err *e)
{
	char *stack = sc->stack;
	enum want want = sc->want;
	size_t i = sc->i, start = i, arr = sc->arr, ks;
	int depth = sc->depth, n = sc->n, r, em = sc->em;
	const char *inside = "a value";
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
					if (sc->split != 0 && start >= sc->split) {
						if (start == sc->split) {
							i = start;
							r = SCAN_SPLIT;
							goto save;
						}
						sc->split = 0;	/* passed */
					}
					if (c == '{' && h->direct != NULL &&
					    (r = h->direct(h, s, len, start,
					    &i)) >= 0) {
						if (r != 0)
							return r;
						want = W_COMMA_OR_CLOSE;
						continue;
					}
					element_begin(h, start);
					if (c == '{' && (i = flat_element(h, s,
					    len, start)) != 0) {
						n += h->ntok;
						if ((r = h->element(h, start, i,
						    e)) != 0)
							return r;
						want = W_COMMA_OR_CLOSE;
						continue;
					}
					element_begin(h, start);
					i = start;
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
					sc->rs = start;
				continue;
			}
			if (c == '"') {
				if ((r = scan_string(s, len, &i, e)) != 0) {
					inside = "a string";
					goto cut;
				}
				if (em)
					emit(h, JSMN_STRING, start + 1, i - 1);
			} else if (c == '-' || is_digit(c)) {
				if ((r = scan_number(s, len, final, &i,
				    e)) != 0) {
					inside = "a number";
					goto cut;
				}
				if (em)
					emit(h, JSMN_PRIMITIVE, start, i);
			} else if (c == 't' || c == 'f' || c == 'n') {
				if ((r = scan_literal(s, len, final, &i,
				    e)) != 0) {
					inside = "a literal";
					goto cut;
				}
				if (em)
					emit(h, JSMN_PRIMITIVE, start, i);
			} else
				return fail_at(e, s, len, i,
				    "expected a value");
			n++;
			if (depth == 0) {
				sc->rs = start;
				sc->re = i;
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
			start = ks = i;
			if ((r = scan_string(s, len, &i, e)) != 0) {
				inside = "a string";
				goto cut;
			}
			if (em)
				emit(h, JSMN_STRING, ks + 1, i - 1);
			else if (h != NULL && depth == 1 &&
			    key_is(s, ks, i, h->key)) {
				/* Given twice, the last wins, as in json_get;
				 * but the elements of an array before it have
				 * been passed on already. */
				if (h->found == EH_ARRAY)
					return px_fail(e, PXE_PARSE, "JSON "
					    "at byte %zu: key \"%s\" given "
					    "twice", ks, h->key);
				h->next = 1;
			}
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
			sc->re = i;
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
	if (!final) {
		sc->wait = 0;
		r = SCAN_MORE;
		goto save;
	}
	if (want == W_END) {
		sc->n = n;
		return 0;
	}
	if (n == 0)
		return px_fail(e, PXE_PARSE, "empty JSON input");
	return fail_truncated(e, len, depth == 0 ? "a value" :
	    stack[depth - 1] == '{' ? "an object" : "an array");
cut:
	/* r: -1 (e set) or -2, the text ends inside the token at start */
	if (r == -1)
		return -1;
	if (final)
		return fail_truncated(e, len, inside);
	i = start;
	sc->wait = len + (len - start);
	r = SCAN_MORE;
save:
	sc->want = want;
	sc->i = i;
	sc->arr = arr;
	sc->depth = depth;
	sc->n = n;
	sc->em = em;
	return r;
}

/*
 * Check that s[0..len) is exactly one JSON value (RFC 8259) nested at most
 * JSON_MAX_DEPTH deep.  Iterative, one pass, no allocation.  *ntok gets
 * the number of jsmn tokens (containers, keys, values); *rs and *re the
 * span of the root value.  With h, the elements of h->key's array go to
 * h->element as they are validated: 1 when it stopped the scan.
 */
int
json_check(const char *s, size_t len, int *ntok, size_t *rs, size_t *re,
    struct each_hook *h, struct px_err *e)
{
	struct scan sc;
	int rc;

	scan_init(&sc);
	if ((rc = scan_run(&sc, s, len, 1, h, e)) != 0)
		return rc;
	*ntok = sc.n;
	*rs = sc.rs;
	*re = sc.re;
	return 0;
}

int
json_input_ok(const char *src, size_t len, struct px_err *e)
{
	if (len > JSON_MAX_SIZE)
		return px_fail(e, PXE_TOO_LARGE,
		    "JSON body of %zu bytes is over the %u byte limit", len,
		    JSON_MAX_SIZE);
	if (src == NULL || len == 0)
		return px_fail(e, PXE_PARSE, "empty JSON input");
	return 0;
}

/* ---- one element at a time ---- */

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
	return json_unescape(raw, rl, tmp, sizeof(tmp)) == kl &&
	    memcmp(tmp, key, kl) == 0;
}

struct each_call {
	struct each_hook h;	/* first: json_check calls it */
	const char *src;
	int (*each)(void *arg, const struct json *elem);
	int (*direct)(void *arg, const char *s, size_t len, size_t at,
	    size_t *end);
	void *arg;
};

static int
each_direct(struct each_hook *h, const char *s, size_t len, size_t at,
    size_t *end)
{
	struct each_call *w = (struct each_call *)(void *)h;
	int r = w->direct(w->arg, s, len, at, end);

	return r < 0 ? -1 : r != 0;
}

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
	el.origin = NULL;
	return w->each(w->arg, &el) != 0;
}

/* The stream's whole state: json_each is one on the stack. */
struct json_each_stream {
	struct each_call w;	/* first: json_check calls it */
	struct scan sc;
	int rc;			/* 0 going on, 1 stopped by each, -1 e */
	struct px_err err;
};

static void
stream_init(struct json_each_stream *st, const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg)
{
	memset(st, 0, sizeof(*st));
	st->w.h.key = key;
	st->w.h.element = each_element;
	st->w.each = each;
	st->w.arg = arg;
	scan_init(&st->sc);
}

struct json_each_stream *
json_each_start(const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg)
{
	struct json_each_stream *st = px_xmalloc(sizeof(*st));

	stream_init(st, key, each, arg);
	return st;
}

void
json_each_direct(struct json_each_stream *st, int (*direct)(void *arg,
    const char *s, size_t len, size_t at, size_t *end))
{
	st->w.direct = direct;
	st->w.h.direct = direct != NULL ? each_direct : NULL;
}

void
json_each_restart(struct json_each_stream *st)
{
	const char *key = st->w.h.key;
	int (*each)(void *, const struct json *) = st->w.each;
	int (*direct)(void *, const char *, size_t, size_t, size_t *) =
	    st->w.direct;
	void *arg = st->w.arg;

	free(st->w.h.tok);
	stream_init(st, key, each, arg);
	json_each_direct(st, direct);
}

/* A feed's scan_run returned rc: 0, or -1 with e (kept in st for the
 * feeds after and the end). */
static int
feed_rc(struct json_each_stream *st, int rc, struct px_err *e)
{
	if (rc == 1)
		st->rc = 1;	/* stopped by each */
	else if (rc == -1) {
		st->rc = -1;
		*e = st->err;
		return -1;
	}
	return 0;
}

int
json_each_feed(struct json_each_stream *st, const char *src, size_t len,
    struct px_err *e)
{
	int rc;

	if (st->rc == -1) {
		*e = st->err;
		return -1;
	}
	/* stopped; or a text too big, or not grown enough past a cut
	 * token: json_each_end says */
	if (st->rc == 1 || len > JSON_MAX_SIZE || len < st->sc.wait ||
	    len < st->sc.i)
		return 0;
	st->w.src = src;
	rc = scan_run(&st->sc, src, len, 0, &st->w.h, &st->err);
	return feed_rc(st, rc, e);
}

/* ---- the rest of a text on two threads ---- */

/* Below this much text not scanned yet, one thread reads it all (the
 * default of json_each_fork's min: a thread costs about 50 us). */
#define SPLIT_MIN	(256u << 10)

/* The second half: elements of the array from s[p] on, while the first
 * half is scanned up to p. */
struct span {
	struct each_call w;	/* its own tokens; each(arg2, ...) */
	size_t len, p;
	size_t end;		/* past its last element's '}', p: none */
	int n;			/* the elements' tokens */
	int stopped;		/* each asked for no more */
	pthread_t th;
};

/*
 * Flat elements (flat_element) one after another, as scan_run reads
 * them: ',' between them, whitespace around it.  The first that is not
 * flat, or is cut by the end of the text, or anything else, ends the
 * span: the first half's scan goes on from its end.
 */
static void *
span_main(void *arg)
{
	struct span *sp = arg;
	const char *s = sp->w.src;
	size_t len = sp->len, i = sp->p, end;
	int r;

	sp->end = sp->p;
	while (i < len && s[i] == '{') {
		if (sp->w.h.direct != NULL &&
		    (r = sp->w.h.direct(&sp->w.h, s, len, i, &end)) >= 0) {
			sp->end = end;
			if (r != 0) {
				sp->stopped = 1;
				break;
			}
			goto next;
		}
		element_begin(&sp->w.h, i);
		if ((end = flat_element(&sp->w.h, s, len, i)) == 0)
			break;
		sp->n += sp->w.h.ntok;
		sp->end = end;
		if (each_element(&sp->w.h, i, end, NULL) != 0) {
			sp->stopped = 1;
			break;
		}
next:
		for (i = end; i < len && is_ws(s[i]); i++)
			;
		if (i >= len || s[i] != ',')
			break;
		for (i++; i < len && is_ws(s[i]); i++)
			;
	}
	return NULL;
}

/* Where the second half may start: the '{' of the first "},{" from
 * s[from] on, or 0. */
static size_t
split_guess(const char *s, size_t len, size_t from)
{
	const char *p = s + from, *end = s + len;

	while (end - p >= 3 && (p = memchr(p, '}', (size_t)(end - p - 2))) !=
	    NULL) {
		if (p[1] == ',' && p[2] == '{')
			return (size_t)(p + 2 - s);
		p++;
	}
	return 0;
}

int
json_each_split(struct json_each_stream *st, const char *src, size_t len,
    const struct json_each_fork *fk, struct px_err *e)
{
	struct span sp;
	size_t p;
	int rc, started;

	if (st->rc != 0 || len > JSON_MAX_SIZE || len < st->sc.wait ||
	    len < st->sc.i ||
	    len - st->sc.i < (fk->min ? fk->min : SPLIT_MIN) ||
	    (p = split_guess(src, len, st->sc.i + (len - st->sc.i) / 2)) == 0)
		return json_each_feed(st, src, len, e);
	memset(&sp, 0, sizeof(sp));
	sp.w.h.key = st->w.h.key;
	sp.w.h.element = each_element;
	sp.w.src = src;
	sp.w.each = st->w.each;
	sp.w.direct = st->w.direct;
	sp.w.h.direct = st->w.h.direct;
	sp.w.arg = fk->fork(st->w.arg);
	sp.len = len;
	sp.p = p;
	started = px_thread_start(&sp.th, span_main, &sp) == 0;
	if (!started) {
		fk->join(st->w.arg, sp.w.arg, 0);
		return json_each_feed(st, src, len, e);
	}
	st->w.src = src;
	st->sc.split = p;
	rc = scan_run(&st->sc, src, len, 0, &st->w.h, &st->err);
	st->sc.split = 0;
	pthread_join(sp.th, NULL);
	free(sp.w.h.tok);
	if (rc != SCAN_SPLIT) {
		/* the guess was wrong, or the first half failed or stopped */
		fk->join(st->w.arg, sp.w.arg, 0);
	} else {
		fk->join(st->w.arg, sp.w.arg, 1);
		if (sp.end != sp.p) {
			/* after the span's last element, as scan_run would be */
			st->sc.i = sp.end;
			st->sc.want = W_COMMA_OR_CLOSE;
			st->sc.n += sp.n;
		}
		if (sp.stopped) {
			st->rc = 1;
			return 0;
		}
		rc = scan_run(&st->sc, src, len, 0, &st->w.h, &st->err);
	}
	return feed_rc(st, rc, e);
}

int
json_each_end(struct json_each_stream *st, const char *src, size_t len,
    struct px_err *e)
{
	int rc;

	if (json_input_ok(src, len, e) != 0)
		return -1;
	if (st->rc == -1) {
		*e = st->err;
		return -1;
	}
	if (st->rc == 1)
		return 0;	/* stopped by each */
	if (len < st->sc.i)
		return px_fail(e, PXE_PARSE, "JSON text of %zu bytes is "
		    "shorter than the %zu read of it", len, st->sc.i);
	st->w.src = src;
	rc = scan_run(&st->sc, src, len, 1, &st->w.h, e);
	if (rc != 0)
		return rc == 1 ? 0 : -1;	/* stopped by each, or failed */
	if (src[st->sc.rs] != '{')
		return px_fail(e, PXE_PARSE, "the answer is not a JSON object");
	return st->w.h.found == EH_ARRAY ? 0 :
	    st->w.h.found == EH_OTHER ? 2 : 1;
}

void
json_each_free(struct json_each_stream *st)
{
	if (st == NULL)
		return;
	free(st->w.h.tok);
	free(st);
}

int
json_each(const char *src, size_t len, const char *key,
    int (*each)(void *arg, const struct json *elem), void *arg,
    struct px_err *e)
{
	struct json_each_stream st;
	int rc;

	stream_init(&st, key, each, arg);
	rc = json_each_end(&st, src, len, e);
	free(st.w.h.tok);
	return rc;
}
