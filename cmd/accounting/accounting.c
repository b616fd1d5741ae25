/*
 * accounting -- resource use per pool, node or tag over a time frame,
 * integrated from every guest's RRD (read in one parallel round): CPU
 * hours (cpu fraction x maxcpu over time), GiB-hours of memory in use,
 * and GiB received and sent on the network.
 *
 * A guest counts once per group: with --group-by tag, under each of its
 * tags (so the groups may add up to more than the cluster); guests
 * without a pool or tag are in the group "-".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_fanout.h"
#include "pve_rrd.h"

enum { O_GROUP_BY = PX_O_LONG, O_TIMEFRAME };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_GROUP_BY, "group-by", "pool | node | tag",
	    "what to group the guests by" },
	{ O_TIMEFRAME, "timeframe", "day | week | month | year",
	    "the period, ending now" },
	PX_OPT_END
};

PX_COMMAND(accounting, "CPU-hours, memory GiB-hours, network GiB per group",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "group", OT_STR, 0 }, { "guests", OT_INT, 0 },
	{ "cpu_hours", OT_NUM, 0 }, { "mem_gib_hours", OT_NUM, 0 },
	{ "net_gib", OT_NUM, 0 }, { "netin_gib", OT_NUM, OC_EXTRA },
	{ "netout_gib", OT_NUM, OC_EXTRA }, { "start", OT_TIME, OC_EXTRA },
	{ "end", OT_TIME, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))
#define GIB	1073741824.0

struct group {
	char name[128];
	int guests;
	double cpu_s, mem_bs, netin, netout;	/* core-s, byte-s, bytes */
};

struct use {
	double cpu_s, mem_bs, netin, netout;
};

static struct group *
group_get(struct group **v, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return &(*v)[i];
	*v = px_xrealloc(*v, (size_t)(*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	snprintf((*v)[*n].name, sizeof((*v)[*n].name), "%s", name);
	return &(*v)[(*n)++];
}

static void
group_add(struct group *gr, const struct use *u)
{
	gr->guests++;
	gr->cpu_s += u->cpu_s;
	gr->mem_bs += u->mem_bs;
	gr->netin += u->netin;
	gr->netout += u->netout;
}

/* Integrate one guest's series. */
static void
integrate(const struct pve_rrd *r, double maxcpu, struct use *u)
{
	double *cpu = pve_rrd_column(r, pve_rrd_field(r, "cpu"));
	double *mc = pve_rrd_column(r, pve_rrd_field(r, "maxcpu"));
	double *c;

	for (int i = 0; i < r->npoints; i++)	/* fraction -> cores */
		cpu[i] *= isnan(mc[i]) ? maxcpu : mc[i];
	u->cpu_s = stat_integrate(r->time, cpu, r->npoints);
	c = pve_rrd_column(r, pve_rrd_field(r, "mem"));
	u->mem_bs = stat_integrate(r->time, c, r->npoints);
	free(c);
	c = pve_rrd_column(r, pve_rrd_field(r, "netin"));	/* bytes/s */
	u->netin = stat_integrate(r->time, c, r->npoints);
	free(c);
	c = pve_rrd_column(r, pve_rrd_field(r, "netout"));
	u->netout = stat_integrate(r->time, c, r->npoints);
	free(c);
	free(cpu);
	free(mc);
}

int
accounting_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_guest *g;
	struct group *grp = NULL;
	struct px_call *k;
	struct out *o;
	const char *by = "pool", *tf = "day";
	long long t0 = 0, t1 = 0;
	int ch, n, ngrp = 0, rc = 0, failed = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_accounting, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_GROUP_BY:
			if (strcmp(go.arg, "pool") && strcmp(go.arg, "node") &&
			    strcmp(go.arg, "tag"))
				px_errx(PX_EXIT_USAGE, "--group-by: pool, node "
				    "or tag");
			by = go.arg;
			break;
		case O_TIMEFRAME:
			if (strcmp(go.arg, "day") && strcmp(go.arg, "week") &&
			    strcmp(go.arg, "month") && strcmp(go.arg, "year"))
				px_errx(PX_EXIT_USAGE, "--timeframe: day, week, "
				    "month or year");
			tf = go.arg;
			break;
		default:
			px_usage(&px_cmd_accounting);
		}
	}
	if (go.ind != argc)
		px_usage(&px_cmd_accounting);
	if (cli_connect(&x, &e) != 0 || pve_guests(x.client, &g, &n, &e) != 0)
		px_die(&e);
	k = px_xcalloc((size_t)n + 1, sizeof(*k));
	for (int i = 0; i < n; i++) {
		struct buf p = { 0 };

		if (g[i].template)
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, g[i].node);
		buf_printf(&p, "/%s/%d/rrddata?timeframe=%s&cf=AVERAGE",
		    g[i].type, g[i].vmid, tf);
		px_call_init(&k[i], x.client, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, n);
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pve_rrd rrd;
		struct use u;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_rrd_parse(&r.j, r.data, &rrd, &e) != 0) {
			px_reply_free(&r);
			px_warn("guest %d: %s", g[i].vmid, e.msg);
			failed++;
			continue;
		}
		px_reply_free(&r);
		integrate(&rrd, g[i].maxcpu, &u);
		if (rrd.npoints > 0) {
			if (t0 == 0 || rrd.time[0] < t0)
				t0 = rrd.time[0];
			if (rrd.time[rrd.npoints - 1] > t1)
				t1 = rrd.time[rrd.npoints - 1];
		}
		pve_rrd_free(&rrd);
		if (strcmp(by, "node") == 0) {
			group_add(group_get(&grp, &ngrp, g[i].node), &u);
		} else if (strcmp(by, "pool") == 0) {
			group_add(group_get(&grp, &ngrp, g[i].pool[0] ?
			    g[i].pool : "-"), &u);
		} else if (g[i].tags[0] == '\0') {
			group_add(group_get(&grp, &ngrp, "-"), &u);
		} else {
			for (const char *p = g[i].tags; *p; ) {
				size_t len = strcspn(p, ";, ");
				char tag[128];

				snprintf(tag, sizeof(tag), "%.*s", (int)len, p);
				if (len)
					group_add(group_get(&grp, &ngrp, tag),
					    &u);
				p += len;
				p += strspn(p, ";, ");
			}
		}
	}
	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < ngrp; i++) {
		out_row(o);
		out_str(o, 0, grp[i].name);
		out_int(o, 1, grp[i].guests);
		out_num(o, 2, round(grp[i].cpu_s / 3600 * 100) / 100);
		out_num(o, 3, round(grp[i].mem_bs / GIB / 3600 * 100) / 100);
		out_num(o, 4, round((grp[i].netin + grp[i].netout) / GIB *
		    1000) / 1000);
		out_num(o, 5, round(grp[i].netin / GIB * 1000) / 1000);
		out_num(o, 6, round(grp[i].netout / GIB * 1000) / 1000);
		if (t0)
			out_int(o, 7, t0);
		if (t1)
			out_int(o, 8, t1);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	free(k);
	free(grp);
	free(g);
	out_free(o);
	cli_free(&x);
	return rc;
}
