/* top_term.c -- the terminal restored on signals (see top_term.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "diag.h"
#include "top_term.h"

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

int
top_term_setup(void)
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

int
top_term_hold_stderr(void)
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

void
top_term_release_stderr(int fd)
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
