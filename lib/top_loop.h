/*
 * top_loop.h -- libcurl's multi socket interface (lib/http_async) driven
 * from a tickit event loop, for pxtop and px fleet: curl's sockets become
 * tickit io watches and its timer a tickit timer, so no request ever
 * blocks the screen.
 *
 * Three rules learnt from crashes: a watch is never cancelled from inside
 * tickit's own dispatch (cancellations wait for a "later" callback), a
 * timer is never armed from inside it (top_loop_timer waits for one
 * too), and curl's timer is never cancelled at all (a stale firing only
 * makes curl check its timeouts once more).
 */
#ifndef PX_TOP_LOOP_H
#define PX_TOP_LOOP_H

#include <tickit.h>

#include "http_async.h"

/*
 * Arm a one-shot timer of ms milliseconds on tk's loop; safe anywhere,
 * also inside a timer callback.  libtickit 0.4 frees each timer it has
 * fired but leaves its list head on the first of them until the pass
 * ends, so a second timer of the same pass that arms a new one makes
 * tickit_watch_timer_at_tv walk freed memory (a SIGSEGV, or a timer
 * lost).  The timer is therefore armed from a "later" callback, which
 * tickit runs after its timers.  fn is called once with
 * TICKIT_EV_FIRE.
 */
void top_loop_timer(Tickit *tk, int ms, TickitCallbackFn *fn, void *user);

/* The asynchronous client bound to tk; after (may be NULL) is called
 * after curl has handled each socket event or timeout, e.g. to run the
 * actions the finished requests produced.  One per process. */
struct px_async *top_loop_attach(Tickit *tk, void (*after)(void *arg),
    void *arg);

#endif
