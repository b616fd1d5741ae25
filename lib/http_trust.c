/*
 * http_trust.c -- TLS trust for lib/http: the probe that reads a server's
 * certificate without sending a credential, its SHA-256 fingerprint and
 * the pin of its public key (DER: the SubjectPublicKeyInfo), the pin and
 * TOFU records in the data dir, and tls_establish, which settles a
 * client's trust before its first credential-bearing request (see
 * DESIGN.md "TLS trust").
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>
#include <curl/curl.h>

#include "enc.h"
#include "http_impl.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
/* px fleet connects its profiles on threads of their own (px_client_new
 * may probe and log in, which blocks): the pin and TOFU files are
 * rewritten whole, so two first contacts must not interleave. */
static pthread_mutex_t records_mu = PTHREAD_MUTEX_INITIALIZER;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
http_curl_init(void)
{
	pthread_once(&curl_once, curl_init_once);
}

/* ---- DER: find the SubjectPublicKeyInfo of a certificate ---- */

/* Read one TLV header at p[0..n): tag, header length and content length.
 * Returns the tag or -1. */
static int
der_tlv(const uint8_t *p, size_t n, size_t *hl, size_t *len)
{
	size_t l, k;

	if (n < 2)
		return -1;
	if ((p[1] & 0x80) == 0) {
		*hl = 2;
		l = p[1];
	} else {
		k = p[1] & 0x7f;
		if (k == 0 || k > 4 || n < 2 + k)
			return -1;
		l = 0;
		for (size_t i = 0; i < k; i++)
			l = l << 8 | p[2 + i];
		*hl = 2 + k;
	}
	if (l > n - *hl)
		return -1;
	*len = l;
	return p[0];
}

static int
der_spki(const uint8_t *der, size_t n, const uint8_t **spki, size_t *spki_len)
{
	size_t hl, len;
	const uint8_t *p, *end;

	if (der_tlv(der, n, &hl, &len) != 0x30)
		return -1;
	p = der + hl;
	end = p + len;
	if (der_tlv(p, (size_t)(end - p), &hl, &len) != 0x30)	/* tbs */
		return -1;
	end = p + hl + len;
	p += hl;
	if (p < end && *p == 0xa0) {	/* [0] version */
		if (der_tlv(p, (size_t)(end - p), &hl, &len) < 0)
			return -1;
		p += hl + len;
	}
	/* serial, signature, issuer, validity, subject */
	for (int i = 0; i < 5; i++) {
		if (p >= end || der_tlv(p, (size_t)(end - p), &hl, &len) < 0)
			return -1;
		p += hl + len;
	}
	if (p >= end || der_tlv(p, (size_t)(end - p), &hl, &len) != 0x30)
		return -1;
	*spki = p;
	*spki_len = hl + len;
	return 0;
}

int
http_probe(const char *url, long timeout, char fp[96], char pin[64],
    struct px_err *e)
{
	struct curl_certinfo *ci = NULL;
	struct buf der = { 0 }, b64 = { 0 };
	const uint8_t *spki;
	size_t spki_len;
	uint8_t sha[32];
	br_sha256_context ctx;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *h;
	int ret = -1;

	http_curl_init();
	if ((h = curl_easy_init()) == NULL)
		return px_fail(e, PXE_FAILURE, "cannot initialise libcurl");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		px_fail(e, rc == CURLE_OPERATION_TIMEDOUT ? PXE_TIMEOUT :
		    rc == CURLE_SSL_CONNECT_ERROR ? PXE_TLS : PXE_TRANSPORT,
		    "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1) {
		px_fail(e, PXE_TLS, "%s: the server sent no certificate", url);
		goto out;
	}
	for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
		const char *v, *b, *en;

		if (strncmp(s->data, "Cert:", 5) != 0)
			continue;
		v = s->data + 5;
		if ((b = strstr(v, "-----BEGIN CERTIFICATE-----")) == NULL ||
		    (en = strstr(b, "-----END CERTIFICATE-----")) == NULL)
			break;
		b += strlen("-----BEGIN CERTIFICATE-----");
		if (b64_decode(&der, b, (size_t)(en - b)) != 0)
			buf_reset(&der);
		break;
	}
	if (der.len == 0) {
		px_fail(e, PXE_TLS, "%s: cannot read the server's certificate",
		    url);
		goto out;
	}
	fingerprint_of(fp, der.p, der.len);
	if (der_spki((const uint8_t *)der.p, der.len, &spki, &spki_len) != 0) {
		px_fail(e, PXE_TLS, "%s: cannot parse the server's certificate",
		    url);
		goto out;
	}
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, spki, spki_len);
	br_sha256_out(&ctx, sha);
	b64_encode(&b64, sha, sizeof(sha));
	snprintf(pin, 64, "sha256//%s", buf_str(&b64));
	ret = 0;
out:
	buf_free(&der);
	buf_free(&b64);
	curl_easy_cleanup(h);
	return ret;
}

/* ---- records in the data dir: pins and TOFU fingerprints ---- */

/* Look key up in a "KEY VALUE" line file; value into out. */
static int
record_get(const char *file, const char *key, char *out, size_t n)
{
	char line[512];
	size_t kl = strlen(key);
	FILE *f;
	int found = -1;

	pthread_mutex_lock(&records_mu);
	if ((f = fopen(file, "r")) == NULL) {
		pthread_mutex_unlock(&records_mu);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			snprintf(out, n, "%s", line + kl + 1);
			found = 0;
		}
	}
	fclose(f);
	pthread_mutex_unlock(&records_mu);
	return found;
}

/* Set key to value in a record file (atomic rewrite, 0600). */
static int
record_put(const char *file, const char *key, const char *value,
    struct px_err *e)
{
	struct buf b = { 0 };
	char line[512];
	size_t kl = strlen(key);
	FILE *f;
	int rc;

	pthread_mutex_lock(&records_mu);
	if ((f = fopen(file, "r")) != NULL) {
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
				continue;
			buf_adds(&b, line);
			if (b.len && b.p[b.len - 1] != '\n')
				buf_addc(&b, '\n');
		}
		fclose(f);
	}
	buf_printf(&b, "%s %s\n", key, value);
	rc = px_write_file(file, b.p, b.len, 0600, e);
	pthread_mutex_unlock(&records_mu);
	buf_free(&b);
	return rc;
}

static char *
data_file(const char *name, struct px_err *e)
{
	const char *d = px_data_dir(e);

	return d ? px_xasprintf("%s/%s", d, name) : NULL;
}

/*
 * For a fingerprint (configured or recorded by TOFU) the pin of the
 * certificate's key is taken from the pin cache or from a probe that
 * sends no credential; every later request pins it.
 */
int
http_tls_establish(struct px_client *c, struct px_err *e)
{
	const struct px_profile *p = c->p;
	char want[128] = "", fp[96], pin[64], *pins = NULL, *tofu = NULL;
	int rc = -1;

	c->tls = conf_tls_mode(p);
	if (c->tls == PX_TLS_INSECURE) {
		px_notice("warning: TLS verification is off for profile %s "
		    "(insecure = yes): anyone on the path can read the "
		    "credentials", p->name);
		return 0;
	}
	if (c->tls == PX_TLS_SYSTEM || c->tls == PX_TLS_CAFILE)
		return 0;
	if ((pins = data_file("tls-pins", e)) == NULL)
		return -1;
	if (c->tls == PX_TLS_FINGERPRINT) {
		snprintf(want, sizeof(want), "%s", p->fingerprint);
	} else {
		if ((tofu = data_file("tofu", e)) == NULL)
			goto out;
		record_get(tofu, c->hostport, want, sizeof(want));
	}
	if (want[0] && record_get(pins, want, c->pin, sizeof(c->pin)) == 0 &&
	    strncmp(c->pin, "sha256//", 8) == 0) {
		rc = 0;
		goto out;
	}
	if (http_probe(p->url, p->connect_timeout, fp, pin, e) != 0)
		goto out;
	snprintf(c->seen_fp, sizeof(c->seen_fp), "%s", fp);
	if (want[0] == '\0') {
		/* TOFU, first contact: record what we see. */
		if (record_put(tofu, c->hostport, fp, e) != 0)
			goto out;
		px_notice("trusting %s on first use: certificate fingerprint %s "
		    "(recorded in %s)", c->hostport, fp, tofu);
		snprintf(want, sizeof(want), "%s", fp);
	}
	if (strcmp(want, fp) != 0) {
		px_fail(e, PXE_TLS_MISMATCH, "TLS certificate of %s does not "
		    "match: expected fingerprint %s, the server presented %s; "
		    "nothing was sent", c->hostport, want, fp);
		px_hint(e, "compare with `pvenode cert info` on the node; if "
		    "the new certificate is right, update %s", c->tls ==
		    PX_TLS_TOFU ? "or remove its line in the tofu file" :
		    "fingerprint in px.conf");
		goto out;
	}
	snprintf(c->pin, sizeof(c->pin), "%s", pin);
	record_put(pins, fp, pin, NULL);	/* a cache: failure is harmless */
	rc = 0;
out:
	free(pins);
	free(tofu);
	return rc;
}
