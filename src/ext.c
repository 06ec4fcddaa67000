/* ext.c - one-line descriptions of extension contents (for `hello`, -v).
 *
 * The model keeps the decoded values the rules need (hs_client_hello.c);
 * this file renders any extension, known or not, for a person.  Malformed
 * contents are described as such, never trusted.
 */
#include "decode_int.h"

#include "tlsdiag/registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct sbuf {
    char *p;
    size_t len;
    size_t off;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    if (b->off + 1 >= b->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    b->off += (size_t)n;
    if (b->off >= b->len) {
        b->off = b->len - 1;
        /* Mark the cut so nobody mistakes it for the whole list. */
        if (b->len > 4)
            memcpy(b->p + b->len - 4, "...", 4);
    }
}

/* Append a plain string (no format): the common case, kept cheap. */
static void sb_puts(struct sbuf *b, const char *str)
{
    size_t n = strlen(str);
    if (b->off + 1 >= b->len)
        return;
    if (n > b->len - b->off - 1) {
        sb_printf(b, "%s", str);    /* the cut path marks the truncation */
        return;
    }
    memcpy(b->p + b->off, str, n + 1);
    b->off += n;
}

static void sb_hex(struct sbuf *b, const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        sb_printf(b, "%02x", p[i]);
    if (n > max)
        sb_printf(b, "...");
}

/* A u16 vector of names: "secp256r1, x25519". */
static void u16_names(struct sbuf *b, const uint8_t *p, size_t n,
                      int lenbytes, enum td_reg_kind kind)
{
    struct td_cur c, v;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, lenbytes, 0, 65535, &v) || td_cur_left(&v) % 2
        || !td_cur_end(&c)) {
        sb_printf(b, "malformed (%zu bytes: ", n);
        sb_hex(b, p, n, 16);
        sb_printf(b, ")");
        return;
    }
    if (v.len == 0)
        sb_printf(b, "empty list");
    uint16_t x;
    for (bool first = true; td_cur_u16(&v, &x); first = false) {
        char nb[TD_REG_NAMEBUF];
        if (!first)
            sb_puts(b, ", ");
        sb_puts(b, td_reg_name(kind, x, nb));
    }
}

static const char *mfl_bytes(uint8_t code)
{
    switch (code) {
    case 1: return "512";
    case 2: return "1024";
    case 3: return "2048";
    case 4: return "4096";
    default: return NULL;
    }
}

static void describe_sni(struct sbuf *b, const uint8_t *p, size_t n)
{
    struct td_cur c, list;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, 2, 1, 65535, &list) || !td_cur_end(&c)) {
        sb_printf(b, "malformed");
        return;
    }
    for (bool first = true; td_cur_left(&list) > 0; first = false) {
        uint8_t type;
        struct td_cur name;
        if (!td_cur_u8(&list, &type)
            || !td_cur_vec(&list, 2, 0, 65535, &name)) {
            sb_printf(b, "%scut short", first ? "" : ", ");
            return;
        }
        sb_printf(b, "%s%s \"", first ? "" : ", ",
                  type == 0 ? "host_name" : "unknown name type");
        for (size_t i = 0; i < name.len; i++) {
            unsigned char ch = name.p[i];
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
                sb_printf(b, "%c", ch);
            else
                sb_printf(b, "\\x%02x", ch);
        }
        sb_printf(b, "\"");
    }
}

static void describe_alpn(struct sbuf *b, const uint8_t *p, size_t n)
{
    struct td_cur c, list;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, 2, 0, 65535, &list) || !td_cur_end(&c)) {
        sb_printf(b, "malformed");
        return;
    }
    for (bool first = true; td_cur_left(&list) > 0; first = false) {
        struct td_cur proto;
        if (!td_cur_vec(&list, 1, 0, 255, &proto)) {
            sb_printf(b, "%scut short", first ? "" : ", ");
            return;
        }
        sb_printf(b, "%s\"", first ? "" : ", ");
        for (size_t i = 0; i < proto.len; i++) {
            unsigned char ch = proto.p[i];
            if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
                sb_printf(b, "%c", ch);
            else
                sb_printf(b, "\\x%02x", ch);
        }
        sb_printf(b, "\"");
    }
}

static void describe_key_share(struct sbuf *b, const uint8_t *p, size_t n,
                               bool from_server)
{
    char nb[TD_REG_NAMEBUF];
    struct td_cur c, list;
    td_cur_init(&c, p, n, 0);
    if (from_server) {
        uint16_t g;
        struct td_cur key;
        if (n == 2 && td_cur_u16(&c, &g)) {
            sb_printf(b, "retry with group %s",
                      td_reg_name(TD_REG_GROUP, g, nb));
            return;
        }
        if (td_cur_u16(&c, &g) && td_cur_vec(&c, 2, 0, 65535, &key)
            && td_cur_end(&c))
            sb_printf(b, "%s (%zu-byte key)", td_reg_name(TD_REG_GROUP, g, nb),
                      key.len);
        else
            sb_printf(b, "malformed");
        return;
    }
    if (!td_cur_vec(&c, 2, 0, 65535, &list) || !td_cur_end(&c)) {
        sb_printf(b, "malformed");
        return;
    }
    if (list.len == 0)
        sb_printf(b, "no shares (asks the server to choose)");
    for (bool first = true; td_cur_left(&list) > 0; first = false) {
        uint16_t g;
        struct td_cur key;
        if (!td_cur_u16(&list, &g) || !td_cur_vec(&list, 2, 0, 65535, &key)) {
            sb_printf(b, "%scut short", first ? "" : ", ");
            return;
        }
        sb_printf(b, "%s%s (%zu-byte key)", first ? "" : ", ",
                  td_reg_name(TD_REG_GROUP, g, nb), key.len);
    }
}

static void describe_psk(struct sbuf *b, const uint8_t *p, size_t n,
                         bool from_server)
{
    struct td_cur c, ids, binders;
    td_cur_init(&c, p, n, 0);
    if (from_server) {
        uint16_t sel;
        if (n == 2 && td_cur_u16(&c, &sel))
            sb_printf(b, "selected identity %u", sel);
        else
            sb_printf(b, "malformed");
        return;
    }
    if (!td_cur_vec(&c, 2, 7, 65535, &ids)
        || !td_cur_vec(&c, 2, 33, 65535, &binders)) {
        sb_printf(b, "malformed");
        return;
    }
    size_t nid = 0, nb = 0;
    while (td_cur_left(&ids) > 0) {
        struct td_cur id;
        uint32_t age;
        if (!td_cur_vec(&ids, 2, 1, 65535, &id) || !td_cur_u32(&ids, &age))
            break;
        nid++;
    }
    while (td_cur_left(&binders) > 0) {
        struct td_cur bd;
        if (!td_cur_vec(&binders, 1, 32, 255, &bd))
            break;
        nb++;
    }
    sb_printf(b, "%zu identit%s, %zu binder%s", nid, nid == 1 ? "y" : "ies",
              nb, nb == 1 ? "" : "s");
}

static void describe_u8_names(struct sbuf *b, const uint8_t *p, size_t n,
                              enum td_reg_kind kind)
{
    struct td_cur c, v;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_vec(&c, 1, 0, 255, &v) || !td_cur_end(&c)) {
        sb_printf(b, "malformed");
        return;
    }
    uint8_t x;
    for (bool first = true; td_cur_u8(&v, &x); first = false) {
        char nb[TD_REG_NAMEBUF];
        const char *name;
        if (kind == TD_REG_POINT_FORMAT) {
            name = td_reg_name(kind, x, nb);
        } else {    /* psk_key_exchange_modes (RFC 8446 4.2.9) */
            name = x == 0 ? "psk_ke" : x == 1 ? "psk_dhe_ke"
                 : (snprintf(nb, sizeof(nb), "unknown_0x%02x", x), nb);
        }
        sb_printf(b, "%s%s", first ? "" : ", ", name);
    }
}

const char *td_ext_describe(uint16_t type, const uint8_t *data, size_t len,
                            bool from_server, char *buf, size_t buflen)
{
    struct sbuf b = {buf, buflen, 0};
    if (buflen == 0)
        return buf;
    buf[0] = 0;
    if (td_reg_is_grease(type)) {
        sb_printf(&b, "GREASE, %zu byte%s", len, len == 1 ? "" : "s");
        return buf;
    }
    switch (type) {
    case TD_EXT_SERVER_NAME:
        if (len == 0)
            sb_printf(&b, from_server ? "empty (the server used the name)"
                                      : "empty");
        else
            describe_sni(&b, data, len);
        break;
    case TD_EXT_MAX_FRAGMENT_LENGTH:
        if (len == 1 && mfl_bytes(data[0]))
            sb_printf(&b, "%s bytes (code %u)", mfl_bytes(data[0]), data[0]);
        else if (len == 1)
            sb_printf(&b, "invalid code %u (RFC 6066 allows 1..4)", data[0]);
        else
            sb_printf(&b, "malformed (%zu bytes)", len);
        break;
    case TD_EXT_STATUS_REQUEST:
        if (len == 0)
            sb_printf(&b, "empty (the server will staple OCSP)");
        else if (data[0] == 1)
            sb_printf(&b, "OCSP");
        else
            sb_printf(&b, "status type %u", data[0]);
        break;
    case TD_EXT_SUPPORTED_GROUPS:
        u16_names(&b, data, len, 2, TD_REG_GROUP);
        break;
    case TD_EXT_EC_POINT_FORMATS:
        describe_u8_names(&b, data, len, TD_REG_POINT_FORMAT);
        break;
    case TD_EXT_SIGNATURE_ALGORITHMS:
    case TD_EXT_SIGNATURE_ALGORITHMS_CERT:
        u16_names(&b, data, len, 2, TD_REG_SIGALG);
        break;
    case TD_EXT_ALPN:
        describe_alpn(&b, data, len);
        break;
    case TD_EXT_SUPPORTED_VERSIONS:
        if (from_server) {
            char nb[TD_REG_NAMEBUF];
            if (len == 2)
                sb_printf(&b, "%s", td_reg_name(TD_REG_VERSION,
                                                (uint32_t)(data[0] << 8
                                                           | data[1]), nb));
            else
                sb_printf(&b, "malformed (%zu bytes)", len);
        } else {
            u16_names(&b, data, len, 1, TD_REG_VERSION);
        }
        break;
    case TD_EXT_PSK_KEY_EXCHANGE_MODES:
        describe_u8_names(&b, data, len, TD_REG_HS_TYPE);
        break;
    case TD_EXT_KEY_SHARE:
        describe_key_share(&b, data, len, from_server);
        break;
    case TD_EXT_PRE_SHARED_KEY:
        describe_psk(&b, data, len, from_server);
        break;
    case TD_EXT_RENEGOTIATION_INFO:
        if (len == 1 && data[0] == 0)
            sb_printf(&b, "empty (initial handshake)");
        else
            sb_printf(&b, "%zu bytes (renegotiation)", len);
        break;
    case TD_EXT_PADDING:
        sb_printf(&b, "%zu bytes of padding", len);
        break;
    case TD_EXT_RECORD_SIZE_LIMIT:
        if (len == 2)
            sb_printf(&b, "%u bytes", (unsigned)(data[0] << 8 | data[1]));
        else
            sb_printf(&b, "malformed (%zu bytes)", len);
        break;
    case TD_EXT_COOKIE:
        sb_printf(&b, "%zu-byte cookie", len >= 2 ? len - 2 : len);
        break;
    case TD_EXT_SESSION_TICKET:
        if (len == 0)
            sb_printf(&b, from_server ? "empty (a ticket will follow)"
                                      : "empty (asks for a ticket)");
        else
            sb_printf(&b, "%zu-byte ticket (resumption)", len);
        break;
    case TD_EXT_ENCRYPT_THEN_MAC:
    case TD_EXT_EXTENDED_MASTER_SECRET:
    case TD_EXT_POST_HANDSHAKE_AUTH:
    case TD_EXT_EARLY_DATA:
    case TD_EXT_SCT:
        if (len == 0)
            sb_printf(&b, "empty");
        else
            sb_printf(&b, "%zu bytes", len);
        break;
    case TD_EXT_COMPRESS_CERTIFICATE: {
        struct td_cur c, v;
        td_cur_init(&c, data, len, 0);
        if (!td_cur_vec(&c, 1, 2, 254, &v) || v.len % 2) {
            sb_printf(&b, "malformed");
            break;
        }
        uint16_t a;
        for (bool first = true; td_cur_u16(&v, &a); first = false)
            sb_printf(&b, "%s%s", first ? "" : ", ",
                      a == 1 ? "zlib" : a == 2 ? "brotli"
                      : a == 3 ? "zstd" : "unknown");
        break;
    }
    default:
        sb_printf(&b, "%zu byte%s", len, len == 1 ? "" : "s");
        if (len) {
            sb_printf(&b, ": ");
            sb_hex(&b, data, len, 16);
        }
        break;
    }
    return buf;
}
