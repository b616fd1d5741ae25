/*
 * top_bcast.c -- pxtop's agent broadcast (X, x) and the ISO library's
 * upload (u) and download (w): their reducer actions driven directly
 * (the command's words, who is refused, the queue, one confirmation,
 * the outputs sanitized and bounded, the result view's keys; the path
 * and URL checks, the target storage, the library read again), and the
 * result view drawn into libtickit's mock terminal, hostile output
 * included.  No network.
 */
#include <stdlib.h>
#include <string.h>

#include <tickit.h>
#include <tickit-mockterm.h>

#include "tap.h"
#include "top_render.h"
#include "top_state.h"

#define LINES	30
#define COLS	160

static TickitMockTerm *mt;
static struct top_state S;
static struct top_effects FX;
static char screen[LINES][COLS * 4 + 1];

static void
act(struct top_action *a)
{
	top_effects_clear(&FX);
	top_reduce(&S, a, &FX);
}

static void
press(const char *k)
{
	struct top_action a = { .type = TA_KEY, .key = k };

	a.text = strlen(k) == 1;
	act(&a);
}

/* Type t into the one-line input, then Enter; the effects of Enter
 * stay in FX. */
static void
line(const char *t)
{
	for (; *t; t++) {
		char c[2] = { *t, 0 };

		if (*t == ' ')
			press("Space");
		else
			press(c);
	}
	press("Enter");
}

static int
count_fx(enum top_eff_type t)
{
	int n = 0;

	for (int i = 0; i < FX.n; i++)
		n += FX.e[i].type == t;
	return n;
}

static const struct top_effect *
find_fx(enum top_eff_type t)
{
	for (int i = 0; i < FX.n; i++)
		if (FX.e[i].type == t)
			return &FX.e[i];
	return NULL;
}

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

static int
shows(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return 1;
	return 0;
}

static const char *
line_with(const char *text)
{
	for (int i = 0; i < LINES; i++)
		if (strstr(screen[i], text))
			return screen[i];
	return "";
}

static int
screen_clean(void)
{
	for (int i = 0; i < LINES; i++)
		for (const char *p = screen[i]; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
	return 1;
}

/* Guests 100.. : qemu running, but 102 stopped and 103 a container. */
static void
setup(int nguests, int read_only)
{
	struct top_action a = { .type = TA_GUESTS };
	struct pve_guest *g = calloc((size_t)nguests, sizeof(*g));
	struct pve_storage *st = calloc(3, sizeof(*st));

	top_state_free(&S);
	top_state_init(&S, "sim", read_only, 3000, LINES, COLS);
	for (int i = 0; i < nguests; i++) {
		g[i].vmid = 100 + i;
		snprintf(g[i].name, sizeof(g[i].name), "guest-%d", i);
		snprintf(g[i].node, sizeof(g[i].node), "pve%d", i % 3 + 1);
		snprintf(g[i].status, sizeof(g[i].status), "%s", i == 2 ?
		    "stopped" : "running");
		snprintf(g[i].type, sizeof(g[i].type), "%s", i == 3 ? "lxc" :
		    "qemu");
	}
	a.rows = g;
	a.n = nguests;
	act(&a);
	/* local on pve1 and pve2 (iso, vztmpl), images only on pve1 */
	snprintf(st[0].storage, 64, "local");
	snprintf(st[0].node, 64, "pve1");
	snprintf(st[0].content, 128, "iso,vztmpl,backup");
	snprintf(st[1].storage, 64, "local");
	snprintf(st[1].node, 64, "pve2");
	snprintf(st[1].content, 128, "iso,vztmpl");
	snprintf(st[2].storage, 64, "local-lvm");
	snprintf(st[2].node, 64, "pve1");
	snprintf(st[2].content, 128, "images,rootdir");
	for (int i = 0; i < 3; i++)
		snprintf(st[i].status, 16, "available");
	memset(&a, 0, sizeof(a));
	a.type = TA_STORAGE;
	a.rows = st;
	a.n = 3;
	act(&a);
}

static void
mark(int vmid)
{
	press("3");
	for (int i = 0; i < S.nvis; i++)
		if (S.guests[S.vis[i]].vmid == vmid) {
			S.cur[TOP_GUESTS] = i;
			press("Space");
			return;
		}
}

static void
test_words(void)
{
	char buf[256], *w[8];
	const char *why = "";
	int n;

	n = top_split_words("  uname   -a ", buf, sizeof(buf), w, 8, &why);
	ok(n == 2 && !strcmp(w[0], "uname") && !strcmp(w[1], "-a"),
	    "blanks split words");
	n = top_split_words("sh -c 'echo $HOME; ls \"x\"'", buf, sizeof(buf),
	    w, 8, &why);
	ok(n == 3 && !strcmp(w[2], "echo $HOME; ls \"x\""), "'...' quotes, "
	    "no variable is expanded (there is no shell)");
	n = top_split_words("echo \"a \\\"b\\\" c\" d\\ e ''", buf,
	    sizeof(buf), w, 8, &why);
	ok(n == 4 && !strcmp(w[1], "a \"b\" c") && !strcmp(w[2], "d e") &&
	    !strcmp(w[3], ""), "\"...\" with \\\", \\ escapes a blank, '' "
	    "is an empty word");
	n = top_split_words("echo 'oops", buf, sizeof(buf), w, 8, &why);
	ok(n == -1 && strstr(why, "unclosed '"), "an open quote is refused");
	n = top_split_words("a b c d e f g h i", buf, sizeof(buf), w, 8, &why);
	ok(n == -1 && strstr(why, "too many"), "too many words refused");
	n = top_split_words("0123456789", buf, 8, w, 8, &why);
	ok(n == -1 && strstr(why, "too long"), "a line longer than the "
	    "buffer is refused");
	is_int(top_split_words("   ", buf, sizeof(buf), w, 8, &why), 0,
	    "blanks only: no word");
}

static void
test_sanitize(void)
{
	char s[128];

	snprintf(s, sizeof(s), "a\x1b[2Jb\r\nc\rd\te\x07\xc2\x9b" "1m\xc3\xa9"
	    "\r");
	top_bc_sanitize(s);
	is_str(s, "a?[2Jb\nc?d e??1m\xc3\xa9", "ESC, a bare CR, BEL and "
	    "C1 CSI become ?, CRLF and a last CR a line end, TAB a blank, "
	    "UTF-8 kept");
}

static void
test_broadcast(void)
{
	struct top_action a;
	struct top_bc_out *o;
	char *big;
	int n;

	setup(6, 0);
	press("3");
	S.cur[TOP_GUESTS] = -1;
	S.nvis = 0;		/* nothing under the cursor */
	press("X");
	ok(strstr(S.status, "no guest selected") != NULL && S.input ==
	    TOP_IN_NONE, "X with no guest says so, asks nothing");
	setup(6, 0);
	press("x");
	ok(strstr(S.status, "no broadcast yet") != NULL, "x before any "
	    "broadcast says how to make one");

	mark(100);
	mark(101);
	mark(102);
	mark(103);
	is_int(S.nmarked, 4, "four guests marked");
	press("X");
	is_int(S.input, TOP_IN_EXEC, "X asks for the command");
	line("echo 'un closed");
	ok(strstr(S.status, "refused: the command has an unclosed '") !=
	    NULL && S.nops == 0, "an open quote: refused, nothing queued");
	press("X");
	press("Escape");
	ok(strstr(S.status, "cancelled") && S.nops == 0, "Esc cancels");
	press("X");
	line("uname -a");
	is_int(S.nops, 2, "the two running VMs queued");
	is_int(count_fx(TE_RISK), 2, "each with its preview");
	ok(find_fx(TE_RISK) && !strcmp(find_fx(TE_RISK)->action, "exec") &&
	    !strcmp(find_fx(TE_RISK)->text, "uname -a") &&
	    find_fx(TE_RISK)->n == 2, "exec, the command as typed, a batch "
	    "of 2");
	ok(!strcmp(S.ops[0].action, "exec") && S.ops[0].g.vmid == 100 &&
	    S.ops[1].g.vmid == 101, "the queue has exec on 100 and 101");
	is_int(S.bc.n, 4, "the result view remembers all four");
	ok(S.bc.row[2].st == TOP_OP_REFUSED && strstr(S.bc.row[2].msg,
	    "not running"), "the stopped VM is refused: not running");
	ok(S.bc.row[3].st == TOP_OP_REFUSED && strstr(S.bc.row[3].msg,
	    "container"), "the container is refused: no guest agent");
	ok(strstr(S.status, "exec on 2 guests queued, 2 refused") != NULL,
	    "the status line says so");
	is_int(S.view, TOP_QUEUE, "the queue shows");
	is_int(S.nmarked, 0, "the marks are used up");

	for (int i = 0; i < 2; i++) {
		memset(&a, 0, sizeof(a));
		a.type = TA_RISK;
		a.id = S.ops[i].id;
		act(&a);
	}
	press("y");
	ok(S.confirm, "y asks once");
	press("y");
	is_int(count_fx(TE_RUN), 2, "both sent on one confirmation");
	ok(find_fx(TE_RUN)->n == 2 && !strcmp(find_fx(TE_RUN)->text,
	    "uname -a"), "as one batch, with the command");
	is_int(S.view, TOP_BCAST, "the result view shows");
	ok(S.bc.row[0].st == TOP_OP_RUNNING && S.bc.row[1].st ==
	    TOP_OP_RUNNING, "both running");

	/* 100 answers with hostile output, 101 with too much */
	memset(&a, 0, sizeof(a));
	a.type = TA_BC_OUT;
	a.id = S.ops[0].id;
	o = calloc(1, sizeof(*o));
	o->exitcode = 0;
	o->signal = -1;
	o->out = strdup("Linux\x1b]0;owned\x07 x\r\nline2\n");
	o->err = strdup("warn\x1b[31m\n");
	a.rows = o;
	act(&a);
	ok(S.bc.row[0].out && !strcmp(S.bc.row[0].out,
	    "Linux?]0;owned? x\nline2\n"), "stdout sanitized");
	is_str(S.bc.row[0].err, "warn?[31m\n", "stderr sanitized");
	is_int((int)S.bc.row[0].exitcode, 0, "its exit code");
	ok(S.bc.row[0].open, "a short output is shown at once");
	big = malloc(TOP_BC_OUT + 5000);
	memset(big, 'x', TOP_BC_OUT + 4999);
	for (int i = 100; i < TOP_BC_OUT + 4999; i += 100)
		big[i] = '\n';
	big[TOP_BC_OUT + 4999] = '\0';
	memset(&a, 0, sizeof(a));
	a.type = TA_BC_OUT;
	a.id = S.ops[1].id;
	o = calloc(1, sizeof(*o));
	o->exitcode = 3;
	o->signal = -1;
	o->out = big;
	a.rows = o;
	act(&a);
	ok(S.bc.row[1].out && strlen(S.bc.row[1].out) == TOP_BC_OUT &&
	    S.bc.row[1].out_trunc, "a huge output is cut at TOP_BC_OUT, "
	    "marked truncated");
	ok(!S.bc.row[1].open, "a long output waits for Enter");
	memset(&a, 0, sizeof(a));
	a.type = TA_BC_OUT;
	a.id = 9999;
	o = calloc(1, sizeof(*o));
	o->out = strdup("stray");
	a.rows = o;
	act(&a);
	ok(1, "an output for no broadcast row is dropped (no leak: ASan)");
	for (int i = 0; i < 2; i++) {
		memset(&a, 0, sizeof(a));
		a.type = TA_OP_DONE;
		a.id = S.ops[i].id;
		a.rc = i == 0 ? 0 : -1;
		snprintf(a.msg, sizeof(a.msg), i == 0 ? "exit 0" : "exit 3");
		act(&a);
	}
	ok(S.bc.row[0].st == TOP_OP_OK && S.bc.row[1].st == TOP_OP_FAILED,
	    "the queue's ends reach the rows");

	/* the view: rows and keys */
	n = top_bc_rows(&S, -1, NULL, NULL);
	is_int(n, 4 + 1 + 1 + 1, "rows: 100 open (2 stdout, 1 stderr "
	    "line), 101, 102, 103 closed");
	S.cur[TOP_BCAST] = 2;	/* an output line of 100 */
	press("Enter");
	ok(!S.bc.row[0].open && S.cur[TOP_BCAST] == 0, "Enter on an output "
	    "line closes its guest, the cursor on its header");
	is_int(top_bc_rows(&S, -1, NULL, NULL), 4, "four headers left");
	press("j");
	press("Enter");
	ok(S.bc.row[1].open, "Enter on a header opens it");
	press("G");
	is_int(S.cur[TOP_BCAST], top_bc_rows(&S, -1, NULL, NULL) - 1, "G: the "
	    "last row");
	press("g");
	is_int(S.cur[TOP_BCAST], 0, "g: the first");
	press("e");
	ok(S.bc.row[0].open && S.bc.row[1].open && S.bc.row[2].open,
	    "e opens every guest");
	press("e");
	ok(!S.bc.row[0].open && !S.bc.row[1].open, "e again closes them");
	press("Escape");
	is_int(S.view, TOP_GUESTS, "Esc goes back where X was pressed");
	press("x");
	is_int(S.view, TOP_BCAST, "x shows the results again");

	/* drawn */
	S.bc.row[0].open = 1;
	S.cur[TOP_BCAST] = 0;
	S.top[TOP_BCAST] = 0;
	draw();
	ok(shows("Agent broadcast: uname -a  (4 guests: 1 done, 1 failed, 2 "
	    "refused, 0 running, 0 waiting)"), "the head counts the ends");
	ok(shows("VMID NAME") && shows("EXIT") && shows("OUTPUT"),
	    "the columns");
	ok(strstr(line_with("    | Linux"), "Linux?]0;owned? x") != NULL,
	    "the hostile line drawn sanitized");
	ok(shows("    | line2"), "its second line");
	ok(shows("    ! warn?[31m"), "stderr marked !");
	ok(strstr(line_with("   101 guest-1"), "failed   3") != NULL,
	    "101: failed, exit 3");
	ok(strstr(line_with("   102 guest-2"), "refused: not running") !=
	    NULL, "102 refused, not running");
	ok(screen_clean(), "no control character on the screen");
	ok(strstr(screen[LINES - 1], "Enter show/hide") != NULL, "the "
	    "footer");
	S.bc.row[1].open = 1;
	press("G");
	draw();
	ok(shows("    | (stdout truncated)"), "the truncation is said");
	ok(shows("   103 guest-3"), "G scrolls to the last guest");

	/* read-only: refused before asking */
	setup(4, 1);
	mark(100);
	press("X");
	ok(strstr(S.status, "refused: profile sim is read-only") &&
	    S.input == TOP_IN_NONE, "X on a read-only profile is refused");
}

static void
iso_rows(void)
{
	struct top_action a = { .type = TA_ISO_LIST };
	struct pve_volume *v = calloc(1, sizeof(*v));

	snprintf(v->volid, sizeof(v->volid), "local:iso/debian.iso");
	snprintf(v->content, sizeof(v->content), "iso");
	snprintf(a.upid, sizeof(a.upid), "pve2");
	snprintf(a.store, sizeof(a.store), "local");
	a.rows = v;
	a.n = 1;
	act(&a);
}

static void
test_iso(void)
{
	struct top_action a;
	char longpath[900];

	setup(4, 0);
	press("I");
	is_int(count_fx(TE_ISO_LIST), 4, "I reads iso and vztmpl of local on "
	    "pve1 and pve2");
	for (int i = 0; i < 3; i++)
		iso_rows();
	S.iso_pending = 0;
	press("u");
	is_int(S.input, TOP_IN_UPLOAD, "u in the library asks for a path");
	line("/srv/images/alpine-3.20.iso");
	is_int(S.nops, 1, "queued");
	ok(!strcmp(S.ops[0].action, "upload") && !strcmp(S.ops[0].arg,
	    "local") && !strcmp(S.ops[0].g.node, "pve2") &&
	    !strcmp(S.ops[0].volid, "local:iso/alpine-3.20.iso") &&
	    !strcmp(S.ops[0].text, "/srv/images/alpine-3.20.iso"),
	    "to the storage under the cursor (local on pve2), as iso");
	ok(find_fx(TE_RISK) && !strcmp(find_fx(TE_RISK)->text,
	    "/srv/images/alpine-3.20.iso") && !strcmp(find_fx(TE_RISK)->upid,
	    "local:iso/alpine-3.20.iso"), "its preview has the path and the "
	    "volume");
	is_int(S.view, TOP_QUEUE, "the queue shows");

	press("I");
	iso_rows();
	S.iso_pending = 0;
	press("u");
	line("/srv/t/debian-12-standard_12.7-1_amd64.tar.zst");
	ok(S.nops == 2 && !strcmp(S.ops[1].volid, "local:vztmpl/"
	    "debian-12-standard_12.7-1_amd64.tar.zst"), "a .tar.zst is a "
	    "template");
	press("I");
	press("u");
	line("/srv/images/");
	ok(strstr(S.status, "is a directory") && S.nops == 2, "a path "
	    "ending in / is refused as a directory");
	press("u");
	line("/srv/bad name.iso");
	ok(strstr(S.status, "refused:") && S.nops == 2, "a name PVE would "
	    "rewrite is refused");
	press("u");
	line("/srv/notes.txt");
	ok(strstr(S.status, "refused:") && S.nops == 2, "an extension of no "
	    "content is refused");
	press("u");
	press("Enter");
	ok(strstr(S.status, "cancelled") && S.nops == 2, "an empty path "
	    "cancels");
	memset(longpath, 'a', sizeof(longpath) - 5);
	memcpy(longpath + sizeof(longpath) - 9, "/x.iso", 7);
	longpath[0] = '/';
	press("u");
	line(longpath);
	ok(S.nops == 3 && !strcmp(S.ops[2].text, longpath), "a path of %zu "
	    "bytes is taken whole", strlen(longpath));

	/* @STORAGE picks another */
	press("I");
	press("u");
	line("/srv/a.iso @local-lvm");
	ok(strstr(S.status, "refused: no storage local-lvm that takes iso") &&
	    S.nops == 3, "@ a storage that holds no ISO images: refused");
	press("u");
	line("/srv/a.iso   @nas");
	ok(strstr(S.status, "refused: no storage nas") && S.nops == 3,
	    "@ a storage that does not exist: refused");
	S.cur[TOP_ISO] = 0;
	press("u");
	line("/srv/a b.iso @local");
	ok(strstr(S.status, "refused:") && S.nops == 3, "the path before "
	    "@ is checked as ever");
	press("I");
	press("w");
	is_int(S.input, TOP_IN_URL, "w asks for a URL");
	line("https://example.org/pub/x.iso sha256:"
	    "AA00000000000000000000000000000000000000000000000000000000000001");
	ok(S.nops == 4 && !strcmp(S.ops[3].action, "download-url") &&
	    !strcmp(S.ops[3].text, "https://example.org/pub/x.iso") &&
	    !strncmp(S.ops[3].sum, "sha256:aa000", 12) &&
	    strlen(S.ops[3].sum) == 7 + 64 && !strcmp(S.ops[3].volid,
	    "local:iso/x.iso"), "a download with its checksum (lower case)");
	ok(find_fx(TE_RISK) && !strcmp(find_fx(TE_RISK)->sum, S.ops[3].sum),
	    "the preview has the checksum");
	press("I");
	press("w");
	line("https://example.org/y.iso @local");
	ok(S.nops == 5 && !strcmp(S.ops[4].arg, "local") &&
	    !strcmp(S.ops[4].sum, "") && !strcmp(S.ops[4].text,
	    "https://example.org/y.iso"), "w with @STORAGE and no checksum");
	press("I");
	press("w");
	line("https://example.org/y.iso sha256:" "0000000000000000000000000000"
	    "000000000000000000000000000000000000 @local");
	ok(S.nops == 6 && S.ops[5].sum[0], "a checksum and @STORAGE");
	press("I");
	press("w");
	line("https://example.org/x.iso sha256:1234");
	ok(strstr(S.status, "refused:") && S.nops == 6, "a checksum of the "
	    "wrong length is refused");
	press("w");
	line("https://example.org/");
	ok(strstr(S.status, "refused:") && S.nops == 6, "an URL naming no "
	    "file is refused");
	press("w");
	line("ftp://example.org/x.iso");
	ok(strstr(S.status, "refused:") && S.nops == 6, "ftp:// is refused");

	/* ends */
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = S.ops[0].id;
	a.rc = -2;
	snprintf(a.msg, sizeof(a.msg), "/srv/images/alpine-3.20.iso: No such "
	    "file or directory");
	act(&a);
	ok(strstr(S.status, "refused: upload: /srv/images/alpine-3.20.iso: "
	    "No such file") != NULL, "a refusal of the preview shows in the "
	    "status line");
	S.iso_pending = 0;
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_DONE;
	a.id = S.ops[3].id;
	a.rc = 0;
	act(&a);
	ok(count_fx(TE_ISO_LIST) > 0, "a download that ended reads the "
	    "library again");
	ok(strstr(S.status, "download-url: local:iso/x.iso done") != NULL,
	    "and says so");
	/* the progress of an upload */
	S.ops[1].st = TOP_OP_RUNNING;
	memset(&a, 0, sizeof(a));
	a.type = TA_OP_PROGRESS;
	a.id = S.ops[1].id;
	a.pct = 42;
	snprintf(a.msg, sizeof(a.msg), "uploading 42.0 MiB of 100 MiB, "
	    "8.0 MiB/s");
	act(&a);
	press("Q");
	S.cur[TOP_QUEUE] = 1;
	draw();
	ok(strstr(line_with("42%"), "42%  uploading 42.0 MiB of "
	    "100 MiB, 8.0 MiB/s") != NULL, "the queue shows bytes and rate");

	/* the search keeps its 63 bytes */
	press("/");
	for (int i = 0; i < 100; i++)
		press("z");
	is_int((int)strlen(S.entry), 63, "the search is bounded as before");
	press("Escape");

	/* read-only */
	setup(2, 1);
	press("I");
	press("u");
	ok(strstr(S.status, "read-only") && S.input == TOP_IN_NONE, "u on a "
	    "read-only profile is refused");
	press("w");
	ok(strstr(S.status, "read-only") && S.input == TOP_IN_NONE, "and w");
}

static void
test_keymap(void)
{
	int x = 0, u = 0, w = 0;

	for (int i = 0; i < top_nkeymap; i++) {
		x |= strncmp(top_keymap[i], "X ", 2) == 0;
		u |= strncmp(top_keymap[i], "u ", 2) == 0;
		w |= strncmp(top_keymap[i], "w ", 2) == 0;
	}
	ok(x && u && w, "the keymap lists X, u and w");
}

int
main(void)
{
	mt = tickit_mockterm_new(LINES, COLS);
	test_words();
	test_sanitize();
	test_broadcast();
	test_iso();
	test_keymap();
	top_state_free(&S);
	top_effects_free(&FX);
	tickit_mockterm_destroy(mt);
	return done_testing();
}
