/* schedule.c -- px schedules in daemon.db (schedule.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "daemon_db.h"
#include "json.h"
#include "schedule.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS schedule ("
    " name TEXT PRIMARY KEY, every INTEGER NOT NULL, argv TEXT NOT NULL,"
    " paused INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
    " next_run INTEGER NOT NULL, last_run INTEGER);"
    "CREATE TABLE IF NOT EXISTS schedule_run ("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL, started INTEGER NOT NULL,"
    " ended INTEGER, pid INTEGER, status INTEGER, trigger TEXT NOT NULL,"
    " output TEXT);";

int
schedule_init(sqlite3 *db, struct px_err *e)
{
	sqlite3_stmt *st;

	if (daemon_db_exec(db, schema, e) != 0)
		return -1;
	/* daemon.db from before calendar schedules: add the column */
	if (sqlite3_prepare_v2(db, "SELECT at FROM schedule LIMIT 0", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	return daemon_db_exec(db, "ALTER TABLE schedule ADD COLUMN at TEXT",
	    e);
}

long long
schedule_next(const struct schedule *s, long long t)
{
	struct oncal c;
	char why[160];
	long long nx;

	if (s->at[0] == '\0')
		return t + (s->every > 0 ? s->every : 60);
	if (oncal_parse(s->at, &c, why, sizeof(why)) != 0 ||
	    oncal_next(&c, t, &nx) != 0 || nx > SCHED_NEVER)
		return SCHED_NEVER;
	return nx;
}

int
schedule_missed(const struct schedule *s, long long now)
{
	return s->next_run < SCHED_NEVER && schedule_next(s, s->next_run) <=
	    now;
}

int
schedule_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n && name[0] != '-';
}

int
schedule_add(sqlite3 *db, const char *name, long long every,
    const char *at, char *const *argv, int argc, long long now,
    struct px_err *e)
{
	struct buf a = { 0 };
	struct schedule s = { .every = every };
	sqlite3_stmt *st;
	long long first;
	int rc;

	if (every <= 0) {
		struct oncal c;
		char why[200];

		if (at == NULL || oncal_parse(at, &c, why, sizeof(why)) != 0)
			return px_fail(e, PXE_USAGE, "--at '%s': %s", at ? at :
			    "", at ? why : "missing");
		snprintf(s.at, sizeof(s.at), "%s", at);
		every = 0;
	}
	if ((first = schedule_next(&s, now)) >= SCHED_NEVER)
		return px_fail(e, PXE_USAGE, "--at '%s': it never elapses "
		    "again", at);

	buf_addc(&a, '[');
	for (int i = 0; i < argc; i++) {
		if (i)
			buf_addc(&a, ',');
		json_escape(&a, argv[i], strlen(argv[i]));
	}
	buf_addc(&a, ']');
	if (sqlite3_prepare_v2(db, "INSERT INTO schedule (name, every, argv, "
	    "created, next_run, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st,
	    NULL) != SQLITE_OK) {
		buf_free(&a);
		return daemon_db_fail(db, "add", e);
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, every);
	sqlite3_bind_text(st, 3, a.p, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, first);
	if (s.at[0])
		sqlite3_bind_text(st, 6, s.at, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 6);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	buf_free(&a);
	if (rc == SQLITE_CONSTRAINT)
		return px_fail(e, PXE_USAGE, "a schedule '%s' exists already "
		    "(px schedule remove %s first)", name, name);
	if (rc != SQLITE_DONE)
		return daemon_db_fail(db, "add", e);
	return 0;
}

static int
changed_one(sqlite3 *db, const char *sql, const char *name, long long now,
    struct px_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "update", e);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return daemon_db_fail(db, "update", e);
	if (sqlite3_changes(db) == 0)
		return px_fail(e, PXE_NOT_FOUND, "no schedule '%s'", name);
	return 0;
}

int
schedule_remove(sqlite3 *db, const char *name, struct px_err *e)
{
	if (changed_one(db, "DELETE FROM schedule WHERE name = ?1 AND ?2 = ?2",
	    name, 0, e) != 0)
		return -1;
	{
		char *q = sqlite3_mprintf("DELETE FROM schedule_run WHERE name "
		    "= %Q", name);
		int rc = daemon_db_exec(db, q, e);

		sqlite3_free(q);
		return rc;
	}
}

int
schedule_pause(sqlite3 *db, const char *name, int paused, long long now,
    struct px_err *e)
{
	return changed_one(db, paused ? "UPDATE schedule SET paused = 1 WHERE "
	    "name = ?1 AND ?2 = ?2" : "UPDATE schedule SET paused = 0, "
	    "next_run = max(next_run, ?2) WHERE name = ?1", name, now, e);
}

/* argv from its JSON text. */
static int
argv_parse(const char *text, struct schedule *s)
{
	struct json j;
	int n;

	if (json_parse(&j, text, strlen(text), NULL) != 0)
		return -1;
	n = json_len(&j, 0);
	if (n < 1 || n > SCHED_MAX_ARGS) {
		json_free(&j);
		return -1;
	}
	s->argv = px_xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		s->argv[i] = json_strdup(&j, json_at(&j, 0, i));
		if (s->argv[i] == NULL)
			s->argv[i] = px_xstrdup("");
	}
	s->argc = n;
	json_free(&j);
	return 0;
}

static void
from_row(sqlite3_stmt *st, struct schedule *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s",
	    (const char *)sqlite3_column_text(st, 0));
	s->every = sqlite3_column_int64(st, 1);
	if (argv_parse((const char *)sqlite3_column_text(st, 2), s) != 0) {
		s->argv = px_xcalloc(2, sizeof(char *));
		s->argv[0] = px_xstrdup("?");
		s->argc = 1;
	}
	s->paused = sqlite3_column_int(st, 3);
	s->created = sqlite3_column_int64(st, 4);
	s->next_run = sqlite3_column_int64(st, 5);
	s->last_run = sqlite3_column_int64(st, 6);
	snprintf(s->at, sizeof(s->at), "%s",
	    (const char *)sqlite3_column_text(st, 7));
}

#define SCHED_COLS "name, every, argv, paused, created, next_run, " \
	"coalesce(last_run, 0), coalesce(at, '')"

int
schedule_list(sqlite3 *db, struct schedule **out, int *n, struct px_err *e)
{
	sqlite3_stmt *st;
	struct schedule *v = NULL;
	int k = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT " SCHED_COLS " FROM schedule "
	    "ORDER BY name", -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "list", e);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = px_xrealloc(v, (size_t)(k + 1) * sizeof(*v));
		from_row(st, &v[k++]);
	}
	sqlite3_finalize(st);
	*out = v;
	*n = k;
	return 0;
}

void
schedule_list_free(struct schedule *s, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < s[i].argc; k++)
			free(s[i].argv[k]);
		free(s[i].argv);
	}
	free(s);
}

int
schedule_get(sqlite3 *db, const char *name, struct schedule *s,
    struct px_err *e)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT " SCHED_COLS " FROM schedule WHERE "
	    "name = ?1", -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "get", e);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		from_row(st, s);
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found)
		return px_fail(e, PXE_NOT_FOUND, "no schedule '%s'", name);
	return 0;
}

long long
schedule_running(sqlite3 *db, const char *name, long long now)
{
	sqlite3_stmt *st;
	long long id = 0;
	int pid = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, pid FROM schedule_run WHERE "
	    "name = ?1 AND ended IS NULL AND pid > 0 ORDER BY id DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		pid = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (id && kill(pid, 0) != 0 && errno == ESRCH) {
		struct px_err e;

		schedule_run_end(db, id, -3, "(the run's process is gone: "
		    "px daemon stopped while it ran)", now, 0, &e);
		id = 0;
	}
	return id;
}

long long
schedule_run_begin(sqlite3 *db, const struct schedule *s,
    const char *trigger, int pid, long long now, struct px_err *e)
{
	char *q, endv[32];
	long long id;

	if (pid)
		snprintf(endv, sizeof(endv), "NULL");
	else
		snprintf(endv, sizeof(endv), "%lld", now);
	if (daemon_db_exec(db, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	q = sqlite3_mprintf("INSERT INTO schedule_run (name, started, ended, "
	    "pid, status, trigger) VALUES (%Q, %lld, %s, %d, %s, %Q)", s->name,
	    now, endv, pid, pid ? "NULL" : "-2", trigger);
	if (daemon_db_exec(db, q, e) != 0) {
		sqlite3_free(q);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_free(q);
	id = sqlite3_last_insert_rowid(db);
	if (strcmp(trigger, "manual") != 0) {
		q = sqlite3_mprintf("UPDATE schedule SET next_run = %lld, "
		    "last_run = %lld WHERE name = %Q", schedule_next(s, now),
		    now, s->name);
	} else {
		q = sqlite3_mprintf("UPDATE schedule SET last_run = %lld WHERE "
		    "name = %Q", now, s->name);
	}
	if (daemon_db_exec(db, q, e) != 0 ||
	    daemon_db_exec(db, "COMMIT", e) != 0) {
		sqlite3_free(q);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_free(q);
	return id;
}

int
schedule_run_end(sqlite3 *db, long long id, int status, const char *output,
    long long now, int keep, struct px_err *e)
{
	sqlite3_stmt *st;
	char *q;
	int rc;

	if (sqlite3_prepare_v2(db, "UPDATE schedule_run SET ended = ?1, "
	    "status = ?2, output = ?3 WHERE id = ?4", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(db, "run", e);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_text(st, 3, output, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return daemon_db_fail(db, "run", e);
	if (keep <= 0)
		return 0;
	q = sqlite3_mprintf("DELETE FROM schedule_run WHERE name = (SELECT "
	    "name FROM schedule_run WHERE id = %lld) AND ended IS NOT NULL AND "
	    "id NOT IN (SELECT id FROM schedule_run WHERE name = (SELECT name "
	    "FROM schedule_run WHERE id = %lld) ORDER BY id DESC LIMIT %d)",
	    id, id, keep);
	rc = daemon_db_exec(db, q, e);
	sqlite3_free(q);
	return rc;
}

int
schedule_runs(sqlite3 *db, const char *name, int max,
    struct schedule_run **out, int *n, struct px_err *e)
{
	sqlite3_stmt *st;
	struct schedule_run *v = NULL;
	int k = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, name, started, coalesce(ended, "
	    "0), coalesce(pid, 0), coalesce(status, 0), trigger, "
	    "coalesce(output, '') FROM schedule_run WHERE name = ?1 ORDER BY "
	    "id DESC LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return daemon_db_fail(db, "runs", e);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, max);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct schedule_run *r;

		v = px_xrealloc(v, (size_t)(k + 1) * sizeof(*v));
		r = &v[k++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		snprintf(r->name, sizeof(r->name), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		r->started = sqlite3_column_int64(st, 2);
		r->ended = sqlite3_column_int64(st, 3);
		r->pid = sqlite3_column_int(st, 4);
		r->status = sqlite3_column_int(st, 5);
		snprintf(r->trigger, sizeof(r->trigger), "%s",
		    (const char *)sqlite3_column_text(st, 6));
		r->output = px_xstrdup((const char *)sqlite3_column_text(st,
		    7));
	}
	sqlite3_finalize(st);
	*out = v;
	*n = k;
	return 0;
}

void
schedule_runs_free(struct schedule_run *r, int n)
{
	for (int i = 0; i < n; i++)
		free(r[i].output);
	free(r);
}

pid_t
schedule_spawn(const char *exe, const struct schedule *s, const char *out,
    struct px_err *e)
{
	posix_spawn_file_actions_t fa;
	char *argv[SCHED_MAX_ARGS + 2];
	extern char **environ;
	pid_t pid;
	int err;

	argv[0] = "px";
	for (int i = 0; i < s->argc && i < SCHED_MAX_ARGS; i++)
		argv[i + 1] = s->argv[i];
	argv[(s->argc < SCHED_MAX_ARGS ? s->argc : SCHED_MAX_ARGS) + 1] =
	    NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT |
	    O_TRUNC | O_NOFOLLOW, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0)
		return px_fail(e, PXE_IO, "schedule %s: cannot start px: %s",
		    s->name, strerror(err));
	return pid;
}
