/* tcpflow.c - IPv4/IPv6 packets to TCP and UDP flows; in-order TCP bytes.
 *
 * Implementation notes
 * - Parsing: every header goes through the bounded cursor (cursor.h), one
 *   td_cur_bytes() per fixed header, then fields are read from that view.
 *   IPv4 (RFC 791): options skipped; fragments (MF set or a non-zero
 *   offset) are counted in ip_fragments and skipped: there is no IP
 *   reassembly, a fragmented TLS segment is rare enough that its bytes
 *   become a gap.  IPv6 (RFC 8200): hop-by-hop, routing, destination
 *   options, mobility, HIP, shim6 and AH are walked (at most
 *   TD_IP6_MAX_EXT); a fragment header with a non-zero offset is counted
 *   and skipped; a first fragment of TCP is used (its header is there; the
 *   bytes of the later fragments become a hole); a first fragment of UDP
 *   is skipped (a datagram is all or nothing).  IP-in-IP (4, 41) is
 *   followed TD_IP_MAX_DEPTH deep.  A total length of 0 in IPv4 is TSO
 *   (the capturing host's segmentation offload): the captured length is
 *   used, as Wireshark does.  A malformed IP header counts as non_ip, a
 *   transport header that does not fit its IP length as non_tcp_udp, a
 *   packet the capture cut as truncated (once).  TCP and UDP checksums
 *   are not verified (offload makes them wrong in most captures taken on
 *   an end host; tshark does not check them either); bad_checksum counts
 *   IPv4 header checksums that do not add up (the packet is still used).
 * - Flow table: chained hash (buckets double up to the power of two above
 *   max_flows) over the canonical 5-tuple: the two endpoints sorted, so
 *   both directions find one flow.  Hash: fixed-seed multiply-xor over the
 *   40 key bytes.  Flows come from slabs of TD_FLOW_SLAB with a free list:
 *   no malloc per packet, none per flow once the slabs are warm.  An LRU
 *   list (oldest first) gives eviction when max_flows is reached and idle
 *   expiry: each packet closes at most TD_FLOW_EXPIRE_PER_PKT idle flows
 *   from the old end, so time advances lazily at a bounded cost.
 * - A TCP flow is made by a SYN or a segment with payload; a bare
 *   ACK/FIN/RST for no flow is ignored.  A SYN without ACK on a live flow
 *   with another initial sequence number is a new connection: the old
 *   flow closes first.  A SYN-ACK with another ISN restarts the server's
 *   direction while it has sent no data and was not ACKed yet (a retry or
 *   a middlebox answering too, as in sv-tcp-fastopen-10-syn-data.pcap).
 * - Lifecycle: live flows sit in an LRU list.  A RST delivers the rst
 *   callback at once; the flow moves to a "reset" list for
 *   TD_FLOW_RST_GRACE_USEC during which the other side's segments already
 *   in flight are still delivered (tshark shows them too; a server's
 *   answer after the client's RST is evidence), and closes at the end of
 *   the grace, at the other side's FIN or RST, or at the end.  A flow
 *   closed by FINs or RST stays "dead" (no callbacks, no memory beyond the
 *   flow struct) for TD_FLOW_LINGER_USEC so that stragglers (the last
 *   ACK, retransmitted FINs, RSTs answering late data) do not open a
 *   junk flow; at most TD_FLOW_MAX_DEAD of them.  max_flows counts live,
 *   reset and dead flows; a dead one is reused first when the table is
 *   full.
 * - Memory: a flow is 248 bytes (x86-64) plus its bucket pointer; flows
 *   and buckets are bounded by max_flows, out-of-order bytes by
 *   max_buffered per direction and max_total overall (each piece costs a
 *   40-byte header and a malloc besides; at most TD_FLOW_MAX_SEGS pieces
 *   per direction).  Nothing grows with the length of the capture.
 * - Reassembly per direction (RFC 9293 3.4 sequence space): sequence
 *   numbers are unwrapped to 64 bits around `next` (the next byte to
 *   deliver), so wraparound is plain arithmetic.  A segment at `next` is
 *   handed to the data callback straight from the packet (no copy); one
 *   ahead of it is copied into the reorder list (sorted, non-overlapping;
 *   bytes already buffered win: first copy wins; bytes before `next` are
 *   retransmissions and dropped).  A hole is given up (a gap callback with
 *   its size, delivery continues after it) when: the per-direction or the
 *   global buffer cap would be exceeded; the peer has ACKed bytes beyond
 *   it (the receiver got them, the capture missed them) and the sender
 *   has sent another segment since (captures reorder: the missing segment
 *   may follow the ACK that covers it, as in pcpp-tls2.pcap frames
 *   3741/3750); the sender sends new data beyond everything buffered more
 *   than TD_FLOW_HOLE_USEC after the hole opened (a real retransmission
 *   starts at the oldest unacknowledged byte; pcpp-tls2.pcap's server
 *   close_notify alerts 2 to 20 s after a hole the capture lost); a RST
 *   arrives; or the flow closes (idle, evicted, end of input).  A FIN
 *   behind a hole waits like data: a retransmission often follows the
 *   FIN, and the peer's ACK of the FIN gives the hole up at the sender's
 *   last ACK when it does not.
 * - Which packet callbacks name (td_pktinfo): the one that made the bytes
 *   deliverable (in order: the segment itself; after a hole: the
 *   retransmission, the ACK, the segment that hit a cap), as tshark names
 *   the frame that completed a reassembly.  When nothing did (a RST or
 *   the flow's close gives the holes up), each buffered piece and the gap
 *   before it name the packet that carried the piece.
 * - Segments whose payload the capture cut (snaplen) carry `have` < `len`
 *   bytes: the missing tail is a gap, never invented bytes.  Only what the
 *   capture cut (wire length minus captured length, when the caller knows
 *   it: td_flowtab_frame) counts as cut; an IP length beyond that is a
 *   length field the link layer contradicts (zeek-pppoe-over-qinq.pcap
 *   has IPv4 lengths 6 bytes over PPPoE's) and is trimmed, as tshark
 *   does.
 * - Limits: a zero field of td_flow_limits keeps its default.
 * - Callbacks may call td_flow_ignore/td_flow_swap_roles/td_flow_set_user
 *   on their flow; delivery loops detach a segment before calling out and
 *   stop when the flow became ignored.  They must not call td_flowtab_*.
 */
#include "tlsdiag/pcapin.h"

#include "cursor.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_FLOW_DEF_MAX_BUF (256u * 1024u)
#define TD_FLOW_DEF_MAX_TOTAL (64u * 1024u * 1024u)
#define TD_FLOW_DEF_IDLE (300ull * 1000000ull)
/* Reorder pieces per direction: bounds the sorted-list walk. */
#define TD_FLOW_MAX_SEGS 2048u
/* A segment this far ahead of `next` is not of this connection. */
#define TD_FLOW_WINDOW (1ull << 30)
#define TD_FLOW_EXPIRE_PER_PKT 8
/* A flow closed by FINs or a RST lingers this long (at most idle_usec),
 * like a short TCP TIME-WAIT (RFC 9293 3.6.1), so the segments still in
 * flight do not open a new flow; at most TD_FLOW_MAX_DEAD such flows
 * (the oldest go first): a busy capture closes thousands a second. */
#define TD_FLOW_LINGER_USEC (10ull * 1000000ull)
#define TD_FLOW_MAX_DEAD 16384u
/* After a RST the other side's segments already in flight are still
 * delivered for this long (at most idle_usec), or until it closes too. */
#define TD_FLOW_RST_GRACE_USEC (1000000ull)
/* New data beyond everything buffered, this long after the first hole
 * opened: the sender moved on; the hole was lost by the capture. */
#define TD_FLOW_HOLE_USEC (1000000ull)
#define TD_FLOW_SLAB 64
#define TD_FLOW_MIN_BUCKETS 64u
#define TD_IP_MAX_DEPTH 3
#define TD_IP6_MAX_EXT 8

/* TCP flags (RFC 9293 3.1). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* One out-of-order piece of a direction; the bytes follow. */
struct td_seg {
    struct td_seg *next;
    uint64_t seq;  /* unwrapped sequence number of the first byte */
    uint32_t len;  /* sequence space covered */
    uint32_t have; /* bytes present: data[0..have); the rest was cut */
    struct td_pktinfo pi; /* the packet that carried it */
    uint8_t data[];
};

/* td_flowdir.flags */
enum {
    D_SEQ = 1,      /* next is known */
    D_SYN = 2,      /* the SYN was seen (isn valid) */
    D_FIN = 4,      /* a FIN was seen at `fin` */
    D_FIN_DONE = 8, /* ... and delivered */
    D_ACK = 16,     /* the peer's ACK (acked) is known */
    D_RST = 32,     /* this direction sent a RST */
    D_DATA = 64,    /* payload was seen */
};

struct td_flowdir {
    uint64_t next;  /* unwrapped sequence number of the next byte */
    uint64_t end;   /* highest sequence number + 1 seen */
    uint64_t acked; /* highest ACK from the peer */
    uint64_t fin;   /* sequence number of the FIN */
    uint64_t wait;  /* capture time + 1 the first hole opened; 0: none */
    struct td_seg *head, *tail;
    uint32_t buffered; /* bytes in the reorder list */
    uint32_t isn;
    uint16_t nsegs;
    uint8_t flags;
};

/* td_flow.flags */
enum {
    F_IGNORED = 1,
    F_UDP = 2,
    F_DEAD = 4,  /* closed by FIN/RST, kept a while to absorb stragglers */
    F_RESET = 8, /* one side sent a RST; the other may still deliver */
    F_EVICTED = 16, /* being closed because the table is full */
};

struct td_flow {
    struct td_flow *hnext;         /* hash chain, or free list */
    struct td_flow *older, *newer; /* LRU list */
    void *user;
    uint64_t first_packet, last_packet, last_ts;
    uint32_t hash;
    uint8_t client; /* side (index in ep[]) of the client */
    uint8_t known_by;
    uint8_t flags;
    /* Key: endpoints in canonical order (ep[0] <= ep[1]), zero-padded so
     * the 40 bytes compare and hash as bytes; the protocol is in flags. */
    struct td_endpoint ep[2];
    struct td_flowdir d[2];
};

struct td_flist {
    struct td_flow *oldest, *newest;
};

struct td_slab {
    struct td_slab *next;
    struct td_flow f[TD_FLOW_SLAB];
};

struct td_flowtab {
    struct td_flow_cb cb;
    void *ctx;
    struct td_flow_limits lim;
    struct td_flow **bucket;
    size_t nbucket, max_bucket;
    /* Oldest first: live by last packet, reset by RST time, dead by
     * close time. */
    struct td_flist live, reset, dead;
    struct td_flow *free_list;
    struct td_slab *slabs;
    size_t nflows, ndead;
    uint64_t linger, grace;
    uint64_t total; /* bytes in all reorder lists */
    uint64_t now;   /* latest capture time seen */
    struct td_pktinfo last;
    struct td_flow_stats st;
};

/* One parsed TCP/UDP packet. */
struct td_pkt {
    uint8_t family, proto, flags;
    const uint8_t *src, *dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    const uint8_t *payload;
    size_t have, len; /* captured payload bytes; payload length */
};

/* ---- endpoints and accessors ---- */

const char *td_endpoint_str(const struct td_endpoint *e, char *buf)
{
    char a[INET6_ADDRSTRLEN];
    if (e->family == 6) {
        inet_ntop(AF_INET6, e->addr, a, sizeof(a));
        snprintf(buf, TD_ENDPOINT_STRLEN, "[%s]:%u", a, (unsigned)e->port);
    } else {
        inet_ntop(AF_INET, e->addr, a, sizeof(a));
        snprintf(buf, TD_ENDPOINT_STRLEN, "%s:%u", a, (unsigned)e->port);
    }
    return buf;
}

const struct td_endpoint *td_flow_client(const struct td_flow *f)
{
    return &f->ep[f->client];
}

const struct td_endpoint *td_flow_server(const struct td_flow *f)
{
    return &f->ep[f->client ^ 1];
}

bool td_flow_is_udp(const struct td_flow *f)
{
    return (f->flags & F_UDP) != 0;
}

enum td_client_known_by td_flow_client_known_by(const struct td_flow *f)
{
    return (enum td_client_known_by)f->known_by;
}

uint64_t td_flow_first_packet(const struct td_flow *f)
{
    return f->first_packet;
}

uint64_t td_flow_last_packet(const struct td_flow *f)
{
    return f->last_packet;
}

void *td_flow_user(const struct td_flow *f)
{
    return f->user;
}

void td_flow_set_user(struct td_flow *f, void *user)
{
    f->user = user;
}

void td_flow_swap_roles(struct td_flow *f)
{
    f->client ^= 1;
}

/* Drop a direction's reorder list. */
static void dir_free(struct td_flowtab *t, struct td_flowdir *d)
{
    struct td_seg *s = d->head;
    while (s) {
        struct td_seg *n = s->next;
        free(s);
        s = n;
    }
    t->total -= d->buffered;
    d->head = d->tail = NULL;
    d->buffered = 0;
    d->nsegs = 0;
}

bool td_flow_evicted(const struct td_flow *f)
{
    return (f->flags & F_EVICTED) != 0;
}

void td_flow_ignore(struct td_flow *f)
{
    /* The lists are freed by the flow code once the callback that called
     * this returned (a delivery loop may hold a segment). */
    f->flags |= F_IGNORED;
}

/* ---- callbacks ---- */

static int dir_of(const struct td_flow *f, int side)
{
    return side ^ f->client;
}

static void emit_data(struct td_flowtab *t, struct td_flow *f, int side,
                      const uint8_t *p, size_t n, const struct td_pktinfo *pi)
{
    if (n && t->cb.data && !(f->flags & F_IGNORED))
        t->cb.data(t->ctx, f, dir_of(f, side), p, n, pi);
}

static void emit_gap(struct td_flowtab *t, struct td_flow *f, int side,
                     uint64_t n, const struct td_pktinfo *pi)
{
    if (n == 0 || (f->flags & F_IGNORED))
        return;
    t->st.gaps++;
    t->st.gap_bytes += n;
    if (t->cb.gap)
        t->cb.gap(t->ctx, f, dir_of(f, side), n, pi);
}

/* ---- reassembly ---- */

/* The unwrapped sequence number nearest to d->next with these low bits. */
static uint64_t unwrap(const struct td_flowdir *d, uint32_t seq)
{
    int32_t delta = (int32_t)(seq - (uint32_t)d->next);
    return d->next + (uint64_t)(int64_t)delta;
}

/* Start a direction's sequence space at seq (epoch 1, so values a little
 * below the start stay positive). */
static void dir_start(struct td_flowdir *d, uint32_t seq)
{
    d->next = (1ull << 32) | seq;
    d->end = d->next;
    d->flags |= D_SEQ;
}

/* Deliver `len` sequence bytes at d->next of which the first `have` are
 * at p; the rest is a gap. */
static void deliver(struct td_flowtab *t, struct td_flow *f, int side,
                    const uint8_t *p, uint64_t have, uint64_t len,
                    const struct td_pktinfo *pi)
{
    f->d[side].next += len;
    f->d[side].wait = 0; /* progress: a remaining hole starts afresh */
    emit_data(t, f, side, p, (size_t)have, pi);
    if (have < len)
        emit_gap(t, f, side, len - have, pi);
}

/* Deliver the reorder list's pieces that start at or before next, as
 * of packet pi, or (own) as of the packets that carried them. */
static void drain_as(struct td_flowtab *t, struct td_flow *f, int side,
                     const struct td_pktinfo *pi, bool own)
{
    struct td_flowdir *d = &f->d[side];
    struct td_seg *s;
    while ((s = d->head) && s->seq <= d->next && !(f->flags & F_IGNORED)) {
        d->head = s->next;
        if (!d->head)
            d->tail = NULL;
        d->nsegs--;
        d->buffered -= s->have;
        t->total -= s->have;
        uint64_t end = s->seq + s->len;
        if (end > d->next) {
            uint64_t skip = d->next - s->seq;
            uint64_t have = s->have > skip ? s->have - skip : 0;
            deliver(t, f, side, have ? s->data + skip : NULL, have,
                    end - d->next, own ? &s->pi : pi);
        }
        free(s);
    }
}

static void drain(struct td_flowtab *t, struct td_flow *f, int side,
                  const struct td_pktinfo *pi)
{
    drain_as(t, f, side, pi, false);
}

static void check_fin(struct td_flowtab *t, struct td_flow *f, int side,
                      const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side];
    if ((d->flags & (D_FIN | D_FIN_DONE)) != D_FIN || d->next < d->fin)
        return;
    d->flags |= D_FIN_DONE;
    d->next = d->fin + 1; /* the FIN takes one sequence number */
    if (t->cb.fin && !(f->flags & F_IGNORED))
        t->cb.fin(t->ctx, f, dir_of(f, side), pi);
}

/* Give up every hole before `limit`: gaps for what is not buffered,
 * buffered pieces delivered, then the FIN if it is reached.  As of
 * packet pi, which made them deliverable; or (own: the flow closes,
 * nothing did) each piece and the hole before it as of the packet that
 * carried the piece. */
static void advance_as(struct td_flowtab *t, struct td_flow *f, int side,
                       uint64_t limit, const struct td_pktinfo *pi, bool own)
{
    struct td_flowdir *d = &f->d[side];
    while (d->next < limit && !(f->flags & F_IGNORED)) {
        uint64_t to = limit;
        const struct td_pktinfo *at = pi;
        if (d->head && d->head->seq < to) {
            to = d->head->seq;
            if (own)
                at = &d->head->pi;
        }
        if (to > d->next) {
            uint64_t n = to - d->next;
            d->next = to;
            emit_gap(t, f, side, n, at);
        }
        drain_as(t, f, side, pi, own);
    }
    check_fin(t, f, side, pi);
}

static void advance_to(struct td_flowtab *t, struct td_flow *f, int side,
                       uint64_t limit, const struct td_pktinfo *pi)
{
    advance_as(t, f, side, limit, pi, false);
}

/* Where this direction's bytes end as far as we know: its FIN, else the
 * highest sequence number seen (a bare ACK's or RST's too: the sender had
 * sent everything before it). */
static uint64_t dir_top(const struct td_flowdir *d)
{
    return (d->flags & D_FIN) ? d->fin : d->end;
}

/* The peer ACKed bytes we hold a hole before, and this direction has sent
 * a segment since: the capture missed them, they will not come; give the
 * hole up now. */
static void ack_advance(struct td_flowtab *t, struct td_flow *f, int side,
                        const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side];
    if (!(d->flags & D_ACK) || d->acked <= d->next)
        return;
    if (!d->head && (d->flags & (D_FIN | D_FIN_DONE)) != D_FIN)
        return;
    uint64_t lim = dir_top(d);
    if (d->acked < lim)
        lim = d->acked;
    if (lim > d->next)
        advance_to(t, f, side, lim, pi);
}

/* Deliver a segment that starts at next: the packet's bytes go straight to
 * the callback, except where the reorder list already holds them (the
 * first copy wins). */
static void in_order(struct td_flowtab *t, struct td_flow *f, int side,
                     const uint8_t *p, uint64_t have, uint64_t len,
                     const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side];
    uint64_t s = d->next, e = s + len;
    while (d->next < e && !(f->flags & F_IGNORED)) {
        uint64_t cur = d->next;
        if (d->head && d->head->seq <= cur) {
            drain(t, f, side, pi);
            uint64_t dup = (d->next < e ? d->next : e) - cur;
            t->st.retransmitted_bytes += dup;
            continue;
        }
        uint64_t lim = e;
        if (d->head && d->head->seq < lim)
            lim = d->head->seq;
        uint64_t off = cur - s;
        uint64_t ph = have > off ? have - off : 0;
        if (ph > lim - cur)
            ph = lim - cur;
        deliver(t, f, side, ph ? p + off : NULL, ph, lim - cur, pi);
    }
    drain(t, f, side, pi);
}

/* Copy the parts of [s, s+len) not already buffered into the reorder
 * list.  Allocation failure drops the piece: it becomes a hole. */
static void insert(struct td_flowtab *t, struct td_flowdir *d, uint64_t s,
                   const uint8_t *p, uint64_t have, uint64_t len,
                   const struct td_pktinfo *pi)
{
    uint64_t e = s + len, cur = s;
    struct td_seg **link = &d->head;
    /* Most out-of-order segments follow the last buffered one. */
    if (d->tail && s >= d->tail->seq + d->tail->len)
        link = &d->tail->next;
    while (cur < e) {
        struct td_seg *x = *link;
        if (x && x->seq + x->len <= cur) {
            link = &x->next;
            continue;
        }
        if (x && x->seq <= cur) {
            uint64_t xe = x->seq + x->len;
            uint64_t stop = xe < e ? xe : e;
            t->st.retransmitted_bytes += stop - cur;
            cur = stop;
            link = &x->next;
            continue;
        }
        uint64_t pe = (x && x->seq < e) ? x->seq : e;
        uint64_t off = cur - s;
        uint64_t ph = have > off ? have - off : 0;
        if (ph > pe - cur)
            ph = pe - cur;
        struct td_seg *n = malloc(sizeof(*n) + (size_t)ph);
        if (!n)
            return;
        n->seq = cur;
        n->len = (uint32_t)(pe - cur);
        n->have = (uint32_t)ph;
        n->pi = *pi;
        if (ph)
            memcpy(n->data, p + off, (size_t)ph);
        n->next = x;
        *link = n;
        if (!x)
            d->tail = n;
        link = &n->next;
        d->nsegs++;
        d->buffered += (uint32_t)ph;
        t->total += ph;
        if (t->total > t->st.peak_buffered)
            t->st.peak_buffered = t->total;
        cur = pe;
    }
}

static bool fits(const struct td_flowtab *t, const struct td_flowdir *d,
                 uint64_t have)
{
    return d->buffered + have <= t->lim.max_buffered
           && t->total + have <= t->lim.max_total
           && d->nsegs < TD_FLOW_MAX_SEGS;
}

/* Payload [s, s+len) of a direction (first `have` bytes at p). */
static void tcp_data(struct td_flowtab *t, struct td_flow *f, int side,
                     uint64_t s, const uint8_t *p, uint64_t have,
                     uint64_t len, const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side];
    for (;;) {
        if (f->flags & F_IGNORED)
            return;
        uint64_t e = s + len;
        if (e <= d->next) {
            t->st.retransmitted_bytes += len;
            return;
        }
        if (s < d->next) {
            uint64_t cut = d->next - s;
            t->st.retransmitted_bytes += cut;
            if (have > cut) {
                p += cut;
                have -= cut;
            } else {
                have = 0;
            }
            len -= cut;
            s = d->next;
        }
        if (s == d->next) {
            in_order(t, f, side, p, have, len, pi);
            return;
        }
        if (fits(t, d, have)) {
            insert(t, d, s, p, have, len, pi);
            return;
        }
        /* A cap: give up the first hole (before the new segment or the
         * first buffered piece), deliver what follows, try again. */
        uint64_t first = (d->head && d->head->seq < s) ? d->head->seq : s;
        uint64_t n = first - d->next;
        d->next = first;
        emit_gap(t, f, side, n, pi);
        drain(t, f, side, pi);
    }
}

/* ---- flow table ---- */

static uint32_t key_hash(const struct td_endpoint ep[2], uint8_t proto)
{
    uint64_t w[5];
    memcpy(w, ep, sizeof(w));
    uint64_t h = 0x9e3779b97f4a7c15ull ^ proto;
    for (int i = 0; i < 5; i++) {
        h ^= w[i];
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    h *= 0x94d049bb133111ebull;
    return (uint32_t)(h ^ (h >> 32));
}

static uint8_t flow_proto(const struct td_flow *f)
{
    return (f->flags & F_UDP) ? 17 : 6;
}

static void lru_unlink(struct td_flist *l, struct td_flow *f)
{
    if (f->older)
        f->older->newer = f->newer;
    else
        l->oldest = f->newer;
    if (f->newer)
        f->newer->older = f->older;
    else
        l->newest = f->older;
    f->older = f->newer = NULL;
}

static void lru_append(struct td_flist *l, struct td_flow *f)
{
    f->older = l->newest;
    f->newer = NULL;
    if (l->newest)
        l->newest->newer = f;
    else
        l->oldest = f;
    l->newest = f;
}

static void hash_unlink(struct td_flowtab *t, struct td_flow *f)
{
    struct td_flow **pp = &t->bucket[f->hash & (t->nbucket - 1)];
    while (*pp && *pp != f)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = f->hnext;
    f->hnext = NULL;
}

/* Everything still buffered or pending in a direction: gaps for the
 * holes, the pieces, the FIN. */
static void dir_flush(struct td_flowtab *t, struct td_flow *f, int side,
                      const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side];
    if (!(d->flags & D_SEQ) || (f->flags & F_IGNORED))
        return;
    advance_as(t, f, side, dir_top(d), pi, true);
}

static struct td_flist *flow_list(struct td_flowtab *t,
                                   const struct td_flow *f)
{
    if (f->flags & F_DEAD)
        return &t->dead;
    return (f->flags & F_RESET) ? &t->reset : &t->live;
}

/* Back to the free list, silently (a dead flow, or after flow_close). */
static void flow_release(struct td_flowtab *t, struct td_flow *f)
{
    hash_unlink(t, f);
    lru_unlink(flow_list(t, f), f);
    if (f->flags & F_DEAD)
        t->ndead--;
    else
        t->nflows--;
    memset(f, 0, sizeof(*f));
    f->hnext = t->free_list;
    t->free_list = f;
}

/* Close a flow: flush both directions (client first), close callback.
 * `linger`: the connection ended (FINs, RST): the flow stays in the table
 * as dead for a while, else it is released. */
static void flow_close(struct td_flowtab *t, struct td_flow *f,
                       const struct td_pktinfo *pi, bool linger)
{
    dir_flush(t, f, f->client, pi);
    dir_flush(t, f, f->client ^ 1, pi);
    if (t->cb.close)
        t->cb.close(t->ctx, f, pi);
    dir_free(t, &f->d[0]);
    dir_free(t, &f->d[1]);
    if (!linger) {
        flow_release(t, f);
        return;
    }
    lru_unlink(flow_list(t, f), f);
    t->nflows--;
    f->flags |= F_DEAD | F_IGNORED;
    f->user = NULL;
    f->last_ts = t->now;
    lru_append(&t->dead, f);
    t->ndead++;
    if (t->ndead > TD_FLOW_MAX_DEAD)
        flow_release(t, t->dead.oldest);
}

static struct td_flow *flow_alloc(struct td_flowtab *t)
{
    if (!t->free_list) {
        struct td_slab *sl = calloc(1, sizeof(*sl));
        if (!sl)
            return NULL;
        sl->next = t->slabs;
        t->slabs = sl;
        for (int i = TD_FLOW_SLAB - 1; i >= 0; i--) {
            sl->f[i].hnext = t->free_list;
            t->free_list = &sl->f[i];
        }
    }
    struct td_flow *f = t->free_list;
    t->free_list = f->hnext;
    f->hnext = NULL;
    return f;
}

/* Double the buckets while flows outnumber them (load factor <= 1). */
static void maybe_grow(struct td_flowtab *t)
{
    if (t->nflows + t->ndead < t->nbucket || t->nbucket >= t->max_bucket)
        return;
    size_t nb = t->nbucket * 2;
    /* An array of pointers.  NOLINTNEXTLINE(bugprone-sizeof-expression) */
    struct td_flow **b = calloc(nb, sizeof(*b));
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < t->nbucket; i++) {
        struct td_flow *f = t->bucket[i];
        while (f) {
            struct td_flow *n = f->hnext;
            f->hnext = b[f->hash & (nb - 1)];
            b[f->hash & (nb - 1)] = f;
            f = n;
        }
    }
    free(t->bucket);
    t->bucket = b;
    t->nbucket = nb;
}

struct td_flowtab *td_flowtab_new(const struct td_flow_cb *cb, void *ctx,
                                  const struct td_flow_limits *limits)
{
    struct td_flowtab *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    if (cb)
        t->cb = *cb;
    t->ctx = ctx;
    t->lim.max_flows = TD_FLOW_DEF_MAX_FLOWS;
    t->lim.max_buffered = TD_FLOW_DEF_MAX_BUF;
    t->lim.max_total = TD_FLOW_DEF_MAX_TOTAL;
    t->lim.idle_usec = TD_FLOW_DEF_IDLE;
    if (limits) {
        /* A zero field keeps its default. */
        if (limits->max_flows)
            t->lim.max_flows = limits->max_flows;
        if (limits->max_buffered)
            t->lim.max_buffered = limits->max_buffered;
        if (limits->max_total)
            t->lim.max_total = limits->max_total;
        if (limits->idle_usec)
            t->lim.idle_usec = limits->idle_usec;
    }
    t->linger = TD_FLOW_LINGER_USEC < t->lim.idle_usec ? TD_FLOW_LINGER_USEC
                                                        : t->lim.idle_usec;
    t->grace = TD_FLOW_RST_GRACE_USEC < t->lim.idle_usec
                   ? TD_FLOW_RST_GRACE_USEC
                   : t->lim.idle_usec;
    if (t->lim.max_buffered > UINT32_MAX / 2)
        t->lim.max_buffered = UINT32_MAX / 2;
    t->max_bucket = TD_FLOW_MIN_BUCKETS;
    while (t->max_bucket < t->lim.max_flows && t->max_bucket < (1u << 30))
        t->max_bucket *= 2;
    t->nbucket = TD_FLOW_MIN_BUCKETS;
    /* An array of pointers.  NOLINTNEXTLINE(bugprone-sizeof-expression) */
    t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
    if (!t->bucket) {
        free(t);
        return NULL;
    }
    return t;
}

void td_flowtab_free(struct td_flowtab *t)
{
    if (!t)
        return;
    for (int i = 0; i < 2; i++) {
        struct td_flow *f = i ? t->reset.oldest : t->live.oldest;
        for (; f; f = f->newer) {
            dir_free(t, &f->d[0]);
            dir_free(t, &f->d[1]);
        }
    }
    struct td_slab *sl = t->slabs;
    while (sl) {
        struct td_slab *n = sl->next;
        free(sl);
        sl = n;
    }
    free(t->bucket);
    free(t);
}

void td_flowtab_stats(const struct td_flowtab *t, struct td_flow_stats *st)
{
    *st = t->st;
}

void td_flowtab_end(struct td_flowtab *t, const struct td_pktinfo *pi)
{
    if (!pi)
        pi = &t->last;
    struct td_pktinfo end = *pi;
    while (t->live.oldest)
        flow_close(t, t->live.oldest, &end, false);
    while (t->reset.oldest)
        flow_close(t, t->reset.oldest, &end, false);
    while (t->dead.oldest)
        flow_release(t, t->dead.oldest);
}

/* Time moves forward only (merged captures can step back a little);
 * idle flows are closed from the old end, a few per packet. */
static void advance_time(struct td_flowtab *t, const struct td_pktinfo *pi)
{
    t->last = *pi;
    if (pi->ts_usec > t->now)
        t->now = pi->ts_usec;
    for (int i = 0; i < TD_FLOW_EXPIRE_PER_PKT; i++) {
        struct td_flow *f = t->live.oldest;
        if (!f || t->now - f->last_ts <= t->lim.idle_usec)
            break;
        flow_close(t, f, pi, false);
    }
    for (int i = 0; i < TD_FLOW_EXPIRE_PER_PKT; i++) {
        struct td_flow *f = t->reset.oldest;
        if (!f || t->now - f->last_ts <= t->grace)
            break;
        flow_close(t, f, pi, true);
    }
    for (int i = 0; i < TD_FLOW_EXPIRE_PER_PKT; i++) {
        struct td_flow *f = t->dead.oldest;
        if (!f || t->now - f->last_ts <= t->linger)
            break;
        flow_release(t, f);
    }
}

static struct td_flow *flow_find(struct td_flowtab *t,
                                 const struct td_endpoint ep[2], uint8_t proto,
                                 uint32_t h)
{
    struct td_flow *f = t->bucket[h & (t->nbucket - 1)];
    for (; f; f = f->hnext) {
        /* Keys are zeroed before they are filled (flow_packet), padding
         * included, so their bytes compare.
         * NOLINTNEXTLINE(*-suspicious-memory-comparison,cert-*) */
        if (f->hash == h && memcmp(f->ep, ep, sizeof(f->ep)) == 0
            && flow_proto(f) == proto)
            return f;
    }
    return NULL;
}

static struct td_flow *flow_new(struct td_flowtab *t,
                                const struct td_endpoint ep[2], uint8_t proto,
                                uint32_t h, int client,
                                enum td_client_known_by by,
                                const struct td_pktinfo *pi)
{
    /* Full: a dead flow goes first, else the least recently used. */
    if (t->nflows + t->ndead >= t->lim.max_flows) {
        if (t->dead.oldest) {
            flow_release(t, t->dead.oldest);
        } else if (t->reset.oldest) {
            flow_close(t, t->reset.oldest, pi, false);
        } else if (t->live.oldest) {
            t->st.evicted++;
            t->live.oldest->flags |= F_EVICTED;
            flow_close(t, t->live.oldest, pi, false);
        }
    }
    struct td_flow *f = flow_alloc(t);
    if (!f)
        return NULL;
    memcpy(f->ep, ep, sizeof(f->ep));
    f->hash = h;
    f->client = (uint8_t)client;
    f->known_by = (uint8_t)by;
    f->flags = proto == 17 ? F_UDP : 0;
    f->first_packet = f->last_packet = pi->packet;
    f->last_ts = t->now;
    struct td_flow **b = &t->bucket[h & (t->nbucket - 1)];
    f->hnext = *b;
    *b = f;
    lru_append(&t->live, f);
    t->nflows++;
    t->st.flows++;
    if (t->nflows > t->st.peak_flows)
        t->st.peak_flows = t->nflows;
    maybe_grow(t);
    if (t->cb.open)
        t->cb.open(t->ctx, f, pi);
    return f;
}

static void flow_touch(struct td_flowtab *t, struct td_flow *f,
                       const struct td_pktinfo *pi)
{
    f->last_packet = pi->packet;
    if (f->flags & F_RESET)
        return; /* the reset list stays in RST order */
    f->last_ts = t->now;
    if (t->live.newest != f) {
        lru_unlink(&t->live, f);
        lru_append(&t->live, f);
    }
}

/* ---- TCP and UDP ---- */

static bool dir_done(const struct td_flowdir *d)
{
    return (d->flags & (D_FIN_DONE | D_RST)) != 0;
}

static void tcp_segment(struct td_flowtab *t, struct td_flow *f, int side,
                        const struct td_pkt *k, const struct td_pktinfo *pi)
{
    struct td_flowdir *d = &f->d[side], *o = &f->d[side ^ 1];
    if (d->flags & D_RST)
        return; /* the side that reset has nothing more to say */
    uint32_t seq = k->seq;
    if (k->flags & TCP_SYN) {
        /* A SYN-ACK with another ISN (a second answer, from a middlebox
         * or a retry) restarts the direction while no data was seen and
         * the peer has not yet ACKed the current one. */
        bool confirmed = (d->flags & D_ACK) && d->acked == d->next;
        bool rebase = (d->flags & D_SYN) && d->isn != seq
                      && !(d->flags & D_DATA) && !confirmed;
        if (!(d->flags & D_SEQ) || rebase) {
            d->flags = D_SYN;
            d->isn = seq;
            dir_start(d, seq + 1);
        }
        seq++; /* the SYN takes one sequence number; data follows */
    }
    if (!(d->flags & D_SEQ))
        dir_start(d, seq); /* mid-stream: the first segment seen */
    if ((k->flags & TCP_ACK) && (o->flags & D_SEQ)) {
        uint64_t a = unwrap(o, k->ack);
        if (!(o->flags & D_ACK) || a > o->acked) {
            o->acked = a;
            o->flags |= D_ACK;
        }
    }
    uint64_t s = unwrap(d, seq);
    uint64_t e = s + k->len;
    bool in_window = s + TD_FLOW_WINDOW >= d->next
                     && s <= d->next + TD_FLOW_WINDOW;
    if (in_window) {
        /* New data past everything seen, long after the first hole
         * opened: a retransmission would have come first (from the
         * oldest unacknowledged byte); the capture lost the hole. */
        if (k->len && d->head && d->wait && s >= d->end
            && t->now + 1 - d->wait > TD_FLOW_HOLE_USEC
            && !(f->flags & F_IGNORED))
            advance_to(t, f, side, s, pi);
        if (e > d->end)
            d->end = e;
        if (k->len) {
            d->flags |= D_DATA;
            if (!(f->flags & F_IGNORED))
                tcp_data(t, f, side, s, k->payload, k->have, k->len, pi);
        }
        if ((k->flags & TCP_FIN) && !(d->flags & D_FIN) && e >= d->next) {
            d->flags |= D_FIN;
            d->fin = e;
        }
    }
    if (k->flags & TCP_RST) {
        dir_flush(t, f, side, pi);
        if (t->cb.rst && !(f->flags & F_IGNORED))
            t->cb.rst(t->ctx, f, dir_of(f, side), pi);
        d->flags |= D_RST;
        if (!dir_done(o) && !(f->flags & (F_RESET | F_IGNORED))) {
            /* The other side's segments in flight still count, for a
             * grace period or until it closes too. */
            lru_unlink(&t->live, f);
            f->flags |= F_RESET;
            f->last_ts = t->now;
            lru_append(&t->reset, f);
            return;
        }
        flow_close(t, f, pi, true);
        return;
    }
    if (!(f->flags & F_IGNORED)) {
        /* Holes the peer ACKed are given up at the sender's next segment,
         * not at the ACK: captures reorder too, and the segment may come
         * right after the ACK that covers it. */
        ack_advance(t, f, side, pi);
        check_fin(t, f, side, pi);
        if (!d->head)
            d->wait = 0;
        else if (!d->wait)
            d->wait = t->now + 1;
    } else {
        /* Nothing is delivered: a FIN counts as soon as it is seen. */
        if (d->flags & D_FIN)
            d->flags |= D_FIN_DONE;
        dir_free(t, &f->d[0]);
        dir_free(t, &f->d[1]);
    }
    if (dir_done(&f->d[0]) && dir_done(&f->d[1]))
        flow_close(t, f, pi, true);
}

/* Look the packet's flow up (or make it) and hand the segment or the
 * datagram to it. */
static void flow_packet(struct td_flowtab *t, const struct td_pkt *k,
                        const struct td_pktinfo *pi)
{
    struct td_endpoint ep[2];
    memset(ep, 0, sizeof(ep));
    size_t alen = k->family == 6 ? 16 : 4;
    int c = memcmp(k->src, k->dst, alen);
    int sside = (c < 0 || (c == 0 && k->sport <= k->dport)) ? 0 : 1;
    ep[sside].family = ep[sside ^ 1].family = k->family;
    memcpy(ep[sside].addr, k->src, alen);
    ep[sside].port = k->sport;
    memcpy(ep[sside ^ 1].addr, k->dst, alen);
    ep[sside ^ 1].port = k->dport;
    uint32_t h = key_hash(ep, k->proto);

    struct td_flow *f = flow_find(t, ep, k->proto, h);
    bool syn = k->proto == 6 && (k->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
    if (f && (f->flags & F_DEAD)) {
        /* A straggler of a finished connection is absorbed; a new SYN
         * starts a new one. */
        if (!syn)
            return;
        flow_release(t, f);
        f = NULL;
    }
    if (f) {
        struct td_flowdir *d = &f->d[sside];
        bool expired = t->now - f->last_ts > t->lim.idle_usec;
        /* A new SYN (not a retransmission) on a live flow: the port pair
         * was reused for a new connection. */
        bool reused = syn && (d->flags & D_SEQ)
                      && (!(d->flags & D_SYN) || d->isn != k->seq);
        if (expired || reused) {
            flow_close(t, f, pi, false);
            f = NULL;
        }
    }
    if (!f) {
        if (k->proto == 6 && !(k->flags & TCP_SYN) && k->len == 0)
            return;
        int client;
        enum td_client_known_by by = TD_CLIENT_BY_SYN;
        if (syn)
            client = sside;
        else if (k->proto == 6 && (k->flags & TCP_SYN))
            client = sside ^ 1; /* SYN-ACK: its receiver is the client */
        else {
            by = TD_CLIENT_BY_PORT;
            if (k->sport != k->dport)
                client = k->sport > k->dport ? sside : sside ^ 1;
            else
                client = sside;
        }
        f = flow_new(t, ep, k->proto, h, client, by, pi);
        if (!f)
            return;
    } else {
        flow_touch(t, f, pi);
    }
    if (k->proto == 6) {
        tcp_segment(t, f, sside, k, pi);
        return;
    }
    if (f->flags & F_IGNORED)
        return;
    if (t->cb.datagram)
        t->cb.datagram(t->ctx, f, dir_of(f, sside), k->payload, k->len, pi);
}

/* A header above IP did not fit in its packet: when the capture cut the
 * packet, ip_body counted it already; else the lengths contradict each
 * other. */
static void short_header(struct td_flowtab *t, bool cut)
{
    if (!cut)
        t->st.non_tcp_udp++;
}

/* TCP header (RFC 9293 3.1):
 *   src port(2) dst port(2) seq(4) ack(4) off/flags(2) window(2)
 *   checksum(2) urgent(2) options[(off - 5) * 4]
 * `len` is the payload length the IP header announced, `c` holds what
 * the capture kept. */
static void parse_tcp(struct td_flowtab *t, struct td_cur *c, size_t len,
                      struct td_pkt *k, const struct td_pktinfo *pi)
{
    const uint8_t *h;
    bool cut = td_cur_left(c) < len;
    size_t off = 0;
    if (td_cur_bytes(c, 20, &h))
        off = (size_t)(h[12] >> 4) * 4;
    if (off < 20 || off > len || !td_cur_skip(c, off - 20)) {
        short_header(t, cut);
        return;
    }
    k->sport = (uint16_t)(h[0] << 8 | h[1]);
    k->dport = (uint16_t)(h[2] << 8 | h[3]);
    k->seq = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16
             | (uint32_t)h[6] << 8 | h[7];
    k->ack = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16
             | (uint32_t)h[10] << 8 | h[11];
    k->flags = h[13];
    k->len = len - off;
    k->have = td_cur_left(c) < k->len ? td_cur_left(c) : k->len;
    k->payload = NULL;
    if (k->have)
        td_cur_bytes(c, k->have, &k->payload);
    flow_packet(t, k, pi);
}

/* UDP header (RFC 768): src port(2) dst port(2) length(2) checksum(2). */
static void parse_udp(struct td_flowtab *t, struct td_cur *c, size_t len,
                      struct td_pkt *k, const struct td_pktinfo *pi)
{
    const uint8_t *h;
    if (len < 8 || !td_cur_bytes(c, 8, &h)) {
        short_header(t, td_cur_left(c) < len);
        return;
    }
    k->sport = (uint16_t)(h[0] << 8 | h[1]);
    k->dport = (uint16_t)(h[2] << 8 | h[3]);
    size_t ulen = (size_t)(h[4] << 8 | h[5]);
    k->len = (ulen >= 8 && ulen <= len) ? ulen - 8 : len - 8;
    if (td_cur_left(c) < k->len)
        return; /* cut (counted): a datagram is all or nothing */
    k->have = k->len;
    k->payload = (const uint8_t *)""; /* an empty datagram: not NULL */
    if (k->len)
        td_cur_bytes(c, k->len, &k->payload);
    k->flags = 0;
    k->seq = k->ack = 0;
    flow_packet(t, k, pi);
}

static void parse_ip(struct td_flowtab *t, const uint8_t *p, size_t n,
                     size_t cut, int depth, const struct td_pktinfo *pi);

/* The transport header after IP: TCP, UDP or a tunnelled IP packet.
 * `first_frag_only`: the payload is the first fragment (UDP skipped).
 * A tunnel recurses through parse_ip() at most TD_IP_MAX_DEPTH deep.
 * NOLINTNEXTLINE(misc-no-recursion) */
static void parse_l4(struct td_flowtab *t, struct td_cur *c, uint8_t proto,
                     size_t len, size_t cut, struct td_pkt *k, int depth,
                     bool first_frag_only, const struct td_pktinfo *pi)
{
    k->proto = proto;
    switch (proto) {
    case 6:
        parse_tcp(t, c, len, k, pi);
        return;
    case 17:
        if (first_frag_only) {
            t->st.ip_fragments++;
            return;
        }
        parse_udp(t, c, len, k, pi);
        return;
    case 4:
    case 41:
        if (depth < TD_IP_MAX_DEPTH) {
            const uint8_t *in;
            size_t il = td_cur_left(c);
            if (td_cur_bytes(c, il, &in))
                parse_ip(t, in, il, cut, depth + 1, pi);
            return;
        }
        break;
    default:
        break;
    }
    t->st.non_tcp_udp++;
}

/* The IP payload: *len bytes announced.  Link-layer padding beyond them
 * is dropped.  When fewer are there, the capture cut at most `cut` bytes
 * (the frame's wire length minus its captured length): those are missing
 * (counted; they become a gap); an announced length beyond that does not
 * exist (a length field the link layer contradicts, as PPPoE's can) and
 * *len shrinks. */
static void ip_body(struct td_flowtab *t, struct td_cur *c, size_t *len,
                    size_t cut, struct td_cur *body)
{
    const uint8_t *b = NULL;
    size_t n = td_cur_left(c);
    if (*len > n) {
        if (*len - n > cut)
            *len = n + cut;
        if (*len > n)
            t->st.truncated++;
    } else {
        n = *len;
    }
    if (n)
        td_cur_bytes(c, n, &b);
    td_cur_init(body, b, n, td_cur_pos(c) - n);
}

/* IPv4 header (RFC 791 3.1):
 *   ver/ihl(1) tos(1) total length(2) id(2) flags/frag offset(2)
 *   ttl(1) protocol(1) checksum(2) src(4) dst(4) options[(ihl - 5) * 4]
 * Bounded recursion (parse_l4).  NOLINTNEXTLINE(misc-no-recursion) */
static void parse_ipv4(struct td_flowtab *t, struct td_cur *c, size_t cut,
                       int depth, const struct td_pktinfo *pi)
{
    const uint8_t *h, *opt = NULL;
    size_t n = td_cur_left(c);
    if (!td_cur_bytes(c, 20, &h)) {
        t->st.truncated++;
        return;
    }
    size_t ihl = (size_t)(h[0] & 15) * 4;
    size_t total = (size_t)(h[2] << 8 | h[3]);
    if (total == 0)
        total = n; /* TSO: the capturing host's offload */
    if (ihl < 20 || total < ihl) {
        t->st.non_ip++;
        return;
    }
    if (ihl > 20 && !td_cur_bytes(c, ihl - 20, &opt)) {
        t->st.truncated++;
        return;
    }
    /* Header checksum (RFC 1071): counted, never a reason to drop. */
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    for (size_t i = 0; i + 1 < ihl - 20; i += 2)
        sum += (uint32_t)(opt[i] << 8 | opt[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    if (sum != 0xffff)
        t->st.bad_checksum++;
    if ((h[6] << 8 | h[7]) & 0x3fff) {
        /* MF or an offset: no IP reassembly (see the notes above). */
        t->st.ip_fragments++;
        return;
    }
    struct td_pkt k;
    k.family = 4;
    k.src = h + 12;
    k.dst = h + 16;
    struct td_cur body;
    size_t len = total - ihl;
    ip_body(t, c, &len, cut, &body);
    parse_l4(t, &body, h[9], len, cut, &k, depth, false, pi);
}

/* IPv6 header (RFC 8200 3):
 *   ver/class/flow(4) payload length(2) next header(1) hop limit(1)
 *   src(16) dst(16)
 * then extension headers (RFC 8200 4): next header(1) length(1) ...
 * Bounded recursion (parse_l4).  NOLINTNEXTLINE(misc-no-recursion) */
static void parse_ipv6(struct td_flowtab *t, struct td_cur *c, size_t cut,
                       int depth, const struct td_pktinfo *pi)
{
    const uint8_t *h;
    if (!td_cur_bytes(c, 40, &h)) {
        t->st.truncated++;
        return;
    }
    size_t plen = (size_t)(h[4] << 8 | h[5]);
    uint8_t nh = h[6];
    if (plen == 0 && nh == 0)
        plen = td_cur_left(c); /* jumbogram (RFC 2675): as captured */
    struct td_pkt k;
    k.family = 6;
    k.src = h + 8;
    k.dst = h + 24;
    struct td_cur b;
    ip_body(t, c, &plen, cut, &b);
    bool short_body = b.len < plen;
    bool first_frag = false;
    for (int i = 0; i <= TD_IP6_MAX_EXT; i++) {
        const uint8_t *x;
        size_t xl;
        switch (nh) {
        case 6:
        case 17:
        case 4:
        case 41:
            /* b.off counts the extension headers read so far. */
            if (b.off > plen) {
                short_header(t, short_body);
                return;
            }
            parse_l4(t, &b, nh, plen - b.off, cut, &k, depth, first_frag,
                     pi);
            return;
        case 0:   /* hop-by-hop options */
        case 43:  /* routing */
        case 60:  /* destination options */
        case 135: /* mobility */
        case 139: /* HIP */
        case 140: /* shim6 */
            if (!td_cur_bytes(&b, 2, &x)) {
                short_header(t, short_body);
                return;
            }
            xl = ((size_t)x[1] + 1) * 8;
            nh = x[0];
            if (!td_cur_skip(&b, xl - 2)) {
                short_header(t, short_body);
                return;
            }
            break;
        case 51: /* AH (RFC 4302 2): length in 4-byte units, minus 2 */
            if (!td_cur_bytes(&b, 2, &x)) {
                short_header(t, short_body);
                return;
            }
            xl = ((size_t)x[1] + 2) * 4;
            nh = x[0];
            if (!td_cur_skip(&b, xl - 2)) {
                short_header(t, short_body);
                return;
            }
            break;
        case 44: /* fragment (RFC 8200 4.5): nh, res, offset/M(2), id(4) */
            if (!td_cur_bytes(&b, 8, &x)) {
                short_header(t, short_body);
                return;
            }
            nh = x[0];
            if ((x[2] << 8 | x[3]) & 0xfff8) {
                t->st.ip_fragments++; /* not the first: skipped */
                return;
            }
            if (x[3] & 1) {
                t->st.ip_fragments++;
                first_frag = true; /* later fragments: a hole */
            }
            break;
        default: /* 59 no next header, 50 ESP, ICMPv6, ... */
            t->st.non_tcp_udp++;
            return;
        }
    }
    t->st.non_tcp_udp++; /* too many extension headers */
}

/* Bounded recursion (parse_l4).  NOLINTNEXTLINE(misc-no-recursion) */
static void parse_ip(struct td_flowtab *t, const uint8_t *p, size_t n,
                     size_t cut, int depth, const struct td_pktinfo *pi)
{
    struct td_cur c;
    uint8_t v;
    td_cur_init(&c, p, n, 0);
    if (!td_cur_peek_u8(&c, 0, &v)) {
        t->st.non_ip++;
        return;
    }
    if ((v >> 4) == 4)
        parse_ipv4(t, &c, cut, depth, pi);
    else if ((v >> 4) == 6)
        parse_ipv6(t, &c, cut, depth, pi);
    else
        t->st.non_ip++;
}

void td_flowtab_ip(struct td_flowtab *t, const uint8_t *p, size_t n,
                   const struct td_pktinfo *pi)
{
    t->st.packets++;
    t->st.bytes += n;
    advance_time(t, pi);
    /* The wire length is unknown: an IP length beyond n is a cut. */
    parse_ip(t, p, n, SIZE_MAX, 0, pi);
}

void td_flowtab_frame(struct td_flowtab *t, int dlt, const uint8_t *p,
                      size_t n, size_t wirelen, const struct td_pktinfo *pi)
{
    t->st.packets++;
    t->st.bytes += n;
    advance_time(t, pi);
    size_t iplen;
    const uint8_t *ip = td_link_to_ip(dlt, p, n, &iplen);
    if (!ip) {
        t->st.non_ip++;
        return;
    }
    parse_ip(t, ip, iplen, wirelen > n ? wirelen - n : 0, 0, pi);
}
