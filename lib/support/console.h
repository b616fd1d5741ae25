/*
 * console.h -- a console session in the terminal (px console, px node
 * shell): PVE's termproxy protocol over a WebSocket (http_ws.h), the
 * terminal in raw mode, keys and output both ways, window-size changes
 * forwarded, and the terminal restored on every way out: the end of the
 * session, the escape (Ctrl-] then q), SIGTERM, SIGHUP, SIGINT, the
 * connection dropping, and exit() anywhere (atexit).
 *
 * Without a terminal on standard input it works as a pipe: what is read
 * is sent, what comes is written; after the input ends it waits for the
 * console to close, or for two seconds without output.
 */
#ifndef PX_CONSOLE_H
#define PX_CONSOLE_H

#include "cast.h"
#include "err.h"
#include "http_ws.h"

#define CONSOLE_ESCAPE	0x1d	/* Ctrl-] */

struct console_session {
	struct ws_conn *w;
	const char *user;	/* the termproxy answer's user */
	const char *ticket;	/* its ticket */
	struct cast *cast;	/* a recording, or NULL */
	double cast_start;	/* px_mono() at the start of the recording */
	int record_input;
	/* out */
	int signal;		/* the signal that ended it, or 0 */
	int quit;		/* the user left with the escape */
	int remote_closed;	/* the console closed the connection */
};

/* The terminal's size (stdout, else stdin), 80x24 when there is none. */
void console_winsize(int *cols, int *rows);
/* Run the session until it ends: 0 (see s's out fields), or -1 with e:
 * PXE_UNAUTHORIZED when the console refused the ticket, PXE_TRANSPORT
 * when the connection dropped. */
int console_run(struct console_session *s, struct px_err *e);

#endif

/* What px console and px node shell ask for. */
struct mutcli;
struct gate_req;
struct console_cmd {
	const char *base;	/* API path of the guest or node, encoded */
	const char *form;	/* termproxy's form ("serial=serial0"), or
				   NULL */
	const char *cast_name;	/* "vm-100": the default cast's name */
	const char *title;	/* "VM 100 (web-01) on pve1" */
	int record;		/* --record */
	const char *record_file;	/* --record=file, or NULL */
	int record_input;	/* --record-input */
};

/*
 * The whole command once r (one target, its call POST BASE/termproxy)
 * is set up: the gate (read-only, freeze, approval, the audit entry;
 * -n prints what would be sent), the ticket, the WebSocket, the session,
 * the audit of its end, the cast.  Returns the exit status: 0, 128 + N
 * after signal N; errors are printed (px_report) and their status
 * returned.
 */
int console_cmd_run(struct mutcli *m, struct gate_req *r,
    const struct console_cmd *cc);
