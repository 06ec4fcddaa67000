/* arena.h - one allocation region per handshake (or per document).
 *
 * Everything a handshake model points to lives in its arena and is freed at
 * once with td_arena_free().  The arena has a byte cap so that hostile
 * input cannot make one handshake grow without bound; when the cap is hit
 * allocation returns NULL and the caller records a warning.
 */
#ifndef TLSDIAG_ARENA_H
#define TLSDIAG_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct td_arena_block;

struct td_arena {
    struct td_arena_block *head;
    size_t used;   /* bytes handed out, all blocks */
    size_t cap;    /* maximum of used; 0 = default (64 MiB) */
    size_t held;   /* bytes of the blocks themselves (memory accounting) */
};

void td_arena_init(struct td_arena *a, size_t cap);
void td_arena_free(struct td_arena *a);

/* n bytes, aligned for any type, zeroed; NULL when out of memory or cap. */
void *td_arena_alloc(struct td_arena *a, size_t n);
/* A copy of p[0..n) with a NUL after it; NULL on failure. */
char *td_arena_strndup(struct td_arena *a, const char *p, size_t n);
void *td_arena_memdup(struct td_arena *a, const void *p, size_t n);
/* printf into the arena; NULL on failure. */
char *td_arena_printf(struct td_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append one element to an arena vector (*items, *n): grows by doubling,
 * copying into a new arena block (the old one is abandoned until the arena
 * is freed).  Returns a pointer to the new zeroed element, NULL on failure. */
void *td_arena_push(struct td_arena *a, void **items, size_t *n, size_t *cap,
                    size_t elem);

#define TD_PUSH(a, vec) \
    ((__typeof__((vec).v))td_arena_push((a), (void **)&(vec).v, &(vec).n, \
                                        &(vec).cap, sizeof(*(vec).v)))

#endif
