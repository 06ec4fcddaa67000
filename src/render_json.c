/* render_json.c - the JSON document of CONTRACT.md.
 *
 * Streams: the document head at begin, one handshake object per call,
 * warnings and the closing brackets at end.  Field names are the
 * contract's; fields beyond it (extension "detail", "events", ...) are
 * additions the contract allows.
 */
#include "config.h"
#include "decode_int.h"
#include "jsonw.h"
#include "render_int.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/registry.h"

#include <stdlib.h>
#include <string.h>

static struct td_jsonw *jw(struct td_render *r)
{
    return r->state;
}

static void codepoint(struct td_jsonw *w, enum td_reg_kind kind, uint32_t id)
{
    char nb[TD_REG_NAMEBUF];
    td_jw_obj_begin(w);
    td_jw_kint(w, "id", id);
    td_jw_kstr(w, "name", td_reg_name(kind, id, nb));
    td_jw_obj_end(w);
}

static void codepoints(struct td_jsonw *w, const char *key,
                       enum td_reg_kind kind, const td_u16vec *v)
{
    td_jw_key(w, key);
    td_jw_arr_begin(w);
    for (size_t i = 0; i < v->n; i++)
        codepoint(w, kind, v->v[i]);
    td_jw_arr_end(w);
}

static void ext_array(struct td_jsonw *w, const td_extvec *v,
                      bool from_server)
{
    char nb[TD_REG_NAMEBUF];
    char detail[512];
    td_jw_arr_begin(w);
    for (size_t i = 0; i < v->n; i++) {
        const struct td_ext *e = &v->v[i];
        td_jw_obj_begin(w);
        td_jw_kint(w, "id", e->type);
        td_jw_kstr(w, "name", td_reg_name(TD_REG_EXT, e->type, nb));
        td_jw_kint(w, "length", e->len);
        td_jw_kstr(w, "detail", td_ext_describe(e->type, e->data, e->len,
                                                from_server, detail,
                                                sizeof(detail)));
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void extensions(struct td_jsonw *w, const td_extvec *v,
                       bool from_server)
{
    td_jw_key(w, "extensions");
    ext_array(w, v, from_server);
}

/* What only the decrypted TLS 1.3 server flight shows; each key only when
 * it was read. */
static void tls13_flight(struct td_jsonw *w, const struct td_handshake *hs)
{
    if (hs->has_encrypted_extensions) {
        td_jw_key(w, "encrypted_extensions");
        ext_array(w, &hs->encrypted_extensions, true);
    }
    if (hs->cert_verify_sigalg) {
        td_jw_key(w, "certificate_verify");
        td_jw_obj_begin(w);
        td_jw_key(w, "signature_algorithm");
        codepoint(w, TD_REG_SIGALG, hs->cert_verify_sigalg);
        td_jw_obj_end(w);
    }
    if (hs->tls13_decrypted) {
        td_jw_key(w, "tls13_flight");
        td_jw_obj_begin(w);
        td_jw_kbool(w, "decrypted", true);
        td_jw_kbool(w, "complete", hs->tls13_flight_read);
        td_jw_kbool(w, "finished_verified", hs->tls13_finished_ok);
        td_jw_obj_end(w);
    }
}

static void evidence(struct td_jsonw *w, const struct td_evidence *ev)
{
    td_jw_obj_begin(w);
    if (ev->line)
        td_jw_kint(w, "line", (int64_t)ev->line);
    if (ev->packet)
        td_jw_kint(w, "packet", (int64_t)ev->packet);
    if (ev->offset)
        td_jw_kint(w, "offset", (int64_t)ev->offset - 1);
    td_jw_kstr(w, "text", ev->text ? ev->text : "");
    td_jw_obj_end(w);
}

static void where_fields(struct td_jsonw *w, const struct td_evidence *ev)
{
    if (ev->line)
        td_jw_kint(w, "line", (int64_t)ev->line);
    if (ev->packet)
        td_jw_kint(w, "packet", (int64_t)ev->packet);
    if (ev->offset)
        td_jw_kint(w, "offset", (int64_t)ev->offset - 1);
}

static void client_hello(struct td_jsonw *w, const struct td_client_hello *ch)
{
    td_jw_obj_begin(w);
    td_jw_kbool(w, "complete", ch->complete);
    if (ch->from_text)
        td_jw_kbool(w, "from_text", true);
    if (ch->sslv2)
        td_jw_kbool(w, "sslv2", true);
    td_jw_key(w, "record_version");
    if (ch->record_version)
        td_jw_int(w, ch->record_version);
    else
        td_jw_null(w);
    td_jw_key(w, "legacy_version");
    if (ch->legacy_version)
        td_jw_int(w, ch->legacy_version);
    else
        td_jw_null(w);
    td_jw_key(w, "random");
    if (ch->has_random)
        td_jw_hex(w, ch->random + 32 - ch->random_len, ch->random_len);
    else
        td_jw_null(w);
    td_jw_key(w, "session_id");
    td_jw_hex(w, ch->session_id, ch->session_id_len);
    codepoints(w, "cipher_suites", TD_REG_SUITE, &ch->cipher_suites);
    if (ch->sslv2) {
        td_jw_key(w, "sslv2_cipher_specs");
        td_jw_arr_begin(w);
        for (size_t i = 0; i < ch->sslv2_specs.n; i++)
            td_jw_int(w, ch->sslv2_specs.v[i]);
        td_jw_arr_end(w);
    }
    td_jw_key(w, "compression_methods");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < ch->compression.n; i++)
        td_jw_int(w, ch->compression.v[i]);
    td_jw_arr_end(w);
    extensions(w, &ch->extensions, false);
    td_jw_key(w, "sni");
    if (ch->sni)
        td_jw_strn(w, ch->sni, ch->sni_len);
    else
        td_jw_null(w);
    codepoints(w, "supported_groups", TD_REG_GROUP, &ch->groups);
    td_jw_key(w, "ec_point_formats");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < ch->point_formats.n; i++)
        td_jw_int(w, ch->point_formats.v[i]);
    td_jw_arr_end(w);
    codepoints(w, "signature_algorithms", TD_REG_SIGALG, &ch->sigalgs);
    if (ch->sigalgs_cert.n)
        codepoints(w, "signature_algorithms_cert", TD_REG_SIGALG,
                   &ch->sigalgs_cert);
    codepoints(w, "supported_versions", TD_REG_VERSION, &ch->versions);
    codepoints(w, "key_share_groups", TD_REG_GROUP, &ch->key_share_groups);
    td_jw_key(w, "alpn");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < ch->alpn.n; i++)
        td_jw_str(w, ch->alpn.v[i]);
    td_jw_arr_end(w);
    td_jw_key(w, "max_fragment_length");
    static const int mfl[] = {0, 512, 1024, 2048, 4096};
    if (ch->max_fragment_length >= 1 && ch->max_fragment_length <= 4)
        td_jw_int(w, mfl[ch->max_fragment_length]);
    else
        td_jw_null(w);
    if (ch->max_fragment_length)
        td_jw_kint(w, "max_fragment_length_code", ch->max_fragment_length);
    td_jw_key(w, "record_size_limit");
    if (ch->record_size_limit)
        td_jw_int(w, ch->record_size_limit);
    else
        td_jw_null(w);
    td_jw_key(w, "ja3");
    if (ch->ja3[0])
        td_jw_str(w, ch->ja3);
    else
        td_jw_null(w);
    td_jw_key(w, "ja4");
    if (ch->ja4[0])
        td_jw_str(w, ch->ja4);
    else
        td_jw_null(w);
    where_fields(w, &ch->where);
    td_jw_obj_end(w);
}

static void server_hello(struct td_jsonw *w, const struct td_server_hello *sh)
{
    td_jw_obj_begin(w);
    td_jw_kint(w, "version", sh->version);
    td_jw_key(w, "selected_version");
    if (sh->selected_version)
        td_jw_int(w, sh->selected_version);
    else
        td_jw_null(w);
    td_jw_key(w, "cipher_suite");
    if (sh->has_cipher_suite)
        codepoint(w, TD_REG_SUITE, sh->cipher_suite);
    else
        td_jw_null(w);
    extensions(w, &sh->extensions, true);
    td_jw_key(w, "key_share_group");
    if (sh->has_key_share_group)
        codepoint(w, TD_REG_GROUP, sh->key_share_group);
    else
        td_jw_null(w);
    td_jw_kbool(w, "hello_retry_request", sh->hello_retry_request);
    td_jw_kbool(w, "complete", sh->complete);
    if (sh->record_version)
        td_jw_kint(w, "record_version", sh->record_version);
    if (sh->has_random) {
        td_jw_key(w, "random");
        td_jw_hex(w, sh->random, 32);
    }
    td_jw_key(w, "session_id");
    if (sh->version >= 0x7f00 && sh->version < 0x7f16)
        td_jw_null(w);      /* TLS 1.3 drafts before 22 have none */
    else
        td_jw_hex(w, sh->session_id, sh->session_id_len);
    if (sh->alpn)
        td_jw_kstr(w, "alpn", sh->alpn);
    if (sh->sslv2)
        td_jw_kbool(w, "sslv2", true);
    where_fields(w, &sh->where);
    td_jw_obj_end(w);
}

static void certs(struct td_jsonw *w, const char *key, const td_certvec *v)
{
    td_jw_key(w, key);
    td_jw_arr_begin(w);
    for (size_t i = 0; i < v->n; i++) {
        const struct td_cert *c = &v->v[i];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "subject", c->subject);
        td_jw_kstr(w, "issuer", c->issuer);
        td_jw_kstr(w, "key", c->key);
        td_jw_kstr(w, "not_before", c->not_before);
        td_jw_kstr(w, "not_after", c->not_after);
        td_jw_key(w, "san");
        td_jw_arr_begin(w);
        for (size_t k = 0; k < c->san.n; k++)
            td_jw_str(w, c->san.v[k]);
        td_jw_arr_end(w);
        td_jw_kstr(w, "signature_algorithm", c->sig_alg);
        td_jw_kbool(w, "ca", c->is_ca);
        td_jw_kint(w, "der_length", (int64_t)c->der_len);
        td_jw_kbool(w, "parsed", c->parsed);
        if (!c->parsed)
            td_jw_kstr(w, "parse_error", c->parse_error);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static const char *event_kind(uint8_t k)
{
    switch (k) {
    case TD_EV_HANDSHAKE: return "handshake";
    case TD_EV_ENCRYPTED_HS: return "encrypted_handshake";
    case TD_EV_ALERT: return "alert";
    case TD_EV_CCS: return "change_cipher_spec";
    case TD_EV_APPDATA: return "application_data";
    case TD_EV_CLOSE: return "close";
    case TD_EV_RESET: return "reset";
    case TD_EV_TIMEOUT: return "timeout";
    case TD_EV_NOT_TLS: return "not_tls";
    case TD_EV_SSLV2: return "sslv2";
    default: return "unknown";
    }
}

static void json_begin(struct td_render *r, struct td_doc *d)
{
    struct td_jsonw *w = malloc(sizeof(*w));
    r->state = w;
    if (!w) {
        r->err = -1;
        return;
    }
    td_jw_init(w, r->o.out, r->o.pretty && !r->o.jsonl);
    if (r->o.jsonl)
        return;     /* one object per handshake, then a closing line */
    td_jw_obj_begin(w);
    td_jw_kstr(w, "tool", "tlsdiag");
    td_jw_kstr(w, "version", TD_VERSION);
    td_jw_kstr(w, "command", d->command);
    td_jw_key(w, "input");
    td_jw_obj_begin(w);
    td_jw_kstr(w, "kind", d->input_kind);
    td_jw_kstr(w, "name", d->input_name);
    td_jw_obj_end(w);
    td_jw_key(w, "handshakes");
    td_jw_arr_begin(w);
}

static void json_handshake(struct td_render *r, struct td_doc *d,
                           const struct td_handshake *hs)
{
    struct td_jsonw *w = jw(r);
    char nb[TD_REG_NAMEBUF];
    (void)d;
    if (!w)
        return;
    td_jw_obj_begin(w);
    td_jw_kint(w, "index", hs->index);
    td_jw_key(w, "source");
    td_jw_obj_begin(w);
    if (hs->first_line) {
        td_jw_kint(w, "first_line", (int64_t)hs->first_line);
        td_jw_kint(w, "last_line", (int64_t)hs->last_line);
    }
    if (hs->client_addr) {
        td_jw_kstr(w, "client", hs->client_addr);
        td_jw_kstr(w, "server", hs->server_addr);
    }
    if (hs->first_packet) {
        td_jw_kint(w, "first_packet", (int64_t)hs->first_packet);
        td_jw_kint(w, "last_packet", (int64_t)hs->last_packet);
    }
    td_jw_obj_end(w);
    td_jw_key(w, "target");
    if (hs->target_host) {
        td_jw_obj_begin(w);
        td_jw_kstr(w, "host", hs->target_host);
        td_jw_key(w, "port");
        if (hs->target_port)
            td_jw_int(w, hs->target_port);
        else
            td_jw_null(w);
        td_jw_obj_end(w);
    } else {
        td_jw_null(w);
    }
    td_jw_key(w, "client_hello");
    if (hs->ch)
        client_hello(w, hs->ch);
    else
        td_jw_null(w);
    if (hs->hrr) {
        td_jw_key(w, "hello_retry_request");
        server_hello(w, hs->hrr);
    }
    if (hs->ch_retry) {
        td_jw_key(w, "client_hello_retry");
        client_hello(w, hs->ch_retry);
    }
    td_jw_key(w, "server_hello");
    if (hs->sh)
        server_hello(w, hs->sh);
    else
        td_jw_null(w);
    certs(w, "certificates", &hs->certs);
    if (hs->client_certs.n)
        certs(w, "client_certificates", &hs->client_certs);
    if (hs->ske.present) {
        td_jw_key(w, "server_key_exchange");
        td_jw_obj_begin(w);
        td_jw_key(w, "group");
        if (hs->ske.group)
            codepoint(w, TD_REG_GROUP, hs->ske.group);
        else
            td_jw_null(w);
        td_jw_key(w, "signature_algorithm");
        if (hs->ske.sigalg)
            codepoint(w, TD_REG_SIGALG, hs->ske.sigalg);
        else
            td_jw_null(w);
        if (hs->ske.params_len)
            td_jw_kint(w, "dh_prime_bits", hs->ske.params_len * 8);
        td_jw_obj_end(w);
    }
    if (hs->cert_request.present) {
        td_jw_key(w, "certificate_request");
        td_jw_obj_begin(w);
        td_jw_key(w, "certificate_types");
        td_jw_arr_begin(w);
        for (size_t i = 0; i < hs->cert_request.cert_types.n; i++)
            td_jw_int(w, hs->cert_request.cert_types.v[i]);
        td_jw_arr_end(w);
        codepoints(w, "signature_algorithms", TD_REG_SIGALG,
                   &hs->cert_request.sigalgs);
        td_jw_kint(w, "certificate_authorities",
                   (int64_t)hs->cert_request.ca_names);
        td_jw_obj_end(w);
    }
    tls13_flight(w, hs);
    td_jw_key(w, "alerts");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "from", td_dir_name((enum td_dir)a->from));
        /* Encrypted with a level: decrypted by the TLS 1.3 reader. */
        bool unread = a->encrypted && a->level == 0;
        td_jw_key(w, "level");
        if (unread)
            td_jw_null(w);
        else
            td_jw_int(w, a->level);
        td_jw_key(w, "description");
        if (unread)
            td_jw_null(w);
        else
            td_jw_int(w, a->description);
        td_jw_key(w, "name");
        if (unread)
            td_jw_null(w);
        else
            td_jw_str(w, td_reg_name(TD_REG_ALERT, a->description, nb));
        td_jw_kbool(w, "encrypted", a->encrypted);
        where_fields(w, &a->where);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    td_jw_key(w, "errors");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < hs->errors.n; i++) {
        const struct td_mberr *e = &hs->errors.v[i];
        char code[16], text[256];
        snprintf(code, sizeof(code), "-0x%04X", (unsigned)-e->code);
        td_jw_obj_begin(w);
        td_jw_kstr(w, "code", code);
        td_jw_kstr(w, "name", td_mberr_name(e->code, hs->mbedtls_major));
        td_jw_kstr(w, "text", td_mberr_text(e->code, hs->mbedtls_major,
                                            text, sizeof(text)));
        if (e->func)
            td_jw_kstr(w, "function", e->func);
        td_jw_key(w, "line");
        if (e->where.line)
            td_jw_int(w, (int64_t)e->where.line);
        else
            td_jw_null(w);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    if (hs->has_verify_flags) {
        td_jw_key(w, "verify_flags");
        td_jw_int(w, hs->verify_flags);
    }
    td_jw_kstr(w, "outcome", td_outcome_name((enum td_outcome)hs->outcome));
    td_jw_key(w, "events");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < hs->events.n; i++) {
        const struct td_event *e = &hs->events.v[i];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "kind", event_kind(e->kind));
        td_jw_kstr(w, "from", td_dir_name((enum td_dir)e->dir));
        if (e->kind == TD_EV_HANDSHAKE)
            td_jw_kstr(w, "type", td_reg_name(TD_REG_HS_TYPE, e->hs_type,
                                              nb));
        if (e->kind == TD_EV_HANDSHAKE && e->encrypted)
            td_jw_kbool(w, "decrypted", true);
        if (e->kind == TD_EV_ALERT && (!e->encrypted || e->alert_level)) {
            td_jw_kint(w, "level", e->alert_level);
            td_jw_kint(w, "description", e->alert_desc);
        }
        td_jw_kint(w, "length", e->length);
        where_fields(w, &e->where);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    td_jw_key(w, "findings");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < hs->findings.n; i++) {
        const struct td_finding *f = &hs->findings.v[i];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "id", f->id);
        td_jw_kstr(w, "likelihood",
                   td_likelihood_name((enum td_likelihood)f->likelihood));
        td_jw_kstr(w, "title", f->title ? f->title : "");
        td_jw_kstr(w, "explanation", f->explanation ? f->explanation : "");
        td_jw_key(w, "evidence");
        td_jw_arr_begin(w);
        for (size_t k = 0; k < f->evidence.n; k++)
            evidence(w, &f->evidence.v[k]);
        td_jw_arr_end(w);
        /* The contract's fix fields are strings: a step that does not
         * depend on the mbedTLS version (a network cause, a server
         * setting) leaves mbedtls_2 and mbedtls_3 empty. */
        td_jw_key(w, "fix");
        td_jw_obj_begin(w);
        td_jw_kstr(w, "summary", f->fix_summary ? f->fix_summary : "");
        td_jw_kstr(w, "mbedtls_2", f->fix_mbedtls_2 ? f->fix_mbedtls_2 : "");
        td_jw_kstr(w, "mbedtls_3", f->fix_mbedtls_3 ? f->fix_mbedtls_3 : "");
        td_jw_obj_end(w);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    td_jw_key(w, "warnings");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < hs->warnings.n; i++)
        td_jw_str(w, hs->warnings.v[i]);
    td_jw_arr_end(w);
    td_jw_obj_end(w);
    if (r->o.jsonl)
        td_jw_raw_newline(w);
    td_jw_flush(w);
    if (w->err)
        r->err = w->err;
}

static void summary(struct td_jsonw *w, const struct td_doc *d)
{
    td_jw_key(w, "summary");
    td_jw_obj_begin(w);
    td_jw_kint(w, "handshakes", d->handshakes);
    td_jw_kint(w, "failed", d->failed);
    td_jw_key(w, "causes");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < d->causes.n; i++) {
        td_jw_obj_begin(w);
        td_jw_kstr(w, "id", d->causes.v[i].id);
        td_jw_kint(w, "count", d->causes.v[i].count);
        td_jw_kstr(w, "title", d->causes.v[i].title);
        if (d->causes.v[i].also)
            td_jw_kstr(w, "also", d->causes.v[i].also);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
    if (strcmp(d->command, "pcap") == 0) {
        td_jw_key(w, "failed_servers");
        td_jw_arr_begin(w);
        for (size_t i = 0; i < d->peers.n; i++) {
            td_jw_obj_begin(w);
            td_jw_kstr(w, "server", d->peers.v[i].server);
            td_jw_kstr(w, "sni", d->peers.v[i].sni);
            td_jw_kint(w, "count", d->peers.v[i].count);
            td_jw_obj_end(w);
        }
        td_jw_arr_end(w);
        td_jw_kint(w, "packets", (int64_t)d->stats.packets);
        td_jw_kint(w, "flows", (int64_t)d->stats.flows);
        td_jw_kint(w, "tls_flows", (int64_t)d->stats.tls_flows);
        td_jw_kint(w, "dtls_flows", (int64_t)d->stats.dtls_flows);
        td_jw_kint(w, "quic_flows", (int64_t)d->stats.quic_flows);
        td_jw_kint(w, "gaps", (int64_t)d->stats.gaps);
        td_jw_kint(w, "evicted_flows", (int64_t)d->stats.evicted_flows);
        td_jw_kint(w, "evicted_handshakes",
                   (int64_t)d->stats.evicted_handshakes);
    }
    td_jw_obj_end(w);
}

static void json_end(struct td_render *r, struct td_doc *d)
{
    struct td_jsonw *w = jw(r);
    if (!w)
        return;
    if (r->o.jsonl) {
        /* The closing line: what a stream consumer needs at the end. */
        td_jw_obj_begin(w);
        td_jw_kstr(w, "tool", "tlsdiag");
        td_jw_kstr(w, "version", TD_VERSION);
        td_jw_kstr(w, "command", d->command);
        summary(w, d);
    } else {
        td_jw_arr_end(w);
        if (d->probe)
            td_rj_probe(w, d->probe);
        if (strcmp(d->command, "hello") != 0)
            summary(w, d);
    }
    td_jw_key(w, "warnings");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < d->warnings.n; i++)
        td_jw_str(w, d->warnings.v[i]);
    td_jw_arr_end(w);
    td_jw_obj_end(w);
    int err = td_jw_finish(w);
    if (err)
        r->err = err;
    free(w);
    r->state = NULL;
}

const struct td_renderer td_render_json = {
    json_begin, json_handshake, json_end,
};

void td_rj_server_hello(struct td_jsonw *w, const struct td_server_hello *sh)
{
    server_hello(w, sh);
}

void td_rj_certs(struct td_jsonw *w, const char *key, const td_certvec *v)
{
    certs(w, key, v);
}

void td_rj_codepoint(struct td_jsonw *w, enum td_reg_kind kind, uint32_t id)
{
    codepoint(w, kind, id);
}
