/* pbs.c -- typed access to the Proxmox Backup Server API (pbs.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "enc.h"
#include "gate.h"
#include "pbs.h"
#include "pve.h"
#include "pve_field.h"

/* ---- names ---- */

static int
name_ok(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && s[0] != '.' && s[0] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") == n;
}

int
pbs_valid_store(const char *s)
{
	return name_ok(s, 3, 32);
}

int
pbs_valid_id(const char *s)
{
	return name_ok(s, 1, 127);
}

int
pbs_valid_ns(const char *s)
{
	char part[256];
	const char *p = s;
	int levels = 0;

	if (*s == '\0')
		return 1;
	if (strlen(s) > 256)
		return 0;
	while (*p) {
		size_t k = strcspn(p, "/");

		if (k == 0 || k >= sizeof(part) || ++levels > 8)
			return 0;
		memcpy(part, p, k);
		part[k] = '\0';
		if (!name_ok(part, 1, 255))
			return 0;
		p += k;
		if (*p == '/' && *++p == '\0')
			return 0;
	}
	return 1;
}

int
pbs_snapref_parse(const char *s, struct pbs_snapref *r, struct px_err *e)
{
	const char *a = strchr(s, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	char t[40];
	struct tm tm;
	char *end;

	memset(r, 0, sizeof(*r));
	if (a == NULL || b == NULL || (size_t)(a - s) >= sizeof(r->type) ||
	    (size_t)(b - a - 1) >= sizeof(r->id) || strlen(b + 1) >= sizeof(t))
		goto bad;
	memcpy(r->type, s, (size_t)(a - s));
	memcpy(r->id, a + 1, (size_t)(b - a - 1));
	snprintf(t, sizeof(t), "%s", b + 1);
	if (strcmp(r->type, "vm") && strcmp(r->type, "ct") &&
	    strcmp(r->type, "host"))
		goto bad;
	if (!pbs_valid_id(r->id))
		goto bad;
	if (strspn(t, "0123456789") == strlen(t) && t[0] != '\0') {
		r->time = strtoll(t, &end, 10);
	} else {
		memset(&tm, 0, sizeof(tm));
		end = strptime(t, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (end == NULL || *end != '\0')
			goto bad;
		r->time = (long long)timegm(&tm);
	}
	if (r->time < 1 || r->time > 253402300799LL)
		goto bad;
	return 0;
bad:
	px_fail(e, PXE_USAGE, "'%s' is not a snapshot (TYPE/ID/TIME: "
	    "vm/100/2026-12-04T02:00:00Z, TIME also in epoch seconds)", s);
	return -1;
}

void
pbs_snapref_format(const struct pbs_snapref *r, char *buf, size_t n)
{
	time_t t = (time_t)r->time;
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(buf, n, "%s/%s/%s", r->type, r->id, ts);
}

void
pbs_snapref_form(struct buf *b, const struct pbs_snapref *r, const char *ns)
{
	form_add(b, "backup-type", r->type);
	form_add(b, "backup-id", r->id);
	form_addf(b, "backup-time", "%lld", r->time);
	if (ns != NULL && *ns != '\0')
		form_add(b, "ns", ns);
}

/* ---- parsers ---- */

#define ST struct pbs_store
static const struct pve_field store_f[] = {
	PF_STR(ST, store, "store"), PF_STR(ST, comment, "comment"),
};

int
pbs_stores_parse(const struct json *j, int arr, struct pbs_store **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("datastore list", ST, store_f, NULL);
}

static const struct pve_field usage_f[] = {
	PF_STR(ST, store, "store"), PF_U64(ST, total, "total"),
	PF_U64(ST, used, "used"), PF_U64(ST, avail, "avail"),
	PF_LL(ST, full_date, "estimated-full-date"),
};

static const struct pve_field usage_gc_f[] = {
	PF_STR(ST, gc_upid, "upid"), PF_U64(ST, gc_removed, "removed-bytes"),
};

int
pbs_usage_merge(const struct json *j, int arr, struct pbs_store *v, int n,
    struct px_err *e)
{
	int c, i;
	char why[256];

	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "datastore usage: not an array");
	JSON_FOREACH(j, arr, c, i) {
		struct pbs_store u;
		int k, gc;

		memset(&u, 0, sizeof(u));
		if (pve_row_check(j, c, &u, usage_f, PF_N(usage_f), why,
		    sizeof(why)) != 0) {
			pve_row_drop(j, "datastore usage", i, "%s", why);
			continue;
		}
		gc = json_get(j, c, "gc-status");
		if (json_type(j, gc) == JSON_OBJECT)
			pve_fill(j, gc, &u, usage_gc_f, PF_N(usage_gc_f));
		for (k = 0; k < n; k++)
			if (strcmp(v[k].store, u.store) == 0) {
				v[k].total = u.total;
				v[k].used = u.used;
				v[k].avail = u.avail;
				v[k].full_date = u.full_date > 0 ?
				    u.full_date : 0;
				v[k].has_usage = 1;
				memcpy(v[k].gc_upid, u.gc_upid,
				    sizeof(u.gc_upid));
				v[k].gc_removed = u.gc_removed;
			}
	}
	return 0;
}

#define GC struct pbs_gc
static const struct pve_field gc_f[] = {
	PF_STR(GC, state, "last-run-state"),
	PF_LL(GC, last_end, "last-run-endtime"), PF_LL(GC, next_run, "next-run"),
	PF_STR(GC, schedule, "schedule"), PF_STR(GC, upid, "upid"),
	PF_U64(GC, removed, "removed-bytes"), PF_U64(GC, pending,
	    "pending-bytes"), PF_U64(GC, disk, "disk-bytes"),
};

int
pbs_gc_parse(const struct json *j, int obj, struct pbs_gc *g, struct px_err *e)
{
	char why[256];

	memset(g, 0, sizeof(*g));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "garbage collection status: not "
		    "an object");
	if (pve_fill_check(j, obj, g, gc_f, PF_N(gc_f), why, sizeof(why)))
		return px_fail(e, PXE_PARSE, "garbage collection status: %s",
		    why);
	return 0;
}

#define NS struct pbs_ns
static const struct pve_field ns_f[] = {
	PF_STR(NS, ns, "ns"), PF_STR(NS, comment, "comment"),
};

/* The root namespace is "": a key pve_row_check would refuse. */
int
pbs_namespaces_parse(const struct json *j, int arr, struct pbs_ns **out,
    int *n, struct px_err *e)
{
	int c, i, k = 0;
	struct pbs_ns *v;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "namespace list: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT ||
		    json_type(j, json_get(j, c, "ns")) != JSON_STRING) {
			pve_row_drop(j, "namespace list", i, "no ns");
			continue;
		}
		pve_fill(j, c, &v[k], ns_f, PF_N(ns_f));
		if (!pbs_valid_ns(v[k].ns)) {
			pve_row_drop(j, "namespace list", i, "ns '%s' is not "
			    "a namespace", v[k].ns);
			memset(&v[k], 0, sizeof(v[k]));
			continue;
		}
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

static int
type_ok(const char *t)
{
	return !strcmp(t, "vm") || !strcmp(t, "ct") || !strcmp(t, "host");
}

#define GR struct pbs_group
static const struct pve_field group_f[] = {
	PF_STR(GR, id, "backup-id"), PF_STR(GR, type, "backup-type"),
	PF_LL(GR, last, "last-backup"), PF_LL(GR, count, "backup-count"),
	PF_STR(GR, owner, "owner"), PF_STR(GR, comment, "comment"),
};

static int
group_more(const struct json *j, int obj, void *row)
{
	GR *g = row;

	(void)j;
	(void)obj;
	return !type_ok(g->type);
}

int
pbs_groups_parse(const struct json *j, int arr, struct pbs_group **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("backup group list", GR, group_f, group_more);
}

#define SN struct pbs_snapshot
/* backup-time first: a snapshot without a readable time is dropped and
 * reported. */
static const struct pve_field snap_f[] = {
	PF_LL(SN, time, "backup-time"), PF_STR(SN, id, "backup-id"),
	PF_STR(SN, type, "backup-type"), PF_U64(SN, size, "size"),
	PF_BOOL(SN, protected_, "protected", 0), PF_STR(SN, owner, "owner"),
	PF_STR(SN, comment, "comment"),
};

static int
snap_more(const struct json *j, int obj, void *row)
{
	SN *s = row;
	int v = json_get(j, obj, "verification");

	snprintf(s->verify, sizeof(s->verify), "none");
	if (json_type(j, v) == JSON_OBJECT) {
		int st = json_get(j, v, "state");

		if (json_eq(j, st, "ok"))
			snprintf(s->verify, sizeof(s->verify), "ok");
		else if (json_eq(j, st, "failed"))
			snprintf(s->verify, sizeof(s->verify), "failed");
	}
	return !type_ok(s->type) || !pbs_valid_id(s->id) || s->time < 1;
}

int
pbs_snapshots_parse(const struct json *j, int arr, struct pbs_snapshot **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("snapshot list", SN, snap_f, snap_more);
}

#define FI struct pbs_file
static const struct pve_field file_f[] = {
	PF_STR(FI, filename, "filename"), PF_U64(FI, size, "size"),
	PF_STR(FI, crypt, "crypt-mode"),
};

static int
file_more(const struct json *j, int obj, void *row)
{
	FI *f = row;
	uint64_t v;

	f->has_size = json_uint(j, json_get(j, obj, "size"), &v) == 0;
	return 0;
}

int
pbs_files_parse(const struct json *j, int arr, struct pbs_file **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("archive list", FI, file_f, file_more);
}

#define EN struct pbs_entry
static const struct pve_field entry_f[] = {
	PF_STR(EN, name, "text"), PF_STR(EN, type, "type"),
	PF_BOOL(EN, leaf, "leaf", 1), PF_U64(EN, size, "size"),
	PF_LL(EN, mtime, "mtime"),
};

static int
entry_more(const struct json *j, int obj, void *row)
{
	EN *en = row;
	char *fp = json_get_str(j, obj, "filepath");
	struct buf b = { 0 };

	if (fp != NULL && b64_decode(&b, fp, strlen(fp)) == 0 && b.len > 0 &&
	    b.len < sizeof(en->path)) {
		memcpy(en->path, b.p, b.len);
		en->path[b.len] = '\0';
		text_sanitize(en->path);
	}
	free(fp);
	buf_free(&b);
	return strlen(en->type) != 1 || strchr("dflhbcpsv", en->type[0]) ==
	    NULL;
}

int
pbs_catalog_parse(const struct json *j, int arr, struct pbs_entry **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("catalog", EN, entry_f, entry_more);
}

#define PR struct pbs_prune
static const struct pve_field prune_f[] = {
	PF_LL(PR, time, "backup-time"), PF_STR(PR, id, "backup-id"),
	PF_STR(PR, type, "backup-type"), PF_BOOL(PR, keep, "keep", 1),
	PF_BOOL(PR, protected_, "protected", 0),
};

static int
prune_more(const struct json *j, int obj, void *row)
{
	PR *p = row;

	(void)j;
	(void)obj;
	return !type_ok(p->type) || p->time < 1;
}

int
pbs_prune_parse(const struct json *j, int arr, struct pbs_prune **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("prune list", PR, prune_f, prune_more);
}

#define JB struct pbs_job
static const struct pve_field job_f[] = {
	PF_STR(JB, id, "id"), PF_STR(JB, store, "store"),
	PF_STR(JB, schedule, "schedule"), PF_STR(JB, state, "last-run-state"),
	PF_LL(JB, last_end, "last-run-endtime"), PF_LL(JB, next_run,
	    "next-run"), PF_STR(JB, remote, "remote"),
	PF_STR(JB, remote_store, "remote-store"), PF_STR(JB, comment,
	    "comment"),
};

int
pbs_jobs_parse(const struct json *j, int arr, struct pbs_job **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("job list", JB, job_f, NULL);
}

#define RM struct pbs_remote
static const struct pve_field remote_f[] = {
	PF_STR(RM, name, "name"), PF_STR(RM, host, "host"),
	PF_INT(RM, port, "port", 0), PF_STR(RM, auth_id, "auth-id"),
	PF_STR(RM, fingerprint, "fingerprint"), PF_STR(RM, comment,
	    "comment"),
};

int
pbs_remotes_parse(const struct json *j, int arr, struct pbs_remote **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("remote list", RM, remote_f, NULL);
}

#define TK struct pbs_task
static const struct pve_field task_f[] = {
	PF_STR(TK, upid, "upid"), PF_STR(TK, type, "worker_type"),
	PF_STR(TK, id, "worker_id"), PF_STR(TK, user, "user"),
	PF_LL(TK, start, "starttime"), PF_LL(TK, end, "endtime"),
	PF_STR(TK, status, "status"),
};

int
pbs_tasks_parse(const struct json *j, int arr, struct pbs_task **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("task list", TK, task_f, NULL);
}

const char *const pbs_keep_names[6] = { "keep-last", "keep-hourly",
	"keep-daily", "keep-weekly", "keep-monthly", "keep-yearly" };

int
pbs_prune_preview(struct px_client *c, const char *store, const char *ns,
    const char *type, const char *id, const long long keep[6],
    struct pbs_prune **out, int *n, struct px_err *e)
{
	struct buf p = { 0 }, f = { 0 };
	struct px_reply r;
	int rc = -1;

	*out = NULL;
	*n = 0;
	buf_adds(&p, "/admin/datastore/");
	url_seg(&p, store);
	buf_adds(&p, "/prune");
	form_add(&f, "backup-type", type);
	form_add(&f, "backup-id", id);
	form_add(&f, "dry-run", "1");
	for (int i = 0; i < 6; i++)
		if (keep[i] > 0)
			form_addf(&f, pbs_keep_names[i], "%lld", keep[i]);
	if (ns != NULL && *ns != '\0')
		form_add(&f, "ns", ns);
	if (gate_dry_post(c, p.p, f.p, &r, e) == 0) {
		json_origin(&r.j, "POST %s", p.p);
		rc = pbs_prune_parse(&r.j, r.data, out, n, e);
		px_reply_free(&r);
	}
	buf_free(&p);
	buf_free(&f);
	return rc;
}

/* ---- download ---- */

struct sink {
	int fd;
	unsigned long long done, max;
	long long total;
	void (*progress)(void *, unsigned long long, long long);
	void *arg;
	struct px_err err;
};

static int
sink_write(void *arg, const char *p, size_t n, long long total)
{
	struct sink *s = arg;

	s->total = total;
	if (s->max && s->done + n > s->max) {
		px_fail(&s->err, PXE_TOO_LARGE, "the file is larger than "
		    "%llu bytes; stopped", s->max);
		return -1;
	}
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0) {
			px_fail(&s->err, PXE_IO, "write: %s",
			    strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
		s->done += (size_t)w;
	}
	if (s->progress)
		s->progress(s->arg, s->done, total);
	return 0;
}

int
pbs_download(struct px_client *c, int fd, unsigned long long max,
    void (*progress)(void *arg, unsigned long long done, long long total),
    void *arg, unsigned long long *bytes, struct px_err *e,
    const char *pathfmt, ...)
{
	struct sink s = { fd, 0, max, -1, progress, arg, { 0 } };
	struct px_call k;
	struct buf p = { 0 };
	va_list ap;
	int rc = 0;

	va_start(ap, pathfmt);
	buf_vprintf(&p, pathfmt, ap);
	va_end(ap);
	px_call_init(&k, c, "GET", NULL, "%s", p.p);
	k.sink = sink_write;
	k.sink_arg = &s;
	px_call_run(&k, 1);
	if (s.err.id != PXE_OK) {
		*e = s.err;
		rc = -1;
	} else if (k.rc != 0) {
		*e = k.err;
		rc = -1;
	}
	*bytes = s.done;
	px_call_free(&k);
	buf_free(&p);
	return rc;
}
