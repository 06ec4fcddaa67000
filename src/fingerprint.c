/* fingerprint.c - JA3 and JA4 of a ClientHello.
 *
 * JA3 (salesforce/ja3): md5 of
 *   "legacy_version,suites,extensions,groups,point_formats"
 * in decimal, '-' separated, wire order, GREASE values left out.
 * JA4 (FoxIO JA4 spec, TLS over TCP):
 *   a: "t" + version + ('d' SNI present | 'i') + 2-digit suite count +
 *      2-digit extension count + first/last character of the first ALPN;
 *   b: first 12 hex of SHA-256 of the sorted suites ("0a0b,c02f");
 *   c: first 12 hex of SHA-256 of the sorted extensions without SNI and
 *      ALPN, then "_" and the signature algorithms in wire order.
 * GREASE is ignored everywhere; counts stop at 99.
 */
#include "decode_int.h"

#include "tlsdiag/registry.h"

#include <mbedtls/md5.h>
#include <mbedtls/sha256.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct strb {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_add(struct strb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* Append v in decimal (fmt "%u") or as 4 lowercase hex digits ("%04x"),
 * after sepc when sep; no printf, this runs for every ClientHello. */
static void sb_num(struct strb *b, unsigned v, const char *fmt, bool sep,
                   char sepc)
{
    static const char hex[] = "0123456789abcdef";
    char t[16];
    size_t k = sizeof(t);
    if (fmt[1] == '0') {
        for (int i = 0; i < 4; i++) {
            t[--k] = hex[v & 15];
            v >>= 4;
        }
    } else {
        do {
            t[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
    }
    if (sep)
        sb_add(b, &sepc, 1);
    sb_add(b, t + k, sizeof(t) - k);
}

static void ja3(struct td_client_hello *ch)
{
    struct strb b = {0};
    bool first = true;
    sb_num(&b, ch->legacy_version, "%u", false, 0);
    sb_add(&b, ",", 1);
    for (size_t i = 0; i < ch->cipher_suites.n; i++) {
        if (td_reg_is_grease(ch->cipher_suites.v[i]))
            continue;
        sb_num(&b, ch->cipher_suites.v[i], "%u", !first, '-');
        first = false;
    }
    sb_add(&b, ",", 1);
    first = true;
    for (size_t i = 0; i < ch->extensions.n; i++) {
        if (td_reg_is_grease(ch->extensions.v[i].type))
            continue;
        sb_num(&b, ch->extensions.v[i].type, "%u", !first, '-');
        first = false;
    }
    sb_add(&b, ",", 1);
    first = true;
    for (size_t i = 0; i < ch->groups.n; i++) {
        if (td_reg_is_grease(ch->groups.v[i]))
            continue;
        sb_num(&b, ch->groups.v[i], "%u", !first, '-');
        first = false;
    }
    sb_add(&b, ",", 1);
    for (size_t i = 0; i < ch->point_formats.n; i++)
        sb_num(&b, ch->point_formats.v[i], "%u", i > 0, '-');
    if (!b.oom && b.p) {
        unsigned char md[16];
        if (mbedtls_md5_ret((const unsigned char *)b.p, b.len, md) == 0)
            for (int i = 0; i < 16; i++)
                snprintf(ch->ja3 + 2 * i, 3, "%02x", md[i]);
    }
    free(b.p);
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return x < y ? -1 : x > y;
}

/* First 12 hex digits of SHA-256 of s, or twelve zeros when s is empty. */
static void sha12(const struct strb *b, char out[13])
{
    if (!b->p || b->len == 0 || b->oom) {
        memcpy(out, "000000000000", 13);
        return;
    }
    unsigned char md[32];
    mbedtls_sha256_ret((const unsigned char *)b->p, b->len, md, 0);
    for (int i = 0; i < 6; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static char alnum_or_hex(unsigned char c, bool first_char)
{
    static const char hex[] = "0123456789abcdef";
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z'))
        return (char)c;
    return hex[first_char ? c >> 4 : c & 15];
}

static void ja4(struct td_client_hello *ch)
{
    /* Highest non-GREASE supported_versions entry, else legacy_version. */
    uint16_t ver = ch->legacy_version, best = 0;
    for (size_t i = 0; i < ch->versions.n; i++)
        if (!td_reg_is_grease(ch->versions.v[i]) && ch->versions.v[i] > best)
            best = ch->versions.v[i];
    if (best)
        ver = best;
    const char *vs = ver == 0x0304 ? "13" : ver == 0x0303 ? "12"
                   : ver == 0x0302 ? "11" : ver == 0x0301 ? "10"
                   : ver == 0x0300 ? "s3" : ver == 0x0002 ? "s2" : "00";
    size_t nsuites = 0, next = 0;
    uint16_t *suites = malloc((ch->cipher_suites.n + 1) * sizeof(uint16_t));
    uint16_t *exts = malloc((ch->extensions.n + 1) * sizeof(uint16_t));
    if (!suites || !exts) {
        free(suites);
        free(exts);
        return;
    }
    for (size_t i = 0; i < ch->cipher_suites.n; i++)
        if (!td_reg_is_grease(ch->cipher_suites.v[i]))
            suites[nsuites++] = ch->cipher_suites.v[i];
    size_t ext_count = 0;
    for (size_t i = 0; i < ch->extensions.n; i++) {
        uint16_t t = ch->extensions.v[i].type;
        if (td_reg_is_grease(t))
            continue;
        ext_count++;
        if (t != TD_EXT_SERVER_NAME && t != TD_EXT_ALPN)
            exts[next++] = t;
    }
    char alpn[3] = "00";
    if (ch->alpn.n && ch->alpn.v[0] && ch->alpn.v[0][0]) {
        const char *a = ch->alpn.v[0];
        size_t l = strlen(a);
        alpn[0] = alnum_or_hex((unsigned char)a[0], true);
        alpn[1] = alnum_or_hex((unsigned char)a[l - 1], false);
    }
    qsort(suites, nsuites, sizeof(uint16_t), cmp_u16);
    qsort(exts, next, sizeof(uint16_t), cmp_u16);
    struct strb sb = {0}, eb = {0};
    for (size_t i = 0; i < nsuites; i++)
        sb_num(&sb, suites[i], "%04x", i > 0, ',');
    for (size_t i = 0; i < next; i++)
        sb_num(&eb, exts[i], "%04x", i > 0, ',');
    bool first = true;
    for (size_t i = 0; i < ch->sigalgs.n; i++) {
        if (td_reg_is_grease(ch->sigalgs.v[i]))
            continue;
        sb_num(&eb, ch->sigalgs.v[i], "%04x", true, first ? '_' : ',');
        first = false;
    }
    char hb[13], hc[13];
    sha12(&sb, hb);
    if (next == 0)
        memcpy(hc, "000000000000", 13);
    else
        sha12(&eb, hc);
    snprintf(ch->ja4, sizeof(ch->ja4), "t%s%c%02zu%02zu%s_%s_%s", vs,
             ch->sni ? 'd' : 'i', nsuites > 99 ? 99 : nsuites,
             ext_count > 99 ? 99 : ext_count, alpn, hb, hc);
    free(sb.p);
    free(eb.p);
    free(suites);
    free(exts);
}

void td_fingerprint(struct td_client_hello *ch)
{
    ch->ja3[0] = 0;
    ch->ja4[0] = 0;
    if (ch->from_text)
        return;
    ja3(ch);
    if (!ch->sslv2)
        ja4(ch);
}
