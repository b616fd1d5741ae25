/*
 * cloudinit -- a VM's cloud-init: the values its drive was generated
 * from and the pending ones (GET .../cloudinit), the generated user,
 * network and meta data (GET .../cloudinit/dump), a change of the
 * cloud-init keys (PUT .../config through the gate: the password from a
 * file, never in argv, the audit log or -n's output; SSH keys from a
 * file, checked and URL-encoded as PVE wants them), and the drive
 * regenerated (PUT .../cloudinit through the gate).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "enc.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_CIUSER = PX_O_LONG, O_PWFILE, O_SSHKEYS, O_IP0, O_IP1, O_IP2,
	O_IP3, O_NAMESERVER, O_SEARCHDOMAIN, O_CITYPE };

static const struct px_opt opts[] = {
	PX_OPT_COMMON, PX_OPT_GATE,
	{ O_CIUSER, "ciuser", "user", "set: the user to create (\"\": "
	    "the image's default)" },
	{ O_PWFILE, "cipassword-file", "file", "set: the user's password, "
	    "the first line of a file only its owner reads" },
	{ O_SSHKEYS, "sshkeys", "file", "set: the authorized SSH public keys, "
	    "one a line" },
	{ O_IP0, "ipconfig0", "spec", "set: net0's ip=CIDR|dhcp,gw=IP,"
	    "ip6=CIDR|dhcp|auto,gw6=IP (\"\": none)" },
	{ O_IP1, "ipconfig1", "spec", "set: the same for net1" },
	{ O_IP2, "ipconfig2", "spec", "set: the same for net2" },
	{ O_IP3, "ipconfig3", "spec", "set: the same for net3" },
	{ O_NAMESERVER, "nameserver", "addresses", "set: DNS servers, "
	    "space-separated" },
	{ O_SEARCHDOMAIN, "searchdomain", "domains", "set: DNS search "
	    "domains" },
	{ O_CITYPE, "citype", "type", "set: nocloud, configdrive2 or "
	    "opennebula" },
	PX_OPT_END
};

PX_COMMAND(cloudinit, "show, dump and change a VM's cloud-init, "
    "regenerate its drive", opts, NULL, "vmid show | vmid dump "
    "user|network|meta | vmid set | vmid regen");

static const struct out_col show_cols[] = {
	{ "key", OT_STR, 0 }, { "value", OT_STR, 0 },
	{ "pending", OT_STR, 0 }, { "delete", OT_BOOL, 0 },
};
static const struct out_col dump_cols[] = {
	{ "vmid", OT_INT, 0 }, { "type", OT_STR, 0 },
	{ "content", OT_STR, 0 },
};

#define SSHKEYS_MAX	(64 * 1024)

/* One change: key and value ("" deletes the key). */
struct ci_change {
	const char *key;
	char *value;
	int secret;
};

/* A text value without control characters, at most max bytes. */
static void
check_text(const char *opt, const char *v, size_t max, const char *extra)
{
	if (strlen(v) > max)
		px_errx(PX_EXIT_USAGE, "--%s: longer than %zu bytes", opt, max);
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(extra, *p))
			px_errx(PX_EXIT_USAGE, "--%s: '%c' (0x%02x) is not "
			    "allowed here", opt, isprint((unsigned char)*p) ?
			    *p : '?', (unsigned char)*p);
}

static int
is_ip(const char *s, int fam)
{
	unsigned char b[16];

	return inet_pton(fam, s, b) == 1;
}

/* An address with a prefix length: 10.0.0.5/24, fd00::5/64. */
static int
is_cidr(const char *s, int fam)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	char *end;
	long len;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip))
		return 0;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || len < 0 || len > (fam == AF_INET ?
	    32 : 128))
		return 0;
	return is_ip(ip, fam);
}

/* PVE's pve-qm-ipconfig: ip, gw, ip6, gw6. */
static void
check_ipconfig(const char *opt, const char *v)
{
	char tmp[512], *tok, *save = NULL;
	int ip = 0, ip6 = 0, gw = 0, gw6 = 0;

	if (strlen(v) >= sizeof(tmp))
		px_errx(PX_EXIT_USAGE, "--%s: too long", opt);
	snprintf(tmp, sizeof(tmp), "%s", v);
	for (tok = strtok_r(tmp, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');

		if (val == NULL)
			px_errx(PX_EXIT_USAGE, "--%s: '%s' is not key=value",
			    opt, tok);
		*val++ = '\0';
		if (strcmp(tok, "ip") == 0 && (strcmp(val, "dhcp") == 0 ||
		    is_cidr(val, AF_INET)))
			ip++;
		else if (strcmp(tok, "ip6") == 0 && (strcmp(val, "dhcp") ==
		    0 || strcmp(val, "auto") == 0 || is_cidr(val, AF_INET6)))
			ip6++;
		else if (strcmp(tok, "gw") == 0 && is_ip(val, AF_INET))
			gw++;
		else if (strcmp(tok, "gw6") == 0 && is_ip(val, AF_INET6))
			gw6++;
		else
			px_errx(PX_EXIT_USAGE, "--%s: '%s=%s' is not an ip=, "
			    "gw=, ip6= or gw6= PVE takes", opt, tok, val);
	}
	if (ip > 1 || ip6 > 1 || gw > 1 || gw6 > 1)
		px_errx(PX_EXIT_USAGE, "--%s: a key given twice", opt);
	if ((gw && !ip) || (gw6 && !ip6))
		px_errx(PX_EXIT_USAGE, "--%s: a gateway needs an address of "
		    "its family", opt);
	if ((gw && strstr(v, "ip=dhcp")) || (gw6 && (strstr(v, "ip6=dhcp") ||
	    strstr(v, "ip6=auto"))))
		px_errx(PX_EXIT_USAGE, "--%s: no gateway with dhcp or auto",
		    opt);
}

/* Space- or comma-separated addresses. */
static void
check_nameserver(const char *v)
{
	char tmp[512], *tok, *save = NULL;

	if (strlen(v) >= sizeof(tmp))
		px_errx(PX_EXIT_USAGE, "--nameserver: too long");
	snprintf(tmp, sizeof(tmp), "%s", v);
	for (tok = strtok_r(tmp, " ,;", &save); tok;
	    tok = strtok_r(NULL, " ,;", &save))
		if (!is_ip(tok, AF_INET) && !is_ip(tok, AF_INET6))
			px_errx(PX_EXIT_USAGE, "--nameserver: '%s' is not an "
			    "IP address", tok);
}

/* Append s percent-encoded as JavaScript's encodeURIComponent does,
 * which is what PVE's "urlencoded" format (sshkeys) accepts. */
static void
uri_component(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || strchr("-_.!~*'()", c))
			buf_addc(b, (char)c);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

/* The SSH public keys of file, checked (one OpenSSH key a line, no
 * control characters, no options), URL-encoded for PVE. */
static char *
read_sshkeys(const char *path)
{
	static const char *const types[] = { "ssh-rsa", "ssh-ed25519",
	    "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
	    "sk-ecdsa-sha2-nistp256@openssh.com", NULL };
	struct buf raw = { 0 }, keys = { 0 }, enc = { 0 };
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[4096], *save = NULL;
	size_t got;
	int n = 0, lineno = 0;

	if (f == NULL)
		px_errx(PX_EXIT_USAGE, "--sshkeys %s: %s", path,
		    strerror(errno));
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (raw.len + got > SSHKEYS_MAX)
			px_errx(PX_EXIT_USAGE, "--sshkeys %s: more than %d "
			    "bytes", path, SSHKEYS_MAX);
		buf_add(&raw, chunk, got);
	}
	if (f != stdin)
		fclose(f);
	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.p[i];

		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') ||
		    c == 0x7f)
			px_errx(PX_EXIT_USAGE, "--sshkeys %s: a control "
			    "character (0x%02x) at byte %zu", path, c, i);
	}
	for (char *l = strtok_r(raw.p ? raw.p : (char *)"", "\n", &save); l;
	    l = strtok_r(NULL, "\n", &save)) {
		char *sp, *b64;
		size_t len = strlen(l);
		int k;

		lineno++;
		if (len && l[len - 1] == '\r')
			l[--len] = '\0';
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\0' || *l == '#')
			continue;
		for (k = 0; types[k]; k++)
			if (strncmp(l, types[k], strlen(types[k])) == 0 &&
			    (l[strlen(types[k])] == ' ' ||
			    l[strlen(types[k])] == '\t'))
				break;
		if (types[k] == NULL)
			px_errx(PX_EXIT_USAGE, "--sshkeys %s: line %d is not "
			    "an OpenSSH public key (ssh-ed25519 AAAA..., no "
			    "options)", path, lineno);
		b64 = l + strlen(types[k]);
		while (*b64 == ' ' || *b64 == '\t')
			b64++;
		sp = b64 + strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
		    "klmnopqrstuvwxyz0123456789+/=");
		if (sp - b64 < 16 || (*sp && *sp != ' ' && *sp != '\t'))
			px_errx(PX_EXIT_USAGE, "--sshkeys %s: line %d: the key "
			    "is not base64", path, lineno);
		if (keys.len)
			buf_addc(&keys, '\n');
		buf_adds(&keys, l);
		n++;
	}
	if (n == 0)
		px_errx(PX_EXIT_USAGE, "--sshkeys %s: no key in it", path);
	uri_component(&enc, keys.p, keys.len);
	buf_free(&raw);
	buf_free(&keys);
	return buf_steal(&enc);
}

static int
print(struct mutcli *m, struct out *o)
{
	struct px_err e = { 0 };
	int rc = 0;

	if (cli_print(&m->x, o, &e) != 0)
		rc = px_report(&e);
	out_free(o);
	return rc;
}

static int
show(struct mutcli *m, const char *base)
{
	struct px_reply r;
	struct px_err e = { 0 };
	struct pve_kv *kv;
	struct out *o;
	int n;

	if (pve_get(m->x.client, &r, &e, "%s/cloudinit", base) != 0 ||
	    pve_pending_parse(&r.j, r.data, &kv, &n, &e) != 0)
		px_die(&e);
	px_reply_free(&r);
	o = out_new(&m->x.out, show_cols, 4);
	for (int i = 0; i < n; i++) {
		if (kv[i].value)
			text_sanitize(kv[i].value);
		if (kv[i].pending)
			text_sanitize(kv[i].pending);
		out_row(o);
		out_str(o, 0, kv[i].key);
		out_str(o, 1, kv[i].value);
		out_str(o, 2, kv[i].pending);
		out_bool(o, 3, kv[i].del != 0);
	}
	pve_kv_free(kv, n);
	return print(m, o);
}

static int
dump(struct mutcli *m, const struct pve_guest *g, const char *base,
    const char *type)
{
	struct px_reply r;
	struct px_err e = { 0 };
	char *text;
	int rc = 0;

	if (pve_get(m->x.client, &r, &e, "%s/cloudinit/dump?type=%s", base,
	    type) != 0)
		px_die(&e);
	if ((text = json_strdup(&r.j, r.data)) == NULL)
		px_errx(PX_EXIT_FAIL, "cloudinit dump: not a string");
	px_reply_free(&r);
	if (m->x.out.fmt != OUT_TABLE) {
		struct out *o = out_new(&m->x.out, dump_cols, 3);

		out_record(o);
		out_row(o);
		out_int(o, 0, g->vmid);
		out_str(o, 1, type);
		out_str(o, 2, text);
		rc = print(m, o);
	} else {
		size_t n = strlen(text);

		/* a terminal obeys escape sequences: not from a server */
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[i];

			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				text[i] = '?';
		}
		if (n > 0 && fwrite(text, 1, n, stdout) != n)
			px_errx(PX_EXIT_FAIL, "standard output: %s",
			    strerror(errno));
		if (n > 0 && text[n - 1] != '\n')
			putchar('\n');
		fflush(stdout);
	}
	free(text);
	return rc;
}

static int
set(struct mutcli *m, const struct pve_guest *g, const char *base,
    struct ci_change *ch, int n)
{
	struct px_err e = { 0 };
	struct pve_kv *kv = NULL;
	struct gate_req r;
	struct gate_target *t;
	struct buf dels = { 0 }, keys = { 0 };
	const char *digest;
	int nkv = 0, rc;

	if (pve_guest_config(m->x.client, g, &kv, &nkv, &e) != 0)
		px_die(&e);
	gate_req_init(&r, "set", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, g);
	t->call.method = "PUT";
	buf_printf(&t->call.path, "%s/config", base);
	for (int i = 0; i < n; i++) {
		buf_printf(&keys, "%s%s", i ? "," : "", ch[i].key);
		if (ch[i].value[0])
			form_add(&t->call.form, ch[i].key, ch[i].value);
		else
			buf_printf(&dels, "%s%s", dels.len ? "," : "",
			    ch[i].key);
	}
	if (dels.len)
		form_add(&t->call.form, "delete", dels.p);
	if ((digest = pve_kv_get(kv, nkv, "digest")) != NULL)
		form_add(&t->call.form, "digest", digest);
	t->call.redact = "cipassword";
	snprintf(t->summary, sizeof(t->summary), "set cloud-init %.200s of "
	    "VM %d (%s) on %s", keys.p, g->vmid, g->name[0] ? g->name :
	    "no name", g->node);
	gate_req_summarize(&r, "set");
	rc = mutcli_run(m, &r);
	if (rc == 0 && !m->g.dry_run)
		px_warn("the drive changes with px cloudinit %d regen, or at "
		    "the VM's next start", g->vmid);
	buf_wipe(&t->call.form);	/* it held the password */
	gate_req_free(&r);
	pve_kv_free(kv, nkv);
	buf_free(&dels);
	buf_free(&keys);
	return rc;
}

static int
regen(struct mutcli *m, const struct pve_guest *g, const char *base)
{
	struct gate_req r;
	struct gate_target *t;
	int rc;

	gate_req_init(&r, "regen", "guest", 1);
	t = &r.t[0];
	gate_target_guest(t, g);
	t->call.method = "PUT";
	buf_printf(&t->call.path, "%s/cloudinit", base);
	snprintf(t->summary, sizeof(t->summary), "regenerate the cloud-init "
	    "drive of VM %d (%s) on %s", g->vmid, g->name[0] ? g->name :
	    "no name", g->node);
	gate_req_summarize(&r, "regen");
	rc = mutcli_run(m, &r);
	gate_req_free(&r);
	return rc;
}

int
cloudinit_main(int argc, char **argv)
{
	static struct ci_change ch[16];
	struct px_getopt go;
	struct mutcli m;
	struct px_err e = { 0 };
	struct pve_guest g;
	struct buf base = { 0 };
	const char *verb, *pwfile = NULL;
	int c, vmid, n = 0, rc;

	mutcli_init(&m, &px_cmd_cloudinit);
	px_getopt_init(&go, &px_cmd_cloudinit, argc, argv);
	while ((c = px_getopt(&go)) != -1) {
		const char *key = NULL;

		if (mutcli_opt(&m, c, go.arg))
			continue;
		switch (c) {
		case O_CIUSER:
			check_text("ciuser", go.arg, 64, "._-");
			key = "ciuser";
			break;
		case O_PWFILE:
			pwfile = go.arg;
			continue;
		case O_SSHKEYS:
			for (int i = 0; i < n; i++)
				if (strcmp(ch[i].key, "sshkeys") == 0)
					px_errx(PX_EXIT_USAGE, "--sshkeys given "
					    "twice");
			ch[n].key = "sshkeys";
			ch[n++].value = read_sshkeys(go.arg);
			continue;
		case O_IP0:
		case O_IP1:
		case O_IP2:
		case O_IP3: {
			static const char *const k[] = { "ipconfig0",
			    "ipconfig1", "ipconfig2", "ipconfig3" };

			key = k[c - O_IP0];
			if (go.arg[0])
				check_ipconfig(key, go.arg);
			break;
		}
		case O_NAMESERVER:
			check_nameserver(go.arg);
			key = "nameserver";
			break;
		case O_SEARCHDOMAIN:
			check_text("searchdomain", go.arg, 255, ".- ");
			key = "searchdomain";
			break;
		case O_CITYPE:
			if (strcmp(go.arg, "nocloud") && strcmp(go.arg,
			    "configdrive2") && strcmp(go.arg, "opennebula"))
				px_errx(PX_EXIT_USAGE, "--citype: nocloud, "
				    "configdrive2 or opennebula, not '%s'",
				    go.arg);
			key = "citype";
			break;
		default:
			px_usage(&px_cmd_cloudinit);
		}
		for (int i = 0; i < n; i++)
			if (strcmp(ch[i].key, key) == 0)
				px_errx(PX_EXIT_USAGE, "--%s given twice", key);
		ch[n].key = key;
		ch[n++].value = px_xstrdup(go.arg);
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 2)
		px_usage(&px_cmd_cloudinit);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	verb = argv[1];
	if (strcmp(verb, "dump") == 0 ? argc != 3 : argc != 2)
		px_usage(&px_cmd_cloudinit);
	if (strcmp(verb, "show") && strcmp(verb, "dump") && strcmp(verb,
	    "set") && strcmp(verb, "regen"))
		px_errx(PX_EXIT_USAGE, "unknown subcommand '%s' (show, dump, "
		    "set, regen)", verb);
	if (strcmp(verb, "dump") == 0 && strcmp(argv[2], "user") &&
	    strcmp(argv[2], "network") && strcmp(argv[2], "meta"))
		px_errx(PX_EXIT_USAGE, "dump: user, network or meta, not '%s'",
		    argv[2]);
	if (strcmp(verb, "set") != 0 && (n > 0 || pwfile))
		px_errx(PX_EXIT_USAGE, "the --ci..., --sshkeys, --ipconfigN, "
		    "--nameserver, --searchdomain and --citype options are "
		    "set's");
	if ((strcmp(verb, "show") == 0 || strcmp(verb, "dump") == 0) &&
	    (m.g.dry_run || m.g.yes || m.g.allow_risk))
		px_errx(PX_EXIT_USAGE, "%s only reads: -n -y --allow-risk are "
		    "for set and regen", verb);
	if (pwfile) {
		char *pw = NULL;

		if (secret_file_read(pwfile, &pw, &e) != 0)
			px_die(&e);
		if (pw[0] == '\0')
			px_errx(PX_EXIT_USAGE, "--cipassword-file %s: empty",
			    pwfile);
		for (const char *p = pw; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				px_errx(PX_EXIT_USAGE, "--cipassword-file %s: a "
				    "control character in the password",
				    pwfile);
		ch[n].key = "cipassword";
		ch[n].secret = 1;
		ch[n++].value = pw;
	}
	if (strcmp(verb, "set") == 0 && n == 0)
		px_errx(PX_EXIT_USAGE, "set: nothing to change (--ciuser, "
		    "--cipassword-file, --sshkeys, --ipconfigN, --nameserver, "
		    "--searchdomain, --citype)");

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (strcmp(g.type, "qemu") != 0)
		px_errx(PX_EXIT_USAGE, "CT %d: cloud-init is for VMs (a "
		    "container's network and DNS are px set keys)", vmid);
	pve_guest_path(&base, g.node, g.type, g.vmid);
	if (strcmp(verb, "show") == 0)
		rc = show(&m, base.p);
	else if (strcmp(verb, "dump") == 0)
		rc = dump(&m, &g, base.p, argv[2]);
	else if (strcmp(verb, "set") == 0)
		rc = set(&m, &g, base.p, ch, n);
	else
		rc = regen(&m, &g, base.p);
	for (int i = 0; i < n; i++) {
		if (ch[i].secret)
			explicit_bzero(ch[i].value, strlen(ch[i].value));
		free(ch[i].value);
	}
	buf_free(&base);
	mutcli_free(&m);
	return rc;
}
