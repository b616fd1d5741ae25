/*
 * top_keys.c -- pxtop's keys: views, the cursor, marks, the one-line
 * input, the keymap overlay (?) and the footer that lists the keys of
 * the moment.  Part of the reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <string.h>

#include "top_impl.h"
#include "top_past.h"

/* The keymap overlay (?); man/pxtop.1 says the same. */
const char *const top_keymap[] = {
	"1 Dashboard  2 Nodes  3 Guests  4 Storage  5 Tasks",
	"Q operation queue  T audit timeline  Tab next view",
	"B backup board (last backup, job coverage, [pbs] servers; red:",
	"  none, old, no job)  Z snapshot tree of the selected guest",
	"W hardware of the selected node: PCI/USB, IOMMU groups, which",
	"  guest passes what through (red: several guests, one device)",
	"G      search every guest config: text, or /regex/",
	"H      heatmap: API round-trip per node, median, worst, bucket",
	"I      ISO library: ISO images and templates of every storage;",
	"       d there queues the delete of the one under the cursor",
	":      command palette: :start 100 101, :migrate 100 pve2,",
	"       :snapshot 100 name, :backup 100 storage, :sort cpu desc,",
	"       :filter tag:web, :profile NAME, :refresh, :quit",
	"C-k    quick open: jump to a guest, node, storage or view by name",
	"j/k or Down/Up move, PageDown/PageUp or C-d/C-u page,",
	"  g or Home first, End last",
	"Enter  open: guest detail, task log, guests of a node;",
	"       in the queue: confirm",
	"Esc    back from a detail or log; clear the search",
	"/      incremental search (names, VMIDs, tags, nodes, pools)",
	"f      filter guests: node:N tag:T status:S pool:P type:T text",
	"i      running guests only    < > sort column    o order",
	"Space  mark guest    V mark all shown    t mark by tag",
	"u      unmark all",
	"s start  S shutdown  r reboot  d delete  m migrate (asks the",
	"       node)  n snapshot (asks a name)  b backup (asks the",
	"       storage): the marked guests or the one under the cursor,",
	"       to the queue with a pre-flight preview",
	"y      in the queue: run the ready operations (after a dialog)",
	"c      queue: clear finished; guest view: open its console",
	"C      an SSH session to the selected guest (px ssh)",
	"R      refresh now    ? this keymap    q or C-c quit",
	"D      compare the marked guests' configs side by side: * the",
	"       value differs, ! not on every guest; - + previous/next",
	"       difference, = differences only, Left/Right more guests",
	"O      HA console: resources, requested and current state, node,",
	"       group or rules, failover history; s set state, m migrate,",
	"       r relocate (to the queue with a pre-flight preview)",
	"P      profile picker: Enter switches pxtop to that cluster",
	"[ ]    time travel: the recorded refresh before / after the one",
	"       shown ({ } an hour); the header says PAST, actions are",
	"       refused; ] from the newest returns to live",
	"E      evacuate a node: its plan (targets, HA, blockers), y runs",
	"       it through the gate, each guest in the queue (Q)",
	"X      agent broadcast: one command (asked; split into words, no",
	"       shell) through the guest agent of every marked running VM,",
	"       queued with a pre-flight preview, one confirmation and one",
	"       approval; x its results: exit code, stdout, stderr per guest",
	"       (Enter shows/hides one, e all, g/G first/last, Esc back)",
	"u      in the ISO library: upload a local file (asks the path)",
	"w      in the ISO library: download from a URL (asks URL and an",
	"       optional ALG:HEX checksum); both to the storage under the",
	"       cursor (or a last word @STORAGE), queued with a preview,",
	"       progress in the queue (Q)",
	"A      approvals: requests queued for approval, pxtop's own on",
	"       Telegram; Enter the request, h finished too; a approve,",
	"       d deny (then y) when [policy] local_approver names you;",
	"       never your own request (four eyes)",
};

const int top_nkeymap = (int)(sizeof(top_keymap) / sizeof(top_keymap[0]));

int
top_help_rows(const struct top_state *s)
{
	int n = s->lines - 2;	/* the box's title and bottom lines */

	if (n > top_nkeymap)
		n = top_nkeymap;
	return n > 1 ? n : 1;
}

/* A key while the keymap is shown: j/k, arrows, pages, g/G scroll it;
 * 0 for any other key, which closes it. */
static int
help_key(struct top_state *s, const struct top_action *a)
{
	int rows = top_help_rows(s), last = top_nkeymap - rows;
	int t = s->help_top;

	if (a->text && strcmp(a->key, "j") == 0)
		t++;
	else if (a->text && strcmp(a->key, "k") == 0)
		t--;
	else if (a->text && strcmp(a->key, "g") == 0)
		t = 0;
	else if (a->text && strcmp(a->key, "G") == 0)
		t = last;
	else if (a->text)
		return 0;
	else if (strcmp(a->key, "Down") == 0)
		t++;
	else if (strcmp(a->key, "Up") == 0)
		t--;
	else if (strcmp(a->key, "PageDown") == 0 || strcmp(a->key, "C-d") == 0)
		t += rows;
	else if (strcmp(a->key, "PageUp") == 0 || strcmp(a->key, "C-u") == 0)
		t -= rows;
	else if (strcmp(a->key, "Home") == 0)
		t = 0;
	else if (strcmp(a->key, "End") == 0)
		t = last;
	else
		return 0;
	s->help_top = t > last ? last : t < 0 ? 0 : t;
	return 1;
}

/* ---- keys ---- */

static int
key_is(const struct top_action *a, const char *name)
{
	return strcmp(a->key, name) == 0;
}

static int
text_is(const struct top_action *a, const char *t)
{
	return a->text && strcmp(a->key, t) == 0;
}

static void
open_entry(struct top_state *s, enum top_input in)
{
	s->input = in;
	if (in == TOP_IN_SEARCH)
		snprintf(s->entry, sizeof(s->entry), "%s", s->search);
	else if (in == TOP_IN_FILTER)
		snprintf(s->entry, sizeof(s->entry), "%s", s->filter);
	else
		s->entry[0] = '\0';
	if (in == TOP_IN_GREP)
		snprintf(s->entry, sizeof(s->entry), "%s", s->grep);
	if (in == TOP_IN_STORAGE)	/* the first that holds backups */
		for (int i = 0; i < s->nstorages; i++)
			if (top_holds_backups(&s->storages[i])) {
				snprintf(s->entry, sizeof(s->entry), "%s",
				    s->storages[i].storage);
				break;
			}
}

/* A key while a line is typed. */
static void
key_entry(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	size_t len = strlen(s->entry);

	if (key_is(a, "Escape")) {
		if (s->input == TOP_IN_SEARCH) {
			s->search[0] = '\0';
			top_relist(s);
		}
		if ((s->input >= TOP_IN_MIGRATE && s->input <= TOP_IN_STORAGE)
		    || s->input >= TOP_IN_EXEC)
			snprintf(s->status, sizeof(s->status), "cancelled: "
			    "nothing queued");
		s->input = TOP_IN_NONE;
		return;
	}
	if (key_is(a, "Enter")) {
		if (s->input >= TOP_IN_MIGRATE) {
			top_prompt_done(s, fx);
			s->input = TOP_IN_NONE;
			return;
		}
		if (s->input == TOP_IN_FILTER) {
			snprintf(s->filter, sizeof(s->filter), "%.63s", s->entry);
			top_relist(s);
		} else if (s->input == TOP_IN_TAG && s->entry[0]) {
			int n = 0;

			for (int i = 0; i < s->nvis; i++) {
				const struct pve_guest *g =
				    &s->guests[s->vis[i]];

				if (pve_has_tag(g->tags, s->entry)) {
					top_mark(s, g->vmid, 1);
					n++;
				}
			}
			snprintf(s->status, sizeof(s->status), "%d guest%s "
			    "tagged %.63s marked", n, n == 1 ? "" : "s",
			    s->entry);
		}
		s->input = TOP_IN_NONE;
		return;
	}
	if (key_is(a, "Backspace") || key_is(a, "DEL")) {
		if (len > 0) {
			/* drop a whole UTF-8 character */
			do
				len--;
			while (len > 0 && ((unsigned char)s->entry[len] &
			    0xc0) == 0x80);
			s->entry[len] = '\0';
		}
	} else if (a->text || key_is(a, "Space")) {
		const char *t = a->text ? a->key : " ";

		/* the long lines are X's command, u's path, w's URL; the
		 * others fit the 64 bytes they always had */
		size_t cap = s->input >= TOP_IN_EXEC ? sizeof(s->entry) : 64;

		if (len + strlen(t) < cap)
			memcpy(s->entry + len, t, strlen(t) + 1);
	} else if (s->input == TOP_IN_QUICK && (key_is(a, "Down") ||
	    key_is(a, "Tab") || key_is(a, "C-n"))) {
		if (s->quick_cur + 1 < s->nquick)
			s->quick_cur++;
		return;
	} else if (s->input == TOP_IN_QUICK && (key_is(a, "Up") ||
	    key_is(a, "S-Tab") || key_is(a, "C-p"))) {
		if (s->quick_cur > 0)
			s->quick_cur--;
		return;
	} else {
		return;
	}
	if (s->input == TOP_IN_QUICK)
		top_quick_update(s);
	if (s->input == TOP_IN_SEARCH) {
		/* incremental: every key narrows the lists at once */
		snprintf(s->search, sizeof(s->search), "%.63s", s->entry);
		top_relist(s);
		s->cur[TOP_GUESTS] = s->cur[TOP_NODES] = s->cur[TOP_STORAGE] =
		    s->cur[TOP_TASKS] = 0;
		top_relist(s);
	}
}

static void
move_cursor(struct top_state *s, int delta, int absolute)
{
	enum top_view v = s->view;

	if (absolute)
		s->cur[v] = delta < 0 ? top_list_len(s, v) - 1 : 0;
	else
		s->cur[v] += delta;
	top_clamp(s, v);
}

static void
enter(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = NULL;

	if (s->view == TOP_GREP && s->ngl > 0)
		g = top_guest_by_vmid(s, s->gl[s->cur[TOP_GREP]].vmid);
	else if (s->view == TOP_GUESTS)
		g = top_cur_guest(s);
	if (g != NULL) {
		top_open_detail(s, g, fx);
	} else if (s->view == TOP_TASKS && s->nvtasks > 0) {
		const struct pve_task *t =
		    &s->tasks[s->vtasks[s->cur[TOP_TASKS]]];

		snprintf(s->log_upid, sizeof(s->log_upid), "%s", t->upid);
		pve_log_free(s->log, s->nlog);
		s->log = NULL;
		s->nlog = 0;
		s->log_running = t->running;
		s->back = TOP_TASKS;
		s->view = TOP_TASKLOG;
		s->cur[TOP_TASKLOG] = 0;
		snprintf(top_emit(fx, TE_TASKLOG)->upid, 256, "%s", t->upid);
	} else if (s->view == TOP_NODES && s->nvnodes > 0) {
		/* the guests of that node */
		snprintf(s->filter, sizeof(s->filter), "node:%.58s",
		    s->nodes[s->vnodes[s->cur[TOP_NODES]]].name);
		s->view = TOP_GUESTS;
		top_relist(s);
	} else if (s->view == TOP_QUEUE && top_count_ops(s, TOP_OP_READY) > 0) {
		s->confirm = 1;
	}
}

void
top_key(struct top_state *s, struct top_action *a, struct top_effects *fx)
{
	int page = top_body_lines(s) - 2;

	if (key_is(a, "C-c")) {
		s->quit = 1;
		top_emit(fx, TE_QUIT);
		return;
	}
	if (s->input != TOP_IN_NONE) {
		key_entry(s, a, fx);
		return;
	}
	if (s->confirm) {
		if (text_is(a, "y") || key_is(a, "Enter"))
			top_run_ops(s, fx);
		else
			snprintf(s->status, sizeof(s->status), "not "
			    "confirmed: nothing was sent");
		s->confirm = 0;
		return;
	}
	if (s->help) {
		if (!help_key(s, a))
			s->help = 0;
		return;
	}
	if (s->view == TOP_EVAC && top_evac_key(s, a, fx))
		return;
	s->status[0] = '\0';
	if (s->view == TOP_COMPARE && top_compare_key(s, a, fx))
		return;
	if (s->view == TOP_HA && top_ha_key(s, a, fx))
		return;
	if (s->view == TOP_PROFILES && top_profiles_key(s, a, fx))
		return;
	if (s->view == TOP_BCAST && top_bcast_key(s, a, fx))
		return;
	if (s->view == TOP_APPR && top_appr_key(s, a, fx))
		return;
	if (page < 1)
		page = 1;
	if (a->text) {
		switch (a->key[0] && !a->key[1] ? a->key[0] : 0) {
		case 'q':
			s->quit = 1;
			top_emit(fx, TE_QUIT);
			return;
		case '?':
			s->help = 1;
			s->help_top = 0;
			return;
		case '1': top_go_view(s, TOP_DASH, fx); return;
		case '2': top_go_view(s, TOP_NODES, fx); return;
		case '3': top_go_view(s, TOP_GUESTS, fx); return;
		case '4': top_go_view(s, TOP_STORAGE, fx); return;
		case '5': top_go_view(s, TOP_TASKS, fx); return;
		case 'Q': top_go_view(s, TOP_QUEUE, fx); return;
		case 'T': top_go_view(s, TOP_AUDIT, fx); return;
		case 'B': top_go_view(s, TOP_BACKUPS, fx); return;
		case 'Z':
			top_open_snaptree(s, fx);
			return;
		case 'W':
			top_open_hw(s, fx);
			return;
		case 'G':
			open_entry(s, TOP_IN_GREP);
			return;
		case ':':
			open_entry(s, TOP_IN_CMD);
			return;
		case 'H': top_go_view(s, TOP_HEAT, fx); return;
		case 'D':
			top_compare_open(s, fx);
			return;
		case 'O':
			top_ha_open(s, fx);
			return;
		case 'P':
			top_profiles_open(s);
			return;
		case '[': case ']': case '{': case '}':
			top_past_key(s, a->key[0], fx);
			return;
		case 'E': top_open_evac(s, fx); return;
		case 'I': top_go_view(s, TOP_ISO, fx); return;
		case 'A':
			top_appr_open(s, fx);
			return;
		case 'C':
			top_ssh(s, fx);
			return;
		case 'j': move_cursor(s, 1, 0); return;
		case 'k': move_cursor(s, -1, 0); return;
		case 'g': move_cursor(s, 1, 1); return;
		case 'R':
			top_fetch(s, TOP_F_ALL, fx);
			if (s->view == TOP_AUDIT)
				top_emit(fx, TE_AUDIT);
			if (s->view == TOP_BACKUPS)
				top_fetch_backups(s, fx);
			if (s->view == TOP_HW)
				top_open_hw(s, fx);
			if (s->view == TOP_HEAT)
				top_start_probes(s, fx);
			if (s->view == TOP_ISO)
				top_fetch_iso(s, fx);
			if (s->view == TOP_GREP && s->grep[0] &&
			    s->grep_pending == 0) {
				char pat[64];

				snprintf(pat, sizeof(pat), "%s", s->grep);
				top_start_grep(s, pat, fx);
			}
			if (s->view == TOP_SNAPTREE && s->tree_vmid) {
				s->tree_loading = 1;
				top_emit(fx, TE_SNAPTREE)->g = s->tree_guest;
			}
			snprintf(s->status, sizeof(s->status), "refreshing");
			return;
		case '/':
			open_entry(s, TOP_IN_SEARCH);
			return;
		case 'f':
			open_entry(s, TOP_IN_FILTER);
			return;
		case 't':
			open_entry(s, TOP_IN_TAG);
			return;
		case 'i':
			s->running_only = !s->running_only;
			top_relist(s);
			return;
		case '<':
			s->sort = (s->sort + TOP_NSORT - 1) % TOP_NSORT;
			top_relist(s);
			return;
		case '>':
			s->sort = (s->sort + 1) % TOP_NSORT;
			top_relist(s);
			return;
		case 'o':
			s->sort_desc = !s->sort_desc;
			top_relist(s);
			return;
		case ' ': {
			const struct pve_guest *g = top_selected_guest(s);

			if ((s->view == TOP_GUESTS || s->view == TOP_BACKUPS) &&
			    g) {
				top_mark(s, g->vmid,
				    !top_is_marked(s, g->vmid));
				move_cursor(s, 1, 0);
			}
			return;
		}
		case 'V':
			for (int i = 0; i < s->nvis; i++)
				top_mark(s, s->guests[s->vis[i]].vmid, 1);
			snprintf(s->status, sizeof(s->status), "%d guests "
			    "marked", s->nmarked);
			return;
		case 'u':
			if (s->view == TOP_ISO) {
				top_iso_ask(s, TOP_IN_UPLOAD);
				return;
			}
			s->nmarked = 0;
			return;
		case 'w':
			if (s->view == TOP_ISO)
				top_iso_ask(s, TOP_IN_URL);
			return;
		case 'X':
			top_bcast_ask(s);
			return;
		case 'x':
			top_bcast_open(s);
			return;
		case 's': top_queue_ops(s, "start", "", fx); return;
		case 'S': top_queue_ops(s, "shutdown", "", fx); return;
		case 'r': top_queue_ops(s, "reboot", "", fx); return;
		case 'd':
			if (s->view == TOP_ISO) {
				top_iso_delete(s, fx);
				return;
			}
			top_queue_ops(s, "delete", "", fx);
			return;
		case 'm':
			if (top_can_act(s, "migrate"))
				open_entry(s, TOP_IN_MIGRATE);
			return;
		case 'n':
			if (top_can_act(s, "snapshot"))
				open_entry(s, TOP_IN_SNAPNAME);
			return;
		case 'b':
			if (top_can_act(s, "backup"))
				open_entry(s, TOP_IN_STORAGE);
			return;
		case 'y':
			if (s->view == TOP_QUEUE)
				enter(s, fx);
			return;
		case 'c':
			if (s->view == TOP_QUEUE) {
				top_clear_done_ops(s);
			} else if (s->view == TOP_GUESTS ||
			    s->view == TOP_GUEST) {
				const struct pve_guest *g =
				    top_selected_guest(s);

				if (g && !top_past_refuse(s, "the console"))
					top_emit(fx, TE_CONSOLE)->g = *g;
			}
			return;
		default:
			return;
		}
	}
	if (key_is(a, "Space")) {
		a->text = 1;
		a->key = " ";
		top_key(s, a, fx);
	} else if (key_is(a, "C-k")) {
		open_entry(s, TOP_IN_QUICK);
		top_quick_update(s);
	} else if (key_is(a, "Down")) {
		move_cursor(s, 1, 0);
	} else if (key_is(a, "Up")) {
		move_cursor(s, -1, 0);
	} else if (key_is(a, "PageDown") || key_is(a, "C-d")) {
		move_cursor(s, page, 0);
	} else if (key_is(a, "PageUp") || key_is(a, "C-u")) {
		move_cursor(s, -page, 0);
	} else if (key_is(a, "Home")) {
		move_cursor(s, 1, 1);
	} else if (key_is(a, "End")) {
		move_cursor(s, -1, 1);
	} else if (key_is(a, "Enter")) {
		enter(s, fx);
	} else if (key_is(a, "Escape")) {
		if (s->view == TOP_GUEST || s->view == TOP_TASKLOG ||
		    s->view == TOP_SNAPTREE || s->view == TOP_HW ||
		    s->view == TOP_GREP)
			/* back from a detail opened in G, then from G */
			s->view = s->back != s->view ? s->back : TOP_GUESTS;
		else if (s->search[0]) {
			s->search[0] = '\0';
			top_relist(s);
		}
	} else if (key_is(a, "Tab")) {
		s->view = s->view >= TOP_TASKS ? TOP_DASH : s->view + 1;
	}
}

const char *
top_footer(const struct top_state *s)
{
	if (s->input == TOP_IN_SEARCH)
		return "type to search  Enter keep  Esc clear  Backspace";
	if (s->input == TOP_IN_FILTER)
		return "filter: node:N tag:T status:S pool:P type:T text  "
		    "Enter apply  Esc cancel";
	if (s->input == TOP_IN_TAG)
		return "mark guests with tag:  Enter mark  Esc cancel";
	if (s->input == TOP_IN_MIGRATE)
		return "migrate to node:  Enter queue with a pre-flight preview"
		    "  Esc cancel";
	if (s->input == TOP_IN_SNAPNAME)
		return "snapshot name (a letter, then letters, digits, - _):  "
		    "Enter queue  Esc cancel";
	if (s->input == TOP_IN_STORAGE)
		return "back up to storage:  Enter queue with a pre-flight "
		    "preview  Esc cancel";
	if (s->input == TOP_IN_CMD)
		return ":start :shutdown :reboot :delete vmid...  :migrate "
		    "vmid... node  :snapshot vmid... name  :backup vmid... "
		    "storage  :sort col [desc]  :filter  :profile name  "
		    "Enter run  Esc cancel";
	if (s->input == TOP_IN_QUICK)
		return "quick open: guests, nodes, storage, views  Down/Up "
		    "choose  Enter go  Esc cancel";
	if (s->input == TOP_IN_GREP)
		return "search every guest config: text, or /regex/ (extended, "
		    "any case)  Enter search  Esc cancel";
	if (s->input == TOP_IN_EXEC)
		return "command for the guest agents (words split as a shell "
		    "would, no shell: sh -c '...' for one)  Enter queue  "
		    "Esc cancel";
	if (s->input == TOP_IN_UPLOAD)
		return "local file to upload [@STORAGE] (.iso .img: ISO "
		    "image; .tar.gz .tar.xz .tar.zst: template)  Enter queue  "
		    "Esc cancel";
	if (s->input == TOP_IN_URL)
		return "URL [ALG:HEX] [@STORAGE], e.g. https://host/x.iso "
		    "sha256:...  Enter queue  Esc cancel";
	if (s->confirm)
		return "y confirm  n cancel";
	if (s->help)
		return top_help_rows(s) < top_nkeymap ? "j/k Down/Up "
		    "PageDown/PageUp g/G scroll  any other key closes the "
		    "keymap" : "any key closes the keymap";
	if (s->past)
		return top_past_footer(s);
	switch (s->view) {
	case TOP_GUESTS:
		return "j/k move  Space mark  V all  t tag  s start  S shutdown"
		    "  r reboot  d delete  m migrate  n snapshot  b backup  "
		    "c console  C ssh  Enter detail  <>o sort  i running  "
		    "f filter  / search  ? keys  q quit";
	case TOP_QUEUE:
		return "j/k move  y run after confirmation  c clear finished  "
		    "1-5 views  ? keys  q quit";
	case TOP_TASKS:
		return "j/k move  Enter log  / search  R refresh  1-5 views  "
		    "? keys  q quit";
	case TOP_GUEST:
	case TOP_TASKLOG:
		return "Esc back  j/k scroll  s start  S shutdown  r reboot  "
		    "d delete  m migrate  n snapshot  b backup  ? keys  q quit";
	case TOP_NODES:
		return "j/k move  Enter guests of node  / search  1-5 views  "
		    "? keys  q quit";
	case TOP_BACKUPS:
		return "j/k move  R reload  / search  f filter  Space mark  "
		    "b backup  1-5 views  ? keys  q quit";
	case TOP_SNAPTREE:
		return "Esc back  j/k move  R reload  n snapshot  ? keys  "
		    "q quit";
	case TOP_HEAT:
		return "j/k move  R probe again  1-5 views  ? keys  q quit";
	case TOP_ISO:
		return "j/k move  u upload  w download URL  d delete (queued, "
		    "previewed)  R reload  / search  1-5 views  ? keys  q quit";
	case TOP_GREP:
		return "Esc back  j/k move  G new search  R search again  "
		    "Enter the guest's detail  ? keys  q quit";
	case TOP_HW:
		return "Esc back  j/k move  R reload  2 nodes (W on another "
		    "node)  ? keys  q quit";
	case TOP_COMPARE:
		return "Esc back  j/k move  - + previous/next difference  "
		    "= differences only  Left/Right guests  R reload  ? keys  "
		    "q quit";
	case TOP_HA:
		return top_ha_footer(s);
	case TOP_PROFILES:
		return "j/k move  Enter switch to this profile  Esc back  "
		    "? keys  q quit";
	case TOP_EVAC:
		return top_evac_footer(s);
	case TOP_BCAST:
		return top_bcast_footer(s);
	case TOP_APPR:
		return top_appr_footer(s);
	default:
		return "1 dash 2 nodes 3 guests 4 storage 5 tasks Q queue "
		    "T audit B backups Z snapshots W hardware G grep "
		    "H heatmap  / search  R refresh  ? keys  q quit";
	}
}
