/* err.c - td_strerror. */
#include "tlsdiag/err.h"

const char *td_strerror(int err)
{
    switch (err) {
    case TD_OK: return "success";
    case TD_ERR_NOMEM: return "out of memory";
    case TD_ERR_IO: return "input/output error";
    case TD_ERR_TRUNCATED: return "input ends inside a structure";
    case TD_ERR_MALFORMED: return "malformed input";
    case TD_ERR_LIMIT: return "size limit exceeded";
    case TD_ERR_USAGE: return "usage error";
    case TD_ERR_EMPTY: return "no data";
    case TD_ERR_NETWORK: return "network error";
    default: return "unknown error";
    }
}
