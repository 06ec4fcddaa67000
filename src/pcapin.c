/* pcapin.c - packets from pcap/pcapng files or a live interface, and the
 * link layers down to IP.
 *
 * Implementation notes
 * - Classic pcap files (any variant libpcap knows: micro/nanosecond,
 *   either byte order) and live capture are read with libpcap
 *   (pcap_next_ex).
 * - pcapng files are read here, block by block (pcapng draft,
 *   draft-ietf-opsawg-pcapng): libpcap 1.10 gives one link type per
 *   handle and fails the first read of a file whose interfaces (IDBs)
 *   have different link types ("an interface has a type 0 different from
 *   the type of the first interface"), which is what a capture on several
 *   interfaces at once gives.  Every block is length-checked (at most
 *   TD_PCAPNG_MAX_BLOCK, a multiple of 4, trailer equal to header) and
 *   parsed with the bounded cursor; interfaces per section are capped.
 * - A file is recognised by its first four bytes; a stream that cannot
 *   seek back (a pipe) gets them replayed through a cookie FILE.
 * - A BPF filter on a file is applied per packet (pcap_offline_filter)
 *   rather than inside libpcap, so packet numbers stay the file's frame
 *   numbers as tshark counts them; for pcapng one program per link type
 *   met, compiled on pcap_open_dead.  Live capture filters in the kernel.
 * - Link layers (td_link_to_ip): Ethernet II / 802.3 with LLC-SNAP,
 *   802.1Q, 802.1ad and the old QinQ types 0x9100/0x9200, PPPoE session,
 *   MPLS (unicast and multicast, with the RFC 4385 control word before an
 *   Ethernet pseudowire), Linux SLL and SLL2, raw IP (DLT_RAW and
 *   LINKTYPE_RAW 101), DLT_IPV4/DLT_IPV6, BSD NULL/LOOP (family in either
 *   byte order), PPP (with or without HDLC framing), PPP over serial,
 *   PPPoE without Ethernet, Cisco HDLC.
 */
#define _GNU_SOURCE /* fopencookie */

#include "tlsdiag/pcapin.h"

#include "cursor.h"
#include "tlsdiag/err.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger than any packet a capture tool writes (libpcap: 256 KiB). */
#define TD_PCAPNG_MAX_BLOCK (16u * 1024u * 1024u)
#define TD_PCAPNG_MAX_IFS 4096u
#define TD_PCAP_MAX_FILTERS 16
#define TD_PCAP_IOBUF (256u * 1024u)
#define TD_LINK_MAX_TAGS 16   /* VLAN tags, MPLS labels, nestings */
#define TD_LINKTYPE_RAW 101   /* LINKTYPE_RAW in files; DLT_RAW in memory */

#if DLT_RAW == TD_LINKTYPE_RAW
#error "DLT_RAW collides with LINKTYPE_RAW"
#endif

/* ---- link layers ---- */

/* The rest of the frame as the IP packet. */
static const uint8_t *link_rest(struct td_cur *c, size_t *iplen)
{
    const uint8_t *p;
    size_t n = td_cur_left(c);
    if (n == 0 || !td_cur_bytes(c, n, &p))
        return NULL;
    *iplen = n;
    return p;
}

/* The rest as IP when its version nibble says IPv4 (want 4), IPv6 (6),
 * or either (0). */
static const uint8_t *link_ip(struct td_cur *c, int want, size_t *iplen)
{
    uint8_t v;
    if (!td_cur_peek_u8(c, 0, &v))
        return NULL;
    v >>= 4;
    if ((v != 4 && v != 6) || (want && v != want))
        return NULL;
    return link_rest(c, iplen);
}

/* PPP protocol field (RFC 1661 2), 1 byte when compressed (odd first
 * byte); 0x0021 IPv4, 0x0057 IPv6. */
static const uint8_t *link_ppp_proto(struct td_cur *c, size_t *iplen)
{
    uint8_t b0, b1;
    uint16_t proto;
    if (!td_cur_u8(c, &b0))
        return NULL;
    if (b0 & 1) {
        proto = b0;
    } else {
        if (!td_cur_u8(c, &b1))
            return NULL;
        proto = (uint16_t)(b0 << 8 | b1);
    }
    if (proto == 0x0021)
        return link_ip(c, 4, iplen);
    if (proto == 0x0057)
        return link_ip(c, 6, iplen);
    return NULL;
}

/* PPPoE session stage (RFC 2516 4):
 *   ver/type(1) = 0x11, code(1) = 0, session id(2), length(2), then PPP.
 * The length covers the PPP protocol and payload; padding after it is
 * cut. */
static const uint8_t *link_pppoe(struct td_cur *c, size_t *iplen)
{
    const uint8_t *h, *b;
    if (!td_cur_bytes(c, 6, &h) || h[0] != 0x11 || h[1] != 0)
        return NULL;
    size_t len = (size_t)(h[4] << 8 | h[5]);
    if (len > td_cur_left(c))
        len = td_cur_left(c); /* cut by the snaplen */
    if (len == 0 || !td_cur_bytes(c, len, &b))
        return NULL;
    struct td_cur sub;
    td_cur_init(&sub, b, len, 0);
    return link_ppp_proto(&sub, iplen);
}

/* From an Ethernet type on: tags, PPPoE, MPLS, down to IP. */
static const uint8_t *link_ethertype(struct td_cur *c, uint16_t type,
                                     size_t *iplen)
{
    for (int depth = 0; depth < TD_LINK_MAX_TAGS; depth++) {
        const uint8_t *h;
        switch (type) {
        case 0x0800:
            return link_ip(c, 4, iplen);
        case 0x86dd:
            return link_ip(c, 6, iplen);
        case 0x8100: /* 802.1Q: TCI(2) type(2) */
        case 0x88a8: /* 802.1ad service tag */
        case 0x9100: /* pre-standard QinQ */
        case 0x9200:
            if (!td_cur_bytes(c, 4, &h))
                return NULL;
            type = (uint16_t)(h[2] << 8 | h[3]);
            continue;
        case 0x8864:
            return link_pppoe(c, iplen);
        case 0x8847: /* MPLS (RFC 3032 2.1): label(20) tc(3) S(1) ttl(8) */
        case 0x8848:
            for (int i = 0;; i++) {
                if (i == TD_LINK_MAX_TAGS || !td_cur_bytes(c, 4, &h))
                    return NULL;
                if (h[2] & 1)
                    break; /* bottom of stack */
            }
            uint8_t v;
            if (!td_cur_peek_u8(c, 0, &v))
                return NULL;
            if ((v >> 4) == 4 || (v >> 4) == 6)
                return link_ip(c, 0, iplen);
            /* RFC 4385 control word, then an Ethernet frame whose type
             * this loop reads: nestings count against the same limit. */
            if (v >> 4 != 0 || !td_cur_skip(c, 4) || !td_cur_bytes(c, 14, &h))
                return NULL;
            type = (uint16_t)(h[12] << 8 | h[13]);
            continue;
        default:
            break;
        }
        /* IEEE 802.3 length, then 802.2 LLC with SNAP (RFC 1042):
         * AA AA 03, OUI(3), type(2). */
        if (type > 1500 || !td_cur_bytes(c, 8, &h) || h[0] != 0xaa
            || h[1] != 0xaa || h[2] != 0x03)
            return NULL;
        type = (uint16_t)(h[6] << 8 | h[7]);
    }
    return NULL;
}

/* Ethernet II (IEEE 802.3 3.1): dst(6) src(6) type or length(2).  Linux
 * loopback captures have all-zero addresses. */
static const uint8_t *link_ethernet(struct td_cur *c, size_t *iplen)
{
    const uint8_t *h;
    if (!td_cur_bytes(c, 14, &h))
        return NULL;
    return link_ethertype(c, (uint16_t)(h[12] << 8 | h[13]), iplen);
}

/* BSD loopback: a 4-byte address family in the capturing host's byte
 * order (DLT_NULL) or network order (DLT_LOOP); both are accepted for
 * both, as files move between hosts.  2 is AF_INET everywhere; AF_INET6 is
 * 24 (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly), 30 (macOS). */
static const uint8_t *link_null(struct td_cur *c, size_t *iplen)
{
    uint32_t af;
    if (!td_cur_u32(c, &af))
        return NULL;
    if (af > 0xffff)
        af = __builtin_bswap32(af);
    if (af == 2)
        return link_ip(c, 4, iplen);
    if (af == 24 || af == 28 || af == 30)
        return link_ip(c, 6, iplen);
    return NULL;
}

const uint8_t *td_link_to_ip(int dlt, const uint8_t *p, size_t n,
                             size_t *iplen)
{
    struct td_cur c;
    const uint8_t *h;
    uint8_t b;
    td_cur_init(&c, p, n, 0);
    switch (dlt) {
    case DLT_EN10MB:
        return link_ethernet(&c, iplen);
    case DLT_LINUX_SLL:
        /* pkttype(2) hatype(2) halen(2) addr(8) protocol(2) */
        if (!td_cur_bytes(&c, 16, &h))
            return NULL;
        return link_ethertype(&c, (uint16_t)(h[14] << 8 | h[15]), iplen);
    case DLT_LINUX_SLL2:
        /* protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
         * halen(1) addr(8) */
        if (!td_cur_bytes(&c, 20, &h))
            return NULL;
        return link_ethertype(&c, (uint16_t)(h[0] << 8 | h[1]), iplen);
    case DLT_RAW:
    case TD_LINKTYPE_RAW:
        return link_ip(&c, 0, iplen);
    case DLT_IPV4:
        return link_ip(&c, 4, iplen);
    case DLT_IPV6:
        return link_ip(&c, 6, iplen);
    case DLT_NULL:
    case DLT_LOOP:
        return link_null(&c, iplen);
    case DLT_PPP:
    case DLT_PPP_SERIAL:
        /* RFC 1662 3.1: address 0xff, control 0x03, unless compressed
         * away (then the frame starts with the protocol). */
        if (td_cur_peek_u8(&c, 0, &b) && b == 0xff && !td_cur_skip(&c, 2))
            return NULL;
        return link_ppp_proto(&c, iplen);
    case DLT_PPP_ETHER:
        return link_pppoe(&c, iplen);
    case DLT_C_HDLC:
        /* Cisco HDLC: address(1) control(1) Ethernet type(2) */
        if (!td_cur_bytes(&c, 4, &h))
            return NULL;
        return link_ethertype(&c, (uint16_t)(h[2] << 8 | h[3]), iplen);
    default:
        return NULL;
    }
}

bool td_link_supported(int dlt)
{
    /* The link types td_link_to_ip() reads. */
    switch (dlt) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
    case TD_LINKTYPE_RAW: case DLT_IPV4: case DLT_IPV6: case DLT_NULL:
    case DLT_LOOP: case DLT_PPP: case DLT_PPP_SERIAL: case DLT_PPP_ETHER:
    case DLT_C_HDLC:
        return true;
    default:
        return false;
    }
}

const char *td_link_name(int dlt)
{
    return pcap_datalink_val_to_name(dlt);
}

/* ---- the packet source ---- */

struct td_ngif {
    int dlt;
    uint32_t snaplen;
    uint8_t tsresol; /* if_tsresol: bit 7 set: 2^-n, else 10^-n */
    int64_t tsoffset; /* if_tsoffset, seconds */
};

struct td_filter {
    int dlt;
    bool ok; /* compiled; a link type the filter cannot express drops */
    struct bpf_program prog;
};

/* A replayed prefix in front of a stream that cannot seek (a pipe). */
struct td_replay {
    FILE *inner;
    uint8_t pre[4];
    size_t npre, used;
};

struct td_pcapsrc {
    pcap_t *pc;  /* classic pcap file or live: libpcap */
    FILE *fp;    /* pcapng: read here */
    FILE *owned; /* the stream under everything, closed at the end */
    int dlt;     /* libpcap's link type */
    bool live;
    volatile sig_atomic_t stop;
    uint64_t packets; /* packets read: the last one's number */
    /* packets of a link type td_link_to_ip() does not read */
    uint64_t unsup, unsup_first;
    int unsup_dlt;
    uint64_t last_ts; /* the last time stamp (for blocks without one) */
    uint64_t size;
    char *iobuf;
    char *bpf;
    struct td_filter filt[TD_PCAP_MAX_FILTERS];
    int nfilt;
    /* pcapng state */
    uint8_t *blk;
    size_t blkcap;
    bool ng_le;      /* the section is little-endian */
    bool ng_section; /* a section header was read */
    uint64_t ng_off; /* file offset of the next block */
    struct td_ngif *ifs;
    uint32_t nifs, ifcap;
    uint8_t ng_magic[4]; /* first block type, already read by the probe */
    bool ng_have_magic;
};

/* One packet as read from any source. */
struct td_rawpkt {
    int dlt;
    uint64_t ts_usec;
    uint32_t caplen, len;
    const uint8_t *data;
};

static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (!errbuf || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

static ssize_t replay_read(void *cookie, char *buf, size_t n)
{
    struct td_replay *r = cookie;
    if (r->used < r->npre) {
        size_t k = r->npre - r->used;
        if (k > n)
            k = n;
        memcpy(buf, r->pre + r->used, k);
        r->used += k;
        return (ssize_t)k;
    }
    size_t got = fread(buf, 1, n, r->inner);
    if (got == 0 && ferror(r->inner))
        return -1;
    return (ssize_t)got;
}

static int replay_close(void *cookie)
{
    free(cookie);
    return 0;
}

static void free_filters(struct td_pcapsrc *s)
{
    for (int i = 0; i < s->nfilt; i++) {
        if (s->filt[i].ok)
            pcap_freecode(&s->filt[i].prog);
    }
    s->nfilt = 0;
    free(s->bpf);
    s->bpf = NULL;
}

void td_pcap_close(struct td_pcapsrc *s)
{
    if (!s)
        return;
    free_filters(s);
    if (s->pc)
        pcap_close(s->pc); /* closes the FILE it read (not stdin) */
    else if (s->fp && s->fp != stdin)
        fclose(s->fp);
    if (s->owned && s->owned != stdin)
        fclose(s->owned);
    free(s->blk);
    free(s->ifs);
    free(s->iobuf);
    free(s);
}

/* Hand fp to libpcap (classic pcap and its variants). */
static struct td_pcapsrc *open_libpcap(struct td_pcapsrc *s, FILE *fp,
                                       char *errbuf, size_t errlen)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    s->pc = pcap_fopen_offline(fp, pe);
    if (!s->pc) {
        set_err(errbuf, errlen, "%s", pe);
        if (fp != s->owned && fp != stdin)
            fclose(fp);
        td_pcap_close(s);
        return NULL;
    }
    s->dlt = pcap_datalink(s->pc);
    return s;
}

struct td_pcapsrc *td_pcap_open_fp(FILE *fp, char *errbuf, size_t errlen)
{
    if (!fp) {
        set_err(errbuf, errlen, "no file");
        return NULL;
    }
    struct td_pcapsrc *s = calloc(1, sizeof(*s));
    if (!s) {
        set_err(errbuf, errlen, "out of memory");
        if (fp != stdin)
            fclose(fp);
        return NULL;
    }
    struct stat st;
    int fd = fileno(fp);
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        s->size = (uint64_t)st.st_size;

    uint8_t m[4];
    long pos = ftell(fp);
    size_t got = fread(m, 1, sizeof(m), fp);
    if (got == 4 && memcmp(m, "\x0a\x0d\x0d\x0a", 4) == 0) {
        /* pcapng: read here; the probe's four bytes are the first
         * block's type. */
        s->fp = fp;
        memcpy(s->ng_magic, m, 4);
        s->ng_have_magic = true;
        s->ng_off = pos >= 0 ? (uint64_t)pos : 0;
        return s;
    }
    if (pos >= 0 && fseek(fp, pos, SEEK_SET) == 0)
        return open_libpcap(s, fp, errbuf, errlen);
    /* A pipe: replay the probed bytes in front of the stream. */
    struct td_replay *r = calloc(1, sizeof(*r));
    cookie_io_functions_t io = {.read = replay_read, .close = replay_close};
    FILE *rf = r ? fopencookie(r, "rb", io) : NULL;
    if (!rf) {
        free(r);
        set_err(errbuf, errlen, "out of memory");
        if (fp != stdin)
            fclose(fp);
        free(s);
        return NULL;
    }
    r->inner = fp;
    memcpy(r->pre, m, got);
    r->npre = got;
    s->owned = fp;
    return open_libpcap(s, rf, errbuf, errlen);
}

struct td_pcapsrc *td_pcap_open_file(const char *path, char *errbuf,
                                     size_t errlen)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        set_err(errbuf, errlen, "%s", strerror(errno));
        return NULL;
    }
    /* A large stdio buffer: fewer read() calls for libpcap and for the
     * pcapng reader alike. */
    char *iobuf = NULL;
    if (fp != stdin) {
        iobuf = malloc(TD_PCAP_IOBUF);
        if (iobuf)
            setvbuf(fp, iobuf, _IOFBF, TD_PCAP_IOBUF);
    }
    char pe[PCAP_ERRBUF_SIZE] = "";
    struct td_pcapsrc *s = td_pcap_open_fp(fp, pe, sizeof(pe));
    if (!s) {
        set_err(errbuf, errlen, "%s", pe);
        free(iobuf);
        return NULL;
    }
    s->iobuf = iobuf;
    return s;
}

struct td_pcapsrc *td_pcap_open_live(const char *iface, char *errbuf,
                                     size_t errlen)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    struct td_pcapsrc *s = calloc(1, sizeof(*s));
    if (!s) {
        set_err(errbuf, errlen, "out of memory");
        return NULL;
    }
    s->live = true;
    s->pc = pcap_create(iface, pe);
    if (!s->pc) {
        set_err(errbuf, errlen, "%s", pe);
        free(s);
        return NULL;
    }
    pcap_set_snaplen(s->pc, 65535);
    pcap_set_promisc(s->pc, 0);
    pcap_set_timeout(s->pc, 100);
    pcap_set_immediate_mode(s->pc, 1);
    int rc = pcap_activate(s->pc);
    if (rc < 0) {
        /* The message names what failed (permission, no such device). */
        const char *why = pcap_geterr(s->pc);
        const char *status = pcap_statustostr(rc);
        if (!why || !*why || strcmp(why, status) == 0)
            why = "";
        set_err(errbuf, errlen, "%s%s%s", status, *why ? ": " : "", why);
        td_pcap_close(s);
        return NULL;
    }
    s->dlt = pcap_datalink(s->pc);
    return s;
}

/* Compile bpf for one link type on a dead handle. */
static bool compile_for(const char *bpf, int dlt, struct bpf_program *prog,
                        char *errbuf, size_t errlen)
{
    pcap_t *dead = pcap_open_dead(dlt, 262144);
    if (!dead) {
        set_err(errbuf, errlen, "out of memory");
        return false;
    }
    bool ok = pcap_compile(dead, prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (!ok)
        set_err(errbuf, errlen, "%s", pcap_geterr(dead));
    pcap_close(dead);
    return ok;
}

int td_pcap_set_filter(struct td_pcapsrc *s, const char *bpf, char *errbuf,
                       size_t errlen)
{
    free_filters(s);
    if (!bpf || !*bpf)
        return 0;
    struct bpf_program prog;
    if (s->live) {
        if (pcap_compile(s->pc, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            set_err(errbuf, errlen, "%s", pcap_geterr(s->pc));
            return TD_ERR_USAGE;
        }
        int rc = pcap_setfilter(s->pc, &prog);
        if (rc != 0)
            set_err(errbuf, errlen, "%s", pcap_geterr(s->pc));
        pcap_freecode(&prog);
        return rc == 0 ? 0 : TD_ERR_USAGE;
    }
    if (s->pc) {
        /* A classic file: one link type, known now. */
        if (!compile_for(bpf, s->dlt, &prog, errbuf, errlen))
            return TD_ERR_USAGE;
        s->filt[0].dlt = s->dlt;
        s->filt[0].ok = true;
        s->filt[0].prog = prog;
        s->nfilt = 1;
    } else {
        /* pcapng: the link types come with the interfaces; check the
         * syntax now against Ethernet or raw IP. */
        if (!compile_for(bpf, DLT_EN10MB, &prog, errbuf, errlen)
            && !compile_for(bpf, DLT_RAW, &prog, NULL, 0))
            return TD_ERR_USAGE;
        pcap_freecode(&prog);
    }
    s->bpf = strdup(bpf);
    if (!s->bpf) {
        free_filters(s);
        set_err(errbuf, errlen, "out of memory");
        return TD_ERR_NOMEM;
    }
    return 0;
}

static bool filter_match(struct td_pcapsrc *s, const struct td_rawpkt *r)
{
    struct td_filter *f = NULL;
    for (int i = 0; i < s->nfilt; i++) {
        if (s->filt[i].dlt == r->dlt) {
            f = &s->filt[i];
            break;
        }
    }
    if (!f) {
        if (s->nfilt == TD_PCAP_MAX_FILTERS)
            return false;
        f = &s->filt[s->nfilt++];
        f->dlt = r->dlt;
        f->ok = compile_for(s->bpf, r->dlt, &f->prog, NULL, 0);
    }
    if (!f->ok)
        return false;
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof(h));
    h.caplen = r->caplen;
    h.len = r->len;
    return pcap_offline_filter(&f->prog, &h, r->data) != 0;
}

/* ---- libpcap reading ---- */

/* 1 packet, 0 end (or stopped), 2 nothing yet (live timeout), -1 error. */
static int lp_next(struct td_pcapsrc *s, struct td_rawpkt *r, char *errbuf,
                   size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int rc = pcap_next_ex(s->pc, &h, &d);
    if (rc == 1) {
        r->dlt = s->dlt;
        r->caplen = h->caplen;
        r->len = h->len;
        r->data = d;
        r->ts_usec = h->ts.tv_sec < 0 ? 0
                                      : (uint64_t)h->ts.tv_sec * 1000000u
                                            + (uint64_t)h->ts.tv_usec;
        return 1;
    }
    if (rc == 0)
        return 2;
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    set_err(errbuf, errlen, "packet %llu: %s",
            (unsigned long long)s->packets + 1, pcap_geterr(s->pc));
    return -1;
}

/* ---- pcapng reading ---- */

static bool ng_u16(struct td_pcapsrc *s, struct td_cur *c, uint16_t *v)
{
    if (!td_cur_u16(c, v))
        return false;
    if (s->ng_le)
        *v = __builtin_bswap16(*v);
    return true;
}

static bool ng_u32(struct td_pcapsrc *s, struct td_cur *c, uint32_t *v)
{
    if (!td_cur_u32(c, v))
        return false;
    if (s->ng_le)
        *v = __builtin_bswap32(*v);
    return true;
}

/* LINKTYPE_ values in files to DLT_ values in memory: they differ only
 * where a DLT number is not the same on every platform. */
static int linktype_to_dlt(uint16_t lt)
{
    if (lt == TD_LINKTYPE_RAW)
        return DLT_RAW;
    if (lt == 108)
        return DLT_LOOP;
    return lt;
}

/* Capture time in microseconds from a 64-bit count of if_tsresol units. */
static uint64_t ng_usec(const struct td_ngif *ifc, uint64_t ts)
{
    uint64_t us;
    uint8_t r = ifc->tsresol;
    if (r & 0x80) {
        unsigned sh = r & 0x7f;
        if (sh > 63)
            return 0;
        uint64_t whole = sh ? ts >> sh : ts;
        uint64_t frac = sh ? ts & ((1ull << sh) - 1) : 0;
        if (sh > 40) {
            frac >>= sh - 40;
            sh = 40;
        }
        us = whole * 1000000u + (sh ? (frac * 1000000u) >> sh : 0);
    } else if (r > 6) {
        uint64_t div = 1;
        for (unsigned i = 6; i < r && i < 26; i++)
            div *= 10;
        us = r < 26 ? ts / div : 0;
    } else {
        us = ts;
        for (unsigned i = r; i < 6; i++)
            us *= 10;
    }
    int64_t off = ifc->tsoffset;
    if (off >= 0)
        return us + (uint64_t)off * 1000000u;
    uint64_t neg = (uint64_t)(-(off + 1)) + 1;
    return us > neg * 1000000u ? us - neg * 1000000u : 0;
}

/* Interface Description Block (pcapng 4.2):
 *   link type(2) reserved(2) snaplen(4) options
 * options (pcapng 3.5): code(2) length(2) value, padded to 4; code 0
 * ends them.  if_tsresol (9): 1 byte; if_tsoffset (14): 8 bytes. */
static int ng_idb(struct td_pcapsrc *s, struct td_cur *c, char *errbuf,
                  size_t errlen)
{
    uint16_t lt, res, code, olen;
    uint32_t snap;
    if (!ng_u16(s, c, &lt) || !ng_u16(s, c, &res) || !ng_u32(s, c, &snap)) {
        set_err(errbuf, errlen, "interface description block too short");
        return -1;
    }
    if (s->nifs == TD_PCAPNG_MAX_IFS) {
        set_err(errbuf, errlen, "more than %u interfaces",
                TD_PCAPNG_MAX_IFS);
        return -1;
    }
    if (s->nifs == s->ifcap) {
        uint32_t nc = s->ifcap ? s->ifcap * 2 : 8;
        struct td_ngif *n = realloc(s->ifs, nc * sizeof(*n));
        if (!n) {
            set_err(errbuf, errlen, "out of memory");
            return -1;
        }
        s->ifs = n;
        s->ifcap = nc;
    }
    struct td_ngif *ifc = &s->ifs[s->nifs++];
    ifc->dlt = linktype_to_dlt(lt);
    ifc->snaplen = snap;
    ifc->tsresol = 6;
    ifc->tsoffset = 0;
    while (ng_u16(s, c, &code) && ng_u16(s, c, &olen) && code != 0) {
        const uint8_t *v;
        size_t padded = ((size_t)olen + 3) & ~(size_t)3;
        if (!td_cur_bytes(c, padded, &v))
            break; /* a cut option list: keep what was read */
        if (code == 9 && olen >= 1) {
            ifc->tsresol = v[0];
        } else if (code == 14 && olen == 8) {
            uint64_t x = 0;
            for (int i = 0; i < 8; i++)
                x = s->ng_le ? x | (uint64_t)v[i] << (8 * i)
                             : x << 8 | v[i];
            ifc->tsoffset = (int64_t)x;
        }
    }
    return 0;
}

/* Packet blocks: Enhanced (4.3), Simple (4.4), obsolete Packet (A). */
static int ng_packet(struct td_pcapsrc *s, uint32_t type, struct td_cur *c,
                     struct td_rawpkt *r, char *errbuf, size_t errlen)
{
    uint32_t ifid = 0, hi = 0, lo = 0, caplen = 0, len = 0;
    uint16_t id16, drops;
    bool ok;
    if (type == 6) {
        /* EPB: interface(4) ts high(4) ts low(4) caplen(4) len(4) data */
        ok = ng_u32(s, c, &ifid) && ng_u32(s, c, &hi) && ng_u32(s, c, &lo)
             && ng_u32(s, c, &caplen) && ng_u32(s, c, &len);
    } else if (type == 2) {
        /* PB: interface(2) drops(2) ts high(4) ts low(4) caplen(4) len(4) */
        ok = ng_u16(s, c, &id16) && ng_u16(s, c, &drops) && ng_u32(s, c, &hi)
             && ng_u32(s, c, &lo) && ng_u32(s, c, &caplen)
             && ng_u32(s, c, &len);
        ifid = id16;
    } else {
        /* SPB: original length(4) data; no time stamp */
        ok = ng_u32(s, c, &len);
        if (ok) {
            caplen = len;
            if (s->nifs && s->ifs[0].snaplen && caplen > s->ifs[0].snaplen)
                caplen = s->ifs[0].snaplen;
            if (caplen > td_cur_left(c))
                caplen = (uint32_t)td_cur_left(c);
        }
    }
    if (!ok) {
        set_err(errbuf, errlen, "packet block too short");
        return -1;
    }
    if (ifid >= s->nifs) {
        set_err(errbuf, errlen, "packet on undeclared interface %u", ifid);
        return -1;
    }
    if (caplen > td_cur_left(c)) {
        set_err(errbuf, errlen, "captured length %u beyond the block",
                caplen);
        return -1;
    }
    const struct td_ngif *ifc = &s->ifs[ifid];
    r->dlt = ifc->dlt;
    r->caplen = caplen;
    r->len = len < caplen ? caplen : len;
    r->data = NULL;
    if (caplen)
        td_cur_bytes(c, caplen, &r->data);
    else
        r->data = (const uint8_t *)"";
    /* An SPB has no time stamp: the previous packet's. */
    r->ts_usec = type == 3 ? s->last_ts : ng_usec(ifc, (uint64_t)hi << 32 | lo);
    return 1;
}

/* Read n bytes; false (with errbuf set) when the file ends first. */
static bool ng_read(struct td_pcapsrc *s, uint8_t *p, size_t n,
                    const char *what, char *errbuf, size_t errlen)
{
    size_t got = fread(p, 1, n, s->fp);
    if (got == n)
        return true;
    if (ferror(s->fp))
        set_err(errbuf, errlen, "read error: %s", strerror(errno));
    else
        set_err(errbuf, errlen,
                "truncated %s at offset %llu (%zu of %zu bytes)", what,
                (unsigned long long)s->ng_off, got, n);
    return false;
}

/* Block (pcapng 3.1): type(4) total length(4) body total length(4).
 * The Section Header Block's type reads the same in both byte orders;
 * its byte-order magic 0x1A2B3C4D sets the section's. */
static int ng_block(struct td_pcapsrc *s, struct td_rawpkt *r, char *errbuf,
                    size_t errlen)
{
    uint8_t hdr[12];
    size_t hl = 8;
    if (s->ng_have_magic) {
        memcpy(hdr, s->ng_magic, 4);
        s->ng_have_magic = false;
        if (!ng_read(s, hdr + 4, 4, "block header", errbuf, errlen))
            return -1;
    } else {
        size_t got = fread(hdr, 1, 8, s->fp);
        if (got == 0 && !ferror(s->fp))
            return 0; /* end of file between blocks */
        if (got != 8) {
            if (ferror(s->fp))
                set_err(errbuf, errlen, "read error: %s", strerror(errno));
            else
                set_err(errbuf, errlen,
                        "truncated block header at offset %llu",
                        (unsigned long long)s->ng_off);
            return -1;
        }
    }
    bool shb = memcmp(hdr, "\x0a\x0d\x0d\x0a", 4) == 0;
    if (shb) {
        if (!ng_read(s, hdr + 8, 4, "section header", errbuf, errlen))
            return -1;
        hl = 12;
        if (memcmp(hdr + 8, "\x1a\x2b\x3c\x4d", 4) == 0)
            s->ng_le = false;
        else if (memcmp(hdr + 8, "\x4d\x3c\x2b\x1a", 4) == 0)
            s->ng_le = true;
        else {
            set_err(errbuf, errlen, "bad byte-order magic at offset %llu",
                    (unsigned long long)s->ng_off);
            return -1;
        }
        s->ng_section = true;
        s->nifs = 0; /* interfaces are per section */
    } else if (!s->ng_section) {
        set_err(errbuf, errlen, "no section header block");
        return -1;
    }
    struct td_cur hc;
    uint32_t type, total;
    td_cur_init(&hc, hdr, hl, 0);
    ng_u32(s, &hc, &type);
    ng_u32(s, &hc, &total);
    if (total < 12 + (shb ? 16u : 0u) || total % 4 != 0
        || total > TD_PCAPNG_MAX_BLOCK) {
        set_err(errbuf, errlen, "bad block length %u at offset %llu", total,
                (unsigned long long)s->ng_off);
        return -1;
    }
    if (total > s->blkcap) {
        size_t nc = s->blkcap ? s->blkcap : 65536;
        while (nc < total)
            nc *= 2;
        uint8_t *nb = realloc(s->blk, nc);
        if (!nb) {
            set_err(errbuf, errlen, "out of memory");
            return -1;
        }
        s->blk = nb;
        s->blkcap = nc;
    }
    memcpy(s->blk, hdr, hl);
    if (!ng_read(s, s->blk + hl, total - hl, "block", errbuf, errlen))
        return -1;
    struct td_cur c, tc;
    uint32_t trailer;
    td_cur_init(&tc, s->blk + total - 4, 4, 0);
    ng_u32(s, &tc, &trailer);
    if (trailer != total) {
        set_err(errbuf, errlen,
                "block at offset %llu: trailing length %u, not %u",
                (unsigned long long)s->ng_off, trailer, total);
        return -1;
    }
    s->ng_off += total;
    td_cur_init(&c, s->blk + 8, total - 12, 0);
    switch (type) {
    case 0x0a0d0d0a: {
        /* SHB (4.1): magic(4) major(2) minor(2) section length(8) */
        uint16_t major;
        td_cur_skip(&c, 4);
        if (!ng_u16(s, &c, &major) || major != 1) {
            set_err(errbuf, errlen, "pcapng version %u not supported",
                    major);
            return -1;
        }
        return 2;
    }
    case 1:
        return ng_idb(s, &c, errbuf, errlen) < 0 ? -1 : 2;
    case 2:
    case 3:
    case 6:
        return ng_packet(s, type, &c, r, errbuf, errlen);
    case 9:          /* systemd journal export */
    case 0x00000bad: /* custom, copyable */
    case 0x40000bad: /* custom, not copyable */
        /* Frames for tshark (numbered, shown): numbered here too, so
         * packet numbers stay tshark's; no link layer, nothing in it. */
        r->dlt = -1;
        r->caplen = r->len = 0;
        r->data = (const uint8_t *)"";
        r->ts_usec = s->last_ts;
        return 1;
    default:
        return 2; /* statistics, name resolution, secrets...: skipped */
    }
}

/* 1 packet, 0 end, -1 error (errbuf: "packet N: why"). */
static int ng_next(struct td_pcapsrc *s, struct td_rawpkt *r, char *errbuf,
                   size_t errlen)
{
    char why[256];
    for (;;) {
        int rc = ng_block(s, r, why, sizeof(why));
        if (rc == 2)
            continue;
        if (rc < 0)
            set_err(errbuf, errlen, "packet %llu: pcapng: %s",
                    (unsigned long long)s->packets + 1, why);
        return rc;
    }
}

int td_pcap_run(struct td_pcapsrc *s, struct td_flowtab *t,
                uint64_t max_packets, char *errbuf, size_t errlen)
{
    uint64_t n = 0;
    struct td_rawpkt r;
    while (!s->stop && (max_packets == 0 || n < max_packets)) {
        int rc = s->pc ? lp_next(s, &r, errbuf, errlen)
                       : ng_next(s, &r, errbuf, errlen);
        if (rc == 0)
            break;
        if (rc < 0)
            return TD_ERR_IO;
        if (rc == 2)
            continue;
        n++;
        s->packets++;
        s->last_ts = r.ts_usec;
        if (r.dlt >= 0 && !td_link_supported(r.dlt) && s->unsup++ == 0) {
            s->unsup_first = s->packets;
            s->unsup_dlt = r.dlt;
        }
        if (s->bpf && (r.dlt < 0 || !filter_match(s, &r)))
            continue;
        struct td_pktinfo pi = {.packet = s->packets, .ts_usec = r.ts_usec};
        td_flowtab_frame(t, r.dlt, r.data, r.caplen, r.len, &pi);
    }
    return 0;
}

void td_pcap_unsupported(const struct td_pcapsrc *s, uint64_t *count,
                         uint64_t *first, int *dlt)
{
    *count = s->unsup;
    *first = s->unsup_first;
    *dlt = s->unsup_dlt;
}

void td_pcap_stop(struct td_pcapsrc *s)
{
    s->stop = 1;
    if (s->pc)
        pcap_breakloop(s->pc);
}

void td_pcap_progress(const struct td_pcapsrc *s, uint64_t *done,
                      uint64_t *total)
{
    *done = 0;
    *total = s->live ? 0 : s->size;
    if (s->live)
        return;
    FILE *fp = s->pc ? pcap_file(s->pc) : s->fp;
    long pos = fp ? ftell(fp) : -1;
    if (pos >= 0)
        *done = (uint64_t)pos;
    else if (!s->pc)
        *done = s->ng_off;
}
