/*
 * alerts.c -- the daemon's alerts part: every alerts_interval, one
 * evaluation of the [alert NAME] sections (lib/alert_route.h
 * alert_cycle_run, the same as px alerts eval), each event delivered
 * logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alert_route.h"
#include "alert_state.h"
#include "clock.h"
#include "daemon.h"
#include "daemon_db.h"
#include "http_notify.h"

struct alerts_cfg {
	struct alert_rule *r;
	int n;
};

static int
alerts_load(struct daemon *d, const struct px_conf *c, void **cfg,
    struct px_err *e)
{
	struct alerts_cfg *a = px_xcalloc(1, sizeof(*a));

	(void)d;
	if (alert_rules_load(c, &a->r, &a->n, e) != 0) {
		free(a);
		return -1;
	}
	*cfg = a;
	return 0;
}

static void
alerts_free(void *cfg)
{
	struct alerts_cfg *a = cfg;

	free(a->r);
	free(a);
}

/* A route as it may be logged: a URL without credentials or query. */
static void
route_safe(const char *r, char *out, size_t n)
{
	const char *at;
	char u[512];

	if (strncmp(r, "webhook:", 8) == 0) {
		http_notify_url_safe(r + 8, u, sizeof(u));
		snprintf(out, n, "webhook:%s", u);
	} else if (strncmp(r, "ntfy:", 5) == 0 && (at = strchr(r, '@'))) {
		http_notify_url_safe(at + 1, u, sizeof(u));
		snprintf(out, n, "%.*s@%s", (int)(at - r), r, u);
	} else {
		snprintf(out, n, "%s", r);
	}
}

static void
delivered(void *arg, const struct alert_event *ev, const struct px_err *err)
{
	struct daemon *d = arg;
	char r[600];

	route_safe(ev->route, r, sizeof(r));
	if (err)
		dlog(d, DL_WARNING, "alerts", "%s %s %s: not delivered to %s "
		    "(try %d): %s", ev->rule, ev->event, ev->key, r,
		    ev->tries + 1, err->msg);
	else
		dlog(d, strcmp(ev->event, "resolved") == 0 ? DL_INFO :
		    DL_NOTICE, "alerts", "%s %s %s %s: %s -> %s", ev->rule,
		    ev->event, ev->severity, ev->key, ev->summary, r);
}

static void
alerts_step(struct daemon *d, struct part *p)
{
	struct alerts_cfg *a = p->cfg;
	const struct px_profile *pr;
	struct px_client_opts o = { 0 };
	struct px_client *cl = NULL;
	struct alert_cycle res;
	struct px_err e;
	sqlite3 *db;

	if (a == NULL || a->n == 0) {
		dlog(d, DL_DEBUG, "alerts", "no [alert] section");
		return;
	}
	if ((db = daemon_db_open(NULL, &e)) == NULL ||
	    alert_state_init(db, &e) != 0) {
		dlog(d, DL_ERR, "alerts", "%s", e.msg);
		daemon_db_close(db);
		return;
	}
	if ((pr = conf_profile(&d->conf, d->profile, PX_KIND_PVE, &e)) == NULL ||
	    (cl = px_client_new(&d->conf, pr, &o, &e)) == NULL) {
		dlog(d, DL_WARNING, "alerts", "cannot connect: %s", e.msg);
		/* what is queued still goes out */
		if (alert_deliver_due(&d->conf, db, px_now(), delivered, d,
		    &e) != 0)
			dlog(d, DL_ERR, "alerts", "%s", e.msg);
		daemon_db_close(db);
		return;
	}
	if (alert_cycle_run(&d->conf, cl, db, a->r, a->n, px_now(), &res,
	    delivered, d, &e) != 0)
		dlog(d, DL_WARNING, "alerts", "not evaluated: %s", e.msg);
	else {
		if (res.unjudged)
			dlog(d, DL_WARNING, "alerts", "%d of %d alerts not "
			    "evaluated: %s", res.unjudged, res.rules,
			    res.why.msg);
		dlog(d, DL_DEBUG, "alerts", "%d alerts evaluated, %d findings, "
		    "%d firing", res.rules, res.findings, res.firing);
	}
	px_client_free(cl);
	daemon_db_close(db);
}

struct part part_alerts = {
	.name = "alerts",
	.interval_section = "daemon",
	.interval_key = "alerts_interval",
	.interval_default = 60,
	.cfg_load = alerts_load,
	.cfg_free = alerts_free,
	.step = alerts_step,
};
