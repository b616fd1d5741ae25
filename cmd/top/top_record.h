/*
 * top_record.h -- pxtop's side of the time-travel cache (lib/tcache.h):
 * every refresh recorded on a thread of its own, so that the refresh
 * never waits for the disk, and the reads of [ ] { } (TE_PAST).
 */
#ifndef PX_TOP_RECORD_H
#define PX_TOP_RECORD_H

#include <stddef.h>

#include "conf.h"
#include "top_state.h"

/* Open the cache of profile with c's [cache] bounds and start the writer
 * thread.  A failure (a foreign or damaged cache, a bad [cache]) stops
 * nothing but the recording: top_record_notice says it once. */
void top_record_start(const struct px_conf *c, const char *profile);
/* A list of the refresh came (type TA_NODES, TA_GUESTS, TA_STORAGE or
 * TA_TASKS; rows copied, still the caller's) at epoch now. */
void top_record_list(enum top_act_type type, const void *rows, int n,
    long long now);
/* Something the operator must hear about the recording, once: 1 and
 * the message in buf, else 0. */
int top_record_notice(char *buf, size_t n);
/* TE_PAST: read the cache and fill a (TA_PAST). */
void top_record_past(const struct top_effect *e, struct top_action *a);
/* Write what is pending, stop the thread, close the cache. */
void top_record_stop(void);

#endif
