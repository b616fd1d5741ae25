/*
 * ws.h -- RFC 6455 WebSocket framing, as pure functions over buffers: the
 * frame reader (bounded, strict), the message assembler (fragmentation,
 * control frames in the middle, close code and reason), the frame writer
 * (client masking) and the handshake's key and accept values.
 *
 * Nothing here does I/O: the connection over libcurl is lib/http_ws.c
 * (ws_conn_* in http_ws.h); pxsim's server side uses the same reader.
 */
#ifndef PX_WS_H
#define PX_WS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define WS_MAX_FRAME	(1u << 20)	/* larger payloads: 1009 */
#define WS_MAX_MESSAGE	(4u << 20)	/* a larger message: 1009 */
#define WS_MAX_HEADER	14		/* 2 + 8 (length) + 4 (mask) */

enum ws_op {
	WS_OP_CONT = 0x0,
	WS_OP_TEXT = 0x1,
	WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8,
	WS_OP_PING = 0x9,
	WS_OP_PONG = 0xa,
};

/* Close codes px sends or reports (RFC 6455 7.4.1). */
#define WS_CLOSE_NORMAL		1000
#define WS_CLOSE_GOING_AWAY	1001
#define WS_CLOSE_PROTOCOL	1002
#define WS_CLOSE_BAD_DATA	1007
#define WS_CLOSE_TOO_BIG	1009

/* One frame's header, as ws_frame_parse read it. */
struct ws_frame {
	int fin;
	int op;			/* enum ws_op */
	int masked;
	unsigned char mask[4];
	size_t hdr_len;		/* header bytes; the payload follows */
	size_t len;		/* payload bytes */
};

/*
 * Read one frame's header from p[0..n).  Returns 1 when the whole frame
 * (header and payload) is in p: f is filled, the frame is f->hdr_len +
 * f->len bytes.  Returns 0 when more bytes are needed.  Returns -1 with
 * e (PXE_PARSE, or PXE_TOO_LARGE for a payload over max) and *close_code
 * for a frame that must end the connection: reserved bits set, an
 * unknown opcode, a control frame fragmented or over 125 bytes, a length
 * not in its shortest form or with the top bit set, a mask where none may
 * be (from_client 0: frames from a server are never masked) or none where
 * one must be (from_client 1).  Reads nothing past p[n-1].
 */
int ws_frame_parse(const unsigned char *p, size_t n, int from_client,
    size_t max, struct ws_frame *f, int *close_code, struct px_err *e);

/* What the message assembler hands back. */
enum ws_event_kind {
	WS_EV_NONE,		/* a fragment taken, nothing complete */
	WS_EV_MESSAGE,		/* ev->op TEXT or BINARY, ev->data */
	WS_EV_PING,		/* ev->data: answer with a pong of it */
	WS_EV_PONG,
	WS_EV_CLOSE,		/* ev->code (1005: none), ev->data */
};

struct ws_event {
	enum ws_event_kind kind;
	int op;
	int code;
	struct buf data;	/* the event's payload (owned by the reader,
				   valid until the next ws_read_event) */
};

/* The assembler's state: a message in progress across fragments. */
struct ws_reader {
	int from_client;	/* 1: pxsim reading a client */
	int partial_op;		/* TEXT/BINARY of the message in
				   progress, 0 when none */
	struct buf msg;		/* the fragments so far */
	struct ws_event ev;
};

/* Start a reader (from_client as for ws_frame_parse). */
void ws_reader_init(struct ws_reader *r, int from_client);
/* Free what r holds. */
void ws_reader_free(struct ws_reader *r);
/*
 * Take at most one frame from p[0..n): 1 with *used bytes consumed and
 * *ev (r's; see struct ws_event) filled, 0 when p holds no whole frame
 * yet (*used 0), -1 with e and *close_code for a frame or a message that
 * breaks the protocol (see ws_frame_parse; also a continuation with no
 * message to continue, a new message inside a fragmented one, a message
 * over WS_MAX_MESSAGE, a text message or close reason that is not UTF-8,
 * a close payload of 1 byte or with a code that may not be sent).
 */
int ws_read_event(struct ws_reader *r, const unsigned char *p, size_t n,
    size_t *used, struct ws_event **ev, int *close_code, struct px_err *e);

/*
 * Append one frame to out: fin, op, payload data[0..n), masked with mask
 * when mask is not NULL (a client must mask every frame; a server never
 * masks).  n is not checked against WS_MAX_FRAME: the caller sizes it.
 */
void ws_frame_build(struct buf *out, int fin, int op, const void *data,
    size_t n, const unsigned char *mask);
/* The payload of a close frame: code (big-endian) and reason, cut to fit
 * in 125 bytes; into out (reset first).  code 0: an empty payload. */
void ws_close_payload(struct buf *out, int code, const char *reason);

/* The Sec-WebSocket-Key for 16 random bytes (base64, 24 chars + NUL). */
void ws_handshake_key(char out[25], const unsigned char nonce[16]);
/* The Sec-WebSocket-Accept a server answers to key: base64 of the SHA-1
 * of key and RFC 6455's GUID (28 chars + NUL). */
void ws_handshake_accept(char out[29], const char *key);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int ws_utf8_valid(const unsigned char *s, size_t n);

#endif
