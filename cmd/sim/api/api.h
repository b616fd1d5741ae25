/*
 * ext.h -- what the breadth files of pxsim share (api_cluster.c,
 * api_node.c, api_access.c, pbs.c, telegram.c, ext.c): JSON objects as
 * ordered key -> raw JSON lists, a table-driven engine for PVE's
 * section-config collections (list, read, create, update with digest and
 * delete, parameter checks with PVE's messages), and the seeding entry
 * points called from sim_generate_ext.
 */
#ifndef PX_SIM_EXT_H
#define PX_SIM_EXT_H

#include "../sim.h"

/* Random streams of the breadth files (core uses 0..7). */
#define EXT_RNG_CLUSTER	8
#define EXT_RNG_NODE	9
#define EXT_RNG_ACCESS	10
#define EXT_RNG_PBS	11
#define EXT_RNG_TG	12

/* ------------------------------------------------------------------ */
/* JSON objects: an ordered list of key -> raw JSON value text.         */

struct ext_obj {
	struct sim_kvlist kv;	/* val is valid JSON text */
};

/* Parse a JSON object (len bytes, or strlen when len is 0); 0 on
 * success, -1 when json is not an object.  o is emptied first. */
int ext_obj_parse(struct ext_obj *o, const char *json, size_t len);
/* The object as compact JSON text; caller frees. */
char *ext_obj_json(const struct ext_obj *o);
void ext_obj_free(struct ext_obj *o);
/* The raw JSON text of key, or NULL. */
const char *ext_obj_raw(const struct ext_obj *o, const char *key);
/* The unescaped string value of key (numbers give their text); NULL
 * when absent or null; caller frees. */
char *ext_obj_str(const struct ext_obj *o, const char *key);
/* The integer value of key, def when absent or not a number. */
long long ext_obj_int(const struct ext_obj *o, const char *key,
    long long def);
void ext_obj_set_raw(struct ext_obj *o, const char *key, const char *raw);
void ext_obj_set_str(struct ext_obj *o, const char *key, const char *s);
void ext_obj_set_int(struct ext_obj *o, const char *key, long long v);
void ext_obj_del(struct ext_obj *o, const char *key);
/* Write o into w as an object; keys: NULL for all, else a
 * space-separated list of the keys to write (absent ones skipped). */
void ext_obj_write(struct jw *w, const struct ext_obj *o, const char *keys);

/* An array of objects (firewall rules, ipset entries, ...). */
struct ext_arr {
	struct ext_obj *v;
	size_t n, cap;
};

/* Parse a raw JSON array of objects (NULL gives an empty array). */
int ext_arr_parse(struct ext_arr *a, const char *raw);
/* Compact JSON text of the array; caller frees. */
char *ext_arr_json(const struct ext_arr *a);
/* Insert a (moved in, then owned by the array) at index pos (clamped). */
void ext_arr_insert(struct ext_arr *a, size_t pos, struct ext_obj *o);
/* Remove index pos (freeing it). */
void ext_arr_remove(struct ext_arr *a, size_t pos);
void ext_arr_free(struct ext_arr *a);

/* Read one stored document as an object; 0 when found. */
int ext_doc_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, struct ext_obj *o);
/* Store an object as a document. */
void ext_doc_put_obj(struct sim *s, const char *kind, const char *parent,
    const char *id, const struct ext_obj *o);

/* A 40-hex-digit digest of text (FNV-based; stable for equal text). */
void ext_digest(const char *text, size_t len, char out[41]);
/* The digest of every document of kind under parent (the "config file"
 * digest PVE sends and checks). */
void ext_kind_digest(struct sim *s, const char *kind, const char *parent,
    char out[41]);

/* ------------------------------------------------------------------ */
/* Parameters                                                         */

/*
 * A field spec is a space-separated list of NAME:TYPE[:FLAGS].
 *   TYPE  s string, i integer, n number, b boolean (stored 0/1),
 *         a array of strings (repeated parameter), o property string
 *         ("k=v,k=v", stored as an object), e(A|B|C) enumeration,
 *         N a node name that must exist, V a vmid (integer)
 *   FLAGS r required on create, k the id (taken from the path, never a
 *         body parameter), w write-only (checked, not stored), c create
 *         only (refused on update), h hidden (stored, never served)
 * NAME may end in [n] for numbered keys (net0, net1 ...).
 */

/* Check rq's parameters against spec and apply them to o.  create: 1
 * for POST (required fields, c-fields allowed), 0 for PUT (handles
 * "delete").  ignore: space-separated parameter names to skip (path
 * variables, "digest" ...).  Returns 0, or -1 with a 400 in rs. */
int ext_apply(const char *spec, const struct sim_req *rq,
    struct sim_resp *rs, struct ext_obj *o, int create, const char *ignore);
/* Only the checks of ext_apply (no object changes). */
int ext_check(const char *spec, const struct sim_req *rq,
    struct sim_resp *rs, int create, const char *ignore);
/* Check a "digest" parameter against cur; -1 with PVE's 500 when it
 * differs. */
int ext_digest_check(const struct sim_req *rq, struct sim_resp *rs,
    const char *cur);
/* Property string "a=1,b=x" (or "x" for a default key dkey) to an
 * object with numbers for numeric values. */
void ext_propstr_obj(const char *str, const char *dkey, struct ext_obj *o);

/* Remove the hidden (h) fields of spec from o. */
void ext_strip_hidden(const char *spec, struct ext_obj *o);

/* PVE's message for a wrong value of a type ("type check ('integer')
 * failed - got 'abc'"), in buf. */
int ext_type_ok(char type, const char *val);

/* ------------------------------------------------------------------ */
/* Collections                                                        */

#define EXT_DIGEST_ITEM	1	/* GET of one object */
#define EXT_DIGEST_LIST	2	/* each object of the listing */
#define EXT_DIGEST_BOTH	3

struct ext_coll {
	const char *kind;	/* document kind */
	const char *var;	/* path variable of the id ("id", "sid") */
	const char *idkey;	/* JSON key of the id */
	const char *spec;	/* fields (see above), without the id */
	const char *list_keys;	/* keys in listings; NULL for all */
	const char *get_keys;	/* keys of the item; NULL for all */
	const char *missing;	/* "Job '%s' does not exist" */
	const char *exists;	/* "Job '%s' already exists" */
	int digest;		/* EXT_DIGEST_*: where "digest" is added */
	/* Called after the parameters are applied, before saving: fill
	 * defaults, check cross-field rules.  -1 with rs set refuses. */
	int (*hook)(struct sim *s, const struct sim_req *rq,
	    struct sim_resp *rs, struct ext_obj *o, int create);
};

/* The handlers of a collection under parent ("" top level). */
void ext_coll_list(struct sim *s, struct sim_resp *rs,
    const struct ext_coll *c, const char *parent);
void ext_coll_get(struct sim *s, struct sim_resp *rs,
    const struct ext_coll *c, const char *parent, const char *id);
/* id NULL: taken from the parameter c->var (POST with the id in the
 * body). */
void ext_coll_create(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct ext_coll *c, const char *parent,
    const char *id);
void ext_coll_update(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct ext_coll *c, const char *parent,
    const char *id);
void ext_coll_delete(struct sim *s, struct sim_resp *rs,
    const struct ext_coll *c, const char *parent, const char *id);

/* Handlers for a top-level collection whose id is the path variable
 * c->var (or a body parameter on POST). */
#define EXT_COLL_HANDLERS(NAME, COLL) \
static __attribute__((unused)) void NAME##_list(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m) \
{ (void)rq; (void)m; ext_coll_list(s, rs, &COLL, ""); } \
static __attribute__((unused)) void NAME##_get(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m) \
{ (void)rq; ext_coll_get(s, rs, &COLL, "", sim_var(m, (COLL).var)); } \
static __attribute__((unused)) void NAME##_create(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m) \
{ (void)m; ext_coll_create(s, rq, rs, &COLL, "", NULL); } \
static __attribute__((unused)) void NAME##_update(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m) \
{ ext_coll_update(s, rq, rs, &COLL, "", sim_var(m, (COLL).var)); } \
static __attribute__((unused)) void NAME##_delete(struct sim *s, struct sim_req *rq, \
    struct sim_resp *rs, const struct sim_match *m) \
{ (void)rq; ext_coll_delete(s, rs, &COLL, "", sim_var(m, (COLL).var)); }

/* Write a JSON array of {"KEY": name} for an index endpoint
 * ("subdirs": space-separated names). */
void ext_index(struct sim_resp *rs, const char *key, const char *subdirs);

/* ------------------------------------------------------------------ */
/* Seeding (called from sim_generate_ext in ext.c)                     */

void ext_seed_cluster(struct sim *s);
void ext_seed_node(struct sim *s);
void ext_seed_access(struct sim *s);
void ext_seed_pbs(struct sim *s);

#endif
