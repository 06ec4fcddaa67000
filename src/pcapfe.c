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
 * - Memory: a flow that is not (yet) TLS costs a small struct conn; the
 *   TLS session and the handshake model are allocated when TLS starts.
 *   Each TLS connection's bytes (model arena, record and message buffers,
 *   its structs) are counted in st.held after every chunk; TLS
 *   connections sit in a list, least recently active first.  When held
 *   exceeds max_held, connections are taken from the old end (never the
 *   one being fed) and their handshakes emitted as far as they came, with
 *   a warning; the flow is ignored from then on.  The one being fed can
 *   exceed the cap alone only up to its own caps (the arena's, the record
 *   layer's TD_TLS_MAX_RECORD and TD_TLS_MAX_HS_MSG per direction).
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
    struct td_tls_session *tls; /* CONN_TLS only */
    struct td_handshake *hs;
    uint64_t last_packet;
    struct td_pcapfe *fe;
    struct td_flow *flow;
    /* CONN_TLS: the list of TLS connections, least recently active
     * first, and the bytes this one counts in st.held */
    struct conn *older, *newer;
    size_t held;
    unsigned emitted;           /* handshakes handed to emit */
};

struct td_pcapfe {
    struct td_doc *doc;
    const char *input;          /* the file being read, for messages */
    td_pcapfe_emit_fn emit;
    void *user;
    struct td_pcapfe_stats st;
    size_t max_held;
    struct conn *oldest, *newest;
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
    fe->max_held = TD_PCAPFE_DEF_MAX_HELD;
    return fe;
}

void td_pcapfe_set_max_held(struct td_pcapfe *fe, size_t max_held)
{
    fe->max_held = max_held ? max_held : TD_PCAPFE_DEF_MAX_HELD;
}

void td_pcapfe_set_input(struct td_pcapfe *fe, const char *name)
{
    fe->input = name;
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
    hs->input = c->fe->input;
    hs->client_addr = td_arena_strndup(&hs->arena, td_endpoint_str(cl, a),
                                       strlen(td_endpoint_str(cl, a)));
    hs->server_addr = td_arena_strndup(&hs->arena, td_endpoint_str(sv, b),
                                       strlen(td_endpoint_str(sv, b)));
    hs->first_packet = pi ? pi->packet : 0;
    hs->start_usec = pi ? pi->ts_usec : 0;
    return hs;
}

/* A flow that only started like TLS: its first bytes passed
 * td_tls_looks_like_record (random payload does, now and then) but no
 * message only TLS has was decoded and no whole record of a TLS content
 * type came (a whole SSLv2 record proves little: its header is 2 bytes;
 * its hello counts when td_hs_found_tls takes it). */
static bool only_looked_like_tls(const struct td_tls_session *s,
                                 const struct td_handshake *hs)
{
    if (td_hs_found_tls(hs))
        return false;
    if (!s->sslv2 && s->d[0].records + s->d[1].records > 0)
        return false;
    for (size_t i = 0; i < hs->events.n; i++) {
        switch (hs->events.v[i].kind) {
        case TD_EV_HANDSHAKE: case TD_EV_ENCRYPTED_HS: case TD_EV_ALERT:
        case TD_EV_CCS: case TD_EV_APPDATA:
            return false;
        default:
            break;
        }
    }
    return true;
}

/* Hand the connection's handshake to the caller; `last`: the connection
 * ends (or is evicted), so a flow that only looked like TLS is dropped
 * and counted as another flow. */
static void emit(struct conn *c, bool last)
{
    struct td_handshake *hs = c->hs;
    if (!hs)
        return;
    c->hs = NULL;
    if (last && !c->emitted && only_looked_like_tls(c->tls, hs)) {
        c->fe->st.tls_flows--;
        c->fe->st.other_flows++;
        td_hs_free(hs);
        return;
    }
    c->emitted++;
    hs->last_packet = c->last_packet;
    td_hs_settle_wire(hs);
    c->fe->st.handshakes++;
    c->fe->emit(c->fe->user, hs);
}

/* ---- memory held by open handshakes ---- */

static void list_unlink(struct td_pcapfe *fe, struct conn *c)
{
    if (c->older)
        c->older->newer = c->newer;
    else if (fe->oldest == c)
        fe->oldest = c->newer;
    if (c->newer)
        c->newer->older = c->older;
    else if (fe->newest == c)
        fe->newest = c->older;
    c->older = c->newer = NULL;
}

static void list_append(struct td_pcapfe *fe, struct conn *c)
{
    c->older = fe->newest;
    c->newer = NULL;
    if (fe->newest)
        fe->newest->newer = c;
    else
        fe->oldest = c;
    fe->newest = c;
}

/* What a TLS connection holds now (malloc overhead aside). */
static size_t conn_cost(const struct conn *c)
{
    size_t n = sizeof(*c) + sizeof(*c->tls);
    if (c->hs)
        n += sizeof(*c->hs) + c->hs->arena.held;
    for (int i = 0; i < 2; i++)
        n += c->tls->d[i].rec_cap + c->tls->d[i].hs_cap;
    return n;
}

static void unaccount(struct conn *c)
{
    c->fe->st.held -= c->held;
    c->held = 0;
}

/* The connection's handshake goes out now, as far as it came; the rest of
 * the connection is ignored. */
static void evict(struct conn *c, const struct td_pktinfo *pi)
{
    struct td_pcapfe *fe = c->fe;
    if (fe->st.evicted == 0 && fe->doc)
        td_doc_warn(fe->doc, "%s: packet %llu: the open handshakes hold "
                    "more than %zu MiB; from here on the least recently "
                    "active one is diagnosed before its connection ends, "
                    "and the rest of that connection is not decoded (the "
                    "count is in the summary); to see them whole, read "
                    "fewer connections at once (-f 'host ADDR')",
                    fe->input ? fe->input : fe->doc->input_name,
                    (unsigned long long)(pi ? pi->packet : 0),
                    fe->max_held >> 20);
    td_tls_end(c->tls);
    /* Only TLS connections are on the list, and this one leaves it below
     * when its tls is freed: the analyzer cannot see that through the
     * emit callback.  NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
    c->hs = c->tls->hs;
    if (c->hs)
        td_hs_warn(c->hs, "decoded only up to packet %llu: open "
                   "handshakes held more than %zu MiB at packet %llu; the "
                   "least recently active connection is diagnosed early "
                   "and the rest of it ignored",
                   (unsigned long long)c->last_packet, fe->max_held >> 20,
                   (unsigned long long)(pi ? pi->packet : 0));
    emit(c, true);
    td_tls_free(c->tls);
    free(c->tls);
    c->tls = NULL;
    list_unlink(fe, c);
    unaccount(c);
    c->state = CONN_IGNORED;
    td_flow_ignore(c->flow);
    fe->st.evicted++;
}

/* c was fed: count its bytes again, make it the most recently active and
 * evict from the old end while the open handshakes hold too much. */
static void account(struct conn *c, const struct td_pktinfo *pi)
{
    struct td_pcapfe *fe = c->fe;
    fe->st.held -= c->held;
    c->held = conn_cost(c);
    fe->st.held += c->held;
    if (fe->newest != c) {
        list_unlink(fe, c);
        list_append(fe, c);
    }
    while (fe->st.held > fe->max_held && fe->oldest && fe->oldest != c)
        evict(fe->oldest, pi);
    if (fe->st.held > fe->st.peak_held)
        fe->st.peak_held = fe->st.held;
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
    emit(c, false);
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
    c->fe->st.tls_flows++;
    c->hs = new_hs(c, pi);
    c->tls = c->hs ? malloc(sizeof(*c->tls)) : NULL;
    if (!c->tls) {
        td_hs_free(c->hs);
        c->hs = NULL;
        c->state = CONN_IGNORED;
        td_flow_ignore(c->flow);
        return;
    }
    c->state = CONN_TLS;
    td_tls_init(c->tls, c->hs);
    c->tls->split = split;
    c->tls->user = c;
    if (td_flow_client_known_by(c->flow) != TD_CLIENT_BY_SYN)
        td_tls_midstream(c->tls);
    list_append(c->fe, c);
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
    if (td_tls_feed(c->tls, tdir, p, n, &ev) != 0)
        td_hs_warn_at(c->tls->hs, &ev, "out of memory; this connection is "
                      "decoded up to here");
    c->hs = c->tls->hs;
    account(c, pi);
}

static void fe_gap(void *ctx, struct td_flow *f, int dir, uint64_t missing,
                   const struct td_pktinfo *pi)
{
    struct conn *c = conn_of(ctx, f);
    if (!c || c->state != CONN_TLS)
        return;
    struct td_evidence ev = {.packet = pi ? pi->packet : 0};
    td_tls_gap(c->tls, dir ^ c->swapped, missing, &ev);
    account(c, pi);
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
        td_doc_warn(fe->doc, "%s: packet %llu: %s flow %s -> %s is not "
                    "decoded (tlsdiag reads TLS over TCP); open it in "
                    "Wireshark", fe->input ? fe->input : fe->doc->input_name,
                    (unsigned long long)td_flow_first_packet(f), what,
                    td_endpoint_str(td_flow_client(f), a),
                    td_endpoint_str(td_flow_server(f), b));
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
        td_tls_end(c->tls);
        c->hs = c->tls->hs;
        if (td_flow_evicted(f)) {
            struct td_pcapfe *fe = c->fe;
            if (fe->st.flows_closed_early == 0 && fe->doc)
                td_doc_warn(fe->doc, "%s: packet %llu: more than %u "
                            "connections are open at once; from here on "
                            "the least recently active one is closed early "
                            "and its later packets are not decoded (the "
                            "count is in the summary); to see them whole, "
                            "read fewer connections at once (-f 'host "
                            "ADDR')", fe->input ? fe->input
                                                : fe->doc->input_name,
                            (unsigned long long)(pi ? pi->packet : 0),
                            TD_FLOW_DEF_MAX_FLOWS);
            fe->st.flows_closed_early++;
            if (c->hs)
                td_hs_warn(c->hs, "decoded only up to packet %llu: the "
                           "connection was still open when the flow table "
                           "was full; the least recently active one is "
                           "closed early",
                           (unsigned long long)c->last_packet);
        }
        emit(c, true);
        td_tls_free(c->tls);
        free(c->tls);
        list_unlink(c->fe, c);
        unaccount(c);
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
