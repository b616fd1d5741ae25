/*
 * pve_nodesys.c -- a node's system objects parsed from PVE's answers
 * (pve_nodesys.h): certificates, apt repositories and packages, DNS,
 * time, hosts, subscription, services, text answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "enc.h"
#include "pve_field.h"
#include "pve_nodesys.h"

/* A string member into buf, sanitized; "" when absent or no string. */
static void
str_at(const struct json *j, int obj, const char *key, char *buf, size_t n)
{
	int k = json_get(j, obj, key);

	buf[0] = '\0';
	if (k < 0 || json_type(j, k) != JSON_STRING ||
	    json_strcpy(j, k, buf, n) < 0)
		buf[0] = '\0';
	text_sanitize(buf);
}

int
pve_pem_fingerprint(const char *pem, char fp[96])
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b = strstr(pem, begin), *e;
	struct buf der = { 0 };
	int rc = -1;

	if (b == NULL || (e = strstr(b, end)) == NULL)
		return -1;
	b += sizeof(begin) - 1;
	if (b64_decode(&der, b, (size_t)(e - b)) == 0 && der.len > 0) {
		fingerprint_of(fp, der.p, der.len);
		rc = 0;
	}
	buf_free(&der);
	return rc;
}

int
pve_certs_parse(const struct json *j, int arr, struct pve_cert **out,
    int *n, int *bad, struct px_err *e)
{
	int k, i;

	*out = NULL;
	*n = 0;
	*bad = 0;
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the certificates are not a list");
		return -1;
	}
	*out = calloc((size_t)json_len(j, arr) + 1, sizeof(**out));
	if (*out == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	JSON_FOREACH(j, arr, k, i) {
		struct pve_cert *c = &(*out)[*n];
		int s, q, w;
		char *pem;

		if (json_type(j, k) != JSON_OBJECT) {
			(*bad)++;
			continue;
		}
		str_at(j, k, "filename", c->filename, sizeof(c->filename));
		str_at(j, k, "fingerprint", c->fingerprint,
		    sizeof(c->fingerprint));
		str_at(j, k, "subject", c->subject, sizeof(c->subject));
		str_at(j, k, "issuer", c->issuer, sizeof(c->issuer));
		str_at(j, k, "public-key-type", c->keytype,
		    sizeof(c->keytype));
		c->notbefore = json_get_int(j, k, "notbefore", 0);
		c->has_notafter = json_get(j, k, "notafter") >= 0;
		c->notafter = json_get_int(j, k, "notafter", 0);
		c->keybits = (int)json_get_int(j, k, "public-key-bits", 0);
		s = json_get(j, k, "san");
		if (s >= 0 && json_type(j, s) == JSON_ARRAY)
			JSON_FOREACH(j, s, q, w) {
				char v[256];
				size_t len = strlen(c->san);

				if (json_type(j, q) != JSON_STRING ||
				    json_strcpy(j, q, v, sizeof(v)) < 0)
					continue;
				text_sanitize(v);
				if (len + strlen(v) + 2 < sizeof(c->san))
					snprintf(c->san + len, sizeof(c->san) -
					    len, "%s%s", len ? "," : "", v);
			}
		s = json_get(j, k, "pem");
		pem = s >= 0 && json_type(j, s) == JSON_STRING ?
		    json_strdup(j, s) : NULL;
		if (pem && pve_pem_fingerprint(pem, c->pem_fingerprint) == 0)
			c->pem_check = strcasecmp(c->pem_fingerprint,
			    c->fingerprint) == 0 ? 1 : -1;
		free(pem);
		(*n)++;
	}
	return 0;
}

/* An array of strings, space-separated, into out. */
static void
words(const struct json *j, int obj, const char *key, char *out, size_t n)
{
	int a = json_get(j, obj, key), k, i;

	out[0] = '\0';
	if (a < 0 || json_type(j, a) != JSON_ARRAY)
		return;
	JSON_FOREACH(j, a, k, i) {
		char w[256];

		if (json_type(j, k) != JSON_STRING ||
		    json_strcpy(j, k, w, sizeof(w)) < 0)
			continue;
		text_sanitize(w);
		if (strlen(out) + strlen(w) + 2 < n)
			snprintf(out + strlen(out), n - strlen(out), "%s%s",
			    out[0] ? " " : "", w);
	}
}

static int
has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(list, w); p; p = strstr(p + 1, w))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

/* The standard repository r is, by its URI and component. */
static void
handle_of(struct pve_node_repo *r)
{
	const char *ceph = strstr(r->uris, "/debian/ceph-");

	r->handle[0] = '\0';
	if (ceph != NULL) {
		char name[32];
		size_t n = strcspn(ceph + 13, "/ ");

		if (n == 0 || n >= sizeof(name))
			return;
		memcpy(name, ceph + 13, n);
		name[n] = '\0';
		if (has_word(r->components, "enterprise"))
			snprintf(r->handle, sizeof(r->handle),
			    "ceph-%s-enterprise", name);
		else if (has_word(r->components, "no-subscription"))
			snprintf(r->handle, sizeof(r->handle),
			    "ceph-%s-no-subscription", name);
		else if (has_word(r->components, "test"))
			snprintf(r->handle, sizeof(r->handle), "ceph-%s-test",
			    name);
		return;
	}
	if (strstr(r->uris, "/debian/pve") == NULL)
		return;
	if (has_word(r->components, "pve-enterprise"))
		snprintf(r->handle, sizeof(r->handle), "enterprise");
	else if (has_word(r->components, "pve-no-subscription"))
		snprintf(r->handle, sizeof(r->handle), "no-subscription");
	else if (has_word(r->components, "pve-test") ||
	    has_word(r->components, "pvetest"))
		snprintf(r->handle, sizeof(r->handle), "test");
}

int
pve_node_repos_parse(const struct json *j, int obj,
    struct pve_node_repo **out, int *n, char *digest, size_t dn, char *known,
    size_t kn, struct px_err *e)
{
	int files, std, k, i, cap = 16;

	*out = NULL;
	*n = 0;
	digest[0] = '\0';
	known[0] = '\0';
	if (json_type(j, obj) != JSON_OBJECT ||
	    (files = json_get(j, obj, "files")) < 0 ||
	    json_type(j, files) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the apt repositories are not PVE's "
		    "answer (no files)");
		return -1;
	}
	str_at(j, obj, "digest", digest, dn);
	if (strspn(digest, "0123456789abcdefABCDEF") != strlen(digest))
		digest[0] = '\0';
	if ((*out = calloc((size_t)cap, sizeof(**out))) == NULL)
		goto oom;
	JSON_FOREACH(j, files, k, i) {
		char path[512];
		int reps, q, w, idx = 0;

		if (json_type(j, k) != JSON_OBJECT)
			continue;
		str_at(j, k, "path", path, sizeof(path));
		reps = json_get(j, k, "repositories");
		if (path[0] == '\0' || reps < 0 ||
		    json_type(j, reps) != JSON_ARRAY)
			continue;
		JSON_FOREACH(j, reps, q, w) {
			struct pve_node_repo *p;

			if (json_type(j, q) != JSON_OBJECT) {
				idx++;
				continue;
			}
			if (*n == cap) {
				struct pve_node_repo *nv;

				cap *= 2;
				nv = realloc(*out, (size_t)cap * sizeof(**out));
				if (nv == NULL)
					goto oom;
				*out = nv;
			}
			p = &(*out)[(*n)++];
			memset(p, 0, sizeof(*p));
			snprintf(p->path, sizeof(p->path), "%s", path);
			p->index = idx++;
			p->enabled = json_get_bool(j, q, "Enabled", 1);
			words(j, q, "Types", p->types, sizeof(p->types));
			words(j, q, "URIs", p->uris, sizeof(p->uris));
			words(j, q, "Suites", p->suites, sizeof(p->suites));
			words(j, q, "Components", p->components,
			    sizeof(p->components));
			str_at(j, q, "FileType", p->filetype,
			    sizeof(p->filetype));
			handle_of(p);
		}
	}
	if (kn > 1)
		snprintf(known, kn, " ");
	if ((std = json_get(j, obj, "standard-repos")) >= 0 &&
	    json_type(j, std) == JSON_ARRAY)
		JSON_FOREACH(j, std, k, i) {
			char h[64];
			size_t len = strlen(known);

			str_at(j, k, "handle", h, sizeof(h));
			if (h[0] && strspn(h, "abcdefghijklmnopqrstuvwxyz"
			    "0123456789-") == strlen(h) &&
			    len + strlen(h) + 2 < kn)
				snprintf(known + len, kn - len, "%s ", h);
		}
	return 0;
oom:
	free(*out);
	*out = NULL;
	*n = 0;
	px_fail(e, PXE_FAILURE, "out of memory");
	return -1;
}

char *
pve_text_sanitize_lines(char *s)
{
	char *w = s;

	for (const char *p = s; *p;) {
		int ctl;
		size_t len = text_char(p, &ctl);

		if (ctl && *p != '\n' && *p != '\t') {
			*w++ = '?';
		} else if (w != p)
			memmove(w, p, len), w += len;
		else
			w += len;
		p += len;
	}
	*w = '\0';
	return s;
}

/* The object at obj, filled by f, or PXE_PARSE with what. */
static int
record(const struct json *j, int obj, void *dst, const struct pve_field *f,
    int nf, const char *what, struct px_err *e)
{
	char why[256];

	if (json_type(j, obj) != JSON_OBJECT) {
		px_fail(e, PXE_PARSE, "%s: the answer is not an object", what);
		return -1;
	}
	if (pve_fill_check(j, obj, dst, f, nf, why, sizeof(why)) != 0) {
		px_fail(e, PXE_PARSE, "%s: %s", what, why);
		return -1;
	}
	return 0;
}

int
pve_node_dns_parse(const struct json *j, int obj, struct pve_node_dns *d,
    struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_node_dns, search, "search"),
		PF_STR(struct pve_node_dns, dns[0], "dns1"),
		PF_STR(struct pve_node_dns, dns[1], "dns2"),
		PF_STR(struct pve_node_dns, dns[2], "dns3"),
	};

	memset(d, 0, sizeof(*d));
	return record(j, obj, d, f, PF_N(f), "the DNS settings", e);
}

int
pve_node_time_parse(const struct json *j, int obj, struct pve_node_time *t,
    struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_node_time, timezone, "timezone"),
	};
	static const char *const need[] = { "time", "localtime" };

	memset(t, 0, sizeof(*t));
	if (record(j, obj, t, f, PF_N(f), "the node's time", e) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		int k = json_get(j, obj, need[i]);
		long long v;

		if (k < 0 || json_int(j, k, &v) != 0) {
			px_fail(e, PXE_PARSE, "the node's time: %s is %s",
			    need[i], k < 0 || json_is_null(j, k) ? "missing" :
			    "not an integer");
			return -1;
		}
		*(i ? &t->localtime : &t->time) = v;
	}
	return 0;
}

/* The string at t, at most max bytes, lines kept: *out, or -1. */
static int
text_at(const struct json *j, int t, size_t max, const char *what,
    char **out, struct px_err *e)
{
	*out = NULL;
	if (t < 0 || json_type(j, t) != JSON_STRING) {
		px_fail(e, PXE_PARSE, "%s is not text", what);
		return -1;
	}
	if ((*out = json_strdup(j, t)) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	if (strlen(*out) > max) {
		free(*out);
		*out = NULL;
		px_fail(e, PXE_TOO_LARGE, "%s is over %zu bytes", what, max);
		return -1;
	}
	pve_text_sanitize_lines(*out);
	return 0;
}

int
pve_node_hosts_parse(const struct json *j, int obj, size_t max,
    struct pve_node_hosts *h, struct px_err *e)
{
	static const struct pve_field f[] = {
		PF_STR(struct pve_node_hosts, digest, "digest"),
	};

	memset(h, 0, sizeof(*h));
	if (record(j, obj, h, f, PF_N(f), "/etc/hosts", e) != 0 ||
	    text_at(j, json_get(j, obj, "data"), max, "/etc/hosts: data",
	    &h->data, e) != 0)
		return -1;
	if (strlen(h->digest) > 64)
		h->digest[0] = '\0';
	return 0;
}

void
pve_node_hosts_free(struct pve_node_hosts *h)
{
	free(h->data);
	h->data = NULL;
}

int
pve_node_subscription_parse(const struct json *j, int obj,
    struct pve_node_subscription *s, struct px_err *e)
{
#define SUB struct pve_node_subscription
	static const struct pve_field f[] = {
		PF_STR(SUB, status, "status"),
		PF_STR(SUB, level, "level"),
		PF_STR(SUB, productname, "productname"),
		PF_STR(SUB, key, "key"),
		PF_STR(SUB, serverid, "serverid"),
		PF_INT(SUB, sockets, "sockets", -1),
		PF_STR(SUB, regdate, "regdate"),
		PF_STR(SUB, nextduedate, "nextduedate"),
		PF_LL(SUB, checktime, "checktime"),
		PF_STR(SUB, message, "message"),
		PF_STR(SUB, url, "url"),
	};
#undef SUB

	memset(s, 0, sizeof(*s));
	return record(j, obj, s, f, PF_N(f), "the subscription", e);
}

int
pve_node_services_parse(const struct json *j, int arr,
    struct pve_node_service **out, int *n, struct px_err *e)
{
#define SVC struct pve_node_service
	static const struct pve_field f[] = {
		PF_STR(SVC, name, "name"),
		PF_STR(SVC, service, "service"),
		PF_STR(SVC, state, "state"),
		PF_STR(SVC, active_state, "active-state"),
		PF_STR(SVC, unit_state, "unit-state"),
		PF_STR(SVC, desc, "desc"),
	};
#undef SVC

	return PVE_PARSE("the node's services", struct pve_node_service, f,
	    NULL);
}

int
pve_apt_pkgs_parse(const struct json *j, int arr, struct pve_apt_pkg **out,
    int *n, struct px_err *e)
{
#define PKG struct pve_apt_pkg
	static const struct pve_field f[] = {
		PF_STR(PKG, package, "Package"),
		PF_STR(PKG, oldversion, "OldVersion"),
		PF_STR(PKG, version, "Version"),
		PF_STR(PKG, origin, "Origin"),
		PF_STR(PKG, section, "Section"),
		PF_STR(PKG, priority, "Priority"),
		PF_STR(PKG, arch, "Arch"),
		PF_STR(PKG, title, "Title"),
	};
#undef PKG

	return PVE_PARSE("the upgradable packages", struct pve_apt_pkg, f,
	    NULL);
}

int
pve_text_parse(const struct json *j, int t, size_t max, char **out,
    struct px_err *e)
{
	return text_at(j, t, max, "the answer", out, e);
}

int
pve_mac_parse(const struct json *j, int t, char mac[18])
{
	char v[32];

	mac[0] = '\0';
	if (json_type(j, t) != JSON_STRING || json_strcpy(j, t, v,
	    sizeof(v)) != 17)
		return -1;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? v[i] != ':' && v[i] != '-' :
		    strchr("0123456789abcdefABCDEF", v[i]) == NULL || !v[i])
			return -1;
	for (int i = 0; i < 17; i++)
		mac[i] = v[i];
	mac[17] = '\0';
	return 0;
}

/* A log line from the string at k: at most max bytes (on a character
 * boundary), a tab a blank, every other control '?'; NULL when k is no
 * string. */
static char *
log_line(const struct json *j, int k, size_t max)
{
	char *s;
	size_t len = 0;

	if (json_type(j, k) != JSON_STRING || (s = json_strdup(j, k)) == NULL)
		return NULL;
	while (s[len]) {
		int ctl;
		size_t c = text_char(s + len, &ctl);

		if (len + c > max)
			break;
		len += c;
	}
	s[len] = '\0';
	for (char *t = s; *t; t++)
		if (*t == '\t')
			*t = ' ';
	return text_sanitize(s);
}

int
pve_journal_parse(const struct json *j, int arr, size_t maxline,
    struct pve_journal *out, struct px_err *e)
{
	int k, i, n;

	memset(out, 0, sizeof(*out));
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the journal is not a list");
		return -1;
	}
	n = json_len(j, arr);
	if ((out->lines = calloc((size_t)n + 1, sizeof(*out->lines))) == NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	JSON_FOREACH(j, arr, k, i) {
		if (json_type(j, k) != JSON_STRING)
			continue;
		if (n >= 2 && i == n - 1) {
			/* the cursor of the last line: sent back as it is,
			 * so whole or not at all */
			out->has_cursor = 1;
			if (json_strcpy(j, k, out->cursor, sizeof(out->cursor))
			    < 0 || strlen(out->cursor) >= sizeof(out->cursor) -
			    1)
				out->cursor[0] = '\0';
			continue;
		}
		if (n >= 2 && i == 0)
			continue;
		if ((out->lines[out->n] = log_line(j, k, maxline)) != NULL)
			out->n++;
	}
	return 0;
}

void
pve_journal_free(struct pve_journal *jn)
{
	for (int i = 0; i < jn->n; i++)
		free(jn->lines[i]);
	free(jn->lines);
	memset(jn, 0, sizeof(*jn));
}

int
pve_syslog_parse(const struct json *j, int arr, size_t maxline,
    struct pve_syslog_line **out, int *n, long long *total,
    struct px_err *e)
{
	int k, i;

	*out = NULL;
	*n = 0;
	*total = json_type(j, 0) == JSON_OBJECT ? json_get_int(j, 0, "total",
	    -1) : -1;
	if (json_type(j, arr) != JSON_ARRAY) {
		px_fail(e, PXE_PARSE, "the syslog is not a list");
		return -1;
	}
	if ((*out = calloc((size_t)json_len(j, arr) + 1, sizeof(**out))) ==
	    NULL) {
		px_fail(e, PXE_FAILURE, "out of memory");
		return -1;
	}
	JSON_FOREACH(j, arr, k, i) {
		struct pve_syslog_line *l = &(*out)[*n];

		if (json_type(j, k) != JSON_OBJECT ||
		    (l->t = log_line(j, json_get(j, k, "t"), maxline)) == NULL)
			continue;
		l->n = json_get_int(j, k, "n", 0);
		(*n)++;
	}
	return 0;
}

void
pve_syslog_free(struct pve_syslog_line *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].t);
	free(v);
}
