/* explain.c - read an alert, an mbedTLS error code or X.509 verify flags
 * from one argument and fill explanations from src/explain_tables.c.
 *
 * Implementation notes:
 * - Error codes: mbedTLS codes are negative and at most 16 bits; the high
 *   part (code & 0xFF80) names a high-level module (SSL, X509, PK, RSA),
 *   the low part (code & 0x7F) a low-level one (MPI, ASN1, NET).  A code
 *   with both parts (-0x4290) is explained part by part, unless the table
 *   has a row for the exact value (PSA status codes such as -137 would
 *   otherwise split into nonsense).
 * - Library texts: the linked library is 2.28.3, so mbedtls_strerror() is
 *   right for 2.x and for codes both majors share; 3.x meanings and newer
 *   codes carry their text in the table.
 * - Nothing here allocates or keeps state; entries point into the static
 *   tables and into the caller's argument string.
 */
#include "tlsdiag/explain.h"

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <mbedtls/error.h>
#include <mbedtls/x509_crt.h>

#include <stdio.h>
#include <string.h>

#define MAX_ARG_LEN 128     /* longer arguments are not codes */
#define MAX_NAME_LEN 96     /* longest error name is 57 characters */

static const char VERSIONS_BOTH[] = "2.x and 3.x";
static const char VERSIONS_2[] = "2.x";
static const char VERSIONS_3[] = "3.x";

/* ---- small character helpers (locale independent) ---- */

static bool is_dec(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char to_upper(char c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

static char to_lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static bool all_dec(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_dec(p[i]))
            return false;
    return true;
}

static bool all_hex(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (hex_val(p[i]) < 0)
            return false;
    return true;
}

/* Digits p[0..n) in base 10 or 16 into *out; false when a character is
 * not a digit or the value exceeds UINT32_MAX. */
static bool parse_u32(const char *p, size_t n, int base, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++) {
        int d = base == 16 ? hex_val(p[i]) : is_dec(p[i]) ? p[i] - '0' : -1;
        if (d < 0)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > UINT32_MAX)
            return false;
    }
    *out = v;
    return true;
}

/* Case-insensitive equality of p[0..n) with the NUL-terminated s. */
static bool eq_nocase(const char *p, size_t n, const char *s)
{
    size_t i = 0;
    for (; i < n && s[i]; i++)
        if (to_lower(p[i]) != to_lower(s[i]))
            return false;
    return i == n && s[i] == '\0';
}

/* ---- table lookups ---- */

static const struct td_alert_row *alert_row(unsigned desc)
{
    size_t n;
    const struct td_alert_row *rows = td_explain_alert_rows(&n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].desc == desc)
            return &rows[i];
    return NULL;
}

static const struct td_x509_flag_row *flag_row(uint32_t bit)
{
    size_t n;
    const struct td_x509_flag_row *rows = td_explain_x509_rows(&n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].bit == bit)
            return &rows[i];
    return NULL;
}

/* The name row of exactly (code, major). */
static const struct td_mberr_name_row *name_exact(int32_t code, int major)
{
    size_t n;
    const struct td_mberr_name_row *rows = td_explain_mberr_names(&n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].code == code && rows[i].major == major)
            return &rows[i];
    return NULL;
}

/* The row that names `code` for `major` (2 or 3), or for 0 the row shared
 * by both, else the 2.x row, else the 3.x row. */
static const struct td_mberr_name_row *name_for(int32_t code, int major)
{
    const struct td_mberr_name_row *r = name_exact(code, 0);
    if (r)
        return r;
    if (major == 2 || major == 3)
        return name_exact(code, major);
    r = name_exact(code, 2);
    return r ? r : name_exact(code, 3);
}

static bool code_known(int32_t code)
{
    return name_exact(code, 0) || name_exact(code, 2) || name_exact(code, 3);
}

static const struct td_mberr_info_row *info_for(int32_t code, int major)
{
    size_t n;
    const struct td_mberr_info_row *rows = td_explain_mberr_infos(&n);
    const struct td_mberr_info_row *shared = NULL;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].code != code)
            continue;
        if (rows[i].major == major)
            return &rows[i];
        if (rows[i].major == 0)
            shared = &rows[i];
    }
    return shared;
}

static const char *versions_of(int major)
{
    return major == 2 ? VERSIONS_2 : major == 3 ? VERSIONS_3 : VERSIONS_BOTH;
}

/* ---- public lookups ---- */

const char *td_mberr_name(int32_t code, int major)
{
    const struct td_mberr_name_row *r = name_for(code, major);
    return r ? r->name : NULL;
}

bool td_mberr_differs(int32_t code)
{
    const struct td_mberr_name_row *a = name_exact(code, 2);
    const struct td_mberr_name_row *b = name_exact(code, 3);
    return a && b && strcmp(a->name, b->name) != 0;
}

const char *td_mberr_versions(int32_t code, int major)
{
    const struct td_mberr_name_row *r = name_for(code, major);
    return r ? versions_of(r->major) : NULL;
}

/* Text of one part (a whole high or low code, or an exact table value)
 * as the given major's mbedtls_strerror() would print it. */
static void part_text(int32_t part, int major, char *buf, size_t len)
{
    const struct td_mberr_name_row *r = name_for(part, major);
    unsigned mag = (unsigned)-(int64_t)part & 0xffffu;
    if (!r && major != 0 && code_known(part)) {
        /* The code exists, but only in the other major. */
        snprintf(buf, len, "UNKNOWN ERROR CODE (%04X)", mag);
        return;
    }
    if (r && r->text) {
        snprintf(buf, len, "%s", r->text);
        return;
    }
    mbedtls_strerror(part, buf, len);
}

const char *td_mberr_text(int32_t code, int major, char *buf, size_t len)
{
    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    int64_t c = code > 0 ? -(int64_t)code : code;
    if (c == 0 || c < -0xffff)
        return buf;
    if (code_known((int32_t)c)) {
        part_text((int32_t)c, major, buf, len);
        return buf;
    }
    uint32_t mag = (uint32_t)-c;
    uint32_t hi = mag & 0xff80u, lo = mag & 0x7fu;
    if (hi)
        part_text(-(int32_t)hi, major, buf, len);
    if (hi && lo) {
        size_t used = strlen(buf);
        if (len - used > 3) {
            memcpy(buf + used, " : ", 4);
            used += 3;
            part_text(-(int32_t)lo, major, buf + used, len - used);
        }
    } else if (lo) {
        part_text(-(int32_t)lo, major, buf, len);
    }
    return buf;
}

const char *td_alert_meaning(uint8_t desc)
{
    const struct td_alert_row *r = alert_row(desc);
    return r ? r->meaning : NULL;
}

const char *td_alert_name(uint8_t desc)
{
    const struct td_alert_row *r = alert_row(desc);
    return r ? r->name : NULL;
}

const char *td_alert_macro(uint8_t desc)
{
    const struct td_alert_row *r = alert_row(desc);
    return r ? r->macro : NULL;
}

const char *td_x509_flag_text(uint32_t bit)
{
    const struct td_x509_flag_row *r = flag_row(bit);
    return r ? r->text : NULL;
}

const char *td_x509_flag_name(uint32_t bit)
{
    const struct td_x509_flag_row *r = flag_row(bit);
    return r ? r->name : NULL;
}

int td_x509_flag_alert(uint32_t bit)
{
    const struct td_x509_flag_row *r = flag_row(bit);
    return r ? r->alert : -1;
}

/* ---- filling entries ---- */

static void set_lists(struct td_explanation *e,
                      const char *const causes[TD_EXPLAIN_MAX_LIST],
                      const char *const next[TD_EXPLAIN_MAX_LIST])
{
    for (size_t i = 0; i < TD_EXPLAIN_MAX_LIST && causes && causes[i]; i++)
        e->causes[e->n_causes++] = causes[i];
    for (size_t i = 0; i < TD_EXPLAIN_MAX_LIST && next && next[i]; i++)
        e->next_steps[e->n_next_steps++] = next[i];
}

static struct td_explanation *new_entry(struct td_explanation *out,
                                        size_t max, size_t *n,
                                        const char *input,
                                        enum td_explain_kind kind)
{
    if (*n >= max)
        return NULL;
    struct td_explanation *e = &out[(*n)++];
    memset(e, 0, sizeof(*e));
    e->input = input;
    e->kind = kind;
    return e;
}

static const char WARNING_NOTE[] =
    "Received as a warning ([1:N]): mbedTLS ignores warning alerts other "
    "than close_notify and no_renegotiation, so this alert alone did not "
    "end the handshake";

static const char *const UNKNOWN_ALERT_CAUSES[TD_EXPLAIN_MAX_LIST] = {
    "The number did not come from a TLS alert (a misread log line or "
    "hexdump), or the peer is not speaking TLS",
};
static const char *const UNKNOWN_ALERT_NEXT[TD_EXPLAIN_MAX_LIST] = {
    "Check where the number came from: tlsdiag log and tlsdiag pcap decode "
    "alerts from the log or capture themselves",
    "For X.509 verification flags use tlsdiag explain --flags VALUE",
};

static int explain_alert(const char *input, unsigned desc, int level,
                         struct td_explanation *out, size_t max, size_t *n)
{
    struct td_explanation *e = new_entry(out, max, n, input,
                                         TD_EXPLAIN_ALERT);
    if (!e)
        return TD_ERR_LIMIT;
    const struct td_alert_row *r = alert_row(desc);
    e->code = desc;
    e->name = td_reg_lookup(TD_REG_ALERT, desc);
    if (!e->name && r)
        e->name = r->name;
    if (!r) {
        e->meaning = "Not an assigned TLS alert description (IANA "
                     "tls-parameters-6).";
        set_lists(e, UNKNOWN_ALERT_CAUSES, UNKNOWN_ALERT_NEXT);
        return 0;
    }
    e->meaning = r->meaning;
    if (level == 1 && desc != 0 && desc != 100)
        e->causes[e->n_causes++] = WARNING_NOTE;
    for (size_t i = 0; i < TD_EXPLAIN_MAX_LIST && r->causes[i]
                       && e->n_causes < TD_EXPLAIN_MAX_LIST; i++)
        e->causes[e->n_causes++] = r->causes[i];
    set_lists(e, NULL, r->next_steps);
    return 0;
}

static const char *const GENERIC_NEXT[TD_EXPLAIN_MAX_LIST] = {
    "Turn on the debug log (mbedtls_ssl_conf_dbg() and "
    "mbedtls_debug_set_threshold(3)) and read the lines just before the "
    "error, or run tlsdiag log on it",
};
static const char *const UNKNOWN_ERROR_CAUSES[TD_EXPLAIN_MAX_LIST] = {
    "A value that did not come from mbedTLS (errno, an application code)",
    "A code printed with the wrong format, e.g. a positive value printed "
    "with \"-0x%x\"",
};
static const char *const UNKNOWN_ERROR_NEXT[TD_EXPLAIN_MAX_LIST] = {
    "Print mbedTLS errors as printf(\"-0x%04x\", (unsigned int) -ret) "
    "together with mbedtls_strerror()",
    "Negative numbers without 0x are read as decimal (-9984 is -0x2700); "
    "write -0x... for hex",
};

/* Rows naming `code` for `major`: the shared row; for 0 both version
 * rows; for 2 or 3 that version's row, or the other one when only that
 * exists (the caller can tell from `versions`). */
static size_t select_rows(int32_t code, int major,
                          const struct td_mberr_name_row *rows[2])
{
    const struct td_mberr_name_row *r0 = name_exact(code, 0);
    const struct td_mberr_name_row *r2 = name_exact(code, 2);
    const struct td_mberr_name_row *r3 = name_exact(code, 3);
    size_t k = 0;
    if (r0) {
        rows[k++] = r0;
    } else if (major == 2) {
        if (r2 || r3)
            rows[k++] = r2 ? r2 : r3;
    } else if (major == 3) {
        if (r2 || r3)
            rows[k++] = r3 ? r3 : r2;
    } else {
        if (r2)
            rows[k++] = r2;
        if (r3)
            rows[k++] = r3;
    }
    return k;
}

/* Recursive once at most: a composite code is split into its high and low
 * parts, each explained with part_of set, which does not split again.
 * NOLINTNEXTLINE(misc-no-recursion) */
static int explain_code(const char *input, int32_t code, int major,
                        int64_t part_of, struct td_explanation *out,
                        size_t max, size_t *n)
{
    const struct td_mberr_name_row *rows[2];
    size_t k = select_rows(code, major, rows);
    uint32_t mag = (uint32_t)-(int64_t)code;
    uint32_t hi = mag & 0xff80u, lo = mag & 0x7fu;

    if (k == 0 && part_of == 0 && hi && lo) {
        int rc = explain_code(input, -(int32_t)hi, major, code, out, max, n);
        if (rc == 0)
            rc = explain_code(input, -(int32_t)lo, major, code, out, max, n);
        return rc;
    }
    if (k == 0) {
        struct td_explanation *e = new_entry(out, max, n, input,
                                             TD_EXPLAIN_MBEDTLS_ERROR);
        if (!e)
            return TD_ERR_LIMIT;
        e->code = code;
        e->part_of = part_of;
        td_mberr_text(code, major, e->library_text, sizeof(e->library_text));
        e->meaning = "Not an error code of mbedTLS 2.28 or 3.6 that tlsdiag "
                     "knows.";
        set_lists(e, UNKNOWN_ERROR_CAUSES, UNKNOWN_ERROR_NEXT);
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        struct td_explanation *e = new_entry(out, max, n, input,
                                             TD_EXPLAIN_MBEDTLS_ERROR);
        if (!e)
            return TD_ERR_LIMIT;
        int row_major = rows[i]->major;
        e->code = code;
        e->part_of = part_of;
        e->name = rows[i]->name;
        e->versions = versions_of(row_major);
        td_mberr_text(code, row_major ? row_major : major, e->library_text,
                      sizeof(e->library_text));
        const struct td_mberr_info_row *info = info_for(code, row_major);
        if (info) {
            e->meaning = info->meaning;
            set_lists(e, info->causes, info->next_steps);
        } else {
            e->meaning = "tlsdiag has no notes of its own on this code; the "
                         "library text is what mbedTLS says about it.";
            set_lists(e, NULL, GENERIC_NEXT);
        }
    }
    return 0;
}

static const char *const NO_FLAGS_NEXT[TD_EXPLAIN_MAX_LIST] = {
    "If the handshake still failed, the cause is elsewhere: explain the "
    "error code, or run tlsdiag log on the debug log",
};
static const char *const UNKNOWN_FLAGS_CAUSES[TD_EXPLAIN_MAX_LIST] = {
    "The value was not read from a verification result (e.g. it is a "
    "return code)",
};
static const char *const UNKNOWN_FLAGS_NEXT[TD_EXPLAIN_MAX_LIST] = {
    "Take the value from the log line \"! Certificate verification flags "
    "%08x\" or from mbedtls_ssl_get_verify_result()",
};

/* mbedtls_x509_crt_verify_info() for one bit, without the newline. */
static void verify_info(uint32_t bit, char *buf, size_t len)
{
    buf[0] = '\0';
    if (mbedtls_x509_crt_verify_info(buf, len, "", bit) < 0)
        buf[0] = '\0';
    size_t l = strlen(buf);
    while (l > 0 && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
        buf[--l] = '\0';
}

static int explain_flags(const char *input, const char *p, size_t len,
                         struct td_explanation *out, size_t max, size_t *n)
{
    uint64_t v;
    if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        len -= 2;
    }
    if (len > 8 || !all_hex(p, len) || !parse_u32(p, len, 16, &v))
        return TD_ERR_USAGE;
    uint32_t flags = (uint32_t)v;

    size_t rows_n;
    const struct td_x509_flag_row *rows = td_explain_x509_rows(&rows_n);
    uint32_t known = 0;
    size_t bits = 0;
    for (size_t i = 0; i < rows_n; i++) {
        known |= rows[i].bit;
        if (flags & rows[i].bit)
            bits++;
    }
    uint32_t unknown = flags & ~known;
    size_t need = bits + (unknown != 0) + (flags == 0);
    if (need > max - *n)
        return TD_ERR_LIMIT;
    int64_t part_of = need > 1 ? (int64_t)flags : 0;

    if (flags == 0) {
        struct td_explanation *e = new_entry(out, max, n, input,
                                             TD_EXPLAIN_X509_FLAGS);
        e->code = 0;
        e->versions = VERSIONS_BOTH;
        e->meaning = "No verification flag is set: the certificate chain "
                     "verified (\"Certificate verification flags clear\").";
        set_lists(e, NULL, NO_FLAGS_NEXT);
        return 0;
    }
    for (size_t i = 0; i < rows_n; i++) {
        if (!(flags & rows[i].bit))
            continue;
        struct td_explanation *e = new_entry(out, max, n, input,
                                             TD_EXPLAIN_X509_FLAGS);
        e->code = rows[i].bit;
        e->part_of = part_of;
        e->name = rows[i].name;
        e->versions = VERSIONS_BOTH;
        verify_info(rows[i].bit, e->library_text, sizeof(e->library_text));
        if (!e->library_text[0])
            snprintf(e->library_text, sizeof(e->library_text), "%s",
                     rows[i].text);
        e->meaning = rows[i].meaning;
        set_lists(e, rows[i].causes, rows[i].next_steps);
    }
    if (unknown) {
        struct td_explanation *e = new_entry(out, max, n, input,
                                             TD_EXPLAIN_X509_FLAGS);
        e->code = unknown;
        e->part_of = part_of;
        e->meaning = "Bits that are not X.509 verify flags of mbedTLS 2.28 "
                     "or 3.6.";
        set_lists(e, UNKNOWN_FLAGS_CAUSES, UNKNOWN_FLAGS_NEXT);
    }
    return 0;
}

/* ---- reading the argument ---- */

/* "[2:40]", "2:40" or a decimal 0..255: the alert description and level
 * (0 when not given).  False when p is not one of these forms. */
static bool parse_alert_number(const char *p, size_t len, unsigned *desc,
                               int *level)
{
    uint64_t v, l;
    *level = 0;
    if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
        p++;
        len -= 2;
        if (!memchr(p, ':', len))
            return false;
    }
    const char *colon = memchr(p, ':', len);
    if (colon) {
        size_t ll = (size_t)(colon - p);
        if (!all_dec(p, ll) || !parse_u32(p, ll, 10, &l) || l < 1 || l > 2)
            return false;
        *level = (int)l;
        len -= ll + 1;
        p = colon + 1;
    }
    if (!all_dec(p, len) || len > 3 || !parse_u32(p, len, 10, &v)
        || v > 255)
        return false;
    *desc = (unsigned)v;
    return true;
}

/* An error code in one of the number forms.  Returns 1 and sets *code,
 * 0 when p is not a number form, -1 when it is one but not an mbedTLS
 * code (zero, too large). */
static int parse_error_number(const char *p, size_t len, int32_t *code)
{
    bool neg = p[0] == '-';
    const char *q = p + neg;
    size_t m = len - neg;
    uint64_t v;

    if (m > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
        if (m - 2 > 8 || !all_hex(q + 2, m - 2))
            return all_hex(q + 2, m - 2) ? -1 : 0;
        if (!parse_u32(q + 2, m - 2, 16, &v))
            return -1;
    } else if (neg) {
        if (!all_dec(q, m))
            return 0;
        if (m > 10 || !parse_u32(q, m, 10, &v))
            return -1;
    } else {
        if (!all_hex(q, m))
            return 0;
        if (m <= 4) {
            if (!parse_u32(q, m, 16, &v))
                return -1;
        } else if (all_dec(q, m)) {
            if (m > 10 || !parse_u32(q, m, 10, &v))
                return -1;
        } else {
            if (m > 8 || !parse_u32(q, m, 16, &v))
                return -1;
        }
    }
    uint64_t mag = v;
    if (v >= 0x80000000u)       /* a negative int printed as unsigned */
        mag = 0x100000000u - v;
    if (mag == 0 || mag > 0x7fff)
        return -1;
    *code = -(int32_t)mag;
    return 1;
}

/* Alert by name: IANA name in any case, "_RESERVED" optional, or the
 * mbedTLS macro (with or without MBEDTLS_SSL_ALERT_MSG_).  -1 if none. */
static int alert_by_name(const char *p, size_t len)
{
    char lc[MAX_NAME_LEN];
    if (len == 0 || len >= sizeof(lc))
        return -1;
    for (size_t i = 0; i < len; i++)
        lc[i] = to_lower(p[i]);
    lc[len] = '\0';
    int id = td_reg_alert_by_name(lc, len);
    if (id >= 0 && id <= 255)
        return id;

    static const char prefix[] = "MBEDTLS_SSL_ALERT_MSG_";
    size_t pl = sizeof(prefix) - 1;
    size_t n;
    const struct td_alert_row *rows = td_explain_alert_rows(&n);
    for (size_t i = 0; i < n; i++) {
        const char *name = rows[i].name;
        size_t nl = strlen(name);
        if (eq_nocase(p, len, name))
            return rows[i].desc;
        if (nl > 9 && strcmp(name + nl - 9, "_RESERVED") == 0
            && len == nl - 9 && strncmp(lc, name, len) == 0)
            return rows[i].desc;
        const char *macro = rows[i].macro;
        if (macro && (eq_nocase(p, len, macro)
                      || (strlen(macro) > pl
                          && eq_nocase(p, len, macro + pl))))
            return rows[i].desc;
    }
    return -1;
}

/* Error rows whose name is p (any case; MBEDTLS_ERR_ optional).  Keeps
 * the rows of `major` when it is 2 or 3 and some match it. */
static size_t rows_by_name(const char *p, size_t len, int major,
                           const struct td_mberr_name_row *found[4])
{
    char uc[MAX_NAME_LEN];
    static const char prefix[] = "MBEDTLS_ERR_";
    size_t pl = sizeof(prefix) - 1;
    if (len == 0 || len + pl >= sizeof(uc))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (!(is_dec(c) || c == '_' || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')))
            return 0;
        uc[i] = to_upper(c);
    }
    uc[len] = '\0';

    size_t n, k = 0;
    const struct td_mberr_name_row *rows = td_explain_mberr_names(&n);
    for (size_t i = 0; i < n && k < 4; i++) {
        const char *name = rows[i].name;
        bool hit = strcmp(name, uc) == 0
                   || (strncmp(name, prefix, pl) == 0
                       && strcmp(name + pl, uc) == 0);
        if (hit)
            found[k++] = &rows[i];
    }
    if (k == 0) {
        /* Without the module: FATAL_ALERT_MESSAGE, when only one name
         * MBEDTLS_ERR_<MODULE>_<it> exists. */
        const char *only = NULL;
        for (size_t i = 0; i < n; i++) {
            const char *name = rows[i].name;
            size_t nl = strlen(name);
            if (strncmp(name, prefix, pl) != 0 || nl < pl + len + 2
                || strcmp(name + nl - len, uc) != 0
                || name[nl - len - 1] != '_'
                || memchr(name + pl, '_', nl - len - 1 - pl))
                continue;
            if (only && strcmp(only, name) != 0)
                return 0;           /* ambiguous: ALLOC_FAILED */
            only = name;
            if (k < 4)
                found[k++] = &rows[i];
        }
    }
    if (major == 2 || major == 3) {
        size_t keep = 0;
        for (size_t i = 0; i < k; i++)
            if (found[i]->major == 0 || found[i]->major == major)
                found[keep++] = found[i];
        if (keep > 0)
            k = keep;
    }
    return k;
}

int td_explain(const char *arg, bool as_flags, int major,
               struct td_explanation *out, size_t max, size_t *n)
{
    size_t n0 = 0;
    if (!n)
        n = &n0;
    *n = 0;
    if (!arg || !out)
        return TD_ERR_USAGE;
    if (major != 2 && major != 3)
        major = 0;

    const char *p = arg;
    size_t len = strlen(arg);
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'
                       || p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len == 0 || len > MAX_ARG_LEN || memchr(p, '\0', len))
        return TD_ERR_USAGE;

    if (as_flags)
        return explain_flags(arg, p, len, out, max, n);

    unsigned desc;
    int level;
    if (parse_alert_number(p, len, &desc, &level))
        return explain_alert(arg, desc, level, out, max, n);

    /* Eight bare hex digits below 80000000 are verify flags as mbedTLS
     * prints them ("Certificate verification flags %08x"); an error code
     * printed that wide is a negative int seen as unsigned (ffff8880). */
    uint64_t v;
    if (len == 8 && all_hex(p, len) && parse_u32(p, len, 16, &v)
        && v < 0x80000000u)
        return explain_flags(arg, p, len, out, max, n);

    int32_t code;
    int r = parse_error_number(p, len, &code);
    if (r > 0)
        return explain_code(arg, code, major, 0, out, max, n);
    if (r < 0)
        return TD_ERR_USAGE;

    int id = alert_by_name(p, len);
    if (id >= 0)
        return explain_alert(arg, (unsigned)id, 0, out, max, n);

    const struct td_mberr_name_row *found[4];
    size_t k = rows_by_name(p, len, major, found);
    if (k == 0)
        return TD_ERR_USAGE;
    for (size_t i = 0; i < k; i++) {
        /* Name the row asked for: its own major, even if the code has a
         * row for the other major too. */
        int want = found[i]->major ? found[i]->major : major;
        int rc = explain_code(arg, found[i]->code, want, 0, out, max, n);
        if (rc)
            return rc;
    }
    return 0;
}
