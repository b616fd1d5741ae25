/* pve.c -- typed parsing of PVE answers, on responses recorded from real
 * PVE 6.2 and 7.4 servers (../shared/reference/recorded) and on the
 * quirks PVE is known for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve.h"
#include "recorded.h"
#include "tap.h"

static int
load(const char *name, struct json *j, char **text, int *data)
{
	size_t n;

	*text = recorded_slurp(name, &n);
	if (*text == NULL || json_parse(j, *text, n, NULL) != 0)
		return -1;
	*data = json_get(j, 0, "data");
	return 0;
}

int
main(void)
{
	struct json j;
	char *text;
	int data, n;
	struct pve_node *nodes;
	struct pve_guest *g;
	struct pve_storage *st;
	struct pve_task *t, one;
	struct px_err e;

	if (load("nodes.fog-proxmox-pve7.4.json", &j, &text, &data) != 0) {
		printf("1..0 # SKIP reference data not found (PX_TOP)\n");
		return 0;
	}
	ok(pve_nodes_parse(&j, data, &nodes, &n, &e) == 0 && n == 1,
	    "PVE 7.4 /nodes parses");
	is_str(nodes[0].name, "proxmox-noris", "node name");
	ok(nodes[0].online && nodes[0].maxcpu == 16, "online, 16 CPUs");
	ok(nodes[0].maxmem == 75980378112ULL, "memory above 32 bits");
	ok(strncmp(nodes[0].ssl_fingerprint, "94:BC:30", 8) == 0,
	    "ssl_fingerprint");
	free(nodes);
	json_free(&j);
	free(text);

	load("cluster_resources_type_node.fog-proxmox-pve6.2.json", &j, &text,
	    &data);
	ok(pve_nodes_parse(&j, data, &nodes, &n, &e) == 0 && n == 1 &&
	    strcmp(nodes[0].name, "pve") == 0 && nodes[0].uptime == 818,
	    "/cluster/resources?type=node rows are nodes");
	free(nodes);
	json_free(&j);
	free(text);

	load("nodes_node_qemu.fog-proxmox-pve6.2.json", &j, &text, &data);
	ok(pve_guests_parse(&j, data, "pve", "qemu", &g, &n, &e) == 0 &&
	    n == 1, "PVE 6.2 /nodes/{node}/qemu parses");
	is_int(g[0].vmid, 100, "vmid sent as the string \"100\"");
	is_str(g[0].type, "qemu", "type taken from the endpoint");
	is_str(g[0].node, "pve", "node taken from the endpoint");
	is_int(g[0].template, 0, "template sent as \"\" is false");
	ok(g[0].maxmem == 536870912 && g[0].maxcpu == 1, "maxmem, cpus");
	free(g);
	json_free(&j);
	free(text);

	load("nodes_node_lxc.fog-proxmox-pve6.2.json", &j, &text, &data);
	ok(pve_guests_parse(&j, data, "pve", "lxc", &g, &n, &e) == 0 &&
	    n == 1 && g[0].vmid == 100 && strcmp(g[0].type, "lxc") == 0 &&
	    strcmp(g[0].name, "CT100") == 0, "PVE 6.2 /nodes/{node}/lxc");
	free(g);
	json_free(&j);
	free(text);

	load("nodes_node_storage.fog-proxmox-pve6.2.json", &j, &text, &data);
	ok(pve_storages_parse(&j, data, &st, &n, &e) == 0 && n == 2,
	    "/nodes/{node}/storage parses");
	ok(strcmp(st[0].storage, "local-lvm") == 0 &&
	    strcmp(st[0].plugintype, "lvmthin") == 0 &&
	    st[0].maxdisk == 4290772992ULL && st[0].disk == 43765884,
	    "used/total become disk/maxdisk");
	free(st);
	json_free(&j);
	free(text);

	static const char *lists[] = {
		"nodes_node_tasks.fog-proxmox-pve6.2.json",
		"nodes_node_tasks.fog-proxmox-pve7.4.json",
		"nodes_node_tasks_limit1.fog-proxmox-pve6.2.json",
	};
	for (size_t i = 0; i < 3; i++) {
		int okcount = 0, errs = 0;

		load(lists[i], &j, &text, &data);
		ok(pve_tasks_parse(&j, data, &t, &n, &e) == 0 && n > 0 &&
		    n == json_len(&j, data), "%s: every task parses", lists[i]);
		for (int k = 0; k < n; k++) {
			okcount += t[k].ok;
			errs += !t[k].ok && !t[k].running;
			if (t[k].node[0] == 0 || t[k].type[0] == 0 ||
			    t[k].starttime == 0)
				errs += 1000;
		}
		ok(okcount + errs > 0 && errs < 1000, "%s: %d OK, %d failed, all "
		    "with node, type and start", lists[i], okcount, errs);
		free(t);
		json_free(&j);
		free(text);
	}

	load("nodes_node_tasks_upid_status_running.fog-proxmox-pve6.2.json",
	    &j, &text, &data);
	pve_task_from(&j, data, &one);
	ok(one.running && !one.ok, "a running task is running, not ok");
	json_free(&j);
	free(text);
	load("nodes_node_tasks_upid_status_stopped_error.fog-proxmox-pve6.2.json",
	    &j, &text, &data);
	pve_task_from(&j, data, &one);
	ok(!one.running && !one.ok && strstr(one.exitstatus, "unable to "
	    "create CT 100"), "a failed task carries PVE's error text");
	json_free(&j);
	free(text);
	load("nodes_node_tasks_upid_status_stopped_ok.fog-proxmox-pve7.4.json",
	    &j, &text, &data);
	pve_task_from(&j, data, &one);
	ok(!one.running && one.ok, "a task stopped with OK is ok");
	json_free(&j);
	free(text);

	/* Quirks: numbers as strings, 0/1/""/"1" booleans, nulls, missing
	 * fields for stopped guests, byte counts above 2^32, other rows. */
	const char *quirks = "[{\"type\":\"qemu\",\"vmid\":\"101\",\"status\":"
	    "\"stopped\",\"maxmem\":\"68719476736\",\"template\":\"1\","
	    "\"cpu\":null,\"node\":\"pve2\",\"tags\":\"prod;web\"},"
	    "{\"type\":\"lxc\",\"vmid\":102,\"template\":true,\"uptime\":"
	    "\"3600\",\"cpu\":\"0.25\",\"mem\":1e3},"
	    "{\"type\":\"storage\",\"storage\":\"local\"},"
	    "{\"type\":\"qemu\",\"vmid\":\"abc\"},{\"type\":\"qemu\"},"
	    "{\"type\":\"qemu\",\"vmid\":-5},17,null]";
	ok(json_parse(&j, quirks, strlen(quirks), &e) == 0, "quirk list parses");
	ok(pve_guests_parse(&j, 0, NULL, NULL, &g, &n, &e) == 0 && n == 2,
	    "only the two valid guests are kept");
	ok(g[0].vmid == 101 && g[0].maxmem == 68719476736ULL &&
	    g[0].template == 1 && g[0].cpu == 0, "strings as numbers, "
	    "\"1\" as true, null as 0");
	ok(pve_has_tag(g[0].tags, "prod") && pve_has_tag(g[0].tags, "WEB") &&
	    !pve_has_tag(g[0].tags, "pro"), "tags match whole words");
	ok(g[1].template == 1 && g[1].uptime == 3600 && g[1].cpu == 0.25 &&
	    g[1].mem == 1000, "true, \"3600\", \"0.25\", 1e3");
	free(g);
	json_free(&j);
	ok(pve_guests_parse(&j, -1, NULL, NULL, &g, &n, &e) == -1 &&
	    e.id == PXE_PARSE, "a missing list is a parse error");

	ok(pve_valid_node("pve1") && pve_valid_node("node-2.lab"),
	    "node names");
	ok(!pve_valid_node("a/b") && !pve_valid_node("") &&
	    !pve_valid_node("../x") && !pve_valid_node("a b"),
	    "names with '/', spaces or dots first are invalid");
	return done_testing();
}
