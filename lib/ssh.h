/*
 * ssh.h -- running fixed commands on the nodes over SSH (libssh2).
 *
 * What the API cannot do (the journal, apt, IOMMU groups, pveum) px does
 * over SSH, with the same trust discipline as its TLS side:
 *
 *  - authentication: the ssh-agent's keys first, then a key file
 *    ([ssh] key, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa), its
 *    passphrase from $PX_SSH_PASSPHRASE or a 0600 file ([ssh]
 *    passphrase_file), never argv; no password authentication;
 *  - host keys: px's own known_hosts (data dir, OpenSSH's format,
 *    "[host]:port" for a port other than 22), [ssh] host_keys tofu (the
 *    default: the first contact records the key, a notice says so),
 *    strict (an unknown host is refused) or off; a changed key or key
 *    type is refused (PXE_TLS_MISMATCH, exit 10) with both SHA256
 *    fingerprints in OpenSSH's "SHA256:base64" form;
 *  - per node: [ssh node NAME] host, port and user over [ssh] user
 *    (root), the address the caller hints (the cluster's view), else
 *    the node's name;
 *  - one session per node within a run (ssh_pool), at most [ssh]
 *    parallel at once, [ssh] connect_timeout and timeout;
 *  - a command is an argv list: every word is shell-quoted by
 *    ssh_quote, so that no value can become a command; stdout and stderr
 *    are both drained; the exit status is read after the channel closed;
 *    a command that outlives its timeout is ended (on the remote side by
 *    coreutils' timeout(1), on this side by closing the session).
 *
 * The library never prints: notices (a key recorded) go to px_notice.
 */
#ifndef PX_SSH_H
#define PX_SSH_H

#include <stdio.h>

#include "buf.h"
#include "conf.h"
#include "err.h"

enum ssh_hostkeys { SSH_HK_TOFU, SSH_HK_STRICT, SSH_HK_OFF };

/* [ssh] as read from px.conf (ssh_conf_load). */
struct ssh_conf {
	char *user;		/* root */
	char *key;		/* a private key file, or NULL: the defaults */
	char *passphrase_file;	/* or NULL */
	char *known_hosts;	/* path (the data dir's known_hosts) */
	enum ssh_hostkeys host_keys;
	int agent;		/* use $SSH_AUTH_SOCK (default yes) */
	long connect_timeout;	/* seconds (10) */
	long timeout;		/* seconds for a command (300) */
	int parallel;		/* connections at once (8) */
	int configured;		/* px.conf has an [ssh] section */
};

/* Read [ssh] and check every [ssh node NAME] and [ssh guest VMID]
 * section of c (an unknown key or a bad value is PXE_CONFIG naming the
 * file, section and key).  Free with ssh_conf_free. */
int ssh_conf_load(const struct px_conf *c, struct ssh_conf *s,
    struct px_err *e);
void ssh_conf_free(struct ssh_conf *s);
/* Check one [ssh ...] section's key (conf.c calls it for every key of
 * the [ssh] sections): NULL if fine, else why (a static string). */
const char *ssh_conf_key_problem(const char *section, const char *key,
    const char *value);

/* The address of node: [ssh node NAME] host > hint > name; port and
 * user likewise.  host is written into host[hostsz]. */
void ssh_node_addr(const struct px_conf *c, const struct ssh_conf *s,
    const char *node, const char *hint, char *host, size_t hostsz,
    int *port, char *user, size_t usersz);

/* Append s to b as one word of a POSIX shell command line: as is when it
 * holds only [A-Za-z0-9_./:=@%+,-] (and is not empty), else in single
 * quotes with each ' as '\''. */
void ssh_quote(struct buf *b, const char *s);
/* argv[0..n) (NULL-terminated when n < 0) as one command line. */
void ssh_command(struct buf *b, const char *const *argv, int n);

/* "SHA256:base64" (no padding) of a key blob into out. */
void ssh_fingerprint(char out[64], const void *blob, size_t n);

/* One known_hosts entry: the line it is on, its key type and key. */
struct ssh_kh_entry {
	int line;
	char type[64];
	struct buf blob;	/* the decoded key (buf_free) */
};

/* The first entry of known_hosts text f (read from path, for messages)
 * whose host list names name ("host" or "[host]:port"): 1 found, into k;
 * 0 none; -1 with e when its key is not base64.  Comments, @-markers,
 * short lines and lines with a NUL byte are passed over. */
int ssh_kh_scan(FILE *f, const char *path, const char *name,
    struct ssh_kh_entry *k, struct px_err *e);

struct ssh_pool;

/* A pool of sessions for one run; conf and s must outlive it.  hint(arg,
 * node) may give a node's address (NULL: none). */
struct ssh_pool *ssh_pool_new(const struct px_conf *conf,
    const struct ssh_conf *s);
void ssh_pool_hint(struct ssh_pool *p, const char *node, const char *host);
/* Close node's session (a node that reboots): the next command
 * connects again. */
void ssh_pool_drop(struct ssh_pool *p, const char *node);
/* Close every session. */
void ssh_pool_free(struct ssh_pool *p);

/* A line of a command's output (without its newline; control
 * characters are the caller's to sanitize).  stream: 1 stdout, 2
 * stderr.  Called from the thread that runs the command. */
typedef void (*ssh_line_fn)(void *arg, const char *node, int stream,
    const char *line, size_t n);

struct ssh_result {
	int status;		/* the exit status, -1 when killed */
	char signal[32];	/* the signal that ended it, or "" */
	struct buf out, err;	/* what was not given to a line callback
				   (capped at 16 MiB each) */
	int timed_out;
};
void ssh_result_free(struct ssh_result *r);

/*
 * Run argv on node (connecting, or reusing the node's session): each
 * line to fn when it is not NULL, else into r->out / r->err.  timeout
 * in seconds (0: none, -1: [ssh] timeout).  0 when the command ran to
 * its end (whatever its exit status: r->status), -1 with e when it
 * could not be started (connection, host key, authentication) or timed
 * out (PXE_TIMEOUT, r->timed_out).  Free r with ssh_result_free.
 */
int ssh_run(struct ssh_pool *p, const char *node, const char *const *argv,
    long timeout, ssh_line_fn fn, void *arg, struct ssh_result *r,
    struct px_err *e);
/* Connect to node (or reuse the session) without running anything:
 * the host key checked, authenticated.  0 or -1 with e. */
int ssh_connect_node(struct ssh_pool *p, const char *node, struct px_err *e);

/* One command of ssh_run_all. */
struct ssh_job {
	const char *node;
	const char *const *argv;
	ssh_line_fn fn;
	void *arg;
	long timeout;
	struct ssh_result res;	/* filled */
	struct px_err err;
	int rc;			/* ssh_run's */
};
/* Run the jobs, at most [ssh] parallel at once (a job for a node waits
 * for the node's session when another job holds it).  Returns the
 * number of jobs that failed (rc -1). */
int ssh_run_all(struct ssh_pool *p, struct ssh_job *jobs, int n);

#endif
