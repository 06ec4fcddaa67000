/* x509.h - the only caller of mbedTLS's X.509 parser. */
#ifndef TLSDIAG_X509_H
#define TLSDIAG_X509_H

#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/arena.h"
#include "tlsdiag/model.h"

/* Parse one DER certificate into out (strings allocated in a).  On a parse
 * failure out->parsed is false and out->parse_error says why; the function
 * still returns 0.  Returns TD_ERR_NOMEM when the arena is full. */
int td_x509_parse(struct td_arena *a, const uint8_t *der, size_t len,
                  struct td_cert *out);

#endif
