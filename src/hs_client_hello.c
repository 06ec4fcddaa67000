/* hs_client_hello.c - ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2).
 *
 *   uint8  msg_type = 1;  uint24 length;
 *   ProtocolVersion legacy_version;       2
 *   Random random;                        32
 *   opaque legacy_session_id<0..32>;
 *   CipherSuite cipher_suites<2..2^16-2>;
 *   opaque legacy_compression_methods<1..2^8-1>;
 *   Extension extensions<8..2^16-1>;      optional before TLS 1.3
 *
 * Decoding goes as far as the bytes go: a cut or malformed field stops
 * there with a warning naming the field and the byte; what was read stays.
 */
#include "decode_int.h"

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <string.h>

const uint8_t td_hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02,
    0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E,
    0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

void td_dec_stop(struct td_handshake *hs, const struct td_cur *c,
                 const char *msg, const char *field)
{
    if (c->fail_need > td_cur_left(c) && c->fail_off >= td_cur_pos(c))
        td_hs_warn(hs, "%s: %s at byte %zu: needs %zu bytes, %zu left; "
                   "decoded up to there", msg, field, c->fail_off,
                   c->fail_need, c->len - (c->fail_off - c->base));
    else
        td_hs_warn(hs, "%s: %s at byte %zu is malformed; decoded up to "
                   "there", msg, field, c->fail_off);
}

bool td_parse_u16_list(const uint8_t *p, size_t n, int lenbytes,
                       struct td_arena *a, td_u16vec *out)
{
    struct td_cur c, v;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, lenbytes, 0, 65535, &v))
        return false;
    bool ok = td_cur_end(&c) && td_cur_left(&v) % 2 == 0;
    uint16_t x;
    while (td_cur_left(&v) >= 2 && td_cur_u16(&v, &x)) {
        uint16_t *slot = TD_PUSH(a, *out);
        if (!slot)
            return false;
        *slot = x;
    }
    return ok;
}

bool td_parse_u8_list(const uint8_t *p, size_t n, struct td_arena *a,
                      td_u8vec *out)
{
    struct td_cur c, v;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, 1, 0, 255, &v))
        return false;
    uint8_t x;
    while (td_cur_u8(&v, &x)) {
        uint8_t *slot = TD_PUSH(a, *out);
        if (!slot)
            return false;
        *slot = x;
    }
    return td_cur_end(&c);
}

/* server_name (RFC 6066 3): ServerName server_name_list<1..2^16-1>,
 * ServerName = { NameType name_type; HostName host_name<1..2^16-1> }. */
static void ext_sni(struct td_handshake *hs, struct td_client_hello *ch,
                    const struct td_ext *e)
{
    struct td_cur c, list;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 2, 1, 65535, &list) || !td_cur_end(&c)) {
        td_hs_warn(hs, "ClientHello: server_name extension is malformed");
        return;
    }
    while (td_cur_left(&list) > 0) {
        uint8_t type;
        struct td_cur name;
        if (!td_cur_u8(&list, &type) || !td_cur_vec(&list, 2, 0, 65535,
                                                    &name)) {
            td_hs_warn(hs, "ClientHello: server_name list is cut short");
            return;
        }
        if (type != 0) {
            td_hs_warn(hs, "ClientHello: server_name entry of unknown type "
                       "%u", type);
            continue;
        }
        if (!ch->sni) {
            ch->sni = td_arena_strndup(&hs->arena, (const char *)name.p,
                                       name.len);
            ch->sni_len = name.len;
        } else {
            td_hs_warn(hs, "ClientHello: more than one host_name in "
                       "server_name (RFC 6066 forbids it)");
        }
    }
}

static void ext_alpn(struct td_handshake *hs, td_strvec *out,
                     const struct td_ext *e, const char *msg)
{
    struct td_cur c, list;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 2, 0, 65535, &list) || !td_cur_end(&c)) {
        td_hs_warn(hs, "%s: ALPN extension is malformed", msg);
        return;
    }
    while (td_cur_left(&list) > 0) {
        struct td_cur proto;
        if (!td_cur_vec(&list, 1, 0, 255, &proto)) {
            td_hs_warn(hs, "%s: ALPN list is cut short", msg);
            return;
        }
        const char **slot = TD_PUSH(&hs->arena, *out);
        if (!slot)
            return;
        *slot = td_arena_strndup(&hs->arena, (const char *)proto.p,
                                 proto.len);
    }
}

/* key_share (RFC 8446 4.2.8): KeyShareEntry client_shares<0..2^16-1>,
 * KeyShareEntry = { NamedGroup group; opaque key_exchange<1..2^16-1> }. */
static void ext_key_share(struct td_handshake *hs, struct td_client_hello *ch,
                          const struct td_ext *e)
{
    struct td_cur c, list;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 2, 0, 65535, &list) || !td_cur_end(&c)) {
        td_hs_warn(hs, "ClientHello: key_share extension is malformed");
        return;
    }
    while (td_cur_left(&list) > 0) {
        uint16_t g;
        struct td_cur key;
        if (!td_cur_u16(&list, &g) || !td_cur_vec(&list, 2, 0, 65535, &key)) {
            td_hs_warn(hs, "ClientHello: key_share list is cut short");
            return;
        }
        uint16_t *slot = TD_PUSH(&hs->arena, ch->key_share_groups);
        if (!slot)
            return;
        *slot = g;
    }
}

static void ext_list16(struct td_handshake *hs, const struct td_ext *e,
                       int lenbytes, td_u16vec *out, const char *name)
{
    if (!td_parse_u16_list(e->data, e->len, lenbytes, &hs->arena, out))
        td_hs_warn(hs, "ClientHello: %s extension is malformed (%u bytes)",
                   name, e->len);
}

/* Fill the decoded fields of the extensions the rules and JSON need. */
static void decode_extensions(struct td_handshake *hs,
                              struct td_client_hello *ch)
{
    for (size_t i = 0; i < ch->extensions.n; i++) {
        const struct td_ext *e = &ch->extensions.v[i];
        /* A repeated extension is an error (RFC 8446 4.2); decode the
         * first only. */
        if (td_ext_find(&ch->extensions, e->type) != e) {
            char nb[TD_REG_NAMEBUF];
            td_hs_warn(hs, "ClientHello: extension %s appears more than "
                       "once", td_reg_name(TD_REG_EXT, e->type, nb));
            continue;
        }
        switch (e->type) {
        case TD_EXT_SERVER_NAME:
            ext_sni(hs, ch, e);
            break;
        case TD_EXT_MAX_FRAGMENT_LENGTH:
            if (e->len != 1)
                td_hs_warn(hs, "ClientHello: max_fragment_length extension "
                           "has %u bytes (expected 1)", e->len);
            if (e->len >= 1)
                ch->max_fragment_length = e->data[0];
            if (e->len >= 1 && (e->data[0] < 1 || e->data[0] > 4))
                td_hs_warn(hs, "ClientHello: max_fragment_length code %u is "
                           "not one of 1..4 (RFC 6066)", e->data[0]);
            break;
        case TD_EXT_SUPPORTED_GROUPS:
            ext_list16(hs, e, 2, &ch->groups, "supported_groups");
            break;
        case TD_EXT_EC_POINT_FORMATS:
            if (!td_parse_u8_list(e->data, e->len, &hs->arena,
                                  &ch->point_formats))
                td_hs_warn(hs, "ClientHello: ec_point_formats extension is "
                           "malformed");
            break;
        case TD_EXT_SIGNATURE_ALGORITHMS:
            ext_list16(hs, e, 2, &ch->sigalgs, "signature_algorithms");
            break;
        case TD_EXT_SIGNATURE_ALGORITHMS_CERT:
            ext_list16(hs, e, 2, &ch->sigalgs_cert,
                       "signature_algorithms_cert");
            break;
        case TD_EXT_SUPPORTED_VERSIONS:
            ext_list16(hs, e, 1, &ch->versions, "supported_versions");
            break;
        case TD_EXT_KEY_SHARE:
            ext_key_share(hs, ch, e);
            break;
        case TD_EXT_PSK_KEY_EXCHANGE_MODES:
            if (!td_parse_u8_list(e->data, e->len, &hs->arena,
                                  &ch->psk_modes))
                td_hs_warn(hs, "ClientHello: psk_key_exchange_modes "
                           "extension is malformed");
            break;
        case TD_EXT_ALPN:
            ext_alpn(hs, &ch->alpn, e, "ClientHello");
            break;
        case TD_EXT_RECORD_SIZE_LIMIT:
            if (e->len == 2)
                ch->record_size_limit = (uint16_t)(e->data[0] << 8
                                                   | e->data[1]);
            else
                td_hs_warn(hs, "ClientHello: record_size_limit extension "
                           "has %u bytes (expected 2)", e->len);
            break;
        default:
            break;
        }
    }
}

/* Parse an extensions block (RFC 8446 4.2: Extension extensions<..>)
 * into ext entries (views into the message).  A block cut short still
 * gives the extensions that are whole; returns false when it was cut. */
bool td_read_extensions(struct td_handshake *hs, struct td_cur *c,
                        td_extvec *out, const char *msg)
{
    struct td_cur list;
    size_t avail = td_cur_left(c);
    if (!td_cur_vec(c, 2, 0, 65535, &list)) {
        /* Cut short: read the extensions that are there. */
        uint16_t declared = 0;
        td_cur_u16(c, &declared);
        td_hs_warn(hs, "%s: extensions block announces %u bytes, %zu "
                   "present; decoded the complete ones", msg, declared,
                   avail >= 2 ? avail - 2 : 0);
        td_cur_init(&list, c->p + c->off, td_cur_left(c), td_cur_pos(c));
        c->off = c->len;
    }
    while (td_cur_left(&list) > 0) {
        uint16_t type;
        struct td_cur body;
        size_t at = td_cur_pos(&list);
        if (!td_cur_u16(&list, &type) || !td_cur_vec(&list, 2, 0, 65535,
                                                     &body)) {
            td_hs_warn(hs, "%s: extension at byte %zu is cut short", msg, at);
            return false;
        }
        struct td_ext *e = TD_PUSH(&hs->arena, *out);
        if (!e)
            return false;
        e->type = type;
        e->len = (uint16_t)body.len;
        e->data = body.p;
    }
    return !list.failed;
}

int td_hs_client_hello(const struct td_msgctx *m)
{
    struct td_handshake *hs = m->hs;
    struct td_client_hello *ch = td_arena_alloc(&hs->arena, sizeof(*ch));
    if (!ch)
        return TD_ERR_NOMEM;
    /* Keep a copy: the model outlives the input buffers. */
    uint8_t *raw = td_arena_memdup(&hs->arena, m->msg, m->len);
    if (!raw)
        return TD_ERR_NOMEM;
    ch->raw = raw;
    ch->raw_len = m->len;
    ch->record_version = m->record_version;
    ch->where = m->where ? *m->where : (struct td_evidence){0};
    bool same_random = hs->ch && hs->ch->has_random && m->len >= 38
                       && memcmp(m->msg + 6, hs->ch->random, 32) == 0;
    if (hs->ch && (hs->hrr || same_random) && !hs->ch_retry) {
        ch->retry = true;
        hs->ch_retry = ch;
    } else if (!hs->ch) {
        hs->ch = ch;
    } else {
        td_hs_warn(hs, "another ClientHello in the same handshake: the "
                   "first one is kept");
        return 0;
    }

    size_t declared = (size_t)raw[1] << 16 | (size_t)raw[2] << 8 | raw[3];
    size_t body = m->len - 4;
    if (declared < body)
        body = declared;
    bool cut = declared > m->len - 4;
    struct td_cur c;
    td_cur_init(&c, raw + 4, body, m->base + 4);
    const char *field = "legacy_version";
    const uint8_t *rnd;
    struct td_cur sid, suites, comp;
    if (!td_cur_u16(&c, &ch->legacy_version))
        goto stop;
    field = "random";
    if (!td_cur_bytes(&c, 32, &rnd))
        goto stop;
    memcpy(ch->random, rnd, 32);
    ch->random_len = 32;
    ch->has_random = true;
    field = "session_id";
    if (!td_cur_vec(&c, 1, 0, 32, &sid))
        goto stop;
    ch->session_id_len = (uint8_t)sid.len;
    memcpy(ch->session_id, sid.p, sid.len);
    field = "cipher_suites";
    if (!td_cur_vec(&c, 2, 0, 65535, &suites)) {
        /* Keep the suites that are there. */
        uint16_t n = 0;
        struct td_cur peek = c;
        if (td_cur_u16(&peek, &n))
            td_cur_init(&suites, peek.p + peek.off, td_cur_left(&peek),
                        td_cur_pos(&peek));
        else
            goto stop;
        c.off = c.len;
    }
    if (suites.len % 2)
        td_hs_warn(hs, "ClientHello: cipher_suites length %zu is odd",
                   suites.len);
    if (suites.len == 0)
        td_hs_warn(hs, "ClientHello: empty cipher_suites list");
    while (td_cur_left(&suites) >= 2) {
        uint16_t v;
        td_cur_u16(&suites, &v);
        uint16_t *slot = TD_PUSH(&hs->arena, ch->cipher_suites);
        if (!slot)
            return TD_ERR_NOMEM;
        *slot = v;
        if (v == 0x00ff)
            ch->renegotiation_scsv = true;
        if (v == 0x5600)
            ch->fallback_scsv = true;
    }
    if (c.failed)
        goto stop;
    field = "compression_methods";
    if (!td_cur_vec(&c, 1, 1, 255, &comp))
        goto stop;
    uint8_t cm;
    while (td_cur_u8(&comp, &cm)) {
        uint8_t *slot = TD_PUSH(&hs->arena, ch->compression);
        if (!slot)
            return TD_ERR_NOMEM;
        *slot = cm;
    }
    if (td_cur_left(&c) == 0) {
        ch->complete = !cut;
        goto done;
    }
    ch->has_ext_block = true;
    if (!td_read_extensions(hs, &c, &ch->extensions, "ClientHello"))
        cut = true;
    if (!td_cur_end(&c))
        td_hs_warn(hs, "ClientHello: %zu bytes after the extensions",
                   td_cur_left(&c));
    ch->complete = !cut;
    goto done;
stop:
    td_dec_stop(hs, &c, "ClientHello", field);
    ch->complete = false;
done:
    decode_extensions(hs, ch);
    if (cut && ch->complete == false && !c.failed)
        td_hs_warn(hs, "ClientHello announces %zu bytes, %zu present",
                   declared, m->len - 4);
    td_fingerprint(ch);
    return 0;
}

/* SSLv2 CLIENT-HELLO (RFC 5246 E.2 / RFC 6101 appendix E):
 *   uint8 msg_type = 1; Version version; uint16 cipher_spec_length;
 *   uint16 session_id_length; uint16 challenge_length;
 *   V2CipherSpec cipher_specs[cipher_spec_length]; (3 bytes each)
 *   opaque session_id[..]; opaque challenge[..]; */
int td_hs_sslv2_client_hello(const struct td_msgctx *m)
{
    struct td_handshake *hs = m->hs;
    if (hs->ch) {
        td_hs_warn(hs, "another SSLv2 ClientHello: ignored");
        return 0;
    }
    struct td_client_hello *ch = td_arena_alloc(&hs->arena, sizeof(*ch));
    if (!ch)
        return TD_ERR_NOMEM;
    hs->ch = ch;
    ch->sslv2 = true;
    ch->record_version = 0x0002;
    ch->raw = td_arena_memdup(&hs->arena, m->msg, m->len);
    ch->raw_len = ch->raw ? m->len : 0;
    ch->where = m->where ? *m->where : (struct td_evidence){0};
    struct td_cur c;
    uint8_t type;
    uint16_t speclen, sidlen, chlen;
    const uint8_t *specs, *sidp, *chal;
    td_cur_init(&c, m->msg, m->len, m->base);
    const char *field = "header";
    if (!td_cur_u8(&c, &type) || !td_cur_u16(&c, &ch->legacy_version)
        || !td_cur_u16(&c, &speclen) || !td_cur_u16(&c, &sidlen)
        || !td_cur_u16(&c, &chlen))
        goto stop;
    field = "cipher_specs";
    if (speclen % 3)
        td_hs_warn(hs, "SSLv2 ClientHello: cipher_spec_length %u is not a "
                   "multiple of 3", speclen);
    if (!td_cur_bytes(&c, speclen, &specs))
        goto stop;
    for (size_t i = 0; i + 3 <= speclen; i += 3) {
        uint32_t v = (uint32_t)specs[i] << 16 | (uint32_t)specs[i + 1] << 8
                     | specs[i + 2];
        uint32_t *s = TD_PUSH(&hs->arena, ch->sslv2_specs);
        if (!s)
            return TD_ERR_NOMEM;
        *s = v;
        if (specs[i] == 0) {
            uint16_t *t = TD_PUSH(&hs->arena, ch->cipher_suites);
            if (!t)
                return TD_ERR_NOMEM;
            *t = (uint16_t)v;
            if (v == 0x00ff)
                ch->renegotiation_scsv = true;
            if (v == 0x5600)
                ch->fallback_scsv = true;
        }
    }
    field = "session_id";
    if (sidlen > 32 || !td_cur_bytes(&c, sidlen, &sidp))
        goto stop;
    ch->session_id_len = (uint8_t)sidlen;
    memcpy(ch->session_id, sidp, sidlen);
    field = "challenge";
    if (chlen < 16 || chlen > 32 || !td_cur_bytes(&c, chlen, &chal)) {
        if (!c.failed)
            td_cur_fail(&c);
        goto stop;
    }
    /* RFC 5246 E.1: the challenge is right-aligned in the 32-byte random. */
    memcpy(ch->random + 32 - chlen, chal, chlen);
    ch->random_len = (uint8_t)chlen;
    ch->has_random = true;
    ch->complete = true;
    if (td_cur_left(&c))
        td_hs_warn(hs, "SSLv2 ClientHello: %zu bytes after the challenge",
                   td_cur_left(&c));
    td_fingerprint(ch);
    return 0;
stop:
    td_dec_stop(hs, &c, "SSLv2 ClientHello", field);
    td_fingerprint(ch);
    return 0;
}
