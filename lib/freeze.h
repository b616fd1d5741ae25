/*
 * freeze.h -- incident freezes: while a freeze holds for a profile (or for
 * all profiles), every mutation on it is refused (exit 8).
 *
 * The freezes live in the data dir (freeze.json, written atomically,
 * 0600) and expire by themselves at their TTL.
 */
#ifndef PX_FREEZE_H
#define PX_FREEZE_H

#include "err.h"

struct freeze {
	char scope[64];		/* a profile name, or "*" for all */
	char reason[256];
	char by[128];		/* user@host who froze */
	long long since, until;	/* epoch seconds; until 0: no expiry */
};

/* The freeze in force for profile (its own or "*"), if any: 1 and *f set,
 * 0 when none (expired ones are ignored), -1 with e set. */
int freeze_get(const char *profile, struct freeze *f, struct px_err *e);
/* Every freeze in force; *out malloc'd. */
int freeze_list(struct freeze **out, int *n, struct px_err *e);
/* Freeze scope ("*" for all) for ttl seconds (0: until thawed). */
int freeze_set(const char *scope, const char *reason, long long ttl,
    struct px_err *e);
/* Thaw scope; 0 if it was frozen, 1 if it was not, -1 on error. */
int freeze_clear(const char *scope, struct px_err *e);
/* "user@host" of the person running px (for audit and freezes). */
const char *px_whoami(void);

/* Parse a duration: a number of seconds ("90"), or numbers with units
 * s, m, h, d, w, one after the other ("30m", "4h", "1h30m", "2d").  0 and
 * *secs set, or -1 when malformed or over ten years. */
int px_parse_duration(const char *s, long long *secs);

#endif
