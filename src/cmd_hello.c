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

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INPUT ((size_t)64 << 20)
#define NAME_CAP 256    /* an input's name in messages */

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

/* What to do when the bytes cannot be read, for every such message. */
#define HINT_INPUT "give hex (16 03 01 ...), base64, a file with the " \
                   "bytes, or - for standard input (see 'tlsdiag hello " \
                   "--help')"

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
    td_msg_error("%s: byte offset 0: %s%zu bytes start with %s: not a TLS "
                 "record (16 03 0x ...), an SSLv2 hello or a handshake "
                 "message; give the TLS bytes (for a debug log use "
                 "'tlsdiag log', for a capture 'tlsdiag pcap')",
                 what, more ? "the first " : "the ", n, head);
}

/* Text (hex/base64) or binary?  TLS bytes start with a content type or
 * handshake type below 0x20; text input never has NUL or such bytes
 * apart from whitespace. */
static bool is_binary(const uint8_t *p, size_t n)
{
    if (n > 4096)
        n = 4096; /* the first 4 KiB tell */
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'
                       && c != '\f' && c != '\v'))
            return true;
    }
    return false;
}

/* An argument that reads as a file name: a '/' or an extension that is
 * not hex ("capture.bin", "dump.txt"). */
static bool looks_like_path(const char *a)
{
    if (strchr(a, '/'))
        return true;
    const char *dot = strrchr(a, '.');
    if (!dot || dot == a || strpbrk(a, " \t\n:"))
        return false;
    size_t n = strlen(dot + 1);
    if (n == 0 || n > 5)
        return false;
    bool letter = false;
    for (const char *p = dot + 1; *p; p++) {
        if (!isalnum((unsigned char)*p))
            return false;
        if (!isxdigit((unsigned char)*p))
            letter = true;
    }
    return letter;
}

/* Hex or base64 text into out.  name: the input as messages name it;
 * arg: the command-line argument when the text is one.  TD_ERR_EMPTY
 * (nothing in it), TD_ERR_MALFORMED (said on stderr), TD_ERR_LIMIT,
 * TD_ERR_NOMEM. */
static int add_text(const char *name, const char *arg, const char *text,
                    size_t len, enum td_hexin_mode mode,
                    struct td_bytebuf *out)
{
    char why[256];
    int rc = td_hexin_decode(text, len, mode, out, NULL, why, sizeof(why));
    if (rc == TD_ERR_EMPTY)
        return rc;
    if (rc == TD_ERR_MALFORMED && arg && looks_like_path(arg)) {
        td_msg_error("%s: no such file (%s), and not hex or base64 "
                     "either; check the file name", arg, strerror(ENOENT));
        return rc;
    }
    if (rc) {
        td_msg_error("%s: %s; " HINT_INPUT, name,
                     rc == TD_ERR_MALFORMED ? why
                     : rc == TD_ERR_LIMIT   ? "more than 64 MiB of bytes"
                                            : td_strerror(rc));
        return rc;
    }
    return 0;
}

/* One operand (the n-th, from 1) into out: a file, '-' or text.  Its
 * name for messages goes to name.  TD_ERR_EMPTY when it holds no bytes;
 * other errors are said on stderr. */
static int add_arg(const char *arg, int n, enum td_hexin_mode mode,
                   struct td_bytebuf *out, bool *stdin_used, char *name,
                   size_t namecap)
{
    struct stat st;
    bool is_stdin = strcmp(arg, "-") == 0;
    bool exists = !is_stdin && stat(arg, &st) == 0;
    snprintf(name, namecap, "%s", is_stdin ? "standard input" : arg);
    if (exists && S_ISDIR(st.st_mode)) {
        td_msg_error("%s: is a directory; " HINT_INPUT, arg);
        return TD_ERR_IO;
    }
    if (is_stdin || exists) {
        FILE *f = stdin;
        if (is_stdin) {
            if (*stdin_used) {
                td_msg_usage("hello", "'-' (standard input) is given "
                             "twice; give it once");
                return TD_ERR_USAGE;
            }
            *stdin_used = true;
            if (isatty(STDIN_FILENO))
                td_msg_info("paste the bytes (hex, base64 or a hexdump), "
                            "then press Ctrl-D");
        } else {
            f = fopen(arg, "rb");
            if (!f) {
                td_msg_error("%s: cannot open: %s; check the permissions",
                             arg, strerror(errno));
                return TD_ERR_IO;
            }
        }
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
            say_not_tls(name, first, got, got == sizeof(first));
            rc = TD_ERR_MALFORMED;
        } else if (rc == 0) {
            struct td_bytebuf *dst = binary ? out : &raw;
            rc = td_bytebuf_append(dst, first, got);
            if (rc == 0 && got == sizeof(first))
                rc = read_all(f, dst);
        }
        if (rc && rc != TD_ERR_MALFORMED)
            td_msg_error("%s: %s", name,
                         rc == TD_ERR_LIMIT
                             ? "larger than 64 MiB; give only the TLS "
                               "bytes (for a capture use 'tlsdiag pcap')"
                         : rc == TD_ERR_IO ? "read error; check the file"
                                           : td_strerror(rc));
        if (!is_stdin)
            fclose(f);
        if (rc == 0 && !binary)
            rc = add_text(name, NULL, (const char *)raw.p, raw.n, mode, out);
        td_bytebuf_free(&raw);
        return rc;
    }
    snprintf(name, namecap, "argument %d", n);
    return add_text(name, arg, arg, strlen(arg), mode, out);
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
    /* Each operand's name and where its bytes start in the joined
     * stream: messages name the one a byte offset falls in. */
    int nops = argc - optind;
    struct td_doc_part *parts = calloc((size_t)nops, sizeof(*parts));
    char (*names)[NAME_CAP] = calloc((size_t)nops, NAME_CAP);
    if (!parts || !names) {
        td_msg_error("out of memory");
        free(parts);
        free(names);
        return TD_EXIT_INPUT;
    }
    size_t nparts = 0;
    int status = TD_EXIT_OK;
    for (int i = optind; i < argc && status == TD_EXIT_OK; i++) {
        size_t before = bytes.n;
        int rc = add_arg(argv[i], i - optind + 1, mode, &bytes, &stdin_used,
                         names[i - optind], NAME_CAP);
        if (rc == TD_ERR_EMPTY) {
            if (nops > 1)
                td_msg_warn("%s: no bytes in it; skipped",
                            names[i - optind]);
            continue;
        }
        if (rc)
            status = rc == TD_ERR_USAGE ? TD_EXIT_USAGE : TD_EXIT_INPUT;
        else if (bytes.n > before)
            parts[nparts++] = (struct td_doc_part){names[i - optind],
                                                   before};
    }
    if (status == TD_EXIT_OK && bytes.n == 0) {
        td_msg_error("%s: no bytes to decode; " HINT_INPUT,
                     nops == 1 ? names[0] : "the input");
        status = TD_EXIT_INPUT;
    }
    /* The input as a whole, for messages about all of it. */
    char label[NAME_CAP];
    snprintf(label, sizeof(label), "%s",
             nparts == 1 ? parts[0].name : "the input");
    if (nparts > 1)
        snprintf(label, sizeof(label), "the %zu inputs joined", nparts);
    enum shape shape = status ? SHAPE_UNKNOWN
                              : guess_shape(bytes.p, bytes.n);
    if (status == TD_EXIT_OK && shape == SHAPE_UNKNOWN) {
        say_not_tls(parts[0].name, bytes.p, bytes.n, false);
        status = TD_EXIT_INPUT;
    }
    if (status != TD_EXIT_OK) {
        td_bytebuf_free(&bytes);
        free(parts);
        free(names);
        return status;
    }

    struct td_doc doc;
    td_doc_init(&doc, "hello", "hex", argv[optind]);
    td_doc_set_inputs(&doc, argv + optind, argc - optind);
    doc.parts = parts;
    doc.nparts = nparts;
    struct td_render r;
    struct td_render_opts ro = {.out = cli->out, .json = cli->json,
                                .pretty = true, .color = cli->color,
                                .verbose = true, .width = td_cli_width(cli)};
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
        td_doc_warn(&doc, "%s: decoding stopped: %s; give fewer bytes at "
                    "once", label, td_strerror(rc));
    int out_rc = td_render_end(&r, &doc);
    td_doc_free(&doc);
    free(parts);
    free(names);
    if (out_rc) {
        td_bytebuf_free(&bytes);
        td_msg_error("standard output: writing failed; check the disk "
                     "space, or whether the program reading it stopped");
        return TD_EXIT_INPUT;
    }
    if (!run.decoded) {
        /* Bytes that started like TLS and decoded into noise (random
         * input does now and then): no message only TLS has. */
        td_msg_error("%s: no TLS message in %zu bytes: they start like "
                     "%s but decode into nothing TLS has%s%s%s; give the "
                     "TLS bytes from the start of a record (16 03 0x ...)",
                     label, bytes.n,
                     shape == SHAPE_RECORDS ? "a TLS record"
                                            : "a handshake message",
                     run.first_warning[0] ? " (first problem: " : "",
                     run.first_warning, run.first_warning[0] ? ")" : "");
    }
    td_bytebuf_free(&bytes);
    return run.decoded ? TD_EXIT_OK : TD_EXIT_INPUT;
}
