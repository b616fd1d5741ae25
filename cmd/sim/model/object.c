/*
 * object.c -- JSON objects of pxsim's document store kept as ordered raw
 * values (ext_obj), arrays of them (ext_arr), documents read and written
 * as objects, and the digests PVE sends with section-config files.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"

/* ------------------------------------------------------------------ */
/* Objects                                                            */

/* The source text of token t as valid JSON: jsmn's string tokens
 * exclude the quotes, so put them back. */
static const char *
raw_value(const struct json *j, int t, size_t *n)
{
	const char *raw = json_raw(j, t, n);

	if (json_type(j, t) == JSON_STRING) {
		raw--;
		*n += 2;
	}
	return raw;
}

int
ext_obj_parse(struct ext_obj *o, const char *json, size_t len)
{
	struct json j;
	int k, i;

	sim_kv_free(&o->kv);
	if (json == NULL)
		return -1;
	if (len == 0)
		len = strlen(json);
	if (json_parse(&j, json, len, NULL) == -1)
		return -1;
	if (json_type(&j, 0) != JSON_OBJECT) {
		json_free(&j);
		return -1;
	}
	JSON_FOREACH_KV(&j, 0, k, i) {
		char *key = json_strdup(&j, k);
		size_t n;
		const char *raw = raw_value(&j, k + 1, &n);
		char *val = px_xstrndup(raw, n);

		if (key != NULL)
			sim_kv_add(&o->kv, key, val);
		free(key);
		free(val);
	}
	json_free(&j);
	return 0;
}

static void
obj_append(struct buf *b, const struct ext_obj *o)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < o->kv.n; i++) {
		if (i)
			buf_addc(b, ',');
		json_escape(b, o->kv.v[i].key, strlen(o->kv.v[i].key));
		buf_addc(b, ':');
		buf_adds(b, o->kv.v[i].val);
	}
	buf_addc(b, '}');
}

char *
ext_obj_json(const struct ext_obj *o)
{
	struct buf b = { 0 };

	obj_append(&b, o);
	return buf_steal(&b);
}

void
ext_obj_free(struct ext_obj *o)
{
	sim_kv_free(&o->kv);
}

const char *
ext_obj_raw(const struct ext_obj *o, const char *key)
{
	return sim_kv_get(&o->kv, key);
}

char *
ext_obj_str(const struct ext_obj *o, const char *key)
{
	const char *raw = ext_obj_raw(o, key);
	struct json j;
	char *out;

	if (raw == NULL || json_parse(&j, raw, strlen(raw), NULL) == -1)
		return NULL;
	out = json_strdup(&j, 0);
	json_free(&j);
	return out;
}

long long
ext_obj_int(const struct ext_obj *o, const char *key, long long def)
{
	const char *raw = ext_obj_raw(o, key);
	struct json j;
	long long v = def;

	if (raw == NULL || json_parse(&j, raw, strlen(raw), NULL) == -1)
		return def;
	if (json_int(&j, 0, &v) == -1)
		v = def;
	json_free(&j);
	return v;
}

void
ext_obj_set_raw(struct ext_obj *o, const char *key, const char *raw)
{
	sim_kv_set(&o->kv, key, raw);
}

void
ext_obj_set_str(struct ext_obj *o, const char *key, const char *s)
{
	struct buf b = { 0 };

	json_escape(&b, s, strlen(s));
	sim_kv_set(&o->kv, key, buf_str(&b));
	buf_free(&b);
}

void
ext_obj_set_int(struct ext_obj *o, const char *key, long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", v);
	sim_kv_set(&o->kv, key, tmp);
}

void
ext_obj_del(struct ext_obj *o, const char *key)
{
	sim_kv_del(&o->kv, key);
}

/* 1 when word is in the space-separated list. */
int
ext_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (list == NULL)
		return 0;
	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return 1;
		p += n;
	}
	return 0;
}

void
ext_obj_write(struct jw *w, const struct ext_obj *o, const char *keys)
{
	size_t i;

	jw_obj(w);
	for (i = 0; i < o->kv.n; i++) {
		if (keys != NULL && !ext_in_list(keys, o->kv.v[i].key))
			continue;
		jw_key(w, o->kv.v[i].key);
		jw_raw(w, o->kv.v[i].val, strlen(o->kv.v[i].val));
	}
	jw_end(w);
}

int
ext_arr_parse(struct ext_arr *a, const char *raw)
{
	struct json j;
	int c, i;

	memset(a, 0, sizeof(*a));
	if (raw == NULL)
		return 0;
	if (json_parse(&j, raw, strlen(raw), NULL) == -1)
		return -1;
	if (json_type(&j, 0) != JSON_ARRAY) {
		json_free(&j);
		return -1;
	}
	JSON_FOREACH(&j, 0, c, i) {
		struct ext_obj o = { 0 };
		size_t n;
		const char *r = raw_value(&j, c, &n);

		if (ext_obj_parse(&o, r, n) == 0)
			ext_arr_insert(a, a->n, &o);
	}
	json_free(&j);
	return 0;
}

char *
ext_arr_json(const struct ext_arr *a)
{
	struct buf b = { 0 };
	size_t i;

	buf_addc(&b, '[');
	for (i = 0; i < a->n; i++) {
		if (i)
			buf_addc(&b, ',');
		obj_append(&b, &a->v[i]);
	}
	buf_addc(&b, ']');
	return buf_steal(&b);
}

void
ext_arr_insert(struct ext_arr *a, size_t pos, struct ext_obj *o)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = px_xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	if (pos > a->n)
		pos = a->n;
	memmove(&a->v[pos + 1], &a->v[pos], (a->n - pos) * sizeof(*a->v));
	a->v[pos] = *o;
	memset(o, 0, sizeof(*o));
	a->n++;
}

void
ext_arr_remove(struct ext_arr *a, size_t pos)
{
	if (pos >= a->n)
		return;
	ext_obj_free(&a->v[pos]);
	memmove(&a->v[pos], &a->v[pos + 1], (a->n - pos - 1) * sizeof(*a->v));
	a->n--;
}

void
ext_arr_free(struct ext_arr *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		ext_obj_free(&a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int
ext_doc_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, struct ext_obj *o)
{
	char *json = sim_doc_get(s, kind, parent, id);
	int rc;

	memset(o, 0, sizeof(*o));
	if (json == NULL)
		return -1;
	rc = ext_obj_parse(o, json, 0);
	free(json);
	return rc;
}

void
ext_doc_put_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, const struct ext_obj *o)
{
	char *json = ext_obj_json(o);

	sim_doc_put(s, kind, parent, id, json);
	free(json);
}

void
ext_digest(const char *text, size_t len, char out[41])
{
	uint64_t h[3] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL,
	    0x9e3779b97f4a7c15ULL };
	size_t i;
	int k;

	for (i = 0; i < len; i++)
		for (k = 0; k < 3; k++) {
			h[k] ^= (unsigned char)text[i] + k;
			h[k] *= 0x100000001b3ULL;
		}
	snprintf(out, 41, "%016llx%016llx%08llx", (unsigned long long)h[0],
	    (unsigned long long)h[1], (unsigned long long)(h[2] >> 32));
}

static int
digest_cb(void *arg, const char *id, const char *json)
{
	struct buf *b = arg;

	buf_adds(b, id);
	buf_addc(b, '\n');
	buf_adds(b, json);
	buf_addc(b, '\n');
	return 0;
}

void
ext_kind_digest(struct sim *s, const char *kind, const char *parent,
    char out[41])
{
	struct buf b = { 0 };

	sim_doc_list(s, kind, parent, digest_cb, &b);
	buf_adds(&b, kind);
	ext_digest(b.p ? b.p : "", b.len, out);
	buf_free(&b);
}

