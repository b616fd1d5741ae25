/* alert_route.c -- delivering alert events (alert_route.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert_route.h"
#include "clock.h"
#include "hitl.h"
#include "http_notify.h"
#include "json.h"

#define EXEC_TIMEOUT	30
#define NTFY_DEFAULT	"https://ntfy.sh"

static void
kstr(struct buf *b, const char *k, const char *v, int first)
{
	if (!first)
		buf_addc(b, ',');
	json_escape(b, k, strlen(k));
	buf_addc(b, ':');
	json_escape(b, v, strlen(v));
}

void
alert_event_json(const struct alert_event *ev, struct buf *b)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	buf_adds(b, "{\"version\":1");
	kstr(b, "event", ev->event, 0);
	kstr(b, "alert", ev->rule, 0);
	kstr(b, "when", ev->kind, 0);
	kstr(b, "severity", ev->severity, 0);
	kstr(b, "key", ev->key, 0);
	kstr(b, "summary", ev->summary, 0);
	buf_printf(b, ",\"since\":%lld,\"time\":%lld", ev->since, ev->at);
	kstr(b, "host", host, 0);
	buf_addc(b, '}');
}

void
alert_event_text(const struct alert_event *ev, struct buf *b)
{
	char up[16];
	size_t i;

	for (i = 0; ev->event[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)(ev->event[i] >= 'a' && ev->event[i] <= 'z' ?
		    ev->event[i] - 32 : ev->event[i]);
	up[i] = '\0';
	buf_printf(b, "[%s %s] %s: %s", up, ev->severity, ev->rule,
	    ev->summary);
}

/* ntfy's JSON publishing: POST the server's root. */
static int
send_ntfy(const struct px_conf *c, const struct alert_event *ev,
    const char *spec, struct px_err *e)
{
	const char *at = strchr(spec, '@');
	const char *server = at ? at + 1 : conf_get(c, "daemon",
	    "ntfy_server");
	const char *tokf = conf_get(c, "daemon", "ntfy_token_file");
	struct buf b = { 0 }, text = { 0 }, url = { 0 };
	char topic[80], *token = NULL;
	int prio, rc;

	snprintf(topic, sizeof(topic), "%.*s", at ? (int)(at - spec) : 64,
	    spec);
	if (server == NULL || *server == '\0')
		server = NTFY_DEFAULT;
	if (tokf && *tokf && secret_file_read(tokf, &token, e) != 0) {
		px_wrap(e, "route ntfy: [daemon] ntfy_token_file");
		return -1;
	}
	prio = strcmp(ev->event, "resolved") == 0 ? 3 : strcmp(ev->severity,
	    "critical") == 0 ? 5 : strcmp(ev->severity, "warning") == 0 ? 4 :
	    3;
	alert_event_text(ev, &text);
	buf_adds(&b, "{");
	kstr(&b, "topic", topic, 1);
	kstr(&b, "title", text.p, 0);
	kstr(&b, "message", ev->summary, 0);
	buf_printf(&b, ",\"priority\":%d,\"tags\":[", prio);
	json_escape(&b, ev->event, strlen(ev->event));
	buf_addc(&b, ',');
	json_escape(&b, ev->kind, strlen(ev->kind));
	buf_adds(&b, "]}");
	buf_adds(&url, server);
	while (url.len > 0 && url.p[url.len - 1] == '/')
		url.p[--url.len] = '\0';
	buf_addc(&url, '/');
	rc = http_notify_post(url.p, "application/json", token, NULL, b.p,
	    b.len, e);
	if (token)
		secret_free(token);
	buf_free(&b);
	buf_free(&text);
	buf_free(&url);
	return rc;
}

static int
send_webhook(const struct alert_event *ev, const char *url,
    struct px_err *e)
{
	struct buf b = { 0 };
	int rc;

	alert_event_json(ev, &b);
	rc = http_notify_post(url, "application/json", NULL, NULL, b.p, b.len,
	    e);
	buf_free(&b);
	return rc;
}

static int
send_exec(const struct alert_event *ev, const char *prog, struct px_err *e)
{
	struct buf b = { 0 };
	char *env[16];
	int n = 0, p[2], st = 0;
	pid_t pid;
	double t0;
	ssize_t w;
	size_t off = 0;

	if (access(prog, X_OK) != 0)
		return px_fail(e, PXE_CONFIG, "route exec:%s: %s", prog,
		    strerror(errno));
	alert_event_json(ev, &b);
	env[n++] = px_xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	env[n++] = px_xasprintf("PX_ALERT_EVENT=%s", ev->event);
	env[n++] = px_xasprintf("PX_ALERT_NAME=%s", ev->rule);
	env[n++] = px_xasprintf("PX_ALERT_WHEN=%s", ev->kind);
	env[n++] = px_xasprintf("PX_ALERT_SEVERITY=%s", ev->severity);
	env[n++] = px_xasprintf("PX_ALERT_KEY=%s", ev->key);
	env[n++] = px_xasprintf("PX_ALERT_SUMMARY=%s", ev->summary);
	env[n++] = px_xasprintf("PX_ALERT_SINCE=%lld", ev->since);
	env[n++] = px_xasprintf("PX_ALERT_TIME=%lld", ev->at);
	env[n] = NULL;
	if (pipe2(p, O_CLOEXEC) != 0) {
		px_fail(e, PXE_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	{
		posix_spawn_file_actions_t fa;
		char *argv[] = { (char *)prog, NULL };
		int err;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[0], 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
		    0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
		    0);
		err = posix_spawn(&pid, prog, &fa, NULL, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		if (err != 0) {
			px_fail(e, PXE_IO, "route exec:%s: %s", prog,
			    strerror(err));
			close(p[0]);
			close(p[1]);
			goto out;
		}
	}
	close(p[0]);
	{
		/* a program that does not read its input must not kill px */
		struct sigaction ign = { 0 }, old;

		ign.sa_handler = SIG_IGN;
		sigemptyset(&ign.sa_mask);
		sigaction(SIGPIPE, &ign, &old);
		while (off < b.len && (w = write(p[1], b.p + off,
		    b.len - off)) > 0)
			off += (size_t)w;
		close(p[1]);
		sigaction(SIGPIPE, &old, NULL);
	}
	t0 = px_mono();
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			px_fail(e, PXE_IO, "waitpid: %s", strerror(errno));
			goto out;
		}
		if (px_mono() - t0 > EXEC_TIMEOUT) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			px_fail(e, PXE_TIMEOUT, "route exec:%s: still running "
			    "after %d s, killed", prog, EXEC_TIMEOUT);
			goto out;
		}
		px_sleep(0.01);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		px_fail(e, PXE_FAILURE, "route exec:%s: %s %d", prog,
		    WIFEXITED(st) ? "exit status" : "killed by signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	else
		px_err_clear(e);
out:
	for (int i = 0; i < n; i++)
		free(env[i]);
	buf_free(&b);
	return e->id == PXE_OK ? 0 : -1;
}

int
alert_route_send(const struct px_conf *c, const struct alert_event *ev,
    struct px_err *e)
{
	const char *r = ev->route;

	px_err_clear(e);
	if (strcmp(r, "telegram") == 0) {
		struct buf b = { 0 };
		int rc;

		alert_event_text(ev, &b);
		rc = hitl_notify(c, b.p, e);
		buf_free(&b);
		return rc;
	}
	if (strncmp(r, "ntfy:", 5) == 0)
		return send_ntfy(c, ev, r + 5, e);
	if (strncmp(r, "webhook:", 8) == 0)
		return send_webhook(ev, r + 8, e);
	if (strncmp(r, "exec:", 5) == 0)
		return send_exec(ev, r + 5, e);
	return px_fail(e, PXE_CONFIG, "unknown route '%.100s'", r);
}

int
alert_deliver_due(const struct px_conf *c, sqlite3 *db, long long now,
    void (*fn)(void *arg, const struct alert_event *ev,
    const struct px_err *err), void *arg, struct px_err *e)
{
	struct alert_event *v;
	int n, rc = 0;

	if (alert_outbox_due(db, now, 100, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		struct px_err de;
		int ok = alert_route_send(c, &v[i], &de) == 0;

		rc = alert_outbox_mark(db, v[i].id, now, ok ? NULL : de.msg, e);
		if (fn)
			fn(arg, &v[i], ok ? NULL : &de);
	}
	free(v);
	return rc;
}

int
alert_cycle_run(const struct px_conf *c, struct px_client *cl,
    sqlite3 *db, const struct alert_rule *r, int n, long long now,
    struct alert_cycle *res,
    void (*fn)(void *arg, const struct alert_event *ev,
    const struct px_err *err), void *arg, struct px_err *e)
{
	struct alert_finding *f = NULL;
	int nf = 0, *ok, rc = -1;

	memset(res, 0, sizeof(*res));
	res->rules = n;
	ok = px_xcalloc((size_t)n + 1, sizeof(int));
	if (n > 0 && alert_collect(cl, r, n, now, &f, &nf, ok, &res->why,
	    e) != 0)
		goto out;
	for (int i = 0; i < n; i++)
		res->unjudged += !ok[i];
	res->findings = nf;
	if (alert_state_eval(db, r, n, ok, f, nf, now, &res->firing, e) != 0)
		goto out;
	rc = alert_deliver_due(c, db, now, fn, arg, e);
out:
	free(f);
	free(ok);
	return rc;
}
