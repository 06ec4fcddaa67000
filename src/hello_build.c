/* hello_build.c - editable ClientHello and its serialisation.
 *
 * Implementation notes:
 * - Parsing goes through the bounded cursor (cursor.h) and keeps every
 *   extension's bytes as they were, so build(parse(x)) == x.  Only the
 *   extensions an edit names are rewritten.
 * - Lists are malloc'd with explicit caps (TD_HB_MAX_*): a hello is at
 *   most 2^24 bytes by its header, and every vector's length field bounds
 *   it further; td_hb_build refuses what a length field cannot say.
 * - The 2.28 template reads the linked mbedTLS (suite list, curve list,
 *   compiled hashes) so it follows the library the device most likely
 *   uses; see tests/data/logformats/MESSAGES.md section 3 for the order
 *   of 2.28's extensions.
 */
#include "tlsdiag/hellobuild.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>

#include "cursor.h"
#include "tlsdiag/err.h"

#define HS_CLIENT_HELLO 1
#define REC_HANDSHAKE 22

void td_hb_init(struct td_hb_hello *h)
{
    memset(h, 0, sizeof(*h));
    h->record_version = 0x0301;
    h->version = 0x0303;
    h->compression[0] = 0;
    h->n_compression = 1;
    h->has_ext_block = true;
}

void td_hb_free(struct td_hb_hello *h)
{
    for (size_t i = 0; i < h->n_exts; i++)
        free(h->exts[i].data);
    free(h->exts);
    free(h->suites);
    memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------------ */
/* lists */

static int suites_reserve(struct td_hb_hello *h, size_t n)
{
    if (n > TD_HB_MAX_SUITES)
        return TD_ERR_LIMIT;
    if (n <= h->cap_suites)
        return TD_OK;
    size_t cap = h->cap_suites ? h->cap_suites : 32;
    while (cap < n)
        cap *= 2;
    uint16_t *v = realloc(h->suites, cap * sizeof(*v));
    if (!v)
        return TD_ERR_NOMEM;
    h->suites = v;
    h->cap_suites = cap;
    return TD_OK;
}

static int suite_insert(struct td_hb_hello *h, uint16_t s, size_t pos)
{
    int rc = suites_reserve(h, h->n_suites + 1);
    if (rc)
        return rc;
    if (pos > h->n_suites)
        pos = h->n_suites;
    memmove(h->suites + pos + 1, h->suites + pos,
            (h->n_suites - pos) * sizeof(*h->suites));
    h->suites[pos] = s;
    h->n_suites++;
    return TD_OK;
}

/* Insert a new extension (data copied) at pos (clamped). */
static int ext_insert(struct td_hb_hello *h, uint16_t type,
                      const uint8_t *data, size_t len, size_t pos)
{
    if (len > 0xffff)
        return TD_ERR_LIMIT;
    if (h->n_exts >= TD_HB_MAX_EXTS)
        return TD_ERR_LIMIT;
    if (h->n_exts == h->cap_exts) {
        size_t cap = h->cap_exts ? h->cap_exts * 2 : 16;
        struct td_hb_ext *v = realloc(h->exts, cap * sizeof(*v));
        if (!v)
            return TD_ERR_NOMEM;
        h->exts = v;
        h->cap_exts = cap;
    }
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return TD_ERR_NOMEM;
        memcpy(copy, data, len);
    }
    if (pos > h->n_exts)
        pos = h->n_exts;
    memmove(h->exts + pos + 1, h->exts + pos,
            (h->n_exts - pos) * sizeof(*h->exts));
    h->exts[pos].type = type;
    h->exts[pos].len = (uint16_t)len;
    h->exts[pos].data = copy;
    h->n_exts++;
    h->has_ext_block = true;
    return TD_OK;
}

struct td_hb_ext *td_hb_find_ext(struct td_hb_hello *h, uint16_t type)
{
    for (size_t i = 0; i < h->n_exts; i++)
        if (h->exts[i].type == type)
            return &h->exts[i];
    return NULL;
}

static size_t ext_index(const struct td_hb_hello *h, uint16_t type)
{
    for (size_t i = 0; i < h->n_exts; i++)
        if (h->exts[i].type == type)
            return i;
    return SIZE_MAX;
}

int td_hb_set_ext(struct td_hb_hello *h, uint16_t type, const uint8_t *data,
                  size_t len, size_t pos)
{
    if (len > 0xffff)
        return TD_ERR_LIMIT;
    struct td_hb_ext *e = td_hb_find_ext(h, type);
    if (!e)
        return ext_insert(h, type, data, len, pos);
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return TD_ERR_NOMEM;
        memcpy(copy, data, len);
    }
    free(e->data);
    e->data = copy;
    e->len = (uint16_t)len;
    return TD_OK;
}

size_t td_hb_remove_ext(struct td_hb_hello *h, uint16_t type)
{
    size_t out = 0, removed = 0;
    for (size_t i = 0; i < h->n_exts; i++) {
        if (h->exts[i].type == type) {
            free(h->exts[i].data);
            removed++;
            continue;
        }
        h->exts[out++] = h->exts[i];
    }
    h->n_exts = out;
    return removed;
}

/* ------------------------------------------------------------------ */
/* parsing */

int td_hb_parse(struct td_hb_hello *h, const uint8_t *msg, size_t len,
                uint16_t record_version)
{
    td_hb_init(h);
    if (record_version)
        h->record_version = record_version;
    struct td_cur c, body, v;
    uint8_t type;
    uint32_t blen;
    td_cur_init(&c, msg, len, 0);
    /* Handshake header: msg_type(1) length(3) (RFC 8446 4). */
    if (!td_cur_u8(&c, &type) || type != HS_CLIENT_HELLO
        || !td_cur_u24(&c, &blen) || blen != td_cur_left(&c))
        return TD_ERR_MALFORMED;
    const uint8_t *bp;
    if (!td_cur_bytes(&c, blen, &bp))
        return TD_ERR_MALFORMED;
    td_cur_init(&body, bp, blen, 4);
    const uint8_t *rnd;
    if (!td_cur_u16(&body, &h->version) || !td_cur_bytes(&body, 32, &rnd))
        return TD_ERR_MALFORMED;
    memcpy(h->random, rnd, 32);
    /* legacy_session_id<0..32> */
    if (!td_cur_vec(&body, 1, 0, 32, &v))
        return TD_ERR_MALFORMED;
    h->session_id_len = (uint8_t)v.len;
    if (v.len)
        memcpy(h->session_id, v.p, v.len);
    /* cipher_suites<2..2^16-2>: even length */
    if (!td_cur_vec(&body, 2, 2, 0xfffe, &v) || v.len % 2)
        return TD_ERR_MALFORMED;
    int rc = suites_reserve(h, v.len / 2);
    if (rc)
        return rc;
    while (td_cur_left(&v)) {
        uint16_t s;
        if (!td_cur_u16(&v, &s))
            return TD_ERR_MALFORMED;
        h->suites[h->n_suites++] = s;
    }
    /* legacy_compression_methods<1..2^8-1> */
    if (!td_cur_vec(&body, 1, 1, 255, &v))
        return TD_ERR_MALFORMED;
    memcpy(h->compression, v.p, v.len);
    h->n_compression = (uint8_t)v.len;
    /* extensions<0..2^16-1>, absent in a bare TLS 1.2 hello */
    h->has_ext_block = td_cur_left(&body) > 0;
    if (!h->has_ext_block)
        return TD_OK;
    struct td_cur exts;
    if (!td_cur_vec(&body, 2, 0, 0xffff, &exts) || !td_cur_end(&body))
        return TD_ERR_MALFORMED;
    while (td_cur_left(&exts)) {
        uint16_t et;
        struct td_cur ed;
        if (!td_cur_u16(&exts, &et) || !td_cur_vec(&exts, 2, 0, 0xffff, &ed))
            return TD_ERR_MALFORMED;
        rc = ext_insert(h, et, ed.p, ed.len, SIZE_MAX);
        if (rc)
            return rc;
    }
    return TD_OK;
}

int td_hb_from_client_hello(struct td_hb_hello *h,
                            const struct td_client_hello *ch)
{
    if (ch->sslv2) {
        td_hb_init(h);
        return TD_ERR_USAGE;
    }
    if (ch->raw && ch->raw_len && !ch->from_text) {
        int rc = td_hb_parse(h, ch->raw, ch->raw_len, ch->record_version);
        if (rc != TD_ERR_MALFORMED)
            return rc;
        /* A cut hello: fall back to what was decoded. */
        td_hb_free(h);
    }
    td_hb_init(h);
    if (ch->record_version)
        h->record_version = ch->record_version;
    if (ch->legacy_version)
        h->version = ch->legacy_version;
    if (ch->has_random && ch->random_len == 32)
        memcpy(h->random, ch->random, 32);
    h->session_id_len = ch->session_id_len <= 32 ? ch->session_id_len : 0;
    memcpy(h->session_id, ch->session_id, h->session_id_len);
    int rc = td_hb_set_suites(h, ch->cipher_suites.v, ch->cipher_suites.n);
    if (rc)
        return rc;
    if (ch->compression.n > 0 && ch->compression.n <= 255) {
        memcpy(h->compression, ch->compression.v, ch->compression.n);
        h->n_compression = (uint8_t)ch->compression.n;
    }
    h->has_ext_block = ch->has_ext_block || ch->extensions.n > 0;
    for (size_t i = 0; i < ch->extensions.n; i++) {
        const struct td_ext *e = &ch->extensions.v[i];
        rc = ext_insert(h, e->type, e->data, e->data ? e->len : 0, SIZE_MAX);
        if (rc)
            return rc;
    }
    return TD_OK;
}

/* ------------------------------------------------------------------ */
/* edits */

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

int td_hb_set_sni(struct td_hb_hello *h, const char *name, size_t len)
{
    /* ServerNameList server_name_list<1..2^16-1>: NameType host_name(0),
     * HostName<1..2^16-1> (RFC 6066 3). */
    if (!name || len == 0 || len > 0xffff - 5)
        return TD_ERR_USAGE;
    uint8_t *b = malloc(len + 5);
    if (!b)
        return TD_ERR_NOMEM;
    put16(b, len + 3);
    b[2] = 0;
    put16(b + 3, len);
    memcpy(b + 5, name, len);
    int rc = td_hb_set_ext(h, TD_HB_EXT_SERVER_NAME, b, len + 5, 0);
    free(b);
    return rc;
}

bool td_hb_remove_sni(struct td_hb_hello *h)
{
    return td_hb_remove_ext(h, TD_HB_EXT_SERVER_NAME) > 0;
}

static bool is_scsv(uint16_t s)
{
    return s == 0x00ff || s == 0x5600;
}

int td_hb_add_suite(struct td_hb_hello *h, uint16_t suite, size_t pos)
{
    for (size_t i = 0; i < h->n_suites; i++)
        if (h->suites[i] == suite)
            return TD_OK;
    if (pos == SIZE_MAX) {
        pos = h->n_suites;
        while (pos > 0 && is_scsv(h->suites[pos - 1]) && !is_scsv(suite))
            pos--;
    }
    return suite_insert(h, suite, pos);
}

bool td_hb_remove_suite(struct td_hb_hello *h, uint16_t suite)
{
    size_t out = 0;
    for (size_t i = 0; i < h->n_suites; i++)
        if (h->suites[i] != suite)
            h->suites[out++] = h->suites[i];
    bool removed = out != h->n_suites;
    h->n_suites = out;
    return removed;
}

int td_hb_set_suites(struct td_hb_hello *h, const uint16_t *s, size_t n)
{
    int rc = suites_reserve(h, n);
    if (rc)
        return rc;
    if (n)
        memcpy(h->suites, s, n * sizeof(*s));
    h->n_suites = n;
    return TD_OK;
}

/* Write a u16 list with a 2-byte length prefix as extension `type`. */
static int set_u16_list_ext(struct td_hb_hello *h, uint16_t type,
                            const uint16_t *v, size_t n, size_t pos)
{
    if (n > (0xffff - 2) / 2)
        return TD_ERR_LIMIT;
    uint8_t *b = malloc(2 + 2 * n);
    if (!b)
        return TD_ERR_NOMEM;
    put16(b, 2 * n);
    for (size_t i = 0; i < n; i++)
        put16(b + 2 + 2 * i, v[i]);
    int rc = td_hb_set_ext(h, type, b, 2 + 2 * n, pos);
    free(b);
    return rc;
}

/* Append one u16 to a length-prefixed u16 list extension (created with
 * that one value when absent); unchanged when already listed. */
static int add_u16_list_ext(struct td_hb_hello *h, uint16_t type,
                            uint16_t val, size_t pos)
{
    struct td_hb_ext *e = td_hb_find_ext(h, type);
    if (!e)
        return set_u16_list_ext(h, type, &val, 1, pos);
    struct td_cur c, l;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 2, 0, 0xffff, &l) || !td_cur_end(&c) || l.len % 2)
        return TD_ERR_MALFORMED;
    size_t n = l.len / 2;
    uint16_t *v = malloc((n + 1) * sizeof(*v));
    if (!v)
        return TD_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!td_cur_u16(&l, &v[i])) {
            free(v);
            return TD_ERR_MALFORMED;
        }
        if (v[i] == val) {
            free(v);
            return TD_OK;
        }
    }
    v[n] = val;
    int rc = set_u16_list_ext(h, type, v, n + 1, pos);
    free(v);
    return rc;
}

/* Where 2.28 would put supported_groups: after signature_algorithms. */
static size_t groups_pos(const struct td_hb_hello *h)
{
    size_t i = ext_index(h, TD_HB_EXT_SIGNATURE_ALGORITHMS);
    return i == SIZE_MAX ? SIZE_MAX : i + 1;
}

/* Where 2.28 would put signature_algorithms: after server_name and
 * renegotiation_info. */
static size_t sigalgs_pos(const struct td_hb_hello *h)
{
    size_t pos = 0;
    while (pos < h->n_exts && (h->exts[pos].type == TD_HB_EXT_SERVER_NAME
                               || h->exts[pos].type == 0xff01))
        pos++;
    return pos;
}

int td_hb_set_groups(struct td_hb_hello *h, const uint16_t *g, size_t n)
{
    return set_u16_list_ext(h, TD_HB_EXT_SUPPORTED_GROUPS, g, n,
                            groups_pos(h));
}

int td_hb_add_group(struct td_hb_hello *h, uint16_t group)
{
    return add_u16_list_ext(h, TD_HB_EXT_SUPPORTED_GROUPS, group,
                            groups_pos(h));
}

int td_hb_set_sigalgs(struct td_hb_hello *h, const uint16_t *s, size_t n)
{
    return set_u16_list_ext(h, TD_HB_EXT_SIGNATURE_ALGORITHMS, s, n,
                            sigalgs_pos(h));
}

int td_hb_add_sigalg(struct td_hb_hello *h, uint16_t sigalg)
{
    return add_u16_list_ext(h, TD_HB_EXT_SIGNATURE_ALGORITHMS, sigalg,
                            sigalgs_pos(h));
}

int td_hb_add_tls13(struct td_hb_hello *h, uint16_t group,
                    const uint8_t *pub, size_t pub_len)
{
    if (!pub || pub_len == 0 || pub_len > 0xffff - 6)
        return TD_ERR_USAGE;
    /* supported_versions: ProtocolVersion versions<2..254> (1-byte
     * length in the ClientHello, RFC 8446 4.2.1). */
    static const uint8_t sv[] = {4, 0x03, 0x04, 0x03, 0x03};
    int rc = td_hb_set_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS, sv, sizeof(sv),
                           SIZE_MAX);
    /* key_share: KeyShareEntry client_shares<0..2^16-1>, each
     * NamedGroup group, opaque key_exchange<1..2^16-1> (4.2.8). */
    uint8_t *ks = NULL;
    if (!rc) {
        ks = malloc(pub_len + 6);
        if (!ks)
            return TD_ERR_NOMEM;
        put16(ks, pub_len + 4);
        put16(ks + 2, group);
        put16(ks + 4, pub_len);
        memcpy(ks + 6, pub, pub_len);
        rc = td_hb_set_ext(h, TD_HB_EXT_KEY_SHARE, ks, pub_len + 6,
                           SIZE_MAX);
        free(ks);
    }
    /* psk_key_exchange_modes: PskKeyExchangeMode ke_modes<1..255>,
     * psk_dhe_ke(1) (4.2.9); servers that resume need it. */
    static const uint8_t pm[] = {1, 1};
    if (!rc)
        rc = td_hb_set_ext(h, TD_HB_EXT_PSK_KEY_EXCHANGE_MODES, pm,
                           sizeof(pm), SIZE_MAX);
    if (!rc)
        rc = td_hb_add_group(h, group);
    static const uint16_t sigs[] = {0x0403, 0x0804, 0x0805, 0x0806};
    for (size_t i = 0; !rc && i < sizeof(sigs) / sizeof(sigs[0]); i++)
        rc = td_hb_add_sigalg(h, sigs[i]);
    /* TLS 1.3 suites (RFC 8446 B.4), first: a 1.3 server needs one. */
    static const uint16_t s13[] = {0x1301, 0x1302, 0x1303};
    for (size_t i = 0; !rc && i < sizeof(s13) / sizeof(s13[0]); i++)
        rc = td_hb_add_suite(h, s13[i], i);
    if (!rc && h->version > 0x0303)
        h->version = 0x0303;
    return rc;
}

int td_hb_set_version(struct td_hb_hello *h, uint16_t max)
{
    if (max < 0x0300 || max > 0x0304)
        return TD_ERR_USAGE;
    struct td_hb_ext *e = td_hb_find_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS);
    if (!e && max == 0x0304)
        return TD_ERR_USAGE;
    h->version = max < 0x0303 ? max : 0x0303;
    if (!e)
        return TD_OK;
    struct td_cur c, l;
    td_cur_init(&c, e->data, e->len, 0);
    if (!td_cur_vec(&c, 1, 0, 254, &l) || !td_cur_end(&c) || l.len % 2)
        return TD_ERR_MALFORMED;
    uint8_t b[256];
    size_t n = 0;
    bool has_max = false;
    if (max == 0x0304) {
        /* keep the original order, 0x0304 first if it must be added */
        for (size_t i = 0; i + 1 < l.len; i += 2)
            has_max |= (l.p[i] << 8 | l.p[i + 1]) == 0x0304;
        if (!has_max) {
            b[1 + n++] = 0x03;
            b[1 + n++] = 0x04;
        }
    }
    for (size_t i = 0; i + 1 < l.len; i += 2) {
        uint16_t v = (uint16_t)(l.p[i] << 8 | l.p[i + 1]);
        /* GREASE (RFC 8701) and unknown values above TLS 1.3 go */
        if (v > max)
            continue;
        b[1 + n++] = l.p[i];
        b[1 + n++] = l.p[i + 1];
    }
    if (n == 0) {
        td_hb_remove_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS);
        return TD_OK;
    }
    b[0] = (uint8_t)n;
    return td_hb_set_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS, b, n + 1,
                         SIZE_MAX);
}

bool td_hb_remove_mfl(struct td_hb_hello *h)
{
    return td_hb_remove_ext(h, TD_HB_EXT_MAX_FRAGMENT_LENGTH) > 0;
}

int td_hb_fresh_random(struct td_hb_hello *h, td_hb_rng_fn rng, void *ctx)
{
    uint8_t r[32];
    if (!rng || rng(ctx, r, sizeof(r)) != 0)
        return TD_ERR_IO;
    memcpy(h->random, r, sizeof(r));
    return TD_OK;
}

/* ------------------------------------------------------------------ */
/* the mbedTLS 2.28 template */

/* Suites 2.28 offers with a default configuration and no PSK: the
 * library's default list (mbedtls_ssl_list_ciphersuites, preference
 * order), those usable in TLS 1.2 with a certificate-based exchange. */
static bool template_suite(int id)
{
    const mbedtls_ssl_ciphersuite_t *cs = mbedtls_ssl_ciphersuite_from_id(id);
    if (!cs || cs->min_minor_ver > MBEDTLS_SSL_MINOR_VERSION_3
        || cs->max_minor_ver < MBEDTLS_SSL_MINOR_VERSION_3)
        return false;
    switch (cs->key_exchange) {
    case MBEDTLS_KEY_EXCHANGE_RSA:
    case MBEDTLS_KEY_EXCHANGE_DHE_RSA:
    case MBEDTLS_KEY_EXCHANGE_ECDHE_RSA:
    case MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA:
        return true;
    default:
        return false;
    }
}

int td_hb_template_228(struct td_hb_hello *h, const char *host,
                       td_hb_rng_fn rng, void *rng_ctx)
{
    td_hb_init(h);
    int rc = TD_OK;
    if (rng)
        rc = td_hb_fresh_random(h, rng, rng_ctx);
    const int *list = mbedtls_ssl_list_ciphersuites();
    for (size_t i = 0; !rc && list[i] != 0; i++)
        if (template_suite(list[i]))
            rc = suite_insert(h, (uint16_t)list[i], h->n_suites);
    /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3), last. */
    if (!rc)
        rc = suite_insert(h, 0x00ff, h->n_suites);
    if (!rc && host && *host)
        rc = td_hb_set_sni(h, host, strlen(host));
    /* signature_algorithms: per hash, strongest first, ECDSA then RSA
     * (2.28 ssl_write_signature_algorithms_ext over
     * ssl_preset_default_hashes; SHA-1 only with
     * MBEDTLS_TLS_DEFAULT_ALLOW_SHA1_IN_KEY_EXCHANGE). */
    static const uint16_t sigs[] = {
#if defined(MBEDTLS_SHA512_C)
        0x0603, 0x0601, 0x0503, 0x0501,
#endif
#if defined(MBEDTLS_SHA256_C)
        0x0403, 0x0401, 0x0303, 0x0301,
#endif
#if defined(MBEDTLS_SHA1_C) \
    && defined(MBEDTLS_TLS_DEFAULT_ALLOW_SHA1_IN_KEY_EXCHANGE)
        0x0203, 0x0201,
#endif
    };
    if (!rc)
        rc = td_hb_set_sigalgs(h, sigs, sizeof(sigs) / sizeof(sigs[0]));
    /* supported_groups ("elliptic_curves", RFC 4492 5.1.1): the
     * library's curve list in its order, as TLS ids. */
    uint16_t groups[64];
    size_t ng = 0;
    const mbedtls_ecp_group_id *gid = mbedtls_ecp_grp_id_list();
    for (size_t i = 0; !rc && gid[i] != MBEDTLS_ECP_DP_NONE && ng < 64; i++) {
        const mbedtls_ecp_curve_info *ci =
            mbedtls_ecp_curve_info_from_grp_id(gid[i]);
        if (ci && ci->tls_id)
            groups[ng++] = ci->tls_id;
    }
    if (!rc)
        rc = set_u16_list_ext(h, TD_HB_EXT_SUPPORTED_GROUPS, groups, ng,
                              SIZE_MAX);
    /* ec_point_formats: ECPointFormat list<1..2^8-1> = {uncompressed}. */
    static const uint8_t pf[] = {1, 0};
    if (!rc)
        rc = ext_insert(h, TD_HB_EXT_EC_POINT_FORMATS, pf, sizeof(pf),
                        SIZE_MAX);
    /* encrypt_then_mac (RFC 7366), extended_master_secret (RFC 7627),
     * session_ticket (RFC 5077): empty. */
    if (!rc)
        rc = ext_insert(h, TD_HB_EXT_ENCRYPT_THEN_MAC, NULL, 0, SIZE_MAX);
    if (!rc)
        rc = ext_insert(h, TD_HB_EXT_EXTENDED_MASTER_SECRET, NULL, 0,
                        SIZE_MAX);
    if (!rc)
        rc = ext_insert(h, TD_HB_EXT_SESSION_TICKET, NULL, 0, SIZE_MAX);
    return rc;
}

/* ------------------------------------------------------------------ */
/* serialisation */

/* Body length, or 0 with *err set when a vector cannot be written. */
static size_t body_len(const struct td_hb_hello *h, size_t *ext_block,
                       int *err)
{
    *err = TD_OK;
    if (h->n_suites == 0 || h->n_suites > TD_HB_MAX_SUITES
        || h->n_compression == 0 || h->session_id_len > 32) {
        *err = TD_ERR_LIMIT;
        return 0;
    }
    size_t ext = 0;
    for (size_t i = 0; i < h->n_exts; i++)
        ext += 4 + (size_t)h->exts[i].len;
    if (ext > TD_HB_MAX_EXT_BLOCK) {
        *err = TD_ERR_LIMIT;
        return 0;
    }
    *ext_block = ext;
    size_t n = 2 + 32 + 1 + h->session_id_len + 2 + 2 * h->n_suites + 1
               + h->n_compression;
    if (h->has_ext_block || h->n_exts)
        n += 2 + ext;
    return n;
}

int td_hb_build(const struct td_hb_hello *h, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    int err;
    size_t ext;
    size_t blen = body_len(h, &ext, &err);
    if (err)
        return err;
    uint8_t *b = malloc(4 + blen);
    if (!b)
        return TD_ERR_NOMEM;
    size_t o = 0;
    b[o++] = HS_CLIENT_HELLO;
    put24(b + o, blen);
    o += 3;
    put16(b + o, h->version);
    o += 2;
    memcpy(b + o, h->random, 32);
    o += 32;
    b[o++] = h->session_id_len;
    memcpy(b + o, h->session_id, h->session_id_len);
    o += h->session_id_len;
    put16(b + o, 2 * h->n_suites);
    o += 2;
    for (size_t i = 0; i < h->n_suites; i++, o += 2)
        put16(b + o, h->suites[i]);
    b[o++] = h->n_compression;
    memcpy(b + o, h->compression, h->n_compression);
    o += h->n_compression;
    if (h->has_ext_block || h->n_exts) {
        put16(b + o, ext);
        o += 2;
        for (size_t i = 0; i < h->n_exts; i++) {
            put16(b + o, h->exts[i].type);
            put16(b + o + 2, h->exts[i].len);
            o += 4;
            if (h->exts[i].len)
                memcpy(b + o, h->exts[i].data, h->exts[i].len);
            o += h->exts[i].len;
        }
    }
    *out = b;
    *out_len = o;
    return TD_OK;
}

int td_hb_record(const struct td_hb_hello *h, uint8_t **out,
                 size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    uint8_t *msg;
    size_t n;
    int rc = td_hb_build(h, &msg, &n);
    if (rc)
        return rc;
    size_t nrec = (n + TD_HB_MAX_FRAGMENT - 1) / TD_HB_MAX_FRAGMENT;
    uint8_t *b = malloc(n + 5 * nrec);
    if (!b) {
        free(msg);
        return TD_ERR_NOMEM;
    }
    uint16_t rv = h->record_version ? h->record_version : 0x0301;
    size_t o = 0;
    for (size_t at = 0; at < n; at += TD_HB_MAX_FRAGMENT) {
        size_t k = n - at < TD_HB_MAX_FRAGMENT ? n - at : TD_HB_MAX_FRAGMENT;
        /* TLSPlaintext: type(1) legacy_record_version(2) length(2). */
        b[o] = REC_HANDSHAKE;
        put16(b + o + 1, rv);
        put16(b + o + 3, k);
        memcpy(b + o + 5, msg + at, k);
        o += 5 + k;
    }
    free(msg);
    *out = b;
    *out_len = o;
    return TD_OK;
}
