/*
 * vnc -- a guest's VNC display for a VNC client: POST .../vncproxy with
 * websocket=1 through the gate (action "vnc", audited), and the ticket,
 * port and wss:// URL of .../vncwebsocket printed.  novnc -- the GUI's
 * noVNC console of the guest opened in the browser (xdg-open): the URL
 * carries no ticket; the browser's own login opens the console.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enc.h"
#include "json.h"
#include "mutcli.h"
#include "pve_guest.h"

enum { O_PASSWORD = PX_O_LONG, O_PRINT };

static const struct px_opt vnc_opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_PASSWORD, "password", NULL, "ask PVE for a VNC password too "
	    "(generate-password)" },
	PX_OPT_END
};

static const struct px_opt novnc_opts[] = {
	PX_OPT_PROFILE, PX_OPT_VERBOSE,
	{ O_PRINT, "print", NULL, "print the URL, do not open it" },
	PX_OPT_END
};

PX_COMMAND(vnc, "a guest's VNC ticket and WebSocket URL for a VNC client",
    vnc_opts, NULL, "vmid");
PX_COMMAND(novnc, "open a guest's noVNC console in the browser",
    novnc_opts, NULL, "vmid");

enum { C_VMID, C_NODE, C_PORT, C_TICKET, C_PASSWORD, C_URL, C_N };
static const struct out_col cols[] = {
	{ "vmid", OT_INT, 0 }, { "node", OT_STR, 0 }, { "port", OT_INT, 0 },
	{ "ticket", OT_STR, 0 }, { "password", OT_STR, 0 },
	{ "url", OT_STR, 0 },
};

/* A string of the answer without control characters, or NULL. */
static char *
clean_str(const struct px_reply *rep, const char *key, size_t max)
{
	char *s = json_get_str(&rep->j, rep->data, key);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (s[i] != '\0' || i == 0 || i > max) {
		free(s);
		return NULL;
	}
	return s;
}

int
vnc_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r;
	struct gate_target *t;
	struct gate_result res;
	struct buf base = { 0 }, url = { 0 };
	char *ticket = NULL, *password = NULL;
	long long port;
	int ch, vmid, rc = 0, want_pw = 0;

	mutcli_init(&m, &px_cmd_vnc);
	px_getopt_init(&go, &px_cmd_vnc, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		if (ch == O_PASSWORD)
			want_pw = 1;
		else
			px_usage(&px_cmd_vnc);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_vnc);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	pve_guest_path(&base, g.node, g.type, g.vmid);
	gate_req_init(&r, "vnc", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	t->call.method = "POST";
	buf_printf(&t->call.path, "%s/vncproxy", base.p);
	form_add(&t->call.form, "websocket", "1");
	if (want_pw)
		form_add(&t->call.form, "generate-password", "1");
	snprintf(t->summary, sizeof(t->summary), "open the VNC display of %s "
	    "%d (%s) on %s", strcmp(g.type, "qemu") == 0 ? "VM" : "CT", vmid,
	    g.name[0] ? g.name : "no name", g.node);
	gate_req_summarize(&r, "vnc");
	memset(&res, 0, sizeof(res));
	if (mutation_admit(&m.g, &r, &m.ui, &e) != 0 ||
	    gate_send(&m.g, &r, 0, &res, &e) != 0)
		px_die(&e);
	if (res.dry_run) {
		m.ui.would_send(m.ui.arg, res.would_send);
		goto out;
	}
	port = res.reply.data >= 0 ? json_get_int(&res.reply.j,
	    res.reply.data, "port", -1) : -1;
	if (res.reply.data < 0 || port < 1 || port > 65535 ||
	    (ticket = clean_str(&res.reply, "ticket", 512)) == NULL ||
	    (want_pw && (password = clean_str(&res.reply, "password",
	    64)) == NULL)) {
		px_fail(&e, PXE_PARSE, "vncproxy: the answer lacks a valid "
		    "port, ticket%s", want_pw ? " or password" : "");
		rc = px_report(&e);
		goto out;
	}
	buf_printf(&url, "wss://%s/api2/json%s/vncwebsocket?port=%lld&"
	    "vncticket=", strstr(m.x.p->url, "://") + 3, base.p, port);
	url_seg(&url, ticket);
	{
		struct out *o = out_new(&m.x.out, cols, C_N);

		out_record(o);
		out_row(o);
		out_int(o, C_VMID, vmid);
		out_str(o, C_NODE, g.node);
		out_int(o, C_PORT, port);
		out_str(o, C_TICKET, ticket);
		if (password)
			out_str(o, C_PASSWORD, password);
		out_str(o, C_URL, url.p);
		if (cli_print(&m.x, o, &e) != 0)
			rc = px_report(&e);
		out_free(o);
	}
out:
	gate_result_free(&res);
	gate_req_free(&r);
	buf_free(&base);
	buf_free(&url);
	free(ticket);
	free(password);
	mutcli_free(&m);
	return rc;
}

int
novnc_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct buf url = { 0 };
	int ch, vmid, print = 0, rc = 0, st;
	pid_t pid;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_novnc, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		if (ch == O_PRINT)
			print = 1;
		else
			px_usage(&px_cmd_novnc);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 1)
		px_usage(&px_cmd_novnc);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	if (cli_connect(&x, &e) != 0 ||
	    pve_guest_find(x.client, vmid, &g, &e) != 0)
		px_die(&e);
	/* the GUI's own console page: no ticket in the URL */
	buf_printf(&url, "%s/?console=%s&novnc=1&vmid=%d&vmname=", x.p->url,
	    strcmp(g.type, "qemu") == 0 ? "kvm" : "lxc", vmid);
	url_seg(&url, g.name);
	buf_adds(&url, "&node=");
	url_seg(&url, g.node);
	buf_adds(&url, "&resize=off&cmd=");
	if (print) {
		printf("%s\n", url.p);
		goto out;
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		execlp("xdg-open", "xdg-open", url.p, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		px_warn("xdg-open could not open the browser%s; the URL: %s",
		    pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
		    " (not installed: Debian's xdg-utils)" : "", url.p);
		rc = PX_EXIT_FAIL;
	}
out:
	buf_free(&url);
	cli_free(&x);
	return rc;
}
