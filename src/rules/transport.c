/* rules/transport.c - not_tls, timeout_network, connection_closed.
 *
 * Failures without an alert: the peer answered something that is not TLS
 * (an HTTP reply: "unknown record type 72"), never answered (-0x6800), or
 * closed (EOF -0x7280, reset -0x0050, a bare close_notify as AWS s2n
 * front ends send, -0x7880). */
#include "diag_int.h"

#include "tlsdiag/err.h"

static const struct td_event *find_event(const struct td_handshake *hs,
                                         int kind)
{
    for (size_t i = 0; i < hs->events.n; i++)
        if (hs->events.v[i].kind == kind)
            return &hs->events.v[i];
    return NULL;
}

static void not_tls(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    const struct td_event *e = find_event(hs, TD_EV_NOT_TLS);
    const struct td_note *n = td_hs_find_note(hs, TD_NOTE_UNKNOWN_RECORD_TYPE);
    if (!e && !n)
        return;
    struct td_finding *f = td_dx_add(x, "not_tls", TD_LIKELY, 93);
    bool http = n && n->a == 'H';
    td_dx_title(x, f, "The server answered with something that is not "
                "TLS%s", http ? " (an HTTP reply)" : "");
    td_dx_explain(x, f, "The first bytes from the server do not form a TLS "
                  "record%s. The device talks to a plain-text port, a "
                  "proxy, or a service that expects another protocol first "
                  "(STARTTLS).",
                  http ? " (record type 72 is the 'H' of \"HTTP/1.1\")" : "");
    td_dx_basis(x, f, "the reply is not TLS at all");
    if (n)
        td_dx_ev(x, f, &n->where);
    if (e)
        td_dx_ev(x, f, &e->where);
    td_dx_fix(x, f, "Connect to the TLS port (443 or 8883 for MQTT over "
              "TLS), not the plain-text one.", NULL, NULL);
}

static void timeout(struct td_dctx *x)
{
    static const struct {
        int32_t code;
        int score;
        const char *title, *why, *fix;
    } net[] = {
        {-0x6800, 85, "The server did not answer in time",
         "The read timed out (MBEDTLS_ERR_SSL_TIMEOUT): the hello was "
         "dropped (firewall, wrong port) or the server waits for something "
         "(some SChannel servers do not answer an offer they cannot serve).",
         "Check that the port is the TLS port and reachable; raise the "
         "timeout given to mbedtls_ssl_conf_read_timeout()."},
        {-0x0052, 96, "The host name could not be resolved",
         "DNS lookup failed (MBEDTLS_ERR_NET_UNKNOWN_HOST) before any TLS "
         "was sent.", "Check the host name and the device's DNS server."},
        {-0x0044, 95, "The TCP connection could not be made",
         "connect() failed (MBEDTLS_ERR_NET_CONNECT_FAILED): wrong port, "
         "nothing listening, or a firewall.",
         "Check host, port and the network path."},
        {-0x004C, 80, "Reading from the socket failed",
         "recv() failed (MBEDTLS_ERR_NET_RECV_FAILED).",
         "Check the network stack and the socket's state."},
    };
    const struct td_handshake *hs = x->hs;
    for (size_t i = 0; i < sizeof(net) / sizeof(net[0]); i++) {
        const struct td_mberr *e = td_dx_error(x, net[i].code);
        const struct td_event *ev = net[i].code == -0x6800
            ? find_event(hs, TD_EV_TIMEOUT) : NULL;
        if (!e && !ev)
            continue;
        struct td_finding *f = td_dx_add(x, "timeout_network", TD_LIKELY,
                                         net[i].score);
        td_dx_title(x, f, "%s", net[i].title);
        td_dx_explain(x, f, "%s", net[i].why);
        td_dx_basis(x, f, "the error code names it");
        if (e)
            td_dx_ev(x, f, &e->where);
        if (ev)
            td_dx_ev(x, f, &ev->where);
        td_dx_fix(x, f, net[i].fix, "mbedtls_ssl_conf_read_timeout(&conf, "
                  "ms) with mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, "
                  "NULL, mbedtls_net_recv_timeout).",
                  TD_FIX_SAME);
        return;
    }
}

static void closed(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    if (!x->failed || (x->peer_alert && x->peer_alert->level == 2)
        || (x->own_alert && x->own_alert->level == 2))
        return;
    /* On the wire: the server never said a thing and the client closed:
     * the client gave up waiting (a timeout). */
    int peer = x->client ? TD_DIR_SERVER : TD_DIR_CLIENT;
    bool peer_spoke = false;
    const struct td_event *first_end = NULL;
    for (size_t i = 0; i < hs->events.n; i++) {
        const struct td_event *e = &hs->events.v[i];
        if (e->kind == TD_EV_CLOSE || e->kind == TD_EV_RESET) {
            if (!first_end)
                first_end = e;
        } else if (e->dir == peer) {
            peer_spoke = true;
        }
    }
    if (!peer_spoke && first_end && first_end->dir != peer
        && hs->role == TD_ROLE_OBSERVER && x->ch) {
        struct td_finding *f = td_dx_add(x, "timeout_network", TD_LIKELY, 80);
        td_dx_title(x, f, "The server never answered the ClientHello");
        td_dx_explain(x, f, "The server sent nothing after the ClientHello; "
                      "the client gave up and closed the connection. The "
                      "hello was dropped (firewall, wrong port) or the "
                      "server waits for something it never gets.");
        td_dx_basis(x, f, "no byte came back from the server");
        td_dx_ev(x, f, &x->ch->where);
        td_dx_ev(x, f, &first_end->where);
        td_dx_fix(x, f, "Check that the port is the TLS port and reachable; "
                  "raise the timeout given to mbedtls_ssl_conf_read_timeout().",
                  NULL, NULL);
        return;
    }
    const struct td_mberr *eof = td_dx_error(x, -0x7280);
    const struct td_mberr *rst = td_dx_error(x, -0x0050);
    const struct td_mberr *cn = td_dx_error(x, -0x7880);
    const struct td_event *close_ev = find_event(hs, TD_EV_CLOSE);
    const struct td_event *reset_ev = find_event(hs, TD_EV_RESET);
    const struct td_alert *notify = NULL;
    for (size_t i = 0; i < hs->alerts.n; i++)
        if (hs->alerts.v[i].from == peer && hs->alerts.v[i].description == 0
            && !hs->alerts.v[i].encrypted)
            notify = &hs->alerts.v[i];
    if (!eof && !rst && !cn && !close_ev && !reset_ev && !notify)
        return;
    struct td_finding *f = td_dx_add(x, "connection_closed", TD_LIKELY, 62);
    const char *how = rst || reset_ev ? "reset the connection"
                    : notify || cn ? "sent only close_notify"
                    : "closed the connection";
    const char *when = x->when == TD_WHEN_AFTER_CLIENT_HELLO
        ? "right after the ClientHello"
        : x->when == TD_WHEN_AFTER_SERVER_HELLO
        ? "after its ServerHello, while the device processed its flight"
        : x->when == TD_WHEN_AFTER_CLIENT_FLIGHT
        ? "after the device's key exchange and Finished" : "";
    td_dx_title(x, f, "The server %s %s without an alert", how, when);
    td_dx_explain(x, f, "The server ended the handshake without saying "
                  "why. Servers that reject a hello silently: AWS s2n front "
                  "ends (CloudFront, NLB, API Gateway) send close_notify for "
                  "any refusal, old IIS resets, some load balancers close "
                  "when no SNI or no acceptable suite is offered. Only a "
                  "live test can tell which part of the hello it objects "
                  "to: %s.", td_dx_probe_hint(x));
    td_dx_basis(x, f, "a close without an alert gives no reason of its own");
    if (eof)
        td_dx_ev(x, f, &eof->where);
    if (rst)
        td_dx_ev(x, f, &rst->where);
    if (cn)
        td_dx_ev(x, f, &cn->where);
    if (close_ev)
        td_dx_ev(x, f, &close_ev->where);
    if (reset_ev)
        td_dx_ev(x, f, &reset_ev->where);
    if (notify)
        td_dx_ev(x, f, &notify->where);
    td_dx_fix(x, f, td_dx_fmt(x, "Find what the server objects to with %s.",
                              td_dx_probe_hint(x)), NULL, NULL);
}

void td_rule_transport(struct td_dctx *x)
{
    not_tls(x);
    timeout(x);
    closed(x);
}
