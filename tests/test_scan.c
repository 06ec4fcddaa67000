/* test_scan.c - the scan's pieces that need no network: candidate lists
 * from the registry, the hellos of each version (decoded back by the
 * project's decoder), and the --from match.  The live scans are in
 * tests/cli/test_scan.py.
 */
#include "testutil.h"

#include "scan_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"
#include "tlsdiag/scan.h"

#include <stdlib.h>
#include <string.h>

static bool has(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static void test_lists(void **state)
{
    (void)state;
    static struct scan_lists l;
    td_scan_lists_init(&l);
    /* every TLS <= 1.2 suite, no TLS 1.3 ones, no signalling values */
    assert_true(l.n_suites12 > 300);
    assert_true(has(l.suites12, l.n_suites12, 0xc02f));
    assert_true(has(l.suites12, l.n_suites12, 0x002f));
    assert_false(has(l.suites12, l.n_suites12, 0x1301));
    assert_false(has(l.suites12, l.n_suites12, 0x00ff));
    assert_false(has(l.suites12, l.n_suites12, 0x5600));
    assert_false(has(l.suites12, l.n_suites12, 0x0000));
    /* before TLS 1.2: no AEAD, no SHA-256 MAC */
    assert_true(has(l.suites_old, l.n_suites_old, 0x002f));
    assert_true(has(l.suites_old, l.n_suites_old, 0xc013));
    assert_false(has(l.suites_old, l.n_suites_old, 0xc02f));
    assert_false(has(l.suites_old, l.n_suites_old, 0x003c));
    assert_false(has(l.suites_old, l.n_suites_old, 0xcca8));
    for (uint16_t s = 0x1301; s <= 0x1305; s++)
        assert_true(has(l.suites13, l.n_suites13, s));
    /* curves for TLS 1.2; every group (FFDHE, ML-KEM) for TLS 1.3 */
    for (uint16_t g = 23; g <= 25; g++)
        assert_true(has(l.groups_ec, l.n_groups_ec, g));
    assert_true(has(l.groups_ec, l.n_groups_ec, 29));
    assert_false(has(l.groups_ec, l.n_groups_ec, 256));
    assert_false(has(l.groups_ec, l.n_groups_ec, 0xff01));
    assert_true(has(l.groups_all, l.n_groups_all, 256));
    assert_true(has(l.groups_all, l.n_groups_all, 0x0201));
    assert_true(has(l.sigalgs, l.n_sigalgs, 0x0804));
}

static void test_key_families(void **state)
{
    (void)state;
    static struct scan_lists l;
    td_scan_lists_init(&l);
    uint16_t v[TD_SCAN_MAX_LIST];
    size_t n = td_scan_sigalgs_for_key(&l, TD_SCAN_KEY_RSA, v, 128);
    assert_true(has(v, n, 0x0401) && has(v, n, 0x0804) && has(v, n, 0x0809));
    assert_true(has(v, n, 0x0201));
    assert_false(has(v, n, 0x0403) || has(v, n, 0x0807));
    n = td_scan_sigalgs_for_key(&l, TD_SCAN_KEY_ECDSA, v, 128);
    assert_true(has(v, n, 0x0403) && has(v, n, 0x0807) && has(v, n, 0x0203));
    assert_false(has(v, n, 0x0401) || has(v, n, 0x0804));
    /* ECDSA, ephemeral: ECDHE_ECDSA, never ECDH_ECDSA or RSA suites */
    n = td_scan_suites_for_key(l.suites12, l.n_suites12, TD_SCAN_KEY_ECDSA,
                               true, v, TD_SCAN_MAX_LIST);
    assert_true(has(v, n, 0xc02b) && has(v, n, 0xcca9));
    assert_false(has(v, n, 0xc005) || has(v, n, 0xc02f));
    n = td_scan_suites_for_key(l.suites12, l.n_suites12, TD_SCAN_KEY_RSA,
                               false, v, TD_SCAN_MAX_LIST);
    assert_true(has(v, n, 0x002f) && has(v, n, 0xc02f) && has(v, n, 0x009e));
    assert_false(has(v, n, 0xc02b));
    n = td_scan_suites_ecdhe(l.suites12, l.n_suites12, v, TD_SCAN_MAX_LIST);
    assert_true(has(v, n, 0xc02b) && has(v, n, 0xc02f));
    assert_false(has(v, n, 0x009e) || has(v, n, 0xc0a6));
}

/* Build the hello of sp, check its record header, decode it back. */
static struct td_handshake *built(const struct scan_hello_spec *sp,
                                  uint16_t record_version)
{
    struct td_hb_hello h;
    assert_int_equal(td_scan_build_hello(sp, &h), TD_OK);
    uint8_t *rec = NULL;
    size_t n = 0;
    assert_int_equal(td_hb_record(&h, &rec, &n), TD_OK);
    assert_int_equal(rec[0], 22);
    assert_int_equal(rec[1] << 8 | rec[2], record_version);
    struct td_handshake *hs = td_hs_new(0);
    assert_non_null(hs);
    assert_int_equal(td_decode_handshake_msg(hs, TD_DIR_CLIENT, rec + 5,
                                             n - 5, 0, NULL), 0);
    assert_non_null(hs->ch);
    free(rec);
    td_hb_free(&h);
    return hs;
}

static const uint16_t SUITES[] = {0xc02f, 0x002f};
static const uint16_t GROUPS[] = {23, 29};
static const uint16_t SIGS[] = {0x0804, 0x0401};

static void spec(struct scan_hello_spec *sp, uint16_t version)
{
    memset(sp, 0, sizeof(*sp));
    sp->version = version;
    sp->suites = SUITES;
    sp->n_suites = 2;
    sp->groups = GROUPS;
    sp->n_groups = 2;
    sp->sigalgs = SIGS;
    sp->n_sigalgs = 2;
    sp->sni = "device.example";
}

static void test_hello_ssl3_tls11(void **state)
{
    (void)state;
    struct scan_hello_spec sp;
    spec(&sp, 0x0300);
    struct td_handshake *hs = built(&sp, 0x0300);
    assert_int_equal(hs->ch->legacy_version, 0x0300);
    assert_false(hs->ch->has_ext_block);
    td_hs_free(hs);
    spec(&sp, 0x0302);
    hs = built(&sp, 0x0301);
    const struct td_client_hello *ch = hs->ch;
    assert_int_equal(ch->legacy_version, 0x0302);
    /* RFC 5246 7.4.1.4.1: no signature_algorithms below TLS 1.2 */
    assert_null(td_ext_find(&ch->extensions, 13));
    assert_string_equal(ch->sni, "device.example");
    assert_int_equal(ch->groups.n, 2);
    assert_int_equal(ch->versions.n, 0);
    /* the renegotiation SCSV last */
    assert_int_equal(ch->cipher_suites.n, 3);
    assert_int_equal(ch->cipher_suites.v[2], 0x00ff);
    td_hs_free(hs);
}

static void test_hello_tls12(void **state)
{
    (void)state;
    struct scan_hello_spec sp;
    spec(&sp, 0x0303);
    sp.sigalgs_cert = SIGS;
    sp.n_sigalgs_cert = 1;
    sp.mfl_code = 2;
    sp.record_size_limit = 1024;
    struct td_handshake *hs = built(&sp, 0x0301);
    const struct td_client_hello *ch = hs->ch;
    assert_int_equal(ch->legacy_version, 0x0303);
    assert_int_equal(ch->sigalgs.n, 2);
    assert_int_equal(ch->sigalgs.v[0], 0x0804);
    assert_int_equal(ch->sigalgs_cert.n, 1);
    assert_int_equal(ch->max_fragment_length, 2);
    assert_int_equal(ch->record_size_limit, 1024);
    assert_non_null(td_ext_find(&ch->extensions, 23));
    td_hs_free(hs);
    sp.sni = NULL;
    hs = built(&sp, 0x0301);
    assert_null(hs->ch->sni);
    td_hs_free(hs);
}

static void test_hello_tls13(void **state)
{
    (void)state;
    static const uint16_t s13[] = {0x1302};
    uint8_t pub[32];
    memset(pub, 9, sizeof(pub));
    struct scan_hello_spec sp;
    spec(&sp, 0x0304);
    sp.suites = s13;
    sp.n_suites = 1;
    sp.share_group = 29;
    sp.share = pub;
    sp.share_len = sizeof(pub);
    struct td_handshake *hs = built(&sp, 0x0301);
    const struct td_client_hello *ch = hs->ch;
    assert_int_equal(ch->legacy_version, 0x0303);
    /* RFC 8446 4.2.1: TLS 1.3 only */
    assert_int_equal(ch->versions.n, 1);
    assert_int_equal(ch->versions.v[0], 0x0304);
    assert_int_equal(ch->cipher_suites.n, 1);
    assert_int_equal(ch->cipher_suites.v[0], 0x1302);
    assert_int_equal(ch->key_share_groups.n, 1);
    assert_int_equal(ch->key_share_groups.v[0], 29);
    assert_int_equal(ch->groups.n, 2);
    assert_int_equal(ch->session_id_len, 32);
    td_hs_free(hs);
    /* no share: an empty client_shares (RFC 8446 4.2.8) */
    sp.share = NULL;
    sp.share_len = 0;
    hs = built(&sp, 0x0301);
    const struct td_ext *ks = td_ext_find(&hs->ch->extensions, 51);
    assert_non_null(ks);
    assert_int_equal(ks->len, 2);
    assert_int_equal(hs->ch->key_share_groups.n, 0);
    td_hs_free(hs);
}

static void test_ec_share(void **state)
{
    (void)state;
    uint8_t buf[160];
    size_t n = 0;
    assert_true(td_scan_ec_share(24, buf, sizeof(buf), &n));
    assert_int_equal(n, 97);        /* 04 || X || Y on P-384 */
    assert_int_equal(buf[0], 4);
    assert_true(td_scan_ec_share(25, buf, sizeof(buf), &n));
    assert_int_equal(n, 133);
    assert_false(td_scan_ec_share(256, buf, sizeof(buf), &n));
    assert_false(td_scan_ec_share(24, buf, 10, &n));
}

/* A device hello (decoded) for the match tests. */
static struct td_handshake *device(const uint16_t *suites, size_t n,
                                   const char *sni, uint8_t mfl)
{
    static const uint16_t groups[] = {23, 29};
    struct scan_hello_spec sp;
    spec(&sp, 0x0303);
    sp.suites = suites;
    sp.n_suites = n;
    sp.groups = groups;
    sp.sni = sni;
    sp.mfl_code = mfl;
    return built(&sp, 0x0301);
}

static void server(struct td_scan_result *r, uint8_t order)
{
    td_scan_result_init(r);
    for (int i = 0; i < TD_SCAN_NVERSIONS; i++) {
        r->versions[i].version = (uint16_t)(0x0300 + i);
        r->versions[i].state = TD_SCAN_NO;
    }
    r->versions[3].state = TD_SCAN_YES;
    r->versions[4].state = TD_SCAN_YES;
    struct td_scan_list *L = &r->versions[3].suites;
    L->v[0] = 0xc030;
    L->v[1] = 0xc02f;
    L->v[2] = 0x009c;
    L->n = 3;
    L->order = order;
    r->versions[4].suites.v[0] = 0x1301;
    r->versions[4].suites.n = 1;
    r->groups12.v[0] = 29;
    r->groups12.v[1] = 23;
    r->groups12.n = 2;
    r->groups12.order = order;
    r->keys[TD_SCAN_KEY_RSA].sigalgs.v[0] = 0x0804;
    r->keys[TD_SCAN_KEY_RSA].sigalgs.n = 1;
    r->sni = "server.example";
    r->sni_tests[TD_SCAN_SNI_DEVICE].kind = TD_SCAN_SNI_ALERT;
    r->sni_tests[TD_SCAN_SNI_NONE].kind = TD_SCAN_SNI_OTHER_CERT;
    r->mfl.state = TD_SCAN_NO;
}

static const struct td_scan_mitem *item(const struct td_scan_mlist *l,
                                        uint16_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].id == id)
            return &l->v[i];
    return NULL;
}

static void test_match_server_order(void **state)
{
    (void)state;
    static const uint16_t dev[] = {0xc02b, 0xc02f, 0xc030};
    struct td_handshake *hs = device(dev, 3, "other.example", 1);
    static struct td_scan_result r;
    static struct td_scan_match m;
    server(&r, TD_SCAN_ORDER_SERVER);
    td_scan_match(&r, hs->ch, &m);
    /* a legacy TLS 1.2 hello: TLS 1.2 is the highest both have */
    assert_int_equal(m.version, 0x0303);
    assert_true(m.has_suite);
    assert_int_equal(m.suite, 0xc030);      /* the server's first */
    assert_int_equal(m.group, 29);
    assert_int_equal(m.suites.common, 2);
    const struct td_scan_mitem *it = item(&m.suites, 0xc02b);
    assert_true(it && it->device && !it->server);
    it = item(&m.suites, 0x009c);
    assert_true(it && !it->device && it->server);
    assert_int_equal(it->where, 1u << 3);
    assert_int_equal(m.groups.common, 2);
    assert_int_equal(m.sigalgs.common, 1);  /* rsa_pss_rsae_sha256 */
    assert_string_equal(m.device_sni, "other.example");
    assert_int_equal(m.sni_kind, TD_SCAN_SNI_ALERT);
    assert_int_equal(m.device_mfl, 1);
    assert_int_equal(m.mfl_state, TD_SCAN_NO);
    /* a version the device does not offer is no match */
    it = item(&m.versions, 0x0304);
    assert_true(it && !it->device && it->server);
    td_scan_result_free(&r);
    td_hs_free(hs);
}

static void test_match_client_order(void **state)
{
    (void)state;
    static const uint16_t dev[] = {0xc02b, 0xc02f, 0xc030};
    struct td_handshake *hs = device(dev, 3, NULL, 0);
    static struct td_scan_result r;
    static struct td_scan_match m;
    server(&r, TD_SCAN_ORDER_CLIENT);
    td_scan_match(&r, hs->ch, &m);
    assert_int_equal(m.suite, 0xc02f);      /* the device's first */
    assert_int_equal(m.group, 23);
    assert_null(m.device_sni);
    assert_int_equal(m.sni_kind, TD_SCAN_SNI_OTHER_CERT);
    assert_int_equal(m.device_mfl, 0);
    td_scan_result_free(&r);
    td_hs_free(hs);
}

static void test_match_nothing_common(void **state)
{
    (void)state;
    static const uint16_t dev[] = {0xc02b, 0xc02c};
    struct td_handshake *hs = device(dev, 2, "server.example", 0);
    static struct td_scan_result r;
    static struct td_scan_match m;
    server(&r, TD_SCAN_ORDER_SERVER);
    td_scan_match(&r, hs->ch, &m);
    assert_int_equal(m.version, 0x0303);
    assert_false(m.has_suite);
    assert_int_equal(m.group, 0);
    assert_int_equal(m.suites.common, 0);
    assert_int_equal(m.sni_kind, TD_SCAN_SNI_SAME_CERT);
    td_scan_result_free(&r);
    td_hs_free(hs);
}

static void test_match_version_maybe(void **state)
{
    (void)state;
    static const uint16_t dev[] = {0x002f};
    struct td_handshake *hs = device(dev, 1, NULL, 0);
    static struct td_scan_result r;
    static struct td_scan_match m;
    server(&r, TD_SCAN_ORDER_SERVER);
    r.versions[3].state = TD_SCAN_NO;
    r.versions[4].state = TD_SCAN_NO;
    r.versions[2].state = TD_SCAN_YES;
    r.versions[2].suites.v[0] = 0x002f;
    r.versions[2].suites.n = 1;
    td_scan_match(&r, hs->ch, &m);
    /* a TLS 1.2 hello: TLS 1.1 works only if the device's minimum
     * allows it, which the hello does not say */
    assert_int_equal(m.version, 0x0302);
    assert_true(m.version_maybe);
    const struct td_scan_mitem *it = item(&m.versions, 0x0302);
    assert_true(it && it->maybe && !it->device && it->server);
    assert_true(m.has_suite);
    assert_int_equal(m.suite, 0x002f);
    td_scan_result_free(&r);
    td_hs_free(hs);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(td_scan_version_index(0x0300), 0);
    assert_int_equal(td_scan_version_index(0x0304), 4);
    assert_int_equal(td_scan_version_index(0x0305), -1);
    assert_int_equal(td_scan_version_index(0x02ff), -1);
    assert_string_equal(td_scan_state_name(TD_SCAN_YES), "yes");
    assert_string_equal(td_scan_order_name(TD_SCAN_ORDER_CLIENT), "client");
    assert_string_equal(td_scan_sni_kind_name(TD_SCAN_SNI_OTHER_CERT),
                        "other_certificate");
    assert_string_equal(td_scan_key_name(TD_SCAN_KEY_ECDSA), "ECDSA");
}

static void test_unreachable(void **state)
{
    (void)state;
    /* nothing listens on port 1 of the loopback: refused at once */
    struct td_scan_opts o = {.host = "127.0.0.1", .port = 1,
                             .timeout_ms = 2000};
    static struct td_scan_result r;
    td_scan_result_init(&r);
    assert_int_equal(td_scan_run(&o, &r), TD_ERR_NETWORK);
    assert_false(r.reached);
    assert_true(r.first.no_connection);
    assert_int_equal(r.connections, 2);
    td_scan_result_free(&r);
    struct td_scan_opts none = {.host = ""};
    td_scan_result_init(&r);
    assert_int_equal(td_scan_run(&none, &r), TD_ERR_USAGE);
    td_scan_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_key_families),
        cmocka_unit_test(test_hello_ssl3_tls11),
        cmocka_unit_test(test_hello_tls12),
        cmocka_unit_test(test_hello_tls13),
        cmocka_unit_test(test_ec_share),
        cmocka_unit_test(test_match_server_order),
        cmocka_unit_test(test_match_client_order),
        cmocka_unit_test(test_match_nothing_common),
        cmocka_unit_test(test_match_version_maybe),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
