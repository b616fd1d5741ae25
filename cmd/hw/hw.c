/*
 * hw -- the PCI and USB devices of the nodes, and passthrough conflicts:
 * a device given to more than one guest (hostpciN/usbN in the guests'
 * configs, directly or through a /cluster/mapping entry), or devices of
 * one IOMMU group given to different guests.
 *
 * Per-node lists are read from every node in one parallel round; the
 * conflict check reads the guests' configs and the PCI lists in one more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_node.h"

enum { O_NODE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_NODE, "node", "node", "only this node" },
	PX_OPT_END
};

PX_COMMAND(hw, "PCI and USB devices of the nodes; passthrough conflicts",
    opts, NULL, "pci | usb | conflicts");

static const struct out_col pci_cols[] = {
	{ "node", OT_STR, 0 }, { "id", OT_STR, 0 }, { "class", OT_STR, 0 },
	{ "vendor_name", OT_STR, 0 }, { "device_name", OT_STR, 0 },
	{ "iommugroup", OT_INT, 0 }, { "mdev", OT_BOOL, 0 },
	{ "vendor", OT_STR, OC_EXTRA }, { "device", OT_STR, OC_EXTRA },
	{ "error", OT_STR, OC_EXTRA },
};
static const struct out_col usb_cols[] = {
	{ "node", OT_STR, 0 }, { "busnum", OT_INT, 0 },
	{ "devnum", OT_INT, 0 }, { "vendid", OT_STR, 0 },
	{ "prodid", OT_STR, 0 }, { "manufacturer", OT_STR, 0 },
	{ "product", OT_STR, 0 }, { "speed", OT_STR, 0 },
	{ "port", OT_INT, OC_EXTRA }, { "usbpath", OT_STR, OC_EXTRA },
	{ "serial", OT_STR, OC_EXTRA }, { "class", OT_INT, OC_EXTRA },
	{ "error", OT_STR, OC_EXTRA },
};
static const struct out_col conf_cols[] = {
	{ "node", OT_STR, 0 }, { "kind", OT_STR, 0 },
	{ "conflict", OT_STR, 0 }, { "device", OT_STR, 0 },
	{ "iommugroup", OT_INT, 0 }, { "guests", OT_STR, 0 },
	{ "running", OT_INT, 0 }, { "entries", OT_STR, 0 },
};
#define NCOLS(a)	((int)(sizeof(a) / sizeof((a)[0])))
#define S(s)		((s)[0] ? (s) : NULL)

struct hw {
	struct px_client *c;
	struct out *o;
	const char *only;
	struct pve_node *nodes;
	int nnodes;
	int failed;
};

/* A row for a node that is offline or failed. */
static void
node_error(struct hw *h, int i, const struct px_err *e, int ncols)
{
	if (h->only)
		px_die(e);
	out_row(h->o);
	out_row_error(h->o);
	out_str(h->o, 0, h->nodes[i].name);
	out_str(h->o, ncols - 1, e->msg);
	if (h->nodes[i].online)	/* an offline node is no failure */
		px_warn("%s: %s", h->nodes[i].name, e->msg);
	h->failed += h->nodes[i].online;
}

static void
list_pci(struct hw *h)
{
	struct px_call *k = pve_node_fanout(h->c, h->nodes, h->nnodes,
	    "/hardware/pci");
	struct px_err e;

	for (int i = 0; i < h->nnodes; i++) {
		struct px_reply r;
		struct pve_pci *v;
		int n;

		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_pci_parse(&r.j, r.data, &v, &n, &e) != 0) {
			px_reply_free(&r);
			node_error(h, i, &e, NCOLS(pci_cols));
			continue;
		}
		for (int q = 0; q < n; q++) {
			out_row(h->o);
			out_str(h->o, 0, h->nodes[i].name);
			out_str(h->o, 1, v[q].id);
			out_str(h->o, 2, S(v[q].class));
			out_str(h->o, 3, S(v[q].vendor_name));
			out_str(h->o, 4, S(v[q].device_name));
			if (v[q].iommugroup >= 0)
				out_int(h->o, 5, v[q].iommugroup);
			out_bool(h->o, 6, v[q].mdev);
			out_str(h->o, 7, S(v[q].vendor));
			out_str(h->o, 8, S(v[q].device));
		}
		free(v);
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
	free(k);
}

static void
list_usb(struct hw *h)
{
	struct px_call *k = pve_node_fanout(h->c, h->nodes, h->nnodes,
	    "/hardware/usb");
	struct px_err e;

	for (int i = 0; i < h->nnodes; i++) {
		struct px_reply r;
		struct pve_usb *v;
		int n;

		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_usb_parse(&r.j, r.data, &v, &n, &e) != 0) {
			px_reply_free(&r);
			node_error(h, i, &e, NCOLS(usb_cols));
			continue;
		}
		for (int q = 0; q < n; q++) {
			out_row(h->o);
			out_str(h->o, 0, h->nodes[i].name);
			out_int(h->o, 1, v[q].busnum);
			out_int(h->o, 2, v[q].devnum);
			out_str(h->o, 3, S(v[q].vendid));
			out_str(h->o, 4, S(v[q].prodid));
			out_str(h->o, 5, S(v[q].manufacturer));
			out_str(h->o, 6, S(v[q].product));
			out_str(h->o, 7, S(v[q].speed));
			out_int(h->o, 8, v[q].port);
			out_str(h->o, 9, S(v[q].usbpath));
			out_str(h->o, 10, S(v[q].serial));
			out_int(h->o, 11, v[q].class);
		}
		free(v);
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
	free(k);
}

/* ---- conflicts ---- */

/* One device used by one guest. */
struct use {
	int vmid, running;
	const char *node;
	char key[16], kind[4];
	char dev[64];
	int group;		/* IOMMU group, -1 unknown */
	int done;
};

struct uses {
	struct use *u;
	int n, cap;
};

static void
use_add(struct uses *s, const struct pve_guest *g, const struct pve_passthru *p,
    const char *dev, int group)
{
	struct use *u;

	if (s->n == s->cap)
		s->u = px_xrealloc(s->u, (size_t)(s->cap = s->cap * 2 + 16) *
		    sizeof(*s->u));
	u = &s->u[s->n++];
	memset(u, 0, sizeof(*u));
	u->vmid = g->vmid;
	u->running = strcmp(g->status, "running") == 0;
	u->node = g->node;
	snprintf(u->key, sizeof(u->key), "%s", p->key);
	snprintf(u->kind, sizeof(u->kind), "%s", p->kind);
	snprintf(u->dev, sizeof(u->dev), "%s", dev);
	u->group = group;
}

/* The mapped device of mapping name on node, from the flattened maps. */
static const struct pve_hwmap *
map_find(const struct pve_hwmap *m, int n, const char *name, const char *node)
{
	for (int i = 0; i < n; i++)
		if (strcmp(m[i].id, name) == 0 && strcmp(m[i].node, node) == 0)
			return &m[i];
	return NULL;
}

/* GET path into a flattened mapping list; a cluster without mappings
 * (or a PVE before 8.0) gives none. */
static void
read_maps(struct px_call *k, struct pve_hwmap **m, int *n)
{
	struct px_reply r;
	struct px_err e;

	*m = NULL;
	*n = 0;
	if (pve_call_reply(k, &r, &e) != 0)
		return;
	if (pve_hwmap_parse(&r.j, r.data, m, n, &e) != 0)
		*m = NULL, *n = 0;
	px_reply_free(&r);
}

static void
emit(struct hw *h, struct uses *s, int i, const char *what, int same_dev)
{
	struct buf guests = { 0 }, entries = { 0 };
	struct use *a = &s->u[i];
	int running = 0, vms = 0;

	for (int j = i; j < s->n; j++) {
		struct use *b = &s->u[j];
		int match = strcmp(a->node, b->node) == 0 &&
		    strcmp(a->kind, b->kind) == 0 && (same_dev ?
		    (strcmp(a->kind, "pci") == 0 ? pve_pci_same(a->dev,
		    b->dev) : strcmp(a->dev, b->dev) == 0) :
		    a->group >= 0 && a->group == b->group);

		char id[16];

		if (!match || b->done)
			continue;
		b->done = 1;
		snprintf(id, sizeof(id), "%d", b->vmid);
		if (!pve_list_has(buf_str(&guests), id)) {
			buf_printf(&guests, "%s%s", guests.len ? "," : "", id);
			running += b->running;
			vms++;
		}
		buf_printf(&entries, "%s%d:%s", entries.len ? "," : "",
		    b->vmid, b->key);
	}
	if (vms > 1) {
		out_row(h->o);
		out_str(h->o, 0, a->node);
		out_str(h->o, 1, a->kind);
		out_str(h->o, 2, what);
		out_str(h->o, 3, same_dev ? a->dev : NULL);
		if (a->group >= 0)
			out_int(h->o, 4, a->group);
		out_str(h->o, 5, buf_str(&guests));
		out_int(h->o, 6, running);
		out_str(h->o, 7, buf_str(&entries));
	}
	buf_free(&guests);
	buf_free(&entries);
}

static void
conflicts(struct hw *h)
{
	struct pve_guest *g;
	struct pve_hwmap *mp, *mu;
	struct px_call pre[3] = { 0 }, *k;
	struct px_reply r;
	struct px_err e;
	struct pve_pci **pci;
	struct uses s = { 0 };
	int ng, nmp, nmu, *npci, nk;

	px_call_init(&pre[0], h->c, "GET", NULL, "/cluster/resources?type=vm");
	px_call_init(&pre[1], h->c, "GET", NULL, "/cluster/mapping/pci");
	px_call_init(&pre[2], h->c, "GET", NULL, "/cluster/mapping/usb");
	pve_calls_run(pre, 3);
	if (pve_call_reply(&pre[0], &r, &e) != 0 ||
	    pve_guests_parse(&r.j, r.data, NULL, NULL, &g, &ng, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	read_maps(&pre[1], &mp, &nmp);
	read_maps(&pre[2], &mu, &nmu);
	for (int i = 0; i < 3; i++)
		px_call_free(&pre[i]);

	/* one round: every QEMU guest's config and every node's PCI list */
	nk = ng + h->nnodes;
	k = px_xcalloc((size_t)nk + 1, sizeof(*k));
	for (int i = 0; i < ng; i++) {
		struct buf p = { 0 };

		if (strcmp(g[i].type, "qemu") != 0 || (h->only &&
		    strcmp(g[i].node, h->only) != 0))
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, g[i].node);
		buf_printf(&p, "/qemu/%d/config", g[i].vmid);
		px_call_init(&k[i], h->c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	for (int i = 0; i < h->nnodes; i++) {
		struct buf p = { 0 };

		if (!h->nodes[i].online)
			continue;
		buf_adds(&p, "/nodes/");
		url_seg(&p, h->nodes[i].name);
		buf_adds(&p, "/hardware/pci");
		px_call_init(&k[ng + i], h->c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, nk);
	pci = px_xcalloc((size_t)h->nnodes + 1, sizeof(*pci));
	npci = px_xcalloc((size_t)h->nnodes + 1, sizeof(*npci));
	for (int i = 0; i < h->nnodes; i++) {
		if (k[ng + i].method == NULL ||
		    pve_call_reply(&k[ng + i], &r, &e) != 0)
			continue;	/* groups unknown on this node */
		if (pve_pci_parse(&r.j, r.data, &pci[i], &npci[i], &e) != 0)
			pci[i] = NULL, npci[i] = 0;
		px_reply_free(&r);
	}
	for (int i = 0; i < ng; i++) {
		struct pve_passthru *p;
		int np, ni = -1;

		if (k[i].method == NULL)
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_passthru_parse(&r.j, r.data, &p, &np, &e) != 0) {
			px_warn("guest %d: %s", g[i].vmid, e.msg);
			px_reply_free(&r);
			h->failed++;
			continue;
		}
		for (int q = 0; q < h->nnodes; q++)
			if (strcmp(h->nodes[q].name, g[i].node) == 0)
				ni = q;
		for (int q = 0; q < np; q++) {
			int pcidev = strcmp(p[q].kind, "pci") == 0;
			const struct pve_hwmap *m = NULL;
			char host[256];

			if (p[q].mapping[0]) {
				m = map_find(pcidev ? mp : mu, pcidev ? nmp :
				    nmu, p[q].mapping, g[i].node);
				snprintf(host, sizeof(host), "%s", m == NULL ?
				    p[q].mapping : m->path[0] ? m->path :
				    m->devid);
			} else {
				snprintf(host, sizeof(host), "%s", p[q].host);
			}
			for (char *d = host; *d; ) {
				size_t len = strcspn(d, ";");
				char one[64];
				int group = m ? m->iommugroup : -1;

				snprintf(one, sizeof(one), "%.*s", (int)len, d);
				d += len;
				d += *d == ';';
				for (int z = 0; pcidev && ni >= 0 &&
				    group < 0 && z < npci[ni]; z++)
					if (pve_pci_same(pci[ni][z].id, one))
						group = pci[ni][z].iommugroup;
				use_add(&s, &g[i], &p[q], one, group);
			}
		}
		free(p);
		px_reply_free(&r);
	}
	for (int i = 0; i < s.n; i++)
		if (s.u[i].done == 0)
			emit(h, &s, i, "shared-device", 1);
	for (int i = 0; i < s.n; i++)
		s.u[i].done = 0;
	for (int i = 0; i < s.n; i++)
		if (s.u[i].done == 0 && strcmp(s.u[i].kind, "pci") == 0 &&
		    s.u[i].group >= 0)
			emit(h, &s, i, "shared-iommu-group", 0);
	for (int i = 0; i < nk; i++)
		px_call_free(&k[i]);
	for (int i = 0; i < h->nnodes; i++)
		free(pci[i]);
	free(pci);
	free(npci);
	free(k);
	free(s.u);
	free(g);
	free(mp);
	free(mu);
}

int
hw_main(int argc, char **argv)
{
	struct px_cli x;
	struct hw h = { 0 };
	struct px_err e = { 0 };
	const char *what;
	int ch, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_hw, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			h.only = g.arg;
			break;
		default:
			px_usage(&px_cmd_hw);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1)
		px_usage(&px_cmd_hw);
	what = argv[0];
	if (strcmp(what, "pci") && strcmp(what, "usb") &&
	    strcmp(what, "conflicts"))
		px_errx(PX_EXIT_USAGE, "unknown view '%s' (pci, usb, "
		    "conflicts)", what);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	h.c = x.client;
	/* conflicts needs every node's online state, even with --node */
	if (pve_nodes_or_one(h.c, strcmp(what, "conflicts") ? h.only : NULL,
	    &h.nodes, &h.nnodes, &e) != 0)
		px_die(&e);
	if (strcmp(what, "pci") == 0) {
		h.o = out_new(&x.out, pci_cols, NCOLS(pci_cols));
		list_pci(&h);
	} else if (strcmp(what, "usb") == 0) {
		h.o = out_new(&x.out, usb_cols, NCOLS(usb_cols));
		list_usb(&h);
	} else {
		h.o = out_new(&x.out, conf_cols, NCOLS(conf_cols));
		conflicts(&h);
	}
	if (cli_print(&x, h.o, &e) != 0)
		rc = px_report(&e);
	else if (h.failed)
		rc = PX_EXIT_USAGE;
	else if (strcmp(what, "conflicts") == 0 && out_nrows(h.o) > 0)
		rc = PX_EXIT_FAIL;
	out_free(h.o);
	free(h.nodes);
	cli_free(&x);
	return rc;
}
