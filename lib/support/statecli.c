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
			    "backup-jobs, replication, ha-resources, sdn, all)",
			    p);
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
			int dup = s->nfam == 0 &&
			    st_family_opt_in(k[i].family);

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
		buf_printf(b, "%s [%s %s]\n", c->op == ST_CREATE ? "+" :
		    c->op == ST_DELETE ? "-" : "~", s->kind->name, s->id);
	}
	/* old values not in the new, then new values not in the old */
	for (int pass = 0; pass < 2; pass++) {
		const struct st_sec *a = pass ? y : x, *o = pass ? x : y;

		for (int i = 0; a && i < a->nkv; i++) {
			int same = 0;

			for (int k = 0; o && k < o->nkv && !same; k++)
				same = strcmp(o->kv[k].key, a->kv[i].key) ==
				    0 && strcmp(o->kv[k].value,
				    a->kv[i].value) == 0;
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

/* The size of an apply: StateChanges (warning at 10, severe at 50), and
 * each delete named. */
static int
assess(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	const int *nchanges = arg;
	int dels = 0;

	(void)c;
	(void)e;
	if (*nchanges >= 50)
		risk_add(rep, "StateChanges", RISK_SEVERE, "%d changes in one "
		    "apply", *nchanges);
	else if (*nchanges >= 10)
		risk_add(rep, "StateChanges", RISK_WARNING, "%d changes in one "
		    "apply", *nchanges);
	for (int i = 0; i < r->n; i++)
		if (r->t[i].call.method && strcmp(r->t[i].call.method,
		    "DELETE") == 0) {
			dels++;
			/* a file that leaves root@pam out must not lock
			 * the cluster's last way in */
			if (strcmp(r->t[i].id, "user/root@pam") == 0)
				risk_add(rep, "PruneRoot", RISK_SEVERE,
				    "--prune would delete root@pam, which the "
				    "file leaves out");
		}
	if (dels > 0)
		risk_add(rep, "StateDeletes", RISK_WARNING, "--prune deletes %d "
		    "object%s the file does not have", dels, dels == 1 ? "" :
		    "s");
	return 0;
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
		fprintf(stderr, "%s: %s [%s %s]? [y/N] ", px_progname,
		    op_name(ch[i].op), sec->kind->name, sec->id);
		fflush(stderr);
		yes = fgets(line, sizeof(line), stdin) != NULL &&
		    (line[0] == 'y' || line[0] == 'Y');
		if (yes)
			continue;
		px_fail(&e, PXE_USAGE, "%s [%s %s]: declined", op_name(ch[i].op),
		    sec->kind->name, sec->id);
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
	t = px_xcalloc((size_t)n * 4, sizeof(*t));
	owner = px_xcalloc((size_t)n * 4, sizeof(*owner));
	for (int i = 0; i < n; i++) {
		int k = st_requests(&ch[i], &t[nt], 4, &e);

		if (k < 0)
			px_die(&e);
		while (k-- > 0)
			owner[nt++] = i;
	}
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
	r.assess_arg = &n;
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
		snprintf(rows[i].name, sizeof(rows[i].name), "%s %s",
		    sec->kind->name, sec->id);
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

