/* mutate.c -- shared by px delete, migrate, snapshot, clone, template (see
 * mutate.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enc.h"
#include "mutate.h"
#include "pve_cond.h"
#include "pve_guest.h"

void
mutate_init(struct batch *b, struct px_cli *x)
{
	memset(b, 0, sizeof(*b));
	b->x = x;
	gate_init(&b->g, x);
}

void
mutate_free(struct batch *b)
{
	gate_free(&b->g);
}

int
mutate_opt(struct batch *b, int ch, const char *arg)
{
	double t;

	if (ch != 's' && cli_opt(b->x, ch, arg))
		return 1;
	switch (ch) {
	case 'n':
		b->g.dry_run = 1;
		return 1;
	case 'y':
		b->g.yes = 1;
		return 1;
	case MUTATE_O_ALLOW_RISK:
		b->g.allow_risk = 1;
		return 1;
	case MUTATE_O_NO_WAIT:
		b->no_wait = 1;
		return 1;
	case MUTATE_O_TIMEOUT:
		if ((t = pve_parse_seconds(arg)) < 0)
			px_errx(PX_EXIT_USAGE, "--timeout: not a duration: "
			    "'%s'", arg);
		b->timeout = t;
		return 1;
	}
	return 0;
}

void
mutate_guest_name(const struct pve_guest *g, char *buf, size_t n)
{
	snprintf(buf, n, "%s %d (%s)", strcmp(g->type, "lxc") == 0 ? "CT" :
	    "VM", g->vmid, g->name[0] ? g->name : "no name");
}

int
mutate_guest_running(struct px_client *c, const struct pve_guest *g,
    struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	struct pve_guest_status st;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	rc = pve_get(c, &r, e, "%s/status/current", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	memset(&st, 0, sizeof(st));
	rc = pve_guest_status_parse(&r.j, r.data, &st, e);
	px_reply_free(&r);
	if (rc != 0)
		return -1;
	/* paused and suspended guests are not stopped either */
	return strcmp(st.status, "stopped") != 0;
}

/* ---- one guest through the gate ---- */

struct follow {
	const char *what;
	int tty;
	mutate_line_fn line;
	void *arg;
};

static void
on_poll(void *arg, const struct pve_task *t, double waited)
{
	struct follow *f = arg;

	if (f->tty && f->line == NULL)
		fprintf(stderr, "\r%s: %s %.0fs ", f->what, t->running ?
		    "running" : t->status, waited);
}

static void
on_line(void *arg, const struct pve_log_line *l)
{
	struct follow *f = arg;

	f->line(f->arg, l);
}

int
mutate_one(struct batch *b, const char *action, const struct pve_guest *g,
    batch_build_fn build, void *arg, mutate_line_fn line, void *line_arg,
    struct mutate_item *it)
{
	struct follow f = { NULL, isatty(STDERR_FILENO), line, line_arg };
	char what[64];
	int rc;

	memset(it, 0, sizeof(*it));
	it->r.action = action;
	it->r.guest = g;
	snprintf(it->target, sizeof(it->target), "%s/%d",
	    strcmp(g->type, "lxc") == 0 ? "ct" : "vm", g->vmid);
	it->r.target = it->target;
	if (build(arg, g, &it->r, &it->path, &it->form, it->summary,
	    sizeof(it->summary), &it->err) != 0) {
		snprintf(it->result, sizeof(it->result), "refused");
		return px_exit_code(&it->err);
	}
	it->r.path = it->path.p;
	it->r.form = it->form.len ? it->form.p : NULL;
	it->r.summary = it->summary;
	if (gate_call(&b->g, &it->r, &it->res, &it->err) != 0) {
		enum px_errid id = it->err.id;

		snprintf(it->result, sizeof(it->result), "%s",
		    id == PXE_READ_ONLY || id == PXE_FROZEN ||
		    id == PXE_REFUSED_RISK || id == PXE_HITL_DENIED ||
		    id == PXE_HITL_TIMEOUT || id == PXE_USAGE ? "refused" :
		    "failed");
		return px_exit_code(&it->err);
	}
	if (b->g.dry_run) {
		snprintf(it->result, sizeof(it->result), "dry-run");
		return 0;
	}
	if (it->res.upid[0] == '\0') {	/* done at once (lxc template) */
		snprintf(it->result, sizeof(it->result), "ok");
		return 0;
	}
	if (b->no_wait) {
		snprintf(it->result, sizeof(it->result), "submitted");
		return 0;
	}
	snprintf(what, sizeof(what), "%s %d", action, g->vmid);
	f.what = what;
	rc = pve_task_follow(b->x->client, it->res.upid, b->timeout, 0.5,
	    on_poll, line ? on_line : NULL, &f, NULL, &it->err);
	if (f.tty && line == NULL)
		fprintf(stderr, "\r\033[K");
	if (rc != 0) {
		snprintf(it->result, sizeof(it->result), "failed");
		gate_task_done(&b->g, &it->r, &it->res, it->err.msg);
		return px_exit_code(&it->err);
	}
	snprintf(it->result, sizeof(it->result), "ok");
	gate_task_done(&b->g, &it->r, &it->res, "OK");
	return 0;
}

void
mutate_item_free(struct mutate_item *it)
{
	gate_result_free(&it->res);
	buf_free(&it->path);
	buf_free(&it->form);
}

void
mutate_print(struct px_cli *x, const struct pve_guest *g, const char *action,
    const struct mutate_item *it)
{
	static const struct out_col cols[] = {
		{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 },
		{ "node", OT_STR, 0 }, { "action", OT_STR, 0 },
		{ "result", OT_STR, 0 }, { "upid", OT_STR, OC_EXTRA },
		{ "message", OT_STR, 0 },
	};
	struct out *o = out_new(&x->out, cols, 7);
	struct px_err e;

	out_row(o);
	out_int(o, 0, g->vmid);
	out_str(o, 1, g->name);
	out_str(o, 2, g->node);
	out_str(o, 3, action);
	out_str(o, 4, it->result);
	out_str(o, 5, it->res.upid[0] ? it->res.upid : NULL);
	if (it->err.id != PXE_OK) {
		out_str(o, 6, it->err.msg);
		out_row_error(o);
		px_report(&it->err);
	}
	if (cli_print(x, o, &e) != 0)
		px_report(&e);
	out_free(o);
}

/* ---- migration preconditions ---- */

int
mutate_migrate_info(struct px_client *c, const struct pve_guest *g,
    const char *target, struct pve_migrate_info *m, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	buf_adds(&p, "/migrate");
	if (target) {
		buf_adds(&p, "?target=");
		url_seg(&p, target);
	}
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pve_migrate_parse(&r.j, r.data, m, e);
	px_reply_free(&r);
	return rc;
}

/* ---- snapshots as a tree ---- */

struct tree {
	struct pve_snapshot *v;
	int n;
	const char *here;	/* the parent of "current", "" if none */
	int *done;
	struct mutate_snap *out;
	int nout;
};

static int
by_time(const void *a, const void *b)
{
	const struct pve_snapshot *x = a, *y = b;

	return x->snaptime < y->snaptime ? -1 : x->snaptime > y->snaptime;
}

static void
emit_current(struct tree *t, int depth)
{
	struct mutate_snap *o = &t->out[t->nout++];

	memset(o, 0, sizeof(*o));
	snprintf(o->s.name, sizeof(o->s.name), "current");
	snprintf(o->s.parent, sizeof(o->s.parent), "%s", t->here);
	snprintf(o->s.description, sizeof(o->s.description),
	    "You are here!");
	o->depth = depth;
	o->current = 1;
}

/* Emit snapshot i and its subtree; depth-first, bounded by done[]. */
static void
emit(struct tree *t, int i, int depth)
{
	t->done[i] = 1;
	t->out[t->nout].s = t->v[i];
	t->out[t->nout].depth = depth;
	t->out[t->nout].current = 0;
	t->nout++;
	for (int k = 0; k < t->n; k++)
		if (!t->done[k] && strcmp(t->v[k].parent, t->v[i].name) == 0)
			emit(t, k, depth + 1);
	if (strcmp(t->here, t->v[i].name) == 0)
		emit_current(t, depth + 1);
}

static int
known(const struct tree *t, const char *name)
{
	for (int k = 0; k < t->n; k++)
		if (strcmp(t->v[k].name, name) == 0)
			return 1;
	return 0;
}

int
mutate_snapshots_parse(const struct json *j, int arr,
    struct mutate_snap **out, int *n, struct px_err *e)
{
	struct tree t = { 0 };
	char here[64];

	if (pve_snapshots_parse(j, arr, &t.v, &t.n, e) != 0)
		return -1;
	pve_snapshot_here(j, arr, here, sizeof(here));
	t.here = here;
	qsort(t.v, (size_t)t.n, sizeof(*t.v), by_time);
	t.done = px_xcalloc((size_t)t.n + 1, sizeof(*t.done));
	t.out = px_xcalloc((size_t)t.n + 1, sizeof(*t.out));
	/* roots first: no parent, or a parent that is gone */
	for (int k = 0; k < t.n; k++)
		if (!t.done[k] && (t.v[k].parent[0] == '\0' ||
		    !known(&t, t.v[k].parent)))
			emit(&t, k, 0);
	/* a cycle (a broken config) leaves some: show them flat */
	for (int k = 0; k < t.n; k++)
		if (!t.done[k]) {
			t.done[k] = 1;
			t.out[t.nout].s = t.v[k];
			t.out[t.nout++].depth = 0;
		}
	if (here[0] == '\0' || !known(&t, here))
		emit_current(&t, 0);
	free(t.done);
	free(t.v);
	*out = t.out;
	*n = t.nout;
	return 0;
}

int
mutate_snapshots(struct px_client *c, const struct pve_guest *g,
    struct mutate_snap **out, int *n, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	rc = pve_get(c, &r, e, "%s/snapshot", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = mutate_snapshots_parse(&r.j, r.data, out, n, e);
	px_reply_free(&r);
	return rc;
}

int
mutate_migrate_check(struct px_client *c, const struct pve_guest *g,
    const char *target, int online, int local_disks, int *running,
    struct px_err *e)
{
	struct pve_migrate_info mi;
	struct pve_node *nodes;
	int lxc = strcmp(g->type, "lxc") == 0, nn, found = 0;
	char name[192];

	mutate_guest_name(g, name, sizeof(name));
	if (strcmp(g->node, target) == 0) {
		px_fail(e, PXE_FAILURE, "%s is already on %s", name, g->node);
		return -1;
	}
	if (mutate_migrate_info(c, g, target, &mi, e) != 0)
		return -1;
	if (mi.running == 0 && strcmp(g->status, "running") == 0)
		mi.running = 1;	/* the freshest of the two wins: running */
	if (running)
		*running = mi.running;
	for (int i = 0; i < mi.nallowed && !found; i++)
		found = strcmp(mi.allowed[i], target) == 0;
	if (!found) {
		for (int i = 0; i < mi.nnot; i++)
			if (strcmp(mi.not_node[i], target) == 0) {
				px_fail(e, PXE_FAILURE, "%s cannot move to %s: "
				    "%s", name, target, mi.not_why[i]);
				return -1;
			}
		if (pve_nodes(c, &nodes, &nn, e) != 0)
			return -1;
		for (int i = 0; i < nn && !found; i++)
			found = strcmp(nodes[i].name, target) == 0;
		free(nodes);
		if (!found) {
			px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster",
			    target);
			px_hint(e, "px ls nodes lists them");
			return -1;
		}
		px_fail(e, PXE_FAILURE, "%s cannot move to %s: PVE does not "
		    "allow it (offline?); allowed: %s%s%s%s", name, target,
		    mi.nallowed ? mi.allowed[0] : "none",
		    mi.nallowed > 1 ? ", " : "", mi.nallowed > 1 ?
		    mi.allowed[1] : "", mi.nallowed > 2 ? ", ..." : "");
		return -1;
	}
	if (mi.resources[0]) {
		px_fail(e, PXE_FAILURE, "%s uses local resources (%s): it "
		    "cannot be migrated", name, mi.resources);
		return -1;
	}
	if (mi.ncdroms > 0) {
		px_fail(e, PXE_FAILURE, "%s has a local CD-ROM image (%s)",
		    name, mi.cdrom[0]);
		px_hint(e, "eject it first (px set %d ide2=none,media=cdrom)",
		    g->vmid);
		return -1;
	}
	if (mi.ndisks > 0 && !local_disks) {
		char size[32];

		out_fmt_bytes(size, sizeof(size), mi.disk_size[0]);
		px_fail(e, PXE_FAILURE, "%s has %d local disk%s (%s, %s%s): "
		    "refused without --with-local-disks", name, mi.ndisks,
		    mi.ndisks == 1 ? "" : "s", mi.disk[0], size,
		    mi.ndisks > 1 ? ", ..." : "");
		px_hint(e, "--with-local-disks copies them to %s (pick the "
		    "storage there with --targetstorage)", target);
		return -1;
	}
	if (mi.running && !online) {
		px_fail(e, PXE_FAILURE, "%s is running: refused without "
		    "--online", name);
		px_hint(e, lxc ? "--online moves it with a restart migration "
		    "(stopped here, started on %s), or stop it first" :
		    "--online migrates it live to %s, or stop it first",
		    target);
		return -1;
	}
	return 0;
}

int
mutate_valid_snapname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 40 || !((*name >= 'a' && *name <= 'z') ||
	    (*name >= 'A' && *name <= 'Z')) || strcmp(name, "current") == 0)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

int
mutate_recheck_stopped(struct px_client *c, const struct gate_req *r,
    struct px_err *e)
{
	int running = mutate_guest_running(c, r->guest, e);

	if (running < 0)
		return -1;
	if (running) {
		px_fail(e, PXE_REFUSED_RISK, "%s is running now: not deleted",
		    r->summary);
		px_hint(e, "stop it first: px stop %d", r->guest->vmid);
		return -1;
	}
	return 0;
}

/* ---- progress in task logs ---- */

double
mutate_parse_size(const char *s, const char **end)
{
	static const struct { const char *u; double m; } units[] = {
		{ "TiB", 1099511627776.0 }, { "GiB", 1073741824.0 },
		{ "MiB", 1048576.0 }, { "KiB", 1024.0 },
		{ "TB", 1e12 }, { "GB", 1e9 }, { "MB", 1e6 }, { "KB", 1e3 },
		{ "kB", 1e3 }, { "T", 1099511627776.0 },
		{ "G", 1073741824.0 }, { "M", 1048576.0 }, { "K", 1024.0 },
		{ "B", 1 },
	};
	const char *p;
	char *e;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &e);
	if (e == s || !isfinite(v) || v < 0)
		return -1;
	p = e;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].u);

		if (strncmp(p, units[i].u, n) == 0 &&
		    !isalpha((unsigned char)p[n])) {
			if (end)
				*end = p + n;
			return v * units[i].m;
		}
	}
	return -1;
}

int
mutate_progress_parse(const char *line, struct mutate_progress *p)
{
	const char *s, *end;
	double a, b;
	int found = 0;

	p->percent = -1;
	p->transferred = p->total = 0;
	p->speed = -1;
	if (strstr(line, "migration status: completed") != NULL) {
		p->percent = 100;
		return 1;
	}
	/* "transferred A of B" */
	if ((s = strstr(line, "transferred ")) != NULL &&
	    (a = mutate_parse_size(s + 12, &end)) >= 0 &&
	    strncmp(end, " of ", 4) == 0 &&
	    (b = mutate_parse_size(end + 4, &end)) >= 0) {
		p->transferred = (uint64_t)a;
		p->total = (uint64_t)b;
		if (b > 0)
			p->percent = a * 100 / b;
		found = 1;
	}
	/* older qemu-server, in bytes: "migration status: active
	 * (transferred 123, remaining 456), total 789)": the share of the
	 * memory no longer left to send */
	if (!found && (s = strstr(line, "(transferred ")) != NULL) {
		double rem, total;

		if (sscanf(s, "(transferred %lf, remaining %lf), total %lf",
		    &a, &rem, &total) == 3 && a >= 0 && rem >= 0 &&
		    total > 0 && isfinite(a) && isfinite(rem) &&
		    isfinite(total)) {
			p->transferred = (uint64_t)a;
			p->total = (uint64_t)total;
			p->percent = rem < total ? (total - rem) * 100 / total :
			    0;
			found = 1;
		}
	}
	/* a percentage: "(3.12%)", "45%", "(45.00/100%)" */
	for (s = line; (s = strchr(s, '%')) != NULL; s++) {
		const char *q = s;

		if (q - line >= 4 && strncmp(q - 4, "/100", 4) == 0)
			q -= 4;
		while (q > line && (isdigit((unsigned char)q[-1]) ||
		    q[-1] == '.'))
			q--;
		if (q < s && isdigit((unsigned char)*q)) {
			double v = strtod(q, NULL);

			if (v >= 0 && v <= 100) {
				p->percent = v;
				found = 1;
				break;
			}
		}
	}
	/* a speed: "120.5 MiB/s" */
	for (s = line; (s = strstr(s, "/s")) != NULL; s++) {
		const char *q = s;

		while (q > line && isalpha((unsigned char)q[-1]))
			q--;
		while (q > line && q[-1] == ' ')
			q--;
		while (q > line && (isdigit((unsigned char)q[-1]) ||
		    q[-1] == '.'))
			q--;
		if (q < s && (a = mutate_parse_size(q, &end)) >= 0 &&
		    end == s) {
			p->speed = a;
			break;
		}
	}
	if (p->percent > 100)
		p->percent = 100;
	return found;
}
