/* pve_upgrade.c -- the pve8to9 checks made over the API
 * (pve_upgrade.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_guest.h"
#include "pve_node.h"
#include "pve_upgrade.h"

const struct out_col pve_upgrade_cols[] = {
	{ "check", OT_STR, 0 }, { "severity", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "subject", OT_STR, 0 },
	{ "message", OT_STR, 0 }, { "blocking", OT_BOOL, OC_EXTRA },
};
#define MIN_ROOT_FREE	(5ULL << 30)	/* pve8to9: 5 GB on / */

static int blocking;

static void
finding(struct out *o, const char *check, const char *sev, const char *node,
    const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
finding(struct out *o, const char *check, const char *sev, const char *node,
    const char *subject, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out_row(o);
	if (strcmp(sev, "fail") == 0) {
		out_row_error(o);
		blocking++;
	}
	out_str(o, 0, check);
	out_str(o, 1, sev);
	out_str(o, 2, node);
	out_str(o, 3, subject);
	out_str(o, 4, msg);
	out_bool(o, 5, strcmp(sev, "fail") == 0);
}

enum { F_CSTATUS, F_NODES, F_STORAGE, F_GROUPS, F_JOBS, F_GUESTS, F_N };
static const char *const paths[F_N] = {
	"/cluster/status", "/nodes", "/storage", "/cluster/ha/groups",
	"/cluster/backup", "/cluster/resources?type=vm",
};

struct uc {
	struct pve_cluster_member *cs;
	struct pve_node *nodes;
	struct pve_storage_cfg *st;
	struct pve_ha_group *groups;
	struct pve_backup_job *jobs;
	struct pve_guest *guests;
	int ncs, nnodes, nst, ngroups, njobs, nguests;
	int have_groups;
};

static int
gather(struct px_client *c, struct uc *u, struct px_err *err)
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
			if (i != F_GROUPS) {	/* gone once on PVE 9 */
				*err = e;
				for (int q = i; q < F_N; q++)
					px_call_free(&k[q]);
				return -1;
			}
			px_call_free(&k[i]);
			continue;
		}
		switch (i) {
		case F_CSTATUS:
			rc = pve_cluster_status_parse(&r.j, r.data, &u->cs,
			    &u->ncs, &e);
			break;
		case F_NODES:
			rc = pve_nodes_parse(&r.j, r.data, &u->nodes,
			    &u->nnodes, &e);
			break;
		case F_STORAGE:
			rc = pve_storage_cfg_parse(&r.j, r.data, &u->st,
			    &u->nst, &e);
			break;
		case F_GROUPS:
			rc = pve_ha_groups_parse(&r.j, r.data, &u->groups,
			    &u->ngroups, &e);
			u->have_groups = rc == 0;
			break;
		case F_JOBS:
			rc = pve_backup_jobs_parse(&r.j, r.data, &u->jobs,
			    &u->njobs, &e);
			break;
		case F_GUESTS:
			rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    &u->guests, &u->nguests, &e);
			break;
		}
		px_reply_free(&r);
		if (rc != 0) {
			*err = e;
			for (int q = i; q < F_N; q++)
				px_call_free(&k[q]);
			return -1;
		}
		px_call_free(&k[i]);
	}
	return 0;
}

static void
check_cluster(struct uc *u, struct out *o)
{
	for (int i = 0; i < u->ncs; i++)
		if (strcmp(u->cs[i].type, "cluster") == 0) {
			if (u->cs[i].quorate)
				finding(o, "cluster-quorum", "pass", NULL,
				    u->cs[i].name, "the cluster is quorate");
			else
				finding(o, "cluster-quorum", "fail", NULL,
				    u->cs[i].name, "the cluster is not "
				    "quorate: restore quorum first");
		}
	for (int i = 0; i < u->nnodes; i++)
		if (!u->nodes[i].online)
			finding(o, "nodes-online", "fail", u->nodes[i].name,
			    NULL, "the node is %s: every node must be online "
			    "and upgraded", u->nodes[i].status);
}

/* Per node: version, free space on /, apt repositories. */
static void
check_nodes(struct px_client *c, struct uc *u, struct out *o)
{
	struct px_call *ks = pve_node_fanout(c, u->nodes, u->nnodes,
	    "/status");
	struct px_call *ka = pve_node_fanout(c, u->nodes, u->nnodes,
	    "/apt/repositories");
	int first[3] = { -1, -1, -1 }, mixed = 0;

	for (int i = 0; i < u->nnodes; i++) {
		const char *name = u->nodes[i].name;
		struct pve_node_status s;
		struct pve_apt_repo *rp;
		struct px_reply r;
		struct px_err e;
		int v[3], nr;

		if (!u->nodes[i].online)
			goto next;
		if (pve_call_reply(&ks[i], &r, &e) != 0 ||
		    pve_node_status_parse(&r.j, r.data, &s, &e) != 0) {
			finding(o, "node-version", "warning", name, NULL,
			    "cannot read the node's status: %s", e.msg);
		} else if (pve_version_split(s.pveversion, v) != 0) {
			finding(o, "node-version", "warning", name, NULL,
			    "no pve-manager version in '%s'", s.pveversion);
		} else {
			if (first[0] < 0)
				memcpy(first, v, sizeof(first));
			mixed |= memcmp(first, v, sizeof(first)) != 0;
			if (v[0] >= 9)
				finding(o, "node-version", "info", name,
				    s.pveversion, "already on %d.%d", v[0],
				    v[1]);
			else if (v[0] == 8 && (v[1] > 4 || (v[1] == 4 &&
			    v[2] >= 1)))
				finding(o, "node-version", "pass", name,
				    s.pveversion, "8.4.1 or newer");
			else
				finding(o, "node-version", "fail", name,
				    s.pveversion, "upgrade to the latest 8.4 "
				    "(at least 8.4.1) first");
			if (s.root_avail && s.root_avail < MIN_ROOT_FREE) {
				char a[32];

				out_fmt_bytes(a, sizeof(a), s.root_avail);
				finding(o, "root-free-space", "fail", name, "/",
				    "only %s free on the root file system; "
				    "the upgrade needs at least 5 GiB", a);
			} else if (s.root_avail) {
				finding(o, "root-free-space", "pass", name, "/",
				    "at least 5 GiB free");
			}
		}
		px_reply_free(&r);
		if (pve_call_reply(&ka[i], &r, &e) != 0 ||
		    pve_apt_repos_parse(&r.j, r.data, &rp, &nr, &e) != 0) {
			finding(o, "apt-repositories", "warning", name, NULL,
			    "cannot read the repositories: %s", e.msg);
			px_reply_free(&r);
			goto next;
		}
		for (int q = 0; q < nr; q++) {
			if (!rp[q].enabled)
				continue;
			if (strstr(rp[q].suites, "bullseye") ||
			    strstr(rp[q].suites, "buster"))
				finding(o, "apt-repositories", "fail", name,
				    rp[q].path, "suite '%s' is older than "
				    "bookworm", rp[q].suites);
			else if (strstr(rp[q].suites, "bookworm"))
				finding(o, "apt-repositories", "notice", name,
				    rp[q].path, "%s %s: switch to trixie "
				    "during the upgrade", rp[q].uris,
				    rp[q].suites);
			if (strstr(rp[q].uris, "enterprise.proxmox.com") &&
			    u->nodes[i].level[0] == '\0')
				finding(o, "apt-repositories", "warning", name,
				    rp[q].path, "the enterprise repository is "
				    "enabled without a subscription");
		}
		free(rp);
		px_reply_free(&r);
next:
		px_call_free(&ks[i]);
		px_call_free(&ka[i]);
	}
	if (mixed)
		finding(o, "node-version", "warning", NULL, NULL, "the nodes "
		    "run different versions");
	free(ks);
	free(ka);
}

static void
check_config(struct px_client *c, struct uc *u, struct out *o)
{
	struct px_call *k;
	int bad = 0;

	if (u->have_groups && u->ngroups > 0)
		for (int i = 0; i < u->ngroups; i++)
			finding(o, "ha-groups", "notice", NULL,
			    u->groups[i].group, "HA groups become node-affinity "
			    "rules once every node runs PVE 9; review them "
			    "after the upgrade");
	for (int i = 0; i < u->nst; i++) {
		const struct pve_storage_cfg *s = &u->st[i];

		if (strcmp(s->type, "glusterfs") == 0)
			finding(o, "storage-glusterfs", "fail", NULL,
			    s->storage, "PVE 9 drops GlusterFS support: move "
			    "the guests' disks and remove the storage"), bad++;
		if (s->has_maxfiles)
			finding(o, "storage-maxfiles", "warning", NULL,
			    s->storage, "'maxfiles' is gone: use "
			    "prune-backups"), bad++;
		if (strcmp(s->type, "lvm") == 0 && s->shared)
			finding(o, "lvm-autoactivation", "warning", NULL,
			    s->storage, "shared LVM: disable autoactivation of "
			    "the guests' volumes (pve8to9 explains how)"),
			    bad++;
	}
	for (int i = 0; i < u->njobs; i++)
		if (u->jobs[i].has_maxfiles)
			finding(o, "backup-maxfiles", "warning", NULL,
			    u->jobs[i].id, "the backup job uses 'maxfiles': "
			    "use prune-backups"), bad++;
	if (bad == 0)
		finding(o, "storage-config", "pass", NULL, NULL, "no "
		    "deprecated storage or backup settings");

	/* guests: machine versions older than 6.0 are deprecated */
	k = px_xcalloc((size_t)u->nguests + 1, sizeof(*k));
	for (int i = 0; i < u->nguests; i++) {
		struct buf p = { 0 };
		int online = 0;

		for (int q = 0; q < u->nnodes; q++)
			online |= u->nodes[q].online &&
			    strcmp(u->nodes[q].name, u->guests[i].node) == 0;
		if (strcmp(u->guests[i].type, "qemu") != 0 || !online)
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, u->guests[i].node);
		buf_printf(&p, "/qemu/%d/config", u->guests[i].vmid);
		px_call_init(&k[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, u->nguests);
	bad = 0;
	for (int i = 0; i < u->nguests; i++) {
		struct pve_kv *kv;
		struct px_reply r;
		struct px_err e;
		const char *machine, *m;
		char id[16];
		int n, major;

		if (k[i].method == NULL)
			continue;
		snprintf(id, sizeof(id), "%d", u->guests[i].vmid);
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_kv_parse(&r.j, r.data, &kv, &n, &e) != 0) {
			finding(o, "guest-config", "warning",
			    u->guests[i].node, id, "cannot read the config: "
			    "%s", e.msg);
			px_reply_free(&r);
			px_call_free(&k[i]);
			continue;
		}
		if ((machine = pve_kv_get(kv, n, "machine")) != NULL) {
			m = machine;
			m += strncmp(m, "pc-i440fx-", 10) == 0 ? 10 :
			    strncmp(m, "pc-q35-", 7) == 0 ? 7 : 0;
			if (m != machine && sscanf(m, "%d.", &major) == 1 &&
			    major < 6)
				finding(o, "guest-machine", "warning",
				    u->guests[i].node, id, "machine '%s' is "
				    "deprecated: move to a newer version",
				    machine), bad++;
		}
		pve_kv_free(kv, n);
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
	if (bad == 0)
		finding(o, "guest-machine", "pass", NULL, NULL, "no QEMU guest "
		    "pins a deprecated machine version");
	free(k);
}

int
pve_upgrade_check(struct px_client *c, struct out *o, int *nblocking,
    struct px_err *e)
{
	struct uc u = { 0 };
	int rc = -1;

	blocking = 0;
	if (gather(c, &u, e) != 0)
		goto out;
	check_cluster(&u, o);
	check_nodes(c, &u, o);
	check_config(c, &u, o);
	*nblocking = blocking;
	rc = 0;
out:
	free(u.cs);
	free(u.nodes);
	free(u.st);
	free(u.groups);
	free(u.jobs);
	free(u.guests);
	return rc;
}
