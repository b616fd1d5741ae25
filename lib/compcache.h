/*
 * compcache.h -- the values shell completion offers that only a server
 * knows (node names, VMIDs), remembered from px's own reads so that
 * completing never makes a network call: px ls nodes and px ls guests
 * leave what they listed in $XDG_DATA_HOME/px/complete/PROFILE.KIND
 * (0600, one "VALUE<TAB>DESCRIPTION" a line), and px completion values
 * reads it back while it is younger than COMPCACHE_TTL.
 */
#ifndef PX_COMPCACHE_H
#define PX_COMPCACHE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* How long a cached list is offered, in seconds. */
#define COMPCACHE_TTL	3600
/* A list younger than this is not written again (a read in a loop costs
 * no file write each time). */
#define COMPCACHE_FRESH	30

/* Is kind one the cache keeps ("node", "vmid")?  1 or 0. */
int compcache_kind(const char *kind);

/*
 * Remember lines (n bytes of "VALUE\tDESCRIPTION\n" lines) as the kind
 * list of profile: written to a temporary file and renamed (no fsync:
 * a cache), unless the one there is younger than COMPCACHE_FRESH.  A
 * profile name that is not a plain file name is not cached.  0, or -1
 * with e (callers ignore it: completion is a convenience).
 */
int compcache_put(const char *profile, const char *kind, const char *lines,
    size_t n, struct px_err *e);

/*
 * The kind list of profile into b (appended), when the file is there,
 * safe (fsafe.h) and younger than COMPCACHE_TTL seconds at now.  1 when
 * it was, 0 when there is none (or it is stale), -1 with e.
 */
int compcache_get(const char *profile, const char *kind, long long now,
    struct buf *b, struct px_err *e);

#endif
