/*
 * pve_objrisk.h -- the pre-flight checks of changes to the cluster's
 * objects (gate_assess_fn, lib/gate.h): what a change to a pool, an ACL,
 * a storage, a job, an HA resource, a user or token, or the SDN would
 * break, read live from PVE and named as risk findings:
 *
 *   PoolNotEmpty        Severe (Warning with --force): delete a pool
 *                       that still has members
 *
 * Each area's checks live in a file of their own (pve_objrisk_*.c) and
 * are declared here.
 */
#ifndef PX_PVE_OBJRISK_H
#define PX_PVE_OBJRISK_H

#include "gate.h"

/* Deleting a pool: arg is a struct objrisk_pool. */
struct objrisk_pool {
	const char *poolid;
	int force;		/* its members are removed first */
};
int objrisk_pool_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
