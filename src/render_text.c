/* render_text.c - output for a person on a terminal.
 *
 * Per handshake: a heading, the exchange as a ladder (client on the left,
 * server on the right, one arrow per message), the findings, and with -v
 * (or `hello`) every field of every message.  Colour only when asked
 * (cli resolves TTY / NO_COLOR / --color).
 */
#include "decode_int.h"
#include "render_int.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/registry.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LABEL_W 20
/* pcap's one-line list: warnings about handshakes printed at the end */
#define PCAP_WARN_MAX 5

struct txt {
    FILE *f;
    bool color;
    unsigned width;
};

static const char *c_(const struct txt *t, const char *code)
{
    return t->color ? code : "";
}
#define BOLD(t) c_(t, "\033[1m")
#define DIM(t) c_(t, "\033[2m")
#define RED(t) c_(t, "\033[31m")
#define GREEN(t) c_(t, "\033[32m")
#define YELLOW(t) c_(t, "\033[33m")
#define CYAN(t) c_(t, "\033[36m")
#define RESET(t) c_(t, "\033[0m")

static void out(const struct txt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void out(const struct txt *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
}

/* "  label:            value" */
static void field(const struct txt *t, int indent, const char *label,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void field(const struct txt *t, int indent, const char *label,
                  const char *fmt, ...)
{
    out(t, "%*s%s%-*s%s ", indent, "", DIM(t), LABEL_W - indent, label,
        RESET(t));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
    fputc('\n', t->f);
}

/* Print words wrapped at the terminal width, continuation lines indented;
 * the cursor is at column first_used when called. */
static void wrapped(const struct txt *t, int indent, int first_used,
                    const char *s)
{
    int col = first_used;
    bool first = true;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *sp = strchr(s, ' ');
        int wl = sp ? (int)(sp - s) : (int)strlen(s);
        if (!first && col + 1 + wl > (int)t->width) {
            out(t, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', t->f);
            col++;
        }
        fwrite(s, 1, (size_t)wl, t->f);
        col += wl;
        s += wl;
        first = false;
    }
    fputc('\n', t->f);
}

static const char *vname(uint16_t v, char *nb)
{
    return td_reg_name(TD_REG_VERSION, v, nb);
}

/* Up to 32 bytes in hex after the label; when they do not fit the width,
 * 16 bytes per line, continuation lines under the first. */
static void hex_line(const struct txt *t, const char *label, const uint8_t *p,
                     size_t n)
{
    char buf[80];
    if (n == 0) {
        field(t, 2, label, "(empty)");
        return;
    }
    if (n > 32)
        n = 32;
    size_t per = LABEL_W + 1 + 2 * n <= t->width ? n : 16;
    for (size_t at = 0; at < n; at += per) {
        size_t k = 0;
        for (size_t i = at; i < n && i < at + per; i++)
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%02x", p[i]);
        if (at == 0)
            field(t, 2, label, "%s", buf);
        else
            out(t, "%*s%s\n", LABEL_W + 1, "", buf);
    }
}

static void code_list(const struct txt *t, const char *label,
                      enum td_reg_kind kind, const td_u16vec *v)
{
    char nb[TD_REG_NAMEBUF];
    field(t, 2, label, "%zu", v->n);
    for (size_t i = 0; i < v->n; i++)
        out(t, "    %s0x%04x%s  %s\n", DIM(t), v->v[i], RESET(t),
            td_reg_name(kind, v->v[i], nb));
}

/* from_text: a hello rebuilt from the log's text lines, whose extensions
 * are known by name only (their contents, where logged, are in the fields
 * printed before). */
static void ext_list(const struct txt *t, const td_extvec *v, bool server,
                     bool from_text)
{
    char nb[TD_REG_NAMEBUF];
    char detail[1024];
    size_t total = 0;
    for (size_t i = 0; i < v->n; i++)
        total += 4u + v->v[i].len;
    if (from_text)
        field(t, 2, "extensions", "%zu (named in the log)", v->n);
    else
        field(t, 2, "extensions", "%zu (%zu bytes)", v->n, total);
    for (size_t i = 0; i < v->n; i++) {
        const struct td_ext *e = &v->v[i];
        char head[64];
        int hl = snprintf(head, sizeof(head), "    %s (%u)",
                          td_reg_name(TD_REG_EXT, e->type, nb), e->type);
        out(t, "%s%s%s%*s", CYAN(t), head, RESET(t),
            hl < 36 ? 36 - hl : 1, "");
        if (from_text && !e->data)
            snprintf(detail, sizeof(detail), "named in the log; its bytes "
                     "were not logged");
        else
            td_ext_describe(e->type, e->data, e->len, server, detail,
                            sizeof(detail));
        wrapped(t, 36, hl < 36 ? 36 : hl + 1, detail);
    }
}

static void print_ch(const struct txt *t, const struct td_client_hello *ch,
                     const char *title)
{
    char nb[TD_REG_NAMEBUF];
    out(t, "%s%s%s", BOLD(t), title, RESET(t));
    if (ch->sslv2)
        out(t, " (SSLv2-compatible record, RFC 5246 E.2)");
    if (ch->from_text)
        out(t, " (rebuilt from log text, incomplete)");
    else if (!ch->complete)
        out(t, " %s(cut short)%s", YELLOW(t), RESET(t));
    out(t, "\n");
    if (ch->record_version && !ch->sslv2)
        field(t, 2, "record version", "%s (0x%04x)",
              vname(ch->record_version, nb), ch->record_version);
    if (ch->legacy_version)
        field(t, 2, "legacy version", "%s (0x%04x)",
              vname(ch->legacy_version, nb), ch->legacy_version);
    if (ch->has_random)
        hex_line(t, ch->sslv2 ? "challenge" : "random",
                 ch->random + 32 - ch->random_len, ch->random_len);
    if (!ch->from_text)
        hex_line(t, "session id", ch->session_id, ch->session_id_len);
    code_list(t, "cipher suites", TD_REG_SUITE, &ch->cipher_suites);
    if (ch->compression.n) {
        char buf[128];
        size_t k = 0;
        for (size_t i = 0; i < ch->compression.n && k < sizeof(buf) - 16; i++)
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
                                  i ? ", " : "",
                                  td_reg_name(TD_REG_COMPRESSION,
                                              ch->compression.v[i], nb));
        field(t, 2, "compression", "%s", buf);
    }
    if (ch->from_text) {
        /* what the log's lines gave of the extensions' contents */
        if (ch->sni)
            field(t, 2, "server name", "\"%s\"", ch->sni);
        if (ch->groups.n)
            code_list(t, "supported groups", TD_REG_GROUP, &ch->groups);
        if (ch->sigalgs.n)
            code_list(t, "signature algs", TD_REG_SIGALG, &ch->sigalgs);
        if (ch->versions.n)
            code_list(t, "versions", TD_REG_VERSION, &ch->versions);
        if (ch->max_fragment_length)
            field(t, 2, "max fragment len", "code %u (%d bytes)",
                  ch->max_fragment_length,
                  ch->max_fragment_length <= 4
                  ? 256 << ch->max_fragment_length : -1);
    }
    if (ch->has_ext_block || ch->extensions.n)
        ext_list(t, &ch->extensions, false, ch->from_text);
    else if (!ch->sslv2 && !ch->from_text)
        field(t, 2, "extensions", "none");
    if (ch->ja3[0])
        field(t, 2, "JA3", "%s", ch->ja3);
    if (ch->ja4[0])
        field(t, 2, "JA4", "%s", ch->ja4);
}

static void print_sh(const struct txt *t, const struct td_server_hello *sh)
{
    char nb[TD_REG_NAMEBUF];
    out(t, "%s%s%s%s\n", BOLD(t),
        sh->hello_retry_request ? "HelloRetryRequest" : "ServerHello",
        RESET(t), sh->complete ? "" : " (cut short)");
    if (sh->sslv2) {
        field(t, 2, "version", "%s (SSLv2 SERVER-HELLO)",
              vname(sh->version, nb));
        return;
    }
    if (sh->record_version)
        field(t, 2, "record version", "%s (0x%04x)",
              vname(sh->record_version, nb), sh->record_version);
    field(t, 2, "legacy version", "%s (0x%04x)", vname(sh->version, nb),
          sh->version);
    if (sh->selected_version)
        field(t, 2, "selected version", "%s (supported_versions)",
              vname(sh->selected_version, nb));
    if (sh->has_random)
        hex_line(t, "random", sh->random, 32);
    hex_line(t, "session id", sh->session_id, sh->session_id_len);
    if (sh->has_cipher_suite)
        field(t, 2, "cipher suite", "0x%04x %s", sh->cipher_suite,
              td_reg_name(TD_REG_SUITE, sh->cipher_suite, nb));
    if (sh->has_ext_block)
        ext_list(t, &sh->extensions, true, sh->from_text);
}

static void print_certs(const struct txt *t, const td_certvec *v,
                        const char *who)
{
    out(t, "%sCertificate%s (%s, %zu certificate%s)\n", BOLD(t), RESET(t),
        who, v->n, v->n == 1 ? "" : "s");
    for (size_t i = 0; i < v->n; i++) {
        const struct td_cert *c = &v->v[i];
        out(t, "  #%zu\n", i + 1);
        if (!c->parsed) {
            field(t, 4, "not parsed", "%s (%zu bytes)",
                  c->parse_error ? c->parse_error : "?", c->der_len);
        }
        if (c->subject)
            field(t, 4, "subject", "%s", c->subject);
        if (c->issuer)
            field(t, 4, "issuer", "%s", c->issuer);
        if (c->not_before)
            field(t, 4, "valid", "%s to %s UTC", c->not_before,
                  c->not_after ? c->not_after : "?");
        if (c->key)
            field(t, 4, "key", "%s", c->key);
        if (c->sig_alg)
            field(t, 4, "signed with", "%s", c->sig_alg);
        if (c->san.n) {
            char buf[512];
            size_t k = 0;
            for (size_t s = 0; s < c->san.n && k < sizeof(buf) - 8; s++)
                k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
                                      s ? ", " : "", c->san.v[s]);
            field(t, 4, "SAN", "%s", buf);
        }
        if (c->is_ca)
            field(t, 4, "CA", "yes");
    }
}

/* What only the decrypted TLS 1.3 server flight shows. */
static void print_tls13_flight(const struct txt *t,
                               const struct td_handshake *hs)
{
    char nb[TD_REG_NAMEBUF];
    if (hs->has_encrypted_extensions) {
        out(t, "%sEncryptedExtensions%s (decrypted)\n", BOLD(t), RESET(t));
        ext_list(t, &hs->encrypted_extensions, true, false);
    }
    if (hs->cert_verify_sigalg)
        out(t, "%sCertificateVerify%s signed with %s (0x%04x)\n", BOLD(t),
            RESET(t), td_reg_name(TD_REG_SIGALG, hs->cert_verify_sigalg, nb),
            hs->cert_verify_sigalg);
    if (hs->tls13_flight_read)
        out(t, "%sFinished%s %s\n", BOLD(t), RESET(t),
            hs->tls13_finished_ok ? "verified (the flight was read whole)"
                                  : "does not verify");
}

static void print_details(const struct txt *t, const struct td_handshake *hs)
{
    char nb[TD_REG_NAMEBUF];
    if (hs->ch)
        print_ch(t, hs->ch, "ClientHello");
    if (hs->hrr)
        print_sh(t, hs->hrr);
    if (hs->ch_retry)
        print_ch(t, hs->ch_retry, "ClientHello (after HelloRetryRequest)");
    if (hs->sh)
        print_sh(t, hs->sh);
    if (hs->certs.n)
        print_certs(t, &hs->certs, "server");
    if (hs->ske.present) {
        out(t, "%sServerKeyExchange%s\n", BOLD(t), RESET(t));
        if (hs->ske.group)
            field(t, 2, "named curve", "%s (%u)",
                  td_reg_name(TD_REG_GROUP, hs->ske.group, nb),
                  hs->ske.group);
        if (hs->ske.params_len)
            field(t, 2, "DH prime", "%u bits", hs->ske.params_len * 8u);
        if (hs->ske.sigalg)
            field(t, 2, "signed with", "%s",
                  td_reg_name(TD_REG_SIGALG, hs->ske.sigalg, nb));
    }
    if (hs->cert_request.present) {
        out(t, "%sCertificateRequest%s (the server asks for a client "
            "certificate)\n", BOLD(t), RESET(t));
        if (hs->cert_request.sigalgs.n)
            code_list(t, "signature algs", TD_REG_SIGALG,
                      &hs->cert_request.sigalgs);
        field(t, 2, "CA names", "%zu", hs->cert_request.ca_names);
    }
    print_tls13_flight(t, hs);
    if (hs->server_hello_done)
        out(t, "%sServerHelloDone%s\n", BOLD(t), RESET(t));
    if (hs->client_certs.n)
        print_certs(t, &hs->client_certs, "client");
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        if (a->encrypted && a->level == 0) {
            out(t, "%sAlert%s from the %s: encrypted (level and "
                "description cannot be read)\n", BOLD(t), RESET(t),
                td_dir_name((enum td_dir)a->from));
            continue;
        }
        const char *m = td_alert_meaning(a->description);
        out(t, "%sAlert%s from the %s: %s%s %s (%u)%s\n", BOLD(t), RESET(t),
            td_dir_name((enum td_dir)a->from),
            a->level == 2 ? RED(t) : YELLOW(t),
            a->level == 2 ? "fatal" : a->level == 1 ? "warning" : "level ?",
            td_reg_name(TD_REG_ALERT, a->description, nb), a->description,
            RESET(t));
        if (m) {
            out(t, "  ");
            wrapped(t, 2, 2, m);
        }
    }
}

/* " + 2 more" */
static const char *more_certs(size_t n, char *buf)
{
    snprintf(buf, TD_REG_NAMEBUF, " + %u more", (unsigned)(n % 1000));
    return buf;
}

/* Message names as the RFCs write them. */
static const char *hs_label(uint8_t t, char *nb)
{
    switch (t) {
    case 0: return "HelloRequest";
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 8: return "EncryptedExtensions";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 14: return "ServerHelloDone";
    case 15: return "CertificateVerify";
    case 16: return "ClientKeyExchange";
    case 20: return "Finished";
    case 22: return "CertificateStatus";
    default: return td_reg_name(TD_REG_HS_TYPE, t, nb);
    }
}

/* The common name of a certificate subject, or the whole subject. */
static void subject_cn(const struct td_cert *c, char *buf, size_t len)
{
    const char *s = c->subject ? c->subject : "?";
    const char *cn = strstr(s, "CN=");
    if (cn)
        s = cn + 3;
    size_t n = strcspn(s, ",");
    if (n >= len)
        n = len - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
}

/* One arrow of the ladder: client on the left, server on the right. */
static void arrow(const struct txt *t, int dir, const char *label,
                  const char *color)
{
    int inner = (int)t->width - 14;
    if (inner < 30)
        inner = 30;
    if (inner > 66)
        inner = 66;
    int len = (int)strlen(label);
    if (len > inner - 6)
        len = inner - 6;
    int dashes = inner - len - 4;
    if (dir == TD_DIR_CLIENT) {
        out(t, "  |-- %s%.*s%s ", color, len, label, RESET(t));
        for (int i = 0; i < dashes - 1; i++)
            fputc('-', t->f);
        out(t, ">|\n");
    } else {
        out(t, "  |<");
        for (int i = 0; i < dashes - 1; i++)
            fputc('-', t->f);
        out(t, " %s%.*s%s --|\n", color, len, label, RESET(t));
    }
}

static void ladder(const struct txt *t, const struct td_handshake *hs)
{
    char nb[TD_REG_NAMEBUF], label[160];
    int inner = (int)t->width - 14;
    inner = inner < 30 ? 30 : inner > 66 ? 66 : inner;
    out(t, "  %s%-*s%s\n", DIM(t), inner + 2,
        hs->role == TD_ROLE_SERVER ? "client (peer)" : "client (device)",
        "server");
    out(t, "%s", RESET(t));
    for (size_t i = 0; i < hs->events.n; i++) {
        const struct td_event *e = &hs->events.v[i];
        const char *color = "";
        switch (e->kind) {
        case TD_EV_HANDSHAKE:
            if (e->hs_type == TD_HS_CLIENT_HELLO) {
                const struct td_client_hello *ch =
                    e->flags & TD_EVF_RETRY ? hs->ch_retry : hs->ch;
                if (!ch) {
                    snprintf(label, sizeof(label), "ClientHello");
                    break;
                }
                size_t real = 0;
                for (size_t k = 0; k < ch->cipher_suites.n; k++) {
                    const struct td_suite_info *si =
                        td_reg_suite(ch->cipher_suites.v[k]);
                    real += !(si && si->kex == TD_KEX_SCSV)
                            && !td_reg_is_grease(ch->cipher_suites.v[k]);
                }
                snprintf(label, sizeof(label), "ClientHello%s SNI %s%s%s, "
                         "%zu suite%s", e->flags & TD_EVF_RETRY ? " (retry)"
                                                               : "",
                         ch->sni ? "\"" : "", ch->sni ? ch->sni : "none",
                         ch->sni ? "\"" : "", real, real == 1 ? "" : "s");
            } else if (e->hs_type == TD_HS_SERVER_HELLO
                       && (e->flags & TD_EVF_HRR) && hs->hrr) {
                snprintf(label, sizeof(label), "HelloRetryRequest group %s",
                         td_reg_name(TD_REG_GROUP, hs->hrr->key_share_group,
                                     nb));
            } else if (e->hs_type == TD_HS_SERVER_HELLO && hs->sh) {
                snprintf(label, sizeof(label), "ServerHello %s%s",
                         hs->sh->selected_version == 0x0304 ? "TLS 1.3 " : "",
                         td_reg_name(TD_REG_SUITE, hs->sh->cipher_suite, nb));
            } else if (e->hs_type == 11) {
                const td_certvec *cv = e->dir == TD_DIR_SERVER
                    ? &hs->certs : &hs->client_certs;
                char cn[64];
                if (cv->n) {
                    subject_cn(&cv->v[0], cn, sizeof(cn));
                    snprintf(label, sizeof(label), "Certificate \"%s\"%s",
                             cn, cv->n > 1 ? more_certs(cv->n - 1, nb)
                                           : "");
                } else {
                    snprintf(label, sizeof(label), "Certificate%s",
                             e->dir == TD_DIR_CLIENT ? " (empty)" : "");
                }
            } else if (e->hs_type == 12 && hs->ske.group) {
                char gb[TD_REG_NAMEBUF];
                snprintf(label, sizeof(label), "ServerKeyExchange %s",
                         td_reg_name(TD_REG_GROUP, hs->ske.group, gb));
            } else {
                snprintf(label, sizeof(label), "%s",
                         hs_label(e->hs_type, nb));
            }
            break;
        case TD_EV_ENCRYPTED_HS:
            snprintf(label, sizeof(label), "encrypted handshake (%u bytes)",
                     e->length);
            break;
        case TD_EV_ALERT:
            if (e->encrypted && e->alert_level == 0)
                snprintf(label, sizeof(label), "Alert (encrypted)");
            else if (e->encrypted)
                snprintf(label, sizeof(label), "Alert %s %s (%u), decrypted",
                         e->alert_level == 2 ? "fatal" : "warning",
                         td_reg_name(TD_REG_ALERT, e->alert_desc, nb),
                         e->alert_desc);
            else
                snprintf(label, sizeof(label), "Alert %s %s (%u)",
                         e->alert_level == 2 ? "fatal" : "warning",
                         td_reg_name(TD_REG_ALERT, e->alert_desc, nb),
                         e->alert_desc);
            color = e->alert_level == 2 || e->encrypted ? RED(t) : YELLOW(t);
            break;
        case TD_EV_CCS:
            snprintf(label, sizeof(label), "ChangeCipherSpec");
            break;
        case TD_EV_APPDATA:
            /* TLS 1.3 hides the rest of the handshake in type-23 records. */
            snprintf(label, sizeof(label), "%s (%u bytes)",
                     hs->sh && hs->sh->selected_version == 0x0304
                     ? "encrypted records" : "application data", e->length);
            break;
        case TD_EV_CLOSE:
            snprintf(label, sizeof(label), "connection closed (no alert)");
            color = RED(t);
            break;
        case TD_EV_RESET:
            snprintf(label, sizeof(label), "connection reset");
            color = RED(t);
            break;
        case TD_EV_TIMEOUT:
            snprintf(label, sizeof(label), "no answer (timeout)");
            color = RED(t);
            break;
        case TD_EV_NOT_TLS:
            snprintf(label, sizeof(label), "bytes that are not TLS");
            color = RED(t);
            break;
        case TD_EV_SSLV2:
            snprintf(label, sizeof(label), "SSLv2 %s",
                     e->hs_type == 1 ? "CLIENT-HELLO"
                     : e->hs_type == 4 ? "SERVER-HELLO" : "message");
            break;
        default:
            snprintf(label, sizeof(label), "?");
        }
        arrow(t, e->dir, label, color);
    }
}

/* One paragraph with what the device offered, for the summary view. */
static void offer_summary(const struct txt *t, const struct td_handshake *hs)
{
    const struct td_client_hello *ch = hs->ch;
    char nb[TD_REG_NAMEBUF];
    char buf[1024];
    size_t k = 0;
    if (!ch)
        return;
    uint16_t maxv = ch->legacy_version;
    for (size_t i = 0; i < ch->versions.n; i++)
        if (!td_reg_is_grease(ch->versions.v[i]) && ch->versions.v[i] > maxv)
            maxv = ch->versions.v[i];
#define ADD(...)                                                          \
    do {                                                                  \
        if (k < sizeof(buf))                                              \
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, __VA_ARGS__); \
    } while (0)
    if (maxv)
        ADD("up to %s; ", td_reg_name(TD_REG_VERSION, maxv, nb));
    ADD("SNI %s%s%s; ", ch->sni ? "\"" : "", ch->sni ? ch->sni : "none",
        ch->sni ? "\"" : "");
    ADD("suites:");
    size_t shown = 0;
    for (size_t i = 0; i < ch->cipher_suites.n; i++) {
        const struct td_suite_info *si = td_reg_suite(ch->cipher_suites.v[i]);
        if (si && si->kex == TD_KEX_SCSV)
            continue;
        if (shown++ == 8) {
            ADD(" ...");
            break;
        }
        const char *name = si ? si->name : NULL;
        if (name && strncmp(name, "TLS_", 4) == 0)
            name += 4;
        if (name)
            ADD(" %s", name);
        else
            ADD(" 0x%04x", ch->cipher_suites.v[i]);
    }
    if (ch->groups.n) {
        ADD("; groups:");
        for (size_t i = 0; i < ch->groups.n && i < 8; i++)
            ADD(" %s", td_reg_name(TD_REG_GROUP, ch->groups.v[i], nb));
    }
    if (ch->max_fragment_length)
        ADD("; max_fragment_length %d",
            ch->max_fragment_length <= 4
            ? 256 << ch->max_fragment_length : -1);
#undef ADD
    out(t, "  %soffer:%s ", DIM(t), RESET(t));
    wrapped(t, 9, 9, buf);
    if (ch->from_text)
        out(t, "  %s(rebuilt from the log's text lines: no record dump "
            "at this debug level)%s\n", DIM(t), RESET(t));
}

/* The length of s's first sentence: up to the first ". " that a letter,
 * an opening quote or parenthesis follows, the dots of "e.g.", "i.e.",
 * "etc." and "vs." excepted; or all of s. */
static size_t first_sentence(const char *s)
{
    static const char *const abbrev[] = {"e.g", "i.e", "etc", "vs", "cf"};
    for (const char *p = s; *p; p++) {
        if (p[0] != '.' || p[1] != ' ')
            continue;
        char c = p[2];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '"'
              || c == '('))
            continue;
        bool abbr = false;
        for (size_t i = 0; i < sizeof(abbrev) / sizeof(abbrev[0]); i++) {
            size_t n = strlen(abbrev[i]);
            if ((size_t)(p - s) >= n && strncmp(p - n, abbrev[i], n) == 0
                && (p - n == s || p[-(ptrdiff_t)n - 1] == ' '
                    || p[-(ptrdiff_t)n - 1] == '('))
                abbr = true;
        }
        if (!abbr)
            return (size_t)(p - s) + 1;
    }
    return strlen(s);
}

/* What the text renderer keeps between handshakes: the previous
 * handshake's findings, so that a paste of several identical attempts
 * shows them once. */
struct txt_state {
    char *sig;          /* ids, titles and fixes of the last findings */
    unsigned index;     /* the handshake they were printed with */
    bool omitted;       /* something -v would show was left out */
    char *exchange;     /* the last ladder and offer printed */
    unsigned exchange_index;
    unsigned listed;    /* pcap: handshakes listed one line each */
    unsigned long long unlisted, unlisted_failed;   /* beyond list_max */
};

static char *findings_sig(const struct td_handshake *hs)
{
    size_t n = 1;
    for (size_t i = 0; i < hs->findings.n; i++) {
        const struct td_finding *f = &hs->findings.v[i];
        n += strlen(f->id) + 3;
        n += f->title ? strlen(f->title) : 0;
        n += f->fix_summary ? strlen(f->fix_summary) : 0;
    }
    char *sig = malloc(n), *p = sig;
    if (!sig)
        return NULL;
    for (size_t i = 0; i < hs->findings.n; i++) {
        const struct td_finding *f = &hs->findings.v[i];
        p += sprintf(p, "%s\n%s\n%s\n", f->id, f->title ? f->title : "",
                     f->fix_summary ? f->fix_summary : "");
    }
    *p = '\0';
    return sig;
}

/* Findings.  By default the first shows its title, its whole reasoning,
 * up to three pieces of evidence, the fix and the step for the mbedTLS
 * version the log was written by (both when it is not known); the others
 * their title, the first sentence of why and the fix; a later handshake
 * with the same findings names the earlier one.  verbose (-v, and
 * `hello`): the whole reasoning, all evidence, both versions, for each. */
static void print_findings(const struct txt *t, const struct td_handshake *hs,
                           bool verbose, struct txt_state *st)
{
    if (hs->findings.n == 0)
        return;
    char *sig = st ? findings_sig(hs) : NULL;
    if (!verbose && sig && st->sig && strcmp(sig, st->sig) == 0) {
        out(t, "  %sFindings%s as for handshake %u:", BOLD(t), RESET(t),
            st->index);
        for (size_t i = 0; i < hs->findings.n; i++)
            out(t, "%s %s", i ? "," : "", hs->findings.v[i].id);
        out(t, "\n");
        free(sig);
        st->omitted = true;
        return;
    }
    if (st) {
        free(st->sig);
        st->sig = sig;
        st->index = hs->index;
    }
    bool v2 = verbose || hs->mbedtls_major != 3;
    bool v3 = verbose || hs->mbedtls_major != 2;
    size_t max_ev = verbose ? 6 : 3;
    out(t, "\n%sFindings%s (most likely first)\n", BOLD(t), RESET(t));
    for (size_t i = 0; i < hs->findings.n; i++) {
        const struct td_finding *f = &hs->findings.v[i];
        const char *col = f->likelihood <= TD_LIKELY ? RED(t) : YELLOW(t);
        const char *lk = td_likelihood_name((enum td_likelihood)f->likelihood);
        out(t, "%2zu. %s[%s]%s %s", i + 1, col, lk, RESET(t), BOLD(t));
        {
            /* the title wrapped under itself; the id after it */
            const char *title = f->title ? f->title : f->id;
            size_t tl = strlen(title) + strlen(f->id) + 4;
            char *line = malloc(tl);
            if (line)
                snprintf(line, tl, "%s (%s)", title, f->id);
            wrapped(t, 4, (int)(4 + strlen(lk) + 3), line ? line : title);
            free(line);
            out(t, "%s", RESET(t));
        }
        /* after the first, without -v: the title, why in a sentence and
         * the fix */
        bool brief = !verbose && i > 0;
        const char *s2 = f->fix_mbedtls_2 && *f->fix_mbedtls_2
                         ? f->fix_mbedtls_2 : NULL;
        const char *s3 = f->fix_mbedtls_3 && *f->fix_mbedtls_3
                         ? f->fix_mbedtls_3 : NULL;
        bool same = s2 && s3 && strcmp(s2, s3) == 0;
        bool show2 = !brief && s2 && (v2 || same);
        bool show3 = !brief && s3 && (v3 || same);
        if (f->explanation && *f->explanation) {
            size_t n = verbose || i == 0 ? strlen(f->explanation)
                                         : first_sentence(f->explanation);
            if (st && n < strlen(f->explanation))
                st->omitted = true;
            char *why = strndup(f->explanation, n);
            out(t, "    ");
            wrapped(t, 4, 4, why ? why : f->explanation);
            free(why);
        }
        for (size_t k = 0; !brief && k < f->evidence.n && k < max_ev; k++) {
            const struct td_evidence *ev = &f->evidence.v[k];
            if (ev->line)
                out(t, "    %sline %llu:%s %s\n", DIM(t),
                    (unsigned long long)ev->line, RESET(t),
                    ev->text ? ev->text : "");
            else if (ev->packet)
                out(t, "    %spacket %llu:%s %s\n", DIM(t),
                    (unsigned long long)ev->packet, RESET(t),
                    ev->text ? ev->text : "");
            else if (ev->text) {
                out(t, "    %s- ", DIM(t));
                wrapped(t, 6, 6, ev->text);
                out(t, "%s", RESET(t));
            }
        }
        if (st && (f->evidence.n > (brief ? 0 : max_ev) || (s2 && !show2)
                   || (s3 && !show3)))
            st->omitted = true;
        if (f->fix_summary && *f->fix_summary) {
            out(t, "    %sfix:%s ", GREEN(t), RESET(t));
            wrapped(t, 9, 9, f->fix_summary);
        }
        if (same && (show2 || show3)) {
            out(t, "    %s2.28, 3.6:%s ", DIM(t), RESET(t));
            wrapped(t, 10, 16, s2);
            continue;
        }
        if (show2) {
            out(t, "    %s2.28:%s ", DIM(t), RESET(t));
            wrapped(t, 10, 10, s2);
        }
        if (show3) {
            out(t, "    %s3.6:%s  ", DIM(t), RESET(t));
            wrapped(t, 10, 10, s3);
        }
    }
}

static void text_begin(struct td_render *r, struct td_doc *d)
{
    (void)d;
    r->state = calloc(1, sizeof(struct txt_state));
}

/* pcap: one line per handshake, for reading down a long capture. */
static void one_line(const struct txt *t, const struct td_handshake *hs)
{
    char nb[TD_REG_NAMEBUF], when[80] = "-";
    if (hs->start_usec) {
        time_t secs = (time_t)(hs->start_usec / 1000000u);
        struct tm tm;
        if (gmtime_r(&secs, &tm))
            snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d:%02d.%03u",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (unsigned)(hs->start_usec % 1000000u / 1000u));
    }
    const char *ver = "-";
    const struct td_server_hello *sh = hs->sh;
    if (sh && (sh->selected_version || sh->version))
        ver = td_reg_name(TD_REG_VERSION, sh->selected_version
                          ? sh->selected_version : sh->version, nb);
    char vb[TD_REG_NAMEBUF + 1];
    snprintf(vb, sizeof(vb), "%s", ver);
    const char *suite = "-";
    char sb[TD_REG_NAMEBUF];
    if (sh && sh->has_cipher_suite) {
        suite = td_reg_name(TD_REG_SUITE, sh->cipher_suite, sb);
        if (strncmp(suite, "TLS_", 4) == 0)
            suite += 4;
    }
    const char *col = hs->outcome == TD_OUTCOME_FAILED ? RED(t)
                    : hs->outcome == TD_OUTCOME_OK ? GREEN(t) : YELLOW(t);
    out(t, "%s  %s -> %s  %s%s%s  %s  %s  %s%s%s", when,
        hs->client_addr ? hs->client_addr : "?",
        hs->server_addr ? hs->server_addr : "?",
        hs->ch && hs->ch->sni ? "SNI " : "",
        hs->ch && hs->ch->sni ? hs->ch->sni : "no-SNI", "", vb, suite, col,
        td_outcome_name((enum td_outcome)hs->outcome), RESET(t));
    if (hs->findings.n && hs->findings.v[0].likelihood <= TD_POSSIBLE)
        out(t, "  %s", hs->findings.v[0].id);
    else if (hs->alerts.n && !hs->alerts.v[0].encrypted)
        out(t, "  alert %s", td_reg_name(TD_REG_ALERT,
                                         hs->alerts.v[0].description, nb));
    out(t, "\n");
}

/* The ladder and the offer; with st (no -v), an attempt whose ladder
 * and offer read exactly as the previous one's is named in one line. */
static void exchange(const struct txt *t, const struct td_handshake *hs,
                     struct txt_state *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = st ? open_memstream(&buf, &len) : NULL;
    if (!mem) {
        ladder(t, hs);
        offer_summary(t, hs);
        return;
    }
    struct txt m = {mem, t->color, t->width};
    ladder(&m, hs);
    offer_summary(&m, hs);
    if (fclose(mem) != 0 || !buf) {
        free(buf);
        ladder(t, hs);
        offer_summary(t, hs);
        return;
    }
    if (st->exchange && strcmp(st->exchange, buf) == 0) {
        out(t, "  %sthe same exchange and offer as handshake %u%s\n",
            DIM(t), st->exchange_index, RESET(t));
        st->omitted = true;
        free(buf);
        return;
    }
    fwrite(buf, 1, len, t->f);
    free(st->exchange);
    st->exchange = buf;
    st->exchange_index = hs->index;
}

static void text_handshake(struct td_render *r, struct td_doc *d,
                           const struct td_handshake *hs)
{
    struct txt t = {r->o.out, r->o.color, r->o.width};
    bool hello = d->command && strcmp(d->command, "hello") == 0;
    if (d->command && strcmp(d->command, "pcap") == 0 && !r->o.verbose) {
        struct txt_state *st = r->state;
        if (st && r->o.list_max && st->listed >= r->o.list_max) {
            st->unlisted++;
            st->unlisted_failed += hs->outcome == TD_OUTCOME_FAILED;
            return;
        }
        if (st)
            st->listed++;
        one_line(&t, hs);
        return;
    }
    if (d->handshakes > 0)
        out(&t, "\n");
    if (!hello || d->handshakes > 0) {
        out(&t, "%sHandshake %u%s", BOLD(&t), hs->index, RESET(&t));
        /* several inputs: which one this handshake is in */
        bool name = hs->input && d->input_name
                    && strcmp(hs->input, d->input_name) != 0;
        if (hs->first_line)
            out(&t, " (%s%slines %llu-%llu)", name ? hs->input : "",
                name ? ", " : "", (unsigned long long)hs->first_line,
                (unsigned long long)hs->last_line);
        else if (name)
            out(&t, " (%s)", hs->input);
        if (hs->client_addr)
            out(&t, " %s -> %s", hs->client_addr, hs->server_addr);
        if (hs->target_host)
            out(&t, " to %s:%u", hs->target_host, hs->target_port);
        out(&t, ": %s%s%s\n",
            hs->outcome == TD_OUTCOME_FAILED ? RED(&t)
            : hs->outcome == TD_OUTCOME_OK ? GREEN(&t) : YELLOW(&t),
            td_outcome_name((enum td_outcome)hs->outcome), RESET(&t));
    }
    if (!hello)
        exchange(&t, hs, r->o.verbose ? NULL : r->state);
    if (hello || r->o.verbose)
        print_details(&t, hs);
    if (hello && hs->events.n > 1) {
        out(&t, "%sExchange%s\n", BOLD(&t), RESET(&t));
        ladder(&t, hs);
    }
    print_findings(&t, hs, hello || r->o.verbose, r->state);
    if (hs->warnings.n) {
        out(&t, "%sNot read%s\n", YELLOW(&t), RESET(&t));
        for (size_t i = 0; i < hs->warnings.n; i++) {
            out(&t, "  - ");
            wrapped(&t, 4, 4, hs->warnings.v[i]);
        }
    }
}

static void verdict(const struct txt *t, const struct td_doc *d)
{
    out(t, "\n%sVerdict%s: %u handshake%s, %u failed.", BOLD(t), RESET(t),
        d->handshakes, d->handshakes == 1 ? "" : "s", d->failed);
    if (d->failed == 0) {
        out(t, " Nothing to fix.\n");
        return;
    }
    out(t, "\n");
    for (size_t i = 0; i < d->causes.n; i++) {
        const struct td_doc_cause *c = &d->causes.v[i];
        out(t, "  %s%s%s", RED(t), c->id, RESET(t));
        int used = 2 + (int)strlen(c->id) + 2;
        if (d->failed > 1) {
            char cnt[40];
            used += snprintf(cnt, sizeof(cnt), " (%u of %u)", c->count,
                             d->failed);
            out(t, "%s", cnt);
        }
        out(t, ": ");
        wrapped(t, 4, used, c->title ? c->title : "");
        if (c->fix) {
            out(t, "    %sfix:%s ", GREEN(t), RESET(t));
            wrapped(t, 9, 9, c->fix);
        }
        if (c->also)
            out(t, "    %salso suspected:%s %s (see its finding above)\n",
                DIM(t), RESET(t), c->also);
    }
}

static int cmp_peer(const void *a, const void *b)
{
    const struct td_doc_peer *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void capture_summary(const struct txt *t, struct td_doc *d)
{
    out(t, "\n%sCapture%s: %llu packets, %llu flows, %llu with TLS",
        BOLD(t), RESET(t), (unsigned long long)d->stats.packets,
        (unsigned long long)d->stats.flows,
        (unsigned long long)d->stats.tls_flows);
    if (d->stats.dtls_flows || d->stats.quic_flows)
        out(t, "; %llu DTLS and %llu QUIC flows not decoded",
            (unsigned long long)d->stats.dtls_flows,
            (unsigned long long)d->stats.quic_flows);
    if (d->stats.gaps)
        out(t, "; %llu gaps in TCP streams",
            (unsigned long long)d->stats.gaps);
    if (d->stats.evicted_flows)
        out(t, "; %llu connections closed early (flow table full)",
            (unsigned long long)d->stats.evicted_flows);
    if (d->stats.evicted_handshakes)
        out(t, "; %llu handshakes diagnosed before their connection ended "
            "(memory cap)", (unsigned long long)d->stats.evicted_handshakes);
    out(t, ".\n");
    if (!d->peers.n)
        return;
    qsort(d->peers.v, d->peers.n, sizeof(d->peers.v[0]), cmp_peer);
    out(t, "%sFailures by server%s (server, SNI, handshakes):\n", BOLD(t),
        RESET(t));
    for (size_t i = 0; i < d->peers.n && i < 10; i++)
        out(t, "  %-28s %-30s %u\n",
            d->peers.v[i].server ? d->peers.v[i].server : "?",
            d->peers.v[i].sni ? d->peers.v[i].sni : "(no SNI)",
            d->peers.v[i].count);
    if (d->peers.n > 10)
        out(t, "  ... %zu more\n", d->peers.n - 10);
}

static void text_end(struct td_render *r, struct td_doc *d)
{
    struct txt t = {r->o.out, r->o.color, r->o.width};
    struct txt_state *st = r->state;
    if (st && st->unlisted) {
        char buf[256];
        snprintf(buf, sizeof(buf), "... %llu more handshake%s not listed "
                 "(%llu failed): --failed lists every failed one, -v shows "
                 "each in full, --jsonl gives one line per handshake",
                 st->unlisted, st->unlisted == 1 ? "" : "s",
                 st->unlisted_failed);
        wrapped(&t, 4, 0, buf);
    }
    if (d->command && strcmp(d->command, "pcap") == 0)
        capture_summary(&t, d);
    if (d->probe)
        td_rt_probe(&r->o, d->probe);
    if (d->command && strcmp(d->command, "hello") != 0 && d->handshakes)
        verdict(&t, d);
    /* Handshake warnings were printed with their handshake, except in
     * pcap's one-line list: the first few of them here, the rest counted;
     * the others (input-level) here. */
    bool pcap_lines = d->command && strcmp(d->command, "pcap") == 0
                      && !r->o.verbose;
    size_t hs_warn = 0, hs_shown = 0;
    for (size_t i = 0; pcap_lines && i < d->warnings.n; i++)
        hs_warn += i < d->warning_from_hs.n && d->warning_from_hs.v[i];
    bool head = false;
    for (size_t i = 0; i < d->warnings.n; i++) {
        bool from_hs = i < d->warning_from_hs.n && d->warning_from_hs.v[i];
        if (from_hs && (!pcap_lines || hs_shown >= PCAP_WARN_MAX))
            continue;
        hs_shown += from_hs;
        if (!head)
            out(&t, "%sWarnings%s\n", YELLOW(&t), RESET(&t));
        head = true;
        out(&t, "  - ");
        wrapped(&t, 4, 4, d->warnings.v[i]);
    }
    if (hs_warn > hs_shown) {
        char buf[160];
        snprintf(buf, sizeof(buf), "... %zu more about the handshakes (-v "
                 "prints each with its handshake, --json in its handshake's "
                 "warnings)", hs_warn - hs_shown);
        out(&t, "  ");
        wrapped(&t, 4, 2, buf);
    }
    bool pcap = d->command && strcmp(d->command, "pcap") == 0;
    if (!r->o.verbose && pcap && d->failed)
        wrapped(&t, 1, 0, "(-v: each handshake's exchange, findings and "
                "fixes)");
    else if (!r->o.verbose && st && st->omitted)
        wrapped(&t, 1, 0, "(-v: the reasoning and all evidence behind each "
                "finding, the steps for mbedTLS 2.28 and 3.6, every field of "
                "each message)");
    if (st) {
        free(st->sig);
        free(st->exchange);
    }
    free(st);
    r->state = NULL;
}

const struct td_renderer td_render_text = {
    text_begin, text_handshake, text_end,
};
