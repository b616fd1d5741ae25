/*
 * perm.c -- PVE's permission model in pxsim: privileges of users, groups
 * and API tokens on paths, from the "role", "acl", "user", "group" and
 * "token" documents (cached until sim_perm_invalidate), pool ACLs for pool
 * members, and the "cap" object of a ticket.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"


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

/* 1 when user exists, is enabled and has not expired. */
int
auth_user_enabled(struct sim *s, const char *user)
{
	struct perm_user *u;

	perm_load(s);
	u = perm_user(user);
	return u && u->enable && (u->expire == 0 || u->expire >
	    (long long)sim_now(s));
}

/* 1 when the API token authid ("user@realm!tok") exists and has not
 * expired. */
int
auth_token_valid(struct sim *s, const char *authid)
{
	struct perm_token *t;

	perm_load(s);
	t = perm_token(authid);
	return t != NULL && (t->expire == 0 || t->expire >=
	    (long long)sim_now(s));
}

/* The path of the i-th ACL entry, NULL past the last. */
const char *
auth_acl_path(struct sim *s, size_t i)
{
	perm_load(s);
	return i < perm.nacl ? perm.acl[i].path : NULL;
}

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
void
auth_write_cap(struct sim *s, struct jw *w, const char *authid)
{
	perm_load(s);
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
