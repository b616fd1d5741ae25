/*
 * pbs.h -- typed access to the Proxmox Backup Server API
 * (/api2/json on port 8007): datastores and their usage, namespaces,
 * backup groups, snapshots, the archives of a snapshot, the catalog of
 * a pxar archive, prune's selection.  Parsers take PBS's answers as
 * hostile: strings sanitized, numbers that do not fit and rows of the
 * wrong shape dropped and reported (pve_row_drop), never printed here.
 */
#ifndef PX_PBS_H
#define PX_PBS_H

#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "json.h"

/* A snapshot's name as PBS writes it: "vm/100/2026-12-04T02:00:00Z". */
struct pbs_snapref {
	char type[8];		/* vm, ct, host */
	char id[128];		/* backup-id */
	long long time;		/* backup-time, epoch */
};

/* Parse "TYPE/ID/TIME" (TIME as RFC 3339 UTC "...Z" or epoch seconds):
 * 0, or -1 with e (PXE_USAGE). */
int pbs_snapref_parse(const char *s, struct pbs_snapref *r,
    struct px_err *e);
/* Format r as "TYPE/ID/YYYY-MM-DDTHH:MM:SSZ" into buf. */
void pbs_snapref_format(const struct pbs_snapref *r, char *buf, size_t n);
/* Append the form fields backup-type, backup-id, backup-time (and ns
 * when not empty) to b. */
void pbs_snapref_form(struct buf *b, const struct pbs_snapref *r,
    const char *ns);
/* A datastore name (3..32 of [A-Za-z0-9_.-], not starting with . or -),
 * a namespace (up to 8 such levels joined by /), a backup id. */
int pbs_valid_store(const char *s);
int pbs_valid_ns(const char *s);
int pbs_valid_id(const char *s);

/* A datastore: GET /admin/datastore joined with /status/datastore-usage. */
struct pbs_store {
	char store[64];
	char comment[256];
	uint64_t total, used, avail;
	int has_usage;			/* the usage answer had it */
	long long full_date;		/* estimated-full-date, 0: unknown */
	char gc_upid[256];
	uint64_t gc_removed;		/* gc-status removed-bytes */
};
int pbs_stores_parse(const struct json *j, int arr, struct pbs_store **out,
    int *n, struct px_err *e);
/* Fill the usage of the stores of v from the usage list arr. */
int pbs_usage_merge(const struct json *j, int arr, struct pbs_store *v,
    int n, struct px_err *e);

/* GET /admin/datastore/{store}/gc: the garbage collection's state. */
struct pbs_gc {
	char state[64];		/* last-run-state: ok, error text, "" */
	long long last_end;	/* last-run-endtime */
	long long next_run;
	char schedule[64];
	char upid[256];
	uint64_t removed, pending, disk;
};
int pbs_gc_parse(const struct json *j, int obj, struct pbs_gc *g,
    struct px_err *e);

struct pbs_ns {
	char ns[256];
	char comment[256];
};
int pbs_namespaces_parse(const struct json *j, int arr, struct pbs_ns **out,
    int *n, struct px_err *e);

struct pbs_group {
	char id[128];		/* backup-id (the key) */
	char type[8];
	long long last;		/* last-backup */
	long long count;	/* backup-count */
	char owner[128];
	char comment[256];
};
int pbs_groups_parse(const struct json *j, int arr, struct pbs_group **out,
    int *n, struct px_err *e);

struct pbs_snapshot {
	char id[128];		/* backup-id (the key) */
	char type[8];
	long long time;		/* backup-time */
	uint64_t size;
	int protected_;
	char verify[16];	/* ok, failed, none */
	char owner[128];
	char comment[256];
};
/* Rows without a valid backup-type or backup-time are dropped. */
int pbs_snapshots_parse(const struct json *j, int arr,
    struct pbs_snapshot **out, int *n, struct px_err *e);

struct pbs_file {
	char filename[128];
	uint64_t size;
	int has_size;
	char crypt[16];		/* none, encrypt, sign-only */
};
int pbs_files_parse(const struct json *j, int arr, struct pbs_file **out,
    int *n, struct px_err *e);

/* An entry of the catalog (GET .../catalog). */
struct pbs_entry {
	char name[256];		/* text */
	char path[1024];	/* filepath, decoded, sanitized */
	char type[4];		/* d f l h b c p s v */
	int leaf;
	uint64_t size;
	long long mtime;
};
int pbs_catalog_parse(const struct json *j, int arr, struct pbs_entry **out,
    int *n, struct px_err *e);

/* One line of prune's answer. */
struct pbs_prune {
	char id[128];
	char type[8];
	long long time;
	int keep;
	int protected_;
};
int pbs_prune_parse(const struct json *j, int arr, struct pbs_prune **out,
    int *n, struct px_err *e);

/*
 * PBS's own dry run of a prune of group TYPE/ID of store (namespace ns,
 * "" the root) with keep[6] (last hourly daily weekly monthly yearly, 0
 * unset): POST .../prune with dry-run=1, which changes nothing.  The
 * verdict of each snapshot in *out (free()).  0, or -1 with e.
 */
int pbs_prune_preview(struct px_client *c, const char *store, const char *ns,
    const char *type, const char *id, const long long keep[6],
    struct pbs_prune **out, int *n, struct px_err *e);
/* The keep options' names, in keep[]'s order. */
extern const char *const pbs_keep_names[6];

/* A sync, verify or prune job, from GET /admin/sync, /admin/verify,
 * /admin/prune (the jobs with their last state). */
struct pbs_job {
	char id[128];
	char store[64];
	char schedule[128];
	char state[256];	/* last-run-state: ok or the error, "" */
	long long last_end, next_run;
	char remote[128];	/* sync: remote and remote-store */
	char remote_store[64];
	char comment[256];
};
int pbs_jobs_parse(const struct json *j, int arr, struct pbs_job **out,
    int *n, struct px_err *e);

/* A remote, from GET /config/remote. */
struct pbs_remote {
	char name[64];
	char host[256];
	int port;		/* 0: the default */
	char auth_id[128];
	char fingerprint[128];
	char comment[256];
};
int pbs_remotes_parse(const struct json *j, int arr, struct pbs_remote **out,
    int *n, struct px_err *e);

/* GET /nodes/localhost/tasks rows (worker_type, worker_id). */
struct pbs_task {
	char upid[256];
	char type[64];
	char id[128];
	char user[128];
	long long start, end;
	char status[256];	/* "" while running */
};
int pbs_tasks_parse(const struct json *j, int arr, struct pbs_task **out,
    int *n, struct px_err *e);

/*
 * Stream GET path (printf-style, encoded) into the file descriptor fd:
 * the answer's body is written as it arrives, never held (no body cap),
 * at most max bytes (0: no limit).  progress(arg, done, total) is called
 * as it goes (total -1 when unknown); may be NULL.  *bytes gets what was
 * written.  0, or -1 with e (an HTTP error as px_call maps it, PXE_IO
 * when fd could not be written, PXE_TOO_LARGE past max).
 */
int pbs_download(struct px_client *c, int fd, unsigned long long max,
    void (*progress)(void *arg, unsigned long long done, long long total),
    void *arg, unsigned long long *bytes, struct px_err *e,
    const char *pathfmt, ...) __attribute__((format(printf, 8, 9)));

#endif
