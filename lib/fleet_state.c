/*
 * fleet_state.c -- px fleet's reducer: state + action -> state + effects.
 * Pure: no I/O, no clock (the time comes with the actions), no terminal.
 * See fleet_state.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effects.h"
#include "fleet_state.h"
#include "top_state.h"		/* top_fuzzy: the same matching as pxtop */

static const char *const sort_names[FLEET_NSORT] = {
	"profile", "name", "cpu", "mem", "status"
};

const char *
fleet_sort_name(enum fleet_sort k)
{
	return k < FLEET_NSORT ? sort_names[k] : "?";
}

/* ---- effects ---- */

static struct fleet_effect *
emit(struct fleet_effects *fx, enum fleet_eff_type t, int id)
{
	struct fleet_effect *e = effects_add(&fx->e, &fx->n, &fx->cap,
	    sizeof(*fx->e));

	e->type = t;
	e->id = id;
	return e;
}

void
fleet_effects_clear(struct fleet_effects *fx)
{
	fx->n = 0;
}

void
fleet_effects_free(struct fleet_effects *fx)
{
	free(fx->e);
	memset(fx, 0, sizeof(*fx));
}

/* ---- state ---- */

void
fleet_state_init(struct fleet_state *s, long interval_ms, int lines,
    int cols)
{
	memset(s, 0, sizeof(*s));
	s->interval_ms = interval_ms > 0 ? interval_ms : 3000;
	s->lines = lines;
	s->cols = cols;
	s->all = 1;
	s->sort = FLEET_SORT_PROFILE;
}

int
fleet_add(struct fleet_state *s, const char *name, int read_only)
{
	struct fleet_cluster *c;

	s->cl = px_xrealloc(s->cl, (size_t)(s->ncl + 1) * sizeof(*s->cl));
	c = &s->cl[s->ncl];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->read_only = read_only;
	return s->ncl++;
}

void
fleet_state_free(struct fleet_state *s)
{
	for (int i = 0; i < s->ncl; i++) {
		free(s->cl[i].nodes);
		free(s->cl[i].guests);
	}
	free(s->cl);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

enum fleet_health
fleet_health(const struct fleet_cluster *c)
{
	if (c->connect_failed || c->failed)
		return FLEET_DOWN;
	if (c->connected && c->stale)
		return FLEET_STALE;
	if (c->connected && c->answered)
		return FLEET_UP;
	return FLEET_WAIT;
}

void
fleet_summary(const struct fleet_cluster *c, struct fleet_sum *sum)
{
	double cpu = 0, cpus = 0, mem = 0, maxmem = 0;

	memset(sum, 0, sizeof(*sum));
	for (int k = 0; k < c->nnodes; k++) {
		const struct pve_node *n = &c->nodes[k];

		sum->nodes++;
		if (!n->online)
			continue;
		/* Only the online nodes: an offline node reports no use,
		 * and counting its capacity would make a cluster that lost
		 * a node look idle. */
		sum->nodes_up++;
		cpu += n->cpu * n->maxcpu;
		cpus += n->maxcpu;
		mem += (double)n->mem;
		maxmem += (double)n->maxmem;
	}
	sum->cpu = cpus > 0 ? cpu / cpus : -1;
	sum->mem = maxmem > 0 ? mem / maxmem : -1;
	for (int k = 0; k < c->nguests; k++) {
		sum->guests++;
		sum->running += strcmp(c->guests[k].status, "running") == 0;
	}
	sum->failed_tasks = c->failed_tasks;
}

int
fleet_summary_lines(const struct fleet_state *s)
{
	/* At most half the screen, less the bar and the heading, so the
	 * guests keep the other half; at least one row. */
	int n = s->lines / 2 - 2;

	if (n < 1)
		n = 1;
	return n < s->ncl ? n : s->ncl;
}

int
fleet_guest_lines(const struct fleet_state *s)
{
	/* bar, heading, the summary, a blank line, the title and heading
	 * of the guests; the filter line and the footer */
	int n = s->lines - 5 - fleet_summary_lines(s) - 2;

	return n > 0 ? n : 0;
}

/* ---- the guest table ---- */

int
fleet_match(const struct fleet_cluster *c, const struct pve_guest *g,
    const char *filter)
{
	char id[16];

	if (filter == NULL || filter[0] == '\0')
		return 1;
	snprintf(id, sizeof(id), "%d", g->vmid);
	return top_fuzzy(g->name, filter) || top_fuzzy(id, filter) ||
	    top_fuzzy(g->tags, filter) || top_fuzzy(g->node, filter) ||
	    top_fuzzy(c->name, filter);
}

/* qsort_r's comparison: arg is the state whose rows are sorted. */
static int
cmp_row(const void *a, const void *b, void *arg)
{
	const struct fleet_state *s = arg;
	const struct fleet_row *x = a, *y = b;
	const struct pve_guest *g = &s->cl[x->cl].guests[x->g];
	const struct pve_guest *h = &s->cl[y->cl].guests[y->g];
	int r = 0;

	switch (s->sort) {
	case FLEET_SORT_NAME:
		r = strcmp(g->name, h->name);
		break;
	case FLEET_SORT_CPU:	/* the busiest first */
		r = (g->cpu < h->cpu) - (g->cpu > h->cpu);
		break;
	case FLEET_SORT_MEM:
		r = (g->mem < h->mem) - (g->mem > h->mem);
		break;
	case FLEET_SORT_STATUS:
		r = strcmp(g->status, h->status);
		break;
	default:
		break;
	}
	/* Ties, and the profile sort itself: config order, then VMID. */
	if (r == 0)
		r = x->cl - y->cl;
	if (r == 0)
		r = g->vmid - h->vmid;
	return r;
}

static int
max_gtop(const struct fleet_state *s)
{
	int m = s->nrows - fleet_guest_lines(s);

	return m > 0 ? m : 0;
}

/* Rebuild the rows after anything they depend on changed. */
static void
relist(struct fleet_state *s)
{
	int n = 0;

	for (int i = 0; i < s->ncl; i++)
		n += s->cl[i].nguests;
	free(s->rows);
	s->rows = px_xcalloc((size_t)n + 1, sizeof(*s->rows));
	s->nrows = 0;
	for (int i = 0; i < s->ncl; i++) {
		const struct fleet_cluster *c = &s->cl[i];

		if (!s->all && i != s->sel)
			continue;
		for (int k = 0; k < c->nguests; k++) {
			if (!fleet_match(c, &c->guests[k], s->filter))
				continue;
			s->rows[s->nrows].cl = i;
			s->rows[s->nrows++].g = k;
		}
	}
	qsort_r(s->rows, (size_t)s->nrows, sizeof(*s->rows), cmp_row, s);
	if (s->gtop > max_gtop(s))
		s->gtop = max_gtop(s);
}

/* Keep the selected cluster within the summary rows shown. */
static void
follow_sel(struct fleet_state *s)
{
	int n = fleet_summary_lines(s);

	if (s->sel < s->ctop)
		s->ctop = s->sel;
	if (n > 0 && s->sel >= s->ctop + n)
		s->ctop = s->sel - n + 1;
	if (s->ctop > s->ncl - n)
		s->ctop = s->ncl - n > 0 ? s->ncl - n : 0;
}

/* ---- actions ---- */

static void
fetch(struct fleet_state *s, int i, struct fleet_effects *fx)
{
	struct fleet_cluster *c = &s->cl[i];

	c->loading = FLEET_F_ALL;
	c->asked = s->now;
	c->stale = 0;
	emit(fx, FE_FETCH, i)->what = FLEET_F_ALL;
}

/* A fetch that has hung for top_stale_ms shows as not answering, long
 * before libcurl gives up on it (the profile's timeout times its
 * retries).  Its answer, or its failure, ends that (settled). */
static void
mark_stale(struct fleet_state *s)
{
	long ms = top_stale_ms(s->interval_ms);

	for (int i = 0; i < s->ncl; i++) {
		struct fleet_cluster *c = &s->cl[i];

		if (c->loading && c->asked > 0 &&
		    (s->now - c->asked) * 1000 >= ms)
			c->stale = 1;
	}
}

/* Nothing of c's fetch is in flight any more: it is not hanging. */
static void
settled(struct fleet_cluster *c)
{
	if (c->loading == 0)
		c->stale = 0;
}

static void
contact(struct fleet_state *s, int i, struct fleet_effects *fx)
{
	s->cl[i].connecting = 1;
	emit(fx, FE_CONNECT, i);
}

/* Every profile, each on its own: connected ones are asked again unless
 * their last answers are still on their way (never piled up); those
 * whose first contact failed are contacted again, so a profile that was
 * down at start comes up when it answers. */
static void
refresh(struct fleet_state *s, struct fleet_effects *fx)
{
	for (int i = 0; i < s->ncl; i++) {
		struct fleet_cluster *c = &s->cl[i];

		emit(fx, FE_FREEZE, i);
		if (c->connected) {
			if (c->loading == 0)
				fetch(s, i, fx);
		} else if (!c->connecting) {
			contact(s, i, fx);
		}
	}
	emit(fx, FE_TIMER, -1)->ms = s->interval_ms;
}

static void
quit(struct fleet_state *s, struct fleet_effects *fx)
{
	s->quit = 1;
	emit(fx, FE_QUIT, -1);
}

static void
key_typing(struct fleet_state *s, const char *k, int text)
{
	size_t len = strlen(s->filter);

	if (strcmp(k, "Enter") == 0) {
		s->typing = 0;
	} else if (strcmp(k, "Escape") == 0) {
		s->typing = 0;
		s->filter[0] = '\0';
	} else if (strcmp(k, "Backspace") == 0) {
		if (len > 0)
			s->filter[len - 1] = '\0';
	} else if (text && len + strlen(k) < sizeof(s->filter)) {
		memcpy(s->filter + len, k, strlen(k) + 1);
	} else {
		return;
	}
	s->gtop = 0;
	relist(s);
}

static void
key(struct fleet_state *s, const char *k, int text,
    struct fleet_effects *fx)
{
	int page = fleet_guest_lines(s);

	if (page < 1)
		page = 1;
	if (strcmp(k, "C-c") == 0) {
		quit(s, fx);
		return;
	}
	if (s->typing) {
		key_typing(s, k, text);
		return;
	}
	if (text && strcmp(k, "q") == 0) {
		quit(s, fx);
	} else if (text && strcmp(k, "/") == 0) {
		s->typing = 1;
	} else if (text && strcmp(k, "s") == 0) {
		s->sort = (s->sort + 1) % FLEET_NSORT;
		relist(s);
	} else if ((text && strcmp(k, "j") == 0) || strcmp(k, "Down") == 0) {
		if (s->sel < s->ncl - 1) {
			s->sel++;
			if (!s->all)
				s->gtop = 0;
			relist(s);
		}
	} else if ((text && strcmp(k, "k") == 0) || strcmp(k, "Up") == 0) {
		if (s->sel > 0) {
			s->sel--;
			if (!s->all)
				s->gtop = 0;
			relist(s);
		}
	} else if (strcmp(k, "Tab") == 0) {
		s->all = !s->all;
		s->gtop = 0;
		relist(s);
	} else if (strcmp(k, "PageDown") == 0) {
		s->gtop = s->gtop + page < max_gtop(s) ? s->gtop + page :
		    max_gtop(s);
	} else if (strcmp(k, "PageUp") == 0) {
		s->gtop = s->gtop > page ? s->gtop - page : 0;
	} else if (strcmp(k, "Enter") == 0) {
		if (s->ncl > 0) {
			struct fleet_effect *e = emit(fx, FE_OPEN_TOP, s->sel);

			snprintf(e->profile, sizeof(e->profile), "%s",
			    s->cl[s->sel].name);
			s->quit = 1;
		}
	} else if (strcmp(k, "Escape") == 0) {
		if (s->filter[0]) {
			s->filter[0] = '\0';
			relist(s);
		}
	}
	follow_sel(s);
}

/* An answer of kind bit came for c: it is no longer in flight, and no
 * longer failed. */
static void
answered(struct fleet_cluster *c, int bit)
{
	c->loading &= ~bit;
	c->failed &= ~bit;
	c->answered |= bit;
	if (!c->failed && !c->connect_failed)
		c->err[0] = '\0';
	settled(c);
}

static void
count_failed(struct fleet_cluster *c, const struct pve_task *t, int n)
{
	c->failed_tasks = 0;
	for (int i = 0; i < n; i++)
		c->failed_tasks += !t[i].running && !t[i].ok;
}

void
fleet_reduce(struct fleet_state *s, struct fleet_action *a,
    struct fleet_effects *fx)
{
	struct fleet_cluster *c = NULL;

	if (a->now > 0)
		s->now = a->now;
	switch (a->type) {
	case FA_CONNECTED:
	case FA_CONNECT_FAILED:
	case FA_NODES:
	case FA_GUESTS:
	case FA_TASKS:
	case FA_FETCH_FAILED:
	case FA_FROZEN:
		if (a->id < 0 || a->id >= s->ncl) {
			free(a->rows);
			a->rows = NULL;
			return;
		}
		c = &s->cl[a->id];
		break;
	default:
		break;
	}

	switch (a->type) {
	case FA_START:
		for (int i = 0; i < s->ncl; i++) {
			emit(fx, FE_FREEZE, i);
			contact(s, i, fx);
		}
		emit(fx, FE_TIMER, -1)->ms = s->interval_ms;
		relist(s);
		break;
	case FA_TICK:
		mark_stale(s);
		refresh(s, fx);
		break;
	case FA_KEY:
		if (a->key)
			key(s, a->key, a->text, fx);
		break;
	case FA_RESIZE:
		s->lines = a->lines;
		s->cols = a->cols;
		follow_sel(s);
		if (s->gtop > max_gtop(s))
			s->gtop = max_gtop(s);
		break;
	case FA_CONNECTED:
		c->connecting = 0;
		c->connected = 1;
		c->connect_failed = 0;
		if (!c->failed)
			c->err[0] = '\0';
		fetch(s, a->id, fx);
		break;
	case FA_CONNECT_FAILED:
		c->connecting = 0;
		c->connect_failed = 1;
		snprintf(c->err, sizeof(c->err), "%s", a->msg);
		break;
	case FA_NODES:
		free(c->nodes);
		c->nodes = a->rows;
		c->nnodes = a->n;
		a->rows = NULL;
		answered(c, FLEET_F_NODES);
		break;
	case FA_GUESTS:
		free(c->guests);
		c->guests = a->rows;
		c->nguests = a->n;
		a->rows = NULL;
		answered(c, FLEET_F_GUESTS);
		relist(s);
		break;
	case FA_TASKS:
		count_failed(c, a->rows, a->n);
		free(a->rows);
		a->rows = NULL;
		answered(c, FLEET_F_TASKS);
		break;
	case FA_FETCH_FAILED:
		c->loading &= ~a->what;
		c->failed |= a->what & FLEET_F_ALL;
		snprintf(c->err, sizeof(c->err), "%s", a->msg);
		settled(c);
		break;
	case FA_FROZEN:
		c->frozen = a->rc == 1;
		break;
	case FA_SIGNAL:
		quit(s, fx);
		break;
	}
}
