/*
 * migrate -- move a guest to another node, through the gate
 * (lib/gate.h), after checking PVE's own preconditions (GET .../migrate):
 * the target must be an allowed node, local disks move only with
 * --with-local-disks, a running guest moves only with --online.  A
 * refusal there sends nothing.  --stream follows the task log and turns
 * PVE's progress lines into a bar on a terminal or jsonl objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "guest_op.h"
#include "mutcli.h"
#include "pve_progress.h"
#include "pve_guest.h"

enum { O_ONLINE = PX_O_LONG, O_STREAM, O_STORAGE, O_LOCAL };

static const struct px_opt opts[] = {
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE,
	PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_ONLINE, "online", NULL, "move a running guest as it runs (a CT "
	    "with a restart)" },
	{ O_STREAM, "stream", NULL, "show the task's log and progress as it "
	    "goes" },
	{ O_STORAGE, "targetstorage", "storage", "the storage of local disks "
	    "on the target" },
	{ O_LOCAL, "with-local-disks", NULL, "copy local disks along" },
	PX_OPT_END
};

PX_COMMAND(migrate, "move a guest to another node, with its preconditions "
    "checked first", opts, NULL, "vmid target");

/* migrate's own column, between action and result */
static const struct out_col cols[] = { { "target", OT_STR, 0 } };

enum { P_EVENT, P_VMID, P_PERCENT, P_TRANSFERRED, P_TOTAL, P_SPEED, P_N };
static const struct out_col progress_cols[] = {
	{ "event", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "percent", OT_NUM, 0 }, { "transferred", OT_BYTES, 0 },
	{ "total", OT_BYTES, 0 }, { "speed", OT_BYTES, 0 },
};

struct migrate {
	const char *target;
	const char *storage;	/* --targetstorage */
	int online, local_disks;
	/* --stream */
	int json;		/* progress as jsonl on stdout */
	int tty;		/* a bar on stderr */
	int bar;		/* a bar is drawn */
	int vmid;
};

static void
draw_bar(const struct pve_progress *p)
{
	char done[32] = "", all[32] = "", speed[32] = "", bar[31];
	int w = p->percent >= 0 ? (int)(p->percent * 30 / 100) : 0;

	for (int i = 0; i < 30; i++)
		bar[i] = i < w ? '#' : '.';
	bar[30] = '\0';
	if (p->total) {
		out_fmt_bytes(done, sizeof(done), p->transferred);
		out_fmt_bytes(all, sizeof(all), p->total);
	}
	if (p->speed >= 0)
		out_fmt_bytes(speed, sizeof(speed), (uint64_t)p->speed);
	fprintf(stderr, "\r\033[K%s: [%s] %5.1f%%%s%s%s%s%s%s", px_progname,
	    bar, p->percent >= 0 ? p->percent : 0.0, all[0] ? "  " : "", done,
	    all[0] ? " of " : "", all, speed[0] ? "  " : "", speed);
	if (speed[0])
		fputs("/s", stderr);
	fflush(stderr);
}

static void
on_line(void *arg, int row, const struct pve_log_line *l)
{
	struct migrate *m = arg;
	struct pve_progress p;
	int is_progress = pve_progress_parse(l->t, &p);

	(void)row;
	if (m->json) {
		struct out *o;
		struct px_err e;

		if (!is_progress)
			return;
		o = out_new(&(struct out_opts){ OUT_JSONL, 0, NULL, NULL, 0 },
		    progress_cols, P_N);
		out_row(o);
		out_str(o, P_EVENT, "progress");
		out_int(o, P_VMID, m->vmid);
		if (p.percent >= 0)
			out_num(o, P_PERCENT, p.percent);
		if (p.total) {
			out_uint(o, P_TRANSFERRED, p.transferred);
			out_uint(o, P_TOTAL, p.total);
		}
		if (p.speed >= 0)
			out_uint(o, P_SPEED, (uint64_t)p.speed);
		if (out_print(o, stdout, &e) == 0)
			fflush(stdout);
		out_free(o);
		return;
	}
	if (m->tty && is_progress) {
		draw_bar(&p);
		m->bar = 1;
		return;
	}
	if (m->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "%s\n", l->t);
	if (m->bar)
		m->bar = 0;
}

static void
fill(struct out *o, int row, int base, void *arg)
{
	const struct migrate *m = arg;

	(void)row;
	out_str(o, base, m->target);
}

int
migrate_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli mc;
	struct migrate m = { 0 };
	struct gate_req r;
	struct mut_row row = { 0 };
	struct pve_guest g;
	struct px_err e = { 0 };
	int ch, vmid, rc, stream = 0;

	mutcli_init(&mc, &px_cmd_migrate);
	px_getopt_init(&go, &px_cmd_migrate, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&mc, ch, go.arg))
			continue;
		switch (ch) {
		case O_ONLINE:
			m.online = 1;
			break;
		case O_STREAM:
			stream = 1;
			break;
		case O_STORAGE:
			m.storage = go.arg;
			break;
		case O_LOCAL:
			m.local_disks = 1;
			break;
		default:
			px_usage(&px_cmd_migrate);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 2)
		px_usage(&px_cmd_migrate);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!pve_valid_node(argv[1]))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", argv[1]);
	m.target = argv[1];
	m.vmid = vmid;
	if (stream && mc.o.no_wait)
		px_errx(PX_EXIT_USAGE, "--stream follows the task: not with "
		    "--no-wait");
	if (stream) {
		m.json = mc.x.out.fmt == OUT_JSON || mc.x.out.fmt == OUT_JSONL;
		m.tty = !m.json && isatty(STDERR_FILENO);
		if (mc.x.out.fmt == OUT_JSON)
			mc.x.out.fmt = OUT_JSONL;	/* one stream of objects */
		mc.o.follow_log = 1;
		mc.line = on_line;
		mc.line_arg = &m;
	}
	mutcli_connect(&mc);
	if (pve_guest_find(mc.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	gate_req_init(&r, "migrate", "guest", 1);
	if (guest_op_migrate(mc.x.client, &r.t[0], &g, m.target, m.online,
	    m.local_disks, m.storage, &e) != 0)
		gate_refuse_target(&mc.g, &r, 0, "refused-precondition", &e);
	gate_req_summarize(&r, "migrate");
	mutation_run(&mc.g, &r, &mc.o, &mc.ui, &row, &e);
	rc = mutcli_status(&row, 1);
	if (m.bar)
		fputs("\r\033[K", stderr);

	if (row.err.id != PXE_OK)
		px_report(&row.err);
	if (mutcli_print_extra(&mc, &row, 1, cols, 1, fill, &m) != 0 &&
	    rc == 0)
		rc = PX_EXIT_FAIL;
	gate_req_free(&r);
	mutcli_free(&mc);
	return rc;
}
