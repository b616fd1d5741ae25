/*
 * alert.c -- [alert NAME] rules and what holds on the cluster for them
 * (alert.h).  One evaluation reads each source once, whatever the number
 * of rules that need it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "enc.h"
#include "freeze.h"
#include "pve.h"

const struct alert_kind_info alert_kinds[AK_N + 1] = {
	[AK_NODE_OFFLINE] = { "node_offline", NULL, 0 },
	[AK_GUEST_DOWN] = { "guest_down", NULL, 0 },
	[AK_STORAGE_ABOVE] = { "storage_above", "percent", 90 },
	[AK_TASK_FAILED] = { "task_failed", "duration", 3600 },
	[AK_BACKUP_MISSING] = { "backup_missing", "duration", 26 * 3600 },
	[AK_BACKUP_FAILED] = { "backup_failed", "duration", 86400 },
	[AK_REPLICATION_FAILING] = { "replication_failing", "count", 1 },
	[AK_HA_ERROR] = { "ha_error", NULL, 0 },
	[AK_CERT_EXPIRING] = { "cert_expiring", "duration", 30 * 86400 },
	[AK_QUORUM_LOST] = { "quorum_lost", NULL, 0 },
	[AK_DRIFT] = { "drift", NULL, 0 },
};

static const char *const rule_keys[] = { "when", "for", "threshold",
	"match", "severity", "route", "repeat", "resolved", NULL };

static int
rule_bad(struct px_err *e, const struct px_conf *c, const char *name,
    const char *key, const char *val, const char *why)
{
	return px_fail(e, PXE_CONFIG, "%s: [alert %s] %s = '%.200s': %s",
	    c->path, name, key, val, why);
}

const char *
alert_route_problem(const char *r)
{
	const char *at;

	if (conf_has_ctl(r))
		return "a control character";
	if (strcmp(r, "telegram") == 0)
		return NULL;
	if (strncmp(r, "ntfy:", 5) == 0) {
		size_t n;

		r += 5;
		at = strchr(r, '@');
		n = at ? (size_t)(at - r) : strlen(r);
		if (n == 0 || n > 64 || strspn(r, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") < n)
			return "an ntfy topic is 1 to 64 letters, digits, _ "
			    "and -";
		if (at && strncmp(at + 1, "https://", 8) != 0 &&
		    strncmp(at + 1, "http://", 7) != 0)
			return "the ntfy server is an http:// or https:// URL";
		return NULL;
	}
	if (strncmp(r, "webhook:", 8) == 0) {
		r += 8;
		if (strncmp(r, "https://", 8) != 0 && strncmp(r, "http://", 7))
			return "a webhook is an http:// or https:// URL";
		if (strchr(r, ' ') != NULL)
			return "a URL has no spaces";
		return NULL;
	}
	if (strncmp(r, "exec:", 5) == 0) {
		r += 5;
		if (r[0] != '/')
			return "exec: takes the absolute path of a program "
			    "(no arguments: the alert is in its environment "
			    "and on its standard input)";
		if (strchr(r, ' ') != NULL)
			return "exec: takes a program, no arguments";
		return NULL;
	}
	return "a route is telegram, ntfy:TOPIC[@URL], webhook:URL or "
	    "exec:PROGRAM";
}

/* Split a comma list of routes into r->routes. */
static int
parse_routes(const struct px_conf *c, struct alert_rule *r, const char *v,
    struct px_err *e)
{
	const char *p = v, *why;

	while (*p) {
		size_t n;
		char one[512];

		p += strspn(p, " \t,");
		if (!*p)
			break;
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= sizeof(one))
			return rule_bad(e, c, r->name, "route", v, "a route is "
			    "at most 511 characters");
		memcpy(one, p, n);
		one[n] = '\0';
		if ((why = alert_route_problem(one)) != NULL)
			return rule_bad(e, c, r->name, "route", one, why);
		if (r->nroutes == ALERT_MAX_ROUTES)
			return rule_bad(e, c, r->name, "route", v, "at most 8 "
			    "routes");
		memcpy(r->routes[r->nroutes++], one, n + 1);
		p += strcspn(p, ",");
	}
	return 0;
}

/* match = key=v1,v2 key=v3 ... */
static int
parse_match(const struct px_conf *c, struct alert_rule *r, const char *v,
    struct px_err *e)
{
	const char *p = v;

	while (*p) {
		size_t n, kn;
		const char *eq;
		char *dst = NULL;

		p += strspn(p, " \t");
		if (!*p)
			break;
		n = strcspn(p, " \t");
		eq = memchr(p, '=', n);
		if (eq == NULL || eq == p || eq + 1 == p + n)
			return rule_bad(e, c, r->name, "match", v, "want "
			    "KEY=VALUE[,VALUE...] words (node, storage, tag, "
			    "pool, vmid)");
		kn = (size_t)(eq - p);
		if (kn == 4 && memcmp(p, "node", 4) == 0)
			dst = r->m_node;
		else if (kn == 7 && memcmp(p, "storage", 7) == 0)
			dst = r->m_storage;
		else if (kn == 3 && memcmp(p, "tag", 3) == 0)
			dst = r->m_tag;
		else if (kn == 4 && memcmp(p, "pool", 4) == 0)
			dst = r->m_pool;
		else if (kn == 4 && memcmp(p, "vmid", 4) == 0)
			dst = r->m_vmid;
		if (dst == NULL)
			return rule_bad(e, c, r->name, "match", v, "the keys "
			    "are node, storage, tag, pool and vmid");
		if (*dst)
			return rule_bad(e, c, r->name, "match", v, "a key "
			    "given twice (list its values: node=a,b)");
		if ((size_t)(p + n - eq - 1) >= 256)
			return rule_bad(e, c, r->name, "match", v, "a value "
			    "list is at most 255 characters");
		memcpy(dst, eq + 1, (size_t)(p + n - eq - 1));
		dst[p + n - eq - 1] = '\0';
		if (dst == r->m_vmid && strspn(dst, "0123456789,") !=
		    strlen(dst))
			return rule_bad(e, c, r->name, "match", v, "vmid takes "
			    "numbers");
		p += n;
	}
	return 0;
}

static int
parse_dur(const struct px_conf *c, const char *name, const char *key,
    const char *v, long long *out, struct px_err *e)
{
	if (px_parse_duration(v, out) != 0)
		return rule_bad(e, c, name, key, v, "not a duration (60, 60s, "
		    "5m, 1h, 2d)");
	return 0;
}

static int
rule_load(const struct px_conf *c, const char *name, struct alert_rule *r,
    struct px_err *e)
{
	char sec[160];
	const char *v;
	int k, b;

	memset(r, 0, sizeof(*r));
	if (strlen(name) >= sizeof(r->name) || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "_.-") != strlen(name))
		return px_fail(e, PXE_CONFIG, "%s: [alert %.100s]: a name is "
		    "at most 63 letters, digits, '_', '.' and '-'", c->path,
		    name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(sec, sizeof(sec), "alert %s", name);
	for (size_t i = 0; i < c->nkv; i++) {
		int known = 0;

		if (strcmp(c->kv[i].section, sec) != 0)
			continue;
		for (k = 0; rule_keys[k]; k++)
			known |= strcmp(rule_keys[k], c->kv[i].key) == 0;
		if (!known)
			return px_fail(e, PXE_CONFIG, "%s: [alert %s] has no "
			    "key '%s' (when, for, threshold, match, "
			    "severity, route, repeat, resolved)", c->path,
			    name, c->kv[i].key);
	}
	if ((v = conf_get(c, sec, "when")) == NULL)
		return px_fail(e, PXE_CONFIG, "%s: [alert %s] has no 'when'",
		    c->path, name);
	for (k = 0; k < AK_N && strcmp(alert_kinds[k].name, v) != 0; k++)
		;
	if (k == AK_N)
		return rule_bad(e, c, name, "when", v, "one of node_offline, "
		    "guest_down, storage_above, task_failed, backup_missing, "
		    "backup_failed, replication_failing, ha_error, "
		    "cert_expiring, quorum_lost");
	r->kind = (enum alert_kind)k;
	r->threshold = alert_kinds[k].def;
	if ((v = conf_get(c, sec, "threshold")) != NULL) {
		const char *t = alert_kinds[k].threshold;

		if (t == NULL)
			return rule_bad(e, c, name, "threshold", v, "this "
			    "kind takes no threshold");
		if (strcmp(t, "duration") == 0) {
			long long s;

			if (parse_dur(c, name, "threshold", v, &s, e) != 0)
				return -1;
			r->threshold = (double)s;
		} else {
			char *end;
			double d = strtod(v, &end);

			if (*end == '%' && strcmp(t, "percent") == 0)
				end++;
			if (end == v || *end || d < 0 || (strcmp(t,
			    "percent") == 0 && d > 100) || (strcmp(t,
			    "count") == 0 && (d < 1 || d > 1e6)))
				return rule_bad(e, c, name, "threshold", v,
				    strcmp(t, "percent") == 0 ? "a percentage "
				    "0..100" : "a count of at least 1");
			r->threshold = d;
		}
	}
	if ((v = conf_get(c, sec, "for")) != NULL &&
	    parse_dur(c, name, "for", v, &r->for_s, e) != 0)
		return -1;
	if ((v = conf_get(c, sec, "repeat")) != NULL &&
	    parse_dur(c, name, "repeat", v, &r->repeat_s, e) != 0)
		return -1;
	r->resolved = 1;
	if ((v = conf_get(c, sec, "resolved")) != NULL) {
		if ((b = conf_parse_bool(v)) < 0)
			return rule_bad(e, c, name, "resolved", v, "yes or no");
		r->resolved = b;
	}
	snprintf(r->severity, sizeof(r->severity), "warning");
	if ((v = conf_get(c, sec, "severity")) != NULL) {
		if (strcmp(v, "info") && strcmp(v, "warning") &&
		    strcmp(v, "critical"))
			return rule_bad(e, c, name, "severity", v, "info, "
			    "warning or critical");
		snprintf(r->severity, sizeof(r->severity), "%s", v);
	}
	if ((v = conf_get(c, sec, "route")) == NULL || *v == '\0')
		return px_fail(e, PXE_CONFIG, "%s: [alert %s] has no 'route' "
		    "(telegram, ntfy:TOPIC[@URL], webhook:URL, exec:PROGRAM)",
		    c->path, name);
	if (parse_routes(c, r, v, e) != 0)
		return -1;
	if ((v = conf_get(c, sec, "match")) != NULL &&
	    parse_match(c, r, v, e) != 0)
		return -1;
	return 0;
}

int
alert_rules_load(const struct px_conf *c, struct alert_rule **out, int *n,
    struct px_err *e)
{
	struct alert_rule *r = NULL;
	int nr = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < c->nkv; i++) {
		const char *s = c->kv[i].section, *name;
		int seen = 0;

		if (strncmp(s, "alert ", 6) != 0)
			continue;
		name = s + 6;
		for (int k = 0; k < nr && !seen; k++)
			seen = strcmp(r[k].name, name) == 0;
		if (seen)
			continue;
		r = px_xrealloc(r, (size_t)(nr + 1) * sizeof(*r));
		if (rule_load(c, name, &r[nr], e) != 0) {
			free(r);
			return -1;
		}
		nr++;
	}
	*out = r;
	*n = nr;
	return 0;
}

/* ---- matching ---- */

/* Is word in the comma list (empty list: anything)? */
static int
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	if (*list == '\0')
		return 1;
	while (*p) {
		size_t k = strcspn(p, ",");

		if (k == n && strncmp(p, word, n) == 0)
			return 1;
		p += k;
		p += *p == ',';
	}
	return 0;
}

static int
tags_match(const char *list, const char *tags)
{
	const char *p = list;
	char one[128];

	if (*list == '\0')
		return 1;
	while (*p) {
		size_t k = strcspn(p, ",");

		if (k < sizeof(one)) {
			memcpy(one, p, k);
			one[k] = '\0';
			if (pve_has_tag(tags, one))
				return 1;
		}
		p += k;
		p += *p == ',';
	}
	return 0;
}

static int
guest_matches(const struct alert_rule *r, const struct pve_guest *g)
{
	char id[16];

	snprintf(id, sizeof(id), "%d", g->vmid);
	return in_list(r->m_node, g->node) && in_list(r->m_vmid, id) &&
	    in_list(r->m_pool, g->pool) && tags_match(r->m_tag, g->tags);
}

/* ---- collecting ---- */

struct src {
	int need, done, failed;
	struct px_err err;
};

enum { S_NODES, S_GUESTS, S_STORAGES, S_TASKS, S_STATUS, S_REPL, S_CERTS,
	S_BACKUPS, S_N };

struct collect {
	struct px_client *c;
	long long now;
	struct src s[S_N];
	struct pve_node *nodes;
	int nnodes;
	struct pve_guest *guests;
	int nguests;
	struct pve_storage *storages;
	int nstorages;
	struct pve_task *tasks;
	int ntasks;
	int quorate;		/* -1: not a cluster */
	struct repl { char id[64], node[64], error[256]; int guest;
		long long fail_count; } *repl;
	int nrepl;
	struct cert { char node[64], file[128], subject[192];
		long long notafter; } *certs;
	int ncerts;
	struct newest { int vmid; long long ctime; } *newest;
	int nnewest;
	struct alert_finding *f;
	int nf;
};

static void
add(struct collect *k, int rule, double value, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add(struct collect *k, int rule, double value, const char *key,
    const char *fmt, ...)
{
	struct alert_finding *f;
	va_list ap;

	k->f = px_xrealloc(k->f, (size_t)(k->nf + 1) * sizeof(*k->f));
	f = &k->f[k->nf++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->value = value;
	snprintf(f->key, sizeof(f->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
	va_end(ap);
	text_sanitize(f->summary);
}

static int
fetch_tasks(struct collect *k, struct px_err *e)
{
	struct px_reply r;
	int rc;

	if (pve_get(k->c, &r, e, "/cluster/tasks") != 0)
		return -1;
	rc = pve_tasks_parse(&r.j, r.data, &k->tasks, &k->ntasks, e);
	px_reply_free(&r);
	return rc;
}

static int
fetch_status(struct collect *k, struct px_err *e)
{
	struct px_reply r;
	int n;

	if (pve_get(k->c, &r, e, "/cluster/status") != 0)
		return -1;
	k->quorate = -1;
	n = r.data >= 0 ? json_len(&r.j, r.data) : 0;
	for (int i = 0; i < n; i++) {
		int o = json_at(&r.j, r.data, i);
		char *type = json_get_str(&r.j, o, "type");

		if (type && strcmp(type, "cluster") == 0)
			k->quorate = json_get_int(&r.j, o, "quorate", 0) != 0;
		free(type);
	}
	px_reply_free(&r);
	return 0;
}

/* GET /nodes/NODE/sub of the i-th node into r; 0 or -1 with e. */
static int
node_get(struct collect *k, int i, const char *sub, struct px_reply *r,
    struct px_err *e)
{
	struct buf node = { 0 };
	int rc;

	url_seg(&node, k->nodes[i].name);
	rc = pve_get(k->c, r, e, "/nodes/%s/%s", node.p, sub);
	buf_free(&node);
	return rc;
}

/* Every online node's replication jobs. */
static int
fetch_repl(struct collect *k, struct px_err *e)
{
	for (int i = 0; i < k->nnodes; i++) {
		struct px_reply r;
		int n;

		if (!k->nodes[i].online)
			continue;
		if (node_get(k, i, "replication", &r, e) != 0)
			return -1;
		n = r.data >= 0 ? json_len(&r.j, r.data) : 0;
		for (int j = 0; j < n && j < 10000; j++) {
			int o = json_at(&r.j, r.data, j);
			struct repl *p;
			char *s;

			k->repl = px_xrealloc(k->repl, (size_t)(k->nrepl + 1) *
			    sizeof(*k->repl));
			p = &k->repl[k->nrepl++];
			memset(p, 0, sizeof(*p));
			snprintf(p->node, sizeof(p->node), "%s",
			    k->nodes[i].name);
			if ((s = json_get_str(&r.j, o, "id")) != NULL)
				snprintf(p->id, sizeof(p->id), "%s", s);
			free(s);
			if ((s = json_get_str(&r.j, o, "error")) != NULL)
				snprintf(p->error, sizeof(p->error), "%s", s);
			free(s);
			text_sanitize(p->id);
			text_sanitize(p->error);
			p->guest = (int)json_get_int(&r.j, o, "guest", 0);
			p->fail_count = json_get_int(&r.j, o, "fail_count", 0);
			if (p->id[0] == '\0')
				k->nrepl--;
		}
		px_reply_free(&r);
	}
	return 0;
}

static int
fetch_certs(struct collect *k, struct px_err *e)
{
	for (int i = 0; i < k->nnodes; i++) {
		struct px_reply r;
		int n;

		if (!k->nodes[i].online)
			continue;
		if (node_get(k, i, "certificates/info", &r, e) != 0)
			return -1;
		n = r.data >= 0 ? json_len(&r.j, r.data) : 0;
		for (int j = 0; j < n && j < 1000; j++) {
			int o = json_at(&r.j, r.data, j);
			struct cert *p;
			char *s;

			if (json_get_int(&r.j, o, "notafter", 0) <= 0)
				continue;
			k->certs = px_xrealloc(k->certs, (size_t)(k->ncerts + 1) *
			    sizeof(*k->certs));
			p = &k->certs[k->ncerts++];
			memset(p, 0, sizeof(*p));
			snprintf(p->node, sizeof(p->node), "%s",
			    k->nodes[i].name);
			p->notafter = json_get_int(&r.j, o, "notafter", 0);
			if ((s = json_get_str(&r.j, o, "filename")) != NULL)
				snprintf(p->file, sizeof(p->file), "%s", s);
			free(s);
			if ((s = json_get_str(&r.j, o, "subject")) != NULL)
				snprintf(p->subject, sizeof(p->subject), "%s",
				    s);
			free(s);
			text_sanitize(p->file);
			text_sanitize(p->subject);
		}
		px_reply_free(&r);
	}
	return 0;
}

static void
newest_note(struct collect *k, int vmid, long long ctime)
{
	for (int i = 0; i < k->nnewest; i++)
		if (k->newest[i].vmid == vmid) {
			if (ctime > k->newest[i].ctime)
				k->newest[i].ctime = ctime;
			return;
		}
	k->newest = px_xrealloc(k->newest, (size_t)(k->nnewest + 1) *
	    sizeof(*k->newest));
	k->newest[k->nnewest].vmid = vmid;
	k->newest[k->nnewest++].ctime = ctime;
}

/* The newest backup of every guest, from every storage that holds
 * backups (a shared one listed once). */
static int
fetch_backups(struct collect *k, struct px_err *e)
{
	for (int i = 0; i < k->nstorages; i++) {
		const struct pve_storage *s = &k->storages[i];
		struct buf node = { 0 }, st = { 0 };
		struct pve_volume *v = NULL;
		struct px_reply r;
		int seen = 0, nv = 0, rc;

		if (!strstr(s->content, "backup") || strcmp(s->status,
		    "available") != 0)
			continue;
		for (int j = 0; j < i && s->shared; j++)
			seen |= strcmp(k->storages[j].storage, s->storage) == 0 &&
			    strcmp(k->storages[j].status, "available") == 0;
		if (seen)
			continue;
		url_seg(&node, s->node);
		url_seg(&st, s->storage);
		rc = pve_get(k->c, &r, e, "/nodes/%s/storage/%s/content?"
		    "content=backup", node.p, st.p);
		buf_free(&node);
		buf_free(&st);
		if (rc != 0)
			return -1;
		rc = pve_volumes_parse(&r.j, r.data, s->node, s->storage, &v,
		    &nv, e);
		px_reply_free(&r);
		if (rc != 0)
			return -1;
		for (int j = 0; j < nv; j++)
			if (v[j].vmid > 0)
				newest_note(k, v[j].vmid, v[j].ctime);
		free(v);
	}
	return 0;
}

static int
source_of(enum alert_kind kind, int *need)
{
	switch (kind) {
	case AK_NODE_OFFLINE:
		need[S_NODES] = 1;
		break;
	case AK_GUEST_DOWN:
	case AK_HA_ERROR:
		need[S_GUESTS] = 1;
		break;
	case AK_STORAGE_ABOVE:
		need[S_STORAGES] = 1;
		break;
	case AK_TASK_FAILED:
	case AK_BACKUP_FAILED:
		need[S_TASKS] = 1;
		break;
	case AK_BACKUP_MISSING:
		need[S_GUESTS] = need[S_STORAGES] = need[S_BACKUPS] = 1;
		break;
	case AK_REPLICATION_FAILING:
		need[S_NODES] = need[S_REPL] = 1;
		break;
	case AK_CERT_EXPIRING:
		need[S_NODES] = need[S_CERTS] = 1;
		break;
	case AK_QUORUM_LOST:
		need[S_STATUS] = 1;
		break;
	default:
		break;
	}
	return 0;
}

static void
fetch(struct collect *k, int s)
{
	struct px_err *e = &k->s[s].err;
	int rc = 0;

	if (!k->s[s].need || k->s[s].done)
		return;
	k->s[s].done = 1;
	switch (s) {
	case S_NODES:
		rc = pve_nodes(k->c, &k->nodes, &k->nnodes, e);
		break;
	case S_GUESTS:
		rc = pve_guests(k->c, &k->guests, &k->nguests, e);
		break;
	case S_STORAGES:
		rc = pve_storages(k->c, &k->storages, &k->nstorages, e);
		break;
	case S_TASKS:
		rc = fetch_tasks(k, e);
		break;
	case S_STATUS:
		rc = fetch_status(k, e);
		break;
	case S_REPL:
		rc = k->s[S_NODES].failed ? -1 : fetch_repl(k, e);
		break;
	case S_CERTS:
		rc = k->s[S_NODES].failed ? -1 : fetch_certs(k, e);
		break;
	case S_BACKUPS:
		rc = k->s[S_STORAGES].failed ? -1 : fetch_backups(k, e);
		break;
	}
	if (rc != 0) {
		k->s[s].failed = 1;
		if (s >= S_REPL && e->id == PXE_OK)
			*e = k->s[s == S_BACKUPS ? S_STORAGES : S_NODES].err;
	}
}

static int
failed_for(const struct collect *k, enum alert_kind kind)
{
	int need[S_N] = { 0 };

	source_of(kind, need);
	for (int s = 0; s < S_N; s++)
		if (need[s] && k->s[s].failed)
			return s + 1;
	return 0;
}

static const char *
duration_words(char *buf, size_t n, long long s)
{
	if (s < 0)
		s = -s;
	if (s >= 2 * 86400)
		snprintf(buf, n, "%lld days", s / 86400);
	else if (s >= 2 * 3600)
		snprintf(buf, n, "%lld hours", s / 3600);
	else
		snprintf(buf, n, "%lld minutes", s / 60);
	return buf;
}

static void
judge(struct collect *k, const struct alert_rule *r, int ri)
{
	char key[192], d[32];

	switch (r->kind) {
	case AK_NODE_OFFLINE:
		for (int i = 0; i < k->nnodes; i++) {
			const struct pve_node *n = &k->nodes[i];

			if (n->online || !in_list(r->m_node, n->name))
				continue;
			snprintf(key, sizeof(key), "node/%s", n->name);
			add(k, ri, 0, key, "node %s is %s", n->name,
			    n->status[0] ? n->status : "offline");
		}
		break;
	case AK_GUEST_DOWN:
		for (int i = 0; i < k->nguests; i++) {
			const struct pve_guest *g = &k->guests[i];

			if (g->template || strcmp(g->status, "running") == 0 ||
			    !guest_matches(r, g))
				continue;
			snprintf(key, sizeof(key), "%s/%d", strcmp(g->type,
			    "lxc") == 0 ? "ct" : "vm", g->vmid);
			add(k, ri, 0, key, "%s %d (%s) on %s is %s",
			    strcmp(g->type, "lxc") == 0 ? "CT" : "VM", g->vmid,
			    g->name, g->node, g->status);
		}
		break;
	case AK_HA_ERROR:
		for (int i = 0; i < k->nguests; i++) {
			const struct pve_guest *g = &k->guests[i];

			if (strcmp(g->hastate, "error") != 0 &&
			    strcmp(g->hastate, "fence") != 0 &&
			    strcmp(g->hastate, "recovery") != 0)
				continue;
			if (!guest_matches(r, g))
				continue;
			snprintf(key, sizeof(key), "ha/%d", g->vmid);
			add(k, ri, 0, key, "HA resource %d (%s) on %s is in "
			    "state %s", g->vmid, g->name, g->node, g->hastate);
		}
		break;
	case AK_STORAGE_ABOVE:
		for (int i = 0; i < k->nstorages; i++) {
			const struct pve_storage *s = &k->storages[i];
			double pct;
			int seen = 0;

			if (s->maxdisk == 0 || !in_list(r->m_storage,
			    s->storage) || !in_list(r->m_node, s->node))
				continue;
			for (int j = 0; j < i && s->shared; j++)
				seen |= strcmp(k->storages[j].storage,
				    s->storage) == 0 && k->storages[j].maxdisk;
			if (seen)
				continue;
			pct = 100.0 * (double)s->disk / (double)s->maxdisk;
			if (pct <= r->threshold)
				continue;
			if (s->shared)
				snprintf(key, sizeof(key), "storage/%s",
				    s->storage);
			else
				snprintf(key, sizeof(key), "storage/%s/%s",
				    s->node, s->storage);
			add(k, ri, pct, key, "storage %s%s%s is %.0f%% full "
			    "(threshold %.0f%%)", s->storage, s->shared ? "" :
			    " on ", s->shared ? "" : s->node, pct,
			    r->threshold);
		}
		break;
	case AK_TASK_FAILED:
	case AK_BACKUP_FAILED:
		for (int i = 0; i < k->ntasks; i++) {
			const struct pve_task *t = &k->tasks[i];
			char id[16];
			int vz = strcmp(t->type, "vzdump") == 0;

			if (t->running || t->endtime <= 0 ||
			    strcmp(t->status, "OK") == 0 ||
			    strncmp(t->status, "WARNINGS", 8) == 0 ||
			    t->status[0] == '\0' ||
			    (r->kind == AK_BACKUP_FAILED && !vz) ||
			    k->now - t->endtime > (long long)r->threshold ||
			    !in_list(r->m_node, t->node))
				continue;
			snprintf(id, sizeof(id), "%d", atoi(t->id));
			if (r->m_vmid[0] && (!t->id[0] ||
			    !in_list(r->m_vmid, id)))
				continue;
			snprintf(key, sizeof(key), "task/%.180s", t->upid);
			add(k, ri, (double)t->endtime, key, "%s %s%s%s on %s "
			    "failed %s ago: %s", vz ? "backup" : "task",
			    t->type, t->id[0] ? " " : "", t->id, t->node,
			    duration_words(d, sizeof(d), k->now - t->endtime),
			    t->status);
		}
		break;
	case AK_BACKUP_MISSING:
		for (int i = 0; i < k->nguests; i++) {
			const struct pve_guest *g = &k->guests[i];
			long long newest = 0;

			if (g->template || !guest_matches(r, g))
				continue;
			for (int j = 0; j < k->nnewest; j++)
				if (k->newest[j].vmid == g->vmid)
					newest = k->newest[j].ctime;
			if (newest > 0 && k->now - newest <=
			    (long long)r->threshold)
				continue;
			snprintf(key, sizeof(key), "backup/%d", g->vmid);
			if (newest > 0)
				add(k, ri, (double)(k->now - newest), key,
				    "the newest backup of %d (%s) is %s old",
				    g->vmid, g->name, duration_words(d,
				    sizeof(d), k->now - newest));
			else
				add(k, ri, -1, key, "%d (%s) has no backup",
				    g->vmid, g->name);
		}
		break;
	case AK_REPLICATION_FAILING:
		for (int i = 0; i < k->nrepl; i++) {
			const struct repl *p = &k->repl[i];
			char id[16];

			snprintf(id, sizeof(id), "%d", p->guest);
			if ((double)p->fail_count < r->threshold ||
			    !in_list(r->m_node, p->node) ||
			    !in_list(r->m_vmid, id))
				continue;
			snprintf(key, sizeof(key), "replication/%s", p->id);
			add(k, ri, (double)p->fail_count, key, "replication "
			    "job %s on %s failed %lld times%s%s", p->id,
			    p->node, p->fail_count, p->error[0] ? ": " : "",
			    p->error);
		}
		break;
	case AK_CERT_EXPIRING:
		for (int i = 0; i < k->ncerts; i++) {
			const struct cert *p = &k->certs[i];
			long long left = p->notafter - k->now;

			if (left > (long long)r->threshold ||
			    !in_list(r->m_node, p->node))
				continue;
			snprintf(key, sizeof(key), "cert/%s/%.100s", p->node,
			    p->file);
			add(k, ri, (double)left, key, "certificate %s of %s %s "
			    "%s", p->file, p->node, left < 0 ? "expired" :
			    "expires in", left < 0 ? "" : duration_words(d,
			    sizeof(d), left));
		}
		break;
	case AK_QUORUM_LOST:
		if (k->quorate == 0)
			add(k, ri, 0, "cluster", "the cluster has lost quorum");
		break;
	default:
		break;
	}
}

int
alert_collect(struct px_client *c, const struct alert_rule *r, int n,
    long long now, struct alert_finding **out, int *nf, int *ok,
    struct px_err *why, struct px_err *e)
{
	struct collect k = { 0 };
	int judged = 0, any = 0;

	k.c = c;
	k.now = now;
	k.quorate = -1;
	px_err_clear(why);
	for (int i = 0; i < n; i++) {
		int need[S_N] = { 0 };

		source_of(r[i].kind, need);
		for (int s = 0; s < S_N; s++)
			k.s[s].need |= need[s];
	}
	/* in order: repl and certs need the nodes, backups the storages */
	for (int s = 0; s < S_N; s++)
		fetch(&k, s);
	for (int i = 0; i < n; i++) {
		int f = failed_for(&k, r[i].kind);

		any = 1;
		ok[i] = !f;
		if (f) {
			if (why->id == PXE_OK)
				*why = k.s[f - 1].err;
			continue;
		}
		judged++;
		judge(&k, &r[i], i);
	}
	free(k.nodes);
	free(k.guests);
	free(k.storages);
	free(k.tasks);
	free(k.repl);
	free(k.certs);
	free(k.newest);
	*out = k.f;
	*nf = k.nf;
	if (any && judged == 0) {
		*e = *why;
		return -1;
	}
	return 0;
}
