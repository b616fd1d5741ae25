/*
 * mcp.h -- px mcp: the Model Context Protocol server (pxmcp(1)).
 *
 *   rpc.c    JSON-RPC 2.0 messages: parse strictly, dispatch, answer
 *   tools.c  the fixed tool registry, its schemas and its handlers
 *   http.c   the Streamable HTTP transport
 *   mcp.c    the command: serve over stdio, or --http; tools
 *
 * A session is one struct mcp (stdio has one, HTTP one per
 * Mcp-Session-Id); every message it sends (answers, progress, log
 * messages) goes through its send callback.
 */
#ifndef PX_MCP_H
#define PX_MCP_H

#include "cli.h"
#include "gate.h"
#include "json.h"

#define MCP_MAX_MESSAGE	(1u << 20)	/* one request: 1 MiB */
#define MCP_LATEST	"2025-11-25"
#define MCP_TICK	5	/* seconds between progress notifications
				   while a human's approval is awaited */

/* JSON-RPC error codes */
enum {
	RPC_PARSE = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_NO_METHOD = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_INTERNAL = -32603,
	MCP_NO_RESOURCE = -32002,
};

/* What every session shares: the config, the profile, its connection. */
struct mcp_server {
	struct px_cli *x;
	int allow_risk;		/* [mcp] allow_risk = yes */
	const char *transport;	/* "stdio", "http" */
};

struct mcp {
	struct mcp_server *srv;
	int initialized;	/* initialize answered */
	char proto[16];		/* the negotiated revision */
	char client[96];	/* clientInfo name/version, sanitized */
	int log_level;		/* index into the RFC 5424 levels; notices
				   at or above it are sent */
	/* the request being answered */
	char cur_id[80];	/* its id as JSON text */
	char progress[80];	/* its progress token as JSON text, or "" */
	double progress_n;	/* the last progress value sent */
	int cancelled;		/* notifications/cancelled named it */
	/* out: one JSON-RPC message, no newline */
	void (*send)(void *arg, const char *msg, size_t n);
	/* while a tool runs: read pending messages (a cancellation);
	 * may be NULL */
	void (*poll)(void *arg);
	void *arg;
};

void mcp_init(struct mcp *m, struct mcp_server *srv);
/* Handle one message (a line, a POST body).  Answers go through send;
 * returns 1 when the message was a request (an answer was sent), 0 for
 * a notification or a response. */
int mcp_handle(struct mcp *m, const char *msg, size_t n);
/* Send a JSON-RPC error for id (JSON text, "null" when unknown). */
void mcp_send_error(struct mcp *m, const char *id, int code, const char *msg);
/* Send notifications/progress for the current request (none without a
 * progress token). */
void mcp_progress(struct mcp *m, const char *message);
/* Send notifications/message at level ("info", "warning" ...) when the
 * client asked for it. */
void mcp_log(struct mcp *m, const char *level, const char *text);
/* A notification that arrived while a request runs (poll callback). */
void mcp_notice(struct mcp *m, const char *msg, size_t n);

/* ---- tools.c ---- */

struct tool;

struct mcp_call {
	struct mcp *m;
	const struct json *j;
	int args;		/* the arguments object (checked) */
	struct jw *w;		/* structuredContent: the handler writes one
				   object */
	struct buf *text;	/* the text content, when not the JSON */
	const struct tool *tool;	/* the tool called (tools.h) */
};

/* The registry as tools/list writes it (the "tools" array), for the
 * protocol revision proto (NULL: the newest). */
void mcp_tools_json(struct jw *w, const char *proto);
/* SHA-256 of the canonical registry, in hex (65 bytes). */
void mcp_tools_checksum(char out[65]);
/* Run tool name with args (token of an object, or -1): writes a
 * CallToolResult to w.  -1 when there is no such tool; -2 when args do
 * not match its input schema (msg says why), so the caller answers with
 * the right error for the revision. */
int mcp_tool_call(struct mcp *m, const char *name, const struct json *j,
    int args, struct jw *w, char *msg, size_t msgn);

/* resources and prompts */
void mcp_resources_json(struct jw *w, struct mcp *m);
void mcp_resource_templates_json(struct jw *w);
/* Read uri into w (a ReadResourceResult): 0, or -1 with e (PXE_NOT_FOUND
 * for an unknown URI). */
int mcp_resource_read(struct mcp *m, const char *uri, struct jw *w,
    struct px_err *e);
void mcp_prompts_json(struct jw *w);
/* -1 unknown prompt, -2 a missing or bad argument (msg). */
int mcp_prompt_get(struct mcp *m, const char *name, const struct json *j,
    int args, struct jw *w, char *msg, size_t msgn);

/* ---- http.c ---- */

struct mcp_http_opts {
	const char *listen;	/* host:port */
	const char *token_file;	/* NULL: no token (loopback only) */
	int max_sessions;
};
/* Serve until SIGINT/SIGTERM: 0, or -1 with e. */
int mcp_http_serve(struct mcp_server *srv, const struct mcp_http_opts *o,
    struct px_err *e);

#endif
