/* hexin.c - turn text a user pasted into bytes; see hexin.h.
 *
 * Implementation notes
 *
 * The text goes through up to three readers:
 *
 *  1. Dump reader.  A line is a dump row when it holds an offset followed
 *     by byte tokens: `0010:  82 ef ..  ....` (mbedTLS, any prefix before
 *     the offset), `00000010: 8203 1600  ....` (xxd), `00000010  82 03 ..
 *     |....|` (hexdump -C), `000010 82 03 ..` (od), `0010   82 03 ..`
 *     (Wireshark), `0x0010:  4500 ..` (tcpdump -X), `0x20001000:\t0x16 ..`
 *     (gdb x/xb).  An offset followed by ':' is "strong"; one followed by
 *     blanks only is "weak".  The leftmost strong offset with a byte token
 *     after it wins, else the leftmost weak one, so that prefixes such as
 *     `ssl_msg.c:2950: |4| ` or `D (1234) mbedtls: ssl_msg.c:4078 ` are
 *     passed over.
 *
 *     The input is a dump when most of its non-empty lines are rows
 *     (`dumping '...' (N bytes)` headers, `*` lines and lone final offsets
 *     do not count against it).  Weak rows alone must also have offsets
 *     that agree with the bytes on each row (in base 16, 8 or 10: od prints
 *     octal by default), otherwise grouped plain hex such as `1603 0100`
 *     would be taken for a dump.
 *
 *     The ASCII column is dropped by structure, never by content: a row
 *     that is followed by another row of the same dump holds exactly
 *     (next offset - offset) bytes; the last row of a dump holds the byte
 *     tokens up to the row width (the common offset step, 16 by default)
 *     or up to the first gap of two or more blanks (the padding before the
 *     ASCII column), except the single two-blank gap in the middle of a
 *     hexdump -C row.  `*` (repeated rows) is expanded from the offsets.
 *
 *  2. Plain hex reader: hex digits with any of ` \t\r\n:,-;{}[]()` between
 *     bytes or none, `0x` prefixes, `\x` escapes, C/Python string literals
 *     that use escapes, and C arrays: the declaration before `= {` and any
 *     text after the closing `}` (xxd -i's `unsigned int x_len = 122;`) are
 *     skipped and comments inside the braces are ignored.  Each run of hex
 *     digits must have an even length.
 *
 *  3. Base64 reader (standard and URL-safe alphabets, padding optional,
 *     line breaks anywhere, PEM armour: only the blocks are read).
 *
 * AUTO tries the hex readers first and falls back to base64 only when the
 * text is not hex; when both fail, the error that came later in the text
 * is reported (the reader that got further is the one the user meant).
 *
 * All scanning is by offsets into the caller's text, bounded by its
 * length; no reader allocates except the output buffer, which is capped.
 */
#include "hexin.h"

#include "tlsdiag/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_BYTEBUF_DEFAULT_MAX ((size_t)64 << 20)
#define ROW_MAX_SAVED 256 /* widest row `*` can repeat */
#define TOKEN_SHOW_MAX 16 /* characters of a token quoted in errors */

/* ---- byte buffer -------------------------------------------------------- */

void td_bytebuf_free(struct td_bytebuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
    b->cap = 0;
}

int td_bytebuf_append(struct td_bytebuf *b, const void *p, size_t n)
{
    size_t max = b->max ? b->max : TD_BYTEBUF_DEFAULT_MAX;

    if (n == 0)
        return TD_OK;
    if (b->n > max || n > max - b->n)
        return TD_ERR_LIMIT;
    if (n > b->cap - b->n) {
        size_t cap = b->cap ? b->cap : 256;
        while (n > cap - b->n)
            cap = cap > max / 2 ? max : cap * 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q)
            return TD_ERR_NOMEM;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return TD_OK;
}

/* ---- decoding context --------------------------------------------------- */

/* Output staging (one append per block, not per byte) with a sticky
 * error. */
struct sink {
    struct td_bytebuf *out;
    size_t count; /* bytes put through this sink */
    size_t n;
    int err;
    uint8_t buf[512];
};

struct hx {
    const char *t;
    size_t len;
    struct sink sink;
    char *why;
    size_t whylen;
    size_t err_off;  /* where the first error is (for AUTO) */
    int err;         /* first error, sticky */
    bool b64_strict; /* AUTO: no blanks inside a base64 line */
    bool pem;        /* PEM armour was seen */
};

static void sink_flush(struct sink *k)
{
    if (!k->err && k->n)
        k->err = td_bytebuf_append(k->out, k->buf, k->n);
    k->n = 0;
}

static void sink_put(struct sink *k, uint8_t b)
{
    if (k->n == sizeof(k->buf))
        sink_flush(k);
    k->buf[k->n++] = b;
    k->count++;
}

static void set_why(struct hx *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_why(struct hx *h, const char *fmt, ...)
{
    va_list ap;

    if (!h->why || h->whylen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(h->why, h->whylen, fmt, ap);
    va_end(ap);
}

/* 1-based line and column (in characters: UTF-8 continuation bytes do not
 * count) of byte offset off. */
static void line_col(const char *t, size_t len, size_t off, size_t *line,
                     size_t *col)
{
    size_t l = 1, c = 1;

    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xc0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Record the first error: "line L, column C: <message>". */
static int fail_at(struct hx *h, size_t off, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(struct hx *h, size_t off, int err, const char *fmt, ...)
{
    char msg[160];
    size_t line, col;
    va_list ap;

    if (h->err)
        return h->err;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    line_col(h->t, h->len, off, &line, &col);
    set_why(h, "line %zu, column %zu: %s", line, col, msg);
    h->err = err;
    h->err_off = off;
    return err;
}

/* An output error (limit, memory) of the sink, as the context's error. */
static int sink_check(struct hx *h)
{
    if (h->err)
        return h->err;
    if (!h->sink.err)
        return TD_OK;
    h->err = h->sink.err;
    h->err_off = h->len;
    if (h->err == TD_ERR_LIMIT) {
        struct td_bytebuf *b = h->sink.out;
        set_why(h, "the decoded bytes exceed the limit of %zu bytes",
                b->max ? b->max : TD_BYTEBUF_DEFAULT_MAX);
    } else {
        set_why(h, "out of memory");
    }
    return h->err;
}

/* ---- characters --------------------------------------------------------- */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The byte that two hex digits spell; the caller has checked both with
 * hexval(). */
static uint8_t hexbyte(const char *s)
{
    return (uint8_t)((unsigned)hexval((unsigned char)s[0]) << 4 |
                     (unsigned)hexval((unsigned char)s[1]));
}

static bool is_alnum_(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
}

/* Length in bytes of the blank character at t[i] (i < e), 0 when it is
 * not one.  Besides ASCII blanks: the Unicode spaces that copying from web
 * pages and word processors brings in (no-break, thin, zero-width, BOM). */
static size_t blank_len(const char *t, size_t e, size_t i)
{
    unsigned char c = (unsigned char)t[i];

    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xc2 && e - i >= 2 && (unsigned char)t[i + 1] == 0xa0)
        return 2; /* U+00A0 */
    if (e - i >= 3) {
        unsigned char c1 = (unsigned char)t[i + 1];
        unsigned char c2 = (unsigned char)t[i + 2];
        if (c == 0xe2 && c1 == 0x80 &&
            ((c2 >= 0x80 && c2 <= 0x8b) || c2 == 0xaf))
            return 3; /* U+2000..200B */
        if (c == 0xe2 && c1 == 0x81 && c2 == 0x9f)
            return 3; /* U+205F */
        if (c == 0xe3 && c1 == 0x80 && c2 == 0x80)
            return 3; /* U+3000 */
        if (c == 0xef && c1 == 0xbb && c2 == 0xbf)
            return 3; /* BOM */
    }
    return 0;
}

/* Describe the character at t[off] for an error message. */
static void describe_char(const char *t, size_t len, size_t off, char *buf,
                          size_t n)
{
    unsigned char c = (unsigned char)t[off];

    if (c > 0x20 && c < 0x7f) {
        snprintf(buf, n, "'%c'", c);
    } else if (c == ' ') {
        snprintf(buf, n, "a space");
    } else if (c < 0x80) {
        snprintf(buf, n, "control character 0x%02x", c);
    } else {
        /* A UTF-8 sequence: name its code point when it is well formed. */
        size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        uint32_t cp = c & (need == 4 ? 0x07 : need == 3 ? 0x0f : 0x1f);
        bool ok = need != 0 && len - off >= need;
        for (size_t k = 1; ok && k < need; k++) {
            unsigned char cc = (unsigned char)t[off + k];
            if ((cc & 0xc0) != 0x80)
                ok = false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (ok)
            snprintf(buf, n, "character U+%04X", (unsigned)cp);
        else
            snprintf(buf, n, "byte 0x%02x", c);
    }
}

static int fail_char(struct hx *h, size_t off, const char *what)
{
    char d[40];

    describe_char(h->t, h->len, off, d, sizeof(d));
    return fail_at(h, off, TD_ERR_MALFORMED, "%s %s", d, what);
}

/* ---- lines and tokens --------------------------------------------------- */

/* Next line of t[0..len) from *pos: [*s, *e) without "\n" or "\r\n". */
static bool next_line(const char *t, size_t len, size_t *pos, size_t *s,
                      size_t *e)
{
    size_t i = *pos;

    if (i >= len)
        return false;
    const char *nl = memchr(t + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - t) : len;
    *s = i;
    *pos = nl ? end + 1 : len;
    if (end > i && t[end - 1] == '\r')
        end--;
    *e = end;
    return true;
}

/* Skip blanks from i; *cols (may be NULL) gets how many characters. */
static size_t skip_blanks(const char *t, size_t e, size_t i, size_t *cols)
{
    size_t n = 0, k;

    while (i < e && (k = blank_len(t, e, i)) != 0) {
        i += k;
        n++;
    }
    if (cols)
        *cols = n;
    return i;
}

/* End of the token (run of non-blanks) that starts at i. */
static size_t token_end(const char *t, size_t e, size_t i)
{
    while (i < e && blank_len(t, e, i) == 0)
        i++;
    return i;
}

/* Bytes in a dump byte token t[i..j): 2k hex digits give k, "0xHH" (gdb)
 * gives 1; anything else 0. */
static size_t token_bytes(const char *t, size_t i, size_t j)
{
    size_t n = j - i;

    if (n == 4 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
        hexval((unsigned char)t[i + 2]) >= 0 &&
        hexval((unsigned char)t[i + 3]) >= 0)
        return 1;
    if (n == 0 || n % 2)
        return 0;
    for (size_t k = i; k < j; k++)
        if (hexval((unsigned char)t[k]) < 0)
            return 0;
    return n / 2;
}

/* Does t[s..e) contain the string lit? */
static bool has_str(const char *t, size_t s, size_t e, const char *lit)
{
    size_t n = strlen(lit);

    for (size_t i = s; e - i >= n && i < e; i++)
        if (memcmp(t + i, lit, n) == 0)
            return true;
    return false;
}

/* ---- dump rows ---------------------------------------------------------- */

enum line_kind {
    LK_BLANK,
    LK_ROW,    /* offset + byte tokens */
    LK_FINAL,  /* an offset alone (hexdump -C, od: the total length) */
    LK_STAR,   /* "*": rows repeated (hexdump, od) */
    LK_HEADER, /* mbedTLS "dumping 'NAME' (N bytes)" */
    LK_OTHER,
};

struct row {
    size_t off_pos; /* offset digits (after any 0x) */
    size_t off_len;
    bool strong;      /* offset followed by ':' */
    bool prefixed;    /* offset written 0x... */
    size_t gap;       /* blanks between the offset and the bytes */
    size_t bytes_pos; /* first byte token */
    size_t avail;     /* bytes in the tokens before any other token */
    size_t end;       /* end of the line */
};

/* An offset candidate at t[i..]: hex run of 4..16 digits (after an
 * optional 0x), not glued to a word before it, then ':' (strong, also
 * after a gdb `<symbol+N>`) or blanks (weak).  On success *next is where
 * the blanks before the first byte token start. */
static bool offset_at(const char *t, size_t s, size_t e, size_t i,
                      struct row *r, size_t *next)
{
    size_t d = i;

    if (i > s && is_alnum_((unsigned char)t[i - 1]))
        return false;
    r->prefixed = false;
    if (e - d >= 2 && t[d] == '0' && (t[d + 1] == 'x' || t[d + 1] == 'X')) {
        d += 2;
        r->prefixed = true;
    }
    size_t j = d;
    while (j < e && j - d <= 16 && hexval((unsigned char)t[j]) >= 0)
        j++;
    if (j - d < 4 || j - d > 16)
        return false;
    if (j < e && is_alnum_((unsigned char)t[j]))
        return false;
    r->off_pos = d;
    r->off_len = j - d;
    r->strong = false;
    if (j < e && t[j] == ':') {
        r->strong = true;
        j++;
    } else if (j < e && blank_len(t, e, j)) {
        /* gdb: "0x20001000 <buf+16>:" */
        size_t k = skip_blanks(t, e, j, NULL);
        if (k < e && t[k] == '<') {
            size_t lim = e - k > 256 ? k + 256 : e;
            const char *gt = memchr(t + k, '>', lim - k);
            if (gt && (size_t)(gt - t) + 1 < e && gt[1] == ':') {
                r->strong = true;
                j = (size_t)(gt - t) + 2;
            }
        }
    } else if (j < e) {
        return false;
    }
    if (j < e && !blank_len(t, e, j))
        return false;
    *next = j;
    return true;
}

/* Classify line t[s..e); fill *r for LK_ROW and LK_FINAL.  Linear in the
 * line length: each candidate looks at one token after it. */
static enum line_kind classify(const char *t, size_t s, size_t e, struct row *r)
{
    size_t first = skip_blanks(t, e, s, NULL);

    if (first == e)
        return LK_BLANK;
    if (t[first] == '*' && skip_blanks(t, e, first + 1, NULL) == e)
        return LK_STAR;

    struct row weak = {0};
    bool have_weak = false;
    for (size_t i = first; i < e; i++) {
        size_t next, gap;
        struct row c;
        if (hexval((unsigned char)t[i]) < 0 ||
            !offset_at(t, s, e, i, &c, &next))
            continue;
        size_t b = skip_blanks(t, e, next, &gap);
        size_t be = token_end(t, e, b);
        if (b == e || token_bytes(t, b, be) == 0) {
            /* "0000007a" alone: the final offset of hexdump/od. */
            if (b == e && i == first && !c.strong) {
                *r = c;
                r->end = e;
                return LK_FINAL;
            }
            i = c.off_pos + c.off_len - 1;
            continue;
        }
        c.gap = gap;
        c.bytes_pos = b;
        c.end = e;
        if (c.strong) {
            *r = c;
            goto found;
        }
        if (!have_weak) {
            weak = c;
            have_weak = true;
        }
        i = c.off_pos + c.off_len - 1;
    }
    if (!have_weak)
        return has_str(t, s, e, "dumping '") && has_str(t, s, e, "bytes)")
                   ? LK_HEADER
                   : LK_OTHER;
    *r = weak;
found:
    r->avail = 0;
    for (size_t i = r->bytes_pos; i < e;) {
        size_t j = token_end(t, e, i);
        size_t nb = token_bytes(t, i, j);
        if (nb == 0)
            break;
        r->avail += nb;
        i = skip_blanks(t, e, j, NULL);
    }
    return LK_ROW;
}

/* The offset in base 16, 8 or 10; false when a digit does not fit. */
static bool offset_value(const char *t, const struct row *r, unsigned base,
                         uint64_t *v)
{
    uint64_t x = 0;

    if (base != 16 && r->prefixed)
        return false;
    for (size_t k = 0; k < r->off_len; k++) {
        int d = hexval((unsigned char)t[r->off_pos + k]);
        if (d < 0 || (unsigned)d >= base)
            return false;
        x = x * base + (unsigned)d;
    }
    *v = x;
    return true;
}

/* Walks the rows of a dump, checking that each offset follows from the
 * row before it.  Used twice: to test a base (quietly), then to decode. */
struct walk {
    unsigned base;
    bool ok;
    bool have_prev;
    bool star;
    bool saw_final;
    bool unchecked;  /* a block had no offset step to check */
    unsigned checks; /* offset steps checked in this block */
    uint64_t prev_off;
    struct row prev;
    uint64_t width; /* offset step of full rows, 0 unknown */
};

enum step { ST_NONE, ST_NEW_BLOCK, ST_NEXT, ST_AFTER_STAR };

/* Feed row r (LK_ROW or LK_FINAL) to w.  Returns how the previous row
 * relates to this one, with *delta the offset step; ST_NONE with w->ok
 * false when the offsets disagree. */
static enum step walk_row(struct walk *w, const char *t, const struct row *r,
                          bool final, uint64_t *delta)
{
    uint64_t off;

    *delta = 0;
    if (!w->ok)
        return ST_NONE;
    if (!offset_value(t, r, w->base, &off)) {
        w->ok = false;
        return ST_NONE;
    }
    if (!w->have_prev) {
        if (final)
            return ST_NONE;
        w->have_prev = true;
        w->prev_off = off;
        w->prev = *r;
        w->star = false;
        w->checks = 0;
        return ST_NONE;
    }
    if (off == 0 && !final) {
        if (w->checks == 0)
            w->unchecked = true;
        w->checks = 0;
        w->prev_off = 0;
        w->prev = *r;
        w->star = false;
        return ST_NEW_BLOCK;
    }
    if (off <= w->prev_off) {
        w->ok = false;
        return ST_NONE;
    }
    uint64_t d = off - w->prev_off;
    enum step st = ST_NEXT;
    if (w->star) {
        uint64_t wd = w->width ? w->width : w->prev.avail;
        if (wd == 0 || w->prev.avail < wd || d % wd != 0) {
            w->ok = false;
            return ST_NONE;
        }
        w->width = wd;
        st = ST_AFTER_STAR;
    } else {
        if (d > w->prev.avail) {
            w->ok = false;
            return ST_NONE;
        }
        if (!final) {
            if (w->width == 0)
                w->width = d;
            else if (d != w->width) {
                w->ok = false;
                return ST_NONE;
            }
        }
    }
    *delta = d;
    w->star = false;
    w->checks++;
    if (final) {
        w->have_prev = false;
        w->saw_final = true;
    } else {
        w->prev_off = off;
        w->prev = *r;
    }
    return st;
}

/* Emit the bytes of row r: exactly count bytes, or with count == 0 the
 * bytes of a last row (up to width, or up to a gap of 2+ blanks that is
 * not the middle gap of a hexdump -C row).  Saves up to ROW_MAX_SAVED
 * bytes of the row in save[] for `*`. */
static int emit_row(struct hx *h, const struct row *r, uint64_t count,
                    uint64_t width, uint8_t *save, size_t *saved)
{
    const char *t = h->t;
    size_t e = r->end;
    uint64_t got = 0;
    size_t i = r->bytes_pos;
    bool first = true;

    if (count > r->avail)
        return fail_at(h, r->bytes_pos, TD_ERR_MALFORMED,
                       "the row has %zu bytes but the next offset needs %llu",
                       r->avail, (unsigned long long)count);
    *saved = 0;
    while (i < e && (count == 0 ? got < width : got < count)) {
        size_t gap;
        size_t b = skip_blanks(t, e, i, &gap);
        if (b == e)
            break;
        if (!first && count == 0 && gap >= 2 && !(gap == 2 && got * 2 == width))
            break;
        size_t j = token_end(t, e, b);
        size_t nb = token_bytes(t, b, j);
        if (nb == 0)
            break;
        size_t p = (nb == 1 && j - b == 4) ? b + 2 : b;
        for (size_t k = 0; k < nb; k++) {
            if (count ? got >= count : got >= width)
                break;
            uint8_t v = hexbyte(t + p);
            p += 2;
            sink_put(&h->sink, v);
            if (*saved < ROW_MAX_SAVED)
                save[(*saved)++] = v;
            got++;
        }
        first = false;
        i = j;
    }
    return sink_check(h);
}

/* Fill the rows a `*` stood for: (delta / width - 1) copies of the row. */
static int emit_repeats(struct hx *h, const struct row *r, uint64_t delta,
                        uint64_t width, const uint8_t *save, size_t saved)
{
    if (width == 0 || width > ROW_MAX_SAVED || saved < width)
        return fail_at(h, r->bytes_pos, TD_ERR_MALFORMED,
                       "cannot repeat a row of %llu bytes for '*'",
                       (unsigned long long)width);
    for (uint64_t n = delta / width - 1; n > 0; n--) {
        for (uint64_t k = 0; k < width; k++)
            sink_put(&h->sink, save[k]);
        if (sink_check(h))
            return h->err;
    }
    return TD_OK;
}

/* Does line t[s..e) consist of hex byte tokens only (a row whose offset
 * was lost)? */
static bool line_all_hex(const char *t, size_t s, size_t e, size_t *at)
{
    size_t i = skip_blanks(t, e, s, NULL);

    *at = i;
    while (i < e) {
        size_t j = token_end(t, e, i);
        if (token_bytes(t, i, j) == 0)
            return false;
        i = skip_blanks(t, e, j, NULL);
    }
    return true;
}

/* Decode a dump in base `base` with row width `width` (0: unknown). */
static int dump_decode(struct hx *h, unsigned base, uint64_t width)
{
    const char *t = h->t;
    size_t pos = 0, s, e;
    struct walk w = {.base = base, .ok = true, .width = width};
    uint8_t save[ROW_MAX_SAVED];
    size_t saved = 0;
    uint64_t wdefault = width ? width : 16;

    while (next_line(t, h->len, &pos, &s, &e)) {
        struct row r;
        enum line_kind k = classify(t, s, e, &r);
        if (k == LK_STAR) {
            if (w.have_prev)
                w.star = true;
            continue;
        }
        if (k == LK_OTHER) {
            size_t at;
            if (line_all_hex(t, s, e, &at))
                return fail_at(h, at, TD_ERR_MALFORMED,
                               "hex bytes without an offset in a dump");
            continue;
        }
        if (k != LK_ROW && k != LK_FINAL)
            continue;
        bool had_prev = w.have_prev;
        struct row prev = w.prev;
        uint64_t prev_off = w.prev_off;
        uint64_t delta;
        enum step st = walk_row(&w, t, &r, k == LK_FINAL, &delta);
        if (!w.ok) {
            uint64_t off = 0;
            offset_value(t, &r, base, &off);
            if (!had_prev)
                return fail_at(h, r.off_pos, TD_ERR_MALFORMED, "bad offset");
            return fail_at(h, r.off_pos, TD_ERR_MALFORMED,
                           "offset 0x%llx does not follow the row at 0x%llx "
                           "(%zu bytes): a row is missing or damaged",
                           (unsigned long long)off,
                           (unsigned long long)prev_off, prev.avail);
        }
        if (!had_prev) {
            if (k == LK_FINAL)
                return fail_at(h, r.off_pos, TD_ERR_MALFORMED,
                               "hex without an offset in a dump");
            continue;
        }
        switch (st) {
        case ST_NEW_BLOCK:
            if (emit_row(h, &prev, 0, wdefault, save, &saved))
                return h->err;
            break;
        case ST_NEXT:
            if (emit_row(h, &prev, delta, wdefault, save, &saved))
                return h->err;
            break;
        case ST_AFTER_STAR:
            if (emit_row(h, &prev, w.width, wdefault, save, &saved) ||
                emit_repeats(h, &prev, delta, w.width, save, saved))
                return h->err;
            break;
        case ST_NONE:
            break;
        }
    }
    if (w.have_prev && emit_row(h, &w.prev, 0, wdefault, save, &saved))
        return h->err;
    sink_flush(&h->sink);
    return sink_check(h);
}

/* First pass: is the text a dump, and in which base?  Returns true for a
 * dump; *base and *width are set.  *rows and *others count the dump rows
 * and the other non-empty lines. */
static bool dump_detect(const char *t, size_t len, unsigned *base,
                        uint64_t *width, size_t *nrows, size_t *nothers)
{
    static const unsigned bases[3] = {16, 8, 10};
    struct walk w[3];
    size_t pos = 0, s, e;
    size_t rows = 0, strong = 0, others = 0;
    struct row first_row = {0};

    for (int b = 0; b < 3; b++)
        w[b] = (struct walk){.base = bases[b], .ok = true};
    while (next_line(t, len, &pos, &s, &e)) {
        struct row r;
        enum line_kind k = classify(t, s, e, &r);
        uint64_t d;
        switch (k) {
        case LK_ROW:
            if (rows == 0)
                first_row = r;
            rows++;
            if (r.strong)
                strong++;
            /* fall through */
        case LK_FINAL:
            for (int b = 0; b < 3; b++)
                walk_row(&w[b], t, &r, k == LK_FINAL, &d);
            break;
        case LK_STAR:
            for (int b = 0; b < 3; b++)
                if (w[b].have_prev)
                    w[b].star = true;
            break;
        case LK_OTHER:
            others++;
            break;
        case LK_BLANK:
        case LK_HEADER:
            break;
        }
    }
    *nrows = rows;
    *nothers = others;
    if (rows == 0 || rows <= others)
        return false;
    for (int b = 0; b < 3; b++) {
        /* Octal and decimal offsets come from od, which has no colon. */
        if (!w[b].ok || (b > 0 && strong > 0))
            continue;
        if (w[b].have_prev && w[b].checks == 0)
            w[b].unchecked = true;
        if (strong == 0 && rows == 1 && !w[b].saw_final) {
            /* One weak row: "0000   16 03 .." (offset 0, or 0x...,
             * then a wide gap), not "1603 0100 7501". */
            uint64_t off = 1;
            offset_value(t, &first_row, bases[b], &off);
            if (first_row.gap < 2 || (off != 0 && !first_row.prefixed))
                continue;
        } else if (strong == 0 && w[b].unchecked) {
            /* Weak offsets must be borne out by the rows of every
             * block: "16030100 7501 ..\n00000000 ..." is plain hex. */
            continue;
        }
        *base = bases[b];
        *width = w[b].width;
        return true;
    }
    if (strong == 0)
        return false;
    *base = 16; /* decode reports where the offsets break */
    *width = w[0].width;
    return true;
}

/* ---- plain hex ---------------------------------------------------------- */

static bool is_sep(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v' || c == ':' || c == ',' || c == '-' || c == ';' ||
           c == '{' || c == '}' || c == '[' || c == ']' || c == '(' || c == ')';
}

/* Characters allowed in a C declaration around an array initialiser:
 * `static const uint8_t hello[122] =` and `unsigned int x_len = 122;`. */
static bool is_decl_char(unsigned char c, bool after)
{
    return is_alnum_(c) || c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
           c == '*' || c == '[' || c == ']' ||
           (after && (c == '=' || c == ';'));
}

/* C array: find the initialiser's braces.  On success [*s, *e) is the
 * text between them. */
static bool c_array(const char *t, size_t len, size_t *s, size_t *e)
{
    const char *ob = memchr(t, '{', len);
    size_t i, o;

    if (!ob)
        return false;
    o = (size_t)(ob - t);
    /* before '{': nothing, or a declaration ending in '=' */
    i = o;
    while (i > 0 && blank_len(t, len, i - 1))
        i--;
    if (i > 0) {
        if (t[i - 1] != '=')
            return false;
        for (size_t k = 0; k + 1 < i; k++)
            if (!is_decl_char((unsigned char)t[k], false) &&
                blank_len(t, len, k) == 0)
                return false;
    }
    const char *cb = memchr(ob, '}', len - o);
    if (!cb)
        return false;
    for (size_t k = (size_t)(cb - t) + 1; k < len; k++)
        if (!is_decl_char((unsigned char)t[k], true) &&
            blank_len(t, len, k) == 0)
            return false;
    *s = o + 1;
    *e = (size_t)(cb - t);
    return true;
}

/* The closing quote of a string literal opened at t[q], on the same line;
 * *esc tells whether it uses backslash escapes.  0 when unterminated. */
static size_t literal_end(const char *t, size_t e, size_t q, bool *esc)
{
    *esc = false;
    for (size_t i = q + 1; i < e && t[i] != '\n'; i++) {
        if (t[i] == '\\') {
            *esc = true;
            i++;
        } else if (t[i] == t[q]) {
            return i;
        }
    }
    return 0;
}

/* Decode the string literal t(q..end) with C/Python escapes. */
static int literal_decode(struct hx *h, size_t q, size_t end)
{
    const char *t = h->t;

    for (size_t i = q + 1; i < end;) {
        unsigned char c = (unsigned char)t[i];
        if (c != '\\') {
            sink_put(&h->sink, c);
            i++;
            continue;
        }
        size_t at = i++;
        c = (unsigned char)t[i++];
        unsigned v = 0;
        int n = 0;
        switch (c) {
        case 'x':
        case 'X':
            while (n < 2 && i < end && hexval((unsigned char)t[i]) >= 0) {
                v = v << 4 | (unsigned)hexval((unsigned char)t[i++]);
                n++;
            }
            if (n == 0)
                return fail_at(h, at, TD_ERR_MALFORMED,
                               "'\\x' without hex digits");
            break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
            v = c - '0';
            while (++n < 3 && i < end && t[i] >= '0' && t[i] <= '7')
                v = v << 3 | (unsigned)(t[i++] - '0');
            if (v > 0xff)
                return fail_at(h, at, TD_ERR_MALFORMED,
                               "octal escape above 0377");
            break;
        case 'n':
            v = '\n';
            break;
        case 'r':
            v = '\r';
            break;
        case 't':
            v = '\t';
            break;
        case 'a':
            v = '\a';
            break;
        case 'b':
            v = '\b';
            break;
        case 'f':
            v = '\f';
            break;
        case 'v':
            v = '\v';
            break;
        case '\\':
        case '\'':
        case '"':
        case '?':
            v = c;
            break;
        default:
            return fail_char(h, i - 1, "is not a known escape");
        }
        sink_put(&h->sink, (uint8_t)v);
    }
    return sink_check(h);
}

/* Plain hex in t[s..e).  cmode: inside C braces, comments are skipped. */
static int plain_decode(struct hx *h, size_t s, size_t e, bool cmode)
{
    const char *t = h->t;
    size_t i = s;

    while (i < e) {
        unsigned char c = (unsigned char)t[i];
        size_t k;
        if ((k = blank_len(t, e, i)) != 0 || is_sep(c)) {
            i += k ? k : 1;
            continue;
        }
        if (cmode && c == '/' && e - i >= 2 && t[i + 1] == '*') {
            const char *end = NULL;
            for (size_t j = i + 2; e - j >= 2; j++)
                if (t[j] == '*' && t[j + 1] == '/') {
                    end = t + j;
                    break;
                }
            if (!end)
                return fail_at(h, i, TD_ERR_MALFORMED,
                               "comment without an end");
            i = (size_t)(end - t) + 2;
            continue;
        }
        if (cmode && c == '/' && e - i >= 2 && t[i + 1] == '/') {
            const char *nl = memchr(t + i, '\n', e - i);
            i = nl ? (size_t)(nl - t) : e;
            continue;
        }
        /* string literal: "\x16\x03", b'\x16\x03\x01\x00u' */
        size_t q = i;
        if (c == 'b' && e - i >= 2 && (t[i + 1] == '\'' || t[i + 1] == '"'))
            q = i + 1;
        if (t[q] == '"' || t[q] == '\'') {
            bool esc;
            size_t end = literal_end(t, e, q, &esc);
            if (end && esc) {
                if (literal_decode(h, q, end))
                    return h->err;
                i = end + 1;
                continue;
            }
            if (q == i) { /* quotes around plain hex */
                i++;
                continue;
            }
        }
        if (c == '\\' && e - i >= 2 && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
            size_t j = i + 2;
            unsigned v = 0;
            while (j < e && j - i < 4 && hexval((unsigned char)t[j]) >= 0)
                v = v << 4 | (unsigned)hexval((unsigned char)t[j++]);
            if (j == i + 2)
                return fail_at(h, i, TD_ERR_MALFORMED,
                               "'\\x' without hex digits");
            sink_put(&h->sink, (uint8_t)v);
            i = j;
            continue;
        }
        if (hexval(c) < 0)
            return fail_char(h, i, "is not a hex digit");
        /* a run of hex digits, or 0x + digits */
        size_t start = i, d = i;
        bool prefixed = false;
        if (c == '0' && e - i >= 2 && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
            prefixed = true;
            d = i + 2;
        }
        size_t j = d;
        while (j < e && hexval((unsigned char)t[j]) >= 0)
            j++;
        if (prefixed && j == d)
            return fail_at(h, start, TD_ERR_MALFORMED,
                           "'0x' without hex digits");
        if (j < e && !blank_len(t, e, j) && !is_sep((unsigned char)t[j]) &&
            !(t[j] == '\\' || t[j] == '"' || t[j] == '\'' ||
              (cmode && t[j] == '/')))
            return fail_char(h, j, "is not a hex digit");
        size_t n = j - d;
        if (n % 2 && !(prefixed && n == 1)) {
            size_t show =
                j - start > TOKEN_SHOW_MAX ? TOKEN_SHOW_MAX : j - start;
            return fail_at(h, start, TD_ERR_MALFORMED,
                           "odd number of hex digits (%zu) in '%.*s%s'", n,
                           (int)show, t + start, show < j - start ? "..." : "");
        }
        if (n == 1) {
            sink_put(&h->sink, (uint8_t)hexval((unsigned char)t[d]));
        } else {
            for (size_t p = d; p < j; p += 2)
                sink_put(&h->sink, hexbyte(t + p));
        }
        if (sink_check(h))
            return h->err;
        i = j;
    }
    sink_flush(&h->sink);
    return sink_check(h);
}

static int hex_decode(struct hx *h)
{
    unsigned base;
    uint64_t width;
    size_t s, e, rows, others;
    int rc;

    if (dump_detect(h->t, h->len, &base, &width, &rows, &others))
        return dump_decode(h, base, width);
    if (c_array(h->t, h->len, &s, &e))
        rc = plain_decode(h, s, e, true);
    else
        rc = plain_decode(h, 0, h->len, false);
    if (rc == TD_ERR_MALFORMED && rows > 0 && h->why) {
        size_t n = strlen(h->why);
        snprintf(h->why + n, h->whylen - n,
                 " (%zu hexdump rows among %zu other lines: paste one "
                 "dump alone)",
                 rows, others);
    }
    return rc;
}

/* ---- base64 ------------------------------------------------------------- */

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Base64 in t[s..e): blanks and line breaks anywhere, '=' padding
 * optional. */
static int b64_region(struct hx *h, size_t s, size_t e)
{
    const char *t = h->t;
    uint32_t acc = 0;
    int nq = 0, pad = 0;
    size_t last = s;
    bool in_line = false, blank_in_line = false;

    for (size_t i = s; i < e;) {
        unsigned char c = (unsigned char)t[i];
        size_t k = blank_len(t, e, i);
        if (k || c == '\n') {
            if (c == '\n')
                in_line = false;
            blank_in_line = in_line && k;
            i += k ? k : 1;
            continue;
        }
        /* Guessing (AUTO): base64 is written in lines without blanks;
         * "16 03 0g" is mistyped hex, not base64. */
        if (h->b64_strict && blank_in_line)
            return fail_at(h, i, TD_ERR_MALFORMED,
                           "a space inside base64 (is this hex?)");
        in_line = true;
        if (c == '=') {
            if (nq < 2 || nq + pad >= 4)
                return fail_char(h, i, "is padding in the wrong place");
            pad++;
            i++;
            continue;
        }
        int v = b64val(c);
        if (v < 0)
            return fail_char(h, i, "is not a base64 character");
        if (pad)
            return fail_char(h, i, "follows the '=' padding");
        acc = acc << 6 | (uint32_t)v;
        last = i;
        if (++nq == 4) {
            sink_put(&h->sink, (uint8_t)(acc >> 16));
            sink_put(&h->sink, (uint8_t)(acc >> 8));
            sink_put(&h->sink, (uint8_t)acc);
            nq = 0;
            acc = 0;
            if (sink_check(h))
                return h->err;
        }
        i++;
    }
    if (nq == 1)
        return fail_at(h, last, TD_ERR_MALFORMED,
                       "base64 ends with a lone character (cut short?)");
    if (nq == 2) {
        sink_put(&h->sink, (uint8_t)(acc >> 4));
    } else if (nq == 3) {
        sink_put(&h->sink, (uint8_t)(acc >> 10));
        sink_put(&h->sink, (uint8_t)(acc >> 2));
    }
    sink_flush(&h->sink);
    return sink_check(h);
}

static bool starts_with(const char *t, size_t s, size_t e, const char *lit)
{
    size_t n = strlen(lit);
    return e - s >= n && memcmp(t + s, lit, n) == 0;
}

/* PEM: decode every -----BEGIN ...----- / -----END ...----- block, with
 * RFC 1421 headers ("Proc-Type: ...", up to a blank line) skipped.  *found
 * tells whether there was armour at all. */
static int pem_decode(struct hx *h, bool *found)
{
    const char *t = h->t;
    size_t pos = 0, s, e, begin = 0, body = 0;
    bool in = false, headers = false;

    *found = false;
    while (next_line(t, h->len, &pos, &s, &e)) {
        size_t f = skip_blanks(t, e, s, NULL);
        if (!in) {
            if (starts_with(t, f, e, "-----BEGIN ")) {
                *found = in = true;
                begin = f;
                body = pos;
                headers = false;
            }
            continue;
        }
        if (starts_with(t, f, e, "-----END")) {
            if (b64_region(h, body, s))
                return h->err;
            in = false;
            continue;
        }
        if (s == body && memchr(t + s, ':', e - s)) {
            headers = true; /* skip up to the blank line */
        }
        if (headers) {
            if (f == e)
                headers = false;
            body = pos;
        }
    }
    if (in)
        return fail_at(h, begin, TD_ERR_MALFORMED,
                       "PEM block without an -----END line");
    return TD_OK;
}

static int b64_decode(struct hx *h)
{
    bool found;
    int rc = pem_decode(h, &found);

    h->pem = found;
    if (rc || found)
        return rc;
    return b64_region(h, 0, h->len);
}

/* ---- entry point -------------------------------------------------------- */

static void hx_init(struct hx *h, const char *text, size_t len,
                    struct td_bytebuf *out, char *why, size_t whylen)
{
    memset(h, 0, sizeof(*h));
    h->t = text;
    h->len = len;
    h->sink.out = out;
    h->why = why;
    h->whylen = whylen;
}

int td_hexin_decode(const char *text, size_t len, enum td_hexin_mode mode,
                    struct td_bytebuf *out, int *used_base64, char *why,
                    size_t whylen)
{
    size_t n0 = out->n;
    struct hx h, hb;
    int rc;

    if (used_base64)
        *used_base64 = 0;
    if (why && whylen)
        why[0] = '\0';
    if (!text) {
        text = "";
        len = 0;
    }
    hx_init(&h, text, len, out, why, whylen);

    if (mode == TD_HEXIN_BASE64) {
        rc = b64_decode(&h);
        if (rc == TD_OK && used_base64)
            *used_base64 = 1;
    } else {
        rc = hex_decode(&h);
        if (rc == TD_ERR_MALFORMED && mode == TD_HEXIN_AUTO) {
            char whyb[200] = "";
            out->n = n0;
            hx_init(&hb, text, len, out, whyb, sizeof(whyb));
            hb.b64_strict = true;
            int rcb = b64_decode(&hb);
            if (rcb != TD_ERR_MALFORMED || hb.pem || hb.err_off > h.err_off) {
                rc = rcb;
                h = hb;
                if (why && whylen)
                    snprintf(why, whylen, "%s", rc ? whyb : "");
                if (rc == TD_OK && used_base64)
                    *used_base64 = 1;
            }
        }
    }
    if (rc == TD_OK && h.sink.count == 0) {
        rc = TD_ERR_EMPTY;
        if (used_base64)
            *used_base64 = 0;
        if (why && whylen)
            snprintf(why, whylen, "the text holds no bytes");
    }
    if (rc != TD_OK)
        out->n = n0;
    return rc;
}
