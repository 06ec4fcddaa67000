/* rules/certs.c - ca_missing_or_wrong, cert_time, cert_hostname,
 * cert_key_rejected, hostname_not_set.
 *
 * mbedTLS verifies the server chain against the CA list given with
 * mbedtls_ssl_conf_ca_chain() and reports the result as flags
 * ("Certificate verification flags 00000008", x509.h BADCERT_*), then
 * -0x2700 (X509_CERT_VERIFY_FAILED). */
#include "diag_int.h"

#include "tlsdiag/explain.h"

#include <stdio.h>
#include <string.h>

#define F_EXPIRED 0x01u
#define F_CN_MISMATCH 0x04u
#define F_NOT_TRUSTED 0x08u
#define F_FUTURE 0x200u
#define F_BAD_MD 0x4000u
#define F_BAD_PK 0x8000u
#define F_BAD_KEY 0x10000u

static void verify_evidence(struct td_dctx *x, struct td_finding *f)
{
    const struct td_handshake *hs = x->hs;
    if (hs->has_verify_flags)
        td_dx_ev(x, f, &hs->verify_where);
    const struct td_mberr *e = td_dx_error(x, -0x2700);
    if (e)
        td_dx_ev(x, f, &e->where);
    if (x->own_alert)
        td_dx_ev(x, f, &x->own_alert->where);
}

static const char *top_issuer(const struct td_handshake *hs)
{
    if (!hs->certs.n)
        return NULL;
    return hs->certs.v[hs->certs.n - 1].issuer;
}

static const char *sans(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    if (!hs->certs.n || !hs->certs.v[0].san.n)
        return NULL;
    char buf[400];
    size_t k = 0;
    for (size_t i = 0; i < hs->certs.v[0].san.n && k + 80 < sizeof(buf); i++)
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? ", " : "",
                              hs->certs.v[0].san.v[i]);
    return td_dx_fmt(x, "%s", buf);
}

static void ca(struct td_dctx *x, int score, const char *how)
{
    const struct td_handshake *hs = x->hs;
    struct td_finding *f = td_dx_add(x, "ca_missing_or_wrong",
                                     score >= 70 ? TD_LIKELY : TD_POSSIBLE,
                                     score);
    const char *issuer = top_issuer(hs);
    td_dx_title(x, f, "The server's certificate is not signed by a CA the "
                "device trusts");
    td_dx_explain(x, f, "%s%s Usual causes: the CA bundle on the device "
                  "lacks the server's root (Azure moved to DigiCert Global "
                  "Root G2, AWS to Amazon Root CA 1, Let's Encrypt to ISRG "
                  "Root X1), the PEM buffer was parsed without its "
                  "terminating NUL, or the server does not send its "
                  "intermediate certificate.", how,
                  issuer ? td_dx_fmt(x, " The chain the server sent ends at "
                                     "\"%s\".", issuer) : "");
    td_dx_basis(x, f, "%s", how);
    verify_evidence(x, f);
    td_dx_fix(x, f, issuer ? td_dx_fmt(x, "Load the root CA that issued "
                                       "\"%s\" on the device.", issuer)
                           : "Load the server's root CA on the device.",
              "mbedtls_x509_crt_parse(&cacert, ca_pem, strlen(ca_pem) + 1) "
              "(the length must include the NUL of a PEM string), then "
              "mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL).",
              TD_FIX_SAME);
}

void td_rule_certs(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    uint32_t fl = hs->has_verify_flags ? hs->verify_flags : 0;
    struct td_finding *f;
    const struct td_note *n;

    if ((n = td_hs_find_note(hs, TD_NOTE_NO_HOSTNAME))
        || td_dx_error(x, -0x5D80)) {
        f = td_dx_add(x, "hostname_not_set", TD_LIKELY, 97);
        td_dx_title(x, f, "The certificate is verified without an expected "
                    "host name");
        td_dx_explain(x, f, "mbedTLS 3.6.3 and 2.28.10 refuse to verify a "
                      "server certificate when mbedtls_ssl_set_hostname() "
                      "was not called (CVE-2025-27809): -0x5D80.");
        td_dx_basis(x, f, "the library names this error");
        td_dx_ev(x, f, n ? &n->where : &td_dx_error(x, -0x5D80)->where);
        td_dx_fix(x, f, "Call mbedtls_ssl_set_hostname(&ssl, \"host\") "
                  "before the handshake.",
                  "mbedtls_ssl_set_hostname(&ssl, \"host\") (2.28.10 and "
                  "later need it).",
                  "mbedtls_ssl_set_hostname(&ssl, \"host\"); NULL is allowed "
                  "to skip the name check explicitly, or define "
                  "MBEDTLS_SSL_CLI_ALLOW_WEAK_CERTIFICATE_VERIFICATION_"
                  "WITHOUT_HOSTNAME.");
    }
    if (fl & F_NOT_TRUSTED)
        ca(x, 96, "The library's verification flags say the chain is not "
                  "signed by a trusted CA (BADCERT_NOT_TRUSTED, 0x08).");
    else if (td_hs_find_note(hs, TD_NOTE_NO_CA_CHAIN)
             || td_dx_error(x, -0x7680))
        ca(x, 95, "No CA chain is configured (\"got no CA chain\", "
                  "-0x7680).");
    else if (x->own_alert && !x->own_alert->encrypted
             && x->own_alert->description == 48 && x->client)
        ca(x, 88, "The device sent unknown_ca (48): it could not chain the "
                  "server's certificate to a trusted root.");
    else if (td_dx_error(x, -0x2700) && !fl && !hs->has_verify_flags)
        ca(x, 60, "Verification failed (-0x2700) and the log does not show "
                  "the flags; an untrusted chain is the most common "
                  "reason.");

    /* Without the library's flags (a capture), the alert the device sent
     * after the server's certificate names the check that failed:
     * mbedTLS sends 45 for expired, 42 for a name mismatch, 46 for a
     * certificate not valid yet (ssl_tls.c mbedtls_ssl_verify_certificate). */
    int own = x->client && x->own_alert && !x->own_alert->encrypted
              && !hs->has_verify_flags && x->when >= TD_WHEN_AFTER_SERVER_HELLO
              ? x->own_alert->description : -1;
    if (own == 45)
        fl |= F_EXPIRED;
    if (own == 42)
        fl |= F_CN_MISMATCH;
    if (fl & (F_EXPIRED | F_FUTURE)) {
        bool future = fl & F_FUTURE;
        f = td_dx_add(x, "cert_time", TD_LIKELY, future ? 96 : 95);
        const struct td_cert *c = hs->certs.n ? &hs->certs.v[0] : NULL;
        td_dx_title(x, f, future ? "The certificate is not valid yet: the "
                                   "device's clock is probably not set"
                                 : "The certificate has expired, or the "
                                   "device's clock is ahead");
        td_dx_explain(x, f, "%s%s",
                      future ? "BADCERT_FUTURE (0x200): the certificate's "
                               "validity starts after the device's current "
                               "time. Devices without a set clock believe "
                               "it is 1970 or 2000."
                             : "BADCERT_EXPIRED (0x01): the certificate's "
                               "validity ended before the device's current "
                               "time.",
                      c && c->not_before
                      ? td_dx_fmt(x, " The certificate is valid from %s to "
                                  "%s.", c->not_before,
                                  c->not_after ? c->not_after : "?") : "");
        td_dx_basis(x, f, "the verification flags say so");
        verify_evidence(x, f);
        td_dx_fix(x, f, future ? "Set the clock (SNTP or RTC) before the "
                                 "handshake."
                               : "Renew the server certificate, or correct "
                                 "the device's clock.",
                  "MBEDTLS_HAVE_TIME_DATE with a working time source: "
                  "mbedtls_platform_set_time() or MBEDTLS_PLATFORM_TIME_ALT; "
                  "set the RTC from SNTP before mbedtls_ssl_handshake().",
                  "MBEDTLS_HAVE_TIME_DATE with a working time source: "
                  "mbedtls_platform_set_time() or MBEDTLS_PLATFORM_TIME_ALT "
                  "(MBEDTLS_PLATFORM_GMTIME_R_ALT where gmtime_r is "
                  "missing); set the RTC from SNTP before "
                  "mbedtls_ssl_handshake().");
    }
    if (fl & F_CN_MISMATCH) {
        const char *s = sans(x);
        f = td_dx_add(x, "cert_hostname", TD_LIKELY, 95);
        td_dx_title(x, f, "The certificate is not for the host name the "
                    "device checks");
        td_dx_explain(x, f, "BADCERT_CN_MISMATCH (0x04): the name given to "
                      "mbedtls_ssl_set_hostname()%s is not among the "
                      "certificate's names%s. Also seen when the server sends "
                      "a default certificate because the hello had no SNI, "
                      "or when the device connects by IP address.",
                      x->ch && x->ch->sni ? td_dx_fmt(x, " (\"%s\")",
                                                      x->ch->sni) : "",
                      s ? td_dx_fmt(x, " (%s)", s) : "");
        td_dx_basis(x, f, "the verification flags say so");
        verify_evidence(x, f);
        td_dx_fix(x, f, s ? td_dx_fmt(x, "Use one of the certificate's "
                                      "names: %s.", s)
                          : "Use the name the certificate was issued for.",
                  "mbedtls_ssl_set_hostname(&ssl, \"name-in-the-SAN\").",
                  "mbedtls_ssl_set_hostname(&ssl, \"name-in-the-SAN\").");
    }
    if (fl & (F_BAD_MD | F_BAD_PK | F_BAD_KEY)) {
        f = td_dx_add(x, "cert_key_rejected", TD_LIKELY, 85);
        td_dx_title(x, f, "The certificate uses a hash or key the device's "
                    "profile refuses");
        td_dx_explain(x, f, "%s%s%s",
                      fl & F_BAD_MD ? "BADCERT_BAD_MD: signed with a hash "
                                      "the profile does not allow (SHA-1). "
                                    : "",
                      fl & F_BAD_PK ? "BADCERT_BAD_PK: an unacceptable "
                                      "public key algorithm. " : "",
                      fl & F_BAD_KEY ? "BADCERT_BAD_KEY: the key is too "
                                       "short (RSA below 2048) or on a curve "
                                       "the profile lacks. " : "");
        verify_evidence(x, f);
        td_dx_fix(x, f, "Use a certificate with SHA-256 and RSA-2048 or "
                  "P-256, or adjust the verification profile.",
                  "mbedtls_ssl_conf_cert_profile(&conf, &profile) with the "
                  "needed hashes, key types and minimum RSA length.",
                  TD_FIX_SAME);
    }
}
