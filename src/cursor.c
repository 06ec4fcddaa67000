/* cursor.c - bounded reader; see cursor.h. */
#include "cursor.h"

void td_cur_init(struct td_cur *c, const uint8_t *p, size_t len, size_t base)
{
    c->p = p;
    c->len = p ? len : 0;
    c->off = 0;
    c->base = base;
    c->failed = false;
    c->fail_off = 0;
    c->fail_need = 0;
}

static bool fail(struct td_cur *c, size_t need)
{
    if (!c->failed) {
        c->failed = true;
        c->fail_off = c->base + c->off;
        c->fail_need = need;
    }
    return false;
}

void td_cur_fail(struct td_cur *c)
{
    fail(c, 0);
}

static bool have(struct td_cur *c, size_t n)
{
    if (n > c->len - c->off)
        return fail(c, n);
    return true;
}

bool td_cur_u8(struct td_cur *c, uint8_t *v)
{
    if (!have(c, 1))
        return false;
    *v = c->p[c->off++];
    return true;
}

bool td_cur_u16(struct td_cur *c, uint16_t *v)
{
    if (!have(c, 2))
        return false;
    *v = (uint16_t)((c->p[c->off] << 8) | c->p[c->off + 1]);
    c->off += 2;
    return true;
}

bool td_cur_u24(struct td_cur *c, uint32_t *v)
{
    if (!have(c, 3))
        return false;
    *v = ((uint32_t)c->p[c->off] << 16) | ((uint32_t)c->p[c->off + 1] << 8)
         | c->p[c->off + 2];
    c->off += 3;
    return true;
}

bool td_cur_u32(struct td_cur *c, uint32_t *v)
{
    if (!have(c, 4))
        return false;
    *v = ((uint32_t)c->p[c->off] << 24) | ((uint32_t)c->p[c->off + 1] << 16)
         | ((uint32_t)c->p[c->off + 2] << 8) | c->p[c->off + 3];
    c->off += 4;
    return true;
}

bool td_cur_bytes(struct td_cur *c, size_t n, const uint8_t **out)
{
    if (!have(c, n))
        return false;
    *out = c->p + c->off;
    c->off += n;
    return true;
}

bool td_cur_skip(struct td_cur *c, size_t n)
{
    if (!have(c, n))
        return false;
    c->off += n;
    return true;
}

bool td_cur_peek_u8(const struct td_cur *c, size_t at, uint8_t *v)
{
    if (at >= c->len - c->off)
        return false;
    *v = c->p[c->off + at];
    return true;
}

bool td_cur_vec(struct td_cur *c, int lenbytes, size_t min, size_t max,
                struct td_cur *sub)
{
    size_t start = c->off;
    uint32_t n = 0;
    bool ok;
    switch (lenbytes) {
    case 1: { uint8_t v = 0; ok = td_cur_u8(c, &v); n = v; break; }
    case 2: { uint16_t v = 0; ok = td_cur_u16(c, &v); n = v; break; }
    case 3: ok = td_cur_u24(c, &n); break;
    default: ok = false; fail(c, 0);
    }
    if (!ok)
        return false;
    if (n < min || n > max) {
        c->off = start;
        return fail(c, n);
    }
    if (!have(c, n)) {
        c->off = start;
        /* Report the vector's start so the message names its length. */
        c->fail_off = c->base + start;
        return false;
    }
    td_cur_init(sub, c->p + c->off, n, c->base + c->off);
    c->off += n;
    return true;
}
