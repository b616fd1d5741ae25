/*
 * exporter.c -- px daemon's exporter part: lib/exporter's /metrics
 * server driven by the daemon's event loop.
 *
 * The part's configuration is [exporter] (exporter_conf_load, checked
 * at start and on SIGHUP like every part's).  Its step (every
 * exporter_interval, 1 s by default) opens the server when it is not
 * open -- at start, after a reload, after a failure to bind -- and
 * expires idle clients.  The server's sockets (the listening one and
 * each client's) are registered with the loop; when one is ready the
 * part polls them all without waiting, lets the server act, and
 * registers the sockets it has then.  A scrape runs in the loop's
 * thread and holds the other parts for its length (bounded by the
 * profile's timeout), as any part's step does.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "exporter.h"
#include "http.h"

struct exp_cfg {
	struct exporter_conf ec;
};

static struct {
	struct exporter *srv;
	struct px_client *client;
	int fds[EXPORTER_POLLFDS];
	int nfds;
	struct daemon *d;
	char last_err[sizeof(((struct px_err *)0)->msg)];
} X;

static void sync_fds(void);

static void
exp_log(void *arg, int level, const char *msg)
{
	struct daemon *d = arg;

	dlog(d, level > 0 ? DL_WARNING : DL_INFO, "exporter", "%s", msg);
}

static void
on_ready(struct evloop *l, int fd, short rev, void *arg)
{
	struct pollfd p[EXPORTER_POLLFDS];
	int n;

	(void)l;
	(void)fd;
	(void)rev;
	(void)arg;
	if (X.srv == NULL)
		return;
	n = exporter_pollfds(X.srv, p, EXPORTER_POLLFDS);
	if (poll(p, (nfds_t)n, 0) < 0 && errno != EINTR)
		return;
	exporter_handle_ready(X.srv, p, n);
	sync_fds();
}

/* Register the server's sockets now, forget the ones it closed. */
static void
sync_fds(void)
{
	struct pollfd p[EXPORTER_POLLFDS];
	int n;

	for (int i = 0; i < X.nfds; i++)
		evloop_fd_del(X.d->loop, X.fds[i]);
	X.nfds = 0;
	if (X.srv == NULL)
		return;
	n = exporter_pollfds(X.srv, p, EXPORTER_POLLFDS);
	for (int i = 0; i < n; i++)
		if (evloop_fd(X.d->loop, p[i].fd, p[i].events, on_ready,
		    NULL) == 0)
			X.fds[X.nfds++] = p[i].fd;
}

static void
server_close(void)
{
	if (X.d != NULL) {
		for (int i = 0; i < X.nfds; i++)
			evloop_fd_del(X.d->loop, X.fds[i]);
	}
	X.nfds = 0;
	exporter_close(X.srv);
	X.srv = NULL;
	px_client_free(X.client);
	X.client = NULL;
}

static int
exp_load(struct daemon *d, const struct px_conf *c, void **cfg,
    struct px_err *e)
{
	struct exp_cfg *x = px_xcalloc(1, sizeof(*x));

	(void)d;
	if (exporter_conf_load(c, NULL, &x->ec, e) != 0) {
		free(x);
		return -1;
	}
	*cfg = x;
	return 0;
}

/* The configuration in force is replaced (SIGHUP) or the daemon stops:
 * the server goes with it (its client points into the old px.conf) and
 * the next step opens it anew. */
static void
exp_free(void *cfg)
{
	struct exp_cfg *x = cfg;

	server_close();
	exporter_conf_free(&x->ec);
	free(x);
}

static void
exp_step(struct daemon *d, struct part *p)
{
	struct exp_cfg *x = p->cfg;
	const struct px_profile *pr;
	struct px_client_opts o = { 0 };
	struct exporter_conf ec;
	struct px_err e;

	X.d = d;
	if (X.srv != NULL) {
		exporter_handle_ready(X.srv, NULL, 0);	/* idle clients */
		sync_fds();
		return;
	}
	if (x == NULL)
		return;
	if ((pr = conf_profile(&d->conf, d->profile, PX_KIND_PVE, &e)) ==
	    NULL || (X.client = px_client_new(&d->conf, pr, &o, &e)) ==
	    NULL) {
		if (strcmp(X.last_err, e.msg) != 0)
			dlog(d, DL_WARNING, "exporter", "cannot connect: %s",
			    e.msg);
		snprintf(X.last_err, sizeof(X.last_err), "%s", e.msg);
		return;
	}
	ec = x->ec;
	ec.client = X.client;
	ec.log = exp_log;
	ec.log_arg = d;
	if (exporter_open(&ec, &X.srv, &e) != 0) {
		/* tried again every step: said once until it changes */
		if (strcmp(X.last_err, e.msg) != 0)
			dlog(d, DL_ERR, "exporter", "%s", e.msg);
		snprintf(X.last_err, sizeof(X.last_err), "%s", e.msg);
		px_client_free(X.client);
		X.client = NULL;
		return;
	}
	X.last_err[0] = '\0';
	dlog(d, DL_INFO, "exporter", "listening on http://%s/metrics",
	    exporter_address(X.srv));
	sync_fds();
}

struct part part_exporter = {
	.name = "exporter",
	.interval_section = "daemon",
	.interval_key = "exporter_interval",
	.interval_default = 1,
	.cfg_load = exp_load,
	.cfg_free = exp_free,
	.step = exp_step,
};
