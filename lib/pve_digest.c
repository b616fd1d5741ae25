/* pve_digest.c -- one digest of a cluster (pve_digest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "pve_digest.h"
#include "pve_fanout.h"

static const char *const paths[PVE_DIGEST_N] = {
	"/version", "/cluster/status", "/nodes", "/cluster/resources?type=vm",
	"/cluster/resources?type=storage", "/cluster/ha/status/current",
	"/cluster/backup", "/cluster/backup-info/not-backed-up",
	"/cluster/tasks",
};


int
pve_digest_gather(struct px_client *c, struct pve_digest *d,
    struct px_err *err)
{
	struct px_call k[PVE_DIGEST_N] = { 0 };
	struct px_err e;

	memset(d, 0, sizeof(*d));

	for (int i = 0; i < PVE_DIGEST_N; i++)
		px_call_init(&k[i], c, "GET", NULL, "%s", paths[i]);
	pve_calls_run(k, PVE_DIGEST_N);
	for (int i = 0; i < PVE_DIGEST_N; i++) {
		struct px_reply r;
		int rc = -1;

		if (pve_call_reply(&k[i], &r, &e) != 0) {
			if (i == PVE_DIGEST_NODES || i == PVE_DIGEST_GUESTS) {
				*err = e;
				for (int q = i; q < PVE_DIGEST_N; q++)
					px_call_free(&k[q]);
				pve_digest_free(d);
				return -1;
			}
			px_call_free(&k[i]);
			continue;
		}
		switch (i) {
		case PVE_DIGEST_VERSION:
			rc = pve_version_parse(&r.j, r.data, &d->ver, &e);
			break;
		case PVE_DIGEST_CSTATUS:
			rc = pve_cluster_status_parse(&r.j, r.data, &d->cs,
			    &d->ncs, &e);
			break;
		case PVE_DIGEST_NODES:
			rc = pve_nodes_parse(&r.j, r.data, &d->nodes,
			    &d->nnodes, &e);
			break;
		case PVE_DIGEST_GUESTS:
			rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    &d->guests, &d->nguests, &e);
			break;
		case PVE_DIGEST_STORAGE:
			rc = pve_storages_parse(&r.j, r.data, &d->st, &d->nst,
			    &e);
			break;
		case PVE_DIGEST_HA:
			rc = pve_ha_status_parse(&r.j, r.data, &d->ha, &d->nha,
			    &e);
			break;
		case PVE_DIGEST_JOBS:
			rc = pve_backup_jobs_parse(&r.j, r.data, &d->jobs,
			    &d->njobs, &e);
			break;
		case PVE_DIGEST_UNPROT:
			rc = pve_unprotected_parse(&r.j, r.data, &d->un,
			    &d->nun, &e);
			break;
		case PVE_DIGEST_TASKS:
			rc = pve_tasks_parse(&r.j, r.data, &d->tasks,
			    &d->ntasks, &e);
			break;
		}
		if (rc != 0 && (i == PVE_DIGEST_NODES || i == PVE_DIGEST_GUESTS)) {
			*err = e;
			px_reply_free(&r);
			for (int q = i; q < PVE_DIGEST_N; q++)
				px_call_free(&k[q]);
			pve_digest_free(d);
			return -1;
		}
		d->have[i] = rc == 0;
		px_reply_free(&r);
		px_call_free(&k[i]);
	}

	d->name = "";
	d->quorate = -1;
	for (int i = 0; i < d->ncs; i++)
		if (strcmp(d->cs[i].type, "cluster") == 0) {
			d->name = d->cs[i].name;
			d->quorate = d->cs[i].quorate;
		}
	for (int i = 0; i < d->nnodes; i++)
		d->online += d->nodes[i].online;
	for (int i = 0; i < d->nguests; i++) {
		const struct pve_guest *g = &d->guests[i];

		if (g->template) {
			d->templates++;
			continue;
		}
		if (strcmp(g->status, "running") == 0)
			d->running++;
		else if (strcmp(g->status, "stopped") == 0)
			d->stopped++;
		else
			d->other++;
		d->qemu += strcmp(g->type, "qemu") == 0;
		d->lxc += strcmp(g->type, "lxc") == 0;
	}
	d->ha_master = NULL;
	for (int i = 0; i < d->nha; i++) {
		if (strcmp(d->ha[i].type, "master") == 0)
			d->ha_master = d->ha[i].node;
		if (strcmp(d->ha[i].type, "service") == 0) {
			d->ha_services++;
			d->ha_bad += strcmp(d->ha[i].state, "started") != 0 &&
			    strcmp(d->ha[i].state, "stopped") != 0 &&
			    strcmp(d->ha[i].state, "ignored") != 0;
		}
	}
	for (int i = 0; i < d->njobs; i++)
		d->jobs_enabled += d->jobs[i].enabled;
	for (int i = 0; i < d->ntasks && d->nfailed < PVE_DIGEST_MAX_FAILED; i++) {
		struct pve_task *t = &d->tasks[i];

		if (t->endtime && strcmp(t->status, "OK") != 0 &&
		    strncmp(t->status, "WARNINGS", 8) != 0) {
			text_sanitize(t->status);	/* printed as prose */
			text_sanitize(t->id);
			d->failed[d->nfailed++] = i;
		}
	}
	return 0;
}

/* Is storage i the first row of a shared storage (or not shared)? */
static int
storage_first(const struct pve_digest *d, int i)
{
	for (int q = 0; q < i && d->st[i].shared; q++)
		if (d->st[q].shared && strcmp(d->st[q].storage,
		    d->st[i].storage) == 0)
			return 0;
	return strcmp(d->st[i].status, "available") == 0;
}

static double
frac(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

void
pve_digest_json(const struct pve_digest *d, struct jw *w)
{
	jw_obj(w);
	jw_kstr(w, "cluster", d->name[0] ? d->name : NULL);
	jw_kstr(w, "version", d->have[PVE_DIGEST_VERSION] ? d->ver.version : NULL);
	if (d->quorate >= 0)
		jw_kbool(w, "quorate", d->quorate);
	else
		jw_knull(w, "quorate");
	jw_key(w, "nodes");
	jw_arr(w);
	for (int i = 0; i < d->nnodes; i++) {
		const struct pve_node *n = &d->nodes[i];

		jw_obj(w);
		jw_kstr(w, "node", n->name);
		jw_kstr(w, "status", n->status);
		jw_knum(w, "cpu", n->cpu);
		jw_kint(w, "maxcpu", n->maxcpu);
		jw_kuint(w, "mem", n->mem);
		jw_kuint(w, "maxmem", n->maxmem);
		jw_kint(w, "uptime", n->uptime);
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "guests");
	jw_obj(w);
	jw_kint(w, "total", d->running + d->stopped + d->other);
	jw_kint(w, "running", d->running);
	jw_kint(w, "stopped", d->stopped);
	jw_kint(w, "other", d->other);
	jw_kint(w, "qemu", d->qemu);
	jw_kint(w, "lxc", d->lxc);
	jw_kint(w, "templates", d->templates);
	jw_end(w);
	jw_key(w, "storage");
	jw_arr(w);
	for (int i = 0; i < d->nst; i++) {
		if (!storage_first(d, i))
			continue;
		jw_obj(w);
		jw_kstr(w, "storage", d->st[i].storage);
		jw_kstr(w, "node", d->st[i].shared ? NULL : d->st[i].node);
		jw_kstr(w, "type", d->st[i].plugintype);
		jw_kbool(w, "shared", d->st[i].shared);
		jw_kuint(w, "used", d->st[i].disk);
		jw_kuint(w, "total", d->st[i].maxdisk);
		jw_knum(w, "used_fraction", frac(d->st[i].disk,
		    d->st[i].maxdisk));
		jw_end(w);
	}
	jw_end(w);
	jw_key(w, "ha");
	if (d->have[PVE_DIGEST_HA]) {
		jw_obj(w);
		jw_kstr(w, "master", d->ha_master);
		jw_kint(w, "services", d->ha_services);
		jw_kint(w, "services_not_ok", d->ha_bad);
		jw_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "backups");
	jw_obj(w);
	if (d->have[PVE_DIGEST_JOBS])
		jw_kint(w, "jobs_enabled", d->jobs_enabled);
	else
		jw_knull(w, "jobs_enabled");
	if (d->have[PVE_DIGEST_UNPROT])
		jw_kint(w, "guests_without_job", d->nun);
	else
		jw_knull(w, "guests_without_job");
	jw_end(w);
	jw_key(w, "failed_tasks");
	jw_arr(w);
	for (int i = 0; i < d->nfailed; i++) {
		const struct pve_task *t = &d->tasks[d->failed[i]];

		jw_obj(w);
		jw_kint(w, "starttime", t->starttime);
		jw_kstr(w, "node", t->node);
		jw_kstr(w, "type", t->type);
		jw_kstr(w, "id", t->id[0] ? t->id : NULL);
		jw_kstr(w, "status", t->status);
		jw_kstr(w, "upid", t->upid);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}


/* A section heading. */
static void
heading(struct buf *o, enum pve_digest_style s, const char *title)
{
	if (s == PVE_DIGEST_MD)
		buf_printf(o, "\n## %s\n\n", title);
	else if (s == PVE_DIGEST_TEXT)
		buf_printf(o, "\n%s\n", title);
}

void
pve_digest_prose(const struct pve_digest *d, enum pve_digest_style s,
    struct buf *o)
{
	char a[32], b[32], p[32];
	const char *cl = d->name[0] ? d->name : "(none)";
	const char *ver = d->have[PVE_DIGEST_VERSION] ? d->ver.version : "unavailable";
	const char *quo = d->quorate < 0 ? "unknown" : d->quorate ? "yes" :
	    "no";

	if (s == PVE_DIGEST_LLM)
		buf_printf(o, "cluster: %s\npve_version: %s\nquorate: %s\n"
		    "nodes: %d total, %d online\n", cl, ver, quo, d->nnodes,
		    d->online);
	else
		buf_printf(o, "%sCluster %s: PVE %s, quorate: %s, %d of %d nodes "
		    "online\n", s == PVE_DIGEST_MD ? "# " : "", cl, ver, quo, d->online,
		    d->nnodes);

	heading(o, s, "Nodes");
	if (s == PVE_DIGEST_MD)
		buf_printf(o, "| node | status | cpu | memory |\n|---|---|---|---|\n");
	for (int i = 0; i < d->nnodes; i++) {
		const struct pve_node *n = &d->nodes[i];

		out_fmt_pct(p, sizeof(p), n->cpu);
		out_fmt_bytes(a, sizeof(a), n->mem);
		out_fmt_bytes(b, sizeof(b), n->maxmem);
		buf_printf(o, s == PVE_DIGEST_LLM ? "node.%s: %s, cpu %s of %d, mem %s of %s\n" :
		    s == PVE_DIGEST_MD ? "| %s | %s | %s of %d | %s of %s |\n" :
		    "  %-16s %-8s cpu %6s of %-3d mem %s of %s\n", n->name,
		    n->status, n->online ? p : "-", n->maxcpu, a, b);
	}

	heading(o, s, "Guests");
	buf_printf(o, "%s%d running, %d stopped, %d other; %d qemu, %d lxc, "
	    "%d templates\n", s == PVE_DIGEST_LLM ? "guests: " : s == PVE_DIGEST_TEXT ? "  " : "",
	    d->running, d->stopped, d->other, d->qemu, d->lxc, d->templates);

	heading(o, s, "Storage");
	if (s == PVE_DIGEST_MD)
		buf_printf(o, "| storage | node | type | used | total | use |\n"
		    "|---|---|---|---|---|---|\n");
	for (int i = 0; i < d->nst; i++) {
		const struct pve_storage *t = &d->st[i];

		if (!storage_first(d, i))
			continue;
		out_fmt_bytes(a, sizeof(a), t->disk);
		out_fmt_bytes(b, sizeof(b), t->maxdisk);
		out_fmt_pct(p, sizeof(p), frac(t->disk, t->maxdisk));
		buf_printf(o, s == PVE_DIGEST_LLM ? "storage.%s: %s %s, %s of %s used (%s)\n" :
		    s == PVE_DIGEST_MD ? "| %s | %s | %s | %s | %s | %s |\n" :
		    "  %-16s %-10s %-10s %s of %s (%s)\n", t->storage,
		    t->shared ? "shared" : t->node, t->plugintype, a, b, p);
	}

	heading(o, s, "HA");
	if (!d->have[PVE_DIGEST_HA])
		buf_printf(o, "%sunavailable\n", s == PVE_DIGEST_LLM ? "ha: " : s == PVE_DIGEST_TEXT ?
		    "  " : "");
	else
		buf_printf(o, "%s%d services, %d not in their requested state, "
		    "master %s\n", s == PVE_DIGEST_LLM ? "ha: " : s == PVE_DIGEST_TEXT ? "  " : "",
		    d->ha_services, d->ha_bad, d->ha_master ? d->ha_master :
		    "none");

	heading(o, s, "Backups");
	snprintf(a, sizeof(a), "%d", d->jobs_enabled);
	snprintf(b, sizeof(b), "%d", d->nun);
	buf_printf(o, "%s%s enabled backup jobs, %s guests without a job\n",
	    s == PVE_DIGEST_LLM ? "backups: " : s == PVE_DIGEST_TEXT ? "  " : "",
	    d->have[PVE_DIGEST_JOBS] ? a : "unknown", d->have[PVE_DIGEST_UNPROT] ? b :
	    "unknown");

	heading(o, s, "Recent failed tasks");
	if (d->nfailed == 0)
		buf_printf(o, "%snone\n", s == PVE_DIGEST_LLM ? "failed_tasks: " : s == PVE_DIGEST_TEXT ?
		    "  " : "");
	for (int i = 0; i < d->nfailed; i++) {
		const struct pve_task *t = &d->tasks[d->failed[i]];

		out_fmt_time(a, sizeof(a), t->starttime);
		buf_printf(o, s == PVE_DIGEST_LLM ? "failed_task: %s %s %s %s: %s\n" :
		    s == PVE_DIGEST_MD ? "- %s %s %s %s: %s\n" : "  %s %s %s %s: %s\n", a,
		    t->node, t->type, t->id[0] ? t->id : "-", t->status);
	}
}

void
pve_digest_free(struct pve_digest *d)
{
	free(d->cs);
	free(d->nodes);
	free(d->guests);
	free(d->st);
	free(d->ha);
	free(d->jobs);
	free(d->un);
	free(d->tasks);
	memset(d, 0, sizeof(*d));
}
