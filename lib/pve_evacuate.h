/*
 * pve_evacuate.h -- the plan of emptying a node: every guest on it, the
 * node it goes to, whether the HA manager moves it, and what keeps it
 * there (pve_evacuate.c: nothing is sent); and its run (pve_evacrun.c):
 * one gate change for the whole move, each guest migrated in turn (an
 * HA-managed one through the HA manager), followed to its end, the
 * first failure stopping the rest.  px node evacuate, px patch apply
 * --evacuate and pxtop's E view share both; the run never prints: it
 * reports through a callback and fills result rows.
 */
#ifndef PX_PVE_EVACUATE_H
#define PX_PVE_EVACUATE_H

#include <stdint.h>

#include "gate.h"
#include "http.h"
#include "mutation.h"
#include "pve.h"

struct pve_evac_opts {
	const char *target;	/* every guest to this node; NULL: each to
				   the online node with the most free memory
				   that PVE allows */
	int online;		/* running guests move as they run */
	int local_disks;	/* local disks are copied along */
};

struct pve_evac_item {
	struct pve_guest guest;
	int ha;			/* HA-managed (state not "ignored"): moved
				   by POST /cluster/ha/resources/SID/migrate */
	char sid[32];		/* "vm:100" when ha */
	int running;
	char target[64];	/* "" when no node would take it */
	uint64_t need;		/* memory it takes on the target (running) */
	int blocked;		/* it cannot move: why says so */
	char why[384];		/* the blocker, or "" */
	char note[256];		/* what to know although it moves (CPU
				   affinity, a mapped device), or "" */
};

struct pve_evac_plan {
	char node[64];
	struct pve_evac_item *items;	/* n, in VMID order */
	int n;
	int nblocked;
	int nha;
};

/*
 * The plan of moving every guest off node (templates too) per o: the
 * HA resources, the nodes and their free memory, each guest's own
 * migration preconditions (lib/pve_migrate.h, as px migrate checks
 * them; an HA-managed guest as the HA manager moves it: live, without
 * local disks), its CPU affinity and mapped devices.  0 with p (free it
 * with pve_evac_plan_free), or -1 with e when the cluster could not be
 * read, node is not online or o->target is not another online node.
 */
int pve_evac_plan(struct px_client *c, const char *node,
    const struct pve_evac_opts *o, struct pve_evac_plan *p,
    struct px_err *e);
void pve_evac_plan_free(struct pve_evac_plan *p);

/*
 * Fill gate target t with item it's move (not blocked): an HA-managed
 * guest's POST /cluster/ha/resources/SID/migrate node=TARGET, else the
 * guest's POST .../migrate (lib/guest_op.h) with o's online and local
 * disks.  -1 with e when PVE would refuse it now; nothing is sent.
 */
int pve_evac_target(struct px_client *c, struct gate_target *t,
    const struct pve_evac_item *it, const struct pve_evac_opts *o,
    struct px_err *e);

/* ---- the run (pve_evacrun.c) ---- */

/* What a run reports of item i as it goes (pve_evac_step_fn). */
enum pve_evac_step {
	PVE_EVAC_WOULD_SEND,	/* -n: text is what would be sent */
	PVE_EVAC_SENT,		/* the request went: row->upid */
	PVE_EVAC_WAITING,	/* after each poll while it moves: text
				   what it waits for, pct its progress
				   (-1 unknown) */
	PVE_EVAC_DONE		/* it ended: row->result ok or failed */
};

/* Called from the thread that runs the evacuation; row is item i's. */
typedef void (*pve_evac_step_fn)(void *arg, const struct pve_evac_plan *p,
    int i, enum pve_evac_step st, const struct mut_row *row,
    const char *text, double pct, double secs);

/*
 * Start the one gate change r of the evacuation of p (gate_req_free it;
 * rows: p->n of them, zeroed by the caller, filled: vmid, name, node,
 * action "migrate" or "ha-migrate").  A blocked item, or a move PVE
 * would refuse now, refuses the whole change before the gate is asked
 * (audited as refused-precondition); then the gate's checks, ui's
 * confirmation and the approval (mutation_admit); a target the
 * pre-flight check refused refuses all of them (all or nothing: a node
 * half emptied is not emptied).  0 when every move may go (an empty
 * plan too), or -1 with e and every row refused or skipped.
 */
int pve_evac_admit(struct gate *g, const struct pve_evac_plan *p,
    const struct pve_evac_opts *o, const struct mutation_ui *ui,
    struct gate_req *r, struct mut_row *rows, struct px_err *e);

/*
 * Send the moves of an admitted r one at a time and follow each to its
 * end (a task for at most timeout seconds, 0: 900; an HA-managed guest
 * until it runs on its target without a lock), each end in the audit
 * log; step (may be NULL) hears of each.  The first failure stops the
 * rest ("skipped").  In a dry run nothing is sent (rows "dry-run").
 * 0 when every move succeeded, or -1 with e the first failure.
 */
int pve_evac_send(struct gate *g, struct gate_req *r,
    const struct pve_evac_plan *p, double timeout, pve_evac_step_fn step,
    void *arg, struct mut_row *rows, struct px_err *e);

/*
 * The way back: a plan that moves the guests of rows that were moved
 * (result "ok") from where they are now back to from->node, each as it
 * went (HA-managed through HA), with their preconditions checked again
 * (a blocker as in pve_evac_plan).  0 with back (pve_evac_plan_free),
 * or -1 with e when the cluster could not be read.
 */
int pve_evac_return_plan(struct px_client *c,
    const struct pve_evac_plan *from, const struct mut_row *rows,
    const struct pve_evac_opts *o, struct pve_evac_plan *back,
    struct px_err *e);

/*
 * After node rebooted: wait until every guest of want[0..n) (VMIDs
 * that ran on it before) runs again on it, and an HA-managed one is
 * "started" in the HA manager's status (when HA is asked to run it),
 * for at most timeout seconds.
 * waiting (may be NULL) hears after each poll how many still wait.
 * 0, or -1 with e naming the guests that did not come back
 * (PXE_TIMEOUT).
 */
int pve_evac_wait_running(struct px_client *c, const char *node,
    const int *want, int n, double timeout,
    void (*waiting)(void *arg, int left, const char *which), void *arg,
    struct px_err *e);

#endif
