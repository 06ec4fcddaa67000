/* scan_hello.c - the scan's candidate lists and ClientHellos.
 *
 * Implementation notes:
 * - Candidates come from the registry's generated tables: a suite, group
 *   or scheme IANA lists is offered even when no library we know of
 *   implements it; a server ignores values it does not know (RFC 5246
 *   7.4.1.2, RFC 8446 4.1.2), so offering them costs bytes, not answers.
 * - Suites defined only for TLS 1.2 (AEAD ciphers, SHA-256/384 MACs,
 *   RFC 5246 1.2 and A.5) are left out of hellos for older versions, and
 *   signature_algorithms is only sent with TLS 1.2 (RFC 5246 7.4.1.4.1:
 *   clients offering older versions MUST NOT offer it).
 * - An SSL 3.0 hello has no extension block and record version 0x0300
 *   (RFC 6101 5.6.1.2), as SSL 3.0 clients sent it.
 */
#include "scan_int.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/ecp.h>

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

int td_scan_rng(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    while (len) {
        ssize_t got = getrandom(buf, len, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        buf += got;
        len -= (size_t)got;
    }
    return 0;
}

bool td_scan_ec_share(uint16_t g, uint8_t *out, size_t cap, size_t *len)
{
    const mbedtls_ecp_curve_info *ci = mbedtls_ecp_curve_info_from_tls_id(g);
    if (!ci)
        return false;
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point q;
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_point_init(&q);
    bool ok = mbedtls_ecp_group_load(&grp, ci->grp_id) == 0
              && mbedtls_ecp_gen_keypair(&grp, &d, &q, td_scan_rng, NULL)
                     == 0
              && mbedtls_ecp_point_write_binary(&grp, &q,
                                                MBEDTLS_ECP_PF_UNCOMPRESSED,
                                                len, out, cap) == 0;
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return ok;
}

/* Defined before TLS 1.2: CBC, stream or NULL ciphers with an HMAC-SHA1
 * or HMAC-MD5 (RFC 4346 A.5, RFC 4492 6).  TLS 1.2 added AEAD suites and
 * SHA-256/384 MACs, which older versions cannot negotiate. */
static bool suite_before_tls12(const struct td_suite_info *s)
{
    if (s->cipher_class == TD_CIPHER_AEAD)
        return false;
    return strcmp(s->mac, "SHA") == 0 || strcmp(s->mac, "MD5") == 0;
}

static void add_suites(struct scan_lists *l)
{
    for (size_t i = 0; i < td_reg_suite_count(); i++) {
        const struct td_suite_info *s = td_reg_suite_at(i);
        /* 0x0000 NULL_WITH_NULL_NULL is the initial state, never
         * negotiated (RFC 5246 A.5); SCSVs are signals, not suites. */
        if (s->id == 0x0000 || s->kex == TD_KEX_SCSV)
            continue;
        if (s->tls13) {
            if (l->n_suites13 < sizeof(l->suites13) / 2)
                l->suites13[l->n_suites13++] = s->id;
            continue;
        }
        if (l->n_suites12 < TD_SCAN_MAX_LIST)
            l->suites12[l->n_suites12++] = s->id;
        if (suite_before_tls12(s) && l->n_suites_old < TD_SCAN_MAX_LIST)
            l->suites_old[l->n_suites_old++] = s->id;
    }
}

void td_scan_lists_init(struct scan_lists *l)
{
    memset(l, 0, sizeof(*l));
    add_suites(l);
    for (size_t i = 0; i < td_reg_group_count(); i++) {
        const struct td_group_info *g = td_reg_group_at(i);
        /* 0xff01/0xff02: explicit curve parameters, which no TLS 1.3
         * server takes and RFC 8422 5.1.1 deprecates. */
        if (g->id >= 0xff00)
            continue;
        if (g->kind == 0 && l->n_groups_ec < sizeof(l->groups_ec) / 2)
            l->groups_ec[l->n_groups_ec++] = g->id;
        if (l->n_groups_all < sizeof(l->groups_all) / 2)
            l->groups_all[l->n_groups_all++] = g->id;
    }
    for (size_t i = 0; i < td_reg_sigalg_count(); i++) {
        const struct td_sigalg_info *a = td_reg_sigalg_at(i);
        if (l->n_sigalgs < sizeof(l->sigalgs) / 2)
            l->sigalgs[l->n_sigalgs++] = a->id;
    }
}

static bool auth_is(const struct td_suite_info *s, enum td_scan_keytype k)
{
    if (k == TD_SCAN_KEY_ECDSA)
        return s->auth == TD_AUTH_ECDSA;
    /* RSA_PSK authenticates the server with its RSA certificate too
     * (RFC 4279 4). */
    return s->auth == TD_AUTH_RSA;
}

size_t td_scan_suites_for_key(const uint16_t *src, size_t n,
                              enum td_scan_keytype k, bool ephemeral_only,
                              uint16_t *out, size_t cap)
{
    size_t k_out = 0;
    for (size_t i = 0; i < n && k_out < cap; i++) {
        const struct td_suite_info *s = td_reg_suite(src[i]);
        if (!s || !auth_is(s, k))
            continue;
        if (ephemeral_only && s->kex != TD_KEX_ECDHE && s->kex != TD_KEX_DHE)
            continue;
        out[k_out++] = src[i];
    }
    return k_out;
}

size_t td_scan_suites_ecdhe(const uint16_t *src, size_t n, uint16_t *out,
                            size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        const struct td_suite_info *s = td_reg_suite(src[i]);
        if (s && s->kex == TD_KEX_ECDHE
            && (s->auth == TD_AUTH_RSA || s->auth == TD_AUTH_ECDSA))
            out[k++] = src[i];
    }
    return k;
}

/* RSA keys sign with PKCS#1 v1.5 (RFC 5246 7.4.1.4.1 pairs, RFC 8446
 * 4.2.3 rsa_pkcs1_*) or PSS (rsa_pss_rsae_* for rsaEncryption keys,
 * rsa_pss_pss_* for RSASSA-PSS keys); ECDSA keys with ecdsa_* (and the
 * brainpool TLS 1.3 schemes of RFC 8734); EdDSA keys, which ECDSA suites
 * also carry in TLS 1.2 (RFC 8422 5.1.3), with ed25519 / ed448. */
static bool sigalg_for_key(const struct td_sigalg_info *a,
                           enum td_scan_keytype k)
{
    bool pair = a->hash >= 1 && a->hash <= 6;
    if (k == TD_SCAN_KEY_RSA)
        return (pair && a->sig == 1) || (a->id >= 0x0804 && a->id <= 0x0806)
               || (a->id >= 0x0809 && a->id <= 0x080b)
               || (a->id & 0xff) == 0x20;  /* rsa_pkcs1_*_legacy */
    return (pair && a->sig == 3) || a->id == 0x0807 || a->id == 0x0808
           || (a->id >= 0x081a && a->id <= 0x081c);
}

size_t td_scan_sigalgs_for_key(const struct scan_lists *l,
                               enum td_scan_keytype k, uint16_t *out,
                               size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_sigalgs && n < cap; i++) {
        const struct td_sigalg_info *a = td_reg_sigalg(l->sigalgs[i]);
        if (a && sigalg_for_key(a, k))
            out[n++] = a->id;
    }
    return n;
}

/* signature_algorithms_cert (RFC 8446 4.2.3): SignatureScheme
 * supported_signature_algorithms<2..2^16-2>, the same form as
 * signature_algorithms. */
static int set_sigalgs_cert(struct td_hb_hello *h, const uint16_t *v,
                            size_t n)
{
    uint8_t b[2 + 2 * 128];
    if (n > 128)
        n = 128;
    b[0] = (uint8_t)(n * 2 >> 8);
    b[1] = (uint8_t)(n * 2);
    for (size_t i = 0; i < n; i++) {
        b[2 + 2 * i] = (uint8_t)(v[i] >> 8);
        b[3 + 2 * i] = (uint8_t)v[i];
    }
    return td_hb_set_ext(h, 50, b, 2 + 2 * n, SIZE_MAX);
}

/* The extensions every version >= TLS 1.0 gets. */
static int common_exts(const struct scan_hello_spec *sp,
                       struct td_hb_hello *h)
{
    int rc = TD_OK;
    if (sp->sni)
        rc = td_hb_set_sni(h, sp->sni, strlen(sp->sni));
    if (!rc && sp->sigalgs && sp->version >= 0x0303)
        rc = td_hb_set_sigalgs(h, sp->sigalgs, sp->n_sigalgs);
    if (!rc && sp->sigalgs_cert && sp->version >= 0x0303)
        rc = set_sigalgs_cert(h, sp->sigalgs_cert, sp->n_sigalgs_cert);
    if (!rc && sp->groups)
        rc = td_hb_set_groups(h, sp->groups, sp->n_groups);
    /* ec_point_formats {uncompressed} (RFC 8422 5.1.2) */
    static const uint8_t pf[] = {1, 0};
    if (!rc && sp->groups && sp->version <= 0x0303)
        rc = td_hb_set_ext(h, TD_HB_EXT_EC_POINT_FORMATS, pf, sizeof(pf),
                           SIZE_MAX);
    /* extended_master_secret (RFC 7627): what every current client
     * sends; some servers insist on it. */
    if (!rc && sp->version <= 0x0303)
        rc = td_hb_set_ext(h, TD_HB_EXT_EXTENDED_MASTER_SECRET, NULL, 0,
                           SIZE_MAX);
    uint8_t mfl = sp->mfl_code;
    if (!rc && mfl)
        rc = td_hb_set_ext(h, TD_HB_EXT_MAX_FRAGMENT_LENGTH, &mfl, 1,
                           SIZE_MAX);
    /* record_size_limit: uint16 RecordSizeLimit (RFC 8449 4) */
    uint8_t rsl[2] = {(uint8_t)(sp->record_size_limit >> 8),
                      (uint8_t)sp->record_size_limit};
    if (!rc && sp->record_size_limit)
        rc = td_hb_set_ext(h, 28, rsl, sizeof(rsl), SIZE_MAX);
    return rc;
}

/* TLS 1.3 only: supported_versions {0x0304} (RFC 8446 4.2.1), the key
 * share or an empty client_shares (4.2.8), psk_key_exchange_modes. */
static int tls13_exts(const struct scan_hello_spec *sp, struct td_hb_hello *h)
{
    static const uint8_t x25519_dummy[32] = {9};
    int rc;
    if (sp->share && sp->share_len)
        rc = td_hb_add_tls13(h, sp->share_group, sp->share, sp->share_len);
    else
        rc = td_hb_add_tls13(h, 0x001d, x25519_dummy, sizeof(x25519_dummy));
    static const uint8_t empty[2] = {0, 0};
    if (!rc && !(sp->share && sp->share_len))
        rc = td_hb_set_ext(h, TD_HB_EXT_KEY_SHARE, empty, sizeof(empty),
                           SIZE_MAX);
    static const uint8_t only13[3] = {2, 0x03, 0x04};
    if (!rc)
        rc = td_hb_set_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS, only13,
                           sizeof(only13), SIZE_MAX);
    return rc;
}

int td_scan_build_hello(const struct scan_hello_spec *sp,
                        struct td_hb_hello *h)
{
    td_hb_init(h);
    if (!sp->n_suites)
        return TD_ERR_USAGE;
    int rc = td_hb_fresh_random(h, td_scan_rng, NULL);
    if (!rc && sp->version == 0x0304) {
        /* A 32-byte legacy_session_id, as middlebox-compatible clients
         * send it (RFC 8446 D.4). */
        h->session_id_len = 32;
        rc = td_scan_rng(NULL, h->session_id, 32) ? TD_ERR_IO : TD_OK;
        if (!rc)
            rc = tls13_exts(sp, h);
    }
    if (!rc)
        rc = td_hb_set_suites(h, sp->suites, sp->n_suites);
    /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3) below TLS 1.3 */
    if (!rc && sp->version <= 0x0303)
        rc = td_hb_add_suite(h, 0x00ff, SIZE_MAX);
    if (rc)
        return rc;
    if (sp->version == 0x0300) {
        h->record_version = 0x0300;
        h->version = 0x0300;
        h->has_ext_block = false;
        return TD_OK;
    }
    rc = common_exts(sp, h);
    if (!rc && sp->version <= 0x0303)
        rc = td_hb_set_version(h, sp->version);
    return rc;
}
