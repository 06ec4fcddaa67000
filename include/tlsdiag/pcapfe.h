/* pcapfe.h - the capture front end: TCP/UDP flows (pcapin.h) in, one
 * handshake model per TLS handshake out.
 *
 * TLS is found by content on any port (a flow whose first bytes form a
 * TLS record, or that switches to TLS after a plain-text STARTTLS
 * exchange).  Each handshake is handed to the emit callback (which owns
 * it) when its connection closes, when the next handshake starts on the
 * same connection, or when the capture ends; a connection's state is freed
 * with it, so memory follows the number of live connections.  DTLS and
 * QUIC flows are recognised and counted, not decoded.
 *
 * The open handshakes together hold at most max_held bytes (their models,
 * record and message buffers, the per-connection state): beyond, the
 * least recently active connection's handshake is handed to emit at once,
 * with a warning saying so, and the rest of that connection is ignored
 * (counted in `evicted`).  A million half-open connections thus cost
 * max_held plus the flow table's own caps (pcapin.h), not a handshake
 * each.
 */
#ifndef TLSDIAG_PCAPFE_H
#define TLSDIAG_PCAPFE_H

#include <stdbool.h>
#include <stdint.h>

#include "tlsdiag/model.h"
#include "tlsdiag/pcapin.h"
#include "tlsdiag/render.h"

typedef void (*td_pcapfe_emit_fn)(void *user, struct td_handshake *hs);

/* Default cap of the bytes held by open handshakes. */
#define TD_PCAPFE_DEF_MAX_HELD ((size_t)64 << 20)

struct td_pcapfe_stats {
    uint64_t tls_flows, handshakes;
    uint64_t dtls_flows, quic_flows, other_flows;
    uint64_t starttls_flows;
    uint64_t evicted;           /* handshakes emitted early: max_held */
    uint64_t flows_closed_early;    /* connections the flow table evicted
                                     * while their handshake was open */
    size_t held, peak_held;     /* bytes held by open handshakes */
};

struct td_pcapfe;
/* Warnings about the input go to doc (may be NULL). */
struct td_pcapfe *td_pcapfe_new(struct td_doc *doc, td_pcapfe_emit_fn emit,
                                void *user);
/* The file being read (not copied: it outlives the front end): messages
 * and each handshake started from here on name it. */
void td_pcapfe_set_input(struct td_pcapfe *fe, const char *name);
/* Change the cap of the bytes held by open handshakes (0: the default,
 * TD_PCAPFE_DEF_MAX_HELD). */
void td_pcapfe_set_max_held(struct td_pcapfe *fe, size_t max_held);
/* The callbacks to give td_flowtab_new() with the front end as ctx. */
const struct td_flow_cb *td_pcapfe_callbacks(void);
void td_pcapfe_stats(const struct td_pcapfe *fe, struct td_pcapfe_stats *st);
void td_pcapfe_free(struct td_pcapfe *fe);

#endif
