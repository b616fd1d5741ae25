/*
 * pve_objrisk_fw.h -- pre-flight checks of firewall changes (px
 * firewall): a change that leaves an enabled firewall with policy_in
 * DROP or REJECT and no rule that admits the GUI and API port 8006 and
 * SSH port 22 locks the operator out (FirewallLockout, severe);
 * disabling a firewall (FirewallDisabled) and loosening a policy to
 * ACCEPT (PolicyLoosened) are warnings; deleting a security group that
 * rules use is severe (GroupInUse).
 */
#ifndef PX_PVE_OBJRISK_FW_H
#define PX_PVE_OBJRISK_FW_H

#include "gate.h"
#include "pve_firewall.h"

enum objrisk_fw_op {
	OBJRISK_FW_OPTIONS,	/* options set: form holds the new values */
	OBJRISK_FW_RULE_ADD,	/* form: the rule, pos (or 0) */
	OBJRISK_FW_RULE_SET,	/* pos, form: the fields changed */
	OBJRISK_FW_RULE_MOVE,	/* pos to to */
	OBJRISK_FW_RULE_DELETE,	/* pos */
	OBJRISK_FW_GROUP_DELETE,	/* group */
};

struct objrisk_fw {
	enum objrisk_fw_op op;
	const char *base;	/* /cluster/firewall, /nodes/N/firewall, or a
				   guest's */
	const char *what;	/* "cluster", "node pve1", "guest 100" */
	const char *node;	/* the node of a node's firewall, else NULL */
	int guest;		/* a guest's firewall: its own policy, no
				   lockout of the host */
	const char *group;	/* the security group whose rules change, or
				   the group deleted; NULL: base's rules */
	int pos, to;
	const char *form;	/* the change's parameters, form-encoded */
};

int objrisk_fw(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e);

/* Whether enabled rule r (with groups' rules g[0..ng) for a group rule)
 * admits TCP port to the host; pure, for tests. */
int objrisk_fw_admits(const struct pve_fw_rule *r, int port);

#endif
