/*
 * pve_nodesys.h -- a node's system objects as typed structs, parsed once
 * from PVE's answers: certificates (/nodes/{node}/certificates/info),
 * apt repositories (/nodes/{node}/apt/repositories), DNS, time, hosts,
 * subscription, services, upgradable packages, and the text answers
 * (report, changelog).  Strings are sanitized (no control characters)
 * and truncated to their buffers on a character boundary; a number where
 * a string belongs gives its text (Perl's JSON sends either), an object
 * or array there gives "".
 */
#ifndef PX_PVE_NODESYS_H
#define PX_PVE_NODESYS_H

#include "err.h"
#include "json.h"

struct pve_cert {
	char filename[128];
	char fingerprint[100];	/* as PVE states it */
	char subject[512];
	char issuer[512];
	long long notbefore, notafter;	/* epochs; 0 when absent */
	int has_notafter;
	char san[2048];		/* comma-separated */
	char keytype[64];
	int keybits;		/* 0 when absent */
	/* the PEM's own SHA-256 against the stated fingerprint: 1 equal,
	 * -1 different, 0 no PEM sent */
	int pem_check;
	char pem_fingerprint[96];
};

/* The SHA-256 fingerprint (AB:CD:...) of the first certificate of the
 * PEM text pem, in fp; 0, or -1 when pem holds none. */
int pve_pem_fingerprint(const char *pem, char fp[96]);

/*
 * The certificates of the array at arr into *out (calloc'd, free()),
 * *n of them; rows that are not objects are counted in *bad and
 * skipped.  PXE_PARSE when arr is not an array.
 */
int pve_certs_parse(const struct json *j, int arr, struct pve_cert **out,
    int *n, int *bad, struct px_err *e);

struct pve_node_repo {
	char path[512];
	int index;		/* within its file */
	int enabled;
	char types[64], uris[512], suites[256], components[256];
	char filetype[16];
	/* PVE's standard repository it is (enterprise, no-subscription,
	 * test, ceph-NAME-enterprise ...), by URI and component; "" */
	char handle[64];
};

/*
 * The repositories of the answer object at obj, file by file, into *out
 * (calloc'd, free()), their common digest (hex, "" when absent or not
 * hex) and the standard handles PVE knows, space-separated with a space
 * before and after each, into known (size kn).  PXE_PARSE when obj is
 * not PVE's object.
 */
int pve_node_repos_parse(const struct json *j, int obj,
    struct pve_node_repo **out, int *n, char *digest, size_t dn, char *known,
    size_t kn, struct px_err *e);

/* GET /nodes/{node}/dns: each member "" when absent. */
struct pve_node_dns {
	char search[256];
	char dns[3][64];	/* dns1, dns2, dns3 */
};

/* The object at obj into *d; PXE_PARSE when it is not an object. */
int pve_node_dns_parse(const struct json *j, int obj, struct pve_node_dns *d,
    struct px_err *e);

/* GET /nodes/{node}/time. */
struct pve_node_time {
	char timezone[128];	/* "" when absent */
	long long time;		/* epoch, UTC */
	long long localtime;	/* the node's wall clock counted as UTC */
};

/* The object at obj into *t; PXE_PARSE when it is not an object or
 * time or localtime is missing or not an integer (PVE always sends
 * both). */
int pve_node_time_parse(const struct json *j, int obj,
    struct pve_node_time *t, struct px_err *e);

/* GET /nodes/{node}/hosts. */
struct pve_node_hosts {
	char *data;		/* malloc'd: the file, its lines and tabs
				 * kept, every other control '?' */
	char digest[72];	/* "" when absent or more than 64 */
};

/* The object at obj into *h (free with pve_node_hosts_free); PXE_PARSE
 * when it is not an object or data is no string, PXE_TOO_LARGE when
 * data is over max bytes. */
int pve_node_hosts_parse(const struct json *j, int obj, size_t max,
    struct pve_node_hosts *h, struct px_err *e);
void pve_node_hosts_free(struct pve_node_hosts *h);

/* GET /nodes/{node}/subscription: strings "" when absent. */
struct pve_node_subscription {
	char status[32], level[32], productname[128], key[64];
	char serverid[64], regdate[32], nextduedate[32], message[512];
	char url[256];
	int sockets;		/* -1 when absent */
	long long checktime;	/* epoch; 0 when absent */
};

/* The object at obj into *s; PXE_PARSE when it is not an object or a
 * number in it does not fit. */
int pve_node_subscription_parse(const struct json *j, int obj,
    struct pve_node_subscription *s, struct px_err *e);

/* One of GET /nodes/{node}/services. */
struct pve_node_service {
	char name[64];		/* PVE's id (pveproxy, sshd) */
	char service[128];	/* the systemd unit */
	char state[32];		/* SubState: running, dead ... */
	char active_state[32];	/* ActiveState: active, failed ... */
	char unit_state[32];	/* UnitFileState: enabled ... */
	char desc[256];
};

/* The services of the array at arr into *out (calloc'd, one zeroed row
 * more; free()), *n of them; a row that is no object or has no name is
 * dropped and reported (px_drop).  PXE_PARSE when arr is not an
 * array. */
int pve_node_services_parse(const struct json *j, int arr,
    struct pve_node_service **out, int *n, struct px_err *e);

/* One of GET /nodes/{node}/apt/update: a package with a newer version. */
struct pve_apt_pkg {
	char package[128];
	char oldversion[128];	/* "" when not installed */
	char version[128];
	char origin[64], section[64], priority[32], arch[16];
	char title[256];
};

/* The packages of the array at arr, as pve_node_services_parse (the
 * key is Package). */
int pve_apt_pkgs_parse(const struct json *j, int arr,
    struct pve_apt_pkg **out, int *n, struct px_err *e);

/*
 * A text answer (GET .../report, .../apt/changelog) at t into *out
 * (malloc'd, free()): its lines and tabs kept, every other control
 * '?'.  PXE_PARSE when t is no string, PXE_TOO_LARGE over max bytes.
 */
int pve_text_parse(const struct json *j, int t, size_t max, char **out,
    struct px_err *e);

/* The MAC address string at t (GET .../wakeonlan's answer: six hex
 * pairs between ':' or '-'), as sent, into mac; 0, or -1 (mac "") when it is no MAC address. */
int pve_mac_parse(const struct json *j, int t, char mac[18]);

/* GET /nodes/{node}/journal: strings, the first and the last the
 * cursors of the first and last line when there are two or more. */
struct pve_journal {
	char **lines;		/* malloc'd, each one line: cut to the
				 * parser's max bytes, a tab a blank, every
				 * other control '?' */
	int n;
	char cursor[512];	/* the last line's; "" when none or longer */
	int has_cursor;		/* the answer ended with a cursor string
				 * (cursor "" then: it was too long) */
};

/* The journal of the array at arr into *out (free with
 * pve_journal_free); elements that are no string are skipped.
 * PXE_PARSE when arr is not an array. */
int pve_journal_parse(const struct json *j, int arr, size_t maxline,
    struct pve_journal *out, struct px_err *e);
void pve_journal_free(struct pve_journal *jn);

/* One of GET /nodes/{node}/syslog. */
struct pve_syslog_line {
	long long n;		/* its line number; 0 when absent */
	char *t;		/* malloc'd, as pve_journal's lines */
};

/* The rows of the array at arr into *out (calloc'd; free with
 * pve_syslog_free), *n of them, and the answer's "total" (of the
 * envelope j->tokens[0]; -1 when absent) into *total; rows that are no
 * object or have no text are skipped.  PXE_PARSE when arr is not an
 * array. */
int pve_syslog_parse(const struct json *j, int arr, size_t maxline,
    struct pve_syslog_line **out, int *n, long long *total,
    struct px_err *e);
void pve_syslog_free(struct pve_syslog_line *v, int n);

/* Keep a multi-line text's newlines and tabs and turn every other
 * control into '?' in place (shorter, never longer); returns s. */
char *pve_text_sanitize_lines(char *s);

#endif
