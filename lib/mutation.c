/* mutation.c -- gate -> submit -> follow -> rows (see mutation.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutation.h"
#include "pve_check.h"

int
mutation_parse_policy(const char *s, struct mutation_opts *o)
{
	const char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	char *end;
	long v = 1;

	if (eq) {
		v = strtol(eq + 1, &end, 10);
		if (*end != '\0' || v < 1 || v > 10000)
			return -1;
	}
	if (n == 3 && strncmp(s, "all", 3) == 0 && !eq)
		o->policy = MUTATION_ALL;
	else if (n == 6 && strncmp(s, "canary", 6) == 0)
		o->policy = MUTATION_CANARY;
	else if (n == 7 && strncmp(s, "rolling", 7) == 0)
		o->policy = MUTATION_ROLLING;
	else
		return -1;
	o->step = (int)v;
	return 0;
}

int
mutation_recheck_stopped(struct px_client *c, const struct gate_target *t,
    struct px_err *e)
{
	int running = pve_guest_running(c, &t->guest, e);

	if (running < 0)
		return -1;
	if (running) {
		px_fail(e, PXE_REFUSED_RISK, "%s is running now: not deleted",
		    t->summary);
		px_hint(e, "stop it first: px stop %d", t->guest.vmid);
		return -1;
	}
	return 0;
}

int
mutation_nrows(const struct gate_req *r)
{
	return r->call.method ? 1 : r->n;
}

/* The state of one run. */
struct run {
	struct gate *g;
	struct gate_req *r;
	const struct mutation_opts *o;
	const struct mutation_ui *ui;
	struct mut_row *rows;
	struct gate_result *res;
	int nrows;
	int bulk;
};

static void
set_result(struct mut_row *row, const char *result)
{
	snprintf(row->result, sizeof(row->result), "%s", result);
}

static void
fail_row(struct mut_row *row, const struct px_err *e)
{
	row->err = *e;
	row->failed = 1;
	snprintf(row->message, sizeof(row->message), "%s", e->msg);
	set_result(row, e->id == PXE_QUEUED ? "queued" :
	    gate_is_refusal(e->id) ? "refused" :
	    e->id == PXE_OUTCOME_UNKNOWN ? "unknown" : "failed");
}

/* Send request k (a row). */
static void
submit(struct run *u, int k)
{
	struct mut_row *row = &u->rows[k];
	struct gate_result *res = &u->res[k];
	struct px_err e = { 0 };

	if (row->failed || row->result[0])
		return;
	if (!u->bulk && u->r->t[k].call.method == NULL)
		return;		/* covered by another target's request */
	if (gate_send(u->g, u->r, u->bulk ? -1 : k, res, &e) != 0) {
		fail_row(row, &e);
		return;
	}
	if (res->dry_run) {
		set_result(row, "dry-run");
		if (u->ui->would_send)
			u->ui->would_send(u->ui->arg, res->would_send);
		return;
	}
	snprintf(row->upid, sizeof(row->upid), "%s", res->upid);
	set_result(row, res->upid[0] == '\0' ? "ok" : "submitted");
	if (u->ui->submitted)
		u->ui->submitted(u->ui->arg, k, res->upid);
}

struct follow {
	struct run *u;
	int k;
	char what[128];
};

static void
on_poll(void *arg, const struct pve_task *t, double waited)
{
	struct follow *f = arg;

	if (f->u->ui->progress)
		f->u->ui->progress(f->u->ui->arg, f->k, f->what, t, waited);
}

static void
on_line(void *arg, const struct pve_log_line *l)
{
	struct follow *f = arg;

	f->u->ui->line(f->u->ui->arg, f->k, l);
}

/* Follow the task of request k to its end. */
static void
finish(struct run *u, int k)
{
	struct mut_row *row = &u->rows[k];
	struct gate_result *res = &u->res[k];
	struct follow f = { u, k, "" };
	struct px_err e = { 0 };
	int rc;

	if (row->failed || strcmp(row->result, "submitted") != 0 ||
	    u->o->no_wait)
		return;
	if (u->bulk)
		snprintf(f.what, sizeof(f.what), "%s %s", u->r->action,
		    u->r->id);
	else if (u->r->t[k].has_guest)
		snprintf(f.what, sizeof(f.what), "%s %d", u->r->action,
		    u->r->t[k].guest.vmid);
	else
		snprintf(f.what, sizeof(f.what), "%s %s", u->r->action,
		    u->r->t[k].id);
	if (u->o->follow_log && u->ui->line)
		rc = pve_task_follow(u->g->c, res->upid, u->o->timeout, 0.5,
		    on_poll, on_line, &f, NULL, &e);
	else
		rc = pve_task_wait(u->g->c, res->upid, u->o->timeout, on_poll,
		    &f, NULL, &e);
	if (u->ui->followed)
		u->ui->followed(u->ui->arg, k);
	if (gate_task_end(u->g, u->r, u->bulk ? -1 : k, res, rc, &e) != 0) {
		fail_row(row, &e);
		return;
	}
	set_result(row, "ok");
}

/* Rows of the targets refused before anything was sent. */
static void
mark_refused(struct run *u)
{
	for (int k = 0; k < u->nrows; k++) {
		const struct gate_target *t = u->bulk ? NULL : &u->r->t[k];

		if (u->bulk) {
			for (int i = 0; i < u->r->n; i++)
				if (u->r->t[i].refused && !u->rows[0].failed)
					fail_row(&u->rows[0], &u->r->t[i].err);
			continue;
		}
		if (t->refused && !u->rows[k].failed)
			fail_row(&u->rows[k], &t->err);
	}
}

static int
outcome(struct run *u, struct px_err *e)
{
	for (int k = 0; k < u->nrows; k++)
		if (u->rows[k].failed) {
			*e = u->rows[k].err;
			return -1;
		}
	return 0;
}

int
mutation_admit(struct gate *g, struct gate_req *r,
    const struct mutation_ui *ui, struct px_err *e)
{
	static const struct mutation_ui none;
	int rc;

	if (ui == NULL)
		ui = &none;
	rc = gate_check(g, r, e);
	if (ui->checked)
		ui->checked(ui->arg, r);
	if (rc < 0)
		return -1;
	if (rc == GATE_CONFIRM) {
		int yes = ui->confirm ? ui->confirm(ui->arg, r, e) : -1;

		if (yes != 1) {
			if (yes == 0)
				px_fail(e, PXE_USAGE, "not confirmed: %s",
				    r->summary);
			else if (e->id == PXE_OK)
				px_fail(e, PXE_USAGE, "%s needs -y",
				    r->summary);
			return gate_refuse_all(g, r, "refused-unconfirmed", e);
		}
	}
	return gate_approve(g, r, e);
}

int
mutation_run(struct gate *g, struct gate_req *r, const struct mutation_opts *o,
    const struct mutation_ui *ui, struct mut_row *rows, struct px_err *e)
{
	static const struct mutation_ui none;
	struct run u = { g, r, o, ui ? ui : &none, rows, NULL, 0, 0 };
	int stop = 0;

	u.bulk = r->call.method != NULL;
	u.nrows = mutation_nrows(r);
	ui = u.ui;
	for (int k = 0; k < u.nrows; k++) {
		snprintf(rows[k].action, sizeof(rows[k].action), "%s",
		    r->action);
		if (!u.bulk && r->t[k].has_guest) {
			rows[k].vmid = r->t[k].guest.vmid;
			snprintf(rows[k].name, sizeof(rows[k].name), "%s",
			    r->t[k].guest.name);
			snprintf(rows[k].node, sizeof(rows[k].node), "%s",
			    r->t[k].guest.node);
		}
	}
	/* Targets refused by the command's own preconditions are refused
	 * already; nothing else left means nothing to ask about. */
	for (int k = 0; !u.bulk && k < u.nrows; k++)
		if (r->t[k].refused)
			fail_row(&rows[k], &r->t[k].err);

	if (mutation_admit(g, r, ui, e) != 0) {
		mark_refused(&u);
		if (u.bulk && !rows[0].failed)
			fail_row(&rows[0], e);
		/* queued for approval: every row not refused says so */
		for (int k = 0; e->id == PXE_QUEUED && k < u.nrows; k++)
			if (!rows[k].failed)
				fail_row(&rows[k], e);
		return -1;
	}
	mark_refused(&u);

	u.res = px_xcalloc((size_t)u.nrows + 1, sizeof(*u.res));
	{
		int step = o->policy == MUTATION_ALL ? u.nrows : o->step;

		for (int done = 0; done < u.nrows && !stop; ) {
			int group = step;

			if (o->policy == MUTATION_CANARY && done > 0)
				group = u.nrows - done;	/* the rest at once */
			if (group > u.nrows - done)
				group = u.nrows - done;
			for (int k = done; k < done + group; k++)
				submit(&u, k);
			for (int k = done; k < done + group; k++)
				finish(&u, k);
			for (int k = done; k < done + group; k++)
				if (rows[k].failed && o->policy != MUTATION_ALL)
					stop = 1;
			done += group;
			if (!stop)
				continue;
			for (int k = done; k < u.nrows; k++) {
				if (rows[k].failed)
					continue;
				set_result(&rows[k], "skipped");
				if (u.bulk || r->t[k].has_guest ||
				    o->policy == MUTATION_CANARY)
					snprintf(rows[k].message,
					    sizeof(rows[k].message), "not "
					    "attempted: an earlier guest failed "
					    "(--policy %s)", o->policy ==
					    MUTATION_CANARY ? "canary" :
					    "rolling");
				else
					snprintf(rows[k].message,
					    sizeof(rows[k].message), "not "
					    "sent: an earlier request failed");
				rows[k].failed = 1;
			}
		}
	}
	/* Targets covered by another's request share its outcome. */
	for (int k = 0; !u.bulk && k < u.nrows; k++) {
		int c = r->t[k].covered_by - 1;

		struct mut_row *w = &rows[k];
		const struct mut_row *from;

		if (c < 0 || c >= u.nrows || c == k || w->failed)
			continue;
		from = &rows[c];
		memcpy(w->result, from->result, sizeof(w->result));
		memcpy(w->upid, from->upid, sizeof(w->upid));
		memcpy(w->message, from->message, sizeof(w->message));
		w->err = from->err;
		w->failed = from->failed;
	}
	for (int k = 0; k < u.nrows; k++)
		gate_result_free(&u.res[k]);
	free(u.res);
	return outcome(&u, e);
}
