/* test_probembedtls.c - the full mbedTLS 2.28 handshake and chain
 * verification against real peers on 127.0.0.1: `openssl s_server` and
 * `gnutls-serv` with the test certificates of captures/certs/, a CA
 * hierarchy made fresh by tests/tools/make-chain-certs.sh, and scripted
 * servers that never answer, drip bytes or flood warning alerts (each run
 * must end within its deadline).  Every server runs on a free port and is
 * killed by its PID.
 */
#include "testutil.h"

#include "tlsdiag/err.h"
#include "tlsdiag/probembedtls.h"

#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <arpa/inet.h>
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

#define TIMEOUT_MS 5000u    /* runs against real peers */
#define SHORT_MS 1500u      /* runs against the hostile servers */
#define SLACK_MS 500u

/* ---- helpers ----------------------------------------------------------- */

static uint64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Path of a file in captures/certs (a few live at once). */
static const char *cert(const char *name)
{
    static char buf[8][512];
    static unsigned i;
    char rel[256];
    snprintf(rel, sizeof(rel), "captures/certs/%s", name);
    char *b = buf[i++ % 8];
    snprintf(b, sizeof(buf[0]), "%s", td_t_src(rel));
    return b;
}

static bool have(const char *prog)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

static uint16_t free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sl), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &sl), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static bool listening(uint16_t port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(c, (struct sockaddr *)&a, sizeof(a));
    close(c);
    return ok == 0;
}

static void stop_child(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Run argv (the string "PORT" in it replaced by the port) until it
 * listens on 127.0.0.1; three ports are tried.  Returns the PID. */
static pid_t start_peer(const char *const *argv, uint16_t *port)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        *port = free_port();
        char portstr[16], accept_arg[32];
        snprintf(portstr, sizeof(portstr), "%u", *port);
        snprintf(accept_arg, sizeof(accept_arg), "127.0.0.1:%u", *port);
        char *args[32];
        size_t n = 0;
        for (; n < 31 && argv[n]; n++)
            args[n] = strcmp(argv[n], "PORT") == 0     ? portstr
                      : strcmp(argv[n], "ADDR") == 0   ? accept_arg
                                                       : (char *)argv[n];
        args[n] = NULL;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int nul = open("/dev/null", O_RDWR);
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
            /* OpenSSL's compiled-in defaults, no distribution policy */
            setenv("OPENSSL_CONF", "/dev/null", 1);
            alarm(120); /* never outlive the test by much */
            execvp(args[0], args);
            _exit(127);
        }
        for (int i = 0; i < 100; i++) {
            if (listening(*port))
                return pid;
            if (waitpid(pid, NULL, WNOHANG) == pid) {
                pid = -1;
                break;
            }
            usleep(50000);
        }
        stop_child(pid);
    }
    fail_msg("server %s did not start", argv[0]);
    return -1;
}

/* openssl s_server with one of the test certificates and extra args. */
static pid_t start_openssl(const char *crt, const char *key,
                           const char *const *extra, uint16_t *port)
{
    const char *argv[32] = {"openssl", "s_server", "-accept", "ADDR",
                            "-cert", crt, "-key", key, "-quiet"};
    size_t n = 9;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return start_peer(argv, port);
}

static pid_t start_gnutls(const char *crt, const char *key,
                          const char *const *extra, uint16_t *port)
{
    const char *argv[32] = {"gnutls-serv", "--port", "PORT",
                            "--x509certfile", crt, "--x509keyfile", key};
    size_t n = 7;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return start_peer(argv, port);
}

/* A handshake to 127.0.0.1:port as "localhost", the test CA trusted. */
static void local_params(struct td_pm_params *p, uint16_t port)
{
    memset(p, 0, sizeof(*p));
    p->host = "localhost";
    p->connect_to = "127.0.0.1";
    p->port = port;
    p->timeout_ms = TIMEOUT_MS;
    p->sni = "localhost";
    p->verify_hostname = "localhost";
    p->ca_file = cert("ca.crt");
}

static int run(const struct td_pm_params *p, struct td_pm_result *r)
{
    uint64_t t0 = ms_now();
    int rc = td_pm_handshake(p, r);
    print_message("    rc %d %s cause %s ret -0x%04x (device -0x%04x) "
                  "alert %d sent %d flags 0x%x %s, %llu ms (%llu in call)\n",
                  rc, td_pm_verdict_name(r->verdict),
                  r->cause ? r->cause : "-", (unsigned)-r->ret,
                  (unsigned)-r->device_ret, r->alert, r->alert_sent,
                  r->verify.flags,
                  r->message[0] ? r->message : "",
                  (unsigned long long)r->elapsed_ms,
                  (unsigned long long)(ms_now() - t0));
    for (size_t i = 0; i < r->verify.n_flags; i++)
        print_message("      %s: %s\n",
                      r->verify.flag[i].row ? r->verify.flag[i].row->name
                                            : "?",
                      r->verify.flag[i].detail);
    return rc;
}

static bool has_u16(const td_u16vec *v, uint16_t x)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x)
            return true;
    return false;
}

/* The certificates of a PEM file as DER (views into *crt). */
static size_t load_der(const char *path, mbedtls_x509_crt *crt,
                       const uint8_t **der, size_t *len, size_t max)
{
    mbedtls_x509_crt_init(crt);
    assert_int_equal(mbedtls_x509_crt_parse_file(crt, path), 0);
    size_t n = 0;
    for (mbedtls_x509_crt *c = crt; c && c->raw.len && n < max; c = c->next) {
        der[n] = c->raw.p;
        len[n++] = c->raw.len;
    }
    return n;
}

/* ---- parameters and files ---------------------------------------------- */

static void test_usage(void **state)
{
    (void)state;
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, 1);
    p.host = NULL;
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    td_pm_result_free(&r);

    local_params(&p, 1);
    p.cert_file = cert("peer-client.crt");
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    assert_non_null(strstr(r.message, "key"));
    td_pm_result_free(&r);

    local_params(&p, 1);
    p.max_version = 0x0304;
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    assert_non_null(strstr(r.message, "TLS 1.3"));
    td_pm_result_free(&r);

    /* A CA file that is not there: its name and mbedTLS's reason. */
    local_params(&p, 1);
    p.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    print_message("    %s\n", r.message);
    assert_non_null(strstr(r.message, "/nonexistent/ca.pem"));
    assert_non_null(strstr(r.message, "PK - Read/write of file failed"));
    td_pm_result_free(&r);

    /* A key that does not belong to the certificate. */
    local_params(&p, 1);
    p.cert_file = cert("peer-client.crt");
    p.key_file = cert("server-rsa.key");
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    print_message("    %s\n", r.message);
    assert_non_null(strstr(r.message, "does not belong"));
    td_pm_result_free(&r);

    /* Only suites mbedTLS 2.28 cannot offer (TLS 1.3's). */
    static const uint16_t tls13[] = {0x1301, 0x1302};
    local_params(&p, 1);
    p.suites = tls13;
    p.n_suites = 2;
    assert_int_equal(td_pm_handshake(&p, &r), TD_ERR_USAGE);
    assert_int_equal(r.n_dropped_suites, 2);
    td_pm_result_free(&r);
}

static void test_refused(void **state)
{
    (void)state;
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, free_port()); /* nobody listens there */
    assert_int_equal(run(&p, &r), TD_ERR_NETWORK);
    assert_int_equal(r.verdict, TD_PM_NETWORK);
    assert_string_equal(r.cause, "timeout_network");
    assert_non_null(strstr(r.message, "refused"));
    assert_true(r.elapsed_ms < 1000);
    assert_string_equal(r.hs->target_host, "localhost");
    assert_string_equal(r.hs->server_addr, r.address);
    assert_int_equal(r.hs->outcome, TD_OUTCOME_FAILED);
    td_pm_result_free(&r);
}

/* ---- openssl s_server -------------------------------------------------- */

static void test_openssl_ok(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    uint16_t port;
    pid_t pid = start_openssl(cert("server-rsa.crt"), cert("server-rsa.key"),
                              NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_null(r.cause);
    assert_int_equal(r.ret, 0);
    assert_int_equal(r.device_ret, 0);
    assert_int_equal(r.version, 0x0303);
    assert_true(r.suite != 0);
    assert_non_null(r.suite_name);
    assert_int_equal(r.alert, -1);
    assert_false(r.cert_request);
    assert_false(r.verify.apart);
    assert_true(r.verify.done);
    assert_int_equal(r.verify.flags, 0);
    assert_int_equal(r.verify.n_flags, 0);
    /* the leaf as sent, then the test CA from the CA file */
    assert_int_equal(r.verify.n_sent, 1);
    assert_int_equal(r.verify.n_path, 2);
    assert_false(r.verify.path[0].from_ca_file);
    assert_true(r.verify.path[1].from_ca_file);
    assert_non_null(strstr(r.verify.path[1].subject, "tlsdiag test CA"));
    assert_int_equal(r.verify.ca_loaded, 1);
    /* the model: hello sent, server flight, chain through x509 */
    struct td_handshake *hs = r.hs;
    assert_non_null(hs->ch);
    assert_string_equal(hs->ch->sni, "localhost");
    assert_non_null(hs->sh);
    assert_int_equal(hs->sh->cipher_suite, r.suite);
    assert_int_equal(hs->certs.n, 1);
    assert_true(hs->certs.v[0].parsed);
    assert_non_null(strstr(hs->certs.v[0].subject, "tlsdiag test server"));
    assert_int_equal(hs->outcome, TD_OUTCOME_OK);
    assert_true(hs->has_verify_flags);
    assert_int_equal(hs->errors.n, 0);
    assert_int_equal(hs->mbedtls_major, 2);
    print_message("    %s %s, %zu bytes out, %zu in\n", r.suite_name,
                  r.address, r.sent, r.received);
    td_pm_result_free(&r);

    /* The lists: what 2.28 cannot send is dropped and listed, the rest
     * goes into the ClientHello. */
    static const uint16_t suites[] = {0x1301, 0xc02f, 0x00ff};
    static const uint16_t groups[] = {0x11ec, 23};
    static const uint16_t sigalgs[] = {0x0804, 0x0401};
    local_params(&p, port);
    p.suites = suites;
    p.n_suites = 3;
    p.groups = groups;
    p.n_groups = 2;
    p.sigalgs = sigalgs;
    p.n_sigalgs = 2;
    p.min_version = p.max_version = 0x0303;
    p.max_fragment_length = 2;
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_int_equal(r.suite, 0xc02f);
    assert_int_equal(r.n_dropped_suites, 1);
    assert_int_equal(r.dropped_suites[0], 0x1301);
    assert_int_equal(r.n_dropped_groups, 1);
    assert_int_equal(r.dropped_groups[0], 0x11ec);
    assert_int_equal(r.n_dropped_sigalgs, 1);
    assert_int_equal(r.dropped_sigalgs[0], 0x0804);
    const struct td_client_hello *ch = r.hs->ch;
    assert_true(has_u16(&ch->cipher_suites, 0xc02f));
    assert_true(has_u16(&ch->cipher_suites, 0x00ff));
    assert_false(has_u16(&ch->cipher_suites, 0xc030));
    assert_int_equal(ch->groups.n, 1);
    assert_int_equal(ch->groups.v[0], 23);
    /* 2.28 sends the SHA-256 hash with both signatures it knows */
    assert_true(has_u16(&ch->sigalgs, 0x0401));
    assert_true(has_u16(&ch->sigalgs, 0x0403));
    assert_false(has_u16(&ch->sigalgs, 0x0804));
    assert_false(has_u16(&ch->sigalgs, 0x0501));
    assert_int_equal(ch->max_fragment_length, 2);
    assert_int_equal(ch->legacy_version, 0x0303);
    td_pm_result_free(&r);

    /* Suites the server cannot use with an RSA key: alert 40. */
    static const uint16_t ecdsa[] = {0xc02b};
    local_params(&p, port);
    p.suites = ecdsa;
    p.n_suites = 1;
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_HANDSHAKE_FAILED);
    assert_int_equal(r.ret, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
    assert_string_equal(r.ret_name, "MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE");
    assert_non_null(strstr(r.ret_text, "fatal alert"));
    assert_int_equal(r.alert, 40);
    assert_int_equal(r.alert_level, 2);
    assert_false(r.alert_encrypted);
    assert_false(r.verify.done);
    assert_int_equal(r.hs->outcome, TD_OUTCOME_FAILED);
    assert_int_equal(r.hs->errors.n, 1);
    assert_int_equal(r.hs->errors.v[0].code,
                     MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
    td_pm_result_free(&r);
    stop_child(pid);
}

/* The chain against CA files that did not sign it. */
static void test_unknown_ca(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    uint16_t port;
    pid_t pid = start_openssl(cert("server-rsa.crt"), cert("server-rsa.key"),
                              NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    /* The system bundle (the default) does not have the test CA. */
    p.ca_file = access(TD_PM_DEFAULT_CA, R_OK) == 0
                    ? NULL : cert("peer-unknown-ca.crt");
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_string_equal(r.cause, "ca_missing_or_wrong");
    assert_int_equal(r.ret, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_string_equal(r.ret_name, "MBEDTLS_ERR_X509_CERT_VERIFY_FAILED");
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(r.verify.n_flags, 1);
    assert_string_equal(r.verify.flag[0].row->name,
                        "MBEDTLS_X509_BADCERT_NOT_TRUSTED");
    assert_string_equal(r.verify.flag[0].cause, "ca_missing_or_wrong");
    assert_int_equal(r.verify.chain_issue, TD_PM_CHAIN_ISSUER_UNKNOWN);
    assert_non_null(strstr(r.verify.missing_issuer, "tlsdiag test CA"));
    assert_non_null(strstr(r.verify.flag[0].detail, "intermediate"));
    assert_true(r.verify.ca_loaded >= 1);
    /* the device says unknown_ca (48) */
    assert_int_equal(r.alert_sent, 48);
    assert_int_equal(r.alert, -1);
    /* the chain is there although the handshake stopped at it */
    assert_int_equal(r.hs->certs.n, 1);
    assert_int_equal(r.hs->verify_flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(r.hs->state, MBEDTLS_SSL_SERVER_CERTIFICATE);
    td_pm_result_free(&r);
    stop_child(pid);

    /* A server whose chain ends in a root nobody trusts. */
    const char *extra[] = {"-cert_chain", cert("peer-unknown-ca.crt"),
                           NULL};
    pid = start_openssl(cert("peer-server-unknown-ca.crt"),
                        cert("peer-server-unknown-ca.key"), extra, &port);
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(r.verify.chain_issue, TD_PM_CHAIN_ROOT_UNKNOWN);
    assert_int_equal(r.verify.n_sent, 2);
    assert_non_null(strstr(r.verify.flag[0].detail, "tlsdiag unknown CA"));
    assert_int_equal(r.hs->certs.n, 2);
    td_pm_result_free(&r);
    stop_child(pid);
}

/* Expired certificate: live, then the same DER verified offline. */
static void test_expired(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    uint16_t port;
    pid_t pid = start_openssl(cert("server-expired.crt"),
                              cert("server-expired.key"), NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    stop_child(pid);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_string_equal(r.cause, "cert_time");
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_EXPIRED);
    assert_string_equal(r.verify.flag[0].row->name,
                        "MBEDTLS_X509_BADCERT_EXPIRED");
    assert_int_equal(r.alert_sent, 45); /* certificate_expired */
    /* 2021-01-01 00:00:00 UTC, in the path and in the model */
    assert_int_equal(r.verify.path[0].not_after, 1609459200);
    assert_int_equal(r.hs->certs.v[0].not_after_t, 1609459200);
    assert_true(r.verify.path[0].flags & MBEDTLS_X509_BADCERT_EXPIRED);
    assert_false(r.verify.path[1].flags & MBEDTLS_X509_BADCERT_EXPIRED);
    /* the clock window: the leaf's 2020-01-01 .. 2021-01-01 */
    assert_int_equal(r.verify.valid_from, 1577836800);
    assert_int_equal(r.verify.valid_until, 1609459200);
    assert_true(r.verify.checked_at > 1609459200);
    assert_non_null(strstr(r.verify.flag[0].detail, "2021-01-01 00:00:00"));
    uint32_t live = r.verify.flags;
    td_pm_result_free(&r);

    mbedtls_x509_crt crt;
    const uint8_t *der[4];
    size_t len[4];
    size_t n = load_der(cert("server-expired.crt"), &crt, der, len, 4);
    struct td_pm_verify v;
    struct td_handshake *hs = td_hs_new(0);
    assert_int_equal(td_pm_verify_chain(der, len, n, cert("ca.crt"),
                                        "localhost", hs, &v), TD_OK);
    assert_int_equal(v.flags, live);
    assert_true(v.apart);
    assert_int_equal(v.n_causes, 1);
    assert_string_equal(v.causes[0], "cert_time");
    assert_int_equal(v.valid_until, 1609459200);
    assert_int_equal(hs->certs.n, 1);
    assert_int_equal(hs->verify_flags, live);
    td_hs_free(hs);
    mbedtls_x509_crt_free(&crt);
}

/* Name checks: by the library when SNI and the name agree, apart when
 * they do not. */
static void test_names(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    uint16_t port;
    pid_t pid = start_openssl(cert("server-rsa.crt"), cert("server-rsa.key"),
                              NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    p.sni = p.verify_hostname = "wrong.example";
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_string_equal(r.cause, "cert_hostname");
    assert_false(r.verify.apart);
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_int_equal(r.alert_sent, 42); /* bad_certificate */
    assert_non_null(strstr(r.verify.flag[0].detail, "wrong.example"));
    assert_non_null(strstr(r.verify.flag[0].detail, "localhost"));
    uint32_t live = r.verify.flags;
    td_pm_result_free(&r);

    /* No SNI, a name to check: verified after the handshake. */
    local_params(&p, port);
    p.sni = NULL;
    p.verify_hostname = "wrong.example";
    assert_int_equal(run(&p, &r), TD_OK);
    assert_null(r.hs->ch->sni);
    assert_true(r.verify.apart);
    assert_int_equal(r.ret, 0);
    assert_int_equal(r.device_ret, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_string_equal(r.ret_name, "MBEDTLS_ERR_X509_CERT_VERIFY_FAILED");
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_int_equal(r.verify.flags, live);
    assert_int_equal(r.hs->outcome, TD_OUTCOME_FAILED);
    assert_int_equal(r.hs->errors.n, 1);
    td_pm_result_free(&r);

    local_params(&p, port);
    p.sni = NULL;
    assert_int_equal(run(&p, &r), TD_OK);
    assert_true(r.verify.apart);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_int_equal(r.device_ret, 0);
    td_pm_result_free(&r);

    /* SNI sent, no name checked (a device without set_hostname cannot
     * send SNI in 2.28; the caller may still ask). */
    local_params(&p, port);
    p.sni = "wrong.example";
    p.verify_hostname = NULL;
    assert_int_equal(run(&p, &r), TD_OK);
    assert_string_equal(r.hs->ch->sni, "wrong.example");
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_int_equal(r.verify.flags, 0);
    td_pm_result_free(&r);

    /* An address as the name: 2.28.3 matches no iPAddress entry. */
    local_params(&p, port);
    p.sni = NULL;
    p.verify_hostname = "127.0.0.1";
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_non_null(strstr(r.verify.flag[0].detail, "iPAddress"));
    td_pm_result_free(&r);
    stop_child(pid);

    /* Offline, same flags. */
    mbedtls_x509_crt crt;
    const uint8_t *der[4];
    size_t len[4];
    size_t n = load_der(cert("server-rsa.crt"), &crt, der, len, 4);
    struct td_pm_verify v;
    assert_int_equal(td_pm_verify_chain(der, len, n, cert("ca.crt"),
                                        "wrong.example", NULL, &v), TD_OK);
    assert_int_equal(v.flags, live);
    assert_int_equal(td_pm_verify_chain(der, len, n, cert("ca.crt"),
                                        "localhost", NULL, &v), TD_OK);
    assert_int_equal(v.flags, 0);
    assert_int_equal(v.n_path, 2);
    mbedtls_x509_crt_free(&crt);
}

static void test_client_cert_openssl(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    uint16_t port;
    const char *extra[] = {"-Verify", "1", "-verifyCAfile", cert("ca.crt"),
                           "-verify_return_error", NULL};
    pid_t pid = start_openssl(cert("server-rsa.crt"), cert("server-rsa.key"),
                              extra, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_CLIENT_CERT_REQUIRED);
    assert_string_equal(r.cause, "client_cert_required");
    assert_true(r.cert_request);
    assert_false(r.client_cert_sent);
    assert_int_equal(r.alert, 40);
    assert_int_equal(r.ret, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
    assert_true(r.hs->cert_request.present);
    assert_int_equal(r.verify.flags, 0); /* the chain itself was fine */
    td_pm_result_free(&r);

    local_params(&p, port);
    p.cert_file = cert("peer-client.crt");
    p.key_file = cert("peer-client.key");
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_true(r.cert_request);
    assert_true(r.client_cert_sent);
    assert_int_equal(r.hs->client_certs.n, 1);
    td_pm_result_free(&r);
    stop_child(pid);
}

static void test_gnutls(void **state)
{
    (void)state;
    if (!have("gnutls-serv"))
        skip();
    uint16_t port;
    pid_t pid = start_gnutls(cert("server-rsa.crt"), cert("server-rsa.key"),
                             NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_int_equal(r.version, 0x0303);
    td_pm_result_free(&r);
    stop_child(pid);

    const char *extra[] = {"--require-client-cert", "--x509cafile",
                           cert("ca.crt"), NULL};
    pid = start_gnutls(cert("server-rsa.crt"), cert("server-rsa.key"), extra,
                       &port);
    local_params(&p, port);
    assert_int_equal(run(&p, &r), TD_OK);
    /* GnuTLS answers an empty Certificate with decode_error (50) and
     * closes while mbedTLS still sends: the alert is read after. */
    assert_int_equal(r.verdict, TD_PM_CLIENT_CERT_REQUIRED);
    assert_true(r.cert_request);
    assert_false(r.client_cert_sent);
    assert_int_equal(r.alert, 50);
    td_pm_result_free(&r);

    local_params(&p, port);
    p.cert_file = cert("peer-client.crt");
    p.key_file = cert("peer-client.key");
    assert_int_equal(run(&p, &r), TD_OK);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_true(r.client_cert_sent);
    td_pm_result_free(&r);
    stop_child(pid);
}

/* ---- a CA hierarchy with intermediates --------------------------------- */

struct chain_dir {
    char dir[64];
};

static void chain_path(const struct chain_dir *d, const char *f, char *out,
                       size_t cap)
{
    snprintf(out, cap, "%s/%s", d->dir, f);
}

static bool make_chain(struct chain_dir *d)
{
    snprintf(d->dir, sizeof(d->dir), "/tmp/td-pm-chain.XXXXXX");
    if (!mkdtemp(d->dir))
        return false;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s %s",
             td_t_src("tests/tools/make-chain-certs.sh"), d->dir);
    return system(cmd) == 0;
}

static void remove_chain(struct chain_dir *d)
{
    char cmd[128];
    if (strncmp(d->dir, "/tmp/td-pm-chain.", 17) != 0)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
    assert_int_equal(system(cmd), 0);
}

/* Verify the certificates of the files (in order) against ca. */
static uint32_t verify_files(const struct chain_dir *d,
                             const char *const *files, const char *ca,
                             struct td_pm_verify *v)
{
    mbedtls_x509_crt crt[4];
    const uint8_t *der[8];
    size_t len[8], n = 0;
    char path[128], capath[128];
    size_t k = 0;
    for (; files[k]; k++) {
        chain_path(d, files[k], path, sizeof(path));
        n += load_der(path, &crt[k], der + n, len + n, 8 - n);
    }
    chain_path(d, ca, capath, sizeof(capath));
    assert_int_equal(td_pm_verify_chain(der, len, n, capath, "localhost",
                                        NULL, v), TD_OK);
    for (size_t i = 0; i < k; i++)
        mbedtls_x509_crt_free(&crt[i]);
    print_message("    %s ... against %s: flags 0x%x %s\n", files[0], ca,
                  v->flags, td_pm_chain_issue_name(v->chain_issue));
    return v->flags;
}

static void test_chains(void **state)
{
    (void)state;
    if (!have("openssl"))
        skip();
    struct chain_dir d;
    if (!make_chain(&d)) {
        remove_chain(&d);
        fail_msg("make-chain-certs.sh failed");
    }
    struct td_pm_verify v;
    static const char *const full[] = {"leaf.crt", "chain.crt", NULL};
    static const char *const leaf[] = {"leaf.crt", NULL};
    static const char *const rev[] = {"leaf.crt", "chain-reversed.crt",
                                      NULL};
    static const char *const with_root[] = {"leaf.crt", "chain.crt",
                                            "root.crt", NULL};
    assert_int_equal(verify_files(&d, full, "root.crt", &v), 0);
    assert_int_equal(v.n_path, 4);
    assert_true(v.path[3].from_ca_file);
    assert_non_null(strstr(v.path[2].subject, "int1"));

    /* the server sends only its leaf: missing intermediate */
    assert_int_equal(verify_files(&d, leaf, "root.crt", &v),
                     MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(v.chain_issue, TD_PM_CHAIN_ISSUER_UNKNOWN);
    assert_non_null(strstr(v.missing_issuer, "tlsdiag chain int2"));

    assert_int_equal(verify_files(&d, rev, "root.crt", &v),
                     MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(v.chain_issue, TD_PM_CHAIN_OUT_OF_ORDER);

    /* the device holds an old root of the same name */
    assert_int_equal(verify_files(&d, full, "root-rekeyed.crt", &v),
                     MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(v.chain_issue, TD_PM_CHAIN_ISSUER_KEY);
    assert_non_null(strstr(v.missing_issuer, "tlsdiag chain root"));

    /* the device trusts another root */
    char ca_other[512];
    snprintf(ca_other, sizeof(ca_other), "%s", cert("ca.crt"));
    mbedtls_x509_crt crt[3];
    const uint8_t *der[8];
    size_t len[8], n = 0;
    char path[128];
    for (size_t i = 0; with_root[i]; i++) {
        chain_path(&d, with_root[i], path, sizeof(path));
        n += load_der(path, &crt[i], der + n, len + n, 8 - n);
    }
    assert_int_equal(td_pm_verify_chain(der, len, n, ca_other, "localhost",
                                        NULL, &v), TD_OK);
    assert_int_equal(v.flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(v.chain_issue, TD_PM_CHAIN_ROOT_UNKNOWN);
    for (size_t i = 0; i < 3; i++)
        mbedtls_x509_crt_free(&crt[i]);

    /* live: a server without its intermediates, then with them */
    char leaf_crt[128], leaf_key[128], chain_crt[128], root_crt[128];
    chain_path(&d, "leaf.crt", leaf_crt, sizeof(leaf_crt));
    chain_path(&d, "leaf.key", leaf_key, sizeof(leaf_key));
    chain_path(&d, "chain.crt", chain_crt, sizeof(chain_crt));
    chain_path(&d, "root.crt", root_crt, sizeof(root_crt));
    uint16_t port;
    pid_t pid = start_openssl(leaf_crt, leaf_key, NULL, &port);
    struct td_pm_params p;
    struct td_pm_result r;
    local_params(&p, port);
    p.ca_file = root_crt;
    assert_int_equal(run(&p, &r), TD_OK);
    stop_child(pid);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_string_equal(r.cause, "ca_missing_or_wrong");
    assert_int_equal(r.verify.chain_issue, TD_PM_CHAIN_ISSUER_UNKNOWN);
    assert_non_null(strstr(r.verify.missing_issuer, "int2"));
    td_pm_result_free(&r);

    const char *extra[] = {"-cert_chain", chain_crt, NULL};
    pid = start_openssl(leaf_crt, leaf_key, extra, &port);
    local_params(&p, port);
    p.ca_file = root_crt;
    assert_int_equal(run(&p, &r), TD_OK);
    stop_child(pid);
    assert_int_equal(r.verdict, TD_PM_OK);
    assert_int_equal(r.verify.n_sent, 3);
    assert_int_equal(r.verify.n_path, 4);
    assert_int_equal(r.hs->certs.n, 3);
    td_pm_result_free(&r);

    /* not valid yet: what a device with a clock that lags sees */
    char future_crt[128];
    chain_path(&d, "leaf-future.crt", future_crt, sizeof(future_crt));
    pid = start_openssl(future_crt, leaf_key, extra, &port);
    local_params(&p, port);
    p.ca_file = root_crt;
    assert_int_equal(run(&p, &r), TD_OK);
    stop_child(pid);
    assert_int_equal(r.verdict, TD_PM_VERIFY_FAILED);
    assert_string_equal(r.cause, "cert_time");
    assert_int_equal(r.verify.flags, MBEDTLS_X509_BADCERT_FUTURE);
    assert_int_equal(r.alert_sent, 46); /* certificate_unknown */
    assert_true(r.verify.path[0].not_before > r.verify.checked_at);
    /* the window starts with the leaf and ends with it (the CAs last) */
    assert_int_equal(r.verify.valid_from, r.verify.path[0].not_before);
    assert_int_equal(r.verify.valid_until, r.verify.path[0].not_after);
    assert_int_equal(r.hs->certs.v[0].not_before_t,
                     r.verify.path[0].not_before);
    assert_non_null(strstr(r.verify.flag[0].detail, "never set"));
    uint32_t live = r.verify.flags;
    td_pm_result_free(&r);
    static const char *const future[] = {"leaf-future.crt", "chain.crt",
                                         NULL};
    assert_int_equal(verify_files(&d, future, "root.crt", &v), live);
    remove_chain(&d);
}

/* ---- offline verification: what only it is asked ----------------------- */

static void test_verify_chain(void **state)
{
    (void)state;
    mbedtls_x509_crt crt;
    const uint8_t *der[4];
    size_t len[4];
    struct td_pm_verify v;

    /* a client certificate offered as a server's: serverAuth missing */
    size_t n = load_der(cert("peer-client.crt"), &crt, der, len, 4);
    assert_int_equal(td_pm_verify_chain(der, len, n, cert("ca.crt"), NULL,
                                        NULL, &v), TD_OK);
    assert_int_equal(v.flags, MBEDTLS_X509_BADCERT_EXT_KEY_USAGE);
    assert_string_equal(v.causes[0], "cert_key_rejected");
    assert_non_null(v.flag[0].row);
    mbedtls_x509_crt_free(&crt);

    /* against the signer of another chain */
    n = load_der(cert("server-rsa.crt"), &crt, der, len, 4);
    assert_int_equal(td_pm_verify_chain(der, len, n,
                                        cert("peer-unknown-ca.crt"),
                                        "localhost", NULL, &v), TD_OK);
    assert_int_equal(v.flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(v.chain_issue, TD_PM_CHAIN_ISSUER_UNKNOWN);
    assert_string_equal(v.causes[0], "ca_missing_or_wrong");

    /* several flags: causes in fixing order */
    assert_int_equal(td_pm_verify_chain(der, len, n,
                                        cert("peer-unknown-ca.crt"),
                                        "wrong.example", NULL, &v), TD_OK);
    assert_int_equal(v.flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED
                                  | MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_int_equal(v.n_flags, 2);
    assert_int_equal(v.n_causes, 2);
    assert_string_equal(v.causes[0], "ca_missing_or_wrong");
    assert_string_equal(v.causes[1], "cert_hostname");

    /* tool failures */
    assert_int_equal(td_pm_verify_chain(der, len, 0, cert("ca.crt"), NULL,
                                        NULL, &v), TD_ERR_USAGE);
    assert_int_equal(td_pm_verify_chain(der, len, n, "/nonexistent/x.pem",
                                        NULL, NULL, &v), TD_ERR_USAGE);
    assert_non_null(strstr(v.message, "/nonexistent/x.pem"));
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    const uint8_t *jd[] = {junk};
    size_t jl[] = {sizeof(junk)};
    assert_int_equal(td_pm_verify_chain(jd, jl, 1, cert("ca.crt"), NULL,
                                        NULL, &v), TD_ERR_USAGE);
    assert_non_null(strstr(v.message, "certificate 0"));
    mbedtls_x509_crt_free(&crt);
}

/* ---- hostile servers: the deadline holds ------------------------------- */

enum behaviour {
    B_SILENT,       /* accept, read, never answer */
    B_DRIP,         /* a ServerHello record, one byte every 100 ms */
    B_FLOOD,        /* warning alerts (2.28 skips them) without end */
};

static void serve(int fd, enum behaviour b)
{
    static const uint8_t sh[] = {0x16, 0x03, 0x03, 0x00, 0x46, 0x02, 0x00,
                                 0x00, 0x42, 0x03, 0x03};
    static const uint8_t warn[] = {0x15, 0x03, 0x03, 0x00, 0x02, 1, 112};
    uint8_t buf[4096];
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    if (poll(&pf, 1, 3000) > 0)
        (void)recv(fd, buf, sizeof(buf), 0);
    switch (b) {
    case B_SILENT:
        sleep(30);
        break;
    case B_DRIP:
        for (size_t i = 0;; i++) {
            if (send(fd, &sh[i % sizeof(sh)], 1, MSG_NOSIGNAL) != 1)
                break;
            usleep(100000);
        }
        break;
    case B_FLOOD: {
        uint8_t many[sizeof(warn) * 512];
        for (size_t i = 0; i < 512; i++)
            memcpy(many + i * sizeof(warn), warn, sizeof(warn));
        while (send(fd, many, sizeof(many), MSG_NOSIGNAL) > 0)
            ;
        break;
    }
    }
}

static pid_t start_hostile(enum behaviour b, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sl), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &sl), 0);
    *port = ntohs(a.sin_port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(30);
        int c = accept(fd, NULL, NULL);
        if (c >= 0)
            serve(c, b);
        _exit(0);
    }
    close(fd);
    return pid;
}

static void run_hostile(enum behaviour b, const char *what,
                        struct td_pm_result *r)
{
    uint16_t port;
    pid_t pid = start_hostile(b, &port);
    struct td_pm_params p;
    local_params(&p, port);
    p.timeout_ms = SHORT_MS;
    uint64_t t0 = ms_now();
    assert_int_equal(run(&p, r), TD_OK);
    uint64_t el = ms_now() - t0;
    stop_child(pid);
    print_message("    %s: ended after %llu ms (deadline %u ms), %zu bytes "
                  "received\n", what, (unsigned long long)el, SHORT_MS,
                  r->received);
    assert_int_equal(r->verdict, TD_PM_NETWORK);
    assert_string_equal(r->cause, "timeout_network");
    assert_true(r->timed_out);
    assert_int_equal(r->ret, MBEDTLS_ERR_SSL_TIMEOUT);
    assert_true(el >= SHORT_MS - 50);
    assert_true(el <= SHORT_MS + SLACK_MS);
    assert_non_null(r->hs->ch); /* what the device sent is there */
    assert_int_equal(r->hs->outcome, TD_OUTCOME_FAILED);
}

static void test_silent(void **state)
{
    (void)state;
    struct td_pm_result r;
    run_hostile(B_SILENT, "silent server", &r);
    assert_int_equal(r.received, 0);
    td_pm_result_free(&r);
}

static void test_drip(void **state)
{
    (void)state;
    struct td_pm_result r;
    run_hostile(B_DRIP, "server dripping a byte every 100 ms", &r);
    assert_true(r.received >= 5); /* bytes came, the deadline held */
    td_pm_result_free(&r);
}

static void test_flood(void **state)
{
    (void)state;
    struct td_pm_result r;
    run_hostile(B_FLOOD, "server flooding warning alerts", &r);
    /* the first alert is in; the model stopped growing at the cap */
    assert_int_equal(r.alert, 112);
    assert_int_equal(r.alert_level, 1);
    assert_int_equal(r.alert_sent, -1);
    assert_true(r.hs->alerts.n <= (64u << 10) / 7);
    assert_true(r.received > (64u << 10));
    td_pm_result_free(&r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_verify_chain),
        cmocka_unit_test(test_openssl_ok),
        cmocka_unit_test(test_unknown_ca),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_client_cert_openssl),
        cmocka_unit_test(test_gnutls),
        cmocka_unit_test(test_chains),
        cmocka_unit_test(test_silent),
        cmocka_unit_test(test_drip),
        cmocka_unit_test(test_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
