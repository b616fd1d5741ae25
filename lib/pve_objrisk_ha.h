/*
 * pve_objrisk_ha.h -- the pre-flight checks of changes to HA resources
 * and resource mappings (gate_assess_fn, lib/gate.h):
 *
 *   HaResourceRemoved   Warning: remove an HA resource (names its
 *                       state; the guest is no longer restarted or
 *                       moved)
 *   HaRulesPurged       Warning: the resource removed is in HA rules
 *                       (PVE 9 takes it out, and deletes a rule that
 *                       names only it)
 *   HaStateStopsGuest   Warning: add a running guest, or set its HA
 *                       state, as stopped or disabled (the HA manager
 *                       stops it: its own way to stop an HA guest)
 *   HaTargetForbidden   Severe: migrate or relocate to a node that a
 *                       strict node-affinity rule or a restricted group
 *                       leaves out
 *   HaRelocateStops     Warning: relocate a running guest (it is
 *                       stopped and started on the target)
 *   HaAlreadyThere      Notice: the guest already runs on the target
 *   MappingInUse        Severe: delete a mapping that guests' configs
 *                       reference (hostpciN, usbN, virtiofsN mapping=ID)
 */
#ifndef PX_PVE_OBJRISK_HA_H
#define PX_PVE_OBJRISK_HA_H

#include "gate.h"

/* A change of HA resource sid: arg is a struct objrisk_ha. */
struct objrisk_ha {
	const char *sid;	/* vm:100, ct:101 */
	const char *state;	/* the state set, or NULL (remove) */
};
int objrisk_ha_remove(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);
int objrisk_ha_state(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Migrating (relocate 0) or relocating sid to node: a struct
 * objrisk_ha_move. */
struct objrisk_ha_move {
	const char *sid;
	const char *node;
	int relocate;
};
int objrisk_ha_move(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Deleting mapping id of type (pci, usb, dir): a struct objrisk_map. */
struct objrisk_map {
	const char *type;
	const char *id;
};
int objrisk_mapping_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
