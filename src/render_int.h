/* render_int.h - the renderer tables and helpers they share. */
#ifndef TLSDIAG_RENDER_INT_H
#define TLSDIAG_RENDER_INT_H

#include <stdio.h>

#include "tlsdiag/registry.h"
#include "tlsdiag/render.h"

extern const struct td_renderer td_render_json;
extern const struct td_renderer td_render_text;

struct td_jsonw;
struct td_probe_run;
/* render_json.c's writers, for the probe object. */
void td_rj_server_hello(struct td_jsonw *w, const struct td_server_hello *sh);
void td_rj_certs(struct td_jsonw *w, const char *key, const td_certvec *v);
void td_rj_codepoint(struct td_jsonw *w, enum td_reg_kind kind, uint32_t id);
/* render_probe.c: the document's "probe" object, and its text. */
void td_rj_probe(struct td_jsonw *w, const struct td_probe_run *p);
void td_rt_probe(const struct td_render_opts *o, const struct td_probe_run *p);

/* Print text (lines ending in '\n'), each line broken at spaces to fit
 * width: continuation lines indented four columns past the line's own
 * indentation; ANSI colour sequences take no columns. */
void td_render_wrap(FILE *f, const char *buf, size_t len, unsigned width);
/* print(to, arg) writes text; it reaches f wrapped at width (0: 80) as
 * td_render_wrap does, or unwrapped when there is no memory for it. */
void td_render_wrapped(FILE *f, unsigned width,
                       void (*print)(FILE *to, const void *arg),
                       const void *arg);

#endif
