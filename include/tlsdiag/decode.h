/* decode.h - TLS bytes into the handshake model.
 *
 * One decoder for every front end.  A td_tls_session follows one TLS
 * connection: bytes of each direction are fed in any chunking; the record
 * layer splits records, joins handshake messages fragmented over records,
 * splits records that carry several messages, and hands each message to
 * its decoder (hs_client_hello.c, hs_server_hello.c, ...), which fills the
 * session's handshake model.  Odd values are recorded as warnings on the
 * handshake and decoding goes on; a hard stop keeps the first error.
 */
#ifndef TLSDIAG_DECODE_H
#define TLSDIAG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/model.h"

/* Largest record body accepted (TLS 1.2 ciphertext may be 2^14 + 2048;
 * anything up to 2^16 - 1 is buffered so that odd peers still decode). */
#define TD_TLS_MAX_RECORD 65535u
/* Largest handshake message reassembled; longer ones are skipped with a
 * warning (a certificate chain rarely exceeds 64 KiB). */
#define TD_TLS_MAX_HS_MSG (1u << 20)

/* Direction argument meaning "work it out from the content" (pasted bytes
 * whose sender is not known). */
#define TD_DIR_AUTO 2

struct td_tls_dir {
    uint8_t *rec;           /* partial record (header + body) */
    size_t rec_len, rec_cap;
    uint8_t *hs;            /* partial handshake message */
    size_t hs_len, hs_cap;
    uint64_t consumed;      /* bytes of this direction seen so far */
    uint64_t rec_start;     /* offset of the record being collected */
    struct td_evidence rec_where;  /* where the current record began */
    bool encrypted;         /* CCS seen, or TLS 1.3 keys in use */
    bool stopped;           /* not TLS: rest of the direction ignored */
    bool sslv2_checked;
    bool resync;            /* after a gap: wait for a record boundary */
    unsigned hs_records;    /* records the buffered message came in */
    uint64_t skip;          /* bytes left of a record cut by a gap */
    bool compat_guess;      /* CCS taken for TLS 1.3's without a ServerHello */
    unsigned hs_last_record;
    unsigned records;
};

struct td_tls_session;
/* Called when a new handshake starts on the same connection (a second
 * ClientHello that is not the answer to a HelloRetryRequest).  The callee
 * takes the old model (to render and free it) and returns a fresh one, or
 * NULL to keep filling the old one. */
typedef struct td_handshake *(*td_tls_split_fn)(void *user,
                                                struct td_handshake *done);

struct td_tls_session {
    struct td_handshake *hs;
    struct td_tls_dir d[2];
    uint8_t last_dir;           /* direction of the last record (AUTO) */
    bool tls13;                 /* ServerHello selected TLS 1.3 */
    bool sslv2;                 /* an SSLv2 handshake is under way */
    bool tls12_flight;          /* the client sent ClientKeyExchange etc. */
    bool bare;                  /* input is handshake messages, no records */
    td_tls_split_fn split;
    void *user;
};

/* Start a session filling hs (which stays the caller's). */
void td_tls_init(struct td_tls_session *s, struct td_handshake *hs);
void td_tls_free(struct td_tls_session *s);

/* Feed n bytes that `dir` sent (TD_DIR_CLIENT, TD_DIR_SERVER or
 * TD_DIR_AUTO).  `where` (may be NULL) is where the chunk was seen; it is
 * copied into the evidence of what the chunk completes.  Returns 0, or
 * TD_ERR_NOMEM.  Malformed input is not an error here: it becomes a
 * warning on the handshake and, for non-TLS bytes, a TD_EV_NOT_TLS event. */
int td_tls_feed(struct td_tls_session *s, int dir, const uint8_t *p,
                size_t n, const struct td_evidence *where);

/* Feed bare handshake messages (type, 24-bit length, body), as pasted
 * from a debug log's "handshake message" dump; no record layer. */
int td_tls_feed_handshake(struct td_tls_session *s, int dir,
                          const uint8_t *p, size_t n,
                          const struct td_evidence *where);

/* Feed one whole record of which only the first n of full_len bytes are
 * known (a debug log dumps at most 4096 bytes).  What is missing is said
 * in a warning and the direction starts afresh with the next record. */
int td_tls_feed_record(struct td_tls_session *s, int dir, const uint8_t *p,
                       size_t n, size_t full_len,
                       const struct td_evidence *where);

/* `missing` bytes of direction dir were lost (capture gap): what is
 * buffered is decoded as far as it goes and said to be cut; decoding
 * resumes at the next chunk that starts like a record. */
int td_tls_gap(struct td_tls_session *s, int dir, uint64_t missing,
               const struct td_evidence *where);

/* The capture started inside the connection: directions that have not
 * sent anything yet look for the first record header instead of taking
 * their first bytes for one. */
void td_tls_midstream(struct td_tls_session *s);

/* The input ended: a partial record or message becomes a warning saying
 * where it stopped and how many bytes were missing. */
void td_tls_end(struct td_tls_session *s);

/* Decode one complete handshake message (header included) into hs.
 * Used by td_tls_feed and by front ends that already hold whole messages.
 * record_version is the version of the record that carried it (0: none). */
int td_decode_handshake_msg(struct td_handshake *hs, int dir,
                            const uint8_t *msg, size_t len,
                            uint16_t record_version,
                            const struct td_evidence *where);

/* Describe an extension's content in one line (for `hello` and -v):
 * writes buf, returns buf.  `from_server` picks the ServerHello form. */
const char *td_ext_describe(uint16_t type, const uint8_t *data, size_t len,
                            bool from_server, char *buf, size_t buflen);

/* True when p looks like the start of a TLS record or SSLv2 hello; used
 * to find TLS by content.  n may be short (then: "could be"). */
bool td_tls_looks_like_record(const uint8_t *p, size_t n);

/* True when the handshake holds at least one message whose fixed fields
 * only TLS has (a protocol version, a certificate that parses, a
 * registered alert, ...): bytes that merely started like TLS and decoded
 * into noise (random input) give false (tls_found.c). */
bool td_hs_found_tls(const struct td_handshake *hs);

#endif
