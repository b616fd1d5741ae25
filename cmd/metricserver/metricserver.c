/*
 * metricserver -- the external metric servers the cluster sends its
 * status to (/cluster/metrics/server: InfluxDB, Graphite, OpenTelemetry):
 * list, show, create, set (with PVE's digest) and delete, each change
 * through the gate (objcli.h).  An InfluxDB token comes from a file or
 * the environment, never from argv, and is never printed.  (px metrics
 * reads the RRD data PVE keeps itself; it is another command.)
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_access_list.h"
#include "objsecret.h"
#include "pve_notify.h"
#include "pve_objrisk_notify.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("server", "host", "the server's DNS name or address"),
	PX_PARAM("port", "port", "the server's port"),
	PX_FLAG("disable", "disable it (the cluster sends nothing)"),
	PX_PARAM("mtu", "bytes", "the UDP packet size"),
	PX_PARAM("timeout", "seconds", "the connection's timeout"),
	PX_PARAM("influxdbproto", "proto", "influxdb: udp, http or https"),
	PX_PARAM("bucket", "bucket", "influxdb: the bucket (http)"),
	PX_PARAM("organization", "org", "influxdb: the organization (http)"),
	PX_SECRET("token", "influxdb: the API token (http)"),
	PX_PARAM("api-path-prefix", "path", "influxdb: the API's path prefix"),
	PX_PARAM("max-body-size", "bytes", "influxdb: the largest body"),
	PX_PARAM("verify-certificate", "0|1", "influxdb: verify the "
	    "server's certificate"),
	PX_PARAM("path", "path", "graphite: the root path of the metrics"),
	PX_PARAM("proto", "proto", "graphite: udp or tcp"),
	PX_OPT_END
};

PX_COMMAND(metricserver, "list, show, create, change and delete external "
    "metric servers", opts, NULL, "list | show id | create type id | "
    "set id | delete id");

static const char *const hide[] = { "token", NULL };

static const struct out_col cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "server", OT_STR, 0 }, { "port", OT_INT, 0 },
	{ "disable", OT_BOOL, 0 },
};

static void
check_id(const char *id)
{
	if (!pve_notify_valid_name(id))
		px_errx(PX_EXIT_USAGE, "'%s' is not a metric server id (a "
		    "letter, then letters, digits, - and _)", id);
}

static int
change(struct objcli *oc, const char *verb, const char *type,
    const char *id)
{
	struct objcli_change c = { 0 };
	struct buf path = { 0 }, extra = { 0 };
	char summary[256];
	int rc;

	check_id(id);
	buf_adds(&path, "/cluster/metrics/server/");
	url_seg(&path, id);
	c.kind = "metricserver";
	c.id = id;
	c.action = verb;
	c.path = path.p;
	c.summary = summary;
	if (strcmp(verb, "create") == 0) {
		if (strcmp(type, "influxdb") != 0 &&
		    strcmp(type, "graphite") != 0 &&
		    strcmp(type, "opentelemetry") != 0)
			px_errx(PX_EXIT_USAGE, "'%s' is not a metric server "
			    "type (influxdb, graphite, opentelemetry)", type);
		if (!objcli_has(oc, "server") || !objcli_has(oc, "port"))
			px_errx(PX_EXIT_USAGE, "create needs --server and "
			    "--port");
		form_add(&extra, "type", type);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create %s metric server "
		    "%s", type, id);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		c.method = "PUT";
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set metric server %s", id);
	} else {
		objcli_no_params(oc, verb);
		c.method = "DELETE";
		c.destructive = 1;
		c.assess = objrisk_metricserver_delete;
		c.assess_arg = (void *)id;
		snprintf(summary, sizeof(summary), "delete metric server %s",
		    id);
	}
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
list(struct objcli *oc)
{
	static const char path[] = "/cluster/metrics/server";
	struct pve_metricserver_row *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n;

	objcli_get(oc, &r, "%s", path);
	if (pve_metricserver_rows_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&oc->m.x.out, cols, 5);
	for (int i = 0; i < n; i++) {
		if (v[i].bad) {
			objcli_drop(path, i);
			continue;
		}
		out_row(o);
		out_str(o, 0, v[i].id);
		out_str(o, 1, v[i].type);
		out_str(o, 2, v[i].server);
		if (v[i].has_port)
			out_int(o, 3, v[i].port);
		if (v[i].disable >= 0)
			out_bool(o, 4, v[i].disable);
	}
	pve_metricserver_rows_free(v, n);
	return objcli_print(oc, o);
}

int
metricserver_main(int argc, char **argv)
{
	struct objcli oc;
	struct px_getopt g;
	const char *verb;
	char path[256], what[128];
	int ch, rc;

	objcli_init(&oc, &px_cmd_metricserver);
	px_getopt_init(&g, &px_cmd_metricserver, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		px_usage(&px_cmd_metricserver);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_metricserver);
	verb = argv[0];
	if (strcmp(verb, "list") == 0) {
		if (argc != 1)
			px_usage(&px_cmd_metricserver);
		objcli_no_params(&oc, verb);
		rc = list(&oc);
	} else if (strcmp(verb, "show") == 0) {
		if (argc != 2)
			px_usage(&px_cmd_metricserver);
		objcli_no_params(&oc, verb);
		check_id(argv[1]);
		snprintf(path, sizeof(path), "/cluster/metrics/server/%s",
		    argv[1]);
		snprintf(what, sizeof(what), "metric server '%s'", argv[1]);
		rc = objsecret_show(&oc, path, what, hide);
	} else if (strcmp(verb, "create") == 0) {
		if (argc != 3)
			px_usage(&px_cmd_metricserver);
		rc = change(&oc, verb, argv[1], argv[2]);
	} else if (strcmp(verb, "set") == 0 || strcmp(verb, "delete") == 0) {
		if (argc != 2)
			px_usage(&px_cmd_metricserver);
		rc = change(&oc, verb, NULL, argv[1]);
	} else
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (list, show, "
		    "create, set, delete)", verb);
	objcli_free(&oc);
	return rc;
}
