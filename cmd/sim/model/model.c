/*
 * model.c -- pxsim's cluster model: nodes, guests, storages, volumes and
 * pools kept in memory (guests sorted by vmid, so lookups and listings are
 * fast with 10,000 guests) and persisted in STATEDIR/sim.db (SQLite, WAL)
 * on every mutation; the generic document store; generation from the seed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../core.h"


/* Drop the cached permission data (auth/perm.c reloads on the next
 * check). */
void
sim_perm_invalidate(struct sim *s)
{
	s->perm_gen++;
}

/* ---- clock and randomness ---- */

/* Simulated clock: the wall clock. */
time_t
sim_now(const struct sim *s)
{
	(void)s;
	return time(NULL);
}

/* The wall clock with sub-second precision. */
double
sim_nowf(const struct sim *s)
{
	struct timespec ts;

	(void)s;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Next value of stream (deterministic per seed and call sequence). */
uint64_t
sim_rand(struct sim *s, unsigned stream)
{
	stream &= 15;
	s->rng_state[stream] += 0x9e3779b97f4a7c15ULL;
	return splitmix(s->rng_state[stream] ^ splitmix(s->opt.seed +
	    stream * 0x1000193ULL));
}

/* A uniform integer in [lo, hi]. */
long long
sim_rand_range(struct sim *s, unsigned stream, long long lo, long long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long long)(sim_rand(s, stream) %
	    (uint64_t)(hi - lo + 1));
}

/* Stateless hash of the seed and two values. */
uint64_t
sim_hash(const struct sim *s, uint64_t a, uint64_t b)
{
	return splitmix(splitmix(s->opt.seed ^ 0x5151) ^ splitmix(a) ^
	    splitmix(b * 0x632be59bd9b4e019ULL + 1));
}

/* A version 4 UUID from stream. */
void
sim_uuid(struct sim *s, unsigned stream, char buf[37])
{
	uint64_t a = sim_rand(s, stream), b = sim_rand(s, stream);

	snprintf(buf, 37, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	    (unsigned)a & 0xfff, (unsigned)((b >> 48) & 0x3fff) | 0x8000,
	    (unsigned long long)(b & 0xffffffffffffULL));
}

/* ---- SQLite ---- */

static int txn_depth;

static void
exec_sql(struct sim *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		px_warn("sqlite: %s: %s", msg ? msg : "?", sql);
		sqlite3_free(msg);
	}
}

/* Begin a (nestable) transaction. */
void
model_begin(struct sim *s)
{
	if (txn_depth++ == 0)
		exec_sql(s, "BEGIN");
}

/* Commit when the outermost transaction ends. */
void
model_commit(struct sim *s)
{
	if (txn_depth > 0 && --txn_depth == 0)
		exec_sql(s, "COMMIT");
}

static sqlite3_stmt *
prep(struct sim *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		px_warn("sqlite: %s: %s", sqlite3_errmsg(s->db), sql);
	return st;
}

/* Bind a list: 's' string, 'i' int64, 'n' string or NULL. */
static void
bindv(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	int i;

	for (i = 0; fmt[i]; i++) {
		if (fmt[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
		} else {
			const char *v = va_arg(ap, const char *);

			if (v == NULL && fmt[i] == 's')
				v = "";
			if (v)
				sqlite3_bind_text(st, i + 1, v, -1,
				    SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, i + 1);
		}
	}
}

/* Run one statement with bound arguments. */
static int
run(struct sim *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = prep(s, sql);
	va_list ap;
	int rc;

	if (st == NULL)
		return -1;
	va_start(ap, fmt);
	bindv(st, fmt, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		px_warn("sqlite: %s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? px_xstrdup((const char *)t) : NULL;
}

/* An instance setting, or NULL; caller frees. */
char *
model_setting(struct sim *s, const char *key)
{
	sqlite3_stmt *st = prep(s, "SELECT value FROM settings WHERE key=?");
	char *v = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = col_str(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Store an instance setting. */
void
model_set_setting(struct sim *s, const char *key, const char *val)
{
	run(s, "INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)",
	    "ss", key, val);
}

/* ---- the document store ---- */

/* Call fn for each document of kind under parent. */
int
sim_doc_list(struct sim *s, const char *kind, const char *parent,
    sim_doc_fn fn, void *arg)
{
	sqlite3_stmt *st = prep(s, "SELECT id, json FROM docs WHERE kind=? "
	    "AND parent=? ORDER BY rowid");
	int n = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, parent ? parent : "", -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *js = (const char *)sqlite3_column_text(st, 1);

		n++;
		if (fn && fn(arg, id ? id : "", js ? js : "null") != 0)
			break;
	}
	sqlite3_finalize(st);
	return n;
}

/* One document's JSON text (caller frees) or NULL. */
char *
sim_doc_get(struct sim *s, const char *kind, const char *parent,
    const char *id)
{
	sqlite3_stmt *st = prep(s, "SELECT json FROM docs WHERE kind=? AND "
	    "parent=? AND id=?");
	char *v = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, parent ? parent : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = col_str(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
is_perm_kind(const char *kind)
{
	return strcmp(kind, "user") == 0 || strcmp(kind, "group") == 0 ||
	    strcmp(kind, "role") == 0 || strcmp(kind, "acl") == 0 ||
	    strcmp(kind, "token") == 0;
}

/* Insert or replace a document (keeping its position). */
int
sim_doc_put(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *json)
{
	int rc;

	rc = run(s, "INSERT INTO docs(kind, parent, id, json) VALUES(?,?,?,?)"
	    " ON CONFLICT(kind, parent, id) DO UPDATE SET json=excluded.json",
	    "ssss", kind, parent ? parent : "", id, json);
	if (is_perm_kind(kind))
		sim_perm_invalidate(s);
	return rc;
}

/* Delete one document; 1 when it existed. */
int
sim_doc_delete(struct sim *s, const char *kind, const char *parent,
    const char *id)
{
	run(s, "DELETE FROM docs WHERE kind=? AND parent=? AND id=?", "sss",
	    kind, parent ? parent : "", id);
	if (is_perm_kind(kind))
		sim_perm_invalidate(s);
	return sqlite3_changes(s->db) > 0;
}

/* Delete every document under parent. */
void
sim_doc_delete_parent(struct sim *s, const char *parent)
{
	run(s, "DELETE FROM docs WHERE parent=?", "s", parent);
	sim_perm_invalidate(s);
}

/* ---- nodes ---- */

/* The node called name, or NULL. */
struct sim_node *
sim_node_find(struct sim *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			return &s->nodes[i];
	return NULL;
}

/* PVE's pve-node format: a DNS label. */
int
sim_node_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 63 || name[0] == '-' || name[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* Persist a node. */
void
sim_node_save(struct sim *s, const struct sim_node *n)
{
	s->dirty++;
	run(s, "INSERT OR REPLACE INTO nodes VALUES(?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?)", "sisiiisiiiisss", n->name, (long long)n->nodeid, n->ip,
	    (long long)n->offline, (long long)n->cpus, (long long)n->sockets,
	    n->cpumodel, (long long)n->maxmem, (long long)n->swap,
	    (long long)n->rootfs, (long long)n->boot, n->kernel,
	    n->pveversion, n->ssl_fingerprint);
}

/* A smooth deterministic wave in [0, 1] for object key at time t. */
static double
wave(const struct sim *s, uint64_t key, double t, double period)
{
	double ph = (double)(sim_hash(s, key, 99) % 1000) / 1000.0 * 6.283;

	return 0.5 + 0.35 * sin(t / period + ph) +
	    0.15 * sin(t / (period / 7.3) + ph * 3);
}

/* Figures of node n at the simulated time. */
void
sim_node_stats(struct sim *s, const struct sim_node *n, struct sim_stats *st)
{
	double t = sim_nowf(s), w = wave(s, 1000000 + n->nodeid, t, 900);
	uint64_t used = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];

		if (&s->nodes[g->node] == n && g->status == SIM_RUNNING)
			used += g->maxmem / 2;
	}
	st->cpu = 0.05 + 0.4 * w;
	st->maxmem = n->maxmem;
	st->mem = (uint64_t)(n->maxmem * 0.08) + used;
	if (st->mem > n->maxmem * 95 / 100)
		st->mem = n->maxmem * 95 / 100;
	st->maxdisk = n->rootfs;
	st->disk = n->rootfs / 5 + (uint64_t)(n->nodeid * 1234567);
	st->uptime = (uint64_t)(sim_now(s) - n->boot);
	st->loadavg[0] = st->cpu * n->cpus;
	st->loadavg[1] = (0.05 + 0.4 * wave(s, 1000000 + n->nodeid, t - 300,
	    900)) * n->cpus;
	st->loadavg[2] = (0.05 + 0.4 * wave(s, 1000000 + n->nodeid, t - 900,
	    900)) * n->cpus;
	st->swap_used = n->swap / 50;
	st->iowait = 0.002 + 0.01 * w;
	st->netin = (uint64_t)(st->uptime * 1800000.0);
	st->netout = (uint64_t)(st->uptime * 1200000.0);
}

/* ---- guests ---- */

static int
guest_index(const struct sim *s, int vmid, int *found)
{
	size_t lo = 0, hi = s->nguests;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->guests[mid]->vmid == vmid) {
			*found = 1;
			return (int)mid;
		}
		if (s->guests[mid]->vmid < vmid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return (int)lo;
}

/* The guest with vmid, or NULL. */
struct sim_guest *
sim_guest_find(struct sim *s, int vmid)
{
	int found, i = guest_index(s, vmid, &found);

	return found ? s->guests[i] : NULL;
}

/* Name of g's node. */
const char *
sim_guest_node(const struct sim *s, const struct sim_guest *g)
{
	return s->nodes[g->node].name;
}

/* "qemu" / "lxc". */
const char *
sim_gtype_name(enum sim_gtype t)
{
	return t == SIM_LXC ? "lxc" : "qemu";
}

/* "running" / "stopped" / "paused". */
const char *
sim_gstatus_name(enum sim_gstatus st)
{
	return st == SIM_RUNNING ? "running" : st == SIM_PAUSED ? "paused" :
	    "stopped";
}

/* The guest vmid of this type on node, or NULL. */
struct sim_guest *
sim_guest_on_node(struct sim *s, const char *node, enum sim_gtype type,
    int vmid)
{
	struct sim_guest *g = sim_guest_find(s, vmid);

	if (g && g->type == type && strcmp(sim_guest_node(s, g), node) == 0)
		return g;
	return NULL;
}

/* Figures of g at the simulated time. */
void
sim_guest_stats(struct sim *s, const struct sim_guest *g,
    struct sim_stats *st)
{
	double t = sim_nowf(s), w = wave(s, (uint64_t)g->vmid, t, 600);
	double up;

	memset(st, 0, sizeof(*st));
	st->maxmem = g->maxmem;
	st->maxdisk = g->maxdisk;
	st->disk = g->type == SIM_LXC ? (uint64_t)(g->maxdisk *
	    (0.2 + 0.5 * (sim_hash(s, (uint64_t)g->vmid, 3) % 100) / 100.0))
	    : 0;
	if (g->status == SIM_STOPPED)
		return;
	up = t - (double)g->started;
	if (up < 0)
		up = 0;
	st->uptime = (uint64_t)up;
	st->cpu = g->status == SIM_PAUSED ? 0 : 0.01 + 0.5 * w * w *
	    ((sim_hash(s, (uint64_t)g->vmid, 4) % 100) / 100.0 + 0.1);
	if (st->cpu > 1)
		st->cpu = 1;
	st->mem = (uint64_t)(g->maxmem * (0.25 + 0.5 * wave(s,
	    (uint64_t)g->vmid + 77, t, 1800)));
	{
		double rate = 2000.0 + (double)(sim_hash(s, (uint64_t)g->vmid,
		    5) % 200000);

		st->netin = (uint64_t)(up * rate);
		st->netout = (uint64_t)(up * rate * 0.6);
		st->diskread = (uint64_t)(up * rate * 3 + 50e6);
		st->diskwrite = (uint64_t)(up * rate * 1.5 + 20e6);
	}
}

/* The config text as PVE writes it (for the digest). */
static void
config_text(const struct sim_kvlist *cfg, struct buf *b)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		buf_printf(b, "%s: %s\n", cfg->v[i].key, cfg->v[i].val);
}

/* SHA-1 hex of the config text. */
void
sim_guest_digest(const struct sim_guest *g, char buf[41])
{
	struct buf b = {0};
	br_sha1_context h;
	unsigned char d[20];

	config_text(&g->config, &b);
	br_sha1_init(&h);
	br_sha1_update(&h, b.p ? b.p : "", b.len);
	br_sha1_out(&h, d);
	sim_hex(d, 20, buf);
	buf_free(&b);
}

/* A config key or NULL. */
const char *
sim_guest_cfg(const struct sim_guest *g, const char *key)
{
	return sim_kv_get(&g->config, key);
}

static void
save_cfg_section(struct sim *s, int vmid, const char *section,
    const struct sim_kvlist *l)
{
	sqlite3_stmt *st = prep(s, "INSERT INTO guestcfg VALUES(?,?,?,?,?)");
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		sqlite3_bind_int(st, 1, vmid);
		sqlite3_bind_text(st, 2, section, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)i);
		sqlite3_bind_text(st, 4, l->v[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, l->v[i].val, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Persist g (every table row of it). */
void
sim_guest_save(struct sim *s, const struct sim_guest *g)
{
	size_t i;

	s->dirty++;
	model_begin(s);
	run(s, "INSERT OR REPLACE INTO guests VALUES(?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?)", "iisisinnniiiiiinn", (long long)g->vmid,
	    (long long)g->type, sim_guest_node(s, g), (long long)g->status,
	    g->name, (long long)g->template_, g->tags, g->pool, g->lock,
	    (long long)g->ha, (long long)g->agent, (long long)g->cpus,
	    (long long)g->maxmem, (long long)g->maxdisk,
	    (long long)g->started, g->ip, g->snapparent);
	run(s, "DELETE FROM guestcfg WHERE vmid=?", "i", (long long)g->vmid);
	run(s, "DELETE FROM snaps WHERE vmid=?", "i", (long long)g->vmid);
	save_cfg_section(s, g->vmid, "", &g->config);
	save_cfg_section(s, g->vmid, "~pending", &g->pending);
	for (i = 0; i < g->nsnaps; i++) {
		const struct sim_snap *sn = &g->snaps[i];

		run(s, "INSERT INTO snaps VALUES(?,?,?,?,?,?,?)", "iisnnii",
		    (long long)g->vmid, (long long)i, sn->name, sn->parent,
		    sn->description, (long long)sn->snaptime,
		    (long long)sn->vmstate);
		save_cfg_section(s, g->vmid, sn->name, &sn->config);
	}
	model_commit(s);
}

/* Free a guest. */
void
sim_guest_free(struct sim_guest *g)
{
	size_t i;

	if (g == NULL)
		return;
	free(g->name);
	free(g->tags);
	free(g->pool);
	free(g->lock);
	free(g->ip);
	free(g->snapparent);
	sim_kv_free(&g->config);
	sim_kv_free(&g->pending);
	for (i = 0; i < g->nsnaps; i++) {
		free(g->snaps[i].name);
		free(g->snaps[i].parent);
		free(g->snaps[i].description);
		sim_kv_free(&g->snaps[i].config);
	}
	free(g->snaps);
	free(g);
}

static void
guest_insert(struct sim *s, struct sim_guest *g)
{
	int found, i = guest_index(s, g->vmid, &found);

	if (found) {
		sim_guest_free(s->guests[i]);
		s->guests[i] = g;
		return;
	}
	s->guests = px_xrealloc(s->guests, (s->nguests + 1) *
	    sizeof(*s->guests));
	memmove(s->guests + i + 1, s->guests + i, (s->nguests - (size_t)i) *
	    sizeof(*s->guests));
	s->guests[i] = g;
	s->nguests++;
}

/* Add a guest (ownership passes to the model) and persist it. */
void
sim_guest_add(struct sim *s, struct sim_guest *g)
{
	guest_insert(s, g);
	sim_guest_save(s, g);
}

/* Remove a guest, its rows and its documents. */
void
sim_guest_remove(struct sim *s, int vmid)
{
	int found, i = guest_index(s, vmid, &found);
	char parent[32];

	s->dirty++;
	if (!found)
		return;
	sim_guest_free(s->guests[i]);
	memmove(s->guests + i, s->guests + i + 1, (s->nguests - (size_t)i -
	    1) * sizeof(*s->guests));
	s->nguests--;
	model_begin(s);
	run(s, "DELETE FROM guests WHERE vmid=?", "i", (long long)vmid);
	run(s, "DELETE FROM guestcfg WHERE vmid=?", "i", (long long)vmid);
	run(s, "DELETE FROM snaps WHERE vmid=?", "i", (long long)vmid);
	snprintf(parent, sizeof(parent), "guest/%d", vmid);
	sim_doc_delete_parent(s, parent);
	model_commit(s);
}

/* The lowest free vmid >= 100. */
int
sim_next_vmid(struct sim *s)
{
	int want = 100;
	size_t i;

	for (i = 0; i < s->nguests; i++) {
		if (s->guests[i]->vmid < want)
			continue;
		if (s->guests[i]->vmid > want)
			break;
		want++;
	}
	return want;
}

/* ---- storages, volumes, pools ---- */

/* The storage with id, or NULL. */
struct sim_storage *
sim_storage_find(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nstorages; i++)
		if (strcmp(s->storages[i].id, id) == 0)
			return &s->storages[i];
	return NULL;
}

/* 1 when st is available on node. */
int
sim_storage_on_node(const struct sim_storage *st, const char *node)
{
	const char *p;
	size_t n = strlen(node);

	if (st->nodes == NULL || st->nodes[0] == '\0')
		return 1;
	for (p = st->nodes; (p = strstr(p, node)) != NULL; p += n)
		if ((p == st->nodes || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/* Bytes used on st as seen from node. */
uint64_t
sim_storage_used(struct sim *s, const struct sim_storage *st,
    const char *node)
{
	uint64_t used = st->total / 20;
	size_t i;

	for (i = 0; i < s->nvolumes; i++) {
		const struct sim_volume *v = s->volumes[i];

		if (strcmp(v->storage, st->id) != 0)
			continue;
		if (!st->shared && v->node && strcmp(v->node, node) != 0)
			continue;
		used += v->used ? v->used : v->size;
	}
	if (st->fill > 0 && used < st->total / 100 * (uint64_t)st->fill)
		used = st->total / 100 * (uint64_t)st->fill;
	if (used > st->total)
		used = st->total - st->total / 100;
	return used;
}

/* Persist a storage. */
void
sim_storage_save(struct sim *s, const struct sim_storage *st)
{
	size_t i;
	long long ord = st - s->storages;

	s->dirty++;
	if (ord < 0 || (size_t)ord >= s->nstorages)
		ord = (long long)s->nstorages;
	model_begin(s);
	run(s, "INSERT OR REPLACE INTO storages VALUES(?,?,?,?,?,?,?,?)",
	    "sissinii", st->id, ord, st->type,
	    st->content, (long long)st->shared, st->nodes,
	    (long long)st->disabled, (long long)st->total);
	run(s, "DELETE FROM storagecfg WHERE id=?", "s", st->id);
	for (i = 0; i < st->config.n; i++)
		run(s, "INSERT INTO storagecfg VALUES(?,?,?,?)", "siss", st->id,
		    (long long)i, st->config.v[i].key, st->config.v[i].val);
	model_commit(s);
}

/* Add a storage (the strings of *st pass to the model). */
void
sim_storage_add(struct sim *s, const struct sim_storage *st)
{
	s->storages = px_xrealloc(s->storages, (s->nstorages + 1) *
	    sizeof(*s->storages));
	s->storages[s->nstorages++] = *st;
	sim_storage_save(s, &s->storages[s->nstorages - 1]);
}

/* Remove a storage. */
void
sim_storage_remove(struct sim *s, const char *id)
{
	struct sim_storage *st = sim_storage_find(s, id);
	size_t i;

	s->dirty++;
	if (st == NULL)
		return;
	i = (size_t)(st - s->storages);
	free(st->id);
	free(st->type);
	free(st->content);
	free(st->nodes);
	sim_kv_free(&st->config);
	memmove(st, st + 1, (s->nstorages - i - 1) * sizeof(*st));
	s->nstorages--;
	run(s, "DELETE FROM storages WHERE id=?", "s", id);
	run(s, "DELETE FROM storagecfg WHERE id=?", "s", id);
}

static void
volume_free(struct sim_volume *v)
{
	free(v->storage);
	free(v->node);
	free(v->volid);
	free(v->content);
	free(v->format);
	free(v->notes);
	free(v);
}

/* Persist a volume. */
void
sim_volume_save(struct sim *s, const struct sim_volume *v)
{
	s->dirty++;
	run(s, "INSERT OR REPLACE INTO volumes VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	    "sssssiiiini", v->volid, v->node ? v->node : "", v->storage,
	    v->content, v->format, (long long)v->size, (long long)v->used,
	    (long long)v->vmid, (long long)v->ctime, v->notes,
	    (long long)v->protected_);
}

/* Add a volume (ownership passes) and persist it. */
void
sim_volume_add(struct sim *s, struct sim_volume *v)
{
	s->volumes = px_xrealloc(s->volumes, (s->nvolumes + 1) *
	    sizeof(*s->volumes));
	s->volumes[s->nvolumes++] = v;
	sim_volume_save(s, v);
}

/* The volume volid (on node for local storage; node NULL: any). */
struct sim_volume *
sim_volume_find(struct sim *s, const char *volid, const char *node)
{
	size_t i;

	for (i = 0; i < s->nvolumes; i++) {
		struct sim_volume *v = s->volumes[i];

		if (strcmp(v->volid, volid) != 0)
			continue;
		if (node && v->node && strcmp(v->node, node) != 0)
			continue;
		return v;
	}
	return NULL;
}

/* Remove a volume. */
void
sim_volume_remove(struct sim *s, const char *volid, const char *node)
{
	size_t i;

	s->dirty++;
	for (i = 0; i < s->nvolumes; i++) {
		struct sim_volume *v = s->volumes[i];

		if (strcmp(v->volid, volid) != 0 ||
		    (node && v->node && strcmp(v->node, node) != 0))
			continue;
		run(s, "DELETE FROM volumes WHERE volid=? AND node=?", "ss",
		    v->volid, v->node ? v->node : "");
		volume_free(v);
		memmove(s->volumes + i, s->volumes + i + 1,
		    (s->nvolumes - i - 1) * sizeof(*s->volumes));
		s->nvolumes--;
		return;
	}
}

/* The pool poolid or NULL. */
struct sim_pool *
sim_pool_find(struct sim *s, const char *poolid)
{
	size_t i;

	for (i = 0; i < s->npools; i++)
		if (strcmp(s->pools[i].poolid, poolid) == 0)
			return &s->pools[i];
	return NULL;
}

/* Persist a pool. */
void
sim_pool_save(struct sim *s, const struct sim_pool *p)
{
	s->dirty++;
	run(s, "INSERT OR REPLACE INTO pools VALUES(?,?,?)", "snn", p->poolid,
	    p->comment, p->storages);
}

/* Add a pool (its strings pass to the model). */
void
sim_pool_add(struct sim *s, const struct sim_pool *p)
{
	s->pools = px_xrealloc(s->pools, (s->npools + 1) * sizeof(*s->pools));
	s->pools[s->npools++] = *p;
	sim_pool_save(s, p);
}

/* Remove a pool (guests keep no reference to it). */
void
sim_pool_remove(struct sim *s, const char *poolid)
{
	struct sim_pool *p = sim_pool_find(s, poolid);
	size_t i;

	s->dirty++;
	if (p == NULL)
		return;
	for (i = 0; i < s->nguests; i++) {
		if (s->guests[i]->pool &&
		    strcmp(s->guests[i]->pool, poolid) == 0) {
			sim_str_set(&s->guests[i]->pool, NULL);
			sim_guest_save(s, s->guests[i]);
		}
	}
	run(s, "DELETE FROM pools WHERE poolid=?", "s", poolid);
	i = (size_t)(p - s->pools);
	free(p->poolid);
	free(p->comment);
	free(p->storages);
	memmove(p, p + 1, (s->npools - i - 1) * sizeof(*p));
	s->npools--;
}
