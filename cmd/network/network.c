/*
 * network -- the network interfaces of one node or, without --node, of
 * every node at once (one parallel round after GET /nodes).
 *
 * A node that is offline, or whose answer fails, gives one row with its
 * name and the reason in "error"; the other nodes still print.  Offline
 * nodes are not an error; a node that failed otherwise makes the exit
 * status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_fanout.h"
#include "pve_node.h"

enum { O_NODE = PX_O_LONG, O_TYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_NODE, "node", "node", "only this node" },
	{ O_TYPE, "type", "type", "only interfaces of this type" },
	PX_OPT_END
};

PX_COMMAND(network, "network interfaces of one node or of every node",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "node", OT_STR, 0 }, { "iface", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "method", OT_STR, 0 }, { "cidr", OT_STR, 0 },
	{ "gateway", OT_STR, 0 }, { "ports", OT_STR, 0 },
	{ "active", OT_BOOL, 0 }, { "autostart", OT_BOOL, 0 },
	{ "mtu", OT_INT, OC_EXTRA }, { "method6", OT_STR, OC_EXTRA },
	{ "cidr6", OT_STR, OC_EXTRA }, { "gateway6", OT_STR, OC_EXTRA },
	{ "bond_mode", OT_STR, OC_EXTRA }, { "vlan_id", OT_INT, OC_EXTRA },
	{ "vlan_raw_device", OT_STR, OC_EXTRA },
	{ "vlan_aware", OT_BOOL, OC_EXTRA }, { "comments", OT_STR, OC_EXTRA },
	{ "error", OT_STR, OC_EXTRA },
};
#define NCOLS	((int)(sizeof(cols) / sizeof(cols[0])))
#define S(s)	((s)[0] ? (s) : NULL)

static void
row(struct out *o, const char *node, const struct pve_netif *f)
{
	out_row(o);
	out_str(o, 0, node);
	out_str(o, 1, f->iface);
	out_str(o, 2, S(f->type));
	out_str(o, 3, S(f->method));
	out_str(o, 4, f->cidr[0] ? f->cidr : S(f->address));
	out_str(o, 5, S(f->gateway));
	out_str(o, 6, S(f->ports));
	out_bool(o, 7, f->active);
	out_bool(o, 8, f->autostart);
	if (f->mtu)
		out_int(o, 9, f->mtu);
	out_str(o, 10, S(f->method6));
	out_str(o, 11, f->cidr6[0] ? f->cidr6 : S(f->address6));
	out_str(o, 12, S(f->gateway6));
	out_str(o, 13, S(f->bond_mode));
	if (f->vlan_id)
		out_int(o, 14, f->vlan_id);
	out_str(o, 15, S(f->vlan_raw_device));
	out_bool(o, 16, f->vlan_aware);
	out_str(o, 17, S(f->comments));
}

int
network_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_node *nodes;
	struct px_call *k;
	struct out *o;
	const char *only = NULL, *type = NULL;
	char suffix[128];
	int ch, n, rc = 0, failed = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_network, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			only = g.arg;
			break;
		case O_TYPE:
			if (strspn(g.arg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != strlen(g.arg))
				px_errx(PX_EXIT_USAGE, "--type: '%s' is not an "
				    "interface type", g.arg);
			type = g.arg;
			break;
		default:
			px_usage(&px_cmd_network);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_network);
	if (cli_connect(&x, &e) != 0 ||
	    pve_nodes_or_one(x.client, only, &nodes, &n, &e) != 0)
		px_die(&e);
	snprintf(suffix, sizeof(suffix), "/network%s%s", type ? "?type=" : "",
	    type ? type : "");
	k = pve_node_fanout(x.client, nodes, n, suffix);
	o = out_new(&x.out, cols, NCOLS);
	for (int i = 0; i < n; i++) {
		struct px_reply r;
		struct pve_netif *v = NULL;
		int nv;

		if (pve_call_reply(&k[i], &r, &e) != 0 ||
		    pve_netifs_parse(&r.j, r.data, &v, &nv, &e) != 0) {
			px_reply_free(&r);
			if (only)
				px_die(&e);
			out_row(o);
			out_row_error(o);
			out_str(o, 0, nodes[i].name);
			out_str(o, NCOLS - 1, e.msg);
			px_warn("%s", e.msg);
			failed += nodes[i].online;
			continue;
		}
		for (int q = 0; q < nv; q++)
			row(o, nodes[i].name, &v[q]);
		free(v);
		px_reply_free(&r);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
	for (int i = 0; i < n; i++)
		px_call_free(&k[i]);
	free(k);
	free(nodes);
	out_free(o);
	cli_free(&x);
	return rc;
}
