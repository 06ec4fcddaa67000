/* rules/fallback.c - when no rule explains a failure, say what is known
 * and how to find out: a live probe with the same hello. */
#include "diag_int.h"

void td_rule_fallback(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    if (!x->failed)
        return;
    for (size_t i = 0; i < hs->findings.n; i++)
        if (hs->findings.v[i].likelihood <= TD_POSSIBLE)
            return;
    struct td_finding *f = td_dx_add(x, "unexplained", TD_INFO, 1);
    const char *what = x->peer_alert
        ? td_dx_fmt(x, "The %s sent %s", x->client ? "server" : "client",
                    td_dx_alert_name(x, x->peer_alert))
        : x->own_alert
        ? td_dx_fmt(x, "The device sent %s",
                    td_dx_alert_name(x, x->own_alert))
        : hs->errors.n ? td_dx_fmt(x, "The handshake failed with -0x%04X",
                                   (unsigned)-hs->errors.v[0].code)
        : "The handshake failed";
    td_dx_title(x, f, "%s; the log does not show why", what);
    td_dx_explain(x, f, "Nothing in the offer or the log points at a known "
                  "cause. A live test with the same hello finds the change "
                  "the server accepts: %s.", td_dx_probe_hint(x));
    if (x->peer_alert)
        td_dx_ev(x, f, &x->peer_alert->where);
    else if (hs->errors.n)
        td_dx_ev(x, f, &hs->errors.v[0].where);
    td_dx_fix(x, f, td_dx_fmt(x, "Run %s.", td_dx_probe_hint(x)), NULL, NULL);
}
