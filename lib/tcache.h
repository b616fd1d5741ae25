/*
 * tcache.h -- the time-travel cache: what each pxtop refresh saw.
 *
 * One SQLite file per profile, $DATA/cache/PROFILE.db (0600, in a 0700
 * directory), holds refreshes: the nodes, guests, storage and tasks lists
 * of one moment.  pxtop records every refresh; pxtop's [ ] { } keys and
 * px replay read them back.
 *
 * Representation: a refresh is a row of "refresh" (its epoch) and one
 * "part" per list it saw, pointing at a "blob": the rows of the list in
 * a compact binary form (varints and length-prefixed strings, field by
 * field, see tcache.c).  Blobs are content-addressed (SHA-256): a list
 * that did not change since an earlier refresh (storage, tasks, a quiet
 * cluster) costs one part row, not another copy.  A record is one
 * transaction of prepared statements.
 *
 * Bounds ([cache] in px.conf): keep (default 7d) drops refreshes older
 * than that; over max_size (default 200M), older refreshes are thinned
 * (one a minute past an hour old, then coarser), then the oldest
 * dropped, until the file's used pages fit; the freed pages go back to
 * the file system (auto_vacuum incremental), so the file and its WAL
 * stay under max_size.
 *
 * A file that is not a px cache (another application_id, a newer schema)
 * or not a database at all is refused with PXE_IO naming the file and
 * what to do; a blob that does not decode is PXE_PARSE.  Nothing here
 * prints.
 */
#ifndef PX_TCACHE_H
#define PX_TCACHE_H

#include "conf.h"
#include "err.h"
#include "pve.h"

/* The lists of a refresh (bits of have). */
enum {
	TC_NODES = 1, TC_GUESTS = 2, TC_STORAGE = 4, TC_TASKS = 8,
	TC_ALL = 15
};

/* What one refresh saw.  Lists are malloc'd when read (tcache_frame_free
 * frees them); when recording, they belong to the caller. */
struct tcache_frame {
	long long time;		/* epoch of the refresh */
	unsigned have;		/* TC_* bits of the lists it holds */
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	struct pve_storage *storages;
	int nstorages;
	struct pve_task *tasks;
	int ntasks;
	/* when read: the epoch each list was recorded at (a refresh that
	 * missed a list gets the one before it), 0 if none */
	long long at[4];
};

/* The bounds of a cache. */
struct tcache_limits {
	long long keep;		/* seconds; default 7 days */
	long long max_size;	/* bytes; default 200 MiB */
};

struct tcache;

/* The [cache] section of c (NULL: the defaults): keep = DURATION ("7d",
 * "12h"), max_size = SIZE ("200M", "1G", bytes).  An unknown key or a
 * bad value is PXE_CONFIG naming file, section and key. */
int tcache_limits(const struct px_conf *c, struct tcache_limits *l,
    struct px_err *e);
/* The cache file of profile into buf: $DATA/cache/NAME.db, bytes of the
 * name other than [A-Za-z0-9_-] (and a leading '.') as %XX.  Creates the
 * directory (0700).  0, or -1 with e set. */
int tcache_path(const char *profile, char *buf, size_t n, struct px_err *e);
/* Open (create 0600 when create is 1) the cache at path.  A missing file
 * without create is PXE_NOT_FOUND ("nothing recorded yet").  Returns the
 * handle (tcache_close) or NULL with e set. */
struct tcache *tcache_open(const char *path, const struct tcache_limits *l,
    int create, struct px_err *e);
void tcache_close(struct tcache *tc);

/* Record f (the lists of f->have) in one transaction, then prune by age
 * (relative to f->time) and size.  0, or -1 with e set. */
int tcache_record(struct tcache *tc, const struct tcache_frame *f,
    struct px_err *e);
/* Drop refreshes older than now - keep, then the oldest until the used
 * size fits max_size; give the freed pages back.  0 or -1. */
int tcache_prune(struct tcache *tc, long long now, struct px_err *e);

/* The newest refresh at or before at into f (each list: the newest
 * recorded at or before the refresh's time).  0; 1 when there is none at
 * or before at (f zeroed); -1 with e set. */
int tcache_read(struct tcache *tc, long long at, struct tcache_frame *f,
    struct px_err *e);
/* Free the lists of f and zero it. */
void tcache_frame_free(struct tcache_frame *f);

/*
 * A step from the refresh at from: dir -1 the newest refresh before
 * from - span, dir +1 the oldest after from + span (span 0: the next
 * refresh either way; with span > 0 and nothing that far, the farthest
 * one in that direction).  0 and *to set; 1 when there is none in that
 * direction; -1 with e set.
 */
int tcache_step(struct tcache *tc, long long from, int dir, long long span,
    long long *to, struct px_err *e);
/* The oldest and newest refresh and how many there are (0 when empty). */
int tcache_span(struct tcache *tc, long long *oldest, long long *newest,
    long long *count, struct px_err *e);
/* The bytes the cache uses (pages in use, not the free ones). */
long long tcache_used(struct tcache *tc);

/* Encode n rows of a list (TC_NODES ...) into a malloc'd blob *out of
 * *len bytes; decode it back (rows malloc'd, -1 PXE_PARSE on anything
 * malformed or oversized).  For the tests and the bench. */
void tcache_encode(unsigned kind, const void *rows, int n, unsigned char
    **out, size_t *len);
int tcache_decode(unsigned kind, const unsigned char *p, size_t len,
    void **rows, int *n, struct px_err *e);

/* A TIME operand: ISO 8601 ("2026-12-05T14:30:00Z", "...+02:00", also
 * without the zone as local time, "2026-12-05 14:30"), an epoch, "now",
 * or relative to now: "-2h", "2h" (ago), "-1d12h".  0 and *epoch, or -1. */
int tcache_parse_time(const char *s, long long now, long long *epoch);

#endif
