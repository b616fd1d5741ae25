/*
 * pve_objw.h -- the writers of objects whose requests are more than a
 * POST, PUT or DELETE of their own path: a pool's members, ACL entries,
 * HA resources and their moves, firewall rules and IP set members.
 * One writer per object kind: px pool, acl, ha and firewall use them,
 * and so do px state apply (state_kinds.c) and px mcp, so that all send
 * the same requests.
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

/*
 * An HA resource sid ("vm:100"): verb "add" (POST /cluster/ha/resources
 * with sid), "set" (PUT .../SID) or "remove" (DELETE .../SID), with the
 * parameters form (form-encoded: state, comment ...; NULL or "" none).
 */
void objw_ha_resource(struct gate_target *t, const char *verb,
    const char *sid, const char *form);

/*
 * A rule of the firewall at base ("/cluster/firewall",
 * "/nodes/pve1/qemu/100/firewall", or a security group's
 * "/cluster/firewall/groups/G"): pos -1 adds one (POST base/rules),
 * else method PUT changes rule pos or DELETE deletes it; form holds the
 * rule's parameters (and digest), NULL or "" none.
 */
void objw_fw_rule(struct gate_target *t, const char *base, int pos,
    const char *method, const char *form);
/* Add cidr to IP set name of the firewall at base (POST
 * base/ipset/NAME, form: comment, nomatch), or remove it (DELETE
 * base/ipset/NAME/CIDR). */
void objw_ipset_member(struct gate_target *t, const char *base,
    const char *name, const char *cidr, int remove, const char *form);

#endif
