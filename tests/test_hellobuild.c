/* test_hellobuild.c - ClientHello construction: round trips on real hellos
 * (seed logs, captures/records), each edit decoded back by the project's
 * decoder, the mbedTLS 2.28 template, length limits and record splitting.
 */
#include "testutil.h"

#include "hexin.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/hellobuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deterministic "RNG" for tests: bytes counting up from *ctx. */
static int count_rng(void *ctx, unsigned char *buf, size_t len)
{
    uint8_t *c = ctx;
    for (size_t i = 0; i < len; i++)
        buf[i] = (*c)++;
    return 0;
}

/* Decode a handshake message as the client's. */
static struct td_handshake *decode_msg(const uint8_t *p, size_t n)
{
    struct td_handshake *hs = td_hs_new(0);
    assert_non_null(hs);
    assert_int_equal(td_decode_handshake_msg(hs, TD_DIR_CLIENT, p, n, 0,
                                             NULL), 0);
    assert_non_null(hs->ch);
    return hs;
}

/* Decode a client byte stream (records). */
static struct td_handshake *decode_stream(const uint8_t *p, size_t n)
{
    struct td_handshake *hs = td_hs_new(0);
    struct td_tls_session s;
    assert_non_null(hs);
    td_tls_init(&s, hs);
    assert_int_equal(td_tls_feed(&s, TD_DIR_CLIENT, p, n, NULL), 0);
    td_tls_end(&s);
    td_tls_free(&s);
    return hs;
}

static struct td_handshake *build_decode(const struct td_hb_hello *h)
{
    uint8_t *m;
    size_t n;
    assert_int_equal(td_hb_build(h, &m, &n), 0);
    struct td_handshake *hs = decode_msg(m, n);
    assert_true(hs->ch->complete);
    assert_int_equal(hs->warnings.n, 0);
    free(m);
    return hs;
}

/* parse(raw) -> build == raw, and -> record == the record bytes given. */
static void round_trip(const uint8_t *raw, size_t raw_len, uint16_t rv,
                       const uint8_t *rec, size_t rec_len)
{
    struct td_hb_hello h;
    assert_int_equal(td_hb_parse(&h, raw, raw_len, rv), 0);
    uint8_t *m;
    size_t n;
    assert_int_equal(td_hb_build(&h, &m, &n), 0);
    assert_int_equal(n, raw_len);
    assert_memory_equal(m, raw, n);
    free(m);
    if (rec) {
        assert_int_equal(td_hb_record(&h, &m, &n), 0);
        assert_true(n <= rec_len);
        assert_memory_equal(m, rec, n);
        free(m);
    }
    td_hb_free(&h);
}

static void test_round_trip_seed(void **state)
{
    (void)state;
    static const char *const logs[] = {
        "seed-logs/stm32-google-sni.log",
        "seed-logs/stm32f427-rsa-alert80.log",
        "seed-logs/mbedos-ecdsa-only-alert80.log",
    };
    int done = 0;
    for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
        size_t n;
        uint8_t *p = td_t_seed_client_hello(logs[i], &n);
        if (!p)
            continue;
        struct td_handshake *hs = decode_stream(p, n);
        assert_non_null(hs->ch);
        assert_non_null(hs->ch->raw);
        round_trip(hs->ch->raw, hs->ch->raw_len, hs->ch->record_version, p,
                   n);
        /* From the decoded struct too. */
        struct td_hb_hello h;
        assert_int_equal(td_hb_from_client_hello(&h, hs->ch), 0);
        uint8_t *m;
        size_t mn;
        assert_int_equal(td_hb_record(&h, &m, &mn), 0);
        assert_int_equal(mn, n);
        assert_memory_equal(m, p, n);
        free(m);
        td_hb_free(&h);
        td_hs_free(hs);
        free(p);
        done++;
    }
    if (!done) {
        print_message("skipped: ../shared/seed-logs not found\n");
        skip();
    }
}

static void test_round_trip_records(void **state)
{
    (void)state;
    static const char *const names[] = {
        "tls12-alert-no-shared-cipher", "tls12-ecdsa", "tls12-no-sni",
        "tls12-rsa", "tls13-ecdsa", "tls13-hrr",
        "tls13-only-vs-tls12-client", "tls13-rsa",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "captures/records/%s.client.bin",
                 names[i]);
        size_t n;
        uint8_t *p = td_t_read(td_t_src(path), &n);
        struct td_handshake *hs = decode_stream(p, n);
        assert_non_null(hs->ch);
        round_trip(hs->ch->raw, hs->ch->raw_len, hs->ch->record_version, p,
                   n);
        if (hs->ch_retry)
            round_trip(hs->ch_retry->raw, hs->ch_retry->raw_len,
                       hs->ch_retry->record_version, NULL, 0);
        td_hs_free(hs);
        free(p);
    }
}

static void test_parse_rejects_prefixes(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_read(td_t_src("captures/records/tls13-rsa.client.bin"),
                           &n);
    struct td_handshake *hs = decode_stream(p, n);
    const uint8_t *raw = hs->ch->raw;
    size_t len = hs->ch->raw_len;
    for (size_t k = 0; k < len; k++) {
        struct td_hb_hello h;
        /* a cut copy, so ASan sees reads past the end */
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, raw, k);
        assert_int_equal(td_hb_parse(&h, cut, k, 0), TD_ERR_MALFORMED);
        td_hb_free(&h);
        free(cut);
    }
    td_hs_free(hs);
    free(p);
}

static bool has_u16(const td_u16vec *v, uint16_t x)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x)
            return true;
    return false;
}

static void test_template_228(void **state)
{
    (void)state;
    struct td_hb_hello h;
    uint8_t seed = 7;
    assert_int_equal(td_hb_template_228(&h, "example.com", count_rng, &seed),
                     0);
    struct td_handshake *hs = build_decode(&h);
    const struct td_client_hello *ch = hs->ch;
    assert_int_equal(ch->legacy_version, 0x0303);
    assert_int_equal(ch->random[0], 7);
    assert_int_equal(ch->random[31], 7 + 31);
    assert_int_equal(ch->session_id_len, 0);
    assert_string_equal(ch->sni, "example.com");
    assert_true(ch->cipher_suites.n > 10);
    assert_int_equal(ch->cipher_suites.v[ch->cipher_suites.n - 1], 0x00ff);
    assert_true(has_u16(&ch->cipher_suites, 0xc02b));  /* ECDHE-ECDSA */
    assert_true(has_u16(&ch->cipher_suites, 0xc02f));  /* ECDHE-RSA */
    assert_true(has_u16(&ch->cipher_suites, 0x009c));  /* RSA */
    assert_false(has_u16(&ch->cipher_suites, 0x00a8)); /* PSK: no */
    assert_false(has_u16(&ch->cipher_suites, 0x1301)); /* TLS 1.3: no */
    assert_true(has_u16(&ch->groups, 23));
    assert_true(has_u16(&ch->sigalgs, 0x0403));
    assert_true(has_u16(&ch->sigalgs, 0x0401));
    assert_int_equal(ch->point_formats.n, 1);
    assert_int_equal(ch->compression.n, 1);
    assert_int_equal(ch->versions.n, 0);
    static const uint16_t order[] = {0, 13, 10, 11, 22, 23, 35};
    assert_int_equal(ch->extensions.n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(ch->extensions.v[i].type, order[i]);
    td_hs_free(hs);
    td_hb_free(&h);

    /* Without a host: no server_name, and the zero random. */
    assert_int_equal(td_hb_template_228(&h, NULL, NULL, NULL), 0);
    hs = build_decode(&h);
    assert_null(hs->ch->sni);
    assert_int_equal(hs->ch->extensions.v[0].type, 13);
    td_hs_free(hs);
    td_hb_free(&h);
}

/* Everything but extension types skip1/skip2, suites and sigalgs/groups
 * (when the flags say) is the same in a and b. */
struct same_opts {
    uint16_t skip[4];
    size_t nskip;
    bool suites, version;
};

static bool skipped(const struct same_opts *o, uint16_t t)
{
    for (size_t i = 0; i < o->nskip; i++)
        if (o->skip[i] == t)
            return true;
    return false;
}

static void assert_same_except(const struct td_client_hello *a,
                               const struct td_client_hello *b,
                               const struct same_opts *o)
{
    assert_memory_equal(a->random, b->random, 32);
    assert_int_equal(a->session_id_len, b->session_id_len);
    if (!o->version)
        assert_int_equal(a->legacy_version, b->legacy_version);
    if (!o->suites) {
        assert_int_equal(a->cipher_suites.n, b->cipher_suites.n);
        for (size_t i = 0; i < a->cipher_suites.n; i++)
            assert_int_equal(a->cipher_suites.v[i], b->cipher_suites.v[i]);
    }
    /* The other extensions, in the same relative order, same bytes. */
    size_t j = 0;
    for (size_t i = 0; i < a->extensions.n; i++) {
        const struct td_ext *ea = &a->extensions.v[i];
        if (skipped(o, ea->type))
            continue;
        while (j < b->extensions.n && skipped(o, b->extensions.v[j].type))
            j++;
        assert_true(j < b->extensions.n);
        const struct td_ext *eb = &b->extensions.v[j++];
        assert_int_equal(ea->type, eb->type);
        assert_int_equal(ea->len, eb->len);
        if (ea->len)
            assert_memory_equal(ea->data, eb->data, ea->len);
    }
    while (j < b->extensions.n && skipped(o, b->extensions.v[j].type))
        j++;
    assert_int_equal(j, b->extensions.n);
}

/* A real hello (the STM32 seed if present, else a recorded one). */
static void base_hello(struct td_hb_hello *h, struct td_handshake **hs)
{
    size_t n;
    uint8_t *p = td_t_read(td_t_src("captures/records/tls12-rsa.client.bin"),
                           &n);
    *hs = decode_stream(p, n);
    free(p);
    assert_int_equal(td_hb_from_client_hello(h, (*hs)->ch), 0);
}

static void test_edit_sni(void **state)
{
    (void)state;
    struct td_hb_hello h;
    struct td_handshake *orig;
    base_hello(&h, &orig);
    struct same_opts o = {.skip = {0}, .nskip = 1};
    assert_int_equal(td_hb_set_sni(&h, "other.example", 13), 0);
    struct td_handshake *hs = build_decode(&h);
    assert_string_equal(hs->ch->sni, "other.example");
    assert_same_except(orig->ch, hs->ch, &o);
    td_hs_free(hs);
    assert_true(td_hb_remove_sni(&h));
    assert_false(td_hb_remove_sni(&h));
    hs = build_decode(&h);
    assert_null(hs->ch->sni);
    assert_null(td_ext_find(&hs->ch->extensions, 0));
    assert_same_except(orig->ch, hs->ch, &o);
    td_hs_free(hs);
    /* added back: first, as mbedTLS writes it */
    assert_int_equal(td_hb_set_sni(&h, "a.b", 3), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->extensions.v[0].type, 0);
    assert_string_equal(hs->ch->sni, "a.b");
    td_hs_free(hs);
    assert_int_equal(td_hb_set_sni(&h, "", 0), TD_ERR_USAGE);
    td_hs_free(orig);
    td_hb_free(&h);
}

static void test_edit_suites(void **state)
{
    (void)state;
    struct td_hb_hello h;
    struct td_handshake *orig;
    assert_int_equal(td_hb_template_228(&h, "x", NULL, NULL), 0);
    orig = build_decode(&h);
    struct same_opts o = {.nskip = 0, .suites = true};
    size_t n0 = h.n_suites;
    assert_true(td_hb_remove_suite(&h, 0xc02b));
    assert_false(td_hb_remove_suite(&h, 0xc02b));
    assert_int_equal(td_hb_add_suite(&h, 0x1301, 0), 0);
    assert_int_equal(td_hb_add_suite(&h, 0xcca8, SIZE_MAX), 0);
    assert_int_equal(td_hb_add_suite(&h, 0x1301, SIZE_MAX), 0); /* dup */
    struct td_handshake *hs = build_decode(&h);
    const td_u16vec *s = &hs->ch->cipher_suites;
    assert_int_equal(s->n, n0 + 1 - has_u16(&orig->ch->cipher_suites,
                                            0xcca8));
    assert_int_equal(s->v[0], 0x1301);
    assert_false(has_u16(s, 0xc02b));
    assert_int_equal(s->v[s->n - 1], 0x00ff);   /* SCSV stays last */
    assert_true(has_u16(s, 0xcca8));
    assert_same_except(orig->ch, hs->ch, &o);
    td_hs_free(hs);
    static const uint16_t only[] = {0xc02c, 0xc02b};
    assert_int_equal(td_hb_set_suites(&h, only, 2), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->cipher_suites.n, 2);
    assert_int_equal(hs->ch->cipher_suites.v[1], 0xc02b);
    td_hs_free(hs);
    td_hs_free(orig);
    td_hb_free(&h);
}

static void test_edit_groups_sigalgs(void **state)
{
    (void)state;
    struct td_hb_hello h;
    struct td_handshake *orig;
    base_hello(&h, &orig);
    struct same_opts og = {.skip = {10}, .nskip = 1};
    static const uint16_t g[] = {29, 23};
    assert_int_equal(td_hb_set_groups(&h, g, 2), 0);
    assert_int_equal(td_hb_add_group(&h, 24), 0);
    assert_int_equal(td_hb_add_group(&h, 23), 0);
    struct td_handshake *hs = build_decode(&h);
    assert_int_equal(hs->ch->groups.n, 3);
    assert_int_equal(hs->ch->groups.v[0], 29);
    assert_int_equal(hs->ch->groups.v[2], 24);
    assert_same_except(orig->ch, hs->ch, &og);
    td_hs_free(hs);

    struct same_opts os = {.skip = {10, 13}, .nskip = 2};
    static const uint16_t s[] = {0x0401};
    assert_int_equal(td_hb_set_sigalgs(&h, s, 1), 0);
    assert_int_equal(td_hb_add_sigalg(&h, 0x0804), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->sigalgs.n, 2);
    assert_int_equal(hs->ch->sigalgs.v[0], 0x0401);
    assert_int_equal(hs->ch->sigalgs.v[1], 0x0804);
    assert_same_except(orig->ch, hs->ch, &os);
    td_hs_free(hs);
    td_hs_free(orig);
    td_hb_free(&h);

    /* Created when absent: groups after signature_algorithms. */
    td_hb_init(&h);
    static const uint16_t one[] = {0xc02b};
    assert_int_equal(td_hb_set_suites(&h, one, 1), 0);
    assert_int_equal(td_hb_add_sigalg(&h, 0x0403), 0);
    assert_int_equal(td_hb_add_group(&h, 23), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->extensions.n, 2);
    assert_int_equal(hs->ch->extensions.v[0].type, 13);
    assert_int_equal(hs->ch->extensions.v[1].type, 10);
    td_hs_free(hs);
    td_hb_free(&h);
}

static void test_edit_tls13_version(void **state)
{
    (void)state;
    struct td_hb_hello h;
    struct td_handshake *orig;
    assert_int_equal(td_hb_template_228(&h, "host", NULL, NULL), 0);
    orig = build_decode(&h);
    uint8_t pub[32];
    memset(pub, 9, sizeof(pub));
    assert_int_equal(td_hb_set_version(&h, 0x0304), TD_ERR_USAGE);
    assert_int_equal(td_hb_add_tls13(&h, 29, pub, sizeof(pub)), 0);
    struct td_handshake *hs = build_decode(&h);
    const struct td_client_hello *ch = hs->ch;
    static const uint16_t v[] = {0x0304, 0x0303};
    assert_int_equal(ch->versions.n, 2);
    assert_int_equal(ch->versions.v[0], v[0]);
    assert_int_equal(ch->versions.v[1], v[1]);
    assert_int_equal(ch->key_share_groups.n, 1);
    assert_int_equal(ch->key_share_groups.v[0], 29);
    assert_int_equal(ch->psk_modes.n, 1);
    assert_int_equal(ch->psk_modes.v[0], 1);
    assert_true(has_u16(&ch->sigalgs, 0x0804));
    assert_true(has_u16(&ch->sigalgs, 0x0806));
    assert_true(has_u16(&ch->groups, 29));
    assert_int_equal(ch->cipher_suites.v[0], 0x1301);
    assert_int_equal(ch->legacy_version, 0x0303);
    struct same_opts o = {.skip = {43, 51, 45, 13}, .nskip = 4,
                          .suites = true};
    assert_same_except(orig->ch, ch, &o);
    td_hs_free(hs);

    /* Lower to TLS 1.2: supported_versions {0x0303}. */
    assert_int_equal(td_hb_set_version(&h, 0x0303), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->versions.n, 1);
    assert_int_equal(hs->ch->versions.v[0], 0x0303);
    td_hs_free(hs);
    /* Raise back to 1.3. */
    assert_int_equal(td_hb_set_version(&h, 0x0304), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->versions.n, 2);
    assert_int_equal(hs->ch->versions.v[0], 0x0304);
    td_hs_free(hs);
    /* Down to TLS 1.1: legacy_version and the extension goes. */
    assert_int_equal(td_hb_set_version(&h, 0x0302), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->legacy_version, 0x0302);
    assert_int_equal(hs->ch->versions.n, 0);
    td_hs_free(hs);
    assert_int_equal(td_hb_set_version(&h, 0x0200), TD_ERR_USAGE);
    td_hs_free(orig);
    td_hb_free(&h);
}

static void test_edit_mfl_ext_random(void **state)
{
    (void)state;
    struct td_hb_hello h;
    struct td_handshake *orig;
    assert_int_equal(td_hb_template_228(&h, "host", NULL, NULL), 0);
    orig = build_decode(&h);
    /* max_fragment_length = 2^10 (code 2), inserted before ETM */
    static const uint8_t mfl[] = {2};
    assert_int_equal(td_hb_set_ext(&h, 1, mfl, 1, 4), 0);
    struct td_handshake *hs = build_decode(&h);
    assert_int_equal(hs->ch->max_fragment_length, 2);
    assert_int_equal(hs->ch->extensions.v[4].type, 1);
    td_hs_free(hs);
    assert_true(td_hb_remove_mfl(&h));
    assert_false(td_hb_remove_mfl(&h));
    hs = build_decode(&h);
    assert_int_equal(hs->ch->max_fragment_length, 0);
    struct same_opts none = {.nskip = 0};
    assert_same_except(orig->ch, hs->ch, &none);
    td_hs_free(hs);
    /* Any extension by type. */
    assert_int_equal(td_hb_remove_ext(&h, 35), 1);
    hs = build_decode(&h);
    assert_null(td_ext_find(&hs->ch->extensions, 35));
    struct same_opts o35 = {.skip = {35}, .nskip = 1};
    assert_same_except(orig->ch, hs->ch, &o35);
    td_hs_free(hs);
    /* Fresh random changes only the random. */
    uint8_t seed = 100;
    assert_int_equal(td_hb_fresh_random(&h, count_rng, &seed), 0);
    hs = build_decode(&h);
    assert_int_equal(hs->ch->random[0], 100);
    assert_int_equal(hs->ch->cipher_suites.n, orig->ch->cipher_suites.n);
    td_hs_free(hs);
    td_hs_free(orig);
    td_hb_free(&h);
}

static void test_limits_and_records(void **state)
{
    (void)state;
    struct td_hb_hello h;
    td_hb_init(&h);
    uint8_t *m;
    size_t n;
    /* No suites: cipher_suites<2..> cannot be empty. */
    assert_int_equal(td_hb_build(&h, &m, &n), TD_ERR_LIMIT);
    assert_null(m);
    static const uint16_t s[] = {0xc02f};
    assert_int_equal(td_hb_set_suites(&h, s, 1), 0);
    /* 40000 bytes of padding (RFC 7685): two records and a bit. */
    uint8_t *pad = calloc(1, 65535);
    assert_int_equal(td_hb_set_ext(&h, 21, pad, 40000, SIZE_MAX), 0);
    assert_int_equal(td_hb_record(&h, &m, &n), 0);
    size_t nrec = 0;
    for (size_t at = 0; at < n; nrec++) {
        assert_true(n - at >= 5);
        assert_int_equal(m[at], 22);
        assert_int_equal(m[at + 1] << 8 | m[at + 2], 0x0301);
        size_t len = (size_t)m[at + 3] << 8 | m[at + 4];
        assert_true(len <= 16384);
        at += 5 + len;
        assert_true(at <= n);
    }
    assert_int_equal(nrec, 3);
    struct td_handshake *hs = decode_stream(m, n);
    assert_non_null(hs->ch);
    assert_true(hs->ch->complete);
    assert_int_equal(hs->ch->extensions.n, 1);
    assert_int_equal(hs->ch->extensions.v[0].len, 40000);
    td_hs_free(hs);
    free(m);
    /* Extensions over 2^16-1 bytes: refused. */
    assert_int_equal(td_hb_set_ext(&h, 0xfe00, pad, 30000, SIZE_MAX), 0);
    assert_int_equal(td_hb_build(&h, &m, &n), TD_ERR_LIMIT);
    assert_int_equal(td_hb_record(&h, &m, &n), TD_ERR_LIMIT);
    /* A single extension over 2^16-1: refused at once. */
    assert_int_equal(td_hb_set_ext(&h, 0xfe01, pad, 65536, SIZE_MAX),
                     TD_ERR_LIMIT);
    free(pad);
    td_hb_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_seed),
        cmocka_unit_test(test_round_trip_records),
        cmocka_unit_test(test_parse_rejects_prefixes),
        cmocka_unit_test(test_template_228),
        cmocka_unit_test(test_edit_sni),
        cmocka_unit_test(test_edit_suites),
        cmocka_unit_test(test_edit_groups_sigalgs),
        cmocka_unit_test(test_edit_tls13_version),
        cmocka_unit_test(test_edit_mfl_ext_random),
        cmocka_unit_test(test_limits_and_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
