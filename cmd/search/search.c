/*
 * search -- find guests by a piece of text in their name, tags,
 * description or IP addresses (case ignored), one row per match.
 *
 * Three rounds of requests, each all in parallel however many guests and
 * nodes there are: /cluster/resources (names, tags, which nodes are
 * online); the config of every guest on an online node (descriptions,
 * static addresses: lxc net*, qemu ipconfig*); the interfaces of running
 * guests (qemu through the guest agent when the config enables it, lxc
 * directly).  Guests on offline nodes are matched on name and tags only,
 * with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pve_fanout.h"
#include "pve_guest.h"

enum { O_IN = PX_O_LONG };

static const struct px_opt opts[] = {
	PX_OPT_COMMON,
	{ O_IN, "in", "fields", "search only these fields, comma-separated" },
	PX_OPT_END
};

PX_COMMAND(search, "find guests by name, tag, description or IP address",
    opts, NULL, "text");

static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 },
	{ "field", OT_STR, 0 }, { "value", OT_STR, 0 },
};

enum { F_NAME = 1, F_TAGS = 2, F_DESC = 4, F_IP = 8 };

struct search {
	const char *text;
	int fields;
	struct out *o;
	int matches;
};

static int
parse_fields(const char *s)
{
	static const struct { const char *n; int f; } t[] = {
		{ "name", F_NAME }, { "tags", F_TAGS }, { "tag", F_TAGS },
		{ "description", F_DESC }, { "ip", F_IP },
	};
	int f = 0;

	while (*s) {
		size_t l = strcspn(s, ","), i;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (strlen(t[i].n) == l && strncmp(s, t[i].n, l) == 0)
				break;
		if (i == sizeof(t) / sizeof(t[0]))
			px_errx(PX_EXIT_USAGE, "--in: unknown field '%.*s' "
			    "(name, tags, description, ip)", (int)l, s);
		f |= t[i].f;
		s += l + (s[l] == ',');
	}
	return f;
}

static void
hit(struct search *s, const struct pve_guest *g, const char *field,
    const char *value)
{
	if (value == NULL || strcasestr(value, s->text) == NULL)
		return;
	out_row(s->o);
	out_int(s->o, 0, g->vmid);
	out_str(s->o, 1, g->name[0] ? g->name : NULL);
	out_str(s->o, 2, g->type);
	out_str(s->o, 3, g->node);
	out_str(s->o, 4, g->status);
	out_str(s->o, 5, field);
	out_str(s->o, 6, value);
	s->matches++;
}

/* Addresses already reported for one guest, so that an address in the
 * config and from the agent is one row. */
struct seen {
	char a[64][64];
	int n;
};

static void
hit_ip(struct search *s, const struct pve_guest *g, struct seen *sn,
    const char *a)
{
	for (int i = 0; i < sn->n; i++)
		if (strcmp(sn->a[i], a) == 0)
			return;
	if (sn->n < 64)
		snprintf(sn->a[sn->n++], sizeof(sn->a[0]), "%s", a);
	hit(s, g, "ip", a);
}

/* Static addresses of a config value: "ip=10.0.0.5/24,gw=..." */
static void
config_ips(struct search *s, const struct pve_guest *g, struct seen *sn,
    const char *v)
{
	for (const char *p = v; p && *p; p += strcspn(p, ","), p += *p == ',') {
		char a[64];
		size_t l;

		if (strncmp(p, "ip=", 3) && strncmp(p, "ip6=", 4))
			continue;
		p += strcspn(p, "=") + 1;
		l = strcspn(p, ",/");
		if (l == 0 || l >= sizeof(a) || !strncmp(p, "dhcp", l) ||
		    !strncmp(p, "auto", l) || !strncmp(p, "manual", l))
			continue;
		snprintf(a, sizeof(a), "%.*s", (int)l, p);
		hit_ip(s, g, sn, a);
	}
}

static int
agent_enabled(const char *v)
{
	return v && (v[0] == '1' || strstr(v, "enabled=1") != NULL);
}

/* What rounds 2 and 3 found for one guest (their answers are freed
 * batch by batch, so memory stays small however many guests there are). */
struct found {
	char *desc;		/* the description */
	char *cfgips;		/* config values that may hold ip=, joined by ',' */
	char *ifips;		/* addresses on interfaces, ' '-separated */
	int ifaces;		/* worth asking for interfaces */
};

static void
keep_config(struct found *f, const struct pve_guest *g,
    const struct pve_get_req *q)
{
	struct pve_kv *kv;
	struct buf b = { 0 };
	int n;

	if (q->rc != 0 || pve_kv_parse(&q->r.j, q->r.data, &kv, &n, NULL) != 0)
		return;
	if (pve_kv_get(kv, n, "description"))
		f->desc = px_xstrdup(pve_kv_get(kv, n, "description"));
	for (int k = 0; k < n; k++)
		if (kv[k].value && (!strncmp(kv[k].key, "ipconfig", 8) ||
		    (!strncmp(kv[k].key, "net", 3) && !strcmp(g->type, "lxc"))))
			buf_printf(&b, "%s%s", b.len ? "," : "", kv[k].value);
	f->cfgips = b.p;
	f->ifaces = strcmp(g->status, "running") == 0 &&
	    (strcmp(g->type, "lxc") == 0 ||
	    agent_enabled(pve_kv_get(kv, n, "agent")));
	pve_kv_free(kv, n);
}

static void
keep_ifaces(struct found *f, const struct pve_get_req *q)
{
	struct pve_iface *ifs;
	struct buf b = { 0 };
	int n;

	if (q->rc != 0 || pve_ifaces_parse(&q->r.j, q->r.data, &ifs, &n,
	    NULL) != 0)
		return;
	for (int k = 0; k < n; k++)
		for (int a = 0; a < ifs[k].naddr; a++)
			if (strcmp(ifs[k].name, "lo") != 0)
				buf_printf(&b, "%s%s", b.len ? " " : "",
				    ifs[k].addr[a]);
	f->ifips = b.p;
	free(ifs);
}

/* Round 2 (config) or 3 (interfaces) for the guests in want, PVE_BATCH
 * at a time. */
static void
fetch_round(struct px_client *c, const struct pve_guest *g, int ng,
    struct found *f, const int *want, int ifaces)
{
	struct pve_get_req *q = px_xcalloc(PVE_BATCH, sizeof(*q));
	int who[PVE_BATCH];

	for (int i = 0; i < ng; ) {
		int m = 0;

		for (; i < ng && m < PVE_BATCH; i++) {
			struct buf p = { 0 };

			if (!want[i] || (ifaces && !f[i].ifaces))
				continue;
			pve_guest_path(&p, g[i].node, g[i].type, g[i].vmid);
			pve_req_init(&q[m], c, "%s/%s", p.p, !ifaces ? "config" :
			    strcmp(g[i].type, "lxc") == 0 ? "interfaces" :
			    "agent/network-get-interfaces");
			buf_free(&p);
			who[m++] = i;
		}
		pve_get_all(q, m);
		for (int k = 0; k < m; k++) {
			if (ifaces)
				keep_ifaces(&f[who[k]], &q[k]);
			else
				keep_config(&f[who[k]], &g[who[k]], &q[k]);
		}
		pve_req_free(q, m);
	}
	free(q);
}

int
search_main(int argc, char **argv)
{
	struct px_cli x;
	struct search s = { .fields = F_NAME | F_TAGS | F_DESC | F_IP };
	struct px_reply r;
	struct px_err e;
	struct pve_guest *g;
	struct pve_node *nodes;
	struct found *f;
	struct seen sn;
	int *up;
	int ch, ng, nn, rc = 0, offline = 0;
	struct px_getopt go;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_search, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case O_IN:
			s.fields = parse_fields(go.arg);
			break;
		default:
			px_usage(&px_cmd_search);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1 || argv[0][0] == '\0')
		px_usage(&px_cmd_search);
	s.text = argv[0];
	if (cli_connect(&x, &e) != 0 ||
	    pve_get(x.client, &r, &e, "/cluster/resources") != 0 ||
	    pve_guests_parse(&r.j, r.data, NULL, NULL, &g, &ng, &e) != 0 ||
	    pve_nodes_parse(&r.j, r.data, &nodes, &nn, &e) != 0)
		px_die(&e);
	px_reply_free(&r);

	/* Rounds 2 and 3: only for guests on online nodes. */
	f = px_xcalloc((size_t)ng + 1, sizeof(*f));
	up = px_xcalloc((size_t)ng + 1, sizeof(*up));
	if (s.fields & (F_DESC | F_IP)) {
		for (int i = 0; i < ng; i++) {
			for (int k = 0; k < nn; k++)
				if (strcmp(nodes[k].name, g[i].node) == 0)
					up[i] = nodes[k].online;
			offline += !up[i];
		}
		fetch_round(x.client, g, ng, f, up, 0);
		if (s.fields & F_IP)
			fetch_round(x.client, g, ng, f, up, 1);
	}

	s.o = out_new(&x.out, cols, sizeof(cols) / sizeof(cols[0]));
	for (int i = 0; i < ng; i++) {
		sn.n = 0;
		if (s.fields & F_NAME)
			hit(&s, &g[i], "name", g[i].name);
		if (s.fields & F_TAGS)
			for (const char *t = g[i].tags; *t; ) {
				size_t l = strcspn(t, ";, ");
				char tag[256];

				snprintf(tag, sizeof(tag), "%.*s", (int)l, t);
				if (l)
					hit(&s, &g[i], "tags", tag);
				t += l;
				t += strspn(t, ";, ");
			}
		if (s.fields & F_DESC)
			hit(&s, &g[i], "description", f[i].desc);
		if (s.fields & F_IP) {
			config_ips(&s, &g[i], &sn, f[i].cfgips);
			for (const char *a = f[i].ifips; a && *a; ) {
				size_t l = strcspn(a, " ");
				char ip[64];

				snprintf(ip, sizeof(ip), "%.*s", (int)l, a);
				hit_ip(&s, &g[i], &sn, ip);
				a += l + (a[l] == ' ');
			}
		}
		free(f[i].desc);
		free(f[i].cfgips);
		free(f[i].ifips);
	}
	if (offline)
		px_warn("%d guest%s on offline nodes: matched on name and tags "
		    "only", offline, offline == 1 ? "" : "s");
	if (cli_print(&x, s.o, &e) != 0)
		rc = px_report(&e);
	else if (s.matches == 0)
		rc = PX_EXIT_FAIL;
	out_free(s.o);
	free(f);
	free(up);
	free(g);
	free(nodes);
	cli_free(&x);
	return rc;
}
