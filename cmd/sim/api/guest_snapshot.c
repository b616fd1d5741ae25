/*
 * guests3.c -- pxsim's guest endpoints, part three: snapshots, the QEMU
 * guest agent, LXC interfaces, console proxies, vzdump, the bulk start and
 * stop of a node, and the table of every guest route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

#define H(name) static void name(struct sim *s, struct sim_req *rq, \
	struct sim_resp *rs, const struct sim_match *m)

static void
idstr(char *buf, size_t n, int vmid)
{
	snprintf(buf, n, "%d", vmid);
}

/* ---- snapshots ---- */

static struct sim_snap *
find_snap(struct sim_guest *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nsnaps; i++)
		if (strcmp(g->snaps[i].name, name) == 0)
			return &g->snaps[i];
	return NULL;
}

H(h_snap_list)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct jw w;
	size_t i;

	if (g == NULL)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < g->nsnaps; i++) {
		const struct sim_snap *sn = &g->snaps[i];

		jw_obj(&w);
		jw_kstr(&w, "name", sn->name);
		jw_kstr(&w, "description", sn->description ? sn->description :
		    "");
		jw_kint(&w, "snaptime", (long long)sn->snaptime);
		if (g->type == SIM_QEMU)
			jw_kint(&w, "vmstate", sn->vmstate);
		if (sn->parent)
			jw_kstr(&w, "parent", sn->parent);
		jw_end(&w);
	}
	jw_obj(&w);
	jw_kstr(&w, "name", "current");
	jw_kstr(&w, "description", "You are here!");
	if (g->snapparent)
		jw_kstr(&w, "parent", g->snapparent);
	if (g->type == SIM_QEMU)
		jw_kint(&w, "running", g->status != SIM_STOPPED);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
snapname_ok(const char *n)
{
	size_t i;

	if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')))
		return 0;
	for (i = 1; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' &&
		    n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_'
		    || n[i] == '-'))
			return 0;
	return i <= 40;
}

struct snap_arg {
	char name[64];
	char description[256];
	int vmstate;
	int start;
};

static void
snap_create_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;
	char buf[32];

	if (g == NULL || find_snap(g, a->name))
		return;
	g->snaps = px_xrealloc(g->snaps, (g->nsnaps + 1) * sizeof(*g->snaps));
	sn = &g->snaps[g->nsnaps++];
	memset(sn, 0, sizeof(*sn));
	sn->name = px_xstrdup(a->name);
	sn->parent = g->snapparent ? px_xstrdup(g->snapparent) : NULL;
	sn->description = px_xstrdup(a->description);
	sn->snaptime = sim_now(s);
	sn->vmstate = a->vmstate && g->status != SIM_STOPPED;
	sim_kv_copy(&sn->config, &g->config);
	snprintf(buf, sizeof(buf), "%lld", (long long)sn->snaptime);
	sim_kv_set(&sn->config, "snaptime", buf);
	if (sn->vmstate)
		sim_kv_set(&sn->config, "vmstate", "1");
	sim_str_set(&g->snapparent, a->name);
	sim_kv_set(&g->config, "parent", a->name);
	sim_guest_save(s, g);
}

H(h_snap_create)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_param(rq, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];
	size_t i;

	if (g == NULL || sim_param_require(rq, rs, "snapname", NULL) != 0)
		return;
	if (!snapname_ok(name) || strcmp(name, "current") == 0) {
		sim_param_errorf(rs, "snapname", "invalid format - invalid "
		    "configuration ID '%s'\n", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	if (find_snap(g, name)) {
		sim_error(rs, 500, "snapshot name '%s' already used", name);
		return;
	}
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->description, sizeof(a->description), "%s",
	    sim_param(rq, "description") ? sim_param(rq, "description") : "");
	a->vmstate = sim_param_bool(rq, "vmstate", 0);
	idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzsnapshot" : "qmsnapshot", id, rq->authid, -1, snap_create_done,
	    NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "snapshot");
	for (i = 0; i < g->config.n; i++) {
		char volid[256];

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0])
			sim_task_log(t, "snapshotting '%s' (%s)",
			    g->config.v[i].key, volid);
	}
	if (a->vmstate && g->status != SIM_STOPPED)
		sim_task_log(t, "saving VM state and RAM using storage "
		    "'local-lvm'");
	sim_upid_response(rs, t->upid);
}

H(h_snap_index)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);

	if (g == NULL)
		return;
	if (find_snap(g, sim_var(m, "snapname")) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	sim_ok_json(rs, "[{\"cmd\":\"rollback\"},{\"cmd\":\"config\"}]");
}

H(h_snap_config)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_snap *sn;
	struct jw w;

	if (g == NULL)
		return;
	if ((sn = find_snap(g, sim_var(m, "snapname"))) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	sim_ok_begin(rs, &w);
	g_write_config(&w, g, &sn->config, 0);
	sim_ok_end(rs, &w);
}

H(h_snap_config_put)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	struct sim_snap *sn;

	if (g == NULL)
		return;
	if ((sn = find_snap(g, sim_var(m, "snapname"))) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist",
		    sim_var(m, "snapname"));
		return;
	}
	if (sim_param(rq, "description"))
		sim_str_set(&sn->description, sim_param(rq, "description"));
	sim_guest_save(s, g);
	sim_ok_null(rs);
}

static void
snap_delete_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;
	char *parent;
	size_t i, k;

	if (g == NULL || (sn = find_snap(g, a->name)) == NULL)
		return;
	parent = sn->parent ? px_xstrdup(sn->parent) : NULL;
	for (i = 0; i < g->nsnaps; i++)
		if (g->snaps[i].parent && strcmp(g->snaps[i].parent, a->name) ==
		    0)
			sim_str_set(&g->snaps[i].parent, parent);
	if (g->snapparent && strcmp(g->snapparent, a->name) == 0) {
		sim_str_set(&g->snapparent, parent);
		if (parent)
			sim_kv_set(&g->config, "parent", parent);
		else
			sim_kv_del(&g->config, "parent");
	}
	k = (size_t)(sn - g->snaps);
	free(sn->name);
	free(sn->parent);
	free(sn->description);
	sim_kv_free(&sn->config);
	memmove(sn, sn + 1, (g->nsnaps - k - 1) * sizeof(*sn));
	g->nsnaps--;
	free(parent);
	sim_guest_save(s, g);
}

H(h_snap_delete)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_var(m, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];

	if (g == NULL)
		return;
	if (find_snap(g, name) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzdelsnapshot" : "qmdelsnapshot", id, rq->authid, -1,
	    snap_delete_done, NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "snapshot-delete");
	sim_upid_response(rs, t->upid);
}

static void
rollback_done(struct sim *s, struct sim_task *t)
{
	struct snap_arg *a = t->arg;
	struct sim_guest *g = sim_guest_find(s, t->vmid);
	struct sim_snap *sn;

	if (g == NULL || (sn = find_snap(g, a->name)) == NULL)
		return;
	sim_kv_copy(&g->config, &sn->config);
	sim_kv_del(&g->config, "snaptime");
	sim_kv_del(&g->config, "vmstate");
	sim_kv_set(&g->config, "parent", a->name);
	sim_str_set(&g->snapparent, a->name);
	sim_kv_free(&g->pending);
	g_sync_fields(g);
	if (sn->vmstate || a->start) {
		if (g->status == SIM_STOPPED)
			g->started = sim_now(s);
		g->status = SIM_RUNNING;
	} else {
		g->status = SIM_STOPPED;
	}
	sim_guest_save(s, g);
}

H(h_snap_rollback)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *name = sim_var(m, "snapname");
	struct snap_arg *a;
	struct sim_task *t;
	char id[16];

	if (g == NULL)
		return;
	if (find_snap(g, name) == NULL) {
		sim_error(rs, 500, "snapshot '%s' does not exist", name);
		return;
	}
	if (g_check_lock(g, rq, rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->start = sim_param_bool(rq, "start", 0);
	idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), g->type == SIM_LXC ?
	    "vzrollback" : "qmrollback", id, rq->authid, -1, rollback_done,
	    NULL);
	t->arg = a;
	sim_task_lock(s, t, g->vmid, "rollback");
	sim_upid_response(rs, t->upid);
}

/* ---- the guest agent ---- */

struct exec_result {
	int vmid;
	int pid;
	int exitcode;
	char *out;
	char *err;
	double done_at;
};

static struct exec_result execs[256];
static size_t nexecs;
static int next_exec_pid = 1000;

static struct sim_guest *
agent_guest(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);

	if (g == NULL)
		return NULL;
	if (g->status == SIM_STOPPED) {
		sim_error(rs, 500, "VM %d is not running", g->vmid);
		return NULL;
	}
	if (!g->agent) {
		sim_error(rs, 500, "No QEMU guest agent configured");
		return NULL;
	}
	if (g->status == SIM_PAUSED || g->lock) {
		sim_error(rs, 500, "QEMU guest agent is not running");
		return NULL;
	}
	return g;
}

static void
write_ifaces(struct sim *s, struct jw *w, const struct sim_guest *g)
{
	char mac[32];
	uint64_t h = sim_hash(s, (uint64_t)g->vmid, 100);

	snprintf(mac, sizeof(mac), "bc:24:11:%02x:%02x:%02x",
	    (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
	    (unsigned)((h >> 16) & 0xff));
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "name", "lo");
	jw_kstr(w, "hardware-address", "00:00:00:00:00:00");
	jw_key(w, "ip-addresses");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "ip-address-type", "ipv4");
	jw_kstr(w, "ip-address", "127.0.0.1");
	jw_kint(w, "prefix", 8);
	jw_end(w);
	jw_obj(w);
	jw_kstr(w, "ip-address-type", "ipv6");
	jw_kstr(w, "ip-address", "::1");
	jw_kint(w, "prefix", 128);
	jw_end(w);
	jw_end(w);
	jw_end(w);
	jw_obj(w);
	jw_kstr(w, "name", "eth0");
	jw_kstr(w, "hardware-address", mac);
	jw_key(w, "ip-addresses");
	jw_arr(w);
	if (g->ip) {
		jw_obj(w);
		jw_kstr(w, "ip-address-type", "ipv4");
		jw_kstr(w, "ip-address", g->ip);
		jw_kint(w, "prefix", 16);
		jw_end(w);
	}
	jw_obj(w);
	{
		char v6[64];

		snprintf(v6, sizeof(v6), "fe80::be24:11ff:fe%02x:%02x%02x",
		    (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
		    (unsigned)((h >> 16) & 0xff));
		jw_kstr(w, "ip-address-type", "ipv6");
		jw_kstr(w, "ip-address", v6);
		jw_kint(w, "prefix", 64);
	}
	jw_end(w);
	jw_end(w);
	jw_key(w, "statistics");
	jw_obj(w);
	jw_kuint(w, "rx-bytes", 1000000ULL + (uint64_t)g->vmid * 7919);
	jw_kuint(w, "tx-bytes", 500000ULL + (uint64_t)g->vmid * 3571);
	jw_kint(w, "rx-dropped", 0);
	jw_kint(w, "tx-dropped", 0);
	jw_kint(w, "rx-errs", 0);
	jw_kint(w, "tx-errs", 0);
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

H(h_agent_simple)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	const char *cmd = strrchr(rq->path, '/') + 1;
	struct jw w;

	if (g == NULL)
		return;
	if (strcmp(cmd, "agent") == 0)
		cmd = sim_param(rq, "command") ? sim_param(rq, "command") :
		    "ping";
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_key(&w, "result");
	if (strcmp(cmd, "network-get-interfaces") == 0) {
		write_ifaces(s, &w, g);
	} else if (strcmp(cmd, "get-host-name") == 0) {
		jw_obj(&w);
		jw_kstr(&w, "host-name", g->name);
		jw_end(&w);
	} else if (strcmp(cmd, "get-osinfo") == 0) {
		jw_obj(&w);
		jw_kstr(&w, "id", "debian");
		jw_kstr(&w, "name", "Debian GNU/Linux");
		jw_kstr(&w, "pretty-name", "Debian GNU/Linux 12 (bookworm)");
		jw_kstr(&w, "version", "12 (bookworm)");
		jw_kstr(&w, "version-id", "12");
		jw_kstr(&w, "kernel-release", "6.1.0-28-amd64");
		jw_kstr(&w, "machine", "x86_64");
		jw_end(&w);
	} else if (strcmp(cmd, "info") == 0) {
		jw_obj(&w);
		jw_kstr(&w, "version", "7.2.15");
		jw_key(&w, "supported_commands");
		jw_arr(&w);
		jw_end(&w);
		jw_end(&w);
	} else if (strcmp(cmd, "get-time") == 0) {
		jw_int(&w, (long long)sim_now(s) * 1000000000LL);
	} else {
		jw_obj(&w);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
fake_exec(const struct sim_guest *g, const char *argv0, const char *args,
    struct exec_result *r)
{
	if (strcmp(argv0, "hostname") == 0) {
		r->out = px_xasprintf("%s\n", g->name);
	} else if (strcmp(argv0, "uptime") == 0) {
		r->out = px_xstrdup(" 10:00:00 up 12 days,  3:04,  0 users,  "
		    "load average: 0.08, 0.05, 0.01\n");
	} else if (strcmp(argv0, "whoami") == 0 || strcmp(argv0, "id") == 0) {
		r->out = px_xstrdup(strcmp(argv0, "id") == 0 ? "uid=0(root) "
		    "gid=0(root) groups=0(root)\n" : "root\n");
	} else if (strcmp(argv0, "uname") == 0) {
		r->out = px_xasprintf("Linux %s 6.1.0-28-amd64 #1 SMP "
		    "PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\n",
		    g->name);
	} else if (strcmp(argv0, "echo") == 0) {
		r->out = px_xasprintf("%s\n", args);
	} else if (strcmp(argv0, "true") == 0) {
		r->out = px_xstrdup("");
	} else if (strcmp(argv0, "false") == 0) {
		r->exitcode = 1;
	} else if (strcmp(argv0, "df") == 0) {
		r->out = px_xstrdup("Filesystem      Size  Used Avail Use% "
		    "Mounted on\n/dev/sda1        31G  4.2G   25G  15% /\n");
	} else {
		r->exitcode = 127;
		r->err = px_xasprintf("sh: 1: %s: not found\n", argv0);
	}
}

H(h_agent_exec)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	struct buf args = {0};
	const char *argv0 = NULL;
	struct exec_result *r;
	char first[128];
	size_t i;
	struct jw w;

	if (g == NULL || sim_param_require(rq, rs, "command", NULL) != 0)
		return;
	for (i = 0; i < rq->params.n; i++) {
		const char *v = rq->params.v[i].val;

		if (strcmp(rq->params.v[i].key, "command") != 0)
			continue;
		if (v[0] == '[') {	/* a JSON array from a JSON body */
			struct json j;
			struct px_err e;
			int c, k;

			if (json_parse(&j, v, strlen(v), &e) == 0) {
				JSON_FOREACH(&j, 0, c, k) {
					char *a = json_strdup(&j, c);

					if (a == NULL)
						continue;
					if (argv0 == NULL) {
						snprintf(first, sizeof(first),
						    "%s", a);
						argv0 = first;
					} else {
						buf_printf(&args, "%s%s",
						    args.len ? " " : "", a);
					}
					free(a);
				}
				json_free(&j);
			}
			continue;
		}
		if (argv0 == NULL) {
			size_t n = strcspn(v, " ");

			snprintf(first, sizeof(first), "%.*s", (int)n, v);
			argv0 = first;
			if (v[n])
				buf_adds(&args, v + n + 1);
		} else {
			buf_printf(&args, "%s%s", args.len ? " " : "", v);
		}
	}
	if (nexecs == sizeof(execs) / sizeof(execs[0])) {
		free(execs[0].out);
		free(execs[0].err);
		memmove(execs, execs + 1, (nexecs - 1) * sizeof(*execs));
		nexecs--;
	}
	r = &execs[nexecs++];
	memset(r, 0, sizeof(*r));
	r->vmid = g->vmid;
	r->pid = next_exec_pid++;
	r->done_at = sim_nowf(s) + 0.2;
	fake_exec(g, argv0 ? argv0 : "", buf_str(&args), r);
	buf_free(&args);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "pid", r->pid);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

H(h_agent_exec_status)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	long long pid = sim_param_int(rq, "pid", -1);
	struct jw w;
	size_t i;

	if (g == NULL || sim_param_require(rq, rs, "pid", NULL) != 0)
		return;
	for (i = 0; i < nexecs; i++)
		if (execs[i].pid == pid && execs[i].vmid == g->vmid)
			break;
	if (i == nexecs) {
		sim_error(rs, 500, "Agent error: Invalid parameter 'pid'");
		return;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	if (sim_nowf(s) < execs[i].done_at) {
		jw_kint(&w, "exited", 0);
	} else {
		jw_kint(&w, "exited", 1);
		jw_kint(&w, "exitcode", execs[i].exitcode);
		if (execs[i].out)
			jw_kstr(&w, "out-data", execs[i].out);
		if (execs[i].err)
			jw_kstr(&w, "err-data", execs[i].err);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/*
 * /proc/net/tcp as the guest's kernel would show it: sshd everywhere, and
 * the service its name suggests (web/proxy 80 and 443, db 5432 and 3306,
 * mail 25, dns 53, cache 6379), all in state 0A (LISTEN).
 */
static char *
proc_net_tcp(const struct sim_guest *g, int v6)
{
	static const struct { const char *prefix; int ports[3]; } svc[] = {
		{ "web", { 80, 443, 0 } }, { "proxy", { 80, 443, 0 } },
		{ "db", { 5432, 3306, 0 } }, { "mail", { 25, 587, 0 } },
		{ "dns", { 53, 0, 0 } }, { "cache", { 6379, 0, 0 } },
	};
	struct buf b = { 0 };
	int ports[4] = { 22, 0, 0, 0 }, n = 1, sl = 0;

	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++)
		if (g->name && strncmp(g->name, svc[i].prefix,
		    strlen(svc[i].prefix)) == 0)
			for (int k = 0; k < 3 && svc[i].ports[k]; k++)
				ports[n++] = svc[i].ports[k];
	buf_adds(&b, "  sl  local_address rem_address   st tx_queue rx_queue "
	    "tr tm->when retrnsmt   uid  timeout inode\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%4d: %s:%04X %s:0000 0A 00000000:00000000 "
		    "00:00000000 00000000     0        0 %d 1 0000000000000000 "
		    "100 0 0 10 0\n", sl++, v6 ?
		    "00000000000000000000000000000000" : "00000000", ports[i],
		    v6 ? "00000000000000000000000000000000" : "00000000",
		    10000 + i);
	return buf_steal(&b);
}

H(h_agent_file_read)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	const char *file = sim_param(rq, "file");
	char parent[32], *doc = NULL, *content = NULL;
	struct jw w;

	if (g == NULL || sim_param_require(rq, rs, "file", NULL) != 0)
		return;
	snprintf(parent, sizeof(parent), "guest/%d", g->vmid);
	if ((doc = sim_doc_get(s, "agentfile", parent, file)) != NULL) {
		struct json j;
		struct px_err e;

		if (json_parse(&j, doc, strlen(doc), &e) == 0) {
			content = json_get_str(&j, 0, "content");
			json_free(&j);
		}
		free(doc);
	} else if (strcmp(file, "/proc/net/tcp") == 0 ||
	    strcmp(file, "/proc/net/tcp6") == 0) {
		content = proc_net_tcp(g, file[13] == '6');
	} else if (strcmp(file, "/etc/hostname") == 0) {
		content = px_xasprintf("%s\n", g->name);
	} else if (strcmp(file, "/etc/os-release") == 0) {
		content = px_xstrdup("PRETTY_NAME=\"Debian GNU/Linux 12 "
		    "(bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
		    "ID=debian\n");
	}
	if (content == NULL) {
		sim_error(rs, 500, "Agent error: Failed to open file '%s': No "
		    "such file or directory", file);
		return;
	}
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "content", content);
	jw_kint(&w, "bytes-read", (long long)strlen(content));
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(content);
}

H(h_agent_file_write)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	struct buf b = {0};
	struct jw w;
	char parent[32];

	if (g == NULL || sim_param_require(rq, rs, "file", "content", NULL) !=
	    0)
		return;
	snprintf(parent, sizeof(parent), "guest/%d", g->vmid);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "content", sim_param(rq, "content"));
	jw_end(&w);
	sim_doc_put(s, "agentfile", parent, sim_param(rq, "file"), b.p);
	buf_free(&b);
	sim_ok_null(rs);
}

H(h_agent_index)
{
	if (g_lookup(s, rq, rs, m) == NULL)
		return;
	sim_ok_json(rs, "[{\"name\":\"exec\"},{\"name\":\"exec-status\"},"
	    "{\"name\":\"file-read\"},{\"name\":\"file-write\"},"
	    "{\"name\":\"get-host-name\"},{\"name\":\"get-osinfo\"},"
	    "{\"name\":\"get-time\"},{\"name\":\"info\"},"
	    "{\"name\":\"network-get-interfaces\"},{\"name\":\"ping\"}]");
}

/* ---- LXC interfaces ---- */

H(h_lxc_interfaces)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	uint64_t h;
	char mac[32], v6[64], v4[48];
	struct jw w;

	if (g == NULL)
		return;
	if (g->status == SIM_STOPPED) {
		sim_error(rs, 500, "CT %d not running", g->vmid);
		return;
	}
	h = sim_hash(s, (uint64_t)g->vmid, 100);
	snprintf(mac, sizeof(mac), "bc:24:11:%02x:%02x:%02x",
	    (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
	    (unsigned)((h >> 16) & 0xff));
	snprintf(v6, sizeof(v6), "fe80::be24:11ff:fe%02x:%02x%02x/64",
	    (unsigned)(h & 0xff), (unsigned)((h >> 8) & 0xff),
	    (unsigned)((h >> 16) & 0xff));
	snprintf(v4, sizeof(v4), "%s/16", g->ip ? g->ip : "10.1.0.250");
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "lo");
	jw_kstr(&w, "hwaddr", "00:00:00:00:00:00");
	jw_kstr(&w, "hardware-address", "00:00:00:00:00:00");
	jw_kstr(&w, "inet", "127.0.0.1/8");
	jw_kstr(&w, "inet6", "::1/128");
	jw_end(&w);
	jw_obj(&w);
	jw_kstr(&w, "name", "eth0");
	jw_kstr(&w, "hwaddr", mac);
	jw_kstr(&w, "hardware-address", mac);
	jw_kstr(&w, "inet", v4);
	jw_kstr(&w, "inet6", v6);
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ---- consoles ---- */

H(h_console)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *kind = strrchr(rq->path, '/') + 1;
	struct sim_task *t;
	char id[16], ticket[128], user[200];
	unsigned char r[24];
	struct jw w;
	int port;

	if (g == NULL)
		return;
	if (g->status == SIM_STOPPED && strcmp(kind, "termproxy") != 0) {
		sim_error(rs, 500, "%s %d not running", g_word(g), g->vmid);
		return;
	}
	tls_random(r, sizeof(r));
	sim_hex(r, 24, ticket + 7);
	memcpy(ticket, "PVEVNC:", 7);
	port = 5900 + (int)(r[0] % 100);
	snprintf(user, sizeof(user), "%s", rq->authid);
	if (strcmp(kind, "spiceproxy") == 0) {
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		jw_kstr(&w, "type", "spice");
		jw_kstr(&w, "host", "pvespiceproxy:6757:");
		jw_kstr(&w, "proxy", "http://127.0.0.1:3128");
		jw_kstr(&w, "password", ticket + 7);
		jw_kint(&w, "tls-port", 61000);
		jw_kstr(&w, "host-subject", "OU=PVE Cluster Node,O=Proxmox "
		    "Virtual Environment,CN=pve1");
		jw_kstr(&w, "title", g->name);
		jw_kint(&w, "delete-this-file", 1);
		jw_kstr(&w, "toggle-fullscreen", "Shift+F11");
		jw_kstr(&w, "release-cursor", "Ctrl+Alt+R");
		jw_kint(&w, "secure-attention", 0);
		jw_end(&w);
		sim_ok_end(rs, &w);
		return;
	}
	idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), strcmp(kind, "termproxy") ==
	    0 ? "vncproxy" : "vncproxy", id, rq->authid, 10, NULL,
	    "connection timed out");
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "port", port);
	jw_kstr(&w, "ticket", ticket);
	jw_kstr(&w, "upid", t->upid);
	jw_kstr(&w, "user", user);
	if (strcmp(kind, "vncproxy") == 0) {
		jw_kstr(&w, "cert", "-----BEGIN CERTIFICATE-----\n"
		    "MIIBhTCCASugAwIBAgIQc2ltdWxhdGVkIGNlcnQwCgYIKoZIzj0EAwIwEDEO\n"
		    "-----END CERTIFICATE-----\n");
		if (sim_param_bool(rq, "generate-password", 0))
			jw_kstr(&w, "password", "Xk3pQ9wZ");
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* ---- vzdump ---- */

struct dump_arg {
	int *vmids;
	int n;
	int cur;		/* index of the guest being backed up, -1 */
	int errors;
	char storage[64];
	char mode[16];
	char compress[16];
	char notes[128];
};

static void
dump_free(void *p)
{
	struct dump_arg *a = p;

	free(a->vmids);
	free(a);
}

static void
dump_begin(struct sim *s, struct sim_task *t, struct dump_arg *a)
{
	struct sim_guest *g = sim_guest_find(s, a->vmids[a->cur]);
	char ts[32];
	time_t now = sim_now(s);
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	if (g == NULL)
		return;
	sim_task_log(t, "INFO: Starting Backup of VM %d (%s)", g->vmid,
	    sim_gtype_name(g->type));
	sim_task_log(t, "INFO: Backup started at %s", ts);
	sim_task_log(t, "INFO: status = %s", sim_gstatus_name(g->status));
	if (g->lock) {
		sim_task_log(t, "ERROR: Backup of VM %d failed - %s is locked "
		    "(%s)", g->vmid, g_word(g), g->lock);
		a->errors++;
		a->vmids[a->cur] = -a->vmids[a->cur];
		return;
	}
	sim_task_log(t, "INFO: %s Name: %s", g->type == SIM_LXC ? "CT" : "VM",
	    g->name);
	for (i = 0; i < g->config.n; i++) {
		char volid[256], sz[32];

		if (!g_is_disk_key(g->config.v[i].key))
			continue;
		g_disk_volid(g->config.v[i].val, volid, sizeof(volid));
		if (volid[0] && g_prop(g->config.v[i].val, "size", sz,
		    sizeof(sz)) == 0)
			sim_task_log(t, "INFO: include disk '%s' '%s' %s",
			    g->config.v[i].key, volid, sz);
	}
	sim_task_log(t, "INFO: backup mode: %s", a->mode);
	sim_task_log(t, "INFO: ionice priority: 7");
	sim_str_set(&g->lock, "backup");
	sim_guest_save(s, g);
}

static void
dump_end(struct sim *s, struct sim_task *t, struct dump_arg *a)
{
	struct sim_guest *g;
	struct sim_storage *st = sim_storage_find(s, a->storage);
	struct sim_volume *v;
	char stamp[32], volid[256], sz[32];
	time_t now = sim_now(s);
	struct tm tm;

	if (a->vmids[a->cur] < 0)
		return;
	g = sim_guest_find(s, a->vmids[a->cur]);
	if (g == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y_%m_%d-%H_%M_%S", &tm);
	snprintf(volid, sizeof(volid), "%s:backup/vzdump-%s-%d-%s.%s%s%s",
	    a->storage, g->type == SIM_LXC ? "lxc" : "qemu", g->vmid, stamp,
	    g->type == SIM_LXC ? "tar" : "vma", a->compress[0] ? "." : "",
	    a->compress);
	v = px_xcalloc(1, sizeof(*v));
	v->storage = px_xstrdup(a->storage);
	v->node = st && !st->shared ? px_xstrdup(t->node) : NULL;
	v->volid = px_xstrdup(volid);
	v->content = px_xstrdup("backup");
	v->format = px_xasprintf("%s%s%s", g->type == SIM_LXC ? "tar" : "vma",
	    a->compress[0] ? "." : "", a->compress);
	v->size = g->maxdisk / 5 + (uint64_t)g->vmid * 1048576;
	v->vmid = g->vmid;
	v->ctime = now;
	v->notes = px_xstrdup(a->notes[0] ? a->notes : g->name);
	sim_volume_add(s, v);
	g_size(v->size, sz, sizeof(sz));
	sim_task_log(t, "INFO: 100%% (%llu GiB of %llu GiB) in %ds, read: "
	    "512.0 MiB/s, write: 498.2 MiB/s", (unsigned long long)(g->maxdisk
	    >> 30), (unsigned long long)(g->maxdisk >> 30), (int)t->duration /
	    (a->n ? a->n : 1) + 1);
	sim_task_log(t, "INFO: archive file size: %s", sz);
	sim_task_log(t, "INFO: adding notes to backup");
	sim_task_log(t, "INFO: Finished Backup of VM %d (00:00:%02d)", g->vmid,
	    (int)t->duration / (a->n ? a->n : 1) + 1);
	if (g->lock && strcmp(g->lock, "backup") == 0) {
		sim_str_set(&g->lock, NULL);
		sim_guest_save(s, g);
	}
}

static void
dump_tick(struct sim *s, struct sim_task *t)
{
	struct dump_arg *a = t->arg;
	int want = a->n ? (int)(t->progress * a->n) : 0;
	int pct;

	if (want >= a->n)
		want = a->n - 1;
	while (a->cur < want) {
		if (a->cur >= 0)
			dump_end(s, t, a);
		a->cur++;
		t->tick_state = 0;
		dump_begin(s, t, a);
	}
	if (a->cur < 0 || a->vmids[a->cur] < 0)
		return;
	pct = (int)((t->progress * a->n - a->cur) * 100);
	if (pct / 25 > t->tick_state && pct < 100) {
		struct sim_guest *g = sim_guest_find(s, a->vmids[a->cur]);

		t->tick_state = pct / 25;
		if (g)
			sim_task_log(t, "INFO: %3d%% (%.1f GiB of %llu.0 GiB) "
			    "in %ds, read: 512.0 MiB/s, write: 498.2 MiB/s",
			    t->tick_state * 25, (double)(g->maxdisk >> 30) *
			    t->tick_state / 4, (unsigned long long)(g->maxdisk
			    >> 30), t->tick_state);
	}
}

static void
dump_done(struct sim *s, struct sim_task *t)
{
	struct dump_arg *a = t->arg;

	t->progress = 1;
	dump_tick(s, t);
	if (a->cur >= 0)
		dump_end(s, t, a);
	if (a->errors) {
		sim_task_log(t, "INFO: Backup job finished with errors");
		sim_task_fail(t, "job errors");
	} else {
		sim_task_log(t, "INFO: Backup job finished successfully");
	}
}

H(h_vzdump)
{
	const char *node = sim_var(m, "node");
	const char *vmid = sim_param(rq, "vmid");
	const char *storage = sim_param(rq, "storage");
	int all = sim_param_bool(rq, "all", 0);
	struct sim_storage *st;
	struct dump_arg *a;
	struct sim_task *t;
	struct buf ids = {0};
	char path[64];
	size_t i;

	if (vmid == NULL && !all && sim_param(rq, "pool") == NULL) {
		sim_param_error(rs, "vmid", "property is missing and it is not "
		    "optional");
		return;
	}
	if (storage == NULL)
		storage = "local";
	if ((st = sim_storage_find(s, storage)) == NULL ||
	    !sim_storage_on_node(st, node)) {
		sim_error(rs, 500, "storage '%s' does not exist", storage);
		return;
	}
	if (!g_list_has(st->content, "backup")) {
		sim_error(rs, 500, "storage '%s' does not support backups",
		    storage);
		return;
	}
	snprintf(path, sizeof(path), "/storage/%s", storage);
	if (sim_check_perm(s, rq, path, "Datastore.AllocateSpace", rs) != 0)
		return;
	a = px_xcalloc(1, sizeof(*a));
	a->cur = -1;
	for (i = 0; i < s->nguests; i++) {
		const struct sim_guest *g = s->guests[i];
		char v[16];

		snprintf(v, sizeof(v), "%d", g->vmid);
		if (strcmp(sim_guest_node(s, g), node) != 0)
			continue;
		if (!(all || (vmid && g_list_has(vmid, v)) ||
		    (sim_param(rq, "pool") && g->pool && strcmp(g->pool,
		    sim_param(rq, "pool")) == 0)))
			continue;
		if (sim_param(rq, "exclude") && g_list_has(sim_param(rq,
		    "exclude"), v))
			continue;
		if (g->template_ && !vmid)
			continue;
		snprintf(path, sizeof(path), "/vms/%d", g->vmid);
		if (sim_check_perm(s, rq, path, "VM.Backup", rs) != 0) {
			dump_free(a);
			buf_free(&ids);
			return;
		}
		a->vmids = px_xrealloc(a->vmids, (size_t)(a->n + 1) *
		    sizeof(int));
		a->vmids[a->n++] = g->vmid;
		buf_printf(&ids, "%s%d", ids.len ? " " : "", g->vmid);
	}
	if (vmid) {
		char *copy = px_xstrdup(vmid), *p, *save = NULL;

		for (p = strtok_r(copy, ",; ", &save); p;
		    p = strtok_r(NULL, ",; ", &save)) {
			struct sim_guest *g = sim_guest_find(s, atoi(p));

			if (g == NULL) {
				sim_error(rs, 500, "guest %s does not exist", p);
				free(copy);
				dump_free(a);
				buf_free(&ids);
				return;
			}
		}
		free(copy);
	}
	snprintf(a->storage, sizeof(a->storage), "%s", storage);
	snprintf(a->mode, sizeof(a->mode), "%s", sim_param(rq, "mode") ?
	    sim_param(rq, "mode") : "snapshot");
	/* vzdump's compress: 0 (the default) none, 1 or lzo .lzo, gzip
	 * .gz, zstd .zst -- the file name's last extension. */
	{
		const char *c = sim_param(rq, "compress");

		snprintf(a->compress, sizeof(a->compress), "%s",
		    c == NULL || strcmp(c, "0") == 0 ? "" :
		    strcmp(c, "1") == 0 || strcmp(c, "lzo") == 0 ? "lzo" :
		    strcmp(c, "gzip") == 0 ? "gz" : "zst");
	}
	if (sim_param(rq, "notes-template"))
		snprintf(a->notes, sizeof(a->notes), "%s",
		    sim_param(rq, "notes-template"));
	t = sim_task_start(s, node, "vzdump", a->n == 1 ? buf_str(&ids) : "",
	    rq->authid, s->opt.task_seconds * (a->n > 1 ? 1.5 : 1), dump_done,
	    NULL);
	t->arg = a;
	t->arg_free = dump_free;
	t->on_tick = dump_tick;
	t->vmid = a->n == 1 ? a->vmids[0] : 0;
	sim_task_log(t, "INFO: starting new backup job: vzdump %s --storage "
	    "%s --mode %s --compress %s --node %s", ids.len ? buf_str(&ids) :
	    "--all 1", storage, a->mode, a->compress, node);
	if (a->n == 0)
		sim_task_log(t, "INFO: no guests to back up on this node");
	buf_free(&ids);
	sim_upid_response(rs, t->upid);
}

/* ---- startall / stopall ---- */

struct bulk_arg {
	int start;
	int force;	/* startall: also guests without onboot */
	char *vms;
};

static void
bulk_free(void *p)
{
	struct bulk_arg *a = p;

	free(a->vms);
	free(a);
}

static void
bulk_done(struct sim *s, struct sim_task *t)
{
	struct bulk_arg *a = t->arg;
	size_t i;

	for (i = 0; i < s->nguests; i++) {
		struct sim_guest *g = s->guests[i];
		char v[16];
		const char *ob;

		snprintf(v, sizeof(v), "%d", g->vmid);
		if (strcmp(sim_guest_node(s, g), t->node) != 0 || g->template_)
			continue;
		if (a->vms && !g_list_has(a->vms, v))
			continue;
		if (a->start) {
			ob = sim_guest_cfg(g, "onboot");
			/* As PVE: only onboot guests, unless force. */
			if (g->status != SIM_STOPPED ||
			    (!a->force && !(ob && atoi(ob))))
				continue;
			sim_task_log(t, "Starting %s %d", g_word(g), g->vmid);
			g->status = SIM_RUNNING;
			g->started = sim_now(s);
		} else {
			if (g->status == SIM_STOPPED)
				continue;
			sim_task_log(t, "Stopping %s %d (timeout = 180 seconds)",
			    g_word(g), g->vmid);
			g->status = SIM_STOPPED;
		}
		sim_guest_save(s, g);
	}
}

/* Make t a bulk start/stop of the guests of its node. */
void
sim_tasks_bulk(struct sim *s, struct sim_task *t, int start, int force,
    const char *vms)
{
	struct bulk_arg *a = px_xcalloc(1, sizeof(*a));

	(void)s;
	a->start = start;
	a->force = force;
	a->vms = vms ? px_xstrdup(vms) : NULL;
	t->arg = a;
	t->arg_free = bulk_free;
	t->on_finish = bulk_done;
}

/* ---- the route table ---- */

#define VM(path) "/nodes/{node}/qemu/{vmid}" path
#define CT(path) "/nodes/{node}/lxc/{vmid}" path
#define BOTH(method, path, fn, priv) \
	{ method, VM(path), fn, "/vms/{vmid}", priv, 0 }, \
	{ method, CT(path), fn, "/vms/{vmid}", priv, 0 }
#define CONFIG_PRIVS "VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU|" \
	"VM.Config.Memory|VM.Config.Network|VM.Config.HWType|" \
	"VM.Config.Options|VM.Config.Cloudinit"
#define AGENT(path, method, fn, priv) \
	{ method, VM("/agent" path), fn, "/vms/{vmid}", priv, 0 }

/* Every guest route. */
const struct sim_route sim_routes_guest[] = {
	{ "GET", "/nodes/{node}/qemu", h_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/lxc", h_list, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/qemu", h_create, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/lxc", h_create, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/vzdump", h_vzdump, NULL, NULL, 0 },
	BOTH("GET", "", h_index, "VM.Audit"),
	BOTH("DELETE", "", h_destroy, "VM.Allocate"),
	BOTH("GET", "/status", h_status_index, "VM.Audit"),
	BOTH("GET", "/status/current", h_status_current, "VM.Audit"),
	BOTH("POST", "/status/start", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/stop", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/shutdown", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/reboot", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/suspend", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/resume", h_power, "VM.PowerMgmt"),
	{ "POST", VM("/status/reset"), h_power, "/vms/{vmid}", "VM.PowerMgmt",
	    0 },
	BOTH("GET", "/config", h_config_get, "VM.Audit"),
	BOTH("PUT", "/config", h_config_put, CONFIG_PRIVS),
	{ "POST", VM("/config"), h_config_post, "/vms/{vmid}", CONFIG_PRIVS,
	    0 },
	BOTH("GET", "/pending", h_pending, "VM.Audit"),
	BOTH("POST", "/clone", h_clone, "VM.Clone"),
	BOTH("POST", "/template", h_template, "VM.Allocate"),
	BOTH("GET", "/migrate", h_migrate_get, "VM.Migrate"),
	BOTH("POST", "/migrate", h_migrate_post, "VM.Migrate"),
	BOTH("PUT", "/resize", h_resize, "VM.Config.Disk"),
	{ "POST", VM("/move_disk"), h_move, "/vms/{vmid}", "VM.Config.Disk",
	    0 },
	{ "POST", CT("/move_volume"), h_move, "/vms/{vmid}", "VM.Config.Disk",
	    0 },
	BOTH("GET", "/feature", h_feature, "VM.Audit"),
	BOTH("GET", "/rrddata", h_rrddata, "VM.Audit"),
	BOTH("GET", "/snapshot", h_snap_list, "VM.Audit"),
	BOTH("POST", "/snapshot", h_snap_create, "VM.Snapshot"),
	BOTH("GET", "/snapshot/{snapname}", h_snap_index, "VM.Audit"),
	BOTH("DELETE", "/snapshot/{snapname}", h_snap_delete, "VM.Snapshot"),
	BOTH("GET", "/snapshot/{snapname}/config", h_snap_config, "VM.Audit"),
	BOTH("PUT", "/snapshot/{snapname}/config", h_snap_config_put,
	    "VM.Snapshot"),
	BOTH("POST", "/snapshot/{snapname}/rollback", h_snap_rollback,
	    "VM.Snapshot|VM.Snapshot.Rollback"),
	BOTH("POST", "/termproxy", h_console, "VM.Console"),
	BOTH("POST", "/vncproxy", h_console, "VM.Console"),
	BOTH("POST", "/spiceproxy", h_console, "VM.Console"),
	{ "GET", CT("/interfaces"), h_lxc_interfaces, "/vms/{vmid}",
	    "VM.Audit", 0 },
	AGENT("", "GET", h_agent_index, "VM.Audit"),
	AGENT("", "POST", h_agent_simple, "VM.GuestAgent.Unrestricted"),
	AGENT("/ping", "POST", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/network-get-interfaces", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-host-name", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-osinfo", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-time", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/info", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/exec", "POST", h_agent_exec, "VM.GuestAgent.Unrestricted"),
	AGENT("/exec-status", "GET", h_agent_exec_status,
	    "VM.GuestAgent.Unrestricted"),
	AGENT("/file-read", "GET", h_agent_file_read,
	    "VM.GuestAgent.FileRead|VM.GuestAgent.Unrestricted"),
	AGENT("/file-write", "POST", h_agent_file_write,
	    "VM.GuestAgent.FileWrite|VM.GuestAgent.Unrestricted"),
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
