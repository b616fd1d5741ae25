/*
 * start -- start guests, through the mutation layer (lib/support/power.c).
 */
#include "power.h"

static const struct px_opt opts[] = {
	PX_OPT_POWER,
	PX_OPT_END
};

PX_COMMAND(start, "start guests and wait until their tasks end", opts, NULL, "vmid ...");

int
start_main(int argc, char **argv)
{
	return guest_power_main(&px_cmd_start, argc, argv);
}
