/* rules/probe.c - what a live probe proved (hs->probe, see probe.h).
 *
 * A change to the hello that made the server accept is a confirmed cause:
 * each change of the smallest winning set becomes (or upgrades) a finding
 * with likelihood `confirmed`, the server's answers as evidence and the
 * fix naming the exact value.  The full handshake run with the working
 * hello confirms what the device meets next: certificate verification
 * (CA, time, name) and a required client certificate.  When the server
 * took the device's own hello, the findings that blamed the hello are
 * lowered to `possible`.
 */
#include "../diag_int.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/x509.h>

#include "tlsdiag/explain.h"
#include "tlsdiag/probembedtls.h"
#include "tlsdiag/probe.h"
#include "tlsdiag/registry.h"

static const struct td_probe_attempt *att(const struct td_probe_run *p, int i)
{
    return i >= 0 && (size_t)i < p->attempts.n ? p->attempts.v[i] : NULL;
}

/* mbedTLS's name of a suite: the IANA name with MBEDTLS_ in front. */
static const char *mbed_suite(struct td_dctx *x, uint16_t id)
{
    const struct td_suite_info *si = td_reg_suite(id);
    if (!si)
        return td_dx_fmt(x, "suite 0x%04x", id);
    return td_dx_fmt(x, "MBEDTLS_%s", si->name);
}

static const char *suite_macros(struct td_dctx *x, uint16_t id, bool v3)
{
    const struct td_suite_info *si = td_reg_suite(id);
    if (!si)
        return "";
    const char *kex = si->kex == TD_KEX_ECDHE && si->auth == TD_AUTH_ECDSA
                          ? "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED"
                      : si->kex == TD_KEX_ECDHE && si->auth == TD_AUTH_RSA
                          ? "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED"
                      : si->kex == TD_KEX_RSA
                          ? "MBEDTLS_KEY_EXCHANGE_RSA_ENABLED"
                      : si->kex == TD_KEX_DHE && si->auth == TD_AUTH_RSA
                          ? "MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED"
                          : NULL;
    const char *cipher = si->cipher && strstr(si->cipher, "CHACHA20")
                             ? "MBEDTLS_CHACHAPOLY_C"
                         : si->cipher && strstr(si->cipher, "GCM")
                             ? "MBEDTLS_AES_C, MBEDTLS_GCM_C"
                         : si->cipher && strstr(si->cipher, "CCM")
                             ? "MBEDTLS_AES_C, MBEDTLS_CCM_C"
                             : "MBEDTLS_AES_C";
    const char *hash = si->mac && strcmp(si->mac, "SHA384") == 0
                           ? (v3 ? ", MBEDTLS_SHA384_C" : ", MBEDTLS_SHA512_C")
                           : "";
    return td_dx_fmt(x, "%s%s%s%s", kex ? kex : "", kex ? ", " : "", cipher,
                     hash);
}

static const char *values(struct td_dctx *x, enum td_reg_kind k,
                          const struct td_pc *c)
{
    char buf[512];
    size_t at = 0;
    buf[0] = 0;
    for (uint8_t i = 0; i < c->n && at < sizeof(buf); i++) {
        char nb[TD_REG_NAMEBUF];
        int n = snprintf(buf + at, sizeof(buf) - at, "%s%s (0x%04x)",
                         i ? ", " : "", td_reg_name(k, c->v[i], nb), c->v[i]);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return td_dx_fmt(x, "%s", buf);
}

static const char *group_macro(uint16_t g)
{
    switch (g) {
    case 0x0017:
        return "MBEDTLS_ECP_DP_SECP256R1_ENABLED";
    case 0x0018:
        return "MBEDTLS_ECP_DP_SECP384R1_ENABLED";
    case 0x0019:
        return "MBEDTLS_ECP_DP_SECP521R1_ENABLED";
    case 0x001d:
        return "MBEDTLS_ECP_DP_CURVE25519_ENABLED";
    case 0x001e:
        return "MBEDTLS_ECP_DP_CURVE448_ENABLED";
    default:
        return "the curve's MBEDTLS_ECP_DP_..._ENABLED";
    }
}

static const char *hash_macro(uint16_t s, bool v3)
{
    const struct td_sigalg_info *si = td_reg_sigalg(s);
    switch (si ? si->hash : 0) {
    case 4:
        return "MBEDTLS_SHA256_C";
    case 5:
        return v3 ? "MBEDTLS_SHA384_C" : "MBEDTLS_SHA512_C";
    case 6:
        return "MBEDTLS_SHA512_C";
    default:
        return "the hash's MBEDTLS_SHA..._C";
    }
}

static void fix_for(struct td_dctx *x, struct td_finding *f,
                    const struct td_pc *c, const struct td_probe_run *p)
{
    char nb[TD_REG_NAMEBUF];
    uint16_t v = c->n ? c->v[0] : 0;
    bool dev2 = p->o.device_major == 2;
    switch (c->kind) {
    case TD_PC_SNI:
        if (c->action == TD_PC_SET) {
            const char *call = td_dx_fmt(x,
                                         "mbedtls_ssl_set_hostname(&ssl, "
                                         "\"%s\") before "
                                         "mbedtls_ssl_handshake()",
                                         c->name);
            td_dx_fix(x, f,
                      td_dx_fmt(x, "Send \"%s\" as the server name.", c->name),
                      td_dx_fmt(x,
                                "Call %s; it sets the SNI and the name the "
                                "certificate is checked against.",
                                call),
                      TD_FIX_SAME);
        } else {
            td_dx_fix(x, f, "Send the server name the server knows, or none.",
                      "Pass the server's real name to "
                      "mbedtls_ssl_set_hostname() (a NULL name sends no SNI "
                      "but also turns off the host name check).",
                      TD_FIX_SAME);
        }
        break;
    case TD_PC_SUITES:
        td_dx_fix(
            x, f, td_dx_fmt(x, "Offer %s.", values(x, TD_REG_SUITE, c)),
            td_dx_fmt(x,
                      "Enable %s in mbedtls/config.h and, if the "
                      "application calls mbedtls_ssl_conf_ciphersuites(), "
                      "add %s to its list.",
                      suite_macros(x, v, false), mbed_suite(x, v)),
            td_dx_fmt(x,
                      "Enable %s in mbedtls_config.h and add %s to "
                      "the list of mbedtls_ssl_conf_ciphersuites() if it "
                      "is called.",
                      suite_macros(x, v, true), mbed_suite(x, v)));
        break;
    case TD_PC_GROUPS:
        td_dx_fix(
            x, f,
            td_dx_fmt(x, "Offer the group %s.", values(x, TD_REG_GROUP, c)),
            td_dx_fmt(x,
                      "Enable %s (and MBEDTLS_ECDH_C) and, if the "
                      "application calls mbedtls_ssl_conf_curves(), add "
                      "the curve to its list.",
                      group_macro(v)),
            td_dx_fmt(x,
                      "Enable %s and add the group (MBEDTLS_SSL_IANA_"
                      "TLS_GROUP_...) to mbedtls_ssl_conf_groups() if it "
                      "is called.",
                      group_macro(v)));
        break;
    case TD_PC_SIGALGS:
        td_dx_fix(
            x, f,
            td_dx_fmt(x, "Offer the signature algorithm %s.",
                      values(x, TD_REG_SIGALG, c)),
            td_dx_fmt(x,
                      "Enable %s and, if the application calls "
                      "mbedtls_ssl_conf_sig_hashes(), add the hash of "
                      "%s to its list.",
                      hash_macro(v, false), td_reg_name(TD_REG_SIGALG, v, nb)),
            td_dx_fmt(x,
                      "Enable %s and add %s (MBEDTLS_TLS1_3_SIG_...) "
                      "to mbedtls_ssl_conf_sig_algs() if it is called.",
                      hash_macro(v, true), td_reg_name(TD_REG_SIGALG, v, nb)));
        break;
    case TD_PC_VERSIONS:
        if (c->action == TD_PC_ADD) {
            td_dx_fix(x, f, "Offer TLS 1.3.",
                      "mbedTLS 2.28 has no TLS 1.3: upgrade to 3.6.",
                      "Enable MBEDTLS_SSL_PROTO_TLS1_3 (and "
                      "MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE), keep "
                      "mbedtls_ssl_conf_max_tls_version() at "
                      "MBEDTLS_SSL_VERSION_TLS1_3, and call "
                      "psa_crypto_init() before the handshake.");
        } else if (v == 0x0303) {
            td_dx_fix(x, f, "Offer TLS 1.2.",
                      "Enable MBEDTLS_SSL_PROTO_TLS1_2 and do not cap it: "
                      "mbedtls_ssl_conf_max_version(&conf, "
                      "MBEDTLS_SSL_MAJOR_VERSION_3, "
                      "MBEDTLS_SSL_MINOR_VERSION_3).",
                      "mbedtls_ssl_conf_max_tls_version(&conf, "
                      "MBEDTLS_SSL_VERSION_TLS1_2) or higher.");
        }
        break;
    case TD_PC_MFL:
        td_dx_fix(x, f, "Do not ask for max_fragment_length.",
                  "Remove the mbedtls_ssl_conf_max_frag_len() call (or "
                  "MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) and give "
                  "MBEDTLS_SSL_IN_CONTENT_LEN 16384 if memory allows.",
                  "Remove the mbedtls_ssl_conf_max_frag_len() call (or "
                  "MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) and give "
                  "MBEDTLS_SSL_IN_CONTENT_LEN 16384 if memory allows; "
                  "record_size_limit (MBEDTLS_SSL_RECORD_SIZE_LIMIT) is the "
                  "TLS 1.3 alternative.");
        break;
    case TD_PC_EXTENSION:
        td_dx_fix(x, f,
                  td_dx_fmt(x, "Do not send the extension %s.",
                            td_reg_name(TD_REG_EXT, v, nb)),
                  "Turn off the option that adds it (its mbedtls_ssl_conf_* "
                  "call or config macro).",
                  TD_FIX_SAME);
        break;
    }
    (void)dev2;
}

static struct td_finding *find(struct td_handshake *hs, const char *id)
{
    for (size_t i = 0; i < hs->findings.n; i++)
        if (strcmp(hs->findings.v[i].id, id) == 0)
            return &hs->findings.v[i];
    return NULL;
}

/* The finding for id, upgraded to confirmed (the log's explanation is
 * kept; fix and title become the probe's, naming the exact value). */
static struct td_finding *confirm(struct td_dctx *x, const char *id, int score)
{
    struct td_finding *f = find(x->hs, id);
    if (!f) {
        f = td_dx_add(x, id, TD_CONFIRMED, score);
    } else {
        f->likelihood = TD_CONFIRMED;
        f->score = score;
    }
    return f;
}

static void reply_ev(struct td_dctx *x, struct td_finding *f,
                     const struct td_probe_run *p,
                     const struct td_probe_attempt *a, const char *what)
{
    char r[256];
    if (!a)
        return;
    td_dx_ev_text(x, f, "probe connection %u (%s%s): %s", a->no, what,
                  p->o.exact && a->round == 0 ? ", exact bytes" : "",
                  td_probe_reply(a, r, sizeof(r)));
}

static const char *hello_name(const struct td_probe_run *p)
{
    return p->device ? "the device's hello" : "a default hello";
}

static const char *changes_text(struct td_dctx *x, const struct td_pchanges *ch)
{
    char buf[1024], one[400];
    size_t at = 0;
    buf[0] = 0;
    for (uint8_t i = 0; i < ch->n && at < sizeof(buf); i++) {
        int n = snprintf(buf + at, sizeof(buf) - at, "%s%s", i ? "; " : "",
                         td_pc_describe(&ch->c[i], one, sizeof(one)));
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return td_dx_fmt(x, "%s", buf);
}

static void hello_fix(struct td_dctx *x, const struct td_probe_run *p)
{
    const struct td_probe_attempt *w = att(p, p->fix);
    const struct td_probe_attempt *base = att(p, p->base);
    for (uint8_t i = 0; i < w->ch.n; i++) {
        const struct td_pc *c = &w->ch.c[i];
        const char *id = td_probe_cause(c, p->device);
        struct td_finding *f = confirm(x, id, 200 - i);
        if (!f)
            return;
        char one[400];
        td_dx_title(x, f,
                    "Confirmed by the live server: it accepts the "
                    "hello once %s",
                    td_pc_describe(c, one, sizeof(one)));
        if (!f->explanation)
            td_dx_explain(x, f,
                          "The server refused the device's hello and "
                          "accepted it with %s%s.",
                          changes_text(x, &w->ch),
                          w->ch.n > 1 ? " (each of these changes is needed: "
                                        "without any one of them it refused "
                                        "again)"
                                      : "");
        td_dx_basis(x, f, "proved with %u connections to %s", p->connections,
                    p->address[0] ? p->address : p->o.host);
        reply_ev(x, f, p, base, hello_name(p));
        reply_ev(x, f, p, w, changes_text(x, &w->ch));
        fix_for(x, f, c, p);
        /* The alternatives, TLS 1.3 among them, after the real fix. */
        for (size_t k = 0; k < p->n_alt; k++) {
            const struct td_probe_attempt *a = att(p, p->alt[k]);
            if (a)
                reply_ev(
                    x, f, p, a,
                    td_dx_fmt(x, "alternative: %s", changes_text(x, &a->ch)));
        }
    }
}

/* Findings that blamed the hello for something the live server did not
 * mind are lowered to `possible`: the server took the device's hello as
 * it was (w NULL), or took it with changes that leave that cause alone. */
static void disproved(struct td_dctx *x, const struct td_probe_run *p,
                      const struct td_probe_attempt *w)
{
    static const char *const hello_ids[] = {
        "sni_wrong",          "sni_missing",      "no_shared_cipher",
        "no_shared_curve",    "no_shared_sigalg", "version_mismatch",
        "max_fragment_length"};
    const struct td_probe_attempt *base = att(p, p->base);
    for (size_t i = 0; i < x->hs->findings.n; i++) {
        struct td_finding *f = &x->hs->findings.v[i];
        if (f->likelihood == TD_CONFIRMED || f->likelihood >= TD_INFO)
            continue;
        bool hello = false;
        for (size_t k = 0; k < sizeof(hello_ids) / sizeof(hello_ids[0]); k++)
            hello |= strcmp(f->id, hello_ids[k]) == 0;
        /* A fragment length the server accepts can still break the
         * device later (the full handshake tells). */
        if (!hello || (!w && strcmp(f->id, "max_fragment_length") == 0))
            continue;
        f->likelihood = f->likelihood == TD_LIKELY ? TD_POSSIBLE : TD_INFO;
        f->score /= 2;
        if (w)
            td_dx_basis(x, f,
                        "the live server accepted a hello with only "
                        "this changed: %s",
                        changes_text(x, &w->ch));
        else
            td_dx_basis(x, f,
                        "the live server accepted the device's hello "
                        "as it was");
        /* said first, so that the one sentence of a short listing
         * carries it */
        td_dx_explain(x, f, "Not what stopped this server: %s. %s",
                      w ? td_dx_fmt(x, "it accepted a hello with only this "
                                    "changed: %s", changes_text(x, &w->ch))
                        : "it accepted the device's hello as it was",
                      f->explanation ? f->explanation : "");
        reply_ev(x, f, p, w ? w : base, w ? "accepted" : hello_name(p));
    }
}

static void mfl_finding(struct td_dctx *x, const struct td_probe_run *p)
{
    const struct td_probe_full *a = &p->full, *b = &p->full_nomfl;
    struct td_finding *f = confirm(x, "max_fragment_length", 170);
    if (!f)
        return;
    td_dx_title(x, f,
                "Confirmed with the live server: the handshake fails "
                "with max_fragment_length and completes without it");
    td_dx_basis(x, f,
                "two full mbedTLS handshakes that differ only in "
                "max_fragment_length");
    td_dx_ev_text(x, f, "full handshake with max_fragment_length: -0x%04x %s",
                  (unsigned)-a->r.ret, a->r.ret_text);
    td_dx_ev_text(x, f, "the same without it: %s",
                  b->r.ret == 0 ? "completed" : b->r.ret_text);
    if (!f->fix_summary) {
        struct td_pc c = {.kind = TD_PC_MFL, .action = TD_PC_REMOVE};
        fix_for(x, f, &c, p);
    }
}

static void verify_findings(struct td_dctx *x, const struct td_probe_full *fh)
{
    const struct td_pm_verify *v = &fh->r.verify;
    const td_certvec *chain = fh->r.hs ? &fh->r.hs->certs : NULL;
    const struct td_cert *leaf = chain && chain->n ? &chain->v[0] : NULL;
    int score = 150;
    for (size_t i = 0; i < v->n_flags; i++) {
        const struct td_pm_flag *fl = &v->flag[i];
        if (!fl->cause || strcmp(fl->cause, "unexplained") == 0)
            continue;
        struct td_finding *f = confirm(x, fl->cause, score--);
        if (!f)
            return;
        const char *name = td_x509_flag_name(fl->bit);
        const char *text = td_x509_flag_text(fl->bit);
        td_dx_title(x, f,
                    "Confirmed by verifying the live server's chain: "
                    "%s",
                    text   ? text
                    : name ? name
                           : "verification failed");
        td_dx_basis(x, f,
                    "the chain the server sent, verified by mbedTLS "
                    "against %s for %s%s%s",
                    fh->ca_file ? fh->ca_file
                                : "the system CA bundle (" TD_PM_DEFAULT_CA ")",
                    fh->hostname ? "\"" : "no name",
                    fh->hostname ? fh->hostname : "", fh->hostname ? "\"" : "");
        td_dx_ev_text(x, f, "verify flags 0x%08x: %s%s%s", v->flags,
                      name ? name : "?", fl->detail[0] ? ": " : "", fl->detail);
        if (leaf)
            td_dx_ev_text(x, f,
                          "server certificate: %s, issued by %s, valid "
                          "%s to %s",
                          leaf->subject ? leaf->subject : "?",
                          leaf->issuer ? leaf->issuer : "?",
                          leaf->not_before ? leaf->not_before : "?",
                          leaf->not_after ? leaf->not_after : "?");
        const char *ca = fh->ca_file ? fh->ca_file : TD_PM_DEFAULT_CA;
        if (strcmp(fl->cause, "ca_missing_or_wrong") == 0) {
            const char *iss = v->missing_issuer[0]   ? v->missing_issuer
                              : leaf && leaf->issuer ? leaf->issuer
                                                     : "the chain's issuer";
            td_dx_fix(x, f,
                      td_dx_fmt(x,
                                "Give the device the CA \"%s\": %s "
                                "does not hold it (%s).",
                                iss, ca,
                                td_pm_chain_issue_name(v->chain_issue)),
                      "Load that CA certificate with mbedtls_x509_crt_parse() "
                      "and pass it to mbedtls_ssl_conf_ca_chain() (a missing "
                      "intermediate: add it too, or make the server send it).",
                      TD_FIX_SAME);
        } else if (strcmp(fl->cause, "cert_hostname") == 0) {
            td_dx_fix(x, f,
                      td_dx_fmt(x,
                                "Use a name the certificate holds%s%s "
                                "(not \"%s\"), or a certificate for "
                                "that name.",
                                leaf && leaf->san.n ? ": " : "",
                                leaf && leaf->san.n ? leaf->san.v[0] : "",
                                fh->hostname ? fh->hostname : ""),
                      "Pass that name to mbedtls_ssl_set_hostname(&ssl, name).",
                      TD_FIX_SAME);
        } else if (strcmp(fl->cause, "cert_time") == 0) {
            td_dx_fix(
                x, f,
                fl->bit == MBEDTLS_X509_BADCERT_FUTURE
                    ? "Set the device's clock (SNTP) before the handshake; "
                      "or the certificate is not valid yet."
                    : "Renew the server's certificate (it has expired by "
                      "this machine's clock; a device whose clock is wrong "
                      "sees the same).",
                "mbedTLS checks validity (MBEDTLS_HAVE_TIME_DATE) "
                "against mbedtls_time(): set the RTC before "
                "mbedtls_ssl_handshake().",
                "mbedTLS checks validity (MBEDTLS_HAVE_TIME_DATE) "
                "against mbedtls_time(): set the RTC before "
                "mbedtls_ssl_handshake(), or mbedtls_platform_set_time() "
                "for a custom clock.");
        }
    }
}

static void client_cert_finding(struct td_dctx *x, const struct td_probe_run *p)
{
    const struct td_pm_result *r = &p->full.r;
    bool proved = !p->full.tls13;
    struct td_finding *f = confirm(x, "client_cert_required", 160);
    if (!f)
        return;
    if (!proved)
        f->likelihood = TD_LIKELY;
    td_dx_title(x, f,
                proved
                    ? "Confirmed by the live server: it asks for a client "
                      "certificate and ends the handshake without one"
                    : "The live server asks for a client certificate (TLS 1.3 "
                      "CertificateRequest)");
    td_dx_basis(x, f,
                proved ? "a full handshake without a client "
                         "certificate failed after the server's "
                         "CertificateRequest"
                       : "the server's CertificateRequest, read from "
                         "its decrypted TLS 1.3 flight");
    char nb[TD_REG_NAMEBUF];
    if (r->alert >= 0)
        td_dx_ev_text(x, f,
                      "full handshake without a certificate: the "
                      "server sent alert %d %s; %s",
                      r->alert,
                      td_reg_name(TD_REG_ALERT, (uint32_t)r->alert, nb),
                      r->ret_text);
    else if (proved)
        td_dx_ev_text(x, f, "full handshake without a certificate: %s",
                      r->ret_text);
    if (p->full_cert.ran)
        td_dx_ev_text(x, f, "the same with the given certificate: %s",
                      p->full_cert.r.ret == 0 ? "handshake completed"
                                              : p->full_cert.r.ret_text);
    td_dx_fix(x, f,
              "Give the device a client certificate the server "
              "trusts.",
              "mbedtls_ssl_conf_own_cert(&conf, &cert, &key) with the "
              "device's certificate and key before the handshake.",
              TD_FIX_SAME);
}

/* The server took the hello, but the library's handshake with it failed
 * for a reason no rule names: said, with what the library reported, so
 * the run is never taken for a success. */
static void full_failed(struct td_dctx *x, const struct td_probe_full *fh)
{
    const struct td_pm_result *r = &fh->r;
    struct td_finding *f = td_dx_add(x, "unexplained", TD_POSSIBLE, 30);
    if (!f)
        return;
    char nb[TD_REG_NAMEBUF];
    td_dx_title(x, f,
                "The server took the hello, but the full mbedTLS "
                "handshake with it failed");
    td_dx_explain(
        x, f, "mbedtls_ssl_handshake() returned -0x%04x (%s)%s%s%s.",
        (unsigned)(r->ret < 0 ? -r->ret : r->ret), r->ret_text,
        r->timed_out ? " when the time ran out" : "",
        r->alert >= 0 ? "; the server sent " : "",
        r->alert >= 0 ? td_reg_name(TD_REG_ALERT, (uint32_t)r->alert, nb) : "");
    td_dx_basis(x, f,
                "a full handshake through mbedTLS 2.28 with the hello "
                "the server accepted");
    td_dx_ev_text(x, f, "full handshake: %s", r->ret_text);
    td_dx_fix(x, f,
              "Look at the server's log for why it ended the handshake "
              "after its first flight.",
              "Run the device at debug level 4 (mbedtls_debug_set_threshold) "
              "and read the log with tlsdiag log.",
              TD_FIX_SAME);
}

void td_rule_probe(struct td_dctx *x)
{
    const struct td_probe_run *p = x->hs->probe;
    if (!p)
        return;
    const struct td_probe_attempt *base = att(p, p->base);
    if (p->fix >= 0) {
        hello_fix(x, p);
        disproved(x, p, att(p, p->fix));
    } else if (base && base->accepted) {
        disproved(x, p, NULL);
    } else if (base && base->rc == 0) {
        struct td_finding *f = td_dx_add(x, "probe_no_fix", TD_INFO, 5);
        td_dx_title(x, f,
                    p->stopped_silent
                        ? "The server did not answer in time; no variant was "
                          "tried"
                        : "No change tried made the server accept");
        td_dx_explain(x, f,
                      "%u connections: the device's hello and %u "
                      "variants (SNI, suites, groups, signature algorithms, "
                      "versions, max_fragment_length, extensions)%s.",
                      p->connections, p->connections ? p->connections - 1 : 0,
                      p->budget_exhausted ? "; the connection budget ran out "
                                            "(--max-connections)"
                                          : "");
        reply_ev(x, f, p, base, hello_name(p));
    }
    const struct td_probe_full *fh = &p->full;
    if (!fh->ran)
        return;
    bool mfl = fh->r.verdict == TD_PM_HANDSHAKE_FAILED && p->full_nomfl.ran &&
               (p->full_nomfl.r.verdict == TD_PM_OK ||
                p->full_nomfl.r.verdict == TD_PM_VERIFY_FAILED);
    if (mfl)
        mfl_finding(x, p);
    else if (fh->r.verdict == TD_PM_HANDSHAKE_FAILED ||
             fh->r.verdict == TD_PM_NETWORK)
        full_failed(x, fh);
    if (fh->r.verdict == TD_PM_CLIENT_CERT_REQUIRED ||
        (fh->tls13 && fh->r.cert_request))
        client_cert_finding(x, p);
    const struct td_probe_full *v = p->full_cert.ran ? &p->full_cert : fh;
    if (v->r.verify.done && v->r.verify.flags)
        verify_findings(x, v);
}
