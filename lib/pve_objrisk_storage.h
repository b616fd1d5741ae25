/*
 * pve_objrisk_storage.h -- the pre-flight checks of changes to storage
 * definitions (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   StorageInUse        Severe: delete or disable a storage that guests'
 *                       configs refer to (disks, mount points, ISOs)
 *   BackupTarget        Severe: delete or disable a storage that backup
 *                       jobs (/cluster/backup) write to
 *   SharedStorage       Warning: delete a shared storage (every node
 *                       loses it at once)
 *   StorageChange       Warning: change what a storage is (content,
 *                       server, pool, monhost, namespace ...)
 *   ContentDropped      Severe: content drops a type that guests use
 *                       there (images, rootdir, iso, vztmpl)
 *
 * Which guests use a storage comes from their configs: GET
 * /cluster/resources?type=vm, then each guest's config -- one request
 * per guest, but the only source that also sees an ISO in a CD drive
 * and works while the storage is offline (a storage's content list
 * needs it online, and per node for a local one).
 */
#ifndef PX_PVE_OBJRISK_STORAGE_H
#define PX_PVE_OBJRISK_STORAGE_H

#include "gate.h"

enum objrisk_storage_op {
	OBJRISK_STORAGE_DELETE,
	OBJRISK_STORAGE_DISABLE,
	OBJRISK_STORAGE_SET
};

struct objrisk_storage {
	const char *storage;
	enum objrisk_storage_op op;
	const char *changed;	/* set: risky keys changed ("content,
				 * server"), NULL or "" for none */
	const char *content;	/* set: the new content list, or NULL */
};
int objrisk_storage(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/*
 * The pre-flight check of deleting one volume (px storage delete
 * VOLID):
 *
 *   VolumeInUse         Severe: guests' configs refer to it (a disk, an
 *                       unused disk, an ISO in a CD drive)
 *   OwnedVolume         Warning: it belongs to a guest (vm-N-...) that
 *                       does not refer to it
 */
struct objrisk_volume {
	const char *volid;	/* "local-lvm:vm-100-disk-0" */
	int owner;		/* the guest it belongs to, 0 none */
};
int objrisk_volume(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* The content type a guest's config value v uses on storage st (key k
 * of a guest of type "qemu" or "lxc"): "images", "rootdir", "iso",
 * "vztmpl" ..., or NULL when v is not a volume on st. */
const char *objrisk_storage_use(const char *gtype, const char *k,
    const char *v, const char *st);

#endif
