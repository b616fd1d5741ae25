/* pbs_cmd.h -- what the files of px pbs share (pbs.c, pbs_write.c). */
#ifndef PX_PBS_CMD_H
#define PX_PBS_CMD_H

#include <stdarg.h>

#include "mutcli.h"
#include "pbs.h"

enum { O_STORE = PX_O_LONG, O_TYPE, O_ID, O_NS, O_GROUP, O_SET,
	O_KEEP_LAST, O_KEEP_HOURLY, O_KEEP_DAILY, O_KEEP_WEEKLY,
	O_KEEP_MONTHLY, O_KEEP_YEARLY, O_RUNNING, O_ERRORS, O_PATTERN, O_TAR };

#define PF_COLS(a)	((int)(sizeof(a) / sizeof((a)[0])))

struct pbs_cmd {
	struct mutcli m;
	const char *store, *type, *id, *ns, *group, *output, *set;
	const char *pattern;	/* restore --pattern */
	long long keep[6];	/* last hourly daily weekly monthly yearly */
	int nkeep;
	int running, errors;
	int tar;		/* get: a directory as PBS's .tar.zst */
};

/* Connect to the PBS profile (-p, $PX_PROFILE, the only one): exits on
 * failure. */
void pbs_connect(struct pbs_cmd *pc);
/* GET path (printf-style, encoded) into r, or print the error and exit. */
void pbs_get(struct pbs_cmd *pc, struct px_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The snapshot operand s, or exit 2. */
void pbs_snap_arg(const char *s, struct pbs_snapref *r);
void pbs_snap_query(struct buf *b, const struct pbs_snapref *r,
    const char *ns);
/* The changes: verify, prune, gc, protect, unprotect, forget, notes.
 * Returns the exit status, or -1 when argv is none of them. */
int pbs_write(struct pbs_cmd *pc, int argc, char **argv);

/* px pbs restore STORE SNAPSHOT ARCHIVE TARGET (pbs_restore.c): the
 * exit status. */
int pbs_restore(struct pbs_cmd *pc, const char *store, const char *snap,
    const char *archive, const char *target);

#endif
