/*
 * guest.h -- what pxsim's guest endpoint files share (api/guest*.c,
 * vzdump.c, node_bulk.c): the helpers of guest.c and the handlers the
 * route table in guest_routes.c lists.
 */
#ifndef PX_SIM_GUESTS_H
#define PX_SIM_GUESTS_H

#include "../core.h"

enum sim_gtype g_type(const struct sim_req *rq);
const char *g_word(const struct sim_guest *g);
struct sim_guest *g_lookup(struct sim *s, const struct sim_req *rq,
    struct sim_resp *rs, const struct sim_match *m);
int g_check_lock(const struct sim_guest *g, const struct sim_req *rq,
    struct sim_resp *rs);
void g_size(uint64_t b, char *out, size_t n);
long long g_parse_size(const char *s);
int g_prop(const char *ps, const char *key, char *out, size_t n);
int g_is_disk_key(const char *key);
void g_disk_volid(const char *val, char *out, size_t n);
void g_sync_fields(struct sim_guest *g);
void g_write_config(struct jw *w, const struct sim_guest *g,
    const struct sim_kvlist *cfg, int digest);
int g_list_has(const char *list, const char *word);
/*
 * A disk added to g by a config change, "STORE:0,import-from=VOLID,...":
 * the new volume allocated on STORE (the next free vm-VMID-disk-N, the
 * source's size), and the value PVE keeps (malloc'd: "STORE:vm-100-
 * disk-1,...,size=2G"); NULL with PVE's error in rs.  working: the
 * import-working-storage for a disk of an OVA, or NULL.
 */
char *g_import_disk(struct sim *s, struct sim_guest *g, const char *key,
    const char *val, const char *working, struct sim_resp *rs);
/* The vmid as a task id ("100"). */
void g_idstr(char *buf, size_t n, int vmid);

/* A guest endpoint handler (see sim_handler). */
#define GUEST_HANDLER(name) void name(struct sim *s, struct sim_req *rq, \
	struct sim_resp *rs, const struct sim_match *m)

/* endpoint handlers */
void h_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_status_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_status_current(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_power(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_destroy(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_config_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_config_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_config_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_pending(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_clone(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_template(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_migrate_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_migrate_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_resize(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_move(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_feature(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);
void h_rrddata(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m);

GUEST_HANDLER(h_snap_list);
/* guest_misc.c */
GUEST_HANDLER(h_cloudinit_get);
GUEST_HANDLER(h_cloudinit_put);
GUEST_HANDLER(h_cloudinit_dump);
GUEST_HANDLER(h_sendkey);
GUEST_HANDLER(h_unlink);
GUEST_HANDLER(h_node_suspendall);
GUEST_HANDLER(h_node_rrd);
GUEST_HANDLER(h_guest_rrd);
GUEST_HANDLER(h_storage_rrd);
/* PVE's checks of a cloud-init key's value: -1 with the 400 in rs. */
int g_ci_check(struct sim_resp *rs, const char *k, const char *v);
GUEST_HANDLER(h_snap_create);
GUEST_HANDLER(h_snap_index);
GUEST_HANDLER(h_snap_delete);
GUEST_HANDLER(h_snap_config);
GUEST_HANDLER(h_snap_config_put);
GUEST_HANDLER(h_snap_rollback);
GUEST_HANDLER(h_agent_index);
GUEST_HANDLER(h_agent_simple);
GUEST_HANDLER(h_agent_exec);
GUEST_HANDLER(h_agent_exec_status);
GUEST_HANDLER(h_agent_file_read);
GUEST_HANDLER(h_agent_file_write);
GUEST_HANDLER(h_lxc_interfaces);
GUEST_HANDLER(h_console);
GUEST_HANDLER(h_vzdump);

#endif
