/*
 * console.c -- consoles: the termproxy tickets of guests and nodes, the
 * vncwebsocket upgrade, and the small fake console behind it that speaks
 * PVE's termproxy protocol (pve-xtermjs): the client's first message is
 * "USER:TICKET\n" and the answer "OK"; then the client sends "0:LEN:DATA"
 * (input), "1:COLS:ROWS:" (resize) and "2" (ping), and the server sends
 * the terminal's output as binary frames.
 *
 * The console is a login prompt (guests) and a shell that answers a few
 * commands: hostname, whoami, uname, stty size, echo, help, exit; and
 * "drop", which cuts the connection without a close frame (for tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "guest.h"

#define TICKETS		64
#define TICKET_TTL	60	/* seconds a vncticket is valid */
#define LINE_MAX_	512
#define STREAM_CAP	(64 * 1024)

struct console_ticket {
	char ticket[80];
	char authid[192];
	char path[64];		/* /vms/100, /nodes/pve1 */
	char host[64];		/* the console's host name */
	int port;
	int guest;		/* a guest's serial console: a login first */
	time_t issued;
};

static struct console_ticket tickets[TICKETS];
static size_t next_ticket;

enum console_state { K_AUTH, K_LOGIN, K_PASSWORD, K_SHELL };

struct sim_console {
	struct console_ticket t;
	enum console_state state;
	struct buf stream;	/* client bytes not yet parsed as messages */
	char line[LINE_MAX_];
	size_t linelen;
	char user[64];
	int cols, rows;
};

/* Issue a ticket for authid on path; fills ticket (PVEVNC:...) and port. */
void
sim_console_ticket(const char *authid, const char *path, const char *host,
    int guest, char *ticket, size_t n, int *port)
{
	struct console_ticket *t = &tickets[next_ticket++ % TICKETS];
	unsigned char r[24];

	memset(t, 0, sizeof(*t));
	tls_random(r, sizeof(r));
	memcpy(t->ticket, "PVEVNC:", 7);
	sim_hex(r, sizeof(r), t->ticket + 7);
	snprintf(t->authid, sizeof(t->authid), "%s", authid ? authid : "");
	snprintf(t->path, sizeof(t->path), "%s", path);
	snprintf(t->host, sizeof(t->host), "%s", host);
	t->port = 5900 + (int)(r[0] % 100);
	t->guest = guest;
	t->issued = time(NULL);
	snprintf(ticket, n, "%s", t->ticket);
	*port = t->port;
}

static struct console_ticket *
ticket_find(const char *ticket, const char *path)
{
	size_t i;
	time_t now = time(NULL);

	if (ticket == NULL)
		return NULL;
	for (i = 0; i < TICKETS; i++) {
		struct console_ticket *t = &tickets[i];

		if (t->ticket[0] && strcmp(t->ticket, ticket) == 0 &&
		    strcmp(t->path, path) == 0 && now - t->issued <= TICKET_TTL)
			return t;
	}
	return NULL;
}

/* POST /nodes/{node}/termproxy */
static void
h_node_termproxy(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *node = sim_var(m, "node"), *cmd = sim_param(rq, "cmd");
	char path[64], ticket[80];
	struct sim_task *t;
	struct jw w;
	int port;

	if (cmd && strcmp(cmd, "login") != 0 && strcmp(cmd, "upgrade") != 0
	    && strcmp(cmd, "ceph_install") != 0) {
		sim_param_error(rs, "cmd", "value 'x' does not have a value in "
		    "the enumeration 'ceph_install, login, upgrade'\n");
		return;
	}
	snprintf(path, sizeof(path), "/nodes/%s", node);
	sim_console_ticket(rq->authid, path, node, 0, ticket, sizeof(ticket),
	    &port);
	t = sim_task_start(s, node, "vncshell", "", rq->authid, 10, NULL,
	    NULL);
	sim_ok_begin(rs, &w);
	jw_obj(&w);
	jw_kint(&w, "port", port);
	jw_kstr(&w, "ticket", ticket);
	jw_kstr(&w, "upid", t->upid);
	jw_kstr(&w, "user", rq->authid ? rq->authid : "");
	jw_end(&w);
	sim_ok_end(rs, &w);
}

/* GET .../vncwebsocket: check the ticket and upgrade to a WebSocket. */
static void
h_vncwebsocket(struct sim *s, struct sim_req *rq, struct sim_resp *rs,
    const struct sim_match *m)
{
	const char *vmid = sim_var(m, "vmid"), *port = sim_param(rq, "port");
	const char *up = sim_header(rq, "upgrade");
	const char *key = sim_header(rq, "sec-websocket-key");
	struct console_ticket *t;
	struct sim_console *k;
	char path[64];
	char *end;
	long p;

	if (vmid && g_lookup(s, rq, rs, m) == NULL)
		return;
	if (sim_param_require(rq, rs, "port", "vncticket", NULL) != 0)
		return;
	p = strtol(port, &end, 10);
	if (*end != '\0' || p < 5900 || p > 5999) {
		sim_param_error(rs, "port", "value must have a minimum value "
		    "of 5900 and a maximum value of 5999\n");
		return;
	}
	if (strlen(sim_param(rq, "vncticket")) > 512) {
		sim_param_error(rs, "vncticket", "value may only be 512 "
		    "characters long\n");
		return;
	}
	if (vmid)
		snprintf(path, sizeof(path), "/vms/%s", vmid);
	else
		snprintf(path, sizeof(path), "/nodes/%s", sim_var(m, "node"));
	if ((t = ticket_find(sim_param(rq, "vncticket"), path)) == NULL ||
	    t->port != (int)p) {
		sim_error(rs, 401, "permission denied - invalid vnc ticket");
		return;
	}
	if (up == NULL || strcasecmp(up, "websocket") != 0 || key == NULL ||
	    strlen(key) != 24) {
		sim_error(rs, 400, "websocket upgrade required");
		return;
	}
	k = px_xcalloc(1, sizeof(*k));
	k->t = *t;
	k->cols = 80;
	k->rows = 24;
	rs->upgrade = k;
	rs->upgrade_free = sim_console_free;
	rs->status = 101;
}

void
sim_console_free(struct sim_console *k)
{
	if (k == NULL)
		return;
	buf_free(&k->stream);
	free(k);
}

static void
prompt(struct sim_console *k, struct buf *out)
{
	buf_printf(out, "%s@%s:~# ", k->user, k->t.host);
}

/* Run one command line of the fake shell; 1: exit, 2: drop. */
static int
run_line(struct sim_console *k, const char *line, struct buf *out)
{
	while (*line == ' ')
		line++;
	if (*line == '\0') {
	} else if (strcmp(line, "exit") == 0 || strcmp(line, "logout") == 0) {
		buf_adds(out, "logout\r\n");
		return 1;
	} else if (strcmp(line, "drop") == 0) {
		return 2;
	} else if (strcmp(line, "hostname") == 0) {
		buf_printf(out, "%s\r\n", k->t.host);
	} else if (strcmp(line, "whoami") == 0) {
		buf_printf(out, "%s\r\n", k->user);
	} else if (strncmp(line, "uname", 5) == 0) {
		buf_printf(out, "Linux %s 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC "
		    "x86_64 GNU/Linux\r\n", k->t.host);
	} else if (strcmp(line, "stty size") == 0) {
		buf_printf(out, "%d %d\r\n", k->rows, k->cols);
	} else if (strncmp(line, "echo ", 5) == 0 || strcmp(line, "echo") ==
	    0) {
		buf_printf(out, "%s\r\n", line[4] ? line + 5 : "");
	} else if (strcmp(line, "help") == 0) {
		buf_adds(out, "commands: hostname whoami uname stty-size echo "
		    "exit drop\r\n");
	} else {
		buf_printf(out, "-bash: %s: command not found\r\n", line);
	}
	prompt(k, out);
	return 0;
}

/* Keys typed at the console; 1: exit, 2: drop. */
static int
console_keys(struct sim_console *k, const char *d, size_t n, struct buf *out)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '\r' || c == '\n') {
			k->line[k->linelen] = '\0';
			buf_adds(out, "\r\n");
			k->linelen = 0;
			switch (k->state) {
			case K_LOGIN:
				snprintf(k->user, sizeof(k->user), "%.63s",
				    k->line[0] ? k->line : "root");
				buf_adds(out, "Password: ");
				k->state = K_PASSWORD;
				break;
			case K_PASSWORD:
				buf_printf(out, "Linux %s 6.8.12-4-pve\r\n",
				    k->t.host);
				k->state = K_SHELL;
				prompt(k, out);
				break;
			default:
				if ((rc = run_line(k, k->line, out)) != 0)
					return rc;
				break;
			}
			if (c == '\r' && i + 1 < n && d[i + 1] == '\n')
				i++;
		} else if (c == 0x7f || c == 0x08) {
			if (k->linelen > 0) {
				k->linelen--;
				if (k->state != K_PASSWORD)
					buf_adds(out, "\b \b");
			}
		} else if (c == 0x03) {
			buf_adds(out, "^C\r\n");
			k->linelen = 0;
			if (k->state == K_SHELL)
				prompt(k, out);
		} else if (c == 0x04 && k->linelen == 0 &&
		    k->state == K_SHELL) {
			buf_adds(out, "logout\r\n");
			return 1;
		} else if (c >= 0x20 && k->linelen < sizeof(k->line) - 1) {
			k->line[k->linelen++] = (char)c;
			if (k->state != K_PASSWORD)
				buf_addc(out, (char)c);
		}
	}
	return 0;
}

/* Parse a decimal number of at most 9 digits at *p and its ':': 1 and *p
 * past the ':', 0 when more bytes are needed, -1 when malformed. */
static int
take_num(const char **p, const char *end, long *v)
{
	const char *q = *p;

	*v = 0;
	while (q < end && *q >= '0' && *q <= '9' && q - *p < 9)
		*v = *v * 10 + (*q++ - '0');
	if (q == end)
		return 0;
	if (*q != ':' || q == *p)
		return -1;
	*p = q + 1;
	return 1;
}

/*
 * A WebSocket message from the client: the termproxy protocol.  Output
 * for the terminal goes to out.  Returns 0 to go on, 1 to close the
 * console normally, 2 to drop the connection, -1 to refuse (bad auth or
 * a malformed stream).
 */
int
sim_console_input(struct sim_console *k, const char *d, size_t n,
    struct buf *out)
{
	const char *p, *end;
	int rc = 0;

	if (k->stream.len + n > STREAM_CAP)
		return -1;
	buf_add(&k->stream, d, n);
	p = k->stream.p;
	end = p + k->stream.len;
	if (k->state == K_AUTH) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		size_t un;

		if (nl == NULL)
			return k->stream.len > 1024 ? -1 : 0;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon == NULL)
			return -1;
		un = (size_t)(colon - p);
		if (un != strlen(k->t.authid) || memcmp(p, k->t.authid, un) ||
		    (size_t)(nl - colon - 1) != strlen(k->t.ticket) ||
		    memcmp(colon + 1, k->t.ticket, strlen(k->t.ticket)))
			return -1;
		buf_adds(out, "OK");
		if (k->t.guest) {
			buf_printf(out, "\r\nDebian GNU/Linux 12 %s ttyS0\r\n"
			    "\r\n%s login: ", k->t.host, k->t.host);
			k->state = K_LOGIN;
		} else {
			snprintf(k->user, sizeof(k->user), "root");
			buf_printf(out, "Linux %s 6.8.12-4-pve\r\n",
			    k->t.host);
			k->state = K_SHELL;
			prompt(k, out);
		}
		p = nl + 1;
	}
	while (p < end && rc == 0) {
		const char *q = p + 1;
		long len, cols, rows;
		int r;

		if (*p == '2') {		/* ping */
			p++;
			continue;
		}
		if (q >= end)
			break;
		if (*q != ':' || (*p != '0' && *p != '1'))
			return -1;
		q++;
		if (*p == '0') {
			if ((r = take_num(&q, end, &len)) <= 0) {
				if (r < 0)
					return -1;
				break;
			}
			if (end - q < len)
				break;
			rc = console_keys(k, q, (size_t)len, out);
			p = q + len;
		} else {
			if ((r = take_num(&q, end, &cols)) <= 0 ||
			    (r = take_num(&q, end, &rows)) <= 0) {
				if (r < 0)
					return -1;
				break;
			}
			if (cols > 0 && cols < 10000 && rows > 0 &&
			    rows < 10000) {
				k->cols = (int)cols;
				k->rows = (int)rows;
			}
			p = q;
		}
	}
	memmove(k->stream.p, p, (size_t)(end - p));
	k->stream.len = (size_t)(end - p);
	k->stream.p[k->stream.len] = '\0';
	return rc;
}

/* Route table: node termproxy and the three vncwebsockets. */
const struct sim_route sim_routes_console[] = {
	{ "POST", "/nodes/{node}/termproxy", h_node_termproxy, "/nodes/{node}",
	    "Sys.Console", 0 },
	{ "GET", "/nodes/{node}/vncwebsocket", h_vncwebsocket,
	    "/nodes/{node}", "Sys.Console", 0 },
	{ "GET", "/nodes/{node}/qemu/{vmid}/vncwebsocket", h_vncwebsocket,
	    "/vms/{vmid}", "VM.Console", 0 },
	{ "GET", "/nodes/{node}/lxc/{vmid}/vncwebsocket", h_vncwebsocket,
	    "/vms/{vmid}", "VM.Console", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
