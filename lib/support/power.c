/*
 * power.c -- the body of px start, stop, shutdown, reboot, suspend and
 * resume (power.h): one request per guest through the mutation layer,
 * each task followed to its end, one row per guest.  Each command keeps
 * its own option table and man page in cmd/NAME.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_op.h"
#include "mutcli.h"
#include "power.h"
#include "pve_cond.h"

int
guest_power_main(const struct px_command *cmd, int argc, char **argv)
{
	const char *action = cmd->name;
	int shutdown = strcmp(action, "shutdown") == 0;
	struct px_getopt g;
	struct mutcli m;
	struct gate_req r;
	struct pve_guest *guests;
	long pve_timeout = -1;
	int ch, rc, force_stop = 0;

	mutcli_init(&m, cmd);
	px_getopt_init(&g, cmd, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (ch == PX_O_TIMEOUT && shutdown) {
			/* shutdown's --timeout is PVE's own */
			double t = pve_parse_seconds(g.arg);

			if (t < 0)
				px_errx(PX_EXIT_USAGE, "--timeout: not a "
				    "duration: '%s'", g.arg);
			pve_timeout = (long)t;
			continue;
		}
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		if (ch == PX_O_FORCE_STOP)
			force_stop = 1;
		else
			px_usage(cmd);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(cmd);
	guests = mutcli_guest_req(&m, &r, action, argc, argv);
	for (int i = 0; i < r.n; i++)
		if (!r.t[i].refused)
			r.destructive |= guest_op_power(&r.t[i], &guests[i],
			    action, force_stop, pve_timeout);
	gate_req_summarize(&r, action);
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	free(guests);
	mutcli_free(&m);
	return rc;
}
