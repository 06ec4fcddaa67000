/* cmd_pcap.c - `tlsdiag pcap`: every TLS handshake in captures (or live
 * on an interface), one line each, then a summary; the same findings as
 * for logs. */
#include "cli.h"
#include "msg.h"

#include "tlsdiag/diag.h"
#include "tlsdiag/err.h"
#include "tlsdiag/pcapfe.h"
#include "tlsdiag/pcapin.h"
#include "tlsdiag/render.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_FAILED = TD_OPT_FIRST_COMMAND_OWN,
    OPT_HOST,
    OPT_PORT,
    OPT_JSONL,
};

/* Packets per td_pcap_run call: between calls the progress line is drawn
 * and Ctrl-C is noticed. */
#define BATCH 100000
/* pcap text without -v or --failed: handshakes listed before counting */
#define PCAP_LIST_MAX 30

static volatile sig_atomic_t interrupted;
static struct td_pcapsrc *live_src;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    if (live_src) {
        /* It sets a volatile sig_atomic_t and calls pcap_breakloop(),
         * which libpcap documents as safe in a signal handler.
         * NOLINTNEXTLINE(bugprone-signal-handler,cert-sig30-c) */
        td_pcap_stop(live_src);
    }
}

static void help(FILE *f)
{
    fputs("Usage: tlsdiag pcap [OPTIONS] FILE...\n"
          "       tlsdiag pcap [OPTIONS] -i IFACE [-c N]\n"
          "\n"
          "Find every TLS handshake in pcap or pcapng captures (any port,\n"
          "STARTTLS included) and print one line per handshake: time,\n"
          "client -> server, SNI, version, cipher suite, outcome and the\n"
          "first finding; then a summary of the failures by cause and the\n"
          "servers and names involved.  The findings are those of\n"
          "'tlsdiag log'.  DTLS and QUIC flows are counted, not decoded.\n"
          "\n"
          "Options:\n"
          "  --failed          only failed handshakes\n"
          "  --host HOST       only handshakes with this address or SNI\n"
          "  --port N          only handshakes with this TCP port\n"
          "  -f, --filter BPF  a libpcap filter (tcpdump syntax)\n"
          "  -i IFACE          capture live on IFACE (needs root); Ctrl-C "
          "stops\n"
          "  -c N              stop after N handshakes (live)\n"
          "  -v, --verbose     the exchange, every field and the findings of "
          "each\n"
          "                    handshake (without: one line per handshake, "
          "the first 30)\n"
          "  --json            the JSON document\n"
          "  --jsonl           one JSON handshake per line, as each ends\n"
          "  --color=WHEN      auto, always or never\n"
          "  -h, --help        this help\n"
          "\n"
          "Exit status: 0 no failed handshake, 1 a failed handshake was\n"
          "diagnosed, 2 usage error, 3 unreadable capture or no TLS "
          "handshake.\n"
          "\n"
          "Example:\n"
          "  tlsdiag pcap --failed gateway.pcapng\n"
          "  tlsdiag pcap -i eth0 -f 'tcp port 8883'\n", f);
}

struct pcap_run {
    struct td_render *r;
    struct td_doc *doc;
    const char *input;
    bool failed_only;
    const char *host;
    long port;
    long max_handshakes;
    unsigned index;
    unsigned shown;
    struct td_pcapsrc *src;
};

static bool endpoint_matches(const char *ep, const char *host, long port)
{
    if (!ep)
        return false;
    const char *colon = strrchr(ep, ':');
    if (!colon)
        return false;
    if (port >= 0 && strtol(colon + 1, NULL, 10) != port)
        return false;
    if (!host)
        return true;
    size_t hl = strlen(host);
    const char *h = ep;
    size_t n = (size_t)(colon - ep);
    if (n >= 2 && h[0] == '[') {
        h++;
        n -= 2;
    }
    return n == hl && strncmp(h, host, hl) == 0;
}

static bool wanted(const struct pcap_run *run, const struct td_handshake *hs)
{
    if (run->failed_only && hs->outcome != TD_OUTCOME_FAILED)
        return false;
    if (run->host || run->port >= 0) {
        bool sni = run->host && hs->ch && hs->ch->sni
                   && strcmp(hs->ch->sni, run->host) == 0
                   && (run->port < 0
                       || endpoint_matches(hs->server_addr, NULL, run->port));
        if (!sni && !endpoint_matches(hs->client_addr, run->host, run->port)
            && !endpoint_matches(hs->server_addr, run->host, run->port))
            return false;
    }
    return true;
}

static void emit(void *user, struct td_handshake *hs)
{
    struct pcap_run *run = user;
    td_cli_diagnose(hs, &run->index, run->input, false);
    if (wanted(run, hs)) {
        td_render_handshake(run->r, run->doc, hs);
        run->shown++;
        if (run->max_handshakes > 0
            && run->shown >= (unsigned long)run->max_handshakes && run->src)
            td_pcap_stop(run->src);
    }
    td_hs_free(hs);
}

static void progress(struct td_pcapsrc *s, const char *name, bool done)
{
    static time_t last;
    time_t now = time(NULL);
    if (!done && now == last)
        return;
    last = now;
    uint64_t at, total;
    td_pcap_progress(s, &at, &total);
    if (done)
        fputs("\r\033[K", stderr);
    else if (total)
        fprintf(stderr, "\r\033[K%s: %3.0f%% (%.0f of %.0f MB)", name,
                100.0 * (double)at / (double)total, (double)at / 1e6,
                (double)total / 1e6);
}

/* Why a capture could not be opened, and what to do; err is libpcap's
 * reason. */
static void say_open_error(const char *name, const char *err)
{
    struct stat sb;
    bool is_stdin = strcmp(name, "-") == 0;
    const char *label = td_input_label(name);
    if (!is_stdin && stat(name, &sb) != 0) {
        td_msg_error("%s: cannot open: %s; check the name and the "
                     "permissions", name, strerror(errno));
        return;
    }
    if (!is_stdin && S_ISDIR(sb.st_mode)) {
        td_msg_error("%s: is a directory, not a capture; give a .pcap or "
                     ".pcapng file", name);
        return;
    }
    if (!is_stdin && S_ISREG(sb.st_mode) && sb.st_size == 0) {
        td_msg_error("%s: the file is empty; check that the capture was "
                     "stopped before the file was copied (tcpdump -w "
                     "writes it as it stops)", name);
        return;
    }
    uint8_t m[4] = {0};
    size_t got = 0;
    FILE *f = is_stdin ? NULL : fopen(name, "rb");
    if (!is_stdin && !f) {
        td_msg_error("%s: cannot open: %s; check the permissions", name,
                     strerror(errno));
        return;
    }
    if (f) {
        got = fread(m, 1, sizeof(m), f);
        fclose(f);
    }
    if (strstr(err, "unknown file format") && got == sizeof(m)) {
        td_msg_error("%s: byte offset 0: not a pcap or pcapng capture (it "
                     "starts with %02x %02x %02x %02x); give a file saved "
                     "by tcpdump -w or Wireshark (for a debug log use "
                     "'tlsdiag log', for TLS bytes 'tlsdiag hello')",
                     label, m[0], m[1], m[2], m[3]);
        return;
    }
    if (strstr(err, "truncated dump file")) {
        td_msg_error("%s: byte offset 0: the file header is cut short "
                     "(%s); copy the whole file again", label, err);
        return;
    }
    td_msg_error("%s: %s; check that it is a pcap or pcapng capture", label,
                 err);
}

/* Packets of a link type tlsdiag does not read: say which, once per
 * file. */
static void say_unsupported(struct td_pcapsrc *s, const char *name,
                            struct td_doc *doc)
{
    uint64_t count, first;
    int dlt;
    td_pcap_unsupported(s, &count, &first, &dlt);
    if (count == 0)
        return;
    const char *lname = td_link_name(dlt);
    td_doc_warn(doc, "%s: packet %llu: link type %d%s%s%s is not one "
                "tlsdiag reads; %llu packet%s skipped; capture on an "
                "Ethernet or Wi-Fi interface, or with 'tcpdump -i any' "
                "(Linux cooked)", td_input_label(name),
                (unsigned long long)first, dlt, lname ? " (" : "",
                lname ? lname : "", lname ? ")" : "",
                (unsigned long long)count, count == 1 ? "" : "s");
}

static int read_source(struct td_pcapsrc *s, const char *name,
                       struct td_flowtab *t, struct pcap_run *run,
                       bool live, const char *bpf)
{
    char err[512] = "";
    if (bpf && td_pcap_set_filter(s, bpf, err, sizeof(err)) != 0) {
        td_msg_usage("pcap", "filter '%s': %s; write it as for tcpdump "
                     "(e.g. 'tcp port 8883')", bpf, err);
        return TD_ERR_USAGE;
    }
    bool tty = isatty(STDERR_FILENO) && !live;
    run->src = s;
    int rc = 0;
    for (;;) {
        struct td_flow_stats before, after;
        td_flowtab_stats(t, &before);
        rc = td_pcap_run(s, t, live ? 0 : BATCH, err, sizeof(err));
        td_flowtab_stats(t, &after);
        if (tty)
            progress(s, name, false);
        if (rc || interrupted || live
            || after.packets - before.packets < BATCH)
            break;
        if (run->max_handshakes > 0
            && run->shown >= (unsigned long)run->max_handshakes)
            break;
    }
    if (tty)
        progress(s, name, true);
    run->src = NULL;
    if (!live)
        say_unsupported(s, name, run->doc);
    if (rc) {
        /* A damaged file: what was read is kept, the rest is said. */
        td_doc_warn(run->doc, "%s: %s; the packets before it were read; "
                    "copy the capture again (was it still being written?)",
                    td_input_label(name), err);
        return TD_ERR_IO;
    }
    return 0;
}

int td_cmd_pcap(int argc, char **argv, struct td_cli *cli)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"failed", no_argument, NULL, OPT_FAILED},
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"filter", required_argument, NULL, 'f'},
        {"interface", required_argument, NULL, 'i'},
        {"count", required_argument, NULL, 'c'},
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    struct pcap_run run = {.port = -1};
    const char *bpf = NULL, *iface = NULL;
    bool jsonl = false;
    int c;
    while ((c = getopt_long(argc, argv, "+hvf:i:c:", longopts, NULL)) != -1) {
        int common = td_cli_common_option(cli, c, optarg);
        if (common < 0)
            return TD_EXIT_USAGE;
        if (common)
            continue;
        char *end;
        switch (c) {
        case 'h':
            help(stdout);
            return TD_EXIT_OK;
        case 'v':
            cli->verbose = true;
            break;
        case OPT_FAILED:
            run.failed_only = true;
            break;
        case OPT_HOST:
            run.host = optarg;
            break;
        case OPT_PORT:
            run.port = strtol(optarg, &end, 10);
            if (*end || run.port < 0 || run.port > 65535) {
                td_msg_usage("pcap", "--port takes 0..65535, not '%s'",
                             optarg);
                return TD_EXIT_USAGE;
            }
            break;
        case 'f':
            bpf = optarg;
            break;
        case 'i':
            iface = optarg;
            break;
        case 'c':
            run.max_handshakes = strtol(optarg, &end, 10);
            if (*end || run.max_handshakes <= 0) {
                td_msg_usage("pcap", "-c takes a positive number, not '%s'",
                             optarg);
                return TD_EXIT_USAGE;
            }
            break;
        case OPT_JSONL:
            jsonl = true;
            break;
        default:
            fputs("Try 'tlsdiag pcap --help'.\n", stderr);
            return TD_EXIT_USAGE;
        }
    }
    if (!iface && optind >= argc) {
        td_msg_usage("pcap", "pcap needs a capture FILE (or -i IFACE)");
        return TD_EXIT_USAGE;
    }
    if (iface && optind < argc) {
        td_msg_usage("pcap", "give either -i IFACE or files, not both");
        return TD_EXIT_USAGE;
    }
    if (jsonl)
        cli->json = true;
    td_cli_resolve_color(cli);

    struct td_doc doc;
    td_doc_init(&doc, "pcap", iface ? "live" : "pcap",
                iface ? iface : argv[optind]);
    if (!iface)
        td_doc_set_inputs(&doc, argv + optind, argc - optind);
    struct td_render r;
    struct td_render_opts ro = {.out = cli->out, .json = cli->json,
                                .jsonl = jsonl, .pretty = !jsonl,
                                .color = cli->color,
                                .verbose = cli->verbose, .width = td_cli_width(cli),
                                .list_max = run.failed_only || iface ? 0
                                            : PCAP_LIST_MAX};
    td_render_init(&r, &ro);
    td_render_begin(&r, &doc);
    run.r = &r;
    run.doc = &doc;

    struct td_pcapfe *fe = td_pcapfe_new(&doc, emit, &run);
    struct td_flowtab *t = fe ? td_flowtab_new(td_pcapfe_callbacks(), fe,
                                               NULL) : NULL;
    int status = TD_EXIT_OK;
    bool read_any = false, io_error = false;
    if (!t) {
        td_msg_error("out of memory");
        status = TD_EXIT_INPUT;
    } else if (iface) {
        char err[512] = "";
        struct td_pcapsrc *s = td_pcap_open_live(iface, err, sizeof(err));
        if (!s) {
            td_msg_error("%s: cannot capture: %s; %s", iface, err,
                         geteuid() != 0
                             ? "live capture needs root (run it with sudo)"
                             : "check the name with 'ip link' (or "
                               "'tcpdump -D')");
            status = TD_EXIT_INPUT;
        } else {
            live_src = s;
            signal(SIGINT, on_sigint);
            signal(SIGTERM, on_sigint);
            if (isatty(STDERR_FILENO))
                td_msg_info("capturing on %s; Ctrl-C stops", iface);
            int rc = read_source(s, iface, t, &run, true, bpf);
            if (rc == TD_ERR_USAGE)
                status = TD_EXIT_USAGE;
            read_any = true;
            live_src = NULL;
            td_pcap_close(s);
        }
    } else {
        run.input = argv[optind];
        for (int i = optind; i < argc && !interrupted; i++) {
            char err[512] = "";
            struct td_pcapsrc *s = td_pcap_open_file(argv[i], err,
                                                     sizeof(err));
            if (!s) {
                say_open_error(argv[i], err);
                io_error = true;
                continue;
            }
            run.input = argv[i];
            td_pcapfe_set_input(fe, argv[i]);
            int rc = read_source(s, argv[i], t, &run, false, bpf);
            td_pcap_close(s);
            if (rc == TD_ERR_USAGE) {
                status = TD_EXIT_USAGE;
                break;
            }
            if (rc)
                io_error = true;
            read_any = true;
        }
    }
    if (t) {
        td_flowtab_end(t, NULL);     /* at the last packet read */
        struct td_flow_stats fs;
        td_flowtab_stats(t, &fs);
        struct td_pcapfe_stats ps;
        td_pcapfe_stats(fe, &ps);
        doc.stats.packets = fs.packets;
        doc.stats.flows = fs.flows;
        doc.stats.tls_flows = ps.tls_flows;
        doc.stats.dtls_flows = ps.dtls_flows;
        doc.stats.quic_flows = ps.quic_flows;
        doc.stats.gaps = fs.gaps;
        doc.stats.evicted_flows = fs.evicted;
        doc.stats.evicted_handshakes = ps.evicted;
        /* The front end said it when a handshake was cut (pcapfe.c); flows
         * without TLS are said here. */
        if (fs.evicted && ps.flows_closed_early == 0)
            td_doc_warn(&doc, "%s: %llu connections were closed early: more "
                        "than %u were open at once, and the least recently "
                        "active went first (none was in a TLS handshake)",
                        td_input_label(doc.input_name),
                        (unsigned long long)fs.evicted,
                        TD_FLOW_DEF_MAX_FLOWS);
        char why[600];
        snprintf(why, sizeof(why), "%s: no TLS handshake in %llu packets "
                 "(%llu flows); %s", td_input_label(doc.input_name),
                 (unsigned long long)fs.packets,
                 (unsigned long long)fs.flows,
                 bpf ? "check the filter (-f), or try without it"
                     : "start the capture before the device connects, "
                       "and capture its TCP traffic (tlsdiag reads TLS "
                       "over TCP)");
        if (read_any && ps.handshakes == 0 && status == TD_EXIT_OK)
            td_doc_warn(&doc, "%s", why);
        td_flowtab_free(t);
        if (ps.handshakes == 0 && status == TD_EXIT_OK) {
            if (read_any)
                td_msg_error("%s", why);
            status = TD_EXIT_INPUT;
        }
    }
    td_pcapfe_free(fe);
    unsigned failed = doc.failed;
    int out_rc = td_render_end(&r, &doc);
    td_doc_free(&doc);
    if (out_rc) {
        td_msg_error("standard output: writing failed; check the disk "
                     "space, or whether the program reading it stopped");
        return TD_EXIT_INPUT;
    }
    if (status != TD_EXIT_OK)
        return status;
    if (failed)
        return TD_EXIT_FAILED;
    return io_error ? TD_EXIT_INPUT : TD_EXIT_OK;
}
