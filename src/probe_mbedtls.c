/* probe_mbedtls.c - the full mbedTLS 2.28 handshake of `tlsdiag probe`;
 * see probembedtls.h.
 *
 * Implementation notes
 * - Time: one deadline (CLOCK_MONOTONIC, now_ms()) covers connect
 *   and handshake.  The socket is non-blocking: the bio callbacks answer
 *   WANT_READ/WANT_WRITE instead of waiting and the handshake loop polls
 *   for what is left of the deadline.  The callbacks check the deadline
 *   too: a server that keeps bytes coming (warning alerts, which 2.28
 *   skips one after another inside one mbedtls_ssl_handshake() call)
 *   would otherwise never let the library return WANT_READ.
 * - The alert the server sent: 2.28 has no API for a received alert.  The
 *   bio layer sees every byte, so both directions are fed to the
 *   project's decoder (decode.h), which reads the unencrypted alert
 *   records (before the server's ChangeCipherSpec) and everything the
 *   renderers show.  An alert that came encrypted is read from the record
 *   mbedTLS decrypted: on MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, ssl.in_msg
 *   still holds its level and description (2.x context fields are
 *   public).  The debug callback was not used: its threshold is a
 *   process-wide global (mbedtls_debug_set_threshold()), and the level-2
 *   line would be parsed text.
 * - Decoder input is capped per direction (PM_FEED_CAP) so a server
 *   streaming records cannot grow the model; the handshake itself goes on
 *   untouched.
 * - SNI and the name check: 2.28's mbedtls_ssl_set_hostname() sets both
 *   the server_name sent and the name verified.  When the two must differ
 *   (no SNI but a name to check, or two names), the handshake runs with
 *   authmode OPTIONAL and the chain the peer sent (copied by the verify
 *   callback) is verified afterwards with the right name
 *   (probe_verify.c).  device_ret then says what a device with authmode
 *   REQUIRED gets.
 * - Connecting is probe_net.c's way (literals never touch DNS, each
 *   address tried non-blocking within the deadline); getaddrinfo() is the
 *   one step the deadline cannot bound.
 * - After a connection error (the server closed or reset while mbedTLS
 *   was still sending: GnuTLS refusing an empty client Certificate does
 *   this), what the server sent before closing is read for a moment, so
 *   its alert is not lost.
 */
#include "tlsdiag/probembedtls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/version.h>

#include "decode_int.h"
#include "probe_mbedtls_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/probenet.h"

#define PM_ARENA_CAP (8u << 20)
/* Decoder input per direction.  2.28 takes no handshake message above
 * MBEDTLS_SSL_IN_CONTENT_LEN (16 KiB by default), so a whole server flight
 * fits many times over; a server flooding records stops being decoded
 * long before the model's arena is full. */
#define PM_FEED_CAP (64u << 10)
/* How long to read what a server sent before it closed. */
#define PM_DRAIN_MS 200u

struct pm_conn {
    int fd;
    uint64_t deadline;
    struct td_tls_session dec;
    bool dec_init, dec_on;
    size_t fed[2];
    size_t sent, received;
    bool eof, reset, timed_out;
};

/* Everything one handshake owns; freed in run_free(). */
struct pm_run {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt own;
    mbedtls_pk_context key;
    /* lists the config points to: 0 / NONE terminated */
    int suites[TD_PM_MAX_LIST + 1];
    mbedtls_ecp_group_id curves[TD_PM_MAX_LIST + 1];
    int hashes[TD_PM_MAX_LIST + 1];
    bool fallback;      /* TLS_FALLBACK_SCSV asked for */
    bool apart;         /* verify after the handshake */
    struct pm_conn conn;
    struct td_pm_vrec vrec;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int left_ms(uint64_t deadline)
{
    uint64_t t = now_ms();
    if (t >= deadline)
        return 0;
    uint64_t d = deadline - t;
    return d > 60000 ? 60000 : (int)d;
}

static int usage(struct td_pm_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage(struct td_pm_result *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof(out->message), fmt, ap);
    va_end(ap);
    return TD_ERR_USAGE;
}

static const char *mberr(int ret, char *buf, size_t cap)
{
    mbedtls_strerror(ret, buf, cap);
    return buf;
}

/* ---- bio: the socket and the decoder ----------------------------------- */

static void feed(struct pm_conn *c, int dir, const uint8_t *p, size_t n)
{
    if (!c->dec_on)
        return;
    if (n > PM_FEED_CAP - c->fed[dir]) {
        c->dec_on = false;
        td_hs_warn(c->dec.hs, "probe: decoding stopped after %zu bytes from "
                   "the %s", c->fed[dir], td_dir_name((enum td_dir)dir));
        return;
    }
    struct td_evidence where = {.offset = c->fed[dir] + 1};
    c->fed[dir] += n;
    if (td_tls_feed(&c->dec, dir, p, n, &where) != TD_OK) {
        c->dec_on = false;
        td_hs_warn(c->dec.hs, "probe: decoding stopped: model full");
    }
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct pm_conn *c = ctx;
    if (left_ms(c->deadline) == 0) {
        c->timed_out = true;
        return MBEDTLS_ERR_SSL_TIMEOUT;
    }
    ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return MBEDTLS_ERR_SSL_WANT_WRITE;
        /* as mbedtls_net_send() maps them */
        c->reset = errno == EPIPE || errno == ECONNRESET;
        return c->reset ? MBEDTLS_ERR_NET_CONN_RESET
                        : MBEDTLS_ERR_NET_SEND_FAILED;
    }
    c->sent += (size_t)w;
    feed(c, TD_DIR_CLIENT, buf, (size_t)w);
    return (int)w;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct pm_conn *c = ctx;
    if (left_ms(c->deadline) == 0) {
        c->timed_out = true;
        return MBEDTLS_ERR_SSL_TIMEOUT;
    }
    ssize_t r = recv(c->fd, buf, len, 0);
    if (r == 0) {
        c->eof = true;
        return 0; /* the library: MBEDTLS_ERR_SSL_CONN_EOF */
    }
    if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return MBEDTLS_ERR_SSL_WANT_READ;
        c->reset = errno == EPIPE || errno == ECONNRESET;
        return c->reset ? MBEDTLS_ERR_NET_CONN_RESET
                        : MBEDTLS_ERR_NET_RECV_FAILED;
    }
    c->received += (size_t)r;
    feed(c, TD_DIR_SERVER, buf, (size_t)r);
    return (int)r;
}

/* Wait for ev on the socket; false when the deadline passed. */
static bool wait_fd(struct pm_conn *c, short ev)
{
    for (;;) {
        int ms = left_ms(c->deadline);
        if (ms == 0)
            return false;
        struct pollfd pf = {.fd = c->fd, .events = ev};
        int n = poll(&pf, 1, ms);
        if (n > 0 || (n < 0 && errno != EINTR))
            return true; /* ready, or an error the bio will report */
    }
}

/* What the server sent before it closed, for a moment. */
static void drain(struct pm_conn *c)
{
    uint64_t until = now_ms() + PM_DRAIN_MS;
    if (until > c->deadline)
        until = c->deadline;
    uint8_t buf[4096];
    while (now_ms() < until) {
        struct pollfd pf = {.fd = c->fd, .events = POLLIN};
        int n = poll(&pf, 1, left_ms(until));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        ssize_t got = recv(c->fd, buf, sizeof(buf), 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            c->eof |= got == 0;
            c->reset |= got < 0 && errno == ECONNRESET;
            return;
        }
        c->received += (size_t)got;
        feed(c, TD_DIR_SERVER, buf, (size_t)got);
    }
}

/* ---- parameters -------------------------------------------------------- */

static bool bad_version(uint16_t v)
{
    return v != 0 && (v < 0x0301 || v > 0x0303);
}

static int check_params(const struct td_pm_params *p,
                        struct td_pm_result *out)
{
    if (!p->host || !*p->host)
        return usage(out, "no host to connect to");
    if (!p->cert_file != !p->key_file)
        return usage(out, "a client certificate needs both a certificate "
                     "file and a key file");
    if (bad_version(p->min_version) || bad_version(p->max_version))
        return usage(out, "versions must be 0x0301 to 0x0303 (mbedTLS 2.28 "
                     "has no TLS 1.3)");
    if (p->min_version && p->max_version && p->min_version > p->max_version)
        return usage(out, "minimum version above the maximum");
    if (p->max_fragment_length > 4)
        return usage(out, "max_fragment_length code %u (RFC 6066: 1..4)",
                     p->max_fragment_length);
    if (p->n_suites > TD_PM_MAX_LIST || p->n_groups > TD_PM_MAX_LIST
        || p->n_sigalgs > TD_PM_MAX_LIST)
        return usage(out, "more than %u entries in a list", TD_PM_MAX_LIST);
    if ((p->n_suites && !p->suites) || (p->n_groups && !p->groups)
        || (p->n_sigalgs && !p->sigalgs))
        return usage(out, "a list without entries");
    return TD_OK;
}

static int convert_suites(const struct td_pm_params *p, struct pm_run *r,
                          struct td_pm_result *out)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n_suites; i++) {
        uint16_t id = p->suites[i];
        if (id == 0x00ff)
            continue; /* TLS_EMPTY_RENEGOTIATION_INFO_SCSV: 2.28 adds it */
        if (id == 0x5600) {
            r->fallback = true;
            continue;
        }
        if (!mbedtls_ssl_ciphersuite_from_id(id))
            out->dropped_suites[out->n_dropped_suites++] = id;
        else
            r->suites[k++] = id;
    }
    r->suites[k] = 0;
    if (p->n_suites && !k)
        return usage(out, "none of the %zu cipher suites is one mbedTLS "
                     "2.28 can offer", p->n_suites);
    return TD_OK;
}

static int convert_groups(const struct td_pm_params *p, struct pm_run *r,
                          struct td_pm_result *out)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n_groups; i++) {
        const mbedtls_ecp_curve_info *ci =
            mbedtls_ecp_curve_info_from_tls_id(p->groups[i]);
        if (!ci)
            out->dropped_groups[out->n_dropped_groups++] = p->groups[i];
        else
            r->curves[k++] = ci->grp_id;
    }
    r->curves[k] = MBEDTLS_ECP_DP_NONE;
    if (p->n_groups && !k)
        return usage(out, "none of the %zu groups is one mbedTLS 2.28 can "
                     "offer", p->n_groups);
    return TD_OK;
}

/* The hash of a TLS 1.2 signature algorithm code, MBEDTLS_MD_NONE when
 * 2.28 cannot offer it: RFC 5246 7.4.1.4.1 (hash, signature) pairs with
 * RSA (1) or ECDSA (3); SignatureScheme keeps that layout for them. */
static mbedtls_md_type_t sigalg_hash(uint16_t code)
{
    static const mbedtls_md_type_t by_hash[] = {
        MBEDTLS_MD_NONE, MBEDTLS_MD_MD5, MBEDTLS_MD_SHA1, MBEDTLS_MD_SHA224,
        MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA512};
    unsigned hash = code >> 8, sig = code & 0xff;
    if ((sig != 1 && sig != 3) || hash == 0 || hash > 6)
        return MBEDTLS_MD_NONE;
    if (!mbedtls_md_info_from_type(by_hash[hash]))
        return MBEDTLS_MD_NONE; /* not compiled in */
    return by_hash[hash];
}

static int convert_sigalgs(const struct td_pm_params *p, struct pm_run *r,
                           struct td_pm_result *out)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n_sigalgs; i++) {
        mbedtls_md_type_t md = sigalg_hash(p->sigalgs[i]);
        if (md == MBEDTLS_MD_NONE) {
            out->dropped_sigalgs[out->n_dropped_sigalgs++] = p->sigalgs[i];
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup |= r->hashes[j] == (int)md;
        if (!dup)
            r->hashes[k++] = (int)md;
    }
    r->hashes[k] = MBEDTLS_MD_NONE;
    if (p->n_sigalgs && !k)
        return usage(out, "none of the %zu signature algorithms has a hash "
                     "mbedTLS 2.28 can offer", p->n_sigalgs);
    return TD_OK;
}

/* ---- setup ------------------------------------------------------------- */

static void run_init(struct pm_run *r)
{
    mbedtls_entropy_init(&r->entropy);
    mbedtls_ctr_drbg_init(&r->drbg);
    mbedtls_ssl_config_init(&r->conf);
    mbedtls_ssl_init(&r->ssl);
    mbedtls_x509_crt_init(&r->ca);
    mbedtls_x509_crt_init(&r->own);
    mbedtls_pk_init(&r->key);
    r->conn.fd = -1;
}

static void run_free(struct pm_run *r)
{
    if (r->conn.dec_init)
        td_tls_free(&r->conn.dec);
    if (r->conn.fd >= 0)
        close(r->conn.fd);
    mbedtls_ssl_free(&r->ssl);
    mbedtls_ssl_config_free(&r->conf);
    mbedtls_pk_free(&r->key);
    mbedtls_x509_crt_free(&r->own);
    mbedtls_x509_crt_free(&r->ca);
    mbedtls_ctr_drbg_free(&r->drbg);
    mbedtls_entropy_free(&r->entropy);
    free(r);
}

static int load_files(struct pm_run *r, const struct td_pm_params *p,
                      struct td_pm_result *out)
{
    char e[160];
    if (td_pm_load_ca(p->ca_file, &r->ca, &out->verify) != TD_OK) {
        memcpy(out->message, out->verify.message, sizeof(out->message));
        return TD_ERR_USAGE;
    }
    if (!p->cert_file)
        return TD_OK;
    int ret = mbedtls_x509_crt_parse_file(&r->own, p->cert_file);
    if (ret < 0)
        return usage(out, "client certificate %s: %s", p->cert_file,
                     mberr(ret, e, sizeof(e)));
    if (ret > 0)
        return usage(out, "client certificate %s: %d certificate(s) could "
                     "not be read", p->cert_file, ret);
    ret = mbedtls_pk_parse_keyfile(&r->key, p->key_file, NULL);
    if (ret)
        return usage(out, "client key %s: %s", p->key_file,
                     mberr(ret, e, sizeof(e)));
    ret = mbedtls_pk_check_pair(&r->own.pk, &r->key);
    if (ret)
        return usage(out, "client key %s does not belong to %s: %s",
                     p->key_file, p->cert_file, mberr(ret, e, sizeof(e)));
    return TD_OK;
}

static int conf_lists(struct pm_run *r, const struct td_pm_params *p)
{
    if (r->suites[0])
        mbedtls_ssl_conf_ciphersuites(&r->conf, r->suites);
    if (p->n_groups)
        mbedtls_ssl_conf_curves(&r->conf, r->curves);
    if (p->n_sigalgs)
        mbedtls_ssl_conf_sig_hashes(&r->conf, r->hashes);
    if (p->min_version)
        mbedtls_ssl_conf_min_version(&r->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     p->min_version & 0xff);
    if (p->max_version)
        mbedtls_ssl_conf_max_version(&r->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     p->max_version & 0xff);
    if (r->fallback)
        mbedtls_ssl_conf_fallback(&r->conf, MBEDTLS_SSL_IS_FALLBACK);
    /* RFC 6066 codes 1..4 are MBEDTLS_SSL_MAX_FRAG_LEN_512..4096 */
    if (p->max_fragment_length)
        return mbedtls_ssl_conf_max_frag_len(&r->conf,
                                             p->max_fragment_length);
    return 0;
}

/* Library state up to the connection: RNG, config, context, SNI. */
static int configure(struct pm_run *r, const struct td_pm_params *p,
                     struct td_pm_result *out)
{
    char e[160];
    static const char pers[] = "tlsdiag probe";
    int ret = mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func,
                                    &r->entropy,
                                    (const unsigned char *)pers,
                                    sizeof(pers) - 1);
    if (!ret)
        ret = mbedtls_ssl_config_defaults(&r->conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret) {
        snprintf(out->message, sizeof(out->message), "mbedTLS setup: %s",
                 mberr(ret, e, sizeof(e)));
        return TD_ERR_NOMEM;
    }
    mbedtls_ssl_conf_authmode(&r->conf, r->apart
                                            ? MBEDTLS_SSL_VERIFY_OPTIONAL
                                            : MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&r->conf, &r->ca, NULL);
    mbedtls_ssl_conf_verify(&r->conf, td_pm_vrfy_cb, &r->vrec);
    mbedtls_ssl_conf_rng(&r->conf, mbedtls_ctr_drbg_random, &r->drbg);
    if (p->cert_file
        && (ret = mbedtls_ssl_conf_own_cert(&r->conf, &r->own, &r->key)))
        return usage(out, "client certificate: %s", mberr(ret, e, sizeof(e)));
    if ((ret = conf_lists(r, p)))
        return usage(out, "mbedTLS configuration: %s",
                     mberr(ret, e, sizeof(e)));
    if ((ret = mbedtls_ssl_setup(&r->ssl, &r->conf))) {
        snprintf(out->message, sizeof(out->message), "mbedtls_ssl_setup: %s",
                 mberr(ret, e, sizeof(e)));
        return TD_ERR_NOMEM;
    }
    if (p->sni && (ret = mbedtls_ssl_set_hostname(&r->ssl, p->sni)))
        return usage(out, "server name \"%s\": %s", p->sni,
                     mberr(ret, e, sizeof(e)));
    return TD_OK;
}

/* ---- connecting -------------------------------------------------------- */

static int resolve(const struct td_pm_params *p, struct addrinfo **res)
{
    const char *name = p->connect_to ? p->connect_to : p->host;
    char port[8];
    snprintf(port, sizeof(port), "%u",
             (unsigned)(p->port ? p->port : TD_PN_DEFAULT_PORT));
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = p->family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    struct in6_addr a6;
    if (inet_pton(AF_INET, name, &a6) == 1
        || inet_pton(AF_INET6, name, &a6) == 1)
        hints.ai_flags |= AI_NUMERICHOST;
    else
        hints.ai_flags |= AI_ADDRCONFIG;
    return getaddrinfo(name, port, &hints, res) == 0 ? TD_OK
                                                     : TD_ERR_NETWORK;
}

static void format_addr(const struct sockaddr *sa, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(buf, cap, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        snprintf(buf, cap, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
    } else {
        snprintf(buf, cap, "?");
    }
}

/* A non-blocking socket connected to ai before the deadline, or -1
 * (*refused: the peer answered RST). */
static int connect_one(const struct addrinfo *ai, uint64_t deadline,
                       bool *refused)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC
                                       | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -1;
    /* mbedTLS writes each message of a flight on its own (ClientKeyExchange,
     * ChangeCipherSpec, Finished): with Nagle's algorithm the later ones
     * wait for the ACK of the first, which a delayed ACK holds ~40 ms. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        err = errno;
        while (err == EINPROGRESS) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            int n = poll(&pf, 1, left_ms(deadline));
            if ((n < 0 && errno == EINTR)
                || (n == 0 && left_ms(deadline) > 0))
                continue;
            socklen_t sl = sizeof(err);
            if (n <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl))
                err = ETIMEDOUT;
        }
    }
    if (!err)
        return fd;
    *refused = err == ECONNREFUSED;
    close(fd);
    return -1;
}

static int connect_target(struct pm_run *r, const struct td_pm_params *p,
                          struct td_pm_result *out)
{
    unsigned ms = p->timeout_ms ? p->timeout_ms : TD_PN_DEFAULT_TIMEOUT_MS;
    bool refused = false;
    r->conn.deadline = now_ms() + ms;
    struct addrinfo *res = NULL;
    if (resolve(p, &res) == TD_OK) {
        for (struct addrinfo *ai = res; ai && r->conn.fd < 0;
             ai = ai->ai_next) {
            format_addr(ai->ai_addr, out->address, sizeof(out->address));
            r->conn.fd = connect_one(ai, r->conn.deadline, &refused);
            if (left_ms(r->conn.deadline) == 0)
                break;
        }
        freeaddrinfo(res);
    }
    struct td_handshake *hs = out->hs;
    hs->server_addr = td_arena_strndup(&hs->arena, out->address,
                                       strlen(out->address));
    if (r->conn.fd >= 0)
        return TD_OK;
    out->verdict = TD_PM_NETWORK;
    out->cause = "timeout_network";
    const char *name = p->connect_to ? p->connect_to : p->host;
    if (!out->address[0])
        snprintf(out->message, sizeof(out->message), "cannot resolve %s",
                 name);
    else if (refused)
        snprintf(out->message, sizeof(out->message),
                 "%s refused the connection", out->address);
    else
        snprintf(out->message, sizeof(out->message),
                 "no connection to %s within %u ms", out->address, ms);
    return TD_ERR_NETWORK;
}

/* ---- the handshake ----------------------------------------------------- */

static bool is_net_error(int ret)
{
    return ret == MBEDTLS_ERR_NET_CONN_RESET || ret == MBEDTLS_ERR_SSL_CONN_EOF
           || ret == MBEDTLS_ERR_NET_SEND_FAILED
           || ret == MBEDTLS_ERR_NET_RECV_FAILED;
}

static int handshake_loop(struct pm_run *r)
{
    struct pm_conn *c = &r->conn;
    for (;;) {
        int ret = mbedtls_ssl_handshake(&r->ssl);
        if (c->timed_out)
            return MBEDTLS_ERR_SSL_TIMEOUT;
        if (ret != MBEDTLS_ERR_SSL_WANT_READ
            && ret != MBEDTLS_ERR_SSL_WANT_WRITE)
            return ret;
        if (!wait_fd(c, ret == MBEDTLS_ERR_SSL_WANT_READ ? POLLIN : POLLOUT)) {
            c->timed_out = true;
            return MBEDTLS_ERR_SSL_TIMEOUT;
        }
    }
}

static int run_handshake(struct pm_run *r, struct td_pm_result *out)
{
    struct pm_conn *c = &r->conn;
    td_tls_init(&c->dec, out->hs);
    c->dec_init = c->dec_on = true;
    mbedtls_ssl_set_bio(&r->ssl, c, bio_send, bio_recv, NULL);
    int ret = handshake_loop(r);
    if (is_net_error(ret) && !c->timed_out)
        drain(c);
    if (ret == 0) {
        /* Be polite; the exchange shown ends with the handshake. */
        c->dec_on = false;
        (void)mbedtls_ssl_close_notify(&r->ssl);
    }
    td_tls_end(&c->dec);
    out->ret = ret;
    out->timed_out = c->timed_out;
    out->sent = c->sent;
    out->received = c->received;
    return TD_OK;
}

/* ---- what happened ----------------------------------------------------- */

/* The server's first fatal alert (else its first), and the device's. */
static void read_alerts(struct pm_run *r, struct td_pm_result *out)
{
    struct td_handshake *hs = out->hs;
    struct td_alert *srv = NULL;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        struct td_alert *a = &hs->alerts.v[i];
        if (a->from == TD_DIR_CLIENT) {
            if (out->alert_sent < 0 && !a->encrypted)
                out->alert_sent = a->description;
        } else if (!srv || (a->level == 2 && srv->level != 2)) {
            srv = a;
        }
    }
    if (srv && !srv->encrypted) {
        out->alert = srv->description;
        out->alert_level = srv->level;
        return;
    }
    const mbedtls_ssl_context *s = &r->ssl;
    if (out->ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE
        || s->in_msgtype != MBEDTLS_SSL_MSG_ALERT || !s->in_msg
        || s->in_msglen < 2)
        return;
    out->alert_level = s->in_msg[0];
    out->alert = s->in_msg[1];
    out->alert_encrypted = true;
    if (srv) {
        /* the decoder saw it sealed: the library opened it */
        srv->level = s->in_msg[0];
        srv->description = s->in_msg[1];
    }
}

static void read_messages(struct pm_run *r, struct td_pm_result *out)
{
    const struct td_handshake *hs = out->hs;
    const struct td_server_hello *sh = hs->sh;
    if (sh) {
        out->version = sh->selected_version ? sh->selected_version
                                            : sh->version;
        if (sh->has_cipher_suite) {
            out->suite = sh->cipher_suite;
            const char *n = mbedtls_ssl_get_ciphersuite_name(sh->cipher_suite);
            out->suite_name = n && strcmp(n, "unknown") != 0 ? n : NULL;
        }
    }
    out->cert_request = hs->cert_request.present || r->ssl.client_auth;
    out->client_cert_sent = hs->client_certs.n > 0;
}

/* The verify flags: the library's, or verified apart with the right
 * name (the library's own checks of the certificate against the
 * handshake kept, its name check dropped). */
static int verify(struct pm_run *r, const struct td_pm_params *p,
                  struct td_pm_result *out)
{
    if (!r->vrec.calls)
        return TD_OK; /* the handshake never got to a chain */
    uint32_t flags = mbedtls_ssl_get_verify_result(&r->ssl);
    if (r->apart) {
        uint32_t own = 0;
        int rc = td_pm_verify_sent(&r->vrec, &r->ca, p->verify_hostname,
                                   &own);
        if (rc)
            return rc;
        if (flags != UINT32_MAX && own != UINT32_MAX)
            own |= flags & ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
        flags = own;
        out->verify.apart = true;
    }
    return td_pm_explain(&r->vrec, &r->ca, p->ca_file, p->verify_hostname,
                         flags);
}

static void set_ret(struct td_pm_result *out)
{
    const struct td_pm_verify *v = &out->verify;
    out->device_ret = out->ret;
    if (v->apart && v->done && v->flags)
        out->device_ret = v->flags == UINT32_MAX
                              ? MBEDTLS_ERR_X509_FATAL_ERROR
                              : MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    out->ret_name = out->device_ret ? td_mberr_name(out->device_ret, 2)
                                    : NULL;
    if (out->device_ret)
        mbedtls_strerror(out->device_ret, out->ret_text,
                         sizeof(out->ret_text));
}

static void decide(const struct pm_run *r, struct td_pm_result *out)
{
    const struct td_pm_verify *v = &out->verify;
    if (out->timed_out) {
        out->verdict = TD_PM_NETWORK;
        out->cause = "timeout_network";
    } else if (v->done && v->flags) {
        /* the device stops at the chain, whatever came after */
        out->verdict = TD_PM_VERIFY_FAILED;
        out->cause = v->n_causes ? v->causes[0] : "unexplained";
    } else if (out->ret == 0) {
        out->verdict = TD_PM_OK;
    } else if (out->cert_request && !out->client_cert_sent) {
        out->verdict = TD_PM_CLIENT_CERT_REQUIRED;
        out->cause = "client_cert_required";
    } else {
        out->verdict = TD_PM_HANDSHAKE_FAILED;
        if (out->alert < 0 && (r->conn.eof || r->conn.reset))
            out->cause = "connection_closed";
    }
}

/* What the model says before anything happened: target and library. */
static void model_start(const struct td_pm_params *p, struct td_handshake *hs)
{
    char ver[18] = "";
    hs->role = TD_ROLE_CLIENT;
    hs->outcome = TD_OUTCOME_FAILED; /* until a handshake says otherwise */
    hs->target_host = td_arena_strndup(&hs->arena, p->host, strlen(p->host));
    hs->target_port = p->port ? p->port : TD_PN_DEFAULT_PORT;
    hs->mbedtls_major = 2;
    mbedtls_version_get_string(ver);
    hs->mbedtls_version = td_arena_strndup(&hs->arena, ver, strlen(ver));
}

/* The model the renderers print: error, flags, how it ended. */
static void fill_model(const struct pm_run *r, struct td_pm_result *out)
{
    struct td_handshake *hs = out->hs;
    if (out->verify.done) {
        hs->has_verify_flags = true;
        hs->verify_flags = out->verify.flags;
    }
    if (out->device_ret) {
        struct td_mberr *e = TD_PUSH(&hs->arena, hs->errors);
        if (e) {
            e->code = out->device_ret;
            e->func = "mbedtls_ssl_handshake";
            if (out->verify.apart && out->device_ret != out->ret)
                e->where.text = "what authmode REQUIRED returns; the chain "
                                "was verified after the handshake";
        }
    }
    if (out->timed_out)
        (void)td_hs_event(hs, TD_EV_TIMEOUT, TD_DIR_SERVER, NULL);
    else if (r->conn.reset)
        (void)td_hs_event(hs, TD_EV_RESET, TD_DIR_SERVER, NULL);
    else if (r->conn.eof)
        (void)td_hs_event(hs, TD_EV_CLOSE, TD_DIR_SERVER, NULL);
    td_hs_settle_wire(hs);
    hs->over = out->ret == 0;
    hs->outcome = out->verdict == TD_PM_OK ? TD_OUTCOME_OK
                                           : TD_OUTCOME_FAILED;
    if (out->ret)
        hs->state = r->ssl.state; /* client state numbering, as in logs */
}

static int conclude(struct pm_run *r, const struct td_pm_params *p,
                    struct td_pm_result *out)
{
    read_alerts(r, out);
    read_messages(r, out);
    int rc = verify(r, p, out);
    set_ret(out);
    decide(r, out);
    fill_model(r, out);
    return rc;
}

/* ---- the API ----------------------------------------------------------- */

/* sni and the verified name differ: 2.28 cannot send one and check the
 * other, so the chain is checked after the handshake. */
static bool needs_apart(const struct td_pm_params *p)
{
    if (p->verify_apart)
        return true;
    if (!p->sni || !p->verify_hostname)
        return p->sni != p->verify_hostname;
    return strcmp(p->sni, p->verify_hostname) != 0;
}

static int prepare(struct pm_run *r, const struct td_pm_params *p,
                   struct td_pm_result *out)
{
    r->apart = needs_apart(p);
    td_pm_vrec_init(&r->vrec, &out->verify, &r->ca, &out->hs->arena);
    int rc = load_files(r, p, out);
    if (!rc)
        rc = convert_suites(p, r, out);
    if (!rc)
        rc = convert_groups(p, r, out);
    if (!rc)
        rc = convert_sigalgs(p, r, out);
    if (!rc)
        rc = configure(r, p, out);
    return rc;
}

int td_pm_handshake(const struct td_pm_params *p, struct td_pm_result *out)
{
    uint64_t start = now_ms();
    memset(out, 0, sizeof(*out));
    out->alert = out->alert_sent = -1;
    out->verdict = TD_PM_HANDSHAKE_FAILED;
    int rc = check_params(p, out);
    if (rc)
        return rc;
    out->hs = td_hs_new(PM_ARENA_CAP);
    struct pm_run *r = calloc(1, sizeof(*r));
    if (!out->hs || !r) {
        free(r);
        return TD_ERR_NOMEM;
    }
    run_init(r);
    model_start(p, out->hs);
    rc = prepare(r, p, out);
    if (!rc)
        rc = connect_target(r, p, out);
    if (!rc)
        rc = run_handshake(r, out);
    if (!rc)
        rc = conclude(r, p, out);
    run_free(r);
    out->elapsed_ms = now_ms() - start;
    return rc;
}

void td_pm_result_free(struct td_pm_result *r)
{
    td_hs_free(r->hs);
    memset(r, 0, sizeof(*r));
}

const char *td_pm_verdict_name(enum td_pm_verdict v)
{
    switch (v) {
    case TD_PM_OK: return "ok";
    case TD_PM_VERIFY_FAILED: return "verify_failed";
    case TD_PM_HANDSHAKE_FAILED: return "handshake_failed";
    case TD_PM_CLIENT_CERT_REQUIRED: return "client_cert_required";
    case TD_PM_NETWORK: return "network";
    }
    return "unknown";
}
