/*
 * pve_usergroups.h -- a user's groups from GET /access/users/{userid}
 * ("groups": an array of ids; older PVE: one comma-separated string),
 * read to be sent back whole (PUT .../users/{userid} groups=...), so a
 * group id that is not one (pve-groupid: letters, digits, '.', '-',
 * '_') is an error, never dropped: dropping it would take the user out
 * of that group.
 */
#ifndef PX_PVE_USERGROUPS_H
#define PX_PVE_USERGROUPS_H

#include <stddef.h>

#include "err.h"
#include "json.h"

/* Is s a PVE group id? */
int pve_groupid_ok(const char *s);

/*
 * The groups of the user object at obj, except skip (NULL: none),
 * comma-separated into out (size n; "" when none); 0.  PXE_PARSE when
 * obj is no object, groups is neither list nor string, or an id is no
 * group id; PXE_TOO_LARGE when they do not fit.
 */
int pve_user_groups_parse(const struct json *j, int obj, const char *skip,
    char *out, size_t n, struct px_err *e);

#endif
