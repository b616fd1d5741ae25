/*
 * pve_field.c -- pve_row_fast, the one-pass reader of a plain row, against
 * pve_row_check, the general reader it stands in for: whenever the fast
 * path takes a row it must read it as the general path does, byte for
 * byte, and refuse nothing the general path keeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pve.h"
#include "pve_field.h"
#include "tap.h"

/* A row with a field of every type, the key first. */
struct row {
	int id;
	char name[8];
	char note[16];
	int port;		/* default -1 */
	long long ll;
	uint64_t u;
	double num;
	int on;			/* default 1 */
	int off;		/* default 0 */
};

static const struct pve_field row_f[] = {
	PF_INT(struct row, id, "id", 0),
	PF_STR(struct row, name, "name"),
	PF_STR(struct row, note, "note"),
	PF_INT(struct row, port, "port", -1),
	PF_LL(struct row, ll, "ll"),
	PF_U64(struct row, u, "u"),
	PF_NUM(struct row, num, "num"),
	PF_BOOL(struct row, on, "on", 1),
	PF_BOOL(struct row, off, "off", 0),
};

/* The values a member of the rows may have: every form PVE sends, and
 * the hostile ones. */
static const char *const values[] = {
	"0", "1", "-1", "-0", "7", "100", "0.5", "-0.5", "2.0", "1e3",
	"1E-2", "-12.5e+3", "2147483647", "2147483648", "-2147483648",
	"-2147483649", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "18446744073709551615",
	"18446744073709551616", "12345678901234567890123", "1e308", "1e309",
	"-1e309", "0.1", "123456789.123456789", "00", "true", "false",
	"null", "\"\"", "\"x\"", "\"abcdefg\"", "\"abcdefgh\"",
	"\"abcdefghijklmno\"", "\"abcdefghijklmnop\"", "\"100\"", "\"-1\"",
	"\"1.5\"", "\"N/A\"", "\"caf\xc3\xa9\"", "\"\xc2\x85x\"",
	"\"a\\tb\"", "\"a\\nb\"", "\"\\u0001\"", "\"\\u00e9\"", "\"\x7f\"",
	"\"a\\\"b\"", "\"\\\\\"", "{}", "[]", "{\"a\":1}", "[1,2]",
};

static const char *const keys[] = {
	"id", "name", "note", "port", "ll", "u", "num", "on", "off",
	"other", "i\\u0064", "n\\u0061me", "p\\u006frt", "ID", "", "idx",
};

/* pve_row_direct on text (the whole object, at its '{' = text[at])
 * against pve_row_fast's a and *have: 1 when it declined, or took it as
 * the fast path did (same bytes, same fields), ending at the '}'. */
static int direct_taken;

static int
direct_same(const char *text, size_t at, size_t len, int rf,
    const struct row *a, uint64_t have)
{
	struct row d;
	uint64_t dhave = 0;
	size_t end = 0;

	memset(&d, 0, sizeof(d));
	if (pve_row_direct(text, len, at, &d, row_f, PF_N(row_f), &dhave,
	    &end) != 0)
		return 1;
	direct_taken++;
	if (rf == 0 && memcmp(&d, a, sizeof(d)) == 0 && dhave == have &&
	    end > at && text[end - 1] == '}')
		return 1;
	printf("#   %s: direct took it (end %zu), fast %d, have %llx/%llx, "
	    "id %d/%d name \"%s\"/\"%s\"\n", text + at, end, rf,
	    (unsigned long long)dhave, (unsigned long long)have, d.id, a->id,
	    d.name, a->name);
	return 0;
}

/* Both readers on object obj: 1 when they agree (the fast path declined,
 * or it took the row and the general path reads the same bytes), and
 * pve_row_direct on its text agrees with pve_row_fast. */
static int
row_same(const struct json *j, int obj, int *fast, const char *text)
{
	struct row a, b;
	char why[256];
	uint64_t have = 0;
	int rf, rc;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rf = pve_row_fast(j, obj, &a, row_f, PF_N(row_f), &have);
	rc = pve_row_check(j, obj, &b, row_f, PF_N(row_f), why, sizeof(why));
	if (obj == 0 && text[0] == '{' &&
	    !direct_same(text, 0, strlen(text), rf, &a, have))
		return 0;
	if (rf != 0)
		return 1;
	(*fast)++;
	if (rc == 0 && memcmp(&a, &b, sizeof(a)) == 0)
		return 1;
	printf("#   %s: fast 0, general %d (%s); id %d/%d name \"%s\"/\"%s\" "
	    "note \"%s\"/\"%s\" port %d/%d ll %lld/%lld u %llu/%llu "
	    "num %.17g/%.17g on %d/%d off %d/%d\n", text, rc,
	    rc ? why : "", a.id, b.id, a.name, b.name, a.note, b.note,
	    a.port, b.port, a.ll, b.ll, (unsigned long long)a.u,
	    (unsigned long long)b.u, a.num, b.num, a.on, b.on, a.off, b.off);
	return 0;
}

static int
text_same(const char *text, int *fast, int *n)
{
	struct json j;
	int same;

	if (json_parse(&j, text, strlen(text), NULL) != 0)
		return 1;
	(*n)++;
	same = row_same(&j, 0, fast, text);
	json_free(&j);
	return same;
}

/* Every value in every field, alone with a valid key, and after and
 * before a valid value of the same field (a duplicate: the last wins). */
static void
test_row_fast_values(void)
{
	const int nv = PF_N(values), nk = PF_N(keys);
	char text[512];
	int bad = 0, fast = 0, n = 0;

	for (int k = 0; k < nk; k++)
		for (int v = 0; v < nv; v++) {
			snprintf(text, sizeof(text), "{\"id\":5,\"%s\":%s}",
			    keys[k], values[v]);
			bad += !text_same(text, &fast, &n);
			snprintf(text, sizeof(text), "{\"%s\":%s,\"id\":5}",
			    keys[k], values[v]);
			bad += !text_same(text, &fast, &n);
			snprintf(text, sizeof(text), "{\"id\":5,\"%s\":1,"
			    "\"%s\":%s}", keys[k], keys[k], values[v]);
			bad += !text_same(text, &fast, &n);
			snprintf(text, sizeof(text), "{\"id\":5,\"%s\":\"ok\","
			    "\"%s\":%s}", keys[k], keys[k], values[v]);
			bad += !text_same(text, &fast, &n);
			snprintf(text, sizeof(text), "{\"id\":5,\"%s\":%s,"
			    "\"%s\":1}", keys[k], values[v], keys[k]);
			bad += !text_same(text, &fast, &n);
		}
	is_int(bad, 0, "pve_row_fast: %d rows, every value in every field, "
	    "alone and duplicated: what it takes, pve_row_check reads the "
	    "same", n);
	ok(fast > n / 4 && fast < n, "pve_row_fast: both paths taken "
	    "(%d of %d rows fast)", fast, n);
}

/* Rows of random members from the lists above, and rows that are not
 * objects or have no key. */
static void
test_row_fast_random(void)
{
	const int nv = PF_N(values), nk = PF_N(keys);
	static const char *const odd[] = {
		"{}", "[]", "1", "null", "\"id\"", "{\"id\":null}",
		"{\"name\":\"x\"}", "{\"id\":5,\"id\":null}",
		"{\"id\":null,\"id\":5}", "{\"id\":\"5\"}", "{\"id\":5.5}",
		"{\"id\":-0}", "{\"id\":true}", "{\"i\\u0064\":5}",
		"{\"id\":0}", "{\"id\":9,\"on\":null,\"port\":null}",
		"{\"id\":1,\"name\":\"abcdefg\",\"note\":\"0123456789abcde\","
		    "\"port\":8006,\"ll\":-5,\"u\":18446744073709551615,"
		    "\"num\":0.25,\"on\":false,\"off\":true}",
	};
	unsigned int seed = 3;
	struct buf b = { 0 };
	int bad = 0, fast = 0, n = 0;

	for (int q = 0; q < PF_N(odd); q++)
		bad += !text_same(odd[q], &fast, &n);
	for (int r = 0; r < 20000; r++) {
		int nm = rand_r(&seed) % 12;

		b.len = 0;
		buf_adds(&b, "{");
		for (int m = 0; m < nm; m++) {
			/* mostly plain values, so that the fast path has
			 * its share */
			int v = rand_r(&seed) % 4 ? rand_r(&seed) % 8 :
			    rand_r(&seed) % nv;
			int k = m == 0 && rand_r(&seed) % 4 ? 0 :
			    rand_r(&seed) % nk;

			buf_printf(&b, "%s\"%s\":%s", m ? "," : "",
			    keys[k], k == 1 && v < 8 ? "\"web\"" : values[v]);
		}
		buf_adds(&b, "}");
		bad += !text_same(b.p, &fast, &n);
	}
	buf_free(&b);
	is_int(bad, 0, "pve_row_fast: %d random rows: what it takes, "
	    "pve_row_check reads the same", n);
	ok(fast > n / 20 && fast < n, "pve_row_fast: both paths taken "
	    "(%d of %d rows fast)", fast, n);
}

/*
 * pve_row_direct reads the text itself, so it must refuse every text that
 * is not a whole valid object (the general scanner then says what is
 * wrong) and never read past len: each row of the random set cut at
 * every byte, and with a byte changed at every place to each of the
 * bytes that matter to the grammar.  What it takes must be a valid
 * object that pve_row_fast reads the same.
 */
static int
direct_hostile(const char *text, size_t len, int *taken)
{
	struct row d, a;
	struct json j;
	uint64_t have = 0, fhave = 0;
	size_t end = 0;
	char *copy = malloc(len + 1);
	int ok_ = 1;

	/* exactly len bytes, so that ASan sees a read past them */
	memcpy(copy, text, len);
	memset(&d, 0, sizeof(d));
	if (pve_row_direct(copy, len, 0, &d, row_f, PF_N(row_f), &have,
	    &end) == 0) {
		(*taken)++;
		memset(&a, 0, sizeof(a));
		ok_ = end <= len && copy[end - 1] == '}' &&
		    json_parse(&j, copy, end, NULL) == 0;
		if (ok_) {
			ok_ = pve_row_fast(&j, 0, &a, row_f, PF_N(row_f),
			    &fhave) == 0 && memcmp(&a, &d, sizeof(a)) == 0 &&
			    fhave == have;
			json_free(&j);
		}
		if (!ok_)
			printf("#   took %.*s (end %zu of %zu)\n", (int)len,
			    copy, end, len);
	}
	free(copy);
	return ok_;
}

static void
test_row_direct_hostile(void)
{
	static const char bytes[] = "\"\\{}[],: \t\n0-.eE+tfnx\x7f\x80\x01";
	static const char *const rows[] = {
		"{\"id\":1,\"name\":\"abcdefg\",\"note\":\"0123\","
		    "\"port\":8006,\"ll\":-5,\"u\":18446744073709551615,"
		    "\"num\":0.25,\"on\":false,\"off\":true}",
		"{ \"id\" : 12 , \"u\" : 0 , \"name\" : null }",
		"{\"id\":7,\"other\":[1,2],\"u\":3}",
		"{\"id\":7,\"name\":\"a\\\"b\",\"u\":3}",
		"{\"id\":-0,\"num\":1e3,\"ll\":9223372036854775807}",
		"{}",
	};
	int bad = 0, n = 0, taken = 0;

	for (int r = 0; r < PF_N(rows); r++) {
		const char *t = rows[r];
		size_t len = strlen(t);
		char *m = malloc(len + 1);

		for (size_t cut = 1; cut <= len; cut++, n++)
			bad += !direct_hostile(t, cut, &taken);
		for (size_t at = 0; at < len; at++)
			for (size_t b = 0; b < sizeof(bytes) - 1; b++, n++) {
				memcpy(m, t, len + 1);
				m[at] = bytes[b];
				bad += !direct_hostile(m, len, &taken);
			}
		free(m);
	}
	is_int(bad, 0, "pve_row_direct: %d cut and changed rows: it takes "
	    "only a whole valid object, read as pve_row_fast reads it, "
	    "and never reads past the text", n);
	ok(taken > 0 && taken < n, "pve_row_direct: both taken and "
	    "declined (%d of %d)", taken, n);
}

/* Two keys for one field ("pool", else "vgname": pve_fill's documented
 * use): in whatever order they come, as the general path reads them. */
struct two { int id; char pool[16]; };

static const struct pve_field two_f[] = {
	PF_INT(struct two, id, "id", 0),
	PF_STR(struct two, pool, "pool"),
	PF_STR(struct two, pool, "vgname"),
};

static void
test_row_fast_shared(void)
{
	static const char *const rows[] = {
		"{\"id\":1,\"pool\":\"a\"}",
		"{\"id\":1,\"vgname\":\"b\"}",
		"{\"id\":1,\"pool\":\"a\",\"vgname\":\"b\"}",
		"{\"id\":1,\"vgname\":\"b\",\"pool\":\"a\"}",
		"{\"id\":1,\"pool\":\"a\",\"vgname\":null}",
		"{\"id\":1,\"vgname\":\"b\",\"pool\":null}",
	};
	int bad = 0;

	for (int q = 0; q < PF_N(rows); q++) {
		struct json j;
		struct two a, b;
		char why[128];

		if (json_parse(&j, rows[q], strlen(rows[q]), NULL) != 0)
			continue;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		if (pve_row_fast(&j, 0, &a, two_f, PF_N(two_f), NULL) == 0 &&
		    (pve_row_check(&j, 0, &b, two_f, PF_N(two_f), why,
		    sizeof(why)) != 0 || memcmp(&a, &b, sizeof(a)) != 0)) {
			printf("#   %s: fast \"%s\", general \"%s\"\n",
			    rows[q], a.pool, b.pool);
			bad++;
		}
		json_free(&j);
	}
	is_int(bad, 0, "pve_row_fast: two keys for one field, in either "
	    "order, one null: as pve_row_check");
}

/* pve_guests_each on /cluster/resources: the rows of other kinds are
 * skipped, the guests read, whichever path each row takes. */
struct seen { struct buf b; int n; };

static int
seen_guest(void *arg, const struct pve_guest *g)
{
	struct seen *s = arg;

	buf_printf(&s->b, "%d %s %s %s %s %.3f %.0f %llu %d|", g->vmid,
	    g->type, g->name, g->node, g->status, g->cpu, g->maxcpu,
	    (unsigned long long)g->maxmem, g->template);
	s->n++;
	return 0;
}

static void
test_guests_each_kinds(void)
{
	static const char *const body =
	    "{\"data\":["
	    "{\"id\":\"node/pve1\",\"type\":\"node\",\"node\":\"pve1\","
	    "\"status\":\"online\",\"cpu\":0.1,\"maxcpu\":8,\"maxmem\":1024},"
	    "{\"id\":\"qemu/100\",\"type\":\"qemu\",\"vmid\":100,"
	    "\"name\":\"web\",\"node\":\"pve1\",\"status\":\"running\","
	    "\"cpu\":0.25,\"maxcpu\":2,\"maxmem\":2048,\"template\":0},"
	    "{\"id\":\"storage/pve1/local\",\"type\":\"storage\","
	    "\"node\":\"pve1\",\"storage\":\"local\",\"status\":\"available\","
	    "\"disk\":5,\"maxdisk\":10},"
	    "{\"id\":\"storage/pve1/x\",\"type\":\"storage\",\"vmid\":7,"
	    "\"node\":\"pve1\",\"status\":\"available\"},"
	    "{\"id\":\"lxc/101\",\"type\":\"lxc\",\"vmid\":101,"
	    "\"name\":\"ct\",\"node\":\"pve1\",\"status\":\"stopped\","
	    "\"maxcpu\":1,\"maxmem\":512,\"template\":1},"
	    "{\"id\":\"sdn/pve1/zone\",\"type\":\"sdn\",\"sdn\":\"zone\","
	    "\"node\":\"pve1\",\"status\":\"ok\"},"
	    "{\"id\":\"pool/p\",\"type\":\"pool\",\"pool\":\"p\"},"
	    "{\"id\":\"qemu/102\",\"type\":\"q\\u0065mu\",\"vmid\":102,"
	    "\"name\":\"esc\",\"node\":\"pve2\",\"status\":\"running\","
	    "\"cpus\":4},"
	    "{\"id\":\"qemu/103\",\"vmid\":103,\"name\":\"notype\","
	    "\"node\":\"pve2\",\"status\":\"running\",\"cpus\":3},"
	    "{\"type\":\"qemu\",\"vmid\":104,\"name\":\"zero\","
	    "\"node\":\"pve2\",\"status\":\"running\",\"maxcpu\":0,"
	    "\"cpus\":4},"
	    "{\"type\":\"qemu\",\"vmid\":105,\"name\":\"nul\","
	    "\"node\":\"pve2\",\"status\":\"running\",\"maxcpu\":null,"
	    "\"cpus\":5}"
	    "]}";
	struct seen s = { { 0 }, 0 };
	struct px_err e = { 0 };
	struct json j;
	int rc;

	if (!ok(json_parse(&j, body, strlen(body), &e) == 0,
	    "cluster/resources body parses"))
		return;
	rc = pve_guests_each(&j, json_get(&j, 0, "data"), NULL, "qemu",
	    seen_guest, &s, &e);
	is_int(rc, 0, "pve_guests_each: a mixed /cluster/resources");
	is_str(s.b.p, "100 qemu web pve1 running 0.250 2 2048 0|"
	    "101 lxc ct pve1 stopped 0.000 1 512 1|"
	    "102 qemu esc pve2 running 0.000 4 0 0|"
	    "103 qemu notype pve2 running 0.000 3 0 0|"
	    "104 qemu zero pve2 running 0.000 0 0 0|"
	    "105 qemu nul pve2 running 0.000 5 0 0|",
	    "pve_guests_each: the guests, no node, storage, sdn or pool "
	    "row; cpus when there is no maxcpu (or it is null), not when "
	    "it is 0");
	buf_free(&s.b);
	json_free(&j);
}

int
main(void)
{
	test_row_fast_values();
	test_row_fast_random();
	ok(direct_taken > 1000, "pve_row_direct: took %d of the rows above, "
	    "each as pve_row_fast", direct_taken);
	test_row_fast_shared();
	test_row_direct_hostile();
	test_guests_each_kinds();
	return done_testing();
}
