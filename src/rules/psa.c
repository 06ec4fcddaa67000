/* rules/psa.c - psa_not_initialised: mbedTLS 3.x uses PSA crypto for TLS
 * 1.3 (and more); before 3.6.1 the application had to call
 * psa_crypto_init() itself, otherwise the handshake fails with
 * PSA_ERROR_BAD_STATE (-137) or an internal error (-0x6C00). */
#include "diag_int.h"

void td_rule_psa(struct td_dctx *x)
{
    const struct td_mberr *e = td_dx_error(x, -137);
    bool internal = td_dx_error(x, -0x6C00) != NULL;
    if (!e && !(internal && x->hs->mbedtls_major >= 3
                && x->offer.max_version >= 0x0304))
        return;
    struct td_finding *f = td_dx_add(x, "psa_not_initialised",
                                     e ? TD_LIKELY : TD_POSSIBLE,
                                     e ? 90 : 50);
    td_dx_title(x, f, "PSA crypto was not initialised");
    td_dx_explain(x, f, "mbedTLS 3.x does TLS 1.3 cryptography through the "
                  "PSA API; without psa_crypto_init() its calls fail with "
                  "PSA_ERROR_BAD_STATE (-137), which the handshake reports "
                  "%s.", e ? "as such" : "as an internal error (-0x6C00)");
    td_dx_basis(x, f, "%s", e ? "the PSA error code names it"
                              : "an internal error in a 3.x TLS 1.3 "
                                "handshake is typical of it");
    td_dx_ev(x, f, e ? &e->where : &td_dx_error(x, -0x6C00)->where);
    td_dx_fix(x, f, "Call psa_crypto_init() once before the first "
              "handshake.", NULL,
              "psa_crypto_init() before mbedtls_ssl_setup() (3.6.1 and "
              "later call it themselves for TLS 1.3).");
}
