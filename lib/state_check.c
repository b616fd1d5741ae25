/*
 * state_check.c -- what a state file names must exist before anything is
 * sent (st_check, state_kinds.h): an ACL's role and group, a pool's
 * VMIDs (a guest in one pool), a firewall section's rules and members,
 * a notification matcher's targets, a gotify endpoint that exists
 * (its token is a secret no file holds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_mapping.h"
#include "state_impl.h"

/* Whether id is a section of kind name in st, or a row of path's data
 * with key (the live objects). */
static int
known(const struct st_state *st, const char *kind, const struct json *j,
    int arr, const char *key, const char *id)
{
	int row, i;

	for (int s = 0; s < st->n; s++)
		if (strcmp(st->s[s].kind->name, kind) == 0 &&
		    strcmp(st->s[s].id, id) == 0)
			return 1;
	JSON_FOREACH(j, arr, row, i)
		if (json_eq(j, json_get(j, row, key), id))
			return 1;
	return 0;
}

/* The endpoint name is a notification target: in the file or on the
 * cluster (GET /cluster/notifications/targets). */
static int
target_known(struct px_client *c, const struct st_state *want,
    const char *name, struct px_err *e)
{
	struct px_reply r;
	int found = 0;

	for (int i = 0; i < want->n && !found; i++)
		found = strncmp(want->s[i].kind->name, "notification ", 13) ==
		    0 && strcmp(want->s[i].kind->name, "notification matcher")
		    != 0 && strcmp(want->s[i].id, name) == 0;
	if (found)
		return 1;
	if (st_get_rows(c, "/cluster/notifications/targets", &r, e) != 0)
		return -1;
	{
		int row, i;

		JSON_FOREACH(&r.j, r.data, row, i)
			if (json_eq(&r.j, json_get(&r.j, row, "name"), name))
				found = 1;
	}
	px_reply_free(&r);
	return found;
}

/* A matcher's targets exist; a gotify endpoint is not created from the
 * file (its token is a secret the file does not hold). */
static int
notify_check(struct px_client *c, const struct st_state *want,
    const struct st_sec *s, const char *path, struct px_err *e)
{
	if (strcmp(s->kind->name, "notification gotify") == 0) {
		struct px_reply r;
		int row, i, found = 0;

		if (st_get_rows(c, s->kind->list_path, &r, e) != 0)
			return -1;
		JSON_FOREACH(&r.j, r.data, row, i)
			if (json_eq(&r.j, json_get(&r.j, row, "name"), s->id))
				found = 1;
		px_reply_free(&r);
		if (!found) {
			px_fail(e, PXE_CONFIG, "%s:%d: [notification gotify "
			    "%s]: a gotify endpoint needs its token, which a "
			    "state file never holds", path, s->line, s->id);
			px_hint(e, "create it first: px notify endpoint create "
			    "gotify %s --server URL --token-file FILE; then "
			    "apply", s->id);
			return -1;
		}
		return 0;
	}
	if (strcmp(s->kind->name, "notification matcher") != 0)
		return 0;
	for (int k = 0; k < s->nkv; k++) {
		int known;

		if (strcmp(s->kv[k].key, "target") != 0)
			continue;
		if ((known = target_known(c, want, s->kv[k].value, e)) < 0)
			return -1;
		if (!known)
			return px_fail(e, PXE_CONFIG, "%s:%d: [notification "
			    "matcher %s]: no target '%s', in the file or on the "
			    "cluster", path, s->line, s->id, s->kv[k].value);
	}
	return 0;
}

int
st_check(struct px_client *c, const struct st_state *want, const char *path,
    struct px_err *e)
{
	struct px_reply roles, groups;
	int rc = 0;

	if (st_get_rows(c, "/access/roles", &roles, e) != 0)
		return -1;
	if (st_get_rows(c, "/access/groups", &groups, e) != 0) {
		px_reply_free(&roles);
		return -1;
	}
	for (int i = 0; i < want->n && rc == 0; i++) {
		const struct st_sec *s = &want->s[i];
		char buf[512], *p, *type, *ugid, *role, name[600];

		if (strncmp(s->kind->name, "firewall ", 9) == 0 &&
		    st_fw_check(s, e) != 0) {
			char msg[sizeof(e->msg)];

			snprintf(msg, sizeof(msg), "%s", e->msg);
			px_fail(e, PXE_CONFIG, "%s:%d: [%s]: %s", path, s->line,
			    st_name(s, name, sizeof(name)), msg);
			rc = -1;
			break;
		}
		if (strncmp(s->kind->name, "notification ", 13) == 0 &&
		    notify_check(c, want, s, path, e) != 0) {
			rc = -1;
			break;
		}

		if (strcmp(s->kind->name, "acl") == 0) {
			if (st_acl_parts(s->id, buf, sizeof(buf), &p, &type,
			    &ugid, &role, e) != 0) {
				px_fail(e, PXE_CONFIG, "%s:%d: [acl %s]: an ACL "
				    "entry is [acl PATH user:USER ROLE] (or "
				    "group:, token:)", path, s->line, s->id);
				rc = -1;
			} else if (!known(want, "role", &roles.j, roles.data,
			    "roleid", role)) {
				px_fail(e, PXE_CONFIG, "%s:%d: [acl %s]: no role "
				    "'%s', in the file or on the cluster", path,
				    s->line, s->id, role);
				rc = -1;
			} else if (strcmp(type, "group") == 0 && !known(want,
			    "group", &groups.j, groups.data, "groupid",
			    ugid)) {
				px_fail(e, PXE_CONFIG, "%s:%d: [acl %s]: no group "
				    "'%s', in the file or on the cluster", path,
				    s->line, s->id, ugid);
				rc = -1;
			}
		}
		/* a mapping's entries: a node each, no control
		 * characters (PVE checks the rest) */
		for (int k = 0; k < s->nkv && rc == 0 &&
		    strncmp(s->kind->name, "mapping ", 8) == 0; k++) {
			const char *v = s->kv[k].value;
			char node[64];

			if (strcmp(s->kv[k].key, "map") != 0)
				continue;
			for (const char *q = v; *q && rc == 0; q++)
				if ((unsigned char)*q < 0x20 || *q == 0x7f)
					rc = -1;
			pve_mapping_entry_node(v, node, sizeof(node));
			if (rc != 0 || !pve_valid_node(node)) {
				px_fail(e, PXE_CONFIG, "%s:%d: [%s %s]: map = "
				    "%s is not a node's entry (node=NODE,..., "
				    "no control characters)", path, s->line,
				    s->kind->name, s->id, v);
				rc = -1;
			}
		}
		/* a guest belongs to one pool */
		for (int k = 0; k < s->nkv && rc == 0 &&
		    strcmp(s->kind->name, "pool") == 0; k++)
			for (int o = 0; o < i && rc == 0; o++) {
				const struct st_sec *q = &want->s[o];

				if (strcmp(q->kind->name, "pool") != 0 ||
				    strcmp(s->kv[k].key, "vm") != 0)
					continue;
				for (int m = 0; m < q->nkv && rc == 0; m++)
					if (strcmp(q->kv[m].key, "vm") == 0 &&
					    strcmp(q->kv[m].value,
					    s->kv[k].value) == 0) {
						px_fail(e, PXE_CONFIG, "%s:%d: "
						    "[pool %s]: vm %s is in "
						    "[pool %s] too (line %d): a "
						    "guest is in one pool", path,
						    s->line, s->id,
						    s->kv[k].value, q->id,
						    q->line);
						rc = -1;
					}
			}
		for (int k = 0; k < s->nkv && rc == 0; k++)
			if (strcmp(s->kind->name, "pool") == 0 &&
			    strcmp(s->kv[k].key, "vm") == 0 &&
			    strspn(s->kv[k].value, "0123456789") !=
			    strlen(s->kv[k].value)) {
				px_fail(e, PXE_CONFIG, "%s:%d: [pool %s]: vm = "
				    "%s is not a VMID", path, s->line, s->id,
				    s->kv[k].value);
				rc = -1;
			}
	}
	px_reply_free(&roles);
	px_reply_free(&groups);
	return rc;
}

