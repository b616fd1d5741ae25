/*
 * top_iso.c -- pxtop's ISO library (I): the ISO images and container
 * templates of every storage that holds them (a shared storage asked
 * once, a local one per node), their delete queued through the gate
 * like any operation; and C, an SSH session to a guest.  Part of the
 * reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "pve_files.h"
#include "top_impl.h"
#include "top_past.h"

int
top_holds_iso(const struct pve_storage *st)
{
	return strcmp(st->status, "available") == 0 &&
	    (pve_content_has(st->content, "iso") ||
	    pve_content_has(st->content, "vztmpl"));
}

const struct pve_volume *
top_iso_cur(const struct top_state *s)
{
	int c = s->cur[TOP_ISO];

	return s->iso && c >= 0 && c < s->niso ? &s->iso[c] : NULL;
}

void
top_fetch_iso(struct top_state *s, struct top_effects *fx)
{
	static const char *const kinds[] = { "iso", "vztmpl" };

	if (s->iso_pending > 0)
		return;		/* the last round is still on its way */
	free(s->iso);
	s->iso = NULL;
	s->niso = 0;
	s->iso_failed = 0;
	s->cur[TOP_ISO] = s->top[TOP_ISO] = 0;
	/* pxtop's first storage list is still on its way: an empty
	 * library now would say there is nothing; read it when it comes */
	s->iso_wait = top_first_list_due(s, TOP_F_STORAGE, s->nstorages);
	if (s->iso_wait)
		return;
	for (int i = 0; i < s->nstorages; i++) {
		const struct pve_storage *st = &s->storages[i];
		int dup = 0;

		if (!top_holds_iso(st))
			continue;
		for (int k = 0; k < i && st->shared; k++)
			dup |= s->storages[k].shared && strcmp(s->storages[k]
			    .storage, st->storage) == 0 &&
			    top_holds_iso(&s->storages[k]);
		if (dup)
			continue;
		for (int k = 0; k < 2; k++) {
			struct top_effect *e;

			if (!pve_content_has(st->content, kinds[k]))
				continue;
			e = top_emit(fx, TE_ISO_LIST);
			snprintf(e->g.node, sizeof(e->g.node), "%s", st->node);
			snprintf(e->arg, sizeof(e->arg), "%s", st->storage);
			snprintf(e->action, sizeof(e->action), "%s", kinds[k]);
			s->iso_pending++;
		}
	}
}

static int
cmp_vol(const void *a, const void *b)
{
	const struct pve_volume *x = a, *y = b;
	int r = strcmp(x->content, y->content);

	if (r == 0)
		r = strcmp(x->volid, y->volid);
	if (r == 0)
		r = strcmp(x->node, y->node);
	return r;
}

void
top_iso_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	struct pve_volume *v = a->rows;
	const struct pve_volume *cur = top_iso_cur(s);
	char keep[256] = "", node[64] = "";
	int k = 0;

	(void)fx;
	if (s->iso_pending > 0)
		s->iso_pending--;
	if (a->type == TA_FETCH_FAILED) {
		s->iso_failed++;
		snprintf(s->fetch_err, sizeof(s->fetch_err), "%s", a->msg);
		return;
	}
	/* the row under a moved cursor is followed as rows come in; an
	 * unmoved one stays on the first row, whichever storage answered
	 * first (u and w send to the cursor's storage) */
	if (cur && s->cur[TOP_ISO] > 0) {
		snprintf(keep, sizeof(keep), "%s", cur->volid);
		snprintf(node, sizeof(node), "%s", cur->node);
	}
	s->iso = px_xrealloc(s->iso, (size_t)(s->niso + a->n + 1) *
	    sizeof(*s->iso));
	for (int i = 0; i < a->n; i++) {
		/* only what was asked for: a server may answer more */
		if (strcmp(v[i].content, "iso") != 0 &&
		    strcmp(v[i].content, "vztmpl") != 0)
			continue;
		s->iso[s->niso + k] = v[i];
		snprintf(s->iso[s->niso + k].node, sizeof(v[i].node), "%.63s",
		    a->upid);
		snprintf(s->iso[s->niso + k].storage, sizeof(v[i].storage),
		    "%s", a->store);
		k++;
	}
	s->niso += k;
	free(v);
	a->rows = NULL;
	qsort(s->iso, (size_t)s->niso, sizeof(*s->iso), cmp_vol);
	for (int i = 0; keep[0] && i < s->niso; i++)
		if (strcmp(s->iso[i].volid, keep) == 0 &&
		    strcmp(s->iso[i].node, node) == 0)
			s->cur[TOP_ISO] = i;
	top_clamp(s, TOP_ISO);
}

void
top_iso_delete(struct top_state *s, struct top_effects *fx)
{
	const struct pve_volume *v = top_iso_cur(s);
	struct top_op *o;
	struct top_effect *e;

	if (s->read_only) {
		snprintf(s->status, sizeof(s->status), "refused: profile %s "
		    "is read-only (read_only = yes): delete is not allowed",
		    s->profile);
		return;
	}
	if (v == NULL) {
		snprintf(s->status, sizeof(s->status), "no ISO image or "
		    "template under the cursor");
		return;
	}
	s->ops = px_xrealloc(s->ops, (size_t)(s->nops + 1) * sizeof(*s->ops));
	o = &s->ops[s->nops++];
	memset(o, 0, sizeof(*o));
	o->id = s->next_op++;
	snprintf(o->action, sizeof(o->action), "rmvolume");
	snprintf(o->volid, sizeof(o->volid), "%s", v->volid);
	snprintf(o->arg, sizeof(o->arg), "%s", v->storage);
	snprintf(o->g.node, sizeof(o->g.node), "%s", v->node);
	snprintf(o->g.name, sizeof(o->g.name), "%.127s", v->volid);
	o->st = TOP_OP_PREVIEW;
	o->pct = -1;
	e = top_emit(fx, TE_RISK);
	e->id = o->id;
	e->g = o->g;
	e->n = 1;
	snprintf(e->action, sizeof(e->action), "%s", o->action);
	snprintf(e->arg, sizeof(e->arg), "%s", o->arg);
	snprintf(e->upid, sizeof(e->upid), "%s", o->volid);
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = s->nops - 1;
	top_clamp(s, TOP_QUEUE);
	snprintf(s->status, sizeof(s->status), "delete of %.150s queued: "
	    "check the pre-flight preview, then y to confirm", o->volid);
}

void
top_ssh(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = top_selected_guest(s);

	if (g == NULL) {
		snprintf(s->status, sizeof(s->status), "no guest selected: "
		    "pick one in the guest view (3), then C");
		return;
	}
	top_emit(fx, TE_SSH)->g = *g;
}

/* ---- u and w: upload a local file, download from a URL ---- */

void
top_iso_ask(struct top_state *s, enum top_input in)
{
	const char *what = in == TOP_IN_UPLOAD ? "upload" : "download-url";

	if (top_past_refuse(s, what))
		return;
	if (s->read_only) {
		snprintf(s->status, sizeof(s->status), "refused: profile %s "
		    "is read-only (read_only = yes): %s is not allowed",
		    s->profile, what);
		return;
	}
	s->input = in;
	s->entry[0] = '\0';
}

/* Does node's storage name take content (available, listed)? */
static const struct pve_storage *
takes(const struct top_state *s, const char *node, const char *name,
    const char *content)
{
	for (int i = 0; i < s->nstorages; i++) {
		const struct pve_storage *st = &s->storages[i];

		if ((node == NULL || strcmp(st->node, node) == 0) &&
		    (name == NULL || strcmp(st->storage, name) == 0) &&
		    strcmp(st->status, "available") == 0 &&
		    pve_content_has(st->content, content))
			return st;
	}
	return NULL;
}

/* Where a file of content goes: the storage under the cursor when it
 * takes that content, else another of the cursor's node, else the first
 * that takes it.  NULL when none does. */
static const struct pve_storage *
iso_target(const struct top_state *s, const char *content, const char *want)
{
	const struct pve_volume *v = top_iso_cur(s);
	const struct pve_storage *st = NULL;

	if (want != NULL) {	/* @STORAGE: on the cursor's node first */
		if (v != NULL && (st = takes(s, v->node, want, content)))
			return st;
		return takes(s, NULL, want, content);
	}

	if (v != NULL && (st = takes(s, v->node, v->storage, content)) == NULL)
		st = takes(s, v->node, NULL, content);
	if (st == NULL)
		st = takes(s, NULL, NULL, content);
	return st;
}

void
top_iso_prompt_done(struct top_state *s, struct top_effects *fx)
{
	int up = s->input == TOP_IN_UPLOAD;
	char line[TOP_TEXT], name[300] = "", alg[8], hex[129], sum[160] = "";
	char *text = line, *extra, *at, want[64] = "";
	const struct pve_storage *st;
	const char *content, *base;
	struct px_err e = { 0 };
	struct top_effect *ef;
	struct top_op *o;

	snprintf(line, sizeof(line), "%s", s->entry);
	while (*text == ' ')
		text++;
	/* a path may hold blanks: only trailing ones go; a URL has none,
	 * what follows it is the checksum */
	for (size_t n = strlen(text); n > 0 && text[n - 1] == ' '; n--)
		text[n - 1] = '\0';
	/* a last word @STORAGE picks the storage */
	if ((at = strrchr(text, ' ')) != NULL && at[1] == '@') {
		snprintf(want, sizeof(want), "%.63s", at + 2);
		for (*at = '\0'; at > text && at[-1] == ' '; at--)
			at[-1] = '\0';
		if (want[0] == '\0') {
			snprintf(s->status, sizeof(s->status), "refused: @ "
			    "names no storage: nothing queued");
			return;
		}
	}
	extra = up ? NULL : strchr(text, ' ');
	if (extra) {
		*extra++ = '\0';
		while (*extra == ' ')
			extra++;
	}
	if (text[0] == '\0') {
		snprintf(s->status, sizeof(s->status), "cancelled: nothing "
		    "queued");
		return;
	}
	if (up) {
		base = strrchr(text, '/');
		base = base ? base + 1 : text;
		if (base[0] == '\0') {
			snprintf(s->status, sizeof(s->status), "refused: %.200s "
			    "is a directory: upload takes a file", text);
			return;
		}
		snprintf(name, sizeof(name), "%.299s", base);
	} else if (pve_download_url_check(text, name, sizeof(name), &e) != 0)
		goto bad;
	if ((content = pve_file_content_pick(NULL, name, &e)) == NULL)
		goto bad;
	if (extra && extra[0]) {
		if (pve_checksum_parse(extra, alg, hex, &e) != 0)
			goto bad;
		snprintf(sum, sizeof(sum), "%s:%s", alg, hex);
	}
	if ((st = iso_target(s, content, want[0] ? want : NULL)) == NULL) {
		if (want[0])
			snprintf(s->status, sizeof(s->status), "refused: no "
			    "storage %.63s that takes %s content (4 lists the "
			    "storage): nothing queued", want, content);
		else
			snprintf(s->status, sizeof(s->status), "refused: no "
			    "storage takes %s content (4 lists the storage): "
			    "nothing queued", content);
		return;
	}
	s->ops = px_xrealloc(s->ops, (size_t)(s->nops + 1) * sizeof(*s->ops));
	o = &s->ops[s->nops++];
	memset(o, 0, sizeof(*o));
	o->id = s->next_op++;
	snprintf(o->action, sizeof(o->action), "%s", up ? "upload" :
	    "download-url");
	snprintf(o->arg, sizeof(o->arg), "%s", st->storage);
	snprintf(o->g.node, sizeof(o->g.node), "%s", st->node);
	snprintf(o->g.name, sizeof(o->g.name), "%.127s", name);
	snprintf(o->volid, sizeof(o->volid), "%.63s:%s/%.180s", st->storage,
	    content, name);
	snprintf(o->text, sizeof(o->text), "%s", text);
	snprintf(o->sum, sizeof(o->sum), "%s", sum);
	o->st = TOP_OP_PREVIEW;
	o->pct = -1;
	ef = top_emit(fx, TE_RISK);
	ef->id = o->id;
	ef->g = o->g;
	ef->n = 1;
	snprintf(ef->action, sizeof(ef->action), "%s", o->action);
	snprintf(ef->arg, sizeof(ef->arg), "%s", o->arg);
	snprintf(ef->upid, sizeof(ef->upid), "%s", o->volid);
	snprintf(ef->text, sizeof(ef->text), "%s", o->text);
	snprintf(ef->sum, sizeof(ef->sum), "%s", o->sum);
	s->view = TOP_QUEUE;
	s->cur[TOP_QUEUE] = s->nops - 1;
	top_clamp(s, TOP_QUEUE);
	snprintf(s->status, sizeof(s->status), "%s of %.60s to %.32s on "
	    "%.32s queued: check the pre-flight preview, then y to confirm",
	    up ? "upload" : "download", name, st->storage, st->node);
	return;
bad:
	text_sanitize(e.msg);
	snprintf(s->status, sizeof(s->status), "refused: %.200s: nothing "
	    "queued", e.msg);
}

void
top_iso_op_done(struct top_state *s, const struct top_op *o,
    struct top_effects *fx)
{
	if (o->st == TOP_OP_OK) {
		top_fetch(s, TOP_F_STORAGE, fx);
		top_fetch_iso(s, fx);	/* the library with it */
		snprintf(s->status, sizeof(s->status), "%s: %.200s done",
		    o->action, o->volid);
	} else {
		snprintf(s->status, sizeof(s->status), "%s %s: %.200s",
		    o->st == TOP_OP_REFUSED ? "refused:" : "failed:",
		    o->action, o->msg);
	}
}
