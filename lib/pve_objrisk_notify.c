/*
 * pve_objrisk_notify.c -- pre-flight checks of notification endpoints
 * and matchers, metric servers and ACME accounts (pve_objrisk_notify.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "json.h"
#include "pve.h"
#include "pve_objrisk_notify.h"

/* Whether the object at row is enabled (no "disable": 1). */
static int
enabled(const struct json *j, int row)
{
	return !json_get_bool(j, row, "disable", 0);
}

/* Whether the string array at key of row holds name. */
static int
names(const struct json *j, int row, const char *key, const char *name)
{
	int a = json_get(j, row, key), t, i;

	if (a < 0)
		return 0;
	if (json_type(j, a) == JSON_STRING)
		return json_eq(j, a, name);
	if (json_type(j, a) != JSON_ARRAY)
		return 0;
	JSON_FOREACH(j, a, t, i)
		if (json_type(j, t) == JSON_STRING && json_eq(j, t, name))
			return 1;
	return 0;
}

int
objrisk_notify_endpoint_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *name = arg;
	struct px_reply rp;
	struct buf list = { 0 };
	int t, i, users = 0, others = 0;

	(void)r;
	if (pve_get(c, &rp, e, "/cluster/notifications/matchers") != 0)
		return -1;
	if (json_type(&rp.j, rp.data) == JSON_ARRAY)
		JSON_FOREACH(&rp.j, rp.data, t, i) {
			char *m;

			if (!names(&rp.j, t, "target", name))
				continue;
			m = json_get_str(&rp.j, t, "name");
			if (list.len < 200)
				buf_printf(&list, "%s%s%s", users ? ", " : "",
				    m ? m : "?", enabled(&rp.j, t) ? "" :
				    " (disabled)");
			free(m);
			users++;
		}
	px_reply_free(&rp);
	if (users > 0)
		risk_add(rep, "NotifyTargetInUse", RISK_SEVERE, "endpoint %s "
		    "is a target of %d matcher%s: %s%s (their notifications "
		    "to it are lost)", name, users, users == 1 ? "" : "s",
		    list.p, list.len >= 200 ? ", ..." : "");
	buf_free(&list);

	if (pve_get(c, &rp, e, "/cluster/notifications/targets") != 0)
		return -1;
	if (json_type(&rp.j, rp.data) == JSON_ARRAY)
		JSON_FOREACH(&rp.j, rp.data, t, i) {
			int k = json_get(&rp.j, t, "name");

			if (k >= 0 && !json_eq(&rp.j, k, name) &&
			    enabled(&rp.j, t))
				others++;
		}
	px_reply_free(&rp);
	if (others == 0)
		risk_add(rep, "NotifyLastTarget", RISK_WARNING, "endpoint %s "
		    "is the last enabled notification target: after it PVE "
		    "sends no notifications", name);
	return 0;
}

int
objrisk_notify_matcher_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *name = arg;
	struct px_reply rp;
	int t, i, others = 0;

	(void)r;
	if (pve_get(c, &rp, e, "/cluster/notifications/matchers") != 0)
		return -1;
	if (json_type(&rp.j, rp.data) == JSON_ARRAY)
		JSON_FOREACH(&rp.j, rp.data, t, i) {
			int k = json_get(&rp.j, t, "name");

			if (k >= 0 && !json_eq(&rp.j, k, name) &&
			    enabled(&rp.j, t))
				others++;
		}
	px_reply_free(&rp);
	if (others == 0)
		risk_add(rep, "NotifyLastMatcher", RISK_WARNING, "matcher %s "
		    "is the last enabled matcher: after it no notification "
		    "is sent to any target", name);
	return 0;
}

int
objrisk_metricserver_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *id = arg;
	struct px_reply rp;
	char *type, *server;
	long long port = 0;
	int k, on;

	(void)r;
	if (pve_get(c, &rp, e, "/cluster/metrics/server/%s", id) != 0)
		return -1;
	type = json_get_str(&rp.j, rp.data, "type");
	server = json_get_str(&rp.j, rp.data, "server");
	if ((k = json_get(&rp.j, rp.data, "port")) >= 0)
		json_int(&rp.j, k, &port);
	on = enabled(&rp.j, rp.data);
	risk_add(rep, "MetricServerDelete", on ? RISK_WARNING : RISK_NOTICE,
	    "metric server %s (%s, %s:%lld)%s", id, type ? type : "?",
	    server ? server : "?", port, on ? ": the cluster stops sending "
	    "metrics to it" : " is disabled");
	free(type);
	free(server);
	px_reply_free(&rp);
	return 0;
}

void
objrisk_acme_account_of(const char *prop, char *out, size_t n)
{
	const char *p = prop;

	snprintf(out, n, "default");
	while (p && *p) {
		size_t len = strcspn(p, ",");

		if (strncmp(p, "account=", 8) == 0 && len > 8) {
			snprintf(out, n, "%.*s", (int)(len - 8), p + 8);
			return;
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

int
objrisk_acme_account_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *name = arg;
	struct pve_node *nodes = NULL;
	struct buf list = { 0 };
	struct px_err ne = { 0 };
	int n = 0, users = 0;

	(void)r;
	if (pve_nodes(c, &nodes, &n, e) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct px_reply rp;
		char acct[128], *prop;

		/* a node that does not answer: it cannot be told */
		if (pve_get(c, &rp, &ne, "/nodes/%s/config?property=acme",
		    nodes[i].name) != 0)
			continue;
		prop = json_get_str(&rp.j, rp.data, "acme");
		if (prop != NULL) {
			objrisk_acme_account_of(prop, acct, sizeof(acct));
			if (strcmp(acct, name) == 0) {
				buf_printf(&list, "%s%s", users ? ", " : "",
				    nodes[i].name);
				users++;
			}
		}
		free(prop);
		px_reply_free(&rp);
	}
	if (users > 0)
		risk_add(rep, "AcmeAccountInUse", RISK_WARNING, "ACME account "
		    "%s is the certificate account of node%s %s: their "
		    "certificates can no longer be renewed", name,
		    users == 1 ? "" : "s", list.p);
	buf_free(&list);
	free(nodes);
	return 0;
}
