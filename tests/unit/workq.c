/*
 * workq.c -- the job threads: every job runs once, in the order added
 * on one thread, at once on two; workq_wait waits for all of them;
 * workq_free runs what is left; without a queue, jobs run inline;
 * px_thread_start's signal mask.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "workq.h"

static int counter;
static int order[100], norder;

static void
count(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
}

static void
note(void *arg)
{
	order[norder++] = (int)(long)arg;	/* one thread: no race */
}

/* Two jobs that each wait for the other to have started: they can only
 * both end when two threads run them at once. */
static int started;

static void
meet(void *arg)
{
	int *met = arg;
	struct timespec d = { 0, 1000000 };

	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 5000; i++) {	/* 5 s at most */
		if (__atomic_load_n(&started, __ATOMIC_SEQ_CST) >= 2) {
			*met = 1;
			return;
		}
		nanosleep(&d, NULL);
	}
}

static void
slow(void *arg)
{
	struct timespec d = { 0, 20000000 };

	nanosleep(&d, NULL);
	count(arg);
}

/* The signal mask a thread of px_thread_start starts with. */
static void *
mask_of(void *arg)
{
	pthread_sigmask(SIG_SETMASK, NULL, arg);
	return NULL;
}

int
main(void)
{
	struct workq *q;
	int met[2] = { 0, 0 }, inorder = 1;

	q = workq_new(4);
	ok(q != NULL, "four threads start");
	for (int i = 0; i < 10000; i++)
		workq_add(q, count, NULL);
	workq_wait(q);
	is_int(counter, 10000, "10,000 jobs on four threads: each ran once");
	workq_wait(q);
	ok(1, "workq_wait with nothing pending returns");
	workq_free(q);

	q = workq_new(1);
	for (long i = 0; i < 100; i++)
		workq_add(q, note, (void *)i);
	workq_wait(q);
	for (int i = 0; i < 100; i++)
		inorder &= order[i] == i;
	ok(norder == 100 && inorder, "one thread: the jobs in the order "
	    "they were added");
	workq_free(q);

	q = workq_new(2);
	workq_add(q, meet, &met[0]);
	workq_add(q, meet, &met[1]);
	workq_wait(q);
	ok(met[0] && met[1], "two threads: two jobs run at once");
	workq_free(q);

	counter = 0;
	q = workq_new(2);
	for (int i = 0; i < 6; i++)
		workq_add(q, slow, NULL);
	workq_free(q);
	is_int(counter, 6, "workq_free runs the jobs still waiting first");

	counter = 0;
	workq_add(NULL, count, NULL);
	is_int(counter, 1, "no queue: the job runs on the caller's thread");
	workq_wait(NULL);
	workq_free(NULL);
	ok(1, "workq_wait and workq_free of no queue do nothing");

	q = workq_new(0);
	ok(q != NULL, "one thread per CPU");
	workq_free(q);
	q = workq_new(1000);
	ok(q != NULL, "1,000 asked: at most WORKQ_MAX start");
	workq_free(q);

	/* Signals stay with the main thread, but those a thread raises
	 * itself: a write to a closed pipe, a fault. */
	{
		sigset_t m;
		pthread_t th;
		static const int own[] = { SIGPIPE, SIGSEGV, SIGBUS, SIGFPE,
			SIGILL, SIGABRT };
		static const int main_only[] = { SIGINT, SIGTERM, SIGHUP,
			SIGWINCH, SIGCHLD, SIGALRM, SIGUSR1 };
		int good = 1;

		sigemptyset(&m);
		ok(px_thread_start(&th, mask_of, &m) == 0 &&
		    pthread_join(th, NULL) == 0, "px_thread_start starts a "
		    "thread");
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			good &= !sigismember(&m, own[i]);
		ok(good, "its own signals (SIGPIPE, the faults) unblocked");
		good = 1;
		for (size_t i = 0; i < sizeof(main_only) /
		    sizeof(main_only[0]); i++)
			good &= sigismember(&m, main_only[i]) == 1;
		ok(good, "the others (SIGINT, SIGTERM, SIGWINCH, ...) blocked");
		sigemptyset(&m);
		pthread_sigmask(SIG_SETMASK, NULL, &m);
		ok(!sigismember(&m, SIGINT), "the caller's mask is as it was");
	}
	return done_testing();
}
