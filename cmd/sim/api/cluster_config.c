/*
 * cluster_config.c -- /cluster/config/{nodes,join,totem,qdevice}: the
 * corosync view of the simulated nodes (Sys.Audit on /).  The join
 * information carries addresses and fingerprints, no secret; totem is
 * a fixed cluster section; qdevice answers {} (none configured).
 */
#include <stdio.h>
#include <string.h>
#include "api.h"

static void
config_nodes(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (size_t i = 0; i < s->nnodes; i++) {
		jw_obj(&w);
		jw_kstr(&w, "node", s->nodes[i].name);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
config_join(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	char fp[96];

	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "config_digest",
	    "3f1c0d7e5b2a49c8e6d4f0a1b2c3d4e5f6a7b8c9");
	jw_key(&w, "nodelist");
	jw_arr(&w);
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		size_t k = 0;

		for (int b = 0; b < 32; b++)
			k += (size_t)snprintf(fp + k, sizeof(fp) - k, "%s%02X",
			    b ? ":" : "", (unsigned)(n->nodeid * 17 + b) & 0xff);
		jw_obj(&w);
		jw_kstr(&w, "name", n->name);
		jw_kint(&w, "nodeid", n->nodeid);
		jw_kstr(&w, "pve_addr", n->ip);
		jw_kstr(&w, "pve_fp", fp);
		jw_kint(&w, "quorum_votes", 1);
		jw_kstr(&w, "ring0_addr", n->ip);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kstr(&w, "preferred_node", s->nnodes ? s->nodes[0].name : "");
	jw_key(&w, "totem");
	jw_obj(&w);
	jw_kstr(&w, "cluster_name", "pxsim");
	jw_kstr(&w, "config_version", "3");
	jw_kstr(&w, "ip_version", "ipv4-6");
	jw_kstr(&w, "secauth", "on");
	jw_kstr(&w, "version", "2");
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
config_totem(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "cluster_name", "pxsim");
	jw_kstr(&w, "config_version", "3");
	jw_kstr(&w, "ip_version", "ipv4-6");
	jw_kstr(&w, "link_mode", "passive");
	jw_kstr(&w, "secauth", "on");
	jw_kstr(&w, "version", "2");
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
config_qdevice(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)s;
	(void)rq;
	(void)m;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

const struct sim_route sim_routes_cluster_config[] = {
	{ "GET", "/cluster/config/nodes", config_nodes, "/", "Sys.Audit", 0 },
	{ "GET", "/cluster/config/join", config_join, "/", "Sys.Audit", 0 },
	{ "GET", "/cluster/config/totem", config_totem, "/", "Sys.Audit", 0 },
	{ "GET", "/cluster/config/qdevice", config_qdevice, "/", "Sys.Audit",
	    0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
