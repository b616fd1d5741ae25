/*
 * status -- one guest's live status (GET .../status/current) as a record:
 * running state, QMP status, pid, uptime, load, agent, HA state.
 *
 * A guest on an offline node cannot be asked: its record then holds what
 * the cluster knows (status "unknown") and a warning says why.
 */
#include <string.h>

#include "cli.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	PX_OPT_END
};

PX_COMMAND(status, "show a guest's live status: state, pid, uptime, load, HA",
    opts, NULL, "vmid");

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 },
	{ "qmpstatus", OT_STR, 0 }, { "pid", OT_INT, 0 },
	{ "uptime", OT_DURATION, 0 }, { "cpu", OT_PCT, 0 },
	{ "cpus", OT_NUM, 0 }, { "mem", OT_BYTES, 0 },
	{ "maxmem", OT_BYTES, 0 }, { "disk", OT_BYTES, 0 },
	{ "maxdisk", OT_BYTES, 0 }, { "agent", OT_BOOL, 0 },
	{ "ha", OT_STR, 0 }, { "lock", OT_STR, 0 }, { "tags", OT_STR, 0 },
	{ "template", OT_BOOL, 0 }, { "netin", OT_BYTES, 0 },
	{ "netout", OT_BYTES, 0 }, { "diskread", OT_BYTES, 0 },
	{ "diskwrite", OT_BYTES, 0 }, { "running_qemu", OT_STR, 0 },
	{ "running_machine", OT_STR, 0 },
};

static const char *
nz(const char *s)
{
	return s && s[0] ? s : NULL;
}

int
status_main(int argc, char **argv)
{
	struct px_cli x;
	struct pve_guest g;
	struct pve_guest_status s;
	struct px_reply r;
	struct px_err e;
	struct buf p = { 0 };
	struct out *o;
	int ch, vmid, live, rc = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_status, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		px_usage(&px_cmd_status);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_status);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (cli_connect(&x, &e) != 0 ||
	    pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);

	pve_guest_path(&p, g.node, g.type, g.vmid);
	buf_adds(&p, "/status/current");
	live = pve_get(x.client, &r, &e, "%s", p.p) == 0;
	if (live && pve_guest_status_parse(&r.j, r.data, &s, &e) != 0)
		px_die(&e);
	if (live && s.agent < 0 && strcmp(g.type, "qemu") == 0)
		s.agent = 0;	/* PVE sends "agent" only when enabled */
	if (!live) {
		/* The node does not answer: say what the cluster knows. */
		if (strcmp(g.status, "unknown") != 0)
			px_die(&e);
		px_warn("node %s does not answer (offline?): %s", g.node,
		    e.msg);
		memset(&s, 0, sizeof(s));
		s.agent = -1;
		snprintf(s.status, sizeof(s.status), "%s", g.status);
		snprintf(s.name, sizeof(s.name), "%s", g.name);
		snprintf(s.tags, sizeof(s.tags), "%s", g.tags);
		snprintf(s.lock, sizeof(s.lock), "%s", g.lock);
		snprintf(s.ha_state, sizeof(s.ha_state), "%s", g.hastate);
		s.maxmem = g.maxmem;
		s.maxdisk = g.maxdisk;
		s.cpus = g.maxcpu;
		s.template = g.template;
	}

	o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	out_record(o);
	out_row(o);
	out_int(o, 0, g.vmid);
	out_str(o, 1, nz(s.name) ? s.name : nz(g.name));
	out_str(o, 2, g.type);
	out_str(o, 3, g.node);
	out_str(o, 4, s.status);
	out_str(o, 5, nz(s.qmpstatus));
	if (s.pid > 0)
		out_int(o, 6, s.pid);
	if (live) {	/* unknown, not 0, when the node does not answer */
		out_int(o, 7, s.uptime);
		out_num(o, 8, s.cpu);
		out_uint(o, 10, s.mem);
		out_uint(o, 12, s.disk);
	}
	out_num(o, 9, s.cpus);
	out_uint(o, 11, s.maxmem);
	out_uint(o, 13, s.maxdisk);
	if (s.agent >= 0)
		out_bool(o, 14, s.agent);
	out_str(o, 15, nz(s.ha_state));
	out_str(o, 16, nz(s.lock));
	out_str(o, 17, nz(s.tags));
	out_bool(o, 18, s.template);
	if (live) {
		out_uint(o, 19, s.netin);
		out_uint(o, 20, s.netout);
		out_uint(o, 21, s.diskread);
		out_uint(o, 22, s.diskwrite);
	}
	out_str(o, 23, nz(s.running_qemu));
	out_str(o, 24, nz(s.running_machine));
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	if (live)
		px_reply_free(&r);
	buf_free(&p);
	cli_free(&x);
	return rc;
}
