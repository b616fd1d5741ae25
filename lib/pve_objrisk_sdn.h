/*
 * pve_objrisk_sdn.h -- the pre-flight checks of changes to the SDN and
 * to the datacenter options (gate_assess_fn, lib/gate.h):
 *
 *   MigrationNetworkChange  Warning: set or delete the migration
 *                           network of the datacenter options (running
 *                           and queued migrations use the old one)
 *   SdnApplyDeletes         Severe: sdn apply removes zones, vnets or
 *                           subnets from the running network (listed)
 *   VnetInUse               Severe: delete a vnet that guests' network
 *                           devices use (bridge=VNET; the guests listed)
 *   ZoneHasVnets            Severe: delete a zone that vnets are in
 */
#ifndef PX_PVE_OBJRISK_SDN_H
#define PX_PVE_OBJRISK_SDN_H

#include "gate.h"

/* Setting the datacenter options: arg is a struct objrisk_options. */
struct objrisk_options {
	const char *migration;	/* the new migration value, or NULL */
	int delete_migration;	/* --delete names migration */
};
int objrisk_cluster_options(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* SDN changes: arg is a struct objrisk_sdn. */
enum objrisk_sdn_op {
	OBJRISK_SDN_APPLY,		/* PUT /cluster/sdn */
	OBJRISK_SDN_ZONE_DELETE,
	OBJRISK_SDN_VNET_DELETE,
};
struct objrisk_sdn {
	enum objrisk_sdn_op op;
	const char *id;		/* the zone or vnet */
};
int objrisk_sdn(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e);

#endif
