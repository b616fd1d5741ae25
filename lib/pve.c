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

/* Copy string field key of obj into dst (size n); "" when absent. */
static void
sfield(const struct json *j, int obj, const char *key, char *dst, size_t n)
{
	if (json_strcpy(j, json_get(j, obj, key), dst, n) < 0)
		dst[0] = '\0';
}

static uint64_t
ufield(const struct json *j, int obj, const char *key)
{
	return json_get_uint(j, obj, key, 0);
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

/* Rows of /cluster/resources say their type: only "node" rows are
 * nodes (GET /nodes says none). */
static int
node_more(const struct json *j, int obj, void *row)
{
	ND *x = row;
	int t = json_get(j, obj, "type");
	enum json_type ty = json_type(j, t);

	if (ty != JSON_OBJECT && ty != JSON_ARRAY && !json_is_null(j, t) &&
	    !json_eq(j, t, "") && !json_eq(j, t, "node"))
		return -1;
	x->online = strcmp(x->status, "online") == 0;
	return 0;
}

int
pve_nodes_parse(const struct json *j, int arr, struct pve_node **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("node list", ND, node_f, node_more);
}

#define GU struct pve_guest
static const struct pve_field guest_f[] = {
	PF_STR(GU, type, "type"), PF_INT(GU, vmid, "vmid", 0),
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

/* Fill x from guest object obj; 0 when it is a valid guest row.  The
 * rows of /nodes/{node}/{qemu,lxc} say neither node nor type (they
 * come from the arguments) and count CPUs as "cpus". */
static int
guest_from(const struct json *j, int obj, const char *node, const char *type,
    struct pve_guest *x)
{
	double d;

	memset(x, 0, sizeof(*x));
	if (json_type(j, obj) != JSON_OBJECT)
		return -1;
	pve_fill(j, obj, x, guest_f, PF_N(guest_f));
	if (x->type[0] == '\0' && type)
		snprintf(x->type, sizeof(x->type), "%s", type);
	if (strcmp(x->type, "qemu") != 0 && strcmp(x->type, "lxc") != 0)
		return -1;
	if (x->vmid <= 0 || x->vmid > 999999999)
		return -1;
	if (x->node[0] == '\0' && node)
		snprintf(x->node, sizeof(x->node), "%s", node);
	if (x->maxcpu == 0 && json_num(j, json_get(j, obj, "maxcpu"), &d) != 0)
		x->maxcpu = json_get_num(j, obj, "cpus", 0);
	return 0;
}

int
pve_guests_each(const struct json *j, int arr, const char *node,
    const char *type, int (*cb)(void *arg, const struct pve_guest *g),
    void *arg, struct px_err *e)
{
	struct pve_guest g;
	int c, i;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	JSON_FOREACH(j, arr, c, i)
		if (guest_from(j, c, node, type, &g) == 0 && cb(arg, &g) != 0)
			break;
	return 0;
}

struct guest_each {
	const char *node, *type;
	int (*cb)(void *arg, const struct pve_guest *g);
	void *arg;
};

static int
guest_elem(void *arg, const struct json *el)
{
	struct guest_each *w = arg;
	struct pve_guest g;

	return guest_from(el, 0, w->node, w->type, &g) == 0 ?
	    w->cb(w->arg, &g) : 0;
}

int
pve_guests_each_call(struct px_call *k, const char *node, const char *type,
    int (*cb)(void *arg, const struct pve_guest *g), void *arg,
    struct px_err *e)
{
	struct guest_each w = { node, type, cb, arg };
	int rc;

	rc = json_each(k->body.p, k->body.len, "data", guest_elem, &w, e);
	if (rc == -1) {
		px_wrap(e, "%s %s", k->method, k->path);
		return -1;
	}
	if (rc != 0)	/* no data, or not an array */
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	return 0;
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

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "guest list: not an array");
	k.v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*k.v));
	pve_guests_each(j, arr, node, type, collect_guest, &k, e);
	*out = k.v;
	*n = k.n;
	return 0;
}

int
pve_storages_parse(const struct json *j, int arr, struct pve_storage **out,
    int *n, struct px_err *e)
{
	struct pve_storage *v;
	int c, i, k = 0;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "storage list: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		struct pve_storage *x = &v[k];
		char type[16];

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		/* /cluster/resources rows say type "storage"; the rows of
		 * /nodes/{node}/storage put the plugin type there. */
		sfield(j, c, "type", type, sizeof(type));
		sfield(j, c, "storage", x->storage, sizeof(x->storage));
		if (x->storage[0] == '\0')
			continue;
		sfield(j, c, "node", x->node, sizeof(x->node));
		sfield(j, c, "status", x->status, sizeof(x->status));
		sfield(j, c, "plugintype", x->plugintype, sizeof(x->plugintype));
		if (x->plugintype[0] == '\0' && strcmp(type, "storage") != 0)
			snprintf(x->plugintype, sizeof(x->plugintype), "%s", type);
		sfield(j, c, "content", x->content, sizeof(x->content));
		x->shared = json_get_bool(j, c, "shared", 0);
		x->disk = ufield(j, c, "disk");
		x->maxdisk = ufield(j, c, "maxdisk");
		if (x->maxdisk == 0) {	/* /nodes/{n}/storage shape */
			x->disk = ufield(j, c, "used");
			x->maxdisk = ufield(j, c, "total");
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void
pve_task_from(const struct json *j, int c, struct pve_task *x)
{
	char status[256];

	memset(x, 0, sizeof(*x));
	sfield(j, c, "upid", x->upid, sizeof(x->upid));
	sfield(j, c, "node", x->node, sizeof(x->node));
	sfield(j, c, "type", x->type, sizeof(x->type));
	sfield(j, c, "id", x->id, sizeof(x->id));
	sfield(j, c, "user", x->user, sizeof(x->user));
	x->starttime = json_get_int(j, c, "starttime", 0);
	x->endtime = json_get_int(j, c, "endtime", 0);
	sfield(j, c, "exitstatus", x->exitstatus, sizeof(x->exitstatus));
	sfield(j, c, "status", status, sizeof(status));
	text_sanitize(x->exitstatus);
	text_sanitize(status);
	/* The status endpoint says running/stopped and puts the result in
	 * exitstatus; lists put the result in status and set endtime. */
	if (strcmp(status, "running") == 0 ||
	    (status[0] == '\0' && x->endtime == 0)) {
		x->running = 1;
		snprintf(x->status, sizeof(x->status), "running");
	} else if (strcmp(status, "stopped") == 0) {
		snprintf(x->status, sizeof(x->status), "%s",
		    x->exitstatus[0] ? x->exitstatus : "stopped");
	} else {
		snprintf(x->status, sizeof(x->status), "%s", status);
		if (x->exitstatus[0] == '\0')
			snprintf(x->exitstatus, sizeof(x->exitstatus), "%s",
			    status);
	}
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
}

int
pve_tasks_parse(const struct json *j, int arr, struct pve_task **out, int *n,
    struct px_err *e)
{
	struct pve_task *v;
	int c, i, k = 0;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "task list: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT)
			continue;
		pve_task_from(j, c, &v[k]);
		if (v[k].upid[0])
			k++;
	}
	*out = v;
	*n = k;
	return 0;
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
pve_pools_parse(const struct json *j, int arr, struct pve_pool **out, int *n,
    struct px_err *e)
{
	struct pve_pool *v;
	int c, i, k = 0;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "pool list: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		struct pve_pool *x = &v[k];
		int m;

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		sfield(j, c, "poolid", x->poolid, sizeof(x->poolid));
		if (x->poolid[0] == '\0')
			continue;
		sfield(j, c, "comment", x->comment, sizeof(x->comment));
		text_sanitize(x->comment);
		m = json_get(j, c, "members");
		x->members = json_type(j, m) == JSON_ARRAY ? json_len(j, m) : -1;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

int
pve_snapshots_parse(const struct json *j, int arr, struct pve_snapshot **out,
    int *n, struct px_err *e)
{
	struct pve_snapshot *v;
	int c, i, k = 0;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "snapshot list: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		struct pve_snapshot *x = &v[k];

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		sfield(j, c, "name", x->name, sizeof(x->name));
		if (x->name[0] == '\0' || strcmp(x->name, "current") == 0)
			continue;
		sfield(j, c, "parent", x->parent, sizeof(x->parent));
		sfield(j, c, "description", x->description,
		    sizeof(x->description));
		text_sanitize(x->description);
		x->snaptime = json_get_int(j, c, "snaptime", 0);
		x->vmstate = json_get_bool(j, c, "vmstate", 0);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void
pve_snapshot_here(const struct json *j, int arr, char *here, size_t n)
{
	int c, i;

	if (n > 0)
		here[0] = '\0';
	JSON_FOREACH(j, arr, c, i)
		if (json_type(j, c) == JSON_OBJECT &&
		    json_eq(j, json_get(j, c, "name"), "current")) {
			sfield(j, c, "parent", here, n);
			text_sanitize(here);
			return;
		}
}

int
pve_volumes_parse(const struct json *j, int arr, const char *node,
    const char *storage, struct pve_volume **out, int *n, struct px_err *e)
{
	struct pve_volume *v;
	int c, i, k = 0;

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "storage content: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		struct pve_volume *x = &v[k];
		int ver;

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		sfield(j, c, "volid", x->volid, sizeof(x->volid));
		if (x->volid[0] == '\0')
			continue;
		snprintf(x->node, sizeof(x->node), "%s", node ? node : "");
		snprintf(x->storage, sizeof(x->storage), "%s",
		    storage ? storage : "");
		if (x->storage[0] == '\0') {
			size_t l = strcspn(x->volid, ":");

			snprintf(x->storage, sizeof(x->storage), "%.*s", (int)l,
			    x->volid);
		}
		sfield(j, c, "content", x->content, sizeof(x->content));
		sfield(j, c, "format", x->format, sizeof(x->format));
		sfield(j, c, "notes", x->notes, sizeof(x->notes));
		text_sanitize(x->notes);
		ver = json_get(j, c, "verification");
		if (json_strcpy(j, json_get(j, ver, "state"), x->verify,
		    sizeof(x->verify)) < 0)
			x->verify[0] = '\0';
		x->vmid = (int)json_get_int(j, c, "vmid", 0);
		x->ctime = json_get_int(j, c, "ctime", 0);
		x->size = ufield(j, c, "size");
		x->used = ufield(j, c, "used");
		x->protected = json_get_bool(j, c, "protected", 0);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}
