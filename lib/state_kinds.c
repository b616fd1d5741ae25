/*
 * state_kinds.c -- the kinds of a state file (state_kinds.h): for each,
 * its keys (PVE's parameter names, from apidoc.js: the create call's,
 * less the identity and the secrets PVE never gives back), how it is
 * read and the requests of its changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "json.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_mapping.h"
#include "pve_objw.h"
#include "state_impl.h"

#define L(...) (const char *const[]){ __VA_ARGS__, NULL }

static void joined(const struct st_sec *, const char *, struct buf *);
static int read_generic(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_generic(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int read_pools(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_pool(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int read_acl(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_acl(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int read_roles(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int read_subnets(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_subnet(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int write_role(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int read_mappings(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_mapping(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
static int read_ha(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
static int write_ha_rule(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);

/* Dependency order: what others name comes first. */
static const struct st_kind kinds[] = {
	{ "role", "roles", 10, L("privs"), L("privs"), NULL,
	  "/access/roles", "roleid", "/access/roles", "/access/roles/%s", 0,
	  read_roles, write_role, NULL, 0, 0, NULL, NULL, NULL },
	{ "group", "groups", 20, L("comment"), NULL, NULL,
	  "/access/groups", "groupid", "/access/groups", "/access/groups/%s",
	  0, read_generic, write_generic, NULL, 0, 0, NULL, NULL, NULL },
	{ "user", "users", 30, L("comment", "email", "enable", "expire",
	  "firstname", "groups", "lastname"), L("groups"), NULL,
	  "/access/users?full=1", "userid", "/access/users",
	  "/access/users/%s", 0, read_generic, write_generic,
	  L("enable=1", "expire=0"), 0, 0, NULL, NULL, L("enable") },
	{ "pool", "pools", 40, L("comment", "storage", "vm"),
	  L("storage", "vm"), NULL, "/pools", "poolid", "/pools",
	  "/pools?poolid=%s", 0, read_pools, write_pool, NULL, 0, 0, NULL,
	  NULL, NULL },
	{ "storage", "storage", 50, L("authsupported", "base", "blocksize",
	  "bwlimit", "comstar_hg", "comstar_tg", "content", "content-dirs",
	  "create-base-path", "create-subdirs", "data-pool", "datastore",
	  "disable", "domain", "export", "fingerprint", "format", "fs-name",
	  "fuse", "is_mountpoint", "iscsiprovider", "krbd", "lio_tpg",
	  "max-protected-backups", "mkdir", "monhost", "mountpoint",
	  "namespace", "nocow", "nodes", "nowritecache", "options", "path",
	  "pool", "port", "portal", "preallocation", "prune-backups",
	  "saferemove", "saferemove-stepsize", "saferemove_throughput",
	  "server", "share", "shared", "skip-cert-verification",
	  "smbversion", "snapshot-as-volume-chain", "sparse", "subdir",
	  "tagged_only", "target", "thinpool", "type", "username", "vgname",
	  "zfs-base-path"), L("content", "nodes"),
	  L("type", "base", "datastore", "export", "iscsiprovider", "portal",
	  "share", "target", "thinpool", "vgname"),
	  "/storage", "storage", "/storage", "/storage/%s", 1,
	  read_generic, write_generic, NULL, 1, 0, NULL, NULL,
	  L("create-base-path", "create-subdirs", "disable", "fuse",
	  "is_mountpoint", "krbd", "mkdir", "nocow", "nowritecache",
	  "saferemove", "shared", "skip-cert-verification",
	  "snapshot-as-volume-chain", "sparse", "tagged_only") },
	/* resource mappings: one map line per node entry (a property
	 * string with commas: kind-specific reading and writing).  No
	 * digest: PVE's covers the whole file of a type, so the second
	 * change of one apply to the same type would be refused. */
	{ "mapping pci", "mappings", 55, L("description",
	  "live-migration-capable", "map", "mdev"), L("map"), NULL,
	  "/cluster/mapping/pci", "id", "/cluster/mapping/pci",
	  "/cluster/mapping/pci/%s", 0, read_mappings, write_mapping,
	  L("live-migration-capable=0", "mdev=0"), 1, 0, NULL, NULL,
	  L("live-migration-capable", "mdev") },
	{ "mapping usb", "mappings", 56, L("description", "map"), L("map"),
	  NULL, "/cluster/mapping/usb", "id", "/cluster/mapping/usb",
	  "/cluster/mapping/usb/%s", 0, read_mappings, write_mapping, NULL,
	  1, 0, NULL, NULL, NULL },
	{ "mapping dir", "mappings", 57, L("description", "map"), L("map"),
	  NULL, "/cluster/mapping/dir", "id", "/cluster/mapping/dir",
	  "/cluster/mapping/dir/%s", 0, read_mappings, write_mapping, NULL,
	  1, 0, NULL, NULL, NULL },
	{ "acl", "acl", 60, L("propagate"), NULL, NULL, "/access/acl", NULL,
	  NULL, NULL, 0, read_acl, write_acl, L("propagate=1"), 0, 0, NULL,
	  NULL, L("propagate") },
	{ "backup-job", "backup-jobs", 70, L("all", "bwlimit", "comment",
	  "compress", "dow", "dumpdir", "enabled", "exclude", "exclude-path",
	  "fleecing", "ionice", "lockwait", "mailnotification", "mailto",
	  "maxfiles", "mode", "node", "notes-template", "notification-mode",
	  "pbs-change-detection-mode", "performance", "pigz", "pool",
	  "protected", "prune-backups", "quiet", "remove", "repeat-missed",
	  "schedule", "script", "starttime", "stdexcludes", "stop",
	  "stopwait", "storage", "tmpdir", "vmid", "zstd"), NULL, NULL,
	  "/cluster/backup", "id", "/cluster/backup", "/cluster/backup/%s",
	  0, read_generic, write_generic, L("enabled=1"), 1, 0, NULL, NULL,
	  L("all", "enabled", "protected", "quiet", "remove",
	  "repeat-missed", "stdexcludes", "stop") },
	{ "replication", "replication", 80, L("comment", "disable", "rate",
	  "remove_job", "schedule", "source", "target", "type"), NULL,
	  L("target", "type"), "/cluster/replication", "id",
	  "/cluster/replication", "/cluster/replication/%s", 1,
	  read_generic, write_generic, L("schedule=*/15"), 1, 0, NULL, NULL,
	  L("disable") },
	/* HA groups and rules send no digest: PVE's digest is the whole
	 * groups.cfg's or rules.cfg's, so the one read before the apply
	 * is stale after its first change, and a file of two changes of
	 * the kind would be refused half-way */
	{ "ha group", "ha-groups", 85, L("comment", "nodes", "nofailback",
	  "restricted"), L("nodes"), NULL, "/cluster/ha/groups", "group",
	  "/cluster/ha/groups", "/cluster/ha/groups/%s", 0, read_ha,
	  write_generic, L("nofailback=0", "restricted=0"), 1, 0, NULL, NULL,
	  L("nofailback", "restricted") },
	{ "ha resource", "ha-resources", 90, L("comment", "failback",
	  "group", "max_relocate", "max_restart", "state", "type"), NULL,
	  L("type"), "/cluster/ha/resources", "sid", "/cluster/ha/resources",
	  "/cluster/ha/resources/%s", 1, read_generic, write_generic,
	  L("failback=1", "max_relocate=1", "max_restart=1", "state=started"),
	  1, 0, NULL, NULL, L("failback") },
	{ "ha rule", "ha-rules", 95, L("affinity", "comment", "disable",
	  "nodes", "resources", "strict", "type"), L("nodes", "resources"),
	  L("type"), "/cluster/ha/rules", "rule", "/cluster/ha/rules",
	  "/cluster/ha/rules/%s", 0, read_ha, write_ha_rule,
	  L("disable=0", "strict=0"), 1, 0, NULL, NULL,
	  L("disable", "strict") },
	/* firewall-cluster: aliases and IP sets before the rules that name
	 * them, groups before the cluster rules that use them, the options
	 * (enable) last */
	{ "firewall alias", "firewall-cluster", 100, L("cidr", "comment"),
	  NULL, NULL, "/cluster/firewall/aliases", "name",
	  "/cluster/firewall/aliases", "/cluster/firewall/aliases/%s", 1,
	  st_fw_read_alias, st_fw_write_alias, NULL, 0, 0, NULL, NULL,
	  NULL },
	{ "firewall ipset", "firewall-cluster", 101, L("cidr", "comment"),
	  L("cidr"), NULL, NULL, "name", NULL, NULL, 0, st_fw_read_ipset,
	  st_fw_write_ipset, NULL, 0, 0, NULL, NULL, NULL },
	{ "firewall group", "firewall-cluster", 102, L("comment", "rule"),
	  L("rule"), NULL, NULL, "group", NULL, NULL, 0, st_fw_read_group,
	  st_fw_write_group, NULL, 0, 0, L("rule"), NULL, NULL },
	{ "firewall rules", "firewall-cluster", 103, L("rule"), L("rule"),
	  NULL, NULL, NULL, NULL, NULL, 0, st_fw_read_rules,
	  st_fw_write_rules, NULL, 0, 1, L("rule"), NULL, NULL },
	{ "firewall options", "firewall-cluster", 104, L("ebtables", "enable",
	  "log_ratelimit", "policy_forward", "policy_in", "policy_out"), NULL,
	  NULL, "/cluster/firewall/options", NULL, NULL,
	  "/cluster/firewall/options", 1, st_fw_read_options, write_generic,
	  L("ebtables=1", "enable=0", "policy_forward=ACCEPT",
	  "policy_in=DROP", "policy_out=ACCEPT"), 1, 1, NULL, NULL,
	  L("ebtables", "enable") },
	/* notifications: the endpoints (without their secrets) before the
	 * matchers that name them */
	{ "notification sendmail", "notifications", 110, L("author",
	  "comment", "disable", "from-address", "mailto", "mailto-user"),
	  L("mailto", "mailto-user"), NULL,
	  "/cluster/notifications/endpoints/sendmail", "name",
	  "/cluster/notifications/endpoints/sendmail",
	  "/cluster/notifications/endpoints/sendmail/%s", 1, read_generic,
	  write_generic, L("disable=0"), 1, 0, NULL, L("mailto",
	  "mailto-user"), L("disable") },
	{ "notification smtp", "notifications", 111, L("author", "comment",
	  "disable", "from-address", "mailto", "mailto-user", "mode", "port",
	  "server", "username"), L("mailto", "mailto-user"), NULL,
	  "/cluster/notifications/endpoints/smtp", "name",
	  "/cluster/notifications/endpoints/smtp",
	  "/cluster/notifications/endpoints/smtp/%s", 1, read_generic,
	  write_generic, L("disable=0"), 1, 0, NULL, L("mailto",
	  "mailto-user"), L("disable") },
	{ "notification gotify", "notifications", 112, L("comment", "disable",
	  "server"), NULL, NULL, "/cluster/notifications/endpoints/gotify",
	  "name", "/cluster/notifications/endpoints/gotify",
	  "/cluster/notifications/endpoints/gotify/%s", 1, read_generic,
	  write_generic, L("disable=0"), 1, 0, NULL, NULL, L("disable") },
	{ "notification webhook", "notifications", 113, L("body", "comment",
	  "disable", "header", "method", "url"), L("header"), NULL,
	  "/cluster/notifications/endpoints/webhook", "name",
	  "/cluster/notifications/endpoints/webhook",
	  "/cluster/notifications/endpoints/webhook/%s", 1, read_generic,
	  write_generic, L("disable=0"), 1, 0, NULL, L("header"),
	  L("disable") },
	{ "notification matcher", "notifications", 115, L("comment",
	  "disable", "invert-match", "match-calendar", "match-field",
	  "match-severity", "mode", "target"), L("match-calendar",
	  "match-field", "match-severity", "target"), NULL,
	  "/cluster/notifications/matchers", "name",
	  "/cluster/notifications/matchers",
	  "/cluster/notifications/matchers/%s", 1, read_generic,
	  write_generic, L("disable=0", "invert-match=0", "mode=all"), 1, 0,
	  NULL, L("match-calendar", "match-field", "match-severity",
	  "target"), L("disable", "invert-match") },
	{ "cluster options", "cluster-options", 120, L("bwlimit",
	  "consent-text", "console", "crs", "description", "email_from",
	  "fencing", "ha", "http_proxy", "keyboard", "language", "mac_prefix",
	  "max_workers", "migration", "migration_unsecure", "next-id",
	  "notify", "registered-tags", "replication", "tag-style", "u2f",
	  "user-tag-access", "webauthn"), NULL, NULL, "/cluster/options",
	  NULL, NULL, "/cluster/options", 0, st_read_cluster_options,
	  write_generic, NULL, 1, 1, NULL, NULL, L("migration_unsecure") },
	/* SDN: changes stay pending until px sdn apply; no digest (one
	 * for the whole file: a second change would be refused) */
	{ "sdn zone", "sdn", 130, L("advertise-subnets", "bridge",
	  "bridge-disable-mac-learning", "controller", "dhcp",
	  "disable-arp-nd-suppression", "dns", "dnszone", "dp-id",
	  "exitnodes", "exitnodes-local-routing", "exitnodes-primary",
	  "fabric", "ipam", "mac", "mtu", "nodes", "peers", "reversedns",
	  "rt-import", "tag", "type", "vlan-protocol", "vrf-vxlan",
	  "vxlan-port"), NULL, L("type"), "/cluster/sdn/zones", "zone",
	  "/cluster/sdn/zones", "/cluster/sdn/zones/%s", 0, read_generic,
	  write_generic, NULL, 1, 0, NULL, NULL, NULL },
	{ "sdn vnet", "sdn", 131, L("alias", "isolate-ports", "tag",
	  "vlanaware", "zone"), NULL, NULL, "/cluster/sdn/vnets", "vnet",
	  "/cluster/sdn/vnets", "/cluster/sdn/vnets/%s", 0, read_generic,
	  write_generic, NULL, 1, 0, NULL, NULL, NULL },
	{ "sdn subnet", "sdn", 132, L("dhcp-dns-server", "dnszoneprefix",
	  "gateway", "snat", "vnet"), NULL, L("vnet"), NULL, "subnet", NULL,
	  NULL, 0, read_subnets, write_subnet, NULL, 1, 0, NULL, NULL,
	  NULL },
};
#define NKINDS ((int)(sizeof(kinds) / sizeof(kinds[0])))

const struct st_kind *
st_kinds(int *n)
{
	*n = NKINDS;
	return kinds;
}

const struct st_kind *
st_kind_of(const char *section, const char **id)
{
	const struct st_kind *best = NULL;
	size_t bl = 0;

	for (int i = 0; i < NKINDS; i++) {
		size_t n = strlen(kinds[i].name);

		if (strncmp(section, kinds[i].name, n) == 0 &&
		    (section[n] == ' ' || section[n] == '\0') && n > bl) {
			best = &kinds[i];
			bl = n;
		}
	}
	if (best && id) {
		*id = section + bl;
		while (**id == ' ')
			(*id)++;
	}
	return best;
}

int
st_family_known(const char *family)
{
	if (strcmp(family, "all") == 0)
		return 1;
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].family, family) == 0)
			return 1;
	return 0;
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
st_kind_has_key(const struct st_kind *k, const char *key)
{
	return in(k->keys, key);
}

int
st_kind_is_list(const struct st_kind *k, const char *key)
{
	return in(k->lists, key);
}

int
st_kind_is_ordered(const struct st_kind *k, const char *key)
{
	return in(k->ordered, key);
}

int
st_kind_is_bool(const struct st_kind *k, const char *key)
{
	return in(k->bools, key);
}

const char *
st_kind_default(const struct st_kind *k, const char *key)
{
	size_t n = strlen(key);

	for (const char *const *d = k->defaults; d && *d; d++)
		if (strncmp(*d, key, n) == 0 && (*d)[n] == '=')
			return *d + n + 1;
	return NULL;
}

void
st_normalize(struct st_sec *sec)
{
	int j = 0;

	if (strncmp(sec->kind->name, "firewall ", 9) == 0)
		st_fw_normalize(sec);

	for (int i = 0; i < sec->nkv; i++) {
		const char *def = st_kind_default(sec->kind, sec->kv[i].key);

		if (sec->kv[i].value[0] == '\0' || (def &&
		    strcmp(def, sec->kv[i].value) == 0)) {
			free(sec->kv[i].key);
			free(sec->kv[i].value);
			continue;
		}
		sec->kv[j++] = sec->kv[i];
	}
	sec->nkv = j;
}

/* ---- reading ---- */

/* The text of a scalar value (true/false as 1/0), or NULL. */
static char *
scalar(const struct json *j, int t)
{
	int b;

	switch (json_type(j, t)) {
	case JSON_STRING:
	case JSON_NUMBER:
		return json_strdup(j, t);
	case JSON_TRUE:
	case JSON_FALSE:
		json_bool(j, t, &b);
		return px_xstrdup(b ? "1" : "0");
	default:
		return NULL;
	}
}

/* key = value into sec; a list key split on commas (and spaces). */
static void
put(const struct st_kind *k, struct st_sec *sec, const char *key,
    const char *v)
{
	if (!st_kind_is_list(k, key)) {
		st_set(sec, key, v);
		return;
	}
	char *copy = px_xstrdup(v), *p, *save = NULL;

	for (p = strtok_r(copy, ", ;", &save); p; p = strtok_r(NULL, ", ;",
	    &save))
		st_set(sec, key, p);
	free(copy);
}

/* An identity px can name a section by: no ']' or control characters. */
static int
id_ok(const char *id)
{
	if (id == NULL || *id == '\0' || strlen(id) > 200)
		return 0;
	for (; *id; id++)
		if (*id == ']' || *id == '[' || (unsigned char)*id < 0x20 ||
		    *id == 0x7f)
			return 0;
	return 1;
}

static int
get_rows(struct px_client *c, const char *path, struct px_reply *r,
    struct px_err *e)
{
	if (pve_get(c, r, e, "%s", path) != 0)
		return -1;
	if (json_type(&r->j, r->data) != JSON_ARRAY) {
		px_reply_free(r);
		return px_fail(e, PXE_PARSE, "GET %s: the answer's data is not "
		    "a list", path);
	}
	return 0;
}

/*
 * HA groups and rules: PVE 8 has no rules API (501) and PVE 9 refuses
 * the groups once it has migrated them to rules; the server then has
 * none of them.
 */
static int
read_ha(struct px_client *c, const struct st_kind *k, struct st_state *st,
    struct px_err *e)
{
	if (read_generic(c, k, st, e) == 0)
		return 0;
	if (e->http == 501 || (e->http == 500 && strstr(e->msg,
	    "migrated to rules") != NULL)) {
		memset(e, 0, sizeof(*e));
		return 0;
	}
	return -1;
}

/* The rows of GET path as sections of kind k. */
static int
read_rows(struct px_client *c, const struct st_kind *k, const char *path,
    struct st_state *st, struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (get_rows(c, path, &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *id = json_get_str(&r.j, row, k->idkey);
		struct st_sec *sec;
		int kk, m;

		if (!id_ok(id)) {
			free(id);
			continue;
		}
		sec = st_add(st, k, id);
		free(id);
		if ((kk = json_get(&r.j, row, "digest")) >= 0)
			json_strcpy(&r.j, kk, sec->digest, sizeof(sec->digest));
		/* PVE's own (the notification target mail-to-root) */
		if (json_eq(&r.j, json_get(&r.j, row, "origin"), "builtin"))
			sec->keep = 1;
		JSON_FOREACH_KV(&r.j, row, kk, m) {
			char *key = json_strdup(&r.j, kk), *v;

			if (key && st_kind_has_key(k, key) &&
			    json_type(&r.j, kk + 1) == JSON_ARRAY &&
			    st_kind_is_list(k, key)) {
				/* PVE's array: an element a line */
				int el, q;

				JSON_FOREACH(&r.j, kk + 1, el, q)
					if ((v = scalar(&r.j, el)) != NULL) {
						if (*v)
							st_set(sec, key, v);
						free(v);
					}
			} else if (key && st_kind_has_key(k, key) &&
			    (v = scalar(&r.j, kk + 1)) != NULL) {
				if (*v || !st_kind_is_list(k, key))
					put(k, sec, key, v);
				free(v);
			}
			free(key);
		}
	}
	px_reply_free(&r);
	return 0;
}

static int
read_generic(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	return read_rows(c, k, k->list_path, st, e);
}

/* A vnet id as PVE takes it, safe in a path and a format. */
static int
vnet_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (n < 2 || n > 8 || !((*v >= 'a' && *v <= 'z') || (*v >= 'A' &&
	    *v <= 'Z')))
		return 0;
	return strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789") == n;
}

/* The subnets of every vnet (of the configuration, pending or not). */
static int
read_subnets(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct px_reply r;
	int row, i, rc = 0;

	if (get_rows(c, "/cluster/sdn/vnets", &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *v = json_get_str(&r.j, row, "vnet");
		char path[96];

		if (vnet_ok(v)) {
			snprintf(path, sizeof(path), "/cluster/sdn/vnets/%s/"
			    "subnets", v);
			rc = read_rows(c, k, path, st, e);
		}
		free(v);
		if (rc != 0)
			break;
	}
	px_reply_free(&r);
	return rc;
}

static int
read_roles(struct px_client *c, const struct st_kind *k, struct st_state *st,
    struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (get_rows(c, k->list_path, &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *id = json_get_str(&r.j, row, "roleid");
		char *privs = json_get_str(&r.j, row, "privs");
		struct st_sec *sec;

		/* built-in roles are PVE's, not the cluster's state */
		if (json_get_bool(&r.j, row, "special", 0) || !id_ok(id)) {
			free(id);
			free(privs);
			continue;
		}
		sec = st_add(st, k, id);
		if (privs && *privs)
			put(k, sec, "privs", privs);
		free(id);
		free(privs);
	}
	px_reply_free(&r);
	return 0;
}

static int
read_pools(struct px_client *c, const struct st_kind *k, struct st_state *st,
    struct px_err *e)
{
	struct pve_pool *v = NULL;
	struct px_reply r;
	int n = 0;

	struct pve_version ver;
	int legacy;

	if (pve_version_get(c, &ver, e) != 0)
		return -1;
	legacy = objw_pool_legacy(ver.release);
	if (get_rows(c, "/pools", &r, e) != 0)
		return -1;
	if (pve_pools_parse(&r.j, r.data, &v, &n, e) != 0) {
		px_reply_free(&r);
		return -1;
	}
	px_reply_free(&r);
	for (int i = 0; i < n; i++) {
		struct pve_pool_member *m = NULL;
		struct buf p = { 0 };
		struct st_sec *sec;
		int nm = 0;

		if (!id_ok(v[i].poolid))
			continue;
		objw_pool_path(&p, v[i].poolid, legacy);
		if (pve_get(c, &r, e, "%s", p.p) != 0 ||
		    pve_pool_members_parse(&r.j, r.data, &m, &nm, NULL,
		    e) != 0) {
			buf_free(&p);
			free(v);
			return -1;
		}
		px_reply_free(&r);
		buf_free(&p);
		sec = st_add(st, k, v[i].poolid);
		sec->legacy = legacy;
		if (v[i].comment[0])
			st_set(sec, "comment", v[i].comment);
		for (int q = 0; q < nm; q++) {
			char id[16];

			if (m[q].vmid) {
				snprintf(id, sizeof(id), "%d", m[q].vmid);
				st_set(sec, "vm", id);
			} else if (m[q].storage[0]) {
				/* a shared storage is a member once per node */
				int dup = 0;

				for (int d = 0; d < sec->nkv && !dup; d++)
					dup = strcmp(sec->kv[d].key, "storage")
					    == 0 && strcmp(sec->kv[d].value,
					    m[q].storage) == 0;
				if (!dup)
					st_set(sec, "storage", m[q].storage);
			}
		}
		free(m);
	}
	free(v);
	return 0;
}

static int
read_acl(struct px_client *c, const struct st_kind *k, struct st_state *st,
    struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (get_rows(c, k->list_path, &r, e) != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *path = json_get_str(&r.j, row, "path");
		char *type = json_get_str(&r.j, row, "type");
		char *ugid = json_get_str(&r.j, row, "ugid");
		char *role = json_get_str(&r.j, row, "roleid");
		char id[512];

		if (path && type && ugid && role && strchr(path, ' ') == NULL &&
		    strchr(ugid, ' ') == NULL && strchr(role, ' ') == NULL) {
			snprintf(id, sizeof(id), "%s %s:%s %s", path, type,
			    ugid, role);
			if (id_ok(id))
				st_set(st_add(st, k, id), "propagate",
				    json_get_bool(&r.j, row, "propagate", 1) ?
				    "1" : "0");
		}
		free(path);
		free(type);
		free(ugid);
		free(role);
	}
	px_reply_free(&r);
	return 0;
}

/* A mapping's scalar keys as the generic reader does, and each entry
 * of its map array a line of its own (an entry holds commas). */
static int
read_mappings(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	struct px_reply r;
	int row, i;

	if (get_rows(c, k->list_path, &r, e) != 0) {
		/* PVE before 8.4 has no directory mappings */
		if (strcmp(k->name, "mapping dir") == 0 && (e->http == 501 ||
		    e->id == PXE_NOT_FOUND)) {
			memset(e, 0, sizeof(*e));
			return 0;
		}
		return -1;
	}
	JSON_FOREACH(&r.j, r.data, row, i) {
		char *id = json_get_str(&r.j, row, "id");
		struct st_sec *sec;
		int kk, m, a, el;

		if (!id_ok(id)) {
			free(id);
			continue;
		}
		sec = st_add(st, k, id);
		free(id);
		if ((kk = json_get(&r.j, row, "digest")) >= 0)
			json_strcpy(&r.j, kk, sec->digest, sizeof(sec->digest));
		JSON_FOREACH_KV(&r.j, row, kk, m) {
			char *key = json_strdup(&r.j, kk), *v;

			if (key && strcmp(key, "map") != 0 &&
			    st_kind_has_key(k, key) &&
			    (v = scalar(&r.j, kk + 1)) != NULL) {
				st_set(sec, key, v);
				free(v);
			}
			free(key);
		}
		if ((a = json_get(&r.j, row, "map")) < 0)
			continue;
		if (json_type(&r.j, a) == JSON_STRING) {
			char *v = json_strdup(&r.j, a);

			if (v && *v)
				st_set(sec, "map", v);
			free(v);
			continue;
		}
		JSON_FOREACH(&r.j, a, kk, el) {
			char *v = scalar(&r.j, kk);

			if (v && *v)
				st_set(sec, "map", v);
			free(v);
		}
	}
	px_reply_free(&r);
	return 0;
}

int
st_export(struct px_client *c, const char *const *families, int nfam,
    struct st_state *st, struct px_err *e)
{
	for (int i = 0; i < NKINDS; i++) {
		int want = nfam == 0;

		for (int f = 0; f < nfam && !want; f++)
			want = strcmp(families[f], "all") == 0 ||
			    strcmp(families[f], kinds[i].family) == 0;
		if (want && kinds[i].read(c, &kinds[i], st, e) != 0)
			return -1;
	}
	for (int i = 0; i < st->n; i++)
		st_normalize(&st->s[i]);
	st_sort(st);
	return 0;
}

/* ---- writing ---- */

/* key's values in sec as form parameters of t: one per element when
 * PVE takes an array, else joined with commas. */
static void
form_key(const struct st_kind *k, const struct st_sec *sec, const char *key,
    struct buf *form)
{
	if (in(k->arrays, key)) {
		for (int i = 0; i < sec->nkv; i++)
			if (strcmp(sec->kv[i].key, key) == 0)
				form_add(form, key, sec->kv[i].value);
		return;
	}
	struct buf v = { 0 };

	joined(sec, key, &v);
	form_add(form, key, buf_str(&v));
	buf_free(&v);
}

/* The values of key in sec joined with commas into b (a form value). */
static void
joined(const struct st_sec *sec, const char *key, struct buf *b)
{
	for (int i = 0; i < sec->nkv; i++)
		if (strcmp(sec->kv[i].key, key) == 0) {
			if (b->len)
				buf_addc(b, ',');
			buf_adds(b, sec->kv[i].value);
		}
}

static int
has(const struct st_sec *sec, const char *key)
{
	return sec && st_get(sec, key) != NULL;
}

/* The keys of a section, each once (a list key once). */
static int
keys_of(const struct st_sec *s, const char **out, int max)
{
	int n = 0;

	for (int i = 0; s && i < s->nkv && n < max; i++) {
		int dup = 0;

		for (int k = 0; k < n && !dup; k++)
			dup = strcmp(out[k], s->kv[i].key) == 0;
		if (!dup)
			out[n++] = s->kv[i].key;
	}
	return n;
}

/* Whether key's values differ between a and b. */
static int
key_differs(const struct st_sec *a, const struct st_sec *b, const char *key)
{
	struct buf x = { 0 }, y = { 0 };
	int d;

	joined(a, key, &x);
	joined(b, key, &y);
	d = strcmp(buf_str(&x), buf_str(&y)) != 0;
	buf_free(&x);
	buf_free(&y);
	return d;
}

static void
target(struct gate_target *t, const struct st_kind *k, const char *id,
    const char *method, const char *summary)
{
	snprintf(t->id, sizeof(t->id), "%s%s%.80s", k->name, *id ? "/" : "",
	    id);
	for (char *p = t->id; *p; p++)
		if (*p == ' ')
			*p = '-';
	snprintf(t->summary, sizeof(t->summary), "%.500s", summary);
	t->call.method = method;
}

static void
item_path(struct buf *b, const struct st_kind *k, const char *id)
{
	struct buf seg = { 0 };

	url_seg(&seg, id);
	buf_printf(b, k->item_path, seg.p);
	buf_free(&seg);
}

static int
write_generic(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want, *h = ch->have;
	const char *keys[128];
	char sum[300];
	int n;

	(void)max;
	if (ch->op == ST_DELETE) {
		snprintf(sum, sizeof(sum), "delete %s %s", k->name, h->id);
		target(t, k, h->id, "DELETE", sum);
		item_path(&t->call.path, k, h->id);
		return 1;
	}
	if (ch->op == ST_CREATE) {
		snprintf(sum, sizeof(sum), "create %s %s", k->name, w->id);
		target(t, k, w->id, "POST", sum);
		buf_adds(&t->call.path, k->create_path);
		form_add(&t->call.form, k->idkey, w->id);
		n = keys_of(w, keys, 128);
		for (int i = 0; i < n; i++)
			form_key(k, w, keys[i], &t->call.form);
		return 1;
	}
	/* update: the keys that differ; the ones the file drops are
	 * deleted (PVE's delete=a,b) */
	{
		struct buf del = { 0 };
		const char *hk[128];
		int nh = keys_of(h, hk, 128);

		n = keys_of(w, keys, 128);
		for (int i = 0; i < n; i++)
			if (in(k->fixed, keys[i]) && key_differs(w, h, keys[i]))
				return px_fail(e, PXE_USAGE, "%s %s: '%s' cannot "
				    "change (it is %s now): delete the %s and "
				    "create it anew", k->name, w->id, keys[i],
				    st_get(h, keys[i]) ? st_get(h, keys[i]) :
				    "not set", k->name);
		snprintf(sum, sizeof(sum), "update %s%s%s", k->name, *w->id ?
		    " " : "", w->id);
		target(t, k, w->id, "PUT", sum);
		item_path(&t->call.path, k, w->id);
		for (int i = 0; i < n; i++)
			if (!in(k->fixed, keys[i]) && key_differs(w, h,
			    keys[i]))
				form_key(k, w, keys[i], &t->call.form);
		for (int i = 0; i < nh; i++) {
			const char *def = st_kind_default(k, hk[i]);

			if (has(w, hk[i]) || in(k->fixed, hk[i]))
				continue;
			if (!k->delete_param) {
				/* no delete=: the key back to PVE's default,
				 * or empty */
				form_add(&t->call.form, hk[i], def ? def : "");
				continue;
			}
			if (del.len)
				buf_addc(&del, ',');
			buf_adds(&del, hk[i]);
		}
		if (del.len)
			form_add(&t->call.form, "delete", del.p);
		if (k->digest && h->digest[0])
			form_add(&t->call.form, "digest", h->digest);
		buf_free(&del);
		return 1;
	}
}

static int
write_role(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	char sum[300];
	struct buf v = { 0 };

	if (ch->op != ST_UPDATE)
		return write_generic(k, ch, t, max, e);
	/* PUT privs replaces the list (append is off) */
	snprintf(sum, sizeof(sum), "update role %s", ch->want->id);
	target(t, k, ch->want->id, "PUT", sum);
	item_path(&t->call.path, k, ch->want->id);
	joined(ch->want, "privs", &v);
	form_add(&t->call.form, "privs", v.p);
	buf_free(&v);
	return 1;
}

/* Each map line of sec, a map parameter of its own. */
static void
map_params(const struct st_sec *sec, struct buf *form)
{
	for (int i = 0; i < sec->nkv; i++)
		if (strcmp(sec->kv[i].key, "map") == 0)
			form_add(form, "map", sec->kv[i].value);
}

/*
 * A mapping: as the generic writer, but its map is a list of property
 * strings, sent as one map parameter each (PVE replaces the list), and
 * cannot be deleted (PVE requires it).
 */
static int
write_mapping(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want, *h = ch->have;
	const char *keys[16], *hk[16];
	struct buf del = { 0 };
	char sum[300];
	int n, nh;

	if (ch->op == ST_DELETE)
		return write_generic(k, ch, t, max, e);
	if (!has(w, "map"))
		return px_fail(e, PXE_USAGE, "[%s %s]: a mapping needs a map "
		    "line per node entry", k->name, w->id);
	n = keys_of(w, keys, 16);
	if (ch->op == ST_CREATE) {
		snprintf(sum, sizeof(sum), "create %s %s", k->name, w->id);
		target(t, k, w->id, "POST", sum);
		buf_adds(&t->call.path, k->create_path);
		form_add(&t->call.form, "id", w->id);
		for (int i = 0; i < n; i++)
			if (strcmp(keys[i], "map") != 0)
				form_add(&t->call.form, keys[i], st_get(w,
				    keys[i]));
		map_params(w, &t->call.form);
		return 1;
	}
	snprintf(sum, sizeof(sum), "update %s %s", k->name, w->id);
	target(t, k, w->id, "PUT", sum);
	item_path(&t->call.path, k, w->id);
	for (int i = 0; i < n; i++) {
		if (!key_differs(w, h, keys[i]))
			continue;
		if (strcmp(keys[i], "map") == 0)
			map_params(w, &t->call.form);
		else
			form_add(&t->call.form, keys[i], st_get(w, keys[i]));
	}
	nh = keys_of(h, hk, 16);
	for (int i = 0; i < nh; i++) {
		if (has(w, hk[i]))
			continue;
		if (del.len)
			buf_addc(&del, ',');
		buf_adds(&del, hk[i]);
	}
	if (del.len)
		form_add(&t->call.form, "delete", del.p);
	if (k->digest && h->digest[0])
		form_add(&t->call.form, "digest", h->digest);
	buf_free(&del);
	return 1;
}

/*
 * A subnet: created under its vnet with its CIDR (PVE names it
 * ZONE-NETWORK-MASK, so the id gives the CIDR back); changed and
 * deleted at /cluster/sdn/vnets/VNET/subnets/ID, as the generic kind.
 */
static int
write_subnet(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *sec = ch->want ? ch->want : ch->have;
	const char *vnet = st_get(sec, "vnet");
	struct st_kind sk = *k;
	char create[96], item[128], cidr[128], sum[300];
	const char *dash, *last;

	if (!vnet_ok(vnet))
		return px_fail(e, PXE_USAGE, "sdn subnet %s: give its vnet "
		    "(vnet = VNET)", sec->id);
	snprintf(create, sizeof(create), "/cluster/sdn/vnets/%s/subnets", vnet);
	snprintf(item, sizeof(item), "%s/%%s", create);
	sk.create_path = create;
	sk.item_path = item;
	if (ch->op != ST_CREATE)
		return write_generic(&sk, ch, t, max, e);
	dash = strchr(sec->id, '-');
	last = strrchr(sec->id, '-');
	if (dash == NULL || last == dash || strlen(dash) >= sizeof(cidr))
		return px_fail(e, PXE_USAGE, "sdn subnet %s: not an id PVE "
		    "gives (ZONE-NETWORK-MASK)", sec->id);
	snprintf(cidr, sizeof(cidr), "%.*s/%s", (int)(last - dash - 1),
	    dash + 1, last + 1);
	snprintf(sum, sizeof(sum), "create sdn subnet %s", sec->id);
	target(t, k, sec->id, "POST", sum);
	buf_adds(&t->call.path, create);
	form_add(&t->call.form, "subnet", cidr);
	form_add(&t->call.form, "type", "subnet");
	for (int i = 0; i < sec->nkv; i++)
		if (strcmp(sec->kv[i].key, "vnet") != 0)
			form_add(&t->call.form, sec->kv[i].key,
			    sec->kv[i].value);
	return 1;
}

/* The elements of list key in a but not in b, comma-joined into out. */
static void
only_in(const struct st_sec *a, const struct st_sec *b, const char *key,
    struct buf *out)
{
	for (int i = 0; a && i < a->nkv; i++) {
		int found = 0;

		if (strcmp(a->kv[i].key, key) != 0)
			continue;
		for (int k = 0; b && k < b->nkv && !found; k++)
			found = strcmp(b->kv[k].key, key) == 0 &&
			    strcmp(b->kv[k].value, a->kv[i].value) == 0;
		if (!found) {
			if (out->len)
				buf_addc(out, ',');
			buf_adds(out, a->kv[i].value);
		}
	}
}

static int
write_pool(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *w = ch->want, *h = ch->have;
	struct buf addv = { 0 }, adds = { 0 }, delv = { 0 }, dels = { 0 };
	char sum[300];
	int n = 0, legacy = h ? h->legacy : 0;
	const char *id = w ? w->id : h->id;

	(void)e;
	if (ch->op == ST_DELETE) {
		/* members first: PVE refuses a pool that has some */
		only_in(h, NULL, "vm", &delv);
		only_in(h, NULL, "storage", &dels);
	} else {
		only_in(w, h, "vm", &addv);
		only_in(w, h, "storage", &adds);
		only_in(h, w, "vm", &delv);
		only_in(h, w, "storage", &dels);
	}
	if (ch->op == ST_CREATE) {
		snprintf(sum, sizeof(sum), "create pool %s", id);
		target(&t[n], k, id, "POST", sum);
		buf_adds(&t[n].call.path, "/pools");
		form_add(&t[n].call.form, "poolid", id);
		if (has(w, "comment"))
			form_add(&t[n].call.form, "comment", st_get(w,
			    "comment"));
		n++;
	} else if (ch->op == ST_UPDATE && key_differs(w, h, "comment")) {
		snprintf(sum, sizeof(sum), "update pool %s", id);
		target(&t[n], k, id, "PUT", sum);
		objw_pool_path(&t[n].call.path, id, legacy);
		form_add(&t[n].call.form, "comment", has(w, "comment") ?
		    st_get(w, "comment") : "");
		n++;
	}
	/* the members, by the one writer of members (pve_objw.h) */
	if ((delv.len || dels.len) && n < max) {
		snprintf(sum, sizeof(sum), "remove %s%s%s%s%s from pool %s",
		    delv.len ? "guests " : "", buf_str(&delv), delv.len &&
		    dels.len ? " and " : "", dels.len ? "storage " : "",
		    buf_str(&dels), id);
		target(&t[n], k, id, "PUT", sum);
		objw_pool_members(&t[n], id, buf_str(&delv), buf_str(&dels), 1,
		    0, legacy);
		n++;
	}
	if ((addv.len || adds.len) && n < max) {
		snprintf(sum, sizeof(sum), "add %s%s%s%s%s to pool %s",
		    addv.len ? "guests " : "", buf_str(&addv), addv.len &&
		    adds.len ? " and " : "", adds.len ? "storage " : "",
		    buf_str(&adds), id);
		target(&t[n], k, id, "PUT", sum);
		/* the file says where a guest belongs: it may move */
		objw_pool_members(&t[n], id, buf_str(&addv), buf_str(&adds), 0,
		    1, legacy);
		n++;
	}
	if (ch->op == ST_DELETE && n < max) {
		snprintf(sum, sizeof(sum), "delete pool %s", id);
		target(&t[n], k, id, "DELETE", sum);
		objw_pool_path(&t[n].call.path, id, legacy);
		n++;
	}
	buf_free(&addv);
	buf_free(&adds);
	buf_free(&delv);
	buf_free(&dels);
	return n;
}

/* "PATH TYPE:UGID ROLE" into its parts (in buf, NUL-separated). */
int
st_acl_parts(const char *id, char *buf, size_t n, char **path, char **type,
    char **ugid, char **role, struct px_err *e)
{
	char *colon;

	snprintf(buf, n, "%s", id);
	*path = buf;
	if ((*type = strchr(buf, ' ')) == NULL)
		goto bad;
	*(*type)++ = '\0';
	if ((*role = strchr(*type, ' ')) == NULL)
		goto bad;
	*(*role)++ = '\0';
	if ((colon = strchr(*type, ':')) == NULL || strchr(*role, ' '))
		goto bad;
	*colon = '\0';
	*ugid = colon + 1;
	if ((*path)[0] != '/' || !**ugid || !**role ||
	    (strcmp(*type, "user") && strcmp(*type, "group") &&
	    strcmp(*type, "token")))
		goto bad;
	return 0;
bad:
	return px_fail(e, PXE_CONFIG, "[acl %s]: an ACL entry is [acl PATH "
	    "user:USER ROLE] (or group:, token:)", id);
}

static int
write_acl(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	const struct st_sec *s = ch->want ? ch->want : ch->have;
	char buf[512], sum[600], *path = NULL, *type = NULL, *ugid = NULL;
	char *role = NULL;
	const char *prop;

	(void)max;
	if (st_acl_parts(s->id, buf, sizeof(buf), &path, &type, &ugid, &role,
	    e) != 0)
		return -1;
	snprintf(sum, sizeof(sum), "%s ACL %s: %s %s has %s",
	    ch->op == ST_DELETE ? "remove" : ch->op == ST_CREATE ? "add" :
	    "update", path, type, ugid, role);
	target(t, k, s->id, "PUT", sum);
	prop = st_get(s, "propagate");
	/* the one writer of ACL entries (pve_objw.h) */
	objw_acl(t, path, role, strcmp(type, "user") == 0 ? ugid : NULL,
	    strcmp(type, "group") == 0 ? ugid : NULL, strcmp(type, "token") ==
	    0 ? ugid : NULL, prop && strcmp(prop, "0") == 0 ? 0 : 1,
	    ch->op == ST_DELETE);
	return 1;
}

int
st_requests(const struct st_change *ch, struct gate_target *t, int max,
    struct px_err *e)
{
	const struct st_sec *s = ch->want ? ch->want : ch->have;

	return s->kind->write(s->kind, ch, t, max, e);
}

/* An HA rule's PUT names its type (PVE's updateSchema requires it). */
static int
write_ha_rule(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	int n = write_generic(k, ch, t, max, e);

	if (n == 1 && ch->op == ST_UPDATE && st_get(ch->have, "type"))
		form_add(&t->call.form, "type", st_get(ch->have, "type"));
	return n;
}

/* ---- for the kinds in other files (state_impl.h) ---- */

char *
st_scalar(const struct json *j, int t)
{
	return scalar(j, t);
}

int
st_id_ok(const char *id)
{
	return id_ok(id);
}

int
st_get_rows(struct px_client *c, const char *path, struct px_reply *r,
    struct px_err *e)
{
	return get_rows(c, path, r, e);
}

void
st_joined(const struct st_sec *sec, const char *key, struct buf *b)
{
	joined(sec, key, b);
}

int
st_key_differs(const struct st_sec *a, const struct st_sec *b,
    const char *key)
{
	return key_differs(a, b, key);
}

void
st_target(struct gate_target *t, const struct st_kind *k, const char *id,
    const char *method, const char *summary)
{
	target(t, k, id, method, summary);
}

void
st_item_path(struct buf *b, const struct st_kind *k, const char *id)
{
	item_path(b, k, id);
}

int
st_write_generic(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e)
{
	return write_generic(k, ch, t, max, e);
}

int
st_read_generic(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e)
{
	return read_generic(c, k, st, e);
}
