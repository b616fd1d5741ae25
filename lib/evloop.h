/*
 * evloop.h -- the daemon's event loop: one poll(2) over registered file
 * descriptors, and timers on the monotonic clock.
 *
 * A part of the daemon (alerts, approvals, schedules, reconcile, the
 * exporter) registers a timer (a callback every interval seconds) and,
 * when it listens or waits on something, a file descriptor.  Callbacks
 * run one at a time in the loop's thread; a long callback delays the
 * others (a part that talks to a cluster bounds its requests' time).
 * evloop_stop, called from a callback, ends evloop_run after that
 * callback returns: the current step finishes, no new one starts.
 * The loop never prints; what a callback has to say, it logs itself.
 */
#ifndef PX_EVLOOP_H
#define PX_EVLOOP_H

#include "err.h"

#define EVLOOP_MAX_TIMERS	32
#define EVLOOP_MAX_FDS		64

struct evloop;

/* A timer's callback; id is what evloop_timer returned. */
typedef void (*evloop_timer_fn)(struct evloop *l, int id, void *arg);
/* An fd's callback; revents as poll(2) set them. */
typedef void (*evloop_fd_fn)(struct evloop *l, int fd, short revents,
    void *arg);

/* A new loop (free with evloop_free; owns nothing it is given). */
struct evloop *evloop_new(void);
void evloop_free(struct evloop *l);

/* Call fn first seconds from now, then every interval seconds (0: once,
 * then the timer is removed).  The id (>= 0), or -1 when the table is
 * full. */
int evloop_timer(struct evloop *l, double first, double interval,
    evloop_timer_fn fn, void *arg);
/* Re-arm timer id: next in first seconds, then every interval. */
void evloop_timer_set(struct evloop *l, int id, double first,
    double interval);
void evloop_timer_del(struct evloop *l, int id);
/* Seconds until timer id is due next (0 when due), -1 when no such
 * timer. */
double evloop_timer_due(const struct evloop *l, int id);

/* Call fn when fd is ready for events (POLLIN, POLLOUT); one entry per
 * fd: registering it again replaces it.  0, or -1 when the table is
 * full. */
int evloop_fd(struct evloop *l, int fd, short events, evloop_fd_fn fn,
    void *arg);
void evloop_fd_del(struct evloop *l, int fd);

/* End evloop_run once the running callback returns. */
void evloop_stop(struct evloop *l);
/* Run until evloop_stop: 0, or -1 with e when poll(2) fails (not for
 * EINTR). */
int evloop_run(struct evloop *l, struct px_err *e);
/* One round: wait at most max_wait seconds (or until the next timer) for
 * an fd, then run what is due.  0, 1 when stopped, -1 with e. */
int evloop_once(struct evloop *l, double max_wait, struct px_err *e);

#endif
