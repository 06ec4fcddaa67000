/* cmd_log.c - `tlsdiag log`: diagnose every handshake in mbedTLS debug
 * logs.  Files are streamed in chunks; each handshake is diagnosed and
 * rendered as soon as it is complete, then freed. */
#include "cli.h"
#include "msg.h"

#include "tlsdiag/diag.h"
#include "tlsdiag/err.h"
#include "tlsdiag/logparse.h"
#include "tlsdiag/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256u * 1024u)

static void help(FILE *f)
{
    fputs("Usage: tlsdiag log [OPTIONS] [--] [FILE...]\n"
          "\n"
          "Read mbedTLS debug logs (any level; level 4 shows the bytes) and\n"
          "diagnose every handshake in them: the ClientHello and what the\n"
          "server answered, alerts and mbedTLS errors explained, and the\n"
          "likely causes, most likely first, with the lines that show them\n"
          "and the fix for mbedTLS 2.28 and 3.6.  Without FILE, or with -,\n"
          "the log is read from standard input (paste it, then Ctrl-D).\n"
          "\n"
          "Any line prefix is accepted (file.c:123: |2|, ESP-IDF, Zephyr,\n"
          "SEGGER RTT, none), with CRLF, colour codes and blank lines; logs\n"
          "of an mbedTLS server are read too.\n"
          "\n"
          "Options:\n"
          "  -v, --verbose     each finding's whole reasoning and evidence, "
          "the steps\n"
          "                    for mbedTLS 2.28 and 3.6, every field of every "
          "message\n"
          "  --json            print the JSON document\n"
          "  --color=WHEN      auto, always or never\n"
          "  -h, --help        this help\n"
          "\n"
          "Exit status: 0 no failed handshake, 1 a failed handshake was\n"
          "diagnosed, 2 usage error, 3 unreadable input or no mbedTLS\n"
          "handshake in it.\n"
          "\n"
          "Example:\n"
          "  tlsdiag log device.log\n"
          "  idf.py monitor | tee run.log; tlsdiag log run.log\n", f);
}

struct log_run {
    struct td_render *r;
    struct td_doc *doc;
    const char *input;
    unsigned index;
    int opened;         /* inputs opened */
    char why[512];      /* the last "no handshake" message */
};

/* Why an input gave no handshake, and what to do. */
static const char *no_handshake(const char *label, uint64_t lines,
                                bool is_stdin, char *buf, size_t cap)
{
    if (lines == 0 && is_stdin)
        snprintf(buf, cap, "%s: nothing was read; paste the log, then "
                 "press Ctrl-D (or give the log's file name)", label);
    else if (lines == 0)
        snprintf(buf, cap, "%s: the file is empty; check that the "
                 "device's console output was saved to it", label);
    else
        snprintf(buf, cap, "%s: no mbedTLS handshake in %llu line%s; is "
                 "the debug level at least 2? "
                 "(mbedtls_debug_set_threshold(4) shows everything; for "
                 "bare TLS bytes use 'tlsdiag hello')", label,
                 (unsigned long long)lines, lines == 1 ? "" : "s");
    return buf;
}

static void emit(void *user, struct td_handshake *hs)
{
    struct log_run *run = user;
    td_cli_diagnose(hs, &run->index, run->input, true);
    td_render_handshake(run->r, run->doc, hs);
    td_hs_free(hs);
}

/* Read one log; its messages name it.  Returns 0, TD_ERR_IO (could not
 * be opened or read: said on stderr) or TD_ERR_NOMEM. */
static int read_one(const char *name, struct log_run *run, uint64_t *lines,
                    uint64_t *found)
{
    bool is_stdin = strcmp(name, "-") == 0;
    const char *label = td_input_label(name);
    struct stat sb;
    if (!is_stdin && stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        td_msg_error("%s: is a directory, not a log; give a log file (or - "
                     "to paste one)", name);
        return TD_ERR_IO;
    }
    FILE *f = is_stdin ? stdin : fopen(name, "rb");
    if (!f) {
        td_msg_error("%s: cannot open: %s; check the name and the "
                     "permissions (or give - to paste the log)", name,
                     strerror(errno));
        return TD_ERR_IO;
    }
    run->opened++;
    if (is_stdin && isatty(STDIN_FILENO))
        td_msg_info("paste the mbedTLS debug log, then press Ctrl-D");
    struct td_log *lp = td_log_new(run->doc, emit, run);
    char *buf = malloc(CHUNK);
    int rc = lp && buf ? 0 : TD_ERR_NOMEM;
    run->input = name;
    if (lp)
        td_log_set_input(lp, name);
    while (rc == 0) {
        size_t n = fread(buf, 1, CHUNK, f);
        if (n > 0)
            rc = td_log_feed(lp, buf, n);
        if (n < CHUNK) {
            if (ferror(f)) {
                struct td_log_stats st;
                td_log_stats(lp, &st);
                td_msg_error("%s: line %llu: read error: %s; the lines "
                             "before it were read (copy the log to a local "
                             "file and try again)", label,
                             (unsigned long long)st.lines + 1,
                             strerror(errno));
                rc = TD_ERR_IO;
            }
            break;
        }
    }
    if (lp && rc != TD_ERR_NOMEM)
        td_log_end(lp);
    if (lp) {
        struct td_log_stats st;
        td_log_stats(lp, &st);
        *lines += st.lines;
        *found += st.handshakes;
        if (st.handshakes == 0 && rc == 0)
            td_doc_warn(run->doc, "%s", no_handshake(label, st.lines,
                                                     is_stdin, run->why,
                                                     sizeof(run->why)));
        if (rc == TD_ERR_NOMEM)
            td_doc_warn(run->doc, "%s: line %llu: out of memory; the "
                        "handshakes before it were diagnosed; split the "
                        "log (split -l 100000 FILE) and read the parts",
                        label, (unsigned long long)st.lines);
    }
    td_log_free(lp);
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc;
}

int td_cmd_log(int argc, char **argv, struct td_cli *cli)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
        int common = td_cli_common_option(cli, c, optarg);
        if (common < 0)
            return TD_EXIT_USAGE;
        if (common)
            continue;
        switch (c) {
        case 'h':
            help(stdout);
            return TD_EXIT_OK;
        case 'v':
            cli->verbose = true;
            break;
        default:
            fputs("Try 'tlsdiag log --help'.\n", stderr);
            return TD_EXIT_USAGE;
        }
    }
    td_cli_resolve_color(cli);
    char *dash[] = {"-"};
    char **files = optind < argc ? argv + optind : dash;
    int nfiles = optind < argc ? argc - optind : 1;

    struct td_doc doc;
    td_doc_init(&doc, "log", "mbedtls-log", files[0]);
    td_doc_set_inputs(&doc, files, nfiles);
    struct td_render r;
    struct td_render_opts ro = {.out = cli->out, .json = cli->json,
                                .pretty = true, .color = cli->color,
                                .verbose = cli->verbose, .width = td_cli_width(cli)};
    td_render_init(&r, &ro);
    td_render_begin(&r, &doc);
    struct log_run run = {&r, &doc, files[0], 0, 0, ""};
    uint64_t lines = 0, found = 0;
    int failed_io = 0;
    for (int i = 0; i < nfiles; i++) {
        int rc = read_one(files[i], &run, &lines, &found);
        if (rc == TD_ERR_NOMEM) {
            failed_io = 1;
            break;
        }
        if (rc)
            failed_io = 1;
    }
    unsigned failed = doc.failed;
    int out_rc = td_render_end(&r, &doc);
    td_doc_free(&doc);
    if (out_rc) {
        td_msg_error("standard output: writing failed; check the disk "
                     "space, or whether the program reading it stopped");
        return TD_EXIT_INPUT;
    }
    if (found == 0) {
        /* An input that could not be opened was said already. */
        if (run.opened == 1 && run.why[0])
            td_msg_error("%s", run.why);
        else if (run.opened > 1)
            td_msg_error("no mbedTLS handshake in %llu lines of %d logs; "
                         "is the debug level at least 2? "
                         "(mbedtls_debug_set_threshold(4) shows everything)",
                         (unsigned long long)lines, run.opened);
        return TD_EXIT_INPUT;
    }
    if (failed)
        return TD_EXIT_FAILED;
    return failed_io ? TD_EXIT_INPUT : TD_EXIT_OK;
}
