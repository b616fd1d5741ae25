/*
 * pbs_ops.c -- pxsim's PBS changes and the rest of what `px pbs` reads:
 * namespaces, notes, protection, forget (DELETE snapshots), prune (dry
 * run and real, PBS's selection), prune-datastore, verify and garbage
 * collection as tasks with PBS UPIDs and logs, the catalog of pxar
 * archives, pxar-file-download, and /nodes/{node}/tasks.  Changes live
 * in an overlay over the history of pbs.c until pxsim stops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pbs.h"

/* ---- one snapshot from its parameters ---- */

static int
type_check(struct sim_resp *rs, const char *btype)
{
	if (strcmp(btype, "vm") && strcmp(btype, "ct") &&
	    strcmp(btype, "host")) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter 'backup-type': value '%s' is not defined in "
		    "the enumeration.", btype);
		return -1;
	}
	return 0;
}

/* The snapshot of backup-type, backup-id, backup-time: its index in l
 * (collected here), or -1 with the error sent. */
static long
snap_lookup(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m, struct snaps *l, const char **ns)
{
	const char *btype = sim_param(rq, "backup-type");
	const char *bid = sim_param(rq, "backup-id");
	const char *btime = sim_param(rq, "backup-time");
	size_t i;

	memset(l, 0, sizeof(*l));
	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, ns) == -1)
		return -1;
	if (btype == NULL || bid == NULL || btime == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter '%s': parameter is missing and it is not "
		    "optional.", btype == NULL ? "backup-type" : bid == NULL ?
		    "backup-id" : "backup-time");
		return -1;
	}
	if (type_check(rs, btype) == -1)
		return -1;
	snaps_collect(s, sim_var(m, "store"), *ns, l);
	for (i = 0; i < l->n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", l->v[i].vmid);
		if (!strcmp(btype, l->v[i].type) && !strcmp(bid, id) &&
		    (long long)l->v[i].time == atoll(btime))
			return (long)i;
	}
	pbs_error(rs, 400, "no such snapshot %s/%s/%s", btype, bid, btime);
	free(l->v);
	l->v = NULL;
	return -1;
}

/* ---- namespaces, notes, protection, forget ---- */

static void
store_namespaces(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	if (store_check(m, rs) == -1)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "ns", "");
	jw_end(&w);
	if (strcmp(sim_var(m, "store"), "backup") == 0) {
		jw_obj(&w);
		jw_kstr(&w, "ns", "staging");
		jw_kstr(&w, "comment", "copies before a release");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
notes_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns;
	long i = snap_lookup(s, rq, rs, m, &l, &ns);
	struct jw w;

	if (i < 0)
		return;
	sim_ok_begin(rs, &w);
	jw_str(&w, l.v[i].comment ? l.v[i].comment : "");
	sim_ok_end(rs, &w);
	free(l.v);
}

static void
notes_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns, *notes = sim_param(rq, "notes");
	long i = snap_lookup(s, rq, rs, m, &l, &ns);
	struct mark *k;

	if (i < 0)
		return;
	if (notes == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter 'notes': parameter is missing and it is not "
		    "optional.");
	} else {
		k = mark_get(sim_var(m, "store"), ns, &l.v[i], 1);
		free(k->notes);
		k->notes = px_xstrdup(notes);
		sim_ok_null(rs);
	}
	free(l.v);
}

static void
protected_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns;
	long i = snap_lookup(s, rq, rs, m, &l, &ns);
	struct jw w;

	if (i < 0)
		return;
	sim_ok_begin(rs, &w);
	jw_bool(&w, l.v[i].protected_);
	sim_ok_end(rs, &w);
	free(l.v);
}

static void
protected_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns, *p = sim_param(rq, "protected");
	long i = snap_lookup(s, rq, rs, m, &l, &ns);

	if (i < 0)
		return;
	if (p == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter 'protected': parameter is missing and it is "
		    "not optional.");
	} else {
		mark_get(sim_var(m, "store"), ns, &l.v[i], 1)->protected_ =
		    sim_param_bool(rq, "protected", 0);
		sim_ok_null(rs);
	}
	free(l.v);
}

static void
snapshot_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns;
	long i = snap_lookup(s, rq, rs, m, &l, &ns);

	if (i < 0)
		return;
	if (l.v[i].protected_)
		pbs_error(rs, 400, "cannot remove protected snapshot");
	else {
		mark_get(sim_var(m, "store"), ns, &l.v[i], 1)->forgotten = 1;
		sim_ok_null(rs);
	}
	free(l.v);
}

/* ---- prune: PBS's selection (pbs-datastore prune.rs) ---- */

enum { P_KEEP = 1, P_REMOVE, P_PROTECTED };

/* Mark the snapshots [lo, hi) of one group, newest first in ord, for one
 * keep option: the newest of each period (fmt), up to keep periods. */
static void
mark_period(const struct snap *v, const size_t *ord, size_t n, int *mk,
    const char *fmt, long long keep)
{
	char (*inc)[32] = px_xcalloc(n + 1, sizeof(*inc));
	char (*already)[32] = px_xcalloc(n + 1, sizeof(*already));
	size_t ni = 0, na = 0, i, k;
	char id[32];

	for (i = 0; i < n; i++) {
		struct tm tm;

		if (mk[i] != P_KEEP)
			continue;
		gmtime_r(&v[ord[i]].time, &tm);
		strftime(already[na++], sizeof(already[0]), fmt, &tm);
	}
	for (i = 0; i < n; i++) {
		struct tm tm;
		int seen = 0;

		if (mk[i])
			continue;
		if (v[ord[i]].protected_) {
			mk[i] = P_PROTECTED;
			continue;
		}
		gmtime_r(&v[ord[i]].time, &tm);
		strftime(id, sizeof(id), fmt, &tm);
		for (k = 0; k < na && !seen; k++)
			seen = strcmp(already[k], id) == 0;
		if (seen)
			continue;
		for (k = 0; k < ni && !seen; k++)
			seen = strcmp(inc[k], id) == 0;
		if (!seen) {
			if ((long long)ni >= keep)
				break;
			snprintf(inc[ni++], sizeof(inc[0]), "%s", id);
			mk[i] = P_KEEP;
		} else {
			mk[i] = P_REMOVE;
		}
	}
	free(inc);
	free(already);
}

static const char *const keep_opts[] = { "keep-last", "keep-hourly",
	"keep-daily", "keep-weekly", "keep-monthly", "keep-yearly", NULL };
static const char *const keep_fmt[] = { NULL, "%Y/%m/%d/%H", "%Y/%m/%d",
	"%G/%V", "%Y/%m", "%Y" };

/* Read the keep options: 0, or -1 with the error sent. */
static int
keep_read(struct sim_req *rq, struct sim_resp *rs, long long keep[6])
{
	int i;

	for (i = 0; keep_opts[i]; i++) {
		const char *v = sim_param(rq, keep_opts[i]);
		char *end;

		keep[i] = 0;
		if (v == NULL)
			continue;
		keep[i] = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || keep[i] < 1) {
			pbs_error(rs, 400, "parameter verification errors\n\n"
			    "parameter '%s': value must have a minimum value "
			    "of 1", keep_opts[i]);
			return -1;
		}
	}
	return 0;
}

/* Mark the group [lo, hi) of l (oldest first): mk[i] for l->v[lo + i]. */
static void
prune_group(const struct snaps *l, size_t lo, size_t hi,
    const long long keep[6], int *mk)
{
	size_t n = hi - lo, i;
	size_t *ord = px_xcalloc(n + 1, sizeof(*ord));
	int *mo = px_xcalloc(n + 1, sizeof(*mo)), any = 0, k;

	for (i = 0; i < n; i++)
		ord[i] = hi - 1 - i;	/* newest first */
	for (k = 0; k < 6; k++)
		any |= keep[k] > 0;
	if (keep[0] > 0) {
		long long kept = 0;

		for (i = 0; i < n; i++) {
			if (l->v[ord[i]].protected_) {
				mo[i] = P_PROTECTED;
				continue;
			}
			if (kept++ < keep[0])
				mo[i] = P_KEEP;
		}
	}
	for (k = 1; k < 6; k++)
		if (keep[k] > 0)
			mark_period(l->v, ord, n, mo, keep_fmt[k], keep[k]);
	for (i = 0; i < n; i++) {
		int v = mo[i];

		if (v == 0)
			v = any && !l->v[ord[i]].protected_ ? P_REMOVE :
			    l->v[ord[i]].protected_ ? P_PROTECTED : P_KEEP;
		mk[ord[i] - lo] = v;
	}
	free(ord);
	free(mo);
}

static void
store_prune(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *btype = sim_param(rq, "backup-type");
	const char *bid = sim_param(rq, "backup-id");
	const char *store = sim_var(m, "store"), *ns;
	int dry = sim_param_bool(rq, "dry-run", 0);
	long long keep[6];
	struct snaps l;
	size_t i, lo = 0, hi = 0;
	int *mk;
	struct jw w;

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1)
		return;
	if (btype == NULL || bid == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter '%s': parameter is missing and it is not "
		    "optional.", btype == NULL ? "backup-type" : "backup-id");
		return;
	}
	if (type_check(rs, btype) == -1 || keep_read(rq, rs, keep) == -1)
		return;
	snaps_collect(s, store, ns, &l);
	for (i = 0; i < l.n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", l.v[i].vmid);
		if (!strcmp(btype, l.v[i].type) && !strcmp(bid, id)) {
			if (hi == 0)
				lo = i;
			hi = i + 1;
		}
	}
	mk = px_xcalloc(l.n + 1, sizeof(*mk));
	if (hi > lo)
		prune_group(&l, lo, hi, keep, mk);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = lo; i < hi; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", l.v[i].vmid);
		jw_obj(&w);
		jw_kstr(&w, "backup-type", l.v[i].type);
		jw_kstr(&w, "backup-id", id);
		jw_kint(&w, "backup-time", (long long)l.v[i].time);
		jw_kbool(&w, "keep", mk[i - lo] != P_REMOVE);
		jw_kbool(&w, "protected", l.v[i].protected_);
		jw_end(&w);
		if (!dry && mk[i - lo] == P_REMOVE)
			mark_get(store, ns, &l.v[i], 1)->forgotten = 1;
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(mk);
	free(l.v);
}

/* ---- tasks with PBS UPIDs ---- */

struct job {
	char store[16], ns[64];
	char type[8], id[16];
	long long time;		/* 0: the group, or all */
	long long keep[6];
	int dry, ignore_verified;
};

/* Rewrite t's UPID as PBS writes it (node, pid, pstart, task id,
 * starttime, worker type, worker id, authid). */
static void
pbs_upid(struct sim_task *t, const char *wtype, const char *wid)
{
	static unsigned task_id;

	snprintf(t->node, sizeof(t->node), "pbs");
	snprintf(t->upid, sizeof(t->upid),
	    "UPID:pbs:%08X:%08X:%08X:%08X:%s:%s:%s:", t->pid, t->pstart,
	    ++task_id, (unsigned)t->starttime, wtype, wid, t->user);
	snprintf(t->type, sizeof(t->type), "%s", wtype);
	snprintf(t->id, sizeof(t->id), "%s", wid);
}

static void
verify_done(struct sim *s, struct sim_task *t)
{
	struct job *j = t->arg;
	struct snaps l;
	size_t i;
	int failed = 0, n = 0;
	char tm[32];

	snaps_collect(s, j->store, j->ns, &l);
	for (i = 0; i < l.n; i++) {
		struct snap *sn = &l.v[i];
		char id[16];
		struct tm g;

		snprintf(id, sizeof(id), "%d", sn->vmid);
		if ((j->type[0] && strcmp(j->type, sn->type)) ||
		    (j->id[0] && strcmp(j->id, id)) ||
		    (j->time && j->time != (long long)sn->time))
			continue;
		if (j->ignore_verified && sn->verify == 1)
			continue;
		gmtime_r(&sn->time, &g);
		strftime(tm, sizeof(tm), "%Y-%m-%dT%H:%M:%SZ", &g);
		sim_task_log(t, "verify %s:%s/%s/%s", j->store, sn->type, id,
		    tm);
		sim_task_log(t, "  check index.json.blob");
		if (sn->corrupt) {
			sim_task_log(t, "  verify %s:%s/%s/%s/%s failed: "
			    "chunk checksum mismatch", j->store, sn->type, id,
			    tm, strcmp(sn->type, "vm") ? "root.pxar.didx" :
			    "drive-scsi0.img.fidx");
			failed++;
		}
		mark_get(j->store, j->ns, sn, 1)->verify = sn->corrupt ? 2 : 1;
		n++;
	}
	free(l.v);
	sim_task_log(t, "verified %d snapshots", n);
	if (failed) {
		sim_task_log(t, "Failed to verify the following snapshots/"
		    "groups:");
		sim_task_fail(t, "verification failed - please check the log "
		    "for details");
	}
}

static void
gc_done(struct sim *s, struct sim_task *t)
{
	struct job *j = t->arg;

	pbs_gc_record(j->store, t->upid, sim_now(s));
	sim_task_log(t, "starting garbage collection on store %s", j->store);
	sim_task_log(t, "Start GC phase1 (mark used chunks)");
	sim_task_log(t, "Start GC phase2 (sweep unused chunks)");
	sim_task_log(t, "Removed garbage: 1.0 GiB");
	sim_task_log(t, "Removed chunks: 256");
}

static void
prune_all_done(struct sim *s, struct sim_task *t)
{
	struct job *j = t->arg;
	struct snaps l;
	size_t lo, hi;

	snaps_collect(s, j->store, j->ns, &l);
	for (lo = 0; lo < l.n; lo = hi) {
		int *mk;
		size_t i;

		for (hi = lo; hi < l.n && l.v[hi].vmid == l.v[lo].vmid &&
		    !strcmp(l.v[hi].type, l.v[lo].type); hi++)
			;
		mk = px_xcalloc(hi - lo + 1, sizeof(*mk));
		prune_group(&l, lo, hi, j->keep, mk);
		sim_task_log(t, "Pruning group %s/%d", l.v[lo].type,
		    l.v[lo].vmid);
		for (i = lo; i < hi; i++) {
			sim_task_log(t, "%s %s/%d/%lld", mk[i - lo] == P_REMOVE ?
			    "remove" : mk[i - lo] == P_PROTECTED ? "protected" :
			    "keep", l.v[i].type, l.v[i].vmid,
			    (long long)l.v[i].time);
			if (!j->dry && mk[i - lo] == P_REMOVE)
				mark_get(j->store, j->ns, &l.v[i], 1)->
				    forgotten = 1;
		}
		free(mk);
	}
	free(l.v);
}

static struct job *
job_new(const struct sim_match *m, const char *ns)
{
	struct job *j = px_xcalloc(1, sizeof(*j));

	snprintf(j->store, sizeof(j->store), "%s", sim_var(m, "store"));
	snprintf(j->ns, sizeof(j->ns), "%s", ns ? ns : "");
	return j;
}

static void
task_answer(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *wtype, const char *wid, sim_task_fn fn, struct job *j)
{
	struct sim_task *t = sim_task_start(s, "pbs", wtype, NULL,
	    rq->authid ? rq->authid : "root@pam", -1, fn, NULL);

	pbs_upid(t, wtype, wid);
	t->arg = j;
	sim_upid_response(rs, t->upid);
}

static void
store_verify(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *btype = sim_param(rq, "backup-type");
	const char *bid = sim_param(rq, "backup-id");
	const char *btime = sim_param(rq, "backup-time"), *ns;
	struct job *j;

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1 ||
	    (btype && type_check(rs, btype) == -1))
		return;
	j = job_new(m, ns);
	snprintf(j->type, sizeof(j->type), "%s", btype ? btype : "");
	snprintf(j->id, sizeof(j->id), "%s", bid ? bid : "");
	j->time = btime ? atoll(btime) : 0;
	j->ignore_verified = sim_param_bool(rq, "ignore-verified", 1);
	task_answer(s, rq, rs, "verify", j->store, verify_done, j);
}

static void
store_gc_start(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (store_check(m, rs) == -1)
		return;
	task_answer(s, rq, rs, "garbage_collection", sim_var(m, "store"),
	    gc_done, job_new(m, NULL));
}

static void
store_prune_all(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *ns;
	struct job *j;
	long long keep[6];

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1 ||
	    keep_read(rq, rs, keep) == -1)
		return;
	j = job_new(m, ns);
	memcpy(j->keep, keep, sizeof(keep));
	j->dry = sim_param_bool(rq, "dry-run", 0);
	task_answer(s, rq, rs, "prune", j->store, prune_all_done, j);
}

static int
pbs_task(const struct sim_task *t)
{
	return strcmp(t->node, "pbs") == 0;
}

static int
task_failed(const struct sim_task *t)
{
	return !t->running && t->exitstatus && strcmp(t->exitstatus, "OK") &&
	    strncmp(t->exitstatus, "WARNINGS", 8);
}

static void
tasks_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int running = sim_param_bool(rq, "running", 0);
	int errors = sim_param_bool(rq, "errors", 0);
	const char *store = sim_param(rq, "store");
	long long limit = sim_param_int(rq, "limit", 50), n = 0;
	struct jw w;
	size_t i;

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = s->ntasks; i-- > 0 && n < limit;) {
		const struct sim_task *t = s->tasks[i];

		if (!pbs_task(t) || (running && !t->running) ||
		    (errors && !task_failed(t)) ||
		    (store && strcmp(t->id, store)))
			continue;
		n++;
		jw_obj(&w);
		jw_kstr(&w, "upid", t->upid);
		jw_kstr(&w, "node", t->node);
		jw_kint(&w, "pid", t->pid);
		jw_kint(&w, "pstart", t->pstart);
		jw_kint(&w, "starttime", (long long)t->starttime);
		jw_kstr(&w, "worker_type", t->type);
		jw_kstr(&w, "worker_id", t->id);
		jw_kstr(&w, "user", t->user);
		if (!t->running) {
			jw_kint(&w, "endtime", (long long)t->endtime);
			jw_kstr(&w, "status", t->exitstatus);
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "total", n);
	sim_ok_end(rs, &w);
}

static const struct sim_task *
task_of(struct sim *s, const struct sim_match *m, struct sim_resp *rs)
{
	const struct sim_task *t = sim_task_find(s, sim_var(m, "upid"));

	if (t == NULL || !pbs_task(t)) {
		pbs_error(rs, 400, "no such task");
		return NULL;
	}
	return t;
}

static void
task_status(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct sim_task *t = task_of(s, m, rs);
	struct jw w;

	(void)rq;
	if (t == NULL)
		return;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "upid", t->upid);
	jw_kstr(&w, "node", t->node);
	jw_kint(&w, "pid", t->pid);
	jw_kint(&w, "pstart", t->pstart);
	jw_kint(&w, "starttime", (long long)t->starttime);
	jw_kstr(&w, "type", t->type);
	jw_kstr(&w, "id", t->id);
	jw_kstr(&w, "user", t->user);
	jw_kstr(&w, "status", t->running ? "running" : "stopped");
	if (!t->running) {
		jw_kint(&w, "endtime", (long long)t->endtime);
		jw_kstr(&w, "exitstatus", t->exitstatus);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
task_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct sim_task *t = task_of(s, m, rs);
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	long long total, i;
	struct jw w;

	if (t == NULL)
		return;
	total = (long long)t->nlines + (t->running ? 0 : 1);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = start; i < total && i < start + limit; i++) {
		char end[300];

		jw_obj(&w);
		jw_kint(&w, "n", i + 1);
		if (i < (long long)t->nlines) {
			jw_kstr(&w, "t", t->lines[i]);
		} else {
			snprintf(end, sizeof(end), "TASK %s%s",
			    strcmp(t->exitstatus, "OK") ? "ERROR: " : "",
			    t->exitstatus);
			jw_kstr(&w, "t", strcmp(t->exitstatus, "OK") ? end :
			    "TASK OK");
		}
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "total", total);
	sim_ok_end(rs, &w);
}

/* ---- the catalog of root.pxar.didx, and its files ---- */

struct entry {
	const char *path;	/* without the archive */
	char type;		/* d f l */
	uint64_t size;
};

#define BIG (40ULL << 20)	/* more than px's 32 MiB body cap */

static const struct entry tree[] = {
	{ "/etc", 'd', 0 }, { "/etc/hostname", 'f', 0 },
	{ "/etc/hosts", 'f', 180 }, { "/etc/os-release", 'f', 267 },
	{ "/etc/passwd", 'f', 1400 }, { "/etc/ssh", 'd', 0 },
	{ "/etc/ssh/sshd_config", 'f', 3300 },
	{ "/etc/localtime", 'l', 0 },
	{ "/home", 'd', 0 }, { "/home/user", 'd', 0 },
	{ "/home/user/notes.txt", 'f', 96 },
	{ "/root", 'd', 0 }, { "/root/.bashrc", 'f', 570 },
	{ "/tmp", 'd', 0 },
	{ "/tmp/evil\033]0;pwned\007.txt", 'f', 12 },
	{ "/var", 'd', 0 }, { "/var/log", 'd', 0 },
	{ "/var/log/syslog", 'f', BIG },
	{ NULL, 0, 0 }
};

/* The content of a file of the tree, into b. */
static void
file_content(struct buf *b, const struct entry *e, int vmid)
{
	unsigned long long n = 0;

	if (strcmp(e->path, "/etc/hostname") == 0) {
		buf_printf(b, "ct%d\n", vmid);
		return;
	}
	buf_grow(b, (size_t)e->size);
	while (b->len < e->size) {
		char line[96];
		int k = snprintf(line, sizeof(line), "%s line %llu of ct%d\n",
		    e->path, ++n, vmid);
		size_t want = e->size - b->len;

		buf_add(b, line, (size_t)k < want ? (size_t)k : want);
	}
}

/* The archive and path of a base64 filepath: "/root.pxar.didx/etc". */
static int
filepath_split(struct sim_req *rq, struct sim_resp *rs, struct buf *path,
    const char **rest)
{
	const char *fp = sim_param(rq, "filepath");

	if (fp == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter 'filepath': parameter is missing and it is not "
		    "optional.");
		return -1;
	}
	if (strcmp(fp, "root") == 0) {
		buf_adds(path, "/");
	} else if (b64_decode(path, fp, strlen(fp)) != 0) {
		pbs_error(rs, 400, "unable to decode filepath: invalid base64");
		return -1;
	}
	if (path->len == 0 || memchr(path->p, '\0', path->len) != NULL) {
		pbs_error(rs, 400, "unable to decode filepath: not a path");
		return -1;
	}
	*rest = NULL;
	if (strncmp(path->p, "/root.pxar.didx", 15) == 0 &&
	    (path->p[15] == '\0' || path->p[15] == '/'))
		*rest = path->p + 15;
	return 0;
}

static void
entry_write(struct jw *w, const char *archive, const char *path, char type,
    uint64_t size, time_t mtime)
{
	struct buf full = { 0 }, enc = { 0 };
	const char *name = strrchr(path, '/');

	buf_printf(&full, "/%s%s", archive, path);
	b64_encode(&enc, full.p, full.len);
	jw_obj(w);
	jw_kstr(w, "filepath", buf_str(&enc));
	jw_kstr(w, "text", name ? name + 1 : path);
	jw_key(w, "type");
	jw_strn(w, &type, 1);
	jw_kbool(w, "leaf", type != 'd' && type != 'v');
	if (type == 'f') {
		jw_kuint(w, "size", size);
		jw_kint(w, "mtime", (long long)mtime);
	}
	jw_end(w);
	buf_free(&full);
	buf_free(&enc);
}

static void
store_catalog(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns, *rest;
	long i = snap_lookup(s, rq, rs, m, &l, &ns);
	struct buf path = { 0 };
	struct jw w;
	size_t k, dl;
	int found = 0;

	if (i < 0)
		return;
	if (strcmp(l.v[i].type, "ct") != 0) {
		pbs_error(rs, 400, "unable to open catalog: snapshot has no "
		    "catalog.pcat1.didx");
		goto out;
	}
	if (filepath_split(rq, rs, &path, &rest) == -1)
		goto out;
	if (strcmp(path.p, "/") == 0) {
		sim_ok_begin(rs, &w);
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "filepath", "L3Jvb3QucHhhci5kaWR4");
		jw_kstr(&w, "text", "root.pxar.didx");
		jw_kstr(&w, "type", "v");
		jw_kbool(&w, "leaf", 0);
		jw_end(&w);
		jw_end(&w);
		sim_ok_end(rs, &w);
		goto out;
	}
	if (rest == NULL) {
		pbs_error(rs, 400, "no such archive '%s'", path.p + 1);
		goto out;
	}
	while ((dl = strlen(rest)) > 1 && rest[dl - 1] == '/')
		path.p[--path.len] = '\0';
	dl = strlen(rest);
	for (k = 0; tree[k].path && dl; k++)
		if (strcmp(tree[k].path, rest) == 0)
			found = tree[k].type == 'd' ? 1 : 2;
	if (dl > 0 && found != 1) {
		pbs_error(rs, 400, found ? "'%s' is not a directory" :
		    "no such file or directory '%s'", rest);
		goto out;
	}
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (k = 0; tree[k].path; k++) {
		const char *p = tree[k].path;

		if (strncmp(p, rest, dl) != 0 || p[dl] != '/' ||
		    strchr(p + dl + 1, '/') != NULL)
			continue;
		entry_write(&w, "root.pxar.didx", p, tree[k].type,
		    strcmp(p, "/etc/hostname") ? tree[k].size :
		    (uint64_t)snprintf(NULL, 0, "ct%d\n", l.v[i].vmid),
		    l.v[i].time - 3600);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
out:
	buf_free(&path);
	free(l.v);
}

static uint32_t
crc32_of(const char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void
le16(struct buf *b, unsigned v)
{
	char x[2] = { (char)(v & 0xff), (char)(v >> 8 & 0xff) };

	buf_add(b, x, 2);
}

static void
le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

/* A directory as PBS sends it: a zip (stored, no compression) of the
 * files under it, named relative to it. */
static void
dir_zip(struct buf *z, const char *dir, int vmid)
{
	struct buf cd = { 0 };
	size_t dl = strlen(dir), k;
	unsigned n = 0;

	for (k = 0; tree[k].path; k++) {
		struct buf data = { 0 };
		const char *name;
		uint32_t crc, off = (uint32_t)z->len;
		size_t nl;

		if (tree[k].type != 'f' || strncmp(tree[k].path, dir, dl) ||
		    tree[k].path[dl] != '/' || tree[k].size > (1u << 20))
			continue;
		name = tree[k].path + dl + 1;
		nl = strlen(name);
		file_content(&data, &tree[k], vmid);
		crc = crc32_of(data.p, data.len);
		le32(z, 0x04034b50u);
		le16(z, 20); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0x21);
		le32(z, crc); le32(z, (uint32_t)data.len);
		le32(z, (uint32_t)data.len);
		le16(z, (unsigned)nl); le16(z, 0);
		buf_add(z, name, nl);
		buf_add(z, data.p, data.len);
		le32(&cd, 0x02014b50u);
		le16(&cd, 20); le16(&cd, 20); le16(&cd, 0); le16(&cd, 0);
		le16(&cd, 0); le16(&cd, 0x21);
		le32(&cd, crc); le32(&cd, (uint32_t)data.len);
		le32(&cd, (uint32_t)data.len);
		le16(&cd, (unsigned)nl); le16(&cd, 0); le16(&cd, 0);
		le16(&cd, 0); le16(&cd, 0); le32(&cd, 0); le32(&cd, off);
		buf_add(&cd, name, nl);
		buf_free(&data);
		n++;
	}
	{
		uint32_t cdoff = (uint32_t)z->len;

		buf_add(z, cd.p, cd.len);
		le32(z, 0x06054b50u);
		le16(z, 0); le16(z, 0); le16(z, n); le16(z, n);
		le32(z, (uint32_t)cd.len); le32(z, cdoff); le16(z, 0);
	}
	buf_free(&cd);
}

/* A ustar header for name (relative), of type t ('0' file, '5' dir, '2'
 * symlink to link), appended to b. */
static void
tar_header(struct buf *b, const char *name, char t, uint64_t size,
    long long mtime, const char *link)
{
	char h[512];
	unsigned sum = 0;
	size_t nl = strlen(name);

	memset(h, 0, sizeof(h));
	if (nl > 99) {		/* the prefix field takes the directories */
		const char *cut = name + nl - 99;

		while (*cut && *cut != '/')
			cut++;
		snprintf(h + 345, 155, "%.*s", (int)(cut - name), name);
		name = *cut ? cut + 1 : cut;
	}
	snprintf(h, 100, "%s%s", name, t == '5' ? "/" : "");
	snprintf(h + 100, 8, "%07o", t == '5' ? 0755 : t == '2' ? 0777 :
	    0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf(h + 136, 12, "%011llo", (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = t;
	if (link)
		snprintf(h + 157, 100, "%s", link);
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	snprintf(h + 265, 32, "root");
	snprintf(h + 297, 32, "root");
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	buf_add(b, h, sizeof(h));
}

/* A directory as PBS sends it with tar=1: a tar of the directory and
 * everything under it (names starting with its own), compressed as
 * zstd.  pxsim writes raw (stored) zstd blocks, a valid frame any zstd
 * decoder reads, as it stores the zip's members. */
static void
dir_tar_zst(struct buf *z, const char *dir, int vmid, long long mtime)
{
	struct buf t = { 0 };
	const char *base = strrchr(dir, '/');
	size_t dl = strlen(dir), off;

	base = base ? base + 1 : dir;
	if (*base == '\0')	/* the archive's root */
		base = "root";
	tar_header(&t, base, '5', 0, mtime, NULL);
	for (size_t k = 0; tree[k].path; k++) {
		struct buf name = { 0 }, data = { 0 };

		if (strncmp(tree[k].path, dir, dl) || tree[k].path[dl] != '/' ||
		    tree[k].size > (1u << 20))
			continue;
		buf_printf(&name, "%s%s", base, tree[k].path + dl);
		if (tree[k].type == 'd') {
			tar_header(&t, name.p, '5', 0, mtime, NULL);
		} else if (tree[k].type == 'l') {
			tar_header(&t, name.p, '2', 0, mtime,
			    "/usr/share/zoneinfo/Etc/UTC");
		} else {
			file_content(&data, &tree[k], vmid);
			tar_header(&t, name.p, '0', data.len, mtime, NULL);
			buf_add(&t, data.p, data.len);
			while (t.len % 512)
				buf_addc(&t, '\0');
		}
		buf_free(&name);
		buf_free(&data);
	}
	for (int i = 0; i < 1024; i++)	/* two zero blocks end it */
		buf_addc(&t, '\0');
	/* zstd frame: magic, descriptor (no content size, no checksum,
	 * not single segment), window 128 KiB, raw blocks of <= 128 KiB */
	le32(z, 0xFD2FB528u);
	buf_addc(z, 0x00);
	buf_addc(z, 7 << 3);
	for (off = 0;;) {
		size_t n = t.len - off > (128u << 10) ? 128u << 10 :
		    t.len - off;
		uint32_t hdr = (uint32_t)n << 3 | (off + n == t.len);
		char h3[3] = { (char)(hdr & 0xff), (char)(hdr >> 8 & 0xff),
			(char)(hdr >> 16 & 0xff) };

		buf_add(z, h3, 3);
		buf_add(z, t.p + off, n);
		off += n;
		if (off == t.len)
			break;
	}
	buf_free(&t);
}

static void
store_pxar_download(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	const char *ns, *rest;
	long i = snap_lookup(s, rq, rs, m, &l, &ns);
	struct buf path = { 0 };
	size_t k;

	if (i < 0)
		return;
	if (filepath_split(rq, rs, &path, &rest) == -1)
		goto out;
	if (rest == NULL || strcmp(l.v[i].type, "ct") != 0) {
		pbs_error(rs, 400, "no such archive '%s'", path.p + 1);
		goto out;
	}
	for (k = 0; tree[k].path && *rest; k++)
		if (strcmp(tree[k].path, rest) == 0)
			break;
	if (*rest && tree[k].path == NULL) {
		pbs_error(rs, 400, "no such file or directory '%s'", rest);
		goto out;
	}
	if (*rest == '\0' || tree[k].type == 'd') {	/* "": the root */
		buf_reset(&rs->body);
		if (sim_param_bool(rq, "tar", 0)) {
			dir_tar_zst(&rs->body, rest, l.v[i].vmid,
			    l.v[i].time - 3600);
			rs->ctype = "application/zstd";
			goto out;
		}
		dir_zip(&rs->body, rest, l.v[i].vmid);
		rs->ctype = "application/zip";
		goto out;
	}
	if (tree[k].type != 'f') {
		pbs_error(rs, 400, "'%s' is a symlink: pxsim serves files and "
		    "directories", rest);
		goto out;
	}
	buf_reset(&rs->body);
	file_content(&rs->body, &tree[k], l.v[i].vmid);
	rs->ctype = "application/octet-stream";
out:
	buf_free(&path);
	free(l.v);
}

/* ---- jobs and remotes ---- */

static void
job_common(struct sim *s, struct jw *w, const char *id, const char *store,
    const char *schedule, const char *state, int hours)
{
	time_t now = sim_now(s), day = now / 86400 * 86400;
	char upid[160];

	jw_kstr(w, "id", id);
	jw_kstr(w, "store", store);
	jw_kstr(w, "schedule", schedule);
	snprintf(upid, sizeof(upid), "UPID:pbs:%08X:%08X:%08X:%08llX:"
	    "job:%s:root@pam:", 0x4c1u, 0x2e11u, 0x3u,
	    (unsigned long long)(day - 86400 + hours * 3600), id);
	jw_kstr(w, "last-run-upid", upid);
	jw_kstr(w, "last-run-state", state);
	jw_kint(w, "last-run-endtime", (long long)(day - 86400 + hours *
	    3600 + 300));
	jw_kint(w, "next-run", (long long)(day + 86400 + hours * 3600));
}

static void
jobs_sync(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	job_common(s, &w, "s-offsite", "archive", "daily", "ok", 5);
	jw_kstr(&w, "remote", "offsite");
	jw_kstr(&w, "remote-store", "backup");
	jw_kstr(&w, "comment", "pull last week's backups");
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
jobs_verify(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	job_common(s, &w, "v-daily", "backup", "daily", "verification failed "
	    "- please check the log for details", 6);
	jw_kbool(&w, "ignore-verified", 1);
	jw_kint(&w, "outdated-after", 30);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
jobs_prune(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	job_common(s, &w, "p-backup", "backup", "daily", "ok", 3);
	jw_kint(&w, "keep-daily", 7);
	jw_kint(&w, "keep-weekly", 4);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
remotes_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "offsite");
	jw_kstr(&w, "host", "pbs2.example.com");
	jw_kint(&w, "port", 8007);
	jw_kstr(&w, "auth-id", "sync@pbs");
	jw_kstr(&w, "fingerprint", "64:d3:ff:3a:50:38:53:5a:9b:f7:50:8a:"
	    "1c:9c:4e:4b:2a:1e:22:61:0f:0c:3b:99:35:9b:6c:82:2f:67:e2:1a");
	jw_kstr(&w, "comment", "second site");
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* Datastore.Allocate stands in for PBS's Datastore.Modify, .Prune and
 * .Verify (pxsim's roles are PVE's). */
#define DSA "/datastore/{store}", "Datastore.Audit|Datastore.Backup"
#define DSM "/datastore/{store}", "Datastore.Allocate"

const struct sim_route sim_routes_pbs_ops[] = {
	{ "GET", "/admin/datastore/{store}/namespace", store_namespaces, DSA,
	    0 },
	{ "GET", "/admin/datastore/{store}/notes", notes_get, DSA, 0 },
	{ "PUT", "/admin/datastore/{store}/notes", notes_put, DSM, 0 },
	{ "GET", "/admin/datastore/{store}/protected", protected_get, DSA, 0 },
	{ "PUT", "/admin/datastore/{store}/protected", protected_put, DSM, 0 },
	{ "DELETE", "/admin/datastore/{store}/snapshots", snapshot_delete,
	    DSM, 0 },
	{ "POST", "/admin/datastore/{store}/prune", store_prune, DSM, 0 },
	{ "POST", "/admin/datastore/{store}/prune-datastore", store_prune_all,
	    DSM, 0 },
	{ "POST", "/admin/datastore/{store}/verify", store_verify, DSM, 0 },
	{ "POST", "/admin/datastore/{store}/gc", store_gc_start, DSM, 0 },
	{ "GET", "/admin/datastore/{store}/catalog", store_catalog, DSA, 0 },
	{ "GET", "/admin/datastore/{store}/pxar-file-download",
	    store_pxar_download, DSA, 0 },
	{ "GET", "/admin/sync", jobs_sync, NULL, NULL, 0 },
	{ "GET", "/admin/verify", jobs_verify, NULL, NULL, 0 },
	{ "GET", "/admin/prune", jobs_prune, NULL, NULL, 0 },
	{ "GET", "/config/remote", remotes_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/tasks", tasks_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/tasks/{upid}/status", task_status, NULL, NULL,
	    0 },
	{ "GET", "/nodes/{node}/tasks/{upid}/log", task_log, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
