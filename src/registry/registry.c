/* registry.c - lookups over the generated TLS registry tables.
 *
 * Implementation notes
 * - The data lives in tables.c, written by gen_registry.py from the IANA
 *   CSVs in iana/ and from overrides.csv; see those for where each fact
 *   comes from.  Every table is sorted, so each lookup is one bsearch and
 *   nothing here allocates or keeps state.
 * - Every id table starts its rows with a uint16_t id (checked below), so
 *   one comparator serves all of them.
 * - Names for values the registry does not have:
 *     "GREASE"          a GREASE value (RFC 8701) in the kinds that have
 *                       GREASE: suites, extensions, groups, signature
 *                       algorithms, versions;
 *     "unknown_0x1234"  any other 16-bit kind (4 hex digits, lower case);
 *     "unknown_0x2a"    the 8-bit kinds: alerts, EC point formats,
 *                       handshake types, content types, compression
 *                       methods (2 hex digits, as on the wire).
 *   An id wider than its kind prints with as many digits as it needs.
 * - Signature algorithms: hash is the code point's high byte and sig its
 *   low byte, for registry schemes too, because that is how a TLS 1.2
 *   peer (mbedTLS 2.x included) parses a signature_algorithms entry.  So
 *   0x0804 rsa_pss_rsae_sha256 has hash 8 ("Intrinsic") and sig 4, 0x0807
 *   ed25519 hash 8 and sig 7 (the SignatureAlgorithm registry's ed25519),
 *   and for 0x07xx/0x09xx schemes the two bytes mean nothing on their own.
 * - By-name lookups ignore ASCII case.  Suite names are also accepted in
 *   mbedTLS spelling: '-' for '_' ("TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256")
 *   and "TLS1-3-" for "TLS_" on TLS 1.3 suites ("TLS1-3-AES-128-GCM-
 *   SHA256"); mbedTLS names that differ otherwise (0xC0AA/0xC0AB
 *   "TLS-DHE-PSK-WITH-AES-128/256-CCM-8") are aliases in the tables.
 */
#include "tlsdiag/registry.h"

#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(offsetof(struct td_suite_info, id) == 0,
               "id must lead the row: cmp_id reads it");
_Static_assert(offsetof(struct td_group_info, id) == 0,
               "id must lead the row: cmp_id reads it");
_Static_assert(offsetof(struct td_sigalg_info, id) == 0,
               "id must lead the row: cmp_id reads it");
_Static_assert(offsetof(struct td_reg_code, id) == 0,
               "id must lead the row: cmp_id reads it");

/* Longest name a by-name lookup considers; IANA names stay under 64. */
#define TD_REG_NAME_MAX 96

/* bsearch comparator: key is a uint16_t, elem a row led by its id. */
static int cmp_id(const void *key, const void *elem)
{
    uint16_t k = *(const uint16_t *)key;
    uint16_t e = *(const uint16_t *)elem;
    return (k > e) - (k < e);
}

/* The row with this id in a sorted table, or NULL. */
static const void *find_id(const void *rows, size_t n, size_t size,
                           uint32_t id)
{
    if (id > 0xffff)
        return NULL;
    uint16_t key = (uint16_t)id;
    return bsearch(&key, rows, n, size, cmp_id);
}

static const char *code_name(const struct td_reg_code *rows, size_t n,
                             uint32_t id)
{
    const struct td_reg_code *c = find_id(rows, n, sizeof(*rows), id);
    return c ? c->name : NULL;
}

/* ASCII-only lower case: names are ASCII and locale must not matter. */
static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True if s starts with prefix, ignoring ASCII case; s holds at least
 * strlen(prefix) bytes. */
static bool has_prefix(const char *s, const char *prefix)
{
    for (size_t i = 0; prefix[i]; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)prefix[i]))
            return false;
    return true;
}

/* A name being looked up: s[0..len), no NUL inside. */
struct name_key {
    const char *s;
    size_t len;
};

/* Orders like the generator's sort: bytes compared after lower(). */
static int cmp_name(const void *key, const void *elem)
{
    const struct name_key *k = key;
    const unsigned char *name =
        (const unsigned char *)((const struct td_reg_alias *)elem)->name;
    size_t i;

    for (i = 0; i < k->len; i++) {
        unsigned char a = lower((unsigned char)k->s[i]);
        unsigned char b = lower(name[i]);
        if (a != b)
            return (a > b) - (a < b);   /* b == 0 ends the name: key longer */
    }
    return name[i] == '\0' ? 0 : -1;
}

/* Id of the name s[0..len) in a name index, or -1. */
static int find_name(const struct td_reg_alias *rows, size_t n,
                     const char *s, size_t len)
{
    if (!s || len == 0 || len > TD_REG_NAME_MAX || memchr(s, '\0', len))
        return -1;
    struct name_key key = {s, len};
    const struct td_reg_alias *a =
        bsearch(&key, rows, n, sizeof(*rows), cmp_name);
    return a ? a->id : -1;
}

bool td_reg_is_grease(uint16_t v)
{
    /* RFC 8701: both bytes equal, each 0x?A. */
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const struct td_suite_info *td_reg_suite(uint16_t id)
{
    return find_id(td_reg_suite_rows, td_reg_suite_rows_n,
                   sizeof(td_reg_suite_rows[0]), id);
}

const struct td_group_info *td_reg_group(uint16_t id)
{
    return find_id(td_reg_group_rows, td_reg_group_rows_n,
                   sizeof(td_reg_group_rows[0]), id);
}

const struct td_sigalg_info *td_reg_sigalg(uint16_t id)
{
    return find_id(td_reg_sigalg_rows, td_reg_sigalg_rows_n,
                   sizeof(td_reg_sigalg_rows[0]), id);
}

const char *td_reg_lookup(enum td_reg_kind kind, uint32_t id)
{
    const void *row;

    switch (kind) {
    case TD_REG_SUITE:
        row = find_id(td_reg_suite_rows, td_reg_suite_rows_n,
                      sizeof(td_reg_suite_rows[0]), id);
        return row ? ((const struct td_suite_info *)row)->name : NULL;
    case TD_REG_GROUP:
        row = find_id(td_reg_group_rows, td_reg_group_rows_n,
                      sizeof(td_reg_group_rows[0]), id);
        return row ? ((const struct td_group_info *)row)->name : NULL;
    case TD_REG_SIGALG:
        row = find_id(td_reg_sigalg_rows, td_reg_sigalg_rows_n,
                      sizeof(td_reg_sigalg_rows[0]), id);
        return row ? ((const struct td_sigalg_info *)row)->name : NULL;
    case TD_REG_EXT:
        return code_name(td_reg_ext_rows, td_reg_ext_rows_n, id);
    case TD_REG_ALERT:
        return code_name(td_reg_alert_rows, td_reg_alert_rows_n, id);
    case TD_REG_VERSION:
        return code_name(td_reg_version_rows, td_reg_version_rows_n, id);
    case TD_REG_POINT_FORMAT:
        return code_name(td_reg_point_format_rows,
                         td_reg_point_format_rows_n, id);
    case TD_REG_HS_TYPE:
        return code_name(td_reg_hs_type_rows, td_reg_hs_type_rows_n, id);
    case TD_REG_CONTENT_TYPE:
        return code_name(td_reg_content_type_rows,
                         td_reg_content_type_rows_n, id);
    case TD_REG_COMPRESSION:
        return code_name(td_reg_compression_rows,
                         td_reg_compression_rows_n, id);
    }
    return NULL;
}

/* Kinds whose code points are one byte on the wire. */
static bool is_8bit(enum td_reg_kind kind)
{
    return kind == TD_REG_ALERT || kind == TD_REG_POINT_FORMAT ||
           kind == TD_REG_HS_TYPE || kind == TD_REG_CONTENT_TYPE ||
           kind == TD_REG_COMPRESSION;
}

const char *td_reg_name(enum td_reg_kind kind, uint32_t id,
                        char buf[TD_REG_NAMEBUF])
{
    const char *name = td_reg_lookup(kind, id);

    if (name)
        return name;
    if (!is_8bit(kind) && id <= 0xffff && td_reg_is_grease((uint16_t)id))
        return "GREASE";
    snprintf(buf, TD_REG_NAMEBUF, is_8bit(kind) ? "unknown_0x%02x"
                                                : "unknown_0x%04x",
             (unsigned)id);
    return buf;
}

const struct td_suite_info *td_reg_suite_by_name(const char *name,
                                                 size_t len)
{
    static const char tls13[] = "TLS1-3-";
    char buf[TD_REG_NAME_MAX];
    size_t skip = 0, n = 0;
    bool want13 = false;

    if (!name || len == 0 || len > TD_REG_NAME_MAX)
        return NULL;
    /* mbedTLS writes TLS 1.3 suites "TLS1-3-AES-128-GCM-SHA256". */
    if (len > sizeof(tls13) - 1 && has_prefix(name, tls13)) {
        /* buf is counted by n, never read as a C string.
         * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
        memcpy(buf, "TLS_", 4);
        n = 4;
        skip = sizeof(tls13) - 1;
        want13 = true;
    }
    for (size_t i = skip; i < len; i++)
        buf[n++] = (char)(name[i] == '-' ? '_' : name[i]);

    int id = find_name(td_reg_suite_names, td_reg_suite_names_n, buf, n);
    if (id < 0)
        return NULL;
    const struct td_suite_info *s = td_reg_suite((uint16_t)id);
    if (s && want13 && !s->tls13)
        return NULL;
    return s;
}

const struct td_group_info *td_reg_group_by_name(const char *name,
                                                 size_t len)
{
    int id = find_name(td_reg_group_names, td_reg_group_names_n, name, len);
    return id < 0 ? NULL : td_reg_group((uint16_t)id);
}

int td_reg_alert_by_name(const char *name, size_t len)
{
    return find_name(td_reg_alert_names, td_reg_alert_names_n, name, len);
}

size_t td_reg_suite_count(void)
{
    return td_reg_suite_rows_n;
}

const struct td_suite_info *td_reg_suite_at(size_t i)
{
    return i < td_reg_suite_rows_n ? &td_reg_suite_rows[i] : NULL;
}

size_t td_reg_group_count(void)
{
    return td_reg_group_rows_n;
}

const struct td_group_info *td_reg_group_at(size_t i)
{
    return i < td_reg_group_rows_n ? &td_reg_group_rows[i] : NULL;
}

size_t td_reg_sigalg_count(void)
{
    return td_reg_sigalg_rows_n;
}

const struct td_sigalg_info *td_reg_sigalg_at(size_t i)
{
    return i < td_reg_sigalg_rows_n ? &td_reg_sigalg_rows[i] : NULL;
}
