/*
 * mutcli.h -- the command line's side of the mutation layer
 * (lib/mutation.h): the gate and task options, the prompt, the progress
 * line on a terminal, the risk findings on stderr, the result rows on
 * stdout and the exit status.  Every mutating command is
 *
 *     struct mutcli m;
 *     mutcli_init(&m, &px_cmd_NAME);
 *     while ((ch = px_getopt(&g)) != -1) {
 *             if (mutcli_opt(&m, ch, g.arg))
 *                     continue;
 *             ... its own options ...
 *     }
 *     mutcli_connect(&m);
 *     gate_req_init(&r, "start", "guest", n); ... fill the targets ...
 *     rc = mutcli_run(&m, &r);
 *     gate_req_free(&r); mutcli_free(&m);
 *     return rc;
 */
#ifndef PX_MUTCLI_H
#define PX_MUTCLI_H

#include "cli.h"
#include "mutation.h"

struct mutcli {
	const struct px_command *cmd;
	struct px_cli x;
	struct gate g;
	struct mutation_opts o;
	struct mutation_ui ui;
	int has_policy;		/* --policy was given */
	int tty;		/* stderr is a terminal: a progress line */
	int quiet;		/* no risk findings on stderr */
	/* with follow_log: called with each task log line (and the row) */
	void (*line)(void *arg, int row, const struct pve_log_line *l);
	void *line_arg;
};

void mutcli_init(struct mutcli *m, const struct px_command *cmd);
/* Handle a common, gate or task option (-c -f -H -j -p -v -n -y
 * --allow-risk --no-wait --timeout --policy): 1 if it was one (a
 * malformed value exits 2), else 0. */
int mutcli_opt(struct mutcli *m, int ch, const char *arg);
/* Load the config, pick the profile, connect, set the gate up; on
 * failure print the error and exit. */
void mutcli_connect(struct mutcli *m);
void mutcli_free(struct mutcli *m);

/* VMID operands: each a VMID, none twice; exits 2 otherwise.  *n of them,
 * malloc'd. */
int *mutcli_vmids(struct mutcli *m, int argc, char **argv, int *n);
/* The guests of the VMIDs, in their order, from one request; a VMID
 * that is no guest has only its vmid set (node ""). */
struct pve_guest *mutcli_guests(struct mutcli *m, const int *vmids, int n);
/* Target i of r is guest g: 0; or, when g is no guest (node ""), the
 * target is refused as not found (its row says so, the others go on):
 * -1. */
int mutcli_target_guest(struct gate_req *r, int i, const struct pve_guest *g);

/*
 * The VMID operands as the targets of a new request r of action on
 * guests: connects, looks the guests up in one request, and fills each
 * target with its guest (an unknown VMID's target refused as not found).
 * Returns the guests (free() them after r).
 */
struct pve_guest *mutcli_guest_req(struct mutcli *m, struct gate_req *r,
    const char *action, int argc, char **argv);

/*
 * Run r (lib/mutation.h), print its rows per -f/-c/-H and the failures
 * on stderr; returns the exit status: 0 when every row succeeded, 2
 * (partial) when some did, else the first failure's.
 */
int mutcli_run(struct mutcli *m, struct gate_req *r);
/* The same with the caller's rows (mutation_nrows(r), zeroed; a
 * one-request change may preset its row's node or name). */
int mutcli_run_rows(struct mutcli *m, struct gate_req *r,
    struct mut_row *rows);

/* One change of one object, as a command describes it. */
struct mutcli_change {
	const char *action;	/* create, set, dns-set, service-stop ... */
	const char *kind;	/* pool, storage, node ... (audit) */
	const char *id;		/* the object; the target is "kind/id" */
	const char *summary;	/* "create pool dev" (prompt, audit) */
	const char *method;	/* POST, PUT, DELETE */
	const char *path;	/* encoded API path */
	const char *form;	/* encoded, or NULL */
	const char *redact;	/* form keys the audit log redacts, or NULL */
	int destructive;	/* asks first, or needs -y */
	gate_assess_fn assess;	/* the object's pre-flight check */
	void *assess_arg;
	const char *name;	/* the row's name; NULL: id */
	const char *node;	/* the row's node, or NULL */
};

/* Run change c through the gate (mutcli_run_rows) and print its row;
 * returns the exit status. */
int mutcli_change(struct mutcli *m, const struct mutcli_change *c);
/* The same, for a command that reads the answer itself: admitted by the
 * gate, sent, the answer in res (free with gate_result_free).  Returns 0,
 * or the exit status of a refusal or failure (printed).  In a dry run: 0
 * with res->dry_run. */
int mutcli_change_answer(struct mutcli *m, const struct mutcli_change *c,
    struct gate_result *res);

/* Print rows; 0 or the exit status of an output error. */
int mutcli_print(struct mutcli *m, const struct mut_row *rows, int n);
/* Print rows with a change's own columns after "action" (clone: newid,
 * newname, target; migrate: target): fill(o, row, base, arg) sets them,
 * column k of extra being base + k. */
int mutcli_print_extra(struct mutcli *m, const struct mut_row *rows, int n,
    const struct out_col *extra, int nextra,
    void (*fill)(struct out *o, int row, int base, void *arg), void *arg);
/* The exit status of rows (as mutcli_run). */
int mutcli_status(const struct mut_row *rows, int n);

#endif
