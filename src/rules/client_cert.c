/* rules/client_cert.c - client_cert_required.
 *
 * A server that asks for a client certificate (CertificateRequest) and
 * gets none answers handshake_failure (40, OpenSSL TLS 1.2),
 * bad_certificate (42, Go, JSSE), or certificate_required (116, TLS 1.3). */
#include "diag_int.h"

static const char *const FIX2 =
    "Load the device certificate and key: mbedtls_x509_crt_parse(&clicert, "
    "...), mbedtls_pk_parse_key(&pkey, ...), then "
    "mbedtls_ssl_conf_own_cert(&conf, &clicert, &pkey).";
static const char *const FIX3 =
    "Load the device certificate and key: mbedtls_x509_crt_parse(&clicert, "
    "...), mbedtls_pk_parse_key(&pkey, ..., f_rng, p_rng) (it takes an RNG "
    "since 3.0), then mbedtls_ssl_conf_own_cert(&conf, &clicert, &pkey).";

void td_rule_client_cert(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    struct td_finding *f;
    const struct td_note *n = td_hs_find_note(hs, TD_NOTE_CLIENT_NO_CERT);
    if (!x->client) {
        if (!n)
            return;
        f = td_dx_add(x, "client_cert_required", TD_LIKELY, 90);
        td_dx_title(x, f, "The peer sent no client certificate, which this "
                    "server requires");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, "Give the client a certificate, or set the server's "
                  "authmode to optional.",
                  "mbedtls_ssl_conf_authmode(&conf, "
                  "MBEDTLS_SSL_VERIFY_OPTIONAL) on the server.",
                  TD_FIX_SAME);
        return;
    }
    if (!x->failed)
        return;
    bool asked = hs->cert_request.present
                 || td_hs_find_note(hs, TD_NOTE_CERT_REQUEST);
    bool none_sent = hs->client_certs.n == 0;
    if (!x->peer_alert && asked && none_sent
        && (td_dx_error(x, -0x0050) || td_dx_error(x, -0x7280)
            || td_hs_find_note(hs, TD_NOTE_PEER_CLOSED))) {
        /* GnuTLS sends decode_error (50) and closes at once: the device
         * often meets the reset before it reads the alert. */
        f = td_dx_add(x, "client_cert_required", TD_LIKELY, 80);
        td_dx_title(x, f, "The server asked for a client certificate, the "
                    "device sent none, and the server hung up");
        td_dx_explain(x, f, "The server sent a CertificateRequest; the "
                      "device answered without a certificate and the server "
                      "closed the connection before its alert could be "
                      "read (GnuTLS sends decode_error (50) and closes at "
                      "once).");
        td_dx_basis(x, f, "the server asked for a certificate and closed "
                    "right after the device's answer without one");
        if (hs->cert_request.present)
            td_dx_ev(x, f, &hs->cert_request.where);
        else if ((n = td_hs_find_note(hs, TD_NOTE_CERT_REQUEST)))
            td_dx_ev(x, f, &n->where);
        if (hs->errors.n)
            td_dx_ev(x, f, &hs->errors.v[0].where);
        td_dx_fix(x, f, "Configure the device's certificate and private key "
                  "(the one registered with the service).", FIX2, FIX3);
        return;
    }
    if (!x->peer_alert || x->peer_alert->encrypted)
        return;
    int desc = x->peer_alert->description;
    int score = 0;
    if (desc == 116)
        score = 96;
    else if (asked && none_sent && (desc == 40 || desc == 42 || desc == 49
                                    || desc == 43))
        score = 92;
    else if (asked && !none_sent && (desc == 48 || desc == 42 || desc == 45
                                     || desc == 44 || desc == 43))
        score = 88;     /* sent one, the server rejects it */
    else if (asked && x->when >= TD_WHEN_AFTER_SERVER_HELLO)
        score = 60;
    if (!score)
        return;
    f = td_dx_add(x, "client_cert_required",
                  score >= 70 ? TD_LIKELY : TD_POSSIBLE, score);
    if (asked && !none_sent && score == 88) {
        td_dx_title(x, f, "The server rejects the device's client "
                    "certificate");
        td_dx_explain(x, f, "The server asked for a client certificate, the "
                      "device sent one, and the server answered %s: it does "
                      "not trust or accept that certificate (device CA not "
                      "registered, certificate expired or revoked).",
                      td_dx_alert_name(x, x->peer_alert));
    } else {
        td_dx_title(x, f, "The server requires a client certificate and the "
                    "device sends none");
        td_dx_explain(x, f, "%s The server then answered %s.",
                      asked ? "The server asked for a client certificate "
                              "(CertificateRequest)."
                            : "certificate_required (116) is TLS 1.3's "
                              "explicit answer to a missing client "
                              "certificate.",
                      td_dx_alert_name(x, x->peer_alert));
    }
    td_dx_basis(x, f, "the server asked for a certificate before it "
                "refused");
    if (hs->cert_request.present)
        td_dx_ev(x, f, &hs->cert_request.where);
    else if ((n = td_hs_find_note(hs, TD_NOTE_CERT_REQUEST)))
        td_dx_ev(x, f, &n->where);
    td_dx_ev(x, f, &x->peer_alert->where);
    td_dx_fix(x, f, "Configure the device's certificate and private key "
              "(the one registered with the service).", FIX2, FIX3);
}
