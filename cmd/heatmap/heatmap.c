/*
 * heatmap -- API round-trip time per node: several rounds of GET
 * /nodes/{node}/status, each round asking every online node at once, and
 * per node the median, best and worst time and a bucket.  On a terminal
 * (table format, NO_COLOR unset) a coloured strip of the probes follows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pve_fanout.h"
#include "pve_rrd.h"

enum { O_PROBES = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_PROBES, "probes", "n", "rounds of probes, 1 to 50" },
	PX_OPT_END
};

PX_COMMAND(heatmap, "API round-trip time per node, median and worst",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 },
	{ "probes", OT_INT, 0 }, { "ok", OT_INT, 0 },
	{ "median_ms", OT_NUM, 0 }, { "worst_ms", OT_NUM, 0 },
	{ "best_ms", OT_NUM, OC_EXTRA }, { "bucket", OT_STR, 0 },
	{ "error", OT_STR, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))

/* Buckets by milliseconds; a failed probe is "fail". */
static const struct {
	double below;
	const char *name, *color;
} buckets[] = {
	{ 50, "fast", "\033[32m" },
	{ 200, "ok", "\033[33m" },
	{ 1000, "slow", "\033[31m" },
	{ INFINITY, "very-slow", "\033[35m" },
};

static int
bucket_of(double ms)
{
	int b = 0;

	if (isnan(ms))
		return -1;
	while (ms >= buckets[b].below)
		b++;
	return b;
}

int
heatmap_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_node *nodes;
	struct out *o;
	double *ms;		/* ms[node * probes + round], NaN on failure */
	char **why;
	const char *nc;
	char *end;
	int ch, n, rc = 0, probes = 5, color;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_heatmap, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_PROBES:
			probes = (int)strtol(g.arg, &end, 10);
			if (*end != '\0' || probes < 1 || probes > 50)
				px_errx(PX_EXIT_USAGE, "--probes: 1 to 50");
			break;
		default:
			px_usage(&px_cmd_heatmap);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_heatmap);
	if (cli_connect(&x, &e) != 0 || pve_nodes(x.client, &nodes, &n, &e))
		px_die(&e);
	ms = px_xcalloc((size_t)n * (size_t)probes + 1, sizeof(*ms));
	why = px_xcalloc((size_t)n + 1, sizeof(*why));
	for (int round = 0; round < probes; round++) {
		struct px_call *k = pve_node_fanout(x.client, nodes, n,
		    "/status");

		for (int i = 0; i < n; i++) {
			ms[i * probes + round] = k[i].rc == 0 ?
			    k[i].seconds * 1000.0 : NAN;
			if (k[i].rc != 0 && nodes[i].online && why[i] == NULL)
				why[i] = px_xstrdup(k[i].err.msg);
			px_call_free(&k[i]);
		}
		free(k);
	}
	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < n; i++) {
		double *v = ms + i * probes;
		int okn = 0, b;

		for (int q = 0; q < probes; q++)
			okn += !isnan(v[q]);
		out_row(o);
		out_str(o, 0, nodes[i].name);
		out_str(o, 1, nodes[i].status);
		if (!nodes[i].online) {
			out_str(o, 7, "offline");
			continue;
		}
		out_int(o, 2, probes);
		out_int(o, 3, okn);
		if (okn) {
			out_num(o, 4, round(stat_median(v, probes) * 10) / 10);
			out_num(o, 5, round(stat_max(v, probes) * 10) / 10);
			out_num(o, 6, round(stat_min(v, probes) * 10) / 10);
		}
		b = okn < probes ? -1 : bucket_of(stat_max(v, probes));
		if (b < 0)
			out_row_error(o);
		out_str(o, 7, b < 0 ? "fail" : buckets[b].name);
		out_str(o, 8, why[i]);
	}
	nc = getenv("NO_COLOR");
	color = x.out.fmt == OUT_TABLE && isatty(STDOUT_FILENO) &&
	    (nc == NULL || *nc == '\0');
	if (cli_print(&x, o, &e) != 0) {
		rc = px_report(&e);
	} else if (color) {
		putchar('\n');
		for (int i = 0; i < n; i++) {
			printf("%-16s ", nodes[i].name);
			for (int q = 0; nodes[i].online && q < probes; q++) {
				int b = bucket_of(ms[i * probes + q]);

				printf("%s\u2588\u2588\033[0m", b < 0 ?
				    "\033[41m" : buckets[b].color);
			}
			printf("%s\n", nodes[i].online ? "" : "offline");
		}
		printf("\n%s\u2588\u2588\033[0m <50 ms  %s\u2588\u2588\033[0m "
		    "<200 ms  %s\u2588\u2588\033[0m <1 s  %s\u2588\u2588\033[0m "
		    ">=1 s  \033[41m\u2588\u2588\033[0m failed\n",
		    buckets[0].color, buckets[1].color, buckets[2].color,
		    buckets[3].color);
	}
	for (int i = 0; i < n; i++)
		free(why[i]);
	free(why);
	free(ms);
	free(nodes);
	out_free(o);
	cli_free(&x);
	return rc;
}
