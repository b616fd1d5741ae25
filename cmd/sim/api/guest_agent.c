/*
 * guest_agent.c -- the QEMU guest agent (/agent/...: ping, interfaces,
 * host name, OS info, time, exec with a fake shell, file read/write) and
 * the interfaces of a running container.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc.h"
#include "guest.h"

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

GUEST_HANDLER(h_agent_simple)
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
		static const char *const cmds[] = { "guest-exec",
		    "guest-exec-status", "guest-file-read", "guest-file-write",
		    "guest-fsfreeze-freeze", "guest-fsfreeze-status",
		    "guest-get-fsinfo", "guest-get-host-name",
		    "guest-get-osinfo", "guest-get-time", "guest-get-timezone",
		    "guest-get-users", "guest-network-get-interfaces",
		    "guest-ping", "guest-shutdown", NULL };

		jw_obj(&w);
		jw_kstr(&w, "version", "7.2.15");
		jw_key(&w, "supported_commands");
		jw_arr(&w);
		for (int i = 0; cmds[i]; i++) {
			jw_obj(&w);
			jw_kstr(&w, "name", cmds[i]);
			jw_kbool(&w, "enabled", 1);
			jw_kbool(&w, "success-response",
			    strcmp(cmds[i], "guest-shutdown") != 0);
			jw_end(&w);
		}
		jw_end(&w);
		jw_end(&w);
	} else if (strcmp(cmd, "get-fsinfo") == 0) {
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "name", "sda1");
		jw_kstr(&w, "mountpoint", "/");
		jw_kstr(&w, "type", "ext4");
		jw_kint(&w, "total-bytes", 33280290816LL);
		jw_kint(&w, "used-bytes", 4509715660LL);
		jw_key(&w, "disk");
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "dev", "/dev/sda1");
		jw_kstr(&w, "bus-type", "scsi");
		jw_end(&w);
		jw_end(&w);
		jw_end(&w);
		jw_obj(&w);
		jw_kstr(&w, "name", "sda15");
		jw_kstr(&w, "mountpoint", "/boot/efi");
		jw_kstr(&w, "type", "vfat");
		jw_kint(&w, "total-bytes", 129718272LL);
		jw_kint(&w, "used-bytes", 6124544LL);
		jw_key(&w, "disk");
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "dev", "/dev/sda15");
		jw_kstr(&w, "bus-type", "scsi");
		jw_end(&w);
		jw_end(&w);
		jw_end(&w);
		jw_end(&w);
	} else if (strcmp(cmd, "get-users") == 0) {
		jw_arr(&w);
		jw_obj(&w);
		jw_kstr(&w, "user", "root");
		jw_key(&w, "login-time");
		jw_num(&w, (double)sim_now(s) - 3600.25);
		jw_end(&w);
		jw_end(&w);
	} else if (strcmp(cmd, "get-timezone") == 0) {
		jw_obj(&w);
		jw_kstr(&w, "zone", "UTC");
		jw_kint(&w, "offset", 0);
		jw_end(&w);
	} else if (strcmp(cmd, "fsfreeze-status") == 0) {
		jw_str(&w, "thawed");
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
	} else if (strcmp(argv0, "printf") == 0) {
		/* printf FORMAT: its backslash escapes (\n \r \t \\ \e
		 * \NNN octal), no conversions: a guest that prints
		 * terminal controls, for the tests of those who show it */
		struct buf o = { 0 };

		for (const char *p = args; *p; p++) {
			int c = (unsigned char)*p;

			if (c == '\\' && p[1]) {
				p++;
				switch (*p) {
				case 'n': c = '\n'; break;
				case 'r': c = '\r'; break;
				case 't': c = '\t'; break;
				case 'e': c = 0x1b; break;
				default:
					if (*p >= '0' && *p <= '7') {
						c = 0;
						for (int k = 0; k < 4 && *p >= '0' &&
						    *p <= '7'; k++, p++)
							c = c * 8 + (*p - '0');
						p--;
					} else
						c = (unsigned char)*p;
				}
			}
			buf_addc(&o, (char)c);
		}
		r->out = px_xstrdup(buf_str(&o));
		buf_free(&o);
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

GUEST_HANDLER(h_agent_exec)
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

GUEST_HANDLER(h_agent_exec_status)
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

GUEST_HANDLER(h_agent_file_read)
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

GUEST_HANDLER(h_agent_file_write)
{
	struct sim_guest *g = agent_guest(s, rq, rs, m);
	struct buf b = {0};
	struct jw w;
	char parent[32];

	if (g == NULL || sim_param_require(rq, rs, "file", "content", NULL) !=
	    0)
		return;
	snprintf(parent, sizeof(parent), "guest/%d", g->vmid);
	if (strlen(sim_param(rq, "content")) > 61440) {
		sim_param_error(rs, "content", "value may only be 61440 "
		    "characters long");
		return;
	}
	jw_init(&w, &b);
	jw_obj(&w);
	if (sim_param(rq, "encode") && strcmp(sim_param(rq, "encode"),
	    "0") == 0) {
		/* encode=0: the content is base64 already (QEMU's form) */
		struct buf raw = { 0 };
		const char *c = sim_param(rq, "content");

		if (b64_decode(&raw, c, strlen(c)) != 0) {
			buf_free(&b);
			buf_free(&raw);
			sim_error(rs, 500, "Agent error: Invalid parameter "
			    "type for 'buf-b64', expected: base64");
			return;
		}
		jw_kstr(&w, "content", buf_str(&raw));
		buf_free(&raw);
	} else {
		jw_kstr(&w, "content", sim_param(rq, "content"));
	}
	jw_end(&w);
	sim_doc_put(s, "agentfile", parent, sim_param(rq, "file"), b.p);
	buf_free(&b);
	sim_ok_null(rs);
}

GUEST_HANDLER(h_agent_index)
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

GUEST_HANDLER(h_lxc_interfaces)
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
