/* alert_state.c -- alert state and outbox in daemon.db (alert_state.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_state.h"
#include "daemon_db.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS alert_state ("
    " rule TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,"
    " severity TEXT NOT NULL, summary TEXT NOT NULL,"
    " since INTEGER NOT NULL, firing INTEGER NOT NULL DEFAULT 0,"
    " fired_at INTEGER, last_sent INTEGER, seen INTEGER NOT NULL,"
    " PRIMARY KEY (rule, key));"
    "CREATE TABLE IF NOT EXISTS alert_history ("
    " id INTEGER PRIMARY KEY, rule TEXT NOT NULL, key TEXT NOT NULL,"
    " kind TEXT NOT NULL, severity TEXT NOT NULL, summary TEXT NOT NULL,"
    " since INTEGER NOT NULL, fired_at INTEGER, resolved_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS alert_outbox ("
    " id INTEGER PRIMARY KEY, event TEXT NOT NULL, rule TEXT NOT NULL,"
    " kind TEXT NOT NULL, key TEXT NOT NULL, severity TEXT NOT NULL,"
    " summary TEXT NOT NULL, since INTEGER NOT NULL, at INTEGER NOT NULL,"
    " route TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0,"
    " next_try INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0,"
    " error TEXT);";

int
alert_state_init(sqlite3 *db, struct px_err *e)
{
	return daemon_db_exec(db, schema, e);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Queue ev for every route of r. */
static int
queue(sqlite3 *db, const struct alert_rule *r, const char *event,
    const char *key, const char *summary, long long since, long long now,
    struct px_err *e)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO alert_outbox (event, rule, "
	    "kind, key, severity, summary, since, at, route, next_try) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8)", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(db, "queue", e);
	for (int i = 0; i < r->nroutes && rc == 0; i++) {
		sqlite3_reset(st);
		bind_text(st, 1, event);
		bind_text(st, 2, r->name);
		bind_text(st, 3, alert_kinds[r->kind].name);
		bind_text(st, 4, key);
		bind_text(st, 5, r->severity);
		bind_text(st, 6, summary);
		sqlite3_bind_int64(st, 7, since);
		sqlite3_bind_int64(st, 8, now);
		bind_text(st, 9, r->routes[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = daemon_db_fail(db, "queue", e);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
rule_index(const struct alert_rule *r, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(r[i].name, name) == 0)
			return i;
	return -1;
}

/* The rows of rule ri not seen in this evaluation (seen != now): firing
 * ones resolve, pending ones are forgotten. */
static int
sweep(sqlite3 *db, const struct alert_rule *r, int n, const int *ok,
    long long now, struct px_err *e)
{
	sqlite3_stmt *st;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db, "SELECT rule, key, kind, severity, "
	    "summary, since, firing, fired_at FROM alert_state WHERE seen != "
	    "?1", -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "sweep", e);
	sqlite3_bind_int64(st, 1, now);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rule = (const char *)sqlite3_column_text(st, 0);
		const char *key = (const char *)sqlite3_column_text(st, 1);
		const char *summary = (const char *)sqlite3_column_text(st, 4);
		int ri = rule_index(r, n, rule), firing;
		char *q;

		if (ri >= 0 && !ok[ri])
			continue;	/* not judged: keep */
		firing = sqlite3_column_int(st, 6);
		if (firing) {
			q = sqlite3_mprintf("INSERT INTO alert_history (rule, "
			    "key, kind, severity, summary, since, fired_at, "
			    "resolved_at) VALUES (%Q, %Q, %Q, %Q, %Q, %lld, "
			    "%lld, %lld)", rule, key,
			    (const char *)sqlite3_column_text(st, 2),
			    (const char *)sqlite3_column_text(st, 3), summary,
			    (long long)sqlite3_column_int64(st, 5),
			    (long long)sqlite3_column_int64(st, 7), now);
			rc = daemon_db_exec(db, q, e);
			sqlite3_free(q);
			if (rc == 0 && ri >= 0 && r[ri].resolved)
				rc = queue(db, &r[ri], "resolved", key, summary,
				    sqlite3_column_int64(st, 5), now, e);
		}
		q = sqlite3_mprintf("DELETE FROM alert_state WHERE rule = %Q "
		    "AND key = %Q", rule, key);
		if (rc == 0)
			rc = daemon_db_exec(db, q, e);
		sqlite3_free(q);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
judge(sqlite3 *db, const struct alert_rule *r, const struct alert_finding *f,
    long long now, int *fired, struct px_err *e)
{
	sqlite3_stmt *st;
	long long since = now, last = 0;
	int have = 0, firing = 0, rc = 0;
	const char *event = NULL;
	char *q;

	if (sqlite3_prepare_v2(db, "SELECT since, firing, last_sent FROM "
	    "alert_state WHERE rule = ?1 AND key = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(db, "state", e);
	bind_text(st, 1, r->name);
	bind_text(st, 2, f->key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = 1;
		since = sqlite3_column_int64(st, 0);
		firing = sqlite3_column_int(st, 1);
		last = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (!firing && now - since >= r->for_s) {
		event = "firing";
		firing = 1;
		last = now;
	} else if (firing && r->repeat_s > 0 && now - last >= r->repeat_s) {
		event = "repeat";
		last = now;
	}
	*fired += firing;
	if (!have)
		q = sqlite3_mprintf("INSERT INTO alert_state (rule, key, kind, "
		    "severity, summary, since, firing, fired_at, last_sent, "
		    "seen) VALUES (%Q, %Q, %Q, %Q, %Q, %lld, %d, %s, %lld, "
		    "%lld)", r->name, f->key, alert_kinds[r->kind].name,
		    r->severity, f->summary, since, firing, firing ? "?" :
		    "NULL", last, now);
	else
		q = sqlite3_mprintf("UPDATE alert_state SET summary = %Q, "
		    "severity = %Q, firing = %d, last_sent = %lld, seen = %lld"
		    "%s WHERE rule = %Q AND key = %Q", f->summary, r->severity,
		    firing, last, now, event && strcmp(event, "firing") == 0 ?
		    ", fired_at = ?" : "", r->name, f->key);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(q);
		return daemon_db_fail(db, "state", e);
	}
	sqlite3_free(q);
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = daemon_db_fail(db, "state", e);
	sqlite3_finalize(st);
	if (rc == 0 && event)
		rc = queue(db, r, event, f->key, f->summary, since, now, e);
	return rc;
}

int
alert_state_eval(sqlite3 *db, const struct alert_rule *r, int n,
    const int *ok, const struct alert_finding *f, int nf, long long now,
    int *fired, struct px_err *e)
{
	int rc = 0, nfired = 0;

	if (daemon_db_exec(db, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	/* a clock that goes back must not keep rows "seen" in the future */
	if (daemon_db_exec(db, "UPDATE alert_state SET seen = -1", e) != 0)
		rc = -1;
	for (int i = 0; i < nf && rc == 0; i++)
		rc = judge(db, &r[f[i].rule], &f[i], now, &nfired, e);
	/* rows of rules not judged keep seen = -1 but are skipped by sweep;
	 * count what is firing among them too */
	if (rc == 0)
		rc = sweep(db, r, n, ok, now, e);
	if (rc == 0) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM alert_state "
		    "WHERE firing = 1", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				nfired = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
	}
	if (rc == 0 && daemon_db_exec(db, "COMMIT", e) != 0)
		rc = -1;
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	else if (fired)
		*fired = nfired;
	return rc;
}

static void
col_copy(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", s ? s : "");
}

int
alert_outbox_due(sqlite3 *db, long long now, int max,
    struct alert_event **out, int *n, struct px_err *e)
{
	sqlite3_stmt *st;
	struct alert_event *v = NULL;
	int k = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, event, rule, kind, key, "
	    "severity, summary, since, at, route, tries FROM alert_outbox "
	    "WHERE done = 0 AND next_try <= ?1 ORDER BY id LIMIT ?2", -1, &st,
	    NULL) != SQLITE_OK)
		return daemon_db_fail(db, "outbox", e);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct alert_event *ev;

		v = px_xrealloc(v, (size_t)(k + 1) * sizeof(*v));
		ev = &v[k++];
		memset(ev, 0, sizeof(*ev));
		ev->id = sqlite3_column_int64(st, 0);
		col_copy(ev->event, sizeof(ev->event), st, 1);
		col_copy(ev->rule, sizeof(ev->rule), st, 2);
		col_copy(ev->kind, sizeof(ev->kind), st, 3);
		col_copy(ev->key, sizeof(ev->key), st, 4);
		col_copy(ev->severity, sizeof(ev->severity), st, 5);
		col_copy(ev->summary, sizeof(ev->summary), st, 6);
		ev->since = sqlite3_column_int64(st, 7);
		ev->at = sqlite3_column_int64(st, 8);
		col_copy(ev->route, sizeof(ev->route), st, 9);
		ev->tries = sqlite3_column_int(st, 10);
	}
	sqlite3_finalize(st);
	*out = v;
	*n = k;
	return 0;
}

int
alert_outbox_mark(sqlite3 *db, long long id, long long now, const char *err,
    struct px_err *e)
{
	char *q;
	int rc;

	if (err == NULL)
		q = sqlite3_mprintf("UPDATE alert_outbox SET done = 1, tries = "
		    "tries + 1, error = NULL WHERE id = %lld", id);
	else
		/* 1, 2, 4 ... minutes, at most an hour; given up a day
		 * after the event (done = 2) */
		q = sqlite3_mprintf("UPDATE alert_outbox SET tries = tries + "
		    "1, error = %Q, next_try = %lld + min(3600, 60 << min(tries, "
		    "6)), done = CASE WHEN %lld - at > 86400 THEN 2 ELSE 0 END "
		    "WHERE id = %lld", err, now, now, id);
	rc = daemon_db_exec(db, q, e);
	sqlite3_free(q);
	return rc;
}

int
alert_state_each(sqlite3 *db, int recent,
    int (*cb)(void *arg, const char *state, const struct alert_event *ev,
    long long ended), void *arg, struct px_err *e)
{
	sqlite3_stmt *st;
	int stop = 0;

	if (sqlite3_prepare_v2(db, "SELECT firing, rule, kind, key, severity, "
	    "summary, since, coalesce(fired_at, 0) FROM alert_state ORDER BY "
	    "rule, key", -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "list", e);
	while (!stop && sqlite3_step(st) == SQLITE_ROW) {
		struct alert_event ev = { 0 };

		col_copy(ev.rule, sizeof(ev.rule), st, 1);
		col_copy(ev.kind, sizeof(ev.kind), st, 2);
		col_copy(ev.key, sizeof(ev.key), st, 3);
		col_copy(ev.severity, sizeof(ev.severity), st, 4);
		col_copy(ev.summary, sizeof(ev.summary), st, 5);
		ev.since = sqlite3_column_int64(st, 6);
		ev.at = sqlite3_column_int64(st, 7);
		stop = cb(arg, sqlite3_column_int(st, 0) ? "firing" :
		    "pending", &ev, 0);
	}
	sqlite3_finalize(st);
	if (stop || recent <= 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT rule, kind, key, severity, "
	    "summary, since, coalesce(fired_at, 0), resolved_at FROM "
	    "alert_history ORDER BY id DESC LIMIT ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(db, "list", e);
	sqlite3_bind_int(st, 1, recent);
	while (!stop && sqlite3_step(st) == SQLITE_ROW) {
		struct alert_event ev = { 0 };

		col_copy(ev.rule, sizeof(ev.rule), st, 0);
		col_copy(ev.kind, sizeof(ev.kind), st, 1);
		col_copy(ev.key, sizeof(ev.key), st, 2);
		col_copy(ev.severity, sizeof(ev.severity), st, 3);
		col_copy(ev.summary, sizeof(ev.summary), st, 4);
		ev.since = sqlite3_column_int64(st, 5);
		ev.at = sqlite3_column_int64(st, 6);
		stop = cb(arg, "resolved", &ev, sqlite3_column_int64(st, 7));
	}
	sqlite3_finalize(st);
	return 0;
}
