/*
 * evacuate.h -- px node evacuate and suspendall (evacuate.c), called
 * from node.c's verb dispatch.
 */
#ifndef PX_CMD_NODE_EVACUATE_H
#define PX_CMD_NODE_EVACUATE_H

#include "mutcli.h"

struct node_evac_args {
	const char *target;	/* --target */
	int online;		/* --online */
	int local_disks;	/* --with-local-disks */
	const char *vms;	/* suspendall --vms (checked "1,2,3") */
};

/*
 * px node evacuate|suspendall NODE (verb): the options node.c parsed
 * (vms: --vms as given; other: an option of another verb was given),
 * checked here; runs it, frees m and returns the exit status.
 */
int node_evac_verb(struct mutcli *m, const char *verb, const char *node,
    struct node_evac_args *a, const char *vms, int other);

#endif
