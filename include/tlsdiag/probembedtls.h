/* probembedtls.h - the full mbedTLS 2.28 handshake of `tlsdiag probe`,
 * and certificate chain verification as a device running it does it.
 *
 * After the raw ClientHellos of the probe have found hello parameters the
 * server accepts, td_pm_handshake() runs a real handshake through the
 * linked mbedTLS 2.28 with those parameters, so the developer sees the
 * error the device meets next: most often -0x2700 (the chain does not
 * verify: missing intermediate, wrong root, expired, not yet valid, name
 * mismatch) or a server that wants a client certificate.
 *
 * One deadline covers connect and handshake: the socket is non-blocking,
 * the library's bio callbacks never wait, and every wait is a poll() for
 * what is left of the deadline, so a server that drips bytes or never
 * answers cannot stretch the run.
 *
 * The bytes both ways go through the project's decoder, so the result
 * carries a struct td_handshake (model.h) the renderers print: the
 * ClientHello mbedTLS sent, the server's messages, its chain as sent
 * (hs->certs, through the x509 module), alerts both ways, the mbedTLS
 * error and the verify flags.
 *
 * td_pm_verify_chain() verifies a chain given as DER without a connection
 * (TLS 1.3 servers, whose chain tlsdiag reads itself), with the same flags
 * and explanations.
 *
 * Nothing here prints.  The host clock is the clock of the verification;
 * the validity dates are reported so the caller can say what a device
 * whose clock is not set will meet.
 */
#ifndef TLSDIAG_PROBEMBEDTLS_H
#define TLSDIAG_PROBEMBEDTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/explain.h"
#include "tlsdiag/model.h"

/* The trust store a device image usually embeds a copy of. */
#define TD_PM_DEFAULT_CA "/etc/ssl/certs/ca-certificates.crt"
/* Longest list of suites, groups or signature algorithms taken. */
#define TD_PM_MAX_LIST 128u
/* Certificates of a verified path kept with their flags (mbedTLS 2.28
 * stops at MBEDTLS_X509_MAX_INTERMEDIATE_CA = 8 intermediates). */
#define TD_PM_MAX_PATH 12u
/* Verify flag bits of mbedTLS 2.28 (0x1 .. 0x80000). */
#define TD_PM_MAX_FLAGS 20u
#define TD_PM_MAX_CAUSES 4u

struct td_pm_params {
    const char *host;           /* name or literal (required) */
    uint16_t port;              /* 0: 443 */
    const char *connect_to;     /* address to use instead of resolving
                                   host; NULL */
    int family;                 /* AF_UNSPEC (0), AF_INET, AF_INET6 */
    unsigned timeout_ms;        /* connect + handshake; 0: 5000 */
    const char *sni;            /* server_name to send; NULL: none */
    /* IANA cipher suite ids in preference order; 0 entries: the library
     * default.  Ids mbedTLS 2.28 does not know are dropped (listed in
     * the result); 0x00ff is always sent by the library itself, 0x5600
     * turns on mbedtls_ssl_conf_fallback(). */
    const uint16_t *suites;
    size_t n_suites;
    /* IANA supported_groups ids (mbedtls_ssl_conf_curves); 0: default. */
    const uint16_t *groups;
    size_t n_groups;
    /* TLS 1.2 signature_algorithms codes, SignatureScheme or (hash, sig)
     * pairs; 2.28 configures hashes only (mbedtls_ssl_conf_sig_hashes)
     * and sends each with RSA and ECDSA, so the hash byte is what counts
     * and codes without one (RSA-PSS 0x08xx, EdDSA) are dropped. */
    const uint16_t *sigalgs;
    size_t n_sigalgs;
    uint16_t min_version;       /* 0x0301..0x0303; 0: library default */
    uint16_t max_version;       /* 0x0301..0x0303; 0: library default */
    uint8_t max_fragment_length;    /* RFC 6066 code 1..4; 0: none */
    const char *ca_file;        /* PEM/DER bundle; NULL: TD_PM_DEFAULT_CA */
    /* Name the chain must match; NULL: no name check (a device that never
     * calls mbedtls_ssl_set_hostname()). */
    const char *verify_hostname;
    /* Run the handshake with authmode OPTIONAL and verify the chain after
     * it, so a bad chain does not hide what the server does next.  Also
     * done without asking when sni and verify_hostname differ, since
     * mbedtls_ssl_set_hostname() sets both in 2.28. */
    bool verify_apart;
    const char *cert_file;      /* client certificate and key: both or */
    const char *key_file;       /* neither */
};

enum td_pm_verdict {
    TD_PM_OK = 0,               /* handshake done, chain verified */
    TD_PM_VERIFY_FAILED,        /* the chain did not verify: see cause */
    TD_PM_HANDSHAKE_FAILED,     /* an alert, a close or an error */
    TD_PM_CLIENT_CERT_REQUIRED, /* CertificateRequest, no certificate
                                   sent, and the server ended it */
    TD_PM_NETWORK,              /* no connection, or the deadline passed */
};

/* Why a NOT_TRUSTED chain is not trusted, from the names in the chain
 * the server sent and in the CA file. */
enum td_pm_chain_issue {
    TD_PM_CHAIN_NONE = 0,       /* trusted, or not examined */
    TD_PM_CHAIN_ROOT_UNKNOWN,   /* ends in a self-signed root that is not
                                   in the CA file: the wrong root */
    TD_PM_CHAIN_ISSUER_UNKNOWN, /* the top certificate's issuer is in no
                                   CA-file entry: a missing intermediate
                                   or a missing root */
    TD_PM_CHAIN_ISSUER_KEY,     /* a CA-file entry has the issuer's name
                                   but did not sign it (re-keyed or
                                   replaced CA) */
    TD_PM_CHAIN_OUT_OF_ORDER,   /* the certificates sent do not chain
                                   in the order sent */
};

/* One certificate of the path mbedTLS verified, leaf first. */
struct td_pm_path_cert {
    uint32_t flags;             /* the flags of this certificate */
    bool from_ca_file;          /* the trust anchor, not sent by the peer */
    char subject[200];
    int64_t not_before;         /* seconds since the epoch (UTC) */
    int64_t not_after;
};

/* One set verify flag, explained. */
struct td_pm_flag {
    uint32_t bit;
    /* name, mbedtls_x509_crt_verify_info() text, meaning, causes, next
     * steps (explain.h); NULL for a bit the table does not know */
    const struct td_x509_flag_row *row;
    const char *cause;          /* contract cause id of the bit */
    char detail[640];           /* about this chain: which certificate,
                                   which dates, which names */
};

struct td_pm_verify {
    bool done;                  /* a chain was verified */
    bool apart;                 /* by mbedtls_x509_crt_verify() after the
                                   handshake, not by the handshake */
    uint32_t flags;             /* 0: verified */
    size_t n_flags;
    struct td_pm_flag flag[TD_PM_MAX_FLAGS];    /* bit order */
    /* contract cause ids of the flags, most important first:
     * ca_missing_or_wrong, cert_time, cert_hostname, cert_key_rejected,
     * unexplained */
    size_t n_causes;
    const char *causes[TD_PM_MAX_CAUSES];
    enum td_pm_chain_issue chain_issue;
    char missing_issuer[200];   /* ISSUER_UNKNOWN/_KEY: the issuer name */
    size_t n_sent;              /* certificates the peer sent */
    size_t n_path;
    struct td_pm_path_cert path[TD_PM_MAX_PATH];
    int64_t checked_at;         /* host clock at verification */
    /* The window a device clock must be in for no certificate of the
     * path to be expired or not yet valid (valid_from > valid_until:
     * no such time). */
    int64_t valid_from, valid_until;
    int ca_loaded;              /* certificates read from the CA file */
    int ca_skipped;             /* ... that mbedTLS could not parse */
    char message[400];          /* set when verification could not run */
};

struct td_pm_result {
    enum td_pm_verdict verdict;
    const char *cause;          /* contract cause id or NULL */
    int ret;                    /* mbedtls_ssl_handshake(): 0 ok */
    /* What a device with authmode REQUIRED gets: ret, or -0x2700 when the
     * chain was verified apart and failed. */
    int device_ret;
    /* device_ret's MBEDTLS_ERR_ name (NULL when 0 or unknown) and its
     * mbedtls_strerror() text */
    const char *ret_name;
    char ret_text[160];
    bool timed_out;             /* the deadline ended it */
    /* The first fatal alert the server sent (else its first alert): read
     * from the received records; an encrypted one from the library's
     * decrypted record (2.28 keeps it in ssl.in_msg). */
    int alert;                  /* description, -1: none */
    int alert_level;            /* 1, 2 */
    bool alert_encrypted;
    int alert_sent;             /* alert mbedTLS sent, -1: none */
    uint16_t version;           /* chosen by the server; 0: none */
    uint16_t suite;             /* chosen by the server; 0: none */
    const char *suite_name;     /* mbedTLS's name, NULL when unknown */
    bool cert_request;          /* the server sent a CertificateRequest */
    bool client_cert_sent;      /* a non-empty client Certificate went out */
    struct td_pm_verify verify;
    /* Parameters mbedTLS 2.28 cannot send, left out. */
    size_t n_dropped_suites, n_dropped_groups, n_dropped_sigalgs;
    uint16_t dropped_suites[TD_PM_MAX_LIST];
    uint16_t dropped_groups[TD_PM_MAX_LIST];
    uint16_t dropped_sigalgs[TD_PM_MAX_LIST];
    char address[64];           /* "127.0.0.1:4433" */
    uint64_t elapsed_ms;
    size_t sent, received;      /* bytes */
    char message[400];          /* tool failure: what and why */
    struct td_handshake *hs;    /* the exchange; td_pm_result_free() */
};

/* Run one handshake (see the top of this file).  Returns TD_OK when a
 * handshake was attempted, whatever its verdict (a deadline that passed
 * after connecting is verdict TD_PM_NETWORK with timed_out set);
 * TD_ERR_USAGE for bad parameters or files (message names the file and
 * gives the mbedTLS error text), TD_ERR_NETWORK when resolution or
 * connect failed or timed out (verdict TD_PM_NETWORK, message says
 * which), TD_ERR_NOMEM.  Free *out with td_pm_result_free() whatever the
 * return; after TD_ERR_USAGE or TD_ERR_NOMEM only message (and the
 * dropped lists) mean anything. */
int td_pm_handshake(const struct td_pm_params *p, struct td_pm_result *out);

void td_pm_result_free(struct td_pm_result *r);

/* Verify a chain given as DER certificates in the order the server sent
 * them (der[0] the leaf) against ca_file (NULL: TD_PM_DEFAULT_CA) and
 * hostname (NULL: no name check), as mbedTLS 2.28 does in a handshake
 * with the default profile, including the serverAuth extendedKeyUsage
 * check of the SSL layer.  hs (may be NULL): when its certs are empty the
 * chain is added to them through the x509 module; its verify flags are
 * set.  Returns TD_OK (out filled, out->flags 0 when verified),
 * TD_ERR_USAGE (no certificate, a certificate mbedTLS cannot parse, or
 * an unusable CA file: out->message), TD_ERR_NOMEM. */
int td_pm_verify_chain(const uint8_t *const *der, const size_t *der_len,
                       size_t n, const char *ca_file, const char *hostname,
                       struct td_handshake *hs, struct td_pm_verify *out);

/* "ok", "verify_failed", "handshake_failed", "client_cert_required",
 * "network". */
const char *td_pm_verdict_name(enum td_pm_verdict v);
/* "root_unknown", "issuer_unknown", ... ; "none". */
const char *td_pm_chain_issue_name(enum td_pm_chain_issue c);

#endif
