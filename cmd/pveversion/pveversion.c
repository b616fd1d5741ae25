/*
 * pveversion -- the PVE version of the server behind a profile (GET
 * /version), or with -A of every PVE profile in parallel.  The command is
 * called pveversion, not pve-version: a command's name is also a C
 * identifier (PX_COMMAND).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_cluster.h"
#include "pve_fanout.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ 'A', "all-profiles", NULL, "every PVE profile, in parallel" },
	PX_OPT_END
};

PX_COMMAND(pveversion, "show the PVE version of the server, per profile",
    opts, NULL, NULL);
PX_ALIAS(pve_version, "pve-version", pveversion, 0, "the same as px pveversion");

static const struct out_col cols[] = {
	{ "profile", OT_STR, 0 }, { "version", OT_STR, 0 },
	{ "release", OT_STR, 0 }, { "repoid", OT_STR, 0 },
	{ "error", OT_STR, OC_EXTRA },
};

int
pveversion_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_target *t;
	struct pve_get_req *q;
	struct px_err e;
	struct out *o;
	int ch, n, all = 0, failed = 0, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_pveversion, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case 'A':
			all = 1;
			break;
		default:
			px_usage(&px_cmd_pveversion);
		}
	}
	if (argc != g.ind)
		px_usage(&px_cmd_pveversion);
	if (cli_targets(&x, all, &t, &n, &e) != 0)
		px_die(&e);
	q = px_xcalloc((size_t)n, sizeof(*q));
	for (int i = 0; i < n; i++) {
		pve_req_init(&q[i], t[i].c, "/version");
		if (t[i].c == NULL)
			q[i].err = t[i].err;
	}
	pve_get_all(q, n);

	o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	for (int i = 0; i < n; i++) {
		struct pve_version v;

		if (q[i].rc != 0 || pve_version_parse(&q[i].r.j, q[i].r.data,
		    &v, &q[i].err) != 0) {
			if (!all) {
				rc = px_report(&q[i].err);
				goto out;
			}
			out_row(o);
			out_row_error(o);
			out_str(o, 0, t[i].p->name);
			out_str(o, 4, q[i].err.msg);
			px_warn("%s: %s", t[i].p->name, q[i].err.msg);
			failed++;
			continue;
		}
		out_row(o);
		out_str(o, 0, t[i].p->name);
		out_str(o, 1, v.version);
		out_str(o, 2, v.release[0] ? v.release : NULL);
		out_str(o, 3, v.repoid[0] ? v.repoid : NULL);
	}
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (failed)
		rc = PX_EXIT_USAGE;
out:
	out_free(o);
	pve_req_free(q, n);
	free(q);
	cli_targets_free(t, n);
	cli_free(&x);
	return rc;
}
