/*
 * daemon -- px's one long-running process: one poll loop (lib/evloop.h),
 * each part on its own timer, one log line per event.  SIGTERM and
 * SIGINT let the running step finish and exit 0; SIGHUP reads px.conf
 * again and keeps the configuration in force when the new one does not
 * pass every part's check.  One daemon per data directory (a lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "daemon.h"
#include "freeze.h"

enum { O_NO_ALERTS = PX_O_LONG, O_NO_APPROVALS, O_NO_EXPORTER,
	O_NO_RECONCILE, O_NO_SCHEDULE, O_PIDFILE, O_SYSLOG };

static const struct px_opt opts[] = {
	PX_OPT_PROFILE,
	PX_OPT_VERBOSE,
	{ O_NO_ALERTS, "no-alerts", NULL, "do not evaluate [alert] sections" },
	{ O_NO_APPROVALS, "no-approvals", NULL,
	    "do not carry out queued approvals" },
	{ O_NO_EXPORTER, "no-exporter", NULL, "do not serve /metrics" },
	{ O_NO_RECONCILE, "no-reconcile", NULL, "do not run [reconcile]" },
	{ O_NO_SCHEDULE, "no-schedule", NULL, "do not run schedules" },
	{ O_PIDFILE, "pidfile", "file", "write the process id to file" },
	{ O_SYSLOG, "syslog", NULL, "log to syslog instead of stderr" },
	PX_OPT_END
};

PX_COMMAND(daemon, "watch and act: alerts, approvals, schedules, "
    "reconcile", opts, NULL, NULL);

/* The parts, in the order they start. */
extern struct part part_alerts, part_schedule, part_exporter;
extern struct part part_approvals;
extern struct part part_reconcile;
static struct part *parts_table[] = {
	&part_alerts,
	&part_approvals,
	&part_schedule,
	&part_exporter,
	&part_reconcile,
	NULL
};

static const char *const level_names[] = { "debug", "info", "notice",
	"warning", "error" };
static const int level_syslog[] = { LOG_DEBUG, LOG_INFO, LOG_NOTICE,
	LOG_WARNING, LOG_ERR };

void
dlog(struct daemon *d, enum dlog_level lv, const char *part,
    const char *fmt, ...)
{
	char msg[1024], ts[32];
	va_list ap;
	time_t now;
	struct tm tm;

	if (lv == DL_DEBUG && !d->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (d->use_syslog) {
		syslog(level_syslog[lv], "%s: %s", part, msg);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s: %s\n", ts, level_names[lv], part, msg);
	fflush(stderr);
}

/* The signal pipe: the handler writes the signal's number, the loop
 * reads it. */
static int sigpipe_fd[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(sigpipe_fd[1], &b, 1) < 0) {
		/* the pipe is full: a signal is pending already */
	}
	errno = saved;
}

static int
signals_setup(struct px_err *e)
{
	struct sigaction sa = { 0 };
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };

	if (pipe2(sigpipe_fd, O_CLOEXEC | O_NONBLOCK) != 0)
		return px_fail(e, PXE_IO, "pipe: %s", strerror(errno));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Parse a [daemon] duration (30, 30s, 5m) into *out; -1 with e. */
static int
conf_seconds(const struct px_conf *c, const char *section, const char *key,
    double def, double *out, struct px_err *e)
{
	const char *v = conf_get(c, section, key);
	long long s;

	*out = def;
	if (v == NULL)
		return 0;
	/* sub-second values for tests: 0.2s */
	if (strchr(v, '.') != NULL) {
		char *end;
		double f = strtod(v, &end);

		if (f >= 0.05 && f <= 86400 && (*end == '\0' ||
		    strcmp(end, "s") == 0)) {
			*out = f;
			return 0;
		}
	} else if (px_parse_duration(v, &s) == 0 && s >= 1 && s <= 86400) {
		*out = (double)s;
		return 0;
	}
	return px_fail(e, PXE_CONFIG, "%s: [%s] %s = '%s': not a duration "
	    "between 1s and 1d (30s, 5m, 1h)", c->path, section, key, v);
}

static const char *const daemon_keys[] = { "alerts_interval",
	"schedule_interval", "exporter_interval", "approvals_interval", "ntfy_server", "ntfy_token_file", NULL };

/* Check every part's configuration in c; on success swap it in (the old
 * part state freed), else leave everything as it was.  0 or -1 with e. */
static int
daemon_configure(struct daemon *d, struct px_conf *c, struct px_err *e)
{
	void *cfg[16] = { 0 };
	double iv[16];
	int i, bad = 0;

	for (size_t k = 0; k < c->nkv; k++) {
		int known = 0;

		if (strcmp(c->kv[k].section, "daemon") != 0)
			continue;
		for (i = 0; daemon_keys[i]; i++)
			known |= strcmp(daemon_keys[i], c->kv[k].key) == 0;
		if (!known)
			return px_fail(e, PXE_CONFIG, "%s: [daemon] has no key "
			    "'%s'", c->path, c->kv[k].key);
	}
	/* every interval, also of a part that is off */
	for (i = 0; daemon_keys[i]; i++)
		if (strstr(daemon_keys[i], "_interval") &&
		    conf_seconds(c, "daemon", daemon_keys[i], 1, &iv[0], e) != 0)
			return -1;
	for (i = 0; i < d->nparts && !bad; i++) {
		struct part *p = &d->parts[i];

		if (conf_seconds(c, p->interval_section, p->interval_key,
		    p->interval_default, &iv[i], e) != 0 ||
		    (p->cfg_load && p->cfg_load(d, c, &cfg[i], e) != 0))
			bad = 1;
	}
	if (bad) {
		for (int k = 0; k < i; k++)
			if (cfg[k] && d->parts[k].cfg_free)
				d->parts[k].cfg_free(cfg[k]);
		return -1;
	}
	for (i = 0; i < d->nparts; i++) {
		struct part *p = &d->parts[i];

		if (p->cfg && p->cfg_free)
			p->cfg_free(p->cfg);
		p->cfg = cfg[i];
		if (p->enabled && iv[i] != p->interval) {
			p->interval = iv[i];
			if (p->timer >= 0)
				evloop_timer_set(d->loop, p->timer, p->interval,
				    p->interval);
		}
		p->interval = iv[i];
	}
	conf_free(&d->conf);
	d->conf = *c;
	return 0;
}

static void
part_tick(struct evloop *l, int id, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	for (int i = 0; i < d->nparts; i++)
		if (d->parts[i].timer == id && d->parts[i].enabled) {
			d->parts[i].step(d, &d->parts[i]);
			return;
		}
}

static void
reload(struct daemon *d)
{
	struct px_conf c = { 0 };
	struct px_err e;

	dlog(d, DL_INFO, "daemon", "SIGHUP: reading %s", d->conf.path);
	if (conf_load(&c, &e) != 0 || daemon_configure(d, &c, &e) != 0) {
		if (c.path)
			conf_free(&c);
		dlog(d, DL_ERR, "daemon", "new configuration refused, keeping "
		    "the one in force: %s", e.msg);
		return;
	}
	dlog(d, DL_NOTICE, "daemon", "configuration reloaded");
}

static void
on_sigpipe(struct evloop *l, int fd, short rev, void *arg)
{
	struct daemon *d = arg;
	unsigned char b[16];
	ssize_t n;

	(void)rev;
	while ((n = read(fd, b, sizeof(b))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (b[i] == SIGHUP) {
				reload(d);
			} else if (!d->stopping) {
				dlog(d, DL_NOTICE, "daemon", "%s: stopping",
				    b[i] == SIGTERM ? "SIGTERM" : "SIGINT");
				d->stopping = 1;
				evloop_stop(l);
			}
		}
}

/* Hold the data dir's daemon.lock: one daemon per data directory (its
 * state is not shared).  The fd, or -1 with e. */
static int
lock_data_dir(struct px_err *e)
{
	const char *dir = px_data_dir(e);
	char path[4096];
	int fd;

	if (dir == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/daemon.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return px_fail(e, PXE_FAILURE, "another px daemon uses the "
		    "data directory %s", dir);
	}
	return fd;
}

/* Write the pid into path, held with a lock; the fd, or -1 with e. */
static int
pidfile_write(const char *path, struct px_err *e)
{
	char line[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return px_fail(e, PXE_IO, "--pidfile %s: %s", path,
		    strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return px_fail(e, PXE_FAILURE, "--pidfile %s: held by a running "
		    "process", path);
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, line, (size_t)n) != n) {
		close(fd);
		return px_fail(e, PXE_IO, "--pidfile %s: %s", path,
		    strerror(errno));
	}
	return fd;
}

int
daemon_main(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct px_getopt g;
	struct px_err e;
	struct px_conf c = { 0 };
	const char *pidfile = NULL;
	int ch, nparts = 0, lockfd, pidfd = -1, rc = 0;
	int off[8] = { 0 };	/* by option, -O_NO_ALERTS */
	static struct part parts[16];

	px_getopt_init(&g, &px_cmd_daemon, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'p':
			d.profile = g.arg;
			break;
		case 'v':
			d.verbose = 1;
			break;
		case O_NO_ALERTS:
		case O_NO_APPROVALS:
		case O_NO_EXPORTER:
		case O_NO_RECONCILE:
		case O_NO_SCHEDULE:
			off[ch - O_NO_ALERTS] = 1;
			break;
		case O_PIDFILE:
			pidfile = g.arg;
			break;
		case O_SYSLOG:
			d.use_syslog = 1;
			break;
		default:
			px_usage(&px_cmd_daemon);
		}
	}
	argc -= g.ind;
	if (argc != 0)
		px_usage(&px_cmd_daemon);

	for (size_t i = 0; parts_table[i] != NULL; i++) {
		static const char *const names[] = { "alerts", "approvals",
			"exporter", "reconcile", "schedule" };

		parts[nparts] = *parts_table[i];
		parts[nparts].timer = -1;
		parts[nparts].enabled = 1;
		for (int k = 0; k < 5; k++)
			if (strcmp(names[k], parts[nparts].name) == 0 && off[k])
				parts[nparts].enabled = 0;
		nparts++;
	}
	d.parts = parts;
	d.nparts = nparts;
	d.loop = evloop_new();
	if (d.use_syslog)
		openlog("px daemon", LOG_PID, LOG_DAEMON);

	if (conf_load(&c, &e) != 0 || daemon_configure(&d, &c, &e) != 0)
		px_die(&e);
	if ((lockfd = lock_data_dir(&e)) < 0)
		px_die(&e);
	if (pidfile && (pidfd = pidfile_write(pidfile, &e)) < 0)
		px_die(&e);
	if (signals_setup(&e) != 0)
		px_die(&e);
	evloop_fd(d.loop, sigpipe_fd[0], POLLIN, on_sigpipe, &d);

	dlog(&d, DL_INFO, "daemon", "started, pid %ld, configuration %s",
	    (long)getpid(), d.conf.path);
	for (int i = 0; i < nparts; i++) {
		struct part *p = &parts[i];

		if (!p->enabled) {
			dlog(&d, DL_INFO, p->name, "off (--no-%s)", p->name);
			continue;
		}
		/* the first step at once, then every interval */
		p->timer = evloop_timer(d.loop, 0, p->interval, part_tick, &d);
		dlog(&d, DL_INFO, p->name, "every %g s", p->interval);
	}
	if (evloop_run(d.loop, &e) != 0) {
		dlog(&d, DL_ERR, "daemon", "%s", e.msg);
		rc = 1;
	}
	dlog(&d, DL_INFO, "daemon", "stopped");
	for (int i = 0; i < nparts; i++)
		if (parts[i].cfg && parts[i].cfg_free)
			parts[i].cfg_free(parts[i].cfg);
	if (pidfd >= 0) {
		unlink(pidfile);
		close(pidfd);
	}
	close(lockfd);
	close(sigpipe_fd[0]);
	close(sigpipe_fd[1]);
	conf_free(&d.conf);
	evloop_free(d.loop);
	if (d.use_syslog)
		closelog();
	return rc;
}
