/*
 * backupcheck (px backup-check) -- is every guest restorable?  For each
 * guest of the PVE cluster (of every PVE profile with -A): its newest
 * backup, on a PVE storage (vzdump) or on a Proxmox Backup Server of a
 * [pbs NAME] profile (the snapshot of type vm/ct with the guest's VMID,
 * in each datastore's root namespace), its verification state and its
 * age.  A guest is
 *
 *   ok          it has a backup newer than --max-age that verified ok
 *               (a vzdump archive on a PVE storage has no verification:
 *               "n/a", which counts as good)
 *   unverified  its fresh backups all failed or never ran verification
 *   stale       all its backups are older than --max-age
 *   missing     it has none
 *
 * Exit 1 when a guest is anything but ok.  Templates are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "enc.h"
#include "pbs.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_guest.h"

enum { O_MAX_AGE = PX_O_LONG, O_SOURCE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ 'A', "all-profiles", NULL, "every PVE profile, in parallel" },
	{ O_MAX_AGE, "max-age", "age", "a backup older than this is stale "
	    "(7d, 36h; default 7d)" },
	{ O_SOURCE, "source", "all | pve | pbs", "count the backups on PVE "
	    "storages, on PBS, or both (default)" },
	PX_OPT_END
};

PX_COMMAND(backupcheck, "every guest's newest backup, its verification "
    "and age", opts, NULL, NULL);
PX_ALIAS(backup_check, "backup-check", backupcheck, 0,
    "the same as px backupcheck");

static const struct out_col cols[] = {
	{ "profile", OT_STR, OC_EXTRA }, { "vmid", OT_INT, 0 },
	{ "name", OT_STR, 0 }, { "type", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "state", OT_STR, 0 }, { "newest", OT_TIME, 0 },
	{ "age", OT_DURATION, 0 }, { "verify", OT_STR, 0 },
	{ "where", OT_STR, 0 }, { "backup", OT_STR, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))

/* One backup of a guest. */
struct bk {
	int vmid;
	long long time;
	char verify[16];	/* ok, failed, none, n/a */
	char where[160];	/* "storage nas", "pbs sim:backup" */
	char id[256];		/* volid or snapshot */
};

struct bks {
	struct bk *v;
	int n, cap;
};

static void
bk_add(struct bks *l, const struct bk *b)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = px_xrealloc(l->v, (size_t)l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *b;
}

static long long
parse_age(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0 || v > 100000)
		return -1;
	switch (*end) {
	case 's': break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case '\0':
	case 'd': v *= 86400; break;
	case 'w': v *= 7 * 86400; break;
	default: return -1;
	}
	return *end && end[1] ? -1 : v;
}

/* The snapshots of every datastore of every PBS profile; a profile that
 * fails is reported and counted. */
static void
pbs_backups(struct px_cli *x, struct bks *l, int *failed)
{
	struct px_client_opts co = { .verbose = x->verbose };

	for (int i = 0; i < x->conf.nprofiles; i++) {
		const struct px_profile *p = &x->conf.profiles[i];
		struct px_client *c;
		struct px_reply r;
		struct pbs_store *st = NULL;
		struct px_err e = { 0 };
		int nst = 0;

		if (p->kind != PX_KIND_PBS)
			continue;
		if ((c = px_client_new(&x->conf, p, &co, &e)) == NULL ||
		    pve_get(c, &r, &e, "/admin/datastore") != 0) {
			px_warn("pbs %s: %s", p->name, e.msg);
			(*failed)++;
			px_client_free(c);
			continue;
		}
		if (pbs_stores_parse(&r.j, r.data, &st, &nst, &e) != 0) {
			px_warn("pbs %s: %s", p->name, e.msg);
			(*failed)++;
		}
		px_reply_free(&r);
		for (int s = 0; s < nst; s++) {
			struct pbs_snapshot *v;
			struct buf path = { 0 };
			int nv;

			buf_adds(&path, "/admin/datastore/");
			url_seg(&path, st[s].store);
			buf_adds(&path, "/snapshots");
			if (pve_get(c, &r, &e, "%s", path.p) != 0 ||
			    pbs_snapshots_parse(&r.j, r.data, &v, &nv,
			    &e) != 0) {
				px_warn("pbs %s: %s", p->name, e.msg);
				(*failed)++;
				buf_free(&path);
				continue;
			}
			for (int k = 0; k < nv; k++) {
				struct bk b = { 0 };
				struct pbs_snapref ref;

				if (strcmp(v[k].type, "host") == 0 ||
				    (b.vmid = pve_parse_vmid(v[k].id)) <= 0)
					continue;
				b.time = v[k].time;
				snprintf(b.verify, sizeof(b.verify), "%s",
				    v[k].verify);
				snprintf(b.where, sizeof(b.where), "pbs %s:%s",
				    p->name, st[s].store);
				snprintf(ref.type, sizeof(ref.type), "%s",
				    v[k].type);
				snprintf(ref.id, sizeof(ref.id), "%s", v[k].id);
				ref.time = v[k].time;
				pbs_snapref_format(&ref, b.id, sizeof(b.id));
				bk_add(l, &b);
			}
			free(v);
			px_reply_free(&r);
			buf_free(&path);
		}
		free(st);
		px_client_free(c);
	}
}

/* The vzdump backups on the storages of one PVE cluster. */
static void
pve_backups(struct px_client *c, const struct pve_storage *st, int nst,
    struct bks *l, int *failed)
{
	struct px_call *k = px_xcalloc((size_t)nst + 1, sizeof(*k));
	struct px_reply r;
	struct px_err e = { 0 };

	for (int i = 0; i < nst; i++) {
		struct buf p = { 0 };
		int dup = 0;

		if (!pve_list_has(st[i].content, "backup") ||
		    strcmp(st[i].status, "available") != 0)
			continue;
		for (int q = 0; q < i && st[i].shared; q++)
			dup |= k[q].method && strcmp(st[q].storage,
			    st[i].storage) == 0;
		if (dup)
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, st[i].node);
		buf_adds(&p, "/storage/");
		url_seg(&p, st[i].storage);
		buf_adds(&p, "/content?content=backup");
		px_call_init(&k[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, nst);
	for (int i = 0; i < nst; i++) {
		struct pve_volume *v;
		int nv;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_volumes_parse(&r.j, r.data, st[i].node, st[i].storage,
		    &v, &nv, &e) != 0) {
			px_warn("storage %s on %s: %s", st[i].storage,
			    st[i].node, e.msg);
			(*failed)++;
			px_call_free(&k[i]);
			continue;
		}
		for (int q = 0; q < nv; q++) {
			struct bk b = { 0 };

			if (v[q].vmid <= 0)
				continue;
			b.vmid = v[q].vmid;
			b.time = v[q].ctime;
			snprintf(b.verify, sizeof(b.verify), "%s",
			    v[q].verify[0] ? v[q].verify : "n/a");
			snprintf(b.where, sizeof(b.where), "storage %s",
			    st[i].storage);
			snprintf(b.id, sizeof(b.id), "%s", v[q].volid);
			bk_add(l, &b);
		}
		free(v);
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
	free(k);
}

static int
good_verify(const char *v)
{
	return strcmp(v, "ok") == 0 || strcmp(v, "n/a") == 0;
}

int
backupcheck_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_target *t;
	struct bks pbs = { 0 };
	struct out *o;
	long long max_age = 7 * 86400, now = (long long)time(NULL);
	const char *source = "all";
	int ch, all = 0, nt, rc = 0, failed = 0, bad = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_backupcheck, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case 'A':
			all = 1;
			break;
		case O_MAX_AGE:
			if ((max_age = parse_age(go.arg)) <= 0)
				px_errx(PX_EXIT_USAGE, "--max-age: '%s' is not "
				    "an age such as 7d, 36h", go.arg);
			break;
		case O_SOURCE:
			if (strcmp(go.arg, "all") && strcmp(go.arg, "pve") &&
			    strcmp(go.arg, "pbs"))
				px_errx(PX_EXIT_USAGE, "--source: all, pve or "
				    "pbs, not '%s'", go.arg);
			source = go.arg;
			break;
		default:
			px_usage(&px_cmd_backupcheck);
		}
	}
	if (go.ind != argc)
		px_usage(&px_cmd_backupcheck);
	if (cli_targets(&x, all, &t, &nt, &e) != 0)
		px_die(&e);
	if (strcmp(source, "pve") != 0)
		pbs_backups(&x, &pbs, &failed);
	o = out_new(&x.out, cols, NCOLS);
	for (int ti = 0; ti < nt; ti++) {
		struct pve_guest *g;
		struct pve_storage *st;
		struct px_call pre[2] = { 0 };
		struct px_reply r;
		struct bks l = { 0 };
		int ng, nst;

		if (t[ti].c == NULL) {
			px_warn("%s: %s", t[ti].p->name, t[ti].err.msg);
			failed++;
			continue;
		}
		px_call_init(&pre[0], t[ti].c, "GET", NULL,
		    "/cluster/resources?type=vm");
		px_call_init(&pre[1], t[ti].c, "GET", NULL,
		    "/cluster/resources?type=storage");
		pve_calls_run(pre, 2);
		if (pve_call_reply(&pre[0], &r, &e) != 0 ||
		    pve_guests_parse(&r.j, r.data, NULL, NULL, &g, &ng,
		    &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		if (pve_call_reply(&pre[1], &r, &e) != 0 ||
		    pve_storages_parse(&r.j, r.data, &st, &nst, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		px_call_free(&pre[0]);
		px_call_free(&pre[1]);
		if (strcmp(source, "pbs") != 0)
			pve_backups(t[ti].c, st, nst, &l, &failed);
		for (int k = 0; k < pbs.n; k++)
			bk_add(&l, &pbs.v[k]);
		for (int i = 0; i < ng; i++) {
			const struct bk *newest = NULL, *best = NULL;
			const char *state;
			int fresh = 0;

			if (g[i].template)
				continue;
			for (int k = 0; k < l.n; k++) {
				const struct bk *b = &l.v[k];

				if (b->vmid != g[i].vmid)
					continue;
				if (newest == NULL || b->time > newest->time)
					newest = b;
				if (now - b->time <= max_age) {
					fresh = 1;
					if (good_verify(b->verify) &&
					    (best == NULL ||
					    b->time > best->time))
						best = b;
				}
			}
			state = best ? "ok" : newest == NULL ? "missing" :
			    fresh ? "unverified" : "stale";
			if (best)
				newest = best;
			out_row(o);
			if (!best) {
				out_row_error(o);
				bad++;
			}
			out_str(o, 0, t[ti].p->name);
			out_int(o, 1, g[i].vmid);
			out_str(o, 2, g[i].name[0] ? g[i].name : NULL);
			out_str(o, 3, g[i].type);
			out_str(o, 4, g[i].node);
			out_str(o, 5, state);
			if (newest) {
				out_int(o, 6, newest->time);
				out_int(o, 7, now - newest->time);
				out_str(o, 8, newest->verify);
				out_str(o, 9, newest->where);
				out_str(o, 10, newest->id);
			}
		}
		free(l.v);
		free(g);
		free(st);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (bad > 0)
		rc = PX_EXIT_FAIL;
	else if (failed)
		rc = PX_EXIT_USAGE;
	out_free(o);
	free(pbs.v);
	cli_targets_free(t, nt);
	cli_free(&x);
	return rc;
}
