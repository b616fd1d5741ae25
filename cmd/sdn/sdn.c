/*
 * sdn -- PVE's software-defined network: zones, vnets and subnets (list,
 * show, create, set, delete), what is pending (PVE keeps every change in
 * the configuration until it is applied) and `apply' (PUT /cluster/sdn,
 * PVE's reload), each change through the gate (objcli.h) with the SDN's
 * pre-flight checks (pve_objrisk_sdn.h).  Ids, tags, CIDRs and addresses
 * are checked before anything is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "objcli.h"
#include "pve_objrisk_sdn.h"
#include "pve_sdn.h"

enum { O_TAG = PX_O_LONG, O_ZONE, O_ALIAS, O_GATEWAY, O_TYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_RAW,
	{ O_ALIAS, "alias", "text", "vnet: its alias" },
	PX_PARAM("bridge", "bridge", "zone: the bridge of a vlan or qinq "
	    "zone"),
	PX_PARAM("controller", "id", "zone: the EVPN controller"),
	PX_PARAM("delete", "keys", "set: unset these parameters "
	    "(comma-separated)"),
	PX_PARAM("dhcp", "dnsmasq", "zone: the DHCP backend"),
	PX_PARAM("dhcp-range", "range", "subnet: start-address=A,"
	    "end-address=B (repeatable with --raw)"),
	{ O_GATEWAY, "gateway", "address", "subnet: the gateway" },
	PX_PARAM("ipam", "id", "zone: the IPAM"),
	PX_FLAG("isolate-ports", "vnet: isolate the ports of its bridge"),
	PX_PARAM("mtu", "bytes", "zone: the MTU"),
	PX_PARAM("nodes", "nodes", "zone: the nodes it is on (comma list)"),
	PX_PARAM("peers", "addresses", "zone: the VXLAN peers (comma list)"),
	PX_FLAG("snat", "subnet: source NAT to the outside"),
	{ O_TAG, "tag", "tag", "zone: the qinq service VLAN; vnet: its VLAN "
	    "(1-4094) or VNI" },
	{ O_TYPE, "type", "type", "zone: simple, vlan, qinq, vxlan or evpn" },
	PX_FLAG("vlanaware", "vnet: let VLANs pass"),
	PX_PARAM("vrf-vxlan", "vni", "zone: the EVPN VRF VNI"),
	{ O_ZONE, "zone", "zone", "vnet: the zone it is in" },
	PX_OPT_END
};

PX_COMMAND(sdn, "list, change and apply the SDN's zones, vnets and "
    "subnets", opts, NULL, "status | pending | apply | zone list | "
    "zone show zone | zone create zone | zone set zone | zone delete zone | "
    "vnet list | vnet show vnet | vnet create vnet | vnet set vnet | "
    "vnet delete vnet | subnet list vnet | subnet show vnet subnet | "
    "subnet create vnet cidr | subnet set vnet subnet | "
    "subnet delete vnet subnet");

static const struct out_col zone_cols[] = {
	{ "zone", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "bridge", OT_STR, 0 }, { "tag", OT_INT, 0 },
	{ "peers", OT_STR, 0 }, { "mtu", OT_INT, 0 },
	{ "ipam", OT_STR, 0 }, { "nodes", OT_STR, 0 },
};
static const struct out_col vnet_cols[] = {
	{ "vnet", OT_STR, 0 }, { "zone", OT_STR, 0 }, { "tag", OT_INT, 0 },
	{ "vlanaware", OT_BOOL, 0 }, { "alias", OT_STR, 0 },
};
static const struct out_col subnet_cols[] = {
	{ "subnet", OT_STR, 0 }, { "cidr", OT_STR, 0 },
	{ "gateway", OT_STR, 0 }, { "snat", OT_BOOL, 0 },
	{ "zone", OT_STR, 0 }, { "vnet", OT_STR, 0 },
};
static const struct out_col state_cols[] = {
	{ "kind", OT_STR, 0 }, { "id", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "zone", OT_STR, 0 }, { "vnet", OT_STR, 0 }, { "state", OT_STR, 0 },
	{ "keys", OT_STR, 0 },
};

static const char *
nz(const char *s)
{
	return s[0] ? s : NULL;
}

/* An integer or boolean PVE may leave out (-1): no cell then. */
static void
opt_int(struct out *o, int col, int v)
{
	if (v >= 0)
		out_int(o, col, v);
}

static void
opt_bool(struct out *o, int col, int v)
{
	if (v >= 0)
		out_bool(o, col, v);
}

/* zone, vnet or subnet list (kind 'z', 'v', 's'): GET path. */
static int
sdn_list(struct objcli *oc, const char *path, int kind)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct out *o;
	int n, rc = 0;

	objcli_get(oc, &r, "%s", path);
	if (kind == 'z') {
		struct pve_sdn_zone *v;

		if (pve_sdn_zones_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, zone_cols, 8);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].zone);
			out_str(o, 1, nz(v[i].type));
			out_str(o, 2, nz(v[i].bridge));
			opt_int(o, 3, v[i].tag);
			out_str(o, 4, nz(v[i].peers));
			opt_int(o, 5, v[i].mtu);
			out_str(o, 6, nz(v[i].ipam));
			out_str(o, 7, nz(v[i].nodes));
		}
		free(v);
	} else if (kind == 'v') {
		struct pve_sdn_vnet *v;

		if (pve_sdn_vnets_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, vnet_cols, 5);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].vnet);
			out_str(o, 1, nz(v[i].zone));
			opt_int(o, 2, v[i].tag);
			opt_bool(o, 3, v[i].vlanaware);
			out_str(o, 4, nz(v[i].alias));
		}
		free(v);
	} else {
		struct pve_sdn_subnet *v;

		if (pve_sdn_subnets_parse(&r.j, r.data, &v, &n, &e) != 0)
			px_die(&e);
		o = out_new(&oc->m.x.out, subnet_cols, 6);
		for (int i = 0; i < n; i++) {
			out_row(o);
			out_str(o, 0, v[i].subnet);
			out_str(o, 1, nz(v[i].cidr));
			out_str(o, 2, nz(v[i].gateway));
			opt_bool(o, 3, v[i].snat);
			out_str(o, 4, nz(v[i].zone));
			out_str(o, 5, nz(v[i].vnet));
		}
		free(v);
	}
	if (cli_print(&oc->m.x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	px_reply_free(&r);
	return rc;
}

/* What the options gave that is not a plain parameter. */
struct sdn_args {
	const char *tag;
	const char *zone;
	const char *type;
};

/* Whether the space-separated list holds word. */
static int
in_words(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static void
check_id(const char *what, const char *id)
{
	if (!pve_sdn_id_ok(id))
		px_errx(PX_EXIT_USAGE, "'%s' is not a %s id (a letter, then "
		    "letters and digits, 2 to 8 in all)", id, what);
}

/* A subnet as given: its id ("lab-10.0.0.0-24") or its CIDR, made the
 * id with the vnet's zone (one GET).  The id in out. */
static void
subnet_id(struct objcli *oc, const char *vnet, const char *s, char *out,
    size_t n)
{
	struct px_reply r;
	struct buf p = { 0 };
	struct px_err e = { 0 };
	int no = 0, k;

	if (strchr(s, '/') == NULL) {
		if (strlen(s) >= n || strlen(s) > 80 || strspn(s,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.:-") != strlen(s) || strchr(s, '-') == NULL ||
		    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' &&
		    s[0] <= 'Z')))
			px_errx(PX_EXIT_USAGE, "'%s' is not a subnet (its id "
			    "ZONE-NETWORK-MASK or its CIDR)", s);
		snprintf(out, n, "%s", s);
		return;
	}
	if (!pve_sdn_cidr_ok(s))
		px_errx(PX_EXIT_USAGE, "'%s' is not a CIDR (a network and "
		    "its prefix length, host bits zero)", s);
	objcli_connect(oc);
	buf_adds(&p, "/cluster/sdn/vnets/");
	url_seg(&p, vnet);
	if (pve_get(oc->m.x.client, &r, &e, "%s", p.p) != 0) {
		if (e.id == PXE_NOT_FOUND)
			px_errx(PX_EXIT_NOTFOUND, "no vnet '%s'", vnet);
		px_die(&e);
	}
	/* the one object as a one-element array for the parser */
	k = r.data;
	if (k >= 0 && json_type(&r.j, k) == JSON_OBJECT) {
		int z = json_get(&r.j, k, "zone");
		char zone[16] = "";

		if (z >= 0)
			json_strcpy(&r.j, z, zone, sizeof(zone));
		if (pve_sdn_id_ok(zone))
			pve_sdn_subnet_id(zone, s, out, n);
		else
			no = 1;
	} else {
		no = 1;
	}
	px_reply_free(&r);
	buf_free(&p);
	if (no)
		px_errx(PX_EXIT_NOTFOUND, "vnet '%s' has no zone", vnet);
}

/* The type of zone (from the zone list), or "" when px cannot see it. */
static void
zone_type(struct objcli *oc, const char *zone, char *out, size_t n)
{
	struct px_reply r;
	struct pve_sdn_obj *o = NULL;
	struct px_err e = { 0 };
	int no = 0;

	out[0] = '\0';
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "/cluster/sdn/zones") != 0)
		px_die(&e);
	pve_sdn_parse(&r.j, r.data, "zone", &o, &no);
	px_reply_free(&r);
	for (int i = 0; i < no; i++)
		if (strcmp(o[i].id, zone) == 0)
			snprintf(out, n, "%s", o[i].type);
	free(o);
}

/* A vnet's zone as configured now (set without --zone). */
static void
vnet_zone(struct objcli *oc, const char *vnet, char *out, size_t n)
{
	struct px_reply r;
	struct px_err e = { 0 };
	int z;

	out[0] = '\0';
	objcli_connect(oc);
	if (pve_get(oc->m.x.client, &r, &e, "/cluster/sdn/vnets/%s", vnet)
	    != 0) {
		if (e.id == PXE_NOT_FOUND)
			px_errx(PX_EXIT_NOTFOUND, "no vnet '%s'", vnet);
		px_die(&e);
	}
	if (r.data >= 0 && (z = json_get(&r.j, r.data, "zone")) >= 0)
		json_strcpy(&r.j, z, out, n);
	px_reply_free(&r);
}

/* A vnet's tag: a VLAN (1-4094) in a vlan or qinq zone, a VNI (up to
 * 16777215) in a vxlan or evpn one. */
static void
check_vnet_tag(struct objcli *oc, const char *vnet, const char *tag,
    const char *zone)
{
	char z[16], type[16];
	char *end;
	long long v;

	v = strtoll(tag, &end, 10);
	if (!tag[0] || *end || v < 1 || v > 16777215 || strlen(tag) > 8)
		px_errx(PX_EXIT_USAGE, "--tag %s: not a VLAN tag (1-4094) or "
		    "a VNI (1-16777215)", tag);
	if (zone)
		snprintf(z, sizeof(z), "%s", zone);
	else
		vnet_zone(oc, vnet, z, sizeof(z));
	zone_type(oc, z, type, sizeof(type));
	if ((!strcmp(type, "vlan") || !strcmp(type, "qinq")) &&
	    !pve_sdn_vlan_ok(tag))
		px_errx(PX_EXIT_USAGE, "--tag %s: a VLAN tag is 1-4094 (zone "
		    "%s is a %s zone)", tag, z, type);
	if (!strcmp(type, "simple"))
		px_errx(PX_EXIT_USAGE, "--tag: zone %s is a simple zone, "
		    "which has no tags", z);
}

/* Refuse what belongs to another kind of object. */
static void
only(const struct objcli *oc, const struct sdn_args *a, const char *kind,
    const char *allowed)
{
	static const char *const all[] = { "alias", "bridge", "controller",
		"dhcp", "dhcp-range", "dhcp-dns-server", "dnszoneprefix",
		"gateway", "ipam", "isolate-ports", "mtu", "nodes", "peers",
		"snat", "vlanaware", "vrf-vxlan", NULL };

	for (int i = 0; all[i]; i++)
		if (objcli_has(oc, all[i]) && !in_words(allowed, all[i]))
			px_errx(PX_EXIT_USAGE, "--%s is not a %s parameter",
			    all[i], kind);
	if (a->type && strcmp(kind, "zone") != 0)
		px_errx(PX_EXIT_USAGE, "--type is for zones");
	if (a->zone && strcmp(kind, "vnet") != 0)
		px_errx(PX_EXIT_USAGE, "--zone is for vnets");
	if (a->tag && strcmp(kind, "subnet") == 0)
		px_errx(PX_EXIT_USAGE, "--tag is for zones and vnets");
}

/* Every object with its state (status), or only the pending ones. */
static int
sdn_state(struct objcli *oc, int pending_only)
{
	struct px_cli *x = &oc->m.x;
	struct pve_sdn_obj *o;
	struct px_err e = { 0 };
	struct out *out;
	int n, rc = 0;

	objcli_connect(oc);
	if (pve_sdn_pending(x->client, &o, &n, &e) != 0)
		px_die(&e);
	out = out_new(&x->out, state_cols, 7);
	for (int i = 0; i < n; i++) {
		if (pending_only && o[i].state[0] == '\0')
			continue;
		out_row(out);
		out_str(out, 0, o[i].kind);
		out_str(out, 1, o[i].id);
		out_str(out, 2, nz(o[i].type));
		out_str(out, 3, nz(o[i].zone));
		out_str(out, 4, nz(o[i].vnet));
		out_str(out, 5, nz(o[i].state));
		out_str(out, 6, nz(o[i].keys));
	}
	if (cli_print(x, out, &e) != 0)
		rc = px_report(&e);
	out_free(out);
	free(o);
	return rc;
}

static int
sdn_apply(struct objcli *oc)
{
	struct objrisk_sdn a = { OBJRISK_SDN_APPLY, NULL };
	struct objcli_change c = {
		.action = "apply", .kind = "sdn", .id = "sdn",
		.method = "PUT", .path = "/cluster/sdn",
		.summary = "apply the pending SDN configuration (reload the "
		    "network of every node)",
		.destructive = 1, .assess = objrisk_sdn, .assess_arg = &a,
	};

	return objcli_change(oc, &c);
}

/* zone, vnet or subnet VERB ARGS. */
static int
sdn_object(struct objcli *oc, const struct sdn_args *a, const char *kind,
    const char *verb, int argc, char **argv)
{
	struct objcli_change c = { .kind = NULL, .action = verb };
	struct objrisk_sdn risk = { 0 };
	struct buf path = { 0 }, extra = { 0 }, col = { 0 };
	char summary[512], kindname[16], sid[128];
	const char *id = NULL, *vnet = NULL;
	int rc, is_zone = !strcmp(kind, "zone"), is_vnet = !strcmp(kind,
	    "vnet"), want;

	snprintf(kindname, sizeof(kindname), "sdn-%s", kind);
	c.kind = kindname;
	/* operands: zone/vnet ID; subnet VNET [SUBNET|CIDR] */
	if (!strcmp(verb, "list"))
		want = is_zone || is_vnet ? 0 : 1;
	else
		want = is_zone || is_vnet ? 1 : 2;
	if (argc != want)
		px_usage(&px_cmd_sdn);
	if (is_zone || is_vnet) {
		if (want == 1)
			check_id(kind, id = argv[0]);
		buf_adds(&col, is_zone ? "/cluster/sdn/zones" :
		    "/cluster/sdn/vnets");
	} else {
		check_id("vnet", vnet = argv[0]);
		buf_adds(&col, "/cluster/sdn/vnets/");
		url_seg(&col, vnet);
		buf_adds(&col, "/subnets");
		if (want == 2 && strcmp(verb, "create") != 0) {
			subnet_id(oc, vnet, argv[1], sid, sizeof(sid));
			id = sid;
		} else if (want == 2) {
			/* PVE names it ZONE-NETWORK-MASK: the row says so */
			if (!pve_sdn_cidr_ok(argv[1]))
				px_errx(PX_EXIT_USAGE, "'%s' is not a CIDR (a "
				    "network and its prefix length, host "
				    "bits zero)", argv[1]);
			subnet_id(oc, vnet, argv[1], sid, sizeof(sid));
			id = sid;
		}
	}
	if (!strcmp(verb, "list") || !strcmp(verb, "show")) {
		objcli_no_params(oc, verb);
		if (a->tag || a->zone || a->type)
			px_errx(PX_EXIT_USAGE, "%s takes no parameters", verb);
		if (verb[0] == 'l') {
			rc = sdn_list(oc, col.p, is_zone ? 'z' : is_vnet ?
			    'v' : 's');
		} else {
			snprintf(summary, sizeof(summary), "%s %s", kind, id);
			buf_addc(&col, '/');
			url_seg(&col, id);
			rc = objcli_show(oc, col.p, summary);
		}
		buf_free(&col);
		return rc;
	}
	c.id = id;
	c.summary = summary;
	/* a zone's tag is a qinq zone's service VLAN */
	if (is_zone && a->tag && !pve_sdn_vlan_ok(a->tag))
		px_errx(PX_EXIT_USAGE, "--tag %s: a VLAN tag is 1-4094",
		    a->tag);
	if (!strcmp(verb, "create")) {
		only(oc, a, kind, is_zone ? "bridge controller dhcp ipam mtu "
		    "nodes peers vrf-vxlan" : is_vnet ? "alias isolate-ports "
		    "vlanaware" : "dhcp-range dhcp-dns-server dnszoneprefix "
		    "gateway snat");
		if (objcli_has(oc, "delete"))
			px_errx(PX_EXIT_USAGE, "--delete is for set");
		c.method = "POST";
		buf_adds(&path, col.p);
		if (is_zone) {
			if (a->type == NULL && !objcli_has(oc, "type"))
				px_errx(PX_EXIT_USAGE, "zone create: give --type "
				    "(simple, vlan, qinq, vxlan, evpn)");
			form_add(&extra, "zone", id);
		} else if (is_vnet) {
			if (a->zone == NULL && !objcli_has(oc, "zone"))
				px_errx(PX_EXIT_USAGE, "vnet create: give "
				    "--zone");
			if (a->tag)
				check_vnet_tag(oc, id, a->tag, a->zone);
			form_add(&extra, "vnet", id);
		} else {
			form_add(&extra, "subnet", argv[1]);
			form_add(&extra, "type", "subnet");
		}
		snprintf(summary, sizeof(summary), "create %s %s%s%s (pending "
		    "until sdn apply)", kind, id, vnet ? " on vnet " : "",
		    vnet ? vnet : "");
	} else if (!strcmp(verb, "set")) {
		only(oc, a, kind, is_zone ? "bridge controller dhcp ipam mtu "
		    "nodes peers vrf-vxlan" : is_vnet ? "alias isolate-ports "
		    "vlanaware" : "dhcp-range dhcp-dns-server dnszoneprefix "
		    "gateway snat");
		if (a->type)
			px_errx(PX_EXIT_USAGE, "a zone's type is fixed: delete "
			    "and create it");
		if (oc->nparams == 0)
			px_errx(PX_EXIT_USAGE, "set: nothing to change");
		if (is_vnet && a->tag)
			check_vnet_tag(oc, id, a->tag, a->zone);
		c.method = "PUT";
		buf_adds(&path, col.p);
		buf_addc(&path, '/');
		url_seg(&path, id);
		c.digest_of = path.p;
		snprintf(summary, sizeof(summary), "set %s %s (pending until "
		    "sdn apply)", kind, id);
	} else if (!strcmp(verb, "delete")) {
		objcli_no_params(oc, verb);
		if (a->tag || a->zone || a->type)
			px_errx(PX_EXIT_USAGE, "delete takes no parameters");
		c.method = "DELETE";
		c.destructive = 1;
		buf_adds(&path, col.p);
		buf_addc(&path, '/');
		url_seg(&path, id);
		if (is_zone || is_vnet) {
			risk.op = is_zone ? OBJRISK_SDN_ZONE_DELETE :
			    OBJRISK_SDN_VNET_DELETE;
			risk.id = id;
			c.assess = objrisk_sdn;
			c.assess_arg = &risk;
		}
		snprintf(summary, sizeof(summary), "delete %s %s (pending "
		    "until sdn apply)", kind, id);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s %s' (list, "
		    "show, create, set, delete)", kind, verb);
	}
	c.path = path.p;
	c.extra = extra.p;
	rc = objcli_change(oc, &c);
	if (rc == 0 && !oc->m.g.dry_run)
		px_warn("the change of %s %s is pending: px sdn pending shows "
		    "it, px sdn apply applies it", kind, id);
	buf_free(&path);
	buf_free(&extra);
	buf_free(&col);
	return rc;
}

int
sdn_main(int argc, char **argv)
{
	struct objcli oc;
	struct sdn_args a = { 0 };
	struct px_getopt g;
	int ch, rc;

	objcli_init(&oc, &px_cmd_sdn);
	px_getopt_init(&g, &px_cmd_sdn, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (objcli_opt(&oc, ch, &g))
			continue;
		switch (ch) {
		case O_TAG:
			if (!g.arg[0] || strspn(g.arg, "0123456789") !=
			    strlen(g.arg) || strlen(g.arg) > 8 ||
			    atol(g.arg) < 1)
				px_errx(PX_EXIT_USAGE, "--tag %s: not a VLAN "
				    "tag (1-4094) or a VNI (1-16777215)",
				    g.arg);
			a.tag = g.arg;
			objcli_param(&oc, "tag", g.arg);
			break;
		case O_ZONE:
			check_id("zone", g.arg);
			a.zone = g.arg;
			objcli_param(&oc, "zone", g.arg);
			break;
		case O_TYPE:
			if (!in_words("simple vlan qinq vxlan evpn faucet",
			    g.arg))
				px_errx(PX_EXIT_USAGE, "--type %s: not a zone "
				    "type (simple, vlan, qinq, vxlan, evpn)",
				    g.arg);
			a.type = g.arg;
			objcli_param(&oc, "type", g.arg);
			break;
		case O_ALIAS:
			if (strlen(g.arg) > 256 || strspn(g.arg,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789()-_. ") != strlen(g.arg))
				px_errx(PX_EXIT_USAGE, "--alias: letters, "
				    "digits, spaces and ( ) - _ . only, up to "
				    "256");
			objcli_param(&oc, "alias", g.arg);
			break;
		case O_GATEWAY:
			if (!pve_sdn_ip_ok(g.arg))
				px_errx(PX_EXIT_USAGE, "--gateway %s: not an IP "
				    "address", g.arg);
			objcli_param(&oc, "gateway", g.arg);
			break;
		default:
			px_usage(&px_cmd_sdn);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_sdn);
	if (!strcmp(argv[0], "status") || !strcmp(argv[0], "pending") ||
	    !strcmp(argv[0], "apply")) {
		if (argc != 1)
			px_usage(&px_cmd_sdn);
		objcli_no_params(&oc, argv[0]);
		if (a.tag || a.zone || a.type)
			px_errx(PX_EXIT_USAGE, "%s takes no parameters",
			    argv[0]);
		rc = argv[0][0] == 'a' ? sdn_apply(&oc) :
		    sdn_state(&oc, argv[0][0] == 'p');
	} else if (!strcmp(argv[0], "zone") || !strcmp(argv[0], "vnet") ||
	    !strcmp(argv[0], "subnet")) {
		if (argc < 2)
			px_usage(&px_cmd_sdn);
		rc = sdn_object(&oc, &a, argv[0], argv[1], argc - 2, argv + 2);
	} else {
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (status, "
		    "pending, apply, zone, vnet, subnet)", argv[0]);
	}
	objcli_free(&oc);
	return rc;
}
