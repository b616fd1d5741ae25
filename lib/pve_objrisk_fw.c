/* pve_objrisk_fw.c -- pre-flight checks of firewall changes
 * (pve_objrisk_fw.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enc.h"
#include "pve_fanout.h"
#include "pve_objrisk_fw.h"

/* The value of key in a form-encoded body, decoded into out; 1 when it
 * is there. */
static int
form_get(const char *form, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);

	for (const char *p = form; p && *p;) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			struct buf b = { 0 };

			if (url_decode(&b, p + kl + 1, len - kl - 1, 1) == 0) {
				snprintf(out, n, "%s", buf_str(&b));
				buf_free(&b);
				return 1;
			}
			buf_free(&b);
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* Whether the port list ("22", "80,443", "8000:8010", a service name)
 * holds port. */
static int
ports_hold(const char *list, int port)
{
	char copy[128], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		char *colon = strchr(tok, ':');
		long lo = strtol(tok, NULL, 10), hi = colon ?
		    strtol(colon + 1, NULL, 10) : lo;

		if ((port == 22 && strcasecmp(tok, "ssh") == 0) ||
		    (lo > 0 && lo <= port && port <= hi))
			return 1;
	}
	return 0;
}

int
objrisk_fw_admits(const struct pve_fw_rule *r, int port)
{
	if (!r->enable || strcmp(r->type, "in") != 0 ||
	    strcmp(r->action, "ACCEPT") != 0)
		return 0;
	if (r->macro[0])
		return port == 22 && strcasecmp(r->macro, "SSH") == 0;
	if (r->proto[0] && strcmp(r->proto, "tcp") != 0 &&
	    strcmp(r->proto, "6") != 0)
		return 0;
	return r->dport[0] == '\0' || ports_hold(r->dport, port);
}

/* A rule's fields from a form (add, set). */
static void
rule_from_form(struct pve_fw_rule *r, const char *form)
{
	char v[256];

	if (form_get(form, "type", v, sizeof(v)))
		snprintf(r->type, sizeof(r->type), "%.*s", (int)sizeof(r->type) - 1, v);
	if (form_get(form, "action", v, sizeof(v)))
		snprintf(r->action, sizeof(r->action), "%.*s", (int)sizeof(r->action) - 1, v);
	if (form_get(form, "macro", v, sizeof(v)))
		snprintf(r->macro, sizeof(r->macro), "%.*s", (int)sizeof(r->macro) - 1, v);
	if (form_get(form, "proto", v, sizeof(v)))
		snprintf(r->proto, sizeof(r->proto), "%.*s", (int)sizeof(r->proto) - 1, v);
	if (form_get(form, "dport", v, sizeof(v)))
		snprintf(r->dport, sizeof(r->dport), "%.*s", (int)sizeof(r->dport) - 1, v);
	if (form_get(form, "enable", v, sizeof(v)))
		r->enable = atoi(v) != 0;
	if (form_get(form, "delete", v, sizeof(v))) {
		char *tok, *save = NULL;

		for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL,
		    ",", &save)) {
			if (strcmp(tok, "macro") == 0)
				r->macro[0] = '\0';
			else if (strcmp(tok, "proto") == 0)
				r->proto[0] = '\0';
			else if (strcmp(tok, "dport") == 0)
				r->dport[0] = '\0';
		}
	}
}

/* The rules at path, or -1. */
static int
rules_get(struct px_client *c, const char *path, struct pve_fw_rule **v,
    int *n, struct px_err *e)
{
	struct px_reply r;
	int rc;

	if (pve_get(c, &r, e, "%s", path) != 0)
		return -1;
	rc = pve_fw_rules_parse(&r.j, r.data, v, n, e);
	px_reply_free(&r);
	return rc;
}

/* Which of 8006 and 22 the rules admit (bit 1: 8006, bit 2: 22),
 * looking into the security groups that enabled group rules name. */
static int
admitted(struct px_client *c, const struct pve_fw_rule *v, int n,
    const char *changed_group, const struct pve_fw_rule *gv, int gn,
    struct px_err *e)
{
	int got = 0;

	for (int i = 0; i < n && got != 3; i++) {
		if (v[i].enable && strcmp(v[i].type, "group") == 0) {
			struct pve_fw_rule *g = NULL;
			struct buf p = { 0 };
			int ng = 0;

			/* the group being changed: its rules after the
			 * change */
			if (changed_group && strcmp(v[i].action,
			    changed_group) == 0) {
				for (int q = 0; q < gn; q++)
					got |= objrisk_fw_admits(&gv[q], 8006) |
					    objrisk_fw_admits(&gv[q], 22) << 1;
				continue;
			}
			buf_adds(&p, "/cluster/firewall/groups/");
			url_seg(&p, v[i].action);
			if (rules_get(c, p.p, &g, &ng, e) != 0) {
				buf_free(&p);
				return -1;
			}
			buf_free(&p);
			for (int q = 0; q < ng; q++)
				got |= objrisk_fw_admits(&g[q], 8006) |
				    objrisk_fw_admits(&g[q], 22) << 1;
			free(g);
			continue;
		}
		got |= objrisk_fw_admits(&v[i], 8006) |
		    objrisk_fw_admits(&v[i], 22) << 1;
	}
	return got;
}

/* Apply the rule change of a to the ruleset v (n, room for one more). */
static void
simulate(const struct objrisk_fw *a, struct pve_fw_rule *v, int *n)
{
	struct pve_fw_rule t;
	int pos = a->pos;

	switch (a->op) {
	case OBJRISK_FW_RULE_ADD:
		memset(&t, 0, sizeof(t));
		t.enable = 1;	/* px firewall rule add enables by default */
		rule_from_form(&t, a->form);
		{
			char pv[16];

			pos = form_get(a->form, "pos", pv, sizeof(pv)) ?
			    atoi(pv) : 0;
		}
		if (pos < 0 || pos > *n)
			pos = 0;
		memmove(&v[pos + 1], &v[pos], (size_t)(*n - pos) * sizeof(*v));
		v[pos] = t;
		(*n)++;
		break;
	case OBJRISK_FW_RULE_SET:
		if (pos >= 0 && pos < *n)
			rule_from_form(&v[pos], a->form);
		break;
	case OBJRISK_FW_RULE_MOVE:
		if (pos >= 0 && pos < *n) {
			/* PVE's moveto: before the rule at to (the end
			 * when to is past it) */
			int to = a->to < 0 ? 0 : a->to;

			if (to > pos)
				to--;
			if (to > *n - 1)
				to = *n - 1;

			t = v[pos];
			memmove(&v[pos], &v[pos + 1], (size_t)(*n - pos - 1) *
			    sizeof(*v));
			memmove(&v[to + 1], &v[to], (size_t)(*n - 1 - to) *
			    sizeof(*v));
			v[to] = t;
		}
		break;
	case OBJRISK_FW_RULE_DELETE:
		if (pos >= 0 && pos < *n) {
			memmove(&v[pos], &v[pos + 1], (size_t)(*n - pos - 1) *
			    sizeof(*v));
			(*n)--;
		}
		break;
	default:
		break;
	}
}

/* The firewall's options at base: enable and policy_in. */
static int
options_get(struct px_client *c, const char *base, int *enable,
    char *policy, size_t pn, struct px_err *e)
{
	struct px_reply r;
	int t;

	if (pve_get(c, &r, e, "%s/options", base) != 0)
		return -1;
	*enable = json_get_bool(&r.j, r.data, "enable", 0);
	snprintf(policy, pn, "DROP");
	if ((t = json_get(&r.j, r.data, "policy_in")) >= 0)
		json_strcpy(&r.j, t, policy, pn);
	px_reply_free(&r);
	return 0;
}

static void
lockout(struct risk_report *rep, int got, const char *where)
{
	risk_add(rep, "FirewallLockout", RISK_SEVERE, "the %s firewall would "
	    "drop incoming traffic with no rule that admits %s%s%s: it locks "
	    "the operator out", where, got & 1 ? "" : "the GUI and API (tcp "
	    "8006)", (got & 3) == 0 ? " or " : "", got & 2 ? "" :
	    "SSH (tcp 22)");
}

/* A security group's use: the rules of the cluster, every node and
 * every guest that name it. */
static int
group_in_use(struct px_client *c, const char *group, struct risk_report *rep,
    struct px_err *e)
{
	struct px_reply r;
	struct buf paths = { 0 }, users = { 0 };
	struct px_call *k;
	int row, i, n = 0, found = 0;
	size_t off = 0;

	buf_adds(&paths, "/cluster/firewall/rules");
	buf_addc(&paths, '\n');
	n++;
	if (pve_get(c, &r, e, "/cluster/resources") != 0)
		return -1;
	JSON_FOREACH(&r.j, r.data, row, i) {
		char node[64] = "", type[16] = "";
		int vmid = json_get_int(&r.j, row, "vmid", 0);

		json_strcpy(&r.j, json_get(&r.j, row, "node"), node,
		    sizeof(node));
		json_strcpy(&r.j, json_get(&r.j, row, "type"), type,
		    sizeof(type));
		if (!pve_valid_node(node))
			continue;
		if (strcmp(type, "node") == 0) {
			buf_printf(&paths, "/nodes/%s/firewall/rules\n", node);
			n++;
		} else if ((strcmp(type, "qemu") == 0 ||
		    strcmp(type, "lxc") == 0) && vmid > 0) {
			buf_printf(&paths, "/nodes/%s/%s/%d/firewall/rules\n",
			    node, type, vmid);
			n++;
		}
	}
	px_reply_free(&r);
	k = px_xcalloc((size_t)n + 1, sizeof(*k));
	for (int q = 0; q < n; q++) {
		const char *nl = strchr(paths.p + off, '\n');

		px_call_init(&k[q], c, "GET", NULL, "%.*s", (int)(nl - paths.p -
		    off), paths.p + off);
		off = (size_t)(nl - paths.p) + 1;
	}
	pve_calls_run(k, n);
	off = 0;
	for (int q = 0; q < n; q++) {
		const char *nl = strchr(paths.p + off, '\n');
		struct pve_fw_rule *v = NULL;
		struct px_err pe = { 0 };
		int nv = 0;

		if (pve_call_reply(&k[q], &r, &pe) == 0) {
			if (pve_fw_rules_parse(&r.j, r.data, &v, &nv, &pe) == 0)
				for (int x = 0; x < nv; x++)
					if (strcmp(v[x].type, "group") == 0 &&
					    strcmp(v[x].action, group) == 0) {
						found++;
						if (users.len < 300)
							buf_printf(&users, "%s"
							    "%.*s rule %d",
							    users.len ? ", " :
							    "", (int)(nl -
							    paths.p - off - 6),
							    paths.p + off,
							    v[x].pos);
					}
			free(v);
			px_reply_free(&r);
		}
		px_call_free(&k[q]);
		off = (size_t)(nl - paths.p) + 1;
	}
	free(k);
	if (found)
		risk_add(rep, "GroupInUse", RISK_SEVERE, "security group %s is "
		    "used by %d rule%s: %s", group, found, found == 1 ? "" :
		    "s", buf_str(&users));
	buf_free(&paths);
	buf_free(&users);
	return 0;
}

int
objrisk_fw(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct objrisk_fw *a = arg;
	char policy[32], v[64], where[96];
	struct pve_fw_rule *rules = NULL, *gv = NULL, *cv = NULL;
	struct buf p = { 0 };
	int enable, nr = 0, gn = 0, cn = 0, before, after, rc = -1;

	(void)r;
	if (a->op == OBJRISK_FW_GROUP_DELETE)
		return group_in_use(c, a->group, rep, e);
	if (a->op == OBJRISK_FW_OPTIONS) {
		const char *f = a->form ? a->form : "";

		if (form_get(f, "enable", v, sizeof(v)) && atoi(v) == 0)
			risk_add(rep, "FirewallDisabled", RISK_WARNING, "the "
			    "firewall of the %s is disabled: its rules stop "
			    "protecting it", a->what ? a->what : a->base);
		if (form_get(f, "policy_in", v, sizeof(v)) &&
		    strcmp(v, "ACCEPT") == 0)
			risk_add(rep, "PolicyLoosened", RISK_WARNING, "policy_in "
			    "ACCEPT on the %s: what no rule drops comes in",
			    a->what ? a->what : a->base);
		if (form_get(f, "policy_out", v, sizeof(v)) &&
		    strcmp(v, "ACCEPT") == 0)
			risk_add(rep, "PolicyLoosened", RISK_WARNING,
			    "policy_out ACCEPT on the %s: what no rule drops "
			    "goes out", a->what ? a->what : a->base);
	}
	/* a guest's firewall guards the guest, not the way to the host */
	if (a->guest)
		return 0;
	/* the host's firewall: enabled at the cluster (and the node) with
	 * the cluster's policy_in; rules of the cluster and the node */
	if (options_get(c, "/cluster/firewall", &enable, policy,
	    sizeof(policy), e) != 0)
		return -1;
	if (a->op == OBJRISK_FW_OPTIONS && a->node == NULL) {
		const char *f = a->form ? a->form : "";

		if (form_get(f, "enable", v, sizeof(v)))
			enable = atoi(v) != 0;
		if (form_get(f, "policy_in", v, sizeof(v)))
			snprintf(policy, sizeof(policy), "%.31s", v);
		if (form_get(f, "delete", v, sizeof(v)) && strstr(v,
		    "policy_in"))
			snprintf(policy, sizeof(policy), "DROP");
	}
	if (a->node) {
		int nen;
		char np[32];

		if (options_get(c, a->base, &nen, np, sizeof(np), e) != 0)
			return -1;
		/* a node's firewall is on unless it says enable 0 */
		if (a->op == OBJRISK_FW_OPTIONS && form_get(a->form ?
		    a->form : "", "enable", v, sizeof(v)))
			nen = atoi(v) != 0;
		if (!nen)
			enable = 0;
	}
	if (!enable || strcmp(policy, "ACCEPT") == 0)
		return 0;
	/* the rules before and after */
	if (rules_get(c, "/cluster/firewall/rules", &cv, &cn, e) != 0)
		goto out;
	if (a->node) {
		buf_printf(&p, "%s/rules", a->base);
		if (rules_get(c, p.p, &rules, &nr, e) != 0)
			goto out;
	}
	if (a->group) {
		buf_reset(&p);
		buf_adds(&p, "/cluster/firewall/groups/");
		url_seg(&p, a->group);
		if (rules_get(c, p.p, &gv, &gn, e) != 0)
			goto out;
	}
	{
		int b1 = admitted(c, cv, cn, NULL, NULL, 0, e);
		int b2 = a->node ? admitted(c, rules, nr, NULL, NULL, 0, e) : 0;

		if (b1 < 0 || b2 < 0)
			goto out;
		before = b1 | b2;
	}
	if (a->op == OBJRISK_FW_OPTIONS) {
		/* enabling, or a stricter policy: the rules as they are;
		 * a change of neither is no lockout of its own */
		const char *f = a->form ? a->form : "";

		if (!form_get(f, "enable", v, sizeof(v)) && !form_get(f,
		    "policy_in", v, sizeof(v)))
			before = 3;
		after = before == 3 ? 3 : before;
		if (before != 3) {
			snprintf(where, sizeof(where), "%s", a->node ? "node's" :
			    "cluster's");
			lockout(rep, before, where);
		}
		rc = 0;
		goto out;
	}
	/* a rule change: the ruleset it changes, simulated */
	{
		struct pve_fw_rule **set = a->group ? &gv : a->node ? &rules :
		    &cv;
		int *sn = a->group ? &gn : a->node ? &nr : &cn;

		*set = px_xrealloc(*set, (size_t)(*sn + 2) * sizeof(**set));
		simulate(a, *set, sn);
		after = admitted(c, cv, cn, a->group, gv, gn, e);
		if (after >= 0 && a->node) {
			int n2 = admitted(c, rules, nr, a->group, gv, gn, e);

			after = n2 < 0 ? -1 : after | n2;
		}
		if (after < 0)
			goto out;
	}
	if ((before & ~after) != 0) {
		snprintf(where, sizeof(where), "%s", a->node ? "node's" :
		    "cluster's");
		lockout(rep, after, where);
	}
	rc = 0;
out:
	free(rules);
	free(gv);
	free(cv);
	buf_free(&p);
	return rc;
}
