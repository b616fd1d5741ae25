/*
 * admin.c -- the administration tools of px mcp: a pool's members, HA
 * resources (add, state, remove, migrate, relocate), a guest's firewall
 * rules, IP set members, a guest's tags.  Each builds its request with
 * the writer px pool, ha and firewall use (pve_objw.h; the tags with
 * guest_op_config, as px set), with the same pre-flight check
 * (pve_objrisk_ha.h, pve_objrisk_fw.h), and runs it through the gate
 * (mt_change): read-only, freeze, risk, approval and audit as on the
 * command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "guest_op.h"
#include "pve_check.h"
#include "pve_objrisk_fw.h"
#include "pve_objrisk_ha.h"
#include "pve_objw.h"
#include "tools.h"

/* A change of one object: w (filled by a writer) becomes the request's
 * target; with digest_of, PVE's digest of that path goes along, so that
 * a change made meanwhile is refused instead of lost. */
struct obj {
	const char *action;	/* add, set, delete, migrate ... */
	const char *kind;	/* pool, ha-resource, firewall, guest */
	const char *id;		/* the object, for the audit */
	const char *digest_of;
	int destructive;
	gate_assess_fn assess;
	void *assess_arg;
	char summary[512];
};

static int
obj_change(struct mcp_call *k, struct obj *o, struct gate_target *w,
    struct px_err *e)
{
	struct gate_req r;
	struct gate_target *t;
	int rc;

	gate_req_init(&r, o->action, o->kind, 1);
	t = &r.t[0];
	snprintf(t->id, sizeof(t->id), "%s/%.80s", o->kind, o->id);
	snprintf(t->summary, sizeof(t->summary), "%s", o->summary);
	snprintf(r.summary, sizeof(r.summary), "%s", o->summary);
	snprintf(r.id, sizeof(r.id), "%s", t->id);
	t->call.method = w->call.method;
	t->call.path = w->call.path;
	t->call.form = w->call.form;
	memset(&w->call, 0, sizeof(w->call));
	if (o->digest_of) {
		struct px_reply d;
		char digest[96] = "";

		if (pve_get(k->m->srv->x->client, &d, e, "%s",
		    o->digest_of) != 0) {
			gate_req_free(&r);
			return -1;
		}
		json_strcpy(&d.j, json_get(&d.j, d.data, "digest"), digest,
		    sizeof(digest));
		px_reply_free(&d);
		if (digest[0] && strspn(digest, "0123456789abcdef") ==
		    strlen(digest))
			form_add(&t->call.form, "digest", digest);
	}
	r.destructive = o->destructive;
	r.assess = o->assess;
	r.assess_arg = o->assess_arg;
	rc = mt_change(k, &r, e);
	gate_req_free(&r);
	return rc;
}

/* The comma list of an array argument of integers or strings (checked
 * by the schema; strings again by kind). */
static int
arg_list(struct mcp_call *k, const char *key, int kind, struct buf *out,
    struct px_err *e)
{
	int a = json_get(k->j, k->args, key), c, i;

	JSON_FOREACH(k->j, a, c, i) {
		char v[80];

		if (kind < 0) {
			long long n = 0;

			json_int(k->j, c, &n);
			buf_printf(out, "%s%lld", out->len ? "," : "", n);
			continue;
		}
		if (json_strcpy(k->j, c, v, sizeof(v)) >= (long)sizeof(v) ||
		    !mt_valid(kind, v))
			return px_fail(e, PXE_USAGE, "%s: '%.79s' is not "
			    "valid", key, v);
		buf_printf(out, "%s%s", out->len ? "," : "", v);
	}
	return 0;
}

/* ---- pools ---- */

static int
t_pool_members(struct mcp_call *k, struct px_err *e)
{
	int remove = strcmp(k->tool->action, "remove") == 0, rc;
	struct gate_target w = { 0 };
	struct buf vms = { 0 }, sts = { 0 };
	struct pve_version v;
	struct obj o = { .kind = "pool" };
	struct px_client *c;
	char pool[80];

	if (mt_name(k, "pool", MT_POOL, pool, sizeof(pool), e) != 0 ||
	    (c = mt_client(k, e)) == NULL)
		return -1;
	if (arg_list(k, "vmids", -1, &vms, e) != 0 ||
	    arg_list(k, "storages", MT_STORAGE, &sts, e) != 0)
		goto fail;
	if (vms.len == 0 && sts.len == 0) {
		px_fail(e, PXE_USAGE, "give vmids or storages");
		goto fail;
	}
	if (pve_version_get(c, &v, e) != 0)
		goto fail;
	objw_pool_members(&w, pool, buf_str(&vms), buf_str(&sts), remove,
	    !remove && mt_bool(k, "allow_move", 0),
	    objw_pool_legacy(v.release));
	o.action = k->tool->action;
	o.id = pool;
	o.destructive = remove;
	snprintf(o.summary, sizeof(o.summary), "%s %s%s%s%s%s %s pool %s",
	    o.action, vms.len ? "guests " : "", buf_str(&vms), vms.len &&
	    sts.len ? " and " : "", sts.len ? "storage " : "", buf_str(&sts),
	    remove ? "from" : "to", pool);
	rc = obj_change(k, &o, &w, e);
	buf_free(&w.call.path);
	buf_free(&w.call.form);
	buf_free(&vms);
	buf_free(&sts);
	return rc;
fail:
	buf_free(&vms);
	buf_free(&sts);
	return -1;
}

/* ---- HA ---- */

/* The HA resource of the guest named by vmid: "vm:100", "ct:101". */
static int
ha_sid(struct mcp_call *k, char *sid, size_t n, struct px_err *e)
{
	struct pve_guest g;

	if (mt_guest(k, &g, e) != 0)
		return -1;
	snprintf(sid, n, "%s:%d", strcmp(g.type, "lxc") == 0 ? "ct" : "vm",
	    g.vmid);
	return 0;
}

/* The HA resource sid must exist (set, remove, move). */
static int
ha_exists(struct mcp_call *k, const char *path, const char *sid,
    struct px_err *e)
{
	struct px_reply r;

	if (pve_get(k->m->srv->x->client, &r, e, "%s", path) == 0) {
		px_reply_free(&r);
		return 0;
	}
	if (e->id == PXE_NOT_FOUND || (e->http == 500 && (strstr(e->msg,
	    "no such") || strstr(e->msg, "does not exist"))))
		return px_fail(e, PXE_NOT_FOUND, "%s is not an HA resource "
		    "(ha_add_resource adds it)", sid);
	return -1;
}

static int
t_ha_resource(struct mcp_call *k, struct px_err *e)
{
	const char *verb = k->tool->action;
	struct objrisk_ha risk = { NULL, NULL };
	struct gate_target w = { 0 };
	struct buf form = { 0 }, path = { 0 };
	struct obj o = { .kind = "ha-resource" };
	char sid[32], state[16], comment[4100];
	int rc = -1;

	if (ha_sid(k, sid, sizeof(sid), e) != 0)
		return -1;
	mt_str(k, "state", state, sizeof(state));
	mt_str(k, "comment", comment, sizeof(comment));
	if (state[0])
		form_add(&form, "state", state);
	if (comment[0])
		form_add(&form, "comment", comment);
	if (json_get(k->j, k->args, "max_restart") >= 0)
		form_addf(&form, "max_restart", "%lld", mt_int(k,
		    "max_restart", 1));
	if (json_get(k->j, k->args, "max_relocate") >= 0)
		form_addf(&form, "max_relocate", "%lld", mt_int(k,
		    "max_relocate", 1));
	buf_adds(&path, "/cluster/ha/resources/");
	url_seg(&path, sid);
	if (strcmp(verb, "add") != 0 && ha_exists(k, path.p, sid, e) != 0)
		goto out;
	risk.sid = sid;
	risk.state = state[0] ? state : strcmp(verb, "add") == 0 ?
	    "started" : NULL;
	o.id = sid;
	o.assess_arg = &risk;
	o.assess = objrisk_ha_state;
	if (strcmp(verb, "add") == 0) {
		o.action = "create";
		snprintf(o.summary, sizeof(o.summary), "add %s to HA as %s",
		    sid, risk.state);
	} else if (strcmp(verb, "set") == 0) {
		o.action = "set";
		o.digest_of = path.p;
		snprintf(o.summary, sizeof(o.summary), "set HA resource %s%s%s",
		    sid, state[0] ? " to " : "", state);
	} else {
		o.action = "delete";
		o.assess = objrisk_ha_remove;
		risk.state = NULL;
		buf_reset(&form);
		snprintf(o.summary, sizeof(o.summary), "remove %s from HA",
		    sid);
	}
	/* the HA manager stops a guest set to stopped or disabled */
	o.destructive = strcmp(verb, "remove") == 0 || (risk.state &&
	    (strcmp(risk.state, "stopped") == 0 || strcmp(risk.state,
	    "disabled") == 0));
	objw_ha_resource(&w, verb, sid, buf_str(&form));
	rc = obj_change(k, &o, &w, e);
	buf_free(&w.call.path);
	buf_free(&w.call.form);
out:
	buf_free(&form);
	buf_free(&path);
	return rc;
}

static int
t_ha_move(struct mcp_call *k, struct px_err *e)
{
	int relocate = strcmp(k->tool->action, "relocate") == 0, rc, nn = 0;
	int found = 0;
	struct objrisk_ha_move risk = { NULL, NULL, relocate };
	struct gate_target w = { 0 };
	struct pve_node *nodes = NULL;
	struct buf path = { 0 };
	struct obj o = { .kind = "ha-resource" };
	char sid[32], node[64];

	if (mt_name(k, "node", MT_NODE, node, sizeof(node), e) != 0 ||
	    ha_sid(k, sid, sizeof(sid), e) != 0)
		return -1;
	if (pve_nodes(k->m->srv->x->client, &nodes, &nn, e) != 0)
		return -1;
	for (int i = 0; i < nn; i++)
		found |= strcmp(nodes[i].name, node) == 0;
	free(nodes);
	if (!found)
		return px_fail(e, PXE_NOT_FOUND, "no node '%s' in this "
		    "cluster", node);
	buf_adds(&path, "/cluster/ha/resources/");
	url_seg(&path, sid);
	rc = ha_exists(k, path.p, sid, e);
	buf_free(&path);
	if (rc != 0)
		return -1;
	risk.sid = sid;
	risk.node = node;
	o.action = k->tool->action;
	o.id = sid;
	o.assess = objrisk_ha_move;
	o.assess_arg = &risk;
	o.destructive = relocate;	/* a relocate stops a running guest */
	snprintf(o.summary, sizeof(o.summary), "%s %s to %s", o.action, sid,
	    node);
	objw_ha_move(&w, sid, node, relocate);
	rc = obj_change(k, &o, &w, e);
	buf_free(&w.call.path);
	buf_free(&w.call.form);
	return rc;
}

/* ---- firewall ---- */

/* Where a firewall change happens: a guest's firewall (vmid), or for an
 * IP set without vmid the cluster's. */
struct fw {
	struct buf base;
	char what[64];
	int guest;
};

static int
fw_scope(struct mcp_call *k, struct fw *f, struct px_err *e)
{
	struct pve_guest g;

	memset(f, 0, sizeof(*f));
	if (json_get(k->j, k->args, "vmid") < 0) {
		if (mt_client(k, e) == NULL)
			return -1;
		buf_adds(&f->base, "/cluster/firewall");
		snprintf(f->what, sizeof(f->what), "cluster");
		return 0;
	}
	if (mt_guest(k, &g, e) != 0)
		return -1;
	buf_adds(&f->base, "/nodes/");
	url_seg(&f->base, g.node);
	buf_printf(&f->base, "/%s/%d/firewall", g.type, g.vmid);
	snprintf(f->what, sizeof(f->what), "guest %d", g.vmid);
	f->guest = 1;
	return 0;
}

/* The change of f as objrisk_fw judges it (what, form and all). */
static int
fw_change(struct mcp_call *k, struct fw *f, struct obj *o,
    struct objrisk_fw *risk, struct gate_target *w, struct px_err *e)
{
	char id[96];
	int rc;

	snprintf(id, sizeof(id), "%s", f->what);
	for (char *p = id; *p; p++)
		if (*p == ' ')
			*p = '/';
	o->kind = "firewall";
	o->id = id;
	if (risk) {
		risk->base = f->base.p;
		risk->what = f->what;
		risk->guest = f->guest;
		risk->form = buf_str(&w->call.form);
		o->assess = objrisk_fw;
		o->assess_arg = risk;
	}
	rc = obj_change(k, o, w, e);
	buf_free(&w->call.path);
	buf_free(&w->call.form);
	return rc;
}

/* The rule's fields an agent may give, by PVE's name. */
static const char *const rule_keys[] = { "type", "action", "macro",
	"proto", "source", "dest", "dport", "sport", "iface", "log",
	"icmp-type", "comment", NULL };

static int
t_fw_rule_add(struct mcp_call *k, struct px_err *e)
{
	struct objrisk_fw risk = { 0 };
	struct gate_target w = { 0 };
	struct buf form = { 0 };
	struct obj o = { .action = "add" };
	struct fw f;
	int rc, pos = (int)mt_int(k, "pos", -1);

	if (fw_scope(k, &f, e) != 0)
		return -1;
	for (int i = 0; rule_keys[i]; i++) {
		char key[16], v[520];

		/* icmp-type is icmp_type in the schema (a JSON name) */
		snprintf(key, sizeof(key), "%s", rule_keys[i]);
		if (strcmp(key, "icmp-type") == 0)
			snprintf(key, sizeof(key), "icmp_type");
		mt_str(k, key, v, sizeof(v));
		if (v[0])
			form_add(&form, rule_keys[i], v);
	}
	form_add(&form, "enable", mt_bool(k, "enable", 1) ? "1" : "0");
	if (pos >= 0)
		form_addf(&form, "pos", "%d", pos);
	risk.op = OBJRISK_FW_RULE_ADD;
	risk.pos = pos < 0 ? 0 : pos;
	snprintf(o.summary, sizeof(o.summary), "add a firewall rule to %s",
	    f.what);
	objw_fw_rule(&w, f.base.p, -1, NULL, form.p);
	rc = fw_change(k, &f, &o, &risk, &w, e);
	buf_free(&form);
	buf_free(&f.base);
	return rc;
}

/* delete_firewall_rule and enable_firewall_rule: rule pos, PVE's digest
 * of it along. */
static int
t_fw_rule_pos(struct mcp_call *k, struct px_err *e)
{
	int del = strcmp(k->tool->action, "delete") == 0, rc;
	int pos = (int)mt_int(k, "pos", 0), en = mt_bool(k, "enable", 1);
	struct objrisk_fw risk = { 0 };
	struct gate_target w = { 0 };
	struct buf path = { 0 }, form = { 0 };
	struct obj o = { 0 };
	struct fw f;

	if (fw_scope(k, &f, e) != 0)
		return -1;
	buf_printf(&path, "%s/rules/%d", f.base.p, pos);
	risk.pos = pos;
	o.digest_of = path.p;
	if (del) {
		risk.op = OBJRISK_FW_RULE_DELETE;
		o.action = "delete";
		o.destructive = 1;
		snprintf(o.summary, sizeof(o.summary), "delete rule %d of %s",
		    pos, f.what);
	} else {
		form_add(&form, "enable", en ? "1" : "0");
		risk.op = OBJRISK_FW_RULE_SET;
		o.action = "set";
		snprintf(o.summary, sizeof(o.summary), "%s rule %d of %s",
		    en ? "enable" : "disable", pos, f.what);
	}
	objw_fw_rule(&w, f.base.p, pos, del ? "DELETE" : "PUT", form.p);
	rc = fw_change(k, &f, &o, &risk, &w, e);
	buf_free(&path);
	buf_free(&form);
	buf_free(&f.base);
	return rc;
}

static int
t_ipset_member(struct mcp_call *k, struct px_err *e)
{
	int remove = strcmp(k->tool->action, "remove") == 0, rc;
	struct gate_target w = { 0 };
	struct buf form = { 0 };
	struct obj o = { 0 };
	struct fw f;
	char name[80], cidr[80], comment[520];

	if (mt_name(k, "ipset", MT_FWNAME, name, sizeof(name), e) != 0 ||
	    mt_name(k, "cidr", MT_CIDR, cidr, sizeof(cidr), e) != 0 ||
	    fw_scope(k, &f, e) != 0)
		return -1;
	mt_str(k, "comment", comment, sizeof(comment));
	if (!remove && comment[0])
		form_add(&form, "comment", comment);
	if (!remove && mt_bool(k, "nomatch", 0))
		form_add(&form, "nomatch", "1");
	o.action = k->tool->action;
	o.destructive = remove;
	snprintf(o.summary, sizeof(o.summary), "%s %s %s IP set %s of %s",
	    o.action, cidr, remove ? "from" : "to", name, f.what);
	objw_ipset_member(&w, f.base.p, name, cidr, remove, form.p);
	rc = fw_change(k, &f, &o, NULL, &w, e);
	buf_free(&form);
	buf_free(&f.base);
	return rc;
}

/* ---- tags ---- */

/* set_guest_tags: the guest's tags replaced, added to or taken from, in
 * one PUT of its config (as px set VMID tags=...), with its digest. */
static int
op_tags(struct mcp_call *k, struct gate_req *r, const struct pve_guest *g,
    struct px_err *e)
{
	struct pve_kv *kv = NULL;
	struct buf want = { 0 }, form = { 0 };
	char mode[8], digest[80] = "", cur[1024] = "";
	const char *d, *t;
	int nkv = 0, a = json_get(k->j, k->args, "tags"), c, i;

	mt_str(k, "mode", mode, sizeof(mode));
	if (pve_guest_config(k->m->srv->x->client, g, &kv, &nkv, e) != 0)
		return -1;
	if ((d = pve_kv_get(kv, nkv, "digest")) != NULL)
		snprintf(digest, sizeof(digest), "%s", d);
	if ((t = pve_kv_get(kv, nkv, "tags")) != NULL)
		snprintf(cur, sizeof(cur), "%s", t);
	pve_kv_free(kv, nkv);
	if (strcmp(mode, "add") == 0 || strcmp(mode, "remove") == 0) {
		char *p, *save = NULL;

		for (p = strtok_r(cur, ";, ", &save); p; p = strtok_r(NULL,
		    ";, ", &save)) {
			int given = 0;

			JSON_FOREACH(k->j, a, c, i)
				given |= json_eq(k->j, c, p);
			if (!(given && mode[0] == 'r'))
				buf_printf(&want, "%s%s", want.len ? ";" : "",
				    p);
		}
	}
	if (strcmp(mode, "remove") != 0)
		JSON_FOREACH(k->j, a, c, i) {
			char v[80];

			if (json_strcpy(k->j, c, v, sizeof(v)) >=
			    (long)sizeof(v) || !mt_valid(MT_TAG, v)) {
				buf_free(&want);
				return px_fail(e, PXE_USAGE, "tags: '%.79s' is "
				    "not a tag", v);
			}
			if (!pve_has_tag(buf_str(&want), v))
				buf_printf(&want, "%s%s", want.len ? ";" : "",
				    v);
		}
	if (want.len) {
		form_add(&form, "tags", want.p);
		guest_op_config(&r->t[0], g, &form, NULL, NULL, digest[0] ?
		    digest : NULL, "tags");
	} else {
		guest_op_config(&r->t[0], g, &form, "tags", NULL, digest[0] ?
		    digest : NULL, "tags");
	}
	buf_free(&form);
	buf_free(&want);
	return 0;
}

/* ---- the registry's part ---- */

#define S_SCOPE_VMID "\"vmid\":{\"type\":\"integer\",\"minimum\":100," \
	"\"maximum\":999999999,\"description\":\"the guest whose firewall " \
	"it is\"}"
#define S_CIDR "\"cidr\":{\"type\":\"string\",\"maxLength\":64," \
	"\"pattern\":\"" P_CIDR "\",\"description\":\"an address or " \
	"network: 10.0.0.5, 10.0.0.0/24, fd00::/64\"}"
#define S_IPSET "\"ipset\":{\"type\":\"string\",\"minLength\":2," \
	"\"maxLength\":64,\"pattern\":\"" P_FWNAME "\",\"description\":" \
	"\"the IP set\"}"
#define S_POS "\"pos\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":" \
	"9999,\"description\":\"the rule's position, as get_guest's " \
	"firewall or px firewall guest VMID shows it\"}"
#define S_HA_STATE "\"state\":{\"enum\":[\"started\",\"stopped\"," \
	"\"disabled\",\"ignored\"],\"description\":\"the state the HA " \
	"manager keeps the guest in: stopped and disabled stop it; ignored " \
	"leaves it alone\"}"
#define S_HA_OPTS ",\"comment\":{\"type\":\"string\",\"maxLength\":" \
	"4096},\"max_restart\":{\"type\":\"integer\",\"minimum\":0," \
	"\"maximum\":10,\"description\":\"restarts on its node before a " \
	"relocate (default 1)\"},\"max_relocate\":{\"type\":\"integer\"," \
	"\"minimum\":0,\"maximum\":10,\"description\":\"relocates when it " \
	"fails to start (default 1)\"}"
#define S_ADDR(k, what) "\"" k "\":{\"type\":\"string\",\"maxLength\":" \
	"512,\"pattern\":\"^[A-Za-z0-9_.:/,+-]+$\",\"description\":\"" what \
	": address, network, range, alias or +ipset\"}"
#define S_PORTS(k, what) "\"" k "\":{\"type\":\"string\",\"maxLength\":" \
	"128,\"pattern\":\"^[A-Za-z0-9:,-]+$\",\"description\":\"" what \
	" ports or services: 22, 80,443, 8000:8010\"}"

const struct tool mcp_admin_tools[] = {
	{ "pool_add_members", "Add to a pool", "Add guests and storages to "
	    "a resource pool.", IN("\"pool\":{\"type\":\"string\","
	    "\"maxLength\":64,\"pattern\":\"" P_POOL "\"},\"vmids\":{\"type\":"
	    "\"array\",\"maxItems\":100,\"items\":{\"type\":\"integer\","
	    "\"minimum\":100,\"maximum\":999999999}},\"storages\":{\"type\":"
	    "\"array\",\"maxItems\":32,\"items\":{\"type\":\"string\","
	    "\"maxLength\":63,\"pattern\":\"" P_STORAGE "\"}},\"allow_move\":"
	    "{\"type\":\"boolean\",\"description\":\"take guests that are in "
	    "another pool now (they move)\"}" S_GATE, "\"pool\""), OUT_CHANGE,
	    IDEMPOTENT, t_pool_members, NULL, "add" },
	{ "pool_remove_members", "Remove from a pool", "Take guests and "
	    "storages out of a resource pool (they stay; the pool's "
	    "permissions no longer reach them).", IN("\"pool\":{\"type\":"
	    "\"string\",\"maxLength\":64,\"pattern\":\"" P_POOL "\"},"
	    "\"vmids\":{\"type\":\"array\",\"maxItems\":100,\"items\":{"
	    "\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999}},"
	    "\"storages\":{\"type\":\"array\",\"maxItems\":32,\"items\":{"
	    "\"type\":\"string\",\"maxLength\":63,\"pattern\":\"" P_STORAGE
	    "\"}}" S_GATE, "\"pool\""), OUT_CHANGE, DESTRUCTIVE | IDEMPOTENT,
	    t_pool_members, NULL, "remove" },
	{ "ha_add_resource", "Put a guest under HA", "Make a guest an HA "
	    "resource, so that the HA manager restarts and recovers it.",
	    IN(S_VMID "," S_HA_STATE S_HA_OPTS S_GATE, "\"vmid\""),
	    OUT_CHANGE, DESTRUCTIVE, t_ha_resource, NULL, "add" },
	{ "ha_set_state", "Set a guest's HA state", "Change the state the "
	    "HA manager keeps a guest in (and its restart limits).",
	    IN(S_VMID "," S_HA_STATE S_HA_OPTS S_GATE, "\"vmid\",\"state\""),
	    OUT_CHANGE, DESTRUCTIVE | IDEMPOTENT, t_ha_resource, NULL, "set" },
	{ "ha_remove_resource", "Take a guest out of HA", "Remove a guest's "
	    "HA resource: it is no longer restarted or recovered (it keeps "
	    "running).", IN(S_VMID S_GATE, "\"vmid\""), OUT_CHANGE,
	    DESTRUCTIVE | IDEMPOTENT, t_ha_resource, NULL, "remove" },
	{ "ha_migrate", "Migrate an HA guest", "Ask the HA manager to migrate "
	    "a guest to a node (live for a running VM).", IN(S_VMID ","
	    "\"node\":{\"type\":\"string\",\"maxLength\":63,\"pattern\":\""
	    P_NODE "\",\"description\":\"the target node\"}" S_GATE,
	    "\"vmid\",\"node\""), OUT_CHANGE, 0, t_ha_move, NULL, "migrate" },
	{ "ha_relocate", "Relocate an HA guest", "Ask the HA manager to "
	    "relocate a guest: stopped, moved, started on the node.",
	    IN(S_VMID ",\"node\":{\"type\":\"string\",\"maxLength\":63,"
	    "\"pattern\":\"" P_NODE "\",\"description\":\"the target node\"}"
	    S_GATE, "\"vmid\",\"node\""), OUT_CHANGE, DESTRUCTIVE, t_ha_move,
	    NULL, "relocate" },
	{ "add_firewall_rule", "Add a firewall rule", "Add a rule to a "
	    "guest's firewall (enabled unless enable is false).",
	    IN(S_SCOPE_VMID ",\"type\":{\"enum\":[\"in\",\"out\",\"group\"]},"
	    "\"action\":{\"type\":\"string\",\"maxLength\":20,\"pattern\":"
	    "\"^(ACCEPT|DROP|REJECT|[A-Za-z][A-Za-z0-9_-]+)$\","
	    "\"description\":\"ACCEPT, DROP, REJECT, or a security group "
	    "(type group)\"},\"macro\":{\"type\":\"string\",\"maxLength\":"
	    "128,\"pattern\":\"^[A-Za-z][A-Za-z0-9_-]*$\",\"description\":"
	    "\"a macro: SSH, HTTP, DNS ...\"},\"proto\":{\"type\":\"string\","
	    "\"maxLength\":32,\"pattern\":\"^[a-z0-9-]+$\",\"description\":"
	    "\"tcp, udp, icmp, or a protocol number\"}," S_ADDR("source",
	    "where it comes from") "," S_ADDR("dest", "where it goes") ","
	    S_PORTS("dport", "destination") "," S_PORTS("sport", "source")
	    ",\"iface\":{\"type\":\"string\",\"maxLength\":20,\"pattern\":"
	    "\"^net[0-9]+$\"},\"log\":{\"enum\":[\"emerg\",\"alert\",\"crit\","
	    "\"err\",\"warning\",\"notice\",\"info\",\"debug\",\"nolog\"]},"
	    "\"icmp_type\":{\"type\":\"string\",\"maxLength\":64,\"pattern\":"
	    "\"^[a-z0-9-]+$\"},\"comment\":{\"type\":\"string\",\"maxLength\":"
	    "512},\"enable\":{\"type\":\"boolean\"}," S_POS S_GATE,
	    "\"vmid\",\"type\",\"action\""), OUT_CHANGE, 0, t_fw_rule_add,
	    NULL, "add" },
	{ "delete_firewall_rule", "Delete a firewall rule", "Delete the rule "
	    "at a position of a guest's firewall; refused when the rules "
	    "changed since PVE was asked.", IN(S_SCOPE_VMID "," S_POS S_GATE,
	    "\"vmid\",\"pos\""), OUT_CHANGE, DESTRUCTIVE, t_fw_rule_pos,
	    NULL, "delete" },
	{ "enable_firewall_rule", "Enable or disable a firewall rule",
	    "Enable (enable true) or disable a rule of a guest's firewall.",
	    IN(S_SCOPE_VMID "," S_POS ",\"enable\":{\"type\":\"boolean\"}"
	    S_GATE, "\"vmid\",\"pos\",\"enable\""), OUT_CHANGE, IDEMPOTENT,
	    t_fw_rule_pos, NULL, "set" },
	{ "ipset_add", "Add to an IP set", "Add an address or network to an "
	    "IP set of a guest's firewall (vmid) or the cluster's.",
	    IN("\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":"
	    "999999999,\"description\":\"the guest whose IP set it is "
	    "(default: the cluster's)\"}," S_IPSET "," S_CIDR ",\"comment\":"
	    "{\"type\":\"string\",\"maxLength\":512},\"nomatch\":{\"type\":"
	    "\"boolean\",\"description\":\"the entry excludes the address\"}"
	    S_GATE, "\"ipset\",\"cidr\""), OUT_CHANGE, 0, t_ipset_member,
	    NULL, "add" },
	{ "ipset_remove", "Remove from an IP set", "Remove an address or "
	    "network from an IP set of a guest's firewall (vmid) or the "
	    "cluster's.", IN("\"vmid\":{\"type\":\"integer\",\"minimum\":100,"
	    "\"maximum\":999999999,\"description\":\"the guest whose IP set "
	    "it is (default: the cluster's)\"}," S_IPSET "," S_CIDR S_GATE,
	    "\"ipset\",\"cidr\""), OUT_CHANGE, DESTRUCTIVE | IDEMPOTENT,
	    t_ipset_member, NULL, "remove" },
	{ "set_guest_tags", "Set a guest's tags", "Replace a guest's tags "
	    "(mode set, the default), add to them or remove some; refused "
	    "when the config changed meanwhile.", IN(S_VMID ",\"tags\":{"
	    "\"type\":\"array\",\"maxItems\":32,\"items\":{\"type\":"
	    "\"string\",\"minLength\":1,\"maxLength\":64,\"pattern\":\""
	    P_TAG "\"}},\"mode\":{\"enum\":[\"set\",\"add\",\"remove\"]}"
	    S_GATE, "\"vmid\",\"tags\""), OUT_CHANGE, DESTRUCTIVE | IDEMPOTENT,
	    NULL, op_tags, "set" },
};
const size_t mcp_admin_ntools = sizeof(mcp_admin_tools) /
    sizeof(mcp_admin_tools[0]);
