/*
 * pve_migrate.h -- PVE's own preconditions of a migration, checked
 * before anything is sent.
 */
#ifndef PX_PVE_MIGRATE_H
#define PX_PVE_MIGRATE_H

#include <stdint.h>

#include "http.h"
#include "pve.h"
#include "pve_guest.h"
#include "pve_task.h"

/* GET it for g with target (may be NULL). */
int pve_migrate_info_get(struct px_client *c, const struct pve_guest *g,
    const char *target, struct pve_migrate_info *m, struct px_err *e);

/*
 * PVE's own preconditions of moving g to target, as px migrate and
 * pxtop check them before anything is sent: not there already, an
 * allowed node (else PVE's reason, or no such node), no local resources
 * or CD-ROM image, local disks only with local_disks, a running guest
 * only with online.  0 when it may go (*running, may be NULL: whether it
 * runs, status/current or g->status); else -1 with e (PXE_FAILURE,
 * PXE_NOT_FOUND, a request's error), with a hint in px migrate's terms.
 */
int pve_migrate_check(struct px_client *c, const struct pve_guest *g,
    const char *target, int online, int local_disks, int *running,
    struct px_err *e);

#endif
