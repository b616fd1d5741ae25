/*
 * snapshot -- a guest's snapshots: list them as a tree (where the guest
 * is marked "current"), create, delete and roll back, each change through
 * the gate (lib/gate.h) with its task followed to the end.  Deleting a
 * snapshot and rolling back lose data: both ask, or need -y.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "guest_op.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_snaptree.h"
#include "pve_guest.h"

enum { O_DESCRIPTION = PX_O_LONG, O_START, O_VMSTATE };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_DESCRIPTION, "description", "text", "create: its description" },
	{ O_START, "start", NULL, "rollback: start the guest after it" },
	{ O_VMSTATE, "vmstate", NULL, "create: save the VM's RAM too" },
	PX_OPT_END
};

PX_COMMAND(snapshot, "list a guest's snapshots as a tree, create, delete, "
    "roll back", opts, "list | create | delete | rollback", "vmid [name]");

enum { S_NAME, S_PARENT, S_SNAPTIME, S_VMSTATE, S_CURRENT, S_DEPTH,
	S_DESCRIPTION, S_N };
static const struct out_col snap_cols[] = {
	{ "name", OT_STR, 0 }, { "parent", OT_STR, 0 },
	{ "snaptime", OT_TIME, 0 }, { "vmstate", OT_BOOL, 0 },
	{ "current", OT_BOOL, OC_EXTRA }, { "depth", OT_INT, OC_EXTRA },
	{ "description", OT_STR, 0 },
};

struct snap {
	const char *op;		/* create, delete, rollback */
	const char *name;
	const char *description;
	int vmstate, start;
};

static int
list(struct px_cli *x, const struct pve_guest *g)
{
	struct pve_snapnode *v;
	struct px_err e;
	struct out *o;
	char indented[64 + 2 * 32];
	int n, rc = 0, table = x->out.fmt == OUT_TABLE;

	if (pve_snaptree(x->client, g, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&x->out, snap_cols, S_N);
	for (int i = 0; i < n; i++) {
		int d = v[i].depth < 32 ? v[i].depth : 32;

		out_row(o);
		/* the tree shows in the table; JSON and TSV stay flat,
		 * with parent and depth */
		snprintf(indented, sizeof(indented), "%*s%s", table ? 2 * d :
		    0, "", v[i].s.name);
		out_str(o, S_NAME, indented);
		out_str(o, S_PARENT, v[i].s.parent[0] ? v[i].s.parent : NULL);
		if (!v[i].current) {
			out_int(o, S_SNAPTIME, v[i].s.snaptime);
			out_bool(o, S_VMSTATE, v[i].s.vmstate);
		}
		out_bool(o, S_CURRENT, v[i].current);
		out_int(o, S_DEPTH, v[i].depth);
		out_str(o, S_DESCRIPTION, v[i].s.description[0] ?
		    v[i].s.description : NULL);
	}
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	return rc;
}

/* PXE_NOT_FOUND unless g has a snapshot called name. */
static int
snapshot_exists(struct px_client *c, const struct pve_guest *g,
    const char *name, struct px_err *e)
{
	struct pve_snapnode *v;
	int n, found = 0;

	if (pve_snaptree(c, g, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		found = !v[i].current && strcmp(v[i].s.name, name) == 0;
	free(v);
	if (!found) {
		px_fail(e, PXE_NOT_FOUND, "%s %d has no snapshot '%s'",
		    strcmp(g->type, "lxc") == 0 ? "CT" : "VM", g->vmid, name);
		px_hint(e, "px snapshot list %d shows them", g->vmid);
		return -1;
	}
	return 0;
}

int
snapshot_main(int argc, char **argv)
{
	const struct px_command *cmd = &px_cmd_snapshot;
	struct px_getopt go;
	struct mutcli m;
	struct snap s = { 0 };
	struct gate_req r;
	struct pve_guest g;
	struct px_err e = { 0 };
	const char *action;
	int ch, vmid, rc, is_list, mutating_opt = 0, header_opt = 0;

	mutcli_init(&m, cmd);
	px_getopt_init(&go, cmd, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (ch == 'n' || ch == 'y' || ch == PX_O_ALLOW_RISK ||
		    ch == PX_O_NO_WAIT || ch == PX_O_TIMEOUT)
			mutating_opt = 1;
		if (ch == 'H')
			header_opt = 1;
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_DESCRIPTION:
			s.description = go.arg;
			break;
		case O_START:
			s.start = 1;
			break;
		case O_VMSTATE:
			s.vmstate = 1;
			break;
		default:
			px_usage(cmd);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 1)
		px_usage(cmd);
	s.op = argv[0];
	argc--;
	argv++;
	is_list = strcmp(s.op, "list") == 0;
	if (!is_list && strcmp(s.op, "create") != 0 && strcmp(s.op,
	    "delete") != 0 && strcmp(s.op, "rollback") != 0)
		px_usage(cmd);
	/* each option belongs to its subcommands */
	if (argc != (is_list ? 1 : 2) || (is_list && mutating_opt) ||
	    (!is_list && header_opt) ||
	    ((s.description || s.vmstate) && strcmp(s.op, "create") != 0) ||
	    (s.start && strcmp(s.op, "rollback") != 0))
		px_usage(cmd);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!is_list) {
		s.name = argv[1];
		if (!pve_valid_snapname(s.name))
			px_errx(PX_EXIT_USAGE, "'%s' is not a snapshot name "
			    "(a letter, then letters, digits, '-' or '_'; at "
			    "most 40; not 'current')", s.name);
	}
	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (is_list) {
		rc = list(&m.x, &g);
		goto out;
	}
	if (s.vmstate && strcmp(g.type, "lxc") == 0)
		px_errx(PX_EXIT_USAGE, "--vmstate: CT %d is a container, "
		    "which has no RAM state to save", vmid);
	if (strcmp(s.op, "create") != 0 &&
	    snapshot_exists(m.x.client, &g, s.name, &e) != 0)
		px_die(&e);
	action = strcmp(s.op, "create") == 0 ? "snapshot" :
	    strcmp(s.op, "delete") == 0 ? "snapshot-delete" : "rollback";
	gate_req_init(&r, action, "guest", 1);
	if (strcmp(s.op, "create") == 0) {
		guest_op_snapshot(&r.t[0], &g, s.name, s.description,
		    s.vmstate);
	} else if (strcmp(s.op, "delete") == 0) {
		guest_op_snapshot_delete(&r.t[0], &g, s.name);
		r.destructive = 1;
	} else {
		guest_op_rollback(&r.t[0], &g, s.name, s.start);
		r.destructive = 1;
	}
	gate_req_summarize(&r, action);
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
out:
	mutcli_free(&m);
	return rc;
}
