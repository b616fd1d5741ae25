/*
 * json.c -- JSON reading on top of jsmn: json_parse, walking the tokens,
 * and the string getters.  The scanner that checks the text first is in
 * json_scan.c, the typed values in json_num.c, the writer in
 * json_write.c.
 *
 * JSMN_PARENT_LINKS: without it jsmn finds the container a closing bracket
 * belongs to by scanning back over every token so far, which is quadratic
 * on a long array of objects (a task list, rrddata).  With it the walk is
 * bounded by the depth.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_JSMN_CODE	/* jsmn's code, once, here */
#include "enc.h"
#include "json_impl.h"

int
json_parse(struct json *j, const char *src, size_t len, struct px_err *e)
{
	jsmn_parser p;
	jsmntok_t *tok;
	size_t rs = 0, re = 0;
	int n = 0, r;

	memset(j, 0, sizeof(*j));
	if (json_input_ok(src, len, e) != 0)
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

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	free(j->tok);
	free(j->origin);
	memset(j, 0, sizeof(*j));
}

void
json_origin(struct json *j, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(j->origin);
	j->origin = s;
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

/* A key given twice: the last one wins, as in jq and Python's json. */
int
json_get(const struct json *j, int t, const char *key)
{
	int k, i, found = -1;
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
			if (rl == kl && memcmp(raw, key, kl) == 0) {
				found = k + 1;
				continue;
			}
			if (rl <= kl || memchr(raw, '\\', rl) == NULL)
				continue;
		}
		if (json_eq(j, k, key))
			found = k + 1;
	}
	return found;
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

/* raw[0..n) == name[0..n), for the short keys of a row: no call. */
static inline int
same_bytes(const char *raw, const char *name, size_t n)
{
	uint64_t a, b;

	for (; n >= 8; n -= 8, raw += 8, name += 8) {
		memcpy(&a, raw, 8);
		memcpy(&b, name, 8);
		if (a != b)
			return 0;
	}
	while (n-- > 0)
		if (*raw++ != *name++)
			return 0;
	return 1;
}

void
json_fields(const struct json *j, int t, const char *const *names, int n,
    int *out)
{
	struct fields_memo *m = &memo;
	int k, i, nkv, prev = -1;

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
	/* JSON_FOREACH_KV over the tokens themselves: a checked list has
	 * a key and a value per member, and most values have no tokens
	 * below them (json_skip only for those that do). */
	nkv = toks(j)[t].size;
	for (i = 0, k = t + 1; i < nkv && k + 1 < j->ntok; i++,
	    k = toks(j)[k + 1].size == 0 ? k + 2 : json_skip(j, k + 1)) {
		const jsmntok_t *kt = &toks(j)[k];
		size_t rl = (size_t)(kt->end - kt->start);
		const char *raw = j->src + kt->start;
		int q = m->next[prev + 1], id, esc;

		/* The guess, checked on the raw text: names and remembered
		 * keys have no backslash, so equal raw text is equal. */
		if (q >= 0 && q < n && rl == m->len[q] &&
		    same_bytes(raw, names[q], rl)) {
			out[q] = k + 1;	/* a duplicate key: the last wins */
			prev = q;
			continue;
		}
		if (q >= n && rl < sizeof(m->other[0]) &&
		    same_bytes(raw, m->other[q - n], rl) &&
		    m->other[q - n][rl] == '\0') {
			prev = q;
			continue;
		}
		esc = kt->type == JSMN_STRING && memchr(raw, '\\', rl) != NULL;
		id = -1;
		for (q = 0; q < n; q++) {
			if (esc ? json_eq(j, k, names[q]) : (rl == m->len[q] &&
			    same_bytes(raw, names[q], rl))) {
				id = q;
				out[q] = k + 1;
				break;
			}
		}
		if (id < 0 && !esc)
			id = fields_other(m, raw, rl);
		m->next[prev + 1] = (signed char)id;
		prev = id;
	}
}

int
json_members(const struct json *j, int t, struct json_member *m, int max)
{
	const jsmntok_t *o = tok_at(j, t), *k, *v;
	int n, i, at = t + 1;

	if (o == NULL || o->type != JSMN_OBJECT || o->size > max)
		return -1;
	n = o->size;
	for (i = 0; i < n; i++) {
		if (at + 1 >= j->ntok)
			return -1;
		k = &toks(j)[at];
		v = k + 1;
		m[i].key = j->src + k->start;
		m[i].klen = (size_t)(k->end - k->start);
		m[i].val = j->src + v->start;
		m[i].vlen = (size_t)(v->end - v->start);
		switch (v->type) {	/* json_type, without its checks */
		case JSMN_OBJECT:
			m[i].type = JSON_OBJECT;
			break;
		case JSMN_ARRAY:
			m[i].type = JSON_ARRAY;
			break;
		case JSMN_STRING:
			m[i].type = JSON_STRING;
			break;
		case JSMN_PRIMITIVE:
			m[i].type = *m[i].val == 't' ? JSON_TRUE :
			    *m[i].val == 'f' ? JSON_FALSE :
			    *m[i].val == 'n' ? JSON_NULL : JSON_NUMBER;
			break;
		default:
			m[i].type = JSON_NONE;
			break;
		}
		at = v->size == 0 ? at + 2 : json_skip(j, at + 1);
	}
	return n;
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
		n = json_unescape_one(p, end, &adv, u);
		if (strncmp(s, u, n) != 0)
			return 0;
		s += n;
		p += adv;
	}
	return *s == '\0';
}

int
json_text_span(const struct json *j, int t, const char **p, size_t *n)
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

	if (json_text_span(j, t, &p, &n) == -1)
		return NULL;
	if (json_type(j, t) != JSON_STRING || memchr(p, '\\', n) == NULL)
		return px_xstrndup(p, n);
	len = json_unescape(p, n, NULL, 0);
	s = px_xmalloc(len + 1);
	json_unescape(p, n, s, len + 1);
	return s;
}

long
json_strcpy(const struct json *j, int t, char *buf, size_t size)
{
	const char *p;
	size_t n, k;

	if (json_text_span(j, t, &p, &n) == -1) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	if (json_type(j, t) == JSON_STRING)
		return (long)json_unescape(p, n, buf, size);
	if (size > 0) {
		k = n < size - 1 ? n : size - 1;
		memcpy(buf, p, k);
		buf[k] = '\0';
	}
	return (long)n;
}

void
jw_json(struct jw *w, const struct json *j, int t)
{
	int k, i, b;
	size_t n;
	const char *raw;
	char *s;

	switch (json_type(j, t)) {
	case JSON_OBJECT:
		jw_obj(w);
		JSON_FOREACH_KV(j, t, k, i) {
			s = json_strdup(j, k);
			jw_key(w, s ? s : "");
			free(s);
			jw_json(w, j, k + 1);
		}
		jw_end(w);
		return;
	case JSON_ARRAY:
		jw_arr(w);
		JSON_FOREACH(j, t, k, i)
			jw_json(w, j, k);
		jw_end(w);
		return;
	case JSON_STRING:
		s = json_strdup(j, t);
		jw_str(w, s);
		free(s);
		return;
	case JSON_NUMBER:
		raw = json_raw(j, t, &n);
		jw_raw(w, raw, n);
		return;
	default:
		if (json_bool(j, t, &b) == 0)
			jw_bool(w, b);
		else
			jw_null(w);
	}
}

char *
json_text(const struct json *j, int t, size_t max)
{
	struct buf b = { 0 };
	struct jw w;
	size_t cut;

	/* re-encoded: px's own escapes, never the server's text */
	jw_init(&w, &b);
	jw_json(&w, j, t);
	buf_addc(&b, '\0');
	if (max < 4)
		max = 4;
	if (strlen(b.p) > max) {
		cut = max - 3;
		while (cut > 0 && ((unsigned char)b.p[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(b.p + cut, "...", 4);
	}
	return text_sanitize(b.p);
}
