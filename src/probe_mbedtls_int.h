/* probe_mbedtls_int.h - what the handshake (probe_mbedtls.c) and the chain
 * verification (probe_verify.c) share.
 *
 * Both verify through mbedTLS with a verify callback (td_pm_vrfy_cb) that
 * copies, for each certificate of the verified path, its DER and its own
 * flags, and at depth 0 the whole chain the peer sent.  Copies, because in
 * 2.28 a chain that fails verification with authmode REQUIRED is freed
 * inside mbedtls_ssl_handshake(): nothing of it can be read afterwards.
 */
#ifndef TLSDIAG_PROBE_MBEDTLS_INT_H
#define TLSDIAG_PROBE_MBEDTLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/x509_crt.h>

#include "tlsdiag/arena.h"
#include "tlsdiag/probembedtls.h"

/* Certificates of the peer's chain kept (a longer chain is not examined
 * beyond this; mbedTLS itself walks at most 10). */
#define TD_PM_MAX_SENT 16u

struct td_pm_vrec {
    struct td_pm_verify *out;
    const mbedtls_x509_crt *ca;     /* the trust list, to tell anchors */
    struct td_arena *a;             /* where the DER copies live */
    size_t n_sent;                  /* copies kept (out->n_sent: all) */
    const uint8_t *sent[TD_PM_MAX_SENT];
    size_t sent_len[TD_PM_MAX_SENT];
    const uint8_t *path[TD_PM_MAX_PATH];
    size_t path_len[TD_PM_MAX_PATH];
    unsigned calls;                 /* callback calls: a chain was checked */
    bool nomem;
};

void td_pm_vrec_init(struct td_pm_vrec *v, struct td_pm_verify *out,
                     const mbedtls_x509_crt *ca, struct td_arena *a);

/* mbedTLS verify callback (mbedtls_ssl_conf_verify() and
 * mbedtls_x509_crt_verify()); ctx is a struct td_pm_vrec.  Records, never
 * changes the flags; returns 0. */
int td_pm_vrfy_cb(void *ctx, mbedtls_x509_crt *crt, int depth,
                  uint32_t *flags);

/* Read the CA file (NULL: TD_PM_DEFAULT_CA) into ca, counting what was
 * loaded and skipped into out.  TD_ERR_USAGE with out->message naming the
 * file and the mbedTLS error when nothing usable was read. */
int td_pm_load_ca(const char *file, mbedtls_x509_crt *ca,
                  struct td_pm_verify *out);

/* Verify the copies in v->sent against ca and hostname (NULL: no name)
 * as the 2.28 SSL layer does for a server certificate, path records
 * afresh; *flags gets the result.  TD_ERR_USAGE (out->message) when a
 * copy does not parse, TD_ERR_NOMEM. */
int td_pm_verify_sent(struct td_pm_vrec *v, mbedtls_x509_crt *ca,
                      const char *hostname, uint32_t *flags);

/* Fill v->out from flags and the records: the path's names and dates,
 * one explained entry per set bit, the causes in order, and for an
 * untrusted chain why (names in the sent chain against ca).  Sets
 * out->done and out->flags.  TD_ERR_NOMEM when the arena is full. */
int td_pm_explain(struct td_pm_vrec *v, const mbedtls_x509_crt *ca,
                  const char *ca_file, const char *hostname, uint32_t flags);

#endif
