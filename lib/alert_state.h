/*
 * alert_state.h -- what turns the findings of one evaluation into
 * events, kept in daemon.db so that a restart neither forgets a pending
 * "for", nor fires again what fired, nor loses a message not delivered.
 *
 * Per rule and object: first seen (pending) -> held for the rule's "for"
 * (firing: a "firing" event) -> every "repeat" while it holds (a
 * "repeat" event) -> gone (a "resolved" event when the rule says
 * resolved = yes; the episode moves to the history).  Gone while
 * pending: forgotten.  A rule whose data could not be read keeps its
 * state.  Each event is queued once per route in an outbox; delivery
 * (alert_route.h) marks it sent, or failed to be tried again.
 */
#ifndef PX_ALERT_STATE_H
#define PX_ALERT_STATE_H

#include <sqlite3.h>

#include "alert.h"

/* One row of the outbox, or of px alerts list. */
struct alert_event {
	long long id;		/* outbox id */
	char event[16];		/* firing, repeat, resolved, test */
	char rule[64];
	char kind[32];		/* the rule's when */
	char key[192];
	char severity[16];
	char summary[384];
	long long since;	/* first seen */
	long long at;		/* when the event happened */
	char route[512];
	int tries;
};

/* Create the tables in db (once per open).  -1 with e. */
int alert_state_init(sqlite3 *db, struct px_err *e);

/*
 * Compare the findings (f, nf) of the rules (r, n; ok[i] 0: rule i was
 * not judged) with the state at time now, move the state on and queue
 * the events in the outbox, in one transaction.  *fired (may be NULL)
 * gets the number of objects firing after this evaluation.  0 or -1
 * with e (nothing changed).
 */
int alert_state_eval(sqlite3 *db, const struct alert_rule *r, int n,
    const int *ok, const struct alert_finding *f, int nf, long long now,
    int *fired, struct px_err *e);

/* The outbox rows not delivered yet whose next try is due at now, oldest
 * first, at most max.  *out malloc'd. */
int alert_outbox_due(sqlite3 *db, long long now, int max,
    struct alert_event **out, int *n, struct px_err *e);
/* Mark an outbox row delivered (err NULL) or failed (tried again after
 * a backoff, given up after 24 h).  -1 with e. */
int alert_outbox_mark(sqlite3 *db, long long id, long long now,
    const char *err, struct px_err *e);

/* State for px alerts list: the objects pending or firing, then the
 * resolved ones of the history (newest first, at most recent); cb gets
 * each with state "pending", "firing" or "resolved" and, for resolved
 * ones, ended.  -1 with e. */
int alert_state_each(sqlite3 *db, int recent,
    int (*cb)(void *arg, const char *state, const struct alert_event *ev,
    long long ended), void *arg, struct px_err *e);

#endif
