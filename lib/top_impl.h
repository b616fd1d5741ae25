/*
 * top_impl.h -- the internals pxtop's reducer shares between its files;
 * not for commands, renderers or tests (they use top_state.h).
 *
 *     top_state.c     state, lists, fetches, the operation queue, and
 *                     top_reduce itself
 *     top_keys.c      keys: views, cursor, the one-line input, the
 *                     keymap overlay and the footer
 *     top_palette.c   the : command palette, quick open (C-k) and the
 *                     answers of the prompts (m, n, b, G)
 *     top_board.c     the boards: backups (B), snapshot tree (Z),
 *                     hardware (W), config grep (G), heatmap (H)
 *     top_compare.c   guest compare (D)
 *     top_ha.c        HA console (O)
 *     top_profiles.c  profile picker (P)
 *     top_past.c      time travel ([ ] { }, top_past.h): a recorded
 *                     refresh on screen, actions refused (an action a
 *                     new view adds must ask top_can_act or
 *                     top_past_refuse first)
 *     top_iso.c       ISO library (I): list, delete, upload (u),
 *                     download from a URL (w)
 *     top_bcast.c     agent broadcast (X) and its result view (x)
 *     top_appr.c      approvals (A): the queue, approve and deny
 *
 * Like top_reduce, none of them does I/O or reads a clock: they change
 * the state and append effects.
 */
#ifndef PX_TOP_IMPL_H
#define PX_TOP_IMPL_H

#include "top_state.h"

/* ---- top_state.c ---- */

/* Append an effect of type t to fx, zeroed but for its type; returns
 * it (owned by fx, valid until the next append). */
struct top_effect *top_emit(struct top_effects *fx, enum top_eff_type t);
/* Keep view v's cursor on its list and in sight. */
void top_clamp(struct top_state *s, enum top_view v);
/* Filter and sort every list again, the cursor kept on its guest. */
void top_relist(struct top_state *s);
/* How many rows view v lists. */
int top_list_len(const struct top_state *s, enum top_view v);
/* The guest with this VMID, or NULL. */
const struct pve_guest *top_guest_by_vmid(const struct top_state *s,
    int vmid);
/* The guest an action or a per-guest view is about, or NULL. */
const struct pve_guest *top_selected_guest(const struct top_state *s);
/* Mark (on) or unmark a VMID. */
void top_mark(struct top_state *s, int vmid, int on);
/* Ask for the TOP_F_* bits what that are not on their way already. */
void top_fetch(struct top_state *s, int what, struct top_effects *fx);
/* The list of bit (TOP_F_NODES, TOP_F_GUESTS, TOP_F_STORAGE) came, on
 * screen or aside while the past is shown: the views that waited for
 * it (top_first_list_due) stop waiting, the one shown reads. */
void top_first_list_came(struct top_state *s, int bit,
    struct top_effects *fx);
/* May action act now?  0 with the reason in the status line if not. */
int top_can_act(struct top_state *s, const char *action);
/* Queue action (arg: target node, snapshot name, storage, or "") on the
 * marked guests or the selected one, each with a pre-flight preview. */
void top_queue_ops(struct top_state *s, const char *action,
    const char *arg, struct top_effects *fx);
/* How many operations of the queue are in state st. */
int top_count_ops(const struct top_state *s, enum top_op_state st);
/* Send the ready operations through the gate (after the dialog). */
void top_run_ops(struct top_state *s, struct top_effects *fx);
/* Drop the finished operations from the queue. */
void top_clear_done_ops(struct top_state *s);
/* Show view v, asking for what it shows. */
void top_go_view(struct top_state *s, enum top_view v,
    struct top_effects *fx);
/* Open the detail of guest g. */
void top_open_detail(struct top_state *s, const struct pve_guest *g,
    struct top_effects *fx);

/* ---- top_keys.c ---- */

/* A key (TA_KEY): may set a->key and a->text (Space is " "). */
void top_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);

/* ---- top_palette.c ---- */

/* The line typed into the one-line input (s->entry) is done: check it
 * and act (queue, search, run the command, jump). */
void top_prompt_done(struct top_state *s, struct top_effects *fx);
/* The quick open's candidates for s->entry, best first. */
void top_quick_update(struct top_state *s);

/* ---- top_board.c ---- */

/* Does storage st hold backups (content includes "backup")? */
int top_holds_backups(const struct pve_storage *st);
/* G: search every guest's config for pat (text, or /regex/). */
void top_start_grep(struct top_state *s, const char *pat,
    struct top_effects *fx);
/* Ask for the configs G searches (top_start_grep), or wait for the
 * guest list when it has not come yet (s->grep_wait). */
void top_grep_reads(struct top_state *s, struct top_effects *fx);
/* B: ask for the backup board's data. */
void top_fetch_backups(struct top_state *s, struct top_effects *fx);
/* Z: the snapshot tree of the selected guest. */
void top_open_snaptree(struct top_state *s, struct top_effects *fx);
/* W: the hardware of the selected node. */
void top_open_hw(struct top_state *s, struct top_effects *fx);
/* Ask for the passthrough entries W shows (top_open_hw), or wait for
 * the guest list when it has not come yet (s->hw_wait). */
void top_passthru_reads(struct top_state *s, struct top_effects *fx);
/* H: probe every online node. */
void top_start_probes(struct top_state *s, struct top_effects *fx);
/* The answers for the boards, reduced (a->rows taken: freed or kept in
 * s): TA_UNPROTECTED, TA_BACKUPS, TA_HW_PCI, TA_HW_USB, TA_PASSTHRU,
 * TA_PROBE, TA_GREPCFG, TA_SNAPTREE. */
void top_board_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);

/* ---- top_pbs.c ---- */

/* B: a round of every PBS server's datastores (unless one is on its
 * way), and again on a tick every TOP_PBS_EVERY seconds while B shows. */
void top_fetch_pbs(struct top_state *s, struct top_effects *fx);
void top_pbs_tick(struct top_state *s, struct top_effects *fx);
/* TA_PBS_STORES, TA_PBS_SNAPS, TA_PBS_GC and the TA_FETCH_FAILED of
 * TOP_F_PBS, reduced (a->rows freed or kept). */
void top_pbs_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* Free what the PBS part holds (top_state_free zeroes it after). */
void top_pbs_free(struct top_state *s);

/* ---- top_compare.c: guest compare (D) ---- */

/* D: compare the marked guests' configs (two to TOP_CMP_MAX). */
void top_compare_open(struct top_state *s, struct top_effects *fx);
/* TA_CMPCFG and the TA_FETCH_FAILED of TOP_F_CMP (a->rows taken). */
void top_compare_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* A key in the compare view: 1 when it was the view's (- + = h l Left
 * Right R Esc), 0 for the common keys. */
int top_compare_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* The value of key in column c, NULL when absent or not read. */
const char *top_compare_value(const struct top_cmp_col *c, const char *key);
void top_compare_free(struct top_state *s);

/* ---- top_ha.c: HA console (O) ---- */

void top_ha_open(struct top_state *s, struct top_effects *fx);
/* Read the HA status again on a tick while the console shows. */
void top_ha_tick(struct top_state *s, struct top_effects *fx);
/* TA_HA_RES, TA_HA_CUR, TA_HA_MGR, TA_HA_RULES and the TA_FETCH_FAILED
 * of TOP_F_HA (a->rows taken). */
void top_ha_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* A key in the console (its prompt takes every key): 1 if it was the
 * console's. */
int top_ha_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
const char *top_ha_footer(const struct top_state *s);
/* The row under the cursor, or NULL. */
const struct top_ha_row *top_ha_cur(const struct top_state *s);
void top_ha_free(struct top_state *s);

/* ---- top_profiles.c: profile picker (P) ---- */

void top_profiles_open(struct top_state *s);
/* Enter, Esc in the picker: 1 if it was the picker's. */
int top_profiles_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* Switch to profile name (TE_PROFILE), unless operations are queued or
 * running (then 0 with the reason in the status line). */
void top_profiles_switch(struct top_state *s, const char *name,
    struct top_effects *fx);
/* 1 with the reason in the status line when operations are queued or
 * running. */
int top_profiles_busy(struct top_state *s);
/* TA_SWITCHED. */
void top_profiles_switched(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* ---- top_evac.c ---- */

/* E: the evacuation plan of the node under the cursor (nodes view) or
 * of the selected guest's node. */
void top_open_evac(struct top_state *s, struct top_effects *fx);
/* A key in the E view: 1 when it was the view's. */
int top_evac_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* TA_EVAC_PLAN, TA_EVAC_DONE. */
void top_evac_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* How many rows the E view lists. */
int top_evac_len(const struct top_state *s);
/* Free the plan s holds. */
void top_evac_free(struct top_state *s);

/* ---- top_iso.c ---- */

/* I: list the ISO images and templates of every storage holding them. */
void top_fetch_iso(struct top_state *s, struct top_effects *fx);
void top_backup_reads(struct top_state *s, struct top_effects *fx);
/* Is pxtop's first list of bit (TOP_F_STORAGE, TOP_F_NODES) still on its
 * way, n its rows so far?  A view read from it waits for it then. */
static inline int
top_first_list_due(const struct top_state *s, int bit, int n)
{
	return n == 0 && (s->loading & bit) != 0;
}
/* d in the ISO library: queue the delete of the volume under the
 * cursor, with its pre-flight preview. */
void top_iso_delete(struct top_state *s, struct top_effects *fx);
/* TA_ISO_LIST and the TA_FETCH_FAILED of TOP_F_ISO (rows taken). */
void top_iso_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* C: an SSH session to the selected guest (px ssh). */
void top_ssh(struct top_state *s, struct top_effects *fx);
/* u and w in the ISO library: open their prompt. */
void top_iso_ask(struct top_state *s, enum top_input in);
/* The path (u) or URL [ALG:HEX] (w) typed: queue the upload or the
 * download to the storage under the cursor, with its preview. */
void top_iso_prompt_done(struct top_state *s, struct top_effects *fx);
/* An upload or download ended (TA_OP_DONE): the library read again,
 * a refusal in the status line. */
void top_iso_op_done(struct top_state *s, const struct top_op *o,
    struct top_effects *fx);

/* ---- top_bcast.c: agent broadcast (X) ---- */

/* X: ask for the command (the marked guests, or the selected one). */
void top_bcast_ask(struct top_state *s);
/* The command typed: queue it for every running VM of the batch, the
 * others refused here; the result view remembers them all. */
void top_bcast_prompt_done(struct top_state *s, struct top_effects *fx);
/* x: the last broadcast's result view. */
void top_bcast_open(struct top_state *s);
/* A key in the result view: 1 when it was the view's. */
int top_bcast_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* The confirmed exec operations are running: their rows too, and the
 * result view shows (top_run_ops). */
void top_bc_started(struct top_state *s);
/* Exec operation o ended (TA_OP_DONE). */
void top_bc_done(struct top_state *s, const struct top_op *o);
/* TA_BC_OUT (rows taken). */
void top_bcast_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
const char *top_bcast_footer(const struct top_state *s);
void top_bcast_free(struct top_state *s);

/* ---- top_appr.c: approvals (A) ---- */

/* A: show the approvals queue and read it. */
void top_appr_open(struct top_state *s, struct top_effects *fx);
/* Read the queue again on a tick while the view shows. */
void top_appr_tick(struct top_state *s, struct top_effects *fx);
/* A key in the view (a d h R Enter Esc, and the key after a or d): 1
 * when it was the view's. */
int top_appr_key(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* TA_APPR_LIST, TA_APPR_DONE, TA_OP_AWAIT (rows taken). */
void top_appr_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
const char *top_appr_footer(const struct top_state *s);
void top_appr_free(struct top_state *s);

#endif
