/*
 * describe -- one digest of the cluster: versions, nodes and their load,
 * guests by state, storage use, HA, backups, recent failed tasks; as
 * text, Markdown, JSON, or llm-context (compact key: value lines meant to
 * be pasted into a chat).  Everything is read in one parallel round; a
 * part that cannot be read is reported as unavailable, the rest still
 * shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "json.h"
#include "pve_cluster.h"
#include "pve_fanout.h"

enum { O_OUTPUT = PX_O_LONG };

static const struct px_opt opts[] = {
	{ 'j', "json", NULL, "the same as --output json" },
	PX_OPT_PROFILE,
	PX_OPT_VERBOSE,
	{ O_OUTPUT, "output", "text | md | json | llm-context",
	    "the form of the digest" },
	PX_OPT_END
};

PX_COMMAND(describe, "one digest of the cluster, for people and for LLMs",
    opts, NULL, NULL);

enum { F_VERSION, F_CSTATUS, F_NODES, F_GUESTS, F_STORAGE, F_HA, F_JOBS,
    F_UNPROT, F_TASKS, F_N };
static const char *const paths[F_N] = {
	"/version", "/cluster/status", "/nodes", "/cluster/resources?type=vm",
	"/cluster/resources?type=storage", "/cluster/ha/status/current",
	"/cluster/backup", "/cluster/backup-info/not-backed-up",
	"/cluster/tasks",
};
#define MAX_FAILED	10

struct digest {
	int have[F_N];
	struct pve_version ver;
	struct pve_cluster_member *cs;
	struct pve_node *nodes;
	struct pve_guest *guests;
	struct pve_storage *st;
	struct pve_ha_status *ha;
	struct pve_backup_job *jobs;
	struct pve_unprotected *un;
	struct pve_task *tasks;
	int ncs, nnodes, nguests, nst, nha, njobs, nun, ntasks;
	/* derived */
	const char *name;
	int quorate, online, running, stopped, other, qemu, lxc, templates;
	int ha_services, ha_bad, jobs_enabled;
	const char *ha_master;
	int failed[MAX_FAILED], nfailed;
};

static void
gather(struct px_client *c, struct digest *d)
{
	struct px_call k[F_N] = { 0 };
	struct px_err e;

	for (int i = 0; i < F_N; i++)
		px_call_init(&k[i], c, "GET", NULL, "%s", paths[i]);
	pve_calls_run(k, F_N);
	for (int i = 0; i < F_N; i++) {
		struct px_reply r;
		int rc = -1;

		if (pve_call_reply(&k[i], &r, &e) != 0) {
			if (i == F_NODES || i == F_GUESTS)
				px_die(&e);
			px_call_free(&k[i]);
			continue;
		}
		switch (i) {
		case F_VERSION:
			rc = pve_version_parse(&r.j, r.data, &d->ver, &e);
			break;
		case F_CSTATUS:
			rc = pve_cluster_status_parse(&r.j, r.data, &d->cs,
			    &d->ncs, &e);
			break;
		case F_NODES:
			rc = pve_nodes_parse(&r.j, r.data, &d->nodes,
			    &d->nnodes, &e);
			break;
		case F_GUESTS:
			rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    &d->guests, &d->nguests, &e);
			break;
		case F_STORAGE:
			rc = pve_storages_parse(&r.j, r.data, &d->st, &d->nst,
			    &e);
			break;
		case F_HA:
			rc = pve_ha_status_parse(&r.j, r.data, &d->ha, &d->nha,
			    &e);
			break;
		case F_JOBS:
			rc = pve_backup_jobs_parse(&r.j, r.data, &d->jobs,
			    &d->njobs, &e);
			break;
		case F_UNPROT:
			rc = pve_unprotected_parse(&r.j, r.data, &d->un,
			    &d->nun, &e);
			break;
		case F_TASKS:
			rc = pve_tasks_parse(&r.j, r.data, &d->tasks,
			    &d->ntasks, &e);
			break;
		}
		if (rc != 0 && (i == F_NODES || i == F_GUESTS))
			px_die(&e);
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
	for (int i = 0; i < d->ntasks && d->nfailed < MAX_FAILED; i++) {
		struct pve_task *t = &d->tasks[i];

		if (t->endtime && strcmp(t->status, "OK") != 0 &&
		    strncmp(t->status, "WARNINGS", 8) != 0) {
			text_sanitize(t->status);	/* printed as prose */
			text_sanitize(t->id);
			d->failed[d->nfailed++] = i;
		}
	}
}

/* Is storage i the first row of a shared storage (or not shared)? */
static int
storage_first(const struct digest *d, int i)
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

static void
as_json(const struct digest *d)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "cluster", d->name[0] ? d->name : NULL);
	jw_kstr(&w, "version", d->have[F_VERSION] ? d->ver.version : NULL);
	if (d->quorate >= 0)
		jw_kbool(&w, "quorate", d->quorate);
	else
		jw_knull(&w, "quorate");
	jw_key(&w, "nodes");
	jw_arr(&w);
	for (int i = 0; i < d->nnodes; i++) {
		const struct pve_node *n = &d->nodes[i];

		jw_obj(&w);
		jw_kstr(&w, "node", n->name);
		jw_kstr(&w, "status", n->status);
		jw_knum(&w, "cpu", n->cpu);
		jw_kint(&w, "maxcpu", n->maxcpu);
		jw_kuint(&w, "mem", n->mem);
		jw_kuint(&w, "maxmem", n->maxmem);
		jw_kint(&w, "uptime", n->uptime);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "guests");
	jw_obj(&w);
	jw_kint(&w, "total", d->running + d->stopped + d->other);
	jw_kint(&w, "running", d->running);
	jw_kint(&w, "stopped", d->stopped);
	jw_kint(&w, "other", d->other);
	jw_kint(&w, "qemu", d->qemu);
	jw_kint(&w, "lxc", d->lxc);
	jw_kint(&w, "templates", d->templates);
	jw_end(&w);
	jw_key(&w, "storage");
	jw_arr(&w);
	for (int i = 0; i < d->nst; i++) {
		if (!storage_first(d, i))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "storage", d->st[i].storage);
		jw_kstr(&w, "node", d->st[i].shared ? NULL : d->st[i].node);
		jw_kstr(&w, "type", d->st[i].plugintype);
		jw_kbool(&w, "shared", d->st[i].shared);
		jw_kuint(&w, "used", d->st[i].disk);
		jw_kuint(&w, "total", d->st[i].maxdisk);
		jw_knum(&w, "used_fraction", frac(d->st[i].disk,
		    d->st[i].maxdisk));
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "ha");
	if (d->have[F_HA]) {
		jw_obj(&w);
		jw_kstr(&w, "master", d->ha_master);
		jw_kint(&w, "services", d->ha_services);
		jw_kint(&w, "services_not_ok", d->ha_bad);
		jw_end(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "backups");
	jw_obj(&w);
	if (d->have[F_JOBS])
		jw_kint(&w, "jobs_enabled", d->jobs_enabled);
	else
		jw_knull(&w, "jobs_enabled");
	if (d->have[F_UNPROT])
		jw_kint(&w, "guests_without_job", d->nun);
	else
		jw_knull(&w, "guests_without_job");
	jw_end(&w);
	jw_key(&w, "failed_tasks");
	jw_arr(&w);
	for (int i = 0; i < d->nfailed; i++) {
		const struct pve_task *t = &d->tasks[d->failed[i]];

		jw_obj(&w);
		jw_kint(&w, "starttime", t->starttime);
		jw_kstr(&w, "node", t->node);
		jw_kstr(&w, "type", t->type);
		jw_kstr(&w, "id", t->id[0] ? t->id : NULL);
		jw_kstr(&w, "status", t->status);
		jw_kstr(&w, "upid", t->upid);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	printf("%s\n", buf_str(&b));
	buf_free(&b);
}

/* text, md and llm-context share one walk; style picks the wording. */
enum style { TEXT, MD, LLM };

/* A section heading. */
static void
heading(enum style s, const char *title)
{
	if (s == MD)
		printf("\n## %s\n\n", title);
	else if (s == TEXT)
		printf("\n%s\n", title);
}

static void
as_prose(const struct digest *d, enum style s)
{
	char a[32], b[32], p[32];
	const char *cl = d->name[0] ? d->name : "(none)";
	const char *ver = d->have[F_VERSION] ? d->ver.version : "unavailable";
	const char *quo = d->quorate < 0 ? "unknown" : d->quorate ? "yes" :
	    "no";

	if (s == LLM)
		printf("cluster: %s\npve_version: %s\nquorate: %s\n"
		    "nodes: %d total, %d online\n", cl, ver, quo, d->nnodes,
		    d->online);
	else
		printf("%sCluster %s: PVE %s, quorate: %s, %d of %d nodes "
		    "online\n", s == MD ? "# " : "", cl, ver, quo, d->online,
		    d->nnodes);

	heading(s, "Nodes");
	if (s == MD)
		printf("| node | status | cpu | memory |\n|---|---|---|---|\n");
	for (int i = 0; i < d->nnodes; i++) {
		const struct pve_node *n = &d->nodes[i];

		out_fmt_pct(p, sizeof(p), n->cpu);
		out_fmt_bytes(a, sizeof(a), n->mem);
		out_fmt_bytes(b, sizeof(b), n->maxmem);
		printf(s == LLM ? "node.%s: %s, cpu %s of %d, mem %s of %s\n" :
		    s == MD ? "| %s | %s | %s of %d | %s of %s |\n" :
		    "  %-16s %-8s cpu %6s of %-3d mem %s of %s\n", n->name,
		    n->status, n->online ? p : "-", n->maxcpu, a, b);
	}

	heading(s, "Guests");
	printf("%s%d running, %d stopped, %d other; %d qemu, %d lxc, "
	    "%d templates\n", s == LLM ? "guests: " : s == TEXT ? "  " : "",
	    d->running, d->stopped, d->other, d->qemu, d->lxc, d->templates);

	heading(s, "Storage");
	if (s == MD)
		printf("| storage | node | type | used | total | use |\n"
		    "|---|---|---|---|---|---|\n");
	for (int i = 0; i < d->nst; i++) {
		const struct pve_storage *t = &d->st[i];

		if (!storage_first(d, i))
			continue;
		out_fmt_bytes(a, sizeof(a), t->disk);
		out_fmt_bytes(b, sizeof(b), t->maxdisk);
		out_fmt_pct(p, sizeof(p), frac(t->disk, t->maxdisk));
		printf(s == LLM ? "storage.%s: %s %s, %s of %s used (%s)\n" :
		    s == MD ? "| %s | %s | %s | %s | %s | %s |\n" :
		    "  %-16s %-10s %-10s %s of %s (%s)\n", t->storage,
		    t->shared ? "shared" : t->node, t->plugintype, a, b, p);
	}

	heading(s, "HA");
	if (!d->have[F_HA])
		printf("%sunavailable\n", s == LLM ? "ha: " : s == TEXT ?
		    "  " : "");
	else
		printf("%s%d services, %d not in their requested state, "
		    "master %s\n", s == LLM ? "ha: " : s == TEXT ? "  " : "",
		    d->ha_services, d->ha_bad, d->ha_master ? d->ha_master :
		    "none");

	heading(s, "Backups");
	snprintf(a, sizeof(a), "%d", d->jobs_enabled);
	snprintf(b, sizeof(b), "%d", d->nun);
	printf("%s%s enabled backup jobs, %s guests without a job\n",
	    s == LLM ? "backups: " : s == TEXT ? "  " : "",
	    d->have[F_JOBS] ? a : "unknown", d->have[F_UNPROT] ? b :
	    "unknown");

	heading(s, "Recent failed tasks");
	if (d->nfailed == 0)
		printf("%snone\n", s == LLM ? "failed_tasks: " : s == TEXT ?
		    "  " : "");
	for (int i = 0; i < d->nfailed; i++) {
		const struct pve_task *t = &d->tasks[d->failed[i]];

		out_fmt_time(a, sizeof(a), t->starttime);
		printf(s == LLM ? "failed_task: %s %s %s %s: %s\n" :
		    s == MD ? "- %s %s %s %s: %s\n" : "  %s %s %s %s: %s\n", a,
		    t->node, t->type, t->id[0] ? t->id : "-", t->status);
	}
}

int
describe_main(int argc, char **argv)
{
	struct px_cli x;
	struct digest d = { 0 };
	struct px_err e = { 0 };
	const char *output = "text";
	int ch;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_describe, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (ch == 'j') {
			output = "json";
			continue;
		}
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_OUTPUT:
			if (strcmp(g.arg, "text") && strcmp(g.arg, "md") &&
			    strcmp(g.arg, "json") &&
			    strcmp(g.arg, "llm-context"))
				px_errx(PX_EXIT_USAGE, "--output: text, md, json "
				    "or llm-context");
			output = g.arg;
			break;
		default:
			px_usage(&px_cmd_describe);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_describe);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	gather(x.client, &d);
	if (strcmp(output, "json") == 0)
		as_json(&d);
	else
		as_prose(&d, strcmp(output, "md") == 0 ? MD :
		    strcmp(output, "text") == 0 ? TEXT : LLM);
	free(d.cs);
	free(d.nodes);
	free(d.guests);
	free(d.st);
	free(d.ha);
	free(d.jobs);
	free(d.un);
	free(d.tasks);
	cli_free(&x);
	if (fflush(stdout) != 0 || ferror(stdout))
		px_errx(PX_EXIT_FAIL, "write error on standard output");
	return 0;
}
