/*
 * evacuate.c -- px node evacuate NODE: move every guest off a node.
 * The plan (lib/pve_evacuate.h) is shown first: each guest, its target,
 * HA-managed or not, what keeps it there.  A guest that cannot move
 * refuses the whole evacuation before anything is sent.  Then one gate
 * change of a request per guest (one confirmation and approval for the
 * batch): an HA-managed guest through the HA manager (POST
 * /cluster/ha/resources/SID/migrate, then px waits until it runs on the
 * target), the others through their own migrate (lib/guest_op.h),
 * followed to its end; one at a time, a line per guest on stderr, and
 * the first failure stops the rest (left on the node, rows "skipped").
 *
 * px node suspendall NODE: POST /nodes/NODE/suspendall (PVE hibernates
 * every running VM to disk), through the gate, following the task.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "enc.h"
#include "evacuate.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_evacuate.h"
#include "pve_guest.h"

/* evacuate's own column, after action */
static const struct out_col target_col[] = { { "target", OT_STR, 0 } };

static void
fill_target(struct out *o, int row, int base, void *arg)
{
	const struct pve_evac_plan *p = arg;

	out_str(o, base, p->items[row].target[0] ? p->items[row].target :
	    NULL);
}

static void
show_plan(const struct pve_evac_plan *p)
{
	fprintf(stderr, "%s: evacuate %s: %d guest%s (%d HA-managed)%s\n",
	    px_progname, p->node, p->n, p->n == 1 ? "" : "s", p->nha,
	    p->nblocked ? "" : ":");
	for (int i = 0; i < p->n; i++) {
		const struct pve_evac_item *it = &p->items[i];
		char name[192];

		pve_guest_label(&it->guest, name, sizeof(name));
		text_sanitize(name);
		if (it->blocked)
			fprintf(stderr, "  %-32s %-8s %s cannot move: %s\n",
			    name, it->guest.status, it->ha ? "HA" : "  ",
			    it->why);
		else
			fprintf(stderr, "  %-32s %-8s %s -> %s%s%s\n", name,
			    it->guest.status, it->ha ? "HA" : "  ",
			    it->target, it->note[0] ? "  (" : "", it->note);
		if (!it->blocked && it->note[0])
			fputs(")\n", stderr);
	}
}

/* Wait until the HA manager has moved it: the guest on the target and
 * no migration lock; 0, or -1 with e. */
static int
ha_wait(struct mutcli *m, const struct pve_evac_item *it, struct px_err *e)
{
	double t0 = px_mono(), limit = m->o.timeout > 0 ? m->o.timeout : 900;
	struct pve_guest g;

	for (;;) {
		if (pve_guest_find(m->x.client, it->guest.vmid, &g, e) != 0)
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
		usleep(500 * 1000);
	}
}

static void
row_fail(struct mut_row *row, const struct px_err *e, const char *result)
{
	row->err = *e;
	row->failed = 1;
	snprintf(row->message, sizeof(row->message), "%s", e->msg);
	snprintf(row->result, sizeof(row->result), "%s", result);
}

static int
node_evacuate(struct mutcli *m, const char *node,
    const struct node_evac_args *a)
{
	struct pve_evac_opts o = { a->target, a->online, a->local_disks };
	struct pve_evac_plan p;
	struct px_err e = { 0 };
	struct gate_req r;
	struct mut_row *rows;
	int rc, refused = 0, stop = 0;

	if (m->o.no_wait)
		px_errx(PX_EXIT_USAGE, "evacuate follows each migration: not "
		    "with --no-wait");
	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0 ||
	    pve_evac_plan(m->x.client, node, &o, &p, &e) != 0)
		px_die(&e);
	show_plan(&p);
	if (p.n == 0) {
		pve_evac_plan_free(&p);
		return 0;
	}
	rows = px_xcalloc((size_t)p.n + 1, sizeof(*rows));
	gate_req_init(&r, "evacuate", "node", p.n);
	snprintf(r.id, sizeof(r.id), "node/%.80s", node);
	for (int i = 0; i < p.n; i++) {
		struct pve_evac_item *it = &p.items[i];
		struct px_err te = { 0 };

		rows[i].vmid = it->guest.vmid;
		snprintf(rows[i].name, sizeof(rows[i].name), "%s",
		    it->guest.name);
		snprintf(rows[i].node, sizeof(rows[i].node), "%s", node);
		snprintf(rows[i].action, sizeof(rows[i].action), "%s",
		    it->ha ? "ha-migrate" : "migrate");
		if (it->blocked)
			px_fail(&te, PXE_FAILURE, "%s", it->why);
		else if (pve_evac_target(m->x.client, &r.t[i], it, &o,
		    &te) == 0)
			continue;
		if (!r.t[i].has_guest)
			gate_target_guest(&r.t[i], &it->guest);
		gate_refuse_target(&m->g, &r, i, "refused-precondition", &te);
		row_fail(&rows[i], &te, "refused");
		refused++;
	}
	snprintf(r.summary, sizeof(r.summary), "evacuate node %s: move %d "
	    "guest%s off it (%d through HA)", node, p.n, p.n == 1 ? "" : "s",
	    p.nha);
	r.destructive = 1;
	if (refused) {
		px_fail(&e, PXE_FAILURE, "%d of %d guests cannot move off %s: "
		    "nothing was sent", refused, p.n, node);
		px_hint(&e, "--online moves running guests, "
		    "--with-local-disks copies local disks; or move or stop "
		    "the blocked ones first");
		gate_refuse_all(&m->g, &r, "refused-precondition", &e);
		px_report(&e);
		for (int i = 0; i < p.n; i++)
			if (!rows[i].failed)
				row_fail(&rows[i], &e, "skipped");
		goto done;
	}
	if (mutation_admit(&m->g, &r, &m->ui, &e) != 0) {
		px_report(&e);
		for (int i = 0; i < p.n; i++)
			row_fail(&rows[i], r.t[i].refused ? &r.t[i].err : &e,
			    "refused");
		goto done;
	}
	/* all or nothing: a guest the pre-flight check refused keeps
	 * the node from being emptied, so nothing is sent */
	for (int i = 0; i < p.n && !refused; i++)
		if (r.t[i].refused)
			e = r.t[i].err, refused = i + 1;
	if (refused) {
		struct px_err all = { 0 };

		for (int i = 0; i < p.n; i++)
			if (r.t[i].refused)
				row_fail(&rows[i], &r.t[i].err, "refused");
		px_report(&e);
		px_fail(&all, e.id, "not sent: the pre-flight check refused "
		    "another guest of the evacuation");
		gate_refuse_all(&m->g, &r, "refused-risk", &all);
		for (int i = 0; i < p.n; i++)
			if (!rows[i].failed)
				row_fail(&rows[i], &all, "skipped");
		goto done;
	}
	for (int i = 0; i < p.n; i++) {
		struct pve_evac_item *it = &p.items[i];
		struct gate_result res;
		struct pve_task fin;
		char name[192];
		double t0 = px_mono();

		pve_guest_label(&it->guest, name, sizeof(name));
		text_sanitize(name);
		if (stop) {
			px_fail(&e, PXE_FAILURE, "not attempted: an earlier "
			    "migration failed");
			row_fail(&rows[i], &e, "skipped");
			continue;
		}
		if (gate_send(&m->g, &r, i, &res, &e) != 0) {
			row_fail(&rows[i], &e, gate_is_refusal(e.id) ?
			    "refused" : "failed");
			stop = 1;
		} else if (res.dry_run) {
			printf("would send: %s\n", res.would_send);
			snprintf(rows[i].result, sizeof(rows[i].result),
			    "dry-run");
		} else {
			int ok;

			snprintf(rows[i].upid, sizeof(rows[i].upid), "%s",
			    res.upid);
			if (!it->ha) {
				ok = pve_task_wait(m->x.client, res.upid,
				    m->o.timeout, NULL, NULL, &fin, &e) == 0;
				gate_task_done(&m->g, &r, i, &res, ok ? "OK" :
				    fin.exitstatus[0] ? fin.exitstatus :
				    e.msg);
			} else {
				ok = ha_wait(m, it, &e) == 0;
				gate_task_done(&m->g, &r, i, &res, ok ? "OK" :
				    e.msg);
			}
			if (ok)
				snprintf(rows[i].result, sizeof(rows[i].result),
				    "ok");
			else {
				row_fail(&rows[i], &e, "failed");
				stop = 1;
			}
			fprintf(stderr, "%s: [%d/%d] %s -> %s%s: %s (%.0f s)\n",
			    px_progname, i + 1, p.n, name, it->target, it->ha ?
			    " (HA)" : "", ok ? "ok" : "FAILED", px_mono() - t0);
		}
		gate_result_free(&res);
		if (rows[i].failed && rows[i].err.id != PXE_OK)
			px_report(&rows[i].err);
	}
done:
	rc = mutcli_status(rows, p.n);
	if (refused && rc == 0)
		rc = PX_EXIT_FAIL;
	if (mutcli_print_extra(m, rows, p.n, target_col, 1, fill_target, &p) !=
	    0 && rc == 0)
		rc = PX_EXIT_FAIL;
	gate_req_free(&r);
	pve_evac_plan_free(&p);
	free(rows);
	return rc;
}

static int
node_suspendall(struct mutcli *m, const char *node,
    const struct node_evac_args *a)
{
	struct px_err e = { 0 };
	struct pve_guest *all = NULL, *mine;
	struct mut_row row = { 0 };
	struct gate_req r;
	int nall = 0, nmine = 0, rc;

	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0 ||
	    pve_guests(m->x.client, &all, &nall, &e) != 0)
		px_die(&e);
	mine = px_xcalloc((size_t)nall + 1, sizeof(*mine));
	for (int k = 0; k < nall; k++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", all[k].vmid);
		if (a->vms && pve_list_has(a->vms, id) &&
		    strcmp(all[k].node, node) != 0) {
			px_fail(&e, PXE_NOT_FOUND, "guest %d is on node %s, "
			    "not on %s", all[k].vmid, all[k].node, node);
			px_die(&e);
		}
		if (strcmp(all[k].node, node) == 0 &&
		    strcmp(all[k].type, "qemu") == 0 &&
		    strcmp(all[k].status, "running") == 0 &&
		    (a->vms == NULL || pve_list_has(a->vms, id)))
			mine[nmine++] = all[k];
	}
	gate_req_init(&r, "suspendall", "node", nmine);
	for (int i = 0; i < nmine; i++) {
		gate_target_guest(&r.t[i], &mine[i]);
		r.t[i].has_guest = a->vms != NULL;	/* else counted */
	}
	r.call.method = "POST";
	buf_adds(&r.call.path, "/nodes/");
	url_seg(&r.call.path, node);
	buf_adds(&r.call.path, "/suspendall");
	if (a->vms)
		form_add(&r.call.form, "vms", a->vms);
	snprintf(r.summary, sizeof(r.summary), "suspend to disk %s VM of "
	    "node %s (%d running now)", a->vms ? "the listed" : "every",
	    node, nmine);
	snprintf(r.id, sizeof(r.id), "node/%.80s", node);
	r.destructive = 1;
	snprintf(row.node, sizeof(row.node), "%s", node);
	rc = mutcli_run_rows(m, &r, &row);
	gate_req_free(&r);
	free(all);
	free(mine);
	return rc;
}

int
node_evac_verb(struct mutcli *m, const char *verb, const char *node,
    struct node_evac_args *a, const char *vms, int other)
{
	int evac = strcmp(verb, "evacuate") == 0, rc;
	struct buf ids = { 0 };

	if (other)
		px_errx(PX_EXIT_USAGE, "--force, --record and --record-input "
		    "are not for %s", verb);
	if (evac && vms)
		px_errx(PX_EXIT_USAGE, "--vms is not for evacuate: it moves "
		    "every guest");
	if (evac && a->target && !pve_valid_node(a->target))
		px_errx(PX_EXIT_USAGE, "--target: '%s' is not a node name",
		    a->target);
	if (vms) {
		char *copy = px_xstrdup(vms), *save = NULL;
		int n = 0;

		for (char *t = strtok_r(copy, ",", &save); t;
		    t = strtok_r(NULL, ",", &save)) {
			int id = pve_parse_vmid(t);

			if (id < 0)
				px_errx(PX_EXIT_USAGE, "--vms: '%s' is not a "
				    "VMID", t);
			buf_printf(&ids, "%s%d", n++ ? "," : "", id);
		}
		free(copy);
		if (n == 0)
			px_errx(PX_EXIT_USAGE, "--vms: no VMID given");
		a->vms = ids.p;
	}
	rc = evac ? node_evacuate(m, node, a) : node_suspendall(m, node, a);
	buf_free(&ids);
	mutcli_free(m);
	return rc;
}
