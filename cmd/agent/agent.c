/*
 * agent -- a VM's QEMU guest agent through PVE: what it supports, whether
 * it answers, the OS, host name, time, logged-in users, filesystems and
 * network, the freeze state; read a file; write one (through the gate:
 * audited, with its content kept out of the log).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "enc.h"
#include "mutcli.h"
#include "pve_agent.h"
#include "pve_firewall.h"
#include "pve_guest.h"

enum { O_FILE = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE,
	{ O_FILE, "file", "file", "file-write: the content (default: "
	    "standard input)" },
	PX_OPT_END
};

PX_COMMAND(agent, "ask a VM's guest agent: OS, users, filesystems, "
    "network, files", opts, NULL, "vmid info | vmid ping | vmid osinfo | "
    "vmid hostname | vmid time | vmid users | vmid fsinfo | vmid net | "
    "vmid fsfreeze-status | vmid file-read path | vmid file-write path");

/* PVE's limit of file-write's content (base64, as px sends it). */
#define CONTENT_MAX	61440
#define RAW_MAX		(CONTENT_MAX / 4 * 3)

static const struct out_col kv_cols[] = {
	{ "field", OT_STR, 0 }, { "value", OT_STR, 0 },
};
static const struct out_col info_cols[] = {
	{ "command", OT_STR, 0 }, { "enabled", OT_BOOL, 0 },
	{ "success_response", OT_BOOL, 0 }, { "version", OT_STR, OC_EXTRA },
};
static const struct out_col user_cols[] = {
	{ "user", OT_STR, 0 }, { "domain", OT_STR, 0 },
	{ "login", OT_TIME, 0 },
};
static const struct out_col fs_cols[] = {
	{ "name", OT_STR, 0 }, { "mountpoint", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "total", OT_BYTES, 0 },
	{ "used", OT_BYTES, 0 }, { "used_fraction", OT_PCT, 0 },
	{ "disks", OT_STR, 0 },
};
static const struct out_col net_cols[] = {
	{ "iface", OT_STR, 0 }, { "hwaddr", OT_STR, 0 },
	{ "address", OT_STR, 0 },
};
static const struct out_col ping_cols[] = {
	{ "vmid", OT_INT, 0 }, { "result", OT_STR, 0 },
	{ "seconds", OT_NUM, 0 },
};
static const struct out_col file_cols[] = {
	{ "path", OT_STR, 0 }, { "content", OT_STR, 0 },
	{ "truncated", OT_BOOL, 0 },
};

/* GET (or POST) base/agent/cmd: the answer in r; exits on failure. */
static void
ask(struct mutcli *m, const char *method, const char *base, const char *cmd,
    const char *query, struct px_reply *r)
{
	struct px_err e = { 0 };
	int rc;

	if (strcmp(method, "GET") == 0)
		rc = pve_get(m->x.client, r, &e, "%s/agent/%s%s%s", base, cmd,
		    query ? "?" : "", query ? query : "");
	else {
		/* ping and fsfreeze-status are POSTs that change nothing */
		struct buf p = { 0 };

		buf_printf(&p, "%s/agent/%s", base, cmd);
		rc = gate_query_post(m->x.client, p.p, r, &e);
		buf_free(&p);
	}
	if (rc != 0) {
		if (strstr(e.msg, "not running") || strstr(e.msg, "No QEMU "
		    "guest agent") || strstr(e.msg, "not configured"))
			px_hint(&e, "the agent answers in a running VM with "
			    "agent: 1 and qemu-guest-agent installed");
		px_die(&e);
	}
}

static int
print(struct mutcli *m, struct out *o)
{
	struct px_err e = { 0 };
	int rc = 0;

	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* The scalars of the result object as field/value rows. */
static int
show_object(struct mutcli *m, const struct px_reply *r)
{
	struct pve_opt *kv;
	struct px_err e = { 0 };
	struct out *o;
	int t, n;

	if ((t = pve_agent_result(&r->j, r->data, &e)) < 0)
		px_die(&e);
	if (pve_opts_parse(&r->j, t, &kv, &n, &e) != 0)
		px_die(&e);
	o = out_new(&m->x.out, kv_cols, 2);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, kv[i].key);
		out_str(o, 1, kv[i].value);
	}
	free(kv);
	return print(m, o);
}

/* One field/value row. */
static int
show_one(struct mutcli *m, const char *field, const char *value)
{
	struct out *o = out_new(&m->x.out, kv_cols, 2);

	out_row(o);
	out_str(o, 0, field);
	out_str(o, 1, value);
	return print(m, o);
}

static int
file_read(struct mutcli *m, const char *base, const char *path)
{
	struct pve_agent_file f = { 0 };
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf q = { 0 };
	int rc = 0;

	form_add(&q, "file", path);
	ask(m, "GET", base, "file-read", q.p, &r);
	buf_free(&q);
	if (pve_agent_file_parse(&r.j, r.data, &f, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	if (m->x.out.fmt == OUT_JSON || m->x.out.fmt == OUT_JSONL ||
	    m->x.out.fmt == OUT_TSV) {
		struct out *o = out_new(&m->x.out, file_cols, 3);

		out_record(o);
		out_row(o);
		out_str(o, 0, path);
		out_str(o, 1, f.content);
		out_bool(o, 2, f.truncated);
		rc = print(m, o);
	} else {
		size_t n = strlen(f.content);

		/* a terminal obeys what a file holds: not its controls */
		if (isatty(STDOUT_FILENO))
			for (size_t i = 0; i < n; i++) {
				unsigned char c = (unsigned char)f.content[i];

				if ((c < 0x20 && c != '\n' && c != '\t') ||
				    c == 0x7f)
					f.content[i] = '?';
			}
		if (n > 0 && fwrite(f.content, 1, n, stdout) != n)
			px_errx(PX_EXIT_FAIL, "standard output: %s",
			    strerror(errno));
		fflush(stdout);
	}
	if (f.truncated) {
		px_warn("warning: the guest agent read only the start of %s",
		    path);
		rc = rc ? rc : PX_EXIT_FAIL;
	}
	pve_agent_file_free(&f);
	return rc;
}

static int
file_write(struct mutcli *m, const struct pve_guest *g, const char *base,
    const char *path, const char *from)
{
	struct buf raw = { 0 }, b64 = { 0 };
	struct gate_req r;
	struct gate_target *t;
	FILE *f = stdin;
	char chunk[4096];
	size_t got;
	int rc;

	if (path[0] != '/' || strlen(path) > 1024)
		px_errx(PX_EXIT_USAGE, "'%s': file-write takes an absolute path "
		    "in the guest", path);
	if (from && strcmp(from, "-") != 0 && (f = fopen(from, "rb")) == NULL)
		px_errx(PX_EXIT_USAGE, "%s: %s", from, strerror(errno));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (raw.len + got > RAW_MAX)
			px_errx(PX_EXIT_USAGE, "%s: more than %d bytes (PVE "
			    "takes %d characters of base64)", from ? from :
			    "standard input", RAW_MAX, CONTENT_MAX);
		buf_add(&raw, chunk, got);
	}
	if (ferror(f))
		px_errx(PX_EXIT_FAIL, "%s: %s", from ? from : "standard input",
		    strerror(errno));
	if (f != stdin)
		fclose(f);
	/* any bytes: base64 here, encode=0 for PVE */
	b64_encode(&b64, raw.p ? raw.p : "", raw.len);
	gate_req_init(&r, "file-write", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, g);
	t->call.method = "POST";
	buf_printf(&t->call.path, "%s/agent/file-write", base);
	form_add(&t->call.form, "file", path);
	form_add(&t->call.form, "content", buf_str(&b64));
	form_add(&t->call.form, "encode", "0");
	t->call.redact = "content";
	snprintf(t->summary, sizeof(t->summary), "write %zu bytes to %.300s "
	    "in VM %d (%s)", raw.len, path, g->vmid, g->name[0] ? g->name :
	    "no name");
	gate_req_summarize(&r, "file-write");
	r.destructive = 1;
	rc = mutcli_run(m, &r);
	gate_req_free(&r);
	buf_wipe(&raw);
	buf_wipe(&b64);
	return rc;
}

int
agent_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct px_reply r;
	struct buf base = { 0 };
	const char *from = NULL, *verb;
	int ch, vmid, rc = 0;

	mutcli_init(&m, &px_cmd_agent);
	px_getopt_init(&go, &px_cmd_agent, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		if (ch == O_FILE)
			from = go.arg;
		else
			px_usage(&px_cmd_agent);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 2)
		px_usage(&px_cmd_agent);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	verb = argv[1];
	if ((strcmp(verb, "file-read") == 0 || strcmp(verb, "file-write") ==
	    0) ? argc != 3 : argc != 2)
		px_usage(&px_cmd_agent);
	if (from && strcmp(verb, "file-write") != 0)
		px_errx(PX_EXIT_USAGE, "--file is for file-write");
	if (strcmp(verb, "file-write") != 0 && (m.g.dry_run || m.g.yes ||
	    m.g.allow_risk))
		px_errx(PX_EXIT_USAGE, "%s only reads: -n -y --allow-risk are "
		    "file-write's", verb);
	if (strcmp(verb, "file-read") == 0 && (argv[2][0] != '/' ||
	    strlen(argv[2]) > 1024))
		px_errx(PX_EXIT_USAGE, "'%s': file-read takes an absolute path "
		    "in the guest", argv[2]);
	{
		static const char *const verbs[] = { "info", "ping", "osinfo",
		    "hostname", "time", "users", "fsinfo", "net",
		    "fsfreeze-status", "file-read", "file-write", NULL };
		int k = 0;

		while (verbs[k] && strcmp(verbs[k], verb) != 0)
			k++;
		if (verbs[k] == NULL)
			px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (info, "
			    "ping, osinfo, hostname, time, users, fsinfo, net, "
			    "fsfreeze-status, file-read, file-write)", verb);
	}
	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: a container has no guest agent "
		    "(px exec and the agent are for VMs)", vmid);
	pve_guest_path(&base, g.node, g.type, g.vmid);

	if (strcmp(verb, "info") == 0) {
		struct pve_agent_cmd *v;
		char version[64];
		struct out *o;
		int n;

		ask(&m, "GET", base.p, "info", NULL, &r);
		if (pve_agent_info_parse(&r.j, r.data, version,
		    sizeof(version), &v, &n, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		o = out_new(&m.x.out, info_cols, 4);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].name);
			out_bool(o, 1, v[i].enabled);
			out_bool(o, 2, v[i].success_response);
			out_str(o, 3, version);
		}
		free(v);
		rc = print(&m, o);
	} else if (strcmp(verb, "ping") == 0) {
		double t0 = px_mono();
		struct out *o;

		ask(&m, "POST", base.p, "ping", NULL, &r);
		if (pve_agent_result(&r.j, r.data, &e) < 0)
			px_die(&e);
		px_reply_free(&r);
		o = out_new(&m.x.out, ping_cols, 3);
		out_row(o);
		out_int(o, 0, vmid);
		out_str(o, 1, "ok");
		out_num(o, 2, px_mono() - t0);
		rc = print(&m, o);
	} else if (strcmp(verb, "osinfo") == 0) {
		ask(&m, "GET", base.p, "get-osinfo", NULL, &r);
		rc = show_object(&m, &r);
		px_reply_free(&r);
	} else if (strcmp(verb, "hostname") == 0 ||
	    strcmp(verb, "fsfreeze-status") == 0) {
		int hn = verb[0] == 'h', t;
		char v[256] = "";

		ask(&m, hn ? "GET" : "POST", base.p, hn ? "get-host-name" :
		    "fsfreeze-status", NULL, &r);
		if ((t = pve_agent_result(&r.j, r.data, &e)) < 0)
			px_die(&e);
		json_strcpy(&r.j, hn ? json_get(&r.j, t, "host-name") : t, v,
		    sizeof(v));
		text_sanitize(v);
		px_reply_free(&r);
		rc = show_one(&m, hn ? "hostname" : "fsfreeze", v);
	} else if (strcmp(verb, "time") == 0) {
		char when[64], zone[128] = "", off[32] = "";
		long long ns;
		struct out *o;
		int t;

		ask(&m, "GET", base.p, "get-time", NULL, &r);
		if ((t = pve_agent_result(&r.j, r.data, &e)) < 0)
			px_die(&e);
		if (json_int(&r.j, t, &ns) != 0)
			px_errx(PX_EXIT_FAIL, "guest agent time: not a number");
		px_reply_free(&r);
		ask(&m, "GET", base.p, "get-timezone", NULL, &r);
		if ((t = pve_agent_result(&r.j, r.data, &e)) >= 0) {
			json_strcpy(&r.j, json_get(&r.j, t, "zone"), zone,
			    sizeof(zone));
			text_sanitize(zone);
			snprintf(off, sizeof(off), "%lld", json_get_int(&r.j,
			    t, "offset", 0));
		}
		px_reply_free(&r);
		snprintf(when, sizeof(when), "%lld", ns / 1000000000LL);
		o = out_new(&m.x.out, kv_cols, 2);
		out_row(o);
		out_str(o, 0, "time");
		out_str(o, 1, when);
		out_row(o);
		out_str(o, 0, "skew_seconds");
		snprintf(when, sizeof(when), "%.3f", (double)ns / 1e9 -
		    (double)time(NULL));
		out_str(o, 1, when);
		out_row(o);
		out_str(o, 0, "timezone");
		out_str(o, 1, zone);
		out_row(o);
		out_str(o, 0, "utc_offset_seconds");
		out_str(o, 1, off);
		rc = print(&m, o);
	} else if (strcmp(verb, "users") == 0) {
		struct pve_agent_user *v;
		struct out *o;
		int n;

		ask(&m, "GET", base.p, "get-users", NULL, &r);
		if (pve_agent_users_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		o = out_new(&m.x.out, user_cols, 3);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].user);
			out_str(o, 1, v[i].domain[0] ? v[i].domain : NULL);
			out_int(o, 2, (long long)v[i].login);
		}
		free(v);
		rc = print(&m, o);
	} else if (strcmp(verb, "fsinfo") == 0) {
		struct pve_agent_fs *v;
		struct out *o;
		int n;

		ask(&m, "GET", base.p, "get-fsinfo", NULL, &r);
		if (pve_agent_fsinfo_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		o = out_new(&m.x.out, fs_cols, 7);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].name);
			out_str(o, 1, v[i].mountpoint);
			out_str(o, 2, v[i].type);
			if (v[i].total >= 0)
				out_int(o, 3, v[i].total);
			if (v[i].used >= 0)
				out_int(o, 4, v[i].used);
			if (v[i].total > 0 && v[i].used >= 0)
				out_num(o, 5, (double)v[i].used /
				    (double)v[i].total);
			out_str(o, 6, v[i].disks[0] ? v[i].disks : NULL);
		}
		free(v);
		rc = print(&m, o);
	} else if (strcmp(verb, "net") == 0) {
		struct pve_iface *v;
		struct out *o;
		int n;

		ask(&m, "GET", base.p, "network-get-interfaces", NULL, &r);
		if (pve_agent_result(&r.j, r.data, &e) < 0 ||
		    pve_ifaces_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		px_reply_free(&r);
		o = out_new(&m.x.out, net_cols, 3);
		for (int i = 0; i < n; i++)
			for (int a = 0; a < (v[i].naddr ? v[i].naddr : 1); a++) {
				out_row(o);
				out_str(o, 0, v[i].name);
				out_str(o, 1, v[i].hwaddr[0] ? v[i].hwaddr :
				    NULL);
				out_str(o, 2, v[i].naddr ? v[i].addr[a] : NULL);
			}
		free(v);
		rc = print(&m, o);
	} else if (strcmp(verb, "file-read") == 0) {
		rc = file_read(&m, base.p, argv[2]);
	} else {
		rc = file_write(&m, &g, base.p, argv[2], from);
	}
	buf_free(&base);
	mutcli_free(&m);
	return rc;
}
