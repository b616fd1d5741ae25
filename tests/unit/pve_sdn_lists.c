/* pve_sdn_lists.c -- SDN zones, vnets and subnets read once in lib
 * (pve_sdn.h): PVE's shapes, and hostile answers (wrong types,
 * escapes, huge values, missing fields). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pve_sdn.h"
#include "tap.h"

static long dropped;

static void
on_drop(const char *origin, int row, const char *why)
{
	(void)origin;
	(void)row;
	(void)why;
	dropped++;
}

static void
body(struct json *j, const char *s)
{
	struct px_err e = { 0 };

	dropped = 0;
	if (json_parse(j, s, strlen(s), &e) != 0)
		ok(0, "the test's body parses: %s", s);
}

int
main(void)
{
	struct px_err e = { 0 };
	struct pve_sdn_zone *z;
	struct pve_sdn_vnet *v;
	struct pve_sdn_subnet *s;
	struct json j;
	int n;

	px_drop_set(on_drop);

	body(&j, "[{\"zone\":\"lab\",\"type\":\"simple\",\"ipam\":\"pve\","
	    "\"digest\":\"ab\"},{\"zone\":\"vl\",\"type\":\"vlan\",\"bridge\":"
	    "\"vmbr0\",\"tag\":0,\"mtu\":\"1450\",\"nodes\":\"pve1,pve2\"},"
	    "{\"zone\":\"ev\",\"type\":\"evpn\",\"peers\":\"10.0.0.1,10.0.0.2\""
	    ",\"tag\":\"x\",\"mtu\":[1]}]");
	ok(pve_sdn_zones_parse(&j, 0, &z, &n, &e) == 0 && n == 3, "zones as "
	    "PVE sends them");
	is_str(z[0].zone, "lab", "a simple zone");
	ok(z[0].tag == -1 && z[0].mtu == -1, "no tag, no MTU: -1, not 0");
	is_int(z[1].tag, 0, "a tag of 0 is a tag");
	is_int(z[1].mtu, 1450, "an MTU sent as a string");
	is_str(z[1].nodes, "pve1,pve2", "its nodes");
	is_str(z[2].peers, "10.0.0.1,10.0.0.2", "an EVPN zone's peers");
	ok(z[2].tag == -1 && z[2].mtu == -1, "a tag \"x\" and an MTU array: "
	    "not shown");
	free(z);
	json_free(&j);

	body(&j, "[{\"type\":\"simple\"},{\"zone\":\"a\\u001b[2J\",\"type\":"
	    "{\"x\":1},\"bridge\":\"vmbr0\\r\\nX\"},\"lab\",{\"zone\":\"big\","
	    "\"tag\":4294967296},{\"zone\":\"nan\",\"mtu\":1e400}]");
	ok(pve_sdn_zones_parse(&j, 0, &z, &n, &e) == 0 && n == 1,
	    "hostile zones parse");
	is_int(dropped, 4, "no id, a bare string, a tag beyond int, an MTU "
	    "out of range: dropped and reported");
	is_str(z[0].zone, "a?[2J", "ESC in an id: '?'");
	is_str(z[0].type, "", "an object as the type: empty");
	is_str(z[0].bridge, "vmbr0? X", "CR '?', LF a space");
	free(z);
	json_free(&j);

	body(&j, "[{\"vnet\":\"labnet\",\"zone\":\"lab\",\"type\":\"vnet\","
	    "\"alias\":\"lab network\"},{\"vnet\":\"v2\",\"tag\":16777215,"
	    "\"vlanaware\":1},{\"vnet\":\"v3\",\"vlanaware\":\"0\",\"alias\":"
	    "\"\\u009b2J\"}]");
	ok(pve_sdn_vnets_parse(&j, 0, &v, &n, &e) == 0 && n == 3, "vnets");
	is_str(v[0].alias, "lab network", "an alias");
	ok(v[0].tag == -1 && v[0].vlanaware == -1, "no tag, vlanaware left "
	    "out: -1");
	ok(v[1].tag == 16777215 && v[1].vlanaware == 1, "the largest VNI, "
	    "VLAN aware");
	is_int(v[2].vlanaware, 0, "vlanaware \"0\"");
	is_str(v[2].alias, "?2J", "C1 CSI in an alias: '?'");
	free(v);
	json_free(&j);

	{
		char big[700];

		memset(big, 0, sizeof(big));
		snprintf(big, sizeof(big), "[{\"vnet\":\"x\",\"alias\":\"");
		memset(big + strlen(big), 'a', 400);
		strcat(big, "\"}]");
		body(&j, big);
		ok(pve_sdn_vnets_parse(&j, 0, &v, &n, &e) == 0 && n == 1 &&
		    strlen(v[0].alias) == 256, "an alias of 400: cut to PVE's "
		    "256");
		free(v);
		json_free(&j);
	}

	body(&j, "[{\"subnet\":\"lab-10.20.0.0-24\",\"cidr\":\"10.20.0.0/24\","
	    "\"gateway\":\"10.20.0.1\",\"snat\":1,\"zone\":\"lab\",\"vnet\":"
	    "\"labnet\",\"type\":\"subnet\"},{\"subnet\":\"lab-fd00::-64\","
	    "\"snat\":[true]},{\"cidr\":\"10.0.0.0/8\"}]");
	ok(pve_sdn_subnets_parse(&j, 0, &s, &n, &e) == 0 && n == 2,
	    "subnets");
	is_int(dropped, 1, "a subnet with no id dropped and reported");
	is_str(s[0].cidr, "10.20.0.0/24", "its CIDR");
	is_str(s[0].gateway, "10.20.0.1", "its gateway");
	is_int(s[0].snat, 1, "SNAT on");
	is_int(s[1].snat, -1, "SNAT an array: not shown");
	free(s);
	json_free(&j);

	body(&j, "{\"zone\":\"lab\"}");
	ok(pve_sdn_zones_parse(&j, 0, &z, &n, &e) != 0 && e.id == PXE_PARSE &&
	    z == NULL && strstr(e.msg, "SDN zones") != NULL, "an object is no "
	    "zone list: %s", e.msg);
	ok(pve_sdn_vnets_parse(&j, 0, &v, &n, &e) != 0 && strstr(e.msg,
	    "SDN vnets") != NULL, "nor a vnet list");
	ok(pve_sdn_subnets_parse(&j, 0, &s, &n, &e) != 0 && strstr(e.msg,
	    "SDN subnets") != NULL, "nor a subnet list");
	json_free(&j);

	px_drop_set(NULL);
	return done_testing();
}
