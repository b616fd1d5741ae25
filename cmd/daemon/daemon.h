/*
 * daemon.h -- what the parts of px daemon share: the daemon's state, its
 * log, and the part table.  A part (alerts, approvals, schedules,
 * reconcile, the exporter) has a name, a check of its configuration (run
 * at start and on SIGHUP, before anything changes), and a step that the
 * loop's timer calls every interval seconds.
 */
#ifndef PX_DAEMON_H
#define PX_DAEMON_H

#include "conf.h"
#include "evloop.h"

enum dlog_level { DL_DEBUG, DL_INFO, DL_NOTICE, DL_WARNING, DL_ERR };

struct daemon;

struct part {
	const char *name;	/* "alerts": the --no-NAME option and the log */
	const char *interval_section;	/* where its interval is set */
	const char *interval_key;	/* ("daemon", "alerts_interval") */
	double interval_default;	/* seconds */
	/* Check c's sections for this part into a new private state
	 * (*cfg, freed with cfg_free); -1 with e: the configuration is not
	 * taken.  NULL: nothing to check. */
	int (*cfg_load)(struct daemon *d, const struct px_conf *c,
	    void **cfg, struct px_err *e);
	void (*cfg_free)(void *cfg);
	/* One step. */
	void (*step)(struct daemon *d, struct part *p);
	/* state */
	int enabled;
	int timer;
	double interval;
	void *cfg;
};

struct daemon {
	struct evloop *loop;
	struct px_conf conf;	/* the configuration in force */
	const char *profile;	/* -p, or NULL */
	int use_syslog;
	int verbose;
	int stopping;
	struct part *parts;
	int nparts;
};

/* Log one line: "TIME LEVEL PART: message" on stderr, or to syslog.
 * Control characters in the message are replaced; secrets must never be
 * passed. */
void dlog(struct daemon *d, enum dlog_level lv, const char *part,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
