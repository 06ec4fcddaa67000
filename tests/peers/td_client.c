/*
 * td_client - a small mbedTLS 2.28 TLS client that behaves like a device.
 *
 * Test peer for tlsdiag's real-peer suite (tests/cli/test_peers.py) and the
 * recorder of captures/logs/ (tests/peers/peers.py record). It connects to
 * HOST:PORT, runs the handshake with the configuration given on the command
 * line, prints what mbedTLS's example programs print (ssl_client1) and
 * writes the library's debug output in the line format of a chosen
 * platform (--style), so tlsdiag can be tested on real logs.
 *
 * Implementation notes:
 * - Every network wait is bounded: connect() runs non-blocking under
 *   poll() with --timeout; reads use mbedtls_net_recv_timeout with
 *   --read-timeout (default 5000 ms); sends have SO_SNDTIMEO.
 * - Debian's libmbedtls 2.28.3 is built with MBEDTLS_THREADING_C, so the
 *   library itself puts "%p: " (the SSL context) in front of every debug
 *   message. That prefix is kept: the styles only add what a platform's
 *   debug callback adds.
 * - SIGPIPE is ignored: a send to a closed connection fails with
 *   MBEDTLS_ERR_NET_CONN_RESET, as on a device, instead of killing us.
 * - --attempts N retries the handshake on a new TCP connection and a new
 *   SSL context (mbedtls_ssl_free + setup), as the devices in the seed
 *   logs do; it stops at the first success.
 *
 * Exit status: 0 handshake ok (and the line was sent and a reply read),
 * 1 every handshake attempt failed (or connect failed), 2 usage error,
 * 3 handshake ok but the application data exchange failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509_crt.h>

#define MAX_LIST 64
#define MAX_ATTEMPTS 20
#define APP_LINE "hello from td_client\n"

enum style {
    STYLE_CLIENT2, /* "%s:%04d: |%d| %s", basename (ssl_client2)       */
    STYLE_CLIENT1, /* "%s:%04d: %s", __FILE__ as mbedTLS gives it       */
    STYLE_BARE,    /* the message only (STM32 Cube console)             */
    STYLE_ESPIDF,  /* "D (1234) mbedtls: ssl_tls.c:4567 msg\n" + msg \n */
    STYLE_ZEPHYR,  /* "[00:00:07.817,000] <dbg> net_sock_tls.tls_debug: */
    STYLE_MBEDOS   /* "[DBG ][TLSW]: ssl_tls.c:2720: |2| msg"           */
};

static const char *const style_names[] = {
    "client2", "client1", "bare", "espidf", "zephyr", "mbedos"};

struct dbg_ctx {
    FILE *out;
    enum style style;
    struct timespec t0;
};

struct opts {
    const char *host;
    const char *port;
    const char *sni; /* NULL: no mbedtls_ssl_set_hostname call */
    int ciphers[MAX_LIST + 1];
    int n_ciphers;
    mbedtls_ecp_group_id curves[MAX_LIST + 1];
    int n_curves;
    int sig_hashes[MAX_LIST + 1];
    int n_sig_hashes;
    int min_minor, max_minor; /* -1: library default */
    int mfl;                  /* MBEDTLS_SSL_MAX_FRAG_LEN_* or -1 */
    const char *ca, *cert, *key;
    int verify; /* MBEDTLS_SSL_VERIFY_* or -1: decided by --ca */
    uint32_t read_timeout_ms;
    uint32_t timeout_ms;
    int debug[MAX_ATTEMPTS];
    int n_debug;
    int attempts;
    enum style style;
    const char *debug_file;
    int no_etm, no_ems, no_tickets;
    unsigned char psk[64];
    size_t psk_len; /* 0: no PSK configured */
};

static void usage(FILE *f)
{
    fprintf(f,
"usage: td_client --port PORT [options]\n"
"  --host HOST            server address (default 127.0.0.1)\n"
"  --port PORT            server port\n"
"  --sni NAME             mbedtls_ssl_set_hostname(NAME) (default: HOST)\n"
"  --no-sni               do not call mbedtls_ssl_set_hostname\n"
"  --ciphers LIST         suites: hex ids (c02b,0xc02c) or mbedTLS names\n"
"  --curves LIST          secp256r1,secp384r1,x25519,x448,...\n"
"  --sig-hashes LIST      sha1,sha224,sha256,sha384,sha512\n"
"  --min-version V        1.0|1.1|1.2\n"
"  --max-version V        1.0|1.1|1.2\n"
"  --mfl N                max_fragment_length 512|1024|2048|4096\n"
"  --ca FILE              trusted CA (PEM); implies --verify required\n"
"  --verify MODE          none|optional|required\n"
"  --cert FILE --key FILE client certificate and key\n"
"  --read-timeout MS      per read (default 5000)\n"
"  --timeout MS           connect and send (default 5000)\n"
"  --debug L[,L...]       debug threshold 0..4, one per attempt\n"
"  --debug-file FILE      library debug lines to FILE (default stdout)\n"
"  --style S              client2|client1|bare|espidf|zephyr|mbedos\n"
"  --attempts N           retry the handshake on new connections\n"
"  --no-etm --no-ems --no-tickets   leave out these extensions\n"
"  --psk HEX              configure a PSK (identity Client_identity), so\n"
"                         PSK suites in --ciphers are offered\n");
}

/* ---- debug output -------------------------------------------------- */

static const char *base_name(const char *file)
{
    const char *p, *b = file;
    for (p = file; *p != '\0'; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

static uint64_t elapsed_us(const struct dbg_ctx *d)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - d->t0.tv_sec) * 1000000u +
           (uint64_t)((now.tv_nsec - d->t0.tv_nsec) / 1000);
}

/* The message without its trailing newline (for platforms whose logger
 * adds its own line end and whose debug glue strips mbedTLS's). */
static int msg_len_no_nl(const char *str)
{
    size_t n = strlen(str);
    while (n > 0 && (str[n - 1] == '\n' || str[n - 1] == '\r'))
        n--;
    return (int)n;
}

static void debug_cb(void *ctx, int level, const char *file, int line,
                     const char *str)
{
    struct dbg_ctx *d = ctx;
    static const char esp_letter[] = {'E', 'W', 'I', 'D', 'V'};
    uint64_t us;

    switch (d->style) {
    case STYLE_CLIENT2:
        fprintf(d->out, "%s:%04d: |%d| %s", base_name(file), line, level,
                str);
        break;
    case STYLE_CLIENT1:
        fprintf(d->out, "%s:%04d: %s", file, line, str);
        break;
    case STYLE_BARE:
        fputs(str, d->out);
        break;
    case STYLE_ESPIDF:
        /* ESP_LOGx adds "\n" after the message, which ends in "\n". */
        fprintf(d->out, "%c (%lu) mbedtls: %s:%d %s\n",
                esp_letter[level >= 1 && level <= 4 ? level : 0],
                (unsigned long)(elapsed_us(d) / 1000), base_name(file),
                line, str);
        break;
    case STYLE_ZEPHYR:
        us = elapsed_us(d);
        fprintf(d->out,
                "[%02lu:%02lu:%02lu.%03lu,%03lu] <dbg> net_sock_tls.tls_debug:"
                " (0x200022c0): %s:%04d: |%d| %.*s\n",
                (unsigned long)(us / 3600000000u),
                (unsigned long)(us / 60000000u % 60),
                (unsigned long)(us / 1000000u % 60),
                (unsigned long)(us / 1000u % 1000), (unsigned long)(us % 1000),
                base_name(file), line, level, msg_len_no_nl(str), str);
        break;
    case STYLE_MBEDOS:
        fprintf(d->out, "[DBG ][TLSW]: %s:%04d: |%d| %.*s\n",
                base_name(file), line, level, msg_len_no_nl(str), str);
        break;
    }
    fflush(d->out);
}

/* ---- option parsing ------------------------------------------------ */

static int fail_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "td_client: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return -1;
}

/* Split a comma list into *out; each item goes through fn. */
static int parse_list(const char *arg, int (*fn)(const char *, void *, int),
                      void *out, int *n)
{
    char buf[1024];
    char *save = NULL, *tok;

    if (strlen(arg) >= sizeof(buf))
        return fail_usage("list too long: %s", arg);
    strcpy(buf, arg);
    *n = 0;
    for (tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (*n >= MAX_LIST)
            return fail_usage("too many items in %s", arg);
        if (fn(tok, out, *n) != 0)
            return -1;
        (*n)++;
    }
    if (*n == 0)
        return fail_usage("empty list: '%s'", arg);
    return 0;
}

static int one_cipher(const char *tok, void *out, int i)
{
    int *ids = out;
    char *end = NULL;
    long v;

    v = strtol(tok, &end, 16);
    if (end != NULL && *end == '\0' && v > 0 && v <= 0xffff) {
        ids[i] = (int)v;
        if (mbedtls_ssl_ciphersuite_from_id(ids[i]) == NULL)
            fprintf(stderr,
                    "td_client: note: suite %s is unknown to this mbedTLS "
                    "build; the library will leave it out\n", tok);
        return 0;
    }
    ids[i] = mbedtls_ssl_get_ciphersuite_id(tok);
    if (ids[i] == 0)
        return fail_usage("unknown cipher suite: %s", tok);
    return 0;
}

static int one_curve(const char *tok, void *out, int i)
{
    mbedtls_ecp_group_id *ids = out;
    const mbedtls_ecp_curve_info *ci = mbedtls_ecp_curve_info_from_name(tok);

    if (ci == NULL)
        return fail_usage("unknown curve: %s", tok);
    ids[i] = ci->grp_id;
    return 0;
}

static int one_hash(const char *tok, void *out, int i)
{
    int *ids = out;
    char up[32];
    size_t k;
    const mbedtls_md_info_t *md;

    if (strlen(tok) >= sizeof(up))
        return fail_usage("unknown hash: %s", tok);
    for (k = 0; tok[k] != '\0'; k++)
        up[k] = (tok[k] >= 'a' && tok[k] <= 'z') ? (char)(tok[k] - 32)
                                                 : tok[k];
    up[k] = '\0';
    md = mbedtls_md_info_from_string(up);
    if (md == NULL)
        return fail_usage("unknown hash: %s", tok);
    ids[i] = (int)mbedtls_md_get_type(md);
    return 0;
}

static int one_level(const char *tok, void *out, int i)
{
    int *lv = out;

    if (i >= MAX_ATTEMPTS)
        return fail_usage("too many debug levels: %s", tok);
    if (strlen(tok) != 1 || tok[0] < '0' || tok[0] > '4')
        return fail_usage("debug level must be 0..4: %s", tok);
    lv[i] = tok[0] - '0';
    return 0;
}

static int parse_minor(const char *v)
{
    if (strcmp(v, "1.0") == 0)
        return MBEDTLS_SSL_MINOR_VERSION_1;
    if (strcmp(v, "1.1") == 0)
        return MBEDTLS_SSL_MINOR_VERSION_2;
    if (strcmp(v, "1.2") == 0)
        return MBEDTLS_SSL_MINOR_VERSION_3;
    fail_usage("version must be 1.0, 1.1 or 1.2: %s", v);
    return -1;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long n;

    errno = 0;
    n = strtoul(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n > max)
        return fail_usage("bad number: %s", v);
    *out = n;
    return 0;
}

enum {
    O_HOST = 256, O_PORT, O_SNI, O_NO_SNI, O_CIPHERS, O_CURVES, O_SIGH,
    O_MINV, O_MAXV, O_MFL, O_CA, O_VERIFY, O_CERT, O_KEY, O_RTO, O_TO,
    O_DEBUG, O_DEBUG_FILE, O_STYLE, O_ATTEMPTS, O_NO_ETM, O_NO_EMS,
    O_NO_TICKETS, O_PSK, O_HELP
};

static int parse_hex(const char *v, unsigned char *out, size_t max,
                     size_t *len)
{
    size_t n = strlen(v), i;

    if (n == 0 || n % 2 != 0 || n / 2 > max)
        return fail_usage("--psk wants 2 to 128 hex digits: %s", v);
    for (i = 0; i < n; i++) {
        char c = v[i];
        int d = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0)
            return fail_usage("--psk wants hex digits: %s", v);
        if (i % 2 == 0)
            out[i / 2] = (unsigned char)(d << 4);
        else
            out[i / 2] |= (unsigned char)d;
    }
    *len = n / 2;
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"host", required_argument, NULL, O_HOST},
        {"port", required_argument, NULL, O_PORT},
        {"sni", required_argument, NULL, O_SNI},
        {"no-sni", no_argument, NULL, O_NO_SNI},
        {"ciphers", required_argument, NULL, O_CIPHERS},
        {"curves", required_argument, NULL, O_CURVES},
        {"sig-hashes", required_argument, NULL, O_SIGH},
        {"min-version", required_argument, NULL, O_MINV},
        {"max-version", required_argument, NULL, O_MAXV},
        {"mfl", required_argument, NULL, O_MFL},
        {"ca", required_argument, NULL, O_CA},
        {"verify", required_argument, NULL, O_VERIFY},
        {"cert", required_argument, NULL, O_CERT},
        {"key", required_argument, NULL, O_KEY},
        {"read-timeout", required_argument, NULL, O_RTO},
        {"timeout", required_argument, NULL, O_TO},
        {"debug", required_argument, NULL, O_DEBUG},
        {"debug-file", required_argument, NULL, O_DEBUG_FILE},
        {"style", required_argument, NULL, O_STYLE},
        {"attempts", required_argument, NULL, O_ATTEMPTS},
        {"no-etm", no_argument, NULL, O_NO_ETM},
        {"no-ems", no_argument, NULL, O_NO_EMS},
        {"no-tickets", no_argument, NULL, O_NO_TICKETS},
        {"psk", required_argument, NULL, O_PSK},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c, sni_set = 0, no_sni = 0;
    unsigned long n;
    size_t k;

    memset(o, 0, sizeof(*o));
    o->host = "127.0.0.1";
    o->min_minor = o->max_minor = -1;
    o->mfl = -1;
    o->verify = -1;
    o->read_timeout_ms = 5000;
    o->timeout_ms = 5000;
    o->n_debug = 1;
    o->debug[0] = 0;
    o->attempts = 1;
    o->style = STYLE_CLIENT2;

    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case O_HOST: o->host = optarg; break;
        case O_PORT: o->port = optarg; break;
        case O_SNI: o->sni = optarg; sni_set = 1; break;
        case O_NO_SNI: no_sni = 1; break;
        case O_CIPHERS:
            if (parse_list(optarg, one_cipher, o->ciphers, &o->n_ciphers))
                return -1;
            break;
        case O_CURVES:
            if (parse_list(optarg, one_curve, o->curves, &o->n_curves))
                return -1;
            break;
        case O_SIGH:
            if (parse_list(optarg, one_hash, o->sig_hashes,
                           &o->n_sig_hashes))
                return -1;
            break;
        case O_MINV:
            if ((o->min_minor = parse_minor(optarg)) < 0)
                return -1;
            break;
        case O_MAXV:
            if ((o->max_minor = parse_minor(optarg)) < 0)
                return -1;
            break;
        case O_MFL:
            if (strcmp(optarg, "512") == 0)
                o->mfl = MBEDTLS_SSL_MAX_FRAG_LEN_512;
            else if (strcmp(optarg, "1024") == 0)
                o->mfl = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
            else if (strcmp(optarg, "2048") == 0)
                o->mfl = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
            else if (strcmp(optarg, "4096") == 0)
                o->mfl = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
            else
                return fail_usage("--mfl must be 512|1024|2048|4096: %s",
                                  optarg);
            break;
        case O_CA: o->ca = optarg; break;
        case O_VERIFY:
            if (strcmp(optarg, "none") == 0)
                o->verify = MBEDTLS_SSL_VERIFY_NONE;
            else if (strcmp(optarg, "optional") == 0)
                o->verify = MBEDTLS_SSL_VERIFY_OPTIONAL;
            else if (strcmp(optarg, "required") == 0)
                o->verify = MBEDTLS_SSL_VERIFY_REQUIRED;
            else
                return fail_usage("--verify none|optional|required: %s",
                                  optarg);
            break;
        case O_CERT: o->cert = optarg; break;
        case O_KEY: o->key = optarg; break;
        case O_RTO:
            if (parse_uint(optarg, 600000, &n))
                return -1;
            o->read_timeout_ms = (uint32_t)n;
            break;
        case O_TO:
            if (parse_uint(optarg, 600000, &n) || n == 0)
                return -1;
            o->timeout_ms = (uint32_t)n;
            break;
        case O_DEBUG:
            if (parse_list(optarg, one_level, o->debug, &o->n_debug))
                return -1;
            break;
        case O_DEBUG_FILE: o->debug_file = optarg; break;
        case O_STYLE:
            for (k = 0; k < sizeof(style_names) / sizeof(style_names[0]); k++)
                if (strcmp(optarg, style_names[k]) == 0)
                    break;
            if (k == sizeof(style_names) / sizeof(style_names[0]))
                return fail_usage("unknown --style: %s", optarg);
            o->style = (enum style)k;
            break;
        case O_ATTEMPTS:
            if (parse_uint(optarg, MAX_ATTEMPTS, &n) || n == 0)
                return -1;
            o->attempts = (int)n;
            break;
        case O_NO_ETM: o->no_etm = 1; break;
        case O_NO_EMS: o->no_ems = 1; break;
        case O_NO_TICKETS: o->no_tickets = 1; break;
        case O_PSK:
            if (parse_hex(optarg, o->psk, sizeof(o->psk), &o->psk_len))
                return -1;
            break;
        case O_HELP:
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind != argc)
        return fail_usage("unexpected argument: %s", argv[optind]);
    if (o->port == NULL)
        return fail_usage("%s", "--port is required");
    if ((o->cert == NULL) != (o->key == NULL))
        return fail_usage("%s", "--cert and --key go together");
    if (no_sni)
        o->sni = NULL;
    else if (!sni_set)
        o->sni = o->host;
    if (o->verify < 0)
        o->verify = o->ca != NULL ? MBEDTLS_SSL_VERIFY_REQUIRED
                                  : MBEDTLS_SSL_VERIFY_NONE;
    return 0;
}

/* ---- network ------------------------------------------------------- */

/* Connect with a bound wait; on success ctx->fd is a blocking socket with
 * a send timeout. Returns 0 or an MBEDTLS_ERR_NET_* code. */
static int connect_bounded(mbedtls_net_context *ctx, const char *host,
                           const char *port, uint32_t timeout_ms)
{
    struct addrinfo hints, *res = NULL, *ai;
    int ret = MBEDTLS_ERR_NET_UNKNOWN_HOST;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return MBEDTLS_ERR_NET_UNKNOWN_HOST;

    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int fd, flags, err = 0;
        socklen_t elen = sizeof(err);
        struct pollfd pfd;
        struct timeval tv;

        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            ret = MBEDTLS_ERR_NET_SOCKET_FAILED;
            continue;
        }
        flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                close(fd);
                ret = MBEDTLS_ERR_NET_CONNECT_FAILED;
                continue;
            }
            pfd.fd = fd;
            pfd.events = POLLOUT;
            if (poll(&pfd, 1, (int)timeout_ms) != 1 ||
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 ||
                err != 0) {
                close(fd);
                ret = MBEDTLS_ERR_NET_CONNECT_FAILED;
                continue;
            }
        }
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        tv.tv_sec = (time_t)(timeout_ms / 1000);
        tv.tv_usec = (suseconds_t)((timeout_ms % 1000) * 1000);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        ctx->fd = fd;
        ret = 0;
        break;
    }
    freeaddrinfo(res);
    return ret;
}

/* ---- one attempt --------------------------------------------------- */

struct shared {
    struct opts *o;
    struct dbg_ctx dbg;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt own;
    mbedtls_pk_context own_key;
};

static void print_verify(uint32_t flags)
{
    char buf[1024];

    if (flags == 0) {
        printf(" ok\n");
        return;
    }
    printf(" failed\n");
    mbedtls_x509_crt_verify_info(buf, sizeof(buf), "  ! ", flags);
    printf("%s\n", buf);
}

/* Returns 0 handshake ok and data exchanged, 1 handshake failed (or
 * connect failed), 3 data exchange failed, -1 setup error. */
static int attempt(struct shared *s, int level)
{
    struct opts *o = s->o;
    mbedtls_net_context net;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    unsigned char buf[1024];
    int ret, rc = 1;

    mbedtls_net_init(&net);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_debug_set_threshold(level);

    printf("  . Connecting to tcp/%s/%s...", o->host, o->port);
    fflush(stdout);
    ret = connect_bounded(&net, o->host, o->port, o->timeout_ms);
    if (ret != 0) {
        printf(" failed\n  ! mbedtls_net_connect returned %d\n\n", ret);
        goto exit;
    }
    printf(" ok\n");

    printf("  . Setting up the SSL/TLS structure...");
    fflush(stdout);
    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        printf(" failed\n  ! mbedtls_ssl_config_defaults returned %d\n\n",
               ret);
        rc = -1;
        goto exit;
    }
    mbedtls_ssl_conf_authmode(&conf, o->verify);
    if (o->ca != NULL)
        mbedtls_ssl_conf_ca_chain(&conf, &s->ca, NULL);
    if (o->cert != NULL &&
        (ret = mbedtls_ssl_conf_own_cert(&conf, &s->own, &s->own_key)) != 0) {
        printf(" failed\n  ! mbedtls_ssl_conf_own_cert returned %d\n\n", ret);
        rc = -1;
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &s->drbg);
    mbedtls_ssl_conf_dbg(&conf, debug_cb, &s->dbg);
    mbedtls_ssl_conf_read_timeout(&conf, o->read_timeout_ms);
    if (o->n_ciphers > 0)
        mbedtls_ssl_conf_ciphersuites(&conf, o->ciphers);
    if (o->n_curves > 0)
        mbedtls_ssl_conf_curves(&conf, o->curves);
    if (o->n_sig_hashes > 0)
        mbedtls_ssl_conf_sig_hashes(&conf, o->sig_hashes);
    if (o->min_minor >= 0)
        mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     o->min_minor);
    if (o->max_minor >= 0)
        mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     o->max_minor);
    if (o->mfl >= 0 &&
        (ret = mbedtls_ssl_conf_max_frag_len(&conf, (unsigned char)o->mfl))
            != 0) {
        printf(" failed\n  ! mbedtls_ssl_conf_max_frag_len returned %d\n\n",
               ret);
        rc = -1;
        goto exit;
    }
    if (o->no_etm)
        mbedtls_ssl_conf_encrypt_then_mac(&conf, MBEDTLS_SSL_ETM_DISABLED);
    if (o->no_ems)
        mbedtls_ssl_conf_extended_master_secret(&conf,
                                                MBEDTLS_SSL_EXTENDED_MS_DISABLED);
    if (o->no_tickets)
        mbedtls_ssl_conf_session_tickets(&conf,
                                         MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    if (o->psk_len > 0 &&
        (ret = mbedtls_ssl_conf_psk(&conf, o->psk, o->psk_len,
                                    (const unsigned char *)"Client_identity",
                                    strlen("Client_identity"))) != 0) {
        printf(" failed\n  ! mbedtls_ssl_conf_psk returned %d\n\n", ret);
        rc = -1;
        goto exit;
    }

    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        printf(" failed\n  ! mbedtls_ssl_setup returned %d\n\n", ret);
        rc = -1;
        goto exit;
    }
    if (o->sni != NULL && (ret = mbedtls_ssl_set_hostname(&ssl, o->sni)) != 0) {
        printf(" failed\n  ! mbedtls_ssl_set_hostname returned %d\n\n", ret);
        rc = -1;
        goto exit;
    }
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, NULL,
                        mbedtls_net_recv_timeout);
    printf(" ok\n");

    printf("  . Performing the SSL/TLS handshake...");
    fflush(stdout);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ &&
            ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            printf(" failed\n  ! mbedtls_ssl_handshake returned -0x%x\n\n",
                   (unsigned int)-ret);
            if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
                printf("  . Verifying peer X.509 certificate...");
                print_verify(mbedtls_ssl_get_verify_result(&ssl));
            }
            goto exit;
        }
    }
    printf(" ok\n    [ Protocol is %s ]\n    [ Ciphersuite is %s ]\n",
           mbedtls_ssl_get_version(&ssl), mbedtls_ssl_get_ciphersuite(&ssl));

    if (o->verify != MBEDTLS_SSL_VERIFY_NONE) {
        printf("  . Verifying peer X.509 certificate...");
        print_verify(mbedtls_ssl_get_verify_result(&ssl));
    }

    rc = 3;
    printf("  > Write to server:");
    fflush(stdout);
    do {
        ret = mbedtls_ssl_write(&ssl, (const unsigned char *)APP_LINE,
                                strlen(APP_LINE));
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ ||
             ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret < 0) {
        printf(" failed\n  ! mbedtls_ssl_write returned %d\n\n", ret);
        goto exit;
    }
    printf(" %d bytes written\n\n%s", ret, APP_LINE);

    printf("  < Read from server:");
    fflush(stdout);
    do {
        memset(buf, 0, sizeof(buf));
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ ||
             ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret <= 0) {
        printf(" failed\n  ! mbedtls_ssl_read returned -0x%x\n\n",
               (unsigned int)-ret);
        goto exit;
    }
    printf(" %d bytes read\n\n%s", ret, (char *)buf);
    if (ret > 0 && buf[ret - 1] != '\n')
        printf("\n");
    printf("  . Closing the connection...");
    ret = mbedtls_ssl_close_notify(&ssl);
    printf(ret == 0 ? " done\n" : " (close_notify returned %d)\n", ret);
    rc = 0;

exit:
    fflush(stdout);
    mbedtls_net_free(&net);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct shared s;
    int ret, rc = 1, i;
    FILE *dbg_file = NULL;

    if (parse_args(argc, argv, &o) != 0)
        return 2;
    /* A device's TCP stack reports a write to a closed connection as an
     * error (mbedtls_net_send: MBEDTLS_ERR_NET_CONN_RESET); here SIGPIPE
     * would kill the client instead. */
    signal(SIGPIPE, SIG_IGN);

    memset(&s, 0, sizeof(s));
    s.o = &o;
    s.dbg.style = o.style;
    clock_gettime(CLOCK_MONOTONIC, &s.dbg.t0);
    s.dbg.out = stdout;
    if (o.debug_file != NULL) {
        dbg_file = fopen(o.debug_file, "w");
        if (dbg_file == NULL) {
            perror(o.debug_file);
            return 2;
        }
        s.dbg.out = dbg_file;
    }
    mbedtls_entropy_init(&s.entropy);
    mbedtls_ctr_drbg_init(&s.drbg);
    mbedtls_x509_crt_init(&s.ca);
    mbedtls_x509_crt_init(&s.own);
    mbedtls_pk_init(&s.own_key);

    printf("\n  . Seeding the random number generator...");
    fflush(stdout);
    ret = mbedtls_ctr_drbg_seed(&s.drbg, mbedtls_entropy_func, &s.entropy,
                                (const unsigned char *)"td_client", 9);
    if (ret != 0) {
        printf(" failed\n  ! mbedtls_ctr_drbg_seed returned %d\n", ret);
        rc = 2;
        goto exit;
    }
    printf(" ok\n");

    if (o.ca != NULL) {
        printf("  . Loading the CA root certificate ...");
        fflush(stdout);
        ret = mbedtls_x509_crt_parse_file(&s.ca, o.ca);
        if (ret < 0) {
            printf(" failed\n  !  mbedtls_x509_crt_parse returned -0x%x\n\n",
                   (unsigned int)-ret);
            rc = 2;
            goto exit;
        }
        printf(" ok (%d skipped)\n", ret);
    }
    if (o.cert != NULL) {
        printf("  . Loading the client cert. and key...");
        fflush(stdout);
        ret = mbedtls_x509_crt_parse_file(&s.own, o.cert);
        if (ret == 0)
            ret = mbedtls_pk_parse_keyfile(&s.own_key, o.key, NULL);
        if (ret != 0) {
            printf(" failed\n  !  parse returned -0x%x\n\n",
                   (unsigned int)-ret);
            rc = 2;
            goto exit;
        }
        printf(" ok\n");
    }

    for (i = 0; i < o.attempts; i++) {
        int level = o.debug[i < o.n_debug ? i : o.n_debug - 1];

        rc = attempt(&s, level);
        if (rc < 0) {
            rc = 2;
            break;
        }
        if (rc == 0 || rc == 3)
            break;
    }

exit:
    mbedtls_pk_free(&s.own_key);
    mbedtls_x509_crt_free(&s.own);
    mbedtls_x509_crt_free(&s.ca);
    mbedtls_ctr_drbg_free(&s.drbg);
    mbedtls_entropy_free(&s.entropy);
    fflush(stdout);
    if (dbg_file != NULL)
        fclose(dbg_file);
    return rc;
}
