/*
 * pve_evacuate.h -- the plan of emptying a node: every guest on it, the
 * node it goes to, whether the HA manager moves it, and what keeps it
 * there.  px node evacuate shows and runs it; pxtop and px patch apply
 * --evacuate use the same plan.  Nothing is sent here.
 */
#ifndef PX_PVE_EVACUATE_H
#define PX_PVE_EVACUATE_H

#include <stdint.h>

#include "gate.h"
#include "http.h"
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

#endif
