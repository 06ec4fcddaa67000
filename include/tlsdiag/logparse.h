/* logparse.h - mbedTLS debug logs into handshake models.
 *
 * Streaming: bytes are fed in any chunking; every complete handshake is
 * handed to the emit callback (which owns it from then on) as soon as the
 * next one starts or the input ends, so memory is bounded by one handshake
 * however long the log is.
 *
 * Lines are read whatever their prefix (file:line: |level|, ESP-IDF,
 * Zephyr, SEGGER RTT, Mbed OS trace, none), with CRLF, ANSI colour, tabs,
 * blank lines between lines and printf failures (`zu`).  Hexdumps of
 * records are reassembled and decoded by the one TLS decoder; without
 * dumps the ClientHello is rebuilt from the text lines and marked
 * incomplete.
 */
#ifndef TLSDIAG_LOGPARSE_H
#define TLSDIAG_LOGPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "tlsdiag/model.h"
#include "tlsdiag/render.h"

struct td_log;

/* Takes ownership of hs (render it, then td_hs_free it). */
typedef void (*td_log_emit_fn)(void *user, struct td_handshake *hs);

struct td_log_stats {
    uint64_t lines;          /* lines read */
    uint64_t mbedtls_lines;  /* lines recognised as mbedTLS output */
    uint64_t handshakes;     /* handshakes emitted */
    uint64_t bytes;
    uint64_t long_lines;     /* lines cut at the length cap */
    uint64_t first_long_line;   /* the first of them (1-based) */
};

/* New parser; input-level warnings go to doc (may be NULL).  NULL when
 * out of memory. */
struct td_log *td_log_new(struct td_doc *doc, td_log_emit_fn emit,
                          void *user);
/* Feed n bytes; 0 or TD_ERR_NOMEM. */
int td_log_feed(struct td_log *lp, const char *p, size_t n);
/* End of input: emits the last handshake.  0 or TD_ERR_NOMEM. */
int td_log_end(struct td_log *lp);
void td_log_stats(const struct td_log *lp, struct td_log_stats *st);
/* The log's name ("-": standard input) for messages and the handshakes'
 * input; not copied: it outlives the parser and its handshakes. */
void td_log_set_input(struct td_log *lp, const char *name);
void td_log_free(struct td_log *lp);

#endif
