/* rules/cipher.c - no_shared_cipher.
 *
 * A TLS 1.2 suite fixes the certificate type the server needs (ECDSA
 * suites need an ECDSA certificate, ECDHE_RSA an RSA one), so an offer
 * can exclude a server before it answers.  Current server guidance (and
 * cloud policies) accept only ECDHE with AEAD in TLS 1.2. */
#include "diag_int.h"

#include "tlsdiag/registry.h"

#include <stdio.h>
#include <string.h>

static const char *suite_list(struct td_dctx *x)
{
    char buf[600];
    size_t k = 0;
    const struct td_client_hello *ch = x->ch;
    for (size_t i = 0; i < ch->cipher_suites.n && k + 80 < sizeof(buf); i++) {
        const struct td_suite_info *si = td_reg_suite(ch->cipher_suites.v[i]);
        if (si && si->kex == TD_KEX_SCSV)
            continue;
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s0x%04x %s",
                              k ? ", " : "", ch->cipher_suites.v[i],
                              si ? si->name : "(unknown)");
    }
    return td_dx_fmt(x, "%s", buf);
}

static const char *alert_phrase(struct td_dctx *x)
{
    if (!x->peer_alert)
        return "the server ended the handshake right after the ClientHello";
    return td_dx_fmt(x, "the server answered %s right after the ClientHello",
                     td_dx_alert_name(x, x->peer_alert));
}

static void server_side(struct td_dctx *x)
{
    const struct td_note *n = td_hs_find_note(x->hs, TD_NOTE_NO_COMMON_SUITE);
    const struct td_note *u = td_hs_find_note(x->hs, TD_NOTE_NO_USABLE_SUITE);
    if (!n && !u)
        return;
    struct td_finding *f = td_dx_add(x, "no_shared_cipher", TD_LIKELY, 95);
    if (n) {
        td_dx_title(x, f, "The peer's ClientHello and this server share no "
                    "cipher suite");
        td_dx_explain(x, f, "The server found none of the peer's suites in "
                      "its own list.%s",
                      x->ch ? td_dx_fmt(x, " The peer offered: %s.",
                                        suite_list(x)) : "");
        td_dx_ev(x, f, &n->where);
    } else {
        td_dx_title(x, f, "Suites are shared, but none is usable with this "
                    "server's certificate or keys");
        td_dx_explain(x, f, "The peer and the server have suites in common, "
                      "but each needs something the server lacks: a "
                      "certificate of the matching type (ECDSA suites need "
                      "an ECDSA certificate), a shared curve, or a PSK.");
        td_dx_ev(x, f, &u->where);
    }
    td_dx_fix(x, f, "On the server, enable suites the peers offer (ECDHE-RSA "
              "or ECDHE-ECDSA with AES-GCM) and a certificate of the type "
              "they need.",
              "mbedtls_ssl_conf_ciphersuites(&conf, list); "
              "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED / "
              "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED; "
              "mbedtls_ssl_conf_own_cert() with an RSA and an ECDSA "
              "certificate to serve both kinds of client.",
              "mbedtls_ssl_conf_ciphersuites(&conf, list); "
              "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED / "
              "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED in mbedtls_config.h; "
              "mbedtls_ssl_conf_own_cert() with an RSA and an ECDSA "
              "certificate to serve both kinds of client; TLS 1.3 "
              "(MBEDTLS_SSL_PROTO_TLS1_3) suites work with any certificate.");
}

static const char *const FIX_RSA_2 =
    "Enable MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED (needs MBEDTLS_RSA_C, "
    "MBEDTLS_PKCS1_V15, MBEDTLS_ECDH_C) and MBEDTLS_GCM_C in "
    "mbedtls/config.h; if the code calls mbedtls_ssl_conf_ciphersuites(), "
    "add MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and "
    "MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 to its list.";
static const char *const FIX_RSA_3 =
    "Enable MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED (needs MBEDTLS_RSA_C, "
    "MBEDTLS_PKCS1_V15, MBEDTLS_ECDH_C) and MBEDTLS_GCM_C in "
    "mbedtls_config.h; if the code calls mbedtls_ssl_conf_ciphersuites(), "
    "add MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and "
    "MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 to its list. With "
    "MBEDTLS_SSL_PROTO_TLS1_3 the TLS1-3-AES-128-GCM-SHA256 suite works "
    "with RSA and ECDSA servers alike.";

void td_rule_cipher(struct td_dctx *x)
{
    if (!x->client) {
        server_side(x);
        return;
    }
    const struct td_offer *o = &x->offer;
    if (!x->ch || !x->failed || o->suites == 0)
        return;
    if (!(x->when == TD_WHEN_AFTER_CLIENT_HELLO || x->when == TD_WHEN_UNKNOWN))
        return;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    const struct td_cert *cert = x->hs->certs.n ? &x->hs->certs.v[0] : NULL;
    bool cert_rsa = cert && cert->key_type && strcmp(cert->key_type, "RSA")
                                              == 0;
    bool cert_ec = cert && cert->key_type && strcmp(cert->key_type, "EC") == 0;
    struct td_finding *f = NULL;

    if (o->need_ecdsa && !o->need_rsa && !o->tls13 && !o->need_psk
        && !o->need_none) {
        int score = cert_rsa ? 96 : desc == 40 ? 92 : desc == 80 ? 88
                  : desc == 71 ? 85 : desc < 0 ? 75 : 60;
        f = td_dx_add(x, "no_shared_cipher", score >= 70 ? TD_LIKELY
                                                         : TD_POSSIBLE,
                      score);
        td_dx_title(x, f, "The client offers only ECDSA cipher suites");
        td_dx_explain(x, f, "Every suite offered (%s) needs the server to "
                      "hold an ECDSA certificate. A server with only an RSA "
                      "certificate, still the most common kind, cannot "
                      "accept any of them; %s.", suite_list(x),
                      alert_phrase(x));
        td_dx_basis(x, f, "%s", desc == 40
                    ? "handshake_failure (40) right after an ECDSA-only "
                      "offer is the classic answer of a server with an RSA "
                      "certificate"
                    : desc == 80
                    ? "an ECDSA-only offer fails on every server that has "
                      "only an RSA certificate, but such servers usually "
                      "answer handshake_failure (40), not internal_error (80)"
                    : "an ECDSA-only offer fails on every server that has "
                      "only an RSA certificate");
        td_dx_fix(x, f, "Offer ECDHE-RSA suites too: "
                  "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256 (0xc02f) and "
                  "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384 (0xc030).",
                  FIX_RSA_2, FIX_RSA_3);
    } else if (o->need_rsa && !o->need_ecdsa && !o->tls13 && !o->need_psk
               && !o->need_none) {
        if (!cert_ec && desc != 40)
            return;
        int score = cert_ec ? 95 : 42;
        f = td_dx_add(x, "no_shared_cipher", cert_ec ? TD_LIKELY
                                                     : TD_POSSIBLE, score);
        td_dx_title(x, f, "The client offers only RSA cipher suites");
        td_dx_explain(x, f, "Every suite offered (%s) needs an RSA "
                      "certificate. %s; %s.", suite_list(x),
                      cert_ec ? "The server's certificate is ECDSA"
                              : "A server with only an ECDSA certificate "
                                "cannot accept them",
                      alert_phrase(x));
        td_dx_basis(x, f, "%s", cert_ec
                    ? "the server's certificate is ECDSA"
                    : "servers with only an ECDSA certificate are less "
                      "common than RSA ones");
        td_dx_fix(x, f, "Offer ECDHE-ECDSA suites too: "
                  "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256 (0xc02b) and "
                  "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384 (0xc02c).",
                  "Enable MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED (needs "
                  "MBEDTLS_ECDSA_C, MBEDTLS_ECDH_C) and add "
                  "MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 to the "
                  "list given to mbedtls_ssl_conf_ciphersuites().",
                  "Enable MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED (needs "
                  "MBEDTLS_ECDSA_C, MBEDTLS_ECDH_C) in mbedtls_config.h and "
                  "add MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 to "
                  "the list given to mbedtls_ssl_conf_ciphersuites(); TLS "
                  "1.3 (MBEDTLS_SSL_PROTO_TLS1_3) suites work with any "
                  "certificate.");
    } else if (o->need_psk && !o->need_rsa && !o->need_ecdsa && !o->tls13) {
        f = td_dx_add(x, "no_shared_cipher", TD_LIKELY, 85);
        td_dx_title(x, f, "The client offers only PSK cipher suites");
        td_dx_explain(x, f, "The suites offered (%s) need a pre-shared key "
                      "configured on the server; a certificate-based server "
                      "cannot accept them, and %s.", suite_list(x),
                      alert_phrase(x));
        td_dx_basis(x, f, "a PSK-only offer works only with a server set up "
                    "for that key");
        td_dx_fix(x, f, "Offer certificate suites (ECDHE-RSA / ECDHE-ECDSA "
                  "with AES-GCM), or configure the same PSK on the server.",
                  FIX_RSA_2, FIX_RSA_3);
    } else if (!o->ecdhe_rsa_aead && !o->ecdhe_ecdsa_aead && !o->tls13) {
        bool strong_sign = desc == 40 || desc == 71;
        f = td_dx_add(x, "no_shared_cipher", strong_sign ? TD_LIKELY
                                                         : TD_POSSIBLE,
                      strong_sign ? 70 : 40);
        td_dx_title(x, f, "The client offers no ECDHE suite with AES-GCM or "
                    "ChaCha20");
        td_dx_explain(x, f, "The offer (%s) has only older suites (RSA key "
                      "exchange or CBC). Servers set up to current guidance "
                      "(Mozilla intermediate, recent AWS and Azure policies) "
                      "accept only ECDHE with an AEAD cipher in TLS 1.2; %s.",
                      suite_list(x), alert_phrase(x));
        td_dx_basis(x, f, "servers configured to current guidance refuse "
                    "offers without an ECDHE AEAD suite");
        td_dx_fix(x, f, "Offer TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256 and "
                  "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256.",
                  FIX_RSA_2, FIX_RSA_3);
    } else {
        return;
    }
    td_dx_ev(x, f, x->ch->suites_where.line ? &x->ch->suites_where
                                           : &x->ch->where);
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
}
