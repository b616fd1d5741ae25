/*
 * services.c -- px node services: the node's services and their state,
 * and start|stop|restart|reload of one (POST
 * /nodes/{node}/services/{service}/CMD, a task, followed).  The
 * pre-flight check (lib/pve_objrisk_node.h) refuses, without
 * --allow-risk, to stop what the node is managed through: pveproxy,
 * pvedaemon, sshd, corosync, pve-cluster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "node.h"
#include "pve_check.h"
#include "pve_nodesys.h"
#include "pve_objrisk_node.h"

/* PVE's service ids: lower-case words with '-' (pve-ha-lrm, sshd). */
static int
service_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] >= 'a' && s[0] <= 'z' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* The node's services (*v, free()): their number, or exit with the
 * error. */
static int
services_read(struct mutcli *m, const char *node,
    struct pve_node_service **v)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	int n;

	ns_base(&base, node);
	ns_get(m, &r, "%s/services", base.p);
	buf_free(&base);
	if (pve_node_services_parse(&r.j, r.data, v, &n, &e) != 0) {
		px_reply_free(&r);
		px_die(&e);
	}
	px_reply_free(&r);
	return n;
}

static int
services_list(struct mutcli *m, const char *node)
{
	static const struct out_col cols[] = {
		{ "name", OT_STR, 0 }, { "service", OT_STR, OC_EXTRA },
		{ "state", OT_STR, 0 }, { "active_state", OT_STR, 0 },
		{ "unit_state", OT_STR, 0 }, { "desc", OT_STR, 0 },
	};
	struct pve_node_service *v;
	int n = services_read(m, node, &v);
	struct out *o = out_new(&m->x.out, cols, 6);

	for (int i = 0; i < n; i++) {
		out_row(o);
		ns_str(o, 0, v[i].name);
		ns_str(o, 1, v[i].service);
		ns_str(o, 2, v[i].state);
		ns_str(o, 3, v[i].active_state);
		ns_str(o, 4, v[i].unit_state);
		ns_str(o, 5, v[i].desc);
	}
	free(v);
	return ns_print(m, o);
}

/* Is service one of the node's? */
static int
service_known(struct mutcli *m, const char *node, const char *service)
{
	struct pve_node_service *v;
	int n = services_read(m, node, &v), found = 0;

	for (int i = 0; i < n; i++)
		if (strcmp(v[i].name, service) == 0)
			found = 1;
	free(v);
	return found;
}

int
ns_services(struct mutcli *m, struct nodesys *ns, int argc, char **argv)
{
	static const char *const cmds[] = { "start", "stop", "restart",
		"reload", NULL };
	const char *cmd = NULL, *node, *service;
	struct buf base = { 0 }, sum = { 0 };
	struct ns_change c = { 0 };
	struct objrisk_service a;
	struct px_err e = { 0 };
	char action[32];
	int k = 1, rc;

	if (argc > 2 && strcmp(argv[1], "list") == 0)
		k = 2;
	for (int i = 0; cmds[i] && argc > 3; i++)
		if (strcmp(argv[1], cmds[i]) == 0) {
			cmd = cmds[i];
			k = 2;
		}
	if (argc - k != (cmd ? 2 : 1))
		px_usage(px_cmd_running);
	node = argv[k];
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", node);
	if (ns->given || ns->force)
		px_errx(PX_EXIT_USAGE, "services takes none of these options");
	service = cmd ? argv[k + 1] : NULL;
	if (service && !service_ok(service))
		px_errx(PX_EXIT_USAGE, "'%s' is not a service name (as in px "
		    "node services %s)", service, node);
	mutcli_connect(m);
	if (pve_node_check(m->x.client, node, &e) != 0)
		px_die(&e);
	if (cmd == NULL)
		return services_list(m, node);
	if (!service_known(m, node, service))
		px_errx(PX_EXIT_NOTFOUND, "node %s has no service %s", node,
		    service);
	ns_base(&base, node);
	buf_adds(&base, "/services/");
	url_seg(&base, service);
	buf_printf(&base, "/%s", cmd);
	buf_printf(&sum, "%s service %s on node %s", cmd, service, node);
	snprintf(action, sizeof(action), "service-%s", cmd);
	a.node = node;
	a.service = service;
	a.cmd = cmd;
	c.action = action;
	c.node = node;
	c.method = "POST";
	c.path = base.p;
	c.summary = sum.p;
	c.name = service;
	c.destructive = strcmp(cmd, "stop") == 0;
	c.assess = objrisk_node_service;
	c.assess_arg = &a;
	rc = ns_change(m, &c);
	buf_free(&base);
	buf_free(&sum);
	return rc;
}
