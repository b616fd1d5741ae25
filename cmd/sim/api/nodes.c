/*
 * nodes.c -- pxsim's cluster-level core endpoints: /version, /nodes,
 * /nodes/{node}/status, /cluster/status, /cluster/resources,
 * /cluster/nextid, storages (/storage, /nodes/{node}/storage...), pools,
 * and RRD data for nodes and storages (sim_rrd_level for guests too).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"
#include "storage_check.h"

#define H(name) static void name(struct sim *s, struct sim_req *rq, \
	struct sim_resp *rs, const struct sim_match *m)
#define UNUSED4 (void)s; (void)rq; (void)rs; (void)m

/* ---- /version, /nodes ---- */

int
sim_pve_at_least(const struct sim *s, int maj, int min)
{
	int a = 9, b = 1;

	if (s->opt.release[0])
		sscanf(s->opt.release, "%d.%d", &a, &b);
	return a > maj || (a == maj && b >= min);
}

H(h_version)
{
	const char *rel = s->opt.release[0] ? s->opt.release : "9.1";
	const char *ver = strcmp(rel, "8.0") == 0 ? "8.0.4" :
	    strcmp(rel, "8.4") == 0 ? "8.4.1" : "9.1.1";
	char body[160];

	(void)rq; (void)m;
	snprintf(body, sizeof(body), "{\"version\":\"%s\",\"release\":"
	    "\"%s\",\"repoid\":\"42db4a6c\",\"console\":\"html5\"}", ver,
	    rel);
	sim_ok_json(rs, body);
}

static void
write_node_row(struct sim *s, struct jw *w, const struct sim_node *n,
    int resources)
{
	struct sim_stats st;
	char id[96];

	snprintf(id, sizeof(id), "node/%s", n->name);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "type", "node");
	jw_kstr(w, "node", n->name);
	jw_kstr(w, "status", n->offline ? "offline" : "online");
	if (!n->offline) {
		sim_node_stats(s, n, &st);
		jw_knum(w, "cpu", st.cpu);
		jw_kint(w, "maxcpu", n->cpus);
		jw_kuint(w, "mem", st.mem);
		jw_kuint(w, "maxmem", n->maxmem);
		jw_kuint(w, "disk", st.disk);
		jw_kuint(w, "maxdisk", st.maxdisk);
		jw_kuint(w, "uptime", st.uptime);
		if (resources)
			jw_kint(w, "cgroup-mode", 2);
		else
			jw_kstr(w, "ssl_fingerprint", n->ssl_fingerprint);
	}
	jw_kstr(w, "level", "");
	jw_end(w);
}

H(h_nodes)
{
	struct jw w;
	size_t i;

	(void)m;
	(void)rq;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nnodes; i++)
		write_node_row(s, &w, &s->nodes[i], 0);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_node_index)
{
	static const char *dirs[] = { "aplinfo", "apt", "capabilities",
	    "ceph", "certificates", "config", "disks", "dns", "firewall",
	    "hardware", "hosts", "journal", "lxc", "migrateall", "netstat",
	    "network", "qemu", "query-url-metadata", "replication", "report",
	    "rrd", "rrddata", "scan", "sdn", "services", "spiceshell",
	    "startall", "status", "stopall", "storage", "subscription",
	    "suspendall", "syslog", "tasks", "termproxy", "time", "version",
	    "vncshell", "vzdump", "wakeonlan", NULL };
	struct jw w;
	int i;

	UNUSED4;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; dirs[i]; i++) {
		jw_obj(&w);
		jw_kstr(&w, "name", dirs[i]);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_node_status)
{
	struct sim_node *n = sim_node_find(s, sim_var(m, "node"));
	struct sim_stats st;
	struct jw w;
	char la[32];
	int i;

	(void)rq;
	sim_node_stats(s, n, &st);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_key(&w, "boot-info");
	jw_obj(&w);
	jw_kstr(&w, "mode", "efi");
	jw_kbool(&w, "secureboot", 0);
	jw_end(&w);
	jw_knum(&w, "cpu", st.cpu);
	jw_key(&w, "cpuinfo");
	jw_obj(&w);
	jw_kint(&w, "cores", n->cpus / 2 / n->sockets * n->sockets);
	jw_kint(&w, "cpus", n->cpus);
	jw_kstr(&w, "model", n->cpumodel);
	jw_kint(&w, "sockets", n->sockets);
	jw_end(&w);
	jw_key(&w, "current-kernel");
	jw_obj(&w);
	jw_kstr(&w, "machine", "x86_64");
	jw_kstr(&w, "release", n->kernel);
	jw_kstr(&w, "sysname", "Linux");
	jw_kstr(&w, "version", "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 "
	    "(2025-10-21T11:55Z)");
	jw_end(&w);
	jw_kstr(&w, "kversion", "Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC "
	    "PMX 6.17.2-1 (2025-10-21T11:55Z)");
	jw_key(&w, "loadavg");
	jw_arr(&w);
	for (i = 0; i < 3; i++) {
		snprintf(la, sizeof(la), "%.2f", st.loadavg[i]);
		jw_str(&w, la);
	}
	jw_end(&w);
	jw_knum(&w, "wait", st.iowait);
	jw_key(&w, "memory");
	jw_obj(&w);
	jw_kuint(&w, "total", n->maxmem);
	jw_kuint(&w, "used", st.mem);
	jw_kuint(&w, "free", n->maxmem - st.mem);
	jw_kuint(&w, "available", n->maxmem - st.mem + st.mem / 10);
	jw_end(&w);
	jw_key(&w, "swap");
	jw_obj(&w);
	jw_kuint(&w, "total", n->swap);
	jw_kuint(&w, "used", st.swap_used);
	jw_kuint(&w, "free", n->swap - st.swap_used);
	jw_end(&w);
	jw_key(&w, "ksm");
	jw_obj(&w);
	jw_kint(&w, "shared", 0);
	jw_end(&w);
	jw_kstr(&w, "pveversion", n->pveversion);
	jw_key(&w, "rootfs");
	jw_obj(&w);
	jw_kuint(&w, "total", n->rootfs);
	jw_kuint(&w, "used", st.disk);
	jw_kuint(&w, "free", n->rootfs - st.disk);
	jw_kuint(&w, "avail", n->rootfs - st.disk - n->rootfs / 20);
	jw_end(&w);
	jw_kuint(&w, "uptime", st.uptime);
	jw_kint(&w, "idle", 0);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ---- /cluster ---- */

H(h_cluster_index)
{
	UNUSED4;
	sim_ok_json(rs, "[{\"name\":\"log\"},{\"name\":\"options\"},"
	    "{\"name\":\"resources\"},{\"name\":\"tasks\"},"
	    "{\"name\":\"backup\"},{\"name\":\"ha\"},{\"name\":\"status\"},"
	    "{\"name\":\"nextid\"},{\"name\":\"firewall\"},"
	    "{\"name\":\"replication\"},{\"name\":\"config\"},"
	    "{\"name\":\"mapping\"},{\"name\":\"notifications\"},"
	    "{\"name\":\"sdn\"},{\"name\":\"metrics\"},{\"name\":\"ceph\"},"
	    "{\"name\":\"jobs\"},{\"name\":\"acme\"},"
	    "{\"name\":\"backup-info\"}]");
}

H(h_cluster_status)
{
	struct jw w;
	size_t i, online = 0;

	(void)rq;
	(void)m;
	for (i = 0; i < s->nnodes; i++)
		online += !s->nodes[i].offline;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "id", "cluster");
	jw_kstr(&w, "type", "cluster");
	jw_kstr(&w, "name", s->clustername);
	jw_kint(&w, "nodes", (long long)s->nnodes);
	jw_kint(&w, "quorate", online * 2 > s->nnodes);
	jw_kint(&w, "version", (long long)s->nnodes + 2);
	jw_end(&w);
	for (i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		char id[96];

		snprintf(id, sizeof(id), "node/%s", n->name);
		jw_obj(&w);
		jw_kstr(&w, "id", id);
		jw_kstr(&w, "type", "node");
		jw_kstr(&w, "name", n->name);
		jw_kint(&w, "nodeid", n->nodeid);
		jw_kstr(&w, "ip", n->ip);
		jw_kint(&w, "online", !n->offline);
		jw_kint(&w, "local", i == 0);
		jw_kstr(&w, "level", "");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* One guest row of /cluster/resources (also used by pool members). */
void
sim_write_guest_resource(struct sim *s, struct jw *w,
    const struct sim_guest *g)
{
	const struct sim_node *n = &s->nodes[g->node];
	struct sim_stats st;
	char id[32];

	snprintf(id, sizeof(id), "%s/%d", sim_gtype_name(g->type), g->vmid);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "type", sim_gtype_name(g->type));
	jw_kint(w, "vmid", g->vmid);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "node", n->name);
	if (n->offline) {
		jw_kstr(w, "status", "unknown");
	} else {
		jw_kstr(w, "status", g->status == SIM_PAUSED ? "running" :
		    sim_gstatus_name(g->status));
	}
	jw_kint(w, "template", g->template_);
	if (g->tags)
		jw_kstr(w, "tags", g->tags);
	if (g->pool)
		jw_kstr(w, "pool", g->pool);
	if (g->lock)
		jw_kstr(w, "lock", g->lock);
	if (g->ha)
		jw_kstr(w, "hastate", sim_fault_ha_error(g->vmid) ? "error" :
		    g->status == SIM_STOPPED ? "stopped" : "started");
	jw_kint(w, "maxcpu", g->cpus);
	jw_kuint(w, "maxmem", g->maxmem);
	jw_kuint(w, "maxdisk", g->maxdisk);
	if (!n->offline) {
		sim_guest_stats(s, g, &st);
		jw_knum(w, "cpu", st.cpu);
		jw_kuint(w, "mem", st.mem);
		jw_kuint(w, "disk", st.disk);
		jw_kuint(w, "netin", st.netin);
		jw_kuint(w, "netout", st.netout);
		jw_kuint(w, "diskread", st.diskread);
		jw_kuint(w, "diskwrite", st.diskwrite);
		jw_kuint(w, "uptime", st.uptime);
	}
	jw_end(w);
}

static void
write_storage_resource(struct sim *s, struct jw *w,
    const struct sim_storage *st, const struct sim_node *n)
{
	char id[192];

	snprintf(id, sizeof(id), "storage/%s/%s", n->name, st->id);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "type", "storage");
	jw_kstr(w, "storage", st->id);
	jw_kstr(w, "node", n->name);
	jw_kstr(w, "status", n->offline ? "unknown" : "available");
	jw_kstr(w, "plugintype", st->type);
	jw_kstr(w, "content", st->content);
	jw_kint(w, "shared", st->shared);
	if (!n->offline) {
		jw_kuint(w, "disk", sim_storage_used(s, st, n->name));
		jw_kuint(w, "maxdisk", st->total);
	}
	jw_end(w);
}

static int
storage_visible(struct sim *s, const struct sim_req *rq, const char *id)
{
	char path[192];

	snprintf(path, sizeof(path), "/storage/%s", id);
	return sim_check_perm(s, rq, path, "Datastore.Audit|"
	    "Datastore.AllocateSpace", NULL) == 0;
}

/*
 * /cluster/resources is cached for the rest of the current second per
 * identity and type, until the model changes: real PVE serves it from
 * pmxcfs' status, which is refreshed every few seconds, and with 10,000
 * guests clients poll it hard.
 */
struct res_cache {
	char key[256];
	int dirty;
	unsigned perm_gen;
	time_t when;
	struct sim_body *body;	/* sent by every answer that finds it */
};
static struct res_cache res_cache[8];
static unsigned res_cache_next;

static struct res_cache *
res_cache_find(struct sim *s, const char *key)
{
	size_t i;

	for (i = 0; i < 8; i++) {
		struct res_cache *c = &res_cache[i];

		if (c->body && strcmp(c->key, key) == 0 &&
		    c->dirty == s->dirty && c->perm_gen == s->perm_gen &&
		    c->when == sim_now(s))
			return c;
	}
	return NULL;
}

/* The body built in rs kept for the rest of the second, and rs sends
 * the kept one (a copy less). */
static void
res_cache_store(struct sim *s, const char *key, struct sim_resp *rs)
{
	struct res_cache *c = &res_cache[res_cache_next++ % 8];

	snprintf(c->key, sizeof(c->key), "%s", key);
	c->dirty = s->dirty;
	c->perm_gen = s->perm_gen;
	c->when = sim_now(s);
	sim_body_release(c->body);
	c->body = sim_body_new(rs->body.p, rs->body.len);
	buf_reset(&rs->body);
	rs->shared = sim_body_hold(c->body);
}

H(h_cluster_resources)
{
	const char *type = sim_param(rq, "type");
	struct res_cache *c;
	struct jw w;
	size_t i, k;
	char path[128], key[256];

	(void)m;
	if (type && strcmp(type, "vm") && strcmp(type, "storage") &&
	    strcmp(type, "node") && strcmp(type, "sdn") && strcmp(type, "pool")) {
		sim_param_errorf(rs, "type", "value '%s' does not have a value "
		    "in the enumeration 'vm, storage, node, sdn, pool'", type);
		return;
	}
	snprintf(key, sizeof(key), "%s|%s", rq->authid ? rq->authid : "",
	    type ? type : "");
	if ((c = res_cache_find(s, key)) != NULL) {
		buf_reset(&rs->body);
		rs->shared = sim_body_hold(c->body);
		return;
	}
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	if (type == NULL || strcmp(type, "node") == 0) {
		for (i = 0; i < s->nnodes; i++) {
			snprintf(path, sizeof(path), "/nodes/%s",
			    s->nodes[i].name);
			if (sim_check_perm(s, rq, path, "Sys.Audit", NULL) == 0)
				write_node_row(s, &w, &s->nodes[i], 1);
		}
	}
	if (type == NULL || strcmp(type, "vm") == 0) {
		for (i = 0; i < s->nguests; i++) {
			snprintf(path, sizeof(path), "/vms/%d",
			    s->guests[i]->vmid);
			if (sim_check_perm(s, rq, path, "VM.Audit", NULL) == 0)
				sim_write_guest_resource(s, &w, s->guests[i]);
		}
	}
	if (type == NULL || strcmp(type, "storage") == 0) {
		for (i = 0; i < s->nnodes; i++)
			for (k = 0; k < s->nstorages; k++) {
				const struct sim_storage *st = &s->storages[k];

				if (st->disabled ||
				    !sim_storage_on_node(st, s->nodes[i].name) ||
				    !storage_visible(s, rq, st->id))
					continue;
				write_storage_resource(s, &w, st, &s->nodes[i]);
			}
	}
	if (type == NULL || strcmp(type, "pool") == 0) {
		for (i = 0; i < s->npools; i++) {
			snprintf(path, sizeof(path), "/pool/%s",
			    s->pools[i].poolid);
			if (sim_check_perm(s, rq, path, "Pool.Audit", NULL) != 0)
				continue;
			jw_obj(&w);
			jw_kstr(&w, "id", path);
			jw_kstr(&w, "type", "pool");
			jw_kstr(&w, "pool", s->pools[i].poolid);
			jw_end(&w);
		}
	}
	if (type == NULL || strcmp(type, "sdn") == 0) {
		for (i = 0; i < s->nnodes; i++) {
			const struct sim_node *n = &s->nodes[i];

			snprintf(path, sizeof(path), "sdn/%s/localnetwork",
			    n->name);
			if (sim_check_perm(s, rq, "/sdn/zones/localnetwork",
			    "SDN.Audit", NULL) != 0)
				continue;
			jw_obj(&w);
			jw_kstr(&w, "id", path);
			jw_kstr(&w, "type", "sdn");
			jw_kstr(&w, "sdn", "localnetwork");
			jw_kstr(&w, "node", n->name);
			jw_kstr(&w, "status", n->offline ? "unknown" : "ok");
			jw_end(&w);
		}
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	res_cache_store(s, key, rs);
}

H(h_nextid)
{
	const char *v = sim_param(rq, "vmid");
	char buf[32];

	(void)m;
	if (v) {
		char *end;
		long long id = strtoll(v, &end, 10);

		if (*end != '\0' || end == v || id < 100 || id > 999999999) {
			sim_param_error(rs, "vmid", "invalid format - value does "
			    "not look like a valid VM ID\n");
			return;
		}
		if (sim_guest_find(s, (int)id)) {
			sim_param_errorf(rs, "vmid", "VM %lld already exists",
			    id);
			return;
		}
		snprintf(buf, sizeof(buf), "\"%lld\"", id);
	} else {
		snprintf(buf, sizeof(buf), "\"%d\"", sim_next_vmid(s));
	}
	sim_ok_json(rs, buf);
}

/* ---- storages ---- */

static int
storage_id_ok(const char *id)
{
	size_t i;

	if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' &&
	    id[0] <= 'Z')))
		return 0;
	for (i = 0; id[i]; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' &&
		    id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') ||
		    id[i] == '-' || id[i] == '_' || id[i] == '.'))
			return 0;
	return i > 0 && i < 64;
}

static void
write_storage_config(struct jw *w, const struct sim_storage *st,
    const char *digest)
{
	size_t i;

	jw_obj(w);
	jw_kstr(w, "storage", st->id);
	jw_kstr(w, "type", st->type);
	jw_kstr(w, "content", st->content);
	if (st->shared)
		jw_kint(w, "shared", 1);
	if (st->nodes)
		jw_kstr(w, "nodes", st->nodes);
	if (st->disabled)
		jw_kint(w, "disable", 1);
	for (i = 0; i < st->config.n; i++)
		jw_kstr(w, st->config.v[i].key, st->config.v[i].val);
	/* PVE's digest is storage.cfg's: any definition's change moves
	 * every one's */
	jw_kstr(w, "digest", digest);
	jw_end(w);
}

H(h_storage_list)
{
	const char *type = sim_param(rq, "type");
	char digest[41];
	struct jw w;
	size_t i;

	(void)m;
	sim_storage_digest(s, digest);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nstorages; i++) {
		if (type && strcmp(type, s->storages[i].type) != 0)
			continue;
		if (!storage_visible(s, rq, s->storages[i].id))
			continue;
		write_storage_config(&w, &s->storages[i], digest);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_storage_get)
{
	struct sim_storage *st = sim_storage_find(s, sim_var(m, "storage"));
	char digest[41];
	struct jw w;

	(void)rq;
	if (st == NULL) {
		sim_error(rs, 500, "storage '%s' does not exist",
		    sim_var(m, "storage"));
		return;
	}
	sim_storage_digest(s, digest);
	sim_ok_begin(rs, &w);
	write_storage_config(&w, st, digest);
	sim_ok_end(rs, &w);
}

static const char *storage_core_keys[] = { "storage", "type", "content",
    "shared", "nodes", "disable", "digest", "delete", NULL };

static int
is_core_key(const char *k)
{
	int i;

	for (i = 0; storage_core_keys[i]; i++)
		if (strcmp(storage_core_keys[i], k) == 0)
			return 1;
	return 0;
}

static void
storage_apply(struct sim_storage *st, const struct sim_req *rq)
{
	const char *v;
	size_t i;

	if ((v = sim_param(rq, "content")) != NULL)
		sim_str_set(&st->content, v);
	if ((v = sim_param(rq, "shared")) != NULL)
		st->shared = sim_param_bool(rq, "shared", 0);
	if ((v = sim_param(rq, "nodes")) != NULL)
		sim_str_set(&st->nodes, *v ? v : NULL);
	if ((v = sim_param(rq, "disable")) != NULL)
		st->disabled = sim_param_bool(rq, "disable", 0);
	for (i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key;

		/* secrets go to /etc/pve/priv, not storage.cfg; a master
		 * key is kept there too, storage.cfg only says it is set */
		if (is_core_key(k) || sim_storage_secret(k))
			continue;
		sim_kv_set(&st->config, k, strcmp(k, "master-pubkey") == 0 ?
		    "1" : rq->params.v[i].val);
	}
	if ((v = sim_param(rq, "delete")) != NULL) {
		char *copy = px_xstrdup(v), *p, *save = NULL;

		for (p = strtok_r(copy, ",; ", &save); p;
		    p = strtok_r(NULL, ",; ", &save)) {
			if (strcmp(p, "nodes") == 0)
				sim_str_set(&st->nodes, NULL);
			else if (strcmp(p, "disable") == 0)
				st->disabled = 0;
			else
				sim_kv_del(&st->config, p);
		}
		free(copy);
	}
}

H(h_storage_create)
{
	const char *id = sim_param(rq, "storage"), *type = sim_param(rq,
	    "type");
	static const char *types[] = { "btrfs", "cephfs", "cifs", "dir",
	    "esxi", "iscsi", "iscsidirect", "lvm", "lvmthin", "nfs", "pbs",
	    "rbd", "zfs", "zfspool", NULL };
	struct sim_storage st;
	struct jw w;
	int i, ok = 0;

	(void)m;
	if (sim_param_require(rq, rs, "storage", "type", NULL) != 0)
		return;
	if (!storage_id_ok(id)) {
		sim_param_error(rs, "storage", "invalid format - storage ID "
		    "contains illegal characters\n");
		return;
	}
	for (i = 0; types[i]; i++)
		ok |= strcmp(types[i], type) == 0;
	if (!ok) {
		sim_param_errorf(rs, "type", "value '%s' does not have a value "
		    "in the enumeration 'btrfs, cephfs, cifs, dir, esxi, iscsi, "
		    "iscsidirect, lvm, lvmthin, nfs, pbs, rbd, zfs, zfspool'",
		    type);
		return;
	}
	if (sim_storage_check(s, rq, rs, type, 1) != 0)
		return;
	if (sim_storage_find(s, id)) {
		sim_error(rs, 500, "create storage failed: storage ID '%s' "
		    "already defined", id);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.id = px_xstrdup(id);
	st.type = px_xstrdup(type);
	st.content = px_xstrdup(strcmp(type, "dir") == 0 ||
	    strcmp(type, "nfs") == 0 || strcmp(type, "cifs") == 0 ?
	    "iso,vztmpl,backup" : strcmp(type, "pbs") == 0 ? "backup" :
	    strcmp(type, "cephfs") == 0 ? "vztmpl,iso,backup" :
	    strcmp(type, "iscsi") == 0 ? "images" : "images,rootdir");
	st.shared = strcmp(type, "nfs") == 0 || strcmp(type, "cifs") == 0 ||
	    strcmp(type, "rbd") == 0 || strcmp(type, "cephfs") == 0 ||
	    strcmp(type, "pbs") == 0;
	st.total = 4096ULL << 30;
	storage_apply(&st, rq);
	if ((strcmp(type, "nfs") == 0 || strcmp(type, "cifs") == 0 ||
	    strcmp(type, "cephfs") == 0) && sim_kv_get(&st.config,
	    "path") == NULL) {
		char path[128];

		snprintf(path, sizeof(path), "/mnt/pve/%s", id);
		sim_kv_set(&st.config, "path", path);
	}
	sim_storage_add(s, &st);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "storage", id);
	jw_kstr(&w, "type", type);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_storage_update)
{
	struct sim_storage *st = sim_storage_find(s, sim_var(m, "storage"));
	struct jw w;

	if (st == NULL) {
		sim_error(rs, 500, "update storage failed: error with cfs lock "
		    "'file-storage_cfg': storage '%s' does not exist",
		    sim_var(m, "storage"));
		return;
	}
	if (sim_storage_check(s, rq, rs, st->type, 0) != 0 ||
	    sim_storage_digest_check(s, rq, rs) != 0)
		return;
	storage_apply(st, rq);
	sim_storage_save(s, st);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "storage", st->id);
	jw_kstr(&w, "type", st->type);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_storage_delete)
{
	const char *id = sim_var(m, "storage");

	(void)rq;
	if (sim_storage_find(s, id) == NULL) {
		sim_error(rs, 500, "delete storage failed: error with cfs lock "
		    "'file-storage_cfg': storage '%s' does not exist", id);
		return;
	}
	sim_storage_remove(s, id);
	sim_ok_null(rs);
}

static struct sim_storage *
node_storage(struct sim *s, struct sim_resp *rs, const struct sim_match *m)
{
	const char *id = sim_var(m, "storage"), *node = sim_var(m, "node");
	struct sim_storage *st = sim_storage_find(s, id);

	if (st == NULL || !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", id);
		return NULL;
	}
	return st;
}

static void
write_node_storage(struct sim *s, struct jw *w, const struct sim_storage *st,
    const char *node, int with_id)
{
	uint64_t used = sim_storage_used(s, st, node);

	jw_obj(w);
	if (with_id)
		jw_kstr(w, "storage", st->id);
	jw_kstr(w, "type", st->type);
	jw_kstr(w, "content", st->content);
	jw_kint(w, "shared", st->shared);
	jw_kint(w, "active", !st->disabled);
	jw_kint(w, "enabled", !st->disabled);
	jw_kuint(w, "total", st->total);
	jw_kuint(w, "used", used);
	jw_kuint(w, "avail", st->total - used);
	/* The list declares used_fraction; .../status does not. */
	if (with_id)
		jw_knum(w, "used_fraction", st->total ? (double)used /
		    (double)st->total : 0);
	jw_end(w);
}

static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; p && (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

H(h_node_storage_list)
{
	const char *node = sim_var(m, "node"), *content = sim_param(rq,
	    "content"), *only = sim_param(rq, "storage");
	int enabled = sim_param_bool(rq, "enabled", 0);
	struct jw w;
	size_t i;

	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nstorages; i++) {
		const struct sim_storage *st = &s->storages[i];

		if (!sim_storage_on_node(st, node) ||
		    !storage_visible(s, rq, st->id))
			continue;
		if (only && strcmp(only, st->id) != 0)
			continue;
		if (enabled && st->disabled)
			continue;
		if (content && !has_word(st->content, content))
			continue;
		write_node_storage(s, &w, st, node, 1);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_node_storage_index)
{
	(void)rq;
	if (node_storage(s, rs, m) == NULL)
		return;
	sim_ok_json(rs, "[{\"subdir\":\"content\"},{\"subdir\":\"download-url"
	    "\"},{\"subdir\":\"file-restore\"},{\"subdir\":\"import-metadata\"},"
	    "{\"subdir\":\"prunebackups\"},{\"subdir\":\"rrd\"},{\"subdir\":"
	    "\"rrddata\"},{\"subdir\":\"status\"},{\"subdir\":\"upload\"}]");
}

H(h_node_storage_status)
{
	struct sim_storage *st = node_storage(s, rs, m);
	struct jw w;

	(void)rq;
	if (st == NULL)
		return;
	sim_ok_begin(rs, &w);
	write_node_storage(s, &w, st, sim_var(m, "node"), 0);
	sim_ok_end(rs, &w);
}

static void
write_volume(struct jw *w, const struct sim_volume *v)
{
	jw_obj(w);
	jw_kstr(w, "volid", v->volid);
	jw_kstr(w, "content", v->content);
	jw_kstr(w, "format", v->format);
	jw_kuint(w, "size", v->size);
	if (v->used)
		jw_kuint(w, "used", v->used);
	if (v->vmid)
		jw_kint(w, "vmid", v->vmid);
	jw_kint(w, "ctime", (long long)v->ctime);
	if (v->notes)
		jw_kstr(w, "notes", v->notes);
	if (strcmp(v->content, "backup") == 0) {
		jw_kint(w, "protected", v->protected_);
	}
	jw_end(w);
}

H(h_storage_content)
{
	struct sim_storage *st = node_storage(s, rs, m);
	const char *node = sim_var(m, "node");
	const char *content = sim_param(rq, "content");
	long long vmid = sim_param_int(rq, "vmid", 0);
	struct jw w;
	size_t i;

	if (st == NULL)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nvolumes; i++) {
		const struct sim_volume *v = s->volumes[i];

		if (strcmp(v->storage, st->id) != 0)
			continue;
		if (!st->shared && v->node && strcmp(v->node, node) != 0)
			continue;
		if (content && strcmp(content, v->content) != 0)
			continue;
		if (vmid && v->vmid != vmid)
			continue;
		write_volume(&w, v);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static struct sim_volume *
find_volume(struct sim *s, struct sim_resp *rs, const struct sim_match *m)
{
	const char *vol = sim_var(m, "volume"), *store = sim_var(m, "storage");
	char volid[512];
	struct sim_volume *v;

	if (strchr(vol, ':'))
		snprintf(volid, sizeof(volid), "%s", vol);
	else
		snprintf(volid, sizeof(volid), "%s:%s", store, vol);
	v = sim_volume_find(s, volid, sim_var(m, "node"));
	if (v == NULL)
		sim_error(rs, 500, "volume '%s' does not exist", volid);
	return v;
}

H(h_volume_get)
{
	struct sim_volume *v;
	struct jw w;

	(void)rq;
	if (node_storage(s, rs, m) == NULL || (v = find_volume(s, rs, m)) ==
	    NULL)
		return;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "path", v->volid);
	jw_kuint(&w, "size", v->size);
	jw_kuint(&w, "used", v->used ? v->used : v->size);
	jw_kstr(&w, "format", v->format);
	if (v->notes)
		jw_kstr(&w, "notes", v->notes);
	jw_kint(&w, "protected", v->protected_);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
volume_deleted(struct sim *s, struct sim_task *t)
{
	sim_volume_remove(s, (const char *)t->arg, t->node);
}

H(h_volume_delete)
{
	struct sim_volume *v;
	struct sim_task *t;

	if (node_storage(s, rs, m) == NULL || (v = find_volume(s, rs, m)) ==
	    NULL)
		return;
	if (v->protected_) {
		sim_error(rs, 500, "can't delete '%s' - backup is protected",
		    v->volid);
		return;
	}
	if (strcmp(v->content, "images") == 0 || strcmp(v->content, "rootdir")
	    == 0) {
		struct sim_guest *g = sim_guest_find(s, v->vmid);

		if (g && g->status == SIM_RUNNING) {
			sim_error(rs, 500, "unable to delete volume '%s' - "
			    "guest %d is running", v->volid, v->vmid);
			return;
		}
	}
	/* PVE forks imgdel without an id: a volid's ':' cannot be in a
	 * UPID */
	t = sim_task_start(s, sim_var(m, "node"), "imgdel", "",
	    rq->authid, 0.0, volume_deleted, NULL);
	t->arg = px_xstrdup(v->volid);
	sim_task_log(t, "Removed volume '%s'", v->volid);
	sim_upid_response(rs, t->upid);
}

/* ---- pools ---- */

static int
pool_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' &&
		    id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') ||
		    id[i] == '-' || id[i] == '_' || id[i] == '.'))
			return 0;
	return i > 0 && i < 64;
}

static void
write_pool_members(struct sim *s, const struct sim_req *rq, struct jw *w,
    const struct sim_pool *p, const char *type)
{
	size_t i, k;

	jw_key(w, "members");
	jw_arr(w);
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];

		if (g->pool == NULL || strcmp(g->pool, p->poolid) != 0)
			continue;
		if (type && strcmp(type, sim_gtype_name(g->type)) != 0)
			continue;
		sim_write_guest_resource(s, w, g);
	}
	for (k = 0; p->storages && k < s->nstorages; k++) {
		const struct sim_storage *st = &s->storages[k];

		if (!has_word(p->storages, st->id))
			continue;
		if (type && strcmp(type, "storage") != 0)
			continue;
		for (i = 0; i < s->nnodes; i++)
			if (sim_storage_on_node(st, s->nodes[i].name))
				write_storage_resource(s, w, st, &s->nodes[i]);
	}
	jw_end(w);
	(void)rq;
}

H(h_pools_list)
{
	const char *only = sim_param(rq, "poolid");
	const char *type = sim_param(rq, "type");
	struct jw w;
	size_t i;
	char path[128];

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->npools; i++) {
		const struct sim_pool *p = &s->pools[i];

		if (only && strcmp(only, p->poolid) != 0)
			continue;
		snprintf(path, sizeof(path), "/pool/%s", p->poolid);
		if (sim_check_perm(s, rq, path, "Pool.Audit", NULL) != 0)
			continue;
		jw_obj(&w);
		jw_kstr(&w, "poolid", p->poolid);
		if (p->comment)
			jw_kstr(&w, "comment", p->comment);
		if (only)
			write_pool_members(s, rq, &w, p, type);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_pool_get)
{
	struct sim_pool *p = sim_pool_find(s, sim_var(m, "poolid"));
	struct jw w;

	if (p == NULL) {
		sim_error(rs, 500, "pool '%s' does not exist",
		    sim_var(m, "poolid"));
		return;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	if (p->comment)
		jw_kstr(&w, "comment", p->comment);
	write_pool_members(s, rq, &w, p, sim_param(rq, "type"));
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_pool_create)
{
	const char *id = sim_param(rq, "poolid");
	struct sim_pool p;
	char path[128];

	(void)m;
	if (sim_param_require(rq, rs, "poolid", NULL) != 0)
		return;
	if (!pool_id_ok(id)) {
		sim_param_error(rs, "poolid", "invalid format - invalid pool "
		    "ID\n");
		return;
	}
	snprintf(path, sizeof(path), "/pool/%s", id);
	if (sim_check_perm(s, rq, path, "Pool.Allocate", rs) != 0)
		return;
	if (sim_pool_find(s, id)) {
		sim_error(rs, 500, "create pool failed: error during cfs-locked "
		    "'file-user_cfg' operation: pool '%s' already exists", id);
		return;
	}
	p.poolid = px_xstrdup(id);
	p.comment = sim_param(rq, "comment") ? px_xstrdup(sim_param(rq,
	    "comment")) : NULL;
	p.storages = NULL;
	sim_pool_add(s, &p);
	sim_ok_null(rs);
}

static void
pool_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *id)
{
	struct sim_pool *p = sim_pool_find(s, id);
	int del = sim_param_bool(rq, "delete", 0);
	int move = sim_param_bool(rq, "allow-move", 0);
	const char *v;
	char path[128];

	snprintf(path, sizeof(path), "/pool/%s", id);
	if (sim_check_perm(s, rq, path, "Pool.Allocate", rs) != 0)
		return;
	if (p == NULL) {
		sim_error(rs, 500, "update pools failed: error during "
		    "cfs-locked 'file-user_cfg' operation: pool '%s' does not "
		    "exist", id);
		return;
	}
	/* PVE checks every member under the lock before it writes: a
	 * refused one changes nothing */
	for (int pass = 0; pass < 2 && (v = sim_param(rq, "vms")) != NULL;
	    pass++) {
		char *copy = px_xstrdup(v), *q, *save = NULL;

		for (q = strtok_r(copy, ",; ", &save); q;
		    q = strtok_r(NULL, ",; ", &save)) {
			struct sim_guest *g = sim_guest_find(s, atoi(q));

			if (pass == 0 && g == NULL) {
				sim_error(rs, 500, "update pools failed: error "
				    "during cfs-locked 'file-user_cfg' "
				    "operation: no such VM '%s'", q);
				free(copy);
				return;
			}
			if (pass == 0 && !del && g->pool &&
			    strcmp(g->pool, id) != 0 && !move) {
				sim_error(rs, 500, "update pools failed: error "
				    "during cfs-locked 'file-user_cfg' "
				    "operation: VM %d belongs already to pool "
				    "'%s' and allow-move is not set", g->vmid,
				    g->pool);
				free(copy);
				return;
			}
			if (pass == 0)
				continue;
			if (del) {
				if (g->pool && strcmp(g->pool, id) == 0)
					sim_str_set(&g->pool, NULL);
			} else {
				sim_str_set(&g->pool, id);
			}
			sim_guest_save(s, g);
		}
		free(copy);
	}
	if ((v = sim_param(rq, "comment")) != NULL)
		sim_str_set(&p->comment, *v ? v : NULL);
	if ((v = sim_param(rq, "storage")) != NULL) {
		char *copy = px_xstrdup(v), *q, *save = NULL;
		struct buf b = {0};

		if (!del && p->storages)
			buf_adds(&b, p->storages);
		for (q = strtok_r(copy, ",; ", &save); q;
		    q = strtok_r(NULL, ",; ", &save)) {
			if (del) {
				continue;
			}
			if (!has_word(buf_str(&b), q))
				buf_printf(&b, "%s%s", b.len ? "," : "", q);
		}
		if (del && p->storages) {
			char *cur = px_xstrdup(p->storages), *r, *sv = NULL;

			for (r = strtok_r(cur, ",", &sv); r;
			    r = strtok_r(NULL, ",", &sv))
				if (!has_word(v, r))
					buf_printf(&b, "%s%s", b.len ? "," :
					    "", r);
			free(cur);
		}
		sim_str_set(&p->storages, b.len ? b.p : NULL);
		buf_free(&b);
		free(copy);
	}
	sim_pool_save(s, p);
	sim_ok_null(rs);
}

H(h_pool_update)
{
	pool_update(s, rq, rs, sim_var(m, "poolid"));
}

/* PUT and DELETE /pools?poolid= came with PVE 8.1 (nested pools). */
static int
pool_q_missing(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	if (sim_pve_at_least(s, 8, 1))
		return 0;
	sim_error(rs, 501, "Method '%s /pools' not implemented", rq->method);
	return 1;
}

H(h_pool_update_q)
{
	(void)m;
	if (pool_q_missing(s, rq, rs))
		return;
	if (sim_param_require(rq, rs, "poolid", NULL) != 0)
		return;
	pool_update(s, rq, rs, sim_param(rq, "poolid"));
}

static void
pool_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *id)
{
	struct sim_pool *p = sim_pool_find(s, id);
	char path[128];
	size_t i;

	snprintf(path, sizeof(path), "/pool/%s", id);
	if (sim_check_perm(s, rq, path, "Pool.Allocate", rs) != 0)
		return;
	if (p == NULL) {
		sim_error(rs, 500, "delete pool failed: error during cfs-locked "
		    "'file-user_cfg' operation: pool '%s' does not exist", id);
		return;
	}
	for (i = 0; i < s->nguests; i++)
		if (s->guests[i]->pool && strcmp(s->guests[i]->pool, id) == 0)
			break;
	if (i < s->nguests || p->storages) {
		sim_error(rs, 500, "delete pool failed: error during cfs-locked "
		    "'file-user_cfg' operation: pool '%s' is not empty", id);
		return;
	}
	sim_pool_remove(s, id);
	sim_ok_null(rs);
}

H(h_pool_delete)
{
	pool_delete(s, rq, rs, sim_var(m, "poolid"));
}

H(h_pool_delete_q)
{
	(void)m;
	if (pool_q_missing(s, rq, rs))
		return;
	if (sim_param_require(rq, rs, "poolid", NULL) != 0)
		return;
	pool_delete(s, rq, rs, sim_param(rq, "poolid"));
}

/* ---- RRD data ---- */

/* Check timeframe/cf; fill *step (seconds) and *max; -1 with rs. */
int
sim_rrd_params(const struct sim_req *rq, struct sim_resp *rs, int *step,
    int *max)
{
	const char *tf = sim_param(rq, "timeframe"), *cf = sim_param(rq, "cf");

	if (tf == NULL) {
		sim_param_error(rs, "timeframe",
		    "property is missing and it is not optional");
		return -1;
	}
	if (strcmp(tf, "hour") == 0)
		*step = 60;
	else if (strcmp(tf, "day") == 0)
		*step = 1800;
	else if (strcmp(tf, "week") == 0)
		*step = 10800;
	else if (strcmp(tf, "month") == 0)
		*step = 43200;
	else if (strcmp(tf, "year") == 0)
		*step = 604800;
	else if (strcmp(tf, "decade") == 0)
		*step = 6048000;
	else {
		sim_param_errorf(rs, "timeframe", "value '%s' does not have a "
		    "value in the enumeration 'hour, day, week, month, year, "
		    "decade'", tf);
		return -1;
	}
	if (cf && strcmp(cf, "AVERAGE") != 0 && strcmp(cf, "MAX") != 0) {
		sim_param_errorf(rs, "cf", "value '%s' does not have a value "
		    "in the enumeration 'AVERAGE, MAX'", cf);
		return -1;
	}
	*max = cf && strcmp(cf, "MAX") == 0;
	return 0;
}

/* A deterministic load figure in [0, 1] for (key, bucket). */
double
sim_rrd_level(struct sim *s, uint64_t key, long long t, int max)
{
	double d = (double)t;
	double v = 0.45 + 0.25 * sin(d / 43200.0 * 3.14159 + (double)(key %
	    17)) + 0.12 * sin(d / 3600.0 + (double)(key % 5));
	double noise = (double)(sim_hash(s, key, (uint64_t)t) % 1000) /
	    1000.0;

	v += 0.1 * (noise - 0.5);
	if (max)
		v += 0.1 + 0.1 * noise;
	if (v < 0.01)
		v = 0.01;
	if (v > 1)
		v = 1;
	return v;
}

H(h_node_rrddata)
{
	struct sim_node *n = sim_node_find(s, sim_var(m, "node"));
	int step, max, i;
	long long now = (long long)sim_now(s), t0;
	struct jw w;

	if (sim_rrd_params(rq, rs, &step, &max) != 0)
		return;
	t0 = now - now % step - 69LL * step;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < 70; i++) {
		long long t = t0 + (long long)i * step;
		double l = sim_rrd_level(s, 1000000 + (uint64_t)n->nodeid, t,
		    max);

		jw_obj(&w);
		jw_kint(&w, "time", t);
		if (t < n->boot) {
			jw_end(&w);
			continue;
		}
		jw_knum(&w, "cpu", 0.4 * l);
		jw_kint(&w, "maxcpu", n->cpus);
		jw_knum(&w, "iowait", 0.01 * l);
		jw_knum(&w, "loadavg", 0.4 * l * n->cpus);
		jw_kuint(&w, "memtotal", n->maxmem);
		jw_knum(&w, "memused", (double)n->maxmem * (0.3 + 0.4 * l));
		jw_kuint(&w, "swaptotal", n->swap);
		jw_knum(&w, "swapused", (double)n->swap * 0.02 * l);
		jw_kuint(&w, "roottotal", n->rootfs);
		jw_knum(&w, "rootused", (double)n->rootfs * 0.2);
		jw_knum(&w, "netin", 2e6 * l);
		jw_knum(&w, "netout", 1.3e6 * l);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_storage_rrddata)
{
	struct sim_storage *st = node_storage(s, rs, m);
	int step, max, i;
	long long now = (long long)sim_now(s), t0;
	uint64_t used;
	struct jw w;

	if (st == NULL || sim_rrd_params(rq, rs, &step, &max) != 0)
		return;
	used = sim_storage_used(s, st, sim_var(m, "node"));
	t0 = now - now % step - 69LL * step;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < 70; i++) {
		long long t = t0 + (long long)i * step;
		double grow = 1.0 - 0.002 * (69 - i) * (step / 1800.0 > 10 ?
		    10 : step / 1800.0);

		jw_obj(&w);
		jw_kint(&w, "time", t);
		jw_kuint(&w, "total", st->total);
		jw_knum(&w, "used", (double)used * (grow < 0.3 ? 0.3 : grow));
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_startall)
{
	struct sim_task *t;

	t = sim_task_start(s, sim_var(m, "node"), strstr(rq->path, "stopall")
	    ? "stopall" : "startall", "", rq->authid, -1, NULL, NULL);
	sim_tasks_bulk(s, t, strstr(rq->path, "stopall") == NULL,
	    sim_param_bool(rq, "force", 0), sim_param(rq, "vms"));
	sim_upid_response(rs, t->upid);
}

/* The core routes at cluster and node level. */
const struct sim_route sim_routes_core[] = {
	{ "GET", "/version", h_version, NULL, NULL, 0 },
	{ "GET", "/nodes", h_nodes, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}", h_node_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/status", h_node_status, "/nodes/{node}",
	    "Sys.Audit", 0 },
	{ "GET", "/nodes/{node}/rrddata", h_node_rrddata, "/nodes/{node}",
	    "Sys.Audit", 0 },
	{ "POST", "/nodes/{node}/startall", h_startall, "/", "VM.PowerMgmt",
	    0 },
	{ "POST", "/nodes/{node}/stopall", h_startall, "/", "VM.PowerMgmt",
	    0 },
	{ "GET", "/cluster", h_cluster_index, NULL, NULL, 0 },
	{ "GET", "/cluster/status", h_cluster_status, "/", "Sys.Audit", 0 },
	{ "GET", "/cluster/resources", h_cluster_resources, NULL, NULL, 0 },
	{ "GET", "/cluster/nextid", h_nextid, NULL, NULL, 0 },
	{ "GET", "/storage", h_storage_list, NULL, NULL, 0 },
	{ "POST", "/storage", h_storage_create, "/storage",
	    "Datastore.Allocate", 0 },
	{ "GET", "/storage/{storage}", h_storage_get, "/storage/{storage}",
	    "Datastore.Allocate", 0 },
	{ "PUT", "/storage/{storage}", h_storage_update, "/storage",
	    "Datastore.Allocate", 0 },
	{ "DELETE", "/storage/{storage}", h_storage_delete, "/storage",
	    "Datastore.Allocate", 0 },
	{ "GET", "/nodes/{node}/storage", h_node_storage_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/storage/{storage}", h_node_storage_index,
	    "/storage/{storage}", "Datastore.Audit|Datastore.AllocateSpace",
	    0 },
	{ "GET", "/nodes/{node}/storage/{storage}/status",
	    h_node_storage_status, "/storage/{storage}",
	    "Datastore.Audit|Datastore.AllocateSpace", 0 },
	{ "GET", "/nodes/{node}/storage/{storage}/content", h_storage_content,
	    "/storage/{storage}", "Datastore.Audit|Datastore.AllocateSpace",
	    0 },
	{ "GET", "/nodes/{node}/storage/{storage}/content/{*volume}",
	    h_volume_get, "/storage/{storage}",
	    "Datastore.Audit|Datastore.AllocateSpace", 0 },
	{ "DELETE", "/nodes/{node}/storage/{storage}/content/{*volume}",
	    h_volume_delete, "/storage/{storage}", "Datastore.Allocate", 0 },
	{ "GET", "/nodes/{node}/storage/{storage}/rrddata", h_storage_rrddata,
	    "/storage/{storage}", "Datastore.Audit|Datastore.AllocateSpace",
	    0 },
	{ "GET", "/pools", h_pools_list, NULL, NULL, 0 },
	{ "POST", "/pools", h_pool_create, NULL, NULL, 0 },
	{ "PUT", "/pools", h_pool_update_q, NULL, NULL, 0 },
	{ "DELETE", "/pools", h_pool_delete_q, NULL, NULL, 0 },
	{ "GET", "/pools/{poolid}", h_pool_get, "/pool/{poolid}", "Pool.Audit",
	    0 },
	{ "PUT", "/pools/{poolid}", h_pool_update, NULL, NULL, 0 },
	{ "DELETE", "/pools/{poolid}", h_pool_delete, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
