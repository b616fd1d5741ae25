/*
 * pve_objrisk_access.h -- the pre-flight checks of changes to who may do
 * what (gate_assess_fn, lib/gate.h), read live from PVE:
 *
 *   AdminAclRemoved   Severe: unset an ACL entry that grants
 *                     Administrator or PVEAdmin
 *   LastRootAcl       Severe: unset the last ACL entries on /
 *   SelfLockout       Severe: disable or delete the user px itself logs
 *                     in as, or revoke the token it uses
 *   UserOwnsTokens    Warning: delete a user with API tokens (they go
 *                     with it)
 *   RoleInUse         Warning: delete a role that ACL entries grant
 */
#ifndef PX_PVE_OBJRISK_ACCESS_H
#define PX_PVE_OBJRISK_ACCESS_H

#include "gate.h"

/* Removing ACL entries (PUT /access/acl delete=1): comma lists. */
struct objrisk_acl {
	const char *path;
	const char *roles;
	const char *users, *groups, *tokens;	/* NULL: none */
};
int objrisk_acl_unset(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Disabling or deleting a user, revoking a token: who px is now. */
struct objrisk_ident {
	const char *userid;	/* the user changed */
	const char *tokenid;	/* the token revoked, or NULL */
	int deleting;		/* the user is deleted (its tokens too) */
	const char *self_user;	/* the profile's user */
	const char *self_token;	/* the profile's token id, or NULL */
};
int objrisk_ident_off(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Deleting role arg (a const char *). */
int objrisk_role_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e);

/* Whether word is in the comma (or space, semicolon) separated list. */
int objrisk_in_list(const char *list, const char *word);

#endif
