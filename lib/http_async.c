/*
 * http_async.c -- px_call driven by the caller's event loop: libcurl's
 * multi socket interface (curl_multi_socket_action), one attempt at a
 * time through http.c's http_call_attempt / http_call_finish, so retries,
 * the rate limit and error mapping are exactly those of px_call_run.
 */
#include <stdlib.h>

#include <curl/curl.h>

#include "clock.h"
#include "http_async.h"
#include "http_impl.h"

struct async_call {
	struct px_call *k;
	px_async_done_fn done;
	void *arg;
	CURL *easy;		/* while in the multi handle */
	double not_before;	/* when waiting for a retry or the rate limit */
	int own;		/* a ticket renewal: http.c's, not the caller's */
	struct async_call *next;
};

struct px_async {
	CURLM *multi;		/* NULL when libcurl could not make one */
	struct px_err err;	/* why, then */
	px_async_io_fn io;
	px_async_timer_fn timer;
	void *arg;
	struct async_call *calls;	/* every call not yet finished */
	double curl_due;		/* curl's own timer, -1 when none */
	int busy;			/* inside a dispatch: do not re-enter */
};

static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct px_async *a = userp;
	int w = 0;

	(void)easy;
	(void)socketp;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		w |= PX_ASYNC_IN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		w |= PX_ASYNC_OUT;
	a->io(a->arg, (int)s, w);	/* CURL_POLL_REMOVE: 0 */
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *userp)
{
	struct px_async *a = userp;

	(void)m;
	a->curl_due = ms < 0 ? -1 : px_mono() + ms / 1000.0;
	return 0;
}

/* Tell the caller when to wake us: curl's timer or the earliest retry. */
static void
rearm(struct px_async *a)
{
	double due = a->curl_due, now = px_mono();
	long ms;

	for (struct async_call *c = a->calls; c; c = c->next)
		if (c->easy == NULL && (due < 0 || c->not_before < due))
			due = c->not_before;
	if (due < 0) {
		a->timer(a->arg, -1);
		return;
	}
	ms = (long)((due - now) * 1000 + 0.999);
	a->timer(a->arg, ms < 0 ? 0 : ms);
}

static void unlink_call(struct px_async *, struct async_call *);

/* Start the attempts that are due. */
static void
launch(struct px_async *a)
{
	double now = px_mono();
	struct async_call *c, *next;

	for (c = a->calls; c; c = next) {
		next = c->next;
		if (c->easy != NULL || c->not_before > now)
			continue;
		c->easy = http_call_attempt(c->k, &c->not_before);
		if (c->easy != NULL) {
			curl_multi_add_handle(a->multi, c->easy);
		} else if (c->not_before < 0) {
			/* Refused before anything was sent: done.  Its
			 * callback may start or cancel calls: from the top. */
			unlink_call(a, c);
			c->done(c->k, c->arg);
			free(c);
			next = a->calls;
		}
	}
}

static void
unlink_call(struct px_async *a, struct async_call *c)
{
	for (struct async_call **pp = &a->calls; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

/* Collect finished transfers: retry, or hand them to their callbacks. */
static void
harvest(struct px_async *a)
{
	CURLMsg *msg;
	int q;

	while ((msg = curl_multi_info_read(a->multi, &q)) != NULL) {
		struct async_call *c;
		CURLcode rc = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		for (c = a->calls; c && c->easy != msg->easy_handle; c = c->next)
			;
		curl_multi_remove_handle(a->multi, msg->easy_handle);
		if (c == NULL)
			continue;
		c->easy = NULL;
		if (!http_call_finish(c->k, (int)rc, &c->not_before))
			continue;	/* retried at not_before */
		unlink_call(a, c);
		c->done(c->k, c->arg);
		free(c);
	}
}

/*
 * Without a multi handle every call ends with a->err, through its done
 * callback like any failed call.  Only the calls there when it starts:
 * one a callback starts again ends in the next step.
 */
static void
fail_all(struct px_async *a)
{
	struct async_call *c;
	int n = 0;

	for (c = a->calls; c; c = c->next)
		n++;
	while (n-- > 0 && (c = a->calls) != NULL) {
		a->calls = c->next;
		c->k->rc = -1;
		c->k->err = a->err;
		c->done(c->k, c->arg);
		free(c);
	}
}

static void
step(struct px_async *a, curl_socket_t s, int ev)
{
	int running;

	a->busy++;
	if (a->multi == NULL) {
		fail_all(a);
		a->busy--;
		rearm(a);
		return;
	}
	launch(a);
	curl_multi_socket_action(a->multi, s, ev, &running);
	harvest(a);
	launch(a);
	/* Attempts launched just now need a first kick. */
	curl_multi_socket_action(a->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	harvest(a);
	a->busy--;
	rearm(a);
}

struct px_async *
px_async_new(px_async_io_fn io, px_async_timer_fn timer, void *arg)
{
	struct px_async *a = px_xcalloc(1, sizeof(*a));

	curl_global_init(CURL_GLOBAL_DEFAULT);
	a->io = io;
	a->timer = timer;
	a->arg = arg;
	a->curl_due = -1;
	if ((a->multi = curl_multi_init()) == NULL) {
		px_fail(&a->err, PXE_FAILURE, "cannot initialise libcurl");
		return a;
	}
	curl_multi_setopt(a->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(a->multi, CURLMOPT_SOCKETDATA, a);
	curl_multi_setopt(a->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(a->multi, CURLMOPT_TIMERDATA, a);
	curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
	return a;
}

void
px_async_free(struct px_async *a)
{
	struct async_call *c, *next;

	if (a == NULL)
		return;
	for (c = a->calls; c; c = next) {
		next = c->next;
		if (c->easy)
			curl_multi_remove_handle(a->multi, c->easy);
		if (c->own)
			http_renewal_done(c->k);
		free(c);
	}
	if (a->multi != NULL)
		curl_multi_cleanup(a->multi);
	free(a);
}

static void
renewal_done(struct px_call *k, void *arg)
{
	(void)arg;
	http_renewal_done(k);
}

static void
add(struct px_async *a, struct px_call *k, px_async_done_fn done,
    void *arg, int own)
{
	struct async_call *c = px_xcalloc(1, sizeof(*c)), **pp;

	c->k = k;
	c->done = done;
	c->arg = arg;
	c->own = own;
	c->not_before = px_mono();
	for (pp = &a->calls; *pp; pp = &(*pp)->next)
		;
	*pp = c;	/* in order: first asked, first sent */
}

void
px_async_start(struct px_async *a, struct px_call *k, px_async_done_fn done,
    void *arg)
{
	struct px_call *r;

	/* A ticket about to expire is renewed next to k, not before it. */
	if ((r = http_renewal(k->c)) != NULL)
		add(a, r, renewal_done, NULL, 1);
	add(a, k, done, arg, 0);
	if (a->busy)
		return;	/* the running step launches it */
	step(a, CURL_SOCKET_TIMEOUT, 0);
}

void
px_async_cancel(struct px_async *a, struct px_call *k)
{
	for (struct async_call *c = a->calls; c; c = c->next)
		if (c->k == k) {
			if (c->easy)
				curl_multi_remove_handle(a->multi, c->easy);
			unlink_call(a, c);
			free(c);
			return;
		}
}

void
px_async_socket(struct px_async *a, int fd, int what)
{
	int ev = 0;

	if (what & PX_ASYNC_IN)
		ev |= CURL_CSELECT_IN;
	if (what & PX_ASYNC_OUT)
		ev |= CURL_CSELECT_OUT;
	step(a, (curl_socket_t)fd, ev);
}

void
px_async_timeout(struct px_async *a)
{
	step(a, CURL_SOCKET_TIMEOUT, 0);
}

int
px_async_pending(const struct px_async *a)
{
	int n = 0;

	for (const struct async_call *c = a->calls; c; c = c->next)
		n += !c->own;
	return n;
}
