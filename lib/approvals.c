/* approvals.c -- the queue of changes waiting for approval (approvals.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "approvals.h"
#include "audit.h"
#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "daemon_db.h"
#include "enc.h"
#include "hitl.h"
#include "hmac256.h"
#include "json.h"
#include "mutation.h"

#define REQUEST_MAX	(256 * 1024)	/* bytes of one queued request */
#define TARGETS_MAX	1000

struct approvals {
	sqlite3 *db;
};

static const char *const state_names[APPR_NSTATES] = {
	"pending", "asked", "approved", "running", "done", "failed", "denied",
	"expired", "cancelled", "unknown",
};

const char *
approval_state_name(enum appr_state s)
{
	return (unsigned)s < APPR_NSTATES ? state_names[s] : "?";
}

int
approval_state_parse(const char *s)
{
	for (int i = 0; i < APPR_NSTATES; i++)
		if (s && strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

int
approval_state_final(enum appr_state s)
{
	return s >= APPR_DONE;
}

long long
approval_parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	if (*s == '#')
		s++;
	if (*s < '1' || *s > '9' || strlen(s) > 15)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end != '\0' || v <= 0 ? -1 : v;
}

static int
db_fail(struct approvals *q, const char *what, struct px_err *e)
{
	return px_fail(e, PXE_IO, "approvals.db: %s: %s", what,
	    sqlite3_errmsg(q->db));
}

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS approvals ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " state TEXT NOT NULL, profile TEXT NOT NULL, action TEXT NOT NULL,"
    " kind TEXT NOT NULL, summary TEXT NOT NULL, policy TEXT NOT NULL,"
    " requester TEXT NOT NULL, timeout INTEGER NOT NULL,"
    " ntargets INTEGER NOT NULL, request TEXT NOT NULL, seal TEXT NOT NULL,"
    " nonce TEXT, msgid INTEGER, asked INTEGER, expires INTEGER,"
    " decided INTEGER, approver TEXT, runner TEXT, result TEXT,"
    " told INTEGER, dseal TEXT)";

/* A queue made before "told" existed: add it, and take every row past
 * asking as told (the daemon edited those messages itself). */
static const char add_told[] =
    "ALTER TABLE approvals ADD COLUMN told INTEGER;"
    "UPDATE approvals SET told = 1 WHERE state NOT IN ('pending', 'asked')";

/* A queue made before the decision was sealed: add its column.  A row
 * approved then and not yet carried out has no decision seal, and is
 * refused as tampered: approve it again. */
static const char add_dseal[] = "ALTER TABLE approvals ADD COLUMN dseal TEXT";

/* Whether the table has column col. */
static int
has_col(sqlite3 *db, const char *col)
{
	sqlite3_stmt *st;
	char q[128];

	snprintf(q, sizeof(q), "SELECT %s FROM approvals LIMIT 0", col);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_finalize(st);
	return 1;
}

struct approvals *
approvals_open(const char *path, struct px_err *e)
{
	struct approvals *q;
	char buf[4096];
	const char *dir;
	sqlite3 *db;

	if (path == NULL) {
		if ((dir = px_data_dir(e)) == NULL)
			return NULL;
		snprintf(buf, sizeof(buf), "%s/approvals.db", dir);
		path = buf;
	}
	/* 0600 and owned by us, or refused (daemon_db_open) */
	if ((db = daemon_db_open(path, e)) == NULL) {
		px_wrap(e, "approvals queue");
		return NULL;
	}
	q = px_xcalloc(1, sizeof(*q));
	q->db = db;
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(q, "create", e);
		approvals_close(q);
		return NULL;
	}
	if ((!has_col(db, "told") && sqlite3_exec(db, add_told, NULL, NULL,
	    NULL) != SQLITE_OK && !has_col(db, "told")) ||
	    (!has_col(db, "dseal") && sqlite3_exec(db, add_dseal, NULL, NULL,
	    NULL) != SQLITE_OK && !has_col(db, "dseal"))) {
		db_fail(q, "upgrade", e);
		approvals_close(q);
		return NULL;
	}
	return q;
}

void
approvals_close(struct approvals *q)
{
	if (q == NULL)
		return;
	daemon_db_close(q->db);
	free(q);
}

/* ---- the seal ---- */

static int
ct_equal(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static void
seal_field(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:%s\n", strlen(s), s);
}

/* HMAC-SHA256 of b in hex, keyed with HMAC(hitl.key, label). */
static int
mac_hex(const char *label, const struct buf *b, char out[65],
    struct px_err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char key[HITL_KEY_LEN], sub[32], mac[32];
	struct px_hmac256 h;

	if (hitl_key_load(key, e) != 0)
		return -1;
	px_hmac256_init(&h, key, sizeof(key));
	px_hmac256(&h, label, strlen(label), sub);
	px_hmac256_clear(&h);
	explicit_bzero(key, sizeof(key));
	px_hmac256_init(&h, sub, sizeof(sub));
	px_hmac256(&h, b->p, b->len, mac);
	px_hmac256_clear(&h);
	explicit_bzero(sub, sizeof(sub));
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* The seal of a row: HMAC-SHA256, keyed with HMAC(hitl.key, "px
 * approvals v1"), over its id and every value that says what it does. */
static int
seal_of(long long id, long long created, const char *profile,
    const char *action, const char *kind, const char *summary,
    const char *policy, const char *requester, long timeout,
    const char *request, char out[65], struct px_err *e)
{
	struct buf b = { 0 };
	int rc;

	buf_printf(&b, "%lld\n%lld\n%ld\n", id, created, timeout);
	seal_field(&b, profile);
	seal_field(&b, action);
	seal_field(&b, kind);
	seal_field(&b, summary);
	seal_field(&b, policy);
	seal_field(&b, requester);
	seal_field(&b, request);
	rc = mac_hex("px approvals v1", &b, out, e);
	buf_free(&b);
	return rc;
}

/*
 * The seal of an approval (dseal), made when a row moves to approved
 * with its approver: over the row's id, its seal and the approver.  The
 * daemon carries out only a row whose decision carries it, so a row set
 * to approved behind px's back (sqlite3 approvals.db) is refused as
 * tampered, as a changed request is.
 */
static int
dseal_of(long long id, const char *seal, const char *approver,
    char out[65], struct px_err *e)
{
	struct buf b = { 0 };
	int rc;

	buf_printf(&b, "%lld\napproved\n", id);
	seal_field(&b, seal);
	seal_field(&b, approver);
	rc = mac_hex("px approvals decision v1", &b, out, e);
	buf_free(&b);
	return rc;
}

/* ---- the request as JSON ---- */

static const char *
recheck_name(gate_recheck_fn f)
{
	if (f == NULL)
		return NULL;
	if (f == mutation_recheck_stopped)
		return "stopped";
	return "?";
}

static gate_recheck_fn
recheck_fn(const char *name, int *ok)
{
	*ok = 1;
	if (name == NULL)
		return NULL;
	if (strcmp(name, "stopped") == 0)
		return mutation_recheck_stopped;
	*ok = 0;
	return NULL;
}

static void
write_call(struct jw *w, const char *key, const struct gate_call *k)
{
	jw_key(w, key);
	if (k->method == NULL) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "method", k->method);
	jw_kstr(w, "path", k->path.len ? k->path.p : "");
	jw_kstr(w, "form", k->form.len ? k->form.p : "");
	jw_kstr(w, "redact", k->redact);
	jw_end(w);
}

static void
write_risk(struct jw *w, const char *target, const struct risk_report *rep)
{
	for (int i = 0; i < rep->n; i++) {
		jw_obj(w);
		jw_kstr(w, "target", target);
		jw_kstr(w, "level", risk_level_name(rep->f[i].level));
		jw_kstr(w, "check", rep->f[i].check);
		jw_kstr(w, "detail", rep->f[i].detail);
		jw_end(w);
	}
}

/* Can r be carried out later exactly as now? */
static int
replayable(const struct gate_req *r, struct px_err *e)
{
	const char *why = NULL;

	if (r->assess != NULL)
		why = "its pre-flight check belongs to the command";
	if (r->call.upload != NULL || (r->call.method &&
	    strcmp(r->call.method, "RUN") == 0))
		why = "it streams a file or runs a local program";
	if (strcmp(recheck_name(r->recheck) ? recheck_name(r->recheck) : "",
	    "?") == 0)
		why = "its last-moment check belongs to the command";
	for (int i = 0; i < r->n && why == NULL; i++) {
		const struct gate_target *t = &r->t[i];

		if (t->call.upload || (t->call.method &&
		    strcmp(t->call.method, "RUN") == 0))
			why = "it streams a file or runs a local program";
		else if (t->recheck && strcmp(recheck_name(t->recheck), "?")
		    == 0)
			why = "its last-moment check belongs to the command";
	}
	if (why == NULL)
		return 0;
	px_fail(e, PXE_USAGE, "%s cannot be queued for approval: %s", r->summary,
	    why);
	px_hint(e, "run it without --approve-async (and with mode = sync in "
	    "the [policy]) to wait for the approval instead");
	return -1;
}

static char *
request_json(const struct gate_req *r)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kint(&w, "v", 1);
	jw_kstr(&w, "action", r->action);
	jw_kstr(&w, "kind", r->kind);
	jw_kstr(&w, "summary", r->summary);
	jw_kbool(&w, "destructive", r->destructive);
	jw_kbool(&w, "own_size", r->own_size);
	jw_kstr(&w, "id", r->id);
	jw_kstr(&w, "recheck", recheck_name(r->recheck));
	write_call(&w, "call", &r->call);
	jw_key(&w, "targets");
	jw_arr(&w);
	for (int i = 0; i < r->n; i++) {
		const struct gate_target *t = &r->t[i];

		jw_obj(&w);
		jw_kstr(&w, "id", t->id);
		jw_kstr(&w, "summary", t->summary);
		jw_kint(&w, "covered_by", t->covered_by);
		jw_kbool(&w, "refused", t->refused);
		jw_kstr(&w, "recheck", recheck_name(t->recheck));
		jw_key(&w, "guest");
		if (t->has_guest) {
			jw_obj(&w);
			jw_kint(&w, "vmid", t->guest.vmid);
			jw_kstr(&w, "type", t->guest.type);
			jw_kstr(&w, "name", t->guest.name);
			jw_kstr(&w, "node", t->guest.node);
			jw_kstr(&w, "status", t->guest.status);
			jw_kstr(&w, "tags", t->guest.tags);
			jw_kstr(&w, "pool", t->guest.pool);
			jw_end(&w);
		} else {
			jw_null(&w);
		}
		write_call(&w, "call", &t->call);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "risk");
	jw_arr(&w);
	write_risk(&w, r->id[0] ? r->id : "-", &r->risk);
	for (int i = 0; i < r->n; i++)
		write_risk(&w, r->t[i].id, &r->t[i].risk);
	jw_end(&w);
	jw_end(&w);
	return buf_steal(&b);
}

/* ---- transactions ---- */

static int
begin(struct approvals *q, struct px_err *e)
{
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return db_fail(q, "begin", e);
	return 0;
}

static int
commit(struct approvals *q, struct px_err *e)
{
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(q, "commit", e);
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void
rollback(struct approvals *q)
{
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

int
approvals_queue(struct approvals *q, const struct gate_req *r,
    const char *profile, const char *policy, long timeout, int allow_risk,
    const char *requester, long long *id, struct px_err *e)
{
	sqlite3_stmt *st = NULL;
	char seal[65], *req, *full;
	long long now = (long long)time(NULL);
	struct buf b = { 0 };
	int rc = -1;

	*id = 0;
	if (replayable(r, e) != 0)
		return -1;
	req = request_json(r);
	/* allow_risk is part of what was asked: sealed with the rest */
	buf_printf(&b, "{\"allow_risk\":%s,\"req\":%s}", allow_risk ? "true" :
	    "false", req);
	free(req);
	full = buf_steal(&b);
	if (strlen(full) > REQUEST_MAX) {
		px_fail(e, PXE_TOO_LARGE, "%s: too large to queue (%zu bytes)",
		    r->summary, strlen(full));
		free(full);
		return -1;
	}
	if (begin(q, e) != 0) {
		free(full);
		return -1;
	}
	if (sqlite3_prepare_v2(q->db, "INSERT INTO approvals (created, "
	    "updated, state, profile, action, kind, summary, policy, "
	    "requester, timeout, ntargets, request, seal) VALUES (?1, ?1, "
	    "'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '')", -1, &st,
	    NULL) != SQLITE_OK) {
		db_fail(q, "queue", e);
		goto out;
	}
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind ? r->kind : "-", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->summary, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, policy, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, requester, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, timeout);
	sqlite3_bind_int(st, 9, r->n);
	sqlite3_bind_text(st, 10, full, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(q, "queue", e);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	*id = sqlite3_last_insert_rowid(q->db);
	if (seal_of(*id, now, profile, r->action, r->kind ? r->kind : "-",
	    r->summary, policy, requester, timeout, full, seal, e) != 0)
		goto out;
	if (sqlite3_prepare_v2(q->db, "UPDATE approvals SET seal = ?1 WHERE "
	    "id = ?2", -1, &st, NULL) != SQLITE_OK) {
		db_fail(q, "queue", e);
		goto out;
	}
	sqlite3_bind_text(st, 1, seal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(q, "queue", e);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc == 0)
		rc = commit(q, e);
	else
		rollback(q);
	if (rc != 0)
		*id = 0;
	free(full);
	return rc;
}

/* ---- reading ---- */

#define COLS "id, state, profile, action, kind, summary, policy, requester, " \
	"timeout, created, updated, asked, expires, decided, nonce, msgid, " \
	"approver, runner, result, ntargets, request, seal, told, dseal"

static void
col_str(sqlite3_stmt *st, int c, char *out, size_t n)
{
	const unsigned char *s = sqlite3_column_text(st, c);

	snprintf(out, n, "%s", s ? (const char *)s : "");
	text_sanitize(out);
}

static void
row_read(sqlite3_stmt *st, struct approval *a)
{
	int s;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	s = approval_state_parse((const char *)sqlite3_column_text(st, 1));
	a->state = s < 0 ? APPR_UNKNOWN : (enum appr_state)s;
	col_str(st, 2, a->profile, sizeof(a->profile));
	col_str(st, 3, a->action, sizeof(a->action));
	col_str(st, 4, a->kind, sizeof(a->kind));
	col_str(st, 5, a->summary, sizeof(a->summary));
	col_str(st, 6, a->policy, sizeof(a->policy));
	col_str(st, 7, a->requester, sizeof(a->requester));
	a->timeout = (long)sqlite3_column_int64(st, 8);
	a->created = sqlite3_column_int64(st, 9);
	a->updated = sqlite3_column_int64(st, 10);
	a->asked = sqlite3_column_int64(st, 11);
	a->expires = sqlite3_column_int64(st, 12);
	a->decided = sqlite3_column_int64(st, 13);
	col_str(st, 14, a->nonce, sizeof(a->nonce));
	a->msgid = sqlite3_column_int64(st, 15);
	col_str(st, 16, a->approver, sizeof(a->approver));
	col_str(st, 17, a->runner, sizeof(a->runner));
	col_str(st, 18, a->result, sizeof(a->result));
	a->ntargets = sqlite3_column_int(st, 19);
	a->told = sqlite3_column_int(st, 22) != 0;
}

int
approvals_list(struct approvals *q, struct approval **out, int *n,
    struct px_err *e)
{
	sqlite3_stmt *st;
	struct approval *v = NULL;
	int k = 0, cap = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(q->db, "SELECT " COLS " FROM approvals ORDER "
	    "BY id DESC LIMIT 10000", -1, &st, NULL) != SQLITE_OK)
		return db_fail(q, "list", e);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 16;
			v = px_xrealloc(v, (size_t)cap * sizeof(*v));
		}
		row_read(st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(v);
		return db_fail(q, "list", e);
	}
	*out = v;
	*n = k;
	return 0;
}

void
approvals_list_free(struct approval *a, int n)
{
	for (int i = 0; i < n; i++)
		approval_free(&a[i]);
	free(a);
}

void
approval_free(struct approval *a)
{
	free(a->request);
	for (int i = 0; i < a->nkeep; i++)
		free(a->keep[i]);
	free(a->keep);
	a->request = NULL;
	a->keep = NULL;
	a->nkeep = 0;
}

int
approvals_get(struct approvals *q, long long id, struct approval *a,
    struct px_err *e)
{
	sqlite3_stmt *st;
	const unsigned char *req, *seal, *prof, *act, *kind, *sum, *pol, *who;
	char want[65];
	int step, rc = -1;
	struct px_err se;

	memset(a, 0, sizeof(*a));
	if (sqlite3_prepare_v2(q->db, "SELECT " COLS " FROM approvals WHERE "
	    "id = ?1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(q, "read", e);
	sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) != SQLITE_ROW) {
		if (step == SQLITE_DONE) {
			px_fail(e, PXE_NOT_FOUND, "no approval request %lld",
			    id);
			px_hint(e, "px approvals list shows them");
		} else {
			db_fail(q, "read", e);
		}
		goto out;
	}
	row_read(st, a);
	/* the seal is checked on the values as stored, not as shown */
	req = sqlite3_column_text(st, 20);
	seal = sqlite3_column_text(st, 21);
	prof = sqlite3_column_text(st, 2);
	act = sqlite3_column_text(st, 3);
	kind = sqlite3_column_text(st, 4);
	sum = sqlite3_column_text(st, 5);
	pol = sqlite3_column_text(st, 6);
	who = sqlite3_column_text(st, 7);
	if (req && seal && prof && act && kind && sum && pol && who &&
	    sqlite3_column_type(st, 8) == SQLITE_INTEGER &&
	    sqlite3_column_type(st, 9) == SQLITE_INTEGER &&
	    seal_of(a->id, a->created, (const char *)prof, (const char *)act,
	    (const char *)kind, (const char *)sum, (const char *)pol,
	    (const char *)who, a->timeout, (const char *)req, want, &se) == 0)
		a->intact = strlen((const char *)seal) == 64 &&
		    ct_equal(want, (const char *)seal, 64);
	/* An approval still to act on carries the seal of its decision;
	 * any other row's, when it has one, must match too. */
	if (a->intact) {
		const unsigned char *ds = sqlite3_column_text(st, 23);
		const unsigned char *ap = sqlite3_column_text(st, 16);
		int needed = a->state == APPR_APPROVED ||
		    a->state == APPR_RUNNING;

		if (ds == NULL || *ds == '\0')
			a->intact = !needed;
		else
			a->intact = ap != NULL && strlen((const char *)ds) ==
			    64 && dseal_of(a->id, (const char *)seal,
			    (const char *)ap, want, &se) == 0 &&
			    ct_equal(want, (const char *)ds, 64);
	}
	a->request = px_xstrdup(req ? (const char *)req : "");
	/* what was shown must be what was sealed */
	if (a->intact && (strcmp(a->summary, (const char *)sum) != 0 ||
	    strcmp(a->profile, (const char *)prof) != 0 ||
	    strcmp(a->action, (const char *)act) != 0))
		a->intact = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- transitions ---- */

/* The state of row id inside a transaction: 0..N, or -1 (e: not found
 * or a read error). */
static int
state_of(struct approvals *q, long long id, struct px_err *e)
{
	sqlite3_stmt *st;
	int s = -1, step;

	if (sqlite3_prepare_v2(q->db, "SELECT state FROM approvals WHERE id "
	    "= ?1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(q, "read", e);
	sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		s = approval_state_parse((const char *)sqlite3_column_text(st,
		    0));
		if (s < 0)
			s = APPR_UNKNOWN;
	} else if (step == SQLITE_DONE) {
		px_fail(e, PXE_NOT_FOUND, "no approval request %lld", id);
		px_hint(e, "px approvals list shows them");
	} else {
		db_fail(q, "read", e);
	}
	sqlite3_finalize(st);
	return s;
}

static void
bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_opt_int(sqlite3_stmt *st, int i, long long v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Inside approvals_move's transaction: row id is approved by approver,
 * its dseal written (a run again after a daemon stopped keeps the one
 * of the decision). */
static int
seal_decision(struct approvals *q, long long id, const char *approver,
    struct px_err *e)
{
	sqlite3_stmt *st;
	char ds[65], *seal = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(q->db, "SELECT seal FROM approvals WHERE id = "
	    "?1", -1, &st, NULL) != SQLITE_OK)
		return db_fail(q, "read", e);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		seal = px_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (seal == NULL)
		return db_fail(q, "read", e);
	if (dseal_of(id, seal, approver, ds, e) != 0)
		goto out;
	if (sqlite3_prepare_v2(q->db, "UPDATE approvals SET dseal = ?1 WHERE "
	    "id = ?2", -1, &st, NULL) != SQLITE_OK) {
		db_fail(q, "update", e);
		goto out;
	}
	sqlite3_bind_text(st, 1, ds, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(q, "update", e);
	sqlite3_finalize(st);
out:
	free(seal);
	return rc;
}

int
approvals_move(struct approvals *q, long long id, unsigned from,
    enum appr_state to, const struct appr_update *u, struct px_err *e)
{
	static const struct appr_update none;
	sqlite3_stmt *st = NULL;
	long long now = (long long)time(NULL);
	int s, rc = -1;

	if (u == NULL)
		u = &none;
	if (begin(q, e) != 0)
		return -1;
	if ((s = state_of(q, id, e)) < 0)
		goto out;
	if (!(from & APPR_BIT(s))) {
		rc = 1;		/* moved by someone else: nothing to do */
		goto out;
	}
	if (sqlite3_prepare_v2(q->db, "UPDATE approvals SET state = ?1, "
	    "updated = ?2, nonce = coalesce(?3, nonce), msgid = coalesce(?4, "
	    "msgid), asked = coalesce(?5, asked), expires = coalesce(?6, "
	    "expires), approver = coalesce(?7, approver), runner = "
	    "coalesce(?8, runner), result = coalesce(?9, result), decided = "
	    "CASE WHEN ?1 IN ('approved', 'denied', 'cancelled', 'expired') "
	    "THEN ?2 ELSE decided END WHERE id = ?10", -1, &st, NULL) !=
	    SQLITE_OK) {
		db_fail(q, "update", e);
		goto out;
	}
	sqlite3_bind_text(st, 1, approval_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	bind_opt_text(st, 3, u->nonce);
	bind_opt_int(st, 4, u->msgid);
	bind_opt_int(st, 5, u->asked);
	bind_opt_int(st, 6, u->expires);
	bind_opt_text(st, 7, u->approver);
	bind_opt_text(st, 8, u->runner);
	bind_opt_text(st, 9, u->result);
	sqlite3_bind_int64(st, 10, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(q, "update", e);
		goto out;
	}
	if (to == APPR_APPROVED && u->approver != NULL &&
	    seal_decision(q, id, u->approver, e) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	if (rc == 0)
		rc = commit(q, e);
	else
		rollback(q);
	return rc;
}

int
approvals_set_msgid(struct approvals *q, long long id, long long msgid,
    struct px_err *e)
{
	struct appr_update u = { .msgid = msgid };
	int rc = approvals_move(q, id, APPR_BIT(APPR_ASKED), APPR_ASKED, &u, e);

	return rc < 0 ? -1 : 0;
}

int
approvals_claim_told(struct approvals *q, long long id, struct px_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, "UPDATE approvals SET told = 1 WHERE "
	    "id = ?1 AND told IS NULL", -1, &st, NULL) != SQLITE_OK)
		return db_fail(q, "update", e);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(q, "update", e);
	}
	sqlite3_finalize(st);
	rc = sqlite3_changes(q->db) == 1 ? 0 : 1;
	return rc;
}

/* A refusal of a move to to: what the row is now. */
static int
moved_already(struct approvals *q, long long id, const char *verb,
    struct px_err *e)
{
	struct px_err se;
	int s = state_of(q, id, &se);

	if (s < 0) {
		*e = se;
		return -1;
	}
	px_fail(e, PXE_USAGE, "approval request %lld is %s: not %s", id,
	    approval_state_name((enum appr_state)s), verb);
	return -1;
}

int
approvals_decide(struct approvals *q, long long id, int approve,
    const char *approver, struct px_err *e)
{
	struct appr_update u = { .approver = approver };
	int rc;

	rc = approvals_move(q, id, APPR_BIT(APPR_PENDING) |
	    APPR_BIT(APPR_ASKED), approve ? APPR_APPROVED : APPR_DENIED, &u, e);
	if (rc == 1)
		return moved_already(q, id, approve ? "approved again" :
		    "denied", e);
	return rc;
}

int
approvals_cancel(struct approvals *q, long long id, const char *by,
    struct px_err *e)
{
	struct appr_update u = { .approver = by, .result = "cancelled" };
	int rc;

	rc = approvals_move(q, id, APPR_BIT(APPR_PENDING) |
	    APPR_BIT(APPR_ASKED), APPR_CANCELLED, &u, e);
	if (rc == 1)
		return moved_already(q, id, "cancelled", e);
	return rc;
}

/* ---- rebuilding a request ---- */

static char *
keep(struct approval *a, char *s)
{
	a->keep = px_xrealloc(a->keep, (size_t)(a->nkeep + 1) *
	    sizeof(*a->keep));
	a->keep[a->nkeep++] = s;
	return s;
}

/* A string of at most max bytes with no control character; "" for a
 * missing one unless required. */
static int
get_str(const struct json *j, int obj, const char *key, size_t max,
    char *out, size_t n, int required, struct px_err *e)
{
	char *s = json_get_str(j, obj, key);

	if (s == NULL) {
		if (required)
			return px_fail(e, PXE_PARSE, "queued request: no %s",
			    key);
		if (out && n)
			out[0] = '\0';
		return 0;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			free(s);
			return px_fail(e, PXE_PARSE, "queued request: %s holds "
			    "a control character", key);
		}
	if (strlen(s) > max || (out && strlen(s) >= n)) {
		free(s);
		return px_fail(e, PXE_PARSE, "queued request: %s is too long",
		    key);
	}
	if (out)
		snprintf(out, n, "%s", s);
	free(s);
	return 0;
}

static int
read_call(struct approval *a, const struct json *j, int obj,
    struct gate_call *k, struct px_err *e)
{
	static const char *const methods[] = { "POST", "PUT", "DELETE", NULL };
	char method[16], path[2048], *form, *redact;
	int c = json_get(j, obj, "call"), i;

	if (c < 0 || json_type(j, c) == JSON_NULL)
		return 0;
	if (json_type(j, c) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "queued request: call is not an "
		    "object");
	if (get_str(j, c, "method", 8, method, sizeof(method), 1, e) != 0 ||
	    get_str(j, c, "path", 2000, path, sizeof(path), 1, e) != 0 ||
	    get_str(j, c, "form", 64 * 1024, NULL, 0, 0, e) != 0 ||
	    get_str(j, c, "redact", 1024, NULL, 0, 0, e) != 0)
		return -1;
	for (i = 0; methods[i] && strcmp(methods[i], method) != 0; i++)
		;
	if (methods[i] == NULL)
		return px_fail(e, PXE_PARSE, "queued request: method %s is not "
		    "a change px sends", method);
	if (path[0] != '/' || px_path_has_dot_segment(path) ||
	    strpbrk(path, " ?#") != NULL)
		return px_fail(e, PXE_PARSE, "queued request: path %s is not an "
		    "API path", path);
	k->method = methods[i];
	buf_printf(&k->path, "%s", path);
	form = json_get_str(j, c, "form");
	if (form && *form)
		buf_printf(&k->form, "%s", form);
	free(form);
	redact = json_get_str(j, c, "redact");
	k->redact = redact ? keep(a, redact) : NULL;
	return 0;
}

static int
word_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int
approval_request(struct approval *a, struct gate_req *r, int *allow_risk,
    struct px_err *e)
{
	struct json j;
	char action[32], kind[32], name[32];
	int top, req, ts, t, i, n, ok, rc = -1;

	memset(r, 0, sizeof(*r));
	if (!a->intact)
		return px_fail(e, PXE_UNSAFE_FILE, "approval request %lld does "
		    "not match its seal: the queue was changed outside px; "
		    "refused", a->id);
	if (a->request == NULL || strlen(a->request) > REQUEST_MAX)
		return px_fail(e, PXE_PARSE, "approval request %lld: no "
		    "request", a->id);
	if (json_parse(&j, a->request, strlen(a->request), e) != 0)
		return -1;
	top = 0;
	*allow_risk = json_get_bool(&j, top, "allow_risk", 0);
	req = json_get(&j, top, "req");
	if (req < 0 || json_type(&j, req) != JSON_OBJECT ||
	    json_get_int(&j, req, "v", 0) != 1) {
		px_fail(e, PXE_PARSE, "approval request %lld: not a request of "
		    "this px", a->id);
		goto out;
	}
	if (get_str(&j, req, "action", 31, action, sizeof(action), 1, e) ||
	    get_str(&j, req, "kind", 31, kind, sizeof(kind), 1, e))
		goto out;
	if (!word_ok(action) || !word_ok(kind) || strcmp(action, a->action) !=
	    0) {
		px_fail(e, PXE_PARSE, "approval request %lld: action or kind "
		    "malformed", a->id);
		goto out;
	}
	ts = json_get(&j, req, "targets");
	n = ts >= 0 && json_type(&j, ts) == JSON_ARRAY ? json_len(&j, ts) : -1;
	if (n < 0 || n > TARGETS_MAX) {
		px_fail(e, PXE_PARSE, "approval request %lld: targets "
		    "malformed", a->id);
		goto out;
	}
	gate_req_init(r, keep(a, px_xstrdup(action)), keep(a,
	    px_xstrdup(kind)), n);
	if (get_str(&j, req, "summary", 511, r->summary, sizeof(r->summary),
	    1, e) || get_str(&j, req, "id", 95, r->id, sizeof(r->id), 0, e) ||
	    get_str(&j, req, "recheck", 16, name, sizeof(name), 0, e))
		goto out;
	r->recheck = recheck_fn(name[0] ? name : NULL, &ok);
	if (!ok) {
		px_fail(e, PXE_PARSE, "approval request %lld: unknown recheck",
		    a->id);
		goto out;
	}
	r->destructive = json_get_bool(&j, req, "destructive", 1);
	r->own_size = json_get_bool(&j, req, "own_size", 0);
	if (read_call(a, &j, req, &r->call, e) != 0)
		goto out;
	JSON_FOREACH(&j, ts, t, i) {
		struct gate_target *gt = &r->t[i];
		int g = json_get(&j, t, "guest");
		long long cb = json_get_int(&j, t, "covered_by", 0);

		if (json_type(&j, t) != JSON_OBJECT ||
		    get_str(&j, t, "id", 95, gt->id, sizeof(gt->id), 1, e) ||
		    get_str(&j, t, "summary", 511, gt->summary,
		    sizeof(gt->summary), 0, e) ||
		    get_str(&j, t, "recheck", 16, name, sizeof(name), 0, e))
			goto out;
		if (cb < 0 || cb > n) {
			px_fail(e, PXE_PARSE, "approval request %lld: "
			    "covered_by out of range", a->id);
			goto out;
		}
		gt->covered_by = (int)cb;
		gt->recheck = recheck_fn(name[0] ? name : NULL, &ok);
		if (!ok) {
			px_fail(e, PXE_PARSE, "approval request %lld: unknown "
			    "recheck", a->id);
			goto out;
		}
		if (json_get_bool(&j, t, "refused", 0)) {
			gt->refused = 1;
			px_fail(&gt->err, PXE_USAGE, "refused when it was "
			    "queued");
		}
		if (g >= 0 && json_type(&j, g) == JSON_OBJECT) {
			long long vmid = json_get_int(&j, g, "vmid", 0);

			if (vmid < 100 || vmid > 999999999 ||
			    get_str(&j, g, "type", 7, gt->guest.type,
			    sizeof(gt->guest.type), 1, e) ||
			    get_str(&j, g, "name", 127, gt->guest.name,
			    sizeof(gt->guest.name), 0, e) ||
			    get_str(&j, g, "node", 63, gt->guest.node,
			    sizeof(gt->guest.node), 1, e) ||
			    get_str(&j, g, "status", 15, gt->guest.status,
			    sizeof(gt->guest.status), 0, e) ||
			    get_str(&j, g, "tags", 255, gt->guest.tags,
			    sizeof(gt->guest.tags), 0, e) ||
			    get_str(&j, g, "pool", 63, gt->guest.pool,
			    sizeof(gt->guest.pool), 0, e)) {
				if (e->id == PXE_OK)
					px_fail(e, PXE_PARSE, "approval request "
					    "%lld: a guest is malformed",
					    a->id);
				goto out;
			}
			gt->guest.vmid = (int)vmid;
			gt->has_guest = 1;
		}
		if (read_call(a, &j, t, &gt->call, e) != 0)
			goto out;
	}
	rc = 0;
out:
	json_free(&j);
	if (rc != 0 && r->t)
		gate_req_free(r);
	return rc;
}

/* ---- for a screen ---- */

/* "METHOD path form" of k, its secrets redacted, as a line of out. */
static void
describe_call(struct buf *out, const char *label, const struct gate_call *k)
{
	char form[1536];

	if (k->method == NULL)
		return;
	audit_redact_keys(k->form.len ? k->form.p : "", k->redact, form,
	    sizeof(form));
	buf_printf(out, "%s%s%s %s%s%s\n", label, label[0] ? ": " : "",
	    k->method, k->path.len ? k->path.p : "-", form[0] ? " " : "",
	    form);
}

/* The pre-flight findings kept in the request: "SEVERE Check: detail;
 * ..." into risk, worst first; "none" when it had none. */
static void
describe_risk(const char *request, char *risk, size_t rn)
{
	static const char *const order[] = { "severe", "warn", "info" };
	struct json j;
	struct px_err e;
	struct buf b = { 0 };
	int req, arr, f, i;

	snprintf(risk, rn, "?");
	if (json_parse(&j, request, strlen(request), &e) != 0)
		return;
	req = json_get(&j, 0, "req");
	arr = req >= 0 ? json_get(&j, req, "risk") : -1;
	if (arr < 0 || json_type(&j, arr) != JSON_ARRAY) {
		json_free(&j);
		return;
	}
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
		JSON_FOREACH(&j, arr, f, i) {
			char *lv = json_get_str(&j, f, "level");
			char *ck = json_get_str(&j, f, "check");
			char *dt = json_get_str(&j, f, "detail");

			if (lv && strcmp(lv, order[o]) == 0 && b.len < 4096)
				buf_printf(&b, "%s%s %.64s: %.256s", b.len ?
				    "; " : "", lv, ck ? ck : "?", dt ? dt :
				    "");
			free(lv);
			free(ck);
			free(dt);
		}
	json_free(&j);
	snprintf(risk, rn, "%s", b.len ? b.p : "none");
	buf_free(&b);
	text_sanitize(risk);
}

int
approval_describe(struct approval *a, char *text, size_t n, char *risk,
    size_t rn, struct px_err *e)
{
	struct gate_req r;
	struct buf b = { 0 };
	int allow_risk;

	snprintf(text, n, "-");
	snprintf(risk, rn, "-");
	if (!a->intact) {
		snprintf(text, n, "TAMPERED: this row does not match its seal "
		    "(changed outside px); it is never asked about or run");
		snprintf(risk, rn, "tampered");
		return px_fail(e, PXE_UNSAFE_FILE, "approval request %lld "
		    "does not match its seal", a->id);
	}
	if (approval_request(a, &r, &allow_risk, e) != 0) {
		snprintf(text, n, "unreadable: %s", e->msg);
		text_sanitize(text);
		return -1;
	}
	describe_risk(a->request, risk, rn);
	if (allow_risk)
		buf_printf(&b, "queued with --allow-risk\n");
	describe_call(&b, "", &r.call);
	for (int i = 0; i < r.n && b.len < n; i++)
		describe_call(&b, r.t[i].id, &r.t[i].call);
	gate_req_free(&r);
	snprintf(text, n, "%s", b.len ? b.p : "-");
	buf_free(&b);
	/* keep the lines: every other control is made safe */
	for (char *p = text; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = '?';
	return 0;
}
