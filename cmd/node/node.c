/*
 * node -- start or stop the guests of a node at once: POST
 * /nodes/{node}/startall or /stopall (optionally only --vms), through
 * the gate (lib/gate.h), following the bulk task.  stopall is
 * destructive: it needs -y when standard input is not a terminal.  The
 * pre-flight check counts the guests the request would touch
 * (BulkCount) and, with --vms, judges the riskiest of them.
 *
 * px node shell NODE: the node's shell in the terminal, as px console
 * opens a guest's (POST /nodes/{node}/termproxy through the gate, action
 * "shell"; lib/support/console.c), optionally recorded as a cast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "enc.h"
#include "evacuate.h"
#include "mutcli.h"
#include "node.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_FORCE = PX_O_LONG, O_VMS, O_RECORD, O_RECORD_INPUT };
enum { O_TARGET = PX_O_LONG + 100, O_ONLINE, O_LOCAL };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_FORCE, "force", NULL, "startall: also guests without onboot; "
	    "stopall: stop what does not shut down" },
	{ O_VMS, "vms", "vmid,...", "only these guests" },
	{ O_RECORD, "record", "[file]", "shell: record the session as an "
	    "asciinema cast: in the data dir's casts/, or --record=file (a "
	    "new file)" },
	{ O_RECORD_INPUT, "record-input", NULL, "shell: record the keys "
	    "typed too" },
	{ O_TARGET, "target", "node", "evacuate: move every guest to this "
	    "node" },
	{ O_ONLINE, "online", NULL, "evacuate: move running guests as they "
	    "run" },
	{ O_LOCAL, "with-local-disks", NULL, "evacuate: copy local disks "
	    "along" },
	NODE_SYS_OPTS,
	PX_OPT_END
};

PX_COMMAND(node, "start, stop, suspend or evacuate the guests of a node, "
    "open its shell; its DNS, hosts, time, subscription, certificates, "
    "logs, packages and services", opts, NULL,
    "startall|stopall|shell|evacuate|suspendall node | "
    "dns|time|hosts|subscription|report|wol node | dns set node | "
    "time set node | hosts set node file | "
    "subscription set node key|file | subscription check|delete node | "
    "cert [info]|delete node | cert upload node cert [key] | "
    "cert acme order|renew node | journal|syslog node | "
    "apt update|upgradable|repos node | apt changelog node package | "
    "apt repos enable|disable node handle|path index | "
    "services [list] node | services start|stop|restart|reload node "
    "service");

/* px node shell NODE */
static int
node_shell(struct mutcli *m, const char *node, struct console_cmd *cc)
{
	struct px_err e = { 0 };
	struct gate_req r;
	struct gate_target *t;
	struct buf base = { 0 };
	char name[96], title[128];
	int rc;

	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0)
		px_die(&e);
	buf_adds(&base, "/nodes/");
	url_seg(&base, node);
	gate_req_init(&r, "shell", "node", 1);
	t = &r.t[0];
	snprintf(t->id, sizeof(t->id), "node/%.80s", node);
	t->call.method = "POST";
	buf_printf(&t->call.path, "%s/termproxy", base.p);
	snprintf(title, sizeof(title), "node %s", node);
	snprintf(t->summary, sizeof(t->summary), "open a shell on node %s",
	    node);
	gate_req_summarize(&r, "shell");
	snprintf(name, sizeof(name), "node-%.80s", node);
	cc->base = base.p;
	cc->cast_name = name;
	cc->title = title;
	rc = console_cmd_run(m, &r, cc);
	gate_req_free(&r);
	buf_free(&base);
	return rc;
}

int
node_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct mut_row row = { 0 };
	struct px_err e = { 0 };
	struct gate_req r;
	struct pve_guest *all = NULL, *mine;
	struct buf ids = { 0 };
	const char *vms = NULL;
	const char *action, *node;
	struct console_cmd cc = { 0 };
	struct nodesys ns = { 0 };
	struct node_evac_args ev = { 0 };
	int ch, rc, start, force = 0, nall = 0, nmine = 0, *want = NULL;
	int nwant = 0;

	mutcli_init(&m, &px_cmd_node);
	px_getopt_init(&go, &px_cmd_node, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_FORCE:
			force = 1;
			break;
		case O_VMS:
			vms = go.arg;
			break;
		case O_RECORD:
			cc.record = 1;
			cc.record_file = go.arg;
			break;
		case O_RECORD_INPUT:
			cc.record_input = 1;
			break;
		case O_TARGET:
			ev.target = go.arg;
			break;
		case O_ONLINE:
			ev.online = 1;
			break;
		case O_LOCAL:
			ev.local_disks = 1;
			break;
		default:
			if (!node_sys_opt(&ns, ch, go.arg))
				px_usage(&px_cmd_node);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc > 0 && node_sys_verb(argv[0])) {
		if (vms || cc.record || cc.record_input)
			px_errx(PX_EXIT_USAGE, "--vms, --record and "
			    "--record-input are for startall, stopall, shell");
		ns.force = force;
		rc = node_sys_main(&m, &ns, argc, argv);
		mutcli_free(&m);
		return rc;
	}
	if (ns.given)
		px_errx(PX_EXIT_USAGE, "%s takes none of the system verbs' "
		    "options", argc ? argv[0] : "node");
	if (argc != 2)
		px_usage(&px_cmd_node);
	start = strcmp(argv[0], "startall") == 0;
	node = argv[1];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (strcmp(argv[0], "evacuate") != 0 && (ev.target || ev.online ||
	    ev.local_disks))
		px_errx(PX_EXIT_USAGE, "--target, --online and "
		    "--with-local-disks are for evacuate");
	if (strcmp(argv[0], "evacuate") == 0 ||
	    strcmp(argv[0], "suspendall") == 0)
		return node_evac_verb(&m, argv[0], node, &ev, vms, force ||
		    cc.record || cc.record_input);
	if (strcmp(argv[0], "shell") == 0) {
		if (force || vms)
			px_errx(PX_EXIT_USAGE, "--force and --vms are for "
			    "startall and stopall");
		if (cc.record_input && !cc.record)
			px_errx(PX_EXIT_USAGE, "--record-input needs --record");
		if (cc.record_file && cc.record_file[0] == '\0')
			px_errx(PX_EXIT_USAGE, "--record=: an empty name");
		rc = node_shell(&m, node, &cc);
		mutcli_free(&m);
		return rc;
	}
	if (!start && strcmp(argv[0], "stopall") != 0)
		px_usage(&px_cmd_node);
	if (cc.record || cc.record_input)
		px_errx(PX_EXIT_USAGE, "--record and --record-input are for "
		    "shell");
	action = start ? "startall" : "stopall";
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

	mutcli_connect(&m);
	if (pve_node_check(m.x.client, node, &e) != 0 ||
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

	/* One request for the node; the guests it touches are its
	 * targets, judged and approved as one batch. */
	gate_req_init(&r, action, "node", nmine);
	for (int i = 0; i < nmine; i++)
		gate_target_guest(&r.t[i], &mine[i]);
	if (nwant == 0) {
		/* without --vms, PVE picks them: count them (BulkCount),
		 * do not judge each */
		for (int i = 0; i < nmine; i++)
			r.t[i].has_guest = 0;
	}
	r.call.method = "POST";
	buf_adds(&r.call.path, "/nodes/");
	url_seg(&r.call.path, node);
	buf_printf(&r.call.path, "/%s", action);
	if (vms)
		form_add(&r.call.form, "vms", ids.p);
	if (force)
		form_add(&r.call.form, start ? "force" : "force-stop", "1");
	if (vms)
		snprintf(r.summary, sizeof(r.summary), "%s guests %.300s on "
		    "node %s", start ? "start" : "stop", ids.p, node);
	else
		snprintf(r.summary, sizeof(r.summary), "%s every guest of "
		    "node %s (%d %s now)", start ? "start" : "stop", node,
		    nmine, start ? "stopped" : "running");
	snprintf(r.id, sizeof(r.id), "node/%.80s", node);
	r.destructive = !start;

	snprintf(row.node, sizeof(row.node), "%s", node);
	rc = mutcli_run_rows(&m, &r, &row);
	gate_req_free(&r);
	free(all);
	free(mine);
	free(want);
	buf_free(&ids);
	mutcli_free(&m);
	return rc;
}
