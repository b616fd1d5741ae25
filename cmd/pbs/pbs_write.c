/*
 * pbs_write.c -- px pbs's changes, each through the gate (mutcli.h):
 * verify and gc start a task and follow it; prune first shows PBS's own
 * dry run of what it removes; protect, unprotect, forget and notes
 * change one snapshot.  The pre-flight findings:
 *
 *   LastSnapshot      Severe: forget removes the group's last snapshot
 *   OnlyVerified      Severe: forget or prune removes every snapshot of
 *                     a group that verified ok
 *   Protected         Severe: forget of a protected snapshot (PBS
 *                     refuses it; unprotect first)
 *   PruneRemoves      Warning: how many snapshots prune removes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pbs_cmd.h"
#include "pve.h"

struct assess_arg {
	struct pbs_cmd *pc;
	const char *store;
	struct pbs_snapref ref;	/* forget: the snapshot */
	const char *type, *id;	/* prune: the group, or NULL: all */
	struct mut_row *row;
};

static void
store_path(struct buf *p, const char *store, const char *what)
{
	buf_adds(p, "/admin/datastore/");
	url_seg(p, store);
	buf_printf(p, "/%s", what);
}

/* The snapshots of store (one group when type is set) into *v. */
static int
snapshots_of(struct px_client *c, const char *store, const char *ns,
    const char *type, const char *id, struct pbs_snapshot **v, int *n,
    struct px_err *e)
{
	struct buf p = { 0 };
	struct px_reply r;
	int rc;

	store_path(&p, store, "snapshots");
	if (type != NULL) {
		buf_addc(&p, '?');
		form_add(&p, "backup-type", type);
		form_add(&p, "backup-id", id);
	}
	if (ns && *ns) {
		buf_addc(&p, type ? '&' : '?');
		form_add(&p, "ns", ns);
	}
	rc = pve_get(c, &r, e, "%s", p.p);
	buf_free(&p);
	if (rc != 0)
		return -1;
	rc = pbs_snapshots_parse(&r.j, r.data, v, n, e);
	px_reply_free(&r);
	return rc;
}

static int
assess_forget(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	struct assess_arg *a = arg;
	struct pbs_snapshot *v;
	int n, me = -1, verified = 0;
	char name[200];

	(void)r;
	if (snapshots_of(c, a->store, a->pc->ns, a->ref.type, a->ref.id, &v,
	    &n, e) != 0)
		return -1;
	pbs_snapref_format(&a->ref, name, sizeof(name));
	for (int i = 0; i < n; i++) {
		if (v[i].time == a->ref.time)
			me = i;
		verified += strcmp(v[i].verify, "ok") == 0;
	}
	if (me < 0) {
		free(v);
		px_fail(e, PXE_NOT_FOUND, "no snapshot %s in datastore %s",
		    name, a->store);
		px_hint(e, "px pbs ls snapshots --store %s lists them",
		    a->store);
		return -1;
	}
	if (n == 1)
		risk_add(rep, "LastSnapshot", RISK_SEVERE, "%s is the last "
		    "snapshot of group %s/%s", name, a->ref.type, a->ref.id);
	if (verified == 1 && strcmp(v[me].verify, "ok") == 0 && n > 1)
		risk_add(rep, "OnlyVerified", RISK_SEVERE, "%s is the only "
		    "verified snapshot of group %s/%s", name, a->ref.type,
		    a->ref.id);
	if (v[me].protected_)
		risk_add(rep, "Protected", RISK_SEVERE, "%s is protected: "
		    "PBS refuses to forget it (px pbs unprotect first)", name);
	free(v);
	return 0;
}

/* PBS's dry run of each group prune touches: the preview, the risks. */
static int
assess_prune(struct px_client *c, const struct gate_req *r, void *arg,
    struct risk_report *rep, struct px_err *e)
{
	struct assess_arg *a = arg;
	struct pbs_cmd *pc = a->pc;
	struct pbs_snapshot *v;
	int n, removed = 0;

	(void)r;
	if (snapshots_of(c, a->store, pc->ns, a->type, a->id, &v, &n, e) != 0)
		return -1;
	for (int lo = 0, hi; lo < n; lo = hi) {
		struct pbs_prune *p;
		int np, verified = 0, vremoved = 0;

		for (hi = lo; hi < n && !strcmp(v[hi].type, v[lo].type) &&
		    !strcmp(v[hi].id, v[lo].id); hi++)
			;
		if (pbs_prune_preview(c, a->store, pc->ns, v[lo].type,
		    v[lo].id, pc->keep, &p, &np, e) != 0) {
			free(v);
			return -1;
		}
		for (int i = 0; i < np; i++) {
			struct pbs_snapref ref;
			char name[200];
			int ok = 0;

			for (int k = lo; k < hi; k++)
				if (v[k].time == p[i].time &&
				    !strcmp(v[k].verify, "ok"))
					ok = 1;
			verified += ok;
			if (p[i].keep)
				continue;
			vremoved += ok;
			removed++;
			snprintf(ref.type, sizeof(ref.type), "%s", p[i].type);
			snprintf(ref.id, sizeof(ref.id), "%s", p[i].id);
			ref.time = p[i].time;
			pbs_snapref_format(&ref, name, sizeof(name));
			if (pc->m.g.dry_run)
				printf("would remove: %s/%s\n", a->store, name);
			else
				px_warn("prune removes %s/%s", a->store, name);
		}
		if (verified > 0 && vremoved == verified)
			risk_add(rep, "OnlyVerified", RISK_SEVERE, "prune "
			    "removes every verified snapshot of group %s/%s "
			    "(%d)", v[lo].type, v[lo].id, verified);
		free(p);
	}
	free(v);
	if (removed > 0)
		risk_add(rep, "PruneRemoves", RISK_WARNING, "prune removes %d "
		    "snapshots of datastore %s", removed, a->store);
	snprintf(a->row->message, sizeof(a->row->message), "%d snapshots "
	    "removed%s", removed, pc->m.g.dry_run ? " (dry run)" : "");
	if (removed == 0)
		fflush(stdout);
	return 0;
}

/* Start a change of one request; returns the exit status. */
static int
run_one(struct pbs_cmd *pc, const char *action, int destructive,
    const char *id, const char *summary, const char *method,
    const struct buf *path, const struct buf *form, gate_assess_fn assess,
    struct assess_arg *a, const char *rowname)
{
	struct gate_req r;
	struct mut_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	snprintf(row.name, sizeof(row.name), "%s", rowname);
	if (a)
		a->row = &row;
	gate_req_init(&r, action, "pbs", 1);
	r.destructive = destructive;
	snprintf(r.id, sizeof(r.id), "%.95s", id);
	snprintf(r.summary, sizeof(r.summary), "%s", summary);
	snprintf(r.t[0].id, sizeof(r.t[0].id), "%.95s", id);
	snprintf(r.t[0].summary, sizeof(r.t[0].summary), "%s", summary);
	r.t[0].call.method = method;
	buf_adds(&r.t[0].call.path, path->p);
	if (form->len)
		buf_adds(&r.t[0].call.form, form->p);
	r.assess = assess;
	r.assess_arg = a;
	rc = mutcli_run_rows(&pc->m, &r, &row);
	gate_req_free(&r);
	return rc;
}

/* Print notes, line by line, each without control characters. */
static void
print_notes(char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		printf("%s\n", text_sanitize(line));
}

static void
group_arg(const char *g, char *type, size_t tn, char *id, size_t in)
{
	const char *sl = strchr(g, '/');

	if (sl == NULL || (size_t)(sl - g) >= tn || strlen(sl + 1) >= in)
		goto bad;
	memcpy(type, g, (size_t)(sl - g));
	type[sl - g] = '\0';
	snprintf(id, in, "%s", sl + 1);
	if ((strcmp(type, "vm") && strcmp(type, "ct") && strcmp(type,
	    "host")) || !pbs_valid_id(id))
		goto bad;
	return;
bad:
	px_errx(PX_EXIT_USAGE, "--group: '%s' is not a group (TYPE/ID: "
	    "vm/100)", g);
}

int
pbs_write(struct pbs_cmd *pc, int argc, char **argv)
{
	const char *verb = argv[0], *store;
	struct buf path = { 0 }, form = { 0 };
	struct assess_arg a;
	char id[96], summary[512], name[200], gtype[8], gid[128];
	int rc, snap = 0;

	if (argc < 2)
		return -1;
	store = argv[1];
	if (strcmp(verb, "protect") == 0 || strcmp(verb, "unprotect") == 0 ||
	    strcmp(verb, "forget") == 0 || strcmp(verb, "notes") == 0) {
		if (argc != 3)
			return -1;
		snap = 1;
	} else if (strcmp(verb, "verify") == 0) {
		if (argc > 3)
			return -1;
		snap = argc == 3;
	} else if (strcmp(verb, "prune") == 0 || strcmp(verb, "gc") == 0) {
		if (argc != 2)
			return -1;
	} else {
		return -1;
	}
	if (!pbs_valid_store(store))
		px_errx(PX_EXIT_USAGE, "'%s' is not a datastore name", store);
	if (pc->nkeep && strcmp(verb, "prune") != 0)
		px_errx(PX_EXIT_USAGE, "--keep-* are for prune");
	if (pc->set && strcmp(verb, "notes") != 0)
		px_errx(PX_EXIT_USAGE, "--set is for notes");
	if (pc->group && strcmp(verb, "prune") && strcmp(verb, "verify"))
		px_errx(PX_EXIT_USAGE, "--group is for verify and prune");
	if (pc->group && snap)
		px_errx(PX_EXIT_USAGE, "verify: a snapshot or --group, not "
		    "both");
	memset(&a, 0, sizeof(a));
	a.pc = pc;
	a.store = store;
	if (snap) {
		pbs_snap_arg(argv[2], &a.ref);
		pbs_snapref_format(&a.ref, name, sizeof(name));
		snprintf(id, sizeof(id), "pbs/%s/%.60s", store, name);
	} else {
		snprintf(id, sizeof(id), "pbs/%s", store);
		snprintf(name, sizeof(name), "%s", store);
	}
	if (pc->group) {
		group_arg(pc->group, gtype, sizeof(gtype), gid, sizeof(gid));
		a.type = gtype;
		a.id = gid;
	}
	if (strcmp(verb, "notes") == 0 && pc->set == NULL) {
		struct px_reply r;
		char *text;

		store_path(&path, store, "notes");
		pbs_snap_query(&path, &a.ref, pc->ns);
		pbs_get(pc, &r, "%s", path.p);
		text = json_strdup(&r.j, r.data);
		if (text == NULL && !json_is_null(&r.j, r.data))
			px_errx(PX_EXIT_FAIL, "GET %s: the notes are not "
			    "text", path.p);
		if (text) {
			print_notes(text);
			free(text);
		}
		px_reply_free(&r);
		buf_free(&path);
		return 0;
	}
	pbs_connect(pc);
	mutcli_connect(&pc->m);
	if (strcmp(verb, "verify") == 0) {
		store_path(&path, store, "verify");
		if (snap)
			pbs_snapref_form(&form, &a.ref, pc->ns);
		else if (a.type) {
			form_add(&form, "backup-type", a.type);
			form_add(&form, "backup-id", a.id);
		}
		if (!snap && pc->ns && *pc->ns)
			form_add(&form, "ns", pc->ns);
		snprintf(summary, sizeof(summary), "verify %s%s%s%s",
		    snap ? name : store, a.type ? " group " : "",
		    a.type ? pc->group : "", snap ? " in " : "");
		if (snap)
			snprintf(summary + strlen(summary), sizeof(summary) -
			    strlen(summary), "%s", store);
		rc = run_one(pc, "verify", 0, id, summary, "POST", &path,
		    &form, NULL, NULL, name);
	} else if (strcmp(verb, "gc") == 0) {
		store_path(&path, store, "gc");
		snprintf(summary, sizeof(summary), "garbage collection of "
		    "datastore %s", store);
		rc = run_one(pc, "gc", 0, id, summary, "POST", &path, &form,
		    NULL, NULL, name);
	} else if (strcmp(verb, "prune") == 0) {
		if (pc->nkeep == 0)
			px_errx(PX_EXIT_USAGE, "prune: give at least one "
			    "--keep-* option");
		for (int i = 0; i < 6; i++)
			if (pc->keep[i] > 0)
				form_addf(&form, pbs_keep_names[i], "%lld",
				    pc->keep[i]);
		if (pc->ns && *pc->ns)
			form_add(&form, "ns", pc->ns);
		if (a.type) {
			store_path(&path, store, "prune");
			form_add(&form, "backup-type", a.type);
			form_add(&form, "backup-id", a.id);
			snprintf(summary, sizeof(summary), "prune group %s of "
			    "datastore %s", pc->group, store);
		} else {
			store_path(&path, store, "prune-datastore");
			snprintf(summary, sizeof(summary), "prune datastore "
			    "%s", store);
		}
		rc = run_one(pc, "prune", 1, id, summary, "POST", &path,
		    &form, assess_prune, &a, a.type ? pc->group : store);
	} else if (strcmp(verb, "forget") == 0) {
		store_path(&path, store, "snapshots");
		pbs_snapref_form(&form, &a.ref, pc->ns);
		snprintf(summary, sizeof(summary), "forget snapshot %s of "
		    "datastore %s", name, store);
		rc = run_one(pc, "forget", 1, id, summary, "DELETE", &path,
		    &form, assess_forget, &a, name);
	} else if (strcmp(verb, "notes") == 0) {
		store_path(&path, store, "notes");
		pbs_snapref_form(&form, &a.ref, pc->ns);
		form_add(&form, "notes", pc->set);
		snprintf(summary, sizeof(summary), "set the notes of %s in "
		    "datastore %s", name, store);
		rc = run_one(pc, "notes", 0, id, summary, "PUT", &path, &form,
		    NULL, NULL, name);
	} else {
		int on = verb[0] == 'p';

		store_path(&path, store, "protected");
		pbs_snapref_form(&form, &a.ref, pc->ns);
		form_add(&form, "protected", on ? "1" : "0");
		snprintf(summary, sizeof(summary), "%s snapshot %s of "
		    "datastore %s", verb, name, store);
		rc = run_one(pc, verb, 0, id, summary, "PUT", &path, &form,
		    NULL, NULL, name);
	}
	buf_free(&path);
	buf_free(&form);
	return rc;
}
