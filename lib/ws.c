/*
 * ws.c -- RFC 6455 WebSocket framing over buffers (see ws.h).
 */
#include <string.h>

#include <bearssl.h>

#include "enc.h"
#include "ws.h"

static int
is_control(int op)
{
	return op >= 0x8;
}

static int
op_known(int op)
{
	return op == WS_OP_CONT || op == WS_OP_TEXT || op == WS_OP_BINARY ||
	    op == WS_OP_CLOSE || op == WS_OP_PING || op == WS_OP_PONG;
}

static int
bad_frame(struct px_err *e, int *close_code, int code, enum px_errid id,
    const char *what)
{
	*close_code = code;
	px_fail(e, id, "WebSocket: %s", what);
	return -1;
}

int
ws_frame_parse(const unsigned char *p, size_t n, int from_client,
    size_t max, struct ws_frame *f, int *close_code, struct px_err *e)
{
	uint64_t len;
	size_t need = 2;
	int i;

	memset(f, 0, sizeof(*f));
	if (n < 2)
		return 0;
	f->fin = (p[0] & 0x80) != 0;
	f->op = p[0] & 0x0f;
	f->masked = (p[1] & 0x80) != 0;
	if (p[0] & 0x70)
		return bad_frame(e, close_code, WS_CLOSE_PROTOCOL, PXE_PARSE,
		    "a frame with reserved bits set (no extension was "
		    "negotiated)");
	if (!op_known(f->op))
		return bad_frame(e, close_code, WS_CLOSE_PROTOCOL, PXE_PARSE,
		    "a frame with an unknown opcode");
	if (f->masked != (from_client != 0))
		return bad_frame(e, close_code, WS_CLOSE_PROTOCOL, PXE_PARSE,
		    from_client ? "an unmasked frame from the client" :
		    "a masked frame from the server");
	len = p[1] & 0x7f;
	if (is_control(f->op) && (!f->fin || len > 125))
		return bad_frame(e, close_code, WS_CLOSE_PROTOCOL, PXE_PARSE,
		    "a control frame that is fragmented or over 125 bytes");
	if (len == 126) {
		need = 4;
		if (n < need)
			return 0;
		len = (uint64_t)p[2] << 8 | p[3];
		if (len < 126)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a frame length not in its shortest "
			    "form");
	} else if (len == 127) {
		need = 10;
		if (n < need)
			return 0;
		if (p[2] & 0x80)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a frame length with its top bit set");
		len = 0;
		for (i = 2; i < 10; i++)
			len = len << 8 | p[i];
		if (len < 65536)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a frame length not in its shortest "
			    "form");
	}
	if (len > max)
		return bad_frame(e, close_code, WS_CLOSE_TOO_BIG, PXE_TOO_LARGE,
		    "a frame larger than px accepts");
	if (f->masked) {
		if (n < need + 4)
			return 0;
		memcpy(f->mask, p + need, 4);
		need += 4;
	}
	f->hdr_len = need;
	f->len = (size_t)len;
	if (n - need < f->len)
		return 0;
	return 1;
}

void
ws_reader_init(struct ws_reader *r, int from_client)
{
	memset(r, 0, sizeof(*r));
	r->from_client = from_client;
}

void
ws_reader_free(struct ws_reader *r)
{
	buf_free(&r->msg);
	buf_free(&r->ev.data);
	memset(r, 0, sizeof(*r));
}

/* Append the frame's payload to b, unmasked. */
static void
take_payload(struct buf *b, const unsigned char *p, const struct ws_frame *f)
{
	size_t i, at = b->len;

	buf_add(b, p + f->hdr_len, f->len);
	if (f->masked)
		for (i = 0; i < f->len; i++)
			b->p[at + i] ^= (char)f->mask[i & 3];
}

/* A close code a peer may send (RFC 6455 7.4). */
static int
close_code_valid(int c)
{
	if (c >= 3000 && c <= 4999)
		return 1;
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011);
}

int
ws_read_event(struct ws_reader *r, const unsigned char *p, size_t n,
    size_t *used, struct ws_event **ev, int *close_code, struct px_err *e)
{
	struct ws_event *v = &r->ev;
	struct ws_frame f;
	int rc;

	*used = 0;
	*ev = v;
	v->kind = WS_EV_NONE;
	v->op = 0;
	v->code = 0;
	buf_reset(&v->data);
	rc = ws_frame_parse(p, n, r->from_client, WS_MAX_FRAME, &f,
	    close_code, e);
	if (rc <= 0)
		return rc;
	*used = f.hdr_len + f.len;
	switch (f.op) {
	case WS_OP_PING:
	case WS_OP_PONG:
		take_payload(&v->data, p, &f);
		v->kind = f.op == WS_OP_PING ? WS_EV_PING : WS_EV_PONG;
		v->op = f.op;
		return 1;
	case WS_OP_CLOSE:
		take_payload(&v->data, p, &f);
		v->kind = WS_EV_CLOSE;
		v->op = f.op;
		if (f.len == 0) {
			v->code = 1005;		/* no status received */
			return 1;
		}
		if (f.len == 1)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a close frame of one byte");
		v->code = (unsigned char)v->data.p[0] << 8 |
		    (unsigned char)v->data.p[1];
		if (!close_code_valid(v->code))
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a close frame with an invalid code");
		if (!ws_utf8_valid((unsigned char *)v->data.p + 2, f.len - 2))
			return bad_frame(e, close_code, WS_CLOSE_BAD_DATA,
			    PXE_PARSE, "a close reason that is not UTF-8");
		memmove(v->data.p, v->data.p + 2, f.len - 2);
		v->data.len = f.len - 2;
		v->data.p[v->data.len] = '\0';
		return 1;
	case WS_OP_CONT:
		if (r->partial_op == 0)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a continuation frame with no message "
			    "to continue");
		break;
	default:	/* TEXT, BINARY */
		if (r->partial_op != 0)
			return bad_frame(e, close_code, WS_CLOSE_PROTOCOL,
			    PXE_PARSE, "a new message inside a fragmented "
			    "one");
		r->partial_op = f.op;
		buf_reset(&r->msg);
		break;
	}
	if (f.len > WS_MAX_MESSAGE - r->msg.len)
		return bad_frame(e, close_code, WS_CLOSE_TOO_BIG, PXE_TOO_LARGE,
		    "a message larger than px accepts");
	take_payload(&r->msg, p, &f);
	if (!f.fin)
		return 1;	/* WS_EV_NONE */
	v->kind = WS_EV_MESSAGE;
	v->op = r->partial_op;
	r->partial_op = 0;
	buf_add(&v->data, r->msg.p ? r->msg.p : "", r->msg.len);
	buf_reset(&r->msg);
	if (v->op == WS_OP_TEXT &&
	    !ws_utf8_valid((unsigned char *)v->data.p, v->data.len))
		return bad_frame(e, close_code, WS_CLOSE_BAD_DATA, PXE_PARSE,
		    "a text message that is not UTF-8");
	return 1;
}

void
ws_frame_build(struct buf *out, int fin, int op, const void *data, size_t n,
    const unsigned char *mask)
{
	unsigned char h[WS_MAX_HEADER];
	size_t hl = 2, i, at;
	const unsigned char *d = data;

	h[0] = (unsigned char)((fin ? 0x80 : 0) | (op & 0x0f));
	h[1] = mask ? 0x80 : 0;
	if (n < 126) {
		h[1] |= (unsigned char)n;
	} else if (n < 65536) {
		h[1] |= 126;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	} else {
		h[1] |= 127;
		for (i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
		hl = 10;
	}
	if (mask) {
		memcpy(h + hl, mask, 4);
		hl += 4;
	}
	buf_add(out, h, hl);
	at = out->len;
	if (n > 0)
		buf_add(out, d, n);
	if (mask)
		for (i = 0; i < n; i++)
			out->p[at + i] ^= (char)mask[i & 3];
}

void
ws_close_payload(struct buf *out, int code, const char *reason)
{
	size_t rn = reason ? strlen(reason) : 0;

	buf_reset(out);
	if (code == 0)
		return;
	if (rn > 123) {
		rn = 123;
		/* do not cut a UTF-8 sequence in two */
		while (rn > 0 && ((unsigned char)reason[rn] & 0xc0) == 0x80)
			rn--;
	}
	buf_addc(out, (char)(code >> 8));
	buf_addc(out, (char)(code & 0xff));
	if (rn)
		buf_add(out, reason, rn);
}

void
ws_handshake_key(char out[25], const unsigned char nonce[16])
{
	struct buf b = {0};

	b64_encode(&b, nonce, 16);
	memcpy(out, b.p, 24);
	out[24] = '\0';
	buf_free(&b);
}

void
ws_handshake_accept(char out[29], const char *key)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	br_sha1_context sc;
	unsigned char h[20];
	struct buf b = {0};

	br_sha1_init(&sc);
	br_sha1_update(&sc, key, strlen(key));
	br_sha1_update(&sc, guid, sizeof(guid) - 1);
	br_sha1_out(&sc, h);
	b64_encode(&b, h, sizeof(h));
	memcpy(out, b.p, 28);
	out[28] = '\0';
	buf_free(&b);
}

int
ws_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, need;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (n - i - 1 < need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}
