/*
 * http_feed.c -- a call's feed while its answer arrives (px_call.feed).
 *
 * libcurl hands over the answer in pieces of 16 KB; feed reads the whole
 * body so far after each.  With k->feed_thread, and a Content-Length
 * that sizes the body once, feed runs on a thread of its own: libcurl's
 * thread receives and decrypts the next pieces while the worker parses
 * and formats the ones before, so on two cores the parse hides behind
 * the transfer instead of following it (issue 21: 10,000 guests are 3.2
 * MB, and their parse costs more than their transfer on loopback).
 *
 * The body never moves while the worker reads it: it was sized to the
 * Content-Length before the first byte, and a piece that would pass that
 * (a server that lied, or a compressed answer) first stops the worker;
 * feed then goes on on libcurl's thread from where the worker stopped.
 * The worker reads body[0..avail) only, published under the mutex after
 * the bytes were written; libcurl's thread writes past avail only.  The
 * worker is joined before anything else looks at the call again: at the
 * end of the attempt (call_finish), before a new attempt, when the call
 * is freed.  Signals stay with the main thread.
 */
#include <pthread.h>
#include <stdlib.h>

#include "http_impl.h"
#include "workq.h"

struct feed_worker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int (*feed)(void *arg, const char *p, size_t n,
	    unsigned long long total);
	unsigned long long total;	/* the Content-Length */
	void *arg;
	const char *p;		/* the body: fixed while the worker runs */
	size_t avail;		/* bytes published to the worker */
	int done;		/* no more will come: finish */
	int stopped;		/* feed asked for no more */
};

static void *
worker_main(void *arg)
{
	struct feed_worker *w = arg;
	size_t seen = 0, n;
	int done;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->avail == seen && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		n = w->avail;
		done = w->done;
		pthread_mutex_unlock(&w->mu);
		if (n > seen) {
			seen = n;
			if (w->feed(w->arg, w->p, n, w->total) != 0) {
				pthread_mutex_lock(&w->mu);
				w->stopped = 1;
				pthread_mutex_unlock(&w->mu);
				return NULL;
			}
			continue;	/* more may have come meanwhile */
		}
		if (done)
			return NULL;
	}
}

/* Start the worker on k's body, sized for clen bytes: 0, or -1 when
 * it could not start (feed then stays on this thread). */
static int
worker_start(struct px_call *k, struct call_priv *cp)
{
	struct feed_worker *w = px_xcalloc(1, sizeof(*w));
	int rc;

	buf_grow(&k->body, (size_t)cp->clen + 1);
	w->feed = k->feed;
	w->arg = k->feed_arg;
	w->total = (unsigned long long)cp->clen;
	w->p = k->body.p;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	rc = px_thread_start(&w->th, worker_main, w);
	if (rc != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return -1;
	}
	cp->fw = w;
	return 0;
}

void
http_feed_join(struct call_priv *cp)
{
	struct feed_worker *w = cp->fw;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	if (w->stopped)
		cp->feed_off = 1;
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	cp->fw = NULL;
}

void
http_feed_piece(struct px_call *k, struct call_priv *cp, const char *data,
    size_t n)
{
	struct feed_worker *w = cp->fw;

	if (w == NULL && !cp->fed && k->feed_thread && cp->clen > 0 &&
	    (unsigned long long)cp->clen <= HTTP_BODY_CAP &&
	    k->body.len == 0 && worker_start(k, cp) == 0)
		w = cp->fw;
	cp->fed = 1;
	if (w != NULL && k->body.len + n + 1 > k->body.cap) {
		/* more than the Content-Length said: the body moves */
		http_feed_join(cp);
		w = NULL;
	}
	buf_add(&k->body, data, n);
	if (cp->feed_off)
		return;
	if (w == NULL) {
		if (k->feed(k->feed_arg, k->body.p, k->body.len, cp->clen > 0 ?
		    (unsigned long long)cp->clen : 0) != 0)
			cp->feed_off = 1;
		return;
	}
	pthread_mutex_lock(&w->mu);
	if (w->stopped)
		cp->feed_off = 1;
	w->avail = k->body.len;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}
