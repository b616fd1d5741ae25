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
#include "pve_objrisk_node.h"

#define PEM_MAX (256 * 1024)

/* The SHA-256 fingerprint of the first certificate of pem, in fp; 0,
 * or -1 when pem holds none. */
static int
pem_fingerprint(const char *pem, char fp[96])
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b = strstr(pem, begin), *e;
	struct buf der = { 0 };
	int rc = -1;

	if (b == NULL || (e = strstr(b, end)) == NULL)
		return -1;
	b += sizeof(begin) - 1;
	if (b64_decode(&der, b, (size_t)(e - b)) == 0 && der.len > 0) {
		fingerprint_of(fp, der.p, der.len);
		rc = 0;
	}
	buf_free(&der);
	return rc;
}

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
	struct buf base = { 0 };
	struct out *o;
	int k, i, bad = 0;
	time_t now = time(NULL);

	ns_base(&base, node);
	ns_get(m, &r, "%s/certificates/info", base.p);
	if (json_type(&r.j, r.data) != JSON_ARRAY) {
		px_reply_free(&r);
		px_errx(PX_EXIT_FAIL, "GET %s/certificates/info: the answer is "
		    "not a list", base.p);
	}
	o = out_new(&m->x.out, cols, C_N);
	JSON_FOREACH(&r.j, r.data, k, i) {
		static const char *const str[] = { "filename", "fingerprint",
			"subject", "issuer" };
		char *pem, fp[96];
		struct buf san = { 0 };
		long long after;
		int s, q, n;

		if (json_type(&r.j, k) != JSON_OBJECT) {
			bad++;
			continue;
		}
		out_row(o);
		for (q = 0; q < 4; q++) {
			char *v = json_get_str(&r.j, k, str[q]);

			out_str(o, q, v ? text_sanitize(v) : NULL);
			free(v);
		}
		if ((s = json_get(&r.j, k, "notbefore")) >= 0)
			out_int(o, C_BEFORE, json_get_int(&r.j, k, "notbefore",
			    0));
		if ((s = json_get(&r.j, k, "notafter")) >= 0) {
			after = json_get_int(&r.j, k, "notafter", 0);
			out_int(o, C_AFTER, after);
			/* whole days left; negative once expired */
			out_int(o, C_DAYS, after >= (long long)now ?
			    (after - (long long)now) / 86400 :
			    -(((long long)now - after + 86399) / 86400));
		}
		s = json_get(&r.j, k, "san");
		if (s >= 0 && json_type(&r.j, s) == JSON_ARRAY)
			JSON_FOREACH(&r.j, s, q, n) {
				char *v = json_strdup(&r.j, q);

				if (v && san.len < 4096)
					buf_printf(&san, "%s%s", san.len ? "," :
					    "", text_sanitize(v));
				free(v);
			}
		out_str(o, C_SAN, san.len ? san.p : NULL);
		buf_free(&san);
		{
			char *v = json_get_str(&r.j, k, "public-key-type");

			out_str(o, C_KTYPE, v ? text_sanitize(v) : NULL);
			free(v);
		}
		if (json_get(&r.j, k, "public-key-bits") >= 0)
			out_int(o, C_KBITS, json_get_int(&r.j, k,
			    "public-key-bits", 0));
		/* the fingerprint PVE states, against the PEM it sends */
		pem = json_get_str(&r.j, k, "pem");
		if (pem && pem_fingerprint(pem, fp) == 0) {
			char *said = json_get_str(&r.j, k, "fingerprint");

			if (said == NULL || strcasecmp(said, fp) != 0) {
				out_row_error(o);
				px_warn("%s: the fingerprint PVE states is not "
				    "that of its certificate (%s)", node, fp);
				bad++;
			}
			free(said);
		}
		free(pem);
	}
	px_reply_free(&r);
	buf_free(&base);
	k = ns_print(m, o);
	return k ? k : bad ? PX_EXIT_FAIL : 0;
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
	if (pem_fingerprint(cert.p, fp) != 0)
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
