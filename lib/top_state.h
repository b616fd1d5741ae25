/*
 * top_state.h -- pxtop's state and its reducer.
 *
 * The whole TUI is one struct top_state changed only by top_reduce:
 *
 *     top_reduce(state, action) -> state', effects
 *
 * with no I/O at all, and no clock (the time comes in with the actions):
 * keys, timer ticks, resizes and the answers of the API come in as
 * actions; what must happen outside (fetch, wait, preview
 * a risk, run an operation through the gate, quit) goes out as effects
 * that cmd/top runs in its event loop, whose results come back as
 * actions.  Rendering (top_render.h) reads the state and nothing else.
 * Tests drive the reducer directly (tests/unit/top_reducer.c).
 */
#ifndef PX_TOP_STATE_H
#define PX_TOP_STATE_H

#include <regex.h>

#include "pbs.h"
#include "pve_check.h"
#include "pve_cluster.h"
#include "pve_hamgr.h"
#include "pve_snaptree.h"
#include "pve.h"
#include "pve_guest.h"
#include "pve_node.h"
#include "pve_task.h"
#include "risk.h"

enum top_view {
	TOP_DASH, TOP_NODES, TOP_GUESTS, TOP_STORAGE, TOP_TASKS,
	TOP_QUEUE, TOP_AUDIT, TOP_GUEST, TOP_TASKLOG,
	TOP_BACKUPS,		/* B: backup board */
	TOP_SNAPTREE,		/* Z: snapshot tree of the selected guest */
	TOP_HW,			/* W: passthrough of the selected node */
	TOP_GREP,		/* G: config grep over every guest */
	TOP_HEAT,		/* H: API round-trip per node */
	TOP_COMPARE,		/* D: marked guests' configs side by side */
	TOP_HA,			/* O: the HA console */
	TOP_PROFILES,		/* P: the profile picker */
	TOP_EVAC,		/* E: evacuate a node (top_evac.c) */
	TOP_ISO,		/* I: ISO images and templates (top_iso.c) */
	TOP_BCAST,		/* X: agent broadcast results (top_bcast.c) */
	TOP_APPR,		/* A: approval requests (top_appr.c) */
	TOP_NVIEWS
};

/* Guest table columns that can be sorted (< and > move, o reverses). */
enum top_sort {
	TOP_SORT_VMID, TOP_SORT_NAME, TOP_SORT_NODE, TOP_SORT_STATUS,
	TOP_SORT_CPU, TOP_SORT_MEM, TOP_SORT_UPTIME,
	TOP_NSORT
};

/* What a fetch effect asks for (bits). */
enum {
	TOP_F_NODES = 1, TOP_F_GUESTS = 2, TOP_F_STORAGE = 4,
	TOP_F_TASKS = 8, TOP_F_ALL = 15,
	/* not refreshed by the timer: asked for by their views */
	TOP_F_BACKUPS = 16,	/* one storage's backups */
	TOP_F_UNPROT = 32,	/* /cluster/backup-info/not-backed-up */
	TOP_F_SNAPTREE = 64,
	TOP_F_HW = 128,		/* a node's PCI or USB list, a config */
	TOP_F_GREP = 256,	/* a guest's config for G */
	TOP_F_STATUS = 512,	/* the detail's status/current, on every
				   tick while it is open */
	TOP_F_PBS = 1024,	/* a PBS server's datastores, snapshots, gc */
	TOP_F_CMP = 2048,	/* a guest's config for D (id: vmid) */
	TOP_F_HA = 4096,	/* the HA console's resources and status */
	TOP_F_ISO = 8192	/* a storage's ISO images or templates */
};

/* The bits of TOP_F_ALL, what the timer refreshes: 1 << 0 .. 1 << 3. */
#define TOP_NREFRESH	4

/*
 * How long a refresh may go unanswered before pxtop and px fleet show
 * its profile as not answering: three refreshes missed, and never less
 * than TOP_STALE_MIN_MS, so that a short -d does not call a cluster that
 * is merely slow dead.  A fetch that fails shows at once; this is for
 * the one that hangs (TCP accepted, no answer), which libcurl gives up
 * on only after the profile's timeout times its retries (minutes with
 * the defaults), its last data on screen until then as if fresh.
 */
#define TOP_STALE_MIN_MS	10000
/* That time for a refresh every interval_ms, in milliseconds. */
long top_stale_ms(long interval_ms);

/* Probes per node on the heatmap, one after the other. */
#define TOP_PROBES	5

/* A node's probes on the heatmap (H). */
struct top_probe {
	char node[64];
	int online;
	double ms[TOP_PROBES];	/* round-trip times, < 0: failed */
	int n;			/* probes answered */
	char err[128];		/* the last failure */
};

/* A config line that matches the G pattern. */
struct top_grepline {
	int vmid;
	char key[64];
	char value[192];
};

/* A passthrough entry of a QEMU guest's config, for the W view. */
struct top_hwuse {
	int vmid;
	struct pve_passthru p;
};

/* Backups older than this are red on the backup board (as px
 * backup-info --max-age), older than a day yellow. */
#define TOP_BACKUP_OLD	(7 * 86400)

/* The newest backup of a guest, for the backup board. */
struct top_backup {
	int vmid;
	long long ctime;
	char storage[64];
};

/* The PBS servers the backup board reads ([pbs NAME] profiles of
 * px.conf, set by cmd/top after top_state_init), and how often it reads
 * them again while the board is shown (listing every snapshot of a
 * datastore is heavier than the PVE refresh). */
#define TOP_NPBS	8
#define TOP_PBS_EVERY	30

/* The newest PBS snapshot of a guest (backup type vm or ct, backup id
 * its VMID) over every datastore of every PBS server. */
struct top_pbs_backup {
	int vmid;
	long long time;
	char where[96];		/* "PROFILE:STORE" */
	char verify[16];	/* ok, failed, none */
	int protected_;
	int nsnaps;		/* snapshots of the guest over all of them */
};

/* A datastore of a PBS server, with its garbage collection. */
struct top_pbs_store {
	char profile[64];
	struct pbs_store st;	/* usage, estimated full date */
	struct pbs_gc gc;
	int gc_known;		/* its gc has answered */
	struct top_pbs_backup *bk;	/* its newest snapshot per guest */
	int nbk;
};

/* Where the one-line input goes. */
enum top_input {
	TOP_IN_NONE, TOP_IN_SEARCH, TOP_IN_FILTER, TOP_IN_TAG,
	TOP_IN_MIGRATE,		/* m: the target node */
	TOP_IN_SNAPNAME,	/* n: the snapshot's name */
	TOP_IN_STORAGE,		/* b: the backup storage */
	TOP_IN_GREP,		/* G: text, or /regex/ */
	TOP_IN_CMD,		/* the : command palette */
	TOP_IN_QUICK,		/* C-k quick open */
	TOP_IN_EXEC,		/* X: the command for the guest agents */
	TOP_IN_UPLOAD,		/* u in I: a local file to upload */
	TOP_IN_URL		/* w in I: URL [ALG:HEX] to download */
};

/* A candidate of the quick open (C-k). */
enum top_quick_kind { TOP_Q_VIEW, TOP_Q_NODE, TOP_Q_STORAGE, TOP_Q_GUEST };

struct top_quick {
	enum top_quick_kind kind;
	int idx;		/* view, or index in nodes, storages, guests */
	char label[96];
};

#define TOP_NQUICK	8

struct pve_evac_plan;

enum top_op_state {
	TOP_OP_PREVIEW,		/* the pre-flight check is running */
	TOP_OP_READY,		/* previewed, waits for confirmation */
	TOP_OP_RUNNING,		/* sent through the gate */
	TOP_OP_OK,
	TOP_OP_FAILED,		/* the call or its task failed */
	TOP_OP_REFUSED		/* the gate refused it (read-only, freeze,
				   risk, approval) */
};

/* The longest command line (X), local path (u) or URL (w) typed. */
#define TOP_TEXT	1024

/* One entry of the operation queue: an action on one guest. */
struct top_op {
	int id;
	struct pve_guest g;	/* as it was when queued */
	char action[16];	/* start, shutdown, reboot, delete, migrate,
				   snapshot, backup */
	char arg[64];		/* migrate: target node; snapshot: name;
				   backup: storage; else "" */
	enum top_op_state st;
	int previewed;		/* risk holds the preview */
	struct risk_report risk;
	char upid[256];
	char msg[512];		/* the gate's refusal, the task's error */
	double pct;		/* running: from its task log, -1 unknown */
	char line[160];		/* running: the task log's latest line */
	char volid[256];	/* rmvolume: the volume (g.node its node) */
	/* exec: the command line (split into words when run); upload: the
	 * local file; download-url: the URL */
	char text[TOP_TEXT];
	char sum[160];		/* upload, download-url: "alg:hex" or "" */
	/* running: waiting for a human's approval on Telegram since
	 * (epoch, 0: not waiting), under policy */
	long long await_since;
	char await_policy[64];
};

/* A row of the audit timeline. */
struct top_audit_row {
	long long id, time;
	char action[32], target[48], decision[64], result[96];
};

#define TOP_SPARK	32	/* samples kept per node for sparklines */

/* ---- guest compare (D), lib/top_compare.c ---- */

#define TOP_CMP_MAX	8	/* guests compared at once */
#define TOP_CMP_VALUE	1024	/* bytes kept of one value (sanitized) */

/* One guest's column: its config as it came, sanitized. */
struct top_cmp_col {
	struct pve_guest g;	/* as it was when compared */
	int got;		/* 0 awaited, 1 read, -1 failed (err) */
	char err[160];
	struct pve_kv *cfg;	/* sorted by key */
	int ncfg;
};

/* One key of the compare: how it differs over the columns read. */
enum top_cmp_diff { TOP_CMP_SAME, TOP_CMP_DIFF, TOP_CMP_MISSING };

struct top_cmp_row {
	char key[64];
	enum top_cmp_diff diff;
};

struct top_compare {
	struct top_cmp_col col[TOP_CMP_MAX];
	int n;			/* columns */
	int left;		/* the first column shown (Left/Right) */
	int only_diff;		/* = : the differing keys only */
	struct top_cmp_row *rows;
	int nrows;
	int ndiff, nmissing;	/* over every key, not only those shown */
	int pending;		/* configs still awaited */
	enum top_view back;	/* where Esc goes */
};

/* ---- approvals (A), lib/top_appr.c ---- */

#define TOP_APPR_MAX	256	/* rows of the queue shown, newest first */
#define TOP_APPR_FINAL	50	/* finished ones of them, the recent (h) */
#define TOP_APPR_TEXT	2048	/* bytes of a request's text (Enter) */

/* A row of the approvals queue (approvals.db, lib/approvals.h) as cmd/top
 * read it: every text sanitized and bounded there, and whether the
 * operator may answer it (the [policy]'s local_approver, four eyes). */
struct top_appr_row {
	long long id;
	char state[16];		/* pending, asked, approved, ... */
	int final;		/* done, failed, denied, expired, ... */
	long long created;
	char requester[96];	/* user@host who queued it */
	char action[32], kind[32];
	char summary[256];
	char policy[64];	/* "-": only --approve-async asked */
	char risk[256];		/* the pre-flight findings queued with it */
	char approver[96];	/* who answered, once answered */
	char result[160];
	int intact;		/* the seal matches */
	int may;		/* 1: the operator may approve and deny */
	int own;		/* the operator asked for it (no approve) */
	char why[160];		/* why the keys are refused (may 0) */
	char text[TOP_APPR_TEXT];	/* the requests, one a line */
};

struct top_appr {
	struct top_appr_row *rows;	/* newest first */
	int n;
	int read;		/* the queue was read once */
	int loading;
	int all;		/* h: the final rows too */
	int open;		/* Enter: the request of the row shown */
	char confirm;		/* 'a' approve, 'd' deny: asks y */
	long long confirm_id;
	int deciding;		/* an answer is on its way */
	char err[256];		/* the last read's failure */
	char me[96];		/* the operator: user@host (cmd/top) */
};

/* ---- HA console (O), lib/top_ha.c ---- */

/* A service of the HA manager's status (manager_status, status/current)
 * joined with its resource's configuration. */
struct top_ha_row {
	struct pve_ha_resource r;	/* the configuration: requested
					   state, group, max_* */
	char node[64];		/* where the manager has it */
	char crm[32];		/* the manager's state: started, stopped,
				   migrate, relocate, fence, recovery,
				   error, freeze, ... */
	char target[64];	/* migrate, relocate: the node it goes to */
	char failed[128];	/* nodes it failed to start on */
	char rules[128];	/* the HA rules that name it (PVE 9) */
};

#define TOP_HA_NODES	64
#define TOP_HA_HIST	64	/* transitions kept */

/* A change the console saw between two reads of the manager status. */
struct top_ha_event {
	long long time;
	char sid[64];		/* "" for a node or the master */
	char text[160];
};

struct top_ha {
	struct pve_ha_resource *res;	/* /cluster/ha/resources */
	int nres, res_known;
	struct pve_ha_status *cur;	/* /cluster/ha/status/current */
	int ncur, cur_known;
	struct pve_ha_manager mgr;	/* .../manager_status */
	int mgr_known;
	struct pve_ha_rule *rules;	/* PVE 9 (absent on PVE 8) */
	int nrules;
	struct top_ha_row *rows;	/* by SID */
	int nrows;
	/* the last manager status seen, for the history */
	struct pve_ha_manager prev;
	int prev_known;
	struct top_ha_event hist[TOP_HA_HIST];	/* oldest first */
	int nhist;
	long long since;	/* epoch of the first read */
	int pending;		/* answers still awaited this read */
	char err[256];		/* the last read that failed */
	/* the prompt of s, m, r: what, typed text */
	int ask;		/* 0, or 's' state, 'm' migrate, 'r'
				   relocate */
	char entry[64];
	char ask_sid[64];
};

/* ---- profile picker (P), lib/top_profiles.c ---- */

#define TOP_NPROF	64

struct top_prof {
	char name[64];
	char url[128];		/* sanitized */
	int read_only;
};

/* ---- agent broadcast (X), lib/top_bcast.c ---- */

#define TOP_BC_MAX	64	/* guests of one broadcast */
#define TOP_BC_OUT	(64 * 1024)	/* bytes kept of a guest's stdout,
					   and of its stderr */
#define TOP_BC_PAR	8	/* commands running at once */

/* One guest of the broadcast and what its command did. */
struct top_bc_row {
	struct pve_guest g;
	int op;			/* its queue entry, 0 when refused here */
	enum top_op_state st;	/* as its queue entry; REFUSED when not
				   sent (not running, a container) */
	long long exitcode, signal;	/* -1 when none */
	char *out, *err;	/* sanitized, bounded; NULL none */
	int out_trunc, err_trunc;	/* the agent's, or ours */
	int nout, nerr;		/* their lines (counted once) */
	char msg[256];		/* why refused or failed */
	int open;		/* Enter: its output shown */
};

/* The output of one guest's command, the rows of TA_BC_OUT. */
struct top_bc_out {
	long long exitcode, signal;
	char *out, *err;	/* as the agent sent them (raw: the reducer
				   sanitizes and bounds them) */
	int out_trunc, err_trunc;
};

struct top_bcast {
	char cmd[TOP_TEXT];	/* as typed */
	struct top_bc_row row[TOP_BC_MAX];
	int n;
	enum top_view back;	/* where Esc goes */
};

struct top_state {
	enum top_view view;
	enum top_view back;	/* where Esc returns from a detail */
	int help;		/* the keymap overlay is shown */
	int help_top;		/* its first line shown (it scrolls on a
				   short terminal) */
	int confirm;		/* the confirmation dialog is open */
	int quit;
	int lines, cols;
	char profile[64];
	int read_only;
	long interval_ms;	/* -d */

	/* data, each replaced whole by its fetch */
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	struct pve_storage *storages;
	int nstorages;
	struct pve_task *tasks;
	int ntasks;
	double spark[64][TOP_SPARK];	/* per node (by index in nodes),
					   CPU, oldest first */
	char spark_node[64][64];
	int loading;		/* TOP_F_* bits in flight */
	char fetch_err[512];	/* the last fetch that failed, or "" */
	long long updated;	/* epoch of the last answer (from actions) */
	long long now;		/* epoch, as the last action that knew it
				   said */
	/* the refresh, per bit of TOP_F_ALL (1 << i): when the fetch in
	 * flight was asked (0 unknown) and when it last answered (0
	 * never); the bits in flight for top_stale_ms or longer */
	long long asked[TOP_NREFRESH], got[TOP_NREFRESH];
	int stale;

	/* guest table */
	enum top_sort sort;
	int sort_desc;
	int running_only;
	char filter[64];	/* "node:pve1", "tag:prod", "status:...",
				   "pool:...", or text */
	int *vis;		/* indices into guests, filtered and sorted */
	int nvis;

	/* the other lists: indices after the search */
	int *vnodes, nvnodes, *vstor, nvstor, *vtasks, nvtasks;

	/* cursor and first shown row, per view */
	int cur[TOP_NVIEWS], top[TOP_NVIEWS];

	enum top_input input;
	char search[64];	/* incremental search, all lists */
	char entry[TOP_TEXT];	/* the line being typed */

	int *marked;		/* VMIDs selected with Space, V or t */
	int nmarked;

	struct top_op *ops;
	int nops;
	int next_op;

	/* guest detail */
	int detail_vmid;
	struct pve_kv *cfg;
	int ncfg;
	struct pve_snapshot *snaps;
	int nsnaps;
	double *rrd;		/* the last hour: cpu[nrrd], then mem use
				   (fraction of maxmem)[nrrd]; NaN unknown */
	int nrrd;
	struct pve_guest_status live;	/* its status/current, refreshed on
					   every tick */
	int live_known;

	/* task log */
	char log_upid[256];
	struct pve_log_line *log;
	int nlog;
	int log_running;

	struct top_audit_row *audit;
	int naudit;

	/* backup board (B): newest backup per VMID over every storage that
	 * holds backups, and the guests no backup job covers */
	struct top_backup *bk;
	int nbk;
	int *unprot;
	int nunprot;
	int unprot_known;	/* not-backed-up has answered */
	int bk_pending;		/* storage contents still awaited */
	int bk_wait;		/* asked before the storage list came:
				 * read when it does */
	int probe_wait;		/* H before the node list came: probed
				 * when it does */
	int bk_failed;		/* storages that did not answer */
	long long bk_now;	/* epoch of the last answer: ages from it */

	/* the PBS part of the backup board */
	char pbs[TOP_NPBS][64];	/* the PBS profiles read (set by cmd/top) */
	int npbs;
	struct top_pbs_store *pst;	/* sorted by profile, store */
	int npst;
	struct top_pbs_backup *pbk;	/* sorted by VMID */
	int npbk;
	int pbs_pending;	/* answers still awaited this round */
	int pbs_failed;		/* answers that failed this round */
	char pbs_err[256];	/* the last failure */
	long long pbs_asked;	/* epoch the last round started */

	/* snapshot tree (Z) */
	int tree_vmid;
	struct pve_guest tree_guest;
	struct pve_snapnode *tree;
	int ntree;
	int tree_loading;

	/* hardware passthrough (W) of one node */
	char hw_node[64];
	struct pve_pci *pci;
	int npci;
	struct pve_usb *usb;
	int nusb;
	struct top_hwuse *hwuse;
	int nhwuse;
	int hw_pending;		/* answers still awaited */
	int hw_wait;		/* W before the guest list came: its
				 * configs read when it does */

	/* config grep (G) */
	char grep[64];		/* as typed: text, or /regex/ */
	int grep_is_re;
	regex_t grep_re;	/* compiled when grep_is_re */
	struct top_grepline *gl;
	int ngl;
	int grep_pending;	/* configs still awaited */
	int grep_asked;		/* configs asked for */
	int grep_failed;
	int grep_wait;		/* G before the guest list came: read
				 * when it does */

	/* quick open (C-k): the best candidates for the typed text */
	struct top_quick quick[TOP_NQUICK];
	int nquick;
	int quick_more;		/* matches beyond those shown */
	int quick_cur;

	/* heatmap (H) */
	struct top_probe probes[64];
	int nprobes;
	int probe_pending;	/* nodes still probing */

	/* evacuate (E, lib/top_evac.c): the plan of one node, its run */
	char evac_node[64];
	struct pve_evac_plan *evac;	/* the plan shown, or NULL */
	int evac_gen;		/* the plan asked for last */
	int evac_loading;
	int evac_local;		/* l: local disks copied along */
	int evac_confirm;	/* its dialog is open */
	int evac_running;	/* its run is on its way */
	int evac_op0;		/* the queue id of its first guest */
	char evac_msg[256];	/* the plan's failure, or the run's end */
	/* ISO library (I): ISO images and container templates of every
	 * storage that holds them, a shared storage once (top_iso.c) */
	struct pve_volume *iso;	/* sorted by content, volid, node */
	int niso;
	int iso_pending;	/* storage contents still awaited */
	int iso_failed;		/* storages that did not answer */
	int iso_wait;		/* asked before the storage list came:
				 * read when it does */

	char status[256];	/* the status line: refusals, errors */

	struct top_compare cmp;	/* D */
	struct top_ha ha;	/* O */
	struct top_prof profs[TOP_NPROF];	/* P: the PVE profiles of
						   px.conf (set by cmd/top) */
	int nprofs;
	char switching[64];	/* the profile being switched to, or "" */
	/* time travel ([ ] { }, lib/top_past.h): the lists shown are a
	 * recorded refresh and the live ones wait here; NULL: live */
	struct top_past *past;
	struct top_bcast bc;	/* X: the last agent broadcast */
	struct top_appr ap;	/* A: the approvals queue */
};

enum top_act_type {
	TA_START,	/* the loop is up: fetch everything, arm the timer */
	TA_KEY,		/* key: "j", "Enter", "C-c", ...; text keys as text */
	TA_TICK,	/* the refresh timer fired: a refresh on its way for
			   longer than top_stale_ms shows as not answering */
	TA_RESIZE,	/* lines, cols */
	TA_NODES,	/* rows: struct pve_node[n] (moved into the state) */
	TA_GUESTS,	/* rows: struct pve_guest[n] */
	TA_STORAGE,	/* rows: struct pve_storage[n] */
	TA_TASKS,	/* rows: struct pve_task[n] */
	TA_FETCH_FAILED,	/* what: TOP_F_* bit, msg */
	TA_CONFIG,	/* id: vmid, rows: struct pve_kv[n] */
	TA_SNAPSHOTS,	/* id: vmid, rows: struct pve_snapshot[n] */
	TA_TASKLOG,	/* upid, rows: struct pve_log_line[n], rc: 1 running */
	TA_AUDIT,	/* rows: struct top_audit_row[n] */
	TA_RISK,	/* id: op, risk */
	TA_OP_SUBMITTED,	/* id: op, upid */
	TA_OP_DONE,	/* id: op, rc (0 ok, -1 failed, -2 refused), msg */
	TA_SIGNAL,	/* SIGTERM, SIGHUP, SIGINT: quit */
	TA_UNPROTECTED,	/* rows: struct pve_unprotected[n], now */
	TA_BACKUPS,	/* rows: struct pve_volume[n] of one storage, now */
	TA_SNAPTREE,	/* id: vmid, rows: struct pve_snapnode[n] */
	TA_HW_PCI,	/* upid: node, rows: struct pve_pci[n] */
	TA_HW_USB,	/* upid: node, rows: struct pve_usb[n] */
	TA_PASSTHRU,	/* id: vmid, upid: node, rows: struct
			   pve_passthru[n] */
	TA_GREPCFG,	/* id: vmid, rows: struct pve_kv[n] */
	TA_PROBE,	/* upid: node, rc: 0 or -1 (msg), ms */
	TA_NOTICE,	/* msg: for the status line */
	TA_RRD,		/* id: vmid, rows: double[2 * n] (see rrd) */
	TA_GUEST_STATUS,	/* id: vmid, rows: struct pve_guest_status[1] */
	TA_OP_PROGRESS,	/* id: op, pct (-1 unknown), msg: the task log's
			   latest line (may be "") */
	TA_PBS_STORES,	/* upid: PBS profile, rows: struct pbs_store[n]
			   (datastore-usage) */
	TA_PBS_SNAPS,	/* upid: profile, store, rows: struct
			   pbs_snapshot[n] */
	TA_PBS_GC,	/* upid: profile, store, rows: struct pbs_gc[1] */
	TA_CMPCFG,	/* id: vmid, rows: struct pve_kv[n] (D) */
	TA_HA_RES,	/* rows: struct pve_ha_resource[n] */
	TA_HA_CUR,	/* rows: struct pve_ha_status[n] */
	TA_HA_MGR,	/* rows: struct pve_ha_manager[1] */
	TA_HA_RULES,	/* rows: struct pve_ha_rule[n] */
	TA_SWITCHED,	/* upid: profile; rc: 0 read-write, 1 read-only,
			   -1 failed (msg): the client is on it now */
	TA_PAST,	/* id: -1 back, 1 forward; rc 0: rows: a struct
			   tcache_frame (lib/top_past.h), rc 1: none that
			   way, -1: msg */
	TA_EVAC_PLAN,	/* id: plan asked, rc 0: rows struct pve_evac_plan[1],
			   rc -1: msg */
	TA_EVAC_DONE,	/* id: plan, rc 0 ok, -1 failed, -2 refused; msg */
	TA_ISO_LIST,	/* upid: node, store: storage, rows: struct
			   pve_volume[n] (its iso or vztmpl content) */
	TA_BC_OUT,	/* id: op of an exec, rows: struct top_bc_out[1] */
	TA_APPR_LIST,	/* rc 0: rows: struct top_appr_row[n]; -1: msg */
	TA_APPR_DONE,	/* id: approval, rc 0 decided, -1 refused (msg),
			   msg: what was done */
	TA_OP_AWAIT,	/* id: op, n: seconds it waited for a human's
			   approval, msg: the policy; rc 1: answered */
};

struct top_action {
	enum top_act_type type;
	const char *key;	/* TA_KEY: a key name or the typed text */
	int text;		/* TA_KEY: key is typed text */
	int lines, cols;	/* TA_RESIZE */
	int what;		/* TA_FETCH_FAILED */
	void *rows;		/* owned by the state after top_reduce */
	int n;
	int id;
	int rc;
	long long now;		/* epoch when it happened (cmd/top stamps
				   every action; an answer's is "updated");
				   0: the state keeps its last */
	double ms;		/* TA_PROBE: the round-trip time */
	double pct;		/* TA_OP_PROGRESS */
	struct risk_report risk;
	char upid[256];
	char store[64];		/* TA_PBS_SNAPS, TA_PBS_GC, and their
				   TA_FETCH_FAILED */
	char msg[512];
};

enum top_eff_type {
	TE_FETCH,	/* what: TOP_F_* bits */
	TE_TIMER,	/* ms: arm the refresh timer once */
	TE_DETAIL,	/* g: config and snapshots of a guest */
	TE_TASKLOG,	/* upid */
	TE_AUDIT,	/* read the audit log */
	TE_RISK,	/* id: op, g, action, n: batch size */
	TE_RUN,		/* id: op, g, action, n: batch size */
	TE_QUIT,
	TE_UNPROTECTED,	/* GET /cluster/backup-info/not-backed-up */
	TE_BACKUPS,	/* g.node, arg: storage: its backup content */
	TE_SNAPTREE,	/* g: its snapshots */
	TE_HW,		/* g.node: its PCI and USB devices */
	TE_PASSTHRU,	/* g: its config's passthrough entries */
	TE_GREPCFG,	/* g: its config, for G */
	TE_PROBE,	/* g.node: one timed GET /nodes/{node}/status */
	TE_PROFILE,	/* arg: switch pxtop to that profile: a new client,
			   answered by TA_SWITCHED */
	TE_GUEST_STATUS,	/* g: GET its status/current */
	TE_CONSOLE,	/* g: its console (px console), pxtop paused */
	TE_PBS,		/* upid: PBS profile: its datastore-usage */
	TE_PBS_STORE,	/* upid: profile, arg: store: its snapshots, gc */
	TE_CMPCFG,	/* g: its config, for D */
	TE_HA,		/* read the HA resources, status, rules */
	TE_PAST,	/* id: -1 back, 1 forward, from the refresh at at,
			   ms: by this many seconds (0: one refresh) */
	TE_EVAC_PLAN,	/* id: plan, g.node, n: 1 local disks along */
	TE_EVAC_RUN,	/* id: that plan, g.node, n: queue id of its first
			   guest (the others follow) */
	TE_ISO_LIST,	/* g.node, arg: storage, action: iso or vztmpl:
			   that content of the storage */
	TE_SSH,		/* g: px ssh to it, pxtop paused */
	TE_APPR_LIST,	/* read the approvals queue */
	TE_APPR_DECIDE,	/* id: approval, n: 1 approve, 0 deny (checked
			   again there: approver, four eyes, seal) */
};
/* TE_RISK and TE_RUN of exec, upload and download-url carry text and
 * sum of their struct top_op. */

struct top_effect {
	enum top_eff_type type;
	int what;
	long ms;
	int id;
	int n;
	char action[16];
	char arg[64];		/* TE_RISK, TE_RUN: as in struct top_op */
	char upid[256];
	struct pve_guest g;
	long long at;		/* TE_PAST */
	char text[TOP_TEXT];	/* TE_RISK, TE_RUN: as in struct top_op */
	char sum[160];
	long long appr;		/* TE_APPR_DECIDE: the approval's id */
};

struct top_effects {
	struct top_effect *e;
	int n, cap;
};

/* The state before TA_START: the dashboard of profile (copied), a
 * refresh every interval_ms (3000 if not > 0), a screen of lines x cols.
 * Owns nothing yet; top_state_free releases what it comes to hold. */
void top_state_init(struct top_state *s, const char *profile, int read_only,
    long interval_ms, int lines, int cols);
/* Free everything s holds (rows, lists, queue, detail) and zero it. */
void top_state_free(struct top_state *s);
/* Apply a to s and append what must happen to fx.  Never does I/O.  The
 * rows of a move into s (a->rows is freed by s from then on). */
void top_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx);
/* Empty fx for the next action, keeping its memory. */
void top_effects_clear(struct top_effects *fx);
/* Free fx's memory and zero it. */
void top_effects_free(struct top_effects *fx);

/* Helpers the renderer shares. */
/* The title of view v and the name of sort column k (static strings,
 * "?" when out of range). */
const char *top_view_name(enum top_view v);
const char *top_sort_name(enum top_sort k);
/* Is vmid marked (Space, V, t)?  1 or 0. */
int top_is_marked(const struct top_state *s, int vmid);
/* The guest under the cursor of the guest table, or NULL. */
const struct pve_guest *top_cur_guest(const struct top_state *s);
/* The keymap overlay's lines (?), and how many of them fit at once. */
extern const char *const top_keymap[];
extern const int top_nkeymap;
int top_help_rows(const struct top_state *s);
/* Rows of the body (the screen less header, tabs, status, footer). */
int top_body_lines(const struct top_state *s);
/* The key list of the footer for the current view and mode. */
const char *top_footer(const struct top_state *s);
/* The newest backup of vmid on the backup board, or NULL. */
const struct top_backup *top_backup_of(const struct top_state *s, int vmid);
/* The newest PBS snapshot of vmid, or NULL. */
const struct top_pbs_backup *top_pbs_backup_of(const struct top_state *s,
    int vmid);
/* Does a backup job cover vmid: 1, 0, or -1 while not known. */
int top_backup_job(const struct top_state *s, int vmid);
/* The guests of the W view that use PCI device i (npci) or USB device
 * i - npci, as "100 101" into buf; returns how many distinct guests. */
int top_hw_users(const struct top_state *s, int i, char *buf, size_t n);
/* The heatmap's bucket of a time: 0 fast (< 50 ms), 1 ok (< 200), 2 slow
 * (< 1 s), 3 very slow, as px heatmap; -1 for a failed probe. */
int top_bucket(double ms);
/* Median and worst of a node's answered probes; -1 with none. */
double top_probe_median(const struct top_probe *p);
double top_probe_worst(const struct top_probe *p);
/* Does the config line "key: value" match the G pattern of s? */
int top_grep_match(const struct top_state *s, const char *key,
    const char *value);
/* Is the refresh not answering?  0 if not; else 1, with *wait the
 * seconds its oldest hung fetch has waited and *since the epoch of the
 * oldest data that left on screen (0: none came yet). */
int top_stale(const struct top_state *s, long long *wait, long long *since);
/* The volume under the cursor of the ISO library, or NULL. */
const struct pve_volume *top_iso_cur(const struct top_state *s);
/* Does storage st hold ISO images or container templates that the
 * library lists (content iso or vztmpl, available)? */
int top_holds_iso(const struct pve_storage *st);
/* The rows of the approvals view: the queue's (final ones only with
 * h), then pxtop's own operations waiting for approval.  Row i: *r the
 * queue's row or *o the operation (the other NULL); returns how many
 * rows when i < 0. */
int top_appr_nth(const struct top_state *s, int i,
    const struct top_appr_row **r, const struct top_op **o);
/* Does text match the search (case-insensitive, in order, gaps allowed)? */
int top_fuzzy(const char *text, const char *pattern);
/* Add a PVE profile of px.conf to the picker (P); cmd/top calls it after
 * top_state_init, and a switch keeps them.  Copied, sanitized. */
void top_profiles_set(struct top_state *s, const char *name,
    const char *url, int read_only);
/* Is action one of the HA console's (ha-state, ha-migrate, ha-relocate:
 * an HA resource's, the guest of the op names it)? */
int top_ha_action(const char *action);
/* The E view's footer (top_evac.c). */
const char *top_evac_footer(const struct top_state *s);
/* X: the words of a command line as px exec gets them from a shell:
 * split at blanks, '...' and "..." quote, \ escapes (no variables, no
 * globbing, no shell).  Up to max words into w (pointers into buf, of
 * n bytes); returns how many, or -1 with why (an open quote, too many
 * words, too long). */
int top_split_words(const char *line, char *buf, size_t n, char **w,
    int max, const char **why);
/* Text from a guest agent made safe to draw, in place: a terminal
 * control becomes '?' except LF (kept: lines) and TAB (a blank); CR
 * before LF and at the end is dropped.  Returns s. */
char *top_bc_sanitize(char *s);
/* The rows of the broadcast result view: a header per guest, then its
 * output lines when open.  row i: *guest its guest, *line -1 for the
 * header, else the index of the output line (stdout's, then stderr's);
 * returns how many rows when i < 0. */
int top_bc_rows(const struct top_state *s, int i, int *guest, int *line);
/* Output line k of guest row r (stdout's lines, then stderr's): its
 * text (not NUL-terminated) of *len bytes, *is_err for stderr. */
const char *top_bc_line(const struct top_bc_row *r, int k, size_t *len,
    int *is_err);

#endif
