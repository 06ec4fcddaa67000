/* rules/curve.c - no_shared_curve.
 *
 * TLS 1.2 ECDHE needs a curve both sides support (RFC 8422 5.1); the
 * curves servers accept today are x25519, secp256r1 and secp384r1.  The
 * client also rejects a server curve it did not allow ("bad server key
 * exchange message (ECDHE curve)") and a certificate key on a curve it
 * did not list ("bad certificate (EC key curve)"). */
#include "diag_int.h"

#include "tlsdiag/registry.h"

#include <stdio.h>

static const char *group_list(struct td_dctx *x)
{
    char buf[300];
    size_t k = 0;
    const td_u16vec *g = &x->ch->groups;
    buf[0] = 0;
    for (size_t i = 0; i < g->n && k + 40 < sizeof(buf); i++) {
        char nb[TD_REG_NAMEBUF];
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
                              i ? ", " : "",
                              td_reg_name(TD_REG_GROUP, g->v[i], nb));
    }
    return td_dx_fmt(x, "%s", buf);
}

static const char *const FIX2 =
    "Enable MBEDTLS_ECP_DP_SECP256R1_ENABLED (and SECP384R1, CURVE25519) "
    "in mbedtls/config.h; if the code calls mbedtls_ssl_conf_curves(), put "
    "MBEDTLS_ECP_DP_SECP256R1 and MBEDTLS_ECP_DP_CURVE25519 in its list "
    "(mbedTLS ecp ids, ending with MBEDTLS_ECP_DP_NONE).";
static const char *const FIX3 =
    "Enable the same curves (PSA_WANT_ECC_SECP_R1_256 etc. when PSA crypto "
    "is used) and list them with mbedtls_ssl_conf_groups(&conf, groups) "
    "(IANA ids such as MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1, ending with 0); "
    "mbedtls_ssl_conf_curves() is deprecated.";

void td_rule_curve(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    const struct td_note *n;
    struct td_finding *f;
    char nb[TD_REG_NAMEBUF];

    if ((n = td_hs_find_note(hs, TD_NOTE_NO_COMMON_CURVE))) {
        f = td_dx_add(x, "no_shared_curve", TD_LIKELY, 92);
        td_dx_title(x, f, "No elliptic curve is shared with the peer");
        td_dx_explain(x, f, "ECDHE needs a curve both sides support; the "
                      "peer's supported_groups has none this side "
                      "allows%s.", x->ch && x->ch->groups.n
                      ? td_dx_fmt(x, " (the peer offered %s)", group_list(x))
                      : "");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, "Enable secp256r1 and x25519 on both sides.", FIX2,
                  FIX3);
        return;
    }
    if ((n = td_hs_find_note(hs, TD_NOTE_BAD_SKE_CURVE))) {
        f = td_dx_add(x, "no_shared_curve", TD_LIKELY, 90);
        const char *g = hs->ske.group
            ? td_reg_name(TD_REG_GROUP, hs->ske.group, nb) : NULL;
        td_dx_title(x, f, "The server chose a curve the client does not "
                    "allow%s%s", g ? ": " : "", g ? g : "");
        td_dx_explain(x, f, "The client rejected the server's key exchange "
                      "because its curve is not enabled on the client.");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, td_dx_fmt(x, "Enable %s on the client.",
                                  g ? g : "the server's curve"), FIX2, FIX3);
        return;
    }
    if ((n = td_hs_find_note(hs, TD_NOTE_BAD_CERT_EC_CURVE))) {
        f = td_dx_add(x, "no_shared_curve", TD_LIKELY, 85);
        td_dx_title(x, f, "The server certificate's key is on a curve the "
                    "client does not allow");
        td_dx_explain(x, f, "mbedTLS checks that an ECDSA certificate's "
                      "curve is one of the curves it offered; this one is "
                      "not.");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, "Enable the curve of the server's certificate "
                  "(usually secp256r1 or secp384r1) on the client.", FIX2,
                  FIX3);
        return;
    }
    if (!x->client || !x->ch || !x->failed || !x->offer.groups_known
        || x->offer.has_common_group)
        return;
    if (!(x->when == TD_WHEN_AFTER_CLIENT_HELLO || x->when == TD_WHEN_UNKNOWN))
        return;
    /* Only matters when the offer relies on ECDHE (TLS 1.3 always does). */
    bool ecdhe = x->offer.tls13 > 0;
    for (size_t i = 0; i < x->ch->cipher_suites.n && !ecdhe; i++) {
        const struct td_suite_info *si = td_reg_suite(x->ch->cipher_suites.v[i]);
        ecdhe = si && (si->kex == TD_KEX_ECDHE || si->kex == TD_KEX_ECDH);
    }
    if (!ecdhe)
        return;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    f = td_dx_add(x, "no_shared_curve", desc == 40 ? TD_LIKELY : TD_POSSIBLE,
                  desc == 40 ? 80 : 45);
    td_dx_title(x, f, "The client offers only curves few servers accept: %s",
                group_list(x));
    td_dx_explain(x, f, "ECDHE suites need a curve both sides support, "
                  "and the offer has none of the ones servers accept today "
                  "(x25519, secp256r1, secp384r1). The server refused right "
                  "after the ClientHello.");
    td_dx_basis(x, f, "the offer lacks every curve servers commonly accept");
    td_dx_ev(x, f, &x->ch->where);
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
    td_dx_fix(x, f, "Offer secp256r1 (and x25519).", FIX2, FIX3);
}
