/*
 * node.h -- px node's system verbs (dns, hosts, time, subscription,
 * cert, journal, syslog, report, wol, apt, services): their options,
 * declared in node.c's table through NODE_SYS_OPTS, and their entry.
 */
#ifndef PX_NODE_H
#define PX_NODE_H

#include "mutcli.h"

enum {
	NS_O_SEARCH = PX_O_LONG + 64, NS_O_DNS1, NS_O_DNS2, NS_O_DNS3,
	NS_O_TIMEZONE, NS_O_DIGEST, NS_O_RESTART, NS_O_SINCE, NS_O_UNTIL,
	NS_O_SERVICE, NS_O_LINES
};

#define NODE_SYS_OPTS \
	{ 'F', "follow", NULL, "journal, syslog: wait for new lines" }, \
	{ NS_O_DIGEST, "digest", "digest", "hosts set: the digest of the " \
	    "file read (refused if it changed since)" }, \
	{ NS_O_DNS1, "dns1", "ip", "dns set: the first name server" }, \
	{ NS_O_DNS2, "dns2", "ip", "dns set: the second name server" }, \
	{ NS_O_DNS3, "dns3", "ip", "dns set: the third name server" }, \
	{ NS_O_LINES, "lines", "n", "journal, syslog: the last n lines" }, \
	{ NS_O_RESTART, "restart", NULL, "cert upload, cert delete: " \
	    "restart pveproxy" }, \
	{ NS_O_SEARCH, "search", "domain", "dns set: the search domain" }, \
	{ NS_O_SERVICE, "service", "name", "journal, syslog: only lines " \
	    "of this service" }, \
	{ NS_O_SINCE, "since", "time", "journal, syslog: lines since " \
	    "(YYYY-MM-DD[ HH:MM[:SS]] or an epoch)" }, \
	{ NS_O_TIMEZONE, "timezone", "zone", "time set: the time zone " \
	    "(Europe/Vienna)" }, \
	{ NS_O_UNTIL, "until", "time", "journal, syslog: lines until" }

struct nodesys {
	int force;		/* --force (node.c) */
	int follow;		/* -F */
	int restart;
	long lines;		/* --lines, 0: PVE's default */
	const char *search, *dns[3], *timezone, *digest, *since, *until;
	const char *service;
	int given;		/* how many of this file's options */
};

/* Is verb one of the system verbs? */
int node_sys_verb(const char *verb);
/* Handle one of NODE_SYS_OPTS: 1 if it was one (a bad value exits 2). */
int node_sys_opt(struct nodesys *ns, int ch, const char *arg);
/* Run argv (verb [subverb] node [operands]); the exit status. */
int node_sys_main(struct mutcli *m, struct nodesys *ns, int argc,
    char **argv);

/* ---- shared by the verbs' files (system.c) ---- */

/* One change of the node: the gate request, run and printed as a row.
 * redact: parameters kept out of the audit log; assess: the pre-flight
 * check.  Returns the exit status. */
struct ns_change {
	const char *action;	/* dns-set, hosts-set, service-stop ... */
	const char *node;
	const char *method;
	const char *path;	/* encoded */
	const char *form;	/* encoded, or NULL */
	const char *redact;
	const char *summary;
	const char *name;	/* the row's name (a service), or NULL */
	int destructive;
	gate_assess_fn assess;
	void *assess_arg;
};
int ns_change(struct mutcli *m, const struct ns_change *c);
/* The same, returning the gate's answer in res (the MAC of a wake-on-
 * LAN, a certificate's info) instead of printing rows: 0 or the exit
 * status of a refusal (printed). */
int ns_change_answer(struct mutcli *m, const struct ns_change *c,
    struct gate_result *res);
/* "/nodes/NODE" encoded into b (emptied first). */
void ns_base(struct buf *b, const char *node);
/* GET path (printf style) into r, or exit with the error. */
void ns_get(struct mutcli *m, struct px_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print o per -f/-c/-H; the exit status. */
int ns_print(struct mutcli *m, struct out *o);
/* A parsed string into column col: NULL (absent) when "". */
void ns_str(struct out *o, int col, const char *s);
/* The largest text answer read (a report, a changelog). */
#define NS_TEXT_MAX (32 * 1024 * 1024)
/* Text from the server to a terminal: each line sanitized (tabs kept),
 * written to stdout; the exit status. */
int ns_text(const char *text);
/* Is the output JSON (json or jsonl)? */
int ns_json(const struct mutcli *m);
/* Read file (or "-": standard input) whole into b, at most max bytes,
 * no NUL; exits 2 otherwise. */
void ns_read_file(const char *file, size_t max, struct buf *b);

int ns_cert(struct mutcli *m, struct nodesys *ns, int argc, char **argv);
int ns_logs(struct mutcli *m, struct nodesys *ns, int argc, char **argv);
int ns_apt(struct mutcli *m, struct nodesys *ns, int argc, char **argv);
int ns_services(struct mutcli *m, struct nodesys *ns, int argc,
    char **argv);

#endif
