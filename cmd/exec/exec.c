/*
 * exec -- run a command in a QEMU guest through its guest agent: POST
 * .../agent/exec with the command as repeated command= parameters
 * (through the gate, action "exec": it runs code in the guest), then GET
 * .../agent/exec-status?pid=N until the process exited.  Its standard
 * output and error are copied to px's, and px exits with its exit code
 * (128 + N when a signal N ended it), like ssh(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "enc.h"
#include "mutate2.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(exec, "run a command in a guest through the QEMU guest agent",
    "usage: px exec [-Hjnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] "
    "[--timeout seconds] vmid -- command [argument ...]\n");

enum { C_VMID, C_PID, C_EXITCODE, C_SIGNAL, C_OUT, C_ERR, C_OUT_TRUNC,
	C_ERR_TRUNC, C_N };
static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "pid", OT_INT, 0 },
	{ "exitcode", OT_INT, 0 }, { "signal", OT_INT, 0 },
	{ "out", OT_STR, 0 }, { "err", OT_STR, 0 },
	{ "out_truncated", OT_BOOL, 0 }, { "err_truncated", OT_BOOL, 0 },
};

/* Poll exec-status until exited; 0 with st filled, -1 with e. */
static int
wait_exit(struct px_client *c, const char *base, long long pid,
    double timeout, struct pve_agent_exec_status *st, struct px_err *e)
{
	double t0 = px_mono(), pause = 0.1;

	for (;;) {
		struct px_reply r;
		int rc;

		if (pve_get(c, &r, e, "%s/agent/exec-status?pid=%lld", base,
		    pid) != 0)
			return -1;
		rc = pve_agent_exec_status_parse(&r.j, r.data, st, e);
		px_reply_free(&r);
		if (rc != 0)
			return -1;
		if (st->exited)
			return 0;
		if (timeout > 0 && px_mono() - t0 >= timeout) {
			px_fail(e, PXE_TIMEOUT, "the command still runs in the "
			    "guest after %.0f s (pid %lld)", timeout, pid);
			px_hint(e, "it goes on in the guest; --timeout waits "
			    "longer");
			return -1;
		}
		px_sleep(pause);
		if (pause < 1)
			pause *= 1.5;
	}
}

int
exec_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		MUT_LONG_GATE,
		{ "help", no_argument, NULL, 'h' },
		{ "timeout", required_argument, NULL, MUT_O_TIMEOUT },
		{ NULL, 0, NULL, 0 }
	};
	struct mut m;
	struct mut_row row;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r = { 0 };
	struct gate_result res;
	struct pve_agent_exec_status st = { 0, -1, -1, NULL, NULL, 0, 0 };
	struct buf base = { 0 }, path = { 0 }, form = { 0 }, shown = { 0 };
	char summary[512], target[32], end[64];
	long long pid;
	int ch, vmid, rc;

	mut_init(&m);
	/* '+': the command's own options are not px's. */
	while ((ch = getopt_long(argc, argv, "+" MUT_SHORT "h", longopts,
	    NULL)) != -1) {
		if (mut_opt(&m, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_exec);
		default:
			px_usage(&px_cmd_exec);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		px_usage(&px_cmd_exec);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	argc--;
	argv++;
	if (strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc < 1 || argv[0][0] == '\0')
		px_usage(&px_cmd_exec);
	for (int i = 0; i < argc; i++) {
		form_add(&form, "command", argv[i]);
		buf_printf(&shown, "%s%s", i ? " " : "", argv[i]);
	}

	if (cli_connect(&m.x, &e) != 0 ||
	    pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: containers have no guest agent "
		    "and PVE's API cannot run commands in them (on the node: "
		    "pct exec %d)", vmid, vmid);
	pve_guest_path(&base, g.node, g.type, g.vmid);
	buf_printf(&path, "%s/agent/exec", base.p);
	snprintf(summary, sizeof(summary), "run '%.200s' in VM %d (%s) on %s",
	    shown.p, vmid, g.name[0] ? g.name : "no name", g.node);
	snprintf(target, sizeof(target), "vm/%d", vmid);
	r.action = "exec";
	r.guest = &g;
	r.target = target;
	r.method = "POST";
	r.path = path.p;
	r.form = form.p;
	r.summary = summary;
	r.destructive = 0;

	mut_row_init(&row, "exec", &g);
	if (mut_submit(&m, &r, &row, &res, &e) != 0)
		px_die(&e);
	if (m.g.dry_run) {
		gate_result_free(&res);
		rc = 0;
		goto out;
	}
	if (pve_agent_exec_parse(&res.reply.j, res.reply.data, &pid,
	    &e) != 0) {
		gate_task_done(&m.g, &r, &res, "no pid in the answer");
		gate_result_free(&res);
		px_fail(&e, PXE_PARSE, "POST %s: the answer has no pid",
		    path.p);
		px_die(&e);
	}
	if (wait_exit(m.x.client, base.p, pid, m.timeout, &st, &e) != 0) {
		if (e.id != PXE_TIMEOUT)
			gate_task_done(&m.g, &r, &res, e.msg);
		gate_result_free(&res);
		px_die(&e);
	}
	if (st.signal >= 0)
		snprintf(end, sizeof(end), "signal %lld", st.signal);
	else
		snprintf(end, sizeof(end), "exit %lld", st.exitcode);
	gate_task_done(&m.g, &r, &res, end);
	gate_result_free(&res);

	if (m.x.out.fmt == OUT_TABLE) {
		if (st.out)
			fputs(st.out, stdout);
		fflush(stdout);
		if (st.err)
			fputs(st.err, stderr);
	} else {
		struct out *o = out_new(&m.x.out, cols, C_N);
		struct px_err pe;

		out_record(o);
		out_row(o);
		out_int(o, C_VMID, vmid);
		out_int(o, C_PID, pid);
		if (st.exitcode >= 0)
			out_int(o, C_EXITCODE, st.exitcode);
		if (st.signal >= 0)
			out_int(o, C_SIGNAL, st.signal);
		out_str(o, C_OUT, st.out);
		out_str(o, C_ERR, st.err);
		out_bool(o, C_OUT_TRUNC, st.out_trunc);
		out_bool(o, C_ERR_TRUNC, st.err_trunc);
		if (cli_print(&m.x, o, &pe) != 0)
			px_report(&pe);
		out_free(o);
	}
	if (st.out_trunc || st.err_trunc)
		px_warn("warning: the guest agent truncated the command's %s",
		    st.out_trunc && st.err_trunc ? "output and error output" :
		    st.out_trunc ? "output" : "error output");
	if (st.signal >= 0)
		rc = 128 + (int)(st.signal & 0x7f);
	else if (st.exitcode < 0)
		rc = PX_EXIT_FAIL;
	else
		rc = (int)(st.exitcode & 0xff);
out:
	pve_agent_exec_status_free(&st);
	buf_free(&base);
	buf_free(&path);
	buf_free(&form);
	buf_free(&shown);
	mut_free(&m);
	return rc;
}
