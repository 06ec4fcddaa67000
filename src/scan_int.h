/* scan_int.h - what scan.c, scan_hello.c and scan_match.c share. */
#ifndef TLSDIAG_SCAN_INT_H
#define TLSDIAG_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/hellobuild.h"
#include "tlsdiag/scan.h"
#include "tlsdiag/tls13.h"

/* Candidate lists, built once per scan from the registry (the generated
 * tables know every code point IANA lists). */
struct scan_lists {
    uint16_t suites12[TD_SCAN_MAX_LIST];    /* every TLS <= 1.2 suite */
    size_t n_suites12;
    uint16_t suites_old[TD_SCAN_MAX_LIST];  /* those defined before 1.2 */
    size_t n_suites_old;
    uint16_t suites13[64];                  /* TLS 1.3 suites */
    size_t n_suites13;
    uint16_t groups_ec[128];                /* elliptic curves (<= 1.2) */
    size_t n_groups_ec;
    uint16_t groups_all[128];               /* every group (TLS 1.3) */
    size_t n_groups_all;
    uint16_t sigalgs[128];                  /* every signature scheme */
    size_t n_sigalgs;
};

/* Fill every list.  Never fails: the registry is static data. */
void td_scan_lists_init(struct scan_lists *l);

/* Suites of src[0..n) whose server authentication is of key type k;
 * ephemeral_only keeps (EC)DHE key exchanges (those with a
 * ServerKeyExchange to read).  Returns the count written to out (at most
 * cap). */
size_t td_scan_suites_for_key(const uint16_t *src, size_t n,
                              enum td_scan_keytype k, bool ephemeral_only,
                              uint16_t *out, size_t cap);
/* ECDHE suites of src[0..n) (TLS <= 1.2: what makes a ServerKeyExchange
 * name a curve). */
size_t td_scan_suites_ecdhe(const uint16_t *src, size_t n, uint16_t *out,
                            size_t cap);
/* Signature schemes a key of type k signs with. */
size_t td_scan_sigalgs_for_key(const struct scan_lists *l,
                               enum td_scan_keytype k, uint16_t *out,
                               size_t cap);

/* The parts of a hello the scan varies. */
struct scan_hello_spec {
    uint16_t version;           /* highest offered: 0x0300 .. 0x0304 */
    const uint16_t *suites;
    size_t n_suites;
    const uint16_t *groups;     /* NULL: no supported_groups */
    size_t n_groups;
    const uint16_t *sigalgs;    /* NULL: none (ignored below TLS 1.2) */
    size_t n_sigalgs;
    const uint16_t *sigalgs_cert;   /* signature_algorithms_cert, NULL */
    size_t n_sigalgs_cert;
    const char *sni;            /* NULL: no server_name */
    /* TLS 1.3 (version 0x0304): one key share, or none (an empty
     * client_shares asks the server to choose, RFC 8446 4.2.8) */
    uint16_t share_group;
    const uint8_t *share;
    size_t share_len;
    /* the key pair behind share, when the scan has its private half: the
     * server's encrypted flight is then read (tls13read.h); NULL */
    const struct td_tls13_ks *share_ks;
    uint8_t mfl_code;           /* max_fragment_length 1..4; 0 none */
    uint16_t record_size_limit; /* 0 none */
};

/* Build the hello of spec into h (initialised here; free it even on
 * failure).  Random: fresh from the system.  Errors: TD_ERR_LIMIT,
 * TD_ERR_NOMEM, TD_ERR_USAGE (no suites), TD_ERR_IO (random). */
int td_scan_build_hello(const struct scan_hello_spec *spec,
                        struct td_hb_hello *h);

/* A public key for TLS group g on a curve mbedcrypto knows (RFC 8446
 * 4.2.8.2: an uncompressed point, or the little-endian u of x25519/x448),
 * the private half dropped.  false when the curve is not available. */
bool td_scan_ec_share(uint16_t g, uint8_t *out, size_t cap, size_t *len);

/* A random source for hellobuild and tls13.h (getrandom; 0 on success). */
int td_scan_rng(void *ctx, unsigned char *buf, size_t len);

#endif
