/* hs_server.c - the server's flight: ServerHello / HelloRetryRequest,
 * Certificate, ServerKeyExchange, CertificateRequest.
 *
 * ServerHello (RFC 8446 4.1.3, RFC 5246 7.4.1.3):
 *   ProtocolVersion legacy_version; Random random;
 *   opaque legacy_session_id_echo<0..32>; CipherSuite cipher_suite;
 *   uint8 legacy_compression_method; Extension extensions<6..2^16-1>;
 * A HelloRetryRequest is a ServerHello whose random is SHA-256 of
 * "HelloRetryRequest" (RFC 8446 4.1.3).
 */
#include "decode_int.h"
#include "x509.h"

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <string.h>

/* The certificate chain is capped so a hostile peer cannot make one
 * handshake parse thousands of certificates. */
#define MAX_CHAIN 100

static size_t msg_body(const struct td_msgctx *m, bool *cut)
{
    size_t declared = (size_t)m->msg[1] << 16 | (size_t)m->msg[2] << 8
                      | m->msg[3];
    *cut = declared > m->len - 4;
    return *cut ? m->len - 4 : declared;
}

static void sh_extensions(struct td_handshake *hs, struct td_server_hello *sh,
                          const char *msg)
{
    for (size_t i = 0; i < sh->extensions.n; i++) {
        const struct td_ext *e = &sh->extensions.v[i];
        switch (e->type) {
        case TD_EXT_SUPPORTED_VERSIONS:
            if (e->len == 2)
                sh->selected_version = (uint16_t)(e->data[0] << 8
                                                  | e->data[1]);
            else
                td_hs_warn(hs, "%s: supported_versions has %u bytes "
                           "(expected 2)", msg, e->len);
            break;
        case 40:    /* key_share before draft 23 */
            if (!(sh->version >= 0x7f00 && sh->version < 0x7f17))
                break;
            /* fall through */
        case TD_EXT_KEY_SHARE:
            /* ServerHello: KeyShareEntry; HRR: NamedGroup only. */
            if (e->len >= 2) {
                sh->has_key_share_group = true;
                sh->key_share_group = (uint16_t)(e->data[0] << 8
                                                 | e->data[1]);
            }
            break;
        case TD_EXT_MAX_FRAGMENT_LENGTH:
            if (e->len == 1)
                sh->max_fragment_length = e->data[0];
            break;
        case TD_EXT_ALPN: {
            td_strvec v = {0};
            struct td_cur c, list, proto;
            td_cur_init(&c, e->data, e->len, 0);
            if (td_cur_vec(&c, 2, 1, 65535, &list)
                && td_cur_vec(&list, 1, 1, 255, &proto))
                sh->alpn = td_arena_strndup(&hs->arena,
                                            (const char *)proto.p, proto.len);
            (void)v;
            break;
        }
        default:
            break;
        }
    }
}

int td_hs_server_hello(const struct td_msgctx *m)
{
    struct td_handshake *hs = m->hs;
    struct td_server_hello *sh = td_arena_alloc(&hs->arena, sizeof(*sh));
    if (!sh)
        return TD_ERR_NOMEM;
    uint8_t *raw = td_arena_memdup(&hs->arena, m->msg, m->len);
    if (!raw)
        return TD_ERR_NOMEM;
    sh->raw = raw;
    sh->raw_len = m->len;
    sh->record_version = m->record_version;
    sh->where = m->where ? *m->where : (struct td_evidence){0};
    bool cut;
    size_t body = msg_body(m, &cut);
    struct td_cur c;
    td_cur_init(&c, raw + 4, body, m->base + 4);
    const char *msg = "ServerHello";
    const char *field = "legacy_version";
    const uint8_t *rnd;
    struct td_cur sid;
    if (!td_cur_u16(&c, &sh->version))
        goto stop;
    field = "random";
    if (!td_cur_bytes(&c, 32, &rnd))
        goto stop;
    memcpy(sh->random, rnd, 32);
    sh->has_random = true;
    if (memcmp(rnd, td_hrr_random, 32) == 0) {
        sh->hello_retry_request = true;
        msg = "HelloRetryRequest";
    }
    /* TLS 1.3 drafts before 22 had no session id and no compression
     * method (draft-ietf-tls-tls13-21 4.1.3). */
    bool draft = sh->version >= 0x7f00 && sh->version < 0x7f16;
    if (!draft) {
        field = "session_id";
        if (!td_cur_vec(&c, 1, 0, 32, &sid))
            goto stop;
        sh->session_id_len = (uint8_t)sid.len;
        memcpy(sh->session_id, sid.p, sid.len);
    }
    field = "cipher_suite";
    if (!td_cur_u16(&c, &sh->cipher_suite))
        goto stop;
    sh->has_cipher_suite = true;
    field = "compression_method";
    if (!draft && !td_cur_u8(&c, &sh->compression))
        goto stop;
    if (td_cur_left(&c) > 0) {
        sh->has_ext_block = true;
        if (!td_read_extensions(hs, &c, &sh->extensions, msg))
            cut = true;
        else if (!td_cur_end(&c))
            td_hs_warn(hs, "%s: %zu bytes after the extensions", msg,
                       td_cur_left(&c));
    }
    sh->complete = !cut;
    goto done;
stop:
    td_dec_stop(hs, &c, msg, field);
done:
    sh_extensions(hs, sh, msg);
    if (sh->hello_retry_request) {
        if (hs->hrr)
            td_hs_warn(hs, "a second HelloRetryRequest (RFC 8446 4.1.4 "
                       "requires the client to abort)");
        else
            hs->hrr = sh;
    } else if (hs->sh) {
        td_hs_warn(hs, "another ServerHello in the same handshake: the "
                   "first one is kept");
    } else {
        hs->sh = sh;
    }
    return 0;
}

/* Certificate: TLS 1.2 (RFC 5246 7.4.2):
 *   ASN.1Cert certificate_list<0..2^24-1>;  ASN.1Cert = opaque<1..2^24-1>
 * TLS 1.3 (RFC 8446 4.4.2):
 *   opaque certificate_request_context<0..2^8-1>;
 *   CertificateEntry certificate_list<0..2^24-1>;
 *   CertificateEntry = { opaque cert_data<1..2^24-1>;
 *                        Extension extensions<0..2^16-1>; } */
int td_hs_certificate(const struct td_msgctx *m, int dir, bool tls13)
{
    struct td_handshake *hs = m->hs;
    bool cut;
    size_t body = msg_body(m, &cut);
    const uint8_t *b = m->msg + 4;
    td_certvec *chain = dir == TD_DIR_CLIENT ? &hs->client_certs : &hs->certs;
    if (chain->n > 0) {
        td_hs_warn(hs, "a second %s Certificate message: ignored",
                   td_dir_name((enum td_dir)dir));
        return 0;
    }
    /* Tell the two layouts apart by which length adds up. */
    if (!tls13 && body >= 4 && b[0] == 0) {
        /* cppcheck-suppress badBitmaskCheck ; b[0] is 0, read as written */
        size_t l12 = (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
        size_t l13 = (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
        if (l12 + 3 != body && l13 + 4 == body)
            tls13 = true;
    }
    struct td_cur c, list;
    td_cur_init(&c, b, body, m->base + 4);
    if (tls13) {
        struct td_cur ctx;
        if (!td_cur_vec(&c, 1, 0, 255, &ctx)) {
            td_dec_stop(hs, &c, "Certificate", "request_context");
            return 0;
        }
    }
    if (!td_cur_vec(&c, 3, 0, 0xffffff, &list)) {
        /* Cut short: parse the certificates that are complete. */
        uint32_t declared = 0;
        if (!td_cur_u24(&c, &declared)) {
            td_dec_stop(hs, &c, "Certificate", "certificate_list");
            return 0;
        }
        td_hs_warn(hs, "Certificate: list announces %u bytes, %zu present",
                   declared, td_cur_left(&c));
        td_cur_init(&list, c.p + c.off, td_cur_left(&c), td_cur_pos(&c));
    }
    while (td_cur_left(&list) > 0) {
        struct td_cur der;
        size_t at = td_cur_pos(&list);
        if (!td_cur_vec(&list, 3, 1, 0xffffff, &der)) {
            td_hs_warn(hs, "Certificate: certificate #%zu at byte %zu is cut "
                       "short", chain->n + 1, at);
            break;
        }
        if (tls13) {
            struct td_cur exts;
            if (!td_cur_vec(&list, 2, 0, 65535, &exts)) {
                td_hs_warn(hs, "Certificate: extensions of certificate #%zu "
                           "are cut short", chain->n + 1);
                break;
            }
        }
        if (chain->n >= MAX_CHAIN) {
            td_hs_warn(hs, "Certificate: more than %d certificates; the "
                       "rest are not parsed", MAX_CHAIN);
            break;
        }
        struct td_cert *cert = TD_PUSH(&hs->arena, *chain);
        if (!cert)
            return TD_ERR_NOMEM;
        cert->where = m->where ? *m->where : (struct td_evidence){0};
        int rc = td_x509_parse(&hs->arena, der.p, der.len, cert);
        if (rc)
            return rc;
        if (!cert->parsed)
            td_hs_warn(hs, "Certificate: certificate #%zu (%zu bytes) "
                       "cannot be parsed: %s; look at it with 'openssl x509 "
                       "-inform DER -noout -text' (a device's mbedTLS may "
                       "reject it too)", chain->n, der.len,
                       cert->parse_error ? cert->parse_error : "?");
    }
    if (chain->n == 0 && dir == TD_DIR_CLIENT)
        td_hs_warn(hs, "the client sent an empty Certificate message (no "
                   "client certificate configured)");
    return 0;
}

/* ServerKeyExchange (RFC 8422 5.4, RFC 5246 7.4.3):
 *   ECDHE: ECCurveType curve_type(3 = named_curve); NamedCurve;
 *          opaque point<1..2^8-1>;
 *   DHE:   opaque dh_p<1..2^16-1>; dh_g<1..2^16-1>; dh_Ys<1..2^16-1>;
 *   then (TLS 1.2) SignatureAndHashAlgorithm; opaque signature<0..2^16-1>.
 *   PSK suites start with opaque psk_identity_hint<0..2^16-1>. */
int td_hs_server_key_exchange(const struct td_msgctx *m)
{
    struct td_handshake *hs = m->hs;
    struct td_server_key_exchange *ske = &hs->ske;
    bool cut;
    size_t body = msg_body(m, &cut);
    struct td_cur c;
    td_cur_init(&c, m->msg + 4, body, m->base + 4);
    ske->present = true;
    ske->where = m->where ? *m->where : (struct td_evidence){0};
    const struct td_suite_info *si = hs->sh && hs->sh->has_cipher_suite
        ? td_reg_suite(hs->sh->cipher_suite) : NULL;
    int kex = si ? si->kex : -1;
    if (kex == TD_KEX_PSK || kex == TD_KEX_DHE_PSK || kex == TD_KEX_ECDHE_PSK
        || kex == TD_KEX_RSA_PSK) {
        struct td_cur hint;
        if (!td_cur_vec(&c, 2, 0, 65535, &hint)) {
            td_dec_stop(hs, &c, "ServerKeyExchange", "psk_identity_hint");
            return 0;
        }
        if (kex == TD_KEX_PSK || kex == TD_KEX_RSA_PSK)
            return 0;
    }
    uint8_t first;
    bool ecdhe = kex == TD_KEX_ECDHE || kex == TD_KEX_ECDHE_PSK
                 || (kex < 0 && td_cur_peek_u8(&c, 0, &first) && first == 3);
    if (ecdhe) {
        struct td_cur point;
        if (!td_cur_u8(&c, &ske->curve_type)) {
            td_dec_stop(hs, &c, "ServerKeyExchange", "curve_type");
            return 0;
        }
        if (ske->curve_type != 3) {
            td_hs_warn(hs, "ServerKeyExchange: curve_type %u (only "
                       "named_curve, 3, is in use)", ske->curve_type);
            return 0;
        }
        if (!td_cur_u16(&c, &ske->group)
            || !td_cur_vec(&c, 1, 1, 255, &point)) {
            td_dec_stop(hs, &c, "ServerKeyExchange", "ECDH parameters");
            return 0;
        }
    } else if (kex == TD_KEX_DHE || kex == TD_KEX_DHE_PSK || kex < 0) {
        struct td_cur p, g, ys;
        if (!td_cur_vec(&c, 2, 1, 65535, &p) || !td_cur_vec(&c, 2, 1, 65535,
                                                            &g)
            || !td_cur_vec(&c, 2, 1, 65535, &ys)) {
            td_dec_stop(hs, &c, "ServerKeyExchange", "DH parameters");
            return 0;
        }
        ske->params_len = (uint16_t)p.len;
    } else {
        return 0;
    }
    if (kex == TD_KEX_ECDHE_PSK || kex == TD_KEX_DHE_PSK)
        return 0;
    /* TLS 1.2 carries the signature algorithm; TLS 1.0/1.1 do not.  Tell
     * by what remains: alg(2) + len(2) + sig == left. */
    size_t left = td_cur_left(&c);
    if (left >= 4) {
        uint8_t l0, l1;
        td_cur_peek_u8(&c, 2, &l0);
        td_cur_peek_u8(&c, 3, &l1);
        if ((size_t)(l0 << 8 | l1) + 4 == left)
            td_cur_u16(&c, &ske->sigalg);
    }
    return 0;
}

/* Distinguished names in a certificate_authorities extension (RFC 8446
 * 4.2.4): DistinguishedName authorities<3..2^16-1>, each opaque
 * DistinguishedName<1..2^16-1>. */
static size_t count_dns(struct td_cur *c)
{
    size_t n = 0;
    while (td_cur_left(c) > 0) {
        struct td_cur dn;
        if (!td_cur_vec(c, 2, 1, 65535, &dn))
            break;
        n++;
    }
    return n;
}

/* TLS 1.3 CertificateRequest body (RFC 8446 4.3.2): the requirements
 * travel as extensions; signature_algorithms must be among them. */
static int cert_request_13(struct td_handshake *hs,
                           struct td_cert_request *cr, struct td_cur *c)
{
    struct td_cur ctx, cas;
    td_extvec exts = {0};
    if (!td_cur_vec(c, 1, 0, 255, &ctx)) {
        td_dec_stop(hs, c, "CertificateRequest",
                    "certificate_request_context");
        return 0;
    }
    bool whole = td_read_extensions(hs, c, &exts, "CertificateRequest");
    const struct td_ext *e = td_ext_find(&exts, TD_EXT_SIGNATURE_ALGORITHMS);
    if (e)
        td_parse_u16_list(e->data, e->len, 2, &hs->arena, &cr->sigalgs);
    else if (whole)
        td_hs_warn(hs, "CertificateRequest without signature_algorithms "
                   "(RFC 8446 4.3.2 requires it)");
    e = td_ext_find(&exts, TD_EXT_CERTIFICATE_AUTHORITIES);
    struct td_cur ec;
    if (e) {
        td_cur_init(&ec, e->data, e->len, 0);
        if (td_cur_vec(&ec, 2, 3, 65535, &cas))
            cr->ca_names = count_dns(&cas);
    }
    return 0;
}

/* EncryptedExtensions (RFC 8446 4.3.1): Extension extensions<0..2^16-1>;
 * what the server answers beyond the ServerHello (server_name ack, ALPN,
 * max_fragment_length, record_size_limit, supported_groups...).  The
 * message is copied into the arena: the extensions point into it. */
int td_hs_encrypted_extensions(const struct td_msgctx *m)
{
    struct td_handshake *hs = m->hs;
    if (hs->has_encrypted_extensions) {
        td_hs_warn(hs, "a second EncryptedExtensions message: ignored");
        return 0;
    }
    uint8_t *raw = td_arena_memdup(&hs->arena, m->msg, m->len);
    if (!raw)
        return TD_ERR_NOMEM;
    struct td_msgctx copy = *m;
    copy.msg = raw;
    bool cut;
    size_t body = msg_body(&copy, &cut);
    struct td_cur c;
    td_cur_init(&c, raw + 4, body, m->base + 4);
    hs->has_encrypted_extensions = true;
    if (td_read_extensions(hs, &c, &hs->encrypted_extensions,
                           "EncryptedExtensions")
        && !td_cur_end(&c))
        td_hs_warn(hs, "EncryptedExtensions: %zu bytes after the extensions",
                   td_cur_left(&c));
    return 0;
}

/* CertificateVerify (RFC 8446 4.4.3; RFC 5246 7.4.8 has the same head):
 *   SignatureScheme algorithm; opaque signature<0..2^16-1>;
 * The server's scheme is kept: it says which of the client's
 * signature_algorithms the server's key could use. */
int td_hs_certificate_verify(const struct td_msgctx *m, int dir)
{
    struct td_handshake *hs = m->hs;
    bool cut;
    size_t body = msg_body(m, &cut);
    struct td_cur c, sig;
    uint16_t alg;
    td_cur_init(&c, m->msg + 4, body, m->base + 4);
    if (!td_cur_u16(&c, &alg)) {
        td_dec_stop(hs, &c, "CertificateVerify", "algorithm");
        return 0;
    }
    if (dir == TD_DIR_SERVER)
        hs->cert_verify_sigalg = alg;
    if (!td_cur_vec(&c, 2, 0, 65535, &sig))
        td_dec_stop(hs, &c, "CertificateVerify", "signature");
    return 0;
}

/* CertificateRequest, TLS 1.2 (RFC 5246 7.4.4):
 *   ClientCertificateType certificate_types<1..2^8-1>;
 *   SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *   DistinguishedName certificate_authorities<0..2^16-1>;
 * TLS 1.3 (RFC 8446 4.3.2): opaque context<0..2^8-1>;
 *   Extension extensions<2..2^16-1>; */
int td_hs_certificate_request(const struct td_msgctx *m, bool tls13)
{
    struct td_handshake *hs = m->hs;
    struct td_cert_request *cr = &hs->cert_request;
    bool cut;
    size_t body = msg_body(m, &cut);
    struct td_cur c;
    td_cur_init(&c, m->msg + 4, body, m->base + 4);
    cr->present = true;
    cr->where = m->where ? *m->where : (struct td_evidence){0};
    if (tls13)
        return cert_request_13(hs, cr, &c);
    struct td_cur types, algs, cas;
    if (!td_cur_vec(&c, 1, 1, 255, &types)) {
        td_dec_stop(hs, &c, "CertificateRequest", "certificate_types");
        return 0;
    }
    uint8_t t;
    while (td_cur_u8(&types, &t)) {
        uint8_t *slot = TD_PUSH(&hs->arena, cr->cert_types);
        if (!slot)
            return TD_ERR_NOMEM;
        *slot = t;
    }
    /* TLS 1.0/1.1 have no signature algorithms here. */
    bool has_algs = !(hs->sh && hs->sh->version < 0x0303 && hs->sh->version);
    if (has_algs) {
        if (!td_cur_vec(&c, 2, 0, 65535, &algs)) {
            td_dec_stop(hs, &c, "CertificateRequest",
                        "supported_signature_algorithms");
            return 0;
        }
        uint16_t a;
        while (td_cur_left(&algs) >= 2 && td_cur_u16(&algs, &a)) {
            uint16_t *slot = TD_PUSH(&hs->arena, cr->sigalgs);
            if (!slot)
                return TD_ERR_NOMEM;
            *slot = a;
        }
    }
    if (!td_cur_vec(&c, 2, 0, 65535, &cas)) {
        td_dec_stop(hs, &c, "CertificateRequest", "certificate_authorities");
        return 0;
    }
    while (td_cur_left(&cas) > 0) {
        struct td_cur dn;
        if (!td_cur_vec(&cas, 2, 1, 65535, &dn))
            break;
        cr->ca_names++;
    }
    return 0;
}
