/* jsonw.c - streaming JSON writer; see jsonw.h. */
#include "jsonw.h"

#include "tlsdiag/err.h"

#include <inttypes.h>
#include <string.h>

void td_jw_init(struct td_jsonw *w, FILE *f, bool pretty)
{
    memset(w, 0, sizeof(*w));
    w->f = f;
    w->pretty = pretty;
}

static void flush_buf(struct td_jsonw *w)
{
    if (w->blen && !w->err && fwrite(w->buf, 1, w->blen, w->f) != w->blen)
        w->err = TD_ERR_IO;
    w->blen = 0;
}

static void put(struct td_jsonw *w, const char *s, size_t n)
{
    if (w->err)
        return;
    if (n > sizeof(w->buf) - w->blen) {
        flush_buf(w);
        if (n > sizeof(w->buf)) {
            if (fwrite(s, 1, n, w->f) != n)
                w->err = TD_ERR_IO;
            return;
        }
    }
    memcpy(w->buf + w->blen, s, n);
    w->blen += n;
}

static void puts_(struct td_jsonw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void newline(struct td_jsonw *w)
{
    static const char spaces[] = "\n                                        "
                                 "                        ";
    if (!w->pretty)
        return;
    size_t n = 1 + 2 * (size_t)w->depth;
    if (n > sizeof(spaces) - 1)
        n = sizeof(spaces) - 1;
    put(w, spaces, n);
}

/* Called before every value or key: separators and indentation. */
static void before_item(struct td_jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->nonempty[w->depth - 1])
            put(w, ",", 1);
        w->nonempty[w->depth - 1] = true;
        newline(w);
    }
}

static void open_(struct td_jsonw *w, const char *c)
{
    before_item(w);
    if (w->depth >= TD_JW_MAXDEPTH) {
        w->err = TD_ERR_LIMIT;
        return;
    }
    puts_(w, c);
    w->nonempty[w->depth++] = false;
}

static void close_(struct td_jsonw *w, const char *c)
{
    if (w->depth <= 0) {
        w->err = TD_ERR_LIMIT;
        return;
    }
    bool had = w->nonempty[--w->depth];
    if (had)
        newline(w);
    puts_(w, c);
}

void td_jw_obj_begin(struct td_jsonw *w) { open_(w, "{"); }
void td_jw_obj_end(struct td_jsonw *w) { close_(w, "}"); }
void td_jw_arr_begin(struct td_jsonw *w) { open_(w, "["); }
void td_jw_arr_end(struct td_jsonw *w) { close_(w, "]"); }

/* 1: the byte needs an escape; 2: start of a UTF-8 sequence to check. */
static const unsigned char esc_class[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
    [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
    [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
    [0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
    [0x80 ... 0xff] = 2,
};

static void escaped(struct td_jsonw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned char cls = esc_class[c];
        if (cls == 0) {
            run++;
            continue;
        }
        const char *rep = NULL;
        char buf[7];
        if (cls == 2) {
            /* Keep valid UTF-8 sequences, escape stray bytes as U+FFFD. */
            size_t need = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 && c < 0xf0
                        ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            bool ok = need && i + need <= n;
            for (size_t k = 1; ok && k < need; k++)
                ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
            if (ok) {
                i += need - 1;
                run += need;
                continue;
            }
            rep = "\\ufffd";
        } else {
            switch (c) {
            case '"': rep = "\\\""; break;
            case '\\': rep = "\\\\"; break;
            case '\n': rep = "\\n"; break;
            case '\r': rep = "\\r"; break;
            case '\t': rep = "\\t"; break;
            default:
                buf[0] = '\\'; buf[1] = 'u'; buf[2] = '0'; buf[3] = '0';
                buf[4] = hex[c >> 4]; buf[5] = hex[c & 15]; buf[6] = 0;
                rep = buf;
            }
        }
        put(w, s + i - run, run);
        run = 0;
        puts_(w, rep);
    }
    put(w, s + n - run, run);
    put(w, "\"", 1);
}

void td_jw_key(struct td_jsonw *w, const char *key)
{
    before_item(w);
    /* Keys are identifiers written in this program: no escaping. */
    put(w, "\"", 1);
    puts_(w, key);
    put(w, "\"", 1);
    put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = true;
}

void td_jw_strn(struct td_jsonw *w, const char *s, size_t n)
{
    before_item(w);
    escaped(w, s, n);
}

void td_jw_str(struct td_jsonw *w, const char *s)
{
    if (!s) {
        td_jw_null(w);
        return;
    }
    td_jw_strn(w, s, strlen(s));
}

static void put_uint(struct td_jsonw *w, uint64_t v, bool neg)
{
    char buf[24];
    size_t k = sizeof(buf);
    do {
        buf[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        buf[--k] = '-';
    put(w, buf + k, sizeof(buf) - k);
}

void td_jw_int(struct td_jsonw *w, int64_t v)
{
    before_item(w);
    if (v < 0)
        put_uint(w, (uint64_t)0 - (uint64_t)v, true);
    else
        put_uint(w, (uint64_t)v, false);
}

void td_jw_uint(struct td_jsonw *w, uint64_t v)
{
    before_item(w);
    put_uint(w, v, false);
}

void td_jw_bool(struct td_jsonw *w, bool v)
{
    before_item(w);
    puts_(w, v ? "true" : "false");
}

void td_jw_null(struct td_jsonw *w)
{
    before_item(w);
    puts_(w, "null");
}

void td_jw_hex(struct td_jsonw *w, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char buf[128];
    size_t k = 0;
    before_item(w);
    put(w, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        buf[k++] = hex[p[i] >> 4];
        buf[k++] = hex[p[i] & 15];
        if (k == sizeof(buf)) {
            put(w, buf, k);
            k = 0;
        }
    }
    put(w, buf, k);
    put(w, "\"", 1);
}

void td_jw_raw_newline(struct td_jsonw *w)
{
    put(w, "\n", 1);
}

void td_jw_flush(struct td_jsonw *w)
{
    flush_buf(w);
}

int td_jw_finish(struct td_jsonw *w)
{
    put(w, "\n", 1);
    flush_buf(w);
    if (!w->err && fflush(w->f) != 0)
        w->err = TD_ERR_IO;
    return w->err;
}

void td_jw_kstr(struct td_jsonw *w, const char *k, const char *s)
{
    td_jw_key(w, k);
    td_jw_str(w, s);
}

void td_jw_kint(struct td_jsonw *w, const char *k, int64_t v)
{
    td_jw_key(w, k);
    td_jw_int(w, v);
}

void td_jw_kbool(struct td_jsonw *w, const char *k, bool v)
{
    td_jw_key(w, k);
    td_jw_bool(w, v);
}
