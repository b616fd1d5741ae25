/* pve_cluster.c -- the cluster's objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_field.h"

/* ---- cluster ---- */

#define CM struct pve_cluster_member
static const struct pve_field cm_fields[] = {
	PF_STR(CM, type, "type"), PF_STR(CM, id, "id"),
	PF_STR(CM, name, "name"), PF_STR(CM, ip, "ip"),
	PF_INT(CM, nodeid, "nodeid", 0), PF_BOOL(CM, online, "online", 0),
	PF_BOOL(CM, local, "local", 0), PF_STR(CM, level, "level"),
	PF_BOOL(CM, quorate, "quorate", 0), PF_INT(CM, nodes, "nodes", 0),
	PF_INT(CM, version, "version", 0),
};

int
pve_cluster_status_parse(const struct json *j, int arr,
    struct pve_cluster_member **out, int *n, struct px_err *e)
{
	return PVE_PARSE("cluster status", CM, cm_fields, NULL);
}

int
pve_cfg_nodes_parse(const struct json *j, int arr, struct pve_cfg_node **out,
    int *n, struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_cfg_node, node, "node"),
	};

	return PVE_PARSE("corosync nodes", struct pve_cfg_node, f, NULL);
}

/* PVE's pattern of pve_fp: 32 hex pairs joined by ':'. */
static int
fp_form(const char *s)
{
	if (strlen(s) != 95)
		return 0;
	for (int i = 0; i < 95; i++)
		if (i % 3 == 2 ? s[i] != ':' : strchr("0123456789abcdefABCDEF",
		    s[i]) == NULL)
			return 0;
	return 1;
}

static int
join_fp(const struct json *j, int obj, void *row)
{
	struct pve_join_node *p = row;
	int t = json_get(j, obj, "pve_fp");
	char whole[128];

	/* the whole string, not what fit: a longer one cut to 95 would
	 * pass for a fingerprint */
	if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, whole,
	    sizeof(whole)) != 95 || !fp_form(whole))
		p->pve_fp[0] = '\0';
	return 0;
}

int
pve_cluster_join_parse(const struct json *j, int obj,
    struct pve_join_node **out, int *n, struct px_err *e)
{
#define JN struct pve_join_node
	static const struct pve_field f[] = {
		PF_STR(JN, name, "name"),
		PF_INT(JN, nodeid, "nodeid", 0),
		PF_STR(JN, pve_addr, "pve_addr"),
		PF_STR(JN, ring0_addr, "ring0_addr"),
		PF_INT(JN, quorum_votes, "quorum_votes", -1),
		PF_STR(JN, pve_fp, "pve_fp"),
	};
	static const struct pve_rows d = PVE_ROWS("join information's nodes",
	    JN, f, join_fp);
#undef JN
	int arr;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "join information: not an "
		    "object");
	arr = json_get(j, obj, "nodelist");
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "join information: %s",
		    arr < 0 || json_is_null(j, arr) ? "no nodelist" :
		    "nodelist is not an array");
	return pve_rows_parse(j, arr, &d, (void **)out, n, e);
}

#define LE struct pve_log_entry
static const struct pve_field le_fields[] = {
	PF_STR(LE, msg, "msg"), PF_LL(LE, uid, "uid"),
	PF_LL(LE, time, "time"), PF_STR(LE, node, "node"),
	PF_STR(LE, user, "user"), PF_STR(LE, tag, "tag"),
	PF_INT(LE, pri, "pri", 0), PF_LL(LE, pid, "pid"),
};

int
pve_cluster_log_parse(const struct json *j, int arr,
    struct pve_log_entry **out, int *n, struct px_err *e)
{
	return PVE_PARSE("cluster log", LE, le_fields, NULL);
}

#define RS struct pve_resource
static const struct pve_field rs_fields[] = {
	PF_STR(RS, id, "id"), PF_STR(RS, type, "type"),
	PF_STR(RS, node, "node"), PF_STR(RS, name, "name"),
	PF_STR(RS, status, "status"), PF_INT(RS, vmid, "vmid", 0),
	PF_STR(RS, storage, "storage"), PF_STR(RS, pool, "pool"),
	PF_STR(RS, tags, "tags"), PF_STR(RS, hastate, "hastate"),
	PF_STR(RS, plugintype, "plugintype"),
	PF_STR(RS, content, "content"), PF_STR(RS, sdn, "sdn"),
	PF_BOOL(RS, shared, "shared", 0), PF_NUM(RS, cpu, "cpu"),
	PF_NUM(RS, maxcpu, "maxcpu"), PF_U64(RS, mem, "mem"),
	PF_U64(RS, maxmem, "maxmem"), PF_U64(RS, disk, "disk"),
	PF_U64(RS, maxdisk, "maxdisk"), PF_LL(RS, uptime, "uptime"),
};

int
pve_resources_parse(const struct json *j, int arr, struct pve_resource **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("cluster resources", RS, rs_fields, NULL);
}

int
pve_version_parse(const struct json *j, int obj, struct pve_version *v,
    struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_version, version, "version"),
		PF_STR(struct pve_version, release, "release"),
		PF_STR(struct pve_version, repoid, "repoid"),
	};

	memset(v, 0, sizeof(*v));
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "version: not an object");
	pve_fill(j, obj, v, f, PF_N(f));
	if (v->version[0] == '\0')
		return px_fail(e, PXE_PARSE, "version: no \"version\" field");
	return 0;
}

int
pve_nextid_parse(const struct json *j, int t, int *id, struct px_err *e)
{
	long long v;

	if (json_int(j, t, &v) != 0 || v < 1 || v > 999999999)
		return px_fail(e, PXE_PARSE, "nextid: not a VMID");
	*id = (int)v;
	return 0;
}

/* ---- HA ---- */

static const struct pve_field ha_res_f[] = {
	PF_STR(struct pve_ha_resource, sid, "sid"),
	PF_STR(struct pve_ha_resource, type, "type"),
	PF_STR(struct pve_ha_resource, state, "state"),
	PF_STR(struct pve_ha_resource, group, "group"),
	PF_INT(struct pve_ha_resource, max_restart, "max_restart", 1),
	PF_INT(struct pve_ha_resource, max_relocate, "max_relocate", 1),
	PF_BOOL(struct pve_ha_resource, failback, "failback", 1),
	PF_STR(struct pve_ha_resource, comment, "comment"),
};

int
pve_ha_resources_parse(const struct json *j, int arr,
    struct pve_ha_resource **out, int *n, struct px_err *e)
{
	if (PVE_PARSE("HA resources", struct pve_ha_resource, ha_res_f,
	    NULL) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		struct pve_ha_resource *r = &(*out)[i];
		const char *colon = strchr(r->sid, ':');

		/* "vm:100", "ct:101", or a bare "100" meaning vm */
		r->vmid = atoi(colon ? colon + 1 : r->sid);
		if (r->type[0] == '\0')
			snprintf(r->type, sizeof(r->type), "%.*s",
			    colon ? (int)(colon - r->sid) : 2,
			    colon ? r->sid : "vm");
		if (r->state[0] == '\0')
			snprintf(r->state, sizeof(r->state), "started");
	}
	return 0;
}

static const struct pve_field ha_rule_f[] = {
	PF_STR(struct pve_ha_rule, rule, "rule"),
	PF_STR(struct pve_ha_rule, type, "type"),
	PF_STR(struct pve_ha_rule, resources, "resources"),
	PF_STR(struct pve_ha_rule, nodes, "nodes"),
	PF_STR(struct pve_ha_rule, affinity, "affinity"),
	PF_BOOL(struct pve_ha_rule, strict, "strict", 0),
	PF_BOOL(struct pve_ha_rule, disable, "disable", 0),
	PF_STR(struct pve_ha_rule, comment, "comment"),
};

int
pve_ha_rules_parse(const struct json *j, int arr, struct pve_ha_rule **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("HA rules", struct pve_ha_rule, ha_rule_f, NULL);
}

static const struct pve_field ha_group_f[] = {
	PF_STR(struct pve_ha_group, group, "group"),
	PF_STR(struct pve_ha_group, nodes, "nodes"),
	PF_BOOL(struct pve_ha_group, restricted, "restricted", 0),
	PF_BOOL(struct pve_ha_group, nofailback, "nofailback", 0),
	PF_STR(struct pve_ha_group, comment, "comment"),
};

int
pve_ha_groups_parse(const struct json *j, int arr, struct pve_ha_group **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("HA groups", struct pve_ha_group, ha_group_f, NULL);
}

static const struct pve_field ha_status_f[] = {
	PF_STR(struct pve_ha_status, id, "id"),
	PF_STR(struct pve_ha_status, type, "type"),
	PF_STR(struct pve_ha_status, node, "node"),
	PF_STR(struct pve_ha_status, sid, "sid"),
	PF_STR(struct pve_ha_status, state, "state"),
	PF_STR(struct pve_ha_status, status, "status"),
	PF_STR(struct pve_ha_status, crm_state, "crm_state"),
	PF_STR(struct pve_ha_status, request_state, "request_state"),
	PF_BOOL(struct pve_ha_status, quorate, "quorate", -1),
	PF_LL(struct pve_ha_status, timestamp, "timestamp"),
};

int
pve_ha_status_parse(const struct json *j, int arr,
    struct pve_ha_status **out, int *n, struct px_err *e)
{
	return PVE_PARSE("HA status", struct pve_ha_status, ha_status_f, NULL);
}

int
pve_ha_node_prio(const char *list, const char *node)
{
	size_t nl = strlen(node);

	for (const char *p = list; p && *p; ) {
		size_t len = strcspn(p, ",; ");

		if (len >= nl && strncmp(p, node, nl) == 0 &&
		    (len == nl || p[nl] == ':'))
			return len == nl ? 0 : atoi(p + nl + 1);
		p += len;
		p += strspn(p, ",; ");
	}
	return -1;
}

int
pve_list_has(const char *list, const char *item)
{
	size_t nl = strlen(item);

	for (const char *p = list; p && *p; ) {
		size_t len = strcspn(p, ",; ");

		if (len == nl && strncmp(p, item, nl) == 0)
			return 1;
		p += len;
		p += strspn(p, ",; ");
	}
	return 0;
}

/* ---- replication ---- */

static const struct pve_field repl_f[] = {
	PF_STR(struct pve_repl, id, "id"),
	PF_INT(struct pve_repl, guest, "guest", 0),
	PF_INT(struct pve_repl, jobnum, "jobnum", 0),
	PF_STR(struct pve_repl, type, "type"),
	PF_STR(struct pve_repl, source, "source"),
	PF_STR(struct pve_repl, target, "target"),
	PF_STR(struct pve_repl, schedule, "schedule"),
	PF_NUM(struct pve_repl, rate, "rate"),
	PF_BOOL(struct pve_repl, disable, "disable", 0),
	PF_STR(struct pve_repl, comment, "comment"),
	PF_LL(struct pve_repl, last_sync, "last_sync"),
	PF_LL(struct pve_repl, last_try, "last_try"),
	PF_LL(struct pve_repl, next_sync, "next_sync"),
	PF_NUM(struct pve_repl, duration, "duration"),
	PF_INT(struct pve_repl, fail_count, "fail_count", 0),
	PF_STR(struct pve_repl, error, "error"),
	PF_STR(struct pve_repl, state, "state"),
};

int
pve_repl_parse(const struct json *j, int arr, struct pve_repl **out, int *n,
    struct px_err *e)
{
	if (PVE_PARSE("replication jobs", struct pve_repl, repl_f, NULL) != 0)
		return -1;
	for (int i = 0; i < *n; i++) {
		struct pve_repl *r = &(*out)[i];

		if (r->schedule[0] == '\0')	/* PVE's default */
			snprintf(r->schedule, sizeof(r->schedule), "*/15");
		if (r->guest == 0)		/* "100-0" */
			r->guest = atoi(r->id);
	}
	return 0;
}

/* ---- access ---- */

/* A parser of array arr that is one table. */
#define ARR(name, T, fields, what) \
int \
name(const struct json *j, int arr, T **out, int *n, struct px_err *e) \
{ \
	return PVE_PARSE(what, T, fields, NULL); \
}

static const struct pve_field acl_fields[] = {
	PF_STR(struct pve_acl, path, "path"),
	PF_STR(struct pve_acl, type, "type"),
	PF_STR(struct pve_acl, ugid, "ugid"),
	PF_STR(struct pve_acl, roleid, "roleid"),
	PF_BOOL(struct pve_acl, propagate, "propagate", 1),
};
ARR(pve_acl_parse, struct pve_acl, acl_fields, "ACL")

#define US struct pve_user
static const struct pve_field user_fields[] = {
	PF_STR(US, userid, "userid"), PF_BOOL(US, enable, "enable", 1),
	PF_LL(US, expire, "expire"),
	PF_STR(US, firstname, "firstname"),
	PF_STR(US, lastname, "lastname"), PF_STR(US, email, "email"),
	PF_STR(US, comment, "comment"), PF_STR(US, groups, "groups"),
	PF_STR(US, realm_type, "realm-type"),
};

/* The number of API tokens, when the list says (full=1). */
static int
user_tokens(const struct json *j, int obj, void *row)
{
	int t = json_get(j, obj, "tokens");

	((struct pve_user *)row)->ntokens = json_type(j, t) == JSON_ARRAY ?
	    json_len(j, t) : -1;
	return 0;
}

int
pve_users_parse(const struct json *j, int arr, struct pve_user **out, int *n,
    struct px_err *e)
{
	return PVE_PARSE("user list", US, user_fields, user_tokens);
}

static const struct pve_field group_fields[] = {
	PF_STR(struct pve_group, groupid, "groupid"),
	PF_STR(struct pve_group, comment, "comment"),
	PF_STR(struct pve_group, users, "users"),
};
/* A member list longer than users: cut after the last whole user id,
 * ending in ",..." -- never half an id that could name another user. */
static int
group_users(const struct json *j, int obj, void *row)
{
	struct pve_group *g = row;
	int t = json_get(j, obj, "users");
	size_t max = sizeof(g->users);
	char *comma;

	if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, g->users,
	    max) < (long)max)
		return 0;
	g->users[max - 4] = '\0';
	comma = strrchr(g->users, ',');
	snprintf(comma ? comma : g->users, max - (size_t)(comma ? comma -
	    g->users : 0), "%s...", comma ? "," : "");
	text_sanitize(g->users);
	return 0;
}

int
pve_groups_parse(const struct json *j, int arr, struct pve_group **out,
    int *n, struct px_err *e)
{
	return PVE_PARSE("group list", struct pve_group, group_fields,
	    group_users);
}

static const struct pve_field role_fields[] = {
	PF_STR(struct pve_role, roleid, "roleid"),
	PF_STR(struct pve_role, privs, "privs"),
	PF_BOOL(struct pve_role, special, "special", 0),
};
ARR(pve_roles_parse, struct pve_role, role_fields, "role list")

static const struct pve_field realm_fields[] = {
	PF_STR(struct pve_realm, realm, "realm"),
	PF_STR(struct pve_realm, type, "type"),
	PF_STR(struct pve_realm, comment, "comment"),
	PF_STR(struct pve_realm, tfa, "tfa"),
	PF_BOOL(struct pve_realm, is_default, "default", 0),
};
ARR(pve_realms_parse, struct pve_realm, realm_fields, "realm list")

static const struct pve_field token_fields[] = {
	PF_STR(struct pve_token, tokenid, "tokenid"),
	PF_STR(struct pve_token, comment, "comment"),
	PF_LL(struct pve_token, expire, "expire"),
	PF_BOOL(struct pve_token, privsep, "privsep", 1),
};
ARR(pve_tokens_parse, struct pve_token, token_fields, "token list")

static int
perm_cmp(const void *a, const void *b)
{
	const struct pve_perm *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : strcmp(x->priv, y->priv);
}

int
pve_perms_parse(const struct json *j, int obj, struct pve_perm **out, int *n,
    struct px_err *e)
{
	struct pve_perm *v = NULL;
	int k, i, pk, pi, m = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "permissions: not an object");
	JSON_FOREACH_KV(j, obj, k, i) {
		JSON_FOREACH_KV(j, k + 1, pk, pi) {
			if (m == cap) {
				cap = cap ? cap * 2 : 64;
				v = px_xrealloc(v, (size_t)cap * sizeof(*v));
			}
			memset(&v[m], 0, sizeof(v[m]));
			json_strcpy(j, k, v[m].path, sizeof(v[m].path));
			json_strcpy(j, pk, v[m].priv, sizeof(v[m].priv));
			text_sanitize(v[m].path);
			text_sanitize(v[m].priv);
			json_bool(j, pk + 1, &v[m].propagate);
			m++;
		}
	}
	if (m)
		qsort(v, (size_t)m, sizeof(*v), perm_cmp);
	*out = v ? v : px_xcalloc(1, sizeof(*v));
	*n = m;
	return 0;
}

/* ---- pools and storage ---- */

#define PM struct pve_pool_member
static const struct pve_field pm_fields[] = {
	PF_STR(PM, id, "id"), PF_STR(PM, type, "type"),
	PF_INT(PM, vmid, "vmid", 0), PF_STR(PM, storage, "storage"),
	PF_STR(PM, node, "node"), PF_STR(PM, name, "name"),
	PF_STR(PM, status, "status"),
};

int
pve_pool_members_parse(const struct json *j, int t,
    struct pve_pool_member **out, int *n, char *comment, struct px_err *e)
{
	if (json_type(j, t) == JSON_ARRAY)
		t = json_first(j, t);
	if (json_type(j, t) != JSON_OBJECT) {
		*out = NULL;
		*n = 0;
		return px_fail(e, PXE_NOT_FOUND, "no such pool");
	}
	if (comment) {
		if (json_strcpy(j, json_get(j, t, "comment"), comment, 256) < 0)
			comment[0] = '\0';
		text_sanitize(comment);
	}
	if (json_get(j, t, "members") < 0) {	/* an empty pool */
		*out = px_xcalloc(1, sizeof(**out));
		*n = 0;
		return 0;
	}
	return pve_rows_parse(j, json_get(j, t, "members"),
	    &(const struct pve_rows)PVE_ROWS("pool members", PM, pm_fields,
	    NULL), (void **)out, n, e);
}

#define SC struct pve_storage_cfg
static const struct pve_field sc_fields[] = {
	PF_STR(SC, storage, "storage"), PF_STR(SC, type, "type"),
	PF_STR(SC, content, "content"), PF_STR(SC, nodes, "nodes"),
	PF_STR(SC, path, "path"), PF_STR(SC, server, "server"),
	PF_STR(SC, pool, "pool"), PF_STR(SC, pool, "vgname"),
	PF_BOOL(SC, shared, "shared", 0), PF_BOOL(SC, disable, "disable", 0),
	PF_STR(SC, prune, "prune-backups"),
};

/* Does the row still use the removed "maxfiles" retention setting? */
static int
storage_maxfiles(const struct json *j, int obj, void *row)
{
	((SC *)row)->has_maxfiles = !json_is_null(j, json_get(j, obj,
	    "maxfiles"));
	return 0;
}

int
pve_storage_cfg_parse(const struct json *j, int arr,
    struct pve_storage_cfg **out, int *n, struct px_err *e)
{
	return PVE_PARSE("storage configuration", SC, sc_fields,
	    storage_maxfiles);
}

/* ---- backups ---- */

static const struct pve_field unprot_f[] = {
	PF_INT(struct pve_unprotected, vmid, "vmid", 0),
	PF_STR(struct pve_unprotected, name, "name"),
	PF_STR(struct pve_unprotected, type, "type"),
};

int
pve_unprotected_parse(const struct json *j, int arr,
    struct pve_unprotected **out, int *n, struct px_err *e)
{
	return PVE_PARSE("not backed up", struct pve_unprotected, unprot_f,
	    NULL);
}

static const struct pve_field bjob_f[] = {
	PF_STR(struct pve_backup_job, id, "id"),
	PF_BOOL(struct pve_backup_job, enabled, "enabled", 1),
	PF_BOOL(struct pve_backup_job, all, "all", 0),
	PF_STR(struct pve_backup_job, vmid, "vmid"),
	PF_STR(struct pve_backup_job, node, "node"),
	PF_STR(struct pve_backup_job, pool, "pool"),
	PF_STR(struct pve_backup_job, storage, "storage"),
	PF_STR(struct pve_backup_job, schedule, "schedule"),
	PF_STR(struct pve_backup_job, exclude, "exclude"),
	PF_LL(struct pve_backup_job, next_run, "next-run"),
	PF_STR(struct pve_backup_job, mode, "mode"),
	PF_STR(struct pve_backup_job, compress, "compress"),
	PF_STR(struct pve_backup_job, comment, "comment"),
	PF_STR(struct pve_backup_job, notes_template, "notes-template"),
	PF_STR(struct pve_backup_job, prune_backups, "prune-backups"),
};

static int
job_maxfiles(const struct json *j, int obj, void *row)
{
	struct pve_backup_job *b = row;
	int t = json_get(j, obj, "prune-backups");

	b->has_maxfiles = !json_is_null(j, json_get(j, obj, "maxfiles"));
	if (json_type(j, t) == JSON_OBJECT) {
		/* PVE's own text of the object: a JSON object has no raw
		 * control character, and one escaped (\u001b) is text */
		size_t len;
		const char *raw = json_raw(j, t, &len);

		b->prune_backups[0] = '\0';
		if (raw != NULL && len < sizeof(b->prune_backups)) {
			memcpy(b->prune_backups, raw, len);
			b->prune_backups[len] = '\0';
			text_sanitize(b->prune_backups);
		}
	}
	return 0;
}

int
pve_backup_jobs_parse(const struct json *j, int arr,
    struct pve_backup_job **out, int *n, struct px_err *e)
{
	return PVE_PARSE("backup jobs", struct pve_backup_job, bjob_f,
	    job_maxfiles);
}

/* The volumes of a guest: key, else "?", joined into in or ex. */
static void
volumes_join(const struct json *j, int arr, struct pve_backup_guest *g)
{
	int c, i;

	JSON_FOREACH(j, arr, c, i) {
		char key[64], *list;
		size_t have, size = sizeof(g->included), k;
		int in = 0, t = json_get(j, c, "id");

		if (json_type(j, c) == JSON_OBJECT &&
		    json_bool(j, json_get(j, c, "included"), &in) != 0)
			in = 0;
		list = in ? g->included : g->excluded;
		if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, key,
		    sizeof(key)) <= 0 || strspn(key, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(key))
			snprintf(key, sizeof(key), "?");
		have = strlen(list);
		if (have >= 4 && strcmp(list + have - 4, ",...") == 0)
			continue;	/* full */
		k = strlen(key) + (have ? 1 : 0);
		if (have + k + 4 < size)	/* room for ",..." after */
			snprintf(list + have, size - have, "%s%s",
			    have ? "," : "", key);
		else
			snprintf(list + have, size - have, "%s...",
			    have ? "," : "");
	}
}

static int
guest_volumes(const struct json *j, int obj, void *row)
{
	int t = json_get(j, obj, "children");

	if (json_type(j, t) == JSON_ARRAY)
		volumes_join(j, t, row);
	return 0;
}

int
pve_backup_included_parse(const struct json *j, int obj,
    struct pve_backup_guest **out, int *n, struct px_err *e)
{
#define BG struct pve_backup_guest
	static const struct pve_field f[] = {
		PF_INT(BG, vmid, "id", 0),
		PF_STR(BG, type, "type"),
		PF_STR(BG, name, "name"),
	};
	static const struct pve_rows d = PVE_ROWS("backup job's guests", BG,
	    f, guest_volumes);
#undef BG
	int arr;

	*out = NULL;
	*n = 0;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "backup job's volumes: not an "
		    "object");
	arr = json_get(j, obj, "children");
	if (json_type(j, arr) != JSON_ARRAY)
		return px_fail(e, PXE_PARSE, "backup job's volumes: %s",
		    arr < 0 || json_is_null(j, arr) ? "no children" :
		    "children is not an array");
	return pve_rows_parse(j, arr, &d, (void **)out, n, e);
}

/*
 * PVE lists a pool's members only when asked for that pool (GET
 * /pools?poolid=ID, PVE 8.1 and later): count them with one parallel
 * round for the pools the list left without.  A pool whose answer fails
 * keeps members -1 (shown as "-").
 */
void
pve_pools_count(struct px_client *c, struct pve_pool *v, int nv,
    const char *only)
{
	struct px_call *k = calloc((size_t)nv, sizeof(*k));

	if (k == NULL)
		return;
	for (int q = 0; q < nv; q++) {
		struct buf id = { 0 };

		if (v[q].members >= 0 || (only && strcmp(v[q].poolid, only)
		    != 0))
			continue;
		url_seg(&id, v[q].poolid);
		px_call_init(&k[q], c, "GET", NULL, "/pools?poolid=%s",
		    buf_str(&id));
		buf_free(&id);
	}
	pve_calls_run(k, nv);
	for (int q = 0; q < nv; q++) {
		struct px_reply r;
		struct px_err e;
		struct pve_pool *one;
		int n1;

		if (k[q].method == NULL)
			continue;
		if (pve_call_reply(&k[q], &r, &e) == 0) {
			if (pve_pools_parse(&r.j, r.data, &one, &n1, &e) == 0) {
				if (n1 == 1 && strcmp(one[0].poolid,
				    v[q].poolid) == 0)
					v[q].members = one[0].members;
				free(one);
			}
			px_reply_free(&r);
		}
		px_call_free(&k[q]);
	}
	free(k);
}
