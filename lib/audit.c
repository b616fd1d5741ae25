/*
 * audit.c -- the tamper-evident audit log (see audit.h).
 *
 * Two tables in audit.db:
 *
 *   audit  one row per entry, ids 1, 2, 3 ... with no gap; prev_mac is the
 *          MAC of the row before (64 '0' for the first), mac is
 *          HMAC-SHA256(key, canonical row) in lower-case hex.
 *   head   exactly one row (one = 1): the last id, its MAC, the number of
 *          rows, and a MAC over those three.
 *
 * The canonical encoding of a row is a JSON array written with jw_*:
 *
 *   ["px-audit-row-1", id, time, profile, user, action, target, params,
 *    decision, upid, result, ref, prev_mac]
 *
 * (null for an absent string or ref), and of the head
 *
 *   ["px-audit-head-1", last_id, last_mac, count].
 *
 * The leading tags keep a row's MAC from ever passing as a head's.
 * Appending reads the head, inserts the row and rewrites the head in one
 * BEGIN IMMEDIATE transaction, so two px processes appending at once
 * serialise and the chain stays linear.  The head is written once, when
 * the schema is created, and is never re-created: a missing head is
 * tampering, and appending refuses to build on it.
 *
 * What verify catches: an edited row (its MAC), a deleted row in the
 * middle (the id gap and the broken link), deleted rows at the end (the
 * head's last id and count no longer match), a deleted or forged head (its
 * MAC).
 *
 * The head is also kept outside the database, in audit.db.seal (0600):
 * one line "px-audit-head-1 LAST_ID COUNT LAST_MAC HEAD_MAC", rewritten
 * (to a new file, then renamed) after every committed append.  It catches
 * what the database cannot tell about itself: audit.db removed or
 * truncated while the key stays, its -wal file removed before a
 * checkpoint (each append is checkpointed as well), or the whole file put
 * back to an older copy.  A seal ahead of the database refuses appends
 * and fails verify.  What remains uncaught: the log, its seal and its
 * key removed together.
 *
 * An append reads its row back before it commits: a row that a trigger
 * or anything else silently dropped is an error, and the change it
 * accounts for is not sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "audit.h"
#include "fsafe.h"
#include "conf.h"
#include "freeze.h"
#include "hmac256.h"
#include "json.h"
#include "workq.h"

#define KEY_LEN		32
#define MAC_HEX		64
#define BUSY_MS		10000
#define ROW_TAG		"px-audit-row-1"
#define HEAD_TAG	"px-audit-head-1"

static const char genesis_mac[MAC_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct audit {
	sqlite3 *db;
	char *path;
	char *seal;		/* path of the head kept outside the db */
	unsigned char key[KEY_LEN];
	/* The HMAC key schedule (the key's inner and outer pads hashed),
	 * computed once when the key is loaded: verify MACs a million rows
	 * under the same key (and SHA-NI where the CPU has it). */
	struct px_hmac256 hm;
};

/* The columns of a row as read back, owned by the statement. */
enum { F_ID, F_TIME, F_PROFILE, F_USER, F_ACTION, F_TARGET, F_PARAMS,
	F_DECISION, F_UPID, F_RESULT, F_REF, F_PREV, F_MAC, F_N };

#define ROW_COLS "id, time, profile, user, action, target, params, " \
	"decision, upid, result, ref, prev_mac, mac"

static const char schema[] =
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " time INTEGER NOT NULL,"
    " profile TEXT, user TEXT, action TEXT, target TEXT, params TEXT,"
    " decision TEXT, upid TEXT, result TEXT, ref INTEGER,"
    " prev_mac TEXT NOT NULL, mac TEXT NOT NULL);"
    "CREATE INDEX audit_time ON audit(time);"
    "CREATE TABLE head ("
    " one INTEGER PRIMARY KEY CHECK (one = 1),"
    " last_id INTEGER NOT NULL, last_mac TEXT NOT NULL,"
    " count INTEGER NOT NULL, mac TEXT NOT NULL);"
    "PRAGMA user_version = 1;";

static void
hex_encode(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* HMAC-SHA256 of canon under the key, as hex into out (MAC_HEX + 1). */
static void
mac_hex(const struct audit *a, const struct buf *canon, char *out)
{
	unsigned char mac[32];

	px_hmac256(&a->hm, canon->p ? canon->p : "", canon->len, mac);
	hex_encode(out, mac, sizeof(mac));
}

/* Compare two MACs without an early exit. */
static int
mac_equal(const char *x, const char *y)
{
	unsigned char d = 0;

	if (x == NULL || y == NULL || strlen(x) != MAC_HEX ||
	    strlen(y) != MAC_HEX)
		return 0;
	for (size_t i = 0; i < MAC_HEX; i++)
		d |= (unsigned char)(x[i] ^ y[i]);
	return d == 0;
}

/* The canonical encoding of a row (see the top of the file). */
static void
row_canon(struct buf *b, const struct audit_entry *ent, const char *prev_mac)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_arr(&w);
	jw_str(&w, ROW_TAG);
	jw_int(&w, ent->id);
	jw_int(&w, ent->time);
	jw_str(&w, ent->profile);
	jw_str(&w, ent->user);
	jw_str(&w, ent->action);
	jw_str(&w, ent->target);
	jw_str(&w, ent->params);
	jw_str(&w, ent->decision);
	jw_str(&w, ent->upid);
	jw_str(&w, ent->result);
	if (ent->ref != 0)
		jw_int(&w, ent->ref);
	else
		jw_null(&w);
	jw_str(&w, prev_mac);
	jw_end(&w);
}

static void
head_canon(struct buf *b, long long last_id, const char *last_mac,
    long long count)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_arr(&w);
	jw_str(&w, HEAD_TAG);
	jw_int(&w, last_id);
	jw_str(&w, last_mac);
	jw_int(&w, count);
	jw_end(&w);
}

/* Length of the valid UTF-8 sequence at s (not NUL), or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
	size_t n, i;
	unsigned int c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/*
 * A copy of s with invalid UTF-8 replaced by '?' (NULL stays NULL).  The
 * JSON writer would turn any invalid byte into U+FFFD, so two different
 * stored values could share one canonical form; storing only valid UTF-8
 * (and refusing anything else in verify) keeps stored and signed text
 * one and the same.
 */
static char *
utf8_clean(const char *s)
{
	char *c;
	size_t i, k;

	if (s == NULL)
		return NULL;
	c = px_xstrdup(s);
	for (i = 0; c[i] != '\0'; i += k)
		if ((k = utf8_seq((unsigned char *)c + i)) == 0) {
			c[i] = '?';
			k = 1;
		}
	return c;
}

static int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	/* s is NUL-terminated (SQLite's text): utf8_seq stops at it. */
	while (i < len) {
		if (u[i] == 0)
			return 0;	/* an embedded NUL */
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(u + i)) == 0 || k > len - i)
			return 0;
		i += k;
	}
	return 1;
}

static int
db_fail(struct audit *a, struct px_err *e, const char *what)
{
	return px_fail(e, PXE_IO, "audit log %s: %s: %s", a->path, what,
	    sqlite3_errmsg(a->db));
}

static int
exec(struct audit *a, const char *sql, struct px_err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		px_fail(e, PXE_IO, "audit log %s: %s", a->path,
		    msg ? msg : sqlite3_errmsg(a->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Refuse a file that is a link, not ours, or that group or others can
 * access (db, its WAL); a missing one is fine. */
static int
private_check(const char *what, const char *path, struct px_err *e)
{
	return fsafe_path_check(path, FSAFE_SECRET, what, e) < 0 ? -1 : 0;
}

/* Load the key, creating it when missing (fsafe_key). */
static int
key_load(struct audit *a, const char *path, struct px_err *e)
{
	if (fsafe_key(path, "audit key", a->key, KEY_LEN, e) == 0) {
		px_hmac256_init(&a->hm, a->key, KEY_LEN);
		return 0;
	}
	if (e != NULL && e->id == PXE_IO && strstr(e->msg, ": not ") != NULL)
		px_hint(e, "the key is lost: move %s and the audit log aside "
		    "to start a new log", path);
	return -1;
}

/* Create the tables and the first head, once, in one transaction. */
static int
schema_init(struct audit *a, struct px_err *e)
{
	sqlite3_stmt *st = NULL;
	struct buf canon = { 0 };
	char mac[MAC_HEX + 1];
	int version = -1, rc = -1;

	if (exec(a, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	if (sqlite3_prepare_v2(a->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		db_fail(a, e, "reading the schema version");
		goto out;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version == 1) {
		rc = 0;
		goto out;
	}
	if (version != 0) {
		px_fail(e, PXE_IO, "audit log %s: unknown schema version %d",
		    a->path, version);
		goto out;
	}
	if (exec(a, schema, e) != 0)
		goto out;
	head_canon(&canon, 0, genesis_mac, 0);
	mac_hex(a, &canon, mac);
	if (sqlite3_prepare_v2(a->db, "INSERT INTO head(one, last_id, "
	    "last_mac, count, mac) VALUES (1, 0, ?1, 0, ?2)", -1, &st,
	    NULL) != SQLITE_OK) {
		db_fail(a, e, "creating the head");
		goto out;
	}
	sqlite3_bind_text(st, 1, genesis_mac, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mac, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(a, e, "creating the head");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_free(&canon);
	if (exec(a, rc == 0 ? "COMMIT" : "ROLLBACK", rc == 0 ? e : NULL) != 0)
		rc = -1;
	return rc;
}

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/*
 * The seal: 0 read and its MAC good (last_id, last_mac, count set), 1
 * there is none, 2 it is malformed or its MAC does not match, -1 with e
 * when it cannot be read.
 */
static int
seal_read(struct audit *a, long long *last_id, char *last_mac,
    long long *count, struct px_err *e)
{
	struct buf canon = { 0 };
	char line[512], tag[32], lm[MAC_HEX + 2], hm[MAC_HEX + 2];
	char mac[MAC_HEX + 1];
	int fd, rc;
	ssize_t n;

	if ((fd = open(a->seal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 1;
		return px_fail(e, PXE_IO, "audit seal %s: %s", a->seal,
		    strerror(errno));
	}
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return 2;
	line[n] = '\0';
	if (sscanf(line, "%31s %lld %lld %65s %65s", tag, last_id, count, lm,
	    hm) != 5 || strcmp(tag, HEAD_TAG) != 0 || strlen(lm) != MAC_HEX ||
	    strlen(hm) != MAC_HEX || *last_id < 0 || *count < 0)
		return 2;
	memcpy(last_mac, lm, MAC_HEX + 1);	/* its length was checked */
	head_canon(&canon, *last_id, last_mac, *count);
	mac_hex(a, &canon, mac);
	rc = mac_equal(mac, hm) ? 0 : 2;
	buf_free(&canon);
	return rc;
}

/* Write the seal for the head (last_id, last_mac, count), durably: a new
 * file, synced, renamed over the old one. */
static int
seal_write(struct audit *a, long long last_id, const char *last_mac,
    long long count, struct px_err *e)
{
	struct buf canon = { 0 }, line = { 0 };
	char mac[MAC_HEX + 1], *tmp;
	int fd, rc = -1;

	head_canon(&canon, last_id, last_mac, count);
	mac_hex(a, &canon, mac);
	buf_printf(&line, "%s %lld %lld %s %s\n", HEAD_TAG, last_id, count,
	    last_mac, mac);
	tmp = px_xasprintf("%s.new.%ld", a->seal, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || write(fd, line.p, line.len) != (ssize_t)line.len ||
	    fsync(fd) != 0) {
		px_fail(e, PXE_IO, "audit seal %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, a->seal) != 0) {
		px_fail(e, PXE_IO, "audit seal %s: %s", a->seal,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	buf_free(&canon);
	buf_free(&line);
	return rc;
}

/*
 * Does the database's head (id, count) keep up with the seal?  0 when it
 * does (or there is no seal yet), else 1 with why filled; -1 with e.
 */
static int
seal_check(struct audit *a, long long head_id, long long head_count,
    const char *head_mac, char *why, size_t whylen, struct px_err *e)
{
	char smac[MAC_HEX + 1];
	long long sid = 0, scount = 0;
	int s = seal_read(a, &sid, smac, &scount, e);

	if (s < 0)
		return -1;
	if (s == 1)
		return 0;
	if (s == 2) {
		snprintf(why, whylen, "its seal %s is malformed or forged",
		    a->seal);
		return 1;
	}
	if (head_count < scount || head_id < sid) {
		snprintf(why, whylen, "entries are missing: its seal records "
		    "%lld entr%s up to row %lld, the log has %lld up to row "
		    "%lld (audit.db removed, truncated or rolled back, or "
		    "its -wal file removed)", scount, scount == 1 ? "y" : "ies",
		    sid, head_count, head_id);
		return 1;
	}
	if (head_id == sid && !mac_equal(head_mac, smac)) {
		snprintf(why, whylen, "its last row %lld is not the one its "
		    "seal records: the log was replaced", sid);
		return 1;
	}
	return 0;
}

struct audit *
audit_open_at(const char *db, const char *key, struct px_err *e)
{
	struct audit *a = px_xcalloc(1, sizeof(*a));
	char *wal;
	int fd, bad;

	a->path = px_xstrdup(db);
	a->seal = px_xasprintf("%s.seal", db);
	/* A log without its key can be neither verified nor extended:
	 * say so rather than start a new key for it.  The log first, then
	 * the key: a px creating the log makes its key before the log has
	 * a byte, so a px opening it at the same time that sees the bytes
	 * then sees the key (asked the other way round, it could miss the
	 * key and then see the bytes, and refuse a log that is fine). */
	wal = px_xasprintf("%s-wal", db);
	if ((file_size(db) > 0 || file_size(wal) > 0) &&
	    access(key, F_OK) != 0 && errno == ENOENT) {
		px_fail(e, PXE_IO, "audit key %s is missing but the audit log "
		    "%s exists", key, db);
		px_hint(e, "restore the key; or keep the log as evidence and "
		    "move it aside to start a new one");
		free(wal);
		goto fail;
	}
	/* Create the file ourselves so that it is 0600 from the start;
	 * SQLite gives its -wal and -shm files the same mode. */
	if ((fd = open(db, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0) {
		px_fail(e, PXE_IO, "audit log %s: %s", db, strerror(errno));
		goto fail;
	}
	close(fd);
	bad = private_check("audit log", db, e) != 0 ||
	    private_check("audit log", wal, e) != 0;
	free(wal);
	if (bad || key_load(a, key, e) != 0)
		goto fail;
	if (sqlite3_open_v2(db, &a->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_fail(a, e, "open");
		goto fail;
	}
	sqlite3_busy_timeout(a->db, BUSY_MS);
	/*
	 * Several px opening a new log at once: switching to WAL needs the
	 * database to itself, and SQLite may answer "locked" at once
	 * instead of calling the busy handler.  Try again for as long as the
	 * busy timeout.
	 */
	for (int tries = 0; ; tries++) {
		int rc = exec(a, "PRAGMA journal_mode = WAL", e);

		if (rc == 0)
			rc = exec(a, "PRAGMA synchronous = FULL", e);
		if (rc == 0)
			rc = schema_init(a, e);
		if (rc == 0)
			break;
		int code = sqlite3_errcode(a->db) & 0xff;

		if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
		    tries * 20 >= BUSY_MS)
			goto fail;
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
		usleep(20 * 1000);
	}
	return a;
fail:
	audit_close(a);
	return NULL;
}

struct audit *
audit_open(struct px_err *e)
{
	const char *dir = px_data_dir(e);
	struct audit *a;
	char *db, *key;

	if (dir == NULL)
		return NULL;
	db = px_xasprintf("%s/audit.db", dir);
	key = px_xasprintf("%s/audit.key", dir);
	a = audit_open_at(db, key, e);
	free(db);
	free(key);
	return a;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	sqlite3_close(a->db);
	explicit_bzero(a->key, sizeof(a->key));
	px_hmac256_clear(&a->hm);
	free(a->path);
	free(a->seal);
	free(a);
}

/* The head, after checking its MAC.  1 when there is none. */
static int
head_read(struct audit *a, long long *last_id, char *last_mac,
    long long *count, struct px_err *e)
{
	sqlite3_stmt *st;
	struct buf canon = { 0 };
	char mac[MAC_HEX + 1];
	const char *lm, *hm;
	int rc, step;

	if (sqlite3_prepare_v2(a->db, "SELECT last_id, last_mac, count, mac "
	    "FROM head WHERE one = 1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(a, e, "reading the head");
	if ((step = sqlite3_step(st)) == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 1;
	}
	if (step != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(a, e, "reading the head");
	}
	*last_id = sqlite3_column_int64(st, 0);
	lm = (const char *)sqlite3_column_text(st, 1);
	*count = sqlite3_column_int64(st, 2);
	hm = (const char *)sqlite3_column_text(st, 3);
	snprintf(last_mac, MAC_HEX + 1, "%s", lm ? lm : "");
	head_canon(&canon, *last_id, last_mac, *count);
	mac_hex(a, &canon, mac);
	rc = sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
	    sqlite3_column_type(st, 2) == SQLITE_INTEGER &&
	    lm != NULL && strlen(lm) == MAC_HEX && mac_equal(mac, hm) ? 0 : 2;
	sqlite3_finalize(st);
	buf_free(&canon);
	return rc;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int
audit_append(struct audit *a, struct audit_entry *ent, struct px_err *e)
{
	static const char ins[] = "INSERT INTO audit(" ROW_COLS ") VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
	struct audit_entry c = *ent;
	char *text[8] = { 0 };
	const char **field[8] = { &c.profile, &c.user, &c.action, &c.target,
	    &c.params, &c.decision, &c.upid, &c.result };
	sqlite3_stmt *st = NULL;
	struct buf canon = { 0 };
	char prev[MAC_HEX + 1], mac[MAC_HEX + 1];
	long long last_id = 0, count = 0;
	int h, rc = -1;

	for (int i = 0; i < 8; i++)
		*field[i] = text[i] = utf8_clean(*field[i]);
	if (c.time == 0)
		c.time = (long long)time(NULL);
	if (exec(a, "BEGIN IMMEDIATE", e) != 0)
		goto done;
	if ((h = head_read(a, &last_id, prev, &count, e)) < 0)
		goto out;
	if (h > 0) {
		px_fail(e, PXE_IO, "audit log %s is damaged: its head record "
		    "is %s; refusing to append", a->path,
		    h == 1 ? "missing" : "forged or corrupt");
		px_hint(e, "run px audit verify; keep the file as evidence and "
		    "move it aside to start a new log");
		goto out;
	}
	{
		char why[384];
		int sc = seal_check(a, last_id, count, prev, why, sizeof(why),
		    e);

		if (sc < 0)
			goto out;
		if (sc > 0) {
			px_fail(e, PXE_IO, "audit log %s is damaged: %s; "
			    "refusing to append", a->path, why);
			px_hint(e, "run px audit verify; keep the log and its "
			    "seal as evidence and move them aside to start a "
			    "new log");
			goto out;
		}
	}
	c.id = last_id + 1;
	row_canon(&canon, &c, prev);
	mac_hex(a, &canon, mac);
	if (sqlite3_prepare_v2(a->db, ins, -1, &st, NULL) != SQLITE_OK) {
		db_fail(a, e, "append");
		goto out;
	}
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_int64(st, 2, c.time);
	for (int i = 0; i < 8; i++)
		bind_text(st, 3 + i, *field[i]);
	if (c.ref != 0)
		sqlite3_bind_int64(st, 11, c.ref);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_text(st, 12, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, mac, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(a, e, "append");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Read it back: a row a trigger dropped (RAISE(IGNORE)) or changed
	 * must not account for a change that then happens. */
	if (sqlite3_changes(a->db) != 1 || sqlite3_prepare_v2(a->db,
	    "SELECT mac FROM audit WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		px_fail(e, PXE_IO, "audit log %s: the entry was not written",
		    a->path);
		goto out;
	}
	sqlite3_bind_int64(st, 1, c.id);
	if (sqlite3_step(st) != SQLITE_ROW || !mac_equal((const char *)
	    sqlite3_column_text(st, 0), mac)) {
		px_fail(e, PXE_IO, "audit log %s: the entry was not written as "
		    "it was given (a trigger, or tampering?)", a->path);
		px_hint(e, "run px audit verify; nothing is changed without "
		    "its audit entry");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	head_canon(&canon, c.id, mac, count + 1);
	mac_hex(a, &canon, prev);	/* prev now holds the head's MAC */
	if (sqlite3_prepare_v2(a->db, "UPDATE head SET last_id = ?1, "
	    "last_mac = ?2, count = ?3, mac = ?4 WHERE one = 1", -1, &st,
	    NULL) != SQLITE_OK) {
		db_fail(a, e, "updating the head");
		goto out;
	}
	sqlite3_bind_int64(st, 1, c.id);
	sqlite3_bind_text(st, 2, mac, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, count + 1);
	sqlite3_bind_text(st, 4, prev, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(a->db) != 1) {
		db_fail(a, e, "updating the head");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc == 0 && exec(a, "COMMIT", e) != 0)
		rc = -1;
	if (rc != 0) {
		exec(a, "ROLLBACK", NULL);
	} else {
		ent->id = c.id;
		ent->time = c.time;
		/* In audit.db itself, not only in its -wal file, and the
		 * seal outside it: removing the -wal or the db is seen. */
		sqlite3_wal_checkpoint_v2(a->db, NULL,
		    SQLITE_CHECKPOINT_FULL, NULL, NULL);
		if (seal_write(a, c.id, mac, count + 1, e) != 0)
			rc = -1;
	}
done:
	for (int i = 0; i < 8; i++)
		free(text[i]);
	buf_free(&canon);
	return rc;
}

/* Fill ent from a row of a ROW_COLS statement (pointers into st). */
static void
row_entry(sqlite3_stmt *st, struct audit_entry *ent)
{
	ent->id = sqlite3_column_int64(st, F_ID);
	ent->time = sqlite3_column_int64(st, F_TIME);
	ent->profile = (const char *)sqlite3_column_text(st, F_PROFILE);
	ent->user = (const char *)sqlite3_column_text(st, F_USER);
	ent->action = (const char *)sqlite3_column_text(st, F_ACTION);
	ent->target = (const char *)sqlite3_column_text(st, F_TARGET);
	ent->params = (const char *)sqlite3_column_text(st, F_PARAMS);
	ent->decision = (const char *)sqlite3_column_text(st, F_DECISION);
	ent->upid = (const char *)sqlite3_column_text(st, F_UPID);
	ent->result = (const char *)sqlite3_column_text(st, F_RESULT);
	ent->ref = sqlite3_column_int64(st, F_REF);
}

int
audit_each(struct audit *a, long long since, long long limit,
    int (*cb)(const struct audit_entry *ent, void *arg), void *arg,
    struct px_err *e)
{
	sqlite3_stmt *st;
	struct audit_entry ent;
	int step;

	if (sqlite3_prepare_v2(a->db, "SELECT " ROW_COLS " FROM (SELECT * "
	    "FROM audit WHERE time >= ?1 ORDER BY id DESC LIMIT ?2) "
	    "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return db_fail(a, e, "read");
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		row_entry(st, &ent);
		if (cb(&ent, arg) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_fail(a, e, "read");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * audit_verify reads the rows on this thread and checks them on a
 * second one (a million rows: SQLite's reading and the HMACs each take
 * about half of one core).  The reader copies each row, checked for
 * types and UTF-8 and numbered in sequence, into a batch; the checker
 * takes the batches in order and checks each row's MAC and its link to
 * the row before.  A batch is 4,096 rows or 1 MiB of their text.  The
 * first bad row in id order is the one reported: the reader stops at a
 * row it refuses, the checker at one it refuses, and a row the checker
 * refuses comes before the reader's.
 */
#define VBATCH	4096	/* rows a batch, at most */
#define VBATCH_TEXT	(1u << 20)	/* its text: handed over past this */

static int vbatch = VBATCH;	/* rows a batch (audit_verify_batch) */

void
audit_verify_batch(int rows)
{
	vbatch = rows > 0 && rows <= VBATCH ? rows : VBATCH;
}

struct vrow {
	long long id, time, ref;
	size_t off[F_N];	/* text fields in the batch's text; -1 NULL */
};

struct vbatch {
	struct vrow row[VBATCH];
	int n;
	struct buf text;
	int full;		/* for the checker (under mu) */
};

struct vcheck {
	const struct audit *a;
	struct vbatch b[2];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;		/* the reader is done (under mu) */
	int stop;		/* the checker found a bad row (under mu) */
	/* the checker's own */
	struct buf canon;
	char prev[MAC_HEX + 1];	/* the last row's stored MAC */
	long long last, n;	/* the last row checked, how many */
	long long bad_id;
	char why[200];
};

static const char *
vtext(const struct vbatch *b, const struct vrow *r, int f)
{
	return r->off[f] == (size_t)-1 ? NULL : b->text.p + r->off[f];
}

/* Check batch b's rows in order: 0, or 1 with c->bad_id and c->why. */
static int
vcheck_batch(struct vcheck *c, const struct vbatch *b)
{
	char mac[MAC_HEX + 1];

	for (int i = 0; i < b->n; i++) {
		const struct vrow *r = &b->row[i];
		const char *stored_prev = vtext(b, r, F_PREV);
		const char *stored_mac = vtext(b, r, F_MAC);
		struct audit_entry ent = {
			.id = r->id, .time = r->time, .ref = r->ref,
			.profile = vtext(b, r, F_PROFILE),
			.user = vtext(b, r, F_USER),
			.action = vtext(b, r, F_ACTION),
			.target = vtext(b, r, F_TARGET),
			.params = vtext(b, r, F_PARAMS),
			.decision = vtext(b, r, F_DECISION),
			.upid = vtext(b, r, F_UPID),
			.result = vtext(b, r, F_RESULT),
		};

		row_canon(&c->canon, &ent, stored_prev);
		mac_hex(c->a, &c->canon, mac);
		if (!mac_equal(mac, stored_mac)) {
			c->bad_id = r->id;
			snprintf(c->why, sizeof(c->why), "its MAC does not "
			    "match its contents: the row was altered");
			return 1;
		}
		if (!mac_equal(c->prev, stored_prev)) {
			c->bad_id = r->id;
			snprintf(c->why, sizeof(c->why), "it does not link to "
			    "row %lld: the chain was rebuilt or spliced",
			    c->last);
			return 1;
		}
		memcpy(c->prev, stored_mac, MAC_HEX + 1); /* checked: MAC_HEX */
		c->last = r->id;
		c->n++;
	}
	return 0;
}

static void *
vcheck_main(void *arg)
{
	struct vcheck *c = arg;
	int k = 0, bad = 0;

	for (;;) {
		struct vbatch *b = &c->b[k];

		pthread_mutex_lock(&c->mu);
		while (!b->full && !c->done)
			pthread_cond_wait(&c->cv, &c->mu);
		if (!b->full) {		/* done, and nothing left */
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		pthread_mutex_unlock(&c->mu);
		bad = vcheck_batch(c, b);
		pthread_mutex_lock(&c->mu);
		b->full = 0;
		c->stop = bad;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		if (bad)
			return NULL;
		k ^= 1;
	}
}

/*
 * Row st into batch b, with why set and 1 when it does not hold
 * well-formed values (numbers, and UTF-8 text without NUL; only
 * prev_mac and mac may not be NULL).
 */
static int
vread_row(sqlite3_stmt *st, struct vbatch *b, const char **why)
{
	struct vrow *r = &b->row[b->n];
	int t;

	if (sqlite3_column_type(st, F_ID) != SQLITE_INTEGER ||
	    sqlite3_column_type(st, F_TIME) != SQLITE_INTEGER ||
	    ((t = sqlite3_column_type(st, F_REF)) != SQLITE_INTEGER &&
	    t != SQLITE_NULL)) {
		*why = "a number field holds something else";
		return 1;
	}
	r->id = sqlite3_column_int64(st, F_ID);
	r->time = sqlite3_column_int64(st, F_TIME);
	r->ref = sqlite3_column_int64(st, F_REF);
	for (int f = F_PROFILE; f <= F_MAC; f++) {
		const char *s;
		size_t len;

		if (f == F_REF)
			continue;
		r->off[f] = (size_t)-1;
		if ((t = sqlite3_column_type(st, f)) == SQLITE_NULL &&
		    f != F_PREV && f != F_MAC)
			continue;
		if (t != SQLITE_TEXT) {
			*why = "a text field holds something else";
			return 1;
		}
		s = (const char *)sqlite3_column_text(st, f);
		len = (size_t)sqlite3_column_bytes(st, f);
		if (s == NULL || !utf8_valid(s, len)) {
			*why = "a text field is not valid UTF-8";
			return 1;
		}
		r->off[f] = b->text.len;
		buf_add(&b->text, s, len + 1);	/* its NUL too */
	}
	b->n++;
	return 0;
}

/* Hand batch *k to the checker (on this thread without one), and wait
 * for the other to be free: 1 when the checker has stopped. */
static int
vhand(struct vcheck *c, int threaded, int *k)
{
	struct vbatch *b = &c->b[*k];
	int stop;

	if (b->n == 0)
		return 0;
	if (!threaded) {
		stop = vcheck_batch(c, b);
		b->n = 0;
		buf_reset(&b->text);
		return stop;
	}
	pthread_mutex_lock(&c->mu);
	b->full = 1;
	pthread_cond_broadcast(&c->cv);
	*k ^= 1;
	b = &c->b[*k];
	while (b->full && !c->stop)
		pthread_cond_wait(&c->cv, &c->mu);
	stop = c->stop;
	pthread_mutex_unlock(&c->mu);
	b->n = 0;
	buf_reset(&b->text);
	return stop;
}

int
audit_verify(struct audit *a, long long *rows, long long *bad_id,
    char *why, size_t whylen, struct px_err *e)
{
	sqlite3_stmt *st;
	struct vcheck *c = px_xcalloc(1, sizeof(*c));
	char head_mac[MAC_HEX + 1];
	long long last = 0, head_id = 0, head_count = 0, rbad = 0;
	const char *bad = NULL;
	char rwhy[200] = "";
	pthread_t th;
	int step = SQLITE_DONE, h, rc = 1, threaded = 0, k = 0;

	*rows = 0;
	*bad_id = 0;
	c->a = a;
	snprintf(c->prev, sizeof(c->prev), "%s", genesis_mac);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* One read transaction: a concurrent append cannot slip in between
	 * the rows and the head. */
	if (exec(a, "BEGIN", e) != 0) {
		rc = -1;
		goto free;
	}
	if (sqlite3_prepare_v2(a->db, "SELECT " ROW_COLS " FROM audit ORDER "
	    "BY id", -1, &st, NULL) != SQLITE_OK) {
		db_fail(a, e, "read");
		exec(a, "ROLLBACK", NULL);
		rc = -1;
		goto free;
	}
	threaded = px_thread_start(&th, vcheck_main, c) == 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		long long id;

		if (vread_row(st, &c->b[k], &bad) != 0) {
			rbad = sqlite3_column_int64(st, F_ID);
			snprintf(rwhy, sizeof(rwhy), "%s", bad);
			break;
		}
		id = c->b[k].row[c->b[k].n - 1].id;
		if (id != last + 1) {
			c->b[k].n--;	/* not for the checker */
			rbad = last + 1;
			if (id > last + 1)
				snprintf(rwhy, sizeof(rwhy), "missing: row %lld "
				    "is followed by row %lld (%lld row%s "
				    "deleted)", last, id, id - last - 1,
				    id - last - 1 == 1 ? "" : "s");
			else
				snprintf(rwhy, sizeof(rwhy), "out of sequence: "
				    "row %lld is followed by row %lld", last,
				    id);
			break;
		}
		last = id;
		/* a row count, or a size: a log of huge rows (tampered)
		 * keeps two batches' text, not 4,096 rows of it */
		if ((c->b[k].n == vbatch || c->b[k].text.len >= VBATCH_TEXT) &&
		    vhand(c, threaded, &k) != 0)
			break;
	}
	vhand(c, threaded, &k);
	if (threaded) {
		pthread_mutex_lock(&c->mu);
		c->done = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(th, NULL);
	}
	if (c->bad_id != 0) {		/* the checker's comes first */
		*bad_id = c->bad_id;
		snprintf(why, whylen, "%s", c->why);
		goto out;
	}
	if (rbad != 0) {
		*bad_id = rbad;
		snprintf(why, whylen, "%s", rwhy);
		goto out;
	}
	if (step != SQLITE_DONE) {
		db_fail(a, e, "read");
		rc = -1;
		goto out;
	}
	*rows = c->n;
	if ((h = head_read(a, &head_id, head_mac, &head_count, e)) < 0) {
		rc = -1;
		goto out;
	}
	if (h == 1)
		snprintf(why, whylen, "the head record is missing (it was "
		    "deleted)");
	else if (h == 2)
		snprintf(why, whylen, "the head record's MAC does not match: "
		    "it was altered or forged");
	else if (head_id > last || head_count > c->n)
		snprintf(why, whylen, "the log was truncated: the head records "
		    "%lld row%s up to row %lld, the last row is %lld",
		    head_count, head_count == 1 ? "" : "s", head_id, last);
	else if (head_id != last || head_count != c->n ||
	    !mac_equal(head_mac, c->prev))
		snprintf(why, whylen, "the head (row %lld, %lld rows) does not "
		    "match the last row %lld and %lld rows", head_id,
		    head_count, last, c->n);
	else if ((h = seal_check(a, head_id, head_count, head_mac, why,
	    whylen, e)) != 0)
		rc = h < 0 ? -1 : 1;
	else
		rc = 0;
out:
	sqlite3_finalize(st);
	exec(a, "ROLLBACK", NULL);
free:
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	buf_free(&c->canon);
	buf_free(&c->b[0].text);
	buf_free(&c->b[1].text);
	free(c);
	return rc;
}

/* Whether a form key (percent-decoded, any case) names a secret. */
static int
secret_key(const char *k, size_t n)
{
	char low[128];
	size_t i, j = 0;

	for (i = 0; i < n && j < sizeof(low) - 1; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c == '%' && i + 2 < n) {
			unsigned int v;

			if (sscanf(k + i + 1, "%2x", &v) == 1) {
				c = (unsigned char)v;
				i += 2;
			}
		} else if (c == '+')
			c = ' ';
		low[j++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	low[j] = '\0';
	/* an ACME DNS plugin's data: the DNS API's credentials */
	if (strcmp(low, "data") == 0 || strcmp(low, "token") == 0 ||
	    strcmp(low, "keyring") == 0 || strcmp(low, "value") == 0)
		return 1;
	/* whole words: not keyboard (cluster options) or tokens and
	 * tokenid (an ACL's token ids are names, not secrets) */
	if (strstr(low, "password") || strstr(low, "secret") ||
	    strstr(low, "ticket"))
		return 1;
	j = strlen(low);
	if ((j >= 3 && strcmp(low + j - 3, "key") == 0) ||
	    (j >= 4 && strcmp(low + j - 4, "keys") == 0))
		return 1;
	return 0;
}

/* Whether key[0..n) is one of the comma list extra. */
static int
listed(const char *extra, const char *key, size_t n)
{
	for (const char *p = extra; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && strncmp(p, key, n) == 0)
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

void
audit_redact(const char *form, char *out, size_t n)
{
	audit_redact_keys(form, NULL, out, n);
}

void
audit_redact_keys(const char *form, const char *extra, char *out, size_t n)
{
	struct buf b = { 0 };
	const char *p = form ? form : "", *amp, *eq;

	while (*p != '\0') {
		size_t len;

		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq != NULL && (secret_key(p, (size_t)(eq - p)) ||
		    listed(extra, p, (size_t)(eq - p)))) {
			buf_add(&b, p, (size_t)(eq - p) + 1);
			buf_adds(&b, "REDACTED");
		} else
			buf_add(&b, p, len);
		if (amp == NULL)
			break;
		buf_addc(&b, '&');
		p = amp + 1;
	}
	if (n > 0)
		snprintf(out, n, "%s", buf_str(&b));
	buf_wipe(&b);
}

int
audit_parse_since(const char *s, long long now, long long *epoch)
{
	static const char *const formats[] = { "%Y-%m-%d", "%Y-%m-%d %H:%M",
	    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S" };
	long long d;
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		*epoch = strtoll(s, &end, 10);
		return errno == 0 ? 0 : -1;
	}
	if (px_parse_duration(s, &d) == 0) {
		*epoch = now - d;
		return 0;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end == NULL || *end != '\0')
			continue;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -1;
		*epoch = (long long)t;
		return 0;
	}
	return -1;
}
