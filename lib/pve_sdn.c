/* pve_sdn.c -- the SDN's objects and their pending state (pve_sdn.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "enc.h"
#include "err.h"
#include "pve_field.h"
#include "pve_sdn.h"

/* The string of key at t (or of pending.key), sanitized, into out. */
static void
field(const struct json *j, int t, const char *key, char *out, size_t n)
{
	int k = json_get(j, t, key);

	out[0] = '\0';
	if (k < 0) {
		int p = json_get(j, t, "pending");

		if (p >= 0 && json_type(j, p) == JSON_OBJECT)
			k = json_get(j, p, key);
	}
	if (k >= 0 && json_strcpy(j, k, out, n) >= 0)
		text_sanitize(out);
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

void
pve_sdn_parse(const struct json *j, int tok, const char *kind,
    struct pve_sdn_obj **out, int *n)
{
	int c, i;

	if (tok < 0 || json_type(j, tok) != JSON_ARRAY)
		return;
	JSON_FOREACH(j, tok, c, i) {
		struct pve_sdn_obj o;
		int p, k, m;

		if (json_type(j, c) != JSON_OBJECT)
			continue;
		memset(&o, 0, sizeof(o));
		snprintf(o.kind, sizeof(o.kind), "%s", kind);
		field(j, c, kind, o.id, sizeof(o.id));
		if (o.id[0] == '\0')
			continue;
		field(j, c, "type", o.type, sizeof(o.type));
		field(j, c, "zone", o.zone, sizeof(o.zone));
		field(j, c, "vnet", o.vnet, sizeof(o.vnet));
		field(j, c, "cidr", o.cidr, sizeof(o.cidr));
		field(j, c, "state", o.state, sizeof(o.state));
		p = json_get(j, c, "pending");
		if (p >= 0 && json_type(j, p) == JSON_OBJECT) {
			char keys[32][64];
			int nk = 0;

			JSON_FOREACH_KV(j, p, k, m) {
				if (nk == 32 || json_strcpy(j, k, keys[nk],
				    sizeof(keys[nk])) < 0)
					continue;
				text_sanitize(keys[nk++]);
			}
			/* sorted: the same keys print the same */
			qsort(keys, (size_t)nk, sizeof(keys[0]), cmp_key);
			for (int q = 0; q < nk; q++) {
				size_t l = strlen(o.keys);

				if (l + strlen(keys[q]) + 2 < sizeof(o.keys))
					snprintf(o.keys + l, sizeof(o.keys) - l,
					    "%s%s", l ? "," : "", keys[q]);
			}
		}
		*out = px_xrealloc(*out, ((size_t)*n + 1) * sizeof(**out));
		(*out)[(*n)++] = o;
	}
}

int
pve_sdn_pending(struct px_client *c, struct pve_sdn_obj **out, int *n,
    struct px_err *e)
{
	struct px_reply r;
	int nv;

	*out = NULL;
	*n = 0;
	if (pve_get(c, &r, e, "/cluster/sdn/zones?pending=1") != 0)
		return -1;
	pve_sdn_parse(&r.j, r.data, "zone", out, n);
	px_reply_free(&r);
	if (pve_get(c, &r, e, "/cluster/sdn/vnets?pending=1") != 0)
		goto fail;
	pve_sdn_parse(&r.j, r.data, "vnet", out, n);
	px_reply_free(&r);
	nv = *n;
	for (int i = 0; i < nv; i++) {
		struct buf p = { 0 };
		int rc;

		if (strcmp((*out)[i].kind, "vnet") != 0)
			continue;
		buf_adds(&p, "/cluster/sdn/vnets/");
		url_seg(&p, (*out)[i].id);
		buf_adds(&p, "/subnets?pending=1");
		rc = pve_get(c, &r, e, "%s", p.p);
		buf_free(&p);
		/* a vnet deleted from the configuration may have no
		 * subnets to list any more */
		if (rc != 0 && strcmp((*out)[i].state, "deleted") == 0)
			continue;
		if (rc != 0)
			goto fail;
		pve_sdn_parse(&r.j, r.data, "subnet", out, n);
		px_reply_free(&r);
	}
	return 0;
fail:
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

int
pve_sdn_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n < 2 || n > 8 || !isalpha((unsigned char)id[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]))
			return 0;
	return 1;
}

int
pve_sdn_ip_ok(const char *ip)
{
	unsigned char a[16];

	return inet_pton(AF_INET, ip, a) == 1 ||
	    inet_pton(AF_INET6, ip, a) == 1;
}

int
pve_sdn_cidr_ok(const char *cidr)
{
	unsigned char a[16];
	char net[64];
	const char *slash = strchr(cidr, '/');
	char *end;
	long m;
	int v6, bytes;

	if (slash == NULL || (size_t)(slash - cidr) >= sizeof(net) ||
	    !isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 3)
		return 0;
	memcpy(net, cidr, (size_t)(slash - cidr));
	net[slash - cidr] = '\0';
	v6 = strchr(net, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, net, a) != 1)
		return 0;
	m = strtol(slash + 1, &end, 10);
	if (*end || m < 0 || m > (v6 ? 128 : 32))
		return 0;
	bytes = v6 ? 16 : 4;
	/* host bits are zero */
	for (int b = (int)m; b < bytes * 8; b++)
		if (a[b / 8] & (0x80 >> (b % 8)))
			return 0;
	return 1;
}

int
pve_sdn_vlan_ok(const char *tag)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)tag[0]) || strlen(tag) > 4)
		return 0;
	v = strtol(tag, &end, 10);
	return *end == '\0' && v >= 1 && v <= 4094;
}

void
pve_sdn_subnet_id(const char *zone, const char *cidr, char *out, size_t n)
{
	snprintf(out, n, "%s-%s", zone, cidr);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '-';
}

/* ---- the running lists ---- */

int
pve_sdn_zones_parse(const struct json *j, int arr, struct pve_sdn_zone **out,
    int *n, struct px_err *e)
{
#define Z struct pve_sdn_zone
	static const struct pve_field f[] = {
		PF_STR(Z, zone, "zone"), PF_STR(Z, type, "type"),
		PF_STR(Z, bridge, "bridge"), PF_INT(Z, tag, "tag", -1),
		PF_STR(Z, peers, "peers"), PF_INT(Z, mtu, "mtu", -1),
		PF_STR(Z, ipam, "ipam"), PF_STR(Z, nodes, "nodes"),
	};
#undef Z

	return PVE_PARSE("SDN zones", struct pve_sdn_zone, f, NULL);
}

int
pve_sdn_vnets_parse(const struct json *j, int arr, struct pve_sdn_vnet **out,
    int *n, struct px_err *e)
{
#define V struct pve_sdn_vnet
	static const struct pve_field f[] = {
		PF_STR(V, vnet, "vnet"), PF_STR(V, zone, "zone"),
		PF_INT(V, tag, "tag", -1), PF_BOOL(V, vlanaware, "vlanaware", -1),
		PF_STR(V, alias, "alias"),
	};
#undef V

	return PVE_PARSE("SDN vnets", struct pve_sdn_vnet, f, NULL);
}

int
pve_sdn_subnets_parse(const struct json *j, int arr,
    struct pve_sdn_subnet **out, int *n, struct px_err *e)
{
#define S struct pve_sdn_subnet
	static const struct pve_field f[] = {
		PF_STR(S, subnet, "subnet"), PF_STR(S, cidr, "cidr"),
		PF_STR(S, gateway, "gateway"), PF_BOOL(S, snat, "snat", -1),
		PF_STR(S, zone, "zone"), PF_STR(S, vnet, "vnet"),
	};
#undef S

	return PVE_PARSE("SDN subnets", struct pve_sdn_subnet, f, NULL);
}
