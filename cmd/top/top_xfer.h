/*
 * top_xfer.h -- pxtop's agent broadcast (X) and the ISO library's
 * upload (u) and download (w), the side that talks to the cluster
 * (top_xfer.c): their pre-flight previews on the worker's connection,
 * and their runs each in a thread of its own (own connection, own gate)
 * so that a long upload or a slow command never holds up the queue.
 */
#ifndef PX_CMD_TOP_XFER_H
#define PX_CMD_TOP_XFER_H

#include "conf.h"
#include "http.h"
#include "top_state.h"

/* Is action one of these (exec, upload, download-url)? */
int top_xfer_action(const char *action);

/* One operation of the queue, as the worker got it. */
struct top_xfer_item {
	int id, batch;
	struct pve_guest g;	/* exec: the guest; else g.node the node */
	char action[16];
	char arg[64];		/* upload, download-url: the storage */
	char volid[256];	/* upload, download-url: storage:content/name */
	char text[TOP_TEXT];	/* the command, the local path, the URL */
	char sum[160];		/* "alg:hex" or "" */
};

/* The preview of it on client c: TA_RISK (a risk report), or TA_OP_DONE
 * with rc -2 when it cannot go at all (the local file is a directory,
 * unreadable, ...).  Into a, for report. */
void top_xfer_preview(struct px_client *c, const struct top_xfer_item *it,
    struct top_action *a);

/* Run items (n, malloc'd, taken: freed by the thread) in a thread of
 * its own on profile p of conf: every exec of one confirmation as one
 * change (one approval), at most TOP_BC_PAR commands at once, each
 * output reported as TA_BC_OUT; an upload or a download on its own,
 * followed to the end of its task.  report(a) hands an action to the
 * loop (any thread). */
void top_xfer_run(struct top_xfer_item *items, int n,
    const struct px_conf *conf, const struct px_profile *p,
    void (*report)(const struct top_action *));

#endif
