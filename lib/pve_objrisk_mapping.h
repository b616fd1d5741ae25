/*
 * pve_objrisk_mapping.h -- the pre-flight checks of changes to resource
 * mappings (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   MappingInUse        Severe: delete a mapping that guests' configs
 *                       name (hostpciN: mapping=ID, usbN: mapping=ID,
 *                       virtiofsN: dirid=ID); the guests are listed
 *   MappingChange       Warning: replace the node entries of a mapping
 *                       that guests use
 *
 * Which guests use a mapping comes from their configs (GET
 * /cluster/resources?type=vm, then each guest's config): a guest whose
 * config cannot be read is not counted.
 */
#ifndef PX_PVE_OBJRISK_MAPPING_H
#define PX_PVE_OBJRISK_MAPPING_H

#include "buf.h"
#include "gate.h"

/* Whether config key k = value v of a guest uses mapping id of type
 * (pci, usb, dir). */
int objrisk_mapping_uses(const char *type, const char *k, const char *v,
    const char *id);

/* The guests that use mapping id of type: "VM 101, VM 102" into list
 * (shortened with ", ..." past a line's worth), their number in *n.
 * -1 with e when the guest list cannot be read. */
int objrisk_mapping_users(struct px_client *c, const char *type,
    const char *id, struct buf *list, int *n, struct px_err *e);

enum objrisk_mapping_op {
	OBJRISK_MAPPING_DELETE,
	OBJRISK_MAPPING_SET_MAP		/* the map entries replaced */
};

struct objrisk_mapping {
	const char *type;	/* pci, usb, dir */
	const char *id;
	enum objrisk_mapping_op op;
};
int objrisk_mapping(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
