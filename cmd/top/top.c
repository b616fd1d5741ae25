/*
 * top -- pxtop, the full-screen cockpit: the cluster at a glance, refreshed
 * in the background, and actions on guests through the gate.
 *
 * Architecture (see lib/top_state.h): one state, changed only by the pure
 * reducer top_reduce; this file runs its effects in one event loop,
 * tickit's, with libcurl's multi socket interface driven from it
 * (lib/support/tui.h) so that a slow or offline node never freezes the
 * screen; every answer comes back as an action.  The screen is drawn only
 * in the root window's expose handler, from the state (lib/top_render.h).
 * Operations through the gate (pre-flight, read-only, freeze, approval,
 * audit) may wait on people and tasks: they run on one worker thread
 * with its own connection and report back through a pipe.
 *
 * The terminal is restored on every way out (lib/support/tui.h): q and
 * C-c (the loop ends), SIGINT, SIGTERM and SIGHUP (a self-pipe wakes the
 * loop, which ends), and fatal signals (the handler puts the saved
 * termios back and leaves the alternate screen with async-signal-safe
 * calls, then dies of the signal).
 */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tickit.h>

#include "audit.h"
#include "cli.h"
#include "enc.h"
#include "gate.h"
#include "http_async.h"
#include "guest_op.h"
#include "mutation.h"
#include "pbs.h"
#include "pve_check.h"
#include "pve_files.h"
#include "pve_objrisk_storage.h"
#include "pve_migrate.h"
#include "pve_progress.h"
#include "pve_snaptree.h"
#include "pve_cluster.h"
#include "pve_guest.h"
#include "pve_node.h"
#include "pve_objrisk_ha.h"
#include "pve_objw.h"
#include "pve_rrd.h"
#include "pve_task.h"
#include "top_appr.h"
#include "top_record.h"
#include "top_xfer.h"
#include "top_evac.h"
#include "top_render.h"
#include "top_state.h"
#include "tui.h"
#include "workq.h"

static const struct px_opt opts[] = {
	{ 'd', "delay", "seconds", "refresh every so many seconds (default 2)" },
	PX_OPT_PROFILE,
	PX_OPT_END
};

PX_COMMAND(top, "full-screen cockpit: the cluster live, actions through "
    "the gate", opts, NULL, NULL);

static Tickit *tk;
static struct top_state S;
static struct top_effects FX;
static struct px_async *async;
static struct px_cli X;
static void *refresh_timer;

/* The clients of the PBS servers the backup board reads, made when
 * first asked (index as S.pbs). */
static struct px_client *pbs_client[TOP_NPBS];

static double delay = 3;

/* ---- actions in, effects out ---- */

static void run_effect(const struct top_effect *e);
static void switch_profile(const char *name);

/* reduce_one and render, for lib/support/tui */
TUI_GLUE(S, FX, top_effects_clear, top_reduce, top_render, run_effect)

/* Queue a; the caller pumps (lib/support/tui.h). */
static void
post(const struct top_action *a)
{
	tui_post(a);
}

/* ---- fetches ---- */

struct fetch {
	struct px_call k;
	enum top_act_type type;
	int what;
	int id;
	/* a task log waits for its status too */
	struct fetch *pair;
	int running;
	char upid[256];		/* or node, or PBS profile */
	char store[64];		/* a PBS datastore */
	/* the list of fetches in flight (a profile switch cancels those
	 * of the old client) */
	struct fetch *inext, *iprev;
	int linked;
};

static struct fetch *inflight;

static void
fetch_link(struct fetch *f)
{
	f->iprev = NULL;
	f->inext = inflight;
	if (inflight)
		inflight->iprev = f;
	inflight = f;
	f->linked = 1;
}

static void
fetch_unlink(struct fetch *f)
{
	if (!f->linked)
		return;
	if (f->iprev)
		f->iprev->inext = f->inext;
	else
		inflight = f->inext;
	if (f->inext)
		f->inext->iprev = f->iprev;
	f->linked = 0;
}

static void
fetch_failed(struct fetch *f, const struct px_err *e)
{
	struct top_action a = { .type = TA_FETCH_FAILED, .what = f->what,
		.id = f->id };

	snprintf(a.msg, sizeof(a.msg), "%s", e->msg);
	snprintf(a.upid, sizeof(a.upid), "%s", f->upid);
	snprintf(a.store, sizeof(a.store), "%s", f->store);
	post(&a);
}

static void
on_fetched(struct px_call *k, void *arg)
{
	struct fetch *f = arg;
	struct top_action a = { .type = f->type, .id = f->id,
		.now = (long long)time(NULL) };
	struct px_reply r;
	struct px_err e = { 0 };
	int rc = -1;

	(void)k;
	fetch_unlink(f);
	if (f->type == TA_PROBE) {	/* timed, the answer unread */
		a.rc = f->k.rc == 0 ? 0 : -1;
		a.ms = f->k.seconds * 1000.0;
		snprintf(a.upid, sizeof(a.upid), "%s", f->upid);
		if (f->k.rc != 0)
			snprintf(a.msg, sizeof(a.msg), "%s", f->k.err.msg);
		post(&a);
		goto out;
	}
	if (f->k.rc != 0) {
		if (f->what)
			fetch_failed(f, &f->k.err);
		goto out;
	}
	if (px_reply_take(&f->k, &r, &e) != 0) {
		if (f->what)
			fetch_failed(f, &e);
		goto out;
	}
	switch (f->type) {
	case TA_NODES:
		rc = pve_nodes_parse(&r.j, r.data, (struct pve_node **)&a.rows,
		    &a.n, &e);
		break;
	case TA_GUESTS:
		rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
		    (struct pve_guest **)&a.rows, &a.n, &e);
		break;
	case TA_STORAGE:
		rc = pve_storages_parse(&r.j, r.data,
		    (struct pve_storage **)&a.rows, &a.n, &e);
		break;
	case TA_TASKS:
		rc = pve_tasks_parse(&r.j, r.data, (struct pve_task **)&a.rows,
		    &a.n, &e);
		break;
	case TA_CONFIG:
	case TA_GREPCFG:
	case TA_CMPCFG:
		rc = pve_kv_parse(&r.j, r.data, (struct pve_kv **)&a.rows,
		    &a.n, &e);
		break;
	case TA_SNAPSHOTS:
		rc = pve_snapshots_parse(&r.j, r.data,
		    (struct pve_snapshot **)&a.rows, &a.n, &e);
		break;
	case TA_SNAPTREE:
		rc = pve_snaptree_parse(&r.j, r.data,
		    (struct pve_snapnode **)&a.rows, &a.n, &e);
		break;
	case TA_UNPROTECTED:
		rc = pve_unprotected_parse(&r.j, r.data,
		    (struct pve_unprotected **)&a.rows, &a.n, &e);
		break;
	case TA_BACKUPS:
		rc = pve_volumes_parse(&r.j, r.data, NULL, NULL,
		    (struct pve_volume **)&a.rows, &a.n, &e);
		break;
	case TA_HW_PCI:
		rc = pve_pci_parse(&r.j, r.data, (struct pve_pci **)&a.rows,
		    &a.n, &e);
		break;
	case TA_HW_USB:
		rc = pve_usb_parse(&r.j, r.data, (struct pve_usb **)&a.rows,
		    &a.n, &e);
		break;
	case TA_RRD: {
		struct pve_rrd rr;
		int fc, fm, fx;

		if ((rc = pve_rrd_parse(&r.j, r.data, &rr, &e)) != 0)
			break;
		fc = pve_rrd_field(&rr, "cpu");
		fm = pve_rrd_field(&rr, "mem");
		fx = pve_rrd_field(&rr, "maxmem");
		a.n = rr.npoints;
		a.rows = px_xcalloc((size_t)a.n * 2 + 1, sizeof(double));
		for (int i = 0; i < a.n; i++) {
			const double *v = rr.v + (size_t)i * rr.nfields;
			double *out = a.rows;

			out[i] = fc >= 0 ? v[fc] : NAN;
			out[a.n + i] = fm >= 0 && fx >= 0 && v[fx] > 0 ?
			    v[fm] / v[fx] : NAN;
		}
		pve_rrd_free(&rr);
		break;
	}
	case TA_GUEST_STATUS:
		a.rows = px_xcalloc(1, sizeof(struct pve_guest_status));
		a.n = 1;
		rc = pve_guest_status_parse(&r.j, r.data, a.rows, &e);
		if (rc != 0) {
			free(a.rows);
			a.rows = NULL;
		}
		break;
	case TA_PASSTHRU:
		rc = pve_passthru_parse(&r.j, r.data,
		    (struct pve_passthru **)&a.rows, &a.n, &e);
		break;
	case TA_PBS_STORES:
		/* datastore-usage: one row per store, its usage with it */
		rc = pbs_stores_parse(&r.j, r.data,
		    (struct pbs_store **)&a.rows, &a.n, &e);
		if (rc == 0)
			rc = pbs_usage_merge(&r.j, r.data, a.rows, a.n, &e);
		break;
	case TA_ISO_LIST:
		rc = pve_volumes_parse(&r.j, r.data, NULL, NULL,
		    (struct pve_volume **)&a.rows, &a.n, &e);
		break;
	case TA_PBS_SNAPS:
		rc = pbs_snapshots_parse(&r.j, r.data,
		    (struct pbs_snapshot **)&a.rows, &a.n, &e);
		break;
	case TA_PBS_GC:
		a.rows = px_xcalloc(1, sizeof(struct pbs_gc));
		a.n = 1;
		rc = pbs_gc_parse(&r.j, r.data, a.rows, &e);
		break;
	case TA_HA_RES:
		rc = pve_ha_resources_parse(&r.j, r.data,
		    (struct pve_ha_resource **)&a.rows, &a.n, &e);
		break;
	case TA_HA_CUR:
		rc = pve_ha_status_parse(&r.j, r.data,
		    (struct pve_ha_status **)&a.rows, &a.n, &e);
		break;
	case TA_HA_RULES:
		rc = pve_ha_rules_parse(&r.j, r.data,
		    (struct pve_ha_rule **)&a.rows, &a.n, &e);
		break;
	case TA_HA_MGR:
		a.rows = px_xcalloc(1, sizeof(struct pve_ha_manager));
		a.n = 1;
		if ((rc = pve_ha_manager_parse(&r.j, r.data, a.rows,
		    &e)) != 0) {
			free(a.rows);
			a.rows = NULL;
		}
		break;
	case TA_TASKLOG:
		if (f->pair == NULL) {	/* the status half */
			struct pve_task t;

			memset(&t, 0, sizeof(t));
			pve_task_from(&r.j, r.data, &t);
			f->running = t.running;
			rc = 1;
			break;
		}
		rc = pve_task_log_parse(&r.j, r.data,
		    (struct pve_log_line **)&a.rows, &a.n, &e);
		break;
	default:
		break;
	}
	px_reply_free(&r);
	if (rc < 0) {
		if (f->what == TOP_F_PBS)	/* the stores the usage
						   failed on, a gc */
			free(a.rows);
		if (f->what)
			fetch_failed(f, &e);
		goto out;
	}
	if (f->type == TA_TASKLOG) {
		if (f->pair == NULL)
			goto out;	/* the log half posts */
		a.rc = f->pair->running;
	}
	snprintf(a.upid, sizeof(a.upid), "%s", f->upid);	/* or node */
	snprintf(a.store, sizeof(a.store), "%s", f->store);
	if (f->type >= TA_NODES && f->type <= TA_TASKS) {
		struct top_action n = { .type = TA_NOTICE };

		top_record_list(f->type, a.rows, a.n, a.now);
		if (top_record_notice(n.msg, sizeof(n.msg)))
			post(&n);
	}
	post(&a);
out:
	px_call_free(&f->k);
	if (f->type == TA_TASKLOG && f->pair == NULL)
		return;	/* freed with its log half */
	if (f->pair && f->pair->linked) {	/* its status half waits */
		px_async_cancel(async, &f->pair->k);
		px_call_free(&f->pair->k);
		fetch_unlink(f->pair);
	}
	free(f->pair);
	free(f);
}

static struct fetch *
fetch_new(enum top_act_type type, int what, int id)
{
	struct fetch *f = px_xcalloc(1, sizeof(*f));

	f->type = type;
	f->what = what;
	f->id = id;
	return f;
}

static void
fetch_start_on(struct px_client *c, struct fetch *f, const char *path)
{
	px_call_init(&f->k, c, "GET", NULL, "%s", path);
	fetch_link(f);
	px_async_start(async, &f->k, on_fetched, f);
}

/* Cancel every fetch in flight on client c (none of their answers
 * comes), and free them. */
static void
fetch_cancel_on(struct px_client *c)
{
	struct fetch **dead = NULL, *f, *next;
	int n = 0;

	for (f = inflight; f; f = next) {
		next = f->inext;
		if (f->k.c != c)
			continue;
		px_async_cancel(async, &f->k);
		px_call_free(&f->k);
		fetch_unlink(f);
		dead = px_xrealloc(dead, (size_t)(n + 1) * sizeof(*dead));
		dead[n++] = f;
	}
	/* a task log's status half goes with its log half */
	for (int i = 0; i < n; i++)
		if (!(dead[i]->type == TA_TASKLOG && dead[i]->pair == NULL)) {
			free(dead[i]->pair);
			free(dead[i]);
		}
	free(dead);
}

static void
fetch_start(struct fetch *f, const char *path)
{
	fetch_start_on(X.client, f, path);
}

/* The client of PBS profile name, made on first use; NULL with e. */
static struct px_client *
pbs_client_of(const char *name, struct px_err *e)
{
	struct px_client_opts o = { 0 };
	const struct px_profile *p;

	for (int i = 0; i < S.npbs; i++) {
		if (strcmp(S.pbs[i], name) != 0)
			continue;
		if (pbs_client[i] != NULL)
			return pbs_client[i];
		if ((p = conf_profile(&X.conf, name, PX_KIND_PBS, e)) == NULL)
			return NULL;
		return pbs_client[i] = px_client_new(&X.conf, p, &o, e);
	}
	px_fail(e, PXE_CONFIG, "no [pbs %s] profile", name);
	return NULL;
}

/*
 * The backup board's PBS part, asynchronously like the refresh: a
 * server's datastore-usage (store is NULL), or one datastore's snapshots
 * and its garbage collection.
 */
static void
run_pbs(const char *profile, const char *store)
{
	struct px_client *c;
	struct px_err e = { 0 };
	struct fetch *f;
	struct buf b = { 0 };

	if ((c = pbs_client_of(profile, &e)) == NULL) {
		f = fetch_new(TA_PBS_STORES, TOP_F_PBS, 0);
		snprintf(f->upid, sizeof(f->upid), "%s", profile);
		fetch_failed(f, &e);
		if (store) {	/* both answers fail */
			snprintf(f->store, sizeof(f->store), "%s", store);
			fetch_failed(f, &e);
		}
		free(f);
		return;
	}
	if (store == NULL) {
		f = fetch_new(TA_PBS_STORES, TOP_F_PBS, 0);
		snprintf(f->upid, sizeof(f->upid), "%s", profile);
		fetch_start_on(c, f, "/status/datastore-usage");
		return;
	}
	for (int k = 0; k < 2; k++) {
		f = fetch_new(k ? TA_PBS_GC : TA_PBS_SNAPS, TOP_F_PBS, 0);
		snprintf(f->upid, sizeof(f->upid), "%s", profile);
		snprintf(f->store, sizeof(f->store), "%s", store);
		buf_reset(&b);
		buf_adds(&b, "/admin/datastore/");
		url_seg(&b, store);
		buf_adds(&b, k ? "/gc" : "/snapshots");
		fetch_start_on(c, f, b.p);
	}
	buf_free(&b);
}

static void
run_fetch(int what)
{
	static const struct {
		int bit;
		enum top_act_type type;
		const char *path;
	} kinds[] = {
		{ TOP_F_NODES, TA_NODES, "/nodes" },
		{ TOP_F_GUESTS, TA_GUESTS, "/cluster/resources?type=vm" },
		{ TOP_F_STORAGE, TA_STORAGE,
		    "/cluster/resources?type=storage" },
		{ TOP_F_TASKS, TA_TASKS, "/cluster/tasks" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (what & kinds[i].bit)
			fetch_start(fetch_new(kinds[i].type, kinds[i].bit, 0),
			    kinds[i].path);
}

static void
run_detail(const struct pve_guest *g)
{
	struct buf b = { 0 };

	pve_guest_path(&b, g->node, g->type, g->vmid);
	buf_adds(&b, "/config");
	fetch_start(fetch_new(TA_CONFIG, 0, g->vmid), b.p);
	buf_reset(&b);
	pve_guest_path(&b, g->node, g->type, g->vmid);
	buf_adds(&b, "/snapshot");
	fetch_start(fetch_new(TA_SNAPSHOTS, 0, g->vmid), b.p);
	buf_reset(&b);
	pve_guest_path(&b, g->node, g->type, g->vmid);
	buf_adds(&b, "/rrddata?timeframe=hour&cf=AVERAGE");
	fetch_start(fetch_new(TA_RRD, 0, g->vmid), b.p);
	buf_free(&b);
}

static void
run_snaptree(const struct pve_guest *g)
{
	struct buf b = { 0 };

	pve_guest_path(&b, g->node, g->type, g->vmid);
	buf_adds(&b, "/snapshot");
	fetch_start(fetch_new(TA_SNAPTREE, TOP_F_SNAPTREE, g->vmid), b.p);
	buf_free(&b);
}

/* The W view: a node's PCI and USB devices. */
static void
run_hw(const char *node)
{
	static const struct {
		enum top_act_type type;
		const char *suffix;
	} lists[] = {
		{ TA_HW_PCI, "/hardware/pci" }, { TA_HW_USB, "/hardware/usb" },
	};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct buf b = { 0 };
		struct fetch *f = fetch_new(lists[i].type, TOP_F_HW, 0);

		snprintf(f->upid, sizeof(f->upid), "%s", node);
		buf_adds(&b, "/nodes/");
		url_seg(&b, node);
		buf_adds(&b, lists[i].suffix);
		fetch_start(f, b.p);
		buf_free(&b);
	}
}

/* The W view: a QEMU guest's config, for its hostpciN and usbN. */
static void
run_passthru(const struct pve_guest *g)
{
	struct buf b = { 0 };
	struct fetch *f = fetch_new(TA_PASSTHRU, TOP_F_HW, g->vmid);

	snprintf(f->upid, sizeof(f->upid), "%s", g->node);
	pve_guest_path(&b, g->node, g->type, g->vmid);
	buf_adds(&b, "/config");
	fetch_start(f, b.p);
	buf_free(&b);
}

/* One storage's backups, for the backup board. */
static void
run_backups(const char *node, const char *storage)
{
	struct buf b = { 0 };

	buf_adds(&b, "/nodes/");
	url_seg(&b, node);
	buf_adds(&b, "/storage/");
	url_seg(&b, storage);
	buf_adds(&b, "/content?content=backup");
	fetch_start(fetch_new(TA_BACKUPS, TOP_F_BACKUPS, 0), b.p);
	buf_free(&b);
}

/* The HA console: the resources, the manager's status in its two forms,
 * and the rules (PVE 9; PVE 8 answers 501, left unsaid: the console
 * shows the groups the resources name). */
static void
run_ha(void)
{
	static const struct {
		enum top_act_type type;
		int what;
		const char *path;
	} parts[] = {
		{ TA_HA_RES, TOP_F_HA, "/cluster/ha/resources" },
		{ TA_HA_CUR, TOP_F_HA, "/cluster/ha/status/current" },
		{ TA_HA_MGR, TOP_F_HA, "/cluster/ha/status/manager_status" },
		{ TA_HA_RULES, 0, "/cluster/ha/rules" },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		fetch_start(fetch_new(parts[i].type, parts[i].what, 0),
		    parts[i].path);
}

static void
run_tasklog(const char *upid)
{
	struct buf b = { 0 }, p = { 0 };
	struct px_err e;
	struct fetch *st, *log;

	if (pve_task_path(&b, upid, &e) != 0) {
		buf_free(&b);
		return;
	}
	/* The status first: the log's answer comes after it on the same
	 * connection, and reports both. */
	st = fetch_new(TA_TASKLOG, 0, 0);
	log = fetch_new(TA_TASKLOG, 0, 0);
	log->pair = st;
	snprintf(log->upid, sizeof(log->upid), "%s", upid);
	buf_printf(&p, "%s/status", b.p);
	fetch_start(st, p.p);
	buf_reset(&p);
	buf_printf(&p, "%s/log?start=0&limit=5000", b.p);
	fetch_start(log, p.p);
	buf_free(&p);
	buf_free(&b);
}

struct audit_rows {
	struct top_audit_row *rows;
	int n, cap;
};

static int
audit_row(const struct audit_entry *ent, void *arg)
{
	struct audit_rows *ar = arg;
	struct top_audit_row *r;

	if (ar->n == ar->cap) {
		ar->cap = ar->cap ? ar->cap * 2 : 64;
		ar->rows = px_xrealloc(ar->rows, (size_t)ar->cap *
		    sizeof(*ar->rows));
	}
	r = &ar->rows[ar->n++];
	memset(r, 0, sizeof(*r));
	r->id = ent->id;
	r->time = ent->time;
#define CP(f) snprintf(r->f, sizeof(r->f), "%s", ent->f ? ent->f : "")
	CP(action);
	CP(target);
	CP(decision);
	CP(result);
#undef CP
	return 0;
}

static void
run_audit(void)
{
	struct audit_rows ar = { 0 };
	struct top_action a = { .type = TA_AUDIT };
	struct px_err e;
	struct audit *au;

	/* A local SQLite read: quick, done here. */
	if ((au = audit_open(&e)) != NULL) {
		audit_each(au, 0, 1000, audit_row, &ar, &e);
		audit_close(au);
	}
	/* newest first */
	for (int i = 0; i < ar.n / 2; i++) {
		struct top_audit_row t = ar.rows[i];

		ar.rows[i] = ar.rows[ar.n - 1 - i];
		ar.rows[ar.n - 1 - i] = t;
	}
	a.rows = ar.rows;
	a.n = ar.n;
	post(&a);
}

/* ---- the worker: pre-flight previews and operations via the gate ---- */

enum job_type { JOB_RISK, JOB_RUN, JOB_FOLLOW,
	JOB_SWITCH		/* to client, profile p (made by the loop) */
};

struct job {
	enum job_type type;
	int id, batch;
	unsigned seq;		/* JOB_RUN: the confirmation it came with */
	struct pve_guest g;
	char action[16];
	char arg[64];		/* target node, snapshot name, storage */
	char volid[256];	/* rmvolume: the volume */
	char text[TOP_TEXT];	/* exec, upload, download-url (top_xfer.h) */
	char sum[160];
	/* JOB_FOLLOW: what gate_task_done needs */
	struct gate_req r;
	struct gate_result res;
	struct px_client *client;	/* JOB_SWITCH */
	const struct px_profile *p;
	struct job *next;
};

static pthread_mutex_t job_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cv = PTHREAD_COND_INITIALIZER;
static struct job *jobs_head, *jobs_tail;
static struct tui_mailbox results;	/* from the worker */
static struct px_cli WX;	/* the worker's connection */
static struct gate WG;

static void
job_push(struct job *j)
{
	pthread_mutex_lock(&job_mu);
	j->next = NULL;
	if (jobs_tail)
		jobs_tail->next = j;
	else
		jobs_head = j;
	jobs_tail = j;
	pthread_cond_signal(&job_cv);
	pthread_mutex_unlock(&job_mu);
}

static struct job *
job_pop(void)
{
	struct job *j;

	pthread_mutex_lock(&job_mu);
	while (jobs_head == NULL)
		pthread_cond_wait(&job_cv, &job_mu);
	j = jobs_head;
	if ((jobs_head = j->next) == NULL)
		jobs_tail = NULL;
	pthread_mutex_unlock(&job_mu);
	return j;
}

static void
report(const struct top_action *a)
{
	struct top_action *p = px_xmalloc(sizeof(*p));

	*p = *a;
	if (tui_mailbox_send(&results, p) != 0)
		free(p);	/* the loop has ended: nobody to tell */
}

/*
 * An HA action of the console (ha-state, ha-migrate, ha-relocate) as px
 * ha builds it: the request (lib/pve_objw.h, with the digest of the HA
 * resources for a state, as px ha resource set sends it) and its
 * pre-flight check (lib/pve_objrisk_ha.h), on the object kind
 * ha-resource.  The assess arguments point into j and sid.  0, or -1
 * with e when the digest could not be read.
 */
struct ha_job {
	char sid[32];
	struct objrisk_ha st;
	struct objrisk_ha_move mv;
};

static int
ha_build(struct job *j, struct ha_job *h, struct gate_req *r, int digest,
    struct px_err *e)
{
	struct gate_target *t;
	char dg[96] = "";

	objw_ha_sid(h->sid, sizeof(h->sid), j->g.type, j->g.vmid);
	gate_req_init(r, strcmp(j->action, "ha-state") == 0 ? "set" :
	    j->action + 3, "ha-resource", 1);
	t = &r->t[0];
	if (strcmp(j->action, "ha-state") == 0) {
		if (digest) {
			struct px_reply d;
			struct buf p = { 0 };
			int k;

			buf_adds(&p, "/cluster/ha/resources/");
			url_seg(&p, h->sid);
			k = pve_get(WX.client, &d, e, "%s", p.p);
			buf_free(&p);
			if (k != 0)
				return -1;
			if ((k = json_get(&d.j, d.data, "digest")) >= 0)
				json_strcpy(&d.j, k, dg, sizeof(dg));
			px_reply_free(&d);
		}
		objw_ha_state(t, h->sid, j->arg, dg);
		h->st.sid = h->sid;
		h->st.state = j->arg;
		r->assess = objrisk_ha_state;
		r->assess_arg = &h->st;
	} else {
		h->mv.sid = h->sid;
		h->mv.node = j->arg;
		h->mv.relocate = strcmp(j->action, "ha-relocate") == 0;
		objw_ha_move(t, h->sid, j->arg, h->mv.relocate);
		r->assess = objrisk_ha_move;
		r->assess_arg = &h->mv;
		/* a relocate stops a running guest */
		r->destructive = h->mv.relocate;
	}
	snprintf(r->summary, sizeof(r->summary), "%s", t->summary);
	snprintf(r->id, sizeof(r->id), "%s", t->id);
	return 0;
}

/* The preview of an HA action: its object's pre-flight check. */
static void
ha_preview(struct job *j)
{
	struct top_action a = { .type = TA_RISK, .id = j->id };
	struct px_err e = { 0 };
	struct ha_job h;
	struct gate_req r;

	memset(&h, 0, sizeof(h));
	ha_build(j, &h, &r, 0, &e);
	if (r.assess(WX.client, &r, r.assess_arg, &a.risk, &e) != 0)
		risk_add_severe(&a.risk, "Precondition", e.msg);
	gate_req_free(&r);
	report(&a);
}

/* An HA action through the mutation layer: checked (the gate runs its
 * pre-flight again), approved when a [policy] asks, sent, audited.  PVE
 * answers with no task: the HA manager carries it out. */
static void
ha_run(struct job *j)
{
	struct top_action a = { .type = TA_OP_DONE, .id = j->id };
	struct px_err e = { 0 };
	struct gate_result res;
	struct ha_job h;
	struct gate_req r;

	memset(&h, 0, sizeof(h));
	memset(&res, 0, sizeof(res));
	if (ha_build(j, &h, &r, 1, &e) != 0 ||
	    mutation_admit(&WG, &r, NULL, &e) != 0 ||
	    gate_send(&WG, &r, 0, &res, &e) != 0) {
		a.rc = gate_is_refusal(e.id) ? -2 : -1;
		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
	} else {
		snprintf(a.msg, sizeof(a.msg), "done: the HA manager %s",
		    strcmp(j->action, "ha-state") == 0 ? "applies it" :
		    "moves it");
	}
	gate_result_free(&res);
	gate_req_free(&r);
	report(&a);
}

/* The operation of j as top_xfer.h takes it. */
static void
xfer_item(const struct job *j, struct top_xfer_item *it)
{
	memset(it, 0, sizeof(*it));
	it->id = j->id;
	it->batch = j->batch;
	it->g = j->g;
	snprintf(it->action, sizeof(it->action), "%s", j->action);
	snprintf(it->arg, sizeof(it->arg), "%s", j->arg);
	snprintf(it->volid, sizeof(it->volid), "%s", j->volid);
	snprintf(it->text, sizeof(it->text), "%s", j->text);
	snprintf(it->sum, sizeof(it->sum), "%s", j->sum);
}

/* The preview: the gate's own pre-flight check, and the preconditions a
 * run would refuse on (migration target, backup storage). */
static void
job_preview(struct job *j)
{
	struct top_action a = { .type = TA_RISK, .id = j->id };
	struct px_err e = { 0 };

	if (top_ha_action(j->action)) {
		ha_preview(j);
		return;
	}
	if (top_xfer_action(j->action)) {
		struct top_xfer_item it;

		xfer_item(j, &it);
		top_xfer_preview(WX.client, &it, &a);
		report(&a);
		return;
	}

	if (strcmp(j->action, "rmvolume") == 0) {
		/* what px storage delete checks: guests that use it */
		struct objrisk_volume v = { .volid = j->volid,
			.owner = pve_volume_owner(j->volid) };

		if (objrisk_volume(WX.client, NULL, &v, &a.risk, &e) != 0)
			risk_add_severe(&a.risk, "Precondition", e.msg);
		report(&a);
		return;
	}
	risk_check(WX.client, &j->g, j->action, j->batch, &a.risk, &e);
	if (strcmp(j->action, "migrate") == 0 &&
	    pve_migrate_check(WX.client, &j->g, j->arg, 1, 0, NULL,
	    &e) != 0)
		risk_add_severe(&a.risk, "Precondition", e.msg);
	if (strcmp(j->action, "backup") == 0 &&
	    pve_storage_check(WX.client, j->arg, j->g.node, "backup",
	    &e) != 0)
		risk_add_severe(&a.risk, "Storage", e.msg);
	report(&a);
}

/*
 * The request of j's action, built as the CLI builds it (lib/guest_op.h:
 * px start, shutdown, reboot, delete, migrate --online, snapshot create;
 * backup as px backup does for one guest).  0, or -1 with e when a
 * precondition refuses (nothing is sent).
 */
static int
job_build(struct job *j, struct gate_target *t, struct px_err *e)
{
	char name[192];

	if (strcmp(j->action, "rmvolume") == 0) {
		pve_volume_delete_target(t, j->g.node, j->arg, j->volid);
	} else if (strcmp(j->action, "delete") == 0) {
		guest_op_delete(t, &j->g, 0, 0);
	} else if (strcmp(j->action, "migrate") == 0) {
		/* online: pxtop moves a running guest as it runs */
		if (guest_op_migrate(WX.client, t, &j->g, j->arg, 1, 0, NULL,
		    e) != 0)
			return -1;
	} else if (strcmp(j->action, "snapshot") == 0) {
		guest_op_snapshot(t, &j->g, j->arg, NULL, 0);
	} else if (strcmp(j->action, "backup") == 0) {
		struct guest_op_backup o = { .storage = j->arg };
		char id[16];

		gate_target_guest(t, &j->g);
		pve_guest_label(&j->g, name, sizeof(name));
		snprintf(id, sizeof(id), "%d", j->g.vmid);
		guest_op_vzdump(t, j->g.node, id, name, &o);
	} else {	/* start, shutdown, reboot */
		guest_op_power(t, &j->g, j->action, 0, -1);
	}
	return 0;
}

static void
job_free(struct job *j)
{
	gate_result_free(&j->res);
	gate_req_free(&j->r);
	free(j);
}

/* Tell the queue that j was refused or failed (e), and drop it. */
static void
job_refused(struct job *j, const struct px_err *e)
{
	struct top_action a = { .type = TA_OP_DONE, .id = j->id };

	a.rc = gate_is_refusal(e->id) ? -2 : -1;
	snprintf(a.msg, sizeof(a.msg), "%s", e->msg);
	report(&a);
	job_free(j);
}

/* The operations of a confirmation waiting for a human's approval. */
struct await {
	int *ids;
	int n;
};

/* The gate's tick while the approval is awaited: each operation's wait
 * to the loop (TA_OP_AWAIT); never abandons it. */
static int
await_tick(void *arg, double waited, long timeout)
{
	const struct await *w = arg;

	(void)timeout;
	for (int i = 0; i < w->n; i++) {
		struct top_action a = { .type = TA_OP_AWAIT, .id = w->ids[i],
			.n = (int)waited };

		report(&a);
	}
	return 0;
}

/*
 * The operations of one confirmation (n jobs) through the mutation
 * layer as one change: built, checked as a batch (BulkCount counts
 * them), approved once when a [policy] asks; then each request is sent
 * on its own and its task followed after the others were submitted.
 */
static void
job_run(struct job **js, int n)
{
	struct gate_req all;
	struct px_err e = { 0 };
	struct objrisk_volume vol = { 0 };
	struct await await = { 0 };
	int admitted, k = 0, volume;

	/* the HA console's actions: each on its own object */
	for (int i = 0; i < n; i++)
		if (top_ha_action(js[i]->action)) {
			ha_run(js[i]);
			job_free(js[i]);
		} else
			js[k++] = js[i];
	/* a broadcast (one change, its own thread), uploads and downloads
	 * (each in its own thread): top_xfer.h */
	n = k;
	k = 0;
	{
		struct top_xfer_item *ex = NULL;
		int nex = 0;

		for (int i = 0; i < n; i++) {
			struct top_xfer_item *it;

			if (!top_xfer_action(js[i]->action)) {
				js[k++] = js[i];
				continue;
			}
			if (strcmp(js[i]->action, "exec") == 0) {
				ex = px_xrealloc(ex, (size_t)(nex + 1) *
				    sizeof(*ex));
				xfer_item(js[i], &ex[nex++]);
			} else {
				it = px_xmalloc(sizeof(*it));
				xfer_item(js[i], it);
				top_xfer_run(it, 1, &WX.conf, WX.p, report);
			}
			job_free(js[i]);
		}
		/* one change per command: two X confirmed together are
		 * two broadcasts */
		for (int i = 0; i < nex; i++) {
			struct top_xfer_item *b;
			int nb = 0;

			if (ex[i].id == 0)
				continue;	/* taken by an earlier one */
			b = px_xcalloc((size_t)nex, sizeof(*b));
			for (int m = i; m < nex; m++)
				if (ex[m].id != 0 &&
				    strcmp(ex[m].text, ex[i].text) == 0) {
					b[nb++] = ex[m];
					if (m != i)
						ex[m].id = 0;
				}
			ex[i].id = 0;
			top_xfer_run(b, nb, &WX.conf, WX.p, report);
		}
		free(ex);
	}
	if ((n = k) == 0)
		return;
	volume = strcmp(js[0]->action, "rmvolume") == 0;
	gate_req_init(&all, volume ? "delete" : js[0]->action, volume ?
	    "volume" : "guest", n);
	if (volume) {
		/* as px storage delete VOLID: the volume's own check */
		vol.volid = js[0]->volid;
		vol.owner = pve_volume_owner(js[0]->volid);
		all.assess = objrisk_volume;
		all.assess_arg = &vol;
		all.destructive = 1;
	}
	for (int i = 0; i < n; i++)
		if (job_build(js[i], &all.t[i], &e) != 0) {
			/* A precondition refused it: audited like the
			 * gate's own. */
			gate_target_guest(&all.t[i], &js[i]->g);
			gate_refuse_target(&WG, &all, i,
			    "refused-precondition", &e);
		}
	if (volume)
		snprintf(all.summary, sizeof(all.summary), "%s",
		    all.t[0].summary);
	else
		gate_req_summarize(&all, js[0]->action);
	/* Confirmed in the TUI's own dialog (WG.yes); the risk findings
	 * went to the queue with the preview. */
	/* while a human's answer is awaited on Telegram, the approvals
	 * view (A) lists these operations, with how long they waited */
	await.ids = px_xcalloc((size_t)n, sizeof(int));
	for (int i = 0; i < n; i++)
		await.ids[await.n++] = js[i]->id;
	WG.tick = await_tick;
	WG.tick_arg = &await;
	WG.tick_every = 1;
	admitted = mutation_admit(&WG, &all, NULL, &e) == 0;
	WG.tick = NULL;
	WG.tick_arg = NULL;
	free(await.ids);
	for (int i = 0; i < n; i++) {
		struct job *j = js[i];
		struct top_action a = { .type = TA_OP_DONE, .id = j->id };

		if (all.t[i].refused || !admitted) {
			job_refused(j, all.t[i].refused ? &all.t[i].err : &e);
			continue;
		}
		/* The job takes its request over, with the batch's
		 * approval. */
		gate_req_init(&j->r, volume ? "delete" : j->action, volume ?
		    "volume" : "guest", 1);
		j->r.t[0] = all.t[i];
		memset(&all.t[i].call, 0, sizeof(all.t[i].call));
		snprintf(j->r.summary, sizeof(j->r.summary), "%s",
		    j->r.t[0].summary);
		snprintf(j->r.approved_by, sizeof(j->r.approved_by), "%s",
		    all.approved_by);
		if (gate_send(&WG, &j->r, 0, &j->res, &e) != 0) {
			job_refused(j, &e);
			continue;
		}
		if (j->res.upid[0] == '\0') {
			snprintf(a.msg, sizeof(a.msg), "done");
			report(&a);
			job_free(j);
			continue;
		}
		a.type = TA_OP_SUBMITTED;
		snprintf(a.upid, sizeof(a.upid), "%s", j->res.upid);
		report(&a);
		/* Follow it after the other submissions of the batch. */
		j->type = JOB_FOLLOW;
		job_push(j);
	}
	gate_req_free(&all);
}

/* What the task log of a followed operation said last, and what of it
 * the queue has been told. */
struct follow {
	int id;
	double pct, told_pct;
	char line[160], told_line[160];
};

static void
follow_line(void *arg, const struct pve_log_line *l)
{
	struct follow *f = arg;
	struct pve_progress p;

	if (pve_progress_parse(l->t, &p) && p.percent >= 0)
		f->pct = p.percent;
	if (l->t[0] && strcmp(l->t, "TASK OK") != 0)
		snprintf(f->line, sizeof(f->line), "%.159s", l->t);
}

/* After every poll: the queue hears of a new percent or line once. */
static void
follow_poll(void *arg, const struct pve_task *t, double waited)
{
	struct follow *f = arg;
	struct top_action a = { .type = TA_OP_PROGRESS, .id = f->id };

	(void)t;
	(void)waited;
	if (f->pct == f->told_pct && strcmp(f->line, f->told_line) == 0)
		return;
	f->told_pct = a.pct = f->pct;
	snprintf(f->told_line, sizeof(f->told_line), "%s", f->line);
	snprintf(a.msg, sizeof(a.msg), "%s", f->line);
	report(&a);
}

static void
job_follow(struct job *j)
{
	struct top_action a = { .type = TA_OP_DONE, .id = j->id };
	struct px_err e = { 0 };
	struct pve_task t;
	struct follow f = { .id = j->id, .pct = -1, .told_pct = -1 };
	int rc;

	snprintf(a.upid, sizeof(a.upid), "%s", j->res.upid);
	/* With its log, for the progress in the queue; a log that cannot
	 * be read must not fail the operation: then the status alone. */
	rc = pve_task_follow(WX.client, j->res.upid, 3600, 0.5, follow_poll,
	    follow_line, &f, &t, &e);
	if (rc == -2)
		rc = pve_task_wait(WX.client, j->res.upid, 3600, NULL, NULL,
		    &t, &e);
	if (gate_task_end(&WG, &j->r, 0, &j->res, rc, &e) != 0) {
		a.rc = -1;
		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
	} else
		snprintf(a.msg, sizeof(a.msg), "task OK");
	report(&a);
	job_free(j);
}

/* A profile switch: the worker's connection and gate to the client the
 * loop made for the new profile. */
static void
job_switch(struct job *j)
{
	gate_free(&WG);
	px_client_free(WX.client);
	WX.client = j->client;
	WX.p = j->p;
	gate_init(&WG, &WX.conf, WX.p, WX.client);
	WG.yes = 1;
	free(j);
}

static void *
worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct job *j = job_pop();

		if (j->type == JOB_SWITCH) {
			job_switch(j);
		} else if (j->type == JOB_RISK) {
			job_preview(j);
			free(j);
		} else if (j->type == JOB_RUN) {
			/* the rest of its confirmation follows at once:
			 * the loop pushed them together */
			struct job **js = px_xcalloc((size_t)j->batch + 1,
			    sizeof(*js));
			int n = 1;

			js[0] = j;
			while (n < j->batch) {
				struct job *k = job_pop();

				if (k->type != JOB_RUN || k->seq != j->seq) {
					/* not of this batch: run what
					 * there is, then this one */
					job_run(js, n);
					n = 0;
					if (k->type == JOB_RUN) {
						js[n++] = k;
						j = k;
						continue;
					}
					if (k->type == JOB_RISK) {
						job_preview(k);
						free(k);
					} else if (k->type == JOB_SWITCH) {
						job_switch(k);
					} else {
						job_follow(k);
					}
					break;
				}
				js[n++] = k;
			}
			if (n > 0)
				job_run(js, n);
			free(js);
		} else {
			job_follow(j);
		}
	}
	return NULL;
}

/* A result of the worker (in the loop, from the mailbox). */
static void
on_result(void *msg)
{
	post(msg);
	free(msg);
}

static void
worker_start(void)
{
	struct px_client_opts o = { 0 };
	struct px_err e;
	pthread_t th;

	/* Its own connection: the worker never shares a client (tickets,
	 * rate limit) or the blocking multi handle with the loop. */
	WX.conf = X.conf;
	WX.p = X.p;
	if ((WX.client = px_client_new(&X.conf, X.p, &o, &e)) == NULL)
		px_die(&e);
	gate_init(&WG, &WX.conf, WX.p, WX.client);
	WG.yes = 1;	/* confirmed in the TUI's own dialog */
	tui_mailbox_open(&results, on_result);
	if (px_thread_start(&th, worker, NULL) != 0)
		px_errx(PX_EXIT_FAIL, "cannot start a thread");
	pthread_detach(th);
	tui_mailbox_watch(tk, &results);
}

/* ---- effects ---- */

static int
on_refresh(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	struct top_action a = { .type = TA_TICK };

	(void)t;
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	refresh_timer = NULL;
	tui_dispatch(&a);
	return 0;
}

static unsigned run_seq;	/* confirmations sent to the worker */
static int run_left;		/* runs of the current one still to come */

static void
run_effect(const struct top_effect *e)
{
	struct job *j;

	switch (e->type) {
	case TE_FETCH:
		run_fetch(e->what);
		break;
	case TE_TIMER:
		if (refresh_timer)
			tickit_watch_cancel(tk, refresh_timer);
		refresh_timer = tickit_watch_timer_after_msec(tk, (int)e->ms,
		    0, on_refresh, NULL);
		break;
	case TE_DETAIL:
		run_detail(&e->g);
		break;
	case TE_TASKLOG:
		run_tasklog(e->upid);
		break;
	case TE_AUDIT:
		run_audit();
		break;
	case TE_UNPROTECTED:
		fetch_start(fetch_new(TA_UNPROTECTED, TOP_F_UNPROT, 0),
		    "/cluster/backup-info/not-backed-up");
		break;
	case TE_BACKUPS:
		run_backups(e->g.node, e->arg);
		break;
	case TE_SNAPTREE:
		run_snaptree(&e->g);
		break;
	case TE_PBS:
		run_pbs(e->upid, NULL);
		break;
	case TE_PBS_STORE:
		run_pbs(e->upid, e->arg);
		break;
	case TE_HW:
		run_hw(e->g.node);
		break;
	case TE_PASSTHRU:
		run_passthru(&e->g);
		break;
	case TE_PROBE: {
		struct buf b = { 0 };
		struct fetch *f = fetch_new(TA_PROBE, 0, 0);

		snprintf(f->upid, sizeof(f->upid), "%s", e->g.node);
		buf_adds(&b, "/nodes/");
		url_seg(&b, e->g.node);
		buf_adds(&b, "/status");
		fetch_start(f, b.p);
		buf_free(&b);
		break;
	}
	case TE_GUEST_STATUS: {
		struct buf b = { 0 };

		pve_guest_path(&b, e->g.node, e->g.type, e->g.vmid);
		buf_adds(&b, "/status/current");
		fetch_start(fetch_new(TA_GUEST_STATUS, TOP_F_STATUS,
		    e->g.vmid), b.p);
		buf_free(&b);
		break;
	}
	case TE_CMPCFG: {
		struct buf b = { 0 };

		pve_guest_path(&b, e->g.node, e->g.type, e->g.vmid);
		buf_adds(&b, "/config");
		fetch_start(fetch_new(TA_CMPCFG, TOP_F_CMP, e->g.vmid), b.p);
		buf_free(&b);
		break;
	}
	case TE_HA:
		run_ha();
		break;
	case TE_GREPCFG: {
		struct buf b = { 0 };

		pve_guest_path(&b, e->g.node, e->g.type, e->g.vmid);
		buf_adds(&b, "/config");
		fetch_start(fetch_new(TA_GREPCFG, TOP_F_GREP, e->g.vmid), b.p);
		buf_free(&b);
		break;
	}
	case TE_RISK:
	case TE_RUN:
		j = px_xcalloc(1, sizeof(*j));
		j->type = e->type == TE_RISK ? JOB_RISK : JOB_RUN;
		j->id = e->id;
		j->batch = e->n;
		if (e->type == TE_RUN) {
			/* the n runs of one confirmation come in a row */
			if (run_left == 0) {
				run_seq++;
				run_left = e->n > 0 ? e->n : 1;
			}
			run_left--;
			j->seq = run_seq;
		}
		j->g = e->g;
		snprintf(j->action, sizeof(j->action), "%s", e->action);
		snprintf(j->arg, sizeof(j->arg), "%s", e->arg);
		snprintf(j->volid, sizeof(j->volid), "%s", e->upid);
		snprintf(j->text, sizeof(j->text), "%s", e->text);
		snprintf(j->sum, sizeof(j->sum), "%s", e->sum);
		job_push(j);
		break;
	case TE_CONSOLE: {
		/* px console takes the whole terminal; pxtop is paused
		 * and redrawn when it ends (tui_run_child) */
		struct top_action a = { .type = TA_NOTICE };
		char vmid[16], *argv[] = { "px", "console", "-p", NULL, vmid,
		    NULL };
		int st;

		snprintf(vmid, sizeof(vmid), "%d", e->g.vmid);
		argv[3] = (char *)X.p->name;
		st = tui_run_child(argv);
		if (st != 0) {
			snprintf(a.msg, sizeof(a.msg), "the console of %d "
			    "ended with exit status %d", e->g.vmid, st);
			post(&a);
		}
		break;
	}
	case TE_EVAC_PLAN:
	case TE_EVAC_RUN:
		top_evac_effect(e, &X.conf, X.p, report);
		break;
	case TE_ISO_LIST: {
		struct buf b = { 0 };
		struct fetch *f = fetch_new(TA_ISO_LIST, TOP_F_ISO, 0);

		snprintf(f->upid, sizeof(f->upid), "%s", e->g.node);
		snprintf(f->store, sizeof(f->store), "%s", e->arg);
		buf_adds(&b, "/nodes/");
		url_seg(&b, e->g.node);
		buf_adds(&b, "/storage/");
		url_seg(&b, e->arg);
		buf_adds(&b, "/content?content=");
		url_seg(&b, e->action);
		fetch_start(f, b.p);
		buf_free(&b);
		break;
	}
	case TE_APPR_LIST:
		top_appr_list(&X.conf, post);
		break;
	case TE_APPR_DECIDE:
		top_appr_decide(&X.conf, e->appr, e->n, post);
		break;
	case TE_SSH: {
		/* px ssh finds the address (px.conf's [ssh guest VMID], the
		 * guest agent, a container's interfaces) and runs the
		 * system's ssh with a fixed argv; pxtop is paused meanwhile */
		struct top_action a = { .type = TA_NOTICE };
		char vmid[16], *argv[] = { "px", "ssh", "-p", NULL, vmid,
		    NULL };
		int st;

		snprintf(vmid, sizeof(vmid), "%d", e->g.vmid);
		argv[3] = (char *)X.p->name;
		st = tui_run_child(argv);
		if (st != 0) {
			snprintf(a.msg, sizeof(a.msg), "ssh to %d ended with "
			    "exit status %d%s", e->g.vmid, st, st == 255 ?
			    " (ssh could not connect or log in)" : "");
			post(&a);
		}
		break;
	}
	case TE_QUIT:
		tui_stop();
		break;
	case TE_PAST: {		/* time travel: cmd/top/top_record.c */
		struct top_action a = { .now = (long long)time(NULL) };

		top_record_past(e, &a);
		post(&a);
		break;
	}
	case TE_PROFILE:
		switch_profile(e->arg);
		break;
	}
}

/*
 * Switch to PVE profile name without leaving (P, :profile): new clients
 * for the loop and the worker (made here; on failure nothing changes),
 * the old client's fetches cancelled and the client freed, the worker
 * moved over; TA_SWITCHED tells the reducer, which starts over on the
 * new cluster.  The reducer refuses a switch while operations are
 * queued or running, so the worker is idle.
 */
static void
switch_profile(const char *name)
{
	struct top_action a = { .type = TA_SWITCHED, .rc = -1 };
	struct px_client_opts o = { 0 };
	const struct px_profile *p = NULL;
	struct px_client *c = NULL, *wc = NULL;
	struct px_err e = { 0 };
	struct job *j;

	snprintf(a.upid, sizeof(a.upid), "%s", name);
	for (int i = 0; i < X.conf.nprofiles && p == NULL; i++)
		if (strcmp(X.conf.profiles[i].name, name) == 0)
			p = &X.conf.profiles[i];
	if (p == NULL || p->kind != PX_KIND_PVE) {
		snprintf(a.msg, sizeof(a.msg), p ? "'%s' is not a PVE "
		    "profile" : "no profile '%s' in %s: px profiles lists them",
		    name, X.conf.path ? X.conf.path : "px.conf");
		post(&a);
		return;
	}
	if ((c = px_client_new(&X.conf, p, &o, &e)) == NULL ||
	    (wc = px_client_new(&X.conf, p, &o, &e)) == NULL) {
		px_client_free(c);
		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
		post(&a);
		return;
	}
	fetch_cancel_on(X.client);
	px_client_free(X.client);
	X.client = c;
	X.p = p;
	/* what is recorded from now on is the new cluster's */
	top_record_stop();
	top_record_start(&X.conf, p->name);
	j = px_xcalloc(1, sizeof(*j));
	j->type = JOB_SWITCH;
	j->client = wc;
	j->p = p;
	job_push(j);
	a.rc = p->read_only ? 1 : 0;
	post(&a);
}

/* ---- the terminal (lib/support/tui.h) ---- */

static void
ready(Tickit *t, struct px_async *a, int lines, int cols)
{
	tk = t;
	async = a;
	top_state_init(&S, X.p->name, X.p->read_only, (long)(delay * 1000),
	    lines, cols);
	/* the backup board reads every PBS server of px.conf */
	for (int i = 0; i < X.conf.nprofiles && S.npbs < TOP_NPBS; i++)
		if (X.conf.profiles[i].kind == PX_KIND_PBS)
			snprintf(S.pbs[S.npbs++], sizeof(S.pbs[0]), "%s",
			    X.conf.profiles[i].name);
	snprintf(S.ap.me, sizeof(S.ap.me), "%s", top_appr_me());
	/* the profile picker (P) lists the PVE ones */
	for (int i = 0; i < X.conf.nprofiles; i++)
		if (X.conf.profiles[i].kind == PX_KIND_PVE)
			top_profiles_set(&S, X.conf.profiles[i].name,
			    X.conf.profiles[i].url,
			    X.conf.profiles[i].read_only);
	worker_start();
	top_record_start(&X.conf, X.p->name);
}

static const struct tui_app app = {
	TUI_ACTION(struct top_action), TA_START, TA_KEY, TA_RESIZE,
	TA_SIGNAL, reduce_one, render, ready,
};

int
top_main(int argc, char **argv)
{
	struct px_getopt g;
	struct px_err e;
	int ch;

	cli_init(&X);
	px_getopt_init(&g, &px_cmd_top, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'd':
			delay = tui_delay(g.arg);
			break;
		case 'p':
			X.profile = g.arg;
			break;
		default:
			px_usage(&px_cmd_top);
		}
	}
	argc -= g.ind;
	if (argc != 0)
		px_usage(&px_cmd_top);
	tui_need_terminal("px ls and px watch work without one");
	if (cli_connect(&X, &e) != 0)
		px_die(&e);

	tui_run(&app);
	top_record_stop();
	return 0;
}
