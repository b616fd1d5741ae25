/*
 * set -- change a guest's configuration: GET .../config for its current
 * values and digest, then PUT .../config with key=value pairs, delete=
 * and digest=, through the gate (lib/gate.h).  The digest makes PVE
 * refuse the change when someone else changed the config in between
 * ("detected modified configuration"), instead of silently losing one of
 * the two updates.  Afterwards the change is shown on stderr, key by key,
 * old -> new, with the keys PVE left pending (applied at the next
 * restart) marked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "enc.h"
#include "guest_op.h"
#include "mutcli.h"
#include "pve_check.h"
#include "pve_guest.h"

enum { O_DELETE = PX_O_LONG, O_DIGEST, O_RAW, O_REVERT };

static const struct px_opt opts[] = {
	PX_OPT_OUTPUT, PX_OPT_PROFILE, PX_OPT_VERBOSE, PX_OPT_GATE,
	{ O_DELETE, "delete", "key,...", "remove these keys" },
	{ O_DIGEST, "digest", "digest", "change only the config with this "
	    "digest (default: the one read first)" },
	{ O_RAW, "raw", "key=value", "set this key (as key=value after the "
	    "VMID; repeatable)" },
	{ O_REVERT, "revert", "key,...", "drop these keys' pending changes" },
	PX_OPT_END
};

PX_COMMAND(set, "change a guest's configuration, refusing lost updates",
    opts, NULL, "vmid key=value ...");

#define MAX_KEYS	128

struct change {
	char key[64];
	const char *value;	/* NULL: delete (or revert) */
	int revert;		/* drop the key's pending change */
};

/* Split --delete's (or --revert's) comma list into ch; exits 2 on a
 * bad key. */
static int
add_deletes(struct change *ch, int n, const char *arg, int revert)
{
	char *save = NULL, *list = px_xstrdup(arg);

	for (char *k = strtok_r(list, ",", &save); k;
	    k = strtok_r(NULL, ",", &save)) {
		if (!pve_valid_key(k))
			px_errx(PX_EXIT_USAGE, "--%s: '%s' is not a config "
			    "key", revert ? "revert" : "delete", k);
		if (n == MAX_KEYS)
			px_errx(PX_EXIT_USAGE, "more than %d keys", MAX_KEYS);
		snprintf(ch[n].key, sizeof(ch[n].key), "%s", k);
		ch[n].revert = revert;
		ch[n++].value = NULL;
	}
	free(list);
	return n;
}

/* key=value into ch; exits 2 when it is none. */
static int
add_pair(struct change *ch, int n, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t kn = eq ? (size_t)(eq - arg) : 0;

	if (eq == NULL || kn == 0 || kn >= sizeof(ch[0].key))
		px_errx(PX_EXIT_USAGE, "'%s': expected key=value", arg);
	if (n == MAX_KEYS)
		px_errx(PX_EXIT_USAGE, "more than %d keys", MAX_KEYS);
	memcpy(ch[n].key, arg, kn);
	ch[n].key[kn] = '\0';
	if (!pve_valid_key(ch[n].key))
		px_errx(PX_EXIT_USAGE, "'%s' is not a config key (letters, "
		    "digits, '-' and '_')", ch[n].key);
	ch[n].revert = 0;
	ch[n++].value = eq + 1;
	return n;
}

/* Whether key holds a secret (cipassword, sshkeys, ...): the audit log's
 * rule (audit_redact), so that stderr shows no more than the log keeps. */
static int
secret_key(const char *key)
{
	char form[80], red[96];

	snprintf(form, sizeof(form), "%.64s=x", key);
	audit_redact(form, red, sizeof(red));
	return strcmp(form, red) != 0;
}

/* Print the change on stderr: "key: old -> new", a secret's values as
 * "(changed)". */
static void
show_diff(const struct change *ch, int n, const struct pve_kv *old, int nold,
    const struct pve_kv *pend, int npend, int dry)
{
	const char *would = dry ? "would set " : "";

	for (int i = 0; i < n; i++) {
		const char *was = pve_kv_get(old, nold, ch[i].key);
		const char *mark = "";
		char *a, *b;

		for (int k = 0; k < npend; k++)
			if (strcmp(pend[k].key, ch[i].key) == 0 &&
			    (pend[k].pending || pend[k].del))
				mark = " (pending: applies at the next "
				    "restart)";
		if (ch[i].revert) {
			if (dry)
				px_warn("would revert the pending change of %s",
				    ch[i].key);
			else
				px_warn("%s: pending change reverted",
				    ch[i].key);
			continue;
		}
		if (secret_key(ch[i].key)) {
			px_warn("%s%s: %s%s", would, ch[i].key, ch[i].value ?
			    "(changed)" : "(deleted)", mark);
			continue;
		}
		if (ch[i].value && was && strcmp(was, ch[i].value) == 0) {
			a = text_sanitize(px_xstrdup(was));
			px_warn("%s%s: %s (unchanged)", would, ch[i].key, a);
			free(a);
			continue;
		}
		a = text_sanitize(px_xstrdup(was ? was : "(unset)"));
		b = text_sanitize(px_xstrdup(ch[i].value ? ch[i].value :
		    "(deleted)"));
		px_warn("%s%s: %s -> %s%s", would, ch[i].key, a, b, mark);
		free(a);
		free(b);
	}
}

int
set_main(int argc, char **argv)
{
	static struct change ch[MAX_KEYS];
	struct px_getopt go;
	struct mutcli m;
	struct mut_row row = { 0 };
	struct px_err e = { 0 };
	struct pve_guest g;
	struct px_reply pr;
	struct pve_kv *kv = NULL, *pend = NULL;
	struct gate_req r;
	struct buf form = { 0 }, dels = { 0 }, keys = { 0 };
	struct buf revs = { 0 };
	const char *digest = NULL, *d;
	int c, vmid, n = 0, nkv = 0, npend = 0, rc;

	mutcli_init(&m, &px_cmd_set);
	px_getopt_init(&go, &px_cmd_set, argc, argv);
	while ((c = px_getopt(&go)) != -1) {
		if (mutcli_opt(&m, c, go.arg))
			continue;
		switch (c) {
		case O_DELETE:
		case O_REVERT:
			n = add_deletes(ch, n, go.arg, c == O_REVERT);
			break;
		case O_RAW:
			n = add_pair(ch, n, go.arg);
			break;
		case O_DIGEST:
			digest = go.arg;
			if (strspn(digest, "0123456789abcdefABCDEF") !=
			    strlen(digest) || strlen(digest) < 1 ||
			    strlen(digest) > 64)
				px_errx(PX_EXIT_USAGE, "--digest: a hex digest "
				    "as px config -c key,value shows it, not "
				    "'%s'", digest);
			break;
		default:
			px_usage(&px_cmd_set);
		}
	}
	argc -= go.ind;
	argv += go.ind;
	if (argc < 1 || (argc < 2 && n == 0))
		px_usage(&px_cmd_set);
	if ((vmid = pve_parse_vmid(argv[0])) < 0)
		px_errx(PX_EXIT_USAGE, "'%s' is not a VMID", argv[0]);
	for (int i = 1; i < argc; i++)
		n = add_pair(ch, n, argv[i]);
	for (int i = 0; i < n; i++) {
		if (strcmp(ch[i].key, "digest") == 0 ||
		    strcmp(ch[i].key, "delete") == 0 ||
		    strcmp(ch[i].key, "revert") == 0)
			px_errx(PX_EXIT_USAGE, "'%s' is not set this way: see "
			    "--%s", ch[i].key, ch[i].key);
		for (int k = 0; k < i; k++)
			if (strcmp(ch[k].key, ch[i].key) == 0)
				px_errx(PX_EXIT_USAGE, "key %s given twice",
				    ch[i].key);
	}

	mutcli_connect(&m);
	if (pve_guest_find(m.x.client, vmid, &g, &e) != 0)
		px_die(&e);
	if (pve_guest_config(m.x.client, &g, &kv, &nkv, &e) != 0)
		px_die(&e);
	if (digest == NULL && (d = pve_kv_get(kv, nkv, "digest")) != NULL)
		digest = d;
	for (int i = 0; i < n; i++) {
		buf_printf(&keys, "%s%s", i ? "," : "", ch[i].key);
		if (ch[i].value)
			form_add(&form, ch[i].key, ch[i].value);
		else if (ch[i].revert)
			buf_printf(&revs, "%s%s", revs.len ? "," : "",
			    ch[i].key);
		else
			buf_printf(&dels, "%s%s", dels.len ? "," : "",
			    ch[i].key);
	}
	gate_req_init(&r, "set", "guest", 1);
	guest_op_config(&r.t[0], &g, &form, dels.p, revs.p, digest, keys.p);
	gate_req_summarize(&r, "set");

	if (mutation_run(&m.g, &r, &m.o, &m.ui, &row, &e) != 0) {
		if (strstr(e.msg, "detected modified configuration"))
			px_hint(&e, "the config changed since it was read: "
			    "px config %d shows it now; run px set again",
			    vmid);
		px_report(&e);
		mutcli_print(&m, &row, 1);
		rc = px_exit_code(&e);
		goto out;
	}
	if (!m.g.dry_run) {
		/* Which keys PVE left pending; failing to read that only
		 * loses the marks. */
		struct buf pp = { 0 };
		struct px_err pe;

		pve_guest_path(&pp, g.node, g.type, g.vmid);
		buf_adds(&pp, "/pending");
		if (pve_get(m.x.client, &pr, &pe, "%s", pp.p) == 0) {
			if (pve_pending_parse(&pr.j, pr.data, &pend, &npend,
			    &pe) != 0)
				npend = 0;
			px_reply_free(&pr);
		}
		buf_free(&pp);
	}
	show_diff(ch, n, kv, nkv, pend, npend, m.g.dry_run);
	rc = mutcli_print(&m, &row, 1);
out:
	gate_req_free(&r);
	pve_kv_free(kv, nkv);
	pve_kv_free(pend, npend);
	buf_free(&form);
	buf_free(&dels);
	buf_free(&revs);
	buf_free(&keys);
	mutcli_free(&m);
	return rc;
}
