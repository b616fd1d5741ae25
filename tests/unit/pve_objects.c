/* pve_objects.c -- the parsers of lib/pve_*.c (cluster, guest, node,
 * firewall, task, RRD) on answers recorded from real PVE 6.2 and 7.4
 * servers (../shared/reference/recorded) and on PVE's quirks; the
 * statistics, times, durations and watch conditions that go with them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve_cluster.h"
#include "pve_cond.h"
#include "pve_firewall.h"
#include "pve_guest.h"
#include "pve_node.h"
#include "pve_rrd.h"
#include "pve_task.h"
#include "recorded.h"
#include "tap.h"

/* One parsed body at a time: a recorded file or inline text. */
static struct json j;
static char *text;
static int data;

static int
load(const char *name)
{
	size_t n;

	json_free(&j);
	free(text);
	text = recorded_slurp(name, &n);
	if (text == NULL || json_parse(&j, text, n, NULL) != 0)
		return -1;
	data = json_get(&j, 0, "data");
	return 0;
}

static void
inline_json(const char *s)
{
	json_free(&j);
	free(text);
	text = px_xstrdup(s);
	json_parse(&j, text, strlen(text), NULL);
	data = json_get(&j, 0, "data");
}

static void
recorded(void)
{
	struct pve_acl *acl;
	struct pve_realm *re;
	struct pve_role *ro;
	struct pve_user *u;
	struct pve_token *tk;
	struct pve_perm *pm;
	struct pve_kv *kv;
	struct pve_guest_status s;
	struct pve_log_line *l;
	struct pve_pool_member *m;
	struct pve_version v;
	struct pve_rrd r;
	struct pve_netif *ifs;
	struct px_err e;
	char comment[256];
	double *col;
	int n, id, f;

	load("access_acl.fog-proxmox-pve6.2.json");
	ok(pve_acl_parse(&j, data, &acl, &n, &e) == 0 && n == 1, "ACL parses");
	is_str(acl[0].ugid, "bobsinclar@pve", "ACL ugid");
	ok(acl[0].propagate == 1 && !strcmp(acl[0].path, "/access"),
	    "ACL path, propagate 1");
	free(acl);

	load("access_domains.fog-proxmox-pve6.2.json");
	ok(pve_realms_parse(&j, data, &re, &n, &e) == 0 && n == 4,
	    "4 realms");
	is_str(re[1].tfa, "oath", "realm tfa");
	is_str(re[3].comment, "", "a realm without comment");
	free(re);

	load("access_roles.fog-proxmox-pve6.2.json");
	ok(pve_roles_parse(&j, data, &ro, &n, &e) == 0 && n > 3, "roles");
	ok(ro[0].special == 1 && strstr(ro[0].privs, "Sys.Audit") != NULL,
	    "special role with its privileges");
	free(ro);

	load("access_users.fog-proxmox-pve6.2.json");
	ok(pve_users_parse(&j, data, &u, &n, &e) == 0 && n == 2, "users");
	ok(u[0].enable == 1 && u[1].enable == 0, "enable 1 and 0");
	is_str(u[1].firstname, "Bob", "first name");
	is_int(u[1].ntokens, -1, "no tokens key: -1");
	free(u);

	load("access_users_userid_token.fog-proxmox-pve6.2.json");
	ok(pve_tokens_parse(&j, data, &tk, &n, &e) == 0 && n == 1 &&
	    tk[0].privsep == 0, "token, privsep 0");
	free(tk);

	load("access_permissions_userid.fog-proxmox-pve6.2.json");
	ok(pve_perms_parse(&j, data, &pm, &n, &e) == 0 && n == 4,
	    "permissions: 4 path/privilege pairs");
	is_str(pm[0].path, "/access", "sorted by path");
	is_str(pm[0].priv, "Group.Allocate", "then by privilege");
	ok(pm[3].propagate == 1, "propagate");
	free(pm);

	load("cluster_nextid.fog-proxmox-pve6.2.json");
	ok(pve_nextid_parse(&j, data, &id, &e) == 0 && id == 100,
	    "nextid sent as a string");

	load("version.fog-proxmox-pve6.2.json");
	ok(pve_version_parse(&j, data, &v, &e) == 0, "version parses");
	is_str(v.version, "6.2-4", "version");
	is_str(v.repoid, "9824574a", "repoid");

	load("nodes_node_lxc_vmid_config.fog-proxmox-pve6.2.json");
	ok(pve_kv_parse(&j, data, &kv, &n, &e) == 0 && n == 9,
	    "lxc config: 9 keys");
	is_str(kv[0].key, "arch", "keys sorted");
	is_str(pve_kv_get(kv, n, "memory"), "512", "a number as text");
	ok(strstr(pve_kv_get(kv, n, "net0"), "ip=dhcp") != NULL, "net0");
	pve_kv_free(kv, n);

	load("nodes_node_qemu_vmid_config.fog-proxmox-pve7.4.json");
	ok(pve_kv_parse(&j, data, &kv, &n, &e) == 0 && n == 5,
	    "qemu config (7.4)");
	is_str(pve_kv_get(kv, n, "boot"), " ", "a blank value kept");
	pve_kv_free(kv, n);

	load("nodes_node_lxc_vmid_status_current_running.fog-proxmox-pve6.2.json");
	ok(pve_guest_status_parse(&j, data, &s, &e) == 0, "lxc status");
	ok(s.vmid == 100 && s.pid == 3578, "vmid and pid sent as strings");
	ok(s.maxdisk == 1031540736ULL && s.disk == 11665408ULL,
	    "byte counts sent as strings");
	ok(s.swap == 0, "a negative swap is not a byte count: 0");
	ok(s.template == 0 && s.ha_managed == 0 && s.ha_state[0] == '\0',
	    "template \"\" is false, not HA-managed");
	is_int(s.agent, -1, "no agent key for a container");

	load("nodes_node_qemu_vmid_status_current_stopped.fog-proxmox-pve6.2.json");
	ok(pve_guest_status_parse(&j, data, &s, &e) == 0 && s.pid == 0 &&
	    !strcmp(s.qmpstatus, "stopped"), "stopped VM: pid null is 0");

	load("nodes_node_qemu_vmid_status_current.fog-proxmox-pve7.4.json");
	ok(pve_guest_status_parse(&j, data, &s, &e) == 0 && s.vmid == 101 &&
	    s.maxmem == 536870912ULL, "qemu status (7.4)");

	load("nodes_node_tasks_upid_log.fog-proxmox-pve6.2.json");
	ok(pve_task_log_parse(&j, data, &l, &n, &e) == 0 && n > 10,
	    "task log");
	ok(l[0].n == 1 && strstr(l[0].t, "create full clone") == l[0].t,
	    "line 1");
	ok(strchr(l[3].t, '\b') == NULL, "backspaces are replaced");
	ok(strchr(l[7].t, '\t') == NULL, "tabs are replaced");
	is_str(l[8].t, "", "an empty line stays empty");
	pve_log_free(l, n);

	load("pools_poolid.fog-proxmox-pve6.2.json");
	ok(pve_pool_members_parse(&j, data, &m, &n, comment, &e) == 0 &&
	    n == 1, "pool members from /pools/{poolid}");
	is_str(comment, "Pool 1", "pool comment");
	ok(!strcmp(m[0].type, "storage") && m[0].vmid == 0 &&
	    !strcmp(m[0].storage, "local-lvm"), "a storage member");
	free(m);

	load("nodes_node_rrddata.fog-proxmox-pve6.2.json");
	ok(pve_rrd_parse(&j, data, &r, &e) == 0,
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
	col = pve_rrd_column(&r, f);
	ok(stat_mean(col, r.npoints) > 0 && !isnan(stat_median(col,
	    r.npoints)), "statistics skip the NaN of a real series");
	free(col);
	pve_rrd_free(&r);

	load("nodes_node_network.fog-proxmox-pve6.2.json");
	ok(pve_netifs_parse(&j, data, &ifs, &n, &e) == 0,
	    "recorded node network parses");
	is_int(n, 4, "four interfaces");
	is_str(ifs[3].iface, "vmbr0", "the bridge");
	is_str(ifs[3].cidr, "192.168.56.101/24", "its cidr");
	is_str(ifs[3].ports, "enp0s3", "its ports");
	ok(ifs[3].active && ifs[3].autostart, "active, autostart (0/1)");
	ok(!ifs[0].active && ifs[1].active, "active absent is 0");
	free(ifs);
}

static void
quirks(void)
{
	struct pve_kv *kv;
	struct pve_iface *ifs;
	struct pve_cluster_member *cm;
	struct pve_resource *rs;
	struct pve_pool_member *m;
	struct pve_user *u;
	struct pve_perm *pm;
	struct pve_version v;
	struct px_err e;
	int n;

	inline_json("{\"data\":[{\"key\":\"net10\",\"value\":\"a\"},"
	    "{\"key\":\"net2\",\"value\":\"b\",\"pending\":\"c\"},"
	    "{\"key\":\"cores\",\"delete\":\"1\",\"value\":2},{\"value\":1}]}");
	ok(pve_pending_parse(&j, data, &kv, &n, &e) == 0 && n == 3,
	    "pending: a row without key is skipped");
	ok(!strcmp(kv[0].key, "cores") && !strcmp(kv[1].key, "net2") &&
	    !strcmp(kv[2].key, "net10"), "natural order: net2 before net10");
	ok(kv[0].del == 1 && !strcmp(kv[0].value, "2") && kv[0].pending ==
	    NULL, "delete as a string, value as a number");
	is_str(kv[1].pending, "c", "pending value");
	pve_kv_free(kv, n);

	inline_json("{\"data\":{\"ha\":{\"shutdown_policy\":\"migrate\"},"
	    "\"keyboard\":\"en-us\",\"x\":null}}");
	ok(pve_kv_parse(&j, data, &kv, &n, &e) == 0 && n == 3, "options");
	is_str(pve_kv_get(kv, n, "ha"), "{\"shutdown_policy\":\"migrate\"}",
	    "an object value as JSON text");
	ok(pve_kv_get(kv, n, "x") == NULL, "null is NULL");
	pve_kv_free(kv, n);
	inline_json("{\"data\":[]}");
	ok(pve_kv_parse(&j, data, &kv, &n, &e) == -1 && e.id == PXE_PARSE,
	    "a config that is not an object: parse error");

	inline_json("{\"data\":{\"result\":[{\"name\":\"lo\",\"ip-addresses\":"
	    "[{\"ip-address\":\"127.0.0.1\",\"prefix\":8}]},{\"name\":\"eth0\","
	    "\"hardware-address\":\"bc:24:11:00:00:01\",\"ip-addresses\":["
	    "{\"ip-address\":\"10.0.0.5\",\"ip-address-type\":\"ipv4\"},"
	    "{\"ip-address\":\"fe80::1\",\"ip-address-type\":\"ipv6\"}]}]}}");
	ok(pve_ifaces_parse(&j, data, &ifs, &n, &e) == 0 && n == 2,
	    "agent interfaces");
	ok(ifs[1].naddr == 2 && !strcmp(ifs[1].addr[0], "10.0.0.5") &&
	    !strcmp(ifs[1].hwaddr, "bc:24:11:00:00:01"), "agent addresses");
	free(ifs);
	inline_json("{\"data\":{\"result\":{\"error\":{\"class\":\"x\"}}}}");
	ok(pve_ifaces_parse(&j, data, &ifs, &n, &e) == 0 && n == 0,
	    "an agent error: no interfaces");
	free(ifs);
	inline_json("{\"data\":[{\"name\":\"eth0\",\"hwaddr\":\"aa\","
	    "\"inet\":\"10.1.0.3/16\",\"inet6\":\"fd00::3/64\"}]}");
	ok(pve_ifaces_parse(&j, data, &ifs, &n, &e) == 0 && n == 1 &&
	    ifs[0].naddr == 2 && !strcmp(ifs[0].addr[0], "10.1.0.3") &&
	    !strcmp(ifs[0].addr[1], "fd00::3"),
	    "lxc interfaces: inet/inet6 without the prefix");
	free(ifs);

	inline_json("{\"data\":[{\"type\":\"cluster\",\"name\":\"c\",\"quorate\""
	    ":1,\"nodes\":\"3\",\"version\":5},{\"type\":\"node\",\"name\":"
	    "\"n1\",\"online\":\"1\",\"local\":true,\"nodeid\":\"1\"},"
	    "{\"type\":\"node\",\"name\":\"n2\",\"online\":0}]}");
	ok(pve_cluster_status_parse(&j, data, &cm, &n, &e) == 0 && n == 3,
	    "cluster status");
	ok(cm[0].quorate && cm[0].nodes == 3, "quorate, nodes as a string");
	ok(cm[1].online && cm[1].local && cm[1].nodeid == 1 && !cm[2].online,
	    "online as \"1\", true and 0");
	free(cm);

	inline_json("{\"data\":[{\"id\":\"qemu/100\",\"type\":\"qemu\","
	    "\"vmid\":\"100\",\"maxmem\":\"68719476736\",\"cpu\":\"0.5\"},"
	    "{\"id\":\"pool/p\",\"type\":\"pool\",\"pool\":\"p\"},{\"type\":"
	    "\"sdn\"}]}");
	ok(pve_resources_parse(&j, data, &rs, &n, &e) == 0 && n == 2,
	    "resources: a row without id is skipped");
	ok(rs[0].vmid == 100 && rs[0].maxmem == 68719476736ULL &&
	    rs[0].cpu == 0.5, "numbers as strings, above 32 bits");
	is_str(rs[1].pool, "p", "a pool row");
	free(rs);

	inline_json("{\"data\":[{\"poolid\":\"p\",\"members\":[{\"id\":"
	    "\"lxc/101\",\"type\":\"lxc\",\"vmid\":101,\"node\":\"n1\"}]}]}");
	ok(pve_pool_members_parse(&j, data, &m, &n, NULL, &e) == 0 && n == 1 &&
	    m[0].vmid == 101, "members from /pools?poolid=");
	free(m);
	inline_json("{\"data\":[]}");
	ok(pve_pool_members_parse(&j, data, &m, &n, NULL, &e) == -1 &&
	    e.id == PXE_NOT_FOUND, "no such pool: not found");

	inline_json("{\"data\":[{\"userid\":\"a@pve\",\"tokens\":[{\"tokenid\""
	    ":\"t\"}]},{\"enable\":1},{\"userid\":\"b@pve\",\"enable\":\"0\"}]}");
	ok(pve_users_parse(&j, data, &u, &n, &e) == 0 && n == 2 &&
	    u[0].ntokens == 1 && u[0].enable == 1 && u[1].ntokens == -1 &&
	    u[1].enable == 0, "users: tokens counted, enable defaults to 1");
	free(u);

	inline_json("{\"data\":{\"version\":\"9.1.1\",\"release\":9.1}}");
	ok(pve_version_parse(&j, data, &v, &e) == 0 &&
	    !strcmp(v.release, "9.1") && v.repoid[0] == '\0',
	    "version: release as a number, no repoid");
	inline_json("{\"data\":{\"release\":\"9.1\"}}");
	ok(pve_version_parse(&j, data, &v, &e) == -1 && e.id == PXE_PARSE,
	    "version: no version is a parse error");
	inline_json("{\"data\":null}");
	ok(pve_version_parse(&j, data, &v, &e) == -1,
	    "version: no data is a parse error");

	inline_json("{\"data\":{}}");
	ok(pve_perms_parse(&j, data, &pm, &n, &e) == 0 && n == 0,
	    "no permissions at all");
	free(pm);
}

/* The parsers that describe, upgradecheck, cluster and storage share. */
static void
merged(void)
{
	struct pve_cluster_member *cm;
	struct pve_storage_cfg *sc;
	struct pve_backup_job *bj;
	struct pve_netif *ifs;
	struct pve_usb *usb;
	struct px_err e;
	int n;

	inline_json("{\"data\":[{\"type\":\"node\",\"name\":\"n1\","
	    "\"ip\":\"10.0.0.1\",\"nodeid\":2,\"level\":\"c\"},"
	    "{\"type\":\"\",\"name\":\"x\"},{\"type\":null},"
	    "{\"name\":\"y\"}]}");
	ok(pve_cluster_status_parse(&j, data, &cm, &n, &e) == 0 && n == 1,
	    "cluster status: rows with an empty, null or no type dropped");
	ok(!strcmp(cm[0].ip, "10.0.0.1") && cm[0].nodeid == 2 &&
	    !strcmp(cm[0].level, "c") && cm[0].quorate == 0,
	    "cluster status: ip, nodeid, level; absent quorate is 0");
	free(cm);

	inline_json("{\"data\":[{\"storage\":\"local\",\"type\":\"dir\","
	    "\"path\":\"/var/lib/vz\",\"content\":\"iso,backup\","
	    "\"prune-backups\":\"keep-last=3\",\"maxfiles\":\"2\","
	    "\"shared\":\"0\"},{\"storage\":\"zfs\",\"type\":\"zfspool\","
	    "\"pool\":\"rpool/data\",\"nodes\":\"n1,n2\",\"disable\":1},"
	    "{\"storage\":\"lvm\",\"type\":\"lvmthin\",\"vgname\":\"pve\","
	    "\"maxfiles\":null},{\"type\":\"nfs\",\"server\":\"s\"}]}");
	ok(pve_storage_cfg_parse(&j, data, &sc, &n, &e) == 0 && n == 3,
	    "storage configuration: a row without storage is dropped");
	ok(!strcmp(sc[0].path, "/var/lib/vz") && !sc[0].shared &&
	    !strcmp(sc[0].prune, "keep-last=3"), "path, prune-backups");
	ok(sc[0].has_maxfiles && !sc[1].has_maxfiles && !sc[2].has_maxfiles,
	    "maxfiles is seen; absent or null is not");
	is_str(sc[1].pool, "rpool/data", "a zfs pool");
	ok(sc[1].disable && !strcmp(sc[1].nodes, "n1,n2"), "nodes, disable");
	is_str(sc[2].pool, "pve", "an LVM volume group as the pool");
	free(sc);

	inline_json("{\"data\":[{\"id\":\"b1\",\"maxfiles\":1,"
	    "\"next-run\":\"1700000000\"},{\"id\":\"b2\",\"enabled\":0,"
	    "\"all\":1},{\"enabled\":1}]}");
	ok(pve_backup_jobs_parse(&j, data, &bj, &n, &e) == 0 && n == 2,
	    "backup jobs: a job without id is dropped");
	ok(bj[0].enabled && bj[0].has_maxfiles && bj[0].next_run ==
	    1700000000 && !bj[1].enabled && bj[1].all && !bj[1].has_maxfiles,
	    "backup jobs: enabled defaults to 1, maxfiles, next-run");
	free(bj);

	inline_json("{\"data\":[{\"iface\":\"bond0\",\"type\":\"bond\","
	    "\"slaves\":\"eno1 eno2\"},{\"iface\":\"vmbr1\",\"type\":"
	    "\"OVSBridge\",\"ovs_ports\":\"bond0\"},{\"type\":\"eth\"},"
	    "{\"iface\":\"vmbr0\",\"bridge_ports\":\"eno3\","
	    "\"mtu\":\"9000\"}]}");
	ok(pve_netifs_parse(&j, data, &ifs, &n, &e) == 0 && n == 3,
	    "node network: a row without iface is dropped");
	ok(!strcmp(ifs[0].ports, "eno1 eno2") && !strcmp(ifs[1].ports,
	    "bond0") && !strcmp(ifs[2].ports, "eno3") && ifs[2].mtu == 9000,
	    "ports of a bond, an OVS bridge and a bridge");
	free(ifs);

	inline_json("{\"data\":[{\"busnum\":\"1\",\"devnum\":2},"
	    "{\"devnum\":3},{\"busnum\":0,\"devnum\":4}]}");
	ok(pve_usb_parse(&j, data, &usb, &n, &e) == 0 && n == 2 &&
	    usb[0].busnum == 1 && usb[1].devnum == 4,
	    "a numeric key: only an absent one drops the row");
	free(usb);
}

static void
agent_exec(void)
{
	struct pve_agent_exec_status st;
	struct px_err e;
	long long pid;

	inline_json("{\"data\":{\"pid\":4711}}");
	ok(pve_agent_exec_parse(&j, data, &pid, &e) == 0 && pid == 4711,
	    "exec: the pid");
	inline_json("{\"data\":{\"pid\":\"12\"}}");
	ok(pve_agent_exec_parse(&j, data, &pid, &e) == 0 && pid == 12,
	    "exec: a pid sent as a string");
	inline_json("{\"data\":{}}");
	ok(pve_agent_exec_parse(&j, data, &pid, &e) == -1 &&
	    e.id == PXE_PARSE, "exec: no pid is a parse error");
	inline_json("{\"data\":null}");
	ok(pve_agent_exec_parse(&j, data, &pid, &e) == -1,
	    "exec: no data is a parse error");

	inline_json("{\"data\":{\"exited\":0}}");
	ok(pve_agent_exec_status_parse(&j, data, &st, &e) == 0 &&
	    !st.exited && st.exitcode == -1 && st.signal == -1 &&
	    st.out == NULL, "exec-status: still running");
	inline_json("{\"data\":{\"exited\":1,\"exitcode\":3,"
	    "\"out-data\":\"hi\\n\",\"err-data\":\"oops\","
	    "\"out-truncated\":true}}");
	ok(pve_agent_exec_status_parse(&j, data, &st, &e) == 0 &&
	    st.exited && st.exitcode == 3 && st.signal == -1,
	    "exec-status: exited with a code");
	is_str(st.out, "hi\n", "exec-status: output unescaped");
	is_str(st.err, "oops", "exec-status: error output");
	ok(st.out_trunc == 1 && st.err_trunc == 0,
	    "exec-status: truncation flags, absent is 0");
	pve_agent_exec_status_free(&st);
	ok(st.out == NULL && st.err == NULL, "exec-status: freed");
	inline_json("{\"data\":{\"exited\":\"1\",\"signal\":\"9\","
	    "\"err-truncated\":1}}");
	ok(pve_agent_exec_status_parse(&j, data, &st, &e) == 0 &&
	    st.exited && st.signal == 9 && st.exitcode == -1 &&
	    st.out == NULL && st.err_trunc == 1,
	    "exec-status: killed by a signal, numbers as strings, 0/1 flags");
	pve_agent_exec_status_free(&st);
	inline_json("{\"data\":{\"exited\":true,\"exitcode\":0}}");
	ok(pve_agent_exec_status_parse(&j, data, &st, &e) == 0 &&
	    st.exited && st.exitcode == 0, "exec-status: exited as true");
	pve_agent_exec_status_free(&st);
	inline_json("{\"data\":[]}");
	ok(pve_agent_exec_status_parse(&j, data, &st, &e) == -1 &&
	    e.id == PXE_PARSE && !st.exited,
	    "exec-status: not an object is a parse error");
}

static void
agent_file(void)
{
	struct pve_agent_file f;
	struct px_err e;

	inline_json("{\"data\":{\"content\":\"  0: 00000000:0050 "
	    "00000000:0000 0A\\n\"}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 && f.truncated == 0,
	    "file-read: content, truncated absent is 0");
	is_str(f.content, "  0: 00000000:0050 00000000:0000 0A\n",
	    "file-read: content unescaped, newlines kept");
	pve_agent_file_free(&f);
	ok(f.content == NULL, "file-read: freed");
	inline_json("{\"data\":{\"content\":\"x\",\"truncated\":1}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 && f.truncated == 1,
	    "file-read: truncated as 1");
	pve_agent_file_free(&f);
	inline_json("{\"data\":{\"content\":\"x\",\"truncated\":\"1\"}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 && f.truncated == 1,
	    "file-read: truncated as a string");
	pve_agent_file_free(&f);
	inline_json("{\"data\":{\"content\":\"\",\"truncated\":false}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 && f.truncated == 0 &&
	    f.content && f.content[0] == '\0',
	    "file-read: an empty file, truncated as false");
	pve_agent_file_free(&f);
	inline_json("{\"data\":{\"content\":42}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 &&
	    f.content && strcmp(f.content, "42") == 0,
	    "file-read: a number as content gives its text");
	pve_agent_file_free(&f);
	inline_json("{\"data\":{\"result\":{\"content\":\"y\","
	    "\"truncated\":true}}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == 0 &&
	    f.content && strcmp(f.content, "y") == 0 && f.truncated == 1,
	    "file-read: wrapped as {result: ...}");
	pve_agent_file_free(&f);
	inline_json("{\"data\":{\"truncated\":1}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == -1 &&
	    e.id == PXE_PARSE && f.content == NULL,
	    "file-read: no content is a parse error");
	inline_json("{\"data\":{\"content\":null}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == -1 && f.content == NULL,
	    "file-read: null content is a parse error");
	inline_json("{\"data\":{\"result\":{\"error\":{\"class\":"
	    "\"GenericError\"}}}}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == -1 && f.content == NULL,
	    "file-read: an agent error is a parse error");
	inline_json("{\"data\":[\"content\"]}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == -1 &&
	    e.id == PXE_PARSE && f.content == NULL,
	    "file-read: not an object is a parse error");
	inline_json("{\"data\":null}");
	ok(pve_agent_file_parse(&j, data, &f, &e) == -1 && f.content == NULL,
	    "file-read: no data is a parse error");
}

static void
task_answers(void)
{
	char upid[64];

	inline_json("{\"data\":\"UPID:pve1:00000754:00009421:5FBE5DD2:"
	    "qmstart:100:root@pam:\"}");
	ok(pve_task_upid_parse(&j, data, upid, sizeof(upid)) == 1,
	    "task answer: a UPID");
	is_str(upid, "UPID:pve1:00000754:00009421:5FBE5DD2:qmstart:100:"
	    "root@pam:", "task answer: the UPID copied");
	inline_json("{\"data\":null}");
	ok(pve_task_upid_parse(&j, data, upid, sizeof(upid)) == 0 &&
	    upid[0] == '\0', "task answer: null is no task");
	inline_json("{\"data\":{\"upid\":\"UPID:x:\"}}");
	ok(pve_task_upid_parse(&j, data, upid, sizeof(upid)) == 0 &&
	    upid[0] == '\0', "task answer: an object is no task");
	inline_json("{\"data\":\"OK\"}");
	ok(pve_task_upid_parse(&j, data, upid, sizeof(upid)) == 0 &&
	    upid[0] == '\0', "task answer: another string is no task");
	inline_json("{\"data\":\"UPID:pve1:\\u0007x:\"}");
	ok(pve_task_upid_parse(&j, data, upid, sizeof(upid)) == 1 &&
	    strcmp(upid, "UPID:pve1:?x:") == 0,
	    "task answer: control characters sanitized");
	inline_json("{\"data\":\"UPID:pve1:00000754:00009421:5FBE5DD2:"
	    "qmstart:100:root@pam:\"}");
	ok(pve_task_upid_parse(&j, data, upid, 12) == 1 &&
	    strcmp(upid, "UPID:pve1:0") == 0, "task answer: truncated to "
	    "the buffer");
}

static void
times(void)
{
	struct px_err e;
	long long t;

	is_int((long long)pve_parse_seconds("90"), 90, "90 seconds");
	is_int((long long)pve_parse_seconds("5m"), 300, "5m");
	is_int((long long)pve_parse_seconds("2h"), 7200, "2h");
	ok(pve_parse_seconds("0.5") == 0.5, "0.5 s");
	ok(pve_parse_seconds("soon") < 0 && pve_parse_seconds("5x") < 0 &&
	    pve_parse_seconds("-3") < 0, "not durations");
	ok(pve_parse_since("1700000000", 2000000000, &t, &e) == 0 &&
	    t == 1700000000, "since: an epoch");
	ok(pve_parse_since("2h", 2000000000, &t, &e) == 0 &&
	    t == 2000000000 - 7200, "since: an age");
	ok(pve_parse_since("1w", 2000000000, &t, &e) == 0 &&
	    t == 2000000000 - 604800, "since: a week");
	ok(pve_parse_since("2026-01-02", 0, &t, &e) == 0 && t > 1767000000,
	    "since: a date");
	ok(pve_parse_since("2026-01-02 10:30", 0, &t, &e) == 0 &&
	    pve_parse_since("2026-01-02T10:30:15", 0, &t, &e) == 0,
	    "since: a date and time");
	ok(pve_parse_since("yesterday", 0, &t, &e) == -1 &&
	    e.id == PXE_USAGE, "since: unreadable is a usage error");
	ok(pve_parse_since("300", 0, &t, &e) == -1,
	    "since: a bare small number is ambiguous");
}

static void
conditions(void)
{
	struct pve_sample s = { "running", "web-01", "", "started", "pve1",
	    "prod;web", 0.25, 4, 3ULL << 30, 4ULL << 30, 0, 0, 3600 };
	struct pve_cond c;
	struct px_err e;
	static const struct { const char *c; int want; } t[] = {
		{ "status=running", 1 }, { "status==running", 1 },
		{ "status!=running", 0 }, { "name=web-01", 1 },
		{ "ha=started", 1 }, { "hastate=started", 1 },
		{ "node=pve2", 0 }, { "tags=web", 1 }, { "tags=db", 0 },
		{ "lock=", 1 }, { "cpu<50%", 1 }, { "cpu>0.2", 1 },
		{ "cpu>=25%", 1 }, { "mem>2G", 1 }, { "mem>2GiB", 1 },
		{ "mem<3G", 0 }, { "mem<=3G", 1 }, { "mem>80%", 0 },
		{ "mem=75%", 1 }, { "uptime>60", 1 }, { "uptime>2h", 0 },
		{ "uptime>=1h", 1 }, { "maxmem=4G", 1 }, { "maxcpu>2", 1 },
		{ "disk>50%", 0 },
	};
	static const char *const bad[] = { "status", "=running", "status>up",
		"colour=blue", "mem>2X", "cpu<fast", "uptime>5y", "maxmem>50%",
		"cpu<50G", "" };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(pve_cond_parse(t[i].c, &c, &e) == 0 &&
		    pve_cond_eval(&c, &s) == t[i].want, "%s is %s", t[i].c,
		    t[i].want ? "true" : "false");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(pve_cond_parse(bad[i], &c, &e) == -1 && e.id == PXE_USAGE,
		    "'%s' is not a condition", bad[i]);
}

static void
paths(void)
{
	struct buf b = { 0 };
	struct px_err e;

	pve_guest_path(&b, "pve1", "lxc", 101);
	is_str(buf_str(&b), "/nodes/pve1/lxc/101", "guest path");
	buf_reset(&b);
	pve_guest_path(&b, "a/b", "qemu", 100);
	is_str(buf_str(&b), "/nodes/a%2Fb/qemu/100", "node names are encoded");
	buf_reset(&b);
	ok(pve_task_path(&b, "UPID:pve1:00000754:00009421:5FBE5DD2:vzcreate:"
	    "100:root@pam:", &e) == 0, "task path");
	is_str(buf_str(&b), "/nodes/pve1/tasks/UPID%3Apve1%3A00000754%3A"
	    "00009421%3A5FBE5DD2%3Avzcreate%3A100%3Aroot%40pam%3A",
	    "the UPID is encoded");
	buf_reset(&b);
	ok(pve_task_path(&b, "not-a-upid", &e) == -1 && e.id == PXE_USAGE,
	    "a malformed UPID is a usage error");
	buf_free(&b);
	ok(pve_parse_vmid("100") == 100 && pve_parse_vmid("0") == -1 &&
	    pve_parse_vmid("1e3") == -1 && pve_parse_vmid("-5") == -1 &&
	    pve_parse_vmid("1000000000") == -1 && pve_parse_vmid("") == -1,
	    "VMIDs");
}

static void
ha(void)
{
	struct pve_ha_resource *r;
	struct pve_ha_rule *u;
	struct pve_ha_group *g;
	struct px_err e;
	int n;

	inline_json("{\"data\":[{\"sid\":\"vm:100\",\"state\":\"started\","
	    "\"max_restart\":\"2\"},{\"sid\":\"ct:101\",\"type\":\"ct\","
	    "\"failback\":0},{\"state\":\"x\"}]}");
	ok(pve_ha_resources_parse(&j, data, &r, &n, &e) == 0 && n == 2,
	    "HA resources; a row without sid is skipped");
	is_int(r[0].vmid, 100, "vmid from sid");
	is_str(r[0].type, "vm", "type from sid");
	is_int(r[0].max_restart, 2, "max_restart as a string");
	is_int(r[1].max_relocate, 1, "max_relocate defaults to 1");
	ok(r[0].failback == 1 && r[1].failback == 0, "failback default 1");
	is_str(r[1].state, "started", "state defaults to started");
	free(r);

	inline_json("{\"data\":[{\"rule\":\"r1\",\"type\":\"node-affinity\","
	    "\"resources\":\"vm:100,vm:102\",\"nodes\":\"pve1:2,pve2\","
	    "\"strict\":1}]}");
	ok(pve_ha_rules_parse(&j, data, &u, &n, &e) == 0 && n == 1 &&
	    u[0].strict, "HA rules");
	ok(pve_list_has(u[0].resources, "vm:102") &&
	    !pve_list_has(u[0].resources, "vm:10"), "resource lists");
	is_int(pve_ha_node_prio(u[0].nodes, "pve1"), 2, "priority 2");
	is_int(pve_ha_node_prio(u[0].nodes, "pve2"), 0, "no priority is 0");
	is_int(pve_ha_node_prio(u[0].nodes, "pve"), -1, "a prefix is not in");
	free(u);

	inline_json("{\"data\":[{\"group\":\"g\",\"nodes\":\"a:1,b\","
	    "\"restricted\":\"1\",\"type\":\"group\"}]}");
	ok(pve_ha_groups_parse(&j, data, &g, &n, &e) == 0 && n == 1 &&
	    g[0].restricted && !g[0].nofailback, "HA groups");
	free(g);
	inline_json("{\"data\":{}}");
	ok(pve_ha_groups_parse(&j, data, &g, &n, &e) == -1 && e.id == PXE_PARSE,
	    "an object where a list belongs is a parse error");
}

static void
hardware(void)
{
	struct pve_passthru *p;
	struct pve_hwmap *m;
	struct pve_pci *pci;
	struct px_err e;
	char norm[32];
	int n;

	inline_json("{\"data\":{\"hostpci0\":\"0000:01:00.0,pcie=1\","
	    "\"hostpci1\":\"host=02:00;03:00.1,x-vga=1\",\"usb0\":\"spice\","
	    "\"usb1\":\"host=046d:c52b,usb3=1\",\"hostpci2\":\"mapping=gpu\","
	    "\"usbx\":\"host=1-1\",\"name\":\"vm\"}}");
	ok(pve_passthru_parse(&j, data, &p, &n, &e) == 0 && n == 4,
	    "passthrough entries; spice and non-keys skipped");
	is_str(p[0].host, "0000:01:00.0", "implicit host");
	is_str(p[1].host, "0000:02:00;0000:03:00.1", "host= with two devices");
	is_str(p[2].host, "046d:c52b", "USB vendor:product");
	is_str(p[2].kind, "usb", "kind usb");
	is_str(p[3].mapping, "gpu", "a mapped device");
	free(p);

	pve_pci_norm("01:00.0", norm, sizeof(norm));
	is_str(norm, "0000:01:00.0", "domain added");
	ok(pve_pci_same("0000:01:00", "0000:01:00.1") &&
	    !pve_pci_same("0000:01:00.0", "0000:01:00.1") &&
	    !pve_pci_same("0000:01:0", "0000:01:00.1"),
	    "a slot matches its functions only");

	inline_json("{\"data\":[{\"id\":\"gpu\",\"map\":[\"node=pve1,"
	    "path=0000:01:00.0,id=10de:2204,iommugroup=12\",\"node=pve2,"
	    "path=02:00.0,id=10de:2204\"]}]}");
	ok(pve_hwmap_parse(&j, data, &m, &n, &e) == 0 && n == 2,
	    "a mapping flattens to one row per node");
	is_int(m[0].iommugroup, 12, "iommugroup of the entry");
	is_str(m[1].path, "0000:02:00.0", "paths normalized");
	is_int(m[1].iommugroup, -1, "no iommugroup is -1");
	free(m);

	inline_json("{\"data\":[{\"id\":\"0000:00:02.0\",\"class\":"
	    "\"0x030000\",\"iommugroup\":\"3\",\"mdev\":1},{\"id\":\"x\"}]}");
	ok(pve_pci_parse(&j, data, &pci, &n, &e) == 0 && n == 2 &&
	    pci[0].iommugroup == 3 && pci[0].mdev && pci[1].iommugroup == -1,
	    "PCI: iommugroup as string, absent is -1");
	free(pci);
}

static void
node_and_firewall(void)
{
	struct pve_disk *dk;
	struct pve_smart s;
	struct pve_opt *kv;
	struct pve_fw_addr *a;
	struct pve_apt_repo *ar;
	struct px_err e;
	int n, v[3];

	inline_json("{\"data\":[{\"devpath\":\"/dev/sda\",\"size\":"
	    "\"960197124096\",\"wearout\":\"N/A\",\"vendor\":\"ATA     \","
	    "\"gpt\":1,\"osdid\":-1}]}");
	ok(pve_disks_parse(&j, data, &dk, &n, &e) == 0 && n == 1,
	    "disks parse");
	ok(dk[0].size == 960197124096ULL, "size beyond 32 bits as a string");
	is_int(dk[0].wearout, -1, "wearout N/A is -1");
	is_str(dk[0].vendor, "ATA", "vendor padding trimmed");
	free(dk);

	inline_json("{\"data\":{\"health\":\"PASSED\",\"type\":\"ata\","
	    "\"attributes\":[{\"id\":\"5\",\"name\":\"Reallocated_Sector_Ct\","
	    "\"value\":\"100\",\"worst\":100,\"threshold\":\"10\","
	    "\"raw\":\"0\",\"fail\":\"-\"}]}}");
	ok(pve_smart_parse(&j, data, &s, &e) == 0 && s.nattr == 1 &&
	    s.attr[0].id == 5 && s.attr[0].threshold == 10,
	    "SMART attributes with numbers as strings");
	pve_smart_free(&s);

	inline_json("{\"data\":{\"enable\":1,\"policy_in\":\"DROP\","
	    "\"ebtables\":true,\"x\":{}}}");
	ok(pve_opts_parse(&j, data, &kv, &n, &e) == 0 && n == 3,
	    "options as key/value, nested skipped");
	is_str(kv[2].value, "1", "true as 1");
	free(kv);

	inline_json("{\"data\":[{\"cidr\":\"10.0.0.0/8\",\"nomatch\":1},"
	    "{\"name\":\"lan\",\"cidr\":\"192.168.0.0/16\"},{\"name\":\"set\"}]}");
	ok(pve_fw_addrs_parse(&j, data, &a, &n, &e) == 0 && n == 3 &&
	    a[0].nomatch && a[2].cidr[0] == '\0', "aliases, sets, entries");
	free(a);

	inline_json("{\"data\":{\"files\":[{\"path\":\"/etc/apt/sources.list\","
	    "\"repositories\":[{\"Types\":[\"deb\"],\"URIs\":[\"http://x\"],"
	    "\"Suites\":[\"bookworm\",\"bookworm-updates\"],\"Components\":"
	    "[\"main\"],\"Enabled\":true}]}]}}");
	ok(pve_apt_repos_parse(&j, data, &ar, &n, &e) == 0 && n == 1,
	    "apt repositories");
	is_str(ar[0].suites, "bookworm bookworm-updates", "suites joined");
	free(ar);

	ok(pve_version_split("pve-manager/8.4.1/2a5fa54a", v) == 0 &&
	    v[0] == 8 && v[1] == 4 && v[2] == 1, "pveversion split");
	ok(pve_version_split("none", v) == -1, "no version");
}

static void
statistics(void)
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

/* GET .../migrate (qemu's and lxc's shapes) and the snapshot the guest
 * is on, with PVE's quirks. */
static void
migrate_and_here(void)
{
	struct pve_migrate_info m;
	struct px_err e = { 0 };
	char here[64];

	inline_json("{\"data\":{\"running\":\"1\",\"allowed_nodes\":[\"pve2\","
	    "\"pve3\"],\"not_allowed_nodes\":{\"pve4\":{\"unavailable_storages\":"
	    "[\"local-zfs\"]},\"pve5\":{\"blocking-ha-resources\":[{\"sid\":"
	    "\"vm:100\",\"cause\":\"resource-affinity\"}]}},\"local_disks\":["
	    "{\"volid\":\"local:100/vm-100-disk-0.qcow2\",\"size\":\"34359738368\","
	    "\"cdrom\":0},{\"volid\":\"local:iso/x.iso\",\"cdrom\":1}],"
	    "\"local_resources\":[\"hostpci0\",\"usb0\"]}}");
	ok(pve_migrate_parse(&j, data, &m, &e) == 0, "migrate: qemu shape");
	ok(m.running == 1, "migrate: running as \"1\"");
	ok(m.nallowed == 2 && strcmp(m.allowed[1], "pve3") == 0,
	    "migrate: allowed nodes");
	ok(m.nnot == 2 && strcmp(m.not_node[0], "pve4") == 0 &&
	    strcmp(m.not_why[0], "storage not available there: local-zfs") == 0,
	    "migrate: not allowed, unavailable storage (%s)", m.not_why[0]);
	ok(strcmp(m.not_why[1], "blocked by HA resources: vm:100") == 0,
	    "migrate: not allowed, HA (%s)", m.not_why[1]);
	ok(m.ndisks == 1 && m.disk_size[0] == 34359738368ULL &&
	    m.ncdroms == 1 && strcmp(m.cdrom[0], "local:iso/x.iso") == 0,
	    "migrate: local disk with its size as a string, and a CD-ROM");
	ok(strcmp(m.resources, "hostpci0,usb0") == 0, "migrate: resources");
	inline_json("{\"data\":{\"running\":0,\"allowed-nodes\":[\"pve2\"],"
	    "\"not-allowed-nodes\":{}}}");
	ok(pve_migrate_parse(&j, data, &m, &e) == 0 && m.nallowed == 1 &&
	    m.running == 0 && m.nnot == 0 && m.ndisks == 0,
	    "migrate: lxc shape");
	ok(m.has_allowed, "migrate: the lxc answer lists allowed nodes");
	/* qemu-server before 8.3.9: a running VM's answer has no
	 * allowed_nodes at all; px must not read that as "none allowed" */
	inline_json("{\"data\":{\"running\":1,\"local_disks\":[],"
	    "\"local_resources\":[]}}");
	ok(pve_migrate_parse(&j, data, &m, &e) == 0 && !m.has_allowed &&
	    m.nallowed == 0 && m.running == 1, "migrate: no allowed_nodes "
	    "(PVE before qemu-server 8.3.9) is told apart from an empty list");
	inline_json("{\"data\":{\"running\":0,\"allowed_nodes\":[]}}");
	ok(pve_migrate_parse(&j, data, &m, &e) == 0 && m.has_allowed &&
	    m.nallowed == 0, "migrate: an empty list is a list");
	inline_json("{\"data\":null}");
	ok(pve_migrate_parse(&j, data, &m, &e) == -1 && e.id == PXE_PARSE,
	    "migrate: no object is a parse error");

	if (load("nodes_node_qemu_vmid_snapshot.fog-proxmox-pve7.4.json") == 0) {
		pve_snapshot_here(&j, data, here, sizeof(here));
		ok(strcmp(here, "snapshot1") == 0, "recorded snapshots: the "
		    "guest is on snapshot1");
	}
	inline_json("{\"data\":[{\"name\":\"a\"},{\"name\":\"current\"}]}");
	pve_snapshot_here(&j, data, here, sizeof(here));
	ok(here[0] == '\0', "snapshots: current without a parent");
	inline_json("{\"data\":[{\"name\":\"a\"}]}");
	pve_snapshot_here(&j, data, here, sizeof(here));
	ok(here[0] == '\0', "snapshots: no current row");
	inline_json("{\"data\":{}}");
	pve_snapshot_here(&j, data, here, sizeof(here));
	ok(here[0] == '\0', "snapshots: not an array");
}

/* Strings from the server reach a terminal: the table-driven parsers
 * let no escape sequence or control character through, in C0 (ESC, CR),
 * DEL or C1 (CSI as U+009B, or as a lone byte 0x9b), and keep the text
 * around them, UTF-8 included. */
static void
sanitized(void)
{
	struct pve_guest_status s;
	struct px_err e;

	inline_json("{\"data\":{\"name\":\"a\\u001b[31mb\\rc\\u009bd\\u007fe"
	    "\\nf\",\"lock\":\"x\x9b" "y\",\"tags\":\"caf\xc3\xa9;\xe2\x82\xac\"}}");
	ok(pve_guest_status_parse(&j, data, &s, &e) == 0, "a status with "
	    "control characters parses");
	is_str(s.name, "a?[31mb?c?d?e f", "ESC, CR, C1 CSI and DEL become "
	    "'?', a newline ' '");
	is_str(s.lock, "x?y", "a lone C1 byte becomes '?'");
	is_str(s.tags, "caf\xc3\xa9;\xe2\x82\xac", "UTF-8 text is kept");
	ok(strchr(s.name, 0x1b) == NULL && strchr(s.name, '\r') == NULL &&
	    strstr(s.name, "\xc2\x9b") == NULL, "no ESC, CR or CSI survives");
}

/* The parsers that copy strings by hand, not through the field tables,
 * sanitize them the same way. */
static void
sanitized_by_hand(void)
{
	struct pve_node_status ns;
	struct pve_hwmap *m;
	struct pve_passthru *p;
	struct pve_netif *ifs;
	struct pve_smart sm;
	struct pve_apt_repo *ar;
	struct pve_log_line *log;
	struct px_err e;
	int n;

	inline_json("{\"data\":{\"pveversion\":\"pve\\u001b]0;x\\u0007\","
	    "\"kversion\":\"k\x9b" "2J\"}}");
	ok(pve_node_status_parse(&j, data, &ns, &e) == 0 &&
	    strcmp(ns.pveversion, "pve?]0;x?") == 0 &&
	    strcmp(ns.kernel, "k?2J") == 0, "node status: version, kernel");
	inline_json("{\"data\":[{\"id\":\"g\\u009bpu\",\"map\":[\"node=pve"
	    "\\u001b[2J,path=p\\u0007,id=1\\u007f\"]}]}");
	ok(pve_hwmap_parse(&j, data, &m, &n, &e) == 0 && n == 1 &&
	    strcmp(m[0].id, "g?pu") == 0 && strcmp(m[0].node, "pve?[2J") == 0 &&
	    strcmp(m[0].path, "p?") == 0 && strcmp(m[0].devid, "1?") == 0,
	    "mappings: id, node, path, device id");
	free(m);
	inline_json("{\"data\":{\"hostpci0\":\"mapping=g\\u001b[31m\","
	    "\"usb0\":\"host=a\x9b" "b\"}}");
	ok(pve_passthru_parse(&j, data, &p, &n, &e) == 0 && n == 2 &&
	    strcmp(p[0].mapping, "g?[31m") == 0 &&
	    strcmp(p[1].host, "a?b") == 0, "passthrough: mapping, host");
	free(p);
	inline_json("{\"data\":[{\"iface\":\"bond0\",\"slaves\":"
	    "\"eno1\\u001b[2J\"},{\"iface\":\"br0\",\"bridge_ports\":\"x\","
	    "\"ovs_ports\":\"no\"},{\"iface\":\"ovs\",\"ovs_ports\":"
	    "\"e\\u009b\"}]}");
	ok(pve_netifs_parse(&j, data, &ifs, &n, &e) == 0 && n == 3 &&
	    strcmp(ifs[0].ports, "eno1?[2J") == 0 &&
	    strcmp(ifs[2].ports, "e?") == 0, "bond and OVS ports");
	free(ifs);
	inline_json("{\"data\":{\"health\":\"OK\\u001b[5m\",\"type\":"
	    "\"text\",\"text\":\"line 1\\u001b]0;x\\u0007\\nline\\u009b2"
	    "\\n\\nend\\r\"}}");
	ok(pve_smart_parse(&j, data, &sm, &e) == 0 &&
	    strcmp(sm.health, "OK?[5m") == 0 && sm.text != NULL &&
	    strcmp(sm.text, "line 1?]0;x?\nline?2\n\nend?") == 0,
	    "SMART: health, and the report keeps its lines");
	pve_smart_free(&sm);
	inline_json("{\"data\":{\"files\":[{\"path\":\"/etc/\\u001b[2J\","
	    "\"repositories\":[{\"Types\":[\"deb\"],\"URIs\":[\"http://"
	    "x\\u009b\",\"y\"],\"Suites\":[\"s\"],\"Components\":[\"m\"]}]}]}}");
	ok(pve_apt_repos_parse(&j, data, &ar, &n, &e) == 0 && n == 1 &&
	    strcmp(ar[0].path, "/etc/?[2J") == 0 &&
	    strcmp(ar[0].uris, "http://x? y") == 0, "apt: path, URIs");
	free(ar);
	inline_json("{\"data\":[{\"n\":1,\"t\":\"TASK \\u009b" "31mOK\"},"
	    "{\"n\":2,\"t\":\"raw \x9b" "2J\"}]}");
	ok(pve_task_log_parse(&j, data, &log, &n, &e) == 0 && n == 2 &&
	    strcmp(log[0].t, "TASK ?31mOK") == 0 &&
	    strcmp(log[1].t, "raw ?2J") == 0, "task log: C1 controls");
	pve_log_free(log, n);
}

int
main(void)
{
	if (load("version.fog-proxmox-pve6.2.json") != 0) {
		printf("1..0 # SKIP reference data not found (PX_TOP)\n");
		return 0;
	}
	recorded();
	quirks();
	agent_exec();
	agent_file();
	task_answers();
	merged();
	ha();
	hardware();
	node_and_firewall();
	statistics();
	times();
	conditions();
	paths();
	migrate_and_here();
	sanitized();
	sanitized_by_hand();
	json_free(&j);
	free(text);
	return done_testing();
}
