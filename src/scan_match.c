/* scan_match.c - the device's offer (--from) against what the scan found.
 *
 * Pure: reads a finished struct td_scan_result and a decoded ClientHello.
 * What the server would pick follows the rule the scan measured: with
 * the server's own order, the first of its list the device offers; with
 * the client's order, the first of the device's list the server accepts
 * (RFC 5246 7.4.1.2, RFC 8446 4.1.1).
 */
#include <string.h>

#include "tlsdiag/registry.h"
#include "tlsdiag/scan.h"

static bool has16(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

static struct td_scan_mitem *mfind(struct td_scan_mlist *l, uint16_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].id == id)
            return &l->v[i];
    return NULL;
}

static struct td_scan_mitem *madd(struct td_scan_mlist *l, uint16_t id)
{
    struct td_scan_mitem *it = mfind(l, id);
    if (it || l->n >= TD_SCAN_MAX_LIST)
        return it;
    it = &l->v[l->n++];
    memset(it, 0, sizeof(*it));
    it->id = id;
    return it;
}

static void count_common(struct td_scan_mlist *l)
{
    l->common = 0;
    for (size_t i = 0; i < l->n; i++)
        l->common += l->v[i].device && l->v[i].server;
}

/* A hello with supported_versions offers exactly those (RFC 8446
 * 4.2.1).  One without names only its highest version: the server may
 * answer with any lower one (RFC 5246 E.1), and whether the device takes
 * it depends on its configured minimum, which the hello does not carry. */
static void match_versions(const struct td_scan_result *r,
                           const struct td_client_hello *ch,
                           struct td_scan_match *m)
{
    uint16_t maybe = 0;
    for (int i = TD_SCAN_NVERSIONS - 1; i >= 0; i--) {
        const struct td_scan_version *V = &r->versions[i];
        struct td_scan_mitem *it = madd(&m->versions, V->version);
        if (ch->versions.n) {
            it->device = has16(ch->versions.v, ch->versions.n, V->version);
        } else {
            it->device = V->version == ch->legacy_version;
            it->maybe = V->version < ch->legacy_version
                        && V->version >= 0x0300;
        }
        it->server = V->state == TD_SCAN_YES;
        if (it->device && it->server && !m->version)
            m->version = V->version;
        if (it->maybe && it->server && !maybe)
            maybe = V->version;
    }
    if (!m->version && maybe) {
        m->version = maybe;
        m->version_maybe = true;
    }
    count_common(&m->versions);
}

static bool real_suite(uint16_t id)
{
    const struct td_suite_info *s = td_reg_suite(id);
    return !td_reg_is_grease(id) && !(s && s->kex == TD_KEX_SCSV);
}

/* The suite the server would choose from the device's list. */
static void pick_suite(const struct td_scan_result *r,
                       const struct td_client_hello *ch,
                       struct td_scan_match *m)
{
    int vi = td_scan_version_index(m->version);
    if (vi < 0)
        return;
    const struct td_scan_list *L = &r->versions[vi].suites;
    if (L->order == TD_SCAN_ORDER_CLIENT) {
        for (size_t i = 0; i < ch->cipher_suites.n && !m->has_suite; i++)
            if (has16(L->v, L->n, ch->cipher_suites.v[i])) {
                m->suite = ch->cipher_suites.v[i];
                m->has_suite = true;
            }
        return;
    }
    for (size_t i = 0; i < L->n && !m->has_suite; i++)
        if (has16(ch->cipher_suites.v, ch->cipher_suites.n, L->v[i])) {
            m->suite = L->v[i];
            m->has_suite = true;
        }
}

static void match_suites(const struct td_scan_result *r,
                         const struct td_client_hello *ch,
                         struct td_scan_match *m)
{
    int common = td_scan_version_index(m->version);
    for (size_t i = 0; i < ch->cipher_suites.n; i++) {
        if (!real_suite(ch->cipher_suites.v[i]))
            continue;
        struct td_scan_mitem *it = madd(&m->suites, ch->cipher_suites.v[i]);
        if (it)
            it->device = true;
    }
    for (int vi = 0; vi < TD_SCAN_NVERSIONS; vi++) {
        const struct td_scan_list *L = &r->versions[vi].suites;
        for (size_t i = 0; i < L->n; i++) {
            struct td_scan_mitem *it = mfind(&m->suites, L->v[i]);
            /* the server's other suites: those of the common version */
            if (!it && (common < 0 ? true : vi == common))
                it = madd(&m->suites, L->v[i]);
            if (!it)
                continue;
            it->where |= (uint8_t)(1u << vi);
            if (common < 0 || vi == common)
                it->server = true;
        }
    }
    count_common(&m->suites);
    pick_suite(r, ch, m);
}

/* Codes of a list both sides know, device's first; the pick by `order`. */
static void match_codes(const td_u16vec *dev, const struct td_scan_list *L,
                        struct td_scan_mlist *out, uint16_t *pick)
{
    for (size_t i = 0; i < dev->n; i++) {
        if (td_reg_is_grease(dev->v[i]))
            continue;
        struct td_scan_mitem *it = madd(out, dev->v[i]);
        if (it) {
            it->device = true;
            it->server = has16(L->v, L->n, dev->v[i]);
        }
    }
    for (size_t i = 0; i < L->n; i++) {
        struct td_scan_mitem *it = madd(out, L->v[i]);
        if (it)
            it->server = true;
    }
    count_common(out);
    if (!pick)
        return;
    if (L->order == TD_SCAN_ORDER_CLIENT) {
        for (size_t i = 0; i < dev->n && !*pick; i++)
            if (has16(L->v, L->n, dev->v[i]))
                *pick = dev->v[i];
    } else {
        for (size_t i = 0; i < L->n && !*pick; i++)
            if (has16(dev->v, dev->n, L->v[i]))
                *pick = L->v[i];
    }
}

static bool suite_uses_group(uint16_t version, uint16_t suite)
{
    if (version == 0x0304)
        return true;
    const struct td_suite_info *s = td_reg_suite(suite);
    return s && (s->kex == TD_KEX_ECDHE || s->kex == TD_KEX_ECDHE_PSK);
}

static void match_sni(const struct td_scan_result *r,
                      const struct td_client_hello *ch,
                      struct td_scan_match *m)
{
    m->device_sni = ch->sni;
    if (!ch->sni)
        m->sni_kind = r->sni_tests[TD_SCAN_SNI_NONE].kind;
    else if (r->sni && strcmp(ch->sni, r->sni) == 0)
        m->sni_kind = TD_SCAN_SNI_SAME_CERT;
    else
        m->sni_kind = r->sni_tests[TD_SCAN_SNI_DEVICE].kind;
}

void td_scan_match(const struct td_scan_result *r,
                   const struct td_client_hello *ch, struct td_scan_match *m)
{
    memset(m, 0, sizeof(*m));
    match_versions(r, ch, m);
    match_suites(r, ch, m);
    const struct td_scan_list *groups =
        m->version == 0x0304 ? &r->groups13 : &r->groups12;
    uint16_t group = 0;
    match_codes(&ch->groups, groups, &m->groups, &group);
    if (m->has_suite && suite_uses_group(m->version, m->suite))
        m->group = group;
    /* The schemes the server signs with, either key type, in the version
     * the two would speak: TLS 1.3's CertificateVerify schemes when the
     * scan read them from a decrypted flight, else TLS 1.2's. */
    static const struct td_scan_list none;
    const struct td_scan_key *kr = &r->keys[TD_SCAN_KEY_RSA];
    const struct td_scan_key *ke = &r->keys[TD_SCAN_KEY_ECDSA];
    bool v13 = m->version == 0x0304
               && (kr->sigalgs13.n || ke->sigalgs13.n);
    const struct td_scan_list *rsa = v13 ? &kr->sigalgs13 : &kr->sigalgs;
    const struct td_scan_list *ec = v13 ? &ke->sigalgs13 : &ke->sigalgs;
    m->sigalgs13 = v13;
    match_codes(&ch->sigalgs, ec->n ? ec : &none, &m->sigalgs, NULL);
    match_codes(&ch->sigalgs, rsa->n ? rsa : &none, &m->sigalgs, NULL);
    for (size_t i = 0; i < m->sigalgs.n; i++)
        m->sigalgs.v[i].server = has16(ec->v, ec->n, m->sigalgs.v[i].id)
                                 || has16(rsa->v, rsa->n,
                                          m->sigalgs.v[i].id);
    count_common(&m->sigalgs);
    match_sni(r, ch, m);
    m->device_mfl = ch->max_fragment_length;
    if (m->device_mfl)
        m->mfl_state = r->mfl.state;
}
