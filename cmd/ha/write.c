/*
 * write.c -- px ha's changes, each through the gate (objcli.h):
 *
 *   resource add|set|remove SID   POST /cluster/ha/resources,
 *                                 PUT|DELETE /cluster/ha/resources/{sid}
 *   rule create|set|delete ID     /cluster/ha/rules (PVE 9)
 *   group create|set|delete ID    /cluster/ha/groups (PVE 8)
 *   migrate|relocate SID NODE     POST .../{sid}/migrate|relocate
 *
 * A SID is vm:VMID or ct:VMID; a bare VMID becomes one by its guest's
 * type.  A set sends the digest of the object px read (PVE refuses it
 * when someone changed the HA configuration meanwhile), and a rule's
 * set its type, which PVE's PUT requires.  PVE 9 migrated the groups to
 * rules: a group verb or --group on a server whose groups are gone, and
 * a rule verb or --failback on PVE 8, are usage errors that say which
 * form the server takes; nothing is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "ha.h"
#include "pve_guest.h"
#include "pve_objrisk_ha.h"
#include "pve_objw.h"

static const char *const res_keys[] = { "comment", "failback", "group",
	"max_relocate", "max_restart", "state", NULL };
static const char *const rule_keys[] = { "affinity", "comment", "disable",
	"nodes", "resources", "strict", NULL };
static const char *const group_keys[] = { "comment", "nodes", "nofailback",
	"restricted", NULL };

int
ha_no_rules_err(const struct px_err *e)
{
	return e->http == 501;
}

int
ha_no_groups_err(const struct px_err *e)
{
	return e->http == 500 && strstr(e->msg, "migrated to rules") != NULL;
}

static int
in(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

static int
one_of(const char *s, const char *const *l)
{
	return in(l, s);
}

/* An id of format pve-configid (rules, groups). */
static void
check_id(const char *id, const char *what)
{
	size_t n = strlen(id);

	if (n < 2 || n > 64 || !((id[0] >= 'a' && id[0] <= 'z') ||
	    (id[0] >= 'A' && id[0] <= 'Z')) || strspn(id, "abcdefghijklmnop"
	    "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not a %s name (a letter, then "
		    "letters, digits, - and _; 2 to 64)", id, what);
}

/* "vm:100" or "ct:100": 1 with *vmid, else 0. */
static int
typed_sid(const char *s, int *vmid)
{
	if (strncmp(s, "vm:", 3) != 0 && strncmp(s, "ct:", 3) != 0)
		return 0;
	*vmid = pve_parse_vmid(s + 3);
	return *vmid > 0 && strspn(s + 3, "0123456789") == strlen(s + 3);
}

/* Each element of a comma list passes ok(). */
static int
list_ok(const char *v, int (*ok)(const char *))
{
	char tmp[1024], *tok, *save = NULL;

	if (strlen(v) >= sizeof(tmp) || v[0] == '\0' || v[0] == ',' ||
	    v[strlen(v) - 1] == ',' || strstr(v, ",,"))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", v);
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save))
		if (!ok(tok))
			return 0;
	return 1;
}

static int
sid_ok(const char *s)
{
	int v;

	return typed_sid(s, &v);
}

/* node or node:priority */
static int
hnode_ok(const char *s)
{
	char n[80];
	const char *colon = strchr(s, ':');

	if (colon == NULL)
		return pve_valid_node(s);
	if ((size_t)(colon - s) >= sizeof(n) || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 6)
		return 0;
	snprintf(n, sizeof(n), "%.*s", (int)(colon - s), s);
	return pve_valid_node(n);
}

int
ha_opt(struct objcli *oc, struct ha_args *a, int ch, const char *arg)
{
	static const char *const states[] = { "started", "stopped",
		"disabled", "ignored", "enabled", NULL };
	static const char *const types[] = { "node-affinity",
		"resource-affinity", NULL };
	static const char *const affinities[] = { "positive", "negative",
		NULL };
	static const char *const bools[] = { "0", "1", NULL };

	switch (ch) {
	case HA_O_NODE:
		if (!pve_valid_node(arg))
			px_errx(PX_EXIT_USAGE, "--node: '%s' is not a valid "
			    "node name", arg);
		a->node = arg;
		return 1;
	case HA_O_STATE:
		if (!one_of(arg, states))
			px_errx(PX_EXIT_USAGE, "--state: '%s' is not started, "
			    "stopped, disabled or ignored", arg);
		a->state = arg;
		objcli_param(oc, "state", arg);
		return 1;
	case HA_O_TYPE:
		if (!one_of(arg, types))
			px_errx(PX_EXIT_USAGE, "--type: '%s' is not "
			    "node-affinity or resource-affinity", arg);
		a->type = arg;
		return 1;
	case HA_O_AFFINITY:
		if (!one_of(arg, affinities))
			px_errx(PX_EXIT_USAGE, "--affinity: '%s' is not "
			    "positive or negative", arg);
		objcli_param(oc, "affinity", arg);
		return 1;
	case HA_O_FAILBACK:
		if (!one_of(arg, bools))
			px_errx(PX_EXIT_USAGE, "--failback: '%s' is not 0 or 1",
			    arg);
		objcli_param(oc, "failback", arg);
		return 1;
	case HA_O_GROUP:
		check_id(arg, "HA group");
		objcli_param(oc, "group", arg);
		return 1;
	case HA_O_MAX_RELOCATE:
	case HA_O_MAX_RESTART: {
		const char *k = ch == HA_O_MAX_RELOCATE ? "max_relocate" :
		    "max_restart";

		if (arg[0] == '\0' || strlen(arg) > 4 ||
		    strspn(arg, "0123456789") != strlen(arg))
			px_errx(PX_EXIT_USAGE, "--%s: '%s' is not a count "
			    "(0 to 9999)", k, arg);
		objcli_param(oc, k, arg);
		return 1;
	}
	case HA_O_NODES:
		if (!list_ok(arg, hnode_ok))
			px_errx(PX_EXIT_USAGE, "--nodes: '%s' is not a list of "
			    "node or node:priority, comma-separated", arg);
		objcli_param(oc, "nodes", arg);
		return 1;
	case HA_O_RESOURCES:
		if (!list_ok(arg, sid_ok))
			px_errx(PX_EXIT_USAGE, "--resources: '%s' is not a list "
			    "of vm:VMID and ct:VMID, comma-separated", arg);
		objcli_param(oc, "resources", arg);
		return 1;
	}
	return 0;
}

/* Every parameter given is one that what takes. */
static void
check_keys(const struct objcli *oc, const char *const *allowed,
    const char *what)
{
	static const char *const all[] = { "affinity", "comment", "disable",
		"failback", "group", "max_relocate", "max_restart", "nodes",
		"nofailback", "resources", "restricted", "state", "strict",
		NULL };

	for (int i = 0; all[i]; i++)
		if (!in(allowed, all[i]) && objcli_has(oc, all[i]))
			px_errx(PX_EXIT_USAGE, "%s takes no --%s", what,
			    all[i]);
}

/* The server's PVE release ("9.1") and its major number. */
static int
server_major(struct objcli *oc, const char **release)
{
	static struct pve_version v;
	static int major = -1;
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (major < 0) {
		if (pve_version_get(oc->m.x.client, &v, &e) != 0)
			px_die(&e);
		if (sscanf(v.release, "%d", &major) != 1)
			major = 0;
	}
	if (release)
		*release = v.release;
	return major;
}

/* PVE 8 has no rules. */
static void
require_rules(struct objcli *oc, const char *what)
{
	const char *rel;

	if (server_major(oc, &rel) < 9)
		px_errx(PX_EXIT_USAGE, "%s: HA rules came with PVE 9; this "
		    "server runs PVE %s: use px ha group and --group", what,
		    rel);
}

/* PVE 9 refuses the groups once they are migrated to rules. */
static void
require_groups(struct objcli *oc, const char *what)
{
	struct px_reply r;
	struct px_err e = { 0 };
	const char *rel;

	if (server_major(oc, &rel) < 9)
		return;
	if (pve_get(oc->m.x.client, &r, &e, "/cluster/ha/groups") == 0) {
		px_reply_free(&r);	/* not migrated yet */
		return;
	}
	if (ha_no_groups_err(&e))
		px_errx(PX_EXIT_USAGE, "%s: this server (PVE %s) has migrated "
		    "the HA groups to rules: use px ha rule create RULE --type "
		    "node-affinity --resources SID --nodes NODE[:PRIO],...",
		    what, rel);
	px_die(&e);
}

/* What the server's version does not take among a resource's
 * parameters. */
static void
check_resource_version(struct objcli *oc)
{
	const char *rel;

	if (objcli_has(oc, "failback") && server_major(oc, &rel) < 9)
		px_errx(PX_EXIT_USAGE, "--failback came with PVE 9; this "
		    "server runs PVE %s (use a group's nofailback)", rel);
	if (objcli_has(oc, "group"))
		require_groups(oc, "--group");
}

/* GET path in r (to be freed); an object PVE does not have exits 5. */
static void
get_obj(struct objcli *oc, struct px_reply *r, const char *path,
    const char *what)
{
	struct px_err e = { 0 };

	objcli_connect(oc);
	if (pve_get(oc->m.x.client, r, &e, "%s", path) == 0)
		return;
	if (e.id == PXE_NOT_FOUND || (e.http == 500 &&
	    (strstr(e.msg, "no such") || strstr(e.msg, "does not exist"))))
		px_errx(PX_EXIT_NOTFOUND, "no %s", what);
	px_die(&e);
}

/*
 * The SID of arg (vm:N, ct:N or N) in out.  A bare VMID takes its
 * guest's type; with need_guest the guest must exist and be of the
 * type given (adding a resource).
 */
static void
resolve_sid(struct objcli *oc, const char *arg, char *out, size_t n,
    int need_guest)
{
	struct pve_guest *v = NULL;
	struct px_reply r;
	struct px_err e = { 0 };
	const char *gtype = NULL, *type = NULL;
	int vmid, nv = 0;

	if (typed_sid(arg, &vmid))
		type = arg[0] == 'v' ? "vm" : "ct";
	else if ((vmid = pve_parse_vmid(arg)) <= 0 ||
	    strspn(arg, "0123456789") != strlen(arg))
		px_errx(PX_EXIT_USAGE, "'%s' is not an HA resource (vm:VMID, "
		    "ct:VMID or a VMID)", arg);
	if (type && !need_guest) {
		snprintf(out, n, "%s:%d", type, vmid);
		return;
	}
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "/cluster/resources?type=vm") != 0 ||
	    pve_guests_parse(&r.j, r.data, NULL, NULL, &v, &nv, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	for (int i = 0; i < nv; i++)
		if (v[i].vmid == vmid)
			gtype = strcmp(v[i].type, "lxc") == 0 ? "ct" : "vm";
	free(v);
	if (gtype == NULL)
		px_errx(PX_EXIT_NOTFOUND, "no guest %d%s", vmid, type ? "" :
		    ": name its HA resource as vm:VMID or ct:VMID");
	if (type && strcmp(type, gtype) != 0)
		px_errx(PX_EXIT_USAGE, "guest %d is a %s: its HA resource is "
		    "%s:%d", vmid, gtype[0] == 'c' ? "container" : "VM", gtype,
		    vmid);
	snprintf(out, n, "%s:%d", gtype, vmid);
}

/* The path of an object: base/ID (ID encoded). */
static void
obj_path(struct buf *p, const char *base, const char *id)
{
	buf_reset(p);
	buf_adds(p, base);
	buf_addc(p, '/');
	url_seg(p, id);
}

static int
show(struct objcli *oc, const struct ha_args *a, const char *path,
    const char *what, const char *verb)
{
	objcli_no_params(oc, verb);
	if (a->type)
		px_errx(PX_EXIT_USAGE, "%s takes no --type", verb);
	return objcli_show(oc, path, what);
}

static int
resource_verb(struct objcli *oc, const struct ha_args *a, const char *verb,
    const char *arg)
{
	struct objcli_change c = { .kind = "ha-resource" };
	struct objrisk_ha risk = { NULL, a->state };
	struct buf path = { 0 }, extra = { 0 };
	struct px_reply r;
	char sid[32], summary[160], what[64];
	int rc;

	check_keys(oc, res_keys, "ha resource");
	if (a->type)
		px_errx(PX_EXIT_USAGE, "--type is for HA rules");
	resolve_sid(oc, arg, sid, sizeof(sid), strcmp(verb, "add") == 0);
	snprintf(what, sizeof(what), "HA resource %s", sid);
	obj_path(&path, "/cluster/ha/resources", sid);
	risk.sid = sid;
	c.id = sid;
	c.action = verb;
	c.summary = summary;
	c.assess_arg = &risk;
	if (strcmp(verb, "show") == 0) {
		rc = show(oc, a, path.p, what, "resource show");
		buf_free(&path);
		return rc;
	} else if (strcmp(verb, "add") == 0) {
		check_resource_version(oc);
		buf_reset(&path);
		buf_adds(&path, "/cluster/ha/resources");
		form_add(&extra, "sid", sid);
		c.method = "POST";
		c.action = "create";
		c.assess = objrisk_ha_state;
		snprintf(summary, sizeof(summary), "add %s to HA%s%s", sid,
		    a->state ? " as " : "", a->state ? a->state : "");
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "resource set: nothing to change "
			    "(give --state, --comment, --max_restart ... or "
			    "--raw)");
		check_resource_version(oc);
		get_obj(oc, &r, path.p, what);
		px_reply_free(&r);
		c.method = "PUT";
		c.digest_of = path.p;
		c.assess = objrisk_ha_state;
		snprintf(summary, sizeof(summary), "set HA resource %s", sid);
	} else if (strcmp(verb, "remove") == 0) {
		objcli_no_params(oc, "resource remove");
		get_obj(oc, &r, path.p, what);
		px_reply_free(&r);
		c.method = "DELETE";
		c.action = "delete";
		c.destructive = 1;
		c.assess = objrisk_ha_remove;
		risk.state = NULL;
		snprintf(summary, sizeof(summary), "remove %s from HA", sid);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown verb 'resource %s' (list, show, "
		    "add, set, remove)", verb);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

/* The options a rule of type takes beyond the common ones. */
static void
check_rule_type(const struct objcli *oc, const char *type)
{
	if (strcmp(type, "node-affinity") == 0) {
		if (objcli_has(oc, "affinity"))
			px_errx(PX_EXIT_USAGE, "a node-affinity rule takes no "
			    "--affinity (that is resource-affinity's)");
	} else if (objcli_has(oc, "nodes") || objcli_has(oc, "strict")) {
		px_errx(PX_EXIT_USAGE, "a resource-affinity rule takes no "
		    "--%s (that is node-affinity's)", objcli_has(oc, "nodes") ?
		    "nodes" : "strict");
	}
}

static int
rule_verb(struct objcli *oc, const struct ha_args *a, const char *verb,
    const char *id)
{
	struct objcli_change c = { .kind = "ha-rule", .id = id };
	struct buf path = { 0 }, extra = { 0 };
	struct px_reply r;
	char summary[160], what[96], type[32] = "";
	int rc;

	check_id(id, "HA rule");
	check_keys(oc, rule_keys, "ha rule");
	snprintf(what, sizeof(what), "HA rule '%s'", id);
	require_rules(oc, "ha rule");
	obj_path(&path, "/cluster/ha/rules", id);
	c.action = verb;
	c.summary = summary;
	if (strcmp(verb, "show") == 0) {
		rc = show(oc, a, path.p, what, "rule show");
		buf_free(&path);
		return rc;
	} else if (strcmp(verb, "create") == 0) {
		if (a->type == NULL)
			px_errx(PX_EXIT_USAGE, "rule create needs --type "
			    "node-affinity or resource-affinity");
		if (!objcli_has(oc, "resources"))
			px_errx(PX_EXIT_USAGE, "rule create needs --resources "
			    "SID,...");
		check_rule_type(oc, a->type);
		if (strcmp(a->type, "node-affinity") == 0 &&
		    !objcli_has(oc, "nodes"))
			px_errx(PX_EXIT_USAGE, "a node-affinity rule needs "
			    "--nodes NODE[:PRIO],...");
		if (strcmp(a->type, "resource-affinity") == 0 &&
		    !objcli_has(oc, "affinity"))
			px_errx(PX_EXIT_USAGE, "a resource-affinity rule needs "
			    "--affinity positive or negative");
		buf_reset(&path);
		buf_adds(&path, "/cluster/ha/rules");
		form_add(&extra, "rule", id);
		form_add(&extra, "type", a->type);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create %s rule %s", a->type,
		    id);
	} else if (strcmp(verb, "set") == 0) {
		struct px_err e = { 0 };

		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "rule set: nothing to change "
			    "(give --resources, --nodes, --comment ... or "
			    "--raw)");
		get_obj(oc, &r, path.p, what);
		if (pve_word_get(&r.j, r.data, "type", type, sizeof(type),
		    &e) != 0) {
			struct px_err why = e;

			px_fail(&e, why.id, "GET %s: %s", path.p, why.msg);
			px_die(&e);
		}
		px_reply_free(&r);
		if (a->type && strcmp(a->type, type) != 0)
			px_errx(PX_EXIT_USAGE, "rule %s is a %s rule: a type "
			    "cannot change (delete the rule and create it anew)",
			    id, type);
		check_rule_type(oc, type);
		/* PVE's PUT names the type */
		form_add(&extra, "type", type);
		c.method = "PUT";
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set HA rule %s", id);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, "rule delete");
		if (a->type)
			px_errx(PX_EXIT_USAGE, "rule delete takes no --type");
		/* PVE deletes a rule that is not there without a word */
		get_obj(oc, &r, path.p, what);
		px_reply_free(&r);
		c.method = "DELETE";
		c.destructive = 1;
		snprintf(summary, sizeof(summary), "delete HA rule %s", id);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown verb 'rule %s' (list, show, "
		    "create, set, delete)", verb);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
group_verb(struct objcli *oc, const struct ha_args *a, const char *verb,
    const char *id)
{
	struct objcli_change c = { .kind = "ha-group", .id = id };
	struct buf path = { 0 }, extra = { 0 };
	struct px_reply r;
	char summary[160], what[96];
	int rc;

	check_id(id, "HA group");
	check_keys(oc, group_keys, "ha group");
	if (a->type)
		px_errx(PX_EXIT_USAGE, "--type is for HA rules");
	snprintf(what, sizeof(what), "HA group '%s'", id);
	require_groups(oc, "ha group");
	obj_path(&path, "/cluster/ha/groups", id);
	c.action = verb;
	c.summary = summary;
	if (strcmp(verb, "show") == 0) {
		rc = show(oc, a, path.p, what, "group show");
		buf_free(&path);
		return rc;
	} else if (strcmp(verb, "create") == 0) {
		if (!objcli_has(oc, "nodes"))
			px_errx(PX_EXIT_USAGE, "group create needs --nodes "
			    "NODE[:PRIO],...");
		buf_reset(&path);
		buf_adds(&path, "/cluster/ha/groups");
		form_add(&extra, "group", id);
		c.method = "POST";
		snprintf(summary, sizeof(summary), "create HA group %s", id);
	} else if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "group set: nothing to change "
			    "(give --nodes, --comment ... or --raw)");
		get_obj(oc, &r, path.p, what);
		px_reply_free(&r);
		c.method = "PUT";
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set HA group %s", id);
	} else if (strcmp(verb, "delete") == 0) {
		objcli_no_params(oc, "group delete");
		get_obj(oc, &r, path.p, what);
		px_reply_free(&r);
		c.method = "DELETE";
		c.destructive = 1;
		snprintf(summary, sizeof(summary), "delete HA group %s", id);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown verb 'group %s' (list, show, "
		    "create, set, delete)", verb);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

/* migrate or relocate sid to node. */
static int
move(struct objcli *oc, const struct ha_args *a, const char *verb,
    const char *arg, const char *node)
{
	struct objcli_change c = { .kind = "ha-resource" };
	struct objrisk_ha_move risk = { NULL, node, verb[0] == 'r' };
	struct gate_target w;
	struct buf path = { 0 };
	struct pve_node *nodes = NULL;
	struct px_reply r;
	struct px_err e = { 0 };
	char sid[32], summary[160], what[64];
	int nn = 0, found = 0, rc;

	objcli_no_params(oc, verb);
	if (a->type)
		px_errx(PX_EXIT_USAGE, "%s takes no --type", verb);
	if (!pve_valid_node(node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name", node);
	resolve_sid(oc, arg, sid, sizeof(sid), 0);
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "/nodes") != 0 ||
	    pve_nodes_parse(&r.j, r.data, &nodes, &nn, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	for (int i = 0; i < nn; i++)
		found |= strcmp(nodes[i].name, node) == 0;
	free(nodes);
	if (!found)
		px_errx(PX_EXIT_NOTFOUND, "no node '%s' in this cluster", node);
	snprintf(what, sizeof(what), "HA resource %s", sid);
	obj_path(&path, "/cluster/ha/resources", sid);
	get_obj(oc, &r, path.p, what);
	px_reply_free(&r);
	/* the request as pxtop's HA console sends it (lib/pve_objw.h) */
	memset(&w, 0, sizeof(w));
	objw_ha_move(&w, sid, node, risk.relocate);
	risk.sid = sid;
	c.id = sid;
	c.action = verb;
	c.method = w.call.method;
	c.path = w.call.path.p;
	c.extra = w.call.form.p;
	c.summary = summary;
	c.assess = objrisk_ha_move;
	c.assess_arg = &risk;
	/* a relocate stops a running guest */
	c.destructive = risk.relocate;
	snprintf(summary, sizeof(summary), "%s %s to %s", verb, sid, node);
	rc = objcli_change(oc, &c);
	buf_free(&path);
	buf_free(&w.call.path);
	buf_free(&w.call.form);
	return rc;
}

int
ha_write(struct objcli *oc, const struct ha_args *a, int argc, char **argv)
{
	static const char *const res_verbs[] = { "list", "show", "add", "set",
		"remove", NULL };
	static const char *const obj_verbs[] = { "list", "show", "create",
		"set", "delete", NULL };
	const char *what = argv[0];

	if (strcmp(what, "migrate") == 0 || strcmp(what, "relocate") == 0) {
		if (argc != 3)
			px_errx(PX_EXIT_USAGE, "usage: px ha %s sid node", what);
		return move(oc, a, what, argv[1], argv[2]);
	}
	if (argc < 2 || !(strcmp(what, "resource") == 0 ?
	    one_of(argv[1], res_verbs) : one_of(argv[1], obj_verbs)))
		px_errx(PX_EXIT_USAGE, "ha %s: give a verb: list, show, %s",
		    what, strcmp(what, "resource") == 0 ? "add, set, remove" :
		    "create, set, delete");
	if (strcmp(argv[1], "list") == 0)
		px_errx(PX_EXIT_USAGE, "ha %s list takes no operand", what);
	if (argc != 3)
		px_errx(PX_EXIT_USAGE, "usage: px ha %s list | px ha %s "
		    "%s %s", what, what, argv[1], what[1] == 'e' ? "sid" :
		    what);
	if (strcmp(what, "resource") == 0)
		return resource_verb(oc, a, argv[1], argv[2]);
	if (strcmp(what, "rule") == 0)
		return rule_verb(oc, a, argv[1], argv[2]);
	return group_verb(oc, a, argv[1], argv[2]);
}
