/*
 * ssh.c -- sessions to the nodes (libssh2), px's known_hosts, commands
 * built from argv lists.  See ssh.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <bearssl.h>
#include <libssh2.h>

#include "conf.h"
#include "enc.h"
#include "ssh.h"
#include "workq.h"

#define OUT_CAP (16u << 20)	/* per stream, when collected */
#define LINE_CAP 65536		/* a longer line is handed on in pieces */

/* ---- configuration ---- */

static int
valid_word(const char *s, const char *extra)
{
	if (s == NULL || *s == '\0' || *s == '-' || strlen(s) > 255)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return 0;
	return 1;
}

static int
range(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	if (out)
		*out = n;
	return 0;
}

const char *
ssh_conf_key_problem(const char *section, const char *key, const char *value)
{
	int plain = strcmp(section, "ssh") == 0;

	if (strncmp(section, "ssh guest ", 10) == 0 &&
	    range(section + 10, 100, 999999999, NULL) != 0)
		return "the section names no VMID ([ssh guest 100])";
	if (strcmp(key, "host") == 0 && !plain)
		return valid_word(value, ".-_:") ? NULL :
		    "not a host name or address";
	if (strcmp(key, "user") == 0)
		return valid_word(value, "._-") ? NULL : "not a user name";
	if (strcmp(key, "port") == 0)
		return range(value, 1, 65535, NULL) == 0 ? NULL :
		    "not a port (1-65535)";
	if (!plain)
		return "unknown key (host, port, user)";
	if (strcmp(key, "key") == 0 || strcmp(key, "passphrase_file") == 0 ||
	    strcmp(key, "known_hosts") == 0)
		return *value && !conf_has_ctl(value) ? NULL : "not a path";
	if (strcmp(key, "host_keys") == 0)
		return strcmp(value, "tofu") == 0 ||
		    strcmp(value, "strict") == 0 ||
		    strcmp(value, "off") == 0 ? NULL :
		    "want tofu, strict or off";
	if (strcmp(key, "agent") == 0)
		return conf_parse_bool(value) >= 0 ? NULL : "want yes or no";
	if (strcmp(key, "connect_timeout") == 0)
		return range(value, 1, 3600, NULL) == 0 ? NULL :
		    "want seconds (1-3600)";
	if (strcmp(key, "timeout") == 0)
		return range(value, 1, 86400, NULL) == 0 ? NULL :
		    "want seconds (1-86400)";
	if (strcmp(key, "parallel") == 0)
		return range(value, 1, 64, NULL) == 0 ? NULL :
		    "want a number (1-64)";
	return "unknown key (user, port, key, passphrase_file, known_hosts, "
	    "host_keys, agent, connect_timeout, timeout, parallel)";
}

int
ssh_conf_load(const struct px_conf *c, struct ssh_conf *s, struct px_err *e)
{
	const char *v, *d;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < c->nkv; i++)
		if (strcmp(c->kv[i].section, "ssh") == 0 ||
		    strncmp(c->kv[i].section, "ssh ", 4) == 0)
			s->configured = 1;
	s->user = px_xstrdup((v = conf_get(c, "ssh", "user")) ? v : "root");
	if ((v = conf_get(c, "ssh", "key")))
		s->key = px_xstrdup(v);
	if ((v = conf_get(c, "ssh", "passphrase_file")))
		s->passphrase_file = px_xstrdup(v);
	s->host_keys = SSH_HK_TOFU;
	if ((v = conf_get(c, "ssh", "host_keys")))
		s->host_keys = strcmp(v, "strict") == 0 ? SSH_HK_STRICT :
		    strcmp(v, "off") == 0 ? SSH_HK_OFF : SSH_HK_TOFU;
	s->agent = (v = conf_get(c, "ssh", "agent")) ?
	    conf_parse_bool(v) == 1 : 1;
	s->connect_timeout = 10;
	s->timeout = 300;
	s->parallel = 8;
	if ((v = conf_get(c, "ssh", "connect_timeout")))
		range(v, 1, 3600, &s->connect_timeout);
	if ((v = conf_get(c, "ssh", "timeout")))
		range(v, 1, 86400, &s->timeout);
	if ((v = conf_get(c, "ssh", "parallel"))) {
		long n = 8;

		range(v, 1, 64, &n);
		s->parallel = (int)n;
	}
	if ((v = conf_get(c, "ssh", "known_hosts"))) {
		s->known_hosts = px_xstrdup(v);
	} else {
		if ((d = px_data_dir(e)) == NULL) {
			ssh_conf_free(s);
			return -1;
		}
		s->known_hosts = px_xasprintf("%s/known_hosts", d);
	}
	return 0;
}

void
ssh_conf_free(struct ssh_conf *s)
{
	free(s->user);
	free(s->key);
	free(s->passphrase_file);
	free(s->known_hosts);
	memset(s, 0, sizeof(*s));
}

void
ssh_node_addr(const struct px_conf *c, const struct ssh_conf *s,
    const char *node, const char *hint, char *host, size_t hostsz,
    int *port, char *user, size_t usersz)
{
	char sec[192];
	const char *v;
	long n = 22;

	snprintf(sec, sizeof(sec), "ssh node %s", node);
	v = conf_get(c, sec, "host");
	snprintf(host, hostsz, "%s", v ? v : hint && *hint ? hint : node);
	if ((v = conf_get(c, sec, "port")) == NULL)
		v = conf_get(c, "ssh", "port");
	if (v)
		range(v, 1, 65535, &n);
	*port = (int)n;
	v = conf_get(c, sec, "user");
	snprintf(user, usersz, "%s", v ? v : s->user);
}

/* ---- quoting ---- */

void
ssh_quote(struct buf *b, const char *s)
{
	const char *p;
	int plain = *s != '\0';

	for (p = s; *p && plain; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_./:=@%+,-", *p)))
			plain = 0;
	if (plain) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '\'');
	for (p = s; *p; p++)
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *p);
	buf_addc(b, '\'');
}

void
ssh_command(struct buf *b, const char *const *argv, int n)
{
	for (int i = 0; n < 0 ? argv[i] != NULL : i < n; i++) {
		if (i)
			buf_addc(b, ' ');
		ssh_quote(b, argv[i]);
	}
}

void
ssh_fingerprint(char out[64], const void *blob, size_t n)
{
	br_sha256_context sc;
	unsigned char h[32];
	struct buf b = { 0 };

	br_sha256_init(&sc);
	br_sha256_update(&sc, blob, n);
	br_sha256_out(&sc, h);
	b64_encode(&b, h, sizeof(h));
	while (b.len && b.p[b.len - 1] == '=')
		b.p[--b.len] = '\0';
	snprintf(out, 64, "SHA256:%s", b.p);
	buf_free(&b);
}

/* ---- the pool ---- */

struct ssh_sess {
	char node[128];
	char host[256];
	char user[64];
	char name[400];		/* user@host:port, for messages */
	int port;
	int fd;
	LIBSSH2_SESSION *s;
	int busy;
};

struct ssh_hint {
	char node[128];
	char host[256];
};

struct ssh_pool {
	const struct px_conf *conf;
	const struct ssh_conf *sc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ssh_sess **v;
	int n;
	struct ssh_hint *hints;
	int nhints;
	pthread_mutex_t kh;	/* the known_hosts file */
	char *pass;		/* the key's passphrase, once read */
	int pass_read;
};

static pthread_once_t ssh_once = PTHREAD_ONCE_INIT;

static void
ssh_global_init(void)
{
	libssh2_init(0);
}

struct ssh_pool *
ssh_pool_new(const struct px_conf *conf, const struct ssh_conf *s)
{
	struct ssh_pool *p = px_xcalloc(1, sizeof(*p));

	pthread_once(&ssh_once, ssh_global_init);
	p->conf = conf;
	p->sc = s;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_init(&p->kh, NULL);
	return p;
}

void
ssh_pool_hint(struct ssh_pool *p, const char *node, const char *host)
{
	struct ssh_hint *h;

	if (host == NULL || *host == '\0')
		return;
	p->hints = px_xrealloc(p->hints, (p->nhints + 1) * sizeof(*h));
	h = &p->hints[p->nhints++];
	snprintf(h->node, sizeof(h->node), "%s", node);
	snprintf(h->host, sizeof(h->host), "%s", host);
}

static struct ssh_sess *sess_take(struct ssh_pool *p, const char *node);
static void sess_release(struct ssh_pool *p, struct ssh_sess *ss);

static void
sess_close(struct ssh_sess *ss, int polite)
{
	if (ss->s) {
		if (polite) {
			libssh2_session_set_blocking(ss->s, 1);
			libssh2_session_set_timeout(ss->s, 2000);
			libssh2_session_disconnect(ss->s, "px done");
		}
		libssh2_session_free(ss->s);
		ss->s = NULL;
	}
	if (ss->fd >= 0)
		close(ss->fd);
	ss->fd = -1;
}

void
ssh_pool_drop(struct ssh_pool *p, const char *node)
{
	struct ssh_sess *ss = sess_take(p, node);

	sess_close(ss, 0);
	sess_release(p, ss);
}

void
ssh_pool_free(struct ssh_pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->n; i++) {
		sess_close(p->v[i], 1);
		free(p->v[i]);
	}
	free(p->v);
	free(p->hints);
	secret_free(p->pass);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->kh);
	free(p);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The node's session, held for this thread (sess_release gives it back). */
static struct ssh_sess *
sess_take(struct ssh_pool *p, const char *node)
{
	struct ssh_sess *ss = NULL;
	const char *hint = NULL;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		ss = NULL;
		for (int i = 0; i < p->n; i++)
			if (strcmp(p->v[i]->node, node) == 0)
				ss = p->v[i];
		if (ss == NULL || !ss->busy)
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	if (ss == NULL) {
		ss = px_xcalloc(1, sizeof(*ss));
		ss->fd = -1;
		snprintf(ss->node, sizeof(ss->node), "%s", node);
		for (int i = 0; i < p->nhints; i++)
			if (strcmp(p->hints[i].node, node) == 0)
				hint = p->hints[i].host;
		ssh_node_addr(p->conf, p->sc, node, hint, ss->host,
		    sizeof(ss->host), &ss->port, ss->user, sizeof(ss->user));
		snprintf(ss->name, sizeof(ss->name), "%s@%s:%d", ss->user,
		    ss->host, ss->port);
		p->v = px_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
		p->v[p->n++] = ss;
	}
	ss->busy = 1;
	pthread_mutex_unlock(&p->mu);
	return ss;
}

static void
sess_release(struct ssh_pool *p, struct ssh_sess *ss)
{
	pthread_mutex_lock(&p->mu);
	ss->busy = 0;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* ---- TCP ---- */

static int
tcp_connect(struct ssh_sess *ss, long timeout, struct px_err *e)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	char port[16];
	int fd = -1, rc, err = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	snprintf(port, sizeof(port), "%d", ss->port);
	if ((rc = getaddrinfo(ss->host, port, &hints, &res)) != 0) {
		px_fail(e, PXE_TRANSPORT, "ssh %s: %s", ss->name,
		    gai_strerror(rc));
		px_hint(e, "set its address: [ssh node %s] host = ADDRESS",
		    ss->node);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t len = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				rc = poll(&pfd, 1, (int)(timeout * 1000));
			while (rc < 0 && errno == EINTR);
			if (rc == 0) {
				err = ETIMEDOUT;
			} else if (rc > 0 && getsockopt(fd, SOL_SOCKET,
			    SO_ERROR, &err, &len) == 0 && err == 0) {
				break;
			}
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		px_fail(e, err == ETIMEDOUT ? PXE_TIMEOUT : PXE_TRANSPORT,
		    "ssh %s: connect: %s", ss->name, strerror(err));
		if (err == ETIMEDOUT)
			px_hint(e, "no answer within %lds ([ssh] "
			    "connect_timeout)", timeout);
		return -1;
	}
	/* libssh2 works on a blocking socket; the deadlines are its own
	 * timeout and poll() around the non-blocking channel calls. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* ---- known_hosts ---- */

static const char *
blob_type(const unsigned char *b, size_t n, char *out, size_t outsz)
{
	uint32_t len;

	if (n < 4)
		return NULL;
	len = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	if (len == 0 || len > n - 4 || len >= outsz)
		return NULL;
	memcpy(out, b + 4, len);
	out[len] = '\0';
	return out;
}

/* The name of ss in known_hosts: host, or [host]:port. */
static void
kh_name(const struct ssh_sess *ss, char *out, size_t n)
{
	if (ss->port == 22)
		snprintf(out, n, "%s", ss->host);
	else
		snprintf(out, n, "[%s]:%d", ss->host, ss->port);
}

/* Does the comma-separated host list pats name name? */
static int
kh_match(const char *pats, const char *name)
{
	size_t n = strlen(name);
	const char *p = pats;

	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		if (c == NULL)
			break;
		p = c + 1;
	}
	return 0;
}

/* Find name's entry in the file: 1 found, 0 not, -1 with e. */
static int
kh_find(const char *path, const char *name, struct ssh_kh_entry *k,
    struct px_err *e)
{
	FILE *f;
	struct stat st;
	int rc;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 022)) {
		fclose(f);
		px_fail(e, PXE_UNSAFE_FILE, "%s: others can write it", path);
		px_hint(e, "chmod 600 %s", path);
		return -1;
	}
	rc = ssh_kh_scan(f, path, name, k, e);
	fclose(f);
	return rc;
}

int
ssh_kh_scan(FILE *f, const char *path, const char *name,
    struct ssh_kh_entry *k, struct px_err *e)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ln = 0, found = 0;

	while (!found && ln < 100000 && (len = getline(&line, &cap, f)) > 0) {
		char *save = NULL, *hosts, *type, *b64;

		ln++;
		if (memchr(line, '\0', (size_t)len) != NULL)
			continue;	/* not a text line: never a match */
		hosts = strtok_r(line, " \t\r\n", &save);
		if (hosts == NULL || *hosts == '#' || *hosts == '@' ||
		    !kh_match(hosts, name))
			continue;
		type = strtok_r(NULL, " \t\r\n", &save);
		b64 = strtok_r(NULL, " \t\r\n", &save);
		if (type == NULL || b64 == NULL)
			continue;
		k->line = ln;
		snprintf(k->type, sizeof(k->type), "%s", type);
		buf_reset(&k->blob);
		if (b64_decode(&k->blob, b64, strlen(b64)) != 0) {
			free(line);
			return px_fail(e, PXE_PARSE, "%s:%d: the key of %s "
			    "is not base64", path, ln, name);
		}
		found = 1;
	}
	free(line);
	return found;
}

static int
kh_append(const char *path, const char *name, const char *type,
    const unsigned char *blob, size_t n, struct px_err *e)
{
	struct buf b = { 0 };
	char *dir, *slash;
	int fd, rc = 0;

	dir = px_xstrdup(path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (px_mkdirs(dir, 0700, e) != 0) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	buf_printf(&b, "%s %s ", name, type);
	b64_encode(&b, blob, n);
	buf_addc(&b, '\n');
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len) {
		rc = px_fail(e, PXE_IO, "%s: %s", path, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	buf_free(&b);
	return rc;
}

/* Check the host key of the handshake just made. */
static int
hostkey_check(struct ssh_pool *p, struct ssh_sess *ss, struct px_err *e)
{
	const struct ssh_conf *sc = p->sc;
	const unsigned char *blob;
	size_t n = 0;
	int type = 0, rc;
	char name[300], tname[64], fp[64], ofp[64];
	struct ssh_kh_entry k = { 0 };

	blob = (const unsigned char *)libssh2_session_hostkey(ss->s, &n,
	    &type);
	if (blob == NULL || blob_type(blob, n, tname, sizeof(tname)) == NULL)
		return px_fail(e, PXE_TLS, "ssh %s: no host key", ss->name);
	if (sc->host_keys == SSH_HK_OFF)
		return 0;
	ssh_fingerprint(fp, blob, n);
	kh_name(ss, name, sizeof(name));
	pthread_mutex_lock(&p->kh);
	rc = kh_find(sc->known_hosts, name, &k, e);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		if (strcmp(k.type, tname) == 0 && k.blob.len == n &&
		    memcmp(k.blob.p, blob, n) == 0) {
			rc = 0;
			goto out;
		}
		ssh_fingerprint(ofp, k.blob.p, k.blob.len);
		rc = px_fail(e, PXE_TLS_MISMATCH, "ssh %s: the host key of "
		    "node %s has changed: recorded %s %s, offered %s %s",
		    ss->name, ss->node, k.type, ofp, tname, fp);
		px_hint(e, "if the node was reinstalled, compare %s with "
		    "`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on its "
		    "console, then delete line %d of %s", fp, k.line,
		    sc->known_hosts);
		goto out;
	}
	if (sc->host_keys == SSH_HK_STRICT) {
		rc = px_fail(e, PXE_TLS_UNKNOWN, "ssh %s: node %s is not in "
		    "%s ([ssh] host_keys = strict): it offers %s %s",
		    ss->name, ss->node, sc->known_hosts, tname, fp);
		px_hint(e, "check the fingerprint on the node's console, "
		    "then add its line (ssh-keyscan -p %d -t %s %s >> %s)",
		    ss->port, tname, ss->host, sc->known_hosts);
		goto out;
	}
	rc = kh_append(sc->known_hosts, name, tname, blob, n, e);
	if (rc == 0)
		px_notice("ssh: trusted the host key of node %s (%s) on "
		    "first contact: %s %s, recorded in %s", ss->node, name,
		    tname, fp, sc->known_hosts);
out:
	pthread_mutex_unlock(&p->kh);
	buf_free(&k.blob);
	return rc;
}

/* Put the recorded key type first among the host key methods, so that a
 * server with several keys shows the one px knows. */
static void
hostkey_prefer(struct ssh_pool *p, struct ssh_sess *ss)
{
	/* Only methods this libssh2 supports, each once: 1.10 copies
	 * overlapping memory when it drops one from the list. */
	const char **all = NULL;
	int nall;
	struct ssh_kh_entry k = { 0 };
	struct px_err e = { 0 };
	char name[300];
	struct buf pref = { 0 };

	if (p->sc->host_keys == SSH_HK_OFF)
		return;
	kh_name(ss, name, sizeof(name));
	pthread_mutex_lock(&p->kh);
	if (kh_find(p->sc->known_hosts, name, &k, &e) == 1 &&
	    valid_word(k.type, "-@.")) {
		int rsa = strcmp(k.type, "ssh-rsa") == 0;

		nall = libssh2_session_supported_algs(ss->s,
		    LIBSSH2_METHOD_HOSTKEY, &all);
		/* the recorded type first (an RSA key: its methods) */
		for (int i = 0; i < nall; i++)
			if (rsa ? strstr(all[i], "rsa") != NULL :
			    strcmp(all[i], k.type) == 0)
				buf_printf(&pref, "%s%s", pref.len ? "," : "",
				    all[i]);
		for (int i = 0; i < nall && pref.len; i++)
			if (!(rsa ? strstr(all[i], "rsa") != NULL :
			    strcmp(all[i], k.type) == 0))
				buf_printf(&pref, ",%s", all[i]);
		if (pref.len)
			libssh2_session_method_pref(ss->s,
			    LIBSSH2_METHOD_HOSTKEY, pref.p);
		if (nall > 0)
			libssh2_free(ss->s, all);
	}
	pthread_mutex_unlock(&p->kh);
	buf_free(&k.blob);
	buf_free(&pref);
}

/* ---- authentication ---- */

static const char *
passphrase(struct ssh_pool *p, struct px_err *e, int *failed)
{
	const char *v;

	pthread_mutex_lock(&p->mu);
	if (!p->pass_read) {
		p->pass_read = 1;
		if ((v = getenv("PX_SSH_PASSPHRASE")) && *v) {
			secret_guard();
			p->pass = px_xstrdup(v);
		} else if (p->sc->passphrase_file) {
			secret_guard();
			if (secret_file_read(p->sc->passphrase_file, &p->pass,
			    e) != 0)
				*failed = 1;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return p->pass;
}

static int
auth_agent(struct ssh_sess *ss, int *tried)
{
	LIBSSH2_AGENT *a;
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	int ok = 0;

	if ((a = libssh2_agent_init(ss->s)) == NULL)
		return 0;
	if (libssh2_agent_connect(a) == 0 &&
	    libssh2_agent_list_identities(a) == 0) {
		while (!ok && libssh2_agent_get_identity(a, &id, prev) == 0) {
			(*tried)++;
			if (libssh2_agent_userauth(a, ss->user, id) == 0)
				ok = 1;
			prev = id;
		}
		libssh2_agent_disconnect(a);
	}
	libssh2_agent_free(a);
	return ok;
}

static int
authenticate(struct ssh_pool *p, struct ssh_sess *ss, struct px_err *e)
{
	const struct ssh_conf *sc = p->sc;
	const char *list, *home = getenv("HOME"), *pass;
	const char *defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	struct buf tried = { 0 };
	char path[4096];
	int nagent = 0, failed = 0;

	list = libssh2_userauth_list(ss->s, ss->user,
	    (unsigned)strlen(ss->user));
	if (list == NULL && libssh2_userauth_authenticated(ss->s))
		return 0;
	if (list == NULL || strstr(list, "publickey") == NULL) {
		px_fail(e, PXE_UNAUTHORIZED, "ssh %s: the server offers no "
		    "public key authentication (%s)", ss->name,
		    list ? list : "none");
		px_hint(e, "px authenticates with keys only: add px's key to "
		    "~%s/.ssh/authorized_keys on the node", ss->user);
		return -1;
	}
	if (sc->agent && getenv("SSH_AUTH_SOCK") && auth_agent(ss, &nagent))
		return 0;
	if (sc->agent && getenv("SSH_AUTH_SOCK"))
		buf_printf(&tried, "the agent's %d key%s", nagent,
		    nagent == 1 ? "" : "s");
	for (int i = 0; i < (sc->key ? 1 : 3); i++) {
		struct px_err ke = { 0 };
		int rc;

		if (sc->key)
			snprintf(path, sizeof(path), "%s", sc->key);
		else if (home)
			snprintf(path, sizeof(path), "%s/.ssh/%s", home,
			    defaults[i]);
		else
			break;
		if (!sc->key && access(path, F_OK) != 0)
			continue;
		if (secret_file_check(path, &ke) != 0) {
			*e = ke;
			buf_free(&tried);
			return -1;
		}
		pass = passphrase(p, &ke, &failed);
		if (failed) {
			*e = ke;
			buf_free(&tried);
			return -1;
		}
		rc = libssh2_userauth_publickey_fromfile_ex(ss->s, ss->user,
		    (unsigned)strlen(ss->user), NULL, path, pass ? pass : "");
		if (rc == 0) {
			buf_free(&tried);
			return 0;
		}
		buf_printf(&tried, "%s%s%s", tried.len ? ", " : "", path,
		    rc == LIBSSH2_ERROR_FILE ? (pass ? " (unreadable: a wrong "
		    "passphrase?)" : " (unreadable: it needs a passphrase? "
		    "set PX_SSH_PASSPHRASE or [ssh] passphrase_file)") : "");
	}
	px_fail(e, PXE_UNAUTHORIZED, "ssh %s: no key was accepted (tried: %s)",
	    ss->name, tried.len ? tried.p : "no key: no agent, no key file");
	px_hint(e, "add the public key to ~%s/.ssh/authorized_keys on node "
	    "%s, or set [ssh] key", ss->user, ss->node);
	buf_free(&tried);
	return -1;
}

static int
sess_open(struct ssh_pool *p, struct ssh_sess *ss, struct px_err *e)
{
	long to = p->sc->connect_timeout;
	char *msg = NULL;

	if (ss->s)
		return 0;
	if ((ss->fd = tcp_connect(ss, to, e)) < 0)
		return -1;
	if ((ss->s = libssh2_session_init()) == NULL) {
		sess_close(ss, 0);
		return px_fail(e, PXE_FAILURE, "ssh: out of memory");
	}
	libssh2_session_set_blocking(ss->s, 1);
	libssh2_session_set_timeout(ss->s, to * 1000);
	hostkey_prefer(p, ss);
	if (libssh2_session_handshake(ss->s, ss->fd) != 0) {
		libssh2_session_last_error(ss->s, &msg, NULL, 0);
		px_fail(e, libssh2_session_last_errno(ss->s) ==
		    LIBSSH2_ERROR_TIMEOUT ? PXE_TIMEOUT : PXE_TRANSPORT,
		    "ssh %s: handshake: %s", ss->name, msg ? msg : "failed");
		sess_close(ss, 0);
		return -1;
	}
	if (hostkey_check(p, ss, e) != 0 || authenticate(p, ss, e) != 0) {
		sess_close(ss, 1);
		return -1;
	}
	return 0;
}

int
ssh_connect_node(struct ssh_pool *p, const char *node, struct px_err *e)
{
	struct ssh_sess *ss = sess_take(p, node);
	int rc = sess_open(p, ss, e);

	sess_release(p, ss);
	return rc;
}

/* ---- running a command ---- */

/* Wait until the socket is ready for what libssh2 waits for, or until
 * the deadline (0: none); -1 when it has passed. */
static int
sock_wait(struct ssh_sess *ss, double deadline)
{
	struct pollfd pfd = { .fd = ss->fd };
	int dir = libssh2_session_block_directions(ss->s), ms = 1000;

	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (pfd.events == 0)
		pfd.events = POLLIN;
	if (deadline > 0) {
		double left = deadline - now_mono();

		if (left <= 0)
			return -1;
		if (left < 1)
			ms = (int)(left * 1000) + 1;
	}
	poll(&pfd, 1, ms);
	return 0;
}

struct lines {
	struct buf part;
	struct buf *all;
	int stream;
	ssh_line_fn fn;
	void *arg;
	const char *node;
};

static void
lines_feed(struct lines *l, const char *p, size_t n)
{
	if (l->fn == NULL) {
		if (l->all->len + n <= OUT_CAP)
			buf_add(l->all, p, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || l->part.len >= LINE_CAP) {
			l->fn(l->arg, l->node, l->stream,
			    l->part.p ? l->part.p : "", l->part.len);
			buf_reset(&l->part);
			if (p[i] == '\n')
				continue;
		}
		buf_addc(&l->part, p[i]);
	}
}

static void
lines_end(struct lines *l)
{
	if (l->fn && l->part.len)
		l->fn(l->arg, l->node, l->stream, l->part.p, l->part.len);
	buf_free(&l->part);
}

void
ssh_result_free(struct ssh_result *r)
{
	buf_free(&r->out);
	buf_free(&r->err);
}

static int
run_on(struct ssh_pool *p, struct ssh_sess *ss, const char *const *argv,
    long timeout, ssh_line_fn fn, void *arg, struct ssh_result *r,
    struct px_err *e)
{
	LIBSSH2_CHANNEL *ch = NULL;
	struct buf cmd = { 0 };
	struct lines lo = { .all = &r->out, .stream = 1, .fn = fn,
	    .arg = arg, .node = ss->node };
	struct lines le = { .all = &r->err, .stream = 2, .fn = fn,
	    .arg = arg, .node = ss->node };
	char secs[24], buf[16384], *sig = NULL, *msg = NULL;
	double deadline = 0;
	ssize_t n;
	int rc = -1, more;

	if (timeout < 0)
		timeout = p->sc->timeout;
	if (timeout > 0) {
		/* coreutils' timeout ends it on the node too: closing the
		 * channel does not end a command without a terminal. */
		snprintf(secs, sizeof(secs), "%ld", timeout);
		const char *pre[] = { "timeout", "-k", "5", secs };

		ssh_command(&cmd, pre, 4);
		buf_addc(&cmd, ' ');
		deadline = now_mono() + timeout + 2;
	}
	ssh_command(&cmd, argv, -1);
	libssh2_session_set_blocking(ss->s, 0);
	while ((ch = libssh2_channel_open_session(ss->s)) == NULL &&
	    libssh2_session_last_errno(ss->s) == LIBSSH2_ERROR_EAGAIN)
		if (sock_wait(ss, deadline) != 0)
			goto timeout;
	if (ch == NULL)
		goto sesserr;
	while ((rc = libssh2_channel_exec(ch, cmd.p)) == LIBSSH2_ERROR_EAGAIN)
		if (sock_wait(ss, deadline) != 0)
			goto timeout;
	if (rc != 0)
		goto sesserr;
	for (;;) {
		more = 0;
		while ((n = libssh2_channel_read(ch, buf, sizeof(buf))) > 0) {
			lines_feed(&lo, buf, (size_t)n);
			more = 1;
		}
		if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
			goto sesserr;
		while ((n = libssh2_channel_read_stderr(ch, buf,
		    sizeof(buf))) > 0) {
			lines_feed(&le, buf, (size_t)n);
			more = 1;
		}
		if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
			goto sesserr;
		if (more)
			continue;
		if (libssh2_channel_eof(ch))
			break;
		if (sock_wait(ss, deadline) != 0)
			goto timeout;
	}
	while ((rc = libssh2_channel_close(ch)) == LIBSSH2_ERROR_EAGAIN)
		if (sock_wait(ss, deadline) != 0)
			goto timeout;
	while ((rc = libssh2_channel_wait_closed(ch)) == LIBSSH2_ERROR_EAGAIN)
		if (sock_wait(ss, deadline) != 0)
			goto timeout;
	r->status = libssh2_channel_get_exit_status(ch);
	if (libssh2_channel_get_exit_signal(ch, &sig, NULL, NULL, NULL, NULL,
	    NULL) == 0 && sig) {
		snprintf(r->signal, sizeof(r->signal), "%s", sig);
		r->status = -1;
	}
	libssh2_free(ss->s, sig);
	while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN)
		if (sock_wait(ss, deadline) != 0)
			break;
	lines_end(&lo);
	lines_end(&le);
	buf_free(&cmd);
	if (timeout > 0 && r->status == 124) {
		r->timed_out = 1;
		return px_fail(e, PXE_TIMEOUT, "ssh %s: %s did not finish "
		    "within %lds and was ended", ss->name, argv[0], timeout);
	}
	return 0;

timeout:
	r->timed_out = 1;
	px_fail(e, PXE_TIMEOUT, "ssh %s: %s did not finish within %lds and "
	    "was ended", ss->name, argv[0], timeout);
	goto drop;
sesserr:
	libssh2_session_last_error(ss->s, &msg, NULL, 0);
	px_fail(e, PXE_TRANSPORT, "ssh %s: %s: %s", ss->name, argv[0],
	    msg ? msg : "the session failed");
drop:
	lines_end(&lo);
	lines_end(&le);
	buf_free(&cmd);
	/* The session is in an unknown state: never reused. */
	sess_close(ss, 0);
	return -1;
}

int
ssh_run(struct ssh_pool *p, const char *node, const char *const *argv,
    long timeout, ssh_line_fn fn, void *arg, struct ssh_result *r,
    struct px_err *e)
{
	struct ssh_sess *ss;
	int rc;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	ss = sess_take(p, node);
	rc = sess_open(p, ss, e);
	if (rc == 0) {
		rc = run_on(p, ss, argv, timeout, fn, arg, r, e);
		if (ss->s)
			libssh2_session_set_blocking(ss->s, 1);
	}
	sess_release(p, ss);
	return rc;
}

struct run_all {
	struct ssh_pool *p;
	struct ssh_job *jobs;
	int n, next, failed;
	pthread_mutex_t mu;
};

static void *
run_worker(void *arg)
{
	struct run_all *ra = arg;
	struct ssh_job *j;

	for (;;) {
		pthread_mutex_lock(&ra->mu);
		j = ra->next < ra->n ? &ra->jobs[ra->next++] : NULL;
		pthread_mutex_unlock(&ra->mu);
		if (j == NULL)
			return NULL;
		j->rc = ssh_run(ra->p, j->node, j->argv, j->timeout, j->fn,
		    j->arg, &j->res, &j->err);
		if (j->rc != 0) {
			pthread_mutex_lock(&ra->mu);
			ra->failed++;
			pthread_mutex_unlock(&ra->mu);
		}
	}
}

int
ssh_run_all(struct ssh_pool *p, struct ssh_job *jobs, int n)
{
	struct run_all ra = { .p = p, .jobs = jobs, .n = n };
	pthread_t th[64];
	int nt = n < p->sc->parallel ? n : p->sc->parallel, started = 0;

	if (nt > 64)
		nt = 64;
	pthread_mutex_init(&ra.mu, NULL);
	for (int i = 0; i < nt; i++)
		if (px_thread_start(&th[started], run_worker, &ra) == 0)
			started++;
	if (started == 0)
		run_worker(&ra);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&ra.mu);
	return ra.failed;
}
