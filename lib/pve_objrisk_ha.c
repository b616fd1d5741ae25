/*
 * pve_objrisk_ha.c -- pre-flight checks of HA resources and resource
 * mappings (pve_objrisk_ha.h), read live from PVE.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "json.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_objrisk_ha.h"

/* The guest of sid ("vm:100") from /cluster/resources, in g; 0 if found,
 * 1 if not, -1 on failure. */
static int
guest_of_sid(struct px_client *c, const char *sid, struct pve_guest *g,
    struct px_err *e)
{
	struct pve_guest *v = NULL;
	struct px_reply rp;
	const char *colon = strchr(sid, ':');
	int vmid = atoi(colon ? colon + 1 : sid), n = 0, rc = 1;

	if (pve_get(c, &rp, e, "/cluster/resources?type=vm") != 0)
		return -1;
	if (pve_guests_parse(&rp.j, rp.data, NULL, NULL, &v, &n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n; i++)
		if (v[i].vmid == vmid) {
			*g = v[i];
			rc = 0;
		}
	free(v);
	return rc;
}

/* The HA rules (PVE 9), in *v; 0 (none on PVE 8, which has no rules
 * API), or -1 on another failure. */
static int
ha_rules(struct px_client *c, struct pve_ha_rule **v, int *n,
    struct px_err *e)
{
	struct px_reply rp;
	struct px_err ge = { 0 };

	*v = NULL;
	*n = 0;
	if (pve_get(c, &rp, &ge, "/cluster/ha/rules") != 0) {
		if (ge.http == 501)
			return 0;
		*e = ge;
		return -1;
	}
	if (pve_ha_rules_parse(&rp.j, rp.data, v, n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	return 0;
}

int
objrisk_ha_remove(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_ha *a = arg;
	struct pve_ha_rule *u = NULL;
	struct px_reply rp;
	struct buf id = { 0 }, kept = { 0 }, gone = { 0 };
	char *state = NULL;
	const char *st;
	int n = 0;

	(void)r;
	url_seg(&id, a->sid);
	if (pve_get(c, &rp, e, "/cluster/ha/resources/%s", id.p) != 0) {
		buf_free(&id);
		return -1;
	}
	buf_free(&id);
	state = json_get_str(&rp.j, rp.data, "state");
	st = state && state[0] ? state : "started";
	risk_add(rep, "HaResourceRemoved", RISK_WARNING, "%s (HA state %s) "
	    "is no longer restarted or moved by the HA manager", a->sid, st);
	free(state);
	px_reply_free(&rp);
	if (ha_rules(c, &u, &n, e) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct buf *b;

		if (!pve_list_has(u[i].resources, a->sid))
			continue;
		b = strchr(u[i].resources, ',') ? &kept : &gone;
		if (b->len < 120)
			buf_printf(b, "%s%s", b->len ? ", " : "", u[i].rule);
	}
	if (kept.len || gone.len)
		risk_add(rep, "HaRulesPurged", RISK_WARNING, "PVE also %s%s%s%s%s"
		    "%s%s", kept.len ? "takes it out of rule(s) " : "",
		    kept.len ? kept.p : "", kept.len && gone.len ? "; and " :
		    "", gone.len ? "deletes rule(s) " : "", gone.len ? gone.p :
		    "", gone.len ? ", which name only " : "", gone.len ?
		    a->sid : "");
	buf_free(&kept);
	buf_free(&gone);
	free(u);
	return 0;
}

int
objrisk_ha_state(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_ha *a = arg;
	struct pve_guest g;
	int rc;

	(void)r;
	if (a->state == NULL || (strcmp(a->state, "stopped") != 0 &&
	    strcmp(a->state, "disabled") != 0))
		return 0;
	if ((rc = guest_of_sid(c, a->sid, &g, e)) < 0)
		return -1;
	/* the HA manager's own way to stop a guest: a Warning, where
	 * px stop of an HA guest (HaManaged) is Severe */
	if (rc == 0 && strcmp(g.status, "running") == 0)
		risk_add(rep, "HaStateStopsGuest", RISK_WARNING, "%s%s%s%s "
		    "runs on %s: HA state %s stops it", a->sid,
		    g.name[0] ? " (" : "", g.name, g.name[0] ? ")" : "",
		    g.node, a->state);
	return 0;
}

/* Why node is no place for sid: a strict node-affinity rule or a
 * restricted group that leaves it out; "" when none. */
static int
ha_forbidden(struct px_client *c, const struct objrisk_ha_move *a,
    char *why, size_t wn, struct px_err *e)
{
	struct pve_ha_rule *u = NULL;
	struct px_reply rp;
	struct px_err ge = { 0 };
	struct buf id = { 0 };
	char *group = NULL;
	int n = 0;

	why[0] = '\0';
	if (ha_rules(c, &u, &n, e) != 0)
		return -1;
	for (int i = 0; i < n && !why[0]; i++)
		if (!u[i].disable && u[i].strict &&
		    strcmp(u[i].type, "node-affinity") == 0 &&
		    pve_list_has(u[i].resources, a->sid) &&
		    pve_ha_node_prio(u[i].nodes, a->node) < 0)
			snprintf(why, wn, "strict node-affinity rule %s allows "
			    "only %s", u[i].rule, u[i].nodes);
	free(u);
	if (why[0])
		return 0;
	url_seg(&id, a->sid);
	if (pve_get(c, &rp, e, "/cluster/ha/resources/%s", id.p) != 0) {
		buf_free(&id);
		return -1;
	}
	buf_free(&id);
	group = json_get_str(&rp.j, rp.data, "group");
	px_reply_free(&rp);
	if (group && group[0]) {
		struct buf gp = { 0 };

		url_seg(&gp, group);
		/* PVE 9 answers no group: nothing restricts then */
		if (pve_get(c, &rp, &ge, "/cluster/ha/groups/%s", gp.p) == 0) {
			int restricted = 0;
			char *nodes = json_get_str(&rp.j, rp.data, "nodes");
			int k = json_get(&rp.j, rp.data, "restricted");

			if (k >= 0)
				json_bool(&rp.j, k, &restricted);
			if (restricted && nodes &&
			    pve_ha_node_prio(nodes, a->node) < 0)
				snprintf(why, wn, "restricted group %s allows "
				    "only %s", group, nodes);
			free(nodes);
			px_reply_free(&rp);
		}
		buf_free(&gp);
	}
	free(group);
	return 0;
}

int
objrisk_ha_move(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_ha_move *a = arg;
	struct pve_guest g;
	char why[1200];
	int rc;

	(void)r;
	if (ha_forbidden(c, a, why, sizeof(why), e) != 0)
		return -1;
	if (why[0])
		risk_add(rep, "HaTargetForbidden", RISK_SEVERE, "%s cannot run "
		    "on %s: %s (the HA manager would move it back)", a->sid,
		    a->node, why);
	if ((rc = guest_of_sid(c, a->sid, &g, e)) < 0)
		return -1;
	if (rc != 0)
		return 0;
	if (strcmp(g.node, a->node) == 0)
		risk_add(rep, "HaAlreadyThere", RISK_NOTICE, "%s already runs "
		    "on %s", a->sid, a->node);
	else if (a->relocate && strcmp(g.status, "running") == 0)
		risk_add(rep, "HaRelocateStops", RISK_WARNING, "relocate stops "
		    "%s%s%s%s on %s and starts it on %s (a migrate keeps it "
		    "running)", a->sid, g.name[0] ? " (" : "", g.name,
		    g.name[0] ? ")" : "", g.node, a->node);
	return 0;
}

/* Whether config value v names mapping id: "mapping=ID" as an option. */
static int
uses_mapping(const char *v, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = v; (p = strstr(p, "mapping=")) != NULL; p++)
		if ((p == v || p[-1] == ',') && strncmp(p + 8, id, n) == 0 &&
		    (p[8 + n] == '\0' || p[8 + n] == ','))
			return 1;
	return 0;
}

/* Whether key is one that takes a mapping of type. */
static int
mapping_key(const char *key, const char *type)
{
	const char *pfx = strcmp(type, "pci") == 0 ? "hostpci" :
	    strcmp(type, "usb") == 0 ? "usb" : "virtiofs";
	size_t n = strlen(pfx);

	if (strncmp(key, pfx, n) != 0 || key[n] == '\0')
		return 0;
	return strspn(key + n, "0123456789") == strlen(key + n);
}

int
objrisk_mapping_delete(struct px_client *c, const struct gate_req *r,
    void *arg, struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_map *a = arg;
	struct pve_guest *v = NULL;
	struct px_reply rp;
	struct buf list = { 0 };
	int n = 0, users = 0;

	(void)r;
	if (pve_get(c, &rp, e, "/cluster/resources?type=vm") != 0)
		return -1;
	if (pve_guests_parse(&rp.j, rp.data, NULL, NULL, &v, &n, e) != 0) {
		px_reply_free(&rp);
		return -1;
	}
	px_reply_free(&rp);
	for (int i = 0; i < n; i++) {
		struct px_reply cf;
		struct px_err ce = { 0 };
		int k, q, hit = 0;

		/* only qemu guests take hostpci, usb and virtiofs */
		if (strcmp(v[i].type, "qemu") != 0)
			continue;
		if (pve_get(c, &cf, &ce, "/nodes/%s/qemu/%d/config",
		    v[i].node, v[i].vmid) != 0)
			continue;
		JSON_FOREACH_KV(&cf.j, cf.data, k, q) {
			char *key = json_strdup(&cf.j, k);
			char *val = json_strdup(&cf.j, k + 1);

			if (key && val && mapping_key(key, a->type) &&
			    uses_mapping(val, a->id))
				hit = 1;
			free(key);
			free(val);
		}
		px_reply_free(&cf);
		if (!hit)
			continue;
		if (users++ && list.len < 160)
			buf_adds(&list, ", ");
		if (list.len < 160)
			buf_printf(&list, "VM %d%s%s%s on %s", v[i].vmid,
			    v[i].name[0] ? " (" : "", v[i].name,
			    v[i].name[0] ? ")" : "", v[i].node);
	}
	if (users > 0)
		risk_add(rep, "MappingInUse", RISK_SEVERE, "%s mapping %s is "
		    "used by %d guest%s: %s%s", a->type, a->id, users,
		    users == 1 ? "" : "s", list.p, list.len >= 160 ? ", ..." :
		    "");
	buf_free(&list);
	free(v);
	return 0;
}
