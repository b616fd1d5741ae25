/*
 * power.h -- what the guest power commands share (lib/support/power.c).
 */
#ifndef PX_POWER_H
#define PX_POWER_H

#include "px.h"

/* shutdown's own option */
enum { PX_O_FORCE_STOP = PX_O_LONG };

/* The options every power command takes. */
#define PX_OPT_POWER \
	PX_OPT_COLUMNS, PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE, \
	PX_OPT_VERBOSE, PX_OPT_MUTATE, PX_OPT_POLICY

/* The whole of px start, stop, ... (cmd->name is the action): parse
 * argv per cmd's table, run, print the rows; the exit status. */
int guest_power_main(const struct px_command *cmd, int argc, char **argv);

#endif
