/*
 * guest_migrate.c -- guest operations that copy or move data: clone,
 * template, migrate (with its precondition check), disk resize, move
 * disk/volume; and /feature and /rrddata of a guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

#define GiB (1ULL << 30)

/* Log a progress line each time the task passes another 10 %. */
static int
progress_step(struct sim_task *t)
{
	int step = (int)(t->progress * 10);

	if (step <= t->tick_state)
		return -1;
	t->tick_state = step;
	return step;
}

/* ---- clone ---- */

struct clone_arg {
	int newid;
	char target[64];
	char name[128];
	char storage[64];
	char pool[64];
	int full;
	uint64_t size;
};

static void
clone_tick(struct sim *s, struct sim_task *t)
{
	struct clone_arg *a = t->arg;
	char done[32], all[32];
	int step = progress_step(t);

	(void)s;
	if (step < 0 || !a->full)
		return;
	g_size(a->size * (uint64_t)step / 10, done, sizeof(done));
	g_size(a->size, all, sizeof(all));
	sim_task_log(t, "transferred %s of %s (%d.00%%)", done, all,
	    step * 10);
}

static void
clone_done(struct sim *s, struct sim_task *t)
{
	struct clone_arg *a = t->arg;
	struct sim_guest *src = sim_guest_find(s, t->vmid), *g;
	struct sim_node *n = sim_node_find(s, a->target);
	size_t i;
	char mac[32], buf[512];
	uint64_t h;

	if (src == NULL || n == NULL || sim_guest_find(s, a->newid)) {
		sim_task_fail(t, "clone failed: source or target vanished");
		return;
	}
	g = px_xcalloc(1, sizeof(*g));
	g->vmid = a->newid;
	g->type = src->type;
	g->node = (int)(n - s->nodes);
	g->status = SIM_STOPPED;
	g->maxmem = src->maxmem;
	g->maxdisk = src->maxdisk;
	g->agent = src->agent;
	sim_kv_copy(&g->config, &src->config);
	sim_kv_del(&g->config, "template");
	sim_kv_del(&g->config, "parent");
	if (a->pool[0])
		g->pool = px_xstrdup(a->pool);
	for (i = 0; i < g->config.n; i++) {
		struct sim_kv *kv = &g->config.v[i];
		char volid[256], store[64], newvol[256];
		const char *colon;
		struct sim_storage *st;
		struct sim_volume *v;
		size_t vl;

		if (strncmp(kv->key, "net", 3) == 0) {
			char *eq = strchr(kv->val, '=');

			h = sim_hash(s, (uint64_t)a->newid, 100 + i);
			snprintf(mac, sizeof(mac), "BC:24:11:%02X:%02X:%02X",
			    (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
			    (unsigned)((h >> 16) & 0xff));
			if (g->type == SIM_QEMU && eq && strlen(eq + 1) >= 17) {
				memcpy(eq + 1, mac, 17);
			} else if (g->type == SIM_LXC) {
				char *hw = strstr(kv->val, "hwaddr=");

				if (hw && strlen(hw + 7) >= 17)
					memcpy(hw + 7, mac, 17);
			}
			continue;
		}
		if (!g_is_disk_key(kv->key))
			continue;
		g_disk_volid(kv->val, volid, sizeof(volid));
		if (volid[0] == '\0' || (colon = strchr(volid, ':')) == NULL)
			continue;
		snprintf(store, sizeof(store), "%s", a->storage[0] ? a->storage :
		    "");
		if (store[0] == '\0')
			snprintf(store, sizeof(store), "%.*s",
			    (int)(colon - volid), volid);
		snprintf(newvol, sizeof(newvol), "%s:vm-%d-disk-%zu", store,
		    a->newid, i);
		vl = strcspn(kv->val, ",");
		snprintf(buf, sizeof(buf), "%s%s", newvol, kv->val + vl);
		sim_str_set(&kv->val, buf);
		st = sim_storage_find(s, store);
		v = px_xcalloc(1, sizeof(*v));
		v->storage = px_xstrdup(store);
		v->node = st && !st->shared ? px_xstrdup(n->name) : NULL;
		v->volid = px_xstrdup(newvol);
		v->content = px_xstrdup(g->type == SIM_LXC ? "rootdir" :
		    "images");
		v->format = px_xstrdup("raw");
		v->size = g->maxdisk;
		v->vmid = a->newid;
		v->ctime = sim_now(s);
		sim_volume_add(s, v);
	}
	if (a->name[0])
		sim_kv_set(&g->config, g->type == SIM_LXC ? "hostname" : "name",
		    a->name);
	g_sync_fields(g);
	sim_guest_add(s, g);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_clone(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m), *other;
	long long newid = sim_param_int(rq, "newid", -1);
	const char *target = sim_param(rq, "target");
	const char *name = sim_param(rq, g_type(rq) == SIM_LXC ? "hostname" :
	    "name");
	struct clone_arg *a;
	struct sim_task *t;
	char id[16], path[64], sz[32];
	size_t i;

	if (g == NULL || sim_param_require(rq, rs, "newid", NULL) != 0)
		return;
	if (newid < 100 || newid > 999999999) {
		sim_param_error(rs, "newid", "invalid format - value does not "
		    "look like a valid VM ID\n");
		return;
	}
	snprintf(path, sizeof(path), "/vms/%lld", newid);
	if (sim_check_perm(s, rq, path, "VM.Allocate", rs) != 0)
		return;
	if ((other = sim_guest_find(s, (int)newid)) != NULL) {
		sim_error(rs, 500, "unable to create %s %lld: config file "
		    "already exists", g_word(g), newid);
		return;
	}
	if (target && sim_node_find(s, target) == NULL) {
		sim_param_errorf(rs, "target", "no such cluster node '%s'",
		    target);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (g->type == SIM_LXC && g->status != SIM_STOPPED &&
	    !g->template_) {
		sim_error(rs, 500, "cannot clone a running container");
		return;
	}
	a = px_xcalloc(1, sizeof(*a));
	a->newid = (int)newid;
	snprintf(a->target, sizeof(a->target), "%s", target ? target :
	    sim_guest_node(s, g));
	if (name)
		snprintf(a->name, sizeof(a->name), "%s", name);
	else
		snprintf(a->name, sizeof(a->name), "Copy-of-%s", g->name);
	if (sim_param(rq, "storage"))
		snprintf(a->storage, sizeof(a->storage), "%s",
		    sim_param(rq, "storage"));
	if (sim_param(rq, "pool"))
		snprintf(a->pool, sizeof(a->pool), "%s", sim_param(rq, "pool"));
	a->full = sim_param_bool(rq, "full", !g->template_);
	a->size = g->maxdisk;
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzclone" : "qmclone", id, rq->authid, -1, clone_done, NULL);
	t->arg = a;
	t->on_tick = clone_tick;
	t->vmid = g->vmid;
	if (!g->template_)
		sim_task_lock(s, t, g->vmid, "clone");
	for (i = 0; i < g->config.n; i++) {
		char volid[256];

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0])
			sim_task_log(t, "create %s clone of drive %s (%s)",
			    a->full ? "full" : "linked", g->config.v[i].key,
			    volid);
	}
	g_size(a->size, sz, sizeof(sz));
	if (a->full)
		sim_task_log(t, "drive mirror is starting for drive-%s",
		    g->type == SIM_LXC ? "rootfs" : "scsi0");
	sim_upid_response(rs, t->upid);
}

/* ---- template ---- */

static void
template_done(struct sim *s, struct sim_task *t)
{
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->config.n; i++) {
		char *p;

		if (g_is_disk_key(g->config.v[i].key) &&
		    (p = strstr(g->config.v[i].val, ":vm-")) != NULL)
			memcpy(p + 1, "base", 4);
	}
	for (i = 0; i < s->nvolumes; i++) {
		char *p;

		if (s->volumes[i]->vmid == g->vmid &&
		    (p = strstr(s->volumes[i]->volid, ":vm-")) != NULL) {
			memcpy(p + 1, "base", 4);
			sim_volume_save(s, s->volumes[i]);
		}
	}
	sim_kv_set(&g->config, "template", "1");
	g_sync_fields(g);
	sim_guest_save(s, g);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_template(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_task *t;
	char id[16];

	if (g == NULL || g_check_lock(g, rq, rs) != 0)
		return;
	if (g->template_) {
		sim_error(rs, 500, "%s %d is already a template", g_word(g),
		    g->vmid);
		return;
	}
	if (g->status != SIM_STOPPED) {
		sim_error(rs, 500, "you can't convert a %s to template if %s "
		    "is running", g->type == SIM_LXC ? "CT" : "VM",
		    g->type == SIM_LXC ? "CT" : "VM");
		return;
	}
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vztemplate" : "qmtemplate", id, rq->authid, -1, template_done,
	    NULL);
	sim_task_lock(s, t, g->vmid, "template");
	if (g->type == SIM_LXC) {
		/* PVE answers null for containers and converts at once */
		sim_tasks_advance(s);
		sim_ok_null(rs);
		return;
	}
	sim_task_log(t, "  Renamed \"vm-%d-disk-0\" to \"base-%d-disk-0\" in "
	    "volume group \"pve\"", g->vmid, g->vmid);
	sim_upid_response(rs, t->upid);
}

/* ---- migrate ---- */

static int
has_local_disks(struct sim *s, const struct sim_guest *g)
{
	size_t i;

	for (i = 0; i < s->nvolumes; i++)
		if (s->volumes[i]->vmid == g->vmid && s->volumes[i]->node &&
		    strcmp(s->volumes[i]->content, "backup") != 0)
			return 1;
	return 0;
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_migrate_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *node;
	struct jw w;
	size_t i;
	int qemu;

	if (g == NULL)
		return;
	qemu = g->type == SIM_QEMU;
	node = sim_guest_node(s, g);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "running", g->status != SIM_STOPPED);
	/* qemu-server before 8.3.9 lists allowed nodes only for a VM that
	 * is not running (--legacy-migrate) */
	if (!(s->opt.legacy_migrate && qemu && g->status != SIM_STOPPED)) {
		jw_key(&w, qemu ? "allowed_nodes" : "allowed-nodes");
		jw_arr(&w);
		for (i = 0; i < s->nnodes; i++)
			if (strcmp(s->nodes[i].name, node) != 0 &&
			    !s->nodes[i].offline)
				jw_str(&w, s->nodes[i].name);
		jw_end(&w);
	}
	jw_key(&w, qemu ? "not_allowed_nodes" : "not-allowed-nodes");
	jw_obj(&w);
	for (i = 0; i < s->nnodes; i++) {
		if (!s->nodes[i].offline)
			continue;
		jw_key(&w, s->nodes[i].name);
		jw_obj(&w);
		jw_key(&w, "unavailable_storages");
		jw_arr(&w);
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	if (qemu) {
		jw_key(&w, "local_disks");
		jw_arr(&w);
		for (i = 0; i < g->config.n; i++) {
			char volid[256];
			struct sim_volume *v;

			if (!g_is_disk_key(g->config.v[i].key))
				continue;
			g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
			if (volid[0] == '\0' || (v = sim_volume_find(s, volid,
			    node)) == NULL || v->node == NULL)
				continue;
			jw_obj(&w);
			jw_kstr(&w, "volid", volid);
			jw_kuint(&w, "size", v->size);
			jw_kint(&w, "is_unused", strncmp(g->config.v[i].key,
			    "unused", 6) == 0);
			jw_kint(&w, "cdrom", strstr(g->config.v[i].val,
			    "media=cdrom") != NULL);
			jw_end(&w);
		}
		jw_end(&w);
		jw_key(&w, "local_resources");
		jw_arr(&w);
		jw_end(&w);
		jw_key(&w, "mapped-resources");
		jw_arr(&w);
		jw_end(&w);
		jw_key(&w, "mapped-resource-info");
		jw_obj(&w);
		jw_end(&w);
		jw_kint(&w, "has-dbus-vmstate", 0);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

struct migrate_arg {
	char target[64];
	int online;
	uint64_t mem, disk;
	int local;
};

static void
stamp(char *out, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
migrate_tick(struct sim *s, struct sim_task *t)
{
	struct migrate_arg *a = t->arg;
	int step = progress_step(t);
	char ts[32], done[32], all[32];

	(void)s;
	if (step < 0)
		return;
	stamp(ts, sizeof(ts));
	if (a->local && !a->online) {
		g_size(a->disk * (uint64_t)step / 10, done, sizeof(done));
		g_size(a->disk, all, sizeof(all));
		sim_task_log(t, "%s transferred %s of %s (%d.00%%)", ts, done,
		    all, step * 10);
	} else if (a->online) {
		g_size(a->mem * (uint64_t)step / 10, done, sizeof(done));
		g_size(a->mem, all, sizeof(all));
		if (step < 10)
			sim_task_log(t, "%s migration active, transferred %s of "
			    "%s VM-state, 215.9 MiB/s", ts, done, all);
		else
			sim_task_log(t, "%s migration status: completed", ts);
	} else if (step == 10) {
		sim_task_log(t, "%s migration progress: 100%%", ts);
	}
}

static void
migrate_done(struct sim *s, struct sim_task *t)
{
	struct migrate_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_node *n = sim_node_find(s, a->target);
	const char *from;
	char ts[32];
	size_t i;

	if (g == NULL || n == NULL) {
		sim_task_fail(t, "migration aborted");
		return;
	}
	if (n->offline) {
		sim_task_fail(t, "migration aborted (duration 00:00:%02d): "
		    "target node is offline", (int)t->duration % 60);
		return;
	}
	from = sim_guest_node(s, g);
	for (i = 0; i < s->nvolumes; i++) {
		struct sim_volume *v = s->volumes[i];

		if (v->vmid == g->vmid && v->node && strcmp(v->node, from) ==
		    0 && strcmp(v->content, "backup") != 0) {
			sim_str_set(&v->node, n->name);
			sim_volume_save(s, v);
		}
	}
	g->node = (int)(n - s->nodes);
	sim_guest_save(s, g);
	stamp(ts, sizeof(ts));
	sim_task_log(t, "%s migration finished successfully (duration "
	    "00:00:%02d)", ts, (int)t->duration % 60);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_migrate_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *target = sim_param(rq, "target");
	struct sim_node *tn;
	struct migrate_arg *a;
	struct sim_task *t;
	char id[16], ts[32], volid[256];
	size_t i;
	int online;

	if (g == NULL || sim_param_require(rq, rs, "target", NULL) != 0)
		return;
	if (!sim_node_name_ok(target)) {
		sim_param_error(rs, "target", "invalid format - value does not "
		    "look like a valid node name\n");
		return;
	}
	if (strcmp(target, sim_guest_node(s, g)) == 0) {
		sim_param_error(rs, "target", "target is local node.");
		return;
	}
	if ((tn = sim_node_find(s, target)) == NULL) {
		sim_error(rs, 500, "no such cluster node '%s'", target);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	online = sim_param_bool(rq, "online", 0) || sim_param_bool(rq,
	    "restart", 0);
	if (g->status != SIM_STOPPED && !online && !g->ha) {
		if (g->type == SIM_LXC)
			sim_error(rs, 500, "CT is running - use online "
			    "migration");
		else
			sim_error(rs, 500, "can't migrate running VM without "
			    "--online");
		return;
	}
	if (g->status != SIM_STOPPED && g->type == SIM_QEMU &&
	    has_local_disks(s, g) && !sim_param_bool(rq, "with-local-disks", 0)
	    && !g->ha) {
		sim_error(rs, 500, "can't live migrate attached local disks "
		    "without with-local-disks option");
		return;
	}
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->target, sizeof(a->target), "%s", target);
	a->online = g->status != SIM_STOPPED;
	a->mem = g->maxmem;
	a->disk = g->maxdisk;
	a->local = has_local_disks(s, g);
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->ha ? (g->type == SIM_LXC
	    ? "harelocate" : "hamigrate") : g->type == SIM_LXC ? "vzmigrate" :
	    "qmigrate", id, rq->authid, -1, migrate_done, NULL);
	t->arg = a;
	t->on_tick = migrate_tick;
	sim_task_lock(s, t, g->vmid, "migrate");
	stamp(ts, sizeof(ts));
	if (g->ha) {
		sim_task_log(t, "Requesting HA migration for %s %d to node %s",
		    g_word(g), g->vmid, target);
	}
	sim_task_log(t, "%s %s migration of %s %d to node '%s' (%s)", ts,
	    a->online ? "starting" : "starting", g_word(g), g->vmid, target,
	    tn->ip);
	for (i = 0; i < g->config.n; i++) {
		struct sim_volume *v;

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0] && (v = sim_volume_find(s, volid,
		    sim_guest_node(s, g))) != NULL && v->node)
			sim_task_log(t, "%s found local disk '%s' (attached)", ts,
			    volid);
	}
	if (a->online && g->type == SIM_QEMU) {
		sim_task_log(t, "%s starting VM %d on remote node '%s'", ts,
		    g->vmid, target);
		sim_task_log(t, "%s start remote tunnel", ts);
		sim_task_log(t, "%s ssh tunnel ver 1", ts);
		sim_task_log(t, "%s starting online/live migration on "
		    "unix:/run/qemu-server/%d.migrate", ts, g->vmid);
		sim_task_log(t, "%s set migration capabilities", ts);
		sim_task_log(t, "%s migration downtime limit: 100 ms", ts);
		sim_task_log(t, "%s migration cachesize: 256.0 MiB", ts);
		sim_task_log(t, "%s set migration parameters", ts);
		sim_task_log(t, "%s start migrate command to "
		    "unix:/run/qemu-server/%d.migrate", ts, g->vmid);
	} else if (a->local) {
		sim_task_log(t, "%s copying local disk images", ts);
	}
	sim_upid_response(rs, t->upid);
}

/* ---- resize, move ---- */

/* Endpoint handler (routes in guest_routes.c). */
void
h_resize(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *disk = sim_param(rq, "disk"), *size = sim_param(rq, "size");
	const char *val;
	char cur[32], volid[256], buf[512], newsz[32];
	long long have, want;
	struct sim_task *t;
	struct sim_volume *v;
	char id[16];

	if (g == NULL || sim_param_require(rq, rs, "disk", "size", NULL) != 0)
		return;
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (!g_is_disk_key(disk) || (val = sim_guest_cfg(g, disk)) == NULL) {
		sim_param_errorf(rs, "disk", "no such disk '%s'", disk);
		return;
	}
	if (g_prop(val, "size", cur, sizeof(cur)) != 0 ||
	    (have = g_parse_size(cur)) < 0)
		have = (long long)g->maxdisk;
	want = g_parse_size(size[0] == '+' ? size + 1 : size);
	if (want < 0) {
		sim_param_errorf(rs, "size", "value '%s' does not match the "
		    "regex pattern", size);
		return;
	}
	if (size[0] == '+')
		want += have;
	if (want < have) {
		sim_error(rs, 500, "shrinking disks is not supported");
		return;
	}
	g_disk_volid(val, volid, sizeof(volid));
	snprintf(newsz, sizeof(newsz), "%lldG", (want + (1 << 30) - 1) >> 30);
	if (want % (1LL << 30) != 0)
		snprintf(newsz, sizeof(newsz), "%lldM", want >> 20);
	{
		/* rewrite size= in the property string */
		const char *p = strstr(val, "size=");
		size_t pre = p ? (size_t)(p - val) : strlen(val);
		const char *post = p ? strchr(p, ',') : NULL;

		snprintf(buf, sizeof(buf), "%.*s%ssize=%s%s", (int)pre, val,
		    p ? "" : ",", newsz, post ? post : "");
	}
	/* val points into the config entry that sim_kv_set replaces:
	 * decide before the set. */
	if (strcmp(disk, "rootfs") == 0 || strstr(val, "disk-0"))
		g->maxdisk = (uint64_t)want;
	sim_kv_set(&g->config, disk, buf);
	if ((v = sim_volume_find(s, volid, sim_guest_node(s, g))) != NULL) {
		v->size = (uint64_t)want;
		sim_volume_save(s, v);
	}
	sim_guest_save(s, g);
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "resize" : "resize", id, rq->authid, 0, NULL, NULL);
	sim_task_log(t, "  Size of logical volume pve/%s changed from %s to "
	    "%s.", strchr(volid, ':') ? strchr(volid, ':') + 1 : volid, cur,
	    newsz);
	sim_upid_response(rs, t->upid);
}

struct move_arg {
	char key[32];
	char storage[64];
	int del;
	uint64_t size;
};

static void
move_tick(struct sim *s, struct sim_task *t)
{
	struct move_arg *a = t->arg;
	char done[32], all[32];
	int step = progress_step(t);

	(void)s;
	if (step < 0)
		return;
	g_size(a->size * (uint64_t)step / 10, done, sizeof(done));
	g_size(a->size, all, sizeof(all));
	sim_task_log(t, "%s: transferred %s of %s (%d.00%%) in %ds",
	    a->key[0] == 'r' ? "rootfs" : "drive-mirror", done, all, step * 10,
	    step);
}

static void
move_done(struct sim *s, struct sim_task *t)
{
	struct move_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_storage *st = sim_storage_find(s, a->storage);
	const char *val;
	char volid[256], newvol[256], buf[512];
	struct sim_volume *v;
	int k;

	if (g == NULL || st == NULL || (val = sim_guest_cfg(g, a->key)) ==
	    NULL)
		return;
	g_disk_volid(val, volid, sizeof(volid));
	for (k = 0; k < 100; k++) {
		snprintf(newvol, sizeof(newvol), "%s:vm-%d-disk-%d", st->id,
		    g->vmid, k);
		if (sim_volume_find(s, newvol, NULL) == NULL)
			break;
	}
	snprintf(buf, sizeof(buf), "%s%s", newvol, val + strcspn(val, ","));
	if (!a->del) {
		char key[32];

		for (k = 0; k < 100; k++) {
			snprintf(key, sizeof(key), "unused%d", k);
			if (sim_guest_cfg(g, key) == NULL)
				break;
		}
		sim_kv_set(&g->config, key, volid);
	} else if ((v = sim_volume_find(s, volid, sim_guest_node(s, g))) !=
	    NULL) {
		sim_volume_remove(s, v->volid, v->node);
	}
	sim_kv_set(&g->config, a->key, buf);
	v = px_xcalloc(1, sizeof(*v));
	v->storage = px_xstrdup(st->id);
	v->node = st->shared ? NULL : px_xstrdup(sim_guest_node(s, g));
	v->volid = px_xstrdup(newvol);
	v->content = px_xstrdup(g->type == SIM_LXC ? "rootdir" : "images");
	v->format = px_xstrdup("raw");
	v->size = a->size;
	v->vmid = g->vmid;
	v->ctime = sim_now(s);
	sim_volume_add(s, v);
	sim_guest_save(s, g);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_move(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *key = sim_param(rq, g_type(rq) == SIM_LXC ? "volume" :
	    "disk"), *storage = sim_param(rq, "storage"), *val;
	struct sim_storage *st;
	struct move_arg *a;
	struct sim_task *t;
	char id[16], cur[32];

	if (g == NULL || sim_param_require(rq, rs, g->type == SIM_LXC ?
	    "volume" : "disk", "storage", NULL) != 0)
		return;
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if ((val = sim_guest_cfg(g, key)) == NULL || !g_is_disk_key(key)) {
		sim_error(rs, 500, "disk '%s' does not exist", key);
		return;
	}
	if ((st = sim_storage_find(s, storage)) == NULL ||
	    !sim_storage_on_node(st, sim_guest_node(s, g))) {
		sim_error(rs, 500, "storage '%s' does not exist", storage);
		return;
	}
	if (strstr(val, storage) == val && val[strlen(storage)] == ':') {
		sim_error(rs, 500, "you can't move to the same storage with "
		    "same format");
		return;
	}
	if (g->type == SIM_LXC && g->status != SIM_STOPPED) {
		sim_error(rs, 500, "cannot move volumes of a running "
		    "container");
		return;
	}
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	snprintf(a->storage, sizeof(a->storage), "%s", storage);
	a->del = sim_param_bool(rq, "delete", 0);
	a->size = g_prop(val, "size", cur, sizeof(cur)) == 0 &&
	    g_parse_size(cur) > 0 ? (uint64_t)g_parse_size(cur) : g->maxdisk;
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "move_volume" : "qmmove", id, rq->authid, -1, move_done, NULL);
	t->arg = a;
	t->on_tick = move_tick;
	sim_task_lock(s, t, g->vmid, g->type == SIM_LXC ? "disk" : "move");
	sim_task_log(t, "create full clone of drive %s (%.*s)", key,
	    (int)strcspn(val, ","), val);
	sim_upid_response(rs, t->upid);
}

/* ---- feature, rrddata ---- */

/* Endpoint handler (routes in guest_routes.c). */
void
h_feature(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *f = sim_param(rq, "feature");
	struct jw w;
	size_t i;
	int has = 1;

	if (g == NULL || sim_param_require(rq, rs, "feature", NULL) != 0)
		return;
	if (strcmp(f, "snapshot") && strcmp(f, "clone") && strcmp(f, "copy")) {
		sim_param_errorf(rs, "feature", "value '%s' does not have a "
		    "value in the enumeration 'snapshot, clone, copy'", f);
		return;
	}
	if (sim_param(rq, "snapname")) {
		const char *sn = sim_param(rq, "snapname");
		size_t k;

		for (k = 0; k < g->nsnaps && strcmp(g->snaps[k].name, sn);
		    k++)
			;
		if (k == g->nsnaps) {
			sim_error(rs, 500, "snapshot '%s' does not exist", sn);
			return;
		}
	}
	/* As PVE's storage plugins: a snapshot needs every disk on storage
	 * that snapshots (lvmthin, zfs, rbd, or a qcow2 file); a linked
	 * clone a template on such storage; a full copy any disk. */
	for (i = 0; i < g->config.n && has; i++) {
		const char *k = g->config.v[i].key, *val = g->config.v[i].val;
		char volid[256], sid[64];
		struct sim_storage *st;
		const char *colon;

		if (!g_is_disk_key(k) || strncmp(k, "unused", 6) == 0 ||
		    strstr(val, "media=cdrom") || strstr(val, "cloudinit"))
			continue;
		g_disk_volid(val, volid, sizeof(volid));
		if ((colon = strchr(volid, ':')) == NULL)
			continue;
		snprintf(sid, sizeof(sid), "%.*s", (int)(colon - volid), volid);
		if ((st = sim_storage_find(s, sid)) == NULL)
			continue;
		if (strcmp(f, "copy") == 0)
			continue;
		if (strcmp(st->type, "lvmthin") && strcmp(st->type, "zfspool")
		    && strcmp(st->type, "rbd") && !strstr(volid, ".qcow2"))
			has = 0;
	}
	if (strcmp(f, "clone") == 0 && !g->template_)
		has = 0;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "hasFeature", has);
	if (g->type == SIM_QEMU) {
		jw_key(&w, "nodes");
		jw_arr(&w);
		for (i = 0; i < s->nnodes; i++)
			jw_str(&w, s->nodes[i].name);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_rrddata(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	long long now = (long long)sim_now(s), t0;
	int step, max, i;
	struct jw w;

	if (g == NULL || sim_rrd_params(rq, rs, &step, &max) != 0)
		return;
	t0 = now - now % step - 69LL * step;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < 70; i++) {
		long long t = t0 + (long long)i * step;
		double l = sim_rrd_level(s, (uint64_t)g->vmid, t, max);
		int up = g->status != SIM_STOPPED || i < 60;

		jw_obj(&w);
		jw_kint(&w, "time", t);
		jw_kint(&w, "maxcpu", g->cpus);
		jw_kuint(&w, "maxmem", g->maxmem);
		jw_kuint(&w, "maxdisk", g->maxdisk);
		if (up && !g->template_) {
			jw_knum(&w, "cpu", 0.3 * l * l);
			jw_knum(&w, "mem", (double)g->maxmem * (0.2 + 0.5 * l));
			jw_knum(&w, "disk", g->type == SIM_LXC ?
			    (double)g->maxdisk * 0.4 : 0);
			jw_knum(&w, "netin", 40000 * l);
			jw_knum(&w, "netout", 25000 * l);
			jw_knum(&w, "diskread", 90000 * l);
			jw_knum(&w, "diskwrite", 60000 * l);
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ---- the HA manager's migrations ---- */

int
g_ha_move(struct sim *s, struct sim_resp *rs, int vmid, const char *node)
{
	struct sim_guest *g = sim_guest_find(s, vmid);
	struct sim_node *tn = sim_node_find(s, node);
	struct migrate_arg *a;
	struct sim_task *t;
	char id[16], ts[32];

	if (g == NULL)
		return 0;	/* PVE's CRM drops it; nothing to move */
	if (tn == NULL) {
		sim_error(rs, 500, "service '%s:%d' - no such cluster node "
		    "'%s'", g->type == SIM_LXC ? "ct" : "vm", vmid, node);
		return -1;
	}
	if (strcmp(node, sim_guest_node(s, g)) == 0 ||
	    sim_task_for_vmid(s, vmid) != NULL)
		return 0;	/* there already, or moving */
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->target, sizeof(a->target), "%s", node);
	a->online = g->status != SIM_STOPPED;
	a->mem = g->maxmem;
	a->disk = g->maxdisk;
	a->local = has_local_disks(s, g);
	g_idstr(id, sizeof(id), g->vmid);
	/* what the source node's LRM runs for the CRM */
	t = sim_task_start(s, sim_guest_node(s, g), g->type == SIM_LXC ?
	    "vzmigrate" : "qmigrate", id, "root@pam", -1, migrate_done, NULL);
	t->arg = a;
	t->on_tick = migrate_tick;
	sim_task_lock(s, t, g->vmid, "migrate");
	stamp(ts, sizeof(ts));
	sim_task_log(t, "%s use dedicated network address for sending "
	    "migration traffic (%s)", ts, tn->ip);
	sim_task_log(t, "%s starting migration of %s %d to node '%s' (%s)",
	    ts, g_word(g), g->vmid, node, tn->ip);
	return 0;
}
