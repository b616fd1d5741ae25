/*
 * anomaly -- running guests whose CPU or memory use stands out: a z-score
 * beyond the threshold against the other running guests of the cluster
 * (cluster), or against the guest's own RRD history of the last day
 * (history).  The histories are read in one parallel round.  Exit 1 when
 * there is any outlier.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_fanout.h"
#include "pve_rrd.h"

enum { O_THRESHOLD = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_THRESHOLD, "threshold", "z", "the z-score that makes an outlier" },
	PX_OPT_END
};

PX_COMMAND(anomaly, "guests whose CPU or memory use is an outlier",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "metric", OT_STR, 0 }, { "value", OT_PCT, 0 },
	{ "cluster_mean", OT_PCT, 0 }, { "cluster_z", OT_NUM, 0 },
	{ "history_mean", OT_PCT, 0 }, { "history_z", OT_NUM, 0 },
	{ "against", OT_STR, 0 },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))

/* Two metrics, both 0..1 fractions. */
enum { M_CPU, M_MEM, M_N };
static const char *const metric_name[M_N] = { "cpu", "mem" };

static double
current(const struct pve_guest *g, int m)
{
	if (m == M_CPU)
		return g->cpu;
	return g->maxmem ? (double)g->mem / (double)g->maxmem : NAN;
}

/* The metric's history as fractions from the guest's RRD. */
static double *
history(const struct pve_rrd *r, int m)
{
	double *v = pve_rrd_column(r, pve_rrd_field(r, m == M_CPU ? "cpu" :
	    "mem"));

	if (m == M_MEM) {
		int f = pve_rrd_field(r, "maxmem");

		for (int i = 0; i < r->npoints; i++) {
			double max = f < 0 ? NAN : r->v[i * r->nfields + f];

			v[i] = max > 0 ? v[i] / max : NAN;
		}
	}
	return v;
}

static double
round2(double v)
{
	return round(v * 100) / 100;
}

int
anomaly_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_guest *g;
	struct px_call *k;
	struct out *o;
	double thr = 3, *all[M_N], mean[M_N], sd[M_N];
	char *end;
	int ch, n, run = 0, rc = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_anomaly, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_THRESHOLD:
			thr = strtod(go.arg, &end);
			if (*end != '\0' || !(thr > 0) || thr > 100)
				px_errx(PX_EXIT_USAGE, "--threshold: a z-score "
				    "above 0, such as 3");
			break;
		default:
			px_usage(&px_cmd_anomaly);
		}
	}
	if (go.ind != argc)
		px_usage(&px_cmd_anomaly);
	if (cli_connect(&x, &e) != 0 || pve_guests(x.client, &g, &n, &e) != 0)
		px_die(&e);

	/* the cluster: every running guest's current use */
	for (int m = 0; m < M_N; m++)
		all[m] = px_xcalloc((size_t)n + 1, sizeof(double));
	k = px_xcalloc((size_t)n + 1, sizeof(*k));
	for (int i = 0; i < n; i++) {
		struct buf p = { 0 };

		for (int m = 0; m < M_N; m++)
			all[m][i] = NAN;
		if (strcmp(g[i].status, "running") != 0 || g[i].template)
			continue;
		run++;
		for (int m = 0; m < M_N; m++)
			all[m][i] = current(&g[i], m);
		buf_adds(&p, "/nodes/");
		url_seg(&p, g[i].node);
		buf_printf(&p, "/%s/%d/rrddata?timeframe=day&cf=AVERAGE",
		    g[i].type, g[i].vmid);
		px_call_init(&k[i], x.client, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	for (int m = 0; m < M_N; m++) {
		mean[m] = stat_mean(all[m], n);
		sd[m] = stat_stddev(all[m], n);
	}
	pve_calls_run(k, n);

	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pve_rrd rrd = { 0 };
		int have = 0;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &e) == 0) {
			have = pve_rrd_parse(&r.j, r.data, &rrd, &e) == 0;
			px_reply_free(&r);
		}
		if (!have)
			px_warn("guest %d: no history: %s", g[i].vmid, e.msg);
		for (int m = 0; m < M_N; m++) {
			double v = all[m][i], hm = NAN, hz = 0, cz;
			int by_c, by_h;

			if (isnan(v))
				continue;
			cz = run > 2 ? stat_zscore(v, mean[m], sd[m]) : 0;
			if (have) {
				double *h = history(&rrd, m);

				hm = stat_mean(h, rrd.npoints);
				hz = stat_zscore(v, hm, stat_stddev(h,
				    rrd.npoints));
				free(h);
			}
			by_c = fabs(cz) >= thr;
			by_h = fabs(hz) >= thr;
			if (!by_c && !by_h)
				continue;
			out_row(o);
			out_int(o, 0, g[i].vmid);
			out_str(o, 1, g[i].name[0] ? g[i].name : NULL);
			out_str(o, 2, g[i].node);
			out_str(o, 3, metric_name[m]);
			out_num(o, 4, v);
			out_num(o, 5, mean[m]);
			out_num(o, 6, round2(cz));
			if (!isnan(hm)) {
				out_num(o, 7, hm);
				out_num(o, 8, round2(hz));
			}
			out_str(o, 9, by_c && by_h ? "both" : by_c ?
			    "cluster" : "history");
		}
		pve_rrd_free(&rrd);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (out_nrows(o) > 0)
		rc = PX_EXIT_FAIL;
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	for (int m = 0; m < M_N; m++)
		free(all[m]);
	free(k);
	free(g);
	out_free(o);
	cli_free(&x);
	return rc;
}
