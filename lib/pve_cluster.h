/*
 * pve_cluster.h -- the cluster's objects: status, log, resources,
 * version, next VMID, HA, replication, access (users, groups, roles,
 * realms, tokens, ACL, permissions), pools, the storage configuration
 * and backup jobs.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_CLUSTER_H
#define PX_PVE_CLUSTER_H

#include <stdint.h>

#include "pve.h"

/* ---- cluster ---- */

/* A row of GET /cluster/status (type cluster or node). */
struct pve_cluster_member {
	char type[16];		/* cluster, node */
	char id[64];
	char name[64];
	char ip[64];
	int nodeid;
	int online, local;	/* node rows */
	char level[16];
	int quorate, nodes, version;	/* cluster row */
};
int pve_cluster_status_parse(const struct json *j, int arr,
    struct pve_cluster_member **out, int *n, struct px_err *e);

/* A row of GET /cluster/config/nodes: a node corosync knows. */
struct pve_cfg_node {
	char node[64];
};

int pve_cfg_nodes_parse(const struct json *j, int arr,
    struct pve_cfg_node **out, int *n, struct px_err *e);

/* A node of GET /cluster/config/join's nodelist. */
struct pve_join_node {
	char name[64];
	int nodeid;		/* 0 when absent (PVE's minimum is 1) */
	char pve_addr[64];
	char ring0_addr[256];	/* address[,priority=N] */
	int quorum_votes;	/* -1 when absent */
	/* SHA-256, AB:CD:...; "" when absent or not of that form, so
	 * that no text can pass for a fingerprint */
	char pve_fp[96];
};

/*
 * The nodelist of the join information object at obj into *out
 * (calloc'd, one zeroed row more; free()), *n of them; a node that is
 * no object or has no name is dropped and reported (px_drop).
 * PXE_PARSE, naming what is wrong, when obj is not an object or its
 * nodelist is missing or not an array.
 */
int pve_cluster_join_parse(const struct json *j, int obj,
    struct pve_join_node **out, int *n, struct px_err *e);

/* An entry of GET /cluster/log. */
struct pve_log_entry {
	long long uid;
	long long time;
	char node[64];
	char user[128];
	char tag[64];
	int pri;
	long long pid;
	char msg[1024];		/* control characters replaced */
};
int pve_cluster_log_parse(const struct json *j, int arr,
    struct pve_log_entry **out, int *n, struct px_err *e);

/* A row of GET /cluster/resources, any type. */
struct pve_resource {
	char id[128];
	char type[16];		/* node, qemu, lxc, storage, pool, sdn ... */
	char node[64];
	char name[128];
	char status[32];
	int vmid;		/* 0 when not a guest */
	char storage[64];
	char pool[64];
	char tags[256];
	char hastate[32];
	char plugintype[32];
	char content[128];
	char sdn[64];
	int shared;
	double cpu, maxcpu;
	uint64_t mem, maxmem, disk, maxdisk;
	long long uptime;
};
int pve_resources_parse(const struct json *j, int arr,
    struct pve_resource **out, int *n, struct px_err *e);

/* GET /version's data at obj into v. */
int pve_version_parse(const struct json *j, int obj, struct pve_version *v,
    struct px_err *e);
/* GET /cluster/nextid: an integer or (older PVE) a string. */
int pve_nextid_parse(const struct json *j, int t, int *id, struct px_err *e);

/* ---- HA ---- */

struct pve_ha_resource {
	char sid[64];		/* "vm:100" */
	char type[8];		/* vm, ct */
	int vmid;
	char state[16];		/* started, stopped, disabled, ignored */
	char group[64];		/* legacy group, "" */
	int max_restart, max_relocate;
	int failback;
	char comment[256];
};

struct pve_ha_rule {
	char rule[64];
	char type[32];		/* node-affinity, resource-affinity */
	char resources[1024];	/* "vm:100,ct:101" */
	char nodes[1024];	/* node-affinity: "pve1:2,pve2" */
	char affinity[16];	/* resource-affinity: positive, negative */
	int strict, disable;
	char comment[256];
};

struct pve_ha_group {
	char group[64];
	char nodes[1024];	/* "pve1:2,pve2" */
	int restricted, nofailback;
	char comment[256];
};

/* A row of /cluster/ha/status/current. */
struct pve_ha_status {
	char id[128];
	char type[16];		/* quorum, master, lrm, service, fencing */
	char node[64];
	char sid[64];
	char state[32];
	char status[256];
	char crm_state[32];
	char request_state[32];
	int quorate;		/* -1 when absent */
	long long timestamp;
};

int pve_ha_resources_parse(const struct json *j, int arr,
    struct pve_ha_resource **out, int *n, struct px_err *e);
int pve_ha_rules_parse(const struct json *j, int arr,
    struct pve_ha_rule **out, int *n, struct px_err *e);
int pve_ha_groups_parse(const struct json *j, int arr,
    struct pve_ha_group **out, int *n, struct px_err *e);
int pve_ha_status_parse(const struct json *j, int arr,
    struct pve_ha_status **out, int *n, struct px_err *e);
/* The priority of node in a node list "a:2,b,c:1" (no priority is 0);
 * -1 when node is not in the list. */
int pve_ha_node_prio(const char *list, const char *node);
/* Is item in the comma-separated list? */
int pve_list_has(const char *list, const char *item);

/* ---- replication ---- */

/* A job of /cluster/replication, or a row of /nodes/{n}/replication
 * (the state fields are 0/"" in the first). */
struct pve_repl {
	char id[64];		/* "100-0" */
	int guest, jobnum;
	char type[16];
	char source[64], target[64];
	char schedule[128];
	double rate;		/* MB/s, 0 when unlimited */
	int disable;
	char comment[256];
	long long last_sync, last_try, next_sync;
	double duration;
	int fail_count;
	char error[256];
	char state[32];
};

int pve_repl_parse(const struct json *j, int arr, struct pve_repl **out,
    int *n, struct px_err *e);

/* ---- access ---- */

struct pve_acl {
	char path[256];
	char type[8];		/* user, group, token */
	char ugid[128];
	char roleid[64];
	int propagate;
};
struct pve_user {
	char userid[128];
	int enable;
	long long expire;	/* 0: never */
	char firstname[64], lastname[64];
	char email[128];
	char comment[256];
	char groups[256];	/* comma-separated */
	char realm_type[32];
	int ntokens;		/* -1 when the list does not say */
};
struct pve_group {
	char groupid[64];
	char comment[256];
	char users[1024];	/* comma-separated; a list too long ends
				 * in ",..." after the last whole id */
};
struct pve_role {
	char roleid[64];
	char privs[2048];	/* comma-separated */
	int special;
};
struct pve_realm {
	char realm[64];
	char type[32];
	char comment[256];
	char tfa[16];
	int is_default;
};
struct pve_token {
	char tokenid[64];
	char comment[256];
	long long expire;
	int privsep;
};
/* One privilege on one path, from GET /access/permissions's map of maps. */
struct pve_perm {
	char path[256];
	char priv[64];
	int propagate;
};

int pve_acl_parse(const struct json *j, int arr, struct pve_acl **out,
    int *n, struct px_err *e);
int pve_users_parse(const struct json *j, int arr, struct pve_user **out,
    int *n, struct px_err *e);
int pve_groups_parse(const struct json *j, int arr, struct pve_group **out,
    int *n, struct px_err *e);
int pve_roles_parse(const struct json *j, int arr, struct pve_role **out,
    int *n, struct px_err *e);
int pve_realms_parse(const struct json *j, int arr, struct pve_realm **out,
    int *n, struct px_err *e);
int pve_tokens_parse(const struct json *j, int arr, struct pve_token **out,
    int *n, struct px_err *e);
int pve_perms_parse(const struct json *j, int obj, struct pve_perm **out,
    int *n, struct px_err *e);

/* ---- pools and storage configuration ---- */

/* A member of a pool (GET /pools?poolid=P or /pools/{poolid}). */
struct pve_pool_member {
	char id[128];		/* qemu/100, storage/pve1/local */
	char type[16];		/* qemu, lxc, storage */
	int vmid;		/* 0 for storage */
	char storage[64];
	char node[64];
	char name[128];
	char status[32];
};
/*
 * The members of a pool: t is either the data of GET /pools/{poolid} (an
 * object with "members") or of GET /pools?poolid=P (an array whose first
 * element has them).  comment (if not NULL, size 256) gets the pool's
 * comment.
 */
/* PVE lists a pool's members only when asked for that pool (GET
 * /pools?poolid=ID, PVE 8.1+): count them in one parallel round for the
 * pools of v left with members -1 (only: just that pool); a pool whose
 * answer fails keeps -1. */
void pve_pools_count(struct px_client *c, struct pve_pool *v, int nv,
    const char *only);
int pve_pool_members_parse(const struct json *j, int t,
    struct pve_pool_member **out, int *n, char *comment, struct px_err *e);

/* A storage definition from GET /storage (the datacenter config). */
struct pve_storage_cfg {
	char storage[64];
	char type[32];
	char content[128];
	char nodes[256];	/* "" = all nodes */
	char path[256];		/* dir-like storages */
	char server[128];	/* network storages */
	char pool[128];		/* rbd, zfs pool, lvm vgname/thinpool */
	int shared;
	int disable;
	char prune[128];	/* prune-backups */
	int has_maxfiles;	/* the removed "maxfiles" retention setting */
};
int pve_storage_cfg_parse(const struct json *j, int arr,
    struct pve_storage_cfg **out, int *n, struct px_err *e);

/* ---- backups ---- */

/* A row of /cluster/backup-info/not-backed-up. */
struct pve_unprotected {
	int vmid;
	char name[128];
	char type[8];
};

/* A backup job of /cluster/backup. */
struct pve_backup_job {
	char id[64];
	int enabled;
	int all;
	char vmid[512];		/* "100,101" */
	char node[64], pool[64], storage[64];
	char schedule[128];
	char exclude[512];
	long long next_run;	/* epoch; 0 when absent */
	int has_maxfiles;	/* the removed "maxfiles" retention setting */
	char mode[16], compress[16];
	char comment[513];	/* PVE's maxLength 512 */
	char notes_template[1025];	/* maxLength 1024 */
	/* the retention, an object in PVE's answer, as its JSON text
	 * ({"keep-last":3}); older PVE's property string as it is; ""
	 * when absent or too long for the buffer */
	char prune_backups[512];
};

int pve_unprotected_parse(const struct json *j, int arr,
    struct pve_unprotected **out, int *n, struct px_err *e);
int pve_backup_jobs_parse(const struct json *j, int arr,
    struct pve_backup_job **out, int *n, struct px_err *e);

/* A guest of GET /cluster/backup/{id}/included_volumes, with its
 * volumes' configuration keys (scsi0, rootfs) joined by commas. */
struct pve_backup_guest {
	int vmid;
	char type[16];		/* qemu, lxc, unknown */
	char name[128];
	/* a key that is no configuration key (or a volume that is no
	 * object) is "?"; a list too long for its buffer ends in ",..." */
	char included[1024], excluded[1024];
};

/*
 * The guests of the included_volumes answer object at obj into *out
 * (calloc'd, one zeroed row more; free()), *n of them.  A guest that is
 * no object or has no integer id is dropped and reported (px_drop).
 * PXE_PARSE, naming what is wrong, when obj is not an object or its
 * children is not an array.
 */
int pve_backup_included_parse(const struct json *j, int obj,
    struct pve_backup_guest **out, int *n, struct px_err *e);

#endif
