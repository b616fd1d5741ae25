/*
 * config -- a guest's configuration as key/value rows (GET
 * /nodes/{node}/{qemu,lxc}/{vmid}/config), or with --pending each key's
 * current value, pending value and pending delete (GET .../pending).
 * Keys come in natural order (net2 before net10).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_guest.h"

enum { O_CURRENT = PX_O_LONG, O_PENDING };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_CURRENT, "current", NULL,
	    "the values in effect now, without pending changes" },
	{ O_PENDING, "pending", NULL, "each key's current and pending value" },
	PX_OPT_END
};

PX_COMMAND(config, "show a guest's configuration, or its pending changes",
    opts, NULL, "vmid");

static const struct out_col cols[] = {
	{ "key", OT_STR, 0 }, { "value", OT_STR, 0 },
};
static const struct out_col pending_cols[] = {
	{ "key", OT_STR, 0 }, { "value", OT_STR, 0 },
	{ "pending", OT_STR, 0 }, { "delete", OT_INT, 0 },
};

int
config_main(int argc, char **argv)
{
	struct px_cli x;
	struct pve_guest g;
	struct px_reply r;
	struct px_err e;
	struct pve_kv *v;
	struct buf p = { 0 };
	struct out *o;
	int ch, vmid, n, current = 0, pending = 0, rc = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_config, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_CURRENT:
			current = 1;
			break;
		case O_PENDING:
			pending = 1;
			break;
		default:
			px_usage(&px_cmd_config);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_config);
	if (current && pending)
		px_errx(PX_EXIT_USAGE, "--current and --pending exclude each "
		    "other");
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (cli_connect(&x, &e) != 0 ||
	    pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);

	pve_guest_path(&p, g.node, g.type, g.vmid);
	buf_adds(&p, pending ? "/pending" : current ? "/config?current=1" :
	    "/config");
	if (pve_get(x.client, &r, &e, "%s", p.p) != 0 ||
	    (pending ? pve_pending_parse(&r.j, r.data, &v, &n, &e) :
	    pve_kv_parse(&r.j, r.data, &v, &n, &e)) != 0)
		px_die(&e);
	if (pending)
		o = out_new(&x.out, pending_cols, 4);
	else
		o = out_new(&x.out, cols, 2);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, v[i].key);
		out_str(o, 1, v[i].value);
		if (pending) {
			out_str(o, 2, v[i].pending);
			out_int(o, 3, v[i].del);
		}
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	pve_kv_free(v, n);
	px_reply_free(&r);
	buf_free(&p);
	cli_free(&x);
	return rc;
}
