/*
 * pbs.c -- pxsim's Proxmox Backup Server API (the --pbs listener):
 * /version, /admin/datastore (list, groups, snapshots, files, gc,
 * status), /status/datastore-usage.  The snapshots are the PVE guests'
 * vzdump history: every backup volume of the model appears in the
 * datastore "backup" with the same vmid and time; "archive" keeps the
 * first backup of every third guest; the namespace "staging" of
 * "backup" holds the newest snapshot of every even guest.  What px
 * changes (forget, prune, protection, notes, verification, GC) lives in
 * an overlay over that history (pbs_ops.c), so it survives until pxsim
 * stops.  Errors are plain text with a JSON content type, as PBS sends
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "pbs.h"

static const char *const stores[] = { "backup", "archive", NULL };

void
snap_add(struct snaps *l, const struct snap *sn)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = px_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *sn;
}

static int
snap_cmp(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;
	int c = strcmp(x->type, y->type);

	if (c)
		return c;
	if (x->vmid != y->vmid)
		return x->vmid < y->vmid ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* The snapshots of store in namespace ns, sorted by type, id, time,
 * before the overlay. */
static void
snaps_base(struct sim *s, const char *store, struct snaps *l)
{
	size_t i;
	int archive = strcmp(store, "archive") == 0;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < s->nvolumes; i++) {
		const struct sim_volume *v = s->volumes[i];
		const struct sim_guest *g;
		struct snap sn;
		uint64_t h;

		if (v->content == NULL || strcmp(v->content, "backup") != 0 ||
		    v->vmid == 0)
			continue;
		g = sim_guest_find(s, v->vmid);
		h = sim_hash(s, (uint64_t)v->vmid, (uint64_t)v->ctime);
		if (archive && (v->vmid % 3 != 0 || h % 2))
			continue;
		memset(&sn, 0, sizeof(sn));
		sn.type = (g && g->type == SIM_LXC) ||
		    (v->format && strstr(v->format, "tar")) ? "ct" : "vm";
		sn.vmid = v->vmid;
		sn.time = v->ctime;
		sn.size = v->size;
		sn.protected_ = v->protected_;
		sn.comment = v->notes;
		sn.verify = h % 11 == 0 ? 2 : h % 4 == 0 ? 0 : 1;
		sn.corrupt = sn.verify == 2;
		snap_add(l, &sn);
	}
	/* No backup volumes in the model: a nightly history of the
	 * non-template guests, so the datastore is never empty. */
	if (l->n == 0) {
		time_t day = sim_now(s) / 86400 * 86400 + 2 * 3600;

		for (i = 0; i < s->nguests; i++) {
			const struct sim_guest *g = s->guests[i];
			int k;

			if (g->template_ || (archive && g->vmid % 3 != 0))
				continue;
			for (k = 1; k <= (archive ? 1 : 3); k++) {
				struct snap sn = { 0 };

				sn.type = g->type == SIM_LXC ? "ct" : "vm";
				sn.vmid = g->vmid;
				sn.time = day - k * 86400 + g->vmid % 60 * 60;
				sn.size = g->maxdisk / 3 + (uint64_t)k * 1048576;
				sn.verify = (g->vmid + k) % 11 == 0 ? 2 :
				    k == 1 ? 0 : 1;
				sn.corrupt = sn.verify == 2;
				snap_add(l, &sn);
			}
		}
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(l->v[0]), snap_cmp);
}

void
snaps_collect(struct sim *s, const char *store, const char *ns,
    struct snaps *l)
{
	size_t i, k = 0;

	snaps_base(s, store, l);
	if (ns != NULL && *ns != '\0') {
		/* staging: the newest snapshot of every even guest */
		for (i = 0; i < l->n; i++)
			if (l->v[i].vmid % 2 == 0 && (i + 1 == l->n ||
			    l->v[i + 1].vmid != l->v[i].vmid ||
			    strcmp(l->v[i + 1].type, l->v[i].type)))
				l->v[k++] = l->v[i];
		l->n = k;
	}
	pbs_overlay_apply(store, ns, l);
}

void
pbs_error(struct sim_resp *rs, int status, const char *fmt, ...)
{
	va_list ap;

	rs->status = status;
	snprintf(rs->reason, sizeof(rs->reason), "%s", status == 404 ?
	    "Not Found" : status == 403 ? "Forbidden" : "Bad Request");
	buf_reset(&rs->body);
	va_start(ap, fmt);
	buf_vprintf(&rs->body, fmt, ap);
	va_end(ap);
	rs->ctype = NULL;	/* application/json, like PBS */
}

int
store_check(const struct sim_match *m, struct sim_resp *rs)
{
	const char *st = sim_var(m, "store");
	size_t i;

	for (i = 0; stores[i]; i++)
		if (st && strcmp(st, stores[i]) == 0)
			return 0;
	pbs_error(rs, 400, "datastore '%s' does not exist",
	    st ? st : "");
	return -1;
}

int
ns_check(const struct sim_match *m, const struct sim_req *rq,
    struct sim_resp *rs, const char **ns)
{
	*ns = sim_param(rq, "ns");
	if (*ns == NULL || **ns == '\0' || (strcmp(*ns, "staging") == 0 &&
	    strcmp(sim_var(m, "store"), "backup") == 0))
		return 0;
	pbs_error(rs, 400, "namespace '%s' does not exist", *ns);
	return -1;
}

void
snap_files(struct jw *w, const struct snap *sn, int detail)
{
	static const char *vmf[] = { "qemu-server.conf.blob",
	    "drive-scsi0.img.fidx", "index.json.blob", "client.log.blob" };
	static const char *ctf[] = { "pct.conf.blob", "root.pxar.didx",
	    "catalog.pcat1.didx", "index.json.blob", "client.log.blob" };
	const char *const *f = strcmp(sn->type, "vm") ? ctf : vmf;
	size_t n = strcmp(sn->type, "vm") ? 5 : 4, i;

	jw_arr(w);
	for (i = 0; i < n; i++) {
		uint64_t size = strstr(f[i], "idx") ? sn->size :
		    (uint64_t)(400 + i * 97);

		if (!detail) {
			jw_str(w, f[i]);
			continue;
		}
		jw_obj(w);
		jw_kstr(w, "filename", f[i]);
		jw_kuint(w, "size", size);
		jw_kstr(w, "crypt-mode", "none");
		jw_end(w);
	}
	jw_end(w);
}

static void
pbs_version(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "version", "4.0");
	jw_kstr(&w, "release", "18");
	jw_kstr(&w, "repoid", "a6d5d4f3e2c1b0a9");
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
datastore_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; stores[i]; i++) {
		jw_obj(&w);
		jw_kstr(&w, "store", stores[i]);
		jw_kstr(&w, "comment", i ? "long-term archive" :
		    "nightly PVE backups");
		jw_kstr(&w, "backend-type", "filesystem");
		jw_kstr(&w, "mount-status", "nonremovable");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static uint64_t
store_used(struct sim *s, const char *store)
{
	struct snaps l;
	uint64_t used = 0;
	size_t i;

	snaps_collect(s, store, NULL, &l);
	for (i = 0; i < l.n; i++)
		used += l.v[i].size / 3;	/* deduplication */
	free(l.v);
	return used + 50ULL * 1024 * 1024 * 1024;
}

#define STORE_TOTAL (8ULL * 1024 * 1024 * 1024 * 1024)

static void
gc_fields(struct sim *s, struct jw *w, const char *store, int full)
{
	uint64_t used = store_used(s, store);
	time_t now = sim_now(s);
	time_t last = now / 86400 * 86400 - 86400 + 4 * 3600, end;
	const char *ov_upid, *state = "ok";
	char upid[160];

	snprintf(upid, sizeof(upid), "UPID:pbs:%08X:%08X:%08X:%08llX:"
	    "garbage_collection:%s:root@pam:", 0x2f1u, 0x1d2au, 0x1u,
	    (unsigned long long)last, store);
	end = last + 142;
	if (pbs_gc_last(store, &ov_upid, &end, &state)) {
		snprintf(upid, sizeof(upid), "%s", ov_upid);
		last = end;
	}
	jw_kstr(w, "upid", upid);
	jw_kuint(w, "index-file-count", 120);
	jw_kuint(w, "index-data-bytes", used * 3);
	jw_kuint(w, "disk-bytes", used);
	jw_kuint(w, "disk-chunks", used / (4 * 1024 * 1024));
	jw_kuint(w, "removed-bytes", 1073741824ULL);
	jw_kuint(w, "removed-chunks", 256);
	jw_kuint(w, "pending-bytes", 0);
	jw_kuint(w, "pending-chunks", 0);
	jw_kuint(w, "removed-bad", 0);
	jw_kuint(w, "still-bad", 0);
	if (full) {
		jw_kstr(w, "store", store);
		jw_kstr(w, "schedule", "daily");
		jw_kstr(w, "last-run-state", state);
		jw_kint(w, "last-run-endtime", (long long)end);
		jw_kint(w, "duration", 142);
		jw_kint(w, "next-run", (long long)last + 86400);
	}
}

static void
datastore_usage(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	int k;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; stores[i]; i++) {
		uint64_t used = store_used(s, stores[i]);
		time_t now = sim_now(s);

		jw_obj(&w);
		jw_kstr(&w, "store", stores[i]);
		jw_kuint(&w, "total", STORE_TOTAL);
		jw_kuint(&w, "used", used);
		jw_kuint(&w, "avail", STORE_TOTAL - used);
		jw_kstr(&w, "backend-type", "filesystem");
		jw_kstr(&w, "mount-status", "nonremovable");
		jw_kint(&w, "history-start", (long long)(now - 30 * 86400));
		jw_kint(&w, "history-delta", 86400);
		jw_key(&w, "history");
		jw_arr(&w);
		for (k = 30; k > 0; k--)
			jw_num(&w, (double)used / (double)STORE_TOTAL *
			    (1.0 - k * 0.005));
		jw_end(&w);
		jw_kint(&w, "estimated-full-date", (long long)now +
		    400 * 86400);
		jw_key(&w, "gc-status");
		jw_obj(&w);
		gc_fields(s, &w, stores[i], 0);
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
store_groups(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct snaps l;
	struct jw w;
	size_t i, j;

	const char *ns;

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1)
		return;
	snaps_collect(s, sim_var(m, "store"), ns, &l);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < l.n; i = j) {
		char id[16];

		for (j = i; j < l.n && l.v[j].vmid == l.v[i].vmid &&
		    !strcmp(l.v[j].type, l.v[i].type); j++)
			;
		snprintf(id, sizeof(id), "%d", l.v[i].vmid);
		jw_obj(&w);
		jw_kstr(&w, "backup-type", l.v[i].type);
		jw_kstr(&w, "backup-id", id);
		jw_kint(&w, "last-backup", (long long)l.v[j - 1].time);
		jw_kint(&w, "backup-count", (long long)(j - i));
		jw_kstr(&w, "owner", "root@pam");
		jw_key(&w, "files");
		snap_files(&w, &l.v[j - 1], 0);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(l.v);
}

static void
store_snapshots(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *btype = sim_param(rq, "backup-type");
	const char *bid = sim_param(rq, "backup-id");
	struct snaps l;
	struct jw w;
	size_t i;
	const char *ns;

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1)
		return;
	if (btype && strcmp(btype, "vm") && strcmp(btype, "ct") &&
	    strcmp(btype, "host")) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter 'backup-type': value '%s' is not defined in "
		    "the enumeration.", btype);
		return;
	}
	snaps_collect(s, sim_var(m, "store"), ns, &l);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < l.n; i++) {
		const struct snap *sn = &l.v[i];
		char id[16];

		snprintf(id, sizeof(id), "%d", sn->vmid);
		if ((btype && strcmp(btype, sn->type)) ||
		    (bid && strcmp(bid, id)))
			continue;
		jw_obj(&w);
		jw_kstr(&w, "backup-type", sn->type);
		jw_kstr(&w, "backup-id", id);
		if (i == 0 && strcmp(pbs_hostile, "type") == 0)
			jw_kstr(&w, "backup-time", "yesterday");
		else
			jw_kint(&w, "backup-time", (long long)sn->time);
		jw_key(&w, "files");
		snap_files(&w, sn, 0);
		if (i == 0 && strcmp(pbs_hostile, "size") == 0)
			jw_knum(&w, "size", 1e300);
		else
			jw_kuint(&w, "size", sn->size);
		jw_kstr(&w, "owner", "root@pam");
		jw_kbool(&w, "protected", sn->protected_);
		if (sn->comment != NULL && *sn->comment)
			pbs_comment(&w, sn->comment);
		if (sn->verify) {
			char upid[160];

			snprintf(upid, sizeof(upid), "UPID:pbs:%08X:%08X:"
			    "%08llX:verificationjob:%s\\x3av\\x2d%s:root@pam:",
			    0x3a1u, 0x2b3cu,
			    (unsigned long long)(sn->time + 3600),
			    sim_var(m, "store"), "daily");
			jw_key(&w, "verification");
			jw_obj(&w);
			jw_kstr(&w, "state", sn->verify == 1 ? "ok" :
			    "failed");
			jw_kstr(&w, "upid", upid);
			jw_end(&w);
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(l.v);
}

static void
store_files(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *btype = sim_param(rq, "backup-type");
	const char *bid = sim_param(rq, "backup-id");
	const char *btime = sim_param(rq, "backup-time");
	struct snaps l;
	struct jw w;
	size_t i;
	const char *ns;

	if (store_check(m, rs) == -1 || ns_check(m, rq, rs, &ns) == -1)
		return;
	if (btype == NULL || bid == NULL || btime == NULL) {
		pbs_error(rs, 400, "parameter verification errors\n\n"
		    "parameter '%s': parameter is missing and it is not "
		    "optional.", btype == NULL ? "backup-type" : bid == NULL ?
		    "backup-id" : "backup-time");
		return;
	}
	snaps_collect(s, sim_var(m, "store"), ns, &l);
	for (i = 0; i < l.n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", l.v[i].vmid);
		if (!strcmp(btype, l.v[i].type) && !strcmp(bid, id) &&
		    (long long)l.v[i].time == atoll(btime))
			break;
	}
	if (i == l.n) {
		pbs_error(rs, 400, "no such snapshot %s/%s/%s", btype, bid,
		    btime);
		free(l.v);
		return;
	}
	sim_ok_begin(rs, &w);
	snap_files(&w, &l.v[i], 1);
	sim_ok_end(rs, &w);
	free(l.v);
}

static void
store_gc(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	if (store_check(m, rs) == -1)
		return;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	gc_fields(s, &w, sim_var(m, "store"), 1);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
store_status(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *store = sim_var(m, "store");
	struct snaps l;
	struct jw w;
	uint64_t used;
	size_t i, groups[2] = { 0, 0 }, snaps[2] = { 0, 0 };

	if (store_check(m, rs) == -1)
		return;
	used = store_used(s, store);
	snaps_collect(s, store, NULL, &l);
	for (i = 0; i < l.n; i++) {
		int ct = strcmp(l.v[i].type, "ct") == 0;

		snaps[ct]++;
		if (i == 0 || l.v[i].vmid != l.v[i - 1].vmid ||
		    strcmp(l.v[i].type, l.v[i - 1].type))
			groups[ct]++;
	}
	free(l.v);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kuint(&w, "total", STORE_TOTAL);
	jw_kuint(&w, "used", used);
	jw_kuint(&w, "avail", STORE_TOTAL - used);
	jw_kstr(&w, "backend-type", "filesystem");
	if (sim_param_bool(rq, "verbose", 0)) {
		jw_key(&w, "counts");
		jw_obj(&w);
		jw_key(&w, "vm");
		jw_obj(&w);
		jw_kuint(&w, "groups", groups[0]);
		jw_kuint(&w, "snapshots", snaps[0]);
		jw_end(&w);
		jw_key(&w, "ct");
		jw_obj(&w);
		jw_kuint(&w, "groups", groups[1]);
		jw_kuint(&w, "snapshots", snaps[1]);
		jw_end(&w);
		jw_end(&w);
		jw_key(&w, "gc-status");
		jw_obj(&w);
		gc_fields(s, &w, store, 0);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

#define DSA "/datastore/{store}", "Datastore.Audit|Datastore.Backup"

const struct sim_route sim_routes_pbs[] = {
	{ "GET", "/version", pbs_version, NULL, NULL, 0 },
	{ "GET", "/admin/datastore", datastore_list, NULL, NULL, 0 },
	{ "GET", "/status/datastore-usage", datastore_usage, NULL, NULL, 0 },
	{ "GET", "/admin/datastore/{store}/groups", store_groups, DSA, 0 },
	{ "GET", "/admin/datastore/{store}/snapshots", store_snapshots, DSA,
	    0 },
	{ "GET", "/admin/datastore/{store}/files", store_files, DSA, 0 },
	{ "GET", "/admin/datastore/{store}/gc", store_gc, DSA, 0 },
	{ "GET", "/admin/datastore/{store}/status", store_status, DSA, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
