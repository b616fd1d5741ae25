/*
 * kv.c -- small values every layer of pxsim uses: ordered key/value lists
 * (request parameters and headers, guest configs), owned strings, hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"

/* Replace *dst with a copy of val (NULL frees). */
void
sim_str_set(char **dst, const char *val)
{
	char *n = val ? px_xstrdup(val) : NULL;

	free(*dst);
	*dst = n;
}

/* Hex-encode n bytes into out (2n + 1 bytes). */
void
sim_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The value of key (first match) or NULL. */
const char *
sim_kv_get(const struct sim_kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

/* Append key=val. */
void
sim_kv_add(struct sim_kvlist *l, const char *key, const char *val)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = px_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = px_xstrdup(key);
	l->v[l->n].val = px_xstrdup(val ? val : "");
	l->n++;
}

/* Set key (in place when present). */
void
sim_kv_set(struct sim_kvlist *l, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			sim_str_set(&l->v[i].val, val ? val : "");
			return;
		}
	}
	sim_kv_add(l, key, val);
}

/* Remove every entry with key. */
int
sim_kv_del(struct sim_kvlist *l, const char *key)
{
	size_t i, k = 0;
	int n = 0;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].key);
			free(l->v[i].val);
			n++;
		} else {
			l->v[k++] = l->v[i];
		}
	}
	l->n = k;
	return n;
}

/* Deep copy. */
void
sim_kv_copy(struct sim_kvlist *dst, const struct sim_kvlist *src)
{
	size_t i;

	sim_kv_free(dst);
	for (i = 0; i < src->n; i++)
		sim_kv_add(dst, src->v[i].key, src->v[i].val);
}

/* Free every entry. */
void
sim_kv_free(struct sim_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
