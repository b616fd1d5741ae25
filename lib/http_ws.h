/*
 * http_ws.h -- a WebSocket to a profile's server (PVE's vncwebsocket for
 * consoles), over libcurl's CONNECT_ONLY with curl_easy_send/recv: the
 * TLS trust (pinned key, CA file) and the credentials (token header,
 * ticket cookie) are those of every other request of the client.  The
 * framing is lib/ws.c's.
 *
 * One ws_conn is used by one thread: ws_conn_fd for poll(), then
 * ws_conn_read until it returns 0; ws_conn_send blocks until the frame
 * left (bounded by the profile's timeout).
 */
#ifndef PX_HTTP_WS_H
#define PX_HTTP_WS_H

#include <stddef.h>

#include "err.h"
#include "http.h"
#include "ws.h"

struct ws_conn;

/*
 * Open a WebSocket to path (an API path with its query, segments encoded,
 * "/nodes/pve1/vncwebsocket?port=5900&vncticket=..."), offering
 * subprotocol (NULL: none; PVE's consoles use "binary").  The upgrade is
 * checked (101, Upgrade, Connection, Sec-WebSocket-Accept).  NULL with e:
 * PXE_TLS* before anything is sent, the API's errors for a non-101
 * answer, PXE_PARSE for a broken handshake.
 */
struct ws_conn *ws_conn_open(struct px_client *c, const char *path,
    const char *subprotocol, struct px_err *e);
/* The socket to poll for input. */
int ws_conn_fd(const struct ws_conn *w);
/*
 * The next event: 1 with *ev (valid until the next call), 0 when nothing
 * more is there now (poll again), -1 with e when the connection failed
 * or broke the protocol (a close frame is sent when it can be).  Pings are
 * answered with pongs here, and a close frame with a close frame;
 * both are still handed back.  After WS_EV_CLOSE, or -1, the
 * connection is done.
 */
int ws_conn_read(struct ws_conn *w, struct ws_event **ev, struct px_err *e);
/* Send one whole message (op TEXT, BINARY, PING) masked; 0 or -1 with e. */
int ws_conn_send(struct ws_conn *w, int op, const void *data, size_t n,
    struct px_err *e);
/* Send a close frame with code and reason (once; best effort). */
void ws_conn_close(struct ws_conn *w, int code, const char *reason);
/* Free w and close its connection (NULL is a no-op). */
void ws_conn_free(struct ws_conn *w);

#endif
