/*
 * generate.c -- opening, loading and generating pxsim's model: a plausible
 * cluster built deterministically from --seed (nodes, guests with configs,
 * snapshots and pending changes, storages, ISOs, templates, backups,
 * pools, PVE's privileges and built-in roles, the built-in identities),
 * then saved to STATEDIR/sim.db; seed.c adds the documents of the API
 * areas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../core.h"

#define R_NODE	1
#define R_GUEST	2
#define R_STORE	3
#define R_SNAP	4
#define R_MISC	5

#define GiB	(1024ULL * 1024 * 1024)

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-131072;"
    "PRAGMA temp_store=MEMORY;"
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS nodes(name TEXT PRIMARY KEY, nodeid INT,"
    " ip TEXT, offline INT, cpus INT, sockets INT, cpumodel TEXT,"
    " maxmem INT, swap INT, rootfs INT, boot INT, kernel TEXT,"
    " pveversion TEXT, fp TEXT);"
    "CREATE TABLE IF NOT EXISTS guests(vmid INTEGER PRIMARY KEY, type INT,"
    " node TEXT, status INT, name TEXT, template INT, tags TEXT,"
    " pool TEXT, lock TEXT, ha INT, agent INT, cpus INT, maxmem INT,"
    " maxdisk INT, started INT, ip TEXT, snapparent TEXT);"
    "CREATE TABLE IF NOT EXISTS guestcfg(vmid INT, section TEXT, ord INT,"
    " key TEXT, val TEXT);"
    "CREATE INDEX IF NOT EXISTS guestcfg_vmid ON guestcfg(vmid);"
    "CREATE TABLE IF NOT EXISTS snaps(vmid INT, ord INT, name TEXT,"
    " parent TEXT, description TEXT, snaptime INT, vmstate INT);"
    "CREATE INDEX IF NOT EXISTS snaps_vmid ON snaps(vmid);"
    "CREATE TABLE IF NOT EXISTS storages(id TEXT PRIMARY KEY, ord INT,"
    " type TEXT, content TEXT, shared INT, nodes TEXT, disabled INT,"
    " total INT);"
    "CREATE TABLE IF NOT EXISTS storagecfg(id TEXT, ord INT, key TEXT,"
    " val TEXT);"
    "CREATE TABLE IF NOT EXISTS volumes(volid TEXT, node TEXT,"
    " storage TEXT, content TEXT, format TEXT, size INT, used INT,"
    " vmid INT, ctime INT, notes TEXT, protected INT,"
    " PRIMARY KEY(volid, node));"
    "CREATE TABLE IF NOT EXISTS pools(poolid TEXT PRIMARY KEY, comment TEXT,"
    " storages TEXT);"
    "CREATE TABLE IF NOT EXISTS docs(kind TEXT, parent TEXT, id TEXT,"
    " json TEXT, PRIMARY KEY(kind, parent, id));"
    "CREATE INDEX IF NOT EXISTS docs_parent ON docs(parent);"
    "CREATE TABLE IF NOT EXISTS tasks(upid TEXT PRIMARY KEY, node TEXT,"
    " type TEXT, id TEXT, user TEXT, pid INT, pstart INT, starttime INT,"
    " endtime INT, exitstatus TEXT, vmid INT, log TEXT);";

static const char WIPE[] =
    "DELETE FROM nodes; DELETE FROM guests; DELETE FROM guestcfg;"
    "DELETE FROM snaps; DELETE FROM storages; DELETE FROM storagecfg;"
    "DELETE FROM volumes; DELETE FROM pools; DELETE FROM docs;"
    "DELETE FROM tasks;";

/* ---- in-memory teardown ---- */

static void
free_memory_model(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nnodes; i++) {
		struct sim_node *n = &s->nodes[i];

		free(n->name);
		free(n->ip);
		free(n->cpumodel);
		free(n->kernel);
		free(n->pveversion);
		free(n->ssl_fingerprint);
	}
	free(s->nodes);
	s->nodes = NULL;
	s->nnodes = 0;
	for (i = 0; i < s->nguests; i++)
		sim_guest_free(s->guests[i]);
	free(s->guests);
	s->guests = NULL;
	s->nguests = 0;
	for (i = 0; i < s->nstorages; i++) {
		struct sim_storage *st = &s->storages[i];

		free(st->id);
		free(st->type);
		free(st->content);
		free(st->nodes);
		sim_kv_free(&st->config);
	}
	free(s->storages);
	s->storages = NULL;
	s->nstorages = 0;
	for (i = 0; i < s->nvolumes; i++) {
		struct sim_volume *v = s->volumes[i];

		free(v->storage);
		free(v->node);
		free(v->volid);
		free(v->content);
		free(v->format);
		free(v->notes);
		free(v);
	}
	free(s->volumes);
	s->volumes = NULL;
	s->nvolumes = 0;
	for (i = 0; i < s->npools; i++) {
		free(s->pools[i].poolid);
		free(s->pools[i].comment);
		free(s->pools[i].storages);
	}
	free(s->pools);
	s->pools = NULL;
	s->npools = 0;
	tasks_free(s);
}

/* ---- generation ---- */

static void
cfg_sort(struct sim_kvlist *l)
{
	size_t i, j;

	for (i = 1; i < l->n; i++) {
		struct sim_kv k = l->v[i];

		for (j = i; j > 0 && strcmp(l->v[j - 1].key, k.key) > 0; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = k;
	}
}

static void
mac_for(struct sim *s, int vmid, int nic, char *out, size_t n)
{
	uint64_t h = sim_hash(s, (uint64_t)vmid, 100 + (uint64_t)nic);

	snprintf(out, n, "BC:24:11:%02X:%02X:%02X", (unsigned)(h & 0xff),
	    (unsigned)((h >> 8) & 0xff), (unsigned)((h >> 16) & 0xff));
}

static void
gen_nodes(struct sim *s, time_t now)
{
	static const int cpus[] = { 16, 32, 48, 64 };
	static const int mems[] = { 64, 128, 256, 384 };
	static const char *models[] = {
		"AMD EPYC 7302P 16-Core Processor",
		"Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz",
		"AMD EPYC 9124 16-Core Processor",
	};
	int i, n = s->opt.nodes;

	s->nodes = px_xcalloc((size_t)n, sizeof(*s->nodes));
	s->nnodes = (size_t)n;
	for (i = 0; i < n; i++) {
		struct sim_node *nd = &s->nodes[i];
		char buf[128];
		unsigned char fp[32];
		int k, o = 0;

		snprintf(buf, sizeof(buf), "pve%d", i + 1);
		nd->name = px_xstrdup(buf);
		nd->nodeid = i + 1;
		snprintf(buf, sizeof(buf), "10.0.0.%d", 11 + i % 240);
		nd->ip = px_xstrdup(buf);
		nd->cpus = cpus[sim_rand(s, R_NODE) % 4];
		nd->sockets = nd->cpus >= 48 ? 2 : 1;
		nd->cpumodel = px_xstrdup(models[sim_rand(s, R_NODE) % 3]);
		nd->maxmem = (uint64_t)mems[sim_rand(s, R_NODE) % 4] * GiB -
		    (uint64_t)sim_rand_range(s, R_NODE, 100, 900) * 1048576;
		nd->swap = 8 * GiB;
		nd->rootfs = 94 * GiB + (uint64_t)(sim_rand(s, R_NODE) %
		    (2 * GiB));
		nd->boot = now - (time_t)sim_rand_range(s, R_NODE, 5 * 86400,
		    90 * 86400);
		nd->kernel = px_xstrdup("6.17.2-1-pve");
		nd->pveversion = px_xstrdup(
		    "pve-manager/9.1.1/42db4a6cf33dac83");
		for (k = 0; k < 32; k++)
			fp[k] = (unsigned char)sim_rand(s, R_NODE);
		for (k = 0; k < 32; k++)
			o += snprintf(buf + o, sizeof(buf) - (size_t)o,
			    "%s%02X", k ? ":" : "", fp[k]);
		nd->ssl_fingerprint = px_xstrdup(buf);
		sim_node_save(s, nd);
	}
}

static void
add_storage(struct sim *s, const char *id, const char *type,
    const char *content, int shared, uint64_t total, ...)
{
	struct sim_storage st;
	va_list ap;
	const char *k;

	memset(&st, 0, sizeof(st));
	st.id = px_xstrdup(id);
	st.type = px_xstrdup(type);
	st.content = px_xstrdup(content);
	st.shared = shared;
	st.total = total;
	va_start(ap, total);
	while ((k = va_arg(ap, const char *)) != NULL)
		sim_kv_add(&st.config, k, va_arg(ap, const char *));
	va_end(ap);
	sim_storage_add(s, &st);
}

static void
gen_storages(struct sim *s)
{
	add_storage(s, "local", "dir", "iso,vztmpl,backup", 0, 98 * GiB,
	    "path", "/var/lib/vz", NULL);
	add_storage(s, "local-lvm", "lvmthin", "images,rootdir", 0,
	    1800 * GiB, "vgname", "pve", "thinpool", "data", NULL);
	add_storage(s, "nas", "nfs", "backup,iso,vztmpl,images", 1,
	    16384 * GiB, "server", "10.0.0.5", "export", "/export/pve",
	    "path", "/mnt/pve/nas", "options", "vers=4.2",
	    "prune-backups", "keep-daily=7,keep-weekly=4,keep-monthly=3",
	    NULL);
	add_storage(s, "ceph", "rbd", "images,rootdir", 1, 24576 * GiB,
	    "pool", "ceph-vm", "krbd", "0", NULL);
}

static void
add_volume(struct sim *s, const char *storage, const char *node,
    const char *volid, const char *content, const char *format,
    uint64_t size, int vmid, time_t ctime, const char *notes)
{
	struct sim_volume *v = px_xcalloc(1, sizeof(*v));

	v->storage = px_xstrdup(storage);
	v->node = node ? px_xstrdup(node) : NULL;
	v->volid = px_xstrdup(volid);
	v->content = px_xstrdup(content);
	v->format = px_xstrdup(format);
	v->size = size;
	v->vmid = vmid;
	v->ctime = ctime;
	v->notes = notes ? px_xstrdup(notes) : NULL;
	sim_volume_add(s, v);
}

static void
gen_pools(struct sim *s)
{
	static const char *ids[][2] = {
		{ "prod", "Production workloads" },
		{ "dev", "Development and CI" },
		{ "lab", "Test lab" },
		{ "infra", "Core infrastructure" },
	};
	size_t i;

	for (i = 0; i < 4; i++) {
		struct sim_pool p = { px_xstrdup(ids[i][0]),
		    px_xstrdup(ids[i][1]), NULL };

		if (i == 0)
			p.storages = px_xstrdup("ceph");
		sim_pool_add(s, &p);
	}
}

/* A guest's kind, picked by its name prefix. */
static const struct {
	const char *prefix;
	int lxc_pct;
} kinds[] = {
	{ "web", 30 }, { "db", 10 }, { "app", 30 }, { "cache", 70 },
	{ "mail", 20 }, { "proxy", 70 }, { "ci", 40 }, { "git", 20 },
	{ "mon", 60 }, { "log", 60 }, { "k8s", 0 }, { "dns", 90 },
	{ "vpn", 50 }, { "build", 20 }, { "files", 10 }, { "auth", 30 },
	{ "queue", 40 }, { "search", 10 }, { "win", 0 },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static void
gen_snapshots(struct sim *s, struct sim_guest *g, time_t now)
{
	static const char *names[] = { "baseline", "pre-upgrade",
	    "before-patch", "weekly", "known-good" };
	int n = (int)sim_rand_range(s, R_SNAP, 1, 3), i;
	time_t t = now - (time_t)sim_rand_range(s, R_SNAP, 20, 60) * 86400;

	g->snaps = px_xcalloc((size_t)n, sizeof(*g->snaps));
	for (i = 0; i < n; i++) {
		struct sim_snap *sn = &g->snaps[i];
		char buf[32];

		sn->name = px_xstrdup(names[(i + g->vmid) % 5]);
		if (i > 0 && strcmp(sn->name, g->snaps[i - 1].name) == 0) {
			snprintf(buf, sizeof(buf), "%s-%d", sn->name, i);
			sim_str_set(&sn->name, buf);
		}
		sn->parent = i ? px_xstrdup(g->snaps[i - 1].name) : NULL;
		sn->description = px_xstrdup(i == 0 ? "Initial state" :
		    "before changes");
		sn->snaptime = t;
		sn->vmstate = g->type == SIM_QEMU && i == n - 1 &&
		    g->vmid % 3 == 0;
		sim_kv_copy(&sn->config, &g->config);
		snprintf(buf, sizeof(buf), "%lld", (long long)t);
		sim_kv_set(&sn->config, "snaptime", buf);
		if (sn->parent)
			sim_kv_set(&sn->config, "parent", sn->parent);
		cfg_sort(&sn->config);
		t += (time_t)sim_rand_range(s, R_SNAP, 2, 15) * 86400;
	}
	g->nsnaps = (size_t)n;
	g->snapparent = px_xstrdup(g->snaps[n - 1].name);
	sim_kv_set(&g->config, "parent", g->snapparent);
}

static void
gen_backups(struct sim *s, struct sim_guest *g, time_t now)
{
	int n = (int)sim_rand_range(s, R_STORE, 1, 4), i, used = 0;
	const char *node = sim_guest_node(s, g);

	for (i = 0; i < n; i++) {
		int day = (int)sim_rand_range(s, R_STORE, 1, 28);
		time_t t;
		struct tm tm;
		char volid[160], stamp[32], notes[96];
		const char *store = g->vmid % 10 == 3 ? "local" : "nas";

		if (used & (1 << day))
			continue;
		used |= 1 << day;
		t = now - (time_t)day * 86400;
		t -= t % 86400;
		t += 3600 + (g->vmid % 1800);
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y_%m_%d-%H_%M_%S", &tm);
		snprintf(volid, sizeof(volid), "%s:backup/vzdump-%s-%d-%s.%s",
		    store, g->type == SIM_LXC ? "lxc" : "qemu", g->vmid, stamp,
		    g->type == SIM_LXC ? "tar.zst" : "vma.zst");
		snprintf(notes, sizeof(notes), "%s", g->name);
		add_volume(s, store, strcmp(store, "local") == 0 ? node : NULL,
		    volid, "backup", g->type == SIM_LXC ? "tar.zst" :
		    "vma.zst", g->maxdisk / 4 + (uint64_t)(sim_rand(s,
		    R_STORE) % GiB), g->vmid, t, notes);
	}
}

static struct sim_guest *
gen_guest(struct sim *s, int vmid, int *counts, time_t now)
{
	static const int qmem[] = { 1024, 2048, 4096, 8192, 16384 };
	static const int lmem[] = { 512, 1024, 2048, 4096 };
	static const int cores[] = { 1, 2, 2, 4, 4, 8 };
	static const int qdisk[] = { 16, 32, 32, 64, 100, 200 };
	static const int ldisk[] = { 4, 8, 8, 16, 32 };
	static const char *tagset[] = { "web", "db", "backup", "critical",
	    "linux", "staging", "monitoring" };
	struct sim_guest *g = px_xcalloc(1, sizeof(*g));
	size_t k = sim_rand(s, R_GUEST) % NKINDS;
	char name[64], buf[256], mac[32], disk[128], uuid[37];
	struct sim_node *nd;
	const char *store;
	int mem, c, dsize, prod, istpl, win;
	struct buf tags = {0};

	g->vmid = vmid;
	g->node = (int)(sim_rand(s, R_GUEST) % s->nnodes);
	nd = &s->nodes[g->node];
	win = strcmp(kinds[k].prefix, "win") == 0;
	g->type = (int)(sim_rand(s, R_GUEST) % 100) < kinds[k].lxc_pct ?
	    SIM_LXC : SIM_QEMU;
	istpl = g->type == SIM_QEMU && !win &&
	    sim_rand(s, R_GUEST) % 100 < 3;
	if (istpl) {
		static const char *tpl[] = { "debian-12", "ubuntu-24", "rocky-9",
		    "debian-13" };

		snprintf(name, sizeof(name), "tpl-%s-%d",
		    tpl[sim_rand(s, R_GUEST) % 4], vmid);
	} else {
		counts[k]++;
		snprintf(name, sizeof(name), "%s-%02d", kinds[k].prefix,
		    counts[k]);
	}
	g->name = px_xstrdup(name);
	g->template_ = istpl;
	prod = !istpl && sim_rand(s, R_GUEST) % 100 < 40;
	if (prod)
		buf_adds(&tags, "prod");
	if (!istpl && sim_rand(s, R_GUEST) % 100 < 50) {
		const char *t = tagset[sim_rand(s, R_GUEST) % 7];

		buf_printf(&tags, "%s%s", tags.len ? ";" : "", t);
	}
	if (tags.len)
		g->tags = buf_steal(&tags);
	buf_free(&tags);
	if (!istpl) {
		unsigned r = (unsigned)(sim_rand(s, R_GUEST) % 100);

		if (prod && r < 70)
			g->pool = px_xstrdup("prod");
		else if (r < 20)
			g->pool = px_xstrdup("dev");
		else if (r < 30)
			g->pool = px_xstrdup("lab");
		else if (r < 38)
			g->pool = px_xstrdup("infra");
	}
	/* status */
	if (istpl) {
		g->status = SIM_STOPPED;
	} else {
		unsigned r = (unsigned)(sim_rand(s, R_GUEST) % 100);

		g->status = r < 65 ? SIM_RUNNING : r < 97 || g->type == SIM_LXC
		    ? SIM_STOPPED : SIM_PAUSED;
		if (prod && r < 90)
			g->status = SIM_RUNNING;
	}
	g->started = now - (time_t)sim_rand_range(s, R_GUEST, 600,
	    40 * 86400);
	if (g->started < nd->boot)
		g->started = nd->boot + 120 + vmid % 600;
	if (!istpl && g->status != SIM_RUNNING && sim_rand(s, R_GUEST) % 60
	    == 0)
		g->lock = px_xstrdup(sim_rand(s, R_GUEST) % 2 ? "backup" :
		    "snapshot");
	mem = g->type == SIM_QEMU ? qmem[sim_rand(s, R_GUEST) % 5] :
	    lmem[sim_rand(s, R_GUEST) % 4];
	if (win && mem < 4096)
		mem = 8192;
	c = cores[sim_rand(s, R_GUEST) % 6];
	dsize = g->type == SIM_QEMU ? qdisk[sim_rand(s, R_GUEST) % 6] :
	    ldisk[sim_rand(s, R_GUEST) % 5];
	if (win && dsize < 64)
		dsize = 100;
	store = sim_rand(s, R_GUEST) % 100 < (g->type == SIM_QEMU ? 60 : 70) ?
	    "local-lvm" : "ceph";
	g->ha = !istpl && strcmp(store, "ceph") == 0 && g->type == SIM_QEMU &&
	    sim_rand(s, R_GUEST) % 100 < 40;
	g->cpus = c;
	g->maxmem = (uint64_t)mem * 1048576;
	g->maxdisk = (uint64_t)dsize * GiB;
	mac_for(s, vmid, 0, mac, sizeof(mac));
	snprintf(disk, sizeof(disk), "%s:%s-%d-disk-0", store,
	    istpl ? "base" : "vm", vmid);
	snprintf(buf, sizeof(buf), "%d", c);
	sim_kv_set(&g->config, "cores", buf);
	snprintf(buf, sizeof(buf), "%d", mem);
	sim_kv_set(&g->config, "memory", buf);
	if (g->tags)
		sim_kv_set(&g->config, "tags", g->tags);
	if (g->type == SIM_QEMU) {
		int virtio = vmid % 7 == 0;
		const char *dkey = virtio ? "virtio0" : "scsi0";

		g->agent = !win ? sim_rand(s, R_GUEST) % 100 < 55 : 1;
		sim_kv_set(&g->config, "name", name);
		snprintf(buf, sizeof(buf), "order=%s;ide2;net0", dkey);
		sim_kv_set(&g->config, "boot", buf);
		sim_kv_set(&g->config, "cpu", "x86-64-v2-AES");
		sim_kv_set(&g->config, "sockets", "1");
		sim_kv_set(&g->config, "numa", "0");
		sim_kv_set(&g->config, "ostype", win ? "win11" : "l26");
		sim_kv_set(&g->config, "scsihw", "virtio-scsi-single");
		snprintf(buf, sizeof(buf), "%s,%ssize=%dG", disk,
		    virtio ? "discard=on," : "iothread=1,", dsize);
		sim_kv_set(&g->config, dkey, buf);
		snprintf(buf, sizeof(buf), "virtio=%s,bridge=vmbr0,firewall=1%s",
		    mac, vmid % 5 == 0 ? ",tag=20" : "");
		sim_kv_set(&g->config, "net0", buf);
		sim_kv_set(&g->config, "ide2", vmid % 4 == 0 ?
		    "local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom,"
		    "size=631M" : "none,media=cdrom");
		if (g->agent)
			sim_kv_set(&g->config, "agent", "1");
		if (win) {
			sim_kv_set(&g->config, "bios", "ovmf");
			sim_kv_set(&g->config, "machine", "pc-q35-9.2");
			snprintf(buf, sizeof(buf), "%s:vm-%d-disk-1,efitype=4m,"
			    "pre-enrolled-keys=1,size=4M", store, vmid);
			sim_kv_set(&g->config, "efidisk0", buf);
		}
		sim_uuid(s, R_GUEST, uuid);
		snprintf(buf, sizeof(buf), "uuid=%s", uuid);
		sim_kv_set(&g->config, "smbios1", buf);
		sim_uuid(s, R_GUEST, uuid);
		sim_kv_set(&g->config, "vmgenid", uuid);
		snprintf(buf, sizeof(buf), "creation-qemu=9.2.0,ctime=%lld",
		    (long long)(now - 200 * 86400 + vmid * 60));
		sim_kv_set(&g->config, "meta", buf);
		if (vmid % 3 != 0)
			sim_kv_set(&g->config, "onboot", "1");
	} else {
		sim_kv_set(&g->config, "hostname", name);
		sim_kv_set(&g->config, "arch", "amd64");
		sim_kv_set(&g->config, "ostype", vmid % 5 == 1 ? "ubuntu" :
		    "debian");
		sim_kv_set(&g->config, "swap", "512");
		sim_kv_set(&g->config, "unprivileged", "1");
		sim_kv_set(&g->config, "features", "nesting=1");
		snprintf(buf, sizeof(buf), "%s,size=%dG", disk, dsize);
		sim_kv_set(&g->config, "rootfs", buf);
		if (vmid % 3 != 0)
			sim_kv_set(&g->config, "onboot", "1");
	}
	if (g->type == SIM_LXC || g->agent) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.1.%d.%d", (vmid / 250) % 250,
		    10 + vmid % 240);
		g->ip = px_xstrdup(ip);
		if (g->type == SIM_LXC) {
			snprintf(buf, sizeof(buf), "name=eth0,bridge=vmbr0,"
			    "firewall=1,gw=10.1.0.1,hwaddr=%s,ip=%s/16,"
			    "type=veth", mac, ip);
			sim_kv_set(&g->config, "net0", buf);
		}
	}
	if (istpl)
		sim_kv_set(&g->config, "template", "1");
	cfg_sort(&g->config);
	/* volumes of the disks */
	add_volume(s, store, strcmp(store, "local-lvm") == 0 ? nd->name :
	    NULL, disk, g->type == SIM_LXC ? "rootdir" : "images", "raw",
	    (uint64_t)dsize * GiB, vmid, now - 200 * 86400 + vmid * 60, NULL);
	if (win) {
		snprintf(disk, sizeof(disk), "%s:vm-%d-disk-1", store, vmid);
		add_volume(s, store, strcmp(store, "local-lvm") == 0 ?
		    nd->name : NULL, disk, "images", "raw", 4 * 1048576, vmid,
		    now - 200 * 86400, NULL);
	}
	if (!istpl && sim_rand(s, R_SNAP) % 100 < 15)
		gen_snapshots(s, g, now);
	if (!istpl && sim_rand(s, R_STORE) % 100 < 80)
		gen_backups(s, g, now);
	return g;
}

static void
gen_guests(struct sim *s, time_t now)
{
	int counts[NKINDS] = {0}, i, pending = 0;

	for (i = 0; i < s->opt.guests; i++) {
		struct sim_guest *g = gen_guest(s, 100 + i, counts, now);

		if (pending < 2 && g->type == SIM_QEMU && !g->template_ &&
		    g->status == SIM_RUNNING && g->lock == NULL) {
			char buf[32];

			snprintf(buf, sizeof(buf), "%llu",
			    (unsigned long long)(g->maxmem / 1048576 * 2));
			sim_kv_set(&g->pending, "memory", buf);
			if (pending == 1)
				sim_kv_set(&g->pending, "delete", "ide2");
			pending++;
		}
		sim_guest_add(s, g);
	}
}

static void
gen_media(struct sim *s, time_t now)
{
	size_t i;
	char volid[160];

	for (i = 0; i < s->nnodes; i++) {
		const char *n = s->nodes[i].name;

		add_volume(s, "local", n,
		    "local:iso/debian-12.7.0-amd64-netinst.iso", "iso", "iso",
		    661651456, 0, now - 120 * 86400, NULL);
		add_volume(s, "local", n,
		    "local:iso/ubuntu-24.04.1-live-server-amd64.iso", "iso",
		    "iso", 2773874688ULL, 0, now - 90 * 86400, NULL);
		add_volume(s, "local", n,
		    "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
		    "vztmpl", "tzst", 126025899, 0, now - 100 * 86400, NULL);
		add_volume(s, "local", n,
		    "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst",
		    "vztmpl", "tzst", 141734359, 0, now - 80 * 86400, NULL);
	}
	add_volume(s, "nas", NULL, "nas:iso/virtio-win-0.1.262.iso", "iso",
	    "iso", 727162880, 0, now - 150 * 86400, NULL);
	add_volume(s, "nas", NULL, "nas:iso/Win11_24H2_English_x64.iso",
	    "iso", "iso", 5819484160ULL, 0, now - 140 * 86400, NULL);
	snprintf(volid, sizeof(volid),
	    "nas:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz");
	add_volume(s, "nas", NULL, volid, "vztmpl", "txz", 3270872, 0,
	    now - 130 * 86400, NULL);
}

static const struct {
	const char *id;
	const char *privs;
} roles[] = {
	{ "Administrator", "*" },
	{ "NoAccess", "" },
	{ "PVEAdmin", "Datastore.Allocate,Datastore.AllocateSpace,"
	    "Datastore.AllocateTemplate,Datastore.Audit,Group.Allocate,"
	    "Mapping.Audit,Mapping.Modify,Mapping.Use,Pool.Allocate,"
	    "Pool.Audit,Realm.AllocateUser,SDN.Allocate,SDN.Audit,SDN.Use,"
	    "Sys.Audit,Sys.Console,Sys.Syslog,User.Modify,VM.Allocate,"
	    "VM.Audit,VM.Backup,VM.Clone,VM.Config.CDROM,VM.Config.CPU,"
	    "VM.Config.Cloudinit,VM.Config.Disk,VM.Config.HWType,"
	    "VM.Config.Memory,VM.Config.Network,VM.Config.Options,"
	    "VM.Console,VM.GuestAgent.Audit,VM.GuestAgent.FileRead,"
	    "VM.GuestAgent.FileSystemMgmt,VM.GuestAgent.FileWrite,"
	    "VM.GuestAgent.Unrestricted,VM.Migrate,VM.PowerMgmt,"
	    "VM.Replicate,VM.Snapshot,VM.Snapshot.Rollback" },
	{ "PVEAuditor", "Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,"
	    "Sys.Audit,VM.Audit,VM.GuestAgent.Audit" },
	{ "PVEDatastoreAdmin", "Datastore.Allocate,Datastore.AllocateSpace,"
	    "Datastore.AllocateTemplate,Datastore.Audit" },
	{ "PVEDatastoreUser", "Datastore.AllocateSpace,Datastore.Audit" },
	{ "PVEMappingAdmin", "Mapping.Audit,Mapping.Modify,Mapping.Use" },
	{ "PVEMappingUser", "Mapping.Audit,Mapping.Use" },
	{ "PVEPoolAdmin", "Pool.Allocate,Pool.Audit" },
	{ "PVEPoolUser", "Pool.Audit" },
	{ "PVESDNAdmin", "SDN.Allocate,SDN.Audit" },
	{ "PVESDNUser", "SDN.Audit,SDN.Use" },
	{ "PVESysAdmin", "Permissions.Modify,Sys.Audit,Sys.Console,"
	    "Sys.Syslog" },
	{ "PVETemplateUser", "VM.Audit,VM.Clone" },
	{ "PVEUserAdmin", "Group.Allocate,Realm.AllocateUser,User.Modify" },
	{ "PVEVMAdmin", "VM.Allocate,VM.Audit,VM.Backup,VM.Clone,"
	    "VM.Config.CDROM,VM.Config.CPU,VM.Config.Cloudinit,"
	    "VM.Config.Disk,VM.Config.HWType,VM.Config.Memory,"
	    "VM.Config.Network,VM.Config.Options,VM.Console,"
	    "VM.GuestAgent.Audit,VM.GuestAgent.FileRead,"
	    "VM.GuestAgent.FileSystemMgmt,VM.GuestAgent.FileWrite,"
	    "VM.GuestAgent.Unrestricted,VM.Migrate,VM.PowerMgmt,"
	    "VM.Replicate,VM.Snapshot,VM.Snapshot.Rollback" },
	{ "PVEVMUser", "VM.Audit,VM.Backup,VM.Config.CDROM,"
	    "VM.Config.Cloudinit,VM.Console,VM.GuestAgent.Audit,"
	    "VM.PowerMgmt" },
};

/* Every privilege PVE 9 knows (Administrator has them all). */
const char sim_all_privs[] =
    "Datastore.Allocate,Datastore.AllocateSpace,Datastore.AllocateTemplate,"
    "Datastore.Audit,Group.Allocate,Mapping.Audit,Mapping.Modify,"
    "Mapping.Use,Permissions.Modify,Pool.Allocate,Pool.Audit,"
    "Realm.Allocate,Realm.AllocateUser,SDN.Allocate,SDN.Audit,SDN.Use,"
    "Sys.AccessNetwork,Sys.Audit,Sys.Console,Sys.Incoming,Sys.Modify,"
    "Sys.PowerMgmt,Sys.Syslog,User.Modify,VM.Allocate,VM.Audit,VM.Backup,"
    "VM.Clone,VM.Config.CDROM,VM.Config.CPU,VM.Config.Cloudinit,"
    "VM.Config.Disk,VM.Config.HWType,VM.Config.Memory,VM.Config.Network,"
    "VM.Config.Options,VM.Console,VM.GuestAgent.Audit,"
    "VM.GuestAgent.FileRead,VM.GuestAgent.FileSystemMgmt,"
    "VM.GuestAgent.FileWrite,VM.GuestAgent.Unrestricted,VM.Migrate,"
    "VM.PowerMgmt,VM.Replicate,VM.Snapshot,VM.Snapshot.Rollback";

/* A setting, created with a random value when absent. */
static char *
secret_setting(struct sim *s, const char *key, int uuid)
{
	char *v = model_setting(s, key);
	unsigned char r[16];
	char buf[40];

	if (v != NULL)
		return v;
	tls_random(r, sizeof(r));
	if (uuid) {
		r[6] = (r[6] & 0x0f) | 0x40;
		r[8] = (r[8] & 0x3f) | 0x80;
		snprintf(buf, sizeof(buf), "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
		    r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		    r[13], r[14], r[15]);
	} else {
		sim_hex(r, 12, buf);
	}
	model_set_setting(s, key, buf);
	return px_xstrdup(buf);
}

static void
put_docf(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
put_docf(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sim_doc_put(s, kind, parent, id, b.p);
	buf_free(&b);
}

static void
put_acl(struct sim *s, const char *path, const char *type, const char *ugid,
    const char *role)
{
	char id[256];

	snprintf(id, sizeof(id), "%s|%s|%s|%s", path, type, ugid, role);
	put_docf(s, "acl", "", id, "{\"path\":\"%s\",\"type\":\"%s\","
	    "\"ugid\":\"%s\",\"roleid\":\"%s\",\"propagate\":1}", path, type,
	    ugid, role);
}

/* The identities and access documents every instance starts with. */
static void
gen_access(struct sim *s)
{
	static const struct { const char *user, *tok, *key; int privsep; }
	    toks[] = {
		{ "root@pam", "px", "secret.root@pam!px", 0 },
		{ "auditor@pve", "ro", "secret.auditor@pve!ro", 1 },
		{ "operator@pve", "ops", "secret.operator@pve!ops", 1 },
	};
	size_t i;
	char *pw;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		put_docf(s, "role", "", roles[i].id, "{\"roleid\":\"%s\","
		    "\"privs\":\"%s\",\"special\":1}", roles[i].id,
		    strcmp(roles[i].privs, "*") == 0 ? sim_all_privs :
		    roles[i].privs);
	put_docf(s, "domain", "", "pam", "{\"realm\":\"pam\",\"type\":\"pam\","
	    "\"comment\":\"Linux PAM standard authentication\"}");
	put_docf(s, "domain", "", "pve", "{\"realm\":\"pve\",\"type\":\"pve\","
	    "\"comment\":\"Proxmox VE authentication server\","
	    "\"default\":1}");
	put_docf(s, "user", "", "root@pam", "{\"userid\":\"root@pam\","
	    "\"enable\":1,\"expire\":0,\"firstname\":\"\",\"lastname\":\"\","
	    "\"email\":\"root@example.com\",\"comment\":\"\",\"groups\":\"\"}");
	put_docf(s, "user", "", "auditor@pve", "{\"userid\":\"auditor@pve\","
	    "\"enable\":1,\"expire\":0,\"firstname\":\"Ada\","
	    "\"lastname\":\"Audit\",\"email\":\"auditor@example.com\","
	    "\"comment\":\"read-only monitoring\",\"groups\":\"auditors\"}");
	put_docf(s, "user", "", "operator@pve", "{\"userid\":\"operator@pve\","
	    "\"enable\":1,\"expire\":0,\"firstname\":\"Otto\","
	    "\"lastname\":\"Ops\",\"email\":\"operator@example.com\","
	    "\"comment\":\"operates the dev pool\",\"groups\":\"operators\"}");
	put_docf(s, "group", "", "auditors", "{\"groupid\":\"auditors\","
	    "\"comment\":\"Read-only access\",\"users\":\"auditor@pve\"}");
	put_docf(s, "group", "", "operators", "{\"groupid\":\"operators\","
	    "\"comment\":\"Pool operators\",\"users\":\"operator@pve\"}");
	for (i = 0; i < 3; i++) {
		char *sec = secret_setting(s, toks[i].key, 1);

		put_docf(s, "token", toks[i].user, toks[i].tok,
		    "{\"tokenid\":\"%s\",\"privsep\":%d,\"expire\":0,"
		    "\"comment\":\"%s\"}", toks[i].tok, toks[i].privsep,
		    i == 0 ? "pxsim full access" : i == 1 ? "read-only" :
		    "dev pool operator");
		put_docf(s, "tokensecret", toks[i].user, toks[i].tok,
		    "{\"value\":\"%s\"}", sec);
		free(sec);
	}
	pw = secret_setting(s, "password.root@pam", 0);
	put_docf(s, "passwd", "", "root@pam", "{\"password\":\"%s\"}", pw);
	free(pw);
	pw = secret_setting(s, "password.auditor@pve", 0);
	put_docf(s, "passwd", "", "auditor@pve", "{\"password\":\"%s\"}", pw);
	free(pw);
	pw = secret_setting(s, "password.operator@pve", 0);
	put_docf(s, "passwd", "", "operator@pve", "{\"password\":\"%s\"}", pw);
	free(pw);
	put_acl(s, "/", "user", "auditor@pve", "PVEAuditor");
	put_acl(s, "/", "token", "auditor@pve!ro", "PVEAuditor");
	put_acl(s, "/pool/dev", "user", "operator@pve", "PVEVMUser");
	put_acl(s, "/pool/dev", "token", "operator@pve!ops", "PVEVMUser");
}

static void
generate(struct sim *s)
{
	time_t now = time(NULL);
	char buf[64];

	memset(s->rng_state, 0, sizeof(s->rng_state));
	model_begin(s);
	{
		char *msg = NULL;

		if (sqlite3_exec(s->db, WIPE, NULL, NULL, &msg) != SQLITE_OK) {
			px_warn("sqlite: %s", msg ? msg : "?");
			sqlite3_free(msg);
		}
	}
	gen_nodes(s, now);
	gen_storages(s);
	gen_pools(s);
	gen_media(s, now);
	gen_guests(s, now);
	gen_access(s);
	seed_access(s);
	seed_cluster(s);
	seed_node(s);
	snprintf(buf, sizeof(buf), "%d", s->opt.nodes);
	model_set_setting(s, "gen.nodes", buf);
	snprintf(buf, sizeof(buf), "%d", s->opt.guests);
	model_set_setting(s, "gen.guests", buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->opt.seed);
	model_set_setting(s, "gen.seed", buf);
	model_commit(s);
	sim_perm_invalidate(s);
}

/* ---- loading ---- */

static sqlite3_stmt *
q(struct sim *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		px_warn("sqlite: %s", sqlite3_errmsg(s->db));
	return st;
}

static char *
cstr(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t && *t ? px_xstrdup((const char *)t) : NULL;
}

static char *
cstr0(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return px_xstrdup(t ? (const char *)t : "");
}

static void
load(struct sim *s)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if ((st = q(s, "SELECT name, nodeid, ip, offline, cpus, sockets, "
	    "cpumodel, maxmem, swap, rootfs, boot, kernel, pveversion, fp "
	    "FROM nodes ORDER BY nodeid")) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_node *n;

			s->nodes = px_xrealloc(s->nodes, (s->nnodes + 1) *
			    sizeof(*s->nodes));
			n = &s->nodes[s->nnodes++];
			memset(n, 0, sizeof(*n));
			n->name = cstr0(st, 0);
			n->nodeid = sqlite3_column_int(st, 1);
			n->ip = cstr0(st, 2);
			n->offline = sqlite3_column_int(st, 3);
			n->cpus = sqlite3_column_int(st, 4);
			n->sockets = sqlite3_column_int(st, 5);
			n->cpumodel = cstr0(st, 6);
			n->maxmem = (uint64_t)sqlite3_column_int64(st, 7);
			n->swap = (uint64_t)sqlite3_column_int64(st, 8);
			n->rootfs = (uint64_t)sqlite3_column_int64(st, 9);
			n->boot = (time_t)sqlite3_column_int64(st, 10);
			n->kernel = cstr0(st, 11);
			n->pveversion = cstr0(st, 12);
			n->ssl_fingerprint = cstr0(st, 13);
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT vmid, type, node, status, name, template, tags,"
	    " pool, lock, ha, agent, cpus, maxmem, maxdisk, started, ip,"
	    " snapparent FROM guests ORDER BY vmid")) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_guest *g = px_xcalloc(1, sizeof(*g));
			const char *node = (const char *)
			    sqlite3_column_text(st, 2);
			struct sim_node *n = sim_node_find(s, node ? node : "");

			g->vmid = sqlite3_column_int(st, 0);
			g->type = sqlite3_column_int(st, 1) ? SIM_LXC : SIM_QEMU;
			g->node = n ? (int)(n - s->nodes) : 0;
			g->status = (enum sim_gstatus)sqlite3_column_int(st, 3);
			g->name = cstr0(st, 4);
			g->template_ = sqlite3_column_int(st, 5);
			g->tags = cstr(st, 6);
			g->pool = cstr(st, 7);
			g->lock = cstr(st, 8);
			g->ha = sqlite3_column_int(st, 9);
			g->agent = sqlite3_column_int(st, 10);
			g->cpus = sqlite3_column_int(st, 11);
			g->maxmem = (uint64_t)sqlite3_column_int64(st, 12);
			g->maxdisk = (uint64_t)sqlite3_column_int64(st, 13);
			g->started = (time_t)sqlite3_column_int64(st, 14);
			g->ip = cstr(st, 15);
			g->snapparent = cstr(st, 16);
			if (s->nguests == cap) {
				cap = cap ? cap * 2 : 256;
				s->guests = px_xrealloc(s->guests, cap *
				    sizeof(*s->guests));
			}
			s->guests[s->nguests++] = g;
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT vmid, ord, name, parent, description, snaptime,"
	    " vmstate FROM snaps ORDER BY vmid, ord")) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_guest *g = sim_guest_find(s,
			    sqlite3_column_int(st, 0));
			struct sim_snap *sn;

			if (g == NULL)
				continue;
			g->snaps = px_xrealloc(g->snaps, (g->nsnaps + 1) *
			    sizeof(*g->snaps));
			sn = &g->snaps[g->nsnaps++];
			memset(sn, 0, sizeof(*sn));
			sn->name = cstr0(st, 2);
			sn->parent = cstr(st, 3);
			sn->description = cstr(st, 4);
			sn->snaptime = (time_t)sqlite3_column_int64(st, 5);
			sn->vmstate = sqlite3_column_int(st, 6);
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT vmid, section, key, val FROM guestcfg "
	    "ORDER BY vmid, section, ord")) != NULL) {
		struct sim_guest *g = NULL;

		while (sqlite3_step(st) == SQLITE_ROW) {
			int vmid = sqlite3_column_int(st, 0);
			const char *sec = (const char *)
			    sqlite3_column_text(st, 1);
			const char *k = (const char *)sqlite3_column_text(st, 2);
			const char *v = (const char *)sqlite3_column_text(st, 3);
			struct sim_kvlist *l = NULL;
			size_t i;

			if (g == NULL || g->vmid != vmid)
				g = sim_guest_find(s, vmid);
			if (g == NULL || sec == NULL || k == NULL)
				continue;
			if (*sec == '\0')
				l = &g->config;
			else if (strcmp(sec, "~pending") == 0)
				l = &g->pending;
			else
				for (i = 0; i < g->nsnaps; i++)
					if (strcmp(g->snaps[i].name, sec) == 0)
						l = &g->snaps[i].config;
			if (l)
				sim_kv_add(l, k, v ? v : "");
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT id, type, content, shared, nodes, disabled, "
	    "total FROM storages ORDER BY ord")) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_storage *sto;

			s->storages = px_xrealloc(s->storages,
			    (s->nstorages + 1) * sizeof(*s->storages));
			sto = &s->storages[s->nstorages++];
			memset(sto, 0, sizeof(*sto));
			sto->id = cstr0(st, 0);
			sto->type = cstr0(st, 1);
			sto->content = cstr0(st, 2);
			sto->shared = sqlite3_column_int(st, 3);
			sto->nodes = cstr(st, 4);
			sto->disabled = sqlite3_column_int(st, 5);
			sto->total = (uint64_t)sqlite3_column_int64(st, 6);
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT id, key, val FROM storagecfg ORDER BY id, ord"))
	    != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			struct sim_storage *sto = sim_storage_find(s,
			    id ? id : "");
			const char *k = (const char *)sqlite3_column_text(st, 1);
			const char *v = (const char *)sqlite3_column_text(st, 2);

			if (sto && k)
				sim_kv_add(&sto->config, k, v);
		}
		sqlite3_finalize(st);
	}
	cap = 0;
	if ((st = q(s, "SELECT volid, node, storage, content, format, size, "
	    "used, vmid, ctime, notes, protected FROM volumes ORDER BY rowid"))
	    != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_volume *v = px_xcalloc(1, sizeof(*v));

			v->volid = cstr0(st, 0);
			v->node = cstr(st, 1);
			v->storage = cstr0(st, 2);
			v->content = cstr0(st, 3);
			v->format = cstr0(st, 4);
			v->size = (uint64_t)sqlite3_column_int64(st, 5);
			v->used = (uint64_t)sqlite3_column_int64(st, 6);
			v->vmid = sqlite3_column_int(st, 7);
			v->ctime = (time_t)sqlite3_column_int64(st, 8);
			v->notes = cstr(st, 9);
			v->protected_ = sqlite3_column_int(st, 10);
			if (s->nvolumes == cap) {
				cap = cap ? cap * 2 : 256;
				s->volumes = px_xrealloc(s->volumes, cap *
				    sizeof(*s->volumes));
			}
			s->volumes[s->nvolumes++] = v;
		}
		sqlite3_finalize(st);
	}
	if ((st = q(s, "SELECT poolid, comment, storages FROM pools "
	    "ORDER BY rowid")) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct sim_pool *p;

			s->pools = px_xrealloc(s->pools, (s->npools + 1) *
			    sizeof(*s->pools));
			p = &s->pools[s->npools++];
			p->poolid = cstr0(st, 0);
			p->comment = cstr(st, 1);
			p->storages = cstr(st, 2);
		}
		sqlite3_finalize(st);
	}
	tasks_load(s);
}

static int
setting_int(struct sim *s, const char *key, long long *out)
{
	char *v = model_setting(s, key);

	if (v == NULL)
		return -1;
	*out = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

/* Open STATEDIR/sim.db; load or generate the model. */
int
model_open(struct sim *s, int reset, char *err, size_t errn)
{
	char path[1100];
	char *msg = NULL;
	long long n = 0, g = 0, seed = 0;
	int have;

	snprintf(path, sizeof(path), "%s/sim.db", s->opt.statedir);
	if (sqlite3_open(path, &s->db) != SQLITE_OK) {
		snprintf(err, errn, "%s: %s", path, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_exec(s->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errn, "%s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	have = setting_int(s, "gen.nodes", &n) == 0 &&
	    setting_int(s, "gen.guests", &g) == 0 &&
	    setting_int(s, "gen.seed", &seed) == 0;
	if (have && !reset) {
		/* options not given explicitly follow the stored state */
		if (s->opt.nodes <= 0)
			s->opt.nodes = (int)n;
		if (s->opt.guests < 0)
			s->opt.guests = (int)g;
		if (s->opt.seed == UINT64_MAX)
			s->opt.seed = (uint64_t)seed;
		if (s->opt.nodes != n || s->opt.guests != g ||
		    s->opt.seed != (uint64_t)seed)
			reset = 1;
	}
	if (s->opt.nodes <= 0)
		s->opt.nodes = 3;
	if (s->opt.guests < 0)
		s->opt.guests = 60;
	if (s->opt.seed == UINT64_MAX)
		s->opt.seed = 1;
	if (!have || reset)
		generate(s);
	else
		load(s);
	return 0;
}

/* Regenerate everything from the seed. */
void
model_regenerate(struct sim *s)
{
	free_memory_model(s);
	generate(s);
}

/* Free the model and close the database. */
void
model_close(struct sim *s)
{
	free_memory_model(s);
	if (s->db)
		sqlite3_close(s->db);
	s->db = NULL;
}

static char *
doc_field(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *field)
{
	char *js = sim_doc_get(s, kind, parent, id), *v = NULL;
	struct json j;
	struct px_err e;

	if (js == NULL)
		return NULL;
	if (json_parse(&j, js, strlen(js), &e) == 0) {
		v = json_get_str(&j, 0, field);
		json_free(&j);
	}
	free(js);
	return v;
}

/* The secret of token user!tok, or NULL; caller frees. */
char *
model_token_secret(struct sim *s, const char *user, const char *tok)
{
	return doc_field(s, "tokensecret", user, tok, "value");
}

/* The password of user, or NULL; caller frees. */
char *
model_password(struct sim *s, const char *user)
{
	return doc_field(s, "passwd", "", user, "password");
}
