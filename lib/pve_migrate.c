/*
 * pve_migrate.c -- PVE's own preconditions of a migration, checked
 * before anything is sent.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "pve_migrate.h"
#include "pve_check.h"
#include "pve_guest.h"
#include "pve_task.h"

/* ---- migration preconditions ---- */

int
pve_migrate_info_get(struct px_client *c, const struct pve_guest *g,
    const char *target, struct pve_migrate_info *m, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	pve_guest_path(&p, g->node, g->type, g->vmid);
	buf_adds(&p, "/migrate");
	if (target) {
		buf_adds(&p, "?target=");
		url_seg(&p, target);
	}
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pve_migrate_parse(&r.j, r.data, m, e);
	px_reply_free(&r);
	return rc;
}
/* Is target a node of the cluster?  And a running guest is moved only
 * with online.  0, or -1 with e. */
static int
migrate_node_known(struct px_client *c, const struct pve_guest *g,
    const char *target, int online, int is_running, int *running,
    struct px_err *e)
{
	struct pve_node *nodes;
	char name[192];
	int nn, found = 0;

	pve_guest_label(g, name, sizeof(name));
	if (running)
		*running = is_running;
	if (pve_nodes(c, &nodes, &nn, e) != 0)
		return -1;
	for (int i = 0; i < nn && !found; i++)
		found = strcmp(nodes[i].name, target) == 0;
	free(nodes);
	if (!found) {
		px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster", target);
		px_hint(e, "px ls nodes lists them");
		return -1;
	}
	if (is_running && !online) {
		px_fail(e, PXE_FAILURE, "%s is running: refused without "
		    "--online", name);
		return -1;
	}
	return 0;
}

int
pve_migrate_check(struct px_client *c, const struct pve_guest *g,
    const char *target, int online, int local_disks, int *running,
    struct px_err *e)
{
	struct pve_migrate_info mi;
	struct pve_node *nodes;
	int lxc = strcmp(g->type, "lxc") == 0, nn, found = 0;
	char name[192];

	pve_guest_label(g, name, sizeof(name));
	if (strcmp(g->node, target) == 0) {
		px_fail(e, PXE_FAILURE, "%s is already on %s", name, g->node);
		return -1;
	}
	if (pve_migrate_info_get(c, g, target, &mi, e) != 0) {
		/* GET .../lxc/{vmid}/migrate exists from PVE 9 on: without
		 * it, PVE decides on the POST itself */
		if (!lxc || !(e->http == 404 || e->http == 501))
			return -1;
		memset(&mi, 0, sizeof(mi));
		mi.running = strcmp(g->status, "running") == 0;
		return migrate_node_known(c, g, target, online, mi.running,
		    running, e);
	}
	if (mi.running == 0 && strcmp(g->status, "running") == 0)
		mi.running = 1;	/* the freshest of the two wins: running */
	if (running)
		*running = mi.running;
	for (int i = 0; i < mi.nallowed && !found; i++)
		found = strcmp(mi.allowed[i], target) == 0;
	/* No allowed_nodes (PVE before qemu-server 8.3.9 for a running
	 * VM): refuse only what PVE names, or no node at all. */
	if (!found && !mi.has_allowed) {
		for (int i = 0; i < mi.nnot; i++)
			if (strcmp(mi.not_node[i], target) == 0) {
				px_fail(e, PXE_FAILURE, "%s cannot move to %s: "
				    "%s", name, target, mi.not_why[i]);
				return -1;
			}
		if (migrate_node_known(c, g, target, 1, 0, NULL, e) != 0)
			return -1;
		found = 1;
	}
	if (!found) {
		for (int i = 0; i < mi.nnot; i++)
			if (strcmp(mi.not_node[i], target) == 0) {
				px_fail(e, PXE_FAILURE, "%s cannot move to %s: "
				    "%s", name, target, mi.not_why[i]);
				return -1;
			}
		if (pve_nodes(c, &nodes, &nn, e) != 0)
			return -1;
		for (int i = 0; i < nn && !found; i++)
			found = strcmp(nodes[i].name, target) == 0;
		free(nodes);
		if (!found) {
			px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster",
			    target);
			px_hint(e, "px ls nodes lists them");
			return -1;
		}
		px_fail(e, PXE_FAILURE, "%s cannot move to %s: PVE does not "
		    "allow it (offline?); allowed: %s%s%s%s", name, target,
		    mi.nallowed ? mi.allowed[0] : "none",
		    mi.nallowed > 1 ? ", " : "", mi.nallowed > 1 ?
		    mi.allowed[1] : "", mi.nallowed > 2 ? ", ..." : "");
		return -1;
	}
	if (mi.resources[0]) {
		px_fail(e, PXE_FAILURE, "%s uses local resources (%s): it "
		    "cannot be migrated", name, mi.resources);
		return -1;
	}
	if (mi.ncdroms > 0) {
		px_fail(e, PXE_FAILURE, "%s has a local CD-ROM image (%s)",
		    name, mi.cdrom[0]);
		px_hint(e, "eject it first (px set %d ide2=none,media=cdrom)",
		    g->vmid);
		return -1;
	}
	if (mi.ndisks > 0 && !local_disks) {
		char size[32];

		out_fmt_bytes(size, sizeof(size), mi.disk_size[0]);
		px_fail(e, PXE_FAILURE, "%s has %d local disk%s (%s, %s%s): "
		    "refused without --with-local-disks", name, mi.ndisks,
		    mi.ndisks == 1 ? "" : "s", mi.disk[0], size,
		    mi.ndisks > 1 ? ", ..." : "");
		px_hint(e, "--with-local-disks copies them to %s (pick the "
		    "storage there with --targetstorage)", target);
		return -1;
	}
	if (mi.running && !online) {
		px_fail(e, PXE_FAILURE, "%s is running: refused without "
		    "--online", name);
		px_hint(e, lxc ? "--online moves it with a restart migration "
		    "(stopped here, started on %s), or stop it first" :
		    "--online migrates it live to %s, or stop it first",
		    target);
		return -1;
	}
	return 0;
}
