/* cmd_hello.c - `tlsdiag hello`: decode TLS bytes a user copied.
 *
 * Arguments are joined in order into one byte stream: a file that exists
 * is read (binary as is, text as hex/base64), `-` is standard input, any
 * other argument is text.  The stream may be TLS records (any number, in
 * either direction), an SSLv2-compatible hello, or bare handshake messages
 * as mbedTLS dumps them.  Direction is inferred from the messages.
 */
#include "cli.h"
#include "hexin.h"
#include "msg.h"

#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INPUT ((size_t)64 << 20)

enum { OPT_BASE64 = TD_OPT_FIRST_COMMAND_OWN, OPT_HEX };

static void help(FILE *f)
{
    fputs("Usage: tlsdiag hello [OPTIONS] [--] HEX|FILE|- ...\n"
          "\n"
          "Decode TLS bytes: whole records (16 03 01 ...), several records,\n"
          "a bare handshake message (01 00 00 71 ...), a record split over\n"
          "several arguments or pastes.  Every field is printed: versions,\n"
          "random, session id, cipher suites with IANA names, every\n"
          "extension decoded, ServerHello / HelloRetryRequest, certificates\n"
          "(subject, issuer, validity, key, SAN), ServerKeyExchange,\n"
          "CertificateRequest, ServerHelloDone and alerts.\n"
          "\n"
          "An argument naming an existing file is read from the file (binary\n"
          "or text), '-' reads standard input, anything else is text.  Text\n"
          "is hex when it reads as hex (spaces, colons, 0x, \\x, C arrays,\n"
          "hexdump / xxd / mbedTLS debug dump lines), otherwise base64.\n"
          "\n"
          "Options:\n"
          "  --hex             text is hex; never fall back to base64\n"
          "  --base64          text is base64\n"
          "  -v, --verbose     (accepted; hello always prints every field)\n"
          "  --json            print the JSON document\n"
          "  --color=WHEN      auto, always or never\n"
          "  -h, --help        this help\n"
          "\n"
          "Exit status: 0 something was decoded (even partly; what stopped\n"
          "the decode is listed), 2 usage error, 3 nothing could be "
          "decoded.\n"
          "\n"
          "Example:\n"
          "  tlsdiag hello 16030100750100007103...\n"
          "  tlsdiag hello capture.bin\n", f);
}

/* Read the rest of f into b; TD_ERR_IO / TD_ERR_LIMIT / NOMEM. */
static int read_all(FILE *f, struct td_bytebuf *b)
{
    uint8_t chunk[65536];
    for (;;) {
        size_t r = fread(chunk, 1, sizeof(chunk), f);
        if (r > 0) {
            int rc = td_bytebuf_append(b, chunk, r);
            if (rc)
                return rc;
        }
        if (r < sizeof(chunk))
            return ferror(f) ? TD_ERR_IO : 0;
    }
}

/* What the bytes start with decides how they are fed. */
enum shape { SHAPE_RECORDS, SHAPE_HANDSHAKE, SHAPE_UNKNOWN };

static enum shape guess_shape(const uint8_t *p, size_t n)
{
    if (td_tls_looks_like_record(p, n))
        return SHAPE_RECORDS;
    if (n >= 4) {
        size_t len = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        switch (p[0]) {
        case 0: case 1: case 2: case 4: case 8: case 11: case 12: case 13:
        case 14: case 15: case 16: case 20: case 22: case 24:
            /* A bare message announces a length the input can hold (or
             * nearly: a paste may be cut), and one the decoder takes. */
            if ((p[1] == 0 || ((size_t)p[1] << 16) <= n)
                && len <= TD_TLS_MAX_HS_MSG)
                return SHAPE_HANDSHAKE;
            break;
        default:
            break;
        }
    }
    return SHAPE_UNKNOWN;
}

/* The bytes cannot start TLS input: say so, naming the input. */
static void say_not_tls(const char *what, const uint8_t *p, size_t n,
                        bool more)
{
    char head[3 * 8 + 4] = "";
    size_t k = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        k += (size_t)snprintf(head + k, sizeof(head) - k, "%s%02x",
                              i ? " " : "", p[i]);
    if (n > 8)
        snprintf(head + k, sizeof(head) - k, " ...");
    td_msg_error("%s: %s%zu bytes start with %s: not a TLS record "
                 "(16 03 0x ...), an SSLv2 hello or a handshake message",
                 what, more ? "the first " : "the ", n, head);
}

/* Text (hex/base64) or binary?  TLS bytes start with a content type or
 * handshake type below 0x20; text input never has NUL or such bytes
 * apart from whitespace. */
static bool is_binary(const uint8_t *p, size_t n)
{
    size_t lim = n < 4096 ? n : 4096;
    for (size_t i = 0; i < lim; i++) {
        uint8_t c = p[i];
        if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'
                       && c != '\f' && c != '\v'))
            return true;
    }
    return false;
}

static int add_text(const char *what, const char *text, size_t len,
                    enum td_hexin_mode mode, struct td_bytebuf *out)
{
    char why[256];
    int rc = td_hexin_decode(text, len, mode, out, NULL, why, sizeof(why));
    if (rc == TD_ERR_EMPTY) {
        td_msg_warn("%s: no bytes in it", what);
        return 0;
    }
    if (rc) {
        td_msg_error("%s: %s", what, rc == TD_ERR_MALFORMED ? why
                                                             : td_strerror(rc));
        return rc;
    }
    return 0;
}

static int add_arg(const char *arg, enum td_hexin_mode mode,
                   struct td_bytebuf *out, bool *stdin_used)
{
    struct stat st;
    bool is_stdin = strcmp(arg, "-") == 0;
    if (is_stdin || (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode))) {
        FILE *f = stdin;
        if (is_stdin) {
            if (*stdin_used) {
                td_msg_error("'-' given twice");
                return TD_ERR_USAGE;
            }
            *stdin_used = true;
            if (isatty(STDIN_FILENO))
                td_msg_info("paste the bytes (hex, base64 or a hexdump), "
                            "then press Ctrl-D");
        } else {
            f = fopen(arg, "rb");
            if (!f) {
                td_msg_error("%s: %s", arg, strerror(errno));
                return TD_ERR_IO;
            }
        }
        const char *what = is_stdin ? "standard input" : arg;
        /* The first 64 KiB tell binary from text.  Binary goes straight
         * into out (never held twice); binary that cannot start TLS input
         * is refused there, before the rest is read. */
        uint8_t first[65536];
        size_t got = fread(first, 1, sizeof(first), f);
        int rc = ferror(f) ? TD_ERR_IO : 0;
        struct td_bytebuf raw = {.max = MAX_INPUT};
        bool binary = got && is_binary(first, got);
        if (rc == 0 && binary && out->n == 0 && got >= 4
            && guess_shape(first, got) == SHAPE_UNKNOWN) {
            say_not_tls(what, first, got, got == sizeof(first));
            rc = TD_ERR_MALFORMED;
        } else if (rc == 0) {
            struct td_bytebuf *dst = binary ? out : &raw;
            rc = td_bytebuf_append(dst, first, got);
            if (rc == 0 && got == sizeof(first))
                rc = read_all(f, dst);
            if (rc)
                td_msg_error("%s: %s", what,
                             rc == TD_ERR_LIMIT ? "larger than 64 MiB"
                                                : td_strerror(rc));
        } else {
            td_msg_error("%s: %s", what, td_strerror(rc));
        }
        if (!is_stdin)
            fclose(f);
        if (rc == 0 && !binary)
            rc = add_text(what, (const char *)raw.p, raw.n, mode, out);
        td_bytebuf_free(&raw);
        return rc;
    }
    return add_text(arg, arg, strlen(arg), mode, out);
}

/* The input as messages name it: a file, standard input, the argument,
 * or all of them joined. */
static const char *input_label(char **args, int n, char *buf, size_t cap)
{
    struct stat st;
    if (n > 1)
        snprintf(buf, cap, "the %d inputs joined", n);
    else if (strcmp(args[0], "-") == 0)
        snprintf(buf, cap, "standard input");
    else if (stat(args[0], &st) == 0 && !S_ISDIR(st.st_mode))
        snprintf(buf, cap, "%s", args[0]);
    else
        snprintf(buf, cap, "the argument");
    return buf;
}

struct hello_run {
    struct td_render *r;
    struct td_doc *doc;
    unsigned next_index;
    unsigned decoded;
    char first_warning[200];    /* what stopped the decode, when nothing
                                 * was decoded */
};

static void finish(struct hello_run *run, struct td_handshake *hs)
{
    td_hs_settle_wire(hs);
    if (td_hs_found_tls(hs))
        run->decoded++;
    else if (!run->first_warning[0] && hs->warnings.n) {
        /* the fact, without the advice after "; " */
        const char *w = hs->warnings.v[0], *end = strstr(w, "; ");
        int len = end ? (int)(end - w) : (int)strlen(w);
        snprintf(run->first_warning, sizeof(run->first_warning), "%.*s",
                 len, w);
    }
    td_render_handshake(run->r, run->doc, hs);
}

static struct td_handshake *split(void *user, struct td_handshake *done)
{
    struct hello_run *run = user;
    struct td_handshake *hs = td_hs_new(0);
    if (!hs)
        return NULL;
    finish(run, done);
    td_hs_free(done);
    hs->index = run->next_index++;
    hs->role = TD_ROLE_OBSERVER;
    return hs;
}

int td_cmd_hello(int argc, char **argv, struct td_cli *cli)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"base64", no_argument, NULL, OPT_BASE64},
        {"hex", no_argument, NULL, OPT_HEX},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    enum td_hexin_mode mode = TD_HEXIN_AUTO;
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
        case OPT_BASE64:
            mode = TD_HEXIN_BASE64;
            break;
        case OPT_HEX:
            mode = TD_HEXIN_HEX;
            break;
        default:
            fputs("Try 'tlsdiag hello --help'.\n", stderr);
            return TD_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        td_msg_usage("hello", "hello needs bytes: HEX, a FILE or - for "
                     "standard input");
        return TD_EXIT_USAGE;
    }
    td_cli_resolve_color(cli);

    struct td_bytebuf bytes = {.max = MAX_INPUT};
    bool stdin_used = false;
    for (int i = optind; i < argc; i++) {
        int rc = add_arg(argv[i], mode, &bytes, &stdin_used);
        if (rc) {
            td_bytebuf_free(&bytes);
            return rc == TD_ERR_USAGE ? TD_EXIT_USAGE : TD_EXIT_INPUT;
        }
    }
    if (bytes.n == 0) {
        td_msg_error("no bytes to decode");
        td_bytebuf_free(&bytes);
        return TD_EXIT_INPUT;
    }
    char label[300];
    input_label(argv + optind, argc - optind, label, sizeof(label));
    enum shape shape = guess_shape(bytes.p, bytes.n);
    if (shape == SHAPE_UNKNOWN) {
        say_not_tls(label, bytes.p, bytes.n, false);
        td_bytebuf_free(&bytes);
        return TD_EXIT_INPUT;
    }

    struct td_doc doc;
    td_doc_init(&doc, "hello", "hex", argv[optind]);
    td_doc_set_inputs(&doc, argv + optind, argc - optind);
    struct td_render r;
    struct td_render_opts ro = {.out = cli->out, .json = cli->json,
                                .pretty = true, .color = cli->color,
                                .verbose = true, .width = 80};
    td_render_init(&r, &ro);
    td_render_begin(&r, &doc);

    struct hello_run run = {&r, &doc, 1, 0, ""};
    struct td_handshake *hs = td_hs_new(0);
    int rc = hs ? 0 : TD_ERR_NOMEM;
    struct td_tls_session s;
    if (hs) {
        hs->role = TD_ROLE_OBSERVER;
        td_tls_init(&s, hs);
        s.split = split;
        s.user = &run;
        rc = shape == SHAPE_RECORDS
             ? td_tls_feed(&s, TD_DIR_AUTO, bytes.p, bytes.n, NULL)
             : td_tls_feed_handshake(&s, TD_DIR_AUTO, bytes.p, bytes.n, NULL);
        td_tls_end(&s);
        finish(&run, s.hs);
        td_hs_free(s.hs);
        td_tls_free(&s);
    }
    if (rc)
        td_doc_warn(&doc, "decoding stopped: %s", td_strerror(rc));
    int out_rc = td_render_end(&r, &doc);
    td_doc_free(&doc);
    if (out_rc) {
        td_bytebuf_free(&bytes);
        td_msg_error("writing the output failed");
        return TD_EXIT_INPUT;
    }
    if (!run.decoded) {
        /* Bytes that started like TLS and decoded into noise (random
         * input does now and then): no message only TLS has. */
        td_msg_error("%s: no TLS message in %zu bytes: they start like "
                     "%s but decode into nothing TLS has%s%s", label,
                     bytes.n, shape == SHAPE_RECORDS ? "a TLS record"
                                                     : "a handshake message",
                     run.first_warning[0] ? "; first problem: " : "",
                     run.first_warning);
    }
    td_bytebuf_free(&bytes);
    return run.decoded ? TD_EXIT_OK : TD_EXIT_INPUT;
}
