/*
 * tcache.c -- the time-travel cache (tcache.h).
 *
 * Blob format: "PXT" 1, the kind (a TC_* bit), a varint row count, then
 * each row's fields in the order of its field table below: strings as a
 * varint length and the bytes, integers as zigzag varints, reals as the
 * 8 bytes of their IEEE 754 pattern, least significant first.  The same
 * table encodes and decodes, so the two cannot drift apart; decoding
 * checks every length against what is left and against the field's
 * size, so a damaged or hostile blob is an error, never an overrun.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>
#include <sqlite3.h>

#include "audit.h"
#include "buf.h"
#include "freeze.h"
#include "fsafe.h"
#include "tcache.h"

#define TC_APP_ID	0x50585443	/* "PXTC" */
#define TC_VERSION	1
#define TC_MAX_ROWS	1000000
#define TC_MIN_SIZE	(1LL << 20)	/* max_size below 1 MiB is refused */

struct tcache {
	sqlite3 *db;
	char path[4096];
	struct tcache_limits lim;
	sqlite3_stmt *ins_refresh, *ins_blob, *get_blob, *ins_part;
};

/* ---- the field tables ---- */

enum ftype { F_STR, F_INT, F_LL, F_U64, F_DBL };

struct field {
	enum ftype t;
	size_t off, size;
};

#define S(st, f) { F_STR, offsetof(struct st, f), sizeof(((struct st *)0)->f) }
#define I(st, f) { F_INT, offsetof(struct st, f), 0 }
#define L(st, f) { F_LL, offsetof(struct st, f), 0 }
#define U(st, f) { F_U64, offsetof(struct st, f), 0 }
#define D(st, f) { F_DBL, offsetof(struct st, f), 0 }

static const struct field node_f[] = {
	S(pve_node, name), S(pve_node, status), I(pve_node, online),
	D(pve_node, cpu), I(pve_node, maxcpu), U(pve_node, mem),
	U(pve_node, maxmem), U(pve_node, disk), U(pve_node, maxdisk),
	L(pve_node, uptime), S(pve_node, level), S(pve_node, ssl_fingerprint),
};
static const struct field guest_f[] = {
	I(pve_guest, vmid), S(pve_guest, type), S(pve_guest, name),
	S(pve_guest, node), S(pve_guest, status), D(pve_guest, cpu),
	D(pve_guest, maxcpu), U(pve_guest, mem), U(pve_guest, maxmem),
	U(pve_guest, disk), U(pve_guest, maxdisk), U(pve_guest, netin),
	U(pve_guest, netout), U(pve_guest, diskread), U(pve_guest, diskwrite),
	L(pve_guest, uptime), S(pve_guest, tags), S(pve_guest, pool),
	S(pve_guest, lock), S(pve_guest, hastate), I(pve_guest, template),
};
static const struct field storage_f[] = {
	S(pve_storage, storage), S(pve_storage, node), S(pve_storage, status),
	S(pve_storage, plugintype), S(pve_storage, content),
	I(pve_storage, shared), U(pve_storage, disk), U(pve_storage, maxdisk),
};
static const struct field task_f[] = {
	S(pve_task, upid), S(pve_task, node), S(pve_task, type),
	S(pve_task, id), S(pve_task, user), L(pve_task, starttime),
	L(pve_task, endtime), I(pve_task, running), S(pve_task, status),
	S(pve_task, exitstatus), I(pve_task, ok),
};

struct table {
	const struct field *f;
	int nf;
	size_t rowsize;
};

#define NF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct table *
table_of(unsigned kind)
{
	static const struct table t[] = {
		{ node_f, NF(node_f), sizeof(struct pve_node) },
		{ guest_f, NF(guest_f), sizeof(struct pve_guest) },
		{ storage_f, NF(storage_f), sizeof(struct pve_storage) },
		{ task_f, NF(task_f), sizeof(struct pve_task) },
	};

	switch (kind) {
	case TC_NODES: return &t[0];
	case TC_GUESTS: return &t[1];
	case TC_STORAGE: return &t[2];
	case TC_TASKS: return &t[3];
	}
	return NULL;
}

static const char *
kind_name(unsigned kind)
{
	switch (kind) {
	case TC_NODES: return "nodes";
	case TC_GUESTS: return "guests";
	case TC_STORAGE: return "storage";
	case TC_TASKS: return "tasks";
	}
	return "?";
}

/* ---- encoding ---- */

static void
put_uv(struct buf *b, uint64_t v)
{
	unsigned char c[10];
	int n = 0;

	do {
		c[n] = v & 0x7f;
		v >>= 7;
		if (v)
			c[n] |= 0x80;
		n++;
	} while (v);
	buf_add(b, c, (size_t)n);
}

static void
put_sv(struct buf *b, long long v)
{
	put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void
tcache_encode(unsigned kind, const void *rows, int n, unsigned char **out,
    size_t *len)
{
	const struct table *t = table_of(kind);
	struct buf b = { 0 };
	const char hdr[4] = { 'P', 'X', 'T', TC_VERSION };

	buf_add(&b, hdr, 4);
	buf_addc(&b, (char)kind);
	put_uv(&b, t ? (uint64_t)n : 0);
	for (int i = 0; t && i < n; i++) {
		const char *r = (const char *)rows + (size_t)i * t->rowsize;

		for (int k = 0; k < t->nf; k++) {
			const char *p = r + t->f[k].off;
			size_t sl;
			uint64_t u;
			double d;
			int iv;
			long long ll;

			switch (t->f[k].t) {
			case F_STR:
				sl = strnlen(p, t->f[k].size - 1);
				put_uv(&b, sl);
				buf_add(&b, p, sl);
				break;
			case F_INT:
				memcpy(&iv, p, sizeof(iv));
				put_sv(&b, iv);
				break;
			case F_LL:
				memcpy(&ll, p, sizeof(ll));
				put_sv(&b, ll);
				break;
			case F_U64:
				memcpy(&u, p, sizeof(u));
				put_uv(&b, u);
				break;
			case F_DBL: {
				unsigned char c[8];

				memcpy(&d, p, sizeof(d));
				memcpy(&u, &d, sizeof(u));
				for (int q = 0; q < 8; q++)
					c[q] = (unsigned char)(u >> (8 * q));
				buf_add(&b, c, 8);
				break;
			}
			}
		}
	}
	*len = b.len;
	*out = (unsigned char *)buf_steal(&b);
}

struct rd {
	const unsigned char *p;
	size_t len, off;
	int bad;
};

static uint64_t
get_uv(struct rd *r)
{
	uint64_t v = 0;

	for (int sh = 0; sh < 64; sh += 7) {
		unsigned char c;

		if (r->off >= r->len) {
			r->bad = 1;
			return 0;
		}
		c = r->p[r->off++];
		v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

static long long
get_sv(struct rd *r)
{
	uint64_t u = get_uv(r);

	return (long long)(u >> 1) ^ -(long long)(u & 1);
}

int
tcache_decode(unsigned kind, const unsigned char *p, size_t len, void **rows,
    int *n, struct px_err *e)
{
	const struct table *t = table_of(kind);
	struct rd r = { p, len, 5, 0 };
	uint64_t cnt;
	char *v;

	*rows = NULL;
	*n = 0;
	if (t == NULL || len < 5 || memcmp(p, "PXT", 3) != 0 ||
	    p[3] != TC_VERSION || p[4] != kind)
		return px_fail(e, PXE_PARSE, "a recorded %s list is not in "
		    "px's cache format", kind_name(kind));
	cnt = get_uv(&r);
	if (r.bad)
		return px_fail(e, PXE_PARSE, "a recorded %s list is damaged "
		    "(its row count)", kind_name(kind));
	/* every row takes at least one byte per field */
	if (cnt > TC_MAX_ROWS || cnt * (uint64_t)t->nf > len)
		return px_fail(e, PXE_PARSE, "a recorded %s list claims %llu "
		    "rows in %zu bytes", kind_name(kind),
		    (unsigned long long)cnt, len);
	v = px_xcalloc((size_t)cnt + 1, t->rowsize);
	for (uint64_t i = 0; i < cnt && !r.bad; i++) {
		char *row = v + i * t->rowsize;

		for (int k = 0; k < t->nf && !r.bad; k++) {
			char *q = row + t->f[k].off;
			uint64_t u;
			double d;
			int iv;
			long long ll;

			switch (t->f[k].t) {
			case F_STR:
				u = get_uv(&r);
				if (r.bad || u >= t->f[k].size ||
				    u > r.len - r.off) {
					r.bad = 1;
					break;
				}
				for (uint64_t c = 0; c < u; c++) {
					unsigned char ch = r.p[r.off + c];

					/* never a control character on a
					 * screen or in a table */
					q[c] = (char)(ch < 0x20 || ch == 0x7f ?
					    '?' : ch);
				}
				q[u] = '\0';
				r.off += u;
				break;
			case F_INT:
				ll = get_sv(&r);
				if (ll < INT_MIN || ll > INT_MAX)
					r.bad = 1;
				iv = (int)ll;
				memcpy(q, &iv, sizeof(iv));
				break;
			case F_LL:
				ll = get_sv(&r);
				memcpy(q, &ll, sizeof(ll));
				break;
			case F_U64:
				u = get_uv(&r);
				memcpy(q, &u, sizeof(u));
				break;
			case F_DBL:
				if (r.len - r.off < 8) {
					r.bad = 1;
					break;
				}
				u = 0;
				for (int c = 0; c < 8; c++)
					u |= (uint64_t)r.p[r.off + c] <<
					    (8 * c);
				r.off += 8;
				memcpy(&d, &u, sizeof(d));
				memcpy(q, &d, sizeof(d));
				break;
			}
		}
	}
	if (r.bad || r.off != r.len) {
		free(v);
		return px_fail(e, PXE_PARSE, "a recorded %s list is damaged "
		    "(at byte %zu of %zu)", kind_name(kind), r.off, len);
	}
	*rows = v;
	*n = (int)cnt;
	return 0;
}

/* ---- configuration, paths, time ---- */

static int
parse_size(const char *s, long long *out)
{
	char *end;
	unsigned long long v;
	int sh = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': sh = 10; end++; break;
	case 'm': case 'M': sh = 20; end++; break;
	case 'g': case 'G': sh = 30; end++; break;
	case 't': case 'T': sh = 40; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' && end[1] == 'B' ? 2 : 1;
	if (*end != '\0' || v > (1ULL << 50) >> sh)
		return -1;
	*out = (long long)(v << sh);
	return 0;
}

int
tcache_limits(const struct px_conf *c, struct tcache_limits *l,
    struct px_err *e)
{
	l->keep = 7 * 86400;
	l->max_size = 200LL << 20;
	for (size_t i = 0; c != NULL && i < c->nkv; i++) {
		const char *k = c->kv[i].key, *v = c->kv[i].value;

		if (strcmp(c->kv[i].section, "cache") != 0)
			continue;
		if (strcmp(k, "keep") == 0) {
			if (px_parse_duration(v, &l->keep) != 0 ||
			    l->keep <= 0)
				return px_fail(e, PXE_CONFIG, "%s: [cache] keep:"
				    " not a duration (e.g. 7d, 12h)", c->path);
		} else if (strcmp(k, "max_size") == 0) {
			if (parse_size(v, &l->max_size) != 0)
				return px_fail(e, PXE_CONFIG, "%s: [cache] "
				    "max_size: not a size (e.g. 200M, 1G)",
				    c->path);
			if (l->max_size < TC_MIN_SIZE)
				return px_fail(e, PXE_CONFIG, "%s: [cache] "
				    "max_size: at least 1M", c->path);
		} else {
			px_fail(e, PXE_CONFIG, "%s: [cache] %s: unknown key",
			    c->path, k);
			px_hint(e, "[cache] takes keep and max_size");
			return -1;
		}
	}
	return 0;
}

int
tcache_path(const char *profile, char *buf, size_t n, struct px_err *e)
{
	const char *dir = px_data_dir(e);
	struct buf b = { 0 };
	int rc;

	if (dir == NULL)
		return -1;
	buf_printf(&b, "%s/cache", dir);
	if (px_mkdirs(b.p, 0700, e) != 0) {
		buf_free(&b);
		return -1;
	}
	buf_addc(&b, '/');
	for (const unsigned char *p = (const unsigned char *)profile; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    (*p == '.' && p != (const unsigned char *)profile))
			buf_addc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	buf_adds(&b, ".db");
	if (b.len >= n)
		rc = px_fail(e, PXE_IO, "%s: path too long", b.p);
	else {
		memcpy(buf, b.p, b.len + 1);
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

int
tcache_parse_time(const char *s, long long now, long long *epoch)
{
	long long d;

	if (s == NULL || *s == '\0')
		return -1;
	if (strcmp(s, "now") == 0) {
		*epoch = now;
		return 0;
	}
	if (s[0] == '-' && px_parse_duration(s + 1, &d) == 0) {
		*epoch = now - d;
		return 0;
	}
	/* ISO 8601 with a zone: Z or +HH:MM / -HH:MM / +HHMM */
	{
		static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S",
		    "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M" };

		for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
			struct tm tm;
			char *end;
			int sign, hh, mm;

			memset(&tm, 0, sizeof(tm));
			end = strptime(s, fmts[i], &tm);
			if (end == NULL || *end == '\0')
				continue;
			if (strcmp(end, "Z") == 0)
				sign = 0, hh = mm = 0;
			else if ((*end == '+' || *end == '-') &&
			    ((strlen(end) == 6 && end[3] == ':' &&
			    sscanf(end + 1, "%2d:%2d", &hh, &mm) == 2) ||
			    (strlen(end) == 5 && strspn(end + 1,
			    "0123456789") == 4 &&
			    sscanf(end + 1, "%2d%2d", &hh, &mm) == 2)))
				sign = *end == '+' ? 1 : -1;
			else
				continue;
			if (hh > 23 || mm > 59)
				return -1;
			*epoch = (long long)timegm(&tm) -
			    sign * (hh * 3600LL + mm * 60);
			return 0;
		}
	}
	return audit_parse_since(s, now, epoch);
}

/* ---- the database ---- */

static int
db_fail(struct tcache *tc, const char *what, struct px_err *e)
{
	int code = sqlite3_errcode(tc->db);

	px_fail(e, PXE_IO, "%s: %s: %s", tc->path, what,
	    sqlite3_errmsg(tc->db));
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		px_hint(e, "the cache is damaged or not px's: remove %s "
		    "(pxtop records a new one)", tc->path);
	return -1;
}

static int
exec(struct tcache *tc, const char *sql, struct px_err *e)
{
	if (sqlite3_exec(tc->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(tc, "exec", e);
	return 0;
}

/* A single integer from sql (a pragma), or -1 with e. */
static long long
one_int(struct tcache *tc, const char *sql, struct px_err *e)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(tc->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(tc, "read", e);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		db_fail(tc, "read", e);
	sqlite3_finalize(st);
	return v;
}

static const char schema[] =
    "PRAGMA auto_vacuum = INCREMENTAL;"
    "BEGIN;"
    "CREATE TABLE refresh(id INTEGER PRIMARY KEY, time INTEGER NOT NULL);"
    "CREATE INDEX refresh_time ON refresh(time);"
    "CREATE TABLE blob(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    " kind INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE part(refresh INTEGER NOT NULL, kind INTEGER NOT NULL,"
    " blob INTEGER NOT NULL, PRIMARY KEY(refresh, kind)) WITHOUT ROWID;"
    "CREATE INDEX part_blob ON part(blob);"
    "PRAGMA application_id = 1347966019;"	/* TC_APP_ID */
    "PRAGMA user_version = 1;"
    "COMMIT;";

static int
prepare(struct tcache *tc, sqlite3_stmt **st, const char *sql,
    struct px_err *e)
{
	if (sqlite3_prepare_v3(tc->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    st, NULL) != SQLITE_OK)
		return db_fail(tc, "prepare", e);
	return 0;
}

/* Is tc's file px's cache, in a schema this px reads?  Creates the schema
 * in an empty file when create. */
static int
check_schema(struct tcache *tc, int create, struct px_err *e)
{
	long long pages, app, ver, tables;

	/* the first read of a file that is no database fails here */
	if ((pages = one_int(tc, "PRAGMA page_count", e)) < 0)
		return -1;
	if (pages == 0) {
		if (!create)
			return px_fail(e, PXE_NOT_FOUND, "%s: nothing recorded "
			    "yet (pxtop records every refresh)", tc->path);
		return exec(tc, schema, e);
	}
	if ((app = one_int(tc, "PRAGMA application_id", e)) < 0 ||
	    (ver = one_int(tc, "PRAGMA user_version", e)) < 0)
		return -1;
	if (app != TC_APP_ID) {
		px_fail(e, PXE_IO, "%s: not a px cache (a database of another "
		    "application, id %#llx)", tc->path, (unsigned long long)app);
		px_hint(e, "move it away; pxtop records a new cache there");
		return -1;
	}
	if (ver != TC_VERSION) {
		px_fail(e, PXE_IO, "%s: a cache of schema version %lld; this "
		    "px reads version %d", tc->path, ver, TC_VERSION);
		px_hint(e, "use the px that wrote it, or move it away");
		return -1;
	}
	tables = one_int(tc, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('refresh', 'blob', 'part')", e);
	if (tables < 0)
		return -1;
	if (tables != 3) {
		px_fail(e, PXE_IO, "%s: a px cache without its tables "
		    "(damaged)", tc->path);
		px_hint(e, "remove it; pxtop records a new one");
		return -1;
	}
	return 0;
}

/*
 * WAL with synchronous NORMAL: a commit appends to the WAL without an
 * fsync (a crash may lose the last refreshes, never damage the file), so
 * a record costs what encoding it does, not a disk flush (the bench:
 * 70 ms a refresh with a rollback journal on a slow disk, a few ms so).
 * The WAL is checkpointed every eighth of max_size and cut back to that
 * after, and tcache_prune keeps the pages in use under three quarters
 * of max_size: the database and its WAL together stay under max_size.
 */
static int
wal(struct tcache *tc, struct px_err *e)
{
	char sql[160];
	long long eighth = tc->lim.max_size / 8;

	if (one_int(tc, "PRAGMA journal_mode = WAL", e) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "PRAGMA synchronous = NORMAL; "
	    "PRAGMA journal_size_limit = %lld; PRAGMA wal_autocheckpoint = "
	    "%lld", eighth, eighth / 4096 > 16 ? eighth / 4096 : 16);
	return exec(tc, sql, e);
}

struct tcache *
tcache_open(const char *path, const struct tcache_limits *l, int create,
    struct px_err *e)
{
	struct tcache *tc;
	int fd;

	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW |
	    (create ? O_CREAT : 0), 0600)) < 0) {
		if (errno == ENOENT)
			px_fail(e, PXE_NOT_FOUND, "%s: nothing recorded yet "
			    "(pxtop records every refresh)", path);
		else
			px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fsafe_fd_check(fd, path, FSAFE_SECRET, "time-travel cache",
	    e) != 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	tc = px_xcalloc(1, sizeof(*tc));
	snprintf(tc->path, sizeof(tc->path), "%s", path);
	if (l)
		tc->lim = *l;
	else
		tcache_limits(NULL, &tc->lim, e);
	if (sqlite3_open_v2(path, &tc->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		db_fail(tc, "open", e);
		goto fail;
	}
	sqlite3_busy_timeout(tc->db, 5000);
	if (check_schema(tc, create, e) != 0)
		goto fail;
	if (wal(tc, e) != 0 ||
	    prepare(tc, &tc->ins_refresh, "INSERT INTO refresh(time) "
	    "VALUES (?)", e) != 0 ||
	    prepare(tc, &tc->ins_blob, "INSERT OR IGNORE INTO blob(hash, kind, "
	    "n, data) VALUES (?, ?, ?, ?)", e) != 0 ||
	    prepare(tc, &tc->get_blob, "SELECT id FROM blob WHERE hash = ?",
	    e) != 0 ||
	    prepare(tc, &tc->ins_part, "INSERT INTO part(refresh, kind, blob) "
	    "VALUES (?, ?, ?)", e) != 0)
		goto fail;
	return tc;
fail:
	tcache_close(tc);
	return NULL;
}

void
tcache_close(struct tcache *tc)
{
	if (tc == NULL)
		return;
	sqlite3_finalize(tc->ins_refresh);
	sqlite3_finalize(tc->ins_blob);
	sqlite3_finalize(tc->get_blob);
	sqlite3_finalize(tc->ins_part);
	sqlite3_close(tc->db);
	free(tc);
}

static int
step_done(struct tcache *tc, sqlite3_stmt *st, struct px_err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(tc, "write", e);
	return 0;
}

/* Store one list's blob (once per content) and its part of refresh id. */
static int
put_part(struct tcache *tc, long long id, unsigned kind, const void *rows,
    int n, struct px_err *e)
{
	unsigned char *blob, hash[32];
	size_t len;
	br_sha256_context h;
	long long bid = -1;
	int rc;

	tcache_encode(kind, rows, n, &blob, &len);
	br_sha256_init(&h);
	br_sha256_update(&h, blob, len);
	br_sha256_out(&h, hash);
	sqlite3_bind_blob(tc->ins_blob, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(tc->ins_blob, 2, (int)kind);
	sqlite3_bind_int(tc->ins_blob, 3, n);
	sqlite3_bind_blob64(tc->ins_blob, 4, blob, len, SQLITE_STATIC);
	rc = step_done(tc, tc->ins_blob, e);
	sqlite3_clear_bindings(tc->ins_blob);
	free(blob);
	if (rc != 0)
		return -1;
	sqlite3_bind_blob(tc->get_blob, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(tc->get_blob) == SQLITE_ROW)
		bid = sqlite3_column_int64(tc->get_blob, 0);
	sqlite3_reset(tc->get_blob);
	if (bid < 0)
		return db_fail(tc, "write", e);
	sqlite3_bind_int64(tc->ins_part, 1, id);
	sqlite3_bind_int(tc->ins_part, 2, (int)kind);
	sqlite3_bind_int64(tc->ins_part, 3, bid);
	return step_done(tc, tc->ins_part, e);
}

int
tcache_record(struct tcache *tc, const struct tcache_frame *f,
    struct px_err *e)
{
	long long id;

	if (exec(tc, "BEGIN IMMEDIATE", e) != 0)
		return -1;
	sqlite3_bind_int64(tc->ins_refresh, 1, f->time);
	if (step_done(tc, tc->ins_refresh, e) != 0)
		goto fail;
	id = sqlite3_last_insert_rowid(tc->db);
	if (((f->have & TC_NODES) && put_part(tc, id, TC_NODES, f->nodes,
	    f->nnodes, e) != 0) ||
	    ((f->have & TC_GUESTS) && put_part(tc, id, TC_GUESTS, f->guests,
	    f->nguests, e) != 0) ||
	    ((f->have & TC_STORAGE) && put_part(tc, id, TC_STORAGE,
	    f->storages, f->nstorages, e) != 0) ||
	    ((f->have & TC_TASKS) && put_part(tc, id, TC_TASKS, f->tasks,
	    f->ntasks, e) != 0))
		goto fail;
	if (exec(tc, "COMMIT", e) != 0)
		goto fail;
	return tcache_prune(tc, f->time, e);
fail:
	sqlite3_exec(tc->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

long long
tcache_used(struct tcache *tc)
{
	struct px_err e;
	long long pages = one_int(tc, "PRAGMA page_count", &e);
	long long freep = one_int(tc, "PRAGMA freelist_count", &e);
	long long size = one_int(tc, "PRAGMA page_size", &e);

	if (pages < 0 || freep < 0 || size < 0)
		return -1;
	return (pages - freep) * size;
}

/* Delete the refreshes "WHERE cond" (one ? bound to v) and every blob no
 * part uses any more. */
static int
drop_where(struct tcache *tc, const char *cond, long long v,
    struct px_err *e)
{
	char sql[2][256];
	sqlite3_stmt *st;
	int dropped = 0;

	snprintf(sql[0], sizeof(sql[0]), "DELETE FROM part WHERE refresh IN "
	    "(SELECT id FROM refresh WHERE %s)", cond);
	snprintf(sql[1], sizeof(sql[1]), "DELETE FROM refresh WHERE %s", cond);
	for (int i = 0; i < 2; i++) {
		if (sqlite3_prepare_v2(tc->db, sql[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return db_fail(tc, "prune", e);
		sqlite3_bind_int64(st, 1, v);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return db_fail(tc, "prune", e);
		}
		dropped += sqlite3_changes(tc->db);
		sqlite3_finalize(st);
	}
	/* the scan for orphans only when something went: most records
	 * drop nothing */
	return dropped == 0 ? 0 : exec(tc, "DELETE FROM blob WHERE id NOT IN "
	    "(SELECT blob FROM part)", e);
}

int
tcache_prune(struct tcache *tc, long long now, struct px_err *e)
{
	long long used, count, freep;

	/*
	 * Over the size: thin the older refreshes first (the first one of
	 * each minute kept past an hour old, of each ten minutes past six
	 * hours, of each hour past a day; then the same closer to now, for
	 * a cluster so big that its last hour does not fit), so that the
	 * cache reaches back further at a coarser step; only then drop the
	 * oldest.  The last ten minutes stay whole.
	 */
	static const struct { long long age, step; } thin[] = {
		{ 3600, 60 }, { 6 * 3600, 600 }, { 86400, 3600 },
		{ 600, 60 }, { 3600, 600 }, { 6 * 3600, 3600 },
		{ 600, 600 }, { 3600, 3600 },
	};

	if (drop_where(tc, "time < ?", now - tc->lim.keep, e) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(thin) / sizeof(thin[0]); i++) {
		char cond[256];

		if ((used = tcache_used(tc)) < 0)
			return db_fail(tc, "size", e);
		if (used <= tc->lim.max_size / 4 * 3)
			break;
		snprintf(cond, sizeof(cond), "id IN (SELECT id FROM (SELECT id, "
		    "row_number() OVER (PARTITION BY time / %lld ORDER BY time, "
		    "id) AS rn FROM refresh WHERE time < ?) WHERE rn > 1)",
		    thin[i].step);
		if (drop_where(tc, cond, now - thin[i].age, e) != 0)
			return -1;
	}
	/* the oldest eighth at a time until the pages in use fit */
	for (int guard = 0; guard < 64; guard++) {
		if ((used = tcache_used(tc)) < 0)
			return db_fail(tc, "size", e);
		if (used <= tc->lim.max_size / 4 * 3)
			break;
		if ((count = one_int(tc, "SELECT count(*) FROM refresh",
		    e)) < 0)
			return -1;
		if (count <= 1)
			break;	/* the newest refresh stays */
		if (drop_where(tc, "id IN (SELECT id FROM refresh ORDER BY "
		    "time, id LIMIT ?)", count / 8 > 0 ? count / 8 : 1,
		    e) != 0)
			return -1;
	}
	if ((freep = one_int(tc, "PRAGMA freelist_count", e)) < 0)
		return -1;
	if (freep > 0 && exec(tc, "PRAGMA incremental_vacuum", e) != 0)
		return -1;
	return 0;
}

/* ---- reading ---- */

/* The newest list of kind recorded at or before t: rows into f. */
static int
read_part(struct tcache *tc, long long t, unsigned kind,
    struct tcache_frame *f, struct px_err *e)
{
	sqlite3_stmt *st;
	void *rows = NULL;
	int n = 0, rc, slot = kind == TC_NODES ? 0 : kind == TC_GUESTS ? 1 :
	    kind == TC_STORAGE ? 2 : 3;

	if (sqlite3_prepare_v2(tc->db, "SELECT r.time, b.data FROM refresh r "
	    "JOIN part p ON p.refresh = r.id JOIN blob b ON b.id = p.blob "
	    "WHERE p.kind = ? AND r.time <= ? ORDER BY r.time DESC, r.id DESC "
	    "LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(tc, "read", e);
	sqlite3_bind_int(st, 1, (int)kind);
	sqlite3_bind_int64(st, 2, t);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_fail(tc, "read", e);
		sqlite3_finalize(st);
		return -1;
	}
	f->at[slot] = sqlite3_column_int64(st, 0);
	if (tcache_decode(kind, sqlite3_column_blob(st, 1),
	    (size_t)sqlite3_column_bytes(st, 1), &rows, &n, e) != 0) {
		px_hint(e, "the cache %s is damaged: remove it (pxtop records "
		    "a new one)", tc->path);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	f->have |= kind;
	switch (kind) {
	case TC_NODES: f->nodes = rows; f->nnodes = n; break;
	case TC_GUESTS: f->guests = rows; f->nguests = n; break;
	case TC_STORAGE: f->storages = rows; f->nstorages = n; break;
	case TC_TASKS: f->tasks = rows; f->ntasks = n; break;
	}
	return 0;
}

int
tcache_read(struct tcache *tc, long long at, struct tcache_frame *f,
    struct px_err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(f, 0, sizeof(*f));
	if (sqlite3_prepare_v2(tc->db, "SELECT time FROM refresh WHERE time "
	    "<= ? ORDER BY time DESC, id DESC LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(tc, "read", e);
	sqlite3_bind_int64(st, 1, at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		f->time = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return db_fail(tc, "read", e);
	for (unsigned k = TC_NODES; k <= TC_TASKS; k <<= 1)
		if (read_part(tc, f->time, k, f, e) != 0) {
			tcache_frame_free(f);
			return -1;
		}
	return 0;
}

void
tcache_frame_free(struct tcache_frame *f)
{
	free(f->nodes);
	free(f->guests);
	free(f->storages);
	free(f->tasks);
	memset(f, 0, sizeof(*f));
}

/* One time from sql with one bound value; 0 found, 1 none, -1. */
static int
one_time(struct tcache *tc, const char *sql, long long v, long long *out,
    struct px_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(tc->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(tc, "read", e);
	sqlite3_bind_int64(st, 1, v);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return db_fail(tc, "read", e);
}

int
tcache_step(struct tcache *tc, long long from, int dir, long long span,
    long long *to, struct px_err *e)
{
	int rc;

	if (dir < 0) {
		rc = one_time(tc, "SELECT max(time) FROM refresh WHERE time < ?",
		    span > 0 ? from - span + 1 : from, to, e);
		if (rc == 1 && span > 0)	/* not that far: the oldest */
			rc = one_time(tc, "SELECT min(time) FROM refresh WHERE "
			    "time < ?", from, to, e);
	} else {
		rc = one_time(tc, "SELECT min(time) FROM refresh WHERE time > ?",
		    span > 0 ? from + span - 1 : from, to, e);
		if (rc == 1 && span > 0)
			rc = one_time(tc, "SELECT max(time) FROM refresh WHERE "
			    "time > ?", from, to, e);
	}
	return rc;
}

int
tcache_span(struct tcache *tc, long long *oldest, long long *newest,
    long long *count, struct px_err *e)
{
	sqlite3_stmt *st;

	*oldest = *newest = *count = 0;
	if (sqlite3_prepare_v2(tc->db, "SELECT min(time), max(time), count(*) "
	    "FROM refresh", -1, &st, NULL) != SQLITE_OK)
		return db_fail(tc, "read", e);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(tc, "read", e);
	}
	*oldest = sqlite3_column_int64(st, 0);
	*newest = sqlite3_column_int64(st, 1);
	*count = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}
