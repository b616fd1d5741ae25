/*
 * workq.h -- a few threads that run jobs in the order they were added.
 *
 * For work that is independent and CPU-bound, such as parsing the
 * answers of many profiles (px ls -A): on two cores two answers are read
 * at once instead of one after the other.  A job must not touch what
 * another job or the adding thread uses without its own lock.
 */
#ifndef PX_WORKQ_H
#define PX_WORKQ_H

#include <pthread.h>

/* At most this many threads. */
#define WORKQ_MAX	8

struct workq;

/* A queue served by n threads (n <= 0: one per CPU online, at most
 * WORKQ_MAX).  NULL when not one thread could start: workq_add then
 * runs each job itself, on the caller's thread. */
struct workq *workq_new(int n);
/* Run fn(arg) on one of q's threads. */
void workq_add(struct workq *q, void (*fn)(void *arg), void *arg);
/* Wait until every job added so far has run. */
void workq_wait(struct workq *q);
/* workq_wait, then stop q's threads and free it (NULL: nothing). */
void workq_free(struct workq *q);

/* Start a thread of px's own (every one starts here): signals stay
 * with the main thread, but those the thread raises itself: SIGPIPE
 * (a write to a closed pipe ends px there as it would in the main
 * thread) and the faults (SIGSEGV, ...: a TUI's handler restores the
 * terminal).  0, or pthread_create's error. */
int px_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
