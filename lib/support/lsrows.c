/* lsrows.c -- the columns and rows of px ls's lists (lsrows.h). */
#include "lsrows.h"

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

const struct out_col lsrows_guest_cols[LSROWS_NGUEST] = {
	{ "vmid", OT_INT, 0 }, { "name", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 }, { "cpu", OT_PCT, 0 },
	{ "mem", OT_BYTES, 0 }, { "maxmem", OT_BYTES, 0 },
	{ "disk", OT_BYTES, OC_EXTRA }, { "maxdisk", OT_BYTES, 0 },
	{ "uptime", OT_DURATION, 0 }, { "tags", OT_STR, 0 },
	{ "pool", OT_STR, 0 }, { "lock", OT_STR, 0 }, { "ha", OT_STR, 0 },
	{ "maxcpu", OT_NUM, OC_EXTRA }, { "template", OT_BOOL, OC_EXTRA },
	{ "netin", OT_BYTES, OC_EXTRA }, { "netout", OT_BYTES, OC_EXTRA },
	{ "diskread", OT_BYTES, OC_EXTRA }, { "diskwrite", OT_BYTES, OC_EXTRA },
};
_Static_assert(NCOLS(lsrows_guest_cols) == LSROWS_NGUEST, "LSROWS_NGUEST");

const struct out_col lsrows_node_cols[LSROWS_NNODE] = {
	{ "node", OT_STR, 0 }, { "status", OT_STR, 0 }, { "cpu", OT_PCT, 0 },
	{ "maxcpu", OT_INT, 0 }, { "mem", OT_BYTES, 0 },
	{ "maxmem", OT_BYTES, 0 }, { "disk", OT_BYTES, OC_EXTRA },
	{ "maxdisk", OT_BYTES, OC_EXTRA }, { "uptime", OT_DURATION, 0 },
	{ "level", OT_STR, OC_EXTRA }, { "ssl_fingerprint", OT_STR, OC_EXTRA },
};
_Static_assert(NCOLS(lsrows_node_cols) == LSROWS_NNODE, "LSROWS_NNODE");

const struct out_col lsrows_storage_cols[LSROWS_NSTORAGE] = {
	{ "storage", OT_STR, 0 }, { "node", OT_STR, 0 }, { "type", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "shared", OT_BOOL, 0 },
	{ "used", OT_BYTES, 0 }, { "total", OT_BYTES, 0 },
	{ "used_fraction", OT_PCT, 0 }, { "content", OT_STR, 0 },
};
_Static_assert(NCOLS(lsrows_storage_cols) == LSROWS_NSTORAGE, "LSROWS_NSTORAGE");

const struct out_col lsrows_task_cols[LSROWS_NTASK] = {
	{ "starttime", OT_TIME, 0 }, { "node", OT_STR, 0 },
	{ "type", OT_STR, 0 }, { "id", OT_STR, 0 }, { "user", OT_STR, 0 },
	{ "status", OT_STR, 0 }, { "endtime", OT_TIME, OC_EXTRA },
	{ "upid", OT_STR, OC_EXTRA },
};
_Static_assert(NCOLS(lsrows_task_cols) == LSROWS_NTASK, "LSROWS_NTASK");

void
lsrows_guest(struct out *o, int b, const struct pve_guest *g)
{
	out_int(o, b + 0, g->vmid);
	out_str(o, b + 1, g->name);
	out_str(o, b + 2, g->type);
	out_str(o, b + 3, g->node);
	out_str(o, b + 4, g->status);
	out_num(o, b + 5, g->cpu);
	out_uint(o, b + 6, g->mem);
	out_uint(o, b + 7, g->maxmem);
	out_uint(o, b + 8, g->disk);
	out_uint(o, b + 9, g->maxdisk);
	out_int(o, b + 10, g->uptime);
	out_str(o, b + 11, g->tags[0] ? g->tags : NULL);
	out_str(o, b + 12, g->pool[0] ? g->pool : NULL);
	out_str(o, b + 13, g->lock[0] ? g->lock : NULL);
	out_str(o, b + 14, g->hastate[0] ? g->hastate : NULL);
	out_num(o, b + 15, g->maxcpu);
	out_bool(o, b + 16, g->template);
	out_uint(o, b + 17, g->netin);
	out_uint(o, b + 18, g->netout);
	out_uint(o, b + 19, g->diskread);
	out_uint(o, b + 20, g->diskwrite);
}

void
lsrows_node(struct out *o, int b, const struct pve_node *n)
{
	out_str(o, b + 0, n->name);
	out_str(o, b + 1, n->status);
	if (n->online) {
		out_num(o, b + 2, n->cpu);
		out_int(o, b + 3, n->maxcpu);
		out_uint(o, b + 4, n->mem);
		out_uint(o, b + 5, n->maxmem);
		out_uint(o, b + 6, n->disk);
		out_uint(o, b + 7, n->maxdisk);
		out_int(o, b + 8, n->uptime);
	}
	out_str(o, b + 9, n->level);
	out_str(o, b + 10, n->ssl_fingerprint[0] ? n->ssl_fingerprint : NULL);
}

void
lsrows_storage(struct out *o, int b, const struct pve_storage *s)
{
	out_str(o, b + 0, s->storage);
	out_str(o, b + 1, s->node);
	out_str(o, b + 2, s->plugintype);
	out_str(o, b + 3, s->status);
	out_bool(o, b + 4, s->shared);
	out_uint(o, b + 5, s->disk);
	out_uint(o, b + 6, s->maxdisk);
	if (s->maxdisk)
		out_num(o, b + 7, (double)s->disk / (double)s->maxdisk);
	out_str(o, b + 8, s->content);
}

void
lsrows_task(struct out *o, int b, const struct pve_task *t)
{
	out_int(o, b + 0, t->starttime);
	out_str(o, b + 1, t->node);
	out_str(o, b + 2, t->type);
	out_str(o, b + 3, t->id);
	out_str(o, b + 4, t->user);
	out_str(o, b + 5, t->status);
	if (t->endtime)
		out_int(o, b + 6, t->endtime);
	out_str(o, b + 7, t->upid);
}
