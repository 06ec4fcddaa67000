/* tls13read.h - read a TLS 1.3 server's encrypted flight as its client.
 *
 * Debian's mbedTLS 2.28 has no TLS 1.3, yet a probe must see what a TLS
 * 1.3-only server sends after its ServerHello: EncryptedExtensions,
 * CertificateRequest, Certificate, CertificateVerify and Finished are all
 * encrypted under the server handshake traffic key (RFC 8446 2, 7.1).  A
 * client that kept the private keys of its key_share entries can open
 * them; this reader does that with the primitives of tls13.h.
 *
 * A struct td_t13r is fed the server's bytes in any chunking, as they come
 * from the socket.  It
 *   - joins records and finds the plaintext ServerHello; a
 *     HelloRetryRequest or a ServerHello selecting TLS 1.2 ends it;
 *   - picks the key share of the ServerHello's group, derives the
 *     handshake traffic secrets (RFC 8446 7.1) over the transcript
 *     ClientHello..ServerHello (4.4.1);
 *   - skips the middlebox-compatibility change_cipher_spec (D.4), opens
 *     each following record (5.2), joins handshake messages split over
 *     records and splits records holding several;
 *   - hands each decrypted message to td_decode_handshake_msg(), so the
 *     model's certs, cert_request, cert_verify_sigalg and
 *     encrypted_extensions are filled as for any other input, and adds a
 *     handshake event (encrypted = true) per message;
 *   - checks the server Finished (4.4.4) and stops there;
 *   - records a decrypted alert (level and description, encrypted = true)
 *     and stops there.
 *
 * Plaintext part: when the model already has a ClientHello at init, a
 * record-layer decoder (td_tls_feed) is taken to fill it from the same
 * bytes, and the reader adds only what it decrypts.  When the model has
 * none, nothing else fills it: the reader also decodes the ClientHello,
 * the ServerHello or HelloRetryRequest, plaintext alerts and
 * change_cipher_spec into it.
 *
 * Bad input is data: a record that does not decrypt (wrong key share, a
 * corrupted byte), a malformed message or a limit becomes a warning on the
 * handshake and the reader is done (TD_T13R_ERROR).  Memory is bounded:
 * one record (2^14 + 256 bytes), its plaintext and one handshake message
 * of at most TD_T13R_MAX_MSG bytes; a longer message is hashed into the
 * transcript (so the Finished still verifies) but not decoded, with a
 * warning saying so.
 *
 * The reader owns no socket: the probe, the tests and the fuzz target
 * drive it alike.  The caller owns the struct (init/free).
 */
#ifndef TLSDIAG_TLS13READ_H
#define TLSDIAG_TLS13READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/hellobuild.h"
#include "tlsdiag/model.h"
#include "tlsdiag/tls13.h"

/* Key shares one reader can hold (a hello rarely offers more than two). */
#define TD_T13R_MAX_SHARES 4u
/* Largest handshake message body decoded (a certificate chain rarely
 * exceeds it); longer ones are hashed and skipped. */
#define TD_T13R_MAX_MSG 65536u

/* Where the reader stopped. */
enum td_t13r_end {
    TD_T13R_RUNNING = 0,  /* wants more bytes */
    TD_T13R_FINISHED,     /* the server Finished was read: see
                             hs->tls13_finished_ok for whether it verified */
    TD_T13R_HRR,          /* a HelloRetryRequest: this hello has no key for
                             the group the server wants */
    TD_T13R_NOT_TLS13,    /* the ServerHello selected TLS 1.2 or older */
    TD_T13R_ALERT,        /* the server sent an alert (plaintext or
                             decrypted) */
    TD_T13R_ERROR,        /* could not go on; the handshake's warnings say
                             why (no matching key share, unsupported suite,
                             a record that does not decrypt, a malformed
                             message) */
    TD_T13R_CUT,          /* td_t13r_finish: the input ended first */
};

struct td_t13r {
    struct td_handshake *hs;
    struct td_tls13_ks ks[TD_T13R_MAX_SHARES];
    size_t n_ks;
    uint8_t *ch;                /* copy of the ClientHello message */
    size_t ch_len;
    bool own_plain;             /* the reader decodes the plaintext part */
    bool encrypted;             /* past the ServerHello */
    uint8_t end;                /* enum td_t13r_end */
    /* record being collected */
    uint8_t *rec;               /* 5 + 2^14 + 256 bytes */
    size_t rec_len;
    uint64_t rec_start;         /* stream offset of its first byte */
    uint64_t consumed;          /* server bytes fed so far */
    uint8_t *plain;             /* one record's inner plaintext */
    /* handshake message being joined */
    uint8_t *msg;               /* 4 + TD_T13R_MAX_MSG bytes */
    size_t msg_len;             /* bytes of it held (header included) */
    size_t msg_body;            /* announced body length, once known */
    size_t msg_skip;            /* body bytes still to hash and drop */
    bool msg_skipping;
    /* keys */
    uint16_t suite;
    uint16_t group;
    struct td_tls13_transcript t;
    bool t_ready;
    struct td_tls13_sched sched;
    struct td_tls13_aead rx;
    /* what was read */
    unsigned records;           /* records seen */
    unsigned opened;            /* records decrypted */
    unsigned messages;          /* decrypted handshake messages */
    uint8_t last_type;          /* type of the last decrypted message */
    bool seen_cv;
    uint8_t alert_level;        /* the alert that ended it, if any */
    uint8_t alert_desc;
};

/* Start a reader.  ks[0..n_ks): the key pairs whose public halves the
 * ClientHello's key_share carried (copied: the caller may wipe its own;
 * any f_rng in them must outlive the reader).  client_hello[0..ch_len):
 * the handshake message exactly as sent (type, 24-bit length, body; no
 * record header), the first transcript message (RFC 8446 4.4.1).  hs: the
 * model to fill (stays the caller's).
 * Errors: TD_ERR_USAGE (no key share or more than TD_T13R_MAX_SHARES, a
 * key share without a public key, client_hello not one whole ClientHello
 * message, hs NULL), TD_ERR_NOMEM.  On error r holds nothing to free (and
 * td_t13r_free on it is harmless). */
int td_t13r_init(struct td_t13r *r, const struct td_tls13_ks *ks,
                 size_t n_ks, const uint8_t *client_hello, size_t ch_len,
                 struct td_handshake *hs);

/* Feed n bytes the server sent (records, any chunking).  Bytes after the
 * reader is done are counted and ignored.  Returns TD_OK or TD_ERR_NOMEM
 * (the model's arena or malloc); bad input is never an error here. */
int td_t13r_feed(struct td_t13r *r, const uint8_t *p, size_t n);

/* The input ended (close, timeout, byte cap): a reader still running
 * ends as TD_T13R_CUT and, when it had the keys, a warning says where the
 * flight stopped. */
void td_t13r_finish(struct td_t13r *r);

/* True once the reader stopped (any end but TD_T13R_RUNNING). */
bool td_t13r_done(const struct td_t13r *r);

/* "running", "finished", "hello_retry_request", "not_tls13", "alert",
 * "error", "cut". */
const char *td_t13r_end_name(enum td_t13r_end e);

/* Wipes the keys and secrets, frees the buffers. */
void td_t13r_free(struct td_t13r *r);

/* Offer TLS 1.3 in h with every key share of ks[0..n) (RFC 8446 4.2.8:
 * one KeyShareEntry each, in that order), each group also in
 * supported_groups; the rest as td_hb_add_tls13 (supported_versions,
 * psk_key_exchange_modes, signature algorithms, the TLS 1.3 suites).
 * Errors: TD_ERR_USAGE (n is 0 or a share has no public key),
 * TD_ERR_LIMIT, TD_ERR_NOMEM. */
int td_t13r_offer(struct td_hb_hello *h, const struct td_tls13_ks *ks,
                  size_t n);

#endif
