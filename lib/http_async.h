/*
 * http_async.h -- px_call without waiting: the same requests as
 * px_call_run (auth, TLS pinning, retries, the body cap, error mapping),
 * driven by the caller's event loop through libcurl's multi socket
 * interface, so that a slow or dead node never blocks the caller.
 *
 * The caller owns the loop.  It gives two hooks: io(fd, what) to watch a
 * socket (PX_ASYNC_IN/OUT, 0 to stop watching) and timer(ms) to be woken
 * once after ms milliseconds (-1: no wake-up needed; a new call replaces
 * the previous one).  It calls px_async_socket when a watched socket is
 * ready and px_async_timeout when the timer fires.  Finished calls are
 * handed to their done callback from inside those two functions.
 *
 *     a = px_async_new(io, timer, loop);
 *     px_call_init(&k, client, "GET", NULL, "/nodes");
 *     px_async_start(a, &k, on_done, arg);   ... on_done(&k, arg): k.rc
 */
#ifndef PX_HTTP_ASYNC_H
#define PX_HTTP_ASYNC_H

#include "http.h"

#define PX_ASYNC_IN	1
#define PX_ASYNC_OUT	2

struct px_async;

typedef void (*px_async_io_fn)(void *arg, int fd, int what);
typedef void (*px_async_timer_fn)(void *arg, long ms);
/* k is finished (k->rc, k->body, k->err as after px_call_run); the
 * caller still owns it and frees it with px_call_free. */
typedef void (*px_async_done_fn)(struct px_call *k, void *arg);

/* A multi handle of its own; free it with px_async_free.  Never NULL:
 * when libcurl cannot make a multi handle, every call started on it
 * ends at once with that error (k->rc -1, k->err) through its done
 * callback, like any call that failed. */
struct px_async *px_async_new(px_async_io_fn io, px_async_timer_fn timer,
    void *arg);
/* Cancel every call in flight (their done callbacks are not called) and
 * free a. */
void px_async_free(struct px_async *a);
/* Start k (prepared with px_call_init; the caller keeps owning it and
 * must not free it before done is called or px_async_cancel). */
void px_async_start(struct px_async *a, struct px_call *k,
    px_async_done_fn done, void *arg);
/* Forget k without calling its done callback. */
void px_async_cancel(struct px_async *a, struct px_call *k);
/* A watched socket is ready (what: PX_ASYNC_IN | PX_ASYNC_OUT). */
void px_async_socket(struct px_async *a, int fd, int what);
/* The timer fired. */
void px_async_timeout(struct px_async *a);
/* Calls not yet finished. */
int px_async_pending(const struct px_async *a);

#endif
