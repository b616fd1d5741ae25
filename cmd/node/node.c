/*
 * node -- start or stop the guests of a node at once: POST
 * /nodes/{node}/startall or /stopall (optionally only --vms), through
 * the gate (lib/gate.h), following the bulk task.  stopall is
 * destructive: it needs -y when standard input is not a terminal.  The
 * pre-flight check counts the guests the request would touch
 * (BulkCount) and, with --vms, judges the riskiest of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutate2.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(node, "start or stop every guest of a node",
    "usage: px node startall | stopall [-Hjnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--force] [--no-wait] "
    "[--timeout seconds] [--vms vmid,...] node\n");

int
node_main(int argc, char **argv)
{
	enum { O_FORCE = 256, O_VMS };
	static const struct option longopts[] = {
		MUT_LONG_GATE,
		MUT_LONG_WAIT,
		{ "force", no_argument, NULL, O_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ "vms", required_argument, NULL, O_VMS },
		{ NULL, 0, NULL, 0 }
	};
	struct mut m;
	struct mut_row row;
	struct px_err e = { 0 };
	struct gate_req r = { 0 };
	struct pve_guest *all = NULL, *mine;
	const struct pve_guest *judge = NULL;
	struct buf path = { 0 }, form = { 0 }, ids = { 0 };
	char summary[512], target[96], *vms = NULL;
	const char *action, *node;
	int ch, rc, start, force = 0, nall = 0, nmine = 0, *want = NULL;
	int nwant = 0;

	if (argc < 2)
		px_usage(&px_cmd_node);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		px_help_exit(&px_cmd_node);
	start = strcmp(argv[1], "startall") == 0;
	if (!start && strcmp(argv[1], "stopall") != 0)
		px_usage(&px_cmd_node);
	action = start ? "startall" : "stopall";
	argv[1] = argv[0];
	argc--;
	argv++;

	mut_init(&m);
	while ((ch = getopt_long(argc, argv, MUT_SHORT "h", longopts,
	    NULL)) != -1) {
		if (mut_opt(&m, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_node);
		case O_FORCE:
			force = 1;
			break;
		case O_VMS:
			vms = optarg;
			break;
		default:
			px_usage(&px_cmd_node);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		px_usage(&px_cmd_node);
	node = argv[0];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (vms) {
		char *copy = px_xstrdup(vms), *save = NULL;

		want = px_xcalloc(strlen(vms) / 2 + 2, sizeof(*want));
		for (char *p = strtok_r(copy, ",", &save); p;
		    p = strtok_r(NULL, ",", &save)) {
			if ((want[nwant] = pve_parse_vmid(p)) < 0)
				px_errx(PX_EXIT_USAGE, "--vms: '%s' is not a "
				    "VMID", p);
			buf_printf(&ids, "%s%d", nwant ? "," : "",
			    want[nwant]);
			nwant++;
		}
		free(copy);
		if (nwant == 0)
			px_errx(PX_EXIT_USAGE, "--vms: no VMID given");
	}

	if (cli_connect(&m.x, &e) != 0 ||
	    mut_node_check(m.x.client, node, &e) != 0 ||
	    pve_guests(m.x.client, &all, &nall, &e) != 0)
		px_die(&e);
	/* The guests this would touch: the listed ones (each must be on
	 * the node), else those of the node in the state it changes. */
	mine = px_xcalloc((size_t)nall + 1, sizeof(*mine));
	for (int i = 0; i < nwant; i++) {
		int k;

		for (k = 0; k < nall && all[k].vmid != want[i]; k++)
			;
		if (k == nall) {
			px_fail(&e, PXE_NOT_FOUND, "no guest with VMID %d",
			    want[i]);
			px_die(&e);
		}
		if (strcmp(all[k].node, node) != 0) {
			px_fail(&e, PXE_NOT_FOUND, "guest %d is on node %s, "
			    "not on %s", want[i], all[k].node, node);
			px_die(&e);
		}
		mine[nmine++] = all[k];
	}
	if (nwant == 0)
		for (int k = 0; k < nall; k++)
			if (strcmp(all[k].node, node) == 0 &&
			    !all[k].template &&
			    (strcmp(all[k].status, "stopped") == 0) == start)
				mine[nmine++] = all[k];

	buf_adds(&path, "/nodes/");
	url_seg(&path, node);
	buf_printf(&path, "/%s", action);
	if (vms)
		form_add(&form, "vms", ids.p);
	if (force)
		form_add(&form, start ? "force" : "force-stop", "1");
	if (vms)
		snprintf(summary, sizeof(summary), "%s guests %.300s on "
		    "node %s", start ? "start" : "stop", ids.p, node);
	else
		snprintf(summary, sizeof(summary), "%s every guest of node "
		    "%s (%d %s now)", start ? "start" : "stop", node, nmine,
		    start ? "stopped" : "running");
	snprintf(target, sizeof(target), "node/%s", node);
	m.g.batch = nmine > 0 ? nmine : 1;
	if (nwant > 0)
		judge = mut_gate_guest(&m, action, mine, nmine);
	r.action = action;
	r.guest = judge;
	r.target = target;
	r.method = "POST";
	r.path = path.p;
	r.form = form.len ? form.p : NULL;
	r.summary = summary;
	r.destructive = !start;

	mut_row_init(&row, action, NULL);
	snprintf(row.node, sizeof(row.node), "%s", node);
	if (mut_one(&m, &r, &row, &e) != 0) {
		snprintf(row.message, sizeof(row.message), "%s", e.msg);
		px_report(&e);
		mut_print(&m, &row, 1);
		rc = px_exit_code(&e);
	} else {
		rc = mut_print(&m, &row, 1);
	}
	free(all);
	free(mine);
	free(want);
	buf_free(&path);
	buf_free(&form);
	buf_free(&ids);
	mut_free(&m);
	return rc;
}
