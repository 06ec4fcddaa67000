/* err.h - error codes of libtlsdiag and the process exit codes.
 *
 * Actions return an enum td_err (0 ok, negative on failure); predicates
 * return bool.  Bad input is data (warnings in the document); these codes
 * are for the cases where an action could not do its job at all.
 *
 * Exit codes are those of ../shared/CONTRACT.md; only cli.c maps to them.
 */
#ifndef TLSDIAG_ERR_H
#define TLSDIAG_ERR_H

enum td_err {
    TD_OK = 0,
    TD_ERR_NOMEM = -1,     /* allocation failed or an arena cap was hit */
    TD_ERR_IO = -2,        /* read/write failed (errno kept by caller) */
    TD_ERR_TRUNCATED = -3, /* input ended inside a structure */
    TD_ERR_MALFORMED = -4, /* input violates the format */
    TD_ERR_LIMIT = -5,     /* a configured size limit was exceeded */
    TD_ERR_USAGE = -6,     /* bad argument from the user */
    TD_ERR_EMPTY = -7,     /* input held nothing to work on */
    TD_ERR_NETWORK = -8,   /* resolve/connect/timeout */
};

/* Text for an enum td_err; never NULL. */
const char *td_strerror(int err);

enum td_exit {
    TD_EXIT_OK = 0,       /* read fine, no failed handshake */
    TD_EXIT_FAILED = 1,   /* a failed handshake was found and diagnosed */
    TD_EXIT_USAGE = 2,    /* usage error */
    TD_EXIT_INPUT = 3,    /* input unreadable or held no TLS handshake */
    TD_EXIT_NETWORK = 4,  /* probe/scan network error */
};

#endif
