/* pve_task.c -- task logs and following a task to its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "enc.h"
#include "pve_field.h"
#include "pve_task.h"
#include "upid.h"

int
pve_task_log_parse(const struct json *j, int arr, struct pve_log_line **out,
    int *n, struct px_err *e)
{
	struct pve_log_line *v;
	int c, i, k = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "task log: not an array");
	v = px_xcalloc((size_t)json_len(j, arr) + 1, sizeof(*v));
	JSON_FOREACH(j, arr, c, i) {
		if (json_type(j, c) != JSON_OBJECT) {
			pve_row_drop(j, "task log", i, "not an object");
			continue;
		}
		v[k].n = json_get_int(j, c, "n", 0);
		if ((v[k].t = json_get_str(j, c, "t")) == NULL)
			v[k].t = px_xstrdup("");
		text_sanitize(v[k].t);
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void
pve_log_free(struct pve_log_line *v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i].t);
	free(v);
}

int
pve_task_upid_parse(const struct json *j, int t, char *upid, size_t n)
{
	if (n == 0)
		return 0;
	if (json_type(j, t) != JSON_STRING ||
	    json_strcpy(j, t, upid, n) < 0 || strncmp(upid, "UPID:", 5) != 0) {
		upid[0] = '\0';
		return 0;
	}
	text_sanitize(upid);
	return 1;
}

int
pve_task_path(struct buf *b, const char *upid, struct px_err *e)
{
	struct upid u;

	if (upid_parse(upid, &u, e) != 0)
		return -1;
	buf_adds(b, "/nodes/");
	url_seg(b, u.node);
	buf_adds(b, "/tasks/");
	url_seg(b, upid);
	return 0;
}

#define LOG_PAGE	5000
#define LOG_MAX		1000000
#define LOG_BYTES	(64u << 20)	/* text of all lines read at once */
#define LOG_REQUESTS	(LOG_MAX / LOG_PAGE + 1)

int
pve_task_log_read(struct px_client *c, const char *upid, long long start,
    long long max, struct pve_log_line **out, int *n, struct px_err *cut,
    struct px_err *e)
{
	struct buf p = { 0 };
	struct pve_log_line *all = NULL;
	long long total = -1;
	size_t bytes = 0;
	int na = 0, requests = 0;

	*out = NULL;
	*n = 0;
	px_err_clear(cut);
	if (max <= 0 || max > LOG_MAX)
		max = LOG_MAX;
	if (pve_task_path(&p, upid, e) != 0)
		return -1;
	while (na < max) {
		struct px_reply r;
		struct pve_log_line *v;
		int nv;
		long long lim = max - na < LOG_PAGE ? max - na : LOG_PAGE;

		if (requests >= LOG_REQUESTS) {
			px_fail(cut, PXE_TOO_LARGE, "task log: stopped after %d "
			    "requests and %d lines; the server says there are "
			    "%lld", requests, na, total);
			break;
		}
		requests++;
		if (pve_get(c, &r, e, "%s/log?start=%lld&limit=%lld", p.p,
		    start + na, lim) != 0 ||
		    pve_task_log_parse(&r.j, r.data, &v, &nv, e) != 0) {
			if (r.body.p)
				px_reply_free(&r);
			pve_log_free(all, na);
			buf_free(&p);
			return -1;
		}
		total = json_get_int(&r.j, 0, "total", -1);
		px_reply_free(&r);
		/* A page that repeats lines already read (the server ignored
		 * start) is no progress: never loop on it. */
		if (na > 0 && nv > 0 && v[0].n > 0 && all[na - 1].n > 0 &&
		    v[0].n <= all[na - 1].n) {
			px_fail(cut, PXE_PARSE, "task log: the server sent line "
			    "%lld again after line %lld; stopped after %d lines",
			    v[0].n, all[na - 1].n, na);
			pve_log_free(v, nv);
			break;
		}
		for (int i = 0; i < nv; i++)
			bytes += strlen(v[i].t) + 1;
		all = px_xrealloc(all, (size_t)(na + nv + 1) * sizeof(*all));
		memcpy(all + na, v, (size_t)nv * sizeof(*v));
		na += nv;
		free(v);
		if (bytes > LOG_BYTES) {
			px_fail(cut, PXE_TOO_LARGE, "task log: stopped after "
			    "%d lines, over %u MiB", na, LOG_BYTES >> 20);
			break;
		}
		/* The end: a short page, whatever "total" claims (a server
		 * that says there is more but sends less is not followed
		 * page by page for ever), or the total reached. */
		if (nv < lim || (total >= 0 && start + na >= total))
			break;
	}
	buf_free(&p);
	if (all == NULL)
		all = px_xcalloc(1, sizeof(*all));
	*out = all;
	*n = na;
	return 0;
}

int
pve_task_log(struct px_client *c, const char *upid, long long start,
    long long max, struct pve_log_line **out, int *n, struct px_err *e)
{
	struct px_err cut;

	if (pve_task_log_read(c, upid, start, max, out, n, &cut, e) != 0)
		return -1;
	if (cut.id != PXE_OK)
		px_notice("%s", cut.msg);
	return 0;
}

/* Read the log lines after *next and hand them to line.  A log that is
 * still empty reads as one line "no content" (PVE's placeholder): it is
 * not passed on while the task runs. */
static int
follow_lines(struct px_client *c, const char *upid, long long *next,
    int running, void (*line)(void *, const struct pve_log_line *),
    void *arg, struct px_err *e)
{
	struct pve_log_line *v;
	int nv;

	struct px_err cut;

	if (pve_task_log_read(c, upid, *next, 0, &v, &nv, &cut, e) != 0)
		return -1;
	if (cut.id != PXE_OK) {
		/* Following a log that does not end would never stop. */
		pve_log_free(v, nv);
		*e = cut;
		return -1;
	}
	if (!(running && *next == 0 && nv == 1 &&
	    strcmp(v[0].t, "no content") == 0)) {
		for (int i = 0; i < nv; i++)
			line(arg, &v[i]);
		*next += nv;
	}
	pve_log_free(v, nv);
	return 0;
}

int
pve_task_follow(struct px_client *c, const char *upid, double timeout,
    double interval,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void (*line)(void *arg, const struct pve_log_line *l), void *arg,
    struct pve_task *final, struct px_err *e)
{
	struct pve_task t;
	long long next = 0;
	double t0 = px_mono(), waited;
	int blips = 0, late = 0;

	if (interval <= 0)
		interval = 0.5;
	for (;;) {
		if (pve_task_status(c, upid, &t, e) != 0) {
			/* A task px started goes on whatever one poll says:
			 * a server error, a lost or a late answer is asked
			 * again (up to 3 times in a row, within the wait's
			 * timeout), not taken for the task's end.  A late
			 * one once only: each costs the profile's timeout,
			 * and a server that never answers should not hold
			 * px four times that long. */
			if ((e->http >= 500 || e->id == PXE_TRANSPORT ||
			    e->id == PXE_PARSE || (e->id == PXE_TIMEOUT &&
			    late++ == 0)) && ++blips <= 3 && (timeout <= 0 ||
			    px_mono() - t0 < timeout)) {
				px_sleep(interval);
				continue;
			}
			return -2;
		}
		blips = late = 0;
		if (final)
			*final = t;
		if (line && follow_lines(c, upid, &next, t.running, line, arg,
		    e) != 0)
			return -2;
		waited = px_mono() - t0;
		if (progress)
			progress(arg, &t, waited);
		if (!t.running)
			break;
		if (timeout > 0 && waited >= timeout) {
			px_fail(e, PXE_TIMEOUT, "task %s %s on %s still "
			    "running after %.0f s", t.type, t.id, t.node,
			    waited);
			px_hint(e, "the task goes on: px task wait %s", upid);
			return -1;
		}
		if (timeout > 0 && waited + interval > timeout)
			px_sleep(timeout - waited);
		else
			px_sleep(interval);
		if ((interval *= 1.5) > 2)
			interval = 2;
	}
	if (!t.ok) {
		px_fail(e, PXE_TASK_FAILED, "task %s%s%s on %s failed: %s",
		    t.type, t.id[0] ? " " : "", t.id, t.node,
		    t.exitstatus[0] ? t.exitstatus : "unknown error");
		return -1;
	}
	return 0;
}

int
pve_task_wait(struct px_client *c, const char *upid, double timeout,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void *arg, struct pve_task *final, struct px_err *e)
{
	return pve_task_follow(c, upid, timeout, 0.5, progress, NULL, arg,
	    final, e);
}
