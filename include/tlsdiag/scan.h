/* scan.h - what a TLS server accepts, learnt in few connections.
 *
 * td_scan_run() builds raw ClientHellos (hellobuild.h), sends each on its
 * own connection (td_pn_probe) and reads only the server's first flight:
 * the ServerHello (or HelloRetryRequest), the certificates and the
 * ServerKeyExchange of TLS <= 1.2, an alert.  Nothing is printed here; the
 * result is a struct the renderers read.
 *
 * How few connections (details in scan.c):
 *   - versions: one hello per version, highest first; the hello that
 *     finds a version is also the first step of its suite list, and one
 *     refused outright answers for every lower version (RFC 5246 E.1);
 *   - suites, groups, signature schemes: elimination.  Offer every
 *     candidate, note the one the server picks, offer the rest again, until
 *     the server refuses: n accepted values cost n + 1 connections and come
 *     out in the order the server chose them;
 *   - whose order the server follows: proven by the elimination itself when
 *     the server ever picked a value offered after another accepted one;
 *     otherwise one more connection offers the first two picks reversed;
 *   - chains that do not depend on each other run at the same time
 *     (`parallel` connections at most), each chain one connection after
 *     the other.
 *
 * TLS 1.3: with the private half of its key share the scan reads the
 * server's encrypted flight (tls13read.h): certificates, the
 * CertificateVerify scheme, EncryptedExtensions.  Other groups (a server
 * asking for secp384r1) get a share made for the occasion, and only the
 * plaintext ServerHello is read.
 *
 * Ownership: the caller owns struct td_scan_result (td_scan_result_init,
 * td_scan_result_free); every string and list in it lives in its arena.
 */
#ifndef TLSDIAG_SCAN_H
#define TLSDIAG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/arena.h"
#include "tlsdiag/model.h"

#define TD_SCAN_NVERSIONS 5     /* SSL 3.0, TLS 1.0, 1.1, 1.2, 1.3 */
#define TD_SCAN_DEFAULT_PARALLEL 4u
/* The longest list the scan keeps (suites: the registry has ~350). */
#define TD_SCAN_MAX_LIST 512u
/* The unknown name of the SNI test (RFC 6761 6.4: .invalid never
 * resolves, so no real server has a certificate for it). */
#define TD_SCAN_UNKNOWN_SNI "tlsdiag-unknown.invalid"

struct td_scan_opts {
    const char *host;           /* name or literal, for the connection */
    uint16_t port;              /* 0: 443 */
    const char *connect_to;     /* address to use instead of host; NULL */
    const char *sni;            /* server_name to send; NULL: none */
    unsigned timeout_ms;        /* per connection; 0: 5000 */
    unsigned delay_ms;          /* between connection starts; > 0 also
                                   makes the scan one connection at a
                                   time (polite use) */
    unsigned max_connections;   /* budget; 0: none */
    unsigned parallel;          /* connections at once; 0: default */
    int family;                 /* AF_UNSPEC (0), AF_INET, AF_INET6 */
    /* The device's ClientHello (--from), or NULL.  With it the scan also
     * replays that hello, tests its SNI when it differs from `sni`, and
     * tests max_fragment_length with the device's value. */
    const struct td_client_hello *device;
};

/* A yes/no fact the scan may or may not have learnt. */
enum td_scan_state {
    TD_SCAN_UNTESTED = 0,       /* not asked (not applicable, budget) */
    TD_SCAN_YES,
    TD_SCAN_NO,
    TD_SCAN_UNKNOWN,            /* asked; the answer did not tell */
};

enum td_scan_order {
    TD_SCAN_ORDER_UNKNOWN = 0,  /* fewer than two values, or not tested */
    TD_SCAN_ORDER_SERVER,       /* the server's preference wins */
    TD_SCAN_ORDER_CLIENT,       /* the server takes the client's order */
};

/* One connection's answer, reduced to what the scan reads from it. */
struct td_scan_answer {
    uint8_t result;             /* enum td_pn_result */
    int alert;                  /* first alert description; -1 none */
    uint16_t version;           /* negotiated; 0 when no ServerHello */
    bool has_suite;
    uint16_t suite;
    bool hrr;
    uint16_t key_share_group;   /* ServerHello key share, or the group a
                                   HelloRetryRequest asks for; 0 none */
    uint16_t ske_group;         /* TLS <= 1.2 ECDHE curve; 0 none */
    uint16_t ske_sigalg;        /* TLS 1.2 ServerKeyExchange scheme */
    uint16_t cv_sigalg;         /* TLS 1.3 CertificateVerify scheme (a
                                   decrypted flight); 0 none */
    bool decrypted;             /* the TLS 1.3 flight was read to a
                                   verified server Finished */
    bool http;                  /* not_tls: the answer was HTTP */
    bool unresolved;            /* the name did not resolve */
    bool no_connection;         /* refused, or no connect in time */
    uint64_t elapsed_ms;
};

/* Values in the order the server picked them. */
struct td_scan_list {
    uint8_t state;              /* YES: elimination ran; NO: nothing
                                   accepted; UNTESTED / UNKNOWN */
    uint8_t order;              /* enum td_scan_order */
    bool complete;              /* the server refused what was left (not
                                   cut by the budget or an odd answer) */
    size_t n;
    uint16_t v[TD_SCAN_MAX_LIST];
    size_t offered;             /* candidates in the first hello */
    unsigned connections;       /* spent on this list (order test too) */
    struct td_scan_answer end;  /* the answer that ended the elimination */
};

struct td_scan_cert {
    const char *subject, *issuer, *key, *not_before, *not_after;
    const char *sig_alg;
    const char **san;
    size_t n_san;
    size_t der_len;
    bool is_ca;
    bool parsed;
};

struct td_scan_chain {
    struct td_scan_cert *v;
    size_t n;
};

struct td_scan_version {
    uint16_t version;           /* 0x0300 .. 0x0304 */
    uint8_t state;              /* enum td_scan_state */
    struct td_scan_answer answer;   /* to the first hello of this version */
    /* 0: answer is this version's own hello's.  Else the version of the
     * higher hello whose refusal told this one too (a server answers with
     * the highest version it has up to the client's, RFC 5246 E.1), and
     * answer is that hello's. */
    uint16_t inferred_from;
    struct td_scan_list suites;
};

/* Certificates and signature schemes per key type: hellos offering only
 * that type's suites and schemes. */
enum td_scan_keytype { TD_SCAN_KEY_ECDSA = 0, TD_SCAN_KEY_RSA, TD_SCAN_NKEYS };

struct td_scan_key {
    uint8_t state;              /* YES: the server has such a certificate */
    uint16_t version;           /* version of the hellos (TLS <= 1.2
                                   when the server has it) */
    struct td_scan_answer answer;
    struct td_scan_chain certs; /* empty when not readable (TLS 1.3
                                   without decryption) */
    struct td_scan_list sigalgs;    /* TLS 1.2 ServerKeyExchange schemes */
    struct td_scan_list sigalgs13;  /* TLS 1.3 CertificateVerify schemes
                                       (decrypted flights only) */
    const char *note;           /* why the state is known without an
                                   answer; NULL */
};

/* What the server does with one server_name. */
enum td_scan_sni_kind {
    TD_SCAN_SNI_UNTESTED = 0,
    TD_SCAN_SNI_ALERT,          /* answer.alert says which */
    TD_SCAN_SNI_CLOSED,         /* close or reset, no alert */
    TD_SCAN_SNI_SAME_CERT,      /* the certificate of the scan's name */
    TD_SCAN_SNI_OTHER_CERT,     /* another (default) certificate */
    TD_SCAN_SNI_ACCEPTED,       /* handshake goes on; certificate unread */
    TD_SCAN_SNI_OTHER,          /* timeout, not TLS */
};

enum td_scan_sni_test {
    TD_SCAN_SNI_NONE = 0,       /* no server_name */
    TD_SCAN_SNI_UNKNOWN,        /* TD_SCAN_UNKNOWN_SNI */
    TD_SCAN_SNI_DEVICE,         /* the --from hello's name */
    TD_SCAN_NSNI,
};

struct td_scan_sni {
    const char *name;           /* NULL: no SNI */
    uint8_t kind;               /* enum td_scan_sni_kind */
    uint16_t version;
    struct td_scan_answer answer;
    struct td_scan_chain certs;
};

/* An extension the server may echo: max_fragment_length (RFC 6066 4),
 * record_size_limit (RFC 8449 4). */
struct td_scan_ext {
    uint8_t state;              /* YES: echoed; NO: not echoed; UNKNOWN */
    uint16_t version;
    uint16_t asked;             /* MFL code 1..4, or the limit offered */
    uint16_t echoed;            /* the server's value (RSL: its limit) */
    struct td_scan_answer answer;
    const char *note;           /* why it is unknown */
};

/* One connection, for `-v` and the JSON "connections_log". */
struct td_scan_conn {
    const char *purpose;        /* "suites TLS 1.2 #3" */
    size_t offered;             /* values offered, when a list was tested */
    struct td_scan_answer answer;
};

struct td_scan_result {
    struct td_arena arena;
    const char *host;
    uint16_t port;
    char address[64];           /* the address connected to */
    const char *sni;            /* the name the hellos carried, or NULL */
    unsigned connections;       /* TCP connections opened */
    unsigned budget;            /* max_connections, 0 none */
    bool budget_hit;            /* some test was skipped for the budget */
    uint64_t elapsed_ms;
    /* Reachability: reached is true once any TLS record came back; else
     * first says what the first connection met. */
    bool reached;
    struct td_scan_answer first;
    struct td_scan_version versions[TD_SCAN_NVERSIONS];  /* SSL 3.0 first */
    struct td_scan_list groups12;   /* TLS <= 1.2 ECDHE curves */
    struct td_scan_list groups13;   /* TLS 1.3, by HelloRetryRequest */
    /* TLS 1.3 with one x25519 key share and every group listed: YES the
     * server took the share; NO it asked for hrr_group instead. */
    uint8_t x25519_share;
    uint16_t hrr_group;
    /* The group the server prefers: the first of groups13 (else groups12)
     * unless the server follows the client's order; 0 when unknown. */
    uint16_t preferred_group;
    struct td_scan_key keys[TD_SCAN_NKEYS];
    struct td_scan_chain default_certs; /* with the scan's SNI */
    uint16_t default_version;
    struct td_scan_sni sni_tests[TD_SCAN_NSNI];
    struct td_scan_ext mfl, rsl;
    bool tls13_decrypt;         /* a TLS 1.3 flight was decrypted (the
                                   scan keeps the private half of its
                                   x25519 and secp256r1 shares) */
    /* --from: the device's own hello replayed as it is */
    bool device_tested;
    struct td_scan_answer device_answer;
    TD_VEC(struct td_scan_conn) log;
    td_strvec notes;            /* what the scan could not learn, and why */
};

void td_scan_result_init(struct td_scan_result *r);
void td_scan_result_free(struct td_scan_result *r);

/* Scan (see the top of this file).  r must be initialised.
 * Returns TD_OK when some TLS answer came (r->reached), TD_ERR_NETWORK
 * when none did (r->first says why: resolution or connect failure,
 * timeout, reset, close, or bytes that are not TLS), TD_ERR_USAGE for a
 * missing host, TD_ERR_NOMEM. */
int td_scan_run(const struct td_scan_opts *o, struct td_scan_result *r);

/* Index into versions[] of 0x0300..0x0304, -1 for other values. */
int td_scan_version_index(uint16_t version);

/* The device's offer against the scan (--from): every offered value with
 * whether the server accepts it. */
struct td_scan_mitem {
    uint16_t id;
    bool device;                /* the device offers it */
    bool maybe;                 /* versions below the highest of a hello
                                   without supported_versions: the hello
                                   does not say which the device takes */
    bool server;                /* the server accepts it */
    uint8_t where;              /* suites: bit i set for versions[i] */
};

struct td_scan_mlist {
    struct td_scan_mitem v[TD_SCAN_MAX_LIST];
    size_t n;
    size_t common;              /* offered by both */
};

struct td_scan_match {
    struct td_scan_mlist versions;  /* 0x0300..0x0304 */
    struct td_scan_mlist suites;    /* the device's, then the server's */
    struct td_scan_mlist groups;
    struct td_scan_mlist sigalgs;   /* of the version below */
    bool sigalgs13;             /* sigalgs are TLS 1.3 CertificateVerify
                                   schemes (else TLS 1.2's) */
    uint16_t version;           /* highest common version; 0 none */
    bool version_maybe;         /* only a `maybe` version is common */
    uint16_t suite;             /* what the server would pick; 0 none */
    bool has_suite;
    uint16_t group;             /* ECDHE group it would use; 0 none */
    const char *device_sni;     /* NULL: none */
    uint8_t sni_kind;           /* what the server does with it */
    uint8_t device_mfl;         /* code 1..4, 0 absent */
    uint8_t mfl_state;          /* the server's answer to that MFL */
};

/* Fill m from the scan result and the device's hello.  Pure: no network,
 * no allocation. */
void td_scan_match(const struct td_scan_result *r,
                   const struct td_client_hello *ch, struct td_scan_match *m);

/* Names for renderers. */
const char *td_scan_state_name(enum td_scan_state s);  /* "yes" "no" ... */
const char *td_scan_order_name(enum td_scan_order o);  /* "server" ... */
const char *td_scan_sni_kind_name(enum td_scan_sni_kind k);
const char *td_scan_key_name(enum td_scan_keytype k);  /* "ECDSA" "RSA" */

#endif
