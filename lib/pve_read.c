/* pve_read.c -- typed objects of the read commands, and task following. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "enc.h"
#include "pve_read.h"
#include "upid.h"

/* ---- a table-driven object reader ---- */

enum fkind { F_STR, F_STRRAW, F_INT, F_LL, F_BOOL, F_U64, F_DBL };

struct field {
	const char *key;
	size_t off, size;
	enum fkind kind;
};

#define FLD(T, key, m, k) { key, offsetof(T, m), sizeof(((T *)0)->m), k }

/* Fill the struct at p from object obj.  Strings are sanitized (F_STR)
 * or kept as sent (F_STRRAW); absent fields stay zero, except booleans
 * with a default given by the caller beforehand. */
static void
fill(const struct json *j, int obj, void *p, const struct field *f, int nf)
{
	for (int i = 0; i < nf; i++) {
		char *dst = (char *)p + f[i].off;
		int t = json_get(j, obj, f[i].key);
		long long ll;

		if (json_is_null(j, t))
			continue;
		switch (f[i].kind) {
		case F_STR:
		case F_STRRAW:
			if (json_strcpy(j, t, dst, f[i].size) < 0)
				dst[0] = '\0';
			else if (f[i].kind == F_STR)
				text_sanitize(dst);
			break;
		case F_INT:
			if (json_int(j, t, &ll) == 0)
				*(int *)dst = (int)ll;
			break;
		case F_BOOL:
			json_bool(j, t, (int *)dst);
			break;
		case F_LL:
			json_int(j, t, (long long *)dst);
			break;
		case F_U64:
			json_uint(j, t, (uint64_t *)dst);
			break;
		case F_DBL:
			json_num(j, t, (double *)dst);
			break;
		}
	}
}

/*
 * Parse the objects of array arr into a malloc'd array of elements of
 * size sz (one zeroed element more, as a terminator).  init, when not
 * NULL, is copied into each element first (defaults); an element whose
 * first field (the key) is empty is dropped.
 */
static int
parse_array(const struct json *j, int arr, size_t sz, const void *init,
    const struct field *f, int nf, void **out, int *n, const char *what,
    struct px_err *e)
{
	char *v;
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "%s: not an array", what);
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sz);
	JSON_FOREACH(j, arr, c, i) {
		char *x = v + (size_t)k * sz;

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		if (init)
			memcpy(x, init, sz);
		fill(j, c, x, f, nf);
		if (x[f[0].off] == '\0') {
			memset(x, 0, sz);
			continue;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- many GETs at once ---- */

void
pve_req_init(struct pve_get_req *q, struct px_client *c, const char *pathfmt,
    ...)
{
	struct buf b = { 0 };
	va_list ap;

	memset(q, 0, sizeof(*q));
	q->c = c;
	q->rc = -1;
	q->r.data = -1;
	if (c == NULL)
		px_fail(&q->err, PXE_FAILURE, "not requested");
	va_start(ap, pathfmt);
	buf_vprintf(&b, pathfmt, ap);
	va_end(ap);
	q->path = buf_steal(&b);
}

int
pve_get_all(struct pve_get_req *q, int n)
{
	struct px_call *k = px_xcalloc(PVE_BATCH, sizeof(*k));
	int *who = px_xcalloc(PVE_BATCH, sizeof(*who));
	int failed = 0;

	for (int i = 0; i < n; ) {
		int m = 0;

		for (; i < n && m < PVE_BATCH; i++) {
			if (q[i].c == NULL)
				continue;
			px_call_init(&k[m], q[i].c, "GET", NULL, "%s", q[i].path);
			who[m++] = i;
		}
		px_call_run(k, (size_t)m);
		for (int z = 0; z < m; z++) {
			struct pve_get_req *r = &q[who[z]];

			r->rc = -1;
			if (k[z].rc != 0)
				r->err = k[z].err;
			else if (px_reply_take(&k[z], &r->r, &r->err) == 0)
				r->rc = 0;
			px_call_free(&k[z]);
		}
	}
	for (int i = 0; i < n; i++)
		failed += q[i].rc != 0;
	free(k);
	free(who);
	return failed;
}

void
pve_req_free(struct pve_get_req *q, int n)
{
	for (int i = 0; i < n; i++) {
		free(q[i].path);
		q[i].path = NULL;
		if (q[i].r.body.p || q[i].r.j.tok)
			px_reply_free(&q[i].r);
	}
}

void
pve_guest_path(struct buf *b, const char *node, const char *type, int vmid)
{
	buf_adds(b, "/nodes/");
	url_seg(b, node);
	buf_printf(b, "/%s/%d", strcmp(type, "lxc") == 0 ? "lxc" : "qemu",
	    vmid);
}

int
pve_parse_vmid(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 999999999)
		return -1;
	return (int)v;
}

/* ---- key/value objects ---- */

/* A value as text: strings unescaped, numbers and booleans as sent,
 * objects and arrays as JSON text; NULL for null/absent. */
static char *
value_text(const struct json *j, int t)
{
	enum json_type ty = json_type(j, t);
	const char *raw;
	size_t n;

	if (ty == JSON_OBJECT || ty == JSON_ARRAY) {
		raw = json_raw(j, t, &n);
		return raw ? px_xstrndup(raw, n) : NULL;
	}
	return json_strdup(j, t);
}

static int
kv_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct pve_kv *)a)->key,
	    ((const struct pve_kv *)b)->key);
}

int
pve_kv_parse(const struct json *j, int obj, struct pve_kv **out, int *n,
    struct px_err *e)
{
	struct pve_kv *v;
	int k, i, m = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "configuration: not an object");
	v = px_xcalloc((size_t)json_len(j, obj) + 1, sizeof(*v));
	JSON_FOREACH_KV(j, obj, k, i) {
		if (json_strcpy(j, k, v[m].key, sizeof(v[m].key)) <= 0)
			continue;
		text_sanitize(v[m].key);
		v[m].value = value_text(j, k + 1);
		m++;
	}
	qsort(v, (size_t)m, sizeof(*v), kv_cmp);
	*out = v;
	*n = m;
	return 0;
}

int
pve_pending_parse(const struct json *j, int arr, struct pve_kv **out, int *n,
    struct px_err *e)
{
	struct pve_kv *v;
	int c, i, m = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "pending configuration: not an "
		    "array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_strcpy(j, json_get(j, c, "key"), v[m].key,
		    sizeof(v[m].key)) <= 0)
			continue;
		text_sanitize(v[m].key);
		v[m].value = value_text(j, json_get(j, c, "value"));
		v[m].pending = value_text(j, json_get(j, c, "pending"));
		v[m].del = (int)json_get_int(j, c, "delete", 0);
		m++;
	}
	qsort(v, (size_t)m, sizeof(*v), kv_cmp);
	*out = v;
	*n = m;
	return 0;
}

void
pve_kv_free(struct pve_kv *v, int n)
{
	for (int i = 0; v && i < n; i++) {
		free(v[i].value);
		free(v[i].pending);
	}
	free(v);
}

const char *
pve_kv_get(const struct pve_kv *v, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return NULL;
}

/* ---- guest status ---- */

#define GS struct pve_guest_status
static const struct field gs_fields[] = {
	FLD(GS, "name", name, F_STR), FLD(GS, "status", status, F_STR),
	FLD(GS, "qmpstatus", qmpstatus, F_STR), FLD(GS, "pid", pid, F_LL),
	FLD(GS, "uptime", uptime, F_LL), FLD(GS, "cpu", cpu, F_DBL),
	FLD(GS, "cpus", cpus, F_DBL), FLD(GS, "mem", mem, F_U64),
	FLD(GS, "maxmem", maxmem, F_U64), FLD(GS, "disk", disk, F_U64),
	FLD(GS, "maxdisk", maxdisk, F_U64), FLD(GS, "swap", swap, F_U64),
	FLD(GS, "maxswap", maxswap, F_U64), FLD(GS, "netin", netin, F_U64),
	FLD(GS, "netout", netout, F_U64),
	FLD(GS, "diskread", diskread, F_U64),
	FLD(GS, "diskwrite", diskwrite, F_U64),
	FLD(GS, "agent", agent, F_BOOL), FLD(GS, "lock", lock, F_STR),
	FLD(GS, "tags", tags, F_STR), FLD(GS, "template", template, F_BOOL),
	FLD(GS, "running-qemu", running_qemu, F_STR),
	FLD(GS, "running-machine", running_machine, F_STR),
	FLD(GS, "vmid", vmid, F_INT),
};

int
pve_guest_status_parse(const struct json *j, int obj,
    struct pve_guest_status *s, struct px_err *e)
{
	int ha;

	memset(s, 0, sizeof(*s));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "guest status: not an object");
	s->agent = -1;
	fill(j, obj, s, gs_fields, sizeof(gs_fields) / sizeof(gs_fields[0]));
	ha = json_get(j, obj, "ha");
	s->ha_managed = json_get_bool(j, ha, "managed", 0);
	if (s->ha_managed && json_strcpy(j, json_get(j, ha, "state"),
	    s->ha_state, sizeof(s->ha_state)) < 0)
		s->ha_state[0] = '\0';
	text_sanitize(s->ha_state);
	return 0;
}

/* ---- interfaces ---- */

static void
iface_addr(struct pve_iface *x, const char *a)
{
	size_t l = strcspn(a, "/");

	if (l == 0 || x->naddr == PVE_IFACE_ADDRS)
		return;
	snprintf(x->addr[x->naddr++], sizeof(x->addr[0]), "%.*s", (int)l, a);
}

int
pve_ifaces_parse(const struct json *j, int t, struct pve_iface **out, int *n,
    struct px_err *e)
{
	struct pve_iface *v;
	int c, i, k = 0;
	char a[128];

	*out = NULL;
	*n = 0;
	if (json_type(j, t) == JSON_OBJECT)
		t = json_get(j, t, "result");
	if (json_type(j, t) == JSON_OBJECT) {	/* an agent error */
		*out = px_xcalloc(1, sizeof(**out));
		return 0;
	}
	if (json_type(j, t) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "interfaces: not an array");
	v = px_xcalloc((size_t)json_len(j, t) + 1, sizeof(*v));
	JSON_FOREACH(j, t, c, i) {
		struct pve_iface *x = &v[k];
		int ips, ip, q;

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		if (json_strcpy(j, json_get(j, c, "name"), x->name,
		    sizeof(x->name)) < 0)
			continue;
		if (json_strcpy(j, json_get(j, c, "hardware-address"),
		    x->hwaddr, sizeof(x->hwaddr)) < 0 &&
		    json_strcpy(j, json_get(j, c, "hwaddr"), x->hwaddr,
		    sizeof(x->hwaddr)) < 0)
			x->hwaddr[0] = '\0';
		ips = json_get(j, c, "ip-addresses");
		JSON_FOREACH(j, ips, ip, q)
			if (json_strcpy(j, json_get(j, ip, "ip-address"), a,
			    sizeof(a)) > 0)
				iface_addr(x, a);
		if (x->naddr == 0) {
			if (json_strcpy(j, json_get(j, c, "inet"), a,
			    sizeof(a)) > 0)
				iface_addr(x, a);
			if (json_strcpy(j, json_get(j, c, "inet6"), a,
			    sizeof(a)) > 0)
				iface_addr(x, a);
		}
		text_sanitize(x->name);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- qemu guest agent: exec ---- */

int
pve_agent_exec_parse(const struct json *j, int obj, long long *pid,
    struct px_err *e)
{
	if (json_int(j, json_get(j, obj, "pid"), pid) != 0 || *pid < 0)
		return px_fail(e, PXE_PARSE, "agent exec: the answer has no "
		    "pid");
	return 0;
}

int
pve_agent_exec_status_parse(const struct json *j, int obj,
    struct pve_agent_exec_status *st, struct px_err *e)
{
	memset(st, 0, sizeof(*st));
	st->exitcode = -1;
	st->signal = -1;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "agent exec-status: not an "
		    "object");
	st->exited = json_get_bool(j, obj, "exited", 0);
	if (!st->exited)
		return 0;
	st->exitcode = json_get_int(j, obj, "exitcode", -1);
	st->signal = json_get_int(j, obj, "signal", -1);
	st->out = json_get_str(j, obj, "out-data");
	st->err = json_get_str(j, obj, "err-data");
	st->out_trunc = json_get_bool(j, obj, "out-truncated", 0);
	st->err_trunc = json_get_bool(j, obj, "err-truncated", 0);
	return 0;
}

void
pve_agent_exec_status_free(struct pve_agent_exec_status *st)
{
	free(st->out);
	free(st->err);
	st->out = st->err = NULL;
}

/* ---- cluster ---- */

#define CM struct pve_cluster_member
static const struct field cm_fields[] = {
	FLD(CM, "type", type, F_STR), FLD(CM, "id", id, F_STR),
	FLD(CM, "name", name, F_STR), FLD(CM, "ip", ip, F_STR),
	FLD(CM, "nodeid", nodeid, F_INT), FLD(CM, "online", online, F_BOOL),
	FLD(CM, "local", local, F_BOOL), FLD(CM, "level", level, F_STR),
	FLD(CM, "quorate", quorate, F_BOOL), FLD(CM, "nodes", nodes, F_INT),
	FLD(CM, "version", version, F_INT),
};

int
pve_cluster_status_parse(const struct json *j, int arr,
    struct pve_cluster_member **out, int *n, struct px_err *e)
{
	return parse_array(j, arr, sizeof(CM), NULL, cm_fields,
	    sizeof(cm_fields) / sizeof(cm_fields[0]), (void **)out, n,
	    "cluster status", e);
}

#define LE struct pve_log_entry
static const struct field le_fields[] = {
	FLD(LE, "msg", msg, F_STR), FLD(LE, "uid", uid, F_LL),
	FLD(LE, "time", time, F_LL), FLD(LE, "node", node, F_STR),
	FLD(LE, "user", user, F_STR), FLD(LE, "tag", tag, F_STR),
	FLD(LE, "pri", pri, F_INT), FLD(LE, "pid", pid, F_LL),
};

int
pve_cluster_log_parse(const struct json *j, int arr,
    struct pve_log_entry **out, int *n, struct px_err *e)
{
	return parse_array(j, arr, sizeof(LE), NULL, le_fields,
	    sizeof(le_fields) / sizeof(le_fields[0]), (void **)out, n,
	    "cluster log", e);
}

#define RS struct pve_resource
static const struct field rs_fields[] = {
	FLD(RS, "id", id, F_STR), FLD(RS, "type", type, F_STR),
	FLD(RS, "node", node, F_STR), FLD(RS, "name", name, F_STR),
	FLD(RS, "status", status, F_STR), FLD(RS, "vmid", vmid, F_INT),
	FLD(RS, "storage", storage, F_STR), FLD(RS, "pool", pool, F_STR),
	FLD(RS, "tags", tags, F_STR), FLD(RS, "hastate", hastate, F_STR),
	FLD(RS, "plugintype", plugintype, F_STR),
	FLD(RS, "content", content, F_STR), FLD(RS, "sdn", sdn, F_STR),
	FLD(RS, "shared", shared, F_BOOL), FLD(RS, "cpu", cpu, F_DBL),
	FLD(RS, "maxcpu", maxcpu, F_DBL), FLD(RS, "mem", mem, F_U64),
	FLD(RS, "maxmem", maxmem, F_U64), FLD(RS, "disk", disk, F_U64),
	FLD(RS, "maxdisk", maxdisk, F_U64), FLD(RS, "uptime", uptime, F_LL),
};

int
pve_resources_parse(const struct json *j, int arr, struct pve_resource **out,
    int *n, struct px_err *e)
{
	return parse_array(j, arr, sizeof(RS), NULL, rs_fields,
	    sizeof(rs_fields) / sizeof(rs_fields[0]), (void **)out, n,
	    "cluster resources", e);
}

int
pve_version_parse(const struct json *j, int obj, struct pve_version *v,
    struct px_err *e)
{
	static const struct field f[] = {
		FLD(struct pve_version, "version", version, F_STR),
		FLD(struct pve_version, "release", release, F_STR),
		FLD(struct pve_version, "repoid", repoid, F_STR),
	};

	memset(v, 0, sizeof(*v));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "version: not an object");
	fill(j, obj, v, f, 3);
	if (v->version[0] == '\0')
		return px_fail(e, PXE_PARSE, "version: no \"version\" field");
	return 0;
}

int
pve_nextid_parse(const struct json *j, int t, int *id, struct px_err *e)
{
	long long v;

	if (json_int(j, t, &v) != 0 || v < 1 || v > 999999999)
		return px_fail(e, PXE_PARSE, "nextid: not a VMID");
	*id = (int)v;
	return 0;
}

/* ---- access ---- */

#define ARR(name, T, fields, what, init) \
int \
name(const struct json *j, int arr, T **out, int *n, struct px_err *e) \
{ \
	return parse_array(j, arr, sizeof(T), init, fields, \
	    sizeof(fields) / sizeof(fields[0]), (void **)out, n, what, e); \
}

static const struct field acl_fields[] = {
	FLD(struct pve_acl, "path", path, F_STR),
	FLD(struct pve_acl, "type", type, F_STR),
	FLD(struct pve_acl, "ugid", ugid, F_STR),
	FLD(struct pve_acl, "roleid", roleid, F_STR),
	FLD(struct pve_acl, "propagate", propagate, F_BOOL),
};
static const struct pve_acl acl_init = { .propagate = 1 };
ARR(pve_acl_parse, struct pve_acl, acl_fields, "ACL", &acl_init)

#define US struct pve_user
static const struct field user_fields[] = {
	FLD(US, "userid", userid, F_STR), FLD(US, "enable", enable, F_BOOL),
	FLD(US, "expire", expire, F_LL),
	FLD(US, "firstname", firstname, F_STR),
	FLD(US, "lastname", lastname, F_STR), FLD(US, "email", email, F_STR),
	FLD(US, "comment", comment, F_STR), FLD(US, "groups", groups, F_STR),
	FLD(US, "realm-type", realm_type, F_STR),
};

int
pve_users_parse(const struct json *j, int arr, struct pve_user **out, int *n,
    struct px_err *e)
{
	static const struct pve_user init = { .enable = 1, .ntokens = -1 };
	int c, i, k = 0;

	if (parse_array(j, arr, sizeof(US), &init, user_fields,
	    sizeof(user_fields) / sizeof(user_fields[0]), (void **)out, n,
	    "user list", e) != 0)
		return -1;
	/* Users without an id were dropped: walk in step to count tokens. */
	JSON_FOREACH(j, arr, c, i) {
		int t = json_get(j, c, "tokens");

		if (k < *n && json_eq(j, json_get(j, c, "userid"),
		    (*out)[k].userid)) {
			if (json_type(j, t) == JSON_ARRAY)
				(*out)[k].ntokens = json_len(j, t);
			k++;
		}
	}
	return 0;
}

static const struct field group_fields[] = {
	FLD(struct pve_group, "groupid", groupid, F_STR),
	FLD(struct pve_group, "comment", comment, F_STR),
	FLD(struct pve_group, "users", users, F_STR),
};
ARR(pve_groups_parse, struct pve_group, group_fields, "group list", NULL)

static const struct field role_fields[] = {
	FLD(struct pve_role, "roleid", roleid, F_STR),
	FLD(struct pve_role, "privs", privs, F_STR),
	FLD(struct pve_role, "special", special, F_BOOL),
};
ARR(pve_roles_parse, struct pve_role, role_fields, "role list", NULL)

static const struct field realm_fields[] = {
	FLD(struct pve_realm, "realm", realm, F_STR),
	FLD(struct pve_realm, "type", type, F_STR),
	FLD(struct pve_realm, "comment", comment, F_STR),
	FLD(struct pve_realm, "tfa", tfa, F_STR),
	FLD(struct pve_realm, "default", is_default, F_BOOL),
};
ARR(pve_realms_parse, struct pve_realm, realm_fields, "realm list", NULL)

static const struct field token_fields[] = {
	FLD(struct pve_token, "tokenid", tokenid, F_STR),
	FLD(struct pve_token, "comment", comment, F_STR),
	FLD(struct pve_token, "expire", expire, F_LL),
	FLD(struct pve_token, "privsep", privsep, F_BOOL),
};
static const struct pve_token token_init = { .privsep = 1 };
ARR(pve_tokens_parse, struct pve_token, token_fields, "token list",
    &token_init)

static int
perm_cmp(const void *a, const void *b)
{
	const struct pve_perm *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : strcmp(x->priv, y->priv);
}

int
pve_perms_parse(const struct json *j, int obj, struct pve_perm **out, int *n,
    struct px_err *e)
{
	struct pve_perm *v = NULL;
	int k, i, pk, pi, m = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "permissions: not an object");
	JSON_FOREACH_KV(j, obj, k, i) {
		JSON_FOREACH_KV(j, k + 1, pk, pi) {
			if (m == cap) {
				cap = cap ? cap * 2 : 64;
				v = px_xrealloc(v, (size_t)cap * sizeof(*v));
			}
			memset(&v[m], 0, sizeof(v[m]));
			json_strcpy(j, k, v[m].path, sizeof(v[m].path));
			json_strcpy(j, pk, v[m].priv, sizeof(v[m].priv));
			text_sanitize(v[m].path);
			text_sanitize(v[m].priv);
			json_bool(j, pk + 1, &v[m].propagate);
			m++;
		}
	}
	if (m)
		qsort(v, (size_t)m, sizeof(*v), perm_cmp);
	*out = v ? v : px_xcalloc(1, sizeof(*v));
	*n = m;
	return 0;
}

/* ---- pools and storage ---- */

#define PM struct pve_pool_member
static const struct field pm_fields[] = {
	FLD(PM, "id", id, F_STR), FLD(PM, "type", type, F_STR),
	FLD(PM, "vmid", vmid, F_INT), FLD(PM, "storage", storage, F_STR),
	FLD(PM, "node", node, F_STR), FLD(PM, "name", name, F_STR),
	FLD(PM, "status", status, F_STR),
};

int
pve_pool_members_parse(const struct json *j, int t,
    struct pve_pool_member **out, int *n, char *comment, struct px_err *e)
{
	if (json_type(j, t) == JSON_ARRAY)
		t = json_first(j, t);
	if (json_type(j, t) != JSON_OBJECT) {
		*out = NULL;
		*n = 0;
		return px_fail(e, PXE_NOT_FOUND, "no such pool");
	}
	if (comment) {
		if (json_strcpy(j, json_get(j, t, "comment"), comment, 256) < 0)
			comment[0] = '\0';
		text_sanitize(comment);
	}
	if (json_get(j, t, "members") < 0) {	/* an empty pool */
		*out = px_xcalloc(1, sizeof(**out));
		*n = 0;
		return 0;
	}
	return parse_array(j, json_get(j, t, "members"), sizeof(PM), NULL,
	    pm_fields, sizeof(pm_fields) / sizeof(pm_fields[0]),
	    (void **)out, n, "pool members", e);
}

#define SC struct pve_storage_cfg
static const struct field sc_fields[] = {
	FLD(SC, "storage", storage, F_STR), FLD(SC, "type", type, F_STR),
	FLD(SC, "content", content, F_STR), FLD(SC, "nodes", nodes, F_STR),
	FLD(SC, "path", path, F_STR), FLD(SC, "server", server, F_STR),
	FLD(SC, "pool", pool, F_STR), FLD(SC, "vgname", pool, F_STR),
	FLD(SC, "shared", shared, F_BOOL), FLD(SC, "disable", disable, F_BOOL),
};
ARR(pve_storage_cfg_parse, struct pve_storage_cfg, sc_fields,
    "storage configuration", NULL)

/* ---- tasks ---- */

int
pve_task_log_parse(const struct json *j, int arr, struct pve_log_line **out,
    int *n, struct px_err *e)
{
	struct pve_log_line *v;
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "task log: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT)
			continue;
		v[k].n = json_get_int(j, c, "n", 0);
		if ((v[k].t = json_get_str(j, c, "t")) == NULL)
			v[k].t = px_xstrdup("");
		text_sanitize(v[k].t);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void
pve_log_free(struct pve_log_line *v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i].t);
	free(v);
}

int
pve_task_path(struct buf *b, const char *upid, struct px_err *e)
{
	struct upid u;

	if (upid_parse(upid, &u, e) != 0)
		return -1;
	buf_adds(b, "/nodes/");
	url_seg(b, u.node);
	buf_adds(b, "/tasks/");
	url_seg(b, upid);
	return 0;
}

#define LOG_PAGE	5000
#define LOG_MAX		1000000

int
pve_task_log(struct px_client *c, const char *upid, long long start,
    long long max, struct pve_log_line **out, int *n, struct px_err *e)
{
	struct buf p = { 0 };
	struct pve_log_line *all = NULL;
	long long total;
	int na = 0;

	*out = NULL;
	*n = 0;
	if (max <= 0 || max > LOG_MAX)
		max = LOG_MAX;
	if (pve_task_path(&p, upid, e) != 0)
		return -1;
	while (na < max) {
		struct px_reply r;
		struct pve_log_line *v;
		int nv;
		long long lim = max - na < LOG_PAGE ? max - na : LOG_PAGE;

		if (pve_get(c, &r, e, "%s/log?start=%lld&limit=%lld", p.p,
		    start + na, lim) != 0 ||
		    pve_task_log_parse(&r.j, r.data, &v, &nv, e) != 0) {
			if (r.body.p)
				px_reply_free(&r);
			pve_log_free(all, na);
			buf_free(&p);
			return -1;
		}
		/* PVE says how many lines the log has: a server that pages
		 * shorter than asked is not mistaken for the end. */
		total = json_get_int(&r.j, 0, "total", -1);
		px_reply_free(&r);
		all = px_xrealloc(all, (size_t)(na + nv + 1) * sizeof(*all));
		memcpy(all + na, v, (size_t)nv * sizeof(*v));
		na += nv;
		free(v);
		if (nv == 0 || (total >= 0 ? start + na >= total : nv < lim))
			break;
	}
	buf_free(&p);
	if (all == NULL)
		all = px_xcalloc(1, sizeof(*all));
	*out = all;
	*n = na;
	return 0;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read the log lines after *next and hand them to line.  A log that is
 * still empty reads as one line "no content" (PVE's placeholder): it is
 * not passed on while the task runs. */
static int
follow_lines(struct px_client *c, const char *upid, long long *next,
    int running, void (*line)(void *, const struct pve_log_line *),
    void *arg, struct px_err *e)
{
	struct pve_log_line *v;
	int nv;

	if (pve_task_log(c, upid, *next, 0, &v, &nv, e) != 0)
		return -1;
	if (!(running && *next == 0 && nv == 1 &&
	    strcmp(v[0].t, "no content") == 0)) {
		for (int i = 0; i < nv; i++)
			line(arg, &v[i]);
		*next += nv;
	}
	pve_log_free(v, nv);
	return 0;
}

int
pve_task_follow(struct px_client *c, const char *upid, double timeout,
    double interval,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void (*line)(void *arg, const struct pve_log_line *l), void *arg,
    struct pve_task *final, struct px_err *e)
{
	struct pve_task t;
	long long next = 0;
	double t0 = mono(), waited;

	if (interval <= 0)
		interval = 0.5;
	for (;;) {
		if (pve_task_status(c, upid, &t, e) != 0)
			return -1;
		if (final)
			*final = t;
		if (line && follow_lines(c, upid, &next, t.running, line, arg,
		    e) != 0)
			return -1;
		waited = mono() - t0;
		if (progress)
			progress(arg, &t, waited);
		if (!t.running)
			break;
		if (timeout > 0 && waited >= timeout) {
			px_fail(e, PXE_TIMEOUT, "task %s %s on %s still "
			    "running after %.0f s", t.type, t.id, t.node,
			    waited);
			px_hint(e, "the task goes on: px task wait %s", upid);
			return -1;
		}
		if (timeout > 0 && waited + interval > timeout)
			sleep_s(timeout - waited);
		else
			sleep_s(interval);
		if ((interval *= 1.5) > 2)
			interval = 2;
	}
	if (!t.ok) {
		px_fail(e, PXE_TASK_FAILED, "task %s%s%s on %s failed: %s",
		    t.type, t.id[0] ? " " : "", t.id, t.node,
		    t.exitstatus[0] ? t.exitstatus : "unknown error");
		return -1;
	}
	return 0;
}

int
pve_task_wait(struct px_client *c, const char *upid, double timeout,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void *arg, struct pve_task *final, struct px_err *e)
{
	return pve_task_follow(c, upid, timeout, 0.5, progress, NULL, arg,
	    final, e);
}

/* ---- times and amounts ---- */

/* A number with an optional unit suffix; *unit gets the suffix. */
static int
num_unit(const char *s, double *v, const char **unit)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	*v = strtod(s, &end);
	if (end == s || !isfinite(*v) || *v < 0)
		return -1;
	*unit = end;
	return 0;
}

static double
time_unit(const char *u)
{
	static const struct { const char *u; double s; } t[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "min", 60 },
		{ "h", 3600 }, { "d", 86400 }, { "w", 604800 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(u, t[i].u) == 0)
			return t[i].s;
	return -1;
}

double
pve_parse_seconds(const char *s)
{
	const char *u;
	double v, m;

	if (num_unit(s, &v, &u) != 0 || (m = time_unit(u)) < 0)
		return -1;
	return v * m;
}

int
pve_parse_since(const char *s, long long now, long long *out,
    struct px_err *e)
{
	struct tm tm;
	const char *u, *end;
	double v, m;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL) {
		if (*end == ' ' || *end == 'T') {
			const char *f = strptime(end + 1, "%H:%M:%S", &tm);

			end = f ? f : strptime(end + 1, "%H:%M", &tm);
		}
		if (end && *end == '\0') {
			tm.tm_isdst = -1;
			*out = (long long)mktime(&tm);
			return 0;
		}
	} else if (num_unit(s, &v, &u) == 0) {
		if (*u == '\0' && v >= 1e9) {	/* an epoch */
			*out = (long long)v;
			return 0;
		}
		if (*u != '\0' && (m = time_unit(u)) > 0) {
			*out = now - (long long)(v * m);
			return 0;
		}
	}
	px_fail(e, PXE_USAGE, "'%s' is not a time (epoch, 30m, 2h, 7d, "
	    "YYYY-MM-DD [HH:MM])", s);
	return -1;
}

/* ---- conditions ---- */

static const char *const text_keys[] = { "status", "name", "lock", "ha",
	"node", "tags", NULL };
static const char *const num_keys[] = { "cpu", "mem", "disk", "uptime",
	"maxmem", "maxdisk", "maxcpu", NULL };

static int
in_list(const char *const *l, const char *k)
{
	for (; *l; l++)
		if (strcmp(*l, k) == 0)
			return 1;
	return 0;
}

int
pve_cond_parse(const char *s, struct pve_cond *c, struct px_err *e)
{
	static const struct { const char *op; enum pve_cond_op v; } ops[] = {
		{ "==", PVE_EQ }, { "!=", PVE_NE }, { "<=", PVE_LE },
		{ ">=", PVE_GE }, { "=", PVE_EQ }, { "<", PVE_LT },
		{ ">", PVE_GT },
	};
	size_t kl = strcspn(s, "=!<>");
	const char *rest = s + kl, *u;
	double mult = -1;

	memset(c, 0, sizeof(*c));
	if (kl == 0 || kl >= sizeof(c->key) || *rest == '\0')
		goto bad;
	snprintf(c->key, sizeof(c->key), "%.*s", (int)kl, s);
	if (strcmp(c->key, "hastate") == 0)
		snprintf(c->key, sizeof(c->key), "ha");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(rest, ops[i].op, strlen(ops[i].op)) == 0) {
			c->op = ops[i].v;
			rest += strlen(ops[i].op);
			break;
		}
	if (in_list(text_keys, c->key)) {
		if (c->op != PVE_EQ && c->op != PVE_NE)
			return px_fail(e, PXE_USAGE, "%s: '%s' compares text: "
			    "use = or !=", s, c->key);
		snprintf(c->text, sizeof(c->text), "%s", rest);
		return 0;
	}
	if (!in_list(num_keys, c->key))
		return px_fail(e, PXE_USAGE, "%s: unknown key '%s' (status, "
		    "name, lock, ha, node, tags, cpu, mem, disk, uptime, "
		    "maxmem, maxdisk, maxcpu)", s, c->key);
	if (num_unit(rest, &c->num, &u) != 0)
		goto bad;
	if (strcmp(u, "%") == 0 && strcmp(c->key, "uptime") != 0 &&
	    strncmp(c->key, "max", 3) != 0) {
		c->pct = 1;
		c->num /= 100;
		return 0;
	}
	if (strcmp(c->key, "uptime") == 0)
		mult = time_unit(u);
	else if (strcmp(c->key, "cpu") == 0 || strcmp(c->key, "maxcpu") == 0)
		mult = *u == '\0' ? 1 : -1;
	else {
		static const char units[] = "KMGTP";
		const char *p = *u ? strchr(units, toupper((unsigned char)*u)) :
		    NULL;

		if (*u == '\0' || strcasecmp(u, "B") == 0)
			mult = 1;
		else if (p && (u[1] == '\0' || strcasecmp(u + 1, "iB") == 0 ||
		    strcasecmp(u + 1, "B") == 0))
			mult = pow(1024, (double)(p - units + 1));
	}
	if (mult < 0)
		goto bad;
	c->num *= mult;
	return 0;
bad:
	return px_fail(e, PXE_USAGE, "'%s' is not a condition (like "
	    "status=running, cpu<50%%, mem>2G, uptime>60)", s);
}

int
pve_cond_eval(const struct pve_cond *c, const struct pve_sample *s)
{
	double v = 0, max = 0;

	if (in_list(text_keys, c->key)) {
		const char *t = !strcmp(c->key, "status") ? s->status :
		    !strcmp(c->key, "name") ? s->name :
		    !strcmp(c->key, "lock") ? s->lock :
		    !strcmp(c->key, "ha") ? s->ha :
		    !strcmp(c->key, "node") ? s->node : s->tags;
		int eq = !strcmp(c->key, "tags") ?
		    pve_has_tag(t ? t : "", c->text) :
		    strcmp(t ? t : "", c->text) == 0;

		return c->op == PVE_EQ ? eq : !eq;
	}
	if (!strcmp(c->key, "cpu"))
		v = s->cpu, max = 1;
	else if (!strcmp(c->key, "mem"))
		v = (double)s->mem, max = (double)s->maxmem;
	else if (!strcmp(c->key, "disk"))
		v = (double)s->disk, max = (double)s->maxdisk;
	else if (!strcmp(c->key, "uptime"))
		v = (double)s->uptime;
	else if (!strcmp(c->key, "maxmem"))
		v = (double)s->maxmem;
	else if (!strcmp(c->key, "maxdisk"))
		v = (double)s->maxdisk;
	else if (!strcmp(c->key, "maxcpu"))
		v = s->maxcpu;
	if (c->pct) {
		if (max <= 0)
			return 0;
		v /= max;
	}
	switch (c->op) {
	case PVE_EQ: return v == c->num;
	case PVE_NE: return v != c->num;
	case PVE_LT: return v < c->num;
	case PVE_LE: return v <= c->num;
	case PVE_GT: return v > c->num;
	case PVE_GE: return v >= c->num;
	}
	return 0;
}
