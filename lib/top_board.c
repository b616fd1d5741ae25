/*
 * top_board.c -- pxtop's boards: the backup board (B), the snapshot
 * tree (Z), the hardware of a node (W), the config grep (G) and the
 * heatmap (H): opening them, the answers they wait for, and what the
 * renderer asks of them.  Part of the reducer (top_impl.h): no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pve_cluster.h"
#include "pve_pci.h"
#include "top_impl.h"

int
top_holds_backups(const struct pve_storage *st)
{
	char c[sizeof(st->content) + 2];

	snprintf(c, sizeof(c), ",%s,", st->content);
	return strstr(c, ",backup,") != NULL;
}

int
top_grep_match(const struct top_state *s, const char *key, const char *value)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s: %s", key, value ? value : "");
	if (s->grep_is_re)
		return regexec(&s->grep_re, line, 0, NULL, 0) == 0;
	return s->grep[0] && strcasestr(line, s->grep) != NULL;
}

/* G: search the config of every guest for the typed text or /regex/
 * (extended, case-insensitive).  Rows arrive per guest. */
void
top_start_grep(struct top_state *s, const char *pat, struct top_effects *fx)
{
	size_t len = strlen(pat);
	int re = len >= 2 && pat[0] == '/' && pat[len - 1] == '/';
	regex_t rx;

	if (len == 0 || (re && len == 2)) {
		snprintf(s->status, sizeof(s->status), "nothing to search for");
		return;
	}
	if (re) {
		char r[64];

		snprintf(r, sizeof(r), "%.*s", (int)len - 2, pat + 1);
		if (regcomp(&rx, r, REG_EXTENDED | REG_ICASE | REG_NOSUB) !=
		    0) {
			snprintf(s->status, sizeof(s->status), "'%.60s' is not "
			    "an extended regular expression", r);
			return;		/* the last search stays */
		}
	}
	if (s->grep_is_re)
		regfree(&s->grep_re);
	s->grep_is_re = re;
	if (re)
		s->grep_re = rx;
	snprintf(s->grep, sizeof(s->grep), "%s", pat);
	free(s->gl);
	s->gl = NULL;
	s->ngl = 0;
	s->grep_failed = 0;
	s->cur[TOP_GREP] = s->top[TOP_GREP] = 0;
	if (s->view != TOP_GREP)
		s->back = s->view;
	s->view = TOP_GREP;
	top_grep_reads(s, fx);
}

/* The config of every guest, for the pattern of s; before pxtop's first
 * guest list came, when it comes (a search of no guest would say that
 * no config line matches). */
void
top_grep_reads(struct top_state *s, struct top_effects *fx)
{
	s->grep_pending = s->grep_asked = 0;
	s->grep_wait = top_first_list_due(s, TOP_F_GUESTS, s->nguests);
	if (s->grep_wait)
		return;
	s->grep_pending = s->grep_asked = s->nguests;
	for (int i = 0; i < s->nguests; i++)
		top_emit(fx, TE_GREPCFG)->g = s->guests[i];
}

/* Ask for the backup board's data: not-backed-up, and the backup content
 * of every available storage that holds backups (a shared one once). */
void
top_fetch_backups(struct top_state *s, struct top_effects *fx)
{
	top_fetch_pbs(s, fx);
	if (s->bk_pending > 0 || (s->loading & TOP_F_UNPROT))
		return;		/* the last round is still on its way */
	s->loading |= TOP_F_UNPROT;
	top_emit(fx, TE_UNPROTECTED);
	free(s->bk);
	s->bk = NULL;
	s->nbk = 0;
	s->bk_failed = 0;
	top_backup_reads(s, fx);
}

/* The backups of every storage that holds them (a shared one once);
 * before pxtop's first storage list came, when it comes (a board read
 * from no storage would show every guest without a backup). */
void
top_backup_reads(struct top_state *s, struct top_effects *fx)
{
	s->bk_wait = top_first_list_due(s, TOP_F_STORAGE, s->nstorages);
	if (s->bk_wait)
		return;
	for (int i = 0; i < s->nstorages; i++) {
		const struct pve_storage *st = &s->storages[i];
		struct top_effect *e;
		int dup = 0;

		if (!top_holds_backups(st) ||
		    strcmp(st->status, "available") != 0)
			continue;
		for (int k = 0; k < i && st->shared; k++)
			dup |= s->storages[k].shared && strcmp(s->storages[k]
			    .storage, st->storage) == 0 &&
			    top_holds_backups(&s->storages[k]) &&
			    strcmp(s->storages[k].status, "available") == 0;
		if (dup)
			continue;
		e = top_emit(fx, TE_BACKUPS);
		snprintf(e->g.node, sizeof(e->g.node), "%s", st->node);
		snprintf(e->arg, sizeof(e->arg), "%s", st->storage);
		s->bk_pending++;
	}
}

/* Z: the snapshot tree of the selected guest. */
void
top_open_snaptree(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = top_selected_guest(s);

	if (g == NULL) {
		snprintf(s->status, sizeof(s->status), "no guest selected: "
		    "pick one in the guest view (3), then Z");
		return;
	}
	if (g->vmid != s->tree_vmid) {
		free(s->tree);
		s->tree = NULL;
		s->ntree = 0;
	}
	s->tree_vmid = g->vmid;
	s->tree_guest = *g;
	s->tree_loading = 1;
	s->cur[TOP_SNAPTREE] = 0;
	top_emit(fx, TE_SNAPTREE)->g = *g;
	if (s->view != TOP_SNAPTREE)
		s->back = s->view;
	s->view = TOP_SNAPTREE;
}

/* W: the PCI and USB devices of the selected node (the node under the
 * cursor of the node view, the selected guest's, else the first) and
 * the passthrough entries of the QEMU guests on it. */
void
top_open_hw(struct top_state *s, struct top_effects *fx)
{
	const struct pve_guest *g = top_selected_guest(s);
	const char *node = NULL;

	if (s->view == TOP_NODES && s->nvnodes > 0)
		node = s->nodes[s->vnodes[s->cur[TOP_NODES]]].name;
	else if (g != NULL)
		node = g->node;
	else if (s->view == TOP_HW && s->hw_node[0])
		node = s->hw_node;
	else if (s->nnodes > 0)
		node = s->nodes[0].name;
	if (node == NULL) {
		snprintf(s->status, sizeof(s->status), "no node known yet");
		return;
	}
	if (strcmp(node, s->hw_node) != 0) {
		snprintf(s->hw_node, sizeof(s->hw_node), "%s", node);
		free(s->pci);
		free(s->usb);
		s->pci = NULL;
		s->usb = NULL;
		s->npci = s->nusb = 0;
		s->cur[TOP_HW] = 0;
	}
	free(s->hwuse);
	s->hwuse = NULL;
	s->nhwuse = 0;
	snprintf(top_emit(fx, TE_HW)->g.node, sizeof(fx->e[0].g.node), "%s",
	    s->hw_node);
	s->hw_pending = 2;
	top_passthru_reads(s, fx);
	if (s->view != TOP_HW && s->view != TOP_GUEST &&
	    s->view != TOP_SNAPTREE)
		s->back = s->view;
	s->view = TOP_HW;
}

/* The configs of the QEMU guests on the W view's node, for their
 * passthrough entries; before pxtop's first guest list came, when it
 * comes (read from no guest, every device would show as unused). */
void
top_passthru_reads(struct top_state *s, struct top_effects *fx)
{
	s->hw_wait = top_first_list_due(s, TOP_F_GUESTS, s->nguests);
	if (s->hw_wait)
		return;
	for (int i = 0; i < s->nguests; i++)
		if (strcmp(s->guests[i].node, s->hw_node) == 0 &&
		    strcmp(s->guests[i].type, "qemu") == 0) {
			top_emit(fx, TE_PASSTHRU)->g = s->guests[i];
			s->hw_pending++;
		}
}

int
top_hw_users(const struct top_state *s, int i, char *buf, size_t n)
{
	int users = 0, last = 0;
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < s->nhwuse; k++) {
		const struct top_hwuse *u = &s->hwuse[k];
		int hit;

		if (i < s->npci)
			hit = pve_passthru_has_pci(&u->p, &s->pci[i]);
		else if (i - s->npci < s->nusb)
			hit = pve_passthru_has_usb(&u->p,
			    &s->usb[i - s->npci]);
		else
			hit = 0;
		if (!hit || u->vmid == last)
			continue;
		last = u->vmid;
		users++;
		if (len + 16 < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%d(%s)",
			    len ? " " : "", u->vmid, u->p.key);
	}
	return users;
}

int
top_bucket(double ms)
{
	if (ms < 0)
		return -1;
	return ms < 50 ? 0 : ms < 200 ? 1 : ms < 1000 ? 2 : 3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
top_probe_median(const struct top_probe *p)
{
	double v[TOP_PROBES];
	int k = 0;

	for (int i = 0; i < p->n; i++)
		if (p->ms[i] >= 0)
			v[k++] = p->ms[i];
	if (k == 0)
		return -1;
	qsort(v, (size_t)k, sizeof(double), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

double
top_probe_worst(const struct top_probe *p)
{
	double w = -1;

	for (int i = 0; i < p->n; i++)
		if (p->ms[i] > w)
			w = p->ms[i];
	return w;
}

/* H: probe every online node TOP_PROBES times, one probe at a time per
 * node (each answer asks the next), all nodes at once. */
void
top_start_probes(struct top_state *s, struct top_effects *fx)
{
	if (s->probe_pending > 0)
		return;
	memset(s->probes, 0, sizeof(s->probes));
	s->nprobes = 0;
	/* pxtop's first node list is still on its way: probed when it
	 * comes, not an empty heatmap */
	s->probe_wait = top_first_list_due(s, TOP_F_NODES, s->nnodes);
	if (s->probe_wait)
		return;
	for (int i = 0; i < s->nnodes && s->nprobes < 64; i++) {
		struct top_probe *p = &s->probes[s->nprobes++];

		snprintf(p->node, sizeof(p->node), "%s", s->nodes[i].name);
		p->online = s->nodes[i].online;
		if (!p->online)
			continue;
		snprintf(top_emit(fx, TE_PROBE)->g.node,
		    sizeof(fx->e[0].g.node), "%s", p->node);
		s->probe_pending++;
	}
	top_clamp(s, TOP_HEAT);
}

/* ---- the backup board ---- */

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* By VMID, the newest first. */
static int
cmp_backup(const void *a, const void *b)
{
	const struct top_backup *x = a, *y = b;

	if (x->vmid != y->vmid)
		return (x->vmid > y->vmid) - (x->vmid < y->vmid);
	return (x->ctime < y->ctime) - (x->ctime > y->ctime);
}

/* Keep one backup per VMID, the newest, sorted by VMID. */
static void
newest_backups(struct top_state *s)
{
	int k = 0;

	qsort(s->bk, (size_t)s->nbk, sizeof(*s->bk), cmp_backup);
	for (int i = 0; i < s->nbk; i++)
		if (k == 0 || s->bk[k - 1].vmid != s->bk[i].vmid)
			s->bk[k++] = s->bk[i];
	s->nbk = k;
}

const struct top_backup *
top_backup_of(const struct top_state *s, int vmid)
{
	const struct top_backup *lo = s->bk;
	size_t n = (size_t)s->nbk;

	if (lo == NULL)
		return NULL;
	while (n > 0) {		/* bsearch by VMID alone */
		size_t half = n / 2;

		if (lo[half].vmid < vmid) {
			lo += half + 1;
			n -= half + 1;
		} else
			n = half;
	}
	return lo < s->bk + s->nbk && lo->vmid == vmid ? lo : NULL;
}

int
top_backup_job(const struct top_state *s, int vmid)
{
	if (!s->unprot_known)
		return -1;
	return bsearch(&vmid, s->unprot, (size_t)s->nunprot, sizeof(int),
	    cmp_int) == NULL;
}

void
top_board_reduce(struct top_state *s, struct top_action *a,
    struct top_effects *fx)
{
	switch (a->type) {
	case TA_UNPROTECTED: {
		struct pve_unprotected *u = a->rows;

		free(s->unprot);
		s->unprot = px_xcalloc((size_t)a->n + 1, sizeof(int));
		for (int i = 0; i < a->n; i++)
			s->unprot[i] = u[i].vmid;
		s->nunprot = a->n;
		qsort(s->unprot, (size_t)a->n, sizeof(int), cmp_int);
		s->unprot_known = 1;
		s->loading &= ~TOP_F_UNPROT;
		if (a->now)
			s->bk_now = a->now;
		free(a->rows);
		break;
	}
	case TA_BACKUPS: {
		struct pve_volume *v = a->rows;

		for (int i = 0; i < a->n; i++) {
			struct top_backup *b;

			if (v[i].vmid <= 0 || strcmp(v[i].content, "backup"))
				continue;
			s->bk = px_xrealloc(s->bk, (size_t)(s->nbk + 1) *
			    sizeof(*s->bk));
			b = &s->bk[s->nbk++];
			memset(b, 0, sizeof(*b));
			b->vmid = v[i].vmid;
			b->ctime = v[i].ctime;
			snprintf(b->storage, sizeof(b->storage), "%s",
			    v[i].storage);
		}
		newest_backups(s);
		if (s->bk_pending > 0)
			s->bk_pending--;
		if (a->now)
			s->bk_now = a->now;
		free(a->rows);
		break;
	}
	case TA_HW_PCI:
	case TA_HW_USB:
	case TA_PASSTHRU:
		if (strcmp(a->upid, s->hw_node) != 0) {
			free(a->rows);	/* another node's, asked before */
			break;
		}
		if (s->hw_pending > 0)
			s->hw_pending--;
		if (a->type == TA_HW_PCI) {
			free(s->pci);
			s->pci = a->rows;
			s->npci = a->n;
		} else if (a->type == TA_HW_USB) {
			free(s->usb);
			s->usb = a->rows;
			s->nusb = a->n;
		} else {
			struct pve_passthru *p = a->rows;

			s->hwuse = px_xrealloc(s->hwuse, (size_t)(s->nhwuse +
			    a->n + 1) * sizeof(*s->hwuse));
			for (int i = 0; i < a->n; i++) {
				s->hwuse[s->nhwuse].vmid = a->id;
				s->hwuse[s->nhwuse++].p = p[i];
			}
			free(a->rows);
		}
		top_clamp(s, TOP_HW);
		break;
	case TA_PROBE:
		for (int i = 0; i < s->nprobes; i++) {
			struct top_probe *p = &s->probes[i];

			if (strcmp(p->node, a->upid) != 0 ||
			    p->n >= TOP_PROBES)
				continue;
			p->ms[p->n++] = a->rc == 0 ? a->ms : -1;
			if (a->rc != 0)
				snprintf(p->err, sizeof(p->err), "%.127s",
				    a->msg);
			if (p->n < TOP_PROBES)
				snprintf(top_emit(fx, TE_PROBE)->g.node,
				    sizeof(fx->e[0].g.node), "%s", p->node);
			else if (s->probe_pending > 0)
				s->probe_pending--;
			break;
		}
		break;
	case TA_GREPCFG: {
		struct pve_kv *kv = a->rows;

		for (int i = 0; i < a->n; i++) {
			struct top_grepline *l;

			if (!top_grep_match(s, kv[i].key, kv[i].value))
				continue;
			s->gl = px_xrealloc(s->gl, (size_t)(s->ngl + 1) *
			    sizeof(*s->gl));
			l = &s->gl[s->ngl++];
			l->vmid = a->id;
			snprintf(l->key, sizeof(l->key), "%s", kv[i].key);
			snprintf(l->value, sizeof(l->value), "%s",
			    kv[i].value ? kv[i].value : "");
		}
		pve_kv_free(a->rows, a->n);
		if (s->grep_pending > 0)
			s->grep_pending--;
		top_clamp(s, TOP_GREP);
		break;
	}
	case TA_SNAPTREE:
		if (a->id != s->tree_vmid) {
			free(a->rows);
			break;
		}
		free(s->tree);
		s->tree = a->rows;
		s->ntree = a->n;
		s->tree_loading = 0;
		top_clamp(s, TOP_SNAPTREE);
		break;
	default:
		break;
	}
}
