/*
 * logs.c -- px node journal|syslog NODE: the node's log.
 *
 *   journal   GET /nodes/{node}/journal: lastentries, since and until
 *             as epochs; the answer's first and last strings are the
 *             cursors of its first and last line.  -F asks again every
 *             2 seconds from the last cursor (startcursor).
 *   syslog    GET /nodes/{node}/syslog: rows {n, t}, start and limit,
 *             since and until as "YYYY-MM-DD HH:MM:SS", service; -F
 *             asks again from the last line number read.
 *
 * --since/--until take "YYYY-MM-DD[ HH:MM[:SS]]" (px's local time) or
 * an epoch; --lines the last n lines (50 by default); --service keeps
 * the lines of one service (PVE filters the syslog, px the journal).
 * Every line is sanitized: a log holds what anyone could make a daemon
 * write (a user name at a failed login), escape sequences included.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "node.h"
#include "pve_check.h"
#include "pve_nodesys.h"

#define LINE_MAX_BYTES	8192
#define DEFAULT_LINES	50

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" (local time) or an epoch, in *t; 0 or -1. */
static int
parse_when(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	size_t n = strlen(s);
	int y, mo, d, h = 0, mi = 0, sec = 0, k = 0, got;

	if (n > 0 && n <= 12 && strspn(s, "0123456789") == n) {
		*t = (time_t)strtoll(s, NULL, 10);
		return 0;
	}
	if (strspn(s, "0123456789-: ") != n)
		return -1;
	got = sscanf(s, "%4d-%2d-%2d%n %2d:%2d%n:%2d%n", &y, &mo, &d, &k, &h,
	    &mi, &k, &sec, &k);
	if (got < 3 || (size_t)k != n || (got == 4) || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	return *t == (time_t)-1 ? -1 : 0;
}

struct logview {
	struct mutcli *m;
	const char *node;
	const char *service;	/* journal: filtered here */
	int syslog;
	struct out *o;		/* tsv, json, jsonl */
	int nlines;
	int down;		/* the last request failed (-F) */
};

/* Does a journal line come from service ("... HOST PROG[PID]: ")? */
static int
of_service(const char *line, const char *service)
{
	size_t n = strlen(service);

	for (const char *p = strstr(line, service); p;
	    p = strstr(p + 1, service))
		if (p > line && p[-1] == ' ' && (p[n] == '[' || p[n] == ':'))
			return 1;
	return 0;
}

/* One line, sanitized by its parser (lib/pve_nodesys.h). */
static void
emit(struct logview *v, long long n, const char *line)
{
	v->nlines++;
	if (v->o == NULL) {
		printf("%s\n", line);
	} else {
		out_row(v->o);
		if (v->syslog) {
			out_int(v->o, 0, n);
			out_str(v->o, 1, line);
		} else
			out_str(v->o, 0, line);
	}
}

static int
flush_rows(struct logview *v)
{
	static const struct out_col scols[] = {
		{ "n", OT_INT, 0 }, { "line", OT_STR, 0 },
	};
	static const struct out_col jcols[] = { { "line", OT_STR, 0 } };
	struct px_err e = { 0 };
	int rc = 0;

	if (v->o == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout))
			return PX_EXIT_FAIL;
		return 0;
	}
	if (cli_print(&v->m->x, v->o, &e) != 0)
		rc = px_report(&e);
	out_free(v->o);
	v->o = out_new(&v->m->x.out, v->syslog ? scols : jcols, v->syslog ?
	    2 : 1);
	return rc;
}

/* GET path into r: 0; or, while following, a passing failure of the
 * connection (warned of once, until it works again): 1, ask later;
 * else exit with the error. */
static int
log_get(struct logview *v, struct px_reply *r, const char *path,
    int following)
{
	struct px_err e = { 0 };

	if (pve_get(v->m->x.client, r, &e, "%s", path) == 0) {
		if (v->down)
			px_warn("%s: answering again", v->node);
		v->down = 0;
		return 0;
	}
	if (following && (e.id == PXE_TRANSPORT || e.id == PXE_TIMEOUT ||
	    e.id == PXE_UNAVAILABLE || e.id == PXE_RATE_LIMITED)) {
		if (!v->down)
			px_warn("%s: %s; trying again", v->node, e.msg);
		v->down = 1;
		return 1;
	}
	px_die(&e);
}

static void
snooze(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < 20 && !stop; i++)
		nanosleep(&ts, NULL);
}

static int
journal(struct logview *v, struct nodesys *ns, const char *base,
    time_t since, time_t until)
{
	struct buf q = { 0 };
	char cursor[512] = "";
	int rc = 0, first = 1;
	long want = ns->lines ? ns->lines : DEFAULT_LINES, nkeep = 0;
	char **keep = px_xcalloc((size_t)want, sizeof(*keep));

	do {
		struct px_reply r;
		struct px_err e = { 0 };
		struct pve_journal jn;

		buf_reset(&q);
		buf_printf(&q, "%s/journal", base);
		if (cursor[0]) {
			struct buf c = { 0 };

			form_add(&c, "startcursor", cursor);
			buf_printf(&q, "?%s", c.p);
			buf_free(&c);
		} else {
			/* with --service, a wider window to find the
			 * last n lines of that service in */
			buf_printf(&q, "?lastentries=%ld", v->service ?
			    (want * 50 < 50000 ? want * 50 : 50000) : want);
			if (since)
				buf_printf(&q, "&since=%lld", (long long)since);
		}
		if (until)
			buf_printf(&q, "&until=%lld", (long long)until);
		if (log_get(v, &r, q.p, !first) != 0) {
			snooze();
			continue;
		}
		if (pve_journal_parse(&r.j, r.data, LINE_MAX_BYTES, &jn, &e)
		    != 0) {
			px_reply_free(&r);
			buf_free(&q);
			px_errx(PX_EXIT_FAIL, "GET %s/journal: the answer is not "
			    "a list", base);
		}
		px_reply_free(&r);
		if (jn.has_cursor)
			snprintf(cursor, sizeof(cursor), "%s", jn.cursor);
		for (int i = 0; i < jn.n; i++) {
			char *s = jn.lines[i];

			if (v->service != NULL && !of_service(s, v->service))
				continue;
			if (first && v->service) {
				/* keep the last want of them */
				if (nkeep == want) {
					free(keep[0]);
					memmove(keep, keep + 1, (size_t)(want -
					    1) * sizeof(*keep));
					nkeep--;
				}
				keep[nkeep++] = s;
				jn.lines[i] = NULL;
			} else
				emit(v, 0, s);
		}
		pve_journal_free(&jn);
		for (long q = 0; q < nkeep; q++) {
			emit(v, 0, keep[q]);
			free(keep[q]);
		}
		nkeep = 0;
		if ((rc = flush_rows(v)) != 0)
			break;
		if (first && ns->follow && cursor[0] == '\0')
			px_warn("%s: the journal sent no cursor: nothing to "
			    "follow from", v->node);
		first = 0;
		if (ns->follow && !stop)
			snooze();
	} while (ns->follow && !stop && cursor[0]);
	free(keep);
	buf_free(&q);
	return rc;
}

static int
syslog_view(struct logview *v, struct nodesys *ns, const char *base,
    time_t since, time_t until)
{
	struct buf q = { 0 }, filt = { 0 };
	long long start = 0, total, want = ns->lines ? ns->lines :
	    DEFAULT_LINES;
	int rc = 0;

	if (since || until) {
		struct tm tm;
		char when[32];

		if (since && localtime_r(&since, &tm)) {
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
			form_add(&filt, "since", when);
		}
		if (until && localtime_r(&until, &tm)) {
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
			form_add(&filt, "until", when);
		}
	}
	if (ns->service)
		form_add(&filt, "service", ns->service);
	{
		/* how many lines match: then the last want of them */
		struct px_reply r;
		struct pve_syslog_line *l;
		struct px_err e = { 0 };
		int n;

		ns_get(v->m, &r, "%s/syslog?start=0&limit=1%s%s", base,
		    filt.len ? "&" : "", filt.len ? filt.p : "");
		if (pve_syslog_parse(&r.j, r.data, LINE_MAX_BYTES, &l, &n, &total,
		    &e) != 0) {
			px_reply_free(&r);
			px_errx(PX_EXIT_FAIL, "GET %s/syslog: the answer is not "
			    "a list", base);
		}
		pve_syslog_free(l, n);
		px_reply_free(&r);
		if (total > want)
			start = total - want;
	}
	do {
		struct px_reply r;
		struct px_err e = { 0 };
		struct pve_syslog_line *l;
		long long tot;
		int n, got = 0;

		buf_reset(&q);
		buf_printf(&q, "%s/syslog?start=%lld&limit=%lld%s%s", base,
		    start, want > 500 ? want : 500, filt.len ? "&" : "",
		    filt.len ? filt.p : "");
		if (log_get(v, &r, q.p, ns->follow) != 0) {
			snooze();
			continue;
		}
		if (pve_syslog_parse(&r.j, r.data, LINE_MAX_BYTES, &l, &n, &tot,
		    &e) != 0) {
			px_reply_free(&r);
			px_errx(PX_EXIT_FAIL, "GET %s/syslog: the answer is not "
			    "a list", base);
		}
		px_reply_free(&r);
		for (int i = 0; i < n; i++)
			if (l[i].n > start) {
				emit(v, l[i].n, l[i].t);
				start = l[i].n;
				got++;
			}
		pve_syslog_free(l, n);
		if ((rc = flush_rows(v)) != 0)
			break;
		if (ns->follow && !stop && got == 0)
			snooze();
	} while (ns->follow && !stop);
	buf_free(&q);
	buf_free(&filt);
	return rc;
}

int
ns_logs(struct mutcli *m, struct nodesys *ns, int argc, char **argv)
{
	static const struct out_col scols[] = {
		{ "n", OT_INT, 0 }, { "line", OT_STR, 0 },
	};
	static const struct out_col jcols[] = { { "line", OT_STR, 0 } };
	struct logview v = { 0 };
	struct buf base = { 0 };
	struct px_err e = { 0 };
	time_t since = 0, until = 0;
	int rc;

	if (argc != 2)
		px_usage(px_cmd_running);
	v.m = m;
	v.node = argv[1];
	v.syslog = strcmp(argv[0], "syslog") == 0;
	if (!pve_valid_node(v.node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", v.node);
	if (ns->search || ns->dns[0] || ns->dns[1] || ns->dns[2] ||
	    ns->timezone || ns->digest || ns->restart || ns->force)
		px_errx(PX_EXIT_USAGE, "%s takes -F, --since, --until, "
		    "--service and --lines", argv[0]);
	if (ns->since && parse_when(ns->since, &since) != 0)
		px_errx(PX_EXIT_USAGE, "--since: '%s' is not YYYY-MM-DD[ HH:MM"
		    "[:SS]] or an epoch", ns->since);
	if (ns->until && parse_when(ns->until, &until) != 0)
		px_errx(PX_EXIT_USAGE, "--until: '%s' is not YYYY-MM-DD[ HH:MM"
		    "[:SS]] or an epoch", ns->until);
	if (ns->follow && until)
		px_errx(PX_EXIT_USAGE, "-F and --until: nothing comes after "
		    "the end");
	if (ns->follow && m->x.out.fmt == OUT_JSON)
		m->x.out.fmt = OUT_JSONL;	/* one object per line, as
						   they come */
	v.service = v.syslog ? NULL : ns->service;
	if (m->x.out.fmt != OUT_TABLE)
		v.o = out_new(&m->x.out, v.syslog ? scols : jcols, v.syslog ?
		    2 : 1);
	mutcli_connect(m);
	if (pve_node_check(m->x.client, v.node, &e) != 0)
		px_die(&e);
	if (ns->follow) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	ns_base(&base, v.node);
	rc = v.syslog ? syslog_view(&v, ns, base.p, since, until) :
	    journal(&v, ns, base.p, since, until);
	if (v.o)
		out_free(v.o);
	buf_free(&base);
	return rc;
}
