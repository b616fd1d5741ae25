/*
 * http.c -- requests to the PVE/PBS API through libcurl.
 *
 * Every request, single or parallel, runs through one curl multi handle,
 * whose connection cache gives keep-alive across calls.  TLS trust is
 * settled in px_client_new before the first credential-bearing request:
 * see tls_establish below.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>
#include <curl/curl.h>

#include "clock.h"
#include "enc.h"
#include "http.h"
#include "diag.h"
#include "http_async.h"
#include "json.h"

#define RETRY_AFTER_CAP	30.0	/* seconds: never wait longer on a hint */
#define TICKET_RENEW	(105 * 60)	/* renew tickets before 2 h */

struct px_client {
	const struct px_conf *conf;
	const struct px_profile *p;
	char *base;		/* https://host:port/api2/json */
	char *hostport;		/* host:port, for TOFU records */
	struct curl_slist *auth;	/* Authorization header (token) */
	char *secret;		/* password, kept for re-login; wiped */
	char *cookie;		/* PVEAuthCookie=... */
	char *csrf_header;	/* CSRFPreventionToken: ... */
	time_t ticket_at;
	enum px_tls tls;
	char pin[64];		/* sha256//BASE64 when pinning */
	char seen_fp[96];	/* fingerprint seen on the probe */
	int verbose;
	int hide_prefix;	/* the API prefix is a credential: never log it */
	double bucket, bucket_at;	/* rate limit: tokens, last refill */
	int in_login;
	int renewing;		/* an http_renewal call is out */
	time_t renew_after;	/* a failed renewal: not again before */
};

struct call_priv {
	CURL *easy;
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
	double start, not_before, retry_after;
	int active, done, too_large, relogged;
	char *url;
};

static CURLM *multi;
static pthread_once_t multi_once = PTHREAD_ONCE_INIT;
/* px fleet connects its profiles on threads of their own (px_client_new
 * may probe and log in, which blocks): the pin and TOFU files are
 * rewritten whole, so two first contacts must not interleave. */
static pthread_mutex_t records_mu = PTHREAD_MUTEX_INITIALIZER;

static void
multi_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
}

/* Once, even when the first callers are the connecting threads of px
 * fleet (http_probe calls it). */
static CURLM *
get_multi(void)
{
	pthread_once(&multi_once, multi_init);
	return multi;
}

/* host:port of an https URL, with the default port defport. */
static char *
url_hostport(const char *url, int defport)
{
	const char *h = url + 8, *end = h + strcspn(h, "/?#");
	const char *colon = NULL;

	if (*h == '[') {	/* [v6]:port */
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (rb && rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
	}
	if (colon)
		return px_xstrndup(h, (size_t)(end - h));
	return px_xasprintf("%.*s:%d", (int)(end - h), h, defport);
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

	get_multi();
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
 * Settle TLS trust for c.  For a fingerprint (configured or recorded by
 * TOFU) the pin of the certificate's key is taken from the pin cache or
 * from a probe that sends no credential; every later request pins it.
 */
static int
tls_establish(struct px_client *c, struct px_err *e)
{
	const struct px_profile *p = c->p;
	char want[128] = "", fp[96], pin[64], *pins = NULL, *tofu = NULL;
	int rc = -1;

	c->tls = conf_tls_mode(p);
	if (c->tls == PX_TLS_INSECURE) {
		px_warn("warning: TLS verification is off for profile %s "
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
		px_warn("trusting %s on first use: certificate fingerprint %s "
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

/* ---- calls ---- */

void
px_call_init(struct px_call *k, struct px_client *c, const char *method,
    const char *form, const char *pathfmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	memset(k, 0, sizeof(*k));
	k->c = c;
	k->method = method;
	va_start(ap, pathfmt);
	buf_vprintf(&b, pathfmt, ap);
	va_end(ap);
	k->path = buf_steal(&b);
	k->form = form ? px_xstrdup(form) : NULL;
}

void
px_call_free(struct px_call *k)
{
	struct call_priv *cp = k->priv;

	if (cp != NULL) {
		if (cp->easy) {
			if (cp->active)
				curl_multi_remove_handle(multi, cp->easy);
			curl_easy_cleanup(cp->easy);
		}
		curl_slist_free_all(cp->hdrs);
		free(cp->url);
		free(cp);
	}
	free(k->path);
	if (k->form)
		explicit_bzero(k->form, strlen(k->form));
	free(k->form);
	buf_free(&k->body);
	k->priv = NULL;
	k->path = k->form = NULL;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct px_call *k = arg;
	struct call_priv *cp = k->priv;
	size_t n = size * nmemb;

	if (k->body.len + n > HTTP_BODY_CAP) {
		cp->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	buf_add(&k->body, data, n);
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct px_call *k = arg;
	struct call_priv *cp = k->priv;
	size_t n = size * nmemb, l;
	char line[512];

	l = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memcpy(line, data, l);
	line[l] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		/* A new status line (after 100 Continue or a redirect). */
		const char *sp = strchr(line, ' ');

		k->reason[0] = '\0';
		cp->retry_after = -1;
		if (sp && (sp = strchr(sp + 1, ' ')) != NULL)
			snprintf(k->reason, sizeof(k->reason), "%s", sp + 1);
		text_sanitize(k->reason);
	} else if (strncasecmp(line, "Content-Length:", 15) == 0) {
		/* Size the body once instead of doubling up to it. */
		unsigned long long cl = strtoull(line + 15, NULL, 10);

		if (cl > 0 && cl <= HTTP_BODY_CAP && k->body.len == 0) {
			buf_grow(&k->body, (size_t)cl);
		}
	} else if (strncasecmp(line, "Retry-After:", 12) == 0) {
		char *end;
		double v = strtod(line + 12, &end);

		if (end != line + 12 && v >= 0)
			cp->retry_after = v;
	}
	return n;
}

static int
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static void
call_setup(struct px_call *k)
{
	struct call_priv *cp = k->priv;
	struct px_client *c = k->c;
	const struct px_profile *p = c->p;
	CURL *h;

	if (cp->easy) {
		curl_easy_cleanup(cp->easy);
		curl_slist_free_all(cp->hdrs);
		cp->hdrs = NULL;
	}
	free(cp->url);
	cp->url = px_xasprintf("%s%s%s%s", c->base, k->path,
	    (k->form && !strcmp(k->method, "DELETE")) ?
	    (strchr(k->path, '?') ? "&" : "?") : "",
	    (k->form && !strcmp(k->method, "DELETE")) ? k->form : "");
	cp->easy = h = curl_easy_init();
	cp->errbuf[0] = '\0';
	cp->too_large = 0;
	cp->retry_after = -1;
	buf_reset(&k->body);
	k->status = 0;
	k->reason[0] = '\0';

	curl_easy_setopt(h, CURLOPT_URL, cp->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, k);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cp->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, p->connect_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, p->timeout);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)HTTP_BODY_CAP);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "px/" PX_VERSION);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	switch (c->tls) {
	case PX_TLS_INSECURE:
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		break;
	case PX_TLS_FINGERPRINT:
	case PX_TLS_TOFU:
		/* The pinned key is the trust: libcurl refuses any other
		 * key during the handshake, before any byte of HTTP. */
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
		break;
	case PX_TLS_CAFILE:
		curl_easy_setopt(h, CURLOPT_CAINFO, p->ca_file);
		break;
	case PX_TLS_SYSTEM:
		break;
	}

	cp->hdrs = curl_slist_append(NULL, "Accept: application/json");
	cp->hdrs = curl_slist_append(cp->hdrs, "Expect:");
	if (c->auth)
		cp->hdrs = curl_slist_append(cp->hdrs, c->auth->data);
	if (c->cookie) {
		curl_easy_setopt(h, CURLOPT_COOKIE, c->cookie);
		if (is_write(k->method) && c->csrf_header)
			cp->hdrs = curl_slist_append(cp->hdrs, c->csrf_header);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, cp->hdrs);

	if (strcmp(k->method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(k->method, "DELETE") == 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	} else {
		const char *f = k->form ? k->form : "";

		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(f));
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, f);
		if (strcmp(k->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, k->method);
	}
}

/* Wait for a token of c's rate limit; returns the time it is due. */
static double
rate_due(struct px_client *c, double now)
{
	double rate = c->p->rate_limit, burst;

	if (rate <= 0)
		return now;
	burst = rate < 1 ? 1 : rate;
	if (c->bucket_at == 0) {
		c->bucket = burst;
		c->bucket_at = now;
	}
	c->bucket += (now - c->bucket_at) * rate;
	if (c->bucket > burst)
		c->bucket = burst;
	c->bucket_at = now;
	c->bucket -= 1;
	if (c->bucket >= 0)
		return now;
	return now + (-c->bucket) / rate;
}

static int
transient_status(long s)
{
	return s == 429 || s == 502 || s == 503 || s == 504;
}

static int
transient_curl(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_GOT_NOTHING ||
	    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	    rc == CURLE_PARTIAL_FILE;
}

/* Compose the error of a non-2xx answer from the status, the reason
 * phrase and PVE's body ({"errors":{...}}, "message", PBS's text). */
static void
status_error(struct px_call *k)
{
	struct px_err *e = &k->err;
	struct buf msg = { 0 };
	struct json j;
	enum px_errid id;
	long s = k->status;

	if (k->reason[0])
		buf_adds(&msg, k->reason);
	if (k->body.len && json_parse(&j, k->body.p, k->body.len, NULL) == 0) {
		int errs = json_get(&j, 0, "errors"), kk, i;
		char *m = json_get_str(&j, 0, "message");

		if (m && *m && msg.len == 0)
			buf_adds(&msg, m);
		free(m);
		if (json_type(&j, errs) == JSON_OBJECT) {
			buf_adds(&msg, msg.len ? ": " : "");
			JSON_FOREACH_KV(&j, errs, kk, i) {
				char *key = json_strdup(&j, kk);
				char *val = json_strdup(&j, kk + 1);

				buf_printf(&msg, "%s%s: %s", i ? "; " : "",
				    key ? key : "?", val ? val : "");
				free(key);
				free(val);
			}
		}
		json_free(&j);
	} else if (k->body.len && k->body.len < 1024 && msg.len == 0) {
		/* PBS: the error as plain text. */
		buf_add(&msg, k->body.p, k->body.len);
	}
	if (msg.len == 0)
		buf_printf(&msg, "HTTP %ld", s);
	text_sanitize(msg.p);

	if (s == 401)
		id = PXE_UNAUTHORIZED;
	else if (s == 403)
		id = PXE_FORBIDDEN;
	else if (s == 404)
		id = PXE_NOT_FOUND;
	else if (s == 429)
		id = PXE_RATE_LIMITED;
	else if (s == 502 || s == 503 || s == 504 || (s >= 590 && s <= 599))
		id = PXE_UNAVAILABLE;
	else if (strstr(msg.p, "does not exist") ||
	    strstr(msg.p, "no such") || strstr(msg.p, "not found") ||
	    strstr(msg.p, "hostname lookup"))
		id = PXE_NOT_FOUND;
	else
		id = PXE_API;
	px_fail(e, id, "%s %s: %ld %s", k->method, k->path, s, msg.p);
	e->http = (int)s;
	if (id == PXE_UNAUTHORIZED)
		px_hint(e, "check user, token_id and the secret of profile %s; "
		    "px doctor tests them", k->c->p->name);
	else if (id == PXE_FORBIDDEN)
		px_hint(e, "the token lacks the privilege named; grant it "
		    "(pveum acl modify) or use another profile");
	if ((id == PXE_UNAVAILABLE || id == PXE_RATE_LIMITED) && k->attempts > 1)
		px_wrap(e, "after %d attempts", k->attempts);
	buf_free(&msg);
}

static void
curl_error(struct px_call *k, CURLcode rc)
{
	struct call_priv *cp = k->priv;
	const char *why = cp->errbuf[0] ? cp->errbuf : curl_easy_strerror(rc);
	struct px_err *e = &k->err;

	if (cp->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		px_fail(e, PXE_TOO_LARGE, "%s %s: the answer is larger than "
		    "%u MiB; refusing it", k->method, k->path,
		    HTTP_BODY_CAP >> 20);
		return;
	}
	switch (rc) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH: {
		char fp[96], pin[64];
		struct px_err pe;

		if (http_probe(k->c->p->url, k->c->p->connect_timeout, fp, pin,
		    &pe) != 0)
			snprintf(fp, sizeof(fp), "(unknown)");
		px_fail(e, PXE_TLS_MISMATCH, "TLS certificate of %s does not "
		    "match the trusted key (now presenting fingerprint %s); "
		    "nothing was sent", k->c->hostport, fp);
		px_hint(e, "compare with `pvenode cert info` on the node");
		return;
	}
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE: {
		char fp[96], pin[64];
		struct px_err pe;

		px_fail(e, PXE_TLS_UNKNOWN, "TLS certificate of %s is not "
		    "trusted: %s", k->c->hostport, why);
		if (http_probe(k->c->p->url, k->c->p->connect_timeout, fp, pin,
		    &pe) == 0)
			px_hint(e, "if `pvenode cert info` on the node shows "
			    "%s, set fingerprint = %s in [profile %s]", fp, fp,
			    k->c->p->name);
		return;
	}
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		px_fail(e, PXE_TLS, "%s %s: TLS: %s", k->method, k->path, why);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		px_fail(e, PXE_TIMEOUT, "%s %s: timed out (%s)", k->method,
		    k->path, why);
		return;
	case CURLE_PARTIAL_FILE:
		px_fail(e, PXE_PARSE, "%s %s: the answer was truncated (%s)",
		    k->method, k->path, why);
		return;
	case CURLE_GOT_NOTHING:
		px_fail(e, PXE_TRANSPORT, "%s %s: the server closed the "
		    "connection without answering", k->method, k->path);
		if (k->attempts > 1)
			px_wrap(e, "after %d attempts", k->attempts);
		return;
	default:
		px_fail(e, PXE_TRANSPORT, "%s %s: %s", k->method, k->path, why);
		if (k->attempts > 1)
			px_wrap(e, "after %d attempts", k->attempts);
		return;
	}
}

static int client_login(struct px_client *c, struct px_err *e);

/* A transfer ended: decide done or retry.  Returns 1 when done. */
static int
call_finish(struct px_call *k, CURLcode rc, double now)
{
	struct call_priv *cp = k->priv;
	struct px_client *c = k->c;
	int retry = 0;
	double delay;

	curl_easy_getinfo(cp->easy, CURLINFO_RESPONSE_CODE, &k->status);
	if (c->verbose)
		px_warn("%s %s%s%s: %ld %s (%.0f ms)", k->method,
		    c->hide_prefix ? c->p->url : c->base,
		    c->hide_prefix ? "/<redacted>" : "", k->path, k->status,
		    rc == CURLE_OK ? k->reason : curl_easy_strerror(rc),
		    (now - cp->start) * 1000);
	if (rc == CURLE_OK && k->status >= 200 && k->status < 300) {
		k->rc = 0;
		return 1;
	}
	/* (A login's own 401 is a refusal, not an expired ticket.) */
	if (rc == CURLE_OK && k->status == 401 && c->secret && !cp->relogged &&
	    !c->in_login && strcmp(k->path, "/access/ticket") != 0) {
		/* An expired ticket: log in again once, then repeat. */
		cp->relogged = 1;
		if (client_login(c, NULL) == 0) {
			cp->not_before = now;
			return 0;
		}
	}
	if (!is_write(k->method) && k->attempts <= c->p->retries) {
		if (rc == CURLE_OK && transient_status(k->status))
			retry = 1;
		if (rc != CURLE_OK && transient_curl(rc) && !cp->too_large)
			retry = 1;
	}
	if (retry) {
		delay = 0.25 * pow(2, k->attempts - 1) *
		    (0.5 + (double)random() / RAND_MAX);
		if (cp->retry_after >= 0)
			delay = cp->retry_after < RETRY_AFTER_CAP ?
			    cp->retry_after : RETRY_AFTER_CAP;
		cp->not_before = now + delay;
		return 0;
	}
	k->rc = -1;
	if (rc != CURLE_OK)
		curl_error(k, rc);
	else
		status_error(k);
	return 1;
}

int
px_call_run(struct px_call *k, size_t n)
{
	CURLM *m = get_multi();
	size_t left = n;
	int failed = 0, running;
	double t0 = px_mono();

	for (size_t i = 0; i < n; i++) {
		struct px_client *c = k[i].c;

		/* Renew a ticket before it expires (2 h on PVE). */
		if (c->cookie && !c->in_login &&
		    time(NULL) - c->ticket_at > TICKET_RENEW)
			client_login(c, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct call_priv *cp = px_xcalloc(1, sizeof(*cp));

		k[i].priv = cp;
		k[i].rc = -1;
		k[i].attempts = 0;
		px_err_clear(&k[i].err);
		cp->start = t0;
		cp->not_before = t0;
	}
	while (left > 0) {
		double now = px_mono(), next = now + 1;
		CURLMsg *msg;
		int q;

		for (size_t i = 0; i < n; i++) {
			struct call_priv *cp = k[i].priv;

			if (cp->done || cp->active)
				continue;
			if (cp->not_before > now) {
				if (cp->not_before < next)
					next = cp->not_before;
				continue;
			}
			double due = rate_due(k[i].c, now);

			if (due > now) {
				cp->not_before = due;
				if (due < next)
					next = due;
				continue;
			}
			call_setup(&k[i]);
			k[i].attempts++;
			cp->active = 1;
			curl_multi_add_handle(m, cp->easy);
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &q)) != NULL) {
			struct px_call *kk;
			struct call_priv *cp;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&kk);
			cp = kk->priv;
			curl_multi_remove_handle(m, cp->easy);
			cp->active = 0;
			now = px_mono();
			if (call_finish(kk, msg->data.result, now)) {
				cp->done = 1;
				kk->seconds = now - t0;
				left--;
				if (kk->rc != 0)
					failed++;
			} else if (cp->not_before < next) {
				next = cp->not_before;
			}
		}
		if (left == 0)
			break;
		now = px_mono();
		int wait = (int)((next - now) * 1000);

		if (running > 0 && wait > 100)
			wait = 100;
		if (wait < 0)
			wait = 0;
		curl_multi_poll(m, NULL, 0, wait, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct call_priv *cp = k[i].priv;

		if (cp->easy) {
			curl_easy_cleanup(cp->easy);
			cp->easy = NULL;
		}
	}
	return failed;
}

/* ---- one attempt at a time, for lib/http_async.c ---- */

/*
 * The non-blocking path (lib/http_async.c) drives the same attempts as
 * px_call_run through its own multi handle: these two functions are
 * px_call_run's loop body, split where it would wait.
 */
double
http_now(void)
{
	return px_mono();
}

void *
http_call_attempt(struct px_call *k, double *not_before)
{
	struct call_priv *cp = k->priv;
	double now = px_mono(), due;

	get_multi();	/* curl_global_init */
	if (cp == NULL) {
		/* No ticket renewal here: px_async_start runs it alongside
		 * (http_renewal), since the old ticket is still good. */
		cp = k->priv = px_xcalloc(1, sizeof(*cp));
		k->rc = -1;
		k->attempts = 0;
		px_err_clear(&k->err);
		cp->start = now;
		cp->not_before = now;
	}
	if ((due = rate_due(k->c, now)) > now) {
		*not_before = cp->not_before = due;
		return NULL;
	}
	call_setup(k);
	k->attempts++;
	return cp->easy;
}

int
http_call_finish(struct px_call *k, int result, double *not_before)
{
	struct call_priv *cp = k->priv;
	double now = px_mono();

	if (!call_finish(k, (CURLcode)result, now)) {
		*not_before = cp->not_before;
		return 0;
	}
	k->seconds = now - cp->start;
	curl_easy_cleanup(cp->easy);
	cp->easy = NULL;
	return 1;
}

/* Run one call on its own easy handle, outside the shared multi handle,
 * so that a login can happen while other calls are in flight.  No retry:
 * it is a write. */
static void
call_run_blocking(struct px_call *k)
{
	struct call_priv *cp = px_xcalloc(1, sizeof(*cp));
	CURLcode rc;

	k->priv = cp;
	cp->start = px_mono();
	call_setup(k);
	k->attempts = 1;
	rc = curl_easy_perform(cp->easy);
	call_finish(k, rc, px_mono());
}

/* ---- the client ---- */

/* The POST /access/ticket that logs in with the password, or renews the
 * ticket with the ticket itself. */
static void
login_call(struct px_client *c, struct px_call *k, int renew)
{
	struct buf form = { 0 };

	form_add(&form, "username", c->p->user);
	form_add(&form, "password", renew ? strchr(c->cookie, '=') + 1 :
	    c->secret);
	px_call_init(k, c, "POST", form.p, "/access/ticket");
	buf_wipe(&form);
}

/* Keep the ticket and the CSRF token of a successful login call k
 * (first: a login with the password, not a renewal). */
static int
login_apply(struct px_client *c, struct px_call *k, int first,
    struct px_err *e)
{
	struct json j;
	char *ticket, *csrf;
	const char *age;

	if (json_parse(&j, k->body.p, k->body.len, e) != 0)
		return -1;
	ticket = json_strdup(&j, json_path(&j, 0, "data.ticket"));
	csrf = json_strdup(&j, json_path(&j, 0, "data.CSRFPreventionToken"));
	json_free(&j);
	if (ticket == NULL) {
		secret_free(csrf);
		return px_fail(e, PXE_PARSE, "login as %s: no ticket in the "
		    "answer", c->p->user);
	}
	secret_free(c->cookie);
	c->cookie = px_xasprintf("%s=%s", c->p->kind == PX_KIND_PBS ?
	    "PBSAuthCookie" : "PVEAuthCookie", ticket);
	secret_free(c->csrf_header);
	c->csrf_header = csrf ? px_xasprintf("CSRFPreventionToken: %s", csrf) :
	    NULL;
	c->ticket_at = time(NULL);
	/* A test hook: PX_TEST_TICKET_AGE=S makes the first ticket S
	 * seconds old, so that tests see its renewal without waiting 105
	 * minutes. */
	if (first && (age = getenv("PX_TEST_TICKET_AGE")) != NULL)
		c->ticket_at -= (time_t)atol(age);
	secret_free(ticket);
	secret_free(csrf);
	return 0;
}

/* Log in (or renew the ticket) and wait for it. */
static int
client_login(struct px_client *c, struct px_err *e)
{
	struct px_call k;
	int rc = -1, renew = c->cookie != NULL &&
	    time(NULL) - c->ticket_at < 2 * 3600 - 60;

	login_call(c, &k, renew);
	secret_free(c->cookie);
	c->cookie = NULL;
	c->in_login = 1;
	call_run_blocking(&k);
	c->in_login = 0;
	if (k.rc != 0 && renew) {
		/* The renewal was refused: fall back to the password. */
		px_call_free(&k);
		c->ticket_at = 0;
		return client_login(c, e);
	}
	if (k.rc != 0) {
		if (e)
			*e = k.err;
		if (k.status == 401)
			px_fail(e, PXE_UNAUTHORIZED, "login as %s failed: %s",
			    c->p->user, k.reason[0] ? k.reason :
			    "authentication failure");
	} else
		rc = login_apply(c, &k, !renew, e);
	px_call_free(&k);
	return rc;
}

struct px_call *
http_renewal(struct px_client *c)
{
	time_t now = time(NULL);
	struct px_call *k;

	if (c->cookie == NULL || c->in_login || c->renewing ||
	    now - c->ticket_at <= TICKET_RENEW || now < c->renew_after)
		return NULL;
	k = px_xcalloc(1, sizeof(*k));
	login_call(c, k, 1);
	c->renewing = 1;
	return k;
}

void
http_renewal_done(struct px_call *k)
{
	struct px_client *c = k->c;

	/* A failed renewal keeps the ticket, good until its 2 hours are
	 * up; try again in a minute. */
	if (k->rc != 0 || k->priv == NULL || login_apply(c, k, 0, NULL) != 0)
		c->renew_after = time(NULL) + 60;
	c->renewing = 0;
	px_call_free(k);
	free(k);
}

struct px_client *
px_client_new(const struct px_conf *conf, const struct px_profile *p,
    const struct px_client_opts *o, struct px_err *e)
{
	struct px_client *c = px_xcalloc(1, sizeof(*c));
	const char *source;
	char *secret = NULL;

	c->conf = conf;
	c->p = p;
	c->verbose = o ? o->verbose : 0;
	c->base = px_xasprintf("%s%s", p->url,
	    o && o->api_prefix ? o->api_prefix : "/api2/json");
	c->hostport = url_hostport(p->url, o && o->no_auth ? 443 :
	    p->kind == PX_KIND_PBS ? 8007 : 8006);
	if (o && o->no_auth) {
		c->hide_prefix = 1;
		if (tls_establish(c, e) != 0)
			goto fail;
		return c;
	}
	if (conf_secret(conf, p, o ? o->secret : NULL, &secret, &source, e) != 0)
		goto fail;
	if (tls_establish(c, e) != 0) {
		secret_free(secret);
		goto fail;
	}
	if (p->auth == PX_AUTH_TOKEN) {
		char *h;

		if (p->kind == PX_KIND_PBS)
			h = px_xasprintf("Authorization: PBSAPIToken=%s!%s:%s",
			    p->user, p->token_id, secret);
		else
			h = px_xasprintf("Authorization: PVEAPIToken=%s!%s=%s",
			    p->user, p->token_id, secret);
		c->auth = curl_slist_append(NULL, h);
		secret_free(h);
		secret_free(secret);
	} else {
		c->secret = secret;
		if (client_login(c, e) != 0)
			goto fail;
	}
	return c;
fail:
	px_client_free(c);
	return NULL;
}

void
px_client_free(struct px_client *c)
{
	if (c == NULL)
		return;
	if (c->auth) {
		explicit_bzero(c->auth->data, strlen(c->auth->data));
		curl_slist_free_all(c->auth);
	}
	secret_free(c->secret);
	secret_free(c->cookie);
	secret_free(c->csrf_header);
	free(c->base);
	free(c->hostport);
	free(c);
}

const struct px_profile *
px_client_profile(const struct px_client *c)
{
	return c->p;
}

const char *
px_client_fingerprint(const struct px_client *c)
{
	return c->seen_fp[0] ? c->seen_fp : NULL;
}
