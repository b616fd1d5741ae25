/* ws.c -- WebSocket framing (lib/ws.c): frames in and out, malformed ones. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "ws.h"

static const unsigned char mask[4] = { 0x37, 0xfa, 0x21, 0x3d };

/* Read every event from b (a client reading a server unless from_client);
 * returns the result of the last ws_read_event. */
static int
read_one(struct ws_reader *r, const struct buf *b, size_t *used,
    struct ws_event **ev, int *code)
{
	struct px_err e;

	return ws_read_event(r, (const unsigned char *)b->p, b->len, used, ev,
	    code, &e);
}

static void
test_rfc_examples(void)
{
	/* RFC 6455 5.7: a single-frame unmasked text message "Hello" */
	static const unsigned char hello[] =
	    { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f };
	/* the same, masked (from a client) */
	static const unsigned char mhello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21,
	    0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	struct ws_reader r;
	struct ws_event *ev;
	struct px_err e;
	struct buf b = {0};
	size_t used;
	int code = 0;

	ws_reader_init(&r, 0);
	is_int(ws_read_event(&r, hello, sizeof(hello), &used, &ev, &code, &e),
	    1, "unmasked Hello is a whole frame");
	is_int(used, sizeof(hello), "it uses 7 bytes");
	is_int(ev->kind, WS_EV_MESSAGE, "it is a message");
	is_int(ev->op, WS_OP_TEXT, "a text message");
	is_str(ev->data.p, "Hello", "its payload is Hello");
	ws_reader_free(&r);

	ws_reader_init(&r, 1);
	is_int(ws_read_event(&r, mhello, sizeof(mhello), &used, &ev, &code,
	    &e), 1, "masked Hello read by a server");
	is_str(ev->data.p, "Hello", "unmasked to Hello");
	ws_reader_free(&r);

	ws_frame_build(&b, 1, WS_OP_TEXT, "Hello", 5, mask);
	ok(b.len == sizeof(mhello) && memcmp(b.p, mhello, b.len) == 0,
	    "the writer masks Hello as RFC 6455 5.7 shows");
	buf_reset(&b);
	ws_frame_build(&b, 1, WS_OP_TEXT, "Hello", 5, NULL);
	ok(b.len == sizeof(hello) && memcmp(b.p, hello, b.len) == 0,
	    "the writer frames Hello unmasked");
	buf_free(&b);
}

static void
test_lengths(void)
{
	static const size_t sizes[] = { 0, 1, 125, 126, 127, 65535, 65536,
	    70000 };
	size_t i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], used;
		char *d = malloc(n + 1);
		struct buf b = {0};
		struct ws_reader r;
		struct ws_event *ev;
		int code = 0, rc, m;

		for (j = 0; j < n; j++)
			d[j] = (char)('a' + j % 26);
		for (m = 0; m < 2; m++) {
			buf_reset(&b);
			ws_frame_build(&b, 1, WS_OP_BINARY, d, n,
			    m ? mask : NULL);
			ws_reader_init(&r, m);
			rc = read_one(&r, &b, &used, &ev, &code);
			ok(rc == 1 && used == b.len && ev->data.len == n &&
			    (n == 0 || memcmp(ev->data.p, d, n) == 0),
			    "%s frame of %zu bytes round-trips (%s length)",
			    m ? "masked" : "unmasked", n, n < 126 ? "7-bit" :
			    n < 65536 ? "16-bit" : "64-bit");
			ws_reader_free(&r);
		}
		/* every prefix of the frame asks for more */
		{
			struct ws_frame f;
			struct px_err e;
			int bad = 0;

			buf_reset(&b);
			ws_frame_build(&b, 1, WS_OP_BINARY, d, n, NULL);
			for (j = 0; j < b.len; j += (b.len > 300 ? 97 : 1))
				if (ws_frame_parse((unsigned char *)b.p, j, 0,
				    WS_MAX_FRAME, &f, &code, &e) != 0)
					bad++;
			is_int(bad, 0, "every prefix of a %zu-byte frame needs "
			    "more", n);
		}
		buf_free(&b);
		free(d);
	}
}

static void
test_fragments(void)
{
	struct buf b = {0};
	struct ws_reader r;
	struct ws_event *ev;
	size_t used, off = 0;
	int code = 0, kinds[8], nk = 0, rc;
	struct px_err e;
	char got[64] = "";

	ws_frame_build(&b, 0, WS_OP_TEXT, "Hel", 3, NULL);
	/* a ping in the middle */
	ws_frame_build(&b, 1, WS_OP_PING, "p", 1, NULL);
	ws_frame_build(&b, 0, WS_OP_CONT, "lo, ", 4, NULL);
	ws_frame_build(&b, 1, WS_OP_CONT, "world", 5, NULL);
	ws_reader_init(&r, 0);
	while (off < b.len && nk < 8) {
		rc = ws_read_event(&r, (unsigned char *)b.p + off, b.len - off,
		    &used, &ev, &code, &e);
		if (rc != 1)
			break;
		off += used;
		kinds[nk++] = ev->kind;
		if (ev->kind == WS_EV_PING)
			is_str(ev->data.p, "p", "the ping in the middle keeps "
			    "its payload");
		if (ev->kind == WS_EV_MESSAGE)
			snprintf(got, sizeof(got), "%s", ev->data.p);
	}
	is_int(nk, 4, "four frames read");
	ok(nk == 4 && kinds[0] == WS_EV_NONE && kinds[1] == WS_EV_PING &&
	    kinds[2] == WS_EV_NONE && kinds[3] == WS_EV_MESSAGE,
	    "fragment, ping, fragment, message");
	is_str(got, "Hello, world", "the fragments make one message");
	ws_reader_free(&r);
	buf_free(&b);
}

static void
test_close(void)
{
	struct buf b = {0}, pl = {0};
	struct ws_reader r;
	struct ws_event *ev;
	size_t used;
	int code = 0;
	char longr[300];

	ws_close_payload(&pl, 1000, "bye now");
	ws_frame_build(&b, 1, WS_OP_CLOSE, pl.p, pl.len, NULL);
	ws_reader_init(&r, 0);
	is_int(read_one(&r, &b, &used, &ev, &code), 1, "a close frame");
	is_int(ev->kind, WS_EV_CLOSE, "is a close event");
	is_int(ev->code, 1000, "with code 1000");
	is_str(ev->data.p, "bye now", "and its reason");
	ws_reader_free(&r);

	buf_reset(&b);
	ws_frame_build(&b, 1, WS_OP_CLOSE, NULL, 0, NULL);
	ws_reader_init(&r, 0);
	is_int(read_one(&r, &b, &used, &ev, &code), 1, "an empty close");
	is_int(ev->code, 1005, "reads as 1005 (no status)");
	ws_reader_free(&r);

	memset(longr, 'x', sizeof(longr) - 1);
	longr[sizeof(longr) - 1] = '\0';
	ws_close_payload(&pl, 1001, longr);
	is_int(pl.len, 125, "a long reason is cut to fit 125 bytes");
	ws_close_payload(&pl, 0, "ignored");
	is_int(pl.len, 0, "code 0: an empty close payload");
	buf_free(&pl);
	buf_free(&b);
}

struct bad_case {
	const char *name;
	unsigned char bytes[16];
	size_t n;
	int from_client;
	int code;
};

static void
test_malformed(void)
{
	static const struct bad_case cases[] = {
		{ "reserved bit RSV1", { 0xc1, 0x00 }, 2, 0, 1002 },
		{ "reserved bit RSV3", { 0x91, 0x00 }, 2, 0, 1002 },
		{ "opcode 3", { 0x83, 0x00 }, 2, 0, 1002 },
		{ "opcode 0xb", { 0x8b, 0x00 }, 2, 0, 1002 },
		{ "masked frame from a server",
		    { 0x81, 0x81, 1, 2, 3, 4, 'x' }, 7, 0, 1002 },
		{ "unmasked frame from a client", { 0x81, 0x01, 'x' }, 3, 1,
		    1002 },
		{ "fragmented ping", { 0x09, 0x00 }, 2, 0, 1002 },
		{ "ping over 125 bytes", { 0x89, 0x7e, 0x00, 0x7e }, 4, 0,
		    1002 },
		{ "16-bit length under 126", { 0x82, 0x7e, 0x00, 0x05 }, 4, 0,
		    1002 },
		{ "64-bit length under 65536",
		    { 0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0x01, 0x00 }, 10, 0, 1002 },
		{ "64-bit length with the top bit",
		    { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 10, 0, 1002 },
		{ "huge 64-bit length",
		    { 0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		      0xff }, 10, 0, 1009 },
		{ "frame of 2 MiB", { 0x82, 0x7f, 0, 0, 0, 0, 0, 0x20, 0, 0 },
		    10, 0, 1009 },
		{ "continuation with no message", { 0x80, 0x01, 'x' }, 3, 0,
		    1002 },
		{ "close of one byte", { 0x88, 0x01, 0x03 }, 3, 0, 1002 },
		{ "close with code 1005", { 0x88, 0x02, 0x03, 0xed }, 4, 0,
		    1002 },
		{ "close with code 999", { 0x88, 0x02, 0x03, 0xe7 }, 4, 0,
		    1002 },
		{ "close reason not UTF-8",
		    { 0x88, 0x03, 0x03, 0xe8, 0xff }, 5, 0, 1007 },
		{ "text not UTF-8", { 0x81, 0x02, 0xc0, 0xaf }, 4, 0, 1007 },
		{ "text with a surrogate", { 0x81, 0x03, 0xed, 0xa0, 0x80 }, 5,
		    0, 1007 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct ws_reader r;
		struct ws_event *ev;
		struct px_err e;
		size_t used;
		int code = 0, rc;

		ws_reader_init(&r, c->from_client);
		rc = ws_read_event(&r, c->bytes, c->n, &used, &ev, &code, &e);
		ok(rc == -1 && code == c->code, "%s: refused with %d",
		    c->name, c->code);
		if (rc != -1 || code != c->code)
			printf("#   rc %d code %d\n", rc, code);
		ws_reader_free(&r);
	}

	/* a new message inside a fragmented one */
	{
		struct buf b = {0};
		struct ws_reader r;
		struct ws_event *ev;
		struct px_err e;
		size_t used;
		int code = 0, rc;

		ws_frame_build(&b, 0, WS_OP_BINARY, "ab", 2, NULL);
		ws_frame_build(&b, 1, WS_OP_TEXT, "cd", 2, NULL);
		ws_reader_init(&r, 0);
		rc = ws_read_event(&r, (unsigned char *)b.p, b.len, &used, &ev,
		    &code, &e);
		rc = ws_read_event(&r, (unsigned char *)b.p + used,
		    b.len - used, &used, &ev, &code, &e);
		ok(rc == -1 && code == 1002, "a new message inside a "
		    "fragmented one is refused");
		ok(strstr(e.msg, "inside a fragmented") != NULL,
		    "and the error says so");
		ws_reader_free(&r);
		buf_free(&b);
	}
	/* a message over WS_MAX_MESSAGE in frames each under the limit */
	{
		struct buf b = {0};
		struct ws_reader r;
		struct ws_event *ev;
		struct px_err e;
		size_t used, off = 0;
		int code = 0, rc = 1, k;
		char *chunk = calloc(1, WS_MAX_FRAME);

		ws_reader_init(&r, 0);
		for (k = 0; k < 6 && rc == 1; k++) {
			buf_reset(&b);
			ws_frame_build(&b, 0, k ? WS_OP_CONT : WS_OP_BINARY,
			    chunk, WS_MAX_FRAME, NULL);
			off = 0;
			rc = ws_read_event(&r, (unsigned char *)b.p, b.len,
			    &used, &ev, &code, &e);
		}
		(void)off;
		ok(rc == -1 && code == 1009, "a message over %u MiB in "
		    "fragments is refused with 1009", WS_MAX_MESSAGE >> 20);
		ws_reader_free(&r);
		buf_free(&b);
		free(chunk);
	}
}

static void
test_handshake(void)
{
	/* RFC 6455 1.3 */
	static const unsigned char nonce[16] = { 0x74, 0x68, 0x65, 0x20,
	    0x73, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x20, 0x6e, 0x6f, 0x6e, 0x63,
	    0x65 };
	char key[25], acc[29];

	ws_handshake_key(key, nonce);
	is_str(key, "dGhlIHNhbXBsZSBub25jZQ==", "the key of RFC 6455's nonce");
	ws_handshake_accept(acc, key);
	is_str(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "the accept of RFC 6455's "
	    "key");
}

static void
test_utf8(void)
{
	ok(ws_utf8_valid((const unsigned char *)"h\xc3\xa9llo \xe2\x82\xac "
	    "\xf0\x9f\x98\x80", 15), "UTF-8 with 2, 3 and 4-byte sequences");
	ok(!ws_utf8_valid((const unsigned char *)"\xe2\x82", 2),
	    "a cut sequence is not UTF-8");
	ok(!ws_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4),
	    "past U+10FFFF is not UTF-8");
	ok(!ws_utf8_valid((const unsigned char *)"\xe0\x80\xaf", 3),
	    "an overlong is not UTF-8");
}

int
main(void)
{
	test_rfc_examples();
	test_lengths();
	test_fragments();
	test_close();
	test_malformed();
	test_handshake();
	test_utf8();
	return done_testing();
}
