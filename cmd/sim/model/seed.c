/*
 * seed.c -- the documents pxsim's API areas start with, written once at
 * generation after the core model (generate.c): cluster options, backup
 * jobs, firewall, HA and replication (seed_cluster), node network
 * interfaces (seed_node), and more users, groups and ACLs
 * (seed_access).  Derived from the seed and the model, so the same
 * --seed gives the same documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core.h"

/* ------------------------------------------------------------------ */
/* /cluster                                                           */


/* PVE 9 or later ("" is 9.1): HA rules, failback, no groups.  Not
 * sim_pve_at_least, which the API files define above the model. */
static int
pve9(const struct sim *s)
{
	return s->opt.release[0] == '\0' || atoi(s->opt.release) >= 9;
}

static void
seed_ha_resource(struct sim *s, const struct sim_guest *g, int i)
{
	char sid[32], json[256];

	snprintf(sid, sizeof(sid), "%s:%d", g->type == SIM_LXC ? "ct" : "vm",
	    g->vmid);
	snprintf(json, sizeof(json), "{\"sid\":\"%s\",\"type\":\"%s\","
	    "\"state\":\"%s\",\"max_restart\":1,\"max_relocate\":1"
	    "%s%s}", sid, g->type == SIM_LXC ? "ct" : "vm",
	    g->status == SIM_RUNNING ? "started" : "stopped",
	    /* failback came with PVE 9's rules */
	    pve9(s) ? ",\"failback\":1" : "",
	    i == 0 ? ",\"comment\":\"core database\"" : "");
	sim_doc_put(s, "haresource", "", sid, json);
}

void
seed_cluster(struct sim *s)
{
	struct buf b = { 0 };
	size_t i;
	int nha = 0, nrepl = 0;
	const char *n0 = s->nodes[0].name;
	const char *n1 = s->nodes[s->nnodes > 1 ? 1 : 0].name;
	const char *n2 = s->nodes[s->nnodes > 2 ? 2 : 0].name;
	char uuid[37], id[32];

	sim_doc_put(s, "clusteroptions", "", "options",
	    "{\"keyboard\":\"en-us\",\"console\":\"html5\","
	    "\"mac_prefix\":\"BC:24:11\",\"email_from\":"
	    "\"pve@pxsim.example\",\"migration\":{\"type\":\"secure\","
	    "\"network\":\"10.10.10.0/24\"},\"ha\":{\"shutdown_policy\":"
	    "\"migrate\"},\"crs\":{\"ha\":\"static\"},\"tag-style\":"
	    "{\"shape\":\"circle\"},\"registered-tags\":\"prod;staging\"}");

	/* Backup jobs: everything nightly except templates and one
	 * excluded guest, plus a weekly job of the production pool. */
	sim_uuid(s, EXT_RNG_CLUSTER, uuid);
	snprintf(id, sizeof(id), "backup-%.13s", uuid);
	buf_printf(&b, "{\"id\":\"%s\",\"schedule\":\"21:00\",\"enabled\":1,"
	    "\"all\":1,\"exclude\":\"%d\",\"storage\":\"%s\",\"mode\":"
	    "\"snapshot\",\"compress\":\"zstd\",\"mailnotification\":"
	    "\"failure\",\"notes-template\":\"{{guestname}}\","
	    "\"prune-backups\":{\"keep-daily\":7,\"keep-weekly\":4},"
	    "\"comment\":\"nightly\"}", id, s->nguests > 1 ?
	    s->guests[s->nguests - 1]->vmid : 0,
	    s->nstorages > 0 ? s->storages[s->nstorages > 2 ? 2 : 0].id :
	    "local");
	sim_doc_put(s, "backupjob", "", id, buf_str(&b));
	if (s->npools > 0) {
		sim_uuid(s, EXT_RNG_CLUSTER, uuid);
		snprintf(id, sizeof(id), "backup-%.13s", uuid);
		buf_reset(&b);
		buf_printf(&b, "{\"id\":\"%s\",\"schedule\":\"sat 02:00\","
		    "\"enabled\":0,\"pool\":\"%s\",\"storage\":\"local\","
		    "\"mode\":\"stop\",\"compress\":\"zstd\","
		    "\"comment\":\"weekly offline copy\"}", id,
		    s->pools[0].poolid);
		sim_doc_put(s, "backupjob", "", id, buf_str(&b));
	}

	/* Firewall. */
	sim_doc_put(s, "fwoptions", "", "options", "{\"enable\":1,"
	    "\"policy_in\":\"DROP\",\"policy_out\":\"ACCEPT\","
	    "\"ebtables\":1,\"log_ratelimit\":\"enable=1,burst=5,"
	    "rate=1/second\"}");
	sim_doc_put(s, "fwalias", "", "mgmt", "{\"name\":\"mgmt\","
	    "\"cidr\":\"10.0.0.0/24\",\"comment\":\"management network\"}");
	sim_doc_put(s, "fwalias", "", "monitoring", "{\"name\":"
	    "\"monitoring\",\"cidr\":\"10.0.5.17\"}");
	sim_doc_put(s, "fwipset", "", "admins", "{\"name\":\"admins\","
	    "\"comment\":\"admin workstations\",\"entries\":["
	    "{\"cidr\":\"10.0.0.20/30\",\"comment\":\"desk\"},"
	    "{\"cidr\":\"192.168.100.0/24\"},"
	    "{\"cidr\":\"192.168.100.66\",\"nomatch\":1}]}");
	sim_doc_put(s, "fwipset", "", "blocklist", "{\"name\":\"blocklist\","
	    "\"entries\":[{\"cidr\":\"203.0.113.0/24\"},"
	    "{\"cidr\":\"198.51.100.7\"}]}");
	sim_doc_put(s, "fwgroup", "", "webserver", "{\"group\":"
	    "\"webserver\",\"comment\":\"HTTP(S) in\"}");
	sim_doc_put(s, "fwrules", "", "group/webserver", "["
	    "{\"type\":\"in\",\"action\":\"ACCEPT\",\"macro\":\"HTTP\","
	    "\"enable\":1},"
	    "{\"type\":\"in\",\"action\":\"ACCEPT\",\"macro\":\"HTTPS\","
	    "\"enable\":1}]");
	sim_doc_put(s, "fwrules", "", "cluster", "["
	    "{\"type\":\"in\",\"action\":\"ACCEPT\",\"source\":\"+admins\","
	    "\"proto\":\"tcp\",\"dport\":\"22\",\"enable\":1,"
	    "\"comment\":\"ssh from admins\",\"log\":\"nolog\"},"
	    "{\"type\":\"in\",\"action\":\"ACCEPT\",\"source\":\"mgmt\","
	    "\"proto\":\"tcp\",\"dport\":\"8006\",\"enable\":1},"
	    "{\"type\":\"in\",\"action\":\"DROP\",\"source\":\"+blocklist\","
	    "\"enable\":1,\"log\":\"info\"},"
	    "{\"type\":\"group\",\"action\":\"webserver\",\"enable\":0}]");

	/* HA: the guests the core marked HA-managed. */
	for (i = 0; i < s->nguests; i++)
		if (s->guests[i]->ha && !s->guests[i]->template_)
			seed_ha_resource(s, s->guests[i], nha++);
	buf_reset(&b);
	buf_printf(&b, "{\"rule\":\"prefer-%s\",\"type\":\"node-affinity\","
	    "\"nodes\":\"%s:2,%s:1\",\"resources\":\"", n0, n0, n1);
	for (i = 0; i < s->nguests && nha; i++)
		if (s->guests[i]->ha && !s->guests[i]->template_) {
			buf_printf(&b, "%s:%d", s->guests[i]->type ==
			    SIM_LXC ? "ct" : "vm", s->guests[i]->vmid);
			break;
		}
	buf_adds(&b, "\",\"strict\":0,\"comment\":\"run the database on the "
	    "first node\"}");
	/* PVE 8 has groups and no rules; PVE 9 migrated the groups to
	 * rules (and removed them) */
	if (nha > 0 && pve9(s)) {
		char rid[64];

		snprintf(rid, sizeof(rid), "prefer-%s", n0);
		sim_doc_put(s, "harule", "", rid, buf_str(&b));
	}
	if (nha > 1 && pve9(s)) {
		int k = 0;

		buf_reset(&b);
		buf_adds(&b, "{\"rule\":\"keep-apart\",\"type\":"
		    "\"resource-affinity\",\"affinity\":\"negative\","
		    "\"resources\":\"");
		for (i = 0; i < s->nguests && k < 2; i++)
			if (s->guests[i]->ha && !s->guests[i]->template_)
				buf_printf(&b, "%s%s:%d", k++ ? "," : "",
				    s->guests[i]->type == SIM_LXC ? "ct" :
				    "vm", s->guests[i]->vmid);
		buf_adds(&b, "\"}");
		sim_doc_put(s, "harule", "", "keep-apart", buf_str(&b));
	}
	buf_reset(&b);
	buf_printf(&b, "{\"group\":\"legacy\",\"type\":\"group\",\"nodes\":"
	    "\"%s,%s\",\"restricted\":0,\"nofailback\":0,\"comment\":"
	    "\"becomes a rule with PVE 9\"}", n1, n2);
	if (!pve9(s))
		sim_doc_put(s, "hagroup", "", "legacy", buf_str(&b));

	/* Mappings: the GPU on every node, the NIC pair, a USB stick. */
	buf_reset(&b);
	buf_adds(&b, "{\"id\":\"gpu\",\"description\":\"RTX 3090 for "
	    "rendering\",\"map\":[");
	for (i = 0; i < s->nnodes; i++)
		buf_printf(&b, "%s\"node=%s,path=0000:41:00,id=10de:2204,"
		    "iommugroup=%d\"", i ? "," : "", s->nodes[i].name,
		    5 + 2 * (int)i);
	buf_adds(&b, "],\"mdev\":0,\"live-migration-capable\":0}");
	sim_doc_put(s, "pcimapping", "", "gpu", buf_str(&b));
	buf_reset(&b);
	buf_printf(&b, "{\"id\":\"a100-vgpu\",\"description\":\"A100 "
	    "vGPU\",\"map\":[\"node=%s,path=0000:42:00.0,id=10de:20b5,"
	    "iommugroup=6\"],\"mdev\":1}", n0);
	sim_doc_put(s, "pcimapping", "", "a100-vgpu", buf_str(&b));
	buf_reset(&b);
	buf_printf(&b, "{\"id\":\"yubikey\",\"description\":\"YubiKey for "
	    "the CA VM\",\"map\":[\"node=%s,id=1050:0407\"]}", n0);
	sim_doc_put(s, "usbmapping", "", "yubikey", buf_str(&b));
	buf_reset(&b);
	buf_printf(&b, "{\"id\":\"ups\",\"description\":\"APC UPS\","
	    "\"map\":[\"node=%s,path=1-2\"]}", n1);
	sim_doc_put(s, "usbmapping", "", "ups", buf_str(&b));

	/* Notifications, as a fresh PVE 9 has them plus a few. */
	sim_doc_put(s, "notify-sendmail", "", "mail-to-root",
	    "{\"name\":\"mail-to-root\",\"mailto-user\":[\"root@pam\"],"
	    "\"comment\":\"Send mails to root@pam's email address\","
	    "\"origin\":\"builtin\"}");
	sim_doc_put(s, "notify-gotify", "", "gotify-ops", "{\"name\":"
	    "\"gotify-ops\",\"server\":\"https://gotify.example.com\","
	    "\"token\":\"A4bC9dE2fG7hJ1k\",\"comment\":\"ops phones\"}");
	sim_doc_put(s, "notify-smtp", "", "smtp-relay", "{\"name\":"
	    "\"smtp-relay\",\"server\":\"mail.example.com\",\"port\":587,"
	    "\"mode\":\"starttls\",\"username\":\"pve\",\"password\":"
	    "\"s3cret\",\"from-address\":\"pve@example.com\",\"mailto\":"
	    "[\"ops@example.com\"],\"author\":\"Proxmox VE\"}");
	sim_doc_put(s, "notify-webhook", "", "chat-hook", "{\"name\":"
	    "\"chat-hook\",\"url\":\"https://chat.example.com/hooks/pve\","
	    "\"method\":\"post\",\"header\":[\"name=Content-Type,value="
	    "YXBwbGljYXRpb24vanNvbg==\"],\"body\":\"eyJ0ZXh0IjoiIn0=\","
	    "\"secret\":[\"name=token,value=c2VjcmV0\"],\"disable\":1}");
	sim_doc_put(s, "notify-matcher", "", "default-matcher", "{\"name\":"
	    "\"default-matcher\",\"target\":[\"mail-to-root\"],\"comment\":"
	    "\"Route all notifications to mail-to-root\",\"origin\":"
	    "\"builtin\"}");
	sim_doc_put(s, "notify-matcher", "", "errors-to-gotify", "{\"name\":"
	    "\"errors-to-gotify\",\"match-severity\":[\"error\"],"
	    "\"match-field\":[\"exact:type=vzdump\"],\"mode\":\"all\","
	    "\"target\":[\"gotify-ops\",\"smtp-relay\"]}");

	/* Replication: the first two running QEMU guests to the next
	 * node. */
	for (i = 0; i < s->nguests && nrepl < 2 && s->nnodes > 1; i++) {
		const struct sim_guest *g = s->guests[i];
		const char *src, *dst;

		if (g->type != SIM_QEMU || g->template_ ||
		    g->status != SIM_RUNNING)
			continue;
		src = sim_guest_node(s, g);
		dst = s->nodes[(g->node + 1) % (int)s->nnodes].name;
		snprintf(id, sizeof(id), "%d-0", g->vmid);
		buf_reset(&b);
		buf_printf(&b, "{\"id\":\"%s\",\"type\":\"local\",\"guest\":%d,"
		    "\"jobnum\":0,\"target\":\"%s\",\"source\":\"%s\","
		    "\"schedule\":\"%s\"%s}", id, g->vmid, dst, src,
		    nrepl ? "*/5" : "*/15", nrepl ? ",\"rate\":50" : "");
		sim_doc_put(s, "replication", "", id, buf_str(&b));
		nrepl++;
	}
	buf_free(&b);

	/* SDN: one simple zone with a vnet and a subnet, applied (the
	 * running configuration equals the configuration). */
	{
		static const char *const kinds[][3] = {
			{ "sdnzone", "lab", "{\"type\":\"simple\","
			    "\"ipam\":\"pve\",\"dhcp\":\"dnsmasq\"}" },
			{ "sdnvnet", "labnet", "{\"type\":\"vnet\","
			    "\"zone\":\"lab\",\"alias\":\"lab network\"}" },
			{ "sdnsubnet", "lab-10.20.0.0-24", "{\"type\":"
			    "\"subnet\",\"vnet\":\"labnet\",\"zone\":\"lab\","
			    "\"cidr\":\"10.20.0.0/24\",\"network\":"
			    "\"10.20.0.0\",\"mask\":\"24\",\"gateway\":"
			    "\"10.20.0.1\",\"snat\":1}" },
		};
		char run[32];

		for (i = 0; i < 3; i++) {
			snprintf(run, sizeof(run), "%s-run", kinds[i][0]);
			sim_doc_put(s, kinds[i][0], "", kinds[i][1],
			    kinds[i][2]);
			sim_doc_put(s, run, "", kinds[i][1], kinds[i][2]);
		}
	}
}

/* ------------------------------------------------------------------ */
/* /nodes/{node}                                                      */


static void
seed_iface(struct sim *s, const char *parent, const char *json)
{
	struct ext_obj o = { 0 };
	char *id;

	if (ext_obj_parse(&o, json, 0) == -1)
		return;
	id = ext_obj_str(&o, "iface");
	sim_doc_put(s, "iface", parent, id, json);
	free(id);
	ext_obj_free(&o);
}

void
seed_node(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nnodes; i++) {
		const struct sim_node *n = &s->nodes[i];
		char parent[96], json[1024];
		unsigned a, b, c, d;

		snprintf(parent, sizeof(parent), "node/%s", n->name);
		if (sscanf(n->ip, "%u.%u.%u.%u", &a, &b, &c, &d) != 4) {
			a = 10;
			b = 0;
			c = 0;
			d = 11 + (unsigned)i;
		}
		seed_iface(s, parent, "{\"iface\":\"eno1\",\"type\":\"eth\","
		    "\"method\":\"manual\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"exists\":1,\"active\":1,"
		    "\"priority\":4}");
		seed_iface(s, parent, "{\"iface\":\"eno2\",\"type\":\"eth\","
		    "\"method\":\"manual\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"exists\":1,\"active\":1,"
		    "\"priority\":5}");
		seed_iface(s, parent, "{\"iface\":\"enp3s0f0np0\",\"type\":"
		    "\"eth\",\"method\":\"manual\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"exists\":1,\"priority\":6}");
		snprintf(json, sizeof(json), "{\"iface\":\"bond0\",\"type\":"
		    "\"bond\",\"method\":\"manual\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"slaves\":\"eno1 eno2\","
		    "\"bond_mode\":\"802.3ad\",\"bond_xmit_hash_policy\":"
		    "\"layer3+4\",\"autostart\":1,\"active\":1,\"priority\":7,"
		    "\"options\":[\"bond-miimon 100\"]}");
		seed_iface(s, parent, json);
		snprintf(json, sizeof(json), "{\"iface\":\"vmbr0\",\"type\":"
		    "\"bridge\",\"method\":\"static\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"address\":\"%u.%u.%u.%u\","
		    "\"netmask\":\"24\",\"cidr\":"
		    "\"%u.%u.%u.%u/24\",\"gateway\":\"%u.%u.%u.1\","
		    "\"bridge_ports\":\"bond0\",\"bridge_stp\":\"off\","
		    "\"bridge_fd\":\"0\",\"bridge_vlan_aware\":1,"
		    "\"bridge_vids\":\"2-4094\",\"autostart\":1,\"active\":1,"
		    "\"priority\":8}", a, b, c, d, a, b, c, d, a, b, c);
		seed_iface(s, parent, json);
		snprintf(json, sizeof(json), "{\"iface\":\"vmbr1\",\"type\":"
		    "\"bridge\",\"method\":\"static\",\"method6\":\"manual\","
		    "\"families\":[\"inet\"],\"address\":\"10.10.10.%u\","
		    "\"netmask\":\"24\",\"cidr\":"
		    "\"10.10.10.%u/24\",\"bridge_ports\":\"enp3s0f0np0\","
		    "\"bridge_stp\":\"off\",\"bridge_fd\":\"0\",\"mtu\":9000,"
		    "\"comments\":\"storage network\",\"autostart\":1,"
		    "\"active\":1,\"priority\":9}", d, d);
		seed_iface(s, parent, json);
		snprintf(json, sizeof(json), "{\"search\":\"pxsim.lan\","
		    "\"dns1\":\"%u.%u.%u.1\",\"dns2\":\"1.1.1.1\"}", a, b, c);
		sim_doc_put(s, "dns", parent, "dns", json);
		sim_doc_put(s, "timezone", parent, "tz",
		    "{\"timezone\":\"Europe/Vienna\"}");
	}
}

/* ------------------------------------------------------------------ */
/* /access: fill in what generate.c did not create                    */


static void
put_if_absent(struct sim *s, const char *kind, const char *parent,
    const char *id, const char *json)
{
	char *doc = sim_doc_get(s, kind, parent, id);

	if (doc == NULL)
		sim_doc_put(s, kind, parent, id, json);
	free(doc);
}

/* The built-in roles are written by generate.c (they have "special":
 * 1); here come sample users, groups and ACLs. */
void
seed_access(struct sim *s)
{
	put_if_absent(s, "domain", "", "pam", "{\"realm\":\"pam\",\"type\":"
	    "\"pam\",\"comment\":\"Linux PAM standard authentication\"}");
	put_if_absent(s, "domain", "", "pve", "{\"realm\":\"pve\",\"type\":"
	    "\"pve\",\"comment\":\"Proxmox VE authentication server\"}");
	put_if_absent(s, "group", "", "admins", "{\"groupid\":\"admins\","
	    "\"comment\":\"Cluster administrators\",\"users\":"
	    "\"alice@pve\"}");
	put_if_absent(s, "group", "", "ops", "{\"groupid\":\"ops\","
	    "\"comment\":\"Operations\",\"users\":\"bob@pve,carol@pve\"}");
	put_if_absent(s, "user", "", "alice@pve", "{\"userid\":\"alice@pve\","
	    "\"enable\":1,\"expire\":0,\"firstname\":\"Alice\",\"lastname\":"
	    "\"Admin\",\"email\":\"alice@example.com\",\"groups\":"
	    "\"admins\"}");
	put_if_absent(s, "user", "", "bob@pve", "{\"userid\":\"bob@pve\","
	    "\"enable\":1,\"expire\":0,\"firstname\":\"Bob\",\"email\":"
	    "\"bob@example.com\",\"groups\":\"ops\"}");
	put_if_absent(s, "user", "", "carol@pve", "{\"userid\":\"carol@pve\","
	    "\"enable\":0,\"expire\":1767225600,\"firstname\":\"Carol\","
	    "\"comment\":\"left the team\",\"groups\":\"ops\"}");
	put_if_absent(s, "acl", "", "/|group|admins|Administrator",
	    "{\"path\":\"/\",\"type\":\"group\",\"ugid\":\"admins\","
	    "\"roleid\":\"Administrator\",\"propagate\":1}");
	put_if_absent(s, "acl", "", "/vms|group|ops|PVEVMUser",
	    "{\"path\":\"/vms\",\"type\":\"group\",\"ugid\":\"ops\","
	    "\"roleid\":\"PVEVMUser\",\"propagate\":1}");
}
