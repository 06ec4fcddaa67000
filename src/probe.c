/* probe.c - the variant search of `tlsdiag probe` (see probe.h).
 *
 * Every attempt is one connection carrying one hello: the base hello
 * (the device's, rebuilt byte for byte by hellobuild) with the attempt's
 * changes applied, a fresh random, and for TLS 1.3 a key share of our
 * own.  Attempts of a round go out together on threads (td_pn_probe keeps
 * no global state); the budget and the delay are applied when a round is
 * started, so `--max-connections` is a hard bound.
 */
#include "tlsdiag/probe.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#define DEFAULT_MAX_CONNECTIONS 32u
#define DEFAULT_PARALLEL 4u

/* What round 1 adds (the list: ECDHE-ECDSA and ECDHE-RSA with
 * AES-GCM and ChaCha20; x25519, secp256r1, secp384r1; ECDSA, RSA-PSS and
 * PKCS#1 with SHA-256/384/512). */
static const uint16_t add_suites[] = {0xc02b, 0xc02c, 0xcca9,
                                      0xc02f, 0xc030, 0xcca8};
static const uint16_t add_groups[] = {0x001d, 0x0017, 0x0018};
static const uint16_t add_sigalgs[] = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805,
                                       0x0806, 0x0401, 0x0501, 0x0601};

struct rng {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
};

/* ---- names ------------------------------------------------------------ */

const char *td_pc_kind_name(enum td_pc_kind k)
{
    switch (k) {
    case TD_PC_SNI:
        return "sni";
    case TD_PC_SUITES:
        return "cipher_suites";
    case TD_PC_GROUPS:
        return "groups";
    case TD_PC_SIGALGS:
        return "signature_algorithms";
    case TD_PC_VERSIONS:
        return "versions";
    case TD_PC_MFL:
        return "max_fragment_length";
    case TD_PC_EXTENSION:
        return "extension";
    }
    return "unknown";
}

const char *td_pc_action_name(enum td_pc_action a)
{
    switch (a) {
    case TD_PC_SET:
        return "set";
    case TD_PC_ADD:
        return "add";
    case TD_PC_REMOVE:
        return "remove";
    }
    return "unknown";
}

static void append(char *buf, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *at, const char *fmt, ...)
{
    if (*at >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, cap - *at, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at += (size_t)n < cap - *at ? (size_t)n : cap - *at - 1;
}

static void list_names(char *buf, size_t cap, size_t *at, enum td_reg_kind kind,
                       const struct td_pc *c)
{
    char nb[TD_REG_NAMEBUF];
    for (uint8_t i = 0; i < c->n; i++)
        append(buf, cap, at, "%s%s", i ? ", " : "",
               td_reg_name(kind, c->v[i], nb));
}

const char *td_pc_describe(const struct td_pc *c, char *buf, size_t cap)
{
    size_t at = 0;
    char nb[TD_REG_NAMEBUF];
    buf[0] = '\0';
    switch (c->kind) {
    case TD_PC_SNI:
        if (c->action == TD_PC_REMOVE)
            append(buf, cap, &at, "server_name removed");
        else
            append(buf, cap, &at, "server_name set to \"%s\"", c->name);
        break;
    case TD_PC_SUITES:
        append(buf, cap, &at, "cipher suite%s added: ", c->n > 1 ? "s" : "");
        list_names(buf, cap, &at, TD_REG_SUITE, c);
        break;
    case TD_PC_GROUPS:
        append(buf, cap, &at, "group%s added: ", c->n > 1 ? "s" : "");
        list_names(buf, cap, &at, TD_REG_GROUP, c);
        break;
    case TD_PC_SIGALGS:
        append(buf, cap, &at,
               "signature algorithm%s added: ", c->n > 1 ? "s" : "");
        list_names(buf, cap, &at, TD_REG_SIGALG, c);
        break;
    case TD_PC_VERSIONS:
        if (c->action == TD_PC_ADD)
            append(buf, cap, &at,
                   "TLS 1.3 offered (supported_versions, "
                   "key_share %s)",
                   td_reg_name(TD_REG_GROUP, c->v[0], nb));
        else
            append(buf, cap, &at, "highest version set to %s",
                   td_reg_name(TD_REG_VERSION, c->v[0], nb));
        break;
    case TD_PC_MFL:
        append(buf, cap, &at, "max_fragment_length removed");
        break;
    case TD_PC_EXTENSION:
        append(buf, cap, &at, "extension %s removed",
               td_reg_name(TD_REG_EXT, c->v[0], nb));
        break;
    }
    return buf;
}

static bool fatal_server_alert(const struct td_handshake *hs,
                               const struct td_alert **out)
{
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        if (a->from == TD_DIR_SERVER && a->level != 1) {
            *out = a;
            return true;
        }
    }
    return false;
}

const char *td_probe_reply(const struct td_probe_attempt *a, char *buf,
                           size_t cap)
{
    size_t at = 0;
    char nb[TD_REG_NAMEBUF], nb2[TD_REG_NAMEBUF];
    const struct td_pn_attempt *pn = &a->pn;
    buf[0] = '\0';
    if (a->rc == TD_ERR_NETWORK) {
        append(buf, cap, &at, "%s",
               !pn->address[0]             ? "the name does not resolve"
               : pn->end == TD_PN_END_RST ? "connection refused"
                                           : "could not connect in time");
        return buf;
    }
    if (a->rc) {
        append(buf, cap, &at, "not sent: %s", td_strerror(a->rc));
        return buf;
    }
    const struct td_handshake *hs = pn->hs;
    const struct td_alert *al = NULL;
    if (hs && fatal_server_alert(hs, &al)) {
        if (al->encrypted)
            append(buf, cap, &at, "encrypted alert");
        else
            append(buf, cap, &at, "alert %u %s (%s)", al->description,
                   td_reg_name(TD_REG_ALERT, al->description, nb),
                   al->level == 2 ? "fatal" : "level unknown");
        if (hs->sh)
            append(buf, cap, &at, " after its ServerHello");
        return buf;
    }
    if (hs && hs->hrr) {
        append(buf, cap, &at, "HelloRetryRequest for group %s",
               hs->hrr->has_key_share_group
                   ? td_reg_name(TD_REG_GROUP, hs->hrr->key_share_group, nb)
                   : "(none)");
        return buf;
    }
    if (hs && hs->sh) {
        const struct td_server_hello *sh = hs->sh;
        uint16_t v = sh->selected_version ? sh->selected_version : sh->version;
        append(buf, cap, &at, "ServerHello %s %s",
               td_reg_name(TD_REG_VERSION, v, nb),
               sh->has_cipher_suite
                   ? td_reg_name(TD_REG_SUITE, sh->cipher_suite, nb2)
                   : "");
        return buf;
    }
    switch (pn->result) {
    case TD_PN_CLOSED:
        append(buf, cap, &at, "connection closed without an answer");
        break;
    case TD_PN_RESET:
        append(buf, cap, &at, "connection reset");
        break;
    case TD_PN_TIMEOUT:
        append(buf, cap, &at, "no answer within %llu ms",
               (unsigned long long)pn->elapsed_ms);
        break;
    case TD_PN_NOT_TLS:
        append(buf, cap, &at, "an answer that is not TLS");
        break;
    default:
        append(buf, cap, &at, "%s", td_pn_result_name(pn->result));
    }
    return buf;
}

/* ---- hello editing ----------------------------------------------------- */

static bool hb_has_suite(const struct td_hb_hello *h, uint16_t s)
{
    for (size_t i = 0; i < h->n_suites; i++)
        if (h->suites[i] == s)
            return true;
    return false;
}

/* The values of a 2-byte-per-entry list extension (groups: 2-byte
 * length then entries). */
static bool ext_list_has(struct td_hb_hello *h, uint16_t type, uint16_t x)
{
    struct td_hb_ext *e = td_hb_find_ext(h, type);
    if (!e || e->len < 2)
        return false;
    for (size_t i = 2; i + 1 < e->len; i += 2)
        if (((uint16_t)e->data[i] << 8 | e->data[i + 1]) == x)
            return true;
    return false;
}

/* The key share's group first in supported_groups: servers that take the
 * client's first group (GnuTLS) would otherwise ask for another one with
 * a HelloRetryRequest, and the flight could not be read. */
static int share_group_first(struct td_hb_hello *h, uint16_t group)
{
    struct td_hb_ext *e = td_hb_find_ext(h, TD_HB_EXT_SUPPORTED_GROUPS);
    if (!e || e->len < 4)
        return TD_OK;
    uint16_t *g = malloc((e->len / 2 + 1) * sizeof(*g));
    if (!g)
        return TD_ERR_NOMEM;
    size_t n = 0;
    g[n++] = group;
    for (size_t i = 2; i + 1 < e->len; i += 2) {
        uint16_t v = (uint16_t)(e->data[i] << 8 | e->data[i + 1]);
        if (v != group)
            g[n++] = v;
    }
    int rc = td_hb_set_groups(h, g, n);
    free(g);
    return rc;
}

static int apply(struct td_hb_hello *h, const struct td_pc *c,
                 const struct td_tls13_ks *ks)
{
    int rc = TD_OK;
    switch (c->kind) {
    case TD_PC_SNI:
        if (c->action == TD_PC_REMOVE)
            td_hb_remove_sni(h);
        else
            rc = td_hb_set_sni(h, c->name, strlen(c->name));
        break;
    case TD_PC_SUITES:
        for (uint8_t i = 0; !rc && i < c->n; i++)
            rc = td_hb_add_suite(h, c->v[i], SIZE_MAX);
        break;
    case TD_PC_GROUPS:
        for (uint8_t i = 0; !rc && i < c->n; i++)
            rc = td_hb_add_group(h, c->v[i]);
        break;
    case TD_PC_SIGALGS:
        for (uint8_t i = 0; !rc && i < c->n; i++)
            rc = td_hb_add_sigalg(h, c->v[i]);
        break;
    case TD_PC_VERSIONS:
        if (c->action == TD_PC_ADD) {
            static const uint8_t zero[65];
            size_t zlen = c->v[0] == TD_TLS13_GROUP_X25519 ? 32 : 65;
            rc = ks ? td_hb_add_tls13(h, ks->group, ks->pub, ks->pub_len)
                    : td_hb_add_tls13(h, c->v[0], zero, zlen);
            if (!rc)
                rc = share_group_first(h, c->v[0]);
        } else {
            rc = td_hb_set_version(h, c->v[0]);
        }
        break;
    case TD_PC_MFL:
        td_hb_remove_mfl(h);
        break;
    case TD_PC_EXTENSION:
        td_hb_remove_ext(h, c->v[0]);
        break;
    }
    return rc;
}

static int base_hello(const struct td_probe_run *p, struct td_hb_hello *h)
{
    return td_hb_parse(h, p->base_msg, p->base_len, p->base_record_version);
}

int td_probe_hello(const struct td_probe_run *p,
                   const struct td_probe_attempt *a, struct td_hb_hello *h)
{
    int rc = base_hello(p, h);
    for (uint8_t i = 0; !rc && i < a->ch.n; i++)
        rc = apply(h, &a->ch.c[i], a->has_ks ? &a->ks : NULL);
    return rc;
}

/* ---- the run ----------------------------------------------------------- */

static int rng_fn(void *ctx, unsigned char *buf, size_t len)
{
    struct rng *r = ctx;
    return mbedtls_ctr_drbg_random(&r->drbg, buf, len);
}

void td_probe_init(struct td_probe_run *p, const struct td_probe_opts *o,
                   const struct td_client_hello *device)
{
    memset(p, 0, sizeof(*p));
    p->o = *o;
    if (!p->o.max_connections)
        p->o.max_connections = DEFAULT_MAX_CONNECTIONS;
    if (!p->o.parallel)
        p->o.parallel = DEFAULT_PARALLEL;
    if (p->o.delay_ms)
        p->o.parallel = 1;
    p->device = device;
    p->base = p->fix = -1;
    p->full.attempt = p->full_cert.attempt = p->full_nomfl.attempt = -1;
}

static void full_free(struct td_probe_full *f)
{
    if (f->ran || f->r.hs)
        td_pm_result_free(&f->r);
}

void td_probe_free(struct td_probe_run *p)
{
    for (size_t i = 0; i < p->attempts.n; i++) {
        struct td_probe_attempt *a = p->attempts.v[i];
        td_pn_attempt_free(&a->pn);
        if (a->has_ks)
            td_tls13_keyshare_free(&a->ks);
        free(a);
    }
    free(p->attempts.v);
    free(p->base_msg);
    if (p->rng) {
        struct rng *r = p->rng;
        mbedtls_ctr_drbg_free(&r->drbg);
        mbedtls_entropy_free(&r->entropy);
        free(r);
    }
    full_free(&p->full);
    full_free(&p->full_cert);
    full_free(&p->full_nomfl);
    memset(p, 0, sizeof(*p));
}

static int setup(struct td_probe_run *p)
{
    struct rng *r = calloc(1, sizeof(*r));
    if (!r)
        return TD_ERR_NOMEM;
    p->rng = r;
    mbedtls_entropy_init(&r->entropy);
    mbedtls_ctr_drbg_init(&r->drbg);
    static const char pers[] = "tlsdiag probe";
    if (mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->entropy,
                              (const unsigned char *)pers, sizeof(pers) - 1))
        return TD_ERR_IO;
    struct td_hb_hello h;
    int rc;
    if (p->device) {
        rc = td_hb_from_client_hello(&h, p->device);
        p->base_record_version = p->device->record_version;
    } else {
        rc = td_hb_template_228(&h, p->o.sni, NULL, NULL);
        p->base_record_version = 0x0301;
    }
    if (!rc)
        rc = td_hb_build(&h, &p->base_msg, &p->base_len);
    td_hb_free(&h);
    return rc;
}

/* A new attempt with these changes (not sent yet). */
static struct td_probe_attempt *new_attempt(struct td_probe_run *p,
                                            unsigned round,
                                            const struct td_pchanges *ch)
{
    struct td_probe_attempt *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    if (p->attempts.n == p->attempts.cap) {
        size_t cap = p->attempts.cap ? p->attempts.cap * 2 : 16;
        /* An array of pointers to attempts.
         * NOLINTNEXTLINE(bugprone-sizeof-expression) */
        void *v = realloc(p->attempts.v, cap * sizeof(*p->attempts.v));
        if (!v) {
            free(a);
            return NULL;
        }
        p->attempts.v = v;
        p->attempts.cap = cap;
    }
    a->round = round;
    a->pn.alert = -1;
    if (ch)
        a->ch = *ch;
    p->attempts.v[p->attempts.n++] = a;
    return a;
}

struct job {
    struct td_probe_attempt *a;
    struct td_pn_opts o;
    uint8_t *bytes;
    size_t n;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->a->rc = td_pn_probe(&j->o, j->bytes, j->n, &j->a->pn);
    return NULL;
}

/* A HelloRetryRequest means "go on with another key share" only to a
 * hello that offered TLS 1.3 (RFC 8446 4.1.4); to any other it is a
 * broken answer. */
static bool hrr_fair(const struct td_handshake *hs)
{
    if (!hs->hrr || !hs->ch)
        return false;
    for (size_t i = 0; i < hs->ch->versions.n; i++)
        if (hs->ch->versions.v[i] == 0x0304)
            return true;
    return false;
}

static void judge(struct td_probe_attempt *a)
{
    const struct td_alert *al;
    const struct td_handshake *hs = a->pn.hs;
    /* A whole flight (to ServerHelloDone, or a TLS 1.3 Finished) is an
     * acceptance even when an alert follows it in the same read. */
    bool flight = hs && hs->sh &&
                  (hs->server_hello_done || hs->tls13_flight_read);
    a->accepted = a->rc == TD_OK && hs && (hs->sh || hrr_fair(hs)) &&
                  (flight || !fatal_server_alert(hs, &al));
}

/* Build the bytes of an attempt: base + changes, fresh random, TLS 1.3
 * key share generated when the changes offer TLS 1.3. */
static int prepare(struct td_probe_run *p, struct job *j)
{
    struct td_probe_attempt *a = j->a;
    for (uint8_t i = 0; i < a->ch.n; i++) {
        const struct td_pc *c = &a->ch.c[i];
        if (c->kind == TD_PC_VERSIONS && c->action == TD_PC_ADD && !a->has_ks) {
            /* Its own generator: the share is used later on the
             * connection's thread (ECDH blinding), and a DRBG must not be
             * shared between threads. */
            int rc = td_tls13_keyshare_init(&a->ks, c->v[0], NULL, NULL);
            if (rc)
                return rc;
            a->has_ks = true;
        }
    }
    struct td_hb_hello h;
    int rc = td_probe_hello(p, a, &h);
    if (!rc && !p->o.exact)
        rc = td_hb_fresh_random(&h, rng_fn, p->rng);
    if (!rc)
        rc = td_hb_record(&h, &j->bytes, &j->n);
    td_hb_free(&h);
    return rc;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000u, (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Send the attempts a[0..n): at most `parallel` at a time, within the
 * budget (attempts beyond it are dropped and the run says so). */
static int run_batch(struct td_probe_run *p, struct td_probe_attempt **a,
                     size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t left = p->o.max_connections - p->connections;
        if (left == 0) {
            p->budget_exhausted = true;
            for (; i < n; i++)
                a[i]->rc = TD_ERR_LIMIT;
            return TD_OK;
        }
        size_t k = n - i;
        if (k > p->o.parallel)
            k = p->o.parallel;
        if (k > left)
            k = left;
        struct job jobs[16];
        pthread_t th[16];
        bool started[16] = {false};
        if (k > 16)
            k = 16;
        for (size_t t = 0; t < k; t++) {
            struct job *j = &jobs[t];
            memset(j, 0, sizeof(*j));
            j->a = a[i + t];
            j->o = (struct td_pn_opts){.host = p->o.host,
                                       .port = p->o.port,
                                       .connect_to = p->o.connect_to,
                                       .timeout_ms = p->o.timeout_ms,
                                       .family = p->o.family};
            int rc = prepare(p, j);
            if (!rc && j->a->has_ks) {
                /* our own key share: the TLS 1.3 flight can be read */
                j->o.key_shares = &j->a->ks;
                j->o.n_key_shares = 1;
            }
            if (rc) {
                j->a->rc = rc;
                continue;
            }
            if (p->o.delay_ms && p->connections > 0)
                sleep_ms(p->o.delay_ms);
            j->a->no = ++p->connections;
            started[t] = pthread_create(&th[t], NULL, run_job, j) == 0;
            if (!started[t])
                run_job(j);
        }
        for (size_t t = 0; t < k; t++) {
            if (started[t])
                pthread_join(th[t], NULL);
            free(jobs[t].bytes);
            judge(jobs[t].a);
            if (!p->address[0] && jobs[t].a->pn.address[0])
                snprintf(p->address, sizeof(p->address), "%s",
                         jobs[t].a->pn.address);
        }
        i += k;
    }
    return TD_OK;
}

/* ---- round 1: one change each ----------------------------------------- */

static bool host_is_name(const char *h)
{
    struct in6_addr a;
    return h && *h && inet_pton(AF_INET, h, &a) != 1 &&
           inet_pton(AF_INET6, h, &a) != 1;
}

static void pc_list(struct td_pc *c, uint8_t kind, const uint16_t *v, size_t n,
                    struct td_hb_hello *h, uint16_t ext)
{
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->action = TD_PC_ADD;
    for (size_t i = 0; i < n && c->n < TD_PC_MAX_VALUES; i++) {
        bool have = ext ? ext_list_has(h, ext, v[i]) : hb_has_suite(h, v[i]);
        if (!have)
            c->v[c->n++] = v[i];
    }
}

/* Highest version the hello offers. */
static uint16_t offered_max(struct td_hb_hello *h)
{
    struct td_hb_ext *sv = td_hb_find_ext(h, TD_HB_EXT_SUPPORTED_VERSIONS);
    uint16_t max = h->version;
    if (sv && sv->len >= 1)
        for (size_t i = 1; i + 1 < sv->len; i += 2) {
            uint16_t v = (uint16_t)(sv->data[i] << 8 | sv->data[i + 1]);
            if (!td_reg_is_grease(v) && v > max && v <= 0x0304)
                max = v;
        }
    return max;
}

/* The single changes of round 1, in the order a 2.28 device can make
 * them (the order also ranks the winners). */
static size_t single_changes(struct td_probe_run *p, struct td_pc *out,
                             size_t cap)
{
    struct td_hb_hello h;
    size_t n = 0;
    if (base_hello(p, &h)) {
        td_hb_free(&h);
        return 0;
    }
    struct td_hb_ext *sni = td_hb_find_ext(&h, TD_HB_EXT_SERVER_NAME);
    const char *name = p->o.sni                  ? p->o.sni
                       : host_is_name(p->o.host) ? p->o.host
                                                 : NULL;
    const char *cur = p->device ? p->device->sni : NULL;
    if (name && n < cap && (!cur || strcmp(cur, name) != 0)) {
        struct td_pc *c = &out[n++];
        memset(c, 0, sizeof(*c));
        c->kind = TD_PC_SNI;
        c->action = TD_PC_SET;
        snprintf(c->name, sizeof(c->name), "%s", name);
    }
    if (sni && n < cap) {
        struct td_pc *c = &out[n++];
        memset(c, 0, sizeof(*c));
        c->kind = TD_PC_SNI;
        c->action = TD_PC_REMOVE;
    }
    struct td_pc c;
    pc_list(&c, TD_PC_SUITES, add_suites,
            sizeof(add_suites) / sizeof(add_suites[0]), &h, 0);
    if (c.n && n < cap)
        out[n++] = c;
    pc_list(&c, TD_PC_GROUPS, add_groups,
            sizeof(add_groups) / sizeof(add_groups[0]), &h,
            TD_HB_EXT_SUPPORTED_GROUPS);
    if (c.n && n < cap)
        out[n++] = c;
    pc_list(&c, TD_PC_SIGALGS, add_sigalgs,
            sizeof(add_sigalgs) / sizeof(add_sigalgs[0]), &h,
            TD_HB_EXT_SIGNATURE_ALGORITHMS);
    if (c.n && n < cap)
        out[n++] = c;
    if (td_hb_find_ext(&h, TD_HB_EXT_MAX_FRAGMENT_LENGTH) && n < cap) {
        memset(&c, 0, sizeof(c));
        c.kind = TD_PC_MFL;
        c.action = TD_PC_REMOVE;
        out[n++] = c;
    }
    uint16_t max = offered_max(&h);
    if (max != 0x0303 && n < cap) {
        /* below TLS 1.2: raise it; TLS 1.3 offered: take it away */
        memset(&c, 0, sizeof(c));
        c.kind = TD_PC_VERSIONS;
        c.action = TD_PC_SET;
        c.n = 1;
        c.v[0] = 0x0303;
        out[n++] = c;
    }
    if (max < 0x0304 && n < cap) {
        memset(&c, 0, sizeof(c));
        c.kind = TD_PC_VERSIONS;
        c.action = TD_PC_ADD;
        c.n = 1;
        c.v[0] = TD_TLS13_GROUP_X25519;
        out[n++] = c;
    }
    td_hb_free(&h);
    return n;
}

/* Rank of a change: what a device on mbedTLS 2.28 can do comes first,
 * TLS 1.3 last (it needs 3.6). */
static int change_rank(const struct td_pc *c)
{
    switch (c->kind) {
    case TD_PC_SNI:
        return c->action == TD_PC_SET ? 0 : 1;
    case TD_PC_SUITES:
        return 2;
    case TD_PC_GROUPS:
        return 3;
    case TD_PC_SIGALGS:
        return 4;
    case TD_PC_MFL:
        return 5;
    case TD_PC_VERSIONS:
        return c->action == TD_PC_SET ? 6 : 9;
    case TD_PC_EXTENSION:
        return 7;
    }
    return 10;
}

static int set_rank(const struct td_pchanges *ch)
{
    int r = 0;
    for (uint8_t i = 0; i < ch->n; i++) {
        int k = change_rank(&ch->c[i]);
        if (k > r)
            r = k;
    }
    return r * 16 + ch->n;
}

/* ---- round 2: the one value the server picked --------------------------- */

static bool pc_has(const struct td_pc *c, uint16_t v)
{
    for (uint8_t i = 0; i < c->n; i++)
        if (c->v[i] == v)
            return true;
    return false;
}

/* Narrow a list change to the value the server chose in attempt a; false
 * when it cannot be narrowed. */
static bool narrow(const struct td_probe_attempt *a, struct td_pc *c)
{
    const struct td_handshake *hs = a->pn.hs;
    if (!hs || c->n <= 1)
        return false;
    uint16_t pick = 0;
    if (c->kind == TD_PC_SUITES && hs->sh && hs->sh->has_cipher_suite)
        pick = hs->sh->cipher_suite;
    else if (c->kind == TD_PC_GROUPS && hs->ske.present && hs->ske.group)
        pick = hs->ske.group;
    else if (c->kind == TD_PC_GROUPS && hs->sh && hs->sh->has_key_share_group)
        pick = hs->sh->key_share_group;
    else if (c->kind == TD_PC_SIGALGS && hs->ske.present && hs->ske.sigalg)
        pick = hs->ske.sigalg;
    if (!pick || !pc_has(c, pick))
        return false;
    c->v[0] = pick;
    c->n = 1;
    return true;
}

static bool narrow_all(const struct td_probe_attempt *a, struct td_pchanges *ch)
{
    bool any = false;
    for (uint8_t i = 0; i < ch->n; i++)
        any |= narrow(a, &ch->c[i]);
    return any;
}

/* Narrow a winner; the narrowed attempt replaces it when accepted. */
static struct td_probe_attempt *
shrink(struct td_probe_run *p, struct td_probe_attempt *w, unsigned round)
{
    struct td_pchanges ch = w->ch;
    if (!narrow_all(w, &ch))
        return w;
    struct td_probe_attempt *a = new_attempt(p, round, &ch);
    if (!a)
        return w;
    run_batch(p, &a, 1);
    return a->accepted ? a : w;
}

static int index_of(const struct td_probe_run *p,
                    const struct td_probe_attempt *a)
{
    for (size_t i = 0; i < p->attempts.n; i++)
        if (p->attempts.v[i] == a)
            return (int)i;
    return -1;
}

/* Pick the best of the winners: the fix, and the rest as alternatives. */
static void choose(struct td_probe_run *p, struct td_probe_attempt **w,
                   size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (best < 0 || set_rank(&w[i]->ch) < set_rank(&w[best]->ch))
            best = (int)i;
    if (best < 0)
        return;
    p->fix = index_of(p, w[best]);
    for (size_t i = 0; i < n && p->n_alt < 8; i++)
        if ((int)i != best)
            p->alt[p->n_alt++] = index_of(p, w[i]);
}

/* ---- rounds ------------------------------------------------------------- */

static size_t round_single(struct td_probe_run *p,
                           struct td_probe_attempt **won, size_t cap)
{
    struct td_pc cs[12];
    size_t n = single_changes(p, cs, 12);
    struct td_probe_attempt *batch[12];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct td_pchanges ch = {.n = 1};
        ch.c[0] = cs[i];
        batch[k] = new_attempt(p, 1, &ch);
        if (batch[k])
            k++;
    }
    run_batch(p, batch, k);
    size_t nw = 0;
    for (size_t i = 0; i < k && nw < cap; i++)
        if (batch[i]->accepted)
            won[nw++] = batch[i];
    return nw;
}

/* All the changes of round 1 a device can make together (no TLS 1.3, no
 * SNI removal when a name can be set); with_tls13 adds TLS 1.3. */
static void combined(struct td_probe_run *p, bool with_tls13,
                     struct td_pchanges *ch)
{
    struct td_pc cs[12];
    size_t n = single_changes(p, cs, 12);
    bool sni_set = false;
    for (size_t i = 0; i < n; i++)
        sni_set |= cs[i].kind == TD_PC_SNI && cs[i].action == TD_PC_SET;
    memset(ch, 0, sizeof(*ch));
    for (size_t i = 0; i < n && ch->n < TD_PROBE_MAX_CHANGES; i++) {
        const struct td_pc *c = &cs[i];
        if (c->kind == TD_PC_SNI && c->action == TD_PC_REMOVE && sni_set)
            continue;
        if (c->kind == TD_PC_VERSIONS && c->action == TD_PC_ADD && !with_tls13)
            continue;
        if (c->kind == TD_PC_VERSIONS && c->action == TD_PC_SET && with_tls13)
            continue;
        ch->c[ch->n++] = *c;
    }
}

static bool same_set(const struct td_pchanges *a, const struct td_pchanges *b)
{
    return a->n == b->n && memcmp(a->c, b->c, a->n * sizeof(a->c[0])) == 0;
}

/* Round 3: everything together, then keep only what is needed. */
static struct td_probe_attempt *round_combined(struct td_probe_run *p)
{
    struct td_pchanges a28, a13;
    combined(p, false, &a28);
    combined(p, true, &a13);
    struct td_probe_attempt *batch[2];
    size_t k = 0;
    if (a28.n > 1)
        batch[k++] = new_attempt(p, 3, &a28);
    if (a13.n > 1 && !same_set(&a13, &a28))
        batch[k++] = new_attempt(p, 3, &a13);
    for (size_t i = 0; i < k; i++)
        if (!batch[i])
            return NULL;
    run_batch(p, batch, k);
    struct td_probe_attempt *w = NULL;
    for (size_t i = 0; i < k && !w; i++)
        if (batch[i]->accepted)
            w = batch[i];
    if (!w)
        return NULL;
    /* Leave each change out in turn: the ones whose absence makes the
     * server refuse again are the ones needed. */
    struct td_probe_attempt *lo[TD_PROBE_MAX_CHANGES];
    size_t nl = 0;
    for (uint8_t i = 0; i < w->ch.n; i++) {
        struct td_pchanges ch = {0};
        for (uint8_t j = 0; j < w->ch.n; j++)
            if (j != i)
                ch.c[ch.n++] = w->ch.c[j];
        lo[nl] = new_attempt(p, 3, &ch);
        if (lo[nl])
            nl++;
    }
    run_batch(p, lo, nl);
    struct td_pchanges need = {0};
    for (size_t i = 0; i < nl; i++)
        if (!lo[i]->accepted && lo[i]->rc != TD_ERR_LIMIT)
            need.c[need.n++] = w->ch.c[i];
    if (need.n == 0 || need.n == w->ch.n)
        return shrink(p, w, 3);
    struct td_probe_attempt *r = new_attempt(p, 3, &need);
    if (!r)
        return w;
    run_batch(p, &r, 1);
    if (!r->accepted)
        return shrink(p, w, 3);
    return shrink(p, r, 3);
}

/* Round 4: each other extension removed in turn. */
static size_t round_extensions(struct td_probe_run *p,
                               struct td_probe_attempt **won, size_t cap)
{
    static const uint16_t covered[] = {TD_HB_EXT_SERVER_NAME,
                                       TD_HB_EXT_MAX_FRAGMENT_LENGTH,
                                       TD_HB_EXT_SUPPORTED_GROUPS,
                                       TD_HB_EXT_SIGNATURE_ALGORITHMS,
                                       TD_HB_EXT_SUPPORTED_VERSIONS,
                                       TD_HB_EXT_KEY_SHARE,
                                       TD_HB_EXT_PSK_KEY_EXCHANGE_MODES,
                                       0xff01 /* renegotiation_info */};
    struct td_hb_hello h;
    if (base_hello(p, &h)) {
        td_hb_free(&h);
        return 0;
    }
    struct td_probe_attempt *batch[64];
    size_t k = 0;
    for (size_t i = 0; i < h.n_exts && k < 64; i++) {
        uint16_t t = h.exts[i].type;
        bool skip = td_reg_is_grease(t);
        for (size_t j = 0; j < sizeof(covered) / sizeof(covered[0]); j++)
            skip |= covered[j] == t;
        for (size_t j = 0; j < k; j++)
            skip |= batch[j]->ch.c[0].v[0] == t;
        if (skip)
            continue;
        struct td_pchanges ch = {.n = 1};
        ch.c[0].kind = TD_PC_EXTENSION;
        ch.c[0].action = TD_PC_REMOVE;
        ch.c[0].n = 1;
        ch.c[0].v[0] = t;
        batch[k] = new_attempt(p, 4, &ch);
        if (batch[k])
            k++;
    }
    td_hb_free(&h);
    run_batch(p, batch, k);
    size_t nw = 0;
    for (size_t i = 0; i < k && nw < cap; i++)
        if (batch[i]->accepted)
            won[nw++] = batch[i];
    return nw;
}

/* A TLS 1.3 winner answered with a HelloRetryRequest for a group we can
 * make a share for: send the same changes with that share, so the
 * server's flight (certificates) can be read. */
static void settle_hrr(struct td_probe_run *p, int *slot)
{
    struct td_probe_attempt *w = *slot >= 0 ? p->attempts.v[*slot] : NULL;
    const struct td_handshake *hs = w ? w->pn.hs : NULL;
    if (!hs || !hs->hrr || !hs->hrr->has_key_share_group)
        return;
    uint16_t g = hs->hrr->key_share_group;
    if (g != TD_TLS13_GROUP_X25519 && g != TD_TLS13_GROUP_SECP256R1)
        return;
    struct td_pchanges ch = w->ch;
    bool changed = false;
    for (uint8_t i = 0; i < ch.n; i++)
        if (ch.c[i].kind == TD_PC_VERSIONS && ch.c[i].action == TD_PC_ADD &&
            ch.c[i].v[0] != g) {
            ch.c[i].v[0] = g;
            changed = true;
        }
    if (!changed)
        return;
    struct td_probe_attempt *a = new_attempt(p, w->round, &ch);
    if (!a)
        return;
    run_batch(p, &a, 1);
    if (a->accepted && a->pn.hs && a->pn.hs->sh)
        *slot = (int)p->attempts.n - 1;
}

int td_probe_search(struct td_probe_run *p)
{
    int rc = setup(p);
    if (rc)
        return rc;
    struct td_probe_attempt *base = new_attempt(p, 0, NULL);
    if (!base)
        return TD_ERR_NOMEM;
    run_batch(p, &base, 1);
    p->base = 0;
    if (base->rc == TD_ERR_NETWORK) {
        p->network_error = true;
        return TD_ERR_NETWORK;
    }
    if (base->rc)
        return base->rc;
    if (base->accepted)
        return TD_OK;
    if (base->pn.result == TD_PN_TIMEOUT) {
        /* A server that keeps silent (or too slow) to the device's hello
         * will not do better with a variant; each would cost a whole
         * timeout. */
        p->stopped_silent = true;
        return TD_OK;
    }
    struct td_probe_attempt *won[16];
    size_t nw = round_single(p, won, 16);
    if (nw) {
        for (size_t i = 0; i < nw; i++)
            won[i] = shrink(p, won[i], 2);
        choose(p, won, nw);
        settle_hrr(p, &p->fix);
        return TD_OK;
    }
    struct td_probe_attempt *w = round_combined(p);
    if (w) {
        choose(p, &w, 1);
        settle_hrr(p, &p->fix);
        return TD_OK;
    }
    nw = round_extensions(p, won, 16);
    if (nw)
        choose(p, won, nw);
    settle_hrr(p, &p->fix);
    return TD_OK;
}

const char *td_probe_cause(const struct td_pc *c,
                           const struct td_client_hello *device)
{
    switch (c->kind) {
    case TD_PC_SNI:
        if (c->action == TD_PC_SET && !(device && device->sni))
            return "sni_missing";
        return "sni_wrong";
    case TD_PC_SUITES:
        return "no_shared_cipher";
    case TD_PC_GROUPS:
        return "no_shared_curve";
    case TD_PC_SIGALGS:
        return "no_shared_sigalg";
    case TD_PC_VERSIONS:
        return "version_mismatch";
    case TD_PC_MFL:
        return "max_fragment_length";
    case TD_PC_EXTENSION:
        return "extension_rejected";
    }
    return "unexplained";
}
