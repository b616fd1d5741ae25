/*
 * guest_op.h -- the requests of the operations on one guest, built the
 * same way for every entry point (px start ... px snapshot, pxtop's
 * queue): each fills a gate target (lib/gate.h) with the guest, its
 * request and its summary, and says whether the operation destroys.
 * Nothing is sent here.
 */
#ifndef PX_GUEST_OP_H
#define PX_GUEST_OP_H

#include "gate.h"

/*
 * POST .../status/ACTION for start, stop, shutdown, reboot, suspend and
 * resume; shutdown takes force_stop and PVE's own timeout (seconds, -1:
 * PVE's default).  Returns 1 when the operation destroys work (stop),
 * else 0.
 */
int guest_op_power(struct gate_target *t, const struct pve_guest *g,
    const char *action, int force_stop, long timeout);
/* DELETE the guest (purge: from jobs and HA too; unreferenced: disks no
 * config refers to), rechecked to be stopped right before it is sent. */
void guest_op_delete(struct gate_target *t, const struct pve_guest *g,
    int purge, int unreferenced);
/*
 * POST .../migrate to target, after PVE's own preconditions
 * (lib/pve_migrate.h): online (a running VM live, a running CT with a
 * restart), local_disks, storage (NULL: the same).  -1 with e when PVE
 * would refuse; nothing is sent.
 */
int guest_op_migrate(struct px_client *c, struct gate_target *t,
    const struct pve_guest *g, const char *target, int online,
    int local_disks, const char *storage, struct px_err *e);
/* POST .../snapshot: name, description (may be NULL), vmstate. */
void guest_op_snapshot(struct gate_target *t, const struct pve_guest *g,
    const char *name, const char *description, int vmstate);
/* DELETE .../snapshot/NAME (destroys). */
void guest_op_snapshot_delete(struct gate_target *t,
    const struct pve_guest *g, const char *name);
/* POST .../snapshot/NAME/rollback, start after it when start (destroys
 * what changed since). */
void guest_op_rollback(struct gate_target *t, const struct pve_guest *g,
    const char *name, int start);

/*
 * PUT .../config: form holds the key=value pairs to set (moved into
 * the target: *form is left empty), del and revert the comma lists of
 * keys to delete and whose pending change to drop (NULL or "": none),
 * digest the config's digest that PVE must still have (NULL: none; a
 * change made in between is then refused instead of lost), keys all
 * the keys changed ("memory,cores") for the summary.
 */
void guest_op_config(struct gate_target *t, const struct pve_guest *g,
    struct buf *form, const char *del, const char *revert,
    const char *digest, const char *keys);

/* How a backup is made (px backup, pxtop's backup key). */
struct guest_op_backup {
	const char *storage;	/* required */
	const char *mode;	/* snapshot, suspend, stop, or NULL */
	const char *compress;	/* zstd, gzip, lzo, 0, or NULL */
	const char *notes;	/* notes-template, or NULL */
};
/* POST /nodes/NODE/vzdump of the guests vmids ("101,102", all on node;
 * who names them for the summary: "VM 101 (web), CT 102 (dns)"). */
void guest_op_vzdump(struct gate_target *t, const char *node,
    const char *vmids, const char *who, const struct guest_op_backup *o);

/* POST .../agent/exec of a QEMU guest: the command's words argv[0..n)
 * as repeated command= parameters (the agent runs them without a
 * shell); the summary shows them joined by spaces.  The answer holds
 * the pid (pve_agent_exec_parse). */
void guest_op_exec(struct gate_target *t, const struct pve_guest *g,
    const char *const *argv, int n);
#endif
