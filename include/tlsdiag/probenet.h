/* probenet.h - one probe connection: send a ClientHello, read the answer.
 *
 * td_pn_probe() connects to the target (a name resolved with getaddrinfo,
 * an IPv4/IPv6 literal, or an explicit --connect-to address), sends the
 * given bytes once and reads what the server answers until the first of:
 * a complete server flight (ServerHello .. ServerHelloDone for TLS <= 1.2;
 * ServerHello and the first encrypted record for TLS 1.3, or with the
 * hello's key shares the whole encrypted flight up to the server Finished
 * (tls13read.h); a HelloRetryRequest), an alert, FIN, RST, bytes that are
 * not TLS, the byte
 * cap, or the overall deadline (one deadline for connect, send and every
 * read: a server dripping one byte a second cannot stretch it).  One
 * connection carries one hello; a HelloRetryRequest is reported, not
 * answered.
 *
 * The received bytes go through the project's decoder, so the attempt
 * carries a struct td_handshake (the sent hello as TD_DIR_CLIENT, the
 * answer as TD_DIR_SERVER, plus a close/reset/timeout event).
 */
#ifndef TLSDIAG_PROBENET_H
#define TLSDIAG_PROBENET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/model.h"

struct td_tls13_ks;

#define TD_PN_DEFAULT_PORT 443
#define TD_PN_DEFAULT_TIMEOUT_MS 5000u
#define TD_PN_DEFAULT_MAX_BYTES (256u * 1024u)
#define TD_PN_MAX_HOST 255u         /* DNS name limit (RFC 1035 2.3.4) */

/* The contract's attempt "result". */
enum td_pn_result {
    TD_PN_ALERT = 0,
    TD_PN_SERVER_HELLO,     /* a ServerHello (or HelloRetryRequest) came */
    TD_PN_CLOSED,
    TD_PN_RESET,
    TD_PN_TIMEOUT,
    TD_PN_NOT_TLS,
};

/* Why reading stopped (finer than the result). */
enum td_pn_end {
    TD_PN_END_FLIGHT = 0,   /* complete server flight or HRR */
    TD_PN_END_ALERT,
    TD_PN_END_FIN,
    TD_PN_END_RST,
    TD_PN_END_TIMEOUT,
    TD_PN_END_NOT_TLS,
    TD_PN_END_CAP,          /* max_bytes received without an answer */
};

struct td_pn_opts {
    const char *host;           /* name or literal; SNI is the caller's */
    uint16_t port;              /* 0: 443 */
    const char *connect_to;     /* address (literal or name) to use
                                   instead of resolving host; NULL */
    unsigned timeout_ms;        /* overall deadline; 0: 5000 */
    size_t max_bytes;           /* answer cap; 0: 256 KiB */
    int family;                 /* AF_UNSPEC (0), AF_INET, AF_INET6 */
    /* The key pairs of the hello's key_share entries (tls13.h): with
     * them a ServerHello selecting TLS 1.3 is read on through the
     * encrypted flight until the server Finished, an alert, an error, the
     * byte cap or the deadline.  NULL: stop at the first encrypted record. */
    const struct td_tls13_ks *key_shares;
    size_t n_key_shares;
};

struct td_pn_attempt {
    uint8_t result;             /* enum td_pn_result */
    uint8_t end;                /* enum td_pn_end */
    int alert;                  /* first alert description, -1: none */
    int alert_level;            /* 1, 2; 0 none/encrypted */
    bool hrr;                   /* the ServerHello is a HelloRetryRequest */
    bool flight_complete;       /* the whole server flight was read */
    char address[64];           /* "127.0.0.1:4433", "[::1]:4433" */
    size_t sent;                /* bytes written */
    size_t received;            /* bytes read */
    uint64_t elapsed_ms;        /* connect to end */
    uint8_t *rx;                /* the bytes read (malloc, received bytes) */
    struct td_handshake *hs;    /* decoded exchange; td_pn_attempt_free */
    bool tls13_decrypted;       /* the TLS 1.3 flight was read up to a
                                   server Finished that verified */
    uint8_t tls13_end;          /* enum td_t13r_end (tls13read.h); 0
                                   (running) when no key shares were given */
};

/* Split "HOST[:PORT]", "[V6]:PORT" or a bare IPv6 literal into host (NUL
 * terminated, at most hostcap-1 bytes) and port (default_port when none).
 * TD_ERR_USAGE on a bad port, empty or too long host. */
int td_pn_parse_target(const char *s, char *host, size_t hostcap,
                       uint16_t *port, uint16_t default_port);

/* Probe once (see the top of this file).  hello: the bytes to send
 * (records).  On TD_OK *out is filled (free it with td_pn_attempt_free),
 * whatever the server did.  Errors: TD_ERR_USAGE (no host), TD_ERR_NETWORK
 * (resolution failed, or no address could be connected within the
 * deadline: out->end says TD_PN_END_TIMEOUT or TD_PN_END_RST for
 * refused, out->address the last address tried), TD_ERR_NOMEM. */
int td_pn_probe(const struct td_pn_opts *o, const uint8_t *hello, size_t n,
                struct td_pn_attempt *out);

void td_pn_attempt_free(struct td_pn_attempt *a);

/* "alert", "server_hello", "closed", "reset", "timeout", "not_tls". */
const char *td_pn_result_name(enum td_pn_result r);

#endif
