/* probe_full.c - the full handshake of `tlsdiag probe` with the hello
 * the server accepted (see probe.h td_probe_full).
 *
 * The hello's parameters become mbedTLS settings: the SNI, the suites
 * (without signalling values), the groups, the signature algorithms, the
 * highest version, max_fragment_length.  A TLS 1.3 server is beyond
 * mbedTLS 2.28: its chain comes from the flight tlsdiag decrypted in the
 * probe connection (tls13read.h) and is verified apart.
 */
#include "tlsdiag/probe.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsdiag/err.h"
#include "tlsdiag/registry.h"

struct params {
    char sni[TD_PN_MAX_HOST + 1];
    bool has_sni;
    uint16_t suites[TD_PM_MAX_LIST], groups[TD_PM_MAX_LIST],
        sigalgs[TD_PM_MAX_LIST];
    size_t n_suites, n_groups, n_sigalgs;
    uint16_t max_version;
    uint8_t mfl;
};

static size_t u16_list(const struct td_hb_ext *e, size_t skip, uint16_t *out)
{
    size_t n = 0;
    if (!e)
        return 0;
    for (size_t i = skip; i + 1 < e->len && n < TD_PM_MAX_LIST; i += 2) {
        uint16_t v = (uint16_t)(e->data[i] << 8 | e->data[i + 1]);
        if (!td_reg_is_grease(v))
            out[n++] = v;
    }
    return n;
}

/* server_name: list length (2), type (1), name length (2), name. */
static void sni_of(const struct td_hb_ext *e, struct params *pp)
{
    if (!e || e->len < 5 || e->data[2] != 0)
        return;
    size_t n = (size_t)(e->data[3] << 8 | e->data[4]);
    if (n == 0 || n > TD_PN_MAX_HOST || n + 5 > e->len ||
        memchr(e->data + 5, 0, n))
        return;
    memcpy(pp->sni, e->data + 5, n);
    pp->sni[n] = 0;
    pp->has_sni = true;
}

static void params_of(struct td_hb_hello *h, struct params *pp)
{
    memset(pp, 0, sizeof(*pp));
    sni_of(td_hb_find_ext(h, TD_HB_EXT_SERVER_NAME), pp);
    for (size_t i = 0; i < h->n_suites && pp->n_suites < TD_PM_MAX_LIST; i++) {
        uint16_t s = h->suites[i];
        if (s != 0x00ff && !td_reg_is_grease(s))
            pp->suites[pp->n_suites++] = s;
    }
    pp->n_groups =
        u16_list(td_hb_find_ext(h, TD_HB_EXT_SUPPORTED_GROUPS), 2, pp->groups);
    pp->n_sigalgs = u16_list(td_hb_find_ext(h, TD_HB_EXT_SIGNATURE_ALGORITHMS),
                             2, pp->sigalgs);
    pp->max_version = h->version > 0x0303 ? 0x0303 : h->version;
    struct td_hb_ext *m = td_hb_find_ext(h, TD_HB_EXT_MAX_FRAGMENT_LENGTH);
    if (m && m->len == 1 && m->data[0] >= 1 && m->data[0] <= 4)
        pp->mfl = m->data[0];
}

static bool is_name(const char *h)
{
    struct in6_addr a;
    return h && *h && inet_pton(AF_INET, h, &a) != 1 &&
           inet_pton(AF_INET6, h, &a) != 1;
}

static const struct td_probe_attempt *working(const struct td_probe_run *p)
{
    int i = p->fix;
    if (i < 0 && p->base >= 0 && (size_t)p->base < p->attempts.n &&
        p->attempts.v[p->base]->accepted)
        i = p->base;
    return i >= 0 && (size_t)i < p->attempts.n ? p->attempts.v[i] : NULL;
}

static bool selected_tls13(const struct td_probe_attempt *a)
{
    const struct td_handshake *hs = a->pn.hs;
    return hs && hs->sh && hs->sh->selected_version == 0x0304;
}

/* TLS 1.3: verify the chain the probe connection decrypted. */
static void full_tls13(struct td_probe_run *p, const struct td_probe_attempt *a,
                       const char *hostname, const struct td_probe_full_opts *o)
{
    struct td_probe_full *f = &p->full;
    const struct td_handshake *hs = a->pn.hs;
    f->tls13 = true;
    f->r.verdict = TD_PM_OK;
    f->r.alert = f->r.alert_sent = -1;
    f->r.version = 0x0304;
    f->r.suite = hs->sh->has_cipher_suite ? hs->sh->cipher_suite : 0;
    f->r.cert_request = hs->cert_request.present;
    if (!hs->certs.n) {
        snprintf(f->message, sizeof(f->message),
                 "the TLS 1.3 server's certificates could not be read "
                 "from its encrypted flight");
        return;
    }
    const uint8_t *der[TD_PM_MAX_PATH];
    size_t len[TD_PM_MAX_PATH], n = 0;
    for (size_t i = 0; i < hs->certs.n && n < TD_PM_MAX_PATH; i++)
        if (hs->certs.v[i].der) {
            der[n] = hs->certs.v[i].der;
            len[n++] = hs->certs.v[i].der_len;
        }
    f->r.hs = td_hs_new(0);
    if (!f->r.hs)
        return;
    int rc = td_pm_verify_chain(der, len, n, o->ca_file, hostname, f->r.hs,
                                &f->r.verify);
    if (rc) {
        snprintf(f->message, sizeof(f->message), "%s",
                 f->r.verify.message[0] ? f->r.verify.message
                                        : td_strerror(rc));
        return;
    }
    f->ran = true;
    if (f->r.verify.flags) {
        f->r.verdict = TD_PM_VERIFY_FAILED;
        f->r.cause = f->r.verify.n_causes ? f->r.verify.causes[0] : NULL;
    }
}

static void run_one(struct td_probe_run *p, struct td_probe_full *f,
                    const struct td_pm_params *pm)
{
    int rc = td_pm_handshake(pm, &f->r);
    f->ran = rc == TD_OK || rc == TD_ERR_NETWORK;
    if (!f->ran)
        snprintf(f->message, sizeof(f->message), "%s",
                 f->r.message[0] ? f->r.message : td_strerror(rc));
    (void)p;
}

void td_probe_full(struct td_probe_run *p, const struct td_probe_full_opts *o)
{
    const struct td_probe_attempt *a = working(p);
    struct td_probe_full *f = &p->full;
    f->ca_file = o->ca_file;
    if (!a) {
        snprintf(f->message, sizeof(f->message),
                 "no hello the server accepted to run it with");
        return;
    }
    f->attempt = p->fix >= 0 ? p->fix : p->base;
    struct td_hb_hello h;
    struct params pp;
    if (td_probe_hello(p, a, &h) != TD_OK) {
        td_hb_free(&h);
        snprintf(f->message, sizeof(f->message),
                 "the working hello could not be rebuilt");
        return;
    }
    params_of(&h, &pp);
    td_hb_free(&h);
    const char *hostname = o->hostname          ? o->hostname
                           : pp.has_sni         ? pp.sni
                           : is_name(p->o.host) ? p->o.host
                                                : NULL;
    if (hostname) {
        snprintf(f->host_buf, sizeof(f->host_buf), "%s", hostname);
        hostname = f->hostname = f->host_buf;
    }
    if (selected_tls13(a)) {
        full_tls13(p, a, hostname, o);
        return;
    }
    struct td_pm_params pm = {.host = p->o.host,
                              .port = p->o.port,
                              .connect_to = p->o.connect_to,
                              .family = p->o.family,
                              .timeout_ms = p->o.timeout_ms,
                              .sni = pp.has_sni ? pp.sni : NULL,
                              .suites = pp.suites,
                              .n_suites = pp.n_suites,
                              .groups = pp.groups,
                              .n_groups = pp.n_groups,
                              .sigalgs = pp.sigalgs,
                              .n_sigalgs = pp.n_sigalgs,
                              .max_version = pp.max_version,
                              .max_fragment_length = pp.mfl,
                              .ca_file = o->ca_file,
                              .verify_hostname = hostname,
                              .verify_apart = true};
    p->connections++;
    run_one(p, f, &pm);
    if (f->ran && f->r.verdict == TD_PM_HANDSHAKE_FAILED && pp.mfl) {
        /* The server took the hello; the library could not finish with
         * the fragment length (2.28 cannot join a certificate split over
         * short records): the same without it tells. */
        struct td_probe_full *fm = &p->full_nomfl;
        fm->ca_file = o->ca_file;
        fm->hostname = NULL;
        if (hostname) {
            snprintf(fm->host_buf, sizeof(fm->host_buf), "%s", hostname);
            fm->hostname = fm->host_buf;
        }
        fm->attempt = f->attempt;
        struct td_pm_params pm2 = pm;
        pm2.max_fragment_length = 0;
        p->connections++;
        run_one(p, fm, &pm2);
    }
    if (f->ran && f->r.verdict == TD_PM_CLIENT_CERT_REQUIRED && o->cert_file &&
        o->key_file) {
        struct td_probe_full *fc = &p->full_cert;
        fc->ca_file = o->ca_file;
        fc->hostname = NULL;
        if (hostname) {
            snprintf(fc->host_buf, sizeof(fc->host_buf), "%s", hostname);
            fc->hostname = fc->host_buf;
        }
        fc->attempt = f->attempt;
        pm.cert_file = o->cert_file;
        pm.key_file = o->key_file;
        p->connections++;
        run_one(p, fc, &pm);
    }
}
