/* render_scan.c - `tlsdiag scan` for a person (text) and for programs
 * (the contract's JSON document with a "scan" object).
 *
 * The JSON handshake of --from is written by the project's JSON renderer
 * (render_json.c) into this file's writer, so it is the same object that
 * `log` and `pcap` print.
 */
#include "render_scan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "jsonw.h"
#include "render_int.h"
#include "tlsdiag/err.h"
#include "tlsdiag/probenet.h"
#include "tlsdiag/registry.h"
#include "tlsdiag/render.h"

/* ------------------------------------------------------------------ */
/* JSON */

static void cp(struct td_jsonw *w, enum td_reg_kind kind, uint32_t id)
{
    char nb[TD_REG_NAMEBUF];
    td_jw_obj_begin(w);
    td_jw_kint(w, "id", id);
    td_jw_kstr(w, "name", td_reg_name(kind, id, nb));
    td_jw_obj_end(w);
}

static void kcp(struct td_jsonw *w, const char *key, enum td_reg_kind kind,
                uint32_t id)
{
    td_jw_key(w, key);
    if (id)
        cp(w, kind, id);
    else
        td_jw_null(w);
}

static void jstate(struct td_jsonw *w, const char *key, uint8_t st)
{
    td_jw_key(w, key);
    if (st == TD_SCAN_YES || st == TD_SCAN_NO)
        td_jw_bool(w, st == TD_SCAN_YES);
    else
        td_jw_null(w);
}

static void janswer(struct td_jsonw *w, const struct td_scan_answer *a)
{
    char nb[TD_REG_NAMEBUF];
    td_jw_obj_begin(w);
    td_jw_kstr(w, "result", td_pn_result_name(a->result));
    td_jw_kbool(w, "connected", !a->no_connection);
    td_jw_key(w, "alert");
    if (a->alert >= 0) {
        td_jw_obj_begin(w);
        td_jw_kint(w, "description", a->alert);
        td_jw_kstr(w, "name", td_reg_name(TD_REG_ALERT, (uint32_t)a->alert,
                                          nb));
        td_jw_obj_end(w);
    } else {
        td_jw_null(w);
    }
    kcp(w, "version", TD_REG_VERSION, a->version);
    td_jw_key(w, "cipher_suite");
    if (a->has_suite)
        cp(w, TD_REG_SUITE, a->suite);
    else
        td_jw_null(w);
    td_jw_kbool(w, "hello_retry_request", a->hrr);
    kcp(w, "key_share_group", TD_REG_GROUP, a->key_share_group);
    if (a->http)
        td_jw_kbool(w, "http", true);
    td_jw_kint(w, "elapsed_ms", (int64_t)a->elapsed_ms);
    td_jw_obj_end(w);
}

static void jlist(struct td_jsonw *w, const char *key, enum td_reg_kind kind,
                  const struct td_scan_list *L)
{
    td_jw_kstr(w, "state", td_scan_state_name(L->state));
    td_jw_kstr(w, "order", td_scan_order_name(L->order));
    td_jw_kbool(w, "complete", L->complete);
    td_jw_kint(w, "offered", (int64_t)L->offered);
    td_jw_kint(w, "connections", L->connections);
    td_jw_key(w, key);
    td_jw_arr_begin(w);
    for (size_t i = 0; i < L->n; i++)
        cp(w, kind, L->v[i]);
    td_jw_arr_end(w);
}

static void jcert(struct td_jsonw *w, const struct td_scan_cert *c)
{
    td_jw_obj_begin(w);
    td_jw_kstr(w, "subject", c->subject);
    td_jw_kstr(w, "issuer", c->issuer);
    td_jw_kstr(w, "key", c->key);
    td_jw_kstr(w, "not_before", c->not_before);
    td_jw_kstr(w, "not_after", c->not_after);
    td_jw_key(w, "san");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < c->n_san; i++)
        td_jw_str(w, c->san[i]);
    td_jw_arr_end(w);
    td_jw_kstr(w, "signature_algorithm", c->sig_alg);
    td_jw_kint(w, "der_length", (int64_t)c->der_len);
    td_jw_kbool(w, "ca", c->is_ca);
    td_jw_kbool(w, "parsed", c->parsed);
    td_jw_obj_end(w);
}

static void jchain(struct td_jsonw *w, const char *key,
                   const struct td_scan_chain *c)
{
    td_jw_key(w, key);
    td_jw_arr_begin(w);
    for (size_t i = 0; i < c->n; i++)
        jcert(w, &c->v[i]);
    td_jw_arr_end(w);
}

static void jversions(struct td_jsonw *w, const struct td_scan_result *r)
{
    td_jw_key(w, "versions");
    td_jw_arr_begin(w);
    for (int i = TD_SCAN_NVERSIONS - 1; i >= 0; i--) {
        const struct td_scan_version *V = &r->versions[i];
        char nb[TD_REG_NAMEBUF];
        td_jw_obj_begin(w);
        td_jw_kint(w, "id", V->version);
        td_jw_kstr(w, "name", td_reg_name(TD_REG_VERSION, V->version, nb));
        jstate(w, "accepted", V->state);
        kcp(w, "inferred_from", TD_REG_VERSION, V->inferred_from);
        td_jw_key(w, "answer");
        if (V->state != TD_SCAN_UNTESTED)
            janswer(w, &V->answer);
        else
            td_jw_null(w);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void jsuites(struct td_jsonw *w, const struct td_scan_result *r)
{
    td_jw_key(w, "cipher_suites");
    td_jw_arr_begin(w);
    for (int i = TD_SCAN_NVERSIONS - 1; i >= 0; i--) {
        const struct td_scan_version *V = &r->versions[i];
        if (V->state != TD_SCAN_YES)
            continue;
        td_jw_obj_begin(w);
        kcp(w, "version", TD_REG_VERSION, V->version);
        jlist(w, "suites", TD_REG_SUITE, &V->suites);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void jgroups(struct td_jsonw *w, const struct td_scan_result *r)
{
    td_jw_key(w, "groups");
    td_jw_obj_begin(w);
    td_jw_key(w, "tls12");
    td_jw_obj_begin(w);
    jlist(w, "groups", TD_REG_GROUP, &r->groups12);
    td_jw_obj_end(w);
    td_jw_key(w, "tls13");
    td_jw_obj_begin(w);
    jlist(w, "groups", TD_REG_GROUP, &r->groups13);
    td_jw_obj_end(w);
    td_jw_key(w, "x25519_key_share");
    td_jw_str(w, r->x25519_share == TD_SCAN_YES ? "accepted"
                 : r->x25519_share == TD_SCAN_NO ? "hello_retry_request"
                                                 : NULL);
    kcp(w, "hello_retry_request_group", TD_REG_GROUP, r->hrr_group);
    kcp(w, "preferred", TD_REG_GROUP, r->preferred_group);
    td_jw_obj_end(w);
}

static void jkeys(struct td_jsonw *w, const struct td_scan_result *r)
{
    td_jw_key(w, "certificates");
    td_jw_arr_begin(w);
    for (int k = 0; k < TD_SCAN_NKEYS; k++) {
        const struct td_scan_key *K = &r->keys[k];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "key_type", td_scan_key_name(k));
        jstate(w, "present", K->state);
        kcp(w, "version", TD_REG_VERSION, K->version);
        td_jw_key(w, "answer");
        if (K->state != TD_SCAN_UNTESTED)
            janswer(w, &K->answer);
        else
            td_jw_null(w);
        jchain(w, "chain", &K->certs);
        td_jw_kstr(w, "note", K->note);
        td_jw_key(w, "signature_algorithms");
        td_jw_obj_begin(w);
        jlist(w, "schemes", TD_REG_SIGALG, &K->sigalgs);
        td_jw_obj_end(w);
        td_jw_key(w, "signature_algorithms_tls13");
        td_jw_obj_begin(w);
        jlist(w, "schemes", TD_REG_SIGALG, &K->sigalgs13);
        td_jw_obj_end(w);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void jsni_one(struct td_jsonw *w, const char *test,
                     const struct td_scan_sni *t)
{
    td_jw_obj_begin(w);
    td_jw_kstr(w, "test", test);
    td_jw_kstr(w, "name", t->name);
    td_jw_kstr(w, "behaviour", td_scan_sni_kind_name(t->kind));
    kcp(w, "version", TD_REG_VERSION, t->version);
    td_jw_key(w, "answer");
    if (t->kind != TD_SCAN_SNI_UNTESTED)
        janswer(w, &t->answer);
    else
        td_jw_null(w);
    td_jw_key(w, "certificate");
    if (t->certs.n)
        jcert(w, &t->certs.v[0]);
    else
        td_jw_null(w);
    td_jw_obj_end(w);
}

static void jsni(struct td_jsonw *w, const struct td_scan_result *r)
{
    static const char *const tests[TD_SCAN_NSNI] = {"none", "unknown",
                                                   "device"};
    td_jw_key(w, "sni");
    td_jw_arr_begin(w);
    /* the scan's own name: what the server did with it is known only when
     * a handshake with it went through (default_version) */
    if (r->sni && r->default_version) {
        td_jw_obj_begin(w);
        td_jw_kstr(w, "test", "scan_name");
        td_jw_kstr(w, "name", r->sni);
        td_jw_kstr(w, "behaviour", r->default_certs.n ? "same_certificate"
                                                      : "accepted");
        kcp(w, "version", TD_REG_VERSION, r->default_version);
        td_jw_key(w, "certificate");
        if (r->default_certs.n)
            jcert(w, &r->default_certs.v[0]);
        else
            td_jw_null(w);
        td_jw_obj_end(w);
    }
    for (int i = 0; i < TD_SCAN_NSNI; i++)
        if (r->sni_tests[i].kind != TD_SCAN_SNI_UNTESTED)
            jsni_one(w, tests[i], &r->sni_tests[i]);
    td_jw_arr_end(w);
}

static void jext(struct td_jsonw *w, const char *key,
                 const struct td_scan_ext *e, bool mfl)
{
    static const int mfl_len[] = {0, 512, 1024, 2048, 4096};
    td_jw_key(w, key);
    td_jw_obj_begin(w);
    td_jw_kint(w, "asked", mfl ? mfl_len[e->asked <= 4 ? e->asked : 0]
                               : e->asked);
    jstate(w, "honoured", e->state);
    td_jw_key(w, "echoed");
    if (e->state == TD_SCAN_YES)
        td_jw_int(w, mfl ? mfl_len[e->echoed <= 4 ? e->echoed : 0]
                         : e->echoed);
    else
        td_jw_null(w);
    kcp(w, "version", TD_REG_VERSION, e->version);
    td_jw_kstr(w, "note", e->note);
    td_jw_obj_end(w);
}

static void jmlist(struct td_jsonw *w, const char *key, enum td_reg_kind k,
                   const struct td_scan_mlist *l, bool where)
{
    td_jw_key(w, key);
    td_jw_arr_begin(w);
    for (size_t i = 0; i < l->n; i++) {
        const struct td_scan_mitem *it = &l->v[i];
        char nb[TD_REG_NAMEBUF];
        td_jw_obj_begin(w);
        td_jw_kint(w, "id", it->id);
        td_jw_kstr(w, "name", td_reg_name(k, it->id, nb));
        td_jw_key(w, "device");
        if (it->maybe)
            td_jw_null(w);
        else
            td_jw_bool(w, it->device);
        td_jw_kbool(w, "server", it->server);
        if (where) {
            td_jw_key(w, "server_versions");
            td_jw_arr_begin(w);
            for (int v = TD_SCAN_NVERSIONS - 1; v >= 0; v--)
                if (it->where & (1u << v))
                    cp(w, TD_REG_VERSION, (uint32_t)(0x0300 + v));
            td_jw_arr_end(w);
        }
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void jfrom(struct td_jsonw *w, const struct td_scan_view *v,
                  const struct td_scan_result *r)
{
    const struct td_scan_match *m = v->match;
    td_jw_key(w, "from");
    if (!m) {
        td_jw_null(w);
        return;
    }
    td_jw_obj_begin(w);
    td_jw_kstr(w, "file", v->from);
    td_jw_kint(w, "handshake", v->from_index);
    td_jw_key(w, "replayed");
    if (r->device_tested)
        janswer(w, &r->device_answer);
    else
        td_jw_null(w);
    kcp(w, "version", TD_REG_VERSION, m->version);
    td_jw_kbool(w, "version_depends_on_device_minimum", m->version_maybe);
    td_jw_key(w, "cipher_suite");
    if (m->has_suite)
        cp(w, TD_REG_SUITE, m->suite);
    else
        td_jw_null(w);
    kcp(w, "group", TD_REG_GROUP, m->group);
    jmlist(w, "versions", TD_REG_VERSION, &m->versions, false);
    jmlist(w, "suites", TD_REG_SUITE, &m->suites, true);
    jmlist(w, "groups", TD_REG_GROUP, &m->groups, false);
    jmlist(w, "signature_algorithms", TD_REG_SIGALG, &m->sigalgs, false);
    td_jw_key(w, "sni");
    td_jw_obj_begin(w);
    td_jw_kstr(w, "device", m->device_sni);
    td_jw_kstr(w, "behaviour", td_scan_sni_kind_name(m->sni_kind));
    td_jw_obj_end(w);
    td_jw_key(w, "max_fragment_length");
    td_jw_obj_begin(w);
    static const int mfl_len[] = {0, 512, 1024, 2048, 4096};
    td_jw_key(w, "device");
    if (m->device_mfl >= 1 && m->device_mfl <= 4)
        td_jw_int(w, mfl_len[m->device_mfl]);
    else
        td_jw_null(w);
    jstate(w, "honoured", m->mfl_state);
    td_jw_obj_end(w);
    td_jw_obj_end(w);
}

static void jlog(struct td_jsonw *w, const struct td_scan_result *r)
{
    td_jw_key(w, "connections_log");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < r->log.n; i++) {
        const struct td_scan_conn *c = &r->log.v[i];
        td_jw_obj_begin(w);
        td_jw_kstr(w, "purpose", c->purpose);
        td_jw_kint(w, "offered", (int64_t)c->offered);
        td_jw_key(w, "answer");
        janswer(w, &c->answer);
        td_jw_obj_end(w);
    }
    td_jw_arr_end(w);
}

static void jscan(struct td_jsonw *w, const struct td_scan_view *v,
                  const struct td_scan_result *r)
{
    td_jw_key(w, "scan");
    td_jw_obj_begin(w);
    td_jw_key(w, "target");
    td_jw_obj_begin(w);
    td_jw_kstr(w, "host", r->host);
    td_jw_kint(w, "port", r->port);
    td_jw_kstr(w, "address", r->address[0] ? r->address : NULL);
    td_jw_kstr(w, "sni", r->sni);
    td_jw_obj_end(w);
    td_jw_kint(w, "connections", r->connections);
    td_jw_key(w, "max_connections");
    if (r->budget)
        td_jw_int(w, r->budget);
    else
        td_jw_null(w);
    td_jw_kbool(w, "budget_exhausted", r->budget_hit);
    td_jw_kint(w, "elapsed_ms", (int64_t)r->elapsed_ms);
    td_jw_kbool(w, "reached", r->reached);
    td_jw_key(w, "failure");
    if (r->reached)
        td_jw_null(w);
    else
        janswer(w, &r->first);
    jversions(w, r);
    jsuites(w, r);
    jgroups(w, r);
    jkeys(w, r);
    jsni(w, r);
    td_jw_key(w, "extensions");
    td_jw_obj_begin(w);
    jext(w, "max_fragment_length", &r->mfl, true);
    jext(w, "record_size_limit", &r->rsl, false);
    td_jw_obj_end(w);
    td_jw_kbool(w, "tls13_decrypted", r->tls13_decrypt);
    jfrom(w, v, r);
    td_jw_key(w, "notes");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < r->notes.n; i++)
        td_jw_str(w, r->notes.v[i]);
    td_jw_arr_end(w);
    jlog(w, r);
    td_jw_obj_end(w);
}

/* The --from handshake, written by the JSON renderer into w. */
static void jdevice(struct td_jsonw *w, const struct td_scan_view *v)
{
    struct td_render rj;
    memset(&rj, 0, sizeof(rj));
    rj.vt = &td_render_json;
    rj.o.out = v->out;
    rj.o.json = true;
    rj.o.pretty = true;
    rj.state = w;
    struct td_doc d;
    td_doc_init(&d, "scan", "live", v->input_name);
    td_render_json.handshake(&rj, &d, v->device);
    td_doc_free(&d);
}

int td_scan_render_json(const struct td_scan_view *v,
                        const struct td_scan_result *r)
{
    struct td_jsonw *w = malloc(sizeof(*w));
    if (!w)
        return TD_ERR_NOMEM;
    td_jw_init(w, v->out, true);
    td_jw_obj_begin(w);
    td_jw_kstr(w, "tool", "tlsdiag");
    td_jw_kstr(w, "version", TD_VERSION);
    td_jw_kstr(w, "command", "scan");
    td_jw_key(w, "input");
    td_jw_obj_begin(w);
    td_jw_kstr(w, "kind", "live");
    td_jw_kstr(w, "name", v->input_name);
    td_jw_obj_end(w);
    td_jw_key(w, "handshakes");
    td_jw_arr_begin(w);
    if (v->device)
        jdevice(w, v);
    td_jw_arr_end(w);
    jscan(w, v, r);
    td_jw_key(w, "warnings");
    td_jw_arr_begin(w);
    for (size_t i = 0; i < v->n_warnings; i++)
        td_jw_str(w, v->warnings[i]);
    td_jw_arr_end(w);
    td_jw_obj_end(w);
    int rc = td_jw_finish(w);
    free(w);
    return rc ? TD_ERR_IO : TD_OK;
}

/* ------------------------------------------------------------------ */
/* text */

struct txt {
    FILE *f;
    bool color;
    unsigned width;
};

static const char *c_(const struct txt *t, const char *code)
{
    return t->color ? code : "";
}
#define BOLD(t) c_(t, "\033[1m")
#define DIM(t) c_(t, "\033[2m")
#define RED(t) c_(t, "\033[31m")
#define GREEN(t) c_(t, "\033[32m")
#define RESET(t) c_(t, "\033[0m")

static void out(const struct txt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void out(const struct txt *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
}

#define LABEL_W 14

/* "  label          " (dim); returns the column after it. */
static int out_label(const struct txt *t, int indent, const char *label)
{
    out(t, "%*s%s%-*s%s ", indent, "", DIM(t), LABEL_W, label, RESET(t));
    return indent + LABEL_W + 1;
}

/* Names of codes after a label, wrapped at the width, continuation lines
 * under the first name. */
static void words(const struct txt *t, int indent, const char *label,
                  enum td_reg_kind kind, const uint16_t *v, size_t n,
                  const char *tail)
{
    char nb[TD_REG_NAMEBUF];
    int col = out_label(t, indent, label);
    int start = col;
    for (size_t i = 0; i < n; i++) {
        const char *w = td_reg_name(kind, v[i], nb);
        int wl = (int)strlen(w);
        if (i && col + 1 + wl > (int)t->width) {
            out(t, "\n%*s", start, "");
            col = start;
        } else if (i) {
            out(t, " ");
            col++;
        }
        out(t, "%s", w);
        col += wl;
    }
    if (tail)
        out(t, "%s%s", n ? "  " : "", tail);
    out(t, "\n");
}

/* One answer in a few words. */
static const char *answer_text(const struct td_scan_answer *a, char *buf,
                               size_t cap)
{
    char nb[TD_REG_NAMEBUF], vb[TD_REG_NAMEBUF];
    if (a->unresolved)
        return "the name does not resolve";
    if (a->no_connection)
        return a->result == TD_PN_RESET ? "connection refused"
                                        : "no connection in time";
    switch (a->result) {
    case TD_PN_ALERT:
        if (a->alert < 0)
            return "encrypted alert";
        snprintf(buf, cap, "alert %s (%d)",
                 td_reg_name(TD_REG_ALERT, (uint32_t)a->alert, nb),
                 a->alert);
        return buf;
    case TD_PN_SERVER_HELLO:
        if (a->hrr)
            snprintf(buf, cap, "HelloRetryRequest for %s",
                     td_reg_name(TD_REG_GROUP, a->key_share_group, nb));
        else
            snprintf(buf, cap, "ServerHello %s%s%s",
                     td_reg_name(TD_REG_VERSION, a->version, vb),
                     a->has_suite ? " " : "",
                     a->has_suite ? td_reg_name(TD_REG_SUITE, a->suite, nb)
                                  : "");
        return buf;
    case TD_PN_CLOSED: return "connection closed";
    case TD_PN_RESET: return "connection reset";
    case TD_PN_TIMEOUT: return "no answer in time";
    case TD_PN_NOT_TLS: return a->http ? "not TLS (HTTP)" : "not TLS";
    }
    return "?";
}

static void heading(const struct txt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void heading(const struct txt *t, const char *fmt, ...)
{
    out(t, "\n%s", BOLD(t));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(t->f, fmt, ap);
    va_end(ap);
    out(t, "%s\n", RESET(t));
}

static const char *yes_no(const struct txt *t, uint8_t st)
{
    (void)t;
    switch (st) {
    case TD_SCAN_YES: return "yes";
    case TD_SCAN_NO: return "no";
    case TD_SCAN_UNKNOWN: return "unknown";
    }
    return "not tested";
}

static void tversions(const struct txt *t, const struct td_scan_result *r)
{
    char nb[TD_REG_NAMEBUF], ab[160];
    heading(t, "Protocol versions");
    for (int i = TD_SCAN_NVERSIONS - 1; i >= 0; i--) {
        const struct td_scan_version *V = &r->versions[i];
        bool yes = V->state == TD_SCAN_YES;
        out(t, "  %-10s %s%s%s", td_reg_name(TD_REG_VERSION, V->version, nb),
            yes ? GREEN(t) : "", yes_no(t, V->state), yes ? RESET(t) : "");
        if (!yes && V->state != TD_SCAN_UNTESTED)
            out(t, "%*s%s", 10 - (int)strlen(yes_no(t, V->state)), "",
                answer_text(&V->answer, ab, sizeof(ab)));
        if (V->inferred_from)
            out(t, " to the %s hello", td_reg_name(TD_REG_VERSION,
                                                   V->inferred_from, nb));
        out(t, "\n");
    }
}

static const char *order_text(uint8_t order)
{
    switch (order) {
    case TD_SCAN_ORDER_SERVER: return "in the server's order";
    case TD_SCAN_ORDER_CLIENT: return "the server follows the client's "
                                      "order; listed as picked";
    }
    return "as picked";
}

static void tsuites(const struct txt *t, const struct td_scan_result *r)
{
    char nb[TD_REG_NAMEBUF], vb[TD_REG_NAMEBUF], ab[160];
    for (int i = TD_SCAN_NVERSIONS - 1; i >= 0; i--) {
        const struct td_scan_version *V = &r->versions[i];
        const struct td_scan_list *L = &V->suites;
        if (V->state != TD_SCAN_YES)
            continue;
        heading(t, "Cipher suites, %s: %zu, %s (%u connections)",
                td_reg_name(TD_REG_VERSION, V->version, vb), L->n,
                order_text(L->order), L->connections);
        for (size_t k = 0; k < L->n; k++)
            out(t, "  %s0x%04x%s  %s\n", DIM(t), L->v[k], RESET(t),
                td_reg_name(TD_REG_SUITE, L->v[k], nb));
        if (!L->complete)
            out(t, "  (incomplete: %s)\n",
                r->budget_hit ? "connection budget spent"
                              : answer_text(&L->end, ab, sizeof(ab)));
    }
}

static void tgroup_list(const struct txt *t, const char *label,
                        const struct td_scan_list *L)
{
    char tail[96];
    if (L->state == TD_SCAN_UNTESTED)
        return;
    if (L->n == 0)
        snprintf(tail, sizeof(tail), "none%s",
                 L->complete ? "" : " (incomplete)");
    else
        snprintf(tail, sizeof(tail), "(%s%s)",
                 L->n > 1 ? order_text(L->order) : "one",
                 L->complete ? "" : "; incomplete");
    words(t, 2, label, TD_REG_GROUP, L->v, L->n, tail);
}

static void tgroups(const struct txt *t, const struct td_scan_result *r)
{
    char nb[TD_REG_NAMEBUF];
    heading(t, "Groups");
    if (r->groups13.state == TD_SCAN_UNTESTED
        && r->groups12.state == TD_SCAN_UNTESTED)
        out(t, "  not tested\n");
    tgroup_list(t, "TLS 1.3", &r->groups13);
    tgroup_list(t, "TLS <= 1.2", &r->groups12);
    if (r->x25519_share == TD_SCAN_YES) {
        out_label(t, 2, "key share");
        out(t, "an x25519 share is taken (no HelloRetryRequest)\n");
    } else if (r->x25519_share == TD_SCAN_NO) {
        out_label(t, 2, "key share");
        out(t, "with an x25519 share the server asks for %s "
            "(HelloRetryRequest)\n",
            td_reg_name(TD_REG_GROUP, r->hrr_group, nb));
    }
    if (r->preferred_group) {
        out_label(t, 2, "preferred");
        out(t, "%s\n", td_reg_name(TD_REG_GROUP, r->preferred_group, nb));
    }
}

static void tcert(const struct txt *t, int indent,
                  const struct td_scan_chain *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct td_scan_cert *x = &c->v[i];
        if (i)
            out(t, "%*s%schain #%zu%s\n", indent, "", DIM(t), i + 1,
                RESET(t));
        if (x->subject) {
            out_label(t, indent, "subject");
            out(t, "%s\n", x->subject);
        }
        if (x->issuer) {
            out_label(t, indent, "issuer");
            out(t, "%s\n", x->issuer);
        }
        if (x->key) {
            out_label(t, indent, "key");
            out(t, "%s\n", x->key);
        }
        if (x->not_before) {
            out_label(t, indent, "valid");
            out(t, "%s to %s UTC\n", x->not_before,
                x->not_after ? x->not_after : "?");
        }
        if (x->n_san) {
            out_label(t, indent, "SAN");
            for (size_t k = 0; k < x->n_san; k++)
                out(t, "%s%s", k ? ", " : "", x->san[k]);
            out(t, "\n");
        }
    }
}

static void tkeys(const struct txt *t, const struct td_scan_result *r)
{
    char vb[TD_REG_NAMEBUF], ab[160];
    _Static_assert(sizeof(ab) >= TD_REG_NAMEBUF, "name buffer");
    heading(t, "Certificates by key type");
    for (int k = 0; k < TD_SCAN_NKEYS; k++) {
        const struct td_scan_key *K = &r->keys[k];
        out(t, "  %s%-6s%s ", BOLD(t), td_scan_key_name(k), RESET(t));
        if (K->state == TD_SCAN_UNTESTED) {
            out(t, "not tested\n");
            continue;
        }
        if (K->state != TD_SCAN_YES) {
            out(t, "%s: %s\n", K->state == TD_SCAN_NO ? "none" : "unknown",
                K->note ? K->note : answer_text(&K->answer, ab, sizeof(ab)));
            continue;
        }
        out(t, "yes (%s, %s)\n", td_reg_name(TD_REG_VERSION, K->version, vb),
            K->answer.has_suite
                ? td_reg_name(TD_REG_SUITE, K->answer.suite, ab) : "?");
        if (K->certs.n)
            tcert(t, 4, &K->certs);
        else if (K->version == 0x0304 && !K->answer.decrypted)
            out(t, "    (the certificate is in the encrypted TLS 1.3 "
                "flight, which could not be read)\n");
        if (K->sigalgs.n)
            words(t, 4, "schemes 1.2", TD_REG_SIGALG, K->sigalgs.v,
                  K->sigalgs.n, "(ServerKeyExchange)");
        if (K->sigalgs13.n)
            words(t, 4, "schemes 1.3", TD_REG_SIGALG, K->sigalgs13.v,
                  K->sigalgs13.n, "(CertificateVerify)");
    }
}

static void cert_brief(const struct td_scan_chain *c, char *buf, size_t cap)
{
    const struct td_scan_cert *x = &c->v[0];
    snprintf(buf, cap, "%s (%s)", x->subject ? x->subject : "?",
             x->key ? x->key : "?");
}

static void tsni_line(const struct txt *t, const char *name,
                      const struct td_scan_sni *s)
{
    char label[TD_PN_MAX_HOST + 4], ab[160], cb[400];
    snprintf(label, sizeof(label), name ? "\"%s\"" : "%s",
             name ? name : "none");
    out(t, "  %-28s ", label);
    switch (s->kind) {
    case TD_SCAN_SNI_ALERT:
    case TD_SCAN_SNI_CLOSED:
    case TD_SCAN_SNI_OTHER:
        out(t, "%s\n", answer_text(&s->answer, ab, sizeof(ab)));
        break;
    case TD_SCAN_SNI_SAME_CERT:
        out(t, "the same certificate\n");
        break;
    case TD_SCAN_SNI_OTHER_CERT:
        cert_brief(&s->certs, cb, sizeof(cb));
        out(t, "another certificate: %s\n", cb);
        break;
    case TD_SCAN_SNI_ACCEPTED:
        out(t, "accepted (%s)\n", answer_text(&s->answer, ab, sizeof(ab)));
        break;
    default:
        out(t, "not tested\n");
    }
}

static void tsni(const struct txt *t, const struct td_scan_result *r)
{
    char cb[400];
    heading(t, "Server name (SNI)");
    if (r->sni) {
        char label[TD_PN_MAX_HOST + 4];
        snprintf(label, sizeof(label), "\"%s\"", r->sni);
        out(t, "  %-28s ", label);
        if (r->default_certs.n) {
            cert_brief(&r->default_certs, cb, sizeof(cb));
            out(t, "%s\n", cb);
        } else if (r->default_version) {
            out(t, "accepted (the scan's name)\n");
        } else {
            out(t, "no handshake with it went through\n");
        }
    }
    for (int i = 0; i < TD_SCAN_NSNI; i++) {
        const struct td_scan_sni *s = &r->sni_tests[i];
        if (s->kind != TD_SCAN_SNI_UNTESTED)
            tsni_line(t, s->name, s);
    }
}

static void text_ext(const struct txt *t, const char *what, unsigned size,
                     const struct td_scan_ext *e)
{
    char label[48], ab[160];
    snprintf(label, sizeof(label), "%s %u", what, size);
    out(t, "  %-28s ", label);
    if (e->state == TD_SCAN_YES)
        out(t, "%shonoured%s (echoed)\n", GREEN(t), RESET(t));
    else if (e->state == TD_SCAN_NO)
        out(t, "not honoured (not echoed)\n");
    else if (e->state == TD_SCAN_UNKNOWN)
        out(t, "unknown: %s\n",
            e->note ? e->note : answer_text(&e->answer, ab, sizeof(ab)));
    else
        out(t, "not tested\n");
}

static void texts(const struct txt *t, const struct td_scan_result *r)
{
    heading(t, "Extensions");
    unsigned mfl = r->mfl.asked >= 1 && r->mfl.asked <= 4
                       ? 1u << (8 + r->mfl.asked) : 0;
    text_ext(t, "max_fragment_length", mfl, &r->mfl);
    text_ext(t, "record_size_limit", r->rsl.asked, &r->rsl);
}

static void mtable(const struct txt *t, const char *title,
                   enum td_reg_kind kind, const struct td_scan_mlist *l)
{
    char nb[TD_REG_NAMEBUF];
    out(t, "  %s%-52s device  server%s\n", DIM(t), title, RESET(t));
    for (size_t i = 0; i < l->n; i++) {
        const struct td_scan_mitem *it = &l->v[i];
        bool both = it->device && it->server;
        out(t, "    %s0x%04x  %-44s %-7s %s%s\n", both ? GREEN(t) : "",
            it->id, td_reg_name(kind, it->id, nb),
            it->maybe ? "maybe" : it->device ? "yes" : "-",
            it->server ? "yes" : "-", both ? RESET(t) : "");
    }
}

static void tfrom_summary(const struct txt *t, const struct td_scan_match *m,
                          const struct td_scan_result *r)
{
    char nb[TD_REG_NAMEBUF], ab[160];
    if (r->device_tested) {
        out_label(t, 2, "as sent");
        out(t, "%s\n", answer_text(&r->device_answer, ab, sizeof(ab)));
    }
    out_label(t, 2, "version");
    out(t, "%s%s\n", m->version ? td_reg_name(TD_REG_VERSION, m->version, nb)
                                : "none in common",
        m->version_maybe ? " (if the device's minimum allows it)" : "");
    out_label(t, 2, "cipher suite");
    out(t, "%s\n", m->has_suite ? td_reg_name(TD_REG_SUITE, m->suite, nb)
                                : "none in common");
    if (m->has_suite) {
        out_label(t, 2, "group");
        out(t, "%s\n", m->group ? td_reg_name(TD_REG_GROUP, m->group, nb)
                                : "-");
    }
    out_label(t, 2, "SNI");
    if (m->device_sni)
        out(t, "\"%s\": ", m->device_sni);
    else
        out(t, "none: ");
    out(t, "%s\n", m->sni_kind == TD_SCAN_SNI_SAME_CERT
                       ? "the scan's own name, same answer"
                       : td_scan_sni_kind_name(m->sni_kind));
    if (m->device_mfl) {
        out_label(t, 2, "max_frag_len");
        out(t, "%u: %s\n", 1u << (8 + (m->device_mfl & 7)),
            m->mfl_state == TD_SCAN_YES   ? "honoured"
            : m->mfl_state == TD_SCAN_NO ? "not honoured (the device's "
                                           "records must fit 16384 bytes)"
                                         : "unknown");
    }
}

static void tfrom(const struct txt *t, const struct td_scan_view *v,
                  const struct td_scan_result *r)
{
    const struct td_scan_match *m = v->match;
    if (!m)
        return;
    if (v->from_index >= 0)
        heading(t, "The device's hello (%s, handshake %d) against the "
                "server", v->from, v->from_index);
    else
        heading(t, "The device's hello (%s) against the server", v->from);
    tfrom_summary(t, m, r);
    out(t, "\n");
    mtable(t, "protocol versions", TD_REG_VERSION, &m->versions);
    mtable(t, "cipher suites", TD_REG_SUITE, &m->suites);
    mtable(t, "groups", TD_REG_GROUP, &m->groups);
    mtable(t, m->sigalgs13 ? "signature algorithms (TLS 1.3)"
                           : "signature algorithms (TLS 1.2)",
           TD_REG_SIGALG, &m->sigalgs);
}

static void tlog(const struct txt *t, const struct td_scan_result *r)
{
    char ab[160];
    heading(t, "Connections");
    for (size_t i = 0; i < r->log.n; i++) {
        const struct td_scan_conn *c = &r->log.v[i];
        out(t, "  %3zu  %-40s %4llu ms  %s\n", i + 1, c->purpose,
            (unsigned long long)c->answer.elapsed_ms,
            answer_text(&c->answer, ab, sizeof(ab)));
    }
}

static void tnotes(const struct txt *t, const struct td_scan_view *v,
                   const struct td_scan_result *r)
{
    if (!r->notes.n && !v->n_warnings && !r->budget_hit)
        return;
    heading(t, "Notes");
    if (r->budget_hit)
        out(t, "  - the connection budget (%u) was spent: some lists are "
            "incomplete\n", r->budget);
    for (size_t i = 0; i < r->notes.n; i++)
        out(t, "  - %s\n", r->notes.v[i]);
    for (size_t i = 0; i < v->n_warnings; i++)
        out(t, "  - %s\n", v->warnings[i]);
}

static void scan_text(FILE *f, const struct td_scan_view *v,
                      const struct td_scan_result *r)
{
    struct txt t = {f, v->color, v->width ? v->width : 80};
    out(&t, "%sScan of %s%s", BOLD(&t), v->input_name, RESET(&t));
    if (r->address[0])
        out(&t, " (%s)", r->address);
    if (r->sni)
        out(&t, ", SNI \"%s\"", r->sni);
    else
        out(&t, ", no SNI");
    out(&t, "\n%u connection%s in %.2f s\n", r->connections,
        r->connections == 1 ? "" : "s", (double)r->elapsed_ms / 1000.0);
    if (r->reached) {
        tversions(&t, r);
        tsuites(&t, r);
        tgroups(&t, r);
        tkeys(&t, r);
        tsni(&t, r);
        texts(&t, r);
        tfrom(&t, v, r);
    }
    tnotes(&t, v, r);
    if (v->verbose)
        tlog(&t, r);
}

struct scan_print {
    const struct td_scan_view *v;
    const struct td_scan_result *r;
};

static void scan_print(FILE *to, const void *arg)
{
    const struct scan_print *a = arg;
    scan_text(to, a->v, a->r);
}

/* Each line wrapped at the width (the tables' long rows continue on an
 * indented line). */
int td_scan_render_text(const struct td_scan_view *v,
                        const struct td_scan_result *r)
{
    struct scan_print a = {v, r};
    td_render_wrapped(v->out, v->width, scan_print, &a);
    if (fflush(v->out) != 0 || ferror(v->out))
        return TD_ERR_IO;
    return TD_OK;
}
