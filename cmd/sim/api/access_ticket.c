/*
 * access_ticket.c -- /access/ticket (login and renewal, PVE and PBS) and
 * /access/permissions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"
#include "node_admin.h"


static void
h_ticket_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *username = sim_param(rq, "username");
	const char *password = sim_param(rq, "password");
	const char *realm = sim_param(rq, "realm");
	int pbs = rq->listener == SIM_LISTEN_PBS;
	char user[160], ticket[512], csrf[128];
	struct jw w;

	(void)m;
	if (sim_param_require(rq, rs, "username", "password", NULL) != 0)
		return;
	if (strchr(username, '@') == NULL && realm)
		snprintf(user, sizeof(user), "%s@%s", username, realm);
	else
		snprintf(user, sizeof(user), "%s", username);
	if (!auth_login(s, user, password, pbs)) {
		/* PVE logs the name as given: a hostile one reaches the
		 * journal */
		if (!pbs && s->nnodes > 0)
			node_log_add(s, s->nodes[0].name, "pvedaemon[%u]: "
			    "authentication failure; rhost=::ffff:127.0.0.1 "
			    "user=%s msg=Authentication failure", 1200u +
			    (unsigned)(sim_hash(s, 3, 4) % 1000), user);
		rs->status = 401;
		snprintf(rs->reason, sizeof(rs->reason),
		    "authentication failure");
		buf_reset(&rs->body);
		buf_adds(&rs->body, "{\"data\":null}");
		return;
	}
	auth_ticket_new(s, pbs, user, ticket, sizeof(ticket), csrf,
	    sizeof(csrf));
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "username", user);
	jw_kstr(&w, "ticket", ticket);
	jw_kstr(&w, "CSRFPreventionToken", csrf);
	if (!pbs) {
		auth_write_cap(s, &w, user);
		jw_kstr(&w, "clustername", s->clustername);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
h_ticket_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	sim_ok_null(rs);
}

struct privs_ctx {
	struct jw *w;
};

static void
emit_priv(void *arg, const char *priv, int propagate)
{
	struct privs_ctx *c = arg;

	jw_kint(c->w, priv, propagate);
}

static void
h_permissions(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *path = sim_param(rq, "path");
	const char *userid = sim_param(rq, "userid");
	const char *who = rq->authid;
	static const char *paths[] = { "/", "/access", "/access/groups",
	    "/nodes", "/pool", "/sdn", "/storage", "/vms", "/mapping", NULL };
	struct privs_ctx c;
	struct jw w;
	size_t i;
	int k;

	(void)m;
	if (userid && strcmp(userid, rq->authid) != 0) {
		/* a user may ask for its own tokens; else Sys.Audit */
		size_t n = strlen(rq->user);

		if (!(strncmp(userid, rq->user, n) == 0 && (userid[n] == '!' ||
		    userid[n] == '\0')) && sim_check_perm(s, rq, "/access",
		    "Sys.Audit", rs) != 0)
			return;
		who = userid;
	}
	sim_ok_begin(rs, &w);
	c.w = &w;
	jw_obj(&w);
	if (path) {
		jw_key(&w, path);
		jw_obj(&w);
		sim_authid_privs(s, who, path, emit_priv, &c);
		jw_end(&w);
	} else {
		for (k = 0; paths[k]; k++) {
			if (sim_authid_privs(s, who, paths[k], NULL, NULL) == 0)
				continue;
			jw_key(&w, paths[k]);
			jw_obj(&w);
			sim_authid_privs(s, who, paths[k], emit_priv, &c);
			jw_end(&w);
		}
		const char *p;

		for (i = 0; (p = auth_acl_path(s, i)) != NULL; i++) {
			size_t j;
			int dup = 0;

			for (k = 0; paths[k]; k++)
				if (strcmp(paths[k], p) == 0)
					dup = 1;
			for (j = 0; j < i; j++)
				if (strcmp(auth_acl_path(s, j), p) == 0)
					dup = 1;
			if (dup || sim_authid_privs(s, who, p, NULL, NULL) == 0)
				continue;
			jw_key(&w, p);
			jw_obj(&w);
			sim_authid_privs(s, who, p, emit_priv, &c);
			jw_end(&w);
		}
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* Routes of the PBS listener that the core serves. */
const struct sim_route sim_routes_pbs_core[] = {
	{ "POST", "/access/ticket", h_ticket_post, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};

/* Access routes the core serves on the PVE listener. */
const struct sim_route sim_routes_core_access[] = {
	{ "POST", "/access/ticket", h_ticket_post, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ "GET", "/access/ticket", h_ticket_get, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ "GET", "/access/permissions", h_permissions, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
