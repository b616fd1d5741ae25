/*
 * http.c -- requests to the PVE/PBS API through libcurl.
 *
 * Every request, single or parallel, runs through one curl multi handle,
 * whose connection cache gives keep-alive across calls.  TLS trust is
 * settled in px_client_new before the first credential-bearing request
 * (http_trust.c); the login and the ticket's renewal are http_auth.c's.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include <curl/curl.h>

#include "clock.h"
#include "enc.h"
#include "http_impl.h"
#include "json.h"
#include "pve_rrd.h"

#define RETRY_AFTER_CAP	30.0	/* seconds: never wait longer on a hint */

static CURLM *multi;
static pthread_once_t multi_once = PTHREAD_ONCE_INIT;

static void
multi_init(void)
{
	http_curl_init();
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
}

/* Once, even when the first callers are the connecting threads of px
 * fleet. */
static CURLM *
get_multi(void)
{
	pthread_once(&multi_once, multi_init);
	return multi;
}

/* ---- calls ---- */

int
px_path_has_dot_segment(const char *path)
{
	const char *s = path;

	while (*s && *s != '?') {
		size_t n = strcspn(s, "/?"), dots = 0, i = 0;

		while (i < n) {
			if (s[i] == '.') {
				i++;
			} else if (n - i >= 3 && s[i] == '%' && s[i + 1] == '2' &&
			    (s[i + 2] == 'e' || s[i + 2] == 'E')) {
				i += 3;
			} else {
				break;
			}
			dots++;
		}
		if (n > 0 && i == n && dots <= 2)
			return 1;
		s += n;
		if (*s == '/')
			s++;
	}
	return 0;
}

/* Refuse k before anything is sent when its path has a dot segment;
 * returns 1 (k done, k->err set) or 0. */
static int
call_refuse_path(struct px_call *k)
{
	if (!px_path_has_dot_segment(k->path))
		return 0;
	k->rc = -1;
	px_fail(&k->err, PXE_USAGE, "%s %s: a path segment is \".\" or "
	    "\"..\"; refusing it, nothing was sent", k->method, k->path);
	px_hint(&k->err, "a node, storage, guest or task named \".\" or "
	    "\"..\" is not one px can address");
	return 1;
}

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

char *
px_call_origin(const struct px_call *k)
{
	const struct px_client *c = k->c;

	if (c != NULL && c->name_profile && c->p != NULL)
		return px_xasprintf("%s %s on profile %s", k->method, k->path,
		    c->p->name);
	return px_xasprintf("%s %s", k->method, k->path);
}

void
px_call_free(struct px_call *k)
{
	struct call_priv *cp = k->priv;

	if (cp != NULL) {
		http_feed_join(cp);
		if (cp->easy) {
			if (cp->active)
				curl_multi_remove_handle(multi, cp->easy);
			curl_easy_cleanup(cp->easy);
		}
		curl_slist_free_all(cp->hdrs);
		curl_mime_free(cp->mime);
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

	if (k->sink != NULL) {
		long st = 0;

		curl_easy_getinfo(cp->easy, CURLINFO_RESPONSE_CODE, &st);
		if (st >= 200 && st < 300) {
			cp->sunk = 1;
			if (k->sink(k->sink_arg, data, n, cp->clen) != 0) {
				cp->sink_stop = 1;
				return 0;
			}
			return n;
		}
	}
	if (k->body.len + n > HTTP_BODY_CAP) {
		cp->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	if (k->feed != NULL && !cp->feed_off && !cp->fed) {
		long st = 0;

		curl_easy_getinfo(cp->easy, CURLINFO_RESPONSE_CODE, &st);
		if (st < 200 || st >= 300)
			cp->feed_off = 1;	/* an error's body */
	}
	if (k->feed != NULL && !cp->feed_off)
		http_feed_piece(k, cp, data, n);	/* http_feed.c */
	else
		buf_add(&k->body, data, n);
	if (k->ready != NULL && !cp->readied && cp->nclen == 1 &&
	    !cp->coded && cp->hdr_done && k->feed == NULL &&
	    k->body.len == (unsigned long long)cp->clen) {
		long st = 0;

		curl_easy_getinfo(cp->easy, CURLINFO_RESPONSE_CODE, &st);
		if (st >= 200 && st < 300) {
			cp->readied = 1;
			k->status = st;
			k->ready(k->done_arg, k);
		}
	}
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct px_call *k = arg;
	struct call_priv *cp = k->priv;
	size_t n = size * nmemb, l;
	char line[512];

	cp->hdr_bytes += n;
	if (cp->hdr_bytes > HTTP_HEADER_CAP) {
		cp->hdr_too_large = 1;
		return 0;	/* aborts the transfer */
	}
	if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		cp->hdr_done = 1;	/* the blank line: headers complete */
		return n;
	}
	l = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
	memcpy(line, data, l);
	line[l] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		/* A new status line (after 100 Continue or a redirect). */
		const char *sp = strchr(line, ' ');

		k->reason[0] = '\0';
		cp->retry_after = -1;
		cp->hdr_done = 0;
		cp->clen = -1;
		cp->nclen = cp->coded = 0;
		if (sp && (sp = strchr(sp + 1, ' ')) != NULL)
			snprintf(k->reason, sizeof(k->reason), "%s", sp + 1);
		text_sanitize(k->reason);
	} else if (strncasecmp(line, "Content-Length:", 15) == 0) {
		/* Size the body once instead of doubling up to it. */
		unsigned long long cl = strtoull(line + 15, NULL, 10);

		cp->clen = cl > 0 && cl < (1ULL << 62) ? (long long)cl : -1;
		cp->nclen++;
		/* its pages present before the bytes come (buf_reserve) */
		if (k->sink == NULL && cl > 0 && cl <= HTTP_BODY_CAP &&
		    k->body.len == 0)
			buf_reserve(&k->body, (size_t)cl + 1);
	} else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 ||
	    (strncasecmp(line, "Content-Encoding:", 17) == 0 &&
	    strcasecmp(line + 17 + strspn(line + 17, " \t"), "identity") !=
	    0)) {
		cp->coded = 1;
	} else if (strncasecmp(line, "Retry-After:", 12) == 0) {
		char *end;
		double v = strtod(line + 12, &end);

		if (end != line + 12 && v >= 0)
			cp->retry_after = v;
	}
	return n;
}

/* The file part of an upload, read as libcurl sends it. */
static size_t
on_upload_read(char *dst, size_t size, size_t nitems, void *arg)
{
	struct px_call *k = arg;
	struct call_priv *cp = k->priv;
	const struct px_upload *u = k->upload;
	size_t want = size * nitems;
	ssize_t n;

	if (cp->up_off >= u->size)
		return 0;
	if ((long long)want > u->size - cp->up_off)
		want = (size_t)(u->size - cp->up_off);
	do
		n = pread(u->fd, dst, want, (off_t)cp->up_off);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		/* an error, or the file shrank while it was sent */
		cp->up_err = n < 0 ? errno : EIO;
		return CURL_READFUNC_ABORT;
	}
	cp->up_off += n;
	return (size_t)n;
}

static int
on_upload_seek(void *arg, curl_off_t offset, int origin)
{
	struct px_call *k = arg;
	struct call_priv *cp = k->priv;

	if (origin != SEEK_SET || offset < 0 || offset > k->upload->size)
		return CURL_SEEKFUNC_FAIL;
	cp->up_off = offset;
	return CURL_SEEKFUNC_OK;
}

static int
on_upload_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct px_call *k = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	if (k->upload->progress)
		k->upload->progress(k->upload->progress_arg, (long long)ulnow,
		    k->upload->size);
	return 0;
}

/* The multipart body of k->upload: its fields (decoded from the form
 * encoding), then the file part, streamed by on_upload_read. */
static curl_mime *
upload_mime(struct px_call *k, CURL *h)
{
	const struct px_upload *u = k->upload;
	curl_mime *mime = curl_mime_init(h);
	const char *f = u->fields ? u->fields : "";
	curl_mimepart *part;

	while (*f) {
		size_t n = strcspn(f, "&"), kl = strcspn(f, "=&");
		struct buf key = { 0 }, val = { 0 };

		if (n > 0 && url_decode(&key, f, kl, 1) == 0 &&
		    url_decode(&val, f + kl + (kl < n), n - kl - (kl < n),
		    1) == 0) {
			part = curl_mime_addpart(mime);
			curl_mime_name(part, key.p ? key.p : "");
			curl_mime_data(part, val.p ? val.p : "",
			    CURL_ZERO_TERMINATED);
		}
		buf_free(&key);
		buf_free(&val);
		f += n;
		if (*f == '&')
			f++;
	}
	part = curl_mime_addpart(mime);
	curl_mime_name(part, u->file_field);
	curl_mime_filename(part, u->file_name);
	curl_mime_type(part, "application/octet-stream");
	curl_mime_data_cb(part, (curl_off_t)u->size, on_upload_read,
	    on_upload_seek, NULL, k);
	return mime;
}

static int
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Set h's TLS trust as c's profile says (see http_impl.h). */
void
http_tls_setopt(void *easy, const struct px_client *c)
{
	CURL *h = easy;

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
		curl_easy_setopt(h, CURLOPT_CAINFO, c->p->ca_file);
		break;
	case PX_TLS_SYSTEM:
		break;
	}
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
	curl_mime_free(cp->mime);
	cp->mime = NULL;
	cp->up_off = 0;
	cp->up_err = 0;
	free(cp->url);
	cp->url = px_xasprintf("%s%s%s%s", c->base, k->path,
	    (k->form && !strcmp(k->method, "DELETE")) ?
	    (strchr(k->path, '?') ? "&" : "?") : "",
	    (k->form && !strcmp(k->method, "DELETE")) ? k->form : "");
	cp->easy = h = curl_easy_init();
	cp->errbuf[0] = '\0';
	cp->too_large = 0;
	cp->hdr_too_large = 0;
	cp->hdr_done = 0;
	cp->hdr_bytes = 0;
	cp->clen = -1;
	cp->nclen = cp->coded = 0;
	cp->retry_after = -1;
	http_feed_join(cp);
	buf_reset(&k->body);
	if (cp->fed && k->feed != NULL)
		k->feed(k->feed_arg, NULL, 0, 0);	/* starts over */
	cp->fed = cp->feed_off = 0;
	k->status = 0;
	k->reason[0] = '\0';

	curl_easy_setopt(h, CURLOPT_URL, cp->url);
	/* The path as built, never with its dot segments collapsed (they
	 * are refused before this, see call_refuse_path). */
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_PRIVATE, k);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cp->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, p->connect_timeout);
	if (k->sink != NULL || k->upload != NULL) {
		/* A download or an upload: as long as it moves. */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, p->timeout);
	} else {
		curl_easy_setopt(h, CURLOPT_TIMEOUT, p->timeout);
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)HTTP_BODY_CAP);
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT, "px/" PX_VERSION);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	http_tls_setopt(h, c);

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

	if (k->upload != NULL) {
		cp->mime = upload_mime(k, h);
		curl_easy_setopt(h, CURLOPT_MIMEPOST, cp->mime);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION,
		    on_upload_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, k);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	} else if (strcmp(k->method, "GET") == 0) {
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

/* 1 when reason says no more than status s does: empty, or its
 * standard phrase (RFC 9110).  PVE puts its message in the reason
 * phrase; a proxy or another server the standard text, with the
 * message in the body. */
static int
reason_is_standard(long s, const char *reason)
{
	static const struct { long s; const char *r; } t[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 402, "Payment Required" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 410, "Gone" },
		{ 411, "Length Required" }, { 412, "Precondition Failed" },
		{ 413, "Content Too Large" }, { 413, "Payload Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 422, "Unprocessable Content" },
		{ 422, "Unprocessable Entity" }, { 423, "Locked" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	if (reason[0] == '\0')
		return 1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].s == s && strcasecmp(t[i].r, reason) == 0)
			return 1;
	return 0;
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

	if (k->body.len && json_parse(&j, k->body.p, k->body.len, NULL) == 0) {
		int errs = json_get(&j, 0, "errors"), kk, i;
		char *m = json_get_str(&j, 0, "message");

		/* The body's message, unless the reason phrase has one. */
		if (m && *m && reason_is_standard(s, k->reason)) {
			buf_adds(&msg, m);
			while (msg.len && (msg.p[msg.len - 1] == '\n' ||
			    msg.p[msg.len - 1] == ' '))
				msg.p[--msg.len] = '\0';
		} else if (k->reason[0]) {
			buf_adds(&msg, k->reason);
		}
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
	} else if (k->body.len && k->body.len < 1024 &&
	    reason_is_standard(s, k->reason) && k->body.p[0] != '<') {
		/* PBS: the error as plain text (not a proxy's HTML). */
		buf_add(&msg, k->body.p, k->body.len);
	} else if (k->reason[0]) {
		buf_adds(&msg, k->reason);
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

	if (cp->hdr_too_large || rc == CURLE_OUT_OF_MEMORY) {
		/* libcurl refuses a header line over 100 KiB as "out of
		 * memory"; px refuses header lines over HTTP_HEADER_CAP. */
		px_fail(e, PXE_TOO_LARGE, "%s %s: the answer's header is "
		    "larger than %u KiB; refusing it", k->method, k->path,
		    HTTP_HEADER_CAP >> 10);
		return;
	}
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
		/* The connection failed mid-answer: exit 7, like a drop. */
		px_fail(e, PXE_TRANSPORT, "%s %s: the answer was truncated: "
		    "the connection closed before its end (%s)", k->method,
		    k->path, why);
		if (k->attempts > 1)
			px_wrap(e, "after %d attempts", k->attempts);
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


/*
 * Where one attempt's time went, for -v: ": connect A, TLS B, wait C,
 * body D[, parse after E] ms" from libcurl's timers (a reused connection
 * has no connect or TLS), "parse after" the time the feed still took
 * once the body was in; "" when libcurl cannot say.
 */
static void
call_phases(struct call_priv *cp, char *out, size_t n)
{
	curl_off_t conn = 0, tls = 0, first = 0, total = 0;
	char after[48] = "";

	out[0] = '\0';
	if (curl_easy_getinfo(cp->easy, CURLINFO_CONNECT_TIME_T, &conn) !=
	    CURLE_OK || curl_easy_getinfo(cp->easy,
	    CURLINFO_APPCONNECT_TIME_T, &tls) != CURLE_OK ||
	    curl_easy_getinfo(cp->easy, CURLINFO_STARTTRANSFER_TIME_T,
	    &first) != CURLE_OK || curl_easy_getinfo(cp->easy,
	    CURLINFO_TOTAL_TIME_T, &total) != CURLE_OK || total <= 0)
		return;
	if (tls < conn)		/* no TLS handshake of its own */
		tls = conn;
	if (first < tls)	/* no answer began: it was all waiting */
		first = total;
	if (first < tls)
		first = tls;
	if (total < first)
		total = first;
	if (cp->parse_after >= 0.0005)
		snprintf(after, sizeof(after), ", parse after %.1f",
		    cp->parse_after * 1000);
	cp->ph[0] = (double)conn / 1000;
	cp->ph[1] = (double)(tls - conn) / 1000;
	cp->ph[2] = (double)(first - tls) / 1000;
	cp->ph[3] = (double)(total - first) / 1000;
	cp->has_ph = 1;
	snprintf(out, n, ": connect %.1f, TLS %.1f, wait %.1f, body %.1f%s ms",
	    cp->ph[0], cp->ph[1], cp->ph[2], cp->ph[3], after);
}

/* Whether the calls k[0..n) go to more than one client (-A). */
static int
fan_out(const struct px_call *k, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (k[i].c != k[0].c)
			return 1;
	return 0;
}

/* Whether call k got an answer (of any status) with its phases. */
static int
answered(const struct px_call *k)
{
	return k->status > 0 && ((const struct call_priv *)k->priv)->has_ph;
}

/*
 * -v over several clusters at once (-A): after each call's own line,
 * one that adds them up: how many answered, the median of each phase
 * (where a fan-out's time goes: 50 TLS handshakes, or the slowest
 * cluster's wait), and the call that ended last.
 */
static void
batch_phases(struct px_call *k, size_t n, double secs)
{
	static const char *const name[4] = { "connect", "TLS", "wait",
		"body" };
	double *v = px_xcalloc(n, sizeof(*v)), med[4];
	size_t m = 0, last = 0;
	char *origin;

	for (size_t i = 0; i < n; i++) {
		if (k[i].seconds > k[last].seconds)
			last = i;
		m += answered(&k[i]);
	}
	for (int p = 0; p < 4 && m > 0; p++) {
		size_t j = 0;

		for (size_t i = 0; i < n; i++) {
			if (answered(&k[i]))
				v[j++] = ((struct call_priv *)k[i].priv)->ph[p];
		}
		med[p] = stat_median(v, (int)m);
	}
	free(v);
	origin = px_call_origin(&k[last]);
	if (m > 0)
		px_notice("%zu requests in %.0f ms, %zu answered; median %s "
		    "%.1f, %s %.1f, %s %.1f, %s %.1f ms; the last to end: %s "
		    "(%.0f ms)", n, secs * 1000, m, name[0], med[0], name[1],
		    med[1], name[2], med[2], name[3], med[3], origin,
		    k[last].seconds * 1000);
	else
		px_notice("%zu requests in %.0f ms, none answered; the last "
		    "to end: %s (%.0f ms)", n, secs * 1000, origin,
		    k[last].seconds * 1000);
	free(origin);
}

/* A transfer ended: decide done or retry.  Returns 1 when done. */
static int
call_finish(struct px_call *k, CURLcode rc, double now)
{
	struct call_priv *cp = k->priv;
	struct px_client *c = k->c;
	int retry = 0, midhdr = 0;
	double delay, j0 = px_mono();
	long reqsize = 0;

	http_feed_join(cp);	/* the feed is done with this attempt */
	cp->parse_after = px_mono() - j0;
	curl_easy_getinfo(cp->easy, CURLINFO_RESPONSE_CODE, &k->status);
	if (curl_easy_getinfo(cp->easy, CURLINFO_REQUEST_SIZE, &reqsize) ==
	    CURLE_OK && reqsize > 0)
		k->sent = 1;
	/* libcurl takes a connection closed among the header lines for a
	 * complete answer without a body. */
	if (rc == CURLE_OK && !cp->hdr_done)
		midhdr = 1;
	if (c->verbose) {
		char ph[160];

		call_phases(cp, ph, sizeof(ph));
		px_notice("%s %s%s%s: %ld %s (%.0f ms%s)", k->method,
		    c->hide_prefix ? c->p->url : c->base,
		    c->hide_prefix ? "/<redacted>" : "", k->path, k->status,
		    rc == CURLE_OK ? k->reason : curl_easy_strerror(rc),
		    (now - cp->start + cp->parse_after) * 1000, ph);
	}
	if (!midhdr && rc == CURLE_OK && k->status >= 200 && k->status < 300) {
		k->rc = 0;
		return 1;
	}
	/* (A login's own 401 is a refusal, not an expired ticket.) */
	if (!midhdr && rc == CURLE_OK && k->status == 401 && c->secret &&
	    !cp->relogged &&
	    !c->in_login && strcmp(k->path, "/access/ticket") != 0) {
		/* An expired ticket: log in again once, then repeat. */
		cp->relogged = 1;
		if (c->relogin(c, NULL) == 0) {
			cp->not_before = now;
			return 0;
		}
	}
	if (cp->up_err) {
		k->rc = -1;
		px_fail(&k->err, PXE_IO, "%s %s: reading the file to upload: "
		    "%s", k->method, k->path, strerror(cp->up_err));
		return 1;
	}
	if (cp->sink_stop) {
		k->rc = -1;
		px_fail(&k->err, PXE_IO, "%s %s: the download was stopped",
		    k->method, k->path);
		return 1;
	}
	if (!is_write(k->method) && !cp->sunk &&
	    k->attempts <= c->p->retries) {
		if (midhdr)
			retry = 1;
		else if (rc == CURLE_OK && transient_status(k->status))
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
	if (midhdr) {
		px_fail(&k->err, PXE_TRANSPORT, "%s %s: the server closed the "
		    "connection in the middle of the answer's header",
		    k->method, k->path);
		if (k->attempts > 1)
			px_wrap(&k->err, "after %d attempts", k->attempts);
	} else if (rc != CURLE_OK) {
		curl_error(k, rc);
	} else {
		status_error(k);
	}
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
			c->relogin(c, NULL);
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
			if (k[i].attempts == 0 && call_refuse_path(&k[i])) {
				cp->done = 1;
				left--;
				failed++;
				if (k[i].done)
					k[i].done(k[i].done_arg, &k[i]);
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
				if (kk->done)
					kk->done(kk->done_arg, kk);
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
	if (n > 1 && k[0].c->verbose && fan_out(k, n))
		batch_phases(k, n, px_mono() - t0);
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
		if (call_refuse_path(k)) {
			*not_before = cp->not_before = -1;
			return NULL;
		}
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

void
http_call_run_blocking(struct px_call *k)
{
	struct call_priv *cp = px_xcalloc(1, sizeof(*cp));
	CURLcode rc;

	k->priv = cp;
	cp->start = px_mono();
	if (call_refuse_path(k))
		return;
	call_setup(k);
	k->attempts = 1;
	rc = curl_easy_perform(cp->easy);
	call_finish(k, rc, px_mono());
}

/* ---- a public file (http_fetch_public) ---- */

struct fetch {
	struct buf *out;
	size_t cap;
	int too_large;
};

static size_t
on_fetch(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t n = size * nmemb;

	if (f->out->len + n > f->cap) {
		f->too_large = 1;
		return 0;
	}
	buf_add(f->out, data, n);
	return n;
}

int
http_fetch_public(const char *url, const char *ca_file, size_t cap,
    long timeout, struct buf *out, struct px_err *e)
{
	struct fetch f = { out, cap, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	CURL *h;

	http_curl_init();
	if (strncmp(url, "https://", 8) != 0)
		return px_fail(e, PXE_USAGE, "%s: only https:// is fetched",
		    url);
	if ((h = curl_easy_init()) == NULL)
		return px_fail(e, PXE_TRANSPORT, "libcurl: no handle");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout :
	    15L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_fetch);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "px/" PX_VERSION);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	if (ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (f.too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return px_fail(e, PXE_TOO_LARGE, "%s: larger than %zu bytes",
		    url, cap);
	if (rc != CURLE_OK) {
		text_sanitize(errbuf);
		if (rc == CURLE_SSL_CACERT_BADFILE)
			return px_fail(e, PXE_CONFIG, "%s: the CA file %s "
			    "could not be read", url, ca_file ? ca_file : "");
		return px_fail(e, rc == CURLE_PEER_FAILED_VERIFICATION ||
		    rc == CURLE_SSL_CONNECT_ERROR ? PXE_TLS :
		    PXE_TRANSPORT, "%s: %s", url, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
	}
	if (status == 404)
		return px_fail(e, PXE_NOT_FOUND, "%s: 404 Not Found", url);
	if (status < 200 || status >= 300)
		return px_fail(e, PXE_TRANSPORT, "%s: HTTP %ld", url, status);
	return 0;
}
