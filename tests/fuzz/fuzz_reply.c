/* fuzz_reply.c - a server's reply as a client reads it: the record-layer
 * decoder and the TLS 1.3 flight reader (tls13read.h).
 *
 * The client side is fixed: RFC 8448 section 3's ClientHello and x25519
 * private key.  The first input byte picks the mode, the second the
 * chunking (how the stream is cut into feeds, or into records):
 *
 *   mode % 4 == 0  the rest is the server's stream, fed to a reader alone
 *                  (it also decodes the plaintext part);
 *   mode % 4 == 1  the same stream fed to td_tls_feed as TD_DIR_SERVER
 *                  (after the ClientHello record) and to a reader on the
 *                  same model, as the probe runs them;
 *   mode % 4 == 2  the rest is the plaintext of the encrypted flight: the
 *                  harness sends the RFC's ServerHello, then seals the
 *                  bytes as handshake records of (chunk + 1) bytes under
 *                  the RFC's server handshake key, so that any content
 *                  reaches the message joiner and the decoders;
 *   mode % 4 == 3  as 2, but the rest is a list of (inner type, length,
 *                  content) records: alerts, application data, empty and
 *                  unknown inner types.
 *
 * The RFC's server flight in mode 0 or 1 decrypts and verifies; any change
 * to its ciphertext is an AEAD failure, which modes 2 and 3 go around.
 */
#include "decode_int.h"
#include "hexin.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/tls13.h"
#include "tlsdiag/tls13read.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../rfc8448.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every input shares, made once (an x25519 multiplication and the
 * key schedule per input would slow the fuzzer tenfold). */
static struct {
    struct td_tls13_ks ks;
    struct td_bytebuf ch, ch_rec, sh_rec;
    struct td_tls13_aead server_hs;     /* seq 0: copied per input */
} fx;

static void hex(const char *h, struct td_bytebuf *out)
{
    char why[128];
    if (td_hexin_decode(h, strlen(h), TD_HEXIN_HEX, out, NULL, why,
                        sizeof(why)))
        abort();
}

/* The RFC's server handshake key: transcript ClientHello..ServerHello and
 * the shared secret (RFC 8448 3). */
static void server_key(void)
{
    struct td_bytebuf z = {0};
    struct td_tls13_transcript t;
    struct td_tls13_sched s;
    uint8_t h[TD_TLS13_MAX_HASH];
    size_t hl;
    hex(R_SHARED, &z);
    if (td_tls13_transcript_init(&t, TD_TLS13_AES_128_GCM_SHA256)
        || td_tls13_transcript_add(&t, fx.ch.p, fx.ch.n)
        || td_tls13_transcript_add(&t, fx.sh_rec.p + 5, fx.sh_rec.n - 5)
        || td_tls13_transcript_hash(&t, h, sizeof(h), &hl)
        || td_tls13_sched_handshake(&s, TD_TLS13_AES_128_GCM_SHA256, z.p, z.n,
                                    h, hl)
        || td_tls13_aead_init(&fx.server_hs, TD_TLS13_AES_128_GCM_SHA256,
                              s.s_hs, hl))
        abort();
    td_tls13_transcript_free(&t);
    td_tls13_sched_free(&s);
    free(z.p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct td_bytebuf priv = {0};
    (void)argc;
    (void)argv;
    hex(R_CLIENT_PRIV, &priv);
    hex(R_CLIENT_HELLO, &fx.ch);
    hex(R_SERVER_HELLO_REC, &fx.sh_rec);
    if (td_tls13_keyshare_set_private(&fx.ks, TD_TLS13_GROUP_X25519, priv.p,
                                      priv.n))
        abort();
    free(priv.p);
    /* the ClientHello as one record, for the record-layer decoder */
    uint8_t hdr[5] = {22, 3, 1, (uint8_t)(fx.ch.n >> 8), (uint8_t)fx.ch.n};
    fx.ch_rec.p = malloc(5 + fx.ch.n);
    if (!fx.ch_rec.p)
        abort();
    memcpy(fx.ch_rec.p, hdr, 5);
    memcpy(fx.ch_rec.p + 5, fx.ch.p, fx.ch.n);
    fx.ch_rec.n = 5 + fx.ch.n;
    server_key();
    return 0;
}

struct out {
    uint8_t *p;
    size_t n, cap;
};

static bool put(struct out *o, const uint8_t *p, size_t n)
{
    if (n > o->cap - o->n) {
        size_t cap = (o->n + n) * 2;
        uint8_t *q = realloc(o->p, cap);
        if (!q)
            return false;
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->n, p, n);
    o->n += n;
    return true;
}

/* One record sealed under the server handshake key. */
static bool seal(struct out *o, struct td_tls13_aead *a, uint8_t type,
                 const uint8_t *p, size_t n)
{
    uint8_t rec[TD_TLS13_HDR_LEN + TD_TLS13_MAX_INNER + TD_TLS13_TAG_LEN];
    size_t len;
    if (type == 0)
        type = TD_TLS13_CT_HANDSHAKE;   /* seal refuses type 0 */
    if (td_tls13_record_seal(a, type, p, n, 0, rec, sizeof(rec), &len))
        return false;
    return put(o, rec, len);
}

/* Modes 2 and 3: the RFC's ServerHello, then the input sealed. */
static bool sealed_stream(struct out *o, bool typed, size_t chunk,
                          const uint8_t *d, size_t n)
{
    struct td_tls13_aead a = fx.server_hs;
    if (!put(o, fx.sh_rec.p, fx.sh_rec.n))
        return false;
    while (n > 0) {
        uint8_t type = TD_TLS13_CT_HANDSHAKE;
        size_t k = chunk;
        if (typed) {
            if (n < 2)
                break;
            type = d[0];
            k = d[1];
            d += 2;
            n -= 2;
        }
        if (k > n)
            k = n;
        if (!seal(o, &a, type, d, k))
            return false;
        d += k;
        n -= k;
    }
    return true;
}

static void feed(struct td_tls_session *s, struct td_t13r *r,
                 const uint8_t *p, size_t n, size_t chunk)
{
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (s)
            td_tls_feed(s, TD_DIR_SERVER, p + off, k, NULL);
        td_t13r_feed(r, p + off, k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0] % 4;
    size_t chunk = (size_t)data[1] + 1;
    data += 2;
    size -= 2;
    struct out o = {0};
    if (mode >= 2) {
        if (!sealed_stream(&o, mode == 3, chunk, data, size)) {
            free(o.p);
            return 0;
        }
        data = o.p;
        size = o.n;
        chunk = 4096;
    }
    struct td_handshake *hs = td_hs_new(8u << 20);
    struct td_tls_session s;
    struct td_t13r r;
    if (!hs) {
        free(o.p);
        return 0;
    }
    td_tls_init(&s, hs);
    bool shared = mode == 1;
    if (shared)
        td_tls_feed(&s, TD_DIR_CLIENT, fx.ch_rec.p, fx.ch_rec.n, NULL);
    if (td_t13r_init(&r, &fx.ks, 1, fx.ch.p, fx.ch.n, hs) == TD_OK) {
        feed(shared ? &s : NULL, &r, data, size, chunk);
        td_t13r_finish(&r);
        td_t13r_free(&r);
    }
    td_tls_end(&s);
    td_hs_settle_wire(hs);
    char buf[256];
    for (size_t i = 0; i < hs->encrypted_extensions.n; i++)
        td_ext_describe(hs->encrypted_extensions.v[i].type,
                        hs->encrypted_extensions.v[i].data,
                        hs->encrypted_extensions.v[i].len, true, buf,
                        sizeof(buf));
    td_hs_free(s.hs);
    td_tls_free(&s);
    free(o.p);
    return 0;
}
