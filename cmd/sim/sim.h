/*
 * sim.h -- pxsim, the built-in stateful Proxmox VE / Backup Server
 * simulator: what the files of cmd/sim/ share.
 *
 * The files, in layers: a file calls only files of its own layer or of
 * the layers below it, never up, and no two files call each other in a
 * circle (tests/tools/simcircles checks it on the built objects).
 *
 *   sim.c            options, state directory, --print-config, start
 *   sim.h            this map; requests, responses, routes, the model
 *   core.h           what the layers below the endpoints declare
 *
 *   server/          the network side (top: calls the router)
 *     server.c       sockets, poll() loop, keep-alive, upload spooling,
 *                    latency, injected faults on the wire, long-polls
 *     tls.c          BearSSL server engine, key, self-signed certificate
 *   router/
 *     router.c       one request: /_sim/ and /bot paths, faults, latency,
 *                    authentication, {node}/{vmid} checks, the route's
 *                    permission, lookup over the route arrays below
 *   control/
 *     control.c      the request log, fault rules (--fail) and the /_sim/
 *                    control API
 *   telegram/
 *     telegram.c     a fake Telegram Bot API and its /_sim/telegram routes
 *   api/             the PVE and PBS endpoints, by API area
 *     api.h          what the endpoint files share: the collection engine
 *     collection.c   parameter checks with PVE's messages; list, read,
 *                    create, update, delete of section-config collections
 *     access.c       /access: users, tokens, groups, roles, realms, ACLs
 *     access_ticket.c  /access/ticket (PVE, PBS), /access/permissions
 *     access_tfa.c   /access/tfa, /access/password, realm sync
 *     metrics.c      /cluster/metrics/server: external metric servers
 *     acme.c         /cluster/acme: accounts (tasks), plugins, directories,
 *                    terms, challenge schema; /nodes/{node}/config
 *     cluster.c      /cluster: log, options, backup jobs, firewall, HA,
 *                    mappings, notifications, replication; the node and
 *                    guest firewalls
 *     cluster_config.c  /cluster/config: nodes, join, totem, qdevice
 *     sdn.c          /cluster/sdn: zones, vnets, subnets (pending until
 *                    applied), apply (reload task)
 *     nodes.c        /version, /nodes, node status, /cluster/status,
 *                    /cluster/resources, nextid, storages, pools, RRD data
 *     storage_check.h, storage_check.c  /storage create and update:
 *                    schema and per-type checks, the storage.cfg digest,
 *                    secrets kept out
 *     node_system.c  /nodes/{node}: network, hardware, disks, apt,
 *                    journal, syslog, DNS, time, replication
 *     node_admin.h, node_admin.c  /nodes/{node}: hosts, subscription,
 *                    certificates (info, custom, ACME), report, WoL,
 *                    services; the lines a node's logs gain
 *     x509.h, x509.c a PEM certificate's fields as certificates/info
 *                    shows them
 *     storage_files.c  upload, download-url, the aplinfo catalogue,
 *                    import-metadata of an uploaded OVA
 *     node_bulk.c    startall/stopall of a node's guests
 *     guest.h        what the guest files share
 *     guest.c        the guest of a path, lock checks, sizes, disk keys,
 *                    config objects with their digest
 *     guest_routes.c the table of every /nodes/{node}/{qemu|lxc} route
 *     guest_lifecycle.c  lists, status, power actions, create, destroy;
 *                    disks imported from a volume or an OVA (import-from)
 *     guest_config.c config read and change, pending changes
 *     guest_migrate.c  clone, template, migrate, resize, move disk,
 *                    feature, rrddata
 *     guest_snapshot.c snapshots: list, create, delete, rollback
 *     guest_agent.c  the QEMU guest agent, LXC interfaces
 *     guest_misc.c   cloud-init, sendkey, unlink, suspendall, RRD PNGs,
 *                    the HA manager moving a guest
 *     guest_console.c  termproxy, vncproxy, spiceproxy
 *     console.c      console tickets, the node's termproxy, the
 *                    vncwebsocket upgrade and the fake console behind it
 *     vzdump.c       /nodes/{node}/vzdump backups
 *     tasks.c        /nodes/{node}/tasks..., /cluster/tasks
 *     pbs.c          the PBS API of the --pbs listener: history, reads
 *     pbs_ops.c      PBS changes, catalog, downloads, jobs, tasks
 *     pbs_overlay.c  what px changed on the PBS, over the history
 *     pbs.h          what the PBS files share
 *   auth/            who asks and what they may do
 *     ticket.c       API tokens, tickets, CSRF tokens, logins
 *     perm.c         privileges from roles and ACLs (cached), pool ACLs,
 *                    the "cap" of a ticket
 *   http/            what a handler reads and writes
 *     parse.c        an HTTP/1.1 request from the wire: line, headers,
 *                    body; target and form or JSON parameters
 *     request.c      parameters, headers, route variables, %-decoding
 *     response.c     the {"data": ...} envelope, UPIDs, PVE's errors
 *   model/           the state (bottom: never writes an HTTP answer)
 *     model.c        nodes, guests, storages, volumes, pools in memory,
 *                    SQLite persistence, the document store, clock, rng
 *     kv.c           key/value lists, owned strings, hex
 *     object.h, object.c  JSON objects and arrays as ordered raw values,
 *                    documents as objects, digests
 *     generate.c     open/load sim.db; generation from --seed, PVE's
 *                    privileges and built-in roles, identities
 *     seed.c         the documents the API areas start with
 *     tasks.c        the task life cycle (UPID, running -> stopped, log)
 *
 * Everything runs in one thread: handlers are called from the event loop
 * and must not block.  Strings in model structs are owned by the model
 * (malloc'd); change them with sim_str_set and persist the object with its
 * *_save function.
 */
#ifndef PX_SIM_H
#define PX_SIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "json.h"

struct sim;
struct sim_task;
struct sim_server;	/* private to server.c */
struct sqlite3;

/* ------------------------------------------------------------------ */
/* Requests and responses                                             */

enum sim_listener {
	SIM_LISTEN_PVE = 0,	/* the main listener (-l) */
	SIM_LISTEN_PBS,		/* --pbs */
};

enum sim_api {
	SIM_API_JSON = 0,	/* /api2/json/... */
	SIM_API_EXTJS,		/* /api2/extjs/... (envelope rewritten) */
	SIM_API_OTHER,		/* anything else: /_sim/..., /bot.../... */
	SIM_API_PNG,		/* /api2/png/... (the RRD graphs) */
};

enum sim_auth {
	SIM_AUTH_NONE = 0,	/* no credential presented */
	SIM_AUTH_TOKEN,		/* a valid API token */
	SIM_AUTH_TICKET,	/* a valid ticket cookie */
	SIM_AUTH_INVALID,	/* a credential was presented and refused */
};

enum sim_fault {
	SIM_FAULT_NONE = 0,
	SIM_FAULT_DROP,		/* close the connection mid-response */
	SIM_FAULT_MALFORMED,	/* 200 with an invalid JSON body */
	SIM_FAULT_BADTAIL,	/* the real answer, its last byte an 'x' */
	SIM_FAULT_TRUNCATED,	/* Content-Length larger than what is sent */
	SIM_FAULT_HANG,		/* never answer, keep the connection open */
	SIM_FAULT_GZIP,		/* the real answer, gzip'd (Content-Encoding) */
};

/* A key/value pair; both strings are owned by their list. */
struct sim_kv {
	char *key;
	char *val;
};

/* An ordered list of key/value pairs (params, headers, guest configs). */
struct sim_kvlist {
	struct sim_kv *v;
	size_t n;
	size_t cap;
};

/* The value of key (first match), or NULL. */
const char *sim_kv_get(const struct sim_kvlist *l, const char *key);
/* Set key to val (replacing the first match in place, else appending). */
void sim_kv_set(struct sim_kvlist *l, const char *key, const char *val);
/* Append key=val even if key is present (multi-valued parameters). */
void sim_kv_add(struct sim_kvlist *l, const char *key, const char *val);
/* Remove every entry with key; returns how many were removed. */
int sim_kv_del(struct sim_kvlist *l, const char *key);
/* Deep copy of src into dst (dst is emptied first). */
void sim_kv_copy(struct sim_kvlist *dst, const struct sim_kvlist *src);
/* Free every entry; l becomes empty. */
void sim_kv_free(struct sim_kvlist *l);

struct sim_req {
	char method[16];	/* "GET", "POST", "PUT", "DELETE", ... */
	char *target;		/* raw request target, as sent */
	char *path;		/* percent-decoded path; without the
				   /api2/json or /api2/extjs prefix for
				   those APIs, else the whole path */
	enum sim_api api;
	struct sim_kvlist params;	/* query + form/JSON body, decoded */
	struct sim_kvlist headers;	/* keys lower-cased */
	struct buf body;		/* raw body */
	/* A multipart/form-data body is not held in memory: it was spooled
	 * to this unlinked file (read it with sim_multipart_*); -1 none. */
	int upload_fd;
	long long upload_len;
	enum sim_listener listener;
	char peer[64];		/* "127.0.0.1:54321" */
	int loopback;		/* peer is 127/8 or ::1 */
	double arrival;		/* wall-clock seconds when first complete;
				   kept across `again` calls */
	int again_count;	/* how many times the handler said again */

	/* Authentication, filled by the router before the handler. */
	enum sim_auth auth;
	const char *user;	/* "root@pam", NULL when not authenticated */
	const char *token;	/* "px" for root@pam!px, else NULL */
	const char *authid;	/* "root@pam" or "root@pam!px" (for UPIDs and
				   ACLs), NULL when not authenticated */
	int csrf_ok;		/* token auth, or a ticket with a valid
				   CSRFPreventionToken header */
	char userbuf[128];	/* storage behind user/token/authid */
	char tokenbuf[64];
	char authidbuf[192];
};

/* The value of a parameter (query or body), or NULL. */
const char *sim_param(const struct sim_req *rq, const char *name);
/* Integer / boolean parameter with a default when absent or invalid.
 * Booleans accept 1/0, true/false, yes/no, on/off. */
long long sim_param_int(const struct sim_req *rq, const char *name,
    long long def);
int sim_param_bool(const struct sim_req *rq, const char *name, int def);
/* The value of a header (name in any case), or NULL. */
const char *sim_header(const struct sim_req *rq, const char *name);

/* A body that several answers send as it is (an answer cache's), kept
 * while one of them holds it: sent from here, not copied per answer. */
struct sim_body {
	int refs;
	size_t len;
	char p[];
};

struct sim_resp {
	int status;		/* 200 unless set */
	char reason[256];	/* reason phrase; "OK" when empty */
	struct buf body;
	struct sim_body *shared;	/* the body when body is empty; the
				   server copies it in when it must change
				   it (faults, HEAD, ExtJS) */
	const char *ctype;	/* NULL: application/json;charset=UTF-8 */
	struct buf headers;	/* extra "Name: value\r\n" lines */
	int delay_ms;		/* extra latency before sending */
	enum sim_fault fault;	/* applied by the server layer */
	int again;		/* call the handler again later (~100 ms)
				   with the same request (long-polls) */
	int digits;		/* of doubles in sim_ok_begin's writer: 15 as
				   PVE's Perl writes them, 0 the shortest,
				   as PBS's Rust (serde_json) does */
	struct sim_console *upgrade;	/* status 101: the server switches
				   the connection to a WebSocket that
				   carries this console (api/console.c) */
	void (*upgrade_free)(struct sim_console *);	/* frees it
				   when the answer is dropped */
};

/* Add "name: value" to the response headers. */
void sim_resp_header(struct sim_resp *rs, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* {"data": json} with status 200; json NULL writes null. */
void sim_ok_json(struct sim_resp *rs, const char *json);
/* {"data": null} with status 200. */
void sim_ok_null(struct sim_resp *rs);
/* Stream the data value: sim_ok_begin writes `{"data":` and initialises
 * w on rs->body; write exactly one value; optionally jw_kint(w, "total",
 * n) and other top-level keys; then sim_ok_end closes the envelope. */
void sim_ok_begin(struct sim_resp *rs, struct jw *w);
void sim_ok_end(struct sim_resp *rs, struct jw *w);
/* The UPID string as data (status 200). */
void sim_upid_response(struct sim_resp *rs, const char *upid);
/* A PVE error: status, the message as reason phrase, body
 * {"data":null,"message":"...\n"}.  Replaces anything written so far. */
void sim_error(struct sim_resp *rs, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 400 "Parameter verification failed." with
 * {"data":null,"errors":{param: msg}}. */
void sim_param_error(struct sim_resp *rs, const char *param,
    const char *msg);
/* The same with a formatted message. */
void sim_param_errorf(struct sim_resp *rs, const char *param,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Check that each of the NULL-terminated parameter names is present;
 * otherwise fill the 400 "property is missing and it is not optional"
 * error for the first missing one and return -1. */
int sim_param_require(const struct sim_req *rq, struct sim_resp *rs, ...)
	__attribute__((sentinel));

/* ------------------------------------------------------------------ */
/* Routes                                                             */

#define SIM_MATCH_MAX 8

/* The variables a route pattern captured ({node}, {vmid}, ...). */
struct sim_match {
	int n;
	const char *name[SIM_MATCH_MAX];	/* points into the pattern */
	size_t namelen[SIM_MATCH_MAX];
	char *value[SIM_MATCH_MAX];		/* decoded, owned by router */
};

/* The value of a captured variable, or NULL. */
const char *sim_var(const struct sim_match *m, const char *name);

typedef void (*sim_handler)(struct sim *s, struct sim_req *rq,
    struct sim_resp *rs, const struct sim_match *m);

/* Route flags. */
#define SIM_ROUTE_NOAUTH	0x1	/* no authentication needed */
#define SIM_ROUTE_ANYSTATE	0x2	/* {node} may be offline (no proxyto:
					   wakeonlan) */

/*
 * One route.  pattern: "/nodes/{node}/qemu/{vmid}/config"; a variable
 * takes a whole segment, or the rest of a segment after a literal prefix
 * ("/bot{token}/getMe").  "{*rest}" as the last segment takes the rest of
 * the path, slashes included.  Before the handler runs, the router
 *   - authenticates (401 unless SIM_ROUTE_NOAUTH; on the PBS listener
 *     with PBS tokens/tickets; telegram routes need no auth),
 *   - checks {node} (400 bad format, 500 hostname lookup failed for an
 *     unknown node, 595 for an offline node) and {vmid} (400 format),
 *   - checks perm_path/priv with sim_check_perm after substituting the
 *     captured variables ("{vmid}" -> "100").  priv may list
 *     alternatives separated by '|' (any one suffices); priv NULL means
 *     any authenticated identity.
 * Arrays end with an all-zero entry.  Core routes (listed first by
 * router.c) win when a method+pattern is in both.
 */
struct sim_route {
	const char *method;
	const char *pattern;
	sim_handler fn;
	const char *perm_path;
	const char *priv;
	int flags;		/* SIM_ROUTE_* */
};

/* The route arrays of the endpoint files (router.c looks them up). */
extern const struct sim_route sim_routes_cluster[];	/* /cluster/... */
extern const struct sim_route sim_routes_cluster_config[];	/* /cluster/config */
extern const struct sim_route sim_routes_node[];	/* /nodes/{node}/... */
extern const struct sim_route sim_routes_node_admin[];	/* hosts, certs,
				   subscription, services, report, WoL */
extern const struct sim_route sim_routes_storage_files[];	/* upload,
				   download-url, aplinfo */
extern const struct sim_route sim_routes_access[];	/* /access/... */
extern const struct sim_route sim_routes_access_tfa[];	/* /access/tfa,
				   password, domains/{realm}/sync */
extern const struct sim_route sim_routes_metrics[];	/* /cluster/metrics */
extern const struct sim_route sim_routes_sdn[];	/* /cluster/sdn */
extern const struct sim_route sim_routes_acme[];	/* /cluster/acme,
							   node config */
extern const struct sim_route sim_routes_pbs[];		/* PBS listener only */
extern const struct sim_route sim_routes_pbs_ops[];	/* PBS: writes, catalog, tasks */
/* POST /_sim/pbs-hostile mode=size|type|off (api/pbs_overlay.c) */
void pbs_ctl_hostile(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
extern const struct sim_route sim_routes_telegram[];	/* /bot{token}/METHOD,
							   main listener, no
							   PVE auth, path not
							   under /api2/json */
extern const struct sim_route sim_routes_control_ext[];	/* more /_sim/...
							   routes (full path,
							   loopback only, no
							   auth, not logged) */

/* 0 when the request's identity has priv (or one of '|'-separated
 * privs) on path; otherwise fill rs with 403 "Permission check failed
 * (PATH, PRIV)" and return -1.  rs may be NULL for a silent check. */
int sim_check_perm(struct sim *s, const struct sim_req *rq,
    const char *path, const char *priv, struct sim_resp *rs);
/* The same for an explicit authid ("user@realm" or "user@realm!tok"). */
int sim_authid_has_priv(struct sim *s, const char *authid,
    const char *path, const char *priv);
/* Call fn for each privilege authid has on path (for
 * /access/permissions).  Returns the number of privileges. */
int sim_authid_privs(struct sim *s, const char *authid, const char *path,
    void (*fn)(void *arg, const char *priv, int propagate), void *arg);
/* Drop cached permissions; call after changing users, groups, roles,
 * ACLs or tokens through the document store (sim_doc_put does it for
 * the kinds "user", "group", "role", "acl", "token"). */
void sim_perm_invalidate(struct sim *s);
/* Every privilege PVE 9 knows, comma-separated (model/generate.c, with
 * the built-in roles). */
extern const char sim_all_privs[];

/* ------------------------------------------------------------------ */
/* The cluster model                                                  */

struct sim_node {
	char *name;		/* "pve1" */
	int nodeid;		/* 1.. */
	char *ip;		/* "10.0.0.11" */
	int offline;		/* --offline or /_sim/offline */
	int cpus;		/* logical CPUs */
	int sockets;
	char *cpumodel;		/* "AMD EPYC 7302P 16-Core Processor" */
	uint64_t maxmem;	/* bytes */
	uint64_t swap;		/* bytes */
	uint64_t rootfs;	/* bytes, root file system size */
	time_t boot;		/* boot time; uptime = sim_now - boot */
	char *kernel;		/* "6.17.2-1-pve" */
	char *pveversion;	/* "pve-manager/9.1.1/42db4a6cf33dac83" */
	char *ssl_fingerprint;	/* the node's certificate fingerprint */
};

enum sim_gtype { SIM_QEMU = 0, SIM_LXC = 1 };
enum sim_gstatus { SIM_STOPPED = 0, SIM_RUNNING, SIM_PAUSED };

struct sim_snap {
	char *name;
	char *parent;		/* NULL for a root snapshot */
	char *description;
	time_t snaptime;
	int vmstate;		/* with RAM */
	struct sim_kvlist config;
};

struct sim_guest {
	int vmid;
	enum sim_gtype type;
	int node;		/* index into s->nodes */
	enum sim_gstatus status;
	char *name;		/* mirrors config "name" (lxc: "hostname") */
	int template_;
	char *tags;		/* "prod;web" or NULL */
	char *pool;		/* pool id or NULL */
	char *lock;		/* "backup", "migrate", ... or NULL */
	int ha;			/* HA-managed */
	int agent;		/* guest agent configured and running */
	int cpus;		/* cores * sockets (qemu) or cores (lxc) */
	uint64_t maxmem;	/* bytes */
	uint64_t maxdisk;	/* bytes, the root/boot disk */
	time_t started;		/* when it was last started (uptime) */
	char *ip;		/* primary IPv4 ("10.1.2.3") or NULL */
	struct sim_kvlist config;	/* current config, PVE keys */
	struct sim_kvlist pending;	/* pending changes; "delete" key
					   lists pending deletions */
	char *snapparent;	/* parent of "current", or NULL */
	struct sim_snap *snaps;
	size_t nsnaps;
};

/* Dynamic figures of a guest or node at the simulated time. */
struct sim_stats {
	double cpu;		/* 0..1 fraction */
	uint64_t mem;
	uint64_t maxmem;
	uint64_t disk;
	uint64_t maxdisk;
	uint64_t netin, netout, diskread, diskwrite;	/* cumulative */
	uint64_t uptime;	/* seconds, 0 when stopped */
	double loadavg[3];	/* nodes */
	uint64_t swap_used;	/* nodes */
	double iowait;		/* nodes, 0..1 */
};

struct sim_storage {
	char *id;		/* "local", "local-lvm", "nas", "ceph" */
	char *type;		/* dir, lvmthin, nfs, rbd, pbs, ... */
	char *content;		/* "iso,vztmpl,backup" */
	int shared;
	char *nodes;		/* comma list, NULL = all nodes */
	int disabled;
	uint64_t total;		/* bytes, per node for local storages */
	int fill;		/* /_sim/storage: used at least this % */
	struct sim_kvlist config;	/* other /storage keys: path, server,
					   export, pool, vgname, thinpool,
					   prune-backups, ... */
};

struct sim_volume {
	char *storage;
	char *node;		/* NULL on shared storage */
	char *volid;		/* "local:iso/debian-12.iso" */
	char *content;		/* iso, vztmpl, backup, images, rootdir */
	char *format;		/* iso, tgz, vma.zst, tar.zst, raw, qcow2,
				   subvol */
	uint64_t size;
	uint64_t used;		/* 0 when unknown */
	int vmid;		/* 0 when none */
	time_t ctime;
	char *notes;		/* backup notes or NULL */
	int protected_;
};

struct sim_pool {
	char *poolid;
	char *comment;
	char *storages;		/* comma list of storage members or NULL */
};

/* Options, as given on the command line. */
struct sim_opts {
	char listen[128];	/* "127.0.0.1:8006" */
	char pbs_listen[128];	/* "" when no PBS */
	char statedir[1024];
	char pidfile[1024];
	int nodes;
	int guests;
	uint64_t seed;
	double task_seconds;
	int history;		/* --history DAYS, 0: none */
	int latency_ms, latency_jitter;
	int telegram;
	char telegram_auto[16];	/* "", "approve", "deny", "ignore" */
	int public_;
	int legacy_migrate;	/* no allowed_nodes for a running VM */
	char release[8];	/* --pve-version: "8.0", "8.4"; "" is 9.1 */
};
/* Whether pxsim answers as PVE release maj.min or later. */
int sim_pve_at_least(const struct sim *s, int maj, int min);

struct sim {
	struct sim_opts opt;
	struct sqlite3 *db;
	struct sim_server *srv;

	struct sim_node *nodes;
	size_t nnodes;
	struct sim_guest **guests;	/* sorted by vmid */
	size_t nguests;
	struct sim_storage *storages;
	size_t nstorages;
	struct sim_volume **volumes;
	size_t nvolumes;
	struct sim_pool *pools;
	size_t npools;
	struct sim_task **tasks;	/* in start order, oldest first */
	size_t ntasks;

	char root_password[64];
	char ticket_key[65];	/* hex HMAC key for tickets */
	char csrf_key[65];
	char clustername[64];	/* "pxsim" */
	uint64_t rng_state[16];	/* sim_rand streams */
	unsigned perm_gen;	/* bumped by sim_perm_invalidate */
	int dirty;		/* private */
};

/* The simulated clock: wall-clock seconds (time(NULL) semantics). */
time_t sim_now(const struct sim *s);
/* The same with sub-second precision. */
double sim_nowf(const struct sim *s);

/* A deterministic 64-bit pseudo-random number from the seed and one of
 * 16 streams (stream & 15): the same call sequence gives the same values
 * for the same --seed.  Use a stream of your own in generation code
 * (core uses 0..7, BREADTH 8..15). */
uint64_t sim_rand(struct sim *s, unsigned stream);
/* Random streams of the breadth files (the core model uses 0..7). */
#define EXT_RNG_CLUSTER	8
#define EXT_RNG_NODE	9
#define EXT_RNG_ACCESS	10
#define EXT_RNG_PBS	11
#define EXT_RNG_TG	12

/* A uniform integer in [lo, hi] from stream. */
long long sim_rand_range(struct sim *s, unsigned stream, long long lo,
    long long hi);
/* A stateless hash of the seed and two values (stable per object: use
 * it for "random" but fixed properties, e.g. sim_hash(s, vmid, 7)). */
uint64_t sim_hash(const struct sim *s, uint64_t a, uint64_t b);
/* A version 4 UUID string from stream (buf of 37 bytes). */
void sim_uuid(struct sim *s, unsigned stream, char buf[37]);

/* Replace the string *dst with a copy of val (NULL frees it). */
void sim_str_set(char **dst, const char *val);

/* Nodes. */
struct sim_node *sim_node_find(struct sim *s, const char *name);
/* 1 when name has the form of a node name (letters, digits, '-'). */
int sim_node_name_ok(const char *name);
void sim_node_stats(struct sim *s, const struct sim_node *n,
    struct sim_stats *st);
/* Persist a changed node (offline flag, ...). */
void sim_node_save(struct sim *s, const struct sim_node *n);

/* Guests: s->guests[0..nguests) sorted by vmid. */
struct sim_guest *sim_guest_find(struct sim *s, int vmid);
/* The node name of g. */
const char *sim_guest_node(const struct sim *s, const struct sim_guest *g);
/* "qemu" or "lxc". */
const char *sim_gtype_name(enum sim_gtype t);
/* "running", "stopped", "paused" (qemu status; lxc has no paused). */
const char *sim_gstatus_name(enum sim_gstatus st);
/* The guest vmid when it is of this type and on node, else NULL. */
struct sim_guest *sim_guest_on_node(struct sim *s, const char *node,
    enum sim_gtype type, int vmid);
/* The same for a /nodes/{node}/{qemu|lxc}/{vmid} path (api/guest.c):
 * NULL with PVE's 500 "Configuration file
 * 'nodes/pve1/qemu-server/999.conf' does not exist" in rs (when rs is not
 * NULL) when absent, of the other type, or on another node. */
struct sim_guest *sim_guest_check(struct sim *s, struct sim_resp *rs,
    const char *node, enum sim_gtype type, int vmid);
void sim_guest_stats(struct sim *s, const struct sim_guest *g,
    struct sim_stats *st);
/* The config digest (sha1 hex of the config text, like PVE). buf >= 41. */
void sim_guest_digest(const struct sim_guest *g, char buf[41]);
/* A config key (NULL when absent). */
const char *sim_guest_cfg(const struct sim_guest *g, const char *key);
/* Add a new guest (takes ownership of g, allocated with malloc and
 * filled; vmid must be free) and persist it. */
void sim_guest_add(struct sim *s, struct sim_guest *g);
/* Persist a changed guest (config, status, lock, snapshots ...). */
void sim_guest_save(struct sim *s, const struct sim_guest *g);
/* Remove and free a guest (and its documents with parent "guest/VMID"). */
void sim_guest_remove(struct sim *s, int vmid);
/* Free a guest not (or no longer) in the model. */
void sim_guest_free(struct sim_guest *g);
/* The lowest free vmid >= 100. */
int sim_next_vmid(struct sim *s);

/* Storages. */
struct sim_storage *sim_storage_find(struct sim *s, const char *id);
/* Days until the nodes' certificates expire (/_sim/cert). */
extern long sim_cert_days;
#define SIM_CERT_UNSET	(-1000000L)
/* Faults set by /_sim/ha-error and /_sim/replication (control.c): an HA
 * resource in state "error" (1), a replication job's failures (its
 * fail_count, 0 when none, and *error the message). */
int sim_fault_ha_error(int vmid);
int sim_fault_repl(const char *id, const char **error);
/* 1 when storage st exists on node (nodes list empty or naming it). */
int sim_storage_on_node(const struct sim_storage *st, const char *node);
/* Bytes used on st as seen from node (volumes plus a base load). */
uint64_t sim_storage_used(struct sim *s, const struct sim_storage *st,
    const char *node);
/* Add (copying nothing: takes the strings of *st), save, remove. */
void sim_storage_add(struct sim *s, const struct sim_storage *st);
void sim_storage_save(struct sim *s, const struct sim_storage *st);
void sim_storage_remove(struct sim *s, const char *id);

/* Volumes (storage content). */
/* Add a volume (takes ownership of v, malloc'd) and persist it. */
void sim_volume_add(struct sim *s, struct sim_volume *v);
struct sim_volume *sim_volume_find(struct sim *s, const char *volid,
    const char *node);
void sim_volume_save(struct sim *s, const struct sim_volume *v);
void sim_volume_remove(struct sim *s, const char *volid, const char *node);

/* Pools: members are the guests whose pool is poolid plus storages. */
struct sim_pool *sim_pool_find(struct sim *s, const char *poolid);
void sim_pool_add(struct sim *s, const struct sim_pool *p);
void sim_pool_save(struct sim *s, const struct sim_pool *p);
void sim_pool_remove(struct sim *s, const char *poolid);

/*
 * The document store: JSON objects by (kind, parent, id), persisted in
 * sim.db, for everything the breadth files serve.  parent is "" for
 * top-level objects ("guest/100" for per-guest ones: removed with the
 * guest).  Listing is in insertion order; replacing keeps the position.
 *
 * Kinds the core reads (for authentication and permissions), all seeded
 * at generation:
 *   "user"   id "root@pam": {"userid","enable":1,"expire":0,"firstname",
 *            "lastname","email","comment","groups":"g1,g2"}
 *   "passwd" id userid: {"password":"..."}          (never served)
 *   "token"  parent userid, id tokenid: {"tokenid","privsep":0|1,
 *            "expire":0,"comment"}
 *   "tokensecret" parent userid, id tokenid: {"value":"uuid"} (never
 *            served; create one when creating a token)
 *   "group"  id groupid: {"groupid","comment","users":"a@pve,b@pve"}
 *   "role"   id roleid: {"roleid","privs":"VM.Audit,Sys.Audit",
 *            "special":0|1}
 *   "acl"    id "PATH|TYPE|UGID|ROLE": {"path":"/","type":"user|group|
 *            token","ugid":"root@pam!px","roleid":"PVEAuditor",
 *            "propagate":1}
 *   "domain" id realm: {"realm":"pam","type":"pam","comment":...}
 */
typedef int (*sim_doc_fn)(void *arg, const char *id, const char *json);
/* Call fn(arg, id, json) for each document of kind under parent (NULL or
 * "" for top level); stop when fn returns non-zero.  Returns the count. */
int sim_doc_list(struct sim *s, const char *kind, const char *parent,
    sim_doc_fn fn, void *arg);
/* The JSON text of one document (caller frees), or NULL. */
char *sim_doc_get(struct sim *s, const char *kind, const char *parent,
    const char *id);
/* Insert or replace; 0 on success. */
int sim_doc_put(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *json);
/* Delete one document; 1 when it existed, 0 when not. */
int sim_doc_delete(struct sim *s, const char *kind, const char *parent,
    const char *id);
/* Delete every document under parent (any kind). */
void sim_doc_delete_parent(struct sim *s, const char *parent);


/* ------------------------------------------------------------------ */
/* Tasks                                                              */

typedef void (*sim_task_fn)(struct sim *s, struct sim_task *t);

struct sim_task {
	char upid[256];
	char node[64];
	char type[32];		/* qmstart, vzdump, qmigrate, ... */
	char id[64];		/* "100" or "" */
	char user[192];		/* authid: "root@pam" or "root@pam!px" */
	unsigned pid, pstart;
	time_t starttime, endtime;
	double start_real;	/* wall clock when started */
	double duration;	/* planned seconds */
	double progress;	/* 0..1, updated before on_tick */
	int running;
	char *exitstatus;	/* NULL while running; "OK" or error text */
	char *error;		/* planned error (NULL: OK); on_finish may
				   change it with sim_task_fail */
	char **lines;		/* log, without the final TASK line */
	size_t nlines, caplines;
	int vmid;		/* guest it concerns, 0 if none */
	char *lockname;		/* lock held on vmid while running */
	sim_task_fn on_tick;	/* called ~10x a second while running */
	sim_task_fn on_finish;	/* called at the end when not failed or
				   stopped; the place for state changes */
	void *arg;		/* for the callbacks; freed with free() at
				   the end unless arg_free is set */
	void (*arg_free)(void *);
	int tick_state;		/* free for the callbacks */
};

/*
 * Start a task on node: type "qmstart", id "100", user the authid,
 * seconds its duration (< 0: --task-seconds), on_finish called when it
 * ends without error (NULL for none), error the exit status it will end
 * with (NULL: "OK").  Returns the task (owned by the model), whose upid
 * is the answer: sim_upid_response(rs, t->upid).  A 0 s task is finished
 * before the response is sent.
 */
struct sim_task *sim_task_start(struct sim *s, const char *node,
    const char *type, const char *id, const char *user, double seconds,
    sim_task_fn on_finish, const char *error);
/* Set vmid's lock to lockname now; cleared when t ends. */
void sim_task_lock(struct sim *s, struct sim_task *t, int vmid,
    const char *lockname);
/* Append a log line (printf style). */
void sim_task_log(struct sim_task *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Make t end with this error text (during on_tick or on_finish). */
void sim_task_fail(struct sim_task *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Stop a running task now ("interrupted by signal"). */
void sim_task_stop(struct sim *s, struct sim_task *t);
struct sim_task *sim_task_find(struct sim *s, const char *upid);
/* Advance every running task (called by the loop and after requests). */
void sim_tasks_advance(struct sim *s);
/* A running task holding a lock on vmid, or NULL. */
struct sim_task *sim_task_for_vmid(struct sim *s, int vmid);
/* Finished nightly backups of the last days (--history), into an empty
 * task list. */
void sim_tasks_history(struct sim *s, int days);

#endif
