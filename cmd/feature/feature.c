/*
 * feature -- can a guest take a snapshot, be cloned or copied now?  GET
 * .../{qemu,lxc}/{vmid}/feature?feature=...: PVE answers from the
 * guest's storages and state (a disk on storage without snapshots, a
 * running CT on some storages ...).  The exit status is the answer: 0
 * yes, 1 no, as test(1) does, so that scripts can ask.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "cli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_SNAPNAME = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE,
	{ O_SNAPNAME, "snapname", "name", "the snapshot to ask about (clone "
	    "or copy from a snapshot)" },
	PX_OPT_END
};

PX_COMMAND(feature, "can a guest be snapshotted, cloned or copied now",
    opts, NULL, "vmid snapshot|clone|copy");

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "feature", OT_STR, 0 },
	{ "available", OT_BOOL, 0 }, { "nodes", OT_STR, 0 },
};

int
feature_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct px_reply r;
	struct buf path = { 0 };
	char nodes[1024];
	struct out *o;
	const char *snap = NULL, *feat;
	int ch, vmid, has = 0, rc;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_feature, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		if (ch == O_SNAPNAME)
			snap = go.arg;
		else
			px_usage(&px_cmd_feature);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 2)
		px_usage(&px_cmd_feature);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	feat = argv[1];
	if (strcmp(feat, "snapshot") && strcmp(feat, "clone") &&
	    strcmp(feat, "copy"))
		px_errx(PX_EXIT_USAGE, "snapshot, clone or copy, not '%s'",
		    feat);
	if (snap && (!pve_valid_key(snap) || strlen(snap) > 40))
		px_errx(PX_EXIT_USAGE, "--snapname: '%s' is not a snapshot "
		    "name (letters, digits, '-' and '_', 40 at most)", snap);

	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	pve_guest_path(&path, g.node, g.type, g.vmid);
	buf_printf(&path, "/feature?feature=%s", feat);
	if (snap) {
		buf_adds(&path, "&snapname=");
		url_seg(&path, snap);
	}
	if (pve_get(x.client, &r, &e, "%s", path.p) != 0)
		px_die(&e);
	if (pve_feature_parse(&r.j, r.data, &has, nodes, sizeof(nodes),
	    &e) != 0)
		px_errx(PX_EXIT_FAIL, "GET %s: %s", path.p, e.msg);
	px_reply_free(&r);
	o = out_new(&x.out, cols, 4);
	out_row(o);
	out_int(o, 0, vmid);
	out_str(o, 1, feat);
	out_bool(o, 2, has);
	out_str(o, 3, nodes[0] ? nodes : NULL);
	rc = cli_print(&x, o, &e) != 0 ? px_report(&e) : has ? 0 :
	    PX_EXIT_FAIL;
	out_free(o);
	buf_free(&path);
	cli_free(&x);
	return rc;
}
