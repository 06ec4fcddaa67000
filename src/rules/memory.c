/* rules/memory.c - memory: the device ran out of heap, not the server's
 * fault.  -0x7F00 SSL_ALLOC_FAILED, -0x3F80 PK_ALLOC_FAILED, -0x2880
 * X509_ALLOC_FAILED, -0x0010 MPI_ALLOC_FAILED and the high-level codes
 * that carry it in their low part (-0x4290 = RSA public failed + MPI
 * alloc), "alloc(N bytes) failed". */
#include "diag_int.h"

static bool is_alloc(int32_t code)
{
    int32_t v = -code;
    if (v == 0x7F00 || v == 0x3F80 || v == 0x2880 || v == 0x0010
        || v == 0x4F80 /* ECP_ALLOC_FAILED */ || v == 0x6180 /* CIPHER */
        || v == 0x5180 /* MD */)
        return true;
    return (v & 0x7f) == 0x10 && (v & 0xff80) != 0;
}

void td_rule_memory(struct td_dctx *x)
{
    const struct td_handshake *hs = x->hs;
    const struct td_note *n = td_hs_find_note(hs, TD_NOTE_ALLOC_FAILED);
    const struct td_mberr *e = NULL;
    for (size_t i = 0; i < hs->errors.n && !e; i++)
        if (is_alloc(hs->errors.v[i].code))
            e = &hs->errors.v[i];
    if (!n && !e)
        return;
    struct td_finding *f = td_dx_add(x, "memory", TD_LIKELY, 97);
    td_dx_title(x, f, "The device ran out of memory during the handshake");
    td_dx_explain(x, f, "An allocation failed%s. A TLS handshake needs the "
                  "two record buffers (about 16 KB each by default), the "
                  "server's certificate chain and the big-number work of "
                  "RSA or ECC at once; this is the device's heap, not the "
                  "server.", n && n->a ? td_dx_fmt(x, " (%lld bytes asked "
                                                   "for)", (long long)n->a)
                                       : "");
    td_dx_basis(x, f, "the library reports the failed allocation");
    if (n)
        td_dx_ev(x, f, &n->where);
    if (e)
        td_dx_ev(x, f, &e->where);
    td_dx_fix(x, f, "Give mbedTLS more heap, or need less: smaller output "
              "buffer, no copy of the peer certificate, ECC instead of "
              "RSA-4096.",
              "Raise the heap (MBEDTLS_MEMORY_BUFFER_ALLOC_C pool or the "
              "RTOS heap); MBEDTLS_SSL_OUT_CONTENT_LEN 4096, keep "
              "MBEDTLS_SSL_IN_CONTENT_LEN 16384, disable "
              "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, enable "
              "MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH.",
              "Raise the heap (MBEDTLS_MEMORY_BUFFER_ALLOC_C pool or the "
              "RTOS heap); in mbedtls_config.h: MBEDTLS_SSL_OUT_CONTENT_LEN "
              "4096, keep MBEDTLS_SSL_IN_CONTENT_LEN 16384, disable "
              "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, enable "
              "MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH.");
}
