/* test_decode.c - the record layer and message decoders on real bytes:
 * the seed logs' ClientHellos and the project's own recorded handshakes
 * (captures/records/), plus fragmentation, chunking, every prefix and
 * every bit flip. */
#include "testutil.h"

#include "decode_int.h"
#include "hexin.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode a whole byte stream of one direction (or AUTO). */
static struct td_handshake *decode(int dir, const uint8_t *p, size_t n)
{
    struct td_handshake *hs = td_hs_new(0);
    struct td_tls_session s;
    assert_non_null(hs);
    td_tls_init(&s, hs);
    assert_int_equal(td_tls_feed(&s, dir, p, n, NULL), 0);
    td_tls_end(&s);
    td_tls_free(&s);
    return hs;
}

/* Client and server streams of a recorded connection, fed in the order
 * alternating records of the two sides, each in pieces of `chunk`. */
static struct td_handshake *decode_pair(const char *name, size_t chunk)
{
    char path[512];
    size_t nc, ns;
    snprintf(path, sizeof(path), "captures/records/%s.client.bin", name);
    uint8_t *c = td_t_read(td_t_src(path), &nc);
    snprintf(path, sizeof(path), "captures/records/%s.server.bin", name);
    uint8_t *sv = td_t_read(td_t_src(path), &ns);
    struct td_handshake *hs = td_hs_new(0);
    struct td_tls_session s;
    td_tls_init(&s, hs);
    /* Alternate one record from each side (the ping-pong order of a
     * handshake, so a HelloRetryRequest precedes the second ClientHello),
     * each record fed in pieces of `chunk` bytes: the decoder must not
     * care how the bytes are cut. */
    size_t ic = 0, is = 0;
    while (ic < nc || is < ns) {
        for (int side = 0; side < 2; side++) {
            const uint8_t *p = side ? sv : c;
            size_t *at = side ? &is : &ic;
            size_t total = side ? ns : nc;
            if (*at >= total)
                continue;
            size_t rec = total - *at;
            if (rec >= 5)
                rec = 5 + ((size_t)p[*at + 3] << 8 | p[*at + 4]);
            if (rec > total - *at)
                rec = total - *at;
            for (size_t done = 0; done < rec;) {
                size_t k = rec - done < chunk ? rec - done : chunk;
                assert_int_equal(td_tls_feed(&s, side ? TD_DIR_SERVER
                                                      : TD_DIR_CLIENT,
                                             p + *at + done, k, NULL), 0);
                done += k;
            }
            *at += rec;
        }
    }
    td_tls_end(&s);
    td_tls_free(&s);
    free(c);
    free(sv);
    return hs;
}

static void assert_u16s(const td_u16vec *v, const uint16_t *want, size_t n)
{
    assert_int_equal(v->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v->v[i], want[i]);
}

static void test_seed_stm32_google(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_seed_client_hello("seed-logs/stm32-google-sni.log", &n);
    if (!p) {
        print_message("skipped: ../shared/seed-logs not found\n");
        skip();
    }
    assert_int_equal(n, 122);
    struct td_handshake *hs = decode(TD_DIR_CLIENT, p, n);
    const struct td_client_hello *ch = hs->ch;
    assert_non_null(ch);
    assert_true(ch->complete);
    assert_int_equal(ch->record_version, 0x0303);
    assert_int_equal(ch->legacy_version, 0x0303);
    assert_string_equal(ch->sni, "mbed TLS Server 1");
    static const uint16_t suites[] = {0xc02b, 0xc031, 0xc02d, 0x00a8,
                                      0x00ff};
    assert_u16s(&ch->cipher_suites, suites, 5);
    assert_true(ch->renegotiation_scsv);
    static const uint16_t groups[] = {23};
    assert_u16s(&ch->groups, groups, 1);
    static const uint16_t sigalgs[] = {0x0403, 0x0401, 0x0303, 0x0301};
    assert_u16s(&ch->sigalgs, sigalgs, 4);
    static const uint16_t exts[] = {0, 13, 10, 11, 22, 23};
    assert_int_equal(ch->extensions.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(ch->extensions.v[i].type, exts[i]);
    assert_int_equal(ch->point_formats.n, 1);
    assert_int_equal(ch->max_fragment_length, 0);
    assert_int_equal(hs->warnings.n, 0);
    assert_int_equal(strlen(ch->ja3), 32);
    /* The registry names the TLS 1.2 pairs as the contract says. */
    char nb[TD_REG_NAMEBUF];
    assert_string_equal(td_reg_name(TD_REG_SIGALG, 0x0303, nb),
                        "ecdsa_sha224");
    assert_string_equal(td_reg_name(TD_REG_SIGALG, 0x0301, nb),
                        "rsa_pkcs1_sha224");
    td_hs_free(hs);
    free(p);
}

static void test_seed_stm32f427_mfl(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_seed_client_hello("seed-logs/stm32f427-rsa-alert80.log", &n);
    if (!p) {
        print_message("skipped: ../shared/seed-logs not found\n");
        skip();
    }
    assert_int_equal(n, 105);
    struct td_handshake *hs = decode(TD_DIR_CLIENT, p, n);
    const struct td_client_hello *ch = hs->ch;
    assert_non_null(ch);
    assert_true(ch->complete);
    assert_int_equal(ch->record_version, 0x0301);
    assert_null(ch->sni);
    assert_int_equal(ch->max_fragment_length, 3);
    static const uint16_t suites[] = {0xc02c, 0xc02b, 0xc02f, 0xc030,
                                      0x00ff};
    assert_u16s(&ch->cipher_suites, suites, 5);
    static const uint16_t groups[] = {24, 23, 30};
    assert_u16s(&ch->groups, groups, 3);
    assert_int_equal(ch->sigalgs.n, 8);
    td_hs_free(hs);
    free(p);
}

/* A ClientHello cut into 1-byte records must decode whole (handshake
 * message fragmented over records, RFC 5246 6.2.1). */
static void test_fragmented_over_records(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_seed_client_hello("seed-logs/stm32-google-sni.log", &n);
    if (!p)
        skip();
    size_t body = n - 5;
    uint8_t *frag = malloc(body * 6);
    size_t k = 0;
    for (size_t i = 0; i < body; i++) {
        frag[k++] = 0x16;
        frag[k++] = 0x03;
        frag[k++] = 0x03;
        frag[k++] = 0x00;
        frag[k++] = 0x01;
        frag[k++] = p[5 + i];
    }
    struct td_handshake *hs = decode(TD_DIR_CLIENT, frag, k);
    assert_non_null(hs->ch);
    assert_true(hs->ch->complete);
    assert_string_equal(hs->ch->sni, "mbed TLS Server 1");
    assert_int_equal(hs->ch->cipher_suites.n, 5);
    td_hs_free(hs);
    free(frag);
    free(p);
}

static void test_tls12_rsa(void **state)
{
    (void)state;
    for (size_t chunk = 1; chunk <= 4096; chunk *= 4) {
        struct td_handshake *hs = decode_pair("tls12-rsa", chunk);
        assert_non_null(hs->ch);
        assert_true(hs->ch->complete);
        assert_string_equal(hs->ch->sni, "localhost");
        assert_non_null(hs->sh);
        assert_true(hs->sh->complete);
        assert_int_equal(hs->sh->version, 0x0303);
        const struct td_suite_info *si = td_reg_suite(hs->sh->cipher_suite);
        assert_non_null(si);
        assert_int_equal(si->auth, TD_AUTH_RSA);
        assert_true(hs->certs.n >= 1);
        assert_true(hs->certs.v[0].parsed);
        assert_non_null(strstr(hs->certs.v[0].subject, "tlsdiag"));
        assert_string_equal(hs->certs.v[0].key_type, "RSA");
        assert_int_equal(hs->certs.v[0].key_bits, 2048);
        assert_true(hs->ske.present);
        assert_int_not_equal(hs->ske.group, 0);
        assert_true(hs->server_hello_done);
        assert_int_equal(hs->alerts.n > 0 ? hs->alerts.v[0].encrypted : 1,
                         1);
        /* Both Finished messages are encrypted handshake records. */
        size_t enc = 0, ccs = 0;
        for (size_t i = 0; i < hs->events.n; i++) {
            enc += hs->events.v[i].kind == TD_EV_ENCRYPTED_HS;
            ccs += hs->events.v[i].kind == TD_EV_CCS;
        }
        assert_true(enc >= 2);
        assert_int_equal(ccs, 2);
        for (size_t i = 0; i < hs->warnings.n; i++)
            print_message("warning: %s\n", hs->warnings.v[i]);
        assert_int_equal(hs->warnings.n, 0);
        td_hs_free(hs);
    }
}

static void test_tls12_ecdsa(void **state)
{
    (void)state;
    struct td_handshake *hs = decode_pair("tls12-ecdsa", 1000);
    assert_non_null(hs->sh);
    const struct td_suite_info *si = td_reg_suite(hs->sh->cipher_suite);
    assert_non_null(si);
    assert_int_equal(si->auth, TD_AUTH_ECDSA);
    assert_true(hs->certs.n >= 1);
    assert_string_equal(hs->certs.v[0].key_type, "EC");
    assert_int_equal(hs->certs.v[0].key_group, 23);
    td_hs_free(hs);
}

static void test_tls13(void **state)
{
    (void)state;
    const char *names[] = {"tls13-rsa", "tls13-ecdsa"};
    for (size_t i = 0; i < 2; i++) {
        struct td_handshake *hs = decode_pair(names[i], 333);
        assert_non_null(hs->ch);
        assert_non_null(hs->sh);
        assert_int_equal(hs->sh->selected_version, 0x0304);
        assert_true(hs->sh->has_key_share_group);
        assert_true(td_reg_suite(hs->sh->cipher_suite)->tls13);
        /* Certificates are encrypted in TLS 1.3. */
        assert_int_equal(hs->certs.n, 0);
        assert_int_equal(hs->warnings.n, 0);
        td_hs_free(hs);
    }
}

static void test_tls13_hrr(void **state)
{
    (void)state;
    struct td_handshake *hs = decode_pair("tls13-hrr", 7);
    assert_non_null(hs->hrr);
    assert_true(hs->hrr->hello_retry_request);
    assert_int_equal(hs->hrr->key_share_group, 23);
    assert_non_null(hs->ch_retry);
    assert_true(hs->ch_retry->retry);
    assert_int_equal(hs->ch_retry->key_share_groups.n, 1);
    assert_int_equal(hs->ch_retry->key_share_groups.v[0], 23);
    assert_non_null(hs->sh);
    assert_false(hs->sh->hello_retry_request);
    td_hs_free(hs);
}

static void test_alerts(void **state)
{
    (void)state;
    struct td_handshake *hs = decode_pair("tls12-alert-no-shared-cipher",
                                          5000);
    assert_non_null(hs->ch);
    assert_null(hs->sh);
    assert_int_equal(hs->alerts.n, 1);
    assert_int_equal(hs->alerts.v[0].from, TD_DIR_SERVER);
    assert_int_equal(hs->alerts.v[0].level, 2);
    assert_int_equal(hs->alerts.v[0].description, 40);
    assert_false(hs->alerts.v[0].encrypted);
    td_hs_free(hs);

    hs = decode_pair("tls13-only-vs-tls12-client", 5000);
    assert_int_equal(hs->alerts.n, 1);
    assert_int_equal(hs->alerts.v[0].description, 70);
    td_hs_free(hs);
}

/* Several handshake messages in one record: repack the server's
 * plaintext flight (ServerHello .. ServerHelloDone) into a single record. */
static void test_messages_in_one_record(void **state)
{
    (void)state;
    size_t ns;
    uint8_t *sv = td_t_read(td_t_src("captures/records/tls12-rsa.server.bin"),
                            &ns);
    uint8_t *out = malloc(ns + 5);
    size_t body = 0, off = 0;
    while (off + 5 <= ns && sv[off] == 0x16) {
        size_t l = (size_t)sv[off + 3] << 8 | sv[off + 4];
        memcpy(out + 5 + body, sv + off + 5, l);
        body += l;
        off += 5 + l;
    }
    assert_true(body > 0 && body < 65536);
    out[0] = 0x16;
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = (uint8_t)(body >> 8);
    out[4] = (uint8_t)body;
    struct td_handshake *hs = decode(TD_DIR_SERVER, out, body + 5);
    assert_non_null(hs->sh);
    assert_true(hs->certs.n >= 1);
    assert_true(hs->server_hello_done);
    td_hs_free(hs);
    free(out);
    free(sv);
}

static void test_sslv2_hello(void **state)
{
    (void)state;
    /* RFC 5246 E.2: len 0x8025 ... 3 cipher specs, no session id, 16-byte
     * challenge. */
    const char *hex = "80 2b 01 03 01 00 09 00 00 00 10"
                      " 00 00 2f 00 00 35 01 00 80"
                      " 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";
    size_t n;
    uint8_t *p = td_t_hex(hex, &n);
    p[1] = (uint8_t)(n - 2);
    struct td_handshake *hs = decode(TD_DIR_AUTO, p, n);
    assert_non_null(hs->ch);
    assert_true(hs->ch->sslv2);
    assert_true(hs->ch->complete);
    assert_int_equal(hs->ch->legacy_version, 0x0301);
    assert_int_equal(hs->ch->sslv2_specs.n, 3);
    assert_int_equal(hs->ch->cipher_suites.n, 2);   /* 0x2f, 0x35 */
    assert_int_equal(hs->ch->random_len, 16);
    td_hs_free(hs);
    free(p);
}

static void test_not_tls(void **state)
{
    (void)state;
    const char *http = "HTTP/1.1 400 Bad Request\r\n\r\n";
    struct td_handshake *hs = decode(TD_DIR_SERVER, (const uint8_t *)http,
                                     strlen(http));
    assert_int_equal(hs->events.n, 1);
    assert_int_equal(hs->events.v[0].kind, TD_EV_NOT_TLS);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "HTTP/1.1 400"));
    td_hs_free(hs);
}

/* td_hs_found_tls: every recorded handshake is TLS (either side alone,
 * and a paste cut to its first 9 bytes); random bytes behind a first few
 * bytes that pass for TLS are not, whatever the seed. */
static void test_found_tls(void **state)
{
    (void)state;
    static const char *const recorded[] = {
        "tls12-rsa", "tls12-ecdsa", "tls13-rsa", "tls13-hrr",
        "tls12-alert-no-shared-cipher", "tls13-only-vs-tls12-client",
    };
    for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
        for (int side = 0; side < 2; side++) {
            char path[512];
            size_t n;
            snprintf(path, sizeof(path), "captures/records/%s.%s.bin",
                     recorded[i], side ? "server" : "client");
            uint8_t *p = td_t_read(td_t_src(path), &n);
            struct td_handshake *hs = decode(TD_DIR_AUTO, p, n);
            if (!td_hs_found_tls(hs))
                fail_msg("%s: not taken for TLS", path);
            td_hs_free(hs);
            if (side == 0) {
                hs = decode(TD_DIR_AUTO, p, 9);
                if (!td_hs_found_tls(hs))
                    fail_msg("%s, 9 bytes: not taken for TLS", path);
                td_hs_free(hs);
            }
            free(p);
        }
    }
    /* record header, record + ClientHello type, alert record, application
     * data record, SSLv2 hello header (its version random) */
    static const struct {
        size_t n;
        uint8_t p[6];
    } heads[] = {
        {5, {0x16, 0x03, 0x03, 0x40, 0x00}},
        {6, {0x16, 0x03, 0x01, 0x00, 0x30, 0x01}},
        {5, {0x15, 0x03, 0x03, 0x00, 0x02}},
        {5, {0x17, 0x03, 0x03, 0x10, 0x00}},
        {3, {0x80, 0x2b, 0x01}},
    };
    uint32_t x = 2463534242u;
    uint8_t *buf = malloc(70000);
    assert_non_null(buf);
    for (int seed = 0; seed < 50; seed++) {
        for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
            for (size_t i = 0; i < 70000; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                buf[i] = (uint8_t)x;
            }
            memcpy(buf, heads[h].p, heads[h].n);
            struct td_handshake *hs = decode(TD_DIR_AUTO, buf, 70000);
            if (td_hs_found_tls(hs))
                fail_msg("random bytes after %02x %02x %02x taken for TLS",
                         buf[0], buf[1], buf[2]);
            td_hs_free(hs);
        }
    }
    free(buf);
}

static void test_truncated_says_where(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_seed_client_hello("seed-logs/stm32-google-sni.log", &n);
    if (!p)
        skip();
    /* Cut inside the cipher suites. */
    struct td_handshake *hs = decode(TD_DIR_CLIENT, p, 50);
    assert_non_null(hs->ch);
    assert_false(hs->ch->complete);
    assert_int_equal(hs->ch->legacy_version, 0x0303);
    assert_true(hs->warnings.n >= 1);
    bool said = false;
    for (size_t i = 0; i < hs->warnings.n; i++)
        said |= strstr(hs->warnings.v[i], "cut short") != NULL;
    assert_true(said);
    td_hs_free(hs);
    free(p);
}

/* Every prefix and every single-bit flip of real records decodes without
 * a crash (ASan/UBSan watch the reads); heap copies of exact size. */
static void mutate_all(const uint8_t *p, size_t n, int dir)
{
    for (size_t len = 0; len <= n; len++) {
        uint8_t *q = malloc(len ? len : 1);
        memcpy(q, p, len);
        td_hs_free(decode(dir, q, len));
        free(q);
    }
    uint8_t *q = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(q, p, n);
            q[i] ^= (uint8_t)(1u << bit);
            td_hs_free(decode(dir, q, n));
        }
    }
    free(q);
}

static void test_prefixes_and_bitflips(void **state)
{
    (void)state;
    const char *files[] = {
        "captures/records/tls12-rsa.client.bin",
        "captures/records/tls12-rsa.server.bin",
        "captures/records/tls12-ecdsa.server.bin",
        "captures/records/tls13-hrr.server.bin",
        "captures/records/tls12-alert-no-shared-cipher.server.bin",
    };
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t n;
        uint8_t *p = td_t_read(td_t_src(files[f]), &n);
        /* The plaintext handshake part is what the decoders parse; the
         * encrypted rest only exercises the record layer. */
        size_t lim = n < 3000 ? n : 3000;
        mutate_all(p, lim, strstr(files[f], "server") ? TD_DIR_SERVER
                                                      : TD_DIR_CLIENT);
        free(p);
    }
    size_t n;
    uint8_t *p = td_t_seed_client_hello("seed-logs/stm32f427-rsa-alert80.log", &n);
    if (p) {
        mutate_all(p, n, TD_DIR_AUTO);
        free(p);
    }
}

static void test_ext_describe(void **state)
{
    (void)state;
    char buf[256];
    const uint8_t mfl[] = {3};
    assert_string_equal(td_ext_describe(1, mfl, 1, false, buf, sizeof(buf)),
                        "2048 bytes (code 3)");
    const uint8_t sni[] = {0, 6, 0, 0, 3, 'a', '.', 'b'};
    assert_string_equal(td_ext_describe(0, sni, sizeof(sni), false, buf,
                                        sizeof(buf)), "host_name \"a.b\"");
    const uint8_t groups[] = {0, 4, 0, 29, 0, 23};
    assert_string_equal(td_ext_describe(10, groups, sizeof(groups), false,
                                        buf, sizeof(buf)),
                        "x25519, secp256r1");
    const uint8_t sv[] = {3, 0x03, 0x04, 0x03};   /* odd: malformed */
    assert_non_null(strstr(td_ext_describe(43, sv, sizeof(sv), false, buf,
                                           sizeof(buf)), "malformed"));
    const uint8_t grease[] = {0};
    assert_string_equal(td_ext_describe(0x1a1a, grease, 1, false, buf,
                                        sizeof(buf)), "GREASE, 1 byte");
    /* A tiny buffer is cut, not overrun. */
    char tiny[8];
    td_ext_describe(10, groups, sizeof(groups), false, tiny, sizeof(tiny));
    assert_true(strlen(tiny) < sizeof(tiny));
}

/* Alerts until the arena is full: every alert kept is whole (a half-filled
 * one would read as the client's close_notify). */
static void test_alerts_fill_arena(void **state)
{
    (void)state;
    for (size_t cap = 1024; cap <= 8192; cap += 97) {
        struct td_handshake *hs = td_hs_new(cap);
        assert_non_null(hs);
        struct td_tls_session s;
        td_tls_init(&s, hs);
        static const uint8_t alert[] = {21, 3, 3, 0, 2, 2, 40};
        int rc = 0;
        for (int i = 0; i < 2000 && rc == 0; i++)
            rc = td_tls_feed(&s, TD_DIR_SERVER, alert, sizeof(alert), NULL);
        assert_int_equal(rc, TD_ERR_NOMEM);
        for (size_t i = 0; i < hs->alerts.n; i++) {
            assert_int_equal(hs->alerts.v[i].from, TD_DIR_SERVER);
            assert_int_equal(hs->alerts.v[i].level, 2);
            assert_int_equal(hs->alerts.v[i].description, 40);
        }
        td_tls_free(&s);
        td_hs_free(hs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_stm32_google),
        cmocka_unit_test(test_seed_stm32f427_mfl),
        cmocka_unit_test(test_fragmented_over_records),
        cmocka_unit_test(test_tls12_rsa),
        cmocka_unit_test(test_tls12_ecdsa),
        cmocka_unit_test(test_tls13),
        cmocka_unit_test(test_tls13_hrr),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_messages_in_one_record),
        cmocka_unit_test(test_sslv2_hello),
        cmocka_unit_test(test_not_tls),
        cmocka_unit_test(test_found_tls),
        cmocka_unit_test(test_truncated_says_where),
        cmocka_unit_test(test_prefixes_and_bitflips),
        cmocka_unit_test(test_ext_describe),
        cmocka_unit_test(test_alerts_fill_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
