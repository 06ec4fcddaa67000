/* tls13.c - TLS 1.3 key share, transcript, key schedule and record
 * protection on libmbedcrypto 2.28; see include/tlsdiag/tls13.h.
 *
 * Implementation notes:
 * - Nothing here keeps an mbedcrypto context between calls except the
 *   transcript's md context: the AEAD is keyed afresh for each record (a
 *   few hundred cycles, nothing next to the network), so the public
 *   structures are plain bytes and need no mbedTLS type but md.h.
 * - x25519 keys go through mbedtls_ecp with MBEDTLS_ECP_DP_CURVE25519:
 *   the u-coordinate lives in Q.X and every wire value is little-endian
 *   (RFC 7748 5).  P-256 uses the uncompressed point format (RFC 8446
 *   4.2.8.2) and its shared secret is the big-endian X coordinate (7.4.2).
 * - Every mbedcrypto error is mapped to an enum td_err in one place.
 */
#include "tlsdiag/tls13.h"

#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/chachapoly.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/platform_util.h>

#include "tlsdiag/err.h"

/* ---- helpers ----------------------------------------------------------- */

static void wipe(void *p, size_t n)
{
    mbedtls_platform_zeroize(p, n);
}

/* An mbedcrypto return value as an enum td_err; bad_input is what a
 * rejected argument or key means at the call site. */
static int map_err(int ret, int bad_input)
{
    if (ret == 0)
        return TD_OK;
    if (ret == MBEDTLS_ERR_ECP_ALLOC_FAILED ||
        ret == MBEDTLS_ERR_MPI_ALLOC_FAILED ||
        ret == MBEDTLS_ERR_MD_ALLOC_FAILED)
        return TD_ERR_NOMEM;
    if (ret == MBEDTLS_ERR_ECP_RANDOM_FAILED ||
        ret == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED ||
        ret == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED)
        return TD_ERR_IO;
    return bad_input;
}

struct suite_desc {
    uint16_t suite;
    mbedtls_md_type_t md;
    size_t hash_len;
    size_t key_len;
};

/* RFC 8446 B.4. */
static const struct suite_desc suites[] = {
    {TD_TLS13_AES_128_GCM_SHA256, MBEDTLS_MD_SHA256, 32, 16},
    {TD_TLS13_AES_256_GCM_SHA384, MBEDTLS_MD_SHA384, 48, 32},
    {TD_TLS13_CHACHA20_POLY1305_SHA256, MBEDTLS_MD_SHA256, 32, 32},
};

static const struct suite_desc *suite_find(uint16_t suite)
{
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
        if (suites[i].suite == suite)
            return &suites[i];
    return NULL;
}

bool td_tls13_suite_info(uint16_t suite, size_t *hash_len, size_t *key_len)
{
    const struct suite_desc *d = suite_find(suite);

    if (!d)
        return false;
    if (hash_len)
        *hash_len = d->hash_len;
    if (key_len)
        *key_len = d->key_len;
    return true;
}

/* ---- random generator -------------------------------------------------- */

/* A CTR-DRBG for one call, used when the caller gave no generator. */
struct local_rng {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    bool used;
};

/* Sets *f and *p to the caller's generator, or seeds l and points at it.
 * Errors: TD_ERR_IO. */
static int rng_pick(struct local_rng *l, td_tls13_rng_fn uf, void *up,
                    td_tls13_rng_fn *f, void **p)
{
    static const unsigned char pers[] = "tlsdiag tls13 keyshare";
    int ret;

    l->used = false;
    if (uf) {
        *f = uf;
        *p = up;
        return TD_OK;
    }
    mbedtls_entropy_init(&l->entropy);
    mbedtls_ctr_drbg_init(&l->drbg);
    l->used = true;
    ret = mbedtls_ctr_drbg_seed(&l->drbg, mbedtls_entropy_func, &l->entropy,
                                pers, sizeof(pers) - 1);
    if (ret != 0)
        return TD_ERR_IO;
    *f = mbedtls_ctr_drbg_random;
    *p = &l->drbg;
    return TD_OK;
}

static void rng_done(struct local_rng *l)
{
    if (!l->used)
        return;
    mbedtls_ctr_drbg_free(&l->drbg);
    mbedtls_entropy_free(&l->entropy);
    l->used = false;
}

/* ---- key share (RFC 8446 4.2.8.2, RFC 7748) ---------------------------- */

static bool group_id(uint16_t group, mbedtls_ecp_group_id *id)
{
    switch (group) {
    case TD_TLS13_GROUP_X25519:
        *id = MBEDTLS_ECP_DP_CURVE25519;
        return true;
    case TD_TLS13_GROUP_SECP256R1:
        *id = MBEDTLS_ECP_DP_SECP256R1;
        return true;
    default:
        return false;
    }
}

/* Writes kp's private scalar and public key into ks. */
static int ks_export(struct td_tls13_ks *ks, const mbedtls_ecp_keypair *kp)
{
    size_t olen = 0;
    int ret;

    if (ks->group == TD_TLS13_GROUP_X25519) {
        ret = mbedtls_mpi_write_binary_le(&kp->d, ks->priv, 32);
        if (ret == 0)
            ret = mbedtls_mpi_write_binary_le(&kp->Q.X, ks->pub, 32);
        olen = 32;
    } else {
        ret = mbedtls_mpi_write_binary(&kp->d, ks->priv, 32);
        if (ret == 0)
            ret = mbedtls_ecp_point_write_binary(
                &kp->grp, &kp->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, ks->pub,
                sizeof(ks->pub));
    }
    if (ret != 0)
        return map_err(ret, TD_ERR_MALFORMED);
    ks->pub_len = olen;
    return TD_OK;
}

int td_tls13_keyshare_init(struct td_tls13_ks *ks, uint16_t group,
                           td_tls13_rng_fn f_rng, void *p_rng)
{
    mbedtls_ecp_group_id id;
    mbedtls_ecp_keypair kp;
    struct local_rng l;
    td_tls13_rng_fn f;
    void *p;
    int err;

    if (!ks)
        return TD_ERR_USAGE;
    memset(ks, 0, sizeof(*ks));
    if (!group_id(group, &id))
        return TD_ERR_USAGE;
    ks->group = group;
    ks->f_rng = f_rng;
    ks->p_rng = p_rng;

    mbedtls_ecp_keypair_init(&kp);
    err = rng_pick(&l, f_rng, p_rng, &f, &p);
    if (err != TD_OK)
        goto out;
    err = map_err(mbedtls_ecp_group_load(&kp.grp, id), TD_ERR_USAGE);
    if (err != TD_OK)
        goto out;
    err = map_err(mbedtls_ecp_gen_keypair(&kp.grp, &kp.d, &kp.Q, f, p),
                  TD_ERR_IO);
    if (err != TD_OK)
        goto out;
    err = ks_export(ks, &kp);
out:
    mbedtls_ecp_keypair_free(&kp);
    rng_done(&l);
    if (err != TD_OK)
        td_tls13_keyshare_free(ks);
    return err;
}

int td_tls13_keyshare_set_private(struct td_tls13_ks *ks, uint16_t group,
                                  const uint8_t *priv, size_t len)
{
    mbedtls_ecp_group_id id;
    mbedtls_ecp_keypair kp;
    struct local_rng l;
    td_tls13_rng_fn f;
    void *p;
    int err;

    if (!ks)
        return TD_ERR_USAGE;
    memset(ks, 0, sizeof(*ks));
    if (!group_id(group, &id) || !priv || len != 32)
        return TD_ERR_USAGE;
    ks->group = group;

    mbedtls_ecp_keypair_init(&kp);
    err = rng_pick(&l, NULL, NULL, &f, &p);
    if (err != TD_OK)
        goto out;
    /* Clamps an x25519 scalar (RFC 7748 5); range-checks a P-256 one. */
    err = map_err(mbedtls_ecp_read_key(id, &kp, priv, len), TD_ERR_MALFORMED);
    if (err != TD_OK)
        goto out;
    err = map_err(mbedtls_ecp_mul(&kp.grp, &kp.Q, &kp.d, &kp.grp.G, f, p),
                  TD_ERR_MALFORMED);
    if (err != TD_OK)
        goto out;
    err = ks_export(ks, &kp);
out:
    mbedtls_ecp_keypair_free(&kp);
    rng_done(&l);
    if (err != TD_OK)
        td_tls13_keyshare_free(ks);
    return err;
}

int td_tls13_keyshare_shared(const struct td_tls13_ks *ks, const uint8_t *peer,
                             size_t peer_len, uint8_t *out, size_t out_cap,
                             size_t *out_len)
{
    mbedtls_ecp_group_id id;
    mbedtls_ecp_group grp;
    mbedtls_ecp_point qp;
    mbedtls_mpi d, z;
    struct local_rng l;
    td_tls13_rng_fn f;
    void *p;
    uint8_t acc = 0;
    int err, ret;

    if (!ks || !out || !out_len || !peer || !group_id(ks->group, &id) ||
        ks->pub_len == 0)
        return TD_ERR_USAGE;
    *out_len = 0;
    if (out_cap < 32)
        return TD_ERR_LIMIT;
    /* RFC 8446 4.2.8.2: the key_exchange lengths are fixed per group. */
    if (peer_len != (ks->group == TD_TLS13_GROUP_X25519 ? 32u : 65u))
        return TD_ERR_MALFORMED;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&qp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&z);
    err = rng_pick(&l, ks->f_rng, ks->p_rng, &f, &p);
    if (err != TD_OK)
        goto out;
    err = map_err(mbedtls_ecp_group_load(&grp, id), TD_ERR_USAGE);
    if (err != TD_OK)
        goto out;
    if (ks->group == TD_TLS13_GROUP_X25519)
        ret = mbedtls_mpi_read_binary_le(&d, ks->priv, 32);
    else
        ret = mbedtls_mpi_read_binary(&d, ks->priv, 32);
    err = map_err(ret, TD_ERR_USAGE);
    if (err != TD_OK)
        goto out;
    /* x25519: reads u little-endian and masks bit 255 (RFC 7748 5);
     * P-256: only the uncompressed form, 0x04 || X || Y. */
    if (ks->group == TD_TLS13_GROUP_SECP256R1 && peer[0] != 0x04) {
        err = TD_ERR_MALFORMED;
        goto out;
    }
    ret = mbedtls_ecp_point_read_binary(&grp, &qp, peer, peer_len);
    if (ret == 0)
        ret = mbedtls_ecp_check_pubkey(&grp, &qp);
    err = map_err(ret, TD_ERR_MALFORMED);
    if (err != TD_OK)
        goto out;
    err = map_err(mbedtls_ecdh_compute_shared(&grp, &z, &qp, &d, f, p),
                  TD_ERR_MALFORMED);
    if (err != TD_OK)
        goto out;
    if (ks->group == TD_TLS13_GROUP_X25519)
        ret = mbedtls_mpi_write_binary_le(&z, out, 32);
    else
        ret = mbedtls_mpi_write_binary(&z, out, 32);
    err = map_err(ret, TD_ERR_MALFORMED);
    if (err != TD_OK)
        goto out;
    /* RFC 7748 6.1 / RFC 8446 7.4.2: an all-zero x25519 value means the
     * peer sent a small-order point. */
    for (size_t i = 0; i < 32; i++)
        acc |= out[i];
    if (acc == 0) {
        err = TD_ERR_MALFORMED;
        goto out;
    }
    *out_len = 32;
out:
    if (err != TD_OK)
        wipe(out, 32);
    mbedtls_mpi_free(&z);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_point_free(&qp);
    mbedtls_ecp_group_free(&grp);
    rng_done(&l);
    return err;
}

void td_tls13_keyshare_free(struct td_tls13_ks *ks)
{
    if (ks)
        wipe(ks, sizeof(*ks));
}

/* ---- transcript hash (RFC 8446 4.4.1) ---------------------------------- */

int td_tls13_transcript_init(struct td_tls13_transcript *t, uint16_t suite)
{
    const struct suite_desc *d = suite_find(suite);
    int ret;

    if (!t)
        return TD_ERR_USAGE;
    memset(t, 0, sizeof(*t));
    mbedtls_md_init(&t->md);
    if (!d)
        return TD_ERR_USAGE;
    ret = mbedtls_md_setup(&t->md, mbedtls_md_info_from_type(d->md), 0);
    if (ret == 0)
        ret = mbedtls_md_starts(&t->md);
    if (ret != 0) {
        mbedtls_md_free(&t->md);
        return map_err(ret, TD_ERR_USAGE);
    }
    t->suite = suite;
    t->hash_len = d->hash_len;
    return TD_OK;
}

int td_tls13_transcript_add(struct td_tls13_transcript *t, const uint8_t *msg,
                            size_t len)
{
    if (!t || t->hash_len == 0 || (!msg && len > 0))
        return TD_ERR_USAGE;
    if (len > 0 && mbedtls_md_update(&t->md, msg, len) != 0)
        return TD_ERR_USAGE;
    t->n_msgs++;
    return TD_OK;
}

int td_tls13_transcript_hrr(struct td_tls13_transcript *t)
{
    uint8_t h[TD_TLS13_MAX_HASH];
    uint8_t hdr[4];
    int ret;

    if (!t || t->hash_len == 0 || t->n_msgs != 1)
        return TD_ERR_USAGE;
    /* message_hash(254), uint24 length = Hash.length, Hash(ClientHello1) */
    hdr[0] = 254;
    hdr[1] = 0;
    hdr[2] = 0;
    hdr[3] = (uint8_t)t->hash_len;
    ret = mbedtls_md_finish(&t->md, h);
    if (ret == 0)
        ret = mbedtls_md_starts(&t->md);
    if (ret == 0)
        ret = mbedtls_md_update(&t->md, hdr, sizeof(hdr));
    if (ret == 0)
        ret = mbedtls_md_update(&t->md, h, t->hash_len);
    wipe(h, sizeof(h));
    if (ret != 0)
        return map_err(ret, TD_ERR_USAGE);
    /* A second HelloRetryRequest is a protocol error (4.1.4): refuse. */
    t->n_msgs = 2;
    return TD_OK;
}

int td_tls13_transcript_hash(const struct td_tls13_transcript *t, uint8_t *out,
                             size_t out_cap, size_t *out_len)
{
    mbedtls_md_context_t tmp;
    int ret;

    if (!t || t->hash_len == 0 || !out || !out_len)
        return TD_ERR_USAGE;
    *out_len = 0;
    if (out_cap < t->hash_len)
        return TD_ERR_LIMIT;
    mbedtls_md_init(&tmp);
    ret = mbedtls_md_setup(
        &tmp, mbedtls_md_info_from_type(suite_find(t->suite)->md), 0);
    if (ret == 0)
        ret = mbedtls_md_clone(&tmp, &t->md);
    if (ret == 0)
        ret = mbedtls_md_finish(&tmp, out);
    mbedtls_md_free(&tmp);
    if (ret != 0)
        return map_err(ret, TD_ERR_USAGE);
    *out_len = t->hash_len;
    return TD_OK;
}

void td_tls13_transcript_free(struct td_tls13_transcript *t)
{
    if (!t)
        return;
    mbedtls_md_free(&t->md);
    memset(t, 0, sizeof(*t));
}

/* ---- key schedule (RFC 8446 7.1) --------------------------------------- */

int td_tls13_expand_label(uint16_t suite, const uint8_t *secret,
                          size_t secret_len, const char *label,
                          const uint8_t *ctx, size_t ctx_len, uint8_t *out,
                          size_t out_len)
{
    /* struct {
     *     uint16 length = Length;
     *     opaque label<7..255> = "tls13 " + Label;
     *     opaque context<0..255> = Context;
     * } HkdfLabel;                                    (RFC 8446 7.1) */
    static const char prefix[] = "tls13 ";
    const struct suite_desc *d = suite_find(suite);
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t label_len, n = 0;
    int ret;

    if (!d || !secret || !label || !out || (!ctx && ctx_len > 0))
        return TD_ERR_USAGE;
    label_len = strlen(label);
    if (label_len > 255 - (sizeof(prefix) - 1) || ctx_len > 255 ||
        out_len == 0 || out_len > 255 * d->hash_len || out_len > 0xffff)
        return TD_ERR_USAGE;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(sizeof(prefix) - 1 + label_len);
    memcpy(info + n, prefix, sizeof(prefix) - 1);
    n += sizeof(prefix) - 1;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = (uint8_t)ctx_len;
    if (ctx_len > 0)
        memcpy(info + n, ctx, ctx_len);
    n += ctx_len;
    ret = mbedtls_hkdf_expand(mbedtls_md_info_from_type(d->md), secret,
                              secret_len, info, n, out, out_len);
    return map_err(ret, TD_ERR_USAGE);
}

int td_tls13_derive_secret(uint16_t suite, const uint8_t *secret,
                           const char *label, const uint8_t *thash,
                           uint8_t *out)
{
    size_t hl;

    if (!td_tls13_suite_info(suite, &hl, NULL))
        return TD_ERR_USAGE;
    /* Derive-Secret(Secret, Label, Messages) =
     *     HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages),
     *                       Hash.length) */
    return td_tls13_expand_label(suite, secret, hl, label, thash, hl, out, hl);
}

/* Derive-Secret(secret, "derived", "") then HKDF-Extract(that, ikm): the
 * step between two rows of the key schedule diagram of 7.1. */
static int next_stage(const struct suite_desc *d, const uint8_t *secret,
                      const uint8_t *ikm, size_t ikm_len, uint8_t *out)
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(d->md);
    uint8_t empty[TD_TLS13_MAX_HASH], derived[TD_TLS13_MAX_HASH];
    int err;

    err = map_err(mbedtls_md(md, NULL, 0, empty), TD_ERR_USAGE);
    if (err == TD_OK)
        err =
            td_tls13_derive_secret(d->suite, secret, "derived", empty, derived);
    if (err == TD_OK)
        err = map_err(
            mbedtls_hkdf_extract(md, derived, d->hash_len, ikm, ikm_len, out),
            TD_ERR_USAGE);
    wipe(derived, sizeof(derived));
    return err;
}

int td_tls13_sched_handshake(struct td_tls13_sched *s, uint16_t suite,
                             const uint8_t *shared, size_t shared_len,
                             const uint8_t *hello_hash, size_t hash_len)
{
    const struct suite_desc *d = suite_find(suite);
    const uint8_t zeros[TD_TLS13_MAX_HASH] = {0};
    int err;

    if (!s)
        return TD_ERR_USAGE;
    memset(s, 0, sizeof(*s));
    if (!d || !shared || shared_len == 0 || !hello_hash ||
        hash_len != d->hash_len)
        return TD_ERR_USAGE;
    s->suite = suite;
    s->hash_len = d->hash_len;
    /* Early Secret = HKDF-Extract(salt 0, IKM PSK = Hash.length zeros) */
    err = map_err(mbedtls_hkdf_extract(mbedtls_md_info_from_type(d->md), NULL,
                                       0, zeros, d->hash_len, s->early),
                  TD_ERR_USAGE);
    if (err == TD_OK)
        err = next_stage(d, s->early, shared, shared_len, s->handshake);
    if (err == TD_OK)
        err = td_tls13_derive_secret(suite, s->handshake, "c hs traffic",
                                     hello_hash, s->c_hs);
    if (err == TD_OK)
        err = td_tls13_derive_secret(suite, s->handshake, "s hs traffic",
                                     hello_hash, s->s_hs);
    if (err != TD_OK) {
        td_tls13_sched_free(s);
        return err;
    }
    s->have_hs = true;
    return TD_OK;
}

int td_tls13_sched_application(struct td_tls13_sched *s,
                               const uint8_t *fin_hash, size_t hash_len)
{
    const struct suite_desc *d;
    const uint8_t zeros[TD_TLS13_MAX_HASH] = {0};
    int err;

    if (!s || !s->have_hs || !fin_hash || hash_len != s->hash_len)
        return TD_ERR_USAGE;
    d = suite_find(s->suite);
    /* Master Secret = HKDF-Extract(Derive-Secret(HS, "derived", ""), 0) */
    err = next_stage(d, s->handshake, zeros, d->hash_len, s->master);
    if (err == TD_OK)
        err = td_tls13_derive_secret(s->suite, s->master, "c ap traffic",
                                     fin_hash, s->c_ap);
    if (err == TD_OK)
        err = td_tls13_derive_secret(s->suite, s->master, "s ap traffic",
                                     fin_hash, s->s_ap);
    if (err != TD_OK)
        return err;
    s->have_ap = true;
    return TD_OK;
}

void td_tls13_sched_free(struct td_tls13_sched *s)
{
    if (s)
        wipe(s, sizeof(*s));
}

int td_tls13_finished(uint16_t suite, const uint8_t *base_key,
                      const uint8_t *thash, uint8_t *out)
{
    const struct suite_desc *d = suite_find(suite);
    uint8_t fk[TD_TLS13_MAX_HASH];
    int err;

    if (!d || !base_key || !thash || !out)
        return TD_ERR_USAGE;
    err = td_tls13_expand_label(suite, base_key, d->hash_len, "finished", NULL,
                                0, fk, d->hash_len);
    if (err == TD_OK)
        err = map_err(mbedtls_md_hmac(mbedtls_md_info_from_type(d->md), fk,
                                      d->hash_len, thash, d->hash_len, out),
                      TD_ERR_USAGE);
    wipe(fk, sizeof(fk));
    return err;
}

/* ---- record protection (RFC 8446 5.2, 5.3, 7.3) ------------------------ */

int td_tls13_aead_init(struct td_tls13_aead *a, uint16_t suite,
                       const uint8_t *secret, size_t secret_len)
{
    const struct suite_desc *d = suite_find(suite);
    int err;

    if (!a)
        return TD_ERR_USAGE;
    memset(a, 0, sizeof(*a));
    if (!d || !secret || secret_len != d->hash_len)
        return TD_ERR_USAGE;
    err = td_tls13_expand_label(suite, secret, secret_len, "key", NULL, 0,
                                a->key, d->key_len);
    if (err == TD_OK)
        err = td_tls13_expand_label(suite, secret, secret_len, "iv", NULL, 0,
                                    a->iv, TD_TLS13_IV_LEN);
    if (err != TD_OK) {
        td_tls13_aead_free(a);
        return err;
    }
    a->suite = suite;
    a->key_len = d->key_len;
    return TD_OK;
}

/* RFC 8446 5.3: the 64-bit sequence number, big-endian, left-padded to
 * iv_length, XORed with the static IV. */
static void make_nonce(const struct td_tls13_aead *a, uint8_t *nonce)
{
    memcpy(nonce, a->iv, TD_TLS13_IV_LEN);
    for (size_t i = 0; i < 8; i++)
        nonce[TD_TLS13_IV_LEN - 1 - i] ^= (uint8_t)(a->seq >> (8 * i));
}

static void seq_next(struct td_tls13_aead *a)
{
    /* 5.3: the sequence number must not wrap. */
    if (a->seq == UINT64_MAX)
        a->seq_exhausted = true;
    else
        a->seq++;
}

/* AEAD-Decrypt or -Encrypt of n bytes in -> out (may be the same buffer),
 * tag separate; aad is the 5-byte record header.  Returns 0 or an
 * mbedcrypto error (an authentication failure among them). */
static int aead_run(const struct td_tls13_aead *a, bool enc, const uint8_t *aad,
                    const uint8_t *in, size_t n, uint8_t *out, uint8_t *tag)
{
    uint8_t nonce[TD_TLS13_IV_LEN];
    int ret;

    make_nonce(a, nonce);
    if (a->suite == TD_TLS13_CHACHA20_POLY1305_SHA256) {
        mbedtls_chachapoly_context c;

        mbedtls_chachapoly_init(&c);
        ret = mbedtls_chachapoly_setkey(&c, a->key);
        if (ret == 0 && enc)
            ret = mbedtls_chachapoly_encrypt_and_tag(
                &c, n, nonce, aad, TD_TLS13_HDR_LEN, in, out, tag);
        else if (ret == 0)
            ret = mbedtls_chachapoly_auth_decrypt(
                &c, n, nonce, aad, TD_TLS13_HDR_LEN, tag, in, out);
        mbedtls_chachapoly_free(&c);
    } else {
        mbedtls_gcm_context g;

        mbedtls_gcm_init(&g);
        ret = mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, a->key,
                                 (unsigned int)(a->key_len * 8));
        if (ret == 0 && enc)
            ret = mbedtls_gcm_crypt_and_tag(
                &g, MBEDTLS_GCM_ENCRYPT, n, nonce, TD_TLS13_IV_LEN, aad,
                TD_TLS13_HDR_LEN, in, out, TD_TLS13_TAG_LEN, tag);
        else if (ret == 0)
            ret = mbedtls_gcm_auth_decrypt(&g, n, nonce, TD_TLS13_IV_LEN, aad,
                                           TD_TLS13_HDR_LEN, tag,
                                           TD_TLS13_TAG_LEN, in, out);
        mbedtls_gcm_free(&g);
    }
    wipe(nonce, sizeof(nonce));
    return ret;
}

int td_tls13_record_open(struct td_tls13_aead *a, const uint8_t *rec,
                         size_t rec_len, uint8_t *out, size_t out_cap,
                         uint8_t *inner_type, size_t *out_len)
{
    /* struct {
     *     ContentType opaque_type = application_data;  -- 23
     *     ProtocolVersion legacy_record_version = 0x0303;
     *     uint16 length;
     *     opaque encrypted_record[TLSCiphertext.length];
     * } TLSCiphertext;                                 (RFC 8446 5.2) */
    size_t len, n, i;
    uint8_t tag[TD_TLS13_TAG_LEN];

    if (!a || a->key_len == 0 || !rec || !out || !inner_type || !out_len)
        return TD_ERR_USAGE;
    *out_len = 0;
    *inner_type = 0;
    if (a->seq_exhausted)
        return TD_ERR_LIMIT;
    if (rec_len < TD_TLS13_HDR_LEN || rec[0] != TD_TLS13_CT_APPLICATION_DATA)
        return TD_ERR_MALFORMED;
    len = (size_t)rec[3] << 8 | rec[4];
    if (len != rec_len - TD_TLS13_HDR_LEN)
        return TD_ERR_MALFORMED;
    if (len > TD_TLS13_MAX_CIPHERTEXT)
        return TD_ERR_LIMIT; /* record_overflow */
    if (len < TD_TLS13_TAG_LEN + 1)
        return TD_ERR_MALFORMED; /* not even a content type */
    n = len - TD_TLS13_TAG_LEN;
    if (n > TD_TLS13_MAX_INNER)
        return TD_ERR_LIMIT; /* record_overflow: inner plaintext too long */
    if (out_cap < n)
        return TD_ERR_LIMIT;
    memcpy(tag, rec + TD_TLS13_HDR_LEN + n, TD_TLS13_TAG_LEN);
    if (aead_run(a, false, rec, rec + TD_TLS13_HDR_LEN, n, out, tag) != 0) {
        wipe(out, n);
        return TD_ERR_MALFORMED; /* bad_record_mac */
    }
    /* struct {
     *     opaque content[TLSPlaintext.length];
     *     ContentType type;
     *     uint8 zeros[length_of_padding];
     * } TLSInnerPlaintext;      -- the last non-zero byte is the type */
    for (i = n; i > 0 && out[i - 1] == 0; i--)
        ;
    if (i == 0) {
        wipe(out, n);
        return TD_ERR_MALFORMED; /* unexpected_message */
    }
    *inner_type = out[i - 1];
    *out_len = i - 1;
    seq_next(a);
    return TD_OK;
}

int td_tls13_record_seal(struct td_tls13_aead *a, uint8_t inner_type,
                         const uint8_t *content, size_t len, size_t pad,
                         uint8_t *out, size_t out_cap, size_t *out_len)
{
    uint8_t *body;
    size_t n;

    if (!a || a->key_len == 0 || (!content && len > 0) || !out || !out_len ||
        inner_type == 0)
        return TD_ERR_USAGE;
    *out_len = 0;
    if (a->seq_exhausted)
        return TD_ERR_LIMIT;
    if (len > TD_TLS13_MAX_INNER || pad > TD_TLS13_MAX_INNER - len ||
        len + pad + 1 > TD_TLS13_MAX_INNER)
        return TD_ERR_LIMIT;
    n = len + 1 + pad;
    if (out_cap < TD_TLS13_HDR_LEN + n + TD_TLS13_TAG_LEN)
        return TD_ERR_LIMIT;
    out[0] = TD_TLS13_CT_APPLICATION_DATA;
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = (uint8_t)((n + TD_TLS13_TAG_LEN) >> 8);
    out[4] = (uint8_t)(n + TD_TLS13_TAG_LEN);
    body = out + TD_TLS13_HDR_LEN;
    if (len > 0)
        memmove(body, content, len);
    body[len] = inner_type;
    memset(body + len + 1, 0, pad);
    /* In place; the additional data is the header written above.
     * NOLINTNEXTLINE(readability-suspicious-call-argument) */
    if (aead_run(a, true, out, body, n, body, body + n) != 0) {
        wipe(out, TD_TLS13_HDR_LEN + n + TD_TLS13_TAG_LEN);
        return TD_ERR_USAGE;
    }
    *out_len = TD_TLS13_HDR_LEN + n + TD_TLS13_TAG_LEN;
    seq_next(a);
    return TD_OK;
}

void td_tls13_aead_free(struct td_tls13_aead *a)
{
    if (a)
        wipe(a, sizeof(*a));
}
