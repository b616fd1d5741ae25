/*
 * events -- follow the cluster's tasks (GET /cluster/tasks every
 * --interval seconds) and print one line when a task starts (START) and
 * one when it ends (OK or FAIL), until interrupted or, with --count, after
 * that many lines.  Each task is reported once per event, by its UPID.
 *
 * Tasks that already ended when events starts are history and are not
 * printed; tasks already running print only their end.  A task that
 * starts and ends between two polls prints both lines at once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "clock.h"
#include "pve.h"
#include "pve_cond.h"

enum { O_COUNT = PX_O_LONG, O_INTERVAL, O_NODE, O_TYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_COUNT, "count", "n", "exit after n lines" },
	{ O_INTERVAL, "interval", "seconds",
	    "how often to read the task list" },
	{ O_NODE, "node", "node", "only tasks of this node" },
	{ O_TYPE, "type", "type", "only tasks of this type" },
	PX_OPT_END
};

PX_COMMAND(events, "follow the cluster's tasks: START, OK and FAIL lines",
    opts, NULL, NULL);

static const struct out_col cols[] = {
	{ "time", OT_TIME, 0 }, { "event", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "id", OT_STR, 0 }, { "user", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "upid", OT_STR, OC_EXTRA },
};

/* A task seen: 1 running (START printed or it predates us), 2 ended. */
struct seen {
	char upid[256];
	int state;
	int gen;	/* the poll that last listed it */
};

struct events {
	struct px_cli x;
	struct out_opts oo;
	const char *node, *type;
	long count, printed;
	struct seen *v;
	int n, cap;
};

static void
emit(struct events *ev, const char *event, const struct pve_task *t)
{
	struct out *o = out_new(&ev->oo, cols, sizeof(cols) / sizeof(cols[0]));
	struct px_err e;

	out_row(o);
	out_int(o, 0, strcmp(event, "START") == 0 || t->endtime == 0 ?
	    t->starttime : t->endtime);
	out_str(o, 1, event);
	out_str(o, 2, t->node);
	out_str(o, 3, t->type);
	out_str(o, 4, t->id[0] ? t->id : NULL);
	out_str(o, 5, t->user);
	out_str(o, 6, t->status);
	out_str(o, 7, t->upid);
	if (strcmp(event, "FAIL") == 0)
		out_row_error(o);
	if (cli_print(&ev->x, o, &e) != 0)
		px_die(&e);
	out_free(o);
	ev->printed++;
	if (ev->count > 0 && ev->printed >= ev->count) {
		cli_free(&ev->x);
		exit(0);
	}
}

static struct seen *
lookup(struct events *ev, const char *upid)
{
	for (int i = 0; i < ev->n; i++)
		if (strcmp(ev->v[i].upid, upid) == 0)
			return &ev->v[i];
	return NULL;
}

static int
by_start(const void *a, const void *b)
{
	const struct pve_task *x = a, *y = b;

	return (x->starttime > y->starttime) - (x->starttime < y->starttime);
}

/* One poll; the first (gen 0) only records what is there. */
static int
poll_tasks(struct events *ev, int gen, struct px_err *e)
{
	struct px_reply r;
	struct pve_task *t;
	int n, k = 0;

	if (pve_get(ev->x.client, &r, e, "/cluster/tasks") != 0 ||
	    pve_tasks_parse(&r.j, r.data, &t, &n, e) != 0) {
		if (r.body.p)
			px_reply_free(&r);
		return -1;
	}
	px_reply_free(&r);
	qsort(t, (size_t)n, sizeof(*t), by_start);
	for (int i = 0; i < n; i++) {
		struct seen *s = lookup(ev, t[i].upid);
		int ended = !t[i].running;
		int ok = t[i].ok || strncmp(t[i].status, "WARNINGS", 8) == 0;

		if (ev->node && strcmp(t[i].node, ev->node) != 0)
			continue;
		if (ev->type && strcmp(t[i].type, ev->type) != 0)
			continue;
		if (s == NULL) {
			if (ev->n == ev->cap) {
				ev->cap = ev->cap ? ev->cap * 2 : 64;
				ev->v = px_xrealloc(ev->v, (size_t)ev->cap *
				    sizeof(*ev->v));
			}
			s = &ev->v[ev->n++];
			memset(s, 0, sizeof(*s));
			snprintf(s->upid, sizeof(s->upid), "%s", t[i].upid);
			if (gen == 0)
				s->state = ended ? 2 : 1;
		}
		s->gen = gen;
		if (s->state == 0) {
			emit(ev, "START", &t[i]);
			s->state = 1;
		}
		if (s->state == 1 && ended) {
			emit(ev, ok ? "OK" : "FAIL", &t[i]);
			s->state = 2;
		}
	}
	/* Forget ended tasks the list no longer holds. */
	for (int i = 0; i < ev->n; i++)
		if (ev->v[i].gen == gen || ev->v[i].state != 2)
			ev->v[k++] = ev->v[i];
	ev->n = k;
	free(t);
	return 0;
}

int
events_main(int argc, char **argv)
{
	struct events ev = { 0 };
	struct px_err e;
	double interval = 2;
	char *end;
	int ch, warned = 0;
	struct px_getopt g;

	cli_init(&ev.x);
	px_getopt_init(&g, &px_cmd_events, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&ev.x, ch, g.arg))
			continue;
		switch (ch) {
		case O_COUNT:
			ev.count = strtol(g.arg, &end, 10);
			if (*end != '\0' || ev.count < 1)
				px_errx(PX_EXIT_USAGE, "--count: '%s' is not a "
				    "positive number", g.arg);
			break;
		case O_INTERVAL:
			if ((interval = pve_parse_seconds(g.arg)) < 0.1)
				px_errx(PX_EXIT_USAGE, "--interval: '%s' is not "
				    "a duration of at least 0.1 s", g.arg);
			break;
		case O_NODE:
			if (!pve_valid_node(g.arg))
				px_errx(PX_EXIT_USAGE, "--node: '%s' is not a "
				    "valid node name", g.arg);
			ev.node = g.arg;
			break;
		case O_TYPE:
			ev.type = g.arg;
			break;
		default:
			px_usage(&px_cmd_events);
		}
	}
	if (argc != g.ind)
		px_usage(&px_cmd_events);
	/* A stream of lines: no header, and -j means one object a line. */
	ev.oo = ev.x.out;
	ev.oo.no_header = 1;
	if (ev.oo.fmt == OUT_JSON)
		ev.oo.fmt = OUT_JSONL;
	{
		/* A bad -c must fail now, not at the first event. */
		struct out *o = out_new(&ev.oo, cols,
		    sizeof(cols) / sizeof(cols[0]));
		FILE *null = fopen("/dev/null", "w");

		if (null && out_print(o, null, &e) != 0)
			px_die(&e);
		if (null)
			fclose(null);
		out_free(o);
	}
	if (cli_connect(&ev.x, &e) != 0 || poll_tasks(&ev, 0, &e) != 0)
		px_die(&e);
	for (int gen = 1; ; gen++) {
		px_sleep(interval);
		if (poll_tasks(&ev, gen, &e) != 0) {
			if (!warned)
				px_warn("%s (retrying)", e.msg);
			warned = 1;
		} else {
			warned = 0;
		}
	}
}
