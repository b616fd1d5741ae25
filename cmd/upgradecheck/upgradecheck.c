/*
 * upgradecheck (px upgrade-check) -- the checks of pve8to9 that can be
 * made over the API, each a row with a severity: pass, info, notice,
 * warning or fail; fail blocks the upgrade (exit 1).
 *
 * Two parallel rounds: the cluster-wide lists (status, nodes, storage
 * definitions, HA groups, backup jobs, guests), then per node its status
 * and apt repositories and per QEMU guest its config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_upgrade.h"

enum { O_TARGET = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_TARGET, "target", "9", "the major version to upgrade to" },
	PX_OPT_END
};

PX_COMMAND(upgradecheck, "pve8to9 checks that can be made over the API",
    opts, NULL, NULL);
PX_ALIAS(upgrade_check, "upgrade-check", upgradecheck, 0, "the same as px upgradecheck");

int
upgradecheck_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct out *o;
	int ch, rc = 0, blocking = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_upgradecheck, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		case O_TARGET:
			if (strcmp(g.arg, "9") != 0)
				px_errx(PX_EXIT_USAGE, "--target: only 9 (the "
				    "upgrade from 8 to 9) is known");
			break;
		default:
			px_usage(&px_cmd_upgradecheck);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_upgradecheck);
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	o = out_new(&x.out, pve_upgrade_cols, PVE_UPGRADE_NCOLS);
	if (pve_upgrade_check(x.client, o, &blocking, &e) != 0)
		px_die(&e);
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	else if (blocking)
		rc = PX_EXIT_FAIL;
	out_free(o);
	cli_free(&x);
	return rc;
}
