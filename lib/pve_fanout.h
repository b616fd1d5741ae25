/*
 * pve_fanout.h -- many requests at once: a batch of GETs (find, search,
 * tasks, pveversion), one GET per node, any calls in one parallel round,
 * and the nodes a per-node command works on.
 */
#ifndef PX_PVE_FANOUT_H
#define PX_PVE_FANOUT_H

#include "pve.h"

/* ---- many GETs at once ---- */

/* One GET of a batch.  The caller sets c and path (or leaves c NULL and
 * sets rc -1 and err: the request is then skipped, for a profile that
 * could not connect). */
struct pve_get_req {
	struct px_client *c;	/* in */
	char *path;		/* in: owned, segments encoded, with query */
	int rc;			/* out: 0 when r holds the answer */
	struct px_reply r;	/* out: parsed envelope (r.data may be -1) */
	struct px_err err;	/* out: when rc is -1 */
};

/* Set q to GET path (printf-style, segments already encoded); with c
 * NULL the request is not made (rc -1). */
void pve_req_init(struct pve_get_req *q, struct px_client *c,
    const char *pathfmt, ...) __attribute__((format(printf, 3, 4)));
/* Run the requests with a client in parallel (at most PVE_BATCH in
 * flight through the curl multi handle at once), parse each answer.
 * Returns the number that failed. */
#define PVE_BATCH	256
int pve_get_all(struct pve_get_req *q, int n);
/* Free paths and replies of n requests (not the array). */
void pve_req_free(struct pve_get_req *q, int n);

/* ---- one GET per node ---- */

/*
 * One GET per node of nodes[0..n), all in one parallel round:
 * "/nodes/{node}" + suffix (suffix already encoded, may hold a query).
 * Nodes that are not online are not asked: their call has rc -1 and
 * err PXE_UNAVAILABLE "node NAME is offline", status 0.  Returns a
 * calloc'd array of n calls (free each with px_call_free, then the
 * array).
 */
struct px_call *pve_node_fanout(struct px_client *c,
    const struct pve_node *nodes, int n, const char *suffix);
/* Run calls k[0..n) whose method is set (others are left alone) in one
 * parallel round; returns how many failed. */
int pve_calls_run(struct px_call *k, int n);
/* The parsed reply of a finished call: 0 with r filled (free with
 * px_reply_free), or -1 with e set (the call's own error when it failed;
 * r is then empty). */
int pve_call_reply(struct px_call *k, struct px_reply *r, struct px_err *e);
/* The nodes a per-node command works on: with only (validated by the
 * caller) a single online pseudo-node of that name, without it GET
 * /nodes.  *out is malloc'd. */
int pve_nodes_or_one(struct px_client *c, const char *only,
    struct pve_node **out, int *n, struct px_err *e);

#endif
