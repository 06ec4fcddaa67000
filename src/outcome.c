/* outcome.c - ok / failed / incomplete of a handshake seen on the wire
 * (capture, pasted bytes, probe), from the order of its events.
 *
 * The handshake is over when both sides have sent their Finished:
 * TLS <= 1.2: a ChangeCipherSpec and an encrypted handshake record from
 * each side (RFC 5246 7.1); TLS 1.3: after the ServerHello, encrypted
 * records from the server and then from the client (its Finished,
 * RFC 8446 4.4.4).  It failed when a fatal alert, a close, a reset or
 * bytes that are not TLS come before that. */
#include "tlsdiag/model.h"

#include <stdbool.h>

void td_hs_settle_wire(struct td_handshake *hs)
{
    bool ccs[2] = {false, false}, fin[2] = {false, false};
    bool tls13 = hs->sh && (hs->sh->selected_version == 0x0304
                            || (hs->sh->version & 0xff00) == 0x7f00);
    bool sh_seen = false, srv_enc = false;
    bool over = false, failed = false;
    for (size_t i = 0; i < hs->events.n && !over && !failed; i++) {
        const struct td_event *e = &hs->events.v[i];
        int d = e->dir == TD_DIR_SERVER;
        switch (e->kind) {
        case TD_EV_HANDSHAKE:
            if (e->hs_type == 2 && !(e->flags & TD_EVF_HRR))
                sh_seen = true;
            break;
        case TD_EV_CCS:
            ccs[d] = true;
            break;
        case TD_EV_ENCRYPTED_HS:
            if (ccs[d])
                fin[d] = true;
            if (tls13 && sh_seen && d)
                srv_enc = true;
            break;
        case TD_EV_APPDATA:
            if (tls13 && sh_seen) {
                if (d)
                    srv_enc = true;
                else if (srv_enc)
                    over = true;
            } else if (!tls13 && fin[0] && fin[1]) {
                over = true;
            }
            break;
        case TD_EV_ALERT:
            if (e->alert_level == 2 || (e->encrypted && !(fin[0] && fin[1])))
                failed = true;
            break;
        case TD_EV_CLOSE:
        case TD_EV_RESET:
        case TD_EV_TIMEOUT:
        case TD_EV_NOT_TLS:
            failed = true;
            break;
        default:
            break;
        }
        if (!tls13 && fin[0] && fin[1])
            over = true;
    }
    hs->over = over;
    hs->outcome = over ? TD_OUTCOME_OK
                : failed ? TD_OUTCOME_FAILED : TD_OUTCOME_INCOMPLETE;
}
