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
#include "mutate.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(migrate, "move a guest to another node, with its preconditions "
    "checked first",
    "usage: px migrate [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--online] [--stream] "
    "[--targetstorage storage] [--timeout seconds] [--with-local-disks] "
    "vmid target\n");

enum { C_VMID, C_NAME, C_NODE, C_ACTION, C_TARGET, C_RESULT, C_UPID,
	C_MESSAGE, C_N };
static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "action", OT_STR, 0 }, { "target", OT_STR, 0 },
	{ "result", OT_STR, 0 }, { "upid", OT_STR, OC_EXTRA },
	{ "message", OT_STR, 0 },
};

enum { P_EVENT, P_VMID, P_PERCENT, P_TRANSFERRED, P_TOTAL, P_SPEED, P_N };
static const struct out_col progress_cols[] = {
	{ "event", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "percent", OT_NUM, 0 }, { "transferred", OT_BYTES, 0 },
	{ "total", OT_BYTES, 0 }, { "speed", OT_BYTES, 0 },
};

struct migrate {
	struct batch *b;
	const char *target;
	const char *storage;	/* --targetstorage */
	int online, local_disks;
	/* --stream */
	int json;		/* progress as jsonl on stdout */
	int tty;		/* a bar on stderr */
	int bar;		/* a bar is drawn */
	int vmid;
};

static int
build(void *arg, const struct pve_guest *g, struct gate_req *r,
    struct buf *path, struct buf *form, char *summary, size_t n,
    struct px_err *e)
{
	struct migrate *m = arg;
	int lxc = strcmp(g->type, "lxc") == 0;
	int running = strcmp(g->status, "running") == 0;
	char name[192];

	mutate_guest_name(g, name, sizeof(name));
	if (mutate_migrate_check(m->b->x->client, g, m->target, m->online,
	    m->local_disks, NULL, e) != 0)
		return -1;
	pve_guest_path(path, g->node, g->type, g->vmid);
	buf_adds(path, "/migrate");
	form_add(form, "target", m->target);
	if (m->online && lxc && running)
		form_add(form, "restart", "1");	/* no live migration of CTs */
	else if (m->online && !lxc)
		form_add(form, "online", "1");
	if (m->local_disks && !lxc)
		form_add(form, "with-local-disks", "1");
	if (m->storage)
		form_add(form, lxc ? "target-storage" : "targetstorage",
		    m->storage);
	r->method = "POST";
	r->destructive = 0;
	snprintf(summary, n, "migrate %s from %s to %s%s", name, g->node,
	    m->target, m->online && running ? (lxc ? " (restart)" :
	    " (online)") : "");
	return 0;
}

static void
draw_bar(const struct mutate_progress *p)
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
on_line(void *arg, const struct pve_log_line *l)
{
	struct migrate *m = arg;
	struct mutate_progress p;
	int is_progress = mutate_progress_parse(l->t, &p);

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

int
migrate_main(int argc, char **argv)
{
	enum { O_ONLINE = MUTATE_O_OWN, O_STREAM, O_STORAGE, O_LOCAL };
	static const struct option longopts[] = {
		PX_COMMON_LONG,
		MUTATE_LONG,
		{ "online", no_argument, NULL, O_ONLINE },
		{ "stream", no_argument, NULL, O_STREAM },
		{ "targetstorage", required_argument, NULL, O_STORAGE },
		{ "with-local-disks", no_argument, NULL, O_LOCAL },
		{ NULL, 0, NULL, 0 }
	};
	struct px_cli x;
	struct batch b;
	struct migrate m = { 0 };
	struct mutate_item it;
	struct pve_guest g;
	struct px_err e = { 0 };
	struct out *o;
	int ch, vmid, rc, stream = 0;

	cli_init(&x);
	mutate_init(&b, &x);
	m.b = &b;
	while ((ch = getopt_long(argc, argv, PX_COMMON_SHORT MUTATE_SHORT,
	    longopts, NULL)) != -1) {
		if (mutate_opt(&b, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_migrate);
		case O_ONLINE:
			m.online = 1;
			break;
		case O_STREAM:
			stream = 1;
			break;
		case O_STORAGE:
			m.storage = optarg;
			break;
		case O_LOCAL:
			m.local_disks = 1;
			break;
		default:
			px_usage(&px_cmd_migrate);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		px_usage(&px_cmd_migrate);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (!pve_valid_node(argv[1]))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", argv[1]);
	m.target = argv[1];
	m.vmid = vmid;
	if (stream && b.no_wait)
		px_errx(PX_EXIT_USAGE, "--stream follows the task: not with "
		    "--no-wait");
	if (stream) {
		m.json = x.out.fmt == OUT_JSON || x.out.fmt == OUT_JSONL;
		m.tty = !m.json && isatty(STDERR_FILENO);
		if (x.out.fmt == OUT_JSON)
			x.out.fmt = OUT_JSONL;	/* one stream of objects */
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	rc = mutate_one(&b, "migrate", &g, build, &m, stream ? on_line : NULL,
	    &m, &it);
	if (m.bar)
		fputs("\r\033[K", stderr);

	o = out_new(&x.out, cols, C_N);
	out_row(o);
	out_int(o, C_VMID, g.vmid);
	out_str(o, C_NAME, g.name);
	out_str(o, C_NODE, g.node);
	out_str(o, C_ACTION, "migrate");
	out_str(o, C_TARGET, m.target);
	out_str(o, C_RESULT, it.result);
	out_str(o, C_UPID, it.res.upid[0] ? it.res.upid : NULL);
	if (it.err.id != PXE_OK) {
		out_str(o, C_MESSAGE, it.err.msg);
		out_row_error(o);
		px_report(&it.err);
	}
	if (cli_print(&x, o, &e) != 0)
		px_report(&e);
	out_free(o);
	mutate_item_free(&it);
	mutate_free(&b);
	cli_free(&x);
	return rc;
}
