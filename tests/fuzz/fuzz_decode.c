/* fuzz_decode.c - the record layer and every message decoder.
 *
 * The first byte picks how the rest is fed: as one direction's record
 * stream (client, server or auto), split at a position given by the
 * second byte, or as bare handshake messages.  Extension descriptions
 * are rendered too, since `hello` prints them for any input. */
#include "decode_int.h"

#include "tlsdiag/decode.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0], cut = data[1];
    data += 2;
    size -= 2;
    struct td_handshake *hs = td_hs_new(8u << 20);
    if (!hs)
        return 0;
    struct td_tls_session s;
    td_tls_init(&s, hs);
    int dir = mode % 3 == 0 ? TD_DIR_CLIENT : mode % 3 == 1 ? TD_DIR_SERVER
                                                           : TD_DIR_AUTO;
    if (mode & 0x80) {
        td_tls_feed_handshake(&s, dir, data, size, NULL);
    } else {
        size_t k = size ? (size_t)cut % (size + 1) : 0;
        td_tls_feed(&s, dir, data, k, NULL);
        td_tls_feed(&s, dir, data + k, size - k, NULL);
    }
    td_tls_end(&s);
    char buf[256];
    const struct td_handshake *h = s.hs;
    if (h->ch)
        for (size_t i = 0; i < h->ch->extensions.n; i++)
            td_ext_describe(h->ch->extensions.v[i].type,
                            h->ch->extensions.v[i].data,
                            h->ch->extensions.v[i].len, false, buf,
                            sizeof(buf));
    if (h->sh)
        for (size_t i = 0; i < h->sh->extensions.n; i++)
            td_ext_describe(h->sh->extensions.v[i].type,
                            h->sh->extensions.v[i].data,
                            h->sh->extensions.v[i].len, true, buf,
                            sizeof(buf));
    td_hs_free(s.hs);
    td_tls_free(&s);
    return 0;
}
