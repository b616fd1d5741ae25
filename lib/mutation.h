/*
 * mutation.h -- the one path of a change: gate -> submit -> follow the
 * task -> one result row per request.
 *
 * Every mutating command (and pxtop's queue, the daemon, MCP) builds a
 * gate request (lib/gate.h) and runs it here.  The caller talks to the
 * user through struct mutation_ui: the prompt, the progress line, the
 * task log, the dry run's "would send".  Nothing here prints, prompts or
 * exits (lib/support/mutcli.c is the command line's side).
 *
 * Policies, for a change with a request per target:
 *   all          submit every request, then follow every task
 *   canary[=N]   N targets first (default 1), followed; stop if any
 *                failed; then the rest as with all
 *   rolling[=K]  K targets at a time (default 1), each group followed;
 *                stop at the first failure
 * Rows: vmid, name, node, action, result (ok, failed, refused, skipped,
 * submitted, dry-run, unknown: sent, its answer lost), upid, message:
 * one contract for every change.
 */
#ifndef PX_MUTATION_H
#define PX_MUTATION_H

#include "gate.h"
#include "pve_task.h"

enum mutation_policy { MUTATION_ALL, MUTATION_CANARY, MUTATION_ROLLING };

struct mutation_opts {
	int no_wait;		/* return with the UPIDs */
	double timeout;		/* per task, seconds; 0: none */
	enum mutation_policy policy;
	int step;		/* N for canary, K for rolling */
	int follow_log;		/* read the task log as it grows (ui.line) */
};

/* The caller's side; every member may be NULL. */
struct mutation_ui {
	/* The change is destructive and not confirmed: 1 go ahead, 0 not
	 * confirmed, -1 with e when nobody can be asked. */
	int (*confirm)(void *arg, const struct gate_req *r, struct px_err *e);
	/* After the checks: the findings are in r->t[i].risk. */
	void (*checked)(void *arg, const struct gate_req *r);
	/* A dry run's request: what would be sent. */
	void (*would_send)(void *arg, const char *text);
	/* Request row was accepted; upid may be "" (done at once). */
	void (*submitted)(void *arg, int row, const char *upid);
	/* While a task is followed: after each poll, and each new log
	 * line (with follow_log); what is "start 101", "startall node/pve1". */
	void (*progress)(void *arg, int row, const char *what,
	    const struct pve_task *t, double waited);
	void (*line)(void *arg, int row, const struct pve_log_line *l);
	/* The task of row ended (ok or not). */
	void (*followed)(void *arg, int row);
	void *arg;
};

/* One result row. */
struct mut_row {
	int vmid;		/* 0: none */
	char name[128];
	char node[64];
	char action[32];
	char result[16];	/* ok, failed, refused, skipped, submitted,
				   dry-run */
	char upid[256];
	char message[512];	/* the error, or a note */
	struct px_err err;	/* when failed or refused */
	int failed;
};

/* How many rows a run of r fills: one per target when each target has
 * its own request, else one. */
int mutation_nrows(const struct gate_req *r);

/*
 * Run r through the gate g and follow its tasks per o.  rows (zeroed by
 * the caller, mutation_nrows(r) of them; a one-request change's row may
 * carry the node or name the caller set) are filled.  Returns 0 when
 * every row succeeded (or passed a dry run), else -1 with e the first
 * failure.  With the policy's stop, the rows not attempted are
 * "skipped".
 */
int mutation_run(struct gate *g, struct gate_req *r,
    const struct mutation_opts *o, const struct mutation_ui *ui,
    struct mut_row *rows, struct px_err *e);

/*
 * The part of a run before anything is sent: the gate's checks, the
 * confirmation (ui->confirm) and the approval.  0 when at least one
 * request may go (gate_send then sends it), -1 with e otherwise.  For a
 * command that reads the answer itself (px exec).
 */
int mutation_admit(struct gate *g, struct gate_req *r,
    const struct mutation_ui *ui, struct px_err *e);

/* Parse a --policy value ("all", "canary", "canary=3", "rolling=2")
 * into o; -1 when malformed. */
int mutation_parse_policy(const char *s, struct mutation_opts *o);

/* A recheck for destroys (gate_recheck_fn): right before the request,
 * the target guest must still be stopped; -1 (PXE_REFUSED_RISK) when it
 * runs now. */
int mutation_recheck_stopped(struct px_client *c, const struct gate_target *t,
    struct px_err *e);

#endif
