/*
 * resume -- resume suspended guests, through the mutation layer (lib/support/power.c).
 */
#include "power.h"

static const struct px_opt opts[] = {
	PX_OPT_POWER,
	PX_OPT_END
};

PX_COMMAND(resume, "resume suspended guests, following each task", opts, NULL, "vmid ...");

int
resume_main(int argc, char **argv)
{
	return guest_power_main(&px_cmd_resume, argc, argv);
}
