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
#include "mutate.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(snapshot, "list a guest's snapshots as a tree, create, delete, "
    "roll back",
    "usage: px snapshot list [-Hjv] [-c columns] [-f format] [-p profile] "
    "vmid\n"
    "       px snapshot create [-jnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--description text] [--no-wait] "
    "[--timeout seconds] [--vmstate] vmid name\n"
    "       px snapshot delete [-jnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--no-wait] [--timeout seconds] "
    "vmid name\n"
    "       px snapshot rollback [-jnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--no-wait] [--start] "
    "[--timeout seconds] vmid name\n");

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
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	struct snap *s = arg;
	char name[192];

	(void)e;
	mutate_guest_name(g, name, sizeof(name));
	pve_guest_path(path, g->node, g->type, g->vmid);
	buf_adds(path, "/snapshot");
	if (strcmp(s->op, "create") == 0) {
		form_add(form, "snapname", s->name);
		if (s->description)
			form_add(form, "description", s->description);
		if (s->vmstate)
			form_add(form, "vmstate", "1");
		r->method = "POST";
		snprintf(summary, n, "snapshot %s on %s as '%s'%s", name,
		    g->node, s->name, s->vmstate ? " with its RAM" : "");
		return 0;
	}
	buf_adds(path, "/");
	url_seg(path, s->name);
	r->destructive = 1;
	if (strcmp(s->op, "delete") == 0) {
		r->method = "DELETE";
		snprintf(summary, n, "delete snapshot '%s' of %s on %s",
		    s->name, name, g->node);
		return 0;
	}
	buf_adds(path, "/rollback");
	if (s->start)
		form_add(form, "start", "1");
	r->method = "POST";
	snprintf(summary, n, "roll %s on %s back to snapshot '%s' (changes "
	    "since are lost)", name, g->node, s->name);
	return 0;
}

static int
list(struct px_cli *x, const struct pve_guest *g)
{
	struct mutate_snap *v;
	struct px_err e;
	struct out *o;
	char indented[64 + 2 * 32];
	int n, rc = 0, table = x->out.fmt == OUT_TABLE;

	if (mutate_snapshots(x->client, g, &v, &n, &e) != 0)
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
	struct mutate_snap *v;
	int n, found = 0;

	if (mutate_snapshots(c, g, &v, &n, e) != 0)
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
	enum { O_DESCRIPTION = MUTATE_O_OWN, O_START, O_VMSTATE };
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		MUTATE_LONG,
		{ "description", required_argument, NULL, O_DESCRIPTION },
		{ "start", no_argument, NULL, O_START },
		{ "vmstate", no_argument, NULL, O_VMSTATE },
		{ NULL, 0, NULL, 0 }
	};
	const struct px_command *cmd = &px_cmd_snapshot;
	struct px_cli x;
	struct batch b;
	struct snap s = { 0 };
	struct mutate_item it;
	struct pve_guest g;
	struct px_err e = { 0 };
	char action[32];
	int ch, vmid, rc, is_list, mutating_opt = 0;

	if (argc < 2)
		px_usage(cmd);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		px_help_exit(cmd);
	s.op = argv[1];
	is_list = strcmp(s.op, "list") == 0;
	if (!is_list && strcmp(s.op, "create") != 0 && strcmp(s.op,
	    "delete") != 0 && strcmp(s.op, "rollback") != 0)
		px_usage(cmd);
	argc--;
	argv++;
	cli_init(&x);
	mutate_init(&b, &x);
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT MUTATE_SHORT,
	    longopts, NULL)) != -1) {
		if (ch == 'n' || ch == 'y' || ch == MUTATE_O_ALLOW_RISK ||
		    ch == MUTATE_O_NO_WAIT || ch == MUTATE_O_TIMEOUT)
			mutating_opt = 1;
		if (ch == 's' || (ch == 'H' && !is_list))
			px_usage(cmd);
		if (mutate_opt(&b, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(cmd);
		case O_DESCRIPTION:
			if (strcmp(s.op, "create") != 0)
				px_usage(cmd);
			s.description = optarg;
			break;
		case O_START:
			if (strcmp(s.op, "rollback") != 0)
				px_usage(cmd);
			s.start = 1;
			break;
		case O_VMSTATE:
			if (strcmp(s.op, "create") != 0)
				px_usage(cmd);
			s.vmstate = 1;
			break;
		default:
			px_usage(cmd);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != (is_list ? 1 : 2) || (is_list && mutating_opt))
		px_usage(cmd);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!is_list) {
		s.name = argv[1];
		if (!mutate_valid_snapname(s.name))
			px_errx(PX_EXIT_USAGE, "'%s' is not a snapshot name "
			    "(a letter, then letters, digits, '-' or '_'; at "
			    "most 40; not 'current')", s.name);
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (is_list) {
		rc = list(&x, &g);
		goto out;
	}
	if (s.vmstate && strcmp(g.type, "lxc") == 0)
		px_errx(PX_EXIT_USAGE, "--vmstate: CT %d is a container, "
		    "which has no RAM state to save", vmid);
	if (strcmp(s.op, "create") != 0 &&
	    snapshot_exists(x.client, &g, s.name, &e) != 0)
		px_die(&e);
	snprintf(action, sizeof(action), "%s", strcmp(s.op, "create") == 0 ?
	    "snapshot" : strcmp(s.op, "delete") == 0 ? "snapshot-delete" :
	    "rollback");
	rc = mutate_one(&b, action, &g, build, &s, NULL, NULL, &it);
	mutate_print(&x, &g, action, &it);
	mutate_item_free(&it);
out:
	mutate_free(&b);
	cli_free(&x);
	return rc;
}
