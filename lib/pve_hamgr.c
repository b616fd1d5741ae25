/* pve_hamgr.c -- the HA manager's status (pve_hamgr.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_hamgr.h"

/* A string member into buf, sanitized; "" when absent or not a scalar. */
static void
str_of(const struct json *j, int obj, const char *key, char *buf,
    size_t n)
{
	int t = json_get(j, obj, key);

	buf[0] = '\0';
	if (t < 0 || json_type(j, t) == JSON_OBJECT ||
	    json_type(j, t) == JSON_ARRAY || json_strcpy(j, t, buf, n) < 0)
		buf[0] = '\0';
	text_sanitize(buf);
}

static int
svc_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct pve_ha_service *)a)->sid,
	    ((const struct pve_ha_service *)b)->sid);
}

static void
service(const struct json *j, int k, struct pve_ha_service *v)
{
	int o = k + 1, f, c, i;
	long long r;

	memset(v, 0, sizeof(*v));
	json_strcpy(j, k, v->sid, sizeof(v->sid));
	text_sanitize(v->sid);
	v->running = -1;
	if (json_type(j, o) != JSON_OBJECT)
		return;
	str_of(j, o, "node", v->node, sizeof(v->node));
	str_of(j, o, "state", v->state, sizeof(v->state));
	str_of(j, o, "target", v->target, sizeof(v->target));
	if (json_int(j, json_get(j, o, "running"), &r) == 0)
		v->running = r != 0;
	/* failed_nodes: a list of node names (PVE), or null */
	if ((f = json_get(j, o, "failed_nodes")) >= 0 &&
	    json_type(j, f) == JSON_ARRAY) {
		JSON_FOREACH(j, f, c, i) {
			char node[64];
			size_t len = strlen(v->failed);

			if (json_strcpy(j, c, node, sizeof(node)) <= 0)
				continue;
			text_sanitize(node);
			if (len + strlen(node) + 2 >= sizeof(v->failed))
				break;
			snprintf(v->failed + len, sizeof(v->failed) - len,
			    "%s%s", len ? "," : "", node);
		}
	}
}

int
pve_ha_manager_parse(const struct json *j, int obj, struct pve_ha_manager *m,
    struct px_err *e)
{
	int ms, t, k, i, q;
	long long v;

	memset(m, 0, sizeof(*m));
	m->quorate = -1;
	if (json_type(j, obj) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "HA manager status: not an "
		    "object");
	if ((q = json_get(j, obj, "quorum")) >= 0 &&
	    json_type(j, q) == JSON_OBJECT &&
	    json_int(j, json_get(j, q, "quorate"), &v) == 0)
		m->quorate = v != 0;
	ms = json_get(j, obj, "manager_status");
	if (ms < 0 || json_type(j, ms) != JSON_OBJECT)
		return 0;	/* no manager has run yet */
	str_of(j, ms, "master_node", m->master, sizeof(m->master));
	if (json_int(j, json_get(j, ms, "timestamp"), &v) == 0)
		m->timestamp = v;
	if ((t = json_get(j, ms, "node_status")) >= 0 &&
	    json_type(j, t) == JSON_OBJECT)
		JSON_FOREACH_KV(j, t, k, i) {
			struct pve_ha_node_state *n;

			if (m->nnodes == PVE_HAMGR_NODES)
				break;
			n = &m->nodes[m->nnodes];
			if (json_strcpy(j, k, n->node, sizeof(n->node)) <= 0)
				continue;
			text_sanitize(n->node);
			if (json_strcpy(j, k + 1, n->state, sizeof(n->state)) < 0)
				n->state[0] = '\0';
			text_sanitize(n->state);
			m->nnodes++;
		}
	if ((t = json_get(j, ms, "service_status")) >= 0 &&
	    json_type(j, t) == JSON_OBJECT && json_len(j, t) > 0) {
		m->svc = px_xcalloc((size_t)json_len(j, t), sizeof(*m->svc));
		JSON_FOREACH_KV(j, t, k, i) {
			service(j, k, &m->svc[m->nsvc]);
			if (m->svc[m->nsvc].sid[0])
				m->nsvc++;
		}
		qsort(m->svc, (size_t)m->nsvc, sizeof(*m->svc), svc_cmp);
	}
	return 0;
}

void
pve_ha_manager_free(struct pve_ha_manager *m)
{
	free(m->svc);
	memset(m, 0, sizeof(*m));
}

void
pve_ha_manager_copy(struct pve_ha_manager *dst,
    const struct pve_ha_manager *src)
{
	*dst = *src;
	dst->svc = NULL;
	if (src->nsvc > 0) {
		dst->svc = px_xcalloc((size_t)src->nsvc, sizeof(*dst->svc));
		memcpy(dst->svc, src->svc, (size_t)src->nsvc *
		    sizeof(*dst->svc));
	}
}

const struct pve_ha_service *
pve_ha_manager_service(const struct pve_ha_manager *m, const char *sid)
{
	for (int i = 0; i < m->nsvc; i++)
		if (strcmp(m->svc[i].sid, sid) == 0)
			return &m->svc[i];
	return NULL;
}

const char *
pve_ha_manager_node(const struct pve_ha_manager *m, const char *node)
{
	for (int i = 0; i < m->nnodes; i++)
		if (strcmp(m->nodes[i].node, node) == 0)
			return m->nodes[i].state;
	return NULL;
}
