/* test_probenet.c - one probe connection against scripted servers on
 * 127.0.0.1 / ::1: each hostile behaviour (silence, close, reset,
 * garbage, a 16 MB handshake message, a byte a second, alerts forever,
 * HelloRetryRequest in a loop) and a real `openssl s_server`.  Each probe
 * must be classified right and end within its 2 s deadline; every child
 * is killed by its PID.
 */
#include "testutil.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/hellobuild.h"
#include "tlsdiag/probenet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 2000u
#define SLACK_MS 700u

enum behaviour {
    B_SILENT,       /* accept, read, never answer */
    B_CLOSE,        /* accept, read the hello, close (FIN) */
    B_RESET,        /* accept, read, close with SO_LINGER 0 (RST) */
    B_HTTP,         /* answer an HTTP error */
    B_GARBAGE,      /* answer random-looking bytes */
    B_HUGE,         /* announce a 16 MB message, stream max records */
    B_DRIP,         /* a ServerHello record, one byte every 300 ms */
    B_ALERTS,       /* fatal alert 40 forever */
    B_HRR,          /* HelloRetryRequest, again after each read */
};

static void send_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w <= 0)
            _exit(0);
        b += w;
        n -= (size_t)w;
    }
}

static void read_some(int fd)
{
    uint8_t buf[4096];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 3000) > 0)
        (void)recv(fd, buf, sizeof(buf), 0);
}

/* First record of the recorded TLS 1.3 HRR exchange (a real HRR). */
static uint8_t *hrr_record(size_t *n)
{
    size_t len;
    uint8_t *p = td_t_read(td_t_src("captures/records/tls13-hrr.server.bin"),
                           &len);
    assert_true(len > 5);
    *n = 5 + ((size_t)p[3] << 8 | p[4]);
    assert_true(*n <= len);
    return p;
}

static void serve(int fd, enum behaviour b, const uint8_t *hrr, size_t nhrr)
{
    static const char http[] =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 2, 40};
    static uint8_t big[5 + 16384];
    switch (b) {
    case B_SILENT:
        read_some(fd);
        sleep(30);
        break;
    case B_CLOSE:
        read_some(fd);
        break;
    case B_RESET: {
        read_some(fd);
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        break;
    }
    case B_HTTP:
        read_some(fd);
        send_all(fd, http, sizeof(http) - 1);
        sleep(30);
        break;
    case B_GARBAGE: {
        read_some(fd);
        uint8_t g[512];
        for (size_t i = 0; i < sizeof(g); i++)
            g[i] = (uint8_t)(i * 151 + 7);
        g[0] = 0x47;    /* not a content type */
        send_all(fd, g, sizeof(g));
        sleep(30);
        break;
    }
    case B_HUGE:
        read_some(fd);
        big[0] = 0x16;
        big[1] = 0x03;
        big[2] = 0x03;
        big[3] = 0x40;
        big[4] = 0x00;
        /* ServerHello of 16 MB - 1 (RFC 8446 4: uint24 length) */
        big[5] = 2;
        big[6] = big[7] = big[8] = 0xff;
        send_all(fd, big, sizeof(big));
        memset(big + 5, 0, 4);
        for (;;)
            send_all(fd, big, sizeof(big));
    case B_DRIP:
        read_some(fd);
        for (size_t i = 0;; i++) {
            uint8_t c = hrr[i % nhrr];
            send_all(fd, &c, 1);
            usleep(300000);
        }
    case B_ALERTS:
        read_some(fd);
        for (;;)
            send_all(fd, alert, sizeof(alert));
    case B_HRR:
        for (;;) {
            read_some(fd);
            send_all(fd, hrr, nhrr);
        }
    }
}

/* Listen on loopback (v6: ::1), fork a child that serves one connection
 * with behaviour b; the port in *port.  Returns the child's PID, or -1
 * when the family is not available. */
static pid_t start_server(enum behaviour b, bool v6, uint16_t *port)
{
    size_t nhrr;
    uint8_t *hrr = hrr_record(&nhrr);
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof(ss));
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof(*a);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof(*a);
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
        close(fd);
        free(hrr);
        return -1;
    }
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
    *port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                     : ((struct sockaddr_in *)&ss)->sin_port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(30);  /* never outlive the test by much */
        int c = accept(fd, NULL, NULL);
        if (c >= 0)
            serve(c, b, hrr, nhrr);
        _exit(0);
    }
    close(fd);
    free(hrr);
    return pid;
}

static void stop_child(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static uint64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint8_t *template_record(size_t *n, bool ecdsa_only)
{
    struct td_hb_hello h;
    assert_int_equal(td_hb_template_228(&h, "localhost", NULL, NULL), 0);
    if (ecdsa_only) {
        static const uint16_t s[] = {0xc02b, 0xc02c, 0xc023, 0x00ff};
        assert_int_equal(td_hb_set_suites(&h, s, 4), 0);
    }
    uint8_t *p;
    assert_int_equal(td_hb_record(&h, &p, n), 0);
    td_hb_free(&h);
    return p;
}

/* Probe 127.0.0.1 (or ::1) port; check the result and the time. */
static void probe_expect(const char *addr, uint16_t port, int want_rc,
                         enum td_pn_result want, struct td_pn_attempt *a,
                         const uint8_t *hello, size_t n)
{
    struct td_pn_opts o = {.host = "localhost", .port = port,
                           .connect_to = addr, .timeout_ms = TIMEOUT_MS};
    uint64_t t0 = ms_now();
    int rc = td_pn_probe(&o, hello, n, a);
    uint64_t el = ms_now() - t0;
    print_message("    %-14s -> rc %d result %s end %d alert %d "
                  "received %zu elapsed %llu ms\n", addr, rc,
                  td_pn_result_name(a->result), a->end, a->alert,
                  a->received, (unsigned long long)el);
    assert_int_equal(rc, want_rc);
    assert_int_equal(a->result, want);
    assert_true(el <= TIMEOUT_MS + SLACK_MS);
}

static void run_hostile(enum behaviour b, enum td_pn_result want,
                        int want_end, struct td_pn_attempt *a)
{
    uint16_t port = 0;
    pid_t pid = start_server(b, false, &port);
    assert_true(pid > 0);
    size_t n;
    uint8_t *hello = template_record(&n, false);
    probe_expect("127.0.0.1", port, TD_OK, want, a, hello, n);
    assert_int_equal(a->end, want_end);
    assert_non_null(a->hs);
    free(hello);
    stop_child(pid);
}

static void test_silent(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_SILENT, TD_PN_TIMEOUT, TD_PN_END_TIMEOUT, &a);
    assert_true(a.elapsed_ms >= TIMEOUT_MS - 50);
    assert_int_equal(a.received, 0);
    assert_true(a.sent > 0);
    /* the hello we sent was decoded as the client's */
    assert_non_null(a.hs->ch);
    td_pn_attempt_free(&a);
}

static void test_close(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_CLOSE, TD_PN_CLOSED, TD_PN_END_FIN, &a);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
}

static void test_reset(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_RESET, TD_PN_RESET, TD_PN_END_RST, &a);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
}

static void test_http(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_HTTP, TD_PN_NOT_TLS, TD_PN_END_NOT_TLS, &a);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
}

static void test_garbage(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_GARBAGE, TD_PN_NOT_TLS, TD_PN_END_NOT_TLS, &a);
    td_pn_attempt_free(&a);
}

static void test_huge(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_HUGE, TD_PN_NOT_TLS, TD_PN_END_CAP, &a);
    assert_int_equal(a.received, TD_PN_DEFAULT_MAX_BYTES);
    td_pn_attempt_free(&a);
}

static void test_drip(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_DRIP, TD_PN_TIMEOUT, TD_PN_END_TIMEOUT, &a);
    assert_true(a.received >= 3);   /* bytes came, the deadline held */
    td_pn_attempt_free(&a);
}

static void test_alerts(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_ALERTS, TD_PN_ALERT, TD_PN_END_ALERT, &a);
    assert_int_equal(a.alert, 40);
    assert_int_equal(a.alert_level, 2);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
}

static void test_hrr(void **state)
{
    (void)state;
    struct td_pn_attempt a;
    run_hostile(B_HRR, TD_PN_SERVER_HELLO, TD_PN_END_FLIGHT, &a);
    assert_true(a.hrr);
    assert_non_null(a.hs->hrr);
    assert_int_equal(a.hs->hrr->key_share_group, 23);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
}

static void test_ipv6_and_refused(void **state)
{
    (void)state;
    uint16_t port = 0;
    size_t n;
    uint8_t *hello = template_record(&n, false);
    struct td_pn_attempt a;
    pid_t pid = start_server(B_ALERTS, true, &port);
    if (pid > 0) {
        probe_expect("::1", port, TD_OK, TD_PN_ALERT, &a, hello, n);
        assert_int_equal(strncmp(a.address, "[::1]:", 6), 0);
        td_pn_attempt_free(&a);
        stop_child(pid);
    } else {
        print_message("    ::1 not available, IPv6 part skipped\n");
    }
    /* A port nobody listens on: refused, a network error. */
    pid = start_server(B_CLOSE, false, &port);
    stop_child(pid);
    probe_expect("127.0.0.1", port, TD_ERR_NETWORK, TD_PN_RESET, &a, hello,
                 n);
    assert_int_equal(a.end, TD_PN_END_RST);
    td_pn_attempt_free(&a);
    free(hello);
}

static void test_parse_target(void **state)
{
    (void)state;
    char host[256];
    uint16_t port;
    assert_int_equal(td_pn_parse_target("example.com", host, sizeof(host),
                                        &port, 443), 0);
    assert_string_equal(host, "example.com");
    assert_int_equal(port, 443);
    assert_int_equal(td_pn_parse_target("h:8443", host, sizeof(host), &port,
                                        443), 0);
    assert_string_equal(host, "h");
    assert_int_equal(port, 8443);
    assert_int_equal(td_pn_parse_target("[::1]:4433", host, sizeof(host),
                                        &port, 443), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 4433);
    assert_int_equal(td_pn_parse_target("fe80::1", host, sizeof(host),
                                        &port, 443), 0);
    assert_string_equal(host, "fe80::1");
    assert_int_equal(port, 443);
    assert_int_equal(td_pn_parse_target("[::1]", host, sizeof(host), &port,
                                        443), 0);
    static const char *const bad[] = {"h:", "h:0", "h:65536", "h:12a",
                                      ":443", "[::1", "[::1]x", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(td_pn_parse_target(bad[i], host, sizeof(host),
                                            &port, 443), TD_ERR_USAGE);
    struct td_pn_attempt a;
    struct td_pn_opts o = {0};
    assert_int_equal(td_pn_probe(&o, (const uint8_t *)"", 0, &a),
                     TD_ERR_USAGE);
}

/* A real server: openssl s_server with the RSA test certificate. */
static pid_t start_openssl(uint16_t *port)
{
    if (system("command -v openssl >/dev/null 2>&1") != 0)
        return -1;
    /* a free port: bind 0, read it, release it */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sl), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &sl), 0);
    *port = ntohs(a.sin_port);
    close(fd);
    char accept_arg[32], cert[512], key[512];
    snprintf(accept_arg, sizeof(accept_arg), "127.0.0.1:%u", *port);
    snprintf(cert, sizeof(cert), "%s",
             td_t_src("captures/certs/server-rsa.crt"));
    snprintf(key, sizeof(key), "%s",
             td_t_src("captures/certs/server-rsa.key"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        execlp("openssl", "openssl", "s_server", "-accept", accept_arg,
               "-cert", cert, "-key", key, "-quiet", (char *)NULL);
        _exit(127);
    }
    /* wait until it listens (a probe-free check: a bare connect) */
    for (int i = 0; i < 100; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        int ok = connect(c, (struct sockaddr *)&a, sizeof(a));
        close(c);
        if (ok == 0)
            return pid;
        usleep(50000);
    }
    stop_child(pid);
    return -1;
}

static void test_openssl(void **state)
{
    (void)state;
    uint16_t port = 0;
    pid_t pid = start_openssl(&port);
    if (pid <= 0) {
        print_message("skipped: openssl s_server not available\n");
        skip();
    }
    struct td_pn_attempt a;
    size_t n;
    /* The 2.28 template: accepted, whole TLS 1.2 flight. */
    uint8_t *hello = template_record(&n, false);
    probe_expect("127.0.0.1", port, TD_OK, TD_PN_SERVER_HELLO, &a, hello, n);
    assert_int_equal(a.end, TD_PN_END_FLIGHT);
    assert_true(a.flight_complete);
    assert_non_null(a.hs->sh);
    assert_true(a.hs->server_hello_done);
    assert_true(a.hs->certs.n >= 1);
    assert_true(a.elapsed_ms < 1000);
    td_pn_attempt_free(&a);
    free(hello);

    /* ECDSA-only suites against an RSA certificate: handshake_failure. */
    hello = template_record(&n, true);
    probe_expect("127.0.0.1", port, TD_OK, TD_PN_ALERT, &a, hello, n);
    assert_int_equal(a.alert, 40);
    td_pn_attempt_free(&a);
    free(hello);

    /* TLS 1.3 added (x25519 share): ServerHello + encrypted records. */
    struct td_hb_hello h;
    assert_int_equal(td_hb_template_228(&h, "localhost", NULL, NULL), 0);
    uint8_t pub[32];
    for (size_t i = 0; i < sizeof(pub); i++)
        pub[i] = (uint8_t)(i * 37 + 11);
    assert_int_equal(td_hb_add_tls13(&h, 29, pub, sizeof(pub)), 0);
    assert_int_equal(td_hb_record(&h, &hello, &n), 0);
    td_hb_free(&h);
    probe_expect("127.0.0.1", port, TD_OK, TD_PN_SERVER_HELLO, &a, hello, n);
    assert_int_equal(a.end, TD_PN_END_FLIGHT);
    assert_non_null(a.hs->sh);
    assert_int_equal(a.hs->sh->selected_version, 0x0304);
    td_pn_attempt_free(&a);
    free(hello);
    stop_child(pid);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_target),
        cmocka_unit_test(test_silent),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_http),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_drip),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_hrr),
        cmocka_unit_test(test_ipv6_and_refused),
        cmocka_unit_test(test_openssl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
