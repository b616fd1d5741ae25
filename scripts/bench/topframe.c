/*
 * topframe -- the cost of one pxtop frame with 10,000 guests: the Guests
 * view (sorted by CPU, descending) and the Dashboard, drawn by
 * top_render into a render buffer and flushed to libtickit's mock
 * terminal, timed frame by frame; and the re-sort of the guest list
 * that a sort key (<, >) costs.  Prints the median and the worst, in
 * milliseconds.  scripts/bench/bench.py runs it (make bench).
 *
 *     topframe [frames [lines cols]]	(default 500, 50 x 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "clock.h"
#include "top_render.h"

#define NGUESTS	10000
#define NNODES	8

static struct top_state S;
static struct top_effects FX;

static double
now_ms(void)
{
	return px_mono() * 1e3;
}

static void
act(struct top_action *a)
{
	top_effects_clear(&FX);
	top_reduce(&S, a, &FX);
}

static void
press(const char *k)
{
	struct top_action a = { .type = TA_KEY, .key = k, .text = 1 };

	act(&a);
}

/* A cluster as pxsim --nodes 8 --guests 10000 makes it, roughly. */
static void
load(void)
{
	static const char *const st[] = { "running", "stopped", "running",
		"paused" };
	struct pve_node *n = calloc(NNODES, sizeof(*n));
	struct pve_guest *g = calloc(NGUESTS, sizeof(*g));
	struct top_action a;

	for (int i = 0; i < NNODES; i++) {
		snprintf(n[i].name, sizeof(n[i].name), "pve%d", i + 1);
		snprintf(n[i].status, sizeof(n[i].status), "online");
		n[i].online = 1;
		n[i].cpu = 0.1 * (i + 1);
		n[i].maxcpu = 64;
		n[i].maxmem = 512ULL << 30;
		n[i].mem = (64ULL << 30) * (i + 1) / 2;
		n[i].uptime = 86400 * (i + 1);
	}
	for (int i = 0; i < NGUESTS; i++) {
		g[i].vmid = 100 + i;
		snprintf(g[i].name, sizeof(g[i].name), "guest-%05d", i);
		snprintf(g[i].node, sizeof(g[i].node), "pve%d", i % NNODES + 1);
		snprintf(g[i].status, sizeof(g[i].status), "%s", st[i % 4]);
		snprintf(g[i].type, sizeof(g[i].type), i % 5 ? "qemu" : "lxc");
		snprintf(g[i].tags, sizeof(g[i].tags), i % 2 ? "prod" : "dev");
		g[i].cpu = (i * 37 % 100) / 100.0;
		g[i].maxcpu = 4;
		g[i].mem = (uint64_t)(i % 4096) << 20;
		g[i].maxmem = 4ULL << 30;
		g[i].uptime = i % 4 == 0 ? 86400 + i : 0;
	}
	for (int k = 0; k < TOP_SPARK; k++) {	/* full sparklines */
		struct pve_node *c = calloc(NNODES, sizeof(*c));

		memcpy(c, n, NNODES * sizeof(*c));
		memset(&a, 0, sizeof(a));
		a.type = TA_NODES;
		a.rows = c;
		a.n = NNODES;
		act(&a);
	}
	free(n);
	memset(&a, 0, sizeof(a));
	a.type = TA_GUESTS;
	a.rows = g;
	a.n = NGUESTS;
	act(&a);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
report(const char *what, double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof(double), cmp_double);
	printf("  %-42s median %6.3f ms  worst %6.3f ms  (%d)\n", what,
	    ms[n / 2], ms[n - 1], n);
}

/* Time frames of the current view: draw + flush, and draw alone. */
static void
frames(TickitMockTerm *mt, const char *what, int n)
{
	TickitRenderBuffer *rb = tickit_renderbuffer_new(S.lines, S.cols);
	double *full = calloc((size_t)n, sizeof(double));
	double *draw = calloc((size_t)n, sizeof(double));
	char label[64];

	for (int i = 0; i < n; i++) {
		double t0 = now_ms(), t1;

		top_render(&S, rb, 1);
		t1 = now_ms();
		tickit_renderbuffer_flush_to_term(rb, (TickitTerm *)mt);
		full[i] = now_ms() - t0;
		draw[i] = t1 - t0;
	}
	snprintf(label, sizeof(label), "%s: draw + flush", what);
	report(label, full, n);
	snprintf(label, sizeof(label), "%s: draw only", what);
	report(label, draw, n);
	free(full);
	free(draw);
	tickit_renderbuffer_unref(rb);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 500;
	int lines = argc > 3 ? atoi(argv[2]) : 50;
	int cols = argc > 3 ? atoi(argv[3]) : 200;
	TickitMockTerm *mt;
	double *sort;

	if (n < 1 || lines < 10 || cols < 40) {
		fprintf(stderr, "usage: topframe [frames [lines cols]]\n");
		return 2;
	}
	mt = tickit_mockterm_new(lines, cols);
	top_state_init(&S, "bench", 0, 3000, lines, cols);
	load();
	printf("pxtop frame, %d guests on %d nodes, %dx%d mock terminal:\n",
	    NGUESTS, NNODES, lines, cols);
	press("3");
	press(">");
	press(">");
	press(">");
	press(">");	/* by CPU: the order that moves most */
	press("o");
	frames(mt, "Guests, sorted by cpu desc", n);
	press("1");
	frames(mt, "Dashboard", n);
	press("3");
	sort = calloc((size_t)n, sizeof(double));
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();

		press(i % 2 ? "<" : ">");
		sort[i] = now_ms() - t0;
	}
	report("re-sort (< or >)", sort, n);
	free(sort);
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return 0;
}
