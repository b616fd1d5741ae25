/* pve.c -- typed PVE objects from the API. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve.h"

int
px_reply_take(struct px_call *k, struct px_reply *r, struct px_err *e)
{
	memset(r, 0, sizeof(*r));
	r->data = -1;
	r->body = k->body;
	memset(&k->body, 0, sizeof(k->body));
	if (json_parse(&r->j, r->body.p, r->body.len, e) != 0) {
		px_wrap(e, "%s %s", k->method, k->path);
		buf_free(&r->body);
		return -1;
	}
	if (json_type(&r->j, 0) != JSON_OBJECT) {
		px_fail(e, PXE_PARSE, "%s %s: the answer is not a JSON object",
		    k->method, k->path);
		px_reply_free(r);
		return -1;
	}
	r->data = json_get(&r->j, 0, "data");
	if (json_is_null(&r->j, r->data))
		r->data = -1;
	return 0;
}

int
pve_get(struct px_client *c, struct px_reply *r, struct px_err *e,
    const char *pathfmt, ...)
{
	struct px_call k;
	struct buf path = { 0 };
	va_list ap;
	int rc;

	va_start(ap, pathfmt);
	buf_vprintf(&path, pathfmt, ap);
	va_end(ap);
	px_call_init(&k, c, "GET", NULL, "%s", buf_str(&path));
	buf_free(&path);
	px_call_run(&k, 1);
	if (k.rc != 0) {
		if (e)
			*e = k.err;
		px_call_free(&k);
		memset(r, 0, sizeof(*r));
		r->data = -1;
		return -1;
	}
	rc = px_reply_take(&k, r, e);
	px_call_free(&k);
	return rc;
}

void
px_reply_free(struct px_reply *r)
{
	json_free(&r->j);
	buf_free(&r->body);
	r->data = -1;
}

int
pve_version_get(struct px_client *c, struct pve_version *v, struct px_err *e)
{
	struct px_reply r;

	memset(v, 0, sizeof(*v));
	if (pve_get(c, &r, e, "/version") != 0)
		return -1;
	if (r.data < 0) {
		px_reply_free(&r);
		return px_fail(e, PXE_PARSE, "GET /version: no data");
	}
	json_strcpy(&r.j, json_get(&r.j, r.data, "version"), v->version,
	    sizeof(v->version));
	json_strcpy(&r.j, json_get(&r.j, r.data, "release"), v->release,
	    sizeof(v->release));
	json_strcpy(&r.j, json_get(&r.j, r.data, "repoid"), v->repoid,
	    sizeof(v->repoid));
	px_reply_free(&r);
	return 0;
}
