/* hitl_relay.c -- one reader of the bot's presses per data dir: the
 * lead, waits, spooled presses, dead waiters, bounds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "conf.h"
#include "hitl_relay.h"
#include "tap.h"

static char dir[] = "/tmp/px-relay-XXXXXX";
static char dbpath[300];

/* SQL on daemon.db behind the relay's back (another px's rows). */
static void
sql(const char *fmt, ...)
{
	char q[512];
	sqlite3 *db;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	if (sqlite3_open(dbpath, &db) != SQLITE_OK ||
	    sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		printf("# sql failed: %s: %s\n", q, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static long long
count(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open(dbpath, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* A pid that ran and is gone. */
static long long
dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return (long long)p;
}

static const char cq[] = "{\"id\":\"7\",\"data\":\"pxa:x\"}";

static void
test_lead(void)
{
	struct hitl_relay *a, *b;
	struct px_err e = { 0 };
	struct stat st;
	char path[300];

	is_int(hitl_relay_open(&a, &e), 0, "open");
	is_int(hitl_relay_open(&b, &e), 0, "open a second");
	snprintf(path, sizeof(path), "%s/px/telegram.lock", dir);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "telegram.lock is 0600");
	ok(stat(dbpath, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "daemon.db is 0600");
	is_int(hitl_relay_lead(a), 1, "the first to ask leads");
	is_int(hitl_relay_lead(b), 0, "the second does not");
	is_int(hitl_relay_lead(a), 1, "the first still does");
	hitl_relay_close(a);
	is_int(hitl_relay_lead(b), 1, "the first gone, the second leads");
	hitl_relay_close(b);
}

static void
test_spool_take(void)
{
	struct hitl_relay *r;
	struct px_err e = { 0 };
	char *got;
	size_t n;

	is_int(hitl_relay_open(&r, &e), 0, "open");
	is_int(hitl_relay_wait(r, 10, &e), 0, "wait for message 10");
	is_int(count("SELECT count(*) FROM tg_waits WHERE msgid = 10"), 1,
	    "registered");
	/* another px (the parent: alive) waits for message 20 */
	sql("INSERT INTO tg_waits VALUES (20, %lld, %lld)",
	    (long long)getppid(), (long long)time(NULL));
	is_int(hitl_relay_spool(r, 1001, 20, cq, strlen(cq), &e), 1,
	    "a press on another px's message is kept for it");
	is_int(hitl_relay_spool(r, 1001, 20, cq, strlen(cq), &e), 1,
	    "the same update again: kept once");
	is_int(count("SELECT count(*) FROM tg_presses"), 1, "one row");
	is_int(hitl_relay_spool(r, 1002, 10, cq, strlen(cq), &e), 0,
	    "a press on its own message is not kept");
	is_int(hitl_relay_spool(r, 1003, 99, cq, strlen(cq), &e), 0,
	    "nobody waits for message 99: not kept (the reader refuses it)");
	is_int(hitl_relay_take(r, 10, &got, &n, &e), 0,
	    "nothing kept for message 10");
	is_int(hitl_relay_take(r, 20, &got, &n, &e), 1,
	    "message 20's press is taken");
	ok(got != NULL && n == strlen(cq) && strcmp(got, cq) == 0,
	    "as the reader read it");
	free(got);
	is_int(hitl_relay_take(r, 20, &got, &n, &e), 0, "taken once");

	/* a waiter that died without unwaiting */
	sql("INSERT INTO tg_waits VALUES (30, %lld, %lld)", dead_pid(),
	    (long long)time(NULL));
	is_int(hitl_relay_spool(r, 1004, 30, cq, strlen(cq), &e), 0,
	    "a dead px's message: not kept");
	is_int(count("SELECT count(*) FROM tg_waits WHERE msgid = 30"), 0,
	    "and its registration is dropped");

	/* px daemon: every message no one else waits for */
	sql("INSERT INTO tg_waits VALUES (0, %lld, %lld)",
	    (long long)getppid(), (long long)time(NULL));
	is_int(hitl_relay_spool(r, 1005, 40, cq, strlen(cq), &e), 1,
	    "a message nobody waits for goes to the daemon");
	is_int(hitl_relay_spool(r, 1006, 20, cq, strlen(cq), &e), 1,
	    "message 20 still goes to its px");
	is_int(hitl_relay_take(r, 0, &got, &n, &e), 1,
	    "the daemon takes message 40's press");
	free(got);
	is_int(hitl_relay_take(r, 0, &got, &n, &e), 0,
	    "but not the press of message 20, whose px waits");
	is_int(hitl_relay_take(r, 20, &got, &n, &e), 1, "that one's px does");
	free(got);
	sql("UPDATE tg_waits SET since = %lld WHERE msgid = 0",
	    (long long)time(NULL) - HITL_RELAY_IDLE - 5);
	is_int(hitl_relay_spool(r, 1007, 40, cq, strlen(cq), &e), 0,
	    "a daemon that stopped polling gets nothing more");
	sql("DELETE FROM tg_waits WHERE msgid = 0");

	/* unwait drops what was kept for the message */
	sql("INSERT INTO tg_presses VALUES (1008, 10, '%s', %lld)", cq,
	    (long long)time(NULL));
	hitl_relay_unwait(r, 10);
	is_int(count("SELECT count(*) FROM tg_waits WHERE msgid = 10"), 0,
	    "unwait: registration gone");
	is_int(count("SELECT count(*) FROM tg_presses WHERE msgid = 10"), 0,
	    "and the presses kept for it");
	is_int(hitl_relay_wait(r, 11, &e), 0, "wait for message 11");
	hitl_relay_close(r);
	is_int(count("SELECT count(*) FROM tg_waits WHERE msgid = 11"), 0,
	    "close: every wait of the relay dropped");
	sql("DELETE FROM tg_waits; DELETE FROM tg_presses");
}

static void
test_bounds(void)
{
	struct hitl_relay *r;
	struct px_err e = { 0 };
	char *big, *got;
	size_t n;
	int i, kept = 0;

	is_int(hitl_relay_open(&r, &e), 0, "open");
	sql("INSERT INTO tg_waits VALUES (20, %lld, %lld)",
	    (long long)getppid(), (long long)time(NULL));
	big = malloc(HITL_RELAY_CQ_MAX + 1);
	memset(big, ' ', HITL_RELAY_CQ_MAX + 1);
	is_int(hitl_relay_spool(r, 1, 20, big, HITL_RELAY_CQ_MAX + 1, &e), 0,
	    "a press over HITL_RELAY_CQ_MAX bytes is not kept");
	is_int(hitl_relay_spool(r, 2, 20, big, 0, &e), 0,
	    "nor an empty one");
	is_int(hitl_relay_spool(r, 3, -5, cq, strlen(cq), &e), 0,
	    "nor one without a valid message id");
	free(big);
	for (i = 0; i < HITL_RELAY_MAX + 5; i++)
		kept += hitl_relay_spool(r, 100 + i, 20, cq, strlen(cq), &e)
		    == 1;
	is_int(kept, HITL_RELAY_MAX, "at most HITL_RELAY_MAX presses kept");
	sql("DELETE FROM tg_presses");
	/* rows no reader writes: empty, oversized, old */
	sql("INSERT INTO tg_presses VALUES (1, 20, x'', %lld)",
	    (long long)time(NULL));
	sql("INSERT INTO tg_presses VALUES (2, 20, zeroblob(%d), %lld)",
	    HITL_RELAY_CQ_MAX + 1, (long long)time(NULL));
	sql("INSERT INTO tg_presses VALUES (3, 20, '%s', %lld)", cq,
	    (long long)time(NULL));
	is_int(hitl_relay_take(r, 20, &got, &n, &e), 1,
	    "an empty and an oversized row are skipped");
	ok(got != NULL && strcmp(got, cq) == 0, "the valid one is taken");
	free(got);
	/* 200,000 empty rows before the one valid: skipped in one take,
	 * with no stack to match (one was a call each) */
	sql("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
	    "WHERE i < 200000) INSERT INTO tg_presses SELECT 10 + i, 20, "
	    "x'', %lld FROM k", (long long)time(NULL));
	sql("INSERT INTO tg_presses VALUES (300000, 20, '%s', %lld)", cq,
	    (long long)time(NULL));
	is_int(hitl_relay_take(r, 20, &got, &n, &e), 1,
	    "200,000 empty rows: skipped in one take");
	ok(got != NULL && strcmp(got, cq) == 0, "and the valid one taken");
	free(got);
	is_int(count("SELECT count(*) FROM tg_presses"), 0,
	    "and the bad ones dropped");
	sql("INSERT INTO tg_presses VALUES (4, 20, '%s', %lld)", cq,
	    (long long)time(NULL) - HITL_RELAY_KEEP - 5);
	hitl_relay_close(r);
	is_int(hitl_relay_open(&r, &e), 0, "open again");
	is_int(count("SELECT count(*) FROM tg_presses"), 0,
	    "a press nobody took within HITL_RELAY_KEEP is dropped");
	hitl_relay_close(r);
}

int
main(void)
{
	struct px_err e = { 0 };
	const char *data;

	if (mkdtemp(dir) == NULL)
		return 1;
	setenv("XDG_DATA_HOME", dir, 1);
	data = px_data_dir(&e);
	snprintf(dbpath, sizeof(dbpath), "%s/daemon.db", data ? data : dir);
	test_lead();
	test_spool_take();
	test_bounds();
	tap_rmtree(dir);
	return done_testing();
}
