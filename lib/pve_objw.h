/*
 * pve_objw.h -- the writers of objects whose requests are more than a
 * POST, PUT or DELETE of their own path: a pool's members, ACL entries.
 * One writer per object kind: px pool and px acl use them, and so does
 * px state apply (state_kinds.c), so that both send the same requests.
 */
#ifndef PX_PVE_OBJW_H
#define PX_PVE_OBJW_H

#include "buf.h"
#include "gate.h"

/* Whether PVE release ("8.0.4") predates /pools?poolid= (8.1): its pools
 * are /pools/{poolid}. */
int objw_pool_legacy(const char *release);
/* The path of pool for GET (members), PUT and DELETE. */
void objw_pool_path(struct buf *p, const char *pool, int legacy);
/*
 * The request that adds to pool (or removes from it) the guests vms and
 * the storages storages (comma lists, either may be empty) into t's
 * method, path and form; allow_move lets a guest leave another pool.
 */
void objw_pool_members(struct gate_target *t, const char *pool,
    const char *vms, const char *storages, int remove, int allow_move,
    int legacy);

/*
 * The request that grants (or takes back, remove) roles on path to the
 * users, groups and tokens (comma lists; NULL or empty for none) into
 * t; propagate: 1, 0, or -1 for PVE's default (1).
 */
void objw_acl(struct gate_target *t, const char *path, const char *roles,
    const char *users, const char *groups, const char *tokens,
    int propagate, int remove);

/*
 * HA resources (px ha, pxtop's HA console).  objw_ha_sid: the SID of a
 * guest of type (qemu, lxc) into out: vm:VMID or ct:VMID.
 * objw_ha_state: the request that sets its requested state (started,
 * stopped, disabled, ignored), with the digest of the HA resources read
 * (or NULL), into t: PUT /cluster/ha/resources/{sid}.  objw_ha_move:
 * the request that migrates it (relocate 0: online) or relocates it
 * (stopped, then started) to node: POST .../{sid}/migrate|relocate.
 * Both name the audit target ha-resource/SID and a summary.
 */
void objw_ha_sid(char *out, size_t n, const char *type, int vmid);
void objw_ha_state(struct gate_target *t, const char *sid, const char *state,
    const char *digest);
void objw_ha_move(struct gate_target *t, const char *sid, const char *node,
    int relocate);

#endif
