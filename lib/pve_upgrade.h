/*
 * pve_upgrade.h -- the checks of pve8to9 that can be made over the API
 * (px upgradecheck, px mcp's upgrade_check): each a row of struct out
 * with the columns pve_upgrade_cols (check, severity: pass, info,
 * notice, warning or fail; node, subject, message, blocking).
 *
 * Two parallel rounds: the cluster-wide lists (status, nodes, storage
 * definitions, HA groups, backup jobs, guests), then per node its status
 * and apt repositories and per QEMU guest its config.
 */
#ifndef PX_PVE_UPGRADE_H
#define PX_PVE_UPGRADE_H

#include "out.h"
#include "pve.h"

#define PVE_UPGRADE_NCOLS	6
extern const struct out_col pve_upgrade_cols[PVE_UPGRADE_NCOLS];

/* Add the findings to o (made with pve_upgrade_cols); *blocking gets
 * the number of fails.  -1 with e when the cluster-wide lists could not
 * be read.  Not reentrant (one check at a time). */
int pve_upgrade_check(struct px_client *c, struct out *o, int *blocking,
    struct px_err *e);

#endif
