/*
 * top_evac.h -- pxtop's E view, its I/O side (top_evac.c): the plan of
 * a node made, and run through the gate, in a thread of its own; what
 * they find comes back as actions through report.
 */
#ifndef PX_CMD_TOP_EVAC_H
#define PX_CMD_TOP_EVAC_H

#include "conf.h"
#include "top_state.h"

/* Run TE_EVAC_PLAN or TE_EVAC_RUN for profile p of conf (both outlive
 * pxtop's loop); report(a) hands an action to the loop (any thread). */
void top_evac_effect(const struct top_effect *e, const struct px_conf *conf,
    const struct px_profile *p, void (*report)(const struct top_action *));

#endif
