/*
 * top_palette.c -- pxtop's command palette (:), its quick open (C-k),
 * and what is done with a line typed at a prompt (m, n, b, G).  Part of
 * the reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "top_impl.h"

/* ---- quick open (C-k) ---- */

/* The views quick open can jump to (the per-selection ones need a
 * selection: Z, W). */
static const enum top_view quick_views[] = {
	TOP_DASH, TOP_NODES, TOP_GUESTS, TOP_STORAGE, TOP_TASKS, TOP_QUEUE,
	TOP_AUDIT, TOP_BACKUPS, TOP_HEAT
};

static void
quick_add(struct top_state *s, enum top_quick_kind kind, int idx,
    const char *label)
{
	struct top_quick *q;

	for (int i = 0; i < s->nquick; i++)
		if (s->quick[i].kind == kind && s->quick[i].idx == idx)
			return;
	if (s->nquick == TOP_NQUICK) {
		s->quick_more++;
		return;
	}
	q = &s->quick[s->nquick++];
	q->kind = kind;
	q->idx = idx;
	snprintf(q->label, sizeof(q->label), "%s", label);
}

/* One pass over every candidate: exact substrings in the first, fuzzy
 * matches in the second, so that "web" puts web-01 before w-e-b. */
static void
quick_pass(struct top_state *s, const char *t, int fuzzy)
{
	char label[96], id[16];

#define HIT(text) (fuzzy ? top_fuzzy((text), t) : \
	strcasestr((text), t) != NULL)
	for (size_t i = 0; i < sizeof(quick_views) / sizeof(quick_views[0]);
	    i++)
		if (HIT(top_view_name(quick_views[i]))) {
			snprintf(label, sizeof(label), "view  %s",
			    top_view_name(quick_views[i]));
			quick_add(s, TOP_Q_VIEW, (int)quick_views[i], label);
		}
	for (int i = 0; i < s->nnodes; i++)
		if (HIT(s->nodes[i].name)) {
			snprintf(label, sizeof(label), "node  %s (%s)",
			    s->nodes[i].name, s->nodes[i].status);
			quick_add(s, TOP_Q_NODE, i, label);
		}
	for (int i = 0; i < s->nstorages; i++)
		if (HIT(s->storages[i].storage)) {
			snprintf(label, sizeof(label), "storage  %.40s@%.40s",
			    s->storages[i].storage, s->storages[i].node);
			quick_add(s, TOP_Q_STORAGE, i, label);
		}
	for (int i = 0; i < s->nguests; i++) {
		const struct pve_guest *g = &s->guests[i];

		snprintf(id, sizeof(id), "%d", g->vmid);
		if (HIT(g->name) || HIT(id)) {
			snprintf(label, sizeof(label), "%s  %d %.40s on %.20s "
			    "(%.12s)", g->type[0] == 'l' ? "CT" : "VM", g->vmid,
			    g->name, g->node, g->status);
			quick_add(s, TOP_Q_GUEST, i, label);
		}
	}
#undef HIT
}

void
top_quick_update(struct top_state *s)
{
	s->nquick = s->quick_more = s->quick_cur = 0;
	quick_pass(s, s->entry, 0);
	if (s->entry[0])
		quick_pass(s, s->entry, 1);
}

/* Jump to the chosen candidate. */
static void
quick_jump(struct top_state *s, struct top_effects *fx)
{
	const struct top_quick *q;

	if (s->nquick == 0) {
		snprintf(s->status, sizeof(s->status), "nothing matches "
		    "'%.60s'", s->entry);
		return;
	}
	q = &s->quick[s->quick_cur];
	/* the lists must show it: no search in the way */
	if (s->search[0] && q->kind != TOP_Q_VIEW) {
		s->search[0] = '\0';
		top_relist(s);
	}
	switch (q->kind) {
	case TOP_Q_VIEW:
		top_go_view(s, (enum top_view)q->idx, fx);
		break;
	case TOP_Q_NODE:
		s->view = TOP_NODES;
		for (int i = 0; i < s->nvnodes; i++)
			if (s->vnodes[i] == q->idx)
				s->cur[TOP_NODES] = i;
		top_clamp(s, TOP_NODES);
		break;
	case TOP_Q_STORAGE:
		s->view = TOP_STORAGE;
		for (int i = 0; i < s->nvstor; i++)
			if (s->vstor[i] == q->idx)
				s->cur[TOP_STORAGE] = i;
		top_clamp(s, TOP_STORAGE);
		break;
	case TOP_Q_GUEST:
		for (int i = 0; i < s->nvis; i++)
			if (s->vis[i] == q->idx)
				s->cur[TOP_GUESTS] = i;
		top_clamp(s, TOP_GUESTS);
		if (s->view == TOP_GUEST)
			s->view = TOP_GUESTS;
		top_open_detail(s, &s->guests[q->idx], fx);
		break;
	}
}

/* ---- the command palette (:) ---- */

static int queue_by_vmid(struct top_state *s, enum top_input in,
    const char *action, int argc, char **argv, struct top_effects *fx);

static void
run_command(struct top_state *s, const char *line, struct top_effects *fx)
{
	static const char *const simple[] = { "start", "shutdown", "reboot",
		"delete" };
	char buf[sizeof(s->entry)], *argv[16], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 16;
	    tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return;
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (strcmp(argv[0], simple[i]) == 0) {
			queue_by_vmid(s, TOP_IN_NONE, simple[i], argc - 1,
			    argv + 1, fx);
			return;
		}
	if (strcmp(argv[0], "migrate") == 0 || strcmp(argv[0], "snapshot") ==
	    0 || strcmp(argv[0], "backup") == 0) {
		enum top_input in = argv[0][0] == 'm' ? TOP_IN_MIGRATE :
		    argv[0][0] == 's' ? TOP_IN_SNAPNAME : TOP_IN_STORAGE;

		if (argc < 3) {
			snprintf(s->status, sizeof(s->status), "usage: :%s "
			    "vmid ... %s", argv[0], in == TOP_IN_MIGRATE ?
			    "node" : in == TOP_IN_SNAPNAME ? "name" :
			    "storage");
			return;
		}
		queue_by_vmid(s, in, argv[0], argc - 2, argv + 1, fx);
		return;
	}
	if (strcmp(argv[0], "sort") == 0 && argc >= 2) {
		for (int k = 0; k < TOP_NSORT; k++)
			if (strcmp(argv[1], top_sort_name(k)) == 0) {
				s->sort = k;
				s->sort_desc = argc > 2 && strcmp(argv[2],
				    "desc") == 0;
				top_relist(s);
				s->view = TOP_GUESTS;
				return;
			}
		snprintf(s->status, sizeof(s->status), "sort by vmid, name, "
		    "node, status, cpu, mem or uptime, not '%.40s'", argv[1]);
		return;
	}
	if (strcmp(argv[0], "profile") == 0 && argc == 2) {
		top_profiles_switch(s, argv[1], fx);	/* as P does */
		return;
	}
	if (strcmp(argv[0], "filter") == 0) {
		s->filter[0] = '\0';
		for (int i = 1; i < argc; i++)
			snprintf(s->filter + strlen(s->filter),
			    sizeof(s->filter) - strlen(s->filter), "%s%s",
			    i > 1 ? " " : "", argv[i]);
		top_relist(s);
		s->view = TOP_GUESTS;
		return;
	}
	if (strcmp(argv[0], "refresh") == 0) {
		top_fetch(s, TOP_F_ALL, fx);
		return;
	}
	if (strcmp(argv[0], "q") == 0 || strcmp(argv[0], "quit") == 0) {
		s->quit = 1;
		top_emit(fx, TE_QUIT);
		return;
	}
	snprintf(s->status, sizeof(s->status), "unknown command '%.40s': "
	    "start shutdown reboot delete vmid...; migrate vmid... node; "
	    "snapshot vmid... name; backup vmid... storage; sort column "
	    "[desc]; filter terms; profile name; refresh; quit", argv[0]);
}

/*
 * The palette's actions: the VMIDs argv[0..argc) become the selection for
 * this one action (the marks are kept aside and put back), then either
 * queued at once or, for in (migrate, snapshot, backup), with argv[argc]
 * as the prompt's answer.
 */
static int
queue_by_vmid(struct top_state *s, enum top_input in, const char *action,
    int argc, char **argv, struct top_effects *fx)
{
	int *saved = s->marked, nsaved = s->nmarked;

	if (!s->read_only && argc == 0) {
		snprintf(s->status, sizeof(s->status), "usage: :%s vmid ...",
		    action);
		return -1;
	}
	if (s->read_only)
		return top_can_act(s, action) ? 0 : -1;	/* says why */
	s->marked = NULL;
	s->nmarked = 0;
	for (int i = 0; i < argc; i++) {
		int vmid = pve_parse_vmid(argv[i]);

		if (vmid >= 0 && top_guest_by_vmid(s, vmid) == NULL &&
		    top_first_list_due(s, TOP_F_GUESTS, s->nguests)) {
			/* not "no guest": the list has not come yet */
			snprintf(s->status, sizeof(s->status), "the guest "
			    "list has not come yet: nothing queued (try again "
			    "when it has)");
			goto out;
		}
		if (vmid < 0 || top_guest_by_vmid(s, vmid) == NULL) {
			snprintf(s->status, sizeof(s->status), "no guest "
			    "'%.40s' in the cluster: nothing queued", argv[i]);
			goto out;
		}
		top_mark(s, vmid, 1);
	}
	if (in == TOP_IN_NONE) {
		top_queue_ops(s, action, "", fx);
	} else {
		s->input = in;
		snprintf(s->entry, sizeof(s->entry), "%s", argv[argc]);
		top_prompt_done(s, fx);
	}
out:
	free(s->marked);
	s->marked = saved;
	s->nmarked = nsaved;
	return 0;
}

/* The line typed after m, n or b: checked, then the operations queued. */
void
top_prompt_done(struct top_state *s, struct top_effects *fx)
{
	const char *v = s->entry;
	int found = 0;

	switch (s->input) {
	case TOP_IN_EXEC:
		top_bcast_prompt_done(s, fx);
		return;
	case TOP_IN_UPLOAD:
	case TOP_IN_URL:
		top_iso_prompt_done(s, fx);
		return;
	case TOP_IN_MIGRATE:
		for (int i = 0; i < s->nnodes && !found; i++)
			found = strcmp(s->nodes[i].name, v) == 0;
		if (!found && (s->nnodes > 0 || !pve_valid_node(v))) {
			snprintf(s->status, sizeof(s->status), "no node '%.64s' "
			    "in the cluster: nothing queued (2 lists the "
			    "nodes)", v);
			return;
		}
		top_queue_ops(s, "migrate", v, fx);
		return;
	case TOP_IN_SNAPNAME:
		if (!pve_valid_snapname(v)) {
			snprintf(s->status, sizeof(s->status), "'%.64s' is not "
			    "a snapshot name (a letter, then letters, digits, "
			    "- and _; at most 40; not 'current'): nothing "
			    "queued", v);
			return;
		}
		top_queue_ops(s, "snapshot", v, fx);
		return;
	case TOP_IN_STORAGE:
		for (int i = 0; i < s->nstorages && !found; i++)
			found = strcmp(s->storages[i].storage, v) == 0 &&
			    top_holds_backups(&s->storages[i]);
		if (!found && (s->nstorages > 0 || v[0] == '\0')) {
			snprintf(s->status, sizeof(s->status), "no storage "
			    "'%.64s' that holds backups: nothing queued (4 "
			    "lists the storage)", v);
			return;
		}
		top_queue_ops(s, "backup", v, fx);
		return;
	case TOP_IN_GREP:
		top_start_grep(s, v, fx);
		return;
	case TOP_IN_CMD:
		run_command(s, v, fx);
		return;
	case TOP_IN_QUICK:
		quick_jump(s, fx);
		return;
	default:
		return;
	}
}

