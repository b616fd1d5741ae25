/*
 * cert.c -- px node cert: the node's certificates and their changes.
 *
 *   cert [info] NODE                   GET .../certificates/info
 *   cert upload NODE CERT [KEY]        POST .../certificates/custom
 *   cert delete NODE                   DELETE .../certificates/custom
 *   cert acme order|renew NODE         POST|PUT .../acme/certificate
 *
 * The key file is a secret: refused when others may read it, sent in
 * the form and kept out of the audit log and of -n's output; px prints
 * the SHA-256 fingerprint of the certificate it sends instead.  Where
 * PVE sends a certificate's PEM, px checks the fingerprint PVE states
 * against it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "enc.h"
#include "node.h"
#include "pve_check.h"
#include "pve_nodesys.h"
#include "pve_objrisk_node.h"

#define PEM_MAX (256 * 1024)

enum { C_FILE, C_FP, C_SUBJECT, C_ISSUER, C_BEFORE, C_AFTER, C_DAYS, C_SAN,
	C_KTYPE, C_KBITS, C_N };

static int
cert_info(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = {
		{ "filename", OT_STR, 0 }, { "fingerprint", OT_STR, 0 },
		{ "subject", OT_STR, 0 }, { "issuer", OT_STR, OC_EXTRA },
		{ "notbefore", OT_TIME, OC_EXTRA }, { "notafter", OT_TIME, 0 },
		{ "days", OT_INT, 0 }, { "san", OT_STR, 0 },
		{ "keytype", OT_STR, OC_EXTRA }, { "keybits", OT_INT, OC_EXTRA },
	};
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	struct pve_cert *v;
	struct out *o;
	int n, bad, rc;
	long long now = (long long)time(NULL);

	ns_base(&base, node);
	ns_get(m, &r, "%s/certificates/info", base.p);
	if (pve_certs_parse(&r.j, r.data, &v, &n, &bad, &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	o = out_new(&m->x.out, cols, C_N);
	for (int i = 0; i < n; i++) {
		const struct pve_cert *c = &v[i];

		out_row(o);
		out_str(o, C_FILE, c->filename[0] ? c->filename : NULL);
		out_str(o, C_FP, c->fingerprint[0] ? c->fingerprint : NULL);
		out_str(o, C_SUBJECT, c->subject[0] ? c->subject : NULL);
		out_str(o, C_ISSUER, c->issuer[0] ? c->issuer : NULL);
		if (c->notbefore)
			out_int(o, C_BEFORE, c->notbefore);
		if (c->has_notafter) {
			out_int(o, C_AFTER, c->notafter);
			/* whole days left; negative once expired */
			out_int(o, C_DAYS, c->notafter >= now ?
			    (c->notafter - now) / 86400 :
			    -((now - c->notafter + 86399) / 86400));
		}
		out_str(o, C_SAN, c->san[0] ? c->san : NULL);
		out_str(o, C_KTYPE, c->keytype[0] ? c->keytype : NULL);
		if (c->keybits)
			out_int(o, C_KBITS, c->keybits);
		/* the fingerprint PVE states, against the PEM it sends */
		if (c->pem_check < 0) {
			out_row_error(o);
			px_warn("%s: %s: the fingerprint PVE states is not that of "
			    "its certificate (%s)", node, c->filename,
			    c->pem_fingerprint);
			bad++;
		}
	}
	free(v);
	buf_free(&base);
	rc = ns_print(m, o);
	return rc ? rc : bad ? PX_EXIT_FAIL : 0;
}

/* The key file: a secret, so never readable by others. */
static void
read_key(const char *file, struct buf *b)
{
	struct stat st;

	if (strcmp(file, "-") != 0) {
		if (stat(file, &st) != 0)
			px_errx(PX_EXIT_USAGE, "%s: cannot read it", file);
		if (st.st_mode & S_IROTH)
			px_errx(PX_EXIT_CONFIG, "%s: a private key readable by "
			    "others: chmod o-r it first", file);
	}
	ns_read_file(file, PEM_MAX, b);
	if (strstr(b->p, "-----BEGIN ") == NULL ||
	    strstr(b->p, " PRIVATE KEY-----") == NULL) {
		buf_wipe(b);
		px_errx(PX_EXIT_USAGE, "%s: not a PEM private key", file);
	}
}

static int
cert_upload(struct mutcli *m, struct nodesys *ns, const char *node,
    const char *certfile, const char *keyfile)
{
	struct buf base = { 0 }, form = { 0 }, cert = { 0 }, key = { 0 };
	struct buf sum = { 0 };
	struct ns_change c = { 0 };
	struct objrisk_cert a = { node, "upload", ns->restart };
	char fp[96];
	int rc;

	ns_read_file(certfile, PEM_MAX, &cert);
	if (pve_pem_fingerprint(cert.p, fp) != 0)
		px_errx(PX_EXIT_USAGE, "%s: not a PEM certificate", certfile);
	if (keyfile)
		read_key(keyfile, &key);
	form_add(&form, "certificates", cert.p);
	if (keyfile)
		form_add(&form, "key", key.p);
	if (ns->force)
		form_add(&form, "force", "1");
	if (ns->restart)
		form_add(&form, "restart", "1");
	buf_printf(&sum, "upload a custom certificate to node %s (SHA256 %s)%s",
	    node, fp, keyfile ? " with its key" : "");
	ns_base(&base, node);
	buf_adds(&base, "/certificates/custom");
	c.action = "cert-upload";
	c.node = node;
	c.method = "POST";
	c.path = base.p;
	c.form = form.p;
	c.redact = "certificates,key";
	c.summary = sum.p;
	c.name = "pveproxy-ssl.pem";
	c.destructive = ns->force;
	c.assess = objrisk_node_cert;
	c.assess_arg = &a;
	rc = ns_change(m, &c);
	buf_wipe(&key);
	buf_wipe(&form);
	buf_free(&cert);
	buf_free(&base);
	buf_free(&sum);
	return rc;
}

int
ns_cert(struct mutcli *m, struct nodesys *ns, int argc, char **argv)
{
	const char *sub = "info", *node;
	struct buf base = { 0 }, form = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	struct objrisk_cert a = { NULL, NULL, 0 };
	struct px_err e = { 0 };
	int k = 1, rc;

	if (argc > 2 && (strcmp(argv[1], "info") == 0 ||
	    strcmp(argv[1], "upload") == 0 || strcmp(argv[1], "delete") == 0 ||
	    strcmp(argv[1], "acme") == 0))
		sub = argv[k++];
	if (strcmp(sub, "acme") == 0) {
		if (k >= argc || (strcmp(argv[k], "order") != 0 &&
		    strcmp(argv[k], "renew") != 0))
			px_usage(px_cmd_running);
		sub = argv[k++];
	}
	if (k >= argc)
		px_usage(px_cmd_running);
	node = argv[k++];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (ns->given - ns->restart > 0)
		px_errx(PX_EXIT_USAGE, "cert takes --force and --restart only");
	if (ns->restart && strcmp(sub, "upload") != 0 &&
	    strcmp(sub, "delete") != 0)
		px_errx(PX_EXIT_USAGE, "--restart is for cert upload and cert "
		    "delete (ACME restarts pveproxy itself)");
	if (ns->force && (strcmp(sub, "info") == 0 ||
	    strcmp(sub, "delete") == 0))
		px_errx(PX_EXIT_USAGE, "--force is for cert upload and acme");
	if (strcmp(sub, "upload") == 0 ? (argc - k < 1 || argc - k > 2) :
	    k != argc)
		px_usage(px_cmd_running);
	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0)
		px_die(&e);
	if (strcmp(sub, "info") == 0)
		return cert_info(m, node);
	if (strcmp(sub, "upload") == 0)
		return cert_upload(m, ns, node, argv[k], k + 1 < argc ?
		    argv[k + 1] : NULL);
	ns_base(&base, node);
	a.node = node;
	a.what = sub;
	a.restart = ns->restart;
	c.node = node;
	c.form = form.p;
	c.name = "pveproxy-ssl.pem";
	c.assess = objrisk_node_cert;
	c.assess_arg = &a;
	if (strcmp(sub, "delete") == 0) {
		buf_adds(&base, "/certificates/custom");
		if (ns->restart)
			form_add(&form, "restart", "1");
		buf_printf(&sum, "delete the custom certificate of node %s",
		    node);
		c.action = "cert-delete";
		c.method = "DELETE";
		c.destructive = 1;
	} else {
		buf_adds(&base, "/certificates/acme/certificate");
		if (ns->force)
			form_add(&form, "force", "1");
		buf_printf(&sum, "%s the ACME certificate of node %s",
		    strcmp(sub, "order") == 0 ? "order" : "renew", node);
		c.action = strcmp(sub, "order") == 0 ? "cert-acme-order" :
		    "cert-acme-renew";
		c.method = strcmp(sub, "order") == 0 ? "POST" : "PUT";
		c.destructive = ns->force;
	}
	c.path = base.p;
	c.form = form.p;
	c.summary = sum.p;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&form);
	buf_free(&sum);
	return rc;
}
