/*
 * top_render_iso.c -- the ISO library's screen (I): every ISO image and
 * container template, where it lies, its size and date.  Called by
 * top_render for TOP_ISO; reads the state only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "out.h"
#include "top_draw.h"
#include "top_render.h"

/* Is storage name shared (listed once for every node)? */
static int
shared(const struct top_state *s, const char *name)
{
	for (int i = 0; i < s->nstorages; i++)
		if (strcmp(s->storages[i].storage, name) == 0)
			return s->storages[i].shared;
	return 0;
}

void
top_draw_iso(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const TickitPen *sel, const TickitPen *head,
    const TickitPen *bold)
{
	uint64_t total = 0;
	int niso = 0;
	char sz[32], t1[32];

	for (int i = 0; i < s->niso; i++) {
		total += s->iso[i].size;
		niso += strcmp(s->iso[i].content, "iso") == 0;
	}
	out_fmt_bytes(sz, sizeof(sz), total);
	top_put(rb, s, y, 0, bold, "ISO library: %d ISO image%s, %d template%s, "
	    "%s%s%s", niso, niso == 1 ? "" : "s", s->niso - niso,
	    s->niso - niso == 1 ? "" : "s", sz, s->iso_pending ||
	    s->iso_wait ? "  loading" : "", s->iso_failed ? "  (some storage did not "
	    "answer)" : "");
	top_put(rb, s, y + 1, 0, head, "%-7s %-48s %-16s %-10s %10s %-19s %s",
	    "CONTENT", "NAME", "STORAGE", "NODE", "SIZE", "DATE", "FORMAT");
	for (int r = 0; r < rows - 2; r++) {
		int i = s->top[TOP_ISO] + r, line = y + 2 + r, cur;
		const struct pve_volume *v;
		const char *name;

		if (i >= s->niso)
			break;
		v = &s->iso[i];
		cur = i == s->cur[TOP_ISO];
		if (cur) {
			tickit_renderbuffer_save(rb);
			tickit_renderbuffer_setpen(rb, sel);
			tickit_renderbuffer_erase_at(rb, line, 0, s->cols);
			tickit_renderbuffer_restore(rb);
		}
		/* "local:iso/debian.iso": the name after the content dir */
		name = strchr(v->volid, '/');
		name = name ? name + 1 : v->volid;
		out_fmt_bytes(sz, sizeof(sz), v->size);
		if (v->ctime > 0)
			out_fmt_time(t1, sizeof(t1), v->ctime);
		else
			snprintf(t1, sizeof(t1), "-");
		top_put(rb, s, line, 0, cur ? sel : NULL, "%-7.7s %-48.48s %-16.16s "
		    "%-10.10s %10s %-19.19s %s", v->content, name, v->storage,
		    shared(s, v->storage) ? "shared" : v->node, sz, t1,
		    v->format);
	}
	if (s->niso == 0 && s->iso_pending == 0 && s->iso_wait == 0)
		top_put(rb, s, y + 2, 2, NULL, "No ISO image or container template "
		    "on any storage.  px storage upload and download-url add "
		    "them.");
}
