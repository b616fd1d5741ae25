/*
 * storage_check.h -- PVE's checks of /storage's create and update
 * (storage_check.c): the schema of POST /storage and PUT
 * /storage/{storage} (the union of the storage plugins' properties),
 * then what the type's plugin takes, the digest of storage.cfg, and
 * the secrets that PVE keeps out of storage.cfg.
 */
#ifndef PX_SIM_STORAGE_CHECK_H
#define PX_SIM_STORAGE_CHECK_H

#include "../sim.h"

/* The checks of a create (create 1, type from the request) or update
 * of a storage of type: 0, or -1 with PVE's error in rs. */
int sim_storage_check(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const char *type, int create);
/* The digest of storage.cfg: every definition (40 hex digits). */
void sim_storage_digest(const struct sim *s, char out[41]);
/* Whether PUT's digest parameter (if any) is current: 0, or -1 with
 * PVE's error in rs. */
int sim_storage_digest_check(const struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs);
/* Whether parameter key is a secret PVE keeps in /etc/pve/priv, never
 * in storage.cfg (never served by GET). */
int sim_storage_secret(const char *key);

#endif
