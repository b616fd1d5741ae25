/*
 * pve_objrisk_node.c -- pre-flight checks of changes to a node's system
 * (pve_objrisk_node.h), read live from PVE.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "enc.h"
#include "json.h"
#include "pve.h"
#include "pve_objrisk_node.h"

static const struct {
	const char *name;
	const char *what;	/* what stopping it cuts off */
	int cluster;		/* a restart is seen by the cluster */
} vital[] = {
	{ "pveproxy", "the node's API and web GUI (port 8006): px and the "
	    "GUI lose it", 0 },
	{ "pvedaemon", "the node's API workers: every API call to it fails",
	    0 },
	{ "sshd", "SSH to the node (and migrations and the node shell that "
	    "use it)", 0 },
	{ "corosync", "the node's cluster membership: it loses quorum, and "
	    "with HA resources it fences itself", 1 },
	{ "pve-cluster", "/etc/pve, the cluster file system: the API and the "
	    "guests' configuration go with it", 1 },
};

int
objrisk_node_service(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_service *a = arg;
	struct px_reply rp;
	struct buf node = { 0 }, svc = { 0 };
	char *state = NULL;
	int running, stop = strcmp(a->cmd, "stop") == 0;

	(void)r;
	url_seg(&node, a->node);
	url_seg(&svc, a->service);
	if (pve_get(c, &rp, e, "/nodes/%s/services/%s/state", node.p,
	    svc.p) != 0) {
		buf_free(&node);
		buf_free(&svc);
		return -1;
	}
	buf_free(&node);
	buf_free(&svc);
	state = json_get_str(&rp.j, rp.data, "state");
	running = state != NULL && strcmp(state, "running") == 0;
	free(state);
	px_reply_free(&rp);
	if ((stop || strcmp(a->cmd, "reload") == 0) && !running)
		risk_add(rep, "ServiceNotRunning", RISK_NOTICE, "%s is not "
		    "running on %s", a->service, a->node);
	if (strcmp(a->cmd, "start") == 0 && running)
		risk_add(rep, "ServiceRunning", RISK_NOTICE, "%s already runs "
		    "on %s", a->service, a->node);
	for (size_t i = 0; i < sizeof(vital) / sizeof(vital[0]); i++) {
		if (strcmp(vital[i].name, a->service) != 0)
			continue;
		if (stop && running)
			risk_add(rep, "ServiceCutsManagement", RISK_SEVERE,
			    "stopping %s on %s cuts off %s; the way back is "
			    "the console", a->service, a->node, vital[i].what);
		else if (strcmp(a->cmd, "restart") == 0)
			risk_add(rep, "ServiceRestart", RISK_WARNING, "%s on "
			    "%s restarts: %s", a->service, a->node,
			    vital[i].cluster ? "the cluster sees the node "
			    "leave and come back" : "running API calls and "
			    "consoles are cut");
	}
	if (!stop || !running)
		return 0;
	if (strcmp(a->service, "pve-ha-lrm") == 0 ||
	    strcmp(a->service, "pve-ha-crm") == 0)
		risk_add(rep, "HaServiceStopped", RISK_WARNING, "%s stops on "
		    "%s: %s", a->service, a->node, a->service[7] == 'l' ?
		    "the node's HA resources are no longer managed" :
		    "the node no longer takes part in HA management");
	if (strcmp(a->service, "pve-firewall") == 0 ||
	    strcmp(a->service, "proxmox-firewall") == 0) {
		struct px_err ge = { 0 };

		if (pve_get(c, &rp, &ge, "/cluster/firewall/options") == 0) {
			if (json_get_bool(&rp.j, rp.data, "enable", 0))
				risk_add(rep, "FirewallStopped", RISK_WARNING,
				    "the cluster firewall is enabled: %s no "
				    "longer enforces the rules of %s and its "
				    "guests", a->service, a->node);
			px_reply_free(&rp);
		}
	}
	if (strcmp(a->service, "chrony") == 0)
		risk_add(rep, "TimeSyncStopped", RISK_NOTICE, "the clock of %s "
		    "is no longer synchronized (corosync and Ceph need it)",
		    a->node);
	return 0;
}

/* The first address of a line of hosts naming name (a whole word after
 * the address), in addr; 1 if found. */
static int
hosts_addr(const char *text, const char *name, char *addr, size_t n)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], *save = NULL, *tok, *first;

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (strchr(line, '#'))
				*strchr(line, '#') = '\0';
			first = strtok_r(line, " \t\r", &save);
			while (first && (tok = strtok_r(NULL, " \t\r", &save)))
				if (strcmp(tok, name) == 0 || (strncmp(tok,
				    name, strlen(name)) == 0 &&
				    tok[strlen(name)] == '.')) {
					snprintf(addr, n, "%s", first);
					return 1;
				}
		}
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

int
objrisk_node_hosts(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_hosts *a = arg;
	struct px_reply rp;
	struct buf node = { 0 };
	char now[128], then[128], *cur;

	(void)r;
	if (!hosts_addr(a->data, a->node, then, sizeof(then))) {
		risk_add(rep, "HostsDropsNode", RISK_SEVERE, "the new /etc/hosts "
		    "has no line for %s: pve-cluster resolves the node's name "
		    "there, and the cluster file system may not start",
		    a->node);
		then[0] = '\0';
	}
	if (!hosts_addr(a->data, "localhost", now, sizeof(now)))
		risk_add(rep, "HostsNoLocalhost", RISK_WARNING, "the new "
		    "/etc/hosts has no line for localhost");
	if (then[0] == '\0')
		return 0;
	url_seg(&node, a->node);
	if (pve_get(c, &rp, e, "/nodes/%s/hosts", node.p) != 0) {
		buf_free(&node);
		return -1;
	}
	buf_free(&node);
	cur = json_get_str(&rp.j, rp.data, "data");
	if (cur && hosts_addr(cur, a->node, now, sizeof(now)) &&
	    strcmp(now, then) != 0)
		risk_add(rep, "HostsNodeAddress", RISK_WARNING, "%s now resolves "
		    "to %s, after the change to %s: corosync and migrations "
		    "use that address", a->node, now, then);
	free(cur);
	px_reply_free(&rp);
	return 0;
}

int
objrisk_node_dns(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const int *n = arg;

	(void)c;
	(void)r;
	(void)e;
	if (*n == 0)
		risk_add(rep, "NoNameserver", RISK_WARNING, "no name server: "
		    "the node cannot resolve names (apt, ACME, notifications)");
	return 0;
}

int
objrisk_node_cert(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_cert *a = arg;
	struct px_reply rp;
	struct buf node = { 0 };
	int k, i, found = 0;

	(void)r;
	url_seg(&node, a->node);
	if (pve_get(c, &rp, e, "/nodes/%s/certificates/info", node.p) != 0) {
		buf_free(&node);
		return -1;
	}
	buf_free(&node);
	if (json_type(&rp.j, rp.data) == JSON_ARRAY) {
		JSON_FOREACH(&rp.j, rp.data, k, i) {
			char *fn = json_get_str(&rp.j, k, "filename");
			char *iss, *fp;
			long long after;

			if (fn == NULL || strcmp(fn, "pveproxy-ssl.pem") != 0) {
				free(fn);
				continue;
			}
			free(fn);
			found = 1;
			iss = json_get_str(&rp.j, k, "issuer");
			fp = json_get_str(&rp.j, k, "fingerprint");
			after = json_get_int(&rp.j, k, "notafter", 0);
			if (strcmp(a->what, "delete") == 0)
				risk_add(rep, "CertificateRemoved", RISK_WARNING,
				    "%s presents its self-signed certificate "
				    "again: clients that trust %.60s (%.23s...) "
				    "fail", a->node, iss ? iss : "?", fp ? fp :
				    "?");
			else if (strcmp(a->what, "renew") != 0)
				risk_add(rep, "ReplacesCertificate", RISK_WARNING,
				    "replaces the certificate of %s issued by "
				    "%.60s, valid %lld more days", a->node,
				    iss ? iss : "?", (after - (long long)
				    time(NULL)) / 86400);
			free(iss);
			free(fp);
		}
	}
	px_reply_free(&rp);
	if (!found && strcmp(a->what, "delete") == 0)
		risk_add(rep, "NoCustomCertificate", RISK_NOTICE, "%s has no "
		    "custom certificate", a->node);
	if (a->restart)
		risk_add(rep, "ProxyRestart", RISK_NOTICE, "pveproxy on %s "
		    "restarts: running API calls and consoles are cut",
		    a->node);
	return 0;
}

int
objrisk_node_subscription(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const char *n = arg;
	struct px_reply rp;
	struct buf node = { 0 };
	char *st;

	(void)r;
	url_seg(&node, n);
	if (pve_get(c, &rp, e, "/nodes/%s/subscription", node.p) != 0) {
		buf_free(&node);
		return -1;
	}
	buf_free(&node);
	st = json_get_str(&rp.j, rp.data, "status");
	if (st && strcmp(st, "active") == 0)
		risk_add(rep, "SubscriptionRemoved", RISK_WARNING, "the active "
		    "subscription of %s is removed: its enterprise "
		    "repositories stop working", n);
	else
		risk_add(rep, "NoSubscription", RISK_NOTICE, "%s has no active "
		    "subscription (%s)", n, st ? st : "none");
	free(st);
	px_reply_free(&rp);
	return 0;
}

int
objrisk_node_repo(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_repo *a = arg;
	struct px_reply rp;
	struct buf node = { 0 };
	char *st;

	(void)r;
	if (!a->enable)
		return 0;
	if (a->test)
		risk_add(rep, "TestRepository", RISK_WARNING, "%s: packages not "
		    "meant for production on %s", a->what, a->node);
	if (!a->enterprise)
		return 0;
	url_seg(&node, a->node);
	if (pve_get(c, &rp, e, "/nodes/%s/subscription", node.p) != 0) {
		buf_free(&node);
		return -1;
	}
	buf_free(&node);
	st = json_get_str(&rp.j, rp.data, "status");
	if (st == NULL || strcmp(st, "active") != 0)
		risk_add(rep, "NoSubscription", RISK_WARNING, "%s has no active "
		    "subscription: apt fails on %s (401 Unauthorized)",
		    a->node, a->what);
	free(st);
	px_reply_free(&rp);
	return 0;
}

int
objrisk_node_wol(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const char *n = arg;
	struct pve_node *v = NULL;
	int nn = 0;

	(void)r;
	if (pve_nodes(c, &v, &nn, e) != 0)
		return -1;
	for (int i = 0; i < nn; i++)
		if (strcmp(v[i].name, n) == 0 && v[i].online)
			risk_add(rep, "NodeOnline", RISK_NOTICE, "%s is online",
			    n);
	free(v);
	return 0;
}
