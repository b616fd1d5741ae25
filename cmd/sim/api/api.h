/*
 * api.h -- what pxsim's endpoint files share beyond sim.h: the
 * table-driven engine for PVE's section-config collections (collection.c:
 * list, read, create, update with digest and delete, parameter checks
 * with PVE's messages), and the JSON objects of model/object.h.
 */
#ifndef PX_SIM_API_H
#define PX_SIM_API_H

#include "../sim.h"
#include "../model/object.h"

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

#endif
