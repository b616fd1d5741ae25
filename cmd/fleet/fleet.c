/*
 * fleet -- every profile at once, read-only: a summary row per cluster
 * and an aggregated guest table, refreshed in the background (one curl
 * multi handle driven from tickit's loop, lib/http_async.h), so a
 * profile that does not answer shows as down without slowing the rest.
 * Enter opens pxtop on the selected cluster.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <tickit.h>

#include "cli.h"
#include "freeze.h"
#include "http_async.h"
#include "top_loop.h"
#include "out.h"
#include "pve.h"
#include "top_state.h"
#include "top_term.h"

PX_COMMAND(fleet, "every cluster at once: summaries and all guests, live",
    "usage: px fleet [-d seconds]\n");

struct cluster {
	struct px_target *t;
	int frozen;
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	int failed_tasks;
	int loading;		/* fetches in flight */
	int down;		/* the last fetch failed */
	char err[512];
};

/* A guest of the aggregated table. */
struct row {
	int cl;
	const struct pve_guest *g;
};

enum sort { SORT_PROFILE, SORT_NAME, SORT_CPU, SORT_MEM, SORT_STATUS,
	NSORT };
static const char *const sort_names[NSORT] = { "profile", "name", "cpu",
	"mem", "status" };

static Tickit *tk;
static TickitWindow *root;
static struct px_async *async;
static struct cluster *C;
static int nc, sel, all_pane = 1, gtop, typing, open_pxtop;
static enum sort sortk;
static char filter[64];
static long interval_ms = 3000;
static struct row *rows;
static int nrows;
static void *timer_refresh;
static TickitPen *pen_bar, *pen_sel, *pen_head, *pen_red;
static int scr_cols = 80;

/* ---- the guest table ---- */

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	const struct pve_guest *g = x->g, *h = y->g;
	int r = 0;

	switch (sortk) {
	case SORT_NAME:
		r = strcmp(g->name, h->name);
		break;
	case SORT_CPU:
		r = (g->cpu < h->cpu) - (g->cpu > h->cpu);
		break;
	case SORT_MEM:
		r = (g->mem < h->mem) - (g->mem > h->mem);
		break;
	case SORT_STATUS:
		r = strcmp(g->status, h->status);
		break;
	default:
		break;
	}
	if (r == 0)
		r = x->cl - y->cl;
	if (r == 0)
		r = g->vmid - h->vmid;
	return r;
}

static void
relist(void)
{
	int n = 0;

	for (int i = 0; i < nc; i++)
		n += C[i].nguests;
	free(rows);
	rows = px_xcalloc((size_t)n + 1, sizeof(*rows));
	nrows = 0;
	for (int i = 0; i < nc; i++) {
		if (!all_pane && i != sel)
			continue;
		for (int k = 0; k < C[i].nguests; k++) {
			const struct pve_guest *g = &C[i].guests[k];
			char id[16];

			snprintf(id, sizeof(id), "%d", g->vmid);
			if (filter[0] && !top_fuzzy(g->name, filter) &&
			    !top_fuzzy(id, filter) &&
			    !top_fuzzy(g->tags, filter) &&
			    !top_fuzzy(g->node, filter) &&
			    !top_fuzzy(C[i].t->p->name, filter))
				continue;
			rows[nrows].cl = i;
			rows[nrows++].g = g;
		}
	}
	qsort(rows, (size_t)nrows, sizeof(*rows), cmp_row);
	if (gtop > nrows - 1)
		gtop = nrows > 0 ? nrows - 1 : 0;
}

/* ---- drawing ---- */

static void
put(TickitRenderBuffer *rb, int line, int col, const TickitPen *pen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
put(TickitRenderBuffer *rb, int line, int col, const TickitPen *pen,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tickit_renderbuffer_save(rb);
	if (pen) {
		tickit_renderbuffer_setpen(rb, pen);
		if (pen == pen_bar || pen == pen_sel)
			tickit_renderbuffer_erase_at(rb, line, 0, scr_cols);
	}
	tickit_renderbuffer_text_at(rb, line, col, buf);
	tickit_renderbuffer_restore(rb);
}

static void
draw(TickitRenderBuffer *rb, int lines, int cols)
{
	int y = 2, up = 0, list;
	char m[32];

	scr_cols = cols;
	tickit_renderbuffer_clear(rb);
	for (int i = 0; i < nc; i++)
		up += !C[i].down && C[i].nnodes > 0;
	put(rb, 0, 0, pen_bar, " px fleet  %d profiles, %d answering", nc,
	    up);
	put(rb, 1, 0, pen_head, "%-16s %-6s %7s %11s %6s %6s %7s %s",
	    "PROFILE", "STATE", "NODES", "GUESTS", "CPU", "MEM", "FAILED",
	    "MARKS");
	for (int i = 0; i < nc && y < lines / 2; i++, y++) {
		struct cluster *c = &C[i];
		int on = 0, run = 0;
		double cpu = 0, cpus = 0, mem = 0, maxmem = 0;

		for (int k = 0; k < c->nnodes; k++) {
			on += c->nodes[k].online;
			cpu += c->nodes[k].cpu * c->nodes[k].maxcpu;
			cpus += c->nodes[k].maxcpu;
			mem += (double)c->nodes[k].mem;
			maxmem += (double)c->nodes[k].maxmem;
		}
		for (int k = 0; k < c->nguests; k++)
			run += strcmp(c->guests[k].status, "running") == 0;
		put(rb, y, 0, i == sel ? pen_sel : c->down ? pen_red : NULL,
		    "%-16.16s %-6s %3d/%-3d %5d/%-5d %5.1f%% %5.1f%% %7d %s%s%s",
		    c->t->p->name, c->down ? "down" : c->nnodes ? "up" : "...",
		    on, c->nnodes, run, c->nguests, cpus ? cpu / cpus * 100 : 0,
		    maxmem ? mem / maxmem * 100 : 0, c->failed_tasks,
		    c->t->p->read_only ? "read-only " : "",
		    c->frozen ? "frozen " : "", c->down ? c->err : "");
	}
	y++;
	put(rb, y++, 0, NULL, "Guests of %s: %d   sort %s%s%s",
	    all_pane ? "the whole fleet" : C[sel].t->p->name, nrows,
	    sort_names[sortk], filter[0] ? "   filter: " : "", filter);
	put(rb, y++, 0, pen_head, "%-16s %7s %-20s %-10s %-9s %6s %10s %s",
	    "PROFILE", "VMID", "NAME", "NODE", "STATUS", "CPU", "MEM", "TAGS");
	list = lines - 2 - y;
	for (int r = 0; r < list && gtop + r < nrows; r++) {
		const struct row *w = &rows[gtop + r];

		out_fmt_bytes(m, sizeof(m), w->g->mem);
		put(rb, y + r, 0, NULL, "%-16.16s %7d %-20.20s %-10.10s %-9.9s "
		    "%5.1f%% %10s %s", C[w->cl].t->p->name, w->g->vmid,
		    w->g->name, w->g->node, w->g->status, w->g->cpu * 100, m,
		    w->g->tags);
	}
	if (typing)
		put(rb, lines - 2, 0, NULL, "/%s_", filter);
	put(rb, lines - 1, 0, pen_bar, " j/k or arrows select a cluster  "
	    "Tab this cluster/whole fleet  Enter pxtop  / filter  s sort  "
	    "PageUp/PageDown scroll  q quit");
}

static void
redraw(void)
{
	if (root) {
		tickit_window_expose(root, NULL);
		tickit_window_flush(root);
	}
}

/* ---- fetching ---- */

enum what { W_NODES, W_GUESTS, W_TASKS };

struct fetch {
	struct px_call k;
	int cl;
	enum what what;
};

static void
on_fetched(struct px_call *k, void *arg)
{
	struct fetch *f = arg;
	struct cluster *c = &C[f->cl];
	struct px_reply r;
	struct px_err e = { 0 };
	int rc = -1;

	c->loading--;
	if (k->rc != 0) {
		e = k->err;
	} else if (px_reply_take(k, &r, &e) == 0) {
		if (f->what == W_NODES) {
			free(c->nodes);
			c->nodes = NULL;
			rc = pve_nodes_parse(&r.j, r.data, &c->nodes,
			    &c->nnodes, &e);
		} else if (f->what == W_GUESTS) {
			struct pve_guest *g = NULL;
			int n = 0;

			if ((rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    &g, &n, &e)) == 0) {
				free(rows);	/* points into the old guests */
				rows = NULL;
				nrows = 0;
				free(c->guests);
				c->guests = g;
				c->nguests = n;
				relist();
			}
		} else {
			struct pve_task *t = NULL;
			int n = 0;

			if ((rc = pve_tasks_parse(&r.j, r.data, &t, &n,
			    &e)) == 0) {
				c->failed_tasks = 0;
				for (int i = 0; i < n; i++)
					c->failed_tasks += !t[i].running &&
					    !t[i].ok;
				free(t);
			}
		}
		px_reply_free(&r);
	}
	if (rc == 0) {
		c->down = 0;
	} else {
		c->down = 1;
		snprintf(c->err, sizeof(c->err), "%s", e.msg);
	}
	px_call_free(k);
	free(f);
	redraw();
}

static void
refresh(void)
{
	static const char *const paths[] = { "/nodes",
		"/cluster/resources?type=vm", "/cluster/tasks" };

	for (int i = 0; i < nc; i++) {
		struct cluster *c = &C[i];
		struct freeze fr;
		struct px_err e;

		c->frozen = freeze_get(c->t->p->name, &fr, &e) == 1;
		if (c->t->c == NULL) {
			c->down = 1;
			snprintf(c->err, sizeof(c->err), "%s", c->t->err.msg);
			continue;
		}
		if (c->loading)
			continue;	/* still waiting: do not pile up */
		for (int w = 0; w < 3; w++) {
			struct fetch *f = px_xcalloc(1, sizeof(*f));

			f->cl = i;
			f->what = (enum what)w;
			px_call_init(&f->k, c->t->c, "GET", NULL, "%s",
			    paths[w]);
			c->loading++;
			px_async_start(async, &f->k, on_fetched, f);
		}
	}
}

static int on_refresh_due(Tickit *t, TickitEventFlags f, void *info,
    void *user);

/* Runs as a "later" callback: it arms timers (ours, curl's), which a
 * timer callback must not do (lib/top_loop.h). */
static int
on_refresh(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	refresh();
	timer_refresh = tickit_watch_timer_after_msec(t, (int)interval_ms, 0,
	    on_refresh_due, NULL);
	redraw();
	return 0;
}

static int
on_refresh_due(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		tickit_watch_later(t, 0, on_refresh, NULL);
	return 0;
}

/* ---- keys and the rest of the loop ---- */

static int
on_key(TickitWindow *w, TickitEventFlags f, void *info, void *user)
{
	TickitKeyEventInfo *k = info;
	const char *s = k->str;
	int text = k->type == TICKIT_KEYEV_TEXT;
	int page = 10;

	(void)w;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	if (strcmp(s, "C-c") == 0) {
		top_loop_stop(tk);
		return 1;
	}
	if (typing) {
		size_t len = strlen(filter);

		if (strcmp(s, "Enter") == 0)
			typing = 0;
		else if (strcmp(s, "Escape") == 0)
			typing = 0, filter[0] = '\0';
		else if (strcmp(s, "Backspace") == 0 && len > 0)
			filter[len - 1] = '\0';
		else if (text && len + strlen(s) < sizeof(filter))
			strcat(filter, s);
		gtop = 0;
		relist();
		redraw();
		return 1;
	}
	if (text && strcmp(s, "q") == 0) {
		top_loop_stop(tk);
	} else if (text && strcmp(s, "/") == 0) {
		typing = 1;
	} else if (text && strcmp(s, "s") == 0) {
		sortk = (sortk + 1) % NSORT;
		relist();
	} else if ((text && strcmp(s, "j") == 0) || strcmp(s, "Down") == 0) {
		if (sel < nc - 1)
			sel++;
		relist();
	} else if ((text && strcmp(s, "k") == 0) || strcmp(s, "Up") == 0) {
		if (sel > 0)
			sel--;
		relist();
	} else if (strcmp(s, "Tab") == 0) {
		all_pane = !all_pane;
		gtop = 0;
		relist();
	} else if (strcmp(s, "PageDown") == 0) {
		if (gtop + page < nrows)
			gtop += page;
	} else if (strcmp(s, "PageUp") == 0) {
		gtop = gtop > page ? gtop - page : 0;
	} else if (strcmp(s, "Enter") == 0) {
		open_pxtop = 1;
		top_loop_stop(tk);
	} else if (strcmp(s, "Escape") == 0) {
		filter[0] = '\0';
		relist();
	}
	redraw();
	return 1;
}

static int
on_expose(TickitWindow *w, TickitEventFlags f, void *info, void *user)
{
	TickitExposeEventInfo *ex = info;
	TickitRect r = tickit_window_get_geometry(w);

	(void)user;
	if (f & TICKIT_EV_FIRE)
		draw(ex->rb, r.lines, r.cols);
	return 1;
}

static int
on_quit_pipe(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	unsigned char c[16];
	int fd = *(int *)user;

	(void)info;
	if ((f & TICKIT_EV_FIRE) && read(fd, c, sizeof(c)) > 0)
		top_loop_stop(t);
	return 0;
}

static int
on_start(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		on_refresh(t, f, NULL, NULL);
	return 0;
}

int
fleet_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct px_cli x;
	struct px_target *t;
	struct px_err e;
	double delay = 3;
	int ch, n, quit_fd;
	char *end, *name = NULL;

	cli_init(&x);
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			delay = strtod(optarg, &end);
			if (end == optarg || *end || !(delay >= 0.2) ||
			    delay > 86400)
				px_errx(PX_EXIT_USAGE, "-d: seconds between "
				    "refreshes, 0.2 to 86400, not '%s'", optarg);
			break;
		case 'h':
			px_help_exit(&px_cmd_fleet);
		default:
			px_usage(&px_cmd_fleet);
		}
	}
	argc -= optind;
	if (argc != 0)
		px_usage(&px_cmd_fleet);
	interval_ms = (long)(delay * 1000);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		px_errx(PX_EXIT_USAGE, "needs a terminal on standard input "
		    "and output (px ls --all-profiles works without one)");
	if (cli_targets(&x, 1, &t, &n, &e) != 0)
		px_die(&e);
	nc = n;
	C = px_xcalloc((size_t)n, sizeof(*C));
	for (int i = 0; i < n; i++)
		C[i].t = &t[i];

	quit_fd = top_term_setup();
	if ((tk = tickit_new_stdio()) == NULL)
		px_errx(PX_EXIT_FAIL, "cannot open the terminal");
	root = tickit_get_rootwin(tk);
	pen_bar = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	pen_sel = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	pen_head = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	pen_red = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	async = top_loop_attach(tk, NULL, NULL);
	relist();
	tickit_watch_io(tk, quit_fd, TICKIT_IO_IN, 0, on_quit_pipe, &quit_fd);
	tickit_window_bind_event(root, TICKIT_WINDOW_ON_EXPOSE, 0, on_expose,
	    NULL);
	tickit_window_bind_event(root, TICKIT_WINDOW_ON_KEY, 0, on_key, NULL);
	tickit_watch_later(tk, 0, on_start, NULL);
	top_loop_run(tk);
	if (open_pxtop && sel < nc)
		name = px_xstrdup(C[sel].t->p->name);
	tickit_window_close(root);
	tickit_unref(tk);
	if (name) {
		/* The same binary, as `px top -p NAME`. */
		char *av[] = { "px", "top", "-p", name, NULL };

		execv("/proc/self/exe", av);
		px_errx(PX_EXIT_FAIL, "cannot run px top: %s",
		    strerror(errno));
	}
	return 0;
}
