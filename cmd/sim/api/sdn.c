/*
 * sdn.c -- /cluster/sdn: zones, vnets and subnets with PVE's pending
 * model.  A create, set or delete changes the configuration ("sdnzone",
 * "sdnvnet", "sdnsubnet" documents) and nothing else; PUT /cluster/sdn
 * (apply, PVE's reload) makes it the running configuration (the same
 * kinds with "-run") and starts a reloadnetworkall task.  GET with
 * running=1 serves the running configuration, with pending=1 the union
 * of both with each object's state (new, changed, deleted) and its
 * pending values, as PVE's pending_config does.  Controllers and DNS
 * plugins are empty lists, the IPAMs PVE's own "pve"; fabrics are not
 * served.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct sdn_kind {
	const char *kind;	/* configuration documents */
	const char *run;	/* running documents */
	const char *idkey;	/* path variable and JSON key of the id */
	const char *spec;	/* parameters besides the id */
	const char *missing;	/* "sdn '%s' does not exist" */
	const char *exists;
};

#define SDN_COMMON "digest:s:w lock-token:s:w"

static const struct sdn_kind zone_kind = {
	"sdnzone", "sdnzone-run", "zone",
	"type:e(evpn|faucet|qinq|simple|vlan|vxlan):rc advertise-subnets:b "
	"bridge:s bridge-disable-mac-learning:b controller:s "
	"dhcp:e(dnsmasq) disable-arp-nd-suppression:b dns:s dnszone:s "
	"dp-id:i exitnodes:s exitnodes-local-routing:b exitnodes-primary:s "
	"fabric:s ipam:s mac:s mtu:i nodes:s peers:s reversedns:s "
	"rt-import:s tag:i vlan-protocol:e(802.1q|802.1ad) vrf-vxlan:i "
	"vxlan-port:i " SDN_COMMON,
	"sdn '%s' does not exist",
	"sdn zone object ID '%s' already defined"
};

static const struct sdn_kind vnet_kind = {
	"sdnvnet", "sdnvnet-run", "vnet",
	"type:e(vnet):c zone:s:r alias:s isolate-ports:b tag:i vlanaware:b "
	SDN_COMMON,
	"sdn vnet '%s' does not exist",
	"sdn vnet object ID '%s' already defined"
};

static const struct sdn_kind subnet_kind = {
	"sdnsubnet", "sdnsubnet-run", "subnet",
	"type:e(subnet):rc vnet:s dhcp-dns-server:s dhcp-range:a "
	"dnszoneprefix:s gateway:s snat:b " SDN_COMMON,
	"sdn subnet '%s' does not exist",
	"sdn subnet object ID '%s' already defined"
};

static int
is_true(const char *v)
{
	return v != NULL && (!strcmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

/* A zone or vnet id as PVE's pve-sdn-zone-id / pve-sdn-vnet-id take it:
 * a letter, then letters and digits, 2 to 8 of them.  0, or -1 with the
 * 400 in rs. */
static int
check_id(struct sim_resp *rs, const char *param, const char *what,
    const char *id)
{
	size_t n = strlen(id), i;
	int ok = n >= 2 && isalpha((unsigned char)id[0]);

	for (i = 0; ok && i < n; i++)
		if (!isalnum((unsigned char)id[i]))
			ok = 0;
	if (!ok) {
		sim_param_errorf(rs, param, "invalid format - %s ID '%s' "
		    "contains illegal characters", what, id);
		return -1;
	}
	if (n > 8) {
		sim_param_errorf(rs, param, "invalid format - %s ID '%s' can't "
		    "be more length than 8 characters", what, id);
		return -1;
	}
	return 0;
}

/* An IPv4 or IPv6 address; 1 when it is one. */
static int
ip_ok(const char *s, int *v6)
{
	size_t n = strlen(s);

	*v6 = strchr(s, ':') != NULL;
	if (n == 0 || n > 45)
		return 0;
	if (*v6)
		return strspn(s, "0123456789abcdefABCDEF:.") == n &&
		    strstr(s, ":::") == NULL;
	{
		int parts = 0;
		const char *p = s;

		while (*p) {
			char *end;
			long v;

			if (!isdigit((unsigned char)*p))
				return 0;
			v = strtol(p, &end, 10);
			if (v > 255 || end - p > 3)
				return 0;
			parts++;
			p = end;
			if (*p == '.')
				p++;
			else if (*p)
				return 0;
		}
		return parts == 4 && s[n - 1] != '.';
	}
}

/* "10.0.0.0/24" into network and mask; 0, or -1. */
static int
cidr_split(const char *cidr, char *net, size_t nn, int *mask)
{
	const char *slash = strchr(cidr, '/');
	char *end;
	long m;
	int v6;

	if (slash == NULL || (size_t)(slash - cidr) >= nn)
		return -1;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = 0;
	if (!ip_ok(net, &v6) || !isdigit((unsigned char)slash[1]))
		return -1;
	m = strtol(slash + 1, &end, 10);
	if (*end || m < 0 || m > (v6 ? 128 : 32))
		return -1;
	*mask = (int)m;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reads                                                              */

struct collect {
	struct sim_kvlist ids;	/* id -> json */
};

static int
collect_cb(void *arg, const char *id, const char *json)
{
	struct collect *c = arg;

	sim_kv_add(&c->ids, id, json);
	return 0;
}

static int
cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct sim_kv *)a)->key,
	    ((const struct sim_kv *)b)->key);
}

/* The documents of kind, sorted by id as PVE lists them. */
static void
collect(struct sim *s, const char *kind, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	sim_doc_list(s, kind, "", collect_cb, c);
	if (c->ids.n > 1)
		qsort(c->ids.v, c->ids.n, sizeof(c->ids.v[0]), cmp_kv);
}

static int
top_level_key(const struct sdn_kind *k, const char *key)
{
	return !strcmp(key, "type") || !strcmp(key, "vnet") ||
	    !strcmp(key, k->idkey);
}

/* The pending view of one id (running run, config cfg, either NULL),
 * written to w as an object. */
static void
write_pending(struct jw *w, const struct sdn_kind *k, const char *id,
    const char *run, const char *cfg)
{
	struct ext_obj r = { 0 }, c = { 0 }, out = { 0 }, pend = { 0 };
	const char *state = NULL;
	size_t i;

	if (run)
		ext_obj_parse(&r, run, 0);
	if (cfg)
		ext_obj_parse(&c, cfg, 0);
	for (i = 0; i < r.kv.n; i++)
		ext_obj_set_raw(&out, r.kv.v[i].key, r.kv.v[i].val);
	if (run && !cfg) {
		state = "deleted";
	} else {
		for (i = 0; i < c.kv.n; i++) {
			const char *key = c.kv.v[i].key, *val = c.kv.v[i].val;
			const char *rv = ext_obj_raw(&r, key);

			if (top_level_key(k, key)) {
				ext_obj_set_raw(&out, key, val);
				continue;
			}
			if (rv == NULL || strcmp(rv, val) != 0) {
				ext_obj_set_raw(&pend, key, val);
				state = "changed";
			}
		}
		for (i = 0; i < r.kv.n; i++)
			if (!top_level_key(k, r.kv.v[i].key) &&
			    ext_obj_raw(&c, r.kv.v[i].key) == NULL)
				state = "changed";
		if (!run)
			state = "new";
	}
	ext_obj_set_str(&out, k->idkey, id);
	if (pend.kv.n) {
		char *pj = ext_obj_json(&pend);

		ext_obj_set_raw(&out, "pending", pj);
		free(pj);
	}
	if (state)
		ext_obj_set_str(&out, "state", state);
	ext_obj_write(w, &out, NULL);
	ext_obj_free(&r);
	ext_obj_free(&c);
	ext_obj_free(&out);
	ext_obj_free(&pend);
}

/* May the caller see object json of kind k?  Zones by
 * /sdn/zones/ZONE, vnets and subnets by /sdn/zones/ZONE/VNET. */
static int
visible(struct sim *s, const struct sim_req *rq, const struct sdn_kind *k,
    const char *id, const char *json)
{
	struct ext_obj o = { 0 };
	char path[256];
	char *zone = NULL, *vnet = NULL;
	int ok;

	if (k == &zone_kind) {
		snprintf(path, sizeof(path), "/sdn/zones/%s", id);
	} else {
		ext_obj_parse(&o, json, 0);
		if (k == &vnet_kind) {
			zone = ext_obj_str(&o, "zone");
			snprintf(path, sizeof(path), "/sdn/zones/%s/%s",
			    zone ? zone : "", id);
		} else {
			zone = ext_obj_str(&o, "zone");
			vnet = ext_obj_str(&o, "vnet");
			snprintf(path, sizeof(path), "/sdn/zones/%s/%s",
			    zone ? zone : "", vnet ? vnet : "");
		}
	}
	ok = sim_check_perm(s, rq, path, "SDN.Audit|SDN.Allocate",
	    NULL) == 0;
	free(zone);
	free(vnet);
	ext_obj_free(&o);
	return ok;
}

/* Objects of k (of vnet only when only_vnet): the configuration, the
 * running one or the pending view, per rq's running and pending.  One
 * object (id) when one is set: 0, or -1 when it does not exist. */
static int
sdn_read(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const struct sdn_kind *k, const char *only_vnet, const char *id)
{
	int pending = is_true(sim_param(rq, "pending"));
	int running = !pending && is_true(sim_param(rq, "running"));
	const char *type = sim_param(rq, "type");
	struct collect run, cfg;
	struct sim_kvlist ids = { 0 };
	struct jw w;
	char digest[41];
	int found = 0;
	size_t i;

	collect(s, k->run, &run);
	collect(s, k->kind, &cfg);
	if (id != NULL && (running ? sim_kv_get(&run.ids, id) == NULL :
	    pending ? sim_kv_get(&run.ids, id) == NULL &&
	    sim_kv_get(&cfg.ids, id) == NULL :
	    sim_kv_get(&cfg.ids, id) == NULL)) {
		sim_kv_free(&run.ids);
		sim_kv_free(&cfg.ids);
		sim_error(rs, 500, k->missing, id);
		return -1;
	}
	ext_kind_digest(s, k->kind, "", digest);
	/* the ids in order, of both when pending */
	if (pending || running)
		for (i = 0; i < run.ids.n; i++)
			sim_kv_set(&ids, run.ids.v[i].key, "");
	if (!running)
		for (i = 0; i < cfg.ids.n; i++)
			sim_kv_set(&ids, cfg.ids.v[i].key, "");
	if (ids.n > 1)
		qsort(ids.v, ids.n, sizeof(ids.v[0]), cmp_kv);
	sim_ok_begin(rs, &w);
	if (id == NULL)
		jw_arr(&w);
	for (i = 0; i < ids.n; i++) {
		const char *oid = ids.v[i].key;
		const char *rj = sim_kv_get(&run.ids, oid);
		const char *cj = sim_kv_get(&cfg.ids, oid);
		const char *any = running ? rj : cj ? cj : rj;
		struct ext_obj o = { 0 };

		if (any == NULL || (id && strcmp(id, oid) != 0))
			continue;
		ext_obj_parse(&o, any, 0);
		if (only_vnet != NULL) {
			char *v = ext_obj_str(&o, "vnet");
			int mine = v && !strcmp(v, only_vnet);

			free(v);
			if (!mine) {
				ext_obj_free(&o);
				continue;
			}
		}
		if (type != NULL) {
			char *t = ext_obj_str(&o, "type");
			int same = t && !strcmp(t, type);

			free(t);
			if (!same) {
				ext_obj_free(&o);
				continue;
			}
		}
		if (id == NULL && !visible(s, rq, k, oid, any)) {
			ext_obj_free(&o);
			continue;
		}
		found = 1;
		if (pending) {
			write_pending(&w, k, oid, rj, cj);
		} else {
			ext_obj_set_str(&o, k->idkey, oid);
			if (!running)
				ext_obj_set_str(&o, "digest", digest);
			ext_obj_write(&w, &o, NULL);
		}
		ext_obj_free(&o);
	}
	if (id == NULL)
		jw_end(&w);
	sim_kv_free(&ids);
	sim_kv_free(&run.ids);
	sim_kv_free(&cfg.ids);
	if (id != NULL && !found)
		jw_null(&w);	/* filtered out: another vnet's */
	sim_ok_end(rs, &w);
	return 0;
}

static int
read_params_ok(const struct sim_req *rq, struct sim_resp *rs, int list_type)
{
	static const char *bools[] = { "pending", "running" };
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *v = sim_param(rq, bools[i]);

		if (v != NULL && !ext_type_ok('b', v)) {
			sim_param_errorf(rs, bools[i], "type check "
			    "('boolean') failed - got '%s'", v);
			return -1;
		}
	}
	if (list_type && sim_param(rq, "type") != NULL &&
	    ext_check("type:e(evpn|faucet|qinq|simple|vlan|vxlan) "
	    "pending:b running:b", rq, rs, 0, NULL) == -1)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Zones                                                              */

/* The parameters a zone type needs (PVE's plugins). */
static int
zone_required(const struct ext_obj *o, struct sim_resp *rs)
{
	static const struct {
		const char *type, *params;
	} need[] = {
		{ "vlan", "bridge" }, { "qinq", "bridge tag" },
		{ "vxlan", "peers" }, { "evpn", "controller vrf-vxlan" },
	};
	char *type = ext_obj_str(o, "type");
	size_t i;
	int rc = 0;

	for (i = 0; type && i < sizeof(need) / sizeof(need[0]); i++) {
		char tmp[64], *tok, *save;

		if (strcmp(type, need[i].type) != 0)
			continue;
		snprintf(tmp, sizeof(tmp), "%s", need[i].params);
		for (tok = strtok_r(tmp, " ", &save); tok && rc == 0;
		    tok = strtok_r(NULL, " ", &save))
			if (ext_obj_raw(o, tok) == NULL) {
				sim_param_error(rs, tok, "property is missing "
				    "and it is not optional");
				rc = -1;
			}
	}
	free(type);
	return rc;
}

static void
zone_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)m;
	if (read_params_ok(rq, rs, 1) == 0)
		sdn_read(s, rq, rs, &zone_kind, NULL, NULL);
}

static void
zone_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o = { 0 };
	const char *id = sim_param(rq, "zone");
	char *doc;

	(void)m;
	if (ext_check(zone_kind.spec, rq, rs, 1, "zone") == -1)
		return;
	if (id == NULL) {
		sim_param_error(rs, "zone", "property is missing and it is "
		    "not optional");
		return;
	}
	if (check_id(rs, "zone", "zone", id) == -1)
		return;
	if ((doc = sim_doc_get(s, zone_kind.kind, "", id)) != NULL) {
		free(doc);
		sim_error(rs, 500, zone_kind.exists, id);
		return;
	}
	if (ext_apply(zone_kind.spec, rq, rs, &o, 1, "zone") == 0 &&
	    zone_required(&o, rs) == 0) {
		ext_doc_put_obj(s, zone_kind.kind, "", id, &o);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

/* Does some configured vnet (some subnet, with key "vnet") name value
 * under key?  Its id in found. */
struct uses {
	const char *key, *value;
	char found[128];
};

static int
uses_cb(void *arg, const char *id, const char *json)
{
	struct uses *u = arg;
	struct ext_obj o = { 0 };
	char *v;

	ext_obj_parse(&o, json, 0);
	v = ext_obj_str(&o, u->key);
	if (v && !strcmp(v, u->value))
		snprintf(u->found, sizeof(u->found), "%s", id);
	free(v);
	ext_obj_free(&o);
	return u->found[0] != 0;
}

static void
zone_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_var(m, "zone");
	struct ext_obj o = { 0 };
	char digest[41];

	if (check_id(rs, "zone", "zone", id) == -1)
		return;
	if (!strcmp(rq->method, "GET")) {
		if (read_params_ok(rq, rs, 0) == 0)
			sdn_read(s, rq, rs, &zone_kind, NULL, id);
		return;
	}
	if (ext_doc_obj(s, zone_kind.kind, "", id, &o) == -1) {
		sim_error(rs, 500, zone_kind.missing, id);
		return;
	}
	if (!strcmp(rq->method, "DELETE")) {
		struct uses u = { "zone", id, "" };

		sim_doc_list(s, vnet_kind.kind, "", uses_cb, &u);
		if (u.found[0])
			sim_error(rs, 500, "Can't delete zone %s: vnet %s "
			    "uses it", id, u.found);
		else {
			sim_doc_delete(s, zone_kind.kind, "", id);
			sim_ok_null(rs);
		}
		goto out;
	}
	ext_kind_digest(s, zone_kind.kind, "", digest);
	if (ext_digest_check(rq, rs, digest) == -1)
		goto out;
	if (ext_apply(zone_kind.spec, rq, rs, &o, 0, "zone") == -1 ||
	    zone_required(&o, rs) == -1)
		goto out;
	ext_doc_put_obj(s, zone_kind.kind, "", id, &o);
	sim_ok_null(rs);
out:
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* Vnets                                                              */

/* The tag of a vnet against its zone's type (PVE's vnet_update_hook of
 * the zone plugins). */
static int
vnet_check(struct sim *s, const struct ext_obj *o, struct sim_resp *rs)
{
	char *zone = ext_obj_str(o, "zone"), *type = NULL;
	struct ext_obj z = { 0 };
	long long tag = ext_obj_int(o, "tag", 0);
	int has_tag = ext_obj_raw(o, "tag") != NULL, rc = -1;

	if (zone == NULL || ext_doc_obj(s, zone_kind.kind, "", zone, &z) ==
	    -1) {
		sim_param_errorf(rs, "zone", "zone '%s' does not exist",
		    zone ? zone : "");
		goto out;
	}
	type = ext_obj_str(&z, "type");
	if (type == NULL)
		type = strdup("");
	if (!strcmp(type, "simple") && has_tag) {
		sim_param_error(rs, "tag", "vlan tag is not allowed on simple "
		    "zone");
		goto out;
	}
	if ((!strcmp(type, "vlan") || !strcmp(type, "qinq")) && !has_tag) {
		sim_param_error(rs, "tag", "missing vlan tag");
		goto out;
	}
	if ((!strcmp(type, "vlan") || !strcmp(type, "qinq")) &&
	    (tag < 1 || tag > 4094)) {
		sim_param_error(rs, "tag", "vlan tag max value is 4094");
		goto out;
	}
	if ((!strcmp(type, "vxlan") || !strcmp(type, "evpn")) && !has_tag) {
		sim_param_error(rs, "tag", "missing vxlan tag");
		goto out;
	}
	if (has_tag && (tag < 1 || tag > 16777215)) {
		sim_param_error(rs, "tag", tag < 1 ? "value must have a minimum "
		    "value of 1" : "value must have a maximum value of "
		    "16777215");
		goto out;
	}
	rc = 0;
out:
	free(zone);
	free(type);
	ext_obj_free(&z);
	return rc;
}

/* SDN.Allocate on /sdn/zones/ZONE/VNET (ZONE of o). */
static int
vnet_perm(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    const char *zone, const char *vnet, const char *priv)
{
	char path[256];

	snprintf(path, sizeof(path), "/sdn/zones/%s/%s", zone ? zone : "",
	    vnet);
	return sim_check_perm(s, rq, path, priv, rs);
}

static void
vnet_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)m;
	if (read_params_ok(rq, rs, 0) == 0)
		sdn_read(s, rq, rs, &vnet_kind, NULL, NULL);
}

static void
vnet_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o = { 0 };
	const char *id = sim_param(rq, "vnet");
	char *doc;

	(void)m;
	if (ext_check(vnet_kind.spec, rq, rs, 1, "vnet") == -1)
		return;
	if (id == NULL) {
		sim_param_error(rs, "vnet", "property is missing and it is "
		    "not optional");
		return;
	}
	if (check_id(rs, "vnet", "vnet", id) == -1)
		return;
	if (vnet_perm(s, rq, rs, sim_param(rq, "zone"), id,
	    "SDN.Allocate") == -1)
		return;
	if ((doc = sim_doc_get(s, vnet_kind.kind, "", id)) != NULL) {
		free(doc);
		sim_error(rs, 500, vnet_kind.exists, id);
		return;
	}
	ext_obj_set_str(&o, "type", "vnet");
	if (ext_apply(vnet_kind.spec, rq, rs, &o, 1, "vnet") == 0 &&
	    vnet_check(s, &o, rs) == 0) {
		ext_doc_put_obj(s, vnet_kind.kind, "", id, &o);
		sim_ok_null(rs);
	}
	ext_obj_free(&o);
}

static void
vnet_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *id = sim_var(m, "vnet");
	struct ext_obj o = { 0 };
	char digest[41], *zone = NULL;
	const char *priv = strcmp(rq->method, "GET") ? "SDN.Allocate" :
	    "SDN.Audit|SDN.Allocate";

	if (check_id(rs, "vnet", "vnet", id) == -1)
		return;
	if (ext_doc_obj(s, vnet_kind.kind, "", id, &o) == -1 &&
	    (strcmp(rq->method, "GET") != 0 ||
	    ext_doc_obj(s, vnet_kind.run, "", id, &o) == -1)) {
		sim_error(rs, 500, vnet_kind.missing, id);
		return;
	}
	zone = ext_obj_str(&o, "zone");
	if (vnet_perm(s, rq, rs, zone, id, priv) == -1)
		goto out;
	if (!strcmp(rq->method, "GET")) {
		if (read_params_ok(rq, rs, 0) == 0)
			sdn_read(s, rq, rs, &vnet_kind, NULL, id);
		goto out;
	}
	if (!strcmp(rq->method, "DELETE")) {
		struct uses u = { "vnet", id, "" };

		sim_doc_list(s, subnet_kind.kind, "", uses_cb, &u);
		if (u.found[0])
			sim_error(rs, 500, "Can't delete vnet %s: subnet %s "
			    "uses it", id, u.found);
		else {
			sim_doc_delete(s, vnet_kind.kind, "", id);
			sim_ok_null(rs);
		}
		goto out;
	}
	ext_kind_digest(s, vnet_kind.kind, "", digest);
	if (ext_digest_check(rq, rs, digest) == -1)
		goto out;
	if (ext_apply(vnet_kind.spec, rq, rs, &o, 0, "vnet") == -1 ||
	    vnet_check(s, &o, rs) == -1)
		goto out;
	ext_doc_put_obj(s, vnet_kind.kind, "", id, &o);
	sim_ok_null(rs);
out:
	free(zone);
	ext_obj_free(&o);
}

/* ------------------------------------------------------------------ */
/* Subnets                                                            */

/* The vnet of the path, configured; its zone in zone (caller frees).
 * -1 with rs set when the vnet does not exist. */
static int
subnet_vnet(struct sim *s, struct sim_resp *rs, const char *vnet,
    char **zone)
{
	struct ext_obj v = { 0 };

	*zone = NULL;
	if (check_id(rs, "vnet", "vnet", vnet) == -1)
		return -1;
	if (ext_doc_obj(s, vnet_kind.kind, "", vnet, &v) == -1) {
		sim_error(rs, 500, vnet_kind.missing, vnet);
		return -1;
	}
	*zone = ext_obj_str(&v, "zone");
	ext_obj_free(&v);
	return 0;
}

static void
subnet_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *vnet = sim_var(m, "vnet");
	struct ext_obj v = { 0 };
	char *zone = NULL;

	if (check_id(rs, "vnet", "vnet", vnet) == -1)
		return;
	if (ext_doc_obj(s, vnet_kind.kind, "", vnet, &v) == -1 &&
	    ext_doc_obj(s, vnet_kind.run, "", vnet, &v) == -1) {
		sim_error(rs, 500, vnet_kind.missing, vnet);
		return;
	}
	zone = ext_obj_str(&v, "zone");
	if (vnet_perm(s, rq, rs, zone, vnet, "SDN.Audit|SDN.Allocate") == 0 &&
	    read_params_ok(rq, rs, 0) == 0)
		sdn_read(s, rq, rs, &subnet_kind, vnet, NULL);
	free(zone);
	ext_obj_free(&v);
}

static void
subnet_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *vnet = sim_var(m, "vnet");
	const char *cidr = sim_param(rq, "subnet");
	const char *gw = sim_param(rq, "gateway");
	struct ext_obj o = { 0 };
	char *zone = NULL, *doc, net[64], id[160], ms[8];
	int mask, v6, gv6;
	size_t i;

	if (subnet_vnet(s, rs, vnet, &zone) == -1)
		return;
	if (vnet_perm(s, rq, rs, zone, vnet, "SDN.Allocate") == -1)
		goto out;
	if (ext_check(subnet_kind.spec, rq, rs, 1, "subnet vnet") == -1)
		goto out;
	if (cidr == NULL) {
		sim_param_error(rs, "subnet", "property is missing and it is "
		    "not optional");
		goto out;
	}
	if (cidr_split(cidr, net, sizeof(net), &mask) == -1) {
		sim_param_errorf(rs, "subnet", "invalid format - invalid "
		    "subnet '%s'", cidr);
		goto out;
	}
	ip_ok(net, &v6);
	if (gw != NULL && (!ip_ok(gw, &gv6) || gv6 != v6)) {
		sim_param_errorf(rs, "gateway", "invalid format - value does "
		    "not look like a valid IP address");
		goto out;
	}
	snprintf(id, sizeof(id), "%s-%s", zone ? zone : "", cidr);
	for (i = 0; id[i]; i++)
		if (id[i] == '/')
			id[i] = '-';
	if ((doc = sim_doc_get(s, subnet_kind.kind, "", id)) != NULL) {
		free(doc);
		sim_error(rs, 500, subnet_kind.exists, id);
		goto out;
	}
	if (ext_apply(subnet_kind.spec, rq, rs, &o, 1, "subnet vnet") == -1)
		goto out;
	snprintf(ms, sizeof(ms), "%d", mask);
	ext_obj_set_str(&o, "vnet", vnet);
	ext_obj_set_str(&o, "zone", zone ? zone : "");
	ext_obj_set_str(&o, "cidr", cidr);
	ext_obj_set_str(&o, "network", net);
	ext_obj_set_str(&o, "mask", ms);
	ext_doc_put_obj(s, subnet_kind.kind, "", id, &o);
	sim_ok_null(rs);
out:
	free(zone);
	ext_obj_free(&o);
}

static void
subnet_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *vnet = sim_var(m, "vnet"), *id = sim_var(m, "subnet");
	const char *gw = sim_param(rq, "gateway");
	struct ext_obj o = { 0 }, v = { 0 };
	char digest[41], *zone = NULL, *ov = NULL;
	int get = !strcmp(rq->method, "GET");

	if (check_id(rs, "vnet", "vnet", vnet) == -1)
		return;
	if (ext_doc_obj(s, vnet_kind.kind, "", vnet, &v) == -1 &&
	    (!get || ext_doc_obj(s, vnet_kind.run, "", vnet, &v) == -1)) {
		sim_error(rs, 500, vnet_kind.missing, vnet);
		return;
	}
	zone = ext_obj_str(&v, "zone");
	if (vnet_perm(s, rq, rs, zone, vnet, get ? "SDN.Audit|SDN.Allocate" :
	    "SDN.Allocate") == -1)
		goto out;
	if ((ext_doc_obj(s, subnet_kind.kind, "", id, &o) == -1 &&
	    (!get || ext_doc_obj(s, subnet_kind.run, "", id, &o) == -1)) ||
	    (ov = ext_obj_str(&o, "vnet")) == NULL || strcmp(ov, vnet) != 0) {
		sim_error(rs, 500, subnet_kind.missing, id);
		goto out;
	}
	if (get) {
		if (read_params_ok(rq, rs, 0) == 0)
			sdn_read(s, rq, rs, &subnet_kind, vnet, id);
		goto out;
	}
	if (!strcmp(rq->method, "DELETE")) {
		sim_doc_delete(s, subnet_kind.kind, "", id);
		sim_ok_null(rs);
		goto out;
	}
	ext_kind_digest(s, subnet_kind.kind, "", digest);
	if (ext_digest_check(rq, rs, digest) == -1)
		goto out;
	if (sim_param(rq, "vnet") && strcmp(sim_param(rq, "vnet"), vnet)) {
		sim_param_error(rs, "vnet", "can't change fixed property");
		goto out;
	}
	if (gw != NULL) {
		int v6 = 0, gv6;
		char *net = ext_obj_str(&o, "network");

		if (net)
			ip_ok(net, &v6);
		free(net);
		if (!ip_ok(gw, &gv6) || gv6 != v6) {
			sim_param_error(rs, "gateway", "invalid format - value "
			    "does not look like a valid IP address");
			goto out;
		}
	}
	if (ext_apply(subnet_kind.spec, rq, rs, &o, 0, "subnet vnet") == -1)
		goto out;
	ext_doc_put_obj(s, subnet_kind.kind, "", id, &o);
	sim_ok_null(rs);
out:
	free(zone);
	free(ov);
	ext_obj_free(&o);
	ext_obj_free(&v);
}

/* ------------------------------------------------------------------ */
/* The index and apply                                                */

static void
sdn_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "id", "vnets zones controllers ipams dns");
}

/* The controllers and DNS servers (none) and the IPAMs (PVE's own,
 * "pve"), for the zones that name them; read-only here. */
static void
sdn_aux_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;

	(void)m;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	if (strstr(rq->path, "/ipams") &&
	    sim_check_perm(s, rq, "/sdn/ipams/pve", "SDN.Audit|SDN.Allocate",
	    NULL) == 0) {
		jw_obj(&w);
		jw_kstr(&w, "ipam", "pve");
		jw_kstr(&w, "type", "pve");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* The running configuration of k becomes its configuration (read
 * first, written after: no write while a listing is open). */
static void
commit_kind(struct sim *s, const struct sdn_kind *k)
{
	struct collect old, cfg;
	size_t i;

	collect(s, k->run, &old);
	collect(s, k->kind, &cfg);
	for (i = 0; i < old.ids.n; i++)
		sim_doc_delete(s, k->run, "", old.ids.v[i].key);
	for (i = 0; i < cfg.ids.n; i++)
		sim_doc_put(s, k->run, "", cfg.ids.v[i].key, cfg.ids.v[i].val);
	sim_kv_free(&old.ids);
	sim_kv_free(&cfg.ids);
}

static void
sdn_apply(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t;
	size_t i;

	(void)m;
	if (ext_check("lock-token:s release-lock:b", rq, rs, 0, NULL) == -1)
		return;
	/* PVE commits the configuration before it forks the worker */
	commit_kind(s, &zone_kind);
	commit_kind(s, &vnet_kind);
	commit_kind(s, &subnet_kind);
	t = sim_task_start(s, s->nodes[0].name, "reloadnetworkall", "",
	    rq->authid, -1, NULL, NULL);
	for (i = 0; i < s->nnodes; i++)
		sim_task_log(t, "%s: reloading network config", s->nodes[i].name);
	sim_upid_response(rs, t->upid);
}

const struct sim_route sim_routes_sdn[] = {
	{ "GET", "/cluster/sdn", sdn_index, "/sdn", "SDN.Audit", 0 },
	{ "PUT", "/cluster/sdn", sdn_apply, "/sdn", "SDN.Allocate", 0 },
	{ "GET", "/cluster/sdn/controllers", sdn_aux_list, NULL, NULL, 0 },
	{ "GET", "/cluster/sdn/ipams", sdn_aux_list, NULL, NULL, 0 },
	{ "GET", "/cluster/sdn/dns", sdn_aux_list, NULL, NULL, 0 },
	{ "GET", "/cluster/sdn/zones", zone_list, NULL, NULL, 0 },
	{ "POST", "/cluster/sdn/zones", zone_create, "/sdn/zones",
	    "SDN.Allocate", 0 },
	{ "GET", "/cluster/sdn/zones/{zone}", zone_item, "/sdn/zones/{zone}",
	    "SDN.Allocate", 0 },
	{ "PUT", "/cluster/sdn/zones/{zone}", zone_item, "/sdn/zones/{zone}",
	    "SDN.Allocate", 0 },
	{ "DELETE", "/cluster/sdn/zones/{zone}", zone_item,
	    "/sdn/zones/{zone}", "SDN.Allocate", 0 },
	{ "GET", "/cluster/sdn/vnets", vnet_list, NULL, NULL, 0 },
	{ "POST", "/cluster/sdn/vnets", vnet_create, NULL, NULL, 0 },
	{ "GET", "/cluster/sdn/vnets/{vnet}", vnet_item, NULL, NULL, 0 },
	{ "PUT", "/cluster/sdn/vnets/{vnet}", vnet_item, NULL, NULL, 0 },
	{ "DELETE", "/cluster/sdn/vnets/{vnet}", vnet_item, NULL, NULL, 0 },
	{ "GET", "/cluster/sdn/vnets/{vnet}/subnets", subnet_list, NULL,
	    NULL, 0 },
	{ "POST", "/cluster/sdn/vnets/{vnet}/subnets", subnet_create, NULL,
	    NULL, 0 },
	{ "GET", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", subnet_item,
	    NULL, NULL, 0 },
	{ "PUT", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", subnet_item,
	    NULL, NULL, 0 },
	{ "DELETE", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", subnet_item,
	    NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
