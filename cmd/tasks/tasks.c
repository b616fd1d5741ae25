/*
 * tasks -- the task history of every node (GET /nodes/{node}/tasks), read
 * from all nodes in parallel unless --node names one, newest first.
 *
 * PVE filters on the server: typefilter, vmid, errors, since, limit.  An
 * offline node gives one row with status "offline"; a node that fails to
 * answer gives one row with status "error" (message in "error") and the
 * exit status 2, and the other nodes still print.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "enc.h"
#include "pve_cond.h"
#include "pve_fanout.h"
#include "pve_guest.h"

enum { O_ERRORS = PX_O_LONG, O_LIMIT, O_NODE, O_SINCE, O_TYPE, O_VMID };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_ERRORS, "errors", NULL, "only tasks that ended in error" },
	{ O_LIMIT, "limit", "n", "at most n tasks" },
	{ O_NODE, "node", "node", "only this node" },
	{ O_SINCE, "since", "time", "only tasks started since then" },
	{ O_TYPE, "type", "type", "only tasks of this type" },
	{ O_VMID, "vmid", "vmid", "only tasks of this guest" },
	PX_OPT_END
};

PX_COMMAND(tasks, "list the task history of every node, newest first",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "starttime", OT_TIME, 0 }, { "node", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "id", OT_STR, 0 }, { "user", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "endtime", OT_TIME, OC_EXTRA },
	{ "duration", OT_DURATION, OC_EXTRA }, { "upid", OT_STR, OC_EXTRA },
	{ "error", OT_STR, OC_EXTRA },
};
enum { C_START, C_NODE, C_TYPE, C_ID, C_USER, C_STATUS, C_END, C_DUR,
	C_UPID, C_ERROR };

struct filt {
	const char *type;
	int vmid, errors;
	long long since, limit;
};

static int
by_start_desc(const void *a, const void *b)
{
	const struct pve_task *x = a, *y = b;

	if (x->starttime != y->starttime)
		return x->starttime < y->starttime ? 1 : -1;
	return strcmp(x->upid, y->upid);
}

static void
query(struct buf *b, const struct filt *f)
{
	struct buf q = { 0 };

	if (f->type)
		form_add(&q, "typefilter", f->type);
	if (f->vmid > 0)
		form_addf(&q, "vmid", "%d", f->vmid);
	if (f->errors)
		form_add(&q, "errors", "1");
	if (f->since > 0)
		form_addf(&q, "since", "%lld", f->since);
	if (f->limit > 0)
		form_addf(&q, "limit", "%lld", f->limit);
	if (q.len) {
		buf_addc(b, '?');
		buf_adds(b, q.p);
	}
	buf_free(&q);
}

/* A row for a node that could not be read. */
static void
node_row(struct out *o, const char *node, const char *status,
    const char *msg)
{
	out_row(o);
	out_row_error(o);
	out_str(o, C_NODE, node);
	out_str(o, C_STATUS, status);
	out_str(o, C_ERROR, msg);
}

int
tasks_main(int argc, char **argv)
{
	struct px_cli x;
	struct filt f = { 0 };
	struct pve_node *nodes = NULL;
	struct pve_get_req *q;
	struct pve_task *all = NULL;
	struct px_err e;
	struct out *o;
	const char *node = NULL;
	char *end;
	int ch, nn = 0, na = 0, failed = 0, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_tasks, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_ERRORS:
			f.errors = 1;
			break;
		case O_LIMIT:
			f.limit = strtoll(g.arg, &end, 10);
			if (*end != '\0' || f.limit < 1)
				px_errx(PX_EXIT_USAGE, "--limit: '%s' is not a "
				    "positive number", g.arg);
			break;
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			node = g.arg;
			break;
		case O_SINCE:
			if (pve_parse_since(g.arg, (long long)time(NULL),
			    &f.since, &e) != 0)
				px_die(&e);
			break;
		case O_TYPE:
			f.type = g.arg;
			break;
		case O_VMID:
			if ((f.vmid = pve_parse_vmid(g.arg)) < 0)
				px_errx(PX_EXIT_USAGE, "--vmid: '%s' is not a "
				    "VMID", g.arg);
			break;
		default:
			px_usage(&px_cmd_tasks);
		}
	}
	argc -= g.ind;
	if (argc != 0)
		px_usage(&px_cmd_tasks);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (node) {
		nodes = px_xcalloc(1, sizeof(*nodes));
		snprintf(nodes[0].name, sizeof(nodes[0].name), "%s", node);
		nodes[0].online = 1;
		nn = 1;
	} else if (pve_nodes(x.client, &nodes, &nn, &e) != 0) {
		px_die(&e);
	}

	q = px_xcalloc((size_t)nn + 1, sizeof(*q));
	for (int i = 0; i < nn; i++) {
		struct buf p = { 0 };

		buf_adds(&p, "/nodes/");
		url_seg(&p, nodes[i].name);
		buf_adds(&p, "/tasks");
		query(&p, &f);
		pve_req_init(&q[i], nodes[i].online ? x.client : NULL, "%s",
		    p.p);
		buf_free(&p);
	}
	pve_get_all(q, nn);

	o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	for (int i = 0; i < nn; i++) {
		struct pve_task *v;
		int nv;

		if (!nodes[i].online) {
			node_row(o, nodes[i].name, nodes[i].status[0] ?
			    nodes[i].status : "offline", NULL);
			continue;
		}
		if (q[i].rc != 0 || pve_tasks_parse(&q[i].r.j, q[i].r.data,
		    &v, &nv, &q[i].err) != 0) {
			if (node)
				px_die(&q[i].err);
			node_row(o, nodes[i].name, "error", q[i].err.msg);
			px_warn("%s: %s", nodes[i].name, q[i].err.msg);
			failed++;
			continue;
		}
		all = px_xrealloc(all, (size_t)(na + nv + 1) * sizeof(*all));
		memcpy(all + na, v, (size_t)nv * sizeof(*v));
		na += nv;
		free(v);
	}
	if (na > 1)
		qsort(all, (size_t)na, sizeof(*all), by_start_desc);
	if (f.limit > 0 && na > f.limit)
		na = (int)f.limit;
	for (int i = 0; i < na; i++) {
		const struct pve_task *t = &all[i];

		out_row(o);
		out_int(o, C_START, t->starttime);
		out_str(o, C_NODE, t->node);
		out_str(o, C_TYPE, t->type);
		out_str(o, C_ID, t->id[0] ? t->id : NULL);
		out_str(o, C_USER, t->user);
		out_str(o, C_STATUS, t->status);
		if (t->endtime) {
			out_int(o, C_END, t->endtime);
			out_int(o, C_DUR, t->endtime - t->starttime);
		}
		out_str(o, C_UPID, t->upid);
		if (!t->running && !t->ok)
			out_row_error(o);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
	out_free(o);
	free(all);
	pve_req_free(q, nn);
	free(q);
	free(nodes);
	cli_free(&x);
	return rc;
}
