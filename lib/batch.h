/*
 * batch.h -- acting on several guests at once: each through the gate,
 * each task followed to its end, one result row per VMID.
 *
 * Policies:
 *   all          submit every guest, then wait for every task
 *   canary[=N]   do N guests first (default 1) and wait; stop if any
 *                failed; then the rest as with all
 *   rolling[=K]  K guests at a time (default 1), waiting for each group;
 *                stop at the first failure
 * Rows: vmid, name, node, action, result (ok, failed, refused, skipped,
 * submitted, dry-run), upid, message.  Exit: 0 when every guest succeeded,
 * 2 when some did and some did not, otherwise the exit status of the
 * (first) failure.
 */
#ifndef PX_BATCH_H
#define PX_BATCH_H

#include "gate.h"

enum batch_policy { BATCH_ALL, BATCH_CANARY, BATCH_ROLLING };

struct batch {
	struct px_cli *x;
	struct gate g;
	enum batch_policy policy;
	int step;		/* N for canary, K for rolling */
	int no_wait;		/* return the UPIDs */
	double timeout;		/* per task; 0: none */
};

/*
 * Build the request for one guest: set r->method, r->path, r->form (the
 * bufs are the storage), r->summary (into summary[n]), r->destructive.
 * Return -1 with e set to refuse this guest (e.g. a precondition).
 */
typedef int (*batch_build_fn)(void *arg, const struct pve_guest *g,
    struct gate_req *r, struct buf *path, struct buf *form, char *summary,
    size_t n, struct px_err *e);

/* Parse a --policy value into b; -1 when malformed. */
int batch_parse_policy(struct batch *b, const char *s);
/* Parse VMID arguments; exits 2 on a malformed one. */
int *batch_vmids(int argc, char **argv, int *n);

/* Run action on the guests, print the rows, return the exit status. */
int batch_run(struct batch *b, const char *action, const int *vmids, int n,
    batch_build_fn build, void *arg);

/* Follow one task to its end with a progress line on a terminal: 0 on
 * OK, else -1 with e (PXE_TASK_FAILED holds the task's error). */
int batch_follow(struct px_client *c, const char *what, const char *upid,
    double timeout, struct px_err *e);

#endif
