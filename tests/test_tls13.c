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

/* ---- RFC 8448 section 3 ------------------------------------------------
 * Every value below is printed in RFC 8448 section 3, copied as hex.  The
 * handshake messages are without record headers except the *_REC ones,
 * which are whole records.  The server's flight is one record holding
 * EncryptedExtensions, Certificate, CertificateVerify and Finished under
 * the server handshake traffic keys (TLS_AES_128_GCM_SHA256). */

/* 32 bytes */
#define R_CLIENT_PRIV                                                          \
    "49 af 42 ba 7f 79 94 85 2d 71 3e f2 78 4b cb ca "                         \
    "a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05"

/* 32 bytes */
#define R_CLIENT_PUB                                                           \
    "99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe "                         \
    "b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c"

/* 32 bytes */
#define R_SERVER_PRIV                                                          \
    "b1 58 0e ea df 6d d5 89 b8 ef 4f 2d 56 52 57 8c "                         \
    "c8 10 e9 98 01 91 ec 8d 05 83 08 ce a2 16 a2 1e"

/* 32 bytes */
#define R_SERVER_PUB                                                           \
    "c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 "                         \
    "56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f"

/* 32 bytes */
#define R_SHARED                                                               \
    "8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d "                         \
    "35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d"

/* 196 bytes */
#define R_CLIENT_HELLO                                                         \
    "01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 "                         \
    "c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef "                         \
    "62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 "                         \
    "00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 "                         \
    "65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 "                         \
    "17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 "                         \
    "23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d "                         \
    "e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e "                         \
    "51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00 "                         \
    "03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 "                         \
    "02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 "                         \
    "04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c "                         \
    "00 02 40 01"

/* 95 bytes */
#define R_SERVER_HELLO_REC                                                     \
    "16 03 03 00 5a 02 00 00 56 03 03 a6 af 06 a4 12 "                         \
    "18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb "                         \
    "14 34 da c1 55 77 2e d3 e2 69 28 00 13 01 00 00 "                         \
    "2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 "                         \
    "fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d "                         \
    "f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04"

/* 32 bytes */
#define R_HELLO_HASH                                                           \
    "86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed "                         \
    "d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8"

/* 32 bytes */
#define R_EARLY_SECRET                                                         \
    "33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 "                         \
    "10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a"

/* 32 bytes */
#define R_HS_SECRET                                                            \
    "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 "                         \
    "04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac"

/* 32 bytes */
#define R_C_HS_SECRET                                                          \
    "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f "                         \
    "3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21"

/* 32 bytes */
#define R_S_HS_SECRET                                                          \
    "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 "                         \
    "e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38"

/* 16 bytes */
#define R_S_HS_KEY "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"

/* 12 bytes */
#define R_S_HS_IV "5d 31 3e b2 67 12 76 ee 13 00 0b 30"

/* 16 bytes */
#define R_C_HS_KEY "db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01"

/* 12 bytes */
#define R_C_HS_IV "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f"

/* 32 bytes */
#define R_FIN_HASH                                                             \
    "96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a "                         \
    "00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13"

/* 32 bytes */
#define R_MASTER_SECRET                                                        \
    "18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 "                         \
    "80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19"

/* 32 bytes */
#define R_C_AP_SECRET                                                          \
    "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 "                         \
    "87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5"

/* 32 bytes */
#define R_S_AP_SECRET                                                          \
    "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 "                         \
    "82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43"

/* 16 bytes */
#define R_C_AP_KEY "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"

/* 12 bytes */
#define R_C_AP_IV "5b 78 92 3d ee 08 57 90 33 e5 23 d9"

/* 16 bytes */
#define R_S_AP_KEY "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56"

/* 12 bytes */
#define R_S_AP_IV "cf 78 2b 88 dd 83 54 9a ad f1 e9 84"

/* 679 bytes */
#define R_SERVER_FLIGHT_REC                                                    \
    "17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 "                         \
    "cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e "                         \
    "df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca "                         \
    "07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78 "                         \
    "b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 "                         \
    "34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b "                         \
    "d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 "                         \
    "02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9 "                         \
    "d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c "                         \
    "7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e "                         \
    "d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 "                         \
    "60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92 "                         \
    "8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 "                         \
    "04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94 "                         \
    "5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 "                         \
    "94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 "                         \
    "45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 "                         \
    "aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f "                         \
    "44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 "                         \
    "4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 "                         \
    "f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 "                         \
    "6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 "                         \
    "7b 49 ee da 0c 62 58 f1 00 d7 d9 61 ff b1 38 64 "                         \
    "7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e "                         \
    "1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 "                         \
    "3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da "                         \
    "8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c "                         \
    "f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 "                         \
    "61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c "                         \
    "74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be "                         \
    "5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 "                         \
    "a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb "                         \
    "99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb "                         \
    "56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59 "                         \
    "77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 "                         \
    "63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38 "                         \
    "eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 "                         \
    "8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84 "                         \
    "5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 "                         \
    "40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 "                         \
    "d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 "                         \
    "ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e "                         \
    "75 0e dc 53 37 0d 2b"

/* 58 bytes */
#define R_CLIENT_FIN_REC                                                       \
    "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 "                         \
    "a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc "                         \
    "44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c "                         \
    "ae ac ab 68 67 d7 26 c4 05 46"

/* 40 bytes */
#define R_ENCRYPTED_EXTENSIONS                                                 \
    "08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 "                         \
    "00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c "                         \
    "00 02 40 01 00 00 00 00"

/* 445 bytes */
#define R_CERTIFICATE                                                          \
    "0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 "                         \
    "82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a "                         \
    "86 48 86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a "                         \
    "06 03 55 04 03 13 03 72 73 61 30 1e 17 0d 31 36 "                         \
    "30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36 30 "                         \
    "37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a "                         \
    "06 03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 "                         \
    "09 2a 86 48 86 f7 0d 01 01 01 05 00 03 81 8d 00 "                         \
    "30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30 3d 98 "                         \
    "08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26 "                         \
    "d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a "                         \
    "95 13 7a ce 6c 1a f1 9e aa 6a f9 8c 7c ed 43 12 "                         \
    "09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b "                         \
    "63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80 "                         \
    "30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 "                         \
    "3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a "                         \
    "8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a 30 18 "                         \
    "30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55 "                         \
    "1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 "                         \
    "f7 0d 01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 "                         \
    "b9 27 6b 90 8c 65 f7 3a 72 67 17 06 18 a5 4c 5f "                         \
    "8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5 "                         \
    "8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a "                         \
    "03 01 51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 "                         \
    "70 2e 60 8c ca e6 be c1 fc 63 a4 2a 99 be 5c 3e "                         \
    "b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84 e0 "                         \
    "a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 "                         \
    "f8 96 12 29 ac 91 87 b4 2b 4d e1 00 00"

/* 136 bytes */
#define R_CERTIFICATE_VERIFY                                                   \
    "0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2 "                         \
    "e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a "                         \
    "b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 "                         \
    "3a 5c 14 1a 07 86 53 fa 6b ef 78 0c 5e a2 48 ee "                         \
    "aa a7 85 c4 f3 94 ca b6 d3 0b be 8d 48 59 ee 51 "                         \
    "1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44 5c "                         \
    "9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 "                         \
    "d3 be 15 2a 3d a5 04 3e 06 3d da 65 cd f5 ae a2 "                         \
    "0d 53 df ac d4 2f 74 f3"

/* 36 bytes */
#define R_SERVER_FINISHED                                                      \
    "14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 "                         \
    "1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 "                         \
    "b7 8f 07 18"

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
