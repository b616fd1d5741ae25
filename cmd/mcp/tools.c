/*
 * tools.c -- the tools of px mcp: a fixed registry compiled into px, each
 * tool with its input schema (checked here before the handler runs),
 * its output schema (the shape of structuredContent) and its hints.
 * Read tools use the same library calls as px ls, describe, tasks,
 * snapshot list; change tools build the same gate requests as px start,
 * stop, migrate, snapshot, backup (lib/guest_op.h) and run them through
 * the mutation layer, so the gate judges them exactly as on the command
 * line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <regex.h>

#include <bearssl.h>

#include "enc.h"
#include "guest_op.h"
#include "hitl.h"
#include "mcp.h"
#include "tools.h"
#include "mutation.h"
#include "pve_anomaly.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_digest.h"
#include "pve_guest.h"
#include "pve_rrd.h"
#include "pve_task.h"
#include "pve_upgrade.h"

/* ---- argument access (after the schema check) ---- */

long long
mt_int(const struct mcp_call *k, const char *key, long long def)
{
	return json_get_int(k->j, k->args, key, def);
}

int
mt_bool(const struct mcp_call *k, const char *key, int def)
{
	return json_get_bool(k->j, k->args, key, def);
}

/* The string argument key into out ("" when absent). */
void
mt_str(const struct mcp_call *k, const char *key, char *out, size_t n)
{
	out[0] = '\0';
	if (json_strcpy(k->j, json_get(k->j, k->args, key), out, n) < 0)
		out[0] = '\0';
}

int
mt_valid(int kind, const char *s)
{
	size_t n = strlen(s);

	switch (kind & 0xff) {
	case MT_NODE:
		return pve_valid_node(s);
	case MT_STORAGE:
		return pve_valid_storage(s);
	case MT_POOL:	/* as px pool takes it */
		return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwx"
		    "yzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/") == n &&
		    s[0] != '/' && s[n - 1] != '/' && !strstr(s, "//");
	case MT_FWNAME:	/* an IP set, alias or security group */
		return n >= 2 && n <= 64 && ((s[0] >= 'a' && s[0] <= 'z') ||
		    (s[0] >= 'A' && s[0] <= 'Z')) && strspn(s, "abcdefghijklmn"
		    "opqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
	case MT_CIDR:
		return n > 0 && n <= 64 && strspn(s, "0123456789abcdefABCDEF.:"
		    "/") == n && (strchr(s, '.') || strchr(s, ':')) &&
		    s[0] != '/' && strchr(s, '/') == strrchr(s, '/');
	case MT_TAG:	/* pve-tag */
		return n > 0 && n <= 64 && s[0] != '-' && s[0] != '+' &&
		    s[0] != '.' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEF"
		    "GHIJKLMNOPQRSTUVWXYZ0123456789_-+.") == n;
	}
	return 0;
}

int
mt_name(const struct mcp_call *k, const char *key, int kind, char *out,
    size_t n, struct px_err *e)
{
	static const char *const what[] = { "a node name", "a storage name",
		"a pool name", "an IP set name", "an IP address or network",
		"a tag" };

	mt_str(k, key, out, n);
	if (out[0] == '\0' && (kind & MT_OPTIONAL))
		return 0;
	if (!mt_valid(kind, out))
		return px_fail(e, PXE_USAGE, "%s: not %s", key,
		    what[kind & 0xff]);
	return 0;
}

/* ---- common pieces ---- */

struct px_client *
mt_client(struct mcp_call *k, struct px_err *e)
{
	struct px_cli *x = k->m->srv->x;

	if (x->client == NULL && cli_connect(x, e) != 0)
		return NULL;
	return x->client;
}

static void
guest_obj(struct jw *w, const struct pve_guest *g)
{
	char tags[sizeof(g->tags)], *p, *save = NULL;

	jw_obj(w);
	jw_kint(w, "vmid", g->vmid);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "node", g->node);
	jw_kstr(w, "type", g->type);
	jw_kstr(w, "status", g->status);
	jw_knum(w, "cpu", g->cpu);
	jw_knum(w, "maxcpu", g->maxcpu);
	jw_kuint(w, "mem", g->mem);
	jw_kuint(w, "maxmem", g->maxmem);
	jw_kuint(w, "disk", g->disk);
	jw_kuint(w, "maxdisk", g->maxdisk);
	jw_kint(w, "uptime", g->uptime);
	jw_key(w, "tags");
	jw_arr(w);
	snprintf(tags, sizeof(tags), "%s", g->tags);
	for (p = strtok_r(tags, ";, ", &save); p; p = strtok_r(NULL, ";, ",
	    &save))
		jw_str(w, p);
	jw_end(w);
	jw_kstr(w, "pool", g->pool);
	jw_kstr(w, "lock", g->lock);
	jw_kstr(w, "hastate", g->hastate);
	jw_kbool(w, "template", g->template);
	jw_end(w);
}

/* The guest named by the vmid argument. */
int
mt_guest(struct mcp_call *k, struct pve_guest *g, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);

	if (c == NULL)
		return -1;
	return pve_guest_find(c, (int)mt_int(k, "vmid", 0), g, e);
}

/* ---- read tools ---- */

static int
t_list_nodes(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_node *v = NULL;
	int n = 0;

	if (c == NULL || pve_nodes(c, &v, &n, e) != 0)
		return -1;
	jw_obj(k->w);
	jw_key(k->w, "nodes");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		jw_obj(k->w);
		jw_kstr(k->w, "node", v[i].name);
		jw_kstr(k->w, "status", v[i].status);
		jw_knum(k->w, "cpu", v[i].cpu);
		jw_kint(k->w, "maxcpu", v[i].maxcpu);
		jw_kuint(k->w, "mem", v[i].mem);
		jw_kuint(k->w, "maxmem", v[i].maxmem);
		jw_kuint(k->w, "disk", v[i].disk);
		jw_kuint(k->w, "maxdisk", v[i].maxdisk);
		jw_kint(k->w, "uptime", v[i].uptime);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	return 0;
}

/* Does g pass the filters of list_guests / find_guest? */
static int
guest_matches(const struct mcp_call *k, const struct pve_guest *g)
{
	char node[64], status[16], type[8], tag[64], pool[64], q[128];

	mt_str(k, "node", node, sizeof(node));
	mt_str(k, "status", status, sizeof(status));
	mt_str(k, "type", type, sizeof(type));
	mt_str(k, "tag", tag, sizeof(tag));
	mt_str(k, "pool", pool, sizeof(pool));
	mt_str(k, "query", q, sizeof(q));
	if ((node[0] && strcmp(node, g->node)) || (status[0] &&
	    strcmp(status, g->status)) || (type[0] && strcmp(type, g->type)) ||
	    (tag[0] && !pve_has_tag(g->tags, tag)) || (pool[0] &&
	    strcmp(pool, g->pool)))
		return 0;
	if (q[0]) {
		char id[16];

		snprintf(id, sizeof(id), "%d", g->vmid);
		return strcmp(q, id) == 0 || strcasestr(g->name, q) ||
		    pve_has_tag(g->tags, q);
	}
	return 1;
}

static int
t_list_guests(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_guest *v = NULL;
	int n = 0;

	if (c == NULL || pve_guests(c, &v, &n, e) != 0)
		return -1;
	jw_obj(k->w);
	jw_key(k->w, "guests");
	jw_arr(k->w);
	for (int i = 0; i < n; i++)
		if (guest_matches(k, &v[i]))
			guest_obj(k->w, &v[i]);
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	return 0;
}

static int
t_get_guest(struct mcp_call *k, struct px_err *e)
{
	struct pve_guest g;
	struct px_reply r;
	struct pve_kv *kv = NULL;
	int n = 0;

	if (mt_guest(k, &g, e) != 0)
		return -1;
	if (pve_get(k->m->srv->x->client, &r, e, "/nodes/%s/%s/%d/config",
	    g.node, g.type, g.vmid) != 0)
		return -1;
	if (pve_kv_parse(&r.j, r.data, &kv, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	jw_obj(k->w);
	jw_key(k->w, "guest");
	guest_obj(k->w, &g);
	jw_key(k->w, "config");
	jw_obj(k->w);
	for (int i = 0; i < n; i++)
		if (kv[i].value)
			jw_kstr(k->w, kv[i].key, kv[i].value);
	jw_end(k->w);
	jw_end(k->w);
	pve_kv_free(kv, n);
	px_reply_free(&r);
	return 0;
}

static int
t_list_storage(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_storage *v = NULL;
	char node[64];
	int n = 0;

	if (c == NULL || pve_storages(c, &v, &n, e) != 0)
		return -1;
	mt_str(k, "node", node, sizeof(node));
	jw_obj(k->w);
	jw_key(k->w, "storage");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		if (node[0] && strcmp(node, v[i].node) != 0)
			continue;
		jw_obj(k->w);
		jw_kstr(k->w, "storage", v[i].storage);
		jw_kstr(k->w, "node", v[i].node);
		jw_kstr(k->w, "status", v[i].status);
		jw_kstr(k->w, "type", v[i].plugintype);
		jw_kstr(k->w, "content", v[i].content);
		jw_kbool(k->w, "shared", v[i].shared);
		jw_kuint(k->w, "used", v[i].disk);
		jw_kuint(k->w, "total", v[i].maxdisk);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	return 0;
}

static int
t_search(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_guest *g = NULL;
	struct pve_node *nd = NULL;
	struct pve_storage *st = NULL;
	int ng = 0, nn = 0, ns = 0;
	char q[128];

	if (c == NULL || pve_guests(c, &g, &ng, e) != 0)
		return -1;
	if (pve_nodes(c, &nd, &nn, e) != 0 ||
	    pve_storages(c, &st, &ns, e) != 0) {
		free(g);
		free(nd);
		return -1;
	}
	mt_str(k, "query", q, sizeof(q));
	jw_obj(k->w);
	jw_key(k->w, "matches");
	jw_arr(k->w);
	for (int i = 0; i < ng; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", g[i].vmid);
		if (!strcasestr(g[i].name, q) && strcmp(id, q) != 0 &&
		    !pve_has_tag(g[i].tags, q) && strcmp(g[i].pool, q) != 0)
			continue;
		jw_obj(k->w);
		jw_kstr(k->w, "kind", strcmp(g[i].type, "lxc") == 0 ? "ct" :
		    "vm");
		jw_kstr(k->w, "id", id);
		jw_kstr(k->w, "name", g[i].name);
		jw_kstr(k->w, "node", g[i].node);
		jw_kstr(k->w, "status", g[i].status);
		jw_end(k->w);
	}
	for (int i = 0; i < nn; i++) {
		if (!strcasestr(nd[i].name, q))
			continue;
		jw_obj(k->w);
		jw_kstr(k->w, "kind", "node");
		jw_kstr(k->w, "id", nd[i].name);
		jw_kstr(k->w, "name", nd[i].name);
		jw_kstr(k->w, "node", nd[i].name);
		jw_kstr(k->w, "status", nd[i].status);
		jw_end(k->w);
	}
	for (int i = 0; i < ns; i++) {
		if (!strcasestr(st[i].storage, q))
			continue;
		jw_obj(k->w);
		jw_kstr(k->w, "kind", "storage");
		jw_kstr(k->w, "id", st[i].storage);
		jw_kstr(k->w, "name", st[i].storage);
		jw_kstr(k->w, "node", st[i].node);
		jw_kstr(k->w, "status", st[i].status);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(g);
	free(nd);
	free(st);
	return 0;
}

static void
task_obj(struct jw *w, const struct pve_task *t)
{
	jw_obj(w);
	jw_kstr(w, "upid", t->upid);
	jw_kstr(w, "node", t->node);
	jw_kstr(w, "type", t->type);
	jw_kstr(w, "id", t->id);
	jw_kstr(w, "user", t->user);
	jw_kint(w, "starttime", t->starttime);
	jw_kint(w, "endtime", t->endtime);
	jw_kbool(w, "running", t->running);
	jw_kstr(w, "status", t->running ? "running" : t->status);
	jw_end(w);
}

static int
t_list_tasks(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct px_reply r;
	struct pve_task *v = NULL;
	long long vmid = mt_int(k, "vmid", 0), limit = mt_int(k, "limit",
	    50);
	int n = 0, errors = mt_bool(k, "errors", 0), shown = 0;
	char id[16];

	if (c == NULL || pve_get(c, &r, e, "/cluster/tasks") != 0)
		return -1;
	if (pve_tasks_parse(&r.j, r.data, &v, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	snprintf(id, sizeof(id), "%lld", vmid);
	jw_obj(k->w);
	jw_key(k->w, "tasks");
	jw_arr(k->w);
	for (int i = 0; i < n && shown < limit; i++) {
		if ((vmid && strcmp(v[i].id, id) != 0) || (errors &&
		    (v[i].running || strcmp(v[i].status, "OK") == 0)))
			continue;
		task_obj(k->w, &v[i]);
		shown++;
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	px_reply_free(&r);
	return 0;
}

static int
t_get_task_log(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_log_line *l = NULL;
	struct pve_task t;
	struct px_err cut = { 0 };
	char upid[256];
	int n = 0;

	mt_str(k, "upid", upid, sizeof(upid));
	if (c == NULL || pve_task_status(c, upid, &t, e) != 0)
		return -1;
	if (pve_task_log_read(c, upid, 0, mt_int(k, "limit", 1000), &l, &n,
	    &cut, e) != 0)
		return -1;
	jw_obj(k->w);
	jw_key(k->w, "task");
	task_obj(k->w, &t);
	jw_key(k->w, "lines");
	jw_arr(k->w);
	for (int i = 0; i < n; i++)
		jw_str(k->w, l[i].t);
	jw_end(k->w);
	jw_kbool(k->w, "truncated", cut.id != PXE_OK);
	jw_end(k->w);
	pve_log_free(l, n);
	return 0;
}

static int
t_cluster_status(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct px_reply r;
	struct pve_cluster_member *v = NULL;
	int n = 0, quorate = -1;
	const char *name = "";

	if (c == NULL || pve_get(c, &r, e, "/cluster/status") != 0)
		return -1;
	if (pve_cluster_status_parse(&r.j, r.data, &v, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].type, "cluster") == 0) {
			name = v[i].name;
			quorate = v[i].quorate;
		}
	jw_obj(k->w);
	jw_kstr(k->w, "cluster", name);
	if (quorate < 0)
		jw_knull(k->w, "quorate");
	else
		jw_kbool(k->w, "quorate", quorate);
	jw_key(k->w, "nodes");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i].type, "node") != 0)
			continue;
		jw_obj(k->w);
		jw_kstr(k->w, "node", v[i].name);
		jw_kint(k->w, "nodeid", v[i].nodeid);
		jw_kstr(k->w, "ip", v[i].ip);
		jw_kbool(k->w, "online", v[i].online);
		jw_kbool(k->w, "local", v[i].local);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	px_reply_free(&r);
	return 0;
}

static int
t_describe_cluster(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_digest d;

	if (c == NULL || pve_digest_gather(c, &d, e) != 0)
		return -1;
	pve_digest_json(&d, k->w);
	pve_digest_prose(&d, PVE_DIGEST_LLM, k->text);
	pve_digest_free(&d);
	return 0;
}

static int
t_list_snapshots(struct mcp_call *k, struct px_err *e)
{
	struct pve_guest g;
	struct px_reply r;
	struct pve_snapshot *v = NULL;
	char here[64];
	int n = 0;

	if (mt_guest(k, &g, e) != 0)
		return -1;
	if (pve_get(k->m->srv->x->client, &r, e, "/nodes/%s/%s/%d/snapshot",
	    g.node, g.type, g.vmid) != 0)
		return -1;
	if (pve_snapshots_parse(&r.j, r.data, &v, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	pve_snapshot_here(&r.j, r.data, here, sizeof(here));
	jw_obj(k->w);
	jw_kint(k->w, "vmid", g.vmid);
	jw_kstr(k->w, "current", here);
	jw_key(k->w, "snapshots");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		jw_obj(k->w);
		jw_kstr(k->w, "name", v[i].name);
		jw_kstr(k->w, "parent", v[i].parent);
		jw_kstr(k->w, "description", v[i].description);
		jw_kint(k->w, "snaptime", v[i].snaptime);
		jw_kbool(k->w, "vmstate", v[i].vmstate);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	px_reply_free(&r);
	return 0;
}

static int
t_list_backups(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_storage *st = NULL;
	char only[64];
	long long vmid = mt_int(k, "vmid", 0);
	int ns = 0, rc = 0;

	if (c == NULL || pve_storages(c, &st, &ns, e) != 0)
		return -1;
	mt_str(k, "storage", only, sizeof(only));
	jw_obj(k->w);
	jw_key(k->w, "backups");
	jw_arr(k->w);
	for (int i = 0; i < ns && rc == 0; i++) {
		struct px_reply r;
		struct pve_volume *v = NULL;
		int n = 0, seen = 0;

		if (!strstr(st[i].content, "backup") ||
		    (only[0] && strcmp(only, st[i].storage) != 0) ||
		    strcmp(st[i].status, "available") != 0)
			continue;
		/* a shared storage is listed once */
		for (int p = 0; p < i; p++)
			if (st[i].shared && strcmp(st[p].storage,
			    st[i].storage) == 0)
				seen = 1;
		if (seen)
			continue;
		if (pve_get(c, &r, e, "/nodes/%s/storage/%s/content?content="
		    "backup", st[i].node, st[i].storage) != 0) {
			rc = -1;
			break;
		}
		if (pve_volumes_parse(&r.j, r.data, st[i].node,
		    st[i].storage, &v, &n, e) != 0)
			rc = -1;
		for (int b = 0; b < n; b++) {
			if (vmid && v[b].vmid != vmid)
				continue;
			jw_obj(k->w);
			jw_kstr(k->w, "volid", v[b].volid);
			jw_kstr(k->w, "storage", v[b].storage);
			jw_kstr(k->w, "node", v[b].node);
			jw_kint(k->w, "vmid", v[b].vmid);
			jw_kint(k->w, "ctime", v[b].ctime);
			jw_kuint(k->w, "size", v[b].size);
			jw_kstr(k->w, "format", v[b].format);
			jw_kstr(k->w, "notes", v[b].notes);
			jw_kbool(k->w, "protected", v[b].protected);
			jw_kstr(k->w, "verify", v[b].verify);
			jw_end(k->w);
		}
		free(v);
		px_reply_free(&r);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(st);
	return rc;
}

static int
t_backup_coverage(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct px_reply r;
	struct pve_unprotected *v = NULL;
	int n = 0;

	if (c == NULL || pve_get(c, &r, e,
	    "/cluster/backup-info/not-backed-up") != 0)
		return -1;
	if (pve_unprotected_parse(&r.j, r.data, &v, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	jw_obj(k->w);
	jw_key(k->w, "not_backed_up");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		jw_obj(k->w);
		jw_kint(k->w, "vmid", v[i].vmid);
		jw_kstr(k->w, "name", v[i].name);
		jw_kstr(k->w, "type", v[i].type);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(v);
	px_reply_free(&r);
	return 0;
}

static int
t_get_metrics(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct px_reply r;
	struct pve_rrd rrd;
	struct buf path = { 0 };
	char node[64], tf[8], cf[8], fields[256];
	long long vmid = mt_int(k, "vmid", 0);
	int rc = -1;

	if (c == NULL)
		return -1;
	mt_str(k, "node", node, sizeof(node));
	mt_str(k, "timeframe", tf, sizeof(tf));
	mt_str(k, "cf", cf, sizeof(cf));
	mt_str(k, "fields", fields, sizeof(fields));
	if ((vmid != 0) == (node[0] != '\0'))
		return px_fail(e, PXE_USAGE, "give vmid (a guest) or node, "
		    "not both");
	if (vmid) {
		struct pve_guest g;

		if (pve_guest_find(c, (int)vmid, &g, e) != 0)
			return -1;
		buf_adds(&path, "/nodes/");
		url_seg(&path, g.node);
		buf_printf(&path, "/%s/%d", g.type, g.vmid);
	} else {
		if (!pve_valid_node(node))
			return px_fail(e, PXE_USAGE, "node: not a node name");
		buf_adds(&path, "/nodes/");
		url_seg(&path, node);
	}
	if (pve_get(c, &r, e, "%s/rrddata?timeframe=%s&cf=%s", buf_str(&path),
	    tf[0] ? tf : "hour", strcmp(cf, "max") == 0 ? "MAX" :
	    "AVERAGE") != 0)
		goto out;
	if (pve_rrd_parse(&r.j, r.data, &rrd, e) != 0) {
		px_reply_free(&r);
		goto out;
	}
	px_reply_free(&r);
	jw_obj(k->w);
	jw_key(k->w, "fields");
	jw_arr(k->w);
	for (int f = 0; f < rrd.nfields; f++)
		if (!fields[0] || pve_list_has(fields, rrd.field[f]))
			jw_str(k->w, rrd.field[f]);
	jw_end(k->w);
	jw_key(k->w, "points");
	jw_arr(k->w);
	for (int i = 0; i < rrd.npoints; i++) {
		jw_obj(k->w);
		jw_kint(k->w, "time", rrd.time[i]);
		for (int f = 0; f < rrd.nfields; f++)
			if (!fields[0] || pve_list_has(fields, rrd.field[f]))
				jw_knum(k->w, rrd.field[f],
				    rrd.v[i * rrd.nfields + f]);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	pve_rrd_free(&rrd);
	rc = 0;
out:
	buf_free(&path);
	return rc;
}

static int
t_anomalies(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct pve_anomaly *a = NULL;
	double thr = json_get_num(k->j, k->args, "threshold", 3);
	int n = 0;

	if (c == NULL || pve_anomalies(c, thr, &a, &n, NULL, NULL, e) != 0)
		return -1;
	jw_obj(k->w);
	jw_key(k->w, "anomalies");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		jw_obj(k->w);
		jw_kint(k->w, "vmid", a[i].vmid);
		jw_kstr(k->w, "name", a[i].name);
		jw_kstr(k->w, "node", a[i].node);
		jw_kstr(k->w, "metric", a[i].metric);
		jw_knum(k->w, "value", a[i].value);
		jw_knum(k->w, "cluster_mean", a[i].cluster_mean);
		jw_knum(k->w, "cluster_z", a[i].cluster_z);
		if (a[i].has_history) {
			jw_knum(k->w, "history_mean", a[i].history_mean);
			jw_knum(k->w, "history_z", a[i].history_z);
		} else {
			jw_knull(k->w, "history_mean");
			jw_knull(k->w, "history_z");
		}
		jw_kstr(k->w, "against", a[i].against);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(a);
	return 0;
}

static int
t_upgrade_check(struct mcp_call *k, struct px_err *e)
{
	struct px_client *c = mt_client(k, e);
	struct out_opts oo = { .fmt = OUT_JSON, .color = 0 };
	struct out *o;
	char *text = NULL;
	size_t n = 0;
	FILE *f;
	int blocking = 0, rc = -1;

	if (c == NULL)
		return -1;
	o = out_new(&oo, pve_upgrade_cols, PVE_UPGRADE_NCOLS);
	if (pve_upgrade_check(c, o, &blocking, e) != 0)
		goto out;
	if ((f = open_memstream(&text, &n)) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		goto out;
	}
	rc = out_print(o, f, e);
	if (fclose(f) != 0 && rc == 0)
		rc = px_fail(e, PXE_FAILURE, "out of memory");
	if (rc != 0)
		goto out;
	jw_obj(k->w);
	jw_kint(k->w, "blocking", blocking);
	jw_key(k->w, "findings");
	jw_raw(k->w, text, strcspn(text, "\n"));
	jw_end(k->w);
out:
	free(text);
	out_free(o);
	return rc;
}

/* ---- change tools ---- */

static void
ui_checked(void *arg, const struct gate_req *r)
{
	struct mcp_call *k = arg;
	char msg[640];

	for (int i = 0; i < r->n; i++)
		for (int f = 0; f < r->t[i].risk.n; f++) {
			snprintf(msg, sizeof(msg), "%s: %s: %s",
			    r->t[i].id, r->t[i].risk.f[f].check,
			    r->t[i].risk.f[f].detail);
			mcp_log(k->m, "warning", msg);
		}
	for (int f = 0; f < r->risk.n; f++) {
		snprintf(msg, sizeof(msg), "%s: %s: %s", r->id,
		    r->risk.f[f].check, r->risk.f[f].detail);
		mcp_log(k->m, "warning", msg);
	}
	snprintf(msg, sizeof(msg), "checked: %s", r->summary);
	mcp_progress(k->m, msg);
	if (r->n == 1 && r->t[0].has_guest && !r->t[0].refused) {
		const struct gate_target *t = &r->t[0];
		struct hitl_request hr = { k->m->srv->x->p->name, r->action,
			t->guest.vmid, t->guest.tags, t->guest.pool,
			r->summary };
		const char *policy = hitl_policy(&k->m->srv->x->conf, &hr);

		if (policy) {
			snprintf(msg, sizeof(msg), "waiting for a human to "
			    "approve (policy %s)", policy);
			mcp_progress(k->m, msg);
			mcp_log(k->m, "notice", msg);
		}
	}
}

static void
ui_progress(void *arg, int row, const char *what, const struct pve_task *t,
    double waited)
{
	struct mcp_call *k = arg;
	char msg[384];

	(void)row;
	if (k->m->poll)
		k->m->poll(k->m->arg);
	snprintf(msg, sizeof(msg), "%s: %s %.0fs", what, t->running ?
	    "running" : t->status, waited);
	mcp_progress(k->m, msg);
}

static void
ui_submitted(void *arg, int row, const char *upid)
{
	struct mcp_call *k = arg;
	char msg[320];

	(void)row;
	snprintf(msg, sizeof(msg), "submitted %s", upid[0] ? upid : "");
	mcp_progress(k->m, msg);
}

/* While a human is asked: progress every MCP_TICK seconds, and a
 * cancellation of the call abandons the wait. */
static int
approval_tick(void *arg, double waited, long timeout)
{
	struct mcp_call *k = arg;
	char msg[160];

	if (k->m->poll)
		k->m->poll(k->m->arg);
	if (k->m->cancelled)
		return 1;
	snprintf(msg, sizeof(msg), "waiting for a human to approve: %.0f s "
	    "of %ld s", waited, timeout);
	mcp_progress(k->m, msg);
	return 0;
}

/* The client cancelled the call: nothing more is sent. */
static int
withdrawn(void *arg)
{
	struct mcp_call *k = arg;

	if (k->m->poll)
		k->m->poll(k->m->arg);
	return k->m->cancelled;
}

static void
gate_warn(void *arg, const char *msg)
{
	struct mcp_call *k = arg;

	mcp_log(k->m, "warning", msg);
}

/*
 * Run r through the gate as the command line does with -y (the call is
 * the agent's confirmation; a [policy] is the human's) and write the
 * result.  Refusals and failures return -1 with e: the caller reports
 * them with isError, and the rows are in structuredContent all the same.
 */
int
mt_change(struct mcp_call *k, struct gate_req *r, struct px_err *e)
{
	struct mcp_server *s = k->m->srv;
	struct gate g;
	struct mutation_opts o = { 0 };
	struct mutation_ui ui = { 0 };
	struct mut_row *rows;
	char via[160];
	int n = mutation_nrows(r), rc, ask_risk;

	gate_init(&g, &s->x->conf, s->x->p, s->x->client);
	g.yes = 1;
	g.dry_run = mt_bool(k, "dry_run", 0);
	ask_risk = mt_bool(k, "allow_risk", 0);
	g.allow_risk = ask_risk && s->allow_risk;
	snprintf(via, sizeof(via), "mcp client %s", k->m->client);
	g.via = via;
	g.warn = gate_warn;
	g.warn_arg = k;
	g.tick = approval_tick;
	g.tick_arg = k;
	g.tick_every = MCP_TICK;
	g.withdrawn = withdrawn;
	o.no_wait = !mt_bool(k, "wait", 1);
	o.timeout = (double)mt_int(k, "timeout", 600);
	ui.checked = ui_checked;
	ui.progress = ui_progress;
	ui.submitted = ui_submitted;
	ui.arg = k;
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (rows == NULL) {
		gate_free(&g);
		return px_fail(e, PXE_FAILURE, "out of memory");
	}
	rc = mutation_run(&g, r, &o, &ui, rows, e);
	if (rc != 0 && e->id == PXE_REFUSED_RISK && ask_risk &&
	    !s->allow_risk)
		px_hint(e, "allow_risk is honoured only when [mcp] allow_risk "
		    "= yes in px.conf");
	jw_obj(k->w);
	jw_kbool(k->w, "ok", rc == 0);
	jw_kstr(k->w, "summary", r->summary);
	if (r->approved_by[0])
		jw_kstr(k->w, "approved_by", r->approved_by);
	jw_key(k->w, "rows");
	jw_arr(k->w);
	for (int i = 0; i < n; i++) {
		struct mut_row *w = &rows[i];

		jw_obj(k->w);
		if (w->vmid)
			jw_kint(k->w, "vmid", w->vmid);
		jw_kstr(k->w, "name", w->name);
		jw_kstr(k->w, "node", w->node);
		jw_kstr(k->w, "action", w->action);
		jw_kstr(k->w, "result", w->result);
		jw_kstr(k->w, "upid", w->upid);
		jw_kstr(k->w, "message", w->message);
		jw_end(k->w);
	}
	jw_end(k->w);
	jw_end(k->w);
	free(rows);
	gate_free(&g);
	return rc;
}

/* A change on the guest named by vmid: the request filled by the tool's
 * op, under the tool's action. */
static int
guest_change(struct mcp_call *k, struct px_err *e)
{
	const struct tool *t = k->tool;
	struct pve_guest g;
	struct gate_req r;
	int rc;

	if (mt_guest(k, &g, e) != 0)
		return -1;
	gate_req_init(&r, t->action, "guest", 1);
	if (t->op(k, &r, &g, e) != 0) {
		gate_req_free(&r);
		return -1;
	}
	gate_req_summarize(&r, t->action);
	rc = mt_change(k, &r, e);
	gate_req_free(&r);
	return rc;
}

static int
op_power(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	(void)e;
	r->destructive |= guest_op_power(&r->t[0], g, k->tool->action,
	    mt_bool(k, "force_stop", 0), mt_int(k, "shutdown_timeout", -1));
	return 0;
}

static int
op_migrate(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	char target[64], storage[64];

	if (mt_name(k, "target", MT_NODE, target, sizeof(target), e) != 0 ||
	    mt_name(k, "target_storage", MT_STORAGE | MT_OPTIONAL, storage,
	    sizeof(storage), e) != 0)
		return -1;
	return guest_op_migrate(k->m->srv->x->client, &r->t[0], g, target,
	    mt_bool(k, "online", strcmp(g->status, "running") == 0),
	    mt_bool(k, "with_local_disks", 0), storage[0] ? storage : NULL,
	    e);
}

/* The snapshot argument, valid; with exists, it must be one of the
 * guest's. */
static int
snapname(struct mcp_call *k, const struct pve_guest *g, int exists,
    char *name, size_t n, struct px_err *e)
{
	struct px_reply r;
	struct pve_snapshot *v = NULL;
	int nv = 0, found = 0;

	mt_str(k, "name", name, n);
	if (!pve_valid_snapname(name))
		return px_fail(e, PXE_USAGE, "name: not a snapshot name (a "
		    "letter, then letters, digits, '-' or '_'; at most 40; not "
		    "'current')");
	if (!exists)
		return 0;
	if (pve_get(k->m->srv->x->client, &r, e, "/nodes/%s/%s/%d/snapshot",
	    g->node, g->type, g->vmid) != 0)
		return -1;
	if (pve_snapshots_parse(&r.j, r.data, &v, &nv, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	for (int i = 0; i < nv; i++)
		if (strcmp(v[i].name, name) == 0)
			found = 1;
	free(v);
	px_reply_free(&r);
	if (!found)
		return px_fail(e, PXE_NOT_FOUND, "%s %d has no snapshot '%s'",
		    strcmp(g->type, "lxc") == 0 ? "CT" : "VM", g->vmid, name);
	return 0;
}

static int
op_snapshot(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	char name[64], desc[512];
	int vmstate = mt_bool(k, "vmstate", 0);

	if (snapname(k, g, 0, name, sizeof(name), e) != 0)
		return -1;
	if (vmstate && strcmp(g->type, "lxc") == 0)
		return px_fail(e, PXE_USAGE, "vmstate: CT %d is a container, "
		    "which has no RAM state to save", g->vmid);
	mt_str(k, "description", desc, sizeof(desc));
	guest_op_snapshot(&r->t[0], g, name, desc[0] ? desc : NULL, vmstate);
	return 0;
}

static int
op_rollback(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	char name[64];

	if (snapname(k, g, 1, name, sizeof(name), e) != 0)
		return -1;
	guest_op_rollback(&r->t[0], g, name, mt_bool(k, "start", 0));
	r->destructive = 1;
	return 0;
}

static int
op_snapshot_delete(struct mcp_call *k, struct gate_req *r,
    const struct pve_guest *g, struct px_err *e)
{
	char name[64];

	if (snapname(k, g, 1, name, sizeof(name), e) != 0)
		return -1;
	guest_op_snapshot_delete(&r->t[0], g, name);
	r->destructive = 1;
	return 0;
}

static int
op_backup(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	char storage[64], mode[16], compress[8], notes[512], who[192];
	struct guest_op_backup o = { 0 };

	if (mt_name(k, "storage", MT_STORAGE, storage, sizeof(storage),
	    e) != 0)
		return -1;
	mt_str(k, "mode", mode, sizeof(mode));
	mt_str(k, "compress", compress, sizeof(compress));
	mt_str(k, "notes", notes, sizeof(notes));
	if (pve_storage_check(k->m->srv->x->client, storage, g->node,
	    "backup", e) != 0)
		return -1;
	o.storage = storage;
	o.mode = mode[0] ? mode : NULL;
	o.compress = compress[0] ? compress : NULL;
	o.notes = notes[0] ? notes : NULL;
	pve_guest_label(g, who, sizeof(who));
	{
		char id[16];

		snprintf(id, sizeof(id), "%d", g->vmid);
		guest_op_vzdump(&r->t[0], g->node, id, who, &o);
	}
	return 0;
}

static int
op_config(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	const struct json *j = k->j;
	int set = json_get(j, k->args, "set"), kt, i;
	char del[1024], digest[80];
	struct buf form = { 0 }, keys = { 0 };

	mt_str(k, "delete", del, sizeof(del));
	mt_str(k, "digest", digest, sizeof(digest));
	if (json_len(j, set) == 0 && del[0] == '\0')
		return px_fail(e, PXE_USAGE, "nothing to change: set or delete");
	if (json_len(j, set) > 128)
		return px_fail(e, PXE_USAGE, "set: more than 128 keys");
	JSON_FOREACH_KV(j, set, kt, i) {
		char key[64], *v;

		if (json_strcpy(j, kt, key, sizeof(key)) >= (long)sizeof(key) ||
		    !pve_valid_key(key) || strcmp(key, "digest") == 0 ||
		    strcmp(key, "delete") == 0 || strcmp(key, "revert") == 0) {
			buf_free(&form);
			buf_free(&keys);
			return px_fail(e, PXE_USAGE, "set: '%.63s' is not a "
			    "config key", key);
		}
		if (json_type(j, kt + 1) != JSON_STRING) {
			buf_free(&form);
			buf_free(&keys);
			return px_fail(e, PXE_USAGE, "set: %s: the value must "
			    "be a string", key);
		}
		v = json_strdup(j, kt + 1);
		form_add(&form, key, v);
		free(v);
		buf_printf(&keys, "%s%s", keys.len ? "," : "", key);
	}
	for (char *p = del, *save = NULL, *key; (key = strtok_r(p, ",",
	    &save)) != NULL; p = NULL) {
		if (!pve_valid_key(key)) {
			buf_free(&form);
			buf_free(&keys);
			return px_fail(e, PXE_USAGE, "delete: '%s' is not a "
			    "config key", key);
		}
		buf_printf(&keys, "%s%s", keys.len ? "," : "", key);
	}
	mt_str(k, "delete", del, sizeof(del));
	if (digest[0] == '\0') {
		struct pve_kv *kv = NULL;
		int nkv = 0;
		const char *d;

		if (pve_guest_config(k->m->srv->x->client, g, &kv, &nkv,
		    e) != 0) {
			buf_free(&form);
			buf_free(&keys);
			return -1;
		}
		if ((d = pve_kv_get(kv, nkv, "digest")) != NULL)
			snprintf(digest, sizeof(digest), "%s", d);
		pve_kv_free(kv, nkv);
	} else if (strspn(digest, "0123456789abcdefABCDEF") !=
	    strlen(digest)) {
		buf_free(&form);
		buf_free(&keys);
		return px_fail(e, PXE_USAGE, "digest: a hex digest");
	}
	guest_op_config(&r->t[0], g, &form, del, NULL, digest[0] ? digest :
	    NULL, keys.p);
	buf_free(&form);
	buf_free(&keys);
	return 0;
}

static int
t_set_guest_config(struct mcp_call *k, struct px_err *e)
{
	int rc = guest_change(k, e);

	if (rc != 0 && strstr(e->msg, "detected modified configuration"))
		px_hint(e, "the config changed since it was read: read it "
		    "again (get_guest) and retry");
	return rc;
}

/* ---- the registry ---- */

#define S_GUEST_FILTERS S_NODE("only guests on this node") ",\"status\":{" \
	"\"enum\":[\"running\",\"stopped\",\"paused\"]},\"type\":{\"enum\":[" \
	"\"qemu\",\"lxc\"]},\"tag\":{\"type\":\"string\",\"maxLength\":64," \
	"\"description\":\"only guests with this tag\"},\"pool\":{\"type\":" \
	"\"string\",\"maxLength\":63,\"description\":\"only guests in this " \
	"pool\"}"

static const struct tool tools[] = {
	{ "list_nodes", "List nodes", "The cluster's nodes with status, CPU, "
	    "memory and disk use.", IN("", ""), OUT_LIST("nodes", OBJ(
	    "\"node\":" T_STR ",\"status\":" T_STR ",\"cpu\":" T_NUM
	    ",\"maxcpu\":" T_INT ",\"mem\":" T_INT ",\"maxmem\":" T_INT
	    ",\"disk\":" T_INT ",\"maxdisk\":" T_INT ",\"uptime\":" T_INT,
	    "\"node\",\"status\"")), RO | IDEMPOTENT, t_list_nodes, NULL, NULL },
	{ "list_guests", "List guests", "VMs and containers with status and "
	    "resource use, optionally filtered.", IN(S_GUEST_FILTERS, ""),
	    OUT_LIST("guests", GUEST_ITEM), RO | IDEMPOTENT, t_list_guests, NULL, NULL },
	{ "get_guest", "Get a guest", "One guest's status and its "
	    "configuration (key: value as PVE stores it).", IN(S_VMID,
	    "\"vmid\""), OBJ("\"guest\":" GUEST_ITEM ",\"config\":{\"type\":"
	    "\"object\",\"additionalProperties\":" T_STR "}",
	    "\"guest\",\"config\""), RO | IDEMPOTENT, t_get_guest, NULL, NULL },
	{ "find_guest", "Find guests", "Guests whose name contains query "
	    "(any case), whose VMID is query, or that carry the tag query.",
	    IN("\"query\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":"
	    "127,\"description\":\"a name fragment, a VMID or a tag\"},"
	    S_GUEST_FILTERS, "\"query\""), OUT_LIST("guests", GUEST_ITEM),
	    RO | IDEMPOTENT, t_list_guests, NULL, NULL },
	{ "search", "Search the cluster", "Guests, nodes and storage whose "
	    "name, id, tag or pool matches query.", IN("\"query\":{\"type\":"
	    "\"string\",\"minLength\":1,\"maxLength\":127}", "\"query\""),
	    OUT_LIST("matches", OBJ("\"kind\":{\"enum\":[\"vm\",\"ct\","
	    "\"node\",\"storage\"]},\"id\":" T_STR ",\"name\":" T_STR
	    ",\"node\":" T_STR ",\"status\":" T_STR, "\"kind\",\"id\"")),
	    RO | IDEMPOTENT, t_search, NULL, NULL },
	{ "list_storage", "List storage", "Storage per node with type, "
	    "content and use (bytes).", IN(S_NODE("only this node's storage"),
	    ""), OUT_LIST("storage", OBJ("\"storage\":" T_STR ",\"node\":"
	    T_STR ",\"status\":" T_STR ",\"type\":" T_STR ",\"content\":" T_STR
	    ",\"shared\":" T_BOOL ",\"used\":" T_INT ",\"total\":" T_INT,
	    "\"storage\",\"node\"")), RO | IDEMPOTENT, t_list_storage, NULL, NULL },
	{ "list_tasks", "List tasks", "Recent cluster tasks, newest first.",
	    IN("\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":"
	    "999999999,\"description\":\"only this guest's tasks\"},\"errors\""
	    ":{\"type\":\"boolean\",\"description\":\"only failed tasks\"},"
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000}",
	    ""), OUT_LIST("tasks", OBJ("\"upid\":" T_STR ",\"node\":" T_STR
	    ",\"type\":" T_STR ",\"id\":" T_STR ",\"user\":" T_STR
	    ",\"starttime\":" T_INT ",\"endtime\":" T_INT ",\"running\":"
	    T_BOOL ",\"status\":" T_STR, "\"upid\",\"status\"")),
	    RO | IDEMPOTENT, t_list_tasks, NULL, NULL },
	{ "get_task_log", "Get a task's log", "A task's status and the lines "
	    "of its log.", IN("\"upid\":{\"type\":\"string\",\"minLength\":10,"
	    "\"maxLength\":255,\"description\":\"the task's UPID\"},\"limit\":"
	    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":50000}",
	    "\"upid\""), OBJ("\"task\":" OBJ("\"upid\":" T_STR ",\"status\":"
	    T_STR, "\"upid\"") ",\"lines\":{\"type\":\"array\",\"items\":"
	    T_STR "},\"truncated\":" T_BOOL, "\"task\",\"lines\""),
	    RO | IDEMPOTENT, t_get_task_log, NULL, NULL },
	{ "cluster_status", "Cluster status", "Quorum and the membership of "
	    "each node.", IN("", ""), OBJ("\"cluster\":" T_STR ",\"quorate\":"
	    "{\"type\":[\"boolean\",\"null\"]},\"nodes\":{\"type\":\"array\","
	    "\"items\":" OBJ("\"node\":" T_STR ",\"online\":" T_BOOL,
	    "\"node\"") "}", "\"cluster\",\"nodes\""), RO | IDEMPOTENT,
	    t_cluster_status, NULL, NULL },
	{ "describe_cluster", "Describe the cluster", "One digest of the "
	    "cluster (versions, nodes, guests, storage, HA, backups, failed "
	    "tasks): start here.", IN("", ""), "{\"type\":\"object\"}",
	    RO | IDEMPOTENT, t_describe_cluster, NULL, NULL },
	{ "list_snapshots", "List snapshots", "A guest's snapshots and the one "
	    "it runs on.", IN(S_VMID, "\"vmid\""), OBJ("\"vmid\":" T_INT
	    ",\"current\":" T_STR ",\"snapshots\":{\"type\":\"array\","
	    "\"items\":" OBJ("\"name\":" T_STR ",\"parent\":" T_STR
	    ",\"description\":" T_STR ",\"snaptime\":" T_INT ",\"vmstate\":"
	    T_BOOL, "\"name\"") "}", "\"vmid\",\"snapshots\""),
	    RO | IDEMPOTENT, t_list_snapshots, NULL, NULL },
	{ "list_backups", "List backups", "Backup archives on the storage "
	    "that holds backups, optionally of one guest or one storage.",
	    IN("\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":"
	    "999999999},\"storage\":{\"type\":\"string\",\"maxLength\":63}",
	    ""), OUT_LIST("backups", OBJ("\"volid\":" T_STR ",\"storage\":"
	    T_STR ",\"node\":" T_STR ",\"vmid\":" T_INT ",\"ctime\":" T_INT
	    ",\"size\":" T_INT ",\"format\":" T_STR ",\"notes\":" T_STR
	    ",\"protected\":" T_BOOL ",\"verify\":" T_STR, "\"volid\"")),
	    RO | IDEMPOTENT, t_list_backups, NULL, NULL },
	{ "backup_coverage", "Backup coverage", "Guests that no backup job "
	    "covers.", IN("", ""), OUT_LIST("not_backed_up", OBJ("\"vmid\":"
	    T_INT ",\"name\":" T_STR ",\"type\":" T_STR, "\"vmid\"")),
	    RO | IDEMPOTENT, t_backup_coverage, NULL, NULL },

	{ "get_metrics", "Get metrics", "RRD statistics (CPU, memory, "
	    "network, disk I/O over time) of a guest (vmid) or a node (node).",
	    IN("\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":"
	    "999999999},\"node\":{\"type\":\"string\",\"maxLength\":63},"
	    "\"timeframe\":{\"enum\":[\"hour\",\"day\",\"week\",\"month\","
	    "\"year\"]},\"cf\":{\"enum\":[\"average\",\"max\"]},\"fields\":"
	    "{\"type\":\"string\",\"maxLength\":255,\"description\":"
	    "\"comma-separated fields (cpu,mem,netin ...); default all\"}", ""),
	    OBJ("\"fields\":{\"type\":\"array\",\"items\":" T_STR "},"
	    "\"points\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"object\",\"properties\":{\"time\":" T_INT "},"
	    "\"additionalProperties\":{\"type\":[\"number\",\"null\"]}}}",
	    "\"fields\",\"points\""), RO | IDEMPOTENT, t_get_metrics, NULL, NULL },

	{ "upgrade_check", "Check the upgrade to PVE 9", "The pve8to9 checks "
	    "that can be made over the API, each with a severity; fail blocks "
	    "the upgrade.", IN("", ""), OBJ("\"blocking\":" T_INT
	    ",\"findings\":{\"type\":\"array\",\"items\":" OBJ("\"check\":"
	    T_STR ",\"severity\":{\"enum\":[\"pass\",\"info\",\"notice\","
	    "\"warning\",\"fail\"]},\"node\":{\"type\":[\"string\","
	    "\"null\"]},\"subject\":{\"type\":[\"string\",\"null\"]},"
	    "\"message\":" T_STR ",\"blocking\":" T_BOOL,
	    "\"check\",\"severity\"") "}", "\"blocking\",\"findings\""),
	    RO | IDEMPOTENT, t_upgrade_check, NULL, NULL },
	{ "anomalies", "Find anomalies", "Running guests whose CPU or memory "
	    "use is an outlier against the cluster or their own last day "
	    "(z-score).", IN("\"threshold\":{\"type\":\"number\",\"minimum\""
	    ":0.1,\"maximum\":100,\"description\":\"the z-score that makes an "
	    "outlier (default 3)\"}", ""), OUT_LIST("anomalies", OBJ("\"vmid\":"
	    T_INT ",\"name\":" T_STR ",\"node\":" T_STR ",\"metric\":{\"enum\":"
	    "[\"cpu\",\"mem\"]},\"value\":" T_NUM ",\"cluster_mean\":" T_NUM
	    ",\"cluster_z\":" T_NUM ",\"history_mean\":{\"type\":[\"number\","
	    "\"null\"]},\"history_z\":{\"type\":[\"number\",\"null\"]},"
	    "\"against\":{\"enum\":[\"cluster\",\"history\",\"both\"]}",
	    "\"vmid\",\"metric\",\"against\"")), RO | IDEMPOTENT, t_anomalies, NULL, NULL },

	{ "start_guest", "Start a guest", "Start a VM or container and follow "
	    "the task.", IN(S_VMID S_GATE, "\"vmid\""), OUT_CHANGE, IDEMPOTENT,
	    NULL, op_power, "start" },
	{ "stop_guest", "Stop a guest", "Stop a guest at once, like pulling "
	    "the plug (unsaved work is lost); shutdown_guest is the clean "
	    "way.", IN(S_VMID S_GATE, "\"vmid\""), OUT_CHANGE, DESTRUCTIVE |
	    IDEMPOTENT, NULL, op_power, "stop" },
	{ "shutdown_guest", "Shut a guest down", "Ask the guest's OS to shut "
	    "down (ACPI, or the container's init).", IN(S_VMID S_GATE
	    ",\"force_stop\":{\"type\":\"boolean\",\"description\":\"stop it "
	    "when it has not shut down in time\"},\"shutdown_timeout\":{"
	    "\"type\":\"integer\",\"minimum\":0,\"maximum\":86400,"
	    "\"description\":\"PVE's own shutdown timeout, seconds\"}",
	    "\"vmid\""), OUT_CHANGE, IDEMPOTENT, NULL, op_power, "shutdown" },
	{ "reboot_guest", "Reboot a guest", "Reboot a running guest through "
	    "its OS.", IN(S_VMID S_GATE, "\"vmid\""), OUT_CHANGE, 0,
	    NULL, op_power, "reboot" },
	{ "migrate_guest", "Migrate a guest", "Move a guest to another node, "
	    "after PVE's own preconditions.", IN(S_VMID ",\"target\":{\"type\""
	    ":\"string\",\"maxLength\":63,\"description\":\"the target node\"},"
	    "\"online\":{\"type\":\"boolean\",\"description\":\"live (default: "
	    "when running)\"},\"with_local_disks\":" T_BOOL ",\"target_storage"
	    "\":{\"type\":\"string\",\"maxLength\":63}" S_GATE,
	    "\"vmid\",\"target\""), OUT_CHANGE, 0, NULL, op_migrate, "migrate" },
	{ "create_snapshot", "Create a snapshot", "Snapshot a guest.",
	    IN(S_VMID "," S_SNAP ",\"description\":{\"type\":\"string\","
	    "\"maxLength\":500},\"vmstate\":{\"type\":\"boolean\","
	    "\"description\":\"include the RAM (VMs only)\"}" S_GATE,
	    "\"vmid\",\"name\""), OUT_CHANGE, 0, NULL, op_snapshot, "snapshot" },
	{ "rollback_snapshot", "Roll back to a snapshot", "Return a guest to a "
	    "snapshot; what changed since is lost.", IN(S_VMID "," S_SNAP
	    ",\"start\":{\"type\":\"boolean\",\"description\":\"start the "
	    "guest after the rollback\"}" S_GATE, "\"vmid\",\"name\""),
	    OUT_CHANGE, DESTRUCTIVE, NULL, op_rollback, "rollback" },
	{ "delete_snapshot", "Delete a snapshot", "Delete one of a guest's "
	    "snapshots.", IN(S_VMID "," S_SNAP S_GATE, "\"vmid\",\"name\""),
	    OUT_CHANGE, DESTRUCTIVE | IDEMPOTENT, NULL, op_snapshot_delete, "snapshot-delete" },
	{ "backup_guest", "Back up a guest", "Back a guest up with vzdump to a "
	    "storage and follow the task.", IN(S_VMID ",\"storage\":{\"type\":"
	    "\"string\",\"maxLength\":63,\"description\":\"a storage that "
	    "holds backups\"},\"mode\":{\"enum\":[\"snapshot\",\"suspend\","
	    "\"stop\"]},\"compress\":{\"enum\":[\"zstd\",\"gzip\",\"lzo\","
	    "\"0\"]},\"notes\":{\"type\":\"string\",\"maxLength\":500}" S_GATE,
	    "\"vmid\",\"storage\""), OUT_CHANGE, 0, NULL, op_backup, "backup" },
	{ "set_guest_config", "Change a guest's configuration", "Set and "
	    "delete configuration keys (PVE's names and value syntax, as "
	    "get_guest shows them); refused when the config changed since it "
	    "was read (digest).", IN(S_VMID ",\"set\":{\"type\":\"object\","
	    "\"additionalProperties\":{\"type\":\"string\",\"maxLength\":"
	    "4096},\"description\":\"key: value pairs, e.g. {\\\"memory\\\": "
	    "\\\"4096\\\"}\"},\"delete\":{\"type\":\"string\",\"maxLength\":"
	    "1000,\"description\":\"comma-separated keys to remove\"},"
	    "\"digest\":{\"type\":\"string\",\"maxLength\":64,"
	    "\"description\":\"the config digest get_guest returned (default: "
	    "the one read now)\"}" S_GATE, "\"vmid\""), OUT_CHANGE,
	    DESTRUCTIVE | IDEMPOTENT, t_set_guest_config, op_config, "set" },
};
#define NTOOLS	(sizeof(tools) / sizeof(tools[0]))

/* Tool i of the registry (tools.c's, then admin.c's), NULL past it. */
static const struct tool *
tool_at(size_t i)
{
	if (i < NTOOLS)
		return &tools[i];
	if (i - NTOOLS < mcp_admin_ntools)
		return &mcp_admin_tools[i - NTOOLS];
	return NULL;
}

static const struct tool *
tool_named(const char *name)
{
	const struct tool *t;

	for (size_t i = 0; (t = tool_at(i)) != NULL; i++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* Run t: its handler, or the change on a guest its op fills. */
static int
tool_run(const struct tool *t, struct mcp_call *k, struct px_err *e)
{
	k->tool = t;
	return t->run ? t->run(k, e) : guest_change(k, e);
}

static int
proto_before(const char *proto, const char *rev)
{
	return proto && strcmp(proto, rev) < 0;
}

static void tools_array(struct jw *w, int old);

void
mcp_tools_json(struct jw *w, const char *proto)
{
	/* outputSchema, structuredContent and title came with 2025-06-18 */
	int old = proto_before(proto, "2025-06-18");
	/* the list never changes while px runs: written once for each of
	 * the two shapes, and copied from then on (px mcp is one thread) */
	static struct buf done[2];
	struct buf *d = &done[old != 0];

	if (d->len == 0) {
		struct jw dw;

		jw_init(&dw, d);
		tools_array(&dw, old);
	}
	jw_raw(w, d->p, d->len);
}

static void
tools_array(struct jw *w, int old)
{
	const struct tool *t;

	jw_arr(w);
	for (size_t i = 0; (t = tool_at(i)) != NULL; i++) {
		jw_obj(w);
		jw_kstr(w, "name", t->name);
		if (!old)
			jw_kstr(w, "title", t->title);
		jw_kstr(w, "description", t->description);
		jw_key(w, "inputSchema");
		jw_raw(w, t->input, strlen(t->input));
		if (!old) {
			jw_key(w, "outputSchema");
			jw_raw(w, t->output, strlen(t->output));
		}
		jw_key(w, "annotations");
		jw_obj(w);
		jw_kstr(w, "title", t->title);
		jw_kbool(w, "readOnlyHint", (t->flags & RO) != 0);
		if (!(t->flags & RO)) {
			jw_kbool(w, "destructiveHint",
			    (t->flags & DESTRUCTIVE) != 0);
			jw_kbool(w, "idempotentHint",
			    (t->flags & IDEMPOTENT) != 0);
		}
		jw_kbool(w, "openWorldHint", 0);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
}

void
mcp_tools_checksum(char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct buf b = { 0 };
	struct jw w;
	br_sha256_context ctx;
	unsigned char sha[32];

	jw_init(&w, &b);
	mcp_tools_json(&w, NULL);
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, b.p, b.len);
	br_sha256_out(&ctx, sha);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[sha[i] >> 4];
		out[2 * i + 1] = hex[sha[i] & 15];
	}
	out[64] = '\0';
	buf_free(&b);
}

/* ---- the argument check: the subset of JSON Schema the registry uses
 * (type, enum, minimum, maximum, minLength, maxLength, required,
 * additionalProperties false) ---- */

static int
type_ok(const struct json *sj, int type, const struct json *j, int v)
{
	enum json_type t = json_type(j, v);

	if (type < 0)
		return 1;
	if (json_eq(sj, type, "string"))
		return t == JSON_STRING;
	if (json_eq(sj, type, "boolean"))
		return t == JSON_TRUE || t == JSON_FALSE;
	if (json_eq(sj, type, "integer")) {
		size_t n;
		const char *raw = json_raw(j, v, &n);

		if (t != JSON_NUMBER)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E')
				return 0;
		return n <= 18;
	}
	if (json_eq(sj, type, "number"))
		return t == JSON_NUMBER;
	if (json_eq(sj, type, "object"))
		return t == JSON_OBJECT;
	if (json_eq(sj, type, "array"))
		return t == JSON_ARRAY;
	return 0;
}

/* Does s match the schema's pattern (POSIX extended; the registry writes
 * its patterns in the part of ECMA-262 that reads the same)? */
static int
pattern_ok(const struct json *sj, int ps, const char *s)
{
	char pat[256];
	regex_t re;
	int ok;

	if (json_get(sj, ps, "pattern") < 0)
		return 1;
	json_strcpy(sj, json_get(sj, ps, "pattern"), pat, sizeof(pat));
	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static int
check_value(const struct json *sj, int ps, const char *key,
    const struct json *j, int v, char *msg, size_t n)
{
	int en = json_get(sj, ps, "enum");
	int c, i;
	double d;

	if (!type_ok(sj, json_get(sj, ps, "type"), j, v)) {
		snprintf(msg, n, "%s: wrong type", key);
		return -1;
	}
	if (en >= 0) {
		int ok = 0;

		if (json_type(j, v) == JSON_STRING)
			JSON_FOREACH(sj, en, c, i) {
				char want[64];

				json_strcpy(sj, c, want, sizeof(want));
				if (json_eq(j, v, want))
					ok = 1;
			}
		if (!ok) {
			snprintf(msg, n, "%s: not one of the allowed values",
			    key);
			return -1;
		}
	}
	if (json_type(j, v) == JSON_NUMBER && json_num(j, v, &d) == 0) {
		if ((json_get(sj, ps, "minimum") >= 0 &&
		    d < json_get_num(sj, ps, "minimum", 0)) ||
		    (json_get(sj, ps, "maximum") >= 0 &&
		    d > json_get_num(sj, ps, "maximum", 0))) {
			snprintf(msg, n, "%s: out of range (%.0f..%.0f)", key,
			    json_get_num(sj, ps, "minimum", 0),
			    json_get_num(sj, ps, "maximum", 0));
			return -1;
		}
	}
	if (json_type(j, v) == JSON_STRING) {
		char *s = json_strdup(j, v);
		long long len = (long long)strlen(s);
		int bad = 0, match;

		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				bad = 1;
		match = bad || pattern_ok(sj, ps, s);
		free(s);
		if (bad) {
			snprintf(msg, n, "%s: control characters", key);
			return -1;
		}
		if (len < json_get_int(sj, ps, "minLength", 0) ||
		    len > json_get_int(sj, ps, "maxLength", 4096)) {
			snprintf(msg, n, "%s: length out of range", key);
			return -1;
		}
		if (!match) {
			snprintf(msg, n, "%s: not of the form the schema's "
			    "pattern says", key);
			return -1;
		}
	}
	if (json_type(j, v) == JSON_ARRAY) {
		int items = json_get(sj, ps, "items");
		long long len = json_len(j, v);

		if (len < json_get_int(sj, ps, "minItems", 0) ||
		    len > json_get_int(sj, ps, "maxItems", 100)) {
			snprintf(msg, n, "%s: number of items out of range",
			    key);
			return -1;
		}
		if (items >= 0)
			JSON_FOREACH(j, v, c, i)
				if (check_value(sj, items, key, j, c, msg,
				    n) != 0)
					return -1;
	}
	return 0;
}

static int
check_args(const struct tool *t, const struct json *j, int args, char *msg,
    size_t n)
{
	struct json sj;
	struct px_err e;
	int props, req, k, i, rc = -1;

	if (json_parse(&sj, t->input, strlen(t->input), &e) != 0) {
		snprintf(msg, n, "%s: broken input schema", t->name);
		return -1;
	}
	props = json_get(&sj, 0, "properties");
	req = json_get(&sj, 0, "required");
	JSON_FOREACH(&sj, req, k, i) {
		char key[64];

		json_strcpy(&sj, k, key, sizeof(key));
		if (json_get(j, args, key) < 0) {
			snprintf(msg, n, "%s: missing argument '%s'", t->name,
			    key);
			goto out;
		}
	}
	JSON_FOREACH_KV(j, args, k, i) {
		char key[64];
		int ps;

		if (json_strcpy(j, k, key, sizeof(key)) >= (long)sizeof(key) ||
		    (ps = json_get(&sj, props, key)) < 0) {
			snprintf(msg, n, "%s: unknown argument '%.60s'",
			    t->name, key);
			for (char *p = msg; *p; p++)
				if ((unsigned char)*p < 0x20)
					*p = '?';
			goto out;
		}
		if (check_value(&sj, ps, key, j, k + 1, msg, n) != 0)
			goto out;
	}
	rc = 0;
out:
	json_free(&sj);
	return rc;
}

static void
error_result(struct jw *w, const char *text)
{
	jw_obj(w);
	jw_key(w, "content");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "type", "text");
	jw_kstr(w, "text", text);
	jw_end(w);
	jw_end(w);
	jw_kbool(w, "isError", 1);
	jw_end(w);
}

int
mcp_tool_call(struct mcp *m, const char *name, const struct json *j,
    int args, struct jw *w, char *msg, size_t msgn)
{
	const struct tool *t = NULL;
	struct buf sc = { 0 }, text = { 0 };
	struct jw sw;
	struct mcp_call k = { m, j, args, &sw, &text, NULL };
	struct px_err e = { 0 };
	int rc, old = proto_before(m->proto, "2025-06-18");

	if ((t = tool_named(name)) == NULL)
		return -1;
	if (check_args(t, j, args, msg, msgn) != 0) {
		/* SEP-1303: from 2025-11-25 a tool's input error is the
		 * tool's, so the model can correct it */
		if (proto_before(m->proto, "2025-11-25"))
			return -2;
		error_result(w, msg);
		return 0;
	}
	jw_init(&sw, &sc);
	rc = tool_run(t, &k, &e);
	if (rc != 0 && sc.len == 0) {
		char text2[800];

		snprintf(text2, sizeof(text2), "%s%s%s", e.msg, e.hint[0] ?
		    " (" : "", e.hint);
		if (e.hint[0])
			snprintf(text2 + strlen(text2), sizeof(text2) -
			    strlen(text2), ")");
		error_result(w, text2);
		goto out;
	}
	jw_obj(w);
	jw_key(w, "content");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "type", "text");
	if (rc != 0) {
		buf_reset(&text);
		buf_printf(&text, "%s: %s%s%s", e.id == PXE_OK ? "failed" :
		    px_errinfo(e.id)->name, e.msg, e.hint[0] ? " -- " : "",
		    e.hint);
	}
	jw_key(w, "text");
	if (text.len)
		jw_str(w, buf_str(&text));
	else
		jw_strn(w, sc.p, sc.len);
	jw_end(w);
	jw_end(w);
	if (!old) {
		jw_key(w, "structuredContent");
		jw_raw(w, sc.p, sc.len);
	}
	jw_kbool(w, "isError", rc != 0);
	jw_end(w);
out:
	buf_free(&sc);
	buf_free(&text);
	return 0;
}

/* ---- resources: tools' answers under stable URIs ---- */

/* Run tool name with the arguments argsjson (built here, not from the
 * client): its structuredContent into json, its prose (if any) into
 * text. */
static int
run_named(struct mcp *m, const char *name, const char *argsjson,
    struct buf *json, struct buf *text, struct px_err *e)
{
	struct json j;
	struct jw w;
	struct mcp_call k = { m, &j, 0, &w, text, NULL };
	const struct tool *t = tool_named(name);
	int rc = -1;

	if (t == NULL || json_parse(&j, argsjson, strlen(argsjson), e) != 0)
		return -1;
	jw_init(&w, json);
	rc = tool_run(t, &k, e);
	json_free(&j);
	return rc;
}

static const char *
profile_name(const struct mcp *m)
{
	struct px_cli *x = m->srv->x;

	return x->p ? x->p->name : "default";
}

void
mcp_resources_json(struct jw *w, struct mcp *m)
{
	char uri[192];
	const char *p = profile_name(m);

	jw_arr(w);
	jw_obj(w);
	snprintf(uri, sizeof(uri), "px://%s/cluster/digest", p);
	jw_kstr(w, "uri", uri);
	jw_kstr(w, "name", "cluster-digest");
	jw_kstr(w, "title", "Cluster digest");
	jw_kstr(w, "description", "The cluster in compact key: value lines "
	    "(px describe --output llm-context).");
	jw_kstr(w, "mimeType", "text/plain");
	jw_end(w);
	jw_obj(w);
	snprintf(uri, sizeof(uri), "px://%s/guests", p);
	jw_kstr(w, "uri", uri);
	jw_kstr(w, "name", "guests");
	jw_kstr(w, "title", "Guests");
	jw_kstr(w, "description", "Every guest with its status (JSON).");
	jw_kstr(w, "mimeType", "application/json");
	jw_end(w);
	jw_end(w);
}

void
mcp_resource_templates_json(struct jw *w)
{
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "uriTemplate", "px://{profile}/guest/{vmid}/config");
	jw_kstr(w, "name", "guest-config");
	jw_kstr(w, "title", "A guest's configuration");
	jw_kstr(w, "description", "Status and configuration of one guest "
	    "(JSON).");
	jw_kstr(w, "mimeType", "application/json");
	jw_end(w);
	jw_obj(w);
	jw_kstr(w, "uriTemplate", "px://{profile}/task/{upid}/log");
	jw_kstr(w, "name", "task-log");
	jw_kstr(w, "title", "A task's log");
	jw_kstr(w, "description", "A task's status and log lines (JSON).");
	jw_kstr(w, "mimeType", "application/json");
	jw_end(w);
	jw_end(w);
}

int
mcp_resource_read(struct mcp *m, const char *uri, struct jw *w,
    struct px_err *e)
{
	struct buf json = { 0 }, text = { 0 }, args = { 0 };
	const char *p = profile_name(m), *rest, *tool = NULL;
	size_t pn = strlen(p);
	int rc = -1, vmid;
	char tail[200];

	if (strncmp(uri, "px://", 5) != 0 || strncmp(uri + 5, p, pn) != 0 ||
	    uri[5 + pn] != '/')
		return px_fail(e, PXE_NOT_FOUND, "unknown resource (this "
		    "server serves px://%s/...)", p);
	rest = uri + 6 + pn;
	if (strcmp(rest, "cluster/digest") == 0) {
		tool = "describe_cluster";
		buf_adds(&args, "{}");
	} else if (strcmp(rest, "guests") == 0) {
		tool = "list_guests";
		buf_adds(&args, "{}");
	} else if (sscanf(rest, "guest/%d/%199s", &vmid, tail) == 2 &&
	    strcmp(tail, "config") == 0 && vmid >= 100 &&
	    vmid <= 999999999) {
		tool = "get_guest";
		buf_printf(&args, "{\"vmid\":%d}", vmid);
	} else if (strncmp(rest, "task/", 5) == 0 && strlen(rest) > 9 &&
	    strcmp(rest + strlen(rest) - 4, "/log") == 0 &&
	    strlen(rest) - 9 < 256) {
		struct jw aw;

		tool = "get_task_log";
		jw_init(&aw, &args);
		jw_obj(&aw);
		jw_key(&aw, "upid");
		jw_strn(&aw, rest + 5, strlen(rest) - 9);
		jw_end(&aw);
	}
	if (tool == NULL) {
		px_fail(e, PXE_NOT_FOUND, "unknown resource");
		goto out;
	}
	if (run_named(m, tool, buf_str(&args), &json, &text, e) != 0)
		goto out;
	jw_obj(w);
	jw_key(w, "contents");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "uri", uri);
	jw_kstr(w, "mimeType", text.len ? "text/plain" : "application/json");
	jw_key(w, "text");
	if (text.len)
		jw_strn(w, text.p, text.len);
	else
		jw_strn(w, json.p, json.len);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	rc = 0;
out:
	buf_free(&json);
	buf_free(&text);
	buf_free(&args);
	return rc;
}

/* ---- prompts ---- */

void
mcp_prompts_json(struct jw *w)
{
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "name", "cluster_health");
	jw_kstr(w, "title", "Check the cluster's health");
	jw_kstr(w, "description", "Read the digest and the failed tasks, say "
	    "what needs attention.");
	jw_key(w, "arguments");
	jw_arr(w);
	jw_end(w);
	jw_end(w);
	jw_obj(w);
	jw_kstr(w, "name", "investigate_guest");
	jw_kstr(w, "title", "Investigate a guest");
	jw_kstr(w, "description", "Look at one guest: status, configuration, "
	    "snapshots, backups and recent tasks.");
	jw_key(w, "arguments");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "name", "vmid");
	jw_kstr(w, "description", "the guest's VMID");
	jw_kbool(w, "required", 1);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

static void
prompt_message(struct jw *w, const char *description, const char *text)
{
	jw_obj(w);
	jw_kstr(w, "description", description);
	jw_key(w, "messages");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "role", "user");
	jw_key(w, "content");
	jw_obj(w);
	jw_kstr(w, "type", "text");
	jw_kstr(w, "text", text);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

int
mcp_prompt_get(struct mcp *m, const char *name, const struct json *j,
    int args, struct jw *w, char *msg, size_t msgn)
{
	char text[1024], v[32];
	int vmid;

	(void)m;
	if (strcmp(name, "cluster_health") == 0) {
		prompt_message(w, "Check the cluster's health", "Call "
		    "describe_cluster, then list_tasks with errors true and "
		    "backup_coverage. Report what needs attention (nodes "
		    "offline, storage over 80%, HA services not in their "
		    "state, failed tasks, guests without backup), most urgent "
		    "first. Change nothing.");
		return 0;
	}
	if (strcmp(name, "investigate_guest") != 0)
		return -1;
	/* prompt arguments are strings */
	if (json_type(j, json_get(j, args, "vmid")) != JSON_STRING ||
	    json_strcpy(j, json_get(j, args, "vmid"), v, sizeof(v)) >=
	    (long)sizeof(v) || (vmid = pve_parse_vmid(v)) < 0) {
		snprintf(msg, msgn, "investigate_guest: vmid (a VMID) is "
		    "required");
		return -2;
	}
	snprintf(text, sizeof(text), "Investigate guest %d: call get_guest, "
	    "list_snapshots, list_backups and list_tasks with vmid %d. Say "
	    "what state it is in, whether it is protected by backups and "
	    "snapshots, and what its recent tasks show. Propose changes, do "
	    "not make them.", vmid, vmid);
	prompt_message(w, "Investigate a guest", text);
	return 0;
}
