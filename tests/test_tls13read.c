/* test_tls13read.c - the client-side reader of a TLS 1.3 server flight.
 *
 * - RFC 8448 section 3: the client's x25519 key, its ClientHello and the
 *   server's records, fed whole, byte by byte and in other chunkings,
 *   alone and beside the record-layer decoder (as the probe runs it);
 * - the same messages re-sealed under the RFC's keys in other record
 *   layouts (one byte per record, padding, a compat change_cipher_spec),
 *   a TLS 1.3 CertificateRequest, a Certificate over the 64 KiB cap, a
 *   decrypted alert: what a server may do that the RFC does not show;
 * - wrong keys, a HelloRetryRequest, TLS 1.2, and every byte of the RFC
 *   flight flipped: a warning, never "decrypted", never a crash (ASan);
 * - real peers on 127.0.0.1: openssl s_server -tls1_3 (RSA, ECDSA with
 *   -Verify 1, -groups P-256 for a HelloRetryRequest) and gnutls-serv
 *   with TLS 1.3 only, probed with td_pn_probe and the hello's key shares.
 */
#include "testutil.h"

#include "decode_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/hellobuild.h"
#include "tlsdiag/probenet.h"
#include "tlsdiag/registry.h"
#include "tlsdiag/render.h"
#include "tlsdiag/tls13.h"
#include "tlsdiag/tls13read.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* RFC 8448 section 3: R_* */
#include "rfc8448.h"

#define SUITE TD_TLS13_AES_128_GCM_SHA256

/* ---- byte buffers -------------------------------------------------------- */

struct buf {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_hex(struct buf *b, const char *hex)
{
    size_t n;
    uint8_t *p = td_t_hex(hex, &n);
    put(b, p, n);
    free(p);
}

static void put8(struct buf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}

static void put16(struct buf *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void put24(struct buf *b, size_t v)
{
    put8(b, (unsigned)(v >> 16));
    put16(b, (unsigned)v);
}

static struct buf hexbuf(const char *hex)
{
    struct buf b = {0};
    put_hex(&b, hex);
    return b;
}

/* ---- the RFC's client ------------------------------------------------ */

static void rfc_client_ks(struct td_tls13_ks *ks)
{
    struct buf priv = hexbuf(R_CLIENT_PRIV);
    assert_int_equal(td_tls13_keyshare_set_private(ks, TD_TLS13_GROUP_X25519,
                                                   priv.p, priv.n),
                     TD_OK);
    free(priv.p);
}

/* A reader with the RFC's client key and ClientHello over a fresh model
 * (no ClientHello in it: the reader decodes the plaintext too). */
static struct td_handshake *rfc_reader(struct td_t13r *r)
{
    struct td_tls13_ks ks;
    struct buf ch = hexbuf(R_CLIENT_HELLO);
    struct td_handshake *hs = td_hs_new(0);
    assert_non_null(hs);
    rfc_client_ks(&ks);
    assert_int_equal(td_t13r_init(r, &ks, 1, ch.p, ch.n, hs), TD_OK);
    td_tls13_keyshare_free(&ks);
    free(ch.p);
    return hs;
}

/* The server's bytes of RFC 8448 section 3: ServerHello record, then the
 * one encrypted record. */
static struct buf rfc_server_stream(void)
{
    struct buf b = hexbuf(R_SERVER_HELLO_REC);
    put_hex(&b, R_SERVER_FLIGHT_REC);
    return b;
}

static void feed_chunks(struct td_t13r *r, const uint8_t *p, size_t n,
                        size_t chunk)
{
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        assert_int_equal(td_t13r_feed(r, p + off, k), TD_OK);
    }
}

static bool has_ext(const td_extvec *v, uint16_t type)
{
    return td_ext_find(v, type) != NULL;
}

static void print_warnings(const struct td_handshake *hs)
{
    for (size_t i = 0; i < hs->warnings.n; i++)
        print_message("    warning: %s\n", hs->warnings.v[i]);
}

/* What RFC 8448 section 3's server flight says. */
static void check_rfc_model(const struct td_t13r *r,
                            const struct td_handshake *hs)
{
    print_warnings(hs);
    assert_int_equal(r->end, TD_T13R_FINISHED);
    assert_true(hs->tls13_decrypted);
    assert_true(hs->tls13_flight_read);
    assert_true(hs->tls13_finished_ok);
    assert_int_equal(hs->warnings.n, 0);
    /* Certificate (RFC 8448 3: a 1024-bit RSA key, subject CN=rsa) */
    assert_int_equal(hs->certs.n, 1);
    assert_true(hs->certs.v[0].parsed);
    assert_string_equal(hs->certs.v[0].subject, "CN=rsa");
    assert_string_equal(hs->certs.v[0].key, "RSA 1024");
    /* CertificateVerify: rsa_pss_rsae_sha256 */
    assert_int_equal(hs->cert_verify_sigalg, 0x0804);
    /* EncryptedExtensions: supported_groups, record_size_limit, SNI ack */
    assert_true(hs->has_encrypted_extensions);
    assert_int_equal(hs->encrypted_extensions.n, 3);
    assert_true(has_ext(&hs->encrypted_extensions, TD_EXT_SUPPORTED_GROUPS));
    assert_true(has_ext(&hs->encrypted_extensions, TD_EXT_RECORD_SIZE_LIMIT));
    assert_true(has_ext(&hs->encrypted_extensions, TD_EXT_SERVER_NAME));
    assert_false(hs->cert_request.present);
    assert_int_equal(r->suite, SUITE);
    assert_int_equal(r->group, TD_TLS13_GROUP_X25519);
}

/* ---- RFC 8448 section 3 ---------------------------------------------- */

static void test_rfc8448_whole_and_bytewise(void **state)
{
    static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 95, 96, 679, 100000};
    struct buf srv = rfc_server_stream();
    (void)state;
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct td_t13r r;
        struct td_handshake *hs = rfc_reader(&r);
        feed_chunks(&r, srv.p, srv.n, chunks[i]);
        td_t13r_finish(&r);
        check_rfc_model(&r, hs);
        /* the reader decoded the plaintext too: ClientHello, ServerHello,
         * then the four decrypted messages, in order */
        static const uint8_t types[] = {1, 2, 8, 11, 15, 20};
        assert_int_equal(hs->events.n, sizeof(types));
        for (size_t k = 0; k < sizeof(types); k++) {
            assert_int_equal(hs->events.v[k].kind, TD_EV_HANDSHAKE);
            assert_int_equal(hs->events.v[k].hs_type, types[k]);
            assert_int_equal(hs->events.v[k].encrypted, k >= 2);
        }
        assert_non_null(hs->sh);
        assert_int_equal(hs->sh->selected_version, 0x0304);
        assert_int_equal(r.records, 2);
        assert_int_equal(r.opened, 1);
        td_t13r_free(&r);
        td_hs_free(hs);
    }
    free(srv.p);
}

/* As the probe runs it: the record-layer decoder fills the model from the
 * same bytes (plaintext part, events) and the reader adds the flight. */
static void test_rfc8448_beside_decoder(void **state)
{
    struct buf chrec = {0}, srv = rfc_server_stream();
    struct buf ch = hexbuf(R_CLIENT_HELLO);
    struct td_tls13_ks ks;
    struct td_handshake *hs = td_hs_new(0);
    struct td_tls_session s;
    struct td_t13r r;
    (void)state;
    put(&chrec, "\x16\x03\x01", 3);
    put16(&chrec, (unsigned)ch.n);
    put(&chrec, ch.p, ch.n);
    td_tls_init(&s, hs);
    assert_int_equal(td_tls_feed(&s, TD_DIR_CLIENT, chrec.p, chrec.n, NULL),
                     0);
    assert_non_null(hs->ch);
    rfc_client_ks(&ks);
    assert_int_equal(
        td_t13r_init(&r, &ks, 1, hs->ch->raw, hs->ch->raw_len, hs), TD_OK);
    assert_false(r.own_plain);
    for (size_t off = 0; off < srv.n; off += 50) {
        size_t k = srv.n - off < 50 ? srv.n - off : 50;
        assert_int_equal(td_tls_feed(&s, TD_DIR_SERVER, srv.p + off, k, NULL),
                         0);
        assert_int_equal(td_t13r_feed(&r, srv.p + off, k), TD_OK);
    }
    td_tls_end(&s);
    check_rfc_model(&r, hs);
    /* one ServerHello (the decoder's), no second one from the reader */
    size_t sh_events = 0;
    for (size_t i = 0; i < hs->events.n; i++)
        sh_events += hs->events.v[i].kind == TD_EV_HANDSHAKE
                     && hs->events.v[i].hs_type == 2;
    assert_int_equal(sh_events, 1);
    td_t13r_free(&r);
    td_tls_free(&s);
    td_hs_free(hs);
    td_tls13_keyshare_free(&ks);
    free(chrec.p);
    free(srv.p);
    free(ch.p);
}

/* ---- a server under the RFC's keys, sealing its own layouts ---------- */

struct srv {
    struct td_tls13_transcript t;
    struct td_tls13_sched s;
    struct td_tls13_aead tx;
    struct buf out;             /* the server's byte stream */
};

/* The RFC's ServerHello record first, keys from the RFC's shared secret. */
static void srv_start(struct srv *v)
{
    struct buf ch = hexbuf(R_CLIENT_HELLO), sh = hexbuf(R_SERVER_HELLO_REC);
    struct buf z = hexbuf(R_SHARED);
    uint8_t h[TD_TLS13_MAX_HASH];
    size_t hl;
    memset(v, 0, sizeof(*v));
    assert_int_equal(td_tls13_transcript_init(&v->t, SUITE), TD_OK);
    assert_int_equal(td_tls13_transcript_add(&v->t, ch.p, ch.n), TD_OK);
    assert_int_equal(td_tls13_transcript_add(&v->t, sh.p + 5, sh.n - 5),
                     TD_OK);
    assert_int_equal(td_tls13_transcript_hash(&v->t, h, sizeof(h), &hl),
                     TD_OK);
    assert_int_equal(td_tls13_sched_handshake(&v->s, SUITE, z.p, z.n, h, hl),
                     TD_OK);
    assert_int_equal(td_tls13_aead_init(&v->tx, SUITE, v->s.s_hs, hl), TD_OK);
    put(&v->out, sh.p, sh.n);
    free(ch.p);
    free(sh.p);
    free(z.p);
}

/* A message the server sends: into the transcript and the flight. */
static void srv_msg(struct srv *v, struct buf *flight, const uint8_t *m,
                    size_t n)
{
    assert_int_equal(td_tls13_transcript_add(&v->t, m, n), TD_OK);
    put(flight, m, n);
}

/* Finished over the transcript so far (RFC 8446 4.4.4). */
static void srv_finished(struct srv *v, struct buf *flight)
{
    uint8_t h[TD_TLS13_MAX_HASH], vd[TD_TLS13_MAX_HASH], m[4 + 32];
    size_t hl;
    assert_int_equal(td_tls13_transcript_hash(&v->t, h, sizeof(h), &hl),
                     TD_OK);
    assert_int_equal(td_tls13_finished(SUITE, v->s.s_hs, h, vd), TD_OK);
    m[0] = 20;
    m[1] = m[2] = 0;
    m[3] = (uint8_t)hl;
    memcpy(m + 4, vd, hl);
    srv_msg(v, flight, m, 4 + hl);
}

static void srv_seal(struct srv *v, uint8_t type, const uint8_t *p, size_t n,
                     size_t pad)
{
    uint8_t rec[TD_TLS13_HDR_LEN + TD_TLS13_MAX_INNER + TD_TLS13_TAG_LEN];
    size_t len;
    assert_int_equal(td_tls13_record_seal(&v->tx, type, p, n, pad, rec,
                                          sizeof(rec), &len),
                     TD_OK);
    put(&v->out, rec, len);
}

/* The flight's handshake bytes in records of `chunk` bytes each. */
static void srv_seal_chopped(struct srv *v, const struct buf *flight,
                             size_t chunk, size_t pad)
{
    for (size_t off = 0; off < flight->n; off += chunk) {
        size_t k = flight->n - off < chunk ? flight->n - off : chunk;
        srv_seal(v, TD_TLS13_CT_HANDSHAKE, flight->p + off, k, pad);
    }
}

static void srv_free(struct srv *v)
{
    td_tls13_transcript_free(&v->t);
    td_tls13_sched_free(&v->s);
    td_tls13_aead_free(&v->tx);
    free(v->out.p);
}

/* Reads v's stream with the RFC client; returns the model (caller frees
 * it and the reader). */
static struct td_handshake *read_stream(struct td_t13r *r, const struct srv *v,
                                        size_t chunk)
{
    struct td_handshake *hs = rfc_reader(r);
    feed_chunks(r, v->out.p, v->out.n, chunk);
    td_t13r_finish(r);
    print_warnings(hs);
    return hs;
}

/* The RFC's four messages in other record layouts: one byte per record,
 * 3-byte records (headers split), padding, a compat change_cipher_spec
 * first (RFC 8446 D.4), and all four in one padded record. */
static void test_resealed_layouts(void **state)
{
    static const size_t chunks[] = {1, 3, 100, 16384};
    (void)state;
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct srv v;
        struct buf flight = {0}, ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
        struct buf cert = hexbuf(R_CERTIFICATE);
        struct buf cv = hexbuf(R_CERTIFICATE_VERIFY);
        struct buf rfc_fin = hexbuf(R_SERVER_FINISHED);
        srv_start(&v);
        put(&v.out, "\x14\x03\x03\x00\x01\x01", 6);
        srv_msg(&v, &flight, ee.p, ee.n);
        srv_msg(&v, &flight, cert.p, cert.n);
        srv_msg(&v, &flight, cv.p, cv.n);
        srv_finished(&v, &flight);
        /* same transcript, same Finished as the RFC's */
        assert_memory_equal(flight.p + flight.n - rfc_fin.n, rfc_fin.p,
                            rfc_fin.n);
        srv_seal_chopped(&v, &flight, chunks[i], i * 7);
        struct td_t13r r;
        struct td_handshake *hs = read_stream(&r, &v, 1 + i * 13);
        check_rfc_model(&r, hs);
        assert_int_equal(r.opened, (flight.n + chunks[i] - 1) / chunks[i]);
        td_t13r_free(&r);
        td_hs_free(hs);
        srv_free(&v);
        free(flight.p);
        free(ee.p);
        free(cert.p);
        free(cv.p);
        free(rfc_fin.p);
    }
}

/* A TLS 1.3 CertificateRequest (RFC 8446 4.3.2): context, then
 * extensions: signature_algorithms and certificate_authorities. */
static void cert_request_13(struct buf *m)
{
    static const uint8_t dn[] = {0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06,
                                 0x03, 0x55, 0x04, 0x03, 0x13, 0x03, 'r',
                                 's', 'a'};
    struct buf body = {0};
    put8(&body, 0);                     /* certificate_request_context */
    put16(&body, 4 + 2 + 6 + 4 + 2 + 2 + sizeof(dn));
    put16(&body, TD_EXT_SIGNATURE_ALGORITHMS);
    put16(&body, 2 + 6);
    put16(&body, 6);
    put16(&body, 0x0804);
    put16(&body, 0x0403);
    put16(&body, 0x0807);
    put16(&body, TD_EXT_CERTIFICATE_AUTHORITIES);
    put16(&body, 2 + 2 + sizeof(dn));
    put16(&body, 2 + sizeof(dn));
    put16(&body, sizeof(dn));
    put(&body, dn, sizeof(dn));
    put8(m, TD_HS_CERTIFICATE_REQUEST);
    put24(m, body.n);
    put(m, body.p, body.n);
    free(body.p);
}

static void test_cert_request(void **state)
{
    struct srv v;
    struct buf flight = {0}, cr = {0};
    struct buf ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
    struct buf cert = hexbuf(R_CERTIFICATE);
    struct buf cv = hexbuf(R_CERTIFICATE_VERIFY);
    (void)state;
    cert_request_13(&cr);
    srv_start(&v);
    srv_msg(&v, &flight, ee.p, ee.n);
    srv_msg(&v, &flight, cr.p, cr.n);
    srv_msg(&v, &flight, cert.p, cert.n);
    srv_msg(&v, &flight, cv.p, cv.n);
    srv_finished(&v, &flight);
    srv_seal_chopped(&v, &flight, 200, 0);
    struct td_t13r r;
    struct td_handshake *hs = read_stream(&r, &v, 33);
    assert_int_equal(r.end, TD_T13R_FINISHED);
    assert_true(hs->tls13_finished_ok);
    assert_int_equal(hs->warnings.n, 0);
    assert_true(hs->cert_request.present);
    assert_int_equal(hs->cert_request.sigalgs.n, 3);
    assert_int_equal(hs->cert_request.sigalgs.v[0], 0x0804);
    assert_int_equal(hs->cert_request.sigalgs.v[2], 0x0807);
    assert_int_equal(hs->cert_request.ca_names, 1);
    assert_int_equal(hs->certs.n, 1);
    td_t13r_free(&r);
    td_hs_free(hs);
    srv_free(&v);
    free(flight.p);
    free(cr.p);
    free(ee.p);
    free(cert.p);
    free(cv.p);
}

/* A Certificate over the 64 KiB cap: said to be cut, hashed so that the
 * Finished still verifies, memory stays bounded. */
static void test_oversize_message(void **state)
{
    struct srv v;
    struct buf flight = {0}, big = {0}, ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
    struct buf cv = hexbuf(R_CERTIFICATE_VERIFY);
    const size_t der = 70000;
    (void)state;
    put8(&big, TD_HS_CERTIFICATE);
    put24(&big, 1 + 3 + 3 + der + 2);
    put8(&big, 0);
    put24(&big, 3 + der + 2);
    put24(&big, der);
    for (size_t i = 0; i < der; i++)
        put8(&big, (unsigned)i);
    put16(&big, 0);
    srv_start(&v);
    srv_msg(&v, &flight, ee.p, ee.n);
    srv_msg(&v, &flight, big.p, big.n);
    srv_msg(&v, &flight, cv.p, cv.n);
    srv_finished(&v, &flight);
    srv_seal_chopped(&v, &flight, 16384, 0);
    struct td_t13r r;
    struct td_handshake *hs = read_stream(&r, &v, 4096);
    assert_int_equal(r.end, TD_T13R_FINISHED);
    assert_true(hs->tls13_finished_ok);
    assert_int_equal(hs->certs.n, 0);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "announces 70009 bytes"));
    assert_non_null(strstr(hs->warnings.v[0], "not decoded"));
    assert_int_equal(hs->cert_verify_sigalg, 0x0804);
    td_t13r_free(&r);
    td_hs_free(hs);
    srv_free(&v);
    free(flight.p);
    free(big.p);
    free(ee.p);
    free(cv.p);
}

/* A Finished that decrypts but whose verify_data is wrong: read to the
 * end, said not to verify (RFC 8446 4.4.4). */
static void test_bad_finished(void **state)
{
    struct srv v;
    struct buf flight = {0}, ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
    struct buf cert = hexbuf(R_CERTIFICATE), cv = hexbuf(R_CERTIFICATE_VERIFY);
    (void)state;
    srv_start(&v);
    srv_msg(&v, &flight, ee.p, ee.n);
    srv_msg(&v, &flight, cert.p, cert.n);
    srv_msg(&v, &flight, cv.p, cv.n);
    srv_finished(&v, &flight);
    if (flight.n == 0)
        fail();
    flight.p[flight.n - 1] ^= 0x80;
    srv_seal_chopped(&v, &flight, 16384, 0);
    struct td_t13r r;
    struct td_handshake *hs = read_stream(&r, &v, 500);
    assert_int_equal(r.end, TD_T13R_FINISHED);
    assert_true(hs->tls13_flight_read);
    assert_false(hs->tls13_finished_ok);
    assert_int_equal(hs->certs.n, 1);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "does not verify"));
    td_t13r_free(&r);
    td_hs_free(hs);
    srv_free(&v);
    free(flight.p);
    free(ee.p);
    free(cert.p);
    free(cv.p);
}

/* An alert under the handshake keys: decrypted, with level and
 * description, and the reader stops there. */
static void test_decrypted_alert(void **state)
{
    static const uint8_t alert[] = {2, 42};
    struct srv v;
    struct buf flight = {0}, ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
    (void)state;
    srv_start(&v);
    srv_msg(&v, &flight, ee.p, ee.n);
    srv_seal_chopped(&v, &flight, 1000, 0);
    srv_seal(&v, TD_TLS13_CT_ALERT, alert, sizeof(alert), 3);
    struct td_t13r r;
    struct td_handshake *hs = read_stream(&r, &v, 7);
    assert_int_equal(r.end, TD_T13R_ALERT);
    assert_int_equal(r.alert_level, 2);
    assert_int_equal(r.alert_desc, 42);
    assert_int_equal(hs->alerts.n, 1);
    assert_true(hs->alerts.v[0].encrypted);
    assert_int_equal(hs->alerts.v[0].level, 2);
    assert_int_equal(hs->alerts.v[0].description, 42);
    assert_int_equal(hs->alerts.v[0].from, TD_DIR_SERVER);
    assert_true(hs->tls13_decrypted);
    assert_false(hs->tls13_flight_read);
    assert_true(hs->has_encrypted_extensions);
    td_t13r_free(&r);
    td_hs_free(hs);
    srv_free(&v);
    free(flight.p);
    free(ee.p);
}

/* The flight stops in the middle of the Certificate: a warning says
 * where; the state is "cut". */
static void test_cut_flight(void **state)
{
    struct buf srv = rfc_server_stream();
    struct td_t13r r;
    (void)state;
    struct td_handshake *hs = rfc_reader(&r);
    feed_chunks(&r, srv.p, srv.n - 1, 64);
    assert_false(td_t13r_done(&r));
    td_t13r_finish(&r);
    assert_int_equal(r.end, TD_T13R_CUT);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "before the server Finished"));
    assert_false(hs->tls13_decrypted);
    td_t13r_free(&r);
    td_hs_free(hs);
    free(srv.p);
}

/* ---- rendering -------------------------------------------------------- */

/* hs rendered as the `hello` document (JSON compact, or verbose text);
 * caller frees. */
static char *render(const struct td_handshake *hs, bool json)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    struct td_doc d;
    struct td_render r;
    struct td_render_opts o = {.out = f, .json = json, .verbose = true,
                               .width = 100};
    td_doc_init(&d, "hello", "hex", "-");
    assert_int_equal(td_render_init(&r, &o), 0);
    td_render_begin(&r, &d);
    td_render_handshake(&r, &d, hs);
    assert_int_equal(td_render_end(&r, &d), 0);
    td_doc_free(&d);
    fclose(f);
    return text;
}

static void has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing %s in:\n%s", want, text);
}

/* The new facts in both renderers; absent keys stay absent. */
static void test_render(void **state)
{
    struct buf srv = rfc_server_stream();
    struct td_t13r r;
    (void)state;
    struct td_handshake *hs = rfc_reader(&r);
    feed_chunks(&r, srv.p, srv.n, srv.n);
    char *j = render(hs, true);
    has(j, "\"encrypted_extensions\":[{\"id\":10,\"name\":"
           "\"supported_groups\"");
    has(j, "{\"id\":28,\"name\":\"record_size_limit\",\"length\":2,"
           "\"detail\":\"16385 bytes\"}");
    has(j, "\"certificate_verify\":{\"signature_algorithm\":{\"id\":2052,"
           "\"name\":\"rsa_pss_rsae_sha256\"}}");
    has(j, "\"tls13_flight\":{\"decrypted\":true,\"complete\":true,"
           "\"finished_verified\":true}");
    has(j, "\"kind\":\"handshake\",\"from\":\"server\",\"type\":"
           "\"certificate_verify\",\"decrypted\":true");
    char *t = render(hs, false);
    has(t, "EncryptedExtensions (decrypted)");
    has(t, "CertificateVerify signed with rsa_pss_rsae_sha256 (0x0804)");
    has(t, "Finished verified");
    has(t, "CertificateVerify");
    free(j);
    free(t);
    td_t13r_free(&r);
    td_hs_free(hs);

    /* a model the reader never saw: none of the new keys */
    hs = td_hs_new(0);
    j = render(hs, true);
    assert_null(strstr(j, "encrypted_extensions"));
    assert_null(strstr(j, "certificate_verify"));
    assert_null(strstr(j, "tls13_flight"));
    free(j);
    td_hs_free(hs);

    /* a decrypted alert: level and description shown, still encrypted */
    static const uint8_t alert[] = {2, 42};
    struct srv v;
    struct buf flight = {0}, ee = hexbuf(R_ENCRYPTED_EXTENSIONS);
    srv_start(&v);
    srv_msg(&v, &flight, ee.p, ee.n);
    srv_seal_chopped(&v, &flight, 1000, 0);
    srv_seal(&v, TD_TLS13_CT_ALERT, alert, sizeof(alert), 0);
    hs = read_stream(&r, &v, 1000);
    j = render(hs, true);
    has(j, "\"alerts\":[{\"from\":\"server\",\"level\":2,"
           "\"description\":42,\"name\":\"bad_certificate\","
           "\"encrypted\":true");
    has(j, "\"tls13_flight\":{\"decrypted\":true,\"complete\":false,"
           "\"finished_verified\":false}");
    t = render(hs, false);
    has(t, "Alert fatal bad_certificate (42), decrypted");
    has(t, "Alert from the server: fatal bad_certificate (42)");
    free(j);
    free(t);
    td_t13r_free(&r);
    td_hs_free(hs);
    srv_free(&v);
    free(flight.p);
    free(ee.p);
    free(srv.p);
}

/* ---- ends that are not a flight --------------------------------------- */

static struct td_handshake *read_file(struct td_t13r *r, const char *rel)
{
    size_t n;
    uint8_t *p = td_t_read(td_t_src(rel), &n);
    struct td_handshake *hs = rfc_reader(r);
    assert_int_equal(td_t13r_feed(r, p, n), TD_OK);
    td_t13r_finish(r);
    free(p);
    return hs;
}

static void test_hrr_and_tls12(void **state)
{
    struct td_t13r r;
    (void)state;
    struct td_handshake *hs =
        read_file(&r, "captures/records/tls13-hrr.server.bin");
    assert_int_equal(r.end, TD_T13R_HRR);
    assert_non_null(hs->hrr);
    assert_false(hs->tls13_decrypted);
    assert_int_equal(hs->warnings.n, 0);
    assert_string_equal(td_t13r_end_name(r.end), "hello_retry_request");
    td_t13r_free(&r);
    td_hs_free(hs);

    hs = read_file(&r, "captures/records/tls12-rsa.server.bin");
    assert_int_equal(r.end, TD_T13R_NOT_TLS13);
    assert_non_null(hs->sh);
    assert_false(hs->tls13_decrypted);
    td_t13r_free(&r);
    td_hs_free(hs);
}

/* Keys that are not the server's: the first record does not decrypt. */
static void test_wrong_keys(void **state)
{
    struct buf srv = rfc_server_stream(), ch = hexbuf(R_CLIENT_HELLO);
    struct buf other = hexbuf(R_SERVER_PRIV);
    struct td_tls13_ks ks[2];
    struct td_t13r r;
    (void)state;
    /* an x25519 key that is not the one in the hello */
    assert_int_equal(td_tls13_keyshare_set_private(
                         &ks[0], TD_TLS13_GROUP_X25519, other.p, other.n),
                     TD_OK);
    struct td_handshake *hs = td_hs_new(0);
    assert_int_equal(td_t13r_init(&r, ks, 1, ch.p, ch.n, hs), TD_OK);
    feed_chunks(&r, srv.p, srv.n, 1000);
    print_warnings(hs);
    assert_int_equal(r.end, TD_T13R_ERROR);
    assert_false(hs->tls13_decrypted);
    assert_int_equal(hs->certs.n, 0);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "cannot be decrypted"));
    td_t13r_free(&r);
    td_hs_free(hs);

    /* only a secp256r1 key: the server's x25519 share has no partner */
    assert_int_equal(td_tls13_keyshare_init(&ks[1], TD_TLS13_GROUP_SECP256R1,
                                            NULL, NULL),
                     TD_OK);
    hs = td_hs_new(0);
    assert_int_equal(td_t13r_init(&r, &ks[1], 1, ch.p, ch.n, hs), TD_OK);
    feed_chunks(&r, srv.p, srv.n, 1000);
    print_warnings(hs);
    assert_int_equal(r.end, TD_T13R_ERROR);
    assert_int_equal(hs->warnings.n, 1);
    assert_non_null(strstr(hs->warnings.v[0], "no key"));
    td_t13r_free(&r);
    td_hs_free(hs);

    /* arguments */
    assert_int_equal(td_t13r_init(&r, ks, 0, ch.p, ch.n, hs), TD_ERR_USAGE);
    assert_int_equal(td_t13r_init(&r, ks, 5, ch.p, ch.n, hs), TD_ERR_USAGE);
    assert_int_equal(td_t13r_init(&r, ks, 1, ch.p, ch.n - 1, hs),
                     TD_ERR_USAGE);
    assert_int_equal(td_t13r_init(&r, ks, 1, srv.p + 5, 90, hs),
                     TD_ERR_USAGE);
    td_t13r_free(&r);
    td_tls13_keyshare_free(&ks[0]);
    td_tls13_keyshare_free(&ks[1]);
    free(srv.p);
    free(ch.p);
    free(other.p);
}

/* Every byte of the RFC's server flight flipped, one at a time, two ways:
 * never a crash (ASan), never "decrypted"; a warning unless the flip made
 * a ServerHello of TLS 1.2 (a legitimate end).  The one byte the protocol
 * ignores (the ServerHello record's legacy_record_version minor byte, RFC
 * 8446 5.1) still reads with a one-bit flip. */
static void test_flip_every_byte(void **state)
{
    static const uint8_t masks[] = {0x01, 0xff};
    struct buf srv = rfc_server_stream();
    size_t ok_reads = 0, not13 = 0;
    (void)state;
    for (size_t m = 0; m < sizeof(masks); m++) {
        for (size_t i = 0; i < srv.n; i++) {
            struct td_t13r r;
            struct td_handshake *hs = rfc_reader(&r);
            srv.p[i] ^= masks[m];
            feed_chunks(&r, srv.p, srv.n, i % 2 ? srv.n : 97);
            td_t13r_finish(&r);
            srv.p[i] ^= masks[m];
            if (i == 2 && masks[m] == 0x01) {
                assert_true(hs->tls13_finished_ok);
                ok_reads++;
            } else {
                if (hs->tls13_finished_ok || (r.end != TD_T13R_NOT_TLS13
                                              && hs->warnings.n == 0))
                    fail_msg("byte %zu ^ 0x%02x: end %s, finished_ok %d, "
                             "%zu warnings", i, masks[m],
                             td_t13r_end_name(r.end), hs->tls13_finished_ok,
                             hs->warnings.n);
                not13 += r.end == TD_T13R_NOT_TLS13;
            }
            td_t13r_free(&r);
            td_hs_free(hs);
        }
    }
    print_message("    %zu flips, %zu read as TLS 1.2, %zu still read\n",
                  2 * srv.n, not13, ok_reads);
    free(srv.p);
}

/* td_t13r_offer: both key shares, in supported_groups order, and both
 * groups offered. */
static void test_offer(void **state)
{
    struct td_tls13_ks ks[2];
    struct td_hb_hello h;
    uint8_t *msg;
    size_t n;
    (void)state;
    assert_int_equal(td_tls13_keyshare_init(&ks[0], TD_TLS13_GROUP_X25519,
                                            NULL, NULL),
                     TD_OK);
    assert_int_equal(td_tls13_keyshare_init(&ks[1], TD_TLS13_GROUP_SECP256R1,
                                            NULL, NULL),
                     TD_OK);
    assert_int_equal(td_hb_template_228(&h, "localhost", NULL, NULL), 0);
    assert_int_equal(td_t13r_offer(&h, ks, 2), TD_OK);
    assert_int_equal(td_hb_build(&h, &msg, &n), 0);
    struct td_handshake *hs = td_hs_new(0);
    assert_int_equal(td_decode_handshake_msg(hs, TD_DIR_CLIENT, msg, n, 0,
                                             NULL),
                     0);
    const struct td_client_hello *ch = hs->ch;
    assert_non_null(ch);
    assert_int_equal(ch->key_share_groups.n, 2);
    size_t pos[2] = {SIZE_MAX, SIZE_MAX};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < ch->groups.n; i++)
            if (ch->groups.v[i] == ch->key_share_groups.v[k])
                pos[k] = i;
    assert_true(pos[0] < pos[1] && pos[1] != SIZE_MAX);
    assert_int_equal(ch->versions.v[0], 0x0304);
    /* the reader takes this very message */
    struct td_t13r r;
    assert_int_equal(td_t13r_init(&r, ks, 2, msg, n, hs), TD_OK);
    td_t13r_free(&r);
    td_hs_free(hs);
    free(msg);
    td_hb_free(&h);
    assert_int_equal(td_t13r_offer(&h, ks, 0), TD_ERR_USAGE);
    td_tls13_keyshare_free(&ks[0]);
    td_tls13_keyshare_free(&ks[1]);
}

/* ---- real peers on 127.0.0.1 ------------------------------------------- */

#define PEER_TIMEOUT_MS 4000u

static bool have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(a);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sl), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &sl), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void stop_peer(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Each peer test keeps its server's PID in *state; the teardown stops it
 * whether the test passed or an assertion jumped out. */
static int peer_setup(void **state)
{
    pid_t *pid = malloc(sizeof(*pid));
    if (!pid)
        return -1;
    *pid = -1;
    *state = pid;
    return 0;
}

static int peer_teardown(void **state)
{
    pid_t *pid = *state;
    stop_peer(*pid);
    free(pid);
    return 0;
}

/* Start argv (stdio to /dev/null, OpenSSL without a distro config) and
 * wait up to 5 s until port accepts; -1 when it never does. */
static pid_t start_peer(char *const argv[], uint16_t port)
{
    static char empty_conf[] = "/tmp/tlsdiag-t13r-empty.cnf";
    FILE *f = fopen(empty_conf, "w");
    if (f)
        fclose(f);
    pid_t parent = getpid();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        setenv("OPENSSL_CONF", empty_conf, 1);
        /* never outlive the test, even one a sanitizer aborts */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        alarm(60);
        execvp(argv[0], argv);
        _exit(127);
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < 100; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        int ok = connect(c, (struct sockaddr *)&a, sizeof(a));
        close(c);
        if (ok == 0)
            return pid;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return -1;
        usleep(50000);
    }
    stop_peer(pid);
    return -1;
}

struct probe13 {
    uint16_t groups[2];
    size_t n_groups;
    bool alpn;                  /* offer "http/1.1" */
    bool record_size_limit;     /* offer record_size_limit 16385 */
    bool share_groups_only;     /* supported_groups: the shares' groups */
};

/* One td_pn_probe with a 2.28-like hello offering TLS 1.3 with fresh key
 * shares of p->groups, reading on with them. */
static void probe13(uint16_t port, const struct probe13 *p,
                    struct td_pn_attempt *a)
{
    static const uint8_t alpn[] = {0, 9, 8, 'h', 't', 't', 'p', '/', '1',
                                   '.', '1'};
    static const uint8_t rsl[] = {0x40, 0x01};
    struct td_tls13_ks ks[2];
    struct td_hb_hello h;
    uint8_t *rec;
    size_t n;
    for (size_t i = 0; i < p->n_groups; i++)
        assert_int_equal(
            td_tls13_keyshare_init(&ks[i], p->groups[i], NULL, NULL), TD_OK);
    assert_int_equal(td_hb_template_228(&h, "localhost", NULL, NULL), 0);
    if (p->share_groups_only)
        assert_int_equal(td_hb_set_groups(&h, p->groups, p->n_groups), 0);
    assert_int_equal(td_t13r_offer(&h, ks, p->n_groups), TD_OK);
    if (p->alpn)
        assert_int_equal(td_hb_set_ext(&h, TD_EXT_ALPN, alpn, sizeof(alpn),
                                       SIZE_MAX),
                         0);
    if (p->record_size_limit)
        assert_int_equal(td_hb_set_ext(&h, TD_EXT_RECORD_SIZE_LIMIT, rsl,
                                       sizeof(rsl), SIZE_MAX),
                         0);
    assert_int_equal(td_hb_record(&h, &rec, &n), 0);
    td_hb_free(&h);
    struct td_pn_opts o = {.host = "localhost", .port = port,
                           .connect_to = "127.0.0.1",
                           .timeout_ms = PEER_TIMEOUT_MS,
                           .key_shares = ks, .n_key_shares = p->n_groups};
    assert_int_equal(td_pn_probe(&o, rec, n, a), TD_OK);
    char nb[TD_REG_NAMEBUF];
    print_message("    result %s, end %d, tls13 %s, decrypted %d, %zu certs, "
                  "CV %s, %zu bytes in %llu ms\n",
                  td_pn_result_name(a->result), a->end,
                  td_t13r_end_name(a->tls13_end), a->tls13_decrypted,
                  a->hs->certs.n,
                  td_reg_name(TD_REG_SIGALG, a->hs->cert_verify_sigalg, nb),
                  a->received, (unsigned long long)a->elapsed_ms);
    if (a->hs->hrr)
        print_message("    HelloRetryRequest for %s\n",
                      td_reg_name(TD_REG_GROUP, a->hs->hrr->key_share_group,
                                  nb));
    print_warnings(a->hs);
    for (size_t i = 0; i < p->n_groups; i++)
        td_tls13_keyshare_free(&ks[i]);
    free(rec);
}

/* A decrypted flight: Finished verified, the chain's leaf is the test
 * server's, the reading ended at the server Finished. */
static void check_read(const struct td_pn_attempt *a, const char *ou)
{
    assert_int_equal(a->result, TD_PN_SERVER_HELLO);
    assert_int_equal(a->end, TD_PN_END_FLIGHT);
    assert_true(a->flight_complete);
    assert_int_equal(a->tls13_end, TD_T13R_FINISHED);
    assert_true(a->tls13_decrypted);
    assert_int_equal(a->hs->sh->selected_version, 0x0304);
    assert_true(a->hs->certs.n >= 1);
    assert_non_null(strstr(a->hs->certs.v[0].subject, ou));
    assert_non_null(strstr(a->hs->certs.v[0].subject,
                           "CN=tlsdiag test server"));
    assert_true(a->hs->has_encrypted_extensions);
    assert_true(a->elapsed_ms < PEER_TIMEOUT_MS);
}

static pid_t start_openssl(uint16_t port, const char *kind,
                           const char *extra1, const char *extra2)
{
    char accept_arg[32], cert[512], key[512], ca[512], crt_rel[64], key_rel[64];
    snprintf(accept_arg, sizeof(accept_arg), "127.0.0.1:%u", port);
    snprintf(crt_rel, sizeof(crt_rel), "captures/certs/server-%s.crt", kind);
    snprintf(key_rel, sizeof(key_rel), "captures/certs/server-%s.key", kind);
    snprintf(cert, sizeof(cert), "%s", td_t_src(crt_rel));
    snprintf(key, sizeof(key), "%s", td_t_src(key_rel));
    snprintf(ca, sizeof(ca), "%s", td_t_src("captures/certs/ca.crt"));
    char *argv[20] = {"openssl", "s_server", "-accept", accept_arg, "-cert",
                      cert, "-key", key, "-tls1_3", "-quiet", "-alpn",
                      "http/1.1"};
    size_t n = 12;
    if (extra1) {
        argv[n++] = (char *)extra1;
        argv[n++] = (char *)extra2;
    }
    if (extra1 && strcmp(extra1, "-Verify") == 0) {
        argv[n++] = "-CAfile";
        argv[n++] = ca;
    }
    argv[n] = NULL;
    return start_peer(argv, port);
}

static void test_openssl_rsa(void **state)
{
    if (!have("openssl"))
        skip();
    uint16_t port = free_port();
    pid_t pid = start_openssl(port, "rsa", NULL, NULL);
    *(pid_t *)*state = pid;
    assert_true(pid > 0);
    struct td_pn_attempt a;
    struct probe13 p = {.groups = {TD_TLS13_GROUP_X25519}, .n_groups = 1,
                        .alpn = true};
    probe13(port, &p, &a);
    check_read(&a, "OU=RSA");
    /* RSA key: rsa_pss_rsae_sha256, the first PSS scheme offered */
    assert_int_equal(a.hs->cert_verify_sigalg, 0x0804);
    assert_false(a.hs->cert_request.present);
    /* ALPN is answered in EncryptedExtensions (RFC 8446 4.3.1) */
    const struct td_ext *e = td_ext_find(&a.hs->encrypted_extensions,
                                         TD_EXT_ALPN);
    assert_non_null(e);
    assert_int_equal(e->len, 11);
    assert_memory_equal(e->data + 3, "http/1.1", 8);
    assert_int_equal(a.hs->warnings.n, 0);
    td_pn_attempt_free(&a);

    /* secp256r1 alone: the P-256 key share path */
    struct probe13 p256 = {.groups = {TD_TLS13_GROUP_SECP256R1},
                           .n_groups = 1};
    probe13(port, &p256, &a);
    check_read(&a, "OU=RSA");
    assert_int_equal(a.hs->sh->key_share_group, TD_TLS13_GROUP_SECP256R1);
    td_pn_attempt_free(&a);
}

static void test_openssl_ecdsa_client_auth(void **state)
{
    if (!have("openssl"))
        skip();
    uint16_t port = free_port();
    pid_t pid = start_openssl(port, "ecdsa", "-Verify", "1");
    *(pid_t *)*state = pid;
    assert_true(pid > 0);
    struct td_pn_attempt a;
    struct probe13 p = {.groups = {TD_TLS13_GROUP_X25519,
                                   TD_TLS13_GROUP_SECP256R1},
                        .n_groups = 2};
    probe13(port, &p, &a);
    check_read(&a, "OU=ECDSA");
    assert_int_equal(a.hs->cert_verify_sigalg, 0x0403);
    /* CertificateRequest, TLS 1.3 form: signature_algorithms in an
     * extension, the CA of -CAfile in certificate_authorities */
    assert_true(a.hs->cert_request.present);
    assert_true(a.hs->cert_request.sigalgs.n >= 4);
    bool pss = false, ecdsa = false;
    for (size_t i = 0; i < a.hs->cert_request.sigalgs.n; i++) {
        pss |= a.hs->cert_request.sigalgs.v[i] == 0x0804;
        ecdsa |= a.hs->cert_request.sigalgs.v[i] == 0x0403;
    }
    assert_true(pss && ecdsa);
    assert_int_equal(a.hs->cert_request.ca_names, 1);
    assert_int_equal(a.hs->warnings.n, 0);
    td_pn_attempt_free(&a);
}

/* -groups P-256 and an x25519 share: a HelloRetryRequest, reported. */
static void test_openssl_hrr(void **state)
{
    if (!have("openssl"))
        skip();
    uint16_t port = free_port();
    pid_t pid = start_openssl(port, "rsa", "-groups", "P-256");
    *(pid_t *)*state = pid;
    assert_true(pid > 0);
    struct td_pn_attempt a;
    struct probe13 p = {.groups = {TD_TLS13_GROUP_X25519}, .n_groups = 1};
    probe13(port, &p, &a);
    assert_int_equal(a.result, TD_PN_SERVER_HELLO);
    assert_true(a.hrr);
    assert_int_equal(a.tls13_end, TD_T13R_HRR);
    assert_false(a.tls13_decrypted);
    assert_int_equal(a.hs->hrr->key_share_group, TD_TLS13_GROUP_SECP256R1);
    assert_int_equal(a.hs->certs.n, 0);
    td_pn_attempt_free(&a);
}

static void test_gnutls(void **state)
{
    if (!have("gnutls-serv"))
        skip();
    uint16_t port = free_port();
    char portarg[8], cert[512], key[512];
    snprintf(portarg, sizeof(portarg), "%u", port);
    snprintf(cert, sizeof(cert), "%s",
             td_t_src("captures/certs/server-ecdsa.crt"));
    snprintf(key, sizeof(key), "%s",
             td_t_src("captures/certs/server-ecdsa.key"));
    char *argv[] = {"gnutls-serv", "--port", portarg, "--x509certfile", cert,
                    "--x509keyfile", key, "--echo",
                    "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3",
                    "--alpn", "http/1.1", NULL};
    pid_t pid = start_peer(argv, port);
    *(pid_t *)*state = pid;
    assert_true(pid > 0);
    struct td_pn_attempt a;
    /* GnuTLS takes the client's first supported group: offer only the
     * groups there are shares for */
    struct probe13 p = {.groups = {TD_TLS13_GROUP_X25519,
                                   TD_TLS13_GROUP_SECP256R1},
                        .n_groups = 2, .alpn = true,
                        .record_size_limit = true,
                        .share_groups_only = true};
    probe13(port, &p, &a);
    check_read(&a, "OU=ECDSA");
    assert_int_equal(a.hs->cert_verify_sigalg, 0x0403);
    /* GnuTLS answers record_size_limit (RFC 8449 4) and ALPN in
     * EncryptedExtensions */
    assert_true(has_ext(&a.hs->encrypted_extensions,
                        TD_EXT_RECORD_SIZE_LIMIT));
    assert_true(has_ext(&a.hs->encrypted_extensions, TD_EXT_ALPN));
    assert_int_equal(a.hs->warnings.n, 0);
    td_pn_attempt_free(&a);

    /* secp256r1 alone */
    struct probe13 p256 = {.groups = {TD_TLS13_GROUP_SECP256R1},
                           .n_groups = 1, .share_groups_only = true};
    probe13(port, &p256, &a);
    check_read(&a, "OU=ECDSA");
    assert_int_equal(a.hs->sh->key_share_group, TD_TLS13_GROUP_SECP256R1);
    td_pn_attempt_free(&a);

    /* the 2.28 groups as they are (secp521r1 first) and an x25519
     * share: GnuTLS asks for secp521r1 in a HelloRetryRequest */
    struct probe13 x = {.groups = {TD_TLS13_GROUP_X25519}, .n_groups = 1};
    probe13(port, &x, &a);
    assert_true(a.hrr);
    assert_int_equal(a.tls13_end, TD_T13R_HRR);
    assert_false(a.tls13_decrypted);
    assert_int_equal(a.hs->hrr->key_share_group, 0x0019);
    td_pn_attempt_free(&a);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8448_whole_and_bytewise),
        cmocka_unit_test(test_rfc8448_beside_decoder),
        cmocka_unit_test(test_resealed_layouts),
        cmocka_unit_test(test_cert_request),
        cmocka_unit_test(test_oversize_message),
        cmocka_unit_test(test_bad_finished),
        cmocka_unit_test(test_decrypted_alert),
        cmocka_unit_test(test_cut_flight),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_hrr_and_tls12),
        cmocka_unit_test(test_wrong_keys),
        cmocka_unit_test(test_flip_every_byte),
        cmocka_unit_test(test_offer),
        cmocka_unit_test_setup_teardown(test_openssl_rsa, peer_setup,
                                        peer_teardown),
        cmocka_unit_test_setup_teardown(test_openssl_ecdsa_client_auth,
                                        peer_setup, peer_teardown),
        cmocka_unit_test_setup_teardown(test_openssl_hrr, peer_setup,
                                        peer_teardown),
        cmocka_unit_test_setup_teardown(test_gnutls, peer_setup,
                                        peer_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
