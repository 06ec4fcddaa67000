/* logparse.c - mbedTLS debug log -> handshake models.
 *
 * Implementation notes
 * - Lines: split on '\n', '\r' stripped, ANSI escape sequences removed,
 *   capped at LINE_MAX_LEN (the rest of a longer line is dropped and
 *   counted).  Blank lines are skipped everywhere, also inside hexdumps.
 * - Message: where the library's text starts.  A `file.c:123: ` or
 *   `file.c (123): ` or `file.c:123 ` (ESP-IDF) marks an mbedTLS line; the
 *   level `|N| ` and the context pointer `0x...: ` (MBEDTLS_THREADING_C)
 *   after it are skipped.  Other lines lose the prefixes of known consoles
 *   (ESP-IDF, Zephyr, SEGGER RTT, Mbed OS trace, curl) and leading blanks;
 *   then the same message patterns apply, so application lines such as
 *   `! mbedtls_ssl_handshake returned -0x7780` are read too.
 * - Hexdumps (debug.c: `dumping 'NAME' (N bytes)` then rows `%04x: ` +
 *   ` %02x` x 16 + ASCII) are collected until a line that is not a row;
 *   the row offset must continue the dump, otherwise the dump is marked
 *   broken and not decoded (never invent bytes).  Records go to the TLS
 *   decoder: `output record sent to network` is the device's side,
 *   `input record from network` the peer's.  Dumps stop at 4096 bytes:
 *   longer records are decoded as far as they go.
 * - Handshakes: a new one starts at `=> handshake`, at a second
 *   `=> write client hello` of a client, or at a new `Connecting to`;
 *   lines up to the next start belong to the current one (the
 *   application's `mbedtls_ssl_handshake returned` comes after
 *   `<= handshake`).
 * - Text facts (ClientHello lines, alerts, chosen suite, certificate info)
 *   are kept beside what the bytes give and used only where the bytes say
 *   nothing, when the handshake is finished.
 */
#define _GNU_SOURCE /* memmem */
#include "tlsdiag/logparse.h"

#include "decode_int.h"
#include "tlsdiag/decode.h"
#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"
#include "tlsdiag/registry.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 8192
#define DUMP_MAX (64u * 1024u)
#define EVIDENCE_TEXT_MAX 300
#define HOST_MAX 255

struct td_log {
    struct td_doc *doc;
    td_log_emit_fn emit;
    void *user;
    struct td_log_stats st;
    /* line assembly */
    char *line;
    size_t line_len;
    bool line_cut;
    /* current handshake */
    struct td_handshake *hs;
    struct td_tls_session tls;
    unsigned next_index;
    uint64_t last_line;
    /* text facts of the current handshake (in hs->arena) */
    struct td_client_hello *tch;
    bool tch_done;
    struct td_server_hello *tsh;
    td_alertvec talerts;
    td_certvec tcerts;
    size_t cert_idx;            /* tcerts entry being read, SIZE_MAX none */
    bool cert_in_san;
    /* hexdump being collected */
    bool in_dump;
    char dump_name[64];
    size_t dump_declared;       /* SIZE_MAX: unknown (printf failure) */
    uint8_t *dump;
    size_t dump_len;
    bool dump_broken;
    uint64_t dump_broken_line;  /* the row where it broke */
    uint64_t dump_row_off;      /* that row's offset */
    uint64_t dump_last_row;     /* line of the last row that fitted */
    uint64_t dump_prev_row;     /* ... of the one before the break */
    struct td_evidence dump_where;
    /* context for the next handshake */
    char host[HOST_MAX + 1];
    uint16_t port;
    uint64_t target_line;
    char target_text[EVIDENCE_TEXT_MAX + 1];
    bool have_target;
    uint8_t major;
    char version[32];
    uint8_t role;
    bool touched;               /* the current line fed the handshake */
    const char *input;          /* the log's name, for messages */
};

/* ---------------------------------------------------------------- text */

static bool sw(const char *m, size_t n, const char *lit, size_t *rest)
{
    size_t l = strlen(lit);
    if (n < l || memcmp(m, lit, l) != 0)
        return false;
    if (rest)
        *rest = l;
    return true;
}

static const char *find(const char *m, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (l == 0 || n < l)
        return NULL;
    return memmem(m, n, lit, l);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
           || (c >= 'A' && c <= 'F');
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)
           || c == '_' || c == '-';
}

/* Unsigned decimal at *p (capped at 20 digits); false if none. */
static bool dec(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int k = 0;
    while (s < end && is_digit(*s) && k < 20) {
        x = x * 10 + (uint64_t)(*s - '0');
        s++;
        k++;
    }
    if (k == 0)
        return false;
    *p = s;
    *v = x;
    return true;
}

/* Hex digits at *p (optionally 0x), at most 16; false if none. */
static bool hexnum(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    uint64_t x = 0;
    int k = 0;
    while (s < end && is_hex(*s) && k < 16) {
        x = x << 4 | (uint64_t)hexval(*s);
        s++;
        k++;
    }
    if (k == 0)
        return false;
    *p = s;
    *v = x;
    return true;
}

static const char *skip_spaces(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* ------------------------------------------------------- message start */

/* `name.c` + `:123:`/`:123 `/` (123):`; returns the position after it or
 * NULL.  `dot` points at the '.' of ".c". */
static const char *after_file_line(const char *dot, const char *end)
{
    const char *s = dot + 2;
    if (s > end)
        return NULL;
    if (s < end && *s == ':') {
        s++;
        if (s >= end || !is_digit(*s))
            return NULL;
        while (s < end && is_digit(*s))
            s++;
        if (s < end && *s == ':')
            s++;
        else if (s < end && *s != ' ')
            return NULL;
        return s;
    }
    if (s < end && *s == ' ' && s + 1 < end && s[1] == '(') {
        s += 2;
        if (s >= end || !is_digit(*s))
            return NULL;
        while (s < end && is_digit(*s))
            s++;
        if (s >= end || *s != ')')
            return NULL;
        s++;
        if (s < end && *s == ':')
            s++;
        return s;
    }
    return NULL;
}

/* Strip `|N| ` and a `0x...: ` context pointer. */
static const char *after_level(const char *s, const char *end, int *level)
{
    s = skip_spaces(s, end);
    if (end - s >= 3 && s[0] == '|' && is_digit(s[1]) && s[2] == '|') {
        *level = s[1] - '0';
        s = skip_spaces(s + 3, end);
    }
    if (end - s >= 4 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *q = s + 2;
        while (q < end && is_hex(*q))
            q++;
        if (q < end && *q == ':' && q - s > 3)
            s = skip_spaces(q + 1, end);
    }
    return s;
}

/* Known console prefixes on lines without a file:line. */
static const char *strip_console_prefix(const char *s, const char *end)
{
    s = skip_spaces(s, end);
    /* ESP-IDF: "D (12345) tag: " */
    if (end - s > 4 && strchr("EWIDV", s[0]) && s[1] == ' ' && s[2] == '(') {
        const char *q = s + 3;
        while (q < end && is_digit(*q))
            q++;
        if (q < end && *q == ')') {
            q = skip_spaces(q + 1, end);
            const char *colon = memchr(q, ':', (size_t)(end - q));
            if (colon && colon - q < 40)
                return skip_spaces(colon + 1, end);
            return q;
        }
    }
    /* Zephyr: "[00:00:07.817,000] <dbg> tag: " */
    if (end - s > 2 && s[0] == '[') {
        const char *close = memchr(s, ']', (size_t)(end - s));
        if (close && close - s < 40) {
            const char *q = skip_spaces(close + 1, end);
            if (q < end && *q == '<') {
                const char *gt = memchr(q, '>', (size_t)(end - q));
                if (gt) {
                    q = skip_spaces(gt + 1, end);
                    const char *colon = memchr(q, ':', (size_t)(end - q));
                    if (colon && colon - q < 60)
                        q = skip_spaces(colon + 1, end);
                    return q;
                }
            }
            /* Mbed OS trace: "[DBG ][TLSW]: " */
            if (q < end && *q == '[') {
                const char *c2 = memchr(q, ']', (size_t)(end - q));
                if (c2 && c2 - q < 20) {
                    q = c2 + 1;
                    if (q < end && *q == ':')
                        q++;
                    return skip_spaces(q, end);
                }
            }
        }
    }
    /* SEGGER RTT "00> ", curl "* " */
    if (end - s >= 4 && is_digit(s[0]) && is_digit(s[1]) && s[2] == '>'
        && s[3] == ' ')
        return skip_spaces(s + 4, end);
    if (end - s >= 2 && s[0] == '*' && s[1] == ' ')
        return skip_spaces(s + 2, end);
    return s;
}

struct msg {
    const char *p;      /* message text */
    size_t n;
    const char *file;   /* "ssl_cli.c" or NULL */
    size_t file_len;
    int level;          /* 0: unknown */
};

static void locate_message(const char *line, size_t len, struct msg *m)
{
    const char *end = line + len;
    memset(m, 0, sizeof(*m));
    /* The first "x.c:N" with an identifier before the dot. */
    const char *s = line;
    while ((s = memchr(s, '.', (size_t)(end - s))) != NULL) {
        if (s + 1 < end && (s[1] == 'c' || s[1] == 'h') && s > line
            && is_ident(s[-1])) {
            const char *after = after_file_line(s, end);
            if (after) {
                const char *f = s;
                while (f > line && is_ident(f[-1]))
                    f--;
                m->file = f;
                m->file_len = (size_t)(s + 2 - f);
                const char *mp = after_level(after, end, &m->level);
                m->p = mp;
                m->n = (size_t)(end - mp);
                return;
            }
        }
        s++;
    }
    const char *mp = strip_console_prefix(line, end);
    mp = after_level(mp, end, &m->level);
    m->p = mp;
    m->n = (size_t)(end - mp);
}

/* ---------------------------------------------------------- handshakes */

static struct td_evidence ev_line(struct td_log *lp)
{
    struct td_evidence ev = {0};
    lp->touched = true;
    ev.line = lp->st.lines;
    size_t n = lp->line_len < EVIDENCE_TEXT_MAX ? lp->line_len
                                                : EVIDENCE_TEXT_MAX;
    const char *p = lp->line;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    if (lp->hs)
        ev.text = td_arena_strndup(&lp->hs->arena, p, n);
    return ev;
}

static bool hs_has_content(const struct td_handshake *hs)
{
    return hs->started || hs->ch || hs->sh || hs->events.n || hs->errors.n
           || hs->alerts.n || hs->notes.n;
}

/* The current handshake holds something, from the bytes or the text. */
static bool has_content(const struct td_log *lp)
{
    return lp->hs && (hs_has_content(lp->hs) || lp->tch || lp->tsh
                      || lp->talerts.n || lp->tcerts.n
                      || lp->hs->has_verify_flags);
}

static void new_hs(struct td_log *lp)
{
    struct td_handshake *hs = td_hs_new(32u << 20);
    lp->hs = hs;
    if (!hs)
        return;
    hs->index = lp->next_index++;
    hs->input = lp->input;
    hs->role = lp->role ? lp->role : TD_ROLE_CLIENT;
    hs->first_line = lp->st.lines;
    hs->mbedtls_major = lp->major;
    if (lp->version[0])
        hs->mbedtls_version = td_arena_strndup(&hs->arena, lp->version,
                                               strlen(lp->version));
    if (lp->have_target) {
        hs->target_host = td_arena_strndup(&hs->arena, lp->host,
                                           strlen(lp->host));
        hs->target_port = lp->port;
        hs->target_where.line = lp->target_line;
        hs->target_where.text = td_arena_strndup(&hs->arena, lp->target_text,
                                                 strlen(lp->target_text));
    }
    td_tls_init(&lp->tls, hs);
    lp->tch = NULL;
    lp->tch_done = false;
    lp->tsh = NULL;
    memset(&lp->talerts, 0, sizeof(lp->talerts));
    memset(&lp->tcerts, 0, sizeof(lp->tcerts));
    lp->cert_idx = SIZE_MAX;
}

static struct td_handshake *cur(struct td_log *lp)
{
    if (!lp->hs)
        new_hs(lp);
    return lp->hs;
}

static void end_dump(struct td_log *lp);

static int cmp_event_line(const struct td_event *a, const struct td_event *b)
{
    return a->where.line < b->where.line ? -1 : a->where.line > b->where.line;
}

/* Insertion sort: events are nearly in order (text events are added at
 * the end with earlier lines). */
static void sort_events(struct td_handshake *hs)
{
    for (size_t i = 1; i < hs->events.n; i++) {
        struct td_event e = hs->events.v[i];
        size_t j = i;
        while (j > 0 && cmp_event_line(&hs->events.v[j - 1], &e) > 0) {
            hs->events.v[j] = hs->events.v[j - 1];
            j--;
        }
        hs->events.v[j] = e;
    }
}

static int dir_local(const struct td_log *lp)
{
    return lp->hs && lp->hs->role == TD_ROLE_SERVER ? TD_DIR_SERVER
                                                    : TD_DIR_CLIENT;
}

/* Merge what only the text said into the model. */
static void merge_text(struct td_log *lp)
{
    struct td_handshake *hs = lp->hs;
    int local = dir_local(lp);
    if (hs->ch && lp->tch && lp->tch->sni_where.line
        && !hs->ch->sni_where.line)
        hs->ch->sni_where = lp->tch->sni_where;
    if (hs->ch && lp->tch && lp->tch->suites_where.line
        && !hs->ch->suites_where.line)
        hs->ch->suites_where = lp->tch->suites_where;
    if (!hs->ch && lp->tch && (lp->tch->cipher_suites.n
                               || lp->tch->extensions.n
                               || lp->tch->legacy_version)) {
        hs->ch = lp->tch;
        struct td_event *e = td_hs_event(hs, TD_EV_HANDSHAKE, TD_DIR_CLIENT,
                                         &lp->tch->where);
        if (e)
            e->hs_type = TD_HS_CLIENT_HELLO;
    }
    if (!hs->sh && lp->tsh) {
        hs->sh = lp->tsh;
        struct td_event *e = td_hs_event(hs, TD_EV_HANDSHAKE, TD_DIR_SERVER,
                                         &lp->tsh->where);
        if (e)
            e->hs_type = TD_HS_SERVER_HELLO;
    }
    if (hs->certs.n == 0 && lp->tcerts.n) {
        hs->certs = lp->tcerts;
        bool seen = false;
        for (size_t i = 0; i < hs->events.n; i++)
            seen |= hs->events.v[i].kind == TD_EV_HANDSHAKE
                    && hs->events.v[i].hs_type == TD_HS_CERTIFICATE;
        if (!seen) {
            struct td_event *e = td_hs_event(hs, TD_EV_HANDSHAKE,
                                             TD_DIR_SERVER,
                                             &lp->tcerts.v[0].where);
            if (e)
                e->hs_type = TD_HS_CERTIFICATE;
        }
    }
    /* Alerts: the bytes and the text tell the same alert twice; keep the
     * text ones the bytes did not show. */
    for (size_t i = 0; i < lp->talerts.n; i++) {
        const struct td_alert *t = &lp->talerts.v[i];
        bool dup = false;
        for (size_t k = 0; k < hs->alerts.n && !dup; k++) {
            struct td_alert *b = &hs->alerts.v[k];
            dup = b->from == t->from && (b->encrypted
                                         || (b->description == t->description
                                             && b->level == t->level));
            /* The library's own line reads better than a dump row. */
            if (dup && !b->encrypted)
                b->where = t->where;
        }
        if (dup)
            continue;
        struct td_alert *a = TD_PUSH(&hs->arena, hs->alerts);
        struct td_event *e = td_hs_event(hs, TD_EV_ALERT, t->from, &t->where);
        if (!a || !e)
            break;
        *a = *t;
        e->alert_level = t->level;
        e->alert_desc = t->description;
        e->length = 2;
    }
    (void)local;
    sort_events(hs);
}

static bool is_fatal_error(int32_t code)
{
    /* WANT_READ/WRITE and friends are not failures. */
    return code != -0x6900 && code != -0x6880 && code != -0x6500
           && code != -0x6580 && code != -0x6B00 && code != -0x6B80;
}

static void settle(struct td_log *lp)
{
    struct td_handshake *hs = lp->hs;
    bool fatal_alert = false, error = false;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        if (a->level == 2 || (a->level == 1 && a->description == 0
                              && !hs->over))
            fatal_alert = true;
    }
    for (size_t i = 0; i < hs->errors.n; i++)
        if (is_fatal_error(hs->errors.v[i].code))
            error = true;
    if (hs->over && !fatal_alert)
        hs->outcome = TD_OUTCOME_OK;
    else if (fatal_alert || error)
        hs->outcome = TD_OUTCOME_FAILED;
    else
        hs->outcome = TD_OUTCOME_INCOMPLETE;
}

static void finish_hs(struct td_log *lp)
{
    struct td_handshake *hs = lp->hs;
    if (!hs)
        return;
    if (lp->in_dump)
        end_dump(lp);
    td_tls_end(&lp->tls);
    td_tls_free(&lp->tls);
    if (!has_content(lp)) {
        td_hs_free(hs);
        lp->hs = NULL;
        lp->next_index--;
        return;
    }
    merge_text(lp);
    hs->last_line = lp->last_line > hs->first_line ? lp->last_line
                                                   : hs->first_line;
    settle(lp);
    lp->hs = NULL;
    lp->st.handshakes++;
    lp->emit(lp->user, hs);
}

static void start_hs(struct td_log *lp)
{
    if (has_content(lp))
        finish_hs(lp);
    if (!lp->hs)
        new_hs(lp);
}

/* --------------------------------------------------------------- dumps */

/* A dump row: `%04x: ` then ` %02x` up to 16 times.  Returns the number
 * of bytes (0 if the text is not a row) and the row offset. */
static int parse_row(const char *p, size_t n, size_t *offset, uint8_t out[16])
{
    const char *end = p + n, *s = p;
    uint64_t off;
    int digits = 0;
    const char *q = s;
    while (q < end && is_hex(*q) && digits < 8) {
        q++;
        digits++;
    }
    if (digits < 4 || q >= end || *q != ':')
        return 0;
    if (!hexnum(&s, q, &off))
        return 0;
    s = q + 1;
    int k = 0;
    while (k < 16 && end - s >= 3 && s[0] == ' ' && is_hex(s[1])
           && is_hex(s[2]) && (end - s == 3 || s[3] == ' ')) {
        out[k++] = (uint8_t)(hexval(s[1]) << 4 | hexval(s[2]));
        s += 3;
    }
    /* The first byte follows two spaces: "0000:  16". */
    if (k == 0 && end - s >= 4 && s[0] == ' ' && s[1] == ' ') {
        s++;
        while (k < 16 && end - s >= 3 && s[0] == ' ' && is_hex(s[1])
               && is_hex(s[2]) && (end - s == 3 || s[3] == ' ')) {
            out[k++] = (uint8_t)(hexval(s[1]) << 4 | hexval(s[2]));
            s += 3;
        }
    }
    *offset = (size_t)off;
    return k;
}

static void start_dump(struct td_log *lp, const char *name, size_t nlen,
                       size_t declared)
{
    if (lp->in_dump)
        end_dump(lp);
    lp->in_dump = true;
    if (nlen >= sizeof(lp->dump_name))
        nlen = sizeof(lp->dump_name) - 1;
    memcpy(lp->dump_name, name, nlen);
    lp->dump_name[nlen] = 0;
    lp->dump_declared = declared;
    lp->dump_len = 0;
    lp->dump_broken = false;
    lp->dump_broken_line = 0;
    lp->dump_last_row = 0;
    lp->dump_where = ev_line(lp);
}

static bool dump_is(const struct td_log *lp, const char *name)
{
    return strcmp(lp->dump_name, name) == 0;
}

static void end_dump(struct td_log *lp)
{
    lp->in_dump = false;
    struct td_handshake *hs = lp->hs;
    if (!hs)
        return;
    bool out = dump_is(lp, "output record sent to network");
    bool in = dump_is(lp, "input record from network");
    if (!out && !in)
        return;
    if (lp->dump_broken) {
        struct td_evidence at = {.line = lp->dump_broken_line};
        if (lp->dump_row_off == lp->dump_len)
            td_hs_warn_at(hs, &at, "the dump '%s' (line %llu) is longer "
                          "than the %u bytes tlsdiag keeps; its bytes are "
                          "not decoded", lp->dump_name,
                          (unsigned long long)lp->dump_where.line, DUMP_MAX);
        else if (lp->dump_prev_row)
            td_hs_warn_at(hs, &at, "row %04llx of the dump '%s' (line %llu) "
                          "does not follow the %zu byte%s before it: the "
                          "row at line %llu is cut or not hex, or rows are "
                          "missing; the dump is not decoded; check line "
                          "%llu (a console that drops or breaks lines: save "
                          "the output to a file)",
                          (unsigned long long)lp->dump_row_off,
                          lp->dump_name,
                          (unsigned long long)lp->dump_where.line,
                          lp->dump_len, lp->dump_len == 1 ? "" : "s",
                          (unsigned long long)lp->dump_prev_row,
                          (unsigned long long)lp->dump_prev_row);
        else
            td_hs_warn_at(hs, &at, "the dump '%s' (line %llu) starts at row "
                          "%04llx, not 0000: its first rows are missing; "
                          "the dump is not decoded; check the lines after "
                          "line %llu (a console that drops lines: save the "
                          "output to a file)", lp->dump_name,
                          (unsigned long long)lp->dump_where.line,
                          (unsigned long long)lp->dump_row_off,
                          (unsigned long long)lp->dump_where.line);
        return;
    }
    if (lp->dump_len == 0)
        return;
    int local = dir_local(lp);
    int dir = out ? local : !local;
    size_t full = lp->dump_declared == SIZE_MAX ? lp->dump_len
                                                : lp->dump_declared;
    if (full > lp->dump_len && lp->dump_len < 4096)
        td_hs_warn_at(hs, &lp->dump_where, "dump '%s' announces %zu bytes "
                      "but has %zu; lines of the log are missing: save the "
                      "whole console output (to a file, with a console "
                      "buffer large enough that no line is dropped)",
                      lp->dump_name, full, lp->dump_len);
    if (td_tls_feed_record(&lp->tls, dir, lp->dump, lp->dump_len, full,
                           &lp->dump_where) != 0)
        td_hs_warn_at(hs, &lp->dump_where, "out of memory decoding this "
                      "dump; split the log and read the parts");
}

static bool dump_row(struct td_log *lp, const struct msg *m)
{
    uint8_t bytes[16];
    size_t off;
    int k = parse_row(m->p, m->n, &off, bytes);
    if (k == 0)
        return false;
    if (off != lp->dump_len || lp->dump_len + (size_t)k > DUMP_MAX) {
        /* A wrapped or cut line: the bytes in between are unknown.  The
         * first such row is the place to look. */
        if (!lp->dump_broken) {
            lp->dump_broken = true;
            lp->dump_broken_line = lp->st.lines;
            lp->dump_row_off = off;
            lp->dump_prev_row = lp->dump_last_row;
        }
        return true;
    }
    lp->dump_last_row = lp->st.lines;
    memcpy(lp->dump + lp->dump_len, bytes, (size_t)k);
    lp->dump_len += (size_t)k;
    return true;
}

/* ------------------------------------------------------- text helpers */

static struct td_client_hello *text_ch(struct td_log *lp)
{
    struct td_handshake *hs = cur(lp);
    if (!hs)
        return NULL;
    if (!lp->tch) {
        lp->tch = td_arena_alloc(&hs->arena, sizeof(*lp->tch));
        if (lp->tch) {
            lp->tch->from_text = true;
            lp->tch->complete = false;
            lp->tch->where = ev_line(lp);
        }
    }
    return lp->tch;
}

static void push16(struct td_handshake *hs, td_u16vec *v, uint16_t x)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x)
            return;
    uint16_t *slot = TD_PUSH(&hs->arena, *v);
    if (slot)
        *slot = x;
}

static void text_ext(struct td_log *lp, uint16_t type)
{
    struct td_client_hello *ch = text_ch(lp);
    if (!ch)
        return;
    for (size_t i = 0; i < ch->extensions.n; i++)
        if (ch->extensions.v[i].type == type)
            return;
    struct td_ext *e = TD_PUSH(&lp->hs->arena, ch->extensions);
    if (e)
        e->type = type;
    ch->has_ext_block = true;
}

/* "adding X extension" names as mbedTLS prints them. */
static int ext_by_log_name(const char *p, size_t n)
{
    static const struct {
        const char *name;
        uint16_t id;
    } names[] = {
        {"server name", 0}, {"server_name", 0},
        {"max_fragment_length", 1},
        {"status_request", 5},
        {"supported_elliptic_curves", 10}, {"supported_groups", 10},
        {"supported_point_formats", 11}, {"ec_point_formats", 11},
        {"signature_algorithms", 13},
        {"use_srtp", 14},
        {"alpn", 16}, {"ALPN", 16},
        {"encrypt_then_mac", 22},
        {"extended_master_secret", 23},
        {"record_size_limit", 28},
        {"session ticket", 35}, {"session_ticket", 35},
        {"pre_shared_key", 41}, {"psk", 41},
        {"early_data", 42},
        {"supported versions", 43}, {"supported_versions", 43},
        {"cookie", 44},
        {"psk_key_exchange_modes", 45},
        {"key share", 51}, {"key_share", 51},
        {"renegotiation", 0xff01}, {"renegotiation_info", 0xff01},
        {"ecjpake_kkpp", 256},
        {"CID", 54}, {"connection id", 54},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t l = strlen(names[i].name);
        if (l == n && memcmp(p, names[i].name, n) == 0)
            return names[i].id;
    }
    return -1;
}

/* A cipher suite written "c02b", "0xc02b", "0xc02b (TLS-...)",
 * "c02b, TLS-..." or only a name. */
static bool parse_suite(const char *p, const char *end, uint16_t *id)
{
    p = skip_spaces(p, end);
    const char *q = p;
    uint64_t v;
    if (hexnum(&q, end, &v) && v <= 0xffff
        && (q == end || *q == ' ' || *q == ',' || *q == '(')) {
        *id = (uint16_t)v;
        return true;
    }
    const char *e = p;
    while (e < end && (is_ident(*e)))
        e++;
    const struct td_suite_info *si = td_reg_suite_by_name(p, (size_t)(e - p));
    if (si) {
        *id = si->id;
        return true;
    }
    return false;
}

/* "[3:3]" or "[0x303]" -> 0x0303 */
static bool parse_version(const char *p, const char *end, uint16_t *v)
{
    const char *s = memchr(p, '[', (size_t)(end - p));
    if (!s)
        return false;
    s++;
    uint64_t a, b;
    const char *q = s;
    if (end - q > 2 && q[0] == '0' && q[1] == 'x') {
        if (!hexnum(&q, end, &a) || a > 0xffff)
            return false;
        *v = (uint16_t)a;
        return true;
    }
    if (!dec(&q, end, &a) || q >= end || *q != ':')
        return false;
    q++;
    if (!dec(&q, end, &b) || a > 255 || b > 255)
        return false;
    *v = (uint16_t)(a << 8 | b);
    return true;
}

/* An mbedTLS error code after "returned": "-30592 (-0x7780)", "-0x7780",
 * "-0x7780 (-30592)", "0x7780". */
static bool parse_error_code(const char *p, const char *end, int32_t *code)
{
    p = skip_spaces(p, end);
    const char *hexp = NULL;
    for (const char *s = p; s + 2 < end && s < p + 40; s++)
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            hexp = s;
            break;
        }
    uint64_t v;
    if (hexp) {
        const char *q = hexp;
        if (!hexnum(&q, end, &v))
            return false;
        if (v >= 0x80000000u && v <= 0xffffffffu)
            v = 0x100000000u - v;       /* -0xffff8880 */
        if (v == 0 || v > 0x7fff)
            return false;
        *code = -(int32_t)v;
        return true;
    }
    bool neg = p < end && *p == '-';
    const char *q = neg ? p + 1 : p;
    if (!neg) {
        /* "returned 7780": four hex digits without 0x (some ports print
         * the code with %x). */
        const char *h = p;
        if (end - h >= 4 && hexnum(&h, end, &v) && h - p == 4
            && (h == end || *h == ' ' || *h == ',' || *h == ')')
            && v >= 0x1000 && v <= 0x7fff) {
            *code = -(int32_t)v;
            return true;
        }
        return false;
    }
    if (!dec(&q, end, &v) || v == 0 || v > 0x7fff)
        return false;
    *code = -(int32_t)v;
    return true;
}

static void add_error(struct td_log *lp, int32_t code, const char *func,
                      size_t flen)
{
    struct td_handshake *hs = cur(lp);
    if (!hs)
        return;
    lp->touched = true;
    for (size_t i = 0; i < hs->errors.n; i++)
        if (hs->errors.v[i].code == code)
            return;     /* the same code climbing the call stack */
    struct td_mberr *e = TD_PUSH(&hs->arena, hs->errors);
    if (!e)
        return;
    e->code = code;
    e->func = flen ? td_arena_strndup(&hs->arena, func, flen) : NULL;
    e->where = ev_line(lp);
}

static void note(struct td_log *lp, enum td_note_kind k, int64_t a,
                 int64_t b)
{
    struct td_handshake *hs = cur(lp);
    if (!hs)
        return;
    struct td_evidence ev = ev_line(lp);
    td_hs_note(hs, k, a, b, &ev);
}

static void text_alert(struct td_log *lp, int from, int level, int desc)
{
    struct td_handshake *hs = cur(lp);
    if (!hs || desc < 0 || desc > 255)
        return;
    /* "got an alert message, type: [2:40]" is followed by "is a fatal
     * alert message (msg 40)": one alert. */
    if (lp->talerts.n) {
        struct td_alert *last = &lp->talerts.v[lp->talerts.n - 1];
        if (last->from == from && last->description == desc
            && lp->st.lines - last->where.line <= 3) {
            if (level > last->level)
                last->level = (uint8_t)level;
            return;
        }
    }
    struct td_alert *a = TD_PUSH(&hs->arena, lp->talerts);
    if (!a)
        return;
    a->from = (uint8_t)from;
    a->level = (uint8_t)level;
    a->description = (uint8_t)desc;
    a->where = ev_line(lp);
}

/* 3.x prints enum names: MBEDTLS_SSL_SERVER_HELLO. */
static int state_by_name(const char *p, size_t n)
{
    static const char *names[] = {
        "HELLO_REQUEST", "CLIENT_HELLO", "SERVER_HELLO",
        "SERVER_CERTIFICATE", "SERVER_KEY_EXCHANGE", "CERTIFICATE_REQUEST",
        "SERVER_HELLO_DONE", "CLIENT_CERTIFICATE", "CLIENT_KEY_EXCHANGE",
        "CERTIFICATE_VERIFY", "CLIENT_CHANGE_CIPHER_SPEC", "CLIENT_FINISHED",
        "SERVER_CHANGE_CIPHER_SPEC", "SERVER_FINISHED", "FLUSH_BUFFERS",
        "HANDSHAKE_WRAPUP", "HANDSHAKE_OVER",
    };
    size_t skip;
    if (sw(p, n, "MBEDTLS_SSL_", &skip)) {
        p += skip;
        n -= skip;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == n && memcmp(p, names[i], n) == 0)
            return (int)i;
    /* TLS 1.3 states and others: known as names only. */
    return -2;
}

static void set_major(struct td_log *lp, uint8_t major)
{
    if (lp->major == major)
        return;
    lp->major = major;
    if (lp->hs && !lp->hs->mbedtls_major)
        lp->hs->mbedtls_major = major;
}

static void version_from_file(struct td_log *lp, const struct msg *m)
{
    if (!m->file || lp->major)
        return;
    const char *f = m->file;
    size_t n = m->file_len;
    if ((n == 9 && memcmp(f, "ssl_cli.c", 9) == 0)
        || (n == 9 && memcmp(f, "ssl_srv.c", 9) == 0))
        set_major(lp, 2);
    else if ((n == 12 && memcmp(f, "ssl_client.c", 12) == 0)
             || (n > 10 && memcmp(f, "ssl_tls12_", 10) == 0)
             || (n > 10 && memcmp(f, "ssl_tls13_", 10) == 0))
        set_major(lp, 3);
}

/* "Connecting to tcp/HOST/PORT", "Connecting to HOST:PORT" */
static void parse_target(struct td_log *lp, const char *p, const char *end)
{
    p = skip_spaces(p, end);
    size_t skip;
    if (sw(p, (size_t)(end - p), "tcp/", &skip) || sw(p, (size_t)(end - p),
                                                     "udp/", &skip))
        p += skip;
    const char *h = p;
    while (p < end && *p != '/' && *p != ' ' && *p != ':')
        p++;
    const char *he = p;
    while (he > h && he[-1] == '.')
        he--;
    size_t hl = (size_t)(he - h);
    /* cppcheck-suppress knownConditionTrueFalse ; misreads the loop above */
    if (hl == 0 || hl > HOST_MAX)
        return;
    /* IPv6 literal in brackets is rare in these lines; keep it simple. */
    uint64_t port = 0;
    if (p < end && (*p == '/' || *p == ':')) {
        const char *q = p + 1;
        if (!dec(&q, end, &port) || port > 65535)
            port = 0;
    }
    if (has_content(lp))
        finish_hs(lp);
    memcpy(lp->host, h, hl);
    lp->host[hl] = 0;
    lp->port = (uint16_t)port;
    lp->have_target = true;
    lp->target_line = lp->st.lines;
    {
        const char *t = lp->line;
        size_t tl = lp->line_len;
        while (tl && (*t == ' ' || *t == '\t')) {
            t++;
            tl--;
        }
        if (tl > EVIDENCE_TEXT_MAX)
            tl = EVIDENCE_TEXT_MAX;
        memcpy(lp->target_text, t, tl);
        lp->target_text[tl] = 0;
    }
    if (lp->hs && !lp->hs->target_host) {
        lp->hs->target_host = td_arena_strndup(&lp->hs->arena, lp->host, hl);
        lp->hs->target_port = lp->port;
        lp->hs->target_where = ev_line(lp);
    }
}

/* mbedtls_x509_crt_info lines after "peer certificate #N:". */
static bool cert_info_line(struct td_log *lp, const char *p, size_t n)
{
    struct td_handshake *hs = lp->hs;
    if (!hs || !lp->tcerts.v || lp->cert_idx >= lp->tcerts.n)
        return false;
    struct td_cert *crt = &lp->tcerts.v[lp->cert_idx];
    const char *end = p + n;
    const char *colon = memchr(p, ':', n);
    if (!colon)
        return false;
    size_t ll = (size_t)(colon - p);
    while (ll > 0 && p[ll - 1] == ' ')
        ll--;
    const char *label_end = p + ll;
    const char *val = skip_spaces(colon + 1, end);
    size_t vl = (size_t)(end - val);
    char **slot = NULL;
    if (ll == 11 && memcmp(p, "issuer name", 11) == 0)
        slot = (char **)&crt->issuer;
    else if (ll == 12 && memcmp(p, "subject name", 12) == 0)
        slot = (char **)&crt->subject;
    else if (ll == 10 && memcmp(p, "issued  on", 10) == 0)
        slot = (char **)&crt->not_before;
    else if (ll == 10 && memcmp(p, "expires on", 10) == 0)
        slot = (char **)&crt->not_after;
    else if (ll == 11 && memcmp(p, "signed using", 12 - 1) == 0)
        slot = (char **)&crt->sig_alg;
    if (slot) {
        *slot = td_arena_strndup(&hs->arena, val, vl);
        lp->cert_in_san = false;
        return true;
    }
    if (ll > 9 && memcmp(label_end - 8, "key size", 8) == 0) {
        const char *q = val;
        uint64_t bits;
        if (dec(&q, end, &bits))
            crt->key_bits = (unsigned)bits;
        crt->key_type = td_arena_strndup(&hs->arena, p,
                                          (size_t)(ll - 9));
        crt->key = td_arena_printf(&hs->arena, "%s %u", crt->key_type,
                                    crt->key_bits);
        lp->cert_in_san = false;
        return true;
    }
    if (ll == 16 && memcmp(p, "subject alt name", 16) == 0) {
        lp->cert_in_san = true;
        /* 2.x: comma-separated on the same line */
        while (vl > 0) {
            const char *c = memchr(val, ',', vl);
            size_t one = c ? (size_t)(c - val) : vl;
            const char *s = skip_spaces(val, val + one);
            size_t sl = (size_t)(val + one - s);
            if (sl) {
                const char **sv = TD_PUSH(&hs->arena, crt->san);
                if (sv)
                    *sv = td_arena_strndup(&hs->arena, s, sl);
            }
            if (!c)
                break;
            vl -= one + 1;
            val = c + 1;
        }
        return true;
    }
    if (lp->cert_in_san && ((ll == 7 && memcmp(p, "dNSName", 7) == 0)
                       || (ll == 9 && memcmp(p, "iPAddress", 9) == 0))) {
        const char **sv = TD_PUSH(&hs->arena, crt->san);
        if (sv)
            *sv = td_arena_strndup(&hs->arena, val, vl);
        return true;
    }
    /* Other labels (serial number, basic constraints, ...) are part of
     * the same block. */
    static const char *others[] = {"cert. version", "serial number",
                                   "basic constraints", "key usage",
                                   "ext key usage", "cert. type",
                                   "certificate policies"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        if (strlen(others[i]) == ll && memcmp(p, others[i], ll) == 0) {
            lp->cert_in_san = false;
            return true;
        }
    return false;
}

/* Flags from mbedtls_x509_crt_verify_info lines ("! The certificate ..."). */
static bool verify_info_line(struct td_log *lp, const char *p, size_t n)
{
    size_t skip;
    if (!sw(p, n, "! ", &skip))
        return false;
    p += skip;
    n -= skip;
    while (n && p[n - 1] == ' ')
        n--;
    for (uint32_t bit = 1; bit && bit <= 0x80000; bit <<= 1) {
        const char *t = td_x509_flag_text(bit);
        if (t && strlen(t) == n && memcmp(t, p, n) == 0) {
            struct td_handshake *hs = cur(lp);
            if (!hs)
                return true;
            hs->verify_flags |= bit;
            if (!hs->has_verify_flags)
                hs->verify_where = ev_line(lp);
            hs->has_verify_flags = true;
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------ messages */

static void on_message(struct td_log *lp, const struct msg *m)
{
    const char *p = m->p, *end = m->p + m->n;
    size_t n = m->n, k;
    uint64_t a, b;

    if (m->file)
        version_from_file(lp, m);

    switch (p[0]) {
    case '=':
        if (sw(p, n, "=> handshake", &k) && k == n) {
            start_hs(lp);
            if (lp->hs)
                lp->hs->started = true;
            return;
        }
        if (sw(p, n, "=> write client hello", NULL)) {
            lp->role = TD_ROLE_CLIENT;
            struct td_handshake *hs = cur(lp);
            /* A client writing a second hello is a new attempt (also in
             * programs that do not log "=> handshake"), unless it answers
             * a HelloRetryRequest (3.x logs it: "received
             * HelloRetryRequest message"). */
            if (hs && (hs->ch || lp->tch) && !hs->hrr) {
                start_hs(lp);
                hs = lp->hs;
            }
            if (hs)
                hs->role = TD_ROLE_CLIENT;
            text_ch(lp);
            return;
        }
        if (sw(p, n, "=> parse client hello", NULL)) {
            lp->role = TD_ROLE_SERVER;
            struct td_handshake *hs = cur(lp);
            /* 3.6 parses a TLS 1.2 hello twice (the TLS 1.3 state
             * machine hands it over): only a hello outside the current
             * "=> handshake" starts a new one. */
            if (hs && hs->ch && !hs->hrr && (!hs->started || hs->ended)) {
                start_hs(lp);
                hs = lp->hs;
            }
            if (hs)
                hs->role = TD_ROLE_SERVER;
            return;
        }
        if (sw(p, n, "=> send alert message", NULL))
            return;
        return;
    case '<':
        if (sw(p, n, "<= handshake", &k) && k == n) {
            if (lp->hs)
                lp->hs->ended = true;
            return;
        }
        if (sw(p, n, "<= handshake wrapup", NULL)) {
            if (lp->hs)
                lp->hs->over = true;
            return;
        }
        if (sw(p, n, "<= write client hello", NULL)) {
            lp->tch_done = true;
            return;
        }
        return;
    case 'c':
        if (sw(p, n, "client state: ", &k) || sw(p, n, "server state: ", &k)) {
            struct td_handshake *hs = cur(lp);
            if (!hs)
                return;
            bool server = p[0] == 's';
            if (server) {
                lp->role = TD_ROLE_SERVER;
                hs->role = TD_ROLE_SERVER;
            }
            const char *q = p + k;
            int st;
            if (dec(&q, end, &a))
                st = a < 64 ? (int)a : -2;
            else {
                st = state_by_name(q, (size_t)(end - q));
                set_major(lp, 3);
            }
            hs->state = st;
            hs->state_name = td_arena_strndup(&hs->arena, p + k, n - k);
            hs->state_where = ev_line(lp);
            if (st == 16 || find(q, (size_t)(end - q), "HANDSHAKE_OVER"))
                hs->over = true;
            return;
        }
        if (sw(p, n, "client hello, max version: ", &k)) {
            struct td_client_hello *ch = text_ch(lp);
            uint16_t v;
            if (ch && parse_version(p + k, end, &v))
                ch->legacy_version = v;
            return;
        }
        if (sw(p, n, "client hello, add ciphersuite: ", &k)) {
            struct td_client_hello *ch = text_ch(lp);
            uint16_t id;
            if (ch && parse_suite(p + k, end, &id)) {
                if (!ch->cipher_suites.n)
                    ch->suites_where = ev_line(lp);
                push16(lp->hs, &ch->cipher_suites, id);
            }
            return;
        }
        if (sw(p, n, "client hello, adding server name extension: ", &k)) {
            struct td_client_hello *ch = text_ch(lp);
            if (!ch)
                return;
            const char *h = p + k;
            size_t hl = (size_t)(end - h);
            while (hl && h[hl - 1] == ' ')
                hl--;
            ch->sni = td_arena_strndup(&lp->hs->arena, h, hl);
            ch->sni_len = hl;
            ch->sni_where = ev_line(lp);
            text_ext(lp, TD_EXT_SERVER_NAME);
            return;
        }
        if (sw(p, n, "client hello, adding ", &k)
            || sw(p, n, "client hello: adding ", &k)) {
            const char *nm = p + k;
            const char *e = find(nm, (size_t)(end - nm), " extension");
            if (e) {
                int id = ext_by_log_name(nm, (size_t)(e - nm));
                if (id >= 0)
                    text_ext(lp, (uint16_t)id);
            }
            return;
        }
        if (sw(p, n, "client hello, session id len.: ", &k))
            return;
        break;
    case 'a':
        if (sw(p, n, "adding EMPTY_RENEGOTIATION_INFO_SCSV", NULL)) {
            struct td_client_hello *ch = text_ch(lp);
            if (ch) {
                push16(lp->hs, &ch->cipher_suites, 0x00ff);
                ch->renegotiation_scsv = true;
            }
            return;
        }
        if (sw(p, n, "adding FALLBACK_SCSV", NULL)) {
            struct td_client_hello *ch = text_ch(lp);
            if (ch) {
                push16(lp->hs, &ch->cipher_suites, 0x5600);
                ch->fallback_scsv = true;
            }
            return;
        }
        if (sw(p, n, "alloc(", &k) && find(p, n, "failed")) {
            const char *q = p + k;
            note(lp, TD_NOTE_ALLOC_FAILED, dec(&q, end, &a) ? (int64_t)a : 0,
                 0);
            return;
        }
        break;
    case 'd':
        if (sw(p, n, "dumping '", &k)) {
            const char *nm = p + k;
            const char *q = memchr(nm, '\'', (size_t)(end - nm));
            if (!q)
                return;
            size_t declared = SIZE_MAX;
            const char *par = memchr(q, '(', (size_t)(end - q));
            if (par) {
                const char *d = par + 1;
                if (dec(&d, end, &a))
                    declared = (size_t)a;
            }
            start_dump(lp, nm, (size_t)(q - nm), declared);
            return;
        }
        break;
    case 'g':
        if (sw(p, n, "got an alert message, type: ", &k)) {
            const char *q = memchr(p + k, '[', (size_t)(end - p - k));
            if (q) {
                q++;
                if (dec(&q, end, &a) && q < end && *q == ':') {
                    q++;
                    if (dec(&q, end, &b))
                        text_alert(lp, !dir_local(lp), (int)a, (int)b);
                }
            }
            return;
        }
        if (sw(p, n, "got a certificate request", NULL)) {
            note(lp, TD_NOTE_CERT_REQUEST, 0, 0);
            if (lp->hs)
                lp->hs->cert_request.present = true;
            return;
        }
        if (sw(p, n, "got no ciphersuites in common", NULL)) {
            note(lp, TD_NOTE_NO_COMMON_SUITE, 0, 0);
            return;
        }
        if (sw(p, n, "got ciphersuites in common, but none of them usable",
               NULL)) {
            note(lp, TD_NOTE_NO_USABLE_SUITE, 0, 0);
            return;
        }
        if (sw(p, n, "got no CA chain", NULL)) {
            note(lp, TD_NOTE_NO_CA_CHAIN, 0, 0);
            return;
        }
        break;
    case 'i':
        if (sw(p, n, "is a fatal alert message (msg ", &k)) {
            const char *q = p + k;
            if (dec(&q, end, &a))
                text_alert(lp, !dir_local(lp), 2, (int)a);
            return;
        }
        if (sw(p, n, "is a close notify message", NULL)) {
            text_alert(lp, !dir_local(lp), 1, 0);
            return;
        }
        if (sw(p, n, "input record: msgtype = ", &k)) {
            const char *q = p + k;
            const char *ml = find(p, n, "msglen = ");
            if (dec(&q, end, &a) && ml) {
                const char *r = ml + 9;
                if (dec(&r, end, &b))
                    note(lp, TD_NOTE_INPUT_RECORD, (int64_t)a, (int64_t)b);
            }
            return;
        }
        if (sw(p, n, "in_left: ", NULL))
            return;
        break;
    case 'h':
        if (sw(p, n, "handshake message: msglen = ", &k)) {
            const char *q = p + k;
            const char *hl = find(p, n, "hslen = ");
            if (dec(&q, end, &a) && hl) {
                const char *r = hl + 8;
                if (dec(&r, end, &b) && b + 4 > a)
                    note(lp, TD_NOTE_HS_MSG_FRAGMENTED, (int64_t)a,
                         (int64_t)b);
            }
            return;
        }
        break;
    case 's':
        if (sw(p, n, "send alert level=", &k)) {
            const char *q = p + k;
            const char *mm = find(p, n, "message=");
            if (dec(&q, end, &a) && mm) {
                const char *r = mm + 8;
                if (dec(&r, end, &b))
                    text_alert(lp, dir_local(lp), (int)a, (int)b);
            }
            return;
        }
        if (sw(p, n, "selected_group ( ", &k)) {
            /* 3.6 HelloRetryRequest: "selected_group ( 23 )", decimal */
            const char *q = p + k;
            if (lp->hs && lp->hs->hrr && dec(&q, end, &a) && a <= 0xffff) {
                lp->hs->hrr->has_key_share_group = true;
                lp->hs->hrr->key_share_group = (uint16_t)a;
            }
            return;
        }
        if (sw(p, n, "server hello, chosen ciphersuite: ", &k)) {
            struct td_handshake *hs = cur(lp);
            uint16_t id;
            const char *q = p + k;
            /* 3.6 TLS 1.3: "( 1301 ) - TLS1-3-..." */
            q = skip_spaces(q, end);
            if (q < end && *q == '(')
                q++;
            if (hs && parse_suite(q, end, &id)) {
                if (!lp->tsh) {
                    lp->tsh = td_arena_alloc(&hs->arena, sizeof(*lp->tsh));
                    if (lp->tsh) {
                        lp->tsh->from_text = true;
                        lp->tsh->where = ev_line(lp);
                    }
                }
                if (lp->tsh && !lp->tsh->has_cipher_suite) {
                    lp->tsh->cipher_suite = id;
                    lp->tsh->has_cipher_suite = true;
                }
            }
            return;
        }
        if (sw(p, n, "server version out of bounds", NULL)) {
            note(lp, TD_NOTE_VERSION_OUT_OF_BOUNDS, 0, 0);
            return;
        }
        if (sw(p, n, "sent signature scheme [", &k)) {
            const char *q = p + k;
            struct td_client_hello *ch = text_ch(lp);
            if (ch && hexnum(&q, end, &a) && a <= 0xffff) {
                push16(lp->hs, &ch->sigalgs, (uint16_t)a);
                text_ext(lp, TD_EXT_SIGNATURE_ALGORITHMS);
            }
            return;
        }
        if (sw(p, n, "supported version: ", &k)) {
            struct td_client_hello *ch = text_ch(lp);
            uint16_t v;
            if (ch && parse_version(p + k, end, &v)) {
                push16(lp->hs, &ch->versions, v);
                text_ext(lp, TD_EXT_SUPPORTED_VERSIONS);
            }
            return;
        }
        if (sw(p, n, "ssl->f_recv(_timeout)() returned 0", &k) && k == n) {
            note(lp, TD_NOTE_PEER_CLOSED, 0, 0);
            struct td_handshake *hs = cur(lp);
            if (hs) {
                struct td_evidence ev = ev_line(lp);
                td_hs_event(hs, TD_EV_CLOSE, !dir_local(lp), &ev);
            }
            return;
        }
        if (sw(p, n, "ssl->f_", NULL))
            return;     /* "returned 122 (-0xffffff86)" is not an error */
        break;
    case 'N':
        if (sw(p, n, "NamedGroup: ", &k)) {
            /* 3.6: "NamedGroup: secp256r1 ( 17 )" (hex id) */
            struct td_client_hello *ch = text_ch(lp);
            const char *par = memchr(p + k, '(', (size_t)(end - p - k));
            if (ch && par) {
                const char *q = skip_spaces(par + 1, end);
                if (hexnum(&q, end, &a) && a <= 0xffff) {
                    push16(lp->hs, &ch->groups, (uint16_t)a);
                    text_ext(lp, TD_EXT_SUPPORTED_GROUPS);
                }
            }
            return;
        }
        break;
    case 'E':
        if (sw(p, n, "ECDH curve: ", &k)) {
            struct td_handshake *hs = cur(lp);
            const char *q = p + k;
            const char *e = q;
            while (e < end && is_ident(*e))
                e++;
            const struct td_group_info *g =
                td_reg_group_by_name(q, (size_t)(e - q));
            if (hs && g && !hs->ske.group) {
                hs->ske.present = true;
                hs->ske.group = g->id;
                hs->ske.where = ev_line(lp);
            }
            return;
        }
        break;
    case 'f':
        if (sw(p, n, "found max_fragment_length extension", NULL)) {
            note(lp, TD_NOTE_MFL_ACCEPTED, 0, 0);
            return;
        }
        break;
    case 'p':
        if (sw(p, n, "peer certificate #", &k)) {
            struct td_handshake *hs = cur(lp);
            if (!hs)
                return;
            struct td_cert *c = TD_PUSH(&hs->arena, lp->tcerts);
            lp->cert_idx = SIZE_MAX;
            lp->cert_in_san = false;
            if (!c)
                return;
            c->where = ev_line(lp);
            c->parsed = true;
            lp->cert_idx = lp->tcerts.n - 1;
            return;
        }
        break;
    case 'b':
        if (sw(p, n, "bad message length", NULL)) {
            note(lp, TD_NOTE_BAD_MESSAGE_LENGTH, 0, 0);
            return;
        }
        if (find(p, n, "ECDHE curve")) {
            note(lp, TD_NOTE_BAD_SKE_CURVE, 0, 0);
            return;
        }
        if (sw(p, n, "bad certificate (EC key curve)", NULL)) {
            note(lp, TD_NOTE_BAD_CERT_EC_CURVE, 0, 0);
            return;
        }
        break;
    case 'r':
        if (sw(p, n, "received HelloRetryRequest message", NULL)) {
            struct td_handshake *hs = cur(lp);
            if (hs && !hs->hrr) {
                struct td_server_hello *h = td_arena_alloc(&hs->arena,
                                                           sizeof(*h));
                if (h) {
                    h->from_text = true;
                    h->hello_retry_request = true;
                    h->selected_version = TD_TLS13;
                    h->where = ev_line(lp);
                    hs->hrr = h;
                    struct td_event *e = td_hs_event(hs, TD_EV_HANDSHAKE,
                                                     TD_DIR_SERVER,
                                                     &h->where);
                    if (e) {
                        e->hs_type = TD_HS_SERVER_HELLO;
                        e->flags = TD_EVF_HRR;
                    }
                }
            }
            return;
        }
        if (sw(p, n, "requesting more data than fits", NULL)) {
            note(lp, TD_NOTE_MORE_DATA_THAN_FITS, 0, 0);
            return;
        }
        if (sw(p, n, "refusing renegotiation", NULL)) {
            note(lp, TD_NOTE_RENEGOTIATION_REFUSED, 0, 0);
            return;
        }
        break;
    case 'T':
        if (find(p, n, "handshake fragmentation not supported")) {
            note(lp, TD_NOTE_HS_FRAGMENTATION, 0, 0);
            return;
        }
        break;
    case 'C':
        if (find(p, n, "without having set hostname")) {
            note(lp, TD_NOTE_NO_HOSTNAME, 0, 0);
            return;
        }
        break;
    case 'u':
        if (sw(p, n, "unknown record type", &k)) {
            const char *q = skip_spaces(p + k, end);
            note(lp, TD_NOTE_UNKNOWN_RECORD_TYPE,
                 dec(&q, end, &a) ? (int64_t)a : -1, 0);
            return;
        }
        break;
    default:
        break;
    }

    /* Refusals a device acting as a server logs (2.28 ssl_srv.c, 3.6
     * ssl_tls12_server.c / ssl_tls13_server.c), and a few client ones. */
    static const struct {
        const char *text;
        bool prefix;            /* at the start, or anywhere */
        enum td_note_kind kind;
    } notes[] = {
        {"client only supports ssl smaller than minimum", true,
         TD_NOTE_VERSION_TOO_LOW},
        {"server only supports TLS 1.2", true, TD_NOTE_VERSION_TOO_LOW},
        {"TLS 1.2 not supported.", true, TD_NOTE_VERSION_TOO_LOW},
        {"Unsupported version of TLS.", true, TD_NOTE_VERSION_TOO_LOW},
        {"no common elliptic curve", false, TD_NOTE_NO_COMMON_CURVE},
        {"no matching curve for ECDHE", true, TD_NOTE_NO_COMMON_CURVE},
        {"no matching named group found", true, TD_NOTE_NO_COMMON_CURVE},
        {"no signature algorithm in common", true, TD_NOTE_NO_COMMON_SIGALG},
        {"ssl_sni_wrapper() returned", true, TD_NOTE_SNI_CALLBACK_FAILED},
        {"peer has no certificate", true, TD_NOTE_CLIENT_NO_CERT},
        {"client has no certificate", false, TD_NOTE_CLIENT_NO_CERT},
        {"bad server certificate (ECDH curve)", true,
         TD_NOTE_BAD_CERT_EC_CURVE},
    };
    for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
        if (notes[i].prefix ? sw(p, n, notes[i].text, NULL)
                            : (m->file && find(p, n, notes[i].text) != NULL)) {
            note(lp, notes[i].kind, 0, 0);
            if (notes[i].kind != TD_NOTE_SNI_CALLBACK_FAILED)
                return;
            break;      /* "ssl_sni_wrapper() returned -0x..." is an error */
        }
    }

    /* Messages matched anywhere in the line. */
    if (n > 12 && memcmp(end - 12, "=> handshake", 12) == 0) {
        /* printed right after the program's ". Performing ..." */
        start_hs(lp);
        if (lp->hs)
            lp->hs->started = true;
        return;
    }
    const char *cv = !m->file || p[0] == '!' || p[0] == 'C'
                     ? find(p, n, "Certificate verification flags") : NULL;
    if (cv) {
        struct td_handshake *hs = cur(lp);
        const char *q = skip_spaces(cv + 30, end);
        size_t rest = (size_t)(end - q);
        if (hs && rest >= 5 && memcmp(q, "clear", 5) == 0) {
            hs->verify_flags = 0;
            hs->has_verify_flags = true;
            hs->verify_where = ev_line(lp);
        } else if (hs && hexnum(&q, end, &a) && a <= 0xffffffffu
                   && (q == end || *q == ' ')) {
            hs->verify_flags = (uint32_t)a;
            hs->has_verify_flags = true;
            hs->verify_where = ev_line(lp);
        }
        return;
    }
    /* Library lines (with file:line) hold none of the application's
     * messages below except "returned"; skip the searches for them. */
    if (m->file)
        goto returned;
    const char *ct = find(p, n, "Connecting to ");
    if (ct) {
        /* esp-tls: "Connecting to server. HOST: name, Port: 8883" */
        const char *hh = find(p, n, "HOST: ");
        if (hh) {
            const char *he = hh + 6;
            while (he < end && *he != ',' && *he != ' ')
                he++;
            const char *po = find(p, n, "Port: ");
            char tmp[HOST_MAX + 16];
            size_t hl = (size_t)(he - hh - 6);
            if (hl > HOST_MAX)
                hl = HOST_MAX;
            memcpy(tmp, hh + 6, hl);
            size_t k2 = hl;
            if (po) {
                tmp[k2++] = ':';
                const char *q = po + 6;
                while (q < end && is_digit(*q) && k2 < sizeof(tmp) - 1)
                    tmp[k2++] = *q++;
            }
            parse_target(lp, tmp, tmp + k2);
            return;
        }
        parse_target(lp, ct + 14, end);
        return;
    }
    const char *ver = find(p, n, "bed TLS ");
    if (!ver)
        ver = find(p, n, "bedTLS ");
    if (ver) {
        const char *q = ver + (ver[3] == ' ' ? 8 : 7);
        if (q < end && (*q == 'v' || *q == 'V'))
            q++;
        const char *s = q;
        if (dec(&q, end, &a) && q < end && *q == '.' && a >= 1 && a <= 9) {
            const char *e = q;
            while (e < end && (is_digit(*e) || *e == '.'))
                e++;
            size_t l = (size_t)(e - s);
            if (l < sizeof(lp->version)) {
                memcpy(lp->version, s, l);
                lp->version[l] = 0;
                lp->major = (uint8_t)a;
                if (lp->hs) {
                    lp->hs->mbedtls_major = (uint8_t)a;
                    lp->hs->mbedtls_version =
                        td_arena_strndup(&lp->hs->arena, s, l);
                }
            }
        }
    }
returned:;
    const char *ret = find(p, n, "returned ");
    if (ret) {
        int32_t code;
        if (parse_error_code(ret + 9, end, &code)) {
            /* The function is the word before "returned". */
            const char *fe = ret;
            while (fe > p && fe[-1] == ' ')
                fe--;
            /* cppcheck-suppress knownConditionTrueFalse ; misreads the loop */
            if (fe - p >= 2 && fe[-1] == ')' && fe[-2] == '(')
                fe -= 2;
            const char *fs = fe;
            while (fs > p && (is_ident(fs[-1]) || fs[-1] == '>'))
                fs--;
            add_error(lp, code, fs, (size_t)(fe - fs));
        }
        return;
    }
    /* "Last error was: -0x7780 - SSL - ..." (ssl_client2) */
    const char *le = find(p, n, "Last error was: ");
    if (le) {
        int32_t code;
        if (parse_error_code(le + 16, end, &code))
            add_error(lp, code, NULL, 0);
        return;
    }
    if (verify_info_line(lp, p, n))
        return;
    if (lp->cert_idx != SIZE_MAX && cert_info_line(lp, p, n))
        return;
}

/* --------------------------------------------------------------- lines */

static void strip_ansi(char *s, size_t *n)
{
    size_t w = 0;
    for (size_t r = 0; r < *n; r++) {
        if (s[r] == 0x1b && r + 1 < *n && s[r + 1] == '[') {
            r += 2;
            while (r < *n && !((s[r] >= '@' && s[r] <= '~')))
                r++;
            continue;
        }
        if (s[r] == '\t')
            s[w++] = ' ';
        else if (s[r] != '\r')
            s[w++] = s[r];
    }
    *n = w;
}

static void process_line(struct td_log *lp)
{
    lp->st.lines++;
    size_t n = lp->line_len;
    if (memchr(lp->line, 0x1b, n) || memchr(lp->line, '\r', n)
        || memchr(lp->line, '\t', n))
        strip_ansi(lp->line, &n);
    while (n && lp->line[n - 1] == ' ')
        n--;
    lp->line_len = n;
    if (n == 0)
        return;
    /* "# ..." lines are comments (annotated logs, shell transcripts). */
    if (lp->line[0] == '#')
        return;
    struct msg m;
    locate_message(lp->line, n, &m);
    if (m.n == 0)
        return;
    if (m.file)
        lp->st.mbedtls_lines++;
    if (lp->in_dump) {
        if (dump_row(lp, &m)) {
            lp->last_line = lp->st.lines;
            return;
        }
        end_dump(lp);
    }
    lp->touched = false;
    on_message(lp, &m);
    /* Library lines and lines that fed the handshake extend its range. */
    if (lp->hs && (m.file || lp->touched))
        lp->last_line = lp->st.lines;
}

struct td_log *td_log_new(struct td_doc *doc, td_log_emit_fn emit,
                          void *user)
{
    struct td_log *lp = calloc(1, sizeof(*lp));
    if (!lp)
        return NULL;
    lp->line = malloc(LINE_MAX_LEN + 1);
    lp->dump = malloc(DUMP_MAX);
    if (!lp->line || !lp->dump) {
        td_log_free(lp);
        return NULL;
    }
    lp->doc = doc;
    lp->emit = emit;
    lp->user = user;
    return lp;
}

int td_log_feed(struct td_log *lp, const char *p, size_t n)
{
    lp->st.bytes += n;
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        size_t room = LINE_MAX_LEN - lp->line_len;
        size_t copy = take < room ? take : room;
        memcpy(lp->line + lp->line_len, p, copy);
        lp->line_len += copy;
        /* cppcheck-suppress knownConditionTrueFalse ; room < take: cut */
        if (copy < take)
            lp->line_cut = true;
        if (!nl)
            return 0;
        if (lp->line_cut) {
            if (lp->st.long_lines++ == 0)
                lp->st.first_long_line = lp->st.lines + 1;
            lp->line_cut = false;
        }
        process_line(lp);
        lp->line_len = 0;
        p = nl + 1;
        n -= take + 1;
    }
    return 0;
}

int td_log_end(struct td_log *lp)
{
    if (lp->line_len > 0) {
        process_line(lp);
        lp->line_len = 0;
    }
    finish_hs(lp);
    if (lp->doc && lp->st.long_lines)
        td_doc_warn(lp->doc, "%s: line %llu: %llu line%s longer than %u "
                    "characters (the first here) cut there; check that "
                    "this is the console's text output (not binary data, "
                    "no lines joined)",
                    td_input_label(lp->input),
                    (unsigned long long)lp->st.first_long_line,
                    (unsigned long long)lp->st.long_lines,
                    lp->st.long_lines == 1 ? "" : "s", LINE_MAX_LEN);
    return 0;
}

void td_log_set_input(struct td_log *lp, const char *name)
{
    lp->input = name;
}

void td_log_stats(const struct td_log *lp, struct td_log_stats *st)
{
    *st = lp->st;
}

void td_log_free(struct td_log *lp)
{
    if (!lp)
        return;
    if (lp->hs) {
        td_tls_free(&lp->tls);
        td_hs_free(lp->hs);
    }
    free(lp->line);
    free(lp->dump);
    free(lp);
}
