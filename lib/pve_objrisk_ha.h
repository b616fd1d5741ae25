/*
 * pve_objrisk_ha.h -- the pre-flight checks of changes to HA resources
 * and resource mappings (gate_assess_fn, lib/gate.h):
 *
 *   HaResourceRemoved   Warning: remove an HA resource (names its state;
 *                       the guest is no longer restarted or moved)
 *   HaStateStopsGuest   Warning: set a running guest's HA state to
 *                       stopped or disabled (the HA manager stops it)
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

/* Deleting mapping id of type (pci, usb, dir): a struct objrisk_map. */
struct objrisk_map {
	const char *type;
	const char *id;
};
int objrisk_mapping_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
