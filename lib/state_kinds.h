/*
 * state_kinds.h -- the kinds of objects a state file holds (pxstate(5)),
 * each with its family, its keys, how it is read from the cluster and
 * the requests that create, update and delete one: the one writer of
 * each kind for px state apply.
 */
#ifndef PX_STATE_KINDS_H
#define PX_STATE_KINDS_H

#include "gate.h"
#include "http.h"
#include "state.h"

struct st_kind {
	const char *name;	/* "pool", "ha resource" (section prefix) */
	const char *family;	/* "pools", "ha-resources" */
	int order;		/* creates in rising order, deletes falling */
	const char *const *keys;	/* the keys it may have */
	const char *const *lists;	/* those that are lists (sorted) */
	const char *const *fixed;	/* those that cannot change once
					   created: a difference is refused */
	/* generic reading and writing (NULL: the kind's own functions) */
	const char *list_path;	/* GET: its objects */
	const char *idkey;	/* each row's identity, the create param */
	const char *create_path;	/* POST */
	const char *item_path;	/* PUT and DELETE: printf with the id */
	int digest;		/* its PUT takes PVE's digest */
	int (*read)(struct px_client *c, const struct st_kind *k,
	    struct st_state *st, struct px_err *e);
	/* the requests of ch, in targets t[0..max); returns how many, or
	 * -1 with e when the change cannot be made (a fixed key) */
	int (*write)(const struct st_kind *k, const struct st_change *ch,
	    struct gate_target *t, int max, struct px_err *e);
	/* "key=value": what PVE fills in when the key is not given; the
	 * state leaves a key at its default out, so that a file that
	 * does not name it matches */
	const char *const *defaults;
	int delete_param;	/* its PUT takes delete=KEY,KEY; else a key
				   the file drops is sent at its default
				   (or empty) */
};

/* Every kind, in dependency order; *n of them. */
const struct st_kind *st_kinds(int *n);
/* The kind a section name starts with (the longest name), and where its
 * identity starts in *id; NULL when none. */
const struct st_kind *st_kind_of(const char *section, const char **id);
/* Whether family is known ("all" is). */
int st_family_known(const char *family);
/* Whether family is exported only when named (--family sdn, or all):
 * sdn, whose changes wait for px sdn apply. */
int st_family_opt_in(const char *family);
/* Whether key is one of kind k's (a list key with "+" continues). */
int st_kind_has_key(const struct st_kind *k, const char *key);
int st_kind_is_list(const struct st_kind *k, const char *key);
/* PVE's default of key for kind k, or NULL. */
const char *st_kind_default(const struct st_kind *k, const char *key);
/* Drop from sec the keys that say nothing: an empty value, a value at
 * PVE's default (both mean the key is not set). */
void st_normalize(struct st_sec *sec);

/* Read the objects of the kinds of families (NULL: all) from the
 * cluster into st. */
int st_export(struct px_client *c, const char *const *families, int nfam,
    struct st_state *st, struct px_err *e);
/* The requests of change ch: targets filled (id, summary, call); their
 * number, or -1 with e. */
int st_requests(const struct st_change *ch, struct gate_target *t, int max,
    struct px_err *e);
/* What the file names must exist, in it or on the cluster: an ACL's
 * role and group; a pool's vm lines are VMIDs.  -1 with e naming path
 * and the section's line. */
int st_check(struct px_client *c, const struct st_state *want,
    const char *path, struct px_err *e);

#endif
