/*
 * state.h -- the cluster's configuration as a file (pxstate(5)): its
 * model (sections of objects, each a kind, an identity and its keys),
 * reading it (minini, after a strict scan that names the line of each
 * mistake), writing it canonically, and the difference of two states.
 *
 *     [meta]
 *     profile = prod
 *     pve = 9.1
 *
 *     [pool web]
 *     comment = the web tier
 *     vm = 101
 *     vm = 102
 *
 * Sections sorted by kind, then identity; keys sorted, a key that holds
 * a list one line per element (sorted); a value with ; # " \ a control
 * character or spaces at its ends in double quotes with \" \\ \n \t
 * escapes; a value longer than a line continues on "key+ = " lines.  The
 * same state is written byte for byte the same.
 */
#ifndef PX_STATE_H
#define PX_STATE_H

#include "buf.h"
#include "err.h"

struct st_kv {
	char *key;
	char *value;
	int seq;	/* the order it was added in: an ordered list (a
			   firewall's rules) keeps it */
};

struct st_sec {
	const struct st_kind *kind;
	char *id;		/* the identity after the kind's name */
	struct st_kv *kv;
	int nkv;
	int line;		/* in the file it came from, 0 otherwise */
	char digest[80];	/* read from the cluster: PVE's digest, sent
				   with an update it protects */
	int keep;		/* PVE's own (a built-in notification
				   target): updated, never deleted */
	int nseq;		/* the next st_kv.seq */
	int legacy;		/* read from a server whose API for it is
				   older (a pool on PVE 8.0: /pools/{id}) */
};

struct st_state {
	struct st_sec *s;
	int n;
	char profile[64];	/* [meta] */
	char pve[16];
	char stamp[32];
	char families[256];	/* [meta] families: what the file covers
				   (a family without sections: none) */
};

struct st_kind;

/* Add a section of kind with identity id (its keys empty); returned. */
struct st_sec *st_add(struct st_state *st, const struct st_kind *k,
    const char *id);
/* Add key = value to sec (a list key: one more element). */
void st_set(struct st_sec *sec, const char *key, const char *value);
/* The value of key in sec, or NULL (a list: its first element). */
const char *st_get(const struct st_sec *sec, const char *key);
/* Sort sections and keys (lists too) as the file has them. */
void st_sort(struct st_state *st);
void st_free(struct st_state *st);
/* The section of kind and id, or NULL. */
struct st_sec *st_find(const struct st_state *st, const struct st_kind *k,
    const char *id);

/* The section's name as the file has it: "pool web", "firewall options"
 * (a kind that is one object has no identity). */
const char *st_name(const struct st_sec *sec, char *buf, size_t n);

/* Write st, canonically (sorted first). */
void st_format(struct st_state *st, struct buf *b);
/*
 * Read the state file path: -1 with e naming the file, the line and
 * what is wrong (a malformed line or section, an unknown kind, a key its
 * kind does not have, a section twice).
 */
int st_read(struct st_state *st, const char *path, struct px_err *e);

/* One difference of a section between a file (want) and the cluster
 * (have). */
enum st_op { ST_CREATE, ST_UPDATE, ST_DELETE };
struct st_change {
	enum st_op op;
	const struct st_sec *want;	/* NULL for a delete */
	const struct st_sec *have;	/* NULL for a create */
};
/*
 * The changes that make have into want, in the order they must be made:
 * creates and updates by kind (dependencies first), then deletes in the
 * reverse order.  Only the kinds in want's families are compared (a
 * file of pools says nothing about ACLs).  Deletes are listed too; the
 * caller drops them without --prune.  *out malloc'd.
 */
int st_diff(const struct st_state *want, const struct st_state *have,
    const char *const *families, int nfam, struct st_change **out);
/* Whether sections a and b hold the same keys and values. */
int st_same(const struct st_sec *a, const struct st_sec *b);

#endif
