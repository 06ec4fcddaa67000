/* probe_net.c - one probe connection with bounded time and memory.
 *
 * Implementation notes:
 * - One deadline (CLOCK_MONOTONIC) covers resolution-free connect, send
 *   and every read; each poll() waits only for what is left of it, so a
 *   server that drips bytes cannot keep us beyond the deadline.
 * - Reads stop at max_bytes: a server announcing a 16 MB handshake
 *   message and streaming records costs at most that much (the decoder
 *   skips messages over TD_TLS_MAX_HS_MSG without buffering them, and its
 *   model lives in an arena with a cap).
 * - After every read the model is checked for an end: alert, HRR, a
 *   complete TLS 1.2 flight (ServerHelloDone, RFC 5246 7.3), or for TLS
 *   1.3 the first encrypted record after the ServerHello (RFC 8446 2);
 *   with the hello's key shares, the TLS 1.3 reader (tls13read.h) is fed
 *   the same bytes and the flight ends when it is done (server Finished,
 *   alert, error).
 * - getaddrinfo() is the one step the deadline cannot bound (the
 *   resolver has its own timeouts); numeric literals skip DNS.
 */
#include "tlsdiag/probenet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "decode_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/tls13read.h"

#define PN_ARENA_CAP (8u * 1024u * 1024u)
#define PN_READ_CHUNK 16384u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds left before the deadline, for poll(). */
static int left_ms(uint64_t deadline)
{
    uint64_t t = now_ms();
    if (t >= deadline)
        return 0;
    uint64_t d = deadline - t;
    return d > 60000 ? 60000 : (int)d;
}

const char *td_pn_result_name(enum td_pn_result r)
{
    switch (r) {
    case TD_PN_ALERT: return "alert";
    case TD_PN_SERVER_HELLO: return "server_hello";
    case TD_PN_CLOSED: return "closed";
    case TD_PN_RESET: return "reset";
    case TD_PN_TIMEOUT: return "timeout";
    case TD_PN_NOT_TLS: return "not_tls";
    }
    return "unknown";
}

/* Decimal port 1..65535 from s[0..n); false otherwise. */
static bool parse_port(const char *s, size_t n, uint16_t *port)
{
    if (n == 0 || n > 5)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

int td_pn_parse_target(const char *s, char *host, size_t hostcap,
                       uint16_t *port, uint16_t default_port)
{
    if (!s || hostcap == 0)
        return TD_ERR_USAGE;
    size_t n = strlen(s);
    const char *h = s;
    size_t hl = n;
    *port = default_port;
    if (n && s[0] == '[') {
        /* "[v6]" or "[v6]:port" (RFC 3986 3.2.2) */
        const char *close = memchr(s, ']', n);
        if (!close)
            return TD_ERR_USAGE;
        h = s + 1;
        hl = (size_t)(close - h);
        size_t rest = n - hl - 2;
        if (rest) {
            if (close[1] != ':' || !parse_port(close + 2, rest - 1, port))
                return TD_ERR_USAGE;
        }
    } else {
        const char *colon = strchr(s, ':');
        if (colon && !strchr(colon + 1, ':')) {
            hl = (size_t)(colon - s);
            if (!parse_port(colon + 1, n - hl - 1, port))
                return TD_ERR_USAGE;
        }
        /* two or more colons without brackets: a bare IPv6 literal */
    }
    if (hl == 0 || hl >= hostcap || hl > TD_PN_MAX_HOST)
        return TD_ERR_USAGE;
    memcpy(host, h, hl);
    host[hl] = '\0';
    return TD_OK;
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

/* Non-blocking connect bounded by the deadline.  Returns the socket, or
 * -1 with *refused set when the peer answered with RST. */
static int connect_one(const struct addrinfo *ai, uint64_t deadline,
                       bool *refused)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        goto fail;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        *refused = errno == ECONNREFUSED;
        goto fail;
    }
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int r = poll(&p, 1, left_ms(deadline));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto fail;
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
            goto fail;
        if (soerr) {
            *refused = soerr == ECONNREFUSED;
            goto fail;
        }
        return fd;
    }
fail:
    close(fd);
    return -1;
}

/* The server's answer is over when the model shows one of the ends. */
/* A warning alert (unrecognized_name 112 before the ServerHello, say)
 * does not end the answer: the server goes on (RFC 6066 3, RFC 5246
 * 7.2).  Only a plain or decrypted level 1 is a warning. */
static bool warning(const struct td_alert *al)
{
    return al->level == 1;
}

static bool answer_over(const struct td_tls_session *s,
                        struct td_pn_attempt *a, const struct td_t13r *t13)
{
    const struct td_handshake *hs = s->hs;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        if (hs->alerts.v[i].from == TD_DIR_SERVER
            && !warning(&hs->alerts.v[i])) {
            a->end = TD_PN_END_ALERT;
            return true;
        }
    }
    if (hs->hrr) {
        a->end = TD_PN_END_FLIGHT;
        a->flight_complete = true;
        return true;
    }
    if (hs->sh && hs->server_hello_done) {
        a->end = TD_PN_END_FLIGHT;
        a->flight_complete = true;
        return true;
    }
    bool after_sh = false;
    for (size_t i = 0; i < hs->events.n; i++) {
        const struct td_event *e = &hs->events.v[i];
        if (e->dir != TD_DIR_SERVER)
            continue;
        if (e->kind == TD_EV_NOT_TLS) {
            a->end = TD_PN_END_NOT_TLS;
            return true;
        }
        if (e->kind == TD_EV_ALERT && !(e->alert_level == 1
                                         && !e->encrypted)) {
            a->end = TD_PN_END_ALERT;
            return true;
        }
        if (e->kind == TD_EV_HANDSHAKE && e->hs_type == 2)
            after_sh = true;
        else if (after_sh && s->tls13
                 && (e->kind == TD_EV_APPDATA
                     || e->kind == TD_EV_ENCRYPTED_HS)) {
            if (t13 && !td_t13r_done(t13))
                return false;   /* the reader wants the whole flight */
            a->end = TD_PN_END_FLIGHT;
            a->flight_complete = !t13 || t13->end == TD_T13R_FINISHED;
            return true;
        }
    }
    return false;
}

static void add_end_event(struct td_handshake *hs, int kind)
{
    (void)td_hs_event(hs, kind, TD_DIR_SERVER, NULL);
}

/* Result from the model and how reading ended. */
static void classify(struct td_pn_attempt *a)
{
    const struct td_handshake *hs = a->hs;
    const struct td_alert *warn = NULL;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *al = &hs->alerts.v[i];
        if (al->from == TD_DIR_SERVER && warning(al) && !warn)
            warn = al;
        if (al->from == TD_DIR_SERVER && !warning(al)) {
            a->result = TD_PN_ALERT;
            /* An encrypted alert has a level once decrypted. */
            bool unread = al->encrypted && al->level == 0;
            a->alert = unread ? -1 : al->description;
            a->alert_level = unread ? 0 : al->level;
            return;
        }
    }
    if (hs->sh || hs->hrr) {
        a->result = TD_PN_SERVER_HELLO;
        a->hrr = hs->hrr != NULL;
        return;
    }
    if (warn) {
        /* only a warning, then the server stopped */
        a->result = TD_PN_ALERT;
        a->alert = warn->description;
        a->alert_level = 1;
        return;
    }
    switch (a->end) {
    case TD_PN_END_FIN: a->result = TD_PN_CLOSED; break;
    case TD_PN_END_RST: a->result = TD_PN_RESET; break;
    case TD_PN_END_TIMEOUT: a->result = TD_PN_TIMEOUT; break;
    default: a->result = TD_PN_NOT_TLS; break;
    }
    if (a->end == TD_PN_END_TIMEOUT || a->end == TD_PN_END_FIN
        || a->end == TD_PN_END_RST) {
        /* Bytes that are not TLS then silence/close: still not TLS. */
        for (size_t i = 0; i < hs->events.n; i++)
            if (hs->events.v[i].kind == TD_EV_NOT_TLS)
                a->result = TD_PN_NOT_TLS;
    }
}

/* Send all of p, bounded by the deadline.  0, or the errno that ended it
 * (ETIMEDOUT for the deadline). */
static int send_all(int fd, const uint8_t *p, size_t n, uint64_t deadline,
                    size_t *sent)
{
    *sent = 0;
    while (*sent < n) {
        ssize_t w = send(fd, p + *sent, n - *sent, MSG_NOSIGNAL);
        if (w > 0) {
            *sent += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return errno;
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        int r = poll(&pf, 1, left_ms(deadline));
        if (r == 0)
            return ETIMEDOUT;
        if (r < 0 && errno != EINTR)
            return errno;
    }
    return 0;
}

/* Read until the answer is over; sets a->end. */
static int read_answer(int fd, struct td_tls_session *s,
                       struct td_pn_attempt *a, size_t cap,
                       uint64_t deadline, struct td_t13r *t13)
{
    uint8_t buf[PN_READ_CHUNK];
    for (;;) {
        if (a->received >= cap) {
            a->end = TD_PN_END_CAP;
            td_hs_warn(s->hs, "probe: stopped after %zu bytes without a "
                       "complete server flight", a->received);
            return TD_OK;
        }
        int ms = left_ms(deadline);
        if (ms == 0) {
            a->end = TD_PN_END_TIMEOUT;
            return TD_OK;
        }
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int r = poll(&pf, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return TD_ERR_IO;
        if (r == 0) {
            a->end = TD_PN_END_TIMEOUT;
            return TD_OK;
        }
        size_t want = cap - a->received;
        if (want > sizeof(buf))
            want = sizeof(buf);
        ssize_t got = recv(fd, buf, want, 0);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            a->end = errno == ECONNRESET ? TD_PN_END_RST : TD_PN_END_FIN;
            return TD_OK;
        }
        if (got == 0) {
            a->end = TD_PN_END_FIN;
            return TD_OK;
        }
        memcpy(a->rx + a->received, buf, (size_t)got);
        struct td_evidence where = {.offset = a->received + 1};
        a->received += (size_t)got;
        int rc = td_tls_feed(s, TD_DIR_SERVER, buf, (size_t)got, &where);
        if (!rc && t13)
            rc = td_t13r_feed(t13, buf, (size_t)got);
        if (rc)
            return rc;
        if (answer_over(s, a, t13))
            return TD_OK;
    }
}

static int resolve(const struct td_pn_opts *o, struct addrinfo **res)
{
    const char *name = o->connect_to ? o->connect_to : o->host;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u",
             (unsigned)(o->port ? o->port : TD_PN_DEFAULT_PORT));
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = o->family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    /* Literals never touch DNS. */
    struct in6_addr a6;
    if (inet_pton(AF_INET, name, &a6) == 1
        || inet_pton(AF_INET6, name, &a6) == 1)
        hints.ai_flags |= AI_NUMERICHOST;
    else
        hints.ai_flags |= AI_ADDRCONFIG;
    return getaddrinfo(name, portstr, &hints, res) == 0 ? TD_OK
                                                        : TD_ERR_NETWORK;
}

void td_pn_attempt_free(struct td_pn_attempt *a)
{
    if (a->hs)
        td_hs_free(a->hs);
    free(a->rx);
    memset(a, 0, sizeof(*a));
}

/* The TLS 1.3 reader over the hello as the decoder saw it (its
 * ClientHello message is the transcript's first).  A hello it cannot use
 * is a warning, and the probe goes on without it.  Errors: TD_ERR_NOMEM. */
static int start_tls13(const struct td_pn_opts *o, struct td_handshake *hs,
                       struct td_t13r *t13, bool *started)
{
    const struct td_client_hello *ch = hs->ch;
    int rc = TD_ERR_USAGE;
    if (ch && ch->raw && ch->complete && !ch->sslv2)
        rc = td_t13r_init(t13, o->key_shares, o->n_key_shares, ch->raw,
                          ch->raw_len, hs);
    if (rc == TD_ERR_NOMEM)
        return rc;
    if (rc)
        td_hs_warn(hs, "probe: the TLS 1.3 flight will not be read (the "
                   "hello is not one whole ClientHello, or a key share is "
                   "unusable)");
    *started = rc == TD_OK;
    return TD_OK;
}

int td_pn_probe(const struct td_pn_opts *o, const uint8_t *hello, size_t n,
                struct td_pn_attempt *out)
{
    memset(out, 0, sizeof(*out));
    out->alert = -1;
    if (!o->host || !*o->host)
        return TD_ERR_USAGE;
    uint64_t start = now_ms();
    uint64_t deadline = start + (o->timeout_ms ? o->timeout_ms
                                               : TD_PN_DEFAULT_TIMEOUT_MS);
    size_t cap = o->max_bytes ? o->max_bytes : TD_PN_DEFAULT_MAX_BYTES;
    struct addrinfo *res = NULL;
    int fd = -1;
    int rc = resolve(o, &res);
    if (rc)
        return rc;
    bool refused = false;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        format_addr(ai->ai_addr, out->address, sizeof(out->address));
        fd = connect_one(ai, deadline, &refused);
        if (left_ms(deadline) == 0)
            break;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        out->end = refused ? TD_PN_END_RST : TD_PN_END_TIMEOUT;
        out->result = refused ? TD_PN_RESET : TD_PN_TIMEOUT;
        out->elapsed_ms = now_ms() - start;
        return TD_ERR_NETWORK;
    }
    out->rx = malloc(cap);
    out->hs = td_hs_new(PN_ARENA_CAP);
    if (!out->rx || !out->hs) {
        close(fd);
        td_pn_attempt_free(out);
        return TD_ERR_NOMEM;
    }
    struct td_handshake *hs = out->hs;
    hs->role = TD_ROLE_CLIENT;
    hs->target_host = td_arena_strndup(&hs->arena, o->host,
                                       strlen(o->host));
    hs->target_port = o->port ? o->port : TD_PN_DEFAULT_PORT;
    hs->server_addr = td_arena_strndup(&hs->arena, out->address,
                                       strlen(out->address));
    struct td_tls_session s;
    td_tls_init(&s, hs);
    rc = td_tls_feed(&s, TD_DIR_CLIENT, hello, n, NULL);
    struct td_t13r t13;
    bool reading13 = false;
    if (!rc && o->n_key_shares)
        rc = start_tls13(o, hs, &t13, &reading13);
    int serr = rc ? 0 : send_all(fd, hello, n, deadline, &out->sent);
    if (rc) {
        /* out of memory while decoding our own hello */
    } else if (serr == ETIMEDOUT) {
        out->end = TD_PN_END_TIMEOUT;
    } else {
        /* A send error (EPIPE, ECONNRESET) may leave an answer queued
         * (an alert before the close): read what is there. */
        rc = read_answer(fd, &s, out, cap, deadline,
                         reading13 ? &t13 : NULL);
    }
    close(fd);
    if (reading13) {
        td_t13r_finish(&t13);
        out->tls13_end = t13.end;
        out->tls13_decrypted = hs->tls13_flight_read && hs->tls13_finished_ok;
        td_t13r_free(&t13);
    }
    if (!rc) {
        if (out->end == TD_PN_END_FIN)
            add_end_event(hs, TD_EV_CLOSE);
        else if (out->end == TD_PN_END_RST)
            add_end_event(hs, TD_EV_RESET);
        else if (out->end == TD_PN_END_TIMEOUT)
            add_end_event(hs, TD_EV_TIMEOUT);
        td_tls_end(&s);
        td_hs_settle_wire(hs);
        classify(out);
    }
    td_tls_free(&s);
    out->elapsed_ms = now_ms() - start;
    if (rc)
        td_pn_attempt_free(out);
    return rc;
}
