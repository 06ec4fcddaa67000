/* model.h - the handshake model.
 *
 * The one structure that every front end fills (log, pcap, probe, hello)
 * and that the rule engine and the renderers read.  A handshake owns an
 * arena; every pointer inside it points into that arena, so a handshake is
 * freed at once with td_hs_free() after it has been rendered.
 *
 * Directions are always those of the TLS roles: TD_DIR_CLIENT is what the
 * client sent, whoever wrote the log.
 */
#ifndef TLSDIAG_MODEL_H
#define TLSDIAG_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/arena.h"

#define TD_VEC(T) struct { T *v; size_t n; size_t cap; }

typedef TD_VEC(uint8_t) td_u8vec;
typedef TD_VEC(uint16_t) td_u16vec;
typedef TD_VEC(uint32_t) td_u32vec;
typedef TD_VEC(const char *) td_strvec;

/* Where a fact was seen: a log line, a packet, a byte offset in pasted
 * input.  0 means "not known" for each number. */
struct td_evidence {
    uint64_t line;      /* 1-based log line */
    uint64_t packet;    /* 1-based packet number */
    uint64_t offset;    /* 1-based byte offset + 1 in decoded input (0: none) */
    const char *text;   /* the log line, or a description; may be NULL */
};
typedef TD_VEC(struct td_evidence) td_evvec;

enum td_dir { TD_DIR_CLIENT = 0, TD_DIR_SERVER = 1 };

struct td_ext {
    uint16_t type;
    uint16_t len;
    const uint8_t *data;    /* len bytes inside the message copy */
};
typedef TD_VEC(struct td_ext) td_extvec;

struct td_client_hello {
    bool complete;          /* false: rebuilt from log text, or cut short */
    bool from_text;         /* rebuilt from log text lines (no bytes) */
    bool sslv2;             /* SSLv2-compatible CLIENT-HELLO record */
    bool retry;             /* second ClientHello after HelloRetryRequest */
    uint16_t record_version;    /* 0 when unknown */
    uint16_t legacy_version;    /* client_version; 0 when unknown */
    bool has_random;
    uint8_t random[32];
    uint8_t random_len;         /* 32, or the SSLv2 challenge length */
    uint8_t session_id_len;
    uint8_t session_id[32];
    td_u16vec cipher_suites;    /* TLS values; SSLv2 specs 0x00XXXX mapped */
    td_u32vec sslv2_specs;      /* SSLv2 hello: the 3-byte cipher specs */
    td_u8vec compression;
    bool has_ext_block;         /* the extensions vector was present */
    td_extvec extensions;       /* wire order */
    /* Decoded contents of the common extensions. */
    const char *sni;            /* first host_name, NUL-terminated; NULL absent */
    size_t sni_len;             /* real length (may contain NUL bytes) */
    td_u16vec groups;
    td_u8vec point_formats;
    td_u16vec sigalgs;
    td_u16vec sigalgs_cert;
    td_u16vec versions;         /* supported_versions */
    td_u16vec key_share_groups;
    td_u8vec psk_modes;
    td_strvec alpn;
    uint8_t max_fragment_length;    /* RFC 6066 code 1..4 (raw); 0 absent */
    uint16_t record_size_limit;     /* 0 absent */
    bool renegotiation_scsv;        /* 0x00ff in the suites */
    bool fallback_scsv;             /* 0x5600 in the suites */
    struct td_evidence sni_where;   /* where the SNI was seen, if apart */
    struct td_evidence suites_where;    /* first cipher suite line (log) */
    char ja3[33];                   /* md5 hex, "" when not computed */
    char ja4[40];                   /* JA4 "a" + "_" + b + "_" + c */
    const uint8_t *raw;             /* the handshake message, header included */
    size_t raw_len;
    struct td_evidence where;
};

struct td_server_hello {
    bool complete;
    bool from_text;
    bool sslv2;                 /* SSLv2 SERVER-HELLO */
    bool hello_retry_request;
    uint16_t record_version;
    uint16_t version;           /* legacy server_version */
    uint16_t selected_version;  /* supported_versions; 0 absent */
    bool has_random;
    uint8_t random[32];
    uint8_t session_id_len;
    uint8_t session_id[32];
    bool has_cipher_suite;
    uint16_t cipher_suite;
    uint8_t compression;
    bool has_ext_block;
    td_extvec extensions;
    bool has_key_share_group;
    uint16_t key_share_group;   /* HRR: the group requested */
    uint8_t max_fragment_length;
    const char *alpn;
    const uint8_t *raw;
    size_t raw_len;
    struct td_evidence where;
};

struct td_cert {
    bool parsed;                /* X.509 parse succeeded */
    const char *parse_error;    /* why not, when !parsed */
    const uint8_t *der;         /* the certificate's bytes (arena copy) */
    size_t der_len;
    const char *subject;
    const char *issuer;
    const char *not_before;     /* "YYYY-MM-DD HH:MM:SS" UTC */
    const char *not_after;
    int64_t not_before_t;       /* seconds since the epoch */
    int64_t not_after_t;
    const char *key;            /* "RSA 2048", "EC secp256r1 256", ... */
    const char *key_type;       /* "RSA", "EC", "Ed25519", ... */
    unsigned key_bits;
    uint16_t key_group;         /* EC key: IANA group id, 0 otherwise */
    const char *sig_alg;        /* "RSA with SHA-256" */
    bool is_ca;
    td_strvec san;              /* dNSName and iPAddress entries */
    struct td_evidence where;
};
typedef TD_VEC(struct td_cert) td_certvec;

struct td_server_key_exchange {
    bool present;
    uint8_t curve_type;         /* 3 named_curve */
    uint16_t group;             /* named curve, 0 when not ECDHE */
    uint16_t sigalg;            /* TLS 1.2 signature scheme, 0 when absent */
    uint16_t params_len;        /* DHE: p length in bytes */
    struct td_evidence where;
};

struct td_cert_request {
    bool present;
    td_u8vec cert_types;
    td_u16vec sigalgs;
    size_t ca_names;            /* number of distinguished names */
    struct td_evidence where;
};

struct td_alert {
    uint8_t from;               /* enum td_dir */
    uint8_t level;              /* 1 warning, 2 fatal; 0 unknown (encrypted) */
    uint8_t description;
    bool encrypted;
    struct td_evidence where;
};
typedef TD_VEC(struct td_alert) td_alertvec;

/* An mbedTLS error code seen in a log ("... returned -0x7780"). */
struct td_mberr {
    int32_t code;               /* negative, as the library returns it */
    const char *func;           /* function that returned it, or NULL */
    struct td_evidence where;
};
typedef TD_VEC(struct td_mberr) td_mberrvec;

/* One step of the exchange, in order; the ladder renderer draws these. */
enum td_event_kind {
    TD_EV_HANDSHAKE,      /* hs_type set */
    TD_EV_ENCRYPTED_HS,   /* handshake record we cannot read */
    TD_EV_ALERT,          /* alert_level/alert_desc; encrypted flag */
    TD_EV_CCS,
    TD_EV_APPDATA,
    TD_EV_CLOSE,          /* TCP FIN / EOF without close_notify */
    TD_EV_RESET,          /* TCP RST */
    TD_EV_TIMEOUT,        /* no answer within the time limit */
    TD_EV_NOT_TLS,        /* bytes that are not a TLS record */
    TD_EV_SSLV2,          /* SSLv2 record (hs_type: SSLv2 message type) */
};
#define TD_EVF_HRR 1        /* ServerHello that is a HelloRetryRequest */
#define TD_EVF_RETRY 2      /* ClientHello answering a HelloRetryRequest */
struct td_event {
    uint8_t kind;
    uint8_t flags;          /* TD_EVF_* */
    uint8_t dir;
    uint8_t hs_type;
    uint8_t alert_level;
    uint8_t alert_desc;
    bool encrypted;
    uint32_t length;
    struct td_evidence where;
};
typedef TD_VEC(struct td_event) td_eventvec;

/* Facts a front end saw that are not TLS messages: library messages in a
 * log ("bad message length"), or what a probe observed.  Rules read them
 * as evidence. */
enum td_note_kind {
    TD_NOTE_BAD_MESSAGE_LENGTH = 1, /* record longer than the input buffer */
    TD_NOTE_MORE_DATA_THAN_FITS,    /* "requesting more data than fits" */
    TD_NOTE_HS_FRAGMENTATION,       /* "handshake fragmentation not supported" */
    TD_NOTE_HS_MSG_FRAGMENTED,      /* a: record msglen, b: hslen */
    TD_NOTE_INPUT_RECORD,           /* a: content type, b: length */
    TD_NOTE_ALLOC_FAILED,           /* a: bytes asked for (0 unknown) */
    TD_NOTE_VERSION_OUT_OF_BOUNDS,  /* a: server version, b: client max */
    TD_NOTE_BAD_SKE_CURVE,          /* server's ECDHE curve not acceptable */
    TD_NOTE_BAD_CERT_EC_CURVE,      /* certificate key on an unoffered curve */
    TD_NOTE_NO_CA_CHAIN,            /* "got no CA chain" */
    TD_NOTE_NO_HOSTNAME,            /* verify without mbedtls_ssl_set_hostname */
    TD_NOTE_NO_COMMON_SUITE,        /* server: "got no ciphersuites in common" */
    TD_NOTE_NO_USABLE_SUITE,        /* server: "... but none of them usable" */
    TD_NOTE_NO_COMMON_CURVE,        /* server: no shared curve */
    TD_NOTE_NO_COMMON_SIGALG,       /* no shared signature algorithm */
    TD_NOTE_CLIENT_NO_CERT,         /* server: the client sent no certificate */
    TD_NOTE_CERT_REQUEST,           /* client: "got a certificate request" */
    TD_NOTE_MFL_ACCEPTED,           /* server echoed max_fragment_length */
    TD_NOTE_PEER_CLOSED,            /* f_recv returned 0 (EOF) */
    TD_NOTE_UNKNOWN_RECORD_TYPE,    /* a: the type byte */
    TD_NOTE_RENEGOTIATION_REFUSED,
    TD_NOTE_PSA_NOT_INITIALISED,
    TD_NOTE_SNI_CALLBACK_FAILED,    /* server: SNI callback refused the name */
    TD_NOTE_VERSION_TOO_LOW,        /* server: client below the minimum */
};
struct td_note {
    uint16_t kind;          /* enum td_note_kind */
    int64_t a, b;
    struct td_evidence where;
};
typedef TD_VEC(struct td_note) td_notevec;

enum td_likelihood {
    TD_CONFIRMED = 0,   /* reserved for what a live probe proved */
    TD_LIKELY = 1,
    TD_POSSIBLE = 2,
    TD_INFO = 3,
};

struct td_finding {
    const char *id;             /* contract cause id */
    uint8_t likelihood;         /* enum td_likelihood */
    int score;                  /* ranking, higher first */
    const char *title;
    const char *explanation;
    td_evvec evidence;
    const char *fix_summary;
    const char *fix_mbedtls_2;
    const char *fix_mbedtls_3;
    const char *basis;          /* how strong the evidence is, for ranking */
};
typedef TD_VEC(struct td_finding) td_findingvec;

enum td_outcome {
    TD_OUTCOME_INCOMPLETE = 0,  /* ended before a result was seen */
    TD_OUTCOME_OK,
    TD_OUTCOME_FAILED,          /* an alert, close, reset, timeout or error */
};

enum td_role {
    TD_ROLE_UNKNOWN = 0,
    TD_ROLE_CLIENT,     /* the log/probe is the client's view */
    TD_ROLE_SERVER,     /* the log is an mbedTLS server's */
    TD_ROLE_OBSERVER,   /* a capture or pasted bytes */
};

struct td_probe_run;

struct td_handshake {
    struct td_arena arena;
    unsigned index;
    uint8_t role;               /* enum td_role */
    uint8_t outcome;            /* enum td_outcome */
    /* source */
    uint64_t first_line, last_line;
    uint64_t first_packet, last_packet;
    uint64_t start_usec;        /* capture time of the first packet */
    const char *client_addr;    /* "10.0.0.2:51515" */
    const char *server_addr;
    /* target the program connected to, when known */
    const char *target_host;
    uint16_t target_port;
    struct td_evidence target_where;
    /* messages */
    struct td_client_hello *ch;
    struct td_client_hello *ch_retry;   /* after HelloRetryRequest */
    struct td_server_hello *hrr;        /* HelloRetryRequest, if any */
    struct td_server_hello *sh;
    td_certvec certs;           /* server chain, as sent */
    td_certvec client_certs;
    struct td_server_key_exchange ske;
    struct td_cert_request cert_request;
    bool server_hello_done;
    /* TLS 1.3: what only the decrypted server flight shows (tls13read.h).
     * An alert it decrypted is in alerts with encrypted set and a level. */
    bool has_encrypted_extensions;
    td_extvec encrypted_extensions;     /* RFC 8446 4.3.1, wire order */
    uint16_t cert_verify_sigalg;        /* server CertificateVerify scheme
                                           (4.4.3); 0 when not seen */
    bool tls13_decrypted;       /* a record was opened with the keys */
    bool tls13_flight_read;     /* ... up to the server Finished */
    bool tls13_finished_ok;     /* which verified (4.4.4) */
    td_alertvec alerts;
    td_mberrvec errors;
    td_eventvec events;
    /* certificate verification reported by the library (log) */
    bool has_verify_flags;
    uint32_t verify_flags;
    struct td_evidence verify_where;
    td_notevec notes;
    /* What a live probe proved (probe.h); NULL for the other front ends.
     * Owned by the probe command, read by rules/probe.c and renderers. */
    const struct td_probe_run *probe;
    /* the library's handshake state when it stopped (log): "client state:
     * N" as a number (TLS 1.2 numbering), -1 unknown; and as printed */
    int state;
    const char *state_name;
    struct td_evidence state_where;
    /* the handshake's start and end as the library reported them */
    bool started;           /* "=> handshake" seen */
    bool ended;             /* "<= handshake" seen */
    bool over;              /* the library reached HANDSHAKE_OVER */
    /* library version as far as the input tells: 0 unknown, 2, 3, 4 */
    uint8_t mbedtls_major;
    const char *mbedtls_version;        /* "2.28.3" when printed */
    /* what could not be read, for this handshake */
    td_strvec warnings;
    /* The message the decoder is reading (its line, packet or byte
     * offset), set around each message's decode: td_hs_warn() names it. */
    struct td_evidence reading;
    /* The input this handshake came from (a file name, "-"), when the
     * front end reads several; NULL: the document's.  Not owned: it
     * outlives the handshake. */
    const char *input;
    td_findingvec findings;
};

/* Allocate a zeroed handshake with its own arena (cap: bytes, 0 default).
 * NULL when out of memory. */
struct td_handshake *td_hs_new(size_t cap);
void td_hs_free(struct td_handshake *hs);

/* Record a note (evidence is copied, its text into the arena); returns
 * the note or NULL when the arena is full. */
struct td_note *td_hs_note(struct td_handshake *hs, enum td_note_kind kind,
                           int64_t a, int64_t b,
                           const struct td_evidence *where);
/* First note of a kind, NULL if none. */
const struct td_note *td_hs_find_note(const struct td_handshake *hs,
                                      enum td_note_kind kind);

/* Record a warning on the handshake (printf format), prefixed with the
 * place of the message being decoded (hs->reading) when there is one:
 * "line 12: ...", "packet 5: ...", "byte offset 40: ...".  Never fails
 * loudly: when the arena is full the warning is dropped. */
void td_hs_warn(struct td_handshake *hs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same at an explicit place (where may be NULL: no place). */
void td_hs_warn_at(struct td_handshake *hs, const struct td_evidence *where,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An input's name as messages print it: "standard input" for "-" or
 * NULL, else the name. */
const char *td_input_label(const char *name);

/* The place an evidence names, as messages write it: "line 12",
 * "packet 5", "byte offset 40" (counted from 0), or "" when it names
 * none.  Returns buf. */
const char *td_ev_place(const struct td_evidence *ev, char *buf, size_t cap);
/* Length of the place prefix ("line 12: ") a warning starts with, 0 when
 * it starts with none; *offset gets a byte offset's value (else
 * UINT64_MAX). */
size_t td_place_prefix(const char *warning, uint64_t *offset);

/* First extension of type t in a hello's list, NULL if absent. */
const struct td_ext *td_ext_find(const td_extvec *exts, uint16_t t);

/* Decide hs->outcome (and hs->over) from the events of a handshake seen
 * on the wire (capture, pasted bytes, probe); see outcome.c. */
void td_hs_settle_wire(struct td_handshake *hs);

/* Names for enums, for renderers. */
const char *td_outcome_name(enum td_outcome o);
const char *td_likelihood_name(enum td_likelihood l);
const char *td_dir_name(enum td_dir d);  /* "client" / "server" */

#endif
