/* tls13_read.c - a TLS 1.3 server's encrypted flight read as its client;
 * see include/tlsdiag/tls13read.h.
 *
 * Implementation notes:
 * - One record loop, two phases.  Before the ServerHello, records are
 *   plaintext: handshake (the ServerHello, maybe over several records),
 *   alert, or a compat change_cipher_spec.  After it every record but the
 *   compat change_cipher_spec is a TLSCiphertext (RFC 8446 5.2) opened
 *   with the server handshake traffic key; its inner type says handshake
 *   or alert.
 * - Handshake bytes of both phases go through one joiner (msg).  A whole
 *   message enters the transcript after it is handled, except Finished,
 *   whose verify_data is computed over the transcript before it (4.4.4).
 *   A message longer than TD_T13R_MAX_MSG is hashed as it streams by and
 *   never buffered, so memory stays bounded and Finished still verifies.
 * - RFC 8446 5.1: handshake messages must not span a key change, so the
 *   record that ends the ServerHello must end with it; bytes after the
 *   ServerHello (or the Finished) in their record are reported.
 * - Offsets count the server stream from its first byte; a decrypted
 *   message's evidence is the offset of the record that carried it.
 * - Framing errors and plaintext alerts are left to the record-layer
 *   decoder's warnings when one fills the same model (!own_plain), so
 *   nothing is said twice.
 */
#include "tlsdiag/tls13read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include "decode_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#define REC_HDR 5
#define REC_CAP (REC_HDR + TD_TLS13_MAX_CIPHERTEXT)
/* RFC 8446 5.1: TLSPlaintext.length MUST NOT exceed 2^14. */
#define PLAIN_MAX 16384u

static size_t u24(const uint8_t *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

static size_t u16at(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

/* Ends the reader (the first end is kept). */
static void stop(struct td_t13r *r, enum td_t13r_end e)
{
    if (r->end == TD_T13R_RUNNING)
        r->end = (uint8_t)e;
}

static void vwarn(struct td_t13r *r, const char *fmt, va_list ap)
{
    char buf[320];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    td_hs_warn(r->hs, "TLS 1.3 server flight: %s", buf);
}

/* A warning on the handshake, prefixed so it reads on its own. */
static void warn(struct td_t13r *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(struct td_t13r *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(r, fmt, ap);
    va_end(ap);
}

/* The reader cannot go on: a warning says why, and it is done. */
static void fail(struct td_t13r *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct td_t13r *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(r, fmt, ap);
    va_end(ap);
    stop(r, TD_T13R_ERROR);
}

const char *td_t13r_end_name(enum td_t13r_end e)
{
    switch (e) {
    case TD_T13R_RUNNING: return "running";
    case TD_T13R_FINISHED: return "finished";
    case TD_T13R_HRR: return "hello_retry_request";
    case TD_T13R_NOT_TLS13: return "not_tls13";
    case TD_T13R_ALERT: return "alert";
    case TD_T13R_ERROR: return "error";
    case TD_T13R_CUT: return "cut";
    }
    return "unknown";
}

bool td_t13r_done(const struct td_t13r *r)
{
    return r->end != TD_T13R_RUNNING;
}

/* ---- init / free ------------------------------------------------------- */

static bool share_ok(const struct td_tls13_ks *k)
{
    size_t want = k->group == TD_TLS13_GROUP_X25519      ? 32
                  : k->group == TD_TLS13_GROUP_SECP256R1 ? 65
                                                         : 0;
    return want && k->pub_len == want;
}

/* One whole ClientHello handshake message (RFC 8446 4: type 1, uint24
 * length, body). */
static bool client_hello_ok(const uint8_t *ch, size_t len)
{
    return ch && len >= 4 && ch[0] == TD_HS_CLIENT_HELLO
           && u24(ch + 1) == len - 4;
}

/* An event for a message the reader handled, in the model's ladder. */
static int add_event(struct td_t13r *r, int kind, int dir, uint8_t type,
                     size_t len, bool encrypted,
                     const struct td_evidence *where)
{
    struct td_event *e = td_hs_event(r->hs, kind, dir, where);
    if (!e)
        return TD_ERR_NOMEM;
    e->hs_type = type;
    e->length = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
    e->encrypted = encrypted;
    return TD_OK;
}

int td_t13r_init(struct td_t13r *r, const struct td_tls13_ks *ks,
                 size_t n_ks, const uint8_t *client_hello, size_t ch_len,
                 struct td_handshake *hs)
{
    if (!r)
        return TD_ERR_USAGE;
    memset(r, 0, sizeof(*r));
    if (!ks || n_ks == 0 || n_ks > TD_T13R_MAX_SHARES || !hs
        || !client_hello_ok(client_hello, ch_len))
        return TD_ERR_USAGE;
    for (size_t i = 0; i < n_ks; i++)
        if (!share_ok(&ks[i]))
            return TD_ERR_USAGE;
    memcpy(r->ks, ks, n_ks * sizeof(*ks));
    r->n_ks = n_ks;
    r->hs = hs;
    r->ch = malloc(ch_len);
    r->rec = malloc(REC_CAP);
    r->plain = malloc(TD_TLS13_MAX_INNER);
    r->msg = malloc(4 + TD_T13R_MAX_MSG);
    if (!r->ch || !r->rec || !r->plain || !r->msg)
        goto nomem;
    memcpy(r->ch, client_hello, ch_len);
    r->ch_len = ch_len;
    /* Nobody decoded the hello into this model: nobody decodes the
     * server's plaintext either, so the reader does. */
    r->own_plain = hs->ch == NULL;
    if (r->own_plain) {
        if (add_event(r, TD_EV_HANDSHAKE, TD_DIR_CLIENT, TD_HS_CLIENT_HELLO,
                      ch_len - 4, false, NULL)
            || td_decode_handshake_msg(hs, TD_DIR_CLIENT, client_hello,
                                       ch_len, 0, NULL))
            goto nomem;
    }
    return TD_OK;
nomem:
    td_t13r_free(r);
    return TD_ERR_NOMEM;
}

void td_t13r_free(struct td_t13r *r)
{
    if (!r)
        return;
    if (r->t_ready)
        td_tls13_transcript_free(&r->t);
    td_tls13_sched_free(&r->sched);
    td_tls13_aead_free(&r->rx);
    mbedtls_platform_zeroize(r->ks, sizeof(r->ks));
    if (r->plain)
        mbedtls_platform_zeroize(r->plain, TD_TLS13_MAX_INNER);
    free(r->ch);
    free(r->rec);
    free(r->plain);
    free(r->msg);
    memset(r, 0, sizeof(*r));
}

/* ---- ServerHello (RFC 8446 4.1.3) -------------------------------------
 *
 *   ProtocolVersion legacy_version = 0x0303;  Random random;
 *   opaque legacy_session_id_echo<0..32>;     CipherSuite cipher_suite;
 *   uint8 legacy_compression_method = 0;      Extension extensions<6..>;
 * with supported_versions (4.2.1: selected_version) and key_share (4.2.8:
 * KeyShareEntry server_share = NamedGroup group; opaque
 * key_exchange<1..2^16-1>; in a HelloRetryRequest the group alone).
 */
struct sh_view {
    bool hrr;
    uint16_t suite;
    uint16_t selected;          /* supported_versions; 0 absent */
    bool has_share;
    uint16_t group;
    const uint8_t *share;       /* key_exchange (not in an HRR) */
    size_t share_len;
};

static bool sh_extension(struct sh_view *v, uint16_t type, struct td_cur *b)
{
    if (type == TD_EXT_SUPPORTED_VERSIONS)
        return td_cur_u16(b, &v->selected) && td_cur_end(b);
    if (type != TD_EXT_KEY_SHARE)
        return true;
    struct td_cur ke;
    if (!td_cur_u16(b, &v->group))
        return false;
    v->has_share = true;
    if (v->hrr)
        return td_cur_end(b);
    if (!td_cur_vec(b, 2, 1, 65535, &ke) || !td_cur_end(b))
        return false;
    v->share = ke.p;
    v->share_len = ke.len;
    return true;
}

/* The fields the key schedule needs; false when the message is not a
 * well-formed ServerHello. */
static bool parse_sh(const uint8_t *msg, size_t len, struct sh_view *v)
{
    struct td_cur c, sid, exts;
    const uint8_t *rnd;
    uint16_t version;
    uint8_t comp;
    memset(v, 0, sizeof(*v));
    td_cur_init(&c, msg + 4, len - 4, 4);
    if (!td_cur_u16(&c, &version) || !td_cur_bytes(&c, 32, &rnd)
        || !td_cur_vec(&c, 1, 0, 32, &sid) || !td_cur_u16(&c, &v->suite)
        || !td_cur_u8(&c, &comp))
        return false;
    v->hrr = memcmp(rnd, td_hrr_random, 32) == 0;
    if (td_cur_end(&c))
        return true;            /* TLS 1.2 without extensions */
    if (!td_cur_vec(&c, 2, 0, 65535, &exts) || !td_cur_end(&c))
        return false;
    while (td_cur_left(&exts) > 0) {
        uint16_t type;
        struct td_cur body;
        if (!td_cur_u16(&exts, &type) || !td_cur_vec(&exts, 2, 0, 65535,
                                                     &body)
            || !sh_extension(v, type, &body))
            return false;
    }
    return true;
}

/* The key share of the hello for group, NULL when it carried none. */
static const struct td_tls13_ks *find_share(const struct td_t13r *r,
                                            uint16_t group)
{
    for (size_t i = 0; i < r->n_ks; i++)
        if (r->ks[i].group == group)
            return &r->ks[i];
    return NULL;
}

/* Transcript ClientHello..ServerHello, then the handshake secrets and the
 * server's record key (RFC 8446 7.1, 7.3).  Errors: TD_ERR_NOMEM; other
 * failures end the reader with a warning. */
static int key_schedule(struct td_t13r *r, const struct sh_view *v,
                        const uint8_t *z, size_t zl, const uint8_t *sh,
                        size_t sh_len)
{
    uint8_t th[TD_TLS13_MAX_HASH];
    size_t hl = 0;
    int rc = td_tls13_transcript_init(&r->t, v->suite);
    if (rc == TD_OK) {
        r->t_ready = true;
        rc = td_tls13_transcript_add(&r->t, r->ch, r->ch_len);
    }
    if (rc == TD_OK)
        rc = td_tls13_transcript_add(&r->t, sh, sh_len);
    if (rc == TD_OK)
        rc = td_tls13_transcript_hash(&r->t, th, sizeof(th), &hl);
    if (rc == TD_OK)
        rc = td_tls13_sched_handshake(&r->sched, v->suite, z, zl, th, hl);
    if (rc == TD_OK)
        rc = td_tls13_aead_init(&r->rx, v->suite, r->sched.s_hs, hl);
    mbedtls_platform_zeroize(th, sizeof(th));
    if (rc == TD_ERR_NOMEM)
        return rc;
    if (rc != TD_OK) {
        fail(r, "key schedule failed (%s)", td_strerror(rc));
        return TD_OK;
    }
    r->suite = v->suite;
    r->group = v->group;
    r->encrypted = true;
    return TD_OK;
}

/* A ServerHello selecting TLS 1.3: the matching key share, the shared
 * secret and the keys.  Errors: TD_ERR_NOMEM. */
static int start_tls13(struct td_t13r *r, const struct sh_view *v,
                       const uint8_t *sh, size_t sh_len)
{
    char nb[TD_REG_NAMEBUF];
    if (!td_tls13_suite_info(v->suite, NULL, NULL)) {
        fail(r, "cipher suite %s (0x%04x) cannot be decrypted here (only "
             "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and "
             "TLS_CHACHA20_POLY1305_SHA256)",
             td_reg_name(TD_REG_SUITE, v->suite, nb), v->suite);
        return TD_OK;
    }
    if (!v->has_share) {
        fail(r, "the ServerHello has no key_share (RFC 8446 4.2.8: a "
             "handshake without a PSK needs one)");
        return TD_OK;
    }
    const struct td_tls13_ks *k = find_share(r, v->group);
    if (!k) {
        fail(r, "the ServerHello's key share is for %s (0x%04x), for which "
             "the hello carried no key",
             td_reg_name(TD_REG_GROUP, v->group, nb), v->group);
        return TD_OK;
    }
    uint8_t z[TD_TLS13_MAX_SHARED];
    size_t zl = 0;
    int rc = td_tls13_keyshare_shared(k, v->share, v->share_len, z,
                                      sizeof(z), &zl);
    if (rc == TD_ERR_NOMEM)
        return rc;
    if (rc != TD_OK) {
        fail(r, "the server's %s key share (%zu bytes) is invalid (RFC "
             "8446 4.2.8.2): %s", td_reg_name(TD_REG_GROUP, v->group, nb),
             v->share_len, td_strerror(rc));
        return TD_OK;
    }
    rc = key_schedule(r, v, z, zl, sh, sh_len);
    mbedtls_platform_zeroize(z, sizeof(z));
    return rc;
}

static int on_server_hello(struct td_t13r *r, const uint8_t *msg, size_t len,
                           uint16_t recver, const struct td_evidence *where)
{
    struct sh_view v;
    bool ok = parse_sh(msg, len, &v);
    if (r->own_plain) {
        struct td_event *e = td_hs_event(r->hs, TD_EV_HANDSHAKE,
                                         TD_DIR_SERVER, where);
        if (!e)
            return TD_ERR_NOMEM;
        e->hs_type = TD_HS_SERVER_HELLO;
        e->length = (uint32_t)(len - 4);
        e->flags = ok && v.hrr ? TD_EVF_HRR : 0;
        if (td_decode_handshake_msg(r->hs, TD_DIR_SERVER, msg, len, recver,
                                    where))
            return TD_ERR_NOMEM;
    }
    if (!ok) {
        fail(r, "the ServerHello is malformed; no keys");
        return TD_OK;
    }
    if (v.hrr) {
        /* One hello per connection: the retry is the caller's. */
        stop(r, TD_T13R_HRR);
        return TD_OK;
    }
    if (v.selected != TD_TLS13) {
        stop(r, TD_T13R_NOT_TLS13);
        return TD_OK;
    }
    return start_tls13(r, &v, msg, len);
}

/* ---- the encrypted flight (RFC 8446 4.3, 4.4) -------------------------- */

static const char *hs_name(uint8_t type, char *nb)
{
    return td_reg_name(TD_REG_HS_TYPE, type, nb);
}

/* RFC 8446 4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(
 * ClientHello..CertificateVerify)), finished_key from the server
 * handshake traffic secret.  Errors: TD_ERR_NOMEM. */
static int on_finished(struct td_t13r *r, const uint8_t *msg, size_t len,
                       const struct td_evidence *where)
{
    uint8_t th[TD_TLS13_MAX_HASH], vd[TD_TLS13_MAX_HASH];
    size_t hl = 0;
    int rc = td_tls13_transcript_hash(&r->t, th, sizeof(th), &hl);
    if (rc == TD_OK)
        rc = td_tls13_finished(r->suite, r->sched.s_hs, th, vd);
    if (rc == TD_ERR_NOMEM)
        return rc;
    uint8_t diff = rc != TD_OK || len != 4 + hl;
    for (size_t i = 0; !diff && i < hl; i++)
        diff |= msg[4 + i] ^ vd[i];
    mbedtls_platform_zeroize(vd, sizeof(vd));
    if (td_tls13_transcript_add(&r->t, msg, len) == TD_ERR_NOMEM
        || add_event(r, TD_EV_HANDSHAKE, TD_DIR_SERVER, TD_HS_FINISHED,
                     len - 4, true, where))
        return TD_ERR_NOMEM;
    r->messages++;
    r->hs->tls13_flight_read = true;
    r->hs->tls13_finished_ok = diff == 0;
    if (diff)
        warn(r, "the server Finished does not verify (RFC 8446 4.4.4): "
             "the transcript differs from the server's (the ClientHello "
             "given is not the one sent, or a message was altered)");
    if (!r->seen_cv)
        warn(r, "Finished came without Certificate and CertificateVerify "
             "(RFC 8446 4.4: required without a PSK)");
    stop(r, TD_T13R_FINISHED);
    return TD_OK;
}

/* Messages a server sends between its ServerHello and Finished (RFC 8446
 * 2, Figure 1). */
static bool flight_type(uint8_t t)
{
    return t == TD_HS_ENCRYPTED_EXTENSIONS || t == TD_HS_CERTIFICATE_REQUEST
           || t == TD_HS_CERTIFICATE || t == TD_HS_CERTIFICATE_VERIFY;
}

/* Order checks, as warnings: the flight is still decoded. */
static void check_order(struct td_t13r *r, uint8_t type)
{
    char nb[TD_REG_NAMEBUF];
    if (r->messages == 1 && type != TD_HS_ENCRYPTED_EXTENSIONS)
        warn(r, "the first encrypted message is %s, not EncryptedExtensions "
             "(RFC 8446 4.3.1)", hs_name(type, nb));
    if (!flight_type(type))
        warn(r, "unexpected %s (%u) in the server's encrypted flight: not "
             "decoded", hs_name(type, nb), type);
    if (r->seen_cv)
        warn(r, "%s after CertificateVerify (RFC 8446 4.4: Finished "
             "follows it)", hs_name(type, nb));
}

/* One whole decrypted message.  Errors: TD_ERR_NOMEM. */
static int on_flight_message(struct td_t13r *r, const uint8_t *msg,
                             size_t len, const struct td_evidence *where)
{
    uint8_t type = msg[0];
    if (type == TD_HS_FINISHED)
        return on_finished(r, msg, len, where);
    if (td_tls13_transcript_add(&r->t, msg, len) == TD_ERR_NOMEM
        || add_event(r, TD_EV_HANDSHAKE, TD_DIR_SERVER, type, len - 4, true,
                     where))
        return TD_ERR_NOMEM;
    r->messages++;
    check_order(r, type);
    r->last_type = type;
    if (type == TD_HS_CERTIFICATE_VERIFY)
        r->seen_cv = true;
    if (!flight_type(type))
        return TD_OK;
    return td_decode_handshake_msg(r->hs, TD_DIR_SERVER, msg, len, 0, where);
}

/* A message header is complete: decide whether it is joined, hashed and
 * skipped, or ends the reader.  Errors: TD_ERR_NOMEM. */
static int on_msg_header(struct td_t13r *r)
{
    char nb[TD_REG_NAMEBUF];
    uint8_t type = r->msg[0];
    size_t body = r->msg_body;
    if (!r->encrypted) {
        if (type != TD_HS_SERVER_HELLO)
            fail(r, "expected a ServerHello, got %s (%u)",
                 hs_name(type, nb), type);
        else if (body > TD_T13R_MAX_MSG)
            fail(r, "the ServerHello announces %zu bytes", body);
        return TD_OK;
    }
    if (type == TD_HS_FINISHED && body != r->sched.hash_len) {
        fail(r, "Finished of %zu bytes (RFC 8446 4.4.4: %zu, the hash "
             "length)", body, r->sched.hash_len);
        return TD_OK;
    }
    if (body <= TD_T13R_MAX_MSG)
        return TD_OK;
    warn(r, "%s announces %zu bytes (more than %u): cut, hashed for the "
         "Finished check but not decoded", hs_name(type, nb), body,
         TD_T13R_MAX_MSG);
    r->msg_skipping = true;
    r->msg_skip = body;
    return td_tls13_transcript_add(&r->t, r->msg, 4) == TD_ERR_NOMEM
               ? TD_ERR_NOMEM : TD_OK;
}

/* The hashed-and-skipped message ended. */
static int on_skipped(struct td_t13r *r, const struct td_evidence *where)
{
    uint8_t type = r->msg[0];
    r->msg_skipping = false;
    r->msg_len = 0;
    if (add_event(r, TD_EV_HANDSHAKE, TD_DIR_SERVER, type, r->msg_body,
                  true, where))
        return TD_ERR_NOMEM;
    r->messages++;
    check_order(r, type);
    r->last_type = type;
    if (type == TD_HS_CERTIFICATE_VERIFY)
        r->seen_cv = true;
    return TD_OK;
}

/* Bytes of a skipped message: into the transcript, nowhere else. */
static size_t skip_bytes(struct td_t13r *r, const uint8_t *p, size_t n)
{
    size_t k = r->msg_skip < n ? r->msg_skip : n;
    (void)td_tls13_transcript_add(&r->t, p, k);
    r->msg_skip -= k;
    return k;
}

/* Handshake bytes of one record (plaintext before the ServerHello,
 * decrypted after): join and split messages (RFC 8446 5.1).
 * Errors: TD_ERR_NOMEM. */
static int hs_bytes(struct td_t13r *r, const uint8_t *p, size_t n,
                    uint16_t recver, const struct td_evidence *where)
{
    int rc = TD_OK;
    bool was_plain = !r->encrypted;
    while (n > 0 && !r->end && rc == TD_OK) {
        if (r->msg_skipping) {
            size_t k = skip_bytes(r, p, n);
            p += k;
            n -= k;
            if (r->msg_skip == 0)
                rc = on_skipped(r, where);
            continue;
        }
        size_t want = r->msg_len < 4 ? 4 : 4 + r->msg_body;
        size_t take = want - r->msg_len < n ? want - r->msg_len : n;
        memcpy(r->msg + r->msg_len, p, take);
        r->msg_len += take;
        p += take;
        n -= take;
        if (r->msg_len < 4)
            continue;
        if (want == 4) {
            r->msg_body = u24(r->msg + 1);
            rc = on_msg_header(r);
            if (rc || r->end || r->msg_skipping)
                continue;
        }
        if (r->msg_len < 4 + r->msg_body)
            continue;
        r->msg_len = 0;
        if (was_plain)
            rc = on_server_hello(r, r->msg, 4 + r->msg_body, recver, where);
        else
            rc = on_flight_message(r, r->msg, 4 + r->msg_body, where);
        if (rc == TD_OK && was_plain && r->encrypted && n > 0)
            fail(r, "%zu bytes after the ServerHello in its record (RFC "
                 "8446 5.1: handshake messages must not span a key "
                 "change)", n);
    }
    if (rc == TD_OK && r->end == TD_T13R_FINISHED && n > 0)
        warn(r, "%zu bytes after the server Finished in its record (RFC "
             "8446 5.1)", n);
    return rc;
}

/* ---- records ------------------------------------------------------------ */

/* An alert record: plaintext (2 bytes) or the content of a decrypted one.
 * A plaintext alert is the record-layer decoder's unless the reader owns
 * the plaintext.  Errors: TD_ERR_NOMEM. */
static int on_alert(struct td_t13r *r, const uint8_t *p, size_t n,
                    bool decrypted, const struct td_evidence *where)
{
    if (n != 2) {
        if (decrypted || r->own_plain)
            fail(r, "%s alert of %zu bytes (RFC 8446 6: 2)",
                 decrypted ? "a decrypted" : "an", n);
        stop(r, TD_T13R_ERROR);
        return TD_OK;
    }
    r->alert_level = p[0];
    r->alert_desc = p[1];
    stop(r, TD_T13R_ALERT);
    if (!decrypted && !r->own_plain)
        return TD_OK;
    struct td_alert *a = TD_PUSH(&r->hs->arena, r->hs->alerts);
    struct td_event *e = td_hs_event(r->hs, TD_EV_ALERT, TD_DIR_SERVER,
                                     where);
    if (!a || !e)
        return TD_ERR_NOMEM;
    /* Decrypted: still "encrypted" on the wire, but with a level. */
    a->from = TD_DIR_SERVER;
    a->level = p[0];
    a->description = p[1];
    a->encrypted = decrypted;
    a->where = *where;
    e->alert_level = p[0];
    e->alert_desc = p[1];
    e->encrypted = decrypted;
    e->length = 2;
    return TD_OK;
}

/* RFC 8446 5, D.4: a change_cipher_spec of the single byte 0x01 may come
 * at any time before the Finished and is dropped unprotected. */
static int on_ccs(struct td_t13r *r, const uint8_t *p, size_t n,
                  const struct td_evidence *where)
{
    if (n != 1 || p[0] != 1) {
        fail(r, "change_cipher_spec of %zu bytes%s (RFC 8446 5: the single "
             "byte 0x01)", n, n == 1 ? " not 0x01" : "");
        return TD_OK;
    }
    if (r->own_plain)
        return add_event(r, TD_EV_CCS, TD_DIR_SERVER, 0, 1, false, where);
    return TD_OK;
}

/* A TLSCiphertext (RFC 8446 5.2) under the server handshake key.
 * Errors: TD_ERR_NOMEM. */
static int on_ciphertext(struct td_t13r *r, size_t body,
                         const struct td_evidence *where)
{
    uint8_t inner = 0;
    size_t n = 0;
    int rc = td_tls13_record_open(&r->rx, r->rec, REC_HDR + body, r->plain,
                                  TD_TLS13_MAX_INNER, &inner, &n);
    if (rc != TD_OK) {
        fail(r, "record #%u (%zu bytes at offset %llu) cannot be decrypted: "
             "%s", r->records, body, (unsigned long long)r->rec_start,
             rc == TD_ERR_LIMIT ? "beyond a record limit (RFC 8446 5.2)"
             : "the AEAD tag does not match (the hello's key share or "
               "transcript is not the server's, or the record was "
               "corrupted) or it holds no content type");
        return TD_OK;
    }
    r->opened++;
    r->hs->tls13_decrypted = true;
    switch (inner) {
    case TD_CT_HANDSHAKE:
        if (n == 0)
            warn(r, "an empty handshake record (RFC 8446 5.1)");
        return hs_bytes(r, r->plain, n, 0, where);
    case TD_CT_ALERT:
        return on_alert(r, r->plain, n, true, where);
    case TD_CT_APPDATA:
        fail(r, "application data before the server Finished (RFC 8446 2)");
        return TD_OK;
    default:
        fail(r, "a decrypted record of content type %u", inner);
        return TD_OK;
    }
}

/* One whole record in r->rec.  Errors: TD_ERR_NOMEM. */
static int on_record(struct td_t13r *r, size_t body)
{
    struct td_evidence where = {.offset = r->rec_start + 1};
    const uint8_t *b = r->rec + REC_HDR;
    uint16_t recver = (uint16_t)u16at(r->rec + 1);
    r->records++;
    switch (r->rec[0]) {
    case TD_CT_CCS:
        return on_ccs(r, b, body, &where);
    case TD_CT_ALERT:
        return on_alert(r, b, body, false, &where);
    case TD_CT_HANDSHAKE:
        if (!r->encrypted)
            return hs_bytes(r, b, body, recver, &where);
        fail(r, "a plaintext handshake record after the ServerHello (RFC "
             "8446 2: all that follows it is encrypted)");
        return TD_OK;
    default:    /* application_data: header_ok allowed nothing else */
        if (r->encrypted)
            return on_ciphertext(r, body, &where);
        fail(r, "an encrypted record before the ServerHello");
        return TD_OK;
    }
}

/* The 5-byte header just read (RFC 8446 5.1, 5.2): a content type the
 * handshake uses, version 3.x, a length within the limit.  False ends the
 * reader. */
static bool header_ok(struct td_t13r *r)
{
    const uint8_t *h = r->rec;
    size_t len = u16at(h + 3);
    if (h[0] < TD_CT_CCS || h[0] > TD_CT_APPDATA || h[1] != 3 || h[2] > 4) {
        /* The record-layer decoder quotes the bytes when it runs. */
        if (r->own_plain)
            warn(r, "bytes at offset %llu are not a TLS record "
                 "(%02x %02x %02x)", (unsigned long long)r->rec_start, h[0],
                 h[1], h[2]);
        stop(r, TD_T13R_ERROR);
        return false;
    }
    size_t max = h[0] == TD_CT_APPDATA ? TD_TLS13_MAX_CIPHERTEXT : PLAIN_MAX;
    if (len > max) {
        fail(r, "a record of %zu bytes at offset %llu (RFC 8446 5.1, 5.2: "
             "at most %zu; record_overflow)", len,
             (unsigned long long)r->rec_start, max);
        return false;
    }
    return true;
}

int td_t13r_feed(struct td_t13r *r, const uint8_t *p, size_t n)
{
    int rc = TD_OK;
    while (n > 0 && !r->end && rc == TD_OK) {
        if (r->rec_len == 0)
            r->rec_start = r->consumed;
        size_t want = r->rec_len < REC_HDR
                          ? REC_HDR : REC_HDR + u16at(r->rec + 3);
        size_t take = want - r->rec_len < n ? want - r->rec_len : n;
        memcpy(r->rec + r->rec_len, p, take);
        r->rec_len += take;
        r->consumed += take;
        p += take;
        n -= take;
        if (r->rec_len < REC_HDR)
            continue;
        if (want == REC_HDR && !header_ok(r))
            break;
        size_t body = u16at(r->rec + 3);
        if (r->rec_len < REC_HDR + body)
            continue;
        r->rec_len = 0;
        rc = on_record(r, body);
    }
    r->consumed += n;
    return rc;
}

void td_t13r_finish(struct td_t13r *r)
{
    char nb[TD_REG_NAMEBUF];
    if (!r->hs || r->end)
        return;
    stop(r, TD_T13R_CUT);
    if (!r->encrypted) {
        /* Without a ServerHello the record layer says what came, when it
         * runs. */
        if (r->own_plain)
            warn(r, "the input ended before the ServerHello (%llu bytes "
                 "read)", (unsigned long long)r->consumed);
        return;
    }
    if (r->msg_len >= 4)
        warn(r, "the input ended inside %s (%zu of %zu bytes), before the "
             "server Finished", hs_name(r->msg[0], nb),
             r->msg_skipping ? r->msg_body - r->msg_skip : r->msg_len - 4,
             r->msg_body);
    else
        warn(r, "the input ended before the server Finished (%u records "
             "decrypted, %u messages%s)", r->opened, r->messages,
             r->rec_len ? ", a record cut short" : "");
}

/* ---- offering TLS 1.3 with several key shares ------------------------- */

/* Index of group in the hello's supported_groups, SIZE_MAX if absent. */
static size_t group_rank(struct td_hb_hello *h, uint16_t group)
{
    struct td_hb_ext *e = td_hb_find_ext(h, TD_HB_EXT_SUPPORTED_GROUPS);
    struct td_cur c, l;
    uint16_t g;
    if (!e)
        return SIZE_MAX;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 2, 0, 65535, &l))
        return SIZE_MAX;
    for (size_t i = 0; td_cur_u16(&l, &g); i++)
        if (g == group)
            return i;
    return SIZE_MAX;
}

int td_t13r_offer(struct td_hb_hello *h, const struct td_tls13_ks *ks,
                  size_t n)
{
    if (!h || !ks || n == 0 || n > TD_T13R_MAX_SHARES)
        return TD_ERR_USAGE;
    for (size_t i = 0; i < n; i++)
        if (!share_ok(&ks[i]))
            return TD_ERR_USAGE;
    int rc = td_hb_add_tls13(h, ks[0].group, ks[0].pub, ks[0].pub_len);
    for (size_t i = 1; rc == TD_OK && i < n; i++)
        rc = td_hb_add_group(h, ks[i].group);
    if (rc != TD_OK || n == 1)
        return rc;
    /* KeyShareEntry client_shares<0..2^16-1> in supported_groups order
     * (RFC 8446 4.2.8). */
    size_t order[TD_T13R_MAX_SHARES], rank[TD_T13R_MAX_SHARES];
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        rank[i] = group_rank(h, ks[i].group);
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && rank[order[j]] < rank[order[j - 1]];
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    uint8_t buf[2 + TD_T13R_MAX_SHARES * (4 + TD_TLS13_MAX_SHARE)];
    size_t len = 2;
    for (size_t i = 0; i < n; i++) {
        const struct td_tls13_ks *k = &ks[order[i]];
        buf[len++] = (uint8_t)(k->group >> 8);
        buf[len++] = (uint8_t)k->group;
        buf[len++] = (uint8_t)(k->pub_len >> 8);
        buf[len++] = (uint8_t)k->pub_len;
        memcpy(buf + len, k->pub, k->pub_len);
        len += k->pub_len;
    }
    buf[0] = (uint8_t)((len - 2) >> 8);
    buf[1] = (uint8_t)(len - 2);
    return td_hb_set_ext(h, TD_HB_EXT_KEY_SHARE, buf, len, SIZE_MAX);
}
