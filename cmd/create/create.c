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
#include "mutate2.h"
#include "pve_cluster.h"
#include "pve_guest.h"

PX_COMMAND_USAGE(create, "create a basic VM or container",
    "usage: px create qemu | lxc [-Hjnvy] [-c columns] [-f format] "
    "[-p profile] [--allow-risk] [--cores n] [--disk GiB] [--iso volid] "
    "[--memory MiB] [--name name] [--net options] [--no-wait] "
    "[--ostemplate volid] [--start] [--storage storage] "
    "[--timeout seconds] [--vmid vmid] --node node\n");

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
	enum { O_CORES = 256, O_DISK, O_ISO, O_MEMORY, O_NAME, O_NET, O_NODE,
		O_OSTEMPLATE, O_START, O_STORAGE, O_VMID };
	static const struct option longopts[] = {
		MUT_LONG_GATE,
		MUT_LONG_WAIT,
		{ "cores", required_argument, NULL, O_CORES },
		{ "disk", required_argument, NULL, O_DISK },
		{ "help", no_argument, NULL, 'h' },
		{ "iso", required_argument, NULL, O_ISO },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "name", required_argument, NULL, O_NAME },
		{ "net", required_argument, NULL, O_NET },
		{ "node", required_argument, NULL, O_NODE },
		{ "ostemplate", required_argument, NULL, O_OSTEMPLATE },
		{ "start", no_argument, NULL, O_START },
		{ "storage", required_argument, NULL, O_STORAGE },
		{ "vmid", required_argument, NULL, O_VMID },
		{ NULL, 0, NULL, 0 }
	};
	struct mut m;
	struct mut_row row;
	struct spec s = { 0 };
	struct px_err e = { 0 };
	struct gate_req r = { 0 };
	struct buf path = { 0 }, form = { 0 };
	char summary[512], target[32];
	const char *kind;
	int ch, rc;

	if (argc < 2)
		px_usage(&px_cmd_create);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		px_help_exit(&px_cmd_create);
	if (strcmp(argv[1], "lxc") == 0)
		s.lxc = 1;
	else if (strcmp(argv[1], "qemu") != 0)
		px_usage(&px_cmd_create);
	kind = s.lxc ? "CT" : "VM";
	argv[1] = argv[0];
	argc--;
	argv++;

	mut_init(&m);
	while ((ch = getopt_long(argc, argv, MUT_SHORT "h", longopts,
	    NULL)) != -1) {
		if (mut_opt(&m, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			px_help_exit(&px_cmd_create);
		case O_CORES:
			s.cores = number("cores", optarg, 1, 8192);
			break;
		case O_DISK:
			s.disk = number("disk", optarg, 1, 1L << 20);
			break;
		case O_ISO:
			s.iso = optarg;
			break;
		case O_MEMORY:
			s.memory = number("memory", optarg, 16, 1L << 32);
			break;
		case O_NAME:
			s.name = optarg;
			break;
		case O_NET:
			s.net = optarg;
			break;
		case O_NODE:
			s.node = optarg;
			break;
		case O_OSTEMPLATE:
			s.ostemplate = optarg;
			break;
		case O_START:
			s.start = 1;
			break;
		case O_STORAGE:
			s.storage = optarg;
			break;
		case O_VMID:
			if ((s.vmid = pve_parse_vmid(optarg)) < 100)
				px_errx(PX_EXIT_USAGE, "--vmid: a VMID from "
				    "100 on, not '%s'", optarg);
			break;
		default:
			px_usage(&px_cmd_create);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 0 || s.node == NULL)
		px_usage(&px_cmd_create);
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

	if (cli_connect(&m.x, &e) != 0 ||
	    mut_node_check(m.x.client, s.node, &e) != 0)
		px_die(&e);
	if (s.storage && mut_storage_check(m.x.client, s.storage, s.node,
	    s.lxc ? "rootdir" : "images", &e) != 0)
		px_die(&e);
	if (s.vmid == 0) {
		struct px_reply nr;

		if (pve_get(m.x.client, &nr, &e, "/cluster/nextid") != 0 ||
		    pve_nextid_parse(&nr.j, nr.data, &s.vmid, &e) != 0)
			px_die(&e);
		px_reply_free(&nr);
	}

	buf_adds(&path, "/nodes/");
	url_seg(&path, s.node);
	buf_adds(&path, s.lxc ? "/lxc" : "/qemu");
	build_form(&form, &s);
	snprintf(summary, sizeof(summary), "create %s %d (%s) on %s",
	    kind, s.vmid, s.name ? s.name : "no name", s.node);
	snprintf(target, sizeof(target), "%s/%d", s.lxc ? "ct" : "vm",
	    s.vmid);
	r.action = "create";
	r.guest = NULL;
	r.target = target;
	r.method = "POST";
	r.path = path.p;
	r.form = form.p;
	r.summary = summary;
	r.destructive = 0;

	mut_row_init(&row, "create", NULL);
	row.vmid = s.vmid;
	snprintf(row.name, sizeof(row.name), "%s", s.name ? s.name : "");
	snprintf(row.node, sizeof(row.node), "%s", s.node);
	if (mut_one(&m, &r, &row, &e) != 0) {
		snprintf(row.message, sizeof(row.message), "%s", e.msg);
		px_report(&e);
		mut_print(&m, &row, 1);
		rc = px_exit_code(&e);
	} else {
		rc = mut_print(&m, &row, 1);
	}
	buf_free(&path);
	buf_free(&form);
	mut_free(&m);
	return rc;
}
