/*
 * err.h -- the one error type of px.
 *
 * Library code never prints and never exits: it fills a struct px_err and
 * returns -1 (or NULL).  Only cmd/ decides to print (px_die, px_warn) and
 * which exit status to use (px_exit_code).  Every error id has an entry in
 * the table px_errtab, which is what `px explain` prints and what px(1)
 * EXIT STATUS documents.
 */
#ifndef PX_ERR_H
#define PX_ERR_H

#include <stddef.h>

/* Exit statuses: one table for every command (px(1) EXIT STATUS). */
enum px_exit {
	PX_EXIT_OK = 0,
	PX_EXIT_FAIL = 1,	/* failure, incl. a PVE task that ended in error */
	PX_EXIT_USAGE = 2,	/* usage error, drift found, partial batch failure */
	PX_EXIT_CONFIG = 3,	/* configuration error, unsafe secret or file */
	PX_EXIT_AUTH = 4,	/* 401/403 */
	PX_EXIT_NOTFOUND = 5,	/* 404, unknown VMID, node, storage */
	PX_EXIT_RISK = 6,	/* refused by the pre-flight risk check */
	PX_EXIT_UNAVAIL = 7,	/* 429/502/503/504/59x after retries, timeouts */
	PX_EXIT_REFUSED = 8,	/* read-only profile or incident freeze */
	PX_EXIT_HITL = 9,	/* human approval denied or timed out */
	PX_EXIT_TLS = 10,	/* TLS trust failure */
	PX_EXIT_UNKNOWN = 11,	/* a change was sent, its answer lost */
};

/* Error ids.  Keep in step with px_errtab in err.c (a unit test checks). */
enum px_errid {
	PXE_OK = 0,
	PXE_FAILURE,		/* "failure" */
	PXE_API,		/* "api": the server answered 4xx/5xx */
	PXE_TASK_FAILED,	/* "task-failed" */
	PXE_PARSE,		/* "parse": malformed JSON or response */
	PXE_TOO_LARGE,		/* "too-large": body over the cap */
	PXE_IO,			/* "io": a local file could not be read/written */
	PXE_USAGE,		/* "usage" */
	PXE_PARTIAL,		/* "partial": some items of a batch failed */
	PXE_DRIFT,		/* "drift" */
	PXE_CONFIG,		/* "config": missing/unreadable/invalid config */
	PXE_NO_PROFILE,		/* "unknown-profile" */
	PXE_SECRET_PERMS,	/* "unsafe-secret" */
	PXE_UNSAFE_FILE,	/* "unsafe-file": a trusted file others control */
	PXE_UNAUTHORIZED,	/* "unauthorized": 401 */
	PXE_FORBIDDEN,		/* "forbidden": 403 */
	PXE_NOT_FOUND,		/* "not-found": 404, unknown VMID/node/... */
	PXE_REFUSED_RISK,	/* "refused-risk" */
	PXE_RATE_LIMITED,	/* "rate-limited": 429 after retries */
	PXE_UNAVAILABLE,	/* "unavailable": 502/503/504/59x after retries */
	PXE_TIMEOUT,		/* "timeout" */
	PXE_TRANSPORT,		/* "transport": connect refused, DNS, reset */
	PXE_READ_ONLY,		/* "refused-read-only" */
	PXE_FROZEN,		/* "refused-frozen" */
	PXE_HITL_DENIED,	/* "refused-hitl" */
	PXE_HITL_TIMEOUT,	/* "hitl-timeout" */
	PXE_TLS,		/* "tls": handshake or certificate problem */
	PXE_TLS_MISMATCH,	/* "tls-mismatch": fingerprint differs */
	PXE_TLS_UNKNOWN,	/* "tls-unknown": untrusted certificate */
	PXE_OUTCOME_UNKNOWN,	/* "outcome-unknown": a write's answer lost */
	PXE_QUEUED,		/* "queued": not done yet, queued for approval
				   (exit 0) */
	PXE_NERR
};

struct px_err {
	enum px_errid id;
	int http;		/* HTTP status when the error came from one, else 0 */
	char msg[512];		/* what happened; never contains a secret */
	char hint[256];		/* what to do, or "" */
};

struct px_errinfo {
	enum px_errid id;
	const char *name;	/* stable id shown by `px explain` */
	int exit;		/* enum px_exit */
	const char *title;	/* one line */
	const char *causes;	/* common causes */
	const char *action;	/* what to do */
};

extern const struct px_errinfo px_errtab[];
extern const size_t px_nerrtab;

/* Set e (if not NULL) to id and a printf-style message; always returns -1
 * so that `return px_fail(e, ...)` reads naturally.  Clears the hint. */
int px_fail(struct px_err *e, enum px_errid id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set the hint of e (if not NULL). */
void px_hint(struct px_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix e->msg with a context string ("GET /nodes: ..."). */
void px_wrap(struct px_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reset e to PXE_OK. */
void px_err_clear(struct px_err *e);

/* The table entry for id (never NULL), by id or by name (NULL if unknown). */
const struct px_errinfo *px_errinfo(enum px_errid id);
const struct px_errinfo *px_errinfo_byname(const char *name);
/* The exit status for an error. */
int px_exit_code(const struct px_err *e);

/*
 * Notices: what the library has to tell a person without it being an
 * error (TLS verification off, a certificate trusted on first use, the
 * -v request log).  The library never prints them itself: px_notice
 * formats one and hands it to the function set by px_notice_set (the
 * command-support tier sets one that writes "px NAME: message" to
 * stderr); with none set, notices are dropped.
 */
void px_notice_set(void (*fn)(const char *msg));
void px_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Dropped rows: a list parser (lib/pve_*.c) that cannot read one row of
 * an answer keeps the others and hands px_drop where the rows came from
 * ("GET /nodes", else what the list is), the row's index in that array
 * (from 0, as .data[N]) and why ("vmid -1 is not a VMID").  Like a
 * notice it is never printed here: px_drop passes it to the function set
 * by px_drop_set (the command-support tier prints it and makes the
 * command exit 1); with none set it is only counted.  px_drops says how
 * many were dropped so far.  Safe to call from several threads.
 */
void px_drop_set(void (*fn)(const char *origin, int row, const char *why));
void px_drop(const char *origin, int row, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
long px_drops(void);

/* Allocation that cannot fail: on out-of-memory print and exit 1. */
void *px_xmalloc(size_t n);
void *px_xcalloc(size_t n, size_t size);
void *px_xrealloc(void *p, size_t n);
char *px_xstrdup(const char *s);
char *px_xstrndup(const char *s, size_t n);
char *px_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
