/*
 * top_render.c -- what pxtop's views show for a known state, drawn into
 * libtickit's mock terminal; and the time of one frame of 10,000 guests
 * (printed as a TAP comment, not asserted; PX_TOP_FRAMES sets how many
 * frames are timed).
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "clock.h"
#include "pve_cluster.h"
#include "tap.h"
#include "top_draw.h"
#include "top_render.h"

#define LINES	30
#define COLS	160

static TickitMockTerm *mt;
static struct top_state S;
static struct top_effects FX;
static char screen[LINES][COLS * 4 + 1];

static void
draw(void)
{
	TickitRenderBuffer *rb = tickit_renderbuffer_new(S.lines, S.cols);

	top_render(&S, rb, 0);
	tickit_renderbuffer_flush_to_term(rb, (TickitTerm *)mt);
	tickit_renderbuffer_unref(rb);
	for (int i = 0; i < S.lines && i < LINES; i++)
		tickit_mockterm_get_display_text(mt, screen[i],
		    sizeof(screen[i]), i, 0, S.cols);
}

/* Is text on some line of the screen? */
static int
shows(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return 1;
	return 0;
}

static int
line_with(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return i;
	return -1;
}

static void
press(const char *k)
{
	struct top_action a = { .type = TA_KEY, .key = k };

	a.text = strlen(k) == 1;
	top_effects_clear(&FX);
	top_reduce(&S, &a, &FX);
}

static void
act(struct top_action *a)
{
	top_effects_clear(&FX);
	top_reduce(&S, a, &FX);
}

static struct pve_guest *
make_guests(int n)
{
	static const char *const st[] = { "running", "stopped", "running",
		"paused" };
	struct pve_guest *g = calloc((size_t)n, sizeof(*g));

	for (int i = 0; i < n; i++) {
		g[i].vmid = 100 + i;
		snprintf(g[i].name, sizeof(g[i].name), "guest-%05d", i);
		snprintf(g[i].node, sizeof(g[i].node), "pve%d", i % 3 + 1);
		snprintf(g[i].status, sizeof(g[i].status), "%s", st[i % 4]);
		snprintf(g[i].type, sizeof(g[i].type), i % 5 ? "qemu" : "lxc");
		snprintf(g[i].tags, sizeof(g[i].tags), i % 2 ? "prod" : "dev");
		g[i].cpu = (i % 100) / 100.0;
		g[i].mem = (uint64_t)i << 20;
		g[i].maxmem = 4ULL << 30;
		g[i].uptime = i % 4 == 0 ? 86400 + i : 0;
	}
	return g;
}

static void
setup(int nguests, int read_only)
{
	struct top_action a = { .type = TA_NODES };
	struct pve_node *n = calloc(3, sizeof(*n));
	struct pve_storage *s = calloc(1, sizeof(*s));
	struct pve_task *t = calloc(1, sizeof(*t));

	top_state_free(&S);
	top_state_init(&S, "sim", read_only, 3000, LINES, COLS);
	for (int i = 0; i < 3; i++) {
		snprintf(n[i].name, sizeof(n[i].name), "pve%d", i + 1);
		snprintf(n[i].status, sizeof(n[i].status), i == 2 ? "offline" :
		    "online");
		n[i].online = i != 2;
		n[i].cpu = 0.3;
		n[i].maxcpu = 16;
		n[i].maxmem = 64ULL << 30;
		n[i].mem = 16ULL << 30;
		n[i].uptime = 3600;
	}
	a.rows = n;
	a.n = 3;
	act(&a);
	memset(&a, 0, sizeof(a));
	a.type = TA_GUESTS;
	a.rows = make_guests(nguests);
	a.n = nguests;
	act(&a);
	snprintf(s->storage, sizeof(s->storage), "local-lvm");
	snprintf(s->node, sizeof(s->node), "pve1");
	snprintf(s->status, sizeof(s->status), "available");
	snprintf(s->plugintype, sizeof(s->plugintype), "lvmthin");
	s->disk = 95ULL << 30;
	s->maxdisk = 100ULL << 30;
	memset(&a, 0, sizeof(a));
	a.type = TA_STORAGE;
	a.rows = s;
	a.n = 1;
	act(&a);
	snprintf(t->upid, sizeof(t->upid), "UPID:pve2:1:2:3:vzdump:101:"
	    "root@pam:");
	snprintf(t->node, sizeof(t->node), "pve2");
	snprintf(t->type, sizeof(t->type), "vzdump");
	snprintf(t->id, sizeof(t->id), "101");
	snprintf(t->user, sizeof(t->user), "root@pam");
	snprintf(t->status, sizeof(t->status), "job errors");
	t->starttime = 1700000000;
	memset(&a, 0, sizeof(a));
	a.type = TA_TASKS;
	a.rows = t;
	a.n = 1;
	act(&a);
}

static void
test_views(void)
{
	struct top_action a;

	setup(6, 0);
	draw();
	ok(strstr(screen[0], "pxtop  sim  nodes 2/3  guests 3/6 running") != NULL,
	    "the header counts nodes online and guests running");
	ok(shows("1 Dashboard") && shows("3 Guests") && shows("Q Queue(0)"),
	    "the tabs name the views");
	ok(shows("Cluster sim: degraded"), "dashboard: a node offline is "
	    "degraded");
	ok(shows("guests 3 running, 2 stopped, 1 other"), "dashboard: "
	    "guests by state");
	ok(shows("local-lvm@pve1") && shows(" 95%"), "dashboard: storage "
	    "use");
	ok(shows("Recent failed tasks (1)") && shows("job errors"),
	    "dashboard: failed tasks");
	ok(strstr(screen[LINES - 1], "? keys") && strstr(screen[LINES - 1],
	    "q quit"), "the footer shows the keys");

	press("2");
	draw();
	ok(shows("NAME") && shows("pve3             offline"), "nodes view");
	press("3");
	draw();
	ok(shows("Guests: 6 of 6"), "guests view: counts");
	ok(shows("guest-00000") && shows("guest-00005"), "guests view: "
	    "every guest");
	ok(shows("VMID^"), "the sort column is marked");
	ok(strstr(screen[LINES - 1], "Space mark") != NULL, "the footer has the "
	    "guest keys");
	press("Space");
	draw();
	ok(screen[line_with("guest-00000")][0] == '*', "a marked guest "
	    "shows *");
	press("4");
	draw();
	ok(shows("local-lvm") && shows("lvmthin"), "storage view");
	press("5");
	draw();
	ok(shows("vzdump") && shows("job errors"), "tasks view");
	press("3");
	press("s");
	memset(&a, 0, sizeof(a));
	a.type = TA_RISK;
	a.id = S.ops[0].id;
	a.risk.n = 1;
	a.risk.worst = RISK_SEVERE;
	snprintf(a.risk.f[0].check, sizeof(a.risk.f[0].check), "Locked");
	snprintf(a.risk.f[0].detail, sizeof(a.risk.f[0].detail), "VM 100 is "
	    "locked (backup)");
	a.risk.f[0].level = RISK_SEVERE;
	act(&a);
	draw();
	ok(shows("Operation queue: 1"), "queue view");
	ok(shows("Severe Locked (refuse)"), "the pre-flight preview shows "
	    "a refusal to come");
	ok(shows("VM 100 is locked (backup)"), "with the finding's detail");
	press("y");
	draw();
	ok(shows("Run 1 operation through the gate on profile sim?") &&
	    shows("1 will be refused"), "the confirmation dialog");
	press("n");
	{
		struct top_action r = { .type = TA_RISK, .id = S.ops[0].id };
		struct top_action g = { .type = TA_OP_PROGRESS,
			.id = S.ops[0].id, .pct = 45 };

		act(&r);	/* previewed again: ready, then running */
		press("y");
		press("y");
		snprintf(g.msg, sizeof(g.msg), "INFO:  45%% (14.4 GiB of 32.0 "
		    "GiB) in 9s");
		act(&g);
		draw();
		ok(shows("running") && shows("[#####     ]  45%  INFO:  45% "
		    "(14.4 GiB"), "a running operation shows its task's "
		    "percent as a bar, and the log's latest line");
	}
	press("?");
	draw();

	ok(shows("pxtop keys") && shows("s start  S shutdown  r reboot"),
	    "? shows the keymap");
	{
		char want[64];

		/* counted, so that a key more does not break it */
		snprintf(want, sizeof(want), "pxtop keys  1-28 of %d  j/k "
		    "scroll", top_nkeymap);
		ok(shows(want) && shows("1 Dashboard  2 Nodes") &&
		    !shows(top_keymap[top_nkeymap - 1]), "on 30 lines the "
		    "keymap shows its first 28 lines and says so");
	}
	ok(strstr(screen[LINES - 1], "g/G scroll") != NULL, "the footer "
	    "says how to scroll it");
	press("G");
	draw();
	{
		char want[64];

		snprintf(want, sizeof(want), "pxtop keys  %d-%d of %d",
		    top_nkeymap - 27, top_nkeymap, top_nkeymap);
		ok(shows(want) && shows(top_keymap[top_nkeymap - 1]) &&
		    !shows("1 Dashboard  2 Nodes"), "G scrolls it to its last "
		    "line");
	}
	press("x");
	press("/");
	press("g");
	draw();
	ok(strstr(screen[LINES - 2], "/g_") != NULL, "the search line shows what is "
	    "typed");
}

static void
test_action_prompts(void)
{
	setup(6, 0);
	press("3");
	press("m");
	press("p");
	press("v");
	draw();
	ok(strstr(screen[LINES - 2], "migrate to node: pv_") != NULL,
	    "m prompts for the target node on the status line");
	ok(strstr(screen[LINES - 1], "Esc cancel") != NULL, "the footer "
	    "says how to cancel");
	press("e");
	press("2");
	press("Enter");
	draw();
	ok(shows("Operation queue: 1") && shows("migrate > pve2"), "the "
	    "queue shows the migration with its target");
	press("3");
	press("n");
	draw();
	ok(strstr(screen[LINES - 2], "snapshot name: _") != NULL, "n prompts "
	    "for a snapshot name");
	press("Escape");
	press("?");
	draw();
	ok(shows("d delete  m migrate") && shows("b backup"), "the keymap "
	    "lists d, m, n and b");
	press("x");
	press("3");
	draw();
	ok(strstr(screen[LINES - 1], "d delete  m migrate  n snapshot  b "
	    "backup") != NULL, "so does the guest view's footer");
}

static void
test_backup_board_and_tree(void)
{
	struct top_action a;
	struct pve_volume *v = calloc(2, sizeof(*v));
	struct pve_unprotected *u = calloc(1, sizeof(*u));
	struct pve_snapnode *t = calloc(3, sizeof(*t));

	setup(6, 0);
	press("B");
	v[0].vmid = 100;
	v[0].ctime = 1700000000 - 3600;
	v[1].vmid = 101;
	v[1].ctime = 1700000000 - 30 * 86400;
	for (int i = 0; i < 2; i++) {
		snprintf(v[i].content, sizeof(v[i].content), "backup");
		snprintf(v[i].storage, sizeof(v[i].storage), "pbs-main");
	}
	memset(&a, 0, sizeof(a));
	a.type = TA_BACKUPS;
	a.rows = v;
	a.n = 2;
	a.now = 1700000000;
	act(&a);
	u->vmid = 102;
	memset(&a, 0, sizeof(a));
	a.type = TA_UNPROTECTED;
	a.rows = u;
	a.n = 1;
	act(&a);
	draw();
	ok(shows("Backup board: 6 guests, 1 without a backup job, 5 with no "
	    "backup or one older than 7 days"), "the backup board counts "
	    "what is missing");
	ok(shows("LAST BACKUP") && shows("JOB"), "with its columns");
	ok(strstr(screen[line_with("guest-00000")], "1h") &&
	    strstr(screen[line_with("guest-00000")], "pbs-main") &&
	    strstr(screen[line_with("guest-00000")], "covered"), "a guest's "
	    "last backup: age, storage, job");
	ok(strstr(screen[line_with("guest-00001")], "30d") != NULL, "an old "
	    "one");
	ok(strstr(screen[line_with("guest-00002")], "never") &&
	    strstr(screen[line_with("guest-00002")], "none"), "a guest with "
	    "no backup and no job");
	ok(shows(" B Backups ") && shows(" Z Snapshots "), "the tabs name "
	    "the new views");
	ok(shows(" O HA ") && shows(" I ISO ") && !shows("Compare") &&
	    !shows("Evacuate"), "each tab shows its own key; views opened "
	    "from a selection have none");
	press("Z");
	snprintf(t[0].s.name, sizeof(t[0].s.name), "base");
	t[0].s.snaptime = 1690000000;
	snprintf(t[1].s.name, sizeof(t[1].s.name), "pre-upgrade");
	t[1].depth = 1;
	t[1].s.vmstate = 1;
	snprintf(t[1].s.description, sizeof(t[1].s.description), "before "
	    "9.1");
	t[2].current = 1;
	t[2].depth = 2;
	memset(&a, 0, sizeof(a));
	a.type = TA_SNAPTREE;
	a.id = 100;
	a.rows = t;
	a.n = 3;
	act(&a);
	draw();
	ok(shows("Snapshots of CT 100 (guest-00000) on pve1: 2"), "Z: the "
	    "snapshot tree of the board's guest");
	ok(shows("base ") && shows("  `- pre-upgrade") && shows("before 9.1"),
	    "as a tree, with descriptions");
	ok(shows("    `- NOW (current state)"), "and where the guest is now");
	ok(strstr(screen[LINES - 1], "Esc back") != NULL, "the footer says "
	    "how back");
}

static void
test_hardware_view(void)
{
	struct top_action a;
	struct pve_pci *pci = calloc(1, sizeof(*pci));
	struct pve_passthru *pt;

	setup(6, 0);
	press("2");
	press("W");
	snprintf(pci->id, sizeof(pci->id), "0000:41:00.0");
	snprintf(pci->class, sizeof(pci->class), "0x0300");
	snprintf(pci->vendor_name, sizeof(pci->vendor_name), "NVIDIA");
	snprintf(pci->device_name, sizeof(pci->device_name), "GA102");
	pci->iommugroup = 42;
	memset(&a, 0, sizeof(a));
	a.type = TA_HW_PCI;
	snprintf(a.upid, sizeof(a.upid), "pve1");
	a.rows = pci;
	a.n = 1;
	act(&a);
	for (int vmid = 103; vmid <= 106; vmid += 3) {
		memset(&a, 0, sizeof(a));
		a.type = TA_PASSTHRU;
		a.id = vmid;
		snprintf(a.upid, sizeof(a.upid), "pve1");
		pt = calloc(1, sizeof(*pt));
		snprintf(pt->key, sizeof(pt->key), "hostpci1");
		snprintf(pt->kind, sizeof(pt->kind), "pci");
		snprintf(pt->host, sizeof(pt->host), "0000:41:00.0");
		a.rows = pt;
		a.n = 1;
		act(&a);
	}
	draw();
	ok(shows("Hardware of pve1: 1 PCI, 0 USB devices; 1 passed through"),
	    "W: the node's devices and how many are passed through");
	ok(shows("0000:41:00.0") && shows("NVIDIA") && shows(" 42 "),
	    "a PCI device with its IOMMU group");
	ok(shows("103(hostpci1) 106(hostpci1)  CONFLICT"), "which guests use "
	    "it, a conflict when several do");
}

static void
test_grep_view(void)
{
	struct top_action a = { .type = TA_GREPCFG, .id = 104 };
	struct pve_kv *kv = calloc(1, sizeof(*kv));

	setup(6, 0);
	press("G");
	press("v");
	press("m");
	draw();
	ok(strstr(screen[LINES - 2], "grep configs: vm_") != NULL, "G prompts "
	    "for a pattern");
	press("b");
	press("r");
	press("1");
	press("Enter");
	snprintf(kv->key, sizeof(kv->key), "net1");
	kv->value = strdup("virtio=BC:24:11:00:00:01,bridge=vmbr1,tag=20");
	a.rows = kv;
	a.n = 1;
	act(&a);
	draw();
	ok(shows("Config grep vmbr1: 1 line in 1 guest, 1 of 6 configs read"),
	    "the grep view counts lines, guests and configs read");
	ok(shows("guest-00004") && shows("net1") && shows("bridge=vmbr1,"
	    "tag=20"), "a matching line with its guest, key and value");
}

static void
test_heatmap_view(void)
{
	static const double ms[] = { 12, 14, 9, 11, 480 };

	setup(6, 0);
	press("H");
	for (int i = 0; i < 5; i++) {
		struct top_action a = { .type = TA_PROBE, .ms = ms[i] };

		snprintf(a.upid, sizeof(a.upid), "pve1");
		act(&a);
		a.ms = 3;
		snprintf(a.upid, sizeof(a.upid), "pve2");
		act(&a);
	}
	draw();
	ok(shows("API round-trip per node: 5 probes each"), "H: the heatmap");
	ok(strstr(screen[line_with("pve1 ")], "12.0 ms") &&
	    strstr(screen[line_with("pve1 ")], "480.0 ms") &&
	    strstr(screen[line_with("pve1 ")], "slow"), "a node's median, "
	    "worst and bucket");
	ok(strstr(screen[line_with("pve2 ")], "fast") != NULL, "a fast one");
	ok(strstr(screen[line_with("pve3 ")], "offline") != NULL, "an "
	    "offline node is not probed");
}

static void
test_palette_and_quick_open(void)
{
	setup(6, 0);
	press(":");
	press("s");
	draw();
	ok(strstr(screen[LINES - 2], ":s_") != NULL, ": prompts on the status "
	    "line");
	ok(strstr(screen[LINES - 1], ":migrate vmid... node") != NULL, "the "
	    "footer lists the commands");
	press("Escape");
	press("C-k");
	press("0");
	press("0");
	press("0");
	press("0");
	press("3");
	draw();
	ok(shows("quick open") && shows("> VM  103 guest-00003 on pve1 "
	    "(paused)"), "C-k shows the candidates, the chosen one marked");
	press("Escape");
	press("?");
	draw();
	ok(shows(":      command palette") && shows("C-k    quick open"),
	    "the keymap lists : and C-k");
}

static void
test_guest_detail_tasks(void)
{
	setup(6, 0);
	press("3");
	press("j");
	press("Enter");		/* guest 101: the vzdump task of setup */
	draw();
	ok(shows("Recent tasks (1)"), "the guest detail lists its recent "
	    "tasks");
	ok(shows("vzdump") && shows("job errors"), "with type and result");
	{
		struct top_action a = { .type = TA_RRD, .id = 101, .n = 3 };
		double *v = calloc(6, sizeof(*v));

		v[0] = 0.0;
		v[1] = 0.5;
		v[2] = 0.99;
		v[3] = v[4] = v[5] = 0.25;
		a.rows = v;
		act(&a);
		draw();
		ok(shows("cpu, last hour    ▁▅█"), "its CPU of the last hour "
		    "as a sparkline");
		ok(shows("memory, last hour ▃▃▃"), "and its memory");
		a.id = 999;
		a.rows = calloc(2, sizeof(double));
		a.n = 1;
		act(&a);
		is_int(S.nrrd, 3, "another guest's RRD is dropped");
	}
	{
		struct top_action a = { .type = TA_GUEST_STATUS, .id = 101,
			.n = 1 };
		struct pve_guest_status *st = calloc(1, sizeof(*st));

		st->vmid = 101;
		snprintf(st->status, sizeof(st->status), "running");
		snprintf(st->qmpstatus, sizeof(st->qmpstatus), "paused");
		st->cpu = 0.375;
		st->cpus = 4;
		st->uptime = 3600;
		a.rows = st;
		act(&a);
		draw();
		ok(shows(": paused") && shows("cpu 37.5% of 4") &&
		    shows("uptime 1h"), "the detail shows its live "
		    "status/current");
	}
	{
		/* a config value from the server with an escape sequence,
		 * CR and LF: shown with '?' and ' ', never sent raw */
		struct top_action a = { .type = TA_CONFIG, .id = 101, .n = 1 };
		struct pve_kv *kv = calloc(2, sizeof(*kv));
		int raw = 0;

		snprintf(kv[0].key, sizeof(kv[0].key), "description");
		kv[0].value = strdup("a\x1b[31mred\r\nx\x07");
		a.rows = kv;
		act(&a);
		draw();
		for (int i = 0; i < LINES; i++)
			raw |= strpbrk(screen[i], "\x1b\r\n\x07") != NULL;
		ok(shows("description    a?[31mred? x?") && !raw, "a config "
		    "value's controls are drawn as '?' (a newline as a space)");
	}
}

static void
test_read_only_and_resize(void)
{
	struct top_action a = { .type = TA_RESIZE, .lines = 12, .cols = 60 };

	setup(6, 1);
	press("3");
	press("s");
	draw();
	ok(strstr(screen[0], "[read-only]") != NULL, "a read-only profile is marked "
	    "in the header");
	ok(strstr(screen[LINES - 2], "refused: profile sim is read-only") != NULL,
	    "and a refusal shows in the status line");
	tickit_mockterm_resize(mt, 12, 60);
	act(&a);
	draw();
	ok(strstr(screen[11], "j/k move") != NULL, "after a resize the "
	    "footer is on the new last line");
	ok(strlen(screen[2]) <= 60, "and lines fit the new width");
	tickit_mockterm_resize(mt, LINES, COLS);
}

/* The footer in a narrow terminal: whole hints, then "? keys" (the way
 * to the rest) always shown. */
static void
test_footer_fits(void)
{
	struct top_action a = { .type = TA_RESIZE, .lines = 12, .cols = 80 };
	char out[256];
	const char *full;
	int w;

	setup(6, 1);
	press("3");
	full = top_footer(&S);
	ok(strlen(full) > 150, "(the guests footer is longer than 150 columns)");
	tickit_mockterm_resize(mt, 12, 80);
	act(&a);
	draw();
	ok(strstr(screen[11], "? keys  q quit") != NULL, "80 columns: the "
	    "footer still shows '? keys  q quit'");
	ok(strstr(screen[11], " j/k move  Space mark") == screen[11], "after the "
	    "first hints, whole");
	ok(strlen(screen[11]) <= 80, "within the width");
	tickit_mockterm_resize(mt, LINES, COLS);
	a.lines = LINES;
	a.cols = COLS;
	act(&a);
	draw();
	ok(strstr(screen[LINES - 1], "? keys  q quit") != NULL, "160 columns too");
	for (w = 0; w <= 200; w++) {
		top_footer_fit(full, w, out, sizeof(out));
		if (w >= 14 && (strlen(out) > (size_t)w ||
		    strstr(out, "? keys  q quit") == NULL))
			break;
		if (strstr(out, "   ") != NULL || out[0] == ' ')
			break;
	}
	is_int(w, 201, "every width from 14 to 200 fits, keeps '? keys', "
	    "and cuts between hints only");
	top_footer_fit("j/k move  q quit", 5, out, sizeof(out));
	is_str(out, "j/k move  q quit", "a footer without '? keys' is left "
	    "as it is");
	top_footer_fit("a b  ? keys  q quit", 40, out, sizeof(out));
	is_str(out, "a b  ? keys  q quit", "one that fits is unchanged");
	top_footer_fit("aaa  bbb  ? keys  q quit", 19, out, sizeof(out));
	is_str(out, "aaa  ? keys  q quit", "a hint that does not fit is left "
	    "out whole");
	/* hints four spaces apart: the gaps as they are count */
	top_footer_fit("aaa    bbb    ccc  ? keys  q quit", 26, out,
	    sizeof(out));
	is_str(out, "aaa    bbb  ? keys  q quit", "hints farther apart: "
	    "kept with their gaps when they fit (26 columns)");
	top_footer_fit("aaa    bbb    ccc  ? keys  q quit", 25, out,
	    sizeof(out));
	is_str(out, "aaa  ? keys  q quit", "and left out when the gaps make "
	    "them too wide (25)");
}

static void
test_not_answering(void)
{
	/* 1700000000 is 22:13:20 UTC */
	static const enum top_act_type answers[] = { TA_NODES, TA_GUESTS,
		TA_STORAGE, TA_TASKS };
	struct top_action a = { .type = TA_TICK, .now = 1700000001 };

	setenv("TZ", "UTC", 1);
	tzset();
	setup(6, 0);
	for (int i = 0; i < 4; i++) {
		struct top_action r = { .type = answers[i], .now = 1700000000,
			.rows = calloc(1, sizeof(struct pve_guest)) };

		act(&r);
	}
	act(&a);			/* asks again; nothing answers */
	a.now = 1700000010;
	act(&a);
	draw();
	ok(strstr(screen[0], "stale") == NULL, "9 s: not marked");
	ok(!shows("no answer"), "nothing said");
	a.now = 1700000043;
	act(&a);
	draw();
	ok(strstr(screen[0], "updated 22:13:20  stale") != NULL,
	    "42 s: the header marks the data stale");
	ok(strstr(screen[LINES - 2], "no answer from sim for 42s (showing data "
	    "from 22:13:20)") != NULL,
	    "the status line says for how long, and the data's time");
	press("?");
	press("q");
	draw();
	ok(strstr(screen[LINES - 2], "no answer from sim") != NULL,
	    "it stays after a key");
	for (int i = 0; i < 4; i++) {
		struct top_action r = { .type = answers[i], .now = 1700000044,
			.rows = calloc(1, sizeof(struct pve_guest)) };

		act(&r);
	}
	draw();
	ok(strstr(screen[0], "updated 22:14:04") != NULL &&
	    strstr(screen[0], "stale") == NULL, "the answer comes: fresh");
	ok(!shows("no answer"), "the status line is clear");
}

static void
bench(void)
{
	const char *e = getenv("PX_TOP_FRAMES");
	int frames = e ? atoi(e) : 200;
	double t0, ms;
	TickitRenderBuffer *rb;

	setup(10000, 0);
	press("3");
	press(">");
	press(">");
	press(">");
	press(">");	/* sort by cpu: the heaviest order */
	press("o");
	rb = tickit_renderbuffer_new(S.lines, S.cols);
	t0 = px_mono();
	for (int i = 0; i < frames; i++) {
		top_render(&S, rb, 1);
		tickit_renderbuffer_flush_to_term(rb, (TickitTerm *)mt);
	}
	ms = (px_mono() - t0) * 1e3 / frames;
	printf("# frame of 10000 guests (%dx%d, guest view, sorted by cpu), "
	    "drawn and flushed to the mock terminal: %.3f ms (mean of %d)\n",
	    LINES, COLS, ms, frames);
	t0 = px_mono();
	for (int i = 0; i < frames; i++)
		top_render(&S, rb, 1);
	printf("# the same, drawn only (top_render into the render buffer): "
	    "%.3f ms\n", (px_mono() - t0) * 1e3 / frames);
	tickit_renderbuffer_unref(rb);
	t0 = px_mono();
	for (int i = 0; i < 20; i++)
		press(i % 2 ? "<" : ">");
	printf("# re-sort of 10000 guests: %.3f ms\n",
	    (px_mono() - t0) * 1e3 / 20);
	ok(S.nvis == 10000, "10000 guests listed");
}

/* The dashboard lists a shared storage once, a local one per node. */
static void
test_shared_storage_once(void)
{
	struct top_action a = { .type = TA_STORAGE };
	struct pve_storage *st = calloc(4, sizeof(*st));
	int nas = 0;

	setup(10, 0);
	for (int i = 0; i < 4; i++) {
		snprintf(st[i].storage, sizeof(st[i].storage), "%s",
		    i < 2 ? "nas-shared" : "local");
		snprintf(st[i].node, sizeof(st[i].node), "pve%d", i % 2 + 1);
		snprintf(st[i].status, sizeof(st[i].status), "available");
		st[i].shared = i < 2;
		st[i].disk = 1ULL << 30;
		st[i].maxdisk = 10ULL << 30;
	}
	a.rows = st;
	a.n = 4;
	act(&a);
	press("1");
	draw();
	for (int i = 0; i < LINES; i++)
		nas += strstr(screen[i], "nas-shared") != NULL;
	is_int(nas, 1, "dashboard: a shared storage once");
	ok(shows("local@pve1") && shows("local@pve2"),
	    "dashboard: a local storage per node");
}


static void
test_pbs_on_board(void)
{
	struct top_action a;
	struct pbs_store *st = calloc(1, sizeof(*st));
	struct pbs_snapshot *v = calloc(3, sizeof(*v));
	struct pbs_gc *gc = calloc(1, sizeof(*gc));

	setup(4, 0);
	snprintf(S.pbs[0], sizeof(S.pbs[0]), "offsite");
	S.npbs = 1;
	press("B");
	draw();
	ok(shows("PBS loading"), "the board says PBS is on its way");
	ok(shows("PBS LAST  VERIFY"), "with a column for it");
	snprintf(st->store, sizeof(st->store), "backup");
	st->total = 100ULL << 30;
	st->used = 92ULL << 30;
	st->full_date = 1702592000;
	memset(&a, 0, sizeof(a));
	a.type = TA_PBS_STORES;
	snprintf(a.upid, sizeof(a.upid), "offsite");
	a.rows = st;
	a.n = 1;
	a.now = 1700000000;
	act(&a);
	for (int i = 0; i < 3; i++)
		snprintf(v[i].type, sizeof(v[i].type), i == 2 ? "ct" : "vm");
	snprintf(v[0].id, sizeof(v[0].id), "101");
	v[0].time = 1700000000 - 7200;
	snprintf(v[0].verify, sizeof(v[0].verify), "ok");
	v[0].protected_ = 1;
	snprintf(v[1].id, sizeof(v[1].id), "102");
	v[1].time = 1700000000 - 3 * 86400;
	snprintf(v[1].verify, sizeof(v[1].verify), "failed");
	snprintf(v[2].id, sizeof(v[2].id), "103");
	v[2].time = 1700000000 - 60;
	snprintf(v[2].verify, sizeof(v[2].verify), "none");
	memset(&a, 0, sizeof(a));
	a.type = TA_PBS_SNAPS;
	snprintf(a.upid, sizeof(a.upid), "offsite");
	snprintf(a.store, sizeof(a.store), "backup");
	a.rows = v;
	a.n = 3;
	act(&a);
	snprintf(gc->state, sizeof(gc->state), "ok");
	gc->last_end = 1700000000 - 3 * 3600;
	memset(&a, 0, sizeof(a));
	a.type = TA_PBS_GC;
	snprintf(a.upid, sizeof(a.upid), "offsite");
	snprintf(a.store, sizeof(a.store), "backup");
	a.rows = gc;
	a.n = 1;
	act(&a);
	memset(&a, 0, sizeof(a));	/* the PVE side's ages count from */
	a.type = TA_UNPROTECTED;	/* its answer */
	a.rows = calloc(1, sizeof(struct pve_unprotected));
	a.now = 1700000000;
	act(&a);
	draw();
	ok(shows("PBS offsite:backup  92.0 GiB of 100.0 GiB used (92%), "
	    "full ~2023-12-14  GC ok 3h0m ago"), "a datastore: usage, when it "
	    "will be full, its garbage collection");
	ok(!shows("PBS loading"), "no longer loading");
	ok(strstr(screen[line_with("guest-00001")], "2h0m ") &&
	    strstr(screen[line_with("guest-00001")], "ok     protected"),
	    "a guest's newest PBS snapshot: age, verified, protected");
	ok(strstr(screen[line_with("guest-00002")], "3d0h ") &&
	    strstr(screen[line_with("guest-00002")], "failed"), "one whose "
	    "verification failed");
	ok(strstr(screen[line_with("guest-00000")], "none") != NULL,
	    "a guest with no PBS snapshot");
	ok(shows("Backup board: 4 guests, 0 without a backup job, 1 with no "
	    "backup or one older than 7 days"), "PBS snapshots count as "
	    "backups on the board");
	memset(&a, 0, sizeof(a));
	a.type = TA_FETCH_FAILED;
	a.what = TOP_F_PBS;
	snprintf(a.upid, sizeof(a.upid), "offsite");
	snprintf(a.msg, sizeof(a.msg), "401 authentication failed");
	S.pbs_pending = 1;
	act(&a);
	draw();
	ok(shows("PBS did not answer: offsite: 401 authentication failed"),
	    "a PBS that fails says so on the board");
}

/* Does line i of the screen match the extended regex re? */
static int
line_re(int i, const char *re)
{
	regex_t rx;
	int m;

	if (i < 0 || i >= LINES || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB))
		return 0;
	m = regexec(&rx, screen[i], 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

/* The ISO library: every image with its storage, node (or "shared"),
 * size and date; a hostile name drawn without its escape sequence. */
static void
test_iso_view(void)
{
	struct top_action a = { .type = TA_STORAGE };
	struct pve_storage *st = calloc(2, sizeof(*st));
	struct pve_volume *v = calloc(3, sizeof(*v));

	setup(10, 0);
	snprintf(st[0].storage, sizeof(st[0].storage), "nfs-iso");
	snprintf(st[0].node, sizeof(st[0].node), "pve1");
	snprintf(st[0].content, sizeof(st[0].content), "iso,vztmpl");
	snprintf(st[0].status, sizeof(st[0].status), "available");
	st[0].shared = 1;
	snprintf(st[1].storage, sizeof(st[1].storage), "local");
	snprintf(st[1].node, sizeof(st[1].node), "pve2");
	snprintf(st[1].content, sizeof(st[1].content), "vztmpl");
	snprintf(st[1].status, sizeof(st[1].status), "available");
	a.rows = st;
	a.n = 2;
	act(&a);
	press("I");
	draw();
	ok(shows("ISO library: 0 ISO images, 0 templates") &&
	    shows("loading"), "I shows the ISO library, loading");
	snprintf(v[0].volid, sizeof(v[0].volid), "nfs-iso:iso/debian-12.iso");
	snprintf(v[0].content, sizeof(v[0].content), "iso");
	snprintf(v[0].format, sizeof(v[0].format), "iso");
	v[0].size = 700ULL << 20;
	v[0].ctime = 1700000000;
	/* as the parser leaves it: controls replaced */
	snprintf(v[1].volid, sizeof(v[1].volid), "nfs-iso:iso/evil?[2J.iso");
	snprintf(v[1].content, sizeof(v[1].content), "iso");
	memset(&a, 0, sizeof(a));
	a.type = TA_ISO_LIST;
	snprintf(a.upid, sizeof(a.upid), "pve1");
	snprintf(a.store, sizeof(a.store), "nfs-iso");
	a.rows = v;
	a.n = 2;
	act(&a);
	v = calloc(1, sizeof(*v));
	snprintf(v[0].volid, sizeof(v[0].volid),
	    "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst");
	snprintf(v[0].content, sizeof(v[0].content), "vztmpl");
	v[0].size = 120ULL << 20;
	memset(&a, 0, sizeof(a));
	a.type = TA_ISO_LIST;
	snprintf(a.upid, sizeof(a.upid), "pve2");
	snprintf(a.store, sizeof(a.store), "local");
	a.rows = v;
	a.n = 1;
	act(&a);
	memset(&a, 0, sizeof(a));	/* nfs-iso holds no template */
	a.type = TA_ISO_LIST;
	snprintf(a.upid, sizeof(a.upid), "pve1");
	snprintf(a.store, sizeof(a.store), "nfs-iso");
	act(&a);
	draw();
	ok(shows("ISO library: 2 ISO images, 1 template, 820.0 MiB") &&
	    !shows("loading"), "the header counts images, templates and "
	    "their size");
	ok(shows("CONTENT") && shows("STORAGE") && shows("DATE"),
	    "with its column heads");
	ok(line_re(line_with("debian-12.iso"), "^iso +debian-12.iso +"
	    "nfs-iso +shared +700.0 MiB +20[0-9-]+ [0-9:]+ +iso"),
	    "an image on a shared storage: storage, shared, size, date");
	ok(line_re(line_with("debian-12-standard"), "^vztmpl +debian-12-"
	    "standard_12.7-1_amd64.tar.zst +local +pve2 +120.0 MiB +- "),
	    "a template on a local storage: its node; no date: -");
	ok(line_with("evil?[2J.iso") > 0, "a name with an escape shows "
	    "without it");
	ok(line_re(LINES - 1, "d delete"), "the footer lists d");
	{
		int esc = 0;

		for (int i = 0; i < LINES; i++)
			esc += strchr(screen[i], 0x1b) != NULL;
		is_int(esc, 0, "no line holds an escape");
	}
	press("R");
	draw();
	ok(shows("loading"), "R reads it again");
	setup(10, 0);
	press("I");
	draw();
	ok(shows("No ISO image or container template on any storage"),
	    "an empty library says so and how to add one");
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_views();
	test_action_prompts();
	test_backup_board_and_tree();
	test_pbs_on_board();
	test_hardware_view();
	test_grep_view();
	test_heatmap_view();
	test_palette_and_quick_open();
	test_guest_detail_tasks();
	test_read_only_and_resize();
	test_footer_fits();
	test_not_answering();
	test_shared_storage_once();
	test_iso_view();
	bench();
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return done_testing();
}
