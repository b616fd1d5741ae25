/*
 * exporter.h -- the cluster as Prometheus metrics: one scrape collects
 * nodes, guests, storages, tasks, backups, HA and replication in two
 * parallel rounds of GETs (cluster-wide, then per node and per backup
 * storage), renders them in the text exposition format 0.0.4, and keeps
 * the result for a few seconds; a small HTTP/1.1 server answers
 * GET /metrics with it.
 *
 * The server never blocks on a client: the listening socket and every
 * connection are non-blocking, and the caller's poll loop drives them:
 *
 *     struct exporter_conf ec;
 *     exporter_conf_load(conf, NULL, &ec, &e);   [exporter] of px.conf
 *     ec.client = client;
 *     exporter_open(&ec, &x, &e);
 *     for (;;) {
 *             n = exporter_pollfds(x, fds, EXPORTER_POLLFDS);
 *             poll(fds, n, exporter_timeout(x));
 *             exporter_handle_ready(x, fds, n);
 *     }
 *
 * A scrape itself (px_call_run) blocks for as long as the API takes to
 * answer, at most the profile's timeout: a request that finds the cache
 * stale is answered after it.  Metric names, labels and how they map to
 * prometheus-pve-exporter's: pxexporter(1).
 */
#ifndef PX_EXPORTER_H
#define PX_EXPORTER_H

#include <poll.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "http.h"

#define EXPORTER_LISTEN		"127.0.0.1:9221"
#define EXPORTER_CACHE_MS	5000	/* a scrape is reused this long */
#define EXPORTER_MAXCONN	32	/* clients at once; more are closed */
#define EXPORTER_REQ_MAX	8192	/* request line and headers, bytes */
#define EXPORTER_IDLE_MS	10000	/* a client that sends nothing */
#define EXPORTER_POLLFDS	(EXPORTER_MAXCONN + 1)

/* Log levels of the log hook. */
enum { EXPORTER_LOG_ERR, EXPORTER_LOG_WARN, EXPORTER_LOG_INFO };

struct exporter_conf {
	struct px_client *client;	/* the caller's, connected */
	char listen[128];	/* ADDR:PORT, [V6ADDR]:PORT; port 0 picks one */
	int listen_from_conf;	/* listen came from [exporter] listen */
	char *token;		/* bearer token (malloc'd, wiped by
				   exporter_conf_free), or NULL: none asked */
	char token_file[512];	/* where it came from, "" */
	long cache_ms;		/* 0: every request scrapes */
	/* optional: told about each scrape that failed in part, each
	 * refused client; never a secret.  The lib prints nothing. */
	void (*log)(void *arg, int level, const char *msg);
	void *log_arg;
};

/*
 * Fill ec from px.conf's [exporter] section (listen, token_file,
 * cache) and the flag --listen (NULL when not given; it wins over
 * listen).  The token file is read (secret_file_check: owner only).
 * PXE_CONFIG for a bad value, naming the key.  The loopback rule is
 * checked by exporter_open.  Free with exporter_conf_free.
 */
int exporter_conf_load(const struct px_conf *c, const char *listen_flag,
    struct exporter_conf *ec, struct px_err *e);
void exporter_conf_free(struct exporter_conf *ec);

/* 1 when addr (ADDR:PORT) is a loopback address (127/8, ::1), 0 if
 * not, -1 when it is no numeric ADDR:PORT. */
int exporter_addr_loopback(const char *addr);

struct exporter;

/*
 * Listen on conf->listen.  An address beyond loopback is refused
 * (PXE_USAGE) unless it came from [exporter] listen and a token is set:
 * metrics name every guest, node and storage.  conf is copied (the
 * token too).  PXE_IO when the socket cannot be bound.  *out is freed
 * with exporter_close.
 */
int exporter_open(const struct exporter_conf *conf, struct exporter **out,
    struct px_err *e);
/* The listening socket. */
int exporter_fd(const struct exporter *x);
/* The address bound, "127.0.0.1:9221" (static in x). */
const char *exporter_address(const struct exporter *x);
/* Fill fds with the sockets to watch (the listening one first, then
 * each client, POLLIN or POLLOUT); returns how many (<= max). */
int exporter_pollfds(struct exporter *x, struct pollfd *fds, int max);
/* Milliseconds until a client times out, -1 when none is connected. */
int exporter_timeout(const struct exporter *x);
/* Act on the revents of fds (as filled by exporter_pollfds, then
 * polled): accept, read, answer (scraping when the cache is stale),
 * write, close; and close clients idle for EXPORTER_IDLE_MS.  Fine to
 * call with n 0 (only the timeouts). */
void exporter_handle_ready(struct exporter *x, const struct pollfd *fds,
    int n);
/* Close every socket and free x (NULL is fine). */
void exporter_close(struct exporter *x);

/* Counters of the server, for the daemon's own log. */
struct exporter_stats {
	unsigned long long requests, scrapes, scrape_errors;
	unsigned long long unauthorized, refused;
};
void exporter_get_stats(const struct exporter *x, struct exporter_stats *s);

/*
 * One scrape without a server (px exporter --once, the daemon's
 * textfile mode): collect with c and append the exposition to out.
 * Returns how many requests of the scrape failed (0: all answered);
 * the metrics of what answered are in out either way, and
 * px_scrape_errors says it.  With every request failed, -1 and e set.
 */
int exporter_scrape(struct px_client *c, struct buf *out, struct px_err *e);

/* Append s as a label value: '\\', '"' and newline escaped as the
 * format says, other control characters and bytes that are no part of
 * well-formed UTF-8 as '?'. */
void exporter_label_value(struct buf *b, const char *s);

#endif
