/*
 * ls -- list nodes, guests, storage, pools, tasks, a guest's snapshots or
 * the backups, from one profile or (-A) from every profile in parallel.
 *
 * With -A every row gets a leading "profile" column; a profile that fails
 * gives one error row (status "error", the message in "error") and the
 * exit status 2, while the others still print.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compcache.h"
#include "lsrows.h"
#include "cli.h"
#include "enc.h"
#include "heap.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "workq.h"

enum { O_NAME = PX_O_LONG, O_NODE, O_POOL, O_STATUS, O_TAG, O_TYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ 'A', "all-profiles", NULL, "every PVE profile, in parallel" },
	{ O_NAME, "name", "glob", "only guests whose name matches glob" },
	{ O_NODE, "node", "node", "only what is on node" },
	{ O_POOL, "pool", "pool", "only guests in pool" },
	{ O_STATUS, "status", "status", "only rows with this status" },
	{ O_TAG, "tag", "tag", "only guests with this tag" },
	{ O_TYPE, "type", "qemu | lxc", "only VMs or containers (or a task type)" },
	PX_OPT_END
};

PX_COMMAND(ls, "list nodes, guests, storage, pools, tasks, snapshots, backups",
    opts, NULL, "nodes | guests | storage | pools | tasks | backups | "
    "snapshots vmid");
PX_ALIAS(get, "get", ls, 1, "the same as px ls");

/* Filters from the command line; NULL matches everything. */
struct filter {
	const char *node, *status, *tag, *pool, *type, *name;
};

struct ls {
	struct px_cli x;
	struct filter f;
	int all;		/* -A */
	struct out *o;
	int base;		/* index of the first own column (1 with -A) */
	int failed;		/* profiles that failed */
	struct out_col *cols;	/* l->o's columns: freed after l->o */
	int ncols;		/* how many: list_simple's */
	struct buf comp;	/* one profile's node names or VMIDs, for
				   shell completion (compcache.h) */
	struct workq *q;	/* -A: the threads that read the answers */
};

/* Column sets.  With -A the profile column is prepended (see cols_for). */
static const struct out_col pool_cols[] = {
	{ "poolid", OT_STR, 0 }, { "members", OT_INT, 0 },
	{ "comment", OT_STR, 0 },
};
static const struct out_col snap_cols[] = {
	{ "name", OT_STR, 0 }, { "parent", OT_STR, 0 },
	{ "snaptime", OT_TIME, 0 }, { "vmstate", OT_BOOL, 0 },
	{ "description", OT_STR, 0 },
};
static const struct out_col backup_cols[] = {
	{ "vmid", OT_INT, 0 }, { "ctime", OT_TIME, 0 },
	{ "storage", OT_STR, 0 }, { "size", OT_BYTES, 0 },
	{ "format", OT_STR, 0 }, { "verified", OT_STR, 0 },
	{ "protected", OT_BOOL, OC_EXTRA }, { "notes", OT_STR, OC_EXTRA },
	{ "volid", OT_STR, 0 },
};

/* The columns with, for -A, "profile" first and "error" last. */
static struct out_col *
cols_for(struct ls *l, const struct out_col *own, int n, int *total)
{
	struct out_col *c = px_xcalloc((size_t)n + 2, sizeof(*c));
	int k = 0;

	if (l->all)
		c[k++] = (struct out_col){ "profile", OT_STR, 0 };
	memcpy(c + k, own, (size_t)n * sizeof(*own));
	k += n;
	if (l->all)
		c[k++] = (struct out_col){ "error", OT_STR, OC_EXTRA };
	l->base = l->all ? 1 : 0;
	*total = k;
	l->cols = c;
	return c;
}

/* A row for a profile that failed: exit 2 at the end. */
static void
error_row(struct ls *l, const struct px_target *t, const struct px_err *e,
    int status_col, int ncols)
{
	out_row(l->o);
	out_row_error(l->o);
	out_str(l->o, 0, t->p->name);
	out_str(l->o, l->base + status_col, "error");
	out_str(l->o, ncols - 1, e->msg);
	px_warn("%s: %s", t->p->name, e->msg);
	l->failed++;
}

static void
row_begin(struct ls *l, const struct px_target *t)
{
	out_row(l->o);
	if (l->all)
		out_str(l->o, 0, t->p->name);
}

static int
filtered(const struct filter *f)
{
	return f->node || f->status || f->tag || f->pool || f->type ||
	    f->name;
}

static int
guest_match(const struct filter *f, const struct pve_guest *g)
{
	if (f->node && strcmp(g->node, f->node) != 0)
		return 0;
	if (f->status && strcmp(g->status, f->status) != 0)
		return 0;
	if (f->tag && !pve_has_tag(g->tags, f->tag))
		return 0;
	if (f->pool && strcmp(g->pool, f->pool) != 0)
		return 0;
	if (f->type && strcmp(g->type, f->type) != 0)
		return 0;
	if (f->name && fnmatch(f->name, g->name, FNM_CASEFOLD) != 0)
		return 0;
	return 1;
}

/*
 * The calls of fetch_all, made and not run yet: calls[i] belongs to
 * targets[i]; a target without a connection gets rc -1 and its error.
 */
static struct px_call *
fetch_init(struct px_target *t, int n, const char *path)
{
	struct px_call *k = px_xcalloc((size_t)n, sizeof(*k));

	for (int i = 0; i < n; i++) {
		if (t[i].c == NULL) {
			k[i].rc = -1;
			k[i].err = t[i].err;
			continue;
		}
		px_call_init(&k[i], t[i].c, "GET", NULL, "%s", path);
	}
	return k;
}

/* Run the calls of the connected targets in parallel. */
static void
fetch_run(struct px_target *t, int n, struct px_call *k)
{
	struct px_call **run = px_xcalloc((size_t)n, sizeof(*run));
	int m = 0;

	/* px_call_run wants a contiguous array: run the connected ones. */
	struct px_call *batch = px_xcalloc((size_t)n, sizeof(*batch));

	for (int i = 0; i < n; i++)
		if (t[i].c != NULL) {
			batch[m] = k[i];
			run[m++] = &k[i];
		}
	px_call_run(batch, (size_t)m);
	for (int i = 0; i < m; i++)
		*run[i] = batch[i];
	free(batch);
	free(run);
}

/*
 * A list read with one GET per profile: its columns, its path, the index
 * of its status column (for error rows), and the function that parses
 * the answer and adds the rows (-1 with e set when the answer is not what
 * PVE sends).
 */
struct lister {
	const struct out_col *cols;
	int ncols;
	const char *path;
	int status_col;
	int (*rows)(struct ls *l, const struct px_target *t,
	    const struct px_reply *r, struct px_err *e);
	/* Instead of rows: read the finished call itself, one element at
	 * a time (long lists). */
	int (*call_rows)(struct ls *l, const struct px_target *t,
	    struct px_call *k, struct px_err *e);
	/* What the rows leave for shell completion ("node", "vmid"), or
	 * NULL. */
	const char *comp_kind;
};

struct guest_ctx {
	struct ls *l;
	const struct px_target *t;
	/* the answer read while it arrives (guest_fetch_stream), or NULL */
	const struct pve_guest_stream *gs;
	int sized;		/* out_expect told of its length */
};

/* The first row of an answer read while it arrives: its held rows
 * sized by the answer's length before they grow page by page.  A
 * quarter of it is a floor (tsv rows come to about 0.3 of the JSON,
 * json rows to about 1.05). */
static void
guest_sized(struct guest_ctx *k)
{
	k->sized = 1;
	if (k->gs != NULL)
		out_expect(k->l->o, (size_t)(pve_guests_stream_total(k->gs) /
		    4));
}

static int
guest_row(void *arg, const struct pve_guest *g)
{
	struct guest_ctx *k = arg;
	struct ls *l = k->l;
	int b = l->base;

	if (!k->sized)
		guest_sized(k);
	if (!guest_match(&l->f, g))
		return 0;
	/* "%d\t%s\n" without printf: 10,000 guests pass here */
	buf_grow(&l->comp, 16);
	l->comp.len += json_fmt_int(l->comp.p + l->comp.len, 16, g->vmid);
	buf_addc(&l->comp, '\t');
	buf_adds(&l->comp, g->name);
	buf_addc(&l->comp, '\n');
	row_begin(l, k->t);
	lsrows_guest(l->o, b, g);
	return 0;
}

static int
guest_rows(struct ls *l, const struct px_target *t, struct px_call *call,
    struct px_err *e)
{
	struct guest_ctx k = { l, t, NULL, 0 };

	return pve_guests_each_call(call, NULL, NULL, guest_row, &k, e);
}

/* A call of one profile's guests starts over: its rows so far go. */
static void
guest_restart(void *arg)
{
	struct ls *l = ((struct guest_ctx *)arg)->l;

	((struct guest_ctx *)arg)->sized = 0;	/* a new answer */
	out_rollback(l->o);
	out_hold(l->o);
	buf_reset(&l->comp);
}

/* The second half of one profile's guests (pve_guests_stream_split):
 * its rows into a part of the output, its names for completion apart. */
struct guest_half {
	struct guest_ctx g;
	struct ls l;
};

static void *
guest_fork(void *arg)
{
	struct guest_ctx *g = arg;
	struct guest_half *h = px_xcalloc(1, sizeof(*h));

	if (!g->sized)
		guest_sized(g);	/* a split may come before the first row */
	h->l = *g->l;
	h->l.o = out_part(g->l->o);	/* expects as g's (out_expect) */
	h->l.comp = (struct buf){ 0 };
	h->g.l = &h->l;
	h->g.t = g->t;
	h->g.sized = 1;
	return h;
}

static void
guest_join(void *arg, void *arg2, int keep)
{
	struct guest_ctx *g = arg;
	struct guest_half *h = arg2;

	if (keep) {
		out_join(g->l->o, h->l.o);
		buf_add(&g->l->comp, h->l.comp.p, h->l.comp.len);
	} else
		out_free(h->l.o);
	buf_free(&h->l.comp);
	free(h);
}

/*
 * One profile's guests, made while the answer arrives (issue 21): held
 * (out_hold) until the whole answer is checked, as the rows of
 * guest_rows are.  Several profiles read theirs after the transfer:
 * their rows would mix in the one hold.
 */
static struct px_call *
guest_fetch_stream(struct ls *l, struct px_target *t, const char *path,
    struct px_err *e, int *rc)
{
	struct pve_guest_stream *gs;
	struct px_call *k = fetch_init(t, 1, path);
	struct guest_ctx g = { l, t, NULL, 0 };

	out_hold(l->o);
	buf_reset(&l->comp);
	gs = pve_guests_stream(&k[0], NULL, NULL, guest_row, &g,
	    guest_restart, &g);
	g.gs = gs;
	pve_guests_stream_split(gs, guest_fork, guest_join);
	fetch_run(t, 1, k);
	if (k[0].rc == 0)
		*rc = pve_guests_stream_end(gs, &k[0], e);
	else {
		pve_guests_stream_free(gs, &k[0]);
		*e = k[0].err;
		*rc = -1;
	}
	return k;
}

static int
node_rows(struct ls *l, const struct px_target *t, const struct px_reply *r,
    struct px_err *e)
{
	struct pve_node *v;
	int nv, b = l->base;

	if (pve_nodes_parse(&r->j, r->data, &v, &nv, e) != 0)
		return -1;
	for (int q = 0; q < nv; q++) {
		if (l->f.node && strcmp(v[q].name, l->f.node) != 0)
			continue;
		if (l->f.status && strcmp(v[q].status, l->f.status) != 0)
			continue;
		buf_printf(&l->comp, "%s\t%s\n", v[q].name, v[q].status);
		row_begin(l, t);
		lsrows_node(l->o, b, &v[q]);
	}
	free(v);
	return 0;
}

static int
storage_rows(struct ls *l, const struct px_target *t,
    const struct px_reply *r, struct px_err *e)
{
	struct pve_storage *v;
	int nv, b = l->base;

	if (pve_storages_parse(&r->j, r->data, &v, &nv, e) != 0)
		return -1;
	for (int q = 0; q < nv; q++) {
		if (l->f.node && strcmp(v[q].node, l->f.node) != 0)
			continue;
		if (l->f.status && strcmp(v[q].status, l->f.status) != 0)
			continue;
		row_begin(l, t);
		lsrows_storage(l->o, b, &v[q]);
	}
	free(v);
	return 0;
}

static int
pool_rows(struct ls *l, const struct px_target *t, const struct px_reply *r,
    struct px_err *e)
{
	struct pve_pool *v;
	int nv, b = l->base;

	if (pve_pools_parse(&r->j, r->data, &v, &nv, e) != 0)
		return -1;
	pve_pools_count(t->c, v, nv, l->f.pool);
	for (int q = 0; q < nv; q++) {
		if (l->f.pool && strcmp(v[q].poolid, l->f.pool) != 0)
			continue;
		row_begin(l, t);
		out_str(l->o, b + 0, v[q].poolid);
		if (v[q].members >= 0)
			out_int(l->o, b + 1, v[q].members);
		out_str(l->o, b + 2, v[q].comment[0] ? v[q].comment : NULL);
	}
	free(v);
	return 0;
}

static int
task_rows(struct ls *l, const struct px_target *t, const struct px_reply *r,
    struct px_err *e)
{
	struct pve_task *v;
	int nv, b = l->base;

	if (pve_tasks_parse(&r->j, r->data, &v, &nv, e) != 0)
		return -1;
	for (int q = 0; q < nv; q++) {
		if (l->f.node && strcmp(v[q].node, l->f.node) != 0)
			continue;
		if (l->f.type && strcmp(v[q].type, l->f.type) != 0)
			continue;
		if (l->f.status && strcmp(v[q].status, l->f.status) != 0)
			continue;
		row_begin(l, t);
		lsrows_task(l->o, b, &v[q]);
	}
	free(v);
	return 0;
}

/* From this many profiles, -A grows the heap in 2 MiB pages first. */
#define FANOUT_HEAP_MIN	8

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const struct lister list_guests = {
	lsrows_guest_cols, LSROWS_NGUEST, "/cluster/resources?type=vm", 4,
	NULL, guest_rows, "vmid" };
static const struct lister list_nodes = {
	lsrows_node_cols, LSROWS_NNODE, "/nodes", 1, node_rows, NULL, "node" };
static const struct lister list_storage = {
	lsrows_storage_cols, LSROWS_NSTORAGE, "/cluster/resources?type=storage",
	3, storage_rows, NULL, NULL };
static const struct lister list_pools = {
	pool_cols, NCOLS(pool_cols), "/pools", 2, pool_rows, NULL, NULL };
static const struct lister list_tasks = {
	lsrows_task_cols, LSROWS_NTASK, "/cluster/tasks", 5, task_rows, NULL,
	NULL };

/* The rows of target t from its finished call k into l->o, the names
 * for completion into l->comp: 0, or -1 with e when the call failed or
 * its answer is not what PVE sends. */
static int
target_read(struct ls *l, const struct px_target *t, struct px_call *k,
    const struct lister *li, struct px_err *e)
{
	struct px_reply r = { .data = -1 };
	int rc = -1;

	buf_reset(&l->comp);
	if (k->rc != 0)
		*e = k->err;
	else if (li->call_rows != NULL)
		rc = li->call_rows(l, t, k, e);
	else if (px_reply_take(k, &r, e) == 0) {
		rc = li->rows(l, t, &r, e);
		px_reply_free(&r);
	}
	return rc;
}

/* Target t's rows are in: keep its names for shell completion. */
static void
target_comp(struct ls *l, const struct px_target *t, const struct lister *li,
    const struct buf *comp)
{
	struct px_err e;

	/* the whole list only: a filtered one would hide the others from
	 * completion */
	if (li->comp_kind && !filtered(&l->f))
		(void)compcache_put(t->p->name, li->comp_kind,
		    comp->p ? comp->p : "", comp->len, &e);
}

/*
 * The rows of target t from its finished call k: held until its answer
 * is read whole and valid (a big answer's rows are made as it is read,
 * json_each: none of them may go out if its end turns out malformed),
 * then committed; a target that fails gives an error row (-A) or ends
 * px (one profile).  rc and e: the answer already read while it arrived
 * (streamed), or rc -2 to read it here.
 */
static void
target_rows(struct ls *l, const struct px_target *t, struct px_call *k,
    const struct lister *li, int rc, struct px_err *e)
{
	if (rc == -2) {
		out_hold(l->o);
		rc = target_read(l, t, k, li, e);
	}
	if (rc == 0) {
		out_commit(l->o);
		target_comp(l, t, li, &l->comp);
		return;
	}
	out_rollback(l->o);
	if (!l->all)
		px_die(e);
	error_row(l, t, e, li->status_col, l->ncols);
}

/*
 * -A streaming: a target's rows as soon as its answer is in, not after
 * the slowest profile's.  The answer is taken from its call and read on
 * a thread of l->q into a part of the output (out_part), joined under
 * l_mu: on two cores two profiles' answers are read at once, as 50
 * clusters' answers end together.
 *
 * The answer is taken when its body is whole (px_call.ready), not when
 * the call is done: libcurl reads every answer that arrives in one pass
 * before it ends any call, so over 50 clusters answering one after
 * another the calls are all done at the end of the last answer.  The
 * call's end still decides: its part is joined only once the call is
 * done and succeeded, by whichever of the reader and the call's end
 * comes second; a call that failed after all gives its error row.
 */
struct early {
	struct ls *l;
	const struct px_target *t;
	const struct lister *li;
	struct px_call k;	/* the answer, taken from the call */
	int readied;		/* taken by early_ready (main thread) */
	/* under l_mu: */
	int parsed;		/* early_read has read it: part, comp, rc, e */
	int ended;		/* the call is done: end_rc, end_e */
	int done;		/* joined or given its error row */
	struct out *part;
	struct buf comp;
	int rc, end_rc;
	struct px_err e, end_e;
};

/* What the threads of -A share: l->o, l->failed, stderr's order. */
static pthread_mutex_t l_mu = PTHREAD_MUTEX_INITIALIZER;

/* w's rows out, or its error row; under l_mu. */
static void
early_finish(struct early *w)
{
	struct ls *l = w->l;

	if (w->readied && w->end_rc != 0) {
		out_free(w->part);	/* the call failed after all */
		error_row(l, w->t, &w->end_e, w->li->status_col, l->ncols);
	} else if (w->rc == 0) {
		out_join(l->o, w->part);
		target_comp(l, w->t, w->li, &w->comp);
	} else {
		out_free(w->part);
		error_row(l, w->t, &w->e, w->li->status_col, l->ncols);
	}
	w->part = NULL;
	w->done = 1;
	buf_free(&w->comp);
}

static void
early_read(void *arg)
{
	struct early *w = arg;
	struct ls *l = w->l, job = *l;
	struct px_err e = { 0 };
	int rc;

	job.o = out_part(l->o);
	job.comp = (struct buf){ 0 };
	rc = target_read(&job, w->t, &w->k, w->li, &e);
	px_call_free(&w->k);	/* the answer read: only its rows wait */
	pthread_mutex_lock(&l_mu);
	w->part = job.o;
	w->comp = job.comp;
	w->rc = rc;
	w->e = e;
	w->parsed = 1;
	if (!w->readied || w->ended)
		early_finish(w);
	pthread_mutex_unlock(&l_mu);
}

/* Take call k's answer for early_read. */
static void
early_take(struct early *w, struct px_call *k, int rc)
{
	w->k = (struct px_call){ .c = k->c, .method = k->method,
	    .path = px_xstrdup(k->path), .rc = rc, .status = k->status,
	    .body = k->body };
	if (rc != 0)
		w->k.err = k->err;
	memset(&k->body, 0, sizeof(k->body));
	workq_add(w->l->q, early_read, w);
}

/* Call k's body is whole (px_call.ready): read it now. */
static void
early_ready(void *arg, struct px_call *k)
{
	struct early *w = arg;

	w->readied = 1;
	early_take(w, k, 0);
}

/* Call k is done (px_call.done). */
static void
early_rows(void *arg, struct px_call *k)
{
	struct early *w = arg;

	if (!w->readied) {
		early_take(w, k, k->rc);
		return;
	}
	pthread_mutex_lock(&l_mu);
	w->ended = 1;
	w->end_rc = k->rc;
	w->end_e = k->err;
	if (w->parsed)
		early_finish(w);
	pthread_mutex_unlock(&l_mu);
}

/* GET the lister's path from every target in parallel and add the rows;
 * a target that fails gives an error row (-A) or ends px (one profile).
 * When the rows stream (tsv and json without -s), each profile's go out
 * as soon as its answer is in, so in the order the answers end; a table
 * or a sorted list has them in the order of the profiles. */
static void
list_simple(struct ls *l, struct px_target *t, int n, const struct lister *li)
{
	int total, rs = -1, streamed;
	struct px_call *k;
	struct px_err se, es = { 0 };
	struct early *w = NULL;

	cols_for(l, li->cols, li->ncols, &total);
	l->ncols = total;
	l->o = out_new(&l->x.out, l->cols, total);
	/* tsv/json without -s: each row goes out as it is parsed. */
	if (out_stream(l->o, stdout, &se) != 0)
		px_die(&se);
	/* One profile's guests are made while the answer arrives. */
	streamed = n == 1 && t[0].c != NULL && li->call_rows == guest_rows;
	if (streamed)
		k = guest_fetch_stream(l, t, li->path, &es, &rs);
	else {
		k = fetch_init(t, n, li->path);
		if (n > 1 && out_streaming(l->o)) {
			w = px_xcalloc((size_t)n, sizeof(*w));
			for (int i = 0; i < n; i++) {
				w[i].l = l;
				w[i].t = &t[i];
				w[i].li = li;
				k[i].done = early_rows;
				k[i].ready = early_ready;
				k[i].done_arg = &w[i];
			}
		}
		if (w != NULL)
			l->q = workq_new(0);
		fetch_run(t, n, k);
		workq_free(l->q);	/* every answer read */
		l->q = NULL;
	}
	for (int i = 0; i < n; i++) {
		struct px_err e = es;

		if (w != NULL && w[i].done)
			continue;
		target_rows(l, &t[i], &k[i], li, streamed ? rs : -2, &e);
	}
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	free(k);
	free(w);
}

/* The guest's snapshots (one profile: the VMID names one guest). */
static void
list_snapshots(struct ls *l, struct px_target *t, int vmid)
{
	struct pve_guest g;
	struct pve_snapshot *v;
	struct px_reply r;
	struct px_err e;
	struct buf p = { 0 };
	int total, nv;
	struct out_col *c;

	if (pve_guest_find(t->c, vmid, &g, &e) != 0)
		px_die(&e);
	buf_adds(&p, "/nodes/");
	url_seg(&p, g.node);
	buf_printf(&p, "/%s/%d/snapshot", g.type, g.vmid);
	if (pve_get(t->c, &r, &e, "%s", p.p) != 0 ||
	    pve_snapshots_parse(&r.j, r.data, &v, &nv, &e) != 0)
		px_die(&e);
	c = cols_for(l, snap_cols, sizeof(snap_cols) / sizeof(snap_cols[0]),
	    &total);
	l->o = out_new(&l->x.out, c, total);
	for (int q = 0; q < nv; q++) {
		row_begin(l, t);
		out_str(l->o, l->base + 0, v[q].name);
		out_str(l->o, l->base + 1, v[q].parent[0] ? v[q].parent : NULL);
		if (v[q].snaptime)
			out_int(l->o, l->base + 2, v[q].snaptime);
		out_bool(l->o, l->base + 3, v[q].vmstate);
		out_str(l->o, l->base + 4, v[q].description[0] ?
		    v[q].description : NULL);
	}
	free(v);
	px_reply_free(&r);
	buf_free(&p);
}

/* Backups: vzdump volumes on every storage that holds backups; a shared
 * storage is read once, through the first node that has it. */
static void
list_backups(struct ls *l, struct px_target *t, int n)
{
	int total;
	struct out_col *c = cols_for(l, backup_cols,
	    sizeof(backup_cols) / sizeof(backup_cols[0]), &total);

	l->o = out_new(&l->x.out, c, total);
	for (int i = 0; i < n; i++) {
		struct pve_storage *s = NULL;
		struct px_call *k;
		struct px_err e;
		int ns = 0, m = 0;

		if (t[i].c == NULL || pve_storages(t[i].c, &s, &ns, &e) != 0) {
			if (t[i].c == NULL)
				e = t[i].err;
			if (!l->all)
				px_die(&e);
			error_row(l, &t[i], &e, 2, total);
			continue;
		}
		k = px_xcalloc((size_t)ns + 1, sizeof(*k));
		for (int q = 0; q < ns; q++) {
			struct buf p = { 0 };
			int dup = 0;

			if (!strstr(s[q].content, "backup") ||
			    strcmp(s[q].status, "available") != 0)
				continue;
			if (l->f.node && strcmp(s[q].node, l->f.node) != 0)
				continue;
			for (int z = 0; z < q && s[q].shared; z++)
				dup |= s[z].shared && !strcmp(s[z].storage,
				    s[q].storage) && strstr(s[z].content,
				    "backup") && !strcmp(s[z].status,
				    "available");
			if (dup)
				continue;
			buf_adds(&p, "/nodes/");
			url_seg(&p, s[q].node);
			buf_adds(&p, "/storage/");
			url_seg(&p, s[q].storage);
			buf_adds(&p, "/content?content=backup");
			px_call_init(&k[m], t[i].c, "GET", NULL, "%s", p.p);
			buf_free(&p);
			m++;
		}
		px_call_run(k, (size_t)m);
		for (int q = 0; q < m; q++) {
			struct px_reply r;
			struct pve_volume *v;
			int nv;

			if (k[q].rc != 0 || px_reply_take(&k[q], &r, &e) != 0 ||
			    pve_volumes_parse(&r.j, r.data, NULL, NULL, &v,
			    &nv, &e) != 0) {
				if (k[q].rc != 0)
					e = k[q].err;
				else if (r.body.p)
					px_reply_free(&r);
				if (!l->all)
					px_die(&e);
				error_row(l, &t[i], &e, 2, total);
				continue;
			}
			for (int z = 0; z < nv; z++) {
				int b = l->base;

				row_begin(l, &t[i]);
				if (v[z].vmid)
					out_int(l->o, b + 0, v[z].vmid);
				out_int(l->o, b + 1, v[z].ctime);
				out_str(l->o, b + 2, v[z].storage);
				out_uint(l->o, b + 3, v[z].size);
				out_str(l->o, b + 4, v[z].format);
				out_str(l->o, b + 5, v[z].verify[0] ?
				    v[z].verify : NULL);
				out_bool(l->o, b + 6, v[z].protected);
				out_str(l->o, b + 7, v[z].notes[0] ?
				    v[z].notes : NULL);
				out_str(l->o, b + 8, v[z].volid);
			}
			free(v);
			px_reply_free(&r);
		}
		for (int q = 0; q < m; q++)
			px_call_free(&k[q]);
		free(k);
		free(s);
	}
}

int
ls_main(int argc, char **argv)
{
	struct ls l = { 0 };
	struct px_target *t;
	struct px_err e = { 0 };
	const char *what;
	char *end;
	int ch, n, rc = 0;
	long vmid = 0;
	struct px_getopt g;

	cli_init(&l.x);
	px_getopt_init(&g, &px_cmd_ls, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&l.x, ch, g.arg))
			continue;
		switch (ch) {
		case 'A':
			l.all = 1;
			break;
		case O_NAME:
			l.f.name = g.arg;
			break;
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			l.f.node = g.arg;
			break;
		case O_POOL:
			l.f.pool = g.arg;
			break;
		case O_STATUS:
			l.f.status = g.arg;
			break;
		case O_TAG:
			l.f.tag = g.arg;
			break;
		case O_TYPE:
			if (strcmp(g.arg, "qemu") && strcmp(g.arg, "lxc") &&
			    strcmp(g.arg, "vm") && strcmp(g.arg, "ct"))
				l.f.type = g.arg;	/* task types too */
			else
				l.f.type = g.arg[0] == 'q' || g.arg[0] == 'v' ?
				    "qemu" : "lxc";
			break;
		default:
			px_usage(&px_cmd_ls);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_ls);
	what = argv[0];
	if (strcmp(what, "snapshots") == 0) {
		if (argc != 2)
			px_errx(PX_EXIT_USAGE, "ls snapshots needs a VMID");
		vmid = strtol(argv[1], &end, 10);
		if (*end != '\0' || vmid < 1 || vmid > 999999999)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[1]);
		if (l.all)
			px_errx(PX_EXIT_USAGE, "ls snapshots works on one "
			    "profile (-p), not -A");
	} else if (argc != 1) {
		px_usage(&px_cmd_ls);
	}

	if (cli_targets(&l.x, l.all, &t, &n, &e) != 0)
		px_die(&e);
	/* Many clusters at once (-A): each one's TLS connection, about 90
	 * KB of libcurl's and OpenSSL's, stays open until all have
	 * answered, while two threads read the answers; the heap for that
	 * in 2 MiB pages and grown in big steps (heap.c). */
	if (n >= FANOUT_HEAP_MIN)
		(void)px_heap_huge(n < 25 ? 4u << 20 : (size_t)(n < 200 ? n :
		    200) * (160u << 10));
	if (strcmp(what, "guests") == 0 || strcmp(what, "vms") == 0)
		list_simple(&l, t, n, &list_guests);
	else if (strcmp(what, "nodes") == 0)
		list_simple(&l, t, n, &list_nodes);
	else if (strcmp(what, "storage") == 0 || strcmp(what, "storages") == 0)
		list_simple(&l, t, n, &list_storage);
	else if (strcmp(what, "pools") == 0)
		list_simple(&l, t, n, &list_pools);
	else if (strcmp(what, "tasks") == 0)
		list_simple(&l, t, n, &list_tasks);
	else if (strcmp(what, "backups") == 0)
		list_backups(&l, t, n);
	else if (strcmp(what, "snapshots") == 0)
		list_snapshots(&l, t, (int)vmid);
	else
		px_errx(PX_EXIT_USAGE, "cannot list '%s' (nodes, guests, "
		    "storage, pools, tasks, backups, snapshots VMID)", what);

	if (cli_print(&l.x, l.o, &e) != 0)
		rc = px_report(&e);
	else if (l.failed)
		rc = PX_EXIT_USAGE;
	out_free(l.o);
	buf_free(&l.comp);
	free(l.cols);
	cli_targets_free(t, n);
	cli_free(&l.x);
	return rc;
}
