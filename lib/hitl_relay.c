/* hitl_relay.c -- one reader of the bot's getUpdates (hitl_relay.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "daemon_db.h"
#include "fsafe.h"
#include "hitl_relay.h"

struct hitl_relay {
	sqlite3 *db;
	int lockfd;
	int lead;
	long long pid;
	long long *mine;	/* the messages this relay waits for */
	size_t nmine;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS tg_waits ("
    " msgid INTEGER PRIMARY KEY, pid INTEGER NOT NULL,"
    " since INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tg_presses ("
    " update_id INTEGER PRIMARY KEY, msgid INTEGER NOT NULL,"
    " cq BLOB NOT NULL, at INTEGER NOT NULL);";

/* Run sql (best effort: what is left behind is dropped later) with the
 * integers a and, when it has a ?2, b bound. */
static void
exec_ll(struct hitl_relay *r, const char *sql, long long a, long long b)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, a);
		if (sqlite3_bind_parameter_count(st) > 1)
			sqlite3_bind_int64(st, 2, b);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
}

int
hitl_relay_open(struct hitl_relay **out, struct px_err *e)
{
	struct hitl_relay *r;
	const char *dir;
	char path[4096];
	int fd;

	*out = NULL;
	if ((dir = px_data_dir(e)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/telegram.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	if (fsafe_fd_check(fd, path, FSAFE_SECRET, "Telegram lock", e) != 0) {
		close(fd);
		return -1;
	}
	r = px_xcalloc(1, sizeof(*r));
	r->lockfd = fd;
	r->pid = (long long)getpid();
	if ((r->db = daemon_db_open(NULL, e)) == NULL ||
	    daemon_db_exec(r->db, schema, e) != 0) {
		hitl_relay_close(r);
		return -1;
	}
	/* Presses nobody took within the hour: their px is gone. */
	exec_ll(r, "DELETE FROM tg_presses WHERE at < ?1",
	    (long long)time(NULL) - HITL_RELAY_KEEP, 0);
	*out = r;
	return 0;
}

void
hitl_relay_close(struct hitl_relay *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nmine; i++)
		hitl_relay_unwait(r, r->mine[i]);
	free(r->mine);
	if (r->db)
		daemon_db_close(r->db);
	if (r->lockfd >= 0)
		close(r->lockfd);	/* and with it the lead */
	free(r);
}

int
hitl_relay_lead(struct hitl_relay *r)
{
	if (!r->lead && flock(r->lockfd, LOCK_EX | LOCK_NB) == 0)
		r->lead = 1;
	return r->lead;
}

int
hitl_relay_wait(struct hitl_relay *r, long long msgid, struct px_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->db, "INSERT OR REPLACE INTO tg_waits "
	    "(msgid, pid, since) VALUES (?1, ?2, ?3)", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(r->db, "tg_waits", e);
	sqlite3_bind_int64(st, 1, msgid);
	sqlite3_bind_int64(st, 2, r->pid);
	sqlite3_bind_int64(st, 3, (long long)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return daemon_db_fail(r->db, "tg_waits", e);
	if (msgid != 0) {	/* msgid 0 stays while this process lives */
		r->mine = px_xrealloc(r->mine, (r->nmine + 1) *
		    sizeof(*r->mine));
		r->mine[r->nmine++] = msgid;
	}
	return 0;
}

static const char drop_wait[] =
    "DELETE FROM tg_waits WHERE msgid = ?1 AND pid = ?2";

void
hitl_relay_unwait(struct hitl_relay *r, long long msgid)
{
	size_t i;

	for (i = 0; i < r->nmine && r->mine[i] != msgid; i++)
		;
	if (i < r->nmine)
		r->mine[i] = r->mine[--r->nmine];
	exec_ll(r, drop_wait, msgid, r->pid);
	if (msgid != 0)
		exec_ll(r, "DELETE FROM tg_presses WHERE msgid = ?1",
		    msgid, 0);
}

/* Whether process pid runs (a registration of a px that died without
 * unwaiting is dropped when it is found). */
static int
alive(long long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* The live waiter for msgid other than this process: 1, 0 none (a dead
 * one's registration dropped), -1 with e. */
static int
waiter(struct hitl_relay *r, long long msgid, struct px_err *e)
{
	sqlite3_stmt *st;
	long long pid = 0;
	int rc;

	/* px daemon counts while it reads its presses: it registers
	 * again at each poll, and one that stopped polling (nothing
	 * queued) would leave presses on stale buttons unanswered. */
	if (sqlite3_prepare_v2(r->db, "SELECT pid FROM tg_waits WHERE "
	    "msgid = ?1 AND (msgid != 0 OR since >= ?2)", -1, &st, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(r->db, "tg_waits", e);
	sqlite3_bind_int64(st, 1, msgid);
	sqlite3_bind_int64(st, 2, (long long)time(NULL) - HITL_RELAY_IDLE);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		pid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return daemon_db_fail(r->db, "tg_waits", e);
	if (rc == SQLITE_DONE || pid == r->pid)
		return 0;
	if (alive(pid))
		return 1;
	exec_ll(r, drop_wait, msgid, pid);
	return 0;
}

int
hitl_relay_spool(struct hitl_relay *r, long long update_id,
    long long msgid, const char *cq, size_t n, struct px_err *e)
{
	sqlite3_stmt *st;
	int w, rc, full = 1;

	if (n == 0 || n > HITL_RELAY_CQ_MAX || msgid <= 0)
		return 0;
	/* The px waiting for this message, else px daemon (when the
	 * daemon is not the reader itself). */
	if ((w = waiter(r, msgid, e)) < 0 ||
	    (w == 0 && (w = waiter(r, 0, e)) < 0))
		return -1;
	if (w == 0)
		return 0;
	if (sqlite3_prepare_v2(r->db, "SELECT count(*) < ?1 FROM tg_presses",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, HITL_RELAY_MAX);
		if (sqlite3_step(st) == SQLITE_ROW)
			full = sqlite3_column_int(st, 0) == 0;
	}
	sqlite3_finalize(st);
	if (full)
		return 0;
	if (sqlite3_prepare_v2(r->db, "INSERT OR IGNORE INTO tg_presses "
	    "(update_id, msgid, cq, at) VALUES (?1, ?2, ?3, ?4)", -1, &st,
	    NULL) != SQLITE_OK)
		return daemon_db_fail(r->db, "tg_presses", e);
	sqlite3_bind_int64(st, 1, update_id);
	sqlite3_bind_int64(st, 2, msgid);
	sqlite3_bind_blob(st, 3, cq, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (long long)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return daemon_db_fail(r->db, "tg_presses", e);
	return 1;
}

int
hitl_relay_take(struct hitl_relay *r, long long msgid, char **cq,
    size_t *n, struct px_err *e)
{
	sqlite3_stmt *sel = NULL, *del = NULL;
	const void *p;
	int rc, len;

	*cq = NULL;
	*n = 0;
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return daemon_db_fail(r->db, "begin", e);
	if (sqlite3_prepare_v2(r->db, msgid != 0 ?
	    "SELECT update_id, cq FROM tg_presses WHERE msgid = ?1 "
	    "ORDER BY update_id LIMIT 1" :
	    "SELECT update_id, cq FROM tg_presses WHERE msgid NOT IN "
	    "(SELECT msgid FROM tg_waits WHERE msgid != 0) "
	    "ORDER BY update_id LIMIT 1", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "DELETE FROM tg_presses WHERE "
	    "update_id = ?1", -1, &del, NULL) != SQLITE_OK) {
		rc = SQLITE_ERROR;
		goto out;
	}
	if (msgid != 0)
		sqlite3_bind_int64(sel, 1, msgid);
	/* The oldest row, taken: an empty or oversized one (written by
	 * something other than px) is dropped and the next looked at, in
	 * this one transaction however many there are. */
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(sel, 0));
		p = sqlite3_column_blob(sel, 1);
		len = sqlite3_column_bytes(sel, 1);
		if (p != NULL && len > 0 && len <= HITL_RELAY_CQ_MAX) {
			*cq = px_xmalloc((size_t)len + 1);
			memcpy(*cq, p, (size_t)len);
			(*cq)[len] = '\0';
			*n = (size_t)len;
		}
		sqlite3_reset(sel);
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_reset(del);
		if (*cq != NULL)
			break;
	}
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) ||
	    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		daemon_db_fail(r->db, "tg_presses", e);
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		free(*cq);
		*cq = NULL;
		*n = 0;
		return -1;
	}
	return *cq != NULL;
}
