/* fuzz_pcap.c - libFuzzer target for the packet layer.
 *
 * First byte, low bit: the mode.
 * - 0: the rest is a capture file (pcap or pcapng), read from memory
 *   (fmemopen) through td_pcap_open_fp (libpcap for pcap, the pcapng
 *   reader here) into a flow table with tiny limits, so eviction, caps,
 *   gaps and idle expiry all happen on small inputs.
 * - 1: the rest is frames: link type index (1), length (2, big-endian),
 *   bytes; each is copied to a buffer of exactly its size (ASan sees any
 *   read beyond) and goes through td_link_to_ip and td_flowtab_frame.
 * The other bits of the first byte choose what the callbacks do: ignore a
 * flow at open, swap roles, stop reading.
 */
#include "tlsdiag/pcapin.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz {
    uint8_t opts;
    uint64_t sum;
    unsigned opens;
    struct td_pcapsrc *src;
};

static void touch(struct fz *z, const uint8_t *p, size_t n)
{
    /* Read every byte handed out: ASan checks the pointers. */
    for (size_t i = 0; i < n; i++)
        z->sum += p[i];
}

static void on_open(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    struct fz *z = ctx;
    (void)pi;
    char a[TD_ENDPOINT_STRLEN], b[TD_ENDPOINT_STRLEN];
    td_endpoint_str(td_flow_client(f), a);
    td_endpoint_str(td_flow_server(f), b);
    z->opens++;
    td_flow_set_user(f, z);
    if ((z->opts & 2) && (z->opens & 1))
        td_flow_ignore(f);
    if (z->opts & 4)
        td_flow_swap_roles(f);
}

static void on_data(void *ctx, struct td_flow *f, int dir, const uint8_t *p,
                    size_t n, const struct td_pktinfo *pi)
{
    struct fz *z = ctx;
    (void)pi;
    if (td_flow_user(f) != z || (dir != 0 && dir != 1) || n == 0)
        abort();
    touch(z, p, n);
    /* Ignoring a flow from inside its own data callback. */
    if ((z->opts & 8) && n > 100)
        td_flow_ignore(f);
    if ((z->opts & 16) && z->src && z->sum % 7 == 0)
        td_pcap_stop(z->src);
}

static void on_gap(void *ctx, struct td_flow *f, int dir, uint64_t missing,
                   const struct td_pktinfo *pi)
{
    (void)ctx;
    (void)f;
    (void)pi;
    if ((dir != 0 && dir != 1) || missing == 0)
        abort();
}

static void on_datagram(void *ctx, struct td_flow *f, int dir,
                        const uint8_t *p, size_t n,
                        const struct td_pktinfo *pi)
{
    (void)f;
    (void)dir;
    (void)pi;
    if (!p)
        abort();
    touch(ctx, p, n);
}

static void on_close(void *ctx, struct td_flow *f, const struct td_pktinfo *pi)
{
    (void)ctx;
    (void)pi;
    if (td_flow_last_packet(f) < td_flow_first_packet(f))
        abort();
}

static const struct td_flow_cb cbs = {
    .open = on_open,
    .data = on_data,
    .gap = on_gap,
    .datagram = on_datagram,
    .close = on_close,
};

static const int dlts[] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,       101,
    DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP,      DLT_PPP,
    DLT_PPP_SERIAL, DLT_PPP_ETHER, DLT_C_HDLC,
};

static void frames(struct td_flowtab *t, const uint8_t *p, size_t n)
{
    uint64_t num = 0, ts = 0;
    while (n >= 3) {
        int dlt = dlts[p[0] % (sizeof(dlts) / sizeof(dlts[0]))];
        size_t len = (size_t)(p[1] << 8 | p[2]);
        /* The high bits of the selector move the clock: idle expiry. */
        ts += (uint64_t)(p[0] >> 4) * 250000;
        p += 3;
        n -= 3;
        if (len > n)
            len = n;
        uint8_t *f = malloc(len ? len : 1);
        if (!f)
            return;
        memcpy(f, p, len);
        size_t iplen;
        const uint8_t *ip = td_link_to_ip(dlt, f, len, &iplen);
        if (ip && (ip < f || ip + iplen > f + len))
            abort();
        struct td_pktinfo pi = {++num, ts};
        if (num & 1)
            td_flowtab_frame(t, dlt, f, len, len + (num & 2), &pi);
        else if (ip)
            td_flowtab_ip(t, ip, iplen, &pi);
        free(f);
        p += len;
        n -= len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct fz z = {.opts = data[0]};
    struct td_flow_limits lim = {
        .max_flows = 4,
        .max_buffered = 512,
        .max_total = 1024,
        .idle_usec = 1000000,
    };
    struct td_flowtab *t = td_flowtab_new(&cbs, &z, &lim);
    if (!t)
        return 0;
    if (data[0] & 1) {
        frames(t, data + 1, size - 1);
    } else if (size > 1) {
        /* fmemopen needs a writable-looking buffer; it only reads. */
        uint8_t *copy = malloc(size - 1);
        if (copy) {
            memcpy(copy, data + 1, size - 1);
            FILE *fp = fmemopen(copy, size - 1, "rb");
            char err[256];
            struct td_pcapsrc *s = fp ? td_pcap_open_fp(fp, err, sizeof(err))
                                      : NULL;
            if (s) {
                z.src = s;
                if (data[0] & 32)
                    td_pcap_set_filter(s, "tcp or udp", err, sizeof(err));
                td_pcap_run(s, t, 0, err, sizeof(err));
                uint64_t done, total;
                td_pcap_progress(s, &done, &total);
                td_pcap_close(s);
                z.src = NULL; /* td_flowtab_end below still calls out */
            }
            free(copy);
        }
    }
    td_flowtab_end(t, NULL);
    struct td_flow_stats st;
    td_flowtab_stats(t, &st);
    if (st.peak_flows > lim.max_flows || st.peak_buffered > lim.max_total)
        abort();
    td_flowtab_free(t);
    return 0;
}
