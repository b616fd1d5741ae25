/* pve_guest.c -- a guest's objects: path, VMID, configuration, status,
 * interfaces, guest agent commands and file reads. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "enc.h"
#include "pve_field.h"
#include "pve_guest.h"

/* ---- paths and VMIDs ---- */

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
static const struct pve_field gs_fields[] = {
	PF_STR(GS, name, "name"), PF_STR(GS, status, "status"),
	PF_STR(GS, qmpstatus, "qmpstatus"), PF_LL(GS, pid, "pid"),
	PF_LL(GS, uptime, "uptime"), PF_NUM(GS, cpu, "cpu"),
	PF_NUM(GS, cpus, "cpus"), PF_U64(GS, mem, "mem"),
	PF_U64(GS, maxmem, "maxmem"), PF_U64(GS, disk, "disk"),
	PF_U64(GS, maxdisk, "maxdisk"), PF_U64(GS, swap, "swap"),
	PF_U64(GS, maxswap, "maxswap"), PF_U64(GS, netin, "netin"),
	PF_U64(GS, netout, "netout"),
	PF_U64(GS, diskread, "diskread"),
	PF_U64(GS, diskwrite, "diskwrite"),
	PF_BOOL(GS, agent, "agent", -1), PF_STR(GS, lock, "lock"),
	PF_STR(GS, tags, "tags"), PF_BOOL(GS, template, "template", 0),
	PF_STR(GS, running_qemu, "running-qemu"),
	PF_STR(GS, running_machine, "running-machine"),
	PF_INT(GS, vmid, "vmid", 0),
};

int
pve_guest_status_parse(const struct json *j, int obj,
    struct pve_guest_status *s, struct px_err *e)
{
	int ha;

	memset(s, 0, sizeof(*s));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "guest status: not an object");
	pve_fill(j, obj, s, gs_fields, PF_N(gs_fields));
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

		if (json_type(j, c) != JSON_OBJECT) {
			pve_row_drop(j, "agent interfaces", i, "not an object");
			continue;
		}
		if (json_strcpy(j, json_get(j, c, "name"), x->name,
		    sizeof(x->name)) < 0) {
			pve_row_drop(j, "agent interfaces", i, "no name");
			continue;
		}
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

/* ---- qemu guest agent: file-read ---- */

int
pve_agent_file_parse(const struct json *j, int obj, struct pve_agent_file *f,
    struct px_err *e)
{
	memset(f, 0, sizeof(*f));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "agent file-read: not an object");
	if ((f->content = json_get_str(j, obj, "content")) == NULL) {
		obj = json_get(j, obj, "result");
		f->content = json_get_str(j, obj, "content");
	}
	if (f->content == NULL)
		return px_fail(e, PXE_PARSE, "agent file-read: the answer has "
		    "no content");
	f->truncated = json_get_bool(j, obj, "truncated", 0);
	return 0;
}

void
pve_agent_file_free(struct pve_agent_file *f)
{
	free(f->content);
	f->content = NULL;
}

/* ---- migration preconditions ---- */

/* Copy the strings of array arr (at most max) into v. */
static int
str_array(const struct json *j, int arr, char (*v)[64], int max)
{
	int c, i, n = 0;

	JSON_FOREACH(j, arr, c, i) {
		if (n < max && json_strcpy(j, c, v[n], 64) >= 0) {
			text_sanitize(v[n]);
			n++;
		}
	}
	return n;
}

/* The reason a node is not allowed, from its object in
 * not_allowed_nodes: unavailable storages, blocking HA resources. */
static void
not_allowed_why(const struct json *j, int obj, char *out, size_t n)
{
	struct buf b = { 0 };
	int arr, c, i;
	char s[128];

	if ((arr = json_get(j, obj, "unavailable_storages")) >= 0 &&
	    json_len(j, arr) > 0) {
		buf_adds(&b, "storage not available there:");
		JSON_FOREACH(j, arr, c, i)
			if (json_strcpy(j, c, s, sizeof(s)) >= 0)
				buf_printf(&b, " %s", s);
	}
	if ((arr = json_get(j, obj, "blocking-ha-resources")) >= 0 &&
	    json_len(j, arr) > 0) {
		buf_printf(&b, "%sblocked by HA resources:", b.len ? "; " : "");
		JSON_FOREACH(j, arr, c, i)
			if (json_strcpy(j, json_get(j, c, "sid"), s,
			    sizeof(s)) >= 0)
				buf_printf(&b, " %s", s);
	}
	snprintf(out, n, "%s", b.len ? b.p : "not allowed");
	text_sanitize(out);
	buf_free(&b);
}

int
pve_migrate_parse(const struct json *j, int obj,
    struct pve_migrate_info *m, struct px_err *e)
{
	int t, k, i, c;

	memset(m, 0, sizeof(*m));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "migrate preconditions: not an "
		    "object");
	m->running = json_get_bool(j, obj, "running", 0);
	if ((t = json_get(j, obj, "allowed_nodes")) < 0)
		t = json_get(j, obj, "allowed-nodes");
	m->has_allowed = json_type(j, t) == JSON_ARRAY;
	m->nallowed = str_array(j, t, m->allowed, PVE_MIGRATE_MAX_NODES);
	if ((t = json_get(j, obj, "not_allowed_nodes")) < 0)
		t = json_get(j, obj, "not-allowed-nodes");
	if (json_type(j, t) == JSON_OBJECT) {
		JSON_FOREACH_KV(j, t, k, i) {
			if (m->nnot >= PVE_MIGRATE_MAX_NODES)
				break;
			if (json_strcpy(j, k, m->not_node[m->nnot], 64) < 0)
				continue;
			text_sanitize(m->not_node[m->nnot]);
			not_allowed_why(j, k + 1, m->not_why[m->nnot], 160);
			m->nnot++;
		}
	}
	JSON_FOREACH(j, json_get(j, obj, "local_disks"), c, i) {
		char volid[128];
		int cdrom = json_get_bool(j, c, "cdrom", 0);

		if (json_strcpy(j, json_get(j, c, "volid"), volid,
		    sizeof(volid)) < 0)
			continue;
		text_sanitize(volid);
		if (cdrom && m->ncdroms < PVE_MIGRATE_MAX_DISKS) {
			memcpy(m->cdrom[m->ncdroms++], volid, sizeof(volid));
		} else if (!cdrom && m->ndisks < PVE_MIGRATE_MAX_DISKS) {
			memcpy(m->disk[m->ndisks], volid, sizeof(volid));
			m->disk_size[m->ndisks++] = json_get_uint(j, c, "size",
			    0);
		}
	}
	JSON_FOREACH(j, json_get(j, obj, "local_resources"), c, i) {
		char s[64];
		size_t len = strlen(m->resources);

		if (json_strcpy(j, c, s, sizeof(s)) >= 0)
			snprintf(m->resources + len, sizeof(m->resources) - len,
			    "%s%s", len ? "," : "", s);
	}
	text_sanitize(m->resources);
	return 0;
}

int
pve_agent_exec_poll(struct px_client *c, const struct pve_guest *g,
    long long pid, struct pve_agent_exec_status *st, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	buf_printf(&p, "/agent/exec-status?pid=%lld", pid);
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pve_agent_exec_status_parse(&r.j, r.data, st, e);
	px_reply_free(&r);
	return rc;
}

int
pve_agent_exec_wait(struct px_client *c, const struct pve_guest *g,
    long long pid, double timeout, struct pve_agent_exec_status *st,
    struct px_err *e)
{
	double t0 = px_mono(), pause = 0.1;

	for (;;) {
		if (pve_agent_exec_poll(c, g, pid, st, e) != 0)
			return -1;
		if (st->exited)
			return 0;
		if (timeout > 0 && px_mono() - t0 >= timeout) {
			px_fail(e, PXE_TIMEOUT, "the command still runs in the "
			    "guest after %.0f s (pid %lld)", timeout, pid);
			px_hint(e, "it goes on in the guest; --timeout waits "
			    "longer");
			return -1;
		}
		px_sleep(pause);
		if (pause < 1)
			pause *= 1.5;
	}
}

int
pve_feature_parse(const struct json *j, int obj, int *has, char *nodes,
    size_t n, struct px_err *e)
{
	int c, t, i;

	*has = 0;
	nodes[0] = '\0';
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "the feature answer: not an "
		    "object");
	if (json_bool(j, json_get(j, obj, "hasFeature"), has) != 0) {
		*has = 0;
		return px_fail(e, PXE_PARSE, "the feature answer: no "
		    "hasFeature, or not a boolean");
	}
	c = json_get(j, obj, "nodes");
	if (json_type(j, c) != JSON_ARRAY)
		return 0;
	JSON_FOREACH(j, c, t, i) {
		char name[64];
		size_t have = strlen(nodes), k;

		if (have >= 4 && strcmp(nodes + have - 4, ",...") == 0)
			break;
		if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, name,
		    sizeof(name)) >= (long)sizeof(name) || !pve_valid_node(name))
			continue;
		k = strlen(name) + (have ? 1 : 0);
		if (have + k + 4 < n)
			snprintf(nodes + have, n - have, "%s%s", have ? "," : "",
			    name);
		else
			snprintf(nodes + have, n - have, "%s...", have ? "," :
			    "");
	}
	return 0;
}
