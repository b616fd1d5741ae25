/* pve_realm.c -- authentication realms (pve_realm.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "json.h"
#include "pve.h"
#include "pve_realm.h"

#define L(...) (const char *const[]){ __VA_ARGS__, NULL }

/* PVE::Auth::*->options, and what a new one needs. */
static const struct {
	const char *type;
	const char *const *takes;
	const char *const *needs;
} types[] = {
	{ "ldap", L("server1", "server2", "base_dn", "bind_dn", "password",
	  "user_attr", "port", "secure", "sslversion", "default", "comment",
	  "tfa", "verify", "capath", "cert", "certkey", "filter",
	  "sync_attributes", "user_classes", "group_dn", "group_name_attr",
	  "group_filter", "group_classes", "sync-defaults-options", "mode",
	  "case-sensitive", "check-connection"),
	  L("server1", "base_dn", "user_attr") },
	{ "ad", L("server1", "server2", "domain", "port", "secure",
	  "sslversion", "default", "comment", "tfa", "verify", "capath",
	  "cert", "certkey", "base_dn", "bind_dn", "password", "user_attr",
	  "filter", "sync_attributes", "user_classes", "group_dn",
	  "group_name_attr", "group_filter", "group_classes",
	  "sync-defaults-options", "mode", "case-sensitive",
	  "check-connection"),
	  L("server1", "domain") },
	{ "openid", L("issuer-url", "client-id", "client-key", "autocreate",
	  "username-claim", "groups-claim", "groups-autocreate",
	  "groups-overwrite", "prompt", "scopes", "acr-values", "default",
	  "comment", "query-userinfo"),
	  L("issuer-url", "client-id") },
	{ "pam", L("default", "comment", "tfa"), NULL },
	{ "pve", L("default", "comment", "tfa"), NULL },
};
#define NTYPES ((int)(sizeof(types) / sizeof(types[0])))

int
pve_realm_name_ok(const char *r)
{
	size_t n = r ? strlen(r) : 0;

	return n >= 2 && n <= 32 && isalpha((unsigned char)r[0]) &&
	    strspn(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") == n;
}

int
pve_realm_builtin(const char *r)
{
	return strcmp(r, "pam") == 0 || strcmp(r, "pve") == 0;
}

static int
in(const char *const *l, const char *key)
{
	for (; l && *l; l++)
		if (strcmp(*l, key) == 0)
			return 1;
	return 0;
}

int
pve_realm_type_takes(const char *type, const char *key)
{
	int known = 0;

	for (int i = 0; i < NTYPES; i++)
		known |= in(types[i].takes, key);
	if (!known)
		return -1;
	for (int i = 0; i < NTYPES; i++)
		if (strcmp(types[i].type, type) == 0)
			return in(types[i].takes, key);
	return -1;
}

const char *const *
pve_realm_type_requires(const char *type)
{
	for (int i = 0; i < NTYPES; i++)
		if (strcmp(types[i].type, type) == 0)
			return types[i].needs;
	return NULL;
}

int
pve_realm_fixed(const char *key)
{
	return strcmp(key, "type") == 0 || strcmp(key, "username-claim") == 0;
}

int
pve_realm_read(struct px_client *c, const char *realm,
    struct pve_realm_cfg *r, struct px_err *e)
{
	struct px_reply rp;
	struct buf p = { 0 };
	int k;

	memset(r, 0, sizeof(*r));
	buf_adds(&p, "/access/domains/");
	url_seg(&p, realm);
	if (pve_get(c, &rp, e, "%s", p.p) != 0) {
		buf_free(&p);
		if (e->id == PXE_API && e->http == 500 &&
		    strstr(e->msg, "does not exist"))
			return px_fail(e, PXE_NOT_FOUND, "no realm '%s'",
			    realm);
		return -1;
	}
	buf_free(&p);
	if (json_type(&rp.j, rp.data) != JSON_OBJECT) {
		px_reply_free(&rp);
		return px_fail(e, PXE_PARSE, "realm %s: the answer is not an "
		    "object", realm);
	}
	if ((k = json_get(&rp.j, rp.data, "type")) >= 0)
		json_strcpy(&rp.j, k, r->type, sizeof(r->type));
	if ((k = json_get(&rp.j, rp.data, "digest")) >= 0)
		json_strcpy(&rp.j, k, r->digest, sizeof(r->digest));
	text_sanitize(r->type);
	text_sanitize(r->digest);
	px_reply_free(&rp);
	return 0;
}
