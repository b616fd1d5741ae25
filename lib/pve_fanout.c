/* pve_fanout.c -- many requests at once. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_fanout.h"

/* ---- many GETs at once ---- */

void
pve_req_init(struct pve_get_req *q, struct px_client *c, const char *pathfmt,
    ...)
{
	struct buf b = { 0 };
	va_list ap;

	memset(q, 0, sizeof(*q));
	q->c = c;
	q->rc = -1;
	q->r.data = -1;
	if (c == NULL)
		px_fail(&q->err, PXE_FAILURE, "not requested");
	va_start(ap, pathfmt);
	buf_vprintf(&b, pathfmt, ap);
	va_end(ap);
	q->path = buf_steal(&b);
}

int
pve_get_all(struct pve_get_req *q, int n)
{
	struct px_call *k = px_xcalloc(PVE_BATCH, sizeof(*k));
	int *who = px_xcalloc(PVE_BATCH, sizeof(*who));
	int failed = 0;

	for (int i = 0; i < n; ) {
		int m = 0;

		for (; i < n && m < PVE_BATCH; i++) {
			if (q[i].c == NULL)
				continue;
			px_call_init(&k[m], q[i].c, "GET", NULL, "%s", q[i].path);
			who[m++] = i;
		}
		px_call_run(k, (size_t)m);
		for (int z = 0; z < m; z++) {
			struct pve_get_req *r = &q[who[z]];

			r->rc = -1;
			if (k[z].rc != 0)
				r->err = k[z].err;
			else if (px_reply_take(&k[z], &r->r, &r->err) == 0)
				r->rc = 0;
			px_call_free(&k[z]);
		}
	}
	for (int i = 0; i < n; i++)
		failed += q[i].rc != 0;
	free(k);
	free(who);
	return failed;
}

void
pve_req_free(struct pve_get_req *q, int n)
{
	for (int i = 0; i < n; i++) {
		free(q[i].path);
		q[i].path = NULL;
		if (q[i].r.body.p || q[i].r.j.tok)
			px_reply_free(&q[i].r);
	}
}

/* ---- any calls, one GET per node ---- */

int
pve_calls_run(struct px_call *k, int n)
{
	struct px_call *batch = px_xcalloc((size_t)n + 1, sizeof(*batch));
	int *idx = px_xcalloc((size_t)n + 1, sizeof(*idx));
	int m = 0, failed;

	for (int i = 0; i < n; i++)
		if (k[i].method != NULL) {
			idx[m] = i;
			batch[m++] = k[i];
		}
	failed = px_call_run(batch, (size_t)m);
	for (int i = 0; i < m; i++)
		k[idx[i]] = batch[i];
	free(batch);
	free(idx);
	return failed;
}

struct px_call *
pve_node_fanout(struct px_client *c, const struct pve_node *nodes, int n,
    const char *suffix)
{
	struct px_call *k = px_xcalloc((size_t)n + 1, sizeof(*k));

	for (int i = 0; i < n; i++) {
		struct buf p = { 0 };

		if (!nodes[i].online) {
			k[i].rc = -1;
			px_fail(&k[i].err, PXE_UNAVAILABLE, "node %s is %s",
			    nodes[i].name, nodes[i].status[0] ?
			    nodes[i].status : "offline");
			continue;
		}
		buf_adds(&p, "/nodes/");
		url_seg(&p, nodes[i].name);
		buf_adds(&p, suffix);
		px_call_init(&k[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(k, n);
	return k;
}

int
pve_call_reply(struct px_call *k, struct px_reply *r, struct px_err *e)
{
	memset(r, 0, sizeof(*r));
	r->data = -1;
	if (k->rc != 0) {
		if (e)
			*e = k->err;
		return -1;
	}
	return px_reply_take(k, r, e);
}

int
pve_nodes_or_one(struct px_client *c, const char *only,
    struct pve_node **out, int *n, struct px_err *e)
{
	if (only == NULL)
		return pve_nodes(c, out, n, e);
	*out = px_xcalloc(1, sizeof(**out));
	snprintf((*out)->name, sizeof((*out)->name), "%s", only);
	snprintf((*out)->status, sizeof((*out)->status), "online");
	(*out)->online = 1;
	*n = 1;
	return 0;
}
