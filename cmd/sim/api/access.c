/*
 * access.c -- pxsim's /access/... areas: users (with API tokens), groups,
 * roles (PVE's built-in roles are written by model/generate.c), realms
 * and ACLs.  Everything is kept in the document kinds auth/perm.c reads
 * for permission checks (sim.h: "user", "passwd", "token",
 * "tokensecret", "group", "role", "acl", "domain"); sim_doc_put
 * invalidates the permission cache for those kinds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static int
valid_priv(const char *p)
{
	size_t n = strlen(p);
	const char *q = sim_all_privs;

	while ((q = strstr(q, p)) != NULL) {
		if ((q == sim_all_privs || q[-1] == ',') && (q[n] == ',' ||
		    q[n] == 0))
			return 1;
		q += n;
	}
	return 0;
}

/* Normalise a privilege list ("a b,c;d") into "a,b,c,d"; -1 with a 400
 * for an unknown privilege. */
static int
priv_list(const char *in, struct buf *out, struct sim_resp *rs)
{
	char tmp[2048], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", in);
	for (tok = strtok_r(tmp, ", ;", &save); tok;
	    tok = strtok_r(NULL, ", ;", &save)) {
		if (!valid_priv(tok)) {
			sim_param_errorf(rs, "privs", "invalid format - invalid "
			    "privilege '%s'", tok);
			return -1;
		}
		if (out->len && strstr(out->p, tok) != NULL)
			continue;
		if (out->len)
			buf_addc(out, ',');
		buf_adds(out, tok);
	}
	return 0;
}

static int
realm_exists(struct sim *s, const char *userid)
{
	const char *at = strrchr(userid, '@');
	char *doc;

	if (at == NULL || at == userid || at[1] == 0)
		return 0;
	doc = sim_doc_get(s, "domain", "", at + 1);
	free(doc);
	return doc != NULL;
}

/* Is word in the comma-separated list? */
static int
in_csv(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (list == NULL)
		return 0;
	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
		p += n;
	}
	return 0;
}

/* Remove word from the comma list in buf (size n). */
static void
csv_remove(char *list, const char *word)
{
	size_t n = strlen(word);
	char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) {
			char *end = p + n + (p[n] == ',');

			if (p[n] == 0 && p != list)
				p--;	/* drop the comma before */
			memmove(p, end, strlen(end) + 1);
			continue;
		}
		p += n;
	}
}

/* Set group membership: userid in groupid (add or remove). */
static void
group_member(struct sim *s, const char *groupid, const char *userid,
    int add)
{
	struct ext_obj g;
	char *users;
	struct buf b = { 0 };

	if (ext_doc_obj(s, "group", "", groupid, &g) == -1)
		return;
	users = ext_obj_str(&g, "users");
	buf_adds(&b, users ? users : "");
	if (add && !in_csv(b.p ? b.p : "", userid)) {
		if (b.len)
			buf_addc(&b, ',');
		buf_adds(&b, userid);
	} else if (!add && b.p)
		csv_remove(b.p, userid);
	ext_obj_set_str(&g, "users", buf_str(&b));
	ext_doc_put_obj(s, "group", "", groupid, &g);
	buf_free(&b);
	free(users);
	ext_obj_free(&g);
}

/* Check every group of a comma list exists; -1 with a 400. */
static int
groups_exist(struct sim *s, const char *list, struct sim_resp *rs)
{
	char tmp[1024], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", list);
	for (tok = strtok_r(tmp, ", ;", &save); tok;
	    tok = strtok_r(NULL, ", ;", &save)) {
		char *doc = sim_doc_get(s, "group", "", tok);

		if (doc == NULL) {
			sim_param_errorf(rs, "groups", "group '%s' does not "
			    "exist", tok);
			return -1;
		}
		free(doc);
	}
	return 0;
}

/* Make the user's group list (its "groups" key) the group documents'
 * truth as well. */
static void
sync_groups(struct sim *s, const char *userid, const char *old,
    const char *now)
{
	char tmp[1024], *tok, *save;

	snprintf(tmp, sizeof(tmp), "%s", old ? old : "");
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		if (!in_csv(now, tok))
			group_member(s, tok, userid, 0);
	snprintf(tmp, sizeof(tmp), "%s", now ? now : "");
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		group_member(s, tok, userid, 1);
}

/* ------------------------------------------------------------------ */
/* Users                                                              */

#define USER_SPEC \
	"userid:s:k comment:s email:s enable:b expire:i firstname:s " \
	"groups:s keys:s lastname:s password:s:w append:b:w"

struct user_list {
	struct sim *s;
	struct jw *w;
	int full;
	int enabled;		/* -1: all */
};

static int
token_item_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;
	struct ext_obj o = { 0 };

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_obj_set_str(&o, "tokenid", id);
	ext_obj_write(w, &o, "tokenid comment expire privsep");
	ext_obj_free(&o);
	return 0;
}

static int
user_list_cb(void *arg, const char *id, const char *json)
{
	struct user_list *ul = arg;
	struct ext_obj o = { 0 };
	const char *at = strrchr(id, '@');

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	if (ul->enabled >= 0 && ext_obj_int(&o, "enable", 1) != ul->enabled)
		goto out;
	ext_obj_set_str(&o, "realm-type", at ? at + 1 : "pve");
	jw_obj(ul->w);
	{
		size_t i;

		for (i = 0; i < o.kv.n; i++) {
			const char *k = o.kv.v[i].key;

			if (!strcmp(k, "tokens") || !strcmp(k, "password"))
				continue;
			jw_key(ul->w, k);
			jw_raw(ul->w, o.kv.v[i].val, strlen(o.kv.v[i].val));
		}
	}
	if (ul->full) {
		jw_key(ul->w, "tokens");
		jw_arr(ul->w);
		sim_doc_list(ul->s, "token", id, token_item_cb, ul->w);
		jw_end(ul->w);
	}
	jw_end(ul->w);
out:
	ext_obj_free(&o);
	return 0;
}

static void
users_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	struct user_list ul = { s, &w, sim_param_bool(rq, "full", 0),
	    sim_param(rq, "enabled") ? sim_param_bool(rq, "enabled", 1) :
	    -1 };

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "user", "", user_list_cb, &ul);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
user_load(struct sim *s, const char *userid, struct ext_obj *o,
    struct sim_resp *rs)
{
	if (userid == NULL || ext_doc_obj(s, "user", "", userid, o) == -1) {
		sim_error(rs, 500, "no such user ('%s')", userid ? userid :
		    "");
		return -1;
	}
	return 0;
}

static int
tokens_obj_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;
	struct ext_obj o = { 0 };

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	jw_key(w, id);
	ext_obj_write(w, &o, "comment expire privsep");
	ext_obj_free(&o);
	return 0;
}

static void
user_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	struct ext_obj o;
	struct jw w;
	char *groups, *tok, *save;

	(void)rq;
	if (user_load(s, userid, &o, rs) == -1)
		return;
	groups = ext_obj_str(&o, "groups");
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	{
		size_t i;

		for (i = 0; i < o.kv.n; i++) {
			const char *k = o.kv.v[i].key;

			if (!strcmp(k, "groups") || !strcmp(k, "userid") ||
			    !strcmp(k, "tokens"))
				continue;
			jw_key(&w, k);
			jw_raw(&w, o.kv.v[i].val, strlen(o.kv.v[i].val));
		}
	}
	jw_key(&w, "groups");
	jw_arr(&w);
	for (tok = groups ? strtok_r(groups, ",", &save) : NULL; tok;
	    tok = strtok_r(NULL, ",", &save))
		jw_str(&w, tok);
	jw_end(&w);
	jw_key(&w, "tokens");
	jw_obj(&w);
	sim_doc_list(s, "token", userid, tokens_obj_cb, &w);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(groups);
	ext_obj_free(&o);
}

static void
user_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_param(rq, "userid");
	const char *groups = sim_param(rq, "groups");
	const char *pw = sim_param(rq, "password");
	struct ext_obj o = { 0 };
	char *doc;

	(void)m;
	if (ext_check(USER_SPEC, rq, rs, 1, "userid") == -1)
		return;
	if (userid == NULL) {
		sim_param_error(rs, "userid", "property is missing and it is "
		    "not optional");
		return;
	}
	if (!realm_exists(s, userid)) {
		sim_param_errorf(rs, "userid", "value '%s' does not look like "
		    "a valid user name", userid);
		return;
	}
	if ((doc = sim_doc_get(s, "user", "", userid)) != NULL) {
		free(doc);
		sim_error(rs, 500, "create user failed: user '%s' already "
		    "exists", userid);
		return;
	}
	if (groups != NULL && groups_exist(s, groups, rs) == -1)
		return;
	ext_obj_set_str(&o, "userid", userid);
	ext_obj_set_int(&o, "enable", 1);
	ext_obj_set_int(&o, "expire", 0);
	ext_apply(USER_SPEC, rq, rs, &o, 1, "userid");
	if (groups == NULL)
		ext_obj_set_str(&o, "groups", "");
	ext_doc_put_obj(s, "user", "", userid, &o);
	if (groups != NULL)
		sync_groups(s, userid, NULL, groups);
	if (pw != NULL) {
		struct ext_obj p = { 0 };

		if (strlen(pw) < 8 || strlen(pw) > 64) {
			sim_doc_delete(s, "user", "", userid);
			sim_param_error(rs, "password", "value must be at least "
			    "8 characters long");
			ext_obj_free(&o);
			return;
		}
		ext_obj_set_str(&p, "password", pw);
		ext_doc_put_obj(s, "passwd", "", userid, &p);
		ext_obj_free(&p);
	}
	ext_obj_free(&o);
	sim_ok_null(rs);
}

static void
user_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	const char *groups = sim_param(rq, "groups");
	struct ext_obj o;
	char *old;
	struct buf now = { 0 };

	if (user_load(s, userid, &o, rs) == -1)
		return;
	if (ext_check(USER_SPEC, rq, rs, 0, "userid") == -1 ||
	    (groups != NULL && groups_exist(s, groups, rs) == -1)) {
		ext_obj_free(&o);
		return;
	}
	if (sim_param(rq, "password") != NULL) {
		sim_param_error(rs, "password", "property is not defined in "
		    "schema and the schema does not allow additional "
		    "properties");
		ext_obj_free(&o);
		return;
	}
	old = ext_obj_str(&o, "groups");
	ext_apply(USER_SPEC, rq, rs, &o, 0, "userid groups");
	if (groups != NULL) {
		if (sim_param_bool(rq, "append", 0) && old && *old) {
			buf_adds(&now, old);
			buf_addc(&now, ',');
		}
		buf_adds(&now, groups);
		ext_obj_set_str(&o, "groups", buf_str(&now));
	}
	ext_doc_put_obj(s, "user", "", userid, &o);
	if (groups != NULL)
		sync_groups(s, userid, old, buf_str(&now));
	buf_free(&now);
	free(old);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

static int
acl_drop_cb(void *arg, const char *id, const char *json)
{
	void **a = arg;
	struct ext_obj o = { 0 };
	char *ugid;

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ugid = ext_obj_str(&o, "ugid");
	if (ugid != NULL && (!strcmp(ugid, a[1]) ||
	    (!strncmp(ugid, a[1], strlen(a[1])) &&
	    ugid[strlen(a[1])] == '!'))) {
		/* collect: deleting inside the listing is not safe */
		struct buf *b = a[2];

		buf_adds(b, id);
		buf_addc(b, '\n');
	}
	free(ugid);
	ext_obj_free(&o);
	return 0;
}

/* Delete the ACL entries of ugid (and of its tokens). */
static void
acl_drop(struct sim *s, const char *ugid)
{
	struct buf ids = { 0 };
	void *a[3] = { s, (void *)ugid, &ids };
	char *line, *save;

	sim_doc_list(s, "acl", "", acl_drop_cb, a);
	for (line = ids.p ? strtok_r(ids.p, "\n", &save) : NULL; line;
	    line = strtok_r(NULL, "\n", &save))
		sim_doc_delete(s, "acl", "", line);
	buf_free(&ids);
}

static int
ids_cb(void *arg, const char *id, const char *json)
{
	struct buf *b = arg;

	(void)json;
	buf_adds(b, id);
	buf_addc(b, '\n');
	return 0;
}

static void
user_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	struct ext_obj o;
	struct buf ids = { 0 };
	char *groups, *line, *save;

	(void)rq;
	if (user_load(s, userid, &o, rs) == -1)
		return;
	if (!strcmp(userid, "root@pam")) {
		sim_error(rs, 500, "delete user failed: cannot delete "
		    "'root@pam'");
		ext_obj_free(&o);
		return;
	}
	groups = ext_obj_str(&o, "groups");
	sync_groups(s, userid, groups, "");
	sim_doc_list(s, "token", userid, ids_cb, &ids);
	for (line = ids.p ? strtok_r(ids.p, "\n", &save) : NULL; line;
	    line = strtok_r(NULL, "\n", &save)) {
		sim_doc_delete(s, "token", userid, line);
		sim_doc_delete(s, "tokensecret", userid, line);
	}
	acl_drop(s, userid);
	sim_doc_delete(s, "passwd", "", userid);
	sim_doc_delete(s, "user", "", userid);
	sim_perm_invalidate(s);
	buf_free(&ids);
	free(groups);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

/* Users may manage their own tokens; others need User.Modify. */
static int
token_perm(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *userid)
{
	if (rq->user != NULL && rq->token == NULL &&
	    strcmp(rq->user, userid) == 0)
		return 0;
	return sim_check_perm(s, rq, "/access/groups", "User.Modify", rs);
}

static void
tokens_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	struct ext_obj o;
	struct jw w;

	if (token_perm(s, rq, rs, userid) == -1 ||
	    user_load(s, userid, &o, rs) == -1)
		return;
	ext_obj_free(&o);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "token", userid, token_item_cb, &w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

#define TOKEN_SPEC "comment:s expire:i privsep:b"

static void
token_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	const char *tokenid = sim_var(m, "tokenid");
	struct ext_obj u, o;
	struct jw w;
	int exists;

	if (token_perm(s, rq, rs, userid) == -1 ||
	    user_load(s, userid, &u, rs) == -1)
		return;
	exists = ext_doc_obj(s, "token", userid, tokenid, &o) == 0;
	if (!strcmp(rq->method, "POST")) {
		char uuid[37], full[256];
		struct ext_obj sec = { 0 };

		if (exists) {
			sim_error(rs, 500, "Token already exists.");
			goto out;
		}
		if (strlen(tokenid) < 2 || strspn(tokenid,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.-") != strlen(tokenid)) {
			sim_param_errorf(rs, "tokenid", "invalid format - "
			    "value does not match the regex pattern");
			goto out;
		}
		if (ext_check(TOKEN_SPEC, rq, rs, 1, "") == -1)
			goto out;
		memset(&o, 0, sizeof(o));
		ext_obj_set_int(&o, "privsep", 1);
		ext_obj_set_int(&o, "expire", ext_obj_int(&u, "expire", 0));
		ext_apply(TOKEN_SPEC, rq, rs, &o, 1, "");
		ext_obj_set_str(&o, "tokenid", tokenid);
		ext_doc_put_obj(s, "token", userid, tokenid, &o);
		sim_uuid(s, EXT_RNG_ACCESS, uuid);
		ext_obj_set_str(&sec, "value", uuid);
		ext_doc_put_obj(s, "tokensecret", userid, tokenid, &sec);
		ext_obj_free(&sec);
		sim_perm_invalidate(s);
		snprintf(full, sizeof(full), "%s!%s", userid, tokenid);
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		jw_kstr(&w, "full-tokenid", full);
		jw_key(&w, "info");
		ext_obj_write(&w, &o, "comment expire privsep");
		jw_kstr(&w, "value", uuid);
		jw_end(&w);
		sim_ok_end(rs, &w);
		goto out;
	}
	if (!exists) {
		sim_error(rs, 500, "no such token '%s' for user '%s'", tokenid,
		    userid);
		goto out;
	}
	if (!strcmp(rq->method, "GET")) {
		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &o, "comment expire privsep");
		sim_ok_end(rs, &w);
	} else if (!strcmp(rq->method, "PUT")) {
		if (ext_apply(TOKEN_SPEC, rq, rs, &o, 0, "") == -1)
			goto out;
		ext_doc_put_obj(s, "token", userid, tokenid, &o);
		sim_perm_invalidate(s);
		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &o, "comment expire privsep");
		sim_ok_end(rs, &w);
	} else {
		char full[256];

		sim_doc_delete(s, "token", userid, tokenid);
		sim_doc_delete(s, "tokensecret", userid, tokenid);
		snprintf(full, sizeof(full), "%s!%s", userid, tokenid);
		acl_drop(s, full);
		sim_perm_invalidate(s);
		sim_ok_null(rs);
	}
out:
	ext_obj_free(&o);
	ext_obj_free(&u);
}

/* Answer an array of the documents of kind, each written by fn (called
 * with w, or with arg when arg is not NULL, see access_list). */
static void
doc_array(struct sim *s, struct sim_resp *rs, const char *kind,
    sim_doc_fn fn, struct jw *w, void *arg)
{
	sim_ok_begin(rs, w);
	jw_arr(w);
	sim_doc_list(s, kind, "", fn, arg ? arg : w);
	jw_end(w);
	sim_ok_end(rs, w);
}

/* ------------------------------------------------------------------ */
/* Groups and roles: documents listed, created and read the same way   */

struct access_kind {
	const char *kind;	/* document kind: "group", "role" */
	const char *idkey;	/* "groupid", "roleid" */
	const char *list_keys;	/* keys of a listing row */
	const char *create_spec;	/* parameters of a create */
	const char *members;	/* the comma list: "users", "privs" */
	/* 0, or -1 with a 400 in rs for an id that is refused */
	int (*id_ok)(struct sim_resp *rs, const char *id);
};

static int
group_id_ok(struct sim_resp *rs, const char *gid)
{
	if (strspn(gid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != strlen(gid)) {
		sim_param_errorf(rs, "groupid", "invalid format - value does "
		    "not look like a valid group name");
		return -1;
	}
	return 0;
}

static int
role_id_ok(struct sim_resp *rs, const char *rid)
{
	if (!strncmp(rid, "PVE", 3)) {
		sim_param_errorf(rs, "roleid", "cannot use role ID starting "
		    "with 'PVE'");
		return -1;
	}
	return 0;
}

static const struct access_kind access_groups = { "group", "groupid",
	"groupid comment users", "groupid:s:r comment:s", "users",
	group_id_ok };
static const struct access_kind access_roles = { "role", "roleid",
	"roleid privs special", "roleid:s:r privs:s", "privs",
	role_id_ok };

struct access_list_ctx {
	struct jw *w;
	const struct access_kind *k;
};

static int
access_list_cb(void *arg, const char *id, const char *json)
{
	struct access_list_ctx *c = arg;
	struct ext_obj o = { 0 };

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_obj_set_str(&o, c->k->idkey, id);
	ext_obj_write(c->w, &o, c->k->list_keys);
	ext_obj_free(&o);
	return 0;
}

/* GET /access/groups and /access/roles. */
static void
access_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct access_list_ctx c;
	struct jw w;

	(void)m;
	c.w = &w;
	c.k = strncmp(rq->path, "/access/groups", 14) == 0 ? &access_groups :
	    &access_roles;
	doc_array(s, rs, c.k->kind, access_list_cb, &w, &c);
}

/* The id of a create request when its parameters pass and no document
 * has it yet; else NULL with the error in rs. */
static const char *
access_create_id(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct access_kind *k)
{
	const char *id = sim_param(rq, k->idkey);
	char *doc;

	if (ext_check(k->create_spec, rq, rs, 1, "") == -1 ||
	    k->id_ok(rs, id) == -1)
		return NULL;
	if ((doc = sim_doc_get(s, k->kind, "", id)) != NULL) {
		free(doc);
		sim_error(rs, 500, "create %s failed: %s '%s' already exists",
		    k->kind, k->kind, id);
		return NULL;
	}
	return id;
}

/* Store a created object, answer null. */
static void
access_create_put(struct sim *s, struct sim_resp *rs,
    const struct access_kind *k, const char *id, struct ext_obj *o)
{
	ext_doc_put_obj(s, k->kind, "", id, o);
	ext_obj_free(o);
	sim_ok_null(rs);
}

/* Read the document of an item request (its id in *id, the copy of its
 * members list in *members, caller frees); -1 with the 500 in rs. */
static int
access_item_load(struct sim *s, const struct sim_match *m,
    struct sim_resp *rs, const struct access_kind *k, const char **id,
    struct ext_obj *o, char **members)
{
	*id = sim_var(m, k->idkey);
	if (ext_doc_obj(s, k->kind, "", *id, o) == -1) {
		sim_error(rs, 500, "%s '%s' does not exist", k->kind, *id);
		return -1;
	}
	*members = ext_obj_str(o, k->members);
	return 0;
}

static void
group_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *gid;
	struct ext_obj o = { 0 };

	(void)m;
	if ((gid = access_create_id(s, rq, rs, &access_groups)) == NULL)
		return;
	ext_obj_set_str(&o, "groupid", gid);
	if (sim_param(rq, "comment"))
		ext_obj_set_str(&o, "comment", sim_param(rq, "comment"));
	ext_obj_set_str(&o, "users", "");
	access_create_put(s, rs, &access_groups, gid, &o);
}

static void
group_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *gid;
	struct ext_obj o;
	struct jw w;
	char *users, *tok, *save;

	if (access_item_load(s, m, rs, &access_groups, &gid, &o, &users) == -1)
		return;
	if (!strcmp(rq->method, "GET")) {
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		if (ext_obj_raw(&o, "comment")) {
			jw_key(&w, "comment");
			jw_raw(&w, ext_obj_raw(&o, "comment"),
			    strlen(ext_obj_raw(&o, "comment")));
		}
		jw_key(&w, "members");
		jw_arr(&w);
		for (tok = users ? strtok_r(users, ",", &save) : NULL; tok;
		    tok = strtok_r(NULL, ",", &save))
			jw_str(&w, tok);
		jw_end(&w);
		jw_end(&w);
		sim_ok_end(rs, &w);
	} else if (!strcmp(rq->method, "PUT")) {
		if (ext_apply("comment:s", rq, rs, &o, 0, "") == 0) {
			ext_doc_put_obj(s, "group", "", gid, &o);
			sim_ok_null(rs);
		}
	} else {
		for (tok = users ? strtok_r(users, ",", &save) : NULL; tok;
		    tok = strtok_r(NULL, ",", &save)) {
			struct ext_obj u;

			if (ext_doc_obj(s, "user", "", tok, &u) == 0) {
				char *g = ext_obj_str(&u, "groups");

				if (g != NULL) {
					csv_remove(g, gid);
					ext_obj_set_str(&u, "groups", g);
					ext_doc_put_obj(s, "user", "", tok, &u);
				}
				free(g);
				ext_obj_free(&u);
			}
		}
		acl_drop(s, gid);
		sim_doc_delete(s, "group", "", gid);
		sim_ok_null(rs);
	}
	free(users);
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* Roles                                                              */

static void
role_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *rid;
	struct ext_obj o = { 0 };
	struct buf privs = { 0 };

	(void)m;
	if ((rid = access_create_id(s, rq, rs, &access_roles)) == NULL)
		return;
	if (sim_param(rq, "privs") &&
	    priv_list(sim_param(rq, "privs"), &privs, rs) == -1)
		return;
	ext_obj_set_str(&o, "roleid", rid);
	ext_obj_set_str(&o, "privs", buf_str(&privs));
	ext_obj_set_int(&o, "special", 0);
	buf_free(&privs);
	access_create_put(s, rs, &access_roles, rid, &o);
}

static void
role_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *rid;
	struct ext_obj o;
	struct jw w;
	char *privs, *tok, *save;

	if (access_item_load(s, m, rs, &access_roles, &rid, &o, &privs) == -1)
		return;
	if (!strcmp(rq->method, "GET")) {
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		for (tok = privs ? strtok_r(privs, ",", &save) : NULL; tok;
		    tok = strtok_r(NULL, ",", &save))
			jw_kint(&w, tok, 1);
		jw_end(&w);
		sim_ok_end(rs, &w);
	} else if (ext_obj_int(&o, "special", 0)) {
		sim_error(rs, 500, "cannot %s built-in role '%s'",
		    strcmp(rq->method, "PUT") ? "delete" : "modify", rid);
	} else if (!strcmp(rq->method, "PUT")) {
		struct buf nb = { 0 };

		if (ext_check("privs:s append:b", rq, rs, 0, "") == 0) {
			if (sim_param_bool(rq, "append", 0) && privs)
				buf_adds(&nb, privs);
			if (priv_list(sim_param(rq, "privs") ?
			    sim_param(rq, "privs") : "", &nb, rs) == 0) {
				ext_obj_set_str(&o, "privs", buf_str(&nb));
				ext_doc_put_obj(s, "role", "", rid, &o);
				sim_ok_null(rs);
			}
		}
		buf_free(&nb);
	} else {
		sim_doc_delete(s, "role", "", rid);
		sim_ok_null(rs);
	}
	free(privs);
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* Realms                                                             */

/*
 * PVE's /access/domains (pve-access-control's PVE/API2/Domains.pm):
 * the schema is the union of every realm type's options; each type's
 * plugin takes only its own (check_config), a new realm needs its
 * type's required ones, and the errors come from inside the domain
 * lock with its prefix ("add auth server failed: ...").  The bind
 * password is kept apart (PVE: /etc/pve/priv/realm/REALM.pw) and never
 * served.  PVE itself does not refuse to delete pam or pve.
 */
static const struct ext_coll domain_coll = {
	"domain", "realm", "realm",
	"realm:s:k type:e(ad|ldap|openid|pam|pve):rc comment:s default:b "
	"tfa:s server1:s server2:s port:i base_dn:s user_attr:s bind_dn:s "
	"password:s:h mode:e(ldap|ldaps|ldap+starttls) secure:b verify:b "
	"sslversion:e(tlsv1|tlsv1_1|tlsv1_2|tlsv1_3) capath:s cert:s "
	"certkey:s domain:s issuer-url:s client-id:s client-key:s:h "
	"autocreate:b username-claim:s groups-claim:s groups-autocreate:b "
	"groups-overwrite:b prompt:s scopes:s acr-values:s query-userinfo:b "
	"case-sensitive:b filter:s sync_attributes:s sync-defaults-options:s "
	"user_classes:s group_dn:s group_name_attr:s group_filter:s "
	"group_classes:s check-connection:b:w",
	NULL, NULL, "domain '%s' does not exist",
	"add auth server failed: domain '%s' already exists", EXT_DIGEST_ITEM,
	NULL
};

/* PVE::Auth::*->options: what each type takes; "!" marks a required
 * option, "=" a fixed one. */
static const struct {
	const char *type, *opts;
} domain_types[] = {
	{ "ldap", "!server1 server2 !base_dn bind_dn password !user_attr port "
	  "secure sslversion default comment tfa verify capath cert certkey "
	  "filter sync_attributes user_classes group_dn group_name_attr "
	  "group_filter group_classes sync-defaults-options mode "
	  "case-sensitive" },
	{ "ad", "!server1 server2 !domain port secure sslversion default "
	  "comment tfa verify capath cert certkey base_dn bind_dn password "
	  "user_attr filter sync_attributes user_classes group_dn "
	  "group_name_attr group_filter group_classes sync-defaults-options "
	  "mode case-sensitive" },
	{ "openid", "!issuer-url !client-id client-key autocreate "
	  "=username-claim groups-claim groups-autocreate groups-overwrite "
	  "prompt scopes acr-values audiences default comment "
	  "query-userinfo" },
	{ "pam", "default comment tfa" },
	{ "pve", "default comment tfa" },
};

/* The option word of key in type's list ("!server1"), or NULL. */
static const char *
domain_opt(const char *type, const char *key, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(domain_types) / sizeof(domain_types[0]);
	    i++) {
		char tmp[1024], *tok, *save = NULL;

		if (strcmp(domain_types[i].type, type) != 0)
			continue;
		snprintf(tmp, sizeof(tmp), "%s", domain_types[i].opts);
		for (tok = strtok_r(tmp, " ", &save); tok;
		    tok = strtok_r(NULL, " ", &save))
			if (strcmp(tok + (*tok == '!' || *tok == '='),
			    key) == 0) {
				snprintf(buf, n, "%s", tok);
				return buf;
			}
	}
	return NULL;
}

/* The plugin's check of the parameters of a realm of type: -1 with
 * PVE's 500 (prefixed with what failed). */
static int
domain_check_config(const char *type, const struct sim_req *rq,
    struct sim_resp *rs, int create, const char *failed)
{
	char w[64];

	for (size_t i = 0; i < rq->params.n; i++) {
		const char *k = rq->params.v[i].key;

		if (!strcmp(k, "realm") || !strcmp(k, "type") ||
		    !strcmp(k, "digest") || !strcmp(k, "delete") ||
		    !strcmp(k, "check-connection") || !strcmp(k, "password"))
			continue;
		if (domain_opt(type, k, w, sizeof(w)) == NULL) {
			sim_error(rs, 500, "%s: unexpected property '%s'",
			    failed, k);
			return -1;
		}
		if (!create && w[0] == '=') {
			sim_error(rs, 500, "%s: can't change value of fixed "
			    "parameter '%s'", failed, k);
			return -1;
		}
	}
	if (create) {
		for (size_t i = 0; i < sizeof(domain_types) /
		    sizeof(domain_types[0]); i++) {
			char tmp[1024], *tok, *save = NULL;

			if (strcmp(domain_types[i].type, type) != 0)
				continue;
			snprintf(tmp, sizeof(tmp), "%s", domain_types[i].opts);
			for (tok = strtok_r(tmp, " ", &save); tok;
			    tok = strtok_r(NULL, " ", &save))
				if (*tok == '!' && sim_param(rq, tok + 1) ==
				    NULL) {
					sim_error(rs, 500, "%s: missing value "
					    "for required option '%s'", failed,
					    tok + 1);
					return -1;
				}
		}
	}
	if (sim_param(rq, "check-connection") != NULL &&
	    strcmp(type, "ldap") != 0 && strcmp(type, "ad") != 0) {
		sim_error(rs, 500, "%s: 'check-connection' parameter can only "
		    "be set for realms of type 'ldap' or 'ad'", failed);
		return -1;
	}
	return 0;
}

static int
domain_ids_cb(void *arg, const char *id, const char *json)
{
	struct buf *b = arg;

	(void)json;
	buf_adds(b, id);
	buf_addc(b, '\n');
	return 0;
}

/* One default realm: the others lose theirs. */
static void
domain_clear_default(struct sim *s, const char *keep)
{
	struct buf ids = { 0 };
	char *p, *nl;

	sim_doc_list(s, "domain", "", domain_ids_cb, &ids);
	for (p = ids.p; p && *p; p = nl + 1) {
		struct ext_obj o;

		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		if (strcmp(p, keep) == 0 ||
		    ext_doc_obj(s, "domain", "", p, &o) == -1)
			continue;
		if (ext_obj_raw(&o, "default") != NULL) {
			ext_obj_del(&o, "default");
			ext_doc_put_obj(s, "domain", "", p, &o);
		}
		ext_obj_free(&o);
	}
	buf_free(&ids);
}

static int
domain_realm_ok(const char *r)
{
	size_t n = strlen(r);

	return n >= 2 && n <= 32 && ((r[0] >= 'a' && r[0] <= 'z') ||
	    (r[0] >= 'A' && r[0] <= 'Z')) && strspn(r, "abcdefghijklmnopqrst"
	    "uvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static int
domain_list_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;
	struct ext_obj o = { 0 };

	(void)id;
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_obj_write(w, &o, "realm type comment tfa default");
	ext_obj_free(&o);
	return 0;
}

static void
domains_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	doc_array(s, rs, "domain", domain_list_cb, &w, NULL);
}

static void
domain_create(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	const char *realm = sim_param(rq, "realm");
	const char *type = sim_param(rq, "type");
	const char *f = "add auth server failed";
	struct ext_obj o = { 0 };
	char *doc;

	if (realm == NULL) {
		sim_param_error(rs, "realm", "property is missing and it is "
		    "not optional");
		return;
	}
	if (!domain_realm_ok(realm)) {
		sim_param_errorf(rs, "realm", "invalid format - value does "
		    "not look like a valid realm\n");
		return;
	}
	if (ext_check(domain_coll.spec, rq, rs, 1, "realm") == -1)
		return;
	if ((doc = sim_doc_get(s, "domain", "", realm)) != NULL) {
		free(doc);
		sim_error(rs, 500, "%s: domain '%s' already exists", f, realm);
		return;
	}
	if (!strcmp(realm, "pam") || !strcmp(realm, "pve")) {
		sim_error(rs, 500, "%s: unable to use reserved name '%s'", f,
		    realm);
		return;
	}
	if (!strcmp(type, "pam") || !strcmp(type, "pve")) {
		sim_error(rs, 500, "%s: unable to create builtin type '%s'", f,
		    type);
		return;
	}
	if (domain_check_config(type, rq, rs, 1, f) == -1)
		return;
	ext_obj_set_str(&o, "realm", realm);
	if (ext_apply(domain_coll.spec, rq, rs, &o, 1, "realm") == 0) {
		if (ext_obj_int(&o, "default", 0))
			domain_clear_default(s, realm);
		ext_doc_put_obj(s, "domain", "", realm, &o);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

static void
domain_update(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const char *realm)
{
	const char *f = "update auth server failed";
	struct ext_obj o;
	char digest[41], *type = NULL;
	size_t i, n = 0;

	if (ext_check(domain_coll.spec, rq, rs, 0, "realm digest") == -1)
		return;
	ext_kind_digest(s, "domain", "", digest);
	if (sim_param(rq, "digest") != NULL &&
	    strcmp(sim_param(rq, "digest"), digest) != 0) {
		sim_error(rs, 500, "%s: detected modified configuration - file "
		    "changed by other user? Try again.", f);
		return;
	}
	if (ext_doc_obj(s, "domain", "", realm, &o) == -1) {
		sim_error(rs, 500, "%s: domain '%s' does not exist", f, realm);
		return;
	}
	for (i = 0; i < rq->params.n; i++)
		if (strcmp(rq->params.v[i].key, "digest") != 0 &&
		    strcmp(rq->params.v[i].key, "realm") != 0)
			n++;
	if (n == 0) {
		sim_error(rs, 500, "%s: no options specified", f);
		goto out;
	}
	type = ext_obj_str(&o, "type");
	if (domain_check_config(type ? type : "", rq, rs, 0, f) == -1)
		goto out;
	if (ext_apply(domain_coll.spec, rq, rs, &o, 0, "realm digest") == 0) {
		if (sim_param(rq, "default") != NULL &&
		    ext_obj_int(&o, "default", 0))
			domain_clear_default(s, realm);
		ext_doc_put_obj(s, "domain", "", realm, &o);
		sim_ok_null(rs);
	}
out:
	free(type);
	ext_obj_free(&o);
}

static void
domain_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *realm = sim_var(m, "realm");
	char *doc;

	if (!strcmp(rq->method, "GET"))
		ext_coll_get(s, rs, &domain_coll, "", realm);
	else if (!strcmp(rq->method, "PUT"))
		domain_update(s, rq, rs, realm);
	else if (!strcmp(rq->method, "POST"))
		domain_create(s, rq, rs);
	else if ((doc = sim_doc_get(s, "domain", "", realm)) == NULL)
		sim_error(rs, 500, "delete auth server failed: authentication "
		    "domain '%s' does not exist", realm);
	else {
		free(doc);
		sim_doc_delete(s, "domain", "", realm);
		sim_ok_null(rs);
	}
}

/* ------------------------------------------------------------------ */
/* ACLs                                                               */

static int
acl_list_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;

	(void)id;
	jw_raw(w, json, strlen(json));
	return 0;
}

static void
acl_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	doc_array(s, rs, "acl", acl_list_cb, &w, NULL);
}

static int
acl_path_ok(const char *p)
{
	static const char *roots[] = { "/", "/access", "/vms", "/storage",
	    "/pool", "/nodes", "/sdn", "/mapping" };
	size_t i;

	if (*p != '/')
		return 0;
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		size_t n = strlen(roots[i]);

		if (!strcmp(p, "/") || (!strncmp(p, roots[i], n) && n > 1 &&
		    (p[n] == 0 || p[n] == '/')))
			return 1;
	}
	return 0;
}

/* Apply one ACL change for each role and each ugid of list. */
static int
acl_apply(struct sim *s, struct sim_resp *rs, const char *path,
    const char *roles, const char *list, const char *type, int propagate,
    int del)
{
	char lt[2048], *u, *su;

	snprintf(lt, sizeof(lt), "%s", list);
	for (u = strtok_r(lt, ", ;", &su); u; u = strtok_r(NULL, ", ;", &su)) {
		char rt[1024], *r, *sr, *doc;
		const char *kind = !strcmp(type, "group") ? "group" : "user";
		char owner[256];

		snprintf(owner, sizeof(owner), "%s", u);
		if (!strcmp(type, "token")) {
			char *bang = strchr(owner, '!');

			if (bang == NULL) {
				sim_param_errorf(rs, "tokens", "invalid format "
				    "- value '%s' does not look like a valid "
				    "token ID", u);
				return -1;
			}
			*bang = 0;
			doc = sim_doc_get(s, "token", owner, bang + 1);
		} else
			doc = sim_doc_get(s, kind, "", owner);
		if (doc == NULL && !del) {
			sim_error(rs, 500, "%s '%s' does not exist", type, u);
			return -1;
		}
		free(doc);
		snprintf(rt, sizeof(rt), "%s", roles);
		for (r = strtok_r(rt, ", ;", &sr); r;
		    r = strtok_r(NULL, ", ;", &sr)) {
			char id[1024];
			struct ext_obj o = { 0 };

			if ((doc = sim_doc_get(s, "role", "", r)) == NULL) {
				sim_param_errorf(rs, "roles", "role '%s' does "
				    "not exist", r);
				return -1;
			}
			free(doc);
			snprintf(id, sizeof(id), "%s|%s|%s|%s", path, type, u,
			    r);
			if (del) {
				sim_doc_delete(s, "acl", "", id);
				continue;
			}
			ext_obj_set_str(&o, "path", path);
			ext_obj_set_str(&o, "type", type);
			ext_obj_set_str(&o, "ugid", u);
			ext_obj_set_str(&o, "roleid", r);
			ext_obj_set_int(&o, "propagate", propagate);
			ext_doc_put_obj(s, "acl", "", id, &o);
			ext_obj_free(&o);
		}
	}
	return 0;
}

static void
acl_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *path = sim_param(rq, "path");
	const char *roles = sim_param(rq, "roles");
	int propagate = sim_param_bool(rq, "propagate", 1);
	int del = sim_param_bool(rq, "delete", 0);
	char canon[512];
	size_t n;

	(void)m;
	if (ext_check("path:s:r roles:s:r users:s groups:s tokens:s "
	    "propagate:b delete:b", rq, rs, 1, "") == -1)
		return;
	snprintf(canon, sizeof(canon), "%s", path);
	n = strlen(canon);
	while (n > 1 && canon[n - 1] == '/')
		canon[--n] = 0;
	if (!acl_path_ok(canon)) {
		sim_param_errorf(rs, "path", "invalid ACL path '%s'", path);
		return;
	}
	if (sim_check_perm(s, rq, canon, "Permissions.Modify", rs) == -1)
		return;
	if (sim_param(rq, "users") == NULL && sim_param(rq, "groups") == NULL
	    && sim_param(rq, "tokens") == NULL) {
		sim_error(rs, 500, "either 'users', 'groups' or 'tokens' is "
		    "required.");
		return;
	}
	if ((sim_param(rq, "users") && acl_apply(s, rs, canon, roles,
	    sim_param(rq, "users"), "user", propagate, del) == -1) ||
	    (sim_param(rq, "groups") && acl_apply(s, rs, canon, roles,
	    sim_param(rq, "groups"), "group", propagate, del) == -1) ||
	    (sim_param(rq, "tokens") && acl_apply(s, rs, canon, roles,
	    sim_param(rq, "tokens"), "token", propagate, del) == -1))
		return;
	sim_perm_invalidate(s);
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */

const struct sim_route sim_routes_access[] = {
	{ "GET", "/access/acl", acl_get, NULL, NULL, 0 },
	{ "PUT", "/access/acl", acl_put, NULL, NULL, 0 },
	{ "GET", "/access/users", users_list, NULL, NULL, 0 },
	{ "POST", "/access/users", user_create, "/access/groups",
	    "User.Modify", 0 },
	{ "GET", "/access/users/{userid}", user_get, "/access/groups",
	    "User.Modify|Sys.Audit", 0 },
	{ "PUT", "/access/users/{userid}", user_update, "/access/groups",
	    "User.Modify", 0 },
	{ "DELETE", "/access/users/{userid}", user_delete, "/access/groups",
	    "User.Modify", 0 },
	{ "GET", "/access/users/{userid}/token", tokens_list, NULL, NULL, 0 },
	{ "GET", "/access/users/{userid}/token/{tokenid}", token_item, NULL,
	    NULL, 0 },
	{ "POST", "/access/users/{userid}/token/{tokenid}", token_item, NULL,
	    NULL, 0 },
	{ "PUT", "/access/users/{userid}/token/{tokenid}", token_item, NULL,
	    NULL, 0 },
	{ "DELETE", "/access/users/{userid}/token/{tokenid}", token_item,
	    NULL, NULL, 0 },
	{ "GET", "/access/groups", access_list, NULL, NULL, 0 },
	{ "POST", "/access/groups", group_create, "/access/groups",
	    "Group.Allocate", 0 },
	{ "GET", "/access/groups/{groupid}", group_item, "/access/groups",
	    "Sys.Audit|Group.Allocate", 0 },
	{ "PUT", "/access/groups/{groupid}", group_item, "/access/groups",
	    "Group.Allocate", 0 },
	{ "DELETE", "/access/groups/{groupid}", group_item, "/access/groups",
	    "Group.Allocate", 0 },
	{ "GET", "/access/roles", access_list, NULL, NULL, 0 },
	{ "POST", "/access/roles", role_create, "/access", "Sys.Modify", 0 },
	{ "GET", "/access/roles/{roleid}", role_item, NULL, NULL, 0 },
	{ "PUT", "/access/roles/{roleid}", role_item, "/access",
	    "Sys.Modify", 0 },
	{ "DELETE", "/access/roles/{roleid}", role_item, "/access",
	    "Sys.Modify", 0 },
	{ "GET", "/access/domains", domains_list, NULL, NULL,
	    SIM_ROUTE_NOAUTH },
	{ "POST", "/access/domains", domain_item, "/access/realm",
	    "Realm.Allocate", 0 },
	{ "GET", "/access/domains/{realm}", domain_item, "/access/realm",
	    "Realm.Allocate|Sys.Audit", 0 },
	{ "PUT", "/access/domains/{realm}", domain_item, "/access/realm",
	    "Realm.Allocate", 0 },
	{ "DELETE", "/access/domains/{realm}", domain_item, "/access/realm",
	    "Realm.Allocate", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
