/*
 * alert.h -- the [alert NAME] sections of px.conf, what holds on the
 * cluster for each, and the state that turns conditions into events.
 *
 *   [alert disk-full]
 *   when = storage_above        (node_offline, guest_down, storage_above,
 *                                task_failed, backup_missing,
 *                                backup_failed, replication_failing,
 *                                ha_error, cert_expiring, quorum_lost)
 *   threshold = 90              (its meaning depends on when: see
 *                                alert_kinds[] and pxalerts.1)
 *   for = 60s                   (the condition holds this long first)
 *   match = node=pve1,pve2 tag=prod
 *   severity = critical         (info, warning, critical)
 *   route = ntfy:ops@https://ntfy.example.com, webhook:https://...
 *   repeat = 1h                 (0: never)
 *   resolved = yes              (tell the routes when it clears)
 *
 * alert_collect reads the cluster once for the rules given and returns
 * the findings (one per object for which a condition holds); it prints
 * nothing.  alert_state_eval (alert_state.c) compares them with the
 * state kept in SQLite and returns the events to deliver.
 */
#ifndef PX_ALERT_H
#define PX_ALERT_H

#include "conf.h"
#include "err.h"
#include "http.h"

enum alert_kind {
	AK_NODE_OFFLINE, AK_GUEST_DOWN, AK_STORAGE_ABOVE, AK_TASK_FAILED,
	AK_BACKUP_MISSING, AK_BACKUP_FAILED, AK_REPLICATION_FAILING,
	AK_HA_ERROR, AK_CERT_EXPIRING, AK_QUORUM_LOST, AK_N,
	/* internal, raised by px daemon's reconcile part, never a when of
	 * an [alert] section: the cluster differs from its state file */
	AK_DRIFT = AK_N
};

/* One kind: its name, what threshold means and its default. */
struct alert_kind_info {
	const char *name;
	const char *threshold;	/* "percent", "duration", "count", NULL */
	double def;		/* the default threshold */
};
extern const struct alert_kind_info alert_kinds[AK_N + 1];

#define ALERT_MAX_ROUTES	8
#define ALERT_MAX_MATCH		16

struct alert_rule {
	char name[64];
	enum alert_kind kind;
	double threshold;	/* percent, seconds or a count */
	long long for_s;	/* seconds */
	long long repeat_s;	/* 0: never */
	int resolved;		/* send a message when it clears */
	char severity[16];
	char routes[ALERT_MAX_ROUTES][512];
	int nroutes;
	/* match: each key a comma list, "" when not given */
	char m_node[256], m_storage[256], m_tag[256], m_pool[256],
	    m_vmid[256];
};

/* One object for which a rule's condition holds now. */
struct alert_finding {
	int rule;		/* index into the rules */
	char key[192];		/* the object: "node/pve2", "vm/101" */
	char summary[384];	/* "node pve2 is offline" */
	double value;		/* the measured value (percent, age ...) */
};

/*
 * Read every [alert NAME] section of c into *out (n rules, malloc'd):
 * -1 with e (PXE_CONFIG naming the file, section and key) for an unknown
 * key, a missing or unknown when, a bad duration, threshold, severity,
 * route or match.
 */
int alert_rules_load(const struct px_conf *c, struct alert_rule **out,
    int *n, struct px_err *e);
/* Check one route's syntax ("telegram", "ntfy:TOPIC[@URL]",
 * "webhook:URL", "exec:/ABSOLUTE/PATH"); NULL or why it is wrong. */
const char *alert_route_problem(const char *route);

/*
 * Ask the cluster (c) what holds now for the n rules, at time now
 * (epoch; px_now()).  *out (malloc'd, *nf rows) gets the findings.
 * ok[i] (of n) is set to 1 for each rule whose data could be read: a
 * rule whose data failed is not judged (its state must stay as it was,
 * neither resolved nor fired), and *why gets the first failure.
 * Returns 0 (even when some rules could not be judged), -1 with e only
 * when nothing could be read.
 */
int alert_collect(struct px_client *c, const struct alert_rule *r, int n,
    long long now, struct alert_finding **out, int *nf, int *ok,
    struct px_err *why, struct px_err *e);

#endif
