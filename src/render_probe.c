/* render_probe.c - the probe's attempts, fix and full handshake: the
 * document's "probe" object (CONTRACT.md "probe") and its text. */
#include "jsonw.h"
#include "render_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/probe.h"
#include "tlsdiag/registry.h"

static const struct td_probe_attempt *att(const struct td_probe_run *p, int i)
{
    return i >= 0 && (size_t)i < p->attempts.n ? p->attempts.v[i] : NULL;
}

/* ---- JSON ---------------------------------------------------------------- */

static void change_json(struct td_jsonw *w, const struct td_pc *c)
{
    td_jw_obj_begin(w);
    td_jw_kstr(w, "kind", td_pc_kind_name(c->kind));
    td_jw_kstr(w, "action", td_pc_action_name(c->action));
    td_jw_key(w, "value");
    switch (c->kind) {
    case TD_PC_SNI:
        if (c->action == TD_PC_REMOVE)
            td_jw_null(w);
        else
            td_jw_str(w, c->name);
        break;
    case TD_PC_SUITES:
    case TD_PC_GROUPS:
    case TD_PC_SIGALGS: {
        enum td_reg_kind k = c->kind == TD_PC_SUITES   ? TD_REG_SUITE
                             : c->kind == TD_PC_GROUPS ? TD_REG_GROUP
                                                       : TD_REG_SIGALG;
        td_jw_arr_begin(w);
        for (uint8_t i = 0; i < c->n; i++)
            td_rj_codepoint(w, k, c->v[i]);
        td_jw_arr_end(w);
        break;
    }
    case TD_PC_VERSIONS:
        if (c->action == TD_PC_ADD)
            td_rj_codepoint(w, TD_REG_VERSION, 0x0304);
        else
            td_rj_codepoint(w, TD_REG_VERSION, c->v[0]);
        break;
    case TD_PC_MFL:
        td_jw_null(w);
        break;
    case TD_PC_EXTENSION:
        td_rj_codepoint(w, TD_REG_EXT, c->v[0]);
        break;
    }
    if (c->kind == TD_PC_VERSIONS && c->action == TD_PC_ADD) {
        td_jw_key(w, "key_share");
        td_rj_codepoint(w, TD_REG_GROUP, c->v[0]);
    }
    td_jw_obj_end(w);
}

static void changes_json(struct td_jsonw *w, const struct td_pchanges *ch)
{
    td_jw_key(w, "changes");
    td_jw_arr_begin(w);
    for (uint8_t i = 0; i < ch->n; i++)
        change_json(w, &ch->c[i]);
    td_jw_arr_end(w);
}

static void attempt_json(struct td_jsonw *w, const struct td_probe_attempt *a)
{
    char buf[300];
    td_jw_obj_begin(w);
    td_jw_kint(w, "connection", a->no);
    td_jw_kint(w, "round", a->round);
    changes_json(w, &a->ch);
    const struct td_handshake *hs = a->pn.hs;
    if (a->rc == TD_ERR_LIMIT) {
        td_jw_kstr(w, "result", "not_sent");
    } else if (a->rc) {
        td_jw_kstr(w, "result",
                   a->rc == TD_ERR_NETWORK
                       ? (a->pn.end == TD_PN_END_RST ? "reset" : "timeout")
                       : "not_sent");
    } else {
        td_jw_kstr(w, "result", td_pn_result_name(a->pn.result));
    }
    td_jw_key(w, "alert");
    if (a->rc == 0 && a->pn.result == TD_PN_ALERT && a->pn.alert >= 0)
        td_jw_int(w, a->pn.alert);
    else
        td_jw_null(w);
    td_jw_key(w, "server_hello");
    const struct td_server_hello *sh = hs ? (hs->sh ? hs->sh : hs->hrr) : NULL;
    if (sh)
        td_rj_server_hello(w, sh);
    else
        td_jw_null(w);
    td_jw_kbool(w, "accepted", a->accepted);
    td_jw_kstr(w, "reply", td_probe_reply(a, buf, sizeof(buf)));
    if (hs && hs->ske.present && hs->ske.group) {
        td_jw_key(w, "ecdhe_group");
        td_rj_codepoint(w, TD_REG_GROUP, hs->ske.group);
    }
    if (hs && hs->ske.present && hs->ske.sigalg) {
        td_jw_key(w, "server_signature_algorithm");
        td_rj_codepoint(w, TD_REG_SIGALG, hs->ske.sigalg);
    }
    if (hs && hs->cert_verify_sigalg) {
        td_jw_key(w, "server_signature_algorithm");
        td_rj_codepoint(w, TD_REG_SIGALG, hs->cert_verify_sigalg);
    }
    if (a->pn.address[0])
        td_jw_kstr(w, "address", a->pn.address);
    td_jw_kint(w, "bytes_sent", (int64_t)a->pn.sent);
    td_jw_kint(w, "bytes_received", (int64_t)a->pn.received);
    td_jw_kint(w, "elapsed_ms", (int64_t)a->pn.elapsed_ms);
    td_jw_obj_end(w);
}

static void verify_json(struct td_jsonw *w, const struct td_probe_full *f)
{
    const struct td_pm_verify *v = &f->r.verify;
    td_jw_key(w, "verify");
    if (!v->done) {
        td_jw_null(w);
        return;
    }
    td_jw_obj_begin(w);
    td_jw_kstr(w, "ca_file", f->ca_file ? f->ca_file : TD_PM_DEFAULT_CA);
    td_jw_kstr(w, "hostname", f->hostname);
    td_jw_kint(w, "flags", v->flags);
    td_jw_kbool(w, "verified", v->flags == 0);
    td_jw_key(w, "reasons");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < v->n_flags; i++) {
        const struct td_pm_flag *fl = &v->flag[i];
        td_jw_obj_begin(w);
        td_jw_kint(w, "bit", fl->bit);
        td_jw_kstr(w, "name", td_x509_flag_name(fl->bit));
        td_jw_kstr(w, "text", td_x509_flag_text(fl->bit));
        td_jw_kstr(w, "cause", fl->cause);
        if (fl->detail[0])
            td_jw_kstr(w, "detail", fl->detail);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    if (v->chain_issue != TD_PM_CHAIN_NONE)
        td_jw_kstr(w, "chain_issue", td_pm_chain_issue_name(v->chain_issue));
    if (v->missing_issuer[0])
        td_jw_kstr(w, "missing_issuer", v->missing_issuer);
    td_jw_obj_end(w);
}

static void full_json(struct td_jsonw *w, const char *key,
                      const struct td_probe_full *f)
{
    td_jw_key(w, key);
    if (!f->ran && !f->message[0]) {
        td_jw_null(w);
        return;
    }
    const struct td_pm_result *r = &f->r;
    td_jw_obj_begin(w);
    td_jw_kbool(w, "ran", f->ran);
    if (!f->ran) {
        td_jw_kstr(w, "message", f->message);
        td_jw_obj_end(w);
        return;
    }
    td_jw_kstr(w, "by", f->tls13 ? "tlsdiag TLS 1.3 reader" : "mbedTLS");
    td_jw_kstr(w, "verdict", td_pm_verdict_name(r->verdict));
    td_jw_kstr(w, "cause", r->cause);
    if (!f->tls13) {
        /* what the device gets (authmode REQUIRED), then what the probe's
         * own handshake returned with the chain verified apart */
        char code[16];
        snprintf(
            code, sizeof(code), "%s0x%04x", r->device_ret < 0 ? "-" : "",
            (unsigned)(r->device_ret < 0 ? -r->device_ret : r->device_ret));
        td_jw_kstr(w, "code", code);
        td_jw_kstr(w, "name", r->ret_name);
        td_jw_kstr(w, "text", r->ret_text);
        snprintf(code, sizeof(code), "%s0x%04x", r->ret < 0 ? "-" : "",
                 (unsigned)(r->ret < 0 ? -r->ret : r->ret));
        td_jw_kstr(w, "probe_code", code);
    }
    td_jw_key(w, "alert");
    if (r->alert >= 0)
        td_jw_int(w, r->alert);
    else
        td_jw_null(w);
    td_jw_key(w, "version");
    if (r->version)
        td_rj_codepoint(w, TD_REG_VERSION, r->version);
    else
        td_jw_null(w);
    td_jw_key(w, "cipher_suite");
    if (r->suite)
        td_rj_codepoint(w, TD_REG_SUITE, r->suite);
    else
        td_jw_null(w);
    td_jw_kbool(w, "certificate_requested", r->cert_request);
    td_jw_kbool(w, "client_certificate_sent", r->client_cert_sent);
    static const td_certvec none;
    td_rj_certs(w, "certificates", r->hs ? &r->hs->certs : &none);
    verify_json(w, f);
    td_jw_obj_end(w);
}

void td_rj_probe(struct td_jsonw *w, const struct td_probe_run *p)
{
    td_jw_key(w, "probe");
    td_jw_obj_begin(w);
    td_jw_key(w, "target");
    td_jw_obj_begin(w);
    td_jw_kstr(w, "host", p->o.host);
    td_jw_kint(w, "port", p->o.port);
    td_jw_kstr(w, "address", p->address[0] ? p->address : NULL);
    td_jw_obj_end(w);
    td_jw_kint(w, "connections", p->connections);
    td_jw_kbool(w, "budget_exhausted", p->budget_exhausted);
    td_jw_key(w, "attempts");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < p->attempts.n; i++)
        if (p->attempts.v[i]->rc != TD_ERR_LIMIT)
            attempt_json(w, p->attempts.v[i]);
    td_jw_arr_end(w);
    td_jw_key(w, "fix");
    const struct td_probe_attempt *fix = att(p, p->fix);
    if (fix) {
        td_jw_obj_begin(w);
        changes_json(w, &fix->ch);
        td_jw_kstr(w, "finding", td_probe_cause(&fix->ch.c[0], p->device));
        td_jw_kint(w, "connection", fix->no);
        td_jw_obj_end(w);
    } else {
        td_jw_null(w);
    }
    td_jw_key(w, "alternatives");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < p->n_alt; i++) {
        const struct td_probe_attempt *a = att(p, p->alt[i]);
        if (!a)
            continue;
        td_jw_obj_begin(w);
        changes_json(w, &a->ch);
        td_jw_kstr(w, "finding", td_probe_cause(&a->ch.c[0], p->device));
        td_jw_kint(w, "connection", a->no);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    full_json(w, "full_handshake", &p->full);
    if (p->full_cert.ran || p->full_cert.message[0])
        full_json(w, "full_handshake_with_client_certificate", &p->full_cert);
    if (p->full_nomfl.ran || p->full_nomfl.message[0])
        full_json(w, "full_handshake_without_max_fragment_length",
                  &p->full_nomfl);
    td_jw_obj_end(w);
}

/* ---- text ---------------------------------------------------------------- */

#define B(o) ((o)->color ? "\033[1m" : "")
#define G(o) ((o)->color ? "\033[32m" : "")
#define R(o) ((o)->color ? "\033[31m" : "")
#define N(o) ((o)->color ? "\033[0m" : "")

static void changes_text(FILE *f, const struct td_probe_run *p,
                         const struct td_pchanges *ch)
{
    char buf[512];
    if (ch->n == 0)
        fputs(p->device ? "the device's hello"
                        : "an mbedTLS 2.28 default hello",
              f);
    for (uint8_t i = 0; i < ch->n; i++)
        fprintf(f, "%s%s", i ? "; " : "",
                td_pc_describe(&ch->c[i], buf, sizeof(buf)));
}

static void full_text(const struct td_render_opts *o, const char *label,
                      const struct td_probe_full *fh)
{
    FILE *f = o->out;
    const struct td_pm_result *r = &fh->r;
    char nb[TD_REG_NAMEBUF], nb2[TD_REG_NAMEBUF];
    if (!fh->ran) {
        if (fh->message[0])
            fprintf(f, "  %s: not run: %s\n", label, fh->message);
        return;
    }
    if (fh->tls13)
        fprintf(f,
                "  %s (TLS 1.3, chain read from the decrypted flight): "
                "%s\n",
                label, td_reg_name(TD_REG_SUITE, r->suite, nb));
    else if (r->device_ret == 0)
        fprintf(f, "  %s (mbedTLS): %scompleted%s, %s %s\n", label, G(o), N(o),
                td_reg_name(TD_REG_VERSION, r->version, nb),
                td_reg_name(TD_REG_SUITE, r->suite, nb2));
    else
        fprintf(f, "  %s (mbedTLS): %sfailed%s -0x%04x %s%s%s\n", label, R(o),
                N(o), (unsigned)-r->device_ret, r->ret_text,
                r->alert >= 0 ? ", server alert " : "",
                r->alert >= 0
                    ? td_reg_name(TD_REG_ALERT, (uint32_t)r->alert, nb)
                    : "");
    if (!fh->tls13 && r->ret != r->device_ret)
        fprintf(f,
                "    (with the chain checked after it, the handshake "
                "itself returned -0x%04x)\n",
                (unsigned)(r->ret < 0 ? -r->ret : r->ret));
    if (r->cert_request)
        fprintf(f, "    the server asked for a client certificate (%s)\n",
                r->client_cert_sent ? "one was sent" : "none was sent");
    if (r->hs)
        for (size_t i = 0; i < r->hs->certs.n && (o->verbose || i == 0); i++) {
            const struct td_cert *c = &r->hs->certs.v[i];
            fprintf(f,
                    "    cert %zu: %s\n            issuer %s; %s; %s .. "
                    "%s\n",
                    i, c->subject ? c->subject : "?",
                    c->issuer ? c->issuer : "?", c->key ? c->key : "?",
                    c->not_before ? c->not_before : "?",
                    c->not_after ? c->not_after : "?");
            if (c->san.n) {
                fputs("            SAN", f);
                for (size_t k = 0; k < c->san.n && k < 6; k++)
                    fprintf(f, " %s", c->san.v[k]);
                fputs(c->san.n > 6 ? " ...\n" : "\n", f);
            }
        }
    const struct td_pm_verify *v = &r->verify;
    if (v->done) {
        fprintf(f, "    verified against %s for %s%s%s: ",
                fh->ca_file ? fh->ca_file : TD_PM_DEFAULT_CA,
                fh->hostname ? "\"" : "no name",
                fh->hostname ? fh->hostname : "", fh->hostname ? "\"" : "");
        if (!v->flags)
            fprintf(f, "%sok%s\n", G(o), N(o));
        else
            fprintf(f, "%sflags 0x%08x%s (the device gets -0x2700)\n", R(o),
                    v->flags, N(o));
        for (size_t i = 0; i < v->n_flags; i++)
            fprintf(f, "      %s: %s%s%s\n",
                    td_x509_flag_name(v->flag[i].bit)
                        ? td_x509_flag_name(v->flag[i].bit)
                        : "?",
                    td_x509_flag_text(v->flag[i].bit)
                        ? td_x509_flag_text(v->flag[i].bit)
                        : "",
                    v->flag[i].detail[0] ? " - " : "", v->flag[i].detail);
    } else if (v->message[0]) {
        fprintf(f, "    not verified: %s\n", v->message);
    }
}

static void probe_text(const struct td_render_opts *o,
                       const struct td_probe_run *p)
{
    FILE *f = o->out;
    char buf[300];
    fprintf(f, "\n%sProbe%s %s:%u%s%s%s\n", B(o), N(o), p->o.host,
            (unsigned)p->o.port, p->address[0] ? " (" : "", p->address,
            p->address[0] ? ")" : "");
    /* One screen: the replay and the winner; -v lists every attempt. */
    size_t hidden = 0;
    for (size_t i = 0; i < p->attempts.n; i++) {
        const struct td_probe_attempt *a = p->attempts.v[i];
        if (a->rc == TD_ERR_LIMIT)
            continue;
        if (!o->verbose && (int)i != p->base && (int)i != p->fix) {
            hidden++;
            continue;
        }
        fprintf(f, "  #%-2u ", a->no);
        changes_text(f, p, &a->ch);
        fprintf(f, "\n       -> %s%s%s\n", a->accepted ? G(o) : "",
                td_probe_reply(a, buf, sizeof(buf)), a->accepted ? N(o) : "");
    }
    if (hidden)
        fprintf(f, "  (%zu other attempt%s: -v lists them)\n", hidden,
                hidden == 1 ? "" : "s");
    const struct td_probe_attempt *fix = att(p, p->fix);
    const struct td_probe_attempt *base = att(p, p->base);
    if (fix) {
        fprintf(f, "  %sSmallest change the server accepts%s (#%u): ", B(o),
                N(o), fix->no);
        changes_text(f, p, &fix->ch);
        fputc('\n', f);
        for (size_t i = 0; i < p->n_alt; i++) {
            const struct td_probe_attempt *a = att(p, p->alt[i]);
            if (!a)
                continue;
            fprintf(f, "  Also accepted (#%u): ", a->no);
            changes_text(f, p, &a->ch);
            bool tls13 = false;
            for (uint8_t k = 0; k < a->ch.n; k++)
                tls13 |= a->ch.c[k].kind == TD_PC_VERSIONS &&
                         a->ch.c[k].action == TD_PC_ADD;
            fputs(tls13 && p->o.device_major != 3
                      ? " (needs mbedTLS 3.6 on the device)\n"
                      : "\n",
                  f);
        }
    } else if (base && base->accepted) {
        fputs("  The server accepts the device's hello as it is.\n", f);
    } else if (p->stopped_silent) {
        fputs("  The server did not answer in time, so no variant was "
              "tried.\n",
              f);
    } else if (base && base->rc == 0) {
        fputs("  No change tried made the server accept.\n", f);
    }
    full_text(o, "Full handshake", &p->full);
    full_text(o, "Again with the client certificate", &p->full_cert);
    full_text(o, "Again without max_fragment_length", &p->full_nomfl);
    fprintf(f, "  Connections used: %u%s\n", p->connections,
            p->budget_exhausted ? " (the budget ran out: --max-connections)"
                                : "");
}

struct probe_print {
    const struct td_render_opts *o;
    const struct td_probe_run *p;
};

static void probe_print(FILE *to, const void *arg)
{
    const struct probe_print *a = arg;
    struct td_render_opts o = *a->o;
    o.out = to;
    probe_text(&o, a->p);
}

void td_rt_probe(const struct td_render_opts *o, const struct td_probe_run *p)
{
    struct probe_print a = {o, p};
    td_render_wrapped(o->out, o->width, probe_print, &a);
}
