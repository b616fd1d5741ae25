/*
 * replication -- storage replication jobs (the cluster's configuration)
 * and their state on each node (last and next sync, failures), the latter
 * read from every node in one parallel round; and their life cycle:
 * create, set (with PVE's digest), delete (PVE's keep and force), and
 * run one now on its source node -- each through the gate (objcli.h).
 * A schedule is checked against PVE's calendar-event grammar before
 * anything is sent (lib/calendar.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "enc.h"
#include "json.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_objrisk_jobs.h"

enum { O_NODE = PX_O_LONG, O_SCHEDULE, O_KEEP, O_FORCE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ O_NODE, "node", "node", "jobs, status: only jobs from or to this "
	    "node" },
	PX_PARAM("target", "node", "create: the node it replicates to"),
	{ O_SCHEDULE, "schedule", "event", "when it runs: a calendar event "
	    "(PVE's default: every 15 minutes)" },
	PX_PARAM("rate", "mbps", "a rate limit in MB/s"),
	PX_PARAM("comment", "text", "the job's comment"),
	PX_PARAM("disable", "0|1", "whether the job is disabled"),
	{ O_KEEP, "keep", NULL, "delete: the target keeps the replicated "
	    "data" },
	{ O_FORCE, "force", NULL, "delete: drop the job's entry only, no "
	    "cleanup" },
	PX_OPT_END
};

PX_COMMAND(replication, "storage replication jobs: their state, life "
    "cycle and runs", opts, NULL, "jobs | status | show id | create id | "
    "set id | delete id | run id");

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
			if (nodes[i].online)
				px_warn("%s: %s", nodes[i].name, e.msg);
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

/* A job id as PVE takes it: GUEST-JOBNUM ("100-0"). */
static void
check_id(const char *id)
{
	const char *dash = strchr(id, '-');
	size_t g = dash ? (size_t)(dash - id) : 0, n = dash ?
	    strlen(dash + 1) : 0;

	if (dash == NULL || g < 3 || g > 9 || id[0] == '0' ||
	    strspn(id, "0123456789") != g || n < 1 || n > 9 ||
	    strspn(dash + 1, "0123456789") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a replication job id "
		    "(GUEST-JOBNUM: 100-0)", id);
}

static void
job_path(struct buf *p, const char *id)
{
	buf_adds(p, "/cluster/replication/");
	url_seg(p, id);
}

/* The node job id replicates from (its source, else its guest's node). */
static void
job_source(struct objcli *oc, const char *id, char *node, size_t n)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf p = { 0 };

	job_path(&p, id);
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "%s", p.p) != 0) {
		if (e.id == PXE_NOT_FOUND || (e.id == PXE_API &&
		    strstr(e.msg, "does not exist")))
			px_errx(PX_EXIT_NOTFOUND, "no replication job '%s' "
			    "(%s)", id, e.msg);
		px_die(&e);
	}
	if (pve_word_get(&r.j, r.data, "source", node, n, &e) != 0 ||
	    (node[0] && !pve_valid_node(node))) {
		struct px_err why = e;

		px_fail(&e, PXE_PARSE, "GET %s: %s%s%s", p.p, node[0] ?
		    "source '" : "", node[0] ? node : why.msg, node[0] ?
		    "' is not a node" : "");
		px_die(&e);
	}
	px_reply_free(&r);
	buf_free(&p);
	if (node[0] == '\0') {
		/* PVE writes source only once the job ran: the node the
		 * guest is on now */
		struct pve_resource *res = NULL;
		int nr = 0, vmid = atoi(id);

		objcli_get(oc, &r, "/cluster/resources?type=vm");
		if (pve_resources_parse(&r.j, r.data, &res, &nr, &e) != 0)
			px_die(&e);
		for (int i = 0; i < nr; i++)
			if (res[i].vmid == vmid)
				snprintf(node, n, "%s", res[i].node);
		free(res);
		px_reply_free(&r);
	}
	if (node[0] == '\0' || !pve_valid_node(node))
		px_errx(PX_EXIT_FAIL, "replication job %s: PVE does not say "
		    "its source node", id);
}

static int
job_write(struct objcli *oc, const char *verb, const char *id, int keep,
    int force)
{
	struct objcli_change c = { .kind = "replication", .id = id,
	    .action = verb };
	struct objrisk_repl a = { id, keep, force };
	struct buf path = { 0 }, extra = { 0 }, np = { 0 };
	char summary[512], node[64];
	int rc;

	check_id(id);
	c.summary = summary;
	if ((keep || force) && strcmp(verb, "delete") != 0)
		px_errx(PX_EXIT_USAGE, "--keep and --force are for delete");
	if (strcmp(verb, "create") == 0) {
		if (!objcli_has(oc, "target"))
			px_errx(PX_EXIT_USAGE, "create: give --target node");
		buf_adds(&path, "/cluster/replication");
		form_add(&extra, "id", id);
		form_add(&extra, "type", "local");
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create replication job "
		    "%s", id);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		if (objcli_has(oc, "target"))
			px_errx(PX_EXIT_USAGE, "set: PVE does not change a "
			    "job's target (delete it, create another)");
		job_path(&path, id);
		c.method = "PUT";
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set replication job %s",
		    id);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, verb);
		if (keep && force)
			px_errx(PX_EXIT_USAGE, "--keep conflicts with --force");
		job_path(&path, id);
		if (keep)
			form_add(&extra, "keep", "1");
		if (force)
			form_add(&extra, "force", "1");
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_repl_delete;
		c.assess_arg = &a;
		snprintf(summary, sizeof(summary), "delete replication job "
		    "%s%s", id, force ? " (its entry only)" : keep ?
		    " (keep the replicated data)" : "");
	} else if (strcmp(verb, "run") == 0) {
		objcli_no_params(oc, verb);
		job_source(oc, id, node, sizeof(node));
		buf_adds(&path, "/nodes/");
		url_seg(&path, node);
		buf_adds(&path, "/replication/");
		url_seg(&path, id);
		buf_adds(&path, "/schedule_now");
		c.method = "POST";
		snprintf(summary, sizeof(summary), "run replication job %s "
		    "now on %s", id, node);
	} else {
		return -1;
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	buf_free(&np);
	return rc;
}

int
replication_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_err e = { 0 };
	struct out *o;
	const char *only = NULL;
	int ch, rc = 0, failed = 0, keep = 0, force = 0;
	struct px_getopt g;
	char why[256];

	objcli_init(&oc, &px_cmd_replication);
	px_getopt_init(&g, &px_cmd_replication, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			only = g.arg;
			break;
		case O_SCHEDULE:
			if (calendar_check(g.arg, why, sizeof(why)) != 0)
				px_errx(PX_EXIT_USAGE, "--schedule '%s': not a "
				    "calendar event: %s", g.arg, why);
			objcli_param(&oc, "schedule", g.arg);
			break;
		case O_KEEP:
			keep = 1;
			break;
		case O_FORCE:
			force = 1;
			break;
		default:
			px_usage(&px_cmd_replication);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_replication);
	if (strcmp(argv[0], "jobs") != 0 && strcmp(argv[0], "status") != 0) {
		if (argc != 2)
			px_usage(&px_cmd_replication);
		if (only)
			px_errx(PX_EXIT_USAGE, "--node is for jobs and status");
		if (strcmp(argv[0], "show") == 0) {
			struct buf p = { 0 };
			char what[128];

			check_id(argv[1]);
			objcli_no_params(&oc, "show");
			if (keep || force)
				px_errx(PX_EXIT_USAGE, "--keep and --force are "
				    "for delete");
			job_path(&p, argv[1]);
			snprintf(what, sizeof(what), "replication job '%s'",
			    argv[1]);
			rc = objcli_show(&oc, p.p, what);
			buf_free(&p);
		} else if ((rc = job_write(&oc, argv[0], argv[1], keep,
		    force)) < 0) {
			px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (jobs, "
			    "status, show, create, set, delete, run)",
			    argv[0]);
		}
		objcli_free(&oc);
		return rc;
	}
	if (argc != 1)
		px_usage(&px_cmd_replication);
	objcli_no_params(&oc, argv[0]);
	if (keep || force)
		px_errx(PX_EXIT_USAGE, "--keep and --force are for delete");
	objcli_connect(&oc);
	if (strcmp(argv[0], "jobs") == 0) {
		o = out_new(&oc.m.x.out, job_cols, NCOLS(job_cols));
		jobs(oc.m.x.client, o, only);
	} else {
		o = out_new(&oc.m.x.out, status_cols, NCOLS(status_cols));
		failed = status(oc.m.x.client, o, only);
	}
	if (cli_print(&oc.m.x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
	out_free(o);
	objcli_free(&oc);
	return rc;
}
