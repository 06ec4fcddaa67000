/* record.c - TLS record layer: records in, handshake messages out.
 *
 * Implementation notes
 * - Each direction keeps a record buffer (bytes of a record not yet
 *   complete) and a handshake buffer (a message fragmented over records,
 *   RFC 5246 6.2.1 / RFC 8446 5.1).  Both are capped: a record body at
 *   TD_TLS_MAX_RECORD, a message at TD_TLS_MAX_HS_MSG; longer messages are
 *   skipped with a warning, never buffered.
 * - A record (RFC 8446 5.1):
 *       ContentType type; ProtocolVersion legacy_record_version;
 *       uint16 length; opaque fragment[length];
 *   A first byte with the high bit set and a CLIENT-HELLO type is an
 *   SSLv2-compatible hello (RFC 5246 E.2): 2-byte header, msg type 1.
 * - After ChangeCipherSpec (TLS <= 1.2), or after a ServerHello selecting
 *   TLS 1.3, a direction's handshake records are encrypted: they become
 *   TD_EV_ENCRYPTED_HS events; alerts longer than 2 bytes are encrypted
 *   alerts.
 * - Bytes that are not a record stop that direction with a TD_EV_NOT_TLS
 *   event and a warning that quotes them.
 */
#include "decode_int.h"

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_HDR 5
/* RFC 5246 6.2.3: TLSCiphertext.length <= 2^14 + 2048. */
#define REC_LIMIT_SPEC (16384u + 2048u)

void td_tls_init(struct td_tls_session *s, struct td_handshake *hs)
{
    memset(s, 0, sizeof(*s));
    s->hs = hs;
    s->last_dir = TD_DIR_SERVER;
}

void td_tls_free(struct td_tls_session *s)
{
    for (int i = 0; i < 2; i++) {
        free(s->d[i].rec);
        free(s->d[i].hs);
    }
    memset(s, 0, sizeof(*s));
}

bool td_tls_looks_like_record(const uint8_t *p, size_t n)
{
    if (n == 0)
        return false;
    if (p[0] >= TD_CT_CCS && p[0] <= TD_CT_HEARTBEAT) {
        if (n >= 2 && p[1] != 3)
            return false;
        if (n >= 3 && p[2] > 4)
            return false;
        return true;
    }
    /* SSLv2 hello: 2-byte length with the high bit, then type 1. */
    if ((p[0] & 0x80) && n >= 3)
        return p[2] == 1 && (n < 4 || p[3] <= 3);
    return false;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 512;
    while (ncap < need)
        ncap *= 2;
    uint8_t *nb = realloc(*buf, ncap);
    if (!nb)
        return TD_ERR_NOMEM;
    *buf = nb;
    *cap = ncap;
    return 0;
}

struct td_event *td_hs_event(struct td_handshake *hs, int kind, int dir,
                             const struct td_evidence *where)
{
    struct td_event *e = TD_PUSH(&hs->arena, hs->events);
    if (!e)
        return NULL;
    e->kind = (uint8_t)kind;
    e->dir = (uint8_t)dir;
    if (where)
        e->where = *where;
    return e;
}

struct td_evidence td_ev_at(struct td_handshake *hs,
                            const struct td_evidence *where, size_t offset)
{
    struct td_evidence ev = {0};
    if (where) {
        ev = *where;
        if (where->text)
            ev.text = td_arena_strndup(&hs->arena, where->text,
                                       strlen(where->text));
    }
    if (!ev.line && !ev.packet)
        ev.offset = offset + 1;
    return ev;
}

/* Which side sent a handshake message of this type. */
static int dir_of_hs_type(uint8_t t, int fallback)
{
    switch (t) {
    case TD_HS_CLIENT_HELLO: case TD_HS_CLIENT_KEY_EXCHANGE:
    case TD_HS_CERTIFICATE_VERIFY: case TD_HS_END_OF_EARLY_DATA:
        return TD_DIR_CLIENT;
    case TD_HS_SERVER_HELLO: case TD_HS_SERVER_KEY_EXCHANGE:
    case TD_HS_CERTIFICATE_REQUEST: case TD_HS_SERVER_HELLO_DONE:
    case TD_HS_NEW_SESSION_TICKET: case TD_HS_HELLO_REQUEST:
    case TD_HS_ENCRYPTED_EXTENSIONS: case TD_HS_CERTIFICATE_STATUS:
    case TD_HS_HELLO_VERIFY_REQUEST:
        return TD_DIR_SERVER;
    default:
        return fallback;
    }
}

static bool is_hrr(const uint8_t *msg, size_t len)
{
    /* type(1) len(3) version(2) random(32) */
    return len >= 38 && msg[0] == TD_HS_SERVER_HELLO
           && memcmp(msg + 6, td_hrr_random, 32) == 0;
}

/* A second ClientHello that does not answer an HRR starts a new
 * handshake, if the front end wants that.  The answer to an HRR repeats
 * the first hello's random (RFC 8446 4.1.2), which also recognises it when
 * the HRR comes later in pasted input. */
static void maybe_split(struct td_tls_session *s, const uint8_t *msg,
                        size_t len)
{
    struct td_handshake *hs = s->hs;
    if (!hs->ch || hs->hrr || !s->split)
        return;
    if (msg && len >= 38 && hs->ch->has_random && !hs->ch->sslv2
        && !hs->ch_retry && memcmp(msg + 6, hs->ch->random, 32) == 0)
        return;
    struct td_handshake *nhs = s->split(s->user, hs);
    if (!nhs || nhs == hs)
        return;
    s->hs = nhs;
    s->tls13 = false;
    for (int i = 0; i < 2; i++) {
        s->d[i].encrypted = false;
        s->d[i].hs_len = 0;
    }
}

int td_decode_handshake_msg(struct td_handshake *hs, int dir,
                            const uint8_t *msg, size_t len,
                            uint16_t record_version,
                            const struct td_evidence *where)
{
    struct td_msgctx m = {hs, msg, len, where && where->offset
                              ? (size_t)where->offset - 1 : 0,
                          record_version, where};
    if (len < 4)
        return 0;
    /* Certificate and CertificateRequest changed form in TLS 1.3 (RFC
     * 8446 4.4.2, 4.3.2); the ServerHello says which one follows. */
    bool tls13 = hs->sh && (hs->sh->selected_version == TD_TLS13
                            || (hs->sh->version & 0xff00) == 0x7f00);
    /* Warnings while decoding name this message's place. */
    struct td_evidence outer = hs->reading;
    if (where)
        hs->reading = *where;
    int rc = 0;
    switch (msg[0]) {
    case TD_HS_CLIENT_HELLO:
        rc = td_hs_client_hello(&m);
        break;
    case TD_HS_SERVER_HELLO:
        rc = td_hs_server_hello(&m);
        break;
    case TD_HS_CERTIFICATE:
        rc = td_hs_certificate(&m, dir, tls13);
        break;
    case TD_HS_SERVER_KEY_EXCHANGE:
        rc = td_hs_server_key_exchange(&m);
        break;
    case TD_HS_CERTIFICATE_REQUEST:
        rc = td_hs_certificate_request(&m, tls13);
        break;
    case TD_HS_ENCRYPTED_EXTENSIONS:
        rc = td_hs_encrypted_extensions(&m);
        break;
    case TD_HS_CERTIFICATE_VERIFY:
        rc = td_hs_certificate_verify(&m, dir);
        break;
    case TD_HS_SERVER_HELLO_DONE:
        hs->server_hello_done = true;
        break;
    default:
        break;
    }
    hs->reading = outer;
    return rc;
}

/* One complete handshake message from the record layer. */
static int on_message(struct td_tls_session *s, int dir, const uint8_t *msg,
                      size_t len, uint16_t recver,
                      const struct td_evidence *where)
{
    if (dir == TD_DIR_AUTO)
        dir = dir_of_hs_type(msg[0], s->last_dir);
    if (msg[0] == TD_HS_CLIENT_HELLO)
        maybe_split(s, msg, len);
    struct td_handshake *hs = s->hs;
    struct td_event *e = td_hs_event(hs, TD_EV_HANDSHAKE, dir, where);
    if (!e)
        return TD_ERR_NOMEM;
    e->hs_type = msg[0];
    e->length = (uint32_t)(len - 4);
    bool had_retry = hs->ch_retry != NULL;
    int rc = td_decode_handshake_msg(hs, dir, msg, len, recver, where);
    if (rc)
        return rc;
    if (msg[0] == TD_HS_CLIENT_HELLO && !had_retry && hs->ch_retry)
        e->flags |= TD_EVF_RETRY;
    if (is_hrr(msg, len))
        e->flags |= TD_EVF_HRR;
    if (dir == TD_DIR_CLIENT && (msg[0] == TD_HS_CLIENT_KEY_EXCHANGE
                                 || msg[0] == TD_HS_CERTIFICATE_VERIFY
                                 || msg[0] == TD_HS_CERTIFICATE))
        s->tls12_flight = true;
    if (msg[0] == TD_HS_SERVER_HELLO && !is_hrr(msg, len) && hs->sh
        && (hs->sh->selected_version == TD_TLS13
            || (hs->sh->version & 0xff00) == 0x7f00)) {
        /* RFC 8446 2: everything after the ServerHello is encrypted. */
        s->tls13 = true;
        s->d[0].encrypted = s->d[1].encrypted = true;
    }
    s->last_dir = (uint8_t)dir;
    return 0;
}

static size_t hs_msg_len(const uint8_t *h)
{
    return (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
}

/* Handshake record body: append to the direction's message buffer and
 * hand out every complete message. */
static int handshake_bytes(struct td_tls_session *s, int dir, int bufdir,
                           const uint8_t *p, size_t n, uint16_t recver,
                           const struct td_evidence *where)
{
    struct td_tls_dir *d = &s->d[bufdir];
    while (n > 0 && !d->stopped) {
        /* Whole messages straight from the record, no copy. */
        if (d->hs_len == 0 && n >= 4 && hs_msg_len(p) + 4 <= n) {
            size_t mlen = hs_msg_len(p) + 4;
            int rc = on_message(s, dir, p, mlen, recver, where);
            if (rc)
                return rc;
            p += mlen;
            n -= mlen;
            continue;
        }
        size_t want = d->hs_len < 4 ? 4 : 4 + hs_msg_len(d->hs);
        if (d->hs_len == 0 || d->hs_last_record != d->records) {
            d->hs_records++;
            d->hs_last_record = d->records;
        }
        size_t take = want - d->hs_len;
        if (take > n)
            take = n;
        if (grow(&d->hs, &d->hs_cap, d->hs_len + take))
            return TD_ERR_NOMEM;
        memcpy(d->hs + d->hs_len, p, take);
        d->hs_len += take;
        p += take;
        n -= take;
        if (d->hs_len < 4)
            continue;
        want = 4 + hs_msg_len(d->hs);
        if (want - 4 > TD_TLS_MAX_HS_MSG) {
            td_hs_warn_at(s->hs, where, "handshake message type %u "
                          "announces %zu bytes (more than %u): not decoded, "
                          "rest of the %s side ignored; are these TLS "
                          "bytes from the start of a record?", d->hs[0],
                          want - 4, TD_TLS_MAX_HS_MSG,
                          dir == TD_DIR_SERVER ? "server" : "client");
            d->stopped = true;
            d->hs_len = 0;
            return 0;
        }
        if (d->hs_len == want) {
            d->hs_len = 0;
            /* Joined from several records (RFC 5246 6.2.1): mbedTLS 2.28
             * cannot do that, which matters when the device reads it. */
            if (d->hs_records > 1)
                td_hs_note(s->hs, TD_NOTE_HS_MSG_FRAGMENTED,
                           (int64_t)want - 4, d->hs_records, where);
            d->hs_records = 0;
            int rc = on_message(s, dir, d->hs, want, recver, where);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static void quote_bytes(const uint8_t *p, size_t n, char *buf, size_t len)
{
    size_t k = 0;
    bool text = true;
    for (size_t i = 0; i < n && i < 24; i++)
        if (p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t')
            text = false;
    for (size_t i = 0; i < n && i < 24 && k + 5 < len; i++) {
        if (text) {
            unsigned char c = p[i];
            if (c == '\r' || c == '\n') {
                k += (size_t)snprintf(buf + k, len - k, "\\%c",
                                      c == '\r' ? 'r' : 'n');
            } else if (c >= 0x20 && c < 0x7f) {
                buf[k++] = (char)c;
            } else {
                k += (size_t)snprintf(buf + k, len - k, "\\x%02x", c);
            }
        } else {
            k += (size_t)snprintf(buf + k, len - k, "%s%02x", i ? " " : "",
                                  p[i]);
        }
    }
    buf[k < len ? k : len - 1] = 0;
}

/* Bytes that are not TLS: say so once and stop the direction. */
static void not_tls(struct td_tls_session *s, int dir, const uint8_t *p,
                    size_t n, const struct td_evidence *where)
{
    struct td_tls_dir *d = &s->d[dir == TD_DIR_AUTO ? 0 : dir];
    char q[128];
    quote_bytes(p, n, q, sizeof(q));
    bool ascii = n > 0 && p[0] >= 0x20 && p[0] < 0x7f;
    int edir = dir == TD_DIR_AUTO ? (s->last_dir == TD_DIR_CLIENT
                                     ? TD_DIR_SERVER : TD_DIR_CLIENT) : dir;
    td_hs_warn_at(s->hs, where,
                  "%s bytes are not a TLS record%s: %s%s%s; %s",
                  edir == TD_DIR_SERVER ? "server" : "client",
                  ascii ? " (plain text)" : "", ascii ? "\"" : "", q,
                  ascii ? "\"" : "",
                  ascii ? "check the port (is it a TLS port?) and for a "
                          "proxy or a protocol spoken before TLS"
                        : "check that the bytes start at a TLS record "
                          "(16 03 0x ...)");
    struct td_event *e = td_hs_event(s->hs, TD_EV_NOT_TLS, edir, where);
    if (e)
        e->length = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
    d->stopped = true;
}

static int on_alert(struct td_tls_session *s, int dir, const uint8_t *p,
                    size_t n, bool encrypted, const struct td_evidence *where)
{
    struct td_handshake *hs = s->hs;
    if (dir == TD_DIR_AUTO) {
        /* Pasted bytes: a plaintext alert right after a ClientHello or
         * after the server's plaintext flight answers it; an encrypted
         * one continues the stream it is in. */
        const struct td_event *last = hs->events.n
            ? &hs->events.v[hs->events.n - 1] : NULL;
        bool answers = last && last->kind == TD_EV_HANDSHAKE
                       && (last->hs_type == TD_HS_CLIENT_HELLO
                           || last->hs_type == TD_HS_SERVER_HELLO_DONE
                           || last->hs_type == TD_HS_CERTIFICATE
                           || last->hs_type == TD_HS_SERVER_HELLO);
        dir = answers && !encrypted ? !s->last_dir : s->last_dir;
    }
    /* An encrypted alert is usually 2 bytes of plaintext plus MAC or tag:
     * a 2-byte alert record with a valid level is read as plaintext.  No
     * body (p NULL): an encrypted one, counted unread by td_tls_feed. */
    if (!p)
        encrypted = true;
    else if (n == 2 && (p[0] == 1 || p[0] == 2))
        encrypted = false;
    else if (n != 2 && !encrypted)
        td_hs_warn_at(hs, where, "alert record of %zu bytes (expected 2)",
                      n);
    if (!encrypted && n % 2 == 1)
        encrypted = n > 2;
    size_t count = encrypted ? 1 : n / 2;
    for (size_t i = 0; i < count; i++) {
        struct td_alert *a = TD_PUSH(&hs->arena, hs->alerts);
        struct td_event *e = a ? td_hs_event(hs, TD_EV_ALERT, dir, where)
                               : NULL;
        if (!e) {
            /* A full arena: leave no half-filled alert behind (a zeroed
             * one reads as the client's close_notify). */
            if (a)
                hs->alerts.n--;
            return TD_ERR_NOMEM;
        }
        a->from = (uint8_t)dir;
        a->encrypted = encrypted;
        a->where = *where;
        e->encrypted = encrypted;
        if (!encrypted) {
            a->level = p[2 * i];
            a->description = p[2 * i + 1];
            e->alert_level = a->level;
            e->alert_desc = a->description;
        }
        e->length = (uint32_t)(encrypted ? n : 2);
    }
    s->last_dir = (uint8_t)dir;
    return 0;
}

/* Does a handshake record body read as whole plaintext messages?  An
 * encrypted Finished passes this with a chance of about 2^-40. */
static bool plausible_plaintext(const uint8_t *p, size_t n)
{
    if (!p)
        return false; /* a body counted unread: encrypted */
    while (n >= 4) {
        if (p[0] == 0 || (p[0] > 24 && p[0] != 254))
            return false;
        size_t l = 4 + hs_msg_len(p);
        if (l > n)
            return false;
        p += l;
        n -= l;
    }
    return n == 0;
}

/* One complete record: the 5-byte header in rec, the body in body (NULL
 * when it was skipped unread: application data and encrypted records,
 * which are only counted). */
static int on_record(struct td_tls_session *s, int dir, int bufdir,
                     const uint8_t *rec, const uint8_t *body, size_t blen,
                     const struct td_evidence *where)
{
    struct td_tls_dir *d = &s->d[bufdir];
    uint8_t type = rec[0];
    uint16_t ver = (uint16_t)(rec[1] << 8 | rec[2]);
    d->records++;
    if (blen > REC_LIMIT_SPEC)
        td_hs_warn_at(s->hs, where, "record of %zu bytes exceeds the TLS "
                      "maximum of %u", blen, REC_LIMIT_SPEC);
    switch (type) {
    case TD_CT_HANDSHAKE:
        if (blen == 0) {
            td_hs_warn_at(s->hs, where, "empty handshake record");
            return 0;
        }
        if (!d->encrypted && d->compat_guess && !s->hs->sh
            && !plausible_plaintext(body, blen)) {
            /* The CCS was TLS 1.2's after all (the ServerHello was not
             * captured): this is an encrypted Finished. */
            d->encrypted = true;
        }
        if (d->encrypted && dir == TD_DIR_AUTO && plausible_plaintext(body,
                                                                      blen)) {
            /* Pasted bytes of both sides in a row: after one side's CCS
             * the other side's plaintext flight may follow. */
            d->encrypted = false;
        }
        if (d->encrypted) {
            int edir = dir == TD_DIR_AUTO ? s->last_dir : dir;
            struct td_event *e = td_hs_event(s->hs, TD_EV_ENCRYPTED_HS,
                                             edir, where);
            if (!e)
                return TD_ERR_NOMEM;
            e->encrypted = true;
            e->length = (uint32_t)blen;
            return 0;
        }
        return handshake_bytes(s, dir, bufdir, body, blen, ver, where);
    case TD_CT_ALERT:
        return on_alert(s, dir, body, blen, d->encrypted, where);
    case TD_CT_CCS: {
        int edir = dir == TD_DIR_AUTO ? s->last_dir : dir;
        if (!td_hs_event(s->hs, TD_EV_CCS, edir, where))
            return TD_ERR_NOMEM;
        /* A TLS 1.3 middlebox-compatibility CCS (RFC 8446 D.4) changes
         * nothing: after the ServerHello, after a HelloRetryRequest, or
         * from a client that offered TLS 1.3 before any ServerHello. */
        const struct td_handshake *hs = s->hs;
        bool offered13 = false;
        for (size_t i = 0; hs->ch && i < hs->ch->versions.n; i++)
            offered13 |= hs->ch->versions.v[i] == TD_TLS13;
        bool compat = s->tls13 || (!hs->sh && (hs->hrr || offered13)
                                   && !s->tls12_flight);
        if (!compat)
            d->encrypted = true;
        else if (!s->tls13 && !hs->hrr)
            d->compat_guess = true;     /* no ServerHello to go by */
        return 0;
    }
    case TD_CT_APPDATA: {
        int edir = dir == TD_DIR_AUTO ? s->last_dir : dir;
        struct td_handshake *hs = s->hs;
        if (hs->events.n && hs->events.v[hs->events.n - 1].kind
                == TD_EV_APPDATA && hs->events.v[hs->events.n - 1].dir == edir) {
            uint64_t l = hs->events.v[hs->events.n - 1].length + blen;
            hs->events.v[hs->events.n - 1].length =
                (uint32_t)(l > UINT32_MAX ? UINT32_MAX : l);
            return 0;
        }
        struct td_event *e = td_hs_event(hs, TD_EV_APPDATA, edir, where);
        if (!e)
            return TD_ERR_NOMEM;
        e->encrypted = true;
        e->length = (uint32_t)blen;
        return 0;
    }
    default:
        td_hs_warn_at(s->hs, where, "record of content type %u (%s) "
                      "ignored", type,
                      type == TD_CT_HEARTBEAT ? "heartbeat" : "unknown");
        return 0;
    }
}

/* SSLv2 record: 2-byte header with the high bit set (RFC 5246 E.2). */
static int on_sslv2(struct td_tls_session *s, int dir, const uint8_t *rec,
                    size_t n, const struct td_evidence *where)
{
    struct td_handshake *hs = s->hs;
    int edir = dir == TD_DIR_AUTO ? TD_DIR_CLIENT : dir;
    s->d[dir == TD_DIR_AUTO ? 0 : dir].records++;
    if (s->sslv2 && (n < 3 || (rec[2] != 1 && rec[2] != 4))) {
        /* CLIENT-MASTER-KEY and the encrypted records after it */
        struct td_event *e = td_hs_event(hs, TD_EV_SSLV2, edir, where);
        if (!e)
            return TD_ERR_NOMEM;
        e->hs_type = n > 2 && (rec[0] & 0x80) ? rec[2] : 0;
        e->encrypted = !(rec[0] & 0x80) || (n > 2 && rec[2] != 2);
        e->length = (uint32_t)n;
        return 0;
    }
    /* Only an SSLv2 SERVER-HELLO makes it an SSLv2 session; a server may
     * answer an SSLv2-compatible hello with TLS (RFC 5246 E.2). */
    if (n > 2 && rec[2] == 4)
        s->sslv2 = true;
    struct td_event *e = td_hs_event(hs, TD_EV_SSLV2, edir, where);
    if (!e)
        return TD_ERR_NOMEM;
    e->hs_type = n > 2 ? rec[2] : 0;
    e->length = (uint32_t)(n - 2);
    if (n > 2 && rec[2] == 1) {
        maybe_split(s, NULL, 0);
        hs = s->hs;
        struct td_msgctx m = {hs, rec + 2, n - 2,
                              (size_t)s->d[dir == TD_DIR_AUTO ? 0 : dir]
                                  .rec_start + 2, 0, where};
        struct td_evidence outer = hs->reading;
        hs->reading = *where;
        int rc = td_hs_sslv2_client_hello(&m);
        hs->reading = outer;
        return rc;
    }
    if (n > 2 && rec[2] == 4) {
        /* SSLv2 SERVER-HELLO: session_id_hit(1) cert_type(1) version(2) */
        if (!hs->sh) {
            hs->sh = td_arena_alloc(&hs->arena, sizeof(*hs->sh));
            if (!hs->sh)
                return TD_ERR_NOMEM;
            hs->sh->sslv2 = true;
            hs->sh->where = *where;
            if (n >= 7)
                hs->sh->version = (uint16_t)(rec[5] << 8 | rec[6]);
            hs->sh->complete = n >= 7;
        }
    }
    return 0;
}

/* Offset of the first plausible TLS record header in p[0..n), or n.  A
 * header needs content type 20..24, version 3.0..3.4 and a length within
 * the TLS limit; the type byte alone is common in ciphertext, the five
 * together rarely are. */
static size_t resync_scan(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 5 <= n; i++) {
        if (p[i] < TD_CT_CCS || p[i] > TD_CT_HEARTBEAT || p[i + 1] != 3
            || p[i + 2] > 4)
            continue;
        size_t len = (size_t)p[i + 3] << 8 | p[i + 4];
        if (len == 0 || len > REC_LIMIT_SPEC)
            continue;
        if (p[i] == TD_CT_CCS && len != 1)
            continue;
        if (p[i] == TD_CT_ALERT && len > 64)
            continue;
        return i;
    }
    return n;
}

int td_tls_feed(struct td_tls_session *s, int dir, const uint8_t *p,
                size_t n, const struct td_evidence *where)
{
    int bufdir = dir == TD_DIR_AUTO ? 0 : dir;
    struct td_tls_dir *d = &s->d[bufdir];
    struct td_evidence none = {0};
    if (!where)
        where = &none;
    while (n > 0) {
        if (d->stopped) {
            d->consumed += n;
            return 0;
        }
        if (d->skip) {
            /* The rest of a record cut by a gap. */
            size_t k = d->skip < n ? (size_t)d->skip : n;
            d->skip -= k;
            d->consumed += k;
            p += k;
            n -= k;
            continue;
        }
        if (d->resync) {
            /* After a gap the record boundary is unknown: look for a
             * plausible record header (type, version 3.x, length within
             * limits) in what follows. */
            size_t at = resync_scan(p, n);
            d->consumed += at;
            p += at;
            n -= at;
            if (n == 0)
                return 0;
            d->resync = false;
            d->hs_len = 0;
        }
        if (d->rec_len == 0) {
            d->rec_start = d->consumed;
            d->rec_where = td_ev_at(s->hs, where, (size_t)d->consumed);
        }
        /* Header first (5 bytes; SSLv2: 2). */
        size_t hdr_need = REC_HDR;
        if (d->rec_len == 0 || d->rec[0] & 0x80)
            hdr_need = (d->rec_len ? d->rec[0] : p[0]) & 0x80 ? 2 : REC_HDR;
        if (d->rec_len < hdr_need) {
            size_t take = hdr_need - d->rec_len;
            if (take > n)
                take = n;
            if (grow(&d->rec, &d->rec_cap, d->rec_len + take))
                return TD_ERR_NOMEM;
            memcpy(d->rec + d->rec_len, p, take);
            d->rec_len += take;
            p += take;
            n -= take;
            d->consumed += take;
            if (d->rec_len < hdr_need)
                return 0;
        }
        size_t total;
        bool v2 = (d->rec[0] & 0x80) != 0 || s->sslv2;
        if (v2 && s->sslv2 && !(d->rec[0] & 0x80)) {
            /* SSLv2 3-byte header (RFC 6101 E.1.2 form with padding):
             * after the master key the records are encrypted. */
            total = 3 + (((size_t)d->rec[0] & 0x3f) << 8 | d->rec[1]);
        } else if (v2) {
            total = 2 + (((size_t)d->rec[0] & 0x7f) << 8 | d->rec[1]);
            if (n == 0 && !s->sslv2)
                return 0;       /* the message type decides; wait for it */
            uint8_t mtype = n > 0 ? p[0] : 0;
            bool hello = mtype == 1 || mtype == 4;
            if ((!s->sslv2 && (d->records > 0 || !hello)) || total < 3) {
                not_tls(s, dir, d->rec, d->rec_len, &d->rec_where);
                d->rec_len = 0;
                continue;
            }
        } else {
            if (!td_tls_looks_like_record(d->rec, REC_HDR)) {
                /* Quote what follows too, for a readable message. */
                uint8_t q[24];
                size_t k = d->rec_len < sizeof(q) ? d->rec_len : sizeof(q);
                memcpy(q, d->rec, k);
                size_t extra = sizeof(q) - k < n ? sizeof(q) - k : n;
                memcpy(q + k, p, extra);
                not_tls(s, dir, q, k + extra, &d->rec_where);
                d->rec_len = 0;
                continue;
            }
            total = REC_HDR + ((size_t)d->rec[3] << 8 | d->rec[4]);
        }
        /* Bodies nobody reads are not buffered: application data and
         * encrypted records are counted and skipped. */
        bool unread = d->rec[0] == TD_CT_APPDATA
                      || (d->encrypted && dir != TD_DIR_AUTO
                          && (d->rec[0] == TD_CT_HANDSHAKE
                              || (d->rec[0] == TD_CT_ALERT
                                  && total - REC_HDR > 2)));
        if (!v2 && d->rec_len == REC_HDR && total > REC_HDR && unread) {
            d->rec_len = 0;
            int rc = on_record(s, dir, bufdir, d->rec, NULL, total - REC_HDR,
                               &d->rec_where);
            if (rc)
                return rc;
            d->skip = total - REC_HDR;
            continue;
        }
        size_t take = total - d->rec_len;
        if (take > n)
            take = n;
        if (grow(&d->rec, &d->rec_cap, d->rec_len + take))
            return TD_ERR_NOMEM;
        memcpy(d->rec + d->rec_len, p, take);
        d->rec_len += take;
        p += take;
        n -= take;
        d->consumed += take;
        if (d->rec_len < total)
            return 0;
        d->rec_len = 0;
        int rc = v2 ? on_sslv2(s, dir, d->rec, total, &d->rec_where)
                    : on_record(s, dir, bufdir, d->rec, d->rec + REC_HDR,
                                total - REC_HDR, &d->rec_where);
        if (rc)
            return rc;
    }
    return 0;
}

int td_tls_feed_handshake(struct td_tls_session *s, int dir,
                          const uint8_t *p, size_t n,
                          const struct td_evidence *where)
{
    struct td_evidence none = {0};
    struct td_evidence ev = td_ev_at(s->hs, where ? where : &none,
                                     (size_t)s->d[dir == TD_DIR_AUTO
                                                  ? 0 : dir].consumed);
    s->bare = true;
    s->d[dir == TD_DIR_AUTO ? 0 : dir].consumed += n;
    return handshake_bytes(s, dir, dir == TD_DIR_AUTO ? 0 : dir, p, n, 0,
                           &ev);
}

/* Why bytes are missing and what to do, by the kind of input the place
 * belongs to (a log line, a packet, pasted bytes) and by what is cut: a
 * record (its bytes stop) or a message (no later record has the rest). */
enum cut { CUT_END, CUT_DUMP, CUT_GAP };

static const char *cut_hint(const struct td_evidence *w, enum cut why,
                            bool message)
{
    if (why == CUT_GAP)
        return "the capture lost packets: capture with a larger buffer "
               "(tcpdump -B 4096) and whole packets (-s 0)";
    if (why == CUT_DUMP)
        return "lines of the log are missing: save the whole console "
               "output (to a file, with a console buffer large enough "
               "that no line is dropped)";
    if (w->line)
        return message ? "no later record in the log has the rest (the "
                         "handshake stopped there: see the findings)"
                       : "the log ends inside it: give the whole log";
    if (w->packet)
        return message ? "no later packet has the rest (the connection or "
                         "the capture ended first): capture until the "
                         "handshake is over"
                       : "the capture ends inside it: capture until the "
                         "handshake is over";
    return message ? "give the records that carry the rest of it"
                   : "the input ends inside it: give all of its bytes";
}

/* Decode what is buffered for direction i (a cut record or message) and
 * drop it, with a warning saying how much was missing and why. */
static void flush_dir(struct td_tls_session *s, int i, enum cut cut)
{
    static const char *const whys[] = {
        "", " (the log shows only the first bytes)", " by the gap"};
    const char *why = whys[cut];
    struct td_tls_dir *d = &s->d[i];
    const char *side = i == TD_DIR_SERVER ? "server" : "client";
    /* Pasted bytes share one buffer: a handshake record's message type
     * tells the side. */
    if (d->rec_len > REC_HDR && d->rec[0] == TD_CT_HANDSHAKE
        && !d->encrypted)
        side = dir_of_hs_type(d->rec[REC_HDR], i) == TD_DIR_SERVER
                   ? "server" : "client";
    if (d->rec_len > 0) {
        size_t total = d->rec_len;
        if (d->rec[0] & 0x80 && d->rec_len >= 2)
            total = 2 + (((size_t)d->rec[0] & 0x7f) << 8 | d->rec[1]);
        else if (d->rec_len >= REC_HDR)
            total = REC_HDR + ((size_t)d->rec[3] << 8 | d->rec[4]);
        if (total < REC_HDR)
            total = REC_HDR;
        td_hs_warn_at(s->hs, &d->rec_where,
                      "%s%srecord is cut short%s: %zu of %zu bytes present "
                      "(%zu missing); %s",
                      s->bare ? "" : side, s->bare ? "" : " ", why,
                      d->rec_len, total, total - d->rec_len,
                      cut_hint(&d->rec_where, cut, false));
        /* Decode what is there of a handshake record: a cut ClientHello
         * still shows its first fields. */
        if (d->rec_len >= REC_HDR + 4 && d->rec[0] == TD_CT_HANDSHAKE
            && !d->encrypted && d->hs_len == 0) {
            const uint8_t *m = d->rec + REC_HDR;
            size_t ml = d->rec_len - REC_HDR;
            int mdir = dir_of_hs_type(m[0], i);
            struct td_event *e = td_hs_event(s->hs, TD_EV_HANDSHAKE, mdir,
                                             &d->rec_where);
            if (e) {
                e->hs_type = m[0];
                e->length = (uint32_t)(ml - 4);
            }
            td_decode_handshake_msg(s->hs, mdir, m, ml,
                                    (uint16_t)(d->rec[1] << 8 | d->rec[2]),
                                    &d->rec_where);
        }
        d->rec_len = 0;
    }
    if (d->hs_len > 0) {
        size_t want = d->hs_len >= 4 ? 4 + hs_msg_len(d->hs) : 4;
        char tname[TD_REG_NAMEBUF];
        td_hs_warn_at(s->hs, &d->rec_where,
                      "%s handshake message %s is cut short%s: %zu of %zu "
                      "bytes present; %s",
                      dir_of_hs_type(d->hs[0], i) == TD_DIR_SERVER
                          ? "server" : "client",
                      td_reg_name(TD_REG_HS_TYPE, d->hs[0], tname), why,
                      d->hs_len, want, cut_hint(&d->rec_where, cut, true));
        if (d->hs_len >= 4)
            td_decode_handshake_msg(s->hs, i, d->hs, d->hs_len, 0,
                                    &d->rec_where);
        d->hs_len = 0;
    }
}

int td_tls_feed_record(struct td_tls_session *s, int dir, const uint8_t *p,
                       size_t n, size_t full_len,
                       const struct td_evidence *where)
{
    int bufdir = dir == TD_DIR_AUTO ? 0 : dir;
    /* A record is whole by definition: anything left over from an earlier
     * record of this direction was cut. */
    if (s->d[bufdir].rec_len)
        flush_dir(s, bufdir, CUT_END);
    int rc = td_tls_feed(s, dir, p, n, where);
    if (rc == 0 && n < full_len && s->d[bufdir].rec_len)
        flush_dir(s, bufdir, CUT_DUMP);
    return rc;
}

int td_tls_gap(struct td_tls_session *s, int dir, uint64_t missing,
               const struct td_evidence *where)
{
    int bufdir = dir == TD_DIR_AUTO ? 0 : dir;
    struct td_tls_dir *d = &s->d[bufdir];
    if (d->stopped)
        return 0;
    td_hs_warn_at(s->hs, where, "%llu bytes of the %s side are missing "
                  "from the capture (after byte %llu of its stream); %s",
                  (unsigned long long)missing,
                  bufdir == TD_DIR_SERVER ? "server" : "client",
                  (unsigned long long)d->consumed,
                  cut_hint(where ? where : &(struct td_evidence){0},
                           CUT_GAP, false));
    /* When the cut record's header was read, its end is known: the bytes
     * after the hole up to there are the rest of that record. */
    uint64_t rest = 0;
    bool known = false;
    if (d->skip) {
        known = missing < d->skip;
        rest = known ? d->skip - missing : 0;
    } else if (d->rec_len >= REC_HDR && !(d->rec[0] & 0x80)) {
        size_t total = REC_HDR + ((size_t)d->rec[3] << 8 | d->rec[4]);
        known = d->rec_len + missing <= total;
        rest = known ? total - d->rec_len - missing : 0;
    } else if (d->rec_len == 0 && missing == 0) {
        known = true;
    }
    flush_dir(s, bufdir, CUT_GAP);
    d->consumed += missing;
    d->skip = known ? rest : 0;
    d->resync = !known;
    return 0;
}

void td_tls_midstream(struct td_tls_session *s)
{
    /* A capture that starts inside the connection: each direction may
     * start inside a record. */
    for (int i = 0; i < 2; i++)
        if (s->d[i].consumed == 0)
            s->d[i].resync = true;
}

void td_tls_end(struct td_tls_session *s)
{
    flush_dir(s, TD_DIR_CLIENT, CUT_END);
    flush_dir(s, TD_DIR_SERVER, CUT_END);
}
