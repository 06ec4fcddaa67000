/* rules/sni.c - sni_wrong, sni_missing.
 *
 * A server with several names picks its certificate (or refuses) by the
 * ClientHello's server_name (RFC 6066 3).  Wrong: a name that is not a DNS
 * host name (an example program's "mbed TLS Server 1"), or not the host
 * the program connected to.  Missing: no server_name at all; Go servers
 * answer internal_error (80), multi-tenant front ends handshake_failure
 * (40), some unrecognized_name (112) (KNOWLEDGE.md 1). */
#include "diag_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* RFC 1123 host name, underscores tolerated (seen in the wild); an IP
 * literal is not a host name for SNI (RFC 6066 3). */
static bool valid_hostname(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    bool digits_only = true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || (label == 0 && c == '-') || ++label > 63)
            return false;
        if (!(c >= '0' && c <= '9'))
            digits_only = false;
    }
    if (s[n - 1] == '-')
        return false;
    return !digits_only && !strchr(s, ':');
}

static const char *host_or_placeholder(const struct td_dctx *x)
{
    return x->host && !x->host_is_ip ? x->host : "<the server's DNS name>";
}

static void fix_hostname(struct td_dctx *x, struct td_finding *f)
{
    const char *h = host_or_placeholder(x);
    td_dx_fix(x, f,
              td_dx_fmt(x, "Send the server's real name as SNI: call "
                        "mbedtls_ssl_set_hostname(&ssl, \"%s\") before "
                        "mbedtls_ssl_handshake() (or remove a call that sets "
                        "a placeholder name).", h),
              td_dx_fmt(x, "mbedtls_ssl_set_hostname(&ssl, \"%s\"); needs "
                        "MBEDTLS_SSL_SERVER_NAME_INDICATION in "
                        "mbedtls/config.h. The same name is checked against "
                        "the server certificate's SAN.", h),
              td_dx_fmt(x, "mbedtls_ssl_set_hostname(&ssl, \"%s\"); needs "
                        "MBEDTLS_SSL_SERVER_NAME_INDICATION. Since 3.6.3 a "
                        "verified handshake fails with -0x5D80 without it.",
                        h));
}

static void evidence(struct td_dctx *x, struct td_finding *f)
{
    const struct td_client_hello *ch = x->ch;
    if (ch->sni_where.line || ch->sni_where.text)
        td_dx_ev(x, f, &ch->sni_where);
    else
        td_dx_ev(x, f, &ch->where);
    if (x->hs->target_host)
        td_dx_ev(x, f, &x->hs->target_where);
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
}

static void sni_wrong(struct td_dctx *x)
{
    const struct td_client_hello *ch = x->ch;
    bool bad_dns = !valid_hostname(ch->sni, ch->sni_len)
                   || strlen(ch->sni) != ch->sni_len;
    bool differs = x->host && !x->host_is_ip
                   && strcasecmp(ch->sni, x->host) != 0;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    bool refused = x->failed && (x->when == TD_WHEN_AFTER_CLIENT_HELLO
                                 || x->when == TD_WHEN_UNKNOWN);
    /* A plausible name refused with 40/80 after an offer that holds what
     * servers need: the name is the commonest reason left. */
    bool suspect = refused && (desc == 40 || desc == 80) && !x->sni_fits_target;
    if (!bad_dns && !differs && !(refused && desc == 112) && !suspect)
        return;
    if (!x->failed) {
        struct td_finding *f = td_dx_add(x, "sni_wrong", TD_INFO, 5);
        td_dx_title(x, f, "The SNI \"%s\" is not the host's name, but the "
                    "server accepted it", ch->sni);
        td_dx_explain(x, f, "This server does not care; a server with "
                      "several names would pick the wrong certificate or "
                      "refuse.");
        evidence(x, f);
        fix_hostname(x, f);
        return;
    }
    enum td_likelihood l = refused ? TD_LIKELY : TD_POSSIBLE;
    int score = !refused ? 35 : desc == 112 ? 97 : desc == 40 ? 93
              : desc == 80 ? 91 : 80;
    if (!bad_dns && !differs && desc == 112)    /* the server's word */
        score = 88;
    else if (!bad_dns && !differs) {
        l = TD_POSSIBLE;
        score = x->offer.broad ? 60 : 40;
    }
    struct td_finding *f = td_dx_add(x, "sni_wrong", l, score);
    if (bad_dns && differs)
        td_dx_title(x, f, "The SNI \"%s\" is not a host name and not the "
                    "server's name (%s)", ch->sni, x->host);
    else if (bad_dns)
        td_dx_title(x, f, "The SNI \"%s\" is not a valid host name",
                    ch->sni);
    else if (differs)
        td_dx_title(x, f, "The SNI \"%s\" differs from the host the device "
                    "connects to (%s)", ch->sni, x->host);
    else if (desc == 112)
        td_dx_title(x, f, "The server does not know the name \"%s\"",
                    ch->sni);
    else
        td_dx_title(x, f, "The server may not serve the name \"%s\"",
                    ch->sni);
    td_dx_explain(x, f, "A server that hosts several names chooses its "
                  "certificate by the SNI (here \"%s\") and refuses a name "
                  "it does not serve%s.%s",
                  ch->sni,
                  desc == 112 ? " with unrecognized_name (112), as this one did"
                  : desc >= 0 ? td_dx_fmt(x, "; this one answered %s right "
                                          "after the ClientHello",
                                          td_dx_alert_name(x, x->peer_alert))
                  : "",
                  bad_dns ? " The name is a placeholder, such as the one the "
                            "mbedTLS example programs set with "
                            "mbedtls_ssl_set_hostname(), not a DNS name."
                          : "");
    if (!bad_dns && !differs && desc != 112)
        td_dx_basis(x, f, "the offer itself holds what servers need, so a "
                    "name the server does not serve is the commonest reason "
                    "left for %s", td_dx_alert_name(x, x->peer_alert));
    else
        td_dx_basis(x, f, "the ClientHello names \"%s\"%s and the server "
                    "refused right after it", ch->sni,
                    bad_dns ? ", which is not a DNS name," : differs
                    ? td_dx_fmt(x, " instead of %s", x->host) : "");
    evidence(x, f);
    fix_hostname(x, f);
}

static void sni_missing(struct td_dctx *x)
{
    if (!x->failed || !(x->when == TD_WHEN_AFTER_CLIENT_HELLO
                        || x->when == TD_WHEN_UNKNOWN))
        return;
    const struct td_client_hello *ch = x->ch;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    enum td_likelihood l = TD_LIKELY;
    int score;
    const char *why, *basis;
    switch (desc) {
    case 80:
        score = 95;
        why = "Servers written in Go (Caddy, Traefik, many IoT brokers) pick "
              "their certificate by the SNI name; without one their lookup "
              "fails and they answer internal_error (80), exactly what this "
              "server sent right after the ClientHello.";
        basis = "internal_error (80) right after a hello without SNI is the "
                "known answer of servers that cannot choose a certificate "
                "without a name";
        break;
    case 112:
        score = 94;
        why = "The server answered unrecognized_name (112): it found no "
              "certificate for an empty name.";
        basis = "unrecognized_name (112) after a hello without SNI names the "
                "missing name directly";
        break;
    case 40:
        score = 72;
        why = "Multi-tenant front ends (Cloudflare and others) refuse a "
              "ClientHello without SNI with handshake_failure (40).";
        basis = "handshake_failure (40) is what multi-tenant servers send "
                "without SNI, but it is also the usual answer to an offer "
                "the server cannot serve";
        break;
    case -1:
        score = 55;
        l = TD_POSSIBLE;
        why = "The server ended the connection after the ClientHello "
              "without an alert; some front ends (AWS s2n) reject a hello "
              "without SNI that way.";
        basis = "the server gave no reason, and a missing SNI is one of the "
                "reasons servers drop a hello silently";
        break;
    default:
        score = 45;
        l = TD_POSSIBLE;
        why = "Many servers need SNI to choose a certificate.";
        basis = "a missing SNI is a common reason to refuse a hello";
        break;
    }
    struct td_finding *f = td_dx_add(x, "sni_missing", l, score);
    td_dx_title(x, f, "The ClientHello carries no SNI (server_name)");
    td_dx_explain(x, f, "The device does not say which host it wants%s. "
                  "%s%s", ch->from_text ? " (no \"adding server name "
                                          "extension\" line in the log)" : "",
                  why, x->host && x->host_is_ip
                  ? td_dx_fmt(x, " The device connects to the address %s; "
                              "SNI cannot carry an address, so the program "
                              "must name the server's DNS name itself.",
                              x->host) : "");
    td_dx_basis(x, f, "%s", basis);
    td_dx_ev(x, f, &ch->where);
    if (x->hs->target_host)
        td_dx_ev(x, f, &x->hs->target_where);
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
    fix_hostname(x, f);
}

/* A device serving TLS whose SNI callback refused the peer's name. */
static void server_side(struct td_dctx *x)
{
    const struct td_note *n = td_hs_find_note(x->hs,
                                              TD_NOTE_SNI_CALLBACK_FAILED);
    if (!n)
        return;
    struct td_finding *f = td_dx_add(x, "sni_wrong", TD_LIKELY, 92);
    const char *name = x->ch && x->ch->sni ? x->ch->sni : NULL;
    td_dx_title(x, f, "This server has no certificate for the name the "
                "peer asked for%s%s%s", name ? " (\"" : "",
                name ? name : "", name ? "\")" : "");
    td_dx_explain(x, f, "The SNI callback (mbedtls_ssl_conf_sni) refused "
                  "the name in the peer's ClientHello, so the server "
                  "answered unrecognized_name (112).");
    td_dx_basis(x, f, "the server's SNI callback failed");
    td_dx_ev(x, f, &n->where);
    if (x->ch)
        td_dx_ev(x, f, &x->ch->where);
    td_dx_fix(x, f, "Serve that name: give the SNI callback a certificate "
              "for it, or have clients use a name the server has.",
              "In the callback given to mbedtls_ssl_conf_sni(), call "
              "mbedtls_ssl_set_hs_own_cert() for the name and return 0.",
              TD_FIX_SAME);
}

void td_rule_sni(struct td_dctx *x)
{
    if (!x->client) {
        server_side(x);
        return;
    }
    if (!x->ch || x->ch->sslv2)
        return;
    if (x->ch->sni)
        sni_wrong(x);
    else
        sni_missing(x);
}
