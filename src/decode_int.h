/* decode_int.h - internals shared by the decoder modules. */
#ifndef TLSDIAG_DECODE_INT_H
#define TLSDIAG_DECODE_INT_H

#include "cursor.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/model.h"

/* Handshake message types (RFC 8446 4, RFC 5246 7.4). */
enum {
    TD_HS_HELLO_REQUEST = 0, TD_HS_CLIENT_HELLO = 1, TD_HS_SERVER_HELLO = 2,
    TD_HS_HELLO_VERIFY_REQUEST = 3, TD_HS_NEW_SESSION_TICKET = 4,
    TD_HS_END_OF_EARLY_DATA = 5, TD_HS_ENCRYPTED_EXTENSIONS = 8,
    TD_HS_CERTIFICATE = 11, TD_HS_SERVER_KEY_EXCHANGE = 12,
    TD_HS_CERTIFICATE_REQUEST = 13, TD_HS_SERVER_HELLO_DONE = 14,
    TD_HS_CERTIFICATE_VERIFY = 15, TD_HS_CLIENT_KEY_EXCHANGE = 16,
    TD_HS_FINISHED = 20, TD_HS_CERTIFICATE_STATUS = 22,
    TD_HS_KEY_UPDATE = 24,
};

/* Record content types. */
enum {
    TD_CT_CCS = 20, TD_CT_ALERT = 21, TD_CT_HANDSHAKE = 22,
    TD_CT_APPDATA = 23, TD_CT_HEARTBEAT = 24,
};

/* Extension types used by the decoder. */
enum {
    TD_EXT_SERVER_NAME = 0, TD_EXT_MAX_FRAGMENT_LENGTH = 1,
    TD_EXT_STATUS_REQUEST = 5, TD_EXT_SUPPORTED_GROUPS = 10,
    TD_EXT_EC_POINT_FORMATS = 11, TD_EXT_SIGNATURE_ALGORITHMS = 13,
    TD_EXT_ALPN = 16, TD_EXT_SCT = 18, TD_EXT_PADDING = 21,
    TD_EXT_ENCRYPT_THEN_MAC = 22, TD_EXT_EXTENDED_MASTER_SECRET = 23,
    TD_EXT_COMPRESS_CERTIFICATE = 27, TD_EXT_RECORD_SIZE_LIMIT = 28,
    TD_EXT_SESSION_TICKET = 35, TD_EXT_PRE_SHARED_KEY = 41,
    TD_EXT_EARLY_DATA = 42, TD_EXT_SUPPORTED_VERSIONS = 43,
    TD_EXT_COOKIE = 44, TD_EXT_PSK_KEY_EXCHANGE_MODES = 45,
    TD_EXT_CERTIFICATE_AUTHORITIES = 47, TD_EXT_POST_HANDSHAKE_AUTH = 49,
    TD_EXT_SIGNATURE_ALGORITHMS_CERT = 50, TD_EXT_KEY_SHARE = 51,
    TD_EXT_RENEGOTIATION_INFO = 0xff01,
};

#define TD_TLS13 0x0304
/* SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR. */
extern const uint8_t td_hrr_random[32];

/* Message decoders: msg is the whole message (header included), base the
 * absolute offset of msg[0] for messages, where the evidence of the
 * record that completed it.  They fill hs and add warnings; they return 0
 * or TD_ERR_NOMEM. */
struct td_msgctx {
    struct td_handshake *hs;
    const uint8_t *msg;
    size_t len;
    size_t base;
    uint16_t record_version;
    const struct td_evidence *where;
};
int td_hs_client_hello(const struct td_msgctx *m);
int td_hs_server_hello(const struct td_msgctx *m);
int td_hs_certificate(const struct td_msgctx *m, int dir, bool tls13);
int td_hs_server_key_exchange(const struct td_msgctx *m);
int td_hs_certificate_request(const struct td_msgctx *m, bool tls13);
int td_hs_encrypted_extensions(const struct td_msgctx *m);
int td_hs_certificate_verify(const struct td_msgctx *m, int dir);
/* SSLv2 CLIENT-HELLO body (after the 2-byte record header). */
int td_hs_sslv2_client_hello(const struct td_msgctx *m);

/* An extensions block into ext entries; false when it was cut short
 * (the whole extensions before the cut are kept). */
bool td_read_extensions(struct td_handshake *hs, struct td_cur *c,
                        td_extvec *out, const char *msg);

/* Say why a cursor stopped: "<msg>: <field> at byte N: needs K bytes, M
 * left" as a warning on hs. */
void td_dec_stop(struct td_handshake *hs, const struct td_cur *c,
                 const char *msg, const char *field);

/* Parse helpers for extension bodies (also used by td_ext_describe). */
bool td_parse_u16_list(const uint8_t *p, size_t n, int lenbytes,
                       struct td_arena *a, td_u16vec *out);
bool td_parse_u8_list(const uint8_t *p, size_t n, struct td_arena *a,
                      td_u8vec *out);

/* Copy evidence (text into the handshake arena), adding a byte offset. */
struct td_evidence td_ev_at(struct td_handshake *hs,
                            const struct td_evidence *where, size_t offset);

/* Append an event; NULL when out of memory. */
struct td_event *td_hs_event(struct td_handshake *hs, int kind, int dir,
                             const struct td_evidence *where);

/* JA3 and JA4 of a decoded ClientHello (fills ch->ja3, ch->ja4). */
void td_fingerprint(struct td_client_hello *ch);

#endif
