/*
 * pve_anomaly.h -- running guests whose CPU or memory use stands out
 * (px anomaly, px mcp's anomalies): a z-score beyond a threshold against
 * the other running guests of the cluster, or against the guest's own
 * RRD history of the last day.  The histories are read in one parallel
 * round.
 */
#ifndef PX_PVE_ANOMALY_H
#define PX_PVE_ANOMALY_H

#include "pve.h"

struct pve_anomaly {
	int vmid;
	char name[128];
	char node[64];
	const char *metric;	/* "cpu", "mem" (static) */
	double value;		/* fraction 0..1 */
	double cluster_mean, cluster_z;
	int has_history;
	double history_mean, history_z;
	const char *against;	/* "cluster", "history", "both" (static) */
};

/*
 * The outliers at threshold (a z-score > 0) into *out (*n of them,
 * malloc'd; free()).  A guest whose history could not be read is judged
 * against the cluster only, and warn (may be NULL) is told.  -1 with e
 * when the guests could not be listed.
 */
int pve_anomalies(struct px_client *c, double threshold,
    struct pve_anomaly **out, int *n,
    void (*warn)(void *arg, int vmid, const char *msg), void *arg,
    struct px_err *e);

#endif
