/* pcapin.h - packets from pcap/pcapng files (or a live interface) to
 * in-order TCP byte streams and UDP datagrams.
 *
 * Two layers:
 * - td_pkt_*: libpcap in, link layer (Ethernet, Linux cooked SLL/SLL2,
 *   raw IPv4/IPv6, BSD NULL/loopback, 802.1Q/QinQ, PPPoE, MPLS), IPv4 and
 *   IPv6 (extension headers) down to TCP segments and UDP datagrams.
 * - td_flow_*: a flow table that reassembles each TCP direction in order
 *   (out of order segments, retransmissions, overlaps, gaps, a capture
 *   that starts mid-connection), bounded per flow and in total, and hands
 *   the bytes to the caller as soon as they are in order.
 *
 * The TLS front end (pcap_front.c) sits on the callbacks; it never sees
 * packets.  Nothing here knows TLS.
 */
#ifndef TLSDIAG_PCAPIN_H
#define TLSDIAG_PCAPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Endpoints of a flow.  addr holds 4 (IPv4) or 16 (IPv6) bytes. */
struct td_endpoint {
    uint8_t family;         /* 4 or 6 */
    uint8_t addr[16];
    uint16_t port;
};

/* "10.0.0.2:51515" or "[2001:db8::1]:443"; buf >= TD_ENDPOINT_STRLEN. */
#define TD_ENDPOINT_STRLEN 56
const char *td_endpoint_str(const struct td_endpoint *e, char *buf);

struct td_flow;     /* opaque; one per TCP connection or UDP 5-tuple */

/* Where a callback's bytes came from. */
struct td_pktinfo {
    uint64_t packet;        /* 1-based packet number in the file */
    uint64_t ts_usec;       /* capture time, microseconds since the epoch */
};

/* What the flow layer tells its user.  `dir` is 0 for bytes the client
 * sent (the side that sent the SYN; without a SYN: the higher port, or the
 * side that spoke first when ports tie; see client_known_by), 1 for the
 * server's.  `user` is the flow's user pointer (set with
 * td_flow_set_user). */
struct td_flow_cb {
    /* A new flow (first packet seen). */
    void (*open)(void *ctx, struct td_flow *f, const struct td_pktinfo *pi);
    /* In-order TCP payload of one direction. */
    void (*data)(void *ctx, struct td_flow *f, int dir, const uint8_t *p,
                 size_t n, const struct td_pktinfo *pi);
    /* `missing` bytes of direction dir will never arrive (lost segment,
     * cap reached); the next data call continues after the hole. */
    void (*gap)(void *ctx, struct td_flow *f, int dir, uint64_t missing,
                const struct td_pktinfo *pi);
    /* FIN (dir sent it) or RST (dir sent it). */
    void (*fin)(void *ctx, struct td_flow *f, int dir,
                const struct td_pktinfo *pi);
    void (*rst)(void *ctx, struct td_flow *f, int dir,
                const struct td_pktinfo *pi);
    /* A UDP datagram of the flow (DTLS, QUIC are recognised above). */
    void (*datagram)(void *ctx, struct td_flow *f, int dir, const uint8_t *p,
                     size_t n, const struct td_pktinfo *pi);
    /* The flow is released (closed both ways, idle, or end of input):
     * last call for it; its user pointer must be released here. */
    void (*close)(void *ctx, struct td_flow *f, const struct td_pktinfo *pi);
};

enum td_client_known_by {
    TD_CLIENT_BY_SYN,       /* the SYN's sender */
    TD_CLIENT_BY_PORT,      /* no SYN: the higher port is the client */
};

/* Flow accessors. */
const struct td_endpoint *td_flow_client(const struct td_flow *f);
const struct td_endpoint *td_flow_server(const struct td_flow *f);
bool td_flow_is_udp(const struct td_flow *f);
enum td_client_known_by td_flow_client_known_by(const struct td_flow *f);
uint64_t td_flow_first_packet(const struct td_flow *f);
uint64_t td_flow_last_packet(const struct td_flow *f);
void *td_flow_user(const struct td_flow *f);
void td_flow_set_user(struct td_flow *f, void *user);
/* Swap client and server (the TLS layer learned the roles from the
 * content: the ClientHello's sender is the client). */
void td_flow_swap_roles(struct td_flow *f);
/* Stop delivering data for this flow (not TLS, or done): the flow layer
 * keeps only what it needs to recognise the flow's later packets. */
void td_flow_ignore(struct td_flow *f);
/* In the close callback: the flow is closed because the table was full
 * (max_flows) and it was the least recently active, not because it ended. */
bool td_flow_evicted(const struct td_flow *f);

struct td_flow_limits {
    size_t max_flows;           /* live flows; oldest idle evicted beyond */
    size_t max_buffered;        /* out-of-order bytes per direction */
    size_t max_total;           /* out-of-order bytes, all flows */
    uint64_t idle_usec;         /* a flow silent this long is closed */
};

struct td_flow_stats {
    uint64_t packets, bytes;
    uint64_t non_ip, non_tcp_udp, ip_fragments, truncated, bad_checksum;
    uint64_t flows, evicted, gaps, gap_bytes, retransmitted_bytes;
    uint64_t peak_flows, peak_buffered;
};

/* 65,536 live flows by default: 16 MiB of flows and 512 KiB of buckets at
 * most (a capture of a million half-open connections, or of random packets
 * that are each a flow of their own, stays within it); the least recently
 * active one is evicted beyond (stats.evicted). */
#define TD_FLOW_DEF_MAX_FLOWS 65536u

struct td_flowtab;
/* limits may be NULL for defaults (65,536 flows, 256 KiB/direction,
 * 64 MiB total, 5 minutes). */
struct td_flowtab *td_flowtab_new(const struct td_flow_cb *cb, void *ctx,
                                  const struct td_flow_limits *limits);
/* One IP packet (starting at the IPv4/IPv6 header). */
void td_flowtab_ip(struct td_flowtab *t, const uint8_t *p, size_t n,
                   const struct td_pktinfo *pi);
/* One link-layer frame of the given DLT, n bytes captured of wirelen on
 * the wire: td_link_to_ip, then as td_flowtab_ip; a frame without an IP
 * packet counts in non_ip.  wirelen tells a payload the capture cut
 * (reported as a gap) from an IP length field that overstates it. */
void td_flowtab_frame(struct td_flowtab *t, int dlt, const uint8_t *p,
                      size_t n, size_t wirelen, const struct td_pktinfo *pi);
/* End of input: every live flow is closed (close callbacks).  pi NULL:
 * as of the last packet seen. */
void td_flowtab_end(struct td_flowtab *t, const struct td_pktinfo *pi);
void td_flowtab_stats(const struct td_flowtab *t, struct td_flow_stats *st);
void td_flowtab_free(struct td_flowtab *t);

/* The packet source: a file (pcap or pcapng, any mix of link types) or a
 * live interface.  errbuf gets why on failure (libpcap's message; the
 * caller names the file or interface). */
struct td_pcapsrc;
struct td_pcapsrc *td_pcap_open_file(const char *path, char *errbuf,
                                     size_t errlen);
struct td_pcapsrc *td_pcap_open_live(const char *iface, char *errbuf,
                                     size_t errlen);
/* A file already open (read from its current position; fmemopen works).
 * The source owns fp from here on, also when it fails (fp is closed,
 * unless it is stdin). */
struct td_pcapsrc *td_pcap_open_fp(FILE *fp, char *errbuf, size_t errlen);
/* A BPF filter (libpcap syntax); 0 or TD_ERR_USAGE with errbuf set. */
int td_pcap_set_filter(struct td_pcapsrc *s, const char *bpf, char *errbuf,
                       size_t errlen);
/* Read packets into the flow table until the end of the file, max_packets
 * (0: no limit) or td_pcap_stop().  Link-layer decoding happens here.
 * Returns 0, or TD_ERR_IO when the file is damaged (errbuf says where;
 * what was read before stays delivered). */
int td_pcap_run(struct td_pcapsrc *s, struct td_flowtab *t,
                uint64_t max_packets, char *errbuf, size_t errlen);
void td_pcap_stop(struct td_pcapsrc *s);      /* from a signal handler */
/* Packets read of link types td_link_to_ip() does not read: how many, the
 * first one's number and its link type (DLT). */
void td_pcap_unsupported(const struct td_pcapsrc *s, uint64_t *count,
                         uint64_t *first, int *dlt);
/* Bytes read so far and the file size (0 live), for a progress line. */
void td_pcap_progress(const struct td_pcapsrc *s, uint64_t *done,
                      uint64_t *total);
void td_pcap_close(struct td_pcapsrc *s);

/* Link-layer decoding alone (for tests and fuzzing): the IP packet inside
 * one frame of the given DLT, or NULL. */
const uint8_t *td_link_to_ip(int dlt, const uint8_t *p, size_t n,
                             size_t *iplen);
/* Is dlt a link type td_link_to_ip() reads? */
bool td_link_supported(int dlt);
/* libpcap's name of a link type ("EN10MB", "PPP"), or NULL. */
const char *td_link_name(int dlt);

#endif
