/*
 * pve_evacuate.c -- the plan of emptying a node (pve_evacuate.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "guest_op.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_evacuate.h"
#include "pve_guest.h"
#include "pve_migrate.h"

void
pve_evac_plan_free(struct pve_evac_plan *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static int
by_vmid(const void *a, const void *b)
{
	const struct pve_evac_item *x = a, *y = b;

	return (x->guest.vmid > y->guest.vmid) - (x->guest.vmid <
	    y->guest.vmid);
}

/* The HA resources (an empty list when HA is not set up). */
static int
ha_resources(struct px_client *c, struct pve_ha_resource **v, int *n,
    struct px_err *e)
{
	struct px_reply r;
	int rc;

	*v = NULL;
	*n = 0;
	if (pve_get(c, &r, e, "/cluster/ha/resources") != 0)
		return -1;
	rc = pve_ha_resources_parse(&r.j, r.data, v, n, e);
	px_reply_free(&r);
	return rc;
}

/* The guest's CPU affinity and mapped devices, from its config, into
 * note; a running guest with a mapped PCI device cannot move live:
 * 1 (the blocker in why). */
static int
config_notes(struct px_client *c, struct pve_evac_item *it)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf p = { 0 };
	struct pve_kv *kv;
	int n, blocked = 0;
	size_t off = 0;

	pve_guest_path(&p, it->guest.node, it->guest.type, it->guest.vmid);
	if (pve_get(c, &r, &e, "%s/config", p.p) != 0) {
		buf_free(&p);
		snprintf(it->note, sizeof(it->note), "config not read: %.200s",
		    e.msg);
		return 0;
	}
	buf_free(&p);
	if (pve_kv_parse(&r.j, r.data, &kv, &n, &e) != 0) {
		px_reply_free(&r);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		const char *k = kv[i].key, *v = kv[i].value ? kv[i].value : "";

		if (strcmp(k, "affinity") == 0 && off < sizeof(it->note))
			off += (size_t)snprintf(it->note + off,
			    sizeof(it->note) - off, "%sCPU affinity %.40s",
			    off ? "; " : "", v);
		else if ((strncmp(k, "hostpci", 7) == 0 ||
		    strncmp(k, "usb", 3) == 0) && strstr(v, "mapping=")) {
			if (off < sizeof(it->note))
				off += (size_t)snprintf(it->note + off,
				    sizeof(it->note) - off, "%smapped device "
				    "%s", off ? "; " : "", k);
			if (it->running && strncmp(k, "hostpci", 7) == 0 &&
			    !blocked) {
				snprintf(it->why, sizeof(it->why), "mapped PCI "
				    "device %s: a running guest cannot move "
				    "live with it", k);
				blocked = 1;
			}
		}
	}
	pve_kv_free(kv, n);
	px_reply_free(&r);
	text_sanitize(it->note);	/* config values: the server's text */
	text_sanitize(it->why);
	return blocked;
}

struct cand {
	char name[64];
	int64_t free;		/* bytes left after what the plan put there */
};

/* The allowed candidate with the most free memory for g, or NULL. */
static struct cand *
pick(struct px_client *c, const struct pve_guest *g, struct cand *cv,
    int nc)
{
	struct pve_migrate_info mi;
	struct px_err e = { 0 };
	struct cand *best = NULL;
	int have = pve_migrate_info_get(c, g, NULL, &mi, &e) == 0;

	for (int i = 0; i < nc; i++) {
		int ok = 1;

		if (have && mi.has_allowed) {
			ok = 0;
			for (int k = 0; k < mi.nallowed; k++)
				ok |= strcmp(mi.allowed[k], cv[i].name) == 0;
		}
		for (int k = 0; have && k < mi.nnot; k++)
			if (strcmp(mi.not_node[k], cv[i].name) == 0)
				ok = 0;
		if (ok && (best == NULL || cv[i].free > best->free))
			best = &cv[i];
	}
	return best;
}

int
pve_evac_plan(struct px_client *c, const char *node,
    const struct pve_evac_opts *o, struct pve_evac_plan *p,
    struct px_err *e)
{
	struct pve_node *nodes = NULL;
	struct pve_guest *all = NULL;
	struct pve_ha_resource *ha = NULL;
	struct cand *cv = NULL;
	int nn = 0, ng = 0, nha = 0, nc = 0, src = 0, rc = -1;
	int *order = NULL;

	memset(p, 0, sizeof(*p));
	snprintf(p->node, sizeof(p->node), "%s", node);
	if (pve_nodes(c, &nodes, &nn, e) != 0 ||
	    pve_guests(c, &all, &ng, e) != 0 ||
	    ha_resources(c, &ha, &nha, e) != 0)
		goto out;
	cv = calloc((size_t)nn + 1, sizeof(*cv));
	p->items = calloc((size_t)ng + 1, sizeof(*p->items));
	order = calloc((size_t)ng + 1, sizeof(*order));
	if (cv == NULL || p->items == NULL || order == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		goto out;
	}
	for (int i = 0; i < nn; i++) {
		if (strcmp(nodes[i].name, node) == 0) {
			src = 1;
			if (!nodes[i].online) {
				px_fail(e, PXE_FAILURE, "node %s is %s: its "
				    "guests cannot be migrated off it", node,
				    nodes[i].status[0] ? nodes[i].status :
				    "offline");
				px_hint(e, "HA recovers the HA-managed guests of "
				    "a failed node by itself");
				goto out;
			}
			continue;
		}
		if (!nodes[i].online)
			continue;
		if (o->target && strcmp(o->target, nodes[i].name) != 0)
			continue;
		snprintf(cv[nc].name, sizeof(cv[nc].name), "%s",
		    nodes[i].name);
		cv[nc].free = (int64_t)nodes[i].maxmem - (int64_t)nodes[i].mem;
		nc++;
	}
	if (!src) {
		px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster", node);
		px_hint(e, "px ls nodes lists them");
		goto out;
	}
	if (o->target && strcmp(o->target, node) == 0) {
		px_fail(e, PXE_USAGE, "--target %s is the node to empty",
		    node);
		goto out;
	}
	if (o->target && nc == 0) {
		px_fail(e, PXE_NOT_FOUND, "--target %s is no online node of "
		    "the cluster", o->target);
		goto out;
	}
	for (int i = 0; i < ng; i++) {
		struct pve_evac_item *it;

		if (strcmp(all[i].node, node) != 0)
			continue;
		it = &p->items[p->n++];
		it->guest = all[i];
		it->running = strcmp(all[i].status, "stopped") != 0;
		for (int k = 0; k < nha; k++)
			if (ha[k].vmid == all[i].vmid &&
			    strcmp(ha[k].state, "ignored") != 0) {
				it->ha = 1;
				snprintf(it->sid, sizeof(it->sid), "%s:%d",
				    strcmp(all[i].type, "lxc") == 0 ? "ct" :
				    "vm", all[i].vmid);
			}
		it->need = it->running ? all[i].maxmem : 0;
		p->nha += it->ha;
	}
	qsort(p->items, (size_t)p->n, sizeof(*p->items), by_vmid);
	/* the biggest first, each to the node with the most left */
	for (int i = 0; i < p->n; i++)
		order[i] = i;
	for (int i = 1; i < p->n; i++)
		for (int k = i; k > 0 && p->items[order[k]].need >
		    p->items[order[k - 1]].need; k--) {
			int t = order[k];

			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	for (int i = 0; i < p->n; i++) {
		struct pve_evac_item *it = &p->items[order[i]];
		struct cand *to = nc ? pick(c, &it->guest, cv, nc) : NULL;
		struct px_err ce = { 0 };
		int mapped;

		mapped = config_notes(c, it);
		if (it->guest.lock[0]) {
			it->blocked = 1;
			snprintf(it->why, sizeof(it->why), "locked (%s)",
			    it->guest.lock);
			if (to)
				snprintf(it->target, sizeof(it->target), "%s",
				    to->name);
			continue;
		}
		if (to == NULL) {
			it->blocked = 1;
			snprintf(it->why, sizeof(it->why), "%s", nc ? "PVE "
			    "allows no online node" : "no other online node");
			continue;
		}
		snprintf(it->target, sizeof(it->target), "%s", to->name);
		if (pve_migrate_check(c, &it->guest, it->target, it->ha ? 1 :
		    o->online, it->ha ? 0 : o->local_disks, NULL, &ce) != 0) {
			it->blocked = 1;
			snprintf(it->why, sizeof(it->why), "%.300s%s", ce.msg,
			    it->ha && strstr(ce.msg, "local disk") ? " (HA "
			    "moves no local disks)" : "");
		} else if (mapped) {
			it->blocked = 1;
		} else if (it->need > 0 && (int64_t)it->need > to->free) {
			snprintf(it->note + strlen(it->note), sizeof(it->note) -
			    strlen(it->note), "%s%s would be short of memory",
			    it->note[0] ? "; " : "", to->name);
		}
		if (!it->blocked)
			to->free -= (int64_t)it->need;
	}
	for (int i = 0; i < p->n; i++) {
		p->nblocked += p->items[i].blocked;
		text_sanitize(p->items[i].why);
	}
	rc = 0;
out:
	if (rc != 0)
		pve_evac_plan_free(p);
	free(nodes);
	free(all);
	free(ha);
	free(cv);
	free(order);
	return rc;
}

int
pve_evac_target(struct px_client *c, struct gate_target *t,
    const struct pve_evac_item *it, const struct pve_evac_opts *o,
    struct px_err *e)
{
	char name[192];

	if (!it->ha)
		return guest_op_migrate(c, t, &it->guest, it->target,
		    o->online, o->local_disks, NULL, e);
	gate_target_guest(t, &it->guest);
	pve_guest_label(&it->guest, name, sizeof(name));
	t->call.method = "POST";
	buf_adds(&t->call.path, "/cluster/ha/resources/");
	url_seg(&t->call.path, it->sid);
	buf_adds(&t->call.path, "/migrate");
	form_add(&t->call.form, "node", it->target);
	snprintf(t->summary, sizeof(t->summary), "HA-migrate %s from %s to "
	    "%s", name, it->guest.node, it->target);
	return 0;
}
