/*
 * power -- start, stop, shutdown, reboot, suspend and resume guests: one
 * request per guest through the mutation layer (lib/mutation.h), each
 * task followed to its end, one row per guest.  One body, six commands,
 * each with its own option table and man page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_op.h"
#include "mutcli.h"
#include "pve_cond.h"

enum { O_FORCE_STOP = PX_O_LONG };

#define POWER_OPTS \
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE, \
	PX_OPT_VERBOSE, PX_OPT_MUTATE, \
	PX_OPT_POLICY

static const struct px_opt power_opts[] = { POWER_OPTS, PX_OPT_END };
static const struct px_opt shutdown_opts[] = {
	POWER_OPTS,
	{ O_FORCE_STOP, "force-stop", NULL,
	    "stop the guest when it does not shut down in time" },
	PX_OPT_END
};

PX_COMMAND(start, "start guests and wait until their tasks end",
    power_opts, NULL, "vmid ...");
PX_COMMAND(stop, "stop guests at once (hard stop), following each task",
    power_opts, NULL, "vmid ...");
PX_COMMAND(shutdown, "shut guests down gracefully, following each task",
    shutdown_opts, NULL, "vmid ...");
PX_COMMAND(reboot, "reboot guests, following each task",
    power_opts, NULL, "vmid ...");
PX_COMMAND(suspend, "suspend (pause) guests, following each task",
    power_opts, NULL, "vmid ...");
PX_COMMAND(resume, "resume suspended guests, following each task",
    power_opts, NULL, "vmid ...");

static int
power(const struct px_command *cmd, int argc, char **argv)
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
		if (ch == O_FORCE_STOP)
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

int start_main(int argc, char **argv) { return power(&px_cmd_start, argc, argv); }
int stop_main(int argc, char **argv) { return power(&px_cmd_stop, argc, argv); }
int shutdown_main(int argc, char **argv) { return power(&px_cmd_shutdown, argc, argv); }
int reboot_main(int argc, char **argv) { return power(&px_cmd_reboot, argc, argv); }
int suspend_main(int argc, char **argv) { return power(&px_cmd_suspend, argc, argv); }
int resume_main(int argc, char **argv) { return power(&px_cmd_resume, argc, argv); }
