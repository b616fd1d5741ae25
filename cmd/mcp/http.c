/*
 * http.c -- the Streamable HTTP transport of px mcp (MCP 2025-06-18,
 * "Transports"): one endpoint, /mcp.
 *
 *   POST    one JSON-RPC message; a request is answered as
 *           application/json, or as an event stream (its progress
 *           notifications, then its answer) when the client accepts
 *           one; a notification or a response gets 202
 *   GET     the server's event stream of the session (comments keep
 *           it open; px sends nothing unasked)
 *   DELETE  ends the session
 *
 * initialize opens a session (Mcp-Session-Id, 128 random bits); every
 * other request must name a live one (400 without, 404 unknown).  Before
 * anything: the Origin (403), then the bearer token (401, compared in
 * constant time).  Bounded: headers 16 KiB, a body 1 MiB (413), the
 * sessions (the least recently used is ended), the connections.  One
 * thread: a request is answered before the next one is read; only GET
 * streams stay open between requests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mcp.h"

#define MAX_HEADER	16384
#define MAX_CONNS	64
#define IDLE_SECONDS	30	/* a request must arrive whole in this time */
#define KEEPALIVE	15	/* seconds between comments on a GET stream */

struct session {
	char id[33];
	struct mcp m;
	time_t used;
	int stream;		/* its GET stream's connection, or -1 */
	int live;
};

struct conn {
	int fd;			/* -1: free */
	struct buf in;
	time_t since;
	time_t ping;
	struct session *sse;	/* a GET stream: whose */
	int ready;		/* a whole request in, read while another
				   ran: answered next */
};

struct server {
	struct mcp_server *srv;
	const struct mcp_http_opts *o;
	char *token;		/* NULL: none */
	struct session *s;
	int ns;
	struct conn c[MAX_CONNS];
	const char *origins;	/* [mcp] allowed_origins */
	int lfd;		/* the listening socket */
	int cur;		/* the connection being answered, or -1 */
	/* the request being answered */
	int fd;
	int sse;		/* answering with an event stream */
	struct buf answer;	/* the JSON answer otherwise */
	int failed;		/* the client went away */
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Error";
}

/* A whole response; body may be NULL.  extra: more header lines, each
 * ending in CRLF. */
static void
respond(int fd, int status, const char *type, const char *extra,
    const char *body, size_t n)
{
	struct buf b = { 0 };

	buf_printf(&b, "HTTP/1.1 %d %s\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\nContent-Length: %zu\r\n", status,
	    reason(status), body ? n : 0);
	if (type)
		buf_printf(&b, "Content-Type: %s\r\n", type);
	if (extra)
		buf_adds(&b, extra);
	buf_adds(&b, "\r\n");
	if (body)
		buf_add(&b, body, n);
	write_all(fd, b.p, b.len);
	buf_free(&b);
}

/* An HTTP error with a JSON-RPC error as its body. */
static void
refuse(int fd, int status, const char *extra, int code, const char *msg)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "jsonrpc", "2.0");
	jw_knull(&w, "id");
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kint(&w, "code", code);
	jw_kstr(&w, "message", msg);
	jw_end(&w);
	jw_end(&w);
	respond(fd, status, "application/json", extra, b.p, b.len);
	buf_free(&b);
}

/* ---- a parsed request ---- */

struct req {
	char method[8];
	char path[64];
	const char *auth, *origin, *session, *version, *accept, *ctype;
	long long length;	/* -1: none */
	int chunked;
	size_t head;		/* bytes of the header block */
};

/* Parse the header block of in (NUL-terminated lines are made in
 * place): 0, or an HTTP status to refuse with. */
static int
parse_head(struct buf *in, struct req *q)
{
	char *p = in->p, *end = strstr(in->p, "\r\n\r\n"), *line;

	memset(q, 0, sizeof(*q));
	q->length = -1;
	*end = '\0';
	q->head = (size_t)(end - in->p) + 4;
	line = strsep(&p, "\n");
	if (sscanf(line, "%7s %63s HTTP/1.%*c", q->method, q->path) != 2)
		return 400;
	while ((line = strsep(&p, "\n")) != NULL) {
		char *v = strchr(line, ':'), *t;

		if (v == NULL)
			return 400;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (t = v + strlen(v); t > v && (t[-1] == '\r' ||
		    t[-1] == ' ' || t[-1] == '\t'); t--)
			;
		*t = '\0';
		if (strcasecmp(line, "Authorization") == 0)
			q->auth = v;
		else if (strcasecmp(line, "Origin") == 0)
			q->origin = v;
		else if (strcasecmp(line, "Mcp-Session-Id") == 0)
			q->session = v;
		else if (strcasecmp(line, "MCP-Protocol-Version") == 0)
			q->version = v;
		else if (strcasecmp(line, "Accept") == 0)
			q->accept = v;
		else if (strcasecmp(line, "Content-Type") == 0)
			q->ctype = v;
		else if (strcasecmp(line, "Transfer-Encoding") == 0)
			q->chunked = 1;
		else if (strcasecmp(line, "Content-Length") == 0) {
			char *e;

			if (q->length >= 0 || *v < '0' || *v > '9')
				return 400;
			q->length = strtoll(v, &e, 10);
			if (*e != '\0' || q->length < 0)
				return 400;
		}
	}
	return 0;
}

/* ---- checks ---- */

static int
origin_ok(const struct server *sv, const char *origin)
{
	static const char *const local[] = { "http://localhost",
		"http://127.0.0.1", "http://[::1]", "https://localhost",
		"https://127.0.0.1", "https://[::1]", NULL };
	const char *p;
	size_t n;

	if (origin == NULL)
		return 1;
	n = strlen(origin);
	for (int i = 0; local[i]; i++) {
		size_t l = strlen(local[i]);
		int digits = 1;

		if (strncmp(origin, local[i], l) != 0)
			continue;
		if (origin[l] == '\0')
			return 1;
		if (origin[l] != ':' || origin[l + 1] == '\0')
			continue;
		for (p = origin + l + 1; *p; p++)
			if (*p < '0' || *p > '9')
				digits = 0;
		if (digits)
			return 1;
	}
	for (p = sv->origins; p && *p; ) {
		size_t l;

		while (*p == ' ' || *p == ',')
			p++;
		l = strcspn(p, ", ");
		if (l > 0 && l == n && strncmp(p, origin, n) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* The bearer token, compared in constant time (over the longer of the
 * two, so that the length leaks nothing either). */
static int
token_ok(const struct server *sv, const char *auth)
{
	const char *given;
	size_t a, b, n;
	unsigned char diff;

	if (sv->token == NULL)
		return 1;
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	given = auth + 7;
	a = strlen(given);
	b = strlen(sv->token);
	diff = a != b;
	n = a > b ? a : b;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(i < a ? given[i] : 0) ^
		    (unsigned char)(i < b ? sv->token[i] : 0);
	return diff == 0;
}

static int
accepts(const char *accept, const char *type)
{
	return accept && (strstr(accept, type) || strstr(accept, "*/*"));
}

/* ---- sessions ---- */

static struct session *
session_find(struct server *sv, const char *id)
{
	for (int i = 0; id && i < sv->ns; i++)
		if (sv->s[i].live && strcmp(sv->s[i].id, id) == 0)
			return &sv->s[i];
	return NULL;
}

static void
conn_close(struct server *sv, int i)
{
	struct conn *c = &sv->c[i];

	if (c->fd < 0)
		return;
	if (c->sse)
		c->sse->stream = -1;
	close(c->fd);
	buf_free(&c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
session_end(struct server *sv, struct session *s)
{
	if (s->stream >= 0)
		conn_close(sv, s->stream);
	s->live = 0;
	s->stream = -1;
}

static struct session *
session_new(struct server *sv, struct px_err *e)
{
	static const char hex[] = "0123456789abcdef";
	struct session *s = NULL;
	unsigned char r[16];

	for (int i = 0; i < sv->ns && s == NULL; i++)
		if (!sv->s[i].live)
			s = &sv->s[i];
	if (s == NULL) {	/* end the least recently used */
		s = &sv->s[0];
		for (int i = 1; i < sv->ns; i++)
			if (sv->s[i].used < s->used)
				s = &sv->s[i];
		session_end(sv, s);
	}
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		px_fail(e, PXE_IO, "getrandom: %s", strerror(errno));
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 16; i++) {
		s->id[2 * i] = hex[r[i] >> 4];
		s->id[2 * i + 1] = hex[r[i] & 15];
	}
	mcp_init(&s->m, sv->srv);
	s->used = time(NULL);
	s->stream = -1;
	s->live = 1;
	return s;
}

/* ---- answering a POST ---- */

static void
http_send(void *arg, const char *msg, size_t n)
{
	struct server *sv = arg;

	if (sv->failed)
		return;
	if (sv->sse) {
		struct buf b = { 0 };

		buf_adds(&b, "event: message\ndata: ");
		buf_add(&b, msg, n);
		buf_adds(&b, "\n\n");
		if (write_all(sv->fd, b.p, b.len) != 0)
			sv->failed = 1;
		buf_free(&b);
		return;
	}
	/* without a stream only the answer goes back; notifications are
	 * dropped */
	if (memmem(msg, n, "\"method\":", 9) == NULL) {
		buf_reset(&sv->answer);
		buf_add(&sv->answer, msg, n);
	}
}

/* What kind of message is body: 2 initialize, 1 another request, 0 a
 * notification or a response, -1 not JSON-RPC at all. */
static int
kind_of(const char *body, size_t n)
{
	struct json j;
	struct px_err e;
	int k;

	if (json_parse(&j, body, n, &e) != 0)
		return -1;
	if (json_type(&j, 0) != JSON_OBJECT)
		k = -1;
	else if (json_get(&j, 0, "id") < 0 ||
	    json_get(&j, 0, "method") < 0)
		k = 0;
	else
		k = json_eq(&j, json_get(&j, 0, "method"), "initialize") ? 2 :
		    1;
	json_free(&j);
	return k;
}

static int
version_ok(const char *v)
{
	return v == NULL || strcmp(v, MCP_LATEST) == 0 ||
	    strcmp(v, "2025-06-18") == 0 || strcmp(v, "2025-03-26") == 0;
}

static void http_poll(void *arg);

static void
post(struct server *sv, int fd, const struct req *q, const char *body,
    size_t n)
{
	struct session *s;
	struct px_err e = { 0 };
	char extra[128] = "";
	int kind;

	if (q->ctype == NULL || strncasecmp(q->ctype, "application/json",
	    16) != 0) {
		refuse(fd, 415, NULL, RPC_INVALID_REQUEST, "Content-Type must "
		    "be application/json");
		return;
	}
	if (q->accept && !accepts(q->accept, "application/json") &&
	    !accepts(q->accept, "text/event-stream")) {
		refuse(fd, 406, NULL, RPC_INVALID_REQUEST, "Accept "
		    "application/json and text/event-stream");
		return;
	}
	kind = kind_of(body, n);
	if (kind == 2) {
		if ((s = session_new(sv, &e)) == NULL) {
			refuse(fd, 500, NULL, RPC_INTERNAL, e.msg);
			return;
		}
		snprintf(extra, sizeof(extra), "Mcp-Session-Id: %s\r\n", s->id);
	} else if (kind >= 0) {
		if (q->session == NULL) {
			refuse(fd, 400, NULL, RPC_INVALID_REQUEST, "no "
			    "Mcp-Session-Id: send initialize first");
			return;
		}
		if ((s = session_find(sv, q->session)) == NULL) {
			refuse(fd, 404, NULL, RPC_INVALID_REQUEST, "unknown or "
			    "ended session: initialize again");
			return;
		}
		if (!version_ok(q->version)) {
			refuse(fd, 400, NULL, RPC_INVALID_REQUEST, "unsupported "
			    "MCP-Protocol-Version");
			return;
		}
	} else {
		/* not JSON-RPC: answered by the protocol layer, in a
		 * throwaway session */
		struct mcp tmp;

		mcp_init(&tmp, sv->srv);
		tmp.send = http_send;
		tmp.arg = sv;
		sv->sse = 0;
		buf_reset(&sv->answer);
		mcp_handle(&tmp, body, n);
		respond(fd, 400, "application/json", NULL, sv->answer.p,
		    sv->answer.len);
		return;
	}
	s->used = time(NULL);
	s->m.send = http_send;
	s->m.poll = http_poll;
	s->m.arg = sv;
	sv->fd = fd;
	sv->failed = 0;
	buf_reset(&sv->answer);
	sv->sse = kind > 0 && accepts(q->accept, "text/event-stream") &&
	    kind != 2;
	if (kind == 0) {
		mcp_handle(&s->m, body, n);
		respond(fd, 202, NULL, NULL, NULL, 0);
		return;
	}
	if (sv->sse) {
		struct buf h = { 0 };

		buf_printf(&h, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
		    "Cache-Control: no-store\r\nContent-Type: "
		    "text/event-stream\r\n%s\r\n", extra);
		if (write_all(fd, h.p, h.len) != 0)
			sv->failed = 1;
		buf_free(&h);
		mcp_handle(&s->m, body, n);
		return;
	}
	mcp_handle(&s->m, body, n);
	if (sv->answer.len)
		respond(fd, 200, "application/json", extra, sv->answer.p,
		    sv->answer.len);
	else
		respond(fd, 202, NULL, extra, NULL, 0);
}

/* A whole request is in c->in: answer it.  Returns 1 when the
 * connection stays open (a GET stream). */
static int
serve(struct server *sv, int i, const struct req *q)
{
	struct conn *c = &sv->c[i];
	struct session *s;
	char path[64];

	snprintf(path, sizeof(path), "%.*s", (int)strcspn(q->path, "?"),
	    q->path);
	if (strcmp(path, "/mcp") != 0) {
		refuse(c->fd, 404, NULL, RPC_INVALID_REQUEST, "not found: the "
		    "endpoint is /mcp");
		return 0;
	}
	if (q->origin && !origin_ok(sv, q->origin)) {
		refuse(c->fd, 403, NULL, RPC_INVALID_REQUEST, "Origin not "
		    "allowed");
		return 0;
	}
	if (!token_ok(sv, q->auth)) {
		refuse(c->fd, 401, "WWW-Authenticate: Bearer\r\n",
		    RPC_INVALID_REQUEST, "a valid bearer token is required");
		return 0;
	}
	if (strcmp(q->method, "POST") == 0) {
		post(sv, c->fd, q, c->in.p + q->head, (size_t)q->length);
		return 0;
	}
	if (strcmp(q->method, "GET") != 0 && strcmp(q->method, "DELETE")) {
		refuse(c->fd, 405, "Allow: GET, POST, DELETE\r\n",
		    RPC_INVALID_REQUEST, "method not allowed");
		return 0;
	}
	if (q->session == NULL) {
		refuse(c->fd, 400, NULL, RPC_INVALID_REQUEST, "no "
		    "Mcp-Session-Id");
		return 0;
	}
	if ((s = session_find(sv, q->session)) == NULL) {
		refuse(c->fd, 404, NULL, RPC_INVALID_REQUEST, "unknown or "
		    "ended session");
		return 0;
	}
	if (strcmp(q->method, "DELETE") == 0) {
		session_end(sv, s);
		respond(c->fd, 200, NULL, NULL, NULL, 0);
		return 0;
	}
	if (!accepts(q->accept, "text/event-stream")) {
		refuse(c->fd, 406, NULL, RPC_INVALID_REQUEST, "GET /mcp is an "
		    "event stream: Accept text/event-stream");
		return 0;
	}
	if (s->stream >= 0) {
		refuse(c->fd, 409, NULL, RPC_INVALID_REQUEST, "the session "
		    "has an event stream already");
		return 0;
	}
	s->used = time(NULL);
	s->stream = i;
	c->sse = s;
	c->ping = time(NULL);
	{
		static const char h[] = "HTTP/1.1 200 OK\r\nConnection: "
		    "close\r\nCache-Control: no-store\r\nContent-Type: "
		    "text/event-stream\r\n\r\n: px mcp\n\n";

		if (write_all(c->fd, h, sizeof(h) - 1) != 0)
			return 0;
	}
	buf_reset(&c->in);
	return 1;
}

/*
 * Read what arrived on connection i (with do_recv; else c->in holds it
 * all).  1 when a whole request is in c->in: q parsed, its strings in
 * head (the caller frees head); 0 when more is to come; -1 when the
 * connection was refused and closed.
 */
static int
gather(struct server *sv, int i, int do_recv, struct req *q,
    struct buf *head)
{
	struct conn *c = &sv->c[i];
	char *end;
	ssize_t r;
	size_t hn;
	int st;

	if (do_recv) {
		buf_grow(&c->in, 65536);
		r = recv(c->fd, c->in.p + c->in.len, 65536, 0);
		if (r <= 0) {
			conn_close(sv, i);
			return -1;
		}
		c->in.len += (size_t)r;
		c->in.p[c->in.len] = '\0';
	}
	if (c->in.len == 0 || (end = strstr(c->in.p, "\r\n\r\n")) == NULL) {
		if (c->in.len > MAX_HEADER) {
			refuse(c->fd, 431, NULL, RPC_INVALID_REQUEST, "headers "
			    "larger than 16 KiB");
			conn_close(sv, i);
			return -1;
		}
		return 0;
	}
	if ((size_t)(end - c->in.p) > MAX_HEADER) {
		refuse(c->fd, 431, NULL, RPC_INVALID_REQUEST, "headers larger "
		    "than 16 KiB");
		conn_close(sv, i);
		return -1;
	}
	/* parse a copy: the body stays as it came; the pointers of q
	 * point into head */
	hn = (size_t)(end - c->in.p) + 4;
	buf_reset(head);
	buf_add(head, c->in.p, hn);
	st = parse_head(head, q);
	if (st == 0 && q->chunked)
		st = 400;
	if (st == 0 && strcmp(q->method, "POST") == 0) {
		if (q->length < 0)
			st = 400;
		else if (q->length > (long long)MCP_MAX_MESSAGE)
			st = 413;
		else if (c->in.len < hn + (size_t)q->length)
			return 0;	/* more to come */
	}
	if (st != 0) {
		refuse(c->fd, st, NULL, RPC_INVALID_REQUEST, st == 413 ?
		    "message larger than 1 MiB" : "malformed HTTP request (no "
		    "chunked bodies)");
		conn_close(sv, i);
		return -1;
	}
	return 1;
}

/* Answer the whole request on connection i. */
static void
answer(struct server *sv, int i, const struct req *q)
{
	int prev = sv->cur;

	sv->cur = i;
	if (serve(sv, i, q) == 0)
		conn_close(sv, i);
	sv->cur = prev;
}

/* Data arrived on connection i: read it; once the request is whole,
 * answer it. */
static void
readable(struct server *sv, int i)
{
	struct conn *c = &sv->c[i];
	struct buf head = { 0 };
	struct req q;

	if (c->sse) {	/* a stream's client sends nothing: EOF or junk */
		char junk[256];

		if (recv(c->fd, junk, sizeof(junk), 0) <= 0)
			conn_close(sv, i);
		return;
	}
	if (gather(sv, i, 1, &q, &head) == 1)
		answer(sv, i, &q);
	buf_free(&head);
}

/* A new connection on the listening socket. */
static void
accept_one(struct server *sv)
{
	int fd = accept4(sv->lfd, NULL, NULL, SOCK_CLOEXEC), i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CONNS && sv->c[i].fd >= 0; i++)
		;
	if (i == MAX_CONNS) {
		respond(fd, 503, NULL, "Retry-After: 1\r\n", NULL, 0);
		close(fd);
		return;
	}
	sv->c[i].fd = fd;
	sv->c[i].since = time(NULL);
}

/*
 * Whether the whole request q on connection i is a notification to a
 * live session that passes the checks: then it is taken now (a
 * cancellation of the request that runs) and answered 202.
 */
static int
take_notice(struct server *sv, int i, const struct req *q)
{
	struct conn *c = &sv->c[i];
	struct session *s;
	const char *body = c->in.p + q->head;
	char path[64];

	snprintf(path, sizeof(path), "%.*s", (int)strcspn(q->path, "?"),
	    q->path);
	if (strcmp(q->method, "POST") != 0 || strcmp(path, "/mcp") != 0 ||
	    (q->origin && !origin_ok(sv, q->origin)) ||
	    !token_ok(sv, q->auth) || q->ctype == NULL ||
	    strncasecmp(q->ctype, "application/json", 16) != 0 ||
	    (s = session_find(sv, q->session)) == NULL ||
	    !version_ok(q->version) || kind_of(body, (size_t)q->length) != 0)
		return 0;
	mcp_notice(&s->m, body, (size_t)q->length);
	respond(c->fd, 202, NULL, NULL, NULL, 0);
	return 1;
}

/*
 * While a tool runs (struct mcp's poll): accept and read without
 * waiting; a notification (a cancellation) is taken at once, any other
 * request waits until the running one is answered.
 */
static void
http_poll(void *arg)
{
	struct server *sv = arg;
	struct pollfd p[MAX_CONNS + 1];
	int idx[MAX_CONNS + 1], np = 0;

	p[np].fd = sv->lfd;
	p[np].events = POLLIN;
	idx[np++] = -1;
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &sv->c[i];

		if (c->fd < 0 || c->sse || c->ready || i == sv->cur)
			continue;
		p[np].fd = c->fd;
		p[np].events = POLLIN;
		idx[np++] = i;
	}
	if (poll(p, (nfds_t)np, 0) <= 0)
		return;
	for (int k = 1; k < np; k++) {
		struct buf head = { 0 };
		struct req q;

		if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (gather(sv, idx[k], 1, &q, &head) == 1) {
			if (take_notice(sv, idx[k], &q))
				conn_close(sv, idx[k]);
			else
				sv->c[idx[k]].ready = 1;
		}
		buf_free(&head);
	}
	if (p[0].revents & POLLIN)
		accept_one(sv);
}

/* ---- the loop ---- */

static int
is_loopback(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)a)->
		    sin_addr.s_addr) >> 24) == 127;
	if (a->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)
		    (const void *)a)->sin6_addr);
	return 0;
}

static int
listen_on(const char *spec, int need_loopback, struct px_err *e)
{
	char host[256], port[16], name[300];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { 0 }, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, rc;

	if (colon == NULL || colon == spec || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(port) ||
	    (size_t)(colon - spec) >= sizeof(host))
		return px_fail(e, PXE_USAGE, "--listen: address:port, not "
		    "'%s'", spec);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		return px_fail(e, PXE_USAGE, "--listen %s: %s", spec,
		    gai_strerror(rc));
	if (need_loopback && !is_loopback(ai->ai_addr)) {
		freeaddrinfo(ai);
		px_fail(e, PXE_CONFIG, "refusing to listen on %s without a "
		    "token", spec);
		px_hint(e, "set [mcp] token_file in px.conf (pxmcp(1)), or "
		    "listen on 127.0.0.1");
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 16) != 0) {
		px_fail(e, PXE_IO, "listen on %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	/* say where (the port may have been 0) */
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
		snprintf(name, sizeof(name), strchr(host, ':') ?
		    "http://[%s]:%s/mcp" : "http://%s:%s/mcp", host, port);
		px_warn("listening on %s", name);
	}
	return fd;
}

int
mcp_http_serve(struct mcp_server *srv, const struct mcp_http_opts *o,
    struct px_err *e)
{
	struct server sv = { 0 };
	struct sigaction sa = { 0 };
	int lfd, rc = 0;

	sv.srv = srv;
	sv.o = o;
	sv.origins = conf_get(&srv->x->conf, "mcp", "allowed_origins");
	if (o->token_file) {
		if (secret_file_read(o->token_file, &sv.token, e) != 0) {
			px_wrap(e, "[mcp] token_file");
			return -1;
		}
		if (strlen(sv.token) < 16) {
			secret_free(sv.token);
			return px_fail(e, PXE_CONFIG, "[mcp] token_file: the "
			    "token is shorter than 16 characters");
		}
	}
	if ((lfd = listen_on(o->listen, sv.token == NULL, e)) < 0) {
		secret_free(sv.token);
		return -1;
	}
	sv.ns = o->max_sessions;
	sv.s = calloc((size_t)sv.ns, sizeof(*sv.s));
	if (sv.s == NULL) {
		close(lfd);
		secret_free(sv.token);
		return px_fail(e, PXE_FAILURE, "out of memory");
	}
	for (int i = 0; i < MAX_CONNS; i++)
		sv.c[i].fd = -1;
	sv.lfd = lfd;
	sv.cur = -1;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		struct pollfd p[MAX_CONNS + 1];
		int idx[MAX_CONNS + 1], np = 0;
		time_t now = time(NULL);

		/* the requests that came whole while another ran */
		for (int i = 0; i < MAX_CONNS; i++) {
			struct buf head = { 0 };
			struct req q;

			if (sv.c[i].fd < 0 || !sv.c[i].ready)
				continue;
			sv.c[i].ready = 0;
			if (gather(&sv, i, 0, &q, &head) == 1)
				answer(&sv, i, &q);
			buf_free(&head);
		}
		p[np].fd = lfd;
		p[np].events = POLLIN;
		idx[np++] = -1;
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &sv.c[i];

			if (c->fd < 0)
				continue;
			if (c->sse && now - c->ping >= KEEPALIVE) {
				c->ping = now;
				if (write_all(c->fd, ": keepalive\n\n", 13)) {
					conn_close(&sv, i);
					continue;
				}
			}
			if (!c->sse && now - c->since > IDLE_SECONDS) {
				conn_close(&sv, i);
				continue;
			}
			p[np].fd = c->fd;
			p[np].events = POLLIN;
			idx[np++] = i;
		}
		if (poll(p, (nfds_t)np, 1000) < 0) {
			if (errno == EINTR)
				continue;
			rc = px_fail(e, PXE_IO, "poll: %s", strerror(errno));
			break;
		}
		for (int k = 1; k < np; k++)
			if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
				readable(&sv, idx[k]);
		if (p[0].revents & POLLIN)
			accept_one(&sv);
	}
	for (int i = 0; i < MAX_CONNS; i++)
		conn_close(&sv, i);
	close(lfd);
	free(sv.s);
	buf_free(&sv.answer);
	secret_free(sv.token);
	return rc;
}
