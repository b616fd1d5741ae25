/*
 * stop -- stop guests at once (a hard stop, destructive: -y or a prompt), through the mutation layer (lib/support/power.c).
 */
#include "power.h"

static const struct px_opt opts[] = {
	PX_OPT_POWER,
	PX_OPT_END
};

PX_COMMAND(stop, "stop guests at once (hard stop), following each task", opts, NULL, "vmid ...");

int
stop_main(int argc, char **argv)
{
	return guest_power_main(&px_cmd_stop, argc, argv);
}
