/*
 * top_render.h -- draw pxtop's state into a tickit render buffer.  Reads
 * the state only: the expose handler of cmd/top calls it, and so do the
 * rendering tests (into a mock terminal) and the frame benchmark.
 */
#ifndef PX_TOP_RENDER_H
#define PX_TOP_RENDER_H

#include <tickit.h>

#include "top_state.h"

/* Draw the whole screen (s->lines x s->cols) into rb; colour 0 draws
 * with reverse and bold only (NO_COLOR). */
/* Draw the whole screen of s into rb (colour: pens with colours, else
 * attributes only).  Reads s, changes nothing, allocates nothing that
 * the caller frees. */
void top_render(const struct top_state *s, TickitRenderBuffer *rb,
    int colour);

/* The E view's body, rows lines from line y (lib/top_evac.c). */
void top_evac_draw(TickitRenderBuffer *rb, const struct top_state *s,
    int y, int rows, int colour);
/* The ISO library (I) into rows lines from line y (top_render_iso.c). */
void top_draw_iso(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, const TickitPen *sel, const TickitPen *head,
    const TickitPen *bold);
/* The agent broadcast's results (X, x) into rows lines from line y
 * (top_render_bcast.c). */
void top_draw_bcast(TickitRenderBuffer *rb, const struct top_state *s,
    int y, int rows, const TickitPen *sel, const TickitPen *head,
    const TickitPen *bold, const TickitPen *red);

#endif
