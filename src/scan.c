/* scan.c - the scan engine: which versions, suites, groups, signature
 * schemes, certificates, SNI answers and fragment-size extensions a
 * server accepts.
 *
 * Implementation notes:
 * - Elimination (struct chain): offer every candidate, take the one the
 *   server picked out, offer the rest, until the server refuses.  Each
 *   step is one connection; n accepted values cost n + 1.  The picks come
 *   in the order the server chose them, which is its preference unless it
 *   follows the client's order (RFC 5246 7.4.1.2: "the server ... chooses
 *   from the list"; the order is the client's preference, the server may
 *   ignore it).  chain_order() tells which, for free when the picks
 *   already contradict our offer order, else with one reversed pair.
 * - Phase 1 sends two hellos at once: one TLS 1.3 only (supported_versions
 *   {0x0304}, RFC 8446 4.2.1), one TLS 1.2 without supported_versions.
 *   They are the first steps of the two suite chains and tell whether the
 *   server answers TLS at all; without any TLS answer the scan stops
 *   (one timeout at most for a silent server).
 * - Phase 2 runs every other chain in its own thread; the gate bounds the
 *   connections in flight (parallel), spaces them (delay) and counts them
 *   against the budget (max_connections).  td_pn_probe has no global
 *   state; the result struct is shared and guarded by one mutex (its
 *   arena, log, notes, connection count); each chain writes only its own
 *   fields otherwise.
 * - A server that chokes on a hello carrying every suite (~350, 700
 *   bytes) gets the list in chunks of SPLIT_CHUNK: each chunk is
 *   eliminated alone, then the union once more for the order.
 */
#include "scan_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlsdiag/err.h"
#include "tlsdiag/probenet.h"
#include "tlsdiag/registry.h"
#include "tlsdiag/tls13.h"

#define SPLIT_CHUNK 64u
#define MAX_SHARE 160u          /* a P-521 point is 133 bytes */
#define MAX_NOTES 64u
#define MAX_LOG 4096u

struct scan {
    const struct td_scan_opts *o;
    struct td_scan_result *r;
    struct td_pn_opts pn;
    struct scan_lists l;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned active, parallel;
    uint64_t next_start;        /* earliest start of the next connection */
    /* TLS 1.3 key share of the phase-2 hellos: x25519 unless the server
     * asked for another group we can make a key for. */
    struct td_tls13_ks x25519;
    struct td_tls13_ks p256;        /* when the server asks for secp256r1 */
    bool have_p256;
    const struct td_tls13_ks *share_ks; /* behind share; NULL: no private
                                           half (no decryption) */
    struct td_scan_chain certs13;   /* the TLS 1.3 hello's certificates */
    uint16_t share_group;
    uint8_t share[MAX_SHARE];
    size_t share_len;
    /* phase 1 */
    uint16_t legacy_max;        /* version of the TLS <= 1.2 answer; 0 */
    bool has13;
    /* The full TLS 1.2 list was too much for the server: TLS 1.2 hellos
     * offer only the suites it accepted. */
    bool small;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ------------------------------------------------------------------ */
/* shared result: notes, log, certificates (under s->mu) */

static void note(struct scan *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct scan *s, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->mu);
    struct td_scan_result *r = s->r;
    for (size_t i = 0; i < r->notes.n; i++)
        if (strcmp(r->notes.v[i], buf) == 0)
            goto out;
    if (r->notes.n < MAX_NOTES) {
        char *t = td_arena_strndup(&r->arena, buf, strlen(buf));
        const char **slot = t ? TD_PUSH(&r->arena, r->notes) : NULL;
        if (slot)
            *slot = t;
    }
out:
    pthread_mutex_unlock(&s->mu);
}

static void log_conn(struct scan *s, const char *purpose, size_t offered,
                     const struct td_scan_answer *a)
{
    pthread_mutex_lock(&s->mu);
    struct td_scan_result *r = s->r;
    if (r->log.n < MAX_LOG) {
        struct td_scan_conn *c = TD_PUSH(&r->arena, r->log);
        if (c) {
            c->purpose = td_arena_strndup(&r->arena, purpose,
                                          strlen(purpose));
            c->offered = offered;
            c->answer = *a;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static const char *adup(struct td_arena *a, const char *p)
{
    return p ? td_arena_strndup(a, p, strlen(p)) : NULL;
}

/* Copy a decoded chain into the result's arena. */
static void copy_chain(struct scan *s, const td_certvec *in,
                       struct td_scan_chain *out)
{
    pthread_mutex_lock(&s->mu);
    struct td_arena *ar = &s->r->arena;
    out->n = 0;
    out->v = in->n ? td_arena_alloc(ar, in->n * sizeof(*out->v)) : NULL;
    for (size_t i = 0; out->v && i < in->n; i++) {
        const struct td_cert *c = &in->v[i];
        struct td_scan_cert *d = &out->v[out->n++];
        d->subject = adup(ar, c->subject);
        d->issuer = adup(ar, c->issuer);
        d->key = adup(ar, c->key);
        d->not_before = adup(ar, c->not_before);
        d->not_after = adup(ar, c->not_after);
        d->sig_alg = adup(ar, c->sig_alg);
        d->der_len = c->der_len;
        d->is_ca = c->is_ca;
        d->parsed = c->parsed;
        d->san = c->san.n ? td_arena_alloc(ar, c->san.n * sizeof(char *))
                          : NULL;
        for (size_t k = 0; d->san && k < c->san.n; k++)
            d->san[d->n_san++] = adup(ar, c->san.v[k]);
    }
    pthread_mutex_unlock(&s->mu);
}

/* Same leaf certificate (as far as the decoded fields tell). */
static bool same_leaf(const struct td_scan_chain *a,
                      const struct td_scan_chain *b)
{
    if (!a->n || !b->n)
        return false;
    const struct td_scan_cert *x = &a->v[0], *y = &b->v[0];
    return x->der_len == y->der_len && x->subject && y->subject
           && strcmp(x->subject, y->subject) == 0 && x->not_after
           && y->not_after && strcmp(x->not_after, y->not_after) == 0;
}

/* ------------------------------------------------------------------ */
/* the gate: parallelism, delay, budget */

static bool gate_enter(struct scan *s)
{
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->o->max_connections
            && s->r->connections >= s->o->max_connections) {
            s->r->budget_hit = true;
            pthread_mutex_unlock(&s->mu);
            return false;
        }
        if (s->active < s->parallel)
            break;
        pthread_cond_wait(&s->cv, &s->mu);
    }
    s->r->connections++;
    s->active++;
    uint64_t wait = 0, t = now_ms();
    if (s->next_start > t)
        wait = s->next_start - t;
    pthread_mutex_unlock(&s->mu);
    if (wait)
        sleep_ms(wait);
    return true;
}

static void gate_leave(struct scan *s)
{
    pthread_mutex_lock(&s->mu);
    s->active--;
    if (s->o->delay_ms)
        s->next_start = now_ms() + s->o->delay_ms;
    /* every waiter: some may find the budget spent and leave */
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* ------------------------------------------------------------------ */
/* one connection */

static void reduce(const struct td_pn_attempt *a, int rc,
                   struct td_scan_answer *x)
{
    memset(x, 0, sizeof(*x));
    x->result = a->result;
    x->alert = a->alert;
    x->elapsed_ms = a->elapsed_ms;
    if (rc == TD_ERR_NETWORK) {
        x->no_connection = true;
        x->unresolved = a->address[0] == '\0';
        if (x->unresolved)
            x->result = TD_PN_TIMEOUT;
        x->alert = -1;
        return;
    }
    x->http = a->result == TD_PN_NOT_TLS && a->rx && a->received >= 5
              && memcmp(a->rx, "HTTP/", 5) == 0;
    const struct td_handshake *hs = a->hs;
    if (!hs)
        return;
    const struct td_server_hello *sh = hs->hrr ? hs->hrr : hs->sh;
    if (sh) {
        x->version = sh->selected_version ? sh->selected_version
                                          : sh->version;
        x->has_suite = sh->has_cipher_suite;
        x->suite = sh->cipher_suite;
        x->hrr = hs->hrr != NULL;
        if (sh->has_key_share_group)
            x->key_share_group = sh->key_share_group;
    }
    if (hs->ske.present) {
        x->ske_group = hs->ske.group;
        x->ske_sigalg = hs->ske.sigalg;
    }
    x->cv_sigalg = hs->cert_verify_sigalg;
    x->decrypted = a->tls13_decrypted;
}

/* Send h on a new connection and reduce the answer.  TD_OK: *a and *ans
 * are filled (a->hs is NULL when no connection was made; free *a with
 * td_pn_attempt_free); TD_ERR_LIMIT: the budget is spent, nothing sent;
 * TD_ERR_NOMEM, or the hello's build error. */
static int scan_probe(struct scan *s, const char *purpose, size_t offered,
                      const struct td_hb_hello *h,
                      const struct td_tls13_ks *ks, struct td_pn_attempt *a,
                      struct td_scan_answer *ans)
{
    uint8_t *rec = NULL;
    size_t n = 0;
    memset(a, 0, sizeof(*a));
    int rc = td_hb_record(h, &rec, &n);
    if (rc)
        return rc;
    if (!gate_enter(s)) {
        free(rec);
        return TD_ERR_LIMIT;
    }
    struct td_pn_opts pn = s->pn;
    if (ks) {
        pn.key_shares = ks;
        pn.n_key_shares = 1;
    }
    rc = td_pn_probe(&pn, rec, n, a);
    gate_leave(s);
    free(rec);
    if (rc && rc != TD_ERR_NETWORK)
        return rc;
    reduce(a, rc, ans);
    pthread_mutex_lock(&s->mu);
    if (a->address[0] && !s->r->address[0])
        snprintf(s->r->address, sizeof(s->r->address), "%s", a->address);
    if (ans->decrypted)
        s->r->tls13_decrypt = true;
    pthread_mutex_unlock(&s->mu);
    log_conn(s, purpose, offered, ans);
    return TD_OK;
}

/* A probe whose attempt is not needed beyond its answer. */
static int probe_hello(struct scan *s, const char *purpose, size_t offered,
                       const struct scan_hello_spec *sp,
                       struct td_pn_attempt *a, struct td_scan_answer *ans)
{
    struct td_hb_hello h;
    int rc = td_scan_build_hello(sp, &h);
    const struct td_tls13_ks *ks = sp->version == 0x0304 && sp->share
                                           && sp->share_len
                                       ? sp->share_ks : NULL;
    if (!rc)
        rc = scan_probe(s, purpose, offered, &h, ks, a, ans);
    td_hb_free(&h);
    /* A spent budget is said once, by r->budget_hit. */
    if (rc && rc != TD_ERR_LIMIT)
        note(s, "%s: %s", purpose, td_strerror(rc));
    return rc;
}

/* An answer that ends an elimination cleanly: the server refused
 * (alert, close, reset) or chose something outside the test. */
static bool clean_end(const struct td_scan_answer *a)
{
    return !a->no_connection
           && (a->result == TD_PN_ALERT || a->result == TD_PN_SERVER_HELLO
               || a->result == TD_PN_CLOSED || a->result == TD_PN_RESET);
}

/* ------------------------------------------------------------------ */
/* elimination chains */

struct chain;
typedef void (*chain_spec_fn)(struct chain *c, const uint16_t *v, size_t n,
                              struct scan_hello_spec *sp);
typedef bool (*chain_pick_fn)(struct chain *c,
                              const struct td_scan_answer *a, uint16_t *v);
typedef void (*chain_seen_fn)(struct chain *c, const struct td_pn_attempt *a,
                              const struct td_scan_answer *ans);

struct chain {
    struct scan *s;
    char label[48];
    struct td_scan_list *out;
    uint16_t cand[TD_SCAN_MAX_LIST];    /* still offered, offer order */
    size_t n;
    uint16_t first[TD_SCAN_MAX_LIST];   /* the first offer */
    size_t n_first;
    chain_spec_fn spec;
    chain_pick_fn pick;
    chain_seen_fn seen;                 /* optional */
    uint16_t version;
    int key;                            /* enum td_scan_keytype */
    bool empty_share;                   /* TLS 1.3 groups: no key share */
    uint8_t kind;                       /* enum td_reg_kind of the values */
    bool decrypted;                     /* a TLS 1.3 flight was read */
    uint16_t aux[TD_SCAN_MAX_LIST];     /* fixed list the spec offers */
    size_t n_aux;
    unsigned steps;
    bool stopped, done;
};

enum { STEP_PICKED, STEP_END, STEP_STOP };

static void chain_init(struct chain *c, struct scan *s, const char *label,
                       struct td_scan_list *out, const uint16_t *cand,
                       size_t n)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    snprintf(c->label, sizeof(c->label), "%s", label);
    c->out = out;
    if (n > TD_SCAN_MAX_LIST)
        n = TD_SCAN_MAX_LIST;
    memcpy(c->cand, cand, n * sizeof(*cand));
    memcpy(c->first, cand, n * sizeof(*cand));
    c->n = c->n_first = n;
}

/* Start again on new candidates, keeping the callbacks and settings;
 * out is cleared. */
static void chain_restart(struct chain *c, struct td_scan_list *out,
                          const uint16_t *cand, size_t n)
{
    if (n > TD_SCAN_MAX_LIST)
        n = TD_SCAN_MAX_LIST;
    memset(out, 0, sizeof(*out));
    c->out = out;
    memmove(c->cand, cand, n * sizeof(*cand));
    memcpy(c->first, c->cand, n * sizeof(*cand));
    c->n = c->n_first = n;
    c->steps = 0;
    c->stopped = c->done = false;
}

static size_t index_of(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return i;
    return SIZE_MAX;
}

/* Probe once offering v[0..n); *picked set when the server picked. */
static int chain_probe(struct chain *c, const char *purpose,
                       const uint16_t *v, size_t n, bool *picked,
                       uint16_t *pick, struct td_scan_answer *ans)
{
    struct scan_hello_spec sp;
    memset(&sp, 0, sizeof(sp));
    c->spec(c, v, n, &sp);
    struct td_pn_attempt a;
    int rc = probe_hello(c->s, purpose, n, &sp, &a, ans);
    if (rc)
        return rc;
    c->out->connections++;
    if (c->seen)
        c->seen(c, &a, ans);
    *picked = c->pick(c, ans, pick);
    td_pn_attempt_free(&a);
    return TD_OK;
}

/* One elimination step. */
static int chain_step(struct chain *c)
{
    struct td_scan_list *L = c->out;
    if (c->done)
        return STEP_END;
    if (c->stopped)
        return STEP_STOP;
    if (c->n == 0) {            /* every candidate was accepted */
        L->complete = true;
        c->done = true;
        return STEP_END;
    }
    char purpose[64];
    snprintf(purpose, sizeof(purpose), "%s #%u", c->label, c->steps + 1);
    bool picked = false;
    uint16_t v = 0;
    struct td_scan_answer ans;
    if (c->steps == 0)
        L->offered = c->n;
    int rc = chain_probe(c, purpose, c->cand, c->n, &picked, &v, &ans);
    if (rc) {
        c->stopped = true;
        return STEP_STOP;
    }
    c->steps++;
    if (!picked) {
        L->end = ans;
        L->complete = clean_end(&ans);
        c->done = true;
        return STEP_END;
    }
    size_t i = index_of(c->cand, c->n, v);
    if (i == SIZE_MAX) {
        char nb[TD_REG_NAMEBUF];
        note(c->s, "%s: the server chose 0x%04x (%s), which was not offered "
             "(any more); the list stops there", c->label, v,
             td_reg_name((enum td_reg_kind)c->kind, v, nb));
        L->end = ans;
        c->stopped = true;
        return STEP_STOP;
    }
    memmove(c->cand + i, c->cand + i + 1, (c->n - i - 1) * sizeof(*c->cand));
    c->n--;
    if (L->n < TD_SCAN_MAX_LIST)
        L->v[L->n++] = v;
    return STEP_PICKED;
}

/* Whose order the server follows (see the top of the file). */
static void chain_order(struct chain *c)
{
    struct td_scan_list *L = c->out;
    if (L->n < 2)
        return;
    for (size_t i = 1; i < L->n; i++) {
        if (index_of(c->first, c->n_first, L->v[i])
            < index_of(c->first, c->n_first, L->v[i - 1])) {
            L->order = TD_SCAN_ORDER_SERVER;
            return;
        }
    }
    uint16_t pair[2] = {L->v[1], L->v[0]};
    char purpose[64];
    snprintf(purpose, sizeof(purpose), "%s, order", c->label);
    bool picked = false;
    uint16_t v = 0;
    struct td_scan_answer ans;
    if (chain_probe(c, purpose, pair, 2, &picked, &v, &ans))
        return;
    if (picked && v == pair[0])
        L->order = TD_SCAN_ORDER_CLIENT;
    else if (picked && v == pair[1])
        L->order = TD_SCAN_ORDER_SERVER;
}

static void chain_finish(struct chain *c)
{
    struct td_scan_list *L = c->out;
    if (L->n)
        L->state = TD_SCAN_YES;
    else if (c->done && L->complete)
        L->state = TD_SCAN_NO;
    else
        L->state = TD_SCAN_UNKNOWN;
}

static void chain_run(struct chain *c, bool order)
{
    while (chain_step(c) == STEP_PICKED)
        ;
    if (order && !c->stopped)
        chain_order(c);
    chain_finish(c);
}

/* Answers that hint at a hello too large for the server (or a middlebox):
 * silence, a close, a reset, or a complaint about the hello's form. */
static bool odd_answer(const struct td_scan_answer *a)
{
    if (a->result == TD_PN_ALERT)
        return a->alert == 50 || a->alert == 47 || a->alert == 22;
    return a->result == TD_PN_CLOSED || a->result == TD_PN_RESET
           || a->result == TD_PN_TIMEOUT;
}

/* Eliminate chunk by chunk, then the union again for the order. */
static void chain_run_split(struct chain *c, bool order)
{
    struct chain *sub = malloc(sizeof(*sub));
    struct td_scan_list *tmp = malloc(sizeof(*tmp));
    uint16_t *all = malloc(TD_SCAN_MAX_LIST * sizeof(*all));
    size_t n_all = 0;
    if (!sub || !tmp || !all) {
        note(c->s, "%s: out of memory", c->label);
        goto out;
    }
    note(c->s, "%s: the server did not answer a hello with %zu values; "
         "offered %u at a time", c->label, c->n_first, SPLIT_CHUNK);
    unsigned spent = c->out->connections;
    for (size_t off = 0; off < c->n_first; off += SPLIT_CHUNK) {
        size_t k = c->n_first - off < SPLIT_CHUNK ? c->n_first - off
                                                  : SPLIT_CHUNK;
        *sub = *c;
        chain_restart(sub, tmp, c->first + off, k);
        snprintf(sub->label, sizeof(sub->label), "%.30s (part %u)", c->label,
                 (unsigned)(off / SPLIT_CHUNK + 1) % 100u);
        chain_run(sub, false);
        spent += tmp->connections;
        for (size_t i = 0; i < tmp->n && n_all < TD_SCAN_MAX_LIST; i++)
            all[n_all++] = tmp->v[i];
        if (sub->stopped)
            break;
    }
    struct td_scan_list *L = c->out;
    chain_restart(c, L, all, n_all);
    if (n_all)
        chain_run(c, order);
    else
        chain_finish(c);
    L->connections += spent;
out:
    free(sub);
    free(tmp);
    free(all);
}

/* ------------------------------------------------------------------ */
/* hello specs of the chains */

static bool old_version(uint16_t v)
{
    return v < 0x0303;
}

/* The suites a hello of version offers in full (see `small`). */
static void suite_source(struct scan *s, uint16_t version,
                         const uint16_t **v, size_t *n)
{
    const struct td_scan_list *acc = &s->r->versions[3].suites;
    if (version == 0x0304) {
        *v = s->l.suites13;
        *n = s->l.n_suites13;
    } else if (version == 0x0303 && s->small && acc->n) {
        *v = acc->v;
        *n = acc->n;
    } else if (old_version(version)) {
        *v = s->l.suites_old;
        *n = s->l.n_suites_old;
    } else {
        *v = s->l.suites12;
        *n = s->l.n_suites12;
    }
}

/* What every hello of the scan carries; the chains change one list. */
static void base_spec(struct scan *s, uint16_t version,
                      struct scan_hello_spec *sp)
{
    memset(sp, 0, sizeof(*sp));
    sp->version = version;
    sp->sni = s->o->sni;
    sp->sigalgs = s->l.sigalgs;
    sp->n_sigalgs = s->l.n_sigalgs;
    suite_source(s, version, &sp->suites, &sp->n_suites);
    if (version == 0x0304) {
        sp->groups = s->l.groups_all;
        sp->n_groups = s->l.n_groups_all;
        sp->share_group = s->share_group;
        sp->share = s->share;
        sp->share_len = s->share_len;
        sp->share_ks = s->share_ks;
    } else {
        sp->groups = s->l.groups_ec;
        sp->n_groups = s->l.n_groups_ec;
    }
}

static void spec_suites(struct chain *c, const uint16_t *v, size_t n,
                        struct scan_hello_spec *sp)
{
    base_spec(c->s, c->version, sp);
    sp->suites = v;
    sp->n_suites = n;
}

static bool pick_suite(struct chain *c, const struct td_scan_answer *a,
                       uint16_t *v)
{
    if (a->result != TD_PN_SERVER_HELLO || a->version != c->version
        || !a->has_suite)
        return false;
    *v = a->suite;
    return true;
}

/* The first hello of a version: the version's answer, and for the TLS
 * 1.2 hello the certificates the scan's name gets. */
static void seen_version(struct chain *c, const struct td_pn_attempt *a,
                         const struct td_scan_answer *ans)
{
    if (c->steps != 0)
        return;
    struct scan *s = c->s;
    int vi = td_scan_version_index(c->version);
    s->r->versions[vi].answer = *ans;
    if (c->version == 0x0303 && ans->result == TD_PN_SERVER_HELLO
        && ans->version <= 0x0303 && a->hs) {
        copy_chain(s, &a->hs->certs, &s->r->default_certs);
        s->r->default_version = ans->version;
    }
    if (c->version == 0x0304 && ans->decrypted && a->hs)
        copy_chain(s, &a->hs->certs, &s->certs13);
}

static void version_state(struct chain *c)
{
    struct td_scan_version *V =
        &c->s->r->versions[td_scan_version_index(c->version)];
    const struct td_scan_answer *a = &V->answer;
    /* Two ways to a yes, the order mattering: a suite was named, or
     * (after a test) the server chose a suite we cannot name. */
    if (c->out->n)
        V->state = TD_SCAN_YES; /* NOLINT(bugprone-branch-clone) */
    else if (c->steps == 0)
        V->state = TD_SCAN_UNTESTED;
    else if (a->result == TD_PN_SERVER_HELLO && a->version == c->version)
        V->state = TD_SCAN_YES;     /* chose a suite we cannot name */
    else if (clean_end(a))
        V->state = TD_SCAN_NO;
    else
        V->state = TD_SCAN_UNKNOWN;
}

static void version_chain_init(struct chain *c, struct scan *s, uint16_t v)
{
    struct td_scan_version *V = &s->r->versions[td_scan_version_index(v)];
    char nb[TD_REG_NAMEBUF], label[48];
    snprintf(label, sizeof(label), "suites %s",
             td_reg_name(TD_REG_VERSION, v, nb));
    struct scan_hello_spec sp;
    base_spec(s, v, &sp);
    chain_init(c, s, label, &V->suites, sp.suites, sp.n_suites);
    c->version = v;
    c->spec = spec_suites;
    c->pick = pick_suite;
    c->seen = seen_version;
}

/* The rest of a version's chain after its first step. */
static void version_chain_rest(struct chain *c)
{
    const struct td_scan_answer *a =
        &c->s->r->versions[td_scan_version_index(c->version)].answer;
    if (c->steps == 1 && c->out->n == 0 && odd_answer(a)
        && c->n_first > SPLIT_CHUNK && !c->stopped) {
        c->seen = NULL;
        chain_run_split(c, true);
    } else {
        chain_run(c, true);
    }
    version_state(c);
}

/* ------------------------------------------------------------------ */
/* phase 1 */

struct job {
    void (*fn)(struct scan *s, void *arg);
    struct scan *s;
    void *arg;
    pthread_t t;
    bool threaded;
};

static void *job_main(void *p)
{
    struct job *j = p;
    j->fn(j->s, j->arg);
    return NULL;
}

/* Run jobs at once (each in a thread; inline when a thread cannot be
 * made) and wait for all. */
static void run_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        jobs[i].threaded =
            pthread_create(&jobs[i].t, NULL, job_main, &jobs[i]) == 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].threaded)
            pthread_join(jobs[i].t, NULL);
        else
            jobs[i].fn(jobs[i].s, jobs[i].arg);
    }
}

static void job_first_step(struct scan *s, void *arg)
{
    (void)s;
    (void)chain_step(arg);
}

static bool tls_answer(const struct td_scan_answer *a)
{
    return a->result == TD_PN_ALERT || a->result == TD_PN_SERVER_HELLO;
}

/* Which failure says most about an unreachable server. */
static int failure_rank(const struct td_scan_answer *a)
{
    if (a->unresolved)
        return 5;
    if (a->result == TD_PN_NOT_TLS)
        return 4;
    if (a->result == TD_PN_CLOSED)
        return 3;
    if (a->result == TD_PN_RESET)
        return 2;
    return 1;
}

static void phase1_facts(struct scan *s)
{
    struct td_scan_result *r = s->r;
    const struct td_scan_answer *a12 = &r->versions[3].answer;
    const struct td_scan_answer *a13 = &r->versions[4].answer;
    r->reached = tls_answer(a12) || tls_answer(a13);
    r->first = failure_rank(a13) > failure_rank(a12) ? *a13 : *a12;
    if (a12->result == TD_PN_SERVER_HELLO && a12->version >= 0x0300
        && a12->version <= 0x0303 && a12->has_suite) {
        s->legacy_max = a12->version;
    }
    if (a13->result == TD_PN_SERVER_HELLO && a13->version == 0x0304
        && a13->has_suite) {
        s->has13 = true;
        r->x25519_share = a13->hrr ? TD_SCAN_NO : TD_SCAN_YES;
        if (a13->hrr)
            r->hrr_group = a13->key_share_group;
    }
    if (!s->legacy_max && s->certs13.n) {
        r->default_certs = s->certs13;
        r->default_version = 0x0304;
    }
}

/* ------------------------------------------------------------------ */
/* key shares */

/* A public key for group g (RFC 8446 4.2.8.2: x25519 32 bytes, NIST
 * curves an uncompressed point), made with mbedcrypto; the private half
 * is dropped: without decryption the scan only reads the plaintext
 * answer.  false when the library has no such curve. */
static bool make_share(uint16_t g, uint8_t *out, size_t cap, size_t *len)
{
    struct td_tls13_ks ks;
    if ((g == TD_TLS13_GROUP_X25519 || g == TD_TLS13_GROUP_SECP256R1)
        && td_tls13_keyshare_init(&ks, g, td_scan_rng, NULL) == TD_OK) {
        bool ok = ks.pub_len <= cap;
        if (ok) {
            memcpy(out, ks.pub, ks.pub_len);
            *len = ks.pub_len;
        }
        td_tls13_keyshare_free(&ks);
        return ok;
    }
    return td_scan_ec_share(g, out, cap, len);
}

/* A TLS 1.3-only server that asked for another group in phase 1 showed
 * no certificate: one hello with the new share, for the SNI tests to
 * compare with. */
static void baseline13(struct scan *s)
{
    struct scan_hello_spec sp;
    base_spec(s, 0x0304, &sp);
    struct td_pn_attempt a;
    struct td_scan_answer ans;
    if (probe_hello(s, "certificate of the scan's name", sp.n_suites, &sp,
                    &a, &ans))
        return;
    if (ans.decrypted && a.hs) {
        copy_chain(s, &a.hs->certs, &s->r->default_certs);
        s->r->default_version = 0x0304;
    }
    td_pn_attempt_free(&a);
}

/* After phase 1: the key share the TLS 1.3 hellos of phase 2 carry. */
static void choose_share(struct scan *s)
{
    uint16_t want = s->r->hrr_group;
    if (want == TD_TLS13_GROUP_SECP256R1
        && td_tls13_keyshare_init(&s->p256, want, td_scan_rng, NULL)
               == TD_OK) {
        s->have_p256 = true;
        memcpy(s->share, s->p256.pub, s->p256.pub_len);
        s->share_len = s->p256.pub_len;
        s->share_group = want;
        s->share_ks = &s->p256;
        return;
    }
    char nb[TD_REG_NAMEBUF];
    if (want && make_share(want, s->share, sizeof(s->share),
                           &s->share_len)) {
        s->share_group = want;
        s->share_ks = NULL;         /* no private half kept */
        note(s, "TLS 1.3: the server asks for %s; the scan reads encrypted "
             "flights (certificates, CertificateVerify, EncryptedExtensions) "
             "with x25519 and secp256r1 shares only",
             td_reg_name(TD_REG_GROUP, want, nb));
        return;
    }
    if (want) {
        note(s, "TLS 1.3: the server asks for %s, for which the scan "
             "cannot make a key share; what needs a full TLS 1.3 "
             "ServerHello (certificates per key type, SNI, extensions) "
             "is not known", td_reg_name(TD_REG_GROUP, want, nb));
    }
}

/* ------------------------------------------------------------------ */
/* phase 2 jobs */

static void job_version_rest(struct scan *s, void *arg)
{
    (void)s;
    version_chain_rest(arg);
}

/* A hello refused outright: an alert that is not about its form. */
static bool refusal(const struct td_scan_answer *a)
{
    return a->result == TD_PN_ALERT && !odd_answer(a);
}

/* Versions below TLS 1.2, highest first, each hello the first step of
 * its suite list.  A server answers with the highest version it has up
 * to the client's (RFC 5246 E.1, RFC 4346 E.1, RFC 2246 E.1), so a hello
 * it refuses outright tells that no lower version is there either: those
 * are marked refused without a connection of their own. */
static void job_old_versions(struct scan *s, void *arg)
{
    struct chain *v = arg;          /* the five version chains */
    const struct td_scan_answer *no = NULL;
    uint16_t no_from = 0;
    if (refusal(&s->r->versions[3].answer)) {
        no = &s->r->versions[3].answer;
        no_from = 0x0303;
    }
    for (int i = 2; i >= 0; i--) {
        struct td_scan_version *V = &s->r->versions[i];
        version_chain_init(&v[i], s, V->version);
        if (no) {
            V->state = TD_SCAN_NO;
            V->answer = *no;
            V->inferred_from = no_from;
            continue;
        }
        (void)chain_step(&v[i]);
        version_chain_rest(&v[i]);
        if (v[i].steps && refusal(&V->answer)) {
            no = &V->answer;
            no_from = V->version;
        }
    }
}

static void spec_groups12(struct chain *c, const uint16_t *v, size_t n,
                          struct scan_hello_spec *sp)
{
    base_spec(c->s, c->version, sp);
    sp->suites = c->aux;
    sp->n_suites = c->n_aux;
    sp->groups = v;
    sp->n_groups = n;
}

static bool pick_ske_group(struct chain *c, const struct td_scan_answer *a,
                           uint16_t *v)
{
    if (a->result != TD_PN_SERVER_HELLO || a->version != c->version
        || !a->ske_group)
        return false;
    *v = a->ske_group;
    return true;
}

/* TLS <= 1.2 curves: ECDHE suites only, so every ServerHello names its
 * curve in the ServerKeyExchange (RFC 8422 5.4). */
static void job_groups12(struct scan *s, void *arg)
{
    struct chain *c = arg;
    chain_init(c, s, "groups TLS <= 1.2", &s->r->groups12, s->l.groups_ec,
               s->l.n_groups_ec);
    c->kind = TD_REG_GROUP;
    c->version = s->legacy_max;
    const uint16_t *src;
    size_t n_src;
    suite_source(s, s->legacy_max, &src, &n_src);
    c->n_aux = td_scan_suites_ecdhe(src, n_src, c->aux, TD_SCAN_MAX_LIST);
    c->spec = spec_groups12;
    c->pick = pick_ske_group;
    if (c->n_aux) {
        chain_run(c, true);
        return;
    }
    /* only when TLS 1.2 hellos carry the accepted suites (small) */
    c->out->state = TD_SCAN_NO;
    c->out->complete = true;
    note(s, "TLS 1.2: no ECDHE suite is accepted, so no curve is used");
}

static void spec_groups13(struct chain *c, const uint16_t *v, size_t n,
                          struct scan_hello_spec *sp)
{
    base_spec(c->s, 0x0304, sp);
    sp->groups = v;
    sp->n_groups = n;
    if (c->empty_share) {
        sp->share = NULL;
        sp->share_len = 0;
    } else if (index_of(v, n, sp->share_group) == SIZE_MAX) {
        /* the share's group is out: share x25519 or nothing */
        sp->share_len = 0;
    }
}

static bool pick_group13(struct chain *c, const struct td_scan_answer *a,
                         uint16_t *v)
{
    (void)c;
    if (a->result != TD_PN_SERVER_HELLO || a->version != 0x0304
        || !a->key_share_group)
        return false;
    *v = a->key_share_group;
    return true;
}

/* TLS 1.3 groups: hellos with an empty client_shares, so the server
 * names the group it wants in a HelloRetryRequest (RFC 8446 4.1.4,
 * 4.2.8); if the server refuses an empty key_share, hellos with a share
 * for the group the scan offers (the server then takes the share when it
 * can, which tells acceptance but not preference). */
static void job_groups13(struct scan *s, void *arg)
{
    struct chain *c = arg;
    chain_init(c, s, "groups TLS 1.3", &s->r->groups13, s->l.groups_all,
               s->l.n_groups_all);
    c->kind = TD_REG_GROUP;
    c->version = 0x0304;
    c->spec = spec_groups13;
    c->pick = pick_group13;
    c->empty_share = true;
    if (chain_step(c) == STEP_END && c->out->n == 0
        && c->out->end.result == TD_PN_ALERT) {
        note(s, "TLS 1.3: the server refuses a hello without a key share "
             "(alert %d); groups were tested with a key share",
             c->out->end.alert);
        c->empty_share = false;
        snprintf(c->label, sizeof(c->label), "groups TLS 1.3 (key share)");
        chain_restart(c, &s->r->groups13, s->l.groups_all,
                      s->l.n_groups_all);
        c->out->connections = 1;
    }
    chain_run(c, true);
}

static void spec_key(struct chain *c, const uint16_t *v, size_t n,
                     struct scan_hello_spec *sp)
{
    base_spec(c->s, c->version, sp);
    sp->suites = c->aux;
    sp->n_suites = c->n_aux;
    sp->sigalgs = v;
    sp->n_sigalgs = n;
    /* The chain's own signatures (a test CA signs with RSA) are judged by
     * signature_algorithms_cert (RFC 8446 4.2.3), so restricting the
     * handshake schemes does not disqualify the certificate. */
    sp->sigalgs_cert = c->s->l.sigalgs;
    sp->n_sigalgs_cert = c->s->l.n_sigalgs;
}

static bool pick_ske_sigalg(struct chain *c, const struct td_scan_answer *a,
                            uint16_t *v)
{
    if (a->result != TD_PN_SERVER_HELLO || a->version != c->version
        || !a->ske_sigalg)
        return false;
    *v = a->ske_sigalg;
    return true;
}

static void seen_key(struct chain *c, const struct td_pn_attempt *a,
                     const struct td_scan_answer *ans)
{
    struct td_scan_key *K = &c->s->r->keys[c->key];
    if (K->state == TD_SCAN_YES)
        return;
    K->answer = *ans;
    K->version = c->version;
    if (ans->result == TD_PN_SERVER_HELLO && ans->version == c->version
        && !ans->hrr) {
        K->state = TD_SCAN_YES;
        if (a->hs)
            copy_chain(c->s, &a->hs->certs, &K->certs);
    }
}

/* One hello with every suite of the key type, static key exchanges
 * included (c->aux): a certificate behind TLS_RSA_* still shows. */
static void key_static(struct scan *s, struct chain *c)
{
    struct scan_hello_spec sp;
    memset(&sp, 0, sizeof(sp));
    spec_key(c, c->first, c->n_first, &sp);
    char purpose[48];
    snprintf(purpose, sizeof(purpose), "%s certificate, any suite",
             td_scan_key_name(c->key));
    struct td_pn_attempt a;
    struct td_scan_answer ans;
    if (probe_hello(s, purpose, c->n_aux, &sp, &a, &ans))
        return;
    c->out->connections++;
    seen_key(c, &a, &ans);
    td_pn_attempt_free(&a);
}

/* Key type over TLS <= 1.2: (EC)DHE suites of that type, schemes of that
 * type eliminated from the ServerKeyExchange (TLS 1.2); one more hello
 * with every suite of the type when no ephemeral one is taken (a
 * certificate behind static RSA key exchange still shows). */
static void key_tls12(struct scan *s, struct chain *c, int k)
{
    struct td_scan_key *K = &s->r->keys[k];
    uint16_t sig[128];
    size_t ns = td_scan_sigalgs_for_key(&s->l, k, sig, 128);
    char label[48];
    snprintf(label, sizeof(label), "%s certificate",
             td_scan_key_name(k));
    chain_init(c, s, label, &K->sigalgs, sig, ns);
    c->kind = TD_REG_SIGALG;
    c->version = s->legacy_max;
    c->key = k;
    bool old = old_version(c->version);
    const uint16_t *src;
    size_t n_src;
    suite_source(s, c->version, &src, &n_src);
    c->n_aux = td_scan_suites_for_key(src, n_src, k, true, c->aux,
                                      TD_SCAN_MAX_LIST);
    c->spec = spec_key;
    c->pick = pick_ske_sigalg;
    c->seen = seen_key;
    if (c->n_aux) {
        if (old)
            (void)chain_step(c);    /* no signature_algorithms before 1.2 */
        else
            chain_run(c, false);
    }
    if (K->state == TD_SCAN_YES)
        return;
    size_t n_all = td_scan_suites_for_key(src, n_src, k, false, c->aux,
                                          TD_SCAN_MAX_LIST);
    if (n_all == 0) {
        /* only when TLS 1.2 hellos carry the accepted suites (small) */
        K->state = TD_SCAN_NO;
        K->note = "the server accepts no suite for this key type";
        return;
    }
    if (n_all > c->n_aux) {
        c->n_aux = n_all;
        key_static(s, c);
    }
    if (K->state != TD_SCAN_YES && K->version)
        K->state = clean_end(&K->answer) ? TD_SCAN_NO : TD_SCAN_UNKNOWN;
}

static void spec_key13(struct chain *c, const uint16_t *v, size_t n,
                       struct scan_hello_spec *sp)
{
    base_spec(c->s, 0x0304, sp);
    sp->sigalgs = v;
    sp->n_sigalgs = n;
    sp->sigalgs_cert = c->s->l.sigalgs;
    sp->n_sigalgs_cert = c->s->l.n_sigalgs;
}

static bool pick_cv(struct chain *c, const struct td_scan_answer *a,
                    uint16_t *v)
{
    (void)c;
    if (a->result != TD_PN_SERVER_HELLO || a->version != 0x0304
        || !a->cv_sigalg)
        return false;
    *v = a->cv_sigalg;
    return true;
}

static void seen_key13(struct chain *c, const struct td_pn_attempt *a,
                       const struct td_scan_answer *ans)
{
    struct td_scan_key *K = &c->s->r->keys[c->key];
    c->decrypted |= ans->decrypted;
    if (K->state == TD_SCAN_YES || c->steps != 0)
        return;
    K->answer = *ans;
    K->version = 0x0304;
    if (ans->result == TD_PN_SERVER_HELLO && ans->version == 0x0304
        && !ans->hrr) {
        K->state = TD_SCAN_YES;
        if (a->hs)
            copy_chain(c->s, &a->hs->certs, &K->certs);
    }
}

/* Key type over TLS 1.3: the server picks its certificate by the
 * client's signature_algorithms (RFC 8446 4.4.2.2), so a ServerHello to
 * a hello with only that type's schemes means it has one, an alert that
 * it has none.  With the flight decrypted, the CertificateVerify schemes
 * (4.4.3) by elimination. */
static void key_tls13(struct scan *s, struct chain *c, int k)
{
    struct td_scan_key *K = &s->r->keys[k];
    uint16_t sig[128];
    size_t ns = td_scan_sigalgs_for_key(&s->l, k, sig, 128);
    char label[48];
    snprintf(label, sizeof(label), "%s certificate TLS 1.3",
             td_scan_key_name(k));
    chain_init(c, s, label, &K->sigalgs13, sig, ns);
    c->kind = TD_REG_SIGALG;
    c->version = 0x0304;
    c->key = k;
    c->spec = spec_key13;
    c->pick = pick_cv;
    c->seen = seen_key13;
    bool tested_before = K->state != TD_SCAN_UNTESTED;
    chain_run(c, false);
    if (!c->decrypted)
        K->sigalgs13.state = TD_SCAN_UNTESTED;
    if (tested_before || K->state == TD_SCAN_YES || !c->steps)
        return;
    K->state = K->answer.result == TD_PN_ALERT ? TD_SCAN_NO
                                               : TD_SCAN_UNKNOWN;
}

/* TLS <= 1.2 when the server has it (certificates in the clear); TLS
 * 1.3 for the CertificateVerify schemes when its flight can be read, or
 * alone for a TLS 1.3-only server. */
static void job_key(struct scan *s, void *arg)
{
    struct chain *c = arg;
    int k = c->key;
    if (s->legacy_max) {
        key_tls12(s, c, k);
        if (s->has13 && s->share_ks && s->r->keys[k].state == TD_SCAN_YES)
            key_tls13(s, c, k);
    } else if (s->has13) {
        key_tls13(s, c, k);
    }
}

/* The hello the SNI and extension tests vary: every suite of the
 * version, TLS <= 1.2 (plaintext certificates) when the server takes it.
 * Every suite, not the one phase 1 saw chosen: a server with one
 * certificate per name (openssl s_server -servername/-cert2) may have no
 * certificate for that suite under another name. */
static bool baseline_spec(struct scan *s, struct scan_hello_spec *sp)
{
    if (s->legacy_max)
        base_spec(s, s->legacy_max, sp);
    else if (s->has13)
        base_spec(s, 0x0304, sp);
    else
        return false;
    return true;
}

static void classify_sni(struct scan *s, struct td_scan_sni *t,
                         const struct td_pn_attempt *a)
{
    const struct td_scan_answer *x = &t->answer;
    if (x->result == TD_PN_ALERT) {
        t->kind = TD_SCAN_SNI_ALERT;
    } else if (x->result == TD_PN_CLOSED || x->result == TD_PN_RESET) {
        t->kind = TD_SCAN_SNI_CLOSED;
    } else if (x->result != TD_PN_SERVER_HELLO) {
        t->kind = TD_SCAN_SNI_OTHER;
    } else {
        if (a && a->hs)
            copy_chain(s, &a->hs->certs, &t->certs);
        if (!t->certs.n || !s->r->default_certs.n)
            t->kind = TD_SCAN_SNI_ACCEPTED;
        else if (same_leaf(&t->certs, &s->r->default_certs))
            t->kind = TD_SCAN_SNI_SAME_CERT;
        else
            t->kind = TD_SCAN_SNI_OTHER_CERT;
    }
}

static void job_sni(struct scan *s, void *arg)
{
    struct td_scan_sni *t = arg;
    struct scan_hello_spec sp;
    if (!baseline_spec(s, &sp))
        return;
    sp.sni = t->name;
    t->version = sp.version;
    char purpose[TD_PN_MAX_HOST + 16];
    snprintf(purpose, sizeof(purpose), "SNI %s%s%s", t->name ? "\"" : "",
             t->name ? t->name : "none", t->name ? "\"" : "");
    struct td_pn_attempt a;
    if (probe_hello(s, purpose, sp.n_suites, &sp, &a, &t->answer))
        return;
    classify_sni(s, t, &a);
    td_pn_attempt_free(&a);
}

/* The value the server echoed for extension type, or -1: in the
 * ServerHello (TLS <= 1.2) or the EncryptedExtensions (TLS 1.3, RFC 8446
 * 4.3.1). */
static int echoed(const struct td_pn_attempt *a, uint16_t type)
{
    if (!a->hs || !a->hs->sh)
        return -1;
    const struct td_ext *e = td_ext_find(&a->hs->sh->extensions, type);
    if (!e && a->hs->has_encrypted_extensions)
        e = td_ext_find(&a->hs->encrypted_extensions, type);
    if (!e)
        return -1;
    if (type == TD_HB_EXT_MAX_FRAGMENT_LENGTH)
        return e->len == 1 ? e->data[0] : 0;
    return e->len == 2 ? (e->data[0] << 8 | e->data[1]) : 0;
}

static int ext_probe(struct scan *s, const char *purpose, uint8_t mfl,
                     uint16_t rsl, struct td_pn_attempt *a,
                     struct td_scan_answer *ans)
{
    struct scan_hello_spec sp;
    if (!baseline_spec(s, &sp))
        return TD_ERR_USAGE;
    sp.mfl_code = mfl;
    sp.record_size_limit = rsl;
    return probe_hello(s, purpose, sp.n_suites, &sp, a, ans);
}

/* One answer about one extension. */
static void ext_result(struct td_scan_ext *e, const struct td_pn_attempt *a,
                       const struct td_scan_answer *ans, uint16_t type,
                       uint16_t version)
{
    e->answer = *ans;
    e->version = version;
    int v = echoed(a, type);
    if (ans->result != TD_PN_SERVER_HELLO) {
        e->state = TD_SCAN_UNKNOWN;
        e->note = "the server refused the hello that carried it";
    } else if (version == 0x0304 && !ans->decrypted) {
        e->state = TD_SCAN_UNKNOWN;
        e->note = "the server's encrypted flight could not be read";
    } else if (v >= 0) {
        e->state = TD_SCAN_YES;
        e->echoed = (uint16_t)v;
    } else {
        e->state = TD_SCAN_NO;
    }
}

/* max_fragment_length and record_size_limit together first: a server
 * that knows record_size_limit ignores max_fragment_length when both
 * come (RFC 8449 5), so an echoed MFL alone answers both; an echoed
 * record_size_limit, or a refusal, needs MFL alone. */
static void job_exts(struct scan *s, void *arg)
{
    (void)arg;
    struct td_scan_result *r = s->r;
    const struct td_client_hello *dev = s->o->device;
    uint8_t code = dev && dev->max_fragment_length >= 1
                           && dev->max_fragment_length <= 4
                       ? dev->max_fragment_length : 1;
    uint16_t limit = (uint16_t)(1u << (8 + code));
    r->mfl.asked = code;
    r->rsl.asked = limit;
    if (!s->legacy_max && !s->has13)
        return;
    uint16_t version = s->legacy_max ? s->legacy_max : 0x0304;
    if (version == 0x0304 && !s->share_ks) {
        const char *why = "TLS 1.3 servers answer in EncryptedExtensions "
                          "(RFC 8446 4.3.1), and the scan has no key for "
                          "the group this server asks for";
        r->mfl.state = r->rsl.state = TD_SCAN_UNKNOWN;
        r->mfl.note = r->rsl.note = why;
        r->mfl.version = r->rsl.version = version;
        return;
    }
    struct td_pn_attempt a;
    struct td_scan_answer ans;
    if (ext_probe(s, "max_fragment_length + record_size_limit", code, limit,
                  &a, &ans))
        return;
    ext_result(&r->rsl, &a, &ans, 28, version);
    ext_result(&r->mfl, &a, &ans, TD_HB_EXT_MAX_FRAGMENT_LENGTH, version);
    td_pn_attempt_free(&a);
    /* MFL echoed, or neither: a server without record_size_limit does
     * not ignore max_fragment_length, so both answers stand. */
    if (r->mfl.state == TD_SCAN_YES || r->rsl.state == TD_SCAN_NO)
        return;
    if (r->rsl.state == TD_SCAN_UNKNOWN
        && !ext_probe(s, "record_size_limit", 0, limit, &a, &ans)) {
        ext_result(&r->rsl, &a, &ans, 28, version);
        td_pn_attempt_free(&a);
    }
    if (!ext_probe(s, "max_fragment_length", code, 0, &a, &ans)) {
        ext_result(&r->mfl, &a, &ans, TD_HB_EXT_MAX_FRAGMENT_LENGTH,
                   version);
        td_pn_attempt_free(&a);
    }
}

/* --from: the device's hello exactly as it was (fresh random). */
static void job_device(struct scan *s, void *arg)
{
    (void)arg;
    struct td_hb_hello h;
    int rc = td_hb_from_client_hello(&h, s->o->device);
    if (!rc)
        rc = td_hb_fresh_random(&h, td_scan_rng, NULL);
    struct td_pn_attempt a;
    if (!rc)
        rc = scan_probe(s, "the device's hello", 0, &h, NULL, &a,
                        &s->r->device_answer);
    td_hb_free(&h);
    if (rc == TD_OK) {
        s->r->device_tested = true;
        td_pn_attempt_free(&a);
    } else if (rc != TD_ERR_LIMIT) {
        note(s, "the device's hello cannot be replayed: %s",
             td_strerror(rc));
    }
}

/* ------------------------------------------------------------------ */
/* the run */

struct chains {
    struct chain v[TD_SCAN_NVERSIONS];
    struct chain groups12, groups13;
    struct chain key[TD_SCAN_NKEYS];
};

static void add_job(struct job *jobs, size_t *n,
                    void (*fn)(struct scan *s, void *arg), struct scan *s,
                    void *arg)
{
    memset(&jobs[*n], 0, sizeof(jobs[*n]));
    jobs[*n].fn = fn;
    jobs[*n].s = s;
    jobs[*n].arg = arg;
    (*n)++;
}

static void sni_tests(struct scan *s, struct job *jobs, size_t *nj)
{
    struct td_scan_result *r = s->r;
    const struct td_client_hello *dev = s->o->device;
    r->sni_tests[TD_SCAN_SNI_NONE].name = NULL;
    r->sni_tests[TD_SCAN_SNI_UNKNOWN].name = TD_SCAN_UNKNOWN_SNI;
    if (s->o->sni) {
        add_job(jobs, nj, job_sni, s, &r->sni_tests[TD_SCAN_SNI_NONE]);
    } else {
        /* The scan's own hellos are the test without SNI. */
        struct td_scan_sni *t = &r->sni_tests[TD_SCAN_SNI_NONE];
        t->version = s->legacy_max ? s->legacy_max : 0x0304;
        t->answer = r->versions[s->legacy_max ? 3 : 4].answer;
        t->certs = r->default_certs;
        classify_sni(s, t, NULL);
        note(s, "the scan sends no SNI (the host is an address; --sni "
             "NAME sets one): the answer without SNI is the scan's own");
    }
    add_job(jobs, nj, job_sni, s, &r->sni_tests[TD_SCAN_SNI_UNKNOWN]);
    if (dev && dev->sni && dev->sni[0]
        && (!s->o->sni || strcmp(dev->sni, s->o->sni) != 0)) {
        r->sni_tests[TD_SCAN_SNI_DEVICE].name =
            td_arena_strndup(&r->arena, dev->sni, strlen(dev->sni));
        add_job(jobs, nj, job_sni, s, &r->sni_tests[TD_SCAN_SNI_DEVICE]);
    }
}

static void phase2(struct scan *s, struct chains *ch)
{
    struct job jobs[24];
    size_t nj = 0;
    if (s->has13)
        add_job(jobs, &nj, job_version_rest, s, &ch->v[4]);
    if (s->small)
        ;                           /* done before phase 2 */
    else if (s->r->versions[3].answer.result == TD_PN_SERVER_HELLO)
        add_job(jobs, &nj, job_version_rest, s, &ch->v[3]);
    else
        version_state(&ch->v[3]);
    add_job(jobs, &nj, job_old_versions, s, ch->v);
    if (s->legacy_max)
        add_job(jobs, &nj, job_groups12, s, &ch->groups12);
    if (s->has13)
        add_job(jobs, &nj, job_groups13, s, &ch->groups13);
    for (int k = 0; k < TD_SCAN_NKEYS; k++) {
        ch->key[k].key = k;
        add_job(jobs, &nj, job_key, s, &ch->key[k]);
    }
    sni_tests(s, jobs, &nj);
    add_job(jobs, &nj, job_exts, s, NULL);
    if (s->o->device)
        add_job(jobs, &nj, job_device, s, NULL);
    run_jobs(jobs, nj);
    if (!s->has13)
        version_state(&ch->v[4]);
}

/* The TLS 1.2 hello with every suite got no answer while the TLS 1.3
 * one did: try TLS 1.2 in smaller hellos before anything else, so that
 * the other tests know whether TLS 1.2 works and offer only what it
 * accepts. */
static void tls12_small(struct scan *s, struct chain *c12)
{
    version_chain_rest(c12);
    const struct td_scan_list *L = &s->r->versions[3].suites;
    if (s->r->versions[3].state == TD_SCAN_YES && L->n) {
        s->legacy_max = 0x0303;
        s->small = true;
    }
}

static void preferred_group(struct td_scan_result *r)
{
    const struct td_scan_list *g13 = &r->groups13, *g12 = &r->groups12;
    if (g13->n && g13->order != TD_SCAN_ORDER_CLIENT)
        r->preferred_group = g13->v[0];
    else if (g12->n && g12->order != TD_SCAN_ORDER_CLIENT)
        r->preferred_group = g12->v[0];
}

static int scan_init(struct scan *s, const struct td_scan_opts *o,
                     struct td_scan_result *r)
{
    s->o = o;
    s->r = r;
    s->pn.host = o->host;
    s->pn.port = o->port;
    s->pn.connect_to = o->connect_to;
    s->pn.timeout_ms = o->timeout_ms;
    s->pn.family = o->family;
    s->parallel = o->parallel ? o->parallel : TD_SCAN_DEFAULT_PARALLEL;
    if (o->delay_ms)
        s->parallel = 1;
    td_scan_lists_init(&s->l);
    r->host = adup(&r->arena, o->host);
    r->port = o->port ? o->port : TD_PN_DEFAULT_PORT;
    r->sni = adup(&r->arena, o->sni);
    r->budget = o->max_connections;
    for (int i = 0; i < TD_SCAN_NVERSIONS; i++)
        r->versions[i].version = (uint16_t)(0x0300 + i);
    int rc = td_tls13_keyshare_init(&s->x25519, TD_TLS13_GROUP_X25519,
                                    td_scan_rng, NULL);
    if (rc)
        return rc;
    s->share_group = TD_TLS13_GROUP_X25519;
    s->share_ks = &s->x25519;
    memcpy(s->share, s->x25519.pub, s->x25519.pub_len);
    s->share_len = s->x25519.pub_len;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    return TD_OK;
}

int td_scan_run(const struct td_scan_opts *o, struct td_scan_result *r)
{
    if (!o->host || !*o->host)
        return TD_ERR_USAGE;
    uint64_t start = now_ms();
    struct scan *s = calloc(1, sizeof(*s));
    struct chains *ch = calloc(1, sizeof(*ch));
    int rc = s && ch ? scan_init(s, o, r) : TD_ERR_NOMEM;
    if (rc) {
        free(s);
        free(ch);
        return rc;
    }
    version_chain_init(&ch->v[3], s, 0x0303);
    version_chain_init(&ch->v[4], s, 0x0304);
    struct job p1[2];
    size_t n1 = 0;
    add_job(p1, &n1, job_first_step, s, &ch->v[4]);
    add_job(p1, &n1, job_first_step, s, &ch->v[3]);
    run_jobs(p1, n1);
    phase1_facts(s);
    if (r->reached && odd_answer(&r->versions[3].answer))
        tls12_small(s, &ch->v[3]);
    if (r->reached) {
        choose_share(s);
        if (!s->legacy_max && s->has13 && !r->default_certs.n && s->share_ks)
            baseline13(s);
        phase2(s, ch);
        preferred_group(r);
    }
    r->elapsed_ms = now_ms() - start;
    td_tls13_keyshare_free(&s->x25519);
    if (s->have_p256)
        td_tls13_keyshare_free(&s->p256);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
    free(ch);
    return r->reached ? TD_OK : TD_ERR_NETWORK;
}

/* ------------------------------------------------------------------ */
/* result lifetime and names */

void td_scan_result_init(struct td_scan_result *r)
{
    memset(r, 0, sizeof(*r));
    td_arena_init(&r->arena, 32u << 20);
}

void td_scan_result_free(struct td_scan_result *r)
{
    td_arena_free(&r->arena);
    memset(r, 0, sizeof(*r));
}

int td_scan_version_index(uint16_t version)
{
    if (version < 0x0300 || version > 0x0304)
        return -1;
    return version - 0x0300;
}

const char *td_scan_state_name(enum td_scan_state st)
{
    switch (st) {
    case TD_SCAN_YES: return "yes";
    case TD_SCAN_NO: return "no";
    case TD_SCAN_UNKNOWN: return "unknown";
    case TD_SCAN_UNTESTED: break;
    }
    return "untested";
}

const char *td_scan_order_name(enum td_scan_order o)
{
    switch (o) {
    case TD_SCAN_ORDER_SERVER: return "server";
    case TD_SCAN_ORDER_CLIENT: return "client";
    case TD_SCAN_ORDER_UNKNOWN: break;
    }
    return "unknown";
}

const char *td_scan_sni_kind_name(enum td_scan_sni_kind k)
{
    switch (k) {
    case TD_SCAN_SNI_ALERT: return "alert";
    case TD_SCAN_SNI_CLOSED: return "closed";
    case TD_SCAN_SNI_SAME_CERT: return "same_certificate";
    case TD_SCAN_SNI_OTHER_CERT: return "other_certificate";
    case TD_SCAN_SNI_ACCEPTED: return "accepted";
    case TD_SCAN_SNI_OTHER: return "other";
    case TD_SCAN_SNI_UNTESTED: break;
    }
    return "untested";
}

const char *td_scan_key_name(enum td_scan_keytype k)
{
    return k == TD_SCAN_KEY_ECDSA ? "ECDSA" : "RSA";
}
