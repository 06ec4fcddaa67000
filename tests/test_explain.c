/* test_explain.c - tlsdiag explain: the forms an argument may take, and
 * the facts in src/explain_tables.c checked against the linked mbedTLS
 * (2.28.3 on Debian) and the IANA alert registry.
 */
#include "testutil.h"

#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/registry.h"

#include <mbedtls/error.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/bignum.h>
#include <mbedtls/cipher.h>
#include <mbedtls/pem.h>
#include <mbedtls/gcm.h>
#include <mbedtls/md.h>
#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/dhm.h>
#include <mbedtls/platform.h>
#include <mbedtls/oid.h>
#include <mbedtls/base64.h>
#include <mbedtls/hmac_drbg.h>
#include <mbedtls/ccm.h>
#include <mbedtls/chachapoly.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXE TD_EXPLAIN_MAX_PER_ARG

static size_t run(const char *arg, bool flags, int major,
                  struct td_explanation *e)
{
    size_t n = 99;
    int rc = td_explain(arg, flags, major, e, MAXE, &n);
    if (rc != 0)
        fail_msg("td_explain(\"%s\") = %d", arg, rc);
    return n;
}

static void expect_usage(const char *arg, bool flags)
{
    struct td_explanation e[MAXE];
    size_t n = 99;
    int rc = td_explain(arg, flags, 0, e, MAXE, &n);
    if (rc != TD_ERR_USAGE)
        fail_msg("td_explain(\"%s\") = %d, want TD_ERR_USAGE", arg, rc);
    assert_int_equal(n, 0);
}

/* ---- argument forms, one row per vector ---- */

static const struct {
    const char *arg;
    int desc;
    const char *name;
} alert_vectors[] = {
    {"40", 40, "handshake_failure"},
    {" 40 ", 40, "handshake_failure"},
    {"[2:40]", 40, "handshake_failure"},
    {"2:40", 40, "handshake_failure"},
    {"[1:112]", 112, "unrecognized_name"},
    {"0", 0, "close_notify"},
    {"255", 255, NULL},
    {"handshake_failure", 40, "handshake_failure"},
    {"HANDSHAKE_FAILURE", 40, "handshake_failure"},
    {"MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE", 40, "handshake_failure"},
    {"bad_cert", 42, "bad_certificate"},
    {"no_renegotiation", 100, "no_renegotiation_RESERVED"},
    {"no_renegotiation_RESERVED", 100, "no_renegotiation_RESERVED"},
    {"unrecognized_name", 112, "unrecognized_name"},
};

static void test_alert_forms(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    for (size_t i = 0; i < sizeof(alert_vectors) / sizeof(alert_vectors[0]);
         i++) {
        size_t n = run(alert_vectors[i].arg, false, 0, e);
        assert_int_equal(n, 1);
        assert_int_equal(e[0].kind, TD_EXPLAIN_ALERT);
        assert_int_equal(e[0].code, alert_vectors[i].desc);
        assert_ptr_equal(e[0].input, alert_vectors[i].arg);
        if (alert_vectors[i].name)
            assert_string_equal(e[0].name, alert_vectors[i].name);
        else
            assert_null(e[0].name);
        assert_non_null(e[0].meaning);
        assert_string_equal(e[0].library_text, "");
        assert_null(e[0].versions);
        assert_true(e[0].n_causes > 0);
        assert_true(e[0].n_next_steps > 0);
    }
}

static void test_alert_warning_level(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    run("[1:112]", false, 0, e);
    assert_non_null(strstr(e[0].causes[0], "warning"));
    run("[2:112]", false, 0, e);
    assert_null(strstr(e[0].causes[0], "Received as a warning"));
}

static const char *const fatal_alert_forms[] = {
    "-0x7780", "0x7780", "-0X7780", "-0x7780\n", "-30592", "-0xffff8880",
    "0xffff8880", "0xFFFF8880", "4294936704", "7780", "30592",
    "MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE",
    "mbedtls_err_ssl_fatal_alert_message", "SSL_FATAL_ALERT_MESSAGE",
    "FATAL_ALERT_MESSAGE",
};

static void test_error_forms(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    for (size_t i = 0;
         i < sizeof(fatal_alert_forms) / sizeof(fatal_alert_forms[0]); i++) {
        size_t n = run(fatal_alert_forms[i], false, 0, e);
        if (n != 1 || e[0].code != -0x7780)
            fail_msg("'%s': %zu entries, code %lld", fatal_alert_forms[i], n,
                     (long long)e[0].code);
        assert_int_equal(e[0].kind, TD_EXPLAIN_MBEDTLS_ERROR);
        assert_string_equal(e[0].name, "MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE");
        assert_string_equal(e[0].library_text,
                            "SSL - A fatal alert message was received from "
                            "our peer");
        assert_string_equal(e[0].versions, "2.x and 3.x");
        assert_int_equal(e[0].part_of, 0);
    }
    /* Bare numbers above 255 with up to 4 digits are hex. */
    run("2700", false, 0, e);
    assert_int_equal(e[0].code, -0x2700);
    run("7A00", false, 0, e);
    assert_int_equal(e[0].code, -0x7a00);
    /* A negative decimal stays decimal: -9984 is -0x2700. */
    run("-9984", false, 0, e);
    assert_int_equal(e[0].code, -0x2700);
    /* PSA status codes are not split into high and low parts. */
    assert_int_equal(run("-137", false, 0, e), 1);
    assert_string_equal(e[0].name, "PSA_ERROR_BAD_STATE");
}

static void test_bad_forms(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "banana", "", "   ", "-", "0x", "-0x", "-0xzz", "-0x0",
        "-0x10000", "0x123456789", "99999999999", "[3:40]", "[2:256]",
        "[2:]", "[:40]", "40x", "alloc_failed", "MBEDTLS_ERR_NOPE",
        "-0x7780 -0x7200",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_usage(bad[i], false);
    expect_usage("zz", true);
    expect_usage("-0x8", true);
    expect_usage("0x123456789", true);
    expect_usage(NULL, false);
}

/* ---- mbedTLS 2.x / 3.x ---- */

static const struct {
    int32_t code;
    const char *v2, *v3;
} renumbered[] = {
    {-0x7A00, "MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE",
     "MBEDTLS_ERR_SSL_BAD_CERTIFICATE"},
    {-0x7800, "MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED",
     "MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME"},
    {-0x7580, "MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED",
     "MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL"},
    {-0x7500, "MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE",
     "MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION"},
    {-0x7300, "MBEDTLS_ERR_SSL_UNKNOWN_CIPHER", "MBEDTLS_ERR_SSL_DECODE_ERROR"},
    {-0x6E80, "MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION",
     "MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION"},
    {-0x6E00, "MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET",
     "MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE"},
    {-0x6600, "MBEDTLS_ERR_SSL_INVALID_VERIFY_HASH",
     "MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER"},
    {-0x7E80, "MBEDTLS_ERR_SSL_BAD_HS_FINISHED",
     "MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND"},
    {-0x7B00, "MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE",
     "MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET"},
    {-0x7C00, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE",
     "MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA"},
    {-0x7C80, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP",
     "MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA"},
    {-0x7B80, "MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE",
     "MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA"},
};

static void test_renumbered(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    char buf[256];
    for (size_t i = 0; i < sizeof(renumbered) / sizeof(renumbered[0]); i++) {
        int32_t c = renumbered[i].code;
        assert_true(td_mberr_differs(c));
        assert_string_equal(td_mberr_name(c, 2), renumbered[i].v2);
        assert_string_equal(td_mberr_name(c, 3), renumbered[i].v3);
        assert_string_equal(td_mberr_name(c, 0), renumbered[i].v2);
        snprintf(buf, sizeof(buf), "-0x%04X", (unsigned)-c);
        assert_int_equal(run(buf, false, 0, e), 2);
        assert_string_equal(e[0].name, renumbered[i].v2);
        assert_string_equal(e[0].versions, "2.x");
        assert_string_equal(e[1].name, renumbered[i].v3);
        assert_string_equal(e[1].versions, "3.x");
        assert_true(e[0].n_causes > 0 && e[0].n_next_steps > 0);
        assert_true(e[1].n_causes > 0 && e[1].n_next_steps > 0);
        assert_int_equal(run(buf, false, 3, e), 1);
        assert_string_equal(e[0].name, renumbered[i].v3);
        assert_int_equal(run(buf, false, 2, e), 1);
        assert_string_equal(e[0].name, renumbered[i].v2);
    }
    assert_false(td_mberr_differs(-0x7780));
    assert_string_equal(td_mberr_text(-0x7800, 3, buf, sizeof(buf)),
                        "SSL - No server could be identified matching the "
                        "client's SNI");
    assert_string_equal(td_mberr_text(-0x7800, 2, buf, sizeof(buf)),
                        "SSL - Verification of our peer failed");
    /* Asking for a 3.x name gives the 3.x row even with --mbedtls 2. */
    assert_int_equal(run("MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME", false, 2, e),
                     1);
    assert_int_equal(e[0].code, -0x7800);
    assert_string_equal(e[0].versions, "3.x");
}

static void test_2x_only(void **state)
{
    (void)state;
    static const int32_t only2[] = {
        -0x7900, -0x7980, -0x7A80, -0x7D00, -0x7D80, -0x7E00, -0x7380,
        -0x6980, -0x6F00,
    };
    char buf[256];
    struct td_explanation e[MAXE];
    for (size_t i = 0; i < sizeof(only2) / sizeof(only2[0]); i++) {
        assert_non_null(td_mberr_name(only2[i], 2));
        assert_null(td_mberr_name(only2[i], 3));
        assert_false(td_mberr_differs(only2[i]));
        assert_string_equal(td_mberr_versions(only2[i], 0), "2.x");
        td_mberr_text(only2[i], 3, buf, sizeof(buf));
        assert_non_null(strstr(buf, "UNKNOWN ERROR CODE"));
        snprintf(buf, sizeof(buf), "-0x%04X", (unsigned)-only2[i]);
        /* --mbedtls 3 still explains it, as the 2.x code it is. */
        assert_int_equal(run(buf, false, 3, e), 1);
        assert_string_equal(e[0].versions, "2.x");
        assert_true(e[0].n_causes > 0 && e[0].n_next_steps > 0);
    }
}

static void test_newer_than_library(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    assert_int_equal(run("-0x5D80", false, 0, e), 1);
    assert_string_equal(e[0].name, "MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_"
                                   "WITHOUT_HOSTNAME");
    assert_string_equal(e[0].versions, "2.x and 3.x");
    assert_non_null(strstr(e[0].library_text, "without an expected "
                                              "hostname"));
    assert_non_null(strstr(e[0].meaning, "2.28.10"));
    assert_non_null(strstr(e[0].meaning, "3.6.3"));
    bool set_hostname = false;
    for (size_t i = 0; i < e[0].n_next_steps; i++)
        if (strstr(e[0].next_steps[i], "mbedtls_ssl_set_hostname"))
            set_hostname = true;
    assert_true(set_hostname);
}

static void test_composite(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    char buf[256], lib[256];
    assert_int_equal(run("-0x4290", false, 0, e), 2);
    assert_int_equal(e[0].code, -0x4280);
    assert_string_equal(e[0].name, "MBEDTLS_ERR_RSA_PUBLIC_FAILED");
    assert_int_equal(e[1].code, -0x0010);
    assert_string_equal(e[1].name, "MBEDTLS_ERR_MPI_ALLOC_FAILED");
    assert_int_equal(e[0].part_of, -0x4290);
    assert_int_equal(e[1].part_of, -0x4290);
    mbedtls_strerror(-0x4290, lib, sizeof(lib));
    assert_string_equal(td_mberr_text(-0x4290, 0, buf, sizeof(buf)), lib);
    /* Unknown codes still give an entry with the library's text. */
    assert_int_equal(run("-0x0001", false, 0, e), 1);
    assert_int_equal(run("-0x0A00", false, 0, e), 1);
    assert_null(e[0].name);
    assert_non_null(strstr(e[0].library_text, "UNKNOWN ERROR CODE"));
}

static void test_limit(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    size_t n;
    assert_int_equal(td_explain("-0x7800", false, 0, e, 1, &n),
                     TD_ERR_LIMIT);
    assert_int_equal(td_explain("0xfffff", true, 0, e, 3, &n), TD_ERR_LIMIT);
    assert_int_equal(td_explain("0xffffffff", true, 0, e, MAXE, &n), 0);
    assert_int_equal(n, 21);    /* 20 known bits + the unknown ones */
}

/* ---- X.509 verify flags ---- */

#define F(x) {x, #x}
static const struct {
    uint32_t bit;
    const char *name;
} flag_macros[] = {
    F(MBEDTLS_X509_BADCERT_EXPIRED), F(MBEDTLS_X509_BADCERT_REVOKED),
    F(MBEDTLS_X509_BADCERT_CN_MISMATCH), F(MBEDTLS_X509_BADCERT_NOT_TRUSTED),
    F(MBEDTLS_X509_BADCRL_NOT_TRUSTED), F(MBEDTLS_X509_BADCRL_EXPIRED),
    F(MBEDTLS_X509_BADCERT_MISSING), F(MBEDTLS_X509_BADCERT_SKIP_VERIFY),
    F(MBEDTLS_X509_BADCERT_OTHER), F(MBEDTLS_X509_BADCERT_FUTURE),
    F(MBEDTLS_X509_BADCRL_FUTURE), F(MBEDTLS_X509_BADCERT_KEY_USAGE),
    F(MBEDTLS_X509_BADCERT_EXT_KEY_USAGE),
    F(MBEDTLS_X509_BADCERT_NS_CERT_TYPE), F(MBEDTLS_X509_BADCERT_BAD_MD),
    F(MBEDTLS_X509_BADCERT_BAD_PK), F(MBEDTLS_X509_BADCERT_BAD_KEY),
    F(MBEDTLS_X509_BADCRL_BAD_MD), F(MBEDTLS_X509_BADCRL_BAD_PK),
    F(MBEDTLS_X509_BADCRL_BAD_KEY),
};

static void test_flag_table(void **state)
{
    (void)state;
    char buf[512];
    size_t n;
    td_explain_x509_rows(&n);
    assert_int_equal(n, sizeof(flag_macros) / sizeof(flag_macros[0]));
    for (size_t i = 0; i < sizeof(flag_macros) / sizeof(flag_macros[0]);
         i++) {
        uint32_t bit = flag_macros[i].bit;
        assert_string_equal(td_x509_flag_name(bit), flag_macros[i].name);
        /* The table's wording is the library's. */
        int rc = mbedtls_x509_crt_verify_info(buf, sizeof(buf), "", bit);
        assert_true(rc > 0);
        buf[strcspn(buf, "\n")] = '\0';
        assert_string_equal(td_x509_flag_text(bit), buf);
    }
    assert_null(td_x509_flag_text(0x100000));
    assert_int_equal(td_x509_flag_alert(0x08), 48);
    assert_int_equal(td_x509_flag_alert(0x200), 46);
    assert_int_equal(td_x509_flag_alert(0x04), 42);
    assert_int_equal(td_x509_flag_alert(0x40), -1);
}

static void test_flags(void **state)
{
    (void)state;
    struct td_explanation e[MAXE];
    static const char *const eight[] = {"0x8", "8", "00000008", "0X00000008"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(run(eight[i], true, 0, e), 1);
        assert_int_equal(e[0].kind, TD_EXPLAIN_X509_FLAGS);
        assert_int_equal(e[0].code, 8);
        assert_string_equal(e[0].name, "MBEDTLS_X509_BADCERT_NOT_TRUSTED");
        assert_string_equal(e[0].library_text, "The certificate is not "
                            "correctly signed by the trusted CA");
        assert_non_null(strstr(e[0].meaning, "not trusted"));
        assert_int_equal(e[0].part_of, 0);
    }
    /* Eight bare hex digits read as flags without --flags too. */
    assert_int_equal(run("00000008", false, 0, e), 1);
    assert_int_equal(e[0].kind, TD_EXPLAIN_X509_FLAGS);
    assert_int_equal(run("0x10004", true, 0, e), 2);
    assert_int_equal(e[0].code, 0x4);
    assert_int_equal(e[1].code, 0x10000);
    assert_int_equal(e[0].part_of, 0x10004);
    assert_int_equal(run("10004", true, 0, e), 2);
    assert_int_equal(run("0", true, 0, e), 1);
    assert_int_equal(e[0].code, 0);
    assert_int_equal(run("0x100008", true, 0, e), 2);
    assert_null(e[1].name);
    assert_int_equal(e[1].code, 0x100000);
}

/* ---- the tables ---- */

static void test_alert_table_vs_iana(void **state)
{
    (void)state;
    size_t len;
    char *csv = (char *)td_t_read(td_t_src("src/registry/iana/"
                                           "tls-parameters-6.csv"), &len);
    size_t assigned = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *comma = strchr(line, ',');
        if (!comma || line[0] < '0' || line[0] > '9')
            continue;
        *comma = '\0';
        char *name = comma + 1;
        char *end = strchr(name, ',');
        if (end)
            *end = '\0';
        if (strchr(line, '-') || strcmp(name, "Unassigned") == 0)
            continue;
        int v = (int)strtol(line, NULL, 10);
        assigned++;
        if (!td_alert_meaning((uint8_t)v))
            fail_msg("alert %d %s has no meaning", v, name);
        assert_string_equal(td_alert_name((uint8_t)v), name);
        const char *reg = td_reg_lookup(TD_REG_ALERT, (uint32_t)v);
        if (reg)
            assert_string_equal(reg, name);
    }
    free(csv);
    size_t n;
    const struct td_alert_row *rows = td_explain_alert_rows(&n);
    assert_int_equal(assigned, n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(rows[i].causes[0]);
        assert_non_null(rows[i].next_steps[0]);
    }
    assert_null(td_alert_meaning(7));
}

#define A(x) {x, #x}
static const struct {
    int v;
    const char *name;
} alert_macros[] = {
    A(MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY),
    A(MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE),
    A(MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC),
    A(MBEDTLS_SSL_ALERT_MSG_DECRYPTION_FAILED),
    A(MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW),
    A(MBEDTLS_SSL_ALERT_MSG_DECOMPRESSION_FAILURE),
    A(MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE),
    A(MBEDTLS_SSL_ALERT_MSG_NO_CERT), A(MBEDTLS_SSL_ALERT_MSG_BAD_CERT),
    A(MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT),
    A(MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED),
    A(MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED),
    A(MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN),
    A(MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER),
    A(MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA),
    A(MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED),
    A(MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR),
    A(MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR),
    A(MBEDTLS_SSL_ALERT_MSG_EXPORT_RESTRICTION),
    A(MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION),
    A(MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY),
    A(MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR),
    A(MBEDTLS_SSL_ALERT_MSG_INAPROPRIATE_FALLBACK),
    A(MBEDTLS_SSL_ALERT_MSG_USER_CANCELED),
    A(MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION),
    A(MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_EXT),
    A(MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME),
    A(MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY),
    A(MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL),
};

static void test_alert_macros(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(alert_macros) / sizeof(alert_macros[0]);
         i++)
        assert_string_equal(td_alert_macro((uint8_t)alert_macros[i].v),
                            alert_macros[i].name);
}

#if MBEDTLS_VERSION_MAJOR == 2
/* Every error macro of the modules users meet, from the 2.28 headers:
 * the table must name each value as the header does. */
#define M(x) {x, #x}
static const struct {
    int v;
    const char *name;
} err_macros[] = {
    M(MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_SSL_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_SSL_INVALID_MAC),
    M(MBEDTLS_ERR_SSL_INVALID_RECORD),
    M(MBEDTLS_ERR_SSL_CONN_EOF),
    M(MBEDTLS_ERR_SSL_UNKNOWN_CIPHER),
    M(MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN),
    M(MBEDTLS_ERR_SSL_NO_RNG),
    M(MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE),
    M(MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE),
    M(MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED),
    M(MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED),
    M(MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED),
    M(MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE),
    M(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE),
    M(MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED),
    M(MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY),
    M(MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO),
    M(MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO),
    M(MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE),
    M(MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST),
    M(MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE),
    M(MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE),
    M(MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE),
    M(MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP),
    M(MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS),
    M(MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY),
    M(MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC),
    M(MBEDTLS_ERR_SSL_BAD_HS_FINISHED),
    M(MBEDTLS_ERR_SSL_ALLOC_FAILED),
    M(MBEDTLS_ERR_SSL_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH),
    M(MBEDTLS_ERR_SSL_COMPRESSION_FAILED),
    M(MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION),
    M(MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET),
    M(MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED),
    M(MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH),
    M(MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY),
    M(MBEDTLS_ERR_SSL_INTERNAL_ERROR),
    M(MBEDTLS_ERR_SSL_COUNTER_WRAPPING),
    M(MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO),
    M(MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED),
    M(MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE),
    M(MBEDTLS_ERR_SSL_WANT_READ),
    M(MBEDTLS_ERR_SSL_WANT_WRITE),
    M(MBEDTLS_ERR_SSL_TIMEOUT),
    M(MBEDTLS_ERR_SSL_CLIENT_RECONNECT),
    M(MBEDTLS_ERR_SSL_UNEXPECTED_RECORD),
    M(MBEDTLS_ERR_SSL_NON_FATAL),
    M(MBEDTLS_ERR_SSL_INVALID_VERIFY_HASH),
    M(MBEDTLS_ERR_SSL_CONTINUE_PROCESSING),
    M(MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS),
    M(MBEDTLS_ERR_SSL_EARLY_MESSAGE),
    M(MBEDTLS_ERR_SSL_UNEXPECTED_CID),
    M(MBEDTLS_ERR_SSL_VERSION_MISMATCH),
    M(MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS),
    M(MBEDTLS_ERR_SSL_BAD_CONFIG),
    M(MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_X509_UNKNOWN_OID),
    M(MBEDTLS_ERR_X509_INVALID_FORMAT),
    M(MBEDTLS_ERR_X509_INVALID_VERSION),
    M(MBEDTLS_ERR_X509_INVALID_SERIAL),
    M(MBEDTLS_ERR_X509_INVALID_ALG),
    M(MBEDTLS_ERR_X509_INVALID_NAME),
    M(MBEDTLS_ERR_X509_INVALID_DATE),
    M(MBEDTLS_ERR_X509_INVALID_SIGNATURE),
    M(MBEDTLS_ERR_X509_INVALID_EXTENSIONS),
    M(MBEDTLS_ERR_X509_UNKNOWN_VERSION),
    M(MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG),
    M(MBEDTLS_ERR_X509_SIG_MISMATCH),
    M(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED),
    M(MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT),
    M(MBEDTLS_ERR_X509_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_X509_ALLOC_FAILED),
    M(MBEDTLS_ERR_X509_FILE_IO_ERROR),
    M(MBEDTLS_ERR_X509_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_X509_FATAL_ERROR),
    M(MBEDTLS_ERR_NET_SOCKET_FAILED),
    M(MBEDTLS_ERR_NET_CONNECT_FAILED),
    M(MBEDTLS_ERR_NET_BIND_FAILED),
    M(MBEDTLS_ERR_NET_LISTEN_FAILED),
    M(MBEDTLS_ERR_NET_ACCEPT_FAILED),
    M(MBEDTLS_ERR_NET_RECV_FAILED),
    M(MBEDTLS_ERR_NET_SEND_FAILED),
    M(MBEDTLS_ERR_NET_CONN_RESET),
    M(MBEDTLS_ERR_NET_UNKNOWN_HOST),
    M(MBEDTLS_ERR_NET_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_NET_INVALID_CONTEXT),
    M(MBEDTLS_ERR_NET_POLL_FAILED),
    M(MBEDTLS_ERR_NET_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_PK_ALLOC_FAILED),
    M(MBEDTLS_ERR_PK_TYPE_MISMATCH),
    M(MBEDTLS_ERR_PK_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_PK_FILE_IO_ERROR),
    M(MBEDTLS_ERR_PK_KEY_INVALID_VERSION),
    M(MBEDTLS_ERR_PK_KEY_INVALID_FORMAT),
    M(MBEDTLS_ERR_PK_UNKNOWN_PK_ALG),
    M(MBEDTLS_ERR_PK_PASSWORD_REQUIRED),
    M(MBEDTLS_ERR_PK_PASSWORD_MISMATCH),
    M(MBEDTLS_ERR_PK_INVALID_PUBKEY),
    M(MBEDTLS_ERR_PK_INVALID_ALG),
    M(MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE),
    M(MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_PK_SIG_LEN_MISMATCH),
    M(MBEDTLS_ERR_PK_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_RSA_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_RSA_INVALID_PADDING),
    M(MBEDTLS_ERR_RSA_KEY_GEN_FAILED),
    M(MBEDTLS_ERR_RSA_KEY_CHECK_FAILED),
    M(MBEDTLS_ERR_RSA_PUBLIC_FAILED),
    M(MBEDTLS_ERR_RSA_PRIVATE_FAILED),
    M(MBEDTLS_ERR_RSA_VERIFY_FAILED),
    M(MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE),
    M(MBEDTLS_ERR_RSA_RNG_FAILED),
    M(MBEDTLS_ERR_RSA_UNSUPPORTED_OPERATION),
    M(MBEDTLS_ERR_RSA_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_ECP_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_ECP_VERIFY_FAILED),
    M(MBEDTLS_ERR_ECP_ALLOC_FAILED),
    M(MBEDTLS_ERR_ECP_RANDOM_FAILED),
    M(MBEDTLS_ERR_ECP_INVALID_KEY),
    M(MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH),
    M(MBEDTLS_ERR_ECP_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_ECP_IN_PROGRESS),
    M(MBEDTLS_ERR_MPI_FILE_IO_ERROR),
    M(MBEDTLS_ERR_MPI_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_MPI_INVALID_CHARACTER),
    M(MBEDTLS_ERR_MPI_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_MPI_NEGATIVE_VALUE),
    M(MBEDTLS_ERR_MPI_DIVISION_BY_ZERO),
    M(MBEDTLS_ERR_MPI_NOT_ACCEPTABLE),
    M(MBEDTLS_ERR_MPI_ALLOC_FAILED),
    M(MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_CIPHER_ALLOC_FAILED),
    M(MBEDTLS_ERR_CIPHER_INVALID_PADDING),
    M(MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED),
    M(MBEDTLS_ERR_CIPHER_AUTH_FAILED),
    M(MBEDTLS_ERR_CIPHER_INVALID_CONTEXT),
    M(MBEDTLS_ERR_CIPHER_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT),
    M(MBEDTLS_ERR_PEM_INVALID_DATA),
    M(MBEDTLS_ERR_PEM_ALLOC_FAILED),
    M(MBEDTLS_ERR_PEM_INVALID_ENC_IV),
    M(MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG),
    M(MBEDTLS_ERR_PEM_PASSWORD_REQUIRED),
    M(MBEDTLS_ERR_PEM_PASSWORD_MISMATCH),
    M(MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_PEM_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_GCM_AUTH_FAILED),
    M(MBEDTLS_ERR_GCM_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_GCM_BAD_INPUT),
    M(MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE),
    M(MBEDTLS_ERR_MD_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_MD_ALLOC_FAILED),
    M(MBEDTLS_ERR_MD_FILE_IO_ERROR),
    M(MBEDTLS_ERR_MD_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_ASN1_OUT_OF_DATA),
    M(MBEDTLS_ERR_ASN1_UNEXPECTED_TAG),
    M(MBEDTLS_ERR_ASN1_INVALID_LENGTH),
    M(MBEDTLS_ERR_ASN1_LENGTH_MISMATCH),
    M(MBEDTLS_ERR_ASN1_INVALID_DATA),
    M(MBEDTLS_ERR_ASN1_ALLOC_FAILED),
    M(MBEDTLS_ERR_ASN1_BUF_TOO_SMALL),
    M(MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED),
    M(MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG),
    M(MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG),
    M(MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR),
    M(MBEDTLS_ERR_ENTROPY_SOURCE_FAILED),
    M(MBEDTLS_ERR_ENTROPY_MAX_SOURCES),
    M(MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED),
    M(MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE),
    M(MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR),
    M(MBEDTLS_ERR_DHM_BAD_INPUT_DATA),
    M(MBEDTLS_ERR_DHM_READ_PARAMS_FAILED),
    M(MBEDTLS_ERR_DHM_MAKE_PARAMS_FAILED),
    M(MBEDTLS_ERR_DHM_READ_PUBLIC_FAILED),
    M(MBEDTLS_ERR_DHM_MAKE_PUBLIC_FAILED),
    M(MBEDTLS_ERR_DHM_CALC_SECRET_FAILED),
    M(MBEDTLS_ERR_DHM_INVALID_FORMAT),
    M(MBEDTLS_ERR_DHM_ALLOC_FAILED),
    M(MBEDTLS_ERR_DHM_FILE_IO_ERROR),
    M(MBEDTLS_ERR_DHM_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_DHM_SET_GROUP_FAILED),
    M(MBEDTLS_ERR_ERROR_GENERIC_ERROR),
    M(MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED),
    M(MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED),
    M(MBEDTLS_ERR_OID_NOT_FOUND),
    M(MBEDTLS_ERR_OID_BUF_TOO_SMALL),
    M(MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL),
    M(MBEDTLS_ERR_BASE64_INVALID_CHARACTER),
    M(MBEDTLS_ERR_HMAC_DRBG_REQUEST_TOO_BIG),
    M(MBEDTLS_ERR_HMAC_DRBG_INPUT_TOO_BIG),
    M(MBEDTLS_ERR_HMAC_DRBG_FILE_IO_ERROR),
    M(MBEDTLS_ERR_HMAC_DRBG_ENTROPY_SOURCE_FAILED),
    M(MBEDTLS_ERR_CCM_BAD_INPUT),
    M(MBEDTLS_ERR_CCM_AUTH_FAILED),
    M(MBEDTLS_ERR_CCM_HW_ACCEL_FAILED),
    M(MBEDTLS_ERR_CHACHAPOLY_BAD_STATE),
    M(MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED),
};
#endif

static void test_names_vs_headers(void **state)
{
    (void)state;
#if MBEDTLS_VERSION_MAJOR == 2
    for (size_t i = 0; i < sizeof(err_macros) / sizeof(err_macros[0]); i++) {
        const char *name = td_mberr_name(err_macros[i].v, 2);
        if (!name || strcmp(name, err_macros[i].name) != 0)
            fail_msg("-0x%04X: table says %s, header %s",
                     (unsigned)-err_macros[i].v, name ? name : "nothing",
                     err_macros[i].name);
    }
#else
    skip();
#endif
}

static bool ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static void test_rows_consistent(void **state)
{
    (void)state;
    size_t nn, ni, na, nf;
    const struct td_mberr_name_row *names = td_explain_mberr_names(&nn);
    const struct td_mberr_info_row *infos = td_explain_mberr_infos(&ni);
    const struct td_alert_row *alerts = td_explain_alert_rows(&na);
    const struct td_x509_flag_row *flags = td_explain_x509_rows(&nf);

    for (size_t i = 0; i < nn; i++) {
        assert_true(names[i].code < 0 && names[i].code >= -0x7fff);
        assert_true(names[i].major == 0 || names[i].major == 2
                    || names[i].major == 3);
        assert_true(strncmp(names[i].name, "MBEDTLS_ERR_", 12) == 0
                    || strncmp(names[i].name, "PSA_ERROR_", 10) == 0);
        assert_true(ascii(names[i].text));
        for (size_t j = i + 1; j < nn; j++) {
            if (names[j].code != names[i].code)
                continue;
            /* One row per (code, major); 0 never beside 2 or 3. */
            if (names[j].major == names[i].major || names[i].major == 0
                || names[j].major == 0)
                fail_msg("-0x%04X has conflicting name rows",
                         (unsigned)-names[i].code);
        }
        /* A 3.x row's text cannot come from the 2.28 library. */
        if (names[i].major == 3)
            assert_non_null(names[i].text);
    }
    for (size_t i = 0; i < ni; i++) {
        const struct td_mberr_info_row *r = &infos[i];
        if (!td_mberr_name(r->code, r->major))
            fail_msg("advice for -0x%04X/%d has no name row",
                     (unsigned)-r->code, r->major);
        assert_non_null(r->meaning);
        assert_true(ascii(r->meaning));
        assert_non_null(r->causes[0]);
        assert_non_null(r->next_steps[0]);
        for (size_t k = 0; k < TD_EXPLAIN_MAX_LIST; k++) {
            assert_true(ascii(r->causes[k]));
            assert_true(ascii(r->next_steps[k]));
        }
        for (size_t j = i + 1; j < ni; j++)
            if (infos[j].code == r->code && infos[j].major == r->major)
                fail_msg("duplicate advice for -0x%04X", (unsigned)-r->code);
    }
    for (size_t i = 0; i < na; i++) {
        assert_true(ascii(alerts[i].meaning));
        for (size_t k = 0; k < TD_EXPLAIN_MAX_LIST; k++)
            assert_true(ascii(alerts[i].causes[k])
                        && ascii(alerts[i].next_steps[k]));
    }
    for (size_t i = 0; i < nf; i++) {
        assert_true(ascii(flags[i].meaning));
        assert_non_null(flags[i].causes[0]);
        assert_non_null(flags[i].next_steps[0]);
    }
}

/* KNOWLEDGE.md section 2: every code there gets causes and next steps. */
static void test_knowledge_codes(void **state)
{
    (void)state;
    static const int32_t codes[] = {
        -0x7780, -0x7880, -0x7280, -0x7200, -0x7180, -0x7100, -0x7080,
        -0x6800, -0x6C00, -0x7F00, -0x3F80, -0x4290, -0x4310, -0x4D80,
        -0x0010, -0x2700, -0x2800, -0x2180, -0x2780, -0x1080, -0x5D80,
        -0x7680, -0x0050, -0x004C, -0x0052, -0x0044,
    };
    struct td_explanation e[MAXE];
    char buf[16];
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        snprintf(buf, sizeof(buf), "-0x%04X", (unsigned)-codes[i]);
        size_t n = run(buf, false, 0, e);
        for (size_t k = 0; k < n; k++) {
            if (!e[k].name || e[k].n_causes == 0 || e[k].n_next_steps == 0)
                fail_msg("%s: entry %zu lacks name, causes or next steps",
                         buf, k);
            if (e[k].kind != TD_EXPLAIN_MBEDTLS_ERROR)
                fail_msg("%s: wrong kind", buf);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alert_forms),
        cmocka_unit_test(test_alert_warning_level),
        cmocka_unit_test(test_error_forms),
        cmocka_unit_test(test_bad_forms),
        cmocka_unit_test(test_renumbered),
        cmocka_unit_test(test_2x_only),
        cmocka_unit_test(test_newer_than_library),
        cmocka_unit_test(test_composite),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_flag_table),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_alert_table_vs_iana),
        cmocka_unit_test(test_alert_macros),
        cmocka_unit_test(test_names_vs_headers),
        cmocka_unit_test(test_rows_consistent),
        cmocka_unit_test(test_knowledge_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
