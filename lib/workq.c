/*
 * workq.c -- a few threads that run jobs in the order they were added.
 *
 * The jobs wait in a list under one mutex; each thread takes the oldest.
 * Signals stay with the main thread: the threads start (px_thread_start,
 * as every thread of px) with every signal blocked but those the thread
 * raises itself: SIGPIPE, which a write raises in the thread that
 * writes, so that a job writing to a closed pipe (px ls -A | head) ends
 * px as the main thread's write would, and the faults.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "err.h"
#include "workq.h"

struct job {
	void (*fn)(void *arg);
	void *arg;
	struct job *next;
};

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t more;	/* a job was added, or stop */
	pthread_cond_t idle;	/* a job ended */
	struct job *head, **tail;
	int pending;		/* added and not ended */
	int stop;
	int nth;
	pthread_t th[WORKQ_MAX];
};

static void *
worker(void *arg)
{
	struct workq *q = arg;
	struct job *j;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->more, &q->mu);
		if (q->head == NULL)
			break;		/* stopped, and nothing is left */
		j = q->head;
		q->head = j->next;
		if (q->head == NULL)
			q->tail = &q->head;
		pthread_mutex_unlock(&q->mu);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&q->mu);
		if (--q->pending == 0)
			pthread_cond_broadcast(&q->idle);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct workq *
workq_new(int n)
{
	struct workq *q;
	long cpus;

	if (n <= 0) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (int)cpus : 1;
	}
	if (n > WORKQ_MAX)
		n = WORKQ_MAX;
	q = px_xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->idle, NULL);
	q->tail = &q->head;
	while (q->nth < n && px_thread_start(&q->th[q->nth], worker, q) == 0)
		q->nth++;
	if (q->nth == 0) {
		workq_free(q);
		return NULL;
	}
	return q;
}

void
workq_add(struct workq *q, void (*fn)(void *arg), void *arg)
{
	struct job *j;

	if (q == NULL) {
		fn(arg);
		return;
	}
	j = px_xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&q->mu);
	*q->tail = j;
	q->tail = &j->next;
	q->pending++;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
}

void
workq_wait(struct workq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	while (q->pending > 0)
		pthread_cond_wait(&q->idle, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

void
workq_free(struct workq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->more);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nth; i++)
		pthread_join(q->th[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->idle);
	free(q);
}

int
px_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	/* raised by the thread itself: a write to a closed pipe, a fault
	 * (a TUI's handler puts the terminal back before px dies) */
	static const int own[] = { SIGPIPE, SIGSEGV, SIGBUS, SIGFPE, SIGILL,
		SIGTRAP, SIGSYS, SIGABRT };
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		sigdelset(&all, own[i]);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
