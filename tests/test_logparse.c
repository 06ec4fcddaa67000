/* test_logparse.c - the mbedTLS debug-log parser: chunking, dumps,
 * text-only hellos, prefixes, segmentation. */
#include "testutil.h"

#include "tlsdiag/logparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXHS 16

struct got {
    struct td_handshake *hs[MAXHS];
    size_t n;
};

static void emit(void *user, struct td_handshake *hs)
{
    struct got *g = user;
    if (g->n < MAXHS)
        g->hs[g->n++] = hs;
    else
        td_hs_free(hs);
}

static void parse_chunked(const char *text, size_t len, size_t chunk,
                          struct got *g)
{
    memset(g, 0, sizeof(*g));
    struct td_log *lp = td_log_new(NULL, emit, g);
    assert_non_null(lp);
    for (size_t off = 0; off < len; off += chunk) {
        size_t k = len - off < chunk ? len - off : chunk;
        assert_int_equal(td_log_feed(lp, text + off, k), 0);
    }
    assert_int_equal(td_log_end(lp), 0);
    td_log_free(lp);
}

static void free_got(struct got *g)
{
    for (size_t i = 0; i < g->n; i++)
        td_hs_free(g->hs[i]);
    g->n = 0;
}

static const char LOG2[] =
    "  . Connecting to tcp/example.com/8883... ok\n"
    "ssl_tls.c:6754: |2| => handshake\n"
    "ssl_cli.c:3384: |2| client state: 1\n"
    "ssl_cli.c:0770: |2| => write client hello\n"
    "ssl_cli.c:0808: |3| client hello, max version: [3:3]\n"
    "ssl_cli.c:0918: |3| client hello, add ciphersuite: c02f\n"
    "ssl_cli.c:0918: |3| client hello, add ciphersuite: 0xc030 "
    "(TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384)\n"
    "ssl_cli.c:0934: |3| adding EMPTY_RENEGOTIATION_INFO_SCSV\n"
    "ssl_cli.c:0100: |3| client hello, adding server name extension: "
    "example.com\n"
    "ssl_cli.c:0186: |3| client hello, adding signature_algorithms "
    "extension\n"
    "ssl_cli.c:1085: |2| <= write client hello\n"
    "ssl_cli.c:3384: |2| client state: 2\n"
    "ssl_tls.c:4100: |2| got an alert message, type: [2:112]\n"
    "ssl_tls.c:4108: |1| is a fatal alert message (msg 112)\n"
    "ssl_cli.c:1485: |1| mbedtls_ssl_read_record() returned -30592 "
    "(-0x7780)\n"
    "ssl_tls.c:6764: |2| <= handshake\n"
    "  ! mbedtls_ssl_handshake returned -0x7780\n";

static void check_log2(struct got *g)
{
    assert_int_equal(g->n, 1);
    struct td_handshake *hs = g->hs[0];
    assert_non_null(hs->ch);
    assert_true(hs->ch->from_text);
    assert_false(hs->ch->complete);
    assert_int_equal(hs->ch->legacy_version, 0x0303);
    assert_int_equal(hs->ch->cipher_suites.n, 3);
    assert_int_equal(hs->ch->cipher_suites.v[0], 0xc02f);
    assert_int_equal(hs->ch->cipher_suites.v[1], 0xc030);
    assert_int_equal(hs->ch->cipher_suites.v[2], 0x00ff);
    assert_string_equal(hs->ch->sni, "example.com");
    assert_int_equal(hs->ch->sni_where.line, 9);
    assert_string_equal(hs->target_host, "example.com");
    assert_int_equal(hs->target_port, 8883);
    assert_int_equal(hs->alerts.n, 1);       /* two lines, one alert */
    assert_int_equal(hs->alerts.v[0].level, 2);
    assert_int_equal(hs->alerts.v[0].description, 112);
    assert_int_equal(hs->alerts.v[0].from, TD_DIR_SERVER);
    assert_int_equal(hs->errors.n, 1);       /* the same code once */
    assert_int_equal(hs->errors.v[0].code, -0x7780);
    assert_string_equal(hs->errors.v[0].func, "mbedtls_ssl_read_record");
    assert_int_equal(hs->outcome, TD_OUTCOME_FAILED);
    assert_int_equal(hs->mbedtls_major, 2);
    assert_int_equal(hs->first_line, 2);
    assert_int_equal(hs->last_line, 17);
    assert_int_equal(hs->state, 2);
}

static void test_text_hello_any_chunking(void **state)
{
    (void)state;
    size_t len = strlen(LOG2);
    for (size_t chunk = 1; chunk <= len; chunk = chunk < 8 ? chunk + 1
                                                          : chunk * 2) {
        struct got g;
        parse_chunked(LOG2, len, chunk, &g);
        check_log2(&g);
        free_got(&g);
    }
}

/* A record dump: rows reassembled, blank lines between rows ignored, the
 * ASCII column ignored even when it looks like hex. */
static const char DUMP[] =
    "ssl_tls.c:6754: |2| => handshake\n"
    "ssl_tls.c:3738: |4| dumping 'input record from network' (7 bytes)\n"
    "\n"
    "ssl_tls.c:3738: |4| 0000:  15 03 03 00 02 02 28                    "
    "     ab cd ef\n"
    "\n"
    "ssl_tls.c:4100: |2| got an alert message, type: [2:40]\n";

static void test_dump(void **state)
{
    (void)state;
    struct got g;
    parse_chunked(DUMP, strlen(DUMP), 3, &g);
    assert_int_equal(g.n, 1);
    struct td_handshake *hs = g.hs[0];
    assert_int_equal(hs->alerts.n, 1);
    assert_int_equal(hs->alerts.v[0].description, 40);
    /* the text line is the evidence, the dump gave the bytes */
    assert_int_equal(hs->alerts.v[0].where.line, 6);
    free_got(&g);
}

static void test_dump_gap_not_decoded(void **state)
{
    (void)state;
    const char *log =
        "=> handshake\n"
        "dumping 'output record sent to network' (40 bytes)\n"
        "0000:  16 03 01 00 23 01 00 00 1f 03 03 00 00 00 00 00  ................\n"
        "0020:  00 00 00 00 00 00 00 00                          ........\n"
        "<= handshake\n";
    struct got g;
    parse_chunked(log, strlen(log), 4096, &g);
    assert_int_equal(g.n, 1);
    assert_null(g.hs[0]->ch);
    /* The row where the gap shows is the place, the row before it is
     * named. */
    bool said = false;
    for (size_t i = 0; i < g.hs[0]->warnings.n; i++)
        said |= strstr(g.hs[0]->warnings.v[i], "line 4: row 0020") != NULL
                && strstr(g.hs[0]->warnings.v[i], "row at line 3") != NULL;
    assert_true(said);
    free_got(&g);
}

static void test_segmentation(void **state)
{
    (void)state;
    /* three attempts: "=> handshake", a second "write client hello", and
     * a new "Connecting to" */
    const char *log =
        "=> handshake\n"
        "=> write client hello\n"
        "client hello, add ciphersuite: c02b\n"
        "=> write client hello\n"
        "client hello, add ciphersuite: c02c\n"
        "  . Connecting to tcp/10.0.0.1/443...\n"
        "=> handshake\n"
        "=> write client hello\n"
        "client hello, add ciphersuite: c030\n";
    struct got g;
    parse_chunked(log, strlen(log), 5, &g);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.hs[0]->ch->cipher_suites.v[0], 0xc02b);
    assert_int_equal(g.hs[1]->ch->cipher_suites.v[0], 0xc02c);
    assert_int_equal(g.hs[2]->ch->cipher_suites.v[0], 0xc030);
    assert_string_equal(g.hs[2]->target_host, "10.0.0.1");
    assert_null(g.hs[0]->target_host);
    free_got(&g);
}

static void test_verify_and_cert_text(void **state)
{
    (void)state;
    const char *log =
        "ssl_tls.c:1: |2| => handshake\n"
        "ssl_tls.c:2: |3| peer certificate #1:\n"
        "ssl_tls.c:2: |3| cert. version     : 3\n"
        "ssl_tls.c:2: |3| issuer name       : CN=Test CA\n"
        "ssl_tls.c:2: |3| subject name      : CN=server\n"
        "ssl_tls.c:2: |3| issued  on        : 2020-01-01 00:00:00\n"
        "ssl_tls.c:2: |3| expires on        : 2021-01-01 00:00:00\n"
        "ssl_tls.c:2: |3| RSA key size      : 2048 bits\n"
        "ssl_tls.c:2: |3| subject alt name  :\n"
        "ssl_tls.c:2: |3|     dNSName : a.example\n"
        "ssl_tls.c:2: |3|     dNSName : b.example\n"
        "ssl_tls.c:3: |1| x509_verify_cert() returned -9984 (-0x2700)\n"
        "  ! The certificate validity has expired\n"
        "  ! The certificate is not correctly signed by the trusted CA\n";
    struct got g;
    parse_chunked(log, strlen(log), 7, &g);
    assert_int_equal(g.n, 1);
    struct td_handshake *hs = g.hs[0];
    assert_true(hs->has_verify_flags);
    assert_int_equal(hs->verify_flags, 0x09);
    assert_int_equal(hs->errors.v[0].code, -0x2700);
    assert_int_equal(hs->certs.n, 1);
    assert_string_equal(hs->certs.v[0].subject, "CN=server");
    assert_string_equal(hs->certs.v[0].issuer, "CN=Test CA");
    assert_string_equal(hs->certs.v[0].key, "RSA 2048");
    assert_int_equal(hs->certs.v[0].san.n, 2);
    assert_string_equal(hs->certs.v[0].san.v[1], "b.example");
    free_got(&g);
}

/* A device acting as a server (2.28 ssl_srv.c wording). */
static void test_server_role(void **state)
{
    (void)state;
    const char *log =
        "ssl_tls.c:6754: |2| => handshake\n"
        "ssl_srv.c:4189: |2| server state: 1\n"
        "ssl_srv.c:1397: |2| => parse client hello\n"
        "ssl_srv.c:0116: |1| ssl_sni_wrapper() returned -30976 (-0x7900)\n"
        "ssl_srv.c:2185: |1| got no ciphersuites in common\n"
        "ssl_srv.c:3349: |1| no matching curve for ECDHE\n"
        "ssl_srv.c:1663: |1| client only supports ssl smaller than minimum "
        "[3:1] < [3:3]\n"
        "ssl_tls.c:4500: |3| send alert level=2 message=40\n";
    struct got g;
    parse_chunked(log, strlen(log), 11, &g);
    assert_int_equal(g.n, 1);
    struct td_handshake *hs = g.hs[0];
    assert_int_equal(hs->role, TD_ROLE_SERVER);
    assert_non_null(td_hs_find_note(hs, TD_NOTE_SNI_CALLBACK_FAILED));
    assert_non_null(td_hs_find_note(hs, TD_NOTE_NO_COMMON_SUITE));
    assert_non_null(td_hs_find_note(hs, TD_NOTE_NO_COMMON_CURVE));
    assert_non_null(td_hs_find_note(hs, TD_NOTE_VERSION_TOO_LOW));
    assert_int_equal(hs->errors.n, 1);
    assert_int_equal(hs->errors.v[0].code, -0x7900);
    /* the alert this device sent is from the server side */
    assert_int_equal(hs->alerts.n, 1);
    assert_int_equal(hs->alerts.v[0].from, TD_DIR_SERVER);
    free_got(&g);
}

static void test_no_handshake(void **state)
{
    (void)state;
    const char *log = "nothing\n\n\x1b[31mred\x1b[0m\r\nmore text";
    struct got g;
    parse_chunked(log, strlen(log), 2, &g);
    assert_int_equal(g.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_hello_any_chunking),
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_dump_gap_not_decoded),
        cmocka_unit_test(test_segmentation),
        cmocka_unit_test(test_verify_and_cert_text),
        cmocka_unit_test(test_server_role),
        cmocka_unit_test(test_no_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
