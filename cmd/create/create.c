/*
 * create -- create a basic QEMU VM or LXC container: POST
 * /nodes/{node}/qemu or /nodes/{node}/lxc, through the gate
 * (lib/gate.h), following the creation task.  The VMID is the next free
 * one (GET /cluster/nextid) unless --vmid gives it.  Everything not given
 * keeps PVE's default; px set changes it afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_guest.h"

enum { O_CORES = PX_O_LONG, O_DISK, O_ISO, O_MEMORY, O_NAME, O_NET, O_NODE,
	O_OSTEMPLATE, O_START, O_STORAGE, O_VMID };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_MUTATE,
	{ O_CORES, "cores", "n", "CPU cores" },
	{ O_DISK, "disk", "GiB", "the size of the first disk" },
	{ O_ISO, "iso", "volid", "the ISO image a VM boots from" },
	{ O_MEMORY, "memory", "MiB", "memory" },
	{ O_NAME, "name", "name", "the guest's name (a CT's hostname)" },
	{ O_NET, "net", "options", "the first network device (bridge=vmbr0)" },
	{ O_NODE, "node", "node", "the node to create it on" },
	{ O_OSTEMPLATE, "ostemplate", "volid", "the template a CT is made from" },
	{ O_START, "start", NULL, "start it once created" },
	{ O_STORAGE, "storage", "storage", "where its disk goes" },
	{ O_VMID, "vmid", "vmid", "its VMID (default: the next free)" },
	PX_OPT_END
};

PX_COMMAND(create, "create a basic VM or container", opts, "qemu | lxc",
    "--node node");

struct spec {
	int lxc;
	const char *node, *name, *storage, *iso, *ostemplate, *net;
	long memory, cores, disk;	/* 0: not given */
	int start;
	int vmid;
};

static long
number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		px_errx(PX_EXIT_USAGE, "--%s: a number from %ld to %ld, not "
		    "'%s'", opt, min, max, s);
	return v;
}

/* The net0 value: qemu needs a model first, lxc a name and an address
 * mode; what the user gave wins. */
static void
net0(struct buf *b, const struct spec *s)
{
	if (s->lxc) {
		if (strstr(s->net, "name=") == NULL)
			buf_adds(b, "name=eth0,");
		buf_adds(b, s->net);
		if (strstr(s->net, "ip=") == NULL &&
		    strstr(s->net, "ip6=") == NULL)
			buf_adds(b, ",ip=dhcp");
	} else {
		size_t first = strcspn(s->net, ",");

		if (strstr(s->net, "model=") == NULL &&
		    memchr(s->net, '=', first) != NULL)
			buf_adds(b, "virtio,");
		buf_adds(b, s->net);
	}
}

static void
build_form(struct buf *f, const struct spec *s)
{
	struct buf v = { 0 };

	form_addf(f, "vmid", "%d", s->vmid);
	if (s->name)
		form_add(f, s->lxc ? "hostname" : "name", s->name);
	if (s->memory)
		form_addf(f, "memory", "%ld", s->memory);
	if (s->cores)
		form_addf(f, "cores", "%ld", s->cores);
	if (s->lxc) {
		form_add(f, "ostemplate", s->ostemplate);
		if (s->storage)
			form_addf(f, "rootfs", "%s:%ld", s->storage,
			    s->disk ? s->disk : 8);
	} else {
		if (s->storage) {
			form_add(f, "scsihw", "virtio-scsi-single");
			form_addf(f, "scsi0", "%s:%ld,iothread=1", s->storage,
			    s->disk ? s->disk : 32);
		}
		if (s->iso) {
			buf_printf(&v, "%s,media=cdrom", s->iso);
			form_add(f, "ide2", v.p);
			v.len = 0;
		}
		if (s->storage || s->iso) {
			buf_printf(&v, "order=%s%s%s", s->storage ? "scsi0" :
			    "", s->storage && s->iso ? ";" : "", s->iso ?
			    "ide2" : "");
			form_add(f, "boot", v.p);
			v.len = 0;
		}
	}
	if (s->net) {
		net0(&v, s);
		form_add(f, "net0", v.p);
	}
	if (s->start)
		form_add(f, "start", "1");
	buf_free(&v);
}

int
create_main(int argc, char **argv)
{
	struct px_getopt g;
	struct mutcli m;
	struct mut_row row = { 0 };
	struct spec s = { 0 };
	struct px_err e = { 0 };
	struct gate_req r;
	struct gate_target *t;
	const char *kind;
	int ch, rc;

	mutcli_init(&m, &px_cmd_create);
	px_getopt_init(&g, &px_cmd_create, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		switch (ch) {
		case O_CORES:
			s.cores = number("cores", g.arg, 1, 8192);
			break;
		case O_DISK:
			s.disk = number("disk", g.arg, 1, 1L << 20);
			break;
		case O_ISO:
			s.iso = g.arg;
			break;
		case O_MEMORY:
			s.memory = number("memory", g.arg, 16, 1L << 32);
			break;
		case O_NAME:
			s.name = g.arg;
			break;
		case O_NET:
			s.net = g.arg;
			break;
		case O_NODE:
			s.node = g.arg;
			break;
		case O_OSTEMPLATE:
			s.ostemplate = g.arg;
			break;
		case O_START:
			s.start = 1;
			break;
		case O_STORAGE:
			s.storage = g.arg;
			break;
		case O_VMID:
			if ((s.vmid = pve_parse_vmid(g.arg)) < 100)
				px_errx(PX_EXIT_USAGE, "--vmid: a VMID from "
				    "100 on, not '%s'", g.arg);
			break;
		default:
			px_usage(&px_cmd_create);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || s.node == NULL)
		px_usage(&px_cmd_create);
	if (strcmp(argv[0], "lxc") == 0)
		s.lxc = 1;
	else if (strcmp(argv[0], "qemu") != 0)
		px_usage(&px_cmd_create);
	kind = s.lxc ? "CT" : "VM";
	if (!pve_valid_node(s.node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a node name", s.node);
	if (s.lxc && s.iso)
		px_errx(PX_EXIT_USAGE, "--iso is for qemu; a container starts "
		    "from --ostemplate");
	if (!s.lxc && s.ostemplate)
		px_errx(PX_EXIT_USAGE, "--ostemplate is for lxc; a VM boots "
		    "from --iso");
	if (s.lxc && s.ostemplate == NULL)
		px_errx(PX_EXIT_USAGE, "a container needs --ostemplate (px ls "
		    "storage shows where templates are: content vztmpl)");
	if (s.disk && s.storage == NULL)
		px_errx(PX_EXIT_USAGE, "--disk needs --storage: where the disk "
		    "goes");
	if (s.net && (s.net[0] == '\0' || strchr(s.net, '&')))
		px_errx(PX_EXIT_USAGE, "--net: options like bridge=vmbr0, not "
		    "'%s'", s.net);

	mutcli_connect(&m);
	if (pve_node_check(m.x.client, s.node, &e) != 0)
		px_die(&e);
	if (s.storage && pve_storage_check(m.x.client, s.storage, s.node,
	    s.lxc ? "rootdir" : "images", &e) != 0)
		px_die(&e);
	if (s.vmid == 0) {
		struct px_reply nr;

		if (pve_get(m.x.client, &nr, &e, "/cluster/nextid") != 0 ||
		    pve_nextid_parse(&nr.j, nr.data, &s.vmid, &e) != 0)
			px_die(&e);
		px_reply_free(&nr);
	}

	gate_req_init(&r, "create", "guest", 1);
	t = &r.t[0];
	t->call.method = "POST";
	buf_adds(&t->call.path, "/nodes/");
	url_seg(&t->call.path, s.node);
	buf_adds(&t->call.path, s.lxc ? "/lxc" : "/qemu");
	build_form(&t->call.form, &s);
	snprintf(t->summary, sizeof(t->summary), "create %s %d (%s) on %s",
	    kind, s.vmid, s.name ? s.name : "no name", s.node);
	snprintf(t->id, sizeof(t->id), "%s/%d", s.lxc ? "ct" : "vm", s.vmid);
	gate_req_summarize(&r, "create");

	row.vmid = s.vmid;
	snprintf(row.name, sizeof(row.name), "%s", s.name ? s.name : "");
	snprintf(row.node, sizeof(row.node), "%s", s.node);
	rc = mutcli_run_rows(&m, &r, &row);
	gate_req_free(&r);
	mutcli_free(&m);
	return rc;
}
