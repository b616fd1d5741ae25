/*
 * guest_console.c -- console proxies of a guest: termproxy, vncproxy and
 * spiceproxy tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

/* ---- consoles ---- */

GUEST_HANDLER(h_console)
{
	struct sim_guest *g = g_lookup(s, rq, rs, m);
	const char *kind = strrchr(rq->path, '/') + 1;
	struct sim_task *t;
	char id[16], ticket[128], user[200], proxy[128];
	unsigned char r[24];
	struct jw w;
	int port;

	if (g == NULL)
		return;
	if (g->status == SIM_STOPPED && strcmp(kind, "termproxy") != 0) {
		sim_error(rs, 500, "%s %d not running", g_word(g), g->vmid);
		return;
	}
	if (strcmp(kind, "spiceproxy") == 0) {
		tls_random(r, sizeof(r));
		sim_hex(r, 24, ticket + 7);
		memcpy(ticket, "PVEVNC:", 7);
		port = 0;
	} else {
		char path[32];

		snprintf(path, sizeof(path), "/vms/%d", g->vmid);
		sim_console_ticket(rq->authid, path, g->name, 1, ticket,
		    sizeof(ticket), &port);
	}
	snprintf(user, sizeof(user), "%s", rq->authid);
	if (strcmp(kind, "spiceproxy") == 0) {
		sim_ok_begin(rs, &w);
		jw_obj(&w);
		jw_kstr(&w, "type", "spice");
		jw_kstr(&w, "host", "pvespiceproxy:6757:");
		snprintf(proxy, sizeof(proxy), "http://%.100s:3128",
		    sim_param(rq, "proxy") ? sim_param(rq, "proxy") :
		    "127.0.0.1");
		jw_kstr(&w, "proxy", proxy);
		jw_kstr(&w, "password", ticket + 7);
		jw_kint(&w, "tls-port", 61000);
		jw_kstr(&w, "host-subject", "OU=PVE Cluster Node,O=Proxmox "
		    "Virtual Environment,CN=pve1");
		jw_kstr(&w, "title", g->name);
		jw_kint(&w, "delete-this-file", 1);
		jw_kstr(&w, "toggle-fullscreen", "Shift+F11");
		jw_kstr(&w, "release-cursor", "Ctrl+Alt+R");
		jw_kint(&w, "secure-attention", 0);
		jw_end(&w);
		sim_ok_end(rs, &w);
		return;
	}
	g_idstr(id, sizeof(id), g->vmid);
	t = sim_task_start(s, sim_var(m, "node"), strcmp(kind, "termproxy") ==
	    0 ? "vncproxy" : "vncproxy", id, rq->authid, 10, NULL,
	    "connection timed out");
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "port", port);
	jw_kstr(&w, "ticket", ticket);
	jw_kstr(&w, "upid", t->upid);
	jw_kstr(&w, "user", user);
	if (strcmp(kind, "vncproxy") == 0) {
		jw_kstr(&w, "cert", "-----BEGIN CERTIFICATE-----\n"
		    "MIIBhTCCASugAwIBAgIQc2ltdWxhdGVkIGNlcnQwCgYIKoZIzj0EAwIwEDEO\n"
		    "-----END CERTIFICATE-----\n");
		if (sim_param_bool(rq, "generate-password", 0))
			jw_kstr(&w, "password", "Xk3pQ9wZ");
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}
