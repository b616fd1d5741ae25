/* tcache.c -- the time-travel cache: record, read the nearest refresh,
 * step, prune by age and by size, hostile files and blobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tcache.h"
#include "tap.h"

static char dir[] = "/tmp/px-tcache-XXXXXX";

static char *
path_of(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

/* A refresh of n guests at t; guest 100 on node pve<t % 3 + 1>. */
static void
frame_make(struct tcache_frame *f, long long t, int n)
{
	memset(f, 0, sizeof(*f));
	f->time = t;
	f->have = TC_ALL;
	f->nodes = calloc(2, sizeof(*f->nodes));
	f->nnodes = 2;
	for (int i = 0; i < 2; i++) {
		snprintf(f->nodes[i].name, sizeof(f->nodes[i].name), "pve%d",
		    i + 1);
		snprintf(f->nodes[i].status, sizeof(f->nodes[i].status),
		    "online");
		f->nodes[i].online = 1;
		f->nodes[i].cpu = 0.25;
		f->nodes[i].maxmem = 64ULL << 30;
	}
	f->guests = calloc((size_t)n, sizeof(*f->guests));
	f->nguests = n;
	for (int i = 0; i < n; i++) {
		struct pve_guest *g = &f->guests[i];

		g->vmid = 100 + i;
		snprintf(g->type, sizeof(g->type), "qemu");
		snprintf(g->name, sizeof(g->name), "vm-%d-%lld", 100 + i, t);
		snprintf(g->node, sizeof(g->node), "pve%lld",
		    i == 0 ? t % 3 + 1 : 1);
		snprintf(g->status, sizeof(g->status), "running");
		g->cpu = 0.01 * (i % 100);
		g->mem = (uint64_t)i << 20;
		g->maxmem = 4ULL << 30;
		g->uptime = t;
		snprintf(g->tags, sizeof(g->tags), "web;prod");
	}
	f->storages = calloc(1, sizeof(*f->storages));
	f->nstorages = 1;
	snprintf(f->storages[0].storage, 64, "local");
	snprintf(f->storages[0].node, 64, "pve1");
	f->storages[0].maxdisk = 1ULL << 40;
	f->tasks = calloc(1, sizeof(*f->tasks));
	f->ntasks = 1;
	snprintf(f->tasks[0].upid, 256, "UPID:pve1:1:2:3:qmstart:100:root@pam:");
	f->tasks[0].starttime = t - 5;
}

static struct tcache *
open_new(const char *name, long long keep, long long max)
{
	struct tcache_limits l = { keep, max };
	struct px_err e = { 0 };
	struct tcache *tc = tcache_open(path_of(name), &l, 1, &e);

	if (tc == NULL)
		printf("# %s\n", e.msg);
	return tc;
}

static int
record(struct tcache *tc, long long t, int n)
{
	struct tcache_frame f;
	struct px_err e = { 0 };
	int rc;

	frame_make(&f, t, n);
	rc = tcache_record(tc, &f, &e);
	if (rc != 0)
		printf("# record: %s\n", e.msg);
	tcache_frame_free(&f);
	return rc;
}

static void
test_encode_roundtrip(void)
{
	struct tcache_frame f;
	unsigned char *b;
	size_t len;
	void *rows;
	int n;
	struct px_err e = { 0 };

	frame_make(&f, 1000, 50);
	f.guests[3].cpu = 0.123456789;
	f.guests[3].template = 1;
	f.guests[3].uptime = -7;
	tcache_encode(TC_GUESTS, f.guests, f.nguests, &b, &len);
	ok(len < 50 * sizeof(struct pve_guest) / 5, "guests encode compactly "
	    "(%zu bytes for 50)", len);
	is_int(tcache_decode(TC_GUESTS, b, len, &rows, &n, &e), 0,
	    "guests decode");
	is_int(n, 50, "every guest back");
	ok(n == 50 && memcmp(rows, f.guests, 50 * sizeof(struct pve_guest))
	    == 0, "every field back bit for bit");
	free(rows);
	/* a truncated blob, a lying count, another kind */
	ok(tcache_decode(TC_GUESTS, b, len - 3, &rows, &n, &e) == -1 &&
	    e.id == PXE_PARSE, "a truncated blob is a parse error");
	b[5] = 0x7f;	/* 127 rows claimed */
	ok(tcache_decode(TC_GUESTS, b, len, &rows, &n, &e) == -1,
	    "a blob claiming more rows than it holds is refused: %s", e.msg);
	ok(tcache_decode(TC_NODES, b, len, &rows, &n, &e) == -1,
	    "a guests blob is not read as nodes");
	free(b);
	/* a string longer than its field */
	{
		unsigned char bad[] = { 'P', 'X', 'T', 1, TC_STORAGE, 1,
		    200, 1 };

		ok(tcache_decode(TC_STORAGE, bad, sizeof(bad), &rows, &n,
		    &e) == -1, "a string longer than its field is refused");
	}
	tcache_frame_free(&f);
}

static void
test_record_read_nearest(void)
{
	struct tcache *tc = open_new("a.db", 7 * 86400, 200LL << 20);
	struct tcache_frame f;
	struct px_err e = { 0 };
	struct stat st;
	long long to;

	if (!ok(tc != NULL, "a new cache opens"))
		return;
	ok(stat(path_of("a.db"), &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the cache file is 0600");
	for (long long t = 1000; t <= 1040; t += 10)
		record(tc, t, 20);
	is_int(tcache_read(tc, 1025, &f, &e), 0, "a read between refreshes");
	is_int(f.time, 1020, "finds the refresh at or before it");
	is_int(f.nguests, 20, "with its guests");
	is_str(f.guests[0].node, "pve1", "as they were then (1020 %% 3 + 1)");
	is_str(f.guests[0].name, "vm-100-1020", "names of then");
	is_int(f.have, TC_ALL, "and every list");
	is_int(f.nnodes, 2, "nodes");
	tcache_frame_free(&f);
	is_int(tcache_read(tc, 1030, &f, &e), 0, "a read at a refresh");
	is_int(f.time, 1030, "is that refresh");
	tcache_frame_free(&f);
	is_int(tcache_read(tc, 999, &f, &e), 1, "nothing before the first");
	is_int(tcache_step(tc, 1030, -1, 0, &to, &e), 0, "a step back");
	is_int(to, 1020, "is the previous refresh");
	is_int(tcache_step(tc, 1030, 1, 0, &to, &e), 0, "a step forward");
	is_int(to, 1040, "is the next refresh");
	is_int(tcache_step(tc, 1040, 1, 0, &to, &e), 1, "none after the last");
	is_int(tcache_step(tc, 1040, -1, 3600, &to, &e), 0,
	    "an hour back from near the start");
	is_int(to, 1000, "gives the oldest");
	tcache_close(tc);

	/* a refresh that missed a list: the one before fills in */
	tc = open_new("a.db", 7 * 86400, 200LL << 20);
	frame_make(&f, 1050, 5);
	f.have = TC_GUESTS;
	tcache_record(tc, &f, &e);
	tcache_frame_free(&f);
	is_int(tcache_read(tc, 1050, &f, &e), 0, "a partial refresh reads");
	is_int(f.nguests, 5, "its guests");
	is_int(f.nnodes, 2, "nodes from the refresh before");
	is_int(f.at[0], 1040, "which says when they were seen");
	tcache_frame_free(&f);
	tcache_close(tc);
}

static void
test_prune_age(void)
{
	struct tcache *tc = open_new("age.db", 3600, 200LL << 20);
	long long o, n, c;
	struct px_err e = { 0 };

	if (tc == NULL)
		return;
	for (long long t = 0; t <= 7200; t += 600)
		record(tc, 100000 + t, 3);
	tcache_span(tc, &o, &n, &c, &e);
	is_int(o, 100000 + 3600, "refreshes older than keep are dropped");
	is_int(n, 107200, "the newest stays");
	is_int(c, 7, "exactly the last hour's");
	tcache_close(tc);
}

static void
test_prune_size(void)
{
	long long max = 1LL << 20, o, n, c;
	struct tcache *tc = open_new("size.db", 7 * 86400, max);
	struct stat st;
	struct px_err e = { 0 };
	struct tcache_frame f;
	int over = 0;

	if (tc == NULL)
		return;
	/* every refresh differs (names carry the time): ~60 KB each */
	for (int i = 0; i < 60; i++) {
		off_t sz = 0;

		record(tc, 200000 + i * 3, 1000);
		if (stat(path_of("size.db"), &st) == 0)
			sz += st.st_size;
		if (stat(path_of("size.db-wal"), &st) == 0)
			sz += st.st_size;
		if (sz > max)
			over++;
	}
	is_int(over, 0, "the file and its WAL never grow past max_size");
	ok(tcache_used(tc) <= max, "the pages in use fit (%lld)",
	    tcache_used(tc));
	tcache_span(tc, &o, &n, &c, &e);
	is_int(n, 200000 + 59 * 3, "the newest refresh is kept");
	ok(c > 3 && c < 60, "the oldest were dropped (%lld kept)", c);
	is_int(tcache_read(tc, n, &f, &e), 0, "the newest still reads");
	is_int(f.nguests, 1000, "whole");
	tcache_frame_free(&f);
	tcache_close(tc);
}

/* Over the size, older refreshes are thinned before any is dropped. */
static void
test_prune_thin(void)
{
	long long max = 1LL << 20, o, n, c, old = 0, recent = 0, t0 = 400000;
	struct tcache *tc = open_new("thin.db", 7 * 86400, max);
	struct px_err e = { 0 };
	sqlite3_stmt *st;
	sqlite3 *db;
	int dense = 0;

	if (tc == NULL)
		return;
	/* six hours, a refresh every 10 s, ~600 bytes each: 1.3 MB whole */
	for (long long t = t0; t <= t0 + 6 * 3600; t += 10)
		record(tc, t, 5);
	tcache_span(tc, &o, &n, &c, &e);
	tcache_close(tc);
	is_int(o, t0, "the oldest refresh is still there");
	is_int(n, t0 + 6 * 3600, "and the newest");
	ok(c < 6 * 360, "some were dropped (%lld of %d kept)", c, 6 * 360 + 1);
	sqlite3_open(path_of("thin.db"), &db);
	sqlite3_prepare_v2(db, "SELECT time FROM refresh ORDER BY time", -1,
	    &st, NULL);
	for (long long prev = 0; sqlite3_step(st) == SQLITE_ROW; ) {
		long long t = sqlite3_column_int64(st, 0);

		if (t < n - 3600) {
			old++;
			if (prev && t - prev < 60 && t / 60 == prev / 60)
				dense++;
		} else
			recent++;
		prev = t;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	is_int(recent, 361, "the last hour is whole (a refresh each 10 s)");
	/* thinned when the size was crossed: what has aged past the hour
	 * since is thinned at the next crossing */
	ok(old < 5 * 360 / 3 && dense < old / 2, "before it, thinned to "
	    "about one a minute (%lld kept of 1800, %d in a minute with "
	    "another)", old, dense);
	ok(old >= 5 * 60 - 1, "but at least one every minute");
}

/* A cluster whose last hour alone is over the size still reaches back
 * hours, thinned, instead of minutes. */
static void
test_prune_thin_big(void)
{
	long long o, n, c, t0 = 600000;
	struct tcache *tc = open_new("big.db", 7 * 86400, 1LL << 20);
	struct px_err e = { 0 };

	if (tc == NULL)
		return;
	/* ~20 KB a refresh, one a minute for four hours: 5 MB whole,
	 * the last hour alone 1.2 MB */
	for (long long t = t0; t <= t0 + 4 * 3600; t += 60)
		record(tc, t, 300);
	tcache_span(tc, &o, &n, &c, &e);
	tcache_close(tc);
	ok(n - o >= 3 * 3600, "the cache still reaches back %lld minutes "
	    "(%lld refreshes)", (n - o) / 60, c);
	is_int(n, t0 + 4 * 3600, "to the newest");
}

static void
test_dedup(void)
{
	struct tcache *tc = open_new("dup.db", 7 * 86400, 200LL << 20);
	long long before;
	struct tcache_frame f;
	struct px_err e = { 0 };

	if (tc == NULL)
		return;
	frame_make(&f, 5000, 2000);
	tcache_record(tc, &f, &e);
	before = tcache_used(tc);
	for (int i = 1; i <= 20; i++) {
		f.time = 5000 + i;
		tcache_record(tc, &f, &e);
	}
	ok(tcache_used(tc) - before < 20 * 4096, "20 unchanged refreshes "
	    "add no copies (%lld bytes)", tcache_used(tc) - before);
	tcache_frame_free(&f);
	tcache_close(tc);
}

static void
test_hostile(void)
{
	struct px_err e = { 0 };
	struct tcache_limits l = { 86400, 1 << 20 };
	FILE *fp;
	sqlite3 *db;
	struct tcache *tc;

	ok(tcache_open(path_of("none.db"), &l, 0, &e) == NULL &&
	    e.id == PXE_NOT_FOUND, "a missing cache: %s", e.msg);
	fp = fopen(path_of("junk.db"), "w");
	fputs("this is not a database, not at all, just text ......"
	    "...............................................\n", fp);
	fclose(fp);
	chmod(path_of("junk.db"), 0600);
	ok(tcache_open(path_of("junk.db"), &l, 1, &e) == NULL &&
	    e.id == PXE_IO && strstr(e.msg, "junk.db") &&
	    strstr(e.hint, "remove"), "a file that is no database: %s (%s)",
	    e.msg, e.hint);
	sqlite3_open(path_of("foreign.db"), &db);
	sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA application_id = 7;",
	    NULL, NULL, NULL);
	sqlite3_close(db);
	chmod(path_of("foreign.db"), 0600);
	ok(tcache_open(path_of("foreign.db"), &l, 1, &e) == NULL &&
	    strstr(e.msg, "not a px cache"), "another program's database: "
	    "%s", e.msg);
	/* px's cache with a damaged blob */
	tc = open_new("dmg.db", 86400, 1 << 20);
	record(tc, 1000, 10);
	tcache_close(tc);
	sqlite3_open(path_of("dmg.db"), &db);
	sqlite3_exec(db, "UPDATE blob SET data = x'5058540102ff' WHERE "
	    "kind = 2", NULL, NULL, NULL);
	sqlite3_close(db);
	tc = open_new("dmg.db", 86400, 1 << 20);
	{
		struct tcache_frame f;

		ok(tcache_read(tc, 2000, &f, &e) == -1 && e.id == PXE_PARSE,
		    "a damaged list is an error: %s", e.msg);
	}
	tcache_close(tc);
	chmod(path_of("dmg.db"), 0644);
	ok(tcache_open(path_of("dmg.db"), &l, 0, &e) == NULL,
	    "a cache others can read is refused: %s", e.msg);
}

static void
test_limits_and_time(void)
{
	struct px_conf c = { 0 };
	struct px_conf_kv kv[2] = { { "cache", "keep", "2d" },
		{ "cache", "max_size", "50M" } };
	struct tcache_limits l;
	struct px_err e = { 0 };
	long long t;

	c.path = "px.conf";
	c.kv = kv;
	c.nkv = 2;
	is_int(tcache_limits(NULL, &l, &e), 0, "no config: defaults");
	is_int(l.keep, 7 * 86400, "keep 7d");
	is_int(l.max_size, 200LL << 20, "max_size 200M");
	is_int(tcache_limits(&c, &l, &e), 0, "[cache] read");
	is_int(l.keep, 2 * 86400, "keep = 2d");
	is_int(l.max_size, 50LL << 20, "max_size = 50M");
	kv[1].value = "lots";
	ok(tcache_limits(&c, &l, &e) == -1 && e.id == PXE_CONFIG &&
	    strstr(e.msg, "max_size"), "a bad size: %s", e.msg);
	kv[1].value = "1K";
	ok(tcache_limits(&c, &l, &e) == -1, "a size under 1M: %s", e.msg);
	kv[1].key = "maxsize";
	ok(tcache_limits(&c, &l, &e) == -1 && strstr(e.msg, "unknown"),
	    "an unknown key: %s", e.msg);

	is_int(tcache_parse_time("-2h", 100000, &t), 0, "-2h");
	is_int(t, 100000 - 7200, "two hours ago");
	is_int(tcache_parse_time("2026-12-05T14:30:00Z", 0, &t), 0, "ISO Z");
	is_int(t, 1796481000, "is UTC");
	is_int(tcache_parse_time("2026-12-05T16:30:00+02:00", 0, &t), 0,
	    "ISO with an offset");
	is_int(t, 1796481000, "the same moment");
	is_int(tcache_parse_time("now", 42, &t), 0, "now");
	is_int(t, 42, "is now");
	ok(tcache_parse_time("yesterday", 0, &t) == -1, "nonsense refused");
	ok(tcache_parse_time("2026-12-05T14:30:00+25:00", 0, &t) == -1,
	    "a bad offset refused");
}

static void
test_path(void)
{
	char p[4096], want[512];
	struct px_err e = { 0 };
	struct stat st;

	setenv("XDG_DATA_HOME", dir, 1);
	is_int(tcache_path("../evil/x", p, sizeof(p), &e), 0, "a path for a "
	    "hostile profile name");
	snprintf(want, sizeof(want), "%s/px/cache/%%2E.%%2Fevil%%2Fx.db", dir);
	is_str(p, want, "stays in the cache directory, / and a leading . "
	    "escaped");
	ok(stat(path_of("px/cache"), &st) == 0 && (st.st_mode & 0777) == 0700,
	    "the cache directory is 0700");
	is_int(tcache_path("sim", p, sizeof(p), &e), 0, "a plain name");
	snprintf(want, sizeof(want), "%s/px/cache/sim.db", dir);
	is_str(p, want, "is itself");
}

int
main(void)
{
	umask(022);
	if (mkdtemp(dir) == NULL)
		return 1;
	test_encode_roundtrip();
	test_record_read_nearest();
	test_prune_age();
	test_prune_size();
	test_prune_thin();
	test_prune_thin_big();
	test_dedup();
	test_hostile();
	test_limits_and_time();
	test_path();
	if (tap_rmtree(dir) != 0)
		return 1;
	return done_testing();
}
