/*
 * firewall -- the firewall of the cluster, of a node or of a guest in one
 * table: options, rules, aliases, IP sets (and their entries), security
 * groups (and their rules), each row tagged with its section.
 *
 * The lists are read in one parallel round; the members of IP sets and
 * security groups in a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enc.h"
#include "pve_fanout.h"
#include "pve_firewall.h"

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	PX_OPT_END
};

PX_COMMAND(firewall, "firewall options, rules, aliases and IP sets",
    opts, NULL, "cluster | node node | guest vmid");

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

int
firewall_main(int argc, char **argv)
{
	struct px_cli x;
	struct px_err e = { 0 };
	struct buf base = { 0 };
	struct out *o;
	unsigned mask;
	int ch, rc = 0;
	struct px_getopt g;

	cli_init(&x);
	px_getopt_init(&g, &px_cmd_firewall, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (cli_opt(&x, ch, g.arg))
			continue;
		switch (ch) {
		default:
			px_usage(&px_cmd_firewall);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_firewall);
	if (strcmp(argv[0], "cluster") == 0 && argc == 1) {
		buf_adds(&base, "/cluster/firewall");
		mask = 1u << P_OPTIONS | 1u << P_RULES | 1u << P_ALIASES |
		    1u << P_IPSETS | 1u << P_GROUPS;
	} else if (strcmp(argv[0], "node") == 0 && argc == 2) {
		if (!pve_valid_node(argv[1]))
			px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
			    argv[1]);
		buf_adds(&base, "/nodes/");
		url_seg(&base, argv[1]);
		buf_adds(&base, "/firewall");
		mask = 1u << P_OPTIONS | 1u << P_RULES;
	} else if (strcmp(argv[0], "guest") == 0 && argc == 2) {
		mask = 1u << P_OPTIONS | 1u << P_RULES | 1u << P_ALIASES |
		    1u << P_IPSETS;
	} else {
		px_usage(&px_cmd_firewall);
	}
	if (cli_connect(&x, &e) != 0)
		px_die(&e);
	if (strcmp(argv[0], "guest") == 0) {
		struct pve_guest g;
		char *end;
		long vmid = strtol(argv[1], &end, 10);

		if (*end != '\0' || vmid < 1 || vmid > 999999999)
			px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[1]);
		if (pve_guest_find(x.client, (int)vmid, &g, &e) != 0)
			px_die(&e);
		buf_adds(&base, "/nodes/");
		url_seg(&base, g.node);
		buf_printf(&base, "/%s/%d/firewall", g.type, g.vmid);
	}
	o = out_new(&x.out, cols, C_N);
	show(x.client, o, buf_str(&base), mask);
	if (cli_print(&x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	buf_free(&base);
	cli_free(&x);
	return rc;
}
