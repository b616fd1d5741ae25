/*
 * patch -- apt upgrades of the nodes over SSH (lib/ssh.h).
 *
 * plan: per node, `apt-get -s dist-upgrade` (a simulation: nothing is
 * changed, the package lists are read as they are) parsed into the
 * packages it would upgrade, install and remove, and whether a new
 * kernel makes a reboot needed.
 *
 * apply: one node at a time: the plan, `apt-get update`, `apt-get -y
 * dist-upgrade` with its output streamed, a reboot when a new kernel
 * came (or --reboot always), then the wait for the node to go offline
 * and come back online in the cluster (the API); the first failure
 * stops the run, the nodes after it untouched.  The upgrade and the
 * reboot of each node pass the gate (lib/gate.h, gate_local) on their
 * own: read-only profile, freeze, the pre-flight check (a reboot with
 * running guests is a Severe finding), the confirmation, the approval,
 * the audit log.  -n runs only the simulation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "enc.h"
#include "evaccli.h"
#include "mutcli.h"
#include "pve_evacuate.h"
#include "pve_guest.h"
#include "sshcli.h"

enum { O_NODE = PX_O_LONG, O_REBOOT, O_EVACUATE, O_RETURN, O_LOCAL };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	PX_OPT_TIMEOUT,
	{ O_NODE, "node", "node", "only this node (repeatable)" },
	{ O_REBOOT, "reboot", "auto | always | never", "apply: when to "
	    "reboot (auto: when a new kernel was installed)" },
	{ O_EVACUATE, "evacuate", NULL, "apply: move the node's guests "
	    "away first (HA-managed through HA)" },
	{ O_RETURN, "return", NULL, "apply --evacuate: move them back "
	    "once the node is back online" },
	{ O_LOCAL, "with-local-disks", NULL, "apply --evacuate: copy "
	    "local disks along" },
	PX_OPT_END
};

PX_COMMAND(patch, "plan or apply apt upgrades node by node over SSH, "
    "with reboots", opts, "plan | apply", NULL);

static const struct out_col plan_cols[] = {
	{ "node", OT_STR, 0 }, { "upgrades", OT_INT, 0 },
	{ "installs", OT_INT, 0 }, { "removals", OT_INT, 0 },
	{ "reboot", OT_BOOL, 0 }, { "kernel", OT_STR, 0 },
	{ "packages", OT_STR, OC_EXTRA },
};

struct plan {
	int upgrades, installs, removals, reboot;
	char kernel[128];
	struct buf packages;	/* "name old->new, ..." */
	int ok;
	struct px_err err;
};

/* Packages whose new version is only used after a reboot. */
static int
needs_reboot(const char *pkg)
{
	static const char *const pre[] = { "proxmox-kernel-", "pve-kernel-",
	    "linux-image-", "intel-microcode", "amd64-microcode", NULL };

	for (int i = 0; pre[i]; i++)
		if (strncmp(pkg, pre[i], strlen(pre[i])) == 0)
			return 1;
	return 0;
}

/* One line of apt-get -s: "Inst pkg [old] (new repo [arch])", "Remv
 * pkg [old]". */
static void
plan_line(struct plan *pl, const char *line)
{
	char what[8], pkg[128], old[128] = "", nv[128] = "";
	const char *p;

	if (sscanf(line, "%7s %127s", what, pkg) != 2)
		return;
	if (strcmp(what, "Inst") != 0 && strcmp(what, "Remv") != 0)
		return;
	/* "[old]" right after the name, "(new ...)" after that */
	p = strstr(line, pkg) + strlen(pkg);
	while (*p == ' ')
		p++;
	if (*p == '[' && sscanf(p, "[%127[^]]]", old) != 1)
		old[0] = '\0';
	if ((p = strchr(p, '(')) && sscanf(p, "(%127s", nv) != 1)
		nv[0] = '\0';
	text_sanitize(pkg);
	text_sanitize(old);
	text_sanitize(nv);
	if (strcmp(what, "Remv") == 0) {
		pl->removals++;
		buf_printf(&pl->packages, "%s%s %s->removed", pl->packages.len ?
		    ", " : "", pkg, old[0] ? old : "?");
		return;
	}
	if (old[0])
		pl->upgrades++;
	else
		pl->installs++;
	buf_printf(&pl->packages, "%s%s %s->%s", pl->packages.len ? ", " :
	    "", pkg, old[0] ? old : "new", nv);
	if (needs_reboot(pkg)) {
		pl->reboot = 1;
		if ((strncmp(pkg, "proxmox-kernel-", 15) == 0 ||
		    strncmp(pkg, "pve-kernel-", 11) == 0 ||
		    strncmp(pkg, "linux-image-", 12) == 0) &&
		    (pl->kernel[0] == '\0' || !old[0]))
			snprintf(pl->kernel, sizeof(pl->kernel), "%s", pkg);
	}
}

static const char *const sim_argv[] = { "apt-get", "-s", "-q",
	"-o", "Debug::NoLocking=1", "dist-upgrade", NULL };

static void
plan_result(struct plan *pl, const char *node, struct ssh_job *j)
{
	char *s, *save = NULL, *line;

	if (j->rc != 0) {
		pl->err = j->err;
		return;
	}
	if (j->res.status != 0) {
		char *msg = text_sanitize(px_xstrdup(j->res.err.len ?
		    j->res.err.p : ""));
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\n'))
			msg[--n] = '\0';
		px_fail(&pl->err, PXE_FAILURE, "%s: apt-get -s dist-upgrade "
		    "exited with status %d%s%s", node, j->res.status,
		    *msg ? ": " : "", msg);
		free(msg);
		return;
	}
	s = px_xstrdup(j->res.out.len ? j->res.out.p : "");
	for (line = strtok_r(s, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		plan_line(pl, line);
	free(s);
	pl->ok = 1;
}

/* Run the simulation on nodes[0..n) in parallel into plans. */
static void
plan_nodes(struct sshcli *s, char **nodes, int n, struct plan *plans)
{
	struct ssh_job *jobs = px_xcalloc(n, sizeof(*jobs));

	for (int i = 0; i < n; i++) {
		jobs[i].node = nodes[i];
		jobs[i].argv = sim_argv;
		jobs[i].timeout = -1;
	}
	ssh_run_all(s->pool, jobs, n);
	for (int i = 0; i < n; i++) {
		plan_result(&plans[i], nodes[i], &jobs[i]);
		ssh_result_free(&jobs[i].res);
	}
	free(jobs);
}

static int
patch_plan(struct px_cli *x, struct sshcli *s)
{
	struct plan *plans = px_xcalloc(s->nnodes, sizeof(*plans));
	struct out *o = out_new(&x->out, plan_cols, 7);
	struct px_err e = { 0 };
	int rc = 0;

	plan_nodes(s, s->nodes, s->nnodes, plans);
	for (int i = 0; i < s->nnodes; i++) {
		struct plan *pl = &plans[i];

		if (!pl->ok) {
			int c = px_report(&pl->err);

			if (rc == 0)
				rc = c;
			buf_free(&pl->packages);
			continue;
		}
		out_row(o);
		out_str(o, 0, s->nodes[i]);
		out_int(o, 1, pl->upgrades);
		out_int(o, 2, pl->installs);
		out_int(o, 3, pl->removals);
		out_bool(o, 4, pl->reboot);
		out_str(o, 5, pl->kernel);
		out_str(o, 6, pl->packages.len ? pl->packages.p : "");
		buf_free(&pl->packages);
	}
	if (cli_print(x, o, &e) != 0 && rc == 0)
		rc = px_report(&e);
	out_free(o);
	free(plans);
	return rc;
}

/* ---- apply ---- */

struct stream {
	const char *node;
};

static void
stream_line(void *arg, const char *node, int stream, const char *line,
    size_t n)
{
	char *s = text_sanitize(px_xstrndup(line, n));

	(void)arg;
	(void)stream;
	fprintf(stderr, "%s: %s\n", node, s);
	free(s);
}

/* What the reboot's pre-flight check and the wait after it know. */
struct reboot_ctx {
	struct mutcli *m;
	const int *moved;	/* VMIDs the evacuation moves away first */
	int nmoved;
};

static int
moved_away(const struct reboot_ctx *rc, int vmid)
{
	for (int i = 0; i < rc->nmoved; i++)
		if (rc->moved[i] == vmid)
			return 1;
	return 0;
}

/* The node's running guests that the evacuation does not move, counted
 * (the first 20 listed) for the reboot's pre-flight; -1 when they could
 * not be listed. */
static int
running_guests(const struct reboot_ctx *rc, const char *node,
    struct buf *list)
{
	struct pve_guest *g = NULL;
	struct px_err e = { 0 };
	int n = 0, count = 0;

	if (pve_guests(rc->m->x.client, &g, &n, &e) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(g[i].node, node) == 0 &&
		    strcmp(g[i].status, "running") == 0 &&
		    !moved_away(rc, g[i].vmid)) {
			if (count < 20)
				buf_printf(list, "%s%d", count ? ", " : "",
				    g[i].vmid);
			count++;
		}
	free(g);
	return count;
}

static int
assess_reboot(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct reboot_ctx *rc = arg;
	const char *node = r->id + 5;	/* "node/NAME" */
	struct buf list = { 0 };
	int n;

	(void)c;
	if ((n = running_guests(rc, node, &list)) < 0) {
		buf_free(&list);
		return px_fail(e, PXE_FAILURE, "cannot list the guests of %s",
		    node);
	}
	if (n > 0)
		risk_add(rep, "RunningGuests", RISK_SEVERE, "%d running "
		    "guest%s on %s (%s) would be shut down or moved by the "
		    "reboot: migrate them first (--evacuate)", n, n == 1 ? "" :
		    "s", node, list.p);
	buf_free(&list);
	return 0;
}

/* Is node online now (GET /cluster/status)?  -1 when the API does not
 * answer (a node that reboots may be the one px talks to). */
static int
node_online(struct mutcli *m, const char *node)
{
	struct px_reply r = { 0 };
	struct px_err e = { 0 };
	struct pve_cluster_member *v = NULL;
	int n = 0, online = -1;

	if (pve_get(m->x.client, &r, &e, "/cluster/status") == 0 &&
	    pve_cluster_status_parse(&r.j, r.data, &v, &n, &e) == 0)
		for (int i = 0; i < n; i++)
			if (strcmp(v[i].type, "node") == 0 &&
			    strcmp(v[i].name, node) == 0)
				online = v[i].online;
	free(v);
	px_reply_free(&r);
	return online;
}

/* Wait for the node to leave the cluster and come back: 0, or -1 with e
 * after timeout seconds. */
static int
wait_reboot(struct mutcli *m, const char *node, double timeout,
    struct px_err *e)
{
	time_t start = time(NULL);
	int seen_offline = 0, st;

	for (;;) {
		st = node_online(m, node);
		if (st == 0)
			seen_offline = 1;
		else if (st == 1 && seen_offline)
			return 0;
		if (difftime(time(NULL), start) > timeout)
			break;
		sleep(1);
	}
	px_fail(e, PXE_TIMEOUT, "%s did not %s within %.0fs", node,
	    seen_offline ? "come back online" : "go offline", timeout);
	px_hint(e, "look at the node's console; px patch apply --node %s "
	    "goes on once it is back", node);
	return -1;
}

/* One step of a node (upgrade or reboot) through the gate's checks,
 * the confirmation and the approval (nothing run yet): 0, or -1 with e
 * refused.  gate_local then audits it right before it runs. */
static int
step_admit(struct mutcli *m, struct gate_req *r, const char *action,
    const char *node, const char *summary, const char *run,
    struct reboot_ctx *rc, struct px_err *e)
{
	gate_req_init(r, action, "node", 1);
	snprintf(r->id, sizeof(r->id), "node/%.80s", node);
	snprintf(r->t[0].id, sizeof(r->t[0].id), "%s", r->id);
	snprintf(r->summary, sizeof(r->summary), "%s", summary);
	snprintf(r->t[0].summary, sizeof(r->t[0].summary), "%s", summary);
	r->destructive = 1;
	r->t[0].call.method = "RUN";
	buf_printf(&r->t[0].call.path, "ssh %s %s", node, run);
	if (rc) {
		r->assess = assess_reboot;
		r->assess_arg = rc;
	}
	return mutation_admit(&m->g, r, &m->ui, e);
}

/* The audit entry of an admitted step right before it runs: 0 to run
 * it, 1 dry run ("would run" printed), -1 with e. */
static int
step_local(struct mutcli *m, struct gate_req *r, const char *node,
    const char *run, struct gate_result *res, struct px_err *e)
{
	if (gate_local(&m->g, r, 0, res, e) != 0)
		return -1;
	if (res->dry_run) {
		printf("would run on %s: %s\n", node, run);
		return 1;
	}
	return 0;
}

/* Run argv on node, streamed; 0, or -1 with e. */
static int
step_run(struct sshcli *s, const char *node, const char *const *argv,
    long timeout, struct px_err *e)
{
	struct ssh_result r;
	const char *prog = argv[0];
	int rc;

	/* "env VAR=value prog ...": name prog */
	for (int i = 1; strcmp(prog, "env") == 0 && argv[i]; i++)
		if (strchr(argv[i], '=') == NULL)
			prog = argv[i];
	rc = ssh_run(s->pool, node, argv, timeout, stream_line, NULL, &r, e);
	if (rc == 0 && r.status != 0) {
		rc = px_fail(e, PXE_FAILURE, "%s: %s exited with status %d%s%s",
		    node, prog, r.status, r.signal[0] ? ", signal " : "",
		    r.signal);
	}
	ssh_result_free(&r);
	return rc;
}

enum reboot_when { REBOOT_AUTO, REBOOT_ALWAYS, REBOOT_NEVER };

struct apply_opts {
	enum reboot_when when;
	int evacuate;		/* --evacuate */
	int back;		/* --return */
	int local_disks;	/* --with-local-disks */
};

static void
progress(const char *node, const char *fmt, const char *what)
{
	fprintf(stderr, "%s: %s: ", px_progname, node);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
}

static void
waiting_line(void *arg, int left, const char *which)
{
	const char *node = arg;
	static char last[512];

	/* a line when what it waits for changed, not on every poll */
	if (strcmp(last, which) == 0)
		return;
	snprintf(last, sizeof(last), "%s", which);
	fprintf(stderr, "%s: %s: waiting for %d guest%s: %s\n", px_progname,
	    node, left, left == 1 ? "" : "s", which);
}

/* The guests of node that run now and that the reboot brings back by
 * itself (HA-managed, or onboot=1), not those the evacuation moves;
 * those that run without onboot go into lost (they stay stopped).  The
 * VMIDs malloc'd, *n of them. */
static int *
expected_back(struct mutcli *m, const char *node,
    const struct reboot_ctx *rc, int *n, struct buf *lost)
{
	struct pve_guest *g = NULL;
	struct px_err e = { 0 };
	int ng = 0, *v;

	*n = 0;
	if (pve_guests(m->x.client, &g, &ng, &e) != 0)
		return NULL;
	v = px_xcalloc((size_t)ng + 1, sizeof(*v));
	for (int i = 0; i < ng; i++) {
		struct buf p = { 0 };
		struct px_reply r;
		int onboot = 0;

		if (strcmp(g[i].node, node) != 0 || strcmp(g[i].status,
		    "running") != 0 || moved_away(rc, g[i].vmid))
			continue;
		pve_guest_path(&p, g[i].node, g[i].type, g[i].vmid);
		if (strcmp(g[i].hastate, "started") != 0 && pve_get(m->x.client, &r, &e,
		    "%s/config", p.p) == 0) {
			struct pve_kv *kv;
			int nkv;

			if (pve_kv_parse(&r.j, r.data, &kv, &nkv, &e) == 0) {
				for (int k = 0; k < nkv; k++)
					if (strcmp(kv[k].key, "onboot") == 0 &&
					    kv[k].value && atoi(kv[k].value))
						onboot = 1;
				pve_kv_free(kv, nkv);
			}
			px_reply_free(&r);
		}
		buf_free(&p);
		if (strcmp(g[i].hastate, "started") == 0 || onboot)
			v[(*n)++] = g[i].vmid;
		else
			buf_printf(lost, "%s%d", lost->len ? ", " : "",
			    g[i].vmid);
	}
	free(g);
	return v;
}

/* The evacuation of node, admitted through the gate (plan shown): 0
 * with *p, r and *rows to send, 1 when there is nothing to move, -1
 * with e refused (the rows printed with the failure). */
static int
evac_admit(struct mutcli *m, const char *node, const struct apply_opts *ao,
    struct pve_evac_plan *p, struct gate_req *r, struct mut_row **rows,
    struct px_err *e)
{
	struct pve_evac_opts o = { NULL, 1, ao->local_disks };

	*rows = NULL;
	if (pve_evac_plan(m->x.client, node, &o, p, e) != 0)
		return -1;
	evaccli_show_plan(p, "evacuate");
	*rows = px_xcalloc((size_t)p->n + 1, sizeof(**rows));
	if (pve_evac_admit(&m->g, p, &o, &m->ui, r, *rows, e) != 0) {
		for (int i = 0; i < p->n; i++)
			if ((*rows)[i].failed &&
			    strcmp((*rows)[i].result, "refused") == 0 &&
			    (*rows)[i].err.id != PXE_OK &&
			    strcmp((*rows)[i].err.msg, e->msg) != 0)
				px_report(&(*rows)[i].err);
		return -1;
	}
	return p->n == 0;
}

/* Move what the evacuation moved back to node (--return): 0, or -1
 * with e.  *nback: how many went back. */
static int
evac_return(struct mutcli *m, const char *node, const struct apply_opts *ao,
    const struct pve_evac_plan *was, const struct mut_row *wrows,
    int *nback, struct px_err *e)
{
	struct pve_evac_opts o = { NULL, 1, ao->local_disks };
	struct pve_evac_plan back;
	struct gate_req r;
	struct mut_row *rows;
	int rc;

	*nback = 0;
	if (pve_evac_return_plan(m->x.client, was, wrows, &o, &back, e) != 0)
		return -1;
	evaccli_show_plan(&back, "return to");
	if (back.n == 0) {
		pve_evac_plan_free(&back);
		return 0;
	}
	rows = px_xcalloc((size_t)back.n + 1, sizeof(*rows));
	rc = pve_evac_admit(&m->g, &back, &o, &m->ui, &r, rows, e);
	if (rc == 0)
		rc = pve_evac_send(&m->g, &r, &back, m->o.timeout, evaccli_step,
		    NULL, rows, e);
	for (int i = 0; i < back.n; i++)
		*nback += strcmp(rows[i].result, "ok") == 0;
	if (rc != 0)
		px_wrap(e, "returning the guests to %s", node);
	gate_req_free(&r);
	free(rows);
	pve_evac_plan_free(&back);
	return rc;
}

static int
patch_node(struct mutcli *m, struct sshcli *s, const char *node,
    const struct apply_opts *ao, struct mut_row *row)
{
	static const char *const update[] = { "apt-get", "-q", "update",
	    NULL };
	static const char *const upgrade[] = { "env",
	    "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", "-y", "-o",
	    "Dpkg::Options::=--force-confdef", "-o",
	    "Dpkg::Options::=--force-confold", "dist-upgrade", NULL };
	static const char *const reboot[] = { "reboot", NULL };
	struct plan pl = { 0 };
	char *names[1] = { (char *)node };
	struct gate_req up = { 0 }, rb = { 0 }, ev = { 0 };
	struct gate_result res;
	struct buf cmd = { 0 }, sum = { 0 }, lost = { 0 }, note = { 0 };
	struct px_err e = { 0 };
	struct pve_evac_plan ep = { 0 };
	struct mut_row *erows = NULL;
	struct reboot_ctx rctx = { m, NULL, 0 };
	long long_to = s->sc.timeout > 3600 ? s->sc.timeout : 3600;
	double wait_to = m->o.timeout > 0 ? m->o.timeout : 900;
	int rc, dry = m->g.dry_run, do_reboot, evac = 0, nmoved = 0;
	int nback = 0, *want = NULL, nwant = 0, *moved = NULL;

	snprintf(row->node, sizeof(row->node), "%s", node);
	snprintf(row->name, sizeof(row->name), "%s", node);
	snprintf(row->action, sizeof(row->action), "patch");
	if (!sshcli_online(s, node)) {
		px_fail(&row->err, PXE_UNAVAILABLE, "%s is offline in the "
		    "cluster", node);
		goto fail;
	}
	plan_nodes(s, names, 1, &pl);
	if (!pl.ok) {
		row->err = pl.err;
		goto fail;
	}
	progress(node, "%s", pl.packages.len ? pl.packages.p :
	    "nothing to upgrade in the current package lists");
	do_reboot = ao->when == REBOOT_ALWAYS || (ao->when == REBOOT_AUTO &&
	    pl.reboot);

	/* Every step is admitted before any runs: the evacuation, the
	 * reboot's pre-flight check (the guests the evacuation moves
	 * away do not count), the upgrade.  A refusal leaves the node as
	 * it was, never upgraded and not rebooted. */
	if (ao->evacuate) {
		rc = evac_admit(m, node, ao, &ep, &ev, &erows, &e);
		if (rc < 0) {
			row->err = e;
			goto refused;
		}
		evac = rc == 0;
		moved = px_xcalloc((size_t)ep.n + 1, sizeof(*moved));
		for (int i = 0; i < ep.n; i++)
			moved[i] = ep.items[i].guest.vmid;
		rctx.moved = moved;
		rctx.nmoved = ep.n;
	}
	if (do_reboot) {
		buf_printf(&sum, "reboot node %s (%s)", node, pl.reboot ?
		    pl.kernel[0] ? pl.kernel : "new microcode" :
		    "--reboot always");
		if (step_admit(m, &rb, "reboot", node, sum.p, "reboot", &rctx,
		    &e) != 0) {
			row->err = e;
			if (evac) {
				struct px_err all = { 0 };

				px_fail(&all, e.id, "not sent: the reboot of %s "
				    "was refused", node);
				gate_refuse_all(&m->g, &ev, "refused-risk",
				    &all);
			}
			goto refused;
		}
	}
	ssh_command(&cmd, update, -1);
	buf_adds(&cmd, " && ");
	ssh_command(&cmd, upgrade, -1);
	buf_reset(&sum);
	buf_printf(&sum, "upgrade node %s (apt-get update, dist-upgrade: "
	    "%d to upgrade, %d new, %d to remove now)", node, pl.upgrades,
	    pl.installs, pl.removals);
	if (step_admit(m, &up, "patch", node, sum.p, cmd.p, NULL, &e) != 0) {
		struct px_err all = { 0 };

		row->err = e;
		px_fail(&all, e.id, "not run: the upgrade of %s was refused",
		    node);
		if (evac)
			gate_refuse_all(&m->g, &ev, "refused-unconfirmed",
			    &all);
		if (do_reboot)
			gate_refuse_all(&m->g, &rb, "refused-unconfirmed",
			    &all);
		goto refused;
	}

	/* the evacuation */
	if (evac) {
		progress(node, "%s", dry ? "would move its guests away first" :
		    "moving its guests away");
		if (pve_evac_send(&m->g, &ev, &ep, m->o.timeout, evaccli_step,
		    NULL, erows, &e) != 0) {
			struct px_err all = { 0 };

			px_wrap(&e, "evacuating %s", node);
			row->err = e;
			px_fail(&all, e.id, "not run: the evacuation of %s "
			    "failed", node);
			gate_refuse_all(&m->g, &up, "refused-precondition",
			    &all);
			if (do_reboot)
				gate_refuse_all(&m->g, &rb,
				    "refused-precondition", &all);
			goto fail;
		}
		for (int i = 0; i < ep.n; i++)
			nmoved += strcmp(erows[i].result, "ok") == 0;
	}

	/* the upgrade */
	rc = step_local(m, &up, node, cmd.p, &res, &e);
	if (rc < 0) {
		row->err = e;
		goto fail;
	}
	if (rc == 0) {
		progress(node, "%s", "apt-get update && apt-get -y "
		    "dist-upgrade");
		if (step_run(s, node, update, -1, &e) != 0 ||
		    step_run(s, node, upgrade, long_to, &e) != 0) {
			gate_local_done(&m->g, &up, 0, &res, e.msg);
			row->err = e;
			goto fail;
		}
		gate_local_done(&m->g, &up, 0, &res, "OK");
	}

	/* the reboot: checked again now (a guest may have been started
	 * during the upgrade) */
	if (do_reboot) {
		struct buf list = { 0 };
		int n = dry ? 0 : running_guests(&rctx, node, &list);

		if (n != 0 && !m->g.allow_risk) {
			if (n < 0)
				px_fail(&e, PXE_FAILURE, "cannot list the "
				    "guests of %s", node);
			else
				px_fail(&e, PXE_REFUSED_RISK, "%d guest%s "
				    "started on %s since the check (%s): not "
				    "rebooted (the upgrade is done)", n, n == 1 ?
				    "" : "s", node, list.p);
			buf_free(&list);
			gate_refuse_all(&m->g, &rb, "refused-recheck", &e);
			row->err = e;
			goto refused;
		}
		buf_free(&list);
		if (!dry)
			want = expected_back(m, node, &rctx, &nwant, &lost);
		rc = step_local(m, &rb, node, "reboot", &res, &e);
		if (rc < 0) {
			row->err = e;
			goto fail;
		}
		if (rc == 0) {
			struct ssh_result sr;

			progress(node, "%s", "rebooting");
			/* The session may die with the node: only a refusal
			 * to run is a failure. */
			if (ssh_run(s->pool, node, reboot, 60, NULL, NULL, &sr,
			    &e) == 0 && sr.status != 0) {
				px_fail(&e, PXE_FAILURE, "%s: reboot exited "
				    "with status %d", node, sr.status);
				ssh_result_free(&sr);
				gate_local_done(&m->g, &rb, 0, &res, e.msg);
				row->err = e;
				goto fail;
			}
			ssh_result_free(&sr);
			ssh_pool_drop(s->pool, node);
			progress(node, "%s", "waiting for the node to come "
			    "back online");
			if (wait_reboot(m, node, wait_to, &e) != 0) {
				gate_local_done(&m->g, &rb, 0, &res, e.msg);
				row->err = e;
				goto fail;
			}
			progress(node, "%s", "back online");
			if (lost.len)
				progress(node, "ran before the reboot, not "
				    "started on boot (no onboot, no HA): %s",
				    lost.p);
			if (nwant > 0) {
				progress(node, "%s", "waiting for its guests");
				if (pve_evac_wait_running(m->x.client, node,
				    want, nwant, wait_to, waiting_line,
				    (void *)node, &e) != 0) {
					gate_local_done(&m->g, &rb, 0, &res,
					    e.msg);
					row->err = e;
					goto fail;
				}
				progress(node, "%s", "its guests run again");
			}
			gate_local_done(&m->g, &rb, 0, &res, "OK: back online");
		}
	}

	/* the way back */
	if (evac && ao->back) {
		if (dry)
			progress(node, "%s", "would move the evacuated guests "
			    "back");
		else if (evac_return(m, node, ao, &ep, erows, &nback, &e) !=
		    0) {
			row->err = e;
			goto fail;
		}
	}
	snprintf(row->result, sizeof(row->result), "%s", dry ? "dry-run" :
	    "ok");
	if (evac)
		buf_printf(&note, ", %s %d guest%s", dry ? "would evacuate" :
		    "evacuated", dry ? ep.n : nmoved, (dry ? ep.n : nmoved) ==
		    1 ? "" : "s");
	if (evac && ao->back && !dry)
		buf_printf(&note, ", %d returned", nback);
	if (lost.len)
		buf_printf(&note, ", not started on boot: %s", lost.p);
	snprintf(row->message, sizeof(row->message), "%d upgraded, %d new, "
	    "%d removed%s%s", pl.upgrades, pl.installs, pl.removals,
	    do_reboot ? dry ? ", would reboot" : ", rebooted" : pl.reboot ?
	    ", reboot needed (--reboot never)" : "", note.len ? note.p : "");
	rc = 0;
	goto out;
refused:
	snprintf(row->result, sizeof(row->result), "refused");
	goto failed;
fail:
	snprintf(row->result, sizeof(row->result), "failed");
failed:
	row->failed = 1;
	snprintf(row->message, sizeof(row->message), "%s", row->err.msg);
	rc = -1;
out:
	gate_req_free(&up);
	gate_req_free(&rb);
	gate_req_free(&ev);
	pve_evac_plan_free(&ep);
	free(erows);
	free(moved);
	free(want);
	buf_free(&pl.packages);
	buf_free(&cmd);
	buf_free(&sum);
	buf_free(&lost);
	buf_free(&note);
	return rc;
}

static int
patch_apply(struct mutcli *m, struct sshcli *s, const struct apply_opts *ao)
{
	struct mut_row *rows = px_xcalloc(s->nnodes, sizeof(*rows));
	int rc, stopped = 0;

	for (int i = 0; i < s->nnodes; i++) {
		if (stopped) {
			snprintf(rows[i].node, sizeof(rows[i].node), "%s",
			    s->nodes[i]);
			snprintf(rows[i].name, sizeof(rows[i].name), "%s",
			    s->nodes[i]);
			snprintf(rows[i].action, sizeof(rows[i].action),
			    "patch");
			snprintf(rows[i].result, sizeof(rows[i].result),
			    "skipped");
			snprintf(rows[i].message, sizeof(rows[i].message),
			    "not attempted: %s failed", s->nodes[stopped - 1]);
			continue;
		}
		if (patch_node(m, s, s->nodes[i], ao, &rows[i]) != 0) {
			px_report(&rows[i].err);
			stopped = i + 1;
		}
	}
	rc = mutcli_print(m, rows, s->nnodes);
	if (rc == 0)
		rc = stopped ? px_exit_code(&rows[stopped - 1].err) : 0;
	free(rows);
	return rc;
}

int
patch_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct sshcli s;
	char **want = NULL;
	int ch, nwant = 0, rc, apply;
	struct apply_opts ao = { REBOOT_AUTO, 0, 0, 0 };

	mutcli_init(&m, &px_cmd_patch);
	px_getopt_init(&go, &px_cmd_patch, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_NODE:
			sshcli_add_node(&want, &nwant, go.arg);
			break;
		case O_REBOOT:
			if (strcmp(go.arg, "auto") == 0)
				ao.when = REBOOT_AUTO;
			else if (strcmp(go.arg, "always") == 0)
				ao.when = REBOOT_ALWAYS;
			else if (strcmp(go.arg, "never") == 0)
				ao.when = REBOOT_NEVER;
			else
				px_errx(PX_EXIT_USAGE, "--reboot %s: want "
				    "auto, always or never", go.arg);
			break;
		case O_EVACUATE:
			ao.evacuate = 1;
			break;
		case O_RETURN:
			ao.back = 1;
			break;
		case O_LOCAL:
			ao.local_disks = 1;
			break;
		default:
			px_usage(&px_cmd_patch);
		}
	}
	if (go.ind != argc - 1)
		px_usage(&px_cmd_patch);
	if (strcmp(argv[go.ind], "plan") == 0)
		apply = 0;
	else if (strcmp(argv[go.ind], "apply") == 0)
		apply = 1;
	else
		px_usage(&px_cmd_patch);
	if ((ao.back || ao.local_disks) && !ao.evacuate)
		px_errx(PX_EXIT_USAGE, "--return and --with-local-disks go with "
		    "--evacuate");
	if (ao.evacuate && !apply)
		px_errx(PX_EXIT_USAGE, "--evacuate is for apply");
	if (ao.evacuate && m.o.no_wait)
		px_errx(PX_EXIT_USAGE, "--evacuate follows each migration: "
		    "not with --no-wait");
	mutcli_connect(&m);
	sshcli_open(&s, &m.x);
	sshcli_pick(&s, want, nwant);
	rc = apply ? patch_apply(&m, &s, &ao) : patch_plan(&m.x, &s);
	for (int i = 0; i < nwant; i++)
		free(want[i]);
	free(want);
	sshcli_free(&s);
	mutcli_free(&m);
	return rc;
}
