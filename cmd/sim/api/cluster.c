/*
 * cluster.c -- pxsim's /cluster/... areas: log, options, backup jobs,
 * backup-info, firewall (cluster, node and guest), HA, PCI/USB mappings,
 * notifications and replication.  Shapes follow the PVE 9 schema
 * (apidoc.js); objects live in the document store (model/object.h),
 * seeded by model/seed.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"
#include "api.h"
#include "calendar.h"

/* A schedule PVE refuses (format pve-calendar-event): -1 with its 400. */
static int
schedule_check(const struct sim_req *rq, struct sim_resp *rs)
{
	const char *ev = sim_param(rq, "schedule");
	char why[256];

	if (ev == NULL || calendar_check(ev, why, sizeof(why)) == 0)
		return 0;
	sim_param_errorf(rs, "schedule", "invalid calendar event '%s' - %s",
	    ev, why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* /cluster/log                                                       */

static void
cluster_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	long long max = sim_param_int(rq, "max", 50);
	struct jw w;
	size_t i, n = 0;
	time_t now = sim_now(s);

	(void)m;
	if (max < 1)
		max = 1;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	/* Newest first: the task starts and ends, then older boot lines. */
	for (i = s->ntasks; i-- > 0 && (long long)n < max;) {
		const struct sim_task *t = s->tasks[i];
		int end;

		for (end = t->running ? 0 : 1; end >= 0 &&
		    (long long)n < max; end--, n++) {
			char msg[sizeof(t->upid) + 256];

			if (end)
				snprintf(msg, sizeof(msg), "end task %s %s",
				    t->upid, t->exitstatus ? t->exitstatus :
				    "OK");
			else
				snprintf(msg, sizeof(msg), "starting task %s",
				    t->upid);
			jw_obj(&w);
			jw_kint(&w, "uid", (long long)(1000 + i * 2 + end));
			jw_kint(&w, "time", (long long)(end ? t->endtime :
			    t->starttime));
			jw_kint(&w, "pri", 6);
			jw_kstr(&w, "tag", "pvedaemon");
			jw_kint(&w, "pid", (long long)t->pid);
			jw_kstr(&w, "node", t->node);
			jw_kstr(&w, "user", t->user);
			jw_kstr(&w, "msg", msg);
			jw_end(&w);
		}
	}
	for (i = 0; (long long)n < max && i < 40; i++, n++) {
		const struct sim_node *nd = &s->nodes[i % s->nnodes];
		static const char *msgs[] = {
			"successful auth for user 'root@pam'",
			"received new config for cluster 'pxsim'",
			"starting 1 worker(s)",
			"worker finished",
			"update cluster info (cluster name  pxsim, version = 3)",
		};

		jw_obj(&w);
		jw_kint(&w, "uid", (long long)(999 - i));
		jw_kint(&w, "time", (long long)(now - 3600 * 6 - 600 *
		    (long long)i));
		jw_kint(&w, "pri", 6);
		jw_kstr(&w, "tag", i % 2 ? "pvedaemon" : "pmxcfs");
		jw_kint(&w, "pid", (long long)(1200 + i * 7));
		jw_kstr(&w, "node", nd->name);
		jw_kstr(&w, "user", "root@pam");
		jw_kstr(&w, "msg", msgs[i % 5]);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ------------------------------------------------------------------ */
/* /cluster/options                                                   */

#define OPTIONS_SPEC \
	"bwlimit:s consent-text:s console:e(applet|vv|html5|xtermjs) " \
	"crs:s description:s email_from:s fencing:e(watchdog|hardware|both) " \
	"ha:s http_proxy:s keyboard:e(de|de-ch|da|en-gb|en-us|es|fi|fr|" \
	"fr-be|fr-ca|fr-ch|hu|is|it|ja|lt|mk|nl|no|pl|pt|pt-br|sv|sl|tr) " \
	"language:e(ar|ca|da|de|en|es|eu|fa|fr|hr|he|it|ja|ka|kr|nb|nl|nn|" \
	"pl|pt_BR|ru|sl|sv|tr|ukr|zh_CN|zh_TW) mac_prefix:s max_workers:i " \
	"migration:s migration_unsecure:b next-id:s notify:s " \
	"registered-tags:s replication:s tag-style:s u2f:s " \
	"user-tag-access:s webauthn:s"

/* Options whose value is a property string, served as an object. */
static const char *options_objects[] = { "bwlimit", "crs", "ha",
	"migration", "next-id", "notify", "replication", "tag-style", "u2f",
	"user-tag-access", "webauthn", NULL };

static void
options_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o;
	struct jw w;

	(void)rq;
	(void)m;
	if (ext_doc_obj(s, "clusteroptions", "", "options", &o) == -1)
		memset(&o, 0, sizeof(o));
	sim_ok_begin(rs, &w);
	ext_obj_write(&w, &o, NULL);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

static void
options_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o;
	size_t i, k;

	(void)m;
	if (ext_doc_obj(s, "clusteroptions", "", "options", &o) == -1)
		memset(&o, 0, sizeof(o));
	if (ext_apply(OPTIONS_SPEC, rq, rs, &o, 0, "digest") == -1)
		goto out;
	for (k = 0; options_objects[k]; k++) {
		const char *v = sim_param(rq, options_objects[k]);
		struct ext_obj sub = { 0 };
		char *json;

		if (v == NULL)
			continue;
		ext_propstr_obj(v, !strcmp(options_objects[k], "migration") ?
		    "type" : NULL, &sub);
		json = ext_obj_json(&sub);
		ext_obj_set_raw(&o, options_objects[k], json);
		free(json);
		ext_obj_free(&sub);
	}
	(void)i;
	ext_doc_put_obj(s, "clusteroptions", "", "options", &o);
	sim_ok_null(rs);
out:
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* /cluster/backup                                                    */

#define BACKUP_SPEC \
	"id:s:k all:b bwlimit:i comment:s compress:e(0|1|gzip|lzo|zstd) " \
	"dow:s:w dumpdir:s enabled:b exclude:s exclude-path:a fleecing:o " \
	"ionice:i lockwait:i mailnotification:e(always|failure) mailto:s " \
	"maxfiles:i mode:e(snapshot|suspend|stop) node:s notes-template:s " \
	"notification-mode:e(auto|legacy-sendmail|notification-system) " \
	"pbs-change-detection-mode:e(legacy|data|metadata) performance:o " \
	"pigz:i pool:s protected:b prune-backups:o quiet:b remove:b " \
	"repeat-missed:b schedule:s script:s starttime:s:w stdexcludes:b " \
	"stop:b stopwait:i storage:s tmpdir:s vmid:s zstd:i"

static int
backup_hook(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create)
{
	const char *st = sim_param(rq, "starttime");
	const char *dow = sim_param(rq, "dow");

	if (schedule_check(rq, rs) != 0)
		return -1;
	if (create && ext_obj_raw(o, "id") == NULL) {
		char uuid[37], id[32];

		sim_uuid(s, EXT_RNG_CLUSTER, uuid);
		snprintf(id, sizeof(id), "backup-%.13s", uuid);
		ext_obj_set_str(o, "id", id);
	}
	if (st != NULL || dow != NULL) {
		char sched[128];

		snprintf(sched, sizeof(sched), "%s%s%s",
		    dow ? dow : "", dow ? " " : "", st ? st : "00:00");
		ext_obj_set_str(o, "schedule", sched);
	}
	if (create && ext_obj_raw(o, "schedule") == NULL) {
		sim_param_error(rs, "schedule", "property is missing and it "
		    "is not optional");
		return -1;
	}
	if (create && ext_obj_raw(o, "all") == NULL &&
	    ext_obj_raw(o, "vmid") == NULL && ext_obj_raw(o, "pool") == NULL) {
		sim_param_error(rs, "vmid", "property is missing and it is "
		    "not optional");
		return -1;
	}
	if (create && ext_obj_raw(o, "enabled") == NULL)
		ext_obj_set_int(o, "enabled", 1);
	if (ext_obj_raw(o, "storage") != NULL) {
		char *sid = ext_obj_str(o, "storage");
		int bad = sim_storage_find(s, sid) == NULL;

		if (bad)
			sim_param_errorf(rs, "storage", "storage '%s' does "
			    "not exist", sid);
		free(sid);
		if (bad)
			return -1;
	}
	return 0;
}

static const struct ext_coll backup_coll = {
	"backupjob", "id", "id", BACKUP_SPEC, NULL, NULL,
	"Job '%s' does not exist", "Job '%s' already exists", 0, backup_hook
};

EXT_COLL_HANDLERS(backup, backup_coll)

/* A disk of a guest's configuration that vzdump considers. */
static int
backup_disk_key(const char *key)
{
	static const char *pfx[] = { "scsi", "virtio", "ide", "sata",
	    "efidisk", "tpmstate", "mp", NULL };

	if (strcmp(key, "rootfs") == 0)
		return 1;
	for (int i = 0; pfx[i]; i++) {
		size_t n = strlen(pfx[i]);

		if (strncmp(key, pfx[i], n) == 0 && key[n] >= '0' &&
		    key[n] <= '9')
			return 1;
	}
	return 0;
}

/* Does the job document select guest g (enabled or not)?  A job with a
 * node runs there only. */
static int
job_selects(const struct sim *s, const struct ext_obj *o,
    const struct sim_guest *g)
{
	char *vmids, *pool, *exclude, *node;
	char id[16];
	int hit = 0;

	if ((node = ext_obj_str(o, "node")) != NULL) {
		hit = strcmp(node, sim_guest_node(s, g)) != 0;
		free(node);
		if (hit)
			return 0;
	}
	snprintf(id, sizeof(id), "%d", g->vmid);
	vmids = ext_obj_str(o, "vmid");
	pool = ext_obj_str(o, "pool");
	exclude = ext_obj_str(o, "exclude");
	if (ext_obj_int(o, "all", 0)) {
		hit = 1;
		if (exclude != NULL) {
			char *tok, *save;

			for (tok = strtok_r(exclude, ", ", &save); tok;
			    tok = strtok_r(NULL, ", ", &save))
				if (!strcmp(tok, id))
					hit = 0;
		}
	} else if (vmids != NULL) {
		char *tok, *save;

		for (tok = strtok_r(vmids, ", ", &save); tok;
		    tok = strtok_r(NULL, ", ", &save))
			if (!strcmp(tok, id))
				hit = 1;
	} else if (pool != NULL && g->pool != NULL)
		hit = !strcmp(pool, g->pool);
	free(vmids);
	free(pool);
	free(exclude);
	return hit;
}

/* Does the job document back up guest g (an enabled job selecting it)? */
static int
job_covers(const struct sim *s, const struct ext_obj *o,
    const struct sim_guest *g)
{
	return ext_obj_int(o, "enabled", 1) != 0 && job_selects(s, o, g);
}

struct jobs {
	struct ext_obj *v;
	size_t n;
};

static int
jobs_cb(void *arg, const char *id, const char *json)
{
	struct jobs *j = arg;

	(void)id;
	j->v = px_xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
	memset(&j->v[j->n], 0, sizeof(j->v[0]));
	if (ext_obj_parse(&j->v[j->n], json, 0) == 0)
		j->n++;
	return 0;
}

static void
not_backed_up(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jobs jobs = { 0 };
	struct jw w;
	size_t i, k;

	(void)rq;
	(void)m;
	sim_doc_list(s, "backupjob", "", jobs_cb, &jobs);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];
		int covered = 0;

		if (g->template_)
			continue;
		for (k = 0; k < jobs.n && !covered; k++)
			covered = job_covers(s, &jobs.v[k], g);
		if (covered)
			continue;
		jw_obj(&w);
		jw_kint(&w, "vmid", g->vmid);
		jw_kstr(&w, "type", sim_gtype_name(g->type));
		if (g->name != NULL)
			jw_kstr(&w, "name", g->name);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	for (k = 0; k < jobs.n; k++)
		ext_obj_free(&jobs.v[k]);
	free(jobs.v);
}

/*
 * /cluster/backup/{id}/included_volumes: the guests the job selects and
 * each one's disks, with whether vzdump takes it (a disk with backup=0
 * does not; a container's mount point only with backup=1).
 */
static void
backup_included(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o = { 0 };
	struct jw w;
	size_t i, k;

	(void)rq;
	if (ext_doc_obj(s, "backupjob", "", sim_var(m, "id"), &o) != 0) {
		sim_error(rs, 500, backup_coll.missing, sim_var(m, "id"));
		return;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_key(&w, "children");
	jw_arr(&w);
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];

		if (!job_selects(s, &o, g))
			continue;
		jw_obj(&w);
		jw_kint(&w, "id", g->vmid);
		jw_kstr(&w, "type", sim_gtype_name(g->type));
		if (g->name != NULL)
			jw_kstr(&w, "name", g->name);
		jw_key(&w, "children");
		jw_arr(&w);
		for (k = 0; k < g->config.n; k++) {
			const char *key = g->config.v[k].key;
			const char *val = g->config.v[k].val;
			int in, mp;

			if (!backup_disk_key(key) || strstr(val, "media=cdrom"))
				continue;
			mp = strncmp(key, "mp", 2) == 0;
			in = mp ? strstr(val, "backup=1") != NULL :
			    strstr(val, "backup=0") == NULL;
			jw_obj(&w);
			jw_kstr(&w, "id", key);
			jw_kstr(&w, "name", val);
			jw_kbool(&w, "included", in);
			jw_kstr(&w, "reason", in ? "" : mp ? "mountpoint "
			    "without backup=1" : "backup=no");
			jw_end(&w);
		}
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

static void
backup_info_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "subdir", "not-backed-up");
}

/* ------------------------------------------------------------------ */
/* Firewall                                                           */

#define RULE_SPEC \
	"action:s:r comment:s dest:s dport:s enable:i icmp-type:s iface:s " \
	"log:e(emerg|alert|crit|err|warning|notice|info|debug|nolog) " \
	"macro:s pos:i:w proto:s source:s sport:s " \
	"type:e(in|out|forward|group):r moveto:i:w"

#define ALIAS_SPEC "name:s:k cidr:s:r comment:s rename:s:w"

#define FWOPT_CLUSTER_SPEC \
	"ebtables:b enable:i log_ratelimit:s policy_forward:e(ACCEPT|DROP) " \
	"policy_in:e(ACCEPT|REJECT|DROP) policy_out:e(ACCEPT|REJECT|DROP)"

#define FWOPT_NODE_SPEC \
	"enable:b log_level_forward:e(emerg|alert|crit|err|warning|notice|" \
	"info|debug|nolog) log_level_in:e(emerg|alert|crit|err|warning|" \
	"notice|info|debug|nolog) log_level_out:e(emerg|alert|crit|err|" \
	"warning|notice|info|debug|nolog) log_nf_conntrack:b ndp:b " \
	"nf_conntrack_allow_invalid:b nf_conntrack_helpers:s " \
	"nf_conntrack_max:i nf_conntrack_tcp_timeout_established:i " \
	"nf_conntrack_tcp_timeout_syn_recv:i nftables:b nosmurfs:b " \
	"protection_synflood:b protection_synflood_burst:i " \
	"protection_synflood_rate:i smurf_log_level:e(emerg|alert|crit|err|" \
	"warning|notice|info|debug|nolog) tcp_flags_log_level:e(emerg|" \
	"alert|crit|err|warning|notice|info|debug|nolog) tcpflags:b"

#define FWOPT_GUEST_SPEC \
	"dhcp:b enable:b ipfilter:b log_level_forward:e(emerg|alert|crit|" \
	"err|warning|notice|info|debug|nolog) log_level_in:e(emerg|alert|" \
	"crit|err|warning|notice|info|debug|nolog) log_level_out:e(emerg|" \
	"alert|crit|err|warning|notice|info|debug|nolog) macfilter:b ndp:b " \
	"policy_in:e(ACCEPT|REJECT|DROP) policy_out:e(ACCEPT|REJECT|DROP) " \
	"radv:b"

/* Where a firewall's documents live: parent "" for the cluster,
 * "guest/VMID" for a guest (removed with it), "node/NODE" for a node's
 * host firewall. */
struct fwscope {
	char parent[32];
	char rules[96];		/* id of the "fwrules" document */
	char permpath[32];	/* "/" or "/vms/100" */
};

static int
fw_scope(struct sim *s, const struct sim_match *m, struct sim_resp *rs,
    struct fwscope *sc, enum sim_gtype type)
{
	const char *vmid = sim_var(m, "vmid");
	const char *group = sim_var(m, "group");
	const char *node = sim_var(m, "node");

	memset(sc, 0, sizeof(*sc));
	if (vmid != NULL) {
		if (sim_guest_check(s, rs, sim_var(m, "node"), type,
		    atoi(vmid)) == NULL)
			return -1;
		snprintf(sc->parent, sizeof(sc->parent), "guest/%d",
		    atoi(vmid));
		snprintf(sc->rules, sizeof(sc->rules), "rules");
		snprintf(sc->permpath, sizeof(sc->permpath), "/vms/%d",
		    atoi(vmid));
	} else if (group != NULL) {
		char *doc = sim_doc_get(s, "fwgroup", "", group);

		if (doc == NULL) {
			sim_error(rs, 500, "no such security group '%s'",
			    group);
			return -1;
		}
		free(doc);
		snprintf(sc->rules, sizeof(sc->rules), "group/%s", group);
		snprintf(sc->permpath, sizeof(sc->permpath), "/");
	} else if (node != NULL) {
		snprintf(sc->parent, sizeof(sc->parent), "node/%s", node);
		snprintf(sc->rules, sizeof(sc->rules), "rules");
		snprintf(sc->permpath, sizeof(sc->permpath), "/nodes/%s",
		    node);
	} else {
		snprintf(sc->rules, sizeof(sc->rules), "cluster");
		snprintf(sc->permpath, sizeof(sc->permpath), "/");
	}
	return 0;
}

static enum sim_gtype
path_gtype(const struct sim_req *rq)
{
	return strstr(rq->path, "/lxc/") ? SIM_LXC : SIM_QEMU;
}

static void
rules_load(struct sim *s, const struct fwscope *sc, struct ext_arr *a)
{
	char *doc = sim_doc_get(s, "fwrules", sc->parent, sc->rules);

	if (doc == NULL || ext_arr_parse(a, doc) == -1)
		memset(a, 0, sizeof(*a));
	free(doc);
}

static void
rules_save(struct sim *s, const struct fwscope *sc, struct ext_arr *a)
{
	char *json;
	size_t i;

	for (i = 0; i < a->n; i++)
		ext_obj_del(&a->v[i], "pos");
	json = ext_arr_json(a);
	sim_doc_put(s, "fwrules", sc->parent, sc->rules, json);
	free(json);
}

static void
rule_write(struct jw *w, struct ext_obj *r, size_t pos, const char *digest)
{
	ext_obj_set_int(r, "pos", (long long)pos);
	/* each rule carries the ruleset's digest, as in PVE */
	if (digest)
		ext_obj_set_str(r, "digest", digest);
	ext_obj_write(w, r, NULL);
}

static void
fw_rules_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;
	struct jw w;
	size_t i;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	char digest[41];

	rules_load(s, &sc, &a);
	ext_kind_digest(s, "fwrules", sc.parent, digest);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < a.n; i++)
		rule_write(&w, &a.v[i], i, digest);
	jw_end(&w);
	sim_ok_end(rs, &w);
	ext_arr_free(&a);
}

/* The rule index from {pos}; -1 with PVE's error when out of range. */
static long
rule_pos(const struct sim_match *m, const struct ext_arr *a,
    struct sim_resp *rs)
{
	const char *p = sim_var(m, "pos");
	char *end;
	long pos;

	if (p == NULL || *p == 0 || (pos = strtol(p, &end, 10), *end) ||
	    pos < 0) {
		sim_param_errorf(rs, "pos", "type check ('integer') failed - "
		    "got '%s'", p ? p : "");
		return -1;
	}
	if ((size_t)pos >= a->n) {
		sim_error(rs, 500, "no rule at position %ld", pos);
		return -1;
	}
	return pos;
}

static void
fw_rule_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;
	struct jw w;
	long pos;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	char digest[41];

	rules_load(s, &sc, &a);
	ext_kind_digest(s, "fwrules", sc.parent, digest);
	if ((pos = rule_pos(m, &a, rs)) >= 0) {
		sim_ok_begin(rs, &w);
		rule_write(&w, &a.v[pos], (size_t)pos, digest);
		sim_ok_end(rs, &w);
	}
	ext_arr_free(&a);
}

static int
rule_check(const struct ext_obj *r, struct sim_resp *rs)
{
	char *action = ext_obj_str(r, "action");
	char *type = ext_obj_str(r, "type");
	int rc = 0;

	if (action != NULL && type != NULL && strcmp(type, "group") != 0 &&
	    strcmp(action, "ACCEPT") && strcmp(action, "DROP") &&
	    strcmp(action, "REJECT")) {
		sim_param_errorf(rs, "action", "value does not match the "
		    "regex pattern");
		rc = -1;
	}
	free(action);
	free(type);
	return rc;
}

static void
fw_rule_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;
	struct ext_obj r = { 0 };
	char digest[41];
	long long pos;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	if (ext_apply(RULE_SPEC, rq, rs, &r, 1,
	    "node vmid group digest") == -1 || rule_check(&r, rs) == -1) {
		ext_obj_free(&r);
		return;
	}
	rules_load(s, &sc, &a);
	ext_kind_digest(s, "fwrules", sc.parent, digest);
	if (ext_digest_check(rq, rs, digest) == 0) {
		if (ext_obj_raw(&r, "enable") == NULL)
			ext_obj_set_int(&r, "enable", 0);
		pos = sim_param_int(rq, "pos", 0);
		ext_arr_insert(&a, pos < 0 ? 0 : (size_t)pos, &r);
		rules_save(s, &sc, &a);
		sim_ok_null(rs);
	}
	ext_obj_free(&r);
	ext_arr_free(&a);
}

static void
fw_rule_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;
	char digest[41];
	long pos;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	rules_load(s, &sc, &a);
	ext_kind_digest(s, "fwrules", sc.parent, digest);
	if ((pos = rule_pos(m, &a, rs)) < 0 ||
	    ext_digest_check(rq, rs, digest) == -1)
		goto out;
	if (sim_param(rq, "moveto") != NULL) {
		long long to = sim_param_int(rq, "moveto", -1);
		struct ext_obj r;

		if (to < 0) {
			sim_param_error(rs, "moveto", "type check ('integer') "
			    "failed");
			goto out;
		}
		r = a.v[pos];
		memmove(&a.v[pos], &a.v[pos + 1],
		    (a.n - (size_t)pos - 1) * sizeof(a.v[0]));
		a.n--;
		if ((size_t)to > (size_t)pos && to > 0)
			to--;
		ext_arr_insert(&a, (size_t)to, &r);
	} else {
		if (ext_apply(RULE_SPEC, rq, rs, &a.v[pos], 0,
		    "node vmid group digest pos") == -1 ||
		    rule_check(&a.v[pos], rs) == -1)
			goto out;
	}
	rules_save(s, &sc, &a);
	sim_ok_null(rs);
out:
	ext_arr_free(&a);
}

static void
fw_rule_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;
	char digest[41];
	long pos;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	rules_load(s, &sc, &a);
	ext_kind_digest(s, "fwrules", sc.parent, digest);
	if ((pos = rule_pos(m, &a, rs)) >= 0 &&
	    ext_digest_check(rq, rs, digest) == 0) {
		ext_arr_remove(&a, (size_t)pos);
		rules_save(s, &sc, &a);
		sim_ok_null(rs);
	}
	ext_arr_free(&a);
}

/* Firewall options. */
static void
fw_options_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o;
	struct jw w;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	char digest[41];

	if (ext_doc_obj(s, "fwoptions", sc.parent, "options", &o) == -1)
		memset(&o, 0, sizeof(o));
	/* PVE answers the digest of the firewall file with the options */
	ext_kind_digest(s, "fwoptions", sc.parent, digest);
	ext_obj_set_str(&o, "digest", digest);
	sim_ok_begin(rs, &w);
	ext_obj_write(&w, &o, NULL);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

static void
fw_options_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o;
	char digest[41];
	const char *spec = sim_var(m, "vmid") ? FWOPT_GUEST_SPEC :
	    sim_var(m, "node") ? FWOPT_NODE_SPEC : FWOPT_CLUSTER_SPEC;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	if (ext_doc_obj(s, "fwoptions", sc.parent, "options", &o) == -1)
		memset(&o, 0, sizeof(o));
	ext_kind_digest(s, "fwoptions", sc.parent, digest);
	if (ext_digest_check(rq, rs, digest) == 0 &&
	    ext_apply(spec, rq, rs, &o, 0, "node vmid digest") == 0) {
		ext_doc_put_obj(s, "fwoptions", sc.parent, "options", &o);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

/* Aliases. */
static const struct ext_coll alias_coll = {
	"fwalias", "name", "name", ALIAS_SPEC, NULL, NULL,
	"no such alias '%s'", "alias '%s' already exists", EXT_DIGEST_BOTH,
	NULL
};

static int
fw_parent(struct sim *s, struct sim_req *rq, const struct sim_match *m,
    struct sim_resp *rs, struct fwscope *sc)
{
	if (strncmp(rq->path, "/nodes/", 7) == 0)
		return fw_scope(s, m, rs, sc, path_gtype(rq));
	memset(sc, 0, sizeof(*sc));
	return 0;
}

static void
fw_alias_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;

	if (fw_parent(s, rq, m, rs, &sc) == 0)
		ext_coll_list(s, rs, &alias_coll, sc.parent);
}

static void
fw_alias_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;

	if (fw_parent(s, rq, m, rs, &sc) == 0)
		ext_coll_get(s, rs, &alias_coll, sc.parent,
		    sim_var(m, "name"));
}

static void
fw_alias_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;

	if (fw_parent(s, rq, m, rs, &sc) == 0)
		ext_coll_create(s, rq, rs, &alias_coll, sc.parent, NULL);
}

static void
fw_alias_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	const char *name = sim_var(m, "name");
	const char *rename = sim_param(rq, "rename");
	struct ext_obj o;

	if (fw_parent(s, rq, m, rs, &sc) == -1)
		return;
	ext_coll_update(s, rq, rs, &alias_coll, sc.parent, name);
	if (rs->status != 200 || rename == NULL || !strcmp(rename, name))
		return;
	if (ext_doc_obj(s, "fwalias", sc.parent, name, &o) == 0) {
		ext_obj_set_str(&o, "name", rename);
		sim_doc_delete(s, "fwalias", sc.parent, name);
		ext_doc_put_obj(s, "fwalias", sc.parent, rename, &o);
		ext_obj_free(&o);
	}
}

static void
fw_alias_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;

	if (fw_parent(s, rq, m, rs, &sc) == 0)
		ext_coll_delete(s, rs, &alias_coll, sc.parent,
		    sim_var(m, "name"));
}

/* IP sets: one document per set, {"name","comment","entries":[...]}. */
#define IPSET_ENTRY_SPEC "cidr:s:r comment:s nomatch:b"

static const struct ext_coll ipset_coll = {
	"fwipset", "name", "name", "name:s:k comment:s rename:s:w", 
	"name comment digest", NULL, "no such IPSet '%s'",
	"IPSet '%s' already exists", EXT_DIGEST_BOTH, NULL
};

static void
fw_ipset_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;

	if (fw_parent(s, rq, m, rs, &sc) == 0)
		ext_coll_list(s, rs, &ipset_coll, sc.parent);
}

static void
fw_ipset_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	const char *name = sim_param(rq, "name");
	const char *rename = sim_param(rq, "rename");
	struct ext_obj o;

	if (fw_parent(s, rq, m, rs, &sc) == -1)
		return;
	if (rename == NULL) {
		ext_coll_create(s, rq, rs, &ipset_coll, sc.parent, NULL);
		if (rs->status == 200 && name != NULL &&
		    ext_doc_obj(s, "fwipset", sc.parent, name, &o) == 0) {
			ext_obj_set_raw(&o, "entries", "[]");
			ext_doc_put_obj(s, "fwipset", sc.parent, name, &o);
			ext_obj_free(&o);
		}
		return;
	}
	/* rename=OLD name=NEW */
	if (name == NULL) {
		sim_param_error(rs, "name", "property is missing and it is "
		    "not optional");
		return;
	}
	if (ext_doc_obj(s, "fwipset", sc.parent, rename, &o) == -1) {
		sim_error(rs, 500, "no such IPSet '%s'", rename);
		return;
	}
	ext_obj_set_str(&o, "name", name);
	if (sim_param(rq, "comment"))
		ext_obj_set_str(&o, "comment", sim_param(rq, "comment"));
	sim_doc_delete(s, "fwipset", sc.parent, rename);
	ext_doc_put_obj(s, "fwipset", sc.parent, name, &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

static int
ipset_load(struct sim *s, struct sim_req *rq, const struct sim_match *m,
    struct sim_resp *rs, struct fwscope *sc, struct ext_obj *o,
    struct ext_arr *entries)
{
	const char *name = sim_var(m, "name");

	if (fw_parent(s, rq, m, rs, sc) == -1)
		return -1;
	if (ext_doc_obj(s, "fwipset", sc->parent, name, o) == -1) {
		sim_error(rs, 500, "no such IPSet '%s'", name);
		return -1;
	}
	ext_arr_parse(entries, ext_obj_raw(o, "entries"));
	return 0;
}

static void
ipset_store(struct sim *s, const struct fwscope *sc, struct ext_obj *o,
    const struct ext_arr *entries)
{
	char *json = ext_arr_json(entries);
	char *name = ext_obj_str(o, "name");

	ext_obj_set_raw(o, "entries", json);
	ext_doc_put_obj(s, "fwipset", sc->parent, name, o);
	free(json);
	free(name);
}

static long
entry_find(const struct ext_arr *a, const char *cidr)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		char *c = ext_obj_str(&a->v[i], "cidr");
		int eq = c != NULL && strcmp(c, cidr) == 0;

		free(c);
		if (eq)
			return (long)i;
	}
	return -1;
}

static void
fw_ipset_entries(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o;
	struct ext_arr a;
	struct jw w;
	char digest[41];
	size_t i;

	if (ipset_load(s, rq, m, rs, &sc, &o, &a) == -1)
		return;
	ext_kind_digest(s, "fwipset", sc.parent, digest);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < a.n; i++) {
		ext_obj_set_str(&a.v[i], "digest", digest);
		ext_obj_write(&w, &a.v[i], NULL);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
	ext_arr_free(&a);
}

static int
cidr_ok(const char *c)
{
	size_t n = strspn(c, "0123456789abcdefABCDEF.:/");

	return *c && (c[n] == 0 || strspn(c, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/") == strlen(c));
}

static void
fw_ipset_add(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o, e = { 0 };
	struct ext_arr a;
	const char *cidr = sim_param(rq, "cidr");

	if (ext_check(IPSET_ENTRY_SPEC, rq, rs, 1, "node vmid name digest")
	    == -1)
		return;
	if (!cidr_ok(cidr)) {
		sim_param_errorf(rs, "cidr", "invalid format - value does not "
		    "look like a valid IP address or CIDR network");
		return;
	}
	if (ipset_load(s, rq, m, rs, &sc, &o, &a) == -1)
		return;
	if (entry_find(&a, cidr) >= 0) {
		sim_error(rs, 500, "entry '%s' already exists", cidr);
	} else {
		ext_apply(IPSET_ENTRY_SPEC, rq, rs, &e, 1,
		    "node vmid name digest");
		ext_arr_insert(&a, a.n, &e);
		ipset_store(s, &sc, &o, &a);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
	ext_arr_free(&a);
}

static void
fw_ipset_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o;
	struct ext_arr a;

	if (ipset_load(s, rq, m, rs, &sc, &o, &a) == -1)
		return;
	if (a.n > 0 && !sim_param_bool(rq, "force", 0))
		sim_error(rs, 500, "IPSet '%s' is not empty",
		    sim_var(m, "name"));
	else {
		sim_doc_delete(s, "fwipset", sc.parent, sim_var(m, "name"));
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
	ext_arr_free(&a);
}

static void
fw_ipset_entry(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_obj o;
	struct ext_arr a;
	const char *cidr = sim_var(m, "cidr");
	long i;

	if (ipset_load(s, rq, m, rs, &sc, &o, &a) == -1)
		return;
	if ((i = entry_find(&a, cidr)) < 0) {
		sim_error(rs, 500, "no such IP/Network");
		goto out;
	}
	if (!strcmp(rq->method, "GET")) {
		struct jw w;

		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &a.v[i], NULL);
		sim_ok_end(rs, &w);
	} else if (!strcmp(rq->method, "PUT")) {
		if (ext_apply("comment:s nomatch:b", rq, rs, &a.v[i], 0,
		    "node vmid name cidr digest") == 0) {
			ipset_store(s, &sc, &o, &a);
			sim_ok_null(rs);
		}
	} else {
		ext_arr_remove(&a, (size_t)i);
		ipset_store(s, &sc, &o, &a);
		sim_ok_null(rs);
	}
out:
	ext_obj_free(&o);
	ext_arr_free(&a);
}

/* Security groups. */
static const struct ext_coll group_coll = {
	"fwgroup", "group", "group", "group:s:k comment:s rename:s:w",
	NULL, NULL, "no such security group '%s'",
	"Security group '%s' already exists", EXT_DIGEST_BOTH, NULL
};

static void
fw_groups_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	(void)m;
	ext_coll_list(s, rs, &group_coll, "");
}

static void
fw_group_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *group = sim_param(rq, "group");
	const char *rename = sim_param(rq, "rename");
	struct ext_obj o;
	char from[96], to[96], *doc;

	(void)m;
	if (rename == NULL) {
		ext_coll_create(s, rq, rs, &group_coll, "", NULL);
		return;
	}
	if (group == NULL) {
		sim_param_error(rs, "group", "property is missing and it is "
		    "not optional");
		return;
	}
	if (ext_doc_obj(s, "fwgroup", "", rename, &o) == -1) {
		sim_error(rs, 500, "no such security group '%s'", rename);
		return;
	}
	ext_obj_set_str(&o, "group", group);
	if (sim_param(rq, "comment"))
		ext_obj_set_str(&o, "comment", sim_param(rq, "comment"));
	sim_doc_delete(s, "fwgroup", "", rename);
	ext_doc_put_obj(s, "fwgroup", "", group, &o);
	ext_obj_free(&o);
	snprintf(from, sizeof(from), "group/%s", rename);
	snprintf(to, sizeof(to), "group/%s", group);
	if ((doc = sim_doc_get(s, "fwrules", "", from)) != NULL) {
		sim_doc_put(s, "fwrules", "", to, doc);
		sim_doc_delete(s, "fwrules", "", from);
		free(doc);
	}
	sim_ok_null(rs);
}

static void
fw_group_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct ext_arr a;

	(void)rq;
	if (fw_scope(s, m, rs, &sc, SIM_QEMU) == -1)
		return;
	rules_load(s, &sc, &a);
	if (a.n > 0)
		sim_error(rs, 500, "Security group '%s' is not empty",
		    sim_var(m, "group"));
	else {
		sim_doc_delete(s, "fwgroup", "", sim_var(m, "group"));
		sim_doc_delete(s, "fwrules", "", sc.rules);
		sim_ok_null(rs);
	}
	ext_arr_free(&a);
}

static int
refs_alias_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;

	(void)json;
	jw_obj(w);
	jw_kstr(w, "type", "alias");
	jw_kstr(w, "name", id);
	jw_kstr(w, "ref", id);
	jw_kstr(w, "scope", "dc");
	jw_end(w);
	return 0;
}

static int
refs_ipset_cb(void *arg, const char *id, const char *json)
{
	struct jw *w = arg;

	(void)json;
	jw_obj(w);
	jw_kstr(w, "type", "ipset");
	jw_kstr(w, "name", id);
	jw_kstr(w, "ref", id);
	jw_kstr(w, "scope", "dc");
	jw_end(w);
	return 0;
}

static void
fw_refs(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *type = sim_param(rq, "type");
	struct fwscope sc;
	struct jw w;

	if (fw_parent(s, rq, m, rs, &sc) == -1)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	if (type == NULL || !strcmp(type, "alias"))
		sim_doc_list(s, "fwalias", "", refs_alias_cb, &w);
	if (type == NULL || !strcmp(type, "ipset"))
		sim_doc_list(s, "fwipset", "", refs_ipset_cb, &w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
fw_macros(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	static const char *macros[][2] = {
		{ "DNS", "Domain Name System traffic (upd and tcp)" },
		{ "HTTP", "Hypertext Transfer Protocol (WWW)" },
		{ "HTTPS", "Hypertext Transfer Protocol (WWW) over SSL" },
		{ "Ping", "ICMP echo request" },
		{ "SMTP", "Simple Mail Transfer Protocol" },
		{ "SSH", "Secure shell traffic" },
	};
	struct jw w;
	size_t i;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		jw_obj(&w);
		jw_kstr(&w, "macro", macros[i][0]);
		jw_kstr(&w, "descr", macros[i][1]);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
fw_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct fwscope sc;
	struct jw w;
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	long long i;
	const char *v = sim_var(m, "vmid");
	int vmid = v ? atoi(v) : 0;

	if (fw_scope(s, m, rs, &sc, path_gtype(rq)) == -1)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = start; i < start + limit && i < 20; i++) {
		char line[256];

		if (v == NULL)	/* the host firewall of a node */
			snprintf(line, sizeof(line), "0 6 - %s: policy DROP: "
			    "IN=vmbr0 SRC=10.0.%lld.%lld DST=10.1.0.1 "
			    "PROTO=TCP DPT=%lld", "25/Nov/2025:10:00:00 +0100",
			    i % 7, 10 + i, 22 + i % 3 * 1000);
		else
			snprintf(line, sizeof(line), "%d 6 tap%di0-IN %s: DROP: "
			    "IN=fwbr%di0 SRC=10.0.%lld.%lld DST=10.1.0.%d "
			    "PROTO=TCP DPT=%lld", vmid, vmid,
			    "25/Nov/2025:10:00:00 +0100", vmid, i % 7, 10 + i,
			    vmid % 250, 22 + i % 3 * 1000);
		jw_obj(&w);
		jw_kint(&w, "n", i + 1);
		jw_kstr(&w, "t", line);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "total", 20);
	sim_ok_end(rs, &w);
}

static void
fw_cluster_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "aliases groups ipset macros options refs "
	    "rules");
}

static void
fw_guest_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (sim_guest_check(s, rs, sim_var(m, "node"), path_gtype(rq),
	    atoi(sim_var(m, "vmid"))) == NULL)
		return;
	ext_index(rs, "name", "aliases ipset log options refs rules");
}

static void
fw_node_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "log options rules");
}

/* ------------------------------------------------------------------ */
/* HA                                                                  */

/*
 * PVE 9 moved placement from HA groups to HA rules: PVE 8 has no
 * /cluster/ha/rules and no failback; PVE 9 refuses the groups API once
 * the groups have been migrated (none is left), and a rule while some
 * are.  Messages are pve-ha-manager's, wrapped as lock_ha_domain wraps
 * them ("create resource failed: ...").
 */
#define HA_RES_SPEC8 \
	"sid:s:k comment:s group:s max_relocate:i max_restart:i " \
	"state:e(started|stopped|enabled|disabled|ignored) type:e(ct|vm):c"
#define HA_RES_SPEC9 HA_RES_SPEC8 " failback:b"

static int
ha_count_cb(void *arg, const char *id, const char *json)
{
	(void)id;
	(void)json;
	(*(int *)arg)++;
	return 0;
}

/* PVE 9 with no group left: the groups have been migrated to rules. */
static int
ha_groups_migrated(struct sim *s)
{
	int n = 0;

	if (!sim_pve_at_least(s, 9, 0))
		return 0;
	sim_doc_list(s, "hagroup", "", ha_count_cb, &n);
	return n == 0;
}

/* PVE 8: no rules API at all (501, as for any unknown path). */
static int
ha_no_rules(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	if (sim_pve_at_least(s, 9, 0))
		return 0;
	sim_error(rs, 501, "Method '%s %s' not implemented", rq->method,
	    rq->target);
	if (strchr(rs->reason, '?'))
		*strchr(rs->reason, '?') = '\0';
	return 1;
}

/* The groups API once they are migrated: "cannot VERB: ...". */
static int
ha_groups_gone(struct sim *s, struct sim_resp *rs, const char *verb)
{
	if (!ha_groups_migrated(s))
		return 0;
	sim_error(rs, 500, "cannot %s: ha groups have been migrated to rules",
	    verb);
	return 1;
}

/* Format pve-ha-resource-or-vm-id: "type:name" or a VMID. */
static int
ha_sid_format(const char *sid, int vmid_ok)
{
	size_t t = strspn(sid, "abcdefghijklmnopqrstuvwxyz");
	const char *p;

	if (vmid_ok && *sid && strspn(sid, "0123456789") == strlen(sid))
		return 1;
	if (t == 0 || sid[t] != ':' || sid[t + 1] == '\0')
		return 0;
	for (p = sid + t + 1; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * The SID of sid as PVE's parse_sid makes it: a VMID becomes vm:N or
 * ct:N by the guest's type.  create: the resource must name a guest
 * of its type (the plugin's exists and verify_name).  -1 with the
 * error in rs.
 */
static int
ha_sid_resolve(struct sim *s, struct sim_resp *rs, const char *sid,
    int create, char *out, size_t size)
{
	const char *colon = strchr(sid, ':');
	struct sim_guest *g;
	char type[16];

	if (colon == NULL) {
		g = sim_guest_find(s, atoi(sid));
		if (g == NULL) {
			sim_error(rs, 500, "unable to detect SID from VMID - "
			    "VM/CT %s does not exist", sid);
			return -1;
		}
		snprintf(out, size, "%s:%d", g->type == SIM_LXC ? "ct" :
		    "vm", g->vmid);
		return 0;
	}
	snprintf(out, size, "%s", sid);
	if (!create)
		return 0;
	snprintf(type, sizeof(type), "%.*s", (int)(colon - sid), sid);
	if (strcmp(type, "vm") != 0 && strcmp(type, "ct") != 0) {
		sim_error(rs, 500, "no such resource type '%s'", type);
		return -1;
	}
	if (colon[1] < '1' || colon[1] > '9' || strlen(colon + 1) < 2 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
		sim_error(rs, 500, "invalid VMID");
		return -1;
	}
	g = sim_guest_find(s, atoi(colon + 1));
	if (g == NULL) {
		sim_error(rs, 500, "resource '%s' does not exist in cluster",
		    sid);
		return -1;
	}
	if ((g->type == SIM_LXC) != (strcmp(type, "ct") == 0)) {
		sim_error(rs, 500, "resource '%s' - guest with ID %d is not a "
		    "%s", sid, g->vmid, strcmp(type, "ct") ? "VM" : "CT");
		return -1;
	}
	return 0;
}

/* The sid of the path, resolved; -1 with the error in rs. */
static int
ha_path_sid(struct sim *s, struct sim_resp *rs, const struct sim_match *m,
    char *out, size_t size)
{
	const char *sid = sim_var(m, "sid");

	if (sid == NULL || !ha_sid_format(sid, 1)) {
		sim_param_error(rs, "sid", "value does not look like a valid "
		    "ha resource id");
		return -1;
	}
	return ha_sid_resolve(s, rs, sid, 0, out, size);
}

static int
ha_res_hook(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create)
{
	char *sid = ext_obj_str(o, "sid");
	const char *type = sim_param(rq, "type");
	struct sim_guest *g;

	if (!create || sid == NULL) {
		free(sid);
		return 0;
	}
	if (type != NULL && strncmp(sid, type, strlen(type)) != 0) {
		sim_error(rs, 500, "types does not match");
		free(sid);
		return -1;
	}
	ext_obj_set_str(o, "type", sid[0] == 'c' ? "ct" : "vm");
	if (ext_obj_raw(o, "state") == NULL)
		ext_obj_set_str(o, "state", "started");
	if ((g = sim_guest_find(s, atoi(strchr(sid, ':') + 1))) != NULL) {
		g->ha = 1;
		sim_guest_save(s, g);
	}
	free(sid);
	return 0;
}

static const struct ext_coll ha_res_coll8 = {
	"haresource", "sid", "sid", HA_RES_SPEC8, NULL, NULL,
	"no such resource '%s'",
	"create resource failed: resource ID '%s' already defined",
	EXT_DIGEST_BOTH,
	ha_res_hook
};
static const struct ext_coll ha_res_coll9 = {
	"haresource", "sid", "sid", HA_RES_SPEC9, NULL, NULL,
	"no such resource '%s'",
	"create resource failed: resource ID '%s' already defined",
	EXT_DIGEST_BOTH,
	ha_res_hook
};

static const struct ext_coll *
ha_res_c(struct sim *s)
{
	return sim_pve_at_least(s, 9, 0) ? &ha_res_coll9 : &ha_res_coll8;
}

static void
ha_res_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	(void)m;
	ext_coll_list(s, rs, ha_res_c(s), "");
}

static void
ha_res_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char sid[96];

	(void)rq;
	if (ha_path_sid(s, rs, m, sid, sizeof(sid)) == 0)
		ext_coll_get(s, rs, ha_res_c(s), "", sid);
}

/* A group named by a resource's create or update: -1 with PVE's error. */
static int
ha_res_group_ok(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	const char *group = sim_param(rq, "group");
	char *doc;

	if (group == NULL || *group == '\0')
		return 0;
	if (ha_groups_migrated(s)) {
		sim_error(rs, 500, "invalid parameter 'group': ha groups have "
		    "been migrated to rules");
		return -1;
	}
	if ((doc = sim_doc_get(s, "hagroup", "", group)) == NULL) {
		sim_error(rs, 500, "HA group '%s' does not exist", group);
		return -1;
	}
	free(doc);
	return 0;
}

static void
ha_res_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *sid = sim_param(rq, "sid");
	char canon[96];

	(void)m;
	if (sid == NULL) {
		sim_param_error(rs, "sid", "property is missing and it is not "
		    "optional");
		return;
	}
	if (!ha_sid_format(sid, 1)) {
		sim_param_error(rs, "sid", "value does not look like a valid "
		    "ha resource id");
		return;
	}
	if (ext_check(ha_res_c(s)->spec, rq, rs, 1, "sid") == -1 ||
	    ha_sid_resolve(s, rs, sid, 1, canon, sizeof(canon)) == -1 ||
	    ha_res_group_ok(s, rq, rs) == -1)
		return;
	ext_coll_create(s, rq, rs, ha_res_c(s), "", canon);
}

/* PVE checks the digest first, then that the object exists. */
static int
ha_update_pre(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const char *kind, const char *id, const char *failed, const char *missing)
{
	char digest[41], *doc;
	const char *d = sim_param(rq, "digest");

	ext_kind_digest(s, kind, "", digest);
	if (d != NULL && *d && strcmp(d, digest) != 0) {
		sim_error(rs, 500, "%s: detected modified configuration - file "
		    "changed by other user? Try again.", failed);
		return -1;
	}
	if ((doc = sim_doc_get(s, kind, "", id)) == NULL) {
		char msg[256];

		snprintf(msg, sizeof(msg), missing, id);
		sim_error(rs, 500, "%s: %s", failed, msg);
		return -1;
	}
	free(doc);
	return 0;
}

static void
ha_res_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char sid[96];

	if (ha_path_sid(s, rs, m, sid, sizeof(sid)) == -1)
		return;
	/* PVE's PUT has no type: the c flag refuses it */
	if (ext_check(ha_res_c(s)->spec, rq, rs, 0, "sid digest") == -1 ||
	    ha_res_group_ok(s, rq, rs) == -1 ||
	    ha_update_pre(s, rq, rs, "haresource", sid, "update resources "
	    "config failed", "no such resource '%s'") == -1)
		return;
	ext_coll_update(s, rq, rs, ha_res_c(s), "", sid);
}

/* Drop sid from every rule; a rule left with no resource goes. */
struct ha_purge {
	struct sim *s;
	const char *sid;
	char ids[64][64];
	int n;
};

static int
ha_purge_cb(void *arg, const char *id, const char *json)
{
	struct ha_purge *p = arg;

	(void)json;
	if (p->n < 64)
		snprintf(p->ids[p->n++], sizeof(p->ids[0]), "%s", id);
	return 0;
}

static void
ha_purge_rules(struct sim *s, const char *sid)
{
	struct ha_purge p = { s, sid, { { 0 } }, 0 };

	sim_doc_list(s, "harule", "", ha_purge_cb, &p);
	for (int i = 0; i < p.n; i++) {
		struct ext_obj o;
		struct buf b = { 0 };
		char *res, *tok, *save = NULL;
		int changed = 0;

		if (ext_doc_obj(s, "harule", "", p.ids[i], &o) == -1)
			continue;
		if ((res = ext_obj_str(&o, "resources")) == NULL) {
			ext_obj_free(&o);
			continue;
		}
		for (tok = strtok_r(res, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, sid) == 0) {
				changed = 1;
				continue;
			}
			if (b.len)
				buf_addc(&b, ',');
			buf_adds(&b, tok);
		}
		if (changed && b.len == 0)
			sim_doc_delete(s, "harule", "", p.ids[i]);
		else if (changed) {
			ext_obj_set_str(&o, "resources", b.p);
			ext_doc_put_obj(s, "harule", "", p.ids[i], &o);
		}
		free(res);
		buf_free(&b);
		ext_obj_free(&o);
	}
}

static void
ha_res_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char sid[96], *doc;
	const char *purge = sim_param(rq, "purge");
	struct sim_guest *g;

	if (ha_path_sid(s, rs, m, sid, sizeof(sid)) == -1)
		return;
	if (purge != NULL && !sim_pve_at_least(s, 9, 0)) {
		sim_param_error(rs, "purge", "property is not defined in "
		    "schema and the schema does not allow additional "
		    "properties");
		return;
	}
	if (purge != NULL && !ext_type_ok('b', purge)) {
		sim_param_errorf(rs, "purge", "type check ('boolean') failed "
		    "- got '%s'", purge);
		return;
	}
	if ((doc = sim_doc_get(s, "haresource", "", sid)) == NULL) {
		sim_error(rs, 500, "cannot delete service '%s', not HA "
		    "managed!", sid);
		return;
	}
	free(doc);
	sim_doc_delete(s, "haresource", "", sid);
	if (sim_pve_at_least(s, 9, 0) && (purge == NULL ||
	    strcmp(purge, "0") != 0))
		ha_purge_rules(s, sid);
	if ((g = sim_guest_find(s, atoi(strchr(sid, ':') + 1))) != NULL) {
		g->ha = 0;
		sim_guest_save(s, g);
	}
	sim_ok_null(rs);
}

/* Format pve-node. */
static int
ha_node_format(const char *n)
{
	size_t len = strlen(n);

	return len > 0 && len < 64 && isalnum((unsigned char)n[0]) &&
	    isalnum((unsigned char)n[len - 1]) &&
	    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-.") == len;
}

/* migrate and relocate: PVE queues a CRM command; it does not check the
 * node beyond its format (the CRM does). */
static void
ha_res_migrate(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char sid[96], *doc;
	const char *node = sim_param(rq, "node");
	struct jw w;

	if (sim_param_require(rq, rs, "node", (char *)NULL) == -1)
		return;
	if (!ha_node_format(node)) {
		sim_param_errorf(rs, "node", "invalid format - value does not "
		    "look like a valid node name");
		return;
	}
	if (ha_path_sid(s, rs, m, sid, sizeof(sid)) == -1)
		return;
	if ((doc = sim_doc_get(s, "haresource", "", sid)) == NULL) {
		sim_error(rs, 500, "resource '%s' is not HA managed", sid);
		return;
	}
	free(doc);
	if (g_ha_move(s, rs, atoi(strchr(sid, ':') ? strchr(sid, ':') + 1 :
	    sid), node) != 0)
		return;
	if (!sim_pve_at_least(s, 9, 0)) {
		sim_ok_null(rs);
		return;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "sid", sid);
	jw_kstr(&w, "requested-node", node);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

#define HA_RULE_FIELDS \
	"rule:s:k affinity:e(positive|negative) comment:s disable:b " \
	"nodes:s resources:s strict:b "

static const struct ext_coll ha_rule_coll = {
	"harule", "rule", "rule", HA_RULE_FIELDS
	"type:e(node-affinity|resource-affinity):r", NULL, NULL,
	"no such ha rule '%s'", "create ha rule failed: HA rule '%s' already "
	"defined", EXT_DIGEST_BOTH, NULL
};
/* PUT names the type too (PVE's updateSchema), but cannot change it */
static const struct ext_coll ha_rule_upd = {
	"harule", "rule", "rule", HA_RULE_FIELDS
	"type:e(node-affinity|resource-affinity):w", NULL, NULL,
	"no such ha rule '%s'", "", EXT_DIGEST_BOTH, NULL
};

/* Each element of a comma list passes ok: else a 400 on param. */
static int
ha_list_ok(struct sim_resp *rs, const char *param, const char *v,
    int (*ok)(const char *), const char *what)
{
	char tmp[2048], *tok, *save = NULL;

	snprintf(tmp, sizeof(tmp), "%s", v);
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		if (!ok(tok)) {
			sim_param_errorf(rs, param, "invalid format - value "
			    "does not look like a valid %s", what);
			return -1;
		}
	return 0;
}

static int
ha_rid_ok(const char *sid)
{
	return ha_sid_format(sid, 0);
}

static int
ha_hnode_ok(const char *n)
{
	char tmp[80], *colon;

	snprintf(tmp, sizeof(tmp), "%s", n);
	if ((colon = strchr(tmp, ':')) != NULL) {
		if (colon[1] == '\0' || strspn(colon + 1, "0123456789") !=
		    strlen(colon + 1))
			return 0;
		*colon = '\0';
	}
	return ha_node_format(tmp) && strchr(tmp, '.') == NULL;
}

/*
 * The checks of a rule's create or update (type: the rule's), in
 * PVE's order: formats (400), the options of the other type (400),
 * unmanaged resources and unknown nodes (500, after failed), and the
 * feasibility PVE checks (400 "Rule 'x' is invalid.").
 */
static int
ha_rule_check(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const char *rule, const char *type, const char *failed, int create)
{
	const char *res = sim_param(rq, "resources");
	const char *nodes = sim_param(rq, "nodes");
	static const char *na[] = { "affinity", NULL };
	static const char *ra[] = { "nodes", "strict", NULL };
	const char **other = strcmp(type, "node-affinity") == 0 ? na : ra;
	struct buf bad = { 0 };
	char tmp[2048], *tok, *save = NULL;

	if (res && ha_list_ok(rs, "resources", res, ha_rid_ok,
	    "ha resource id") == -1)
		return -1;
	if (nodes && ha_list_ok(rs, "nodes", nodes, ha_hnode_ok,
	    "ha node") == -1)
		return -1;
	for (int i = 0; other[i]; i++)
		if (sim_param(rq, other[i]) != NULL) {
			sim_param_errorf(rs, other[i], "property is not "
			    "defined in schema for type '%s'", type);
			return -1;
		}
	if (create && strcmp(type, "node-affinity") == 0 && nodes == NULL) {
		sim_param_error(rs, "nodes", "property is missing and it is "
		    "not optional");
		return -1;
	}
	if (create && strcmp(type, "resource-affinity") == 0 &&
	    sim_param(rq, "affinity") == NULL) {
		sim_param_error(rs, "affinity", "property is missing and it "
		    "is not optional");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s", res ? res : "");
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		char *doc = sim_doc_get(s, "haresource", "", tok);

		if (doc == NULL)
			buf_printf(&bad, "%s%s", bad.len ? ", " : "", tok);
		free(doc);
	}
	if (bad.len) {
		sim_error(rs, 500, "%s: cannot use unmanaged resource(s) %s.",
		    failed, bad.p);
		buf_free(&bad);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s", nodes ? nodes : "");
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strchr(tok, ':'))
			*strchr(tok, ':') = '\0';
		if (sim_node_find(s, tok) == NULL)
			buf_printf(&bad, "%s%s", bad.len ? ", " : "", tok);
	}
	if (bad.len) {
		sim_error(rs, 500, "%s: cannot use non-existant node(s) %s.",
		    failed, bad.p);
		buf_free(&bad);
		return -1;
	}
	if (res && strcmp(type, "resource-affinity") == 0 &&
	    strchr(res, ',') == NULL) {
		struct buf msg = { 0 };

		rs->status = 400;
		snprintf(rs->reason, sizeof(rs->reason), "Rule '%s' is "
		    "invalid.", rule);
		buf_printf(&msg, "%s\n", rs->reason);
		buf_reset(&rs->body);
		buf_adds(&rs->body, "{\"data\":null,\"message\":");
		json_escape(&rs->body, msg.p, msg.len);
		buf_adds(&rs->body, ",\"errors\":{\"resources\":\"rule is "
		    "ineffective as there are less than two resources\"}}");
		buf_free(&msg);
		return -1;
	}
	return 0;
}

static void
ha_rule_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)m;
	if (!ha_no_rules(s, rq, rs))
		ext_coll_list(s, rs, &ha_rule_coll, "");
}

static void
ha_rule_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (!ha_no_rules(s, rq, rs))
		ext_coll_get(s, rs, &ha_rule_coll, "", sim_var(m, "rule"));
}

static void
ha_rule_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *rule = sim_param(rq, "rule");
	const char *type = sim_param(rq, "type");
	char *doc;

	(void)m;
	if (ha_no_rules(s, rq, rs))
		return;
	if (!ha_groups_migrated(s)) {
		sim_error(rs, 500, "cannot create ha rule: ha groups have not "
		    "been migrated yet");
		return;
	}
	if (ext_check(ha_rule_coll.spec, rq, rs, 1, "rule") == -1)
		return;
	if (rule == NULL) {
		sim_param_error(rs, "rule", "property is missing and it is not "
		    "optional");
		return;
	}
	if ((doc = sim_doc_get(s, "harule", "", rule)) != NULL) {
		free(doc);
		sim_error(rs, 500, "create ha rule failed: HA rule '%s' "
		    "already defined", rule);
		return;
	}
	if (ha_rule_check(s, rq, rs, rule, type, "create ha rule failed",
	    1) == -1)
		return;
	ext_coll_create(s, rq, rs, &ha_rule_coll, "", rule);
}

static void
ha_rule_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *rule = sim_var(m, "rule");
	struct ext_obj o;
	char *type;

	if (ha_no_rules(s, rq, rs))
		return;
	if (!ha_groups_migrated(s)) {
		sim_error(rs, 500, "cannot update ha rule: ha groups have not "
		    "been migrated yet");
		return;
	}
	if (ext_check(ha_rule_upd.spec, rq, rs, 0, "rule digest") == -1)
		return;
	if (sim_param(rq, "type") == NULL) {
		sim_param_error(rs, "type", "property is missing and it is not "
		    "optional");
		return;
	}
	if (ha_update_pre(s, rq, rs, "harule", rule, "update HA rules failed",
	    "HA rule '%s' does not exist") == -1)
		return;
	if (ext_doc_obj(s, "harule", "", rule, &o) == -1)
		return;
	type = ext_obj_str(&o, "type");
	ext_obj_free(&o);
	if (ha_rule_check(s, rq, rs, rule, type ? type : "", "update HA rules "
	    "failed", 0) == 0)
		ext_coll_update(s, rq, rs, &ha_rule_upd, "", rule);
	free(type);
}

static void
ha_rule_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	if (ha_no_rules(s, rq, rs))
		return;
	/* PVE deletes what is there: a rule that is not is no error */
	sim_doc_delete(s, "harule", "", sim_var(m, "rule"));
	sim_ok_null(rs);
}

static const struct ext_coll ha_group_coll = {
	"hagroup", "group", "group",
	"group:s:k comment:s nodes:s:r nofailback:b restricted:b "
	"type:e(group):w", NULL, NULL,
	"no such ha group '%s'", "create ha group failed: ha group ID '%s' "
	"already defined", EXT_DIGEST_BOTH, NULL
};

static void
ha_group_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	(void)m;
	if (!ha_groups_gone(s, rs, "index groups"))
		ext_coll_list(s, rs, &ha_group_coll, "");
}

static void
ha_group_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	if (!ha_groups_gone(s, rs, "read group"))
		ext_coll_get(s, rs, &ha_group_coll, "", sim_var(m, "group"));
}

static void
ha_group_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *nodes = sim_param(rq, "nodes");

	(void)m;
	if (ha_groups_gone(s, rs, "create group") ||
	    ext_check(ha_group_coll.spec, rq, rs, 1, "group") == -1 ||
	    (nodes && ha_list_ok(rs, "nodes", nodes, ha_hnode_ok,
	    "ha node") == -1))
		return;
	ext_coll_create(s, rq, rs, &ha_group_coll, "", NULL);
}

static void
ha_group_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *nodes = sim_param(rq, "nodes");
	const char *group = sim_var(m, "group");

	if (ha_groups_gone(s, rs, "update group") ||
	    ext_check(ha_group_coll.spec, rq, rs, 0, "group digest") == -1 ||
	    (nodes && ha_list_ok(rs, "nodes", nodes, ha_hnode_ok,
	    "ha node") == -1) ||
	    ha_update_pre(s, rq, rs, "hagroup", group, "update ha group "
	    "failed", "no such ha group '%s'") == -1)
		return;
	ext_coll_update(s, rq, rs, &ha_group_coll, "", group);
}

struct ha_user {
	const char *group;
	char sid[96];
};

static int
ha_group_user_cb(void *arg, const char *id, const char *json)
{
	struct ha_user *u = arg;
	struct ext_obj o = { 0 };
	char *g;

	if (u->sid[0] || ext_obj_parse(&o, json, 0) == -1)
		return 0;
	if ((g = ext_obj_str(&o, "group")) != NULL && !strcmp(g, u->group))
		snprintf(u->sid, sizeof(u->sid), "%s", id);
	free(g);
	ext_obj_free(&o);
	return 0;
}

static void
ha_group_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ha_user u = { sim_var(m, "group"), "" };

	(void)rq;
	if (ha_groups_gone(s, rs, "delete group"))
		return;
	sim_doc_list(s, "haresource", "", ha_group_user_cb, &u);
	if (u.sid[0]) {
		sim_error(rs, 500, "delete ha group failed: ha group is used by "
		    "service '%s'", u.sid);
		return;
	}
	sim_doc_delete(s, "hagroup", "", u.group);
	sim_ok_null(rs);
}

static int
ha_res_state_cb(void *arg, const char *id, const char *json)
{
	void **a = arg;
	struct sim *s = a[0];
	struct jw *w = a[1];
	struct ext_obj o = { 0 };
	const char *colon = strchr(id, ':');
	struct sim_guest *g = colon ? sim_guest_find(s, atoi(colon + 1)) :
	    NULL;
	char *state;
	char status[128], sid[96];
	const char *crm;

	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	state = ext_obj_str(&o, "state");
	if (state == NULL)
		state = px_xstrdup("started");
	crm = g && sim_fault_ha_error(g->vmid) ? "error" :
	    g && g->status == SIM_RUNNING ? "started" :
	    !strcmp(state, "ignored") ? "ignored" : "stopped";
	snprintf(status, sizeof(status), "%s (%s, %s)", id,
	    g ? sim_guest_node(s, g) : "?", crm);
	jw_obj(w);
	snprintf(sid, sizeof(sid), "service:%s", id);
	jw_kstr(w, "id", sid);
	jw_kstr(w, "type", "service");
	jw_kstr(w, "sid", id);
	jw_kstr(w, "node", g ? sim_guest_node(s, g) : "");
	jw_kstr(w, "state", crm);
	jw_kstr(w, "crm_state", crm);
	jw_kstr(w, "request_state", state);
	jw_kint(w, "max_restart", ext_obj_int(&o, "max_restart", 1));
	jw_kint(w, "max_relocate", ext_obj_int(&o, "max_relocate", 1));
	jw_kint(w, "failback", ext_obj_int(&o, "failback", 1));
	jw_kstr(w, "status", status);
	jw_end(w);
	free(state);
	ext_obj_free(&o);
	return 0;
}

static void
ha_status_current(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	time_t now = sim_now(s);
	char buf[128];
	void *arg[2];

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "id", "quorum");
	jw_kstr(&w, "type", "quorum");
	jw_kstr(&w, "node", s->nodes[0].name);
	jw_kint(&w, "quorate", 1);
	jw_kstr(&w, "status", "OK");
	jw_end(&w);
	jw_obj(&w);
	jw_kstr(&w, "id", "master");
	jw_kstr(&w, "type", "master");
	jw_kstr(&w, "node", s->nodes[0].name);
	snprintf(buf, sizeof(buf), "%s (active, %s)", s->nodes[0].name,
	    "Tue Nov 25 10:00:00 2025");
	jw_kstr(&w, "status", buf);
	jw_kint(&w, "timestamp", (long long)now - 5);
	jw_end(&w);
	for (i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];

		jw_obj(&w);
		snprintf(buf, sizeof(buf), "lrm:%s", n->name);
		jw_kstr(&w, "id", buf);
		jw_kstr(&w, "type", "lrm");
		jw_kstr(&w, "node", n->name);
		snprintf(buf, sizeof(buf), "%s (%s, %s)", n->name,
		    n->offline ? "old timestamp - dead?" : "active",
		    "Tue Nov 25 10:00:00 2025");
		jw_kstr(&w, "status", buf);
		jw_kint(&w, "timestamp", (long long)now - (n->offline ?
		    900 : 3));
		jw_end(&w);
	}
	arg[0] = s;
	arg[1] = &w;
	sim_doc_list(s, "haresource", "", ha_res_state_cb, arg);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
ha_ms_service_cb(void *arg, const char *id, const char *json)
{
	void **a = arg;
	struct sim *s = a[0];
	struct jw *w = a[1];
	const char *colon = strchr(id, ':');
	struct sim_guest *g = colon ? sim_guest_find(s, atoi(colon + 1)) :
	    NULL;

	(void)json;
	jw_key(w, id);
	jw_obj(w);
	jw_kstr(w, "node", g ? sim_guest_node(s, g) : "");
	jw_kstr(w, "state", g && g->status == SIM_RUNNING ? "started" :
	    "stopped");
	jw_kstr(w, "uid", "oCYbJp0PXoQEeqxW0PHpGQ");
	jw_end(w);
	return 0;
}

static void
ha_manager_status(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	void *arg[2];

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_key(&w, "manager_status");
	jw_obj(&w);
	jw_kstr(&w, "master_node", s->nodes[0].name);
	jw_key(&w, "node_status");
	jw_obj(&w);
	for (i = 0; i < s->nnodes; i++)
		jw_kstr(&w, s->nodes[i].name, s->nodes[i].offline ?
		    "unknown" : "online");
	jw_end(&w);
	jw_key(&w, "service_status");
	jw_obj(&w);
	arg[0] = s;
	arg[1] = &w;
	sim_doc_list(s, "haresource", "", ha_ms_service_cb, arg);
	jw_end(&w);
	jw_kint(&w, "timestamp", (long long)sim_now(s) - 5);
	jw_end(&w);
	jw_key(&w, "quorum");
	jw_obj(&w);
	jw_kstr(&w, "node", s->nodes[0].name);
	jw_kstr(&w, "quorate", "1");
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
ha_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "id", "groups resources rules status");
}

static void
ha_status_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "current manager_status");
}

/* ------------------------------------------------------------------ */
/* Mappings                                                           */

/*
 * PVE's /cluster/mapping/{pci,usb,dir} (pve-manager's
 * PVE/API2/Cluster/Mapping/ modules over pve-guest-common's
 * PVE/Mapping/ modules): a section config per type, one digest per file,
 * each map entry a property string checked against the type's format
 * (400 with "map[N]" in errors), duplicates and unknown ids with the
 * messages of the lock_*_config wrappers.  Directory mappings: PVE 8.4
 * and later.
 */
struct map_type {
	const char *name;	/* pci, usb, dir */
	const char *kind;	/* document kind */
	const char *spec;	/* the parameters, without id */
	const char *keep;	/* keys of the item, in the listing */
	const char *what;	/* lock wrappers: "hardware", "directory" */
};

static const struct map_type map_types[] = {
	{ "pci", "pcimapping", "id:s:k description:s "
	  "live-migration-capable:b map:a:r mdev:b",
	  "id type description map mdev live-migration-capable", "hardware" },
	{ "usb", "usbmapping", "id:s:k description:s map:a:r",
	  "id type description map", "hardware" },
	{ "dir", "dirmapping", "id:s:k description:s map:a:r",
	  "id type description map", "directory" },
};

static const struct map_type *
map_type_of(const char *path)
{
	const char *p = strstr(path, "/cluster/mapping/");

	p = p ? p + strlen("/cluster/mapping/") : "";
	for (size_t i = 0; i < 3; i++)
		if (strncmp(p, map_types[i].name, 3) == 0 &&
		    (p[3] == '\0' || p[3] == '/' || p[3] == '?'))
			return &map_types[i];
	return &map_types[0];
}

/* pve-configid: a letter, then letters, digits, - and _. */
static int
map_configid_ok(const char *id)
{
	size_t n = strlen(id);

	return n >= 2 && ((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' &&
	    id[0] <= 'Z')) && strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

static int
hexrun(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* One PCI address of PVE's pattern: domain (4+ lower hex), bus, dev,
 * an optional function. */
static int
map_pci_one(const char *a, size_t n)
{
	size_t d = 0;

	while (d < n && ((a[d] >= '0' && a[d] <= '9') || (a[d] >= 'a' &&
	    a[d] <= 'f')))
		d++;
	if (d < 4 || d + 6 > n || a[d] != ':')
		return 0;
	a += d + 1;
	n -= d + 1;
	if (n < 5 || a[2] != ':' || strspn(a, "0123456789abcdef") < 2 ||
	    strspn(a + 3, "0123456789abcdef") < 2)
		return 0;
	return n == 5 || (n == 7 && strchr("0123456789abcdef", a[6]) &&
	    a[6] != '\0');
}

static int
map_pci_path_ok(const char *v)
{
	for (;;) {
		const char *semi = strchr(v, ';');
		size_t n = semi ? (size_t)(semi - v) : strlen(v);

		if (!map_pci_one(v, n))
			return 0;
		if (semi == NULL)
			return 1;
		v = semi + 1;
	}
}

static int
map_usb_path_ok(const char *v)
{
	const char *p = v;

	if (*p < '0' || *p > '9')
		return 0;
	p += strspn(p, "0123456789");
	if (*p++ != '-' || *p < '0' || *p > '9')
		return 0;
	for (;;) {
		p += strspn(p, "0123456789");
		if (*p == '\0')
			return 1;
		if (*p++ != '.' || *p < '0' || *p > '9')
			return 0;
	}
}

/* Check map entry v (the idx-th) of type t: 0, or -1 with PVE's 400. */
static int
map_entry_check(const struct map_type *t, const char *v, size_t idx,
    struct sim_resp *rs, char *node, size_t nodesz)
{
	static const char *const keys[3][7] = {
		{ "node", "path", "id", "subsystem-id", "iommugroup",
		  "description", NULL },
		{ "node", "id", "path", "description", NULL },
		{ "node", "path", NULL },
	};
	const char *const *k = keys[t - map_types];
	char tmp[8192], *tok, *save = NULL, ek[32];
	char have[7] = { 0 };
	int i;

	snprintf(ek, sizeof(ek), "map[%zu]", idx);
	snprintf(tmp, sizeof(tmp), "%s", v);
	node[0] = '\0';
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		char *eq = strchr(tok, '='), *val;
		const char *bad = NULL;

		if (eq == NULL || eq == tok || eq[1] == '\0') {
			sim_param_errorf(rs, ek, "invalid format - value "
			    "without key, but schema does not define a default "
			    "key\n");
			return -1;
		}
		*eq = '\0';
		val = eq + 1;
		for (i = 0; k[i] && strcmp(k[i], tok) != 0; i++)
			;
		if (k[i] == NULL) {
			sim_param_errorf(rs, ek, "invalid format - invalid key "
			    "in comma-separated list property: %s\n", tok);
			return -1;
		}
		if (have[i]++) {
			sim_param_errorf(rs, ek, "invalid format - duplicate "
			    "key in comma-separated list property: %s\n", tok);
			return -1;
		}
		if (strcmp(tok, "node") == 0) {
			if (!sim_node_name_ok(val))
				bad = "invalid format - value does not look "
				    "like a valid node name";
			else
				snprintf(node, nodesz, "%s", val);
		} else if (strcmp(tok, "id") == 0 ||
		    strcmp(tok, "subsystem-id") == 0) {
			if (strlen(val) != 9 || val[4] != ':' ||
			    !hexrun(val, 4) || !hexrun(val + 5, 4))
				bad = "value does not match the regex pattern";
		} else if (strcmp(tok, "iommugroup") == 0) {
			if (!ext_type_ok('i', val)) {
				sim_param_errorf(rs, ek, "invalid format - "
				    "format error\n%s.%s: type check "
				    "('integer') failed - got '%s'\n", ek, tok,
				    val);
				return -1;
			}
		} else if (strcmp(tok, "description") == 0) {
			if (strlen(val) > 4096)
				bad = "value may only be 4096 characters long";
		} else if (t->name[0] == 'p') {
			if (!map_pci_path_ok(val))
				bad = "value does not match the regex pattern";
		} else if (t->name[0] == 'u') {
			if (!map_usb_path_ok(val))
				bad = "value does not match the regex pattern";
		} else if (val[0] != '/' || strchr(";,=()", val[1])) {
			bad = "invalid format - Value does not look like a "
			    "valid absolute path. These symbols are currently "
			    "not allowed in path: ;,=()";
		}
		if (bad != NULL) {
			sim_param_errorf(rs, ek, "invalid format - format "
			    "error\n%s.%s: %s\n", ek, tok, bad);
			return -1;
		}
	}
	/* the required keys: node, and pci path and id, usb id, dir path */
	for (i = 0; k[i]; i++) {
		int req = i == 0 || (t->name[0] == 'p' && i <= 2) ||
		    (t->name[0] == 'u' && i == 1) || (t->name[0] == 'd' &&
		    i == 1);

		if (req && !have[i]) {
			sim_param_errorf(rs, ek, "invalid format - format "
			    "error\n%s.%s: property is missing and it is not "
			    "optional\n", ek, k[i]);
			return -1;
		}
	}
	return 0;
}

/* The parameters of a create (POST) or update (PUT) of type t: schema,
 * id, each map entry, a directory's one entry per node. */
static int
map_params_check(struct sim *s, const struct map_type *t,
    const struct sim_req *rq, struct sim_resp *rs, int create)
{
	const char *id = sim_param(rq, "id");
	const char *d = sim_param(rq, "description");
	char nodes[64][64], node[64];
	size_t i, n = 0, idx = 0;

	(void)s;
	if (create && id == NULL) {
		sim_param_error(rs, "id", "property is missing and it is not "
		    "optional");
		return -1;
	}
	if (create && !map_configid_ok(id)) {
		sim_param_errorf(rs, "id", "invalid format - invalid "
		    "configuration ID '%s'\n", id);
		return -1;
	}
	if (ext_check(t->spec, rq, rs, create, create ? "id" :
	    "id digest") == -1)
		return -1;
	if (d != NULL && strlen(d) > 4096) {
		sim_param_error(rs, "description", "value may only be 4096 "
		    "characters long");
		return -1;
	}
	for (i = 0; i < rq->params.n; i++) {
		if (strcmp(rq->params.v[i].key, "map") != 0)
			continue;
		if (map_entry_check(t, rq->params.v[i].val, idx++, rs, node,
		    sizeof(node)) == -1)
			return -1;
		if (t->name[0] != 'd')
			continue;
		for (size_t k = 0; k < n; k++)
			if (strcmp(nodes[k], node) == 0) {
				sim_error(rs, 500, "%sNode '%s' is specified 2 "
				    "times.", create ? "" : "update directory "
				    "mapping failed: ", node);
				return -1;
			}
		if (n < 64)
			snprintf(nodes[n++], sizeof(nodes[0]), "%s", node);
	}
	return 0;
}

struct map_list_ctx {
	struct sim *s;
	const struct sim_req *rq;
	const struct map_type *t;
	struct jw *w;
	char digest[41];
};

/* The listing: each entry the user may see (Mapping.Audit, .Modify or
 * .Use on /mapping/TYPE/ID), with its id, type and the file's digest;
 * description always (the schema says so). */
static int
map_list_cb(void *arg, const char *id, const char *json)
{
	struct map_list_ctx *c = arg;
	struct ext_obj o = { 0 };
	char path[300];

	snprintf(path, sizeof(path), "/mapping/%s/%s", c->t->name, id);
	if (sim_check_perm(c->s, c->rq, path, "Mapping.Audit|Mapping.Modify|"
	    "Mapping.Use", NULL) != 0)
		return 0;
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	if (ext_obj_raw(&o, "description") == NULL)
		ext_obj_set_str(&o, "description", "");
	ext_obj_set_str(&o, "type", c->t->name);
	ext_obj_set_str(&o, "digest", c->digest);
	ext_obj_write(c->w, &o, NULL);
	ext_obj_free(&o);
	return 0;
}

static void
map_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct map_list_ctx c = { s, rq, map_type_of(rq->path), NULL, "" };
	struct jw w;

	(void)m;
	c.w = &w;
	ext_kind_digest(s, c.t->kind, "", c.digest);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, c.t->kind, "", map_list_cb, &c);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
map_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct map_type *t = map_type_of(rq->path);
	const char *id = sim_var(m, "id");
	struct ext_obj o;
	char digest[41];
	struct jw w;

	if (id == NULL || ext_doc_obj(s, t->kind, "", id, &o) == -1) {
		sim_error(rs, 500, "mapping '%s' not found", id ? id : "");
		return;
	}
	ext_obj_set_str(&o, "type", t->name);
	ext_kind_digest(s, t->kind, "", digest);
	ext_obj_set_str(&o, "digest", digest);
	sim_ok_begin(rs, &w);
	ext_obj_write(&w, &o, NULL);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

static void
map_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct map_type *t = map_type_of(rq->path);
	const char *id = sim_param(rq, "id");
	struct ext_obj o = { 0 };
	char *doc;

	(void)m;
	if (map_params_check(s, t, rq, rs, 1) == -1)
		return;
	if ((doc = sim_doc_get(s, t->kind, "", id)) != NULL) {
		free(doc);
		sim_error(rs, 500, "create %s mapping failed: %s ID '%s' "
		    "already defined", t->what, t->name, id);
		return;
	}
	ext_obj_set_str(&o, "id", id);
	if (ext_apply(t->spec, rq, rs, &o, 1, "id") == 0) {
		ext_doc_put_obj(s, t->kind, "", id, &o);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

static void
map_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct map_type *t = map_type_of(rq->path);
	const char *id = sim_var(m, "id");
	const char *del = sim_param(rq, "delete");
	struct ext_obj o;
	char digest[41];

	if (map_params_check(s, t, rq, rs, 0) == -1)
		return;
	ext_kind_digest(s, t->kind, "", digest);
	if (sim_param(rq, "digest") != NULL &&
	    strcmp(sim_param(rq, "digest"), digest) != 0) {
		sim_error(rs, 500, "update %s mapping failed: detected "
		    "modified configuration - file changed by other user? "
		    "Try again.", t->what);
		return;
	}
	if (id == NULL || ext_doc_obj(s, t->kind, "", id, &o) == -1) {
		sim_error(rs, 500, "update %s mapping failed: %s ID '%s' does "
		    "not exist", t->what, t->name, id ? id : "");
		return;
	}
	if (del != NULL) {
		char tmp[1024], *tok, *save = NULL;

		snprintf(tmp, sizeof(tmp), "%s", del);
		for (tok = strtok_r(tmp, ", ;", &save); tok;
		    tok = strtok_r(NULL, ", ;", &save)) {
			if (strcmp(tok, "map") == 0) {
				sim_error(rs, 500, "update %s mapping failed: "
				    "unable to delete required option 'map'",
				    t->what);
				goto out;
			}
			if (sim_param(rq, tok) != NULL) {
				sim_error(rs, 500, "update %s mapping failed: "
				    "cannot set and delete property '%s' at "
				    "the same time!", t->what, tok);
				goto out;
			}
		}
	}
	if (ext_apply(t->spec, rq, rs, &o, 0, "id digest") == 0) {
		ext_doc_put_obj(s, t->kind, "", id, &o);
		sim_ok_null(rs);
	}
out:
	ext_obj_free(&o);
}

/* PVE deletes what is there and answers null either way. */
static void
map_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_var(m, "id");

	if (id != NULL)
		sim_doc_delete(s, map_type_of(rq->path)->kind, "", id);
	sim_ok_null(rs);
}

static void
mapping_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "dir pci usb");
}

/* ------------------------------------------------------------------ */
/* Notifications                                                      */

static const struct ext_coll ep_sendmail_coll = {
	"notify-sendmail", "name", "name",
	"name:s:k author:s comment:s disable:b from-address:s mailto:a "
	"mailto-user:a origin:s:w", NULL, NULL,
	"endpoint '%s' does not exist", "endpoint '%s' already exists", 0,
	NULL
};

static const struct ext_coll ep_gotify_coll = {
	"notify-gotify", "name", "name",
	"name:s:k comment:s disable:b server:s:r token:s:rh", NULL, NULL,
	"endpoint '%s' does not exist", "endpoint '%s' already exists", 0,
	NULL
};

static const struct ext_coll ep_smtp_coll = {
	"notify-smtp", "name", "name",
	"name:s:k author:s comment:s disable:b from-address:s:r mailto:a "
	"mailto-user:a mode:e(insecure|starttls|tls) password:s:h port:i "
	"server:s:r username:s", NULL, NULL,
	"endpoint '%s' does not exist", "endpoint '%s' already exists", 0,
	NULL
};

static const struct ext_coll ep_webhook_coll = {
	"notify-webhook", "name", "name",
	"name:s:k body:s comment:s disable:b header:a "
	"method:e(post|put|get):r secret:a url:s:r", NULL, NULL,
	"endpoint '%s' does not exist", "endpoint '%s' already exists", 0,
	NULL
};

static const struct ext_coll matcher_coll = {
	"notify-matcher", "name", "name",
	"name:s:k comment:s disable:b invert-match:b match-calendar:a "
	"match-field:a match-severity:a mode:e(all|any) target:a", NULL,
	NULL, "matcher '%s' does not exist", "matcher '%s' already exists",
	0, NULL
};

/* Endpoint names are unique across all endpoint types. */
static const struct ext_coll *const ep_colls[] = { &ep_sendmail_coll,
	&ep_gotify_coll, &ep_smtp_coll, &ep_webhook_coll, NULL };

static const struct ext_coll *
ep_coll(const struct sim_req *rq)
{
	if (strstr(rq->path, "/gotify"))
		return &ep_gotify_coll;
	if (strstr(rq->path, "/smtp"))
		return &ep_smtp_coll;
	if (strstr(rq->path, "/webhook"))
		return &ep_webhook_coll;
	return &ep_sendmail_coll;
}

/* A webhook's secrets are served by name only ("name=X"), as PVE does. */
static void
secret_names(struct ext_obj *o)
{
	const char *raw = ext_obj_raw(o, "secret");
	struct json j;
	struct px_err e = { 0 };
	struct buf b = { 0 };
	struct jw w;
	int t, i;

	if (raw == NULL || json_parse(&j, raw, strlen(raw), &e) != 0)
		return;
	jw_init(&w, &b);
	jw_arr(&w);
	if (json_type(&j, 0) == JSON_ARRAY)
		JSON_FOREACH(&j, 0, t, i) {
			char *v = json_strdup(&j, t), *p;

			if (v != NULL && (p = strstr(v, "name=")) != NULL)
				jw_strn(&w, p, strcspn(p, ","));
			free(v);
		}
	jw_end(&w);
	json_free(&j);
	ext_obj_set_raw(o, "secret", b.p);
	buf_free(&b);
}

/* The matchers whose targets name target, comma-separated, in out. */
static void
target_users(struct sim *s, const char *target, struct buf *out)
{
	struct jobs all = { 0 };
	size_t i;

	sim_doc_list(s, "notify-matcher", "", jobs_cb, &all);
	for (i = 0; i < all.n; i++) {
		const char *raw = ext_obj_raw(&all.v[i], "target");
		char *name = ext_obj_str(&all.v[i], "name");
		struct buf q = { 0 };

		json_escape(&q, target, strlen(target));
		if (raw != NULL && strstr(raw, q.p) != NULL && name != NULL)
			buf_printf(out, "%s%s", out->len ? ", " : "", name);
		buf_free(&q);
		free(name);
		ext_obj_free(&all.v[i]);
	}
	free(all.v);
}

/* Each target of a matcher's request must be an endpoint. */
static int
targets_exist(struct sim *s, const struct sim_req *rq, struct sim_resp *rs)
{
	for (size_t i = 0; i < rq->params.n; i++) {
		const char *v = rq->params.v[i].val;
		size_t k;
		int found = 0;

		if (strcmp(rq->params.v[i].key, "target") != 0)
			continue;
		for (k = 0; ep_colls[k] && !found; k++) {
			char *doc = sim_doc_get(s, ep_colls[k]->kind, "", v);

			found = doc != NULL;
			free(doc);
		}
		if (!found) {
			sim_error(rs, 404, "endpoint '%s' does not exist", v);
			return -1;
		}
	}
	return 0;
}

/* Listings add "origin" (required there), items do not carry it. */
static int
origin_cb(void *arg, const char *id, const char *json)
{
	void **a = arg;
	struct jw *w = a[0];
	const struct ext_coll *c = a[1];
	struct ext_obj o = { 0 };

	(void)id;
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	ext_strip_hidden(c->spec, &o);
	secret_names(&o);
	if (ext_obj_raw(&o, "origin") == NULL)
		ext_obj_set_str(&o, "origin", "user-created");
	ext_obj_write(w, &o, NULL);
	ext_obj_free(&o);
	return 0;
}

static void
notify_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct ext_coll *c = strstr(rq->path, "/matchers") ?
	    &matcher_coll : ep_coll(rq);
	struct jw w;
	void *arg[2];

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	arg[0] = &w;
	arg[1] = (void *)c;
	sim_doc_list(s, c->kind, "", origin_cb, arg);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
notify_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct ext_coll *c = strstr(rq->path, "/matchers") ?
	    &matcher_coll : ep_coll(rq);
	const char *name = sim_var(m, "name");
	char digest[41];
	struct ext_obj o;
	struct jw w;
	size_t k;

	if (!strcmp(rq->method, "GET")) {
		if (ext_doc_obj(s, c->kind, "", name, &o) == -1) {
			sim_error(rs, 500, c->missing, name);
			return;
		}
		ext_strip_hidden(c->spec, &o);
		secret_names(&o);
		ext_obj_del(&o, "origin");
		ext_kind_digest(s, c->kind, "", digest);
		ext_obj_set_str(&o, "digest", digest);
		sim_ok_begin(rs, &w);
		ext_obj_write(&w, &o, NULL);
		sim_ok_end(rs, &w);
		ext_obj_free(&o);
	} else if (!strcmp(rq->method, "POST")) {
		name = sim_param(rq, "name");
		for (k = 0; name && c != &matcher_coll && ep_colls[k]; k++) {
			char *doc = sim_doc_get(s, ep_colls[k]->kind, "",
			    name);

			if (doc != NULL) {
				free(doc);
				sim_error(rs, 500, "endpoint '%s' already "
				    "exists", name);
				return;
			}
		}
		if (c == &matcher_coll && targets_exist(s, rq, rs) == -1)
			return;
		ext_coll_create(s, rq, rs, c, "", NULL);
	} else if (!strcmp(rq->method, "PUT")) {
		if (c == &matcher_coll && targets_exist(s, rq, rs) == -1)
			return;
		ext_coll_update(s, rq, rs, c, "", name);
	} else {
		struct buf users = { 0 };

		/* PVE refuses to delete a target a matcher names */
		if (c != &matcher_coll)
			target_users(s, name, &users);
		if (users.len)
			sim_error(rs, 400, "cannot delete '%s', referenced by: "
			    "%s", name, users.p);
		else
			ext_coll_delete(s, rs, c, "", name);
		buf_free(&users);
	}
}

static void
notify_targets(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	static const char *types[] = { "sendmail", "gotify", "smtp",
	    "webhook" };
	struct jw w;
	size_t k, i;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (k = 0; ep_colls[k]; k++) {
		struct jobs all = { 0 };

		sim_doc_list(s, ep_colls[k]->kind, "", jobs_cb, &all);
		for (i = 0; i < all.n; i++) {
			ext_obj_set_str(&all.v[i], "type", types[k]);
			if (ext_obj_raw(&all.v[i], "origin") == NULL)
				ext_obj_set_str(&all.v[i], "origin",
				    "user-created");
			ext_obj_write(&w, &all.v[i],
			    "name type comment disable origin");
			ext_obj_free(&all.v[i]);
		}
		free(all.v);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
notify_target_test(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *name = sim_var(m, "name");
	size_t k;

	(void)rq;
	for (k = 0; ep_colls[k]; k++) {
		char *doc = sim_doc_get(s, ep_colls[k]->kind, "", name);

		if (doc != NULL) {
			free(doc);
			sim_ok_null(rs);
			return;
		}
	}
	sim_error(rs, 500, "could not find target '%s'", name);
}

static void
notify_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)m;
	if (strstr(rq->path, "/endpoints"))
		ext_index(rs, "name", "gotify sendmail smtp webhook");
	else
		ext_index(rs, "name", "endpoints matcher-field-values "
		    "matcher-fields matchers targets");
}

static void
notify_matcher_fields(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "type hostname job-id");
}

static void
notify_matcher_values(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	static const char *types[] = { "package-updates", "fencing",
	    "replication", "vzdump", "system-mail" };
	struct jw w;
	size_t i;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		jw_obj(&w);
		jw_kstr(&w, "field", "type");
		jw_kstr(&w, "value", types[i]);
		jw_end(&w);
	}
	for (i = 0; i < s->nnodes; i++) {
		jw_obj(&w);
		jw_kstr(&w, "field", "hostname");
		jw_kstr(&w, "value", s->nodes[i].name);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ------------------------------------------------------------------ */
/* Replication                                                        */

#define REPL_SPEC \
	"id:s:k comment:s disable:b guest:i:w jobnum:i:w rate:n " \
	"remove_job:e(local|full) schedule:s source:s:h target:s:rc " \
	"type:e(local):rc"

static int
repl_hook(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create)
{
	char *id = ext_obj_str(o, "id");
	char *target = ext_obj_str(o, "target");
	int vmid = 0, jobnum = -1, rc = -1;
	struct sim_guest *g;

	if (schedule_check(rq, rs) != 0)
		goto out;
	if (!create) {
		rc = 0;
		goto out;
	}
	if (id == NULL || sscanf(id, "%d-%d", &vmid, &jobnum) != 2 ||
	    vmid < 100 || jobnum < 0) {
		sim_param_errorf(rs, "id", "invalid format - replication job "
		    "id '%s' is not valid", id ? id : "");
		goto out;
	}
	if ((g = sim_guest_find(s, vmid)) == NULL) {
		sim_error(rs, 500, "guest '%d' does not exist", vmid);
		goto out;
	}
	if (target == NULL || sim_node_find(s, target) == NULL) {
		sim_param_errorf(rs, "target", "no such cluster node '%s'",
		    target ? target : "");
		goto out;
	}
	if (!strcmp(target, sim_guest_node(s, g))) {
		sim_error(rs, 500, "target node is on source node");
		goto out;
	}
	ext_obj_set_int(o, "guest", vmid);
	ext_obj_set_int(o, "jobnum", jobnum);
	ext_obj_set_str(o, "source", sim_guest_node(s, g));
	if (ext_obj_raw(o, "schedule") == NULL)
		ext_obj_set_str(o, "schedule", "*/15");
	rc = 0;
out:
	free(id);
	free(target);
	return rc;
}

static const struct ext_coll repl_coll = {
	"replication", "id", "id", REPL_SPEC, NULL, NULL,
	"replication job '%s' does not exist",
	"replication job '%s' already exists", EXT_DIGEST_ITEM, repl_hook
};

static void
repl_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	(void)m;
	ext_coll_list(s, rs, &repl_coll, "");
}

static void
repl_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	ext_coll_get(s, rs, &repl_coll, "", sim_var(m, "id"));
}

static void
repl_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)m;
	ext_coll_create(s, rq, rs, &repl_coll, "", NULL);
}

static void
repl_update(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	ext_coll_update(s, rq, rs, &repl_coll, "", sim_var(m, "id"));
}

/*
 * DELETE /cluster/replication/{id}, as PVE: --force drops the entry
 * (no cleanup); otherwise the job is marked for removal (remove_job
 * full, or local with keep: the target keeps the replicated data) and
 * the replication runner removes it later.
 */
static void
repl_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_var(m, "id");
	struct ext_obj o = { 0 };
	int keep, force;

	if (ext_check("force:b keep:b", rq, rs, 0, "id") != 0)
		return;
	keep = sim_param_bool(rq, "keep", 0);
	force = sim_param_bool(rq, "force", 0);
	if (force && keep) {
		sim_param_error(rs, "keep", "conflicts with parameter 'force'");
		return;
	}
	if (force) {
		ext_coll_delete(s, rs, &repl_coll, "", id);
		return;
	}
	if (ext_doc_obj(s, "replication", "", id, &o) != 0) {
		sim_error(rs, 500, repl_coll.missing, id);
		return;
	}
	ext_obj_set_str(&o, "remove_job", keep ? "local" : "full");
	ext_doc_put_obj(s, "replication", "", id, &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */

#define AUD "Sys.Audit"
#define MOD "Sys.Modify"
#define CON "Sys.Console"
#define MAPA "Mapping.Audit|Mapping.Modify|Mapping.Use"
#define NOTA "Mapping.Audit|Mapping.Modify"
#define NOTM "Mapping.Modify"

#define ENDPOINT(T) \
	{ "GET", "/cluster/notifications/endpoints/" T, notify_list, \
	    "/mapping/notifications", NOTA, 0 }, \
	{ "POST", "/cluster/notifications/endpoints/" T, notify_item, \
	    "/mapping/notifications", NOTM, 0 }, \
	{ "GET", "/cluster/notifications/endpoints/" T "/{name}", \
	    notify_item, "/mapping/notifications", NOTA, 0 }, \
	{ "PUT", "/cluster/notifications/endpoints/" T "/{name}", \
	    notify_item, "/mapping/notifications", NOTM, 0 }, \
	{ "DELETE", "/cluster/notifications/endpoints/" T "/{name}", \
	    notify_item, "/mapping/notifications", NOTM, 0 }

/* Per-guest firewall, for both qemu and lxc. */
#define GUEST_FW(TYPE) \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall", fw_guest_index, \
	    NULL, NULL, 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/rules", \
	    fw_rules_list, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "POST", "/nodes/{node}/" TYPE "/{vmid}/firewall/rules", \
	    fw_rule_create, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/rules/{pos}", \
	    fw_rule_get, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "PUT", "/nodes/{node}/" TYPE "/{vmid}/firewall/rules/{pos}", \
	    fw_rule_update, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "DELETE", "/nodes/{node}/" TYPE "/{vmid}/firewall/rules/{pos}", \
	    fw_rule_delete, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/options", \
	    fw_options_get, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "PUT", "/nodes/{node}/" TYPE "/{vmid}/firewall/options", \
	    fw_options_put, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/aliases", \
	    fw_alias_list, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "POST", "/nodes/{node}/" TYPE "/{vmid}/firewall/aliases", \
	    fw_alias_create, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/aliases/{name}", \
	    fw_alias_get, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "PUT", "/nodes/{node}/" TYPE "/{vmid}/firewall/aliases/{name}", \
	    fw_alias_update, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "DELETE", "/nodes/{node}/" TYPE "/{vmid}/firewall/aliases/{name}", \
	    fw_alias_delete, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset", \
	    fw_ipset_list, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "POST", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset", \
	    fw_ipset_create, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}", \
	    fw_ipset_entries, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "POST", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}", \
	    fw_ipset_add, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "DELETE", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}", \
	    fw_ipset_delete, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}/{*cidr}", \
	    fw_ipset_entry, "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "PUT", "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}/{*cidr}", \
	    fw_ipset_entry, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "DELETE", \
	    "/nodes/{node}/" TYPE "/{vmid}/firewall/ipset/{name}/{*cidr}", \
	    fw_ipset_entry, "/vms/{vmid}", "VM.Config.Network", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/refs", fw_refs, \
	    "/vms/{vmid}", "VM.Audit", 0 }, \
	{ "GET", "/nodes/{node}/" TYPE "/{vmid}/firewall/log", fw_log, \
	    "/vms/{vmid}", "VM.Console", 0 }

const struct sim_route sim_routes_cluster[] = {
	{ "GET", "/cluster/log", cluster_log, NULL, NULL, 0 },
	{ "GET", "/cluster/options", options_get, "/", AUD, 0 },
	{ "PUT", "/cluster/options", options_put, "/", MOD, 0 },

	{ "GET", "/cluster/backup", backup_list, "/", AUD, 0 },
	{ "POST", "/cluster/backup", backup_create, "/", MOD, 0 },
	{ "GET", "/cluster/backup/{id}", backup_get, "/", AUD, 0 },
	{ "PUT", "/cluster/backup/{id}", backup_update, "/", MOD, 0 },
	{ "DELETE", "/cluster/backup/{id}", backup_delete, "/", MOD, 0 },
	{ "GET", "/cluster/backup/{id}/included_volumes", backup_included,
	    "/", AUD, 0 },
	{ "GET", "/cluster/backup-info", backup_info_index, "/", AUD, 0 },
	{ "GET", "/cluster/backup-info/not-backed-up", not_backed_up, "/",
	    AUD, 0 },

	{ "GET", "/cluster/firewall", fw_cluster_index, NULL, NULL, 0 },
	{ "GET", "/cluster/firewall/options", fw_options_get, "/", AUD, 0 },
	{ "PUT", "/cluster/firewall/options", fw_options_put, "/", MOD, 0 },
	{ "GET", "/cluster/firewall/rules", fw_rules_list, "/", AUD, 0 },
	{ "POST", "/cluster/firewall/rules", fw_rule_create, "/", MOD, 0 },
	{ "GET", "/cluster/firewall/rules/{pos}", fw_rule_get, "/", AUD, 0 },
	{ "PUT", "/cluster/firewall/rules/{pos}", fw_rule_update, "/", MOD,
	    0 },
	{ "DELETE", "/cluster/firewall/rules/{pos}", fw_rule_delete, "/",
	    MOD, 0 },
	{ "GET", "/cluster/firewall/aliases", fw_alias_list, "/", AUD, 0 },
	{ "POST", "/cluster/firewall/aliases", fw_alias_create, "/", MOD,
	    0 },
	{ "GET", "/cluster/firewall/aliases/{name}", fw_alias_get, "/", AUD,
	    0 },
	{ "PUT", "/cluster/firewall/aliases/{name}", fw_alias_update, "/",
	    MOD, 0 },
	{ "DELETE", "/cluster/firewall/aliases/{name}", fw_alias_delete,
	    "/", MOD, 0 },
	{ "GET", "/cluster/firewall/ipset", fw_ipset_list, "/", AUD, 0 },
	{ "POST", "/cluster/firewall/ipset", fw_ipset_create, "/", MOD, 0 },
	{ "GET", "/cluster/firewall/ipset/{name}", fw_ipset_entries, "/",
	    AUD, 0 },
	{ "POST", "/cluster/firewall/ipset/{name}", fw_ipset_add, "/", MOD,
	    0 },
	{ "DELETE", "/cluster/firewall/ipset/{name}", fw_ipset_delete, "/",
	    MOD, 0 },
	{ "GET", "/cluster/firewall/ipset/{name}/{*cidr}", fw_ipset_entry,
	    "/", AUD, 0 },
	{ "PUT", "/cluster/firewall/ipset/{name}/{*cidr}", fw_ipset_entry,
	    "/", MOD, 0 },
	{ "DELETE", "/cluster/firewall/ipset/{name}/{*cidr}", fw_ipset_entry,
	    "/", MOD, 0 },
	{ "GET", "/cluster/firewall/groups", fw_groups_list, "/", AUD, 0 },
	{ "POST", "/cluster/firewall/groups", fw_group_create, "/", MOD, 0 },
	{ "GET", "/cluster/firewall/groups/{group}", fw_rules_list, "/",
	    AUD, 0 },
	{ "POST", "/cluster/firewall/groups/{group}", fw_rule_create, "/",
	    MOD, 0 },
	{ "DELETE", "/cluster/firewall/groups/{group}", fw_group_delete,
	    "/", MOD, 0 },
	{ "GET", "/cluster/firewall/groups/{group}/{pos}", fw_rule_get, "/",
	    AUD, 0 },
	{ "PUT", "/cluster/firewall/groups/{group}/{pos}", fw_rule_update,
	    "/", MOD, 0 },
	{ "DELETE", "/cluster/firewall/groups/{group}/{pos}",
	    fw_rule_delete, "/", MOD, 0 },
	{ "GET", "/cluster/firewall/refs", fw_refs, "/", AUD, 0 },
	{ "GET", "/cluster/firewall/macros", fw_macros, NULL, NULL, 0 },

	/* a node's host firewall */
	{ "GET", "/nodes/{node}/firewall", fw_node_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/firewall/options", fw_options_get,
	    "/nodes/{node}", "Sys.Audit", 0 },
	{ "PUT", "/nodes/{node}/firewall/options", fw_options_put,
	    "/nodes/{node}", "Sys.Modify", 0 },
	{ "GET", "/nodes/{node}/firewall/rules", fw_rules_list,
	    "/nodes/{node}", "Sys.Audit", 0 },
	{ "POST", "/nodes/{node}/firewall/rules", fw_rule_create,
	    "/nodes/{node}", "Sys.Modify", 0 },
	{ "GET", "/nodes/{node}/firewall/rules/{pos}", fw_rule_get,
	    "/nodes/{node}", "Sys.Audit", 0 },
	{ "PUT", "/nodes/{node}/firewall/rules/{pos}", fw_rule_update,
	    "/nodes/{node}", "Sys.Modify", 0 },
	{ "DELETE", "/nodes/{node}/firewall/rules/{pos}", fw_rule_delete,
	    "/nodes/{node}", "Sys.Modify", 0 },
	{ "GET", "/nodes/{node}/firewall/log", fw_log, "/nodes/{node}",
	    "Sys.Syslog", 0 },

	{ "GET", "/cluster/ha", ha_index, "/", AUD, 0 },
	{ "GET", "/cluster/ha/resources", ha_res_list, "/", AUD, 0 },
	{ "POST", "/cluster/ha/resources", ha_res_create, "/", CON, 0 },
	{ "GET", "/cluster/ha/resources/{sid}", ha_res_get, "/", AUD, 0 },
	{ "PUT", "/cluster/ha/resources/{sid}", ha_res_update, "/", CON, 0 },
	{ "DELETE", "/cluster/ha/resources/{sid}", ha_res_delete, "/", CON,
	    0 },
	{ "POST", "/cluster/ha/resources/{sid}/migrate", ha_res_migrate,
	    "/", CON, 0 },
	{ "POST", "/cluster/ha/resources/{sid}/relocate", ha_res_migrate,
	    "/", CON, 0 },
	{ "GET", "/cluster/ha/rules", ha_rule_list, "/", AUD, 0 },
	{ "POST", "/cluster/ha/rules", ha_rule_create, "/", CON, 0 },
	{ "GET", "/cluster/ha/rules/{rule}", ha_rule_get, "/", AUD, 0 },
	{ "PUT", "/cluster/ha/rules/{rule}", ha_rule_update, "/", CON, 0 },
	{ "DELETE", "/cluster/ha/rules/{rule}", ha_rule_delete, "/", CON,
	    0 },
	{ "GET", "/cluster/ha/groups", ha_group_list, "/", AUD, 0 },
	{ "POST", "/cluster/ha/groups", ha_group_create, "/", CON, 0 },
	{ "GET", "/cluster/ha/groups/{group}", ha_group_get, "/", AUD, 0 },
	{ "PUT", "/cluster/ha/groups/{group}", ha_group_update, "/", CON,
	    0 },
	{ "DELETE", "/cluster/ha/groups/{group}", ha_group_delete, "/",
	    CON, 0 },
	{ "GET", "/cluster/ha/status", ha_status_index, NULL, NULL, 0 },
	{ "GET", "/cluster/ha/status/current", ha_status_current, "/", AUD,
	    0 },
	{ "GET", "/cluster/ha/status/manager_status", ha_manager_status,
	    "/", AUD, 0 },

	{ "GET", "/cluster/mapping", mapping_index, NULL, NULL, 0 },
	{ "GET", "/cluster/mapping/pci", map_list, NULL, NULL, 0 },
	{ "POST", "/cluster/mapping/pci", map_create, "/mapping/pci",
	    "Mapping.Modify", 0 },
	{ "GET", "/cluster/mapping/pci/{id}", map_get,
	    "/mapping/pci/{id}", MAPA, 0 },
	{ "PUT", "/cluster/mapping/pci/{id}", map_update,
	    "/mapping/pci/{id}", "Mapping.Modify", 0 },
	{ "DELETE", "/cluster/mapping/pci/{id}", map_delete,
	    "/mapping/pci", "Mapping.Modify", 0 },
	{ "GET", "/cluster/mapping/usb", map_list, NULL, NULL, 0 },
	{ "POST", "/cluster/mapping/usb", map_create, "/mapping/usb",
	    "Mapping.Modify", 0 },
	{ "GET", "/cluster/mapping/usb/{id}", map_get,
	    "/mapping/usb/{id}", MAPA, 0 },
	{ "PUT", "/cluster/mapping/usb/{id}", map_update,
	    "/mapping/usb/{id}", "Mapping.Modify", 0 },
	{ "DELETE", "/cluster/mapping/usb/{id}", map_delete,
	    "/mapping/usb", "Mapping.Modify", 0 },
	{ "GET", "/cluster/mapping/dir", map_list, NULL, NULL, 0 },
	{ "POST", "/cluster/mapping/dir", map_create, "/mapping/dir",
	    "Mapping.Modify", 0 },
	{ "GET", "/cluster/mapping/dir/{id}", map_get,
	    "/mapping/dir/{id}", MAPA, 0 },
	{ "PUT", "/cluster/mapping/dir/{id}", map_update,
	    "/mapping/dir/{id}", "Mapping.Modify", 0 },
	{ "DELETE", "/cluster/mapping/dir/{id}", map_delete,
	    "/mapping/dir", "Mapping.Modify", 0 },

	{ "GET", "/cluster/notifications", notify_index, NULL, NULL, 0 },
	{ "GET", "/cluster/notifications/endpoints", notify_index, NULL,
	    NULL, 0 },
	ENDPOINT("sendmail"),
	ENDPOINT("gotify"),
	ENDPOINT("smtp"),
	ENDPOINT("webhook"),
	{ "GET", "/cluster/notifications/matchers", notify_list,
	    "/mapping/notifications", NOTA, 0 },
	{ "POST", "/cluster/notifications/matchers", notify_item,
	    "/mapping/notifications", NOTM, 0 },
	{ "GET", "/cluster/notifications/matchers/{name}", notify_item,
	    "/mapping/notifications", NOTA, 0 },
	{ "PUT", "/cluster/notifications/matchers/{name}", notify_item,
	    "/mapping/notifications", NOTM, 0 },
	{ "DELETE", "/cluster/notifications/matchers/{name}", notify_item,
	    "/mapping/notifications", NOTM, 0 },
	{ "GET", "/cluster/notifications/targets", notify_targets,
	    "/mapping/notifications", NOTA, 0 },
	{ "POST", "/cluster/notifications/targets/{name}/test",
	    notify_target_test, "/mapping/notifications", NOTA, 0 },
	{ "GET", "/cluster/notifications/matcher-fields",
	    notify_matcher_fields, "/mapping/notifications", NOTA, 0 },
	{ "GET", "/cluster/notifications/matcher-field-values",
	    notify_matcher_values, "/mapping/notifications", NOTA, 0 },

	{ "GET", "/cluster/replication", repl_list, NULL, NULL, 0 },
	{ "POST", "/cluster/replication", repl_create, "/", "VM.Replicate|"
	    MOD, 0 },
	{ "GET", "/cluster/replication/{id}", repl_get, NULL, NULL, 0 },
	{ "PUT", "/cluster/replication/{id}", repl_update, "/",
	    "VM.Replicate|" MOD, 0 },
	{ "DELETE", "/cluster/replication/{id}", repl_delete, "/",
	    "VM.Replicate|" MOD, 0 },

	GUEST_FW("qemu"),
	GUEST_FW("lxc"),
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
