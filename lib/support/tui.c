/* tui.c -- http_async on tickit's loop (see tui.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "tui.h"

#define MAX_FD	4096

static Tickit *tk;
static struct px_async *async;
static void (*after_fn)(void *);
static void *after_arg;
static void *io_watch[MAX_FD];
static int io_cond[MAX_FD];
static void *dead_watch[MAX_FD * 2];
static int ndead, reap_armed;
static long long async_due;	/* earliest curl timer armed (ms), 0: none */
static int stopping;

static void
after(void)
{
	if (after_fn)
		after_fn(after_arg);
}

static int
on_io(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	TickitIOWatchInfo *w = info;
	int what = 0;

	(void)t;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	if (w->fd < 0 || w->fd >= MAX_FD || io_cond[w->fd] == 0)
		return 0;	/* dropped, waiting to be reaped */
	if (w->cond & (TICKIT_IO_IN | TICKIT_IO_HUP | TICKIT_IO_ERR))
		what |= PX_ASYNC_IN;
	if (w->cond & TICKIT_IO_OUT)
		what |= PX_ASYNC_OUT;
	px_async_socket(async, w->fd, what);
	after();
	return 0;
}

static int
reap_watches(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	reap_armed = 0;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	for (int i = 0; i < ndead; i++)
		tickit_watch_cancel(t, dead_watch[i]);
	ndead = 0;
	return 0;
}

/* curl wants fd watched for what (0: not any more). */
static void
hook_io(void *arg, int fd, int what)
{
	int cond = 0;

	(void)arg;
	if (fd < 0 || fd >= MAX_FD)
		return;
	if (what & PX_ASYNC_IN)
		cond |= TICKIT_IO_IN | TICKIT_IO_HUP;
	if (what & PX_ASYNC_OUT)
		cond |= TICKIT_IO_OUT;
	if (io_watch[fd] && io_cond[fd] == cond)
		return;
	if (io_watch[fd]) {
		if (ndead < MAX_FD * 2)
			dead_watch[ndead++] = io_watch[fd];
		io_watch[fd] = NULL;
		if (!reap_armed) {
			reap_armed = 1;
			tickit_watch_later(tk, 0, reap_watches, NULL);
		}
	}
	io_cond[fd] = cond;
	if (cond)
		io_watch[fd] = tickit_watch_io(tk, fd, cond, 0, on_io, NULL);
}

static long long
mono_ms(void)
{
	return (long long)(px_mono() * 1000);
}

/* curl's timeout, run from a "later" callback: curl re-arms its timer
 * there, which tickit's timer dispatch must never see (top_loop.h). */
static int
on_timer_later(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)t;
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	px_async_timeout(async);
	after();
	return 0;
}

static int
on_timer(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	async_due = 0;	/* the earliest fires first: none is armed now */
	tickit_watch_later(t, 0, on_timer_later, NULL);
	return 0;
}

/* curl's timer: armed only when earlier than the one armed, never
 * cancelled, never from inside tickit's timer dispatch. */
static void
hook_timer(void *arg, long ms)
{
	long long due;

	(void)arg;
	if (ms < 0)
		return;
	due = mono_ms() + ms;
	if (async_due && async_due <= due)
		return;
	async_due = due;
	tickit_watch_timer_after_msec(tk, (int)ms, 0, on_timer, NULL);
}

struct px_async *
top_loop_attach(Tickit *t, void (*fn)(void *arg), void *arg)
{
	tk = t;
	after_fn = fn;
	after_arg = arg;
	async = px_async_new(hook_io, hook_timer, NULL);
	return async;
}

struct deferred {
	int ms;
	TickitCallbackFn *fn;
	void *user;
};

static int
arm_deferred(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	struct deferred *d = user;

	(void)info;
	if (f & TICKIT_EV_FIRE)
		tickit_watch_timer_after_msec(t, d->ms, 0, d->fn, d->user);
	free(d);
	return 0;
}

void
top_loop_timer(Tickit *t, int ms, TickitCallbackFn *fn, void *user)
{
	struct deferred *d = px_xmalloc(sizeof(*d));

	d->ms = ms;
	d->fn = fn;
	d->user = user;
	/* Bound for UNBIND too, so that d is freed if the loop ends
	 * first. */
	tickit_watch_later(t, TICKIT_BIND_UNBIND, arm_deferred, d);
}

/* ---- the action queue ---- */

struct queued {
	struct queued *next;
	char key[64];
	long long data[];	/* the action, suitably aligned */
};

static struct top_queue_def qdef;
static Tickit *qtk;
static struct queued *q_head, *q_tail;
static int q_pumping, q_armed;

void
top_queue_init(Tickit *t, const struct top_queue_def *def)
{
	qtk = t;
	qdef = *def;
}

void
top_queue_post(const void *action)
{
	struct queued *q = px_xmalloc(sizeof(*q) + qdef.size);
	const char *key;
	long long now;

	memcpy(q->data, action, qdef.size);
	memcpy(&now, (const char *)action + qdef.now_off, sizeof(now));
	if (now == 0) {
		now = (long long)time(NULL);
		memcpy((char *)q->data + qdef.now_off, &now, sizeof(now));
	}
	memcpy(&key, (const char *)action + qdef.key_off, sizeof(key));
	if (key != NULL) {
		snprintf(q->key, sizeof(q->key), "%s", key);
		key = q->key;
		memcpy((char *)q->data + qdef.key_off, &key, sizeof(key));
	}
	q->next = NULL;
	if (q_tail)
		q_tail->next = q;
	else
		q_head = q;
	q_tail = q;
}

void
top_queue_pump(void)
{
	if (q_pumping)
		return;
	q_pumping = 1;
	while (q_head) {
		struct queued *q = q_head;

		if ((q_head = q->next) == NULL)
			q_tail = NULL;
		qdef.reduce(q->data);
		free(q);
	}
	q_pumping = 0;
	if (qdef.redraw)
		qdef.redraw();
}

static int
on_pump_later(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)t;
	(void)info;
	(void)user;
	q_armed = 0;
	if (f & TICKIT_EV_FIRE)
		top_queue_pump();
	return 0;
}

void
top_queue_dispatch(const void *action)
{
	top_queue_post(action);
	if (!q_armed) {
		q_armed = 1;
		tickit_watch_later(qtk, 0, on_pump_later, NULL);
	}
}

void
top_loop_run(Tickit *t)
{
	stopping = 0;
	while (!stopping)
		tickit_tick(t, TICKIT_RUN_DEFAULT);
}

void
top_loop_stop(Tickit *t)
{
	stopping = 1;
	tickit_stop(t);
}
