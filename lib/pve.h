/*
 * pve.h -- typed access to the PVE API.  Commands call these and never
 * walk raw JSON: objects are parsed once here into structs with typed
 * fields, accepting PVE's quirks (numbers as strings, 0/1 booleans,
 * fields missing for stopped guests).
 */
#ifndef PX_PVE_H
#define PX_PVE_H

#include <stdint.h>

#include "http.h"
#include "json.h"

/* A parsed answer: the body, its tokens and the "data" token. */
struct px_reply {
	struct buf body;
	struct json j;
	int data;	/* token of "data", -1 if absent or null */
};

/* Parse the envelope of a finished call (k->rc == 0) into r; the body
 * moves into r.  PXE_PARSE when it is not JSON or has no "data". */
int px_reply_take(struct px_call *k, struct px_reply *r, struct px_err *e);
/* GET path (printf-style, segments encoded) and parse it. */
int pve_get(struct px_client *c, struct px_reply *r, struct px_err *e,
    const char *pathfmt, ...) __attribute__((format(printf, 4, 5)));
void px_reply_free(struct px_reply *r);

struct pve_version {
	char version[32];	/* "9.1.1" */
	char release[16];	/* "9.1" */
	char repoid[32];
};
int pve_version_get(struct px_client *c, struct pve_version *v,
    struct px_err *e);

#endif
