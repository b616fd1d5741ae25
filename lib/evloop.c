/* evloop.c -- poll(2) and timers for the daemon (evloop.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evloop.h"

struct ev_timer {
	int used;
	double due, interval;
	evloop_timer_fn fn;
	void *arg;
};

struct ev_fd {
	int fd;
	short events;
	evloop_fd_fn fn;
	void *arg;
};

struct evloop {
	struct ev_timer t[EVLOOP_MAX_TIMERS];
	struct ev_fd f[EVLOOP_MAX_FDS];
	int nf;
	int stopped;
};

struct evloop *
evloop_new(void)
{
	return px_xcalloc(1, sizeof(struct evloop));
}

void
evloop_free(struct evloop *l)
{
	free(l);
}

int
evloop_timer(struct evloop *l, double first, double interval,
    evloop_timer_fn fn, void *arg)
{
	for (int i = 0; i < EVLOOP_MAX_TIMERS; i++)
		if (!l->t[i].used) {
			l->t[i] = (struct ev_timer){ 1, px_mono() + first,
			    interval, fn, arg };
			return i;
		}
	return -1;
}

void
evloop_timer_set(struct evloop *l, int id, double first, double interval)
{
	if (id < 0 || id >= EVLOOP_MAX_TIMERS || !l->t[id].used)
		return;
	l->t[id].due = px_mono() + first;
	l->t[id].interval = interval;
}

void
evloop_timer_del(struct evloop *l, int id)
{
	if (id >= 0 && id < EVLOOP_MAX_TIMERS)
		l->t[id].used = 0;
}

double
evloop_timer_due(const struct evloop *l, int id)
{
	double d;

	if (id < 0 || id >= EVLOOP_MAX_TIMERS || !l->t[id].used)
		return -1;
	d = l->t[id].due - px_mono();
	return d > 0 ? d : 0;
}

int
evloop_fd(struct evloop *l, int fd, short events, evloop_fd_fn fn,
    void *arg)
{
	for (int i = 0; i < l->nf; i++)
		if (l->f[i].fd == fd) {
			l->f[i] = (struct ev_fd){ fd, events, fn, arg };
			return 0;
		}
	if (l->nf == EVLOOP_MAX_FDS)
		return -1;
	l->f[l->nf++] = (struct ev_fd){ fd, events, fn, arg };
	return 0;
}

void
evloop_fd_del(struct evloop *l, int fd)
{
	for (int i = 0; i < l->nf; i++)
		if (l->f[i].fd == fd) {
			memmove(&l->f[i], &l->f[i + 1],
			    (size_t)(l->nf - i - 1) * sizeof(l->f[0]));
			l->nf--;
			return;
		}
}

void
evloop_stop(struct evloop *l)
{
	l->stopped = 1;
}

int
evloop_once(struct evloop *l, double max_wait, struct px_err *e)
{
	struct pollfd pfd[EVLOOP_MAX_FDS];
	struct ev_fd ready[EVLOOP_MAX_FDS];
	short rev[EVLOOP_MAX_FDS];
	double now = px_mono(), wait = max_wait;
	int n = l->nf, nr = 0, ms, rc;

	for (int i = 0; i < EVLOOP_MAX_TIMERS; i++)
		if (l->t[i].used && l->t[i].due - now < wait)
			wait = l->t[i].due - now;
	if (wait < 0)
		wait = 0;
	ms = (int)(wait * 1000 + 0.999);
	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ l->f[i].fd, l->f[i].events, 0 };
	rc = poll(pfd, (nfds_t)n, ms);
	if (rc < 0 && errno != EINTR)
		return px_fail(e, PXE_IO, "poll: %s", strerror(errno));
	/* copy first: a callback may add or remove entries */
	for (int i = 0; rc > 0 && i < n; i++)
		if (pfd[i].revents) {
			ready[nr] = l->f[i];
			rev[nr++] = pfd[i].revents;
		}
	for (int i = 0; i < nr && !l->stopped; i++) {
		int still = 0;

		for (int k = 0; k < l->nf; k++)
			still |= l->f[k].fd == ready[i].fd &&
			    l->f[k].fn == ready[i].fn;
		if (still)
			ready[i].fn(l, ready[i].fd, rev[i], ready[i].arg);
	}
	now = px_mono();
	for (int i = 0; i < EVLOOP_MAX_TIMERS && !l->stopped; i++) {
		struct ev_timer *t = &l->t[i];

		if (!t->used || t->due > now)
			continue;
		if (t->interval > 0) {
			/* the next slot after now: a slow callback skips
			 * slots rather than running them back to back */
			t->due += t->interval;
			if (t->due <= now)
				t->due = now + t->interval;
		} else {
			t->used = 0;
		}
		t->fn(l, i, t->arg);
		now = px_mono();
	}
	return l->stopped ? 1 : 0;
}

int
evloop_run(struct evloop *l, struct px_err *e)
{
	int rc;

	while ((rc = evloop_once(l, 3600, e)) == 0)
		;
	return rc < 0 ? -1 : 0;
}
