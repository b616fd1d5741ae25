/*
 * response.c -- how a pxsim handler answers: the {"data": ...} envelope,
 * UPIDs, PVE's errors and parameter errors, extra headers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core.h"


/* Free a response's contents. */
void
sim_resp_free(struct sim_resp *rs)
{
	buf_free(&rs->body);
	sim_body_release(rs->shared);
	rs->shared = NULL;
	buf_free(&rs->headers);
	if (rs->upgrade && rs->upgrade_free)
		rs->upgrade_free(rs->upgrade);
	rs->upgrade = NULL;
}

struct sim_body *
sim_body_new(const char *p, size_t n)
{
	struct sim_body *b = px_xmalloc(sizeof(*b) + n + 1);

	b->refs = 1;
	b->len = n;
	if (n > 0)
		memcpy(b->p, p, n);
	b->p[n] = '\0';
	return b;
}

struct sim_body *
sim_body_hold(struct sim_body *b)
{
	if (b != NULL)
		b->refs++;
	return b;
}

void
sim_body_release(struct sim_body *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

void
sim_resp_own_body(struct sim_resp *rs)
{
	if (rs->shared == NULL)
		return;
	if (rs->body.len == 0)
		buf_add(&rs->body, rs->shared->p, rs->shared->len);
	sim_body_release(rs->shared);
	rs->shared = NULL;
}

/* Reset rs to an empty 200. */
void
sim_resp_reset(struct sim_resp *rs)
{
	buf_reset(&rs->body);
	sim_body_release(rs->shared);
	rs->shared = NULL;
	buf_reset(&rs->headers);
	rs->status = 200;
	rs->reason[0] = '\0';
	rs->ctype = NULL;
	rs->fault = SIM_FAULT_NONE;
	rs->again = 0;
}

/* Add a response header. */
void
sim_resp_header(struct sim_resp *rs, const char *name, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&rs->headers, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&rs->headers, fmt, ap);
	va_end(ap);
	buf_adds(&rs->headers, "\r\n");
}

/* {"data": json}. */
void
sim_ok_json(struct sim_resp *rs, const char *json)
{
	buf_reset(&rs->body);
	rs->status = 200;
	rs->reason[0] = '\0';
	buf_adds(&rs->body, "{\"data\":");
	buf_adds(&rs->body, json ? json : "null");
	buf_adds(&rs->body, "}");
}

/* {"data": null}. */
void
sim_ok_null(struct sim_resp *rs)
{
	sim_ok_json(rs, NULL);
}

/* Start streaming the data value. */
void
sim_ok_begin(struct sim_resp *rs, struct jw *w)
{
	buf_reset(&rs->body);
	rs->status = 200;
	rs->reason[0] = '\0';
	jw_init(w, &rs->body);
	w->digits = rs->digits;
	jw_obj(w);
	jw_key(w, "data");
}

/* Close the envelope. */
void
sim_ok_end(struct sim_resp *rs, struct jw *w)
{
	(void)rs;
	while (w->depth > 0)
		jw_end(w);
}

/* The UPID as data. */
void
sim_upid_response(struct sim_resp *rs, const char *upid)
{
	struct jw w;

	sim_ok_begin(rs, &w);
	jw_str(&w, upid);
	sim_ok_end(rs, &w);
}

/* A PVE error: message as reason phrase and in the body. */
void
sim_error(struct sim_resp *rs, int status, const char *fmt, ...)
{
	va_list ap;
	struct buf msg = {0};

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rs->status = status;
	snprintf(rs->reason, sizeof(rs->reason), "%s", buf_str(&msg));
	buf_reset(&rs->body);
	buf_adds(&rs->body, "{\"data\":null,\"message\":");
	buf_addc(&msg, '\n');
	json_escape(&rs->body, msg.p, msg.len);
	buf_adds(&rs->body, "}");
	buf_free(&msg);
}

/* 400 with errors {param: msg}. */
void
sim_param_error(struct sim_resp *rs, const char *param, const char *msg)
{
	rs->status = 400;
	snprintf(rs->reason, sizeof(rs->reason),
	    "Parameter verification failed.");
	buf_reset(&rs->body);
	buf_adds(&rs->body, "{\"data\":null,\"message\":"
	    "\"Parameter verification failed.\\n\",\"errors\":{");
	json_escape(&rs->body, param, strlen(param));
	buf_addc(&rs->body, ':');
	json_escape(&rs->body, msg, strlen(msg));
	buf_adds(&rs->body, "}}");
}

/* 400 with a formatted message. */
void
sim_param_errorf(struct sim_resp *rs, const char *param, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sim_param_error(rs, param, buf_str(&b));
	buf_free(&b);
}

/* Require parameters (NULL-terminated list). */
int
sim_param_require(const struct sim_req *rq, struct sim_resp *rs, ...)
{
	va_list ap;
	const char *name;
	int rc = 0;

	va_start(ap, rs);
	while ((name = va_arg(ap, const char *)) != NULL) {
		if (sim_param(rq, name) == NULL) {
			sim_param_error(rs, name,
			    "property is missing and it is not optional");
			rc = -1;
			break;
		}
	}
	va_end(ap);
	return rc;
}

