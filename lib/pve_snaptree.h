/*
 * pve_snaptree.h -- a guest's snapshots as a tree, with "current" where
 * the guest is.
 */
#ifndef PX_PVE_SNAPTREE_H
#define PX_PVE_SNAPTREE_H

#include <stdint.h>

#include "http.h"
#include "pve.h"
#include "pve_guest.h"
#include "pve_task.h"

/* A snapshot in tree order; "current" (where the guest is) included. */
struct pve_snapnode {
	struct pve_snapshot s;
	int depth;		/* 0 for a root */
	int current;		/* the row of "current" */
};

/* The same from an already parsed answer (tests). */
int pve_snaptree_parse(const struct json *j, int arr,
    struct pve_snapnode **out, int *n, struct px_err *e);

/*
 * The snapshots of g in tree order (depth-first, siblings by time, a
 * snapshot whose parent is missing is a root), with a row "current"
 * under the snapshot the guest is on.  *out is malloc'd (free()).
 */
int pve_snaptree(struct px_client *c, const struct pve_guest *g,
    struct pve_snapnode **out, int *n, struct px_err *e);

#endif
