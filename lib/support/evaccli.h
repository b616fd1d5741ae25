/*
 * evaccli.h -- the command line's side of an evacuation
 * (lib/pve_evacuate.h), shared by px node evacuate and px patch apply
 * --evacuate: the plan on stderr, and the run's progress (a dry run's
 * requests on stdout, a line per guest moved on stderr).
 */
#ifndef PX_EVACCLI_H
#define PX_EVACCLI_H

#include "pve_evacuate.h"

/* The plan on stderr: a header, then a line per guest with its state,
 * HA or not, and its target (with what to know) or its blocker.  what
 * names the change ("evacuate", "return to"). */
void evaccli_show_plan(const struct pve_evac_plan *p, const char *what);

/* A pve_evac_step_fn for the command line (arg NULL): "would send:
 * ..." on stdout in a dry run, "[i/n] guest -> target: ok (12 s)" on
 * stderr when a move ended, with its failure. */
void evaccli_step(void *arg, const struct pve_evac_plan *p, int i,
    enum pve_evac_step st, const struct mut_row *row, const char *text,
    double pct, double secs);

#endif
