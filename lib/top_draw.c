/* top_draw.c -- drawing helpers of the views in their own files
 * (top_draw.h); the same pens and cuts as top_render.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "top_draw.h"

static struct top_pens P[2];

const struct top_pens *
top_pens(int colour)
{
	struct top_pens *p = &P[colour != 0];

	if (p->bar != NULL)
		return p;
	p->bar = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	p->sel = tickit_pen_new_attrs(TICKIT_PEN_REVERSE, 1, -1);
	p->head = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, TICKIT_PEN_UNDER,
	    1, -1);
	p->bold = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	p->dim = tickit_pen_new();
	if (colour) {
		p->red = tickit_pen_new_attrs(TICKIT_PEN_FG, 1, -1);
		p->green = tickit_pen_new_attrs(TICKIT_PEN_FG, 2, -1);
		p->yellow = tickit_pen_new_attrs(TICKIT_PEN_FG, 3, -1);
		tickit_pen_set_colour_attr(p->bar, TICKIT_PEN_FG, 4);
		tickit_pen_set_colour_attr(p->dim, TICKIT_PEN_FG, 8);
	} else {
		p->red = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
		p->green = tickit_pen_new();
		p->yellow = tickit_pen_new_attrs(TICKIT_PEN_BOLD, 1, -1);
	}
	return p;
}

void
top_footer_fit(const char *f, int w, char *out, size_t n)
{
	const char *tail = strstr(f, "? keys"), *h, *next;
	size_t len = strlen(f), tl, keep = 0;

	if (n == 0)
		return;
	if (w < 0)
		w = 0;
	if (len <= (size_t)w || tail == NULL) {
		snprintf(out, n, "%s", f);
		return;
	}
	tl = strlen(tail);
	/* f up to the end of each whole hint before tail, while it and
	 * "  " + tail fit */
	for (h = f; h < tail; h = next) {
		const char *end = strstr(h, "  ");

		if (end == NULL || end > tail)
			end = tail;
		for (next = end; next < tail && *next == ' '; next++)
			;
		if (end == h)
			continue;
		if ((size_t)(end - f) + 2 + tl > (size_t)w)
			break;
		keep = (size_t)(end - f);
	}
	if (keep == 0)
		snprintf(out, n, "%s", tail);
	else
		snprintf(out, n, "%.*s  %s", (int)keep, f, tail);
}

void
top_put(TickitRenderBuffer *rb, const struct top_state *s, int line, int col,
    const TickitPen *pen, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (line < 0 || line >= s->lines || col >= s->cols || col < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tickit_renderbuffer_save(rb);
	if (pen)
		tickit_renderbuffer_setpen(rb, pen);
	text_sanitize(buf);	/* no server text drives the terminal */
	tickit_renderbuffer_text_at(rb, line, col, buf);
	tickit_renderbuffer_restore(rb);
}

void
top_fill(TickitRenderBuffer *rb, const struct top_state *s, int line,
    const TickitPen *pen)
{
	tickit_renderbuffer_save(rb);
	tickit_renderbuffer_setpen(rb, pen);
	tickit_renderbuffer_erase_at(rb, line, 0, s->cols);
	tickit_renderbuffer_restore(rb);
}

char *
top_cell(char *out, size_t n, const char *text, int w, int pad)
{
	size_t len = 0;
	int cols = 0, ctl;
	const char *p = text ? text : "";

	if (n == 0)
		return out;
	out[0] = '\0';
	if (w <= 0)
		return out;
	while (*p) {
		size_t k = text_char(p, &ctl);
		/* the last column keeps room for the mark of a cut */
		int last = cols == w - 1 && p[k] != '\0';

		if (cols == w || last || len + k + 2 > n) {
			if (len + 2 <= n) {
				out[len++] = '~';
				cols++;
			}
			break;
		}
		if (ctl)	/* never here: sanitized; still no control */
			out[len++] = '?';
		else {
			memcpy(out + len, p, k);
			len += k;
		}
		cols++;
		p += k;
	}
	while (pad && cols < w && len + 2 <= n) {
		out[len++] = ' ';
		cols++;
	}
	out[len] = '\0';
	return out;
}
