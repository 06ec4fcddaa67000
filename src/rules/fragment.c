/* rules/fragment.c - record_too_large, max_fragment_length.
 *
 * mbedTLS reads each record into a buffer of MBEDTLS_SSL_IN_CONTENT_LEN
 * bytes; devices shrink it to save RAM and ask the server for smaller
 * records with max_fragment_length (RFC 6066 4).  Most servers ignore the
 * extension and send 16 KB records ("bad message length"); a server that
 * honours it splits its certificate over records, which mbedTLS 2.28 and
 * 3.x before 3.6.3 cannot reassemble ("handshake fragmentation not
 * supported", -0x7080). */
#include "diag_int.h"

static const int mfl_bytes[] = {0, 512, 1024, 2048, 4096};

static const char *const FIX_IN2 =
    "Keep MBEDTLS_SSL_IN_CONTENT_LEN (or MBEDTLS_SSL_MAX_CONTENT_LEN) at "
    "16384 so any record fits; to save RAM instead, "
    "MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH lets the buffers shrink after the "
    "handshake.";
static const char *const FIX_IN3 =
    "Keep MBEDTLS_SSL_IN_CONTENT_LEN at 16384; MBEDTLS_SSL_RECORD_SIZE_LIMIT "
    "(TLS 1.3 record_size_limit, RFC 8449) is honoured by more servers "
    "than max_fragment_length; 3.6.3 and later reassemble fragmented "
    "handshake messages.";

void td_rule_fragment(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    const struct td_note *big = td_hs_find_note(hs,
                                                TD_NOTE_BAD_MESSAGE_LENGTH);
    const struct td_note *fits = td_hs_find_note(hs,
                                                 TD_NOTE_MORE_DATA_THAN_FITS);
    const struct td_note *frag = td_hs_find_note(hs,
                                                 TD_NOTE_HS_FRAGMENTATION);
    const struct td_note *split = td_hs_find_note(hs,
                                                  TD_NOTE_HS_MSG_FRAGMENTED);
    const struct td_note *mfl_ok = td_hs_find_note(hs, TD_NOTE_MFL_ACCEPTED);
    uint8_t mfl = x->ch ? x->ch->max_fragment_length : 0;
    bool mfl_echoed = mfl_ok || (hs->sh && hs->sh->max_fragment_length);
    struct td_finding *f;

    /* On the wire: the server split a message over records and the
     * client (a 2.28 device) hung up without an alert. */
    bool gave_up = split && x->failed && !x->peer_alert && !x->own_alert
                   && hs->role == TD_ROLE_OBSERVER;
    if ((frag || (split && td_dx_error(x, -0x7080)) || gave_up) && mfl
        && mfl_echoed && x->client) {
        /* The device's own request split the message: that is the fix. */
        f = td_dx_add(x, "max_fragment_length", TD_LIKELY, 94);
        td_dx_title(x, f, "The server honoured max_fragment_length (%d "
                    "bytes) and split its certificate, which this mbedTLS "
                    "cannot reassemble", mfl <= 4 ? mfl_bytes[mfl] : 0);
        td_dx_explain(x, f, "The device asked for %d-byte records; the "
                      "server agreed (OpenSSL and GnuTLS honour the "
                      "extension) and sent its certificate chain in "
                      "several records. mbedTLS 2.28, and 3.x before 3.6.3, "
                      "cannot join a handshake message split over records "
                      "and stop with -0x7080.", mfl <= 4 ? mfl_bytes[mfl]
                                                         : 0);
        td_dx_basis(x, f, "the library reports the split message and the "
                    "server confirmed the device's fragment length");
        td_dx_ev(x, f, &x->ch->where);
        if (mfl_ok)
            td_dx_ev(x, f, &mfl_ok->where);
        td_dx_ev(x, f, frag ? &frag->where : &split->where);
        td_dx_fix(x, f, "Ask for no max_fragment_length (or one larger than "
                  "the certificate message), or move to mbedTLS 3.6.3+.",
                  "Remove mbedtls_ssl_conf_max_frag_len() and keep "
                  "MBEDTLS_SSL_IN_CONTENT_LEN at 16384.", FIX_IN3);
        return;
    }
    if (frag || (split && td_dx_error(x, -0x7080))) {
        f = td_dx_add(x, "record_too_large", TD_LIKELY, 93);
        td_dx_title(x, f, "A handshake message arrived split over records, "
                    "which this mbedTLS cannot reassemble");
        td_dx_explain(x, f, "The server sent a handshake message (usually "
                      "its certificate chain) in several records%s. mbedTLS "
                      "2.28, and 3.x before 3.6.3, stop with -0x7080 "
                      "(feature unavailable).",
                      mfl && mfl_echoed ? ", because it honoured the "
                      "client's max_fragment_length" : "");
        td_dx_basis(x, f, "the library says so in the log");
        td_dx_ev(x, f, frag ? &frag->where : &split->where);
        if (split && frag)
            td_dx_ev(x, f, &split->where);
        td_dx_fix(x, f, "Move to mbedTLS 3.6.3 or later, or let the whole "
                  "certificate message fit in one record: do not ask for a "
                  "max_fragment_length smaller than the chain.",
                  "Remove mbedtls_ssl_conf_max_frag_len() (or raise it) and "
                  "keep MBEDTLS_SSL_IN_CONTENT_LEN at 16384.", FIX_IN3);
    } else if (big || fits || td_dx_error(x, -0x7100)) {
        const struct td_note *n = big ? big : fits;
        f = td_dx_add(x, "record_too_large", TD_LIKELY, 92);
        td_dx_title(x, f, "A record from the server is larger than the "
                    "device's input buffer");
        td_dx_explain(x, f, "The server sent a record longer than "
                      "MBEDTLS_SSL_IN_CONTENT_LEN%s. TLS allows records of "
                      "16384 bytes; %s",
                      mfl ? td_dx_fmt(x, " although the client asked for "
                                      "%d-byte fragments", mfl_bytes[mfl <= 4
                                                                     ? mfl
                                                                     : 0])
                          : "",
                      mfl && !mfl_echoed
                      ? "the server ignored max_fragment_length, as most "
                        "servers (Google, Cloudflare, Go, BoringSSL) do."
                      : "a device must accept them unless the server "
                        "honours max_fragment_length.");
        td_dx_basis(x, f, "the library reports the oversized record");
        if (n)
            td_dx_ev(x, f, &n->where);
        else
            td_dx_ev(x, f, &td_dx_error(x, -0x7100)->where);
        td_dx_fix(x, f, "Give the device a 16 KB input buffer.", FIX_IN2,
                  FIX_IN3);
    }

    if (!mfl || !x->client)
        return;
    int desc = x->peer_alert && !x->peer_alert->encrypted
               ? x->peer_alert->description : -1;
    const char *size = td_dx_fmt(x, "%d", mfl <= 4 ? mfl_bytes[mfl] : 0);
    const char *fix2 = "Remove mbedtls_ssl_conf_max_frag_len() and disable "
                       "MBEDTLS_SSL_MAX_FRAGMENT_LENGTH, keeping "
                       "MBEDTLS_SSL_IN_CONTENT_LEN at 16384.";
    const char *fix3 = "Remove mbedtls_ssl_conf_max_frag_len(); for TLS 1.3 "
                       "servers MBEDTLS_SSL_RECORD_SIZE_LIMIT is the "
                       "replacement.";
    if (mfl > 4) { /* 0 returned above */
        f = td_dx_add(x, "max_fragment_length", TD_LIKELY, 90);
        td_dx_title(x, f, "max_fragment_length code %u is invalid", mfl);
        td_dx_explain(x, f, "RFC 6066 allows codes 1 to 4; servers must "
                      "abort with illegal_parameter (47).");
        td_dx_ev(x, f, &x->ch->where);
        td_dx_fix(x, f, "Use MBEDTLS_SSL_MAX_FRAG_LEN_512..4096 or none.",
                  fix2, fix3);
        return;
    }
    if (desc == 47 && x->when == TD_WHEN_AFTER_CLIENT_HELLO) {
        f = td_dx_add(x, "max_fragment_length", TD_LIKELY, 86);
        td_dx_title(x, f, "The server rejects the max_fragment_length "
                    "extension (%s bytes)", size);
        td_dx_explain(x, f, "illegal_parameter (47) right after the "
                      "ClientHello is how servers refuse an extension value "
                      "they do not accept.");
        td_dx_basis(x, f, "illegal_parameter (47) points at an extension "
                    "value");
    } else if ((big || fits) && !mfl_echoed) {
        f = td_dx_add(x, "max_fragment_length", TD_LIKELY, 84);
        td_dx_title(x, f, "The server ignored max_fragment_length (%s bytes)",
                    size);
        td_dx_explain(x, f, "The client counts on %s-byte records, but the "
                      "server did not confirm the extension and sent larger "
                      "ones.", size);
        td_dx_basis(x, f, "the ServerHello did not echo the extension and a "
                    "larger record arrived");
    } else if (x->failed && (x->when == TD_WHEN_AFTER_CLIENT_HELLO
                             || x->when == TD_WHEN_UNKNOWN)) {
        f = td_dx_add(x, "max_fragment_length", TD_POSSIBLE, 30);
        td_dx_title(x, f, "The client asks for %s-byte fragments "
                    "(max_fragment_length)", size);
        td_dx_explain(x, f, "Some servers and middleboxes refuse or mishandle "
                      "this extension, and most ignore it, after which their "
                      "16 KB records overflow a small input buffer. It is "
                      "rarely the reason for an alert right after the "
                      "ClientHello, but it is worth removing while testing.");
        td_dx_basis(x, f, "max_fragment_length seldom causes an immediate "
                    "refusal");
    } else {
        return;
    }
    td_dx_ev(x, f, &x->ch->where);
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
    td_dx_fix(x, f, "Do not ask for max_fragment_length; give the device a "
              "16 KB input buffer instead.", fix2, fix3);
}
