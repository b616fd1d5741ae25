/* statecli.c -- export, diff and apply a state file from the command
 * line (statecli.h): px state and px reconcile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "statecli.h"

void
statecli_families(struct st_cli *s, const char *arg)
{
	char *copy = px_xstrdup(arg), *p, *save = NULL;

	for (p = strtok_r(copy, ", ", &save); p; p = strtok_r(NULL, ", ",
	    &save)) {
		if (!st_family_known(p))
			px_errx(PX_EXIT_USAGE, "--family %s: no such family "
			    "(pools, acl, users, groups, roles, storage, "
			    "mappings, backup-jobs, replication, ha-groups, "
			    "ha-resources, ha-rules, firewall-cluster, "
			    "notifications, cluster-options, sdn, all)", p);
		if (s->nfam == 32)
			px_errx(PX_EXIT_USAGE, "--family: too many");
		s->families[s->nfam++] = px_xstrdup(p);
	}
	free(copy);
}

/* The families a file covers: its [meta] families, else those of its
 * sections; --family narrows. */
static int
file_families(struct st_cli *s, const struct st_state *want,
    const char **fam)
{
	int n = 0, nk;
	const struct st_kind *k = st_kinds(&nk);

	if (s->nfam > 0) {
		for (int i = 0; i < s->nfam; i++)
			fam[n++] = s->families[i];
		return n;
	}
	for (int i = 0; i < nk; i++) {
		int covered = 0;

		if (want->families[0]) {
			char copy[256], *p, *save = NULL;

			snprintf(copy, sizeof(copy), "%s", want->families);
			for (p = strtok_r(copy, ", ", &save); p && !covered;
			    p = strtok_r(NULL, ", ", &save))
				covered = strcmp(p, "all") == 0 ||
				    strcmp(p, k[i].family) == 0;
		}
		for (int q = 0; q < want->n && !covered; q++)
			covered = want->s[q].kind == &k[i];
		for (int f = 0; f < n && covered; f++)
			if (strcmp(fam[f], k[i].family) == 0)
				covered = 0;	/* listed already */
		if (covered)
			fam[n++] = k[i].family;
	}
	return n;
}

static void
meta(struct st_cli *s, struct st_state *st, const char *const *fam, int nfam)
{
	struct pve_version v;
	struct px_err e = { 0 };

	snprintf(st->profile, sizeof(st->profile), "%s", s->m.x.p->name);
	if (pve_version_get(s->m.x.client, &v, &e) == 0)
		snprintf(st->pve, sizeof(st->pve), "%s", v.release);
	st->families[0] = '\0';
	for (int i = 0; i < nfam; i++)
		snprintf(st->families + strlen(st->families),
		    sizeof(st->families) - strlen(st->families), "%s%s",
		    i ? "," : "", fam[i]);
	if (s->stamp) {
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(st->stamp, sizeof(st->stamp), "%Y-%m-%dT%H:%M:%SZ",
		    &tm);
	}
}

int
statecli_export(struct st_cli *s)
{
	struct st_state st = { 0 };
	struct px_err e = { 0 };
	struct buf b = { 0 };
	const char *fam[32];
	int nfam = 0, nk, rc = 0;
	const struct st_kind *k = st_kinds(&nk);

	mutcli_connect(&s->m);
	if (s->nfam == 0 || (s->nfam == 1 && strcmp(s->families[0], "all") ==
	    0)) {
		for (int i = 0; i < nk; i++) {
			int dup = 0;

			for (int f = 0; f < nfam; f++)
				dup |= strcmp(fam[f], k[i].family) == 0;
			if (!dup)
				fam[nfam++] = k[i].family;
		}
	} else {
		for (int i = 0; i < s->nfam; i++)
			fam[nfam++] = s->families[i];
	}
	if (st_export(s->m.x.client, fam, nfam, &st, &e) != 0)
		px_die(&e);
	meta(s, &st, fam, nfam);
	st_format(&st, &b);
	if (s->out) {
		char tmp[4096];
		int fd;

		snprintf(tmp, sizeof(tmp), "%s.tmp%ld", s->out, (long)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len ||
		    fsync(fd) != 0 || close(fd) != 0 ||
		    rename(tmp, s->out) != 0) {
			int err = errno;

			unlink(tmp);
			px_errx(PX_EXIT_FAIL, "%s: %s", s->out, strerror(err));
		}
	} else if (fwrite(b.p, 1, b.len, stdout) != b.len ||
	    fflush(stdout) != 0) {
		rc = PX_EXIT_FAIL;
	}
	buf_free(&b);
	st_free(&st);
	return rc;
}

/* Read the file and the cluster's state of its families, and their
 * difference (deletes dropped without --prune when apply). */
static int
plan(struct st_cli *s, const char *file, struct st_state *want,
    struct st_state *have, struct st_change **ch, int keep_deletes)
{
	struct px_err e = { 0 };
	const char *fam[32];
	int nfam, n, k = 0;

	if (st_read(want, file, &e) != 0)
		px_die(&e);
	mutcli_connect(&s->m);
	nfam = file_families(s, want, fam);
	if (s->nfam > 0) {
		/* --family: the file's other sections are left out */
		int j = 0;

		for (int i = 0; i < want->n; i++) {
			struct st_sec *x = &want->s[i];
			int in = 0;

			for (int f = 0; f < nfam; f++)
				in |= strcmp(fam[f], "all") == 0 ||
				    strcmp(fam[f], x->kind->family) == 0;
			if (in) {
				want->s[j++] = *x;
				continue;
			}
			for (int q = 0; q < x->nkv; q++) {
				free(x->kv[q].key);
				free(x->kv[q].value);
			}
			free(x->kv);
			free(x->id);
		}
		want->n = j;
	}
	if (st_check(s->m.x.client, want, file, &e) != 0)
		px_die(&e);
	if (st_export(s->m.x.client, fam, nfam, have, &e) != 0)
		px_die(&e);
	st_sort(want);
	n = st_diff(want, have, fam, nfam, ch);
	for (int i = 0; i < n; i++)
		if (keep_deletes || (*ch)[i].op != ST_DELETE)
			(*ch)[k++] = (*ch)[i];
	return k;
}

static const char *
op_name(enum st_op op)
{
	return op == ST_CREATE ? "create" : op == ST_UPDATE ? "update" :
	    "delete";
}

/* The keys of a change, old and new, into w (JSON) or b (text). */
static void
show_change(const struct st_change *c, struct jw *w, struct buf *b)
{
	const struct st_sec *x = c->have, *y = c->want;
	const struct st_sec *s = y ? y : x;

	if (w) {
		jw_obj(w);
		jw_kstr(w, "op", op_name(c->op));
		jw_kstr(w, "kind", s->kind->name);
		jw_kstr(w, "id", s->id);
		jw_key(w, "changes");
		jw_arr(w);
	} else {
		char name[600];

		buf_printf(b, "%s [%s]\n", c->op == ST_CREATE ? "+" :
		    c->op == ST_DELETE ? "-" : "~", st_name(s, name,
		    sizeof(name)));
	}
	/* old values not in the new, then new values not in the old */
	for (int pass = 0; pass < 2; pass++) {
		const struct st_sec *a = pass ? y : x, *o = pass ? x : y;

		for (int i = 0; a && i < a->nkv; i++) {
			int same = 0, nth = 0, seen = 0;
			int ordered = st_kind_is_ordered(s->kind,
			    a->kv[i].key);

			/* an ordered list (rules) compares by position */
			for (int k = 0; ordered && k < i; k++)
				nth += strcmp(a->kv[k].key, a->kv[i].key) == 0;
			for (int k = 0; o && k < o->nkv && !same; k++) {
				if (strcmp(o->kv[k].key, a->kv[i].key) != 0)
					continue;
				if (ordered && seen++ != nth)
					continue;
				same = strcmp(o->kv[k].value,
				    a->kv[i].value) == 0;
			}
			if (same)
				continue;
			if (w) {
				jw_obj(w);
				jw_kstr(w, "key", a->kv[i].key);
				jw_kstr(w, pass ? "new" : "old",
				    a->kv[i].value);
				jw_end(w);
			} else {
				buf_printf(b, "    %c %s = %s\n", pass ? '+' :
				    '-', a->kv[i].key, a->kv[i].value);
			}
		}
	}
	if (w) {
		jw_end(w);
		jw_end(w);
	}
}

int
statecli_diff(struct st_cli *s, const char *file)
{
	struct st_state want = { 0 }, have = { 0 };
	struct st_change *ch = NULL;
	struct buf b = { 0 };
	struct jw w;
	int n, json = s->m.x.out.fmt == OUT_JSON || s->m.x.out.fmt ==
	    OUT_JSONL;

	n = plan(s, file, &want, &have, &ch, 1);
	if (json) {
		jw_init(&w, &b);
		jw_arr(&w);
	}
	for (int i = 0; i < n; i++)
		show_change(&ch[i], json ? &w : NULL, &b);
	if (json) {
		jw_end(&w);
		buf_addc(&b, '\n');
	}
	/* the text is the server's too: sanitized like every table */
	if (!json)
		for (size_t i = 0; i < b.len; i++)
			if ((unsigned char)b.p[i] < 0x20 && b.p[i] != '\n')
				b.p[i] = '?';
	if (b.len > 0)
		fwrite(b.p, 1, b.len, stdout);
	fflush(stdout);
	buf_free(&b);
	free(ch);
	st_free(&want);
	st_free(&have);
	if (n > 0 && !json)
		px_warn("%d difference%s: the cluster differs from %s", n,
		    n == 1 ? "" : "s", file);
	return n > 0 ? PX_EXIT_USAGE : 0;
}

/* What the pre-flight check of an apply judges. */
struct apply_size {
	int changes;	/* objects created, updated, deleted */
	int deletes;	/* objects deleted (--prune) */
	int root;	/* root@pam among them */
	const struct st_change *ch;	/* the changes, for their objects'
					   own checks */
	struct st_self self;
};

/* The size of an apply: StateChanges (warning at 10, severe at 50), and
 * the objects --prune deletes (root@pam severe). */
static int
assess(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const struct apply_size *z = arg;

	if (z->changes >= 50)
		risk_add(rep, "StateChanges", RISK_SEVERE, "%d changes in one "
		    "apply", z->changes);
	else if (z->changes >= 10)
		risk_add(rep, "StateChanges", RISK_WARNING, "%d changes in one "
		    "apply", z->changes);
	/* a file that leaves root@pam out must not lock the cluster's last
	 * way in */
	if (z->root)
		risk_add(rep, "PruneRoot", RISK_SEVERE, "--prune would delete "
		    "root@pam, which the file leaves out");
	if (z->deletes > 0)
		risk_add(rep, "StateDeletes", RISK_WARNING, "--prune deletes %d "
		    "object%s the file does not have", z->deletes,
		    z->deletes == 1 ? "" : "s");
	/* and what each object's own command would find */
	return st_assess(c, r, z->ch, z->changes, &z->self, rep, e);
}

/* The configuration file behind a kind's digest: PVE's digest is of the
 * whole file (storage.cfg, cluster.fw ...), so only the first change to
 * each file can send the digest px read; the next would be refused as a
 * change made meanwhile -- by this apply. */
static const char *
digest_file(const struct st_kind *k)
{
	static const char *const files[][2] = {
		{ "firewall ", "cluster.fw" },
		{ "notification ", "notifications.cfg" },
		{ "ha ", "ha" },
		{ "mapping ", "mapping" },
		{ "sdn ", "sdn" },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strncmp(k->name, files[i][0], strlen(files[i][0])) == 0)
			return files[i][1];
	return k->name;
}

/* Remove key=... from a form. */
static void
form_drop(struct buf *form, const char *key)
{
	size_t kl = strlen(key), i = 0;

	while (i < form->len) {
		size_t end = i;

		while (end < form->len && form->p[end] != '&')
			end++;
		if (end - i > kl && strncmp(form->p + i, key, kl) == 0 &&
		    form->p[i + kl] == '=') {
			size_t from = end < form->len ? end + 1 : end;

			if (from == form->len && i > 0)
				i--;	/* the '&' before the last */
			memmove(form->p + i, form->p + from, form->len - from);
			form->len -= from - i;
			form->p[form->len] = '\0';
			continue;
		}
		i = end + 1;
	}
}

/*
 * --interactive: y/N for each delete, and for every change when the
 * apply is severe (50 or more changes); a declined change's requests
 * are refused (audited), not sent.  Having asked, the human has
 * confirmed the rest, and overridden the size.
 */
static void
ask_each(struct st_cli *s, struct gate_req *r, const struct st_change *ch,
    int n, const int *owner, int nt)
{
	int severe = n >= 50, asked = 0;

	for (int i = 0; i < n; i++) {
		const struct st_sec *sec = ch[i].want ? ch[i].want : ch[i].have;
		struct px_err e = { 0 };
		char line[16];
		int yes;

		if (!severe && ch[i].op != ST_DELETE)
			continue;
		asked++;
		char name[600];

		fprintf(stderr, "%s: %s [%s]? [y/N] ", px_progname,
		    op_name(ch[i].op), st_name(sec, name, sizeof(name)));
		fflush(stderr);
		yes = fgets(line, sizeof(line), stdin) != NULL &&
		    (line[0] == 'y' || line[0] == 'Y');
		if (yes)
			continue;
		px_fail(&e, PXE_USAGE, "%s [%s]: declined", op_name(ch[i].op),
		    name);
		for (int t = 0; t < nt; t++)
			if (owner[t] == i)
				gate_refuse_target(&s->m.g, r, t,
				    "refused-declined", &e);
	}
	if (asked > 0) {
		s->m.g.yes = 1;
		if (severe)
			s->m.g.allow_risk = 1;
	}
}

int
statecli_apply(struct st_cli *s, const char *file)
{
	struct st_state want = { 0 }, have = { 0 };
	struct st_change *ch = NULL;
	struct px_err e = { 0 };
	struct gate_target *t;
	struct gate_req r;
	struct mut_row *rows;
	struct apply_size size = { 0 };
	int n, nt = 0, rc, *owner;

	n = plan(s, file, &want, &have, &ch, s->prune);
	if (n == 0) {
		fprintf(stderr, "%s: the cluster matches %s: nothing to do\n",
		    px_progname, file);
		st_free(&want);
		st_free(&have);
		free(ch);
		return 0;
	}
	/* a change is a few requests; a ruleset or an IP set's members
	 * up to ST_MAX_REQUESTS */
	{
		struct gate_target *one = px_xcalloc(ST_MAX_REQUESTS,
		    sizeof(*one));
		size_t cap = (size_t)n + 16;

		t = px_xcalloc(cap, sizeof(*t));
		owner = px_xcalloc(cap, sizeof(*owner));
		for (int i = 0; i < n; i++) {
			int k = st_requests(&ch[i], one, ST_MAX_REQUESTS, &e);

			if (k < 0)
				px_die(&e);
			if ((size_t)(nt + k) > cap) {
				cap = (size_t)(nt + k) * 2;
				t = px_xrealloc(t, cap * sizeof(*t));
				owner = px_xrealloc(owner, cap *
				    sizeof(*owner));
			}
			for (int q = 0; q < k; q++) {
				t[nt] = one[q];	/* its buffers move */
				memset(&one[q], 0, sizeof(one[q]));
				owner[nt++] = i;
			}
		}
		free(one);
	}
	/* a digest only on the first change of each configuration file */
	for (int i = 0; i < nt; i++) {
		const struct st_change *c = &ch[owner[i]];
		const char *f = digest_file((c->want ? c->want :
		    c->have)->kind);

		for (int q = 0; q < i; q++) {
			const struct st_change *p = &ch[owner[q]];

			if (strcmp(digest_file((p->want ? p->want :
			    p->have)->kind), f) == 0) {
				form_drop(&t[i].call.form, "digest");
				break;
			}
		}
	}
	for (int i = 0; i < n; i++)
		if (ch[i].op == ST_DELETE) {
			size.deletes++;
			if (strcmp(ch[i].have->kind->name, "user") == 0 &&
			    strcmp(ch[i].have->id, "root@pam") == 0)
				size.root = 1;
		}
	size.changes = n;
	size.ch = ch;
	size.self.user = s->m.g.p->user;
	size.self.token = s->m.g.p->auth == PX_AUTH_TOKEN ?
	    s->m.g.p->token_id : NULL;
	gate_req_init(&r, "apply", "state", nt);
	for (int i = 0; i < nt; i++)
		r.t[i] = t[i];	/* the buffers move to r */
	free(t);
	snprintf(r.summary, sizeof(r.summary), "apply %.300s: %d change%s "
	    "(%d request%s)", file, n, n == 1 ? "" : "s", nt, nt == 1 ? "" :
	    "s");
	snprintf(r.id, sizeof(r.id), "state/%.80s", want.profile[0] ?
	    want.profile : s->m.x.p->name);
	r.destructive = 1;
	r.assess = assess;
	r.assess_arg = &size;
	r.own_size = 1;
	/* stop at the first refusal, the rest unsent; or go on */
	if (!s->cont) {
		s->m.o.policy = MUTATION_ROLLING;
		s->m.o.step = 1;
	}
	rows = px_xcalloc((size_t)nt, sizeof(*rows));
	for (int i = 0; i < nt; i++) {
		const struct st_change *c = &ch[owner[i]];
		const struct st_sec *sec = c->want ? c->want : c->have;

		/* the section's name: "pool web", "acl / group:ops PVEAuditor" */
		st_name(sec, rows[i].name, sizeof(rows[i].name));
		snprintf(rows[i].message, sizeof(rows[i].message), "%s",
		    r.t[i].summary);
	}
	if (s->interactive && !s->m.g.dry_run)
		ask_each(s, &r, ch, n, owner, nt);
	rc = mutcli_run_rows(&s->m, &r, rows);
	/* PVE keeps SDN changes pending: px state does not apply them
	 * (a reload of every node's network is a change of its own) */
	{
		int sdn = 0, sent = 0;

		for (int i = 0; i < n; i++) {
			const struct st_sec *sec = ch[i].want ? ch[i].want :
			    ch[i].have;

			sdn += strcmp(sec->kind->family, "sdn") == 0;
		}
		for (int i = 0; i < nt; i++)
			sent += strcmp(ch[owner[i]].want ?
			    ch[owner[i]].want->kind->family :
			    ch[owner[i]].have->kind->family, "sdn") == 0 &&
			    strcmp(rows[i].result, "ok") == 0;
		if (sdn && s->m.g.dry_run)
			fprintf(stderr, "%s: the %d SDN change%s would stay "
			    "pending until px sdn apply\n", px_progname, sdn,
			    sdn == 1 ? "" : "s");
		else if (sent)
			fprintf(stderr, "%s: %d SDN request%s %s pending: px "
			    "sdn pending shows, px sdn apply applies\n",
			    px_progname, sent, sent == 1 ? "" : "s",
			    sent == 1 ? "is" : "are");
	}
	free(rows);
	free(owner);
	gate_req_free(&r);
	free(ch);
	st_free(&want);
	st_free(&have);
	return rc;
}

