/* tls_found.c - did the bytes decode into TLS, or only into noise?
 *
 * Random bytes pass the first test of the front ends now and then (a
 * first byte that is a content type or a handshake type, a length the
 * input can hold) and then decode into a model that holds something: a
 * ClientHello with version 0x6ea6, a Certificate whose certificate does
 * not parse, events of bytes that are not TLS.  What counts as TLS here
 * is a message whose fixed fields only real TLS has: a protocol version,
 * a certificate X.509 parses, an alert with a level and a registered
 * description, a named curve, an empty ServerHelloDone.  The chance that
 * random bytes produce one is below 1 in 10^6 per try.
 */
#include "tlsdiag/decode.h"
#include "tlsdiag/registry.h"

static bool is_tls_version(uint16_t v)
{
    /* SSL 3.0 .. TLS 1.3, and the TLS 1.3 drafts (0x7fXX) */
    return (v >= 0x0300 && v <= 0x0304) || (v & 0xff00) == 0x7f00;
}

static bool hello_ok(const struct td_server_hello *sh)
{
    return sh && (is_tls_version(sh->version)
                  || (sh->sslv2 && sh->version == 0x0002));
}

static bool certs_ok(const td_certvec *certs)
{
    for (size_t i = 0; i < certs->n; i++)
        if (certs->v[i].parsed || certs->v[i].subject)
            return true;
    return false;
}

bool td_hs_found_tls(const struct td_handshake *hs)
{
    const struct td_client_hello *ch = hs->ch;
    /* A hello cut before its version still had a record or message
     * header that announced a ClientHello. */
    if (ch && (ch->from_text || ch->legacy_version == 0
               || is_tls_version(ch->legacy_version)
               || (ch->sslv2 && ch->legacy_version == 0x0002)))
        return true;
    if (hello_ok(hs->sh) || hello_ok(hs->hrr))
        return true;
    if (certs_ok(&hs->certs) || certs_ok(&hs->client_certs))
        return true;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        if (!a->encrypted && (a->level == 1 || a->level == 2)
            && td_reg_lookup(TD_REG_ALERT, a->description))
            return true;
    }
    if (hs->ske.present && hs->ske.curve_type == 3
        && td_reg_group(hs->ske.group))
        return true;
    return hs->server_hello_done;
}
