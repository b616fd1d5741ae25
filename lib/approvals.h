/*
 * approvals.h -- the queue of changes waiting for a human's approval.
 *
 * With -y --approve-async, or a [policy] that says mode = async, the
 * gate (lib/gate.c gate_approve) does not wait for the Telegram answer:
 * it writes the whole gate request (action, kind, summary, targets with
 * their ids and guests, each request's method, path, form and redact
 * list, the risk findings seen) to approvals.db in the data dir (0600)
 * and the command exits.  px daemon (cmd/daemon/approvals.c) asks on
 * Telegram and, once approved, runs exactly that request through the
 * gate again.
 *
 * States, each change one transaction (BEGIN IMMEDIATE), so that two
 * presses of a button or two processes never both win:
 *
 *   pending -> asked -> approved -> running -> done | failed | unknown
 *   pending | asked -> denied | expired | cancelled
 *   pending | asked | approved -> failed   (refused: a tampered row)
 *
 * unknown: a request was sent and its answer lost (the connection broke,
 * or a daemon stopped while running it and the audit log shows a request
 * sent without its result); a human must look.  A running row whose
 * daemon is gone is judged from the audit log: nothing sent, back to
 * approved (it runs once); a task started whose end was not recorded,
 * the cluster is asked (each end audited as a "task" row with its UPID
 * and exit status), and the row stays running until it has ended.  Every row carries
 * a seal (HMAC-SHA256 with a key derived from hitl.key) over what it
 * asks for; a row whose seal does not match is never asked about and
 * never run.
 *
 * Nothing here prints; the memory of a struct approval is its own
 * (approval_free).
 */
#ifndef PX_APPROVALS_H
#define PX_APPROVALS_H

#include "gate.h"

enum appr_state {
	APPR_PENDING, APPR_ASKED, APPR_APPROVED, APPR_RUNNING, APPR_DONE,
	APPR_FAILED, APPR_DENIED, APPR_EXPIRED, APPR_CANCELLED, APPR_UNKNOWN,
	APPR_NSTATES
};
#define APPR_BIT(s)	(1u << (s))

struct approval {
	long long id;
	enum appr_state state;
	char profile[64];
	char action[32];
	char kind[32];
	char summary[512];
	char policy[64];	/* the [policy] that asked, or "-" */
	char requester[320];	/* user@host who queued it */
	long timeout;		/* seconds from asking to expiry */
	long long created, updated, asked, expires, decided;
	char nonce[2 * 12 + 1];	/* of the Telegram buttons, once asked */
	long long msgid;	/* the Telegram message, 0 if none */
	char approver[192];	/* who approved or denied, or who cancelled */
	char runner[64];	/* "pid@host" of the daemon running it */
	char result[512];	/* the outcome, or why it stopped */
	int told;		/* its Telegram message shows how it ended */
	int ntargets;
	int intact;		/* the seal matches (approvals_get only) */
	char *request;		/* the request as JSON (approvals_get only) */
	char **keep;		/* strings a rebuilt request points to */
	int nkeep;
};

struct approvals;

/* The state's name ("pending" ...), and back (-1 if unknown). */
const char *approval_state_name(enum appr_state s);
int approval_state_parse(const char *s);
/* Whether s is final (done, failed, denied, expired, cancelled, unknown). */
int approval_state_final(enum appr_state s);

/* Open (creating, 0600) path, or approvals.db in the data dir when
 * NULL.  NULL with e. */
struct approvals *approvals_open(const char *path, struct px_err *e);
void approvals_close(struct approvals *q);

/*
 * Queue r (checked by gate_check, not refused as a whole) for approval
 * under policy ("-" when only --approve-async asked), allow_risk as
 * given.  Refused (PXE_USAGE) when the request cannot be carried out
 * later exactly as now: an upload, a local program, or a pre-flight
 * check of an object that only the command knows.  0 with *id.
 */
int approvals_queue(struct approvals *q, const struct gate_req *r,
    const char *profile, const char *policy, long timeout, int allow_risk,
    const char *requester, long long *id, struct px_err *e);

/* Every row, newest first (*out malloc'd, free with approvals_list_free;
 * no request text). */
int approvals_list(struct approvals *q, struct approval **out, int *n,
    struct px_err *e);
void approvals_list_free(struct approval *a, int n);
/* One row with its request and a->intact.  -1 with e (PXE_NOT_FOUND). */
int approvals_get(struct approvals *q, long long id, struct approval *a,
    struct px_err *e);
void approval_free(struct approval *a);
/* Parse an approval id ("7", "#7"): > 0, or -1. */
long long approval_parse_id(const char *s);

/*
 * A human's answer: approve (1) or deny (0) an asked (or pending) row,
 * by approver.  Exactly one answer wins: a second one, or an answer to a
 * row in any other state, is -1 with e (PXE_USAGE, "already approved").
 */
int approvals_decide(struct approvals *q, long long id, int approve,
    const char *approver, struct px_err *e);
/* Withdraw a pending or asked row (by: who); -1 with e otherwise. */
int approvals_cancel(struct approvals *q, long long id, const char *by,
    struct px_err *e);

/*
 * The daemon's transitions.  Each moves row id from one of the states in
 * from (APPR_BIT mask) to to, in one transaction: 0, or 1 when the row
 * was in another state (someone else moved it: nothing done), or -1
 * with e.  Other members are set when given (non-NULL / non-zero).
 */
struct appr_update {
	const char *nonce;
	long long msgid;
	long long asked, expires;
	const char *approver;
	const char *runner;
	const char *result;
};
int approvals_move(struct approvals *q, long long id, unsigned from,
    enum appr_state to, const struct appr_update *u, struct px_err *e);
/*
 * Claim the telling of row id's end on its Telegram message: 0 when this
 * caller is the one to edit the message (the row is marked told in the
 * same statement), 1 when it was told already, -1 with e.  So a message
 * is edited once, whoever decided the row (Telegram, pxtop, px approvals
 * cancel, or its expiry).
 */
int approvals_claim_told(struct approvals *q, long long id,
    struct px_err *e);
/* Set the message id of an asked row (after posting it). */
int approvals_set_msgid(struct approvals *q, long long id, long long msgid,
    struct px_err *e);

/*
 * Rebuild the gate request of a (from approvals_get, intact) into r
 * (gate_req_free it; r points into a, which must outlive it) and the
 * allow_risk it was queued with.  Every value is checked again (methods,
 * paths, sizes): -1 with e for anything malformed.
 */
int approval_request(struct approval *a, struct gate_req *r,
    int *allow_risk, struct px_err *e);

/*
 * What a (from approvals_get) asks for, for a screen: into text (n
 * bytes) one line per request, "METHOD path form" (a target's prefixed
 * with its id), secrets redacted as in the audit log; into risk (rn
 * bytes) the pre-flight findings kept in the request, worst first
 * ("severe Check: detail; ..."), or "none".  Controls but newline are
 * made safe.  A row whose seal does not match, or that does not parse:
 * -1 with e, text and risk saying so ("tampered").
 */
int approval_describe(struct approval *a, char *text, size_t n,
    char *risk, size_t rn, struct px_err *e);

#endif
