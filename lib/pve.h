/*
 * pve.h -- typed access to the PVE API.  Commands call these and never
 * walk raw JSON: objects are parsed once here into structs with typed
 * fields, accepting PVE's quirks (numbers as strings, 0/1 booleans,
 * fields missing for stopped guests).
 */
#ifndef PX_PVE_H
#define PX_PVE_H

#include <stdint.h>

#include "http.h"
#include "json.h"

/* A parsed answer: the body, its tokens and the "data" token. */
struct px_reply {
	struct buf body;
	struct json j;
	int data;	/* token of "data", -1 if absent or null */
};

/* Parse the envelope of a finished call (k->rc == 0) into r; the body
 * moves into r.  PXE_PARSE when it is not JSON or has no "data". */
int px_reply_take(struct px_call *k, struct px_reply *r, struct px_err *e);
/* GET path (printf-style, segments encoded) and parse it. */
int pve_get(struct px_client *c, struct px_reply *r, struct px_err *e,
    const char *pathfmt, ...) __attribute__((format(printf, 4, 5)));
void px_reply_free(struct px_reply *r);

struct pve_version {
	char version[32];	/* "9.1.1" */
	char release[16];	/* "9.1" */
	char repoid[32];
};
int pve_version_get(struct px_client *c, struct pve_version *v,
    struct px_err *e);

/* A node, from GET /nodes (or /cluster/resources type node). */
struct pve_node {
	char name[64];
	char status[16];	/* online, offline, unknown */
	int online;
	double cpu;		/* 0..1 */
	int maxcpu;
	uint64_t mem, maxmem, disk, maxdisk;
	long long uptime;	/* seconds, 0 when offline */
	char level[16];		/* subscription level */
	char ssl_fingerprint[100];
};

/* A guest, from /cluster/resources (type qemu or lxc) or from
 * /nodes/{node}/{qemu,lxc}.  Fields PVE omits for stopped guests are 0. */
struct pve_guest {
	int vmid;
	char type[8];		/* qemu, lxc */
	char name[128];
	char node[64];
	char status[16];	/* running, stopped, paused, unknown */
	double cpu;		/* 0..1 of maxcpu */
	double maxcpu;
	uint64_t mem, maxmem, disk, maxdisk;
	uint64_t netin, netout, diskread, diskwrite;
	long long uptime;
	char tags[256];		/* ';'-separated as PVE sends them */
	char pool[64];
	char lock[32];
	char hastate[32];	/* "" when not HA-managed */
	int template;
};

/* A storage on a node, from /cluster/resources type storage. */
struct pve_storage {
	char storage[64];
	char node[64];
	char status[16];	/* available, unknown */
	char plugintype[32];	/* dir, lvmthin, nfs, rbd, ... */
	char content[128];	/* comma-separated content types */
	int shared;
	uint64_t disk, maxdisk;	/* used, total bytes */
};

/* A task from a task list or its status. */
struct pve_task {
	char upid[256];
	char node[64];
	char type[64];
	char id[128];
	char user[128];
	long long starttime, endtime;	/* endtime 0 while running */
	int running;
	char status[256];	/* list: "OK" or the error; status: running/stopped */
	char exitstatus[256];	/* status endpoint: OK or the error text */
	int ok;			/* finished with exitstatus OK */
};

/* A pool, from GET /pools. */
struct pve_pool {
	char poolid[64];
	char comment[256];
	int members;		/* -1 when the list does not say */
};

/* A snapshot, from GET .../snapshot ("current" is skipped). */
struct pve_snapshot {
	char name[64];
	char parent[64];
	char description[256];
	long long snaptime;
	int vmstate;
};

/* A volume from GET /nodes/{node}/storage/{storage}/content. */
struct pve_volume {
	char volid[256];
	char storage[64];
	char node[64];		/* where it was listed */
	char content[16];	/* backup, iso, vztmpl, images, rootdir */
	char format[32];
	char notes[256];
	char verify[16];	/* verification state, "" if none */
	int vmid;		/* 0 when none */
	long long ctime;
	uint64_t size, used;
	int protected;
};

/*
 * Parsers over an already parsed body, for tests on recorded answers:
 * they fill *out (calloc'd array with one zeroed row more, the caller
 * frees it) from the array at token arr, through the pve_field tables,
 * and accept PVE's quirks: numbers as strings, 0/1/""/true booleans,
 * missing or null fields.  Rows of other types, and rows without their
 * key field, are skipped.  Strings are sanitized (no control
 * characters, C1 included) and truncated to their buffers.  PXE_PARSE
 * when arr is not an array (*out is then NULL and *n 0).
 */
int pve_nodes_parse(const struct json *j, int arr, struct pve_node **out,
    int *n, struct px_err *e);
int pve_guests_parse(const struct json *j, int arr, const char *node,
    const char *type, struct pve_guest **out, int *n, struct px_err *e);
/* Call cb for every valid guest of the array, without building a list
 * (for 10,000 guests that is 7 MiB less); cb returns nonzero to stop. */
int pve_guests_each(const struct json *j, int arr, const char *node,
    const char *type, int (*cb)(void *arg, const struct pve_guest *g),
    void *arg, struct px_err *e);
/* The same over the answer of a finished call (k->rc == 0), parsed one
 * guest at a time (json_each): for /cluster/resources of a big cluster.
 * cb sees each guest as it is read, before the rest of the answer is
 * checked: on -1 the caller drops what cb made (out_rollback).  The
 * errors are px_reply_take's and pve_guests_each's. */
int pve_guests_each_call(struct px_call *k, const char *node,
    const char *type, int (*cb)(void *arg, const struct pve_guest *g),
    void *arg, struct px_err *e);
/*
 * The same while the answer arrives (issue 21: the parse hides behind
 * the transfer).  Before px_call_run, pve_guests_stream(k, ...) sets
 * k->feed: cb sees each guest as soon as its last byte has arrived and
 * it is checked, and restart(restart_arg), when not NULL, when the call
 * starts over (a retry: drop what cb made, as on -1).  After
 * px_call_run, when k->rc is 0, pve_guests_stream_end checks the rest
 * of the answer and returns what pve_guests_each_call would (cb having
 * seen the same guests); else pve_guests_stream_free.  Either frees
 * the stream and unsets k->feed.
 */
struct pve_guest_stream;
struct pve_guest_stream *pve_guests_stream(struct px_call *k,
    const char *node, const char *type,
    int (*cb)(void *arg, const struct pve_guest *g), void *arg,
    void (*restart)(void *arg), void *restart_arg);
/*
 * Let the stream read the second half of a big answer on a thread of its
 * own once all of it has arrived (json_each_split): fork(arg) makes a
 * second arg, whose rows cb gets on that thread; join(arg, arg2, keep)
 * adds them after arg's (keep 1) or drops them (keep 0), and frees arg2.
 */
void pve_guests_stream_split(struct pve_guest_stream *gs,
    void *(*fork)(void *arg), void (*join)(void *arg, void *arg2, int keep));
/* The length the answer being read announced (Content-Length; 0 when
 * unknown), for cb and fork to size what its rows make: a hint only,
 * the server may send less or more. */
unsigned long long pve_guests_stream_total(const struct pve_guest_stream *gs);
int pve_guests_stream_end(struct pve_guest_stream *gs, struct px_call *k,
    struct px_err *e);
void pve_guests_stream_free(struct pve_guest_stream *gs, struct px_call *k);
int pve_storages_parse(const struct json *j, int arr,
    struct pve_storage **out, int *n, struct px_err *e);
int pve_tasks_parse(const struct json *j, int arr, struct pve_task **out,
    int *n, struct px_err *e);
/* Fill t from the task object at obj (a row of a task list or the
 * answer of the status endpoint); what the row does not say (node,
 * type, id, user, start) from its UPID. */
void pve_task_from(const struct json *j, int obj, struct pve_task *t);
int pve_pools_parse(const struct json *j, int arr, struct pve_pool **out,
    int *n, struct px_err *e);
int pve_snapshots_parse(const struct json *j, int arr,
    struct pve_snapshot **out, int *n, struct px_err *e);
/* The snapshot the guest is on: the parent of the list's "current"
 * row, into here ("" when there is none, or no "current" row). */
void pve_snapshot_here(const struct json *j, int arr, char *here, size_t n);
int pve_volumes_parse(const struct json *j, int arr, const char *node,
    const char *storage, struct pve_volume **out, int *n, struct px_err *e);

/* GET /nodes. */
int pve_nodes(struct px_client *c, struct pve_node **out, int *n,
    struct px_err *e);
/* GET /cluster/resources?type=vm: every guest of the cluster. */
int pve_guests(struct px_client *c, struct pve_guest **out, int *n,
    struct px_err *e);
/* GET /cluster/resources?type=storage. */
int pve_storages(struct px_client *c, struct pve_storage **out, int *n,
    struct px_err *e);
/* Find a guest by VMID (from /cluster/resources); PXE_NOT_FOUND if none. */
int pve_guest_find(struct px_client *c, int vmid, struct pve_guest *g,
    struct px_err *e);
/* GET /nodes/{node}/tasks/{upid}/status (node taken from the UPID). */
int pve_task_status(struct px_client *c, const char *upid,
    struct pve_task *t, struct px_err *e);

/* Does tags (';' or ',' or ' '-separated) contain tag? */
int pve_has_tag(const char *tags, const char *tag);
/* Is s a valid node name (PVE: letters, digits, '-', '.', up to 63)? */
int pve_valid_node(const char *s);
/* Is s a storage id as PVE takes it ([a-z][a-z0-9._-]*[a-z0-9])? */
int pve_valid_storage(const char *s);
/*
 * The string member key of object obj, a word PVE uses as a name or a
 * kind (a node, a storage or rule type: letters, digits, '-', '_',
 * '.'), into out (size n), for a command to act on or send back: 0
 * with out "" when absent or null; -1 with PXE_PARSE naming key when
 * obj is not an object, or the value is no string, longer than n - 1
 * or holds another character -- never cut, never passed on as it came.
 */
int pve_word_get(const struct json *j, int obj, const char *key, char *out,
    size_t n, struct px_err *e);

#endif
