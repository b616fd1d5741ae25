/*
 * vzdump.c -- /nodes/{node}/vzdump: backups of guests as a task that
 * writes backup volumes (with notes and protection) on a storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

/* ---- vzdump ---- */

struct dump_arg {
	int *vmids;
	int n;
	int cur;		/* index of the guest being backed up, -1 */
	int errors;
	char storage[64];
	char mode[16];
	char compress[16];
	char notes[128];
};

static void
dump_free(void *p)
{
	struct dump_arg *a = p;

	free(a->vmids);
	free(a);
}

static void
dump_begin(struct sim *s, struct sim_task *t, struct dump_arg *a)
{
	struct sim_guest *g = sim_guest_find(s, a->vmids[a->cur]);
	char ts[32];
	time_t now = sim_now(s);
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	if (g == NULL)
		return;
	sim_task_log(t, "INFO: Starting Backup of VM %d (%s)", g->vmid,
	    sim_gtype_name(g->type));
	sim_task_log(t, "INFO: Backup started at %s", ts);
	sim_task_log(t, "INFO: status = %s", sim_gstatus_name(g->status));
	if (g->lock) {
		sim_task_log(t, "ERROR: Backup of VM %d failed - %s is locked "
		    "(%s)", g->vmid, g_word(g), g->lock);
		a->errors++;
		a->vmids[a->cur] = -a->vmids[a->cur];
		return;
	}
	sim_task_log(t, "INFO: %s Name: %s", g->type == SIM_LXC ? "CT" : "VM",
	    g->name);
	for (i = 0; i < g->config.n; i++) {
		char volid[256], sz[32];

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0] && g_prop(g->config.v[i].val, "size", sz,
		    sizeof(sz)) == 0)
			sim_task_log(t, "INFO: include disk '%s' '%s' %s",
			    g->config.v[i].key, volid, sz);
	}
	sim_task_log(t, "INFO: backup mode: %s", a->mode);
	sim_task_log(t, "INFO: ionice priority: 7");
	sim_str_set(&g->lock, "backup");
	sim_guest_save(s, g);
}

static void
dump_end(struct sim *s, struct sim_task *t, struct dump_arg *a)
{
	struct sim_guest *g;
	struct sim_storage *st = sim_storage_find(s, a->storage);
	struct sim_volume *v;
	char stamp[32], volid[256], sz[32];
	time_t now = sim_now(s);
	struct tm tm;

	if (a->vmids[a->cur] < 0)
		return;
	g = sim_guest_find(s, a->vmids[a->cur]);
	if (g == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y_%m_%d-%H_%M_%S", &tm);
	snprintf(volid, sizeof(volid), "%s:backup/vzdump-%s-%d-%s.%s%s%s",
	    a->storage, g->type == SIM_LXC ? "lxc" : "qemu", g->vmid, stamp,
	    g->type == SIM_LXC ? "tar" : "vma", a->compress[0] ? "." : "",
	    a->compress);
	v = px_xcalloc(1, sizeof(*v));
	v->storage = px_xstrdup(a->storage);
	v->node = st && !st->shared ? px_xstrdup(t->node) : NULL;
	v->volid = px_xstrdup(volid);
	v->content = px_xstrdup("backup");
	v->format = px_xasprintf("%s%s%s", g->type == SIM_LXC ? "tar" : "vma",
	    a->compress[0] ? "." : "", a->compress);
	v->size = g->maxdisk / 5 + (uint64_t)g->vmid * 1048576;
	v->vmid = g->vmid;
	v->ctime = now;
	v->notes = px_xstrdup(a->notes[0] ? a->notes : g->name);
	sim_volume_add(s, v);
	g_size(v->size, sz, sizeof(sz));
	sim_task_log(t, "INFO: 100%% (%llu GiB of %llu GiB) in %ds, read: "
	    "512.0 MiB/s, write: 498.2 MiB/s", (unsigned long long)(g->maxdisk
	    >> 30), (unsigned long long)(g->maxdisk >> 30), (int)t->duration /
	    (a->n ? a->n : 1) + 1);
	sim_task_log(t, "INFO: archive file size: %s", sz);
	sim_task_log(t, "INFO: adding notes to backup");
	sim_task_log(t, "INFO: Finished Backup of VM %d (00:00:%02d)", g->vmid,
	    (int)t->duration / (a->n ? a->n : 1) + 1);
	if (g->lock && strcmp(g->lock, "backup") == 0) {
		sim_str_set(&g->lock, NULL);
		sim_guest_save(s, g);
	}
}

static void
dump_tick(struct sim *s, struct sim_task *t)
{
	struct dump_arg *a = t->arg;
	int want = a->n ? (int)(t->progress * a->n) : 0;
	int pct;

	if (want >= a->n)
		want = a->n - 1;
	while (a->cur < want) {
		if (a->cur >= 0)
			dump_end(s, t, a);
		a->cur++;
		t->tick_state = 0;
		dump_begin(s, t, a);
	}
	if (a->cur < 0 || a->vmids[a->cur] < 0)
		return;
	pct = (int)((t->progress * a->n - a->cur) * 100);
	if (pct / 25 > t->tick_state && pct < 100) {
		struct sim_guest *g = sim_guest_find(s, a->vmids[a->cur]);

		t->tick_state = pct / 25;
		if (g)
			sim_task_log(t, "INFO: %3d%% (%.1f GiB of %llu.0 GiB) "
			    "in %ds, read: 512.0 MiB/s, write: 498.2 MiB/s",
			    t->tick_state * 25, (double)(g->maxdisk >> 30) *
			    t->tick_state / 4, (unsigned long long)(g->maxdisk
			    >> 30), t->tick_state);
	}
}

static void
dump_done(struct sim *s, struct sim_task *t)
{
	struct dump_arg *a = t->arg;

	t->progress = 1;
	dump_tick(s, t);
	if (a->cur >= 0)
		dump_end(s, t, a);
	if (a->errors) {
		sim_task_log(t, "INFO: Backup job finished with errors");
		sim_task_fail(t, "job errors");
	} else {
		sim_task_log(t, "INFO: Backup job finished successfully");
	}
}

GUEST_HANDLER(h_vzdump)
{
	const char *node = sim_var(m, "node");
	const char *vmid = sim_param(rq, "vmid");
	const char *storage = sim_param(rq, "storage");
	int all = sim_param_bool(rq, "all", 0);
	struct sim_storage *st;
	struct dump_arg *a;
	struct sim_task *t;
	struct buf ids = {0};
	char path[64];
	size_t i;

	if (vmid == NULL && !all && sim_param(rq, "pool") == NULL) {
		sim_param_error(rs, "vmid", "property is missing and it is not "
		    "optional");
		return;
	}
	if (storage == NULL)
		storage = "local";
	if ((st = sim_storage_find(s, storage)) == NULL ||
	    !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", storage);
		return;
	}
	if (!g_list_has(st->content, "backup")) {
		sim_error(rs, 500, "storage '%s' does not support backups",
		    storage);
		return;
	}
	snprintf(path, sizeof(path), "/storage/%s", storage);
	if (sim_check_perm(s, rq, path, "Datastore.AllocateSpace", rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	a->cur = -1;
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];
		char v[16];

		snprintf(v, sizeof(v), "%d", g->vmid);
		if (strcmp(sim_guest_node(s, g), node) != 0)
			continue;
		if (!(all || (vmid && g_list_has(vmid, v)) ||
		    (sim_param(rq, "pool") && g->pool && strcmp(g->pool,
		    sim_param(rq, "pool")) == 0)))
			continue;
		if (sim_param(rq, "exclude") && g_list_has(sim_param(rq,
		    "exclude"), v))
			continue;
		if (g->template_ && !vmid)
			continue;
		snprintf(path, sizeof(path), "/vms/%d", g->vmid);
		if (sim_check_perm(s, rq, path, "VM.Backup", rs) != 0) {
			dump_free(a);
			buf_free(&ids);
			return;
		}
		a->vmids = px_xrealloc(a->vmids, (size_t)(a->n + 1) *
		    sizeof(int));
		a->vmids[a->n++] = g->vmid;
		buf_printf(&ids, "%s%d", ids.len ? " " : "", g->vmid);
	}
	if (vmid) {
		char *copy = px_xstrdup(vmid), *p, *save = NULL;

		for (p = strtok_r(copy, ",; ", &save); p;
		    p = strtok_r(NULL, ",; ", &save)) {
			struct sim_guest *g = sim_guest_find(s, atoi(p));

			if (g == NULL) {
				sim_error(rs, 500, "guest %s does not exist", p);
				free(copy);
				dump_free(a);
				buf_free(&ids);
				return;
			}
		}
		free(copy);
	}
	snprintf(a->storage, sizeof(a->storage), "%s", storage);
	snprintf(a->mode, sizeof(a->mode), "%s", sim_param(rq, "mode") ?
	    sim_param(rq, "mode") : "snapshot");
	/* vzdump's compress: 0 (the default) none, 1 or lzo .lzo, gzip
	 * .gz, zstd .zst -- the file name's last extension. */
	{
		const char *c = sim_param(rq, "compress");

		snprintf(a->compress, sizeof(a->compress), "%s",
		    c == NULL || strcmp(c, "0") == 0 ? "" :
		    strcmp(c, "1") == 0 || strcmp(c, "lzo") == 0 ? "lzo" :
		    strcmp(c, "gzip") == 0 ? "gz" : "zst");
	}
	if (sim_param(rq, "notes-template"))
		snprintf(a->notes, sizeof(a->notes), "%s",
		    sim_param(rq, "notes-template"));
	t = sim_task_start(s, node, "vzdump", a->n == 1 ? buf_str(&ids) : "",
	    rq->authid, s->opt.task_seconds * (a->n > 1 ? 1.5 : 1), dump_done,
	    NULL);
	t->arg = a;
	t->arg_free = dump_free;
	t->on_tick = dump_tick;
	t->vmid = a->n == 1 ? a->vmids[0] : 0;
	sim_task_log(t, "INFO: starting new backup job: vzdump %s --storage "
	    "%s --mode %s --compress %s --node %s", ids.len ? buf_str(&ids) :
	    "--all 1", storage, a->mode, a->compress, node);
	if (a->n == 0)
		sim_task_log(t, "INFO: no guests to back up on this node");
	buf_free(&ids);
	sim_upid_response(rs, t->upid);
}
