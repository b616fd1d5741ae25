/* pve_node.c -- a node's objects. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_field.h"
#include "pve_node.h"

/* ---- status ---- */

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
	text_sanitize(s->pveversion);
	text_sanitize(s->kernel);
	return 0;
}

/* ---- hardware ---- */

static const struct pve_field pci_f[] = {
	PF_STR(struct pve_pci, id, "id"),
	PF_STR(struct pve_pci, class, "class"),
	PF_STR(struct pve_pci, vendor, "vendor"),
	PF_STR(struct pve_pci, device, "device"),
	PF_STR(struct pve_pci, vendor_name, "vendor_name"),
	PF_STR(struct pve_pci, device_name, "device_name"),
	PF_INT(struct pve_pci, iommugroup, "iommugroup", -1),
	PF_BOOL(struct pve_pci, mdev, "mdev", 0),
};

int
pve_pci_parse(const struct json *j, int arr, struct pve_pci **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("PCI devices", struct pve_pci, pci_f, NULL);
}

static const struct pve_field usb_f[] = {
	PF_INT(struct pve_usb, busnum, "busnum", 0),
	PF_INT(struct pve_usb, devnum, "devnum", 0),
	PF_INT(struct pve_usb, port, "port", 0),
	PF_INT(struct pve_usb, level, "level", 0),
	PF_INT(struct pve_usb, class, "class", 0),
	PF_STR(struct pve_usb, vendid, "vendid"),
	PF_STR(struct pve_usb, prodid, "prodid"),
	PF_STR(struct pve_usb, manufacturer, "manufacturer"),
	PF_STR(struct pve_usb, product, "product"),
	PF_STR(struct pve_usb, serial, "serial"),
	PF_STR(struct pve_usb, speed, "speed"),
	PF_STR(struct pve_usb, usbpath, "usbpath"),
};

int
pve_usb_parse(const struct json *j, int arr, struct pve_usb **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("USB devices", struct pve_usb, usb_f, NULL);
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
			text_sanitize(x->id);
			text_sanitize(x->node);
			text_sanitize(x->path);
			text_sanitize(x->devid);
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
		text_sanitize(x->key);
		text_sanitize(x->mapping);
		text_sanitize(x->host);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* ---- disks ---- */

static const struct pve_field disk_f[] = {
	PF_STR(struct pve_disk, devpath, "devpath"),
	PF_STR(struct pve_disk, type, "type"),
	PF_STR(struct pve_disk, model, "model"),
	PF_STR(struct pve_disk, serial, "serial"),
	PF_STR(struct pve_disk, vendor, "vendor"),
	PF_STR(struct pve_disk, wwn, "wwn"),
	PF_U64(struct pve_disk, size, "size"),
	PF_STR(struct pve_disk, used, "used"),
	PF_STR(struct pve_disk, health, "health"),
	PF_INT(struct pve_disk, wearout, "wearout", -1),
	PF_BOOL(struct pve_disk, gpt, "gpt", 0),
	PF_BOOL(struct pve_disk, mounted, "mounted", 0),
	PF_INT(struct pve_disk, osdid, "osdid", -1),
	PF_INT(struct pve_disk, rpm, "rpm", 0),
};

int
pve_disks_parse(const struct json *j, int arr, struct pve_disk **out, int *n,
    struct px_err *e)
{
	if (PVE_PARSE("disks", struct pve_disk, disk_f, NULL) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		char *s = (*out)[i].vendor;	/* "ATA     " */
		size_t l = strlen(s);

		while (l > 0 && s[l - 1] == ' ')
			s[--l] = '\0';
	}
	return 0;
}

static const struct pve_field smart_attr_f[] = {
	PF_INT(struct pve_smart_attr, id, "id", 0),
	PF_STR(struct pve_smart_attr, name, "name"),
	PF_INT(struct pve_smart_attr, value, "value", -1),
	PF_INT(struct pve_smart_attr, worst, "worst", -1),
	PF_INT(struct pve_smart_attr, threshold, "threshold", -1),
	PF_STR(struct pve_smart_attr, raw, "raw"),
	PF_STR(struct pve_smart_attr, flags, "flags"),
	PF_STR(struct pve_smart_attr, fail, "fail"),
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
	text_sanitize(s->health);
	text_sanitize(s->type);
	/* The report keeps its lines: each line sanitized on its own. */
	if ((s->text = json_get_str(j, obj, "text")) != NULL) {
		char *l = s->text, *nl;

		while ((nl = strchr(l, '\n')) != NULL) {
			size_t len;

			*nl = '\0';
			len = strlen(text_sanitize(l));	/* may get shorter */
			memmove(l + len + 1, nl + 1, strlen(nl + 1) + 1);
			l[len] = '\n';
			l += len + 1;
		}
		text_sanitize(l);
	}
	attrs = json_get(j, obj, "attributes");
	if (json_type(j, attrs) == JSON_ARRAY &&
	    pve_rows_parse(j, attrs, &(const struct pve_rows)PVE_ROWS(
	    "SMART attributes", struct pve_smart_attr, smart_attr_f, NULL),
	    (void **)&s->attr, &s->nattr, e) != 0) {
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

static const struct pve_field iface_f[] = {
	PF_STR(struct pve_netif, iface, "iface"),
	PF_STR(struct pve_netif, type, "type"),
	PF_STR(struct pve_netif, method, "method"),
	PF_STR(struct pve_netif, method6, "method6"),
	PF_STR(struct pve_netif, address, "address"),
	PF_STR(struct pve_netif, cidr, "cidr"),
	PF_STR(struct pve_netif, gateway, "gateway"),
	PF_STR(struct pve_netif, address6, "address6"),
	PF_STR(struct pve_netif, cidr6, "cidr6"),
	PF_STR(struct pve_netif, gateway6, "gateway6"),
	PF_STR(struct pve_netif, ports, "bridge_ports"),
	PF_STR(struct pve_netif, bond_mode, "bond_mode"),
	PF_STR(struct pve_netif, vlan_raw_device, "vlan-raw-device"),
	PF_INT(struct pve_netif, vlan_id, "vlan-id", 0),
	PF_INT(struct pve_netif, mtu, "mtu", 0),
	PF_BOOL(struct pve_netif, active, "active", 0),
	PF_BOOL(struct pve_netif, autostart, "autostart", 0),
	PF_BOOL(struct pve_netif, exists, "exists", 0),
	PF_BOOL(struct pve_netif, vlan_aware, "bridge_vlan_aware", 0),
	PF_STR(struct pve_netif, comments, "comments"),
};

/* Bonds list their ports as "slaves", OVS bridges as "ovs_ports". */
static int
netif_ports(const struct json *j, int obj, void *row)
{
	struct pve_netif *x = row;

	if (x->ports[0] == '\0' && json_strcpy(j, json_get(j, obj, "slaves"),
	    x->ports, sizeof(x->ports)) < 0)
		json_strcpy(j, json_get(j, obj, "ovs_ports"), x->ports,
		    sizeof(x->ports));
	text_sanitize(x->ports);
	return 0;
}

int
pve_netifs_parse(const struct json *j, int arr, struct pve_netif **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("network interfaces", struct pve_netif, iface_f,
	    netif_ports);
}

/* ---- apt ---- */

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
			l = strlen(text_sanitize(dst + l)) + l;
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
		text_sanitize(path);
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
