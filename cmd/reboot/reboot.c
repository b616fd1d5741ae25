/*
 * reboot -- reboot guests, following each task, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(reboot, "reboot guests, following each task",
    "usage: px reboot [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
reboot_main(int argc, char **argv)
{
	return power_main(&px_cmd_reboot, "reboot", argc, argv);
}
