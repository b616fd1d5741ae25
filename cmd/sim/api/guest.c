/*
 * guest.c -- what pxsim's guest endpoint files share: the guest of a
 * /nodes/{node}/{qemu|lxc}/{vmid} path, lock checks, sizes as PVE writes
 * and parses them, property strings, disk keys and volume ids, the typed
 * fields of a config, and config objects with their digest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "guest.h"

/* qemu or lxc, from the request path. */
enum sim_gtype
g_type(const struct sim_req *rq)
{
	return strstr(rq->path, "/lxc") ? SIM_LXC : SIM_QEMU;
}

/* "VM" or "CT", as PVE's messages say. */
const char *
g_word(const struct sim_guest *g)
{
	return g->type == SIM_LXC ? "CT" : "VM";
}

/* The guest of a per-node path, or NULL with PVE's 500 in rs. */
struct sim_guest *
sim_guest_check(struct sim *s, struct sim_resp *rs, const char *node,
    enum sim_gtype type, int vmid)
{
	struct sim_guest *g = sim_guest_on_node(s, node, type, vmid);

	if (g == NULL && rs)
		sim_error(rs, 500, "Configuration file 'nodes/%s/%s/%d.conf' "
		    "does not exist", node, type == SIM_LXC ? "lxc" :
		    "qemu-server", vmid);
	return g;
}

/* The guest of the path, or NULL with the 500 filled. */
struct sim_guest *
g_lookup(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	return sim_guest_check(s, rs, sim_var(m, "node"), g_type(rq),
	    atoi(sim_var(m, "vmid")));
}

/* -1 with PVE's "VM is locked (backup)" when g is locked. */
int
g_check_lock(const struct sim_guest *g, const struct sim_req *rq,
    struct sim_resp *rs)
{
	if (g->lock == NULL || sim_param_bool(rq, "skiplock", 0))
		return 0;
	sim_error(rs, 500, "%s is locked (%s)", g->type == SIM_LXC ? "CT" :
	    "VM", g->lock);
	return -1;
}

/* Format bytes like PVE's logs ("1.5 GiB"). */
void
g_size(uint64_t b, char *out, size_t n)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(out, n, "%.1f %s", v, u[i]);
}

/* Parse a PVE size ("32G", "512M", "+10G") into bytes; -1 on error. */
long long
g_parse_size(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	switch (*end) {
	case 'T': v *= 1024;	/* FALLTHROUGH */
	case 'G': v *= 1024;	/* FALLTHROUGH */
	case 'M': v *= 1024;	/* FALLTHROUGH */
	case 'K': v *= 1024; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end != '\0')
		return -1;
	return (long long)v;
}

/* The value of option key in a property string ("size" of
 * "local-lvm:vm-100-disk-0,size=32G") into out; 0 or -1. */
int
g_prop(const char *ps, const char *key, char *out, size_t n)
{
	size_t k = strlen(key);
	const char *p = ps;

	while (p && *p) {
		if (strncmp(p, key, k) == 0 && p[k] == '=') {
			size_t len = strcspn(p + k + 1, ",");

			snprintf(out, n, "%.*s", (int)len, p + k + 1);
			return 0;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return -1;
}

/* 1 when key names a disk (scsi0, virtio1, ide2, sata0, efidisk0,
 * tpmstate0, rootfs, mp0, unused0). */
int
g_is_disk_key(const char *key)
{
	static const char *pfx[] = { "scsi", "virtio", "ide", "sata",
	    "efidisk", "tpmstate", "mp", "unused", NULL };
	int i;

	if (strcmp(key, "rootfs") == 0)
		return 1;
	for (i = 0; pfx[i]; i++) {
		size_t n = strlen(pfx[i]);

		if (strncmp(key, pfx[i], n) == 0 && key[n] >= '0' &&
		    key[n] <= '9')
			return 1;
	}
	return 0;
}

/* The volume id of a disk value ("local-lvm:vm-100-disk-0"); "" for
 * none/cdrom. */
void
g_disk_volid(const char *val, char *out, size_t n)
{
	size_t len = strcspn(val, ",");

	if (strncmp(val, "none", 4) == 0 || strchr(val, ':') == NULL ||
	    strstr(val, "media=cdrom")) {
		out[0] = '\0';
		return;
	}
	snprintf(out, n, "%.*s", (int)len, val);
}

/* Refresh the typed fields (name, tags, cpus, maxmem) from config. */
void
g_sync_fields(struct sim_guest *g)
{
	const char *v;
	long cores, sockets;

	if ((v = sim_kv_get(&g->config, g->type == SIM_LXC ? "hostname" :
	    "name")) != NULL)
		sim_str_set(&g->name, v);
	else if (g->name == NULL) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%s%d", g->type == SIM_LXC ? "CT" :
		    "VM", g->vmid);
		sim_str_set(&g->name, buf);
	}
	v = sim_kv_get(&g->config, "tags");
	sim_str_set(&g->tags, v && *v ? v : NULL);
	cores = (v = sim_kv_get(&g->config, "cores")) ? atol(v) : 1;
	sockets = (v = sim_kv_get(&g->config, "sockets")) ? atol(v) : 1;
	g->cpus = (int)((cores > 0 ? cores : 1) * (g->type == SIM_QEMU &&
	    sockets > 0 ? sockets : 1));
	if ((v = sim_kv_get(&g->config, "memory")) != NULL) {
		long long mb = atoll(strncmp(v, "current=", 8) == 0 ? v + 8 :
		    v);

		if (mb > 0)
			g->maxmem = (uint64_t)mb << 20;
	}
	g->template_ = (v = sim_kv_get(&g->config, "template")) && atoi(v);
	v = sim_kv_get(&g->config, "agent");
	if (g->type == SIM_QEMU)
		g->agent = v && (v[0] == '1' || strstr(v, "enabled=1"));
}

/* Keys whose values PVE returns as JSON numbers. */
static int
numeric_key(const char *k)
{
	static const char *keys[] = { "cores", "sockets", "vcpus", "numa",
	    "onboot", "template", "balloon", "swap", "unprivileged",
	    "cpuunits", "protection", "tablet", "acpi", "kvm", "shares",
	    "autostart", "reboot", "freeze", "localtime", "console", "tty",
	    "cpulimit", "migrate_downtime", "migrate_speed", "shares",
	    "startup_delay", "debug", NULL };
	int i;

	for (i = 0; keys[i]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

/* Write a config as an object, with the digest of g's config. */
void
g_write_config(struct jw *w, const struct sim_guest *g,
    const struct sim_kvlist *cfg, int digest)
{
	size_t i;
	char d[41];

	jw_obj(w);
	for (i = 0; i < cfg->n; i++) {
		const char *k = cfg->v[i].key, *v = cfg->v[i].val;
		char *end;
		double num = strtod(v, &end);

		if (numeric_key(k) && *v && *end == '\0')
			jw_knum(w, k, num);
		else if (g->type == SIM_LXC && strcmp(k, "memory") == 0 &&
		    *v && *end == '\0')
			jw_knum(w, k, num);
		else
			jw_kstr(w, k, v);
	}
	if (digest) {
		sim_guest_digest(g, d);
		jw_kstr(w, "digest", d);
	}
	jw_end(w);
}

/* 1 when the comma list contains word. */
int
g_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; p && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ',' || p[-1] == ';') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ';'))
			return 1;
	return 0;
}

/* The vmid as a task id ("100"). */
void
g_idstr(char *buf, size_t n, int vmid)
{
	snprintf(buf, n, "%d", vmid);
}
