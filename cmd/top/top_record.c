/*
 * top_record.c -- pxtop records every refresh in the time-travel cache
 * and reads it back for [ ] { } (top_record.h).
 *
 * The event loop copies each list of a refresh as it is answered (a
 * memcpy; 7 MB for 10,000 guests, about a millisecond) into the frame
 * being gathered; when the four lists are in, or one comes again before
 * the others (a fetch that failed), the frame goes to the writer thread
 * through a one-slot mailbox.  If the writer is still busy with the last
 * one, the newer frame replaces the waiting one: the refresh never
 * waits for the disk (scripts/bench/tcachewrite measures the writer).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tcache.h"
#include "top_record.h"
#include "workq.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t writer;
static int running, stopping;
static struct tcache *wtc;		/* the writer's connection */
static struct tcache_frame *slot;	/* the frame waiting for it */
static char problem[512];		/* for top_record_notice */
static int told;

static struct tcache_frame gather;	/* the refresh being gathered */
static char path[4096];
static struct tcache_limits lim;
static struct tcache *rtc;		/* the reads' connection */

static void *
write_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		struct tcache_frame *f;
		struct px_err e = { 0 };
		int rc;

		while (slot == NULL && !stopping)
			pthread_cond_wait(&cv, &mu);
		if (slot == NULL)
			break;
		f = slot;
		slot = NULL;
		pthread_mutex_unlock(&mu);
		rc = tcache_record(wtc, f, &e);
		tcache_frame_free(f);
		free(f);
		pthread_mutex_lock(&mu);
		if (rc != 0 && problem[0] == '\0')
			snprintf(problem, sizeof(problem), "time travel: not "
			    "recorded: %.400s", e.msg);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

void
top_record_start(const struct px_conf *c, const char *profile)
{
	struct px_err e = { 0 };

	stopping = 0;		/* again after a stop (a profile switch) */
	problem[0] = '\0';
	if (tcache_limits(c, &lim, &e) != 0 ||
	    tcache_path(profile, path, sizeof(path), &e) != 0 ||
	    (wtc = tcache_open(path, &lim, 1, &e)) == NULL) {
		snprintf(problem, sizeof(problem), "time travel: not recording: "
		    "%.300s%s%.150s", e.msg, e.hint[0] ? ": " : "", e.hint);
		return;
	}
	if (px_thread_start(&writer, write_loop, NULL) != 0) {
		snprintf(problem, sizeof(problem), "time travel: not recording: "
		    "cannot start a thread");
		tcache_close(wtc);
		wtc = NULL;
		return;
	}
	running = 1;
}

static void
hand_over(void)
{
	struct tcache_frame *f;

	if (gather.have == 0)
		return;
	f = px_xmalloc(sizeof(*f));
	*f = gather;
	memset(&gather, 0, sizeof(gather));
	pthread_mutex_lock(&mu);
	if (slot != NULL) {	/* the writer is behind: the newer wins */
		tcache_frame_free(slot);
		free(slot);
	}
	slot = f;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static void *
copy(const void *rows, int n, size_t size)
{
	void *p = px_xcalloc((size_t)n + 1, size);

	if (n > 0)
		memcpy(p, rows, (size_t)n * size);
	return p;
}

void
top_record_list(enum top_act_type type, const void *rows, int n,
    long long now)
{
	unsigned bit = type == TA_NODES ? TC_NODES : type == TA_GUESTS ?
	    TC_GUESTS : type == TA_STORAGE ? TC_STORAGE : type == TA_TASKS ?
	    TC_TASKS : 0;

	if (!running || bit == 0)
		return;
	if (gather.have & bit)	/* the next refresh began */
		hand_over();
	if (gather.have == 0 || bit == TC_GUESTS)
		gather.time = now;	/* a refresh is when its guests came */
	gather.have |= bit;
	switch (bit) {
	case TC_NODES:
		gather.nodes = copy(rows, n, sizeof(struct pve_node));
		gather.nnodes = n;
		break;
	case TC_GUESTS:
		gather.guests = copy(rows, n, sizeof(struct pve_guest));
		gather.nguests = n;
		break;
	case TC_STORAGE:
		gather.storages = copy(rows, n, sizeof(struct pve_storage));
		gather.nstorages = n;
		break;
	case TC_TASKS:
		gather.tasks = copy(rows, n, sizeof(struct pve_task));
		gather.ntasks = n;
		break;
	}
	if (gather.have == TC_ALL)
		hand_over();
}

int
top_record_notice(char *buf, size_t n)
{
	int r = 0;

	pthread_mutex_lock(&mu);
	if (problem[0] && !told) {
		snprintf(buf, n, "%s", problem);
		told = r = 1;
	}
	pthread_mutex_unlock(&mu);
	return r;
}

void
top_record_past(const struct top_effect *e, struct top_action *a)
{
	struct px_err err = { 0 };
	struct tcache_frame *f;
	long long to;
	int rc;

	a->type = TA_PAST;
	a->id = e->id;
	if (rtc == NULL) {
		if (path[0] == '\0') {
			a->rc = -1;
			snprintf(a->msg, sizeof(a->msg), "%s", problem[0] ?
			    problem : "no cache");
			return;
		}
		if ((rtc = tcache_open(path, &lim, 0, &err)) == NULL) {
			a->rc = -1;
			snprintf(a->msg, sizeof(a->msg), "%s", err.msg);
			return;
		}
	}
	rc = tcache_step(rtc, e->at, e->id, e->ms, &to, &err);
	/* } with less than an hour recorded ahead: live */
	if (rc == 0 && e->id > 0 && e->ms > 0 && to < e->at + e->ms)
		rc = 1;
	if (rc != 0) {
		a->rc = rc;
		snprintf(a->msg, sizeof(a->msg), "%s", rc < 0 ? err.msg : "");
		return;
	}
	f = px_xcalloc(1, sizeof(*f));
	if ((rc = tcache_read(rtc, to, f, &err)) != 0) {
		free(f);
		a->rc = rc < 0 ? -1 : 1;
		snprintf(a->msg, sizeof(a->msg), "%s", rc < 0 ? err.msg : "");
		return;
	}
	a->rc = 0;
	a->rows = f;
}

void
top_record_stop(void)
{
	if (running) {
		hand_over();
		pthread_mutex_lock(&mu);
		stopping = 1;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
		pthread_join(writer, NULL);
		running = 0;
	}
	tcache_close(wtc);
	tcache_close(rtc);
	wtc = rtc = NULL;
	tcache_frame_free(&gather);
}
