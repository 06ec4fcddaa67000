/* cursor.h - bounded reader over untrusted bytes.
 *
 * The only code that does pointer arithmetic on input.  Getters return
 * false (and leave the out-parameter untouched) when the bytes are not
 * there; the first failure is remembered with its offset so the caller can
 * say where and why decoding stopped.  Length checks compare `n > len - off`
 * so they cannot overflow.
 *
 * A length-prefixed vector opens a child cursor with td_cur_vec(); the
 * child's offsets stay absolute (base) so messages name the byte in the
 * whole message, and td_cur_end() checks a child was used to the byte.
 */
#ifndef TLSDIAG_CURSOR_H
#define TLSDIAG_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct td_cur {
    const uint8_t *p;
    size_t len;
    size_t off;
    size_t base;            /* absolute offset of p[0] */
    bool failed;
    size_t fail_off;        /* absolute offset of the first failure */
    size_t fail_need;       /* bytes the failed read wanted */
};

void td_cur_init(struct td_cur *c, const uint8_t *p, size_t len, size_t base);

static inline size_t td_cur_left(const struct td_cur *c)
{
    return c->len - c->off;
}

/* Absolute offset of the next byte. */
static inline size_t td_cur_pos(const struct td_cur *c)
{
    return c->base + c->off;
}

bool td_cur_u8(struct td_cur *c, uint8_t *v);
bool td_cur_u16(struct td_cur *c, uint16_t *v);
bool td_cur_u24(struct td_cur *c, uint32_t *v);
bool td_cur_u32(struct td_cur *c, uint32_t *v);
/* View n bytes (no copy). */
bool td_cur_bytes(struct td_cur *c, size_t n, const uint8_t **out);
bool td_cur_skip(struct td_cur *c, size_t n);
/* Peek without moving; false when fewer bytes are left. */
bool td_cur_peek_u8(const struct td_cur *c, size_t at, uint8_t *v);

/* Read a vector of lenbytes (1, 2 or 3) length prefix, check
 * min <= length <= max, and open a child cursor over it.  A length outside
 * [min, max] fails without consuming the body. */
bool td_cur_vec(struct td_cur *c, int lenbytes, size_t min, size_t max,
                struct td_cur *sub);

/* True when every byte was consumed. */
static inline bool td_cur_end(const struct td_cur *c)
{
    return c->off == c->len;
}

/* Record a failure at the current position (a semantic check failed). */
void td_cur_fail(struct td_cur *c);

#endif
