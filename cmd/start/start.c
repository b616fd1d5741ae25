/*
 * start -- start guests and wait until their tasks end, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(start, "start guests and wait until their tasks end",
    "usage: px start [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
start_main(int argc, char **argv)
{
	return power_main(&px_cmd_start, "start", argc, argv);
}
