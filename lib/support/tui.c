/*
 * tui.c -- the terminal, tickit's loop with http_async on it, and the
 * action queue of pxtop and px fleet (see tui.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <unibilium.h>

#include "clock.h"
#include "diag.h"
#include "err.h"
#include "tui.h"

#define MAX_FD	4096

static struct tui_app app;
static Tickit *tk;
static TickitWindow *root;
static int colour;
static struct px_async *async;
static void *io_watch[MAX_FD];
static int io_cond[MAX_FD];
static void *dead_watch[MAX_FD * 2];
static int ndead, reap_armed;
static long long async_due;	/* earliest curl timer armed (ms), 0: none */
static int stopping;

/* After curl handled an event: run what the finished requests posted. */
static void
after(void)
{
	tui_pump();
}

static int
on_io(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	TickitIOWatchInfo *w = info;
	int what = 0;

	(void)t;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	if (w->fd < 0 || w->fd >= MAX_FD || io_cond[w->fd] == 0)
		return 0;	/* dropped, waiting to be reaped */
	if (w->cond & (TICKIT_IO_IN | TICKIT_IO_HUP | TICKIT_IO_ERR))
		what |= PX_ASYNC_IN;
	if (w->cond & TICKIT_IO_OUT)
		what |= PX_ASYNC_OUT;
	px_async_socket(async, w->fd, what);
	after();
	return 0;
}

static int
reap_watches(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	reap_armed = 0;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	for (int i = 0; i < ndead; i++)
		tickit_watch_cancel(t, dead_watch[i]);
	ndead = 0;
	return 0;
}

/* curl wants fd watched for what (0: not any more). */
static void
hook_io(void *arg, int fd, int what)
{
	int cond = 0;

	(void)arg;
	if (fd < 0 || fd >= MAX_FD)
		return;
	if (what & PX_ASYNC_IN)
		cond |= TICKIT_IO_IN | TICKIT_IO_HUP;
	if (what & PX_ASYNC_OUT)
		cond |= TICKIT_IO_OUT;
	if (io_watch[fd] && io_cond[fd] == cond)
		return;
	if (io_watch[fd]) {
		if (ndead < MAX_FD * 2)
			dead_watch[ndead++] = io_watch[fd];
		io_watch[fd] = NULL;
		if (!reap_armed) {
			reap_armed = 1;
			tickit_watch_later(tk, 0, reap_watches, NULL);
		}
	}
	io_cond[fd] = cond;
	if (cond)
		io_watch[fd] = tickit_watch_io(tk, fd, cond, 0, on_io, NULL);
}

static long long
mono_ms(void)
{
	return (long long)(px_mono() * 1000);
}

/* curl's timeout, run from a "later" callback: curl re-arms its timer
 * there, which tickit's timer dispatch must never see (tui.h). */
static int
on_timer_later(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)t;
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	px_async_timeout(async);
	after();
	return 0;
}

static int
on_timer(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)info;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	async_due = 0;	/* the earliest fires first: none is armed now */
	tickit_watch_later(t, 0, on_timer_later, NULL);
	return 0;
}

/* curl's timer: armed only when earlier than the one armed, never
 * cancelled, never from inside tickit's timer dispatch. */
static void
hook_timer(void *arg, long ms)
{
	long long due;

	(void)arg;
	if (ms < 0)
		return;
	due = mono_ms() + ms;
	if (async_due && async_due <= due)
		return;
	async_due = due;
	tickit_watch_timer_after_msec(tk, (int)ms, 0, on_timer, NULL);
}

struct deferred {
	int ms;
	TickitCallbackFn *fn;
	void *user;
};

static int
arm_deferred(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	struct deferred *d = user;

	(void)info;
	if (f & TICKIT_EV_FIRE)
		tickit_watch_timer_after_msec(t, d->ms, 0, d->fn, d->user);
	free(d);
	return 0;
}

void
tui_timer(int ms, TickitCallbackFn *fn, void *user)
{
	struct deferred *d = px_xmalloc(sizeof(*d));

	d->ms = ms;
	d->fn = fn;
	d->user = user;
	/* Bound for UNBIND too, so that d is freed if the loop ends
	 * first. */
	tickit_watch_later(tk, TICKIT_BIND_UNBIND, arm_deferred, d);
}

/* ---- the action queue ---- */

struct queued {
	struct queued *next;
	char key[64];
	long long data[];	/* the action, suitably aligned */
};

static struct queued *q_head, *q_tail;
static int q_pumping, q_armed;

void
tui_post(const void *action)
{
	const struct tui_action_layout *l = &app.layout;
	struct queued *q = px_xmalloc(sizeof(*q) + l->size);
	const char *key;
	long long now;

	memcpy(q->data, action, l->size);
	memcpy(&now, (const char *)action + l->now, sizeof(now));
	if (now == 0) {
		now = (long long)time(NULL);
		memcpy((char *)q->data + l->now, &now, sizeof(now));
	}
	memcpy(&key, (const char *)action + l->key, sizeof(key));
	if (key != NULL) {
		snprintf(q->key, sizeof(q->key), "%s", key);
		key = q->key;
		memcpy((char *)q->data + l->key, &key, sizeof(key));
	}
	q->next = NULL;
	if (q_tail)
		q_tail->next = q;
	else
		q_head = q;
	q_tail = q;
}

void
tui_pump(void)
{
	if (q_pumping)
		return;
	q_pumping = 1;
	while (q_head) {
		struct queued *q = q_head;

		if ((q_head = q->next) == NULL)
			q_tail = NULL;
		app.reduce(q->data);
		free(q);
	}
	q_pumping = 0;
	if (root) {
		tickit_window_expose(root, NULL);
		tickit_window_flush(root);
	}
}

static int
on_pump_later(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)t;
	(void)info;
	(void)user;
	q_armed = 0;
	if (f & TICKIT_EV_FIRE)
		tui_pump();
	return 0;
}

void
tui_dispatch(const void *action)
{
	tui_post(action);
	if (!q_armed) {
		q_armed = 1;
		tickit_watch_later(tk, 0, on_pump_later, NULL);
	}
}

/* Dispatch the command's action for one of the loop's own events: type,
 * then key and text, or lines and cols. */
static void
dispatch_event(int type, const char *key, int text, int lines, int cols)
{
	const struct tui_action_layout *l = &app.layout;
	char *a = px_xcalloc(1, l->size);

	memcpy(a + l->type, &type, sizeof(type));
	memcpy(a + l->key, &key, sizeof(key));
	memcpy(a + l->text, &text, sizeof(text));
	memcpy(a + l->lines, &lines, sizeof(lines));
	memcpy(a + l->cols, &cols, sizeof(cols));
	tui_dispatch(a);
	free(a);
}

/* ---- the terminal ---- */

static struct termios saved_tio;
static int have_tio;
static int quit_pipe[2] = { -1, -1 };

static const char restore_seq[] = "\033[?1000l\033[?1002l\033[?1003l"
    "\033[?1006l\033[?1049l\033[?25h\033[m\r\n";

static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NFATAL (sizeof(fatal) / sizeof(fatal[0]))
static struct sigaction fatal_old[NFATAL];

/* Restore the terminal, then hand the signal to whoever had it before
 * (the default action, or a sanitizer's handler that reports the
 * crash), by reinstalling that and raising the signal again. */
static void
on_fatal(int sig)
{
	ssize_t w;

	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	w = write(STDOUT_FILENO, restore_seq, sizeof(restore_seq) - 1);
	(void)w;
	for (size_t i = 0; i < NFATAL; i++)
		if (fatal[i] == sig) {
			sigaction(sig, &fatal_old[i], NULL);
			raise(sig);
			return;
		}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_quit(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;
	ssize_t w = write(quit_pipe[1], &c, 1);

	(void)w;
	errno = saved;
}

/* Save the terminal's modes and install the handlers; returns the read
 * end of the quit pipe (non-blocking) to watch, or exits on failure.
 * Called before tickit takes the terminal. */
static int
term_setup(void)
{
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0)
		have_tio = 1;
	if (pipe(quit_pipe) != 0)
		px_errx(PX_EXIT_FAIL, "pipe: %s", strerror(errno));
	fcntl(quit_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(quit_pipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal[i], &sa, &fatal_old[i]);
	sa.sa_handler = on_quit;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(quit) / sizeof(quit[0]); i++)
		sigaction(quit[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return quit_pipe[0];
}

/* Diagnostics written while the screen is up would scribble over it:
 * hold_stderr sends stderr to an unlinked temporary file and returns the
 * real stderr (-1 when it could not); release_stderr writes what was
 * held to it and puts it back, after tickit has restored the
 * terminal. */
static int
hold_stderr(void)
{
	char path[] = "/tmp/px-stderr.XXXXXX";
	int real, fd;

	if ((real = dup(STDERR_FILENO)) < 0)
		return -1;
	if ((fd = mkstemp(path)) < 0) {
		close(real);
		return -1;
	}
	unlink(path);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return real;
}

static void
release_stderr(int fd)
{
	char buf[4096];
	ssize_t n, w;

	if (fd < 0)
		return;
	if (lseek(STDERR_FILENO, 0, SEEK_SET) == 0)
		while ((n = read(STDERR_FILENO, buf, sizeof(buf))) > 0)
			w = write(fd, buf, (size_t)n), (void)w;
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* ---- tickit's events ---- */

static int
on_signal_pipe(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	unsigned char c[16];

	(void)t;
	(void)info;
	(void)user;
	if ((f & TICKIT_EV_FIRE) && read(quit_pipe[0], c, sizeof(c)) > 0)
		dispatch_event(app.signal, NULL, 0, 0, 0);
	return 0;
}

static int
on_expose(TickitWindow *w, TickitEventFlags f, void *info, void *user)
{
	TickitExposeEventInfo *ex = info;

	(void)w;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		app.render(ex->rb, colour);
	return 1;
}

static int
on_geom(TickitWindow *w, TickitEventFlags f, void *info, void *user)
{
	TickitGeomchangeEventInfo *g = info;

	(void)w;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		dispatch_event(app.resize, NULL, 0, g->rect.lines,
		    g->rect.cols);
	return 0;
}

static int
on_key(TickitWindow *w, TickitEventFlags f, void *info, void *user)
{
	TickitKeyEventInfo *k = info;

	(void)w;
	(void)user;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	dispatch_event(app.key, k->str, k->type == TICKIT_KEYEV_TEXT, 0, 0);
	return 1;
}

static int
on_start(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	(void)t;
	(void)info;
	(void)user;
	if (f & TICKIT_EV_FIRE)
		dispatch_event(app.start, NULL, 0, 0, 0);
	return 0;
}

/* ---- the run ---- */

double
tui_delay(const char *arg)
{
	char *end;
	double delay = strtod(arg, &end);

	if (end == arg || *end || !(delay >= 0.2) || delay > 86400)
		px_errx(PX_EXIT_USAGE, "-d: seconds between refreshes, 0.2 to "
		    "86400, not '%s'", arg);
	return delay;
}

/*
 * The terminfo capability term lacks that libtickit's terminfo driver
 * requires (it aborts without one), or NULL.  TERM=xterm* takes tickit's
 * xterm driver, which needs none; an unknown TERM makes tickit_new_stdio
 * fail, which tui_run reports.
 */
static const char *
terminal_lacks(const char *term)
{
	static const enum unibi_string need[] = {
		unibi_cursor_address, unibi_parm_up_cursor,
		unibi_parm_down_cursor, unibi_parm_right_cursor,
		unibi_parm_left_cursor, unibi_parm_ich,
		unibi_parm_insert_line, unibi_parm_delete_line,
		unibi_clear_screen, unibi_change_scroll_region,
		unibi_set_attributes, unibi_exit_attribute_mode,
		unibi_set_a_foreground, unibi_set_a_background,
		unibi_cursor_normal, unibi_cursor_invisible,
	};
	const char *miss = NULL;
	unibi_term *ut;

	if (term == NULL || strncmp(term, "xterm", 5) == 0 ||
	    (ut = unibi_from_term(term)) == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (unibi_get_str(ut, need[i]) == NULL) {
			miss = unibi_name_str(need[i]);
			break;
		}
	unibi_destroy(ut);
	return miss;
}

void
tui_need_terminal(const char *without)
{
	const char *term = getenv("TERM"), *miss;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		px_errx(PX_EXIT_USAGE, "needs a terminal on standard input "
		    "and output (%s)", without);
	if ((miss = terminal_lacks(term)) != NULL)
		px_errx(PX_EXIT_FAIL, "TERM=%s cannot address the cursor "
		    "(terminfo has no %s): use a full-screen terminal such "
		    "as xterm (%s)", term, miss, without);
}

/* The real stderr while tui_run holds it (-1 outside and when it could
 * not), for a child that takes the terminal. */
static int real_stderr = -1;

int
tui_run_child(char *const argv[])
{
	TickitTerm *tt = tickit_get_term(tk);
	struct sigaction ign, oint, oquit;
	pid_t pid;
	int st = -1;

	/* The child owns the terminal: C-c there is its own, not ours. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	tickit_term_pause(tt);
	if ((pid = fork()) == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		for (size_t i = 0; i < NFATAL; i++)
			sigaction(fatal[i], &fatal_old[i], NULL);
		if (real_stderr >= 0)
			dup2(real_stderr, STDERR_FILENO);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
	tickit_term_resume(tt);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	tickit_window_expose(root, NULL);
	if (pid < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) == 127 ? -1 : WEXITSTATUS(st);
}

void
tui_run(const struct tui_app *a)
{
	int sig_fd, err_fd, lines, cols;

	app = *a;
	colour = getenv("NO_COLOR") == NULL || *getenv("NO_COLOR") == '\0';
	sig_fd = term_setup();
	if ((tk = tickit_new_stdio()) == NULL)
		px_errx(PX_EXIT_FAIL, "cannot open the terminal");
	root = tickit_get_rootwin(tk);
	tickit_term_get_size(tickit_get_term(tk), &lines, &cols);
	err_fd = hold_stderr();
	real_stderr = err_fd;
	/* Before the command's threads: curl_global_init is not
	 * thread-safe everywhere. */
	async = px_async_new(hook_io, hook_timer, NULL);
	app.ready(tk, async, lines, cols);
	tickit_watch_io(tk, sig_fd, TICKIT_IO_IN, 0, on_signal_pipe, NULL);
	tickit_window_bind_event(root, TICKIT_WINDOW_ON_EXPOSE, 0, on_expose,
	    NULL);
	tickit_window_bind_event(root, TICKIT_WINDOW_ON_GEOMCHANGE, 0,
	    on_geom, NULL);
	tickit_window_bind_event(root, TICKIT_WINDOW_ON_KEY, 0, on_key, NULL);
	/* Start from inside the loop: tickit draws only once it has set the
	 * terminal up (alternate screen), never onto the user's screen. */
	tickit_watch_later(tk, 0, on_start, NULL);
	/*
	 * Not tickit_run: libtickit 0.4.3 never initialises its event
	 * loop's set of pending signals, and tickit_run watches SIGINT, so
	 * on the first interrupted poll (the first resize) whatever garbage
	 * that set holds can fire its SIGINT watch and end the loop; ASan's
	 * malloc fill makes it happen every time.  Without tickit_run
	 * nothing watches SIGINT there (the quit pipe above handles it).
	 */
	stopping = 0;
	while (!stopping)
		tickit_tick(tk, TICKIT_RUN_DEFAULT);

	/* The way out of q, C-c, SIGINT, SIGTERM and SIGHUP. */
	tickit_window_close(root);
	tickit_unref(tk);
	tk = NULL;
	root = NULL;
	real_stderr = -1;
	release_stderr(err_fd);
}

void
tui_stop(void)
{
	stopping = 1;
	tickit_stop(tk);
}

/* ---- the mailbox ---- */

void
tui_mailbox_open(struct tui_mailbox *mb, void (*recv)(void *msg))
{
	mb->recv = recv;
	if (pipe(mb->fd) != 0)
		px_errx(PX_EXIT_FAIL, "pipe: %s", strerror(errno));
	fcntl(mb->fd[0], F_SETFL, O_NONBLOCK);
}

int
tui_mailbox_send(struct tui_mailbox *mb, void *msg)
{
	ssize_t w;

	/* atomic: a pointer is < PIPE_BUF; a full pipe blocks the sender
	 * until the loop reads, which is the back-pressure wanted */
	do
		w = write(mb->fd[1], &msg, sizeof(msg));
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)sizeof(msg) ? 0 : -1;
}

static int
on_mail(Tickit *t, TickitEventFlags f, void *info, void *user)
{
	struct tui_mailbox *mb = user;
	void *msg[64];
	ssize_t n;

	(void)t;
	(void)info;
	if (!(f & TICKIT_EV_FIRE))
		return 0;
	n = read(mb->fd[0], msg, sizeof(msg));
	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(msg[0]); i++)
		mb->recv(msg[i]);
	tui_pump();
	return 0;
}

void
tui_mailbox_watch(Tickit *t, struct tui_mailbox *mb)
{
	tickit_watch_io(t, mb->fd[0], TICKIT_IO_IN, 0, on_mail, mb);
}
