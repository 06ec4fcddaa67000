/* test_tls13.c - TLS 1.3 key share, key schedule and record protection
 * against RFC 8448 section 3 ("Simple 1-RTT Handshake"), then round trips,
 * tampering and limits. */
#include "testutil.h"

#include "tlsdiag/err.h"
#include "tlsdiag/tls13.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/gcm.h>
#include <mbedtls/md.h>

/* RFC 8448 section 3: R_* */
#include "rfc8448.h"

/* ---- helpers ----------------------------------------------------------- */

struct hexv {
    uint8_t *p;
    size_t n;
};

static struct hexv hx(const char *hex)
{
    struct hexv v;

    v.p = td_t_hex(hex, &v.n);
    return v;
}

/* Asserts got[0..n) is the hex string want. */
static void eq_hex(const uint8_t *got, size_t n, const char *want)
{
    struct hexv w = hx(want);

    assert_int_equal(n, w.n);
    assert_memory_equal(got, w.p, n);
    free(w.p);
}

/* The RFC's transcript of ClientHello..ServerHello in t (SHA-256). */
static void hello_transcript(struct td_tls13_transcript *t)
{
    struct hexv ch = hx(R_CLIENT_HELLO), sh = hx(R_SERVER_HELLO_REC);

    assert_int_equal(td_tls13_transcript_init(t, 0x1301), TD_OK);
    assert_int_equal(td_tls13_transcript_add(t, ch.p, ch.n), TD_OK);
    /* the ServerHello record without its 5-byte record header */
    assert_int_equal(td_tls13_transcript_add(t, sh.p + 5, sh.n - 5), TD_OK);
    free(ch.p);
    free(sh.p);
}

/* The RFC's schedule up to the handshake traffic secrets. */
static void rfc_sched(struct td_tls13_sched *s)
{
    struct td_tls13_transcript t;
    struct hexv shared = hx(R_SHARED);
    uint8_t h[TD_TLS13_MAX_HASH];
    size_t hl;

    hello_transcript(&t);
    assert_int_equal(td_tls13_transcript_hash(&t, h, sizeof(h), &hl), TD_OK);
    assert_int_equal(
        td_tls13_sched_handshake(s, 0x1301, shared.p, shared.n, h, hl), TD_OK);
    td_tls13_transcript_free(&t);
    free(shared.p);
}

/* ---- RFC 8448 section 3 ------------------------------------------------ */

/* {client} create an ephemeral x25519 key pair, {server} likewise, and the
 * shared secret both ways (RFC 7748 via mbedcrypto). */
static void test_rfc8448_x25519(void **state)
{
    struct hexv cpriv = hx(R_CLIENT_PRIV), spriv = hx(R_SERVER_PRIV);
    struct td_tls13_ks c, s;
    uint8_t z[32];
    size_t zl;
    (void)state;

    assert_int_equal(td_tls13_keyshare_set_private(&c, TD_TLS13_GROUP_X25519,
                                                   cpriv.p, cpriv.n),
                     TD_OK);
    eq_hex(c.pub, c.pub_len, R_CLIENT_PUB);
    assert_int_equal(td_tls13_keyshare_set_private(&s, TD_TLS13_GROUP_X25519,
                                                   spriv.p, spriv.n),
                     TD_OK);
    eq_hex(s.pub, s.pub_len, R_SERVER_PUB);

    assert_int_equal(
        td_tls13_keyshare_shared(&c, s.pub, s.pub_len, z, sizeof(z), &zl),
        TD_OK);
    eq_hex(z, zl, R_SHARED);
    memset(z, 0, sizeof(z));
    assert_int_equal(
        td_tls13_keyshare_shared(&s, c.pub, c.pub_len, z, sizeof(z), &zl),
        TD_OK);
    eq_hex(z, zl, R_SHARED);

    td_tls13_keyshare_free(&c);
    td_tls13_keyshare_free(&s);
    free(cpriv.p);
    free(spriv.p);
}

/* Transcript hash, early/handshake/traffic secrets, keys and IVs. */
static void test_rfc8448_schedule(void **state)
{
    struct td_tls13_transcript t;
    struct td_tls13_sched s;
    struct td_tls13_aead a;
    uint8_t h[TD_TLS13_MAX_HASH];
    size_t hl, klen;
    (void)state;

    hello_transcript(&t);
    assert_int_equal(td_tls13_transcript_hash(&t, h, sizeof(h), &hl), TD_OK);
    eq_hex(h, hl, R_HELLO_HASH);
    /* asking twice gives the same: the running hash is untouched */
    assert_int_equal(td_tls13_transcript_hash(&t, h, sizeof(h), &hl), TD_OK);
    eq_hex(h, hl, R_HELLO_HASH);
    td_tls13_transcript_free(&t);

    rfc_sched(&s);
    assert_true(td_tls13_suite_info(0x1301, &hl, &klen));
    assert_int_equal(hl, 32);
    assert_int_equal(klen, 16);
    eq_hex(s.early, s.hash_len, R_EARLY_SECRET);
    eq_hex(s.handshake, s.hash_len, R_HS_SECRET);
    eq_hex(s.c_hs, s.hash_len, R_C_HS_SECRET);
    eq_hex(s.s_hs, s.hash_len, R_S_HS_SECRET);

    assert_int_equal(td_tls13_aead_init(&a, 0x1301, s.s_hs, s.hash_len), TD_OK);
    eq_hex(a.key, a.key_len, R_S_HS_KEY);
    eq_hex(a.iv, sizeof(a.iv), R_S_HS_IV);
    assert_int_equal(td_tls13_aead_init(&a, 0x1301, s.c_hs, s.hash_len), TD_OK);
    eq_hex(a.key, a.key_len, R_C_HS_KEY);
    eq_hex(a.iv, sizeof(a.iv), R_C_HS_IV);
    td_tls13_aead_free(&a);
    td_tls13_sched_free(&s);
}

/* {client} decrypts the server's flight to exactly the RFC's messages,
 * checks the server Finished, derives the application secrets and keys,
 * and protects its own Finished into the RFC's record byte for byte. */
static void test_rfc8448_server_flight(void **state)
{
    struct hexv rec = hx(R_SERVER_FLIGHT_REC), ee = hx(R_ENCRYPTED_EXTENSIONS);
    struct hexv cert = hx(R_CERTIFICATE), cv = hx(R_CERTIFICATE_VERIFY);
    struct hexv fin = hx(R_SERVER_FINISHED), cfin = hx(R_CLIENT_FIN_REC);
    struct td_tls13_transcript t;
    struct td_tls13_sched s;
    struct td_tls13_aead rx, tx;
    uint8_t out[TD_TLS13_MAX_INNER], type = 0, h[TD_TLS13_MAX_HASH];
    uint8_t vd[TD_TLS13_MAX_HASH], msg[4 + TD_TLS13_MAX_HASH];
    size_t n = 0, hl, off = 0;
    (void)state;

    rfc_sched(&s);
    assert_int_equal(td_tls13_aead_init(&rx, 0x1301, s.s_hs, s.hash_len),
                     TD_OK);
    assert_int_equal(
        td_tls13_record_open(&rx, rec.p, rec.n, out, sizeof(out), &type, &n),
        TD_OK);
    assert_int_equal(type, TD_TLS13_CT_HANDSHAKE);
    assert_int_equal(n, ee.n + cert.n + cv.n + fin.n);
    assert_int_equal(rx.seq, 1);
    assert_memory_equal(out + off, ee.p, ee.n);
    off += ee.n;
    assert_memory_equal(out + off, cert.p, cert.n);
    off += cert.n;
    assert_memory_equal(out + off, cv.p, cv.n);
    off += cv.n;
    assert_memory_equal(out + off, fin.p, fin.n);

    /* Server Finished = HMAC(finished_key(s_hs), H(CH..CertificateVerify)) */
    hello_transcript(&t);
    assert_int_equal(td_tls13_transcript_add(&t, ee.p, ee.n), TD_OK);
    assert_int_equal(td_tls13_transcript_add(&t, cert.p, cert.n), TD_OK);
    assert_int_equal(td_tls13_transcript_add(&t, cv.p, cv.n), TD_OK);
    assert_int_equal(td_tls13_transcript_hash(&t, h, sizeof(h), &hl), TD_OK);
    assert_int_equal(td_tls13_finished(0x1301, s.s_hs, h, vd), TD_OK);
    assert_memory_equal(vd, fin.p + 4, 32);

    /* the application secrets from H(CH..server Finished) */
    assert_int_equal(td_tls13_transcript_add(&t, fin.p, fin.n), TD_OK);
    assert_int_equal(td_tls13_transcript_hash(&t, h, sizeof(h), &hl), TD_OK);
    eq_hex(h, hl, R_FIN_HASH);
    assert_int_equal(td_tls13_sched_application(&s, h, hl), TD_OK);
    eq_hex(s.master, s.hash_len, R_MASTER_SECRET);
    eq_hex(s.c_ap, s.hash_len, R_C_AP_SECRET);
    eq_hex(s.s_ap, s.hash_len, R_S_AP_SECRET);
    assert_int_equal(td_tls13_aead_init(&tx, 0x1301, s.c_ap, s.hash_len),
                     TD_OK);
    eq_hex(tx.key, tx.key_len, R_C_AP_KEY);
    eq_hex(tx.iv, sizeof(tx.iv), R_C_AP_IV);
    assert_int_equal(td_tls13_aead_init(&tx, 0x1301, s.s_ap, s.hash_len),
                     TD_OK);
    eq_hex(tx.key, tx.key_len, R_S_AP_KEY);
    eq_hex(tx.iv, sizeof(tx.iv), R_S_AP_IV);

    /* the client Finished record, sequence 0 under the client hs keys */
    assert_int_equal(td_tls13_finished(0x1301, s.c_hs, h, vd), TD_OK);
    msg[0] = 20; /* finished */
    msg[1] = 0;
    msg[2] = 0;
    msg[3] = 32;
    memcpy(msg + 4, vd, 32);
    assert_int_equal(td_tls13_aead_init(&tx, 0x1301, s.c_hs, s.hash_len),
                     TD_OK);
    assert_int_equal(td_tls13_record_seal(&tx, TD_TLS13_CT_HANDSHAKE, msg, 36,
                                          0, out, sizeof(out), &n),
                     TD_OK);
    assert_int_equal(n, cfin.n);
    assert_memory_equal(out, cfin.p, n);

    td_tls13_transcript_free(&t);
    td_tls13_aead_free(&rx);
    td_tls13_aead_free(&tx);
    td_tls13_sched_free(&s);
    free(rec.p);
    free(ee.p);
    free(cert.p);
    free(cv.p);
    free(fin.p);
    free(cfin.p);
}

/* Every byte of the server's flight record flipped in turn (header, body,
 * tag): an error, never a crash, and the sequence number stays put so the
 * genuine record still opens afterwards. */
static void test_rfc8448_tamper(void **state)
{
    struct hexv rec = hx(R_SERVER_FLIGHT_REC);
    struct td_tls13_sched s;
    struct td_tls13_aead rx;
    uint8_t *out = malloc(TD_TLS13_MAX_INNER), type;
    size_t n;
    (void)state;

    assert_non_null(out);
    rfc_sched(&s);
    assert_int_equal(td_tls13_aead_init(&rx, 0x1301, s.s_hs, s.hash_len),
                     TD_OK);
    for (size_t i = 0; i < rec.n; i++) {
        int rc;

        rec.p[i] ^= 0x01;
        rc = td_tls13_record_open(&rx, rec.p, rec.n, out, TD_TLS13_MAX_INNER,
                                  &type, &n);
        rec.p[i] ^= 0x01;
        assert_int_equal(rc, TD_ERR_MALFORMED);
        assert_int_equal(n, 0);
        assert_int_equal(rx.seq, 0);
    }
    /* a truncated record is refused by its length field */
    for (size_t len = 0; len < rec.n; len += 37)
        assert_int_equal(td_tls13_record_open(&rx, rec.p, len, out,
                                              TD_TLS13_MAX_INNER, &type, &n),
                         TD_ERR_MALFORMED);
    /* the wrong direction's keys: a tag mismatch */
    {
        struct td_tls13_aead wrong;

        assert_int_equal(td_tls13_aead_init(&wrong, 0x1301, s.c_hs, s.hash_len),
                         TD_OK);
        assert_int_equal(td_tls13_record_open(&wrong, rec.p, rec.n, out,
                                              TD_TLS13_MAX_INNER, &type, &n),
                         TD_ERR_MALFORMED);
        /* the right keys, the wrong sequence number */
        rx.seq = 1;
        assert_int_equal(td_tls13_record_open(&rx, rec.p, rec.n, out,
                                              TD_TLS13_MAX_INNER, &type, &n),
                         TD_ERR_MALFORMED);
        rx.seq = 0;
    }
    /* an output buffer one byte short */
    assert_int_equal(td_tls13_record_open(&rx, rec.p, rec.n, out,
                                          rec.n - 5 - 16 - 1, &type, &n),
                     TD_ERR_LIMIT);
    assert_int_equal(td_tls13_record_open(&rx, rec.p, rec.n, out,
                                          TD_TLS13_MAX_INNER, &type, &n),
                     TD_OK);
    assert_int_equal(type, TD_TLS13_CT_HANDSHAKE);
    assert_int_equal(rx.seq, 1);
    td_tls13_aead_free(&rx);
    td_tls13_sched_free(&s);
    free(out);
    free(rec.p);
}

/* ---- round trips, padding, limits -------------------------------------- */

static const uint16_t all_suites[] = {0x1301, 0x1302, 0x1303};

/* Seal then open under every suite, with and without padding, several
 * records in a row (the nonce changes with the sequence number). */
static void test_roundtrip_suites(void **state)
{
    static const size_t lens[] = {0, 1, 100, TD_TLS13_MAX_PLAINTEXT};
    static const size_t pads[] = {0, 1, 200};
    uint8_t secret[TD_TLS13_MAX_HASH];
    uint8_t *content = malloc(TD_TLS13_MAX_PLAINTEXT);
    uint8_t *rec = malloc(TD_TLS13_HDR_LEN + TD_TLS13_MAX_CIPHERTEXT);
    uint8_t *out = malloc(TD_TLS13_MAX_CIPHERTEXT);
    (void)state;

    assert_non_null(content);
    assert_non_null(rec);
    assert_non_null(out);
    for (size_t i = 0; i < TD_TLS13_MAX_PLAINTEXT; i++)
        content[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof(secret); i++)
        secret[i] = (uint8_t)i;
    for (size_t si = 0; si < 3; si++) {
        struct td_tls13_aead tx, rx;
        size_t hl, kl;

        assert_true(td_tls13_suite_info(all_suites[si], &hl, &kl));
        assert_int_equal(td_tls13_aead_init(&tx, all_suites[si], secret, hl),
                         TD_OK);
        assert_int_equal(td_tls13_aead_init(&rx, all_suites[si], secret, hl),
                         TD_OK);
        assert_int_equal(tx.key_len, kl);
        for (size_t li = 0; li < 4; li++) {
            for (size_t pi = 0; pi < 3; pi++) {
                size_t rl = 0, n = 0;
                uint8_t type = 0;
                int rc;

                rc = td_tls13_record_seal(
                    &tx, TD_TLS13_CT_APPLICATION_DATA, content, lens[li],
                    pads[pi], rec, TD_TLS13_HDR_LEN + TD_TLS13_MAX_CIPHERTEXT,
                    &rl);
                if (lens[li] + 1 + pads[pi] > TD_TLS13_MAX_INNER) {
                    assert_int_equal(rc, TD_ERR_LIMIT);
                    continue;
                }
                assert_int_equal(rc, TD_OK);
                assert_int_equal(rl, 5 + lens[li] + 1 + pads[pi] + 16);
                assert_int_equal(td_tls13_record_open(&rx, rec, rl, out,
                                                      TD_TLS13_MAX_CIPHERTEXT,
                                                      &type, &n),
                                 TD_OK);
                assert_int_equal(type, TD_TLS13_CT_APPLICATION_DATA);
                assert_int_equal(n, lens[li]);
                if (n > 0)
                    assert_memory_equal(out, content, n);
                assert_int_equal(rx.seq, tx.seq);
            }
        }
        td_tls13_aead_free(&tx);
        td_tls13_aead_free(&rx);
    }
    free(content);
    free(rec);
    free(out);
}

/* An inner plaintext of zeros only has no content type (RFC 8446 5.2);
 * made here with mbedcrypto directly, as the seal API cannot make it. */
static void test_all_zero_inner(void **state)
{
    struct td_tls13_aead a;
    uint8_t secret[32] = {9}, rec[5 + 8 + 16], out[64], type;
    uint8_t zeros[8] = {0};
    mbedtls_gcm_context g;
    size_t n;
    (void)state;

    assert_int_equal(td_tls13_aead_init(&a, 0x1301, secret, 32), TD_OK);
    rec[0] = 23;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = 0;
    rec[4] = 8 + 16;
    mbedtls_gcm_init(&g);
    assert_int_equal(mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, a.key, 128),
                     0);
    /* sequence 0: the nonce is the IV itself */
    assert_int_equal(mbedtls_gcm_crypt_and_tag(&g, MBEDTLS_GCM_ENCRYPT, 8, a.iv,
                                               12, rec, 5, zeros, rec + 5, 16,
                                               rec + 13),
                     0);
    mbedtls_gcm_free(&g);
    assert_int_equal(
        td_tls13_record_open(&a, rec, sizeof(rec), out, sizeof(out), &type, &n),
        TD_ERR_MALFORMED);
    assert_int_equal(a.seq, 0);
    td_tls13_aead_free(&a);
}

/* Header checks and RFC 8446 5.2 size limits. */
static void test_record_limits(void **state)
{
    struct td_tls13_aead a;
    uint8_t secret[32] = {1}, type;
    uint8_t *rec = calloc(1, 5 + TD_TLS13_MAX_CIPHERTEXT + 1);
    uint8_t *out = malloc(TD_TLS13_MAX_CIPHERTEXT + 1);
    size_t n, big = TD_TLS13_MAX_CIPHERTEXT + 1;
    (void)state;

    assert_non_null(rec);
    assert_non_null(out);
    assert_int_equal(td_tls13_aead_init(&a, 0x1301, secret, 32), TD_OK);
    /* length field over 2^14 + 256: record_overflow */
    rec[0] = 23;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(big >> 8);
    rec[4] = (uint8_t)big;
    assert_int_equal(
        td_tls13_record_open(&a, rec, 5 + big, out, big, &type, &n),
        TD_ERR_LIMIT);
    /* 2^14 + 256 exactly: inner plaintext over 2^14 + 1, record_overflow */
    rec[3] = (uint8_t)(TD_TLS13_MAX_CIPHERTEXT >> 8);
    rec[4] = (uint8_t)TD_TLS13_MAX_CIPHERTEXT;
    assert_int_equal(td_tls13_record_open(&a, rec, 5 + TD_TLS13_MAX_CIPHERTEXT,
                                          out, big, &type, &n),
                     TD_ERR_LIMIT);
    /* 16 bytes: a tag and no content type */
    rec[3] = 0;
    rec[4] = 16;
    assert_int_equal(td_tls13_record_open(&a, rec, 5 + 16, out, big, &type, &n),
                     TD_ERR_MALFORMED);
    /* not application_data */
    rec[0] = 22;
    rec[4] = 17;
    assert_int_equal(td_tls13_record_open(&a, rec, 5 + 17, out, big, &type, &n),
                     TD_ERR_MALFORMED);
    /* header only, or less */
    assert_int_equal(td_tls13_record_open(&a, rec, 3, out, big, &type, &n),
                     TD_ERR_MALFORMED);
    /* seal: too much content, too small an output */
    assert_int_equal(td_tls13_record_seal(&a, 23, out, TD_TLS13_MAX_INNER, 0,
                                          rec, 5 + big, &n),
                     TD_ERR_LIMIT);
    assert_int_equal(
        td_tls13_record_seal(&a, 23, out, 10, 0, rec, 5 + 10 + 16, &n),
        TD_ERR_LIMIT);
    /* the last sequence number is usable once, then refused */
    a.seq = UINT64_MAX;
    assert_int_equal(td_tls13_record_seal(&a, 23, out, 10, 0, rec, 64, &n),
                     TD_OK);
    assert_true(a.seq_exhausted);
    assert_int_equal(td_tls13_record_seal(&a, 23, out, 10, 0, rec, 64, &n),
                     TD_ERR_LIMIT);
    assert_int_equal(
        td_tls13_record_open(&a, rec, 5 + 10 + 1 + 16, out, big, &type, &n),
        TD_ERR_LIMIT);
    /* unknown suite */
    assert_int_equal(td_tls13_aead_init(&a, 0x1304, secret, 32), TD_ERR_USAGE);
    assert_int_equal(td_tls13_aead_init(&a, 0x1302, secret, 32),
                     TD_ERR_USAGE); /* SHA-384 wants 48 bytes */
    assert_false(td_tls13_suite_info(0xc02f, NULL, NULL));
    free(rec);
    free(out);
}

/* ---- known answers from an independent implementation -----------------
 * RFC 8448 covers TLS_AES_128_GCM_SHA256 and x25519 only.  These values
 * were made with Python's `cryptography` (HKDFExpand, AESGCM,
 * ChaCha20Poly1305, ECDH on SECP256R1) from the inputs stated, so the other
 * two suites and P-256 are checked against something other than ourselves.
 */

struct suite_kat {
    uint16_t suite;
    const char *key, *iv;
    const char *rec0; /* seq 0: "tlsdiag", type 22, 3 bytes of padding */
    const char *rec1; /* seq 1: 02 28, type 21, no padding */
};

/* The traffic secret is 00 01 02 ... (Hash.length bytes). */
static const struct suite_kat suite_kats[] = {
    {0x1302,
     "68 77 d0 22 f1 c6 1d 24 eb b7 48 7c 16 75 2d 9a "
     "47 98 e4 04 31 c7 5b 39 32 0e 53 7c 90 e2 32 25",
     "42 82 25 31 a0 fe 88 64 8f c0 9e 9f",
     "17 03 03 00 1b 3c 5b 0c 58 7c 6c d1 93 91 c4 55 42 b2 fb ca e0 34 "
     "a1 92 67 49 1d 6c 0e 8f 73 3c",
     "17 03 03 00 13 9f 39 6c 63 2a 1c 22 20 c0 5f 6f df 24 df f2 cd 4e "
     "e7 35"},
    {0x1303,
     "2f fb c4 49 e8 78 44 05 1c 77 68 f6 1f fd 8a d0 "
     "70 83 0f 01 ec 2c 52 0e f6 5f 08 e8 29 6d ff a0",
     "2f 41 c8 46 a4 31 a1 63 81 4b cd 71",
     "17 03 03 00 1b c6 c2 18 9a 6e 14 dd f7 ef 6d 98 a5 ea 04 cb f6 1f "
     "d7 23 8f 2d ca f3 4f 3b 75 e6",
     "17 03 03 00 13 09 9d 20 a4 bd f2 82 22 d3 a0 40 32 4d af b2 b1 32 "
     "65 eb"},
};

static void test_kat_other_suites(void **state)
{
    static const uint8_t alert[] = {2, 40};
    uint8_t secret[TD_TLS13_MAX_HASH], out[64], type;
    size_t n;
    (void)state;

    for (size_t i = 0; i < sizeof(secret); i++)
        secret[i] = (uint8_t)i;
    for (size_t k = 0; k < 2; k++) {
        const struct suite_kat *v = &suite_kats[k];
        struct hexv r0 = hx(v->rec0), r1 = hx(v->rec1);
        struct td_tls13_aead rx, tx;
        size_t hl;

        assert_true(td_tls13_suite_info(v->suite, &hl, NULL));
        assert_int_equal(td_tls13_aead_init(&rx, v->suite, secret, hl), TD_OK);
        eq_hex(rx.key, rx.key_len, v->key);
        eq_hex(rx.iv, sizeof(rx.iv), v->iv);
        assert_int_equal(
            td_tls13_record_open(&rx, r0.p, r0.n, out, sizeof(out), &type, &n),
            TD_OK);
        assert_int_equal(type, TD_TLS13_CT_HANDSHAKE);
        assert_int_equal(n, 7);
        assert_memory_equal(out, "tlsdiag", 7);
        assert_int_equal(
            td_tls13_record_open(&rx, r1.p, r1.n, out, sizeof(out), &type, &n),
            TD_OK);
        assert_int_equal(type, TD_TLS13_CT_ALERT);
        assert_int_equal(n, 2);
        assert_memory_equal(out, alert, 2);

        /* and sealing makes the same bytes */
        assert_int_equal(td_tls13_aead_init(&tx, v->suite, secret, hl), TD_OK);
        assert_int_equal(td_tls13_record_seal(&tx, TD_TLS13_CT_HANDSHAKE,
                                              (const uint8_t *)"tlsdiag", 7, 3,
                                              out, sizeof(out), &n),
                         TD_OK);
        assert_int_equal(n, r0.n);
        assert_memory_equal(out, r0.p, n);
        assert_int_equal(td_tls13_record_seal(&tx, TD_TLS13_CT_ALERT, alert, 2,
                                              0, out, sizeof(out), &n),
                         TD_OK);
        assert_int_equal(n, r1.n);
        assert_memory_equal(out, r1.p, n);
        td_tls13_aead_free(&rx);
        td_tls13_aead_free(&tx);
        free(r0.p);
        free(r1.p);
    }
}

/* P-256: d = SHA-256("tlsdiag client"), the peer's d = SHA-256("tlsdiag
 * server"); public key and ECDH X coordinate as `cryptography` gives. */
static void test_kat_p256(void **state)
{
    struct hexv d = hx("62 5a d1 e5 1b 37 8b 30 9a 21 f1 b4 92 eb db 49 "
                       "1d b6 4c 63 53 82 dd 05 96 19 4d b2 6f 12 e6 03");
    struct hexv peer =
        hx("04 32 61 23 9b ae 64 3a 04 38 a9 25 f8 51 86 44 89 d4 d8 75 35 "
           "b1 20 82 6f c4 eb ec 53 c4 83 b0 9f 1c 28 fd 78 9a de 38 c8 a4 "
           "b2 af e3 88 70 22 a8 fa f7 8e e4 59 81 bb a7 7a 54 82 82 f5 d8 "
           "43 74");
    struct td_tls13_ks ks;
    uint8_t z[32];
    size_t zl;
    (void)state;

    assert_int_equal(
        td_tls13_keyshare_set_private(&ks, TD_TLS13_GROUP_SECP256R1, d.p, d.n),
        TD_OK);
    eq_hex(ks.pub, ks.pub_len,
           "04 d8 7f 13 3a 96 dd f2 72 a5 43 cb 39 db 14 26 ab 1f d0 34 47 "
           "fe 4c 71 34 6a 04 10 4d 8e 96 fc a6 35 8e 9e 22 30 2d ca 1d 61 "
           "a8 e0 06 40 b9 70 c8 9a 03 d4 d6 d0 8f 9a 95 9f e6 cf 4a f0 da "
           "11 1c");
    assert_int_equal(
        td_tls13_keyshare_shared(&ks, peer.p, peer.n, z, sizeof(z), &zl),
        TD_OK);
    eq_hex(z, zl,
           "16 da cc 61 55 f5 42 71 be ce ac 76 31 9d 7b 34 "
           "1d 96 17 0b 4d 1d 1e 99 fa 28 79 57 11 8e fc 18");
    td_tls13_keyshare_free(&ks);
    free(d.p);
    free(peer.p);
}

/* ---- key shares -------------------------------------------------------- */

/* Fresh key pairs (internal CTR-DRBG) agree with each other in both
 * groups; the public keys have their wire sizes. */
static void test_keyshare_fresh(void **state)
{
    static const uint16_t groups[] = {TD_TLS13_GROUP_X25519,
                                      TD_TLS13_GROUP_SECP256R1};
    (void)state;

    for (size_t i = 0; i < 2; i++) {
        struct td_tls13_ks a, b;
        uint8_t za[32], zb[32];
        size_t la, lb;

        assert_int_equal(td_tls13_keyshare_init(&a, groups[i], NULL, NULL),
                         TD_OK);
        assert_int_equal(td_tls13_keyshare_init(&b, groups[i], NULL, NULL),
                         TD_OK);
        assert_int_equal(a.pub_len, i == 0 ? 32 : 65);
        if (i == 1)
            assert_int_equal(a.pub[0], 0x04);
        assert_memory_not_equal(a.pub, b.pub, a.pub_len);
        assert_int_equal(
            td_tls13_keyshare_shared(&a, b.pub, b.pub_len, za, sizeof(za), &la),
            TD_OK);
        assert_int_equal(
            td_tls13_keyshare_shared(&b, a.pub, a.pub_len, zb, sizeof(zb), &lb),
            TD_OK);
        assert_int_equal(la, 32);
        assert_int_equal(lb, 32);
        assert_memory_equal(za, zb, 32);
        td_tls13_keyshare_free(&a);
        td_tls13_keyshare_free(&b);
    }
}

/* Peer key shares that must be refused, and bad arguments. */
static void test_keyshare_bad_peer(void **state)
{
    struct td_tls13_ks x, p;
    uint8_t peer[65] = {0}, z[32];
    size_t zl;
    (void)state;

    assert_int_equal(
        td_tls13_keyshare_init(&x, TD_TLS13_GROUP_X25519, NULL, NULL), TD_OK);
    assert_int_equal(
        td_tls13_keyshare_init(&p, TD_TLS13_GROUP_SECP256R1, NULL, NULL),
        TD_OK);
    /* x25519 u = 0 and u = 1: small order, an all-zero secret */
    assert_int_not_equal(
        td_tls13_keyshare_shared(&x, peer, 32, z, sizeof(z), &zl), TD_OK);
    peer[0] = 1;
    assert_int_not_equal(
        td_tls13_keyshare_shared(&x, peer, 32, z, sizeof(z), &zl), TD_OK);
    /* wrong lengths */
    assert_int_equal(td_tls13_keyshare_shared(&x, peer, 31, z, sizeof(z), &zl),
                     TD_ERR_MALFORMED);
    assert_int_equal(td_tls13_keyshare_shared(&p, peer, 64, z, sizeof(z), &zl),
                     TD_ERR_MALFORMED);
    assert_int_equal(td_tls13_keyshare_shared(&x, x.pub, 32, z, 31, &zl),
                     TD_ERR_LIMIT);
    /* P-256: compressed form, then a point not on the curve */
    memcpy(peer, p.pub, 65);
    peer[0] = 0x02;
    assert_int_equal(td_tls13_keyshare_shared(&p, peer, 65, z, sizeof(z), &zl),
                     TD_ERR_MALFORMED);
    peer[0] = 0x04;
    peer[64] ^= 1;
    assert_int_equal(td_tls13_keyshare_shared(&p, peer, 65, z, sizeof(z), &zl),
                     TD_ERR_MALFORMED);
    /* unknown group */
    assert_int_equal(td_tls13_keyshare_init(&x, 0x0018, NULL, NULL),
                     TD_ERR_USAGE);
    td_tls13_keyshare_free(&x);
    td_tls13_keyshare_free(&p);
}

/* ---- transcript -------------------------------------------------------- */

/* RFC 8446 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
 * message_hash(254) 00 00 Hash.length Hash(ClientHello1).  Checked against
 * a hash of that synthetic message computed here with mbedcrypto, for
 * SHA-256 and SHA-384. */
static void test_transcript_hrr(void **state)
{
    static const uint8_t ch1[] = {1, 0, 0, 3, 'c', 'h', '1'};
    static const uint8_t hrr[] = {2, 0, 0, 3, 'h', 'r', 'r'};
    static const uint8_t ch2[] = {1, 0, 0, 3, 'c', 'h', '2'};
    static const uint16_t suites[] = {0x1301, 0x1302};
    (void)state;

    for (size_t i = 0; i < 2; i++) {
        const mbedtls_md_info_t *md = mbedtls_md_info_from_type(
            i == 0 ? MBEDTLS_MD_SHA256 : MBEDTLS_MD_SHA384);
        size_t hl = mbedtls_md_get_size(md), got_len;
        uint8_t buf[4 + 48 + 3 * 7], want[48], got[48];
        struct td_tls13_transcript t;
        size_t n = 0;

        buf[n++] = 254;
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = (uint8_t)hl;
        assert_int_equal(mbedtls_md(md, ch1, sizeof(ch1), buf + n), 0);
        n += hl;
        memcpy(buf + n, hrr, sizeof(hrr));
        n += sizeof(hrr);
        memcpy(buf + n, ch2, sizeof(ch2));
        n += sizeof(ch2);
        assert_int_equal(mbedtls_md(md, buf, n, want), 0);

        assert_int_equal(td_tls13_transcript_init(&t, suites[i]), TD_OK);
        /* before anything was added, or after two messages: refused */
        assert_int_equal(td_tls13_transcript_hrr(&t), TD_ERR_USAGE);
        assert_int_equal(td_tls13_transcript_add(&t, ch1, sizeof(ch1)), TD_OK);
        assert_int_equal(td_tls13_transcript_hrr(&t), TD_OK);
        assert_int_equal(td_tls13_transcript_hrr(&t), TD_ERR_USAGE);
        assert_int_equal(td_tls13_transcript_add(&t, hrr, sizeof(hrr)), TD_OK);
        assert_int_equal(td_tls13_transcript_add(&t, ch2, sizeof(ch2)), TD_OK);
        assert_int_equal(
            td_tls13_transcript_hash(&t, got, sizeof(got), &got_len), TD_OK);
        assert_int_equal(got_len, hl);
        assert_memory_equal(got, want, hl);
        assert_int_equal(td_tls13_transcript_hash(&t, got, hl - 1, &got_len),
                         TD_ERR_LIMIT);
        td_tls13_transcript_free(&t);
    }
    {
        struct td_tls13_transcript t;

        assert_int_equal(td_tls13_transcript_init(&t, 0x00ff), TD_ERR_USAGE);
        td_tls13_transcript_free(&t);
    }
}

/* The HKDF-Expand-Label argument limits of RFC 8446 7.1. */
static void test_expand_label_limits(void **state)
{
    uint8_t secret[32] = {0}, out[64], ctx[256] = {0};
    char label[251];
    (void)state;

    memset(label, 'a', sizeof(label) - 1);
    label[250] = '\0';
    assert_int_equal(
        td_tls13_expand_label(0x1301, secret, 32, label, NULL, 0, out, 32),
        TD_ERR_USAGE); /* "tls13 " + 250 > 255 */
    label[249] = '\0';
    assert_int_equal(
        td_tls13_expand_label(0x1301, secret, 32, label, NULL, 0, out, 32),
        TD_OK);
    assert_int_equal(
        td_tls13_expand_label(0x1301, secret, 32, "x", ctx, 256, out, 32),
        TD_ERR_USAGE);
    assert_int_equal(
        td_tls13_expand_label(0x1301, secret, 32, "x", ctx, 255, out, 64),
        TD_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8448_x25519),
        cmocka_unit_test(test_rfc8448_schedule),
        cmocka_unit_test(test_rfc8448_server_flight),
        cmocka_unit_test(test_rfc8448_tamper),
        cmocka_unit_test(test_roundtrip_suites),
        cmocka_unit_test(test_all_zero_inner),
        cmocka_unit_test(test_record_limits),
        cmocka_unit_test(test_kat_other_suites),
        cmocka_unit_test(test_kat_p256),
        cmocka_unit_test(test_keyshare_fresh),
        cmocka_unit_test(test_keyshare_bad_peer),
        cmocka_unit_test(test_transcript_hrr),
        cmocka_unit_test(test_expand_label_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
