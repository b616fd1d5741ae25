/*
 * tui.h -- what the full-screen commands (pxtop, px fleet) share around
 * tickit: the terminal taken and restored on every way out, tickit's
 * event loop with libcurl's multi socket interface (lib/http_async)
 * driven from it so that no request ever blocks the screen, and the
 * queue that feeds the command's reducer its actions.
 *
 * A command describes its reducer (struct tui_app) and calls tui_run,
 * which owns the terminal until tui_stop: key presses, resizes, quit
 * signals and the start become actions, each reduced in turn by the
 * command's reduce (which runs the effects), and the root window is
 * redrawn from the command's render after the queue is empty.
 *
 * The terminal: quit signals (SIGINT, SIGTERM, SIGHUP) write their
 * number to a pipe that the loop watches, so the loop ends and tickit
 * restores the terminal; fatal signals (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT) put the termios saved at start back, leave the
 * alternate screen and show the cursor with async-signal-safe calls,
 * then die of the signal.  What is written to stderr while the screen
 * is up is held back and written out once the terminal is restored.
 *
 * Rules of the loop learnt from crashes: a watch is never cancelled from
 * inside tickit's own dispatch (cancellations wait for a "later"
 * callback); curl's timer is never cancelled at all (a stale firing only
 * makes curl check its timeouts once more); and no timer is armed or
 * cancelled from inside a timer callback.  libtickit 0.4.3's
 * tickit_evloop_invoke_timers frees each timer it has fired but leaves
 * the list's head pointing at them until the whole batch has run, so
 * when two timers fire together the second one's callback walks freed
 * memory as soon as it inserts a timer (a SIGSEGV, or a timer lost).  A
 * timer callback therefore only schedules a "later" callback
 * (tickit_watch_later), which runs after the list is consistent again,
 * and does its work there.  Actions are reduced from such a callback
 * too: keys and timers arrive inside tickit's timer dispatch, where
 * effects must not arm or cancel a timer.
 *
 * One TUI per process: the state here is static.
 */
#ifndef PX_TUI_H
#define PX_TUI_H

#include <stddef.h>

#include <tickit.h>

#include "http_async.h"

/*
 * Where tui finds the fields of a command's action struct, which has at
 * least these, under these names:
 *
 *     enum ... type;          what happened (an int-sized enum)
 *     const char *key;        a key: tickit's name of it, or its text
 *     int text;               key is typed text
 *     int lines, cols;        a resize
 *     long long now;          epoch when it happened, 0: not stamped
 *
 * TUI_ACTION(struct foo_action) fills it, and does not compile when a
 * field has another size.
 */
struct tui_action_layout {
	size_t size;
	size_t type, key, text, lines, cols, now;	/* offsetof */
};

#define TUI_FIELD(T, f, type) (offsetof(T, f) + \
	0 * sizeof(char[sizeof(((T *)0)->f) == sizeof(type) ? 1 : -1]))
#define TUI_ACTION(T) { sizeof(T), TUI_FIELD(T, type, int), \
	TUI_FIELD(T, key, const char *), TUI_FIELD(T, text, int), \
	TUI_FIELD(T, lines, int), TUI_FIELD(T, cols, int), \
	TUI_FIELD(T, now, long long) }

/*
 * TUI_GLUE(STATE, FX, CLEAR, REDUCE, RENDER, RUN) defines the two
 * adapters a TUI hands to struct tui_app, the same for pxtop and px
 * fleet: reduce_one (CLEAR the effects FX, REDUCE the action into
 * STATE, RUN each effect) and render (RENDER STATE).
 */
#define TUI_GLUE(STATE, FX, CLEAR, REDUCE, RENDER, RUN) \
	static void \
	reduce_one(void *action) \
	{ \
		CLEAR(&FX); \
		REDUCE(&STATE, action, &FX); \
		for (int i_ = 0; i_ < FX.n; i_++) \
			RUN(&FX.e[i_]); \
	} \
	static void \
	render(TickitRenderBuffer *rb, int colour) \
	{ \
		RENDER(&STATE, rb, colour); \
	}

struct tui_app {
	struct tui_action_layout layout;
	/* The values of type for the loop's own events: the loop is up
	 * (the first action), a key (key, text), a resize (lines, cols),
	 * a quit signal. */
	int start, key, resize, signal;
	/* Reduce one queued action and run its effects; the action is the
	 * queue's copy, freed after the call. */
	void (*reduce)(void *action);
	/* Draw the screen into rb, from the state alone; in colour unless
	 * NO_COLOR is set (and not empty). */
	void (*render)(TickitRenderBuffer *rb, int colour);
	/* Called once the terminal, the loop and the asynchronous client
	 * are set up, before the first action: the terminal's size, and
	 * what the command needs to watch more fds or start requests. */
	void (*ready)(Tickit *tk, struct px_async *async, int lines,
	    int cols);
};

/* The argument of -d, the seconds between refreshes (0.2 to 86400);
 * exits with a usage error (px_errx) on anything else. */
double tui_delay(const char *arg);
/* Exit with a usage error (px_errx) unless standard input and output are
 * a terminal, and with 1 when $TERM cannot address the cursor (TERM=dumb,
 * vt52: libtickit would abort); without says what works without one,
 * e.g. "px ls works without one". */
void tui_need_terminal(const char *without);

/*
 * Take the terminal, run the loop until tui_stop, restore the terminal
 * and write out what was said on stderr meanwhile; returns then.  Exits
 * (px_errx) when the terminal cannot be opened or the signal pipe not
 * made.  Call once stdin and stdout are known to be a terminal.
 */
void tui_run(const struct tui_app *app);
/*
 * From inside tui_run: give the terminal to this same binary run with
 * argv (e.g. { "px", "top", "-p", NAME, NULL }) as a child, wait for it,
 * then take the terminal back and redraw.  Returns the child's exit
 * status, or -1 when it could not be run or died of a signal.
 */
int tui_run_child(char *const argv[]);
/* End tui_run after the callback that calls it. */
void tui_stop(void);

/* Queue a copy of action: stamped with the time when its now is 0 (the
 * reducers have no clock), its key text copied (tickit's string lives
 * only as long as its key event).  The caller pumps, e.g. after curl's
 * callbacks (tui_run pumps after each of them itself). */
void tui_post(const void *action);
/* Queue a copy of action and pump from a "later" callback. */
void tui_dispatch(const void *action);
/* Reduce everything queued, then redraw; not reentrant (a nested call
 * returns at once and the outer one goes on). */
void tui_pump(void);

/*
 * Arm a one-shot timer of ms milliseconds on the loop; safe anywhere,
 * also inside a timer callback (the rule above): the timer is armed from
 * a "later" callback, which tickit runs after its timers.  fn is called
 * once with TICKIT_EV_FIRE.
 */
/*
 * A mailbox from other threads (pxtop's worker, fleet's first contacts)
 * into the loop: tui_mailbox_open makes its pipe (exits when it cannot);
 * tui_mailbox_send, from any thread, hands over a pointer; in the loop
 * (once tui_mailbox_watch ran, from the app's ready), recv is called
 * with each one, and the queue is pumped after.  recv owns msg.
 */
struct tui_mailbox {
	int fd[2];
	void (*recv)(void *msg);
};
void tui_mailbox_open(struct tui_mailbox *mb, void (*recv)(void *msg));
void tui_mailbox_watch(Tickit *tk, struct tui_mailbox *mb);
/* 0, or -1 when the loop's end is gone: msg is still the caller's. */
int tui_mailbox_send(struct tui_mailbox *mb, void *msg);

void tui_timer(int ms, TickitCallbackFn *fn, void *user);

#endif
