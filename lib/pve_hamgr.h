/*
 * pve_hamgr.h -- the HA manager's own status, GET
 * /cluster/ha/status/manager_status: which node is the master, what it
 * thinks of each node (online, maintenance, unknown, fence, gone) and
 * where it has each service (node, state, the target of a migration,
 * the nodes it failed to start on).  The schema says only "object":
 * this is the shape pve-ha-manager writes (manager_status.json, with
 * the quorum beside it).
 */
#ifndef PX_PVE_HAMGR_H
#define PX_PVE_HAMGR_H

#include "json.h"

#define PVE_HAMGR_NODES	64

struct pve_ha_node_state {
	char node[64];
	char state[32];		/* online, maintenance, unknown, fence,
				   gone, ... */
};

struct pve_ha_service {
	char sid[64];		/* vm:100 */
	char node[64];
	char state[32];		/* started, stopped, request_stop,
				   migrate, relocate, fence, recovery,
				   error, freeze, ... */
	char target[64];	/* migrate, relocate: where to */
	char failed[128];	/* failed_nodes, comma-separated */
	int running;		/* -1 when not said */
};

struct pve_ha_manager {
	char master[64];	/* "" when no manager is active */
	long long timestamp;
	int quorate;		/* -1 when not said */
	struct pve_ha_node_state nodes[PVE_HAMGR_NODES];
	int nnodes;
	struct pve_ha_service *svc;	/* sorted by SID, owned */
	int nsvc;
};

/*
 * The answer's data at obj into m (zeroed first; free with
 * pve_ha_manager_free).  Strings are sanitized and cut to their
 * buffers; missing parts (no master yet, no services) leave them
 * empty.  0, or -1 with e when obj is not an object.
 */
int pve_ha_manager_parse(const struct json *j, int obj,
    struct pve_ha_manager *m, struct px_err *e);
void pve_ha_manager_free(struct pve_ha_manager *m);
/* A deep copy of src into dst (dst's old contents not freed). */
void pve_ha_manager_copy(struct pve_ha_manager *dst,
    const struct pve_ha_manager *src);
/* The service sid of m, or NULL. */
const struct pve_ha_service *pve_ha_manager_service(
    const struct pve_ha_manager *m, const char *sid);
/* What m says of node, or NULL. */
const char *pve_ha_manager_node(const struct pve_ha_manager *m,
    const char *node);

#endif
