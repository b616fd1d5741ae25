/*
 * objcli.h -- the command line of the cluster's objects (pools, users,
 * ACLs, storages, jobs, HA, mappings, notifications, SDN ...): their
 * lists and records read straight from PVE's answers, and their
 * create/set/delete verbs sent through the one mutation layer
 * (mutcli.h, lib/gate.h) with the object's pre-flight check.
 *
 * Options that are PVE parameters are declared once, by PVE's name, in
 * the command's table, and land in the request's form as they are:
 *
 *     static const struct px_opt opts[] = {
 *             PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
 *             PX_PARAM("comment", "text", "the pool's comment"),
 *             PX_FLAG("force", "delete it with its members"),
 *             PX_SECRET("password", "the user's password"),
 *             PX_OPT_END
 *     };
 *
 *     struct objcli oc;
 *     objcli_init(&oc, &px_cmd_pool);
 *     while ((ch = px_getopt(&g)) != -1) {
 *             if (objcli_opt(&oc, ch, &g))
 *                     continue;
 *             px_usage(&px_cmd_pool);
 *     }
 *     ... objcli_list / objcli_show / objcli_change ...
 *     objcli_free(&oc);
 *
 * --raw key=value (repeatable) passes any parameter px has no option
 * for.  A secret parameter is read from --NAME-file F (its first line)
 * or from the environment variable named by --NAME-env VAR: never from
 * argv, and the audit log redacts it.
 */
#ifndef PX_OBJCLI_H
#define PX_OBJCLI_H

#include "mutcli.h"

#define PX_OPT_RAW { PX_O_RAW, "raw", "key=value", "a PVE parameter px has no option for (repeatable)" }
/* --NAME ARG: the PVE parameter NAME */
#define PX_PARAM(NAME, ARG, HELP) { PX_O_PARAM, NAME, ARG, HELP }
/* --NAME: the PVE boolean NAME=1 */
#define PX_FLAG(NAME, HELP) { PX_O_PARAM, NAME, NULL, HELP }
/* --NAME-file F and --NAME-env VAR: the secret parameter NAME */
#define PX_SECRET(NAME, HELP) \
	{ PX_O_SECRET_FILE, NAME "-file", "file", HELP " (first line of file)" }, \
	{ PX_O_SECRET_ENV, NAME "-env", "variable", HELP " (from the environment)" }

struct objcli {
	struct mutcli m;
	struct buf form;	/* the parameters given, form-encoded */
	int nparams;
};

void objcli_init(struct objcli *oc, const struct px_command *cmd);
void objcli_free(struct objcli *oc);
/* Handle a common, gate, --raw, parameter or secret option: 1 if it was
 * one (a malformed one exits 2), else 0. */
int objcli_opt(struct objcli *oc, int ch, const struct px_getopt *g);
/* Add parameter key=value (a command's own option that maps to one). */
void objcli_param(struct objcli *oc, const char *key, const char *value);
/* Whether parameter key was given (by an option or --raw). */
int objcli_has(const struct objcli *oc, const char *key);
/* Connect (once): oc->m.x.client. */
void objcli_connect(struct objcli *oc);
/* Exit 2 with "VERB takes no parameters" when some were given. */
void objcli_no_params(const struct objcli *oc, const char *verb);

/*
 * A column of a list: the JSON key of each row (and the column's name),
 * its type.  fill, when set, writes the cell itself (a count, a joined
 * list) and returns 1, or 0 to fall back to the plain value.
 */
typedef int (*objcli_fill_fn)(struct out *o, int col, const struct json *j,
    int row, void *arg);

/* The longest array or object cell objcli_list prints. */
#define OBJCLI_CELL_MAX 1024

/* The value at t as json_text (json.h): compact, re-encoded by px,
 * sanitized, at most max bytes.  malloc'd: the caller frees. */
char *objcli_json_text(const struct json *j, int t, size_t max);

/*
 * GET path and print its data array with cols (each row's key of the
 * column's name, as its type; an array or object cell as
 * objcli_json_text, at most OBJCLI_CELL_MAX bytes).  A row that is not an object is dropped with px_drop (stderr,
 * and the command exits 1 after the good rows).  Returns the exit
 * status.
 */
int objcli_list(struct objcli *oc, const char *path,
    const struct out_col *cols, int ncols, objcli_fill_fn fill, void *arg);
/*
 * GET path and print its data object: with -f json or jsonl the object
 * itself (strings escaped), else one row per key: field, value.  what
 * names it for errors ("pool dev").  Returns the exit status (4 or 5
 * when PVE does not know it).
 */
int objcli_show(struct objcli *oc, const char *path, const char *what);
/* Report row of GET path's list as no object (px_drop: stderr, and the
 * command exits 1 after the good rows). */
void objcli_drop(const char *path, int row);
/* Print o (from out_new) and free it; returns the exit status. */
int objcli_print(struct objcli *oc, struct out *o);
/* The data of GET path in r (connected first); exits on failure. */
void objcli_get(struct objcli *oc, struct px_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One change of one object. */
struct objcli_change {
	const char *action;	/* create, set, delete, add, run ... */
	const char *kind;	/* pool, user, acl, storage ... (audit) */
	const char *id;		/* the object: "dev", "root@pam" */
	const char *method;	/* POST, PUT, DELETE */
	const char *path;	/* encoded API path */
	const char *summary;	/* "create pool dev" (prompt, audit) */
	int destructive;	/* asks first, or needs -y */
	/* the form: oc's parameters, plus extra (form-encoded) */
	const char *extra;
	int no_params;		/* send only extra, not oc's parameters */
	/* send the digest of this object (GET path's data.digest), so
	 * that a change made meanwhile is refused by PVE */
	const char *digest_of;
	gate_assess_fn assess;	/* the object's pre-flight check */
	void *assess_arg;
	const char *node;	/* the node of its row, or NULL */
	const char *redact;	/* form keys the audit log redacts, or NULL */
	const char *name;	/* the row's name; NULL: id */
};

/* Run the change through the gate; print its row; returns the exit
 * status. */
int objcli_change(struct objcli *oc, const struct objcli_change *c);

/*
 * The same, for a command that reads the answer itself (token create:
 * the secret): admitted by the gate, sent, and the answer in res (free
 * with gate_result_free).  Returns 0, or the exit status of a refusal
 * or failure (printed).  In a dry run: 0 with res->dry_run.
 */
int objcli_change_answer(struct objcli *oc, const struct objcli_change *c,
    struct gate_result *res);

#endif
