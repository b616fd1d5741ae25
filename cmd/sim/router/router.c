/*
 * router.c -- pxsim's request pipeline: the /_sim/ and Telegram paths,
 * injected faults and latency, authentication, the checks of {node} and
 * {vmid}, permission checks of a route, and the route lookup over the
 * route arrays of the endpoint files.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"

/* ---- routing ---- */

static void
match_free(struct sim_match *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		free(m->value[i]);
	m->n = 0;
}

/* Match path against pattern; 1 and m filled on success. */
static int
match_pattern(const char *pattern, const char *path, struct sim_match *m)
{
	const char *p = pattern, *q = path;

	m->n = 0;
	while (*p && *q) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t vn;
			int rest = p[1] == '*';

			if (close == NULL || m->n >= SIM_MATCH_MAX)
				goto fail;
			vn = rest ? strlen(q) : strcspn(q, "/");
			if (vn == 0)
				goto fail;
			m->name[m->n] = p + 1 + rest;
			m->namelen[m->n] = (size_t)(close - p - 1 - rest);
			m->value[m->n] = px_xstrndup(q, vn);
			m->n++;
			p = close + 1;
			q += vn;
		} else if (*p == *q) {
			p++;
			q++;
		} else {
			goto fail;
		}
	}
	if (*p == '\0' && *q == '\0')
		return 1;
fail:
	match_free(m);
	return 0;
}

struct found {
	const struct sim_route *route;
	int path_known;
};

static void
find_route(const struct sim_route *const *lists, const char *method,
    const char *path, struct sim_match *m, struct found *f)
{
	int i, k;
	const char *meth = strcmp(method, "HEAD") == 0 ? "GET" : method;

	for (k = 0; lists[k]; k++) {
		for (i = 0; lists[k][i].pattern; i++) {
			const struct sim_route *r = &lists[k][i];

			if (!match_pattern(r->pattern, path, m))
				continue;
			if (strcmp(r->method, meth) == 0) {
				f->route = r;
				return;
			}
			f->path_known = 1;
			match_free(m);
		}
	}
}

/* Check {node} and {vmid}; 0 or -1 with rs filled. */
static int
check_vars(struct sim *s, const struct sim_req *rq, const struct sim_match *m,
    struct sim_resp *rs, int flags)
{
	const char *node = sim_var(m, "node"), *vmid = sim_var(m, "vmid");

	if (vmid) {
		char *end;
		long long v = strtoll(vmid, &end, 10);

		if (*end != '\0' || end == vmid) {
			sim_param_errorf(rs, "vmid", "type check ('integer') "
			    "failed - got '%s'", vmid);
			return -1;
		}
		if (v < 100 || v > 999999999) {
			sim_param_errorf(rs, "vmid", "value must have a %s value "
			    "of %s", v < 100 ? "minimum" : "maximum",
			    v < 100 ? "100" : "999999999");
			return -1;
		}
	}
	/* PBS takes any node name (it is always the server itself). */
	if (node && rq->listener != SIM_LISTEN_PBS) {
		struct sim_node *n;

		if (!sim_node_name_ok(node)) {
			sim_param_error(rs, "node", "invalid format - value "
			    "does not look like a valid node name\n");
			return -1;
		}
		if ((n = sim_node_find(s, node)) == NULL) {
			sim_error(rs, 500, "hostname lookup '%s' failed - "
			    "failed to get address info for: %s: Name or "
			    "service not known", node, node);
			return -1;
		}
		if (n->offline && !(flags & SIM_ROUTE_ANYSTATE)) {
			sim_error(rs, 595, "No route to host");
			return -1;
		}
	}
	return 0;
}

/* Substitute {var} in a permission path. */
static void
perm_path(const char *tmpl, const struct sim_match *m, char *out, size_t n)
{
	size_t o = 0;
	const char *p = tmpl;

	while (*p && o + 1 < n) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			char name[64];
			const char *v;

			if (close == NULL)
				break;
			snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1),
			    p + 1);
			v = sim_var(m, name);
			o += (size_t)snprintf(out + o, n - o, "%s", v ? v : "");
			if (o >= n)
				o = n - 1;
			p = close + 1;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
}

static void
run_route(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_route *const *lists, int need_auth)
{
	struct sim_match m;
	struct found f = { NULL, 0 };

	memset(&m, 0, sizeof(m));
	find_route(lists, rq->method, rq->path, &m, &f);
	if (f.route == NULL) {
		sim_error(rs, 501, "Method '%s %s' not implemented",
		    rq->method, rq->target);
		if (strchr(rs->reason, '?'))
			*strchr(rs->reason, '?') = '\0';
		return;
	}
	if (need_auth && !(f.route->flags & SIM_ROUTE_NOAUTH)) {
		if (rq->authid == NULL) {
			sim_error(rs, 401, "No ticket");
			goto out;
		}
		if (!rq->csrf_ok && strcmp(rq->method, "GET") != 0 &&
		    strcmp(rq->method, "HEAD") != 0) {
			sim_error(rs, 401, "Permission denied - invalid csrf "
			    "token");
			goto out;
		}
	}
	if (check_vars(s, rq, &m, rs, f.route->flags) != 0)
		goto out;
	if (f.route->priv && need_auth) {
		char path[512];

		perm_path(f.route->perm_path ? f.route->perm_path : "/", &m,
		    path, sizeof(path));
		if (sim_check_perm(s, rq, path, f.route->priv, rs) != 0)
			goto out;
	}
	f.route->fn(s, rq, rs, &m);
out:
	match_free(&m);
}

static const char *
auth_kind(const struct sim_req *rq)
{
	switch (rq->auth) {
	case SIM_AUTH_TOKEN:
		return "token";
	case SIM_AUTH_TICKET:
		return "ticket";
	case SIM_AUTH_INVALID:
		return "invalid";
	default:
		break;
	}
	if (strcmp(rq->path, "/access/ticket") == 0 &&
	    sim_param(rq, "password") != NULL)
		return "password";
	return "none";
}

/* Handle one request; see core.h. */
void
api_dispatch(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	static const struct sim_route *const pve[] = { sim_routes_core,
	    sim_routes_core_access, sim_routes_guest, sim_routes_tasks,
	    sim_routes_cluster, sim_routes_cluster_config,
	    sim_routes_node, sim_routes_access, sim_routes_access_tfa,
	    sim_routes_metrics, sim_routes_acme, sim_routes_sdn,
	    sim_routes_console, sim_routes_node_admin,
	    sim_routes_storage_files, NULL };
	static const struct sim_route *const pbs[] = { sim_routes_pbs_core,
	    sim_routes_pbs, sim_routes_pbs_ops, NULL };
	static const struct sim_route *const ctl[] = { sim_routes_control,
	    sim_routes_control_ext, NULL };
	static const struct sim_route *const tg[] = { sim_routes_telegram,
	    NULL };
	const char *fault = NULL;
	int again = rq->again_count > 0;

	rs->status = 200;
	/* the control API: loopback only, no auth, not logged */
	if (rq->api == SIM_API_OTHER && strncmp(rq->path, "/_sim/", 6) == 0) {
		if (!rq->loopback) {
			sim_error(rs, 403, "control API answers loopback only");
			return;
		}
		run_route(s, rq, rs, ctl, 0);
		return;
	}
	if (rq->api == SIM_API_OTHER && strncmp(rq->path, "/bot", 4) == 0 &&
	    rq->listener == SIM_LISTEN_PVE) {
		/* only a rule whose prefix names /bot...: hang or lost */
		if (!again)
			fault = api_fault_pick(s, rq->path);
		if (fault && strcmp(fault, "hang") != 0 &&
		    strcmp(fault, "lost") != 0)
			fault = NULL;
		if (fault == NULL || strcmp(fault, "lost") == 0)
			run_route(s, rq, rs, tg, 0);
		if (fault)
			rs->fault = SIM_FAULT_HANG;
		return;
	}
	if (!again) {
		if (rq->api != SIM_API_OTHER)
			fault = api_fault_pick(s, rq->path);
		if (s->opt.latency_ms > 0 || s->opt.latency_jitter > 0)
			rs->delay_ms = s->opt.latency_ms + (s->opt.latency_jitter
			    > 0 ? (int)(sim_rand(s, 6) % (unsigned)
			    (s->opt.latency_jitter + 1)) : 0);
	}
	if (fault && (strcmp(fault, "500") == 0 || strcmp(fault, "503") == 0
	    || strcmp(fault, "429") == 0)) {
		int st = atoi(fault);

		sim_error(rs, st, "%s", st == 500 ? "Internal Server Error "
		    "(simulated)" : st == 503 ? "Service Unavailable" :
		    "Too Many Requests");
		if (st != 500)
			sim_resp_header(rs, "Retry-After", "1");
		auth_request(s, rq, &(struct sim_resp){0});
		api_log_request(rq, rs, auth_kind(rq));
		return;
	}
	if (fault && strcmp(fault, "hang") == 0) {
		rs->fault = SIM_FAULT_HANG;
		api_log_request(rq, rs, "none");
		return;
	}
	if (rq->api == SIM_API_OTHER) {
		sim_error(rs, 501, "Method '%s %s' not implemented",
		    rq->method, rq->path);
	} else if (auth_request(s, rq, rs) == 0) {
		rs->digits = rq->listener == SIM_LISTEN_PBS ? 0 : 15;
		run_route(s, rq, rs, rq->listener == SIM_LISTEN_PBS ? pbs :
		    pve, 1);
		/* 0-second tasks finish before the answer leaves */
		sim_tasks_advance(s);
	}
	if (fault) {
		/* lost: carried out, and the answer never leaves */
		rs->fault = strcmp(fault, "lost") == 0 ? SIM_FAULT_HANG :
		    strcmp(fault, "drop") == 0 ? SIM_FAULT_DROP :
		    strcmp(fault, "malformed") == 0 ? SIM_FAULT_MALFORMED :
		    strcmp(fault, "badtail") == 0 ? SIM_FAULT_BADTAIL :
		    strcmp(fault, "gzip") == 0 ? SIM_FAULT_GZIP :
		    SIM_FAULT_TRUNCATED;
	}
	if (!again && !rs->again)
		api_log_request(rq, rs, auth_kind(rq));
	else if (again && !rs->again)
		api_log_request(rq, rs, auth_kind(rq));
}

