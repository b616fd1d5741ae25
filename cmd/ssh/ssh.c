/*
 * ssh -- the system's ssh(1) to a guest: the address from [ssh guest
 * VMID] in px.conf, else the guest's own view of its network (the QEMU
 * guest agent's network-get-interfaces, a container's interfaces), the
 * first routable address; shown before ssh is run with a fixed argv.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "enc.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_PROFILE, PX_OPT_VERBOSE,
	{ 'l', "login", "user", "the user on the guest (default: [ssh guest "
	    "VMID] user, else ssh's own)" },
	{ 'n', "dry-run", NULL, "print the ssh command, do not run it" },
	PX_OPT_END
};

PX_COMMAND(ssh, "ssh to a guest at the address its agent or its "
    "interfaces report", opts, NULL, "vmid [-- command ...]");

/* A unicast address one can reach from elsewhere: not loopback, not
 * link-local, not unspecified. */
static int
routable(const char *a)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, a, b) == 1)
		return b[0] != 127 && b[0] != 0 && !(b[0] == 169 &&
		    b[1] == 254) && b[0] < 224;
	if (inet_pton(AF_INET6, a, b) == 1) {
		static const unsigned char zero[15];

		if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
			return 0;	/* :: and ::1 */
		return !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80) && b[0] != 0xff;
	}
	return 0;
}

int
ssh_main(int argc, char **argv)
{
	struct px_getopt go;
	struct px_cli x;
	struct px_err e = { 0 };
	struct px_reply r = { 0 };
	struct pve_guest *g = NULL, *me = NULL;
	struct pve_iface *v = NULL;
	char sec[64], host[256] = "", via[160] = "", *end, port[16] = "";
	const char *user = NULL, *val, **args;
	int ch, n = 0, nv = 0, dry = 0, na = 0;
	long vmid;

	cli_init(&x);
	px_getopt_init(&go, &px_cmd_ssh, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (cli_opt(&x, ch, go.arg))
			continue;
		switch (ch) {
		case 'l':
			user = go.arg;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			px_usage(&px_cmd_ssh);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 1)
		px_usage(&px_cmd_ssh);
	vmid = strtol(argv[0], &end, 10);
	if (*end || end == argv[0] || vmid < 100 || vmid > 999999999)
		px_errx(PX_EXIT_USAGE, "%s: not a VMID", argv[0]);
	if (user && (*user == '-' || *user == '\0' || conf_has_ctl(user) ||
	    strpbrk(user, "@ ")))
		px_errx(PX_EXIT_USAGE, "-l %s: not a user name", user);
	if (cli_connect(&x, &e) != 0 || pve_guests(x.client, &g, &n, &e) != 0)
		px_die(&e);
	for (int i = 0; i < n; i++)
		if (g[i].vmid == vmid)
			me = &g[i];
	if (me == NULL)
		px_errx(PX_EXIT_NOTFOUND, "no guest %ld in the cluster", vmid);
	snprintf(sec, sizeof(sec), "ssh guest %ld", vmid);
	if (user == NULL)
		user = conf_get(&x.conf, sec, "user");
	if ((val = conf_get(&x.conf, sec, "port")))
		snprintf(port, sizeof(port), "%s", val);
	if ((val = conf_get(&x.conf, sec, "host"))) {
		snprintf(host, sizeof(host), "%s", val);
		snprintf(via, sizeof(via), "[%s] in %s", sec, x.conf.path);
	} else {
		int qemu = strcmp(me->type, "qemu") == 0;

		if (strcmp(me->status, "running") != 0)
			px_errx(PX_EXIT_FAIL, "%s %ld (%s) is %s: no address "
			    "to reach", qemu ? "VM" : "CT", vmid, me->name,
			    me->status);
		if ((qemu ? pve_get(x.client, &r, &e,
		    "/nodes/%s/qemu/%ld/agent/network-get-interfaces",
		    me->node, vmid) : pve_get(x.client, &r, &e,
		    "/nodes/%s/lxc/%ld/interfaces", me->node, vmid)) != 0) {
			if (qemu)
				px_hint(&e, "without the guest agent, set the "
				    "address: [ssh guest %ld] host = ADDRESS",
				    vmid);
			px_die(&e);
		}
		if (pve_ifaces_parse(&r.j, r.data, &v, &nv, &e) != 0)
			px_die(&e);
		for (int i = 0; i < nv && !host[0]; i++)
			for (int a = 0; a < v[i].naddr && !host[0]; a++)
				if (routable(v[i].addr[a])) {
					snprintf(host, sizeof(host), "%s",
					    v[i].addr[a]);
					snprintf(via, sizeof(via), "%s, %s",
					    qemu ? "the guest agent" :
					    "the container's interfaces",
					    v[i].name);
				}
		free(v);
		px_reply_free(&r);
		if (!host[0])
			px_errx(PX_EXIT_NOTFOUND, "%s %ld (%s) reports no "
			    "routable address; set [ssh guest %ld] host",
			    qemu ? "VM" : "CT", vmid, me->name, vmid);
	}
	if (host[0] == '-' || conf_has_ctl(host))
		px_errx(PX_EXIT_CONFIG, "%s: not a host name or address", host);
	args = px_xcalloc(argc + 10, sizeof(*args));
	args[na++] = "ssh";
	if (user) {
		args[na++] = "-l";
		args[na++] = user;
	}
	if (port[0]) {
		args[na++] = "-p";
		args[na++] = port;
	}
	args[na++] = "--";
	args[na++] = host;
	for (int i = 1; i < argc; i++)
		args[na++] = argv[i];
	args[na] = NULL;
	fprintf(stderr, "%s: %s %ld (%s) at %s%s%s (from %s)\n", px_progname,
	    strcmp(me->type, "qemu") == 0 ? "VM" : "CT", vmid, me->name,
	    user ? user : "", user ? "@" : "", host, via);
	if (dry) {
		for (int i = 0; i < na; i++)
			printf("%s%s", i ? " " : "", args[i]);
		printf("\n");
		free(args);
		free(g);
		cli_free(&x);
		return 0;
	}
	fflush(NULL);
	execvp("ssh", (char *const *)args);
	px_errx(errno == ENOENT ? PX_EXIT_FAIL : PX_EXIT_FAIL, "ssh: %s%s",
	    strerror(errno), errno == ENOENT ? " (install the Debian "
	    "package openssh-client)" : "");
}
