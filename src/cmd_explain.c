/* cmd_explain.c - `tlsdiag explain CODE...`: what an alert, an mbedTLS
 * error code or X.509 verify flags mean, what usually causes them and
 * what to check next.
 *
 * Option parsing: mbedTLS codes are negative (-0x7780, -30592), which
 * getopt would read as options.  Before getopt runs, every argument of the
 * form "-<digit>..." (up to a "--") is passed to getopt without its minus
 * sign, so getopt sees a non-option; the original is put back when the
 * argument comes out.  getopt runs in RETURN_IN_ORDER mode ("-" first in
 * the option string) so that `--flags` can apply to the arguments after
 * it only: `explain -0x2700 --flags 00000008`.
 *
 * Every argument is read before anything is printed (the JSON document
 * lists warnings before explanations).  Arguments that cannot be read are
 * reported on stderr and as warnings; the others are still explained and
 * the exit status is 2.
 */
#include "cli.h"
#include "config.h"
#include "jsonw.h"
#include "msg.h"

#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 80            /* terminal columns for text output */
#define LABEL_COL 12        /* where field values start */
#define MAX_INPUT_COL 16    /* widest input column before names */

enum { OPT_FLAGS = TD_OPT_FIRST_COMMAND_OWN };

#define C_BOLD "\033[1m"
#define C_NAME "\033[1;36m"
#define C_BAD "\033[1;31m"
#define C_CAUSES "\033[1;33m"
#define C_NEXT "\033[1;32m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static void help(FILE *f)
{
    fputs(
        "Usage: tlsdiag explain [OPTIONS] CODE... [--flags FLAGS...]\n"
        "\n"
        "Explain TLS alerts, mbedTLS error codes and X.509 certificate\n"
        "verification flags: what they mean, what usually causes them on\n"
        "embedded devices, and what to check next (with the mbedTLS 2.28\n"
        "and 3.6 calls and options).\n"
        "\n"
        "A CODE is read as:\n"
        "  40  [2:40]  2:40        TLS alert: a decimal 0-255, or the\n"
        "                          [level:description] form of mbedTLS "
        "logs\n"
        "  handshake_failure       TLS alert by IANA name (any case;\n"
        "                          MBEDTLS_SSL_ALERT_MSG_... also works)\n"
        "  -0x7780  0x7780         mbedTLS error: hex, with or without the\n"
        "  -30592                  minus; or a negative decimal\n"
        "  -0xffff8880  ffff8880   a negative int printed as unsigned "
        "32-bit\n"
        "  4294936704              (two's complement) is understood\n"
        "  7780  7A00              a bare number above 255 with at most 4\n"
        "                          digits is hex, the way codes are quoted\n"
        "  30592                   5 or more decimal digits: decimal\n"
        "  00000008                8 hex digits below 80000000: X.509\n"
        "                          verify flags, as mbedTLS prints them\n"
        "  MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE\n"
        "                          mbedTLS error by name (the MBEDTLS_ERR_\n"
        "                          prefix is optional; PSA_ERROR_... too)\n"
        "\n"
        "A code whose number means different things in mbedTLS 2.x and 3.x\n"
        "(e.g. -0x7800) is explained once per version unless --mbedtls\n"
        "picks one.  A composite code (high|low, e.g. -0x4290) is "
        "explained\n"
        "part by part.\n"
        "\n"
        "Options:\n"
        "  --flags            the arguments after it are X.509 verify "
        "flags,\n"
        "                     hex with or without 0x: 0x8, 00000008, "
        "10004\n"
        "  --mbedtls 2|3      only the meaning for that major version\n"
        "  --json             print the JSON document (see README)\n"
        "  --color=WHEN       auto (default), always or never; NO_COLOR is\n"
        "                     honoured\n"
        "  -h, --help         this help\n"
        "  --                 end of options (codes starting with '-' work\n"
        "                     before and after it)\n"
        "\n"
        "JSON: the common document with \"command\": \"explain\", \"input\":\n"
        "{\"kind\": \"args\", \"name\": the arguments joined by spaces},\n"
        "\"handshakes\": [] and \"explanations\": [{input, kind, code, "
        "name,\n"
        "library_text, versions, meaning, causes, next_steps, ...}].\n"
        "\n"
        "Exit status: 0 every CODE was read; 2 a CODE could not be read "
        "(the\n"
        "others are still explained) or a usage error.\n"
        "\n"
        "Examples:\n"
        "  tlsdiag explain 40 -0x7780 -0x2700\n"
        "  tlsdiag explain --mbedtls 3 -0x7800\n"
        "  tlsdiag explain --flags 00000008\n", f);
}

/* ---- growable lists (the command's own state, freed on return) ---- */

struct item {
    const char *arg;
    bool flags;
};

struct run {
    struct item *items;
    size_t n_items;
    struct td_explanation *ents;
    size_t n_ents, cap_ents;
    char **warnings;
    size_t n_warnings, cap_warnings;
    bool nomem;
};

static void run_free(struct run *r)
{
    free(r->items);
    free(r->ents);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
}

static void add_warning(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_warning(struct run *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (r->n_warnings == r->cap_warnings) {
        size_t cap = r->cap_warnings ? r->cap_warnings * 2 : 8;
        char **w = realloc(r->warnings, cap * sizeof(*w));
        if (!w) {
            r->nomem = true;
            return;
        }
        r->warnings = w;
        r->cap_warnings = cap;
    }
    char *s = strdup(buf);
    if (!s) {
        r->nomem = true;
        return;
    }
    r->warnings[r->n_warnings++] = s;
}

static bool add_entries(struct run *r, const struct td_explanation *e,
                        size_t n)
{
    if (n == 0)
        return true; /* r->ents may still be NULL: no memcpy */
    if (r->n_ents + n > r->cap_ents) {
        size_t cap = r->cap_ents ? r->cap_ents * 2 : 16;
        while (cap < r->n_ents + n)
            cap *= 2;
        struct td_explanation *p = realloc(r->ents, cap * sizeof(*p));
        if (!p) {
            r->nomem = true;
            return false;
        }
        r->ents = p;
        r->cap_ents = cap;
    }
    memcpy(r->ents + r->n_ents, e, n * sizeof(*e));
    r->n_ents += n;
    return true;
}

/* ---- formatting helpers ---- */

static const char *kind_json(enum td_explain_kind k)
{
    switch (k) {
    case TD_EXPLAIN_ALERT: return "alert";
    case TD_EXPLAIN_MBEDTLS_ERROR: return "mbedtls_error";
    case TD_EXPLAIN_X509_FLAGS: return "x509_flags";
    }
    return "unknown";
}

static const char *kind_text(enum td_explain_kind k)
{
    switch (k) {
    case TD_EXPLAIN_ALERT: return "TLS alert";
    case TD_EXPLAIN_MBEDTLS_ERROR: return "mbedTLS error";
    case TD_EXPLAIN_X509_FLAGS: return "X.509 flag";
    }
    return "?";
}

/* "-0x7780" for an error, "0x00000008" for flags, "0x28" for an alert. */
static void code_hex(const struct td_explanation *e, char *buf, size_t len)
{
    if (e->kind == TD_EXPLAIN_MBEDTLS_ERROR)
        snprintf(buf, len, "-0x%04X", (unsigned)-e->code);
    else if (e->kind == TD_EXPLAIN_X509_FLAGS)
        snprintf(buf, len, "0x%08X", (unsigned)e->code);
    else
        snprintf(buf, len, "0x%02X", (unsigned)e->code);
}

static void part_hex(int64_t whole, enum td_explain_kind kind, char *buf,
                     size_t len)
{
    if (kind == TD_EXPLAIN_MBEDTLS_ERROR)
        snprintf(buf, len, "-0x%04X", (unsigned)-whole);
    else
        snprintf(buf, len, "0x%08X", (unsigned)whole);
}

/* Print `text` from column `col` on, wrapped at WIDTH; continuation lines
 * start at column `indent`.  Ends with a newline. */
static void wrap(FILE *f, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " ");
        if (!first && col + 1 + wl > WIDTH && col > indent) {
            fputc('\n', f);
            fprintf(f, "%*s", (int)indent, "");
            col = indent;
            first = true;
        }
        if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, wl, f);
        col += wl;
        p += wl;
        first = false;
    }
    fputc('\n', f);
}

static void field(FILE *f, bool color, const char *label, const char *text)
{
    if (color)
        fprintf(f, "  " C_DIM "%-*s" C_OFF, LABEL_COL - 2, label);
    else
        fprintf(f, "  %-*s", LABEL_COL - 2, label);
    wrap(f, text, LABEL_COL, LABEL_COL);
}

static void bullets(FILE *f, bool color, const char *title,
                    const char *title_color, const char *const *items,
                    size_t n)
{
    if (n == 0)
        return;
    if (color)
        fprintf(f, "  %s%s" C_OFF "\n", title_color, title);
    else
        fprintf(f, "  %s\n", title);
    for (size_t i = 0; i < n; i++) {
        fputs("    - ", f);
        wrap(f, items[i], 6, 6);
    }
}

/* The "Versions" line of an error entry. */
static void versions_line(const struct td_explanation *e, char *buf,
                          size_t len)
{
    int32_t code = (int32_t)e->code;
    const char *v = e->versions;
    if (!v) {
        snprintf(buf, len, "not an mbedTLS 2.x or 3.x code");
        return;
    }
    if (strcmp(v, "2.x and 3.x") == 0) {
        snprintf(buf, len, "mbedTLS 2.x and 3.x");
        return;
    }
    bool is2 = strcmp(v, "2.x") == 0;
    const char *other = td_mberr_name(code, is2 ? 3 : 2);
    if (other && td_mberr_differs(code))
        snprintf(buf, len, "mbedTLS %s only; in %s -0x%04X is %s", v,
                 is2 ? "3.x" : "2.x", (unsigned)-code, other);
    else
        snprintf(buf, len, "mbedTLS %s only; not an mbedTLS %s code", v,
                 is2 ? "3.x" : "2.x");
}

static void print_entry(FILE *f, bool color, const struct td_explanation *e,
                        size_t input_w)
{
    char buf[320], hex[24], whole[24];
    const char *name = e->name;
    bool known = name != NULL;
    if (!name)
        name = e->kind == TD_EXPLAIN_ALERT ? "(unassigned)"
               : e->kind == TD_EXPLAIN_X509_FLAGS && e->code == 0
                   ? "(no flags set)"
                   : "(unknown)";
    known = known || (e->kind == TD_EXPLAIN_X509_FLAGS && e->code == 0);

    /* Heading: input, kind, name. */
    size_t il = strlen(e->input);
    if (color)
        fprintf(f, C_BOLD "%s" C_OFF, e->input);
    else
        fputs(e->input, f);
    fprintf(f, "%*s  %-13s  ", (int)(il < input_w ? input_w - il : 0), "",
            kind_text(e->kind));
    if (color)
        fprintf(f, "%s%s" C_OFF "\n", known ? C_NAME : C_BAD, name);
    else
        fprintf(f, "%s\n", name);

    code_hex(e, hex, sizeof(hex));
    switch (e->kind) {
    case TD_EXPLAIN_ALERT: {
        const char *macro = td_alert_macro((uint8_t)e->code);
        if (macro)
            snprintf(buf, sizeof(buf), "%lld (%s), mbedTLS %s",
                     (long long)e->code, hex, macro);
        else
            snprintf(buf, sizeof(buf), "%lld (%s)", (long long)e->code, hex);
        field(f, color, "Alert:", buf);
        break;
    }
    case TD_EXPLAIN_MBEDTLS_ERROR:
        snprintf(buf, sizeof(buf), "%s = %lld", hex, (long long)e->code);
        field(f, color, "Code:", buf);
        versions_line(e, buf, sizeof(buf));
        field(f, color, "Versions:", buf);
        break;
    case TD_EXPLAIN_X509_FLAGS: {
        int alert = e->name ? td_x509_flag_alert((uint32_t)e->code) : -1;
        if (alert >= 0)
            snprintf(buf, sizeof(buf), "%s; mbedTLS sends alert %d (%s)",
                     hex, alert, td_alert_name((uint8_t)alert));
        else
            snprintf(buf, sizeof(buf), "%s", hex);
        field(f, color, "Flag:", buf);
        break;
    }
    }
    if (e->part_of) {
        part_hex(e->part_of, e->kind, whole, sizeof(whole));
        if (e->kind == TD_EXPLAIN_MBEDTLS_ERROR) {
            unsigned mag = (unsigned)-e->part_of;
            snprintf(buf, sizeof(buf), "%s = -0x%04X (high-level) + "
                     "-0x%04X (low-level)", whole, mag & 0xff80u,
                     mag & 0x7fu);
        } else {
            snprintf(buf, sizeof(buf), "%s, which has several bits set",
                     whole);
        }
        field(f, color, "Part of:", buf);
    }
    if (e->library_text[0])
        field(f, color, "Library:", e->library_text);
    if (e->meaning)
        field(f, color, "Meaning:", e->meaning);
    bullets(f, color, "Typical causes:", C_CAUSES, e->causes, e->n_causes);
    bullets(f, color, "Check next:", C_NEXT, e->next_steps, e->n_next_steps);
}

static void print_text(FILE *f, bool color, const struct run *r)
{
    size_t input_w = 0;
    for (size_t i = 0; i < r->n_ents; i++) {
        size_t l = strlen(r->ents[i].input);
        if (l <= MAX_INPUT_COL && l > input_w)
            input_w = l;
    }
    for (size_t i = 0; i < r->n_ents; i++) {
        if (i > 0)
            fputc('\n', f);
        print_entry(f, color, &r->ents[i], input_w);
    }
}

static void json_entry(struct td_jsonw *w, const struct td_explanation *e)
{
    char hex[24];
    td_jw_obj_begin(w);
    td_jw_kstr(w, "input", e->input);
    td_jw_kstr(w, "kind", kind_json(e->kind));
    td_jw_kint(w, "code", e->code);
    code_hex(e, hex, sizeof(hex));
    td_jw_kstr(w, "code_hex", hex);
    td_jw_kstr(w, "name", e->name);
    td_jw_key(w, "library_text");
    if (e->kind == TD_EXPLAIN_ALERT)
        td_jw_null(w);
    else
        td_jw_str(w, e->library_text);
    td_jw_kstr(w, "versions", e->versions);
    td_jw_kstr(w, "meaning", e->meaning);
    td_jw_key(w, "causes");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < e->n_causes; i++)
        td_jw_str(w, e->causes[i]);
    td_jw_arr_end(w);
    td_jw_key(w, "next_steps");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < e->n_next_steps; i++)
        td_jw_str(w, e->next_steps[i]);
    td_jw_arr_end(w);
    if (e->kind == TD_EXPLAIN_ALERT)
        td_jw_kstr(w, "mbedtls_name", td_alert_macro((uint8_t)e->code));
    if (e->kind == TD_EXPLAIN_X509_FLAGS && e->name) {
        int alert = td_x509_flag_alert((uint32_t)e->code);
        td_jw_key(w, "alert_sent");
        if (alert >= 0)
            td_jw_int(w, alert);
        else
            td_jw_null(w);
    }
    if (e->part_of)
        td_jw_kint(w, "part_of", e->part_of);
    td_jw_obj_end(w);
}

/* The arguments as the user gave them, "--flags" where it applied. */
static char *joined_input(const struct run *r)
{
    size_t len = 1;
    for (size_t i = 0; i < r->n_items; i++)
        len += strlen(r->items[i].arg) + sizeof(" --flags ");
    char *s = malloc(len);
    if (!s)
        return NULL;
    size_t k = 0;
    bool flags = false;
    for (size_t i = 0; i < r->n_items; i++) {
        if (r->items[i].flags && !flags) {
            k += (size_t)snprintf(s + k, len - k, "%s--flags", k ? " " : "");
            flags = true;
        }
        k += (size_t)snprintf(s + k, len - k, "%s%s", k ? " " : "",
                              r->items[i].arg);
    }
    s[k] = '\0';
    return s;
}

static int print_json(FILE *f, const struct run *r)
{
    struct td_jsonw w;
    char *name = joined_input(r);
    td_jw_init(&w, f, true);
    td_jw_obj_begin(&w);
    td_jw_kstr(&w, "tool", "tlsdiag");
    td_jw_kstr(&w, "version", TD_VERSION);
    td_jw_kstr(&w, "command", "explain");
    td_jw_key(&w, "input");
    td_jw_obj_begin(&w);
    td_jw_kstr(&w, "kind", "args");
    td_jw_kstr(&w, "name", name ? name : "");
    td_jw_obj_end(&w);
    td_jw_key(&w, "handshakes");
    td_jw_arr_begin(&w);
    td_jw_arr_end(&w);
    td_jw_key(&w, "warnings");
    td_jw_arr_begin(&w);
    for (size_t i = 0; i < r->n_warnings; i++)
        td_jw_str(&w, r->warnings[i]);
    td_jw_arr_end(&w);
    td_jw_key(&w, "explanations");
    td_jw_arr_begin(&w);
    for (size_t i = 0; i < r->n_ents; i++)
        json_entry(&w, &r->ents[i]);
    td_jw_arr_end(&w);
    td_jw_obj_end(&w);
    free(name);
    return td_jw_finish(&w);
}

/* ---- arguments ---- */

static bool looks_negative_code(const char *a)
{
    return a[0] == '-' && a[1] >= '0' && a[1] <= '9';
}

static int parse_major(const char *s)
{
    if ((s[0] == '2' || s[0] == '3') && (s[1] == '\0' || s[1] == '.'))
        return s[0] - '0';
    return 0;
}

/* Explain one argument into r; false when it could not be read. */
static bool explain_item(struct run *r, const struct item *it, int major,
                         bool json)
{
    struct td_explanation ents[TD_EXPLAIN_MAX_PER_ARG];
    size_t n = 0;
    int rc = td_explain(it->arg, it->flags, major, ents, TD_EXPLAIN_MAX_PER_ARG,
                        &n);
    if (rc != 0) {
        /* The same words on stderr and in the document's warnings. */
        char msg[400];
        if (it->flags)
            snprintf(msg, sizeof(msg), "'%s': cannot read it as X.509 "
                     "verify flags; give them in hex (0x8 or 00000008)",
                     it->arg);
        else
            snprintf(msg, sizeof(msg), "'%s': cannot read it as a TLS "
                     "alert, an mbedTLS error code or X.509 verify flags; "
                     "give an alert (40, handshake_failure, [2:40]), an "
                     "error code (-0x7780, MBEDTLS_ERR_...) or --flags HEX "
                     "(see 'tlsdiag explain --help')", it->arg);
        td_msg_error("%s", msg);
        add_warning(r, "%s", msg);
        return false;
    }
    for (size_t i = 0; i < n && major; i++) {
        const struct td_explanation *e = &ents[i];
        const char *want = major == 2 ? "2.x" : "3.x";
        if (e->kind != TD_EXPLAIN_MBEDTLS_ERROR || !e->versions
            || strstr(e->versions, want))
            continue;
        char msg[300];
        snprintf(msg, sizeof(msg), "-0x%04X is not an mbedTLS %s error "
                 "code; showing its %s meaning (%s)", (unsigned)-e->code,
                 want, e->versions, e->name ? e->name : "?");
        if (json)
            add_warning(r, "%s", msg);
        else
            td_msg_warn("%s", msg);
    }
    return add_entries(r, ents, n);
}

int td_cmd_explain(int argc, char **argv, struct td_cli *cli)
{
    static const struct option longopts[] = {
        TD_CLI_COMMON_LONGOPTS,
        {"mbedtls", required_argument, NULL, TD_OPT_MBEDTLS},
        {"flags", no_argument, NULL, OPT_FLAGS},
        {NULL, 0, NULL, 0},
    };
    struct run r = {0};
    int status = TD_EXIT_OK;
    char **args = calloc((size_t)argc + 1, sizeof(*args));
    r.items = calloc((size_t)argc + 1, sizeof(*r.items));
    if (!args || !r.items) {
        td_msg_error("out of memory");
        free(args);
        run_free(&r);
        return TD_EXIT_INPUT;
    }

    /* Hide the minus of negative codes from getopt (see the top). */
    bool after_dashdash = false;
    for (int i = 0; i < argc; i++) {
        args[i] = argv[i];
        if (i == 0 || after_dashdash)
            continue;
        if (strcmp(argv[i], "--") == 0)
            after_dashdash = true;
        else if (looks_negative_code(argv[i]))
            args[i] = argv[i] + 1;
    }

    bool flags = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, args, "-:h", longopts, NULL)) != -1) {
        if (c == 1) {
            const char *a = optarg;
            for (int i = 1; i < argc; i++)
                if (args[i] == optarg && args[i] != argv[i])
                    a = argv[i];
            r.items[r.n_items++] = (struct item){a, flags};
            continue;
        }
        int common = td_cli_common_option(cli, c, optarg);
        if (common < 0) {
            status = TD_EXIT_USAGE;
            goto out;
        }
        if (common)
            continue;
        switch (c) {
        case 'h':
            help(cli->out);
            goto out;
        case TD_OPT_MBEDTLS:
            cli->mbedtls_major = parse_major(optarg);
            if (!cli->mbedtls_major) {
                td_msg_usage("explain", "--mbedtls takes 2 or 3, not '%s'",
                             optarg);
                status = TD_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_FLAGS:
            flags = true;
            break;
        case ':':
            td_msg_usage("explain", "option '%s' needs a value",
                         argv[optind - 1]);
            status = TD_EXIT_USAGE;
            goto out;
        default:
            if (optopt && optopt != '?')
                td_msg_usage("explain", "unknown option '-%c'", optopt);
            else
                td_msg_usage("explain", "unknown option '%s'",
                             argv[optind - 1]);
            status = TD_EXIT_USAGE;
            goto out;
        }
    }
    /* After "--" getopt stops; the rest are codes (or flags). */
    for (int i = optind; i < argc; i++)
        r.items[r.n_items++] = (struct item){argv[i], flags};

    if (r.n_items == 0) {
        td_msg_usage("explain", "explain needs at least one CODE, e.g. "
                     "'tlsdiag explain 40 -0x7780'");
        status = TD_EXIT_USAGE;
        goto out;
    }
    td_cli_resolve_color(cli);

    bool failed = false;
    for (size_t i = 0; i < r.n_items; i++)
        if (!explain_item(&r, &r.items[i], cli->mbedtls_major, cli->json))
            failed = true;
    if (r.nomem) {
        td_msg_error("out of memory");
        status = TD_EXIT_INPUT;
        goto out;
    }

    if (cli->json) {
        if (print_json(cli->out, &r) != 0) {
            td_msg_error("standard output: writing failed; check the disk "
                         "space, or whether the program reading it "
                         "stopped");
            status = TD_EXIT_INPUT;
            goto out;
        }
    } else {
        print_text(cli->out, cli->color, &r);
        if (fflush(cli->out) != 0 || ferror(cli->out)) {
            td_msg_error("standard output: writing failed; check the disk "
                         "space, or whether the program reading it "
                         "stopped");
            status = TD_EXIT_INPUT;
            goto out;
        }
    }
    status = failed ? TD_EXIT_USAGE : TD_EXIT_OK;
out:
    free(args);
    run_free(&r);
    return status;
}
