/*
 * sendkey -- send a key or a key combination to a running VM (PUT
 * .../qemu/{vmid}/sendkey, QEMU's send-key), through the gate.  The
 * names are QEMU's (qapi/ui.json QKeyCode), joined with '-':
 * ctrl-alt-delete, alt-f2, ret.  ctrl-alt-delete and sysrq
 * combinations can reset the guest: they ask first.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "mutcli.h"
#include "pve_guest.h"

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	PX_OPT_END
};

PX_COMMAND(sendkey, "send a key combination to a running VM", opts, NULL,
    "vmid key");

/* QEMU's QKeyCode names besides the letters, digits, f1-f24 and kp_0-9. */
static const char *const key_names[] = { "shift", "shift_r", "alt",
    "alt_r", "ctrl", "ctrl_r", "menu", "esc", "minus", "equal",
    "backspace", "tab", "bracket_left", "bracket_right", "ret",
    "semicolon", "apostrophe", "grave_accent", "backslash", "comma", "dot",
    "slash", "asterisk", "spc", "caps_lock", "num_lock", "scroll_lock",
    "sysrq", "less", "print", "home", "pgup", "pgdn", "end", "left", "up",
    "down", "right", "insert", "delete", "stop", "again", "props", "undo",
    "front", "copy", "open", "paste", "find", "cut", "lf", "help",
    "meta_l", "meta_r", "compose", "pause", "ro", "hiragana", "henkan",
    "yen", "muhenkan", "katakanahiragana", "kp_comma", "kp_equals",
    "power", "sleep", "wake", "audionext", "audioprev", "audiostop",
    "audioplay", "audiomute", "volumeup", "volumedown", "mediaselect",
    "mail", "calculator", "computer", "ac_home", "ac_back", "ac_forward",
    "ac_refresh", "ac_bookmarks", "lang1", "lang2", "kp_divide",
    "kp_multiply", "kp_subtract", "kp_add", "kp_enter", "kp_decimal",
    NULL };

/* Is w (n bytes) one QEMU key name? */
static int
key_ok(const char *w, size_t n)
{
	if (n == 1)
		return islower((unsigned char)w[0]) ||
		    isdigit((unsigned char)w[0]);
	if (w[0] == 'f' && (n == 2 || n == 3) && isdigit((unsigned char)w[1]) &&
	    (n == 2 || isdigit((unsigned char)w[2]))) {
		int k = atoi(w + 1);

		return w[1] != '0' && k >= 1 && k <= 24;
	}
	if (n == 4 && strncmp(w, "kp_", 3) == 0 && isdigit((unsigned char)w[3]))
		return 1;
	for (int i = 0; key_names[i]; i++)
		if (strlen(key_names[i]) == n && strncmp(key_names[i], w, n) ==
		    0)
			return 1;
	return 0;
}

int
sendkey_main(int argc, char **argv)
{
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct gate_req r;
	struct gate_target *t;
	const char *key, *p;
	int ch, vmid, rc, nparts = 0;

	mutcli_init(&m, &px_cmd_sendkey);
	px_getopt_init(&go, &px_cmd_sendkey, argc, argv);
	while ((ch = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, ch, go.arg))
			continue;
		px_usage(&px_cmd_sendkey);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc != 2)
		px_usage(&px_cmd_sendkey);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	key = argv[1];
	if (strlen(key) > 128)
		px_errx(PX_EXIT_USAGE, "the key: longer than 128 bytes");
	for (p = key;; ) {
		const char *dash = strchr(p, '-');
		size_t n = dash ? (size_t)(dash - p) : strlen(p);

		if (!key_ok(p, n)) {
			char shown[64];
			size_t k;

			for (k = 0; k < n && k < sizeof(shown) - 1; k++)
				shown[k] = isprint((unsigned char)p[k]) ?
				    p[k] : '?';
			shown[k] = '\0';
			px_errx(PX_EXIT_USAGE, "'%s' is not a QEMU key name "
			    "(a-z, 0-9, f1-f24, ctrl, alt, shift, ret, esc, "
			    "tab, delete, ...; joined with '-': "
			    "ctrl-alt-delete)", shown);
		}
		nparts++;
		if (dash == NULL)
			break;
		p = dash + 1;
	}
	if (nparts > 8)
		px_errx(PX_EXIT_USAGE, "more than 8 keys at once");

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: keys go to a VM (a container's "
		    "console is px console)", vmid);
	if (strcmp(g.status, "running") != 0) {
		px_fail(&e, PXE_FAILURE, "VM %d is %s: keys go to a running VM",
		    vmid, g.status);
		px_die(&e);
	}
	gate_req_init(&r, "sendkey", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, &g);
	t->call.method = "PUT";
	pve_guest_path(&t->call.path, g.node, g.type, g.vmid);
	buf_adds(&t->call.path, "/sendkey");
	form_add(&t->call.form, "key", key);
	snprintf(t->summary, sizeof(t->summary), "send %s to VM %d (%s) on %s",
	    key, vmid, g.name[0] ? g.name : "no name", g.node);
	gate_req_summarize(&r, "sendkey");
	/* these reset or halt a guest */
	r.destructive = strstr(key, "sysrq") != NULL ||
	    (strstr(key, "ctrl") && strstr(key, "alt") &&
	    strstr(key, "delete"));
	rc = mutcli_run(&m, &r);
	gate_req_free(&r);
	mutcli_free(&m);
	return rc;
}
