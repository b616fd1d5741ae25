/*
 * firewall -- the firewall of the cluster, of a node or of a guest: read
 * in one table (options, rules, aliases, IP sets and their members,
 * security groups and their rules, each row tagged with its section),
 * and changed -- rules, aliases, IP sets and their members, security
 * groups, options -- each change through the gate with the firewall's
 * pre-flight check (pve_objrisk_fw.h: FirewallLockout, FirewallDisabled,
 * PolicyLoosened, GroupInUse) and PVE's digest.
 *
 * The lists are read in one parallel round; the members of IP sets and
 * security groups in a second.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_fanout.h"
#include "pve_firewall.h"
#include "pve_guest.h"
#include "pve_objrisk_fw.h"
#include "pve_objw.h"

enum { O_TO = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	PX_PARAM("action", "action", "rule: ACCEPT, DROP, REJECT, or the "
	    "security group of a group rule"),
	PX_PARAM("cidr", "cidr", "alias set: the new address or network"),
	PX_PARAM("comment", "text", "a comment"),
	PX_PARAM("delete", "keys", "set: the keys to reset (comma list)"),
	PX_PARAM("dest", "address", "rule: destination (address, alias, "
	    "+ipset)"),
	PX_PARAM("dhcp", "0|1", "options (guest): allow DHCP"),
	PX_PARAM("dport", "ports", "rule: destination ports (22, 80,443, "
	    "8000:8010)"),
	PX_PARAM("ebtables", "0|1", "options (cluster): ebtables rules"),
	PX_PARAM("enable", "0|1", "rule or options: enabled (a rule added "
	    "is enabled unless --enable 0)"),
	PX_FLAG("force", "ipset delete: with its members"),
	PX_PARAM("icmp-type", "type", "rule: the ICMP type"),
	PX_PARAM("iface", "iface", "rule: the interface (net0)"),
	PX_PARAM("ipfilter", "0|1", "options (guest): IP filter"),
	PX_PARAM("log", "level", "rule: log level (nolog, info, ...)"),
	PX_PARAM("log_level_in", "level", "options: log level of incoming "
	    "traffic"),
	PX_PARAM("log_level_out", "level", "options: log level of outgoing "
	    "traffic"),
	PX_PARAM("macfilter", "0|1", "options (guest): MAC filter"),
	PX_PARAM("macro", "macro", "rule: a macro (SSH, HTTP, ...)"),
	PX_PARAM("ndp", "0|1", "options: NDP"),
	PX_FLAG("nomatch", "ipset add or set: the member does not match"),
	PX_PARAM("policy_in", "policy", "options: ACCEPT, DROP or REJECT of "
	    "what no rule matches (in)"),
	PX_PARAM("policy_out", "policy", "options: the same, out"),
	PX_PARAM("pos", "pos", "rule add: the position (default: first)"),
	PX_PARAM("proto", "proto", "rule: the protocol (tcp, udp, icmp, ...)"),
	PX_PARAM("radv", "0|1", "options (guest): router advertisement"),
	PX_PARAM("source", "address", "rule: source (address, alias, +ipset)"),
	PX_PARAM("sport", "ports", "rule: source ports"),
	{ O_TO, "to", "pos", "rule move: the new position" },
	PX_PARAM("type", "type", "rule: in, out, forward or group; refs: "
	    "alias or ipset"),
	PX_OPT_END
};

PX_COMMAND(firewall, "read and change the firewall of the cluster, a node "
    "or a guest", opts, NULL, "scope | scope rule add | scope rule set pos | "
    "scope rule move pos | scope rule delete pos | scope alias add name "
    "cidr | scope alias set name | scope alias delete name | scope ipset "
    "create name | scope ipset delete name | scope ipset add name cidr | "
    "scope ipset set name cidr | scope ipset remove name cidr | scope "
    "options set | scope refs | cluster group create name | cluster group "
    "delete name | cluster group name rule ...");

enum {
	C_SECTION, C_NAME, C_POS, C_TYPE, C_ACTION, C_MACRO, C_PROTO,
	C_SOURCE, C_DEST, C_DPORT, C_ENABLE, C_VALUE, C_COMMENT, C_SPORT,
	C_IFACE, C_LOG, C_ICMP, C_NOMATCH, C_N
};
static const struct out_col cols[C_N] = {
	{ "section", OT_STR, 0 }, { "name", OT_STR, 0 }, { "pos", OT_INT, 0 },
	{ "type", OT_STR, 0 }, { "action", OT_STR, 0 },
	{ "macro", OT_STR, 0 }, { "proto", OT_STR, 0 },
	{ "source", OT_STR, 0 }, { "dest", OT_STR, 0 },
	{ "dport", OT_STR, 0 }, { "enable", OT_BOOL, 0 },
	{ "value", OT_STR, 0 }, { "comment", OT_STR, 0 },
	{ "sport", OT_STR, OC_EXTRA }, { "iface", OT_STR, OC_EXTRA },
	{ "log", OT_STR, OC_EXTRA }, { "icmp_type", OT_STR, OC_EXTRA },
	{ "nomatch", OT_BOOL, OC_EXTRA },
};
#define S(s)	((s)[0] ? (s) : NULL)

/* The parts of a firewall, in output order. */
enum { P_OPTIONS, P_RULES, P_ALIASES, P_IPSETS, P_GROUPS, P_N };
static const char *const part_path[P_N] = {
	"/options", "/rules", "/aliases", "/ipset", "/groups",
};

static void
rules_rows(struct out *o, const char *section, const char *name,
    const struct pve_fw_rule *v, int n)
{
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, C_SECTION, section);
		out_str(o, C_NAME, name);
		if (v[i].pos >= 0)
			out_int(o, C_POS, v[i].pos);
		out_str(o, C_TYPE, S(v[i].type));
		out_str(o, C_ACTION, S(v[i].action));
		out_str(o, C_MACRO, S(v[i].macro));
		out_str(o, C_PROTO, S(v[i].proto));
		out_str(o, C_SOURCE, S(v[i].source));
		out_str(o, C_DEST, S(v[i].dest));
		out_str(o, C_DPORT, S(v[i].dport));
		out_bool(o, C_ENABLE, v[i].enable);
		out_str(o, C_COMMENT, S(v[i].comment));
		out_str(o, C_SPORT, S(v[i].sport));
		out_str(o, C_IFACE, S(v[i].iface));
		out_str(o, C_LOG, S(v[i].log));
		out_str(o, C_ICMP, S(v[i].icmp_type));
	}
}

static void
addr_row(struct out *o, const char *section, const char *name,
    const struct pve_fw_addr *a)
{
	out_row(o);
	out_str(o, C_SECTION, section);
	out_str(o, C_NAME, name);
	out_str(o, C_VALUE, S(a->cidr));
	out_str(o, C_COMMENT, S(a->comment));
	out_bool(o, C_NOMATCH, a->nomatch);
}

/*
 * Read and print the firewall under base ("/cluster/firewall", ...),
 * the parts in mask.  Sets and groups have their members read in a
 * second round.
 */
static void
show(struct px_client *c, struct out *o, const char *base, unsigned mask)
{
	struct px_call k[P_N] = { 0 };
	struct pve_fw_addr *sets = NULL;
	struct pve_fw_addr *groups = NULL;
	struct px_call *m;
	struct px_reply r;
	struct px_err e;
	int nsets = 0, ngroups = 0;

	for (int i = 0; i < P_N; i++)
		if (mask & (1u << i))
			px_call_init(&k[i], c, "GET", NULL, "%s%s", base,
			    part_path[i]);
	pve_calls_run(k, P_N);
	for (int i = 0; i < P_N; i++) {
		struct pve_opt *kv;
		struct pve_fw_rule *fr;
		struct pve_fw_addr *a;
		int n;

		if (!(mask & (1u << i)))
			continue;
		if (pve_call_reply(&k[i], &r, &e) != 0)
			px_die(&e);
		if (i == P_OPTIONS) {
			if (pve_opts_parse(&r.j, r.data, &kv, &n, &e) != 0)
				px_die(&e);
			for (int q = 0; q < n; q++) {
				if (strcmp(kv[q].key, "digest") == 0)
					continue;
				out_row(o);
				out_str(o, C_SECTION, "option");
				out_str(o, C_NAME, kv[q].key);
				out_str(o, C_VALUE, kv[q].value);
			}
			free(kv);
		} else if (i == P_RULES) {
			if (pve_fw_rules_parse(&r.j, r.data, &fr, &n, &e) != 0)
				px_die(&e);
			rules_rows(o, "rule", NULL, fr, n);
			free(fr);
		} else {
			if ((i == P_GROUPS ? pve_fw_groups_parse(&r.j, r.data,
			    &a, &n, &e) : pve_fw_addrs_parse(&r.j, r.data, &a,
			    &n, &e)) != 0)
				px_die(&e);
			if (i == P_ALIASES) {
				for (int q = 0; q < n; q++)
					addr_row(o, "alias", a[q].name, &a[q]);
				free(a);
			} else if (i == P_IPSETS) {
				sets = a;
				nsets = n;
			} else {
				groups = a;
				ngroups = n;
			}
		}
		px_reply_free(&r);
		px_call_free(&k[i]);
	}

	/* second round: members of each set and rules of each group */
	m = px_xcalloc((size_t)(nsets + ngroups) + 1, sizeof(*m));
	for (int i = 0; i < nsets + ngroups; i++) {
		struct buf p = { 0 };

		buf_adds(&p, base);
		buf_adds(&p, i < nsets ? "/ipset/" : "/groups/");
		url_seg(&p, i < nsets ? sets[i].name : groups[i - nsets].name);
		px_call_init(&m[i], c, "GET", NULL, "%s", buf_str(&p));
		buf_free(&p);
	}
	pve_calls_run(m, nsets + ngroups);
	for (int i = 0; i < nsets + ngroups; i++) {
		const char *name = i < nsets ? sets[i].name :
		    groups[i - nsets].name;
		struct pve_fw_addr *a;
		struct pve_fw_rule *fr;
		int n;

		if (pve_call_reply(&m[i], &r, &e) != 0)
			px_die(&e);
		if (i < nsets) {
			if (pve_fw_addrs_parse(&r.j, r.data, &a, &n, &e) != 0)
				px_die(&e);
			if (n == 0)	/* an empty set still shows */
				addr_row(o, "ipset", name, &sets[i]);
			for (int q = 0; q < n; q++)
				addr_row(o, "ipset", name, &a[q]);
			free(a);
		} else {
			if (pve_fw_rules_parse(&r.j, r.data, &fr, &n, &e) != 0)
				px_die(&e);
			addr_row(o, "group", name, &groups[i - nsets]);
			rules_rows(o, "group-rule", name, fr, n);
			free(fr);
		}
		px_reply_free(&r);
		px_call_free(&m[i]);
	}
	free(m);
	free(sets);
	free(groups);
}

/* A name of an alias, IP set or security group as PVE takes it. */
static void
check_name(const char *what, const char *name, size_t max)
{
	size_t n = strlen(name);

	if (n < 2 || n > max || !((name[0] >= 'a' && name[0] <= 'z') ||
	    (name[0] >= 'A' && name[0] <= 'Z')) || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
	    != n)
		px_errx(PX_EXIT_USAGE, "'%s' is not %s name (a letter, then "
		    "letters, digits, - and _; %zu characters at most)", name,
		    what, max);
}

/* An address or network as a member or alias holds it. */
static void
check_cidr(const char *cidr)
{
	if (!pve_fw_cidr_ok(cidr))
		px_errx(PX_EXIT_USAGE, "'%s' is not an IP address or network",
		    cidr);
}

static int
check_pos(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 9999)
		px_errx(PX_EXIT_USAGE, "'%s' is not a rule position (0, 1, "
		    "...)", s);
	return (int)v;
}

/* Where the change happens: the firewall's base path, and what it is. */
struct scope {
	struct buf base;	/* /cluster/firewall, /nodes/N/firewall ... */
	char what[96];		/* "cluster", "node pve1", "guest 100" */
	const char *node;	/* a node's firewall */
	int guest;
};

/* One change of the firewall through the gate. */
static int
change(struct objcli *oc, struct scope *sc, const char *verb,
    const char *kind, const char *id, const char *method, const char *path,
    const char *extra, const char *digest_of, struct objrisk_fw *risk,
    int destructive, const char *fmt, ...)
    __attribute__((format(printf, 12, 13)));
static int
change(struct objcli *oc, struct scope *sc, const char *verb,
    const char *kind, const char *id, const char *method, const char *path,
    const char *extra, const char *digest_of, struct objrisk_fw *risk,
    int destructive, const char *fmt, ...)
{
	struct objcli_change c = { 0 };
	char summary[512], ident[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	snprintf(ident, sizeof(ident), "%s%s%s", sc->what, id ? " " : "",
	    id ? id : "");
	for (char *p = ident; *p; p++)
		if (*p == ' ')
			*p = '/';
	c.action = verb;
	c.kind = kind;
	c.id = ident;
	c.method = method;
	c.path = path;
	c.summary = summary;
	c.extra = extra;
	c.digest_of = digest_of;
	c.destructive = destructive;
	if (risk) {
		/* the pre-flight check sees the whole form */
		struct buf f = { 0 };

		buf_adds(&f, buf_str(&oc->form));
		if (extra && *extra) {
			if (f.len)
				buf_addc(&f, '&');
			buf_adds(&f, extra);
		}
		risk->form = px_xstrdup(buf_str(&f));
		buf_free(&f);
		risk->base = sc->base.p;
		risk->what = sc->what;
		risk->node = sc->node;
		risk->guest = sc->guest;
		c.assess = objrisk_fw;
		c.assess_arg = risk;
	}
	{
		int rc = objcli_change(oc, &c);

		if (risk)
			free((char *)risk->form);
		return rc;
	}
}

/* rule add|set|move|delete at rules (base/rules or a group's path). */
static int
rule_verb(struct objcli *oc, struct scope *sc, const char *group,
    const char *rules, int argc, char **argv, const char *to)
{
	struct objrisk_fw risk = { 0 };
	struct buf path = { 0 }, extra = { 0 };
	const char *verb = argc > 0 ? argv[0] : "";
	const char *where = group ? group : sc->what;
	int rc, pos = -1;

	risk.group = group;
	if (strcmp(verb, "add") == 0 && argc == 1) {
		if (!objcli_has(oc, "type") || !objcli_has(oc, "action"))
			px_errx(PX_EXIT_USAGE, "rule add: give --type and "
			    "--action");
		if (to)
			px_errx(PX_EXIT_USAGE, "--to is for rule move");
		if (!objcli_has(oc, "enable"))
			form_add(&extra, "enable", "1");
		risk.op = OBJRISK_FW_RULE_ADD;
		risk.pos = 0;
		rc = change(oc, sc, "add", "firewall", group ? group : "rule",
		    "POST", rules, extra.p, NULL, &risk, 0,
		    "add a firewall rule to %s", where);
		buf_free(&extra);
		return rc;
	}
	if (argc != 2 || (strcmp(verb, "set") && strcmp(verb, "move") &&
	    strcmp(verb, "delete")))
		px_usage(&px_cmd_firewall);
	pos = check_pos(argv[1]);
	buf_printf(&path, "%s/%d", rules, pos);
	risk.pos = pos;
	if (strcmp(verb, "set") == 0) {
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "rule set: nothing to change");
		if (to)
			px_errx(PX_EXIT_USAGE, "--to is for rule move");
		risk.op = OBJRISK_FW_RULE_SET;
		rc = change(oc, sc, "set", "firewall", argv[1], "PUT", path.p,
		    NULL, path.p, &risk, 0, "change rule %d of %s", pos, where);
	} else if (strcmp(verb, "move") == 0) {
		if (to == NULL)
			px_errx(PX_EXIT_USAGE, "rule move: give --to");
		objcli_no_params(oc, "move");
		risk.op = OBJRISK_FW_RULE_MOVE;
		risk.to = check_pos(to);
		form_add(&extra, "moveto", to);
		rc = change(oc, sc, "move", "firewall", argv[1], "PUT", path.p,
		    extra.p, path.p, &risk, 0, "move rule %d of %s to %s", pos,
		    where, to);
	} else {
		objcli_no_params(oc, "delete");
		if (to)
			px_errx(PX_EXIT_USAGE, "--to is for rule move");
		risk.op = OBJRISK_FW_RULE_DELETE;
		rc = change(oc, sc, "delete", "firewall", argv[1], "DELETE",
		    path.p, NULL, path.p, &risk, 1, "delete rule %d of %s", pos,
		    where);
	}
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
alias_verb(struct objcli *oc, struct scope *sc, int argc, char **argv)
{
	struct buf path = { 0 }, extra = { 0 };
	const char *verb = argc > 1 ? argv[1] : "";
	int rc;

	if (argc < 3)
		px_usage(&px_cmd_firewall);
	check_name("an alias", argv[2], 64);
	buf_printf(&path, "%s/aliases", sc->base.p);
	if (strcmp(verb, "add") == 0 && argc == 4) {
		check_cidr(argv[3]);
		form_add(&extra, "name", argv[2]);
		form_add(&extra, "cidr", argv[3]);
		rc = change(oc, sc, "create", "firewall", argv[2], "POST",
		    path.p, extra.p, NULL, NULL, 0, "add alias %s = %s to %s",
		    argv[2], argv[3], sc->what);
	} else if (strcmp(verb, "set") == 0 && argc == 3) {
		struct px_reply r;
		struct px_err e = { 0 };
		char cidr[80] = "";

		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "alias set: nothing to change");
		buf_addc(&path, '/');
		url_seg(&path, argv[2]);
		/* PVE's PUT wants the cidr even when only the comment
		 * changes: the current one */
		if (!objcli_has(oc, "cidr")) {
			objcli_get(oc, &r, "%s", path.p);
			if (pve_fw_alias_cidr(&r.j, r.data, cidr, sizeof(cidr),
			    &e) != 0)
				px_die(&e);
			px_reply_free(&r);
			form_add(&extra, "cidr", cidr);
		}
		rc = change(oc, sc, "set", "firewall", argv[2], "PUT", path.p,
		    extra.p, path.p, NULL, 0, "change alias %s of %s", argv[2],
		    sc->what);
	} else if (strcmp(verb, "delete") == 0 && argc == 3) {
		objcli_no_params(oc, "delete");
		buf_addc(&path, '/');
		url_seg(&path, argv[2]);
		rc = change(oc, sc, "delete", "firewall", argv[2], "DELETE",
		    path.p, NULL, NULL, NULL, 1, "delete alias %s of %s",
		    argv[2], sc->what);
	} else {
		px_usage(&px_cmd_firewall);
	}
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
ipset_verb(struct objcli *oc, struct scope *sc, int argc, char **argv)
{
	struct buf path = { 0 }, extra = { 0 };
	const char *verb = argc > 1 ? argv[1] : "";
	int rc;

	if (argc < 3)
		px_usage(&px_cmd_firewall);
	check_name("an IP set", argv[2], 64);
	buf_printf(&path, "%s/ipset", sc->base.p);
	if (strcmp(verb, "create") == 0 && argc == 3) {
		form_add(&extra, "name", argv[2]);
		rc = change(oc, sc, "create", "firewall", argv[2], "POST",
		    path.p, extra.p, NULL, NULL, 0, "create IP set %s on %s",
		    argv[2], sc->what);
	} else if (strcmp(verb, "delete") == 0 && argc == 3) {
		buf_addc(&path, '/');
		url_seg(&path, argv[2]);
		rc = change(oc, sc, "delete", "firewall", argv[2], "DELETE",
		    path.p, NULL, NULL, NULL, 1, "delete IP set %s of %s%s",
		    argv[2], sc->what, objcli_has(oc, "force") ?
		    " with its members" : "");
	} else if ((strcmp(verb, "add") == 0 || strcmp(verb, "set") == 0 ||
	    strcmp(verb, "remove") == 0) && argc == 4) {
		check_cidr(argv[3]);
		if (verb[0] != 's') {
			/* the one writer of members (pve_objw.h) */
			struct gate_target t = { 0 };

			if (verb[0] == 'r')
				objcli_no_params(oc, "remove");
			objw_ipset_member(&t, sc->base.p, argv[2], argv[3],
			    verb[0] == 'r', NULL);
			buf_reset(&path);
			buf_adds(&path, t.call.path.p);
			buf_adds(&extra, buf_str(&t.call.form));
			rc = change(oc, sc, verb[0] == 'a' ? "add" : "remove",
			    "firewall", argv[2], t.call.method, path.p,
			    extra.p, NULL, NULL, verb[0] == 'r', verb[0] == 'a' ?
			    "add %s to IP set %s of %s" : "remove %s from IP "
			    "set %s of %s", argv[3], argv[2], sc->what);
			buf_free(&t.call.path);
			buf_free(&t.call.form);
		} else {
			buf_addc(&path, '/');
			url_seg(&path, argv[2]);
			buf_addc(&path, '/');
			url_seg(&path, argv[3]);
			if (verb[0] == 's' && oc->nparams == 0)
				px_errx(PX_EXIT_USAGE, "ipset set: nothing to "
				    "change (--comment, --nomatch)");
			if (verb[0] == 'r')
				objcli_no_params(oc, "remove");
			rc = change(oc, sc, verb[0] == 's' ? "set" : "remove",
			    "firewall", argv[2], verb[0] == 's' ? "PUT" :
			    "DELETE", path.p, NULL, NULL, NULL, verb[0] == 'r',
			    "%s %s %s IP set %s of %s", verb[0] == 's' ?
			    "change" : "remove", argv[3], verb[0] == 's' ? "in" :
			    "from", argv[2], sc->what);
		}
	} else {
		px_usage(&px_cmd_firewall);
	}
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static int
group_verb(struct objcli *oc, struct scope *sc, int argc, char **argv,
    const char *to)
{
	struct buf path = { 0 }, extra = { 0 };
	int rc;

	if (argc < 3)
		px_usage(&px_cmd_firewall);
	if (sc->node || sc->guest)
		px_errx(PX_EXIT_USAGE, "security groups are the cluster's: px "
		    "firewall cluster group ...");
	if (strcmp(argv[1], "create") == 0 && argc == 3) {
		check_name("a security group", argv[2], 18);
		form_add(&extra, "group", argv[2]);
		rc = change(oc, sc, "create", "firewall", argv[2], "POST",
		    "/cluster/firewall/groups", extra.p, NULL, NULL, 0,
		    "create security group %s", argv[2]);
	} else if (strcmp(argv[1], "delete") == 0 && argc == 3) {
		struct objrisk_fw risk = { 0 };

		check_name("a security group", argv[2], 18);
		objcli_no_params(oc, "delete");
		risk.op = OBJRISK_FW_GROUP_DELETE;
		risk.group = argv[2];
		buf_adds(&path, "/cluster/firewall/groups/");
		url_seg(&path, argv[2]);
		rc = change(oc, sc, "delete", "firewall", argv[2], "DELETE",
		    path.p, NULL, NULL, &risk, 1, "delete security group %s",
		    argv[2]);
	} else if (argc >= 4 && strcmp(argv[2], "rule") == 0) {
		check_name("a security group", argv[1], 18);
		buf_adds(&path, "/cluster/firewall/groups/");
		url_seg(&path, argv[1]);
		rc = rule_verb(oc, sc, argv[1], path.p, argc - 3, argv + 3, to);
	} else {
		px_usage(&px_cmd_firewall);
	}
	buf_free(&path);
	buf_free(&extra);
	return rc;
}

static const struct out_col ref_cols[] = {
	{ "type", OT_STR, 0 }, { "name", OT_STR, 0 }, { "ref", OT_STR, 0 },
	{ "scope", OT_STR, 0 }, { "comment", OT_STR, 0 },
};

/* refs: GET path, read by pve_fw_refs_parse. */
static int
refs_list(struct objcli *oc, const char *path)
{
	struct pve_fw_ref *v;
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "%s", path);
	if (pve_fw_refs_parse(&r.j, r.data, &v, &n, &e) != 0)
		px_die(&e);
	o = out_new(&oc->m.x.out, ref_cols, 5);
	for (int i = 0; i < n; i++) {
		out_row(o);
		out_str(o, 0, S(v[i].type));
		out_str(o, 1, v[i].name);
		out_str(o, 2, S(v[i].ref));
		out_str(o, 3, S(v[i].scope));
		out_str(o, 4, S(v[i].comment));
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	free(v);
	px_reply_free(&r);
	return rc;
}

int
firewall_main(int argc, char **argv)
{
	struct objcli oc;
	struct scope sc = { 0 };
	struct px_err e = { 0 };
	struct out *o;
	const char *to = NULL;
	unsigned mask;
	int ch, rc = 0, k;
	struct px_getopt g;

	objcli_init(&oc, &px_cmd_firewall);
	px_getopt_init(&g, &px_cmd_firewall, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_TO:
			to = g.arg;
			break;
		default:
			px_usage(&px_cmd_firewall);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_firewall);
	if (strcmp(argv[0], "cluster") == 0) {
		buf_adds(&sc.base, "/cluster/firewall");
		snprintf(sc.what, sizeof(sc.what), "cluster");
		mask = 1u << P_OPTIONS | 1u << P_RULES | 1u << P_ALIASES |
		    1u << P_IPSETS | 1u << P_GROUPS;
		k = 1;
	} else if (strcmp(argv[0], "node") == 0 && argc >= 2) {
		if (!pve_valid_node(argv[1]))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    argv[1]);
		buf_adds(&sc.base, "/nodes/");
		url_seg(&sc.base, argv[1]);
		buf_adds(&sc.base, "/firewall");
		snprintf(sc.what, sizeof(sc.what), "node %s", argv[1]);
		sc.node = argv[1];
		mask = 1u << P_OPTIONS | 1u << P_RULES;
		k = 2;
	} else if (strcmp(argv[0], "guest") == 0 && argc >= 2) {
		struct pve_guest gu;
		char *end;
		long vmid = strtol(argv[1], &end, 10);

		if (*end != '\0' || vmid < 1 || vmid > 999999999)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[1]);
		objcli_connect(&oc);
		if (pve_guest_find(oc.m.x.client, (int)vmid, &gu, &e) != 0)
			px_die(&e);
		buf_adds(&sc.base, "/nodes/");
		url_seg(&sc.base, gu.node);
		buf_printf(&sc.base, "/%s/%d/firewall", gu.type, gu.vmid);
		snprintf(sc.what, sizeof(sc.what), "guest %d", gu.vmid);
		sc.guest = 1;
		mask = 1u << P_OPTIONS | 1u << P_RULES | 1u << P_ALIASES |
		    1u << P_IPSETS;
		k = 2;
	} else {
		px_usage(&px_cmd_firewall);
	}
	argc -= k;
	argv += k;
	if (argc > 0 && to && strcmp(argv[0], "rule") && strcmp(argv[0],
	    "group"))
		px_errx(PX_EXIT_USAGE, "--to is for rule move");
	if (argc == 0) {
		if (oc.nparams > 0 || to || oc.m.g.dry_run || oc.m.g.yes)
			px_errx(PX_EXIT_USAGE, "showing the firewall takes no "
			    "parameters: a change names its object (rule, "
			    "alias, ipset, group, options)");
		objcli_connect(&oc);
		o = out_new(&oc.m.x.out, cols, C_N);
		show(oc.m.x.client, o, buf_str(&sc.base), mask);
		if (cli_print(&oc.m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
	} else if (strcmp(argv[0], "rule") == 0) {
		struct buf rules = { 0 };

		buf_printf(&rules, "%s/rules", sc.base.p);
		rc = rule_verb(&oc, &sc, NULL, rules.p, argc - 1, argv + 1, to);
		buf_free(&rules);
	} else if (strcmp(argv[0], "alias") == 0) {
		if (sc.node)
			px_errx(PX_EXIT_USAGE, "a node's firewall has no aliases "
			    "(the cluster's apply to it)");
		rc = alias_verb(&oc, &sc, argc, argv);
	} else if (strcmp(argv[0], "ipset") == 0) {
		if (sc.node)
			px_errx(PX_EXIT_USAGE, "a node's firewall has no IP sets "
			    "(the cluster's apply to it)");
		rc = ipset_verb(&oc, &sc, argc, argv);
	} else if (strcmp(argv[0], "group") == 0) {
		rc = group_verb(&oc, &sc, argc, argv, to);
	} else if (strcmp(argv[0], "options") == 0 && argc == 2 &&
	    strcmp(argv[1], "set") == 0) {
		struct objrisk_fw risk = { 0 };
		struct buf path = { 0 };

		if (oc.nparams == 0)
			px_errx(PX_EXIT_USAGE, "options set: nothing to change");
		risk.op = OBJRISK_FW_OPTIONS;
		buf_printf(&path, "%s/options", sc.base.p);
		rc = change(&oc, &sc, "set", "firewall", "options", "PUT",
		    path.p, NULL, path.p, &risk, 0, "change the firewall "
		    "options of %s", sc.what);
		buf_free(&path);
	} else if (strcmp(argv[0], "refs") == 0 && argc == 1) {
		struct buf path = { 0 };

		if (sc.node)
			px_errx(PX_EXIT_USAGE, "refs are the cluster's and a "
			    "guest's");
		buf_printf(&path, "%s/refs", sc.base.p);
		if (objcli_has(&oc, "type")) {
			/* --type alias|ipset narrows the list */
			const char *f = buf_str(&oc.form);
			const char *t = strstr(f, "type=");

			t = t ? t + 5 : "";
			if (strncmp(t, "alias", 5) == 0 && (t[5] == '&' ||
			    !t[5]))
				buf_adds(&path, "?type=alias");
			else if (strncmp(t, "ipset", 5) == 0 && (t[5] == '&' ||
			    !t[5]))
				buf_adds(&path, "?type=ipset");
			else
				px_errx(PX_EXIT_USAGE, "refs --type: alias or "
				    "ipset");
		}
		rc = refs_list(&oc, path.p);
		buf_free(&path);
	} else {
		px_usage(&px_cmd_firewall);
	}
	buf_free(&sc.base);
	objcli_free(&oc);
	return rc;
}
