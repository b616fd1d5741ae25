/*
 * statecli.h -- the command line of a state file (pxstate(1)), shared
 * by px state and px reconcile: export, diff and apply through the
 * gate, printing rows and differences, returning the exit status.
 */
#ifndef PX_STATECLI_H
#define PX_STATECLI_H

#include "mutcli.h"
#include "state_kinds.h"

struct st_cli {
	/* filled from the command's options */
	struct mutcli m;
	const char *out;
	char *families[32];
	int nfam;
	int stamp, prune, cont, interactive;
};

/* --family's value into s (an unknown family exits 2). */
void statecli_families(struct st_cli *s, const char *arg);
/* Export the families (stdout or s->out); the exit status. */
int statecli_export(struct st_cli *s);
/* Print the difference of file and the cluster; 0 when they match, 2
 * when they differ. */
int statecli_diff(struct st_cli *s, const char *file);
/* Apply file through the gate; the exit status of its rows. */
int statecli_apply(struct st_cli *s, const char *file);

#endif
