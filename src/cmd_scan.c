/* cmd_scan.c - `tlsdiag scan HOST[:PORT]`: what a TLS server accepts
 * (versions, suites in its order, groups, signature schemes, certificates
 * per key type, SNI answers, fragment-size extensions), in few
 * connections; with --from, the device's hello against it. */
#include "cli.h"
#include "msg.h"
#include "render_scan.h"

#include "tlsdiag/err.h"
#include "tlsdiag/probenet.h"
#include "tlsdiag/scan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_CONNECT_TO = TD_OPT_FIRST_COMMAND_OWN,
    OPT_TIMEOUT,
    OPT_MAX_CONN,
    OPT_DELAY,
    OPT_FROM,
    OPT_HANDSHAKE,
    OPT_SNI,
    OPT_PARALLEL,
};

static void help(FILE *f)
{
    fputs("Usage: tlsdiag scan [OPTIONS] HOST[:PORT]\n"
          "\n"
          "Find out what a TLS server accepts, with raw ClientHellos and as\n"
          "few connections as the protocol allows: protocol versions (SSL\n"
          "3.0 to TLS 1.3), cipher suites per version in the server's order\n"
          "(and whether it follows the client's order), groups (TLS 1.2\n"
          "ECDHE curves, TLS 1.3 HelloRetryRequest), signature schemes,\n"
          "certificates per key type (ECDSA, RSA), what it does without SNI\n"
          "and with an unknown name, and whether it honours\n"
          "max_fragment_length and record_size_limit.  Prints the number of\n"
          "connections used.  PORT defaults to 443.\n"
          "\n"
          "With --from, the device's hello (from an mbedTLS debug log or a\n"
          "capture) is set beside what the server accepts, and replayed.\n"
          "\n"
          "Options:\n"
          "  --connect-to ADDR   connect to ADDR instead of resolving HOST\n"
          "  --sni NAME          server_name to send (default: HOST when it\n"
          "                      is a name; none for an address)\n"
          "  --timeout MS        per connection (default 5000)\n"
          "  --max-connections N stop after N connections (default: none)\n"
          "  --delay MS          wait MS between connections (one at a time)\n"
          "  --parallel N        connections at once (default 4)\n"
          "  --from FILE         the device's hello: a debug log or a capture\n"
          "  --handshake N       use handshake N of FILE (numbered from 0)\n"
          "  -v, --verbose       also list every connection\n"
          "  --json              print the JSON document\n"
          "  --color=WHEN        auto, always or never\n"
          "  -h, --help          this help\n"
          "\n"
          "Exit status: 0 scan done, 2 usage error, 3 --from unreadable or\n"
          "the server does not speak TLS, 4 network error before any reply\n"
          "(name, connect, timeout, reset, close).\n"
          "\n"
          "Example:\n"
          "  tlsdiag scan mqtt.example.com:8883\n"
          "  tlsdiag scan --from device.log broker.local:8883\n", f);
}

struct scan_args {
    char host[TD_PN_MAX_HOST + 1];
    const char *target;
    struct td_scan_opts o;
    const char *from;
    long handshake;
};

/* Decimal in [min, max] into *v; false (message printed) otherwise. */
static bool number(const char *opt, const char *s, long min, long max,
                   long *v)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno || end == s || *end || n < min || n > max) {
        td_msg_usage("scan", "%s takes a number from %ld to %ld, not '%s'",
                     opt, min, max, s);
        return false;
    }
    *v = n;
    return true;
}

static int one_option(int c, struct scan_args *a, struct td_cli *cli)
{
    long n = 0;
    switch (c) {
    case 'h': help(stdout); return TD_EXIT_OK;
    case 'v': cli->verbose = true; return -1;
    case OPT_CONNECT_TO: a->o.connect_to = optarg; return -1;
    case OPT_SNI: a->o.sni = optarg; return -1;
    case OPT_FROM: a->from = optarg; return -1;
    case OPT_TIMEOUT:
        if (!number("--timeout", optarg, 1, 600000, &n))
            return TD_EXIT_USAGE;
        a->o.timeout_ms = (unsigned)n;
        return -1;
    case OPT_MAX_CONN:
        if (!number("--max-connections", optarg, 1, 100000, &n))
            return TD_EXIT_USAGE;
        a->o.max_connections = (unsigned)n;
        return -1;
    case OPT_DELAY:
        if (!number("--delay", optarg, 0, 600000, &n))
            return TD_EXIT_USAGE;
        a->o.delay_ms = (unsigned)n;
        return -1;
    case OPT_PARALLEL:
        if (!number("--parallel", optarg, 1, 64, &n))
            return TD_EXIT_USAGE;
        a->o.parallel = (unsigned)n;
        return -1;
    case OPT_HANDSHAKE:
        if (!number("--handshake", optarg, 0, INT_MAX, &a->handshake))
            return TD_EXIT_USAGE;
        return -1;
    }
    fputs("Try 'tlsdiag scan --help'.\n", stderr);
    return TD_EXIT_USAGE;
}

/* Options and the target; -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct td_cli *cli,
                 struct scan_args *a)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"connect-to", required_argument, NULL, OPT_CONNECT_TO},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"from", required_argument, NULL, OPT_FROM},
        {"handshake", required_argument, NULL, OPT_HANDSHAKE},
        {"sni", required_argument, NULL, OPT_SNI},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
        int common = td_cli_common_option(cli, c, optarg);
        if (common < 0)
            return TD_EXIT_USAGE;
        if (common)
            continue;
        int rc = one_option(c, a, cli);
        if (rc >= 0)
            return rc;
    }
    if (optind != argc - 1) {
        td_msg_usage("scan", optind >= argc ? "scan needs HOST[:PORT]"
                                            : "scan takes one HOST[:PORT]");
        return TD_EXIT_USAGE;
    }
    a->target = argv[optind];
    if (td_pn_parse_target(a->target, a->host, sizeof(a->host), &a->o.port,
                           TD_PN_DEFAULT_PORT) != TD_OK) {
        td_msg_usage("scan", "'%s' is not HOST[:PORT]", a->target);
        return TD_EXIT_USAGE;
    }
    if (a->handshake >= 0 && !a->from) {
        td_msg_usage("scan", "--handshake needs --from FILE");
        return TD_EXIT_USAGE;
    }
    if (a->o.sni && !*a->o.sni) {
        td_msg_usage("scan", "--sni needs a name");
        return TD_EXIT_USAGE;
    }
    a->o.host = a->host;
    return -1;
}

/* SNI carries names, never addresses (RFC 6066 3). */
static bool is_address(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1
           || inet_pton(AF_INET6, host, buf) == 1;
}

/* Why nothing TLS came back, for a person: "<target>: what; what to
 * do". */
static void say_unreached(const struct td_scan_result *r,
                          const struct scan_args *a)
{
    const struct td_scan_answer *f = &r->first;
    const char *t = a->target;
    const char *addr = r->address[0] ? r->address : a->target;
    unsigned ms = a->o.timeout_ms ? a->o.timeout_ms
                                  : TD_PN_DEFAULT_TIMEOUT_MS;
    if (f->unresolved)
        td_msg_error("%s: the name '%s' does not resolve; check the spelling "
                     "and the DNS (or give an IP address)", t,
                     a->o.connect_to ? a->o.connect_to : a->host);
    else if (f->no_connection && f->result == TD_PN_RESET)
        td_msg_error("%s: connection refused (%s); check the port, and that "
                     "the server is running", t, addr);
    else if (f->no_connection)
        td_msg_error("%s: no connection to %s within %u ms; check the "
                     "address, the port and any firewall (or raise "
                     "--timeout)", t, addr, ms);
    else if (f->result == TD_PN_NOT_TLS)
        td_msg_error("%s: %s answered the ClientHello with bytes that are "
                     "not TLS%s; check the port: it is not a TLS port, or "
                     "TLS starts only after a STARTTLS command", t, addr,
                     f->http ? " (an HTTP server)" : "");
    else if (f->result == TD_PN_RESET)
        td_msg_error("%s: %s reset the connection after the ClientHello, "
                     "without a TLS answer; check that it is a TLS port (a "
                     "firewall or an IPS may cut TLS)", t, addr);
    else if (f->result == TD_PN_CLOSED)
        td_msg_error("%s: %s closed the connection after the ClientHello, "
                     "without a TLS answer; check that it is a TLS port, "
                     "and the server's log for why", t, addr);
    else
        td_msg_error("%s: %s sent nothing within %u ms after the "
                     "ClientHello; check the port: not a TLS server, or "
                     "one that waits for the client to speak another "
                     "protocol (or raise --timeout)", t, addr, ms);
}

static int render(const struct td_cli *cli, const struct td_scan_view *v,
                  const struct td_scan_result *r)
{
    int rc = cli->json ? td_scan_render_json(v, r)
                       : td_scan_render_text(v, r);
    if (rc)
        td_msg_error("standard output: writing failed; check the disk "
                     "space, or whether the program reading it stopped");
    return rc;
}

static int run(struct td_cli *cli, struct scan_args *a,
               struct td_handshake *device)
{
    struct td_scan_result r;
    td_scan_result_init(&r);
    int rc = td_scan_run(&a->o, &r);
    if (rc == TD_ERR_NOMEM || rc == TD_ERR_USAGE) {
        td_msg_error("%s: scan stopped: %s", a->target, td_strerror(rc));
        td_scan_result_free(&r);
        return rc == TD_ERR_USAGE ? TD_EXIT_USAGE : TD_EXIT_INPUT;
    }
    struct td_scan_match m;
    struct td_scan_view v = {.out = cli->out, .color = cli->color,
                             .verbose = cli->verbose, .width = td_cli_width(cli),
                             .input_name = a->target, .device = device,
                             .from = a->from,
                             .from_index = device ? (int)device->index : -1};
    if (device && r.reached) {
        td_scan_match(&r, device->ch, &m);
        v.match = &m;
    }
    int status = TD_EXIT_OK;
    if (!r.reached) {
        say_unreached(&r, a);
        status = r.first.result == TD_PN_NOT_TLS && !r.first.no_connection
                     ? TD_EXIT_INPUT : TD_EXIT_NETWORK;
    }
    /* Unreached: the text is the message; JSON still gets its document. */
    if ((r.reached || cli->json) && render(cli, &v, &r))
        status = TD_EXIT_INPUT;
    td_scan_result_free(&r);
    return status;
}

int td_cmd_scan(int argc, char **argv, struct td_cli *cli)
{
    struct scan_args a;
    memset(&a, 0, sizeof(a));
    a.handshake = -1;
    int rc = parse(argc, argv, cli, &a);
    if (rc >= 0)
        return rc;
    td_cli_resolve_color(cli);
    if (!a.o.sni && !is_address(a.host))
        a.o.sni = a.host;
    struct td_handshake *device = NULL;
    if (a.from) {
        int exit_code = TD_EXIT_INPUT;
        device = td_cli_load_from("scan", a.from, (int)a.handshake,
                                  &exit_code);
        if (!device)
            return exit_code;
        a.o.device = device->ch;
    }
    rc = run(cli, &a, device);
    if (device)
        td_hs_free(device);
    return rc;
}
