/* diag_int.h - what rules share: the facts derived once per handshake and
 * helpers to add findings.  One rule per file in src/rules/. */
#ifndef TLSDIAG_DIAG_INT_H
#define TLSDIAG_DIAG_INT_H

#include "tlsdiag/diag.h"
#include "tlsdiag/model.h"

#include <stdbool.h>

enum td_when {
    TD_WHEN_UNKNOWN = 0,
    TD_WHEN_AFTER_CLIENT_HELLO,   /* before any ServerHello */
    TD_WHEN_AFTER_SERVER_HELLO,   /* the server's flight was (partly) seen */
    TD_WHEN_AFTER_CLIENT_FLIGHT,  /* after the client's second flight */
    TD_WHEN_LATE,                 /* after the handshake */
};

struct td_offer {
    size_t suites;              /* real suites (no SCSV, no GREASE) */
    size_t need_rsa, need_ecdsa, need_psk, need_none, tls13;
    size_t ecdhe_rsa_aead, ecdhe_ecdsa_aead, insecure;
    bool groups_known;          /* supported_groups present (or listed) */
    bool has_common_group;      /* x25519, secp256r1 or secp384r1 */
    bool sigalgs_known;
    bool has_sha256_plus;       /* an RSA or ECDSA scheme with SHA-256+ */
    bool has_rsa_pss;
    bool has_sha384;            /* an RSA or ECDSA scheme with SHA-384+ */
    uint16_t max_version;
    /* Nothing in the offer stands out: ECDHE AEAD suites for RSA and
     * ECDSA servers, a common curve, SHA-256 and SHA-384, TLS 1.2+. */
    bool broad;
};

struct td_dctx {
    struct td_handshake *hs;
    const struct td_diag_opts *o;
    bool client;                /* the device is the client */
    bool failed;
    const struct td_alert *peer_alert;   /* first fatal alert of the peer */
    const struct td_alert *own_alert;    /* first fatal alert we sent */
    enum td_when when;          /* when the failure came */
    const char *host;           /* target host, when the log named one */
    bool host_is_ip;
    /* The SNI is known to fit the address connected to ("localhost" for
     * a loopback address, or the host name the program connected to). */
    bool sni_fits_target;
    struct td_offer offer;
    const struct td_client_hello *ch;
};

/* Add a finding; texts are printf formats kept in the arena.  NULL when
 * out of memory (the rule just stops). */
struct td_finding *td_dx_add(struct td_dctx *x, const char *id,
                             enum td_likelihood l, int score);
void td_dx_title(struct td_dctx *x, struct td_finding *f, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));
void td_dx_explain(struct td_dctx *x, struct td_finding *f, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
void td_dx_basis(struct td_dctx *x, struct td_finding *f, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));
/* The fix: a summary, the step for mbedTLS 2.28 (m2) and for 3.6 (m3).
 * Each step reads on its own (JSON consumers and `log` text may show only
 * one); m3 = TD_FIX_SAME when the 2.28 step holds for 3.6 as written. */
void td_dx_fix(struct td_dctx *x, struct td_finding *f, const char *summary,
               const char *m2, const char *m3);
extern const char TD_FIX_SAME[];
/* Fix texts with printf formats. */
const char *td_dx_fmt(struct td_dctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void td_dx_ev(struct td_dctx *x, struct td_finding *f,
              const struct td_evidence *ev);
void td_dx_ev_text(struct td_dctx *x, struct td_finding *f, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

/* The first error with this code, NULL if none. */
const struct td_mberr *td_dx_error(const struct td_dctx *x, int32_t code);
/* "tlsdiag probe HOST:PORT --from FILE" when the input names a host. */
const char *td_dx_probe_hint(struct td_dctx *x);
/* Alert text "fatal handshake_failure (40)". */
const char *td_dx_alert_name(struct td_dctx *x, const struct td_alert *a);

typedef void (*td_rule_fn)(struct td_dctx *x);
void td_rule_sni(struct td_dctx *x);
void td_rule_cipher(struct td_dctx *x);
void td_rule_curve(struct td_dctx *x);
void td_rule_sigalg(struct td_dctx *x);
void td_rule_version(struct td_dctx *x);
void td_rule_fragment(struct td_dctx *x);
void td_rule_certs(struct td_dctx *x);
void td_rule_client_cert(struct td_dctx *x);
void td_rule_transport(struct td_dctx *x);
void td_rule_probe(struct td_dctx *x);
void td_rule_memory(struct td_dctx *x);
void td_rule_psa(struct td_dctx *x);
void td_rule_fallback(struct td_dctx *x);

#endif
