/*
 * resume -- resume suspended guests, following each task, through the gate (see lib/gate.h and lib/power.c).
 */
#include "power.h"

PX_COMMAND_USAGE(resume, "resume suspended guests, following each task",
    "usage: px resume [-jnvy] [-c columns] [-f format] [-p profile] "
    "[--allow-risk] [--no-wait] [--policy all | canary[=N] | rolling[=K]] "
    "[--timeout seconds] vmid ...\n");

int
resume_main(int argc, char **argv)
{
	return power_main(&px_cmd_resume, "resume", argc, argv);
}
