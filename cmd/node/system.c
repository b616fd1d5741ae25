/*
 * system.c -- px node's system verbs: the dispatcher, what the verbs
 * share (a change through the gate, reading and printing), and the small
 * ones:
 *
 *   dns [set] NODE            GET|PUT /nodes/{node}/dns
 *   hosts [set] NODE [FILE]   GET|POST /nodes/{node}/hosts (digest)
 *   time [set] NODE           GET|PUT /nodes/{node}/time
 *   subscription [set|check|delete] NODE [KEY|FILE]
 *                             GET|PUT|POST|DELETE .../subscription
 *   report NODE               GET /nodes/{node}/report
 *   wol NODE                  POST /nodes/{node}/wakeonlan
 *
 * The others live in cert.c, logs.c, apt.c and services.c.  Every change
 * goes through the gate with the node's pre-flight checks
 * (lib/pve_objrisk_node.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "enc.h"
#include "node.h"
#include "pve_check.h"
#include "pve_nodesys.h"
#include "pve_objrisk_node.h"

static const char *const verbs[] = { "dns", "hosts", "time",
	"subscription", "cert", "journal", "syslog", "report", "wol", "apt",
	"services", NULL };

int
node_sys_verb(const char *verb)
{
	for (int i = 0; verbs[i]; i++)
		if (strcmp(verbs[i], verb) == 0)
			return 1;
	return 0;
}

static int
ip_ok(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* A DNS name: labels of letters, digits and '-', dots between. */
static int
domain_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 253 && s[0] != '.' && s[0] != '-' &&
	    strstr(s, "..") == NULL && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

/* A zone of the tz database by its name: Area/City (letters, digits,
 * '_', '+', '-'), or UTC; never a path that leaves the database. */
static int
zone_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, "//") || strstr(s, "..") || !((s[0] >= 'A' &&
	    s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/_+-") == n;
}

int
node_sys_opt(struct nodesys *ns, int ch, const char *arg)
{
	char *end;

	switch (ch) {
	case 'F':
		ns->follow = 1;
		break;
	case NS_O_SEARCH:
		if (!domain_ok(arg))
			px_errx(PX_EXIT_USAGE, "--search: '%s' is not a domain "
			    "name", arg);
		ns->search = arg;
		break;
	case NS_O_DNS1:
	case NS_O_DNS2:
	case NS_O_DNS3:
		if (!ip_ok(arg))
			px_errx(PX_EXIT_USAGE, "--dns%d: '%s' is not an IP "
			    "address", ch - NS_O_DNS1 + 1, arg);
		ns->dns[ch - NS_O_DNS1] = arg;
		break;
	case NS_O_TIMEZONE:
		if (!zone_ok(arg))
			px_errx(PX_EXIT_USAGE, "--timezone: '%s' is not a time "
			    "zone name (Area/City, as Europe/Vienna, or UTC)",
			    arg);
		ns->timezone = arg;
		break;
	case NS_O_DIGEST:
		if (arg[0] == '\0' || strlen(arg) > 64 ||
		    strspn(arg, "0123456789abcdefABCDEF") != strlen(arg))
			px_errx(PX_EXIT_USAGE, "--digest: '%s' is not a digest "
			    "(hex, up to 64)", arg);
		ns->digest = arg;
		break;
	case NS_O_RESTART:
		ns->restart = 1;
		break;
	case NS_O_SINCE:
		ns->since = arg;
		break;
	case NS_O_UNTIL:
		ns->until = arg;
		break;
	case NS_O_SERVICE:
		if (arg[0] == '\0' || strlen(arg) > 128 || strspn(arg,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.@-") != strlen(arg))
			px_errx(PX_EXIT_USAGE, "--service: '%s' is not a service "
			    "name", arg);
		ns->service = arg;
		break;
	case NS_O_LINES:
		errno = 0;
		ns->lines = strtol(arg, &end, 10);
		if (errno || *end || end == arg || ns->lines < 1 ||
		    ns->lines > 1000000)
			px_errx(PX_EXIT_USAGE, "--lines: '%s' is not a count "
			    "(1 to 1000000)", arg);
		break;
	default:
		return 0;
	}
	ns->given++;
	return 1;
}

/* ---- shared ---- */

void
ns_base(struct buf *b, const char *node)
{
	buf_reset(b);
	buf_adds(b, "/nodes/");
	url_seg(b, node);
}

void
ns_get(struct mutcli *m, struct px_reply *r, const char *fmt, ...)
{
	struct px_err e = { 0 };
	struct buf p = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&p, fmt, ap);
	va_end(ap);
	if (pve_get(m->x.client, r, &e, "%s", p.p) != 0)
		px_die(&e);
	buf_free(&p);
}

int
ns_print(struct mutcli *m, struct out *o)
{
	struct px_err e = { 0 };
	int rc = 0;

	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

void
ns_str(struct out *o, int col, const char *s)
{
	out_str(o, col, s[0] ? s : NULL);
}

int
ns_json(const struct mutcli *m)
{
	return m->x.out.fmt == OUT_JSON || m->x.out.fmt == OUT_JSONL;
}

int
ns_text(const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = px_xstrndup(p, len);

		/* tabs are layout in a log or a report: keep them */
		for (char *t = line; *t; t++)
			if (*t == '\t')
				*t = ' ';
		text_sanitize(line);
		printf("%s\n", line);
		free(line);
		p = eol ? eol + 1 : NULL;
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : PX_EXIT_FAIL;
}

void
ns_read_file(const char *file, size_t max, struct buf *b)
{
	char chunk[8192];
	ssize_t got;
	int fd = strcmp(file, "-") == 0 ? STDIN_FILENO :
	    open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		px_errx(PX_EXIT_USAGE, "%s: %s", file, strerror(errno));
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		buf_add(b, chunk, (size_t)got);
		if (b->len > max) {
			if (fd != STDIN_FILENO)
				close(fd);
			px_errx(PX_EXIT_USAGE, "%s: more than %zu bytes", file,
			    max);
		}
	}
	if (got < 0)
		px_errx(PX_EXIT_USAGE, "%s: %s", file, strerror(errno));
	if (fd != STDIN_FILENO)
		close(fd);
	if (b->len == 0)
		px_errx(PX_EXIT_USAGE, "%s: empty", file);
	if (memchr(b->p, '\0', b->len) != NULL)
		px_errx(PX_EXIT_USAGE, "%s: holds a NUL byte: not text", file);
}

/* Change c as mutcli's: the target "node/NODE", the row its node and
 * name. */
static void
ns_of(const struct ns_change *c, struct mutcli_change *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->action = c->action;
	mc->kind = "node";
	mc->id = c->node;
	mc->summary = c->summary;
	mc->method = c->method;
	mc->path = c->path;
	mc->form = c->form;
	mc->redact = c->redact;
	mc->destructive = c->destructive;
	mc->assess = c->assess;
	mc->assess_arg = c->assess_arg;
	mc->name = c->name ? c->name : "";
	mc->node = c->node;
}

int
ns_change(struct mutcli *m, const struct ns_change *c)
{
	struct mutcli_change mc;

	ns_of(c, &mc);
	return mutcli_change(m, &mc);
}

int
ns_change_answer(struct mutcli *m, const struct ns_change *c,
    struct gate_result *res)
{
	struct mutcli_change mc;

	ns_of(c, &mc);
	return mutcli_change_answer(m, &mc, res);
}

/* A parse failure of reply r: exit with e's error. */
static void
ns_parse_die(struct px_reply *r, struct px_err *e)
{
	px_reply_free(r);
	px_die(e);
}

/* ---- dns ---- */

static int
dns_verb(struct mutcli *m, struct nodesys *ns, int set, const char *node)
{
	static const struct out_col cols[] = {
		{ "search", OT_STR, 0 }, { "dns1", OT_STR, 0 },
		{ "dns2", OT_STR, 0 }, { "dns3", OT_STR, 0 },
	};
	static const char *const keys[] = { "dns1", "dns2", "dns3" };
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_node_dns cur;
	struct buf base = { 0 }, form = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	int rc, nservers = 0;

	ns_base(&base, node);
	ns_get(m, &r, "%s/dns", base.p);
	if (pve_node_dns_parse(&r.j, r.data, &cur, &e) != 0)
		ns_parse_die(&r, &e);
	px_reply_free(&r);
	if (!set) {
		struct out *o = out_new(&m->x.out, cols, 4);

		out_record(o);
		out_row(o);
		ns_str(o, 0, cur.search);
		for (int i = 0; i < 3; i++)
			ns_str(o, i + 1, cur.dns[i]);
		buf_free(&base);
		return ns_print(m, o);
	}
	if (!ns->search && !ns->dns[0] && !ns->dns[1] && !ns->dns[2])
		px_errx(PX_EXIT_USAGE, "dns set: nothing to change (--search, "
		    "--dns1, --dns2, --dns3)");
	/* PVE takes the whole setting: what is not given stays as it is */
	form_add(&form, "search", ns->search ? ns->search : cur.search);
	buf_printf(&sum, "set DNS of node %s: search %s", node, ns->search ?
	    ns->search : cur.search[0] ? cur.search : "-");
	for (int i = 0; i < 3; i++) {
		const char *v = ns->dns[i] ? ns->dns[i] : cur.dns[i];

		if (v[0]) {
			form_add(&form, keys[i], v);
			buf_printf(&sum, ", %s %s", keys[i], v);
			nservers++;
		}
	}
	c.action = "dns-set";
	c.node = node;
	c.method = "PUT";
	buf_adds(&base, "/dns");
	c.path = base.p;
	c.form = form.p;
	c.summary = sum.p;
	c.assess = objrisk_node_dns;
	c.assess_arg = &nservers;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&form);
	buf_free(&sum);
	return rc;
}

/* ---- hosts ---- */

#define HOSTS_MAX (1024 * 1024)

static int
hosts_verb(struct mutcli *m, struct nodesys *ns, int set, const char *node,
    const char *file)
{
	static const struct out_col cols[] = {
		{ "digest", OT_STR, 0 }, { "data", OT_STR, 0 },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_node_hosts h;
	struct buf base = { 0 }, form = { 0 }, data = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	struct objrisk_hosts a;
	char fp[96];
	int rc, lines = 0;

	ns_base(&base, node);
	if (!set) {
		ns_get(m, &r, "%s/hosts", base.p);
		if (pve_node_hosts_parse(&r.j, r.data, HOSTS_MAX, &h, &e) != 0)
			ns_parse_die(&r, &e);
		px_reply_free(&r);
		if (m->x.out.fmt == OUT_TABLE)
			rc = ns_text(h.data);
		else {
			struct out *o = out_new(&m->x.out, cols, 2);

			out_record(o);
			out_row(o);
			ns_str(o, 0, h.digest);
			/* JSON keeps the file's lines and tabs (escaped by
			 * out); a TSV cell is one line */
			out_str(o, 1, m->x.out.fmt == OUT_JSON ||
			    m->x.out.fmt == OUT_JSONL ? h.data :
			    text_sanitize(h.data));
			rc = ns_print(m, o);
		}
		pve_node_hosts_free(&h);
		buf_free(&base);
		return rc;
	}
	ns_read_file(file, HOSTS_MAX, &data);
	for (size_t i = 0; i < data.len; i++)
		if (data.p[i] == '\n')
			lines++;
	fingerprint_of(fp, data.p, data.len);
	form_add(&form, "data", data.p);
	if (ns->digest)
		form_add(&form, "digest", ns->digest);
	else {
		/* the file as it is now: refused if it changes before the
		 * write lands */
		ns_get(m, &r, "%s/hosts", base.p);
		if (pve_node_hosts_parse(&r.j, r.data, HOSTS_MAX, &h, &e) != 0)
			ns_parse_die(&r, &e);
		px_reply_free(&r);
		if (h.digest[0])
			form_add(&form, "digest", h.digest);
		pve_node_hosts_free(&h);
	}
	buf_printf(&sum, "write /etc/hosts of node %s (%zu bytes, %d lines, "
	    "sha256 %.23s...)", node, data.len, lines, fp);
	a.node = node;
	a.data = data.p;
	c.action = "hosts-set";
	c.node = node;
	c.method = "POST";
	buf_adds(&base, "/hosts");
	c.path = base.p;
	c.form = form.p;
	c.summary = sum.p;
	c.redact = "data";
	c.destructive = 1;
	c.assess = objrisk_node_hosts;
	c.assess_arg = &a;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&form);
	buf_free(&data);
	buf_free(&sum);
	return rc;
}

/* ---- time ---- */

static int
time_verb(struct mutcli *m, struct nodesys *ns, int set, const char *node)
{
	static const struct out_col cols[] = {
		{ "timezone", OT_STR, 0 }, { "time", OT_TIME, 0 },
		{ "localtime", OT_STR, 0 }, { "offset", OT_INT, 0 },
	};
	struct px_reply r;
	struct buf base = { 0 }, form = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	int rc;

	ns_base(&base, node);
	if (!set) {
		struct out *o;
		struct pve_node_time t;
		struct px_err e = { 0 };
		char when[64];
		time_t tt;
		struct tm tm;

		ns_get(m, &r, "%s/time", base.p);
		if (pve_node_time_parse(&r.j, r.data, &t, &e) != 0)
			ns_parse_die(&r, &e);
		px_reply_free(&r);
		o = out_new(&m->x.out, cols, 4);
		out_record(o);
		out_row(o);
		ns_str(o, 0, t.timezone);
		out_int(o, 1, t.time);
		/* localtime is the node's wall clock counted as UTC */
		tt = (time_t)t.localtime;
		if (gmtime_r(&tt, &tm) && strftime(when, sizeof(when),
		    "%Y-%m-%d %H:%M:%S", &tm))
			out_str(o, 2, when);
		out_int(o, 3, t.localtime - t.time);
		buf_free(&base);
		return ns_print(m, o);
	}
	if (ns->timezone == NULL)
		px_errx(PX_EXIT_USAGE, "time set: --timezone is needed");
	form_add(&form, "timezone", ns->timezone);
	buf_printf(&sum, "set the time zone of node %s to %s", node,
	    ns->timezone);
	c.action = "time-set";
	c.node = node;
	c.method = "PUT";
	buf_adds(&base, "/time");
	c.path = base.p;
	c.form = form.p;
	c.summary = sum.p;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&form);
	buf_free(&sum);
	return rc;
}

/* ---- subscription ---- */

/* PVE's key pattern: pve[1248][cbsp]-[0-9a-f]{10} */
static int
key_ok(const char *k)
{
	return strlen(k) == 16 && strncmp(k, "pve", 3) == 0 &&
	    strchr("1248", k[3]) && k[3] && strchr("cbsp", k[4]) && k[4] &&
	    k[5] == '-' && strspn(k + 6, "0123456789abcdef") == 10;
}

static int
subscription_verb(struct mutcli *m, const char *sub, const char *node,
    const char *arg)
{
	static const struct out_col cols[] = {
		{ "status", OT_STR, 0 }, { "level", OT_STR, 0 },
		{ "productname", OT_STR, 0 }, { "key", OT_STR, 0 },
		{ "serverid", OT_STR, 0 }, { "sockets", OT_INT, 0 },
		{ "regdate", OT_STR, 0 }, { "nextduedate", OT_STR, 0 },
		{ "checktime", OT_TIME, 0 }, { "message", OT_STR, 0 },
		{ "url", OT_STR, OC_EXTRA },
	};
	struct px_reply r;
	struct buf base = { 0 }, form = { 0 }, sum = { 0 }, key = { 0 };
	struct ns_change c = { 0 };
	int rc;

	ns_base(&base, node);
	buf_adds(&base, "/subscription");
	c.node = node;
	c.path = base.p;
	if (sub == NULL && arg != NULL)
		px_usage(px_cmd_running);
	if (sub == NULL) {
		struct pve_node_subscription s;
		struct px_err e = { 0 };
		struct out *o;

		ns_get(m, &r, "%s", base.p);
		if (pve_node_subscription_parse(&r.j, r.data, &s, &e) != 0)
			ns_parse_die(&r, &e);
		px_reply_free(&r);
		o = out_new(&m->x.out, cols, 11);
		out_record(o);
		out_row(o);
		ns_str(o, 0, s.status);
		ns_str(o, 1, s.level);
		ns_str(o, 2, s.productname);
		ns_str(o, 3, s.key);
		ns_str(o, 4, s.serverid);
		if (s.sockets >= 0)
			out_int(o, 5, s.sockets);
		ns_str(o, 6, s.regdate);
		ns_str(o, 7, s.nextduedate);
		if (s.checktime)
			out_int(o, 8, s.checktime);
		ns_str(o, 9, s.message);
		ns_str(o, 10, s.url);
		buf_free(&base);
		return ns_print(m, o);
	}
	if (strcmp(sub, "set") == 0) {
		char *p, *q;

		if (arg == NULL)
			px_errx(PX_EXIT_USAGE, "subscription set: the key, or a "
			    "file or - (standard input) holding it");
		if (key_ok(arg))
			buf_adds(&key, arg);
		else {
			ns_read_file(arg, 4096, &key);
			/* its first line, blanks around it dropped */
			if ((p = strchr(key.p, '\n')) != NULL)
				*p = '\0';
			for (p = key.p; *p == ' ' || *p == '\t'; p++)
				;
			for (q = p + strlen(p); q > p && (q[-1] == ' ' ||
			    q[-1] == '\t' || q[-1] == '\r'); q--)
				;
			*q = '\0';
			memmove(key.p, p, strlen(p) + 1);
			if (!key_ok(key.p))
				px_errx(PX_EXIT_USAGE, "%s: the first line is not "
				    "a subscription key (pveNx-0123456789)", arg);
		}
		form_add(&form, "key", key.p);
		buf_printf(&sum, "set the subscription key of node %s (%.6s...)",
		    node, key.p);
		c.action = "subscription-set";
		c.method = "PUT";
		c.form = form.p;
		c.redact = "key";
	} else if (strcmp(sub, "check") == 0 && arg == NULL) {
		form_add(&form, "force", "1");
		buf_printf(&sum, "check the subscription of node %s with the "
		    "shop server", node);
		c.action = "subscription-check";
		c.method = "POST";
		c.form = form.p;
	} else if (strcmp(sub, "delete") == 0 && arg == NULL) {
		buf_printf(&sum, "delete the subscription of node %s", node);
		c.action = "subscription-delete";
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_node_subscription;
		c.assess_arg = (void *)node;
	} else
		px_usage(px_cmd_running);
	c.summary = sum.p;
	rc = ns_change(m, &c);
	buf_wipe(&key);
	buf_wipe(&form);
	buf_free(&base);
	buf_free(&sum);
	return rc;
}

/* ---- report, wol ---- */

static int
report_verb(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = { { "report", OT_STR, 0 } };
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	char *text;
	int rc;

	ns_base(&base, node);
	ns_get(m, &r, "%s/report", base.p);
	if (pve_text_parse(&r.j, r.data, NS_TEXT_MAX, &text, &e) != 0) {
		px_reply_free(&r);
		px_errx(PX_EXIT_FAIL, "GET %s/report: %s", base.p, e.msg);
	}
	px_reply_free(&r);
	if (m->x.out.fmt == OUT_TABLE || m->x.out.fmt == OUT_TSV)
		rc = ns_text(text);
	else {
		struct out *o = out_new(&m->x.out, cols, 1);

		out_record(o);
		out_row(o);
		out_str(o, 0, text);
		rc = ns_print(m, o);
	}
	free(text);
	buf_free(&base);
	return rc;
}

static int
wol_verb(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = {
		{ "node", OT_STR, 0 }, { "action", OT_STR, 0 },
		{ "result", OT_STR, 0 }, { "mac", OT_STR, 0 },
	};
	struct buf base = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	struct gate_result res;
	struct out *o;
	char mac[32] = "";
	int rc;

	ns_base(&base, node);
	buf_adds(&base, "/wakeonlan");
	buf_printf(&sum, "send a wake-on-LAN packet to node %s", node);
	c.action = "wol";
	c.node = node;
	c.method = "POST";
	c.path = base.p;
	c.summary = sum.p;
	c.assess = objrisk_node_wol;
	c.assess_arg = (void *)node;
	if ((rc = ns_change_answer(m, &c, &res)) != 0) {
		buf_free(&base);
		buf_free(&sum);
		return rc;
	}
	if (!res.dry_run) {
		int t = res.reply.data;

		pve_mac_parse(&res.reply.j, t, mac);
	}
	o = out_new(&m->x.out, cols, 4);
	out_row(o);
	out_str(o, 0, node);
	out_str(o, 1, "wol");
	out_str(o, 2, res.dry_run ? "dry-run" : "ok");
	out_str(o, 3, mac[0] ? mac : NULL);
	rc = ns_print(m, o);
	gate_result_free(&res);
	buf_free(&base);
	buf_free(&sum);
	return rc;
}

/* ---- the dispatcher ---- */

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

int
node_sys_main(struct mutcli *m, struct nodesys *ns, int argc, char **argv)
{
	const char *verb = argv[0], *sub = NULL, *node;
	int k = 1;

	/* verb [sub] node ...: sub is a word that is not the node */
	if (argc > 2 && (is(argv[1], "set") || is(argv[1], "check") ||
	    is(argv[1], "delete") || is(argv[1], "info") ||
	    is(argv[1], "upload") || is(argv[1], "acme") ||
	    is(argv[1], "list")))
		sub = argv[k++];
	if (is(verb, "apt") || is(verb, "services") || is(verb, "cert"))
		return is(verb, "apt") ? ns_apt(m, ns, argc, argv) :
		    is(verb, "services") ? ns_services(m, ns, argc, argv) :
		    ns_cert(m, ns, argc, argv);
	if (is(verb, "journal") || is(verb, "syslog"))
		return ns_logs(m, ns, argc, argv);
	if (k >= argc)
		px_usage(px_cmd_running);
	node = argv[k++];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (ns->given && !is(verb, "dns") && !is(verb, "time") &&
	    !is(verb, "hosts"))
		px_errx(PX_EXIT_USAGE, "%s takes none of the options of dns, "
		    "time, hosts, cert, journal or syslog", verb);
	if ((ns->search || ns->dns[0] || ns->dns[1] || ns->dns[2]) &&
	    !(is(verb, "dns") && is(sub, "set")))
		px_errx(PX_EXIT_USAGE, "--search and --dnsN are for dns set");
	if (ns->timezone && !(is(verb, "time") && is(sub, "set")))
		px_errx(PX_EXIT_USAGE, "--timezone is for time set");
	if (ns->digest && !(is(verb, "hosts") && is(sub, "set")))
		px_errx(PX_EXIT_USAGE, "--digest is for hosts set");
	if (ns->force)
		px_errx(PX_EXIT_USAGE, "--force is for startall, stopall and "
		    "cert");
	mutcli_connect(m);
	{
		struct px_err e = { 0 };

		if (pve_node_check(m->x.client, node, &e) != 0)
			px_die(&e);
	}
	if (is(verb, "dns") && (sub == NULL || is(sub, "set")) && k == argc)
		return dns_verb(m, ns, sub != NULL, node);
	if (is(verb, "hosts") && sub == NULL && k == argc)
		return hosts_verb(m, ns, 0, node, NULL);
	if (is(verb, "hosts") && is(sub, "set") && k == argc - 1)
		return hosts_verb(m, ns, 1, node, argv[k]);
	if (is(verb, "time") && (sub == NULL || is(sub, "set")) && k == argc)
		return time_verb(m, ns, sub != NULL, node);
	if (is(verb, "subscription") && k >= argc - 1)
		return subscription_verb(m, sub, node, k < argc ? argv[k] :
		    NULL);
	if (is(verb, "report") && sub == NULL && k == argc)
		return report_verb(m, node);
	if (is(verb, "wol") && sub == NULL && k == argc)
		return wol_verb(m, node);
	px_usage(px_cmd_running);
}
