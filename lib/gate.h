/*
 * gate.h -- the one way a mutation reaches a cluster.
 *
 * Every command that changes anything builds a struct gate_req and calls
 * gate_call, which runs the stages in this order before any request
 * leaves the machine:
 *
 *   read-only profile (PXE_READ_ONLY, exit 8)
 *   -> incident freeze (PXE_FROZEN, exit 8)
 *   -> pre-flight risk check (PXE_REFUSED_RISK, exit 6, unless allow_risk)
 *   -> confirmation (destructive requests: a prompt on a terminal, else
 *      -y is required)
 *   -> dry run: print what would be sent, stop here
 *   -> human approval when a [policy] asks for it (PXE_HITL_*, exit 9)
 *   -> audit-log entry -> the call -> the result appended to the audit log
 *
 * Refusals are audited too.  No other code calls a mutating endpoint.
 */
#ifndef PX_GATE_H
#define PX_GATE_H

#include "audit.h"
#include "cli.h"
#include "http.h"
#include "pve.h"
#include "risk.h"

struct gate {
	struct px_cli *x;	/* config, profile, client (connected) */
	int yes;		/* -y */
	int dry_run;		/* -n */
	int allow_risk;		/* --allow-risk */
	int batch;		/* guests in this batch, for BulkCount */
	int quiet;		/* no risk report on stderr */
	struct audit *audit;	/* opened on first use */
};

struct gate_req {
	const char *action;	/* start, stop, delete, migrate, ... */
	const struct pve_guest *guest;	/* the guest, or NULL */
	const char *target;	/* "vm/100", "node/pve1", ... */
	const char *method;	/* POST, PUT, DELETE */
	const char *path;	/* API path, encoded */
	const char *form;	/* form body or NULL */
	const char *summary;	/* "stop VM 100 (web-01) on pve1" */
	int destructive;	/* ask, or require -y */
	/* Checked again right before the request is sent, after the
	 * prompt and the approval wait (e.g. "the guest is still
	 * stopped"); -1 with e set refuses.  May be NULL. */
	int (*recheck)(struct px_client *c, const struct gate_req *r,
	    struct px_err *e);
};

struct gate_result {
	long long audit_id;	/* the intent row */
	char upid[256];		/* when the answer was a task id */
	struct px_reply reply;	/* the parsed answer (free with
				   px_reply_free) */
	struct risk_report risk;
};

void gate_init(struct gate *g, struct px_cli *x);
void gate_free(struct gate *g);
/* Run r through the gate.  0 when the call was made and succeeded (res
 * filled); -1 with e set otherwise (refusals included).  With dry_run,
 * 0 with nothing sent and res->upid empty. */
int gate_call(struct gate *g, const struct gate_req *r,
    struct gate_result *res, struct px_err *e);
/* Record a refusal that a command decided before reaching the gate (a
 * precondition), so that it is audited like the gate's own; returns -1
 * and leaves e as given. */
int gate_refuse(struct gate *g, const struct gate_req *r,
    const char *decision, struct px_err *e);
/* Append the end of a task that gate_call started to the audit log. */
void gate_task_done(struct gate *g, const struct gate_req *r,
    const struct gate_result *res, const char *exitstatus);
void gate_result_free(struct gate_result *res);

#endif
