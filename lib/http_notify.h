/*
 * http_notify.h -- one POST to a notification receiver (a webhook, an
 * ntfy server): not the PVE API, so not through the gate, and never with
 * a profile's credentials.  http:// and https:// (system CA trust, or
 * none); no redirects followed; 10 s to connect, 30 s in all; the answer
 * capped at 64 KiB and only its status kept.
 */
#ifndef PX_HTTP_NOTIFY_H
#define PX_HTTP_NOTIFY_H

#include <stddef.h>

#include "err.h"

/*
 * POST body (n bytes, content_type) to url; bearer, when not NULL, goes
 * in "Authorization: Bearer ..." (a secret: never in an error).  extra
 * headers: NULL-terminated "Name: value" lines, or NULL.  0 on a 2xx
 * answer, else -1 with e (the URL in e is without its user:password@ and
 * query).
 */
int http_notify_post(const char *url, const char *content_type,
    const char *bearer, const char *const *extra, const char *body,
    size_t n, struct px_err *e);

/* url as it may be logged: scheme://host[:port]/path, without
 * user:password@, query or fragment. */
void http_notify_url_safe(const char *url, char *out, size_t n);

#endif
