/*
 * pve_cond.h -- what users type to select by time and state: --since
 * times, durations, and the conditions of px watch.
 */
#ifndef PX_PVE_COND_H
#define PX_PVE_COND_H

#include <stdint.h>

#include "err.h"

/* ---- times and durations ---- */

/*
 * A point in time for --since: epoch seconds ("1700000000"), an age
 * ("90s", "30m", "2h", "7d", "1w") counted back from now, or a local date
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (also with a 'T').  -1
 * (PXE_USAGE) when unreadable.
 */
int pve_parse_since(const char *s, long long now, long long *out,
    struct px_err *e);
/* Seconds from "30", "30s", "5m", "2h", "1d", "0.5"; -1 when invalid. */
double pve_parse_seconds(const char *s);

/* ---- conditions for watch ---- */

enum pve_cond_op { PVE_EQ, PVE_NE, PVE_LT, PVE_LE, PVE_GT, PVE_GE };

/*
 * "key OP value": OP is = (or ==), !=, <, <=, >, >=.  Numeric keys (cpu,
 * mem, disk, uptime, maxmem, maxdisk, maxcpu) take numbers with units: a
 * percentage ("50%": cpu as a share of its CPUs, mem and disk of their
 * maximum), bytes with K/M/G/T (powers of 1024, optional "iB"/"B"), or
 * seconds with s/m/h/d for uptime; text keys (status, name, lock, ha,
 * node, tags) compare as text (= and != only; tags: contains the tag).
 */
struct pve_cond {
	char key[16];
	enum pve_cond_op op;
	char text[128];		/* text keys */
	double num;		/* numeric keys, in the key's unit */
	int pct;		/* num is a fraction of the maximum */
};
int pve_cond_parse(const char *s, struct pve_cond *c, struct px_err *e);

/* What a condition is evaluated against: a guest or a node. */
struct pve_sample {
	const char *status, *name, *lock, *ha, *node, *tags;
	double cpu;		/* 0..1 of maxcpu */
	double maxcpu;
	uint64_t mem, maxmem, disk, maxdisk;
	long long uptime;
};
/* 1 when c holds for s, 0 when not. */
int pve_cond_eval(const struct pve_cond *c, const struct pve_sample *s);

#endif
