/* hellobuild.h - an editable ClientHello, built back into bytes.
 *
 * `probe` replays a device's ClientHello and varies it until the server
 * accepts.  A struct td_hb_hello holds the hello as lists (version,
 * random, session id, suites, compression methods, extensions as
 * (type, bytes) in wire order); the edit operations change one thing and
 * leave every other byte as it was, so a hello parsed and built again
 * without changes (random kept) is byte-identical to the original.
 *
 * Wire form (RFC 5246 7.4.1.2, RFC 8446 4.1.2):
 *
 *   struct {
 *       ProtocolVersion legacy_version;          2 bytes
 *       Random random;                           32 bytes
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;         optional in TLS 1.2
 *   } ClientHello;
 *
 * Every list is owned by the hello (malloc); td_hb_free() releases it.
 * Functions returning int return 0 or a negative enum td_err.
 */
#ifndef TLSDIAG_HELLOBUILD_H
#define TLSDIAG_HELLOBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/model.h"

/* Caps: what the wire format can carry at most. */
#define TD_HB_MAX_SUITES 32767u     /* cipher_suites<2..2^16-2> */
#define TD_HB_MAX_EXTS 1024u        /* 4 bytes each already fill 4 KiB */
#define TD_HB_MAX_EXT_BLOCK 65535u  /* extensions<..2^16-1> */
#define TD_HB_MAX_FRAGMENT 16384u   /* TLSPlaintext.length <= 2^14 */

/* Extension types used by the edit operations (IANA). */
#define TD_HB_EXT_SERVER_NAME 0
#define TD_HB_EXT_MAX_FRAGMENT_LENGTH 1
#define TD_HB_EXT_SUPPORTED_GROUPS 10
#define TD_HB_EXT_EC_POINT_FORMATS 11
#define TD_HB_EXT_SIGNATURE_ALGORITHMS 13
#define TD_HB_EXT_ENCRYPT_THEN_MAC 22
#define TD_HB_EXT_EXTENDED_MASTER_SECRET 23
#define TD_HB_EXT_SESSION_TICKET 35
#define TD_HB_EXT_SUPPORTED_VERSIONS 43
#define TD_HB_EXT_PSK_KEY_EXCHANGE_MODES 45
#define TD_HB_EXT_KEY_SHARE 51

struct td_hb_ext {
    uint16_t type;
    uint16_t len;
    uint8_t *data;          /* len bytes, malloc (NULL when len is 0) */
};

struct td_hb_hello {
    uint16_t record_version;    /* TLSPlaintext.legacy_record_version */
    uint16_t version;           /* legacy_version (client_version) */
    uint8_t random[32];
    uint8_t session_id_len;
    uint8_t session_id[32];
    uint16_t *suites;
    size_t n_suites, cap_suites;
    uint8_t compression[255];
    uint8_t n_compression;
    bool has_ext_block;         /* write the extensions vector (even empty) */
    struct td_hb_ext *exts;
    size_t n_exts, cap_exts;
};

/* Random source, as mbedTLS's f_rng (mbedtls_ctr_drbg_random fits):
 * fill buf[0..len) and return 0, or non-zero on failure. */
typedef int (*td_hb_rng_fn)(void *ctx, unsigned char *buf, size_t len);

/* An empty hello: record version 0x0301, version 0x0303, zero random,
 * no suites, compression {null}, an (empty) extension block. */
void td_hb_init(struct td_hb_hello *h);
void td_hb_free(struct td_hb_hello *h);

/* Parse a ClientHello handshake message (type 1, 24-bit length, body)
 * into h (which td_hb_parse initialises; free it even on failure).
 * record_version is kept for td_hb_record (0: 0x0301).
 * TD_ERR_MALFORMED when the bytes are not a well-formed ClientHello
 * (trailing bytes included), TD_ERR_NOMEM. */
int td_hb_parse(struct td_hb_hello *h, const uint8_t *msg, size_t len,
                uint16_t record_version);

/* From a decoded hello: its raw bytes when it has them, else its lists
 * (a hello rebuilt from log text).  TD_ERR_USAGE for SSLv2 hellos. */
int td_hb_from_client_hello(struct td_hb_hello *h,
                            const struct td_client_hello *ch);

/* A hello like an mbedTLS 2.28 client with the default configuration
 * sends (the suites, curves and hashes of the linked library), with SNI
 * `host` when not NULL.  rng NULL: zero random. */
int td_hb_template_228(struct td_hb_hello *h, const char *host,
                       td_hb_rng_fn rng, void *rng_ctx);

/* --- edits: each changes only what it names --- */

/* First extension of a type, NULL when absent. */
struct td_hb_ext *td_hb_find_ext(struct td_hb_hello *h, uint16_t type);
/* Replace the content of extension `type` (first of that type), or insert
 * it: at index `pos` (SIZE_MAX: at the end). */
int td_hb_set_ext(struct td_hb_hello *h, uint16_t type, const uint8_t *data,
                  size_t len, size_t pos);
/* Remove every extension of a type; returns how many were removed. */
size_t td_hb_remove_ext(struct td_hb_hello *h, uint16_t type);

/* server_name (RFC 6066 3) with one host_name; inserted first when new
 * (where mbedTLS puts it).  TD_ERR_USAGE for an empty or long name. */
int td_hb_set_sni(struct td_hb_hello *h, const char *name, size_t len);
bool td_hb_remove_sni(struct td_hb_hello *h);

/* Insert suite at index pos (SIZE_MAX: at the end, but before trailing
 * signalling values 0x00ff / 0x5600).  A suite already listed is left
 * where it is.  TD_ERR_LIMIT when the list is full. */
int td_hb_add_suite(struct td_hb_hello *h, uint16_t suite, size_t pos);
bool td_hb_remove_suite(struct td_hb_hello *h, uint16_t suite);
int td_hb_set_suites(struct td_hb_hello *h, const uint16_t *s, size_t n);

/* supported_groups (RFC 8422 5.1.1 / RFC 8446 4.2.7).  set: the list is
 * exactly g; add: appended when missing.  A new extension goes after
 * signature_algorithms when present (mbedTLS 2.28's order), else last. */
int td_hb_set_groups(struct td_hb_hello *h, const uint16_t *g, size_t n);
int td_hb_add_group(struct td_hb_hello *h, uint16_t group);

/* signature_algorithms (RFC 5246 7.4.1.4.1 / RFC 8446 4.2.3). */
int td_hb_set_sigalgs(struct td_hb_hello *h, const uint16_t *s, size_t n);
int td_hb_add_sigalg(struct td_hb_hello *h, uint16_t sigalg);

/* Offer TLS 1.3 beside TLS 1.2 (RFC 8446 4.2.1, 4.2.8, 4.2.9):
 * supported_versions {0x0304, 0x0303}; key_share with one entry (group,
 * pub: the public key as the wire wants it, e.g. 32 bytes for x25519);
 * psk_key_exchange_modes {psk_dhe_ke}; the group in supported_groups;
 * rsa_pss_rsae_sha256/384/512 and ecdsa_secp256r1_sha256 in
 * signature_algorithms; TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256 first in the suites when missing. */
int td_hb_add_tls13(struct td_hb_hello *h, uint16_t group,
                    const uint8_t *pub, size_t pub_len);

/* Highest version offered: legacy_version becomes min(max, 0x0303); a
 * supported_versions extension keeps only versions <= max (0x0304 added
 * when max is TLS 1.3 and the list lacks it; the extension is removed
 * when nothing is left).  TD_ERR_USAGE when max < 0x0300 or > 0x0304, or
 * max is 0x0304 and there is no supported_versions (use add_tls13). */
int td_hb_set_version(struct td_hb_hello *h, uint16_t max);

/* max_fragment_length (RFC 6066 4): removed; true when it was there. */
bool td_hb_remove_mfl(struct td_hb_hello *h);

/* A fresh 32-byte random from rng (TD_ERR_IO when it fails).  Not
 * calling it keeps the original random (`--exact`). */
int td_hb_fresh_random(struct td_hb_hello *h, td_hb_rng_fn rng, void *ctx);

/* --- serialisation --- */

/* The handshake message (header included) into *out (malloc, caller
 * frees), *out_len its size.  TD_ERR_LIMIT when a vector exceeds what its
 * length field can say (no suites, > 2^16-2 bytes of suites, an
 * extension block > 2^16-1), TD_ERR_NOMEM. */
int td_hb_build(const struct td_hb_hello *h, uint8_t **out, size_t *out_len);

/* The same message as handshake records (RFC 5246 6.2.1): fragments of
 * at most 2^14 bytes, each with a 5-byte header of content type 22 and
 * h->record_version (0: 0x0301). */
int td_hb_record(const struct td_hb_hello *h, uint8_t **out,
                 size_t *out_len);

#endif
