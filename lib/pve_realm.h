/*
 * pve_realm.h -- one authentication realm of /access/domains: its type
 * and PVE's digest, and which parameters each type of realm takes
 * (PVE::Auth::{LDAP,AD,OpenId,PAM,PVE}->options), so that px refuses a
 * parameter the type does not take before sending.
 */
#ifndef PX_PVE_REALM_H
#define PX_PVE_REALM_H

#include "err.h"
#include "http.h"

/* A realm name as PVE takes it (pve-realm: a letter, then letters,
 * digits, . - _; 2 to 32 characters). */
int pve_realm_name_ok(const char *r);
/* pam and pve: the realms every PVE has. */
int pve_realm_builtin(const char *r);

struct pve_realm_cfg {
	char type[16];		/* ad, ldap, openid, pam, pve */
	char digest[72];
};

/* GET /access/domains/{realm}: PXE_NOT_FOUND when PVE does not know
 * it (its 500 "domain 'x' does not exist"). */
int pve_realm_read(struct px_client *c, const char *realm,
    struct pve_realm_cfg *r, struct px_err *e);

/* Whether a realm of type takes parameter key: 1 yes, 0 no, -1 when px
 * does not know key (PVE judges it). */
int pve_realm_type_takes(const char *type, const char *key);
/* The parameters a new realm of type needs, NULL-terminated. */
const char *const *pve_realm_type_requires(const char *type);
/* Whether key is fixed once the realm exists (type, username-claim). */
int pve_realm_fixed(const char *key);

#endif
