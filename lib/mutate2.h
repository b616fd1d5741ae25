/*
 * mutate2.h -- what the single-request mutation commands share (backup,
 * disk, set, exec, create, node): their common options, one request
 * through the gate with its task followed to the end, result rows in the
 * columns of lib/batch.h, and the small look-ups and parsers they need
 * before a request is built (node, storage, disk sizes, config keys).
 *
 * Nothing here sends a write: every POST/PUT/DELETE goes through
 * gate_call (lib/gate.h).
 *
 *     struct mut m;
 *     mut_init(&m);
 *     while ((ch = getopt_long(argc, argv, MUT_SHORT "...", longopts,
 *         NULL)) != -1) {
 *             if (mut_opt(&m, ch, optarg))
 *                     continue;
 *             ...
 *     }
 *     ... cli_connect(&m.x, &e) ...
 *     rc = mut_one(&m, &req, &row, &e);
 */
#ifndef PX_MUTATE2_H
#define PX_MUTATE2_H

#include <stdint.h>

#include "batch.h"
#include "cli.h"
#include "gate.h"

/* Short options of a mutation command: the common ones (without -s:
 * a result row has nothing to sort), -n and -y. */
#define MUT_SHORT	"c:f:Hjp:vny"

enum {
	MUT_O_ALLOW_RISK = 300,
	MUT_O_NO_WAIT,
	MUT_O_TIMEOUT,
};

/* Long options of every mutation command. */
#define MUT_LONG_GATE \
	{ "columns", required_argument, NULL, 'c' }, \
	{ "format", required_argument, NULL, 'f' }, \
	{ "no-header", no_argument, NULL, 'H' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "profile", required_argument, NULL, 'p' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "allow-risk", no_argument, NULL, MUT_O_ALLOW_RISK }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "yes", no_argument, NULL, 'y' }
/* ... and of those that follow a task. */
#define MUT_LONG_WAIT \
	{ "no-wait", no_argument, NULL, MUT_O_NO_WAIT }, \
	{ "timeout", required_argument, NULL, MUT_O_TIMEOUT }

struct mut {
	struct px_cli x;
	struct gate g;		/* g.x is &x */
	int no_wait;		/* --no-wait */
	double timeout;		/* --timeout, seconds; 0: none */
};

/* A result row: the columns of batch rows (vmid, name, node, action,
 * result, upid, message), so that every mutation prints alike. */
struct mut_row {
	int vmid;		/* 0: none (a node-wide request) */
	char name[128];
	char node[64];
	char action[16];
	char result[16];	/* ok, failed, refused, submitted, dry-run */
	char upid[256];
	char message[512];
	int failed;
};

void mut_init(struct mut *m);
/* Handle a common option (-c -f -H -j -p -v -n -y --allow-risk --no-wait
 * --timeout): 1 if it was one (a malformed value exits 2), else 0. */
int mut_opt(struct mut *m, int ch, const char *arg);
void mut_free(struct mut *m);

/* Fill the identity columns of row from guest g (may be NULL). */
void mut_row_init(struct mut_row *row, const char *action,
    const struct pve_guest *g);

/*
 * Run r through the gate; unless --no-wait or a dry run, follow its task
 * to the end (progress on a terminal) and append the end to the audit
 * log.  row->result and row->upid say what happened.  0 when everything
 * succeeded (or a dry run passed the gate), -1 with e otherwise: the
 * gate's refusal, PVE's error, or the task's failure (PXE_TASK_FAILED).
 */
int mut_one(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct px_err *e);
/* The two halves of mut_one, for commands that submit several requests
 * before following them.  mut_submit leaves res for mut_finish, which
 * frees it.  mut_finish does nothing for a row that is not "submitted"
 * with a UPID. */
int mut_submit(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct gate_result *res, struct px_err *e);
int mut_finish(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct gate_result *res, struct px_err *e);

/* Print rows through lib/out per -f/-c/-H; 0 or the exit status of an
 * output error. */
int mut_print(struct mut *m, const struct mut_row *rows, int n);

/*
 * For a request that acts on several guests at once (vzdump of a node's
 * guests, startall with --vms): the guest the gate should judge it by.
 * The gate knows one guest per request, so every guest is checked here
 * (read-only) and the one returned is, in this order, one with a Severe
 * finding (without --allow-risk: the gate then refuses, audited), one a
 * [policy] asks approval for, the one with the worst finding.  The other
 * guests' findings are printed to stderr.  n >= 1.
 */
const struct pve_guest *mut_gate_guest(struct mut *m, const char *action,
    const struct pve_guest *gs, int n);

/* Is node a valid node name and a node of the cluster?  PXE_USAGE for a
 * malformed name (checked before any request), PXE_NOT_FOUND for an
 * unknown one. */
int mut_node_check(struct px_client *c, const char *node, struct px_err *e);
/* Is storage available on node (and, when content is not NULL, does it
 * hold that content: backup, images, rootdir, iso, vztmpl)?
 * PXE_NOT_FOUND when it does not exist there, PXE_USAGE when it holds
 * other content. */
int mut_storage_check(struct px_client *c, const char *storage,
    const char *node, const char *content, struct px_err *e);

/*
 * A disk size as PVE writes and takes it: digits, an optional fraction
 * and an optional unit K, M, G or T (powers of 1024; none: bytes).  With
 * plus set a leading '+' is accepted and *relative says whether it was
 * there.  -1 when s is not such a size.
 */
int mut_parse_size(const char *s, int plus, int *relative, uint64_t *bytes);
/* The size= property of a disk's config value ("local:vm-1-disk-0,
 * size=32G"); -1 when it has none. */
int mut_disk_size(const char *value, uint64_t *bytes);
/* A config key as PVE names them: letters, digits, '-' and '_', starting
 * with a letter, at most 63 characters. */
int mut_valid_key(const char *s);

#endif
