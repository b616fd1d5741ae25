/*
 * clone -- copy a guest (or a template) to a new VMID, through the gate
 * (lib/gate.h), and follow the task until the clone exists.  Without
 * --newid the next free VMID comes from GET /cluster/nextid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_guest.h"

enum { O_FULL = PX_O_LONG, O_NAME, O_NEWID, O_SNAPNAME, O_STORAGE,
	O_TARGET };

static const struct px_opt opts[] = {
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE,
	PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_FULL, "full", NULL, "a full copy, not a linked clone" },
	{ O_NAME, "name", "name", "the new guest's name" },
	{ O_NEWID, "newid", "vmid", "the new VMID (default: the next free)" },
	{ O_SNAPNAME, "snapname", "snapshot", "clone this snapshot" },
	{ O_STORAGE, "storage", "storage", "the storage of the copy's disks" },
	{ O_TARGET, "target", "node", "the node of the copy" },
	PX_OPT_END
};

PX_COMMAND(clone, "copy a guest or template to a new VMID", opts, NULL,
    "vmid");

/* clone's own columns, between action and result */
enum { C_NEWID, C_NEWNAME, C_TARGET, C_N };
static const struct out_col cols[] = {
	{ "newid", OT_INT, 0 }, { "newname", OT_STR, 0 },
	{ "target", OT_STR, 0 },
};

struct clone {
	int newid;
	const char *name;
	const char *target;
	const char *storage;
	const char *snapname;
	const char *node;	/* the source's, the default target */
	int full;
};

/* The request into t. */
static void
build(const struct clone *c, const struct pve_guest *g,
    struct gate_target *t)
{
	int lxc = strcmp(g->type, "lxc") == 0;
	char name[192];

	gate_target_guest(t, g);
	pve_guest_label(g, name, sizeof(name));
	t->call.method = "POST";
	pve_guest_path(&t->call.path, g->node, g->type, g->vmid);
	buf_adds(&t->call.path, "/clone");
	form_addf(&t->call.form, "newid", "%d", c->newid);
	if (c->name)
		form_add(&t->call.form, lxc ? "hostname" : "name", c->name);
	if (c->target)
		form_add(&t->call.form, "target", c->target);
	if (c->storage)
		form_add(&t->call.form, "storage", c->storage);
	if (c->snapname)
		form_add(&t->call.form, "snapname", c->snapname);
	if (c->full)
		form_add(&t->call.form, "full", "1");
	snprintf(t->summary, sizeof(t->summary), "clone %s on %s to %d%s%s%s "
	    "on %s", name, g->node, c->newid, c->name ? " (" : "", c->name ?
	    c->name : "", c->name ? ")" : "", c->target ? c->target :
	    g->node);
}

static void
fill(struct out *o, int row, int base, void *arg)
{
	const struct clone *c = arg;

	(void)row;
	out_int(o, base + C_NEWID, c->newid);
	out_str(o, base + C_NEWNAME, c->name);
	out_str(o, base + C_TARGET, c->target ? c->target : c->node);
}

int
clone_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct gate_req r;
	struct mut_row row = { 0 };
	struct clone c = { 0 };
	struct pve_guest g, *all;
	struct px_reply rep;
	struct px_err e = { 0 };
	int ch, vmid, rc, nall, found = 0;

	mutcli_init(&m, &px_cmd_clone);
	px_getopt_init(&go, &px_cmd_clone, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_FULL:
			c.full = 1;
			break;
		case O_NAME:
			c.name = go.arg;
			break;
		case O_NEWID:
			if ((c.newid = pve_parse_vmid(go.arg)) < 100)
				px_errx(PX_EXIT_USAGE, "--newid: '%s' is not a "
				    "VMID (100 or more)", go.arg);
			break;
		case O_SNAPNAME:
			c.snapname = go.arg;
			break;
		case O_STORAGE:
			c.storage = go.arg;
			break;
		case O_TARGET:
			if (!pve_valid_node(go.arg))
				px_errx(PX_EXIT_USAGE, "--target: '%s' is not "
				    "a node name", go.arg);
			c.target = go.arg;
			break;
		default:
			px_usage(&px_cmd_clone);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_clone);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	mutcli_connect(&m);
	if (pve_guests(m.x.client, &all, &nall, &e) != 0)
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
		if (pve_get(m.x.client, &rep, &e, "/cluster/nextid") != 0)
			px_die(&e);
		rc = pve_nextid_parse(&rep.j, rep.data, &c.newid, &e);
		px_reply_free(&rep);
		if (rc != 0)
			px_die(&e);
	}
	gate_req_init(&r, "clone", "guest", 1);
	build(&c, &g, &r.t[0]);
	gate_req_summarize(&r, "clone");
	mutation_run(&m.g, &r, &m.o, &m.ui, &row, &e);
	rc = mutcli_status(&row, 1);

	c.node = g.node;
	if (row.err.id != PXE_OK)
		px_report(&row.err);
	if (mutcli_print_extra(&m, &row, 1, cols, C_N, fill, &c) != 0 &&
	    rc == 0)
		rc = PX_EXIT_FAIL;
	gate_req_free(&r);
	mutcli_free(&m);
	return rc;
}
