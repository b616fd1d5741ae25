/*
 * backupinfo (px backup-info) -- guests that are not protected by
 * backups: those no backup job covers (/cluster/backup-info/not-backed-up)
 * and those whose newest vzdump backup, on any storage that holds
 * backups, is older than --max-age or missing.  Exit 1 when any.
 *
 * The storages' contents are read in one parallel round; a shared
 * storage is read once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_fanout.h"

enum { O_MAX_AGE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_MAX_AGE, "max-age", "age",
	    "a newest backup older than this is stale (7d, 36h)" },
	PX_OPT_END
};

PX_COMMAND(backupinfo, "guests with no backup job or no recent backup",
    opts, NULL, NULL);
PX_ALIAS(backup_info, "backup-info", backupinfo, 0, "the same as px backupinfo");

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "problem", OT_STR, 0 },
	{ "last_backup", OT_TIME, 0 }, { "age", OT_DURATION, 0 },
	{ "storage", OT_STR, 0 }, { "volid", OT_STR, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))

/* "7d", "12h", "30m", "90s", "2w"; a bare number is days.  -1 if bad. */
static long long
parse_age(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v < 0 || v > 100000)
		return -1;
	switch (*end) {
	case 's': v *= 1; break;
	case 'm': v *= 60; break;
	case 'h': v *= 3600; break;
	case '\0':
	case 'd': v *= 86400; break;
	case 'w': v *= 7 * 86400; break;
	default: return -1;
	}
	return *end && end[1] ? -1 : v;
}

/* The newest backup of each guest. */
struct newest {
	int vmid;
	long long ctime;
	char storage[64];
	char volid[256];
};

int
backupinfo_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_call pre[3] = { 0 }, *k;
	struct px_reply r;
	struct pve_unprotected *un;
	struct pve_guest *g;
	struct pve_storage *st;
	struct newest *nw;
	struct out *o;
	long long max_age = 7 * 86400, now = (long long)time(NULL);
	int ch, nun, ng, nst, m = 0, nnw = 0, rc = 0, failed = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_backupinfo, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_MAX_AGE:
			if ((max_age = parse_age(go.arg)) <= 0)
				px_errx(PX_EXIT_USAGE, "--max-age: '%s' is not "
				    "an age such as 7d, 36h", go.arg);
			break;
		default:
			px_usage(&px_cmd_backupinfo);
		}
	}
	if (go.ind != argc)
		px_usage(&px_cmd_backupinfo);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	px_call_init(&pre[0], x.client, "GET", NULL,
	    "/cluster/backup-info/not-backed-up");
	px_call_init(&pre[1], x.client, "GET", NULL,
	    "/cluster/resources?type=vm");
	px_call_init(&pre[2], x.client, "GET", NULL,
	    "/cluster/resources?type=storage");
	pve_calls_run(pre, 3);
	if (pve_call_reply(&pre[0], &r, &e) != 0 ||
	    pve_unprotected_parse(&r.j, r.data, &un, &nun, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	if (pve_call_reply(&pre[1], &r, &e) != 0 ||
	    pve_guests_parse(&r.j, r.data, NULL, NULL, &g, &ng, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	if (pve_call_reply(&pre[2], &r, &e) != 0 ||
	    pve_storages_parse(&r.j, r.data, &st, &nst, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	for (int i = 0; i < 3; i++)
		px_call_free(&pre[i]);

	/* every storage holding backups, a shared one once */
	k = px_xcalloc((size_t)nst + 1, sizeof(*k));
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
		px_call_init(&k[i], x.client, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
		m++;
	}
	pve_calls_run(k, nst);
	nw = px_xcalloc((size_t)ng + 1, sizeof(*nw));
	for (int i = 0; i < nst; i++) {
		struct pve_volume *v;
		int nv;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_volumes_parse(&r.j, r.data, st[i].node, st[i].storage,
		    &v, &nv, &e) != 0) {
			px_reply_free(&r);
			px_warn("storage %s on %s: %s", st[i].storage,
			    st[i].node, e.msg);
			failed++;
			continue;
		}
		for (int q = 0; q < nv; q++) {
			int z;

			if (v[q].vmid <= 0)
				continue;
			for (z = 0; z < nnw && nw[z].vmid != v[q].vmid; z++)
				;
			if (z == nnw) {
				if (nnw == ng)
					continue;	/* no such guest */
				nnw++;
			}
			if (v[q].ctime >= nw[z].ctime) {
				nw[z].vmid = v[q].vmid;
				nw[z].ctime = v[q].ctime;
				snprintf(nw[z].storage, sizeof(nw[z].storage),
				    "%s", st[i].storage);
				snprintf(nw[z].volid, sizeof(nw[z].volid),
				    "%s", v[q].volid);
			}
		}
		free(v);
		px_reply_free(&r);
	}

	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < ng; i++) {
		const struct newest *b = NULL;
		const char *problem = NULL;
		int nojob = 0;

		for (int q = 0; q < nun; q++)
			nojob |= un[q].vmid == g[i].vmid;
		for (int z = 0; z < nnw; z++)
			if (nw[z].vmid == g[i].vmid)
				b = &nw[z];
		if (nojob)
			problem = "no-job";
		else if (g[i].template)
			continue;
		else if (b == NULL)
			problem = "no-backup";
		else if (now - b->ctime > max_age)
			problem = "stale";
		if (problem == NULL)
			continue;
		out_row(o);
		out_int(o, 0, g[i].vmid);
		out_str(o, 1, g[i].name[0] ? g[i].name : NULL);
		out_str(o, 2, g[i].type);
		out_str(o, 3, g[i].node);
		out_str(o, 4, problem);
		if (b) {
			out_int(o, 5, b->ctime);
			out_int(o, 6, now - b->ctime);
			out_str(o, 7, b->storage);
			out_str(o, 8, b->volid);
		}
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (out_nrows(o) > 0)
		rc = PX_EXIT_FAIL;
	else if (failed)
		rc = PX_EXIT_USAGE;
	for (int i = 0; i < nst; i++)
		px_call_free(&k[i]);
	free(k);
	free(nw);
	free(un);
	free(g);
	free(st);
	out_free(o);
	cli_free(&x);
	return rc;
}
