/*
 * node_admin.c -- pxsim's /nodes/{node}/... administration endpoints:
 * /etc/hosts (with its digest), the subscription, the certificates
 * (info, a custom certificate, ACME order, renew and revoke as tasks),
 * the system report, wake-on-LAN, the services and their state (start,
 * stop, restart, reload as tasks), and the lines a node's log gains
 * (node_admin.h).  Mutable state lives in documents under "node/NAME".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "node_admin.h"
#include "x509.h"

static void
node_parent(const char *node, char *buf, size_t n)
{
	snprintf(buf, n, "node/%s", node);
}

/* ------------------------------------------------------------------ */
/* The node's log: lines appended after the seed                      */

struct log_count {
	int n;
	int want;
	char *json;
};

static int
log_count_cb(void *arg, const char *id, const char *json)
{
	struct log_count *c = arg;

	(void)id;
	if (c->n == c->want)
		c->json = px_xstrdup(json);
	c->n++;
	return c->json != NULL;
}

int
node_log_count(struct sim *s, const char *node)
{
	char parent[96];
	struct log_count c = { 0, -1, NULL };

	node_parent(node, parent, sizeof(parent));
	sim_doc_list(s, "nodelog", parent, log_count_cb, &c);
	return c.n;
}

int
node_log_get(struct sim *s, const char *node, int i, char *msg, size_t n,
    time_t *t)
{
	char parent[96], *m;
	struct log_count c = { 0, i, NULL };
	struct ext_obj o = { 0 };

	node_parent(node, parent, sizeof(parent));
	sim_doc_list(s, "nodelog", parent, log_count_cb, &c);
	if (c.json == NULL)
		return -1;
	if (ext_obj_parse(&o, c.json, 0) != 0) {
		free(c.json);
		return -1;
	}
	free(c.json);
	*t = (time_t)ext_obj_int(&o, "t", 0);
	m = ext_obj_str(&o, "msg");
	snprintf(msg, n, "%s", m ? m : "");
	free(m);
	ext_obj_free(&o);
	return 0;
}

void
node_log_add(struct sim *s, const char *node, const char *fmt, ...)
{
	char parent[96], id[16], msg[1024];
	struct ext_obj o = { 0 };
	int n = node_log_count(s, node);
	va_list ap;

	if (n >= NODE_LOG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	node_parent(node, parent, sizeof(parent));
	snprintf(id, sizeof(id), "%08d", n);
	ext_obj_set_int(&o, "t", (long long)sim_now(s));
	ext_obj_set_str(&o, "msg", msg);
	ext_doc_put_obj(s, "nodelog", parent, id, &o);
	ext_obj_free(&o);
}

static unsigned
fake_pid(struct sim *s, const char *what)
{
	uint64_t h = 1469598103934665603ull;

	for (; *what; what++)
		h = (h ^ (unsigned char)*what) * 1099511628211ull;
	return 1000 + (unsigned)(sim_hash(s, h, 5) % 60000);
}

/* ------------------------------------------------------------------ */
/* /etc/hosts                                                         */

/* The node's /etc/hosts (caller frees). */
static char *
hosts_text(struct sim *s, const char *node)
{
	char parent[96], *doc, *text = NULL;
	struct ext_obj o = { 0 };
	struct sim_node *n = sim_node_find(s, node);
	struct buf b = { 0 };

	node_parent(node, parent, sizeof(parent));
	if ((doc = sim_doc_get(s, "hosts", parent, "hosts")) != NULL) {
		if (ext_obj_parse(&o, doc, 0) == 0) {
			text = ext_obj_str(&o, "data");
			ext_obj_free(&o);
		}
		free(doc);
		if (text != NULL)
			return text;
	}
	buf_printf(&b, "127.0.0.1 localhost.localdomain localhost\n"
	    "%s %s.pxsim.lan %s\n\n"
	    "# The following lines are desirable for IPv6 capable hosts\n\n"
	    "::1     ip6-localhost ip6-loopback\n"
	    "fe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\n"
	    "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n"
	    "ff02::3 ip6-allhosts\n", n && n->ip ? n->ip : "10.0.0.11",
	    node, node);
	return b.p;
}

static void
hosts_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char *text = hosts_text(s, sim_var(m, "node"));
	char digest[41];
	struct jw w;

	(void)rq;
	ext_digest(text, strlen(text), digest);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "data", text);
	jw_kstr(&w, "digest", digest);
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(text);
}

static void
hosts_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	const char *dg = sim_param(rq, "digest");
	char *text, digest[41], parent[96];
	struct ext_obj o = { 0 };

	if (ext_check("data:s:r digest:s", rq, rs, 1, "node") == -1)
		return;
	if (dg != NULL && strlen(dg) > 64) {
		sim_param_error(rs, "digest", "value may only be 64 characters "
		    "long");
		return;
	}
	text = hosts_text(s, node);
	ext_digest(text, strlen(text), digest);
	free(text);
	if (ext_digest_check(rq, rs, digest) == -1)
		return;
	node_parent(node, parent, sizeof(parent));
	ext_obj_set_str(&o, "data", sim_param(rq, "data"));
	ext_doc_put_obj(s, "hosts", parent, "hosts", &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */
/* Subscription                                                       */

static int
key_ok(const char *k, int *sockets, char *level)
{
	const char *p = k;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "pve", 3) != 0 || strchr("1248", p[3]) == NULL ||
	    p[3] == '\0' || p[4] == '\0' || strchr("cbsp", p[4]) == NULL ||
	    p[5] != '-')
		return 0;
	n = strspn(p + 6, "0123456789abcdef");
	if (n != 10 || strspn(p + 16, " \t") != strlen(p + 16))
		return 0;
	*sockets = p[3] - '0';
	*level = p[4];
	return 1;
}

static void
sub_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct sim_node *n = sim_node_find(s, node);
	char path[96], serverid[40], *key;
	struct ext_obj o = { 0 };
	struct jw w;
	int audit, sockets = 1;
	char level = 'c';

	snprintf(path, sizeof(path), "/nodes/%s", node);
	audit = sim_check_perm(s, rq, path, "Sys.Audit", NULL) == 0;
	snprintf(serverid, sizeof(serverid), "%016llX%016llX",
	    (unsigned long long)sim_hash(s, (uint64_t)(n ? n->nodeid : 0), 41),
	    (unsigned long long)sim_hash(s, (uint64_t)(n ? n->nodeid : 0), 42));
	if (ext_doc_obj(s, "subscription", "", node, &o) == -1)
		memset(&o, 0, sizeof(o));
	key = ext_obj_str(&o, "key");
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	if (key == NULL) {
		jw_kstr(&w, "status", "notfound");
		jw_kstr(&w, "message", "There is no subscription key");
		if (audit)
			jw_kstr(&w, "serverid", serverid);
		jw_kint(&w, "sockets", n ? n->sockets : 1);
		jw_kstr(&w, "url", "https://www.proxmox.com/en/proxmox-"
		    "virtual-environment/pricing");
	} else {
		static const char *const names[] = { "Community", "Basic",
			"Standard", "Premium" };
		char prod[128], *st = ext_obj_str(&o, "status"), *due, *reg;
		const char *lv = "cbsp";

		key_ok(key, &sockets, &level);
		snprintf(prod, sizeof(prod), "Proxmox VE %s Subscription %d "
		    "CPU%s/year", names[strchr(lv, level) - lv], sockets,
		    sockets > 1 ? "s" : "");
		due = ext_obj_str(&o, "nextduedate");
		reg = ext_obj_str(&o, "regdate");
		jw_kstr(&w, "status", st ? st : "active");
		if (st != NULL && strcmp(st, "invalid") == 0)
			jw_kstr(&w, "message", "Invalid Server ID");
		if (audit) {
			jw_kstr(&w, "key", key);
			jw_kstr(&w, "serverid", serverid);
		}
		jw_kstr(&w, "level", (char[]){ level, 0 });
		jw_kstr(&w, "productname", prod);
		jw_kstr(&w, "regdate", reg ? reg : "");
		jw_kstr(&w, "nextduedate", due ? due : "");
		jw_kint(&w, "checktime", ext_obj_int(&o, "checktime", 0));
		jw_kint(&w, "sockets", n ? n->sockets : 1);
		jw_kstr(&w, "url", "https://www.proxmox.com/en/proxmox-"
		    "virtual-environment/pricing");
		free(st);
		free(due);
		free(reg);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(key);
	ext_obj_free(&o);
}

static void
sub_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	const char *key = sim_param(rq, "key");
	struct sim_node *n = sim_node_find(s, node);
	struct ext_obj o = { 0 };
	char date[32], clean[40];
	time_t now = sim_now(s), due;
	struct tm tm;
	int sockets;
	char level;
	size_t k;

	if (ext_check("key:s:r", rq, rs, 1, "node") == -1)
		return;
	if (strlen(key) > 32) {
		sim_param_error(rs, "key", "value may only be 32 characters "
		    "long");
		return;
	}
	if (!key_ok(key, &sockets, &level)) {
		sim_param_error(rs, "key", "value does not match the regex "
		    "pattern");
		return;
	}
	while (*key == ' ' || *key == '\t')
		key++;
	for (k = 0; k < sizeof(clean) - 1 && key[k] && key[k] != ' ' &&
	    key[k] != '\t'; k++)
		clean[k] = key[k];
	clean[k] = '\0';
	ext_obj_set_str(&o, "key", clean);
	/* the shop refuses a key for fewer sockets than the node has */
	ext_obj_set_str(&o, "status", n && sockets < n->sockets ? "invalid" :
	    "active");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	ext_obj_set_str(&o, "regdate", date);
	due = now + 365 * 86400;
	gmtime_r(&due, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	ext_obj_set_str(&o, "nextduedate", date);
	ext_obj_set_int(&o, "checktime", (long long)now);
	ext_doc_put_obj(s, "subscription", "", node, &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

static void
sub_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct ext_obj o = { 0 };

	if (ext_check("force:b", rq, rs, 1, "node") == -1)
		return;
	if (ext_doc_obj(s, "subscription", "", node, &o) == 0) {
		ext_obj_set_int(&o, "checktime", (long long)sim_now(s));
		ext_doc_put_obj(s, "subscription", "", node, &o);
		ext_obj_free(&o);
	}
	sim_ok_null(rs);
}

static void
sub_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	sim_doc_delete(s, "subscription", "", sim_var(m, "node"));
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */
/* Certificates                                                       */

static void
cert_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "acme custom info");
}

static void
acme_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "certificate");
}

static void
write_info(struct jw *w, const char *filename, const struct x509_info *x,
    const char *pem)
{
	jw_obj(w);
	jw_kstr(w, "filename", filename);
	jw_kstr(w, "fingerprint", x->fingerprint);
	jw_kstr(w, "subject", x->subject);
	jw_kstr(w, "issuer", x->issuer);
	jw_kint(w, "notbefore", x->notbefore);
	jw_kint(w, "notafter", x->notafter);
	jw_key(w, "san");
	jw_arr(w);
	for (int i = 0; i < x->nsan; i++)
		jw_str(w, x->san[i]);
	jw_end(w);
	jw_kstr(w, "public-key-type", x->keytype);
	jw_kint(w, "public-key-bits", x->keybits);
	if (pem != NULL)
		jw_kstr(w, "pem", pem);
	jw_end(w);
}

static void
hash_fp(struct sim *s, uint64_t a, uint64_t b, char out[96])
{
	uint8_t sha[32];

	for (int i = 0; i < 32; i++)
		sha[i] = (uint8_t)(sim_hash(s, a, b + (uint64_t)i) & 0xff);
	fingerprint_format(out, sha);
}

/* Days until the node certificates expire, when /_sim/cert set it;
 * SIM_CERT_UNSET: as they were made. */
long sim_cert_days = SIM_CERT_UNSET;

/* The certificates PVE generates: the cluster CA and the node's. */
static void
builtin_certs(struct sim *s, const char *node, struct x509_info *ca,
    struct x509_info *nc)
{
	struct sim_node *n = sim_node_find(s, node);
	long long created = (long long)(s->nnodes ? s->nodes[0].boot :
	    sim_now(s)) - 400 * 86400;

	memset(ca, 0, sizeof(*ca));
	memset(nc, 0, sizeof(*nc));
	hash_fp(s, 7001, 0, ca->fingerprint);
	snprintf(ca->subject, sizeof(ca->subject), "/CN=Proxmox Virtual "
	    "Environment/OU=%016llx/O=PVE Cluster Manager CA",
	    (unsigned long long)sim_hash(s, 7002, 0));
	snprintf(ca->issuer, sizeof(ca->issuer), "%s", ca->subject);
	ca->notbefore = created;
	ca->notafter = created + 3650LL * 86400;
	snprintf(ca->keytype, sizeof(ca->keytype), "rsaEncryption");
	ca->keybits = 2048;
	if (n != NULL && n->ssl_fingerprint != NULL)
		snprintf(nc->fingerprint, sizeof(nc->fingerprint), "%s",
		    n->ssl_fingerprint);
	snprintf(nc->subject, sizeof(nc->subject), "/OU=PVE Cluster Node/"
	    "O=Proxmox Virtual Environment/CN=%s.pxsim.lan", node);
	snprintf(nc->issuer, sizeof(nc->issuer), "%s", ca->subject);
	nc->notbefore = created + 60;
	nc->notafter = created + 60 + 730LL * 86400;
	if (sim_cert_days != SIM_CERT_UNSET)	/* POST /_sim/cert */
		nc->notafter = (long long)sim_now(s) + sim_cert_days * 86400LL;
	snprintf(nc->san[0], X509_SANLEN, "127.0.0.1");
	snprintf(nc->san[1], X509_SANLEN, "0:0:0:0:0:0:0:1");
	snprintf(nc->san[2], X509_SANLEN, "localhost");
	snprintf(nc->san[3], X509_SANLEN, "%s", n && n->ip ? n->ip :
	    "10.0.0.11");
	snprintf(nc->san[4], X509_SANLEN, "%s", node);
	snprintf(nc->san[5], X509_SANLEN, "%s.pxsim.lan", node);
	nc->nsan = 6;
	snprintf(nc->keytype, sizeof(nc->keytype), "rsaEncryption");
	nc->keybits = 2048;
}

/* The node's pveproxy-ssl.pem (custom or ACME): 0 with x (and *pem,
 * caller frees, NULL for an ACME one), or -1 when there is none. */
static int
proxy_cert(struct sim *s, const char *node, struct x509_info *x, char **pem,
    int *acme)
{
	char parent[96];
	struct ext_obj o = { 0 };
	char *p;

	*pem = NULL;
	node_parent(node, parent, sizeof(parent));
	if (ext_doc_obj(s, "nodecert", parent, "proxy", &o) != 0)
		return -1;
	*acme = (int)ext_obj_int(&o, "acme", 0);
	p = ext_obj_str(&o, "pem");
	if (p == NULL || x509_pem_info(p, x) != 0) {
		char *dom = ext_obj_str(&o, "domains"), *tok, *save = NULL;

		memset(x, 0, sizeof(*x));
		hash_fp(s, 7003, (uint64_t)ext_obj_int(&o, "serial", 0),
		    x->fingerprint);
		snprintf(x->issuer, sizeof(x->issuer), "/C=US/O=Let's Encrypt/"
		    "CN=R11");
		x->notbefore = ext_obj_int(&o, "notbefore", 0);
		x->notafter = ext_obj_int(&o, "notafter", 0);
		for (tok = dom ? strtok_r(dom, ";", &save) : NULL; tok &&
		    x->nsan < X509_MAXSAN; tok = strtok_r(NULL, ";", &save))
			snprintf(x->san[x->nsan++], X509_SANLEN, "%s", tok);
		snprintf(x->subject, sizeof(x->subject), "/CN=%s",
		    x->nsan ? x->san[0] : node);
		snprintf(x->keytype, sizeof(x->keytype), "rsaEncryption");
		x->keybits = 4096;
		free(dom);
		free(p);
		p = NULL;
	}
	*pem = p;
	ext_obj_free(&o);
	return 0;
}

static void
cert_info(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct x509_info ca, nc, px;
	struct jw w;
	char *pem;
	int acme;

	(void)rq;
	builtin_certs(s, node, &ca, &nc);
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	write_info(&w, "pve-root-ca.pem", &ca, NULL);
	write_info(&w, "pve-ssl.pem", &nc, NULL);
	if (proxy_cert(s, node, &px, &pem, &acme) == 0) {
		write_info(&w, "pveproxy-ssl.pem", &px, pem);
		free(pem);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
pem_key_ok(const char *k)
{
	static const char *const kinds[] = { "PRIVATE KEY", "RSA PRIVATE KEY",
		"EC PRIVATE KEY", NULL };

	for (int i = 0; kinds[i]; i++) {
		char b[64], e[64];

		snprintf(b, sizeof(b), "-----BEGIN %s-----", kinds[i]);
		snprintf(e, sizeof(e), "-----END %s-----", kinds[i]);
		if (strstr(k, b) != NULL && strstr(k, e) > strstr(k, b))
			return 1;
	}
	return 0;
}

static void
proxy_restart(struct sim *s, const char *node)
{
	unsigned pid = fake_pid(s, "pveproxy");

	node_log_add(s, node, "systemd[1]: Reloading pveproxy.service - PVE "
	    "API Proxy Server...");
	node_log_add(s, node, "pveproxy[%u]: received signal HUP", pid);
	node_log_add(s, node, "pveproxy[%u]: server closing", pid);
	node_log_add(s, node, "pveproxy[%u]: restarting server", pid);
}

/* PVE's pem-certificate-chain format (PVE::Certificate::check_pem):
 * BEGIN and END CERTIFICATE lines with base64 between, text before the
 * first one allowed. */
static int
pem_chain_ok(const char *c)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b = strstr(c, begin), *e;
	int n = 0;

	while (b != NULL) {
		b += sizeof(begin) - 1;
		if ((e = strstr(b, end)) == NULL)
			return 0;
		for (const char *p = b; p < e; p++)
			if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789+/= \t\r\n", *p) == NULL)
				return 0;
		n++;
		b = strstr(e, begin);
	}
	return n > 0;
}

static void
custom_post(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	const char *pem = sim_param(rq, "certificates");
	const char *key = sim_param(rq, "key");
	char parent[96], *old = NULL;
	struct x509_info x;
	struct ext_obj o = { 0 };
	struct jw w;
	int acme = 0, have;

	if (ext_check("certificates:s:r force:b key:s restart:b", rq, rs, 1,
	    "node") == -1)
		return;
	/* PVE's texts and order: pve-manager's upload_custom_cert and
	 * CertHelpers::set_cert_files, pve-common's check_pem */
	if (!pem_chain_ok(pem)) {
		sim_param_error(rs, "certificates", "invalid format - not a "
		    "valid PEM-formatted string.\n");
		return;
	}
	if (key != NULL && !pem_key_ok(key)) {
		sim_param_error(rs, "key", "invalid format - not a valid PEM-"
		    "formatted string.\n");
		return;
	}
	node_parent(node, parent, sizeof(parent));
	{
		struct x509_info cur;

		/* a custom certificate and an ACME one both come with
		 * their pveproxy-ssl.key */
		have = proxy_cert(s, node, &cur, &old, &acme) == 0;
		free(old);
	}
	if (key == NULL && !have) {
		sim_param_error(rs, "key", "Attempted to upload custom "
		    "certificate without (existing) key.");
		return;
	}
	if (have && !sim_param_bool(rq, "force", 0)) {
		sim_error(rs, 500, "Custom certificate file exists but force "
		    "flag is not set.");
		return;
	}
	if (x509_pem_info(pem, &x) != 0) {
		/* written, then read back by get_certificate_info */
		sim_error(rs, 500, "Setting certificate files failed - unable "
		    "to read certificate from '/etc/pve/nodes/%s/pveproxy-"
		    "ssl.pem'", node);
		return;
	}
	ext_obj_set_str(&o, "pem", pem);
	ext_obj_set_int(&o, "acme", 0);
	ext_doc_put_obj(s, "nodecert", parent, "proxy", &o);
	ext_obj_free(&o);
	if (sim_param_bool(rq, "restart", 0))
		proxy_restart(s, node);
	sim_ok_begin(rs, &w);
	write_info(&w, "pveproxy-ssl.pem", &x, pem);
	sim_ok_end(rs, &w);
}

static void
custom_delete(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	char parent[96];

	if (ext_check("restart:b", rq, rs, 1, "node") == -1)
		return;
	node_parent(node, parent, sizeof(parent));
	sim_doc_delete(s, "nodecert", parent, "proxy");
	if (sim_param_bool(rq, "restart", 0))
		proxy_restart(s, node);
	sim_ok_null(rs);
}

/* The node's ACME domains ("a;b"), from /nodes/{node}/config; "" when
 * none is configured. */
static void
acme_domains(struct sim *s, const char *node, char *out, size_t n)
{
	struct ext_obj o = { 0 };
	const struct sim_kvlist *kv;

	out[0] = '\0';
	if (ext_doc_obj(s, "nodeconfig", "", node, &o) != 0)
		return;
	kv = &o.kv;
	for (size_t i = 0; i < kv->n; i++) {
		const char *k = kv->v[i].key;
		char *v, *d, *save = NULL, *tok;

		if (strcmp(k, "acme") != 0 && strncmp(k, "acmedomain", 10) != 0)
			continue;
		if ((v = ext_obj_str(&o, k)) == NULL)
			continue;
		/* acme: account=...,domains=a;b; acmedomainN: [domain=]x,... */
		d = strstr(v, "domains=");
		if (strcmp(k, "acme") == 0 && d == NULL) {
			free(v);
			continue;
		}
		d = d ? d + 8 : (strncmp(v, "domain=", 7) == 0 ? v + 7 : v);
		for (tok = strtok_r(d, ",", &save); tok; tok = NULL) {
			if (strchr(tok, '=') != NULL)
				break;
			if (strlen(out) + strlen(tok) + 2 < n)
				snprintf(out + strlen(out), n - strlen(out),
				    "%s%s", out[0] ? ";" : "", tok);
		}
		free(v);
	}
	ext_obj_free(&o);
}

struct acme_job {
	char node[64];
	char domains[512];
	long long serial;
};

static void
acme_done(struct sim *s, struct sim_task *t)
{
	struct acme_job *j = t->arg;
	char parent[96];
	struct ext_obj o = { 0 };
	long long now = (long long)sim_now(s);

	node_parent(j->node, parent, sizeof(parent));
	ext_obj_set_int(&o, "acme", 1);
	ext_obj_set_str(&o, "domains", j->domains);
	ext_obj_set_int(&o, "serial", j->serial);
	ext_obj_set_int(&o, "notbefore", now);
	ext_obj_set_int(&o, "notafter", now + 90LL * 86400);
	ext_doc_put_obj(s, "nodecert", parent, "proxy", &o);
	ext_obj_free(&o);
	proxy_restart(s, j->node);
}

static void
acme_cert(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	int renew = strcmp(rq->method, "PUT") == 0;
	struct x509_info cur;
	struct acme_job *j;
	struct sim_task *t;
	char doms[512], *pem = NULL, *tok, *save = NULL, tmp[512];
	int have, acme = 0;

	if (ext_check("force:b", rq, rs, 1, "node") == -1)
		return;
	/* PVE's texts and order (pve-manager's PVE/API2/ACME.pm): the
	 * certificate first, then the domains; an order over any
	 * pveproxy-ssl.pem, ACME's too, needs force */
	have = proxy_cert(s, node, &cur, &pem, &acme) == 0;
	free(pem);
	if (!renew && have && !sim_param_bool(rq, "force", 0)) {
		sim_param_error(rs, "force", "Custom certificate exists but "
		    "'force' is not set.");
		return;
	}
	if (renew && !have) {
		sim_error(rs, 500, "No current (custom) certificate found, "
		    "please order a new certificate!");
		return;
	}
	if (renew && cur.notafter > (long long)sim_now(s) + 30LL * 86400 &&
	    !sim_param_bool(rq, "force", 0)) {
		sim_param_error(rs, "force", "Certificate does not expire within "
		    "the next 30 days, and 'force' is not set.");
		return;
	}
	acme_domains(s, node, doms, sizeof(doms));
	if (doms[0] == '\0') {
		sim_error(rs, 400, "ACME domain list in node configuration is "
		    "missing!");
		return;
	}
	j = px_xcalloc(1, sizeof(*j));
	snprintf(j->node, sizeof(j->node), "%s", node);
	snprintf(j->domains, sizeof(j->domains), "%s", doms);
	j->serial = (long long)sim_now(s);
	t = sim_task_start(s, node, renew ? "acmerenew" : "acmenewcert", "",
	    rq->authid, -1, acme_done, NULL);
	t->arg = j;
	sim_task_log(t, "%s", "Loading ACME account details");
	sim_task_log(t, "%s", "Placing ACME order");
	snprintf(tmp, sizeof(tmp), "%s", doms);
	for (tok = strtok_r(tmp, ";", &save); tok;
	    tok = strtok_r(NULL, ";", &save)) {
		sim_task_log(t, "Getting authorization details from "
		    "'https://acme-v02.api.letsencrypt.org/acme/authz/%s'", tok);
		sim_task_log(t, "%s is already validated!", tok);
	}
	sim_task_log(t, "%s", "Creating CSR");
	sim_task_log(t, "%s", "Checking order status");
	sim_task_log(t, "%s", "valid!");
	sim_task_log(t, "%s", "Downloading certificate");
	sim_task_log(t, "%s", "Setting pveproxy certificate and key");
	sim_task_log(t, "%s", "Restarting pveproxy");
	sim_upid_response(rs, t->upid);
}

static void
acme_revoke(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct x509_info cur;
	struct sim_task *t;
	char parent[96], doms[512], *pem = NULL;
	int acme = 0;

	/* PVE's order: the domains, then the certificate file */
	acme_domains(s, node, doms, sizeof(doms));
	if (doms[0] == '\0') {
		sim_error(rs, 400, "ACME domain list in node configuration is "
		    "missing!");
		return;
	}
	if (proxy_cert(s, node, &cur, &pem, &acme) != 0) {
		sim_error(rs, 500, "can't open '/etc/pve/nodes/%s/pveproxy-"
		    "ssl.pem' - No such file or directory", node);
		return;
	}
	if (!acme) {
		/* PVE would ask the CA and fail in the task; pxsim refuses
		 * at once (text of its own) */
		free(pem);
		sim_error(rs, 500, "Unable to read certificate from "
		    "'/etc/pve/nodes/%s/pveproxy-ssl.pem'", node);
		return;
	}
	free(pem);
	node_parent(node, parent, sizeof(parent));
	sim_doc_delete(s, "nodecert", parent, "proxy");
	proxy_restart(s, node);
	t = sim_task_start(s, node, "acmerevoke", "", rq->authid, -1, NULL,
	    NULL);
	sim_task_log(t, "%s", "Loading ACME account details");
	sim_task_log(t, "%s", "Revoking certificate");
	sim_task_log(t, "%s", "Deleting certificate files");
	sim_task_log(t, "%s", "Restarting pveproxy to revert to self-signed "
	    "certificates");
	sim_upid_response(rs, t->upid);
}

/* ------------------------------------------------------------------ */
/* Report, wake-on-LAN                                                */

static void
node_report(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct sim_node *n = sim_node_find(s, node);
	char *hosts = hosts_text(s, node);
	struct buf b = { 0 };
	struct jw w;

	(void)rq;
	buf_printf(&b, "==== general system info ====\n\n# hostname\n%s\n\n"
	    "# pveversion --verbose\nproxmox-ve: 9.1.0 (running kernel: "
	    "%s)\n%s (running version: 9.1.1/42db4a6cf33dac83)\n\n"
	    "# cat /etc/hosts\n%s\n# date -R\n(simulated)\n\n"
	    "==== info about storage ====\n\n# cat /etc/pve/storage.cfg\n"
	    "dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl,backup\n\n"
	    "==== info about network ====\n\n# ip -details -statistics "
	    "address\n2: nic0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n"
	    "    inet %s/24 scope global vmbr0\n\n"
	    "==== hardware ====\n\n# lscpu\nModel name: %s\nSocket(s): %d\n"
	    "CPU(s): %d\n", node, n ? n->kernel : "", n ? n->pveversion : "",
	    hosts, n && n->ip ? n->ip : "", n ? n->cpumodel : "",
	    n ? n->sockets : 1, n ? n->cpus : 1);
	sim_ok_begin(rs, &w);
	jw_str(&w, b.p);
	sim_ok_end(rs, &w);
	buf_free(&b);
	free(hosts);
}

static void
wakeonlan(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	struct ext_obj o = { 0 };
	char *v = NULL, mac[32];
	struct jw w;

	(void)rq;
	if (ext_doc_obj(s, "nodeconfig", "", node, &o) == 0) {
		v = ext_obj_str(&o, "wakeonlan");
		ext_obj_free(&o);
	}
	if (v == NULL || v[0] == '\0') {
		free(v);
		sim_error(rs, 500, "No wake on LAN MAC address defined for "
		    "'%s'!", node);
		return;
	}
	snprintf(mac, sizeof(mac), "%.17s", strncmp(v, "mac=", 4) == 0 ?
	    v + 4 : v);
	free(v);
	sim_ok_begin(rs, &w);
	jw_str(&w, mac);
	sim_ok_end(rs, &w);
}

/* ------------------------------------------------------------------ */
/* Services                                                           */

static const struct service {
	const char *name, *unit, *desc;
	int running;		/* as installed */
	const char *unitstate;
} services[] = {
	{ "chrony", "chrony", "NTP client/server", 1, "enabled" },
	{ "corosync", "corosync", "Corosync Cluster Engine", 1, "enabled" },
	{ "cron", "cron", "Regular background program processing daemon", 1,
	    "enabled" },
	{ "ksmtuned", "ksmtuned", "Kernel Samepage Merging (KSM) Tuning "
	    "Daemon", 1, "enabled" },
	{ "lxcfs", "lxcfs", "FUSE filesystem for LXC", 1, "enabled" },
	{ "postfix", "postfix", "Postfix Mail Transport Agent", 1,
	    "enabled" },
	{ "proxmox-firewall", "proxmox-firewall", "Proxmox nftables "
	    "firewall", 0, "enabled" },
	{ "pve-cluster", "pve-cluster", "The Proxmox VE cluster filesystem",
	    1, "enabled" },
	{ "pve-firewall", "pve-firewall", "Proxmox VE firewall", 1,
	    "enabled" },
	{ "pve-ha-crm", "pve-ha-crm", "PVE Cluster HA Resource Manager "
	    "Daemon", 1, "enabled" },
	{ "pve-ha-lrm", "pve-ha-lrm", "PVE Local HA Resource Manager Daemon",
	    1, "enabled" },
	{ "pve-lxc-syscalld", "pve-lxc-syscalld", "Proxmox VE LXC Syscall "
	    "Daemon", 1, "enabled" },
	{ "pvedaemon", "pvedaemon", "PVE API Daemon", 1, "enabled" },
	{ "pvefw-logger", "pvefw-logger", "Proxmox VE firewall logger", 1,
	    "static" },
	{ "pveproxy", "pveproxy", "PVE API Proxy Server", 1, "enabled" },
	{ "pvescheduler", "pvescheduler", "Proxmox VE scheduler", 1,
	    "enabled" },
	{ "pvestatd", "pvestatd", "PVE Status Daemon", 1, "enabled" },
	{ "qmeventd", "qmeventd", "PVE Qemu Event Daemon", 1, "enabled" },
	{ "spiceproxy", "spiceproxy", "PVE SPICE Proxy Server", 1,
	    "enabled" },
	{ "sshd", "ssh", "OpenBSD Secure Shell server", 1, "enabled" },
	{ "syslog", "rsyslog", "System Logging Service", 0, "not-found" },
	{ "systemd-journald", "systemd-journald", "Journal Service", 1,
	    "static" },
	{ "systemd-timesyncd", "systemd-timesyncd", "Network Time "
	    "Synchronization", 0, "not-found" },
};
#define NSERVICES (sizeof(services) / sizeof(services[0]))

static const struct service *
service_find(const char *name)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

/* The 400 of a service outside PVE's enumeration; NULL then. */
static const struct service *
service_arg(const struct sim_match *m, struct sim_resp *rs)
{
	const char *name = sim_var(m, "service");
	const struct service *sv = service_find(name);
	struct buf b = { 0 };

	if (sv != NULL)
		return sv;
	for (size_t i = 0; i < NSERVICES; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", services[i].name);
	sim_param_errorf(rs, "service", "value '%s' does not have a value in "
	    "the enumeration '%s'", name, b.p);
	buf_free(&b);
	return NULL;
}

/* Is sv running on node now? */
static int
service_running(struct sim *s, const char *node, const struct service *sv)
{
	char parent[96], *doc;
	int r = sv->running;

	node_parent(node, parent, sizeof(parent));
	if ((doc = sim_doc_get(s, "service", parent, sv->name)) != NULL) {
		r = strstr(doc, "\"running\":1") != NULL;
		free(doc);
	}
	return r && strcmp(sv->unitstate, "not-found") != 0;
}

static void
service_set(struct sim *s, const char *node, const struct service *sv,
    int running)
{
	char parent[96];

	node_parent(node, parent, sizeof(parent));
	sim_doc_put(s, "service", parent, sv->name, running ?
	    "{\"running\":1}" : "{\"running\":0}");
}

static void
service_obj(struct sim *s, struct jw *w, const char *node,
    const struct service *sv)
{
	int run = service_running(s, node, sv);

	jw_obj(w);
	jw_kstr(w, "name", sv->name);
	jw_kstr(w, "service", sv->unit);
	jw_kstr(w, "desc", sv->desc);
	jw_kstr(w, "state", run ? "running" : "dead");
	jw_kstr(w, "active-state", run ? "active" : "inactive");
	jw_kstr(w, "unit-state", sv->unitstate);
	jw_end(w);
}

static void
services_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (size_t i = 0; i < NSERVICES; i++)
		service_obj(s, &w, sim_var(m, "node"), &services[i]);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
service_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	if (service_arg(m, rs) != NULL)
		ext_index(rs, "subdir", "state start stop restart reload");
}

static void
service_state(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct service *sv = service_arg(m, rs);
	struct jw w;

	(void)rq;
	if (sv == NULL)
		return;
	sim_ok_begin(rs, &w);
	service_obj(s, &w, sim_var(m, "node"), sv);
	sim_ok_end(rs, &w);
}

struct svc_job {
	char node[64];
	const struct service *sv;
	int running;
};

static void
service_done(struct sim *s, struct sim_task *t)
{
	struct svc_job *j = t->arg;

	service_set(s, j->node, j->sv, j->running);
}

static void
service_cmd(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node");
	const struct service *sv = service_arg(m, rs);
	const char *cmd = strrchr(rq->path, '/') + 1;
	struct svc_job *j;
	struct sim_task *t;
	char type[32];

	if (sv == NULL || ext_check("", rq, rs, 1, "node service") == -1)
		return;
	if (strcmp(sv->unitstate, "not-found") == 0) {
		sim_error(rs, 500, "Unit %s.service not found.", sv->unit);
		return;
	}
	snprintf(type, sizeof(type), "srv%s", cmd);
	j = px_xcalloc(1, sizeof(*j));
	snprintf(j->node, sizeof(j->node), "%s", node);
	j->sv = sv;
	j->running = strcmp(cmd, "stop") != 0;
	if (strcmp(cmd, "reload") == 0)
		j->running = service_running(s, node, sv);
	t = sim_task_start(s, node, type, sv->name, rq->authid, -1,
	    service_done, NULL);
	t->arg = j;
	if (strcmp(cmd, "stop") == 0) {
		node_log_add(s, node, "systemd[1]: Stopping %s.service - %s...",
		    sv->unit, sv->desc);
		node_log_add(s, node, "systemd[1]: %s.service: Deactivated "
		    "successfully.", sv->unit);
		node_log_add(s, node, "systemd[1]: Stopped %s.service - %s.",
		    sv->unit, sv->desc);
	} else if (strcmp(cmd, "reload") == 0) {
		node_log_add(s, node, "systemd[1]: Reloading %s.service - "
		    "%s...", sv->unit, sv->desc);
		node_log_add(s, node, "systemd[1]: Reloaded %s.service - %s.",
		    sv->unit, sv->desc);
	} else {
		if (strcmp(cmd, "restart") == 0)
			node_log_add(s, node, "systemd[1]: Stopped %s.service - "
			    "%s.", sv->unit, sv->desc);
		node_log_add(s, node, "systemd[1]: Starting %s.service - "
		    "%s...", sv->unit, sv->desc);
		node_log_add(s, node, "systemd[1]: Started %s.service - %s.",
		    sv->unit, sv->desc);
	}
	sim_upid_response(rs, t->upid);
}

/* ------------------------------------------------------------------ */

#define NAUD "/nodes/{node}", "Sys.Audit"
#define NMOD "/nodes/{node}", "Sys.Modify"

const struct sim_route sim_routes_node_admin[] = {
	{ "GET", "/nodes/{node}/hosts", hosts_get, "/", "Sys.Audit", 0 },
	{ "POST", "/nodes/{node}/hosts", hosts_post, NMOD, 0 },

	{ "GET", "/nodes/{node}/subscription", sub_get, NULL, NULL, 0 },
	{ "PUT", "/nodes/{node}/subscription", sub_put, NMOD, 0 },
	{ "POST", "/nodes/{node}/subscription", sub_post, NMOD, 0 },
	{ "DELETE", "/nodes/{node}/subscription", sub_delete, NMOD, 0 },

	{ "GET", "/nodes/{node}/certificates", cert_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/certificates/info", cert_info, NULL, NULL,
	    0 },
	{ "POST", "/nodes/{node}/certificates/custom", custom_post, NMOD, 0 },
	{ "DELETE", "/nodes/{node}/certificates/custom", custom_delete, NMOD,
	    0 },
	{ "GET", "/nodes/{node}/certificates/acme", acme_index, NULL, NULL,
	    0 },
	{ "POST", "/nodes/{node}/certificates/acme/certificate", acme_cert,
	    NMOD, 0 },
	{ "PUT", "/nodes/{node}/certificates/acme/certificate", acme_cert,
	    NMOD, 0 },
	{ "DELETE", "/nodes/{node}/certificates/acme/certificate",
	    acme_revoke, NMOD, 0 },

	{ "GET", "/nodes/{node}/report", node_report, NAUD, 0 },
	{ "POST", "/nodes/{node}/wakeonlan", wakeonlan, "/nodes/{node}",
	    "Sys.PowerMgmt", SIM_ROUTE_ANYSTATE },

	{ "GET", "/nodes/{node}/services", services_list, NAUD, 0 },
	{ "GET", "/nodes/{node}/services/{service}", service_index, NAUD, 0 },
	{ "GET", "/nodes/{node}/services/{service}/state", service_state,
	    NAUD, 0 },
	{ "POST", "/nodes/{node}/services/{service}/start", service_cmd,
	    NMOD, 0 },
	{ "POST", "/nodes/{node}/services/{service}/stop", service_cmd, NMOD,
	    0 },
	{ "POST", "/nodes/{node}/services/{service}/restart", service_cmd,
	    NMOD, 0 },
	{ "POST", "/nodes/{node}/services/{service}/reload", service_cmd,
	    NMOD, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
