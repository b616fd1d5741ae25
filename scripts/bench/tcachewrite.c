/*
 * tcachewrite -- what recording a pxtop refresh in the time-travel cache
 * (lib/tcache.h) costs with 10,000 guests: each tcache_record (encode,
 * hash, one transaction of prepared statements, the prune) timed, for
 * refreshes whose guests all changed (CPU, memory, uptime move on every
 * running guest) and for unchanged ones; the bytes a refresh adds to the
 * file; and the read of one refresh back (what [ and px replay cost).
 * Prints medians and the worst, in milliseconds, wall and CPU time.
 * pxtop records on a thread of its own (cmd/top/top_record.c): this is
 * the time that thread spends, not time the refresh waits.  bench.py
 * runs it.
 *
 *     tcachewrite DIR [refreshes]	(default 100)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "tcache.h"

#define NGUESTS	10000
#define NNODES	8

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* This thread's CPU time in seconds: the cost without the machine's
 * load and the disk's latency in it. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
report(const char *what, double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("  %-34s median %.2f ms, p90 %.2f ms, worst %.2f ms\n", what,
	    ms[n / 2], ms[n * 9 / 10], ms[n - 1]);
}

/* A cluster as pxsim --nodes 8 --guests 10000 makes it, roughly. */
static void
load(struct tcache_frame *f)
{
	static const char *const st[] = { "running", "stopped", "running",
		"paused" };

	memset(f, 0, sizeof(*f));
	f->have = TC_ALL;
	f->nodes = calloc(NNODES, sizeof(*f->nodes));
	f->nnodes = NNODES;
	for (int i = 0; i < NNODES; i++) {
		snprintf(f->nodes[i].name, 64, "pve%d", i + 1);
		snprintf(f->nodes[i].status, 16, "online");
		f->nodes[i].online = 1;
		f->nodes[i].maxcpu = 64;
		f->nodes[i].maxmem = 512ULL << 30;
	}
	f->guests = calloc(NGUESTS, sizeof(*f->guests));
	f->nguests = NGUESTS;
	for (int i = 0; i < NGUESTS; i++) {
		struct pve_guest *g = &f->guests[i];

		g->vmid = 100 + i;
		snprintf(g->type, sizeof(g->type), i % 5 ? "qemu" : "lxc");
		snprintf(g->name, sizeof(g->name), "guest-%05d", i);
		snprintf(g->node, sizeof(g->node), "pve%d", i % NNODES + 1);
		snprintf(g->status, sizeof(g->status), "%s", st[i % 4]);
		g->maxcpu = 4;
		g->maxmem = 4ULL << 30;
		g->maxdisk = 32ULL << 30;
		snprintf(g->tags, sizeof(g->tags), "%s", i % 3 ? "web" :
		    "db;prod");
	}
	f->storages = calloc(2 * NNODES, sizeof(*f->storages));
	f->nstorages = 2 * NNODES;
	for (int i = 0; i < 2 * NNODES; i++) {
		snprintf(f->storages[i].storage, 64, i % 2 ? "local-lvm" :
		    "local");
		snprintf(f->storages[i].node, 64, "pve%d", i / 2 + 1);
		f->storages[i].maxdisk = 1ULL << 40;
	}
	f->tasks = calloc(50, sizeof(*f->tasks));
	f->ntasks = 50;
	for (int i = 0; i < 50; i++)
		snprintf(f->tasks[i].upid, 256, "UPID:pve1:%08X:0:0:qmstart:"
		    "%d:root@pam:", i, 100 + i);
}

/* The next refresh: every running guest's numbers move. */
static void
advance(struct tcache_frame *f, int k)
{
	f->time += 3;
	for (int i = 0; i < f->nguests; i++) {
		struct pve_guest *g = &f->guests[i];

		if (strcmp(g->status, "running") != 0)
			continue;
		g->cpu = (double)((i * 7 + k * 13) % 1000) / 1000.0;
		g->mem = (uint64_t)((i + k) % 4096) << 20;
		g->uptime += 3;
		g->netin += (uint64_t)k * 1500;
	}
	for (int i = 0; i < f->nnodes; i++)
		f->nodes[i].cpu = (double)((i + k) % 100) / 100.0;
}

int
main(int argc, char **argv)
{
	struct tcache_limits l = { 7 * 86400, 200LL << 20 };
	struct tcache_frame f, r;
	struct px_err e;
	struct tcache *tc;
	char path[4200];
	struct stat st;
	int n = argc > 2 ? atoi(argv[2]) : 100;
	double *ms, *cpu, t, c;
	off_t size0;

	if (argc < 2 || n < 2) {
		fprintf(stderr, "usage: tcachewrite DIR [refreshes]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/bench-tcache.db", argv[1]);
	unlink(path);
	if ((tc = tcache_open(path, &l, 1, &e)) == NULL) {
		fprintf(stderr, "tcachewrite: %s\n", e.msg);
		return 1;
	}
	ms = calloc((size_t)n, sizeof(*ms));
	cpu = calloc((size_t)n, sizeof(*cpu));
	load(&f);
	f.time = 1800000000;
	printf("time-travel cache, one refresh of %d guests, %d nodes "
	    "(tcache_record):\n", NGUESTS, NNODES);
	tcache_record(tc, &f, &e);
	stat(path, &st);
	size0 = st.st_size;
	for (int k = 0; k < n; k++) {
		advance(&f, k + 1);
		t = px_mono();
		c = cpu_s();
		if (tcache_record(tc, &f, &e) != 0) {
			fprintf(stderr, "tcachewrite: %s\n", e.msg);
			return 1;
		}
		ms[k] = (px_mono() - t) * 1e3;
		cpu[k] = (cpu_s() - c) * 1e3;
	}
	report("every running guest changed:", ms, n);
	report("  its CPU time:", cpu, n);
	stat(path, &st);
	printf("  file: %.0f KiB per changed refresh (%d refreshes, %.1f MiB); "
	    "200M holds %.0f of them\n", (double)(st.st_size - size0) / n /
	    1024, n + 1, (double)st.st_size / 1048576, (200.0 * 1048576) /
	    ((double)(st.st_size - size0) / n));
	for (int k = 0; k < n; k++) {
		f.time += 3;
		t = px_mono();
		c = cpu_s();
		tcache_record(tc, &f, &e);
		ms[k] = (px_mono() - t) * 1e3;
		cpu[k] = (cpu_s() - c) * 1e3;
	}
	report("nothing changed (deduplicated):", ms, n);
	report("  its CPU time:", cpu, n);
	for (int k = 0; k < n; k++) {
		t = px_mono();
		if (tcache_read(tc, f.time - 3 * (k % (2 * n)), &r, &e) != 0) {
			fprintf(stderr, "tcachewrite: %s\n", e.msg);
			return 1;
		}
		ms[k] = (px_mono() - t) * 1e3;
		tcache_frame_free(&r);
	}
	report("read one refresh back:", ms, n);
	tcache_frame_free(&f);
	tcache_close(tc);
	unlink(path);
	free(ms);
	free(cpu);
	return 0;
}
