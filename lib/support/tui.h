/*
 * tui.h -- libcurl's multi socket interface (lib/http_async) driven
 * from a tickit event loop, for pxtop and px fleet: curl's sockets become
 * tickit io watches and its timer a tickit timer, so no request ever
 * blocks the screen.
 *
 * Rules learnt from crashes: a watch is never cancelled from inside
 * tickit's own dispatch (cancellations wait for a "later" callback);
 * curl's timer is never cancelled at all (a stale firing only makes curl
 * check its timeouts once more); and no timer is armed or cancelled from
 * inside a timer callback.  libtickit 0.4.3's tickit_evloop_invoke_timers
 * frees each timer it has fired but leaves the list's head pointing at
 * them until the whole batch has run, so when two timers fire together
 * the second one's callback walks freed memory as soon as it inserts a
 * timer (a SIGSEGV, or a timer lost).  A timer callback therefore only
 * schedules a "later" callback (tickit_watch_later), which runs after
 * the list is consistent again, and does its work there.
 */
#ifndef PX_TUI_H
#define PX_TUI_H

#include <tickit.h>

#include "http_async.h"

/*
 * Arm a one-shot timer of ms milliseconds on tk's loop; safe anywhere,
 * also inside a timer callback (the rule above): the timer is armed from
 * a "later" callback, which tickit runs after its timers.  fn is called
 * once with TICKIT_EV_FIRE.
 */
void top_loop_timer(Tickit *tk, int ms, TickitCallbackFn *fn, void *user);

/*
 * The reducer's action queue, one per process (pxtop, px fleet): an
 * action is copied in (size bytes), stamped with the time at its now
 * field when it has none (the reducers have no clock), its key text
 * copied (tickit's string lives only as long as its key event), and
 * reduced later, one at a time, by reduce (which runs its effects);
 * redraw follows.  top_queue_dispatch runs the queue from a "later"
 * callback: keys and timers arrive inside tickit's timer dispatch, where
 * effects must not arm or cancel a timer (the rule above).
 */
struct top_queue_def {
	size_t size;		/* sizeof the action struct */
	size_t key_off;		/* offsetof its const char *key */
	size_t now_off;		/* offsetof its long long now */
	void (*reduce)(void *action);	/* the queued copy */
	void (*redraw)(void);
};
void top_queue_init(Tickit *tk, const struct top_queue_def *def);
/* Queue an action (the caller pumps, e.g. after curl's callbacks). */
void top_queue_post(const void *action);
/* Queue an action and pump from a later callback. */
void top_queue_dispatch(const void *action);
/* Reduce everything queued, then redraw; not reentrant (a nested call
 * returns at once and the outer one goes on). */
void top_queue_pump(void);

/* The asynchronous client bound to tk; after (may be NULL) is called
 * after curl has handled each socket event or timeout, e.g. to run the
 * actions the finished requests produced.  One per process. */
struct px_async *top_loop_attach(Tickit *tk, void (*after)(void *arg),
    void *arg);

/*
 * Run tk's loop until top_loop_stop.  Not tickit_run: libtickit 0.4.3
 * never initialises its event loop's set of pending signals, and
 * tickit_run watches SIGINT, so on the first interrupted poll (the first
 * resize) whatever garbage that set holds can fire its SIGINT watch and
 * end the loop; ASan's malloc fill makes it happen every time.  Without
 * tickit_run nothing watches SIGINT there (top_term.h handles it).
 */
void top_loop_run(Tickit *tk);
/* End top_loop_run after the callback that calls it. */
void top_loop_stop(Tickit *tk);

#endif
