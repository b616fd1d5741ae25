/*
 * ha.h -- what px ha's two files share: the options of its changes,
 * parsed and checked once (write.c), and the verbs that change HA.
 */
#ifndef PX_CMD_HA_H
#define PX_CMD_HA_H

#include "objcli.h"

enum {
	HA_O_AFFINITY = PX_O_LONG, HA_O_FAILBACK, HA_O_GROUP,
	HA_O_MAX_RELOCATE, HA_O_MAX_RESTART, HA_O_NODE, HA_O_NODES,
	HA_O_RESOURCES, HA_O_STATE, HA_O_TYPE,
};

/* The options of px ha that are not plain PVE parameters. */
struct ha_args {
	const char *node;	/* --node (preview) */
	const char *state;	/* --state, checked */
	const char *type;	/* --type, checked */
};

/* Handle one of px ha's own options (checked; a bad value exits 2): 1
 * if it was one, else 0. */
int ha_opt(struct objcli *oc, struct ha_args *a, int ch, const char *arg);
/* resource|rule|group VERB ID, migrate|relocate SID NODE: the exit
 * status. */
int ha_write(struct objcli *oc, const struct ha_args *a, int argc,
    char **argv);
/* Whether e is PVE 8's answer to the rules API (501: no such path). */
int ha_no_rules_err(const struct px_err *e);
/* Whether e is PVE 9's refusal of the groups API (migrated to rules). */
int ha_no_groups_err(const struct px_err *e);

#endif
