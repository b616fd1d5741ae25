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

/* Parse inline JSON text s into *j (its root is the array or object). */
static void
inline_json(struct json *j, const char *s)
{
	if (json_parse(j, s, strlen(s), NULL) != 0)
		memset(j, 0, sizeof(*j));
}

/* The recorded pools, snapshots and backups, and their quirks: wrong
 * types, missing fields, rows without their key. */
static void
pools_snapshots_volumes(void)
{
	struct json j;
	char *text;
	int data, n;
	struct pve_pool *p;
	struct pve_snapshot *s;
	struct pve_volume *v;
	struct px_err e;

	if (load("pools.fog-proxmox-pve6.2.json", &j, &text, &data) == 0) {
		ok(pve_pools_parse(&j, data, &p, &n, &e) == 0 && n == 1 &&
		    strcmp(p[0].poolid, "pool1") == 0 &&
		    strcmp(p[0].comment, "Pool 1") == 0 && p[0].members == -1,
		    "PVE 6.2 /pools: id, comment, members not said");
		free(p);
		json_free(&j);
		free(text);
	}
	inline_json(&j, "[{\"poolid\":\"a\",\"members\":[{},{}],\"comment\":7},"
	    "{\"poolid\":\"\"},{\"comment\":\"no id\"},{\"poolid\":null},"
	    "{\"poolid\":\"b\",\"comment\":{\"x\":1},\"members\":{}},\"x\"]");
	ok(pve_pools_parse(&j, 0, &p, &n, &e) == 0 && n == 2,
	    "pools: rows without a poolid are dropped");
	ok(p[0].members == 2 && strcmp(p[0].comment, "7") == 0,
	    "pools: members counted, a number as comment is its text");
	ok(p[1].members == -1 && p[1].comment[0] == '\0',
	    "pools: an object as comment is \"\", members not an array -1");
	free(p);
	json_free(&j);

	if (load("nodes_node_qemu_vmid_snapshot.fog-proxmox-pve7.4.json", &j,
	    &text, &data) == 0) {
		ok(pve_snapshots_parse(&j, data, &s, &n, &e) == 0 && n == 1 &&
		    strcmp(s[0].name, "snapshot1") == 0 &&
		    s[0].snaptime == 1683810191 && s[0].vmstate == 0 &&
		    strcmp(s[0].description, "Snapshot 1") == 0,
		    "PVE 7.4 snapshots: \"current\" skipped, the snapshot read");
		free(s);
		json_free(&j);
		free(text);
	}
	inline_json(&j, "[{\"name\":\"s1\",\"snaptime\":\"1700000000\","
	    "\"vmstate\":\"1\",\"parent\":null},{\"name\":\"s2\",\"snaptime\":"
	    "\"soon\",\"vmstate\":[]},{\"snaptime\":5},{\"name\":\"current\"}]");
	ok(pve_snapshots_parse(&j, 0, &s, &n, &e) == 0 && n == 2,
	    "snapshots: a row without a name and current are dropped");
	ok(s[0].snaptime == 1700000000 && s[0].vmstate == 1 &&
	    s[0].parent[0] == '\0', "snapshots: numbers and booleans as "
	    "strings, null parent");
	ok(s[1].snaptime == 0 && s[1].vmstate == 0,
	    "snapshots: unreadable time and vmstate are 0");
	free(s);
	json_free(&j);
	inline_json(&j, "{\"name\":\"s1\"}");
	ok(pve_snapshots_parse(&j, 0, &s, &n, &e) == -1 && e.id == PXE_PARSE &&
	    s == NULL && n == 0, "snapshots: not an array is a parse error");
	json_free(&j);

	if (load("nodes_node_storage_storage_content.fog-proxmox-pve6.2.json",
	    &j, &text, &data) == 0) {
		ok(pve_volumes_parse(&j, data, "pve", NULL, &v, &n, &e) == 0 &&
		    n == 1 && v[0].vmid == 100 && v[0].size == 4504446 &&
		    v[0].ctime == 1606311551 && strcmp(v[0].format, "tar.lzo") ==
		    0 && strcmp(v[0].content, "backup") == 0,
		    "PVE 6.2 storage content parses");
		ok(strcmp(v[0].storage, "local") == 0 &&
		    strcmp(v[0].node, "pve") == 0 && v[0].verify[0] == '\0',
		    "storage content: storage from the volid, node as listed");
		free(v);
		json_free(&j);
		free(text);
	}
	inline_json(&j, "[{\"volid\":\"pbs:backup/vm/100/2024\",\"vmid\":\"100\","
	    "\"size\":\"68719476736\",\"protected\":\"1\",\"verification\":{"
	    "\"state\":\"ok\",\"upid\":\"UPID:x\"},\"notes\":\"line1\\nline2\"},"
	    "{\"volid\":\"local:iso/x.iso\",\"verification\":\"ok\",\"vmid\":"
	    "\"none\",\"size\":-1},{\"content\":\"iso\"}]");
	ok(pve_volumes_parse(&j, 0, NULL, "pbs2", &v, &n, &e) == 0 && n == 2,
	    "storage content: a row without a volid is dropped");
	ok(v[0].vmid == 100 && v[0].size == 68719476736ULL &&
	    v[0].protected == 1 && strcmp(v[0].verify, "ok") == 0 &&
	    strcmp(v[0].storage, "pbs2") == 0 && v[0].node[0] == '\0',
	    "storage content: strings as numbers, verification state, the "
	    "storage as given");
	is_str(v[0].notes, "line1 line2", "storage content: a newline in "
	    "the notes is a space");
	ok(v[1].vmid == 0 && v[1].size == 0 && v[1].verify[0] == '\0',
	    "storage content: unreadable vmid and size are 0, verification "
	    "not an object is \"\"");
	free(v);
	json_free(&j);
}

/* A huge string is cut to its buffer on a character boundary; the rest
 * of the row still parses. */
static void
huge_strings(void)
{
	struct json j;
	struct buf b = { 0 };
	struct pve_node *nd;
	struct pve_guest *g;
	struct pve_task *t;
	struct pve_storage *st;
	struct px_err e;
	int n;

	buf_adds(&b, "[{\"type\":\"qemu\",\"vmid\":100,\"node\":\"");
	for (int i = 0; i < 20000; i++)
		buf_adds(&b, "\xc3\xa9");	/* é, 2 bytes */
	buf_adds(&b, "\",\"name\":\"");
	for (int i = 0; i < 100000; i++)
		buf_adds(&b, "x");
	buf_adds(&b, "\",\"storage\":\"s\",\"upid\":\"UPID:");
	for (int i = 0; i < 1000; i++)
		buf_adds(&b, "y");
	buf_adds(&b, "\",\"status\":\"online\",\"maxmem\":1024}]");
	inline_json(&j, b.p);

	ok(pve_guests_parse(&j, 0, NULL, NULL, &g, &n, &e) == 0 && n == 1,
	    "huge strings: the guest parses");
	is_int((int)strlen(g[0].name), (int)sizeof(g[0].name) - 1,
	    "huge strings: the name is cut to its buffer");
	ok(strlen(g[0].node) % 2 == 0 && strlen(g[0].node) ==
	    sizeof(g[0].node) - 2, "huge strings: UTF-8 is cut between "
	    "characters, not in one");
	ok(g[0].maxmem == 1024, "huge strings: the fields after them parse");
	free(g);
	ok(pve_nodes_parse(&j, 0, &nd, &n, &e) == 0 && n == 0,
	    "huge strings: a row of another type is no node");
	free(nd);
	ok(pve_tasks_parse(&j, 0, &t, &n, &e) == 0 && n == 1 &&
	    strlen(t[0].upid) == sizeof(t[0].upid) - 1,
	    "huge strings: the UPID is cut to its buffer");
	free(t);
	ok(pve_storages_parse(&j, 0, &st, &n, &e) == 0 && n == 1 &&
	    strcmp(st[0].plugintype, "qemu") == 0 &&
	    strlen(st[0].node) < sizeof(st[0].node),
	    "huge strings: a storage row");
	free(st);
	json_free(&j);
	buf_free(&b);
}

/* Strings from the server reach a terminal: no escape sequence or
 * control character (ESC, CR, C1's CSI) survives a parser. */
static void
sanitized(void)
{
	struct json j;
	struct pve_node *nd;
	struct pve_guest *g;
	struct pve_storage *st;
	struct pve_task *t;
	struct pve_pool *p;
	struct pve_snapshot *s;
	struct pve_volume *v;
	struct px_err e;
	char here[64];
	int n;
	const char *bad = "a\\u001b]0;pwned\\u0007\\u001b[2Jb\\rc\\u009b31md";
	const char *want = "a?]0;pwned??[2Jb?c?31md";
	struct buf b = { 0 };

	buf_printf(&b, "[{\"type\":\"qemu\",\"vmid\":1,\"node\":\"%s\","
	    "\"name\":\"%s\",\"tags\":\"%s\",\"status\":\"%s\",\"upid\":\"%s\","
	    "\"exitstatus\":\"%s\",\"user\":\"%s\",\"storage\":\"%s\","
	    "\"content\":\"%s\",\"poolid\":\"%s\",\"comment\":\"%s\","
	    "\"parent\":\"%s\",\"description\":\"%s\",\"volid\":\"%s\","
	    "\"notes\":\"%s\",\"verification\":{\"state\":\"%s\"}},"
	    "{\"name\":\"current\",\"parent\":\"%s\"}]", bad, bad, bad, bad,
	    bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad);
	inline_json(&j, b.p);

	ok(pve_guests_parse(&j, 0, NULL, NULL, &g, &n, &e) == 0 && n == 1,
	    "sanitized: the guest parses");
	is_str(g[0].name, want, "sanitized: guest name: ESC, BEL, CR, CSI "
	    "are '?'");
	ok(strcmp(g[0].node, want) == 0 && strcmp(g[0].tags, want) == 0 &&
	    strncmp(g[0].status, want, sizeof(g[0].status) - 1) == 0,
	    "sanitized: guest node, tags, status (cut to its buffer)");
	free(g);
	pve_nodes_parse(&j, 0, &nd, &n, &e);
	ok(n == 0, "sanitized: a qemu row is no node");
	free(nd);
	ok(pve_storages_parse(&j, 0, &st, &n, &e) == 0 && n == 1 &&
	    strcmp(st[0].storage, want) == 0 && strcmp(st[0].node, want) == 0 &&
	    strcmp(st[0].content, want) == 0, "sanitized: storage");
	free(st);
	ok(pve_tasks_parse(&j, 0, &t, &n, &e) == 0 && n == 1 &&
	    strcmp(t[0].upid, want) == 0 && strcmp(t[0].node, want) == 0 &&
	    strcmp(t[0].user, want) == 0 && strcmp(t[0].exitstatus, want) == 0 &&
	    strcmp(t[0].status, want) == 0, "sanitized: task");
	free(t);
	ok(pve_pools_parse(&j, 0, &p, &n, &e) == 0 && n == 1 &&
	    strcmp(p[0].poolid, want) == 0 && strcmp(p[0].comment, want) == 0,
	    "sanitized: pool");
	free(p);
	ok(pve_snapshots_parse(&j, 0, &s, &n, &e) == 0 && n == 1 &&
	    strcmp(s[0].name, want) == 0 && strcmp(s[0].parent, want) == 0 &&
	    strcmp(s[0].description, want) == 0, "sanitized: snapshot");
	free(s);
	pve_snapshot_here(&j, 0, here, sizeof(here));
	is_str(here, want, "sanitized: the snapshot the guest is on");
	ok(pve_volumes_parse(&j, 0, NULL, NULL, &v, &n, &e) == 0 && n == 1 &&
	    strcmp(v[0].volid, want) == 0 && strcmp(v[0].notes, want) == 0 &&
	    strcmp(v[0].verify, "a?]0;pwned??[2J") == 0, "sanitized: volume, its "
	    "verification cut to its buffer");
	free(v);
	json_free(&j);
	buf_free(&b);
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
	pools_snapshots_volumes();
	huge_strings();
	sanitized();
	return done_testing();
}
