/* test_pcapin.c - link layers, IP, TCP reassembly and the flow table,
 * pcap/pcapng reading: hand-built frames and segment sequences (one row
 * per vector or scenario), the project's captures against their recorded
 * byte streams, and public captures against tshark's truth. */
#include "testutil.h"

#include "tlsdiag/err.h"
#include "tlsdiag/pcapin.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- packet builders ---- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void addr(int fam, const char *s, uint8_t *out)
{
    assert_int_equal(inet_pton(fam == 6 ? AF_INET6 : AF_INET, s, out), 1);
}

/* TCP header (no options) and payload at out; returns the length. */
static size_t mk_tcp(uint8_t *out, uint16_t sp, uint16_t dp, uint32_t seq,
                     uint32_t ack, const char *flags, const void *data,
                     size_t len)
{
    uint8_t f = 0;
    for (const char *c = flags; *c; c++) {
        switch (*c) {
        case 'F': f |= 0x01; break;
        case 'S': f |= 0x02; break;
        case 'R': f |= 0x04; break;
        case 'P': f |= 0x08; break;
        case 'A': f |= 0x10; break;
        default: fail_msg("bad flag %c", *c);
        }
    }
    memset(out, 0, 20);
    put16(out, sp);
    put16(out + 2, dp);
    put32(out + 4, seq);
    put32(out + 8, ack);
    out[12] = 5 << 4;
    out[13] = f;
    put16(out + 14, 65535);
    if (len)
        memcpy(out + 20, data, len);
    return 20 + len;
}

static size_t mk_udp(uint8_t *out, uint16_t sp, uint16_t dp, const void *data,
                     size_t len)
{
    put16(out, sp);
    put16(out + 2, dp);
    put16(out + 4, (uint16_t)(8 + len));
    put16(out + 6, 0);
    if (len)
        memcpy(out + 8, data, len);
    return 8 + len;
}

/* IPv4 header (with `opt` option bytes and frag field) around l4. */
static size_t mk_ip4(uint8_t *out, uint8_t proto, const char *src,
                     const char *dst, const uint8_t *l4, size_t l4len,
                     uint16_t frag, size_t opt)
{
    size_t ihl = 20 + opt;
    memset(out, 0, ihl);
    out[0] = (uint8_t)(0x40 | ihl / 4);
    put16(out + 2, (uint16_t)(ihl + l4len));
    put16(out + 4, 0x1234);
    put16(out + 6, frag);
    out[8] = 64;
    out[9] = proto;
    addr(4, src, out + 12);
    addr(4, dst, out + 16);
    for (size_t i = 20; i < ihl; i++)
        out[i] = 1; /* NOP options */
    uint32_t sum = 0;
    for (size_t i = 0; i < ihl; i += 2)
        sum += (uint32_t)(out[i] << 8 | out[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    put16(out + 10, (uint16_t)~sum);
    memcpy(out + ihl, l4, l4len);
    return ihl + l4len;
}

/* IPv6 header around `rest` (extension headers and l4), first next
 * header nh. */
static size_t mk_ip6(uint8_t *out, uint8_t nh, const char *src,
                     const char *dst, const uint8_t *rest, size_t len)
{
    memset(out, 0, 40);
    out[0] = 0x60;
    put16(out + 4, (uint16_t)len);
    out[6] = nh;
    out[7] = 64;
    addr(6, src, out + 8);
    addr(6, dst, out + 24);
    memcpy(out + 40, rest, len);
    return 40 + len;
}

/* ---- a recorder of flow events ---- */

#define MAXFLOWS 1024

struct rflow {
    char client[TD_ENDPOINT_STRLEN], server[TD_ENDPOINT_STRLEN];
    bool udp;
    enum td_client_known_by by;
    uint64_t first;
    uint8_t *s[2];
    size_t n[2], cap[2];
    uint64_t gaps[2];
    int fins[2], rsts[2], closes;
};

struct rec {
    char log[8192];
    int nflows;
    struct rflow fl[MAXFLOWS];
    bool ignore_port80, swap;
    bool log_pkt; /* "@N": the packet a callback names */
    const uint8_t *pkt; /* the packet being fed (zero-copy check) */
    size_t pktlen;
    int in_pkt, copied;
    struct td_pcapsrc *stop_src; /* td_pcap_stop at the first data */
    uint64_t open_ts;
};

static int flow_idx(struct td_flow *f)
{
    return (int)(intptr_t)td_flow_user(f) - 1;
}

static void logf_(struct rec *r, struct td_flow *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void logf_(struct rec *r, struct td_flow *f, const char *fmt, ...)
{
    char tok[256];
    int i = flow_idx(f);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tok, sizeof(tok), fmt, ap);
    va_end(ap);
    /* Scenarios are short; a long run just stops logging. */
    size_t n = strlen(r->log);
    if (n + strlen(tok) + 8 >= sizeof(r->log))
        return;
    if (i > 0 && i < 26)
        snprintf(r->log + n, sizeof(r->log) - n, "%s%c:%s", n ? " " : "",
                 'A' + i, tok);
    else
        snprintf(r->log + n, sizeof(r->log) - n, "%s%s", n ? " " : "", tok);
}

static void cb_open(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    assert_true(r->nflows < MAXFLOWS);
    int i = r->nflows++;
    struct rflow *x = &r->fl[i];
    /* The flow's index + 1 as its user pointer, never dereferenced.
     * NOLINTNEXTLINE(performance-no-int-to-ptr) */
    td_flow_set_user(f, (void *)(intptr_t)(i + 1));
    if (r->swap)
        td_flow_swap_roles(f);
    if (r->ignore_port80 && td_flow_server(f)->port == 80)
        td_flow_ignore(f);
    td_endpoint_str(td_flow_client(f), x->client);
    td_endpoint_str(td_flow_server(f), x->server);
    x->udp = td_flow_is_udp(f);
    x->by = td_flow_client_known_by(f);
    x->first = td_flow_first_packet(f);
    assert_int_equal(x->first, pi->packet);
    if (i == 0)
        r->open_ts = pi->ts_usec;
    logf_(r, f, "open %s>%s %s", x->client, x->server,
          x->by == TD_CLIENT_BY_SYN ? "syn" : "port");
}

static void append(struct rflow *x, int dir, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    if (x->n[dir] + n > x->cap[dir]) {
        size_t nc = x->cap[dir] ? x->cap[dir] : 4096;
        while (nc < x->n[dir] + n)
            nc *= 2;
        x->s[dir] = realloc(x->s[dir], nc);
        assert_non_null(x->s[dir]);
        x->cap[dir] = nc;
    }
    memcpy(x->s[dir] + x->n[dir], p, n);
    x->n[dir] += n;
}

static void cb_data(void *ctx, struct td_flow *f, int dir, const uint8_t *p,
                    size_t n, const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    assert_true(n > 0);
    if (r->pkt && p >= r->pkt && p + n <= r->pkt + r->pktlen)
        r->in_pkt++;
    else
        r->copied++;
    append(&r->fl[flow_idx(f)], dir, p, n);
    if (r->log_pkt)
        logf_(r, f, "d%d:%.*s@%llu", dir, (int)n, (const char *)p,
              (unsigned long long)pi->packet);
    else
        logf_(r, f, "d%d:%.*s", dir, (int)n, (const char *)p);
    if (r->stop_src)
        td_pcap_stop(r->stop_src);
}

static void cb_gap(void *ctx, struct td_flow *f, int dir, uint64_t missing,
                   const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    r->fl[flow_idx(f)].gaps[dir] += missing;
    if (r->log_pkt)
        logf_(r, f, "g%d:%llu@%llu", dir, (unsigned long long)missing,
              (unsigned long long)pi->packet);
    else
        logf_(r, f, "g%d:%llu", dir, (unsigned long long)missing);
}

static void cb_fin(void *ctx, struct td_flow *f, int dir,
                   const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    (void)pi;
    r->fl[flow_idx(f)].fins[dir]++;
    logf_(r, f, "f%d", dir);
}

static void cb_rst(void *ctx, struct td_flow *f, int dir,
                   const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    (void)pi;
    r->fl[flow_idx(f)].rsts[dir]++;
    logf_(r, f, "r%d", dir);
}

static void cb_datagram(void *ctx, struct td_flow *f, int dir,
                        const uint8_t *p, size_t n,
                        const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    (void)pi;
    append(&r->fl[flow_idx(f)], dir, p, n);
    logf_(r, f, "u%d:%.*s", dir, (int)n, (const char *)p);
}

static void cb_close(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    struct rec *r = ctx;
    (void)pi;
    r->fl[flow_idx(f)].closes++;
    assert_true(td_flow_last_packet(f) >= td_flow_first_packet(f));
    logf_(r, f, "close");
}

static const struct td_flow_cb rec_cb = {
    .open = cb_open,
    .data = cb_data,
    .gap = cb_gap,
    .fin = cb_fin,
    .rst = cb_rst,
    .datagram = cb_datagram,
    .close = cb_close,
};

static void rec_free(struct rec *r)
{
    for (int i = 0; i < r->nflows; i++) {
        free(r->fl[i].s[0]);
        free(r->fl[i].s[1]);
    }
}

/* ---- TCP/UDP scenarios ---- */

/* One segment of a scenario: client 10.0.0.1:cport (default 40000),
 * server 10.0.0.2:sport (the scenario's, default 443). */
struct step {
    char from;         /* 'c' or 's'; 0 ends the list */
    const char *flags; /* S A F R P, or "U" for a UDP datagram */
    uint32_t seq, ack;
    const char *data;
    uint16_t cport;
    uint32_t ms; /* capture time */
};

struct scenario {
    const char *name;
    struct td_flow_limits lim;
    uint16_t sport, cport;
    bool ignore_port80, swap;
    const struct step *steps;
    const char *want;
    const char *stats; /* retx, gaps, gap bytes, evicted, flows */
};

#define C "10.0.0.1:40000>10.0.0.2:443"
#define STEPS(...) ((const struct step[]){__VA_ARGS__, {0}})

static const struct scenario scenarios[] = {
    {"in order, FIN both ways", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "A", 1001, 5001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "hello", 0, 0},
           {'s', "PA", 5001, 1006, "world!", 0, 0},
           {'c', "FA", 1006, 5007, NULL, 0, 0},
           {'s', "FA", 5007, 1007, NULL, 0, 0},
           {'c', "A", 1007, 5008, NULL, 0, 0}),
     "open " C " syn d0:hello d1:world! f0 f1 close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"out of order", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1004, 0, "def", 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "PA", 1007, 0, "ghi", 0, 0}),
     "open " C " syn d0:abc d0:def d0:ghi close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"retransmissions dropped", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "PA", 1004, 0, "def", 0, 0},
           {'c', "PA", 1002, 0, "bcd", 0, 0}),
     "open " C " syn d0:abc d0:def close",
     "retx=6 gaps=0 gapb=0 evicted=0 flows=1"},
    {"partial overlap: the first copy wins", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1006, 0, "FGHIJ", 0, 0},
           {'c', "PA", 1001, 0, "abcdeXXX", 0, 0}),
     "open " C " syn d0:abcde d0:FGHIJ close",
     "retx=3 gaps=0 gapb=0 evicted=0 flows=1"},
    {"overlaps inside the reorder list", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1011, 0, "KLMNO", 0, 0},
           {'c', "PA", 1009, 0, "ijXXXXXpq", 0, 0},
           {'c', "PA", 1001, 0, "abcdefgh", 0, 0}),
     "open " C " syn d0:abcdefgh d0:ij d0:KLMNO d0:pq close",
     "retx=5 gaps=0 gapb=0 evicted=0 flows=1"},
    {"hole then FIN: the peer's ACK gives the hole up", {0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "abc", 0, 0},
           {'c', "FPA", 1007, 5001, "ghi", 0, 0},
           {'s', "A", 5001, 1011, NULL, 0, 0},
           {'c', "A", 1011, 5001, NULL, 0, 0},
           {'s', "FA", 5001, 1011, NULL, 0, 0},
           {'c', "A", 1011, 5002, NULL, 0, 0}),
     "open " C " syn d0:abc g0:3 d0:ghi f0 f1 close",
     "retx=0 gaps=1 gapb=3 evicted=0 flows=1"},
    {"hole then FIN: the retransmission fills it", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "abc", 0, 0},
           {'c', "FPA", 1007, 5001, "ghi", 0, 0},
           {'s', "A", 5001, 1004, NULL, 0, 0},
           {'c', "PA", 1004, 5001, "def", 0, 0}),
     "open " C " syn d0:abc d0:def d0:ghi f0 close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"hole then FIN, then the end of the capture", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "FPA", 1007, 0, "ghi", 0, 0}),
     "open " C " syn d0:abc g0:3 d0:ghi f0 close",
     "retx=0 gaps=1 gapb=3 evicted=0 flows=1"},
    {"mid-stream: the higher port is the client", {0}, 0, 0, false, false,
     STEPS({'s', "PA", 7000, 3000, "srv", 0, 0},
           {'c', "PA", 3000, 7003, "cli", 0, 0}),
     "open " C " port d1:srv d0:cli close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"mid-stream, equal ports: the first sender is the client", {0}, 5000,
     5000, false, false,
     STEPS({'s', "PA", 7000, 3000, "srv", 0, 0},
           {'c', "PA", 3000, 7003, "cli", 0, 0}),
     "open 10.0.0.2:5000>10.0.0.1:5000 port d0:srv d1:cli close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"SYN-ACK first: its receiver is the client", {0}, 0, 0, false, false,
     STEPS({'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "x", 0, 0}),
     "open " C " syn d0:x close", "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"bare ACK, FIN, RST: no flow", {0}, 0, 0, false, false,
     STEPS({'c', "A", 1001, 5001, NULL, 0, 0},
           {'s', "FA", 5001, 1001, NULL, 0, 0},
           {'c', "R", 1001, 0, NULL, 0, 0}),
     "", "retx=0 gaps=0 gapb=0 evicted=0 flows=0"},
    {"RST: the other side's segments in flight still count", {0}, 0, 0,
     false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "hello", 0, 0},
           {'c', "RA", 1006, 5001, NULL, 0, 0},
           {'s', "PA", 5001, 1006, "late", 0, 0},
           {'c', "R", 1006, 0, NULL, 0, 0},
           {'s', "FA", 5005, 1006, NULL, 0, 0},
           {'s', "A", 5006, 1006, NULL, 0, 0},
           {'s', "PA", 5006, 1006, "straggler", 0, 0}),
     "open " C " syn d0:hello r0 d1:late f1 close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"RST after the other side's FIN closes at once", {0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "hi", 0, 0},
           {'s', "FA", 5001, 1003, NULL, 0, 0},
           {'c', "R", 1003, 0, NULL, 0, 0}),
     "open " C " syn d0:hi f1 r0 close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"RST grace ends after a second", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "R", 1001, 0, NULL, 0, 10},
           {'s', "PA", 5001, 1001, "late", 0, 20},
           {'s', "PA", 5005, 1001, "later", 0, 1500}),
     "open " C " syn r0 d1:late close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"SYN with data (TCP Fast Open)", {0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, "early", 0, 0},
           {'s', "SA", 5000, 1006, NULL, 0, 0},
           {'c', "PA", 1006, 5001, "more", 0, 0},
           {'c', "PA", 1001, 5001, "early", 0, 0}),
     "open " C " syn d0:early d0:more close",
     "retx=5 gaps=0 gapb=0 evicted=0 flows=1"},
    {"sequence wraparound", {0}, 0, 0, false, false,
     STEPS({'c', "S", 0xfffffffd, 0, NULL, 0, 0},
           {'c', "PA", 0x00000000, 0, "cd", 0, 0},
           {'c', "PA", 0xfffffffe, 0, "ab", 0, 0},
           {'c', "FA", 0x00000002, 0, NULL, 0, 0}),
     "open " C " syn d0:ab d0:cd f0 close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"per-direction cap gives the first hole up", {0, 8, 0, 0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1006, 0, "fghij", 0, 0},
           {'c', "PA", 1011, 0, "klm", 0, 0},
           {'c', "PA", 1014, 0, "n", 0, 0}),
     "open " C " syn g0:5 d0:fghij d0:klm d0:n close",
     "retx=0 gaps=1 gapb=5 evicted=0 flows=1"},
    {"total cap across flows", {0, 0, 6, 0}, 0, 0, false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1006, 0, "fghij", 0, 0},
           {'c', "S", 1000, 0, NULL, 40001, 0},
           {'c', "PA", 1006, 0, "vwxyz", 40001, 0}),
     "open " C " syn B:open 10.0.0.1:40001>10.0.0.2:443 syn B:g0:5 "
     "B:d0:vwxyz g0:5 d0:fghij close B:close",
     "retx=0 gaps=2 gapb=10 evicted=0 flows=2"},
    {"max_flows evicts the least recently used", {2, 0, 0, 0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "S", 1000, 0, NULL, 40001, 0},
           {'c', "PA", 1001, 0, "a", 0, 0},
           {'c', "S", 1000, 0, NULL, 40002, 0}),
     "open " C " syn B:open 10.0.0.1:40001>10.0.0.2:443 syn d0:a B:close "
     "C:open 10.0.0.1:40002>10.0.0.2:443 syn close C:close",
     "retx=0 gaps=0 gapb=0 evicted=1 flows=3"},
    {"idle flows close as time advances", {0, 0, 0, 1000000}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "x", 0, 10},
           {'c', "S", 1000, 0, NULL, 40001, 2000}),
     "open " C " syn d0:x close B:open 10.0.0.1:40001>10.0.0.2:443 syn "
     "B:close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=2"},
    {"ignored flow: tracked, nothing delivered", {0}, 80, 0, true, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "GET", 0, 0},
           {'s', "PA", 5001, 1004, "HTTP", 0, 0},
           {'c', "FA", 1004, 5005, NULL, 0, 0},
           {'s', "FA", 5005, 1005, NULL, 0, 0},
           {'c', "A", 1005, 5006, NULL, 0, 0},
           {'c', "PA", 1001, 5006, "GET", 0, 0}),
     "open 10.0.0.1:40000>10.0.0.2:80 syn close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"UDP datagrams", {0}, 53, 0, false, false,
     STEPS({'c', "U", 0, 0, "query", 0, 0}, {'s', "U", 0, 0, "answer", 0, 0}),
     "open 10.0.0.1:40000>10.0.0.2:53 port u0:query u1:answer close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"roles swapped by the user", {0}, 0, 0, false, true,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0}),
     "open 10.0.0.2:443>10.0.0.1:40000 syn d1:abc close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"a new SYN on the port pair is a new connection", {0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "one", 0, 0},
           {'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "S", 9000, 0, NULL, 0, 0},
           {'s', "SA", 6000, 9001, NULL, 0, 0},
           {'c', "PA", 9001, 6001, "two", 0, 0}),
     "open " C " syn d0:one close B:open " C " syn B:d0:two B:close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=2"},
    {"a hole the peer ACKed goes at the sender's next segment", {0}, 0, 0,
     false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "abc", 0, 0},
           {'c', "PA", 1007, 5001, "ghi", 0, 0},
           {'s', "A", 5001, 1010, NULL, 0, 0},
           {'c', "PA", 1010, 5001, "jkl", 0, 0}),
     "open " C " syn d0:abc g0:3 d0:ghi d0:jkl close",
     "retx=0 gaps=1 gapb=3 evicted=0 flows=1"},
    {"new data long after a hole: the capture lost it", {0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "PA", 1007, 0, "ghi", 0, 100},
           {'c', "PA", 1010, 0, "jkl", 0, 900},
           {'c', "PA", 1013, 0, "mno", 0, 1200},
           {'c', "PA", 1016, 0, "pqr", 0, 1300}),
     "open " C " syn d0:abc g0:3 d0:ghi d0:jkl d0:mno d0:pqr close",
     "retx=0 gaps=1 gapb=3 evicted=0 flows=1"},
    {"a retransmission a second after the hole still fills it", {0}, 0, 0,
     false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'c', "PA", 1001, 0, "abc", 0, 0},
           {'c', "PA", 1007, 0, "ghi", 0, 100},
           {'c', "PA", 1007, 0, "ghi", 0, 1500},
           {'c', "PA", 1004, 0, "def", 0, 1600}),
     "open " C " syn d0:abc d0:def d0:ghi close",
     "retx=3 gaps=0 gapb=0 evicted=0 flows=1"},
    {"the ACK before the segment it covers (capture reorder)", {0}, 0, 0,
     false, false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'c', "PA", 1001, 5001, "abc", 0, 0},
           {'c', "PA", 1007, 5001, "ghi", 0, 0},
           {'s', "A", 5001, 1010, NULL, 0, 0},
           {'c', "PA", 1004, 5001, "def", 0, 0}),
     "open " C " syn d0:abc d0:def d0:ghi close",
     "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
    {"a second SYN-ACK with another ISN before data", {0}, 0, 0, false,
     false,
     STEPS({'c', "S", 1000, 0, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'s', "SA", 8000, 1001, NULL, 0, 0},
           {'c', "A", 1001, 8001, NULL, 0, 0},
           {'s', "SA", 5000, 1001, NULL, 0, 0},
           {'s', "PA", 8001, 1001, "data", 0, 0}),
     "open " C " syn d1:data close", "retx=0 gaps=0 gapb=0 evicted=0 flows=1"},
};

static void feed_ip(struct td_flowtab *t, struct rec *r, const uint8_t *p,
                    size_t n, uint64_t num, uint64_t ts)
{
    struct td_pktinfo pi = {.packet = num, .ts_usec = ts};
    r->pkt = p;
    r->pktlen = n;
    td_flowtab_ip(t, p, n, &pi);
    r->pkt = NULL;
}

static void stats_str(struct td_flowtab *t, char *buf, size_t len)
{
    struct td_flow_stats st;
    td_flowtab_stats(t, &st);
    snprintf(buf, len, "retx=%llu gaps=%llu gapb=%llu evicted=%llu flows=%llu",
             (unsigned long long)st.retransmitted_bytes,
             (unsigned long long)st.gaps, (unsigned long long)st.gap_bytes,
             (unsigned long long)st.evicted, (unsigned long long)st.flows);
}

static void test_scenarios(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        const struct scenario *sc = &scenarios[i];
        struct rec *r = calloc(1, sizeof(*r));
        assert_non_null(r);
        r->ignore_port80 = sc->ignore_port80;
        r->swap = sc->swap;
        struct td_flowtab *t = td_flowtab_new(&rec_cb, r, &sc->lim);
        assert_non_null(t);
        uint64_t num = 0;
        for (const struct step *s = sc->steps; s->from; s++) {
            uint8_t l4[256], ip[512];
            uint16_t cp = s->cport ? s->cport : sc->cport ? sc->cport : 40000;
            uint16_t sp = sc->sport ? sc->sport : 443;
            bool c = s->from == 'c';
            size_t dl = s->data ? strlen(s->data) : 0;
            size_t n;
            bool udp = strcmp(s->flags, "U") == 0;
            if (udp)
                n = mk_udp(l4, c ? cp : sp, c ? sp : cp, s->data, dl);
            else
                n = mk_tcp(l4, c ? cp : sp, c ? sp : cp, s->seq, s->ack,
                           s->flags, s->data, dl);
            n = mk_ip4(ip, udp ? 17 : 6, c ? "10.0.0.1" : "10.0.0.2",
                       c ? "10.0.0.2" : "10.0.0.1", l4, n, 0, 0);
            feed_ip(t, r, ip, n, ++num, 1000000000ull + s->ms * 1000ull);
        }
        td_flowtab_end(t, NULL);
        char st[256];
        stats_str(t, st, sizeof(st));
        if (strcmp(r->log, sc->want) != 0 || strcmp(st, sc->stats) != 0)
            fail_msg("%s:\n  got  %s\n       %s\n  want %s\n       %s",
                     sc->name, r->log, st, sc->want, sc->stats);
        /* Every opened flow was closed exactly once. */
        for (int k = 0; k < r->nflows; k++)
            assert_int_equal(r->fl[k].closes, 1);
        td_flowtab_free(t);
        rec_free(r);
        free(r);
    }
}

/* In-order segments reach the callback straight from the packet. */
static void test_zero_copy(void **state)
{
    (void)state;
    struct rec *r = calloc(1, sizeof(*r));
    struct td_flowtab *t = td_flowtab_new(&rec_cb, r, NULL);
    uint8_t l4[256], ip[512];
    size_t n = mk_tcp(l4, 40000, 443, 1000, 0, "S", NULL, 0);
    n = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    feed_ip(t, r, ip, n, 1, 0);
    for (uint32_t k = 0; k < 100; k++) {
        n = mk_tcp(l4, 40000, 443, 1001 + k * 10, 0, "PA", "0123456789", 10);
        n = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
        feed_ip(t, r, ip, n, 2 + k, 0);
    }
    assert_int_equal(r->in_pkt, 100);
    assert_int_equal(r->copied, 0);
    struct td_flow_stats st;
    td_flowtab_stats(t, &st);
    assert_int_equal(st.peak_buffered, 0);
    assert_int_equal(st.packets, 101);
    td_flowtab_end(t, NULL);
    assert_int_equal(r->fl[0].n[0], 1000);
    td_flowtab_free(t);
    rec_free(r);
    free(r);
}

/* Callbacks name the packet that made the bytes deliverable; bytes given
 * up at the close name the packets that carried them. */
static void test_pktinfo(void **state)
{
    (void)state;
    static const struct {
        uint32_t seq;
        const char *data;
    } segs[] = {
        {1000, NULL},  /* 1: SYN */
        {1001, "abc"}, /* 2 */
        {1007, "ghi"}, /* 3: after a hole */
        {1004, "def"}, /* 4: fills it */
        {1013, "mno"}, /* 5: after a hole never filled */
        {1019, "stu"}, /* 6: and another */
    };
    struct rec *r = calloc(1, sizeof(*r));
    r->log_pkt = true;
    struct td_flowtab *t = td_flowtab_new(&rec_cb, r, NULL);
    for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        uint8_t l4[64], ip[128];
        const char *d = segs[i].data;
        size_t n = mk_tcp(l4, 40000, 443, segs[i].seq, 0, d ? "PA" : "S", d,
                          d ? strlen(d) : 0);
        n = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
        feed_ip(t, r, ip, n, i + 1, i);
    }
    struct td_pktinfo end = {9, 9};
    td_flowtab_end(t, &end);
    assert_string_equal(r->log, "open " C " syn d0:abc@2 d0:def@4 d0:ghi@4 "
                                "g0:3@5 d0:mno@5 g0:3@6 d0:stu@6 close");
    td_flowtab_free(t);
    rec_free(r);
    free(r);
}

/* Many flows, many out-of-order segments: memory stays within the caps
 * and every byte comes out once. */
static void test_many_flows_bounded(void **state)
{
    (void)state;
    struct rec *r = calloc(1, sizeof(*r));
    struct td_flow_limits lim = {40, 64, 1024, 0};
    struct td_flowtab *t = td_flowtab_new(&rec_cb, r, &lim);
    uint8_t l4[256], ip[512];
    uint64_t num = 0;
    for (int round = 0; round < 3; round++) {
        for (uint16_t fl = 0; fl < 60; fl++) {
            /* Odd segments first: every even one is a hole until it
             * comes. */
            for (int pass = 0; pass < 2; pass++) {
                for (uint32_t k = (uint32_t)(1 - pass); k < 16; k += 2) {
                    uint32_t seq = 1001 + (uint32_t)round * 160 + k * 10;
                    size_t n = mk_tcp(l4, (uint16_t)(20000 + fl), 443, seq, 0,
                                      "PA", "abcdefghij", 10);
                    n = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
                    num++;
                    feed_ip(t, r, ip, n, num, num);
                }
            }
        }
        if (r->nflows > MAXFLOWS - 60)
            break;
    }
    struct td_flow_stats st;
    td_flowtab_stats(t, &st);
    assert_true(st.peak_flows <= 40);
    assert_true(st.peak_buffered <= 1024);
    assert_true(st.evicted > 0);
    td_flowtab_end(t, NULL);
    td_flowtab_stats(t, &st);
    uint64_t got = 0;
    for (int k = 0; k < r->nflows; k++)
        got += r->fl[k].n[0] + r->fl[k].gaps[0];
    /* Every byte is either delivered or reported missing, per flow
     * (flows evicted and reopened mid-stream start at their first
     * segment seen). */
    assert_true(got <= num * 10);
    assert_true(got >= num * 10 - st.retransmitted_bytes);
    td_flowtab_free(t);
    rec_free(r);
    free(r);
}

/* ---- IP layer ---- */

static const char *const V6A = "2001:db8::1";
static const char *const V6B = "2001:db8::2";

/* IPv6 extension headers of 8 bytes: next header, length 0, padding. */
static size_t ext8(uint8_t *p, uint8_t nh)
{
    memset(p, 0, 8);
    p[0] = nh;
    p[2] = 1; /* PadN */
    p[3] = 4;
    return 8;
}

struct iptest {
    struct td_flowtab *t;
    struct rec r;
};

static struct iptest *ipt_new(void)
{
    struct iptest *x = calloc(1, sizeof(*x));
    x->t = td_flowtab_new(&rec_cb, &x->r, NULL);
    return x;
}

static void ipt_free(struct iptest *x, const char *want,
                     struct td_flow_stats *st)
{
    td_flowtab_end(x->t, NULL);
    if (strcmp(x->r.log, want) != 0)
        fail_msg("got  %s\nwant %s", x->r.log, want);
    td_flowtab_stats(x->t, st);
    td_flowtab_free(x->t);
    rec_free(&x->r);
    free(x);
}

static void test_ipv6_extension_headers(void **state)
{
    (void)state;
    struct iptest *x = ipt_new();
    uint8_t buf[512], ip[600];
    size_t n = 0;
    /* hop-by-hop, destination options, routing, fragment (atomic: offset
     * 0, M 0, RFC 6946), AH, then TCP. */
    n += ext8(buf + n, 60);
    n += ext8(buf + n, 43);
    n += ext8(buf + n, 44);
    memset(buf + n, 0, 8);
    buf[n] = 51; /* fragment: nh AH, offset 0, M 0 */
    n += 8;
    memset(buf + n, 0, 12);
    buf[n] = 6;
    buf[n + 1] = 1; /* AH: (1 + 2) * 4 = 12 bytes */
    n += 12;
    n += mk_tcp(buf + n, 40000, 443, 1000, 0, "S", "hi", 2);
    size_t len = mk_ip6(ip, 0, V6A, V6B, buf, n);
    feed_ip(x->t, &x->r, ip, len, 1, 0);
    /* Every prefix of it: no read beyond, no flow from a cut header. */
    for (size_t k = 0; k < len; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, ip, k);
        feed_ip(x->t, &x->r, cut, k, 2, 0);
        free(cut);
    }
    /* A non-first fragment is skipped. */
    memset(buf, 0, 8);
    buf[0] = 6;
    put16(buf + 2, 185 << 3);
    n = 8 + mk_tcp(buf + 8, 40000, 443, 2000, 0, "PA", "zz", 2);
    len = mk_ip6(ip, 44, V6A, V6B, buf, n);
    feed_ip(x->t, &x->r, ip, len, 3, 0);
    /* A first fragment (M set) of TCP is used: its bytes are real. */
    memset(buf, 0, 8);
    buf[0] = 6;
    buf[3] = 1;
    n = 8 + mk_tcp(buf + 8, 40000, 443, 1003, 0, "PA", "there", 5);
    len = mk_ip6(ip, 44, V6A, V6B, buf, n);
    feed_ip(x->t, &x->r, ip, len, 4, 0);
    /* No next header, ESP: not TCP/UDP. */
    len = mk_ip6(ip, 59, V6A, V6B, buf, 0);
    feed_ip(x->t, &x->r, ip, len, 5, 0);
    struct td_flow_stats st;
    ipt_free(x, "open [2001:db8::1]:40000>[2001:db8::2]:443 syn d0:hi "
                "d0:there close",
             &st);
    assert_int_equal(st.ip_fragments, 2);
    assert_int_equal(st.non_tcp_udp, 1);
    assert_true(st.truncated > 0);
}

static void test_ipv4_options_fragments_tunnel(void **state)
{
    (void)state;
    struct iptest *x = ipt_new();
    uint8_t l4[256], ip[512], outer[600];
    size_t n = mk_tcp(l4, 40000, 443, 1000, 0, "S", "ab", 2);
    /* 8 bytes of options (IHL 7). */
    size_t len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 8);
    feed_ip(x->t, &x->r, ip, len, 1, 0);
    /* MF set; then an offset: both skipped. */
    n = mk_tcp(l4, 40000, 443, 1003, 0, "PA", "XX", 2);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0x2000, 0);
    feed_ip(x->t, &x->r, ip, len, 2, 0);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0x0010, 0);
    feed_ip(x->t, &x->r, ip, len, 3, 0);
    /* IPv4 in IPv4 (protocol 4). */
    n = mk_tcp(l4, 40000, 443, 1003, 0, "PA", "cd", 2);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    len = mk_ip4(outer, 4, "192.0.2.1", "192.0.2.2", ip, len, 0, 0);
    feed_ip(x->t, &x->r, outer, len, 4, 0);
    /* Total length 0 (TSO on the capturing host): the captured length. */
    n = mk_tcp(l4, 40000, 443, 1005, 0, "PA", "ef", 2);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    put16(ip + 2, 0);
    feed_ip(x->t, &x->r, ip, len, 5, 0);
    /* A bad header checksum is counted, the packet still used; ICMP is
     * not TCP/UDP. */
    n = mk_tcp(l4, 40000, 443, 1007, 0, "PA", "gh", 2);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    ip[10] ^= 0xff;
    feed_ip(x->t, &x->r, ip, len, 6, 0);
    len = mk_ip4(ip, 1, "10.0.0.1", "10.0.0.2", l4, 8, 0, 0);
    feed_ip(x->t, &x->r, ip, len, 7, 0);
    /* Not IP at all. */
    feed_ip(x->t, &x->r, (const uint8_t *)"\x20\x00", 2, 8, 0);
    struct td_flow_stats st;
    ipt_free(x, "open 10.0.0.1:40000>10.0.0.2:443 syn d0:ab d0:cd d0:ef "
                "d0:gh close",
             &st);
    assert_int_equal(st.ip_fragments, 2);
    assert_int_equal(st.non_tcp_udp, 1);
    assert_int_equal(st.non_ip, 1);
    assert_int_equal(st.bad_checksum, 2); /* the flipped one; TSO's */
    assert_int_equal(st.packets, 8);
}

/* The snaplen cut a segment: the captured bytes, then a gap; a length
 * field that overstates what the link layer carried is no gap. */
static void test_cut_segments(void **state)
{
    (void)state;
    struct iptest *x = ipt_new();
    uint8_t l4[256], ip[512];
    size_t n = mk_tcp(l4, 40000, 443, 1000, 0, "S", NULL, 0);
    size_t len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    struct td_pktinfo pi = {1, 0};
    td_flowtab_frame(x->t, DLT_RAW, ip, len, len, &pi);
    n = mk_tcp(l4, 40000, 443, 1001, 0, "PA", "abcdefgh", 8);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    pi.packet = 2;
    td_flowtab_frame(x->t, DLT_RAW, ip, len - 5, len, &pi); /* 5 cut */
    n = mk_tcp(l4, 40000, 443, 1009, 0, "PA", "ijklmn", 6);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    put16(ip + 2, (uint16_t)(len + 6)); /* says 6 more than there are */
    pi.packet = 3;
    td_flowtab_frame(x->t, DLT_RAW, ip, len, len, &pi);
    n = mk_tcp(l4, 40000, 443, 1015, 0, "PA", "o", 1);
    len = mk_ip4(ip, 6, "10.0.0.1", "10.0.0.2", l4, n, 0, 0);
    pi.packet = 4;
    td_flowtab_frame(x->t, DLT_RAW, ip, len, len, &pi);
    struct td_flow_stats st;
    ipt_free(x, "open 10.0.0.1:40000>10.0.0.2:443 syn d0:abc g0:5 "
                "d0:ijklmn d0:o close",
             &st);
    assert_int_equal(st.truncated, 1);
}

/* ---- link layers ---- */

struct linkvec {
    const char *name;
    int dlt;
    const char *hex; /* the frame; "IP4"/"IP6" stand for the IP packet */
    int off;         /* offset of the IP packet, -1: none */
    int trim;        /* bytes after the IP packet not returned */
};

#define ETH "00 00 00 00 00 00 00 11 22 33 44 55 "
/* A 20-byte IPv4 header and a 40-byte IPv6 header. */
#define IP4 "45 00 00 14 00 00 40 00 40 06 00 00 0a 00 00 01 0a 00 00 02"
#define IP6                                                                    \
    "60 00 00 00 00 00 3b 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 "   \
    "01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"

static const struct linkvec linkvecs[] = {
    {"Ethernet IPv4", DLT_EN10MB, ETH "08 00 " IP4, 14, 0},
    {"Ethernet IPv6", DLT_EN10MB, ETH "86 dd " IP6, 14, 0},
    {"Ethernet, type says IPv6, IPv4 inside", DLT_EN10MB, ETH "86 dd " IP4,
     -1, 0},
    {"802.1Q", DLT_EN10MB, ETH "81 00 00 64 08 00 " IP4, 18, 0},
    {"802.1ad + 802.1Q", DLT_EN10MB, ETH "88 a8 00 0a 81 00 00 64 86 dd " IP6,
     22, 0},
    {"QinQ 0x9100", DLT_EN10MB, ETH "91 00 00 0a 81 00 00 64 08 00 " IP4, 22,
     0},
    {"PPPoE session IPv4", DLT_EN10MB,
     ETH "88 64 11 00 00 01 00 16 00 21 " IP4, 22, 0},
    {"PPPoE session IPv6, padding cut", DLT_EN10MB,
     ETH "88 64 11 00 00 01 00 2a 00 57 " IP6 " 00 00 00", 22, 3},
    {"QinQ + PPPoE", DLT_EN10MB,
     ETH "88 a8 00 0a 81 00 00 64 88 64 11 00 00 01 00 16 00 21 " IP4, 30, 0},
    {"PPPoE LCP", DLT_EN10MB, ETH "88 64 11 00 00 01 00 06 c0 21 01 01 00 04",
     -1, 0},
    {"PPPoE discovery", DLT_EN10MB, ETH "88 63 11 09 00 00 00 00", -1, 0},
    {"MPLS one label", DLT_EN10MB, ETH "88 47 00 01 01 40 " IP4, 18, 0},
    {"MPLS two labels, IPv6", DLT_EN10MB,
     ETH "88 47 00 01 00 40 00 02 01 40 " IP6, 22, 0},
    {"MPLS multicast", DLT_EN10MB, ETH "88 48 00 01 01 40 " IP4, 18, 0},
    {"MPLS control word + Ethernet pseudowire", DLT_EN10MB,
     ETH "88 47 00 01 01 40 00 00 00 00 " ETH "08 00 " IP4, 36, 0},
    {"MPLS without bottom of stack", DLT_EN10MB,
     ETH "88 47 00 01 00 40 00 02 00 40", -1, 0},
    {"802.3 LLC SNAP", DLT_EN10MB,
     ETH "00 1c aa aa 03 00 00 00 08 00 " IP4, 22, 0},
    {"802.3 LLC not SNAP", DLT_EN10MB, ETH "00 1c 42 42 03 " IP4, -1, 0},
    {"ARP", DLT_EN10MB, ETH "08 06 00 01 08 00 06 04 00 01", -1, 0},
    {"Ethernet cut", DLT_EN10MB, "00 00 00 00 00 00 00 11 22 33", -1, 0},
    {"Ethernet, no IP after the type", DLT_EN10MB, ETH "08 00", -1, 0},
    {"Linux SLL", DLT_LINUX_SLL,
     "00 00 03 04 00 06 00 00 00 00 00 00 00 00 08 00 " IP4, 16, 0},
    {"Linux SLL + 802.1Q", DLT_LINUX_SLL,
     "00 00 00 01 00 06 00 11 22 33 44 55 00 00 81 00 00 05 86 dd " IP6, 20,
     0},
    {"Linux SLL2", DLT_LINUX_SLL2,
     "86 dd 00 00 00 00 00 02 00 01 00 06 00 11 22 33 44 55 00 00 " IP6, 20,
     0},
    {"Linux SLL netlink", DLT_LINUX_SLL,
     "00 04 03 38 00 00 00 00 00 00 00 00 00 00 00 00 " IP4, -1, 0},
    {"raw IPv4", DLT_RAW, IP4, 0, 0},
    {"raw IPv6", DLT_RAW, IP6, 0, 0},
    {"LINKTYPE_RAW (101)", 101, IP4, 0, 0},
    {"raw, version 5", DLT_RAW, "50 00 00 14", -1, 0},
    {"DLT_IPV4", DLT_IPV4, IP4, 0, 0},
    {"DLT_IPV4 holding IPv6", DLT_IPV4, IP6, -1, 0},
    {"DLT_IPV6", DLT_IPV6, IP6, 0, 0},
    {"NULL, little-endian AF_INET", DLT_NULL, "02 00 00 00 " IP4, 4, 0},
    {"NULL, big-endian AF_INET", DLT_NULL, "00 00 00 02 " IP4, 4, 0},
    {"NULL, AF_INET6 24 (BSD)", DLT_NULL, "18 00 00 00 " IP6, 4, 0},
    {"NULL, AF_INET6 28 (FreeBSD)", DLT_NULL, "1c 00 00 00 " IP6, 4, 0},
    {"NULL, AF_INET6 30 (macOS)", DLT_NULL, "1e 00 00 00 " IP6, 4, 0},
    {"NULL, AF 7", DLT_NULL, "07 00 00 00 " IP4, -1, 0},
    {"LOOP, network order", DLT_LOOP, "00 00 00 02 " IP4, 4, 0},
    {"LOOP, AF_INET6 30", DLT_LOOP, "00 00 00 1e " IP6, 4, 0},
    {"PPP with HDLC framing", DLT_PPP, "ff 03 00 21 " IP4, 4, 0},
    {"PPP, address/control compressed", DLT_PPP, "00 57 " IP6, 2, 0},
    {"PPP, protocol compressed", DLT_PPP, "ff 03 21 " IP4, 3, 0},
    {"PPP LCP", DLT_PPP, "ff 03 c0 21 01 01 00 04", -1, 0},
    {"PPP serial", DLT_PPP_SERIAL, "ff 03 00 21 " IP4, 4, 0},
    {"PPPoE without Ethernet", DLT_PPP_ETHER,
     "11 00 00 01 00 16 00 21 " IP4, 8, 0},
    {"Cisco HDLC", DLT_C_HDLC, "0f 00 08 00 " IP4, 4, 0},
    {"802.11: not decoded", DLT_IEEE802_11, "08 02 00 00 " IP4, -1, 0},
};

static void test_link_layers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(linkvecs) / sizeof(linkvecs[0]); i++) {
        const struct linkvec *v = &linkvecs[i];
        size_t n;
        uint8_t *f = td_t_hex(v->hex, &n);
        size_t iplen = 0;
        const uint8_t *ip = td_link_to_ip(v->dlt, f, n, &iplen);
        if (v->off < 0) {
            if (ip)
                fail_msg("%s: IP found at %td", v->name, ip - f);
        } else {
            if (!ip)
                fail_msg("%s: no IP", v->name);
            size_t want = n - (size_t)v->off - (size_t)v->trim;
            if (ip != f + v->off || iplen != want)
                fail_msg("%s: IP at %td (%zu bytes), want %d (%zu)", v->name,
                         ip - f, iplen, v->off, want);
        }
        /* Every prefix, in a buffer of exactly its size. */
        for (size_t k = 0; k < n; k++) {
            uint8_t *cut = malloc(k ? k : 1);
            memcpy(cut, f, k);
            const uint8_t *q = td_link_to_ip(v->dlt, cut, k, &iplen);
            if (q)
                assert_true(q >= cut && q + iplen <= cut + k);
            free(cut);
        }
        free(f);
    }
}

/* ---- pcap and pcapng input ---- */

struct run {
    struct rec r;
    struct td_flow_stats st;
    int rc;
    char err[512];
    uint64_t done, total;
};

/* Read a source to its end through a fresh flow table. */
static void run_src(struct td_pcapsrc *s, struct run *out,
                    const struct td_flow_limits *lim)
{
    struct td_flowtab *t = td_flowtab_new(&rec_cb, &out->r, lim);
    assert_non_null(t);
    out->rc = td_pcap_run(s, t, 0, out->err, sizeof(out->err));
    td_flowtab_end(t, NULL);
    td_flowtab_stats(t, &out->st);
    td_pcap_progress(s, &out->done, &out->total);
    td_flowtab_free(t);
}

static struct run *run_file(const char *path)
{
    struct run *out = calloc(1, sizeof(*out));
    assert_non_null(out);
    struct td_pcapsrc *s = td_pcap_open_file(path, out->err, sizeof(out->err));
    if (!s)
        fail_msg("%s", out->err);
    run_src(s, out, NULL);
    td_pcap_close(s);
    return out;
}

static struct run *run_mem(const uint8_t *p, size_t n)
{
    struct run *out = calloc(1, sizeof(*out));
    assert_non_null(out);
    FILE *fp = fmemopen((void *)p, n, "rb");
    assert_non_null(fp);
    struct td_pcapsrc *s = td_pcap_open_fp(fp, out->err, sizeof(out->err));
    if (!s) {
        out->rc = 1;
        return out;
    }
    run_src(s, out, NULL);
    td_pcap_close(s);
    return out;
}

static void run_free(struct run *x)
{
    rec_free(&x->r);
    free(x);
}

/* A value of a flat captures/facts JSON object ("key": "value"). */
static void fact(const char *json, const char *key, char *out, size_t len)
{
    char k[128];
    snprintf(k, sizeof(k), "\"%s\": \"", key);
    const char *p = strstr(json, k);
    assert_non_null(p);
    p += strlen(k);
    const char *e = strchr(p, '"');
    assert_non_null(e);
    snprintf(out, len, "%.*s", (int)(e - p), p);
}

static const char *const own_captures[] = {
    "tls12-alert-no-shared-cipher", "tls12-ecdsa", "tls12-no-sni",
    "tls12-rsa", "tls13-ecdsa", "tls13-hrr", "tls13-only-vs-tls12-client",
    "tls13-rsa",
};

/* Each of the project's captures reassembles to exactly the bytes the
 * recording script extracted, with the roles from the SYN. */
static void test_own_captures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(own_captures) / sizeof(own_captures[0]);
         i++) {
        char rel[256], port[16];
        const char *name = own_captures[i];
        snprintf(rel, sizeof(rel), "captures/%s.pcap", name);
        struct run *x = run_file(td_t_src(rel));
        assert_int_equal(x->rc, 0);
        assert_int_equal(x->r.nflows, 1);
        const struct rflow *f = &x->r.fl[0];
        assert_int_equal(f->by, TD_CLIENT_BY_SYN);
        assert_int_equal(f->first, 1);
        snprintf(rel, sizeof(rel), "captures/facts/%s.json", name);
        size_t jn;
        char *json = (char *)td_t_read(td_t_src(rel), &jn);
        fact(json, "server_port", port, sizeof(port));
        char want[64];
        snprintf(want, sizeof(want), "127.0.0.1:%s", port);
        assert_string_equal(f->server, want);
        free(json);
        for (int d = 0; d < 2; d++) {
            size_t n;
            snprintf(rel, sizeof(rel), "captures/records/%s.%s.bin", name,
                     d ? "server" : "client");
            uint8_t *bin = td_t_read(td_t_src(rel), &n);
            if (f->n[d] != n || memcmp(f->s[d], bin, n) != 0)
                fail_msg("%s %s: %zu bytes, want %zu", name,
                         d ? "server" : "client", f->n[d], n);
            assert_int_equal(f->gaps[d], 0);
            assert_int_equal(f->fins[d], 1);
            free(bin);
        }
        assert_int_equal(x->st.gaps, 0);
        /* Progress ends at the file size. */
        assert_true(x->total > 0);
        assert_int_equal(x->done, x->total);
        run_free(x);
    }
}

/* A record cut short: TD_ERR_IO naming the packet and libpcap's words,
 * the packets before it delivered. */
static void test_damaged_pcap(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_read(td_t_src("captures/tls12-rsa.pcap"), &n);
    /* Walk to the 10th record (24-byte file header, 16-byte records). */
    size_t off = 24;
    for (int k = 0; k < 9; k++) {
        uint32_t caplen = p[off + 8] | p[off + 9] << 8 | p[off + 10] << 16
                          | (uint32_t)p[off + 11] << 24;
        off += 16 + caplen;
    }
    struct run *x = run_mem(p, off + 20); /* inside record 10's data */
    assert_int_equal(x->rc, TD_ERR_IO);
    if (!strstr(x->err, "packet 10:") || !strstr(x->err, "truncated"))
        fail_msg("message: %s", x->err);
    assert_int_equal(x->st.packets, 9);
    assert_int_equal(x->r.nflows, 1);
    assert_true(x->r.fl[0].n[0] > 0);
    assert_int_equal(x->r.fl[0].closes, 1);
    run_free(x);
    /* Not a capture at all. */
    x = run_mem((const uint8_t *)"hello, world", 12);
    assert_int_equal(x->rc, 1);
    assert_true(strlen(x->err) > 0);
    run_free(x);
    free(p);
}

/* The same file through a pipe: the probe's bytes are replayed. */
static void test_pipe(void **state)
{
    (void)state;
    size_t n;
    uint8_t *p = td_t_read(td_t_src("captures/tls13-hrr.pcap"), &n);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_true(n < 65536); /* fits the pipe's buffer */
    assert_int_equal(write(fds[1], p, n), (ssize_t)n);
    close(fds[1]);
    FILE *fp = fdopen(fds[0], "rb");
    struct run *x = calloc(1, sizeof(*x));
    struct td_pcapsrc *s = td_pcap_open_fp(fp, x->err, sizeof(x->err));
    if (!s)
        fail_msg("%s", x->err);
    run_src(s, x, NULL);
    td_pcap_close(s);
    assert_int_equal(x->rc, 0);
    assert_int_equal(x->r.nflows, 1);
    size_t bn;
    uint8_t *bin = td_t_read(td_t_src("captures/records/tls13-hrr.server.bin"),
                             &bn);
    assert_int_equal(x->r.fl[0].n[1], bn);
    assert_memory_equal(x->r.fl[0].s[1], bin, bn);
    free(bin);
    run_free(x);
    free(p);
}

static void test_filter_stop_max(void **state)
{
    (void)state;
    char path[4096], err[512];
    snprintf(path, sizeof(path), "%s", td_t_src("captures/tls12-rsa.pcap"));
    struct td_pcapsrc *s = td_pcap_open_file(path, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(td_pcap_set_filter(s, "tcp and (", err, sizeof(err)),
                     TD_ERR_USAGE);
    assert_true(strlen(err) > 0);
    /* Only the server's packets: numbers stay the file's. */
    char port[16], bpf[64];
    size_t jn;
    char *json = (char *)td_t_read(td_t_src("captures/facts/tls12-rsa.json"),
                                   &jn);
    fact(json, "server_port", port, sizeof(port));
    free(json);
    snprintf(bpf, sizeof(bpf), "tcp src port %s", port);
    assert_int_equal(td_pcap_set_filter(s, bpf, err, sizeof(err)), 0);
    struct run *x = calloc(1, sizeof(*x));
    run_src(s, x, NULL);
    td_pcap_close(s);
    assert_int_equal(x->rc, 0);
    assert_int_equal(x->r.nflows, 1);
    assert_int_equal(x->r.fl[0].first, 2); /* the SYN-ACK */
    assert_int_equal(x->r.fl[0].n[0], 0);
    assert_int_equal(x->r.fl[0].n[1], 1639);
    run_free(x);

    /* max_packets, then the rest; td_pcap_stop from a callback. */
    s = td_pcap_open_file(path, err, sizeof(err));
    x = calloc(1, sizeof(*x));
    struct td_flowtab *t = td_flowtab_new(&rec_cb, &x->r, NULL);
    assert_int_equal(td_pcap_run(s, t, 3, err, sizeof(err)), 0);
    td_flowtab_stats(t, &x->st);
    assert_int_equal(x->st.packets, 3);
    x->r.stop_src = s;
    assert_int_equal(td_pcap_run(s, t, 0, err, sizeof(err)), 0);
    td_flowtab_stats(t, &x->st);
    assert_int_equal(x->st.packets, 4); /* stopped at the first data */
    td_flowtab_end(t, NULL);
    td_flowtab_free(t);
    td_pcap_close(s);
    run_free(x);
}

/* pcapng built by hand: two sections (little- then big-endian), link types
 * Ethernet, raw IP and BSD NULL in one section, an IPv4 one in the other,
 * EPB, SPB, the obsolete PB, an unknown block, nanosecond time stamps. */
struct ng {
    uint8_t p[8192];
    size_t n;
    bool le;
};

static void ng_put(struct ng *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->p));
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void ng16(struct ng *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    if (b->le) {
        x[0] = (uint8_t)v;
        x[1] = (uint8_t)(v >> 8);
    }
    ng_put(b, x, 2);
}

static void ng32(struct ng *b, uint32_t v)
{
    if (b->le) {
        ng16(b, (uint16_t)v);
        ng16(b, (uint16_t)(v >> 16));
    } else {
        ng16(b, (uint16_t)(v >> 16));
        ng16(b, (uint16_t)v);
    }
}

static size_t ng_begin(struct ng *b, uint32_t type)
{
    size_t at = b->n;
    ng32(b, type);
    ng32(b, 0);
    return at;
}

static void ng_end(struct ng *b, size_t at)
{
    while (b->n % 4)
        ng_put(b, "", 1);
    uint32_t total = (uint32_t)(b->n - at + 4);
    ng32(b, total);
    size_t save = b->n;
    b->n = at + 4;
    ng32(b, total);
    b->n = save;
}

static void ng_shb(struct ng *b, bool le)
{
    b->le = le;
    size_t at = ng_begin(b, 0x0a0d0d0a);
    ng32(b, 0x1a2b3c4d);
    ng16(b, 1);
    ng16(b, 0);
    ng32(b, 0xffffffff);
    ng32(b, 0xffffffff);
    ng_end(b, at);
}

static void ng_idb(struct ng *b, uint16_t lt, int tsresol)
{
    size_t at = ng_begin(b, 1);
    ng16(b, lt);
    ng16(b, 0);
    ng32(b, 0);
    if (tsresol >= 0) {
        ng16(b, 9);
        ng16(b, 1);
        uint8_t v[4] = {(uint8_t)tsresol, 0, 0, 0};
        ng_put(b, v, 4);
        ng16(b, 0);
        ng16(b, 0);
    }
    ng_end(b, at);
}

static void ng_epb(struct ng *b, uint32_t ifid, uint64_t ts, const void *p,
                   size_t n)
{
    size_t at = ng_begin(b, 6);
    ng32(b, ifid);
    ng32(b, (uint32_t)(ts >> 32));
    ng32(b, (uint32_t)ts);
    ng32(b, (uint32_t)n);
    ng32(b, (uint32_t)n);
    ng_put(b, p, n);
    ng_end(b, at);
}

/* A TCP/IPv4 packet of the test connection, wrapped for a link type. */
static size_t ng_frame(uint8_t *out, int link, bool c, uint32_t seq,
                       const char *flags, const char *data)
{
    uint8_t l4[256];
    size_t hl = 0;
    if (link == DLT_EN10MB) {
        memset(out, 0, 12);
        put16(out + 12, 0x0800);
        hl = 14;
    } else if (link == DLT_NULL) {
        static const uint8_t af_inet[4] = {2, 0, 0, 0}; /* host order */
        memcpy(out, af_inet, 4);
        hl = 4;
    }
    size_t dl = data ? strlen(data) : 0;
    size_t n = mk_tcp(l4, c ? 40000 : 443, c ? 443 : 40000, seq, 0, flags,
                      data, dl);
    return hl + mk_ip4(out + hl, 6, c ? "10.0.0.1" : "10.0.0.2",
                       c ? "10.0.0.2" : "10.0.0.1", l4, n, 0, 0);
}

static void build_pcapng(struct ng *b)
{
    uint8_t f[512];
    size_t n;
    memset(b, 0, sizeof(*b));
    ng_shb(b, true);
    ng_idb(b, DLT_EN10MB, 9); /* nanoseconds */
    ng_idb(b, 101, -1);       /* LINKTYPE_RAW, microseconds */
    ng_idb(b, DLT_NULL, -1);
    size_t at = ng_begin(b, 0x00000bad); /* custom: a frame for tshark */
    ng32(b, 32473);
    ng_end(b, at);
    at = ng_begin(b, 4); /* name resolution: skipped */
    ng16(b, 0);
    ng16(b, 0);
    ng_end(b, at);
    n = ng_frame(f, DLT_EN10MB, true, 1000, "S", NULL);
    ng_epb(b, 0, 1500000000123456789ull, f, n);
    n = ng_frame(f, 101, false, 5000, "SA", NULL);
    ng_epb(b, 1, 1500000000200000ull, f, n);
    n = ng_frame(f, DLT_NULL, true, 1001, "PA", "hello");
    ng_epb(b, 2, 1500000000300000ull, f, n);
    /* Obsolete Packet Block on interface 1. */
    n = ng_frame(f, 101, false, 5001, "PA", "wor");
    at = ng_begin(b, 2);
    ng16(b, 1);
    ng16(b, 0);
    ng32(b, 0);
    ng32(b, 0);
    ng32(b, (uint32_t)n);
    ng32(b, (uint32_t)n);
    ng_put(b, f, n);
    ng_end(b, at);
    /* Section 2, big-endian, one DLT_IPV4 interface; an SPB. */
    ng_shb(b, false);
    ng_idb(b, DLT_IPV4, -1);
    n = ng_frame(f, DLT_IPV4, false, 5004, "PA", "ld");
    ng_epb(b, 0, 1500000000400000ull, f, n);
    n = ng_frame(f, DLT_IPV4, true, 1006, "FA", NULL);
    at = ng_begin(b, 3);
    ng32(b, (uint32_t)n);
    ng_put(b, f, n);
    ng_end(b, at);
}

static void test_pcapng(void **state)
{
    (void)state;
    struct ng *b = malloc(sizeof(*b));
    build_pcapng(b);
    struct run *x = run_mem(b->p, b->n);
    if (x->rc != 0)
        fail_msg("%s", x->err);
    /* The custom block is a frame for tshark: numbered, empty. */
    assert_int_equal(x->st.packets, 7);
    assert_int_equal(x->st.non_ip, 1);
    assert_string_equal(x->r.log, "open 10.0.0.1:40000>10.0.0.2:443 syn "
                                  "d0:hello d1:wor d1:ld f0 close");
    assert_int_equal(x->r.open_ts, 1500000000123456ull);
    assert_int_equal(x->done, b->n);
    run_free(x);

    /* Every prefix ends cleanly or with "packet N: pcapng: ...". */
    for (size_t k = 0; k < b->n; k++) {
        x = run_mem(b->p, k);
        if (x->rc == TD_ERR_IO && !strstr(x->err, ": pcapng: "))
            fail_msg("prefix %zu: %s", k, x->err);
        run_free(x);
    }
    /* A trailer that does not match the header. */
    b->p[b->n - 1] ^= 0x40;
    x = run_mem(b->p, b->n);
    assert_int_equal(x->rc, TD_ERR_IO);
    if (!strstr(x->err, "packet 7: pcapng: ") || !strstr(x->err, "trailing"))
        fail_msg("%s", x->err);
    assert_int_equal(x->st.packets, 6);
    run_free(x);
    /* A packet on an interface never described. */
    struct ng *c = malloc(sizeof(*c));
    memset(c, 0, sizeof(*c));
    ng_shb(c, true);
    ng_idb(c, DLT_EN10MB, -1);
    uint8_t f[256];
    size_t n = ng_frame(f, DLT_EN10MB, true, 1000, "S", NULL);
    ng_epb(c, 3, 0, f, n);
    x = run_mem(c->p, c->n);
    assert_int_equal(x->rc, TD_ERR_IO);
    if (!strstr(x->err, "packet 1: pcapng: ") || !strstr(x->err, "interface"))
        fail_msg("%s", x->err);
    run_free(x);
    free(c);
    /* A BPF filter per link type: only the client's packets. */
    build_pcapng(b);
    FILE *fp = fmemopen(b->p, b->n, "rb");
    char err[512];
    struct td_pcapsrc *s = td_pcap_open_fp(fp, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(td_pcap_set_filter(s, "src host 10.0.0.1", err,
                                        sizeof(err)),
                     0);
    x = calloc(1, sizeof(*x));
    run_src(s, x, NULL);
    td_pcap_close(s);
    assert_int_equal(x->rc, 0);
    assert_int_equal(x->st.packets, 3);
    assert_string_equal(x->r.log, "open 10.0.0.1:40000>10.0.0.2:443 syn "
                                  "d0:hello f0 close");
    run_free(x);
    free(b);
}

/* ---- public captures against tshark's truth ---- */

struct conn_truth {
    const char *client, *server;
    enum td_client_known_by by;
    uint64_t first_max; /* our flow starts at or before tshark's frame */
};

struct truth {
    const char *file;
    uint64_t packets;
    int flows;     /* all flows, TCP and UDP */
    int tcp_flows; /* TCP flows */
    struct conn_truth conns[4];
};

/* From the *.truth.json files (tshark 4.0.17): packets, connections with
 * client, server, how the client is known.  tshark knows the client of
 * mercury-sll_tls by its ClientHello; without a SYN we go by the port,
 * which agrees.  ndpi-steam's third connection starts with a SYN-ACK
 * (frame 39); tshark dates it from its ClientHello (41). */
static const struct truth truths[] = {
    {"pcpp-many_interfaces-1.pcapng", 64, 15, 2,
     {{"192.168.1.139:50981", "74.125.228.227:443", TD_CLIENT_BY_SYN, 24},
      {"192.168.1.139:50982", "74.125.228.227:443", TD_CLIENT_BY_SYN, 52}}},
    {"sv-linktype-228.pcap", 7, 1, 1,
     {{"192.168.0.2:15057", "192.168.0.1:443", TD_CLIENT_BY_SYN, 1}}},
    {"zeek-pppoe-over-qinq.pcap", 86, 1, 1,
     {{"1.1.1.1:20394", "2.2.2.2:443", TD_CLIENT_BY_SYN, 1}}},
    {"mercury-sll_tls.pcap", 1, 1, 1,
     {{"172.31.84.252:49818", "54.186.175.150:443", TD_CLIENT_BY_PORT, 1}}},
    {"ja4-ipv6.pcapng", 9, 1, 1,
     {{"[2001:4998:ef83:14:8000::100d]:64034", "[2606:4700::6811:d209]:443",
       TD_CLIENT_BY_SYN, 1}}},
    {"s2n-fragmented_ch.pcap", 21, 2, 1,
     {{"127.0.0.1:49760", "127.0.0.1:8000", TD_CLIENT_BY_SYN, 2}}},
    {"sv-tls-client-hello-frag-mtu300.pcap", 62, 1, 1,
     {{"10.20.0.14:38576", "142.251.111.105:443", TD_CLIENT_BY_SYN, 1}}},
    {"zeek-openjdk-25.0.2-zeek.org.pcap", 6, 1, 1,
     {{"192.168.64.6:55058", "192.0.78.150:443", TD_CLIENT_BY_SYN, 1}}},
    {"sv-bug-5881-01.pcap", 42, 1, 1,
     {{"192.168.0.47:64731", "17.188.17.120:443", TD_CLIENT_BY_SYN, 1}}},
    {"sv-tcp-fastopen-10-syn-data.pcap", 52, 1, 1,
     {{"192.168.0.45:51615", "17.253.144.10:443", TD_CLIENT_BY_SYN, 1}}},
    {"ndpi-steam.pcapng", 48, 7, 5,
     {{"192.168.88.231:54243", "188.114.98.224:443", TD_CLIENT_BY_SYN, 17},
      {"192.168.88.231:57749", "23.52.29.119:443", TD_CLIENT_BY_SYN, 29},
      {"192.168.88.231:50983", "162.254.198.46:27038", TD_CLIENT_BY_SYN, 41},
      {"192.168.88.231:42070", "95.100.141.15:443", TD_CLIENT_BY_SYN, 43}}},
};

static void test_public_captures(void **state)
{
    (void)state;
    if (!td_t_shared("captures-public")) {
        print_message("skipped: ../shared/captures-public not found\n");
        skip();
    }
    for (size_t i = 0; i < sizeof(truths) / sizeof(truths[0]); i++) {
        const struct truth *tr = &truths[i];
        char rel[256];
        snprintf(rel, sizeof(rel), "captures-public/%s", tr->file);
        const char *path = td_t_shared(rel);
        if (!path)
            fail_msg("%s missing", rel);
        struct run *x = run_file(path);
        if (x->rc != 0)
            fail_msg("%s: %s", tr->file, x->err);
        assert_int_equal(x->st.packets, tr->packets);
        int tcp = 0;
        for (int k = 0; k < x->r.nflows; k++)
            tcp += !x->r.fl[k].udp;
        if (x->r.nflows != tr->flows || tcp != tr->tcp_flows)
            fail_msg("%s: %d flows (%d TCP), want %d (%d)", tr->file,
                     x->r.nflows, tcp, tr->flows, tr->tcp_flows);
        for (int c = 0; c < 4 && tr->conns[c].client; c++) {
            const struct conn_truth *ct = &tr->conns[c];
            const struct rflow *f = NULL;
            for (int k = 0; k < x->r.nflows && !f; k++) {
                if (strcmp(x->r.fl[k].client, ct->client) == 0
                    && strcmp(x->r.fl[k].server, ct->server) == 0)
                    f = &x->r.fl[k];
            }
            if (!f)
                fail_msg("%s: no flow %s > %s", tr->file, ct->client,
                         ct->server);
            assert_int_equal(f->by, ct->by);
            assert_true(f->first <= ct->first_max);
            /* Each starts with a TLS handshake record (tshark:
             * plaintext_before_tls false). */
            assert_true(f->n[0] > 5);
            assert_int_equal(f->s[0][0], 0x16);
            assert_int_equal(f->gaps[0], 0);
        }
        run_free(x);
    }
}

static void test_endpoint_str(void **state)
{
    (void)state;
    struct td_endpoint e = {4, {192, 0, 2, 1}, 443};
    char buf[TD_ENDPOINT_STRLEN];
    assert_string_equal(td_endpoint_str(&e, buf), "192.0.2.1:443");
    struct td_endpoint e6 = {6, {0}, 65535};
    for (int i = 0; i < 16; i++)
        e6.addr[i] = 0xff;
    assert_string_equal(td_endpoint_str(&e6, buf),
                        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_zero_copy),
        cmocka_unit_test(test_pktinfo),
        cmocka_unit_test(test_many_flows_bounded),
        cmocka_unit_test(test_ipv6_extension_headers),
        cmocka_unit_test(test_ipv4_options_fragments_tunnel),
        cmocka_unit_test(test_cut_segments),
        cmocka_unit_test(test_link_layers),
        cmocka_unit_test(test_own_captures),
        cmocka_unit_test(test_damaged_pcap),
        cmocka_unit_test(test_pipe),
        cmocka_unit_test(test_filter_stop_max),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_public_captures),
        cmocka_unit_test(test_endpoint_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
