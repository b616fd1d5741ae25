/*
 * fleet_render.h -- draw px fleet's state into a tickit render buffer.
 * Reads the state only: the expose handler of cmd/fleet calls it, and so
 * do the rendering tests (into a mock terminal).
 */
#ifndef PX_FLEET_RENDER_H
#define PX_FLEET_RENDER_H

#include <tickit.h>

#include "fleet_state.h"

/* Draw the whole screen (s->lines x s->cols) into rb; colour 0 draws
 * with reverse and bold only (NO_COLOR). */
/* Draw the whole screen of s into rb (colour: pens with colours, else
 * attributes only).  Reads s, changes nothing, allocates nothing that
 * the caller frees. */
void fleet_render(const struct fleet_state *s, TickitRenderBuffer *rb,
    int colour);

#endif
