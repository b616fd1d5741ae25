/*
 * pve_notify.h -- what PVE takes in the notification system's and its
 * neighbours' (metric servers, ACME) parameters: pure checks, so that a
 * malformed value is refused before anything is sent.
 */
#ifndef PX_PVE_NOTIFY_H
#define PX_PVE_NOTIFY_H

/* A pve-configid: a letter, then letters, digits, '-' and '_' (at least
 * two characters in all, at most 64). */
int pve_notify_valid_name(const char *s);
/* A comma-separated list of info, notice, warning, error, unknown. */
int pve_notify_valid_severity(const char *s);
/* A match-field: [exact:|regex:]field=value, field not empty. */
int pve_notify_valid_field(const char *s);

/*
 * The rows of the notification system's lists, parsed once from PVE's
 * answers.  Strings are sanitized (no control characters) and cut to
 * their buffers on a character boundary; a row that is no object or
 * has no name is dropped and reported (px_drop).  Each parser returns
 * a calloc'd array with one zeroed row more (free()) in *out, its
 * length in *n, and PXE_PARSE, naming the list, when arr is not an
 * array.  Booleans are 1, 0, or -1 when PVE left them out.
 */
#include "err.h"
#include "json.h"

/* One of GET /cluster/notifications/targets. */
struct pve_notify_target {
	char name[128];
	char type[32];		/* sendmail, smtp, gotify, webhook */
	int disable;
	char origin[32];	/* builtin, user-created, modified-builtin */
	char comment[512];
};

int pve_notify_targets_parse(const struct json *j, int arr,
    struct pve_notify_target **out, int *n, struct px_err *e);

/* One of GET /cluster/notifications/endpoints/TYPE. */
struct pve_notify_endpoint {
	char name[128];
	int disable;
	char origin[32];
	char comment[512];
	/* where it sends: sendmail, smtp: mailto and mailto-user joined
	 * by commas (a list too long ends in ",..."); gotify: server;
	 * webhook: url */
	char to[1024];
};

/* The endpoints of type (sendmail, smtp, gotify, webhook; another type
 * has no "to"). */
int pve_notify_endpoints_parse(const struct json *j, int arr,
    const char *type, struct pve_notify_endpoint **out, int *n,
    struct px_err *e);

/* One of GET /cluster/notifications/matchers.  Its lists (target,
 * match-severity, match-field, match-calendar) are kept as compact JSON
 * arrays of strings (["a","b"]), as px has always shown them: a string
 * PVE sent instead is kept as it is, an item that is no string is
 * "?", and a list too long for its buffer is "". */
struct pve_notify_matcher {
	char name[128];
	char target[1024];
	char mode[16];		/* all, any */
	char severity[256];
	char field[1024];
	char calendar[512];
	int invert, disable;
	char origin[32];
	char comment[512];
};

int pve_notify_matchers_parse(const struct json *j, int arr,
    struct pve_notify_matcher **out, int *n, struct px_err *e);

#endif
