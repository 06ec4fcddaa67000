/* explain.h - what alerts, mbedTLS error codes and X.509 verify flags mean.
 *
 * Hand-written knowledge as {code, name, text} rows (src/explain_tables.c),
 * combined with the linked library's mbedtls_strerror() text.  Codes whose
 * meaning changed between mbedTLS 2.x and 3.x have one row per version;
 * codes newer than the linked library come from the project's table.
 */
#ifndef TLSDIAG_EXPLAIN_H
#define TLSDIAG_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum td_explain_kind {
    TD_EXPLAIN_ALERT,
    TD_EXPLAIN_MBEDTLS_ERROR,
    TD_EXPLAIN_X509_FLAGS,
};

#define TD_EXPLAIN_MAX_LIST 8

struct td_explanation {
    const char *input;          /* the argument as given */
    enum td_explain_kind kind;
    int64_t code;               /* alert number, negative error code, flags */
    const char *name;           /* handshake_failure, MBEDTLS_ERR_SSL_..., flag names */
    char library_text[200];     /* mbedtls_strerror() text ("" for alerts) */
    const char *versions;       /* "2.x and 3.x", "2.x", "3.x" (NULL for alerts) */
    const char *meaning;
    size_t n_causes;
    const char *causes[TD_EXPLAIN_MAX_LIST];
    size_t n_next_steps;
    const char *next_steps[TD_EXPLAIN_MAX_LIST];
    /* Added: for one part of a composite error code (high|low, e.g.
     * -0x4290 = -0x4280 | -0x0010) or one bit of a flags value with
     * several bits, the whole value as given; 0 otherwise. */
    int64_t part_of;
};

/* Most entries td_explain() gives for one argument: a flags value with
 * every known bit set plus one entry for unknown bits. */
#define TD_EXPLAIN_MAX_PER_ARG 24

/* Explain one argument.  `as_flags` treats it as X.509 verify flags.
 * `major` is 2 or 3 to pick one meaning of a renumbered error code, 0 for
 * all meanings.  Fills up to `max` entries (a renumbered code gives two)
 * and sets *n.  Returns 0, or TD_ERR_USAGE when the argument cannot be
 * read as an alert, an error code or flags, or TD_ERR_LIMIT when `max`
 * is too small (TD_EXPLAIN_MAX_PER_ARG always suffices).
 *
 * Forms read (see `tlsdiag explain --help`):
 *   alert   40, [2:40], 2:40, handshake_failure (IANA name, any case;
 *           "_RESERVED" may be left off; MBEDTLS_SSL_ALERT_MSG_* too)
 *   error   -0x7780, 0x7780, -30592, -0xffff8880, 0xffff8880,
 *           4294936704 (two's complement), bare 7780 / 7A00 (a bare
 *           number above 255 with at most 4 digits is hex), bare decimal
 *           of 5+ digits (30592), MBEDTLS_ERR_... or PSA_ERROR_... names
 *           (MBEDTLS_ERR_ prefix optional, any case)
 *   flags   (as_flags) hex with or without 0x: 0x8, 00000008, 10004;
 *           without as_flags, exactly 8 bare hex digits below 80000000
 *           (00000008, the "%08x" of mbedTLS logs)
 * Entries point into static tables and into `arg`; library_text is
 * copied.  A composite code gives one entry per part (part_of set); a
 * flags value one entry per set bit. */
int td_explain(const char *arg, bool as_flags, int major,
               struct td_explanation *out, size_t max, size_t *n);

/* Lookups for the rule engine and renderers. */
/* Name of an mbedTLS error code for library major version 2 or 3 (0: the
 * 2.x name where both exist); NULL if unknown.  Composite codes (high|low)
 * are not split here.  A major that lacks the code gives NULL (a 2.x-only
 * code asked for 3); with 0, a code only 3.x has gives its 3.x name. */
const char *td_mberr_name(int32_t code, int major);
/* True when the code has another name in 2.x than in 3.x: the renumbered
 * codes (e.g. -0x7800 PEER_VERIFY_FAILED / UNRECOGNIZED_NAME) and the
 * plain renames (-0x7A00, -0x6E80). */
bool td_mberr_differs(int32_t code);
/* The library-style text, like mbedtls_strerror() but aware of the major
 * version and of codes newer than the linked library; writes buf. */
const char *td_mberr_text(int32_t code, int major, char *buf, size_t len);
/* One-line meaning of an alert description, NULL if unknown. */
const char *td_alert_meaning(uint8_t desc);
/* Text of one X.509 verify flag bit (mbedtls_x509_crt_verify_info
 * wording) and its MBEDTLS_X509_BADCERT_ name; NULL if unknown. */
const char *td_x509_flag_text(uint32_t bit);
const char *td_x509_flag_name(uint32_t bit);

/* Added lookups. */
/* IANA name of an alert from the project's table (same names as the
 * registry); NULL if unassigned. */
const char *td_alert_name(uint8_t desc);
/* mbedTLS macro for an alert (MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE),
 * NULL when mbedTLS has none. */
const char *td_alert_macro(uint8_t desc);
/* Alert mbedTLS sends when its own verification sets this flag bit
 * (ssl_tls.c:mbedtls_ssl_verify_certificate), -1 if none. */
int td_x509_flag_alert(uint32_t bit);
/* "2.x and 3.x", "2.x" or "3.x" for the rows of this code; NULL if the
 * code is unknown. */
const char *td_mberr_versions(int32_t code, int major);

/* The hand-written knowledge rows (src/explain_tables.c), for the lookups
 * above and for tests.  Lists end at the first NULL or after
 * TD_EXPLAIN_MAX_LIST entries. */
struct td_alert_row {
    uint8_t desc;
    const char *name;       /* IANA name (tls-parameters-6) */
    const char *macro;      /* MBEDTLS_SSL_ALERT_MSG_..., or NULL */
    const char *meaning;
    const char *causes[TD_EXPLAIN_MAX_LIST];
    const char *next_steps[TD_EXPLAIN_MAX_LIST];
};

/* One name of an error code.  major 0: the same in 2.x and 3.x; 2 or 3:
 * that major only (a renumbered code has one row of each). */
struct td_mberr_name_row {
    int32_t code;
    uint8_t major;
    const char *name;
    const char *text;       /* library text where the linked mbedTLS
                               2.28.3 cannot give it (3.x meanings, newer
                               codes, PSA codes), else NULL */
};

/* Advice for an error code; major as in td_mberr_name_row (a row with
 * major 0 serves both). */
struct td_mberr_info_row {
    int32_t code;
    uint8_t major;
    const char *meaning;
    const char *causes[TD_EXPLAIN_MAX_LIST];
    const char *next_steps[TD_EXPLAIN_MAX_LIST];
};

struct td_x509_flag_row {
    uint32_t bit;
    const char *name;       /* MBEDTLS_X509_BADCERT_... / BADCRL_... */
    const char *text;       /* mbedtls_x509_crt_verify_info() wording */
    int alert;              /* alert mbedTLS sends for it, -1 if none */
    const char *meaning;
    const char *causes[TD_EXPLAIN_MAX_LIST];
    const char *next_steps[TD_EXPLAIN_MAX_LIST];
};

const struct td_alert_row *td_explain_alert_rows(size_t *n);
const struct td_mberr_name_row *td_explain_mberr_names(size_t *n);
const struct td_mberr_info_row *td_explain_mberr_infos(size_t *n);
const struct td_x509_flag_row *td_explain_x509_rows(size_t *n);

#endif
