/* render.c - document lifetime and dispatch to the renderers. */
#include "tlsdiag/render.h"

#include "render_int.h"
#include "tlsdiag/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void td_doc_init(struct td_doc *d, const char *command, const char *kind,
                 const char *name)
{
    memset(d, 0, sizeof(*d));
    td_arena_init(&d->arena, 16u << 20);
    d->command = command;
    d->input_kind = kind;
    d->input_name = name;
}

void td_doc_set_inputs(struct td_doc *d, char *const *names, int n)
{
    if (n <= 0)
        return;
    d->input_name = names[0];
    for (int i = 1; i < n; i++) {
        const char *joined = td_arena_printf(&d->arena, "%s %s",
                                             d->input_name, names[i]);
        if (joined)
            d->input_name = joined;
    }
}

void td_doc_free(struct td_doc *d)
{
    td_arena_free(&d->arena);
}

static void push_warning(struct td_doc *d, const char *text, bool from_hs)
{
    if (d->warnings.n >= 1000)
        return;
    char *s = td_arena_strndup(&d->arena, text, strlen(text));
    uint8_t *flag = s ? TD_PUSH(&d->arena, d->warning_from_hs) : NULL;
    const char **slot = flag ? TD_PUSH(&d->arena, d->warnings) : NULL;
    if (slot) {
        *slot = s;
        *flag = from_hs;
    } else if (flag) {
        d->warning_from_hs.n--;
    }
}

void td_doc_warn(struct td_doc *d, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    push_warning(d, buf, false);
}

/* A handshake's warning in the document: the input and the handshake
 * before its own place.  A byte offset in joined inputs (hello) is named
 * by the input it falls in, counted from that input's start. */
static void hs_warning(struct td_doc *d, const struct td_handshake *hs,
                       const char *w)
{
    char buf[600];
    const char *input = td_input_label(
        hs->input ? hs->input
                  : d->nparts == 1 ? d->parts[0].name : d->input_name);
    uint64_t off;
    size_t k = td_place_prefix(w, &off);
    if (k && off != UINT64_MAX && d->nparts > 1) {
        size_t i = 0;
        while (i + 1 < d->nparts && d->parts[i + 1].start <= off)
            i++;
        snprintf(buf, sizeof(buf), "%s: handshake %u, byte offset %llu: %s",
                 td_input_label(d->parts[i].name), hs->index,
                 (unsigned long long)(off - d->parts[i].start), w + k);
    } else {
        snprintf(buf, sizeof(buf), "%s: handshake %u%s%s", input, hs->index,
                 k ? ", " : ": ", w);
    }
    push_warning(d, buf, true);
}

int td_render_init(struct td_render *r, const struct td_render_opts *o)
{
    memset(r, 0, sizeof(*r));
    r->o = *o;
    if (!r->o.width)
        r->o.width = 80;
    r->vt = o->json ? &td_render_json : &td_render_text;
    return 0;
}

void td_render_begin(struct td_render *r, struct td_doc *d)
{
    r->vt->begin(r, d);
}

void td_render_handshake(struct td_render *r, struct td_doc *d,
                         const struct td_handshake *hs)
{
    for (size_t i = 0; i < hs->warnings.n; i++)
        hs_warning(d, hs, hs->warnings.v[i]);
    r->vt->handshake(r, d, hs);
    d->handshakes++;
    if (hs->outcome == TD_OUTCOME_FAILED)
        d->failed++;
    if (hs->outcome == TD_OUTCOME_FAILED) {
        const char *server = hs->server_addr ? hs->server_addr
                                             : hs->target_host;
        const char *sni = hs->ch ? hs->ch->sni : NULL;
        bool found = false;
        for (size_t i = 0; i < d->peers.n && !found; i++) {
            struct td_doc_peer *pr = &d->peers.v[i];
            bool same_server = (!pr->server && !server)
                               || (pr->server && server
                                   && strcmp(pr->server, server) == 0);
            bool same_sni = (!pr->sni && !sni)
                            || (pr->sni && sni && strcmp(pr->sni, sni) == 0);
            if (same_server && same_sni) {
                pr->count++;
                found = true;
            }
        }
        if (!found && d->peers.n < 256) {
            struct td_doc_peer *pr = TD_PUSH(&d->arena, d->peers);
            if (pr) {
                pr->server = server ? td_arena_strndup(&d->arena, server,
                                                       strlen(server))
                                    : NULL;
                pr->sni = sni ? td_arena_strndup(&d->arena, sni, strlen(sni))
                              : NULL;
                pr->count = 1;
            }
        }
    }
    if (hs->outcome != TD_OUTCOME_FAILED || hs->findings.n == 0)
        return;
    const struct td_finding *f = &hs->findings.v[0];
    for (size_t i = 0; i < d->causes.n; i++) {
        if (strcmp(d->causes.v[i].id, f->id) == 0) {
            d->causes.v[i].count++;
            return;
        }
    }
    if (d->causes.n >= 64)
        return;
    struct td_doc_cause *c = TD_PUSH(&d->arena, d->causes);
    if (!c)
        return;
    c->id = td_arena_strndup(&d->arena, f->id, strlen(f->id));
    c->title = f->title ? td_arena_strndup(&d->arena, f->title,
                                           strlen(f->title)) : NULL;
    c->fix = f->fix_summary ? td_arena_strndup(&d->arena, f->fix_summary,
                                               strlen(f->fix_summary))
                            : NULL;
    c->count = 1;
    if (hs->findings.n > 1
        && hs->findings.v[1].likelihood == f->likelihood)
        c->also = td_arena_strndup(&d->arena, hs->findings.v[1].id,
                                   strlen(hs->findings.v[1].id));
}

int td_render_end(struct td_render *r, struct td_doc *d)
{
    r->vt->end(r, d);
    if (!r->err && (fflush(r->o.out) != 0 || ferror(r->o.out)))
        r->err = TD_ERR_IO;
    return r->err;
}

/* Visible columns of s[0..n) (ANSI colour sequences take none). */
static size_t visible(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\033') {
            while (i < n && s[i] != 'm')
                i++;
            continue;
        }
        cols += ((unsigned char)s[i] & 0xc0) != 0x80;
    }
    return cols;
}

/* Print one line, broken at spaces to fit width; continuation lines are
 * indented four columns past the line's own indentation.  A word longer
 * than the width stays whole. */
static void wrap_line(FILE *f, const char *s, size_t n, unsigned width)
{
    size_t indent = 0;
    while (indent < n && s[indent] == ' ')
        indent++;
    size_t lead = 0;    /* blank columns before s on this output line */
    bool first = true;
    do {
        size_t avail = width > lead ? width - lead : 0;
        size_t cut = n;
        if (visible(s, n) > avail) {
            size_t best = 0;    /* the last space before which s fits */
            for (size_t i = (first ? indent : 0) + 1; i < n; i++) {
                if (s[i] != ' ')
                    continue;
                if (visible(s, i) <= avail) {
                    best = i;
                } else {
                    if (!best)
                        best = i;
                    break;
                }
            }
            if (best)
                cut = best;
        }
        fprintf(f, "%*s%.*s\n", (int)lead, "", (int)cut, s);
        s += cut;
        n -= cut;
        while (n && *s == ' ') {
            s++;
            n--;
        }
        lead = indent + 4;
        first = false;
    } while (n);
}

void td_render_wrap(FILE *f, const char *buf, size_t len, unsigned width)
{
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        wrap_line(f, buf + i, e - i, width);
        i = e + 1;
    }
}

void td_render_wrapped(FILE *f, unsigned width,
                       void (*print)(FILE *to, const void *arg),
                       const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        print(f, arg);
        return;
    }
    print(mem, arg);
    if (fclose(mem) == 0 && buf)
        td_render_wrap(f, buf, len, width ? width : 80);
    else
        print(f, arg);
    free(buf);
}
