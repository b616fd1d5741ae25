/*
 * realm -- the authentication realms (GET /access/domains), one realm's
 * settings, their life cycle (create: POST /access/domains; set: PUT
 * /access/domains/{realm} with PVE's digest; delete), and the sync of
 * an LDAP or AD realm's users and groups (POST
 * /access/domains/{realm}/sync, a task), each through the gate
 * (objcli.h).  px -n sends nothing; PVE's own preview of a sync is
 * --raw dry-run=1.
 *
 * /access/domains' schema is the union of every realm type's options;
 * px refuses a parameter the type does not take, and a new realm
 * without what its type needs, before sending (pve_realm.h).  The bind
 * password and an OpenID client key are secrets: from a file or the
 * environment, never argv.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_access_list.h"
#include "pve_objrisk_realm.h"
#include "pve_realm.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_MUTATE, PX_OPT_RAW,
	PX_PARAM("type", "ldap|ad|openid|pam|pve", "create: the realm's "
	    "type"),
	PX_PARAM("comment", "text", "the realm's description"),
	PX_PARAM("default", "0|1", "the default realm at login"),
	PX_PARAM("tfa", "type=...", "two-factor authentication (ldap, ad, "
	    "pam, pve)"),
	PX_PARAM("server1", "host", "ldap, ad: the server"),
	PX_PARAM("server2", "host", "ldap, ad: the fallback server"),
	PX_PARAM("port", "port", "ldap, ad: the server's port"),
	PX_PARAM("mode", "ldap|ldaps|ldap+starttls", "ldap, ad: the "
	    "protocol"),
	PX_PARAM("secure", "0|1", "ldap, ad: LDAPS (deprecated: --mode)"),
	PX_PARAM("sslversion", "version", "ldap, ad: the TLS version "
	    "(tlsv1_2, tlsv1_3)"),
	PX_PARAM("verify", "0|1", "ldap, ad: verify the server's "
	    "certificate"),
	PX_PARAM("capath", "path", "ldap, ad: the CA certificate store"),
	PX_PARAM("cert", "path", "ldap, ad: the client certificate"),
	PX_PARAM("certkey", "path", "ldap, ad: the client certificate's "
	    "key (a path on the nodes)"),
	PX_PARAM("base_dn", "dn", "ldap, ad: the base domain name"),
	PX_PARAM("bind_dn", "dn", "ldap, ad: the bind domain name"),
	PX_SECRET("password", "ldap, ad: the bind password"),
	PX_PARAM("user_attr", "attr", "ldap, ad: the user name attribute"),
	PX_PARAM("domain", "domain", "ad: the AD domain"),
	PX_PARAM("filter", "filter", "ldap, ad: the LDAP filter for the "
	    "user sync"),
	PX_PARAM("sync_attributes", "k=v,...", "ldap, ad: the attributes "
	    "to sync"),
	PX_PARAM("user_classes", "classes", "ldap, ad: user object classes"),
	PX_PARAM("group_dn", "dn", "ldap, ad: the base for the group sync"),
	PX_PARAM("group_name_attr", "attr", "ldap, ad: the group name "
	    "attribute"),
	PX_PARAM("group_filter", "filter", "ldap, ad: the LDAP filter for "
	    "the group sync"),
	PX_PARAM("group_classes", "classes", "ldap, ad: group object "
	    "classes"),
	PX_PARAM("sync-defaults-options", "options", "ldap, ad: the sync's "
	    "defaults (scope=,enable-new=,remove-vanished=)"),
	PX_PARAM("case-sensitive", "0|1", "ldap, ad: user names are "
	    "case-sensitive"),
	PX_PARAM("check-connection", "0|1", "ldap, ad: check the bind "
	    "before saving"),
	PX_PARAM("issuer-url", "url", "openid: the issuer"),
	PX_PARAM("client-id", "id", "openid: the client id"),
	PX_SECRET("client-key", "openid: the client key"),
	PX_PARAM("autocreate", "0|1", "openid: create users at first login"),
	PX_PARAM("username-claim", "claim", "openid: the claim of the user "
	    "name (create only)"),
	PX_PARAM("groups-claim", "claim", "openid: the claim of the groups"),
	PX_PARAM("groups-autocreate", "0|1", "openid: create the groups"),
	PX_PARAM("groups-overwrite", "0|1", "openid: replace the user's "
	    "groups at login"),
	PX_PARAM("prompt", "prompt", "openid: how the server prompts"),
	PX_PARAM("scopes", "scopes", "openid: the scopes asked for"),
	PX_PARAM("acr-values", "values", "openid: the ACR values"),
	PX_PARAM("query-userinfo", "0|1", "openid: query the userinfo "
	    "endpoint"),
	PX_PARAM("delete", "keys", "set: settings to remove"),
	PX_PARAM("scope", "users|groups|both", "sync: what to sync"),
	PX_PARAM("remove-vanished", "list", "sync: what to remove when it "
	    "vanished from the directory (acl;entry;properties, or none)"),
	PX_PARAM("enable-new", "0|1", "sync: enable new users now"),
	PX_OPT_END
};

PX_COMMAND(realm, "list, show, create, change, delete and sync "
    "authentication realms", opts, NULL, "list | show realm | "
    "create realm | set realm | delete realm | sync realm");

static const struct out_col list_cols[] = {
	{ "realm", OT_STR, 0 }, { "type", OT_STR, 0 }, { "tfa", OT_STR, 0 },
	{ "default", OT_BOOL, 0 }, { "comment", OT_STR, 0 },
};

/* The parameters of sync alone. */
static int
sync_param(const char *k)
{
	return strcmp(k, "scope") == 0 || strcmp(k, "remove-vanished") == 0 ||
	    strcmp(k, "enable-new") == 0 || strcmp(k, "dry-run") == 0 ||
	    strcmp(k, "full") == 0 || strcmp(k, "purge") == 0;
}

static void
check_realm(const char *r)
{
	if (!pve_realm_name_ok(r))
		px_errx(PX_EXIT_USAGE, "'%s' is not a realm name (a letter, "
		    "then letters, digits, . - _; 2 to 32)", r);
}

/*
 * The parameters given for verb on a realm of type, checked: no sync
 * parameter outside sync, none the type does not take, nothing fixed
 * changed; a new realm has what its type needs.
 */
static void
check_params(const struct objcli *oc, const char *verb, const char *type)
{
	const char *p = oc->form.len ? oc->form.p : "";
	int create = strcmp(verb, "create") == 0;
	const char *const *need;
	char key[80];

	while (*p) {
		size_t n = strcspn(p, "=&");

		snprintf(key, sizeof(key), "%.*s", (int)(n < 79 ? n : 79), p);
		if (strcmp(verb, "sync") == 0) {
			if (!sync_param(key) && pve_realm_type_takes("ldap",
			    key) >= 0)
				px_errx(PX_EXIT_USAGE, "sync takes --scope, "
				    "--remove-vanished and --enable-new, not "
				    "--%s", key);
		} else if (sync_param(key) && strcmp(key, "dry-run") != 0) {
			px_errx(PX_EXIT_USAGE, "--%s is for sync", key);
		} else if (strcmp(key, "type") == 0) {
			if (!create)
				px_errx(PX_EXIT_USAGE, "the type of a realm "
				    "cannot change");
		} else if (strcmp(key, "delete") == 0) {
			if (create)
				px_errx(PX_EXIT_USAGE, "--delete is for set");
		} else if (!create && pve_realm_fixed(key)) {
			px_errx(PX_EXIT_USAGE, "--%s is fixed once the realm "
			    "exists", key);
		} else if (pve_realm_type_takes(type, key) == 0) {
			px_errx(PX_EXIT_USAGE, "a realm of type %s takes no "
			    "--%s", type, key);
		}
		p += strcspn(p, "&");
		if (*p == '&')
			p++;
	}
	if (!create)
		return;
	for (need = pve_realm_type_requires(type); need && *need; need++)
		if (!objcli_has(oc, *need))
			px_errx(PX_EXIT_USAGE, "a realm of type %s needs --%s",
			    type, *need);
}

/* The realm's type and digest; exit 5 when PVE does not know it. */
static void
fetch(struct objcli *oc, const char *realm, struct pve_realm_cfg *r)
{
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (pve_realm_read(oc->m.x.client, realm, r, &e) != 0) {
		if (e.id == PXE_NOT_FOUND)
			px_errx(PX_EXIT_NOTFOUND, "no realm '%s'", realm);
		px_die(&e);
	}
}

static int
realm_change(struct objcli *oc, const char *verb, const char *realm)
{
	struct objcli_change c = { .action = verb, .kind = "realm",
	    .id = realm };
	struct pve_realm_cfg cfg;
	struct buf path = { 0 }, extra = { 0 };
	char summary[160], type[16] = "", name[40];
	int rc;

	c.summary = summary;
	if (strcmp(verb, "create") == 0) {
		if (pve_realm_builtin(realm))
			px_errx(PX_EXIT_USAGE, "'%s' is PVE's own realm: it "
			    "exists on every cluster", realm);
		if (!objcli_has(oc, "type"))
			px_errx(PX_EXIT_USAGE, "create: give --type (ldap, ad "
			    "or openid)");
		for (const char *p = oc->form.p; p && *p; ) {
			if (strncmp(p, "type=", 5) == 0) {
				snprintf(type, sizeof(type), "%.*s",
				    (int)strcspn(p + 5, "&"), p + 5);
				break;
			}
			p += strcspn(p, "&");
			if (*p == '&')
				p++;
		}
		if (strcmp(type, "pam") == 0 || strcmp(type, "pve") == 0)
			px_errx(PX_EXIT_USAGE, "--type %s: PVE has its one %s "
			    "realm built in; create ldap, ad or openid realms",
			    type, type);
		if (strcmp(type, "ldap") != 0 && strcmp(type, "ad") != 0 &&
		    strcmp(type, "openid") != 0)
			px_errx(PX_EXIT_USAGE, "--type %s: not a realm type "
			    "(ldap, ad, openid)", type);
		check_params(oc, verb, type);
		buf_adds(&path, "/access/domains");
		form_add(&extra, "realm", realm);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create %s realm %s", type,
		    realm);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		fetch(oc, realm, &cfg);
		check_params(oc, verb, cfg.type);
		buf_adds(&path, "/access/domains/");
		url_seg(&path, realm);
		if (!objcli_has(oc, "digest") && cfg.digest[0])
			form_add(&extra, "digest", cfg.digest);
		c.method = "PUT";
		snprintf(summary, sizeof(summary), "set realm %s", realm);
	} else if (strcmp(verb, "delete") == 0) {
		if (pve_realm_builtin(realm))
			px_errx(PX_EXIT_USAGE, "'%s' is PVE's own realm: px "
			    "does not delete it", realm);
		objcli_no_params(oc, verb);
		fetch(oc, realm, &cfg);
		buf_adds(&path, "/access/domains/");
		url_seg(&path, realm);
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_realm_delete;
		snprintf(name, sizeof(name), "%s", realm);
		c.assess_arg = name;
		snprintf(summary, sizeof(summary), "delete realm %s", realm);
	} else {
		check_params(oc, verb, "ldap");
		buf_adds(&path, "/access/domains/");
		url_seg(&path, realm);
		buf_adds(&path, "/sync");
		c.method = "POST";
		snprintf(summary, sizeof(summary), "sync realm %s", realm);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
list(struct objcli *oc)
{
	static const char path[] = "/access/domains";
	struct pve_realm_row *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	objcli_get(oc, &r, "%s", path);
	if (pve_realm_rows_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&oc->m.x.out, list_cols, 5);
	for (int i = 0; i < n; i++) {
		if (v[i].bad) {
			objcli_drop(path, i);
			continue;
		}
		out_row(o);
		out_str(o, 0, v[i].realm);
		out_str(o, 1, v[i].type);
		out_str(o, 2, v[i].tfa);
		if (v[i].is_default >= 0)
			out_bool(o, 3, v[i].is_default);
		out_str(o, 4, v[i].comment);
	}
	pve_realm_rows_free(v, n);
	return objcli_print(oc, o);
}

int
realm_main(int argc, char **argv)
{
	struct objcli oc;
	struct buf path = { 0 };
	const char *verb;
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_realm);
	px_getopt_init(&g, &px_cmd_realm, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		/* a secret never comes from argv, --raw neither */
		if (ch == PX_O_RAW && (strncmp(g.arg, "password=", 9) == 0 ||
		    strncmp(g.arg, "client-key=", 11) == 0))
			px_errx(PX_EXIT_USAGE, "--raw %.*s: a secret is not "
			    "taken from the command line (--%.*s-file or "
			    "--%.*s-env)", (int)strcspn(g.arg, "="), g.arg,
			    (int)strcspn(g.arg, "="), g.arg,
			    (int)strcspn(g.arg, "="), g.arg);
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_realm);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_realm);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_realm);
		objcli_no_params(&oc, verb);
		rc = list(&oc);
		objcli_free(&oc);
		return rc;
	}
	if (argc != 2)
		px_usage(&px_cmd_realm);
	if (strcmp(verb, "show") != 0 && strcmp(verb, "create") != 0 &&
	    strcmp(verb, "set") != 0 && strcmp(verb, "delete") != 0 &&
	    strcmp(verb, "sync") != 0)
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, delete, sync)", verb);
	check_realm(argv[1]);
	if (strcmp(verb, "show") == 0) {
		char what[128];

		objcli_no_params(&oc, verb);
		buf_adds(&path, "/access/domains/");
		url_seg(&path, argv[1]);
		snprintf(what, sizeof(what), "realm %s", argv[1]);
		rc = objcli_show(&oc, path.p, what);
	} else {
		rc = realm_change(&oc, verb, argv[1]);
	}
	buf_free(&path);
	objcli_free(&oc);
	return rc;
}
