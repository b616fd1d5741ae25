/*
 * guest_snapshot.c -- a guest's snapshots: list (with "current"), create
 * (with or without RAM), read, change the description, delete and roll
 * back, each a task that holds the guest's lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

/* ---- snapshots ---- */

static struct sim_snap *
find_snap(struct sim_guest *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nsnaps; i++)
		if (strcmp(g->snaps[i].name, name) == 0)
			return &g->snaps[i];
	return NULL;
}

GUEST_HANDLER(h_snap_list)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct jw w;
	size_t i;

	if (g == NULL)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < g->nsnaps; i++) {
		const struct sim_snap *sn = &g->snaps[i];

		jw_obj(&w);
		jw_kstr(&w, "name", sn->name);
		jw_kstr(&w, "description", sn->description ? sn->description :
		    "");
		jw_kint(&w, "snaptime", (long long)sn->snaptime);
		if (g->type == SIM_QEMU)
			jw_kint(&w, "vmstate", sn->vmstate);
		if (sn->parent)
			jw_kstr(&w, "parent", sn->parent);
		jw_end(&w);
	}
	jw_obj(&w);
	jw_kstr(&w, "name", "current");
	jw_kstr(&w, "description", "You are here!");
	if (g->snapparent)
		jw_kstr(&w, "parent", g->snapparent);
	if (g->type == SIM_QEMU)
		jw_kint(&w, "running", g->status != SIM_STOPPED);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
snapname_ok(const char *n)
{
	size_t i;

	if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')))
		return 0;
	for (i = 1; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' &&
		    n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_'
		    || n[i] == '-'))
			return 0;
	return i <= 40;
}

struct snap_arg {
	char name[64];
	char description[256];
	int vmstate;
	int start;
};

static void
snap_create_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;
	char buf[32];

	if (g == NULL || find_snap(g, a->name))
		return;
	g->snaps = px_xrealloc(g->snaps, (g->nsnaps + 1) * sizeof(*g->snaps));
	sn = &g->snaps[g->nsnaps++];
	memset(sn, 0, sizeof(*sn));
	sn->name = px_xstrdup(a->name);
	sn->parent = g->snapparent ? px_xstrdup(g->snapparent) : NULL;
	sn->description = px_xstrdup(a->description);
	sn->snaptime = sim_now(s);
	sn->vmstate = a->vmstate && g->status != SIM_STOPPED;
	sim_kv_copy(&sn->config, &g->config);
	snprintf(buf, sizeof(buf), "%lld", (long long)sn->snaptime);
	sim_kv_set(&sn->config, "snaptime", buf);
	if (sn->vmstate)
		sim_kv_set(&sn->config, "vmstate", "1");
	sim_str_set(&g->snapparent, a->name);
	sim_kv_set(&g->config, "parent", a->name);
	sim_guest_save(s, g);
}

GUEST_HANDLER(h_snap_create)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_param(rq, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];
	size_t i;

	if (g == NULL || sim_param_require(rq, rs, "snapname", NULL) != 0)
		return;
	if (!snapname_ok(name) || strcmp(name, "current") == 0) {
		sim_param_errorf(rs, "snapname", "invalid format - invalid "
		    "configuration ID '%s'\n", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (find_snap(g, name)) {
		sim_error(rs, 500, "snapshot name '%s' already used", name);
		return;
	}
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->description, sizeof(a->description), "%s",
	    sim_param(rq, "description") ? sim_param(rq, "description") : "");
	a->vmstate = sim_param_bool(rq, "vmstate", 0);
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzsnapshot" : "qmsnapshot", id, rq->authid, -1, snap_create_done,
	    NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "snapshot");
	for (i = 0; i < g->config.n; i++) {
		char volid[256];

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0])
			sim_task_log(t, "snapshotting '%s' (%s)",
			    g->config.v[i].key, volid);
	}
	if (a->vmstate && g->status != SIM_STOPPED)
		sim_task_log(t, "saving VM state and RAM using storage "
		    "'local-lvm'");
	sim_upid_response(rs, t->upid);
}

GUEST_HANDLER(h_snap_index)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);

	if (g == NULL)
		return;
	if (find_snap(g, sim_var(m, "snapname")) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	sim_ok_json(rs, "[{\"cmd\":\"rollback\"},{\"cmd\":\"config\"}]");
}

GUEST_HANDLER(h_snap_config)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_snap *sn;
	struct jw w;

	if (g == NULL)
		return;
	if ((sn = find_snap(g, sim_var(m, "snapname"))) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	sim_ok_begin(rs, &w);
	g_write_config(&w, g, &sn->config, 0);
	sim_ok_end(rs, &w);
}

GUEST_HANDLER(h_snap_config_put)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_snap *sn;

	if (g == NULL)
		return;
	if ((sn = find_snap(g, sim_var(m, "snapname"))) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	if (sim_param(rq, "description"))
		sim_str_set(&sn->description, sim_param(rq, "description"));
	sim_guest_save(s, g);
	sim_ok_null(rs);
}

static void
snap_delete_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;
	char *parent;
	size_t i, k;

	if (g == NULL || (sn = find_snap(g, a->name)) == NULL)
		return;
	parent = sn->parent ? px_xstrdup(sn->parent) : NULL;
	for (i = 0; i < g->nsnaps; i++)
		if (g->snaps[i].parent && strcmp(g->snaps[i].parent, a->name) ==
		    0)
			sim_str_set(&g->snaps[i].parent, parent);
	if (g->snapparent && strcmp(g->snapparent, a->name) == 0) {
		sim_str_set(&g->snapparent, parent);
		if (parent)
			sim_kv_set(&g->config, "parent", parent);
		else
			sim_kv_del(&g->config, "parent");
	}
	k = (size_t)(sn - g->snaps);
	free(sn->name);
	free(sn->parent);
	free(sn->description);
	sim_kv_free(&sn->config);
	memmove(sn, sn + 1, (g->nsnaps - k - 1) * sizeof(*sn));
	g->nsnaps--;
	free(parent);
	sim_guest_save(s, g);
}

GUEST_HANDLER(h_snap_delete)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_var(m, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];

	if (g == NULL)
		return;
	if (find_snap(g, name) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzdelsnapshot" : "qmdelsnapshot", id, rq->authid, -1,
	    snap_delete_done, NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "snapshot-delete");
	sim_upid_response(rs, t->upid);
}

static void
rollback_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;

	if (g == NULL || (sn = find_snap(g, a->name)) == NULL)
		return;
	sim_kv_copy(&g->config, &sn->config);
	sim_kv_del(&g->config, "snaptime");
	sim_kv_del(&g->config, "vmstate");
	sim_kv_set(&g->config, "parent", a->name);
	sim_str_set(&g->snapparent, a->name);
	sim_kv_free(&g->pending);
	g_sync_fields(g);
	if (sn->vmstate || a->start) {
		if (g->status == SIM_STOPPED)
			g->started = sim_now(s);
		g->status = SIM_RUNNING;
	} else {
		g->status = SIM_STOPPED;
	}
	sim_guest_save(s, g);
}

GUEST_HANDLER(h_snap_rollback)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_var(m, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];

	if (g == NULL)
		return;
	if (find_snap(g, name) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->start = sim_param_bool(rq, "start", 0);
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzrollback" : "qmrollback", id, rq->authid, -1, rollback_done,
	    NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "rollback");
	sim_upid_response(rs, t->upid);
}
