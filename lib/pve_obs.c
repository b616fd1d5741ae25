/*
 * pve_obs.c -- typed objects of the observability commands, per-node
 * fan-out, statistics.
 *
 * Most objects are flat rows: a table of field descriptors (JSON key,
 * type, where in the struct) fills them, so every parser accepts the same
 * quirks in the same way and a new field is one line.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_obs.h"

/* ---- field descriptors ---- */

enum ftype { F_STR, F_INT, F_LL, F_UINT, F_NUM, F_BOOL };

struct fdesc {
	const char *key;
	enum ftype t;
	size_t off, size;
	long long def;		/* F_INT, F_LL, F_BOOL when absent */
};

#define FS(T, m, k)	{ k, F_STR, offsetof(T, m), sizeof(((T *)0)->m), 0 }
#define FI(T, m, k, d)	{ k, F_INT, offsetof(T, m), sizeof(int), d }
#define FL(T, m, k)	{ k, F_LL, offsetof(T, m), sizeof(long long), 0 }
#define FU(T, m, k)	{ k, F_UINT, offsetof(T, m), sizeof(uint64_t), 0 }
#define FN(T, m, k)	{ k, F_NUM, offsetof(T, m), sizeof(double), 0 }
#define FB(T, m, k, d)	{ k, F_BOOL, offsetof(T, m), sizeof(int), d }
#define NF(a)		((int)(sizeof(a) / sizeof((a)[0])))

static void
fill(const struct json *j, int obj, void *dst, const struct fdesc *f, int nf)
{
	for (int i = 0; i < nf; i++) {
		char *p = (char *)dst + f[i].off;
		int t = json_get(j, obj, f[i].key);
		long long ll;

		switch (f[i].t) {
		case F_STR:
			if (json_strcpy(j, t, p, f[i].size) < 0)
				p[0] = '\0';
			text_sanitize(p);
			break;
		case F_INT:
			if (json_int(j, t, &ll) != 0 || ll < -2147483647LL ||
			    ll > 2147483647LL)
				ll = f[i].def;
			*(int *)(void *)p = (int)ll;
			break;
		case F_LL:
			*(long long *)(void *)p = json_int(j, t, &ll) == 0 ?
			    ll : f[i].def;
			break;
		case F_UINT:
			*(uint64_t *)(void *)p = json_get_uint(j, obj,
			    f[i].key, 0);
			break;
		case F_NUM:
			*(double *)(void *)p = json_get_num(j, obj, f[i].key,
			    0);
			break;
		case F_BOOL:
			*(int *)(void *)p = json_get_bool(j, obj, f[i].key,
			    (int)f[i].def);
			break;
		}
	}
}

/* Parse the array arr into n objects of size each; rows whose first
 * field is absent or null are skipped. */
static int
parse_list(const struct json *j, int arr, const char *what,
    const struct fdesc *f, int nf, size_t size, void **out, int *n,
    struct px_err *e)
{
	char *v;
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "%s: not an array", what);
	v = px_xcalloc((size_t)json_len(j, arr) + 1, size);
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT ||
		    json_is_null(j, json_get(j, c, f[0].key)))
			continue;
		fill(j, c, v + (size_t)k * size, f, nf);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

#define PARSE(what, T, tab) \
	parse_list(j, arr, what, tab, NF(tab), sizeof(T), (void **)out, n, e)

/* ---- fan-out ---- */

int
pve_calls_run(struct px_call *k, int n)
{
	struct px_call *batch = px_xcalloc((size_t)n + 1, sizeof(*batch));
	int *idx = px_xcalloc((size_t)n + 1, sizeof(*idx));
	int m = 0, failed;

	for (int i = 0; i < n; i++)
		if (k[i].method != NULL) {
			idx[m] = i;
			batch[m++] = k[i];
		}
	failed = px_call_run(batch, (size_t)m);
	for (int i = 0; i < m; i++)
		k[idx[i]] = batch[i];
	free(batch);
	free(idx);
	return failed;
}

struct px_call *
pve_node_fanout(struct px_client *c, const struct pve_node *nodes, int n,
    const char *suffix)
{
	struct px_call *k = px_xcalloc((size_t)n + 1, sizeof(*k));

	for (int i = 0; i < n; i++) {
		struct buf p = { 0 };

		if (!nodes[i].online) {
			k[i].rc = -1;
			px_fail(&k[i].err, PXE_UNAVAILABLE, "node %s is %s",
			    nodes[i].name, nodes[i].status[0] ?
			    nodes[i].status : "offline");
			continue;
		}
		buf_adds(&p, "/nodes/");
		url_seg(&p, nodes[i].name);
		buf_adds(&p, suffix);
		px_call_init(&k[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, n);
	return k;
}

int
pve_call_reply(struct px_call *k, struct px_reply *r, struct px_err *e)
{
	memset(r, 0, sizeof(*r));
	r->data = -1;
	if (k->rc != 0) {
		if (e)
			*e = k->err;
		return -1;
	}
	return px_reply_take(k, r, e);
}

int
pve_nodes_or_one(struct px_client *c, const char *only,
    struct pve_node **out, int *n, struct px_err *e)
{
	if (only == NULL)
		return pve_nodes(c, out, n, e);
	*out = px_xcalloc(1, sizeof(**out));
	snprintf((*out)->name, sizeof((*out)->name), "%s", only);
	snprintf((*out)->status, sizeof((*out)->status), "online");
	(*out)->online = 1;
	*n = 1;
	return 0;
}

/* ---- HA ---- */

static const struct fdesc ha_res_f[] = {
	FS(struct pve_ha_resource, sid, "sid"),
	FS(struct pve_ha_resource, type, "type"),
	FS(struct pve_ha_resource, state, "state"),
	FS(struct pve_ha_resource, group, "group"),
	FI(struct pve_ha_resource, max_restart, "max_restart", 1),
	FI(struct pve_ha_resource, max_relocate, "max_relocate", 1),
	FB(struct pve_ha_resource, failback, "failback", 1),
	FS(struct pve_ha_resource, comment, "comment"),
};

int
pve_ha_resources_parse(const struct json *j, int arr,
    struct pve_ha_resource **out, int *n, struct px_err *e)
{
	if (PARSE("HA resources", struct pve_ha_resource, ha_res_f) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		struct pve_ha_resource *r = &(*out)[i];
		const char *colon = strchr(r->sid, ':');

		/* "vm:100", "ct:101", or a bare "100" meaning vm */
		r->vmid = atoi(colon ? colon + 1 : r->sid);
		if (r->type[0] == '\0')
			snprintf(r->type, sizeof(r->type), "%.*s",
			    colon ? (int)(colon - r->sid) : 2,
			    colon ? r->sid : "vm");
		if (r->state[0] == '\0')
			snprintf(r->state, sizeof(r->state), "started");
	}
	return 0;
}

static const struct fdesc ha_rule_f[] = {
	FS(struct pve_ha_rule, rule, "rule"),
	FS(struct pve_ha_rule, type, "type"),
	FS(struct pve_ha_rule, resources, "resources"),
	FS(struct pve_ha_rule, nodes, "nodes"),
	FS(struct pve_ha_rule, affinity, "affinity"),
	FB(struct pve_ha_rule, strict, "strict", 0),
	FB(struct pve_ha_rule, disable, "disable", 0),
	FS(struct pve_ha_rule, comment, "comment"),
};

int
pve_ha_rules_parse(const struct json *j, int arr, struct pve_ha_rule **out,
    int *n, struct px_err *e)
{
	return PARSE("HA rules", struct pve_ha_rule, ha_rule_f);
}

static const struct fdesc ha_group_f[] = {
	FS(struct pve_ha_group, group, "group"),
	FS(struct pve_ha_group, nodes, "nodes"),
	FB(struct pve_ha_group, restricted, "restricted", 0),
	FB(struct pve_ha_group, nofailback, "nofailback", 0),
	FS(struct pve_ha_group, comment, "comment"),
};

int
pve_ha_groups_parse(const struct json *j, int arr, struct pve_ha_group **out,
    int *n, struct px_err *e)
{
	return PARSE("HA groups", struct pve_ha_group, ha_group_f);
}

static const struct fdesc ha_status_f[] = {
	FS(struct pve_ha_status, id, "id"),
	FS(struct pve_ha_status, type, "type"),
	FS(struct pve_ha_status, node, "node"),
	FS(struct pve_ha_status, sid, "sid"),
	FS(struct pve_ha_status, state, "state"),
	FS(struct pve_ha_status, status, "status"),
	FS(struct pve_ha_status, crm_state, "crm_state"),
	FS(struct pve_ha_status, request_state, "request_state"),
	FB(struct pve_ha_status, quorate, "quorate", -1),
	FL(struct pve_ha_status, timestamp, "timestamp"),
};

int
pve_ha_status_parse(const struct json *j, int arr,
    struct pve_ha_status **out, int *n, struct px_err *e)
{
	return PARSE("HA status", struct pve_ha_status, ha_status_f);
}

int
pve_ha_node_prio(const char *list, const char *node)
{
	size_t nl = strlen(node);

	for (const char *p = list; p && *p; ) {
		size_t len = strcspn(p, ",; ");

		if (len >= nl && strncmp(p, node, nl) == 0 &&
		    (len == nl || p[nl] == ':'))
			return len == nl ? 0 : atoi(p + nl + 1);
		p += len;
		p += strspn(p, ",; ");
	}
	return -1;
}

int
pve_list_has(const char *list, const char *item)
{
	size_t nl = strlen(item);

	for (const char *p = list; p && *p; ) {
		size_t len = strcspn(p, ",; ");

		if (len == nl && strncmp(p, item, nl) == 0)
			return 1;
		p += len;
		p += strspn(p, ",; ");
	}
	return 0;
}

/* ---- replication ---- */

static const struct fdesc repl_f[] = {
	FS(struct pve_repl, id, "id"),
	FI(struct pve_repl, guest, "guest", 0),
	FI(struct pve_repl, jobnum, "jobnum", 0),
	FS(struct pve_repl, type, "type"),
	FS(struct pve_repl, source, "source"),
	FS(struct pve_repl, target, "target"),
	FS(struct pve_repl, schedule, "schedule"),
	FN(struct pve_repl, rate, "rate"),
	FB(struct pve_repl, disable, "disable", 0),
	FS(struct pve_repl, comment, "comment"),
	FL(struct pve_repl, last_sync, "last_sync"),
	FL(struct pve_repl, last_try, "last_try"),
	FL(struct pve_repl, next_sync, "next_sync"),
	FN(struct pve_repl, duration, "duration"),
	FI(struct pve_repl, fail_count, "fail_count", 0),
	FS(struct pve_repl, error, "error"),
	FS(struct pve_repl, state, "state"),
};

int
pve_repl_parse(const struct json *j, int arr, struct pve_repl **out, int *n,
    struct px_err *e)
{
	if (PARSE("replication jobs", struct pve_repl, repl_f) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		struct pve_repl *r = &(*out)[i];

		if (r->schedule[0] == '\0')	/* PVE's default */
			snprintf(r->schedule, sizeof(r->schedule), "*/15");
		if (r->guest == 0)		/* "100-0" */
			r->guest = atoi(r->id);
	}
	return 0;
}

/* ---- hardware ---- */

static const struct fdesc pci_f[] = {
	FS(struct pve_pci, id, "id"),
	FS(struct pve_pci, class, "class"),
	FS(struct pve_pci, vendor, "vendor"),
	FS(struct pve_pci, device, "device"),
	FS(struct pve_pci, vendor_name, "vendor_name"),
	FS(struct pve_pci, device_name, "device_name"),
	FI(struct pve_pci, iommugroup, "iommugroup", -1),
	FB(struct pve_pci, mdev, "mdev", 0),
};

int
pve_pci_parse(const struct json *j, int arr, struct pve_pci **out, int *n,
    struct px_err *e)
{
	return PARSE("PCI devices", struct pve_pci, pci_f);
}

static const struct fdesc usb_f[] = {
	FI(struct pve_usb, busnum, "busnum", 0),
	FI(struct pve_usb, devnum, "devnum", 0),
	FI(struct pve_usb, port, "port", 0),
	FI(struct pve_usb, level, "level", 0),
	FI(struct pve_usb, class, "class", 0),
	FS(struct pve_usb, vendid, "vendid"),
	FS(struct pve_usb, prodid, "prodid"),
	FS(struct pve_usb, manufacturer, "manufacturer"),
	FS(struct pve_usb, product, "product"),
	FS(struct pve_usb, serial, "serial"),
	FS(struct pve_usb, speed, "speed"),
	FS(struct pve_usb, usbpath, "usbpath"),
};

int
pve_usb_parse(const struct json *j, int arr, struct pve_usb **out, int *n,
    struct px_err *e)
{
	return PARSE("USB devices", struct pve_usb, usb_f);
}

/* The value of key in a property string "a=1,b=2" into out; 0 if found.
 * A leading item without '=' is the value of dflt. */
static int
prop_get(const char *s, const char *key, const char *dflt, char *out,
    size_t n)
{
	size_t kl = strlen(key);
	int first = 1;

	for (const char *p = s; p && *p; first = 0) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);

		if (eq == NULL && first && dflt && strcmp(key, dflt) == 0) {
			snprintf(out, n, "%.*s", (int)len, p);
			return 0;
		}
		if (eq && (size_t)(eq - p) == kl && strncmp(p, key, kl) == 0) {
			snprintf(out, n, "%.*s", (int)(len - kl - 1), eq + 1);
			return 0;
		}
		p += len;
		p += *p == ',';
	}
	return -1;
}

int
pve_hwmap_parse(const struct json *j, int arr, struct pve_hwmap **out,
    int *n, struct px_err *e)
{
	struct pve_hwmap *v;
	int c, i, k = 0, cap = 16;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "mappings: not an array");
	v = px_xcalloc((size_t)cap, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		char id[64], ent[512], tmp[32];
		int map = json_get(j, c, "map"), m, q;

		if (json_strcpy(j, json_get(j, c, "id"), id, sizeof(id)) < 0)
			continue;
		JSON_FOREACH(j, map, m, q) {
			struct pve_hwmap *x;

			if (json_strcpy(j, m, ent, sizeof(ent)) < 0)
				continue;
			if (k == cap)
				v = px_xrealloc(v, (size_t)(cap *= 2) *
				    sizeof(*v));
			x = &v[k];
			memset(x, 0, sizeof(*x));
			snprintf(x->id, sizeof(x->id), "%s", id);
			prop_get(ent, "node", NULL, x->node, sizeof(x->node));
			prop_get(ent, "path", NULL, x->path, sizeof(x->path));
			prop_get(ent, "id", NULL, x->devid, sizeof(x->devid));
			x->iommugroup = prop_get(ent, "iommugroup", NULL, tmp,
			    sizeof(tmp)) == 0 ? atoi(tmp) : -1;
			if (strchr(x->path, '.') && strchr(x->path, ':')) {
				pve_pci_norm(x->path, tmp, sizeof(tmp));
				snprintf(x->path, sizeof(x->path), "%s", tmp);
			}
			k++;
		}
	}
	*out = v;
	*n = k;
	return 0;
}

void
pve_pci_norm(const char *in, char *out, size_t n)
{
	char src[64];
	int colons = 0;

	snprintf(src, sizeof(src), "%s", in);	/* in may be out */
	for (const char *p = src; *p; p++)
		colons += *p == ':';
	/* "01:00.0" has one colon: no domain */
	snprintf(out, n, "%s%s", colons == 1 ? "0000:" : "", src);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

int
pve_pci_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcmp(a, b) == 0;
	if (la > lb)
		return strncmp(a, b, lb) == 0 && a[lb] == '.';
	return strncmp(a, b, la) == 0 && b[la] == '.';
}

int
pve_passthru_parse(const struct json *j, int obj, struct pve_passthru **out,
    int *n, struct px_err *e)
{
	struct pve_passthru *v;
	int kt, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "guest config: not an object");
	v = px_xcalloc((size_t)json_len(j, obj) + 1, sizeof(*v));
	JSON_FOREACH_KV(j, obj, kt, i) {
		struct pve_passthru *x = &v[k];
		char key[16], val[512];
		int pci;

		if (json_strcpy(j, kt, key, sizeof(key)) < 0 ||
		    json_strcpy(j, kt + 1, val, sizeof(val)) < 0)
			continue;
		if (strncmp(key, "hostpci", 7) == 0 && isdigit((unsigned char)key[7]))
			pci = 1;
		else if (strncmp(key, "usb", 3) == 0 &&
		    isdigit((unsigned char)key[3]))
			pci = 0;
		else
			continue;
		snprintf(x->key, sizeof(x->key), "%s", key);
		snprintf(x->kind, sizeof(x->kind), "%s", pci ? "pci" : "usb");
		prop_get(val, "mapping", NULL, x->mapping, sizeof(x->mapping));
		if (x->mapping[0] == '\0' && prop_get(val, "host",
		    pci ? "host" : NULL, x->host, sizeof(x->host)) != 0)
			continue;	/* spice and friends */
		if (pci && x->host[0]) {
			char norm[256] = "", one[64];

			for (char *p = x->host; *p; ) {
				size_t len = strcspn(p, ";");

				snprintf(one, sizeof(one), "%.*s", (int)len, p);
				pve_pci_norm(one, one, sizeof(one));
				snprintf(norm + strlen(norm), sizeof(norm) -
				    strlen(norm), "%s%s", norm[0] ? ";" : "",
				    one);
				p += len;
				p += *p == ';';
			}
			snprintf(x->host, sizeof(x->host), "%s", norm);
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- disks ---- */

static const struct fdesc disk_f[] = {
	FS(struct pve_disk, devpath, "devpath"),
	FS(struct pve_disk, type, "type"),
	FS(struct pve_disk, model, "model"),
	FS(struct pve_disk, serial, "serial"),
	FS(struct pve_disk, vendor, "vendor"),
	FS(struct pve_disk, wwn, "wwn"),
	FU(struct pve_disk, size, "size"),
	FS(struct pve_disk, used, "used"),
	FS(struct pve_disk, health, "health"),
	FI(struct pve_disk, wearout, "wearout", -1),
	FB(struct pve_disk, gpt, "gpt", 0),
	FB(struct pve_disk, mounted, "mounted", 0),
	FI(struct pve_disk, osdid, "osdid", -1),
	FI(struct pve_disk, rpm, "rpm", 0),
};

int
pve_disks_parse(const struct json *j, int arr, struct pve_disk **out, int *n,
    struct px_err *e)
{
	if (PARSE("disks", struct pve_disk, disk_f) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		char *s = (*out)[i].vendor;	/* "ATA     " */
		size_t l = strlen(s);

		while (l > 0 && s[l - 1] == ' ')
			s[--l] = '\0';
	}
	return 0;
}

static const struct fdesc smart_attr_f[] = {
	FI(struct pve_smart_attr, id, "id", 0),
	FS(struct pve_smart_attr, name, "name"),
	FI(struct pve_smart_attr, value, "value", -1),
	FI(struct pve_smart_attr, worst, "worst", -1),
	FI(struct pve_smart_attr, threshold, "threshold", -1),
	FS(struct pve_smart_attr, raw, "raw"),
	FS(struct pve_smart_attr, flags, "flags"),
	FS(struct pve_smart_attr, fail, "fail"),
};

int
pve_smart_parse(const struct json *j, int obj, struct pve_smart *s,
    struct px_err *e)
{
	int attrs;

	memset(s, 0, sizeof(*s));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "SMART data: not an object");
	json_strcpy(j, json_get(j, obj, "health"), s->health,
	    sizeof(s->health));
	json_strcpy(j, json_get(j, obj, "type"), s->type, sizeof(s->type));
	s->text = json_get_str(j, obj, "text");
	attrs = json_get(j, obj, "attributes");
	if (json_type(j, attrs) == JSON_ARRAY &&
	    parse_list(j, attrs, "SMART attributes", smart_attr_f,
	    NF(smart_attr_f), sizeof(*s->attr), (void **)&s->attr, &s->nattr,
	    e) != 0) {
		pve_smart_free(s);
		return -1;
	}
	return 0;
}

void
pve_smart_free(struct pve_smart *s)
{
	free(s->text);
	free(s->attr);
	memset(s, 0, sizeof(*s));
}

/* ---- network ---- */

static const struct fdesc iface_f[] = {
	FS(struct pve_netif, iface, "iface"),
	FS(struct pve_netif, type, "type"),
	FS(struct pve_netif, method, "method"),
	FS(struct pve_netif, method6, "method6"),
	FS(struct pve_netif, address, "address"),
	FS(struct pve_netif, cidr, "cidr"),
	FS(struct pve_netif, gateway, "gateway"),
	FS(struct pve_netif, address6, "address6"),
	FS(struct pve_netif, cidr6, "cidr6"),
	FS(struct pve_netif, gateway6, "gateway6"),
	FS(struct pve_netif, ports, "bridge_ports"),
	FS(struct pve_netif, bond_mode, "bond_mode"),
	FS(struct pve_netif, vlan_raw_device, "vlan-raw-device"),
	FI(struct pve_netif, vlan_id, "vlan-id", 0),
	FI(struct pve_netif, mtu, "mtu", 0),
	FB(struct pve_netif, active, "active", 0),
	FB(struct pve_netif, autostart, "autostart", 0),
	FB(struct pve_netif, exists, "exists", 0),
	FB(struct pve_netif, vlan_aware, "bridge_vlan_aware", 0),
	FS(struct pve_netif, comments, "comments"),
};

int
pve_netifs_parse(const struct json *j, int arr, struct pve_netif **out,
    int *n, struct px_err *e)
{
	int c, i, k = 0;

	if (PARSE("network interfaces", struct pve_netif, iface_f) != 0)
		return -1;
	/* bonds list "slaves", OVS bridges "ovs_ports" */
	JSON_FOREACH(j, arr, c, i) {
		struct pve_netif *x;

		if (json_type(j, c) != JSON_OBJECT ||
		    json_is_null(j, json_get(j, c, "iface")))
			continue;
		x = &(*out)[k++];
		if (x->ports[0] == '\0' && json_strcpy(j, json_get(j, c,
		    "slaves"), x->ports, sizeof(x->ports)) < 0)
			json_strcpy(j, json_get(j, c, "ovs_ports"), x->ports,
			    sizeof(x->ports));
	}
	return 0;
}

/* ---- firewall ---- */

static const struct fdesc fw_rule_f[] = {
	FI(struct pve_fw_rule, pos, "pos", -1),
	FS(struct pve_fw_rule, type, "type"),
	FS(struct pve_fw_rule, action, "action"),
	FS(struct pve_fw_rule, macro, "macro"),
	FS(struct pve_fw_rule, proto, "proto"),
	FS(struct pve_fw_rule, source, "source"),
	FS(struct pve_fw_rule, dest, "dest"),
	FS(struct pve_fw_rule, sport, "sport"),
	FS(struct pve_fw_rule, dport, "dport"),
	FS(struct pve_fw_rule, iface, "iface"),
	FS(struct pve_fw_rule, log, "log"),
	FS(struct pve_fw_rule, icmp_type, "icmp-type"),
	FB(struct pve_fw_rule, enable, "enable", 0),
	FS(struct pve_fw_rule, comment, "comment"),
};

int
pve_fw_rules_parse(const struct json *j, int arr, struct pve_fw_rule **out,
    int *n, struct px_err *e)
{
	return PARSE("firewall rules", struct pve_fw_rule, fw_rule_f);
}

static const struct fdesc fw_addr_f[] = {
	FS(struct pve_fw_addr, cidr, "cidr"),	/* entries have no name */
	FS(struct pve_fw_addr, name, "name"),
	FB(struct pve_fw_addr, nomatch, "nomatch", 0),
	FS(struct pve_fw_addr, comment, "comment"),
};

int
pve_fw_addrs_parse(const struct json *j, int arr, struct pve_fw_addr **out,
    int *n, struct px_err *e)
{
	int c, i, k = 0;
	struct pve_fw_addr *v;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "firewall addresses: not an "
		    "array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT ||
		    (json_is_null(j, json_get(j, c, "name")) &&
		    json_is_null(j, json_get(j, c, "cidr"))))
			continue;
		fill(j, c, &v[k++], fw_addr_f, NF(fw_addr_f));
	}
	*out = v;
	*n = k;
	return 0;
}

static const struct fdesc fw_group_f[] = {
	FS(struct pve_fw_addr, name, "group"),
	FS(struct pve_fw_addr, comment, "comment"),
};

int
pve_fw_groups_parse(const struct json *j, int arr, struct pve_fw_addr **out,
    int *n, struct px_err *e)
{
	return PARSE("security groups", struct pve_fw_addr, fw_group_f);
}

int
pve_opts_parse(const struct json *j, int obj, struct pve_opt **out, int *n,
    struct px_err *e)
{
	struct pve_opt *v;
	int kt, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "options: not an object");
	v = px_xcalloc((size_t)json_len(j, obj) + 1, sizeof(*v));
	JSON_FOREACH_KV(j, obj, kt, i) {
		enum json_type t = json_type(j, kt + 1);

		if (t == JSON_OBJECT || t == JSON_ARRAY || t == JSON_NULL)
			continue;
		json_strcpy(j, kt, v[k].key, sizeof(v[k].key));
		if (t == JSON_TRUE || t == JSON_FALSE)
			snprintf(v[k].value, sizeof(v[k].value), "%d",
			    t == JSON_TRUE);
		else
			json_strcpy(j, kt + 1, v[k].value, sizeof(v[k].value));
		text_sanitize(v[k].value);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- RRD ---- */

#define RRD_MAX_FIELDS	64

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
pve_rrd_parse(const struct json *j, int arr, struct pve_rrd *r,
    struct px_err *e)
{
	int c, i, kt, q, p = 0;

	memset(r, 0, sizeof(*r));
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "RRD data: not an array");
	r->field = px_xcalloc(RRD_MAX_FIELDS, sizeof(*r->field));
	JSON_FOREACH(j, arr, c, i) {
		JSON_FOREACH_KV(j, c, kt, q) {
			char name[32];
			int f;

			if (json_strcpy(j, kt, name, sizeof(name)) < 0 ||
			    strcmp(name, "time") == 0)
				continue;
			for (f = 0; f < r->nfields; f++)
				if (strcmp(r->field[f], name) == 0)
					break;
			if (f == r->nfields && f < RRD_MAX_FIELDS)
				memcpy(r->field[r->nfields++], name,
				    sizeof(name));
		}
	}
	qsort(r->field, (size_t)r->nfields, sizeof(*r->field), cmp_name);
	r->time = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*r->time));
	r->v = px_xcalloc(((size_t)json_len(j, arr) + 1) *
	    ((size_t)r->nfields + 1), sizeof(*r->v));
	JSON_FOREACH(j, arr, c, i) {
		long long t;

		if (json_int(j, json_get(j, c, "time"), &t) != 0)
			continue;
		if (p > 0 && t <= r->time[p - 1])
			continue;	/* keep the series ascending */
		r->time[p] = t;
		for (int f = 0; f < r->nfields; f++)
			r->v[p * r->nfields + f] = json_get_num(j, c,
			    r->field[f], NAN);
		p++;
	}
	r->npoints = p;
	return 0;
}

void
pve_rrd_free(struct pve_rrd *r)
{
	free(r->field);
	free(r->time);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
pve_rrd_field(const struct pve_rrd *r, const char *name)
{
	for (int f = 0; f < r->nfields; f++)
		if (strcmp(r->field[f], name) == 0)
			return f;
	return -1;
}

double *
pve_rrd_column(const struct pve_rrd *r, int f)
{
	double *v = px_xcalloc((size_t)r->npoints + 1, sizeof(*v));

	for (int i = 0; i < r->npoints; i++)
		v[i] = f < 0 ? NAN : r->v[i * r->nfields + f];
	return v;
}

/* ---- statistics ---- */

double
stat_mean(const double *v, int n)
{
	double s = 0;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			k++;
		}
	return k ? s / k : NAN;
}

double
stat_stddev(const double *v, int n)
{
	double m = stat_mean(v, n), s = 0;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += (v[i] - m) * (v[i] - m);
			k++;
		}
	return k ? sqrt(s / k) : NAN;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
stat_median(const double *v, int n)
{
	double *c = px_xcalloc((size_t)n + 1, sizeof(*c)), m;
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]))
			c[k++] = v[i];
	qsort(c, (size_t)k, sizeof(*c), cmp_double);
	m = k == 0 ? NAN : k % 2 ? c[k / 2] : (c[k / 2 - 1] + c[k / 2]) / 2;
	free(c);
	return m;
}

double
stat_min(const double *v, int n)
{
	double m = NAN;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]) && (isnan(m) || v[i] < m))
			m = v[i];
	return m;
}

double
stat_max(const double *v, int n)
{
	double m = NAN;

	for (int i = 0; i < n; i++)
		if (!isnan(v[i]) && (isnan(m) || v[i] > m))
			m = v[i];
	return m;
}

double
stat_zscore(double x, double mean, double sd)
{
	if (isnan(x) || isnan(mean) || isnan(sd) || sd <= 0)
		return 0;
	return (x - mean) / sd;
}

double
stat_integrate(const long long *t, const double *v, int n)
{
	double s = 0;

	for (int i = 0; i < n; i++) {
		long long w = i > 0 ? t[i] - t[i - 1] :
		    n > 1 ? t[1] - t[0] : 0;

		if (!isnan(v[i]) && w > 0)
			s += v[i] * (double)w;
	}
	return s;
}

/* ---- backups, cluster, node, apt ---- */

static const struct fdesc unprot_f[] = {
	FI(struct pve_unprotected, vmid, "vmid", 0),
	FS(struct pve_unprotected, name, "name"),
	FS(struct pve_unprotected, type, "type"),
};

int
pve_unprotected_parse(const struct json *j, int arr,
    struct pve_unprotected **out, int *n, struct px_err *e)
{
	return PARSE("not backed up", struct pve_unprotected, unprot_f);
}

static const struct fdesc bjob_f[] = {
	FS(struct pve_backup_job, id, "id"),
	FB(struct pve_backup_job, enabled, "enabled", 1),
	FB(struct pve_backup_job, all, "all", 0),
	FS(struct pve_backup_job, vmid, "vmid"),
	FS(struct pve_backup_job, node, "node"),
	FS(struct pve_backup_job, pool, "pool"),
	FS(struct pve_backup_job, storage, "storage"),
	FS(struct pve_backup_job, schedule, "schedule"),
	FS(struct pve_backup_job, exclude, "exclude"),
	FL(struct pve_backup_job, next_run, "next-run"),
};

int
pve_backup_jobs_parse(const struct json *j, int arr,
    struct pve_backup_job **out, int *n, struct px_err *e)
{
	int c, i, k = 0;

	if (PARSE("backup jobs", struct pve_backup_job, bjob_f) != 0)
		return -1;
	JSON_FOREACH(j, arr, c, i)
		if (json_type(j, c) == JSON_OBJECT &&
		    !json_is_null(j, json_get(j, c, "id")))
			(*out)[k++].has_maxfiles =
			    !json_is_null(j, json_get(j, c, "maxfiles"));
	return 0;
}

static const struct fdesc citem_f[] = {
	FS(struct pve_cluster_row, type, "type"),
	FS(struct pve_cluster_row, name, "name"),
	FB(struct pve_cluster_row, quorate, "quorate", 0),
	FI(struct pve_cluster_row, nodes, "nodes", 0),
	FB(struct pve_cluster_row, online, "online", 0),
	FB(struct pve_cluster_row, local, "local", 0),
	FI(struct pve_cluster_row, nodeid, "nodeid", 0),
	FS(struct pve_cluster_row, ip, "ip"),
};

int
pve_cluster_rows_parse(const struct json *j, int arr,
    struct pve_cluster_row **out, int *n, struct px_err *e)
{
	return PARSE("cluster status", struct pve_cluster_row, citem_f);
}

int
pve_node_status_parse(const struct json *j, int obj,
    struct pve_node_status *s, struct px_err *e)
{
	int la, c, i;

	memset(s, 0, sizeof(*s));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "node status: not an object");
	json_strcpy(j, json_get(j, obj, "pveversion"), s->pveversion,
	    sizeof(s->pveversion));
	if (json_strcpy(j, json_path(j, obj, "current-kernel.release"),
	    s->kernel, sizeof(s->kernel)) < 0)
		json_strcpy(j, json_get(j, obj, "kversion"), s->kernel,
		    sizeof(s->kernel));
	s->cpu = json_get_num(j, obj, "cpu", 0);
	s->cpus = (int)json_get_int(j, json_get(j, obj, "cpuinfo"), "cpus", 0);
	la = json_get(j, obj, "loadavg");
	JSON_FOREACH(j, la, c, i)
		if (i < 3 && json_num(j, c, &s->loadavg[i]) != 0)
			s->loadavg[i] = 0;
	s->mem_total = json_get_uint(j, json_get(j, obj, "memory"), "total", 0);
	s->mem_used = json_get_uint(j, json_get(j, obj, "memory"), "used", 0);
	s->root_total = json_get_uint(j, json_get(j, obj, "rootfs"), "total", 0);
	s->root_used = json_get_uint(j, json_get(j, obj, "rootfs"), "used", 0);
	s->root_avail = json_get_uint(j, json_get(j, obj, "rootfs"), "avail",
	    s->root_total > s->root_used ? s->root_total - s->root_used : 0);
	return 0;
}

static const struct fdesc scfg_f[] = {
	FS(struct pve_storage_def, storage, "storage"),
	FS(struct pve_storage_def, type, "type"),
	FS(struct pve_storage_def, content, "content"),
	FS(struct pve_storage_def, nodes, "nodes"),
	FB(struct pve_storage_def, shared, "shared", 0),
	FB(struct pve_storage_def, disable, "disable", 0),
	FS(struct pve_storage_def, prune, "prune-backups"),
};

int
pve_storage_defs_parse(const struct json *j, int arr,
    struct pve_storage_def **out, int *n, struct px_err *e)
{
	int c, i, k = 0;

	if (PARSE("storage config", struct pve_storage_def, scfg_f) != 0)
		return -1;
	JSON_FOREACH(j, arr, c, i)
		if (json_type(j, c) == JSON_OBJECT &&
		    !json_is_null(j, json_get(j, c, "storage")))
			(*out)[k++].has_maxfiles =
			    !json_is_null(j, json_get(j, c, "maxfiles"));
	return 0;
}

/* Join the strings of array arr with ' ' into dst. */
static void
join_strs(const struct json *j, int arr, char *dst, size_t n)
{
	int c, i;
	size_t l = 0;

	dst[0] = '\0';
	JSON_FOREACH(j, arr, c, i) {
		if (l + 2 >= n)
			break;
		if (l)
			dst[l++] = ' ';
		if (json_strcpy(j, c, dst + l, n - l) > 0)
			l = strlen(dst);
		else if (l)
			dst[--l] = '\0';
	}
}

int
pve_apt_repos_parse(const struct json *j, int obj, struct pve_apt_repo **out,
    int *n, struct px_err *e)
{
	int files = json_get(j, obj, "files"), f, i, total = 0, k = 0;
	struct pve_apt_repo *v;

	*out = NULL;
	*n = 0;
	if (json_type(j, files) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "apt repositories: no files");
	JSON_FOREACH(j, files, f, i)
		total += json_len(j, json_get(j, f, "repositories"));
	v = px_xcalloc((size_t)total + 1, sizeof(*v));
	JSON_FOREACH(j, files, f, i) {
		int repos = json_get(j, f, "repositories"), r, q;
		char path[256] = "";

		json_strcpy(j, json_get(j, f, "path"), path, sizeof(path));
		JSON_FOREACH(j, repos, r, q) {
			struct pve_apt_repo *x = &v[k++];

			snprintf(x->path, sizeof(x->path), "%s", path);
			x->enabled = json_get_bool(j, r, "Enabled", 1);
			join_strs(j, json_get(j, r, "Types"), x->types,
			    sizeof(x->types));
			join_strs(j, json_get(j, r, "URIs"), x->uris,
			    sizeof(x->uris));
			join_strs(j, json_get(j, r, "Suites"), x->suites,
			    sizeof(x->suites));
			join_strs(j, json_get(j, r, "Components"),
			    x->components, sizeof(x->components));
		}
	}
	*out = v;
	*n = k;
	return 0;
}

int
pve_version_split(const char *s, int v[3])
{
	const char *p = s;

	v[0] = v[1] = v[2] = 0;
	while (*p && !isdigit((unsigned char)*p))
		p++;
	if (!*p)
		return -1;
	return sscanf(p, "%d.%d.%d", &v[0], &v[1], &v[2]) >= 1 ? 0 : -1;
}
