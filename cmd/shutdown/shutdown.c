/*
 * shutdown -- shut guests down gracefully, following each task, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(shutdown, "shut guests down gracefully, following each task",
    "usage: px shutdown [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--force-stop] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
shutdown_main(int argc, char **argv)
{
	return power_main(&px_cmd_shutdown, "shutdown", argc, argv);
}
