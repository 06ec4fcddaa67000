/* jsonw.h - streaming JSON writer.
 *
 * Escaping happens in one place (td_jw_strn).  Errors are sticky: after a
 * write error every call is a no-op and td_jw_error() reports it.  Commas
 * and indentation are managed by the writer; callers only say key/value.
 */
#ifndef TLSDIAG_JSONW_H
#define TLSDIAG_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TD_JW_MAXDEPTH 32

struct td_jsonw {
    FILE *f;
    int err;                    /* 0 or TD_ERR_IO / TD_ERR_LIMIT */
    int depth;
    bool pretty;
    bool after_key;             /* a key was written, value comes next */
    bool nonempty[TD_JW_MAXDEPTH];
    size_t blen;                /* bytes waiting in buf */
    char buf[16384];            /* one fwrite per 16 KiB, not per token */
};

void td_jw_init(struct td_jsonw *w, FILE *f, bool pretty);
void td_jw_obj_begin(struct td_jsonw *w);
void td_jw_obj_end(struct td_jsonw *w);
void td_jw_arr_begin(struct td_jsonw *w);
void td_jw_arr_end(struct td_jsonw *w);
/* key must be a plain identifier literal (it is written unescaped). */
void td_jw_key(struct td_jsonw *w, const char *key);
void td_jw_str(struct td_jsonw *w, const char *s);      /* NULL -> null */
void td_jw_strn(struct td_jsonw *w, const char *s, size_t n);
void td_jw_int(struct td_jsonw *w, int64_t v);
void td_jw_uint(struct td_jsonw *w, uint64_t v);
void td_jw_bool(struct td_jsonw *w, bool v);
void td_jw_null(struct td_jsonw *w);
void td_jw_hex(struct td_jsonw *w, const uint8_t *p, size_t n); /* "a1b2" */
/* A newline between top-level values (JSON Lines). */
void td_jw_raw_newline(struct td_jsonw *w);
/* Hand what is buffered to the FILE (after each streamed item). */
void td_jw_flush(struct td_jsonw *w);
/* Finish the document with a newline; returns the sticky error (0 ok). */
int td_jw_finish(struct td_jsonw *w);

/* Convenience: key + value. */
void td_jw_kstr(struct td_jsonw *w, const char *k, const char *s);
void td_jw_kint(struct td_jsonw *w, const char *k, int64_t v);
void td_jw_kbool(struct td_jsonw *w, const char *k, bool v);

#endif
