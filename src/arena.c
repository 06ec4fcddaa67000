/* arena.c - block allocator for one handshake; see arena.h.
 *
 * Blocks grow geometrically (4 KiB .. 1 MiB, or the request size when
 * larger).  Allocation is bump-pointer; nothing is freed before
 * td_arena_free().  `used` counts bytes handed out and is checked against
 * the cap before every allocation.
 */
#include "tlsdiag/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_CAP ((size_t)64 << 20)
#define ARENA_ALIGN 16u

struct td_arena_block {
    struct td_arena_block *next;
    size_t size;    /* usable bytes in data */
    size_t off;     /* next free byte */
    _Alignas(16) unsigned char data[];
};

void td_arena_init(struct td_arena *a, size_t cap)
{
    a->head = NULL;
    a->used = 0;
    a->held = 0;
    a->cap = cap ? cap : ARENA_DEFAULT_CAP;
}

void td_arena_free(struct td_arena *a)
{
    struct td_arena_block *b = a->head;
    while (b) {
        struct td_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
    a->held = 0;
}

void *td_arena_alloc(struct td_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > a->cap || a->used > a->cap - n)
        return NULL;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct td_arena_block *b = a->head;
    if (!b || b->size - b->off < need) {
        size_t size = b ? b->size * 2 : 4096;
        if (size > ((size_t)1 << 20))
            size = (size_t)1 << 20;
        if (size < need)
            size = need;
        struct td_arena_block *nb = malloc(sizeof(*nb) + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->off = 0;
        a->held += sizeof(*nb) + size;
        /* A block too big to be worth bumping in goes behind the head so
         * the head's free space stays usable. */
        if (b && size == need && b->size - b->off > 256) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->off;
    b->off += need;
    a->used += n;
    memset(p, 0, n);
    return p;
}

void *td_arena_memdup(struct td_arena *a, const void *p, size_t n)
{
    void *q = td_arena_alloc(a, n);
    if (q && n)
        memcpy(q, p, n);
    return q;
}

char *td_arena_strndup(struct td_arena *a, const char *p, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *q = td_arena_alloc(a, n + 1);
    if (q) {
        if (n)
            memcpy(q, p, n);
        q[n] = 0;
    }
    return q;
}

char *td_arena_printf(struct td_arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (len < 0)
        return NULL;
    if ((size_t)len < sizeof(small))
        return td_arena_strndup(a, small, (size_t)len);
    char *q = td_arena_alloc(a, (size_t)len + 1);
    if (!q)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(q, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return q;
}

void *td_arena_push(struct td_arena *a, void **items, size_t *n, size_t *cap,
                    size_t elem)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        if (ncap > SIZE_MAX / elem)
            return NULL;
        void *nv = td_arena_alloc(a, ncap * elem);
        if (!nv)
            return NULL;
        if (*n)
            memcpy(nv, *items, *n * elem);
        *items = nv;
        *cap = ncap;
    }
    void *slot = (unsigned char *)*items + *n * elem;
    memset(slot, 0, elem);
    (*n)++;
    return slot;
}
