/*
 * replication -- storage replication jobs (the cluster's configuration)
 * and their state on each node (last and next sync, failures), the latter
 * read from every node in one parallel round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_cluster.h"
#include "pve_fanout.h"

enum { O_NODE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_NODE, "node", "node", "only jobs from or to this node" },
	PX_OPT_END
};

PX_COMMAND(replication, "storage replication jobs and their state per node",
    opts, NULL, "jobs | status");

static const struct out_col job_cols[] = {
	{ "id", OT_STR, 0 }, { "guest", OT_INT, 0 }, { "source", OT_STR, 0 },
	{ "target", OT_STR, 0 }, { "schedule", OT_STR, 0 },
	{ "rate", OT_NUM, 0 }, { "disable", OT_BOOL, 0 },
	{ "type", OT_STR, OC_EXTRA }, { "jobnum", OT_INT, OC_EXTRA },
	{ "comment", OT_STR, OC_EXTRA },
};
static const struct out_col status_cols[] = {
	{ "node", OT_STR, 0 }, { "id", OT_STR, 0 }, { "guest", OT_INT, 0 },
	{ "target", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "last_sync", OT_TIME, 0 }, { "next_sync", OT_TIME, 0 },
	{ "duration", OT_NUM, 0 }, { "fail_count", OT_INT, 0 },
	{ "last_try", OT_TIME, OC_EXTRA }, { "schedule", OT_STR, OC_EXTRA },
	{ "disable", OT_BOOL, OC_EXTRA }, { "error", OT_STR, 0 },
};
#define NCOLS(a)	((int)(sizeof(a) / sizeof((a)[0])))
#define S(s)		((s)[0] ? (s) : NULL)

static void
jobs(struct px_client *c, struct out *o, const char *only)
{
	struct px_reply r;
	struct px_err e;
	struct pve_repl *v;
	int n;

	if (pve_get(c, &r, &e, "/cluster/replication") != 0 ||
	    pve_repl_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	for (int i = 0; i < n; i++) {
		if (only && strcmp(v[i].source, only) != 0 &&
		    strcmp(v[i].target, only) != 0)
			continue;
		out_row(o);
		out_str(o, 0, v[i].id);
		out_int(o, 1, v[i].guest);
		out_str(o, 2, S(v[i].source));
		out_str(o, 3, S(v[i].target));
		out_str(o, 4, v[i].schedule);
		if (v[i].rate > 0)
			out_num(o, 5, v[i].rate);
		out_bool(o, 6, v[i].disable);
		out_str(o, 7, S(v[i].type));
		out_int(o, 8, v[i].jobnum);
		out_str(o, 9, S(v[i].comment));
	}
	free(v);
	px_reply_free(&r);
}

/* Returns the number of nodes that failed (not counting offline ones). */
static int
status(struct px_client *c, struct out *o, const char *only)
{
	struct pve_node *nodes;
	struct px_call *k;
	struct px_err e;
	int n, failed = 0, ecol = NCOLS(status_cols) - 1;

	if (pve_nodes_or_one(c, only, &nodes, &n, &e) != 0)
		px_die(&e);
	k = pve_node_fanout(c, nodes, n, "/replication");
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pve_repl *v;
		int nv;

		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_repl_parse(&r.j, r.data, &v, &nv, &e) != 0) {
			px_reply_free(&r);
			if (only)
				px_die(&e);
			out_row(o);
			out_row_error(o);
			out_str(o, 0, nodes[i].name);
			out_str(o, 4, nodes[i].online ? "error" : "offline");
			out_str(o, ecol, e.msg);
			failed += nodes[i].online;
			continue;
		}
		for (int q = 0; q < nv; q++) {
			const struct pve_repl *j = &v[q];

			out_row(o);
			if (j->fail_count || j->error[0])
				out_row_error(o);
			out_str(o, 0, nodes[i].name);
			out_str(o, 1, j->id);
			out_int(o, 2, j->guest);
			out_str(o, 3, S(j->target));
			out_str(o, 4, j->state[0] ? j->state :
			    j->error[0] ? "error" : "ok");
			if (j->last_sync)
				out_int(o, 5, j->last_sync);
			if (j->next_sync)
				out_int(o, 6, j->next_sync);
			out_num(o, 7, j->duration);
			out_int(o, 8, j->fail_count);
			if (j->last_try)
				out_int(o, 9, j->last_try);
			out_str(o, 10, j->schedule);
			out_bool(o, 11, j->disable);
			out_str(o, ecol, S(j->error));
		}
		free(v);
		px_reply_free(&r);
	}
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	free(k);
	free(nodes);
	return failed;
}

int
replication_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct out *o;
	const char *only = NULL;
	int ch, rc = 0, failed = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_replication, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			only = g.arg;
			break;
		default:
			px_usage(&px_cmd_replication);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || (strcmp(argv[0], "jobs") != 0 &&
	    strcmp(argv[0], "status") != 0))
		px_usage(&px_cmd_replication);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (strcmp(argv[0], "jobs") == 0) {
		o = out_new(&x.out, job_cols, NCOLS(job_cols));
		jobs(x.client, o, only);
	} else {
		o = out_new(&x.out, status_cols, NCOLS(status_cols));
		failed = status(x.client, o, only);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
	out_free(o);
	cli_free(&x);
	return rc;
}
