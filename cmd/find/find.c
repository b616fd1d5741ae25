/*
 * find -- which profile and node own a guest, by VMID or by name (a shell
 * pattern, case ignored), asking every PVE profile in parallel (-p asks
 * one).  Exit 5 when no profile has it.
 *
 * A profile that fails to answer gives an error row; when nothing was
 * found and a profile failed, the answer is unknown: exit 2, not 5.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_fanout.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ 'A', "all-profiles", NULL, "ask every PVE profile, even with -p" },
	PX_OPT_END
};

PX_COMMAND(find, "find which profile and node own a guest (VMID or name)",
    opts, NULL, "vmid | name");

static const struct out_col cols[] = {
	{ "profile", OT_STR, 0 }, { "vmid", OT_INT, 0 },
	{ "name", OT_STR, 0 }, { "type", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "error", OT_STR, OC_EXTRA },
};

int
find_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_target *t;
	struct pve_get_req *q;
	struct px_err e;
	struct out *o;
	const char *what;
	int ch, n, vmid, all = 0, found = 0, failed = 0, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_find, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case 'A':
			all = 1;
			break;
		default:
			px_usage(&px_cmd_find);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || argv[0][0] == '\0')
		px_usage(&px_cmd_find);
	what = argv[0];
	vmid = pve_parse_vmid(what);

	if (cli_targets(&x, all || x.profile == NULL, &t, &n, &e) != 0)
		px_die(&e);
	q = px_xcalloc((size_t)n, sizeof(*q));
	for (int i = 0; i < n; i++) {
		pve_req_init(&q[i], t[i].c, "/cluster/resources?type=vm");
		if (t[i].c == NULL)
			q[i].err = t[i].err;
	}
	pve_get_all(q, n);

	o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	for (int i = 0; i < n; i++) {
		struct pve_guest *g;
		int ng;

		if (q[i].rc != 0 || pve_guests_parse(&q[i].r.j, q[i].r.data,
		    NULL, NULL, &g, &ng, &q[i].err) != 0) {
			out_row(o);
			out_row_error(o);
			out_str(o, 0, t[i].p->name);
			out_str(o, 5, "error");
			out_str(o, 6, q[i].err.msg);
			px_warn("%s: %s", t[i].p->name, q[i].err.msg);
			failed++;
			continue;
		}
		for (int k = 0; k < ng; k++) {
			if (vmid > 0 ? g[k].vmid != vmid :
			    fnmatch(what, g[k].name, FNM_CASEFOLD) != 0)
				continue;
			out_row(o);
			out_str(o, 0, t[i].p->name);
			out_int(o, 1, g[k].vmid);
			out_str(o, 2, g[k].name[0] ? g[k].name : NULL);
			out_str(o, 3, g[k].type);
			out_str(o, 4, g[k].node);
			out_str(o, 5, g[k].status);
			found++;
		}
		free(g);
	}
	/* Nothing found anywhere: the message alone, no empty table. */
	if ((found || failed) && cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (!found && failed)
		rc = PX_EXIT_USAGE;
	else if (!found) {
		px_warn("no guest %s '%s' in %s", vmid > 0 ? "with VMID" :
		    "named", what, n == 1 ? "this profile" : "any profile");
		rc = PX_EXIT_NOTFOUND;
	}
	out_free(o);
	pve_req_free(q, n);
	free(q);
	cli_targets_free(t, n);
	cli_free(&x);
	return rc;
}
