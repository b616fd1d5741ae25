/*
 * cloudimg -- official cloud images from a built-in catalogue
 * (lib/cloudimg.h): list them, have PVE download one to a storage with
 * its published checksum verified (POST .../download-url), and
 * provision a VM from one in one change: the image imported as the
 * boot disk (import-from, PVE 8), a cloud-init drive with user, SSH
 * keys and network, resized, started.
 *
 * provision is one gate change (one check, one confirmation, one
 * approval) whose steps are audited one by one; when a step fails
 * after the VM was created, px destroys the half-made VM (audited too)
 * so that nothing is left behind.  The downloaded image stays on its
 * storage: it is verified and the next provision uses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloudimg.h"
#include "enc.h"
#include "mutcli.h"
#include "pve_files.h"

enum { O_CHECKSUM = PX_O_LONG, O_SUMS_FILE, O_NODE, O_STORAGE,
	O_IMAGE_STORAGE, O_VMID, O_NAME, O_CIUSER, O_SSHKEYS, O_IPCONFIG0,
	O_SIZE, O_CORES, O_MEMORY, O_BRIDGE, O_START };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE, PX_OPT_TIMEOUT,
	{ O_NODE, "node", "node", "the node" },
	{ O_STORAGE, "storage", "storage", "download: where the image goes; "
	    "provision: the storage of the VM's disk and cloud-init drive" },
	{ O_IMAGE_STORAGE, "image-storage", "storage", "provision: where the "
	    "image is, or is downloaded to (default local)" },
	{ O_CHECKSUM, "checksum", "alg:hex", "the image's checksum (default: "
	    "read from the distribution's published checksums)" },
	{ O_SUMS_FILE, "sums-file", "file", "the distribution's checksums "
	    "file, already fetched (SHA256SUMS, SHA512SUMS, CHECKSUM)" },
	{ O_VMID, "vmid", "vmid", "provision: the new VM's id" },
	{ O_NAME, "name", "name", "provision: its name (default: the "
	    "image's)" },
	{ O_CIUSER, "ciuser", "user", "provision: the cloud-init user" },
	{ O_SSHKEYS, "sshkeys", "file", "provision: the user's SSH public "
	    "keys (authorized_keys format)" },
	{ O_IPCONFIG0, "ipconfig0", "config", "provision: the first "
	    "interface (ip=dhcp, or ip=CIDR,gw=IP)" },
	{ O_SIZE, "size", "size", "provision: grow the disk to this size "
	    "(20G)" },
	{ O_CORES, "cores", "n", "provision: CPU cores (default 2)" },
	{ O_MEMORY, "memory", "MiB", "provision: memory (default 2048)" },
	{ O_BRIDGE, "bridge", "bridge", "provision: the network bridge "
	    "(default vmbr0)" },
	{ O_START, "start", NULL, "provision: start the VM at the end" },
	PX_OPT_END
};

PX_COMMAND(cloudimg, "list official cloud images, download one to a "
    "storage, or provision a VM from one", opts, NULL,
    "list | download image | provision image");
PX_ALIAS(cloud_img, "cloud-img", cloudimg, 0, "the same as px cloudimg");

struct prov {
	const char *checksum, *sums_file, *node, *storage, *image_storage;
	const char *name, *ciuser, *sshkeys, *ipconfig0, *size, *bridge;
	int vmid, cores, memory, start;
};

static const struct out_col list_cols[] = {
	{ "name", OT_STR, 0 }, { "alg", OT_STR, 0 },
	{ "title", OT_STR, 0 }, { "url", OT_STR, OC_EXTRA },
	{ "sums_url", OT_STR, OC_EXTRA }, { "filename", OT_STR, OC_EXTRA },
};

static const struct cloudimg *mirrored(struct mutcli *m,
    const struct cloudimg *img, struct cloudimg *out, char *url, char *sums,
    size_t n);

static int
list(struct mutcli *m)
{
	const struct cloudimg *v;
	struct px_err e = { 0 };
	struct out *o;
	size_t n;
	int rc = 0;

	v = cloudimg_list(&n);
	o = out_new(&m->x.out, list_cols, 6);
	for (size_t i = 0; i < n; i++) {
		struct cloudimg copy;
		char url[1024], sums[1024];
		const struct cloudimg *c = mirrored(m, &v[i], &copy, url,
		    sums, sizeof(url));

		out_row(o);
		out_str(o, 0, c->name);
		out_str(o, 1, c->alg);
		out_str(o, 2, c->title);
		out_str(o, 3, c->url);
		out_str(o, 4, c->sums_url);
		out_str(o, 5, c->filename);
	}
	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

/* [cloudimg] of the config: a mirror of the distributions' servers and
 * the CA that signs its certificate (NULL: none; the system's CAs). */
static const char *ca_file;

/* img as fetched: its URLs on the [cloudimg] mirror when there is one
 * (into *out, with url and sums buffers of n bytes), else img. */
static const struct cloudimg *
mirrored(struct mutcli *m, const struct cloudimg *img, struct cloudimg *out,
    char *url, char *sums, size_t n)
{
	struct px_err e = { 0 };
	const char *mirror;

	if (cli_load(&m->x, &e) != 0)
		px_die(&e);
	ca_file = conf_get(&m->x.conf, "cloudimg", "ca_file");
	if ((mirror = conf_get(&m->x.conf, "cloudimg", "mirror")) == NULL)
		return img;
	*out = *img;
	if (cloudimg_mirror(img->url, mirror, url, n, &e) != 0 ||
	    cloudimg_mirror(img->sums_url, mirror, sums, n, &e) != 0) {
		px_wrap(&e, "%s", m->x.conf.path);
		px_die(&e);
	}
	out->url = url;
	out->sums_url = sums;
	return out;
}

static const struct cloudimg *
image(struct mutcli *m, const char *name)
{
	static struct cloudimg copy;
	static char url[1024], sums[1024];
	const struct cloudimg *img = cloudimg_find(name);

	if (img == NULL)
		px_errx(PX_EXIT_NOTFOUND, "no image '%s' in the catalogue (px "
		    "cloudimg list)", text_sanitize(px_xstrdup(name)));
	return mirrored(m, img, &copy, url, sums, sizeof(url));
}

/* Read at most cap bytes of path into b; exits on failure. */
static void
read_small(const char *path, size_t cap, struct buf *b, const char *what)
{
	char chunk[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		px_errx(PX_EXIT_FAIL, "%s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (b->len + (size_t)n > cap)
			px_errx(PX_EXIT_USAGE, "%s: larger than %zu bytes for "
			    "%s", path, cap, what);
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	if (n < 0)
		px_errx(PX_EXIT_FAIL, "%s: %s", path, strerror(errno));
}

/* The image's checksum: --checksum, else from --sums-file, else from the
 * distribution's published file (fetched over HTTPS). */
static void
checksum_of(const struct cloudimg *img, const struct prov *p, char alg[8],
    char hex[129])
{
	struct px_err e = { 0 };
	struct buf b = { 0 };

	if (p->checksum) {
		if (pve_checksum_parse(p->checksum, alg, hex, &e) != 0)
			px_die(&e);
		return;
	}
	if (p->sums_file)
		read_small(p->sums_file, 1 << 20, &b, "a checksums file");
	else if (http_fetch_public(img->sums_url, ca_file, 1 << 20, 60, &b,
	    &e) != 0) {
		px_hint(&e, "--checksum ALG:HEX or --sums-file FILE give it "
		    "without fetching");
		px_die(&e);
	}
	if (cloudimg_sums_find(b.p ? b.p : "", b.len, img->sums_file,
	    img->alg, hex, &e) != 0) {
		px_wrap(&e, "%s", p->sums_file ? p->sums_file : img->sums_url);
		px_die(&e);
	}
	snprintf(alg, 8, "%s", img->alg);
	buf_free(&b);
}

/* The storage must exist on node, be enabled and hold content. */
static void
check_storage(struct mutcli *m, const char *node, const char *storage,
    const char *content)
{
	struct pve_storage_status st;
	struct px_err e = { 0 };

	if (!pve_valid_storage(storage))
		px_errx(PX_EXIT_USAGE, "'%s' is not a storage name", storage);
	if (pve_storage_status_get(m->x.client, node, storage, &st, &e) != 0)
		px_die(&e);
	if (!st.enabled)
		px_errx(PX_EXIT_USAGE, "storage %s is disabled", storage);
	if (!pve_content_has(st.content, content))
		px_errx(PX_EXIT_USAGE, "storage %s holds no %s content (its "
		    "content: %s)", storage, content, st.content[0] ?
		    st.content : "none");
}

/* The download-url call of img to storage on node. */
static void
download_call(struct gate_call *k, const struct cloudimg *img,
    const char *node, const char *storage, const char *alg,
    const char *hex)
{
	k->method = "POST";
	buf_reset(&k->path);
	buf_reset(&k->form);
	buf_adds(&k->path, "/nodes/");
	url_seg(&k->path, node);
	buf_adds(&k->path, "/storage/");
	url_seg(&k->path, storage);
	buf_adds(&k->path, "/download-url");
	form_add(&k->form, "url", img->url);
	form_add(&k->form, "filename", img->filename);
	form_add(&k->form, "content", "import");
	form_add(&k->form, "checksum", hex);
	form_add(&k->form, "checksum-algorithm", alg);
}

/* Whether node's storage holds volid. */
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

/* ---- the steps of a change ---- */

struct run {
	struct mutcli *m;
	struct gate_req *r;
	struct mut_row *row;
	int steps;		/* sent (or shown) so far */
};

/*
 * Send the change's current call (r->call) and follow its task: 0, or
 * -1 with e.  In a dry run it prints what would be sent.
 */
static int
step(struct run *x, const char *what, struct px_err *e)
{
	struct mutcli *m = x->m;
	struct gate_result res;
	struct pve_task fin;
	int rc = 0;

	x->steps++;
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

static int
download(struct mutcli *m, const char *name, const struct prov *p)
{
	const struct cloudimg *img = image(m, name);
	struct gate_req r;
	struct mut_row row;
	struct run x = { m, &r, &row, 0 };
	struct px_err e = { 0 };
	char alg[8], hex[129], volid[300];

	if (p->node == NULL || p->storage == NULL)
		px_errx(PX_EXIT_USAGE, "download: --node and --storage are "
		    "required");
	if (!pve_valid_node(p->node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
		    p->node);
	if (p->vmid || p->ciuser || p->sshkeys || p->ipconfig0 || p->size ||
	    p->start || p->cores || p->memory || p->name || p->bridge ||
	    p->image_storage)
		px_errx(PX_EXIT_USAGE, "download takes --node, --storage, "
		    "--checksum and --sums-file");
	mutcli_connect(m);
	check_storage(m, p->node, p->storage, "import");
	checksum_of(img, p, alg, hex);

	gate_req_init(&r, "download", "storage", 1);
	snprintf(volid, sizeof(volid), "%.100s:import/%s", p->storage,
	    img->filename);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "storage/%.80s", p->storage);
	snprintf(r.summary, sizeof(r.summary), "download %s (%s) to %s on "
	    "%s, %s verified", img->name, img->url, volid, p->node, alg);
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "%s", r.summary);
	snprintf(r.id, sizeof(r.id), "%s", r.t[0].id);
	download_call(&r.call, img, p->node, p->storage, alg, hex);

	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%.127s", volid);
	snprintf(row.node, sizeof(row.node), "%s", p->node);
	snprintf(row.action, sizeof(row.action), "download");
	if (mutation_admit(&m->g, &r, &m->ui, &e) != 0 ||
	    step(&x, "download", &e) != 0) {
		row.failed = 1;
		row.err = e;
		snprintf(row.result, sizeof(row.result), "%s",
		    gate_is_refusal(e.id) ? "refused" : "failed");
		snprintf(row.message, sizeof(row.message), "%s", e.msg);
		px_report(&e);
	} else {
		snprintf(row.result, sizeof(row.result), "%s",
		    m->g.dry_run ? "dry-run" : "ok");
	}
	mutcli_print(m, &row, 1);
	gate_req_free(&r);
	return mutcli_status(&row, 1);
}

/* The SSH keys of file, percent-encoded as PVE takes sshkeys. */
static void
sshkeys_of(const char *file, struct buf *enc)
{
	struct buf b = { 0 };
	const char *p;

	read_small(file, 64 << 10, &b, "SSH keys");
	buf_addc(&b, '\0');
	for (p = b.p; *p;) {
		size_t n = strcspn(p, "\n");

		if (n > 0 && p[0] != '#' && strncmp(p, "ssh-", 4) != 0 &&
		    strncmp(p, "ecdsa-", 6) != 0 && strncmp(p, "sk-", 3) != 0)
			px_errx(PX_EXIT_USAGE, "%s: not an SSH public key file "
			    "(a line starts neither with ssh-, ecdsa- nor "
			    "sk-)", file);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 && p[i] != '\t' &&
			    p[i] != '\r')
				px_errx(PX_EXIT_USAGE, "%s: a control "
				    "character in a key", file);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (strspn(b.p, " \t\r\n") == strlen(b.p))
		px_errx(PX_EXIT_USAGE, "%s: no key", file);
	url_seg(enc, b.p);
	buf_free(&b);
}

/* A size as PVE's resize takes it: digits and K, M, G or T. */
static void
check_size(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 12 || s[n] == '\0' || strchr("KMGT", s[n]) == NULL ||
	    s[n + 1] != '\0')
		px_errx(PX_EXIT_USAGE, "--size: a size like 20G (K, M, G, T)");
}

/* A name PVE takes for a VM (a DNS name). */
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

static int
provision(struct mutcli *m, const char *name, const struct prov *p)
{
	const struct cloudimg *img = image(m, name);
	const char *istore = p->image_storage ? p->image_storage : "local";
	struct gate_req r;
	struct mut_row row;
	struct run x = { m, &r, &row, 0 };
	struct pve_guest gu;
	struct px_err e = { 0 }, ce = { 0 };
	struct buf keys = { 0 }, form = { 0 }, v = { 0 };
	char alg[8] = "", hex[129] = "", volid[300], vmname[64];
	char id[16];
	int need_download, created = 0, started = 0, rc;

	if (p->node == NULL || p->storage == NULL || p->vmid == 0)
		px_errx(PX_EXIT_USAGE, "provision: --node, --storage and "
		    "--vmid are required");
	if (!pve_valid_node(p->node))
		px_errx(PX_EXIT_USAGE, "'%s' is not a valid node name",
		    p->node);
	if (p->vmid < 100 || p->vmid > 999999999)
		px_errx(PX_EXIT_USAGE, "--vmid: 100 to 999999999");
	snprintf(vmname, sizeof(vmname), "%s", p->name ? p->name : img->name);
	for (char *c = vmname; *c; c++)
		if (*c == '_')
			*c = '-';
	check_vm_name(vmname);
	if (p->size)
		check_size(p->size);
	if (p->ciuser && (strlen(p->ciuser) > 32 || strspn(p->ciuser,
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(p->ciuser) ||
	    p->ciuser[0] == '-' || p->ciuser[0] == '\0'))
		px_errx(PX_EXIT_USAGE, "--ciuser: a user name (a-z 0-9 _ -)");
	if (p->ipconfig0 && (strlen(p->ipconfig0) > 200 ||
	    strpbrk(p->ipconfig0, " \t\r\n&") != NULL))
		px_errx(PX_EXIT_USAGE, "--ipconfig0: ip=dhcp or "
		    "ip=CIDR,gw=IP");
	if (p->bridge && !pve_valid_storage(p->bridge))
		px_errx(PX_EXIT_USAGE, "--bridge: a bridge name");
	if (p->sshkeys)
		sshkeys_of(p->sshkeys, &keys);

	mutcli_connect(m);
	if (pve_guest_find(m->x.client, p->vmid, &gu, &e) == 0)
		px_errx(PX_EXIT_USAGE, "VMID %d is taken (%s on %s)", p->vmid,
		    gu.name[0] ? gu.name : "no name", gu.node);
	if (e.id != PXE_NOT_FOUND)
		px_die(&e);
	check_storage(m, p->node, istore, "import");
	check_storage(m, p->node, p->storage, "images");
	snprintf(volid, sizeof(volid), "%.100s:import/%s", istore,
	    img->filename);
	need_download = !has_volume(m, p->node, istore, volid);
	if (need_download)
		checksum_of(img, p, alg, hex);

	gate_req_init(&r, "provision", "guest", 1);
	snprintf(id, sizeof(id), "%d", p->vmid);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "vm/%d", p->vmid);
	snprintf(r.summary, sizeof(r.summary), "provision VM %d (%s) on %s "
	    "from %s%s: disk on %s%s%s%s", p->vmid, vmname, p->node,
	    img->name, need_download ? " (downloaded first)" : "",
	    p->storage, p->size ? ", grown to " : "", p->size ? p->size : "",
	    p->start ? ", started" : "");
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "%s", r.summary);
	snprintf(r.id, sizeof(r.id), "%s", r.t[0].id);

	memset(&row, 0, sizeof(row));
	row.vmid = p->vmid;
	snprintf(row.name, sizeof(row.name), "%s", vmname);
	snprintf(row.node, sizeof(row.node), "%s", p->node);
	snprintf(row.action, sizeof(row.action), "provision");

	/* the create call: the admission judges it */
	form_add(&form, "vmid", id);
	form_add(&form, "name", vmname);
	buf_printf(&v, "%d", p->memory ? p->memory : 2048);
	form_add(&form, "memory", v.p);
	buf_reset(&v);
	buf_printf(&v, "%d", p->cores ? p->cores : 2);
	form_add(&form, "cores", v.p);
	form_add(&form, "ostype", img->ostype);
	form_add(&form, "scsihw", "virtio-scsi-single");
	buf_reset(&v);
	buf_printf(&v, "%s:0,import-from=%s,discard=on", p->storage, volid);
	form_add(&form, "scsi0", v.p);
	buf_reset(&v);
	buf_printf(&v, "%s:cloudinit", p->storage);
	form_add(&form, "ide2", v.p);
	form_add(&form, "boot", "order=scsi0");
	form_add(&form, "serial0", "socket");
	form_add(&form, "vga", "serial0");
	form_add(&form, "agent", "enabled=1");
	buf_reset(&v);
	buf_printf(&v, "virtio,bridge=%s", p->bridge ? p->bridge : "vmbr0");
	form_add(&form, "net0", v.p);
	if (p->ciuser)
		form_add(&form, "ciuser", p->ciuser);
	if (keys.len)
		form_add(&form, "sshkeys", keys.p);
	form_add(&form, "ipconfig0", p->ipconfig0 ? p->ipconfig0 :
	    "ip=dhcp");

	if (need_download)
		download_call(&r.call, img, p->node, istore, alg, hex);
	else {
		r.call.method = "POST";
		buf_adds(&r.call.path, "/nodes/");
		url_seg(&r.call.path, p->node);
		buf_adds(&r.call.path, "/qemu");
		buf_adds(&r.call.form, form.p);
	}
	if (mutation_admit(&m->g, &r, &m->ui, &e) != 0)
		goto failed;
	if (need_download) {
		if (step(&x, "download the image", &e) != 0)
			goto failed;
		r.call.method = "POST";
		buf_reset(&r.call.path);
		buf_reset(&r.call.form);
		buf_adds(&r.call.path, "/nodes/");
		url_seg(&r.call.path, p->node);
		buf_adds(&r.call.path, "/qemu");
		buf_adds(&r.call.form, form.p);
	}
	if (step(&x, "create the VM", &e) != 0) {
		/* PVE removes a VM whose create task failed itself; after
		 * a lost answer px cannot tell whose VM the VMID is now,
		 * and destroys nothing */
		if (e.id == PXE_OUTCOME_UNKNOWN)
			px_hint(&e, "VM %d may exist: px status %d shows it",
			    p->vmid, p->vmid);
		goto failed;
	}
	created = 1;
	if (p->size) {
		r.call.method = "PUT";
		buf_reset(&r.call.form);
		buf_adds(&r.call.path, "/");
		url_seg(&r.call.path, id);
		buf_adds(&r.call.path, "/resize");
		form_add(&r.call.form, "disk", "scsi0");
		form_add(&r.call.form, "size", p->size);
		if (step(&x, "grow the disk", &e) != 0)
			goto cleanup;
	}
	if (p->start) {
		buf_reset(&r.call.path);
		buf_reset(&r.call.form);
		buf_adds(&r.call.path, "/nodes/");
		url_seg(&r.call.path, p->node);
		buf_printf(&r.call.path, "/qemu/%d/status/start", p->vmid);
		r.call.method = "POST";
		if (step(&x, "start the VM", &e) != 0) {
			started = 1;	/* it may be running: stop first */
			goto cleanup;
		}
	}
	snprintf(row.result, sizeof(row.result), "%s", m->g.dry_run ?
	    "dry-run" : "ok");
	goto out;

cleanup:
	/* undo: destroy the half-made VM, audited as its own action */
	if (created && !m->g.dry_run) {
		r.action = "provision-cleanup";
		if (started) {
			buf_reset(&r.call.path);
			buf_reset(&r.call.form);
			buf_adds(&r.call.path, "/nodes/");
			url_seg(&r.call.path, p->node);
			buf_printf(&r.call.path, "/qemu/%d/status/stop",
			    p->vmid);
			r.call.method = "POST";
			(void)step(&x, "stop the VM", &ce);
		}
		buf_reset(&r.call.path);
		buf_reset(&r.call.form);
		buf_adds(&r.call.path, "/nodes/");
		url_seg(&r.call.path, p->node);
		buf_printf(&r.call.path, "/qemu/%d", p->vmid);
		form_add(&r.call.form, "purge", "1");
		form_add(&r.call.form, "destroy-unreferenced-disks", "1");
		r.call.method = "DELETE";
		{
			char why[sizeof(e.msg)];
			int bad = step(&x, "destroy the half-made VM", &ce);

			snprintf(why, sizeof(why), "%s", e.msg);
			if (bad)
				snprintf(e.msg, sizeof(e.msg), "%.300s; VM %d "
				    "could not be destroyed: %.150s", why,
				    p->vmid, ce.msg);
			else
				snprintf(e.msg, sizeof(e.msg), "%.400s; the "
				    "half-made VM %d was destroyed", why,
				    p->vmid);
			if (bad)
				px_hint(&e, "px delete %d removes it",
				    p->vmid);
		}
	}
failed:
	row.failed = 1;
	row.err = e;
	snprintf(row.result, sizeof(row.result), "%s",
	    gate_is_refusal(e.id) ? "refused" : "failed");
	snprintf(row.message, sizeof(row.message), "%s", e.msg);
	px_report(&e);
out:
	rc = mutcli_print(m, &row, 1);
	gate_req_free(&r);
	buf_free(&keys);
	buf_free(&form);
	buf_free(&v);
	return row.failed ? mutcli_status(&row, 1) : rc;
}

int
cloudimg_main(int argc, char **argv)
{
	struct mutcli m;
	struct prov p = { 0 };
	struct px_getopt g;
	const char *verb;
	int ch, rc;
	long v;
	char *end;

	mutcli_init(&m, &px_cmd_cloudimg);
	px_getopt_init(&g, &px_cmd_cloudimg, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		if (mutcli_opt(&m, ch, g.arg))
			continue;
		switch (ch) {
		case O_CHECKSUM: p.checksum = g.arg; break;
		case O_SUMS_FILE: p.sums_file = g.arg; break;
		case O_NODE: p.node = g.arg; break;
		case O_STORAGE: p.storage = g.arg; break;
		case O_IMAGE_STORAGE: p.image_storage = g.arg; break;
		case O_NAME: p.name = g.arg; break;
		case O_CIUSER: p.ciuser = g.arg; break;
		case O_SSHKEYS: p.sshkeys = g.arg; break;
		case O_IPCONFIG0: p.ipconfig0 = g.arg; break;
		case O_SIZE: p.size = g.arg; break;
		case O_BRIDGE: p.bridge = g.arg; break;
		case O_START: p.start = 1; break;
		case O_VMID:
		case O_CORES:
		case O_MEMORY:
			errno = 0;
			v = strtol(g.arg, &end, 10);
			if (errno || *end || end == g.arg || v <= 0 ||
			    v > 999999999)
				px_errx(PX_EXIT_USAGE, "--%s: a positive "
				    "number", g.name ? g.name : "option");
			if (ch == O_VMID)
				p.vmid = (int)v;
			else if (ch == O_CORES)
				p.cores = (int)v;
			else
				p.memory = (int)v;
			break;
		default:
			px_usage(&px_cmd_cloudimg);
		}
	}
	argc -= g.ind;
	argv += g.ind;
	if (argc < 1)
		px_usage(&px_cmd_cloudimg);
	verb = argv[0];
	if (strcmp(verb, "list") == 0 && argc == 1)
		rc = list(&m);
	else if (strcmp(verb, "download") == 0 && argc == 2)
		rc = download(&m, argv[1], &p);
	else if (strcmp(verb, "provision") == 0 && argc == 2)
		rc = provision(&m, argv[1], &p);
	else
		px_usage(&px_cmd_cloudimg);
	mutcli_free(&m);
	return rc;
}
