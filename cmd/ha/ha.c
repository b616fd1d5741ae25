/*
 * ha -- the HA manager's view: resources, rules, groups, status, and a
 * preview of what would move where if a node failed; and its changes
 * (write.c): resources added, set and removed, rules (PVE 9) and groups
 * (PVE 8) created, set and deleted, resources migrated and relocated.
 *
 * The preview is a model, not the CRS itself: for every guest on the
 * failed node it takes the online nodes left, drops those a strict
 * node-affinity rule, a restricted group or a negative resource-affinity
 * rule forbids, keeps the node a positive resource-affinity rule ties
 * it to, and picks the highest priority, then the most free memory, then
 * the least loaded CPU.  Guests are placed largest first and each
 * placement uses up the target's free memory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha.h"
#include "pve_cluster.h"
#include "pve_fanout.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ HA_O_AFFINITY, "affinity", "positive|negative", "rule "
	    "(resource-affinity): keep the resources together or apart" },
	PX_PARAM("comment", "text", "resource, rule, group: its comment"),
	PX_FLAG("disable", "rule: disabled (--raw disable=0 enables it)"),
	{ HA_O_FAILBACK, "failback", "0|1", "resource (PVE 9): move back to "
	    "the node of highest priority when it returns" },
	{ HA_O_GROUP, "group", "group", "resource (PVE 8): its HA group" },
	{ HA_O_MAX_RELOCATE, "max_relocate", "n", "resource: relocations "
	    "tried when a start fails" },
	{ HA_O_MAX_RESTART, "max_restart", "n", "resource: restarts tried on "
	    "the node when a start fails" },
	{ HA_O_NODE, "node", "node", "with preview: the node that fails" },
	{ HA_O_NODES, "nodes", "node[:prio],...", "rule (node-affinity), "
	    "group: the nodes, with priorities" },
	PX_FLAG("nofailback", "group: do not move back to a node of higher "
	    "priority"),
	{ HA_O_RESOURCES, "resources", "sid,...", "rule: the HA resources "
	    "(vm:100,ct:101)" },
	PX_FLAG("restricted", "group: its resources run only on its nodes"),
	{ HA_O_STATE, "state", "state", "resource: started, stopped, disabled "
	    "or ignored" },
	PX_FLAG("strict", "rule (node-affinity): only on these nodes"),
	{ HA_O_TYPE, "type", "type",
	    "rule create: its type" },
	PX_OPT_END
};

PX_COMMAND(ha, "HA resources, rules, groups, status; preview a node "
    "failure; add, change and remove them", opts, NULL,
    "resources | rules | groups | status | preview | resource list | "
    "resource show|add|set|remove sid | rule list | "
    "rule show|create|set|delete rule | group list | "
    "group show|create|set|delete group | migrate|relocate sid node");

static const struct out_col res_cols[] = {
	{ "sid", OT_STR, 0 }, { "vmid", OT_INT, 0 }, { "type", OT_STR, 0 },
	{ "name", OT_STR, 0 }, { "node", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "group", OT_STR, 0 }, { "max_restart", OT_INT, 0 },
	{ "max_relocate", OT_INT, 0 }, { "failback", OT_BOOL, OC_EXTRA },
	{ "comment", OT_STR, OC_EXTRA },
};
static const struct out_col rule_cols[] = {
	{ "rule", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "resources", OT_STR, 0 }, { "nodes", OT_STR, 0 },
	{ "affinity", OT_STR, 0 }, { "strict", OT_BOOL, 0 },
	{ "disable", OT_BOOL, 0 }, { "comment", OT_STR, OC_EXTRA },
};
static const struct out_col group_cols[] = {
	{ "group", OT_STR, 0 }, { "nodes", OT_STR, 0 },
	{ "restricted", OT_BOOL, 0 }, { "nofailback", OT_BOOL, 0 },
	{ "comment", OT_STR, OC_EXTRA },
};
static const struct out_col status_cols[] = {
	{ "id", OT_STR, 0 }, { "type", OT_STR, 0 }, { "node", OT_STR, 0 },
	{ "sid", OT_STR, 0 }, { "state", OT_STR, 0 }, { "status", OT_STR, 0 },
	{ "quorate", OT_BOOL, OC_EXTRA }, { "crm_state", OT_STR, OC_EXTRA },
	{ "request_state", OT_STR, OC_EXTRA },
	{ "timestamp", OT_TIME, OC_EXTRA },
};
static const struct out_col preview_cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "sid", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "maxmem", OT_BYTES, 0 }, { "target", OT_STR, 0 },
	{ "reason", OT_STR, 0 },
};

#define NCOLS(a)	((int)(sizeof(a) / sizeof((a)[0])))
#define S(s)		((s)[0] ? (s) : NULL)

/* Everything the HA views read, fetched in one parallel round. */
enum { F_RES, F_RULES, F_GROUPS, F_STATUS, F_GUESTS, F_NODES, F_N };
static const char *const paths[F_N] = {
	"/cluster/ha/resources", "/cluster/ha/rules", "/cluster/ha/groups",
	"/cluster/ha/status/current", "/cluster/resources?type=vm", "/nodes",
};

struct ha {
	struct pve_ha_resource *res;
	struct pve_ha_rule *rules;
	struct pve_ha_group *groups;
	struct pve_ha_status *status;
	struct pve_guest *guests;
	struct pve_node *nodes;
	int nres, nrules, ngroups, nstatus, nguests, nnodes;
	int no_rules;		/* PVE 8: no rules API */
	int no_groups;		/* PVE 9: the groups were migrated to rules */
};

/*
 * Fetch the parts in want (bit mask of F_*) and parse them.  Rules and
 * groups may be missing (rules came with PVE 9, groups left with it):
 * their absence leaves an empty list (and no_rules or no_groups set);
 * any failure of an optional part does too.
 */
static void
fetch(struct px_client *c, struct ha *h, unsigned want, unsigned optional)
{
	struct px_call k[F_N] = { 0 };
	struct px_err e;

	for (int i = 0; i < F_N; i++)
		if (want & (1u << i))
			px_call_init(&k[i], c, "GET", NULL, "%s", paths[i]);
	pve_calls_run(k, F_N);
	for (int i = 0; i < F_N; i++) {
		struct px_reply r;
		int rc = 0;

		if (!(want & (1u << i)))
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0) {
			if (i == F_RULES && ha_no_rules_err(&e))
				h->no_rules = 1;
			else if (i == F_GROUPS && ha_no_groups_err(&e))
				h->no_groups = 1;
			else if (!(optional & (1u << i)))
				px_die(&e);
			px_call_free(&k[i]);
			continue;
		}
		switch (i) {
		case F_RES:
			rc = pve_ha_resources_parse(&r.j, r.data, &h->res,
			    &h->nres, &e);
			break;
		case F_RULES:
			rc = pve_ha_rules_parse(&r.j, r.data, &h->rules,
			    &h->nrules, &e);
			break;
		case F_GROUPS:
			rc = pve_ha_groups_parse(&r.j, r.data, &h->groups,
			    &h->ngroups, &e);
			break;
		case F_STATUS:
			rc = pve_ha_status_parse(&r.j, r.data, &h->status,
			    &h->nstatus, &e);
			break;
		case F_GUESTS:
			rc = pve_guests_parse(&r.j, r.data, NULL, NULL,
			    &h->guests, &h->nguests, &e);
			break;
		case F_NODES:
			rc = pve_nodes_parse(&r.j, r.data, &h->nodes,
			    &h->nnodes, &e);
			break;
		}
		if (rc != 0)
			px_die(&e);
		px_reply_free(&r);
		px_call_free(&k[i]);
	}
}

static const struct pve_guest *
guest_of(const struct ha *h, int vmid)
{
	for (int i = 0; i < h->nguests; i++)
		if (h->guests[i].vmid == vmid)
			return &h->guests[i];
	return NULL;
}

static void
list_resources(struct ha *h, struct out *o)
{
	for (int i = 0; i < h->nres; i++) {
		const struct pve_ha_resource *r = &h->res[i];
		const struct pve_guest *g = guest_of(h, r->vmid);

		out_row(o);
		out_str(o, 0, r->sid);
		out_int(o, 1, r->vmid);
		out_str(o, 2, r->type);
		out_str(o, 3, g ? g->name : NULL);
		out_str(o, 4, g ? g->node : NULL);
		out_str(o, 5, r->state);
		out_str(o, 6, S(r->group));
		out_int(o, 7, r->max_restart);
		out_int(o, 8, r->max_relocate);
		out_bool(o, 9, r->failback);
		out_str(o, 10, S(r->comment));
	}
}

static void
list_rules(struct ha *h, struct out *o)
{
	for (int i = 0; i < h->nrules; i++) {
		const struct pve_ha_rule *r = &h->rules[i];

		out_row(o);
		out_str(o, 0, r->rule);
		out_str(o, 1, S(r->type));
		out_str(o, 2, S(r->resources));
		out_str(o, 3, S(r->nodes));
		out_str(o, 4, S(r->affinity));
		out_bool(o, 5, r->strict);
		out_bool(o, 6, r->disable);
		out_str(o, 7, S(r->comment));
	}
}

static void
list_groups(struct ha *h, struct out *o)
{
	for (int i = 0; i < h->ngroups; i++) {
		const struct pve_ha_group *g = &h->groups[i];

		out_row(o);
		out_str(o, 0, g->group);
		out_str(o, 1, S(g->nodes));
		out_bool(o, 2, g->restricted);
		out_bool(o, 3, g->nofailback);
		out_str(o, 4, S(g->comment));
	}
}

static void
list_status(struct ha *h, struct out *o)
{
	for (int i = 0; i < h->nstatus; i++) {
		const struct pve_ha_status *s = &h->status[i];

		out_row(o);
		out_str(o, 0, s->id);
		out_str(o, 1, S(s->type));
		out_str(o, 2, S(s->node));
		out_str(o, 3, S(s->sid));
		out_str(o, 4, S(s->state));
		out_str(o, 5, S(s->status));
		if (s->quorate >= 0)
			out_bool(o, 6, s->quorate);
		out_str(o, 7, S(s->crm_state));
		out_str(o, 8, S(s->request_state));
		if (s->timestamp)
			out_int(o, 9, s->timestamp);
	}
}

/* ---- preview ---- */

struct cand {
	const struct pve_node *n;
	double freemem;		/* bytes, used up by placements */
	double freecpu;		/* cores */
	int allowed, prio;
};

/* Where a resource is (or will be) after the planned moves. */
static const char *
placed_at(const struct ha *h, const char **target, const char *sid,
    const char *failed)
{
	for (int i = 0; i < h->nres; i++) {
		const struct pve_guest *g;

		if (strcmp(h->res[i].sid, sid) != 0)
			continue;
		if (target[i])
			return target[i];
		g = guest_of(h, h->res[i].vmid);
		return g && strcmp(g->node, failed) != 0 ? g->node : NULL;
	}
	return NULL;
}

/* Decide the target of resource r; NULL with why set when none. */
static const char *
plan_one(const struct ha *h, const struct pve_ha_resource *r,
    const struct pve_guest *g, struct cand *c, int nc, const char **target,
    const char *failed, char *why, size_t wn)
{
	struct cand *best = NULL;
	double need = g ? (double)g->maxmem : 0, most = -1;
	int started = strcmp(r->state, "stopped") != 0;
	const char *mostn = NULL;

	for (int i = 0; i < nc; i++) {
		c[i].allowed = 1;
		c[i].prio = 0;
	}
	if (nc == 0)
		return snprintf(why, wn, "no other online node"), NULL;
	for (int q = 0; q < h->ngroups && r->group[0]; q++) {
		const struct pve_ha_group *gr = &h->groups[q];

		if (strcmp(gr->group, r->group) != 0)
			continue;
		for (int i = 0; i < nc; i++) {
			c[i].prio = pve_ha_node_prio(gr->nodes, c[i].n->name);
			if (c[i].prio < 0 && gr->restricted)
				c[i].allowed = 0;
		}
		snprintf(why, wn, "restricted group %s allows no other online "
		    "node", gr->group);
	}
	for (int q = 0; q < h->nrules; q++) {
		const struct pve_ha_rule *u = &h->rules[q];

		if (u->disable || !pve_list_has(u->resources, r->sid))
			continue;
		if (strcmp(u->type, "node-affinity") == 0) {
			for (int i = 0; i < nc; i++) {
				c[i].prio = pve_ha_node_prio(u->nodes,
				    c[i].n->name);
				if (c[i].prio < 0 && u->strict)
					c[i].allowed = 0;
			}
			snprintf(why, wn, "strict node-affinity rule %s allows "
			    "no other online node", u->rule);
			continue;
		}
		/* resource-affinity: the other members' places */
		for (const char *p = u->resources; *p; ) {
			size_t len = strcspn(p, ",");
			char sid[64];
			const char *at;

			snprintf(sid, sizeof(sid), "%.*s", (int)len, p);
			p += len;
			p += *p == ',';
			if (strcmp(sid, r->sid) == 0 ||
			    (at = placed_at(h, target, sid, failed)) == NULL)
				continue;
			for (int i = 0; i < nc; i++) {
				int same = strcmp(c[i].n->name, at) == 0;

				if (strcmp(u->affinity, "negative") == 0 ?
				    same : !same)
					c[i].allowed = 0;
			}
			snprintf(why, wn, "%s resource-affinity rule %s "
			    "(with %s) allows no other online node",
			    u->affinity, u->rule, sid);
		}
	}
	for (int i = 0; i < nc; i++) {
		if (!c[i].allowed)
			continue;
		if (c[i].freemem > most) {
			most = c[i].freemem;
			mostn = c[i].n->name;
		}
		if (started && c[i].freemem < need)
			continue;
		if (best == NULL || c[i].prio > best->prio ||
		    (c[i].prio == best->prio && (c[i].freemem > best->freemem ||
		    (c[i].freemem == best->freemem &&
		    c[i].freecpu > best->freecpu))))
			best = &c[i];
	}
	if (best == NULL) {
		if (mostn) {
			char a[32], b[32];

			out_fmt_bytes(a, sizeof(a), (uint64_t)need);
			out_fmt_bytes(b, sizeof(b), (uint64_t)most);
			snprintf(why, wn, "not enough memory: needs %s, most "
			    "free is %s on %s", a, b, mostn);
		}
		return NULL;
	}
	if (started) {
		char a[32];

		best->freemem -= need;
		best->freecpu -= g ? g->maxcpu * g->cpu : 0;
		out_fmt_bytes(a, sizeof(a), (uint64_t)fmax(best->freemem, 0));
		snprintf(why, wn, "priority %d, %s free after the move",
		    best->prio, a);
	} else {
		snprintf(why, wn, "priority %d; stopped: relocated, not "
		    "started", best->prio);
	}
	return best->n->name;
}

static int
by_maxmem(const void *a, const void *b, void *arg)
{
	const struct ha *h = arg;
	const struct pve_guest *x = guest_of(h, h->res[*(const int *)a].vmid);
	const struct pve_guest *y = guest_of(h, h->res[*(const int *)b].vmid);
	uint64_t mx = x ? x->maxmem : 0, my = y ? y->maxmem : 0;

	return mx < my ? 1 : mx > my ? -1 : 0;
}

static int
preview(struct ha *h, struct out *o, const char *failed)
{
	struct cand *c = px_xcalloc((size_t)h->nnodes + 1, sizeof(*c));
	const char **target = px_xcalloc((size_t)h->nres + 1, sizeof(*target));
	char (*why)[256] = px_xcalloc((size_t)h->nres + 1, sizeof(*why));
	int *order = px_xcalloc((size_t)h->nres + 1, sizeof(*order));
	int nc = 0, found = 0;

	for (int i = 0; i < h->nnodes; i++) {
		const struct pve_node *n = &h->nodes[i];

		found |= strcmp(n->name, failed) == 0;
		if (!n->online || strcmp(n->name, failed) == 0)
			continue;
		c[nc].n = n;
		c[nc].freemem = n->maxmem > n->mem ?
		    (double)(n->maxmem - n->mem) : 0;
		c[nc].freecpu = n->maxcpu * (1 - n->cpu);
		nc++;
	}
	if (!found)
		px_errx(PX_EXIT_NOTFOUND, "no node '%s' in this cluster",
		    failed);
	/* place the largest guests first */
	for (int i = 0; i < h->nres; i++)
		order[i] = i;
	qsort_r(order, (size_t)h->nres, sizeof(*order), by_maxmem, h);
	for (int q = 0; q < h->nres; q++) {
		int i = order[q];
		const struct pve_ha_resource *r = &h->res[i];
		const struct pve_guest *g = guest_of(h, r->vmid);

		if (g == NULL || strcmp(g->node, failed) != 0)
			continue;
		if (strcmp(r->state, "ignored") == 0 ||
		    strcmp(r->state, "disabled") == 0) {
			snprintf(why[i], sizeof(why[i]), "HA state %s: the HA "
			    "manager does not move it", r->state);
			continue;
		}
		why[i][0] = '\0';
		target[i] = plan_one(h, r, g, c, nc, target, failed, why[i],
		    sizeof(why[i]));
	}
	for (int i = 0; i < h->nguests; i++) {
		const struct pve_guest *g = &h->guests[i];
		int ri = -1;

		if (strcmp(g->node, failed) != 0)
			continue;
		for (int q = 0; q < h->nres; q++)
			if (h->res[q].vmid == g->vmid)
				ri = q;
		out_row(o);
		out_int(o, 0, g->vmid);
		out_str(o, 1, S(g->name));
		out_str(o, 2, g->type);
		out_str(o, 3, g->status);
		out_str(o, 4, ri >= 0 ? h->res[ri].sid : NULL);
		out_str(o, 5, ri >= 0 ? h->res[ri].state : NULL);
		out_uint(o, 6, g->maxmem);
		out_str(o, 7, ri >= 0 && target[ri] ? target[ri] :
		    "no target");
		out_str(o, 8, ri < 0 ? "not HA-managed: stays down with the "
		    "node" : why[ri][0] ? why[ri] : "no allowed node");
	}
	free(c);
	free(target);
	free(why);
	free(order);
	return 0;
}

int
ha_main(int argc, char **argv)
{
	struct objcli oc;
	struct ha_args a = { 0 };
	struct ha h = { 0 };
	struct px_err e = { 0 };
	struct px_cli *x;
	struct out *o;
	const char *what;
	int ch, rc = 0;
	struct px_getopt g;

	objcli_init(&oc, &px_cmd_ha);
	x = &oc.m.x;
	px_getopt_init(&g, &px_cmd_ha, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g) || ha_opt(&oc, &a, ch, g.arg))
			continue;
		px_usage(&px_cmd_ha);
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_ha);
	what = argv[0];
	if (strcmp(what, "resource") == 0 || strcmp(what, "rule") == 0 ||
	    strcmp(what, "group") == 0 || strcmp(what, "migrate") == 0 ||
	    strcmp(what, "relocate") == 0) {
		if (a.node)
			px_errx(PX_EXIT_USAGE, "--node goes with ha preview");
		if (argc == 2 && strcmp(argv[1], "list") == 0 &&
		    strcmp(what, "migrate") && strcmp(what, "relocate")) {
			/* resource list, rule list, group list: the views */
			what = what[1] == 'e' ? "resources" : what[1] == 'u' ?
			    "rules" : "groups";
		} else {
			rc = ha_write(&oc, &a, argc, argv);
			objcli_free(&oc);
			return rc;
		}
	} else if (argc != 1) {
		px_usage(&px_cmd_ha);
	}
	objcli_no_params(&oc, what);
	if (strcmp(what, "preview") == 0 && a.node == NULL)
		px_errx(PX_EXIT_USAGE, "ha preview needs --node NODE");
	if (strcmp(what, "preview") != 0 && a.node != NULL)
		px_errx(PX_EXIT_USAGE, "--node goes with ha preview");
	if (strcmp(what, "resources") && strcmp(what, "rules") &&
	    strcmp(what, "groups") && strcmp(what, "status") &&
	    strcmp(what, "preview"))
		px_errx(PX_EXIT_USAGE, "unknown view '%s' (resources, rules, "
		    "groups, status, preview; resource, rule, group, migrate, "
		    "relocate)", what);
	objcli_connect(&oc);

	if (strcmp(what, "resources") == 0) {
		fetch(x->client, &h, 1u << F_RES | 1u << F_GUESTS, 0);
		o = out_new(&x->out, res_cols, NCOLS(res_cols));
		list_resources(&h, o);
	} else if (strcmp(what, "rules") == 0) {
		fetch(x->client, &h, 1u << F_RULES, 0);
		o = out_new(&x->out, rule_cols, NCOLS(rule_cols));
		list_rules(&h, o);
	} else if (strcmp(what, "groups") == 0) {
		fetch(x->client, &h, 1u << F_GROUPS, 0);
		o = out_new(&x->out, group_cols, NCOLS(group_cols));
		list_groups(&h, o);
	} else if (strcmp(what, "status") == 0) {
		fetch(x->client, &h, 1u << F_STATUS, 0);
		o = out_new(&x->out, status_cols, NCOLS(status_cols));
		list_status(&h, o);
	} else {
		fetch(x->client, &h, 1u << F_RES | 1u << F_RULES |
		    1u << F_GROUPS | 1u << F_GUESTS | 1u << F_NODES,
		    1u << F_RULES | 1u << F_GROUPS);
		o = out_new(&x->out, preview_cols, NCOLS(preview_cols));
		preview(&h, o, a.node);
	}
	if (strcmp(what, "rules") == 0 && h.no_rules)
		px_warn("this server has no HA rules (they came with PVE 9): "
		    "see px ha groups");
	if (strcmp(what, "groups") == 0 && h.no_groups)
		px_warn("this server has no HA groups (PVE 9 migrated them to "
		    "rules): see px ha rules");
	if (cli_print(x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(h.res);
	free(h.rules);
	free(h.groups);
	free(h.status);
	free(h.guests);
	free(h.nodes);
	objcli_free(&oc);
	return rc;
}
