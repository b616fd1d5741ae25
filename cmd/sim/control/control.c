/*
 * control.c -- pxsim's request log, injected faults and the /_sim/ control
 * API (loopback only, no PVE authentication, not logged itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"

/* ---- request log and faults ---- */

#define LOG_MAX 20000

struct log_entry {
	unsigned long long seq;
	double time;
	char method[16];
	char *path;
	const char *auth;
	int status;
	char *authid;
};

static struct log_entry *reqlog;
static size_t nlog;
static unsigned long long logseq;

/* Record one API request in the log. */
void
api_log_request(const struct sim_req *rq, const struct sim_resp *rs,
    const char *auth)
{
	struct log_entry *e;
	const char *q = strchr(rq->target, '?');

	if (nlog == LOG_MAX) {
		free(reqlog[0].path);
		free(reqlog[0].authid);
		memmove(reqlog, reqlog + 1, (LOG_MAX - 1) * sizeof(*reqlog));
		nlog--;
	}
	if (reqlog == NULL)
		reqlog = px_xcalloc(LOG_MAX, sizeof(*reqlog));
	e = &reqlog[nlog++];
	e->seq = ++logseq;
	e->time = rq->arrival;
	snprintf(e->method, sizeof(e->method), "%s", rq->method);
	e->path = px_xstrndup(rq->target, q ? (size_t)(q - rq->target) :
	    strlen(rq->target));
	e->auth = auth;
	e->status = rs->status;
	e->authid = rq->authid ? px_xstrdup(rq->authid) : NULL;
}

static void
log_clear(void)
{
	size_t i;

	for (i = 0; i < nlog; i++) {
		free(reqlog[i].path);
		free(reqlog[i].authid);
	}
	nlog = 0;
}

struct fault_rule {
	double rate;
	char mode[16];
	char prefix[256];
	long count;		/* -1: unlimited */
};

static struct fault_rule faults[64];
static size_t nfaults;

static int
fault_mode_ok(const char *m)
{
	static const char *modes[] = { "500", "503", "429", "drop",
	    "malformed", "badtail", "truncated", "hang", "lost", "gzip",
	    NULL };
	int i;

	for (i = 0; modes[i]; i++)
		if (strcmp(m, modes[i]) == 0)
			return 1;
	return 0;
}

/*
 * The API path a prefix names: faults match the path after /api2/json or
 * /api2/extjs (what the router sees), while /_sim/log shows the full
 * target, so a prefix copied from the log has its API root dropped.
 */
static const char *
fault_prefix_path(const char *prefix)
{
	static const char *const roots[] = { "/api2/json", "/api2/extjs" };
	size_t i, n;

	if (prefix == NULL)
		return "";
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		n = strlen(roots[i]);
		if (strncmp(prefix, roots[i], n) == 0 &&
		    (prefix[n] == '/' || prefix[n] == '\0'))
			return prefix + n;
	}
	return prefix;
}

static int
fault_add(double rate, const char *mode, const char *prefix, long count)
{
	struct fault_rule *f;

	if (nfaults >= sizeof(faults) / sizeof(faults[0]) ||
	    !fault_mode_ok(mode) || rate < 0)
		return -1;
	if (rate > 1)
		rate /= 100;
	f = &faults[nfaults++];
	f->rate = rate;
	snprintf(f->mode, sizeof(f->mode), "%s", mode);
	snprintf(f->prefix, sizeof(f->prefix), "%s", fault_prefix_path(prefix));
	f->count = count;
	return 0;
}

/* Add a --fail RATE:MODE[:PATHPREFIX] rule; 0 or -1. */
int
api_add_fault(struct sim *s, const char *spec)
{
	char buf[300], *mode, *prefix, *end;
	double rate;

	(void)s;
	snprintf(buf, sizeof(buf), "%s", spec);
	if ((mode = strchr(buf, ':')) == NULL)
		return -1;
	*mode++ = '\0';
	if ((prefix = strchr(mode, ':')) != NULL)
		*prefix++ = '\0';
	rate = strtod(buf, &end);
	if (*end != '\0' || end == buf)
		return -1;
	return fault_add(rate, mode, prefix, -1);
}

/* The fault mode that fires for path, or NULL. */
const char *
api_fault_pick(struct sim *s, const char *path)
{
	size_t i;

	for (i = 0; i < nfaults; i++) {
		struct fault_rule *f = &faults[i];
		double r;

		if (f->count == 0)
			continue;
		/* the Telegram fake's paths only by a rule that names them */
		if ((strncmp(path, "/bot", 4) == 0) !=
		    (strncmp(f->prefix, "/bot", 4) == 0))
			continue;
		if (f->prefix[0] && strncmp(path, f->prefix,
		    strlen(f->prefix)) != 0)
			continue;
		r = (double)(sim_rand(s, 7) % 1000000) / 1000000.0;
		if (r >= f->rate)
			continue;
		if (f->count > 0)
			f->count--;
		return f->mode;
	}
	return NULL;
}

/* ---- /_sim/ control API ---- */

/* HA resources in error and failing replication jobs (sim.h). */
#define FAULT_MAX	64
static int ha_err[FAULT_MAX], nha_err;
static struct {
	char id[64];
	int fail_count;
	char error[256];
} repl_fail[FAULT_MAX];
static int nrepl_fail;

static void
c_reset(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	size_t i;

	(void)rq;
	(void)m;
	model_regenerate(s);
	for (i = 0; i < s->nnodes; i++)
		s->nodes[i].offline = 0;
	nha_err = nrepl_fail = 0;
	sim_ok_null(rs);
}

static void
c_fault_add(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *mode = sim_param(rq, "mode");
	const char *rate = sim_param(rq, "rate");

	(void)s;
	(void)m;
	if (mode == NULL || !fault_mode_ok(mode)) {
		sim_param_error(rs, "mode", "want 500, 503, 429, drop, "
		    "malformed, badtail, truncated, hang, lost or gzip");
		return;
	}
	if (fault_add(rate ? atof(rate) : 1.0, mode, sim_param(rq, "prefix"),
	    sim_param(rq, "count") ? (long)sim_param_int(rq, "count", -1) :
	    -1) != 0) {
		sim_param_error(rs, "rate", "invalid rate or too many rules");
		return;
	}
	sim_ok_null(rs);
}

static void
c_fault_clear(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	nfaults = 0;
	sim_ok_null(rs);
}

static void
c_fault_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < nfaults; i++) {
		jw_obj(&w);
		jw_knum(&w, "rate", faults[i].rate);
		jw_kstr(&w, "mode", faults[i].mode);
		jw_kstr(&w, "prefix", faults[i].prefix);
		jw_kint(&w, "count", faults[i].count);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
c_offline(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *name = sim_param(rq, "node");
	struct sim_node *n = name ? sim_node_find(s, name) : NULL;

	(void)m;
	if (n == NULL) {
		sim_param_error(rs, "node", "no such node");
		return;
	}
	n->offline = sim_param_bool(rq, "offline", 1);
	sim_node_save(s, n);
	sim_ok_null(rs);
}

/* A storage filling up (fill=PCT, at least that share used on every
 * node; 0: back to what its volumes use), for px daemon's alerts. */
static void
c_storage(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_param(rq, "storage");
	struct sim_storage *st = id ? sim_storage_find(s, id) : NULL;
	long long fill = sim_param_int(rq, "fill", -1);

	(void)m;
	if (st == NULL) {
		sim_param_error(rs, "storage", "no such storage");
		return;
	}
	if (fill < 0 || fill > 100) {
		sim_param_error(rs, "fill", "want a percentage 0..100");
		return;
	}
	st->fill = (int)fill;
	s->dirty++;
	sim_ok_null(rs);
}

/* The nodes' certificates expire in days=N (cert_expiring alerts). */
static void
c_cert(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	long long days = sim_param_int(rq, "days", -100000);

	(void)s;
	(void)m;
	if (days < -3650 || days > 36500) {
		sim_param_error(rs, "days", "want a number of days");
		return;
	}
	sim_cert_days = (long)days;
	sim_ok_null(rs);
}

static void
c_latency(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)m;
	s->opt.latency_ms = (int)sim_param_int(rq, "ms", 0);
	s->opt.latency_jitter = (int)sim_param_int(rq, "jitter", 0);
	if (s->opt.latency_ms < 0)
		s->opt.latency_ms = 0;
	if (s->opt.latency_jitter < 0)
		s->opt.latency_jitter = 0;
	sim_ok_null(rs);
}

static void
c_tasks(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *v = sim_param(rq, "seconds");

	(void)m;
	if (v == NULL || atof(v) < 0) {
		sim_param_error(rs, "seconds", "want a number >= 0");
		return;
	}
	s->opt.task_seconds = atof(v);
	sim_ok_null(rs);
}

static void
c_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	unsigned long long since = (unsigned long long)sim_param_int(rq,
	    "since", 0);

	(void)s;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < nlog; i++) {
		const struct log_entry *e = &reqlog[i];

		if (e->seq <= since)
			continue;
		jw_obj(&w);
		jw_kuint(&w, "seq", e->seq);
		jw_knum(&w, "time", e->time);
		jw_kstr(&w, "method", e->method);
		jw_kstr(&w, "path", e->path);
		jw_kstr(&w, "auth", e->auth);
		if (e->authid)
			jw_kstr(&w, "authid", e->authid);
		jw_kint(&w, "status", e->status);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
c_log_clear(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	log_clear();
	sim_ok_null(rs);
}

int
sim_fault_ha_error(int vmid)
{
	for (int i = 0; i < nha_err; i++)
		if (ha_err[i] == vmid)
			return 1;
	return 0;
}

int
sim_fault_repl(const char *id, const char **error)
{
	for (int i = 0; i < nrepl_fail; i++)
		if (strcmp(repl_fail[i].id, id) == 0) {
			*error = repl_fail[i].error;
			return repl_fail[i].fail_count;
		}
	*error = NULL;
	return 0;
}

/* POST /_sim/ha-error vmid=N [error=0]: HA resource vm:N in state
 * error (as after max_restart and max_relocate failed), or not. */
static void
c_ha_error(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int vmid = (int)sim_param_int(rq, "vmid", 0), on =
	    sim_param_bool(rq, "error", 1), i;

	(void)m;
	if (vmid < 100 || vmid > 999999999) {
		sim_param_error(rs, "vmid", "want a vmid");
		return;
	}
	for (i = 0; i < nha_err && ha_err[i] != vmid; i++)
		;
	if (on && i == nha_err && nha_err < FAULT_MAX)
		ha_err[nha_err++] = vmid;
	else if (!on && i < nha_err)
		ha_err[i] = ha_err[--nha_err];
	s->dirty++;	/* /cluster/resources shows it at once */
	sim_ok_null(rs);
}

/* POST /_sim/replication id=JOB fail_count=N [error=MESSAGE]: job JOB
 * failed N times (0: it works again). */
static void
c_replication(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_param(rq, "id"), *err = sim_param(rq, "error");
	long long n = sim_param_int(rq, "fail_count", -1);
	int i;

	(void)s;
	(void)m;
	if (id == NULL || *id == '\0' || strlen(id) >= sizeof(repl_fail[0].id)) {
		sim_param_error(rs, "id", "want a replication job id");
		return;
	}
	if (n < 0 || n > 1000000) {
		sim_param_error(rs, "fail_count", "want a number >= 0");
		return;
	}
	for (i = 0; i < nrepl_fail && strcmp(repl_fail[i].id, id) != 0; i++)
		;
	if (n == 0) {
		if (i < nrepl_fail)
			repl_fail[i] = repl_fail[--nrepl_fail];
	} else if (i < nrepl_fail || nrepl_fail < FAULT_MAX) {
		if (i == nrepl_fail)
			nrepl_fail++;
		snprintf(repl_fail[i].id, sizeof(repl_fail[i].id), "%s", id);
		repl_fail[i].fail_count = (int)n;
		snprintf(repl_fail[i].error, sizeof(repl_fail[i].error), "%s",
		    err ? err : "command 'zfs snapshot' failed: exit code 1");
	}
	sim_ok_null(rs);
}

/* The /_sim/ routes. */
const struct sim_route sim_routes_control[] = {
	{ "POST", "/_sim/reset", c_reset, NULL, NULL, 0 },
	{ "GET", "/_sim/fault", c_fault_list, NULL, NULL, 0 },
	{ "POST", "/_sim/fault", c_fault_add, NULL, NULL, 0 },
	{ "DELETE", "/_sim/fault", c_fault_clear, NULL, NULL, 0 },
	{ "POST", "/_sim/offline", c_offline, NULL, NULL, 0 },
	{ "POST", "/_sim/storage", c_storage, NULL, NULL, 0 },
	{ "POST", "/_sim/cert", c_cert, NULL, NULL, 0 },
	{ "POST", "/_sim/latency", c_latency, NULL, NULL, 0 },
	{ "POST", "/_sim/tasks", c_tasks, NULL, NULL, 0 },
	{ "POST", "/_sim/ha-error", c_ha_error, NULL, NULL, 0 },
	{ "POST", "/_sim/replication", c_replication, NULL, NULL, 0 },
	{ "GET", "/_sim/log", c_log, NULL, NULL, 0 },
	{ "DELETE", "/_sim/log", c_log_clear, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};

