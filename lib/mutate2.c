/* mutate2.c -- shared by backup, disk, set, exec, create and node (see
 * mutate2.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hitl.h"
#include "mutate2.h"
#include "pve_cond.h"

enum { R_VMID, R_NAME, R_NODE, R_ACTION, R_RESULT, R_UPID, R_MESSAGE, R_N };

/* The columns of lib/batch.c's rows: one contract for every mutation. */
static const struct out_col row_cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "action", OT_STR, 0 }, { "result", OT_STR, 0 },
	{ "upid", OT_STR, OC_EXTRA }, { "message", OT_STR, 0 },
};

void
mut_init(struct mut *m)
{
	memset(m, 0, sizeof(*m));
	cli_init(&m->x);
	gate_init(&m->g, &m->x);
}

void
mut_free(struct mut *m)
{
	gate_free(&m->g);
	cli_free(&m->x);
}

int
mut_opt(struct mut *m, int ch, const char *arg)
{
	double t;

	switch (ch) {
	case 'n':
		m->g.dry_run = 1;
		return 1;
	case 'y':
		m->g.yes = 1;
		return 1;
	case MUT_O_ALLOW_RISK:
		m->g.allow_risk = 1;
		return 1;
	case MUT_O_NO_WAIT:
		m->no_wait = 1;
		return 1;
	case MUT_O_TIMEOUT:
		if ((t = pve_parse_seconds(arg)) < 0)
			px_errx(PX_EXIT_USAGE, "--timeout: not a duration: "
			    "'%s'", arg);
		m->timeout = t;
		return 1;
	case 's':
		return 0;
	default:
		return cli_opt(&m->x, ch, arg);
	}
}

void
mut_row_init(struct mut_row *row, const char *action,
    const struct pve_guest *g)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->action, sizeof(row->action), "%s", action);
	if (g) {
		row->vmid = g->vmid;
		snprintf(row->name, sizeof(row->name), "%s", g->name);
		snprintf(row->node, sizeof(row->node), "%s", g->node);
	}
}

static int
is_refusal(enum px_errid id)
{
	return id == PXE_READ_ONLY || id == PXE_FROZEN ||
	    id == PXE_REFUSED_RISK || id == PXE_HITL_DENIED ||
	    id == PXE_HITL_TIMEOUT || id == PXE_USAGE;
}

int
mut_submit(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct gate_result *res, struct px_err *e)
{
	if (gate_call(&m->g, r, res, e) != 0) {
		snprintf(row->result, sizeof(row->result), "%s",
		    is_refusal(e->id) ? "refused" : "failed");
		row->failed = 1;
		gate_result_free(res);
		return -1;
	}
	if (m->g.dry_run) {
		snprintf(row->result, sizeof(row->result), "dry-run");
		return 0;
	}
	snprintf(row->upid, sizeof(row->upid), "%s", res->upid);
	snprintf(row->result, sizeof(row->result), "%s",
	    res->upid[0] ? "submitted" : "ok");
	return 0;
}

int
mut_finish(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct gate_result *res, struct px_err *e)
{
	char what[64];
	int rc = 0;

	if (row->failed || strcmp(row->result, "submitted") != 0 ||
	    row->upid[0] == '\0' || m->no_wait) {
		gate_result_free(res);
		return row->failed ? -1 : 0;
	}
	snprintf(what, sizeof(what), "%s %s", r->action, r->target);
	if (batch_follow(m->x.client, what, row->upid, m->timeout, e) != 0) {
		snprintf(row->result, sizeof(row->result), "failed");
		row->failed = 1;
		/* A timeout is no end: the task goes on and is not audited
		 * as ended. */
		if (e->id != PXE_TIMEOUT)
			gate_task_done(&m->g, r, res, e->msg);
		rc = -1;
	} else {
		snprintf(row->result, sizeof(row->result), "ok");
		gate_task_done(&m->g, r, res, "OK");
	}
	gate_result_free(res);
	return rc;
}

int
mut_one(struct mut *m, const struct gate_req *r, struct mut_row *row,
    struct px_err *e)
{
	struct gate_result res;

	if (mut_submit(m, r, row, &res, e) != 0)
		return -1;
	return mut_finish(m, r, row, &res, e);
}

int
mut_print(struct mut *m, const struct mut_row *rows, int n)
{
	struct out *o = out_new(&m->x.out, row_cols, R_N);
	struct px_err e;
	int rc = 0;

	for (int i = 0; i < n; i++) {
		out_row(o);
		if (rows[i].vmid > 0)
			out_int(o, R_VMID, rows[i].vmid);
		out_str(o, R_NAME, rows[i].name[0] ? rows[i].name : NULL);
		out_str(o, R_NODE, rows[i].node[0] ? rows[i].node : NULL);
		out_str(o, R_ACTION, rows[i].action);
		out_str(o, R_RESULT, rows[i].result);
		out_str(o, R_UPID, rows[i].upid[0] ? rows[i].upid : NULL);
		out_str(o, R_MESSAGE, rows[i].message[0] ? rows[i].message :
		    NULL);
		if (rows[i].failed)
			out_row_error(o);
	}
	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

const struct pve_guest *
mut_gate_guest(struct mut *m, const char *action, const struct pve_guest *gs,
    int n)
{
	struct risk_report *rep;
	struct px_err e;
	int pick = -1, worst = 0;

	if (n <= 1)
		return gs;
	rep = px_xcalloc((size_t)n, sizeof(*rep));
	for (int i = 0; i < n; i++)
		risk_check(m->x.client, &gs[i], action, m->g.batch, &rep[i], &e);
	for (int i = 0; i < n && pick < 0; i++)
		if (rep[i].worst == RISK_SEVERE && !m->g.allow_risk)
			pick = i;
	for (int i = 0; i < n && pick < 0; i++) {
		struct hitl_request hr = {
			.profile = m->x.p->name, .action = action,
			.vmid = gs[i].vmid, .tags = gs[i].tags,
			.pool = gs[i].pool, .summary = "",
		};

		if (hitl_policy(&m->x.conf, &hr) != NULL)
			pick = i;
	}
	if (pick < 0)
		for (int i = 0; i < n; i++)
			if (pick < 0 || (int)rep[i].worst > worst) {
				pick = i;
				worst = (int)rep[i].worst;
			}
	if (!m->g.quiet)
		for (int i = 0; i < n; i++)
			if (i != pick)
				risk_print(&rep[i], px_progname, stderr);
	free(rep);
	return &gs[pick];
}

int
mut_node_check(struct px_client *c, const char *node, struct px_err *e)
{
	struct pve_node *v;
	int n, found = 0;

	if (!pve_valid_node(node))
		return px_fail(e, PXE_USAGE, "'%s' is not a node name", node);
	if (pve_nodes(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !found; i++)
		found = strcmp(v[i].name, node) == 0;
	free(v);
	if (!found) {
		px_fail(e, PXE_NOT_FOUND, "no node %s in the cluster", node);
		px_hint(e, "px ls nodes lists them");
		return -1;
	}
	return 0;
}

/* Does the comma-separated list contain word? */
static int
list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p; ) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
mut_storage_check(struct px_client *c, const char *storage, const char *node,
    const char *content, struct px_err *e)
{
	struct pve_storage *v;
	const struct pve_storage *hit = NULL;
	int n, named = 0;

	if (pve_storages(c, &v, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && hit == NULL; i++) {
		if (strcmp(v[i].storage, storage) != 0)
			continue;
		named = 1;
		if (strcmp(v[i].node, node) == 0)
			hit = &v[i];
	}
	if (hit == NULL) {
		if (named)
			px_fail(e, PXE_NOT_FOUND, "storage %s is not available "
			    "on node %s", storage, node);
		else
			px_fail(e, PXE_NOT_FOUND, "no storage %s", storage);
		px_hint(e, "px ls storage lists them");
		free(v);
		return -1;
	}
	if (content && hit->content[0] && !list_has(hit->content, content)) {
		px_fail(e, PXE_USAGE, "storage %s does not hold %s content "
		    "(it holds %s)", storage, content, hit->content);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

int
mut_parse_size(const char *s, int plus, int *relative, uint64_t *bytes)
{
	const char *p = s;
	double v = 0, frac = 0, scale = 0.1;
	int digits = 0;

	*relative = 0;
	if (plus && *p == '+') {
		*relative = 1;
		p++;
	}
	for (; isdigit((unsigned char)*p); p++, digits++) {
		v = v * 10 + (*p - '0');
		if (v > 1e18)
			return -1;
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	v += frac;
	switch (*p) {
	case 'T':
		v *= 1024;
		/* FALLTHROUGH */
	case 'G':
		v *= 1024;
		/* FALLTHROUGH */
	case 'M':
		v *= 1024;
		/* FALLTHROUGH */
	case 'K':
		v *= 1024;
		p++;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v > 1.8e19)
		return -1;
	*bytes = (uint64_t)v;
	return 0;
}

int
mut_disk_size(const char *value, uint64_t *bytes)
{
	char sz[32];
	const char *p;
	size_t n;
	int rel;

	for (p = value; (p = strstr(p, "size=")) != NULL; p += 5)
		if (p == value || p[-1] == ',')
			break;
	if (p == NULL)
		return -1;
	p += 5;
	n = strcspn(p, ",");
	if (n == 0 || n >= sizeof(sz))
		return -1;
	memcpy(sz, p, n);
	sz[n] = '\0';
	return mut_parse_size(sz, 0, &rel, bytes);
}

int
mut_valid_key(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return 0;
	return n <= 63;
}
