/*
 * mutate.h -- what px delete, migrate, snapshot, clone and template share
 * beyond lib/batch: the common mutation options, one guest through the
 * gate with its task followed (optionally line by line), the typed
 * answers they read first (migration preconditions, the snapshot tree),
 * and progress parsed from PVE task logs.
 *
 * Every request still goes through gate_call (lib/gate.h); nothing here
 * sends a mutation any other way.
 */
#ifndef PX_MUTATE_H
#define PX_MUTATE_H

#include <stdint.h>

#include "batch.h"
#include "pve_guest.h"
#include "pve_task.h"

/* The options every mutation command takes besides PX_COMMON_LONG:
 * -n, -y, --allow-risk, --no-wait, --timeout.  Commands number their own
 * long options from MUTATE_O_OWN on. */
enum { MUTATE_O_ALLOW_RISK = 300, MUTATE_O_NO_WAIT, MUTATE_O_TIMEOUT, MUTATE_O_OWN };
#define MUTATE_SHORT "hny"
#define MUTATE_LONG \
	{ "allow-risk", no_argument, NULL, MUTATE_O_ALLOW_RISK }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "no-wait", no_argument, NULL, MUTATE_O_NO_WAIT }, \
	{ "timeout", required_argument, NULL, MUTATE_O_TIMEOUT }, \
	{ "yes", no_argument, NULL, 'y' }

/* Set up b (and its gate) for x. */
void mutate_init(struct batch *b, struct px_cli *x);
/* Handle a common or mutation option: 1 if it was one (a bad value exits
 * 2), 0 otherwise (also for -h, which the command handles). */
int mutate_opt(struct batch *b, int ch, const char *arg);
void mutate_free(struct batch *b);

/* Called with each new line of the task log while a task is followed. */
typedef void (*mutate_line_fn)(void *arg, const struct pve_log_line *l);

/* One guest through the gate and its task to the end. */
struct mutate_item {
	struct gate_req r;
	struct gate_result res;
	struct buf path, form;
	char summary[256];
	char target[32];	/* "vm/100", "ct/101" */
	char result[16];	/* ok, failed, refused, submitted, dry-run */
	struct px_err err;	/* when result is failed or refused */
};

/*
 * Build the request of action on guest g with build (as in batch_run),
 * run it through the gate and, unless b->no_wait, follow its task (with
 * a progress line on a terminal, or line called for each log line when
 * not NULL).  Fills it; returns 0 on success, else the exit status (the
 * error is in it->err).  Free it with mutate_item_free.
 */
int mutate_one(struct batch *b, const char *action,
    const struct pve_guest *g, batch_build_fn build, void *arg,
    mutate_line_fn line, void *line_arg, struct mutate_item *it);
void mutate_item_free(struct mutate_item *it);
/* Print it as one row in the columns of lib/batch.h (vmid, name, node,
 * action, result, upid, message) and its error, if any, on stderr. */
void mutate_print(struct px_cli *x, const struct pve_guest *g,
    const char *action, const struct mutate_item *it);

/* "VM 100 (web-01)" or "CT 101 (no name)" into buf. */
void mutate_guest_name(const struct pve_guest *g, char *buf, size_t n);

/* GET .../status/current of g: 1 when it runs, 0 when not, -1 with e. */
int mutate_guest_running(struct px_client *c, const struct pve_guest *g,
    struct px_err *e);

/* ---- migration preconditions: GET /nodes/{node}/{type}/{vmid}/migrate */

/* GET it for g with target (may be NULL). */
int mutate_migrate_info(struct px_client *c, const struct pve_guest *g,
    const char *target, struct pve_migrate_info *m, struct px_err *e);
/*
 * PVE's own preconditions of moving g to target, as px migrate and
 * pxtop check them before anything is sent: not there already, an
 * allowed node (else PVE's reason, or no such node), no local resources
 * or CD-ROM image, local disks only with local_disks, a running guest
 * only with online.  0 when it may go (*running, may be NULL: whether it
 * runs, status/current or g->status); else -1 with e (PXE_FAILURE,
 * PXE_NOT_FOUND, a request's error), with a hint in px migrate's terms.
 */
int mutate_migrate_check(struct px_client *c, const struct pve_guest *g,
    const char *target, int online, int local_disks, int *running,
    struct px_err *e);

/* Is name a snapshot name PVE takes: its pve-configid (a letter, then
 * letters, digits, '-' and '_'; at most 40), and not "current" (the
 * name of where the guest is)? */
int mutate_valid_snapname(const char *name);

/* A gate recheck (struct gate_req) for destroys: right before the
 * request, the guest must still be stopped; -1 (PXE_REFUSED_RISK) when
 * it runs now. */
int mutate_recheck_stopped(struct px_client *c, const struct gate_req *r,
    struct px_err *e);

/* ---- snapshots as a tree ---- */

/* A snapshot in tree order; "current" (where the guest is) included. */
struct mutate_snap {
	struct pve_snapshot s;
	int depth;		/* 0 for a root */
	int current;		/* the row of "current" */
};

/*
 * The snapshots of g in tree order (depth-first, siblings by time, a
 * snapshot whose parent is missing is a root), with a row "current"
 * under the snapshot the guest is on.  *out is malloc'd (free()).
 */
int mutate_snapshots(struct px_client *c, const struct pve_guest *g,
    struct mutate_snap **out, int *n, struct px_err *e);
/* The same from an already parsed answer (tests). */
int mutate_snapshots_parse(const struct json *j, int arr,
    struct mutate_snap **out, int *n, struct px_err *e);

/* ---- progress in task logs ---- */

struct mutate_progress {
	double percent;		/* 0..100, -1 unknown */
	uint64_t transferred;	/* bytes, 0 unknown */
	uint64_t total;		/* bytes, 0 unknown */
	double speed;		/* bytes/s, -1 unknown */
};

/*
 * Progress in one task log line, as PVE writes them:
 *   "migration active, transferred 1.2 GiB of 4.0 GiB VM-state, 120.5 MiB/s"
 *   "drive-scsi0: transferred 1.0 GiB of 32.0 GiB (3.12%) in 9s"
 *   "transferred 3.2 GiB of 32.0 GiB (10.00%)"
 *   "migration status: active (transferred 123, remaining 456), total
 *    789)" (older qemu-server, bytes)
 *   "INFO:  45% (14.4 GiB of 32.0 GiB) in 1m, read: ..." (vzdump)
 *   "INFO: status: 45% (...)", "migration status: completed",
 *   "progress 45%", "(45.00/100%)"
 * Returns 1 and fills p when the line tells progress, else 0.  Pure: no
 * I/O (tests/unit/mutate.c).
 */
int mutate_progress_parse(const char *line, struct mutate_progress *p);
/* "1.2 GiB", "512 MiB", "7B" -> bytes; -1 when not a size. *end gets the
 * first character after it. */
double mutate_parse_size(const char *s, const char **end);

#endif
