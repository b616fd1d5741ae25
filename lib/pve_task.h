/*
 * pve_task.h -- task logs and the task follower that mutation
 * commands reuse (pve_task_follow, pve_task_wait); the task objects
 * themselves are in pve.h.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_TASK_H
#define PX_PVE_TASK_H

#include "pve.h"

/* One line of a task log; t is malloc'd and sanitized (no control
 * characters). */
struct pve_log_line {
	long long n;
	char *t;
};
int pve_task_log_parse(const struct json *j, int arr,
    struct pve_log_line **out, int *n, struct px_err *e);
void pve_log_free(struct pve_log_line *v, int n);

/* The task a mutating call answered with: its data is the task's UPID
 * ("UPID:..."), else the call ran at once (null, an object, another
 * string).  Copies the UPID, sanitized and truncated, into upid (n
 * bytes) and returns 1; 0 with upid "" when the answer is no task. */
int pve_task_upid_parse(const struct json *j, int t, char *upid, size_t n);

/* The node a UPID runs on, encoded, as "/nodes/NODE/tasks/UPID" into b;
 * -1 (PXE_USAGE) when upid is not a UPID. */
int pve_task_path(struct buf *b, const char *upid, struct px_err *e);

/*
 * The whole log of a task from line start on, paged with start/limit
 * (PVE returns 50 lines when no limit is given), at most max lines (0:
 * no cap beyond the built-in 1,000,000).  *out is malloc'd (free with
 * pve_log_free).
 */
int pve_task_log(struct px_client *c, const char *upid, long long start,
    long long max, struct pve_log_line **out, int *n, struct px_err *e);
/*
 * pve_task_log, bounded against a server whose log does not end: it
 * stops at a page shorter than asked, and when a page repeats lines
 * already read, after 64 MiB of text or 201 requests.  When it stopped
 * for one of the last three, cut (never NULL) says why (too-large or
 * parse) and *out holds the lines read up to there; else cut->id is
 * PXE_OK.  pve_task_log passes cut on as a px_notice.
 */
int pve_task_log_read(struct px_client *c, const char *upid,
    long long start, long long max, struct pve_log_line **out, int *n,
    struct px_err *cut, struct px_err *e);

/*
 * Follow a task until it stops: poll its status every interval seconds
 * (backing off to 2 s); when line is not NULL, also read the new lines of
 * its log and pass each to line(arg, l) as it arrives, and the last ones
 * after it stopped.  progress (may be NULL) is called after every poll
 * with the current status and the seconds waited.  timeout <= 0 waits
 * forever.
 *
 * Returns 0 when the task ended OK.  Otherwise -1 with e set:
 * PXE_TASK_FAILED (the message holds the task's exit status, e.g.
 * "VM 100 already running") or PXE_TIMEOUT when timeout passed first
 * (the task goes on); or -2 with the error of a request for its status
 * or log: the task's end is not known.  final (may be NULL) gets the
 * last status seen.
 */
int pve_task_follow(struct px_client *c, const char *upid, double timeout,
    double interval,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void (*line)(void *arg, const struct pve_log_line *l), void *arg,
    struct pve_task *final, struct px_err *e);
/* pve_task_follow without the log and with the default interval. */
int pve_task_wait(struct px_client *c, const char *upid, double timeout,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void *arg, struct pve_task *final, struct px_err *e);

#endif
