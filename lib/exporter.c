/*
 * exporter.c -- one scrape: collect the cluster in two parallel rounds
 * of GETs and render it in the Prometheus text format 0.0.4.  The HTTP
 * server is exporter_http.c.
 *
 * Names: what prometheus-pve-exporter exports keeps its name, its `id`
 * label ("qemu/100", "node/pve1", "storage/pve1/local") and its
 * meaning, so dashboards built for it (Grafana 10347) work unchanged;
 * what px adds is named px_*.  Labels that describe a resource (name,
 * node, pool, tags ...) sit on the *_info metrics only and are joined
 * on id: a renamed guest or a changed tag then changes one series, not
 * twenty.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "enc.h"
#include "exporter.h"
#include "pve.h"
#include "pve_cluster.h"
#include "pve_fanout.h"
#include "pve_node.h"

/* The newest backup of a guest. */
struct newest {
	int vmid;
	long long ctime;
	char storage[64];
};

/* Failed tasks of one type on one node. */
struct failcount {
	char node[64];
	char type[64];
	int n;
};

/* A node's own status (GET /nodes/{node}/status). */
struct nodestat {
	char node[64];
	struct pve_node_status st;
};

/* A replication job with the node that listed it. */
struct repl {
	struct pve_repl r;
	char node[64];
};

struct scrape {
	long long now;
	struct pve_guest *g;
	int ng, gcap;
	struct pve_guest **byvmid;	/* g sorted by vmid */
	struct pve_node *nodes;
	int nnodes;
	struct pve_storage *st;
	int nst;
	struct pve_cluster_member *cm;
	int ncm;
	struct pve_ha_status *ha;
	int nha;
	struct pve_version ver;
	int have_ver;
	struct nodestat *ns;
	int nns;
	struct repl *repl;
	int nrepl;
	struct failcount *fc;
	int nfc;
	int tasks_capped;	/* a node listed the limit: a lower bound */
	struct newest *bk;
	int nbk;
	int bk_complete;	/* every backup storage answered */
	int requests, failed;
	long dropped;
	struct px_err first;	/* the first failure */
};

#define TASK_LIMIT	1000

/* ---- collecting ---- */

static void
failed(struct scrape *s, const struct px_err *e, const char *what)
{
	s->failed++;
	if (s->first.id == PXE_OK) {
		s->first = *e;
		px_wrap(&s->first, "%s", what);
	}
}

static int
guest_add(void *arg, const struct pve_guest *g)
{
	struct scrape *s = arg;

	if (s->ng == s->gcap) {
		s->gcap = s->gcap ? s->gcap * 2 : 256;
		s->g = px_xrealloc(s->g, (size_t)s->gcap * sizeof(*s->g));
	}
	s->g[s->ng++] = *g;
	return 0;
}

static int
byvmid_cmp(const void *a, const void *b)
{
	const struct pve_guest *x = *(const struct pve_guest *const *)a;
	const struct pve_guest *y = *(const struct pve_guest *const *)b;

	return (x->vmid > y->vmid) - (x->vmid < y->vmid);
}

static const struct pve_guest *
guest_of(const struct scrape *s, int vmid)
{
	size_t lo = 0, hi = (size_t)s->ng;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->byvmid[mid]->vmid == vmid)
			return s->byvmid[mid];
		if (s->byvmid[mid]->vmid < vmid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct newest *
newest_of(struct scrape *s, int vmid)
{
	size_t lo = 0, hi = (size_t)s->nbk;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->bk[mid].vmid == vmid)
			return &s->bk[mid];
		if (s->bk[mid].vmid < vmid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Round one: the cluster-wide lists. */
enum { R_GUESTS, R_NODES, R_STORAGE, R_STATUS, R_HA, R_VERSION, R_N };

static void
round_one(struct px_client *c, struct scrape *s)
{
	static const char *const path[R_N] = {
		"/cluster/resources?type=vm", "/cluster/resources?type=node",
		"/cluster/resources?type=storage", "/cluster/status",
		"/cluster/ha/status/current", "/version"
	};
	struct px_call k[R_N];
	struct px_reply r;
	struct px_err e;

	memset(k, 0, sizeof(k));
	for (int i = 0; i < R_N; i++)
		px_call_init(&k[i], c, "GET", NULL, "%s", path[i]);
	pve_calls_run(k, R_N);
	s->requests += R_N;
	for (int i = 0; i < R_N; i++) {
		int rc;

		if (i == R_GUESTS) {
			rc = k[i].rc != 0 ? (e = k[i].err, -1) :
			    pve_guests_each_call(&k[i], NULL, NULL, guest_add,
			    s, &e);
			if (rc != 0)
				s->ng = 0;	/* drop what came before */
			if (rc != 0)
				failed(s, &e, "GET /cluster/resources?type=vm");
			continue;
		}
		if (pve_call_reply(&k[i], &r, &e) != 0) {
			failed(s, &e, path[i]);
			continue;
		}
		switch (i) {
		case R_NODES:
			rc = pve_nodes_parse(&r.j, r.data, &s->nodes,
			    &s->nnodes, &e);
			break;
		case R_STORAGE:
			rc = pve_storages_parse(&r.j, r.data, &s->st, &s->nst,
			    &e);
			break;
		case R_STATUS:
			rc = pve_cluster_status_parse(&r.j, r.data, &s->cm,
			    &s->ncm, &e);
			break;
		case R_HA:
			rc = pve_ha_status_parse(&r.j, r.data, &s->ha, &s->nha,
			    &e);
			break;
		default:
			rc = pve_version_parse(&r.j, r.data, &s->ver, &e);
			s->have_ver = rc == 0;
			break;
		}
		if (rc != 0)
			failed(s, &e, path[i]);
		px_reply_free(&r);
	}
	for (int i = 0; i < R_N; i++)
		px_call_free(&k[i]);
	s->byvmid = px_xcalloc((size_t)s->ng + 1, sizeof(*s->byvmid));
	for (int i = 0; i < s->ng; i++)
		s->byvmid[i] = &s->g[i];
	qsort(s->byvmid, (size_t)s->ng, sizeof(*s->byvmid), byvmid_cmp);
}

/* The nodes to ask in round two: online per /cluster/resources, else
 * per /cluster/status when the former did not answer. */
static int
node_online(const struct scrape *s, int i, const char **name)
{
	if (s->nodes) {
		*name = s->nodes[i].name;
		return s->nodes[i].online;
	}
	*name = s->cm[i].name;
	return strcmp(s->cm[i].type, "node") == 0 && s->cm[i].online;
}

static void
count_failed(struct scrape *s, const char *node, const struct pve_task *t,
    int n)
{
	for (int i = 0; i < n; i++) {
		int z;

		long long end = t[i].endtime ? t[i].endtime : t[i].starttime;

		/* asked since a day back, so that a long task that ended
		 * in the last hour counts; a warning is no failure */
		if (t[i].running || t[i].ok || strcmp(t[i].status, "OK") == 0 ||
		    strncmp(t[i].status, "WARNINGS", 8) == 0 ||
		    end < s->now - 3600)
			continue;
		for (z = 0; z < s->nfc; z++)
			if (!strcmp(s->fc[z].node, node) &&
			    !strcmp(s->fc[z].type, t[i].type))
				break;
		if (z == s->nfc) {
			s->fc = px_xrealloc(s->fc, (size_t)(s->nfc + 1) *
			    sizeof(*s->fc));
			memset(&s->fc[z], 0, sizeof(s->fc[z]));
			snprintf(s->fc[z].node, sizeof(s->fc[z].node), "%s",
			    node);
			snprintf(s->fc[z].type, sizeof(s->fc[z].type), "%s",
			    t[i].type);
			s->nfc++;
		}
		s->fc[z].n++;
	}
}

static int
newest_cmp(const void *a, const void *b)
{
	const struct newest *x = a, *y = b;

	return (x->vmid > y->vmid) - (x->vmid < y->vmid);
}

static void
backups_add(struct scrape *s, const char *storage, const struct pve_volume *v,
    int n, int *cap)
{
	for (int i = 0; i < n; i++) {
		struct newest *w = NULL;

		if (v[i].vmid <= 0 || guest_of(s, v[i].vmid) == NULL)
			continue;
		/* s->bk is kept unsorted while filling: a linear probe of
		 * the last one found is cheap since a listing is grouped
		 * by guest; otherwise append and merge later. */
		if (s->nbk > 0 && s->bk[s->nbk - 1].vmid == v[i].vmid)
			w = &s->bk[s->nbk - 1];
		if (w == NULL) {
			if (s->nbk == *cap) {
				*cap = *cap ? *cap * 2 : 256;
				s->bk = px_xrealloc(s->bk, (size_t)*cap *
				    sizeof(*s->bk));
			}
			w = &s->bk[s->nbk++];
			memset(w, 0, sizeof(*w));
			w->vmid = v[i].vmid;
		}
		if (v[i].ctime >= w->ctime) {
			w->ctime = v[i].ctime;
			snprintf(w->storage, sizeof(w->storage), "%s",
			    storage);
		}
	}
}

/* Sort s->bk by vmid and keep the newest entry of each. */
static void
backups_merge(struct scrape *s)
{
	int w = 0;

	qsort(s->bk, (size_t)s->nbk, sizeof(*s->bk), newest_cmp);
	for (int i = 0; i < s->nbk; i++) {
		if (w > 0 && s->bk[w - 1].vmid == s->bk[i].vmid) {
			if (s->bk[i].ctime > s->bk[w - 1].ctime)
				s->bk[w - 1] = s->bk[i];
			continue;
		}
		s->bk[w++] = s->bk[i];
	}
	s->nbk = w;
}

/* Round two: per online node its status, failed tasks and replication;
 * per storage that holds backups (a shared one once) its backups. */
static void
round_two(struct px_client *c, struct scrape *s)
{
	int nn = s->nodes ? s->nnodes : s->ncm;
	int nk = 3 * nn + s->nst, bkcap = 0;
	struct px_call *k = px_xcalloc((size_t)nk + 1, sizeof(*k));
	struct buf p = { 0 };
	struct px_reply r;
	struct px_err e;

	for (int i = 0; i < nn; i++) {
		const char *name;

		if (!node_online(s, i, &name) || !pve_valid_node(name))
			continue;
		buf_reset(&p);
		buf_adds(&p, "/nodes/");
		url_seg(&p, name);
		px_call_init(&k[3 * i], c, "GET", NULL, "%s/status",
		    buf_str(&p));
		px_call_init(&k[3 * i + 1], c, "GET", NULL,
		    "%s/tasks?errors=1&since=%lld&limit=%d", buf_str(&p),
		    s->now - 86400, TASK_LIMIT);
		px_call_init(&k[3 * i + 2], c, "GET", NULL, "%s/replication",
		    buf_str(&p));
	}
	for (int i = 0; i < s->nst; i++) {
		const struct pve_storage *t = &s->st[i];
		int dup = 0;

		if (!pve_list_has(t->content, "backup") ||
		    strcmp(t->status, "available") != 0)
			continue;
		for (int q = 0; q < i && t->shared; q++)
			dup |= k[3 * nn + q].method != NULL &&
			    strcmp(s->st[q].storage, t->storage) == 0;
		if (dup)
			continue;
		buf_reset(&p);
		buf_adds(&p, "/nodes/");
		url_seg(&p, t->node);
		buf_adds(&p, "/storage/");
		url_seg(&p, t->storage);
		buf_adds(&p, "/content?content=backup");
		px_call_init(&k[3 * nn + i], c, "GET", NULL, "%s",
		    buf_str(&p));
	}
	buf_free(&p);
	for (int i = 0; i < nk; i++)
		s->requests += k[i].method != NULL;
	pve_calls_run(k, nk);

	s->ns = px_xcalloc((size_t)nn + 1, sizeof(*s->ns));
	s->bk_complete = 1;
	for (int i = 0; i < nk; i++) {
		char what[256];
		const char *name = NULL;

		if (k[i].method == NULL)
			continue;
		if (i < 3 * nn)
			node_online(s, i / 3, &name);
		snprintf(what, sizeof(what), "GET %s", k[i].path);
		if (pve_call_reply(&k[i], &r, &e) != 0) {
			failed(s, &e, what);
			if (i >= 3 * nn)
				s->bk_complete = 0;
			continue;
		}
		if (i < 3 * nn && i % 3 == 0) {
			struct nodestat *x = &s->ns[s->nns];

			if (pve_node_status_parse(&r.j, r.data, &x->st,
			    &e) == 0) {
				snprintf(x->node, sizeof(x->node), "%s", name);
				s->nns++;
			} else
				failed(s, &e, what);
		} else if (i < 3 * nn && i % 3 == 1) {
			struct pve_task *t;
			int nt;

			if (pve_tasks_parse(&r.j, r.data, &t, &nt, &e) == 0) {
				count_failed(s, name, t, nt);
				s->tasks_capped |= nt >= TASK_LIMIT;
				free(t);
			} else
				failed(s, &e, what);
		} else if (i < 3 * nn) {
			struct pve_repl *v;
			int nv;

			if (pve_repl_parse(&r.j, r.data, &v, &nv, &e) == 0) {
				s->repl = px_xrealloc(s->repl, (size_t)
				    (s->nrepl + nv + 1) * sizeof(*s->repl));
				for (int q = 0; q < nv; q++) {
					struct repl *x = &s->repl[s->nrepl++];

					x->r = v[q];
					snprintf(x->node, sizeof(x->node),
					    "%s", name);
				}
				free(v);
			} else
				failed(s, &e, what);
		} else {
			const struct pve_storage *t = &s->st[i - 3 * nn];
			struct pve_volume *v;
			int nv;

			if (pve_volumes_parse(&r.j, r.data, t->node,
			    t->storage, &v, &nv, &e) == 0) {
				backups_add(s, t->storage, v, nv, &bkcap);
				free(v);
			} else {
				failed(s, &e, what);
				s->bk_complete = 0;
			}
		}
		px_reply_free(&r);
	}
	backups_merge(s);
	for (int i = 0; i < nk; i++)
		if (k[i].method != NULL)
			px_call_free(&k[i]);
	free(k);
}

static void
scrape_free(struct scrape *s)
{
	free(s->g);
	free(s->byvmid);
	free(s->nodes);
	free(s->st);
	free(s->cm);
	free(s->ha);
	free(s->ns);
	free(s->repl);
	free(s->fc);
	free(s->bk);
	memset(s, 0, sizeof(*s));
}

/* ---- rendering ---- */

void
exporter_label_value(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = 1, need = 0;
		unsigned cp;

		if (*p == '\\' || *p == '"') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p++);
			continue;
		}
		if (*p == '\n') {
			buf_adds(b, "\\n");
			p++;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			buf_addc(b, '?');
			p++;
			continue;
		}
		if (*p < 0x80) {
			buf_addc(b, (char)*p++);
			continue;
		}
		/* well-formed UTF-8 only: no overlong form, no surrogate,
		 * nothing beyond U+10FFFF, no C1 control */
		if (*p >= 0xc2 && *p <= 0xdf)
			need = 1, cp = *p & 0x1f;
		else if (*p >= 0xe0 && *p <= 0xef)
			need = 2, cp = *p & 0x0f;
		else if (*p >= 0xf0 && *p <= 0xf4)
			need = 3, cp = *p & 0x07;
		else
			cp = 0;
		for (; n <= need; n++) {
			if ((p[n] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[n] & 0x3f);
		}
		if (need == 0 || n != need + 1) {
			buf_addc(b, '?');
			p++;
			continue;
		}
		if ((need == 2 && cp < 0x800) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f)) {
			buf_addc(b, '?');
			p += n;
			continue;
		}
		buf_add(b, p, n);
		p += n;
	}
}

/* A sample being written: name{k="v",...} value */
struct sample {
	struct buf *b;
	int nlabels;
};

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static struct sample
sample(struct buf *b, const char *name)
{
	struct sample m = { b, 0 };

	buf_adds(b, name);
	return m;
}

static void
label(struct sample *m, const char *k, const char *v)
{
	buf_addc(m->b, m->nlabels++ ? ',' : '{');
	buf_adds(m->b, k);
	buf_adds(m->b, "=\"");
	exporter_label_value(m->b, v);
	buf_addc(m->b, '"');
}

static void
labelf(struct sample *m, const char *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
labelf(struct sample *m, const char *k, const char *fmt, ...)
{
	char v[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	label(m, k, v);
}

static void
value(struct sample *m, double v)
{
	if (m->nlabels)
		buf_addc(m->b, '}');
	if (isnan(v))
		buf_adds(m->b, " NaN\n");
	else if (isinf(v))
		buf_adds(m->b, v > 0 ? " +Inf\n" : " -Inf\n");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		buf_printf(m->b, " %.0f\n", v);
	else
		buf_printf(m->b, " %.15g\n", v);
}

static void
value_u64(struct sample *m, uint64_t v)
{
	if (m->nlabels)
		buf_addc(m->b, '}');
	buf_printf(m->b, " %llu\n", (unsigned long long)v);
}

/* One sample with the single label id. */
static void
by_id(struct buf *b, const char *name, const char *id, double v)
{
	struct sample m = sample(b, name);

	label(&m, "id", id);
	value(&m, v);
}

static void
by_id_u64(struct buf *b, const char *name, const char *id, uint64_t v)
{
	struct sample m = sample(b, name);

	label(&m, "id", id);
	value_u64(&m, v);
}

static void
guest_id(char *id, size_t n, const struct pve_guest *g)
{
	snprintf(id, n, "%s/%d", g->type, g->vmid);
}

static void
node_id(char *id, size_t n, const char *node)
{
	snprintf(id, n, "node/%s", node);
}

static void
storage_id(char *id, size_t n, const struct pve_storage *t)
{
	snprintf(id, n, "storage/%s/%s", t->node, t->storage);
}

/* A value of every node (from /cluster/resources) and every guest. */
enum gfield { F_CPU, F_MAXCPU, F_MEM, F_MAXMEM, F_DISK, F_MAXDISK,
	F_UPTIME, F_NETIN, F_NETOUT, F_DISKREAD, F_DISKWRITE };

static double
node_field(const struct pve_node *n, enum gfield f)
{
	switch (f) {
	case F_CPU: return n->cpu;
	case F_MAXCPU: return n->maxcpu;
	case F_MEM: return (double)n->mem;
	case F_MAXMEM: return (double)n->maxmem;
	case F_DISK: return (double)n->disk;
	case F_MAXDISK: return (double)n->maxdisk;
	case F_UPTIME: return (double)n->uptime;
	default: return 0;
	}
}

static uint64_t
guest_field(const struct pve_guest *g, enum gfield f)
{
	switch (f) {
	case F_MEM: return g->mem;
	case F_MAXMEM: return g->maxmem;
	case F_DISK: return g->disk;
	case F_MAXDISK: return g->maxdisk;
	case F_UPTIME: return (uint64_t)(g->uptime > 0 ? g->uptime : 0);
	case F_NETIN: return g->netin;
	case F_NETOUT: return g->netout;
	case F_DISKREAD: return g->diskread;
	case F_DISKWRITE: return g->diskwrite;
	default: return 0;
	}
}

static void
per_resource(struct buf *b, const struct scrape *s, const char *name,
    const char *type, const char *help, enum gfield f, int nodes,
    int storage)
{
	char id[160];

	family(b, name, type, help);
	for (int i = 0; nodes && i < s->nnodes; i++) {
		/* an offline node's figures are stale: PVE sends 0 */
		if (!s->nodes[i].online && f != F_MAXCPU && f != F_MAXMEM &&
		    f != F_MAXDISK)
			continue;
		node_id(id, sizeof(id), s->nodes[i].name);
		by_id(b, name, id, node_field(&s->nodes[i], f));
	}
	for (int i = 0; i < s->ng; i++) {
		const struct pve_guest *g = &s->g[i];

		guest_id(id, sizeof(id), g);
		if (f == F_CPU)
			by_id(b, name, id, g->cpu);
		else if (f == F_MAXCPU)
			by_id(b, name, id, g->maxcpu);
		else
			by_id_u64(b, name, id, guest_field(g, f));
	}
	for (int i = 0; storage && i < s->nst; i++) {
		storage_id(id, sizeof(id), &s->st[i]);
		by_id_u64(b, name, id, f == F_DISK ? s->st[i].disk :
		    s->st[i].maxdisk);
	}
}

static void
render_up(struct buf *b, const struct scrape *s)
{
	char id[160];

	family(b, "pve_up", "gauge", "Node/VM/CT-Status is online/running");
	for (int i = 0; i < s->ncm; i++)
		if (strcmp(s->cm[i].type, "cluster") == 0) {
			snprintf(id, sizeof(id), "cluster/%s", s->cm[i].name);
			by_id(b, "pve_up", id, s->cm[i].quorate > 0);
		}
	for (int i = 0; i < s->nnodes; i++) {
		node_id(id, sizeof(id), s->nodes[i].name);
		by_id(b, "pve_up", id, s->nodes[i].online);
	}
	if (s->nodes == NULL)
		for (int i = 0; i < s->ncm; i++)
			if (strcmp(s->cm[i].type, "node") == 0) {
				node_id(id, sizeof(id), s->cm[i].name);
				by_id(b, "pve_up", id, s->cm[i].online);
			}
	for (int i = 0; i < s->ng; i++) {
		guest_id(id, sizeof(id), &s->g[i]);
		by_id(b, "pve_up", id, strcmp(s->g[i].status, "running") == 0);
	}
	for (int i = 0; i < s->nst; i++) {
		storage_id(id, sizeof(id), &s->st[i]);
		by_id(b, "pve_up", id,
		    strcmp(s->st[i].status, "available") == 0);
	}
}

/* The states of a state set: every one once, 1 for the current one; a
 * current state not in the list is added. */
static void
state_set(struct buf *b, const char *name, const char *id,
    const char *const *states, const char *cur)
{
	int seen = 0;

	for (int i = 0; states[i]; i++) {
		struct sample m = sample(b, name);

		label(&m, "id", id);
		label(&m, "state", states[i]);
		value(&m, strcmp(states[i], cur) == 0);
		seen |= strcmp(states[i], cur) == 0;
	}
	if (!seen) {
		struct sample m = sample(b, name);

		label(&m, "id", id);
		label(&m, "state", cur);
		value(&m, 1);
	}
}

static void
render_states(struct buf *b, const struct scrape *s)
{
	static const char *const ha[] = { "stopped", "request_stop",
	    "request_start", "request_start_balance", "started", "fence",
	    "recovery", "migrate", "relocate", "freeze", "error", NULL };
	static const char *const lock[] = { "backup", "clone", "create",
	    "migrate", "rollback", "snapshot", "snapshot-delete",
	    "suspended", "suspending", NULL };
	char id[160];

	family(b, "pve_ha_state", "gauge",
	    "HA service status (for HA managed VMs).");
	for (int i = 0; i < s->ng; i++)
		if (s->g[i].hastate[0]) {
			guest_id(id, sizeof(id), &s->g[i]);
			state_set(b, "pve_ha_state", id, ha, s->g[i].hastate);
		}
	family(b, "pve_lock_state", "gauge",
	    "The guest's current config lock (for types 'qemu' and 'lxc')");
	for (int i = 0; i < s->ng; i++)
		if (s->g[i].lock[0]) {
			guest_id(id, sizeof(id), &s->g[i]);
			state_set(b, "pve_lock_state", id, lock, s->g[i].lock);
		}
}

static void
render_info(struct buf *b, const struct scrape *s)
{
	char id[160];

	family(b, "pve_guest_info", "gauge", "VM/CT info");
	for (int i = 0; i < s->ng; i++) {
		const struct pve_guest *g = &s->g[i];
		struct sample m = sample(b, "pve_guest_info");

		guest_id(id, sizeof(id), g);
		label(&m, "id", id);
		label(&m, "node", g->node);
		label(&m, "name", g->name);
		label(&m, "type", g->type);
		labelf(&m, "template", "%d", g->template);
		label(&m, "tags", g->tags);
		labelf(&m, "vmid", "%d", g->vmid);
		label(&m, "pool", g->pool);
		value(&m, 1);
	}
	family(b, "pve_storage_info", "gauge", "Storage info");
	for (int i = 0; i < s->nst; i++) {
		const struct pve_storage *t = &s->st[i];
		struct sample m = sample(b, "pve_storage_info");

		storage_id(id, sizeof(id), t);
		label(&m, "id", id);
		label(&m, "node", t->node);
		label(&m, "storage", t->storage);
		label(&m, "plugintype", t->plugintype);
		label(&m, "content", t->content);
		value(&m, 1);
	}
	family(b, "pve_node_info", "gauge", "Node info");
	for (int i = 0; i < s->ncm; i++) {
		const struct pve_cluster_member *n = &s->cm[i];
		struct sample m;

		if (strcmp(n->type, "node") != 0)
			continue;
		m = sample(b, "pve_node_info");
		node_id(id, sizeof(id), n->name);
		label(&m, "id", id);
		label(&m, "level", n->level);
		label(&m, "name", n->name);
		labelf(&m, "nodeid", "%d", n->nodeid);
		value(&m, 1);
	}
	family(b, "pve_cluster_info", "gauge", "Cluster info");
	for (int i = 0; i < s->ncm; i++) {
		const struct pve_cluster_member *n = &s->cm[i];
		struct sample m;

		if (strcmp(n->type, "cluster") != 0)
			continue;
		m = sample(b, "pve_cluster_info");
		labelf(&m, "id", "cluster/%s", n->name);
		labelf(&m, "nodes", "%d", n->nodes);
		labelf(&m, "quorate", "%d", n->quorate > 0);
		labelf(&m, "version", "%d", n->version);
		value(&m, 1);
	}
	family(b, "pve_version_info", "gauge", "Proxmox VE version info");
	if (s->have_ver) {
		struct sample m = sample(b, "pve_version_info");

		label(&m, "release", s->ver.release);
		label(&m, "repoid", s->ver.repoid);
		label(&m, "version", s->ver.version);
		value(&m, 1);
	}
}

static void
render_replication(struct buf *b, const struct scrape *s)
{
	static const struct {
		const char *name, *help;
	} f[] = {
		{ "pve_replication_duration_seconds",
		    "Proxmox vm replication duration" },
		{ "pve_replication_last_sync_timestamp_seconds",
		    "Proxmox vm replication last_sync" },
		{ "pve_replication_last_try_timestamp_seconds",
		    "Proxmox vm replication last_try" },
		{ "pve_replication_next_sync_timestamp_seconds",
		    "Proxmox vm replication next_sync" },
		{ "pve_replication_failed_syncs",
		    "Proxmox vm replication fail_count" },
	};

	family(b, "pve_replication_info", "gauge",
	    "Proxmox vm replication info");
	for (int i = 0; i < s->nrepl; i++) {
		const struct pve_repl *r = &s->repl[i].r;
		const struct pve_guest *g = guest_of(s, r->guest);
		struct sample m = sample(b, "pve_replication_info");

		label(&m, "id", r->id);
		label(&m, "type", r->type);
		labelf(&m, "source", "node/%s", r->source[0] ? r->source :
		    s->repl[i].node);
		labelf(&m, "target", "node/%s", r->target);
		labelf(&m, "guest", "%s/%d", g ? g->type : "qemu", r->guest);
		value(&m, 1);
	}
	for (size_t q = 0; q < sizeof(f) / sizeof(f[0]); q++) {
		family(b, f[q].name, "gauge", f[q].help);
		for (int i = 0; i < s->nrepl; i++) {
			const struct pve_repl *r = &s->repl[i].r;
			double v = q == 0 ? r->duration : q == 1 ?
			    (double)r->last_sync : q == 2 ?
			    (double)r->last_try : q == 3 ?
			    (double)r->next_sync : r->fail_count;

			by_id(b, f[q].name, r->id, v);
		}
	}
	family(b, "px_replication_error", "gauge",
	    "1 while the replication job's last run failed (its state or "
	    "error says so)");
	for (int i = 0; i < s->nrepl; i++) {
		const struct pve_repl *r = &s->repl[i].r;

		by_id(b, "px_replication_error", r->id, r->error[0] != '\0' ||
		    r->fail_count > 0 || strcmp(r->state, "error") == 0);
	}
}

/* "pve1 (active, Tue ...)" -> "active"; "" when it says nothing. */
static void
lrm_state(const char *status, char *out, size_t n)
{
	const char *p = strchr(status, '(');
	size_t k = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	for (p++; *p && *p != ',' && *p != ')' && k + 1 < n; p++)
		out[k++] = *p;
	out[k] = '\0';
}

static void
render_px(struct buf *b, const struct scrape *s)
{
	char id[160];

	family(b, "px_node_load1", "gauge", "1-minute load average of the "
	    "node (GET /nodes/{node}/status)");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id(b, "px_node_load1", id, s->ns[i].st.loadavg[0]);
	}
	family(b, "px_node_load5", "gauge", "5-minute load average");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id(b, "px_node_load5", id, s->ns[i].st.loadavg[1]);
	}
	family(b, "px_node_load15", "gauge", "15-minute load average");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id(b, "px_node_load15", id, s->ns[i].st.loadavg[2]);
	}
	family(b, "px_node_rootfs_size_bytes", "gauge",
	    "Size of the node's root file system");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id_u64(b, "px_node_rootfs_size_bytes", id,
		    s->ns[i].st.root_total);
	}
	family(b, "px_node_rootfs_used_bytes", "gauge",
	    "Used bytes of the node's root file system");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id_u64(b, "px_node_rootfs_used_bytes", id,
		    s->ns[i].st.root_used);
	}
	family(b, "px_node_rootfs_avail_bytes", "gauge",
	    "Bytes of the node's root file system free for unprivileged "
	    "use");
	for (int i = 0; i < s->nns; i++) {
		node_id(id, sizeof(id), s->ns[i].node);
		by_id_u64(b, "px_node_rootfs_avail_bytes", id,
		    s->ns[i].st.root_avail);
	}

	family(b, "px_guest_status", "gauge",
	    "1 for the guest's status as /cluster/resources says it "
	    "(running, stopped, paused, ...)");
	for (int i = 0; i < s->ng; i++) {
		struct sample m = sample(b, "px_guest_status");

		guest_id(id, sizeof(id), &s->g[i]);
		label(&m, "id", id);
		label(&m, "status", s->g[i].status[0] ? s->g[i].status :
		    "unknown");
		value(&m, 1);
	}

	family(b, "px_tasks_failed_last_hour", "gauge",
	    "Tasks that ended in error in the last hour, per node and task "
	    "type (nodes with none have no series)");
	for (int i = 0; i < s->nfc; i++) {
		struct sample m = sample(b, "px_tasks_failed_last_hour");

		label(&m, "node", s->fc[i].node);
		label(&m, "type", s->fc[i].type);
		value(&m, s->fc[i].n);
	}

	family(b, "px_backup_newest_timestamp_seconds", "gauge",
	    "When the guest's newest backup (vzdump, any storage) was made");
	for (int i = 0; i < s->nbk; i++) {
		const struct pve_guest *g = guest_of(s, s->bk[i].vmid);
		struct sample m = sample(b,
		    "px_backup_newest_timestamp_seconds");

		guest_id(id, sizeof(id), g);
		label(&m, "id", id);
		label(&m, "storage", s->bk[i].storage);
		value(&m, (double)s->bk[i].ctime);
	}
	family(b, "px_backup_newest_age_seconds", "gauge",
	    "Age of the guest's newest backup; +Inf for a guest (not a "
	    "template) with none, when every backup storage answered");
	for (int i = 0; i < s->ng; i++) {
		const struct pve_guest *g = s->byvmid[i];
		const struct newest *w = newest_of((struct scrape *)s,
		    g->vmid);

		if (w == NULL && (!s->bk_complete || g->template))
			continue;
		guest_id(id, sizeof(id), g);
		by_id(b, "px_backup_newest_age_seconds", id, w == NULL ?
		    INFINITY : (double)(s->now - w->ctime));
	}

	family(b, "px_ha_quorate", "gauge",
	    "1 when the HA manager's quorum is OK");
	for (int i = 0; i < s->nha; i++)
		if (strcmp(s->ha[i].type, "quorum") == 0) {
			struct sample m = sample(b, "px_ha_quorate");

			value(&m, s->ha[i].quorate > 0);
		}
	family(b, "px_ha_master", "gauge",
	    "1 for the node the HA cluster resource manager is master on");
	for (int i = 0; i < s->nha; i++)
		if (strcmp(s->ha[i].type, "master") == 0 && s->ha[i].node[0]) {
			node_id(id, sizeof(id), s->ha[i].node);
			by_id(b, "px_ha_master", id, 1);
		}
	family(b, "px_ha_lrm_state", "gauge",
	    "1 for the state of a node's HA local resource manager (active, "
	    "idle, wait_for_agent_lock, maintenance, ...)");
	for (int i = 0; i < s->nha; i++)
		if (strcmp(s->ha[i].type, "lrm") == 0 && s->ha[i].node[0]) {
			char st[64];
			struct sample m = sample(b, "px_ha_lrm_state");

			lrm_state(s->ha[i].status, st, sizeof(st));
			node_id(id, sizeof(id), s->ha[i].node);
			label(&m, "id", id);
			label(&m, "state", st[0] ? st : "unknown");
			value(&m, 1);
		}
	family(b, "px_ha_service_state", "gauge",
	    "1 for an HA service's state as the cluster resource manager "
	    "sees it (GET /cluster/ha/status/current)");
	for (int i = 0; i < s->nha; i++)
		if (strcmp(s->ha[i].type, "service") == 0 && s->ha[i].sid[0]) {
			struct sample m = sample(b, "px_ha_service_state");

			label(&m, "sid", s->ha[i].sid);
			label(&m, "node", s->ha[i].node);
			label(&m, "state", s->ha[i].state[0] ? s->ha[i].state :
			    "unknown");
			value(&m, 1);
		}
}

static void
render(struct buf *b, const struct scrape *s, double secs)
{
	struct sample m;

	render_up(b, s);
	per_resource(b, s, "pve_cpu_usage_ratio", "gauge",
	    "CPU utilization (for types 'node', 'qemu' and 'lxc').",
	    F_CPU, 1, 0);
	per_resource(b, s, "pve_cpu_usage_limit", "gauge",
	    "Number of available CPUs (for types 'node', 'qemu' and 'lxc').",
	    F_MAXCPU, 1, 0);
	per_resource(b, s, "pve_memory_usage_bytes", "gauge",
	    "Used memory in bytes (for types 'node', 'qemu' and 'lxc').",
	    F_MEM, 1, 0);
	per_resource(b, s, "pve_memory_size_bytes", "gauge",
	    "Number of available memory in bytes (for types 'node', 'qemu' "
	    "and 'lxc').", F_MAXMEM, 1, 0);
	per_resource(b, s, "pve_disk_usage_bytes", "gauge",
	    "Used disk space in bytes (for type 'storage'), used root image "
	    "space for VMs (for types 'qemu' and 'lxc'), the root file "
	    "system (for type 'node').", F_DISK, 1, 1);
	per_resource(b, s, "pve_disk_size_bytes", "gauge",
	    "Storage size in bytes (for type 'storage'), root image size for "
	    "VMs (for types 'qemu' and 'lxc'), the root file system (for "
	    "type 'node').", F_MAXDISK, 1, 1);
	per_resource(b, s, "pve_network_transmit_bytes", "gauge",
	    "Bytes the guest sent over the network since it was started. "
	    "DEPRECATED: use pve_network_transmit_bytes_total.", F_NETOUT,
	    0, 0);
	per_resource(b, s, "pve_network_receive_bytes", "gauge",
	    "Bytes the guest received over the network since it was "
	    "started. DEPRECATED: use pve_network_receive_bytes_total.",
	    F_NETIN, 0, 0);
	per_resource(b, s, "pve_disk_write_bytes", "gauge",
	    "Bytes the guest wrote to its block devices since it was "
	    "started. DEPRECATED: use pve_disk_written_bytes_total.",
	    F_DISKWRITE, 0, 0);
	per_resource(b, s, "pve_disk_read_bytes", "gauge",
	    "Bytes the guest read from its block devices since it was "
	    "started. DEPRECATED: use pve_disk_read_bytes_total.",
	    F_DISKREAD, 0, 0);
	per_resource(b, s, "pve_network_transmit_bytes_total", "counter",
	    "Bytes the guest sent over the network since it was started.",
	    F_NETOUT, 0, 0);
	per_resource(b, s, "pve_network_receive_bytes_total", "counter",
	    "Bytes the guest received over the network since it was "
	    "started.", F_NETIN, 0, 0);
	per_resource(b, s, "pve_disk_written_bytes_total", "counter",
	    "Bytes the guest wrote to its block devices since it was "
	    "started.", F_DISKWRITE, 0, 0);
	per_resource(b, s, "pve_disk_read_bytes_total", "counter",
	    "Bytes the guest read from its block devices since it was "
	    "started.", F_DISKREAD, 0, 0);
	per_resource(b, s, "pve_uptime_seconds", "gauge",
	    "Uptime of node or virtual guest in seconds (for types 'node', "
	    "'qemu' and 'lxc').", F_UPTIME, 1, 0);
	family(b, "pve_storage_shared", "gauge",
	    "Whether or not the storage is shared among cluster nodes");
	for (int i = 0; i < s->nst; i++) {
		char id[160];

		storage_id(id, sizeof(id), &s->st[i]);
		by_id(b, "pve_storage_shared", id, s->st[i].shared);
	}
	render_states(b, s);
	render_info(b, s);
	render_replication(b, s);
	render_px(b, s);

	family(b, "px_scrape_duration_seconds", "gauge",
	    "How long px took to collect these metrics");
	m = sample(b, "px_scrape_duration_seconds");
	value(&m, secs);
	family(b, "px_scrape_timestamp_seconds", "gauge",
	    "When these metrics were collected (they are cached a few "
	    "seconds)");
	m = sample(b, "px_scrape_timestamp_seconds");
	value(&m, (double)s->now);
	family(b, "px_scrape_requests", "gauge",
	    "API requests the scrape made");
	m = sample(b, "px_scrape_requests");
	value(&m, s->requests);
	family(b, "px_scrape_errors", "gauge",
	    "API requests of the scrape that failed (their metrics are "
	    "missing)");
	m = sample(b, "px_scrape_errors");
	value(&m, s->failed);
	family(b, "px_scrape_rows_dropped", "gauge",
	    "Rows of the API's answers px could not read and left out");
	m = sample(b, "px_scrape_rows_dropped");
	value(&m, (double)s->dropped);
	family(b, "px_scrape_tasks_truncated", "gauge",
	    "1 when a node listed as many failed tasks as px asks for "
	    "(px_tasks_failed_last_hour is then a lower bound)");
	m = sample(b, "px_scrape_tasks_truncated");
	value(&m, s->tasks_capped);
}

int
exporter_scrape(struct px_client *c, struct buf *out, struct px_err *e)
{
	struct scrape s;
	double t0 = px_mono();
	long d0 = px_drops();
	int failed;

	memset(&s, 0, sizeof(s));
	s.now = (long long)time(NULL);
	round_one(c, &s);
	if (s.nodes != NULL || s.cm != NULL || s.nst > 0)
		round_two(c, &s);
	s.dropped = px_drops() - d0;
	render(out, &s, px_mono() - t0);
	failed = s.failed;
	if (failed > 0 && failed == s.requests) {
		if (e)
			*e = s.first;
		scrape_free(&s);
		return -1;
	}
	if (failed > 0 && e)
		*e = s.first;
	scrape_free(&s);
	return failed;
}
