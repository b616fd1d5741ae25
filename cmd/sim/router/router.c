/*
 * api.c -- the request pipeline of pxsim: request log, injected faults and
 * latency, authentication (API tokens, tickets, CSRF), parameter checks of
 * {node}/{vmid}, permissions from ACLs, routing over the route arrays, the
 * response helpers, and the /_sim/ control API.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"

/* Weak empty route arrays: the breadth files replace them. */
__attribute__((weak)) const struct sim_route sim_routes_cluster[] = {{0}};
__attribute__((weak)) const struct sim_route sim_routes_node[] = {{0}};
__attribute__((weak)) const struct sim_route sim_routes_access[] = {{0}};
__attribute__((weak)) const struct sim_route sim_routes_pbs[] = {{0}};
__attribute__((weak)) const struct sim_route sim_routes_telegram[] = {{0}};
__attribute__((weak)) const struct sim_route sim_routes_control_ext[] =
    {{0}};

extern const struct sim_route sim_routes_control[];
extern const struct sim_route sim_routes_pbs_core[];
extern const char sim_all_privs[];
extern const struct sim_route sim_routes_core_access[];

/* ---- parameters, headers ---- */

/* A request parameter or NULL. */
const char *
sim_param(const struct sim_req *rq, const char *name)
{
	return sim_kv_get(&rq->params, name);
}

/* An integer parameter or def. */
long long
sim_param_int(const struct sim_req *rq, const char *name, long long def)
{
	const char *v = sim_param(rq, name);
	char *end;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtoll(v, &end, 10);
	return *end == '\0' ? n : def;
}

/* A boolean parameter or def. */
int
sim_param_bool(const struct sim_req *rq, const char *name, int def)
{
	const char *v = sim_param(rq, name);

	if (v == NULL)
		return def;
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "0") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "no") || !strcasecmp(v, "off") || *v == '\0')
		return 0;
	return def;
}

/* A header (any case) or NULL. */
const char *
sim_header(const struct sim_req *rq, const char *name)
{
	char low[128];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	return sim_kv_get(&rq->headers, low);
}

/* The value of a captured route variable or NULL. */
const char *
sim_var(const struct sim_match *m, const char *name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (strlen(name) == m->namelen[i] &&
		    strncmp(m->name[i], name, m->namelen[i]) == 0)
			return m->value[i];
	return NULL;
}

/* ---- responses ---- */

/* Free a response's contents. */
void
sim_resp_free(struct sim_resp *rs)
{
	buf_free(&rs->body);
	buf_free(&rs->headers);
}

/* Reset rs to an empty 200. */
void
sim_resp_reset(struct sim_resp *rs)
{
	buf_reset(&rs->body);
	buf_reset(&rs->headers);
	rs->status = 200;
	rs->reason[0] = '\0';
	rs->ctype = NULL;
	rs->fault = SIM_FAULT_NONE;
	rs->again = 0;
}

/* Add a response header. */
void
sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&rs->headers, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&rs->headers, fmt, ap);
	va_end(ap);
	buf_adds(&rs->headers, "\r\n");
}

/* {"data": json}. */
void
sim_ok_json(struct sim_resp *rs, const char *json)
{
	buf_reset(&rs->body);
	rs->status = 200;
	rs->reason[0] = '\0';
	buf_adds(&rs->body, "{\"data\":");
	buf_adds(&rs->body, json ? json : "null");
	buf_adds(&rs->body, "}");
}

/* {"data": null}. */
void
sim_ok_null(struct sim_resp *rs)
{
	sim_ok_json(rs, NULL);
}

/* Start streaming the data value. */
void
sim_ok_begin(struct sim_resp *rs, struct jw *w)
{
	buf_reset(&rs->body);
	rs->status = 200;
	rs->reason[0] = '\0';
	jw_init(w, &rs->body);
	w->digits = rs->digits;
	jw_obj(w);
	jw_key(w, "data");
}

/* Close the envelope. */
void
sim_ok_end(struct sim_resp *rs, struct jw *w)
{
	(void)rs;
	while (w->depth > 0)
		jw_end(w);
}

/* The UPID as data. */
void
sim_upid_response(struct sim_resp *rs, const char *upid)
{
	struct jw w;

	sim_ok_begin(rs, &w);
	jw_str(&w, upid);
	sim_ok_end(rs, &w);
}

/* A PVE error: message as reason phrase and in the body. */
void
sim_error(struct sim_resp *rs, int status, const char *fmt, ...)
{
	va_list ap;
	struct buf msg = {0};

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rs->status = status;
	snprintf(rs->reason, sizeof(rs->reason), "%s", buf_str(&msg));
	buf_reset(&rs->body);
	buf_adds(&rs->body, "{\"data\":null,\"message\":");
	buf_addc(&msg, '\n');
	json_escape(&rs->body, msg.p, msg.len);
	buf_adds(&rs->body, "}");
	buf_free(&msg);
}

/* 400 with errors {param: msg}. */
void
sim_param_error(struct sim_resp *rs, const char *param, const char *msg)
{
	rs->status = 400;
	snprintf(rs->reason, sizeof(rs->reason),
	    "Parameter verification failed.");
	buf_reset(&rs->body);
	buf_adds(&rs->body, "{\"data\":null,\"message\":"
	    "\"Parameter verification failed.\\n\",\"errors\":{");
	json_escape(&rs->body, param, strlen(param));
	buf_addc(&rs->body, ':');
	json_escape(&rs->body, msg, strlen(msg));
	buf_adds(&rs->body, "}}");
}

/* 400 with a formatted message. */
void
sim_param_errorf(struct sim_resp *rs, const char *param, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sim_param_error(rs, param, buf_str(&b));
	buf_free(&b);
}

/* Require parameters (NULL-terminated list). */
int
sim_param_require(const struct sim_req *rq, struct sim_resp *rs, ...)
{
	va_list ap;
	const char *name;
	int rc = 0;

	va_start(ap, rs);
	while ((name = va_arg(ap, const char *)) != NULL) {
		if (sim_param(rq, name) == NULL) {
			sim_param_error(rs, name,
			    "property is missing and it is not optional");
			rc = -1;
			break;
		}
	}
	va_end(ap);
	return rc;
}

/* ---- permissions ---- */

#define MAXPRIV 64

struct perm_acl {
	char *path;
	int type;		/* 0 user, 1 group, 2 token */
	char *ugid;
	uint64_t privs;
	int propagate;
};

struct perm_user {
	char *userid;
	int enable;
	long long expire;
	char *groups;		/* ",g1,g2," */
};

struct perm_token {
	char *authid;
	int privsep;
	long long expire;
};

struct perm_state {
	unsigned gen;
	int loaded;
	const char *privname[MAXPRIV];
	int npriv;
	char *privbuf;
	struct perm_acl *acl;
	size_t nacl;
	struct perm_user *users;
	size_t nusers;
	struct perm_token *tokens;
	size_t ntokens;
	struct { char *id; uint64_t privs; } *roles;
	size_t nroles;
};

static struct perm_state perm;

/* Drop the cached permission data. */
void
sim_perm_invalidate(struct sim *s)
{
	s->perm_gen++;
}

static int
priv_index(const char *name, size_t n)
{
	int i;

	for (i = 0; i < perm.npriv; i++)
		if (strlen(perm.privname[i]) == n &&
		    strncmp(perm.privname[i], name, n) == 0)
			return i;
	return -1;
}

static uint64_t
privs_mask(const char *list)
{
	uint64_t m = 0;
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",; ");
		int i = priv_index(p, n);

		if (i >= 0)
			m |= 1ULL << i;
		p += n;
		while (*p == ',' || *p == ';' || *p == ' ')
			p++;
	}
	return m;
}

static void
perm_clear(void)
{
	size_t i;

	for (i = 0; i < perm.nacl; i++) {
		free(perm.acl[i].path);
		free(perm.acl[i].ugid);
	}
	for (i = 0; i < perm.nusers; i++) {
		free(perm.users[i].userid);
		free(perm.users[i].groups);
	}
	for (i = 0; i < perm.ntokens; i++)
		free(perm.tokens[i].authid);
	for (i = 0; i < perm.nroles; i++)
		free(perm.roles[i].id);
	free(perm.acl);
	free(perm.users);
	free(perm.tokens);
	free(perm.roles);
	perm.acl = NULL;
	perm.users = NULL;
	perm.tokens = NULL;
	perm.roles = NULL;
	perm.nacl = perm.nusers = perm.ntokens = perm.nroles = 0;
}

static int
load_role(void *arg, const char *id, const char *js)
{
	struct json j;
	struct px_err e;
	char *privs;

	(void)arg;
	if (json_parse(&j, js, strlen(js), &e) != 0)
		return 0;
	privs = json_get_str(&j, 0, "privs");
	perm.roles = px_xrealloc(perm.roles, (perm.nroles + 1) *
	    sizeof(*perm.roles));
	perm.roles[perm.nroles].id = px_xstrdup(id);
	perm.roles[perm.nroles].privs = privs_mask(privs);
	perm.nroles++;
	free(privs);
	json_free(&j);
	return 0;
}

static uint64_t
role_privs(const char *id)
{
	size_t i;

	for (i = 0; i < perm.nroles; i++)
		if (strcmp(perm.roles[i].id, id) == 0)
			return perm.roles[i].privs;
	return 0;
}

static int
load_acl(void *arg, const char *id, const char *js)
{
	struct json j;
	struct px_err e;
	struct perm_acl *a;
	char *type, *role;

	(void)arg;
	(void)id;
	if (json_parse(&j, js, strlen(js), &e) != 0)
		return 0;
	perm.acl = px_xrealloc(perm.acl, (perm.nacl + 1) * sizeof(*perm.acl));
	a = &perm.acl[perm.nacl];
	a->path = json_get_str(&j, 0, "path");
	a->ugid = json_get_str(&j, 0, "ugid");
	type = json_get_str(&j, 0, "type");
	role = json_get_str(&j, 0, "roleid");
	a->type = type && strcmp(type, "group") == 0 ? 1 : type &&
	    strcmp(type, "token") == 0 ? 2 : 0;
	a->propagate = (int)json_get_int(&j, 0, "propagate", 1);
	a->privs = role ? role_privs(role) : 0;
	if (a->path && a->ugid)
		perm.nacl++;
	else {
		free(a->path);
		free(a->ugid);
	}
	free(type);
	free(role);
	json_free(&j);
	return 0;
}

static int
load_user(void *arg, const char *id, const char *js)
{
	struct json j;
	struct px_err e;
	struct perm_user *u;
	char *groups;

	(void)arg;
	if (json_parse(&j, js, strlen(js), &e) != 0)
		return 0;
	perm.users = px_xrealloc(perm.users, (perm.nusers + 1) *
	    sizeof(*perm.users));
	u = &perm.users[perm.nusers++];
	u->userid = px_xstrdup(id);
	u->enable = json_get_bool(&j, 0, "enable", 1);
	u->expire = json_get_int(&j, 0, "expire", 0);
	groups = json_get_str(&j, 0, "groups");
	u->groups = px_xasprintf(",%s,", groups ? groups : "");
	free(groups);
	json_free(&j);
	return 0;
}

static int
load_group(void *arg, const char *id, const char *js)
{
	struct json j;
	struct px_err e;
	char *users, *p, *save = NULL;
	size_t i;

	(void)arg;
	if (json_parse(&j, js, strlen(js), &e) != 0)
		return 0;
	users = json_get_str(&j, 0, "users");
	for (p = users ? strtok_r(users, ",", &save) : NULL; p;
	    p = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < perm.nusers; i++) {
			struct perm_user *u = &perm.users[i];
			char needle[200];

			snprintf(needle, sizeof(needle), ",%s,", id);
			if (strcmp(u->userid, p) == 0 &&
			    strstr(u->groups, needle) == NULL) {
				char *g = px_xasprintf("%s%s,", u->groups, id);

				free(u->groups);
				u->groups = g;
			}
		}
	}
	free(users);
	json_free(&j);
	return 0;
}

static const char *cur_token_user;

static int
load_token(void *arg, const char *id, const char *js)
{
	struct json j;
	struct px_err e;
	struct perm_token *t;

	(void)arg;
	if (json_parse(&j, js, strlen(js), &e) != 0)
		return 0;
	perm.tokens = px_xrealloc(perm.tokens, (perm.ntokens + 1) *
	    sizeof(*perm.tokens));
	t = &perm.tokens[perm.ntokens++];
	t->authid = px_xasprintf("%s!%s", cur_token_user, id);
	t->privsep = json_get_bool(&j, 0, "privsep", 1);
	t->expire = json_get_int(&j, 0, "expire", 0);
	json_free(&j);
	return 0;
}

static void
perm_load(struct sim *s)
{
	size_t i, nu;

	if (perm.loaded && perm.gen == s->perm_gen)
		return;
	perm_clear();
	if (perm.privbuf == NULL) {
		char *p, *save = NULL;

		perm.privbuf = px_xstrdup(sim_all_privs);
		for (p = strtok_r(perm.privbuf, ",", &save); p &&
		    perm.npriv < MAXPRIV; p = strtok_r(NULL, ",", &save))
			perm.privname[perm.npriv++] = p;
	}
	sim_doc_list(s, "role", "", load_role, NULL);
	sim_doc_list(s, "acl", "", load_acl, NULL);
	sim_doc_list(s, "user", "", load_user, NULL);
	sim_doc_list(s, "group", "", load_group, NULL);
	nu = perm.nusers;
	for (i = 0; i < nu; i++) {
		cur_token_user = perm.users[i].userid;
		sim_doc_list(s, "token", perm.users[i].userid, load_token, NULL);
	}
	perm.loaded = 1;
	perm.gen = s->perm_gen;
}

static struct perm_user *
perm_user(const char *userid)
{
	size_t i;

	for (i = 0; i < perm.nusers; i++)
		if (strcmp(perm.users[i].userid, userid) == 0)
			return &perm.users[i];
	return NULL;
}

static struct perm_token *
perm_token(const char *authid)
{
	size_t i;

	for (i = 0; i < perm.ntokens; i++)
		if (strcmp(perm.tokens[i].authid, authid) == 0)
			return &perm.tokens[i];
	return NULL;
}

/* Is prefix an ancestor-or-self of path ("/" of all, "/vms" of
 * "/vms/100")? */
static int
path_covers(const char *prefix, const char *path, int *exact)
{
	size_t n = strlen(prefix);

	*exact = strcmp(prefix, path) == 0;
	if (*exact || strcmp(prefix, "/") == 0)
		return 1;
	return strncmp(prefix, path, n) == 0 && path[n] == '/';
}

/* Privileges from the ACLs of one subject set on path (PVE's rule: the
 * most specific path with entries wins; user entries beat group entries
 * at the same path). */
static uint64_t
acl_privs(const char *path, int type, const char *ugid,
    const struct perm_user *u)
{
	uint64_t best = 0;
	size_t bestlen = 0, i;
	int found = 0, bestuser = 0;

	for (i = 0; i < perm.nacl; i++) {
		const struct perm_acl *a = &perm.acl[i];
		int exact, isuser;
		size_t len;

		if (!path_covers(a->path, path, &exact))
			continue;
		if (!exact && !a->propagate)
			continue;
		if (type == 2) {
			if (a->type != 2 || strcmp(a->ugid, ugid) != 0)
				continue;
			isuser = 1;
		} else if (a->type == 0 && strcmp(a->ugid, ugid) == 0) {
			isuser = 1;
		} else if (a->type == 1 && u != NULL) {
			char needle[200];

			snprintf(needle, sizeof(needle), ",%s,", a->ugid);
			if (strstr(u->groups, needle) == NULL)
				continue;
			isuser = 0;
		} else {
			continue;
		}
		len = strcmp(a->path, "/") == 0 ? 0 : strlen(a->path);
		if (!found || len > bestlen) {
			found = 1;
			bestlen = len;
			best = a->privs;
			bestuser = isuser;
		} else if (len == bestlen) {
			if (isuser && !bestuser) {
				best = a->privs;
				bestuser = 1;
			} else if (isuser == bestuser) {
				best |= a->privs;
			}
		}
	}
	return best;
}

static uint64_t
privs_at(struct sim *s, const char *authid, const char *path)
{
	char user[192];
	const char *bang = strchr(authid, '!');
	struct perm_user *u;
	struct perm_token *t = NULL;
	uint64_t p;
	long long now = (long long)sim_now(s);

	snprintf(user, sizeof(user), "%.*s", bang ? (int)(bang - authid) :
	    (int)strlen(authid), authid);
	u = perm_user(user);
	if (bang && (t = perm_token(authid)) == NULL)
		return 0;
	if (t && t->expire && t->expire < now)
		return 0;
	if (strcmp(user, "root@pam") == 0 && (t == NULL || !t->privsep))
		return perm.npriv >= 64 ? ~0ULL : (1ULL << perm.npriv) - 1;
	if (u == NULL || !u->enable || (u->expire && u->expire < now))
		return 0;
	if (strcmp(user, "root@pam") == 0)
		p = (1ULL << perm.npriv) - 1;
	else
		p = acl_privs(path, 0, user, u);
	if (t && t->privsep)
		p &= acl_privs(path, 2, authid, NULL);
	return p;
}

/* Privileges of authid on path, including pool ACLs for pool members. */
static uint64_t
effective_privs(struct sim *s, const char *authid, const char *path)
{
	uint64_t p;

	perm_load(s);
	p = privs_at(s, authid, path);
	if (strncmp(path, "/vms/", 5) == 0) {
		struct sim_guest *g = sim_guest_find(s, atoi(path + 5));
		char pp[128];

		if (g && g->pool) {
			snprintf(pp, sizeof(pp), "/pool/%s", g->pool);
			p |= privs_at(s, authid, pp);
		}
	} else if (strncmp(path, "/storage/", 9) == 0) {
		size_t i;
		char pp[128];

		for (i = 0; i < s->npools; i++) {
			const char *st = s->pools[i].storages;
			size_t n = strlen(path + 9);
			const char *q;

			for (q = st; q && (q = strstr(q, path + 9)) != NULL;
			    q += n) {
				if ((q == st || q[-1] == ',') &&
				    (q[n] == '\0' || q[n] == ',')) {
					snprintf(pp, sizeof(pp), "/pool/%s",
					    s->pools[i].poolid);
					p |= privs_at(s, authid, pp);
					break;
				}
			}
		}
	}
	return p;
}

/* 1 when authid has priv (or one of '|'-separated privs) on path. */
int
sim_authid_has_priv(struct sim *s, const char *authid, const char *path,
    const char *priv)
{
	uint64_t have;
	const char *p = priv;

	if (authid == NULL)
		return 0;
	have = effective_privs(s, authid, path);
	while (*p) {
		size_t n = strcspn(p, "|");
		int i = priv_index(p, n);

		if (i >= 0 && (have & (1ULL << i)))
			return 1;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

/* Permission check; fills a 403 unless allowed. */
int
sim_check_perm(struct sim *s, const struct sim_req *rq, const char *path,
    const char *priv, struct sim_resp *rs)
{
	if (priv == NULL || rq->authid == NULL)
		return rq->authid ? 0 : -1;
	if (sim_authid_has_priv(s, rq->authid, path, priv))
		return 0;
	if (rs) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(priv, "|"),
		    priv);
		sim_error(rs, 403, "Permission check failed (%s, %s)", path,
		    first);
	}
	return -1;
}

/* Call fn for each privilege authid has on path. */
int
sim_authid_privs(struct sim *s, const char *authid, const char *path,
    void (*fn)(void *arg, const char *priv, int propagate), void *arg)
{
	uint64_t have = effective_privs(s, authid, path);
	int i, n = 0;

	for (i = 0; i < perm.npriv; i++) {
		if (have & (1ULL << i)) {
			n++;
			if (fn)
				fn(arg, perm.privname[i], 1);
		}
	}
	return n;
}

/* ---- tickets ---- */

static void
hmac_b64(const char *key, const char *msg, char *out, size_t outn)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char d[32];
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	br_hmac_key_init(&kc, &br_sha256_vtable, key, strlen(key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, strlen(msg));
	br_hmac_out(&hc, d);
	for (i = 0; i + 2 < 32 && o + 5 < outn; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 |
		    d[i + 2];

		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (o + 4 < outn) {	/* the last 2 bytes */
		unsigned v = (unsigned)d[30] << 16 | (unsigned)d[31] << 8;

		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
}

static int
ct_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;
	unsigned char d = na != nb;

	for (i = 0; i < na && i < nb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Build a ticket "PVE:user:HEXTIME::sig" for user at time t. */
static void
make_ticket(struct sim *s, const char *prefix, const char *user, time_t t,
    char *out, size_t n)
{
	char msg[256], sig[64];

	snprintf(msg, sizeof(msg), "%s:%s:%08X", prefix, user, (unsigned)t);
	hmac_b64(s->ticket_key, msg, sig, sizeof(sig));
	snprintf(out, n, "%s::%s", msg, sig);
}

static void
make_csrf(struct sim *s, const char *user, time_t t, char *out, size_t n)
{
	char msg[256], sig[64];

	snprintf(msg, sizeof(msg), "%08X:%s", (unsigned)t, user);
	hmac_b64(s->csrf_key, msg, sig, sizeof(sig));
	snprintf(out, n, "%08X:%s", (unsigned)t, sig);
}

/* Verify a ticket; 0 and the user in user[] when valid. */
static int
check_ticket(struct sim *s, const char *prefix, const char *ticket,
    char *user, size_t usern)
{
	char pfx[16], want[512];
	const char *p, *q;
	unsigned long t;
	char *end;
	time_t now = sim_now(s);

	snprintf(pfx, sizeof(pfx), "%s:", prefix);
	if (strncmp(ticket, pfx, strlen(pfx)) != 0)
		return -1;
	p = ticket + strlen(pfx);
	if ((q = strchr(p, ':')) == NULL || (size_t)(q - p) >= usern)
		return -1;
	snprintf(user, usern, "%.*s", (int)(q - p), p);
	t = strtoul(q + 1, &end, 16);
	if (end != q + 9 || strncmp(end, "::", 2) != 0)
		return -1;
	make_ticket(s, prefix, user, (time_t)t, want, sizeof(want));
	if (!ct_equal(want, ticket))
		return -1;
	if ((time_t)t > now + 300 || now - (time_t)t > 7200)
		return -1;
	return 0;
}

static int
check_csrf(struct sim *s, const char *user, const char *tok)
{
	char want[128];
	unsigned long t;
	char *end;
	time_t now = sim_now(s);

	if (tok == NULL)
		return -1;
	t = strtoul(tok, &end, 16);
	if (end != tok + 8 || *end != ':')
		return -1;
	make_csrf(s, user, (time_t)t, want, sizeof(want));
	if (!ct_equal(want, tok))
		return -1;
	return now - (time_t)t > 7200 ? -1 : 0;
}

/* The value of cookie name in the Cookie header (decoded); caller frees. */
static char *
cookie_value(const struct sim_req *rq, const char *name)
{
	const char *c = sim_header(rq, "cookie"), *p;
	size_t n = strlen(name);

	for (p = c; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t len = strcspn(p + n + 1, ";");

			return sim_pct_decode(p + n + 1, len, 0);
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

static int
user_enabled(struct sim *s, const char *user)
{
	struct perm_user *u;

	perm_load(s);
	u = perm_user(user);
	return u && u->enable && (u->expire == 0 || u->expire >
	    (long long)sim_now(s));
}

static void
set_identity(struct sim_req *rq, enum sim_auth kind, const char *user,
    const char *token)
{
	rq->auth = kind;
	snprintf(rq->userbuf, sizeof(rq->userbuf), "%s", user);
	rq->user = rq->userbuf;
	if (token) {
		snprintf(rq->tokenbuf, sizeof(rq->tokenbuf), "%s", token);
		rq->token = rq->tokenbuf;
		snprintf(rq->authidbuf, sizeof(rq->authidbuf), "%s!%s", user,
		    token);
	} else {
		snprintf(rq->authidbuf, sizeof(rq->authidbuf), "%s", user);
	}
	rq->authid = rq->authidbuf;
}

/*
 * Authenticate rq.  Returns 0 (rq->auth says what, possibly NONE), or -1
 * with a 401 in rs for a credential that was presented and refused.
 */
static int
authenticate(struct sim *s, struct sim_req *rq, struct sim_resp *rs)
{
	int pbs = rq->listener == SIM_LISTEN_PBS;
	const char *h = sim_header(rq, "authorization");
	const char *scheme = pbs ? "PBSAPIToken" : "PVEAPIToken";
	char *cookie;

	rq->auth = SIM_AUTH_NONE;
	if (h && strncmp(h, scheme, strlen(scheme)) == 0 &&
	    (h[strlen(scheme)] == '=' || h[strlen(scheme)] == ' ')) {
		const char *id = h + strlen(scheme) + 1;
		const char *bang = strchr(id, '!');
		const char *sep = bang ? strchr(bang, pbs ? ':' : '=') : NULL;
		char user[128], tok[64];
		char *secret = NULL;
		int ok = 0;

		if (bang && sep && bang - id < (long)sizeof(user) &&
		    sep - bang - 1 < (long)sizeof(tok) && sep > bang + 1) {
			snprintf(user, sizeof(user), "%.*s", (int)(bang - id),
			    id);
			snprintf(tok, sizeof(tok), "%.*s", (int)(sep - bang - 1),
			    bang + 1);
			if (pbs) {
				char key[256];

				snprintf(key, sizeof(key), "secret.pbs.%s!%s",
				    user, tok);
				secret = model_setting(s, key);
			} else if (user_enabled(s, user)) {
				secret = model_token_secret(s, user, tok);
			}
			if (secret && ct_equal(secret, sep + 1))
				ok = 1;
			if (ok && !pbs) {
				char aid[200];
				struct perm_token *t;

				snprintf(aid, sizeof(aid), "%s!%s", user, tok);
				t = perm_token(aid);
				if (t == NULL || (t->expire && t->expire <
				    (long long)sim_now(s)))
					ok = 0;
			}
			free(secret);
		}
		if (!ok) {
			rq->auth = SIM_AUTH_INVALID;
			rs->status = 401;
			snprintf(rs->reason, sizeof(rs->reason),
			    "invalid token value!");
			buf_reset(&rs->body);
			return -1;
		}
		set_identity(rq, SIM_AUTH_TOKEN, user, tok);
		rq->csrf_ok = 1;
		return 0;
	}
	cookie = cookie_value(rq, pbs ? "PBSAuthCookie" : "PVEAuthCookie");
	if (cookie != NULL) {
		char user[128];

		if (check_ticket(s, pbs ? "PBS" : "PVE", cookie, user,
		    sizeof(user)) != 0 || (!pbs && !user_enabled(s, user))) {
			free(cookie);
			rq->auth = SIM_AUTH_INVALID;
			sim_error(rs, 401, "%s", pbs ? "authentication failed - "
			    "invalid ticket" : "permission denied - invalid PVE "
			    "ticket");
			return -1;
		}
		free(cookie);
		set_identity(rq, SIM_AUTH_TICKET, user, NULL);
		rq->csrf_ok = check_csrf(s, user, sim_header(rq,
		    "csrfpreventiontoken")) == 0;
		return 0;
	}
	if (h != NULL)
		rq->auth = SIM_AUTH_INVALID;
	return 0;
}

/* Initialise the pipeline state (ticket keys). */
void
api_init(struct sim *s)
{
	char *k = model_setting(s, "ticket_key");
	unsigned char r[32];

	if (k == NULL) {
		tls_random(r, sizeof(r));
		sim_hex(r, 32, s->ticket_key);
		model_set_setting(s, "ticket_key", s->ticket_key);
	} else {
		snprintf(s->ticket_key, sizeof(s->ticket_key), "%s", k);
		free(k);
	}
	k = model_setting(s, "csrf_key");
	if (k == NULL) {
		tls_random(r, sizeof(r));
		sim_hex(r, 32, s->csrf_key);
		model_set_setting(s, "csrf_key", s->csrf_key);
	} else {
		snprintf(s->csrf_key, sizeof(s->csrf_key), "%s", k);
		free(k);
	}
	snprintf(s->clustername, sizeof(s->clustername), "pxsim");
}

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
check_vars(struct sim *s, const struct sim_match *m, struct sim_resp *rs)
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
	if (node) {
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
		if (n->offline) {
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
	if (check_vars(s, &m, rs) != 0)
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
	    sim_routes_core_access, sim_routes_guest, sim_routes_tasks, sim_routes_cluster,
	    sim_routes_node, sim_routes_access, NULL };
	static const struct sim_route *const pbs[] = { sim_routes_pbs_core,
	    sim_routes_pbs, NULL };
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
		run_route(s, rq, rs, tg, 0);
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
		authenticate(s, rq, &(struct sim_resp){0});
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
	} else if (authenticate(s, rq, rs) == 0) {
		rs->digits = rq->listener == SIM_LISTEN_PBS ? 0 : 15;
		run_route(s, rq, rs, rq->listener == SIM_LISTEN_PBS ? pbs :
		    pve, 1);
		/* 0-second tasks finish before the answer leaves */
		sim_tasks_advance(s);
	}
	if (fault) {
		rs->fault = strcmp(fault, "drop") == 0 ? SIM_FAULT_DROP :
		    strcmp(fault, "malformed") == 0 ? SIM_FAULT_MALFORMED :
		    strcmp(fault, "badtail") == 0 ? SIM_FAULT_BADTAIL :
		    SIM_FAULT_TRUNCATED;
	}
	if (!again && !rs->again)
		api_log_request(rq, rs, auth_kind(rq));
	else if (again && !rs->again)
		api_log_request(rq, rs, auth_kind(rq));
}

/* ---- /access/ticket and /access/permissions (PVE and PBS) ---- */

struct cap_ctx {
	struct jw *w;
	const char *prefix;
};

static void
write_cap_group(struct sim *s, struct jw *w, const char *authid,
    const char *key, const char *path, const char *prefixes)
{
	uint64_t have = effective_privs(s, authid, path);
	int i;

	jw_key(w, key);
	jw_obj(w);
	for (i = 0; i < perm.npriv; i++) {
		const char *p = prefixes;
		int match = 0;

		if (!(have & (1ULL << i)))
			continue;
		while (*p) {
			size_t n = strcspn(p, " ");

			if (strncmp(perm.privname[i], p, n) == 0)
				match = 1;
			p += n;
			while (*p == ' ')
				p++;
		}
		if (match)
			jw_kint(w, perm.privname[i], 1);
	}
	jw_end(w);
}

/* The "cap" object of a ticket answer. */
static void
write_cap(struct sim *s, struct jw *w, const char *authid)
{
	jw_key(w, "cap");
	jw_obj(w);
	write_cap_group(s, w, authid, "vms", "/vms", "VM. Permissions.");
	write_cap_group(s, w, authid, "storage", "/storage",
	    "Datastore. Permissions.");
	write_cap_group(s, w, authid, "access", "/access",
	    "User. Group. Realm. Permissions.");
	write_cap_group(s, w, authid, "nodes", "/nodes",
	    "Sys. Permissions.");
	write_cap_group(s, w, authid, "dc", "/", "Sys.Audit Sys.Modify SDN. "
	    "Mapping.");
	write_cap_group(s, w, authid, "sdn", "/sdn", "SDN. Permissions.");
	write_cap_group(s, w, authid, "mapping", "/mapping",
	    "Mapping. Permissions.");
	jw_end(w);
}

static void
h_ticket_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *username = sim_param(rq, "username");
	const char *password = sim_param(rq, "password");
	const char *realm = sim_param(rq, "realm");
	int pbs = rq->listener == SIM_LISTEN_PBS;
	char user[160], ticket[512], csrf[128], tuser[160];
	char *pw;
	int ok = 0;
	struct jw w;
	time_t now = sim_now(s);

	(void)m;
	if (sim_param_require(rq, rs, "username", "password", NULL) != 0)
		return;
	if (strchr(username, '@') == NULL && realm)
		snprintf(user, sizeof(user), "%s@%s", username, realm);
	else
		snprintf(user, sizeof(user), "%s", username);
	if (check_ticket(s, pbs ? "PBS" : "PVE", password, tuser,
	    sizeof(tuser)) == 0 && strcmp(tuser, user) == 0)
		ok = 1;		/* renewal */
	else if ((pw = model_password(s, user)) != NULL) {
		ok = ct_equal(pw, password);
		free(pw);
	}
	if (ok && !pbs && !user_enabled(s, user))
		ok = 0;
	if (ok && pbs && strcmp(user, "root@pam") != 0)
		ok = 0;
	if (!ok) {
		rs->status = 401;
		snprintf(rs->reason, sizeof(rs->reason),
		    "authentication failure");
		buf_reset(&rs->body);
		buf_adds(&rs->body, "{\"data\":null}");
		return;
	}
	make_ticket(s, pbs ? "PBS" : "PVE", user, now, ticket, sizeof(ticket));
	make_csrf(s, user, now, csrf, sizeof(csrf));
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "username", user);
	jw_kstr(&w, "ticket", ticket);
	jw_kstr(&w, "CSRFPreventionToken", csrf);
	if (!pbs) {
		perm_load(s);
		write_cap(s, &w, user);
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
	perm_load(s);
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
		for (i = 0; i < perm.nacl; i++) {
			const char *p = perm.acl[i].path;
			size_t j;
			int dup = 0;

			for (k = 0; paths[k]; k++)
				if (strcmp(paths[k], p) == 0)
					dup = 1;
			for (j = 0; j < i; j++)
				if (strcmp(perm.acl[j].path, p) == 0)
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
