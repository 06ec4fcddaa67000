/* pcap_floor.c - the floor of the pcap benchmark: the least a program
 * must do to read a capture into flows.
 *
 *     pcap_floor FILE
 *
 * A bare libpcap loop (pcap_open_offline, pcap_next_ex) that reads every
 * packet, parses Ethernet (with 802.1Q tags) / IPv4 or IPv6 / TCP, and
 * keeps a flow table: open addressing with linear probing over the
 * canonical 5-tuple (both directions one flow), a fixed-seed
 * multiply-xor hash, payload bytes counted per flow.  Nothing more: no
 * reassembly, no flow expiry, no callbacks.  `tlsdiag pcap` is measured
 * against it (tests/bench/bench_pcap.py).
 *
 * Prints "packets N flows M bytes B seconds S" on stdout.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct key {
    uint8_t a[16], b[16]; /* addresses, sorted */
    uint16_t pa, pb;      /* their ports */
    uint8_t fam, used;
    uint8_t pad[2];
};

struct slot {
    struct key k;
    uint64_t bytes;
};

struct table {
    struct slot *s;
    size_t cap, n; /* cap: a power of two */
};

static uint64_t hash(const struct key *k)
{
    uint64_t w[5], h = 0x9e3779b97f4a7c15ull;
    memcpy(w, k, sizeof(w));
    for (int i = 0; i < 5; i++) {
        h ^= w[i];
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return h;
}

static struct slot *find(struct table *t, const struct key *k)
{
    size_t i = (size_t)hash(k) & (t->cap - 1);
    while (t->s[i].k.used && memcmp(&t->s[i].k, k, sizeof(*k)) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->s[i];
}

static void grow(struct table *t)
{
    struct table n = {calloc(t->cap * 2, sizeof(struct slot)), t->cap * 2,
                      t->n};
    if (!n.s) {
        perror("calloc");
        exit(1);
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->s[i].k.used)
            *find(&n, &t->s[i].k) = t->s[i];
    }
    free(t->s);
    *t = n;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* One frame: Ethernet, IP, TCP; payload bytes to the flow. */
static void packet(struct table *t, const uint8_t *p, size_t n)
{
    if (n < 14)
        return;
    uint16_t type = be16(p + 12);
    size_t off = 14;
    while (type == 0x8100 && n >= off + 4) {
        type = be16(p + off + 2);
        off += 4;
    }
    struct key k;
    memset(&k, 0, sizeof(k));
    const uint8_t *src, *dst;
    size_t alen, l4, iplen;
    if (type == 0x0800 && n >= off + 20) {
        const uint8_t *ip = p + off;
        size_t ihl = (size_t)(ip[0] & 15) * 4;
        if (ip[9] != 6 || ihl < 20)
            return;
        k.fam = 4;
        src = ip + 12;
        dst = ip + 16;
        alen = 4;
        l4 = off + ihl;
        iplen = be16(ip + 2) - ihl;
    } else if (type == 0x86dd && n >= off + 40) {
        const uint8_t *ip = p + off;
        if (ip[6] != 6)
            return;
        k.fam = 6;
        src = ip + 8;
        dst = ip + 24;
        alen = 16;
        l4 = off + 40;
        iplen = be16(ip + 4);
    } else {
        return;
    }
    if (n < l4 + 20)
        return;
    const uint8_t *tcp = p + l4;
    uint16_t sp = be16(tcp), dp = be16(tcp + 2);
    size_t thl = (size_t)(tcp[12] >> 4) * 4;
    int c = memcmp(src, dst, alen);
    if (c < 0 || (c == 0 && sp <= dp)) {
        memcpy(k.a, src, alen);
        memcpy(k.b, dst, alen);
        k.pa = sp;
        k.pb = dp;
    } else {
        memcpy(k.a, dst, alen);
        memcpy(k.b, src, alen);
        k.pa = dp;
        k.pb = sp;
    }
    k.used = 1;
    struct slot *s = find(t, &k);
    if (!s->k.used) {
        s->k = k;
        if (++t->n * 2 > t->cap) {
            grow(t);
            s = find(t, &k);
        }
    }
    if (iplen > thl)
        s->bytes += iplen - thl;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_floor FILE\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(argv[1], err);
    if (!pc) {
        fprintf(stderr, "pcap_floor: %s\n", err);
        return 1;
    }
    struct table t = {calloc(1024, sizeof(struct slot)), 1024, 0};
    if (!t.s)
        return 1;
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t packets = 0;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
        packets++;
        packet(&t, d, h->caplen);
    }
    if (rc == PCAP_ERROR)
        fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(pc));
    pcap_close(pc);
    uint64_t bytes = 0;
    for (size_t i = 0; i < t.cap; i++)
        bytes += t.s[i].bytes;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec)
                  + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("packets %llu flows %zu bytes %llu seconds %.3f\n",
           (unsigned long long)packets, t.n, (unsigned long long)bytes, secs);
    free(t.s);
    return 0;
}
