/*
 * risk.h -- the pre-flight risk check: findings per guest and operation,
 * from live data (status/current, config, HA state, snapshots, backups,
 * RRD, the guest agent).
 *
 *   Locked              Severe
 *   HaManaged           Severe for stop and delete, else Warning
 *                       (none for evacuate: it moves them through HA)
 *   DestroysVolume      Severe for unlink-destroy (px unlink --force)
 *   Running             Severe for delete
 *   LongUptime >= 14 d  Notice
 *   TaggedProd          Warning (tags prod, production, prd, critical, live)
 *   ActiveNetTraffic    Warning
 *   HasManySnapshots    Warning (> 5, on delete)
 *   NoRecentBackup      Warning (newest older than 24 h, on delete)
 *   NoBackupFound       Notice (on delete)
 *   ListeningOnService  Warning (the agent sees a well-known port listening)
 *   BulkCount           Warning for 10+, Severe for 50+ guests
 *
 * Any Severe finding refuses the operation (exit 6) unless --allow-risk.
 */
#ifndef PX_RISK_H
#define PX_RISK_H

#include <stdio.h>

#include "http.h"
#include "pve.h"

enum risk_level { RISK_NOTICE = 1, RISK_WARNING, RISK_SEVERE };

struct risk_finding {
	char check[32];		/* Locked, HaManaged, ... */
	enum risk_level level;
	char detail[160];
};

struct risk_report {
	struct risk_finding f[16];
	int n;
	enum risk_level worst;	/* 0 when no finding */
};

/* Check op ("stop", "delete", ...) on guest g, with batch guests in the
 * same operation.  Network errors while gathering are findings of their
 * own (Notice), never a crash. */
int risk_check(struct px_client *c, const struct pve_guest *g,
    const char *op, int batch, struct risk_report *r, struct px_err *e);
/* Only the batch-size finding (for operations without a guest). */
void risk_bulk(int batch, struct risk_report *r);
/* The same for batch objects that are not guests (what: "objects"). */
void risk_bulk_of(int batch, const char *what, struct risk_report *r);
/* A Severe finding from outside risk_check (a precondition that will
 * refuse), put first: where there is no room, it takes the last
 * finding's place. */
void risk_add_severe(struct risk_report *r, const char *check,
    const char *detail);
/* A finding (the objects' pre-flight checks, lib/pve_objrisk.c): detail
 * is formatted and sanitized; a Severe one finds room. */
void risk_add(struct risk_report *r, const char *check, enum risk_level l,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *risk_level_name(enum risk_level l);
/* Print the report to f, one finding per line, prefixed. */
void risk_print(const struct risk_report *r, const char *what, FILE *f);

#endif
