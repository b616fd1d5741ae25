/* pve.c -- typed PVE objects from the API. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "enc.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_field.h"
#include "upid.h"

int
px_reply_take(struct px_call *k, struct px_reply *r, struct px_err *e)
{
	char *origin;

	memset(r, 0, sizeof(*r));
	r->data = -1;
	r->body = k->body;
	memset(&k->body, 0, sizeof(k->body));
	if (json_parse(&r->j, r->body.p, r->body.len, e) != 0) {
		px_wrap(e, "%s %s", k->method, k->path);
		buf_free(&r->body);
		return -1;
	}
	if (json_type(&r->j, 0) != JSON_OBJECT) {
		px_fail(e, PXE_PARSE, "%s %s: the answer is not a JSON object",
		    k->method, k->path);
		px_reply_free(r);
		return -1;
	}
	origin = px_call_origin(k);
	json_origin(&r->j, "%s", origin);
	free(origin);
	r->data = json_get(&r->j, 0, "data");
	if (json_is_null(&r->j, r->data))
		r->data = -1;
	return 0;
}

int
pve_get(struct px_client *c, struct px_reply *r, struct px_err *e,
    const char *pathfmt, ...)
{
	struct px_call k;
	struct buf path = { 0 };
	va_list ap;
	int rc;

	va_start(ap, pathfmt);
	buf_vprintf(&path, pathfmt, ap);
	va_end(ap);
	px_call_init(&k, c, "GET", NULL, "%s", buf_str(&path));
	buf_free(&path);
	px_call_run(&k, 1);
	if (k.rc != 0) {
		if (e)
			*e = k.err;
		px_call_free(&k);
		memset(r, 0, sizeof(*r));
		r->data = -1;
		return -1;
	}
	rc = px_reply_take(&k, r, e);
	px_call_free(&k);
	return rc;
}

void
px_reply_free(struct px_reply *r)
{
	json_free(&r->j);
	buf_free(&r->body);
	r->data = -1;
}

int
pve_version_get(struct px_client *c, struct pve_version *v, struct px_err *e)
{
	struct px_reply r;
	int rc;

	memset(v, 0, sizeof(*v));
	if (pve_get(c, &r, e, "/version") != 0)
		return -1;
	if ((rc = pve_version_parse(&r.j, r.data, v, e)) != 0)
		px_wrap(e, "GET /version");
	px_reply_free(&r);
	return rc;
}

#define ND struct pve_node
static const struct pve_field node_f[] = {
	PF_STR(ND, name, "node"), PF_STR(ND, status, "status"),
	PF_NUM(ND, cpu, "cpu"), PF_INT(ND, maxcpu, "maxcpu", 0),
	PF_U64(ND, mem, "mem"), PF_U64(ND, maxmem, "maxmem"),
	PF_U64(ND, disk, "disk"), PF_U64(ND, maxdisk, "maxdisk"),
	PF_LL(ND, uptime, "uptime"), PF_STR(ND, level, "level"),
	PF_STR(ND, ssl_fingerprint, "ssl_fingerprint"),
};

static int
node_more(const struct json *j, int obj, void *row)
{
	ND *x = row;

	(void)j;
	(void)obj;
	x->online = strcmp(x->status, "online") == 0;
	return 0;
}

int
pve_nodes_parse(const struct json *j, int arr, struct pve_node **out, int *n,
    struct px_err *e)
{
	/* Rows of /cluster/resources say their type: only "node" rows are
	 * nodes (GET /nodes says none). */
	static const struct pve_rows d = { "node list", node_f, PF_N(node_f),
	    sizeof(ND), node_more, "node" };

	return pve_rows_parse(j, arr, &d, (void **)out, n, e);
}

#define GU struct pve_guest
#define GUEST_F_TYPE	1	/* guest_f[1] is "type" */
#define GUEST_F_MAXCPU	6	/* guest_f[6] is "maxcpu" */
static const struct pve_field guest_f[] = {
	PF_INT(GU, vmid, "vmid", 0), PF_STR(GU, type, "type"),
	PF_STR(GU, name, "name"), PF_STR(GU, node, "node"),
	PF_STR(GU, status, "status"), PF_NUM(GU, cpu, "cpu"),
	PF_NUM(GU, maxcpu, "maxcpu"), PF_U64(GU, mem, "mem"),
	PF_U64(GU, maxmem, "maxmem"), PF_U64(GU, disk, "disk"),
	PF_U64(GU, maxdisk, "maxdisk"), PF_U64(GU, netin, "netin"),
	PF_U64(GU, netout, "netout"), PF_U64(GU, diskread, "diskread"),
	PF_U64(GU, diskwrite, "diskwrite"), PF_LL(GU, uptime, "uptime"),
	PF_STR(GU, tags, "tags"), PF_STR(GU, pool, "pool"),
	PF_STR(GU, lock, "lock"), PF_STR(GU, hastate, "hastate"),
	PF_BOOL(GU, template, "template", 0),
};

/* The checks of a guest row read from its fields: 0, or -1 with why. */
static int
guest_check(struct pve_guest *x, const char *node, const char *type,
    char *why, size_t n)
{
	if (x->type[0] == '\0' && type)
		snprintf(x->type, sizeof(x->type), "%s", type);
	if (strcmp(x->type, "qemu") != 0 && strcmp(x->type, "lxc") != 0) {
		snprintf(why, n, "vmid %d: type is \"%s\", not qemu or lxc",
		    x->vmid, x->type);
		return -1;
	}
	if (x->vmid <= 0 || x->vmid > 999999999) {
		snprintf(why, n, "vmid %d is not a VMID", x->vmid);
		return -1;
	}
	if (x->node[0] == '\0' && node)
		snprintf(x->node, sizeof(x->node), "%s", node);
	return 0;
}

/* Fill x from guest object obj: 0 when it is a valid guest row, 1 when
 * it is a row of another kind (/cluster/resources), -1 with why when it
 * is malformed.  The rows of /nodes/{node}/{qemu,lxc} say neither node
 * nor type (they come from the arguments) and count CPUs as "cpus". */
static int
guest_from(const struct json *j, int obj, const char *node, const char *type,
    struct pve_guest *x, char *why, size_t n)
{
	char bad[256];
	int t, tok[PF_N(guest_f)], nocpu;
	uint64_t have;
	double d;

	memset(x, 0, sizeof(*x));
	if (pve_row_fast(j, obj, x, guest_f, PF_N(guest_f), &have) == 0) {
		/* a plain row: its type is x->type as sent */
		if (strcmp(x->type, "qemu") != 0 && strcmp(x->type, "lxc") !=
		    0 && x->type[0] != '\0')
			return 1;
		nocpu = !(have & (1ull << GUEST_F_MAXCPU));
		goto read;
	}
	memset(x, 0, sizeof(*x));
	if (json_type(j, obj) != JSON_OBJECT)
		return pve_row_check(j, obj, x, guest_f, PF_N(guest_f), why, n);
	/* The keys looked up once, for the kind and for the row. */
	pve_row_keys(j, obj, guest_f, PF_N(guest_f), tok);
	t = tok[GUEST_F_TYPE];
	if (json_type(j, t) == JSON_STRING && !json_eq(j, t, "qemu") &&
	    !json_eq(j, t, "lxc") && !json_eq(j, t, ""))
		return 1;
	if (pve_row_check_keys(j, obj, tok, x, guest_f, PF_N(guest_f), bad,
	    sizeof(bad)) != 0) {
		snprintf(why, n, "%s", bad);
		return -1;
	}
	nocpu = json_num(j, tok[GUEST_F_MAXCPU], &d) != 0;
read:
	if (guest_check(x, node, type, why, n) != 0)
		return -1;
	if (x->maxcpu == 0 && nocpu)
		x->maxcpu = json_get_num(j, obj, "cpus", 0);
	return 0;
}

/*
 * guest_from on the text of a plain row (json_each_direct): 0 with x,
 * *end past the row, 1 when it is a row of another kind; -1 when the
 * tokens must read it (it is not plain, it is refused, or it says no
 * "maxcpu" and "cpus" may stand in).
 */
static int
guest_direct_from(const char *s, size_t len, size_t at, const char *node,
    const char *type, struct pve_guest *x, size_t *end)
{
	char why[8];
	uint64_t have;

	memset(x, 0, sizeof(*x));
	if (pve_row_direct(s, len, at, x, guest_f, PF_N(guest_f), &have,
	    end) != 0)
		return -1;
	if (strcmp(x->type, "qemu") != 0 && strcmp(x->type, "lxc") != 0 &&
	    x->type[0] != '\0')
		return 1;
	if (!(have & (1ull << GUEST_F_MAXCPU)) ||
	    guest_check(x, node, type, why, sizeof(why)) != 0)
		return -1;
	return 0;
}

int
pve_guests_each(const struct json *j, int arr, const char *node,
    const char *type, int (*cb)(void *arg, const struct pve_guest *g),
    void *arg, struct px_err *e)
{
	struct pve_guest g;
	char why[512];
	int c, i, rc;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	JSON_FOREACH(j, arr, c, i) {
		rc = guest_from(j, c, node, type, &g, why, sizeof(why));
		if (rc < 0)
			pve_row_drop(j, "guest list", i, "%s", why);
		else if (rc == 0 && cb(arg, &g) != 0)
			break;
	}
	return 0;
}

struct guest_each {
	const char *node, *type;
	int (*cb)(void *arg, const struct pve_guest *g);
	void *arg;
	const char *origin;	/* "GET /cluster/resources" */
	int row;		/* the index of the next element */
	/* The rows dropped so far, reported (px_drop) once the answer is
	 * known to be whole and valid, as its good rows are shown only
	 * then: never for an answer that is refused, never twice when a
	 * retry reads it again.  Each: the row (an int), then the reason
	 * and its NUL.  A hostile answer of millions of bad rows keeps
	 * GUEST_DROPS_MAX of them and counts the rest. */
	struct buf drops;
	int ndrops, more, first_more;
	/* the caller's second reader (pve_guests_stream_split), or NULL */
	void *(*fork)(void *arg);
	void (*join)(void *arg, void *arg2, int keep);
};

#define GUEST_DROPS_MAX	1000

static void
guest_drop(struct guest_each *w, int row, const char *why)
{
	if (w->ndrops < GUEST_DROPS_MAX) {
		buf_add(&w->drops, &row, sizeof(row));
		buf_add(&w->drops, why, strlen(why) + 1);
		w->ndrops++;
	} else if (w->more++ == 0)
		w->first_more = row;
}

static int
guest_elem(void *arg, const struct json *el)
{
	struct guest_each *w = arg;
	struct pve_guest g;
	char why[512];
	int rc, row = w->row++;

	rc = guest_from(el, 0, w->node, w->type, &g, why, sizeof(why));
	if (rc < 0)
		guest_drop(w, row, why);
	return rc == 0 ? w->cb(w->arg, &g) : 0;
}

/* guest_elem on the text of a plain row (json_each_direct). */
static int
guest_direct(void *arg, const char *s, size_t len, size_t at, size_t *end)
{
	struct guest_each *w = arg;
	struct pve_guest g;
	int rc;

	if ((rc = guest_direct_from(s, len, at, w->node, w->type, &g,
	    end)) < 0)
		return -1;
	w->row++;
	return rc == 0 ? w->cb(w->arg, &g) != 0 : 0;
}

/* The reader of the list's second half (json_each_split): rows counted
 * from 0 and drops of its own, its rows to the caller's second reader. */
static void *
guest_fork(void *arg)
{
	struct guest_each *w = arg, *w2 = px_xcalloc(1, sizeof(*w2));

	w2->node = w->node;
	w2->type = w->type;
	w2->cb = w->cb;
	w2->origin = w->origin;
	w2->arg = w->fork(w->arg);
	return w2;
}

/* The second half's rows follow the first's (keep), or go. */
static void
guest_join(void *arg, void *arg2, int keep)
{
	struct guest_each *w = arg, *w2 = arg2;
	const char *p = w2->drops.p, *end = p + w2->drops.len;
	int row;

	while (keep && p != NULL && p < end) {
		memcpy(&row, p, sizeof(row));
		p += sizeof(row);
		guest_drop(w, w->row + row, p);
		p += strlen(p) + 1;
	}
	if (keep && w2->more > 0) {
		if (w->more == 0)
			w->first_more = w->row + w2->first_more;
		w->more += w2->more;
	}
	if (keep)
		w->row += w2->row;
	w->join(w->arg, w2->arg, keep);
	buf_free(&w2->drops);
	free(w2);
}

static const struct json_each_fork guest_forks = { guest_fork, guest_join,
    0 };

/* The dropped rows reported when report is set (the answer was valid),
 * and forgotten. */
static void
guests_drops(struct guest_each *w, int report)
{
	const char *p = w->drops.p, *end = p + w->drops.len;
	int row;

	while (report && p != NULL && p < end) {
		memcpy(&row, p, sizeof(row));
		p += sizeof(row);
		px_drop(w->origin, row, "%s", p);
		p += strlen(p) + 1;
	}
	if (report && w->more > 0)
		px_drop(w->origin, w->first_more, "and %d more bad rows from "
		    "here on, not listed one by one", w->more);
	buf_free(&w->drops);
	w->ndrops = w->more = w->first_more = 0;
}

/* The end of a guest list read one element at a time: json_each's rc
 * as the caller's. */
static int
guests_each_end(struct px_call *k, int rc, struct px_err *e)
{
	if (rc == -1) {
		px_wrap(e, "%s %s", k->method, k->path);
		return -1;
	}
	if (rc != 0)	/* no data, or not an array */
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	return 0;
}

int
pve_guests_each_call(struct px_call *k, const char *node, const char *type,
    int (*cb)(void *arg, const struct pve_guest *g), void *arg,
    struct px_err *e)
{
	struct guest_each w = { node, type, cb, arg, NULL, 0, { 0 }, 0, 0, 0,
	    NULL, NULL };
	char *origin = px_call_origin(k);
	struct json_each_stream *js;
	int rc;

	w.origin = origin;
	js = json_each_start("data", guest_elem, &w);
	json_each_direct(js, guest_direct);
	rc = json_each_end(js, k->body.p, k->body.len, e);
	json_each_free(js);
	guests_drops(&w, rc == 0);
	free(origin);
	return guests_each_end(k, rc, e);
}

struct pve_guest_stream {
	struct guest_each w;
	struct json_each_stream *js;
	void (*restart)(void *arg);
	void *restart_arg;
	char *origin;
	unsigned long long total;	/* the answer's Content-Length */
};

/* libcurl's pieces of the answer, as they arrive (px_call's feed). */
static int
guest_feed(void *arg, const char *p, size_t n, unsigned long long total)
{
	struct pve_guest_stream *gs = arg;
	struct px_err e;

	gs->total = total;
	if (p != NULL && gs->w.fork != NULL)
		/* a big part not read yet: on two threads */
		return json_each_split(gs->js, p, n, &guest_forks, &e) != 0;
	if (p == NULL) {	/* the call starts over */
		json_each_restart(gs->js);
		gs->w.row = 0;
		guests_drops(&gs->w, 0);
		if (gs->restart != NULL)
			gs->restart(gs->restart_arg);
		return 0;
	}
	/* an error stays in js: pve_guests_stream_end reports it */
	return json_each_feed(gs->js, p, n, &e) != 0;
}

struct pve_guest_stream *
pve_guests_stream(struct px_call *k, const char *node, const char *type,
    int (*cb)(void *arg, const struct pve_guest *g), void *arg,
    void (*restart)(void *arg), void *restart_arg)
{
	struct pve_guest_stream *gs = px_xcalloc(1, sizeof(*gs));

	gs->origin = px_call_origin(k);
	gs->w.node = node;
	gs->w.type = type;
	gs->w.cb = cb;
	gs->w.arg = arg;
	gs->w.origin = gs->origin;
	gs->js = json_each_start("data", guest_elem, &gs->w);
	json_each_direct(gs->js, guest_direct);
	gs->restart = restart;
	gs->restart_arg = restart_arg;
	k->feed = guest_feed;
	k->feed_arg = gs;
	k->feed_thread = 1;	/* guest_elem and its callback: the rows */
	return gs;
}

void
pve_guests_stream_split(struct pve_guest_stream *gs,
    void *(*fork)(void *arg), void (*join)(void *arg, void *arg2, int keep))
{
	gs->w.fork = fork;
	gs->w.join = join;
}

unsigned long long
pve_guests_stream_total(const struct pve_guest_stream *gs)
{
	return gs->total;
}

int
pve_guests_stream_end(struct pve_guest_stream *gs, struct px_call *k,
    struct px_err *e)
{
	int rc;

	rc = json_each_end(gs->js, k->body.p, k->body.len, e);
	guests_drops(&gs->w, rc == 0);
	k->feed = NULL;
	k->feed_arg = NULL;
	json_each_free(gs->js);
	free(gs->origin);
	free(gs);
	return guests_each_end(k, rc, e);
}

void
pve_guests_stream_free(struct pve_guest_stream *gs, struct px_call *k)
{
	if (gs == NULL)
		return;
	guests_drops(&gs->w, 0);
	k->feed = NULL;
	k->feed_arg = NULL;
	json_each_free(gs->js);
	free(gs->origin);
	free(gs);
}

struct collect {
	struct pve_guest *v;
	int n;
};

static int
collect_guest(void *arg, const struct pve_guest *g)
{
	struct collect *k = arg;

	k->v[k->n++] = *g;
	return 0;
}

int
pve_guests_parse(const struct json *j, int arr, const char *node,
    const char *type, struct pve_guest **out, int *n, struct px_err *e)
{
	struct collect k = { NULL, 0 };

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	k.v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*k.v));
	pve_guests_each(j, arr, node, type, collect_guest, &k, e);
	*out = k.v;
	*n = k.n;
	return 0;
}

#define ST struct pve_storage
static const struct pve_field storage_f[] = {
	PF_STR(ST, storage, "storage"), PF_STR(ST, node, "node"),
	PF_STR(ST, status, "status"), PF_STR(ST, plugintype, "plugintype"),
	PF_STR(ST, content, "content"), PF_BOOL(ST, shared, "shared", 0),
	PF_U64(ST, disk, "disk"), PF_U64(ST, maxdisk, "maxdisk"),
};
/* The rows of /nodes/{node}/storage put the plugin type in "type" (the
 * rows of /cluster/resources say "storage" there), ... */
static const struct pve_field storage_type_f[] = {
	PF_STR(ST, plugintype, "type"),
};
/* ... and say used and total, not disk and maxdisk. */
static const struct pve_field storage_size_f[] = {
	PF_U64(ST, disk, "used"), PF_U64(ST, maxdisk, "total"),
};

static int
storage_more(const struct json *j, int obj, void *row)
{
	ST *x = row;

	if (x->plugintype[0] == '\0' &&
	    !json_eq(j, json_get(j, obj, "type"), "storage"))
		pve_fill(j, obj, x, storage_type_f, PF_N(storage_type_f));
	if (x->maxdisk == 0)
		pve_fill(j, obj, x, storage_size_f, PF_N(storage_size_f));
	return 0;
}

int
pve_storages_parse(const struct json *j, int arr, struct pve_storage **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("storage list", ST, storage_f, storage_more);
}

#define TK struct pve_task
static const struct pve_field task_f[] = {
	PF_STR(TK, upid, "upid"), PF_STR(TK, node, "node"),
	PF_STR(TK, type, "type"), PF_STR(TK, id, "id"),
	PF_STR(TK, user, "user"), PF_LL(TK, starttime, "starttime"),
	PF_LL(TK, endtime, "endtime"), PF_STR(TK, exitstatus, "exitstatus"),
	PF_STR(TK, status, "status"),
};

/* What the task's status and exitstatus say, and what its UPID says
 * when the row does not. */
static int
task_more(const struct json *j, int obj, void *row)
{
	TK *x = row;
	char status[sizeof(x->status)];

	(void)j;
	(void)obj;
	memcpy(status, x->status, sizeof(status));
	/* The status endpoint says running/stopped and puts the result in
	 * exitstatus; lists put the result in status and set endtime. */
	if (strcmp(status, "running") == 0 ||
	    (status[0] == '\0' && x->endtime == 0)) {
		x->running = 1;
		snprintf(x->status, sizeof(x->status), "running");
	} else if (strcmp(status, "stopped") == 0) {
		snprintf(x->status, sizeof(x->status), "%s",
		    x->exitstatus[0] ? x->exitstatus : "stopped");
	} else if (x->exitstatus[0] == '\0')
		snprintf(x->exitstatus, sizeof(x->exitstatus), "%s", status);
	x->ok = !x->running && strcmp(x->exitstatus, "OK") == 0;
	if (x->node[0] == '\0' || x->type[0] == '\0') {
		struct upid u;

		if (upid_parse(x->upid, &u, NULL) == 0) {
			if (x->node[0] == '\0')
				snprintf(x->node, sizeof(x->node), "%s", u.node);
			if (x->type[0] == '\0')
				snprintf(x->type, sizeof(x->type), "%s", u.type);
			if (x->id[0] == '\0')
				snprintf(x->id, sizeof(x->id), "%s", u.id);
			if (x->user[0] == '\0')
				snprintf(x->user, sizeof(x->user), "%s", u.user);
			if (x->starttime == 0)
				x->starttime = u.starttime;
		}
	}
	return 0;
}

void
pve_task_from(const struct json *j, int obj, struct pve_task *t)
{
	memset(t, 0, sizeof(*t));
	pve_fill(j, obj, t, task_f, PF_N(task_f));
	task_more(j, obj, t);
}

int
pve_tasks_parse(const struct json *j, int arr, struct pve_task **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("task list", TK, task_f, task_more);
}

int
pve_nodes(struct px_client *c, struct pve_node **out, int *n,
    struct px_err *e)
{
	struct px_reply r;
	int rc;

	if (pve_get(c, &r, e, "/nodes") != 0)
		return -1;
	rc = pve_nodes_parse(&r.j, r.data, out, n, e);
	px_reply_free(&r);
	return rc;
}

int
pve_guests(struct px_client *c, struct pve_guest **out, int *n,
    struct px_err *e)
{
	struct px_reply r;
	int rc;

	if (pve_get(c, &r, e, "/cluster/resources?type=vm") != 0)
		return -1;
	rc = pve_guests_parse(&r.j, r.data, NULL, NULL, out, n, e);
	px_reply_free(&r);
	return rc;
}

int
pve_storages(struct px_client *c, struct pve_storage **out, int *n,
    struct px_err *e)
{
	struct px_reply r;
	int rc;

	if (pve_get(c, &r, e, "/cluster/resources?type=storage") != 0)
		return -1;
	rc = pve_storages_parse(&r.j, r.data, out, n, e);
	px_reply_free(&r);
	return rc;
}

int
pve_guest_find(struct px_client *c, int vmid, struct pve_guest *g,
    struct px_err *e)
{
	struct pve_guest *v;
	int n, found = 0;

	if (pve_guests(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		if (v[i].vmid == vmid) {
			*g = v[i];
			found = 1;
		}
	free(v);
	if (!found) {
		px_fail(e, PXE_NOT_FOUND, "no guest with VMID %d", vmid);
		px_hint(e, "px ls guests lists them (check the profile: -p)");
		return -1;
	}
	return 0;
}

int
pve_task_status(struct px_client *c, const char *upid, struct pve_task *t,
    struct px_err *e)
{
	struct upid u;
	struct px_reply r;
	struct buf p = { 0 };

	if (upid_parse(upid, &u, e) != 0)
		return -1;
	buf_adds(&p, "/nodes/");
	url_seg(&p, u.node);
	buf_adds(&p, "/tasks/");
	url_seg(&p, upid);
	buf_adds(&p, "/status");
	if (pve_get(c, &r, e, "%s", p.p) != 0) {
		buf_free(&p);
		return -1;
	}
	buf_free(&p);
	if (r.data < 0) {
		px_reply_free(&r);
		return px_fail(e, PXE_PARSE, "task status: no data");
	}
	pve_task_from(&r.j, r.data, t);
	if (t->upid[0] == '\0')
		snprintf(t->upid, sizeof(t->upid), "%s", upid);
	px_reply_free(&r);
	return 0;
}

int
pve_has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *s = tags; s && *s; ) {
		size_t l = strcspn(s, ";, ");

		if (l == n && strncasecmp(s, tag, n) == 0)
			return 1;
		s += l;
		s += strspn(s, ";, ");
	}
	return 0;
}

int
pve_valid_node(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-' || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

int
pve_word_get(const struct json *j, int obj, const char *key, char *out,
    size_t n, struct px_err *e)
{
	int t;
	long len;

	out[0] = '\0';
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "%s: the answer is not an object",
		    key);
	t = json_get(j, obj, key);
	if (t < 0 || json_is_null(j, t))
		return 0;
	if (json_type(j, t) != JSON_STRING)
		return px_fail(e, PXE_PARSE, "%s is not a string", key);
	len = json_strcpy(j, t, out, n);
	if (len < 0 || (size_t)len >= n || strspn(out, "abcdefghijklmnopqrstuv"
	    "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != (size_t)len) {
		text_sanitize(out);
		px_fail(e, PXE_PARSE, "%s '%s%s' is not a name", key, out,
		    len >= 0 && (size_t)len >= n ? "..." : "");
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
pve_valid_storage(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 64 || !(s[0] >= 'a' && s[0] <= 'z') ||
	    !((s[n - 1] >= 'a' && s[n - 1] <= 'z') || (s[n - 1] >= '0' &&
	    s[n - 1] <= '9')))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

#define PO struct pve_pool
static const struct pve_field pool_f[] = {
	PF_STR(PO, poolid, "poolid"), PF_STR(PO, comment, "comment"),
};

/* The number of members, when the list says. */
static int
pool_members(const struct json *j, int obj, void *row)
{
	int m = json_get(j, obj, "members");

	((PO *)row)->members = json_type(j, m) == JSON_ARRAY ?
	    json_len(j, m) : -1;
	return 0;
}

int
pve_pools_parse(const struct json *j, int arr, struct pve_pool **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("pool list", PO, pool_f, pool_members);
}

#define SN struct pve_snapshot
static const struct pve_field snapshot_f[] = {
	PF_STR(SN, name, "name"), PF_STR(SN, parent, "parent"),
	PF_STR(SN, description, "description"),
	PF_LL(SN, snaptime, "snaptime"), PF_BOOL(SN, vmstate, "vmstate", 0),
};

/* "current" is where the guest is, not a snapshot. */
static int
snapshot_current(const struct json *j, int obj, void *row)
{
	(void)j;
	(void)obj;
	return strcmp(((SN *)row)->name, "current") == 0;
}

int
pve_snapshots_parse(const struct json *j, int arr, struct pve_snapshot **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("snapshot list", SN, snapshot_f, snapshot_current);
}

void
pve_snapshot_here(const struct json *j, int arr, char *here, size_t n)
{
	const struct pve_field f = { "parent", PF_STR, 0, n, 0 };
	int c, i;

	if (n == 0)
		return;
	here[0] = '\0';
	JSON_FOREACH(j, arr, c, i)
		if (json_type(j, c) == JSON_OBJECT &&
		    json_eq(j, json_get(j, c, "name"), "current")) {
			pve_fill(j, c, here, &f, 1);
			return;
		}
}

#define VO struct pve_volume
static const struct pve_field volume_f[] = {
	PF_STR(VO, volid, "volid"), PF_STR(VO, content, "content"),
	PF_STR(VO, format, "format"), PF_STR(VO, notes, "notes"),
	PF_INT(VO, vmid, "vmid", 0), PF_LL(VO, ctime, "ctime"),
	PF_U64(VO, size, "size"), PF_U64(VO, used, "used"),
	PF_BOOL(VO, protected, "protected", 0),
};
/* Of the row's "verification" object. */
static const struct pve_field verification_f[] = {
	PF_STR(VO, verify, "state"),
};

static int
volume_verification(const struct json *j, int obj, void *row)
{
	pve_fill(j, json_get(j, obj, "verification"), row, verification_f,
	    PF_N(verification_f));
	return 0;
}

int
pve_volumes_parse(const struct json *j, int arr, const char *node,
    const char *storage, struct pve_volume **out, int *n, struct px_err *e)
{
	if (PVE_PARSE("storage content", VO, volume_f,
	    volume_verification) != 0)
		return -1;
	/* Where it was listed; the storage, else the volid's
	 * "storage:" prefix. */
	for (int i = 0; i < *n; i++) {
		VO *x = &(*out)[i];

		snprintf(x->node, sizeof(x->node), "%s", node ? node : "");
		if (storage && storage[0])
			snprintf(x->storage, sizeof(x->storage), "%s", storage);
		else
			snprintf(x->storage, sizeof(x->storage), "%.*s",
			    (int)strcspn(x->volid, ":"), x->volid);
	}
	return 0;
}
