/*
 * http_ws.c -- a WebSocket over libcurl's CONNECT_ONLY (see http_ws.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "enc.h"
#include "http_impl.h"
#include "http_ws.h"

#define WS_HANDSHAKE_CAP	(16u << 10)	/* the 101's header block */
#define WS_IN_CAP	(WS_MAX_MESSAGE + WS_MAX_FRAME + 64)

struct ws_conn {
	struct px_client *c;
	CURL *h;
	int fd;
	struct buf in;		/* received, not yet read as frames */
	struct ws_reader r;
	int closed;		/* a close frame was sent */
	int done;		/* a close frame was received, or an error */
	int eof;		/* the peer closed the connection */
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait until fd is ready for events or the deadline; 0, or -1 on timeout. */
static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	double left = deadline - mono();
	int r;

	if (left <= 0)
		return -1;
	r = poll(&p, 1, (int)(left * 1000) + 1);
	if (r < 0 && errno == EINTR)
		return 0;
	return r > 0 ? 0 : -1;
}

static void
random_bytes(unsigned char *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(b + got, n - got, 0);

		if (r < 0) {
			/* getrandom does not fail once the pool is ready;
			 * the mask is no secret, only unpredictable to
			 * scripts that would poison a proxy's cache. */
			long t = (long)(mono() * 1e9);

			memcpy(b + got, &t, n - got < sizeof(t) ?
			    n - got : sizeof(t));
			got += n - got < sizeof(t) ? n - got : sizeof(t);
			continue;
		}
		got += (size_t)r;
	}
}

static int
send_all(struct ws_conn *w, const void *data, size_t n, struct px_err *e)
{
	const char *p = data;
	double deadline = mono() + (w->c->p->timeout > 0 ?
	    w->c->p->timeout : 60);

	while (n > 0) {
		size_t sent = 0;
		CURLcode rc = curl_easy_send(w->h, p, n, &sent);

		if (rc == CURLE_AGAIN) {
			if (wait_fd(w->fd, POLLOUT, deadline) != 0)
				return px_fail(e, PXE_TIMEOUT, "WebSocket to "
				    "%s: sending timed out", w->c->hostport);
			continue;
		}
		if (rc != CURLE_OK)
			return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: "
			    "%s", w->c->hostport, curl_easy_strerror(rc));
		p += sent;
		n -= sent;
	}
	return 0;
}

/* Read what is there into w->in: 1 some bytes, 0 none now, -1 with e
 * (the peer closed, or an error). */
static int
recv_some(struct ws_conn *w, struct px_err *e)
{
	char chunk[32768];
	int any = 0;

	if (w->eof)
		return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: the "
		    "connection closed", w->c->hostport);
	while (w->in.len < WS_IN_CAP) {
		size_t got = 0;
		CURLcode rc = curl_easy_recv(w->h, chunk, sizeof(chunk), &got);

		if (rc == CURLE_AGAIN)
			return any;
		if (rc != CURLE_OK)
			return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: %s",
			    w->c->hostport, curl_easy_strerror(rc));
		if (got == 0) {
			/* what came before the end is read first */
			w->eof = 1;
			if (any)
				return 1;
			return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: "
			    "the connection closed", w->c->hostport);
		}
		buf_add(&w->in, chunk, got);
		any = 1;
	}
	return any;
}

/* The value of header name in the block h (NUL-terminated lines
 * separated by CRLF), into out; 0, or -1 when absent. */
static int
header_value(const char *h, const char *name, char *out, size_t outn)
{
	size_t nl = strlen(name);
	const char *line = strstr(h, "\r\n");

	while (line && line[2] != '\0') {
		const char *eol;

		line += 2;
		eol = strstr(line, "\r\n");
		if (eol == NULL)
			eol = line + strlen(line);
		if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl)
		    == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			size_t vn;

			while (*v == ' ' || *v == '\t')
				v++;
			vn = (size_t)(eol - v);
			while (vn > 0 && (v[vn - 1] == ' ' ||
			    v[vn - 1] == '\t'))
				vn--;
			if (vn >= outn)
				vn = outn - 1;
			memcpy(out, v, vn);
			out[vn] = '\0';
			return 0;
		}
		line = *eol ? eol : NULL;
	}
	return -1;
}

static int
status_fail(struct ws_conn *w, long status, const char *reason,
    struct px_err *e)
{
	char r[200];
	enum px_errid id = PXE_API;

	snprintf(r, sizeof(r), "%s", reason);
	text_sanitize(r);
	if (status == 401)
		id = PXE_UNAUTHORIZED;
	else if (status == 403)
		id = PXE_FORBIDDEN;
	else if (status == 404)
		id = PXE_NOT_FOUND;
	else if (status == 502 || status == 503 || status == 504 ||
	    (status >= 590 && status <= 599))
		id = PXE_UNAVAILABLE;
	return px_fail(e, id, "WebSocket to %s refused: %ld %s",
	    w->c->hostport, status, r);
}

/* Send the upgrade request and check the answer; 0 or -1 with e. */
static int
handshake(struct ws_conn *w, const char *target, const char *subprotocol,
    struct px_err *e)
{
	struct px_client *c = w->c;
	unsigned char nonce[16];
	char key[25], want[29], v[256];
	struct buf rq = {0};
	double deadline = mono() + (c->p->timeout > 0 ? c->p->timeout : 60);
	char *end, *sp;
	long status;
	size_t hl;
	int rc = -1;

	random_bytes(nonce, sizeof(nonce));
	ws_handshake_key(key, nonce);
	ws_handshake_accept(want, key);
	buf_printf(&rq, "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: px/" PX_VERSION "\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
	    target, c->hostport, key);
	if (subprotocol)
		buf_printf(&rq, "Sec-WebSocket-Protocol: %s\r\n", subprotocol);
	if (c->auth)
		buf_printf(&rq, "%s\r\n", c->auth->data);
	if (c->cookie)
		buf_printf(&rq, "Cookie: %s\r\n", c->cookie);
	buf_adds(&rq, "\r\n");
	if (send_all(w, rq.p, rq.len, e) != 0)
		goto out;
	for (;;) {
		int got;

		if ((end = memmem(w->in.p ? w->in.p : "", w->in.len,
		    "\r\n\r\n", 4)) != NULL)
			break;
		if (w->in.len > WS_HANDSHAKE_CAP) {
			px_fail(e, PXE_TOO_LARGE, "WebSocket to %s: the "
			    "answer's header is larger than %u KiB",
			    c->hostport, WS_HANDSHAKE_CAP >> 10);
			goto out;
		}
		if ((got = recv_some(w, e)) < 0)
			goto out;
		if (got == 0 && wait_fd(w->fd, POLLIN, deadline) != 0) {
			px_fail(e, PXE_TIMEOUT, "WebSocket to %s: no answer "
			    "to the upgrade", c->hostport);
			goto out;
		}
	}
	hl = (size_t)(end - w->in.p) + 4;
	end[2] = '\0';		/* the block ends with its last CRLF */
	if (memchr(w->in.p, '\0', hl - 2) != NULL ||
	    strncmp(w->in.p, "HTTP/1.1 ", 9) != 0) {
		px_fail(e, PXE_PARSE, "WebSocket to %s: not an HTTP/1.1 "
		    "answer", c->hostport);
		goto out;
	}
	status = strtol(w->in.p + 9, &sp, 10);
	if (status != 101) {
		char *eol = strstr(w->in.p, "\r\n");

		*eol = '\0';
		status_fail(w, status, *sp == ' ' ? sp + 1 : "", e);
		goto out;
	}
	if (header_value(w->in.p, "Upgrade", v, sizeof(v)) != 0 ||
	    strcasecmp(v, "websocket") != 0 ||
	    header_value(w->in.p, "Connection", v, sizeof(v)) != 0 ||
	    strcasestr(v, "upgrade") == NULL) {
		px_fail(e, PXE_PARSE, "WebSocket to %s: the answer is not a "
		    "WebSocket upgrade", c->hostport);
		goto out;
	}
	if (header_value(w->in.p, "Sec-WebSocket-Accept", v, sizeof(v)) != 0
	    || strcmp(v, want) != 0) {
		px_fail(e, PXE_PARSE, "WebSocket to %s: wrong or missing "
		    "Sec-WebSocket-Accept", c->hostport);
		goto out;
	}
	/* frames that came with the answer stay in w->in */
	memmove(w->in.p, w->in.p + hl, w->in.len - hl);
	w->in.len -= hl;
	w->in.p[w->in.len] = '\0';
	rc = 0;
out:
	buf_wipe(&rq);
	return rc;
}

static int
connect_error(struct ws_conn *w, CURLcode rc, const char *why,
    struct px_err *e)
{
	const char *host = w->c->hostport;

	switch (rc) {
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return px_fail(e, PXE_TLS_MISMATCH, "TLS certificate of %s "
		    "does not match the trusted key; nothing was sent", host);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return px_fail(e, PXE_TLS_UNKNOWN, "TLS certificate of %s is "
		    "not trusted: %s", host, why);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		return px_fail(e, PXE_TLS, "WebSocket to %s: TLS: %s", host,
		    why);
	case CURLE_OPERATION_TIMEDOUT:
		return px_fail(e, PXE_TIMEOUT, "WebSocket to %s: timed out "
		    "(%s)", host, why);
	default:
		return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: %s", host,
		    why);
	}
}

struct ws_conn *
ws_conn_open(struct px_client *c, const char *path, const char *subprotocol,
    struct px_err *e)
{
	struct ws_conn *w = px_xcalloc(1, sizeof(*w));
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *target, *s;
	char *url;
	curl_socket_t sock;
	CURLcode rc;

	if (px_path_has_dot_segment(path)) {
		px_fail(e, PXE_USAGE, "refusing path %s: it has a \".\" or "
		    "\"..\" segment", path);
		free(w);
		return NULL;
	}
	w->c = c;
	w->fd = -1;
	ws_reader_init(&w->r, 0);
	url = px_xasprintf("%s%s", c->base, path);
	/* the request target: the URL from its path on */
	s = strstr(url, "://");
	target = s ? strchr(s + 3, '/') : NULL;
	if (target == NULL)
		target = "/";
	w->h = curl_easy_init();
	curl_easy_setopt(w->h, CURLOPT_URL, url);
	curl_easy_setopt(w->h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(w->h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(w->h, CURLOPT_CONNECTTIMEOUT, c->p->connect_timeout);
	http_tls_setopt(w->h, c);
	rc = curl_easy_perform(w->h);
	curl_easy_setopt(w->h, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		connect_error(w, rc, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc), e);
		goto fail;
	}
	if (curl_easy_getinfo(w->h, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK
	    || sock == CURL_SOCKET_BAD) {
		px_fail(e, PXE_TRANSPORT, "WebSocket to %s: no socket",
		    c->hostport);
		goto fail;
	}
	w->fd = (int)sock;
	if (handshake(w, target, subprotocol, e) != 0)
		goto fail;
	free(url);
	return w;
fail:
	free(url);
	ws_conn_free(w);
	return NULL;
}

int
ws_conn_fd(const struct ws_conn *w)
{
	return w->fd;
}

static int
send_frame(struct ws_conn *w, int op, const void *data, size_t n,
    struct px_err *e)
{
	unsigned char mask[4];
	struct buf f = {0};
	int rc;

	random_bytes(mask, sizeof(mask));
	ws_frame_build(&f, 1, op, data, n, mask);
	rc = send_all(w, f.p, f.len, e);
	buf_free(&f);
	return rc;
}

int
ws_conn_send(struct ws_conn *w, int op, const void *data, size_t n,
    struct px_err *e)
{
	if (w->closed || w->done)
		return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: closed",
		    w->c->hostport);
	if (n > WS_MAX_FRAME)
		return px_fail(e, PXE_TOO_LARGE, "WebSocket message of %zu "
		    "bytes: px sends at most %u", n, WS_MAX_FRAME);
	return send_frame(w, op, data, n, e);
}

void
ws_conn_close(struct ws_conn *w, int code, const char *reason)
{
	struct buf pl = {0};
	struct px_err e;

	if (w == NULL || w->closed)
		return;
	w->closed = 1;
	ws_close_payload(&pl, code, reason);
	send_frame(w, WS_OP_CLOSE, pl.p, pl.len, &e);
	buf_free(&pl);
}

int
ws_conn_read(struct ws_conn *w, struct ws_event **ev, struct px_err *e)
{
	for (;;) {
		size_t used = 0;
		int code = 0, rc, got;

		if (w->done)
			return px_fail(e, PXE_TRANSPORT, "WebSocket to %s: "
			    "closed", w->c->hostport);
		rc = ws_read_event(&w->r, (unsigned char *)w->in.p, w->in.len,
		    &used, ev, &code, e);
		if (rc < 0) {
			ws_conn_close(w, code, "protocol error");
			w->done = 1;
			return -1;
		}
		if (rc == 1) {
			memmove(w->in.p, w->in.p + used, w->in.len - used);
			w->in.len -= used;
			switch ((*ev)->kind) {
			case WS_EV_NONE:
				continue;
			case WS_EV_PING:
				if (!w->closed && send_frame(w, WS_OP_PONG,
				    (*ev)->data.p, (*ev)->data.len, e) != 0) {
					w->done = 1;
					return -1;
				}
				return 1;
			case WS_EV_CLOSE:
				ws_conn_close(w, (*ev)->code == 1005 ? 1000 :
				    (*ev)->code, NULL);
				w->done = 1;
				return 1;
			default:
				return 1;
			}
		}
		if ((got = recv_some(w, e)) < 0) {
			w->done = 1;
			return -1;
		}
		if (got == 0)
			return 0;
	}
}

void
ws_conn_free(struct ws_conn *w)
{
	if (w == NULL)
		return;
	if (w->h)
		curl_easy_cleanup(w->h);
	buf_free(&w->in);
	ws_reader_free(&w->r);
	free(w);
}
