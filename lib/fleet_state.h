/*
 * fleet_state.h -- px fleet's state and its reducer, as pxtop's
 * (top_state.h):
 *
 *     fleet_reduce(state, action) -> state', effects
 *
 * with no I/O at all.  Keys, timer ticks, resizes, the end of each
 * profile's first contact and the answers of the API come in as
 * actions; what must happen outside (connect a profile, fetch from it,
 * read its freeze, arm the timer, open pxtop, quit) goes out as effects
 * that cmd/fleet runs in its event loop.  The state holds no connection:
 * a profile is known by its index, and no clock: the time comes in with
 * the actions (now).  Rendering (fleet_render.h) reads the
 * state and nothing else.  Tests drive the reducer directly
 * (tests/unit/fleet_state.c).
 */
#ifndef PX_FLEET_STATE_H
#define PX_FLEET_STATE_H

#include "pve.h"

/* What a fetch asks a profile for (bits). */
enum {
	FLEET_F_NODES = 1,	/* GET /nodes */
	FLEET_F_GUESTS = 2,	/* GET /cluster/resources?type=vm */
	FLEET_F_TASKS = 4,	/* GET /cluster/tasks */
	FLEET_F_ALL = 7
};

/* The sorts of the guest table, in the order s cycles through them. */
enum fleet_sort {
	FLEET_SORT_PROFILE, FLEET_SORT_NAME, FLEET_SORT_CPU, FLEET_SORT_MEM,
	FLEET_SORT_STATUS,
	FLEET_NSORT
};

/* What the summary row says of a profile. */
enum fleet_health {
	FLEET_WAIT,		/* first contact or first answer on its way */
	FLEET_UP,
	FLEET_DOWN,		/* first contact or the last fetch failed */
	FLEET_STALE,		/* its fetch has been on its way for longer
				   than top_stale_ms: not answering, its
				   last data kept; counted as down */
	FLEET_NHEALTH
};

/* One profile: a cluster or a standalone host. */
struct fleet_cluster {
	char name[64];
	int read_only;		/* read_only = yes in px.conf */
	int frozen;		/* an incident freeze holds for it */
	int connected;		/* first contact succeeded: it has a client */
	int connecting;		/* first contact in flight */
	int connect_failed;	/* the last first contact failed */
	int loading;		/* FLEET_F_* in flight */
	int failed;		/* FLEET_F_* whose last answer was an error */
	int answered;		/* FLEET_F_* that have answered at least once */
	long long asked;	/* epoch of the fetch in flight, 0 unknown */
	int stale;		/* that fetch is older than top_stale_ms */
	char err[512];		/* why it is down */

	/* data, each replaced whole by its fetch; kept while down, as
	 * pxtop keeps its last answer */
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	int failed_tasks;	/* finished, not OK, in /cluster/tasks */
};

/* The figures of a summary row. */
struct fleet_sum {
	int nodes_up, nodes;
	int running, guests;
	double cpu;		/* 0..1 of the online nodes' CPUs, -1 unknown */
	double mem;		/* 0..1 of the online nodes' memory, -1 unknown */
	int failed_tasks;
};

/* A row of the guest table: guest g of cluster cl (indices, so that a
 * new answer never leaves a row pointing into freed memory). */
struct fleet_row {
	int cl, g;
};

struct fleet_state {
	struct fleet_cluster *cl;
	int ncl;
	int sel;		/* the selected cluster */
	int ctop;		/* first cluster shown in the summary */
	int all;		/* the guest table shows the whole fleet (else
				   the selected cluster) */
	enum fleet_sort sort;
	char filter[64];
	int typing;		/* the filter is being typed */
	struct fleet_row *rows;	/* filtered and sorted */
	int nrows;
	int gtop;		/* first guest row shown */
	long interval_ms;	/* -d */
	long long now;		/* epoch, as the last action that knew it
				   said */
	int lines, cols;
	int quit;
};

enum fleet_act_type {
	FA_START,	/* the loop is up: contact every profile, arm timer */
	FA_TICK,	/* the refresh timer fired: a fetch on its way for
			   longer than top_stale_ms shows as not answering */
	FA_KEY,		/* key: "j", "Enter", "C-c", ...; text keys as text */
	FA_RESIZE,	/* lines, cols */
	FA_CONNECTED,	/* id: first contact succeeded */
	FA_CONNECT_FAILED,	/* id, msg */
	FA_NODES,	/* id, rows: struct pve_node[n] (moved into the state) */
	FA_GUESTS,	/* id, rows: struct pve_guest[n] */
	FA_TASKS,	/* id, rows: struct pve_task[n] (counted, freed) */
	FA_FETCH_FAILED,	/* id, what: FLEET_F_* bit, msg */
	FA_FROZEN,	/* id, rc: 1 frozen, 0 not */
	FA_SIGNAL,	/* SIGTERM, SIGHUP, SIGINT: quit */
};

struct fleet_action {
	enum fleet_act_type type;
	const char *key;	/* FA_KEY: a key name or the typed text */
	int text;		/* FA_KEY: key is typed text */
	int lines, cols;	/* FA_RESIZE */
	int id;			/* the cluster */
	int what;		/* FA_FETCH_FAILED */
	int rc;			/* FA_FROZEN */
	long long now;		/* epoch when it happened (cmd/fleet stamps
				   every action); 0: the state keeps its
				   last */
	void *rows;		/* owned by the state after fleet_reduce */
	int n;
	char msg[512];
};

enum fleet_eff_type {
	FE_CONNECT,	/* id: first contact (TLS trust, login) */
	FE_FETCH,	/* id, what: FLEET_F_* bits */
	FE_FREEZE,	/* id: read its incident freeze */
	FE_TIMER,	/* ms: arm the refresh timer once */
	FE_OPEN_TOP,	/* profile: leave, and run pxtop on it */
	FE_QUIT,
};

struct fleet_effect {
	enum fleet_eff_type type;
	int id;
	int what;
	long ms;
	char profile[64];
};

struct fleet_effects {
	struct fleet_effect *e;
	int n, cap;
};

/* An empty fleet; add its profiles with fleet_add before FA_START. */
void fleet_state_init(struct fleet_state *s, long interval_ms, int lines,
    int cols);
/* Add a profile (name is copied); returns its index. */
int fleet_add(struct fleet_state *s, const char *name, int read_only);
/* Free everything s holds (clusters and their rows) and zero it. */
void fleet_state_free(struct fleet_state *s);
/* Apply a to s and append what must happen to fx.  Never does I/O.  The
 * rows of a move into s (a->rows is freed by s from then on, even when
 * the action is ignored). */
void fleet_reduce(struct fleet_state *s, struct fleet_action *a,
    struct fleet_effects *fx);
/* Empty fx for the next action, keeping its memory. */
void fleet_effects_clear(struct fleet_effects *fx);
/* Free fx's memory and zero it. */
void fleet_effects_free(struct fleet_effects *fx);

/* Helpers the renderer shares. */
/* How cluster c is doing, from its first contact and its fetches. */
enum fleet_health fleet_health(const struct fleet_cluster *c);
/* The figures of c's summary row, from its last answers. */
void fleet_summary(const struct fleet_cluster *c, struct fleet_sum *sum);
/* The name of sort column k (a static string, "?" out of range). */
const char *fleet_sort_name(enum fleet_sort k);
/* Does guest g of cluster c pass the filter (fuzzy, as pxtop's search,
 * over its name, VMID, tags, node and the profile's name)? */
int fleet_match(const struct fleet_cluster *c, const struct pve_guest *g,
    const char *filter);
/* Rows of the screen for the summary and for the guest table. */
int fleet_summary_lines(const struct fleet_state *s);
int fleet_guest_lines(const struct fleet_state *s);

#endif
