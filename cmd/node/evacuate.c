/*
 * evacuate.c -- px node evacuate NODE: move every guest off a node.
 * The plan (lib/pve_evacuate.h) is shown first: each guest, its target,
 * HA-managed or not, what keeps it there.  The run is the library's
 * (pve_evac_admit, pve_evac_send): a guest that cannot move refuses the
 * whole evacuation before anything is sent; then one gate change of a
 * request per guest (one confirmation and approval for the batch), an
 * HA-managed guest through the HA manager, the others through their own
 * migrate, one at a time, the first failure stopping the rest.  This
 * file prints: the plan, a line per guest on stderr, the rows.
 *
 * px node suspendall NODE: POST /nodes/NODE/suspendall (PVE hibernates
 * every running VM to disk), through the gate, following the task.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "evaccli.h"
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

static int
node_evacuate(struct mutcli *m, const char *node,
    const struct node_evac_args *a)
{
	struct pve_evac_opts o = { a->target, a->online, a->local_disks };
	struct pve_evac_plan p;
	struct px_err e = { 0 };
	struct gate_req r;
	struct mut_row *rows;
	int rc;

	if (m->o.no_wait)
		px_errx(PX_EXIT_USAGE, "evacuate follows each migration: not "
		    "with --no-wait");
	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0 ||
	    pve_evac_plan(m->x.client, node, &o, &p, &e) != 0)
		px_die(&e);
	evaccli_show_plan(&p, "evacuate");
	if (p.n == 0) {
		pve_evac_plan_free(&p);
		return 0;
	}
	rows = px_xcalloc((size_t)p.n + 1, sizeof(*rows));
	if (pve_evac_admit(&m->g, &p, &o, &m->ui, &r, rows, &e) != 0)
		px_report(&e);
	else
		pve_evac_send(&m->g, &r, &p, m->o.timeout, evaccli_step, NULL,
		    rows,
		    &e);
	rc = mutcli_status(rows, p.n);
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
