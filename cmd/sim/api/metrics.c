/*
 * metrics.c -- /cluster/metrics/server: the external metric servers
 * (InfluxDB, Graphite, OpenTelemetry), a section-config collection with
 * the id in the path on create.  An InfluxDB token is stored and never
 * served, as PVE keeps it in a file of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static int
metric_hook(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create)
{
	long long port = ext_obj_int(o, "port", 0);

	(void)s;
	(void)rq;
	(void)create;
	if (port < 1 || port > 65536) {
		sim_param_error(rs, "port", port < 1 ? "value must have a "
		    "minimum value of 1" : "value must have a maximum value "
		    "of 65536");
		return -1;
	}
	return 0;
}

static const struct ext_coll metric_coll = {
	"metricserver", "id", "id",
	"type:e(graphite|influxdb|opentelemetry):rc server:s:r port:i:r "
	"disable:b mtu:i timeout:i influxdbproto:e(udp|http|https) bucket:s "
	"organization:s token:s:h api-path-prefix:s max-body-size:i "
	"verify-certificate:b path:s proto:e(udp|tcp) "
	"otel-compression:e(none|gzip) otel-headers:s otel-max-body-size:i "
	"otel-path:s otel-protocol:e(http|https) otel-resource-attributes:s "
	"otel-timeout:i otel-verify-ssl:b",
	"id type server port disable", NULL,
	"metric server '%s' does not exist",
	"metric server '%s' already exists", EXT_DIGEST_ITEM, metric_hook
};

static void
metric_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	(void)m;
	ext_coll_list(s, rs, &metric_coll, "");
}

static void
metric_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_var(m, "id");

	if (!strcmp(rq->method, "GET"))
		ext_coll_get(s, rs, &metric_coll, "", id);
	else if (!strcmp(rq->method, "POST"))
		ext_coll_create(s, rq, rs, &metric_coll, "", id);
	else if (!strcmp(rq->method, "PUT"))
		ext_coll_update(s, rq, rs, &metric_coll, "", id);
	else
		ext_coll_delete(s, rs, &metric_coll, "", id);
}

static void
metric_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "server export");
}

const struct sim_route sim_routes_metrics[] = {
	{ "GET", "/cluster/metrics", metric_index, NULL, NULL, 0 },
	{ "GET", "/cluster/metrics/server", metric_list, "/", "Sys.Audit",
	    0 },
	{ "GET", "/cluster/metrics/server/{id}", metric_item, "/",
	    "Sys.Audit", 0 },
	{ "POST", "/cluster/metrics/server/{id}", metric_item, "/",
	    "Sys.Modify", 0 },
	{ "PUT", "/cluster/metrics/server/{id}", metric_item, "/",
	    "Sys.Modify", 0 },
	{ "DELETE", "/cluster/metrics/server/{id}", metric_item, "/",
	    "Sys.Modify", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
