/* diag.c - the rule engine: derive the facts every rule needs once, run
 * the rules, rank the findings. */
#include "diag_int.h"

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const td_rule_fn rules[] = {
    td_rule_sni, td_rule_cipher, td_rule_curve, td_rule_sigalg,
    td_rule_version, td_rule_fragment, td_rule_certs, td_rule_client_cert,
    td_rule_transport, td_rule_memory, td_rule_psa,
    td_rule_probe,      /* after the others: upgrades what it proves */
    td_rule_fallback,   /* last: speaks only when nothing else did */
};

/* ------------------------------------------------------------ helpers */

static char *vfmt(struct td_arena *a, const char *fmt, va_list ap)
{
    char buf[2048];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return NULL;
    return td_arena_strndup(a, buf, (size_t)n < sizeof(buf) ? (size_t)n
                                                            : sizeof(buf) - 1);
}

struct td_finding *td_dx_add(struct td_dctx *x, const char *id,
                             enum td_likelihood l, int score)
{
    struct td_finding *f = TD_PUSH(&x->hs->arena, x->hs->findings);
    if (!f)
        return NULL;
    f->id = id;
    f->likelihood = (uint8_t)l;
    f->score = score;
    return f;
}

#define SETTER(name, field)                                               \
    void name(struct td_dctx *x, struct td_finding *f, const char *fmt, ...) \
    {                                                                     \
        if (!f)                                                           \
            return;                                                       \
        va_list ap;                                                       \
        va_start(ap, fmt);                                                \
        f->field = vfmt(&x->hs->arena, fmt, ap);                          \
        va_end(ap);                                                       \
    }
SETTER(td_dx_title, title)
SETTER(td_dx_explain, explanation)
SETTER(td_dx_basis, basis)

const char *td_dx_fmt(struct td_dctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(&x->hs->arena, fmt, ap);
    va_end(ap);
    return s;
}

const char TD_FIX_SAME[] = "(as for 2.28)";

void td_dx_fix(struct td_dctx *x, struct td_finding *f, const char *summary,
               const char *m2, const char *m3)
{
    (void)x;
    if (!f)
        return;
    f->fix_summary = summary;
    f->fix_mbedtls_2 = m2;
    f->fix_mbedtls_3 = m3 == TD_FIX_SAME ? m2 : m3;
}

void td_dx_ev(struct td_dctx *x, struct td_finding *f,
              const struct td_evidence *ev)
{
    if (!f || !ev || (!ev->line && !ev->packet && !ev->offset && !ev->text))
        return;
    /* The same line twice says nothing new. */
    for (size_t i = 0; i < f->evidence.n; i++) {
        const struct td_evidence *o = &f->evidence.v[i];
        if (ev->line && o->line == ev->line)
            return;
        if (ev->packet && o->packet == ev->packet && o->text == ev->text)
            return;
    }
    struct td_evidence *slot = TD_PUSH(&x->hs->arena, f->evidence);
    if (slot)
        *slot = *ev;
}

void td_dx_ev_text(struct td_dctx *x, struct td_finding *f, const char *fmt,
                   ...)
{
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    struct td_evidence ev = {0};
    ev.text = vfmt(&x->hs->arena, fmt, ap);
    va_end(ap);
    struct td_evidence *slot = TD_PUSH(&x->hs->arena, f->evidence);
    if (slot)
        *slot = ev;
}

const struct td_mberr *td_dx_error(const struct td_dctx *x, int32_t code)
{
    for (size_t i = 0; i < x->hs->errors.n; i++)
        if (x->hs->errors.v[i].code == code)
            return &x->hs->errors.v[i];
    return NULL;
}

const char *td_dx_probe_hint(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    char target[300];
    if (hs->target_host && hs->target_port)
        snprintf(target, sizeof(target), "%s:%u", hs->target_host,
                 hs->target_port);
    else if (hs->target_host)
        snprintf(target, sizeof(target), "%s", hs->target_host);
    else
        snprintf(target, sizeof(target), "HOST:PORT");
    if (x->o && x->o->input && strcmp(x->o->input, "-") != 0)
        return td_dx_fmt(x, "tlsdiag probe %s --from %s", target,
                         x->o->input);
    return td_dx_fmt(x, "tlsdiag probe %s --from LOGFILE", target);
}

const char *td_dx_alert_name(struct td_dctx *x, const struct td_alert *a)
{
    char nb[TD_REG_NAMEBUF];
    if (a->encrypted)
        return "an encrypted alert";
    return td_dx_fmt(x, "%s %s (%u)", a->level == 2 ? "fatal" : "warning",
                     td_reg_name(TD_REG_ALERT, a->description, nb),
                     a->description);
}

/* ------------------------------------------------------- derived facts */

static bool is_ip_literal(const char *h)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

static bool sigalg_strong(uint16_t s)
{
    switch (s) {
    case 0x0401: case 0x0501: case 0x0601:      /* rsa_pkcs1_sha256.. */
    case 0x0403: case 0x0503: case 0x0603:      /* ecdsa_*_sha256.. */
    case 0x0804: case 0x0805: case 0x0806:      /* rsa_pss_rsae_* */
    case 0x0809: case 0x080a: case 0x080b:      /* rsa_pss_pss_* */
    case 0x0807: case 0x0808:                   /* ed25519, ed448 */
        return true;
    default:
        return false;
    }
}

static void derive_offer(struct td_dctx *x)
{
    const struct td_client_hello *ch = x->ch;
    struct td_offer *o = &x->offer;
    if (!ch)
        return;
    for (size_t i = 0; i < ch->cipher_suites.n; i++) {
        uint16_t id = ch->cipher_suites.v[i];
        if (td_reg_is_grease(id))
            continue;
        const struct td_suite_info *si = td_reg_suite(id);
        if (si && si->kex == TD_KEX_SCSV)
            continue;
        o->suites++;
        if (!si)
            continue;
        if (si->insecure)
            o->insecure++;
        switch (si->auth) {
        case TD_AUTH_RSA: o->need_rsa++; break;
        case TD_AUTH_ECDSA: o->need_ecdsa++; break;
        case TD_AUTH_PSK: o->need_psk++; break;
        case TD_AUTH_ANY: o->tls13++; break;
        default: o->need_none++; break;
        }
        if (si->kex == TD_KEX_ECDHE && si->cipher_class == TD_CIPHER_AEAD) {
            if (si->auth == TD_AUTH_RSA)
                o->ecdhe_rsa_aead++;
            if (si->auth == TD_AUTH_ECDSA)
                o->ecdhe_ecdsa_aead++;
        }
    }
    /* A hello rebuilt from 2.x log text knows that the extension was
     * there, not what it held. */
    o->groups_known = ch->groups.n > 0
                      || (!ch->from_text && td_ext_find(&ch->extensions, 10));
    for (size_t i = 0; i < ch->groups.n; i++) {
        uint16_t g = ch->groups.v[i];
        if (g == 23 || g == 24 || g == 29 || g == 0x11ec)
            o->has_common_group = true;
    }
    o->sigalgs_known = ch->sigalgs.n > 0;
    for (size_t i = 0; i < ch->sigalgs.n; i++) {
        if (sigalg_strong(ch->sigalgs.v[i]))
            o->has_sha256_plus = true;
        if (ch->sigalgs.v[i] >= 0x0804 && ch->sigalgs.v[i] <= 0x080b
            && ch->sigalgs.v[i] != 0x0807 && ch->sigalgs.v[i] != 0x0808)
            o->has_rsa_pss = true;
    }
    for (size_t i = 0; i < ch->sigalgs.n; i++) {
        uint16_t sa = ch->sigalgs.v[i];
        if (sa == 0x0501 || sa == 0x0601 || sa == 0x0503 || sa == 0x0603
            || sa == 0x0805 || sa == 0x0806 || sa == 0x080a || sa == 0x080b)
            o->has_sha384 = true;
    }
    o->max_version = ch->legacy_version;
    for (size_t i = 0; i < ch->versions.n; i++)
        if (!td_reg_is_grease(ch->versions.v[i])
            && ch->versions.v[i] > o->max_version)
            o->max_version = ch->versions.v[i];
    o->broad = ((o->ecdhe_rsa_aead && o->ecdhe_ecdsa_aead) || o->tls13)
               && (!o->groups_known || o->has_common_group)
               && (!o->sigalgs_known || (o->has_sha256_plus && o->has_sha384))
               && o->max_version >= 0x0303;
}

static bool is_loopback(const char *h)
{
    return strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
}

/* When did it fail?  From the order of events, or from the library's
 * state when the log has no messages. */
static void derive_when(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    int server = x->client ? TD_DIR_SERVER : TD_DIR_CLIENT;
    bool saw_sh = false, saw_client2 = false, saw_fin = false;
    for (size_t i = 0; i < hs->events.n; i++) {
        const struct td_event *e = &hs->events.v[i];
        bool stop = (e->kind == TD_EV_ALERT && (e->alert_level == 2
                                                || e->encrypted))
                    || e->kind == TD_EV_CLOSE || e->kind == TD_EV_RESET
                    || e->kind == TD_EV_TIMEOUT || e->kind == TD_EV_NOT_TLS;
        if (stop) {
            x->when = !saw_sh ? TD_WHEN_AFTER_CLIENT_HELLO
                    : saw_fin ? TD_WHEN_LATE
                    : saw_client2 ? TD_WHEN_AFTER_CLIENT_FLIGHT
                    : TD_WHEN_AFTER_SERVER_HELLO;
            return;
        }
        if (e->kind == TD_EV_HANDSHAKE && e->dir == TD_DIR_SERVER
            && e->hs_type == 2 && !(e->flags & TD_EVF_HRR))
            saw_sh = true;
        if (saw_sh && e->dir == TD_DIR_CLIENT && (e->kind == TD_EV_CCS
                                                  || e->hs_type == 16
                                                  || e->hs_type == 11))
            saw_client2 = true;
        if (saw_client2 && e->dir == TD_DIR_SERVER
            && (e->kind == TD_EV_ENCRYPTED_HS || e->kind == TD_EV_CCS))
            saw_fin = true;
        (void)server;
    }
    /* 2.x client state numbers (3.x names map to the same numbers). */
    if (hs->state >= 0) {
        x->when = hs->state <= 2 ? TD_WHEN_AFTER_CLIENT_HELLO
                : hs->state <= 6 ? TD_WHEN_AFTER_SERVER_HELLO
                : hs->state <= 13 ? TD_WHEN_AFTER_CLIENT_FLIGHT
                : TD_WHEN_LATE;
        if (hs->role == TD_ROLE_SERVER)
            x->when = TD_WHEN_UNKNOWN;
    }
}

static int cmp_findings(const void *pa, const void *pb)
{
    const struct td_finding *a = pa, *b = pb;
    if (a->likelihood != b->likelihood)
        return a->likelihood < b->likelihood ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return strcmp(a->id, b->id);
}

int td_diag(struct td_handshake *hs, const struct td_diag_opts *o)
{
    struct td_dctx x;
    memset(&x, 0, sizeof(x));
    x.hs = hs;
    x.o = o;
    x.client = hs->role != TD_ROLE_SERVER;
    x.failed = hs->outcome == TD_OUTCOME_FAILED;
    x.ch = hs->ch;
    int peer = x.client ? TD_DIR_SERVER : TD_DIR_CLIENT;
    for (size_t i = 0; i < hs->alerts.n; i++) {
        const struct td_alert *a = &hs->alerts.v[i];
        bool fatal = a->level == 2 || (a->encrypted && !hs->over);
        if (!fatal)
            continue;
        if (a->from == peer && !x.peer_alert)
            x.peer_alert = a;
        if (a->from != peer && !x.own_alert)
            x.own_alert = a;
    }
    if (hs->target_host) {
        x.host = hs->target_host;
        x.host_is_ip = is_ip_literal(hs->target_host);
    }
    derive_offer(&x);
    derive_when(&x);
    /* A capture knows the address the client connected to. */
    char addr[64] = "";
    const char *where_to = x.host;
    if (!where_to && hs->server_addr) {
        const char *a = hs->server_addr, *colon = strrchr(a, ':');
        size_t n = colon ? (size_t)(colon - a) : strlen(a);
        if (n >= 2 && a[0] == '[') {
            a++;
            n -= 2;
        }
        if (n < sizeof(addr)) {
            memcpy(addr, a, n);
            addr[n] = 0;
            where_to = addr;
        }
    }
    if (x.ch && x.ch->sni && where_to)
        x.sni_fits_target = strcasecmp(x.ch->sni, where_to) == 0
                            || (strcmp(x.ch->sni, "localhost") == 0
                                && is_loopback(where_to));

    size_t before = hs->findings.n;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        rules[i](&x);
    /* The rules add findings through x: */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (hs->findings.n > before)
        qsort(hs->findings.v, hs->findings.n, sizeof(hs->findings.v[0]),
              cmp_findings);

    /* Evidence in log order. */
    for (size_t i = 0; i < hs->findings.n; i++) {
        td_evvec *v = &hs->findings.v[i].evidence;
        for (size_t k = 1; k < v->n; k++) {
            struct td_evidence e = v->v[k];
            size_t j = k;
            while (j > 0 && e.line && v->v[j - 1].line > e.line) {
                v->v[j] = v->v[j - 1];
                j--;
            }
            v->v[j] = e;
        }
    }

    /* Two suspects of the same likelihood: say why the first leads. */
    if (hs->findings.n >= 2) {
        struct td_finding *a = &hs->findings.v[0], *b = &hs->findings.v[1];
        if (a->likelihood == b->likelihood && a->basis && b->basis
            && a->explanation && a->likelihood != TD_CONFIRMED)
            a->explanation = td_dx_fmt(&x, "%s Why this comes before %s: %s; "
                                       "for %s, %s. Only a live test can "
                                       "prove which one the server needs: "
                                       "%s.", a->explanation, b->id,
                                       a->basis, b->id, b->basis,
                                       td_dx_probe_hint(&x));
    }
    return 0;
}
