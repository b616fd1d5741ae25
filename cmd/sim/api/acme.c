/*
 * acme.c -- /cluster/acme: ACME accounts (root@pam only; registering,
 * updating and deactivating one is a task on the node asked, as in PVE),
 * challenge plugins (a section-config collection), the known
 * directories, a CA's terms of service, the plugins' schema; and
 * /nodes/{node}/config, where a node names its ACME account and domains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define LE_PROD "https://acme-v02.api.letsencrypt.org/directory"
#define LE_STAGING "https://acme-staging-v02.api.letsencrypt.org/directory"
#define LE_TOS "https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf"

/* Accounts: PVE's check for methods without permissions. */
static int
root_only(const struct sim_req *rq, struct sim_resp *rs)
{
	if (rq->user != NULL && strcmp(rq->user, "root@pam") == 0)
		return 0;
	sim_error(rs, 403, "Permission check failed (user != root@pam)");
	return -1;
}

static int
url_ok(struct sim_resp *rs, const char *param, const char *v)
{
	if (v == NULL || strncmp(v, "https://", 8) == 0 ||
	    strncmp(v, "http://", 7) == 0)
		return 0;
	sim_param_errorf(rs, param, "value does not match the regex pattern");
	return -1;
}

static int
name_ok(struct sim_resp *rs, const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (n >= 2 && ((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' &&
	    v[0] <= 'Z')) && strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n)
		return 0;
	sim_param_errorf(rs, "name", "invalid format - invalid configuration "
	    "ID '%s'", v ? v : "");
	return -1;
}

/* An account as PVE serves it: the CA's object, directory, location,
 * tos. */
static void
account_obj(struct ext_obj *o, const char *name, const char *contact,
    const char *directory, const char *tos)
{
	struct buf b = { 0 };
	struct jw w;
	char *c = strdup(contact ? contact : ""), *tok, *save;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "contact");
	jw_arr(&w);
	for (tok = strtok_r(c, ",; ", &save); tok;
	    tok = strtok_r(NULL, ",; ", &save)) {
		char m[320];

		snprintf(m, sizeof(m), "mailto:%s", tok);
		jw_str(&w, m);
	}
	jw_end(&w);
	jw_kstr(&w, "status", "valid");
	jw_kstr(&w, "createdAt", "2026-11-01T10:00:00Z");
	jw_end(&w);
	ext_obj_set_raw(o, "account", b.p);
	ext_obj_set_str(o, "directory", directory);
	buf_reset(&b);
	buf_printf(&b, "%s/acct/%u", strstr(directory, "staging") ?
	    "https://acme-staging-v02.api.letsencrypt.org" :
	    "https://acme-v02.api.letsencrypt.org", 100000u +
	    (unsigned)strlen(name) * 7919u);
	ext_obj_set_str(o, "location", b.p);
	if (tos)
		ext_obj_set_str(o, "tos", tos);
	buf_free(&b);
	free(c);
}

struct acct_job {
	char name[64];
	char *json;	/* the account to store; NULL: delete it */
};

static void
acct_finish(struct sim *s, struct sim_task *t)
{
	struct acct_job *j = t->arg;

	if (j->json != NULL) {
		sim_doc_put(s, "acmeaccount", "", j->name, j->json);
		sim_task_log(t, "Registration successful, account URL: ...");
	} else {
		sim_doc_delete(s, "acmeaccount", "", j->name);
		sim_task_log(t, "Deactivated the account");
	}
}

static void
acct_free(void *p)
{
	struct acct_job *j = p;

	free(j->json);
	free(j);
}

static void
acct_task(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const char *type, const char *name, char *json)
{
	struct acct_job *j = calloc(1, sizeof(*j));
	struct sim_task *t;

	snprintf(j->name, sizeof(j->name), "%s", name);
	j->json = json;
	t = sim_task_start(s, s->nodes[0].name, type, name, rq->authid, -1,
	    NULL, NULL);
	/* the state changes when the task ends (set before it can) */
	t->arg = j;
	t->arg_free = acct_free;
	t->on_finish = acct_finish;
	if (!t->running) {
		acct_finish(s, t);
		t->on_finish = NULL;
	}
	sim_upid_response(rs, t->upid);
}

static int
acct_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;

	(void)json;
	jw_obj(w);
	jw_kstr(w, "name", id);
	jw_end(w);
	return 0;
}

static void
acct_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "acmeaccount", "", acct_cb, &w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
acct_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *name = sim_param(rq, "name"), *dir, *contact;
	struct ext_obj o = { 0 };
	char *doc;

	(void)m;
	if (root_only(rq, rs) == -1 || ext_check("name:s contact:s:r "
	    "directory:s tos_url:s eab-kid:s eab-hmac-key:s", rq, rs, 1,
	    NULL) == -1)
		return;
	if (name == NULL)
		name = "default";
	dir = sim_param(rq, "directory");
	if (dir == NULL)
		dir = LE_PROD;
	contact = sim_param(rq, "contact");
	if (name_ok(rs, name) == -1 || url_ok(rs, "directory", dir) == -1)
		return;
	if ((sim_param(rq, "eab-kid") == NULL) !=
	    (sim_param(rq, "eab-hmac-key") == NULL)) {
		sim_param_errorf(rs, sim_param(rq, "eab-kid") ? "eab-hmac-key" :
		    "eab-kid", "parameter is missing");
		return;
	}
	if (strchr(contact, '@') == NULL) {
		sim_param_errorf(rs, "contact", "value '%s' does not look like "
		    "a valid email address", contact);
		return;
	}
	if ((doc = sim_doc_get(s, "acmeaccount", "", name)) != NULL) {
		free(doc);
		sim_error(rs, 500, "ACME account config file '%s' already "
		    "exists.", name);
		return;
	}
	if (sim_param(rq, "tos_url") == NULL && (!strcmp(dir, LE_PROD) ||
	    !strcmp(dir, LE_STAGING))) {
		/* PVE registers only once the terms are agreed to */
		sim_error(rs, 500, "No ToS URL given - ACME server requires "
		    "ToS agreement");
		return;
	}
	account_obj(&o, name, contact, dir, sim_param(rq, "tos_url"));
	acct_task(s, rq, rs, "acmeregister", name, ext_obj_json(&o));
	ext_obj_free(&o);
}

static void
acct_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *name = sim_var(m, "name");
	struct ext_obj o;
	struct jw w;

	if (root_only(rq, rs) == -1)
		return;
	if (ext_doc_obj(s, "acmeaccount", "", name, &o) == -1) {
		sim_error(rs, 500, "ACME account config file '%s' does not "
		    "exist.", name);
		return;
	}
	if (!strcmp(rq->method, "GET")) {
		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &o, NULL);
		sim_ok_end(rs, &w);
	} else if (!strcmp(rq->method, "PUT")) {
		const char *contact = sim_param(rq, "contact");
		char *dir = ext_obj_str(&o, "directory");
		char *tos = ext_obj_str(&o, "tos");

		if (ext_check("contact:s", rq, rs, 0, "name") == 0) {
			if (contact != NULL)
				account_obj(&o, name, contact, dir, tos);
			acct_task(s, rq, rs, "acmeupdate", name,
			    ext_obj_json(&o));
		}
		free(dir);
		free(tos);
	} else
		acct_task(s, rq, rs, "acmedeactivate", name, NULL);
	ext_obj_free(&o);
}

/* Plugins: PVE's section config, "plugin" the id. */
static const struct ext_coll plugin_coll = {
	"acmeplugin", "id", "plugin",
	"type:e(dns|standalone):rc api:s data:s disable:b nodes:s "
	"validation-delay:i", NULL, NULL,
	"ACME plugin '%s' not defined", "ACME plugin ID '%s' already exists",
	EXT_DIGEST_BOTH, NULL
};

EXT_COLL_HANDLERS(plugin, plugin_coll)

static void
acme_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "plugins account tos meta directories "
	    "challenge-schema");
}

static void
acme_directories(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "Let's Encrypt V2");
	jw_kstr(&w, "url", LE_PROD);
	jw_end(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "Let's Encrypt V2 Staging");
	jw_kstr(&w, "url", LE_STAGING);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
acme_tos(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *dir = sim_param(rq, "directory");
	struct jw w;

	(void)s;
	(void)m;
	if (ext_check("directory:s", rq, rs, 1, NULL) == -1 ||
	    url_ok(rs, "directory", dir) == -1)
		return;
	if (dir != NULL && strcmp(dir, LE_PROD) && strcmp(dir, LE_STAGING)) {
		sim_error(rs, 500, "Failed to get ACME directory %s: 404 Not "
		    "Found", dir);
		return;
	}
	sim_ok_begin(rs, &w);
	jw_str(&w, LE_TOS);
	sim_ok_end(rs, &w);
}

static void
acme_schema(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	static const char *const apis[][3] = {
		{ "cf", "Cloudflare Managed DNS", "CF_Token CF_Account_ID "
		    "CF_Zone_ID" },
		{ "aws", "Amazon Route53 (AWS)", "AWS_ACCESS_KEY_ID "
		    "AWS_SECRET_ACCESS_KEY" },
		{ "ovh", "OVH", "OVH_AK OVH_AS OVH_CK OVH_END_POINT" },
		{ "hetzner", "Hetzner", "HETZNER_Token" },
	};
	struct jw w;
	char tmp[128], *tok, *save;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (size_t i = 0; i < sizeof(apis) / sizeof(apis[0]); i++) {
		jw_obj(&w);
		jw_kstr(&w, "id", apis[i][0]);
		jw_kstr(&w, "name", apis[i][1]);
		jw_kstr(&w, "type", "dns");
		jw_key(&w, "schema");
		jw_obj(&w);
		jw_key(&w, "fields");
		jw_obj(&w);
		snprintf(tmp, sizeof(tmp), "%s", apis[i][2]);
		for (tok = strtok_r(tmp, " ", &save); tok;
		    tok = strtok_r(NULL, " ", &save)) {
			jw_key(&w, tok);
			jw_obj(&w);
			jw_kstr(&w, "type", "string");
			jw_end(&w);
		}
		jw_end(&w);
		jw_kstr(&w, "name", apis[i][1]);
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* /nodes/{node}/config: the node's ACME settings, description, WoL. */
#define NODECONF_SPEC "acme:s acmedomain[n]:s description:s wakeonlan:s " \
	"startall-onboot-delay:i ballooning-target:i"

static void
node_config(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct ext_obj o = { 0 };
	char digest[41];
	struct jw w;

	if (ext_doc_obj(s, "nodeconfig", "", node, &o) == -1)
		memset(&o, 0, sizeof(o));
	{
		char *js = ext_obj_json(&o);

		ext_digest(js, strlen(js), digest);
		free(js);
	}
	if (!strcmp(rq->method, "GET")) {
		const char *prop = sim_param(rq, "property");

		if (ext_check("property:s", rq, rs, 1, "node") == -1)
			goto out;
		sim_ok_begin(rs, &w);
		if (prop != NULL) {
			const char *raw = ext_obj_raw(&o, prop);

			jw_obj(&w);
			if (raw != NULL) {
				jw_key(&w, prop);
				jw_raw(&w, raw, strlen(raw));
			}
			jw_end(&w);
		} else {
			ext_obj_set_str(&o, "digest", digest);
			ext_obj_write(&w, &o, NULL);
		}
		sim_ok_end(rs, &w);
		goto out;
	}
	if (ext_digest_check(rq, rs, digest) == -1 ||
	    ext_apply(NODECONF_SPEC, rq, rs, &o, 0, "node digest") == -1)
		goto out;
	ext_doc_put_obj(s, "nodeconfig", "", node, &o);
	sim_ok_null(rs);
out:
	ext_obj_free(&o);
}

const struct sim_route sim_routes_acme[] = {
	{ "GET", "/cluster/acme", acme_index, NULL, NULL, 0 },
	{ "GET", "/cluster/acme/account", acct_list, NULL, NULL, 0 },
	{ "POST", "/cluster/acme/account", acct_create, NULL, NULL, 0 },
	{ "GET", "/cluster/acme/account/{name}", acct_item, NULL, NULL, 0 },
	{ "PUT", "/cluster/acme/account/{name}", acct_item, NULL, NULL, 0 },
	{ "DELETE", "/cluster/acme/account/{name}", acct_item, NULL, NULL,
	    0 },
	{ "GET", "/cluster/acme/plugins", plugin_list, "/", "Sys.Modify", 0 },
	{ "POST", "/cluster/acme/plugins", plugin_create, "/", "Sys.Modify",
	    0 },
	{ "GET", "/cluster/acme/plugins/{id}", plugin_get, "/", "Sys.Modify",
	    0 },
	{ "PUT", "/cluster/acme/plugins/{id}", plugin_update, "/",
	    "Sys.Modify", 0 },
	{ "DELETE", "/cluster/acme/plugins/{id}", plugin_delete, "/",
	    "Sys.Modify", 0 },
	{ "GET", "/cluster/acme/directories", acme_directories, NULL, NULL,
	    0 },
	{ "GET", "/cluster/acme/tos", acme_tos, NULL, NULL, 0 },
	{ "GET", "/cluster/acme/challenge-schema", acme_schema, NULL, NULL,
	    0 },
	{ "GET", "/nodes/{node}/config", node_config, "/", "Sys.Audit", 0 },
	{ "PUT", "/nodes/{node}/config", node_config, "/", "Sys.Modify", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
