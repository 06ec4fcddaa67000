/* render_scan.h - the output of `tlsdiag scan` (text and JSON). */
#ifndef TLSDIAG_RENDER_SCAN_H
#define TLSDIAG_RENDER_SCAN_H

#include <stdbool.h>
#include <stdio.h>

#include "tlsdiag/model.h"
#include "tlsdiag/scan.h"

/* What the renderers show beside the result. */
struct td_scan_view {
    FILE *out;
    bool color;
    bool verbose;               /* -v: every connection */
    unsigned width;             /* 0: 80 */
    const char *input_name;     /* "host:port" */
    /* --from: the device's handshake, its match, where it came from */
    const struct td_handshake *device;
    const struct td_scan_match *match;
    const char *from;
    int from_index;             /* the handshake's index, -1 unknown */
    const char *const *warnings;    /* document warnings */
    size_t n_warnings;
};

/* Text for a person.  Returns 0 or TD_ERR_IO. */
int td_scan_render_text(const struct td_scan_view *v,
                        const struct td_scan_result *r);

/* The contract's document with "command": "scan", "input" {"kind":
 * "live"}, "handshakes" (the device's handshake with --from, else empty)
 * and the "scan" object (README "scan").  Returns 0 or TD_ERR_IO. */
int td_scan_render_json(const struct td_scan_view *v,
                        const struct td_scan_result *r);

#endif
