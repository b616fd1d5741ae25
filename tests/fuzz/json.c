/* libFuzzer harness: json_parse and every getter on what it accepts;
 * json_each against json_parse (the same verdict, elements tokenized as
 * jsmn tokenizes them), and against itself fed in pieces (json_each_feed,
 * then json_each_split reading a second half on a thread), and with a
 * direct reader (json_each_direct, json_flat.h's grammar) taking the
 * flat elements; pve_row_direct against pve_row_fast on the input as a
 * row; the writer's escaping on the raw bytes.  make fuzz runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"
#include "json_flat.h"
#include "pve_field.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* Each element's tokens are jsmn's for its text. */
static int
elem_check(void *arg, const struct json *el)
{
	const jsmntok_t *m = (const jsmntok_t *)(const void *)el->tok;
	jsmntok_t t[512];
	jsmn_parser p;
	int r;

	(*(int *)arg)++;
	if (el->src[0] != '{' && el->src[0] != '[') {
		if (el->ntok != 1)
			abort();
		return 0;
	}
	if (el->ntok > 511)
		return 0;
	jsmn_init(&p);
	r = jsmn_parse(&p, el->src, el->len, t, 512);
	if (r != el->ntok)
		abort();
	for (int q = 0; q < r; q++)
		if (t[q].type != m[q].type || t[q].start != m[q].start ||
		    t[q].end != m[q].end || t[q].size != m[q].size ||
		    t[q].parent != m[q].parent)
			abort();
	return 0;
}

/* json_each_split's second reader: its own count, added on a kept
 * join. */
static void *
count_fork(void *arg)
{
	(void)arg;
	return calloc(1, sizeof(int));
}

static void
count_join(void *arg, void *arg2, int keep)
{
	if (keep)
		*(int *)arg += *(int *)arg2;
	free(arg2);
}

/* The direct reader: takes each flat object whole (each element is then
 * counted as elem_check counts it), declines any other; an element
 * whose first key is "x" is declined too. */
static int
flat_direct(void *arg, const char *s, size_t len, size_t at, size_t *end)
{
	struct json_flat m;
	size_t i;
	int k, first = 1;

	if ((k = json_flat_open(s, len, at, &i)) < 0)
		return -1;
	while (k == 0) {
		if ((k = json_flat_member(s, len, &i, &m)) == 0 ||
		    (first && m.ke - m.ks == 1 && s[m.ks] == 'x'))
			return -1;
		first = 0;
		k = k == 2;
	}
	if (i > len || s[i - 1] != '}')
		abort();
	*end = i;
	(*(int *)arg)++;
	return 0;
}

/* The input as a row of every field type: what pve_row_direct takes is
 * a valid object, read as pve_row_fast reads it. */
struct frow { int id; char name[12]; long long ll; uint64_t u; double d;
	int on; };
static const struct pve_field frow_f[] = {
	PF_INT(struct frow, id, "id", 0), PF_STR(struct frow, name, "name"),
	PF_LL(struct frow, ll, "ll"), PF_U64(struct frow, u, "u"),
	PF_NUM(struct frow, d, "d"), PF_BOOL(struct frow, on, "on", 1),
};

static void
row_direct(const char *s, size_t n)
{
	struct frow a, b;
	struct json j;
	uint64_t ha = 0, hb = 0;
	size_t end = 0;

	memset(&a, 0, sizeof(a));
	if (pve_row_direct(s, n, 0, &a, frow_f, PF_N(frow_f), &ha,
	    &end) != 0)
		return;
	if (end > n || s[end - 1] != '}' || json_parse(&j, s, end, NULL) != 0)
		abort();
	memset(&b, 0, sizeof(b));
	if (pve_row_fast(&j, 0, &b, frow_f, PF_N(frow_f), &hb) != 0 ||
	    memcmp(&a, &b, sizeof(a)) != 0 || ha != hb)
		abort();
	json_free(&j);
}

/* data fed in pieces up to upto, then split (upto < n) or not, with
 * direct or not: what json_each said (each, seen, e), else abort. */
static void
pieces(const uint8_t *data, size_t n, size_t upto,
    int (*direct)(void *, const char *, size_t, size_t, size_t *),
    int each, int seen, const struct px_err *e)
{
	struct json_each_fork fk = { count_fork, count_join, 1 };
	struct json_each_stream *st;
	struct px_err fe, se;
	size_t at, step = 1 + data[0] % 64;
	int seen2 = 0, rc;

	st = json_each_start("data", elem_check, &seen2);
	if (direct != NULL)
		json_each_direct(st, direct);
	for (at = data[1] % 16; at < upto; at += step)
		(void)json_each_feed(st, (const char *)data, at, &fe);
	if (upto < n)
		(void)json_each_split(st, (const char *)data, n, &fk, &fe);
	rc = json_each_end(st, (const char *)data, n, &se);
	json_each_free(st);
	if (rc != each || seen2 != seen ||
	    (rc == -1 && strcmp(se.msg, e->msg) != 0))
		abort();
}

/* Whether the root object has "data" twice, the first an array. */
static int
twice_array_first(const struct json *j)
{
	int k, i, seen = 0, first = -1;

	if (json_type(j, 0) != JSON_OBJECT)
		return 0;
	JSON_FOREACH_KV(j, 0, k, i)
		if (json_eq(j, k, "data") && seen++ == 0)
			first = k + 1;
	return seen >= 2 && json_type(j, first) == JSON_ARRAY;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct json j;
	struct px_err e;
	struct buf b = { 0 };
	int seen = 0, each, arr;

	each = json_each((const char *)data, n, "data", elem_check, &seen, &e);
	/* The same text arriving in pieces (cut where its first bytes
	 * say): the same verdict, error and elements; then with the rest
	 * split once half of it is in (one thread per input: a thread at
	 * every piece would run slower); then with the direct reader. */
	if (n > 2) {
		pieces(data, n, n, NULL, each, seen, &e);
		pieces(data, n, n / 2, NULL, each, seen, &e);
		pieces(data, n, n, flat_direct, each, seen, &e);
	}
	row_direct((const char *)data, n);
	if (json_parse(&j, (const char *)data, n, &e) == 0) {
		/* the same verdict, and every element of data passed; but
		 * "data" twice with an array first is refused by json_each
		 * (its elements were passed on already) */
		arr = json_get(&j, 0, "data");
		if (twice_array_first(&j)) {
			if (each != -1)
				abort();
		} else if (json_type(&j, 0) != JSON_OBJECT ? each != -1 :
		    json_type(&j, arr) == JSON_ARRAY ? each != 0 ||
		    seen != json_len(&j, arr) : each != 1 && each != 2)
			abort();
		for (int t = 0; t < j.ntok; t++) {
			long long i;
			uint64_t u;
			double d;
			int v;
			char *s = json_strdup(&j, t);

			free(s);
			json_int(&j, t, &i);
			json_uint(&j, t, &u);
			json_num(&j, t, &d);
			json_bool(&j, t, &v);
			json_get(&j, t, "data");
			json_skip(&j, t);
		}
		json_free(&j);
	} else if (each != -1)
		abort();
	json_escape(&b, (const char *)data, n);
	buf_free(&b);
	return 0;
}
