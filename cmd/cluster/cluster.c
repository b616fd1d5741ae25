/*
 * cluster -- the datacenter's view: membership and quorum (status), the
 * cluster log (log), every resource (resources), the datacenter options
 * (options) and their change (options set: PUT /cluster/options,
 * through the gate, with the MigrationNetworkChange check), the next
 * free VMID (nextid).  PUT /cluster/options has no digest.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_objrisk_sdn.h"

enum { O_MAX = PX_O_LONG, O_TYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ O_MAX, "max", "n", "with log: at most n entries" },
	{ O_TYPE, "type", "node | storage | vm | sdn",
	    "with resources: only this type" },
	PX_PARAM("keyboard", "layout", "options set: the default keyboard"),
	PX_PARAM("migration", "type=secure|insecure,network=CIDR",
	    "options set: how and where guests migrate"),
	PX_PARAM("console", "applet | vv | html5 | xtermjs",
	    "options set: the default console"),
	PX_PARAM("mac_prefix", "prefix", "options set: the prefix of "
	    "generated MAC addresses"),
	PX_PARAM("max_workers", "n", "options set: parallel workers of "
	    "bulk actions"),
	PX_PARAM("tag-style", "spec", "options set: how tags look"),
	PX_PARAM("language", "lang", "options set: the web interface's "
	    "language"),
	PX_PARAM("email_from", "address", "options set: the sender of "
	    "notification mails"),
	PX_PARAM("ha", "shutdown_policy=...", "options set: HA options"),
	PX_PARAM("crs", "ha=basic|static,...", "options set: the cluster "
	    "resource scheduler"),
	PX_PARAM("bwlimit", "spec", "options set: bandwidth limits"),
	PX_PARAM("next-id", "lower=N,upper=N", "options set: the range of "
	    "free VMIDs"),
	PX_PARAM("delete", "key,...", "options set: reset these options"),
	PX_OPT_END
};

PX_COMMAND(cluster, "show cluster status, log, resources, options, nextid",
    opts, NULL, "status | log | resources | options [set] | nextid | "
    "config nodes | join | totem | qdevice");

static const struct out_col status_cols[] = {
	{ "type", OT_STR, 0 }, { "name", OT_STR, 0 }, { "id", OT_STR, 0 },
	{ "nodeid", OT_INT, 0 }, { "ip", OT_STR, 0 },
	{ "online", OT_BOOL, 0 }, { "local", OT_BOOL, 0 },
	{ "level", OT_STR, 0 }, { "quorate", OT_BOOL, 0 },
	{ "nodes", OT_INT, 0 }, { "version", OT_INT, 0 },
};
static const struct out_col log_cols[] = {
	{ "time", OT_TIME, 0 }, { "node", OT_STR, 0 }, { "user", OT_STR, 0 },
	{ "tag", OT_STR, 0 }, { "pri", OT_INT, OC_EXTRA },
	{ "pid", OT_INT, OC_EXTRA }, { "uid", OT_INT, OC_EXTRA },
	{ "msg", OT_STR, 0 },
};
static const struct out_col res_cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "name", OT_STR, 0 }, { "status", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "cpu", OT_PCT, 0 }, { "maxcpu", OT_NUM, 0 },
	{ "mem", OT_BYTES, 0 }, { "maxmem", OT_BYTES, 0 },
	{ "disk", OT_BYTES, 0 }, { "maxdisk", OT_BYTES, 0 },
	{ "uptime", OT_DURATION, 0 }, { "pool", OT_STR, 0 },
	{ "storage", OT_STR, OC_EXTRA }, { "tags", OT_STR, OC_EXTRA },
	{ "hastate", OT_STR, OC_EXTRA }, { "plugintype", OT_STR, OC_EXTRA },
	{ "content", OT_STR, OC_EXTRA }, { "shared", OT_BOOL, OC_EXTRA },
	{ "sdn", OT_STR, OC_EXTRA },
};
static const struct out_col kv_cols[] = {
	{ "key", OT_STR, 0 }, { "value", OT_STR, 0 },
};
static const struct out_col cfgnode_cols[] = { { "node", OT_STR, 0 } };
static const struct out_col join_cols[] = {
	{ "name", OT_STR, 0 }, { "nodeid", OT_INT, 0 },
	{ "pve_addr", OT_STR, 0 }, { "ring0_addr", OT_STR, 0 },
	{ "quorum_votes", OT_INT, 0 }, { "pve_fp", OT_STR, 0 },
};
static const struct out_col nextid_cols[] = { { "nextid", OT_INT, 0 } };

#define NCOLS(c) (int)(sizeof(c) / sizeof(c[0]))

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

static struct out *
show_status(struct px_cli *x, struct px_reply *r, struct px_err *e)
{
	struct pve_cluster_member *v;
	struct out *o;
	int n;

	if (pve_cluster_status_parse(&r->j, r->data, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, status_cols, NCOLS(status_cols));
	for (int i = 0; i < n; i++) {
		int node = strcmp(v[i].type, "node") == 0;

		out_row(o);
		out_str(o, 0, v[i].type);
		out_str(o, 1, v[i].name);
		out_str(o, 2, nz(v[i].id));
		if (node) {
			out_int(o, 3, v[i].nodeid);
			out_str(o, 4, nz(v[i].ip));
			out_bool(o, 5, v[i].online);
			out_bool(o, 6, v[i].local);
			out_str(o, 7, nz(v[i].level));
			if (!v[i].online)
				out_row_error(o);
		} else {
			out_bool(o, 8, v[i].quorate);
			out_int(o, 9, v[i].nodes);
			out_int(o, 10, v[i].version);
		}
	}
	free(v);
	return o;
}

static struct out *
show_log(struct px_cli *x, struct px_reply *r, struct px_err *e)
{
	struct pve_log_entry *v;
	struct out *o;
	int n;

	if (pve_cluster_log_parse(&r->j, r->data, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, log_cols, NCOLS(log_cols));
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_int(o, 0, v[i].time);
		out_str(o, 1, nz(v[i].node));
		out_str(o, 2, nz(v[i].user));
		out_str(o, 3, nz(v[i].tag));
		out_int(o, 4, v[i].pri);
		out_int(o, 5, v[i].pid);
		out_int(o, 6, v[i].uid);
		out_str(o, 7, v[i].msg);
	}
	free(v);
	return o;
}

static struct out *
show_resources(struct px_cli *x, struct px_reply *r, struct px_err *e)
{
	struct pve_resource *v;
	struct out *o;
	int n;

	if (pve_resources_parse(&r->j, r->data, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, res_cols, NCOLS(res_cols));
	for (int i = 0; i < n; i++) {
		const struct pve_resource *z = &v[i];
		int has_load = !strcmp(z->type, "node") ||
		    !strcmp(z->type, "qemu") || !strcmp(z->type, "lxc");

		out_row(o);
		out_str(o, 0, z->id);
		out_str(o, 1, z->type);
		out_str(o, 2, nz(z->node));
		out_str(o, 3, nz(z->name) ? z->name : nz(z->storage) ?
		    z->storage : nz(z->pool) ? z->pool : nz(z->sdn));
		out_str(o, 4, nz(z->status));
		if (z->vmid)
			out_int(o, 5, z->vmid);
		if (has_load) {
			out_num(o, 6, z->cpu);
			out_num(o, 7, z->maxcpu);
			out_uint(o, 8, z->mem);
			out_uint(o, 9, z->maxmem);
			out_int(o, 12, z->uptime);
		}
		if (has_load || !strcmp(z->type, "storage")) {
			out_uint(o, 10, z->disk);
			out_uint(o, 11, z->maxdisk);
		}
		out_str(o, 13, nz(z->pool));
		out_str(o, 14, nz(z->storage));
		out_str(o, 15, nz(z->tags));
		out_str(o, 16, nz(z->hastate));
		out_str(o, 17, nz(z->plugintype));
		out_str(o, 18, nz(z->content));
		if (!strcmp(z->type, "storage"))
			out_bool(o, 19, z->shared);
		out_str(o, 20, nz(z->sdn));
	}
	free(v);
	return o;
}

static struct out *
show_options(struct px_cli *x, struct px_reply *r, struct px_err *e)
{
	struct pve_kv *v;
	struct out *o;
	int n;

	if (pve_kv_parse(&r->j, r->data, &v, &n, e) != 0)
		px_die(e);
	o = out_new(&x->out, kv_cols, 2);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].key);
		out_str(o, 1, v[i].value);
	}
	pve_kv_free(v, n);
	return o;
}

/*
 * options set: PUT /cluster/options with the parameters given.  PVE
 * checks them against its schema (a 400 names each bad one); px only
 * insists that something is given.
 */
static int
options_set(struct objcli *oc)
{
	struct objcli_change c = { .kind = "cluster-options",
	    .id = "options", .action = "set", .method = "PUT",
	    .path = "/cluster/options", .summary = "set the datacenter options" };
	struct objrisk_options a = { 0 };
	const char *p, *d;
	char *mig = NULL;
	int rc;

	if (oc->nparams == 0)
		px_errx(PX_EXIT_USAGE, "options set: nothing to change (give "
		    "an option, --delete or --raw)");
	/* the risk check's view of the form */
	p = oc->form.p;
	while (p && *p) {
		size_t n = strcspn(p, "&");

		if (strncmp(p, "migration=", 10) == 0) {
			struct buf v = { 0 };

			url_decode(&v, p + 10, n - 10, 1);
			mig = buf_steal(&v);
		} else if (strncmp(p, "delete=", 7) == 0) {
			struct buf v = { 0 };

			url_decode(&v, p + 7, n - 7, 1);
			for (d = v.p; d && *d; d += strcspn(d, ",; ")) {
				d += strspn(d, ",; ");
				if (strncmp(d, "migration", 9) == 0 &&
				    strchr(",; ", d[9]))
					a.delete_migration = 1;
			}
			buf_free(&v);
		}
		p += n;
		if (*p == '&')
			p++;
	}
	a.migration = mig;
	c.assess = objrisk_cluster_options;
	c.assess_arg = &a;
	rc = objcli_change(oc, &c);
	free(mig);
	return rc;
}

/*
 * config nodes|join|totem|qdevice: corosync's view.  join prints the
 * node list of the join information (addresses, fingerprints): it
 * carries no secret, and px shows nothing else of it.
 */
static int
config_show(struct objcli *oc, const char *what)
{
	if (strcmp(what, "nodes") == 0) {
		struct pve_cfg_node *v;
		struct px_reply r;
		struct px_err e = { 0 };
		struct out *o;
		int n, rc = 0;

		objcli_get(oc, &r, "/cluster/config/nodes");
		if (pve_cfg_nodes_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, cfgnode_cols, NCOLS(cfgnode_cols));
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].node);
		}
		if (cli_print(&oc->m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		free(v);
		px_reply_free(&r);
		return rc;
	}
	if (strcmp(what, "join") == 0) {
		struct pve_join_node *v;
		struct px_reply r;
		struct px_err e = { 0 };
		struct out *o;
		int n, rc = 0;

		objcli_get(oc, &r, "/cluster/config/join");
		if (pve_cluster_join_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, join_cols, NCOLS(join_cols));
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].name);
			if (v[i].nodeid > 0)
				out_int(o, 1, v[i].nodeid);
			out_str(o, 2, v[i].pve_addr[0] ? v[i].pve_addr : NULL);
			out_str(o, 3, v[i].ring0_addr[0] ? v[i].ring0_addr :
			    NULL);
			if (v[i].quorum_votes >= 0)
				out_int(o, 4, v[i].quorum_votes);
			out_str(o, 5, v[i].pve_fp[0] ? v[i].pve_fp : NULL);
		}
		if (cli_print(&oc->m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		free(v);
		px_reply_free(&r);
		return rc;
	}
	if (strcmp(what, "totem") == 0 || strcmp(what, "qdevice") == 0) {
		struct px_reply r;
		struct px_err e = { 0 };
		struct out *o;
		int rc = 0;

		objcli_get(oc, &r, "/cluster/config/%s", what);
		o = show_options(&oc->m.x, &r, &e);
		if (cli_print(&oc->m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
		px_reply_free(&r);
		return rc;
	}
	px_errx(PX_EXIT_USAGE, "cluster config: '%s' is not one of nodes, "
	    "join, totem, qdevice", what);
}

int
cluster_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_cli *xp;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	const char *what, *type = NULL;
	char *end;
	long max = 0;
	int ch, id, rc = 0;
	struct px_getopt g;

	objcli_init(&oc, &px_cmd_cluster);
	xp = &oc.m.x;
	px_getopt_init(&g, &px_cmd_cluster, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_MAX:
			max = strtol(g.arg, &end, 10);
			if (*end != '\0' || max < 1)
				px_errx(PX_EXIT_USAGE, "--max: '%s' is not a "
				    "positive number", g.arg);
			break;
		case O_TYPE:
			if (strcmp(g.arg, "node") && strcmp(g.arg, "storage") &&
			    strcmp(g.arg, "vm") && strcmp(g.arg, "sdn"))
				px_errx(PX_EXIT_USAGE, "--type: '%s' is not one "
				    "of node, storage, vm, sdn", g.arg);
			type = g.arg;
			break;
		default:
			px_usage(&px_cmd_cluster);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc == 2 && strcmp(argv[0], "options") == 0 &&
	    strcmp(argv[1], "set") == 0) {
		if (type || max)
			px_errx(PX_EXIT_USAGE, "options set takes the options' "
			    "parameters");
		rc = options_set(&oc);
		objcli_free(&oc);
		return rc;
	}
	if (argc == 2 && strcmp(argv[0], "config") == 0) {
		objcli_no_params(&oc, "config");
		if (type || max)
			px_errx(PX_EXIT_USAGE, "config takes no --type or --max");
		rc = config_show(&oc, argv[1]);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 1)
		px_usage(&px_cmd_cluster);
	what = argv[0];
	objcli_no_params(&oc, what);
	if (strcmp(what, "status") && strcmp(what, "log") &&
	    strcmp(what, "resources") && strcmp(what, "options") &&
	    strcmp(what, "nextid"))
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (status, log, "
		    "resources, options, nextid)", what);
	if (type && strcmp(what, "resources") != 0)
		px_errx(PX_EXIT_USAGE, "--type is for cluster resources");
	if (max && strcmp(what, "log") != 0)
		px_errx(PX_EXIT_USAGE, "--max is for cluster log");
	objcli_connect(&oc);

	if (strcmp(what, "resources") == 0)
		rc = pve_get(xp->client, &r, &e, "/cluster/resources%s%s",
		    type ? "?type=" : "", type ? type : "");
	else if (strcmp(what, "log") == 0 && max)
		rc = pve_get(xp->client, &r, &e, "/cluster/log?max=%ld", max);
	else
		rc = pve_get(xp->client, &r, &e, "/cluster/%s", what);
	if (rc != 0)
		px_die(&e);
	if (strcmp(what, "status") == 0)
		o = show_status(xp, &r, &e);
	else if (strcmp(what, "log") == 0)
		o = show_log(xp, &r, &e);
	else if (strcmp(what, "resources") == 0)
		o = show_resources(xp, &r, &e);
	else if (strcmp(what, "options") == 0)
		o = show_options(xp, &r, &e);
	else {
		if (pve_nextid_parse(&r.j, r.data, &id, &e) != 0)
			px_die(&e);
		o = out_new(&xp->out, nextid_cols, 1);
		out_row(o);
		out_int(o, 0, id);
	}
	if (cli_print(xp, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	objcli_free(&oc);
	return rc;
}
