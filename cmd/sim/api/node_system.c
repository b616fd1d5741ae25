/*
 * node_system.c -- pxsim's /nodes/{node}/... system areas: network (with
 * CRUD and apply), hardware (PCI with IOMMU groups, USB), disks and
 * SMART, apt versions and updates, journal and syslog, DNS, time, and
 * the node view of replication.  Static hardware is derived from the
 * seed and the node index (sim_hash), mutable settings live in documents
 * (seeded by model/seed.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "node_admin.h"

static int
node_index(struct sim *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			return (int)i;
	return 0;
}

static void
node_parent(const struct sim_match *m, char *buf, size_t n)
{
	snprintf(buf, n, "node/%s", sim_var(m, "node"));
}

/* ------------------------------------------------------------------ */
/* Network                                                            */

#define IFACE_SPEC \
	"iface:s:k address:s address6:s autostart:b bond-primary:s " \
	"bond_mode:e(balance-rr|active-backup|balance-xor|broadcast|802.3ad|" \
	"balance-tlb|balance-alb|balance-slb|lacp-balance-slb|" \
	"lacp-balance-tcp) bond_xmit_hash_policy:e(layer2|layer2+3|layer3+4) " \
	"bridge_ports:s bridge_vids:s bridge_vlan_aware:b cidr:s cidr6:s " \
	"comments:s comments6:s gateway:s gateway6:s mtu:i netmask:s " \
	"netmask6:i slaves:s type:e(bridge|bond|eth|alias|vlan|fabric|" \
	"OVSBridge|OVSBond|OVSPort|OVSIntPort|vnet|unknown):rc vlan-id:i " \
	"vlan-raw-device:s"

static int
iface_hook(struct sim *s, const struct sim_req *rq, struct sim_resp *rs,
    struct ext_obj *o, int create)
{
	char *cidr = ext_obj_str(o, "cidr");
	char *addr = ext_obj_str(o, "address");

	(void)s;
	(void)rq;
	(void)rs;
	/* Keep address/netmask and cidr consistent, as PVE does. */
	if (cidr != NULL && strchr(cidr, '/') != NULL &&
	    sim_param(rq, "cidr") != NULL) {
		char a[64];
		int bits = atoi(strchr(cidr, '/') + 1);
		unsigned mask = bits ? 0xffffffffu << (32 - bits) : 0;
		char nm[32];

		snprintf(a, sizeof(a), "%.*s", (int)(strchr(cidr, '/') - cidr),
		    cidr);
		snprintf(nm, sizeof(nm), "%u.%u.%u.%u", mask >> 24,
		    (mask >> 16) & 255, (mask >> 8) & 255, mask & 255);
		ext_obj_set_str(o, "address", a);
		ext_obj_set_str(o, "netmask", nm);
	} else if (addr != NULL && sim_param(rq, "address") != NULL) {
		char *nm = ext_obj_str(o, "netmask");
		unsigned a, b, c, d, bits = 0;
		char tmp[96];

		if (nm != NULL && sscanf(nm, "%u.%u.%u.%u", &a, &b, &c, &d)
		    == 4) {
			unsigned long m = ((unsigned long)a << 24) | (b << 16) |
			    (c << 8) | d;

			while (m & 0x80000000ul) {
				bits++;
				m = (m << 1) & 0xfffffffful;
			}
			snprintf(tmp, sizeof(tmp), "%s/%u", addr, bits);
			ext_obj_set_str(o, "cidr", tmp);
		}
		free(nm);
	}
	if (create) {
		ext_obj_set_raw(o, "families", "[\"inet\"]");
		if (ext_obj_raw(o, "address") != NULL)
			ext_obj_set_str(o, "method", "static");
		else
			ext_obj_set_str(o, "method", "manual");
		ext_obj_set_str(o, "method6", "manual");
		ext_obj_set_int(o, "priority", 10);
	} else if (ext_obj_raw(o, "address") != NULL)
		ext_obj_set_str(o, "method", "static");
	free(cidr);
	free(addr);
	return 0;
}

static const struct ext_coll iface_coll = {
	"iface", "iface", "iface", IFACE_SPEC, NULL, NULL,
	"interface does not exist", "interface already exists", 0,
	iface_hook
};

struct iface_filter {
	struct jw *w;
	const char *type;
};

static int
type_matches(const char *want, const char *type)
{
	if (want == NULL || !strcmp(want, type))
		return 1;
	if (!strcmp(want, "any_bridge") || !strcmp(want, "any_local_bridge"))
		return !strcmp(type, "bridge") || !strcmp(type, "OVSBridge");
	return 0;
}

static int
iface_list_cb(void *arg, const char *id, const char *json)
{
	struct iface_filter *f = arg;
	struct ext_obj o = { 0 };
	char *type;

	(void)id;
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	type = ext_obj_str(&o, "type");
	if (type != NULL && type_matches(f->type, type))
		jw_raw(f->w, json, strlen(json));
	free(type);
	ext_obj_free(&o);
	return 0;
}

static void
network_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct jw w;
	struct iface_filter f = { &w, sim_param(rq, "type") };
	char *pending;

	if (f.type != NULL && strcmp(f.type, "include_sdn") == 0)
		f.type = NULL;
	node_parent(m, parent, sizeof(parent));
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "iface", parent, iface_list_cb, &f);
	jw_end(&w);
	if ((pending = sim_doc_get(s, "ifacepending", parent, "pending"))) {
		jw_kstr(&w, "changes", "--- /etc/network/interfaces\n"
		    "+++ /etc/network/interfaces.new\n");
		free(pending);
	}
	sim_ok_end(rs, &w);
}

static void
network_create(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	const char *iface = sim_param(rq, "iface");
	char *doc;

	node_parent(m, parent, sizeof(parent));
	if (iface != NULL && (doc = sim_doc_get(s, "iface", parent, iface))) {
		free(doc);
		sim_param_error(rs, "iface", "interface already exists");
		return;
	}
	if (iface != NULL && strlen(iface) > 15) {
		sim_param_error(rs, "iface", "invalid format - interface name "
		    "too long");
		return;
	}
	ext_coll_create(s, rq, rs, &iface_coll, parent, NULL);
	if (rs->status == 200)
		sim_doc_put(s, "ifacepending", parent, "pending", "{}");
}

static void
network_apply(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct sim_task *t;

	node_parent(m, parent, sizeof(parent));
	sim_doc_delete(s, "ifacepending", parent, "pending");
	t = sim_task_start(s, sim_var(m, "node"), "srvreload", "networking",
	    rq->authid, -1, NULL, NULL);
	sim_task_log(t, "%s", "");
	sim_task_log(t, "%s", "Reloading network configuration");
	sim_upid_response(rs, t->upid);
}

static void
network_revert(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];

	(void)rq;
	node_parent(m, parent, sizeof(parent));
	sim_doc_delete(s, "ifacepending", parent, "pending");
	sim_ok_null(rs);
}

static void
network_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	const char *iface = sim_var(m, "iface");

	node_parent(m, parent, sizeof(parent));
	if (!strcmp(rq->method, "GET"))
		ext_coll_get(s, rs, &iface_coll, parent, iface);
	else if (!strcmp(rq->method, "PUT")) {
		char *doc = sim_doc_get(s, "iface", parent, iface);
		const char *type = sim_param(rq, "type");
		struct ext_obj o;
		char *cur;

		if (doc == NULL) {
			sim_param_error(rs, "iface", "interface does not "
			    "exist");
			return;
		}
		free(doc);
		if (sim_param_require(rq, rs, "type", (char *)NULL) == -1)
			return;
		if (ext_doc_obj(s, "iface", parent, iface, &o) == 0) {
			cur = ext_obj_str(&o, "type");
			if (cur != NULL && strcmp(cur, type) != 0) {
				sim_param_errorf(rs, "type", "interface type "
				    "'%s' does not match '%s'", type, cur);
				free(cur);
				ext_obj_free(&o);
				return;
			}
			free(cur);
			ext_obj_free(&o);
		}
		ext_coll_update(s, rq, rs, &iface_coll, parent, iface);
		if (rs->status == 200)
			sim_doc_put(s, "ifacepending", parent, "pending",
			    "{}");
	} else {
		if (!sim_doc_delete(s, "iface", parent, iface)) {
			sim_param_error(rs, "iface", "interface does not "
			    "exist");
			return;
		}
		sim_doc_put(s, "ifacepending", parent, "pending", "{}");
		sim_ok_null(rs);
	}
}

/* ------------------------------------------------------------------ */
/* Hardware                                                           */

struct pcidev {
	const char *slot;	/* bus:dev.fn */
	const char *cls;
	const char *vendor, *vendor_name;
	const char *device, *device_name;
	int group;		/* IOMMU group */
	int mdev;
};

/* The same machine layout on every node; group numbers shift a little
 * per node.  GPU function 0 and its audio function share a group, and
 * the dual-port NIC's two functions share one too. */
static const struct pcidev pcidevs[] = {
	{ "0000:00:00.0", "0x060000", "0x1022", "Advanced Micro Devices, "
	    "Inc. [AMD]", "0x1480", "Starship/Matisse Root Complex", 0, 0 },
	{ "0000:00:14.0", "0x0c0500", "0x1022", "Advanced Micro Devices, "
	    "Inc. [AMD]", "0x790b", "FCH SMBus Controller", 1, 0 },
	{ "0000:01:00.0", "0x010802", "0x144d", "Samsung Electronics Co "
	    "Ltd", "0xa808", "NVMe SSD Controller SM981/PM981/PM983", 2, 0 },
	{ "0000:02:00.0", "0x020000", "0x8086", "Intel Corporation",
	    "0x1521", "I350 Gigabit Network Connection", 3, 0 },
	{ "0000:02:00.1", "0x020000", "0x8086", "Intel Corporation",
	    "0x1521", "I350 Gigabit Network Connection", 3, 0 },
	{ "0000:03:00.0", "0x020000", "0x15b3", "Mellanox Technologies",
	    "0x1015", "MT27710 Family [ConnectX-4 Lx]", 4, 0 },
	{ "0000:41:00.0", "0x030000", "0x10de", "NVIDIA Corporation",
	    "0x2204", "GA102 [GeForce RTX 3090]", 5, 0 },
	{ "0000:41:00.1", "0x040300", "0x10de", "NVIDIA Corporation",
	    "0x1aef", "GA102 High Definition Audio Controller", 5, 0 },
	{ "0000:42:00.0", "0x030200", "0x10de", "NVIDIA Corporation",
	    "0x20b5", "GA100 [A100 PCIe 80GB]", 6, 1 },
	{ "0000:43:00.0", "0x0c0330", "0x1022", "Advanced Micro Devices, "
	    "Inc. [AMD]", "0x149c", "Matisse USB 3.0 Host Controller", 7, 0 },
};

static void
pci_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *bl = sim_param(rq, "pci-class-blacklist");
	int verbose = sim_param_bool(rq, "verbose", 1);
	int base = node_index(s, sim_var(m, "node")) * 2;
	struct jw w;
	size_t i;

	if (bl == NULL)
		bl = "05;06;0b";
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(pcidevs) / sizeof(pcidevs[0]); i++) {
		const struct pcidev *d = &pcidevs[i];
		char cls2[3] = { d->cls[2], d->cls[3], 0 };

		if (*bl && strstr(bl, cls2) != NULL)
			continue;
		jw_obj(&w);
		jw_kstr(&w, "id", d->slot);
		jw_kstr(&w, "class", d->cls);
		jw_kstr(&w, "vendor", d->vendor);
		jw_kstr(&w, "device", d->device);
		jw_kstr(&w, "subsystem_vendor", d->vendor);
		jw_kstr(&w, "subsystem_device", "0x0000");
		jw_kint(&w, "iommugroup", d->group + (d->group ? base : 0));
		if (d->mdev)
			jw_kint(&w, "mdev", 1);
		if (verbose) {
			jw_kstr(&w, "vendor_name", d->vendor_name);
			jw_kstr(&w, "device_name", d->device_name);
			jw_kstr(&w, "subsystem_vendor_name", d->vendor_name);
			jw_kstr(&w, "subsystem_device_name", "");
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static const struct pcidev *
pci_find(const char *id)
{
	size_t i;
	char full[32];

	if (strlen(id) == 7)	/* "41:00.0" */
		snprintf(full, sizeof(full), "0000:%s", id);
	else
		snprintf(full, sizeof(full), "%s", id);
	for (i = 0; i < sizeof(pcidevs) / sizeof(pcidevs[0]); i++)
		if (strcmp(pcidevs[i].slot, full) == 0)
			return &pcidevs[i];
	return NULL;
}

static void
pci_item(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	if (pci_find(sim_var(m, "pci-id-or-mapping")) == NULL) {
		sim_error(rs, 500, "no such PCI device or mapping '%s'",
		    sim_var(m, "pci-id-or-mapping"));
		return;
	}
	ext_index(rs, "method", "mdev");
}

static void
pci_mdev(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const struct pcidev *d = pci_find(sim_var(m, "pci-id-or-mapping"));
	struct jw w;
	int i;

	(void)s;
	(void)rq;
	if (d == NULL) {
		sim_error(rs, 500, "no such PCI device or mapping '%s'",
		    sim_var(m, "pci-id-or-mapping"));
		return;
	}
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; d->mdev && i < 3; i++) {
		char type[32], desc[128];

		snprintf(type, sizeof(type), "nvidia-%d", 470 + i);
		snprintf(desc, sizeof(desc), "num_heads=1, frl_config=60, "
		    "framebuffer=%dM, max_resolution=4096x2160, max_instance=%d",
		    10240 << i, 8 >> i);
		jw_obj(&w);
		jw_kstr(&w, "type", type);
		jw_kint(&w, "available", 8 >> i);
		jw_kstr(&w, "description", desc);
		jw_kstr(&w, "name", type);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
usb_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	static const struct {
		int bus, dev, port, level, cls;
		const char *vend, *prod, *man, *product, *speed, *path;
	} usb[] = {
		{ 1, 1, 0, 0, 9, "1d6b", "0002", "Linux Foundation",
		    "xHCI Host Controller", "480", NULL },
		{ 1, 2, 1, 1, 0, "0781", "5583", "SanDisk", "Ultra Fit",
		    "480", "1-1" },
		{ 1, 3, 2, 1, 3, "051d", "0002", "American Power Conversion",
		    "Back-UPS ES 700 FW:871.O3 .I USB FW:O3", "1.5", "1-2" },
		{ 2, 1, 0, 0, 9, "1d6b", "0003", "Linux Foundation",
		    "xHCI Host Controller", "5000", NULL },
		{ 2, 2, 3, 1, 0, "1050", "0407", "Yubico",
		    "YubiKey OTP+FIDO+CCID", "12", "2-3" },
	};
	struct jw w;
	size_t i;
	int idx = node_index(s, sim_var(m, "node"));

	(void)rq;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(usb) / sizeof(usb[0]); i++) {
		char serial[32];

		/* the YubiKey sits in the first node only */
		if (i == 4 && idx != 0)
			continue;
		jw_obj(&w);
		jw_kint(&w, "busnum", usb[i].bus);
		jw_kint(&w, "devnum", usb[i].dev);
		jw_kint(&w, "port", usb[i].port);
		jw_kint(&w, "level", usb[i].level);
		jw_kint(&w, "class", usb[i].cls);
		jw_kstr(&w, "vendid", usb[i].vend);
		jw_kstr(&w, "prodid", usb[i].prod);
		jw_kstr(&w, "manufacturer", usb[i].man);
		jw_kstr(&w, "product", usb[i].product);
		jw_kstr(&w, "speed", usb[i].speed);
		if (usb[i].path != NULL)
			jw_kstr(&w, "usbpath", usb[i].path);
		if (usb[i].level > 0) {
			snprintf(serial, sizeof(serial), "%08llX",
			    (unsigned long long)(sim_hash(s, (uint64_t)idx,
			    i) & 0xffffffffu));
			jw_kstr(&w, "serial", serial);
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
hardware_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "type", "pci usb");
}

/* ------------------------------------------------------------------ */
/* Disks                                                              */

struct disk {
	const char *dev;
	const char *model;
	const char *vendor;
	int ssd;		/* 1 ssd, 2 nvme, 0 hdd */
	uint64_t size;
	const char *used;
};

static const struct disk disks[] = {
	{ "/dev/nvme0n1", "Samsung SSD 970 EVO Plus 1TB", "unknown", 2,
	    1000204886016ULL, "LVM" },
	{ "/dev/sda", "SAMSUNG MZ7LH960HAJR-00005", "ATA     ", 1,
	    960197124096ULL, "ZFS" },
	{ "/dev/sdb", "SAMSUNG MZ7LH960HAJR-00005", "ATA     ", 1,
	    960197124096ULL, "ZFS" },
	{ "/dev/sdc", "ST4000NM0035-1V4107", "ATA     ", 0,
	    4000787030016ULL, NULL },
};

/* Disk d on node idx: serial and wear are stable per seed. */
static void
disk_serial(struct sim *s, int idx, size_t d, char *buf, size_t n)
{
	snprintf(buf, n, "S4%llX", (unsigned long long)(sim_hash(s,
	    (uint64_t)idx * 16 + d, 31) & 0xffffffffffULL));
}

/* The last disk of the last node is failing, to give tools something
 * to find. */
static int
disk_failing(struct sim *s, int idx, size_t d)
{
	return (size_t)idx == s->nnodes - 1 &&
	    d == sizeof(disks) / sizeof(disks[0]) - 1;
}

static void
disks_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int idx = node_index(s, sim_var(m, "node"));
	int skipsmart = sim_param_bool(rq, "skipsmart", 0);
	const char *type = sim_param(rq, "type");
	struct jw w;
	size_t i;

	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(disks) / sizeof(disks[0]); i++) {
		char serial[32], wwn[40];

		if (type != NULL && !strcmp(type, "unused") && disks[i].used)
			continue;
		disk_serial(s, idx, i, serial, sizeof(serial));
		snprintf(wwn, sizeof(wwn), "0x5002538e%08llx",
		    (unsigned long long)(sim_hash(s, (uint64_t)idx, i) &
		    0xffffffffu));
		jw_obj(&w);
		jw_kstr(&w, "devpath", disks[i].dev);
		jw_kstr(&w, "model", disks[i].model);
		jw_kstr(&w, "vendor", disks[i].vendor);
		jw_kstr(&w, "serial", serial);
		jw_kstr(&w, "wwn", disks[i].ssd == 2 ? "unknown" : wwn);
		jw_kuint(&w, "size", disks[i].size);
		jw_kint(&w, "gpt", 1);
		jw_kint(&w, "mounted", 0);
		jw_kint(&w, "osdid", -1);
		jw_key(&w, "osdid-list");
		jw_null(&w);
		if (disks[i].used != NULL)
			jw_kstr(&w, "used", disks[i].used);
		if (!skipsmart)
			jw_kstr(&w, "health", disk_failing(s, idx, i) ?
			    "FAILED" : "PASSED");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
smart_attr(struct jw *w, int id, const char *name, int value, int worst,
    int thresh, const char *raw, const char *flags)
{
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "name", name);
	jw_kint(w, "value", value);
	jw_kint(w, "worst", worst);
	jw_kint(w, "threshold", thresh);
	jw_kstr(w, "fail", value <= thresh ? "FAILING_NOW" : "-");
	jw_kstr(w, "raw", raw);
	jw_kstr(w, "flags", flags);
	jw_end(w);
}

static void
disks_smart(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int idx = node_index(s, sim_var(m, "node"));
	const char *dev = sim_param(rq, "disk");
	int healthonly = sim_param_bool(rq, "healthonly", 0);
	struct jw w;
	size_t i;
	int failing;
	char raw[64];

	if (sim_param_require(rq, rs, "disk", (char *)NULL) == -1)
		return;
	for (i = 0; i < sizeof(disks) / sizeof(disks[0]); i++)
		if (strcmp(disks[i].dev, dev) == 0)
			break;
	if (i == sizeof(disks) / sizeof(disks[0])) {
		sim_param_errorf(rs, "disk", "invalid disk path '%s'", dev);
		return;
	}
	failing = disk_failing(s, idx, i);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "health", failing ? "FAILED" : "PASSED");
	if (!healthonly && disks[i].ssd == 2) {
		char text[512];

		jw_kstr(&w, "type", "text");
		snprintf(text, sizeof(text), "\nSMART/Health Information (NVMe "
		    "Log 0x02)\nCritical Warning:                   0x00\n"
		    "Temperature:                        %d Celsius\n"
		    "Available Spare:                    100%%\n"
		    "Percentage Used:                    %d%%\n"
		    "Power On Hours:                     %llu\n"
		    "Unsafe Shutdowns:                   %d\n"
		    "Media and Data Integrity Errors:    0\n",
		    38 + idx, (int)(sim_hash(s, (uint64_t)idx, 3) % 9),
		    (unsigned long long)(12000 + sim_hash(s, (uint64_t)idx,
		    4) % 20000), 7 + idx);
		jw_kstr(&w, "text", text);
	} else if (!healthonly) {
		unsigned long long hours = 12000 + sim_hash(s, (uint64_t)idx,
		    i) % 30000;

		jw_kstr(&w, "type", "ata");
		jw_key(&w, "attributes");
		jw_arr(&w);
		smart_attr(&w, 1, "Raw_Read_Error_Rate", 100, 100, 6, "0",
		    "POSR--");
		snprintf(raw, sizeof(raw), "%d", failing ? 1872 : 0);
		smart_attr(&w, 5, "Reallocated_Sector_Ct", failing ? 8 : 100,
		    failing ? 8 : 100, 10, raw, "PO--CK");
		snprintf(raw, sizeof(raw), "%llu", hours);
		smart_attr(&w, 9, "Power_On_Hours", 95, 95, 0, raw, "-O--CK");
		smart_attr(&w, 12, "Power_Cycle_Count", 99, 99, 0, "41",
		    "-O--CK");
		if (disks[i].ssd) {
			snprintf(raw, sizeof(raw), "%d", (int)(sim_hash(s,
			    (uint64_t)idx, i + 7) % 9));
			smart_attr(&w, 177, "Wear_Leveling_Count", 99, 99, 0,
			    raw, "PO--C-");
		}
		snprintf(raw, sizeof(raw), "%d", failing ? 24 : 0);
		smart_attr(&w, 197, "Current_Pending_Sector", 100, 100, 0,
		    raw, "-O--C-");
		snprintf(raw, sizeof(raw), "%d (Min/Max 21/52)", 31 + idx);
		smart_attr(&w, 194, "Temperature_Celsius", 69, 48, 0, raw,
		    "-O---K");
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
disks_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "name", "directory list lvm lvmthin smart zfs");
}

/* ------------------------------------------------------------------ */
/* apt                                                                */

struct pkg {
	const char *name, *title, *version, *newver, *section;
};

static const struct pkg pkgs[] = {
	{ "proxmox-ve", "Proxmox Virtual Environment", "9.1.0", NULL,
	    "admin" },
	{ "pve-manager", "Proxmox Virtual Environment Management Tools",
	    "9.1.1", "9.1.2", "admin" },
	{ "proxmox-kernel-helper", "Function for various kernel maintenance "
	    "tasks.", "9.0.4", NULL, "admin" },
	{ "proxmox-kernel-6.17", "Latest Proxmox Kernel Image", "6.17.2-1",
	    "6.17.2-2", "kernel" },
	{ "pve-qemu-kvm", "Full virtualization on x86 hardware",
	    "10.1.2-1", NULL, "admin" },
	{ "lxc-pve", "Linux containers userspace tools", "6.0.5-1", NULL,
	    "admin" },
	{ "libpve-common-perl", "Proxmox VE base library", "9.0.11", NULL,
	    "perl" },
	{ "pve-firewall", "Proxmox VE Firewall", "6.0.3", NULL, "admin" },
	{ "pve-ha-manager", "Proxmox VE HA Manager", "5.0.5", NULL,
	    "perl" },
	{ "zfsutils-linux", "command-line tools to manage OpenZFS "
	    "filesystems", "2.3.4-pve1", NULL, "contrib/admin" },
	{ "ceph-common", "common utilities to mount and interact with a ceph "
	    "storage cluster", "19.2.3-pve2", NULL, "admin" },
	{ "openssl", "Secure Sockets Layer toolkit - cryptographic utility",
	    "3.5.1-1", "3.5.1-1+deb13u1", "utils" },
	{ "libc6", "GNU C Library: Shared libraries", "2.41-12", NULL,
	    "libs" },
	{ "bash", "GNU Bourne Again SHell", "5.2.37-2+b5", NULL, "shells" },
};

static void
pkg_common(struct jw *w, const struct pkg *p)
{
	jw_kstr(w, "Package", p->name);
	jw_kstr(w, "Title", p->title);
	jw_kstr(w, "Description", p->title);
	jw_kstr(w, "Arch", "amd64");
	jw_kstr(w, "Origin", strncmp(p->name, "lib", 3) == 0 ||
	    strcmp(p->name, "bash") == 0 || strcmp(p->name, "openssl") == 0 ?
	    "Debian" : "Proxmox");
	jw_kstr(w, "Priority", "optional");
	jw_kstr(w, "Section", p->section);
}

static void
apt_versions(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_node *n = sim_node_find(s, sim_var(m, "node"));
	struct jw w;
	size_t i;

	(void)rq;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		jw_obj(&w);
		pkg_common(&w, &pkgs[i]);
		jw_kstr(&w, "Version", pkgs[i].version);
		jw_kstr(&w, "OldVersion", pkgs[i].version);
		jw_kstr(&w, "CurrentState", "Installed");
		if (i == 0 && n != NULL)
			jw_kstr(&w, "RunningKernel", n->kernel);
		if (i == 1 && n != NULL) {
			const char *v = strchr(n->pveversion, '/');

			jw_kstr(&w, "ManagerVersion", v ? v + 1 : "9.1.1");
		}
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
apt_update_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	size_t i;
	int idx = node_index(s, sim_var(m, "node"));

	(void)rq;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		/* the first node is up to date on the kernel */
		if (pkgs[i].newver == NULL || (idx == 0 && i == 3))
			continue;
		jw_obj(&w);
		pkg_common(&w, &pkgs[i]);
		jw_kstr(&w, "Version", pkgs[i].newver);
		jw_kstr(&w, "OldVersion", pkgs[i].version);
		jw_end(&w);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static void
apt_update_run(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t;

	if (ext_check("notify:b quiet:b", rq, rs, 1, "") == -1)
		return;
	t = sim_task_start(s, sim_var(m, "node"), "aptupdate", "",
	    rq->authid, -1, NULL, NULL);
	sim_task_log(t, "%s", "starting apt-get update");
	sim_task_log(t, "%s", "Hit:1 http://deb.debian.org/debian trixie "
	    "InRelease");
	sim_task_log(t, "%s", "Hit:2 http://download.proxmox.com/debian/pve "
	    "trixie InRelease");
	sim_task_log(t, "%s", "Reading package lists...");
	sim_upid_response(rs, t->upid);
}

/*
 * /nodes/{node}/apt/repositories: the deb822 files of a PVE 9 node as
 * installed (enterprise repositories present but disabled, the
 * no-subscription one enabled).  What PUT changes is each repository's
 * Enabled flag, kept per node as the document "aptrepo": one '0' or '1'
 * per entry of apt_repos.
 */
static const struct apt_repo {
	const char *path;
	int index;		/* within its file */
	const char *uris, *suites, *components;	/* space-separated */
	int enabled;		/* as installed */
	const char *handle;	/* the standard repository, or NULL */
	const char *origin;
} apt_repos[] = {
	{ "/etc/apt/sources.list.d/debian.sources", 0,
	    "http://deb.debian.org/debian", "trixie trixie-updates",
	    "main contrib non-free-firmware", 1, NULL, "Debian" },
	{ "/etc/apt/sources.list.d/debian.sources", 1,
	    "http://security.debian.org/debian-security", "trixie-security",
	    "main contrib non-free-firmware", 1, NULL, "Debian" },
	{ "/etc/apt/sources.list.d/pve-enterprise.sources", 0,
	    "https://enterprise.proxmox.com/debian/pve", "trixie",
	    "pve-enterprise", 0, "enterprise", "Proxmox" },
	{ "/etc/apt/sources.list.d/proxmox.sources", 0,
	    "http://download.proxmox.com/debian/pve", "trixie",
	    "pve-no-subscription", 1, "no-subscription", "Proxmox" },
	/* not configured as installed (-1): PUT handle adds it */
	{ "/etc/apt/sources.list.d/proxmox.sources", 1,
	    "http://download.proxmox.com/debian/pve", "trixie",
	    "pve-test", -1, "test", "Proxmox" },
	{ "/etc/apt/sources.list.d/ceph.sources", 0,
	    "https://enterprise.proxmox.com/debian/ceph-squid", "trixie",
	    "enterprise", 0, "ceph-squid-enterprise", "Proxmox" },
	{ "/etc/apt/sources.list.d/ceph.sources", 1,
	    "http://download.proxmox.com/debian/ceph-squid", "trixie",
	    "no-subscription", -1, "ceph-squid-no-subscription", "Proxmox" },
	{ "/etc/apt/sources.list.d/ceph.sources", 2,
	    "http://download.proxmox.com/debian/ceph-squid", "trixie",
	    "test", -1, "ceph-squid-test", "Proxmox" },
};
#define NAPT	(sizeof(apt_repos) / sizeof(apt_repos[0]))

static const struct {
	const char *handle, *name;
} apt_standard[] = {
	{ "enterprise", "Enterprise" },
	{ "no-subscription", "No-Subscription" },
	{ "test", "Test" },
	{ "ceph-squid-enterprise", "Ceph Squid Enterprise" },
	{ "ceph-squid-no-subscription", "Ceph Squid No-Subscription" },
	{ "ceph-squid-test", "Ceph Squid Test" },
};

/* The node's flags: NAPT characters '0'/'1' and a NUL. */
static void
apt_flags(struct sim *s, const struct sim_match *m, char *flags)
{
	char parent[96], *doc;
	size_t i;

	for (i = 0; i < NAPT; i++)
		flags[i] = apt_repos[i].enabled < 0 ? '-' :
		    apt_repos[i].enabled ? '1' : '0';
	flags[NAPT] = '\0';
	node_parent(m, parent, sizeof(parent));
	if ((doc = sim_doc_get(s, "aptrepo", parent, "flags")) != NULL) {
		if (strlen(doc) == NAPT + 2)	/* "0101..." with quotes */
			memcpy(flags, doc + 1, NAPT);
		free(doc);
	}
}

/* Repository i's index within its file: the configured ones before it
 * ('-': not configured). */
static int
repo_index(const char *flags, size_t i)
{
	int n = 0;

	for (size_t q = 0; q < i; q++)
		if (flags[q] != '-' && strcmp(apt_repos[q].path,
		    apt_repos[i].path) == 0)
			n++;
	return n;
}

static void
apt_words(struct jw *w, const char *key, const char *words)
{
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", words);
	jw_key(w, key);
	jw_arr(w);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		jw_str(w, p);
	jw_end(w);
}

static void
apt_repos_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char flags[NAPT + 1], digest[41], fd[41], text[128];
	struct jw w;
	size_t i, q;

	(void)rq;
	apt_flags(s, m, flags);
	ext_digest(flags, NAPT, digest);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "digest", digest);
	jw_key(&w, "errors");
	jw_arr(&w);
	jw_end(&w);
	jw_key(&w, "files");
	jw_arr(&w);
	for (i = 0; i < NAPT; i = q) {
		jw_obj(&w);
		jw_kstr(&w, "path", apt_repos[i].path);
		jw_kstr(&w, "file-type", "sources");
		/* the file's digest as bytes: of its path and flags */
		snprintf(text, sizeof(text), "%s %s", apt_repos[i].path, flags);
		ext_digest(text, strlen(text), fd);
		jw_key(&w, "digest");
		jw_arr(&w);
		for (q = 0; q < 20; q++) {
			unsigned byte;

			sscanf(fd + 2 * q, "%2x", &byte);
			jw_int(&w, byte);
		}
		jw_end(&w);
		jw_key(&w, "repositories");
		jw_arr(&w);
		for (q = i; q < NAPT &&
		    strcmp(apt_repos[q].path, apt_repos[i].path) == 0; q++) {
			if (flags[q] == '-')
				continue;
			jw_obj(&w);
			apt_words(&w, "Types", "deb");
			apt_words(&w, "URIs", apt_repos[q].uris);
			apt_words(&w, "Suites", apt_repos[q].suites);
			apt_words(&w, "Components", apt_repos[q].components);
			jw_key(&w, "Options");
			jw_arr(&w);
			jw_obj(&w);
			jw_kstr(&w, "Key", "Signed-By");
			apt_words(&w, "Values", strstr(apt_repos[q].uris,
			    "debian.org") ? "/usr/share/keyrings/"
			    "debian-archive-keyring.gpg" : "/usr/share/keyrings/"
			    "proxmox-archive-keyring.gpg");
			jw_end(&w);
			jw_end(&w);
			jw_kstr(&w, "Comment", "");
			jw_kstr(&w, "FileType", "sources");
			jw_kint(&w, "Enabled", flags[q] == '1');
			jw_end(&w);
		}
		jw_end(&w);
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "infos");
	jw_arr(&w);
	for (i = 0; i < NAPT; i++) {
		char idx[16];

		if (flags[i] == '-')
			continue;
		snprintf(idx, sizeof(idx), "%d", repo_index(flags, i));
		jw_obj(&w);
		jw_kstr(&w, "index", idx);
		jw_kstr(&w, "kind", "origin");
		jw_kstr(&w, "message", apt_repos[i].origin);
		jw_kstr(&w, "path", apt_repos[i].path);
		jw_end(&w);
		if (flags[i] == '1' && apt_repos[i].handle != NULL &&
		    strcmp(apt_repos[i].handle, "no-subscription") == 0) {
			jw_obj(&w);
			jw_kstr(&w, "index", idx);
			jw_kstr(&w, "kind", "warning");
			jw_kstr(&w, "message", "The no-subscription repository "
			    "is not recommended for production use!");
			jw_kstr(&w, "path", apt_repos[i].path);
			jw_kstr(&w, "property", "Components");
			jw_end(&w);
		}
	}
	jw_end(&w);
	jw_key(&w, "standard-repos");
	jw_arr(&w);
	for (q = 0; q < sizeof(apt_standard) / sizeof(apt_standard[0]); q++) {
		jw_obj(&w);
		jw_kstr(&w, "handle", apt_standard[q].handle);
		jw_kstr(&w, "name", apt_standard[q].name);
		for (i = 0; i < NAPT; i++)
			if (apt_repos[i].handle != NULL &&
			    strcmp(apt_repos[i].handle,
			    apt_standard[q].handle) == 0 && flags[i] != '-')
				jw_kint(&w, "status", flags[i] == '1');
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* POST: enable or disable the repository index of the file path. */
static void
apt_repos_change(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *path = sim_param(rq, "path"), *dg = sim_param(rq,
	    "digest");
	char flags[NAPT + 1], digest[41], parent[96], json[NAPT + 3];
	long long index;
	size_t i;

	if (ext_check("path:s:r index:i:r enabled:b digest:s", rq, rs, 1,
	    "node") == -1)
		return;
	if (dg != NULL && strlen(dg) > 80) {
		sim_param_error(rs, "digest", "value may only be 80 characters "
		    "long");
		return;
	}
	index = sim_param_int(rq, "index", -1);
	apt_flags(s, m, flags);
	ext_digest(flags, NAPT, digest);
	if (dg != NULL && strcmp(dg, digest) != 0) {
		sim_error(rs, 500, "detected modified configuration - file "
		    "changed by other user? Try again.");
		return;
	}
	for (i = 0; i < NAPT; i++)
		if (strcmp(apt_repos[i].path, path) == 0 && flags[i] != '-' &&
		    repo_index(flags, i) == index)
			break;
	if (i == NAPT) {
		sim_error(rs, 500, "unable to find repository %lld in '%s'",
		    index, path);
		return;
	}
	if (sim_param(rq, "enabled") != NULL)
		flags[i] = sim_param_bool(rq, "enabled", 1) ? '1' : '0';
	snprintf(json, sizeof(json), "\"%s\"", flags);
	node_parent(m, parent, sizeof(parent));
	sim_doc_put(s, "aptrepo", parent, "flags", json);
	sim_ok_null(rs);
}


/* PUT: add the standard repository handle, or enable it where it is
 * configured but disabled (proxmox-apt's add_repository). */
static void
apt_repos_add(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *handle = sim_param(rq, "handle"), *dg = sim_param(rq,
	    "digest");
	char flags[NAPT + 1], digest[41], parent[96], json[NAPT + 3];
	size_t i, q;

	if (ext_check("handle:s:r digest:s", rq, rs, 1, "node") == -1)
		return;
	if (dg != NULL && strlen(dg) > 80) {
		sim_param_error(rs, "digest", "value may only be 80 characters "
		    "long");
		return;
	}
	apt_flags(s, m, flags);
	ext_digest(flags, NAPT, digest);
	if (dg != NULL && *dg && strcmp(dg, digest) != 0) {
		sim_error(rs, 500, "detected modified configuration - file "
		    "changed by other user? Try again.");
		return;
	}
	for (q = 0; q < sizeof(apt_standard) / sizeof(apt_standard[0]); q++)
		if (strcmp(apt_standard[q].handle, handle) == 0)
			break;
	if (q == sizeof(apt_standard) / sizeof(apt_standard[0])) {
		sim_error(rs, 500, "unknown repository handle '%s'", handle);
		return;
	}
	for (i = 0; i < NAPT; i++)
		if (apt_repos[i].handle != NULL &&
		    strcmp(apt_repos[i].handle, handle) == 0)
			break;
	if (i == NAPT) {
		sim_error(rs, 500, "adding the repository '%s' is not "
		    "supported by this node's files", handle);
		return;
	}
	flags[i] = '1';
	snprintf(json, sizeof(json), "\"%s\"", flags);
	node_parent(m, parent, sizeof(parent));
	sim_doc_put(s, "aptrepo", parent, "flags", json);
	sim_ok_null(rs);
}

/* GET changelog: of an installed package, optionally a version. */
static void
apt_changelog(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *name = sim_param(rq, "name");
	const char *version = sim_param(rq, "version");
	struct buf b = { 0 };
	struct jw w;
	size_t i, n;

	(void)s;
	(void)m;
	if (ext_check("name:s:r version:s", rq, rs, 1, "node") == -1)
		return;
	n = strlen(name);
	if (n < 2 || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0'
	    && name[0] <= '9')) || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-+.:") != n) {
		sim_param_error(rs, "name", "value does not match the regex "
		    "pattern");
		return;
	}
	for (i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		if (strcmp(pkgs[i].name, name) == 0)
			break;
	if (i == sizeof(pkgs) / sizeof(pkgs[0])) {
		sim_error(rs, 500, "changelog for '%s' not available", name);
		return;
	}
	if (version == NULL)
		version = pkgs[i].newver ? pkgs[i].newver : pkgs[i].version;
	if (strcmp(version, pkgs[i].version) != 0 && (pkgs[i].newver == NULL ||
	    strcmp(version, pkgs[i].newver) != 0)) {
		sim_error(rs, 500, "changelog for '%s_%s' not available", name,
		    version);
		return;
	}
	buf_printf(&b, "%s (%s) trixie; urgency=medium\n\n", name, version);
	if (pkgs[i].newver != NULL && strcmp(version, pkgs[i].newver) == 0)
		buf_printf(&b, "  * update to %s: bug fixes and improvements\n\n"
		    " -- Proxmox Support Team <support@proxmox.com>  Mon, 01 Dec "
		    "2025 10:00:00 +0100\n\n%s (%s) trixie; urgency=medium\n\n",
		    version, name, pkgs[i].version);
	buf_printf(&b, "  * release %s\n\n -- Proxmox Support Team "
	    "<support@proxmox.com>  Mon, 10 Nov 2025 10:00:00 +0100\n",
	    pkgs[i].version);
	sim_ok_begin(rs, &w);
	jw_str(&w, b.p);
	sim_ok_end(rs, &w);
	buf_free(&b);
}

static void
apt_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)s;
	(void)rq;
	(void)m;
	ext_index(rs, "id", "changelog repositories update versions");
}

/* ------------------------------------------------------------------ */
/* Logs                                                               */

static const char *syslog_lines[] = {
	"pvedaemon[%u]: <root@pam> successful auth for user 'root@pam'",
	"pveproxy[%u]: worker %u finished",
	"pveproxy[%u]: starting 1 worker(s)",
	"systemd[1]: Started session-%u.scope - Session of User root.",
	"pmxcfs[%u]: [status] notice: received log",
	"pvestatd[%u]: status update time (0.%u seconds)",
	"kernel: [%u] vmbr0: port 2(tap101i0) entered forwarding state",
	"corosync[%u]: [KNET  ] pmtud: Global data MTU changed to: 1397",
	"cron[%u]: (root) CMD (test -e /run/systemd/system || "
	    "SERVICE_MODE=1 /sbin/e2scrub_all -A -r)",
	"chronyd[%u]: Selected source 162.159.200.%u (2.debian.pool.ntp.org)",
	"postfix/qmgr[%u]: 4B1F2A0C1D: removed",
	"smartd[%u]: Device: /dev/sda [SAT], SMART Usage Attribute: 194 "
	    "Temperature_Celsius changed from %u to 69",
};

#define SYSLOG_TOTAL 500

/* Line n (0-based, oldest first) of the node's log, at time *t: the
 * seeded lines, then those appended since (node_admin.h). */
static void
log_line(struct sim *s, int idx, long long n, char *buf, size_t size,
    time_t *t, int journal)
{
	time_t now = sim_now(s);
	struct tm tm;
	char ts[64], msg[1024];
	uint64_t h = sim_hash(s, (uint64_t)idx * 100000 + (uint64_t)n, 77);
	const char *fmt = syslog_lines[h % (sizeof(syslog_lines) /
	    sizeof(syslog_lines[0]))];

	if (n >= SYSLOG_TOTAL) {
		if (node_log_get(s, s->nodes[idx].name, (int)(n - SYSLOG_TOTAL),
		    msg, sizeof(msg), t) != 0)
			snprintf(msg, sizeof(msg), "-");
	} else {
		*t = now - (SYSLOG_TOTAL - n) * 37;
		/* the seeded lines end before the first appended one */
		*t -= 60;
		snprintf(msg, sizeof(msg), fmt, (unsigned)(1000 + h % 60000),
		    (unsigned)(h % 97));
	}
	localtime_r(t, &tm);
	strftime(ts, sizeof(ts), journal ? "%b %d %H:%M:%S" :
	    "%Y-%m-%dT%H:%M:%S%z", &tm);
	snprintf(buf, size, "%s %s %s", ts, s->nodes[idx].name, msg);
}

static long long
log_total(struct sim *s, int idx)
{
	return SYSLOG_TOTAL + node_log_count(s, s->nodes[idx].name);
}

/* syslog's since/until: "YYYY-MM-DD[ HH:MM[:SS]]" (PVE's pattern), as
 * local time in *t; 0, or -1 with the 400 in rs. */
static int
syslog_date(const char *v, const char *param, time_t *t, struct sim_resp *rs)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, k = 0;
	size_t n = v ? strlen(v) : 0;

	if (v == NULL)
		return 0;
	if ((n == 10 && sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &k) == 3) ||
	    (n == 16 && sscanf(v, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h,
	    &mi, &k) == 5) || (n == 19 && sscanf(v, "%4d-%2d-%2d %2d:%2d:%2d%n",
	    &y, &mo, &d, &h, &mi, &sec, &k) == 6)) {
		if ((size_t)k == n && strspn(v, "0123456789-: ") == n) {
			tm.tm_year = y - 1900;
			tm.tm_mon = mo - 1;
			tm.tm_mday = d;
			tm.tm_hour = h;
			tm.tm_min = mi;
			tm.tm_sec = sec;
			tm.tm_isdst = -1;
			*t = mktime(&tm);
			return 0;
		}
	}
	sim_param_error(rs, param, "value does not match the regex pattern");
	return -1;
}

static void
node_syslog(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int idx = node_index(s, sim_var(m, "node"));
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	const char *service = sim_param(rq, "service");
	long long total = log_total(s, idx);
	time_t since = 0, until = 0;
	struct jw w;
	long long i, n = 0, matched = 0;

	if (ext_check("limit:i start:i service:s since:s until:s", rq, rs,
	    1, "") == -1)
		return;
	if (start < 0 || limit < 0) {
		sim_param_error(rs, start < 0 ? "start" : "limit", "value must "
		    "have a minimum value of 0");
		return;
	}
	if (service != NULL && strlen(service) > 128) {
		sim_param_error(rs, "service", "value may only be 128 "
		    "characters long");
		return;
	}
	if (syslog_date(sim_param(rq, "since"), "since", &since, rs) != 0 ||
	    syslog_date(sim_param(rq, "until"), "until", &until, rs) != 0)
		return;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = 0; i < total; i++) {
		char line[1536];
		time_t t;

		log_line(s, idx, i, line, sizeof(line), &t, 0);
		if (service != NULL && strstr(line, service) == NULL)
			continue;
		if ((since && t < since) || (until && t > until))
			continue;
		if (matched++ < start || n >= limit)
			continue;
		jw_obj(&w);
		jw_kint(&w, "n", matched);
		jw_kstr(&w, "t", line);
		jw_end(&w);
		n++;
	}
	jw_end(&w);
	jw_kint(&w, "total", matched);
	sim_ok_end(rs, &w);
}

/* A journal cursor: "s=SEQNUM_ID;i=INDEX" of line INDEX. */
static void
cursor_of(struct sim *s, int idx, long long i, char *buf, size_t n)
{
	snprintf(buf, n, "s=%016llx;i=%llx",
	    (unsigned long long)sim_hash(s, (uint64_t)idx, 1), i);
}

/* The line index of cursor c: 0, or -1 when c is not one of this
 * node's. */
static int
cursor_parse(struct sim *s, int idx, const char *c, long long *i)
{
	char want[40];
	unsigned long long v;
	int k = 0;

	snprintf(want, sizeof(want), "s=%016llx;i=",
	    (unsigned long long)sim_hash(s, (uint64_t)idx, 1));
	if (strncmp(c, want, strlen(want)) != 0 ||
	    sscanf(c + strlen(want), "%llx%n", &v, &k) != 1 ||
	    c[strlen(want) + (size_t)k] != '\0')
		return -1;
	*i = (long long)v;
	return 0;
}

static void
node_journal(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	int idx = node_index(s, sim_var(m, "node"));
	long long last = sim_param_int(rq, "lastentries", 0);
	long long since = sim_param_int(rq, "since", 0);
	long long until = sim_param_int(rq, "until", 0);
	const char *sc = sim_param(rq, "startcursor");
	const char *ec = sim_param(rq, "endcursor");
	long long total = log_total(s, idx), first = 0, end = total;
	long long *pick, npick = 0, i, from;
	struct jw w;
	char cursor[64];

	if (ext_check("endcursor:s lastentries:i since:i startcursor:s "
	    "until:i", rq, rs, 1, "") == -1)
		return;
	if (last < 0 || since < 0 || until < 0) {
		sim_param_error(rs, last < 0 ? "lastentries" : since < 0 ?
		    "since" : "until", "value must have a minimum value of 0");
		return;
	}
	if (sc != NULL && sim_param(rq, "since") != NULL) {
		sim_param_error(rs, "since", "value conflicts with "
		    "'startcursor'");
		return;
	}
	if (ec != NULL && sim_param(rq, "until") != NULL) {
		sim_param_error(rs, "until", "value conflicts with "
		    "'endcursor'");
		return;
	}
	if (sc != NULL) {
		if (cursor_parse(s, idx, sc, &first) != 0) {
			sim_error(rs, 500, "Failed to seek to cursor: Invalid "
			    "argument");
			return;
		}
		first++;		/* start after it */
	}
	if (ec != NULL) {
		if (cursor_parse(s, idx, ec, &end) != 0) {
			sim_error(rs, 500, "Failed to seek to cursor: Invalid "
			    "argument");
			return;
		}
		if (end > total)
			end = total;
	}
	pick = px_xcalloc((size_t)(total > 0 ? total : 1), sizeof(*pick));
	for (i = first; i < end; i++) {
		char line[1536];
		time_t t;

		log_line(s, idx, i, line, sizeof(line), &t, 1);
		if ((since && t < since) || (until && t > until))
			continue;
		pick[npick++] = i;
	}
	from = last > 0 && last < npick ? npick - last : 0;
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	if (npick > from) {
		cursor_of(s, idx, pick[from], cursor, sizeof(cursor));
		jw_str(&w, cursor);
		for (i = from; i < npick; i++) {
			char line[1536];
			time_t t;

			log_line(s, idx, pick[i], line, sizeof(line), &t, 1);
			jw_str(&w, line);
		}
		cursor_of(s, idx, pick[npick - 1], cursor, sizeof(cursor));
		jw_str(&w, cursor);
	}
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(pick);
}

/* ------------------------------------------------------------------ */
/* DNS and time                                                       */

static void
dns_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct ext_obj o;
	struct jw w;

	(void)rq;
	node_parent(m, parent, sizeof(parent));
	if (ext_doc_obj(s, "dns", parent, "dns", &o) == -1)
		memset(&o, 0, sizeof(o));
	sim_ok_begin(rs, &w);
	ext_obj_write(&w, &o, "search dns1 dns2 dns3");
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}


static int
ipv4_ok(const char *v)
{
	unsigned a, b, c, d;
	char tail;

	return sscanf(v, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 &&
	    a < 256 && b < 256 && c < 256 && d < 256;
}

static void
dns_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct ext_obj o;
	const char *k[] = { "dns1", "dns2", "dns3" };
	size_t i;

	node_parent(m, parent, sizeof(parent));
	if (ext_check("search:s:r dns1:s dns2:s dns3:s", rq, rs, 1, "") == -1)
		return;
	for (i = 0; i < 3; i++) {
		const char *v = sim_param(rq, k[i]);

		if (v != NULL && !ipv4_ok(v) && strchr(v, ':') == NULL) {
			sim_param_errorf(rs, k[i], "invalid format - value "
			    "does not look like a valid IP address");
			return;
		}
	}
	memset(&o, 0, sizeof(o));
	ext_apply("search:s:r dns1:s dns2:s dns3:s", rq, rs, &o, 1, "");
	ext_doc_put_obj(s, "dns", parent, "dns", &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

static void
time_get(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct ext_obj o;
	struct jw w;
	char *tz;
	time_t now = sim_now(s);
	long off;

	(void)rq;
	node_parent(m, parent, sizeof(parent));
	if (ext_doc_obj(s, "timezone", parent, "tz", &o) == -1)
		memset(&o, 0, sizeof(o));
	tz = ext_obj_str(&o, "timezone");
	/* No tz database lookups: a fixed offset for the zones we seed. */
	off = tz && !strncmp(tz, "Europe/", 7) ? 3600 : 0;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kstr(&w, "timezone", tz ? tz : "UTC");
	jw_kint(&w, "time", (long long)now);
	jw_kint(&w, "localtime", (long long)now + off);
	jw_end(&w);
	sim_ok_end(rs, &w);
	free(tz);
	ext_obj_free(&o);
}

/* A zone of the tz database: a path under /usr/share/zoneinfo (no "..",
 * no other characters), or one of the zones pxsim knows where the host
 * has no database. */
static int
tz_known(const char *tz)
{
	static const char *const zones[] = { "UTC", "Etc/UTC", "Europe/Berlin",
		"Europe/Vienna", "Europe/London", "Europe/Paris",
		"America/New_York", "America/Los_Angeles", "Asia/Tokyo",
		"Australia/Sydney", NULL };
	char path[160];
	struct stat st;
	size_t n = strlen(tz);

	if (n == 0 || n > 64 || tz[0] == '/' || strstr(tz, "..") != NULL ||
	    strspn(tz, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/_+-") != n)
		return 0;
	for (int i = 0; zones[i]; i++)
		if (strcmp(zones[i], tz) == 0)
			return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
time_put(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	char parent[96];
	struct ext_obj o = { 0 };
	const char *tz = sim_param(rq, "timezone");

	if (ext_check("timezone:s:r", rq, rs, 1, "") == -1)
		return;
	if (!tz_known(tz)) {
		/* pve-common's PVE::Systemd::set_timezone (and the older
		 * write_etc_timezone): a parameter error */
		sim_param_error(rs, "timezone", "No such timezone");
		return;
	}
	node_parent(m, parent, sizeof(parent));
	ext_obj_set_str(&o, "timezone", tz);
	ext_doc_put_obj(s, "timezone", parent, "tz", &o);
	ext_obj_free(&o);
	sim_ok_null(rs);
}

/* ------------------------------------------------------------------ */
/* Replication, node view                                             */

struct repl_ctx {
	struct sim *s;
	struct jw *w;
	const char *node;
	int guest;
	const char *only;	/* one job id, for /status */
	int found;
};

static void
repl_status_fields(struct sim *s, struct jw *w, const struct ext_obj *o,
    const char *id)
{
	time_t now = sim_now(s);
	uint64_t h = sim_hash(s, (uint64_t)ext_obj_int(o, "guest", 0),
	    (uint64_t)ext_obj_int(o, "jobnum", 0));
	char *target = ext_obj_str(o, "target");
	char *schedule = ext_obj_str(o, "schedule");
	long long last = (long long)now - 60 - (long long)(h % 800);

	jw_kstr(w, "id", id);
	jw_kint(w, "guest", ext_obj_int(o, "guest", 0));
	jw_kint(w, "jobnum", ext_obj_int(o, "jobnum", 0));
	jw_kstr(w, "type", "local");
	jw_kstr(w, "target", target ? target : "");
	jw_kstr(w, "schedule", schedule ? schedule : "*/15");
	jw_kint(w, "last_sync", last);
	jw_kint(w, "last_try", last);
	jw_kint(w, "next_sync", last + 900);
	jw_knum(w, "duration", 1.5 + (double)(h % 300) / 100.0);
	{
		const char *err;
		int fails = sim_fault_repl(id, &err);

		jw_kint(w, "fail_count", fails);
		if (fails > 0)
			jw_kstr(w, "error", err);
	}
	jw_kstr(w, "vmtype", "qemu");
	free(target);
	free(schedule);
}

/* The state fields of a job, as the node's list shows them next to the
 * job's configuration (PVE's GUI reads them from that list). */
static void
repl_state_set(struct sim *s, struct ext_obj *o)
{
	uint64_t h = sim_hash(s, (uint64_t)ext_obj_int(o, "guest", 0),
	    (uint64_t)ext_obj_int(o, "jobnum", 0));
	long long last = (long long)sim_now(s) - 60 - (long long)(h % 800);
	char d[32];

	ext_obj_set_int(o, "last_sync", last);
	ext_obj_set_int(o, "last_try", last);
	ext_obj_set_int(o, "next_sync", last + 900);
	snprintf(d, sizeof(d), "%.2f", 1.5 + (double)(h % 300) / 100.0);
	ext_obj_set_raw(o, "duration", d);
	{
		char *id = ext_obj_str(o, "id");
		const char *err;
		int fails = id ? sim_fault_repl(id, &err) : 0;

		ext_obj_set_int(o, "fail_count", fails);
		if (fails > 0)
			ext_obj_set_str(o, "error", err);
		free(id);
	}
	ext_obj_set_str(o, "vmtype", "qemu");
}

static int
repl_node_cb(void *arg, const char *id, const char *json)
{
	struct repl_ctx *c = arg;
	struct ext_obj o = { 0 };
	char *source;

	if (c->only != NULL && strcmp(c->only, id) != 0)
		return 0;
	if (ext_obj_parse(&o, json, 0) == -1)
		return 0;
	source = ext_obj_str(&o, "source");
	if (source != NULL && !strcmp(source, c->node) &&
	    (c->guest == 0 || ext_obj_int(&o, "guest", 0) == c->guest)) {
		c->found++;
		if (c->w != NULL) {
			ext_obj_set_str(&o, "id", id);
			repl_state_set(c->s, &o);
			ext_obj_write(c->w, &o, "id guest jobnum target type "
			    "schedule rate comment disable remove_job "
			    "last_sync last_try next_sync duration fail_count "
			    "error vmtype");
		}
	}
	free(source);
	ext_obj_free(&o);
	return 0;
}

static void
node_repl_list(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	struct repl_ctx c = { s, &w, sim_var(m, "node"),
	    (int)sim_param_int(rq, "guest", 0), NULL, 0 };

	sim_ok_begin(rs, &w);
	jw_arr(&w);
	sim_doc_list(s, "replication", "", repl_node_cb, &c);
	jw_end(&w);
	sim_ok_end(rs, &w);
}

static int
node_repl_check(struct sim *s, const struct sim_match *m,
    struct sim_resp *rs)
{
	struct repl_ctx c = { s, NULL, sim_var(m, "node"), 0,
	    sim_var(m, "id"), 0 };

	sim_doc_list(s, "replication", "", repl_node_cb, &c);
	if (c.found == 0) {
		sim_error(rs, 500, "replication job '%s' does not exist",
		    sim_var(m, "id"));
		return -1;
	}
	return 0;
}

static void
node_repl_index(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	(void)rq;
	if (node_repl_check(s, m, rs) == 0)
		ext_index(rs, "name", "log schedule_now status");
}

static void
node_repl_status(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct ext_obj o;
	struct jw w;

	(void)rq;
	if (node_repl_check(s, m, rs) == -1)
		return;
	if (ext_doc_obj(s, "replication", "", sim_var(m, "id"), &o) == -1)
		return;
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	repl_status_fields(s, &w, &o, sim_var(m, "id"));
	jw_end(&w);
	sim_ok_end(rs, &w);
	ext_obj_free(&o);
}

static void
node_repl_log(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct jw w;
	static const char *lines[] = {
		"start replication job",
		"guest => VM %s, running => 1",
		"volumes => local-zfs:vm-%s-disk-0",
		"create snapshot '__replicate_%s_1764064800__' on "
		    "local-zfs:vm-%s-disk-0",
		"using secure transmission, rate limit: none",
		"incremental sync 'local-zfs:vm-%s-disk-0'",
		"send/receive time 1.2s",
		"end replication job",
	};
	long long start = sim_param_int(rq, "start", 0);
	long long limit = sim_param_int(rq, "limit", 50);
	long long i;
	char vmid[32];

	if (node_repl_check(s, m, rs) == -1)
		return;
	snprintf(vmid, sizeof(vmid), "%d", atoi(sim_var(m, "id")));
	sim_ok_begin(rs, &w);
	jw_arr(&w);
	for (i = start; i < 8 && i < start + limit; i++) {
		char line[256], msg[200];

		snprintf(msg, sizeof(msg), lines[i], vmid, vmid);
		snprintf(line, sizeof(line), "2025-11-25 10:00:%02lld %s: %s",
		    i, sim_var(m, "id"), msg);
		jw_obj(&w);
		jw_kint(&w, "n", i + 1);
		jw_kstr(&w, "t", line);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kint(&w, "total", 8);
	sim_ok_end(rs, &w);
}

static void
node_repl_now(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	struct sim_task *t;

	if (node_repl_check(s, m, rs) == -1)
		return;
	t = sim_task_start(s, sim_var(m, "node"), "replication",
	    sim_var(m, "id"), rq->authid, -1, NULL, NULL);
	sim_task_log(t, "%s", "start replication job");
	sim_task_log(t, "%s", "end replication job");
	sim_upid_response(rs, t->upid);
}

/* ------------------------------------------------------------------ */

#define NAUD "/nodes/{node}", "Sys.Audit"
#define NMOD "/nodes/{node}", "Sys.Modify"

const struct sim_route sim_routes_node[] = {
	{ "GET", "/nodes/{node}/network", network_list, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/network", network_create, NMOD, 0 },
	{ "PUT", "/nodes/{node}/network", network_apply, NMOD, 0 },
	{ "DELETE", "/nodes/{node}/network", network_revert, NMOD, 0 },
	{ "GET", "/nodes/{node}/network/{iface}", network_item, NAUD, 0 },
	{ "PUT", "/nodes/{node}/network/{iface}", network_item, NMOD, 0 },
	{ "DELETE", "/nodes/{node}/network/{iface}", network_item, NMOD, 0 },

	{ "GET", "/nodes/{node}/hardware", hardware_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/hardware/pci", pci_list, "/",
	    "Sys.Audit|Sys.Modify", 0 },
	{ "GET", "/nodes/{node}/hardware/pci/{pci-id-or-mapping}", pci_item,
	    NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/hardware/pci/{pci-id-or-mapping}/mdev",
	    pci_mdev, "/", "Sys.Audit|Sys.Modify", 0 },
	{ "GET", "/nodes/{node}/hardware/usb", usb_list, "/", "Sys.Modify",
	    0 },

	{ "GET", "/nodes/{node}/disks", disks_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/disks/list", disks_list, "/nodes/{node}",
	    "Sys.Audit", 0 },
	{ "GET", "/nodes/{node}/disks/smart", disks_smart, "/", "Sys.Audit",
	    0 },

	{ "GET", "/nodes/{node}/apt", apt_index, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/apt/versions", apt_versions, NAUD, 0 },
	{ "GET", "/nodes/{node}/apt/repositories", apt_repos_get, NAUD, 0 },
	{ "POST", "/nodes/{node}/apt/repositories", apt_repos_change, NMOD,
	    0 },
	{ "PUT", "/nodes/{node}/apt/repositories", apt_repos_add, NMOD, 0 },
	{ "GET", "/nodes/{node}/apt/changelog", apt_changelog, NMOD, 0 },
	{ "GET", "/nodes/{node}/apt/update", apt_update_list, NMOD, 0 },
	{ "POST", "/nodes/{node}/apt/update", apt_update_run, NMOD, 0 },

	{ "GET", "/nodes/{node}/syslog", node_syslog, "/nodes/{node}",
	    "Sys.Syslog", 0 },
	{ "GET", "/nodes/{node}/journal", node_journal, "/nodes/{node}",
	    "Sys.Syslog", 0 },

	{ "GET", "/nodes/{node}/dns", dns_get, NAUD, 0 },
	{ "PUT", "/nodes/{node}/dns", dns_put, NMOD, 0 },
	{ "GET", "/nodes/{node}/time", time_get, NAUD, 0 },
	{ "PUT", "/nodes/{node}/time", time_put, NMOD, 0 },

	{ "GET", "/nodes/{node}/replication", node_repl_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/replication/{id}", node_repl_index, NULL,
	    NULL, 0 },
	{ "GET", "/nodes/{node}/replication/{id}/status", node_repl_status,
	    NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/replication/{id}/log", node_repl_log, NULL,
	    NULL, 0 },
	{ "POST", "/nodes/{node}/replication/{id}/schedule_now",
	    node_repl_now, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};
