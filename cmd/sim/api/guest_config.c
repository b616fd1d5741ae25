/*
 * guest_config.c -- a guest's config: read (current or with pending
 * changes applied), change (PUT at once, POST as a task), the digest
 * check, keys allowed per guest type, and /pending.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "guest.h"

/* ---- config ---- */

/* Endpoint handler (routes in guest_routes.c). */
void
h_config_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *snap = sim_param(rq, "snapshot");
	struct sim_kvlist merged = {0};
	struct jw w;
	size_t i;

	if (g == NULL)
		return;
	if (snap) {
		for (i = 0; i < g->nsnaps; i++)
			if (strcmp(g->snaps[i].name, snap) == 0)
				break;
		if (i == g->nsnaps) {
			sim_error(rs, 500, "snapshot '%s' does not exist", snap);
			return;
		}
		sim_ok_begin(rs, &w);
		g_write_config(&w, g, &g->snaps[i].config, 1);
		sim_ok_end(rs, &w);
		return;
	}
	sim_kv_copy(&merged, &g->config);
	if (!sim_param_bool(rq, "current", 0)) {
		/* like PVE: pending values replace the current ones */
		for (i = 0; i < g->pending.n; i++)
			if (strcmp(g->pending.v[i].key, "delete") != 0)
				sim_kv_set(&merged, g->pending.v[i].key,
				    g->pending.v[i].val);
	}
	sim_ok_begin(rs, &w);
	g_write_config(&w, g, &merged, 1);
	sim_ok_end(rs, &w);
	sim_kv_free(&merged);
}

static int
key_allowed(const char *k, enum sim_gtype type)
{
	static const char *qemu[] = { "acpi", "affinity", "agent", "amd-sev",
	    "arch", "args", "audio0", "autostart", "balloon", "bios", "boot",
	    "bootdisk", "cdrom", "cicustom", "cipassword", "citype",
	    "ciupgrade", "ciuser", "cores", "cpu", "cpulimit", "cpuunits",
	    "description", "efidisk0", "freeze", "hookscript", "hotplug",
	    "hugepages", "ivshmem", "keephugepages", "keyboard", "kvm",
	    "localtime", "lock", "machine", "memory", "migrate_downtime",
	    "migrate_speed", "name", "nameserver", "numa", "onboot", "ostype",
	    "protection", "reboot", "rng0", "scsihw", "searchdomain", "shares",
	    "smbios1", "smp", "sockets", "spice_enhancements", "sshkeys",
	    "startdate", "startup", "tablet", "tags", "tdf", "template",
	    "tpmstate0", "vcpus", "vga", "vmgenid", "vmstatestorage",
	    "watchdog", "meta", "intel-tdx", "allow-ksm", NULL };
	static const char *lxc[] = { "arch", "cmode", "console", "cores",
	    "cpulimit", "cpuunits", "debug", "description", "entrypoint",
	    "env", "features", "hookscript", "hostname", "lock", "memory",
	    "nameserver", "onboot", "ostype", "protection", "rootfs",
	    "searchdomain", "startup", "swap", "tags", "template",
	    "timezone", "tty", "unprivileged", NULL };
	static const char *multi[] = { "scsi", "virtio", "ide", "sata", "net",
	    "unused", "hostpci", "usb", "serial", "parallel", "ipconfig",
	    "numa", "virtiofs", "mp", "dev", NULL };
	const char *const *list = type == SIM_LXC ? lxc : qemu;
	int i;

	for (i = 0; list[i]; i++)
		if (strcmp(k, list[i]) == 0)
			return 1;
	for (i = 0; multi[i]; i++) {
		size_t n = strlen(multi[i]);
		const char *p = k + n;

		if (strncmp(k, multi[i], n) != 0 || *p == '\0')
			continue;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '\0')
			return 1;
	}
	return 0;
}

/* Keys a running qemu guest cannot change without a restart. */
static int
needs_restart(const struct sim_guest *g, const char *k)
{
	static const char *cold[] = { "memory", "cores", "sockets", "cpu",
	    "machine", "bios", "numa", "vga", "scsihw", "balloon", "args",
	    "hugepages", "ostype", NULL };
	int i;

	if (g->type != SIM_QEMU || g->status == SIM_STOPPED)
		return 0;
	for (i = 0; cold[i]; i++)
		if (strcmp(k, cold[i]) == 0)
			return 1;
	return 0;
}

/* Apply a config change request to g; 0 or -1 with rs. */
static int
config_apply(struct sim *s, struct sim_guest *g, struct sim_req *rq,
    struct sim_resp *rs)
{
	const char *digest = sim_param(rq, "digest"), *del;
	char d[41];
	size_t i;
	static const char *meta[] = { "node", "vmid", "digest", "delete",
	    "revert", "skiplock", "force", "background_delay",
	    "import-working-storage", NULL };
	struct sim_kvlist imp = { 0 };

	sim_guest_digest(g, d);
	if (digest && strncmp(digest, d, strlen(digest)) != 0) {
		sim_error(rs, 500, "detected modified configuration - file "
		    "changed by other user? Try again.");
		return -1;
	}
	for (i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key;
		int j, ismeta = 0;

		for (j = 0; meta[j]; j++)
			ismeta |= strcmp(k, meta[j]) == 0;
		if (!ismeta && !key_allowed(k, g->type)) {
			sim_param_error(rs, k, "property is not defined in "
			    "schema and the schema does not allow additional "
			    "properties");
			return -1;
		}
		if (!ismeta && g->type == SIM_QEMU && g_ci_check(rs, k,
		    rq->params.v[i].val) != 0)
			return -1;
	}
	del = sim_param(rq, "delete");
	if (!(del && strstr(del, "lock") && sim_param_bool(rq, "skiplock", 0))
	    && g_check_lock(g, rq, rs) != 0)
		return -1;
	/* PVE 8: a disk imported from a volume is allocated first */
	for (i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key, *v = rq->params.v[i].val;
		char *nv;

		if (g->type != SIM_QEMU || !g_is_disk_key(k) ||
		    strstr(v, "import-from=") == NULL)
			continue;
		if ((nv = g_import_disk(s, g, k, v, sim_param(rq,
		    "import-working-storage"), rs)) == NULL) {
			sim_kv_free(&imp);
			return -1;
		}
		sim_kv_set(&imp, k, nv);
		free(nv);
	}
	for (i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key, *v = rq->params.v[i].val;
		int j, ismeta = 0;

		for (j = 0; meta[j]; j++)
			ismeta |= strcmp(k, meta[j]) == 0;
		if (ismeta)
			continue;
		if (sim_kv_get(&imp, k))
			v = sim_kv_get(&imp, k);
		if (strcmp(k, "memory") == 0 && atoll(v) < 16) {
			sim_param_errorf(rs, "memory", "value must have a "
			    "minimum value of 16");
			sim_kv_free(&imp);
			return -1;
		}
		if (needs_restart(g, k))
			sim_kv_set(&g->pending, k, v);
		else
			sim_kv_set(&g->config, k, v);
	}
	if (del != NULL) {
		char *copy = px_xstrdup(del), *p, *save = NULL;

		for (p = strtok_r(copy, ",; ", &save); p;
		    p = strtok_r(NULL, ",; ", &save)) {
			if (strcmp(p, "lock") == 0) {
				sim_str_set(&g->lock, NULL);
				continue;
			}
			if (needs_restart(g, p) || (g->status != SIM_STOPPED &&
			    g_is_disk_key(p) && g->type == SIM_QEMU &&
			    strncmp(p, "unused", 6) != 0)) {
				const char *cur = sim_kv_get(&g->pending,
				    "delete");
				char *nv = px_xasprintf("%s%s%s", cur ? cur : "",
				    cur ? "," : "", p);

				sim_kv_set(&g->pending, "delete", nv);
				free(nv);
			} else {
				sim_kv_del(&g->config, p);
				sim_kv_del(&g->pending, p);
			}
		}
		free(copy);
	}
	if (sim_param(rq, "revert")) {
		char *copy = px_xstrdup(sim_param(rq, "revert")), *p,
		    *save = NULL;

		for (p = strtok_r(copy, ",; ", &save); p;
		    p = strtok_r(NULL, ",; ", &save))
			sim_kv_del(&g->pending, p);
		free(copy);
	}
	sim_kv_free(&imp);
	g_sync_fields(g);
	sim_guest_save(s, g);
	return 0;
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_config_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);

	if (g == NULL || config_apply(s, g, rq, rs) != 0)
		return;
	sim_ok_null(rs);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_config_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_task *t;
	char id[16];

	if (g == NULL || config_apply(s, g, rq, rs) != 0)
		return;
	snprintf(id, sizeof(id), "%d", g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), "qmconfig", id, rq->authid,
	    0, NULL, NULL);
	t->vmid = g->vmid;
	sim_upid_response(rs, t->upid);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_pending(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *dels;
	struct jw w;
	size_t i;

	if (g == NULL)
		return;
	dels = sim_kv_get(&g->pending, "delete");
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < g->config.n; i++) {
		const char *k = g->config.v[i].key;
		const char *p = sim_kv_get(&g->pending, k);

		jw_obj(&w);
		jw_kstr(&w, "key", k);
		jw_kstr(&w, "value", g->config.v[i].val);
		if (p)
			jw_kstr(&w, "pending", p);
		if (dels && g_list_has(dels, k))
			jw_kint(&w, "delete", 1);
		jw_end(&w);
	}
	for (i = 0; i < g->pending.n; i++) {
		const char *k = g->pending.v[i].key;

		if (strcmp(k, "delete") == 0 || sim_kv_get(&g->config, k))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "key", k);
		jw_kstr(&w, "pending", g->pending.v[i].val);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}
