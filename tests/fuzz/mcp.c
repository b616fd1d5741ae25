/*
 * libFuzzer harness: px mcp's JSON-RPC reader and dispatcher (rpc.c,
 * with tools.c and admin.c behind it), as the stdio transport feeds it:
 * the input is split into lines, each handed to mcp_handle after an
 * initialize, then to mcp_notice as a poll would.  The server has no
 * profile (an empty config, marked loaded): a tool that would talk to
 * a cluster fails to connect, nothing reaches the network.  Every
 * message the server sends must be one valid JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/mcp/mcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void
check_send(void *arg, const char *msg, size_t n)
{
	struct json j;
	struct px_err e;

	(void)arg;
	if (memchr(msg, '\n', n) != NULL)
		abort();	/* one message, one line */
	if (json_parse(&j, msg, n, &e) != 0 || json_type(&j, 0) !=
	    JSON_OBJECT)
		abort();
	json_free(&j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
	    "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
	    "\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\"}}}";
	struct px_cli x;
	struct mcp_server srv = { &x, 0, "stdio" };
	struct mcp m;
	const char *p = (const char *)data, *end = p + n;

	memset(&x, 0, sizeof(x));
	x.conf_loaded = 1;	/* an empty config: no profile, no network */
	mcp_init(&m, &srv);
	m.send = check_send;
	mcp_handle(&m, init, sizeof(init) - 1);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		mcp_notice(&m, p, len);
		mcp_handle(&m, p, len);
		p += len + 1;
	}
	cli_free(&x);
	return 0;
}
