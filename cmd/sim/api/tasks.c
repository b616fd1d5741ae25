/*
 * tasks.c -- the task endpoints: /nodes/{node}/tasks (list, status, log,
 * stop) and /cluster/tasks, over the tasks of model/tasks.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"

static void
write_task(struct jw *w, const struct sim_task *t, int status_style)
{
	jw_obj(w);
	jw_kstr(w, "upid", t->upid);
	jw_kstr(w, "node", t->node);
	jw_kint(w, "pid", t->pid);
	jw_kint(w, "pstart", t->pstart);
	jw_kint(w, "starttime", (long long)t->starttime);
	jw_kstr(w, "type", t->type);
	jw_kstr(w, "id", t->id);
	jw_kstr(w, "user", t->user);
	if (status_style) {
		jw_kstr(w, "status", t->running ? "running" : "stopped");
		if (!t->running)
			jw_kstr(w, "exitstatus", t->exitstatus);
	} else if (!t->running) {
		jw_kint(w, "endtime", (long long)t->endtime);
		jw_kstr(w, "status", t->exitstatus);
	}
	jw_end(w);
}

static int
task_owner(const struct sim_req *rq, const struct sim_task *t)
{
	return rq->authid && (strcmp(rq->authid, t->user) == 0 ||
	    (rq->user && strcmp(rq->user, t->user) == 0));
}

static int
task_failed(const struct sim_task *t)
{
	return !t->running && t->exitstatus &&
	    strcmp(t->exitstatus, "OK") != 0 &&
	    strncmp(t->exitstatus, "WARNINGS", 8) != 0;
}

/* Filters shared by the node and cluster task lists. */
static int
task_matches(struct sim *s, const struct sim_req *rq, const struct sim_task *t,
    const char *node)
{
	const char *v;
	char path[128];

	if (node && strcmp(t->node, node) != 0)
		return 0;
	snprintf(path, sizeof(path), "/nodes/%s", t->node);
	if (!task_owner(rq, t) && sim_check_perm(s, rq, path, "Sys.Audit",
	    NULL) != 0)
		return 0;
	if ((v = sim_param(rq, "vmid")) && strcmp(v, t->id) != 0)
		return 0;
	if ((v = sim_param(rq, "typefilter")) && strcmp(v, t->type) != 0)
		return 0;
	if ((v = sim_param(rq, "userfilter")) && strstr(t->user, v) == NULL)
		return 0;
	if (sim_param_bool(rq, "errors", 0) && !task_failed(t))
		return 0;
	if ((v = sim_param(rq, "since")) && t->starttime < atoll(v))
		return 0;
	if ((v = sim_param(rq, "until")) && t->starttime > atoll(v))
		return 0;
	if ((v = sim_param(rq, "statusfilter")) != NULL) {
		const char *want = t->running ? "active" : task_failed(t) ?
		    "error" : strncmp(t->exitstatus, "WARNINGS", 8) == 0 ?
		    "warning" : "ok";

		if (strstr(v, want) == NULL)
			return 0;
	}
	return 1;
}

static void
h_node_tasks(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	const char *source = sim_param(rq, "source");
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	long long total = 0, shown = 0;
	struct jw w;
	size_t i;

	if (source == NULL)
		source = "archive";
	if (strcmp(source, "archive") && strcmp(source, "active") &&
	    strcmp(source, "all")) {
		sim_param_errorf(rs, "source", "value '%s' does not have a "
		    "value in the enumeration 'archive, active, all'", source);
		return;
	}
	if (start < 0 || limit < 0) {
		sim_param_error(rs, start < 0 ? "start" : "limit",
		    "value must have a minimum value of 0");
		return;
	}
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = s->ntasks; i-- > 0;) {
		const struct sim_task *t = s->tasks[i];

		if (t->running && strcmp(source, "archive") == 0)
			continue;
		if (!t->running && strcmp(source, "active") == 0)
			continue;
		if (!task_matches(s, rq, t, node))
			continue;
		total++;
		if (total <= start || shown >= limit)
			continue;
		shown++;
		write_task(&w, t, 0);
	}
	jw_end(&w);
	jw_kint(&w, "total", total);
	sim_ok_end(rs, &w);
}

static struct sim_task *
task_lookup(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m, const char *priv)
{
	const char *upid = sim_var(m, "upid"), *node = sim_var(m, "node");
	struct sim_task *t;
	char path[128];

	if (strncmp(upid, "UPID:", 5) != 0 || upid[strlen(upid) - 1] != ':') {
		sim_param_error(rs, "upid", "unable to parse worker upid");
		return NULL;
	}
	t = sim_task_find(s, upid);
	if (t == NULL || strcmp(t->node, node) != 0) {
		sim_error(rs, 500, "unable to open file '/var/log/pve/tasks/"
		    "%X/%s' - No such file or directory",
		    (unsigned)(upid[strlen(upid) - 2]) & 0xf, upid);
		return NULL;
	}
	snprintf(path, sizeof(path), "/nodes/%s", node);
	if (!task_owner(rq, t) && sim_check_perm(s, rq, path, priv, rs) != 0)
		return NULL;
	return t;
}

static void
h_task_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (task_lookup(s, rq, rs, m, "Sys.Audit") == NULL)
		return;
	sim_ok_json(rs, "[{\"name\":\"log\"},{\"name\":\"status\"}]");
}

static void
h_task_status(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t = task_lookup(s, rq, rs, m, "Sys.Audit");
	struct jw w;

	if (t == NULL)
		return;
	sim_ok_begin(rs, &w);
	write_task(&w, t, 1);
	sim_ok_end(rs, &w);
}

static void
h_task_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t = task_lookup(s, rq, rs, m, "Sys.Audit");
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	long long total, i, shown = 0;
	struct jw w;
	char last[600];

	if (t == NULL)
		return;
	if (start < 0)
		start = 0;
	total = (long long)t->nlines + (t->running ? 0 : 1);
	if (!t->running)
		snprintf(last, sizeof(last), "%s%s", strcmp(t->exitstatus, "OK")
		    == 0 ? "TASK OK" : strncmp(t->exitstatus, "WARNINGS", 8) ==
		    0 ? "TASK " : "TASK ERROR: ", strcmp(t->exitstatus, "OK") ==
		    0 ? "" : t->exitstatus);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = start; i < total && shown < limit; i++, shown++) {
		jw_obj(&w);
		jw_kint(&w, "n", i + 1);
		jw_kstr(&w, "t", i < (long long)t->nlines ? t->lines[i] : last);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "total", total);
	sim_ok_end(rs, &w);
}

static void
h_task_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t = task_lookup(s, rq, rs, m, "Sys.Modify");

	if (t == NULL)
		return;
	sim_task_stop(s, t);
	sim_ok_null(rs);
}

static void
h_cluster_tasks(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	int n = 0;

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = s->ntasks; i-- > 0 && n < 2000;) {
		const struct sim_task *t = s->tasks[i];
		char path[128];

		snprintf(path, sizeof(path), "/nodes/%s", t->node);
		if (!task_owner(rq, t) && sim_check_perm(s, rq, path,
		    "Sys.Audit", NULL) != 0)
			continue;
		n++;
		jw_obj(&w);
		jw_kstr(&w, "upid", t->upid);
		jw_kstr(&w, "node", t->node);
		jw_kint(&w, "pid", t->pid);
		jw_kint(&w, "pstart", t->pstart);
		jw_kint(&w, "starttime", (long long)t->starttime);
		jw_kstr(&w, "type", t->type);
		jw_kstr(&w, "id", t->id);
		jw_kstr(&w, "user", t->user);
		if (!t->running) {
			jw_kint(&w, "endtime", (long long)t->endtime);
			jw_kstr(&w, "status", t->exitstatus);
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* The task routes. */
const struct sim_route sim_routes_tasks[] = {
	{ "GET", "/cluster/tasks", h_cluster_tasks, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/tasks", h_node_tasks, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/tasks/{upid}", h_task_index, NULL, NULL, 0 },
	{ "DELETE", "/nodes/{node}/tasks/{upid}", h_task_delete, NULL, NULL,
	    0 },
	{ "GET", "/nodes/{node}/tasks/{upid}/status", h_task_status, NULL,
	    NULL, 0 },
	{ "GET", "/nodes/{node}/tasks/{upid}/log", h_task_log, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
