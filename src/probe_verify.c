/* probe_verify.c - certificate chain verification as a device running
 * mbedTLS 2.28 does it, and what each flag means for this chain; see
 * probembedtls.h and probe_mbedtls_int.h.
 *
 * Implementation notes
 * - The flags are mbedTLS's own: mbedtls_x509_crt_verify() with the
 *   default profile (the one mbedtls_ssl_config_defaults() sets), plus the
 *   serverAuth extendedKeyUsage check the 2.28 SSL layer adds
 *   (ssl_check_cert_usage).  The texts are the explain module's rows
 *   (explain.h).  What this file adds is about the chain at hand: which
 *   certificate carries a flag, its dates against the host clock, the
 *   names the certificate holds, and why an untrusted chain is untrusted.
 * - Why untrusted: mbedTLS looks for each certificate's issuer among the
 *   certificates sent after it, then in the trust list, by name first and
 *   then by signature.  The same walk over the raw DER names tells apart a
 *   chain out of order, a self-signed root the trust list lacks, an issuer
 *   nobody has (a missing intermediate or a missing root: the names alone
 *   cannot say which, so both are said), and an issuer the trust list has
 *   by name but with another key.
 * - Certificate strings (subject, dates, SAN) come from the x509 module
 *   (td_x509_parse), the project's one reading of a certificate.
 */
#include "probe_mbedtls_int.h"

#include "tlsdiag/err.h"
#include "tlsdiag/explain.h"
#include "x509.h"

#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Arena for td_pm_verify_chain() without a handshake: a chain's strings. */
#define PV_ARENA_CAP (4u << 20)
/* mbedTLS 2.28 verify flag bits: 0x1 .. 0x80000. */
#define PV_LAST_BIT 0x80000u

/* ---- small helpers ----------------------------------------------------- */

/* Append printf output to the NUL-terminated buf; cuts at cap. */
static void addf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strnlen(buf, cap);
    if (n + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* "YYYY-MM-DD HH:MM:SS" (UTC) of Unix seconds. */
static const char *utc(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, cap, "?");
    return buf;
}

static bool same_buf(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static bool in_list(const mbedtls_x509_crt *list, const mbedtls_x509_crt *crt)
{
    for (; list; list = list->next)
        if (list == crt)
            return true;
    return false;
}

/* ---- the callback ------------------------------------------------------ */

void td_pm_vrec_init(struct td_pm_vrec *v, struct td_pm_verify *out,
                     const mbedtls_x509_crt *ca, struct td_arena *a)
{
    memset(v, 0, sizeof(*v));
    v->out = out;
    v->ca = ca;
    v->a = a;
}

static const uint8_t *copy_der(struct td_pm_vrec *v,
                               const mbedtls_x509_crt *crt)
{
    const uint8_t *p = td_arena_memdup(v->a, crt->raw.p, crt->raw.len);
    if (!p)
        v->nomem = true;
    return p;
}

/* The chain as the peer sent it: the list the leaf heads. */
static void keep_sent(struct td_pm_vrec *v, const mbedtls_x509_crt *leaf)
{
    if (v->out->n_sent)
        return; /* kept by an earlier verification of the same chain */
    size_t n = 0;
    for (const mbedtls_x509_crt *c = leaf; c && c->raw.len; c = c->next) {
        if (n < TD_PM_MAX_SENT && !v->nomem) {
            v->sent[n] = copy_der(v, c);
            v->sent_len[n] = c->raw.len;
            v->n_sent = v->sent[n] ? n + 1 : v->n_sent;
        }
        n++;
    }
    v->out->n_sent = n;
}

/* The signature is mbedtls_x509_crt_verify()'s f_vrfy: flags stays
 * non-const. */
int td_pm_vrfy_cb(void *ctx, mbedtls_x509_crt *crt, int depth,
                  /* cppcheck-suppress constParameter */
                  uint32_t *flags) /* NOLINT(readability-non-const-parameter) */
{
    struct td_pm_vrec *v = ctx;
    v->calls++;
    /* mbedTLS calls from the top of the path down: depth 0 comes last. */
    if (depth == 0)
        keep_sent(v, crt);
    if (depth < 0 || (size_t)depth >= TD_PM_MAX_PATH)
        return 0;
    struct td_pm_path_cert *pc = &v->out->path[depth];
    memset(pc, 0, sizeof(*pc));
    pc->flags = *flags;
    pc->from_ca_file = in_list(v->ca, crt);
    v->path[depth] = copy_der(v, crt);
    v->path_len[depth] = crt->raw.len;
    if ((size_t)depth + 1 > v->out->n_path)
        v->out->n_path = (size_t)depth + 1;
    return 0;
}

/* ---- loading and verifying --------------------------------------------- */

int td_pm_load_ca(const char *file, mbedtls_x509_crt *ca,
                  struct td_pm_verify *out)
{
    if (!file)
        file = TD_PM_DEFAULT_CA;
    int ret = mbedtls_x509_crt_parse_file(ca, file);
    int loaded = 0;
    for (const mbedtls_x509_crt *c = ca; c && c->raw.len; c = c->next)
        loaded++;
    out->ca_loaded = loaded;
    out->ca_skipped = ret > 0 ? ret : 0;
    if (ret >= 0 && loaded > 0)
        return TD_OK;
    char err[160] = "no certificate mbedTLS can read";
    if (ret < 0)
        mbedtls_strerror(ret, err, sizeof(err));
    snprintf(out->message, sizeof(out->message), "CA file %s: %s", file,
             err);
    return TD_ERR_USAGE;
}

/* What the 2.28 SSL layer adds for a server certificate whatever the key
 * exchange: extendedKeyUsage must allow serverAuth (when present). */
static uint32_t ssl_usage_flags(const mbedtls_x509_crt *leaf)
{
    if (mbedtls_x509_crt_check_extended_key_usage(
            leaf, MBEDTLS_OID_SERVER_AUTH,
            MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) != 0)
        return MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    return 0;
}

int td_pm_verify_sent(struct td_pm_vrec *v, mbedtls_x509_crt *ca,
                      const char *hostname, uint32_t *flags)
{
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    char err[160];
    int rc = TD_OK;
    for (size_t i = 0; i < v->n_sent; i++) {
        int ret = mbedtls_x509_crt_parse_der(&chain, v->sent[i],
                                             v->sent_len[i]);
        if (ret) {
            mbedtls_strerror(ret, err, sizeof(err));
            snprintf(v->out->message, sizeof(v->out->message),
                     "certificate %zu of the chain: %s", i, err);
            rc = ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? TD_ERR_NOMEM
                                                      : TD_ERR_USAGE;
            goto done;
        }
    }
    if (!v->n_sent) {
        snprintf(v->out->message, sizeof(v->out->message),
                 "no certificate to verify");
        rc = TD_ERR_USAGE;
        goto done;
    }
    /* The path records describe this verification only. */
    v->out->n_path = 0;
    memset(v->path, 0, sizeof(v->path));
    v->calls = 0;
    *flags = 0;
    int ret = mbedtls_x509_crt_verify(&chain, ca, NULL, hostname, flags,
                                      td_pm_vrfy_cb, v);
    if (ret && ret != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        /* mbedTLS gave up (a chain too long): flags are all ones. */
        mbedtls_strerror(ret, err, sizeof(err));
        snprintf(v->out->message, sizeof(v->out->message),
                 "mbedtls_x509_crt_verify: %s", err);
        *flags = UINT32_MAX;
    } else {
        *flags |= ssl_usage_flags(&chain);
    }
done:
    mbedtls_x509_crt_free(&chain);
    return rc;
}

/* ---- the path ---------------------------------------------------------- */

/* Parse a DER copy through the x509 module; false when it cannot be. */
static bool read_cert(struct td_pm_vrec *v, const uint8_t *der, size_t len,
                      struct td_cert *c)
{
    memset(c, 0, sizeof(*c));
    if (!der)
        return false;
    if (td_x509_parse(v->a, der, len, c) != TD_OK) {
        v->nomem = true;
        return false;
    }
    return true;
}

/* Names and dates of the path; the window every date allows. */
static void describe_path(struct td_pm_vrec *v)
{
    struct td_pm_verify *o = v->out;
    bool any = false;
    for (size_t i = 0; i < o->n_path; i++) {
        struct td_pm_path_cert *pc = &o->path[i];
        struct td_cert c;
        if (!read_cert(v, v->path[i], v->path_len[i], &c))
            continue;
        snprintf(pc->subject, sizeof(pc->subject), "%s",
                 c.subject ? c.subject : "?");
        pc->not_before = c.not_before_t;
        pc->not_after = c.not_after_t;
        if (!any || c.not_before_t > o->valid_from)
            o->valid_from = c.not_before_t;
        if (!any || c.not_after_t < o->valid_until)
            o->valid_until = c.not_after_t;
        any = true;
    }
}

/* ---- why the chain is not trusted -------------------------------------- */

struct pv_walk {
    enum td_pm_chain_issue issue;
    size_t top;         /* index of the last certificate that chains */
    size_t other;       /* OUT_OF_ORDER: the issuer sent before top */
};

/* Follow issuer names through the sent chain as mbedTLS does (a parent
 * only among the certificates after the child). */
static void walk_sent(mbedtls_x509_crt *const *c, size_t n,
                      struct pv_walk *w)
{
    size_t cur = 0;
    for (size_t steps = 0; steps < n; steps++) {
        if (same_buf(&c[cur]->issuer_raw, &c[cur]->subject_raw))
            break; /* self-signed: the top */
        size_t next = n;
        for (size_t j = cur + 1; j < n && next == n; j++)
            if (same_buf(&c[j]->subject_raw, &c[cur]->issuer_raw))
                next = j;
        if (next == n) {
            for (size_t j = 0; j < cur; j++) {
                if (same_buf(&c[j]->subject_raw, &c[cur]->issuer_raw)) {
                    w->issue = TD_PM_CHAIN_OUT_OF_ORDER;
                    w->other = j;
                    break;
                }
            }
            break;
        }
        cur = next;
    }
    w->top = cur;
}

/* Classify the top certificate against the trust list. */
static void judge_top(const mbedtls_x509_crt *top, const mbedtls_x509_crt *ca,
                      struct pv_walk *w)
{
    if (w->issue)
        return;
    if (same_buf(&top->issuer_raw, &top->subject_raw)) {
        for (const mbedtls_x509_crt *c = ca; c && c->raw.len; c = c->next)
            if (same_buf(&c->raw, &top->raw))
                return; /* the very root is trusted: not a name problem */
        w->issue = TD_PM_CHAIN_ROOT_UNKNOWN;
        return;
    }
    w->issue = TD_PM_CHAIN_ISSUER_UNKNOWN;
    for (const mbedtls_x509_crt *c = ca; c && c->raw.len; c = c->next)
        if (same_buf(&c->subject_raw, &top->issuer_raw))
            w->issue = TD_PM_CHAIN_ISSUER_KEY;
}

/* The NOT_TRUSTED detail for this chain. */
static void untrusted_detail(struct td_pm_vrec *v, const struct pv_walk *w,
                             const char *ca_file, char *d, size_t cap)
{
    struct td_cert top, other;
    const char *file = ca_file ? ca_file : TD_PM_DEFAULT_CA;
    read_cert(v, v->sent[w->top], v->sent_len[w->top], &top);
    const char *subj = top.subject ? top.subject : "?";
    const char *iss = top.issuer ? top.issuer : "?";
    switch (w->issue) {
    case TD_PM_CHAIN_OUT_OF_ORDER:
        read_cert(v, v->sent[w->other], v->sent_len[w->other], &other);
        addf(d, cap, "The server sends its certificates out of order: the "
             "issuer of certificate %zu (\"%s\") is certificate %zu "
             "(\"%s\"), sent before it; mbedTLS looks for an issuer only "
             "among the certificates after its child. The server must send "
             "the leaf first, then each issuer.", w->top, subj, w->other,
             other.subject ? other.subject : "?");
        break;
    case TD_PM_CHAIN_ROOT_UNKNOWN:
        addf(d, cap, "The chain the server sends ends in the self-signed "
             "root \"%s\", which is not in %s: the device trusts other "
             "roots. Add this root to the device's CA list (if the server "
             "is meant to use it) or have the server use a certificate "
             "from a CA the device trusts.", subj, file);
        break;
    case TD_PM_CHAIN_ISSUER_UNKNOWN:
        addf(d, cap, "The server sends %zu certificate%s; the chain "
             "stops at \"%s\", issued by \"%s\", and %s has no "
             "certificate of that name. If \"%s\" is an intermediate CA, "
             "the server leaves it out: add it to the server's chain file "
             "after the leaf. If it is a root, add it to the device's CA "
             "list.", v->out->n_sent, v->out->n_sent == 1 ? "" : "s", subj,
             iss, file, iss);
        break;
    case TD_PM_CHAIN_ISSUER_KEY:
        addf(d, cap, "%s holds a certificate named \"%s\", the issuer of "
             "\"%s\", but its key did not sign it: the CA was re-keyed or "
             "replaced and the device has the old one. Load the CA "
             "certificate the server's chain ends in.", file, iss, subj);
        break;
    default:
        addf(d, cap, "The chain ends in \"%s\"; mbedTLS found no trusted "
             "issuer for it in %s.", subj, file);
        break;
    }
}

static void find_chain_issue(struct td_pm_vrec *v, const mbedtls_x509_crt *ca,
                             const char *ca_file, char *d, size_t cap)
{
    mbedtls_x509_crt chain;
    mbedtls_x509_crt *c[TD_PM_MAX_SENT];
    size_t n = 0;
    mbedtls_x509_crt_init(&chain);
    for (size_t i = 0; i < v->n_sent; i++)
        if (mbedtls_x509_crt_parse_der(&chain, v->sent[i], v->sent_len[i]))
            break;
    for (mbedtls_x509_crt *p = &chain; p && p->raw.len && n < v->n_sent;
         p = p->next)
        c[n++] = p;
    if (n == v->n_sent && n > 0) {
        struct pv_walk w = {TD_PM_CHAIN_NONE, 0, 0};
        walk_sent(c, n, &w);
        judge_top(c[w.top], ca, &w);
        v->out->chain_issue = w.issue;
        if (w.issue == TD_PM_CHAIN_ISSUER_UNKNOWN
            || w.issue == TD_PM_CHAIN_ISSUER_KEY) {
            struct td_cert top;
            if (read_cert(v, v->sent[w.top], v->sent_len[w.top], &top)
                && top.issuer)
                snprintf(v->out->missing_issuer,
                         sizeof(v->out->missing_issuer), "%s", top.issuer);
        }
        untrusted_detail(v, &w, ca_file, d, cap);
    }
    mbedtls_x509_crt_free(&chain);
}

/* ---- one entry per flag ------------------------------------------------ */

static const struct td_x509_flag_row *flag_row(uint32_t bit)
{
    size_t n;
    const struct td_x509_flag_row *rows = td_explain_x509_rows(&n);
    for (size_t i = 0; i < n; i++)
        if (rows[i].bit == bit)
            return &rows[i];
    return NULL;
}

/* Contract cause id of one bit. */
static const char *bit_cause(uint32_t bit)
{
    switch (bit) {
    case MBEDTLS_X509_BADCERT_NOT_TRUSTED:
        return "ca_missing_or_wrong";
    case MBEDTLS_X509_BADCERT_EXPIRED:
    case MBEDTLS_X509_BADCERT_FUTURE:
        return "cert_time";
    case MBEDTLS_X509_BADCERT_CN_MISMATCH:
        return "cert_hostname";
    case MBEDTLS_X509_BADCERT_KEY_USAGE:
    case MBEDTLS_X509_BADCERT_EXT_KEY_USAGE:
    case MBEDTLS_X509_BADCERT_NS_CERT_TYPE:
    case MBEDTLS_X509_BADCERT_BAD_MD:
    case MBEDTLS_X509_BADCERT_BAD_PK:
    case MBEDTLS_X509_BADCERT_BAD_KEY:
        return "cert_key_rejected";
    default:
        return "unexplained";
    }
}

/* "certificate 0 "CN=x" (sent by the server)" for each path entry with
 * the bit; false when none has it (a flag of the SSL layer). */
static bool which_certs(const struct td_pm_verify *o, uint32_t bit,
                        bool dates, char *d, size_t cap)
{
    bool any = false;
    char a[24], b[24];
    for (size_t i = 0; i < o->n_path; i++) {
        const struct td_pm_path_cert *pc = &o->path[i];
        if (!(pc->flags & bit))
            continue;
        addf(d, cap, "%scertificate %zu \"%s\" (%s)", any ? "; " : "", i,
             pc->subject, pc->from_ca_file ? "from the CA file"
                                           : "sent by the server");
        if (dates)
            addf(d, cap, " is valid from %s to %s UTC",
                 utc(pc->not_before, a, sizeof(a)),
                 utc(pc->not_after, b, sizeof(b)));
        any = true;
    }
    return any;
}

static void time_detail(const struct td_pm_verify *o, uint32_t bit, char *d,
                        size_t cap)
{
    char a[24], b[24];
    which_certs(o, bit, true, d, cap);
    addf(d, cap, ". The host clock reads %s UTC.",
         utc(o->checked_at, a, sizeof(a)));
    if (bit == MBEDTLS_X509_BADCERT_FUTURE)
        addf(d, cap, " A device whose clock was never set (1970, 2000) "
             "meets this flag.");
    if (o->n_path && o->valid_from <= o->valid_until)
        addf(d, cap, " A device clock must read between %s and %s UTC for "
             "every certificate of this chain to be valid.",
             utc(o->valid_from, a, sizeof(a)),
             utc(o->valid_until, b, sizeof(b)));
    else if (o->n_path)
        addf(d, cap, " No time makes every certificate of this chain "
             "valid: the server needs a new certificate.");
}

static bool is_ip_literal(const char *s)
{
    return s && *s
           && (strchr(s, ':') || strspn(s, "0123456789.") == strlen(s));
}

static void name_detail(struct td_pm_vrec *v, const char *hostname, char *d,
                        size_t cap)
{
    struct td_cert leaf;
    addf(d, cap, "The device checks the name \"%s\"; the server "
         "certificate holds", hostname ? hostname : "");
    if (!read_cert(v, v->sent[0], v->sent_len[0], &leaf)) {
        addf(d, cap, " names that could not be read.");
        return;
    }
    for (size_t i = 0; i < leaf.san.n; i++)
        addf(d, cap, "%s %s", i ? "," : "", leaf.san.v[i]);
    if (!leaf.san.n)
        addf(d, cap, " no subjectAltName; its subject is \"%s\"",
             leaf.subject ? leaf.subject : "?");
    addf(d, cap, ".");
    /* 2.28 compares dNSName entries (and the CN without a SAN) only. */
    if (is_ip_literal(hostname))
        addf(d, cap, " mbedTLS 2.28 does not match iPAddress entries: a "
             "device connecting by address must verify a DNS name the "
             "certificate holds.");
}

static void add_flag(struct td_pm_vrec *v, uint32_t bit, const char *ca_file,
                     const char *hostname, const mbedtls_x509_crt *ca)
{
    struct td_pm_verify *o = v->out;
    struct td_pm_flag *f = &o->flag[o->n_flags++];
    f->bit = bit;
    f->row = flag_row(bit);
    f->cause = bit_cause(bit);
    f->detail[0] = '\0';
    if (bit == MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        find_chain_issue(v, ca, ca_file, f->detail, sizeof(f->detail));
    else if (bit == MBEDTLS_X509_BADCERT_EXPIRED
             || bit == MBEDTLS_X509_BADCERT_FUTURE)
        time_detail(o, bit, f->detail, sizeof(f->detail));
    else if (bit == MBEDTLS_X509_BADCERT_CN_MISMATCH && v->n_sent)
        name_detail(v, hostname, f->detail, sizeof(f->detail));
    else if (!which_certs(o, bit, false, f->detail, sizeof(f->detail)))
        addf(f->detail, sizeof(f->detail), "Set by the SSL layer for the "
             "server certificate (its key or usage against the handshake).");
}

/* Causes in the order a developer fixes them: trust, time, name, key. */
static void order_causes(struct td_pm_verify *o)
{
    static const char *const order[] = {"ca_missing_or_wrong", "cert_time",
                                        "cert_hostname", "cert_key_rejected",
                                        "unexplained"};
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        bool present = false;
        for (size_t i = 0; i < o->n_flags; i++)
            present |= strcmp(o->flag[i].cause, order[k]) == 0;
        if (present && o->n_causes < TD_PM_MAX_CAUSES)
            o->causes[o->n_causes++] = order[k];
    }
}

int td_pm_explain(struct td_pm_vrec *v, const mbedtls_x509_crt *ca,
                  const char *ca_file, const char *hostname, uint32_t flags)
{
    struct td_pm_verify *o = v->out;
    o->done = true;
    o->flags = flags;
    o->checked_at = (int64_t)time(NULL);
    o->n_flags = 0;
    o->n_causes = 0;
    describe_path(v);
    if (flags == UINT32_MAX) {
        /* verification stopped before giving flags */
        o->causes[o->n_causes++] = "unexplained";
        return v->nomem ? TD_ERR_NOMEM : TD_OK;
    }
    for (uint32_t bit = 1; bit && bit <= PV_LAST_BIT; bit <<= 1)
        if (flags & bit)
            add_flag(v, bit, ca_file, hostname, ca);
    if (flags & ~((PV_LAST_BIT << 1) - 1)) {
        struct td_pm_flag *f = &o->flag[o->n_flags++];
        f->bit = flags & ~((PV_LAST_BIT << 1) - 1);
        f->row = NULL;
        f->cause = "unexplained";
        snprintf(f->detail, sizeof(f->detail),
                 "Bits mbedTLS 2.28 does not define.");
    }
    order_causes(o);
    return v->nomem ? TD_ERR_NOMEM : TD_OK;
}

/* ---- without a connection ---------------------------------------------- */

/* The chain into hs->certs through the x509 module. */
static int add_certs(struct td_handshake *hs, const uint8_t *const *der,
                     const size_t *der_len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct td_cert *c = TD_PUSH(&hs->arena, hs->certs);
        if (!c || td_x509_parse(&hs->arena, der[i], der_len[i], c) != TD_OK)
            return TD_ERR_NOMEM;
    }
    return TD_OK;
}

int td_pm_verify_chain(const uint8_t *const *der, const size_t *der_len,
                       size_t n, const char *ca_file, const char *hostname,
                       struct td_handshake *hs, struct td_pm_verify *out)
{
    memset(out, 0, sizeof(*out));
    out->apart = true;
    if (n == 0 || !der || !der_len) {
        snprintf(out->message, sizeof(out->message),
                 "no certificate to verify");
        return TD_ERR_USAGE;
    }
    struct td_arena local;
    td_arena_init(&local, PV_ARENA_CAP);
    mbedtls_x509_crt ca;
    mbedtls_x509_crt_init(&ca);
    struct td_pm_vrec v;
    int rc = td_pm_load_ca(ca_file, &ca, out);
    if (rc)
        goto done;
    td_pm_vrec_init(&v, out, &ca, hs ? &hs->arena : &local);
    /* The caller's DER lives through the call: no copies needed. */
    out->n_sent = n;
    v.n_sent = n < TD_PM_MAX_SENT ? n : TD_PM_MAX_SENT;
    for (size_t i = 0; i < v.n_sent; i++) {
        v.sent[i] = der[i];
        v.sent_len[i] = der_len[i];
    }
    uint32_t flags = 0;
    rc = td_pm_verify_sent(&v, &ca, hostname, &flags);
    if (!rc)
        rc = td_pm_explain(&v, &ca, ca_file, hostname, flags);
    if (!rc && hs) {
        if (hs->certs.n == 0)
            rc = add_certs(hs, der, der_len, n);
        hs->has_verify_flags = true;
        hs->verify_flags = flags;
    }
done:
    mbedtls_x509_crt_free(&ca);
    td_arena_free(&local);
    return rc;
}

const char *td_pm_chain_issue_name(enum td_pm_chain_issue c)
{
    switch (c) {
    case TD_PM_CHAIN_NONE: return "none";
    case TD_PM_CHAIN_ROOT_UNKNOWN: return "root_unknown";
    case TD_PM_CHAIN_ISSUER_UNKNOWN: return "issuer_unknown";
    case TD_PM_CHAIN_ISSUER_KEY: return "issuer_key";
    case TD_PM_CHAIN_OUT_OF_ORDER: return "out_of_order";
    }
    return "none";
}
