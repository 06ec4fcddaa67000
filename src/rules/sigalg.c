/* rules/sigalg.c - no_shared_sigalg.
 *
 * The server signs its key exchange (TLS 1.2) or handshake (TLS 1.3) with
 * a scheme from the client's signature_algorithms; servers have dropped
 * SHA-1 and SHA-224, and TLS 1.3 signs with RSA only in PSS form. */
#include "diag_int.h"

static const char *const FIX2 =
    "Enable MBEDTLS_SHA256_C and MBEDTLS_SHA512_C (which also gives "
    "SHA-384) in mbedtls/config.h; if the code calls "
    "mbedtls_ssl_conf_sig_hashes(), list MBEDTLS_MD_SHA256 and "
    "MBEDTLS_MD_SHA384 (ending with MBEDTLS_MD_NONE).";
static const char *const FIX3 =
    "Enable MBEDTLS_SHA256_C and MBEDTLS_SHA384_C (PSA_WANT_ALG_SHA_256/384 "
    "with PSA crypto); if the code calls mbedtls_ssl_conf_sig_algs(), list "
    "MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, "
    "MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256 and "
    "MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256; RSA-PSS needs MBEDTLS_PKCS1_V21.";

void td_rule_sigalg(struct td_dctx *x)
{
    const struct td_note *n = td_hs_find_note(x->hs,
                                              TD_NOTE_NO_COMMON_SIGALG);
    struct td_finding *f;
    if (n) {
        f = td_dx_add(x, "no_shared_sigalg", TD_LIKELY, 90);
        td_dx_title(x, f, "No signature algorithm is shared");
        td_dx_explain(x, f, "The two sides have no signature scheme in "
                      "common for the certificate and key in use.");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, "Enable SHA-256 based signature algorithms on both "
                  "sides.", FIX2, FIX3);
        return;
    }
    if (!x->client || !x->ch || !x->failed || !x->offer.sigalgs_known)
        return;
    if (!(x->when == TD_WHEN_AFTER_CLIENT_HELLO || x->when == TD_WHEN_UNKNOWN))
        return;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    if (!x->offer.has_sha256_plus) {
        f = td_dx_add(x, "no_shared_sigalg",
                      desc == 40 ? TD_LIKELY : TD_POSSIBLE,
                      desc == 40 ? 78 : 45);
        td_dx_title(x, f, "The client offers no signature algorithm with "
                    "SHA-256 or stronger");
        td_dx_explain(x, f, "signature_algorithms lists only SHA-1 or "
                      "SHA-224 schemes. Servers no longer sign with those, "
                      "so they find nothing to sign the handshake with and "
                      "refuse right after the ClientHello.");
        td_dx_basis(x, f, "the offer lacks every signature scheme current "
                    "servers use");
        td_dx_ev(x, f, &x->ch->where);
        if (x->peer_alert)
            td_dx_ev(x, f, &x->peer_alert->where);
        td_dx_fix(x, f, "Offer rsa_pkcs1_sha256, ecdsa_secp256r1_sha256 and "
                  "rsa_pss_rsae_sha256.", FIX2, FIX3);
        return;
    }
    if (!x->offer.has_sha384 && desc == 40
        && x->when == TD_WHEN_AFTER_CLIENT_HELLO) {
        f = td_dx_add(x, "no_shared_sigalg", TD_POSSIBLE, 50);
        td_dx_title(x, f, "The client offers no signature algorithm with "
                    "SHA-384");
        td_dx_explain(x, f, "A server whose key or policy needs SHA-384 "
                      "(P-384 certificates, servers set to RSA+SHA384) finds "
                      "nothing it may sign with. mbedTLS 2.28 offers SHA-384 "
                      "only with MBEDTLS_SHA512_C.");
        td_dx_basis(x, f, "the offer lacks SHA-384, which some servers "
                    "require");
        td_dx_ev(x, f, &x->ch->where);
        if (x->peer_alert)
            td_dx_ev(x, f, &x->peer_alert->where);
        td_dx_fix(x, f, "Offer rsa_pkcs1_sha384, ecdsa_secp384r1_sha384 and "
                  "rsa_pss_rsae_sha384 as well.", FIX2, FIX3);
        return;
    }
    if (x->offer.max_version >= 0x0304 && !x->offer.has_rsa_pss
        && x->offer.tls13 && desc == 40) {
        f = td_dx_add(x, "no_shared_sigalg", TD_POSSIBLE, 40);
        td_dx_title(x, f, "TLS 1.3 is offered without RSA-PSS");
        td_dx_explain(x, f, "In TLS 1.3 a server with an RSA certificate "
                      "signs with RSA-PSS only; without an rsa_pss_* "
                      "scheme in the offer it cannot use its certificate.");
        td_dx_basis(x, f, "RSA certificates need RSA-PSS in TLS 1.3");
        td_dx_ev(x, f, &x->ch->where);
        td_dx_fix(x, f, "Offer rsa_pss_rsae_sha256.", FIX2, FIX3);
    }
}
