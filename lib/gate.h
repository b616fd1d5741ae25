/*
 * gate.h -- the one way a change reaches a cluster.
 *
 * A change is a gate request: an action ("start", "delete", "startall"),
 * the kind of object it changes (guest, node, pool, acl, storage,
 * firewall, state ...), and its targets.  Either each target carries a
 * request of its own (px stop 101 102: one POST per guest), or the change
 * carries one request for all of them (a vzdump of three guests, a
 * node's startall): then the targets are what the request touches, for
 * the pre-flight check and the approval.
 *
 * The stages, in this order, before any request leaves the machine:
 *
 *   gate_check    read-only profile (PXE_READ_ONLY, exit 8)
 *                 -> incident freeze (PXE_FROZEN, exit 8)
 *                 -> pre-flight risk check of every target (PXE_REFUSED_RISK,
 *                    exit 6, unless allow_risk); returns GATE_CONFIRM when
 *                    the change is destructive and neither -y nor -n was
 *                    given: the caller asks a human (once for the change)
 *                    or refuses with gate_refuse_all
 *   gate_approve  human approval when a [policy] asks for it (PXE_HITL_*,
 *                 exit 9), once for the change
 *   gate_send     per request: dry run (res->dry_run, res->would_send:
 *                 nothing sent) or the recheck -> audit-log entry -> the
 *                 call -> the result appended to the audit log
 *
 * Refusals are audited too.  The gate never prints, prompts or exits: what
 * it found is in the request's targets and results.  No other code calls
 * a mutating endpoint.
 */
#ifndef PX_GATE_H
#define PX_GATE_H

#include "audit.h"
#include "buf.h"
#include "conf.h"
#include "http.h"
#include "pve.h"
#include "risk.h"

struct gate {
	const struct px_conf *conf;
	const struct px_profile *p;
	struct px_client *c;
	int yes;		/* -y: confirmed already */
	int dry_run;		/* -n */
	int allow_risk;		/* --allow-risk */
	/* The entry point when not the command line: "mcp client NAME"
	 * (recorded in the audit log's user after "via"); NULL: none. */
	const char *via;
	/* --approve-async: when the change needs (or asks for) approval,
	 * queue it for px daemon (lib/approvals.h) instead of waiting;
	 * gate_approve then fails with PXE_QUEUED and r->queued_id. */
	int approve_async;
	/* Set by px daemon when it carries out a queued approval: the
	 * change was approved already ("@name (id), approval 7"); the
	 * gate asks nobody and records it. */
	const char *approved;
	struct audit *audit;	/* opened on first use */
	/* Problems the gate cannot return as an error (an audit row of a
	 * refusal or a task's end that could not be written). May be NULL. */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
	/* While a human's approval is awaited: called about every
	 * tick_every seconds; nonzero abandons the wait (refused).  NULL:
	 * none (hitl.h's struct hitl_tick). */
	int (*tick)(void *arg, double waited, long timeout);
	void *tick_arg;
	double tick_every;
	/* Right before each request is sent: nonzero when whoever asked
	 * for the change has withdrawn it (an MCP client's cancellation);
	 * the request is then refused, audited "cancelled", nothing sent.
	 * Called with tick_arg; NULL: never. */
	int (*withdrawn)(void *arg);
};

struct gate_target;
struct gate_req;

/* Checked again right before a request is sent, after the prompt and the
 * approval wait (e.g. "the guest is still stopped"); -1 with e set
 * refuses. */
typedef int (*gate_recheck_fn)(struct px_client *c,
    const struct gate_target *t, struct px_err *e);

/* The pre-flight check of a change to an object (a pool, an ACL, a
 * storage ...), which has no guest for risk_check to judge: adds the
 * object's findings to rep (risk_add); -1 with e when it could not look
 * (the change is refused: PVE could not be asked what it would break). */
typedef int (*gate_assess_fn)(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* One request: the buffers are owned by it (gate_req_free). */
struct gate_call {
	const char *method;	/* POST, PUT, DELETE; NULL: none */
	struct buf path;	/* API path, encoded */
	struct buf form;	/* form body, or empty */
	const char *redact;	/* parameters kept out of the audit log and
				   -n although their names do not say they
				   are secret (a file's content), comma-
				   separated; NULL: none */
	const struct px_upload *upload;	/* a multipart upload (the
				   caller's, not owned): form then holds
				   its fields, the file is streamed */
};

struct gate_target {
	char id[96];		/* audit target: "vm/100", "node/pve1" */
	struct pve_guest guest;	/* when has_guest: for risk and approval */
	int has_guest;
	char summary[512];	/* "stop VM 100 (web-01) on pve1" */
	struct gate_call call;	/* its own request, or none (method NULL) */
	int covered_by;		/* k+1: target k's request covers this one
				   too (vzdump of a node's guests); 0 none */
	gate_recheck_fn recheck;
	/* filled by the gate */
	struct risk_report risk;
	int refused;		/* refused before anything was sent */
	struct px_err err;	/* why */
};

struct gate_req {
	const char *action;	/* start, stop, delete, startall, ... */
	const char *kind;	/* guest, node, pool, acl, storage, ... */
	char summary[512];	/* the whole change, for the prompt and the
				   approval ("stop 3 guests: 101, 102, 103") */
	int destructive;	/* ask once, or require -y */
	struct gate_target *t;	/* n targets, owned (gate_req_free) */
	int n;
	/* the change's one request for all targets (method NULL: each
	 * target has its own), audited under id */
	struct gate_call call;
	char id[96];
	gate_recheck_fn recheck;	/* of the one request */
	char approved_by[192];	/* set by gate_approve */
	long long queued_id;	/* set by gate_approve: the approval
				   request it was queued as */
	struct risk_report risk;	/* a change without a guest to
					   judge: its size (BulkCount) and
					   the object's findings */
	gate_assess_fn assess;	/* the object's pre-flight check, or NULL */
	void *assess_arg;
	int own_size;		/* assess judges the size itself (a state
				   apply counts changes, not requests) */
};

struct gate_result {
	long long audit_id;	/* the intent row */
	char upid[256];		/* when the answer was a task id */
	int dry_run;		/* nothing was sent: would_send says what */
	char would_send[2048];	/* "POST /nodes/pve1/... form" (redacted) */
	struct px_reply reply;	/* the parsed answer (gate_result_free) */
};

enum { GATE_CONFIRM = 1 };

/* Set g up for the profile p of conf, talking through c (none owned). */
void gate_init(struct gate *g, const struct px_conf *conf,
    const struct px_profile *p, struct px_client *c);
/* Close the audit log. */
void gate_free(struct gate *g);

/* Start a request of action on kind with n targets (zeroed, owned). */
void gate_req_init(struct gate_req *r, const char *action, const char *kind,
    int n);
void gate_req_free(struct gate_req *r);
/* r->summary from its targets: the one target's summary, or "VERB 3
 * guests: VM 101 (web), VM 102 (db), CT 103 (dns)" (shortened to fit). */
void gate_req_summarize(struct gate_req *r, const char *verb);
/* Fill target t from guest g: its id "vm/100" or "ct/100", its guest. */
void gate_target_guest(struct gate_target *t, const struct pve_guest *g);

/*
 * The checks before anyone is asked: read-only, freeze, pre-flight risk
 * of each target (t->risk).  A refused target has t->refused and t->err
 * (audited).  Returns -1 with e (the first refusal) when nothing is left
 * to send, GATE_CONFIRM when the caller must ask (destructive, no -y, no
 * -n), else 0.
 */
int gate_check(struct gate *g, struct gate_req *r, struct px_err *e);
/* Refuse every target not refused yet with e and decision (audited), as
 * for a change that was not confirmed; returns -1. */
int gate_refuse_all(struct gate *g, struct gate_req *r, const char *decision,
    const struct px_err *e);
/* Refuse target i for a precondition the command found (decision
 * "refused-precondition"), with e; audited. */
void gate_refuse_target(struct gate *g, struct gate_req *r, int i,
    const char *decision, const struct px_err *e);
/* Human approval, once for the change, when a [policy] asks for it
 * (skipped in a dry run).  -1 with e when denied (every target refused,
 * audited).  With g->approve_async or a policy of mode = async: the
 * change is queued (audited as "queued"), -1 with e PXE_QUEUED and
 * r->queued_id; nothing is sent. */
int gate_approve(struct gate *g, struct gate_req *r, struct px_err *e);
/*
 * Send request i (a target's own), or the change's one request (i -1).
 * In a dry run: 0, res->dry_run and res->would_send, nothing sent.
 * Else the recheck, the audit entry, the call, its result in the audit
 * log: 0 with res filled (res->upid when a task was started), or -1
 * with e.  Free res with gate_result_free.
 */
int gate_send(struct gate *g, struct gate_req *r, int i,
    struct gate_result *res, struct px_err *e);
/* Append the end of a task that gate_send started to the audit log. */
void gate_task_done(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, const char *exitstatus);
/*
 * After following the task that gate_send started for request i of r
 * (rc and e from pve_task_follow or pve_task_wait): audit its end when
 * it ended, and return rc's 0 or -1.  A task still running at the
 * timeout (PXE_TIMEOUT) did not end and is not audited; nor is one
 * whose status could not be read (rc -2): e then becomes "outcome
 * unknown", since the change was accepted and PVE may still do it.
 */
int gate_task_end(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, int rc, struct px_err *e);
void gate_result_free(struct gate_result *res);
/*
 * A POST the API defines as changing nothing (PBS's prune with
 * dry-run=1, the preview px shows before a prune): refused (PXE_USAGE)
 * unless form holds dry-run=1; not audited.  0 with r (free it with
 * px_reply_free), or -1 with e.
 */
int gate_dry_post(struct px_client *c, const char *path, const char *form,
    struct px_reply *r, struct px_err *e);
/*
 * POST path for one of the few PVE endpoints that take POST but change
 * nothing (the guest agent's ping and fsfreeze-status): any other path
 * is refused with PXE_USAGE, it must go through the gate.  The answer in
 * r.
 */
int gate_query_post(struct px_client *c, const char *path,
    struct px_reply *r, struct px_err *e);
/*
 * A change px makes itself rather than through the API (px pbs restore
 * runs proxmox-backup-client): target i's call describes it (method
 * "RUN", path the program and its arguments, never a secret).  After
 * gate_check and gate_approve: the audit entry before it runs (0 with
 * res->audit_id), or in a dry run nothing (0 with res->dry_run and
 * res->would_send); -1 with e when it cannot be audited (it must not
 * run).  gate_local_done appends its result.
 */
int gate_local(struct gate *g, struct gate_req *r, int i,
    struct gate_result *res, struct px_err *e);
void gate_local_done(struct gate *g, const struct gate_req *r, int i,
    const struct gate_result *res, const char *result);

/* Is id a refusal (read-only, frozen, risk, approval, usage) rather than
 * a failure? */
int gate_is_refusal(enum px_errid id);

#endif
