/*
 * exporter_http.c -- the exporter's HTTP/1.1 server: one listening
 * socket, at most EXPORTER_MAXCONN clients, each read into a bounded
 * buffer until its headers end, answered once and closed (Connection:
 * close), all non-blocking and driven by the caller's poll loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bearssl.h>

#include "clock.h"
#include "exporter.h"

#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CT_TEXT		"text/plain; charset=utf-8"

struct conn {
	int fd;			/* -1: free slot */
	char in[EXPORTER_REQ_MAX];
	size_t nin;
	int writing;
	int draining;		/* answered: reading what is left until
				   the client closes (a lingering close, so
				   that unread input does not turn our
				   close into a reset that eats the answer) */
	size_t drained;
	struct buf out;
	size_t off;
	double deadline;	/* px_mono() */
};

static const int codes[] = { 200, 400, 401, 404, 405, 408, 431 };
#define NCODES	((int)(sizeof(codes) / sizeof(codes[0])))
#define LINGER_S	2.0
#define LINGER_MAX	(1 << 20)

struct exporter {
	struct exporter_conf conf;
	int lfd;
	char addr[160];
	struct conn c[EXPORTER_MAXCONN];
	struct buf cache;
	int have_cache;
	double cache_at;
	struct exporter_stats st;
	unsigned long long bycode[NCODES];
	double logged_401;	/* when a refusal was last logged */
	unsigned long long unlogged_401;
};

/* ---- configuration ---- */

static void
logf_(const struct exporter *x, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
logf_(const struct exporter *x, int level, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (x->conf.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->conf.log(x->conf.log_arg, level, msg);
}

/* Split "ADDR:PORT" / "[V6]:PORT" into host and port; -1 if malformed. */
static int
split_addr(const char *s, char *host, size_t nh, char *port, size_t np)
{
	const char *c;
	size_t n;

	if (s[0] == '[') {
		const char *r = strchr(s, ']');

		if (r == NULL || r[1] != ':')
			return -1;
		n = (size_t)(r - s - 1);
		c = r + 1;
		s++;
	} else {
		if ((c = strrchr(s, ':')) == NULL || strchr(s, ':') != c)
			return -1;
		n = (size_t)(c - s);
	}
	if (n == 0 || n >= nh || strlen(c + 1) == 0 ||
	    strlen(c + 1) >= np || strspn(c + 1, "0123456789") !=
	    strlen(c + 1) || atol(c + 1) > 65535)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	snprintf(port, np, "%s", c + 1);
	return 0;
}

static struct addrinfo *
resolve(const char *addr)
{
	struct addrinfo hints, *res = NULL;
	char host[128], port[16];

	if (split_addr(addr, host, sizeof(host), port, sizeof(port)) != 0)
		return NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return NULL;
	return res;
}

int
exporter_addr_loopback(const char *addr)
{
	struct addrinfo *res = resolve(addr);
	int lo = 0;

	if (res == NULL)
		return -1;
	if (res->ai_family == AF_INET) {
		const struct sockaddr_in *a = (void *)res->ai_addr;

		lo = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	} else if (res->ai_family == AF_INET6) {
		const struct sockaddr_in6 *a = (void *)res->ai_addr;
		const unsigned char *b = a->sin6_addr.s6_addr;

		lo = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && b[12] == 127);
	}
	freeaddrinfo(res);
	return lo;
}

int
exporter_conf_load(const struct px_conf *c, const char *listen_flag,
    struct exporter_conf *ec, struct px_err *e)
{
	const char *v;

	memset(ec, 0, sizeof(*ec));
	snprintf(ec->listen, sizeof(ec->listen), "%s", EXPORTER_LISTEN);
	ec->cache_ms = EXPORTER_CACHE_MS;
	for (size_t i = 0; c != NULL && i < c->nkv; i++) {
		const char *k = c->kv[i].key;

		if (strcmp(c->kv[i].section, "exporter") != 0)
			continue;
		if (strcmp(k, "listen") && strcmp(k, "token_file") &&
		    strcmp(k, "cache")) {
			px_fail(e, PXE_CONFIG, "%s: [exporter] %s: unknown "
			    "key", c->path, k);
			px_hint(e, "the keys are listen, token_file and cache "
			    "(px.conf(5))");
			return -1;
		}
	}
	if (c != NULL && (v = conf_get(c, "exporter", "listen")) != NULL) {
		if (exporter_addr_loopback(v) < 0 ||
		    strlen(v) >= sizeof(ec->listen))
			return px_fail(e, PXE_CONFIG, "%s: [exporter] listen: "
			    "'%s' is not a numeric ADDRESS:PORT (127.0.0.1:9221, "
			    "[::1]:9221)", c->path, v);
		snprintf(ec->listen, sizeof(ec->listen), "%s", v);
		ec->listen_from_conf = 1;
	}
	if (c != NULL && (v = conf_get(c, "exporter", "cache")) != NULL) {
		char *end;
		long s = strtol(v, &end, 10);

		if (end == v || (*end && strcmp(end, "s") != 0) || s < 0 ||
		    s > 3600)
			return px_fail(e, PXE_CONFIG, "%s: [exporter] cache: "
			    "'%s' is not a number of seconds from 0 to 3600",
			    c->path, v);
		ec->cache_ms = s * 1000;
	}
	if (listen_flag != NULL) {
		if (exporter_addr_loopback(listen_flag) < 0 ||
		    strlen(listen_flag) >= sizeof(ec->listen))
			return px_fail(e, PXE_USAGE, "--listen: '%s' is not a "
			    "numeric ADDRESS:PORT (127.0.0.1:9221, [::1]:9221)",
			    listen_flag);
		ec->listen_from_conf = c != NULL && (v = conf_get(c,
		    "exporter", "listen")) != NULL &&
		    strcmp(v, listen_flag) == 0;
		snprintf(ec->listen, sizeof(ec->listen), "%s", listen_flag);
	}
	if (c != NULL && (v = conf_get(c, "exporter", "token_file")) != NULL) {
		if (strlen(v) >= sizeof(ec->token_file))
			return px_fail(e, PXE_CONFIG, "%s: [exporter] "
			    "token_file: path too long", c->path);
		snprintf(ec->token_file, sizeof(ec->token_file), "%s", v);
		if (secret_file_read(v, &ec->token, e) != 0) {
			px_wrap(e, "[exporter] token_file");
			return -1;
		}
		if (ec->token[0] == '\0' || conf_has_ctl(ec->token)) {
			exporter_conf_free(ec);
			return px_fail(e, PXE_CONFIG, "[exporter] token_file "
			    "%s: the token is empty or holds a control "
			    "character", v);
		}
	}
	return 0;
}

void
exporter_conf_free(struct exporter_conf *ec)
{
	if (ec->token != NULL)
		secret_free(ec->token);
	ec->token = NULL;
}

/* ---- the server ---- */

int
exporter_open(const struct exporter_conf *conf, struct exporter **out,
    struct px_err *e)
{
	struct exporter *x;
	struct addrinfo *res;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	int lo = exporter_addr_loopback(conf->listen), one = 1;

	*out = NULL;
	if (conf->client == NULL)
		return px_fail(e, PXE_USAGE, "the exporter needs a connected "
		    "client");
	if (lo < 0)
		return px_fail(e, PXE_USAGE, "'%s' is not a numeric "
		    "ADDRESS:PORT (127.0.0.1:9221, [::1]:9221)", conf->listen);
	if (!lo && (!conf->listen_from_conf || conf->token == NULL)) {
		px_fail(e, PXE_USAGE, "listening on %s, beyond loopback, needs "
		    "[exporter] listen = %s and a token_file in px.conf",
		    conf->listen, conf->listen);
		px_hint(e, "the metrics name every guest, node and storage; "
		    "see px.conf(5) [exporter]");
		return -1;
	}
	if ((res = resolve(conf->listen)) == NULL)
		return px_fail(e, PXE_USAGE, "'%s' is not a numeric "
		    "ADDRESS:PORT", conf->listen);
	x = px_xcalloc(1, sizeof(*x));
	x->conf = *conf;
	x->conf.token = conf->token ? px_xstrdup(conf->token) : NULL;
	for (int i = 0; i < EXPORTER_MAXCONN; i++)
		x->c[i].fd = -1;
	x->lfd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (x->lfd < 0 || setsockopt(x->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(x->lfd, res->ai_addr,
	    res->ai_addrlen) != 0 || listen(x->lfd, 64) != 0 ||
	    getsockname(x->lfd, (struct sockaddr *)&ss, &sl) != 0) {
		px_fail(e, PXE_IO, "listen on %s: %s", conf->listen,
		    strerror(errno));
		freeaddrinfo(res);
		exporter_close(x);
		return -1;
	}
	freeaddrinfo(res);
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (void *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		snprintf(x->addr, sizeof(x->addr), "[%s]:%u", host,
		    ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (void *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		snprintf(x->addr, sizeof(x->addr), "%s:%u", host,
		    ntohs(a->sin_port));
	}
	*out = x;
	return 0;
}

int
exporter_fd(const struct exporter *x)
{
	return x->lfd;
}

const char *
exporter_address(const struct exporter *x)
{
	return x->addr;
}

void
exporter_get_stats(const struct exporter *x, struct exporter_stats *s)
{
	*s = x->st;
}

static void
conn_close(struct conn *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->nin = 0;
	k->writing = 0;
	k->draining = 0;
	k->drained = 0;
	k->off = 0;
	buf_free(&k->out);
}

void
exporter_close(struct exporter *x)
{
	if (x == NULL)
		return;
	for (int i = 0; i < EXPORTER_MAXCONN; i++)
		conn_close(&x->c[i]);
	if (x->lfd >= 0)
		close(x->lfd);
	buf_free(&x->cache);
	exporter_conf_free(&x->conf);
	free(x);
}

int
exporter_pollfds(struct exporter *x, struct pollfd *fds, int max)
{
	int n = 0;

	if (max < 1)
		return 0;
	fds[n].fd = x->lfd;
	fds[n].events = POLLIN;
	fds[n++].revents = 0;
	for (int i = 0; i < EXPORTER_MAXCONN && n < max; i++) {
		if (x->c[i].fd < 0)
			continue;
		fds[n].fd = x->c[i].fd;
		fds[n].events = x->c[i].writing && !x->c[i].draining ?
		    POLLOUT : POLLIN;
		fds[n++].revents = 0;
	}
	return n;
}

int
exporter_timeout(const struct exporter *x)
{
	double now = px_mono(), best = -1;

	for (int i = 0; i < EXPORTER_MAXCONN; i++) {
		double left;

		if (x->c[i].fd < 0)
			continue;
		left = x->c[i].deadline - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best < 0 ? -1 : (int)(best * 1000) + 1;
}

static const char *
reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	default: return "Request Header Fields Too Large";
	}
}

/* Queue the answer on k; body NULL with a plain-text reason. */
static void
respond(struct exporter *x, struct conn *k, int code, const char *ctype,
    const struct buf *body, int head)
{
	char line[128];
	const char *text = body ? buf_str(body) : line;
	size_t n;

	snprintf(line, sizeof(line), "%d %s\n", code, reason(code));
	n = body ? body->len : strlen(line);
	buf_reset(&k->out);
	buf_printf(&k->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n", code, reason(code),
	    body ? ctype : CT_TEXT, n);
	if (code == 401)
		buf_adds(&k->out, "WWW-Authenticate: Bearer realm=\"px\"\r\n");
	if (code == 405)
		buf_adds(&k->out, "Allow: GET, HEAD\r\n");
	buf_adds(&k->out, "\r\n");
	if (!head)
		buf_add(&k->out, text, n);
	k->writing = 1;
	k->off = 0;
	k->deadline = px_mono() + EXPORTER_IDLE_MS / 1000.0;
	for (int i = 0; i < NCODES; i++)
		if (codes[i] == code)
			x->bycode[i]++;
}

/* The value of header name in the request head (lines after the first),
 * into out; 0 when present. */
static int
header(const char *req, const char *name, char *out, size_t n)
{
	size_t ln = strlen(name);
	const char *p = strchr(req, '\n');

	while (p != NULL && p[1] != '\0') {
		const char *l = p + 1, *end = strchr(l, '\n');
		size_t len;

		if (end == NULL)
			end = l + strlen(l);
		if (*l == '\r' || *l == '\n')
			break;		/* the head ends here */
		if (strncasecmp(l, name, ln) == 0 && l[ln] == ':') {
			l += ln + 1;
			while (*l == ' ' || *l == '\t')
				l++;
			len = (size_t)(end - l);
			while (len > 0 && (l[len - 1] == '\r' ||
			    l[len - 1] == ' ' || l[len - 1] == '\t'))
				len--;
			if (len >= n)
				len = n - 1;
			memcpy(out, l, len);
			out[len] = '\0';
			return 0;
		}
		p = *end ? end : NULL;
	}
	return -1;
}

/* Does the request carry the token?  Compared as SHA-256 digests in
 * constant time, so neither the token's bytes nor its length leak
 * through timing. */
static int
authorized(const struct exporter *x, const char *req)
{
	char v[1024];
	unsigned char want[32], got[32], diff = 0;
	br_sha256_context h;
	const char *tok;

	if (x->conf.token == NULL)
		return 1;
	if (header(req, "Authorization", v, sizeof(v)) != 0 ||
	    strncasecmp(v, "Bearer ", 7) != 0)
		return 0;
	for (tok = v + 7; *tok == ' '; tok++)
		;
	br_sha256_init(&h);
	br_sha256_update(&h, x->conf.token, strlen(x->conf.token));
	br_sha256_out(&h, want);
	br_sha256_init(&h);
	br_sha256_update(&h, tok, strlen(tok));
	br_sha256_out(&h, got);
	for (int i = 0; i < 32; i++)
		diff |= (unsigned char)(want[i] ^ got[i]);
	return diff == 0;
}

static void
append_counters(const struct exporter *x, struct buf *b)
{
	buf_adds(b, "# HELP px_exporter_requests_total HTTP requests "
	    "answered, by status code\n# TYPE px_exporter_requests_total "
	    "counter\n");
	for (int i = 0; i < NCODES; i++)
		buf_printf(b, "px_exporter_requests_total{code=\"%d\"} %llu\n",
		    codes[i], x->bycode[i]);
	buf_printf(b, "# HELP px_exporter_scrapes_total Scrapes of the "
	    "cluster since px started\n# TYPE px_exporter_scrapes_total "
	    "counter\npx_exporter_scrapes_total %llu\n", x->st.scrapes);
	buf_printf(b, "# HELP px_exporter_scrape_errors_total API requests "
	    "of scrapes that failed since px started\n"
	    "# TYPE px_exporter_scrape_errors_total counter\n"
	    "px_exporter_scrape_errors_total %llu\n", x->st.scrape_errors);
}

static void
serve_metrics(struct exporter *x, struct conn *k, int head)
{
	double now = px_mono();
	struct buf body = { 0 };

	if (!x->have_cache || (now - x->cache_at) * 1000 >=
	    (double)x->conf.cache_ms) {
		struct px_err e = { 0 };
		int rc;

		buf_reset(&x->cache);
		rc = exporter_scrape(x->conf.client, &x->cache, &e);
		x->st.scrapes++;
		if (rc != 0) {
			x->st.scrape_errors += rc > 0 ? (unsigned)rc : 1;
			logf_(x, rc < 0 ? EXPORTER_LOG_ERR : EXPORTER_LOG_WARN,
			    "scrape: %s%s", rc < 0 ? "" : "in part: ",
			    e.msg);
		}
		x->have_cache = 1;
		x->cache_at = px_mono();
	}
	buf_add(&body, x->cache.p ? x->cache.p : "", x->cache.len);
	append_counters(x, &body);
	respond(x, k, 200, CT_METRICS, &body, head);
	buf_free(&body);
}

/* The request head is complete in k->in: answer it. */
static void
handle_request(struct exporter *x, struct conn *k)
{
	char method[16], target[1024], version[16];
	char *q;

	x->st.requests++;
	if (sscanf(k->in, "%15[A-Z] %1023[^ \r\n] %15[^ \r\n]", method,
	    target, version) != 3 || strncmp(version, "HTTP/1.", 7) != 0) {
		respond(x, k, 400, NULL, NULL, 0);
		return;
	}
	if (!authorized(x, k->in)) {
		x->st.unauthorized++;
		x->unlogged_401++;
		if (x->logged_401 == 0 || px_mono() - x->logged_401 >= 60) {
			logf_(x, EXPORTER_LOG_WARN, "refused %llu request%s "
			    "without the right token", x->unlogged_401,
			    x->unlogged_401 == 1 ? "" : "s");
			x->logged_401 = px_mono();
			x->unlogged_401 = 0;
		}
		respond(x, k, 401, NULL, NULL, strcmp(method, "HEAD") == 0);
		return;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		respond(x, k, 405, NULL, NULL, 0);
		return;
	}
	if ((q = strchr(target, '?')) != NULL)
		*q = '\0';
	if (strcmp(target, "/metrics") != 0) {
		respond(x, k, 404, NULL, NULL, strcmp(method, "HEAD") == 0);
		return;
	}
	serve_metrics(x, k, strcmp(method, "HEAD") == 0);
}

/* Write what is queued; 1 when the connection is done. */
static int
conn_write(struct conn *k)
{
	while (k->off < k->out.len) {
		ssize_t w = send(k->fd, k->out.p + k->off, k->out.len - k->off,
		    MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 1;
		k->off += (size_t)w;
	}
	shutdown(k->fd, SHUT_WR);
	return 1;
}

/* The answer is out: read and drop what the client still sends, until
 * it closes, LINGER_S passes or LINGER_MAX bytes came. */
static void
conn_linger(struct conn *k)
{
	k->draining = 1;
	k->deadline = px_mono() + LINGER_S;
}

/* Drop input of a lingering connection; 1 when it is to be closed. */
static int
conn_drain(struct conn *k)
{
	char junk[4096];

	for (;;) {
		ssize_t r = recv(k->fd, junk, sizeof(junk), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r <= 0)
			return 1;
		k->drained += (size_t)r;
		if (k->drained > LINGER_MAX)
			return 1;
	}
}

/* Read what the client sent; answer when the head is complete. */
static void
conn_read(struct exporter *x, struct conn *k)
{
	for (;;) {
		ssize_t r;

		if (k->nin + 1 >= sizeof(k->in)) {
			respond(x, k, 431, NULL, NULL, 0);
			break;
		}
		r = recv(k->fd, k->in + k->nin, sizeof(k->in) - 1 - k->nin, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			conn_close(k);
			return;
		}
		k->nin += (size_t)r;
		k->in[k->nin] = '\0';
		if (memchr(k->in, '\0', k->nin) != NULL) {
			respond(x, k, 400, NULL, NULL, 0);
			break;
		}
		if (strstr(k->in, "\r\n\r\n") || strstr(k->in, "\n\n")) {
			handle_request(x, k);
			break;
		}
	}
	if (k->fd >= 0 && k->writing && conn_write(k))
		conn_linger(k);
}

static void
accept_all(struct exporter *x)
{
	for (;;) {
		int fd = accept4(x->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC), i;

		if (fd < 0)
			return;
		for (i = 0; i < EXPORTER_MAXCONN && x->c[i].fd >= 0; i++)
			;
		if (i == EXPORTER_MAXCONN) {
			x->st.refused++;
			close(fd);
			continue;
		}
		memset(&x->c[i], 0, sizeof(x->c[i]));
		x->c[i].fd = fd;
		x->c[i].deadline = px_mono() + EXPORTER_IDLE_MS / 1000.0;
	}
}

void
exporter_handle_ready(struct exporter *x, const struct pollfd *fds, int n)
{
	double now;

	for (int i = 0; i < n; i++) {
		if (fds[i].revents == 0)
			continue;
		if (fds[i].fd == x->lfd) {
			accept_all(x);
			continue;
		}
		for (int z = 0; z < EXPORTER_MAXCONN; z++) {
			struct conn *k = &x->c[z];

			if (k->fd != fds[i].fd)
				continue;
			if (k->draining) {
				if (conn_drain(k))
					conn_close(k);
			} else if (k->writing) {
				if (conn_write(k))
					conn_linger(k);
			} else
				conn_read(x, k);
			break;
		}
	}
	now = px_mono();
	for (int z = 0; z < EXPORTER_MAXCONN; z++) {
		struct conn *k = &x->c[z];

		if (k->fd < 0 || now < k->deadline)
			continue;
		if (!k->writing) {
			/* a client that sent no complete head in time; one
			 * more period to take the answer */
			respond(x, k, 408, NULL, NULL, 0);
			if (conn_write(k))
				conn_linger(k);
			continue;
		}
		conn_close(k);	/* too slow to read, or done lingering */
	}
}
