/*
 * guest_lifecycle.c -- the guest lists (/nodes/{node}/qemu, .../lxc), a
 * guest's index and status, the power actions (start, stop, shutdown,
 * reboot, suspend, resume), create and destroy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core.h"
#include "guest.h"
#include "ova.h"

/* ---- lists ---- */

static void
write_list_row(struct sim *s, struct jw *w, const struct sim_guest *g)
{
	struct sim_stats st;

	sim_guest_stats(s, g, &st);
	jw_obj(w);
	jw_kint(w, "vmid", g->vmid);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "status", g->status == SIM_PAUSED ? "running" :
	    sim_gstatus_name(g->status));
	if (g->type == SIM_LXC)
		jw_kstr(w, "type", "lxc");
	jw_knum(w, "cpus", g->cpus);
	jw_knum(w, "cpu", st.cpu);
	jw_kuint(w, "maxmem", g->maxmem);
	jw_kuint(w, "mem", st.mem);
	jw_kuint(w, "maxdisk", g->maxdisk);
	jw_kuint(w, "disk", st.disk);
	if (g->type == SIM_LXC)
		jw_kuint(w, "maxswap", 512ULL << 20);
	jw_kuint(w, "netin", st.netin);
	jw_kuint(w, "netout", st.netout);
	jw_kuint(w, "diskread", st.diskread);
	jw_kuint(w, "diskwrite", st.diskwrite);
	jw_kuint(w, "uptime", st.uptime);
	if (g->template_)
		jw_kint(w, "template", 1);
	if (g->tags)
		jw_kstr(w, "tags", g->tags);
	if (g->lock)
		jw_kstr(w, "lock", g->lock);
	if (g->type == SIM_QEMU && g->status != SIM_STOPPED) {
		jw_kint(w, "pid", 10000 + g->vmid);
		jw_kstr(w, "qmpstatus", sim_gstatus_name(g->status));
	}
	jw_end(w);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	enum sim_gtype type = g_type(rq);
	struct jw w;
	size_t i;
	char path[32];

	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];

		if (g->type != type || strcmp(sim_guest_node(s, g), node) != 0)
			continue;
		snprintf(path, sizeof(path), "/vms/%d", g->vmid);
		if (sim_check_perm(s, rq, path, "VM.Audit", NULL) != 0)
			continue;
		write_list_row(s, &w, g);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);

	if (g == NULL)
		return;
	if (g->type == SIM_QEMU)
		sim_ok_json(rs, "[{\"subdir\":\"config\"},{\"subdir\":"
		    "\"pending\"},{\"subdir\":\"status\"},{\"subdir\":"
		    "\"unlink\"},{\"subdir\":\"vncproxy\"},{\"subdir\":"
		    "\"termproxy\"},{\"subdir\":\"migrate\"},{\"subdir\":"
		    "\"resize\"},{\"subdir\":\"move\"},{\"subdir\":\"rrd\"},"
		    "{\"subdir\":\"rrddata\"},{\"subdir\":\"monitor\"},"
		    "{\"subdir\":\"agent\"},{\"subdir\":\"snapshot\"},"
		    "{\"subdir\":\"spiceproxy\"},{\"subdir\":\"sendkey\"},"
		    "{\"subdir\":\"firewall\"},{\"subdir\":\"mtunnel\"},"
		    "{\"subdir\":\"remote_migrate\"}]");
	else
		sim_ok_json(rs, "[{\"subdir\":\"config\"},{\"subdir\":"
		    "\"pending\"},{\"subdir\":\"status\"},{\"subdir\":"
		    "\"vncproxy\"},{\"subdir\":\"termproxy\"},{\"subdir\":"
		    "\"migrate\"},{\"subdir\":\"resize\"},{\"subdir\":"
		    "\"move_volume\"},{\"subdir\":\"rrd\"},{\"subdir\":"
		    "\"rrddata\"},{\"subdir\":\"snapshot\"},{\"subdir\":"
		    "\"spiceproxy\"},{\"subdir\":\"firewall\"},{\"subdir\":"
		    "\"interfaces\"},{\"subdir\":\"mtunnel\"}]");
}

/* ---- status ---- */

/* Endpoint handler (routes in guest_routes.c). */
void
h_status_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (g_lookup(s, rq, rs, m) == NULL)
		return;
	sim_ok_json(rs, g_type(rq) == SIM_QEMU ? "[{\"subdir\":\"current\"},"
	    "{\"subdir\":\"start\"},{\"subdir\":\"stop\"},{\"subdir\":"
	    "\"reset\"},{\"subdir\":\"shutdown\"},{\"subdir\":\"suspend\"},"
	    "{\"subdir\":\"reboot\"},{\"subdir\":\"resume\"}]" :
	    "[{\"subdir\":\"current\"},{\"subdir\":\"start\"},{\"subdir\":"
	    "\"stop\"},{\"subdir\":\"shutdown\"},{\"subdir\":\"suspend\"},"
	    "{\"subdir\":\"reboot\"},{\"subdir\":\"resume\"}]");
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_status_current(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_stats st;
	struct jw w;

	if (g == NULL)
		return;
	sim_guest_stats(s, g, &st);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "vmid", g->vmid);
	jw_kstr(&w, "name", g->name);
	jw_kstr(&w, "status", g->status == SIM_PAUSED ? "running" :
	    sim_gstatus_name(g->status));
	jw_knum(&w, "cpus", g->cpus);
	jw_knum(&w, "cpu", st.cpu);
	jw_kuint(&w, "maxmem", g->maxmem);
	jw_kuint(&w, "mem", st.mem);
	jw_kuint(&w, "maxdisk", g->maxdisk);
	jw_kuint(&w, "disk", st.disk);
	jw_kuint(&w, "netin", st.netin);
	jw_kuint(&w, "netout", st.netout);
	jw_kuint(&w, "diskread", st.diskread);
	jw_kuint(&w, "diskwrite", st.diskwrite);
	jw_kuint(&w, "uptime", st.uptime);
	if (g->tags)
		jw_kstr(&w, "tags", g->tags);
	if (g->lock)
		jw_kstr(&w, "lock", g->lock);
	if (g->template_)
		jw_kint(&w, "template", 1);
	jw_key(&w, "ha");
	jw_obj(&w);
	jw_kint(&w, "managed", g->ha);
	if (g->ha) {
		char sid[32];

		snprintf(sid, sizeof(sid), "vm:%d", g->vmid);
		jw_kstr(&w, "state", g->status == SIM_STOPPED ? "stopped" :
		    "started");
		jw_kstr(&w, "group", "");
	}
	jw_end(&w);
	if (g->type == SIM_QEMU) {
		jw_kint(&w, "agent", g->agent);
		jw_kstr(&w, "qmpstatus", sim_gstatus_name(g->status));
		if (g->status != SIM_STOPPED) {
			jw_kint(&w, "pid", 10000 + g->vmid);
			jw_kstr(&w, "running-machine", "pc-i440fx-9.2+pve1");
			jw_kstr(&w, "running-qemu", "9.2.0");
		}
		jw_kstr(&w, "clipboard", "");
	} else {
		jw_kstr(&w, "type", "lxc");
		jw_kuint(&w, "maxswap", 512ULL << 20);
		jw_kuint(&w, "swap", 0);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
power_done(struct sim *s, struct sim_task *t)
{
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	const char *ty = t->type;

	if (g == NULL)
		return;
	if (strstr(ty, "start") || strstr(ty, "resume") || strstr(ty, "reboot")) {
		if (g->status != SIM_RUNNING || strstr(ty, "reboot"))
			g->started = sim_now(s);
		g->status = SIM_RUNNING;
		/* pending changes take effect on a fresh start */
		if (g->pending.n && !strstr(ty, "resume")) {
			size_t i;

			for (i = 0; i < g->pending.n; i++) {
				if (strcmp(g->pending.v[i].key, "delete") == 0)
					continue;
				sim_kv_set(&g->config, g->pending.v[i].key,
				    g->pending.v[i].val);
			}
			sim_kv_free(&g->pending);
			g_sync_fields(g);
		}
	} else if (strstr(ty, "suspend")) {
		g->status = SIM_PAUSED;
	} else {
		g->status = SIM_STOPPED;
	}
	sim_guest_save(s, g);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_power(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *action = strrchr(rq->path, '/') + 1;
	char type[32], id[16], err[128];
	const char *error = NULL;
	struct sim_task *t;
	int qemu;

	if (g == NULL)
		return;
	qemu = g->type == SIM_QEMU;
	if (g->template_ && strcmp(action, "start") == 0) {
		sim_error(rs, 500, "you can't start a vm if it's a template");
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (strcmp(action, "start") == 0 && g->status == SIM_RUNNING)
		snprintf(err, sizeof(err), "%s %d already running", g_word(g),
		    g->vmid), error = err;
	else if ((strcmp(action, "stop") == 0 || strcmp(action, "shutdown") ==
	    0 || strcmp(action, "reboot") == 0 || strcmp(action, "suspend") ==
	    0) && g->status == SIM_STOPPED)
		snprintf(err, sizeof(err), "%s %d not running", g_word(g),
		    g->vmid), error = err;
	else if (strcmp(action, "resume") == 0 && g->status != SIM_PAUSED &&
	    qemu)
		snprintf(err, sizeof(err), "VM %d not running", g->vmid),
		    error = g->status == SIM_STOPPED ? err : NULL;
	if (g->ha && (strcmp(action, "start") == 0 || strcmp(action, "stop") ==
	    0 || strcmp(action, "shutdown") == 0))
		snprintf(type, sizeof(type), "ha%s", action);
	else if (strcmp(action, "start") == 0 && g->status == SIM_PAUSED &&
	    qemu)
		snprintf(type, sizeof(type), "qmresume");
	else
		snprintf(type, sizeof(type), "%s%s", qemu ? "qm" : "vz", action);
	snprintf(id, sizeof(id), "%d", g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), type, id, rq->authid, -1,
	    power_done, error);
	t->vmid = g->vmid;
	if (strncmp(type, "ha", 2) == 0)
		sim_task_log(t, "Requesting HA %s for VM %d", action, g->vmid);
	else if (strcmp(action, "shutdown") == 0 && error == NULL)
		sim_task_log(t, "shutting down %s %d", g_word(g), g->vmid);
	sim_upid_response(rs, t->upid);
}

/* ---- create / destroy ---- */

static void
create_done(struct sim *s, struct sim_task *t)
{
	struct sim_guest *g = sim_guest_find(s, t->vmid);

	if (g && t->tick_state == 1) {
		g->status = SIM_RUNNING;
		g->started = sim_now(s);
		sim_guest_save(s, g);
	}
}

/* "STORE:cloudinit": the guest's cloud-init drive, vm-VMID-cloudinit. */
static int
cloudinit_drive(struct sim *s, struct sim_guest *g, size_t i,
    const char *store, const char *node, struct sim_resp *rs)
{
	struct sim_storage *st = sim_storage_find(s, store);
	struct sim_volume *vv;
	char vol[160], val[256];
	const char *rest = strchr(g->config.v[i].val, ',');

	if (st == NULL || !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", store);
		return -1;
	}
	snprintf(vol, sizeof(vol), "%s:vm-%d-cloudinit", store, g->vmid);
	snprintf(val, sizeof(val), "%s%s%s", vol, rest ? rest : ",",
	    rest ? "" : "media=cdrom");
	if (strstr(val, "media=cdrom") == NULL)
		snprintf(val, sizeof(val), "%s%s,media=cdrom", vol,
		    rest ? rest : "");
	sim_str_set(&g->config.v[i].val, val);
	vv = px_xcalloc(1, sizeof(*vv));
	vv->storage = px_xstrdup(store);
	vv->node = st->shared ? NULL : px_xstrdup(node);
	vv->volid = px_xstrdup(vol);
	vv->content = px_xstrdup("images");
	vv->format = px_xstrdup("raw");
	vv->size = 4 << 20;
	vv->vmid = g->vmid;
	vv->ctime = sim_now(s);
	sim_volume_add(s, vv);
	return 0;
}

/* Is st a file-based storage (PVE extracts an OVA's disks to one)? */
static int
file_based(const struct sim_storage *st)
{
	static const char *const t[] = { "dir", "nfs", "cifs", "cephfs",
		"btrfs", NULL };

	for (int i = 0; t[i]; i++)
		if (strcmp(st->type, t[i]) == 0)
			return 1;
	return 0;
}

/*
 * A disk inside an OVA on an import storage, "STORE:import/X.ova/DISK":
 * the OVA is a file the upload left in the state directory; the disk
 * must be one of its members, and its size is the capacity the OVA's
 * OVF gives it (else the member's size).  PVE extracts it to the
 * working storage first: a file-based storage with images content.
 * 0 with *size, or -1 with PVE's error in rs (what: "unable to create
 * VM 100").
 */
static int
ova_disk(struct sim *s, const char *src, const char *node,
    const char *working, const char *what, uint64_t *size,
    struct sim_resp *rs)
{
	char store[64], ovaid[512], path[2048];
	const char *colon = strchr(src, ':'), *ova, *inner;
	struct sim_storage *st, *ws;
	struct sim_volume *sv;
	struct ova o = { 0 };
	struct ovf f;
	struct px_err e = { 0 };
	struct stat sb;
	const struct ova_member *mb;
	char *xml = NULL;
	size_t n = 0;
	int fd, rc = -1;

	if (colon == NULL || (size_t)(colon - src) >= sizeof(store) ||
	    strncmp(colon + 1, "import/", 7) != 0 ||
	    (ova = strstr(colon + 8, ".ova/")) == NULL ||
	    strchr(inner = ova + 5, '/') != NULL || *inner == '\0' ||
	    strchr(colon + 8, '/') != ova + 4)
		goto missing;
	snprintf(store, sizeof(store), "%.*s", (int)(colon - src), src);
	snprintf(ovaid, sizeof(ovaid), "%.*s", (int)(ova + 4 - src), src);
	if ((sv = sim_volume_find(s, ovaid, node)) == NULL ||
	    (st = sim_storage_find(s, store)) == NULL)
		goto missing;
	snprintf(path, sizeof(path), "%s/storage/%s/%s/import/%s",
	    s->opt.statedir, st->id, st->shared ? "shared" : node,
	    ovaid + strlen(store) + 8);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		goto missing;
	if (fstat(fd, &sb) != 0 || ova_read(fd, (uint64_t)sb.st_size, &o,
	    &e) != 0 || (mb = ova_find(&o, inner)) == NULL) {
		close(fd);
		ova_free(&o);
		goto missing;
	}
	*size = mb->size;
	if (ova_read_ovf(fd, &o, &xml, &n, &e) == 0 &&
	    ovf_parse(xml, n, &f, &e) == 0)
		for (int i = 0; i < f.ndisks; i++)
			if (strcmp(f.disk[i].file, inner) == 0)
				*size = f.disk[i].capacity;
	free(xml);
	close(fd);
	ova_free(&o);
	if (working == NULL)
		working = store;
	ws = sim_storage_find(s, working);
	if (ws == NULL || !sim_storage_on_node(ws, node)) {
		sim_error(rs, 500, "%s - storage '%s' does not exist", what,
		    working);
		return -1;
	}
	if (!file_based(ws) || !g_list_has(ws->content, "images")) {
		sim_error(rs, 500, "%s - storage '%s' cannot be used as "
		    "working storage for extracting '%s': it needs to be a "
		    "file-based storage with 'images' content (set "
		    "'import-working-storage')", what, working, src);
		return -1;
	}
	rc = 0;
	return rc;
missing:
	sim_error(rs, 500, "%s - volume '%s' does not exist", what, src);
	return -1;
}

/*
 * The source volume of an import-from (content images or import, or a
 * disk inside an OVA): its size in *size.  0, or -1 with PVE's error in
 * rs.
 */
static int
import_source(struct sim *s, const char *src, const char *node,
    const char *working, const char *what, uint64_t *size,
    struct sim_resp *rs)
{
	struct sim_volume *sv = sim_volume_find(s, src, node);

	if (sv == NULL)
		return ova_disk(s, src, node, working, what, size, rs);
	if (strcmp(sv->content, "images") != 0 &&
	    strcmp(sv->content, "import") != 0) {
		sim_error(rs, 500, "%s - '%s' has wrong type '%s' - needs to "
		    "be 'images' or 'import'", what, src, sv->content);
		return -1;
	}
	if (strcmp(sv->content, "import") == 0 && strcmp(sv->format, "ova") ==
	    0) {
		sim_error(rs, 500, "%s - '%s' is an OVA: import-from takes "
		    "one of its disks (%s/DISK)", what, src, src);
		return -1;
	}
	*size = sv->size;
	return 0;
}

/* The value v without its import-from property, after head. */
static void
without_import(struct buf *b, const char *v)
{
	for (const char *p = strchr(v, ','); p; p = strchr(p + 1, ',')) {
		size_t n = strcspn(p + 1, ",");

		if (strncmp(p + 1, "import-from=", 12) != 0 && n > 0)
			buf_printf(b, ",%.*s", (int)n, p + 1);
	}
}

/*
 * "STORE:0,import-from=VOLID,...": the size of the new disk is the
 * source volume's (rounded up to GiB), and import-from leaves the
 * config as PVE leaves it.  The source must exist on the node and be a
 * disk image (content images or import, or a disk of an OVA).
 */
static int
import_from(struct sim *s, struct sim_guest *g, size_t i, const char *store,
    const char *node, const char *working, long long *gib,
    struct sim_resp *rs)
{
	const char *v = g->config.v[i].val, *imp = strstr(v, "import-from=");
	char src[512], val[1024], what[64];
	struct buf b = { 0 };
	uint64_t size = 0;

	snprintf(src, sizeof(src), "%.*s", (int)strcspn(imp + 12, ","),
	    imp + 12);
	snprintf(what, sizeof(what), "unable to create VM %d", g->vmid);
	if (import_source(s, src, node, working, what, &size, rs) != 0)
		return -1;
	*gib = (long long)((size + (1ULL << 30) - 1) >> 30);
	if (*gib < 1)
		*gib = 1;
	buf_printf(&b, "%s:%lld", store, *gib);
	without_import(&b, v);
	snprintf(val, sizeof(val), "%s", b.p);
	buf_free(&b);
	sim_str_set(&g->config.v[i].val, val);
	return 0;
}

char *
g_import_disk(struct sim *s, struct sim_guest *g, const char *key,
    const char *val, const char *working, struct sim_resp *rs)
{
	const char *node = sim_guest_node(s, g), *imp = strstr(val,
	    "import-from="), *colon = strchr(val, ':');
	char src[512], store[64], vol[160], what[96];
	struct sim_storage *st;
	struct sim_volume *vv;
	struct buf b = { 0 };
	uint64_t size = 0;
	long long gib;
	int k;

	snprintf(what, sizeof(what), "unable to add disk %s to VM %d", key,
	    g->vmid);
	if (colon == NULL || colon > imp || (size_t)(colon - val) >=
	    sizeof(store)) {
		sim_param_errorf(rs, key, "invalid format - the import needs "
		    "STORAGE:0,import-from=VOLUME");
		return NULL;
	}
	snprintf(store, sizeof(store), "%.*s", (int)(colon - val), val);
	snprintf(src, sizeof(src), "%.*s", (int)strcspn(imp + 12, ","),
	    imp + 12);
	if (import_source(s, src, node, working, what, &size, rs) != 0)
		return NULL;
	if ((st = sim_storage_find(s, store)) == NULL ||
	    !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", store);
		return NULL;
	}
	if (!g_list_has(st->content, "images")) {
		sim_error(rs, 500, "storage '%s' does not support vm image "
		    "content", store);
		return NULL;
	}
	for (k = 0;; k++) {
		snprintf(vol, sizeof(vol), "%s:vm-%d-disk-%d", store, g->vmid,
		    k);
		if (sim_volume_find(s, vol, node) == NULL)
			break;
	}
	gib = (long long)((size + (1ULL << 30) - 1) >> 30);
	if (gib < 1)
		gib = 1;
	vv = px_xcalloc(1, sizeof(*vv));
	vv->storage = px_xstrdup(store);
	vv->node = st->shared ? NULL : px_xstrdup(node);
	vv->volid = px_xstrdup(vol);
	vv->content = px_xstrdup("images");
	vv->format = px_xstrdup("raw");
	vv->size = (uint64_t)gib << 30;
	vv->vmid = g->vmid;
	vv->ctime = sim_now(s);
	sim_volume_add(s, vv);
	buf_adds(&b, vol);
	without_import(&b, val);
	buf_printf(&b, ",size=%lldG", gib);
	return b.p;
}

/* Allocate "STORAGE:SIZE" disks of a new guest's config into volumes
 * (an OVA's disks extracted on working, NULL: their own storage). */
static int
alloc_disks(struct sim *s, struct sim_guest *g, const char *working,
    struct sim_resp *rs)
{
	size_t i;
	int n = 0;
	const char *node = sim_guest_node(s, g);

	for (i = 0; i < g->config.n; i++) {
		char *v = g->config.v[i].val, store[64], vol[160], rest[256];
		const char *colon, *comma;
		long long gib;
		struct sim_storage *st;
		struct sim_volume *vv;

		if (!g_is_disk_key(g->config.v[i].key) ||
		    strstr(v, "media=cdrom") || (colon = strchr(v, ':')) ==
		    NULL)
			continue;
		comma = strchr(v, ',');
		snprintf(store, sizeof(store), "%.*s", (int)(colon - v), v);
		gib = strtoll(colon + 1, NULL, 10);
		if (strncmp(colon + 1, "cloudinit", 9) == 0 &&
		    (colon[10] == '\0' || colon[10] == ',')) {
			if (cloudinit_drive(s, g, i, store, node, rs) != 0)
				return -1;
			continue;
		}
		if (strstr(v, "import-from=") != NULL) {
			/* PVE 8: the new disk is a copy of a volume */
			if (import_from(s, g, i, store, node, working, &gib,
			    rs) != 0)
				return -1;
			v = g->config.v[i].val;
			comma = strchr(v, ',');
			colon = strchr(v, ':');
		}
		if (strchr(colon + 1, '-') || gib <= 0)
			continue;	/* an existing volume name */
		if ((st = sim_storage_find(s, store)) == NULL ||
		    !sim_storage_on_node(st, node)) {
			sim_error(rs, 500, "storage '%s' does not exist", store);
			return -1;
		}
		if (!strstr(st->content, g->type == SIM_LXC ? "rootdir" :
		    "images")) {
			sim_error(rs, 500, "storage '%s' does not support %s "
			    "content", store, g->type == SIM_LXC ? "container"
			    : "vm image");
			return -1;
		}
		snprintf(vol, sizeof(vol), "%s:vm-%d-disk-%d", store, g->vmid,
		    n++);
		snprintf(rest, sizeof(rest), "%s%s%ssize=%lldG", vol,
		    comma ? comma : "", comma ? "," : ",", gib);
		sim_str_set(&g->config.v[i].val, rest);
		vv = px_xcalloc(1, sizeof(*vv));
		vv->storage = px_xstrdup(store);
		vv->node = st->shared ? NULL : px_xstrdup(node);
		vv->volid = px_xstrdup(vol);
		vv->content = px_xstrdup(g->type == SIM_LXC ? "rootdir" :
		    "images");
		vv->format = px_xstrdup("raw");
		vv->size = (uint64_t)gib << 30;
		vv->vmid = g->vmid;
		vv->ctime = sim_now(s);
		sim_volume_add(s, vv);
		if (strcmp(g->config.v[i].key, "rootfs") == 0 ||
		    g->maxdisk == 0)
			g->maxdisk = vv->size;
	}
	return 0;
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	enum sim_gtype type = g_type(rq);
	long long vmid = sim_param_int(rq, "vmid", -1);
	struct sim_guest *g, *old;
	struct sim_task *t;
	char path[64], id[16];
	size_t i;
	static const char *skip[] = { "vmid", "node", "start", "pool",
	    "storage", "ostemplate", "password", "ssh-public-keys", "unique",
	    "restore", "force", "archive", "live-restore", "ignore-unpack-"
	    "errors", "bwlimit", "import-working-storage", NULL };

	if (sim_param_require(rq, rs, "vmid", NULL) != 0)
		return;
	if (vmid < 100 || vmid > 999999999) {
		sim_param_error(rs, "vmid", "invalid format - value does not "
		    "look like a valid VM ID\n");
		return;
	}
	snprintf(path, sizeof(path), "/vms/%lld", vmid);
	if (sim_check_perm(s, rq, path, "VM.Allocate", rs) != 0)
		return;
	if ((old = sim_guest_find(s, (int)vmid)) != NULL) {
		if (type == SIM_LXC)
			sim_error(rs, 500, "CT %lld already exists on node '%s'",
			    vmid, sim_guest_node(s, old));
		else
			sim_error(rs, 500, "unable to create VM %lld - VM %lld "
			    "already exists on node '%s'", vmid, vmid,
			    sim_guest_node(s, old));
		return;
	}
	if (type == SIM_LXC) {
		const char *tpl = sim_param(rq, "ostemplate");

		if (tpl == NULL) {
			sim_param_error(rs, "ostemplate", "property is missing "
			    "and it is not optional");
			return;
		}
		if (sim_volume_find(s, tpl, node) == NULL) {
			sim_error(rs, 500, "unable to create CT %lld - volume "
			    "'%s' does not exist", vmid, tpl);
			return;
		}
	}
	g = px_xcalloc(1, sizeof(*g));
	g->vmid = (int)vmid;
	g->type = type;
	g->node = (int)(sim_node_find(s, node) - s->nodes);
	g->status = SIM_STOPPED;
	for (i = 0; i < rq->params.n; i++) {
		int k, skipit = 0;

		for (k = 0; skip[k]; k++)
			skipit |= strcmp(rq->params.v[i].key, skip[k]) == 0;
		if (!skipit)
			sim_kv_set(&g->config, rq->params.v[i].key,
			    rq->params.v[i].val);
	}
	if (sim_kv_get(&g->config, "memory") == NULL)
		sim_kv_set(&g->config, "memory", type == SIM_LXC ? "512" :
		    "2048");
	if (type == SIM_LXC) {
		if (sim_kv_get(&g->config, "rootfs") == NULL)
			sim_kv_set(&g->config, "rootfs", "local-lvm:4");
		sim_kv_set(&g->config, "arch", "amd64");
		if (sim_kv_get(&g->config, "ostype") == NULL)
			sim_kv_set(&g->config, "ostype", "debian");
	} else {
		char uuid[37], buf[64];

		sim_uuid(s, 0, uuid);
		snprintf(buf, sizeof(buf), "uuid=%s", uuid);
		sim_kv_set(&g->config, "smbios1", buf);
		sim_uuid(s, 0, uuid);
		sim_kv_set(&g->config, "vmgenid", uuid);
	}
	if (sim_param(rq, "pool")) {
		if (sim_pool_find(s, sim_param(rq, "pool")) == NULL) {
			sim_error(rs, 500, "pool '%s' does not exist",
			    sim_param(rq, "pool"));
			sim_guest_free(g);
			return;
		}
		g->pool = px_xstrdup(sim_param(rq, "pool"));
	}
	if (alloc_disks(s, g, sim_param(rq, "import-working-storage"),
	    rs) != 0) {
		sim_guest_free(g);
		return;
	}
	g_sync_fields(g);
	g->lock = px_xstrdup("create");
	sim_guest_add(s, g);
	snprintf(id, sizeof(id), "%lld", vmid);
	t = sim_task_start(s, node, type == SIM_LXC ? "vzcreate" : "qmcreate",
	    id, rq->authid, -1, create_done, NULL);
	sim_task_lock(s, t, (int)vmid, "create");
	t->tick_state = sim_param_bool(rq, "start", 0);
	if (type == SIM_LXC) {
		sim_task_log(t, "extracting archive '%s'",
		    sim_param(rq, "ostemplate"));
		sim_task_log(t, "Total bytes read: 524288000 (500MiB, "
		    "238MiB/s)");
		sim_task_log(t, "Detected container architecture: amd64");
		sim_task_log(t, "Creating SSH host key 'ssh_host_ed25519_key' "
		    "- this may take some time ...");
	}
	sim_upid_response(rs, t->upid);
}

static void
destroy_done(struct sim *s, struct sim_task *t)
{
	size_t i;

	for (i = s->nvolumes; i-- > 0;) {
		struct sim_volume *v = s->volumes[i];

		if (v->vmid == t->vmid && strcmp(v->content, "backup") != 0 &&
		    strcmp(v->content, "iso") != 0)
			sim_volume_remove(s, v->volid, v->node);
	}
	sim_guest_remove(s, t->vmid);
}

/* Endpoint handler (routes in guest_routes.c). */
void
h_destroy(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_task *t;
	char id[16];

	if (g == NULL)
		return;
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (g->status != SIM_STOPPED) {
		sim_error(rs, 500, "%s %d is running - destroy failed",
		    g_word(g), g->vmid);
		return;
	}
	if (g->ha && !sim_param_bool(rq, "purge", 0)) {
		sim_error(rs, 500, "unable to remove %s %d - used in HA "
		    "resources and purge parameter not set.", g_word(g),
		    g->vmid);
		return;
	}
	snprintf(id, sizeof(id), "%d", g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzdestroy" : "qmdestroy", id, rq->authid, -1, destroy_done, NULL);
	sim_task_lock(s, t, g->vmid, "destroyed");
	sim_task_log(t, "  Logical volume \"vm-%d-disk-0\" successfully "
	    "removed.", g->vmid);
	sim_upid_response(rs, t->upid);
}
