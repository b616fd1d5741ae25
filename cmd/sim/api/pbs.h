/*
 * pbs.h -- what pxsim's PBS files share (pbs.c: the history and the
 * reads; pbs_ops.c: the overlay of changes, the writes, the catalog,
 * downloads and tasks).
 */
#ifndef SIM_PBS_H
#define SIM_PBS_H

#include <time.h>

#include "api.h"

struct snap {
	const char *type;	/* vm, ct */
	int vmid;
	time_t time;
	uint64_t size;
	int protected_;
	const char *comment;
	int verify;		/* 0 none, 1 ok, 2 failed */
	int corrupt;		/* verify fails on it */
};

struct snaps {
	struct snap *v;
	size_t n, cap;
};

void snap_add(struct snaps *l, const struct snap *sn);
/* The snapshots of store in namespace ns ("" or NULL: the root), with
 * the overlay applied, sorted by type, id, time (free l->v). */
void snaps_collect(struct sim *s, const char *store, const char *ns,
    struct snaps *l);
void snap_files(struct jw *w, const struct snap *sn, int detail);
/* A PBS error: status, the message as plain text. */
void pbs_error(struct sim_resp *rs, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int store_check(const struct sim_match *m, struct sim_resp *rs);
/* The ns parameter: 0 and *ns, or -1 with the error sent. */
int ns_check(const struct sim_match *m, const struct sim_req *rq,
    struct sim_resp *rs, const char **ns);

/* pbs_overlay.c: one snapshot's changes. */
struct mark {
	char store[16], ns[64], type[4];
	int vmid;
	time_t time;
	int forgotten;
	int protected_;		/* -1 unchanged */
	int verify;		/* -1 unchanged */
	char *notes;
};
/* The changes of snapshot sn of store/ns; made when make is set, else
 * NULL when none. */
struct mark *mark_get(const char *store, const char *ns,
    const struct snap *sn, int make);
void pbs_gc_record(const char *store, const char *upid, time_t end);
void pbs_overlay_apply(const char *store, const char *ns, struct snaps *l);
/* "comment": the first line of notes. */
void pbs_comment(struct jw *w, const char *notes);
/* The last garbage collection px started on store: 1 and its fields,
 * or 0. */
int pbs_gc_last(const char *store, const char **upid, time_t *end,
    const char **state);
/* The hostile mode of the control API ("size", "type", ""). */
extern char pbs_hostile[16];

extern const struct sim_route sim_routes_pbs_ops[];

#endif
