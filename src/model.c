/* model.c - handshake model lifetime and small helpers; see model.h. */
#include "tlsdiag/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct td_handshake *td_hs_new(size_t cap)
{
    struct td_handshake *hs = calloc(1, sizeof(*hs));
    if (!hs)
        return NULL;
    td_arena_init(&hs->arena, cap);
    hs->state = -1;
    return hs;
}

void td_hs_free(struct td_handshake *hs)
{
    if (!hs)
        return;
    td_arena_free(&hs->arena);
    free(hs);
}

const char *td_input_label(const char *name)
{
    return !name || strcmp(name, "-") == 0 ? "standard input" : name;
}

const char *td_ev_place(const struct td_evidence *ev, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    if (!ev)
        return buf;
    if (ev->line)
        snprintf(buf, cap, "line %llu", (unsigned long long)ev->line);
    else if (ev->packet)
        snprintf(buf, cap, "packet %llu", (unsigned long long)ev->packet);
    else if (ev->offset)
        snprintf(buf, cap, "byte offset %llu",
                 (unsigned long long)(ev->offset - 1));
    return buf;
}

size_t td_place_prefix(const char *w, uint64_t *offset)
{
    static const char *const words[] = {"line ", "packet ", "byte offset "};
    *offset = UINT64_MAX;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t k = strlen(words[i]);
        if (strncmp(w, words[i], k) != 0)
            continue;
        size_t j = k;
        uint64_t v = 0;
        while (w[j] >= '0' && w[j] <= '9' && j - k < 20)
            v = v * 10 + (uint64_t)(w[j++] - '0');
        if (j == k || w[j] != ':' || w[j + 1] != ' ')
            return 0;
        if (i == 2)
            *offset = v;
        return j + 2;
    }
    return 0;
}

static void vwarn(struct td_handshake *hs, const struct td_evidence *where,
                  const char *fmt, va_list ap)
{
    char buf[512];
    char place[48];
    td_ev_place(where, place, sizeof(place));
    size_t k = 0;
    if (place[0])
        k = (size_t)snprintf(buf, sizeof(buf), "%s: ", place);
    vsnprintf(buf + k, sizeof(buf) - k, fmt, ap);
    /* Hostile input could produce a warning per byte: keep the first 64. */
    if (hs->warnings.n >= 64) {
        if (hs->warnings.n == 64) {
            const char **slot = TD_PUSH(&hs->arena, hs->warnings);
            if (slot)
                *slot = "further warnings for this handshake suppressed";
        }
        return;
    }
    char *s = td_arena_strndup(&hs->arena, buf, strlen(buf));
    if (!s)
        return;
    const char **slot = TD_PUSH(&hs->arena, hs->warnings);
    if (slot)
        *slot = s;
}

void td_hs_warn(struct td_handshake *hs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(hs, &hs->reading, fmt, ap);
    va_end(ap);
}

void td_hs_warn_at(struct td_handshake *hs, const struct td_evidence *where,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(hs, where, fmt, ap);
    va_end(ap);
}

const struct td_ext *td_ext_find(const td_extvec *exts, uint16_t t)
{
    for (size_t i = 0; i < exts->n; i++)
        if (exts->v[i].type == t)
            return &exts->v[i];
    return NULL;
}

const char *td_outcome_name(enum td_outcome o)
{
    switch (o) {
    case TD_OUTCOME_OK: return "ok";
    case TD_OUTCOME_FAILED: return "failed";
    default: return "incomplete";
    }
}

const char *td_likelihood_name(enum td_likelihood l)
{
    switch (l) {
    case TD_CONFIRMED: return "confirmed";
    case TD_LIKELY: return "likely";
    case TD_POSSIBLE: return "possible";
    default: return "info";
    }
}

const char *td_dir_name(enum td_dir d)
{
    return d == TD_DIR_SERVER ? "server" : "client";
}

struct td_note *td_hs_note(struct td_handshake *hs, enum td_note_kind kind,
                           int64_t a, int64_t b,
                           const struct td_evidence *where)
{
    /* A long log can repeat a message thousands of times; the first 256
     * notes of a handshake are plenty of evidence. */
    if (hs->notes.n >= 256)
        return NULL;
    struct td_note *n = TD_PUSH(&hs->arena, hs->notes);
    if (!n)
        return NULL;
    n->kind = (uint16_t)kind;
    n->a = a;
    n->b = b;
    if (where) {
        n->where = *where;
        if (where->text)
            n->where.text = td_arena_strndup(&hs->arena, where->text,
                                             strlen(where->text));
    }
    return n;
}

const struct td_note *td_hs_find_note(const struct td_handshake *hs,
                                      enum td_note_kind kind)
{
    for (size_t i = 0; i < hs->notes.n; i++)
        if (hs->notes.v[i].kind == kind)
            return &hs->notes.v[i];
    return NULL;
}
