/*
 * cast.h -- terminal sessions as asciinema cast files (format v2): a JSON
 * header line ({"version":2,"width":..,"height":..,"timestamp":..,
 * "env":{...}}) and one JSON array per event, [seconds, "o", "text"]
 * (output), "i" (input) or "r" ("COLSxROWS", a resize).
 *
 * Written 0600, by default under the data dir's casts/; read back for
 * px cast play and list.  Never prints.
 */
#ifndef PX_CAST_H
#define PX_CAST_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"

#define CAST_READ_CAP	(64u << 20)	/* a larger cast is not read */

struct cast;

/* The header of a new cast. */
struct cast_head {
	int width, height;
	time_t timestamp;
	const char *term;	/* $TERM, or NULL */
	const char *shell;	/* $SHELL, or NULL */
	const char *title;	/* "VM 100 (web-01) on pve1", or NULL */
};

/* The default path of a new cast: DATADIR/casts/NAME-YYYYmmddTHHMMSS.cast
 * (casts/ is made 0700).  Allocated, or NULL with e. */
char *cast_default_path(const char *name, time_t when, struct px_err *e);
/* The casts directory (DATADIR/casts), allocated, or NULL with e; it is
 * not created. */
char *cast_dir(struct px_err *e);
/* Create path (0600; an existing file is refused) and write the header.
 * NULL with e. */
struct cast *cast_open(const char *path, const struct cast_head *h,
    struct px_err *e);
/* Append an event at t seconds since the start: type 'o', 'i' or 'r'.
 * Bytes of a UTF-8 sequence cut at the end of data are held for the next
 * event of the same type; bytes that are not UTF-8 become U+FFFD.  0 or
 * -1 with e (the cast is then closed for good: later events are
 * dropped). */
int cast_event(struct cast *c, double t, char type, const void *data,
    size_t n, struct px_err *e);
/* Flush held bytes, close and free c; 0 or -1 with e (NULL is a no-op). */
int cast_close(struct cast *c, struct px_err *e);

/* What a cast's header and events say. */
struct cast_info {
	int version, width, height;
	long long timestamp;	/* 0 when absent */
	double duration;	/* the last event's time */
	long long events;
	char title[128];	/* sanitized; "" when absent */
};

/* Called for each event of a cast: type "o", "i", "r", "m" ...; data
 * (unescaped, dn bytes).  Nonzero stops the reading (cast_parse returns
 * it). */
typedef int (*cast_event_fn)(void *arg, double t, const char *type,
    const char *data, size_t dn);

/*
 * Parse the text of a cast: info from the header and the events (fn may
 * be NULL).  -1 with e (PXE_PARSE, with the line number) for a header
 * that is not a v2 cast header, an event that is not [number, string,
 * string], or times that go backwards; else 0 or what fn returned.
 */
int cast_parse(const char *text, size_t n, struct cast_info *info,
    cast_event_fn fn, void *arg, struct px_err *e);
/* Read path (at most CAST_READ_CAP bytes) into b; 0 or -1 with e. */
int cast_read(const char *path, struct buf *b, struct px_err *e);

#endif
