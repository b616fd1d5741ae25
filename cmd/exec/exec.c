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
#include "guest_op.h"
#include "mutcli.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ PX_O_TIMEOUT, "timeout", "seconds",
	    "stop waiting for the command after this long" },
	PX_OPT_END
};

PX_COMMAND(exec, "run a command in a guest through the QEMU guest agent",
    opts, NULL, "vmid -- command [argument ...]");

enum { C_VMID, C_PID, C_EXITCODE, C_SIGNAL, C_OUT, C_ERR, C_OUT_TRUNC,
	C_ERR_TRUNC, C_N };
static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "pid", OT_INT, 0 },
	{ "exitcode", OT_INT, 0 }, { "signal", OT_INT, 0 },
	{ "out", OT_STR, 0 }, { "err", OT_STR, 0 },
	{ "out_truncated", OT_BOOL, 0 }, { "err_truncated", OT_BOOL, 0 },
};

int
exec_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct gate_target *t;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r;
	struct gate_result res;
	struct pve_agent_exec_status st = { 0, -1, -1, NULL, NULL, 0, 0 };
	char end[64];
	long long pid;
	int ch, vmid, rc;

	mutcli_init(&m, &px_cmd_exec);
	/* options stop at the VMID: the command's own are not px's */
	px_getopt_init(&go, &px_cmd_exec, argc, argv);
	while ((ch = px_getopt(&go)) != -1)
		if (!mutcli_opt(&m, ch, go.arg))
			px_usage(&px_cmd_exec);
	argc -= go.ind;
	argv += go.ind;
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

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: containers have no guest agent "
		    "and PVE's API cannot run commands in them (on the node: "
		    "pct exec %d)", vmid, vmid);
	gate_req_init(&r, "exec", "guest", 1);
	t = &r.t[0];
	guest_op_exec(t, &g, (const char *const *)argv, argc);
	gate_req_summarize(&r, "exec");

	if (mutation_admit(&m.g, &r, &m.ui, &e) != 0 ||
	    gate_send(&m.g, &r, 0, &res, &e) != 0)
		px_die(&e);
	if (res.dry_run) {
		m.ui.would_send(m.ui.arg, res.would_send);
		gate_result_free(&res);
		rc = 0;
		goto out;
	}
	if (pve_agent_exec_parse(&res.reply.j, res.reply.data, &pid,
	    &e) != 0) {
		gate_task_done(&m.g, &r, 0, &res, "no pid in the answer");
		gate_result_free(&res);
		px_fail(&e, PXE_PARSE, "POST %s: the answer has no pid",
		    t->call.path.p);
		px_die(&e);
	}
	if (pve_agent_exec_wait(m.x.client, &g, pid, m.o.timeout, &st,
	    &e) != 0) {
		if (e.id != PXE_TIMEOUT)
			gate_task_done(&m.g, &r, 0, &res, e.msg);
		gate_result_free(&res);
		px_die(&e);
	}
	if (st.signal >= 0)
		snprintf(end, sizeof(end), "signal %lld", st.signal);
	else
		snprintf(end, sizeof(end), "exit %lld", st.exitcode);
	gate_task_done(&m.g, &r, 0, &res, end);
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
	gate_req_free(&r);
	pve_agent_exec_status_free(&st);
	mutcli_free(&m);
	return rc;
}
