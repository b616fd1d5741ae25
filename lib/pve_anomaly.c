/* pve_anomaly.c -- guests whose CPU or memory use is an outlier
 * (pve_anomaly.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_anomaly.h"
#include "pve_fanout.h"
#include "pve_rrd.h"

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
pve_anomalies(struct px_client *c, double thr, struct pve_anomaly **out,
    int *nout, void (*warn)(void *arg, int vmid, const char *msg),
    void *arg, struct px_err *e)
{
	struct pve_guest *g;
	struct px_call *k;
	struct pve_anomaly *a;
	double *all[M_N], mean[M_N], sd[M_N];
	int n, run = 0, na = 0;

	*out = NULL;
	*nout = 0;
	if (pve_guests(c, &g, &n, e) != 0)
		return -1;
	/* the cluster: every running guest's current use */
	for (int m = 0; m < M_N; m++)
		all[m] = px_xcalloc((size_t)n + 1, sizeof(double));
	k = px_xcalloc((size_t)n + 1, sizeof(*k));
	a = px_xcalloc((size_t)n * M_N + 1, sizeof(*a));
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
		px_call_init(&k[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	for (int m = 0; m < M_N; m++) {
		mean[m] = stat_mean(all[m], n);
		sd[m] = stat_stddev(all[m], n);
	}
	pve_calls_run(k, n);

	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pve_rrd rrd = { 0 };
		struct px_err he = { 0 };
		int have = 0;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &he) == 0) {
			have = pve_rrd_parse(&r.j, r.data, &rrd, &he) == 0;
			px_reply_free(&r);
		}
		if (!have && warn)
			warn(arg, g[i].vmid, he.msg);
		for (int m = 0; m < M_N; m++) {
			double v = all[m][i], hm = NAN, hz = 0, cz;
			int by_c, by_h;
			struct pve_anomaly *x;

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
			x = &a[na++];
			x->vmid = g[i].vmid;
			snprintf(x->name, sizeof(x->name), "%s", g[i].name);
			snprintf(x->node, sizeof(x->node), "%s", g[i].node);
			x->metric = metric_name[m];
			x->value = v;
			x->cluster_mean = mean[m];
			x->cluster_z = round2(cz);
			x->has_history = !isnan(hm);
			x->history_mean = hm;
			x->history_z = round2(hz);
			x->against = by_c && by_h ? "both" : by_c ? "cluster" :
			    "history";
		}
		pve_rrd_free(&rrd);
	}
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	for (int m = 0; m < M_N; m++)
		free(all[m]);
	free(k);
	free(g);
	*out = a;
	*nout = na;
	return 0;
}
