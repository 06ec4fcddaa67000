/* tls13.h - the TLS 1.3 client crypto needed to read a server's encrypted
 * flight (EncryptedExtensions, Certificate, CertificateRequest,
 * CertificateVerify, Finished), built on libmbedcrypto 2.28 primitives
 * (Debian's mbedTLS 2.28 has no TLS 1.3 of its own).
 *
 *   key share    RFC 8446 4.2.8.2, RFC 7748: x25519 and secp256r1
 *   transcript   RFC 8446 4.4.1, with the HelloRetryRequest rule
 *   key schedule RFC 8446 7.1 (no PSK), traffic keys 7.3
 *   records      RFC 8446 5.2 (TLSInnerPlaintext), 5.3 (per-record nonce)
 *   Finished     RFC 8446 4.4.4
 *
 * No global state: every context is the caller's (init/free).  Every output
 * goes into a caller buffer whose capacity is passed in.  Secrets are wiped
 * by the _free functions.
 *
 * Errors are enum td_err (err.h):
 *   TD_ERR_USAGE      unknown group or cipher suite, bad argument
 *   TD_ERR_MALFORMED  peer key share invalid; record header wrong; AEAD tag
 *                     mismatch (wrong keys or a corrupted record); inner
 *                     plaintext with no content type
 *   TD_ERR_LIMIT      a length beyond a protocol limit, an output buffer
 *                     too small, the record sequence number exhausted
 *   TD_ERR_NOMEM      mbedcrypto could not allocate
 *   TD_ERR_IO         the random generator failed
 */
#ifndef TLSDIAG_TLS13_H
#define TLSDIAG_TLS13_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/md.h>

/* NamedGroup code points (RFC 8446 4.2.7). */
#define TD_TLS13_GROUP_SECP256R1 0x0017
#define TD_TLS13_GROUP_X25519 0x001d

/* Cipher suites (RFC 8446 B.4). */
#define TD_TLS13_AES_128_GCM_SHA256 0x1301
#define TD_TLS13_AES_256_GCM_SHA384 0x1302
#define TD_TLS13_CHACHA20_POLY1305_SHA256 0x1303

/* ContentType values seen inside TLSInnerPlaintext (RFC 8446 5.1). */
#define TD_TLS13_CT_ALERT 21
#define TD_TLS13_CT_HANDSHAKE 22
#define TD_TLS13_CT_APPLICATION_DATA 23

#define TD_TLS13_MAX_HASH 48   /* SHA-384 */
#define TD_TLS13_MAX_KEY 32    /* AES-256, ChaCha20 */
#define TD_TLS13_IV_LEN 12     /* RFC 8446 5.3: iv_length = 12 */
#define TD_TLS13_TAG_LEN 16    /* all three suites */
#define TD_TLS13_HDR_LEN 5     /* TLSCiphertext header */
#define TD_TLS13_MAX_SHARE 65  /* uncompressed P-256 point */
#define TD_TLS13_MAX_SHARED 32 /* x25519 and P-256 shared secrets */
/* RFC 8446 5.2: TLSCiphertext.length <= 2^14 + 256 and
 * TLSInnerPlaintext <= 2^14 + 1 (content plus type; padding included). */
#define TD_TLS13_MAX_CIPHERTEXT (16384 + 256)
#define TD_TLS13_MAX_INNER (16384 + 1)
#define TD_TLS13_MAX_PLAINTEXT 16384

/* The random generator, mbedTLS's signature (e.g. mbedtls_ctr_drbg_random).
 * Returns 0 on success. */
typedef int (*td_tls13_rng_fn)(void *p_rng, unsigned char *out, size_t len);

/* ---- Key share (RFC 8446 4.2.8.2) --------------------------------------
 *
 * One ephemeral key pair.  pub[0..pub_len) is the key_exchange field of the
 * client's KeyShareEntry: 32 bytes for x25519 (RFC 7748, little-endian u),
 * 65 bytes 04||X||Y for secp256r1.  The private key stays in priv (x25519
 * little-endian clamped scalar, P-256 big-endian scalar).
 */
struct td_tls13_ks {
    uint16_t group;
    uint8_t priv[32];
    uint8_t pub[TD_TLS13_MAX_SHARE];
    size_t pub_len;
    td_tls13_rng_fn f_rng; /* kept for the shared-secret blinding */
    void *p_rng;
};

/* Generates a key pair for group.  With f_rng NULL a CTR-DRBG seeded from
 * mbedtls_entropy is made for this call (and for keyshare_shared); else
 * f_rng/p_rng are used and must outlive ks.
 * Errors: TD_ERR_USAGE (group), TD_ERR_IO (rng), TD_ERR_NOMEM. */
int td_tls13_keyshare_init(struct td_tls13_ks *ks, uint16_t group,
                           td_tls13_rng_fn f_rng, void *p_rng);

/* Sets a known private key (tests, replaying a trace) and derives pub.
 * x25519: 32 bytes as RFC 7748 (clamped here); P-256: 32 bytes big-endian,
 * 1 <= d < n.  Errors: TD_ERR_USAGE, TD_ERR_MALFORMED (bad scalar). */
int td_tls13_keyshare_set_private(struct td_tls13_ks *ks, uint16_t group,
                                  const uint8_t *priv, size_t len);

/* ECDH with the server's key_exchange bytes (RFC 8446 7.4.2): x25519
 * writes the raw 32-byte output (RFC 7748 5), an all-zero result being an
 * error (RFC 7748 6.1); P-256 writes the 32-byte X coordinate after
 * checking the point is on the curve.  out_cap >= 32; *out_len = 32.
 * Errors: TD_ERR_MALFORMED (peer key), TD_ERR_LIMIT (out_cap), TD_ERR_IO,
 * TD_ERR_NOMEM, TD_ERR_USAGE. */
int td_tls13_keyshare_shared(const struct td_tls13_ks *ks, const uint8_t *peer,
                             size_t peer_len, uint8_t *out, size_t out_cap,
                             size_t *out_len);

/* Wipes the private key. */
void td_tls13_keyshare_free(struct td_tls13_ks *ks);

/* ---- Cipher suites ----------------------------------------------------- */

/* True for 0x1301..0x1303; then *hash_len (32/48) and *key_len (16/32)
 * are set (either pointer may be NULL). */
bool td_tls13_suite_info(uint16_t suite, size_t *hash_len, size_t *key_len);

/* ---- Transcript hash (RFC 8446 4.4.1) ----------------------------------
 *
 * A running hash of the handshake messages (4-byte handshake header
 * included, record headers excluded), with the suite's hash.  The suite is
 * known from the ServerHello (or HelloRetryRequest); a caller keeps its
 * ClientHello bytes until then.
 */
struct td_tls13_transcript {
    uint16_t suite;
    size_t hash_len;
    size_t n_msgs; /* messages added since init/hrr */
    mbedtls_md_context_t md;
};

/* Errors: TD_ERR_USAGE (suite), TD_ERR_NOMEM.  On error t needs no free. */
int td_tls13_transcript_init(struct td_tls13_transcript *t, uint16_t suite);

/* Adds one or more whole handshake messages. */
int td_tls13_transcript_add(struct td_tls13_transcript *t, const uint8_t *msg,
                            size_t len);

/* The HelloRetryRequest rule: call after adding ClientHello1 and before
 * adding the HelloRetryRequest.  Replaces the hash of ClientHello1 by that
 * of message_hash(254) 00 00 Hash.length || Hash(ClientHello1).
 * Errors: TD_ERR_USAGE unless exactly one transcript_add call (the
 * ClientHello1) came before, or on a second call. */
int td_tls13_transcript_hrr(struct td_tls13_transcript *t);

/* Transcript-Hash of the messages so far, the running hash untouched.
 * out_cap >= hash_len.  Errors: TD_ERR_LIMIT, TD_ERR_NOMEM. */
int td_tls13_transcript_hash(const struct td_tls13_transcript *t, uint8_t *out,
                             size_t out_cap, size_t *out_len);

void td_tls13_transcript_free(struct td_tls13_transcript *t);

/* ---- Key schedule (RFC 8446 7.1) --------------------------------------- */

/* HKDF-Expand-Label(secret, label, context, out_len) with the suite's
 * hash; label without the "tls13 " prefix, label_len <= 249,
 * ctx_len <= 255, out_len <= 255 * Hash.length. */
int td_tls13_expand_label(uint16_t suite, const uint8_t *secret,
                          size_t secret_len, const char *label,
                          const uint8_t *ctx, size_t ctx_len, uint8_t *out,
                          size_t out_len);

/* Derive-Secret(secret, label, messages) where the caller already has
 * Transcript-Hash(messages) in thash (Hash.length bytes); out gets
 * Hash.length bytes. */
int td_tls13_derive_secret(uint16_t suite, const uint8_t *secret,
                           const char *label, const uint8_t *thash,
                           uint8_t *out);

/* The secrets of one full (EC)DHE handshake without PSK.  Each holds
 * hash_len bytes. */
struct td_tls13_sched {
    uint16_t suite;
    size_t hash_len;
    uint8_t early[TD_TLS13_MAX_HASH];     /* Early Secret */
    uint8_t handshake[TD_TLS13_MAX_HASH]; /* Handshake Secret */
    uint8_t c_hs[TD_TLS13_MAX_HASH];      /* client_handshake_traffic_secret */
    uint8_t s_hs[TD_TLS13_MAX_HASH];      /* server_handshake_traffic_secret */
    uint8_t master[TD_TLS13_MAX_HASH];    /* Master Secret */
    uint8_t c_ap[TD_TLS13_MAX_HASH]; /* client_application_traffic_secret_0 */
    uint8_t s_ap[TD_TLS13_MAX_HASH]; /* server_application_traffic_secret_0 */
    bool have_hs, have_ap;
};

/* Early Secret (PSK = 0), Handshake Secret from the (EC)DHE shared secret,
 * and the two handshake traffic secrets from hello_hash =
 * Transcript-Hash(ClientHello..ServerHello), hash_len bytes.
 * Errors: TD_ERR_USAGE (suite, lengths), TD_ERR_NOMEM. */
int td_tls13_sched_handshake(struct td_tls13_sched *s, uint16_t suite,
                             const uint8_t *shared, size_t shared_len,
                             const uint8_t *hello_hash, size_t hash_len);

/* Master Secret and the application traffic secrets from
 * Transcript-Hash(ClientHello..server Finished).  Needs sched_handshake. */
int td_tls13_sched_application(struct td_tls13_sched *s,
                               const uint8_t *fin_hash, size_t hash_len);

/* Wipes every secret. */
void td_tls13_sched_free(struct td_tls13_sched *s);

/* finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length);
 * verify_data = HMAC(finished_key, thash) (RFC 8446 4.4.4).  base_key and
 * thash are hash_len bytes; out gets hash_len bytes. */
int td_tls13_finished(uint16_t suite, const uint8_t *base_key,
                      const uint8_t *thash, uint8_t *out);

/* ---- Record protection (RFC 8446 5.2, 5.3, 7.3) ------------------------
 *
 * One direction's traffic key, IV and 64-bit sequence number.
 */
struct td_tls13_aead {
    uint16_t suite;
    size_t key_len;
    uint8_t key[TD_TLS13_MAX_KEY];
    uint8_t iv[TD_TLS13_IV_LEN];
    uint64_t seq;
    bool seq_exhausted;
};

/* key = HKDF-Expand-Label(secret, "key", "", key_length),
 * iv  = HKDF-Expand-Label(secret, "iv", "", 12); seq = 0.
 * secret is hash_len bytes (a traffic secret from td_tls13_sched). */
int td_tls13_aead_init(struct td_tls13_aead *a, uint16_t suite,
                       const uint8_t *secret, size_t secret_len);

/* Opens one protected record rec[0..rec_len), header included: type must
 * be application_data(23) and the header's length must be rec_len - 5
 * (between 17 and 2^14 + 256).  The legacy_record_version is not checked
 * (it is authenticated as additional data).  Middlebox-compatibility
 * ChangeCipherSpec records are not protected: skip them before calling.
 *
 * On success the content (inner type and zero padding stripped, RFC 8446
 * 5.2) is in out[0..*out_len), its type in *inner_type, and the sequence
 * number has advanced.  out_cap must be >= rec_len - 5 - 16 (the inner
 * plaintext is decrypted there first).  On error the sequence number is
 * unchanged and out's contents are unspecified.
 * Errors: TD_ERR_MALFORMED (header, tag, no content type), TD_ERR_LIMIT
 * (length, out_cap, sequence number), TD_ERR_USAGE. */
int td_tls13_record_open(struct td_tls13_aead *a, const uint8_t *rec,
                         size_t rec_len, uint8_t *out, size_t out_cap,
                         uint8_t *inner_type, size_t *out_len);

/* Protects content[0..len) of inner type, with pad zero bytes of padding,
 * into one record out[0..*out_len) (header 17 03 03 LL LL).  The content
 * plus type plus padding must be <= 2^14 + 1; out_cap >= 5 + len + 1 +
 * pad + 16.  Advances the sequence number.
 * Errors: TD_ERR_LIMIT, TD_ERR_USAGE. */
int td_tls13_record_seal(struct td_tls13_aead *a, uint8_t inner_type,
                         const uint8_t *content, size_t len, size_t pad,
                         uint8_t *out, size_t out_cap, size_t *out_len);

/* Wipes the key and IV. */
void td_tls13_aead_free(struct td_tls13_aead *a);

#endif
