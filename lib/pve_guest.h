/*
 * pve_guest.h -- a guest's objects: its path and VMID, its
 * configuration (and pending changes) as key/value text, its status,
 * its network interfaces (qemu guest agent and lxc), and commands run
 * and files read through the qemu guest agent.
 *
 * Parsers take an already parsed body and the token of its "data" (so
 * unit tests can feed them recorded answers), fill structs with typed
 * fields once, and accept PVE's quirks: numbers as strings, 0/1/""/true
 * booleans, missing or null fields.  Rows without their key field are
 * dropped.  Arrays are calloc'd with one zeroed element more and freed
 * by the caller with free() unless a _free function is named.  Strings
 * are sanitized (no control characters) and truncated to their buffers.
 */
#ifndef PX_PVE_GUEST_H
#define PX_PVE_GUEST_H

#include <stdint.h>

#include "pve.h"

/* ---- paths and VMIDs ---- */

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
/* One GET .../agent/exec-status?pid=N of guest g into st (freed first
 * by the caller).  0, or -1 with e. */
int pve_agent_exec_poll(struct px_client *c, const struct pve_guest *g,
    long long pid, struct pve_agent_exec_status *st, struct px_err *e);
/* Poll until the process exited: 0 with st, or -1 with e (PXE_TIMEOUT
 * after timeout seconds, 0: none; the process goes on in the guest). */
int pve_agent_exec_wait(struct px_client *c, const struct pve_guest *g,
    long long pid, double timeout, struct pve_agent_exec_status *st,
    struct px_err *e);

/* ---- qemu guest agent: file-read ---- */

/* GET .../agent/file-read?file=PATH: {"content": "...", "truncated": 1}
 * (truncated only when the read stopped before the end of the file). */
struct pve_agent_file {
	char *content;		/* malloc'd, unescaped, not sanitized (file
				 * text keeps its newlines) */
	int truncated;
};
/* Fill f from the object at obj, also when wrapped as {"result": {...}}
 * (truncated 0/1, true/false or "1", absent is 0; a number as content
 * gives its text).  PXE_PARSE when obj is not an object or holds no
 * content.  Free with pve_agent_file_free. */
int pve_agent_file_parse(const struct json *j, int obj,
    struct pve_agent_file *f, struct px_err *e);
void pve_agent_file_free(struct pve_agent_file *f);

/* ---- migration preconditions (GET .../migrate) ---- */

#define PVE_MIGRATE_MAX_NODES	64
#define PVE_MIGRATE_MAX_DISKS	32

struct pve_migrate_info {
	int running;
	int has_allowed;		/* the answer lists allowed nodes (PVE
					   before qemu-server 8.3.9 only for
					   offline VMs) */
	int nallowed;
	char allowed[PVE_MIGRATE_MAX_NODES][64];
	int nnot;			/* not allowed, with a reason */
	char not_node[PVE_MIGRATE_MAX_NODES][64];
	char not_why[PVE_MIGRATE_MAX_NODES][160];
	int ndisks;			/* local disks (not CD-ROMs) */
	char disk[PVE_MIGRATE_MAX_DISKS][128];
	uint64_t disk_size[PVE_MIGRATE_MAX_DISKS];
	int ncdroms;			/* local CD-ROM images */
	char cdrom[PVE_MIGRATE_MAX_DISKS][128];
	char resources[256];		/* local resources, comma-separated */
};

/* Parse the answer of GET .../{qemu,lxc}/{vmid}/migrate (qemu's
 * allowed_nodes or lxc's allowed-nodes). */
int pve_migrate_parse(const struct json *j, int obj,
    struct pve_migrate_info *m, struct px_err *e);

/*
 * GET /nodes/{node}/{qemu,lxc}/{vmid}/feature: whether the guest can be
 * snapshotted, cloned or copied, into *has, and the nodes it can be
 * cloned to (PVE's "nodes"), comma-separated, into nodes (size n; a
 * name that is no node name is left out, a list too long ends in
 * ",...").  0, or -1 with PXE_PARSE when obj is not an object or
 * hasFeature is missing or no boolean.
 */
int pve_feature_parse(const struct json *j, int obj, int *has, char *nodes,
    size_t n, struct px_err *e);

#endif
