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
#include "fsafe.h"
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

/*
 * A record is a line "KEY VALUE MAC" in tls-pins (fingerprint -> pin of
 * the certificate's key) or tofu (host:port -> fingerprint).  MAC is the
 * HMAC-SHA256, under trust.key (32 random bytes, 0600, in the data dir),
 * of the file's name, the key and the value: px only trusts a record it
 * wrote itself, so an edited line (another pin for a configured
 * fingerprint, another fingerprint for a host) is not taken for trust.
 */
#define RECORDS_CAP	(1u << 20)
#define TRUST_KEY_LEN	32
#define MAC_HEX		(2 * 32)

static unsigned char trust_key[TRUST_KEY_LEN];
static int trust_key_loaded;

/* Load trust.key once (under records_mu). */
static int
trust_key_load(struct px_err *e)
{
	const char *d;
	char *path;
	int rc;

	if (trust_key_loaded)
		return 0;
	if ((d = px_data_dir(e)) == NULL)
		return -1;
	path = px_xasprintf("%s/trust.key", d);
	rc = fsafe_key(path, "TLS trust key", trust_key, sizeof(trust_key), e);
	free(path);
	if (rc == 0)
		trust_key_loaded = 1;
	return rc;
}

/* The MAC of a record of file ("tls-pins" or "tofu"), as hex. */
static void
record_mac(const char *file, const char *key, const char *value,
    char out[MAC_HEX + 1])
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char mac[32];

	br_hmac_key_init(&kc, &br_sha256_vtable, trust_key, sizeof(trust_key));
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, file, strlen(file) + 1);
	br_hmac_update(&hc, key, strlen(key) + 1);
	br_hmac_update(&hc, value, strlen(value));
	br_hmac_out(&hc, mac);
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	explicit_bzero(&kc, sizeof(kc));
	explicit_bzero(&hc, sizeof(hc));
}

/* Compare in constant time. */
static int
mac_equal(const char *a, const char *b)
{
	unsigned char d = 0;

	if (strlen(a) != MAC_HEX || strlen(b) != MAC_HEX)
		return 0;
	for (size_t i = 0; i < MAC_HEX; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Read path (a record file, state px trusts) into b: 0, or 1 when it
 * does not exist, or -1 with e. */
static int
records_read(const char *path, const char *name, struct buf *b,
    struct px_err *e)
{
	return fsafe_read(path, FSAFE_STATE, strcmp(name, "tofu") == 0 ?
	    "TOFU record file" : "TLS pin cache", RECORDS_CAP, b, e);
}

/*
 * Look key up in the record file path (named name): its value into out.
 * 0 found with a good MAC; 1 not there; 2 there but its MAC does not
 * verify (or it has none): not px's own; -1 with e (the file is unsafe
 * or unreadable).
 */
static int
record_get(const char *path, const char *name, const char *key, char *out,
    size_t n, struct px_err *e)
{
	struct buf b = { 0 };
	char want[MAC_HEX + 1];
	size_t kl = strlen(key);
	int rc, found = 1;

	pthread_mutex_lock(&records_mu);
	if ((rc = trust_key_load(e)) == 0)
		rc = records_read(path, name, &b, e);
	if (rc != 0) {
		pthread_mutex_unlock(&records_mu);
		buf_free(&b);
		return rc < 0 ? -1 : 1;
	}
	for (char *line = b.p, *next; line && *line; line = next) {
		char *value, *mac;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (strncmp(line, key, kl) != 0 || line[kl] != ' ')
			continue;
		value = line + kl + 1;
		found = 2;
		if ((mac = strrchr(value, ' ')) == NULL)
			continue;
		*mac++ = '\0';
		record_mac(name, key, value, want);
		if (mac_equal(mac, want) && strlen(value) < n) {
			snprintf(out, n, "%s", value);
			found = 0;
		}
	}
	pthread_mutex_unlock(&records_mu);
	buf_free(&b);
	return found;
}

/* Set key to value, with its MAC, in the record file path (named name):
 * an atomic rewrite, 0600. */
static int
record_put(const char *path, const char *name, const char *key,
    const char *value, struct px_err *e)
{
	struct buf old = { 0 }, b = { 0 };
	char mac[MAC_HEX + 1];
	size_t kl = strlen(key);
	int rc;

	pthread_mutex_lock(&records_mu);
	if ((rc = trust_key_load(e)) != 0 ||
	    (rc = records_read(path, name, &old, e)) < 0)
		goto out;
	for (char *line = old.p, *next; line && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			continue;
		buf_printf(&b, "%s\n", line);
	}
	record_mac(name, key, value, mac);
	buf_printf(&b, "%s %s %s\n", key, value, mac);
	rc = px_write_file(path, b.p, b.len, 0600, e);
out:
	pthread_mutex_unlock(&records_mu);
	buf_free(&old);
	buf_free(&b);
	return rc < 0 ? -1 : 0;
}

static char *
data_file(const char *name, struct px_err *e)
{
	const char *d = px_data_dir(e);

	return d ? px_xasprintf("%s/%s", d, name) : NULL;
}

/*
 * For a fingerprint (configured or recorded by TOFU) the pin of the
 * certificate's key is taken from the pin cache when px wrote that line
 * for that very fingerprint (its MAC verifies), else from a probe that
 * sends no credential and whose certificate must have that fingerprint;
 * every later request pins it.  A configured fingerprint always wins:
 * an edited cache line is ignored, probed again and rewritten.
 */
int
http_tls_establish(struct px_client *c, struct px_err *e)
{
	const struct px_profile *p = c->p;
	char want[128] = "", fp[96], pin[64], *pins = NULL, *tofu = NULL;
	int rc = -1, got;

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
		got = record_get(tofu, "tofu", c->hostport, want, sizeof(want),
		    e);
		if (got < 0)
			goto out;
		if (got == 2) {
			px_fail(e, PXE_TLS_UNKNOWN, "the TOFU record of %s in %s "
			    "was not written by px (edited, or from before "
			    "its records were signed); refusing to trust it, "
			    "nothing was sent", c->hostport, tofu);
			px_hint(e, "check the fingerprint with `pvenode cert "
			    "info` on the node and set fingerprint = in "
			    "px.conf, or remove the line of %s from %s to "
			    "trust it on first use again", c->hostport, tofu);
			goto out;
		}
	}
	if (want[0]) {
		got = record_get(pins, "tls-pins", want, c->pin,
		    sizeof(c->pin), e);
		if (got < 0)
			goto out;
		if (got == 0 && strncmp(c->pin, "sha256//", 8) == 0) {
			rc = 0;
			goto out;
		}
		c->pin[0] = '\0';
	}
	if (http_probe(p->url, p->connect_timeout, fp, pin, e) != 0)
		goto out;
	snprintf(c->seen_fp, sizeof(c->seen_fp), "%s", fp);
	if (want[0] == '\0') {
		/* TOFU, first contact: record what we see. */
		if (record_put(tofu, "tofu", c->hostport, fp, e) != 0)
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
	/* A cache: failing to write it only costs a probe next time (a
	 * file that is unsafe was refused when it was read). */
	record_put(pins, "tls-pins", fp, pin, NULL);
	rc = 0;
out:
	free(pins);
	free(tofu);
	return rc;
}
