/*
 * console.c -- a console session in the terminal (see console.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <time.h>

#include "clock.h"
#include "console.h"
#include "enc.h"
#include "gate.h"
#include "json.h"
#include "mutation.h"
#include "mutcli.h"
#include "pve.h"

#define PING_EVERY	30.0	/* s: termproxy's "2", as xterm.js */
#define PIPE_LINGER	2.0	/* s of quiet after the input ended */

static struct termios saved;
static volatile sig_atomic_t raw_on;
static volatile sig_atomic_t got_winch, got_end;

/* Put the terminal back as it was (idempotent; atexit too). */
static void
term_restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		raw_on = 0;
	}
}

static int
term_raw(void)
{
	static int registered;
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved) != 0)
		return -1;
	if (!registered) {
		atexit(term_restore);
		registered = 1;
	}
	t = saved;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0)
		return -1;
	raw_on = 1;
	return 0;
}

static void
on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
}

static void
on_end(int sig)
{
	got_end = sig;
}

void
console_winsize(int *cols, int *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if ((ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

static int
write_out(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pf = { STDOUT_FILENO, POLLOUT, 0 };

			poll(&pf, 1, 1000);
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static double
cast_time(const struct console_session *s)
{
	return px_mono() - s->cast_start;
}

/* Send keys as termproxy's "0:LEN:DATA". */
static int
send_keys(struct console_session *s, const char *d, size_t n,
    struct px_err *e)
{
	struct buf m = {0};
	int rc;

	if (n == 0)
		return 0;
	buf_printf(&m, "0:%zu:", n);
	buf_add(&m, d, n);
	rc = ws_conn_send(s->w, WS_OP_BINARY, m.p, m.len, e);
	buf_free(&m);
	if (rc == 0 && s->record_input)
		cast_event(s->cast, cast_time(s), 'i', d, n, e);
	return rc;
}

static int
send_size(struct console_session *s, struct px_err *e)
{
	char m[64];
	int cols, rows;

	console_winsize(&cols, &rows);
	snprintf(m, sizeof(m), "1:%d:%d:", cols, rows);
	if (ws_conn_send(s->w, WS_OP_BINARY, m, strlen(m), e) != 0)
		return -1;
	snprintf(m, sizeof(m), "%dx%d", cols, rows);
	cast_event(s->cast, cast_time(s), 'r', m, strlen(m), e);
	return 0;
}

/* Keys from stdin: the escape (Ctrl-] then q or .) ends the session;
 * Ctrl-] twice sends one.  Returns 1 to quit, 0, or -1 with e. */
static int
keys(struct console_session *s, const char *d, size_t n, int *esc,
    struct px_err *e)
{
	char out[4200];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (*esc) {
			*esc = 0;
			if (c == 'q' || c == '.') {
				if (send_keys(s, out, k, e) != 0)
					return -1;
				return 1;
			}
			if (c != CONSOLE_ESCAPE)
				out[k++] = CONSOLE_ESCAPE;
			out[k++] = (char)c;
		} else if (c == CONSOLE_ESCAPE) {
			*esc = 1;
		} else {
			out[k++] = (char)c;
		}
	}
	return send_keys(s, out, k, e);
}

/* Output from the console: "OK" first, then the terminal's bytes.
 * Returns 0, or -1 with e. */
static int
output(struct console_session *s, const struct ws_event *ev, int *authed,
    struct px_err *e)
{
	const char *d = ev->data.p ? ev->data.p : "";
	size_t n = ev->data.len;

	if (!*authed) {
		if (n < 2 || memcmp(d, "OK", 2) != 0)
			return px_fail(e, PXE_UNAUTHORIZED, "the console "
			    "refused the ticket");
		*authed = 1;
		d += 2;
		n -= 2;
		if (send_size(s, e) != 0)
			return -1;
	}
	if (n == 0)
		return 0;
	if (write_out(d, n) != 0)
		return px_fail(e, PXE_IO, "standard output: %s",
		    strerror(errno));
	cast_event(s->cast, cast_time(s), 'o', d, n, e);
	return 0;
}

int
console_run(struct console_session *s, struct px_err *e)
{
	struct sigaction sa, old_winch, old_term, old_hup, old_int;
	sigset_t block, orig;
	struct buf auth = {0};
	int tty = isatty(STDIN_FILENO), authed = 0, esc = 0, in_eof = 0;
	int rc = -1;
	double last_send = px_mono(), last_out = px_mono();

	s->signal = s->quit = s->remote_closed = 0;
	got_winch = got_end = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = on_end;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGINT, &sa, &old_int);

	buf_printf(&auth, "%s:%s\n", s->user, s->ticket);
	if (ws_conn_send(s->w, WS_OP_BINARY, auth.p, auth.len, e) != 0)
		goto out;
	if (tty && term_raw() != 0) {
		px_fail(e, PXE_IO, "cannot put the terminal in raw mode: %s",
		    strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd pf[2];
		struct ws_event *ev;
		struct timespec ts;
		double now, wait;
		int r, nf = 0;

		/* everything that is there already (TLS may hold some) */
		while ((r = ws_conn_read(s->w, &ev, e)) == 1) {
			if (ev->kind == WS_EV_MESSAGE) {
				if (output(s, ev, &authed, e) != 0)
					goto out;
				last_out = px_mono();
			} else if (ev->kind == WS_EV_CLOSE) {
				if (!authed) {
					px_fail(e, PXE_UNAUTHORIZED, "the "
					    "console closed the connection "
					    "(%d%s%.100s)", ev->code,
					    ev->data.len ? ": " : "",
					    ev->data.len ? ev->data.p : "");
					text_sanitize(e->msg);
					goto out;
				}
				s->remote_closed = 1;
				rc = 0;
				goto out;
			}
		}
		if (r < 0) {
			if (authed) {
				px_wrap(e, "the connection to the console "
				    "dropped");
				e->id = PXE_TRANSPORT;
			}
			goto out;
		}
		if (got_end) {
			s->signal = got_end;
			ws_conn_close(s->w, WS_CLOSE_GOING_AWAY, NULL);
			rc = 0;
			goto out;
		}
		if (got_winch) {
			got_winch = 0;
			if (authed && send_size(s, e) != 0)
				goto out;
		}
		now = px_mono();
		if (in_eof && now - last_out >= PIPE_LINGER) {
			ws_conn_close(s->w, WS_CLOSE_NORMAL, NULL);
			rc = 0;
			goto out;
		}
		if (now - last_send >= PING_EVERY) {
			if (ws_conn_send(s->w, WS_OP_BINARY, "2", 1, e) != 0)
				goto out;
			last_send = now;
		}
		pf[nf].fd = ws_conn_fd(s->w);
		pf[nf++].events = POLLIN;
		if (!in_eof && authed) {
			pf[nf].fd = STDIN_FILENO;
			pf[nf++].events = POLLIN;
		}
		wait = PING_EVERY - (now - last_send);
		if (in_eof && PIPE_LINGER - (now - last_out) < wait)
			wait = PIPE_LINGER - (now - last_out);
		if (wait < 0.01)
			wait = 0.01;
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		r = ppoll(pf, (nfds_t)nf, &ts, &orig);
		if (r < 0 && errno != EINTR) {
			px_fail(e, PXE_IO, "poll: %s", strerror(errno));
			goto out;
		}
		if (r > 0 && nf == 2 && (pf[1].revents & (POLLIN | POLLHUP |
		    POLLERR))) {
			char b[4096];
			ssize_t n = read(STDIN_FILENO, b, sizeof(b));

			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				in_eof = 1;
			} else if (n == 0) {
				in_eof = 1;
				last_out = px_mono();
			} else if (n > 0) {
				int k = keys(s, b, (size_t)n, &esc, e);

				if (k < 0)
					goto out;
				last_send = px_mono();
				if (k == 1) {
					s->quit = 1;
					ws_conn_close(s->w, WS_CLOSE_NORMAL,
					    NULL);
					rc = 0;
					goto out;
				}
			}
		}
	}
out:
	term_restore();
	buf_wipe(&auth);
	sigaction(SIGWINCH, &old_winch, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rc;
}

/* ---- the command: px console, px node shell ---- */

static int
ticket_parse(const struct px_reply *rep, long long *port, char **ticket,
    char **user, struct px_err *e)
{
	const struct json *j = &rep->j;

	*ticket = *user = NULL;
	if (rep->data < 0 || json_type(j, rep->data) != JSON_OBJECT)
		return px_fail(e, PXE_PARSE, "termproxy: the answer is not an "
		    "object");
	*port = json_get_int(j, rep->data, "port", -1);
	*ticket = json_get_str(j, rep->data, "ticket");
	*user = json_get_str(j, rep->data, "user");
	if (*port < 1 || *port > 65535 || *ticket == NULL || **ticket == '\0'
	    || strlen(*ticket) > 512 || *user == NULL || **user == '\0' ||
	    strlen(*user) > 256 || strpbrk(*user, ":\n") != NULL ||
	    strchr(*ticket, '\n') != NULL) {
		free(*ticket);
		free(*user);
		*ticket = *user = NULL;
		return px_fail(e, PXE_PARSE, "termproxy: the answer lacks a "
		    "valid port, ticket or user");
	}
	return 0;
}

int
console_cmd_run(struct mutcli *m, struct gate_req *r,
    const struct console_cmd *cc)
{
	struct console_session s = { 0 };
	struct gate_result res;
	struct px_err e = { 0 }, ce = { 0 };
	struct buf path = { 0 };
	char *ticket = NULL, *user = NULL, *cast_path = NULL;
	long long port = 0;
	int rc, status = 0, tty = isatty(STDERR_FILENO);

	memset(&res, 0, sizeof(res));
	if (mutation_admit(&m->g, r, &m->ui, &e) != 0 ||
	    gate_send(&m->g, r, 0, &res, &e) != 0)
		return px_report(&e);
	if (res.dry_run) {
		m->ui.would_send(m->ui.arg, res.would_send);
		gate_result_free(&res);
		return 0;
	}
	if (ticket_parse(&res.reply, &port, &ticket, &user, &e) != 0) {
		gate_task_done(&m->g, r, 0, &res, "no ticket in the answer");
		status = px_report(&e);
		goto out;
	}
	buf_printf(&path, "%s/vncwebsocket?port=%lld&vncticket=", cc->base,
	    port);
	url_seg(&path, ticket);
	if ((s.w = ws_conn_open(m->x.client, path.p, "binary", &e)) == NULL) {
		gate_task_done(&m->g, r, 0, &res, e.msg);
		status = px_report(&e);
		goto out;
	}
	if (cc->record || cc->record_file) {
		struct cast_head h = { 0 };

		cast_path = cc->record_file ? px_xstrdup(cc->record_file) :
		    cast_default_path(cc->cast_name, time(NULL), &ce);
		console_winsize(&h.width, &h.height);
		h.timestamp = time(NULL);
		h.term = getenv("TERM");
		h.shell = getenv("SHELL");
		h.title = cc->title;
		if (cast_path == NULL || (s.cast = cast_open(cast_path, &h,
		    &ce)) == NULL) {
			ws_conn_close(s.w, WS_CLOSE_GOING_AWAY, NULL);
			gate_task_done(&m->g, r, 0, &res, "no recording");
			status = px_report(&ce);
			goto out;
		}
		s.cast_start = px_mono();
		s.record_input = cc->record_input;
	}
	if (tty && isatty(STDIN_FILENO))
		px_warn("connected to %s; Ctrl-] then q leaves", cc->title);
	s.user = user;
	s.ticket = ticket;
	rc = console_run(&s, &e);
	if (rc != 0) {
		gate_task_done(&m->g, r, 0, &res, e.msg);
		if (tty && isatty(STDIN_FILENO))
			fputs("\r\n", stderr);
		status = px_report(&e);
	} else if (s.signal) {
		char why[64];

		snprintf(why, sizeof(why), "ended by signal %d", s.signal);
		gate_task_done(&m->g, r, 0, &res, why);
		status = 128 + s.signal;
	} else {
		gate_task_done(&m->g, r, 0, &res, s.quit ? "left" : "closed");
		if (tty && isatty(STDIN_FILENO))
			fputs("\r\n", stderr);
	}
	if (s.cast) {
		if (cast_close(s.cast, &ce) != 0) {
			if (status == 0)
				status = px_report(&ce);
			else
				px_report(&ce);
		} else if (tty || cc->record_file == NULL) {
			px_warn("recorded %s", cast_path);
		}
		s.cast = NULL;
	}
out:
	ws_conn_free(s.w);
	gate_result_free(&res);
	buf_free(&path);
	if (ticket)
		memset(ticket, 0, strlen(ticket));
	free(ticket);
	free(user);
	free(cast_path);
	return status;
}
