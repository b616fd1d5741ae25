/*
 * http.h -- requests to the PVE/PBS API (libcurl): one at a time or many
 * in parallel through one curl multi handle.
 *
 * A struct px_client is one profile's connection: its base URL, its
 * credentials, its TLS trust and its rate limit.  px_client_new resolves
 * the secret (conf_secret), establishes trust before any credential is
 * sent (see DESIGN.md "TLS trust": the leaf certificate is read on a probe
 * connection that carries no credential, its SHA-256 compared with the
 * fingerprint, and every later request pins the certificate's public key
 * with CURLOPT_PINNEDPUBLICKEY), and logs in for password profiles.
 *
 * A struct px_call is one request and its result.  Retries: only GET, on
 * 429/502/503/504 and connection errors, with exponential backoff and
 * jitter, honouring Retry-After (capped); writes are never retried
 * blindly.  Bodies are capped at 32 MiB.  Errors are mapped to px's ids:
 * 401 unauthorized, 403 forbidden, 404 and PVE's "does not exist" not-found,
 * 429 rate-limited, 5xx/59x unavailable, TLS failures tls-*.
 */
#ifndef PX_HTTP_H
#define PX_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "err.h"

struct px_client;

struct px_client_opts {
	const char *secret;	/* from a command-line flag, or NULL */
	int verbose;		/* -v: log each request (never secrets) */
	const char *api_prefix;	/* default "/api2/json" */
	int no_auth;		/* no secret is resolved and no Authorization
				   header is sent: for the Telegram Bot API,
				   whose credential is the api_prefix
				   ("/bot<TOKEN>"), so -v logs never show the
				   prefix; a URL without a port means 443 */
	int name_profile;	/* one of several profiles read at once: the
				   reports of its answers (px_call_origin)
				   name the profile */
};

/* Connect a profile: secret, TLS trust, login.  NULL with e set.  It
 * may block for the profile's timeouts (a probe, a login), so px fleet
 * calls it on a thread per profile: calls for different profiles may
 * run at once (px_data_dir must have been called once before). */
struct px_client *px_client_new(const struct px_conf *conf,
    const struct px_profile *p, const struct px_client_opts *o,
    struct px_err *e);
/* Free c and wipe its secrets (NULL is a no-op). */
void px_client_free(struct px_client *c);
/* The profile c was made for (the caller's; not copied). */
const struct px_profile *px_client_profile(const struct px_client *c);
/* The SHA-256 fingerprint of the server's certificate as seen on the
 * probe (colon hex), or NULL when trust did not need a probe. */
const char *px_client_fingerprint(const struct px_client *c);

/*
 * A multipart/form-data body (an upload to PVE): the parts of fields
 * (form-encoded, "content=iso&checksum=..."; each key one part, in
 * order), then one file part named file_field carrying file_name, read
 * from fd at offsets 0..size as libcurl sends it (pread: never whole in
 * memory; a repeated attempt reads it again).  progress, when set, is
 * called as bytes leave (sent of size).  The caller owns all of it and
 * keeps fd open until the call is freed.
 */
struct px_upload {
	const char *fields;
	const char *file_field;	/* "filename" for PVE's upload */
	const char *file_name;	/* the name the server is told */
	int fd;
	long long size;
	void (*progress)(void *arg, long long sent, long long size);
	void *progress_arg;
};

struct px_call {
	/* in */
	struct px_client *c;
	const char *method;	/* GET POST PUT DELETE */
	char *path;		/* owned: API path with query, "/nodes" */
	char *form;		/* owned: form body (query for GET/DELETE) */
	/* optional, for a download: a 2xx answer's body goes to sink as it
	 * arrives, not into body (no body cap; no whole-request timeout,
	 * but a transfer that stalls for the profile's timeout fails);
	 * total is the Content-Length or -1.  sink returns 0, or -1 to
	 * stop (keeping its own error: rc -1, err PXE_IO).  Not retried
	 * once a byte reached it. */
	int (*sink)(void *arg, const char *p, size_t n, long long total);
	void *sink_arg;
	/* optional, to read an answer while it arrives: a 2xx answer's
	 * body still goes into body (capped as usual), and after each
	 * piece feed(feed_arg, body.p, body.len, total) sees all of it so
	 * far, total being the length the answer announced (Content-
	 * Length; 0 unknown), a hint only: the server may send less or
	 * more; feed(feed_arg, NULL, 0, 0) when an attempt starts over (a
	 * retry, a renewed ticket) after one it was fed, to drop what it
	 * made of that.  It returns 0, or nonzero to be fed no more of
	 * this attempt.  Not with sink. */
	int (*feed)(void *arg, const char *p, size_t n,
	    unsigned long long total);
	void *feed_arg;
	/* with feed: feed may run on a thread of its own while the answer
	 * arrives (when its Content-Length sizes the body), so it must not
	 * touch what this thread uses until the call is done */
	int feed_thread;
	/* optional: called on px_call_run's thread as soon as this call is
	 * over (rc and body final, retries done), while the others of the
	 * batch may still run: its answer can be read (and its body freed)
	 * before the slowest call ends.  It must not run calls itself. */
	void (*done)(void *arg, struct px_call *k);
	void *done_arg;
	/* optional, with done and without feed: called (with done_arg) on
	 * px_call_run's thread as soon as a 2xx answer's body is whole by
	 * its one Content-Length (no Transfer- or Content-Encoding), before
	 * libcurl ends the transfer, at most once per call.  libcurl reads
	 * all the answers that arrive in one pass before any call is done:
	 * over 50 clusters answering one after another, ready lets their
	 * bodies be read meanwhile.  k->status is set and k->body is final
	 * (ready may take it); the call still ends with done, which alone
	 * says whether it succeeded. */
	void (*ready)(void *arg, struct px_call *k);
	/* optional: the body is this multipart upload instead of form
	 * (POST only; no whole-request timeout, but a transfer that stalls
	 * for the profile's timeout fails; never retried) */
	const struct px_upload *upload;
	/* out */
	int rc;			/* 0: 2xx; -1: err is set */
	long status;		/* HTTP status, 0 if none */
	char reason[256];	/* HTTP reason phrase (PVE's message) */
	struct buf body;
	struct px_err err;
	double seconds;		/* wall time including retries */
	int attempts;
	int sent;		/* some request bytes left px (CURLINFO_
				   REQUEST_SIZE): a write may have happened */
	/* internal */
	void *priv;
};

/* 1 when one segment of path (before its query) is "." or "..", also
 * percent-encoded: a server or libcurl would collapse it, and the
 * request would go elsewhere than the path px built and showed.  Every
 * call refuses such a path (PXE_USAGE) before anything is sent. */
int px_path_has_dot_segment(const char *path);

/* Prepare a call: path printf-style (segments must already be encoded:
 * use url_seg).  form may be NULL; it is copied. */
void px_call_init(struct px_call *k, struct px_client *c, const char *method,
    const char *form, const char *pathfmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Run n calls in parallel (each may use a different client); returns the
 * number that failed. */
int px_call_run(struct px_call *k, size_t n);
/* Free what k owns (path, form, body, the transfer); k itself is the
 * caller's. */
void px_call_free(struct px_call *k);
/* Where k's answer came from, for reports about its rows (px_drop):
 * "GET /nodes", or "GET /nodes on profile NAME" when the client's
 * options said name_profile.  Free it. */
char *px_call_origin(const struct px_call *k);

/*
 * GET a public file at url: https only (redirects too), trusted by the
 * system's CA store (or only ca_file's certificates when not NULL), no
 * profile and no credential (a cloud image's
 * published checksums).  The body in out (the caller frees it), at most
 * cap bytes (PXE_TOO_LARGE beyond), within timeout seconds.  0, or -1
 * with e (PXE_NOT_FOUND for a 404).
 */
int http_fetch_public(const char *url, const char *ca_file, size_t cap,
    long timeout, struct buf *out, struct px_err *e);

/*
 * Probe url (no credential sent; TLS handshake only, verification off)
 * and return the leaf certificate's SHA-256 fingerprint (colon hex) and
 * the pin of its public key ("sha256//BASE64").  For init and doctor.
 */
int http_probe(const char *url, long timeout, char fp[96], char pin[64],
    struct px_err *e);

#endif
