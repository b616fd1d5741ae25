/*
 * pve_objrisk_realm.h -- the pre-flight check of deleting an
 * authentication realm (gate_assess_fn, lib/gate.h), read live from
 * PVE:
 *
 *   RealmHasUsers       Severe: users of the realm (GET /access/users,
 *                       userid USER@REALM) could not log in any more;
 *                       how many, and the first of them
 */
#ifndef PX_PVE_OBJRISK_REALM_H
#define PX_PVE_OBJRISK_REALM_H

#include "buf.h"
#include "gate.h"

/* The users of realm: their number in *n, the first few in list
 * ("a@corp, b@corp, ..."); -1 with e when the list cannot be read. */
int objrisk_realm_users(struct px_client *c, const char *realm,
    struct buf *list, int *n, struct px_err *e);

/* Deleting a realm: arg is the realm's name (const char *). */
int objrisk_realm_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

#endif
