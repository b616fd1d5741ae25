/*
 * shutdown -- shut guests down through ACPI or the guest agent (--timeout is PVE's own), through the mutation layer (lib/support/power.c).
 */
#include "power.h"

static const struct px_opt opts[] = {
	PX_OPT_POWER,
	{ PX_O_FORCE_STOP, "force-stop", NULL,
	    "stop the guest when it does not shut down in time" },
	PX_OPT_END
};

PX_COMMAND(shutdown, "shut guests down gracefully, following each task", opts, NULL, "vmid ...");

int
shutdown_main(int argc, char **argv)
{
	return guest_power_main(&px_cmd_shutdown, argc, argv);
}
