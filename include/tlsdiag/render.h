/* render.h - the two renderers (text, JSON) behind one table.
 *
 * Front ends fill models and hand each finished handshake to
 * td_render_handshake(); only renderers print.  Output streams: a
 * handshake is printed as soon as it is complete, then freed by the
 * caller, so memory does not grow with the input.
 */
#ifndef TLSDIAG_RENDER_H
#define TLSDIAG_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "tlsdiag/arena.h"
#include "tlsdiag/model.h"

/* A server (and the name asked for) that failed handshakes, counted. */
struct td_probe_run;

struct td_doc_peer {
    const char *server;
    const char *sni;
    unsigned count;
};

struct td_doc_cause {
    const char *id;
    const char *title;
    const char *fix;
    const char *also;       /* the runner-up when it is as likely */
    unsigned count;
};

/* One of several inputs joined into one byte stream (hello): where it
 * starts in the stream. */
struct td_doc_part {
    const char *name;
    uint64_t start;
};

/* The document around the handshakes (CONTRACT.md "Document"). */
struct td_doc {
    struct td_arena arena;
    const char *command;        /* "hello", "log", "pcap", ... */
    const char *input_kind;     /* "hex", "mbedtls-log", "pcap", "live" */
    const char *input_name;     /* file name, "-" or host:port */
    td_strvec warnings;
    td_u8vec warning_from_hs;   /* per warning: 1 when a handshake's */
    /* hello: the inputs in the order they were joined; a byte offset in
     * a handshake warning is named by the input it falls in.  Not
     * owned. */
    const struct td_doc_part *parts;
    size_t nparts;
    unsigned handshakes;        /* rendered so far */
    unsigned failed;            /* of which outcome failed */
    /* The first finding of each failed handshake, counted by id, for the
     * verdict at the end (bounded by the number of distinct ids). */
    TD_VEC(struct td_doc_cause) causes;
    TD_VEC(struct td_doc_peer) peers;   /* failed handshakes, capped */
    /* probe: the attempts and what they proved (probe.h), printed after
     * the handshake */
    const struct td_probe_run *probe;
    /* what the front end counted (captures) */
    struct {
        uint64_t packets, flows, tls_flows, dtls_flows, quic_flows, gaps;
        /* connections closed before their end by a memory cap: the flow
         * table was full; open handshakes held too much */
        uint64_t evicted_flows, evicted_handshakes;
    } stats;
};

void td_doc_init(struct td_doc *d, const char *command, const char *kind,
                 const char *name);
void td_doc_free(struct td_doc *d);
/* The input's name: names[0..n) joined by spaces. */
void td_doc_set_inputs(struct td_doc *d, char *const *names, int n);
/* A warning about the input.  Write it "<input>: <place>: <what
 * happened>; <what to do>" (td_input_label() names the input). */
void td_doc_warn(struct td_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct td_render_opts {
    FILE *out;
    bool json;
    bool jsonl;         /* one compact JSON handshake per line */
    bool pretty;        /* JSON indentation */
    bool color;         /* ANSI colour in text */
    bool verbose;       /* text: every field of every message */
    unsigned width;     /* terminal columns, 0 = 80 */
    unsigned list_max;  /* text, pcap without -v: list at most this many
                         * handshakes (one line each), count the rest;
                         * 0 lists all */
};

struct td_render;
struct td_renderer {
    void (*begin)(struct td_render *r, struct td_doc *d);
    void (*handshake)(struct td_render *r, struct td_doc *d,
                      const struct td_handshake *hs);
    void (*end)(struct td_render *r, struct td_doc *d);
};

struct td_render {
    const struct td_renderer *vt;
    struct td_render_opts o;
    void *state;        /* renderer-private */
    int err;            /* sticky output error */
};

/* Set up the text or JSON renderer; 0 or TD_ERR_NOMEM. */
int td_render_init(struct td_render *r, const struct td_render_opts *o);
void td_render_begin(struct td_render *r, struct td_doc *d);
/* Render hs; its warnings are added to the document's, each as "<input>:
 * handshake N[, <place>]: <warning>" (the input: hs->input, else the
 * document's). */
void td_render_handshake(struct td_render *r, struct td_doc *d,
                         const struct td_handshake *hs);
/* Finish; returns 0 or TD_ERR_IO. Frees renderer state. */
int td_render_end(struct td_render *r, struct td_doc *d);

#endif
