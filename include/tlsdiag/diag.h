/* diag.h - the rule engine: a handshake model in, ranked findings out.
 *
 * Rules read the model (never print) and add findings with a likelihood,
 * a score for ranking, evidence and the fix for mbedTLS 2.28 and 3.6.
 * The engine sorts them, most likely first, and says why the first ones
 * rank as they do when their likelihood is the same.
 */
#ifndef TLSDIAG_DIAG_H
#define TLSDIAG_DIAG_H

#include "tlsdiag/model.h"

struct td_diag_opts {
    const char *input;      /* file name for "tlsdiag probe ... --from" */
    bool from_log;          /* the model came from a debug log */
};

/* Run every rule on hs and rank the findings.  0 or TD_ERR_NOMEM. */
int td_diag(struct td_handshake *hs, const struct td_diag_opts *o);

#endif
