/*
 * interfaces -- a running guest's network interfaces and addresses, as
 * the guest sees them: a container's from PVE (GET
 * .../lxc/{vmid}/interfaces), a VM's from its guest agent (GET
 * .../qemu/{vmid}/agent/network-get-interfaces).  One row per address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_check.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	PX_OPT_END
};

PX_COMMAND(interfaces, "a guest's network interfaces and addresses, from "
    "inside", opts, NULL, "vmid");

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "iface", OT_STR, 0 },
	{ "hwaddr", OT_STR, 0 }, { "family", OT_STR, 0 },
	{ "address", OT_STR, 0 },
};

int
interfaces_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct pve_iface *v = NULL;
	struct px_reply r;
	struct buf path = { 0 };
	struct out *o;
	int ch, vmid, n = 0, lxc, rc;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_interfaces, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		px_usage(&px_cmd_interfaces);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_interfaces);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);

	if (cli_connect(&x, &e) != 0 ||
	    pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	lxc = strcmp(g.type, "lxc") == 0;
	pve_guest_path(&path, g.node, g.type, g.vmid);
	buf_adds(&path, lxc ? "/interfaces" :
	    "/agent/network-get-interfaces");
	if (pve_get(x.client, &r, &e, "%s", path.p) != 0) {
		if (!lxc && (strstr(e.msg, "not running") ||
		    strstr(e.msg, "No QEMU guest agent") ||
		    strstr(e.msg, "not configured")))
			px_hint(&e, "a VM's interfaces come from its guest "
			    "agent: agent: 1 and qemu-guest-agent running");
		px_die(&e);
	}
	if (pve_ifaces_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&x.out, cols, 5);
	for (int i = 0; i < n; i++)
		for (int a = 0; a < (v[i].naddr ? v[i].naddr : 1); a++) {
			const char *ad = v[i].naddr ? v[i].addr[a] : NULL;

			out_row(o);
			out_int(o, 0, vmid);
			out_str(o, 1, v[i].name);
			out_str(o, 2, v[i].hwaddr[0] ? v[i].hwaddr : NULL);
			out_str(o, 3, ad == NULL ? NULL : strchr(ad, ':') ?
			    "inet6" : "inet");
			out_str(o, 4, ad);
		}
	free(v);
	rc = cli_print(&x, o, &e) != 0 ? px_report(&e) : 0;
	out_free(o);
	buf_free(&path);
	cli_free(&x);
	return rc;
}
