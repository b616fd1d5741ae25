/*
 * power.h -- start, stop, shutdown, reboot, suspend and resume of one or
 * more guests: the command line the six commands share, the request for
 * each guest, and the batch through the gate.
 */
#ifndef PX_POWER_H
#define PX_POWER_H

#include "px.h"

/* The whole of `px ACTION`: parse argv, run, return the exit status. */
int power_main(const struct px_command *cmd, const char *action, int argc,
    char **argv);

#endif
