/* x509.c - certificates through mbedTLS 2.28's X.509 parser; see x509.h.
 *
 * Implementation notes
 *
 * mbedtls_x509_crt_parse_der_nocopy() parses the certificate in place (the
 * DER is not copied).  What mbedTLS does allocate (one node per name
 * attribute, per SAN entry, per policy) grows with the DER, so a
 * certificate above X509_MAX_DER is not handed to it at all; real ones are
 * far smaller (a TLS Certificate entry may be up to 16 MiB).
 *
 * Subject alternative names: 2.28.3 keeps every context-specific
 * GeneralName in crt.subject_alt_names as (tag, raw contents), iPAddress
 * [7] included; it only declines to describe it (crt_info prints
 * "<unsupported>").  dNSName [2] and iPAddress [7] are formatted here from
 * that list.
 *
 * When mbedTLS rejects a certificate (an Ed25519, Ed448 or ML-DSA key, an
 * unknown signature algorithm, a malformed extension), a bounded DER
 * reader (struct td_cur) walks the same structure and takes what it can:
 * names (through mbedtls_x509_get_name() and _dn_gets(), so they read as
 * mbedTLS prints them), validity, key algorithm, SANs, basic constraints,
 * signature algorithm.  `parsed` stays false in that case: the library
 * the device runs cannot use the certificate, which is the fact that
 * matters, and parse_error says why.
 *
 * Certificate (RFC 5280 4.1):
 *   SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   tbsCertificate: SEQUENCE {
 *     [0] version OPTIONAL, serialNumber INTEGER, signature AlgId,
 *     issuer Name, validity SEQUENCE { notBefore, notAfter Time },
 *     subject Name, subjectPublicKeyInfo SEQUENCE { AlgId, BIT STRING },
 *     [1] issuerUID, [2] subjectUID, [3] extensions (all OPTIONAL) }
 *   Extension: SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 *                         extnValue OCTET STRING }
 */
#include "x509.h"

#include "cursor.h"
#include "tlsdiag/err.h"

#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform.h>
#include <mbedtls/x509_crt.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Largest certificate given to mbedTLS (and to the DER reader). */
#define X509_MAX_DER ((size_t)256 << 10)

#define TAG_BOOLEAN 0x01
#define TAG_INTEGER 0x02
#define TAG_BIT_STRING 0x03
#define TAG_OCTET_STRING 0x04
#define TAG_OID 0x06
#define TAG_SEQUENCE 0x30
#define TAG_CTX(n) (0x80 | (n))      /* [n] IMPLICIT, primitive */
#define TAG_CTX_CONS(n) (0xa0 | (n)) /* [n], constructed */

/* ---- strings ------------------------------------------------------------ */

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): plain integer arithmetic, no timegm(), no TZ. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = m > 2 ? m - 3 : m + 9;
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS" and Unix seconds of an mbedTLS time (UTC; mbedTLS
 * has checked the ranges). */
static int set_time(struct td_arena *a, const mbedtls_x509_time *t,
                    const char **s, int64_t *secs)
{
    *secs =
        days_from_civil(t->year, (unsigned)t->mon, (unsigned)t->day) * 86400 +
        (int64_t)t->hour * 3600 + (int64_t)t->min * 60 + t->sec;
    *s = td_arena_printf(a, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->mon,
                         t->day, t->hour, t->min, t->sec);
    return *s ? TD_OK : TD_ERR_NOMEM;
}

/* The distinguished name as mbedTLS prints it ("C=DE, O=x, CN=y"). */
static int set_dn(struct td_arena *a, const mbedtls_x509_name *dn,
                  const char **out)
{
    for (size_t size = 512; size <= 4 * X509_MAX_DER; size *= 4) {
        char *buf = malloc(size);
        if (!buf)
            return TD_ERR_NOMEM;
        int n = mbedtls_x509_dn_gets(buf, size, dn);
        if (n >= 0)
            *out = td_arena_strndup(a, buf, (size_t)n);
        free(buf);
        if (n >= 0)
            return *out ? TD_OK : TD_ERR_NOMEM;
        if (n != MBEDTLS_ERR_X509_BUFFER_TOO_SMALL)
            break;
    }
    return TD_OK; /* left NULL: not printable */
}

/* Dotted form of a DER OID body ("1.3.101.112"), "?" when malformed. */
static void oid_text(const uint8_t *p, size_t n, char *buf, size_t size)
{
    mbedtls_asn1_buf oid = {.tag = TAG_OID, .len = n, .p = (unsigned char *)p};

    if (n == 0 || mbedtls_oid_get_numeric_string(buf, size, &oid) < 0)
        snprintf(buf, size, "?");
}

/* ---- key ---------------------------------------------------------------- */

/* Key fields from a key mbedTLS parsed. */
static int set_key_pk(struct td_arena *a, const mbedtls_pk_context *pk,
                      struct td_cert *out)
{
    mbedtls_pk_type_t type = mbedtls_pk_get_type(pk);
    size_t bits = mbedtls_pk_get_bitlen(pk);

    out->key_bits = (unsigned)bits;
    switch (type) {
    case MBEDTLS_PK_RSA:
    case MBEDTLS_PK_RSA_ALT:
    case MBEDTLS_PK_RSASSA_PSS:
        out->key_type = "RSA";
        out->key = td_arena_printf(a, "RSA %zu", bits);
        break;
    case MBEDTLS_PK_ECKEY:
    case MBEDTLS_PK_ECKEY_DH:
    case MBEDTLS_PK_ECDSA: {
        const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(*pk);
        const mbedtls_ecp_curve_info *ci =
            ec ? mbedtls_ecp_curve_info_from_grp_id(ec->grp.id) : NULL;
        out->key_type = "EC";
        /* tls_id is the IANA TLS Supported Groups value (secp256r1 23,
         * secp384r1 24, secp521r1 25, brainpoolP256r1 26, ...). */
        out->key_group = ci ? ci->tls_id : 0;
        out->key = ci ? td_arena_printf(a, "EC %s %zu", ci->name, bits)
                      : td_arena_printf(a, "EC %zu", bits);
        break;
    }
    default:
        out->key_type = mbedtls_pk_get_name(pk);
        out->key = td_arena_printf(a, "%s %zu", out->key_type, bits);
        break;
    }
    return out->key ? TD_OK : TD_ERR_NOMEM;
}

/* ---- SAN ---------------------------------------------------------------- */

/* Add a dNSName [2] or iPAddress [7] (other kinds are left out). */
static int add_san(struct td_arena *a, struct td_cert *out, uint8_t tag,
                   const uint8_t *p, size_t n)
{
    char buf[80];
    const char *s;

    if (tag == TAG_CTX(2)) {
        /* IA5String; like mbedtls_x509_dn_gets(), anything outside
         * printable ASCII reads '?' so no renderer sees raw bytes. */
        char *d = td_arena_strndup(a, (const char *)p, n);
        for (size_t i = 0; d && i < n; i++)
            if (p[i] < 0x20 || p[i] > 0x7e)
                d[i] = '?';
        s = d;
    } else if (tag == TAG_CTX(7)) {
        if (n == 4) {
            snprintf(buf, sizeof(buf), "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        } else if (n == 16) {
            if (!inet_ntop(AF_INET6, p, buf, sizeof(buf)))
                snprintf(buf, sizeof(buf), "?");
        } else {
            /* Not an address (name constraints use 8/32 bytes): keep
             * the bytes as evidence. */
            size_t k = 0;
            k += (size_t)snprintf(buf, sizeof(buf), "0x");
            for (size_t i = 0; i < n && k + 3 < sizeof(buf); i++)
                k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%02x", p[i]);
        }
        s = td_arena_strndup(a, buf, strlen(buf));
    } else {
        return TD_OK;
    }
    if (!s)
        return TD_ERR_NOMEM;
    const char **slot = TD_PUSH(a, out->san);
    if (!slot)
        return TD_ERR_NOMEM;
    *slot = s;
    return TD_OK;
}

/* ---- certificate parsed by mbedTLS -------------------------------------- */

static int from_crt(struct td_arena *a, const mbedtls_x509_crt *crt,
                    struct td_cert *out)
{
    char buf[128];
    int rc;

    if ((rc = set_dn(a, &crt->subject, &out->subject)) ||
        (rc = set_dn(a, &crt->issuer, &out->issuer)) ||
        (rc = set_time(a, &crt->valid_from, &out->not_before,
                       &out->not_before_t)) ||
        (rc =
             set_time(a, &crt->valid_to, &out->not_after, &out->not_after_t)) ||
        (rc = set_key_pk(a, &crt->pk, out)))
        return rc;
    int n = mbedtls_x509_sig_alg_gets(buf, sizeof(buf), &crt->sig_oid,
                                      crt->sig_pk, crt->sig_md, crt->sig_opts);
    if (n >= 0) {
        out->sig_alg = td_arena_strndup(a, buf, (size_t)n);
        if (!out->sig_alg)
            return TD_ERR_NOMEM;
    }
    out->is_ca =
        (crt->ext_types & MBEDTLS_X509_EXT_BASIC_CONSTRAINTS) && crt->ca_istrue;
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s;
         s = s->next) {
        if (s->buf.p &&
            (rc = add_san(a, out, (uint8_t)s->buf.tag, s->buf.p, s->buf.len)))
            return rc;
    }
    return TD_OK;
}

/* ---- bounded DER reader (certificates mbedTLS rejects) ------------------ */

/* One TLV with a low tag number (all of X.509's) and a definite length
 * of up to 4 bytes: *tag, a child cursor over the contents. */
static bool der_tlv(struct td_cur *c, uint8_t *tag, struct td_cur *body)
{
    uint8_t t, l, b;
    size_t n;
    const uint8_t *p;

    if (!td_cur_u8(c, &t) || (t & 0x1f) == 0x1f || !td_cur_u8(c, &l))
        return false;
    n = l;
    if (l & 0x80) {
        size_t k = l & 0x7f;
        if (k == 0 || k > 4)
            return false;
        n = 0;
        while (k--) {
            if (!td_cur_u8(c, &b))
                return false;
            n = n << 8 | b;
        }
    }
    size_t base = td_cur_pos(c);
    if (!td_cur_bytes(c, n, &p))
        return false;
    td_cur_init(body, p, n, base);
    *tag = t;
    return true;
}

/* The next TLV if its tag is `want` (nothing consumed otherwise); *raw
 * (may be NULL) gets the whole TLV, header included. */
static bool der_get(struct td_cur *c, uint8_t want, struct td_cur *body,
                    const uint8_t **raw, size_t *rawlen)
{
    struct td_cur save = *c;
    uint8_t t;

    if (!td_cur_peek_u8(c, 0, &t) || t != want || !der_tlv(c, &t, body)) {
        *c = save;
        return false;
    }
    if (raw) {
        *rawlen = c->off - save.off;
        td_cur_bytes(&save, *rawlen, raw);
    }
    return true;
}

/* A Name (SEQUENCE of RDNs) through mbedtls_x509_get_name(), which in
 * 2.28.3 frees its list itself when it fails (ChangeLog 2.28.2). */
static int fb_name(struct td_arena *a, struct td_cur *name, const char **out)
{
    const uint8_t *p;
    mbedtls_x509_name dn;
    int rc;

    if (td_cur_left(name) == 0) {
        *out = "";
        return TD_OK;
    }
    if (!td_cur_bytes(name, td_cur_left(name), &p))
        return TD_OK;
    unsigned char *q = (unsigned char *)p;
    memset(&dn, 0, sizeof(dn));
    if (mbedtls_x509_get_name(&q, q + name->len, &dn) != 0)
        return TD_OK;
    rc = set_dn(a, &dn, out);
    for (mbedtls_x509_name *cur = dn.next; cur;) {
        mbedtls_x509_name *next = cur->next;
        mbedtls_free(cur);
        cur = next;
    }
    return rc;
}

static int fb_validity(struct td_arena *a, struct td_cur *v,
                       struct td_cert *out)
{
    mbedtls_x509_time from, to;
    const uint8_t *p;

    if (!td_cur_bytes(v, td_cur_left(v), &p))
        return TD_OK;
    unsigned char *q = (unsigned char *)p;
    const unsigned char *end = q + v->len;
    if (mbedtls_x509_get_time(&q, end, &from) != 0 ||
        mbedtls_x509_get_time(&q, end, &to) != 0)
        return TD_OK;
    int rc = set_time(a, &from, &out->not_before, &out->not_before_t);
    if (!rc)
        rc = set_time(a, &to, &out->not_after, &out->not_after_t);
    return rc;
}

/* Key algorithms mbedTLS 2.28 has no parser for. */
static const struct {
    const char *oid;
    const char *name;
    unsigned bits;
} other_keys[] = {
    {"1.3.101.110", "X25519", 256},
    {"1.3.101.111", "X448", 448},
    {"1.3.101.112", "Ed25519", 256},
    {"1.3.101.113", "Ed448", 456},
    {"1.2.840.10040.4.1", "DSA", 0},
    {"1.2.840.113549.1.1.10", "RSA-PSS", 0},
    {"2.16.840.1.101.3.4.3.17", "ML-DSA-44", 0},
    {"2.16.840.1.101.3.4.3.18", "ML-DSA-65", 0},
    {"2.16.840.1.101.3.4.3.19", "ML-DSA-87", 0},
    {"1.2.840.10045.2.1", "EC", 0},
};

/* Signature algorithms mbedTLS 2.28 does not know. */
static const struct {
    const char *oid;
    const char *name;
} other_sigs[] = {
    {"1.3.101.112", "Ed25519"},
    {"1.3.101.113", "Ed448"},
    {"2.16.840.1.101.3.4.3.17", "ML-DSA-44"},
    {"2.16.840.1.101.3.4.3.18", "ML-DSA-65"},
    {"2.16.840.1.101.3.4.3.19", "ML-DSA-87"},
    {"1.2.840.10040.4.3", "DSA with SHA1"},
    {"2.16.840.1.101.3.4.3.2", "DSA with SHA256"},
    {"1.2.156.10197.1.501", "SM2 with SM3"},
};

/* Bits of an RSA modulus in an RSAPublicKey BIT STRING (RSA-PSS keys). */
static unsigned rsa_bits(struct td_cur *bits)
{
    struct td_cur seq, n;
    uint8_t unused, b;

    if (!td_cur_u8(bits, &unused) || unused != 0 ||
        !der_get(bits, TAG_SEQUENCE, &seq, NULL, NULL) ||
        !der_get(&seq, TAG_INTEGER, &n, NULL, NULL))
        return 0;
    while (td_cur_peek_u8(&n, 0, &b) && b == 0)
        td_cur_skip(&n, 1);
    if (!td_cur_peek_u8(&n, 0, &b) || td_cur_left(&n) > 65536)
        return 0;
    unsigned top = 0;
    while (b) {
        top++;
        b >>= 1;
    }
    return (unsigned)(td_cur_left(&n) - 1) * 8 + top;
}

/* The key: through mbedtls_pk_parse_subpubkey() when mbedTLS knows the
 * algorithm, else from the algorithm OID.  *unsupported gets a reason
 * when mbedTLS cannot use the key. */
static int fb_key(struct td_arena *a, const uint8_t *raw, size_t rawlen,
                  struct td_cur *spki, struct td_cert *out,
                  const char **unsupported)
{
    mbedtls_pk_context pk;
    struct td_cur alg, oid, bits;
    const uint8_t *op;
    char dotted[64];
    int rc = TD_OK;

    mbedtls_pk_init(&pk);
    unsigned char *q = (unsigned char *)raw;
    int ret = mbedtls_pk_parse_subpubkey(&q, q + rawlen, &pk);
    if (ret == 0) {
        rc = set_key_pk(a, &pk, out);
        mbedtls_pk_free(&pk);
        return rc;
    }
    mbedtls_pk_free(&pk);
    if (!der_get(spki, TAG_SEQUENCE, &alg, NULL, NULL) ||
        !der_get(&alg, TAG_OID, &oid, NULL, NULL) ||
        !td_cur_bytes(&oid, td_cur_left(&oid), &op))
        return TD_OK;
    oid_text(op, oid.len, dotted, sizeof(dotted));
    for (size_t i = 0; i < sizeof(other_keys) / sizeof(other_keys[0]); i++) {
        if (strcmp(dotted, other_keys[i].oid) != 0)
            continue;
        out->key_type = other_keys[i].name;
        out->key_bits = other_keys[i].bits;
        break;
    }
    if (out->key_type && strcmp(out->key_type, "EC") == 0) {
        /* id-ecPublicKey on a curve mbedTLS does not have */
        struct td_cur curve;
        const uint8_t *cp;
        char cdot[64] = "explicit parameters";
        if (der_get(&alg, TAG_OID, &curve, NULL, NULL) &&
            td_cur_bytes(&curve, td_cur_left(&curve), &cp))
            oid_text(cp, curve.len, cdot, sizeof(cdot));
        out->key = td_arena_printf(a, "EC %s", cdot);
        if (ret == MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE)
            *unsupported = td_arena_printf(
                a, "EC curve not supported by mbedTLS 2.28 (OID %s)", cdot);
    } else {
        if (out->key_type && strcmp(out->key_type, "RSA-PSS") == 0 &&
            der_get(spki, TAG_BIT_STRING, &bits, NULL, NULL))
            out->key_bits = rsa_bits(&bits);
        if (!out->key_type)
            out->key_type = td_arena_printf(a, "OID %s", dotted);
        /* "RSA-PSS 2048"; the curve keys are named by their type alone
         * ("Ed25519"), as their size follows from it. */
        if (!out->key_type)
            out->key = NULL;
        else if (strcmp(out->key_type, "RSA-PSS") == 0 && out->key_bits)
            out->key = td_arena_printf(a, "RSA-PSS %u", out->key_bits);
        else
            out->key = out->key_type;
        if (ret == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG)
            *unsupported = td_arena_printf(
                a, "key type not supported by mbedTLS 2.28 (OID %s)", dotted);
    }
    if (!out->key_type || !out->key)
        rc = TD_ERR_NOMEM;
    return rc;
}

/* subjectAltName and basicConstraints from the [3] extensions. */
static int fb_extensions(struct td_arena *a, struct td_cur *exts,
                         struct td_cert *out)
{
    static const uint8_t oid_san[] = {0x55, 0x1d, 0x11};
    static const uint8_t oid_bc[] = {0x55, 0x1d, 0x13};
    struct td_cur list, ext, oid, val, crit, inner, gn;
    const uint8_t *op, *vp;
    uint8_t tag;
    int rc;

    if (!der_get(exts, TAG_SEQUENCE, &list, NULL, NULL))
        return TD_OK;
    while (der_get(&list, TAG_SEQUENCE, &ext, NULL, NULL)) {
        if (!der_get(&ext, TAG_OID, &oid, NULL, NULL) ||
            !td_cur_bytes(&oid, td_cur_left(&oid), &op))
            return TD_OK;
        der_get(&ext, TAG_BOOLEAN, &crit, NULL, NULL);
        if (!der_get(&ext, TAG_OCTET_STRING, &val, NULL, NULL))
            return TD_OK;
        if (oid.len == sizeof(oid_san) &&
            memcmp(op, oid_san, sizeof(oid_san)) == 0 &&
            der_get(&val, TAG_SEQUENCE, &inner, NULL, NULL)) {
            while (der_tlv(&inner, &tag, &gn)) {
                if (!td_cur_bytes(&gn, td_cur_left(&gn), &vp))
                    break;
                if ((rc = add_san(a, out, tag, vp, gn.len)))
                    return rc;
            }
        } else if (oid.len == sizeof(oid_bc) &&
                   memcmp(op, oid_bc, sizeof(oid_bc)) == 0 &&
                   der_get(&val, TAG_SEQUENCE, &inner, NULL, NULL)) {
            uint8_t ca;
            if (der_get(&inner, TAG_BOOLEAN, &crit, NULL, NULL) &&
                td_cur_u8(&crit, &ca))
                out->is_ca = ca != 0;
        }
    }
    return TD_OK;
}

static int fb_sig_alg(struct td_arena *a, const uint8_t *raw, size_t rawlen,
                      struct td_cur *algid, struct td_cert *out)
{
    mbedtls_x509_buf oid, params;
    mbedtls_md_type_t md;
    mbedtls_pk_type_t pk;
    void *opts = NULL;
    char buf[128];
    struct td_cur o;
    const uint8_t *op;

    unsigned char *q = (unsigned char *)raw;
    memset(&oid, 0, sizeof(oid));
    memset(&params, 0, sizeof(params));
    if (mbedtls_x509_get_alg(&q, q + rawlen, &oid, &params) == 0 &&
        mbedtls_x509_get_sig_alg(&oid, &params, &md, &pk, &opts) == 0) {
        int n = mbedtls_x509_sig_alg_gets(buf, sizeof(buf), &oid, pk, md, opts);
        mbedtls_free(opts);
        if (n >= 0) {
            out->sig_alg = td_arena_strndup(a, buf, (size_t)n);
            return out->sig_alg ? TD_OK : TD_ERR_NOMEM;
        }
    }
    if (!der_get(algid, TAG_OID, &o, NULL, NULL) ||
        !td_cur_bytes(&o, td_cur_left(&o), &op))
        return TD_OK;
    oid_text(op, o.len, buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(other_sigs) / sizeof(other_sigs[0]); i++)
        if (strcmp(buf, other_sigs[i].oid) == 0) {
            out->sig_alg = other_sigs[i].name;
            return TD_OK;
        }
    out->sig_alg = td_arena_printf(a, "OID %s", buf);
    return out->sig_alg ? TD_OK : TD_ERR_NOMEM;
}

/* Everything the DER reader can take from a certificate mbedTLS
 * rejected.  Stops quietly at the first structure it cannot read. */
static int from_der(struct td_arena *a, const uint8_t *der, size_t len,
                    struct td_cert *out, const char **unsupported)
{
    struct td_cur top, cert, tbs, x, name, validity, spki, algid;
    const uint8_t *raw;
    size_t rawlen;
    uint8_t tag;
    int rc;

    td_cur_init(&top, der, len, 0);
    if (!der_get(&top, TAG_SEQUENCE, &cert, NULL, NULL) ||
        !der_get(&cert, TAG_SEQUENCE, &tbs, NULL, NULL))
        return TD_OK;
    /* signatureAlgorithm, after the tbsCertificate */
    if (der_get(&cert, TAG_SEQUENCE, &algid, &raw, &rawlen) &&
        (rc = fb_sig_alg(a, raw, rawlen, &algid, out)))
        return rc;
    der_get(&tbs, TAG_CTX_CONS(0), &x, NULL, NULL);
    if (!der_get(&tbs, TAG_INTEGER, &x, NULL, NULL) ||
        !der_get(&tbs, TAG_SEQUENCE, &x, NULL, NULL))
        return TD_OK;
    if (!der_get(&tbs, TAG_SEQUENCE, &name, NULL, NULL))
        return TD_OK;
    if ((rc = fb_name(a, &name, &out->issuer)))
        return rc;
    if (!der_get(&tbs, TAG_SEQUENCE, &validity, NULL, NULL))
        return TD_OK;
    if ((rc = fb_validity(a, &validity, out)))
        return rc;
    if (!der_get(&tbs, TAG_SEQUENCE, &name, NULL, NULL))
        return TD_OK;
    if ((rc = fb_name(a, &name, &out->subject)))
        return rc;
    if (!der_get(&tbs, TAG_SEQUENCE, &spki, &raw, &rawlen))
        return TD_OK;
    if ((rc = fb_key(a, raw, rawlen, &spki, out, unsupported)))
        return rc;
    while (der_tlv(&tbs, &tag, &x)) {
        if (tag == TAG_CTX_CONS(3))
            return fb_extensions(a, &x, out);
    }
    return TD_OK;
}

/* ---- entry point -------------------------------------------------------- */

int td_x509_parse(struct td_arena *a, const uint8_t *der, size_t len,
                  struct td_cert *out)
{
    struct td_evidence where = out->where;
    mbedtls_x509_crt crt;
    const char *unsupported = NULL;
    char err[160];
    int rc;

    memset(out, 0, sizeof(*out));
    out->where = where;
    out->der_len = len;
    if (!der)
        len = 0;
    /* Kept for verification by the probe (probembedtls.h); bounded like
     * everything in the arena. */
    if (len && len <= X509_MAX_DER)
        out->der = td_arena_memdup(a, der, len);
    if (len > X509_MAX_DER) {
        out->parse_error = td_arena_printf(
            a,
            "certificate of %zu bytes is larger than the %zu bytes "
            "tlsdiag parses",
            len, X509_MAX_DER);
        return out->parse_error ? TD_OK : TD_ERR_NOMEM;
    }
    mbedtls_x509_crt_init(&crt);
    int ret = len ? mbedtls_x509_crt_parse_der_nocopy(&crt, der, len)
                  : MBEDTLS_ERR_X509_INVALID_FORMAT;
    if (ret == 0) {
        out->parsed = true;
        rc = from_crt(a, &crt, out);
        mbedtls_x509_crt_free(&crt);
        return rc;
    }
    mbedtls_x509_crt_free(&crt);

    rc = len ? from_der(a, der, len, out, &unsupported) : TD_OK;
    if (rc)
        return rc;
    if (unsupported) {
        out->parse_error = unsupported;
    } else {
        mbedtls_strerror(ret, err, sizeof(err));
        out->parse_error =
            td_arena_printf(a, "%s (-0x%04x)", err, (unsigned)-ret);
    }
    return out->parse_error ? TD_OK : TD_ERR_NOMEM;
}
