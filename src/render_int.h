/* render_int.h - the renderer tables and helpers they share. */
#ifndef TLSDIAG_RENDER_INT_H
#define TLSDIAG_RENDER_INT_H

#include "tlsdiag/render.h"

extern const struct td_renderer td_render_json;
extern const struct td_renderer td_render_text;

#endif
