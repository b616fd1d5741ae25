/*
 * reconcile.c -- the daemon's reconcile part: every [reconcile]
 * interval, what px reconcile run does (the state file from a file, a
 * directory or git, compared with the cluster), and with converge = yes
 * what px reconcile converge -y does (through the gate, audited "via px
 * daemon reconcile"; no --allow-risk, so a plan the pre-flight check
 * judges severe is refused by the gate and not applied).
 *
 * Each runs as a child px, as the schedules do: px reconcile clones git
 * sources and reads state through the command layer, which ends a
 * process on an error; a child keeps that from the daemon, and the loop
 * polls it without waiting (the part's timer runs fast while a child
 * runs).  What it finds goes through lib/alert_state as the internal
 * alert kind "drift" of a rule named "reconcile" (routes, severity,
 * repeat and resolved from [reconcile]):
 *
 *   reconcile/drift   the cluster differs from the file (not converged,
 *                     or converging failed)
 *   reconcile/severe  converge = yes, and the gate refused the changes
 *                     as severe (or a freeze or read-only profile)
 *   reconcile/error   the source or the cluster could not be read
 *
 * Each clears (a resolved message) when the next run no longer finds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert.h"
#include "alert_route.h"
#include "alert_state.h"
#include "buf.h"
#include "clock.h"
#include "daemon.h"
#include "daemon_db.h"
#include "err.h"
#include "freeze.h"
#include "http_notify.h"
#include "json.h"

#define OUT_CAP		(256 * 1024)

struct rec_cfg {
	char source[2048];
	char path[1024];
	int converge;
	struct alert_rule rule;	/* kind AK_DRIFT, name "reconcile" */
};

static const char *const rec_keys[] = { "source", "path", "interval",
	"converge", "route", "severity", "repeat", "resolved", NULL };

/* What runs now. */
static struct {
	pid_t pid;
	int converge;		/* 0: run, 1: converge */
	int changes;		/* from the run */
	char summary[384];
	char out[4096];
} cur;

static int
bad(struct px_err *e, const struct px_conf *c, const char *key,
    const char *why)
{
	return px_fail(e, PXE_CONFIG, "%s: [reconcile] %s: %s", c->path, key,
	    why);
}

static int
routes(const struct px_conf *c, struct alert_rule *r, const char *v,
    struct px_err *e)
{
	const char *p = v, *why;

	while (*p) {
		size_t n;
		char one[512];

		p += strspn(p, " \t,");
		if (!*p)
			break;
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= sizeof(one))
			return bad(e, c, "route", "a route is at most 511 "
			    "characters");
		memcpy(one, p, n);
		one[n] = '\0';
		if ((why = alert_route_problem(one)) != NULL)
			return bad(e, c, "route", why);
		if (r->nroutes == ALERT_MAX_ROUTES)
			return bad(e, c, "route", "at most 8 routes");
		memcpy(r->routes[r->nroutes++], one, n + 1);
		p += strcspn(p, ",");
	}
	return 0;
}

static int
rec_load(struct daemon *d, const struct px_conf *c, void **cfg,
    struct px_err *e)
{
	struct rec_cfg *r;
	const char *v;
	int any = 0;

	(void)d;
	for (size_t k = 0; k < c->nkv; k++) {
		int known = 0;

		if (strcmp(c->kv[k].section, "reconcile") != 0)
			continue;
		any = 1;
		for (int i = 0; rec_keys[i]; i++)
			known |= strcmp(rec_keys[i], c->kv[k].key) == 0;
		if (!known)
			return px_fail(e, PXE_CONFIG, "%s: [reconcile] has no "
			    "key '%s' (source, path, interval, converge, "
			    "route, severity, repeat, resolved)", c->path,
			    c->kv[k].key);
	}
	*cfg = NULL;
	if (!any)
		return 0;
	r = px_xcalloc(1, sizeof(*r));
	if ((v = conf_get(c, "reconcile", "source")) == NULL || *v == '\0') {
		free(r);
		return bad(e, c, "source", "missing (a state file, a directory "
		    "or a git URL)");
	}
	if (strlen(v) >= sizeof(r->source) || conf_has_ctl(v) || v[0] == '-') {
		free(r);
		return bad(e, c, "source", "too long, a control character or "
		    "a leading '-'");
	}
	snprintf(r->source, sizeof(r->source), "%s", v);
	if ((v = conf_get(c, "reconcile", "path")) != NULL) {
		if (strlen(v) >= sizeof(r->path) || conf_has_ctl(v) ||
		    v[0] == '-' || v[0] == '/' || strstr(v, "..")) {
			free(r);
			return bad(e, c, "path", "a relative path inside the "
			    "source, without ..");
		}
		snprintf(r->path, sizeof(r->path), "%s", v);
	}
	if ((v = conf_get(c, "reconcile", "converge")) != NULL &&
	    (r->converge = conf_parse_bool(v)) < 0) {
		free(r);
		return bad(e, c, "converge", "yes or no");
	}
	snprintf(r->rule.name, sizeof(r->rule.name), "reconcile");
	r->rule.kind = AK_DRIFT;
	r->rule.repeat_s = 3600;
	r->rule.resolved = 1;
	snprintf(r->rule.severity, sizeof(r->rule.severity), "warning");
	if ((v = conf_get(c, "reconcile", "severity")) != NULL) {
		if (strcmp(v, "info") != 0 && strcmp(v, "warning") != 0 &&
		    strcmp(v, "critical") != 0) {
			free(r);
			return bad(e, c, "severity", "info, warning or "
			    "critical");
		}
		snprintf(r->rule.severity, sizeof(r->rule.severity), "%s", v);
	}
	if ((v = conf_get(c, "reconcile", "repeat")) != NULL &&
	    (strcmp(v, "0") == 0 ? (r->rule.repeat_s = 0, 0) :
	    px_parse_duration(v, &r->rule.repeat_s)) != 0) {
		free(r);
		return bad(e, c, "repeat", "a duration (1h) or 0");
	}
	if ((v = conf_get(c, "reconcile", "resolved")) != NULL &&
	    (r->rule.resolved = conf_parse_bool(v)) < 0) {
		free(r);
		return bad(e, c, "resolved", "yes or no");
	}
	if ((v = conf_get(c, "reconcile", "route")) != NULL &&
	    routes(c, &r->rule, v, e) != 0) {
		free(r);
		return -1;
	}
	*cfg = r;
	return 0;
}

static void
rec_free(void *cfg)
{
	free(cfg);
}

/* The source as it may be logged: a URL without credentials. */
static const char *
src_safe(const struct rec_cfg *r)
{
	static char b[2048];

	if (strstr(r->source, "://"))
		http_notify_url_safe(r->source, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "%s", r->source);
	return b;
}

/* Start px reconcile ... run|converge as a child, output into cur.out. */
static pid_t
spawn(struct daemon *d, const struct rec_cfg *r, int converge)
{
	posix_spawn_file_actions_t fa;
	char *argv[16];
	extern char **environ;
	const char *dir;
	struct px_err e;
	int n = 0, err;
	pid_t pid;

	if ((dir = px_data_dir(&e)) == NULL) {
		dlog(d, DL_ERR, "reconcile", "%s", e.msg);
		return -1;
	}
	snprintf(cur.out, sizeof(cur.out), "%.3000s/reconcile.out", dir);
	unlink(cur.out);
	argv[n++] = "px";
	if (d->profile) {
		argv[n++] = "-p";
		argv[n++] = (char *)d->profile;
	}
	argv[n++] = "reconcile";
	argv[n++] = "-j";
	argv[n++] = "--source";
	argv[n++] = (char *)r->source;
	if (r->path[0]) {
		argv[n++] = "--path";
		argv[n++] = (char *)r->path;
	}
	if (converge)
		argv[n++] = "-y";
	argv[n++] = converge ? "converge" : "run";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, cur.out, O_WRONLY | O_CREAT |
	    O_TRUNC | O_NOFOLLOW, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	setenv("PX_DAEMON_VIA", "px daemon reconcile", 1);
	err = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
	unsetenv("PX_DAEMON_VIA");
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		dlog(d, DL_ERR, "reconcile", "cannot start px: %s",
		    strerror(err));
		return -1;
	}
	return pid;
}

/* The child's output (capped, NUL-ended, malloc'd). */
static char *
slurp(void)
{
	char *t = px_xcalloc(1, OUT_CAP + 1);
	FILE *f;

	if ((f = fopen(cur.out, "r")) != NULL) {
		size_t n = fread(t, 1, OUT_CAP, f);

		t[n] = '\0';
		fclose(f);
	}
	unlink(cur.out);
	return t;
}

/* The last line of px's own messages ("px reconcile: ..."), sanitized. */
static void
last_msg(const char *t, char *out, size_t n)
{
	const char *best = NULL, *p = t;

	while ((p = strstr(p, "px reconcile: ")) != NULL) {
		best = p + 14;
		p += 14;
	}
	if (best == NULL)
		best = "no message";
	snprintf(out, n, "%.*s", (int)strcspn(best, "\n"), best);
	for (char *q = out; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
}

/* The changes of a run -j: their number, and "update pool web, ..." */
static int
changes(const char *t, char *sum, size_t n)
{
	const char *a = strchr(t, '[');
	struct json j;
	int k, len = 0;

	sum[0] = '\0';
	if (a == NULL || json_parse(&j, a, strcspn(a, "\n"), NULL) != 0)
		return -1;
	k = json_len(&j, 0);
	for (int i = 0; i < k && len < (int)n - 1; i++) {
		int o = json_at(&j, 0, i);
		char *op = json_get_str(&j, o, "op"), *kind =
		    json_get_str(&j, o, "kind"), *id = json_get_str(&j, o,
		    "id");

		len += snprintf(sum + len, n - (size_t)len, "%s%s %s%s%s",
		    i ? ", " : "", op ? op : "?", kind ? kind : "?",
		    id && *id ? " " : "", id ? id : "");
		free(op);
		free(kind);
		free(id);
		if (len >= (int)n)
			len = (int)n - 1;
	}
	json_free(&j);
	for (char *q = sum; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return k;
}

static void
delivered(void *arg, const struct alert_event *ev, const struct px_err *err)
{
	struct daemon *d = arg;

	if (err)
		dlog(d, DL_WARNING, "reconcile", "%s %s: not delivered (try "
		    "%d): %s", ev->event, ev->key, ev->tries + 1, err->msg);
	else
		dlog(d, DL_NOTICE, "reconcile", "alert %s %s %s: %s",
		    ev->event, ev->severity, ev->key, ev->summary);
}

/* Judge the findings of this run (nf of them) and deliver. */
static void
judge(struct daemon *d, const struct rec_cfg *r, struct alert_finding *f,
    int nf)
{
	struct px_err e;
	sqlite3 *db;
	int ok = 1, fired = 0;

	if ((db = daemon_db_open(NULL, &e)) == NULL ||
	    alert_state_init(db, &e) != 0 ||
	    alert_state_eval(db, &r->rule, 1, &ok, f, nf, px_now(), &fired,
	    &e) != 0 ||
	    alert_deliver_due(&d->conf, db, px_now(), delivered, d, &e) != 0)
		dlog(d, DL_ERR, "reconcile", "alert state: %s", e.msg);
	daemon_db_close(db);
}

static void
finding(struct alert_finding *f, int *nf, const char *key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
finding(struct alert_finding *f, int *nf, const char *key, const char *fmt,
    ...)
{
	va_list ap;
	struct alert_finding *x = &f[(*nf)++];

	memset(x, 0, sizeof(*x));
	snprintf(x->key, sizeof(x->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(x->summary, sizeof(x->summary), fmt, ap);
	va_end(ap);
}

/* The child ended with status code and output t. */
static void
ended(struct daemon *d, struct part *p, int code, char *t)
{
	struct rec_cfg *r = p->cfg;
	struct alert_finding f[3];
	char msg[300];
	int nf = 0;

	if (r == NULL)
		return;
	if (!cur.converge) {
		if (code == 0) {
			dlog(d, DL_INFO, "reconcile", "the cluster matches %s",
			    src_safe(r));
		} else if (code == PX_EXIT_USAGE &&
		    (cur.changes = changes(t, cur.summary,
		    sizeof(cur.summary))) > 0) {
			dlog(d, DL_NOTICE, "reconcile", "drift: %d change%s: "
			    "%s", cur.changes, cur.changes == 1 ? "" : "s",
			    cur.summary);
			if (r->converge && !d->stopping) {
				if ((cur.pid = spawn(d, r, 1)) > 0) {
					cur.converge = 1;
					return;
				}
			}
			finding(f, &nf, "reconcile/drift", "the cluster "
			    "differs from its state file in %d place%s: %s",
			    cur.changes, cur.changes == 1 ? "" : "s",
			    cur.summary);
		} else {
			last_msg(t, msg, sizeof(msg));
			dlog(d, DL_WARNING, "reconcile", "not compared (exit "
			    "%d): %s", code, msg);
			finding(f, &nf, "reconcile/error", "the state file or "
			    "the cluster could not be read (exit %d): %s",
			    code, msg);
		}
	} else {
		last_msg(t, msg, sizeof(msg));
		if (code == 0) {
			dlog(d, DL_NOTICE, "reconcile", "converged: %d "
			    "change%s applied: %s", cur.changes,
			    cur.changes == 1 ? "" : "s", cur.summary);
		} else if (code == PX_EXIT_RISK || code == PX_EXIT_REFUSED ||
		    code == PX_EXIT_HITL) {
			dlog(d, DL_WARNING, "reconcile", "not converged: %s",
			    msg);
			finding(f, &nf, "reconcile/drift", "the cluster "
			    "differs from its state file in %d place%s: %s",
			    cur.changes, cur.changes == 1 ? "" : "s",
			    cur.summary);
			finding(f, &nf, "reconcile/severe", "%d change%s not "
			    "applied (%s): %s", cur.changes, cur.changes == 1 ?
			    "" : "s", code == PX_EXIT_RISK ? "severe: the "
			    "pre-flight check asks a person" : code ==
			    PX_EXIT_REFUSED ? "a freeze or a read-only "
			    "profile" : "approval denied", msg);
		} else {
			dlog(d, DL_WARNING, "reconcile", "converging failed "
			    "(exit %d): %s", code, msg);
			finding(f, &nf, "reconcile/drift", "the cluster "
			    "differs from its state file in %d place%s: %s; "
			    "converging failed: %s", cur.changes,
			    cur.changes == 1 ? "" : "s", cur.summary, msg);
		}
	}
	judge(d, r, f, nf);
}

static void
rec_step(struct daemon *d, struct part *p)
{
	struct rec_cfg *r = p->cfg;
	int st;

	if (cur.pid > 0) {
		pid_t w = waitpid(cur.pid, &st, WNOHANG);
		char *t;

		if (w == 0)
			return;
		cur.pid = 0;
		t = slurp();
		ended(d, p, w == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) :
		    -1, t);
		free(t);
		if (cur.pid > 0)	/* converging now */
			return;
		evloop_timer_set(d->loop, p->timer, p->interval, p->interval);
		return;
	}
	if (r == NULL) {
		dlog(d, DL_DEBUG, "reconcile", "no [reconcile] section");
		return;
	}
	memset(&cur, 0, sizeof(cur));
	if ((cur.pid = spawn(d, r, 0)) < 0) {
		cur.pid = 0;
		return;
	}
	dlog(d, DL_DEBUG, "reconcile", "comparing the cluster with %s",
	    src_safe(r));
	/* poll the child often until it ends */
	evloop_timer_set(d->loop, p->timer, 0.1, 0.1);
}

struct part part_reconcile = {
	.name = "reconcile",
	.interval_section = "reconcile",
	.interval_key = "interval",
	.interval_default = 300,
	.cfg_load = rec_load,
	.cfg_free = rec_free,
	.step = rec_step,
};
