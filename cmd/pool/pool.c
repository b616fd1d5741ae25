/*
 * pool -- resource pools: the list (GET /pools), or one pool's members
 * with their type, VMID or storage, node and status (GET
 * /pools?poolid=POOL; the older /pools/{poolid} is deprecated).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_cluster.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	PX_OPT_END
};

PX_COMMAND(pool, "list resource pools, or show one pool's members",
    opts, NULL, "list | show pool");

static const struct out_col list_cols[] = {
	{ "poolid", OT_STR, 0 }, { "members", OT_INT, 0 },
	{ "comment", OT_STR, 0 },
};
static const struct out_col member_cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "name", OT_STR, 0 }, { "storage", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

int
pool_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_reply r;
	struct px_err e;
	struct out *o;
	struct buf p = { 0 };
	int ch, n, show, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_pool, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		px_usage(&px_cmd_pool);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_pool);
	show = strcmp(argv[0], "show") == 0;
	if (!show && strcmp(argv[0], "list") != 0)
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show "
		    "POOL)", argv[0]);
	if (argc != (show ? 2 : 1))
		px_usage(&px_cmd_pool);
	buf_adds(&p, "/pools");
	if (show) {
		buf_adds(&p, "?poolid=");
		url_seg(&p, argv[1]);
	}
	if (cli_connect(&x, &e) != 0 ||
	    pve_get(x.client, &r, &e, "%s", p.p) != 0)
		px_die(&e);
	if (show) {
		struct pve_pool_member *m;

		if (pve_pool_members_parse(&r.j, r.data, &m, &n, NULL,
		    &e) != 0) {
			if (e.id == PXE_NOT_FOUND)
				px_errx(PX_EXIT_NOTFOUND, "no pool '%s'",
				    argv[1]);
			px_die(&e);
		}
		o = out_new(&x.out, member_cols, 7);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, m[i].id);
			out_str(o, 1, nz(m[i].type));
			if (m[i].vmid)
				out_int(o, 2, m[i].vmid);
			out_str(o, 3, nz(m[i].name));
			out_str(o, 4, nz(m[i].storage));
			out_str(o, 5, nz(m[i].node));
			out_str(o, 6, nz(m[i].status));
		}
		free(m);
	} else {
		struct pve_pool *v;

		if (pve_pools_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&x.out, list_cols, 3);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].poolid);
			if (v[i].members >= 0)
				out_int(o, 1, v[i].members);
			out_str(o, 2, nz(v[i].comment));
		}
		free(v);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	buf_free(&p);
	cli_free(&x);
	return rc;
}
