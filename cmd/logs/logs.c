/*
 * logs -- the journal of every node at once, over SSH: `journalctl -o
 * json` on each selected node in parallel (lib/ssh.h), the entries
 * merged in time order and prefixed with their node; -F follows every
 * node at once (each line printed as it arrives).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "json.h"
#include "sshcli.h"

enum { O_NODE = PX_O_LONG, O_SERVICE, O_SINCE, O_UNTIL, O_GREP };

static const struct px_opt opts[] = {
	PX_OPT_FORMAT, PX_OPT_JSON, PX_OPT_PROFILE, PX_OPT_VERBOSE,
	{ 'F', "follow", NULL, "follow every node's journal" },
	{ 'n', "lines", "lines", "the last lines (default 100 without "
	    "--since or --until)" },
	{ O_NODE, "node", "node", "only this node (repeatable)" },
	{ O_SERVICE, "service", "unit", "only this systemd unit" },
	{ O_SINCE, "since", "time", "entries since (journalctl's --since)" },
	{ O_UNTIL, "until", "time", "entries until (journalctl's --until)" },
	{ O_GREP, "grep", "regex", "only messages matching (journalctl's "
	    "--grep)" },
	PX_OPT_END
};

PX_COMMAND(logs, "read the journal of every node over SSH, merged in "
    "time order", opts, NULL, NULL);

struct entry {
	long long usec;
	char node[64];
	char unit[128];
	char ident[128];
	long pid;
	int prio;
	char *msg;
};

struct logs {
	pthread_mutex_t mu;
	enum out_fmt fmt;
	int follow;
	int json_first;		/* -f json: no element printed yet */
	struct entry *v;
	size_t n, cap;
	long bad;		/* lines that were not journal JSON */
};

/* A journal field that is a string, or an array of bytes (journalctl's
 * form for a value that is not UTF-8), as a sanitized C string. */
static char *
field(const struct json *j, const char *key)
{
	int t = json_get(j, 0, key);
	struct buf b = { 0 };
	char *s;

	if (t < 0 || json_is_null(j, t))
		return NULL;
	if (json_type(j, t) == JSON_ARRAY) {
		for (int i = 0, n = json_len(j, t); i < n && i < 65536; i++) {
			long long c = 0;

			if (json_int(j, json_at(j, t, i), &c) == 0 &&
			    c > 0 && c < 256)
				buf_addc(&b, (char)c);
		}
		s = buf_steal(&b);
		if (s == NULL)
			s = px_xstrdup("");
	} else if ((s = json_strdup(j, t)) == NULL) {
		return NULL;
	}
	return text_sanitize(s);
}

static int
parse_entry(const char *node, const char *line, size_t n, struct entry *en)
{
	struct json j = { 0 };
	struct px_err e = { 0 };
	char *ts, *prio, *unit, *ident, *pid;
	int rc = -1;

	memset(en, 0, sizeof(*en));
	if (json_parse(&j, line, n, &e) != 0 || json_type(&j, 0) != JSON_OBJECT)
		goto out;
	ts = field(&j, "__REALTIME_TIMESTAMP");
	if (ts == NULL || (en->usec = strtoll(ts, NULL, 10)) <= 0) {
		free(ts);
		goto out;
	}
	free(ts);
	snprintf(en->node, sizeof(en->node), "%s", node);
	prio = field(&j, "PRIORITY");
	en->prio = prio && *prio >= '0' && *prio <= '7' ? *prio - '0' : -1;
	free(prio);
	unit = field(&j, "_SYSTEMD_UNIT");
	snprintf(en->unit, sizeof(en->unit), "%s", unit ? unit : "");
	free(unit);
	if ((ident = field(&j, "SYSLOG_IDENTIFIER")) == NULL)
		ident = field(&j, "_COMM");
	snprintf(en->ident, sizeof(en->ident), "%s", ident ? ident :
	    en->unit);
	free(ident);
	pid = field(&j, "_PID");
	en->pid = pid ? strtol(pid, NULL, 10) : 0;
	free(pid);
	if ((en->msg = field(&j, "MESSAGE")) == NULL)
		en->msg = px_xstrdup("");
	rc = 0;
out:
	json_free(&j);
	return rc;
}

static void
print_entry(struct logs *L, const struct entry *en)
{
	time_t t = (time_t)(en->usec / 1000000);
	struct tm tm;
	char when[64];
	struct buf b = { 0 };
	struct jw w;

	switch (L->fmt) {
	case OUT_JSON:
	case OUT_JSONL:
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when + strlen(when), sizeof(when) - strlen(when),
		    ".%06lldZ", en->usec % 1000000);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "node"); jw_str(&w, en->node);
		jw_key(&w, "time"); jw_str(&w, when);
		jw_key(&w, "usec"); jw_int(&w, en->usec);
		jw_key(&w, "unit"); jw_str(&w, en->unit);
		jw_key(&w, "identifier"); jw_str(&w, en->ident);
		jw_key(&w, "pid");
		if (en->pid > 0)
			jw_int(&w, en->pid);
		else
			jw_str(&w, NULL);
		jw_key(&w, "priority");
		if (en->prio >= 0)
			jw_int(&w, en->prio);
		else
			jw_str(&w, NULL);
		jw_key(&w, "message"); jw_str(&w, en->msg);
		jw_end(&w);
		if (L->fmt == OUT_JSON)
			printf("%s%s", L->json_first ? "[" : ",\n", b.p);
		else
			printf("%s\n", b.p);
		L->json_first = 0;
		break;
	case OUT_TSV:
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%s.%06lld\t%s\t%s\t%d\t%s\n", when,
		    en->usec % 1000000, en->node, en->unit, en->prio, en->msg);
		break;
	default:
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if (en->pid > 0)
			printf("%s %s %s[%ld]: %s\n", when, en->node,
			    en->ident, en->pid, en->msg);
		else
			printf("%s %s %s: %s\n", when, en->node, en->ident,
			    en->msg);
	}
	buf_free(&b);
	if (L->follow)
		fflush(stdout);
}

/* A line from a node: a journal entry on stdout, a message on stderr. */
static void
on_line(void *arg, const char *node, int stream, const char *line, size_t n)
{
	struct logs *L = arg;
	struct entry en;
	char *s;

	if (n == 0)
		return;
	if (stream == 2) {
		s = text_sanitize(px_xstrndup(line, n));
		pthread_mutex_lock(&L->mu);
		px_warn("%s: %s", node, s);
		pthread_mutex_unlock(&L->mu);
		free(s);
		return;
	}
	if (parse_entry(node, line, n, &en) != 0) {
		pthread_mutex_lock(&L->mu);
		L->bad++;
		pthread_mutex_unlock(&L->mu);
		return;
	}
	pthread_mutex_lock(&L->mu);
	if (L->follow) {
		print_entry(L, &en);
		free(en.msg);
	} else if (L->n < 10000000) {
		if (L->n == L->cap) {
			L->cap = L->cap ? L->cap * 2 : 256;
			L->v = px_xrealloc(L->v, L->cap * sizeof(*L->v));
		}
		L->v[L->n++] = en;
	} else {
		free(en.msg);
	}
	pthread_mutex_unlock(&L->mu);
}

static int
by_time(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	return strcmp(x->node, y->node);
}

static int
bad_value(const char *opt, const char *v)
{
	if (*v == '\0' || conf_has_ctl(v))
		px_errx(PX_EXIT_USAGE, "%s: an empty value or a control "
		    "character", opt);
	return 0;
}

int
logs_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct sshcli s;
	struct logs L = { .json_first = 1 };
	struct ssh_job *jobs;
	char **want = NULL, *end;
	const char *service = NULL, *since = NULL, *until = NULL;
	const char *grep = NULL;
	char *args[32], nbuf[32];
	int ch, nwant = 0, na = 0, rc = 0;
	long lines = -1;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_logs, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case 'F':
			L.follow = 1;
			break;
		case 'n':
			lines = strtol(go.arg, &end, 10);
			if (*end || end == go.arg || lines < 1 ||
			    lines > 1000000)
				px_errx(PX_EXIT_USAGE, "-n %s: want a number "
				    "of lines (1-1000000)", go.arg);
			break;
		case O_NODE:
			sshcli_add_node(&want, &nwant, go.arg);
			break;
		case O_SERVICE:
			service = go.arg;
			bad_value("--service", service);
			break;
		case O_SINCE:
			since = go.arg;
			bad_value("--since", since);
			break;
		case O_UNTIL:
			until = go.arg;
			bad_value("--until", until);
			break;
		case O_GREP:
			grep = go.arg;
			bad_value("--grep", grep);
			break;
		default:
			px_usage(&px_cmd_logs);
		}
	}
	if (go.ind != argc)
		px_usage(&px_cmd_logs);
	L.fmt = x.out.fmt;
	if (L.follow && L.fmt == OUT_JSON)
		px_errx(PX_EXIT_USAGE, "-F: -f json is one array at the end; "
		    "use -f jsonl");
	if (lines < 0 && since == NULL && until == NULL)
		lines = 100;

	args[na++] = "journalctl";
	args[na++] = "--no-pager";
	args[na++] = "--quiet";
	args[na++] = "--output=json";
	if (service)
		args[na++] = px_xasprintf("--unit=%s", service);
	if (since)
		args[na++] = px_xasprintf("--since=%s", since);
	if (until)
		args[na++] = px_xasprintf("--until=%s", until);
	if (grep)
		args[na++] = px_xasprintf("--grep=%s", grep);
	if (lines > 0) {
		snprintf(nbuf, sizeof(nbuf), "--lines=%ld", lines);
		args[na++] = nbuf;
	}
	if (L.follow)
		args[na++] = "--follow";
	args[na] = NULL;

	sshcli_open(&s, &x);
	sshcli_pick(&s, want, nwant);
	pthread_mutex_init(&L.mu, NULL);
	jobs = px_xcalloc(s.nnodes, sizeof(*jobs));
	for (int i = 0; i < s.nnodes; i++) {
		jobs[i].node = s.nodes[i];
		jobs[i].argv = (const char *const *)args;
		jobs[i].fn = on_line;
		jobs[i].arg = &L;
		jobs[i].timeout = L.follow ? 0 : -1;
	}
	if (L.follow && s.nnodes > s.sc.parallel)
		px_errx(PX_EXIT_USAGE, "-F follows %d nodes at once: more than "
		    "[ssh] parallel (%d)", s.nnodes, s.sc.parallel);
	ssh_run_all(s.pool, jobs, s.nnodes);
	if (!L.follow) {
		size_t from = 0;

		if (L.n)
			qsort(L.v, L.n, sizeof(*L.v), by_time);
		if (lines > 0 && L.n > (size_t)lines)
			from = L.n - (size_t)lines;
		for (size_t i = from; i < L.n; i++)
			print_entry(&L, &L.v[i]);
		if (L.fmt == OUT_JSON)
			printf("%s]\n", L.json_first ? "[" : "\n");
	}
	for (size_t i = 0; i < L.n; i++)
		free(L.v[i].msg);
	free(L.v);
	for (int i = 0; i < s.nnodes; i++) {
		struct ssh_job *j = &jobs[i];

		if (j->rc != 0) {
			int c = px_report(&j->err);

			if (rc == 0)
				rc = c;
		} else if (j->res.status != 0) {
			px_warn("%s: journalctl exited with status %d%s%s",
			    j->node, j->res.status, j->res.signal[0] ?
			    ", signal " : "", j->res.signal);
			if (rc == 0)
				rc = PX_EXIT_FAIL;
		}
		ssh_result_free(&j->res);
	}
	if (L.bad) {
		px_warn("%ld line%s that were not journal entries were "
		    "skipped", L.bad, L.bad == 1 ? "" : "s");
		if (rc == 0)
			rc = PX_EXIT_FAIL;
	}
	if (fflush(stdout) != 0 && rc == 0)
		rc = PX_EXIT_FAIL;
	for (int i = 4; i < na; i++)
		if (args[i] != nbuf && strncmp(args[i], "--follow", 8) != 0)
			free(args[i]);
	for (int i = 0; i < nwant; i++)
		free(want[i]);
	free(want);
	free(jobs);
	pthread_mutex_destroy(&L.mu);
	sshcli_free(&s);
	cli_free(&x);
	return rc;
}
