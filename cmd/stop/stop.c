/*
 * stop -- stop guests at once (hard stop), following each task, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(stop, "stop guests at once (hard stop), following each task",
    "usage: px stop [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
stop_main(int argc, char **argv)
{
	return power_main(&px_cmd_stop, "stop", argc, argv);
}
