/* cmd_probe.c - `tlsdiag probe HOST[:PORT]`: replay the device's hello
 * against the live server, find the smallest change it accepts, then run
 * a full handshake with it and verify the chain.
 *
 * The search is probe.c's, the full handshake probe_full.c's; what they
 * prove becomes findings in the rule engine (rules/probe.c), and the
 * renderers print the handshake, the attempts and the verdict.
 */
#include "cli.h"
#include "msg.h"
#include "tlsdiag/diag.h"
#include "tlsdiag/err.h"
#include "tlsdiag/probe.h"
#include "tlsdiag/render.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum {
    OPT_FROM = TD_OPT_FIRST_COMMAND_OWN,
    OPT_HANDSHAKE,
    OPT_CONNECT_TO,
    OPT_EXACT,
    OPT_MAX_CONN,
    OPT_DELAY,
    OPT_TIMEOUT,
    OPT_CA,
    OPT_HOSTNAME,
    OPT_CERT,
    OPT_KEY,
    OPT_SNI,
    OPT_NO_FULL,
};

static void help(FILE *f)
{
    fputs("Usage: tlsdiag probe [OPTIONS] HOST[:PORT]\n"
          "\n"
          "Replay the device's ClientHello against the live server (taken\n"
          "from a debug log or a capture with --from; without it, a hello\n"
          "like an mbedTLS 2.28 default client's), say what the server\n"
          "answers, and when it refuses, change one thing at a time (SNI,\n"
          "cipher suites, groups, signature algorithms, versions,\n"
          "max_fragment_length, other extensions) until it accepts; the\n"
          "winning change is shrunk to the smallest that still works and\n"
          "reported as a confirmed cause with the mbedTLS fix.  Then a full\n"
          "handshake through mbedTLS with the working hello verifies the\n"
          "server's chain: the error the device meets next.\n"
          "\n"
          "HOST is a name, an IPv4 or an IPv6 literal ([::1]:4433); PORT\n"
          "defaults to 443.\n"
          "\n"
          "Options:\n"
          "  --from FILE         the device's hello: an mbedTLS debug log or\n"
          "                      a pcap/pcapng capture (the failed handshake)\n"
          "  --handshake N       use handshake N of FILE (numbered from 0)\n"
          "  --connect-to ADDR   connect to ADDR instead of resolving HOST\n"
          "  --sni NAME          the server name to try (default: HOST when\n"
          "                      it is a name)\n"
          "  --exact             replay the hello byte for byte (keep its\n"
          "                      random)\n"
          "  --max-connections N at most N connections (default 32)\n"
          "  --delay MS          wait MS between connections (one at a time)\n"
          "  --timeout MS        per connection (default 5000)\n"
          "  --ca FILE           CA certificates to verify the chain with\n"
          "                      (default: the system bundle)\n"
          "  --hostname NAME     name the certificate must hold (default:\n"
          "                      the SNI, else HOST)\n"
          "  --cert FILE --key FILE\n"
          "                      a client certificate for servers that ask\n"
          "  --no-handshake      only the hello search, no full handshake\n"
          "  -4, -6              IPv4 or IPv6 only\n"
          "  -v, --verbose       every field of every message\n"
          "  --json              print the JSON document\n"
          "  --color=WHEN        auto, always or never\n"
          "  -h, --help          this help\n"
          "\n"
          "Exit status: 0 the server accepted the device's hello and the\n"
          "full handshake verified, 1 a cause was found (or the server\n"
          "refuses whatever was tried), 2 usage error, 3 --from unreadable,\n"
          "4 network error (no connection, or no reply at all).\n"
          "\n"
          "Examples:\n"
          "  tlsdiag probe api.example.com --from device.log\n"
          "  tlsdiag probe broker.local:8883 --from gw.pcap --ca ca.pem\n",
          f);
}

static bool parse_uint(const char *opt, const char *s, unsigned long max,
                       unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v > max) {
        td_msg_usage("probe", "%s takes a number up to %lu, not '%s'", opt, max,
                     s);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

struct probe_args {
    const char *target;
    const char *from;
    int handshake;
    const char *ca, *hostname, *cert, *key;
    bool no_full;
    struct td_probe_opts po;
};

/* Options into a; -1 on a usage error, 1 for --help, 0 to go on. */
static int parse(int argc, char **argv, struct td_cli *cli,
                 struct probe_args *a)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"from", required_argument, NULL, OPT_FROM},
        {"handshake", required_argument, NULL, OPT_HANDSHAKE},
        {"connect-to", required_argument, NULL, OPT_CONNECT_TO},
        {"exact", no_argument, NULL, OPT_EXACT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"ca", required_argument, NULL, OPT_CA},
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"cert", required_argument, NULL, OPT_CERT},
        {"key", required_argument, NULL, OPT_KEY},
        {"sni", required_argument, NULL, OPT_SNI},
        {"no-handshake", no_argument, NULL, OPT_NO_FULL},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    int c;
    unsigned u;
    a->handshake = -1;
    while ((c = getopt_long(argc, argv, "hv46", longopts, NULL)) != -1) {
        int common = td_cli_common_option(cli, c, optarg);
        if (common < 0)
            return -1;
        if (common)
            continue;
        switch (c) {
        case 'h':
            help(stdout);
            return 1;
        case 'v':
            cli->verbose = true;
            break;
        case '4':
            a->po.family = AF_INET;
            break;
        case '6':
            a->po.family = AF_INET6;
            break;
        case OPT_FROM:
            a->from = optarg;
            break;
        case OPT_HANDSHAKE:
            if (!parse_uint("--handshake", optarg, 1000000, &u))
                return -1;
            a->handshake = (int)u;
            break;
        case OPT_CONNECT_TO:
            a->po.connect_to = optarg;
            break;
        case OPT_EXACT:
            a->po.exact = true;
            break;
        case OPT_MAX_CONN:
            if (!parse_uint("--max-connections", optarg, 1000,
                            &a->po.max_connections))
                return -1;
            if (a->po.max_connections == 0) {
                td_msg_usage("probe", "--max-connections must be at least 1");
                return -1;
            }
            break;
        case OPT_DELAY:
            if (!parse_uint("--delay", optarg, 600000, &a->po.delay_ms))
                return -1;
            break;
        case OPT_TIMEOUT:
            if (!parse_uint("--timeout", optarg, 600000, &a->po.timeout_ms))
                return -1;
            if (a->po.timeout_ms == 0) {
                td_msg_usage("probe", "--timeout must be at least 1 ms");
                return -1;
            }
            break;
        case OPT_CA:
            a->ca = optarg;
            break;
        case OPT_HOSTNAME:
            a->hostname = optarg;
            break;
        case OPT_CERT:
            a->cert = optarg;
            break;
        case OPT_KEY:
            a->key = optarg;
            break;
        case OPT_SNI:
            a->po.sni = optarg;
            break;
        case OPT_NO_FULL:
            a->no_full = true;
            break;
        default:
            fputs("Try 'tlsdiag probe --help'.\n", stderr);
            return -1;
        }
    }
    if (optind >= argc) {
        td_msg_usage("probe", "probe needs a target HOST[:PORT]");
        return -1;
    }
    if (optind + 1 < argc) {
        td_msg_usage("probe", "one target only ('%s' is extra)",
                     argv[optind + 1]);
        return -1;
    }
    if (a->handshake >= 0 && !a->from) {
        td_msg_usage("probe", "--handshake needs --from FILE");
        return -1;
    }
    if (!a->cert != !a->key) {
        td_msg_usage("probe", "--cert and --key go together");
        return -1;
    }
    if (a->po.sni && (!*a->po.sni || strlen(a->po.sni) > TD_PN_MAX_HOST)) {
        td_msg_usage("probe", "--sni takes a name of 1 to %u bytes",
                     TD_PN_MAX_HOST);
        return -1;
    }
    a->target = argv[optind];
    return 0;
}

/* The handshake to render: the device's (from --from) with the probe's
 * proof attached, or the replay's own model. */
static struct td_handshake *subject(struct td_probe_run *run,
                                    struct td_handshake *device)
{
    if (device)
        return device;
    if (run->base >= 0 && (size_t)run->base < run->attempts.n)
        return run->attempts.v[run->base]->pn.hs;
    return NULL;
}

static int exit_status(const struct td_probe_run *run,
                       const struct td_handshake *hs)
{
    if (run->network_error)
        return TD_EXIT_NETWORK;
    const struct td_probe_attempt *base =
        run->base >= 0 && (size_t)run->base < run->attempts.n
            ? run->attempts.v[run->base]
            : NULL;
    if (base && base->pn.result == TD_PN_TIMEOUT && base->pn.received == 0 &&
        !base->accepted)
        return TD_EXIT_NETWORK;
    if (hs)
        for (size_t i = 0; i < hs->findings.n; i++)
            if (hs->findings.v[i].likelihood == TD_CONFIRMED)
                return TD_EXIT_FAILED;
    /* accepted: the hello, and the full handshake when it ran */
    if (base && base->accepted &&
        (!run->full.ran || run->full.r.verdict == TD_PM_OK))
        return TD_EXIT_OK;
    return TD_EXIT_FAILED;
}

/* Why the device's hello reached no server, and what to do. */
static void unreached(const char *name, const char *host,
                      const struct td_probe_attempt *b, unsigned timeout_ms,
                      char *buf, size_t cap)
{
    if (b && !b->pn.address[0])
        snprintf(buf, cap, "%s: could not connect: the name '%s' does not "
                 "resolve; check the spelling and the DNS (or give an IP "
                 "address)", name, host);
    else if (b && b->pn.end == TD_PN_END_RST)
        snprintf(buf, cap, "%s: could not connect: connection refused "
                 "(%s); check the port, and that the server is running",
                 name, b->pn.address);
    else
        snprintf(buf, cap, "%s: could not connect within %u ms%s%s%s; "
                 "check the address, the port and any firewall (or raise "
                 "--timeout)", name,
                 timeout_ms ? timeout_ms : TD_PN_DEFAULT_TIMEOUT_MS,
                 b ? " (" : "", b ? b->pn.address : "", b ? ")" : "");
}

int td_cmd_probe(int argc, char **argv, struct td_cli *cli)
{
    struct probe_args a;
    memset(&a, 0, sizeof(a));
    int pr = parse(argc, argv, cli, &a);
    if (pr)
        return pr > 0 ? TD_EXIT_OK : TD_EXIT_USAGE;
    char host[TD_PN_MAX_HOST + 1];
    uint16_t port;
    if (td_pn_parse_target(a.target, host, sizeof(host), &port,
                           TD_PN_DEFAULT_PORT) != TD_OK) {
        td_msg_usage("probe",
                     "'%s' is not HOST[:PORT] (IPv6: "
                     "[ADDR]:PORT)",
                     a.target);
        return TD_EXIT_USAGE;
    }
    td_cli_resolve_color(cli);
    a.po.host = host;
    a.po.port = port;

    struct td_handshake *device = NULL;
    if (a.from) {
        int ec;
        device = td_cli_load_from("probe", a.from, a.handshake, &ec);
        if (!device)
            return ec;
        a.po.device_major = device->mbedtls_major;
    }

    struct td_probe_run run;
    td_probe_init(&run, &a.po, device ? device->ch : NULL);
    int rc = td_probe_search(&run);
    if (rc && rc != TD_ERR_NETWORK) {
        td_msg_error("%s: probe stopped: %s", a.target, td_strerror(rc));
        td_probe_free(&run);
        if (device)
            td_hs_free(device);
        return rc == TD_ERR_USAGE ? TD_EXIT_INPUT : TD_EXIT_NETWORK;
    }
    if (!rc && !a.no_full) {
        struct td_probe_full_opts fo = {.ca_file = a.ca,
                                        .hostname = a.hostname,
                                        .cert_file = a.cert,
                                        .key_file = a.key};
        td_probe_full(&run, &fo);
    }

    char name[TD_PN_MAX_HOST + 16];
    snprintf(name, sizeof(name), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host,
             (unsigned)port);
    struct td_doc doc;
    td_doc_init(&doc, "probe", "live", name);
    doc.probe = &run;
    struct td_render r;
    struct td_render_opts ro = {.out = cli->out,
                                .json = cli->json,
                                .pretty = true,
                                .color = cli->color,
                                .verbose = cli->verbose,
                                .width = td_cli_width(cli)};
    td_render_init(&r, &ro);
    td_render_begin(&r, &doc);
    struct td_handshake *hs = subject(&run, device);
    if (hs) {
        hs->probe = &run;
        struct td_diag_opts dopt = {.input = a.from,
                                    .from_log = device && device->first_line};
        if (td_diag(hs, &dopt) != 0)
            td_hs_warn(hs, "out of memory while diagnosing");
        td_render_handshake(&r, &doc, hs);
    }
    char why[1024] = "";
    if (run.network_error) {
        const struct td_probe_attempt *b =
            run.attempts.n ? run.attempts.v[0] : NULL;
        unreached(name, host, b, a.po.timeout_ms, why, sizeof(why));
        td_doc_warn(&doc, "%s", why);
    }
    int status = exit_status(&run, hs);
    int out_rc = td_render_end(&r, &doc);
    td_doc_free(&doc);
    if (run.network_error)
        td_msg_error("%s", why);
    td_probe_free(&run);
    if (device)
        td_hs_free(device);
    if (out_rc) {
        td_msg_error("standard output: writing failed; check the disk "
                     "space, or whether the program reading it stopped");
        return TD_EXIT_INPUT;
    }
    return status;
}
