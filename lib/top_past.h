/*
 * top_past.h -- pxtop's time travel: [ and ] step through the refreshes
 * recorded in the time-travel cache (lib/tcache.h), { and } by an hour.
 *
 * Part of the reducer (no I/O): a step emits TE_PAST, cmd/top reads the
 * cache and answers with TA_PAST.  While a recorded refresh is shown,
 * s->past holds the live lists aside (the refresh goes on and keeps
 * them current, and pxtop keeps recording), the header says the screen
 * shows the past, and every action on the cluster is refused with a
 * message.  ] from the newest refresh, or } with less than an hour
 * recorded ahead, returns to the live lists at once.
 */
#ifndef PX_TOP_PAST_H
#define PX_TOP_PAST_H

#include <stddef.h>

#include "tcache.h"
#include "top_state.h"

struct top_past {
	long long at;		/* the epoch of the refresh shown */
	long long seen[4];	/* when its nodes, guests, storage, tasks
				   were recorded (tcache_frame.at) */
	/* the live lists, kept current while the past is shown */
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	struct pve_storage *storages;
	int nstorages;
	struct pve_task *tasks;
	int ntasks;
	long long updated;	/* the live lists' s->updated */
};

/* A time-travel key ('[', ']', '{', '}'): emits TE_PAST or says why not. */
void top_past_key(struct top_state *s, int key, struct top_effects *fx);
/* Time travel's part of top_reduce: TA_PAST, and the live lists while the
 * past is shown.  1 when it took a (a->rows taken), else 0. */
int top_past_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* While the past is shown: 1, with the refusal of action in the status
 * line; else 0. */
int top_past_refuse(struct top_state *s, const char *action);
/* The epoch of the refresh shown, 0 when live. */
long long top_past_at(const struct top_state *s);
/* The header's text while the past is shown ("" when live). */
void top_past_banner(const struct top_state *s, char *buf, size_t n);
/* The footer while the past is shown. */
const char *top_past_footer(const struct top_state *s);
/* Free what s->past holds (top_state_free). */
void top_past_free(struct top_state *s);

#endif
