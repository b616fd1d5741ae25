/*
 * spice -- a VM's SPICE display in remote-viewer: POST .../spiceproxy
 * through the gate (action "spice", audited; read-only profiles and
 * freezes refuse it), the answer written as a virt-viewer connection
 * file (.vv, 0600), remote-viewer started on it when it is installed and
 * the file removed after; --write only writes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enc.h"
#include "json.h"
#include "mutcli.h"
#include "pve_guest.h"

enum { O_WRITE = PX_O_LONG, O_PROXY };

static const struct px_opt opts[] = {
	PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_PROXY, "proxy", "host", "the SPICE proxy the viewer connects "
	    "through (default: the node PVE picks)" },
	{ O_WRITE, "write", "file", "only write the connection file (a new "
	    "file, 0600)" },
	PX_OPT_END
};

PX_COMMAND(spice, "a VM's SPICE display in remote-viewer", opts, NULL,
    "vmid");

/* The .vv text of PVE's answer: [virt-viewer] and key=value lines.  A
 * key that is not [a-z0-9-] or a value with a control character (a line
 * break would add settings) is refused. */
static int
vv_text(const struct px_reply *rep, struct buf *out, struct px_err *e)
{
	const struct json *j = &rep->j;
	int k, i, have_pw = 0;

	if (rep->data < 0 || json_type(j, rep->data) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "spiceproxy: the answer is not "
		    "an object");
	buf_adds(out, "[virt-viewer]\n");
	JSON_FOREACH_KV(j, rep->data, k, i) {
		char key[64], *val = NULL;
		const char *raw;
		size_t n, c;

		if (json_strcpy(j, k, key, sizeof(key)) < 0 || key[0] == '\0'
		    || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(key))
			return px_fail(e, PXE_PARSE, "spiceproxy: a key that "
			    "is not a setting's name");
		switch (json_type(j, k + 1)) {
		case JSON_STRING:
			val = json_strdup(j, k + 1);
			break;
		case JSON_NUMBER:
		case JSON_TRUE:
		case JSON_FALSE:
			raw = json_raw(j, k + 1, &n);
			val = px_xstrndup(raw, n);
			if (strcmp(val, "true") == 0 || strcmp(val,
			    "false") == 0) {
				free(val);
				val = px_xstrdup(json_type(j, k + 1) ==
				    JSON_TRUE ? "1" : "0");
			}
			break;
		default:
			return px_fail(e, PXE_PARSE, "spiceproxy: %s is not a "
			    "string or a number", key);
		}
		if (val == NULL)
			return px_fail(e, PXE_PARSE, "spiceproxy: %s holds a "
			    "NUL", key);
		for (c = 0; val[c]; c++)
			if ((unsigned char)val[c] < 0x20 || val[c] == 0x7f) {
				free(val);
				return px_fail(e, PXE_PARSE, "spiceproxy: %s "
				    "holds a control character", key);
			}
		if (strcmp(key, "password") == 0)
			have_pw = 1;
		buf_printf(out, "%s=%s\n", key, val);
		free(val);
	}
	if (!have_pw)
		return px_fail(e, PXE_PARSE, "spiceproxy: the answer has no "
		    "password");
	return 0;
}

/* Write text to path, a new file, 0600. */
static int
vv_write(const char *path, const struct buf *text, struct px_err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	fchmod(fd, 0600);
	while (off < text->len) {
		ssize_t w = write(fd, text->p + off, text->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0)
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	return 0;
}

/* remote-viewer on PATH: its path (allocated) or NULL. */
static char *
viewer_path(void)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	if (path == NULL)
		return NULL;
	copy = px_xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d && !found;
	    d = strtok_r(NULL, ":", &save)) {
		char *p = px_xasprintf("%s/remote-viewer", *d ? d : ".");

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

int
spice_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r;
	struct gate_target *t;
	struct gate_result res;
	struct buf base = { 0 }, vv = { 0 };
	const char *write_to = NULL, *proxy = NULL;
	char *viewer = NULL, *tmp = NULL;
	int ch, vmid, rc = 0;

	mutcli_init(&m, &px_cmd_spice);
	px_getopt_init(&go, &px_cmd_spice, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		switch (ch) {
		case O_PROXY:
			proxy = go.arg;
			break;
		case O_WRITE:
			write_to = go.arg;
			break;
		default:
			px_usage(&px_cmd_spice);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_spice);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (write_to && write_to[0] == '\0')
		px_errx(PX_EXIT_USAGE, "--write: an empty name");
	if (proxy && (proxy[0] == '\0' || strpbrk(proxy, " /\n\t")))
		px_errx(PX_EXIT_USAGE, "--proxy: '%s' is not a host name",
		    proxy);
	if (write_to == NULL && (viewer = viewer_path()) == NULL &&
	    !m.g.dry_run)
		px_errx(PX_EXIT_FAIL, "remote-viewer is not installed "
		    "(Debian: virt-viewer); --write FILE writes the "
		    "connection file for another viewer");

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: containers have no SPICE "
		    "display; px console %d opens their console", vmid, vmid);
	pve_guest_path(&base, g.node, g.type, g.vmid);
	gate_req_init(&r, "spice", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	t->call.method = "POST";
	buf_printf(&t->call.path, "%s/spiceproxy", base.p);
	if (proxy)
		form_add(&t->call.form, "proxy", proxy);
	snprintf(t->summary, sizeof(t->summary), "open the SPICE display of "
	    "VM %d (%s) on %s", vmid, g.name[0] ? g.name : "no name", g.node);
	gate_req_summarize(&r, "spice");
	memset(&res, 0, sizeof(res));
	if (mutation_admit(&m.g, &r, &m.ui, &e) != 0 ||
	    gate_send(&m.g, &r, 0, &res, &e) != 0)
		px_die(&e);
	if (res.dry_run) {
		m.ui.would_send(m.ui.arg, res.would_send);
		goto out;
	}
	if (vv_text(&res.reply, &vv, &e) != 0) {
		rc = px_report(&e);
		goto out;
	}
	if (write_to) {
		if (vv_write(write_to, &vv, &e) != 0)
			rc = px_report(&e);
		goto out;
	}
	{
		const char *dir = px_data_dir(&e);
		pid_t pid;
		int st;

		if (dir == NULL) {
			rc = px_report(&e);
			goto out;
		}
		tmp = px_xasprintf("%s/spice-%d-%ld.vv", dir, vmid,
		    (long)getpid());
		if (vv_write(tmp, &vv, &e) != 0) {
			rc = px_report(&e);
			free(tmp);
			tmp = NULL;
			goto out;
		}
		fflush(NULL);
		if ((pid = fork()) == 0) {
			execl(viewer, "remote-viewer", tmp, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			px_warn("remote-viewer: %s", strerror(errno));
			rc = PX_EXIT_FAIL;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			px_warn("remote-viewer ended with status %d",
			    WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
			    WTERMSIG(st));
			rc = PX_EXIT_FAIL;
		}
		unlink(tmp);
	}
out:
	buf_wipe(&vv);
	gate_result_free(&res);
	gate_req_free(&r);
	buf_free(&base);
	free(viewer);
	free(tmp);
	mutcli_free(&m);
	return rc;
}
