/* pcapfe.c - capture front end: flows -> handshake models.
 *
 * Implementation notes
 * - A TCP flow becomes TLS when a direction's first bytes form a TLS
 *   record (or an SSLv2 hello).  A flow that starts with something else is
 *   watched for WATCH_BYTES per direction for a chunk that starts with a
 *   handshake record (STARTTLS, protocol upgrade); then it is ignored.
 * - Roles come from the content: whoever sends the ClientHello is the
 *   client, whatever the flow layer guessed from SYN or ports.
 * - Evidence carries the packet number; the decoder and the rules never
 *   see packets.
 * - UDP: the first datagram tells DTLS (content type + version 0xfeXX)
 *   and QUIC (long header with a known version) apart; both are counted
 *   and reported once, not decoded.
 */
#include "tlsdiag/pcapfe.h"

#include "decode_int.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"

#include <stdlib.h>
#include <string.h>

#define WATCH_BYTES (64u * 1024u)

enum conn_state { CONN_NEW = 0, CONN_TLS, CONN_WATCH, CONN_IGNORED };

struct conn {
    enum conn_state state;
    bool swapped;               /* flow dir 0 is the TLS server */
    bool roles_known;
    uint64_t watched[2];
    struct td_tls_session tls;
    struct td_handshake *hs;
    uint64_t last_packet;
    struct td_pcapfe *fe;
    struct td_flow *flow;
};

struct td_pcapfe {
    struct td_doc *doc;
    td_pcapfe_emit_fn emit;
    void *user;
    struct td_pcapfe_stats st;
};

struct td_pcapfe *td_pcapfe_new(struct td_doc *doc, td_pcapfe_emit_fn emit,
                                void *user)
{
    struct td_pcapfe *fe = calloc(1, sizeof(*fe));
    if (!fe)
        return NULL;
    fe->doc = doc;
    fe->emit = emit;
    fe->user = user;
    return fe;
}

void td_pcapfe_free(struct td_pcapfe *fe)
{
    free(fe);
}

void td_pcapfe_stats(const struct td_pcapfe *fe, struct td_pcapfe_stats *st)
{
    *st = fe->st;
}

static struct td_handshake *new_hs(struct conn *c, const struct td_pktinfo *pi)
{
    struct td_handshake *hs = td_hs_new(16u << 20);
    if (!hs)
        return NULL;
    char a[TD_ENDPOINT_STRLEN], b[TD_ENDPOINT_STRLEN];
    const struct td_endpoint *cl = td_flow_client(c->flow);
    const struct td_endpoint *sv = td_flow_server(c->flow);
    if (c->swapped) {
        const struct td_endpoint *t = cl;
        cl = sv;
        sv = t;
    }
    hs->role = TD_ROLE_OBSERVER;
    hs->client_addr = td_arena_strndup(&hs->arena, td_endpoint_str(cl, a),
                                       strlen(td_endpoint_str(cl, a)));
    hs->server_addr = td_arena_strndup(&hs->arena, td_endpoint_str(sv, b),
                                       strlen(td_endpoint_str(sv, b)));
    hs->first_packet = pi ? pi->packet : 0;
    hs->start_usec = pi ? pi->ts_usec : 0;
    return hs;
}

static void emit(struct conn *c)
{
    struct td_handshake *hs = c->hs;
    if (!hs)
        return;
    c->hs = NULL;
    hs->last_packet = c->last_packet;
    td_hs_settle_wire(hs);
    c->fe->st.handshakes++;
    c->fe->emit(c->fe->user, hs);
}

/* A second ClientHello on the connection: the first handshake is done. */
static struct td_handshake *split(void *user, struct td_handshake *done)
{
    struct conn *c = user;
    struct td_handshake *hs = new_hs(c, NULL);
    if (!hs)
        return NULL;
    hs->first_packet = c->last_packet;
    c->hs = done;
    emit(c);
    c->hs = hs;
    return hs;
}

static void start_tls(struct conn *c, int flowdir, const uint8_t *p, size_t n,
                      const struct td_pktinfo *pi)
{
    /* The ClientHello's sender is the client; a ServerHello's, the
     * server; otherwise keep the flow layer's guess. */
    bool ch = n >= 6 && p[0] == 0x16 && p[5] == 1;
    bool v2 = n >= 3 && (p[0] & 0x80) && p[2] == 1;
    bool sh = n >= 6 && p[0] == 0x16 && p[5] == 2;
    if (ch || v2)
        c->swapped = flowdir == 1;
    else if (sh)
        c->swapped = flowdir == 0;
    c->roles_known = ch || v2 || sh;
    c->state = CONN_TLS;
    c->fe->st.tls_flows++;
    c->hs = new_hs(c, pi);
    if (!c->hs) {
        c->state = CONN_IGNORED;
        td_flow_ignore(c->flow);
        return;
    }
    td_tls_init(&c->tls, c->hs);
    c->tls.split = split;
    c->tls.user = c;
    if (td_flow_client_known_by(c->flow) != TD_CLIENT_BY_SYN)
        td_tls_midstream(&c->tls);
}

static struct conn *conn_of(void *ctx, struct td_flow *f)
{
    struct conn *c = td_flow_user(f);
    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c) {
        td_flow_ignore(f);
        return NULL;
    }
    c->fe = ctx;
    c->flow = f;
    td_flow_set_user(f, c);
    return c;
}

static void fe_open(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    (void)ctx;
    (void)f;
    (void)pi;
}

static void fe_data(void *ctx, struct td_flow *f, int dir, const uint8_t *p,
                    size_t n, const struct td_pktinfo *pi)
{
    struct conn *c = conn_of(ctx, f);
    if (!c || n == 0)
        return;
    if (pi->packet > c->last_packet)
        c->last_packet = pi->packet;
    if (c->state == CONN_NEW || c->state == CONN_WATCH) {
        /* STARTTLS: TLS begins at a chunk that starts with a handshake
         * record (or an SSLv2 hello) after plain text. */
        bool tls = c->state == CONN_NEW
                   ? td_tls_looks_like_record(p, n)
                   : n >= 6 && p[0] == 0x16 && p[1] == 3 && p[5] == 1;
        if (tls) {
            if (c->state == CONN_WATCH)
                c->fe->st.starttls_flows++;
            start_tls(c, dir, p, n, pi);
        } else {
            c->state = CONN_WATCH;
            c->watched[dir] += n;
            if (c->watched[0] + c->watched[1] > 2 * WATCH_BYTES) {
                c->state = CONN_IGNORED;
                c->fe->st.other_flows++;
                td_flow_ignore(f);
            }
            return;
        }
    }
    if (c->state != CONN_TLS)
        return;
    int tdir = dir ^ c->swapped;
    struct td_evidence ev = {.packet = pi->packet};
    if (td_tls_feed(&c->tls, tdir, p, n, &ev) != 0)
        td_hs_warn(c->tls.hs, "out of memory at packet %llu",
                   (unsigned long long)pi->packet);
    c->hs = c->tls.hs;
}

static void fe_gap(void *ctx, struct td_flow *f, int dir, uint64_t missing,
                   const struct td_pktinfo *pi)
{
    struct conn *c = conn_of(ctx, f);
    if (!c || c->state != CONN_TLS)
        return;
    struct td_evidence ev = {.packet = pi ? pi->packet : 0};
    td_tls_gap(&c->tls, dir ^ c->swapped, missing, &ev);
}

static void fe_end_event(struct td_flow *f, int dir, int kind,
                         const struct td_pktinfo *pi)
{
    struct conn *c = td_flow_user(f);
    if (!c || c->state != CONN_TLS || !c->hs)
        return;
    struct td_evidence ev = {.packet = pi ? pi->packet : 0};
    if (pi && pi->packet > c->last_packet)
        c->last_packet = pi->packet;
    td_hs_event(c->hs, kind, dir ^ c->swapped, &ev);
}

static void fe_fin(void *ctx, struct td_flow *f, int dir,
                   const struct td_pktinfo *pi)
{
    (void)ctx;
    fe_end_event(f, dir, TD_EV_CLOSE, pi);
}

static void fe_rst(void *ctx, struct td_flow *f, int dir,
                   const struct td_pktinfo *pi)
{
    (void)ctx;
    fe_end_event(f, dir, TD_EV_RESET, pi);
}

/* DTLS: content type 20..26 and version 0xfeff/0xfefd/0xfefc.  QUIC: a
 * long header (0b11xxxxxx) with version 1, 2 or a draft. */
static void fe_datagram(void *ctx, struct td_flow *f, int dir,
                        const uint8_t *p, size_t n,
                        const struct td_pktinfo *pi)
{
    struct td_pcapfe *fe = ctx;
    (void)dir;
    (void)pi;
    if (td_flow_user(f))
        return;
    const char *what = NULL;
    if (n >= 13 && p[0] >= 20 && p[0] <= 26 && p[1] == 0xfe
        && (p[2] == 0xff || p[2] == 0xfd || p[2] == 0xfc)) {
        what = "DTLS";
        fe->st.dtls_flows++;
    } else if (n >= 5 && (p[0] & 0xc0) == 0xc0) {
        uint32_t v = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16
                     | (uint32_t)p[3] << 8 | p[4];
        if (v == 1 || v == 0x6b3343cf || (v & 0xffffff00) == 0xff000000) {
            what = "QUIC";
            fe->st.quic_flows++;
        }
    }
    if (what && fe->doc) {
        char a[TD_ENDPOINT_STRLEN], b[TD_ENDPOINT_STRLEN];
        td_doc_warn(fe->doc, "%s flow %s -> %s (from packet %llu) is not "
                    "decoded", what, td_endpoint_str(td_flow_client(f), a),
                    td_endpoint_str(td_flow_server(f), b),
                    (unsigned long long)td_flow_first_packet(f));
    }
    /* Mark the flow as seen so it is reported once. */
    struct conn *c = conn_of(ctx, f);
    if (c) {
        c->state = CONN_IGNORED;
        td_flow_ignore(f);
    }
}

static void fe_close(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    (void)ctx;
    (void)pi;
    struct conn *c = td_flow_user(f);
    if (!c)
        return;
    if (c->state == CONN_TLS) {
        td_tls_end(&c->tls);
        c->hs = c->tls.hs;
        emit(c);
        td_tls_free(&c->tls);
    }
    td_flow_set_user(f, NULL);
    free(c);
}

static const struct td_flow_cb callbacks = {
    fe_open, fe_data, fe_gap, fe_fin, fe_rst, fe_datagram, fe_close,
};

const struct td_flow_cb *td_pcapfe_callbacks(void)
{
    return &callbacks;
}
