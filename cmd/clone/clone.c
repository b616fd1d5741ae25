/*
 * clone -- copy a guest (or a template) to a new VMID, through the gate
 * (lib/gate.h), and follow the task until the clone exists.  Without
 * --newid the next free VMID comes from GET /cluster/nextid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutate.h"
#include "pve_cluster.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(clone, "copy a guest or template to a new VMID",
    "usage: px clone [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--full] [--name name] [--newid vmid] [--no-wait] "
    "[--snapname snapshot] [--storage storage] [--target node] "
    "[--timeout seconds] vmid\n");

enum { C_VMID, C_NAME, C_NODE, C_ACTION, C_NEWID, C_NEWNAME, C_TARGET,
	C_RESULT, C_UPID, C_MESSAGE, C_N };
static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "action", OT_STR, 0 }, { "newid", OT_INT, 0 },
	{ "newname", OT_STR, 0 }, { "target", OT_STR, 0 },
	{ "result", OT_STR, 0 }, { "upid", OT_STR, OC_EXTRA },
	{ "message", OT_STR, 0 },
};

struct clone {
	int newid;
	const char *name;
	const char *target;
	const char *storage;
	const char *snapname;
	int full;
};

static int
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	struct clone *c = arg;
	int lxc = strcmp(g->type, "lxc") == 0;
	char name[192];

	(void)e;
	mutate_guest_name(g, name, sizeof(name));
	pve_guest_path(path, g->node, g->type, g->vmid);
	buf_adds(path, "/clone");
	form_addf(form, "newid", "%d", c->newid);
	if (c->name)
		form_add(form, lxc ? "hostname" : "name", c->name);
	if (c->target)
		form_add(form, "target", c->target);
	if (c->storage)
		form_add(form, "storage", c->storage);
	if (c->snapname)
		form_add(form, "snapname", c->snapname);
	if (c->full)
		form_add(form, "full", "1");
	r->method = "POST";
	snprintf(summary, n, "clone %s on %s to %d%s%s%s on %s", name,
	    g->node, c->newid, c->name ? " (" : "", c->name ? c->name : "",
	    c->name ? ")" : "", c->target ? c->target : g->node);
	return 0;
}

int
clone_main(int argc, char **argv)
{
	enum { O_FULL = MUTATE_O_OWN, O_NAME, O_NEWID, O_SNAPNAME, O_STORAGE,
		O_TARGET };
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		MUTATE_LONG,
		{ "full", no_argument, NULL, O_FULL },
		{ "name", required_argument, NULL, O_NAME },
		{ "newid", required_argument, NULL, O_NEWID },
		{ "snapname", required_argument, NULL, O_SNAPNAME },
		{ "storage", required_argument, NULL, O_STORAGE },
		{ "target", required_argument, NULL, O_TARGET },
		{ NULL, 0, NULL, 0 }
	};
	struct px_cli x;
	struct batch b;
	struct clone c = { 0 };
	struct mutate_item it;
	struct pve_guest g, *all;
	struct px_reply rep;
	struct px_err e = { 0 };
	struct out *o;
	int ch, vmid, rc, nall, found = 0;

	cli_init(&x);
	mutate_init(&b, &x);
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT MUTATE_SHORT,
	    longopts, NULL)) != -1) {
		if (mutate_opt(&b, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_clone);
		case O_FULL:
			c.full = 1;
			break;
		case O_NAME:
			c.name = optarg;
			break;
		case O_NEWID:
			if ((c.newid = pve_parse_vmid(optarg)) < 100)
				px_errx(PX_EXIT_USAGE, "--newid: '%s' is not a "
				    "VMID (100 or more)", optarg);
			break;
		case O_SNAPNAME:
			c.snapname = optarg;
			break;
		case O_STORAGE:
			c.storage = optarg;
			break;
		case O_TARGET:
			if (!pve_valid_node(optarg))
				px_errx(PX_EXIT_USAGE, "--target: '%s' is not "
				    "a node name", optarg);
			c.target = optarg;
			break;
		default:
			px_usage(&px_cmd_clone);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		px_usage(&px_cmd_clone);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_guests(x.client, &all, &nall, &e) != 0)
		px_die(&e);
	for (int i = 0; i < nall; i++) {
		if (all[i].vmid == vmid) {
			g = all[i];
			found = 1;
		}
		if (c.newid && all[i].vmid == c.newid)
			px_errx(PX_EXIT_USAGE, "--newid %d: that VMID is taken "
			    "(%s)", c.newid, all[i].name);
	}
	free(all);
	if (!found) {
		px_fail(&e, PXE_NOT_FOUND, "no guest with VMID %d", vmid);
		px_hint(&e, "px ls guests lists them (check the profile: -p)");
		px_die(&e);
	}
	if (c.newid == 0) {
		if (pve_get(x.client, &rep, &e, "/cluster/nextid") != 0)
			px_die(&e);
		rc = pve_nextid_parse(&rep.j, rep.data, &c.newid, &e);
		px_reply_free(&rep);
		if (rc != 0)
			px_die(&e);
	}
	rc = mutate_one(&b, "clone", &g, build, &c, NULL, NULL, &it);

	o = out_new(&x.out, cols, C_N);
	out_row(o);
	out_int(o, C_VMID, g.vmid);
	out_str(o, C_NAME, g.name);
	out_str(o, C_NODE, g.node);
	out_str(o, C_ACTION, "clone");
	out_int(o, C_NEWID, c.newid);
	out_str(o, C_NEWNAME, c.name);
	out_str(o, C_TARGET, c.target ? c.target : g.node);
	out_str(o, C_RESULT, it.result);
	out_str(o, C_UPID, it.res.upid[0] ? it.res.upid : NULL);
	if (it.err.id != PXE_OK) {
		out_str(o, C_MESSAGE, it.err.msg);
		out_row_error(o);
		px_report(&it.err);
	}
	if (cli_print(&x, o, &e) != 0)
		px_report(&e);
	out_free(o);
	mutate_item_free(&it);
	mutate_free(&b);
	cli_free(&x);
	return rc;
}
