/*
 * import -- bring a local disk image or OVA into a VM: the image is
 * inspected (qemu-img info), converted when PVE's import content does
 * not take its format (vdi, vhdx, vhd, a VMDK in several files: to
 * qcow2, into a temporary file), uploaded to an import storage (content
 * import, PVE 8.2+) and attached with import-from: to a new VM, or as
 * the next free SCSI disk of an existing one.  An OVA is uploaded as it
 * is, and its OVF descriptor (read here, lib/ova.h) gives the new VM its
 * name, CPUs, memory, network cards and disks, each imported from the
 * OVA's volume (STORAGE:import/FILE.ova/DISK.vmdk).
 *
 * The upload and the create (or config) are one gate change: one check,
 * one confirmation, one approval, each step audited.  The temporary
 * file is removed on every way out: success, error, SIGINT, SIGTERM,
 * SIGHUP.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "diskimg.h"
#include "enc.h"
#include "mutcli.h"
#include "ova.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_files.h"

enum { O_FORMAT = PX_O_LONG, O_NAME, O_NODE, O_STORAGE, O_TARGET_STORAGE,
	O_VMID };

static const struct px_opt opts[] = {
	/* --format names the image's format here: -j prints JSON */
	PX_OPT_COLUMNS, PX_OPT_NOHEADER, PX_OPT_JSON, PX_OPT_PROFILE,
	PX_OPT_VERBOSE, PX_OPT_GATE, PX_OPT_TIMEOUT,
	{ O_FORMAT, "format", "raw | qcow2 | vmdk | vdi | vhdx | vhd",
	    "the image's format (default: what qemu-img finds)" },
	{ O_NAME, "name", "name", "the new VM's name (default: the file's, "
	    "or the OVF's)" },
	{ O_NODE, "node", "node", "the node of the VM and the storages" },
	{ O_STORAGE, "storage", "storage", "the import storage the file is "
	    "uploaded to (content import)" },
	{ O_TARGET_STORAGE, "target-storage", "storage", "where the VM's "
	    "disks go (default: --storage, when it holds images)" },
	{ O_VMID, "vmid", "vmid", "the new VM's id (default: the next "
	    "free), or an existing VM to add the disk to" },
	PX_OPT_END
};

PX_COMMAND(import, "import a disk image or an OVA into a VM", opts, NULL,
    "--node node --storage storage file");

struct spec {
	const char *file, *format, *name, *node, *storage, *target;
	int vmid;
};

/* ---- the temporary converted file, removed on every way out ---- */

static char tmp_path[PATH_MAX];
static volatile pid_t tmp_child;

static void
tmp_remove(void)
{
	if (tmp_path[0]) {
		unlink(tmp_path);
		tmp_path[0] = '\0';
	}
}

static void
tmp_signal(int sig)
{
	if (tmp_child > 0)
		kill(tmp_child, SIGTERM);
	if (tmp_path[0])
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A new empty file for the converted image: its path in tmp_path. */
static int
tmp_create(void)
{
	const char *dir = getenv("TMPDIR");
	struct sigaction sa;
	int fd;

	if (dir == NULL || dir[0] != '/' || strlen(dir) > PATH_MAX - 64)
		dir = "/var/tmp";
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(tmp_remove);
	snprintf(tmp_path, sizeof(tmp_path), "%s/px-import-XXXXXX.qcow2",
	    dir);
	if ((fd = mkstemps(tmp_path, 6)) < 0) {
		int err = errno;

		tmp_path[0] = '\0';
		px_errx(PX_EXIT_FAIL, "a temporary file in %s: %s", dir,
		    strerror(err));
	}
	return fd;
}

/* ---- checks ---- */

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* A name PVE keeps on a storage from the file's base name: its stem
 * (without ext_drop, when it ends so) with characters outside PVE's safe
 * set made '_', then ext. */
static void
upload_name(const char *file, const char *ext, char *out, size_t size)
{
	const char *base = strrchr(file, '/');
	char stem[200];
	size_t k = 0;
	const char *dot;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	for (const char *p = base; *p && (dot == NULL || p < dot) &&
	    k + 1 < sizeof(stem); p++) {
		unsigned char c = (unsigned char)*p;
		int keep = c < 0x80 && (c == '-' || c == '+' || c == '=' ||
		    c == '_' || (c >= '0' && c <= '9') || (c >= 'a' &&
		    c <= 'z') || (c >= 'A' && c <= 'Z') || (c == '.' &&
		    k > 0));

		stem[k++] = keep ? (char)c : '_';
	}
	stem[k] = '\0';
	while (strstr(stem, ".."))
		*strstr(stem, "..") = '_';
	if (k == 0)
		snprintf(stem, sizeof(stem), "image");
	snprintf(out, size, "%s.%s", stem, ext);
}

/* A VM name: a DNS name, as PVE takes it. */
static void
check_vm_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != n || s[0] == '-' ||
	    s[0] == '.')
		px_errx(PX_EXIT_USAGE, "--name: a DNS name (letters, digits, "
		    "-, .)");
}

/* The VM name from a file's base name. */
static void
name_of_file(const char *file, char *out, size_t size)
{
	const char *base = strrchr(file, '/');
	size_t k = 0;

	base = base ? base + 1 : file;
	for (const char *p = base; *p && *p != '.' && k + 1 < size && k < 63;
	    p++) {
		unsigned char c = (unsigned char)*p;

		out[k++] = c < 0x80 && ((c >= '0' && c <= '9') || (c >= 'a' &&
		    c <= 'z') || (c >= 'A' && c <= 'Z')) ? (char)c : '-';
	}
	out[k] = '\0';
	while (k > 0 && out[k - 1] == '-')
		out[--k] = '\0';
	k = strspn(out, "-");
	memmove(out, out + k, strlen(out + k) + 1);
	if (out[0] == '\0')
		snprintf(out, size, "imported");
}

/* Node's storage must be enabled and hold content; its status in st. */
static void
check_storage(struct mutcli *m, const char *node, const char *storage,
    const char *content, struct pve_storage_status *st)
{
	struct px_err e = { 0 };

	if (pve_storage_status_get(m->x.client, node, storage, st, &e) != 0)
		px_die(&e);
	if (!st->enabled)
		px_errx(PX_EXIT_USAGE, "storage %s is disabled", storage);
	if (!pve_content_has(st->content, content))
		px_errx(PX_EXIT_USAGE, "storage %s holds no %s content (its "
		    "content: %s)%s", storage, content, st->content[0] ?
		    st->content : "none", strcmp(content, "import") == 0 ?
		    "; PVE 8.2+ imports from a storage with content import: "
		    "px storage set STORAGE --content ...,import adds it" : "");
}

/* Is a storage of type a file-based one (dir, nfs, cifs, ...)? */
static int
file_based(const char *type)
{
	static const char *const t[] = { "dir", "nfs", "cifs", "cephfs",
		"btrfs", NULL };

	for (int i = 0; t[i]; i++)
		if (strcmp(type, t[i]) == 0)
			return 1;
	return 0;
}

/* Whether node's storage holds volid already. */
static int
has_volume(struct mutcli *m, const char *node, const char *storage,
    const char *volid)
{
	struct buf p = { 0 };
	struct px_reply r;
	struct px_err e = { 0 };
	int rc;

	buf_adds(&p, "/nodes/");
	url_seg(&p, node);
	buf_adds(&p, "/storage/");
	url_seg(&p, storage);
	buf_adds(&p, "/content/");
	url_seg(&p, volid);
	rc = pve_get(m->x.client, &r, &e, "%s", p.p);
	buf_free(&p);
	if (rc == 0) {
		px_reply_free(&r);
		return 1;
	}
	if (e.id == PXE_NOT_FOUND || (e.id == PXE_API && e.http == 500))
		return 0;
	px_die(&e);
}

/*
 * PVE's own reading of the uploaded OVA (GET .../import-metadata, PVE
 * 8.2+): every disk px imports from it must be one PVE found there.  0,
 * or -1 with e; a PVE without the endpoint is not asked.
 */
static int
check_metadata(struct mutcli *m, const char *node, const char *storage,
    const char *volid, const struct ovf *f, struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int disks, rc;

	buf_adds(&p, "/nodes/");
	url_seg(&p, node);
	buf_adds(&p, "/storage/");
	url_seg(&p, storage);
	buf_adds(&p, "/import-metadata?volume=");
	url_seg(&p, volid);
	rc = pve_get(m->x.client, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0) {
		if (e->id == PXE_NOT_FOUND || (e->id == PXE_API &&
		    (e->http == 501 || e->http == 400))) {
			memset(e, 0, sizeof(*e));
			return 0;	/* no import-metadata before 8.2 */
		}
		px_wrap(e, "PVE could not read the OVA (import-metadata)");
		return -1;
	}
	disks = json_get(&r.j, r.data, "disks");
	for (int i = 0; i < f->ndisks; i++) {
		char want[700], got[700];
		int k, n, found = 0;

		snprintf(want, sizeof(want), "%s/%s", volid, f->disk[i].file);
		JSON_FOREACH_KV(&r.j, disks, k, n) {
			int val = k + 1, vt = json_get(&r.j, val, "volid");

			if (json_strcpy(&r.j, vt >= 0 ? vt : val, got,
			    sizeof(got)) > 0 && strcmp(got, want) == 0)
				found = 1;
		}
		if (!found) {
			px_reply_free(&r);
			return px_fail(e, PXE_FAILURE, "PVE does not find the "
			    "disk %s in the uploaded OVA (its import-metadata "
			    "lists others); nothing was created",
			    f->disk[i].file);
		}
	}
	px_reply_free(&r);
	return 0;
}

/* ---- the upload's progress bar ---- */

struct bar {
	const char *name;
	double start, last;
	int shown;
};

static void
bar_show(void *arg, long long sent, long long size)
{
	struct bar *b = arg;
	double now = px_mono(), el = now - b->start;
	char s1[32], s2[32], r[32];

	if (now - b->last < 0.2 && sent < size)
		return;
	b->last = now;
	b->shown = 1;
	out_fmt_bytes(s1, sizeof(s1), (uint64_t)sent);
	out_fmt_bytes(s2, sizeof(s2), (uint64_t)size);
	out_fmt_bytes(r, sizeof(r), (uint64_t)(el > 0 ? (double)sent / el :
	    0));
	fprintf(stderr, "\r\033[Kupload %.40s  %s / %s  %3d%%  %s/s", b->name,
	    s1, s2, size > 0 ? (int)(100 * sent / size) : 100, r);
}

/* ---- the steps of the change ---- */

struct run {
	struct mutcli *m;
	struct gate_req *r;
	struct mut_row *row;
};

/* Send r->call and follow its task: 0, or -1 with e.  A dry run prints
 * what would be sent. */
static int
step(struct run *x, const char *what, struct px_err *e)
{
	struct mutcli *m = x->m;
	struct gate_result res;
	struct pve_task fin;
	int rc = 0;

	if (gate_send(&m->g, x->r, -1, &res, e) != 0)
		return -1;
	if (res.dry_run) {
		m->ui.would_send(m->ui.arg, res.would_send);
		gate_result_free(&res);
		return 0;
	}
	if (m->tty && !m->quiet)
		fprintf(stderr, "\r\033[K%s ...", what);
	if (res.upid[0]) {
		snprintf(x->row->upid, sizeof(x->row->upid), "%s", res.upid);
		memset(&fin, 0, sizeof(fin));
		rc = pve_task_wait(m->x.client, res.upid, m->o.timeout, NULL,
		    NULL, &fin, e);
		rc = gate_task_end(&m->g, x->r, -1, &res, rc, e);
	}
	if (m->tty && !m->quiet)
		fprintf(stderr, "\r\033[K");
	gate_result_free(&res);
	return rc;
}

/* r->call becomes POST path with form. */
static void
set_call(struct gate_req *r, const char *path, const char *form)
{
	r->call.method = "POST";
	r->call.upload = NULL;
	buf_reset(&r->call.path);
	buf_reset(&r->call.form);
	buf_adds(&r->call.path, path);
	if (form)
		buf_adds(&r->call.form, form);
}

/* The first free scsiN of a config, or -1. */
static int
free_scsi(const struct pve_kv *kv, int n)
{
	for (int i = 0; i <= 30; i++) {
		char key[16];
		int used = 0;

		snprintf(key, sizeof(key), "scsi%d", i);
		for (int k = 0; k < n && !used; k++)
			used = strcmp(kv[k].key, key) == 0 && (kv[k].value ||
			    kv[k].pending);
		if (!used)
			return i;
	}
	return -1;
}

int
import_main(int argc, char **argv)
{
	struct mutcli m;
	struct spec s = { 0 };
	struct px_getopt g;
	struct px_err e = { 0 };
	struct stat sb;
	struct diskimg_info info = { 0 };
	struct ova ova = { 0 };
	struct ovf ovf = { 0 };
	struct pve_storage_status ist, tst;
	struct pve_guest gu;
	struct pve_kv *kv = NULL;
	struct gate_req r;
	struct mut_row row;
	struct run x = { &m, &r, &row };
	struct px_upload u = { 0 };
	struct bar bar = { 0 };
	struct buf form = { 0 }, v = { 0 }, path = { 0 }, cfgpath = { 0 };
	char uname[256], volid[400], vmname[64], size[32], id[16];
	char digest[64] = "", slot[16] = "";
	const char *ufmt = NULL, *target, *working = NULL;
	int ch, fd, is_ova, convert = 0, existing = 0, running = 0, nkv = 0;
	int rc;

	mutcli_init(&m, &px_cmd_import);
	px_getopt_init(&g, &px_cmd_import, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		switch (ch) {
		case O_FORMAT: s.format = g.arg; break;
		case O_NAME: s.name = g.arg; break;
		case O_NODE: s.node = g.arg; break;
		case O_STORAGE: s.storage = g.arg; break;
		case O_TARGET_STORAGE: s.target = g.arg; break;
		case O_VMID: {
			char *end;
			long val;

			errno = 0;
			val = strtol(g.arg, &end, 10);
			if (errno || *end || end == g.arg || val < 100 ||
			    val > 999999999)
				px_errx(PX_EXIT_USAGE, "--vmid: 100 to "
				    "999999999");
			s.vmid = (int)val;
			break;
		}
		default:
			px_usage(&px_cmd_import);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc != 1 || s.node == NULL || s.storage == NULL)
		px_usage(&px_cmd_import);
	s.file = argv[0];
	if (!pve_valid_node(s.node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
		    text_sanitize(px_xstrdup(s.node)));
	if (!pve_valid_storage(s.storage))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name",
		    text_sanitize(px_xstrdup(s.storage)));
	if (s.target && !pve_valid_storage(s.target))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name",
		    text_sanitize(px_xstrdup(s.target)));
	if (s.format && !diskimg_format_ok(s.format))
		px_errx(PX_EXIT_USAGE, "--format: raw, qcow2, vmdk, vdi, vhdx "
		    "or vhd");
	if (s.name)
		check_vm_name(s.name);

	/* ---- the file ---- */
	if ((fd = open(s.file, O_RDONLY | O_CLOEXEC)) < 0)
		px_errx(PX_EXIT_FAIL, "%s: %s", s.file, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		px_errx(PX_EXIT_USAGE, "%s: not a regular file", s.file);
	is_ova = ends(s.file, ".ova");
	if (ends(s.file, ".ovf"))
		px_errx(PX_EXIT_USAGE, "%s: an OVF descriptor with its disks "
		    "beside it: pack them into an OVA first (tar -cf NAME.ova "
		    "NAME.ovf DISK.vmdk ...; the .ovf first)", s.file);
	if (is_ova) {
		char *xml = NULL;
		size_t n = 0;

		if (s.format)
			px_errx(PX_EXIT_USAGE, "--format is for disk images; "
			    "an OVA says its disks' formats itself");
		if (ova_read(fd, (uint64_t)sb.st_size, &ova, &e) != 0 ||
		    ova_read_ovf(fd, &ova, &xml, &n, &e) != 0 ||
		    ovf_parse(xml, n, &ovf, &e) != 0) {
			px_wrap(&e, "%s", s.file);
			e.id = PXE_USAGE;
			px_die(&e);
		}
		free(xml);
		for (int i = 0; i < ovf.ndisks; i++) {
			const struct ova_member *mb = ova_find(&ova,
			    ovf.disk[i].file);

			if (mb == NULL || mb->size == 0)
				px_errx(PX_EXIT_USAGE, "%s: the OVF's disk %s "
				    "is not in the archive", s.file,
				    ovf.disk[i].file);
		}
		upload_name(s.file, "ova", uname, sizeof(uname));
	} else {
		if (diskimg_info(s.file, s.format, &info, &e) != 0) {
			px_wrap(&e, "%s", s.file);
			px_die(&e);
		}
		if (!diskimg_format_ok(info.format))
			px_errx(PX_EXIT_USAGE, "%s: qemu-img finds format %s; "
			    "px imports raw, qcow2, vmdk, vdi, vhdx and vhd "
			    "(--format says which)", s.file, info.format);
		if (strcmp(info.format, "raw") == 0 ||
		    strcmp(info.format, "qcow2") == 0)
			ufmt = info.format;
		else if (strcmp(info.format, "vmdk") == 0 && !info.other_files)
			ufmt = "vmdk";
		else {
			ufmt = "qcow2";
			convert = 1;
		}
		upload_name(s.file, ufmt, uname, sizeof(uname));
	}
	{
		struct px_err ne = { 0 };

		if (pve_file_name_check(uname, &ne) != 0)
			px_errx(PX_EXIT_USAGE, "%s: no name PVE keeps can be "
			    "made of it: %s", s.file, ne.msg);
	}

	/* ---- the cluster ---- */
	mutcli_connect(&m);
	if (pve_node_check(m.x.client, s.node, &e) != 0)
		px_die(&e);
	check_storage(&m, s.node, s.storage, "import", &ist);
	target = s.target;
	if (target == NULL) {
		if (!pve_content_has(ist.content, "images"))
			px_errx(PX_EXIT_USAGE, "storage %s holds no VM disks "
			    "(content images): --target-storage says where the "
			    "VM's disks go", s.storage);
		target = s.storage;
	}
	check_storage(&m, s.node, target, "images", &tst);
	if (is_ova && !pve_content_has(ist.content, "images")) {
		/* PVE extracts an OVA's disks to a file-based storage with
		 * images content first: the import storage by default */
		if (!file_based(tst.type))
			px_errx(PX_EXIT_USAGE, "PVE extracts an OVA's disks on "
			    "a file-based storage with content images: add "
			    "images to %s's content, or give a directory "
			    "storage as --target-storage", s.storage);
		working = target;
	}
	if (!convert && ist.has_avail && ist.avail < (uint64_t)sb.st_size) {
		char a[32], n[32];

		out_fmt_bytes(a, sizeof(a), ist.avail);
		out_fmt_bytes(n, sizeof(n), (uint64_t)sb.st_size);
		px_errx(PX_EXIT_USAGE, "storage %s on %s has %s free, the file "
		    "is %s", s.storage, s.node, a, n);
	}
	snprintf(volid, sizeof(volid), "%s:import/%s", s.storage, uname);
	if (has_volume(&m, s.node, s.storage, volid))
		px_errx(PX_EXIT_USAGE, "%s exists already on %s: px storage "
		    "delete %s removes it (or rename the file)", volid, s.node,
		    volid);

	if (s.vmid && pve_guest_find(m.x.client, s.vmid, &gu, &e) == 0) {
		existing = 1;
		if (is_ova)
			px_errx(PX_EXIT_USAGE, "VMID %d exists: an OVA makes a "
			    "new VM (leave --vmid out, or name a free one)",
			    s.vmid);
		if (strcmp(gu.type, "qemu") != 0)
			px_errx(PX_EXIT_USAGE, "%d is a container: px import "
			    "adds disks to VMs", s.vmid);
		if (s.name)
			px_errx(PX_EXIT_USAGE, "--name is for a new VM; VM %d "
			    "exists", s.vmid);
		if (strcmp(gu.node, s.node) != 0)
			px_errx(PX_EXIT_USAGE, "VM %d is on %s, not %s: "
			    "--node %s", s.vmid, gu.node, s.node, gu.node);
		if (pve_guest_config(m.x.client, &gu, &kv, &nkv, &e) != 0)
			px_die(&e);
		for (int i = 0; i < nkv; i++)
			if (strcmp(kv[i].key, "digest") == 0 && kv[i].value)
				snprintf(digest, sizeof(digest), "%s",
				    kv[i].value);
		{
			int k = free_scsi(kv, nkv);

			if (k < 0)
				px_errx(PX_EXIT_USAGE, "VM %d has no free SCSI "
				    "slot (scsi0 to scsi30 are taken)", s.vmid);
			snprintf(slot, sizeof(slot), "scsi%d", k);
		}
		if ((running = pve_guest_running(m.x.client, &gu, &e)) < 0)
			px_die(&e);
		snprintf(vmname, sizeof(vmname), "%.63s", gu.name);
	} else if (s.vmid) {
		if (e.id != PXE_NOT_FOUND)
			px_die(&e);
	} else {
		struct px_reply nr;

		if (pve_get(m.x.client, &nr, &e, "/cluster/nextid") != 0 ||
		    pve_nextid_parse(&nr.j, nr.data, &s.vmid, &e) != 0)
			px_die(&e);
		px_reply_free(&nr);
	}
	if (!existing) {
		if (s.name)
			snprintf(vmname, sizeof(vmname), "%s", s.name);
		else if (is_ova)
			snprintf(vmname, sizeof(vmname), "%s", ovf.name);
		else
			name_of_file(s.file, vmname, sizeof(vmname));
	}
	snprintf(id, sizeof(id), "%d", s.vmid);

	/* ---- the second call: create the VM, or add the disk ---- */
	buf_adds(&path, "/nodes/");
	url_seg(&path, s.node);
	buf_adds(&path, "/qemu");
	if (existing) {
		buf_printf(&cfgpath, "%s/%d/config", path.p, s.vmid);
		buf_printf(&v, "%s:0,import-from=%s", target, volid);
		form_add(&form, slot, v.p);
		if (digest[0])
			form_add(&form, "digest", digest);
	} else if (is_ova) {
		int nbus[3] = { 0, 0, 0 };

		form_add(&form, "vmid", id);
		form_add(&form, "name", vmname);
		buf_printf(&v, "%d", ovf.cpus);
		form_add(&form, "cores", v.p);
		buf_reset(&v);
		buf_printf(&v, "%llu", (unsigned long long)ovf.memory_mib);
		form_add(&form, "memory", v.p);
		form_add(&form, "scsihw", ovf.scsihw[0] ? ovf.scsihw :
		    "virtio-scsi-single");
		for (int i = 0; i < ovf.ndisks; i++) {
			const char *bus = ovf.disk[i].bus;
			int b = strcmp(bus, "ide") == 0 ? 0 :
			    strcmp(bus, "sata") == 0 ? 1 : 2;
			char key[16];

			if ((b == 0 && nbus[0] == 4) || (b == 1 && nbus[1] ==
			    6)) {
				bus = "scsi";
				b = 2;
			}
			snprintf(key, sizeof(key), "%s%d", bus, nbus[b]++);
			if (i == 0)
				snprintf(slot, sizeof(slot), "%s", key);
			buf_reset(&v);
			buf_printf(&v, "%s:0,import-from=%s/%s", target,
			    volid, ovf.disk[i].file);
			form_add(&form, key, v.p);
		}
		buf_reset(&v);
		buf_printf(&v, "order=%s", slot);
		form_add(&form, "boot", v.p);
		for (int i = 0; i < ovf.nnets; i++) {
			char key[16];

			snprintf(key, sizeof(key), "net%d", i);
			buf_reset(&v);
			buf_printf(&v, "%s,bridge=vmbr0", ovf.net[i].model);
			form_add(&form, key, v.p);
		}
		form_add(&form, "ostype", "other");
		if (working)
			form_add(&form, "import-working-storage", working);
	} else {
		form_add(&form, "vmid", id);
		form_add(&form, "name", vmname);
		form_add(&form, "cores", "2");
		form_add(&form, "memory", "2048");
		form_add(&form, "scsihw", "virtio-scsi-single");
		buf_printf(&v, "%s:0,import-from=%s", target, volid);
		form_add(&form, "scsi0", v.p);
		form_add(&form, "boot", "order=scsi0");
		form_add(&form, "net0", "virtio,bridge=vmbr0");
		form_add(&form, "ostype", "l26");
		snprintf(slot, sizeof(slot), "scsi0");
	}

	/* ---- the change ---- */
	gate_req_init(&r, "import", "guest", 1);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "vm/%d", s.vmid);
	snprintf(r.id, sizeof(r.id), "%s", r.t[0].id);
	if (existing)
		gate_target_guest(&r.t[0], &gu);
	out_fmt_bytes(size, sizeof(size), (uint64_t)sb.st_size);
	if (existing)
		snprintf(r.summary, sizeof(r.summary), "import %.60s (%s%s%s) "
		    "into VM %d (%.40s) on %s%s: upload to %.100s, %s on %s",
		    uname, is_ova ? "ova" : info.format, convert ?
		    ", converted to qcow2 first, " : ", ", size, s.vmid,
		    vmname[0] ? vmname : "no name", s.node, running ?
		    ", running: the disk is hot-plugged" : "", volid, slot,
		    target);
	else
		snprintf(r.summary, sizeof(r.summary), "import %.60s (%s%s%s) "
		    "as new VM %d (%s) on %s: upload to %.100s, %d disk%s on "
		    "%s", uname, is_ova ? "ova" : info.format, convert ?
		    ", converted to qcow2 first, " : ", ", size, s.vmid,
		    vmname, s.node, volid, is_ova ? ovf.ndisks : 1,
		    is_ova && ovf.ndisks > 1 ? "s" : "", target);
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "%s", r.summary);
	/* a disk hot-plugged into a running VM is confirmed first */
	r.destructive = running;

	memset(&row, 0, sizeof(row));
	row.vmid = s.vmid;
	snprintf(row.name, sizeof(row.name), "%s", vmname);
	snprintf(row.node, sizeof(row.node), "%s", s.node);
	snprintf(row.action, sizeof(row.action), "import");

	buf_reset(&v);
	buf_printf(&v, "/nodes/");
	url_seg(&v, s.node);
	buf_adds(&v, "/storage/");
	url_seg(&v, s.storage);
	buf_adds(&v, "/upload");
	set_call(&r, v.p, NULL);
	form_add(&r.call.form, "content", "import");
	u.file_field = "filename";
	u.file_name = uname;
	u.fd = fd;
	u.size = (long long)sb.st_size;
	r.call.upload = &u;

	if (mutation_admit(&m.g, &r, &m.ui, &e) != 0)
		goto failed;
	if (convert) {
		if (m.g.dry_run) {
			printf("would run: qemu-img convert -f %s -O qcow2 %s "
			    "TMPFILE (then upload TMPFILE as %s)\n",
			    diskimg_qemu_format(info.format), s.file, uname);
		} else {
			int tfd = tmp_create();

			close(tfd);
			if (m.tty && !m.quiet)
				fprintf(stderr, "convert %s to qcow2\n",
				    s.file);
			if (diskimg_convert(s.file, info.format, tmp_path,
			    "qcow2", m.tty && !m.quiet, &tmp_child, &e) != 0)
				goto failed;
			close(fd);
			if ((fd = open(tmp_path, O_RDONLY | O_CLOEXEC)) < 0 ||
			    fstat(fd, &sb) != 0) {
				px_fail(&e, PXE_IO, "the converted file: %s",
				    strerror(errno));
				goto failed;
			}
			if (ist.has_avail && ist.avail < (uint64_t)sb.st_size) {
				char a[32], n[32];

				out_fmt_bytes(a, sizeof(a), ist.avail);
				out_fmt_bytes(n, sizeof(n),
				    (uint64_t)sb.st_size);
				px_fail(&e, PXE_USAGE, "storage %s on %s has %s "
				    "free, the converted image is %s",
				    s.storage, s.node, a, n);
				goto failed;
			}
			u.fd = fd;
			u.size = (long long)sb.st_size;
		}
	}
	if (m.tty && !m.quiet && !m.g.dry_run) {
		bar.name = uname;
		bar.start = bar.last = px_mono();
		u.progress = bar_show;
		u.progress_arg = &bar;
	}
	rc = step(&x, "upload", &e);
	if (bar.shown)
		fprintf(stderr, "\r\033[K");
	tmp_remove();
	if (rc != 0)
		goto failed;
	if (is_ova && !m.g.dry_run && check_metadata(&m, s.node, s.storage,
	    volid, &ovf, &e) != 0) {
		px_hint(&e, "the uploaded %s stays on %s: px storage delete %s "
		    "removes it", volid, s.node, volid);
		goto failed;
	}

	set_call(&r, existing ? cfgpath.p : path.p, form.p);
	if (step(&x, existing ? "attach the disk" : "create the VM", &e) != 0) {
		if (e.id == PXE_OUTCOME_UNKNOWN && !existing)
			px_hint(&e, "VM %d may exist: px status %d shows it",
			    s.vmid, s.vmid);
		else if (!gate_is_refusal(e.id))
			px_hint(&e, "the uploaded %s stays on %s: px import "
			    "refuses to upload it again; px storage delete %s "
			    "removes it", volid, s.node, volid);
		goto failed;
	}
	snprintf(row.result, sizeof(row.result), "%s", m.g.dry_run ?
	    "dry-run" : "ok");
	snprintf(row.message, sizeof(row.message), "%s%s from %s on %s",
	    is_ova && ovf.ndisks > 1 ? "disks from " : "", slot, volid,
	    target);
	goto out;

failed:
	tmp_remove();
	row.failed = 1;
	row.err = e;
	snprintf(row.result, sizeof(row.result), "%s",
	    gate_is_refusal(e.id) ? "refused" : "failed");
	snprintf(row.message, sizeof(row.message), "%s", e.msg);
	px_report(&e);
out:
	rc = mutcli_print(&m, &row, 1);
	if (row.failed)
		rc = mutcli_status(&row, 1);
	gate_req_free(&r);
	buf_free(&form);
	buf_free(&v);
	buf_free(&path);
	buf_free(&cfgpath);
	pve_kv_free(kv, nkv);
	ova_free(&ova);
	close(fd);
	mutcli_free(&m);
	return rc;
}
