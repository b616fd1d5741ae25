/*
 * top_draw.h -- what the views drawn outside top_render.c share with it:
 * the same pens, text cut to the screen and to a cell, and the draw
 * function of each such view (called from top_render).  Reads the state
 * only.
 */
#ifndef PX_TOP_DRAW_H
#define PX_TOP_DRAW_H

#include <stddef.h>

#include <tickit.h>

#include "top_state.h"

struct top_pens {
	TickitPen *bar, *sel, *head, *bold, *red, *green, *yellow, *dim;
};

/* The pens of top_render (colour: with colours, else attributes only);
 * made once, never freed. */
const struct top_pens *top_pens(int colour);
/*
 * The footer of keys f in w columns, into out: f when it fits; else the
 * hints before "? keys" that fit whole (hints are two or more spaces
 * apart), then "? keys" and what follows it, so the way to the keymap is
 * never cut off.  A footer without "? keys" is left to be cut at the
 * edge.
 */
void top_footer_fit(const char *f, int w, char *out, size_t n);
/* printf text at line, col in pen (NULL: the default), cut to the
 * screen; nothing outside it. */
void top_put(TickitRenderBuffer *rb, const struct top_state *s, int line,
    int col, const TickitPen *pen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* A whole line in pen. */
void top_fill(TickitRenderBuffer *rb, const struct top_state *s, int line,
    const TickitPen *pen);
/*
 * text cut to w columns into out (n bytes), on a character boundary,
 * with "~" as its last column when something was cut, and padded with
 * spaces to w (pad).  Each character counts one column (the values are
 * sanitized: no controls).  Returns out.
 */
char *top_cell(char *out, size_t n, const char *text, int w, int pad);

/* The views: the body from line y, rows lines. */
void top_draw_compare(TickitRenderBuffer *rb, const struct top_state *s,
    int y, int rows, int colour);
void top_draw_ha(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour);
/* Approvals (A), top_render_appr.c. */
void top_draw_appr(TickitRenderBuffer *rb, const struct top_state *s, int y,
    int rows, int colour);
void top_draw_profiles(TickitRenderBuffer *rb, const struct top_state *s,
    int y, int rows, int colour);

#endif
