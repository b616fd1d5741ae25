/*
 * http_impl.h -- what the files of lib/http share, for them only: no
 * other module includes it (they use http.h and http_async.h).
 *
 *     http_trust.c  libcurl's global init, the TLS probe (DER, SPKI,
 *                   fingerprint), pin and TOFU records, tls_establish
 *     http.c        requests: setup, retries, rate limit, body cap,
 *                   error mapping; px_call_run and one attempt at a time
 *     http_auth.c   the client: secret, token header, login, ticket
 *                   renewal
 *     http_async.c  px_call without waiting (the caller's event loop)
 *     http_ws.c     a WebSocket to the server (consoles), with the same
 *                   trust and credentials as the requests
 *
 * Calls go one way: http_trust.c calls none of the others; http.c calls
 * http_trust.c; http_auth.c calls both; http_async.c calls http.c and
 * http_auth.c's renewal, and nothing calls it; http_ws.c calls http.c's
 * http_tls_setopt and nothing calls it.  http.c logs in again
 * through c->relogin, so it does not depend on http_auth.c.
 */
#ifndef PX_HTTP_IMPL_H
#define PX_HTTP_IMPL_H

#include <time.h>

#include <curl/curl.h>

#include "http.h"

#define HTTP_BODY_CAP	(32u << 20)
#define HTTP_HEADER_CAP	(64u << 10)	/* all of an answer's header lines */
#define TICKET_RENEW	(105 * 60)	/* renew tickets before 2 h */

/* A profile's connection (http_auth.c makes it). */
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
	int name_profile;	/* px_client_opts's */
	int hide_prefix;	/* the API prefix is a credential: never log it */
	double bucket, bucket_at;	/* rate limit: tokens, last refill */
	int in_login;
	/* Set for a password profile (http_auth.c): log in again, or renew
	 * the ticket, and wait; 0 or -1 with e.  The requests call it on
	 * an expired ticket and before one expires. */
	int (*relogin)(struct px_client *c, struct px_err *e);
	int renewing;		/* an http_renewal call is out */
	time_t renew_after;	/* a failed renewal: not again before */
};

/* A call's transfer, k->priv: http.c's. */
struct call_priv {
	CURL *easy;
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
	double start, not_before, retry_after;
	int active, done, too_large, relogged;
	int hdr_too_large;	/* the header lines passed HTTP_HEADER_CAP */
	int hdr_done;		/* the blank line that ends them was seen */
	size_t hdr_bytes;
	char *url;
	long long clen;		/* Content-Length, -1 unknown */
	int nclen;		/* Content-Length lines of this answer */
	int coded;		/* a Transfer- or Content-Encoding: the body
				 * is not the Content-Length's bytes */
	int readied;		/* k->ready has run (once per call) */
	int sunk;		/* bytes went to k->sink */
	int sink_stop;		/* k->sink asked to stop */
	int fed;		/* this attempt's body went to k->feed */
	int feed_off;		/* k->feed sees no more of this attempt */
	double parse_after;	/* s the feed took once the body was in */
	double ph[4];		/* -v: connect, TLS, wait, body (ms) */
	int has_ph;		/* ph is the last attempt's */
	struct feed_worker *fw;	/* k->feed's thread (http_feed.c) */
	curl_mime *mime;	/* k->upload's body */
	long long up_off;	/* read offset in k->upload->fd */
	int up_err;		/* reading k->upload->fd failed (errno) */
};

/* http_feed.c */

/* A piece of a 2xx answer that k->feed reads: into k->body, then to
 * the feed, on a thread of its own when k->feed_thread allows it. */
void http_feed_piece(struct px_call *k, struct call_priv *cp,
    const char *data, size_t n);
/* The feed's thread, if any, done with this attempt (before anything
 * else reads k->body or the feed's state). */
void http_feed_join(struct call_priv *cp);

/* http_trust.c */

/* curl_global_init, once, whichever thread comes first (px fleet
 * connects its profiles on threads of their own). */
void http_curl_init(void);
/* Settle TLS trust for c before any credential is sent: c->tls, and
 * c->pin for a fingerprint or TOFU profile.  0, or -1 with e. */
int http_tls_establish(struct px_client *c, struct px_err *e);

/* http.c */

/*
 * One attempt of k on a fresh easy handle, for http_async.c (the first
 * call allocates k->priv).  http_call_attempt returns the CURL * to add
 * to a multi handle, or NULL with *not_before (px_mono's clock) when
 * the profile's rate limit says to wait, or NULL with *not_before -1
 * when k is refused before any attempt (k->rc -1, k->err set: a "." or
 * ".." path segment) and is done.  After the transfer ended
 * (removed from the multi handle), http_call_finish returns 1 when k is
 * done, 0 when it must be tried again at *not_before.
 */
void *http_call_attempt(struct px_call *k, double *not_before);
int http_call_finish(struct px_call *k, int result, double *not_before);
/* Set the easy handle's TLS options for c's trust (insecure, pinned key,
 * CA file or system): every connection to c's server, the requests and
 * the WebSocket of http_ws.c, is trusted the same way. */
void http_tls_setopt(void *easy, const struct px_client *c);
/* Run k on its own easy handle and wait, outside the shared multi
 * handle, so that a login can happen while other calls are in flight.
 * No retry: it is a write.  The result is in k as after px_call_run. */
void http_call_run_blocking(struct px_call *k);

/* http_auth.c */

/*
 * The renewal of a password profile's ticket, due after 105 minutes
 * (PVE's tickets last 2 hours), for http_async.c.  http_renewal returns
 * the POST /access/ticket to run alongside c's calls (allocated; the
 * caller owns it until it hands it back), or NULL when none is due or
 * one is out; the calls go on with the old ticket meanwhile, so a slow
 * or dead server never stops the caller's loop.  Hand the call back to
 * http_renewal_done when it finished or was dropped: it keeps the new
 * ticket, or tries again a minute later, and frees the call.
 */
struct px_call *http_renewal(struct px_client *c);
void http_renewal_done(struct px_call *k);

#endif
