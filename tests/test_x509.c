/* test_x509.c - td_x509_parse on the certificates of tests/data/x509/
 * (made by tests/data/x509/make-certs.sh): one row per certificate, every
 * field checked. */
#include "testutil.h"

#include "tlsdiag/arena.h"
#include "tlsdiag/err.h"
#include "tlsdiag/model.h"
#include "x509.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CA_DN "C=DE, O=tlsdiag, CN=tlsdiag Test CA"

struct want {
    const char *file;
    bool parsed;
    const char *parse_error; /* substring; NULL: must be NULL */
    const char *subject;     /* NULL: must be NULL */
    const char *issuer;
    const char *not_before;
    int64_t not_before_t;
    const char *not_after;
    int64_t not_after_t;
    const char *key;
    const char *key_type;
    unsigned key_bits;
    uint16_t key_group;
    const char *sig_alg;
    bool is_ca;
    const char *san[6]; /* NULL-terminated */
};

static const struct want certs[] = {
    {"ca.der",
     true,
     NULL,
     CA_DN,
     CA_DN,
     "2020-01-01 00:00:00",
     1577836800,
     "2040-01-01 00:00:00",
     2208988800,
     "RSA 2048",
     "RSA",
     2048,
     0,
     "RSA with SHA-256",
     true,
     {NULL}},
    {"rsa2048-san.der",
     true,
     NULL,
     "C=DE, O=tlsdiag, CN=rsa.example.com",
     CA_DN,
     "2024-01-01 00:00:00",
     1704067200,
     "2034-01-01 12:00:00",
     2019729600,
     "RSA 2048",
     "RSA",
     2048,
     0,
     "RSA with SHA-256",
     false,
     /* the e-mail SAN is left out */
     {"rsa.example.com", "www.example.com", "192.0.2.1", "2001:db8::1", NULL}},
    {"ec-p256.der",
     true,
     NULL,
     "CN=ec.example.com",
     "CN=ec.example.com",
     "2024-03-15 08:30:00",
     1710491400,
     "2029-03-15 08:30:00",
     1868257800,
     "EC secp256r1 256",
     "EC",
     256,
     23,
     "ECDSA with SHA256",
     false,
     {"ec.example.com", NULL}},
    {"ec-p384.der",
     true,
     NULL,
     "CN=p384.example.com",
     "CN=p384.example.com",
     "2024-01-01 00:00:00",
     1704067200,
     "2030-01-01 00:00:00",
     1893456000,
     "EC secp384r1 384",
     "EC",
     384,
     24,
     "ECDSA with SHA384",
     false,
     {NULL}},
    {"expired.der",
     true,
     NULL,
     "CN=expired.example.com",
     CA_DN,
     "2000-01-01 00:00:00",
     946684800,
     "2001-01-01 00:00:00",
     978307200,
     "RSA 2048",
     "RSA",
     2048,
     0,
     "RSA with SHA-256",
     false,
     {NULL}},
    {"future.der",
     true,
     NULL,
     "CN=future.example.com",
     CA_DN,
     "2099-01-01 00:00:00",
     4070908800,
     "2100-01-01 00:00:00",
     4102444800,
     "RSA 2048",
     "RSA",
     2048,
     0,
     "RSA with SHA-256",
     false,
     {NULL}},
    /* mbedTLS 2.28 rejects the key; the DER reader still gets the rest. */
    {"ed25519.der",
     false,
     "key type not supported by mbedTLS 2.28 (OID 1.3.101.112)",
     "CN=ed25519.example.com",
     CA_DN,
     "2024-01-01 00:00:00",
     1704067200,
     "2034-01-01 00:00:00",
     2019686400,
     "Ed25519",
     "Ed25519",
     256,
     0,
     "RSA with SHA-256",
     false,
     {NULL}},
    {"ed25519-self.der",
     false,
     "key type not supported by mbedTLS 2.28 (OID 1.3.101.112)",
     "CN=ed.example.com",
     "CN=ed.example.com",
     "2024-06-01 00:00:00",
     1717200000,
     "2025-06-01 00:00:00",
     1748736000,
     "Ed25519",
     "Ed25519",
     256,
     0,
     "Ed25519",
     true,
     {"ed.example.com", "10.0.0.1", NULL}},
    {"rsa-pss.der",
     false,
     "key type not supported by mbedTLS 2.28 (OID 1.2.840.113549.1.1.10)",
     "CN=pss.example.com",
     CA_DN,
     "2024-01-01 00:00:00",
     1704067200,
     "2034-01-01 00:00:00",
     2019686400,
     "RSA-PSS 2048",
     "RSA-PSS",
     2048,
     0,
     "RSA with SHA-256",
     false,
     {NULL}},
    /* rejected for its unknown critical extension; the rest still read */
    {"critical-ext.der",
     false,
     "X509 - The extension tag or value is "
     "invalid",
     "CN=crit.example.com",
     CA_DN,
     "2024-01-01 00:00:00",
     1704067200,
     "2034-01-01 00:00:00",
     2019686400,
     "RSA 2048",
     "RSA",
     2048,
     0,
     "RSA with SHA-256",
     false,
     {"crit.example.com", "10.0.0.2", NULL}},
    {"truncated.der",
     false,
     "X509 - The CRT/CRL/CSR format is invalid",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     0,
     NULL,
     NULL,
     0,
     0,
     NULL,
     false,
     {NULL}},
    {"garbage.der",
     false,
     "X509 - The CRT/CRL/CSR format is invalid",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     0,
     NULL,
     NULL,
     0,
     0,
     NULL,
     false,
     {NULL}},
};

static uint8_t *read_cert(const char *file, size_t *n)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "tests/data/x509/%s", file);
    return td_t_read(td_t_src(rel), n);
}

static void check_str(const char *file, const char *field, const char *got,
                      const char *want)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(got, want) != 0)
        fail_msg("%s: %s is \"%s\", want \"%s\"", file, field,
                 got ? got : "(null)", want ? want : "(null)");
}

static void check_cert(const struct want *w, const struct td_cert *c,
                       size_t der_len)
{
    const char *f = w->file;

    if (c->parsed != w->parsed)
        fail_msg("%s: parsed %d (%s)", f, c->parsed,
                 c->parse_error ? c->parse_error : "");
    if (w->parse_error) {
        if (!c->parse_error || !strstr(c->parse_error, w->parse_error))
            fail_msg("%s: parse_error \"%s\" lacks \"%s\"", f,
                     c->parse_error ? c->parse_error : "(null)",
                     w->parse_error);
    } else {
        check_str(f, "parse_error", c->parse_error, NULL);
    }
    assert_int_equal(c->der_len, der_len);
    check_str(f, "subject", c->subject, w->subject);
    check_str(f, "issuer", c->issuer, w->issuer);
    check_str(f, "not_before", c->not_before, w->not_before);
    check_str(f, "not_after", c->not_after, w->not_after);
    if (c->not_before_t != w->not_before_t || c->not_after_t != w->not_after_t)
        fail_msg("%s: validity %lld..%lld, want %lld..%lld", f,
                 (long long)c->not_before_t, (long long)c->not_after_t,
                 (long long)w->not_before_t, (long long)w->not_after_t);
    check_str(f, "key", c->key, w->key);
    check_str(f, "key_type", c->key_type, w->key_type);
    if (c->key_bits != w->key_bits || c->key_group != w->key_group)
        fail_msg("%s: key_bits %u group %u, want %u %u", f, c->key_bits,
                 c->key_group, w->key_bits, w->key_group);
    check_str(f, "sig_alg", c->sig_alg, w->sig_alg);
    if (c->is_ca != w->is_ca)
        fail_msg("%s: is_ca %d", f, c->is_ca);
    size_t n = 0;
    while (w->san[n])
        n++;
    if (c->san.n != n)
        fail_msg("%s: %zu SANs, want %zu", f, c->san.n, n);
    for (size_t i = 0; i < n; i++)
        check_str(f, "san", c->san.v[i], w->san[i]);
}

static void test_certs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
        struct td_arena a;
        struct td_cert c;
        size_t n;
        uint8_t *der = read_cert(certs[i].file, &n);

        td_arena_init(&a, 0);
        memset(&c, 0xa5, sizeof(c)); /* everything gets set */
        c.where = (struct td_evidence){.line = 7, .packet = 9};
        assert_int_equal(td_x509_parse(&a, der, n, &c), 0);
        check_cert(&certs[i], &c, n);
        /* the caller's evidence is kept */
        assert_int_equal(c.where.line, 7);
        assert_int_equal(c.where.packet, 9);
        td_arena_free(&a);
        free(der);
    }
}

/* No bytes: not parsed, with a reason. */
static void test_empty_and_null(void **state)
{
    struct td_arena a;
    struct td_cert c;

    (void)state;
    td_arena_init(&a, 0);
    memset(&c, 0, sizeof(c));
    assert_int_equal(td_x509_parse(&a, NULL, 0, &c), 0);
    assert_false(c.parsed);
    assert_non_null(c.parse_error);
    assert_null(c.subject);
    assert_int_equal(td_x509_parse(&a, (const uint8_t *)"", 0, &c), 0);
    assert_false(c.parsed);
    assert_non_null(c.parse_error);
    td_arena_free(&a);
}

/* A full arena is the only error. */
static void test_arena_full(void **state)
{
    size_t n;
    uint8_t *der = read_cert("rsa2048-san.der", &n);

    (void)state;
    for (size_t cap = 1; cap < 400; cap += 7) {
        struct td_arena a;
        struct td_cert c;
        td_arena_init(&a, cap);
        memset(&c, 0, sizeof(c));
        int rc = td_x509_parse(&a, der, n, &c);
        assert_true(rc == 0 || rc == TD_ERR_NOMEM);
        td_arena_free(&a);
    }
    free(der);
}

/* An oversized DER is not given to mbedTLS. */
static void test_too_large(void **state)
{
    struct td_arena a;
    struct td_cert c;
    size_t len = (size_t)1 << 20;
    uint8_t *big = calloc(1, len);

    (void)state;
    assert_non_null(big);
    big[0] = 0x30;
    big[1] = 0x83;
    big[2] = 0x0f;
    big[3] = 0xff;
    big[4] = 0xfc;
    td_arena_init(&a, 0);
    memset(&c, 0, sizeof(c));
    assert_int_equal(td_x509_parse(&a, big, len, &c), 0);
    assert_false(c.parsed);
    assert_non_null(strstr(c.parse_error, "larger than"));
    assert_int_equal(c.der_len, len);
    td_arena_free(&a);
    free(big);
}

/* Every prefix of some certificates, ending at an inaccessible page. */
static void test_prefixes(void **state)
{
    static const char *const files[] = {
        "rsa2048-san.der",
        "ed25519.der",
        "ec-p256.der",
        "critical-ext.der",
    };
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);

    (void)state;
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        size_t n;
        uint8_t *der = read_cert(files[k], &n);
        size_t data = (n + pg - 1) / pg * pg;
        uint8_t *map = mmap(NULL, data + pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assert_true(map != MAP_FAILED);
        assert_int_equal(mprotect(map + data, pg, PROT_NONE), 0);
        for (size_t len = 0; len <= n; len++) {
            uint8_t *p = map + data - len;
            memcpy(p, der, len);
            struct td_arena a;
            struct td_cert c;
            td_arena_init(&a, 0);
            memset(&c, 0, sizeof(c));
            assert_int_equal(td_x509_parse(&a, p, len, &c), 0);
            if (len < n)
                assert_false(c.parsed);
            else
                assert_true(c.parsed == (k == 0 || k == 2));
            assert_true(c.parsed || c.parse_error != NULL);
            td_arena_free(&a);
        }
        munmap(map, data + pg);
        free(der);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certs),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_arena_full),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
