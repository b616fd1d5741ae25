/*
 * access_tfa.c -- pxsim's /access/password, /access/tfa (second factors:
 * TOTP and recovery keys, kept as documents "tfa", parent the userid)
 * and /access/domains/{realm}/sync (a task on the first node: an LDAP or
 * AD realm only; pxsim has no directory, so the sync finds nothing new).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static int
user_exists(struct sim *s, const char *userid)
{
	char *doc = userid ? sim_doc_get(s, "user", "", userid) : NULL;

	free(doc);
	return doc != NULL;
}

/* PVE's check: oneself, or User.Modify on /access/groups (priv). */
static int
self_or(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *userid, const char *priv)
{
	if (rq->user != NULL && rq->token == NULL &&
	    strcmp(rq->user, userid) == 0)
		return 0;
	return sim_check_perm(s, rq, "/access/groups", priv, rs);
}

/*
 * PVE's re-authentication for changing a password or a second factor
 * (reauth_user_for_user_modification): root@pam may; anyone else must
 * give their own password in param, which a token cannot (its authid
 * is no user name); nobody but root@pam changes root@pam.
 */
static int
reauth(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const char *userid, const char *param)
{
	const char *pw = sim_param(rq, param);
	struct ext_obj p;
	char *have;
	int good;

	if (rq->authid != NULL && strcmp(rq->authid, "root@pam") == 0)
		return 0;
	if (strcmp(userid, "root@pam") == 0) {
		sim_error(rs, 403, "Permission check failed");
		return -1;
	}
	if (pw == NULL) {
		sim_param_error(rs, param, "password is required to modify "
		    "user");
		return -1;
	}
	if (rq->token != NULL) {
		sim_error(rs, 500, "value '%s' does not look like a valid "
		    "user name", rq->authid);
		return -1;
	}
	if (ext_doc_obj(s, "passwd", "", rq->user, &p) == -1) {
		sim_error(rs, 500, "authentication failure");
		return -1;
	}
	have = ext_obj_str(&p, "password");
	good = have != NULL && strcmp(have, pw) == 0;
	free(have);
	ext_obj_free(&p);
	if (!good) {
		sim_error(rs, 500, "authentication failure");
		return -1;
	}
	return 0;
}

static void
password_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_param(rq, "userid");
	const char *pw = sim_param(rq, "password");
	struct ext_obj p = { 0 };

	(void)m;
	if (ext_check("userid:s:r password:s:r confirmation-password:s",
	    rq, rs, 1, "") == -1)
		return;
	if (strlen(pw) < 8 || strlen(pw) > 64) {
		sim_param_error(rs, "password", strlen(pw) < 8 ? "value must "
		    "be at least 8 characters long" : "value may only be 64 "
		    "characters long");
		return;
	}
	if (self_or(s, rq, rs, userid, "User.Modify") == -1)
		return;
	if (!user_exists(s, userid)) {
		sim_error(rs, 500, "no such user ('%s')", userid);
		return;
	}
	if (reauth(s, rq, rs, userid, "confirmation-password") == -1)
		return;
	ext_obj_set_str(&p, "password", pw);
	ext_doc_put_obj(s, "passwd", "", userid, &p);
	ext_obj_free(&p);
	sim_perm_invalidate(s);
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */
/* TFA                                                                */

static int
entry_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;
	struct ext_obj o = { 0 };

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_obj_set_str(&o, "id", id);
	ext_obj_write(w, &o, "id type description created enable");
	ext_obj_free(&o);
	return 0;
}

struct tfa_list {
	struct sim *s;
	struct sim_req *rq;
	struct jw *w;
};

static int
has_entry_cb(void *arg, const char *id, const char *json)
{
	(void)id;
	(void)json;
	*(int *)arg = 1;
	return 1;
}

static int
tfa_user_cb(void *arg, const char *id, const char *json)
{
	struct tfa_list *l = arg;
	int any = 0;

	(void)json;
	if (!(l->rq->user != NULL && strcmp(l->rq->user, id) == 0) &&
	    !sim_authid_has_priv(l->s, l->rq->authid, "/access/groups",
	    "Sys.Audit") && !sim_authid_has_priv(l->s, l->rq->authid,
	    "/access/groups", "User.Modify"))
		return 0;
	sim_doc_list(l->s, "tfa", id, has_entry_cb, &any);
	if (!any)
		return 0;
	jw_obj(l->w);
	jw_kstr(l->w, "userid", id);
	jw_key(l->w, "entries");
	jw_arr(l->w);
	sim_doc_list(l->s, "tfa", id, entry_cb, l->w);
	jw_end(l->w);
	jw_end(l->w);
	return 0;
}

static void
tfa_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	struct tfa_list l = { s, rq, &w };

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "user", "", tfa_user_cb, &l);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
tfa_user(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid");
	struct jw w;

	if (!strcmp(rq->method, "GET")) {
		if (self_or(s, rq, rs, userid, "User.Modify|Sys.Audit") == -1)
			return;
		if (!user_exists(s, userid)) {
			sim_error(rs, 500, "no such user ('%s')", userid);
			return;
		}
		sim_ok_begin(rs, &w);
		jw_arr(&w);
		sim_doc_list(s, "tfa", userid, entry_cb, &w);
		jw_end(&w);
		sim_ok_end(rs, &w);
		return;
	}
	/* POST: add a totp entry or recovery keys */
	if (ext_check("type:e(totp|u2f|webauthn|recovery|yubico):r "
	    "description:s totp:s value:s challenge:s password:s", rq, rs, 1,
	    "userid") == -1 ||
	    self_or(s, rq, rs, userid, "User.Modify") == -1)
		return;
	if (!user_exists(s, userid)) {
		sim_error(rs, 500, "no such user ('%s')", userid);
		return;
	} else {
		const char *type = sim_param(rq, "type");
		struct ext_obj o = { 0 };
		char uuid[37];

		if (!strcmp(type, "totp") && (sim_param(rq, "totp") == NULL ||
		    sim_param(rq, "value") == NULL)) {
			sim_error(rs, 400, "parameter verification failed - "
			    "'totp' and 'value' are required for totp");
			return;
		}
		if (strcmp(type, "totp") && strcmp(type, "recovery")) {
			sim_error(rs, 500, "pxsim: %s entries need a browser",
			    type);
			return;
		}
		sim_uuid(s, EXT_RNG_ACCESS, uuid);
		ext_obj_set_str(&o, "type", type);
		ext_obj_set_str(&o, "description", sim_param(rq,
		    "description") ? sim_param(rq, "description") : "");
		ext_obj_set_int(&o, "created", (long long)sim_now(s));
		ext_obj_set_int(&o, "enable", 1);
		ext_doc_put_obj(s, "tfa", userid, uuid, &o);
		ext_obj_free(&o);
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		jw_kstr(&w, "id", uuid);
		if (!strcmp(type, "recovery")) {
			jw_key(&w, "recovery");
			jw_arr(&w);
			for (int i = 0; i < 4; i++) {
				char k[37];

				sim_uuid(s, EXT_RNG_ACCESS, k);
				jw_str(&w, k);
			}
			jw_end(&w);
		}
		jw_end(&w);
		sim_ok_end(rs, &w);
	}
}

static void
tfa_entry(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *userid = sim_var(m, "userid"), *id = sim_var(m, "id");
	int get = !strcmp(rq->method, "GET");
	struct ext_obj o;
	struct jw w;

	if (self_or(s, rq, rs, userid, get ? "User.Modify|Sys.Audit" :
	    "User.Modify") == -1)
		return;
	if (ext_doc_obj(s, "tfa", userid, id, &o) == -1) {
		sim_error(rs, 500, "no such tfa entry '%s'", id);
		return;
	}
	if (get) {
		ext_obj_set_str(&o, "id", id);
		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &o, "id type description created enable");
		sim_ok_end(rs, &w);
	} else if (!strcmp(rq->method, "PUT")) {
		if (reauth(s, rq, rs, userid, "password") == 0 &&
		    ext_apply("description:s enable:b password:s:w", rq, rs,
		    &o, 0, "userid id") == 0) {
			ext_doc_put_obj(s, "tfa", userid, id, &o);
			sim_ok_null(rs);
		}
	} else if (ext_check("password:s", rq, rs, 0, "userid id") == 0 &&
	    reauth(s, rq, rs, userid, "password") == 0) {
		sim_doc_delete(s, "tfa", userid, id);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* Realm sync                                                         */

static void
domain_sync(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *realm = sim_var(m, "realm");
	struct ext_obj o;
	struct sim_task *t;
	char *type;
	int dry;

	if (ext_check("dry-run:b enable-new:b full:b purge:b "
	    "remove-vanished:s scope:e(users|groups|both)", rq, rs, 1,
	    "realm") == -1)
		return;
	if (sim_check_perm(s, rq, "/access/groups", "User.Modify", rs) == -1)
		return;
	if (ext_doc_obj(s, "domain", "", realm, &o) == -1) {
		sim_error(rs, 500, "domain '%s' does not exist", realm);
		return;
	}
	type = ext_obj_str(&o, "type");
	ext_obj_free(&o);
	if (type == NULL || (strcmp(type, "ldap") && strcmp(type, "ad"))) {
		sim_error(rs, 400, "Cannot sync realm type '%s'! Only LDAP "
		    "and AD realms can be synced.", type ? type : "");
		free(type);
		return;
	}
	free(type);
	if (sim_param(rq, "scope") == NULL) {
		sim_param_error(rs, "scope", "parameter is missing and no "
		    "default in the realm config");
		return;
	}
	dry = sim_param_bool(rq, "dry-run", 0);
	t = sim_task_start(s, s->nodes[0].name, "auth-realm-sync", realm,
	    rq->authid, -1, NULL, NULL);
	sim_task_log(t, "starting sync for realm %s", realm);
	sim_task_log(t, "got data from server, updating %s",
	    sim_param(rq, "scope"));
	sim_task_log(t, "%ssuccessfully synced", dry ? "(dry run) " : "");
	sim_upid_response(rs, t->upid);
}

const struct sim_route sim_routes_access_tfa[] = {
	{ "PUT", "/access/password", password_put, NULL, NULL, 0 },
	{ "GET", "/access/tfa", tfa_list, NULL, NULL, 0 },
	{ "GET", "/access/tfa/{userid}", tfa_user, NULL, NULL, 0 },
	{ "POST", "/access/tfa/{userid}", tfa_user, NULL, NULL, 0 },
	{ "GET", "/access/tfa/{userid}/{id}", tfa_entry, NULL, NULL, 0 },
	{ "PUT", "/access/tfa/{userid}/{id}", tfa_entry, NULL, NULL, 0 },
	{ "DELETE", "/access/tfa/{userid}/{id}", tfa_entry, NULL, NULL, 0 },
	{ "POST", "/access/domains/{realm}/sync", domain_sync,
	    "/access/realm/{realm}", "Realm.AllocateUser", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
