/*
 * suspend -- suspend (pause) guests, following each task, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(suspend, "suspend (pause) guests, following each task",
    "usage: px suspend [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
suspend_main(int argc, char **argv)
{
	return power_main(&px_cmd_suspend, "suspend", argc, argv);
}
