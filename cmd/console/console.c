/*
 * console -- a guest's console in the terminal: the serial console of a
 * VM (serial0 unless --serial), a container's console.  POST
 * .../termproxy through the gate (action "console": read-only profiles
 * and freezes refuse it, a [policy] may ask for approval, the opening
 * and the end are in the audit log), then the WebSocket to
 * .../vncwebsocket and PVE's termproxy protocol (lib/support/console.c).
 * --record writes an asciinema cast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "enc.h"
#include "mutcli.h"
#include "pve_guest.h"

enum { O_RECORD = PX_O_LONG, O_RECORD_INPUT, O_SERIAL };

static const struct px_opt opts[] = {
	PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_RECORD, "record", "[file]", "record the session as an asciinema "
	    "cast: in the data dir's casts/, or --record=file (a new file)" },
	{ O_RECORD_INPUT, "record-input", NULL, "record the keys typed too "
	    "(passwords included)" },
	{ O_SERIAL, "serial", "serialN", "a VM's serial port (serial0 to "
	    "serial3; default serial0)" },
	PX_OPT_END
};

PX_COMMAND(console, "a guest's serial console in the terminal", opts, NULL,
    "vmid");

int
console_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r;
	struct gate_target *t;
	struct console_cmd cc = { 0 };
	struct buf base = { 0 }, form = { 0 };
	char name[32], title[256];
	const char *serial = NULL;
	int ch, vmid, rc;

	mutcli_init(&m, &px_cmd_console);
	px_getopt_init(&go, &px_cmd_console, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_RECORD:
			cc.record = 1;
			cc.record_file = go.arg;
			break;
		case O_RECORD_INPUT:
			cc.record_input = 1;
			break;
		case O_SERIAL:
			serial = go.arg;
			break;
		default:
			px_usage(&px_cmd_console);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_console);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (serial && (strncmp(serial, "serial", 6) != 0 || serial[6] < '0' ||
	    serial[6] > '3' || serial[7] != '\0'))
		px_errx(PX_EXIT_USAGE, "--serial: '%s' is not serial0, "
		    "serial1, serial2 or serial3", serial);
	if (cc.record_input && !cc.record)
		px_errx(PX_EXIT_USAGE, "--record-input needs --record");
	if (cc.record_file && cc.record_file[0] == '\0')
		px_errx(PX_EXIT_USAGE, "--record=: an empty name");

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.status, "stopped") == 0)
		px_errx(PX_EXIT_FAIL, "%s %d is stopped: its console has "
		    "nothing to show (px start %d first)",
		    strcmp(g.type, "qemu") == 0 ? "VM" : "CT", vmid, vmid);
	if (strcmp(g.type, "lxc") == 0 && serial)
		px_errx(PX_EXIT_USAGE, "CT %d: --serial is for VMs; a "
		    "container has one console", vmid);
	pve_guest_path(&base, g.node, g.type, g.vmid);
	if (strcmp(g.type, "qemu") == 0)
		form_add(&form, "serial", serial ? serial : "serial0");
	gate_req_init(&r, "console", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	t->call.method = "POST";
	buf_printf(&t->call.path, "%s/termproxy", base.p);
	buf_add(&t->call.form, form.p ? form.p : "", form.len);
	snprintf(title, sizeof(title), "%s %d (%s) on %s",
	    strcmp(g.type, "qemu") == 0 ? "VM" : "CT", vmid,
	    g.name[0] ? g.name : "no name", g.node);
	text_sanitize(title);
	snprintf(t->summary, sizeof(t->summary), "open the console of %s",
	    title);
	gate_req_summarize(&r, "console");
	snprintf(name, sizeof(name), "%s-%d",
	    strcmp(g.type, "qemu") == 0 ? "vm" : "ct", vmid);
	cc.base = base.p;
	cc.cast_name = name;
	cc.title = title;
	rc = console_cmd_run(&m, &r, &cc);
	gate_req_free(&r);
	buf_free(&base);
	buf_free(&form);
	mutcli_free(&m);
	return rc;
}
