/*
 * pve_evacrun.c -- running an evacuation plan (pve_evacuate.h): one gate
 * change of a request per guest, all or nothing before anything is
 * sent, then each move followed to its end, the first failure stopping
 * the rest; the way back; the wait for a rebooted node's guests.
 * Nothing here prints: the caller hears through its callbacks and reads
 * the rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_evacuate.h"
#include "pve_guest.h"
#include "pve_migrate.h"

static void
row_fail(struct mut_row *row, const struct px_err *e, const char *result)
{
	row->err = *e;
	row->failed = 1;
	snprintf(row->message, sizeof(row->message), "%s", e->msg);
	snprintf(row->result, sizeof(row->result), "%s", result);
}

int
pve_evac_admit(struct gate *g, const struct pve_evac_plan *p,
    const struct pve_evac_opts *o, const struct mutation_ui *ui,
    struct gate_req *r, struct mut_row *rows, struct px_err *e)
{
	int refused = 0;

	gate_req_init(r, "evacuate", "node", p->n);
	snprintf(r->id, sizeof(r->id), "node/%.80s", p->node);
	for (int i = 0; i < p->n; i++) {
		const struct pve_evac_item *it = &p->items[i];
		struct px_err te = { 0 };

		rows[i].vmid = it->guest.vmid;
		snprintf(rows[i].name, sizeof(rows[i].name), "%s",
		    it->guest.name);
		snprintf(rows[i].node, sizeof(rows[i].node), "%s",
		    it->guest.node);
		snprintf(rows[i].action, sizeof(rows[i].action), "%s",
		    it->ha ? "ha-migrate" : "migrate");
		if (it->blocked)
			px_fail(&te, PXE_FAILURE, "%s", it->why);
		else if (pve_evac_target(g->c, &r->t[i], it, o, &te) == 0)
			continue;
		if (!r->t[i].has_guest)
			gate_target_guest(&r->t[i], &it->guest);
		gate_refuse_target(g, r, i, "refused-precondition", &te);
		row_fail(&rows[i], &te, "refused");
		refused++;
	}
	snprintf(r->summary, sizeof(r->summary), "evacuate node %s: move %d "
	    "guest%s off it (%d through HA)", p->node, p->n, p->n == 1 ? "" :
	    "s", p->nha);
	r->destructive = 1;
	if (p->n == 0)
		return 0;
	if (refused) {
		px_fail(e, PXE_FAILURE, "%d of %d guests cannot move off %s: "
		    "nothing was sent", refused, p->n, p->node);
		px_hint(e, "--online moves running guests, "
		    "--with-local-disks copies local disks; or move or stop "
		    "the blocked ones first");
		gate_refuse_all(g, r, "refused-precondition", e);
		for (int i = 0; i < p->n; i++)
			if (!rows[i].failed)
				row_fail(&rows[i], e, "skipped");
		return -1;
	}
	if (mutation_admit(g, r, ui, e) != 0) {
		for (int i = 0; i < p->n; i++)
			row_fail(&rows[i], r->t[i].refused ? &r->t[i].err : e,
			    "refused");
		return -1;
	}
	/* all or nothing: a guest the pre-flight check refused keeps the
	 * node from being emptied, so nothing is sent */
	for (int i = 0; i < p->n && !refused; i++)
		if (r->t[i].refused)
			*e = r->t[i].err, refused = i + 1;
	if (refused) {
		struct px_err all = { 0 };

		for (int i = 0; i < p->n; i++)
			if (r->t[i].refused)
				row_fail(&rows[i], &r->t[i].err, "refused");
		px_fail(&all, e->id, "not sent: the pre-flight check refused "
		    "another guest of the evacuation");
		gate_refuse_all(g, r, "refused-risk", &all);
		for (int i = 0; i < p->n; i++)
			if (!rows[i].failed)
				row_fail(&rows[i], &all, "skipped");
		return -1;
	}
	return 0;
}

struct follow {
	pve_evac_step_fn step;
	void *arg;
	const struct pve_evac_plan *p;
	int i;
	const struct mut_row *row;
	double t0;
};

static void
task_progress(void *arg, const struct pve_task *t, double waited)
{
	struct follow *f = arg;

	(void)waited;
	if (f->step)
		f->step(f->arg, f->p, f->i, PVE_EVAC_WAITING, f->row,
		    t->status[0] ? t->status : "migrating", -1,
		    px_mono() - f->t0);
}

/* Wait until the HA manager has moved it: the guest on the target and
 * no migration lock; 0, or -1 with e. */
static int
ha_wait(struct px_client *c, const struct pve_evac_item *it, double limit,
    struct follow *f, struct px_err *e)
{
	double t0 = px_mono();
	struct pve_guest g;

	for (;;) {
		if (pve_guest_find(c, it->guest.vmid, &g, e) != 0)
			return -1;
		if (strcmp(g.node, it->target) == 0 && g.lock[0] == '\0')
			return 0;
		if (px_mono() - t0 > limit) {
			px_fail(e, PXE_TIMEOUT, "the HA manager has not moved "
			    "%d to %s after %.0f s (it is on %s)", it->guest.vmid,
			    it->target, limit, g.node);
			px_hint(e, "px ha status shows what it is doing");
			return -1;
		}
		if (f->step)
			f->step(f->arg, f->p, f->i, PVE_EVAC_WAITING, f->row,
			    "the HA manager moves it", -1, px_mono() - f->t0);
		usleep(500 * 1000);
	}
}

int
pve_evac_send(struct gate *g, struct gate_req *r,
    const struct pve_evac_plan *p, double timeout, pve_evac_step_fn step,
    void *arg, struct mut_row *rows, struct px_err *e)
{
	double limit = timeout > 0 ? timeout : 900;
	int stop = 0, rc = 0;

	for (int i = 0; i < p->n; i++) {
		const struct pve_evac_item *it = &p->items[i];
		struct follow f = { step, arg, p, i, &rows[i], px_mono() };
		struct gate_result res;
		struct pve_task fin;
		struct px_err se = { 0 };

		if (stop) {
			px_fail(&se, PXE_FAILURE, "not attempted: an earlier "
			    "migration failed");
			row_fail(&rows[i], &se, "skipped");
			continue;
		}
		memset(&res, 0, sizeof(res));
		if (gate_send(g, r, i, &res, &se) != 0) {
			row_fail(&rows[i], &se, gate_is_refusal(se.id) ?
			    "refused" : "failed");
			stop = 1;
		} else if (res.dry_run) {
			snprintf(rows[i].result, sizeof(rows[i].result),
			    "dry-run");
			if (step)
				step(arg, p, i, PVE_EVAC_WOULD_SEND, &rows[i],
				    res.would_send, -1, 0);
			gate_result_free(&res);
			continue;
		} else {
			int ok;

			snprintf(rows[i].upid, sizeof(rows[i].upid), "%s",
			    res.upid);
			if (step)
				step(arg, p, i, PVE_EVAC_SENT, &rows[i], res.upid,
				    -1, px_mono() - f.t0);
			if (!it->ha && res.upid[0]) {
				ok = gate_task_end(g, r, i, &res,
				    pve_task_wait(g->c, res.upid, limit,
				    task_progress, &f, &fin, &se), &se) == 0;
			} else {
				ok = ha_wait(g->c, it, limit, &f, &se) == 0;
				gate_task_done(g, r, i, &res, ok ? "OK" :
				    se.msg);
			}
			if (ok)
				snprintf(rows[i].result, sizeof(rows[i].result),
				    "ok");
			else {
				row_fail(&rows[i], &se, se.id ==
				    PXE_OUTCOME_UNKNOWN ? "unknown" : "failed");
				stop = 1;
			}
		}
		gate_result_free(&res);
		if (rows[i].failed && rc == 0) {
			*e = rows[i].err;
			rc = -1;
		}
		if (step)
			step(arg, p, i, PVE_EVAC_DONE, &rows[i],
			    rows[i].result, -1, px_mono() - f.t0);
	}
	return rc;
}

int
pve_evac_return_plan(struct px_client *c, const struct pve_evac_plan *from,
    const struct mut_row *rows, const struct pve_evac_opts *o,
    struct pve_evac_plan *back, struct px_err *e)
{
	struct pve_guest *all = NULL;
	int ng = 0;

	memset(back, 0, sizeof(*back));
	snprintf(back->node, sizeof(back->node), "%s", from->node);
	if (pve_guests(c, &all, &ng, e) != 0)
		return -1;
	back->items = calloc((size_t)from->n + 1, sizeof(*back->items));
	if (back->items == NULL) {
		free(all);
		return px_fail(e, PXE_FAILURE, "out of memory");
	}
	for (int i = 0; i < from->n; i++) {
		const struct pve_evac_item *was = &from->items[i];
		struct pve_evac_item *it;
		struct px_err ce = { 0 };
		int k;

		if (strcmp(rows[i].result, "ok") != 0)
			continue;
		for (k = 0; k < ng && all[k].vmid != was->guest.vmid; k++)
			;
		/* gone, or back already (HA's failback) */
		if (k == ng || strcmp(all[k].node, from->node) == 0)
			continue;
		it = &back->items[back->n++];
		*it = *was;
		it->guest = all[k];
		it->running = strcmp(all[k].status, "stopped") != 0;
		it->need = it->running ? all[k].maxmem : 0;
		it->blocked = 0;
		it->why[0] = it->note[0] = '\0';
		snprintf(it->target, sizeof(it->target), "%s", from->node);
		back->nha += it->ha;
		if (it->guest.lock[0]) {
			it->blocked = 1;
			snprintf(it->why, sizeof(it->why), "locked (%s)",
			    it->guest.lock);
		} else if (pve_migrate_check(c, &it->guest, it->target, it->ha ?
		    1 : o->online, it->ha ? 0 : o->local_disks, NULL,
		    &ce) != 0) {
			it->blocked = 1;
			snprintf(it->why, sizeof(it->why), "%.300s", ce.msg);
		}
		text_sanitize(it->why);
		back->nblocked += it->blocked;
	}
	free(all);
	return 0;
}

/* The HA manager's state of sid ("started", "fence", ...) into st, ""
 * when it has none. */
static void
ha_state(const struct pve_ha_status *v, int n, const char *sid, char *st,
    size_t sz)
{
	st[0] = '\0';
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].type, "service") == 0 &&
		    strcmp(v[i].sid, sid) == 0)
			snprintf(st, sz, "%s", v[i].state);
}

/* One look at want[0..n): how many are not back, described in which;
 * -1 with e when the cluster could not be read. */
static int
not_back(struct px_client *c, const char *node, const int *want, int n,
    struct buf *which, struct px_err *e)
{
	struct pve_guest *all = NULL;
	struct pve_ha_resource *ha = NULL;
	struct pve_ha_status *hs = NULL;
	struct px_reply r;
	int ng = 0, nha = 0, nhs = 0, left = -1;

	buf_reset(which);
	if (pve_guests(c, &all, &ng, e) != 0)
		return -1;
	if (pve_get(c, &r, e, "/cluster/ha/resources") != 0)
		goto out;
	if (pve_ha_resources_parse(&r.j, r.data, &ha, &nha, e) != 0) {
		px_reply_free(&r);
		goto out;
	}
	px_reply_free(&r);
	if (nha > 0) {
		if (pve_get(c, &r, e, "/cluster/ha/status/current") != 0)
			goto out;
		if (pve_ha_status_parse(&r.j, r.data, &hs, &nhs, e) != 0) {
			px_reply_free(&r);
			goto out;
		}
		px_reply_free(&r);
	}
	left = 0;
	for (int i = 0; i < n; i++) {
		const struct pve_guest *g = NULL;
		char st[32] = "", sid[32] = "", why[96];

		for (int k = 0; k < ng; k++)
			if (all[k].vmid == want[i])
				g = &all[k];
		for (int k = 0; g && k < nha; k++)
			/* the HA manager starts what it is asked to run */
			if (ha[k].vmid == want[i] &&
			    strcmp(ha[k].state, "started") == 0)
				snprintf(sid, sizeof(sid), "%s:%d",
				    strcmp(g->type, "lxc") == 0 ? "ct" : "vm",
				    g->vmid);
		if (sid[0])
			ha_state(hs, nhs, sid, st, sizeof(st));
		if (g == NULL)
			snprintf(why, sizeof(why), "gone");
		else if (strcmp(g->node, node) != 0)
			snprintf(why, sizeof(why), "on %.60s", g->node);
		else if (strcmp(g->status, "running") != 0)
			snprintf(why, sizeof(why), "%.60s", g->status);
		else if (sid[0] && strcmp(st, "started") != 0)
			snprintf(why, sizeof(why), "HA %.30s", st[0] ? st :
			    "has no state yet");
		else
			continue;
		if (left++ < 20)
			buf_printf(which, "%s%d (%s)", which->len ? ", " : "",
			    want[i], why);
	}
	if (left > 20)
		buf_printf(which, ", %d more", left - 20);
	if (which->p)
		text_sanitize(which->p);
out:
	free(all);
	free(ha);
	free(hs);
	return left;
}

int
pve_evac_wait_running(struct px_client *c, const char *node,
    const int *want, int n, double timeout,
    void (*waiting)(void *arg, int left, const char *which), void *arg,
    struct px_err *e)
{
	double t0 = px_mono(), limit = timeout > 0 ? timeout : 900;
	struct buf which = { 0 };
	struct px_err le = { 0 };

	for (;;) {
		/* the API may not answer for a while after a reboot (the
		 * node may be the one px talks to): tried again */
		int left = not_back(c, node, want, n, &which, &le);

		if (left == 0) {
			buf_free(&which);
			return 0;
		}
		if (px_mono() - t0 > limit) {
			if (left < 0) {
				*e = le;
				px_wrap(e, "waiting for the guests of %s", node);
			} else {
				px_fail(e, PXE_TIMEOUT, "%d guest%s of %s not "
				    "running again after %.0f s: %s", left,
				    left == 1 ? "" : "s", node, limit,
				    which.p ? which.p : "");
				px_hint(e, "px ls guests and px ha status show "
				    "where they are and why");
			}
			buf_free(&which);
			return -1;
		}
		if (waiting)
			waiting(arg, left, left < 0 ? le.msg : which.p ? which.p : "");
		sleep(2);
	}
}
