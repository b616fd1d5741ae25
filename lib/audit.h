/*
 * audit.h -- the tamper-evident audit log of every mutation px decides
 * on, refused or performed.
 *
 * SQLite (audit.db in the data dir, WAL, mode 0600).  Each row carries
 * HMAC-SHA256 (BearSSL) over its canonical encoding and the previous
 * row's MAC; the key is 32 random bytes in audit.key (0600).  A signed
 * head record (the last id, its MAC and the row count, MACed) lets verify
 * detect a truncated tail as well as edited or deleted rows.  A db or key
 * that group or others can read is refused (PXE_SECRET_PERMS).
 */
#ifndef PX_AUDIT_H
#define PX_AUDIT_H

#include "err.h"

struct audit;

/* One entry.  Strings may be NULL.  params must already be redacted
 * (audit_redact). */
struct audit_entry {
	long long id;		/* set by audit_append */
	long long time;		/* epoch seconds; 0: now */
	const char *profile;
	const char *user;	/* who ran px: $USER@host, and the API identity */
	const char *action;	/* start, stop, delete, freeze, ... */
	const char *target;	/* "vm/100", "node/pve1", "profile/sim" */
	const char *params;	/* method path form, redacted */
	const char *decision;	/* allowed, dry-run, refused-read-only,
				   refused-frozen, refused-risk,
				   refused-hitl, result */
	const char *upid;
	const char *result;	/* OK, the error text, or "pending" */
	long long ref;		/* for result rows: the id of the intent row */
};

/* Open (creating) the log in the data dir.  NULL with e set. */
struct audit *audit_open(struct px_err *e);
/* Open a given db and key file (tests, export). */
struct audit *audit_open_at(const char *db, const char *key, struct px_err *e);
void audit_close(struct audit *a);
/* Append an entry; sets ent->id.  -1 with e set. */
int audit_append(struct audit *a, struct audit_entry *ent, struct px_err *e);

/* Read entries (oldest first) with time >= since (0: any); limit 0:
 * all; with limit, the newest `limit` entries.  cb returns nonzero to
 * stop.  The strings in *ent live until cb returns. */
int audit_each(struct audit *a, long long since, long long limit,
    int (*cb)(const struct audit_entry *ent, void *arg), void *arg,
    struct px_err *e);

/* Verify the whole chain and the head.  Returns 0 when intact; 1 when
 * broken with *bad_id the first broken row (0 for a head problem) and
 * why filled; -1 with e set when it cannot be read. */
int audit_verify(struct audit *a, long long *rows, long long *bad_id,
    char *why, size_t whylen, struct px_err *e);
/* audit_verify reads rows on one thread and checks their MACs on a
 * second, handing them over in batches of this many rows (4,096, the
 * most; 0 for that) or 1 MiB of their text: tests cross many batches
 * with a few rows. */
void audit_verify_batch(int rows);

/* Copy form (x-www-form-urlencoded) into out with the values of secret
 * keys (password, secret, token, key, ...) replaced by "REDACTED". */
void audit_redact(const char *form, char *out, size_t n);
/* The same, also redacting the parameters named in the comma list
 * extra (NULL: none). */
void audit_redact_keys(const char *form, const char *extra, char *out,
    size_t n);

/* Parse a --since value into epoch seconds: an epoch ("1764350000"), a
 * local date or time ("2026-11-28", "2026-11-28 17:30[:00]", also with a
 * 'T'), or a duration meaning that long before now ("2h", "3d"; see
 * px_parse_duration).  0 and *epoch set, or -1 when malformed. */
int audit_parse_since(const char *s, long long now, long long *epoch);

#endif
