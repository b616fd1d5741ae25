/*
 * pve_read.h -- typed objects and helpers of the read commands (find,
 * config, status, search, tasks, task, cluster, pveversion, access, pool,
 * storage, events, watch), and the task follower that mutation commands
 * reuse (pve_task_wait, pve_task_log_follow).
 *
 * As in pve.h, every object is parsed once into a struct with typed
 * fields; parsers take an already parsed body (so unit tests can feed
 * them recorded answers) and accept PVE's quirks: numbers as strings,
 * 0/1/""/true booleans, missing or null fields.  Arrays are malloc'd,
 * NUL-padded, and freed by the caller with free() unless a _free function
 * is named.
 */
#ifndef PX_PVE_READ_H
#define PX_PVE_READ_H

#include <stdint.h>

#include "pve.h"

/* ---- many GETs at once ---- */

/* One GET of a batch.  The caller sets c and path (or leaves c NULL and
 * sets rc -1 and err: the request is then skipped, for a profile that
 * could not connect). */
struct pve_get_req {
	struct px_client *c;	/* in */
	char *path;		/* in: owned, segments encoded, with query */
	int rc;			/* out: 0 when r holds the answer */
	struct px_reply r;	/* out: parsed envelope (r.data may be -1) */
	struct px_err err;	/* out: when rc is -1 */
};

/* Set q to GET path (printf-style, segments already encoded); with c
 * NULL the request is not made (rc -1). */
void pve_req_init(struct pve_get_req *q, struct px_client *c,
    const char *pathfmt, ...) __attribute__((format(printf, 3, 4)));
/* Run the requests with a client in parallel (at most PVE_BATCH in
 * flight through the curl multi handle at once), parse each answer.
 * Returns the number that failed. */
#define PVE_BATCH	256
int pve_get_all(struct pve_get_req *q, int n);
/* Free paths and replies of n requests (not the array). */
void pve_req_free(struct pve_get_req *q, int n);

/* "/nodes/NODE/TYPE/VMID" of a guest, segments encoded, into b. */
void pve_guest_path(struct buf *b, const char *node, const char *type,
    int vmid);

/* Parse a VMID argument (1..999999999); -1 when it is not one. */
int pve_parse_vmid(const char *s);

/* ---- key/value objects: guest config, pending, cluster options ---- */

struct pve_kv {
	char key[64];
	char *value;		/* current value as text (objects and arrays
				 * as JSON text), NULL when none */
	char *pending;		/* pending value, NULL when none */
	int del;		/* pending delete: 0, 1, 2 (forced) */
};

/* The keys of object obj in natural order (net2 before net10); values as
 * text.  Free with pve_kv_free. */
int pve_kv_parse(const struct json *j, int obj, struct pve_kv **out, int *n,
    struct px_err *e);
/* The array of GET .../pending ({key, value, pending, delete}). */
int pve_pending_parse(const struct json *j, int arr, struct pve_kv **out,
    int *n, struct px_err *e);
void pve_kv_free(struct pve_kv *v, int n);
/* The value of key, or NULL. */
const char *pve_kv_get(const struct pve_kv *v, int n, const char *key);

/* ---- a guest's status/current ---- */

struct pve_guest_status {
	int vmid;
	char name[128];
	char status[16];	/* running, stopped */
	char qmpstatus[32];	/* qemu: running, paused, prelaunch ...; "" */
	long long pid;		/* 0 when stopped */
	long long uptime;
	double cpu, cpus;
	uint64_t mem, maxmem, disk, maxdisk, swap, maxswap;
	uint64_t netin, netout, diskread, diskwrite;
	int agent;		/* qemu: agent enabled in config; -1 unknown */
	int ha_managed;
	char ha_state[32];	/* "" when not managed */
	char lock[32];
	char tags[256];
	int template;
	char running_qemu[32];
	char running_machine[64];
};

int pve_guest_status_parse(const struct json *j, int obj,
    struct pve_guest_status *s, struct px_err *e);

/* ---- network interfaces: qemu guest agent and lxc ---- */

#define PVE_IFACE_ADDRS 16
struct pve_iface {
	char name[64];
	char hwaddr[32];
	int naddr;
	char addr[PVE_IFACE_ADDRS][64];	/* without the prefix length */
};

/*
 * Interfaces from GET .../agent/network-get-interfaces ({"result": [...]}
 * at token t) or GET /nodes/N/lxc/V/interfaces (an array at t).  An agent
 * error ({"result": {"error": ...}}) gives 0 interfaces.
 */
int pve_ifaces_parse(const struct json *j, int t, struct pve_iface **out,
    int *n, struct px_err *e);

/* ---- qemu guest agent: exec ---- */

/* The pid in the answer of POST .../agent/exec ({"pid": N}, a number or
 * a numeric string); PXE_PARSE when there is none. */
int pve_agent_exec_parse(const struct json *j, int obj, long long *pid,
    struct px_err *e);

/* GET .../agent/exec-status?pid=N.  While the process runs only exited
 * (0) is set; the other fields are filled once it exited. */
struct pve_agent_exec_status {
	int exited;
	long long exitcode;	/* -1 when it did not exit normally */
	long long signal;	/* -1 when no signal ended it */
	char *out, *err;	/* out-data, err-data: malloc'd, NULL when
				 * none */
	int out_trunc, err_trunc;	/* out-truncated, err-truncated */
};
/* Fill st from the object at obj (exited 0/1, true/false or "1", numbers
 * as strings; missing fields keep the defaults above).  PXE_PARSE when
 * obj is not an object.  Free with pve_agent_exec_status_free. */
int pve_agent_exec_status_parse(const struct json *j, int obj,
    struct pve_agent_exec_status *st, struct px_err *e);
void pve_agent_exec_status_free(struct pve_agent_exec_status *st);

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
	char users[1024];	/* comma-separated */
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

/* ---- pools and storage ---- */

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
};
int pve_storage_cfg_parse(const struct json *j, int arr,
    struct pve_storage_cfg **out, int *n, struct px_err *e);

/* ---- tasks ---- */

/* One line of a task log; t is malloc'd and sanitized (no control
 * characters). */
struct pve_log_line {
	long long n;
	char *t;
};
int pve_task_log_parse(const struct json *j, int arr,
    struct pve_log_line **out, int *n, struct px_err *e);
void pve_log_free(struct pve_log_line *v, int n);

/* The node a UPID runs on, encoded, as "/nodes/NODE/tasks/UPID" into b;
 * -1 (PXE_USAGE) when upid is not a UPID. */
int pve_task_path(struct buf *b, const char *upid, struct px_err *e);

/*
 * The whole log of a task from line start on, paged with start/limit
 * (PVE returns 50 lines when no limit is given), at most max lines (0:
 * no cap beyond the built-in 1,000,000).  *out is malloc'd (free with
 * pve_log_free).
 */
int pve_task_log(struct px_client *c, const char *upid, long long start,
    long long max, struct pve_log_line **out, int *n, struct px_err *e);

/*
 * Follow a task until it stops: poll its status every interval seconds
 * (backing off to 2 s); when line is not NULL, also read the new lines of
 * its log and pass each to line(arg, l) as it arrives, and the last ones
 * after it stopped.  progress (may be NULL) is called after every poll
 * with the current status and the seconds waited.  timeout <= 0 waits
 * forever.
 *
 * Returns 0 when the task ended OK.  Otherwise -1 with e set:
 * PXE_TASK_FAILED (the message holds the task's exit status, e.g.
 * "VM 100 already running"), PXE_TIMEOUT when timeout passed first
 * (the task goes on), or the error of a request.  final (may be NULL)
 * gets the last status seen.
 */
int pve_task_follow(struct px_client *c, const char *upid, double timeout,
    double interval,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void (*line)(void *arg, const struct pve_log_line *l), void *arg,
    struct pve_task *final, struct px_err *e);
/* pve_task_follow without the log and with the default interval. */
int pve_task_wait(struct px_client *c, const char *upid, double timeout,
    void (*progress)(void *arg, const struct pve_task *t, double waited),
    void *arg, struct pve_task *final, struct px_err *e);

/*
 * A point in time for --since: epoch seconds ("1700000000"), an age
 * ("90s", "30m", "2h", "7d", "1w") counted back from now, or a local date
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" (also with a 'T').  -1
 * (PXE_USAGE) when unreadable.
 */
int pve_parse_since(const char *s, long long now, long long *out,
    struct px_err *e);
/* Seconds from "30", "30s", "5m", "2h", "1d", "0.5"; -1 when invalid. */
double pve_parse_seconds(const char *s);

/* ---- conditions for watch ---- */

enum pve_cond_op { PVE_EQ, PVE_NE, PVE_LT, PVE_LE, PVE_GT, PVE_GE };

/*
 * "key OP value": OP is = (or ==), !=, <, <=, >, >=.  Numeric keys (cpu,
 * mem, disk, uptime, maxmem, maxdisk, maxcpu) take numbers with units: a
 * percentage ("50%": cpu as a share of its CPUs, mem and disk of their
 * maximum), bytes with K/M/G/T (powers of 1024, optional "iB"/"B"), or
 * seconds with s/m/h/d for uptime; text keys (status, name, lock, ha,
 * node, tags) compare as text (= and != only; tags: contains the tag).
 */
struct pve_cond {
	char key[16];
	enum pve_cond_op op;
	char text[128];		/* text keys */
	double num;		/* numeric keys, in the key's unit */
	int pct;		/* num is a fraction of the maximum */
};
int pve_cond_parse(const char *s, struct pve_cond *c, struct px_err *e);

/* What a condition is evaluated against: a guest or a node. */
struct pve_sample {
	const char *status, *name, *lock, *ha, *node, *tags;
	double cpu;		/* 0..1 of maxcpu */
	double maxcpu;
	uint64_t mem, maxmem, disk, maxdisk;
	long long uptime;
};
/* 1 when c holds for s, 0 when not. */
int pve_cond_eval(const struct pve_cond *c, const struct pve_sample *s);

#endif
