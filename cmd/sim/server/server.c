/*
 * server.c -- pxsim's network side: listening sockets, one poll() loop over
 * non-blocking TLS connections (BearSSL engines), HTTP/1.1 request parsing
 * with keep-alive and pipelining, and the way responses leave: latency,
 * injected faults (drop, truncated, malformed, badtail, hang, lost) and
 * long-polls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../core.h"
#include "ws.h"

#define MAX_CONNS	4000
#define IDLE_TIMEOUT	60.0	/* seconds without a request */
#define HANG_TIMEOUT	600.0	/* a hung request is dropped after this */
#define IN_LIMIT	(SIM_MAX_HEADER + SIM_MAX_BODY + 4096)
#define TICK		0.1	/* seconds between task advances */

enum conn_state {
	C_READ,		/* waiting for (more of) a request */
	C_WAIT,		/* response built, delayed until send_at */
	C_AGAIN,	/* long-poll: handler to be called again at send_at */
	C_HANG,		/* never answer */
	C_CLOSING,	/* flush what is queued, then close */
	C_WS,		/* a WebSocket carrying a console */
};

struct conn {
	int fd;
	enum sim_listener listener;
	br_ssl_server_context sc;
	unsigned char *iobuf;
	struct buf in;		/* decrypted bytes received */
	struct buf out;		/* plaintext response bytes to send */
	size_t outoff;
	struct sim_body *ext;	/* sent after out: a shared body, held */
	size_t extoff;
	enum conn_state state;
	double last_active;
	double send_at;
	int close_after;	/* close once out is flushed */
	int abrupt;		/* close without close_notify (faults) */
	int eof;		/* peer closed */
	char peer[64];
	int loopback;
	struct sim_req *again_rq;	/* request of a long-poll */
	struct sim_console *ws;		/* C_WS: the console */
	struct ws_reader wr;		/* C_WS: frames from the client */
	/* a multipart body being spooled to a file (see sim_request_parse) */
	struct sim_req *up_rq;
	int up_keepalive;
	long long up_left;
};

struct listener {
	int fd;
	enum sim_listener which;
	char addr[96];
};

struct sim_server {
	struct listener lis[2];
	int nlis;
	struct conn **conns;
	size_t nconns;
	struct tls_identity *tls;
};

static volatile sig_atomic_t stop_flag;

static double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ask the loop to stop (signal-safe). */
void
server_stop(void)
{
	stop_flag = 1;
}

/* Parse "host:port" or "[v6]:port" into ls; 0 or -1. */
int
server_parse_addr(const char *s, struct listen_spec *ls)
{
	const char *colon;
	char *end;
	long port;
	size_t hn;

	memset(ls, 0, sizeof(*ls));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		hn = (size_t)(rb - s - 1);
		if (hn == 0 || hn >= sizeof(ls->host))
			return -1;
		memcpy(ls->host, s + 1, hn);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hn = (size_t)(colon - s);
		if (hn == 0 || hn >= sizeof(ls->host))
			return -1;
		memcpy(ls->host, s, hn);
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		return -1;
	ls->port = (int)port;
	return 0;
}

static int
addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		static const unsigned char v4mapped[12] =
		    { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return 1;
		if (memcmp(in6->sin6_addr.s6_addr, v4mapped, 12) == 0)
			return in6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

static void
addr_string(const struct sockaddr *sa, char *out, size_t n, int brackets)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(out, n, "%s:%d", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(out, n, brackets ? "[%s]:%d" : "%s:%d", host, port);
	} else {
		snprintf(out, n, "?");
	}
}

static int
listen_one(struct sim *s, const char *spec, enum sim_listener which,
    char *err, size_t errn)
{
	struct sim_server *srv = s->srv;
	struct listen_spec ls;
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char port[16];
	int fd, one = 1, rc;

	if (server_parse_addr(spec, &ls) != 0) {
		snprintf(err, errn, "bad address '%s' (want ADDR:PORT)", spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", ls.port);
	if ((rc = getaddrinfo(ls.host, port, &hints, &res)) != 0) {
		snprintf(err, errn, "%s: %s", spec, gai_strerror(rc));
		return -1;
	}
	if (!s->opt.public_ && !addr_is_loopback(res->ai_addr)) {
		freeaddrinfo(res);
		snprintf(err, errn, "refusing to listen on non-loopback "
		    "address %s (use --public)", spec);
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0
	    || listen(fd, 512) != 0) {
		snprintf(err, errn, "%s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	srv->lis[srv->nlis].fd = fd;
	srv->lis[srv->nlis].which = which;
	addr_string((struct sockaddr *)&ss, srv->lis[srv->nlis].addr,
	    sizeof(srv->lis[0].addr), 1);
	srv->nlis++;
	return 0;
}

/* Listen on -l (and --pbs); 0, or -1 with a message in err. */
int
server_listen(struct sim *s, char *err, size_t errn)
{
	struct rlimit rl;

	if (s->srv == NULL)
		s->srv = px_xcalloc(1, sizeof(*s->srv));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 8192 ? 8192 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (listen_one(s, s->opt.listen, SIM_LISTEN_PVE, err, errn) != 0)
		return -1;
	if (s->opt.pbs_listen[0] != '\0' &&
	    listen_one(s, s->opt.pbs_listen, SIM_LISTEN_PBS, err, errn) != 0)
		return -1;
	return 0;
}

/* The bound address of a listener ("127.0.0.1:PORT"), or "". */
const char *
server_address(struct sim *s, enum sim_listener which)
{
	int i;

	if (s->srv == NULL)
		return "";
	for (i = 0; i < s->srv->nlis; i++)
		if (s->srv->lis[i].which == which)
			return s->srv->lis[i].addr;
	return "";
}

/* ---- requests ---- */

/* ---- responses ---- */

static const char *
default_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 411: return "Length Required";
	case 413: return "Request Entity Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 595: return "Errors during connection establishment";
	default: return "Unknown";
	}
}

static void
http_date(char *out, size_t n, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* body[0..n) gzip'd into *gz: 0, or -1 (zlib failed; *gz empty). */
static int
gzip_body(const char *body, size_t n, struct buf *gz)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	buf_grow(gz, deflateBound(&z, n));
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)gz->p;
	z.avail_out = (uInt)(gz->cap - 1);
	rc = deflate(&z, Z_FINISH);
	gz->len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		gz->len = 0;
		return -1;
	}
	return 0;
}

/* Is some of an answer still to be handed to TLS? */
static int
out_pending(const struct conn *c)
{
	return c->outoff < c->out.len || c->ext != NULL;
}

/* Serialise rs into c->out (and c->ext), applying the response's
 * fault. */
static void
queue_response(struct conn *c, struct sim_resp *rs, int keepalive,
    int head)
{
	char date[64], reason[256];
	struct buf gz = {0};
	const char *body = rs->body.p ? rs->body.p : "";
	size_t blen = rs->body.len, clen, send, i;

	if (rs->shared != NULL) {	/* unchanged: handle() saw to it */
		body = rs->shared->p;
		blen = rs->shared->len;
	}

	snprintf(reason, sizeof(reason), "%s", rs->reason[0] ? rs->reason :
	    default_reason(rs->status));
	for (i = 0; reason[i]; i++)
		if ((unsigned char)reason[i] < 0x20 || reason[i] == 0x7f)
			reason[i] = ' ';
	if (rs->fault == SIM_FAULT_MALFORMED) {
		rs->status = 200;
		snprintf(reason, sizeof(reason), "OK");
		body = "{\"data\":[{\"vmid\":100,\"name\":\"web-01\",\"status\"";
		blen = strlen(body);
	}
	/* a compressed answer (pveproxy gzips for a client that accepts
	 * it): its Content-Length is less than the body the client reads */
	if (rs->fault == SIM_FAULT_GZIP && gzip_body(body, blen, &gz) == 0) {
		body = gz.p;
		blen = gz.len;
		buf_adds(&rs->headers, "Content-Encoding: gzip\r\n");
	}
	clen = blen;
	send = blen;
	if (rs->fault == SIM_FAULT_TRUNCATED) {
		clen = blen + 512;
	} else if (rs->fault == SIM_FAULT_DROP) {
		send = blen / 2;
	}
	http_date(date, sizeof(date), time(NULL));
	buf_printf(&c->out, "HTTP/1.1 %d %s\r\n"
	    "Cache-Control: max-age=0\r\n"
	    "Connection: %s\r\n"
	    "Date: %s\r\n"
	    "Pragma: no-cache\r\n"
	    "Server: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Content-Type: %s\r\n"
	    "Expires: %s\r\n%s\r\n",
	    rs->status, reason, keepalive ? "Keep-Alive" : "close", date,
	    c->listener == SIM_LISTEN_PBS ? "proxmox-backup-api/4.0" :
	    "pve-api-daemon/3.0", clen,
	    rs->ctype ? rs->ctype : "application/json;charset=UTF-8", date,
	    rs->headers.p ? rs->headers.p : "");
	if (rs->fault == SIM_FAULT_DROP && send == 0)
		c->out.len -= 2;	/* cut inside the header block */
	if (!head && rs->shared != NULL && send > 0) {
		/* sent from the shared body itself: a cached answer of
		 * 320 KB to 50 clients is not copied 50 times */
		c->ext = sim_body_hold(rs->shared);
		c->extoff = 0;
	} else if (!head) {
		/* its pages present at once, not a fault per page (50
		 * clients of 320 KB answers: a third of pxsim's time) */
		buf_reserve(&c->out, send);
		buf_add(&c->out, body, send);
	}
	if (!head && send > 0 && rs->fault == SIM_FAULT_BADTAIL)
		c->out.p[c->out.len - 1] = 'x';	/* valid up to its end */
	buf_free(&gz);
	if (rs->fault == SIM_FAULT_DROP || rs->fault == SIM_FAULT_TRUNCATED) {
		c->close_after = 1;
		c->abrupt = 1;
	} else if (!keepalive) {
		c->close_after = 1;
	}
}

/* ExtJS format: {"success":1,...} with status 200. */
static void
extjs_rewrite(struct sim_resp *rs)
{
	struct buf b = {0};
	int ok = rs->status == 200;

	buf_printf(&b, "{\"success\":%d", ok);
	if (!ok) {
		buf_adds(&b, ",\"message\":");
		json_escape(&b, rs->reason, strlen(rs->reason));
		buf_printf(&b, ",\"status\":%d", rs->status);
	}
	if (rs->body.len > 1 && rs->body.p[0] == '{') {
		buf_addc(&b, ',');
		buf_add(&b, rs->body.p + 1, rs->body.len - 1);
	} else {
		buf_adds(&b, "}");
	}
	buf_free(&rs->body);
	rs->body = b;
	rs->status = 200;
	snprintf(rs->reason, sizeof(rs->reason), "OK");
}

static void
refuse(struct conn *c, int status)
{
	struct sim_resp rs;

	memset(&rs, 0, sizeof(rs));
	sim_error(&rs, status, "%s", default_reason(status));
	queue_response(c, &rs, 0, 0);
	sim_resp_free(&rs);
	c->state = C_CLOSING;
}

/* ---- WebSocket (consoles) ---- */

/* Queue one unmasked frame to the client. */
static void
ws_queue(struct conn *c, int op, const void *data, size_t n)
{
	ws_frame_build(&c->out, 1, op, data, n, NULL);
}

/* Close the WebSocket with code (flush, then close the connection). */
static void
ws_close(struct conn *c, int code, const char *reason)
{
	struct buf pl = {0};

	ws_close_payload(&pl, code, reason);
	ws_queue(c, WS_OP_CLOSE, pl.p, pl.len);
	buf_free(&pl);
	c->close_after = 1;
	c->state = C_CLOSING;
}

/* Answer 101 and switch c to the console in rs->upgrade. */
static void
ws_upgrade(struct conn *c, const struct sim_req *rq, struct sim_resp *rs)
{
	const char *proto = sim_header(rq, "sec-websocket-protocol");
	char acc[29];

	ws_handshake_accept(acc, sim_header(rq, "sec-websocket-key"));
	buf_printf(&c->out, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n%s\r\n", acc,
	    proto && strstr(proto, "binary") ?
	    "Sec-WebSocket-Protocol: binary\r\n" : "");
	c->ws = rs->upgrade;
	rs->upgrade = NULL;
	ws_reader_init(&c->wr, 1);
	c->state = C_WS;
}

/* Read the client's frames from c->in and run them through the console. */
static void
ws_process(struct conn *c)
{
	while (c->state == C_WS && c->in.len > 0) {
		struct ws_event *ev;
		struct px_err e;
		struct buf out = {0};
		size_t used;
		int code = 0, rc;

		rc = ws_read_event(&c->wr, (unsigned char *)c->in.p, c->in.len,
		    &used, &ev, &code, &e);
		if (rc == 0)
			return;
		if (rc < 0) {
			ws_close(c, code, "protocol error");
			return;
		}
		memmove(c->in.p, c->in.p + used, c->in.len - used);
		c->in.len -= used;
		c->in.p[c->in.len] = '\0';
		switch (ev->kind) {
		case WS_EV_PING:
			ws_queue(c, WS_OP_PONG, ev->data.p, ev->data.len);
			break;
		case WS_EV_CLOSE:
			ws_close(c, ev->code == 1005 ? 1000 : ev->code, NULL);
			return;
		case WS_EV_MESSAGE:
			rc = sim_console_input(c->ws, ev->data.p, ev->data.len,
			    &out);
			if (out.len > 0)
				ws_queue(c, WS_OP_BINARY, out.p, out.len);
			buf_free(&out);
			if (rc == 1) {
				ws_close(c, 1000, "logout");
			} else if (rc == 2) {
				c->close_after = 1;
				c->abrupt = 1;
				c->state = C_CLOSING;
			} else if (rc < 0) {
				ws_close(c, 1008, "authentication failed");
			}
			break;
		default:
			break;
		}
	}
}

/* Run the handler for rq on c and queue (or schedule) the answer. */
static void
handle(struct sim *s, struct conn *c, struct sim_req *rq, int keepalive)
{
	struct sim_resp rs;
	int head = strcmp(rq->method, "HEAD") == 0;

	memset(&rs, 0, sizeof(rs));
	rs.status = 200;
	api_dispatch(s, rq, &rs);
	/* a shared body is sent as it is, or copied in to be changed; a
	 * body written after it (an error) is the answer */
	if (rs.shared != NULL && (rs.body.len > 0 ||
	    rs.fault != SIM_FAULT_NONE || rq->api == SIM_API_EXTJS))
		sim_resp_own_body(&rs);
	if (rs.again && rq->again_count < 100000) {
		rq->again_count++;
		if (c->again_rq == NULL) {
			c->again_rq = px_xmalloc(sizeof(*rq));
			*c->again_rq = *rq;
			memset(rq, 0, sizeof(*rq));
		}
		c->close_after = !keepalive;
		c->state = C_AGAIN;
		c->send_at = now_real() + TICK;
		sim_resp_free(&rs);
		return;
	}
	if (rs.fault == SIM_FAULT_HANG) {
		c->state = C_HANG;
		c->last_active = now_real();
		sim_resp_free(&rs);
		return;
	}
	if (rs.status == 101 && rs.upgrade) {
		ws_upgrade(c, rq, &rs);
		sim_resp_free(&rs);
		return;
	}
	if (rq->api == SIM_API_EXTJS)
		extjs_rewrite(&rs);
	queue_response(c, &rs, keepalive, head);
	if (rs.delay_ms > 0) {
		c->state = C_WAIT;
		c->send_at = now_real() + rs.delay_ms / 1000.0;
	} else if (c->close_after) {
		c->state = C_CLOSING;
	}
	sim_resp_free(&rs);
}

/* Start spooling the multipart body of rq (moved into c) to an unlinked
 * file in the state directory; -1 when no file could be made. */
static int
spool_start(struct sim *s, struct conn *c, struct sim_req *rq, int keepalive)
{
	char tmpl[1100];
	int fd;

	snprintf(tmpl, sizeof(tmpl), "%s/pveupload-XXXXXX", s->opt.statedir);
	if ((fd = mkstemp(tmpl)) < 0)
		return -1;
	unlink(tmpl);
	c->up_rq = px_xmalloc(sizeof(*rq));
	*c->up_rq = *rq;
	c->up_rq->upload_fd = fd;
	c->up_left = rq->upload_len;
	c->up_keepalive = keepalive;
	memset(rq, 0, sizeof(*rq));
	return 0;
}

/* Move what c->in holds of the spooled body to its file.  Returns 1 when
 * the body is complete (the request in *rq), 0 when more must come, -1
 * on a write error. */
static int
spool_feed(struct conn *c, struct sim_req *rq, int *keepalive)
{
	size_t n = c->in.len;

	if ((long long)n > c->up_left)
		n = (size_t)c->up_left;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(c->up_rq->upload_fd, c->in.p + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	memmove(c->in.p, c->in.p + n, c->in.len - n);
	c->in.len -= n;
	c->in.p[c->in.len] = '\0';
	c->up_left -= (long long)n;
	if (c->up_left > 0)
		return 0;
	if (lseek(c->up_rq->upload_fd, 0, SEEK_SET) != 0)
		return -1;
	*rq = *c->up_rq;
	*keepalive = c->up_keepalive;
	free(c->up_rq);
	c->up_rq = NULL;
	return 1;
}

/* Parse and handle as many complete requests as c->in holds. */
static void
process_input(struct sim *s, struct conn *c)
{
	if (c->state == C_WS) {
		ws_process(c);
		return;
	}
	while (c->state == C_READ && !out_pending(c)) {
		struct sim_req rq;
		int keepalive = 1, r;

		if (c->up_rq != NULL) {
			r = spool_feed(c, &rq, &keepalive);
			if (r == 0)
				return;
			if (r < 0) {
				sim_req_free(c->up_rq);
				free(c->up_rq);
				c->up_rq = NULL;
				refuse(c, 500);
				return;
			}
		} else {
			r = sim_request_parse(&c->in, &rq, &keepalive);
			if (r == 0)
				return;
			if (r >= 400) {
				refuse(c, r);
				return;
			}
			if (r == 2) {
				if (spool_start(s, c, &rq, keepalive) != 0) {
					sim_req_free(&rq);
					refuse(c, 500);
					return;
				}
				continue;
			}
		}
		c->out.len = c->outoff = 0;
		rq.listener = c->listener;
		snprintf(rq.peer, sizeof(rq.peer), "%s", c->peer);
		rq.loopback = c->loopback;
		rq.arrival = now_real();
		if (sim_request_decode(&rq) != 0) {
			sim_req_free(&rq);
			refuse(c, 400);
			return;
		}
		handle(s, c, &rq, keepalive);
		sim_req_free(&rq);
		if (c->state == C_WS)
			ws_process(c);
	}
}

/* ---- connections ---- */

static void
conn_free(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->iobuf);
	buf_free(&c->in);
	buf_free(&c->out);
	sim_body_release(c->ext);
	if (c->again_rq) {
		sim_req_free(c->again_rq);
		free(c->again_rq);
	}
	sim_console_free(c->ws);
	ws_reader_free(&c->wr);
	if (c->up_rq) {
		sim_req_free(c->up_rq);
		free(c->up_rq);
	}
	free(c);
}

static void
accept_all(struct sim_server *srv, struct listener *l)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct conn *c;
		int fd, one = 1;

		fd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (srv->nconns >= MAX_CONNS) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = px_xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->listener = l->which;
		c->iobuf = px_xmalloc(BR_SSL_BUFSIZE_BIDI);
		tls_conn_init(srv->tls, &c->sc, c->iobuf, BR_SSL_BUFSIZE_BIDI);
		c->state = C_READ;
		c->last_active = now_real();
		addr_string((struct sockaddr *)&ss, c->peer, sizeof(c->peer), 0);
		c->loopback = addr_is_loopback((struct sockaddr *)&ss);
		srv->conns = px_xrealloc(srv->conns,
		    (srv->nconns + 1) * sizeof(*srv->conns));
		srv->conns[srv->nconns++] = c;
	}
}

/*
 * Move bytes between the socket, the TLS engine and the plaintext
 * buffers.  Returns -1 when the connection is finished, else 0 and sets
 * *events for poll().
 */
static int
pump(struct sim *s, struct conn *c, short *events)
{
	br_ssl_engine_context *eng = &c->sc.eng;
	int progress = 1, guard = 0;

	*events = 0;
	while (progress && guard++ < 64) {
		unsigned st = br_ssl_engine_current_state(eng);
		unsigned char *b;
		size_t len;
		ssize_t n;

		progress = 0;
		if (st & BR_SSL_CLOSED)
			return -1;
		if (st & BR_SSL_SENDREC) {
			b = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(c->fd, b, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				progress = 1;
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK
			    && errno != EINTR)
				return -1;
			*events |= POLLOUT;
		}
		/* all queued records are out: finish a close */
		if (!(st & BR_SSL_SENDREC) && c->close_after &&
		    !out_pending(c) && (c->state == C_CLOSING ||
		    c->state == C_READ)) {
			if (c->abrupt)
				return -1;
			br_ssl_engine_close(eng);
			if (!(br_ssl_engine_current_state(eng) &
			    BR_SSL_SENDREC))
				return -1;
			progress = 1;
			continue;
		}
		if ((st & BR_SSL_RECVAPP)) {
			b = br_ssl_engine_recvapp_buf(eng, &len);
			if (c->state == C_HANG || c->state == C_CLOSING) {
				br_ssl_engine_recvapp_ack(eng, len);
				progress = 1;
			} else if (c->in.len < IN_LIMIT) {
				if (len > IN_LIMIT - c->in.len)
					len = IN_LIMIT - c->in.len;
				buf_add(&c->in, b, len);
				br_ssl_engine_recvapp_ack(eng, len);
				c->last_active = now_real();
				progress = 1;
				process_input(s, c);
			}
		}
		if ((st & BR_SSL_SENDAPP) && out_pending(c) &&
		    c->state != C_WAIT) {
			int head = c->outoff < c->out.len;
			const char *src = head ? c->out.p + c->outoff :
			    c->ext->p + c->extoff;
			size_t avail = head ? c->out.len - c->outoff :
			    c->ext->len - c->extoff;

			b = br_ssl_engine_sendapp_buf(eng, &len);
			if (len > avail)
				len = avail;
			memcpy(b, src, len);
			br_ssl_engine_sendapp_ack(eng, len);
			if (head) {
				c->outoff += len;
			} else if ((c->extoff += len) == c->ext->len) {
				sim_body_release(c->ext);
				c->ext = NULL;
				c->extoff = 0;
			}
			if (!out_pending(c)) {
				br_ssl_engine_flush(eng, 0);
				c->out.len = c->outoff = 0;
				if (!c->close_after) {
					if (c->state == C_CLOSING)
						c->state = C_READ;
					process_input(s, c);
				}
			}
			progress = 1;
			continue;
		}
		if ((st & BR_SSL_RECVREC) && !c->eof) {
			b = br_ssl_engine_recvrec_buf(eng, &len);
			n = recv(c->fd, b, len, 0);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				c->last_active = now_real();
				progress = 1;
				continue;
			}
			if (n == 0)
				return -1;
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				return -1;
			*events |= POLLIN;
		}
	}
	if (guard >= 64)
		*events |= POLLIN | POLLOUT;
	if (*events == 0)
		*events = POLLIN;	/* notice a peer that goes away */
	return 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Timers: delayed responses, long-polls, idle connections. */
static int
timers(struct sim *s, struct conn *c, double now)
{
	if (c->state == C_WAIT && now >= c->send_at) {
		c->state = c->close_after ? C_CLOSING : C_READ;
		return 1;
	}
	if (c->state == C_AGAIN && now >= c->send_at) {
		struct sim_req *rq = c->again_rq;
		int keep = !c->close_after;

		c->again_rq = NULL;
		c->state = C_READ;
		c->close_after = 0;
		handle(s, c, rq, keep);
		if (c->again_rq == NULL) {
			sim_req_free(rq);
			free(rq);
		} else {
			free(rq);
		}
		return 1;
	}
	if (c->state == C_HANG || c->state == C_WS)
		return now - c->last_active > HANG_TIMEOUT ? -1 : 0;
	if (c->state == C_READ && !out_pending(c) &&
	    now - c->last_active > IDLE_TIMEOUT)
		return -1;
	return 0;
}

/* Run the loop until SIGTERM/SIGINT. */
int
server_run(struct sim *s, struct tls_identity *tls)
{
	struct sim_server *srv = s->srv;
	struct sigaction sa;
	struct pollfd *pfd = NULL;
	size_t cap = 0, i;
	double last_tick = now_real();

	srv->tls = tls;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	while (!stop_flag) {
		size_t n = 0, k;
		int timeout = (int)(TICK * 1000), rc;
		double now = now_real();

		if (cap < srv->nconns + 2) {
			cap = srv->nconns + 64;
			pfd = px_xrealloc(pfd, cap * sizeof(*pfd));
		}
		for (i = 0; i < (size_t)srv->nlis; i++) {
			pfd[n].fd = srv->lis[i].fd;
			pfd[n].events = POLLIN;
			n++;
		}
		/* pump every connection; drop the finished ones */
		for (i = 0, k = 0; i < srv->nconns; i++) {
			struct conn *c = srv->conns[i];
			short ev = 0;
			int t = timers(s, c, now);

			if (t < 0 || pump(s, c, &ev) != 0) {
				conn_free(c);
				continue;
			}
			if ((c->state == C_WAIT || c->state == C_AGAIN) &&
			    (c->send_at - now) * 1000 < timeout)
				timeout = (int)((c->send_at - now) * 1000) + 1;
			srv->conns[k++] = c;
			pfd[n].fd = c->fd;
			pfd[n].events = ev;
			n++;
		}
		srv->nconns = k;
		if (timeout < 0)
			timeout = 0;
		rc = poll(pfd, n, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0)
			for (i = 0; i < (size_t)srv->nlis; i++)
				if (pfd[i].revents & POLLIN)
					accept_all(srv, &srv->lis[i]);
		now = now_real();
		if (now - last_tick >= TICK) {
			last_tick = now;
			sim_tasks_advance(s);
		}
	}
	free(pfd);
	for (i = 0; i < srv->nconns; i++)
		conn_free(srv->conns[i]);
	srv->nconns = 0;
	for (i = 0; i < (size_t)srv->nlis; i++)
		close(srv->lis[i].fd);
	srv->nlis = 0;
	free(srv->conns);
	srv->conns = NULL;
	return 0;
}
