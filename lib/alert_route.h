/*
 * alert_route.h -- delivering an alert event to one route:
 *
 *   telegram         a message to [telegram] chat_id (lib/hitl.h)
 *   ntfy:TOPIC[@URL] a JSON publish to URL (default [daemon] ntfy_server,
 *                    else https://ntfy.sh) with the token of [daemon]
 *                    ntfy_token_file (0600) as a bearer, when set
 *   webhook:URL      POST of the event as JSON (alert_event_json)
 *   exec:PROGRAM     PROGRAM run with no arguments, a fixed environment
 *                    (PX_ALERT_*) and the JSON on its standard input;
 *                    killed after 30 s; exit 0 is delivered
 *
 * Nothing is printed; no secret is in an error.
 */
#ifndef PX_ALERT_ROUTE_H
#define PX_ALERT_ROUTE_H

#include "alert_state.h"
#include "buf.h"
#include "conf.h"

/* The event as JSON, one object (pxalerts.1 documents the fields). */
void alert_event_json(const struct alert_event *ev, struct buf *b);
/* One line for a person: "[FIRING critical] disk-full: storage ..." */
void alert_event_text(const struct alert_event *ev, struct buf *b);
/* Deliver ev to ev->route.  0, or -1 with e. */
int alert_route_send(const struct px_conf *c, const struct alert_event *ev,
    struct px_err *e);

/*
 * Deliver every outbox event due at now (at most 100), marking each
 * delivered or failed; fn (may be NULL) hears of each, with err NULL on
 * success.  -1 with e when the outbox cannot be read.
 */
int alert_deliver_due(const struct px_conf *c, sqlite3 *db, long long now,
    void (*fn)(void *arg, const struct alert_event *ev,
    const struct px_err *err), void *arg, struct px_err *e);

/* What one evaluation did. */
struct alert_cycle {
	int rules;		/* rules evaluated */
	int unjudged;		/* rules whose data could not be read */
	int findings;		/* objects for which a condition holds */
	int firing;		/* objects firing after it */
	struct px_err why;	/* the first read failure, when unjudged */
};

/*
 * One evaluation of the n rules at now: read the cluster through cl
 * (alert_collect), move the state on (alert_state_eval), deliver what is
 * due (alert_deliver_due, fn as there).  0 with *res, or -1 with e when
 * nothing could be read or the state not written.
 */
int alert_cycle_run(const struct px_conf *c, struct px_client *cl,
    sqlite3 *db, const struct alert_rule *r, int n, long long now,
    struct alert_cycle *res,
    void (*fn)(void *arg, const struct alert_event *ev,
    const struct px_err *err), void *arg, struct px_err *e);

#endif
