/*
 * fleet -- every profile at once, read-only: a summary row per cluster
 * and an aggregated guest table, refreshed in the background.  Enter
 * opens pxtop on the selected cluster; leaving it comes back here.
 *
 * Architecture as pxtop's (lib/fleet_state.h): one state, changed only
 * by the pure reducer fleet_reduce; this file runs its effects in one
 * event loop, tickit's, and draws only from the state
 * (lib/fleet_render.h).  Fetches go through libcurl's multi socket
 * interface driven from that loop (lib/support/tui.h).  A profile's first
 * contact (px_client_new: the TLS probe of a fingerprint or TOFU profile,
 * the login of a password profile) blocks for as long as the profile's
 * timeouts, so each runs on a thread of its own and reports back through
 * a pipe: a profile that hangs shows as waiting, then down, and never
 * delays the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tickit.h>

#include "cli.h"
#include "fleet_render.h"
#include "fleet_state.h"
#include "freeze.h"
#include "http_async.h"
#include "pve.h"
#include "tui.h"
#include "workq.h"

static const struct px_opt opts[] = {
	{ 'd', "delay", "seconds", "refresh every so many seconds (default 3)" },
	PX_OPT_END
};

PX_COMMAND(fleet, "every cluster at once: summaries and all guests, live",
    opts, NULL, NULL);

static struct fleet_state S;
static struct fleet_effects FX;
static struct px_async *async;
static struct px_cli X;
static const struct px_profile **profiles;	/* by cluster index */
static struct px_client **clients;	/* by cluster index, NULL until the
					   first contact succeeded */
static struct tui_mailbox contacts;	/* from the contact threads */
static int contacts_out;	/* first contacts whose thread may still run */

/* ---- actions in, effects out (as cmd/top) ---- */

static void run_effect(const struct fleet_effect *e);

/* reduce_one and render, for lib/support/tui */
TUI_GLUE(S, FX, fleet_effects_clear, fleet_reduce, fleet_render, run_effect)

/* ---- first contact, one thread per profile ---- */

struct contact {
	int id;
	const struct px_profile *p;
	struct px_client *c;
	struct px_err err;
};

static void *
contact_run(void *arg)
{
	struct contact *k = arg;
	struct px_client_opts o = { .verbose = X.verbose,
	    .name_profile = 1 };

	k->c = px_client_new(&X.conf, k->p, &o, &k->err);
	tui_mailbox_send(&contacts, k);
	return NULL;
}

static void
contact_start(int id)
{
	struct contact *k = px_xcalloc(1, sizeof(*k));
	pthread_t th;

	k->id = id;
	k->p = profiles[id];
	if (px_thread_start(&th, contact_run, k) != 0) {
		struct fleet_action a = { .type = FA_CONNECT_FAILED,
			.id = id };

		snprintf(a.msg, sizeof(a.msg), "cannot start a thread: %s",
		    strerror(errno));
		free(k);
		tui_post(&a);
		return;
	}
	pthread_detach(th);
	contacts_out++;
}

/* A first contact ended (in the loop, from the mailbox). */
static void
on_contact(void *msg)
{
	struct contact *k = msg;
	struct fleet_action a = { .id = k->id };

	contacts_out--;
	if (k->c) {
		clients[a.id] = k->c;
		a.type = FA_CONNECTED;
	} else {
		a.type = FA_CONNECT_FAILED;
		snprintf(a.msg, sizeof(a.msg), "%s", k->err.msg);
	}
	tui_post(&a);
	free(k);
}

/* ---- fetches ---- */

struct fetch {
	struct px_call k;
	int id;
	int what;	/* one FLEET_F_* bit */
};

static void
on_fetched(struct px_call *k, void *arg)
{
	struct fetch *f = arg;
	struct fleet_action a = { .id = f->id };
	struct px_reply r;
	struct px_err e = { 0 };
	int rc = -1;

	if (k->rc != 0) {
		e = k->err;
	} else if (px_reply_take(k, &r, &e) == 0) {
		switch (f->what) {
		case FLEET_F_NODES:
			a.type = FA_NODES;
			rc = pve_nodes_parse(&r.j, r.data,
			    (struct pve_node **)&a.rows, &a.n, &e);
			break;
		case FLEET_F_GUESTS:
			a.type = FA_GUESTS;
			rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    (struct pve_guest **)&a.rows, &a.n, &e);
			break;
		default:
			a.type = FA_TASKS;
			rc = pve_tasks_parse(&r.j, r.data,
			    (struct pve_task **)&a.rows, &a.n, &e);
			break;
		}
		px_reply_free(&r);
	}
	if (rc != 0) {
		free(a.rows);
		a.rows = NULL;
		a.type = FA_FETCH_FAILED;
		a.what = f->what;
		snprintf(a.msg, sizeof(a.msg), "%s", e.msg);
	}
	tui_post(&a);
	px_call_free(k);
	free(f);
}

static void
fetch_start(int id, int what)
{
	static const struct {
		int what;
		const char *path;
	} asks[] = {
		{ FLEET_F_NODES, "/nodes" },
		{ FLEET_F_GUESTS, "/cluster/resources?type=vm" },
		{ FLEET_F_TASKS, "/cluster/tasks" },
	};

	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		struct fetch *f;

		if (!(what & asks[i].what))
			continue;
		if (clients[id] == NULL) {	/* cannot happen: the reducer
						   fetches once connected */
			struct fleet_action a = { .type = FA_FETCH_FAILED,
				.id = id, .what = asks[i].what };

			snprintf(a.msg, sizeof(a.msg), "not connected");
			tui_post(&a);
			continue;
		}
		f = px_xcalloc(1, sizeof(*f));
		f->id = id;
		f->what = asks[i].what;
		px_call_init(&f->k, clients[id], "GET", NULL, "%s",
		    asks[i].path);
		px_async_start(async, &f->k, on_fetched, f);
	}
}

/* ---- effects ---- */

static int
on_refresh(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	struct fleet_action a = { .type = FA_TICK };

	(void)t;
	(void)info;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		tui_dispatch(&a);
	return 0;
}

static void
run_effect(const struct fleet_effect *e)
{
	switch (e->type) {
	case FE_CONNECT:
		contact_start(e->id);
		break;
	case FE_FETCH:
		fetch_start(e->id, e->what);
		break;
	case FE_FREEZE: {
		struct fleet_action a = { .type = FA_FROZEN, .id = e->id };
		struct freeze fr;
		struct px_err err;

		a.rc = freeze_get(S.cl[e->id].name, &fr, &err) == 1;
		tui_post(&a);
		break;
	}
	case FE_TIMER:
		tui_timer((int)e->ms, on_refresh, NULL);
		break;
	case FE_OPEN_TOP: {
		/* The same binary, as `px top -p NAME`; back here after. */
		char name[64];
		char *av[] = { "px", "top", "-p", name, NULL };

		snprintf(name, sizeof(name), "%s", e->profile);
		if (tui_run_child(av) == -1)
			px_warn("cannot run px top on %s", name);
		break;
	}
	case FE_QUIT:
		tui_stop();
		break;
	}
}

/* ---- the terminal (lib/support/tui.h) ---- */

static void
ready(Tickit *tk, struct px_async *a, int lines, int cols)
{
	async = a;
	S.lines = lines;
	S.cols = cols;
	tui_mailbox_watch(tk, &contacts);
}

static const struct tui_app app = {
	TUI_ACTION(struct fleet_action), FA_START, FA_KEY, FA_RESIZE,
	FA_SIGNAL, reduce_one, render, ready,
};

int
fleet_main(int argc, char **argv)
{
	struct px_getopt g;
	struct px_err e;
	double delay = 3;
	int ch;

	cli_init(&X);
	px_getopt_init(&g, &px_cmd_fleet, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (ch == 'd')
			delay = tui_delay(g.arg);
		else
			px_usage(&px_cmd_fleet);
	}
	argc -= g.ind;
	if (argc != 0)
		px_usage(&px_cmd_fleet);
	tui_need_terminal("px ls --all-profiles works without "
	    "one");
	if (cli_load(&X, &e) != 0)
		px_die(&e);
	/* The data dir's path is computed once into a static buffer: do it
	 * here, before the connecting threads need it. */
	if (px_data_dir(&e) == NULL)
		px_die(&e);
	fleet_state_init(&S, (long)(delay * 1000), 24, 80);
	profiles = px_xcalloc((size_t)X.conf.nprofiles + 1,
	    sizeof(*profiles));
	for (int i = 0; i < X.conf.nprofiles; i++) {
		const struct px_profile *p = &X.conf.profiles[i];

		if (p->kind != PX_KIND_PVE)
			continue;
		profiles[fleet_add(&S, p->name, p->read_only)] = p;
	}
	if (S.ncl == 0) {
		px_fail(&e, PXE_NO_PROFILE, "%s: no [profile NAME] section",
		    X.conf.path);
		px_die(&e);
	}
	clients = px_xcalloc((size_t)S.ncl, sizeof(*clients));
	tui_mailbox_open(&contacts, on_contact);

	/* First contacts warn (TOFU, insecure = yes) while the screen is
	 * up: tui_run keeps what is said until the terminal is back. */
	tui_run(&app);
	if (contacts_out > 0) {
		/* A thread is still inside libcurl and the TLS library on a
		 * profile that does not answer: exit() would run their
		 * atexit clean-up under its feet.  Nothing is left to write
		 * but what stdio holds. */
		fflush(NULL);
		_exit(0);
	}
	return 0;
}
