/* pve_obs.c -- parsers of lib/pve_obs on recorded PVE answers and on
 * hand-written ones with PVE's quirks, and the statistics module. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_obs.h"
#include "tap.h"

static char *
slurp(const char *name, size_t *n)
{
	const char *top = getenv("PX_TOP");
	char path[1024], chunk[4096];
	struct buf b = { 0 };
	size_t k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../shared/reference/recorded/%s",
	    top ? top : ".", name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_steal(&b);
}

/* Parse text (a whole body with "data") into j; returns the data token. */
static int
body(struct json *j, const char *text)
{
	if (json_parse(j, text, strlen(text), NULL) != 0)
		return -1;
	return json_get(j, 0, "data");
}

static void
test_recorded(void)
{
	struct json j;
	struct pve_rrd r;
	struct pve_netif *ifs;
	struct px_err e;
	size_t len;
	char *text;
	int n, f;

	if ((text = slurp("nodes_node_rrddata.fog-proxmox-pve6.2.json",
	    &len)) == NULL) {
		ok(1, "# SKIP reference data not found (PX_TOP)");
		return;
	}
	json_parse(&j, text, len, NULL);
	ok(pve_rrd_parse(&j, json_get(&j, 0, "data"), &r, &e) == 0,
	    "recorded node rrddata parses");
	is_int(r.npoints, 70, "70 points, including the unknown ones");
	is_int(r.nfields, 12, "12 fields besides time");
	f = pve_rrd_field(&r, "cpu");
	ok(f >= 0 && isnan(r.v[0 * r.nfields + f]),
	    "an unknown period is NaN");
	ok(fabs(r.v[69 * r.nfields + f] - 0.0127325120526269) < 1e-12,
	    "the last cpu value");
	is_int(r.time[69], 1606311480, "the last timestamp");
	ok(pve_rrd_field(&r, "memtotal") >= 0 && pve_rrd_field(&r, "x") < 0,
	    "fields by name");
	{
		double *c = pve_rrd_column(&r, f);

		ok(stat_mean(c, r.npoints) > 0 && !isnan(stat_median(c,
		    r.npoints)), "statistics skip the NaN of a real series");
		free(c);
	}
	pve_rrd_free(&r);
	json_free(&j);
	free(text);

	text = slurp("nodes_node_network.fog-proxmox-pve6.2.json", &len);
	json_parse(&j, text, len, NULL);
	ok(pve_netifs_parse(&j, json_get(&j, 0, "data"), &ifs, &n, &e) == 0,
	    "recorded node network parses");
	is_int(n, 4, "four interfaces");
	is_str(ifs[3].iface, "vmbr0", "the bridge");
	is_str(ifs[3].cidr, "192.168.56.101/24", "its cidr");
	is_str(ifs[3].ports, "enp0s3", "its ports");
	ok(ifs[3].active && ifs[3].autostart, "active, autostart (0/1)");
	ok(!ifs[0].active && ifs[1].active, "active absent is 0");
	free(ifs);
	json_free(&j);
	free(text);
}

static void
test_ha(void)
{
	struct json j;
	struct pve_ha_resource *r;
	struct pve_ha_rule *u;
	struct pve_ha_group *g;
	struct px_err e;
	int d, n;

	d = body(&j, "{\"data\":[{\"sid\":\"vm:100\",\"state\":\"started\","
	    "\"max_restart\":\"2\"},{\"sid\":\"ct:101\",\"type\":\"ct\","
	    "\"failback\":0},{\"state\":\"x\"}]}");
	ok(pve_ha_resources_parse(&j, d, &r, &n, &e) == 0 && n == 2,
	    "HA resources; a row without sid is skipped");
	is_int(r[0].vmid, 100, "vmid from sid");
	is_str(r[0].type, "vm", "type from sid");
	is_int(r[0].max_restart, 2, "max_restart as a string");
	is_int(r[1].max_relocate, 1, "max_relocate defaults to 1");
	ok(r[0].failback == 1 && r[1].failback == 0, "failback default 1");
	is_str(r[1].state, "started", "state defaults to started");
	free(r);
	json_free(&j);

	d = body(&j, "{\"data\":[{\"rule\":\"r1\",\"type\":\"node-affinity\","
	    "\"resources\":\"vm:100,vm:102\",\"nodes\":\"pve1:2,pve2\","
	    "\"strict\":1}]}");
	ok(pve_ha_rules_parse(&j, d, &u, &n, &e) == 0 && n == 1 &&
	    u[0].strict, "HA rules");
	ok(pve_list_has(u[0].resources, "vm:102") &&
	    !pve_list_has(u[0].resources, "vm:10"), "resource lists");
	is_int(pve_ha_node_prio(u[0].nodes, "pve1"), 2, "priority 2");
	is_int(pve_ha_node_prio(u[0].nodes, "pve2"), 0, "no priority is 0");
	is_int(pve_ha_node_prio(u[0].nodes, "pve"), -1, "a prefix is not in");
	free(u);
	json_free(&j);

	d = body(&j, "{\"data\":[{\"group\":\"g\",\"nodes\":\"a:1,b\","
	    "\"restricted\":\"1\",\"type\":\"group\"}]}");
	ok(pve_ha_groups_parse(&j, d, &g, &n, &e) == 0 && n == 1 &&
	    g[0].restricted && !g[0].nofailback, "HA groups");
	free(g);
	json_free(&j);
	d = body(&j, "{\"data\":{}}");
	ok(pve_ha_groups_parse(&j, d, &g, &n, &e) == -1 && e.id == PXE_PARSE,
	    "an object where a list belongs is a parse error");
	json_free(&j);
}

static void
test_hw(void)
{
	struct json j;
	struct pve_passthru *p;
	struct pve_hwmap *m;
	struct pve_pci *pci;
	struct px_err e;
	char norm[32];
	int d, n;

	d = body(&j, "{\"data\":{\"hostpci0\":\"0000:01:00.0,pcie=1\","
	    "\"hostpci1\":\"host=02:00;03:00.1,x-vga=1\",\"usb0\":\"spice\","
	    "\"usb1\":\"host=046d:c52b,usb3=1\",\"hostpci2\":\"mapping=gpu\","
	    "\"usbx\":\"host=1-1\",\"name\":\"vm\"}}");
	ok(pve_passthru_parse(&j, d, &p, &n, &e) == 0 && n == 4,
	    "passthrough entries; spice and non-keys skipped");
	is_str(p[0].host, "0000:01:00.0", "implicit host");
	is_str(p[1].host, "0000:02:00;0000:03:00.1", "host= with two devices");
	is_str(p[2].host, "046d:c52b", "USB vendor:product");
	is_str(p[2].kind, "usb", "kind usb");
	is_str(p[3].mapping, "gpu", "a mapped device");
	free(p);
	json_free(&j);

	pve_pci_norm("01:00.0", norm, sizeof(norm));
	is_str(norm, "0000:01:00.0", "domain added");
	ok(pve_pci_same("0000:01:00", "0000:01:00.1") &&
	    !pve_pci_same("0000:01:00.0", "0000:01:00.1") &&
	    !pve_pci_same("0000:01:0", "0000:01:00.1"),
	    "a slot matches its functions only");

	d = body(&j, "{\"data\":[{\"id\":\"gpu\",\"map\":[\"node=pve1,"
	    "path=0000:01:00.0,id=10de:2204,iommugroup=12\",\"node=pve2,"
	    "path=02:00.0,id=10de:2204\"]}]}");
	ok(pve_hwmap_parse(&j, d, &m, &n, &e) == 0 && n == 2,
	    "a mapping flattens to one row per node");
	is_int(m[0].iommugroup, 12, "iommugroup of the entry");
	is_str(m[1].path, "0000:02:00.0", "paths normalized");
	is_int(m[1].iommugroup, -1, "no iommugroup is -1");
	free(m);
	json_free(&j);

	d = body(&j, "{\"data\":[{\"id\":\"0000:00:02.0\",\"class\":"
	    "\"0x030000\",\"iommugroup\":\"3\",\"mdev\":1},{\"id\":\"x\"}]}");
	ok(pve_pci_parse(&j, d, &pci, &n, &e) == 0 && n == 2 &&
	    pci[0].iommugroup == 3 && pci[0].mdev && pci[1].iommugroup == -1,
	    "PCI: iommugroup as string, absent is -1");
	free(pci);
	json_free(&j);
}

static void
test_misc(void)
{
	struct json j;
	struct pve_disk *dk;
	struct pve_smart s;
	struct pve_opt *kv;
	struct pve_fw_addr *a;
	struct pve_apt_repo *ar;
	struct px_err e;
	int d, n, v[3];

	d = body(&j, "{\"data\":[{\"devpath\":\"/dev/sda\",\"size\":"
	    "\"960197124096\",\"wearout\":\"N/A\",\"vendor\":\"ATA     \","
	    "\"gpt\":1,\"osdid\":-1}]}");
	ok(pve_disks_parse(&j, d, &dk, &n, &e) == 0 && n == 1,
	    "disks parse");
	ok(dk[0].size == 960197124096ULL, "size beyond 32 bits as a string");
	is_int(dk[0].wearout, -1, "wearout N/A is -1");
	is_str(dk[0].vendor, "ATA", "vendor padding trimmed");
	free(dk);
	json_free(&j);

	d = body(&j, "{\"data\":{\"health\":\"PASSED\",\"type\":\"ata\","
	    "\"attributes\":[{\"id\":\"5\",\"name\":\"Reallocated_Sector_Ct\","
	    "\"value\":\"100\",\"worst\":100,\"threshold\":\"10\","
	    "\"raw\":\"0\",\"fail\":\"-\"}]}}");
	ok(pve_smart_parse(&j, d, &s, &e) == 0 && s.nattr == 1 &&
	    s.attr[0].id == 5 && s.attr[0].threshold == 10,
	    "SMART attributes with numbers as strings");
	pve_smart_free(&s);
	json_free(&j);

	d = body(&j, "{\"data\":{\"enable\":1,\"policy_in\":\"DROP\","
	    "\"ebtables\":true,\"x\":{}}}");
	ok(pve_opts_parse(&j, d, &kv, &n, &e) == 0 && n == 3,
	    "options as key/value, nested skipped");
	is_str(kv[2].value, "1", "true as 1");
	free(kv);
	json_free(&j);

	d = body(&j, "{\"data\":[{\"cidr\":\"10.0.0.0/8\",\"nomatch\":1},"
	    "{\"name\":\"lan\",\"cidr\":\"192.168.0.0/16\"},{\"name\":\"set\"}]}");
	ok(pve_fw_addrs_parse(&j, d, &a, &n, &e) == 0 && n == 3 &&
	    a[0].nomatch && a[2].cidr[0] == '\0', "aliases, sets, entries");
	free(a);
	json_free(&j);

	d = body(&j, "{\"data\":{\"files\":[{\"path\":\"/etc/apt/sources.list\","
	    "\"repositories\":[{\"Types\":[\"deb\"],\"URIs\":[\"http://x\"],"
	    "\"Suites\":[\"bookworm\",\"bookworm-updates\"],\"Components\":"
	    "[\"main\"],\"Enabled\":true}]}]}}");
	ok(pve_apt_repos_parse(&j, d, &ar, &n, &e) == 0 && n == 1,
	    "apt repositories");
	is_str(ar[0].suites, "bookworm bookworm-updates", "suites joined");
	free(ar);
	json_free(&j);

	ok(pve_version_split("pve-manager/8.4.1/2a5fa54a", v) == 0 &&
	    v[0] == 8 && v[1] == 4 && v[2] == 1, "pveversion split");
	ok(pve_version_split("none", v) == -1, "no version");
}

static void
test_stats(void)
{
	double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double w[] = { NAN, 1, NAN, 3 };
	long long t[] = { 60, 120, 180, 240 };
	double one[] = { 1, 1, 1, 1 };

	ok(fabs(stat_mean(v, 8) - 5) < 1e-12, "mean");
	ok(fabs(stat_stddev(v, 8) - 2) < 1e-12, "population stddev");
	ok(fabs(stat_median(v, 8) - 4.5) < 1e-12, "median of an even set");
	ok(fabs(stat_median(v, 7) - 4) < 1e-12, "median of an odd set");
	ok(fabs(stat_mean(w, 4) - 2) < 1e-12, "NaN ignored");
	ok(isnan(stat_mean(w, 0)) && isnan(stat_median(w, 0)),
	    "empty set is NaN");
	ok(stat_min(w, 4) == 1 && stat_max(w, 4) == 3, "min, max");
	ok(fabs(stat_zscore(9, 5, 2) - 2) < 1e-12, "z-score");
	ok(stat_zscore(9, 5, 0) == 0, "z-score with no spread is 0");
	ok(fabs(stat_integrate(t, one, 4) - 240) < 1e-9,
	    "integral of 1 over 4 steps of 60 s");
	ok(fabs(stat_integrate(t, w, 4) - 240) < 1e-9,
	    "integral skips unknown periods");
}

int
main(void)
{
	test_recorded();
	test_ha();
	test_hw();
	test_misc();
	test_stats();
	return done_testing();
}
