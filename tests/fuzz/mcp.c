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
#include "../../lib/json_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

/* msg is one JSON object: json_parse's validating scanner, without the
 * tokens json_parse would build after it (nothing here reads them) */
static void
check_json(const char *msg, size_t n)
{
	struct px_err e;
	size_t rs, re;
	int ntok;

	if (json_input_ok(msg, n, &e) != 0 ||
	    json_check(msg, n, &ntok, &rs, &re, NULL, &e) != 0 ||
	    msg[rs] != '{')
		abort();
}

/*
 * Every answer to tools/list carries the same 60 KiB of tool schemas
 * after its id; parsing them again on every run was half the harness's
 * time.  The schemas are checked whole the first time they are seen;
 * after that, while they come back byte for byte the same, only what
 * comes before them (the id the input chose) is checked, with the
 * result replaced by a literal.
 */
static void
check_send(void *arg, const char *msg, size_t n)
{
	static const char key[] = "\"result\":{\"tools\":[";
	static char *tools;
	static size_t ntools;
	const char *t;

	(void)arg;
	if (memchr(msg, '\n', n) != NULL)
		abort();	/* one message, one line */
	t = memmem(msg, n, key, sizeof(key) - 1);
	if (t != NULL && tools != NULL && (size_t)(msg + n - t) == ntools &&
	    memcmp(t, tools, ntools) == 0) {
		size_t pre = (size_t)(t - msg);
		char *s = malloc(pre + 16);

		if (s == NULL)
			abort();
		memcpy(s, msg, pre);
		memcpy(s + pre, "\"result\":0}", 11);
		check_json(s, pre + 11);
		free(s);
		return;
	}
	check_json(msg, n);
	if (t != NULL && tools == NULL) {
		ntools = (size_t)(msg + n - t);
		if ((tools = malloc(ntools)) == NULL)
			abort();
		memcpy(tools, t, ntools);
	}
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
