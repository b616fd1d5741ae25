/*
 * anomaly -- running guests whose CPU or memory use stands out: a z-score
 * beyond the threshold against the other running guests of the cluster
 * (cluster), or against the guest's own RRD history of the last day
 * (history).  The histories are read in one parallel round.  Exit 1 when
 * there is any outlier.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_anomaly.h"

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

static void
no_history(void *arg, int vmid, const char *msg)
{
	(void)arg;
	px_warn("guest %d: no history: %s", vmid, msg);
}

int
anomaly_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_anomaly *a;
	struct out *o;
	double thr = 3;
	char *end;
	int ch, n, rc = 0;
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
	if (cli_connect(&x, &e) != 0 || pve_anomalies(x.client, thr, &a, &n,
	    no_history, NULL, &e) != 0)
		px_die(&e);
	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, 0, a[i].vmid);
		out_str(o, 1, a[i].name[0] ? a[i].name : NULL);
		out_str(o, 2, a[i].node);
		out_str(o, 3, a[i].metric);
		out_num(o, 4, a[i].value);
		out_num(o, 5, a[i].cluster_mean);
		out_num(o, 6, a[i].cluster_z);
		if (a[i].has_history) {
			out_num(o, 7, a[i].history_mean);
			out_num(o, 8, a[i].history_z);
		}
		out_str(o, 9, a[i].against);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (out_nrows(o) > 0)
		rc = PX_EXIT_FAIL;
	free(a);
	out_free(o);
	cli_free(&x);
	return rc;
}
