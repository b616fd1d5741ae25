/*
 * state_impl.h -- what the kinds of a state file share across the files
 * that define them (state_kinds.c, state_fw.c, state_more.c): reading
 * PVE's rows into sections, building the requests of a change.  Not
 * for commands: they use state.h and state_kinds.h.
 */
#ifndef PX_STATE_IMPL_H
#define PX_STATE_IMPL_H

#include "json.h"
#include "state_kinds.h"

/* The text of a scalar value (true/false as 1/0), or NULL; malloc'd. */
char *st_scalar(const struct json *j, int t);
/* Whether a section can be named by id (no brackets, no controls). */
int st_id_ok(const char *id);
/* GET path; its data must be an array (r to free). */
int st_get_rows(struct px_client *c, const char *path, struct px_reply *r,
    struct px_err *e);
/* key's values in sec, comma-joined, appended to b. */
void st_joined(const struct st_sec *sec, const char *key, struct buf *b);
int st_key_differs(const struct st_sec *a, const struct st_sec *b,
    const char *key);
/* Name target t for an object of kind k: its audit id, summary, method. */
void st_target(struct gate_target *t, const struct st_kind *k,
    const char *id, const char *method, const char *summary);
/* k's item_path with id, url-encoded. */
void st_item_path(struct buf *b, const struct st_kind *k, const char *id);
int st_read_generic(struct px_client *c, const struct st_kind *k,
    struct st_state *st, struct px_err *e);
int st_write_generic(const struct st_kind *k, const struct st_change *ch,
    struct gate_target *t, int max, struct px_err *e);

/* "PATH TYPE:UGID ROLE" (an ACL section's identity) into its parts, in
 * buf; -1 with e when it is not one. */
int st_acl_parts(const char *id, char *buf, size_t n, char **path,
    char **type, char **ugid, char **role, struct px_err *e);

/* The firewall-cluster kinds (state_fw.c). */
int st_fw_read_options(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
int st_fw_read_alias(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
int st_fw_write_alias(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
int st_fw_read_ipset(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
int st_fw_write_ipset(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
int st_fw_read_group(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
int st_fw_write_group(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
int st_fw_read_rules(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);
int st_fw_write_rules(const struct st_kind *, const struct st_change *,
    struct gate_target *, int, struct px_err *);
/* One spelling of each rule and IP set member of sec. */
void st_fw_normalize(struct st_sec *sec);
/* Whether the rules and members of a firewall section parse. */
int st_fw_check(const struct st_sec *s, struct px_err *e);
/* A rule as the file has it, from PVE's rule object at row. */
void st_fw_rule_text(const struct json *j, int row, struct buf *b);

/* The cluster's options (state_fw.c): one object, property strings. */
int st_read_cluster_options(struct px_client *, const struct st_kind *,
    struct st_state *, struct px_err *);

#endif
