/* rules/version.c - version_mismatch.
 *
 * protocol_version (70) means the client's highest version is below the
 * server's lowest (RFC 8446 6.2).  mbedTLS 2.28 has no TLS 1.3, so it
 * cannot talk to TLS 1.3-only servers (AWS IoT TLS13 policies); TLS 1.0
 * and 1.1 clients fail on servers that require 1.2. */
#include "diag_int.h"

#include "tlsdiag/registry.h"

static const char *const FIX2 =
    "Offer TLS 1.2: mbedtls_ssl_conf_max_version(&conf, "
    "MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3) and "
    "MBEDTLS_SSL_PROTO_TLS1_2. 2.28 has no TLS 1.3: a TLS 1.3-only server "
    "needs mbedTLS 3.6.";
/* When the device already offers TLS 1.2 and the server wants 1.3. */
static const char *const FIX2_TLS13 =
    "2.28 has no TLS 1.3: move the device to mbedTLS 3.6, or have the "
    "server accept TLS 1.2 (for a cloud service, a security policy that "
    "includes TLS 1.2).";
static const char *const FIX3 =
    "mbedtls_ssl_conf_max_tls_version(&conf, MBEDTLS_SSL_VERSION_TLS1_3) "
    "with MBEDTLS_SSL_PROTO_TLS1_3 enabled (default since 3.6.0) and "
    "psa_crypto_init() called before the handshake.";

void td_rule_version(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    char nb[TD_REG_NAMEBUF];
    const struct td_note *n;
    struct td_finding *f;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    uint16_t maxv = x->offer.max_version;

    if (desc == 70) {
        f = td_dx_add(x, "version_mismatch", TD_LIKELY, 96);
        if (x->client && maxv && maxv <= 0x0303) {
            td_dx_title(x, f, "The server refuses %s, the highest version "
                        "the device offers",
                        td_reg_name(TD_REG_VERSION, maxv, nb));
            td_dx_explain(x, f, "The server answered protocol_version (70): "
                          "it does not accept the highest version offered "
                          "(%s).%s", td_reg_name(TD_REG_VERSION, maxv, nb),
                          maxv == 0x0303
                          ? " A server that refuses TLS 1.2 accepts only "
                            "TLS 1.3, which mbedTLS 2.28 cannot speak."
                          : " Servers today require at least TLS 1.2.");
        } else {
            td_dx_title(x, f, "The peer refuses the protocol version");
            td_dx_explain(x, f, "protocol_version (70): the two sides have "
                          "no version in common.");
        }
        td_dx_basis(x, f, "protocol_version (70) names the version "
                    "directly");
        if (x->ch)
            td_dx_ev(x, f, &x->ch->where);
        td_dx_ev(x, f, &x->peer_alert->where);
        td_dx_fix(x, f, maxv == 0x0303
                  ? "Offer TLS 1.3: move to mbedTLS 3.6 with "
                    "MBEDTLS_SSL_PROTO_TLS1_3, or lower the server's minimum "
                    "to TLS 1.2 if you run it."
                  : "Offer TLS 1.2 (and 1.3 where available).",
                  maxv == 0x0303 ? FIX2_TLS13 : FIX2, FIX3);
        return;
    }
    if ((n = td_hs_find_note(hs, TD_NOTE_VERSION_OUT_OF_BOUNDS))
        || td_dx_error(x, -0x6E80)) {
        f = td_dx_add(x, "version_mismatch", TD_LIKELY, 94);
        td_dx_title(x, f, "The server chose a version the client does not "
                    "accept");
        td_dx_explain(x, f, "The ServerHello's version is outside the "
                      "client's configured minimum and maximum.%s",
                      hs->sh && hs->sh->version
                      ? td_dx_fmt(x, " The server answered %s.",
                                  td_reg_name(TD_REG_VERSION,
                                              hs->sh->selected_version
                                              ? hs->sh->selected_version
                                              : hs->sh->version, nb))
                      : "");
        if (n)
            td_dx_ev(x, f, &n->where);
        else
            td_dx_ev(x, f, &td_dx_error(x, -0x6E80)->where);
        td_dx_fix(x, f, "Align the versions: the client's "
                  "mbedtls_ssl_conf_min_version / max_version against what "
                  "the server accepts.", FIX2, FIX3);
        return;
    }
    if ((n = td_hs_find_note(hs, TD_NOTE_VERSION_TOO_LOW))) {
        f = td_dx_add(x, "version_mismatch", TD_LIKELY, 94);
        td_dx_title(x, f, "The peer offers a version below this server's "
                    "minimum");
        td_dx_ev(x, f, &n->where);
        td_dx_fix(x, f, "Raise the client to TLS 1.2, or lower the "
                  "server's minimum.", FIX2, FIX3);
        return;
    }
    /* GnuTLS answers a TLS 1.2 hello with handshake_failure (40) when it
     * accepts only TLS 1.3 (OpenSSL sends 70). */
    if (x->client && x->ch && x->failed && desc == 40 && maxv == 0x0303
        && x->when == TD_WHEN_AFTER_CLIENT_HELLO) {
        f = td_dx_add(x, "version_mismatch", TD_POSSIBLE, 35);
        td_dx_title(x, f, "The server may accept only TLS 1.3");
        td_dx_explain(x, f, "The device offers at most TLS 1.2. A server "
                      "that accepts only TLS 1.3 refuses that: OpenSSL with "
                      "protocol_version (70), GnuTLS with handshake_failure "
                      "(40), the alert seen here.");
        td_dx_basis(x, f, "handshake_failure (40) is GnuTLS's answer to a "
                    "TLS 1.2 hello when it accepts only TLS 1.3, but many "
                    "other refusals look the same");
        td_dx_ev(x, f, &x->ch->where);
        td_dx_ev(x, f, &x->peer_alert->where);
        td_dx_fix(x, f, "Offer TLS 1.3 (mbedTLS 3.6), or let the server "
                  "accept TLS 1.2.", FIX2_TLS13, FIX3);
        return;
    }
    if (x->client && x->ch && x->failed && maxv && maxv < 0x0303
        && (x->when == TD_WHEN_AFTER_CLIENT_HELLO
            || x->when == TD_WHEN_UNKNOWN)) {
        f = td_dx_add(x, "version_mismatch", TD_LIKELY, 80);
        td_dx_title(x, f, "The device offers at most %s",
                    td_reg_name(TD_REG_VERSION, maxv, nb));
        td_dx_explain(x, f, "Servers and cloud services require TLS 1.2 "
                      "or newer (Azure IoT Hub dropped 1.0/1.1 in 2025).");
        td_dx_basis(x, f, "TLS 1.0 and 1.1 are refused almost everywhere");
        td_dx_ev(x, f, &x->ch->where);
        td_dx_fix(x, f, "Offer TLS 1.2.", FIX2, FIX3);
    }
}
