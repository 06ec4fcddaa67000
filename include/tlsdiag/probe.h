/* probe.h - `tlsdiag probe`: replay a device's ClientHello against the
 * live server, vary it one thing at a time until the server accepts, and
 * shrink the winning change to the smallest that still works.
 *
 * The engine (probe.c) only connects and records: every attempt keeps the
 * changes made to the hello and the server's decoded answer.  What the
 * attempts prove is said by the rule engine (rules/probe.c reads
 * hs->probe), and only the renderers print.
 *
 * Search, in rounds (attempts of one round are independent and run in
 * parallel, up to `parallel` connections at a time):
 *   0  the hello as the device sent it (fresh random unless exact);
 *   1  one change each: SNI set to the host, SNI removed, suites added,
 *      groups added, signature algorithms added, version raised or TLS 1.3
 *      removed, max_fragment_length removed, TLS 1.3 offered (with a real
 *      key share);
 *   2  shrink: a list change that won is retried with the one value the
 *      server picked (its suite, its ECDHE group, its signature scheme);
 *   3  when no single change won: all the changes a 2.28 device can make,
 *      together (and the same plus TLS 1.3), then each left out in turn
 *      to keep only those needed;
 *   4  when still nothing: each remaining extension removed in turn.
 * The connection budget (max_connections) bounds all rounds.
 */
#ifndef TLSDIAG_PROBE_H
#define TLSDIAG_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/hellobuild.h"
#include "tlsdiag/model.h"
#include "tlsdiag/probembedtls.h"
#include "tlsdiag/probenet.h"
#include "tlsdiag/tls13.h"

/* One change to a hello (the contract's probe "changes" entries). */
enum td_pc_kind {
    TD_PC_SNI = 0,
    TD_PC_SUITES,
    TD_PC_GROUPS,
    TD_PC_SIGALGS,
    TD_PC_VERSIONS,  /* set: v[0] is the highest version offered;
                        add: TLS 1.3 offered with a key share */
    TD_PC_MFL,       /* remove */
    TD_PC_EXTENSION, /* remove v[0] */
};
enum td_pc_action { TD_PC_SET = 0, TD_PC_ADD, TD_PC_REMOVE };

#define TD_PC_MAX_VALUES 12
#define TD_PROBE_MAX_CHANGES 8

struct td_pc {
    uint8_t kind;   /* enum td_pc_kind */
    uint8_t action; /* enum td_pc_action */
    uint8_t n;      /* values used */
    uint16_t v[TD_PC_MAX_VALUES];
    char name[TD_PN_MAX_HOST + 1]; /* SNI host name */
};

struct td_pchanges {
    uint8_t n;
    struct td_pc c[TD_PROBE_MAX_CHANGES];
};

struct td_probe_attempt {
    unsigned no; /* 1-based connection number */
    unsigned round;
    struct td_pchanges ch;
    int rc;        /* td_pn_probe's return (TD_ERR_NETWORK ...) */
    bool accepted; /* ServerHello (or HelloRetryRequest), no
                      fatal alert */
    struct td_pn_attempt pn;
    struct td_tls13_ks ks; /* the key share of a TLS 1.3 variant */
    bool has_ks;
};

/* The full handshake run with the working hello (probe_full.c). */
struct td_probe_full {
    bool ran;             /* a handshake ran (or a TLS 1.3 chain was
                             verified) */
    bool tls13;           /* TLS 1.3: the chain was read by tlsdiag from
                             the decrypted flight and verified apart */
    int attempt;          /* the attempt whose hello it used, -1 */
    const char *ca_file;  /* as given (NULL: the system bundle) */
    const char *hostname; /* the name verified (host_buf), NULL: none */
    char host_buf[TD_PN_MAX_HOST + 1];
    char message[512]; /* why it did not run, when !ran */
    struct td_pm_result r;
};

struct td_probe_opts {
    const char *host;
    uint16_t port;
    const char *connect_to;
    int family;
    unsigned timeout_ms;      /* per connection; 0: 5000 */
    unsigned max_connections; /* 0: 32 */
    unsigned delay_ms;        /* between connections; > 0: one at a time */
    unsigned parallel;        /* 0: 4 */
    bool exact;               /* keep the device's random */
    uint8_t device_major;     /* mbedTLS major of the device, 0 unknown */
    const char *sni;          /* name to set (default: host, when a name) */
};

struct td_probe_run {
    struct td_probe_opts o;
    const struct td_client_hello *device; /* the hello replayed (or NULL:
                                             the 2.28 template) */
    char address[64];                     /* where the first connection went */
    unsigned connections;
    TD_VEC(struct td_probe_attempt *) attempts;
    int base;   /* attempt index of the replay, -1 none */
    int fix;    /* attempt index of the smallest winning
                   change, -1 none */
    int alt[8]; /* other winning attempts (alternatives) */
    size_t n_alt;
    bool budget_exhausted;
    bool network_error;  /* the replay could not reach the server */
    bool stopped_silent; /* the replay timed out: no search */
    struct td_probe_full full;
    struct td_probe_full full_cert;  /* again with --cert/--key */
    struct td_probe_full full_nomfl; /* again without max_fragment_length,
                                        when the first failed with it */
    /* private to probe.c */
    uint8_t *base_msg; /* the hello replayed, as a message */
    size_t base_len;
    uint16_t base_record_version;
    void *rng;
};

/* Prepare a run.  device: the hello to replay (kept by the caller for the
 * run's life), NULL for a default mbedTLS 2.28 hello. */
void td_probe_init(struct td_probe_run *p, const struct td_probe_opts *o,
                   const struct td_client_hello *device);
void td_probe_free(struct td_probe_run *p);

/* Run the search.  TD_OK when the rounds ran (whatever the server did);
 * TD_ERR_NETWORK when the replay could not connect (p->network_error),
 * TD_ERR_USAGE for a hello that cannot be rebuilt, TD_ERR_NOMEM. */
int td_probe_search(struct td_probe_run *p);

/* The hello of an attempt, rebuilt (for the full handshake): the base hello
 * with the attempt's changes applied.  Free with td_hb_free. */
int td_probe_hello(const struct td_probe_run *p,
                   const struct td_probe_attempt *a, struct td_hb_hello *h);

struct td_probe_full_opts {
    const char *ca_file;  /* NULL: TD_PM_DEFAULT_CA */
    const char *hostname; /* NULL: the SNI sent, else the host when
                             it is a name */
    const char *cert_file, *key_file;
};

/* The full handshake with the working hello: the smallest winning change,
 * else the device's own hello when the server accepted it.  TLS 1.2 and
 * below: through mbedTLS (td_pm_handshake), again with the client
 * certificate when the server required one and one was given; TLS 1.3:
 * the chain read from the decrypted flight, verified with
 * td_pm_verify_chain.  Fills p->full (and p->full_cert). */
void td_probe_full(struct td_probe_run *p, const struct td_probe_full_opts *o);

/* The contract cause id a change proves ("sni_wrong", "no_shared_cipher",
 * ...), given the device's hello (NULL: the default one). */
const char *td_probe_cause(const struct td_pc *c,
                           const struct td_client_hello *device);

/* Names for renderers: "sni", "cipher_suites", ... and "set|add|remove". */
const char *td_pc_kind_name(enum td_pc_kind k);
const char *td_pc_action_name(enum td_pc_action a);
/* One change in words ("SNI set to \"localhost\"", "+ suites c02f,c030"). */
const char *td_pc_describe(const struct td_pc *c, char *buf, size_t cap);
/* What the server did in words ("alert 40 handshake_failure (fatal)",
 * "ServerHello TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ...). */
const char *td_probe_reply(const struct td_probe_attempt *a, char *buf,
                           size_t cap);

#endif
