/* test_registry.c - the TLS registry: names, suite properties, by-name
 * lookups and the shape of the generated tables. */
#include "testutil.h"

#include "registry/tables.h"
#include "tlsdiag/registry.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Helpers */

static const char *name_of(enum td_reg_kind kind, uint32_t id)
{
    /* One buffer per call site is enough: callers compare at once. */
    static char buf[TD_REG_NAMEBUF];
    return td_reg_name(kind, id, buf);
}

static const struct td_suite_info *suite_named(const char *name)
{
    return td_reg_suite_by_name(name, strlen(name));
}

static bool contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static char ascii_lower(char c)
{
    return (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
}

/* strcmp after ASCII lower-casing, as the name indexes are sorted. */
static int cmp_folded(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)ascii_lower(*a);
        unsigned char y = (unsigned char)ascii_lower(*b);
        if (x != y || x == '\0')
            return (x > y) - (x < y);
    }
}

/* ------------------------------------------------------------------ */
/* Cipher suites */

static void test_suite_ecdhe_ecdsa_gcm(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0xc02b);
    assert_non_null(s);
    assert_int_equal(s->id, 0xc02b);
    assert_string_equal(s->name, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assert_int_equal(s->kex, TD_KEX_ECDHE);
    assert_int_equal(s->auth, TD_AUTH_ECDSA);
    assert_int_equal(s->cipher_class, TD_CIPHER_AEAD);
    assert_string_equal(s->cipher, "AES_128_GCM");
    assert_string_equal(s->mac, "SHA256");
    assert_false(s->tls13);
    assert_true(s->dtls_ok);
    assert_int_equal(s->recommended, 'Y');
    assert_false(s->insecure);
    assert_string_equal(name_of(TD_REG_SUITE, 0xc02b), s->name);

    s = td_reg_suite(0xc030);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assert_int_equal(s->kex, TD_KEX_ECDHE);
    assert_int_equal(s->auth, TD_AUTH_RSA);
    assert_int_equal(s->cipher_class, TD_CIPHER_AEAD);
    assert_string_equal(s->mac, "SHA384");
    assert_int_equal(s->recommended, 'Y');
}

static void test_suite_psk(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0x00a8);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_PSK_WITH_AES_128_GCM_SHA256");
    assert_int_equal(s->kex, TD_KEX_PSK);
    assert_int_equal(s->auth, TD_AUTH_PSK);
    assert_int_equal(s->cipher_class, TD_CIPHER_AEAD);
    assert_false(s->insecure);

    /* RSA_PSK needs an RSA certificate; IANA's PSK_DHE spelling. */
    s = td_reg_suite(0x00ac);
    assert_non_null(s);
    assert_int_equal(s->kex, TD_KEX_RSA_PSK);
    assert_int_equal(s->auth, TD_AUTH_RSA);
    s = td_reg_suite(0xc0aa);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_PSK_DHE_WITH_AES_128_CCM_8");
    assert_int_equal(s->kex, TD_KEX_DHE_PSK);
    assert_int_equal(s->auth, TD_AUTH_PSK);
    assert_string_equal(s->cipher, "AES_128_CCM_8");
    assert_string_equal(s->mac, "");
}

static void test_suite_tls13(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0x1301);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_AES_128_GCM_SHA256");
    assert_true(s->tls13);
    assert_int_equal(s->kex, TD_KEX_TLS13);
    assert_int_equal(s->auth, TD_AUTH_ANY);
    assert_int_equal(s->cipher_class, TD_CIPHER_AEAD);
    assert_string_equal(s->cipher, "AES_128_GCM");
    assert_string_equal(s->mac, "SHA256");
    assert_false(s->insecure);

    s = td_reg_suite(0x1303);
    assert_non_null(s);
    assert_string_equal(s->cipher, "CHACHA20_POLY1305");
    assert_true(s->tls13);

    /* RFC 9367: GOST TLS 1.3 suites keep a _WITH_ in their names. */
    s = td_reg_suite(0xc103);
    assert_non_null(s);
    assert_true(s->tls13);
    assert_int_equal(s->kex, TD_KEX_TLS13);

    /* RFC 9150 integrity-only suites: TLS 1.3, no encryption. */
    s = td_reg_suite(0xc0b4);
    assert_non_null(s);
    assert_true(s->tls13);
    assert_int_equal(s->cipher_class, TD_CIPHER_NULL);
    assert_true(s->insecure);
}

static void test_suite_legacy(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0x0035);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_RSA_WITH_AES_256_CBC_SHA");
    assert_int_equal(s->kex, TD_KEX_RSA);
    assert_int_equal(s->auth, TD_AUTH_RSA);
    assert_int_equal(s->cipher_class, TD_CIPHER_CBC);
    assert_string_equal(s->cipher, "AES_256_CBC");
    assert_string_equal(s->mac, "SHA");
    assert_int_equal(s->recommended, 'D');
    assert_true(s->insecure);

    s = td_reg_suite(0x000a);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    assert_string_equal(s->cipher, "3DES_EDE_CBC");
    assert_true(s->insecure);

    /* 3DES with ECDHE is only 'N' in the registry, still insecure. */
    s = td_reg_suite(0xc012);
    assert_non_null(s);
    assert_int_equal(s->recommended, 'N');
    assert_true(s->insecure);

    /* ECDHE CBC is 'N' and not insecure. */
    s = td_reg_suite(0xc013);
    assert_non_null(s);
    assert_int_equal(s->recommended, 'N');
    assert_false(s->insecure);

    s = td_reg_suite(0x0005);
    assert_non_null(s);
    assert_int_equal(s->cipher_class, TD_CIPHER_STREAM);
    assert_true(s->insecure);

    s = td_reg_suite(0x0000);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_NULL_WITH_NULL_NULL");
    assert_int_equal(s->kex, TD_KEX_NULL);
    assert_int_equal(s->auth, TD_AUTH_NONE);
    assert_int_equal(s->cipher_class, TD_CIPHER_NULL);
    assert_true(s->insecure);

    s = td_reg_suite(0x0034);
    assert_non_null(s);
    assert_int_equal(s->auth, TD_AUTH_ANON);
    assert_true(s->insecure);
}

static void test_suite_scsv(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0x00ff);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    assert_int_equal(s->kex, TD_KEX_SCSV);
    s = td_reg_suite(0x5600);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_FALLBACK_SCSV");
    assert_int_equal(s->kex, TD_KEX_SCSV);
}

static void test_suite_mbedtls_only(void **state)
{
    (void)state;
    const struct td_suite_info *s = td_reg_suite(0xc0ff);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_ECJPAKE_WITH_AES_128_CCM_8");
    assert_int_equal(s->cipher_class, TD_CIPHER_AEAD);
    assert_true(s->dtls_ok);
    assert_int_equal(s->recommended, 'N');
    assert_false(s->insecure);
}

static void test_grease_and_unknown(void **state)
{
    (void)state;
    char buf[TD_REG_NAMEBUF];
    int n = 0;

    for (uint32_t v = 0; v <= 0xffff; v++)
        if (td_reg_is_grease((uint16_t)v)) {
            assert_int_equal(v & 0x0f0f, 0x0a0a);
            assert_int_equal(v >> 8, v & 0xff);
            n++;
        }
    assert_int_equal(n, 16);
    assert_true(td_reg_is_grease(0x0a0a));
    assert_true(td_reg_is_grease(0xfafa));
    assert_false(td_reg_is_grease(0x0a1a));
    assert_false(td_reg_is_grease(0x0b0b));

    assert_null(td_reg_suite(0x0a0a));
    assert_null(td_reg_lookup(TD_REG_SUITE, 0x0a0a));
    assert_string_equal(td_reg_name(TD_REG_SUITE, 0x0a0a, buf), "GREASE");
    assert_string_equal(td_reg_name(TD_REG_EXT, 0xdada, buf), "GREASE");
    assert_string_equal(td_reg_name(TD_REG_GROUP, 0x2a2a, buf), "GREASE");
    assert_string_equal(td_reg_name(TD_REG_SIGALG, 0x3a3a, buf), "GREASE");
    assert_string_equal(td_reg_name(TD_REG_VERSION, 0x7a7a, buf), "GREASE");

    assert_null(td_reg_lookup(TD_REG_SUITE, 0x1234));
    assert_null(td_reg_suite(0x1234));
    assert_string_equal(td_reg_name(TD_REG_SUITE, 0x1234, buf),
                        "unknown_0x1234");
    assert_string_equal(td_reg_name(TD_REG_EXT, 0x3374, buf),
                        "unknown_0x3374");
    assert_string_equal(td_reg_name(TD_REG_VERSION, 0x0305, buf),
                        "unknown_0x0305");
    assert_string_equal(td_reg_name(TD_REG_SIGALG, 0x0000, buf),
                        "unknown_0x0000");
    assert_string_equal(td_reg_name(TD_REG_ALERT, 0xff, buf),
                        "unknown_0xff");
    assert_string_equal(td_reg_name(TD_REG_HS_TYPE, 0x07, buf),
                        "unknown_0x07");
    /* 8-bit kinds have no GREASE. */
    assert_string_equal(td_reg_name(TD_REG_ALERT, 0x0a0a, buf),
                        "unknown_0xa0a");
    /* Out-of-range ids still fit the buffer. */
    assert_null(td_reg_lookup(TD_REG_SUITE, 0x1c02b));
    assert_string_equal(td_reg_name(TD_REG_SUITE, 0xffffffffu, buf),
                        "unknown_0xffffffff");
}

/* ------------------------------------------------------------------ */
/* Other kinds */

static void test_sigalgs(void **state)
{
    (void)state;
    static const struct {
        uint16_t id;
        const char *name;
        uint8_t hash, sig;
        bool pair;
    } rows[] = {
        {0x0403, "ecdsa_secp256r1_sha256", 4, 3, false},
        {0x0401, "rsa_pkcs1_sha256", 4, 1, false},
        {0x0201, "rsa_pkcs1_sha1", 2, 1, false},
        {0x0303, "ecdsa_sha224", 3, 3, true},
        {0x0301, "rsa_pkcs1_sha224", 3, 1, true},
        {0x0302, "dsa_sha224", 3, 2, true},
        {0x0202, "dsa_sha1", 2, 2, true},
        {0x0402, "dsa_sha256", 4, 2, true},
        {0x0101, "rsa_pkcs1_md5", 1, 1, true},
        {0x0804, "rsa_pss_rsae_sha256", 8, 4, false},
        {0x0807, "ed25519", 8, 7, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct td_sigalg_info *a = td_reg_sigalg(rows[i].id);
        assert_non_null(a);
        assert_string_equal(a->name, rows[i].name);
        assert_int_equal(a->hash, rows[i].hash);
        assert_int_equal(a->sig, rows[i].sig);
        assert_int_equal(a->tls12_pair, rows[i].pair);
        assert_string_equal(name_of(TD_REG_SIGALG, rows[i].id),
                            rows[i].name);
    }
    /* Every (hash 1..6, sig 1..3) pair has a name. */
    for (unsigned h = 1; h <= 6; h++)
        for (unsigned s = 1; s <= 3; s++)
            assert_non_null(td_reg_sigalg((uint16_t)(h << 8 | s)));
}

static void test_groups(void **state)
{
    (void)state;
    const struct td_group_info *g = td_reg_group(23);
    assert_non_null(g);
    assert_string_equal(g->name, "secp256r1");
    assert_int_equal(g->kind, 0);
    assert_int_equal(g->recommended, 'Y');

    g = td_reg_group(29);
    assert_non_null(g);
    assert_string_equal(g->name, "x25519");
    assert_int_equal(g->kind, 0);

    g = td_reg_group(0x11ec);
    assert_non_null(g);
    assert_string_equal(g->name, "X25519MLKEM768");
    assert_int_equal(g->kind, 2);

    g = td_reg_group(256);
    assert_non_null(g);
    assert_string_equal(g->name, "ffdhe2048");
    assert_int_equal(g->kind, 1);

    /* "(OBSOLETE)" is dropped from the name. */
    g = td_reg_group(0x6399);
    assert_non_null(g);
    assert_string_equal(g->name, "X25519Kyber768Draft00");
    assert_int_equal(g->kind, 2);

    static const struct {
        const char *name;
        uint16_t id;
    } names[] = {
        {"secp256r1", 23}, {"secp384r1", 24}, {"secp521r1", 25},
        {"x25519", 29}, {"X25519", 29}, {"x448", 30},
        {"brainpoolP256r1", 26}, {"BRAINPOOLP512R1", 28},
        {"secp256k1", 22}, {"prime256v1", 23}, {"P-256", 23},
        {"ffdhe3072", 257}, {"x25519mlkem768", 0x11ec},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        g = td_reg_group_by_name(names[i].name, strlen(names[i].name));
        assert_non_null(g);
        assert_int_equal(g->id, names[i].id);
    }
    assert_null(td_reg_group_by_name("secp256", 7));
    assert_null(td_reg_group_by_name("secp256r1x", 10));
    assert_null(td_reg_group_by_name("", 0));
    /* Length-bounded: "secp384r1" out of a longer buffer. */
    g = td_reg_group_by_name("secp384r1,x25519", 9);
    assert_non_null(g);
    assert_int_equal(g->id, 24);
}

static void test_versions(void **state)
{
    (void)state;
    assert_string_equal(name_of(TD_REG_VERSION, 0x0002), "SSL 2.0");
    assert_string_equal(name_of(TD_REG_VERSION, 0x0300), "SSL 3.0");
    assert_string_equal(name_of(TD_REG_VERSION, 0x0301), "TLS 1.0");
    assert_string_equal(name_of(TD_REG_VERSION, 0x0302), "TLS 1.1");
    assert_string_equal(name_of(TD_REG_VERSION, 0x0303), "TLS 1.2");
    assert_string_equal(name_of(TD_REG_VERSION, 0x0304), "TLS 1.3");
    assert_string_equal(name_of(TD_REG_VERSION, 0x7f10),
                        "TLS 1.3 draft 16");
    assert_string_equal(name_of(TD_REG_VERSION, 0x7f1c),
                        "TLS 1.3 draft 28");
    assert_string_equal(name_of(TD_REG_VERSION, 0xfeff), "DTLS 1.0");
    assert_string_equal(name_of(TD_REG_VERSION, 0xfefd), "DTLS 1.2");
    assert_string_equal(name_of(TD_REG_VERSION, 0xfefc), "DTLS 1.3");
}

static void test_alerts(void **state)
{
    (void)state;
    assert_string_equal(name_of(TD_REG_ALERT, 40), "handshake_failure");
    assert_string_equal(name_of(TD_REG_ALERT, 112), "unrecognized_name");
    assert_string_equal(name_of(TD_REG_ALERT, 0), "close_notify");
    assert_string_equal(name_of(TD_REG_ALERT, 80), "internal_error");
    assert_int_equal(td_reg_alert_by_name("handshake_failure", 17), 40);
    assert_int_equal(td_reg_alert_by_name("UNRECOGNIZED_NAME", 17), 112);
    assert_int_equal(td_reg_alert_by_name("close_notify", 12), 0);
    assert_int_equal(td_reg_alert_by_name("handshake", 9), -1);
    assert_int_equal(td_reg_alert_by_name("handshake_failures", 18), -1);
    assert_int_equal(td_reg_alert_by_name("bad_certificate: x", 15), 42);
    assert_int_equal(td_reg_alert_by_name(NULL, 0), -1);
    /* An embedded NUL never matches. */
    assert_int_equal(td_reg_alert_by_name("close_notify\0", 13), -1);
}

static void test_extensions(void **state)
{
    (void)state;
    assert_string_equal(name_of(TD_REG_EXT, 0), "server_name");
    assert_string_equal(name_of(TD_REG_EXT, 10), "supported_groups");
    assert_string_equal(name_of(TD_REG_EXT, 13), "signature_algorithms");
    assert_string_equal(name_of(TD_REG_EXT, 35), "session_ticket");
    assert_string_equal(name_of(TD_REG_EXT, 43), "supported_versions");
    assert_string_equal(name_of(TD_REG_EXT, 53), "connection_id_deprecated");
    assert_string_equal(name_of(TD_REG_EXT, 54), "connection_id");
    assert_string_equal(name_of(TD_REG_EXT, 0xfe0d),
                        "encrypted_client_hello");
    assert_string_equal(name_of(TD_REG_EXT, 0xff01), "renegotiation_info");
    /* "Reserved" rows are not code points. */
    assert_null(td_reg_lookup(TD_REG_EXT, 40));
}

static void test_small_kinds(void **state)
{
    (void)state;
    assert_string_equal(name_of(TD_REG_POINT_FORMAT, 0), "uncompressed");
    assert_string_equal(name_of(TD_REG_POINT_FORMAT, 1),
                        "ansiX962_compressed_prime");
    assert_string_equal(name_of(TD_REG_POINT_FORMAT, 2),
                        "ansiX962_compressed_char2");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 1), "client_hello");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 2), "server_hello");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 11), "certificate");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 14), "server_hello_done");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 20), "finished");
    assert_string_equal(name_of(TD_REG_HS_TYPE, 254), "message_hash");
    assert_string_equal(name_of(TD_REG_CONTENT_TYPE, 20),
                        "change_cipher_spec");
    assert_string_equal(name_of(TD_REG_CONTENT_TYPE, 21), "alert");
    assert_string_equal(name_of(TD_REG_CONTENT_TYPE, 22), "handshake");
    assert_string_equal(name_of(TD_REG_CONTENT_TYPE, 23),
                        "application_data");
    assert_string_equal(name_of(TD_REG_CONTENT_TYPE, 25), "tls12_cid");
    assert_string_equal(name_of(TD_REG_COMPRESSION, 0), "null");
    assert_string_equal(name_of(TD_REG_COMPRESSION, 1), "DEFLATE");
    assert_string_equal(name_of(TD_REG_COMPRESSION, 64), "LZS");
}

/* ------------------------------------------------------------------ */
/* By-name suites */

static void test_suite_by_name(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint16_t id;
    } rows[] = {
        {"TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", 0xc02f},
        {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xc02f},
        {"tls_ecdhe_rsa_with_aes_128_gcm_sha256", 0xc02f},
        {"TLS1-3-AES-128-GCM-SHA256", 0x1301},
        {"TLS1-3-CHACHA20-POLY1305-SHA256", 0x1303},
        {"TLS_AES_128_GCM_SHA256", 0x1301},
        {"TLS-DHE-PSK-WITH-AES-128-CCM-8", 0xc0aa},
        {"TLS-DHE-PSK-WITH-AES-256-CCM-8", 0xc0ab},
        {"TLS_PSK_DHE_WITH_AES_128_CCM_8", 0xc0aa},
        {"TLS-ECJPAKE-WITH-AES-128-CCM-8", 0xc0ff},
        {"TLS-RSA-WITH-AES-128-CBC-SHA", 0x002f},
        {"TLS-DH-anon-WITH-AES-128-CBC-SHA", 0x0034},
        {"TLS-EMPTY-RENEGOTIATION-INFO-SCSV", 0x00ff},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct td_suite_info *s = suite_named(rows[i].name);
        assert_non_null(s);
        assert_int_equal(s->id, rows[i].id);
    }
    /* TLS1-3- only names TLS 1.3 suites. */
    assert_null(suite_named("TLS1-3-ECDHE-RSA-WITH-AES-128-GCM-SHA256"));
    assert_null(suite_named("TLS-ECDHE-RSA-WITH-AES-128-GCM"));
    assert_null(suite_named("TLS1-3-"));
    assert_null(td_reg_suite_by_name("", 0));
    assert_null(td_reg_suite_by_name(NULL, 0));
    /* Length-bounded: the name need not end in NUL. */
    const char *line = "TLS-RSA-WITH-AES-256-CBC-SHA256 (0x3d)";
    const struct td_suite_info *s = td_reg_suite_by_name(line, 31);
    assert_non_null(s);
    assert_int_equal(s->id, 0x003d);
    s = td_reg_suite_by_name(line, 28);
    assert_non_null(s);
    assert_int_equal(s->id, 0x0035);
}

/* Every suite is found by its IANA name and by its mbedTLS spelling. */
static void test_suite_names_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < td_reg_suite_count(); i++) {
        const struct td_suite_info *s = td_reg_suite_at(i);
        char mb[128];
        size_t n = 0;

        assert_non_null(s);
        assert_ptr_equal(suite_named(s->name), s);
        if (s->tls13 && strstr(s->name, "_WITH_") == NULL) {
            memcpy(mb, "TLS1-3-", 7);
            n = 7;
            for (const char *p = s->name + 4; *p; p++)
                mb[n++] = (char)(*p == '_' ? '-' : *p);
        } else {
            for (const char *p = s->name; *p; p++)
                mb[n++] = (char)(*p == '_' ? '-' : *p);
        }
        mb[n] = '\0';
        assert_ptr_equal(td_reg_suite_by_name(mb, n), s);
    }
    assert_null(td_reg_suite_at(td_reg_suite_count()));
}

/* ------------------------------------------------------------------ */
/* Properties over all rows */

static void test_recommended_y(void **state)
{
    (void)state;
    static const uint16_t want[] = {
        0x1301, 0x1302, 0x1303, 0x1304, 0xc02b, 0xc02c, 0xc02f,
        0xc030, 0xcca8, 0xcca9, 0xccac, 0xd001, 0xd002, 0xd005,
    };
    size_t n = 0;

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct td_suite_info *s = td_reg_suite(want[i]);
        assert_non_null(s);
        assert_int_equal(s->recommended, 'Y');
        assert_false(s->insecure);
    }
    for (size_t i = 0; i < td_reg_suite_count(); i++)
        if (td_reg_suite_at(i)->recommended == 'Y')
            n++;
    assert_int_equal(n, 14);
}

/* Fail naming the suite row, so a broken row is easy to find. */
static void expect_at(const struct td_suite_info *s, bool ok, int line)
{
    if (!ok)
        fail_msg("suite 0x%04x %s: check at line %d", s->id, s->name, line);
}
#define expect(s, cond) expect_at((s), (cond), __LINE__)
#define expect_eq(s, a, b) expect_at((s), (a) == (b), __LINE__)

/* What each row says must agree with its name. */
static void test_suite_consistency(void **state)
{
    (void)state;
    for (size_t i = 0; i < td_reg_suite_count(); i++) {
        const struct td_suite_info *s = td_reg_suite_at(i);
        const char *nm = s->name;
        bool anon = contains(nm, "_anon_");
        bool with = contains(nm, "_WITH_");

        expect(s, strncmp(nm, "TLS_", 4) == 0);
        expect(s, s->recommended == 'Y' || s->recommended == 'N' ||
                    s->recommended == 'D');
        if ((s->id >> 8) == 0x13)
            expect(s, s->tls13);
        expect_eq(s, s->tls13, s->kex == TD_KEX_TLS13);
        expect_eq(s, s->tls13, s->auth == TD_AUTH_ANY);
        if (!with && !contains(nm, "_SCSV"))
            expect(s, s->tls13);

        switch (s->auth) {
        case TD_AUTH_ECDSA:
            expect(s, contains(nm, "_ECDSA_WITH_"));
            break;
        case TD_AUTH_RSA:
            expect(s, contains(nm, "RSA_WITH_") ||
                        contains(nm, "RSA_EXPORT_WITH_") ||
                        contains(nm, "RSA_PSK_WITH_"));
            break;
        case TD_AUTH_DSS:
            expect(s, contains(nm, "_DSS_"));
            break;
        case TD_AUTH_PSK:
            expect(s, contains(nm, "PSK"));
            break;
        case TD_AUTH_ANON:
            expect(s, anon);
            break;
        case TD_AUTH_NONE:
            expect(s, s->kex == TD_KEX_NULL || s->kex == TD_KEX_SCSV);
            break;
        default:
            break;
        }
        if (contains(nm, "_ECDSA_WITH_"))
            expect_eq(s, s->auth, TD_AUTH_ECDSA);
        if (anon)
            expect_eq(s, s->auth, TD_AUTH_ANON);

        switch (s->kex) {
        case TD_KEX_ECDHE:
            expect(s, strncmp(nm, "TLS_ECDHE_", 10) == 0 ||
                        strncmp(nm, "TLS_ECDH_anon_", 14) == 0);
            break;
        case TD_KEX_ECDH:
            expect(s, strncmp(nm, "TLS_ECDH_", 9) == 0 && !anon);
            break;
        case TD_KEX_DHE:
            expect(s, strncmp(nm, "TLS_DHE_", 8) == 0 ||
                        strncmp(nm, "TLS_DH_anon_", 12) == 0);
            break;
        case TD_KEX_DH:
            expect(s, strncmp(nm, "TLS_DH_", 7) == 0 && !anon);
            break;
        case TD_KEX_RSA:
            expect(s, strncmp(nm, "TLS_RSA_", 8) == 0 &&
                        !contains(nm, "_PSK_"));
            break;
        case TD_KEX_PSK:
            expect(s, strncmp(nm, "TLS_PSK_WITH_", 13) == 0);
            break;
        case TD_KEX_SCSV:
            expect(s, contains(nm, "_SCSV"));
            break;
        default:
            break;
        }

        switch (s->cipher_class) {
        case TD_CIPHER_AEAD:
            expect(s, contains(s->cipher, "GCM") ||
                        contains(s->cipher, "CCM") ||
                        contains(s->cipher, "POLY1305") ||
                        contains(s->cipher, "MGM") ||
                        contains(s->cipher, "AEGIS") ||
                        contains(s->cipher, "ASCON"));
            break;
        case TD_CIPHER_CBC:
            expect(s, contains(s->cipher, "_CBC"));
            break;
        case TD_CIPHER_STREAM:
            expect(s, strncmp(s->cipher, "RC4_", 4) == 0);
            break;
        case TD_CIPHER_NULL:
            expect(s, s->kex == TD_KEX_SCSV ||
                        strcmp(s->cipher, "NULL") == 0);
            break;
        default:
            break;
        }
        if (s->cipher_class != TD_CIPHER_AEAD && s->kex != TD_KEX_SCSV)
            expect(s, s->mac[0] != '\0');
        if (s->mac[0] && s->kex != TD_KEX_SCSV) {
            size_t ml = strlen(s->mac);
            size_t nl = strlen(nm);
            /* The MAC/hash closes the name, except where overridden. */
            expect(s, (ml < nl && strcmp(nm + nl - ml, s->mac) == 0) ||
                        (s->id >= 0xc103 && s->id <= 0xc106));
        }

        bool weak = s->recommended == 'D' || contains(nm, "RC4") ||
                    contains(nm, "DES") || contains(nm, "EXPORT") || anon ||
                    contains(nm, "NULL") || contains(nm, "_MD5") ||
                    s->cipher_class == TD_CIPHER_NULL;
        if (s->kex == TD_KEX_SCSV)
            weak = false;
        expect_eq(s, s->insecure, weak);
    }
}

/* Every table sorted by id and unique; every row found by lookup. */
static void check_codes(enum td_reg_kind kind, const struct td_reg_code *rows,
                        size_t n, uint32_t max)
{
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            assert_true(rows[i - 1].id < rows[i].id);
        assert_true(rows[i].id <= max);
        assert_non_null(rows[i].name);
        assert_ptr_equal(td_reg_lookup(kind, rows[i].id), rows[i].name);
    }
}

static void check_names(const struct td_reg_alias *rows, size_t n)
{
    for (size_t i = 1; i < n; i++)
        assert_true(cmp_folded(rows[i - 1].name, rows[i].name) < 0);
}

static void test_tables_sorted(void **state)
{
    (void)state;
    for (size_t i = 0; i < td_reg_suite_rows_n; i++) {
        if (i > 0)
            assert_true(td_reg_suite_rows[i - 1].id <
                        td_reg_suite_rows[i].id);
        assert_ptr_equal(td_reg_suite(td_reg_suite_rows[i].id),
                         &td_reg_suite_rows[i]);
        assert_ptr_equal(td_reg_suite_at(i), &td_reg_suite_rows[i]);
    }
    assert_int_equal(td_reg_suite_count(), td_reg_suite_rows_n);
    for (size_t i = 0; i < td_reg_group_rows_n; i++) {
        if (i > 0)
            assert_true(td_reg_group_rows[i - 1].id <
                        td_reg_group_rows[i].id);
        assert_ptr_equal(td_reg_group(td_reg_group_rows[i].id),
                         &td_reg_group_rows[i]);
        assert_true(td_reg_group_rows[i].kind <= 2);
        assert_ptr_equal(td_reg_group_at(i), &td_reg_group_rows[i]);
    }
    assert_int_equal(td_reg_group_count(), td_reg_group_rows_n);
    assert_null(td_reg_group_at(td_reg_group_count()));
    assert_int_equal(td_reg_sigalg_count(), td_reg_sigalg_rows_n);
    assert_null(td_reg_sigalg_at(td_reg_sigalg_count()));
    for (size_t i = 0; i < td_reg_sigalg_rows_n; i++) {
        const struct td_sigalg_info *a = &td_reg_sigalg_rows[i];
        assert_ptr_equal(td_reg_sigalg_at(i), a);
        if (i > 0)
            assert_true(td_reg_sigalg_rows[i - 1].id < a->id);
        assert_ptr_equal(td_reg_sigalg(a->id), a);
        assert_int_equal(a->hash, a->id >> 8);
        assert_int_equal(a->sig, a->id & 0xff);
    }
    check_codes(TD_REG_EXT, td_reg_ext_rows, td_reg_ext_rows_n, 0xffff);
    check_codes(TD_REG_ALERT, td_reg_alert_rows, td_reg_alert_rows_n, 0xff);
    check_codes(TD_REG_VERSION, td_reg_version_rows, td_reg_version_rows_n,
                0xffff);
    check_codes(TD_REG_POINT_FORMAT, td_reg_point_format_rows,
                td_reg_point_format_rows_n, 0xff);
    check_codes(TD_REG_HS_TYPE, td_reg_hs_type_rows, td_reg_hs_type_rows_n,
                0xff);
    check_codes(TD_REG_CONTENT_TYPE, td_reg_content_type_rows,
                td_reg_content_type_rows_n, 0xff);
    check_codes(TD_REG_COMPRESSION, td_reg_compression_rows,
                td_reg_compression_rows_n, 0xff);
    check_names(td_reg_suite_names, td_reg_suite_names_n);
    check_names(td_reg_group_names, td_reg_group_names_n);
    check_names(td_reg_alert_names, td_reg_alert_names_n);
    for (size_t i = 0; i < td_reg_alert_names_n; i++) {
        const struct td_reg_alias *a = &td_reg_alert_names[i];
        assert_int_equal(td_reg_alert_by_name(a->name, strlen(a->name)),
                         a->id);
    }
    for (size_t i = 0; i < td_reg_group_names_n; i++) {
        const struct td_reg_alias *a = &td_reg_group_names[i];
        const struct td_group_info *g =
            td_reg_group_by_name(a->name, strlen(a->name));
        assert_non_null(g);
        assert_int_equal(g->id, a->id);
    }
    /* No GREASE value is a registry row. */
    for (uint32_t v = 0x0a0a; v <= 0xfafa; v += 0x1010) {
        assert_null(td_reg_suite((uint16_t)v));
        assert_null(td_reg_group((uint16_t)v));
        assert_null(td_reg_sigalg((uint16_t)v));
        assert_null(td_reg_lookup(TD_REG_EXT, v));
        assert_null(td_reg_lookup(TD_REG_VERSION, v));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_ecdhe_ecdsa_gcm),
        cmocka_unit_test(test_suite_psk),
        cmocka_unit_test(test_suite_tls13),
        cmocka_unit_test(test_suite_legacy),
        cmocka_unit_test(test_suite_scsv),
        cmocka_unit_test(test_suite_mbedtls_only),
        cmocka_unit_test(test_grease_and_unknown),
        cmocka_unit_test(test_sigalgs),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_extensions),
        cmocka_unit_test(test_small_kinds),
        cmocka_unit_test(test_suite_by_name),
        cmocka_unit_test(test_suite_names_round_trip),
        cmocka_unit_test(test_recommended_y),
        cmocka_unit_test(test_suite_consistency),
        cmocka_unit_test(test_tables_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
