/*
 * rpc.c -- the JSON-RPC 2.0 side of px mcp: every message is parsed
 * strictly (one object, jsonrpc "2.0", an id that is a string or an
 * integer, params an object, no other members) and bounded
 * (MCP_MAX_MESSAGE), then dispatched to the MCP method.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp.h"

/* The revisions px speaks, newest first. */
static const char *const revisions[] = {
	MCP_LATEST, "2025-06-18", "2025-03-26", NULL
};

/* RFC 5424 levels, as logging/setLevel names them. */
static const char *const levels[] = {
	"debug", "info", "notice", "warning", "error", "critical", "alert",
	"emergency", NULL
};

static int
level_index(const char *s)
{
	for (int i = 0; levels[i]; i++)
		if (strcmp(levels[i], s) == 0)
			return i;
	return -1;
}

void
mcp_init(struct mcp *m, struct mcp_server *srv)
{
	memset(m, 0, sizeof(*m));
	m->srv = srv;
	m->log_level = level_index("info");
	snprintf(m->proto, sizeof(m->proto), "%s", MCP_LATEST);
}

static void
send_buf(struct mcp *m, struct buf *b)
{
	m->send(m->arg, b->p ? b->p : "", b->len);
}

void
mcp_send_error(struct mcp *m, const char *id, int code, const char *msg)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "jsonrpc", "2.0");
	jw_key(&w, "id");
	jw_raw(&w, id, strlen(id));
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kint(&w, "code", code);
	jw_kstr(&w, "message", msg);
	jw_end(&w);
	jw_end(&w);
	send_buf(m, &b);
	buf_free(&b);
}

void
mcp_progress(struct mcp *m, const char *message)
{
	struct buf b = { 0 };
	struct jw w;

	if (m->progress[0] == '\0' || m->cancelled)
		return;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "jsonrpc", "2.0");
	jw_kstr(&w, "method", "notifications/progress");
	jw_key(&w, "params");
	jw_obj(&w);
	jw_key(&w, "progressToken");
	jw_raw(&w, m->progress, strlen(m->progress));
	jw_knum(&w, "progress", ++m->progress_n);
	jw_kstr(&w, "message", message);
	jw_end(&w);
	jw_end(&w);
	send_buf(m, &b);
	buf_free(&b);
}

void
mcp_log(struct mcp *m, const char *level, const char *text)
{
	struct buf b = { 0 };
	struct jw w;
	int l = level_index(level);

	if (!m->initialized || l < m->log_level)
		return;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "jsonrpc", "2.0");
	jw_kstr(&w, "method", "notifications/message");
	jw_key(&w, "params");
	jw_obj(&w);
	jw_kstr(&w, "level", level);
	jw_kstr(&w, "logger", "px");
	jw_kstr(&w, "data", text);
	jw_end(&w);
	jw_end(&w);
	send_buf(m, &b);
	buf_free(&b);
}

/* An id or a progress token as JSON text: a string (kept as sent, with
 * its escapes) or an integer; 0, or -1 for anything else. */
static int
id_text(const struct json *j, int t, char *out, size_t n)
{
	size_t len;
	const char *raw = json_raw(j, t, &len);

	if (raw == NULL || len + 3 > n)
		return -1;
	if (json_type(j, t) == JSON_STRING) {
		snprintf(out, n, "\"%.*s\"", (int)len, raw);
		return 0;
	}
	if (json_type(j, t) != JSON_NUMBER)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!(raw[i] >= '0' && raw[i] <= '9') &&
		    !(i == 0 && raw[i] == '-'))
			return -1;	/* 1.5, 1e3: not an id */
	snprintf(out, n, "%.*s", (int)len, raw);
	return 0;
}

/* Is every key of object t one of names (NULL-terminated)? */
static int
only_keys(const struct json *j, int t, const char *const *names)
{
	int k, i;

	JSON_FOREACH_KV(j, t, k, i) {
		int ok = 0;

		for (int n = 0; names[n]; n++)
			if (json_eq(j, k, names[n]))
				ok = 1;
		if (!ok)
			return 0;
	}
	return 1;
}

/* Begin a result for the current request: {"jsonrpc":"2.0","id":ID,
 * "result": and the caller writes the value, then end_result. */
static void
begin_result(struct mcp *m, struct jw *w)
{
	jw_obj(w);
	jw_kstr(w, "jsonrpc", "2.0");
	jw_key(w, "id");
	jw_raw(w, m->cur_id, strlen(m->cur_id));
	jw_key(w, "result");
}

static void
send_result(struct mcp *m, struct buf *b)
{
	if (!m->cancelled)	/* a cancelled request gets no answer */
		send_buf(m, b);
}

static void
empty_result(struct mcp *m)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	begin_result(m, &w);
	jw_obj(&w);
	jw_end(&w);
	jw_end(&w);
	send_result(m, &b);
	buf_free(&b);
}

static void
initialize(struct mcp *m, const struct json *j, int params)
{
	static const char *const keys[] = {
		"protocolVersion", "capabilities", "clientInfo", "_meta", NULL
	};
	int v = json_get(j, params, "protocolVersion");
	int ci = json_get(j, params, "clientInfo");
	int cap = json_get(j, params, "capabilities");
	char want[32], name[64] = "", ver[32] = "";
	const char *use = MCP_LATEST;
	struct buf b = { 0 };
	struct jw w;

	if (!only_keys(j, params, keys) || json_type(j, v) != JSON_STRING ||
	    json_type(j, ci) != JSON_OBJECT ||
	    json_type(j, json_get(j, ci, "name")) != JSON_STRING ||
	    (cap >= 0 && json_type(j, cap) != JSON_OBJECT)) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "initialize "
		    "needs protocolVersion, capabilities and clientInfo.name");
		return;
	}
	json_strcpy(j, v, want, sizeof(want));
	for (int i = 0; revisions[i]; i++)
		if (strcmp(want, revisions[i]) == 0)
			use = revisions[i];
	snprintf(m->proto, sizeof(m->proto), "%s", use);
	json_strcpy(j, json_get(j, ci, "name"), name, sizeof(name));
	json_strcpy(j, json_get(j, ci, "version"), ver, sizeof(ver));
	/* the client's name goes into the audit log: printable ASCII */
	snprintf(m->client, sizeof(m->client), "%s%s%s", name, ver[0] ? "/" :
	    "", ver);
	for (char *p = m->client; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			*p = '_';
	if (m->client[0] == '\0')
		snprintf(m->client, sizeof(m->client), "unnamed");
	m->initialized = 1;

	jw_init(&w, &b);
	begin_result(m, &w);
	jw_obj(&w);
	jw_kstr(&w, "protocolVersion", m->proto);
	jw_key(&w, "capabilities");
	jw_obj(&w);
	jw_key(&w, "tools");
	jw_obj(&w);
	jw_kbool(&w, "listChanged", 0);
	jw_end(&w);
	jw_key(&w, "resources");
	jw_obj(&w);
	jw_kbool(&w, "subscribe", 0);
	jw_kbool(&w, "listChanged", 0);
	jw_end(&w);
	jw_key(&w, "prompts");
	jw_obj(&w);
	jw_kbool(&w, "listChanged", 0);
	jw_end(&w);
	jw_key(&w, "logging");
	jw_obj(&w);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "serverInfo");
	jw_obj(&w);
	jw_kstr(&w, "name", "px");
	jw_kstr(&w, "title", "px: Proxmox VE toolbox");
	jw_kstr(&w, "version", PX_VERSION);
	jw_end(&w);
	jw_kstr(&w, "instructions", "px reads a Proxmox VE cluster (profile "
	    "named in the resources) and changes it only through px's gate: "
	    "read-only profiles and incident freezes refuse, pre-flight risks "
	    "refuse unless allowed, and approval policies wait for a human. "
	    "Start with describe_cluster.");
	jw_end(&w);
	jw_end(&w);
	send_result(m, &b);
	buf_free(&b);
}

static void
tools_list(struct mcp *m)
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	begin_result(m, &w);
	jw_obj(&w);
	jw_key(&w, "tools");
	mcp_tools_json(&w, m->proto);
	jw_end(&w);
	jw_end(&w);
	send_result(m, &b);
	buf_free(&b);
}

static void
tools_call(struct mcp *m, const struct json *j, int params)
{
	static const char *const keys[] = { "name", "arguments", "_meta",
		NULL };
	int nt = json_get(j, params, "name");
	int args = json_get(j, params, "arguments");
	char name[64], msg[512];
	struct buf b = { 0 };
	struct jw w;
	int rc;

	if (!only_keys(j, params, keys) || json_type(j, nt) != JSON_STRING ||
	    (args >= 0 && json_type(j, args) != JSON_OBJECT)) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "tools/call "
		    "needs a name and an arguments object");
		return;
	}
	if (json_strcpy(j, nt, name, sizeof(name)) >= (long)sizeof(name)) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "unknown tool");
		return;
	}
	jw_init(&w, &b);
	begin_result(m, &w);
	rc = mcp_tool_call(m, name, j, args, &w, msg, sizeof(msg));
	if (rc == -1) {
		char t[160];

		snprintf(t, sizeof(t), "unknown tool: %s (tools/list lists "
		    "them)", name);
		for (char *p = t; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = '?';
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, t);
	} else if (rc == -2) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, msg);
	} else {
		jw_end(&w);
		send_result(m, &b);
	}
	buf_free(&b);
}

static void
resources_read(struct mcp *m, const struct json *j, int params)
{
	static const char *const keys[] = { "uri", "_meta", NULL };
	int u = json_get(j, params, "uri");
	char uri[256];
	struct buf b = { 0 };
	struct jw w;
	struct px_err e = { 0 };

	if (!only_keys(j, params, keys) || json_type(j, u) != JSON_STRING ||
	    json_strcpy(j, u, uri, sizeof(uri)) >= (long)sizeof(uri)) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "resources/"
		    "read needs a uri");
		return;
	}
	jw_init(&w, &b);
	begin_result(m, &w);
	if (mcp_resource_read(m, uri, &w, &e) != 0) {
		mcp_send_error(m, m->cur_id, e.id == PXE_NOT_FOUND ?
		    MCP_NO_RESOURCE : RPC_INTERNAL, e.msg);
	} else {
		jw_end(&w);
		send_result(m, &b);
	}
	buf_free(&b);
}

static void
prompts_get(struct mcp *m, const struct json *j, int params)
{
	static const char *const keys[] = { "name", "arguments", "_meta",
		NULL };
	int nt = json_get(j, params, "name");
	int args = json_get(j, params, "arguments");
	char name[64], msg[256];
	struct buf b = { 0 };
	struct jw w;
	int rc;

	if (!only_keys(j, params, keys) || json_type(j, nt) != JSON_STRING ||
	    (args >= 0 && json_type(j, args) != JSON_OBJECT) ||
	    json_strcpy(j, nt, name, sizeof(name)) >= (long)sizeof(name)) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "prompts/get "
		    "needs a known name and an arguments object");
		return;
	}
	jw_init(&w, &b);
	begin_result(m, &w);
	rc = mcp_prompt_get(m, name, j, args, &w, msg, sizeof(msg));
	if (rc == -1)
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "unknown "
		    "prompt");
	else if (rc == -2)
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, msg);
	else {
		jw_end(&w);
		send_result(m, &b);
	}
	buf_free(&b);
}

/* A list result: {"KEY": the writer's array}. */
static void
list_result(struct mcp *m, const char *key, void (*fill)(struct jw *,
    struct mcp *))
{
	struct buf b = { 0 };
	struct jw w;

	jw_init(&w, &b);
	begin_result(m, &w);
	jw_obj(&w);
	jw_key(&w, key);
	fill(&w, m);
	jw_end(&w);
	jw_end(&w);
	send_result(m, &b);
	buf_free(&b);
}

static void
fill_templates(struct jw *w, struct mcp *m)
{
	(void)m;
	mcp_resource_templates_json(w);
}

static void
fill_prompts(struct jw *w, struct mcp *m)
{
	(void)m;
	mcp_prompts_json(w);
}

static void
set_level(struct mcp *m, const struct json *j, int params)
{
	static const char *const keys[] = { "level", "_meta", NULL };
	char lv[16];
	int l;

	if (!only_keys(j, params, keys) ||
	    json_type(j, json_get(j, params, "level")) != JSON_STRING ||
	    json_strcpy(j, json_get(j, params, "level"), lv, sizeof(lv)) >=
	    (long)sizeof(lv) || (l = level_index(lv)) < 0) {
		mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS, "level: debug, "
		    "info, notice, warning, error, critical, alert or "
		    "emergency");
		return;
	}
	m->log_level = l;
	empty_result(m);
}

/* A notification: initialized, cancelled; the rest is ignored, as
 * JSON-RPC wants for notifications. */
static void
notification(struct mcp *m, const struct json *j, int method, int params)
{
	char id[80];

	if (json_eq(j, method, "notifications/cancelled") && params >= 0 &&
	    id_text(j, json_get(j, params, "requestId"), id, sizeof(id)) ==
	    0 && strcmp(id, m->cur_id) == 0)
		m->cancelled = 1;
}

void
mcp_notice(struct mcp *m, const char *msg, size_t n)
{
	struct json j;
	struct px_err e;

	if (n > MCP_MAX_MESSAGE || json_parse(&j, msg, n, &e) != 0)
		return;
	if (json_type(&j, 0) == JSON_OBJECT &&
	    json_get(&j, 0, "id") < 0 &&
	    json_type(&j, json_get(&j, 0, "method")) == JSON_STRING)
		notification(m, &j, json_get(&j, 0, "method"),
		    json_get(&j, 0, "params"));
	json_free(&j);
}

int
mcp_handle(struct mcp *m, const char *msg, size_t n)
{
	static const char *const keys[] = { "jsonrpc", "id", "method",
		"params", NULL };
	static const char *const rkeys[] = { "jsonrpc", "id", "result",
		"error", NULL };
	struct json j;
	struct px_err e;
	int id, method, params, request;

	if (n > MCP_MAX_MESSAGE) {
		mcp_send_error(m, "null", RPC_INVALID_REQUEST, "message "
		    "larger than 1 MiB");
		return 1;
	}
	if (json_parse(&j, msg, n, &e) != 0) {
		mcp_send_error(m, "null", RPC_PARSE, "parse error: not JSON");
		return 1;
	}
	snprintf(m->cur_id, sizeof(m->cur_id), "null");
	m->progress[0] = '\0';
	m->progress_n = 0;
	m->cancelled = 0;
	id = json_get(&j, 0, "id");
	method = json_get(&j, 0, "method");
	params = json_get(&j, 0, "params");
	request = id >= 0;
	if (json_type(&j, 0) == JSON_ARRAY) {
		/* batches left JSON-RPC for MCP in 2025-06-18 */
		mcp_send_error(m, "null", RPC_INVALID_REQUEST, "batches are not "
		    "supported: one message per line");
		json_free(&j);
		return 1;
	}
	if (json_type(&j, 0) == JSON_OBJECT && method < 0 && id >= 0 &&
	    only_keys(&j, 0, rkeys)) {
		json_free(&j);	/* a response: px sends no requests */
		return 0;
	}
	if (json_type(&j, 0) != JSON_OBJECT || !only_keys(&j, 0, keys) ||
	    !json_eq(&j, json_get(&j, 0, "jsonrpc"), "2.0") ||
	    json_type(&j, json_get(&j, 0, "jsonrpc")) != JSON_STRING ||
	    json_type(&j, method) != JSON_STRING ||
	    (id >= 0 && id_text(&j, id, m->cur_id, sizeof(m->cur_id)) != 0)) {
		snprintf(m->cur_id, sizeof(m->cur_id), "null");
		if (json_type(&j, 0) == JSON_OBJECT && id >= 0 &&
		    id_text(&j, id, m->cur_id, sizeof(m->cur_id)) != 0)
			snprintf(m->cur_id, sizeof(m->cur_id), "null");
		mcp_send_error(m, m->cur_id, RPC_INVALID_REQUEST, "invalid "
		    "request: a JSON-RPC 2.0 object with jsonrpc, method, "
		    "params and an id that is a string or an integer");
		json_free(&j);
		return 1;
	}
	if (params >= 0 && json_type(&j, params) != JSON_OBJECT) {
		if (request)
			mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS,
			    "params must be an object");
		json_free(&j);
		return request;
	}
	if (!request) {
		notification(m, &j, method, params);
		json_free(&j);
		return 0;
	}
	if (params >= 0) {
		int meta = json_get(&j, params, "_meta");
		int tok = json_get(&j, meta, "progressToken");

		if (tok >= 0 && id_text(&j, tok, m->progress,
		    sizeof(m->progress)) != 0) {
			mcp_send_error(m, m->cur_id, RPC_INVALID_PARAMS,
			    "progressToken: a string or an integer");
			json_free(&j);
			return 1;
		}
	}
	if (json_eq(&j, method, "initialize"))
		initialize(m, &j, params);
	else if (json_eq(&j, method, "ping"))
		empty_result(m);
	else if (!m->initialized)
		mcp_send_error(m, m->cur_id, RPC_INVALID_REQUEST, "not "
		    "initialized: send initialize first");
	else if (json_eq(&j, method, "tools/list"))
		tools_list(m);
	else if (json_eq(&j, method, "tools/call"))
		tools_call(m, &j, params);
	else if (json_eq(&j, method, "resources/list"))
		list_result(m, "resources", mcp_resources_json);
	else if (json_eq(&j, method, "resources/templates/list"))
		list_result(m, "resourceTemplates", fill_templates);
	else if (json_eq(&j, method, "resources/read"))
		resources_read(m, &j, params);
	else if (json_eq(&j, method, "prompts/list"))
		list_result(m, "prompts", fill_prompts);
	else if (json_eq(&j, method, "prompts/get"))
		prompts_get(m, &j, params);
	else if (json_eq(&j, method, "logging/setLevel"))
		set_level(m, &j, params);
	else
		mcp_send_error(m, m->cur_id, RPC_NO_METHOD, "method not found");
	json_free(&j);
	snprintf(m->cur_id, sizeof(m->cur_id), "null");
	m->progress[0] = '\0';
	return 1;
}
