/*
 * pve_agent.h -- answers of the QEMU guest agent through PVE
 * (/nodes/N/qemu/V/agent/...): filesystems, logged-in users, the
 * agent's supported commands, the guest's time zone.  Each answer is
 * {"result": ...}; an agent error is {"result": {"error": ...}} or
 * PVE's 500, and gives PXE_FAILURE with the agent's message.  Strings
 * are sanitized and truncated to their buffers; rows that are not
 * objects are dropped (pve_row_drop).
 */
#ifndef PX_PVE_AGENT_H
#define PX_PVE_AGENT_H

#include "pve.h"

struct pve_agent_fs {
	char name[64], mountpoint[256], type[32];
	long long total, used;	/* bytes; -1 when the agent says none */
	char disks[256];	/* the devices under it, comma-separated */
};
int pve_agent_fsinfo_parse(const struct json *j, int t,
    struct pve_agent_fs **out, int *n, struct px_err *e);

struct pve_agent_user {
	char user[64], domain[64];
	double login;		/* epoch seconds */
};
int pve_agent_users_parse(const struct json *j, int t,
    struct pve_agent_user **out, int *n, struct px_err *e);

struct pve_agent_cmd {
	char name[64];
	int enabled, success_response;
};
/* info: the agent's version and its commands. */
int pve_agent_info_parse(const struct json *j, int t, char *version,
    size_t vn, struct pve_agent_cmd **out, int *n, struct px_err *e);

/* The object or scalar under "result" at t; -1 with e for an agent
 * error. */
int pve_agent_result(const struct json *j, int t, struct px_err *e);

#endif
