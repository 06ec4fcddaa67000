/* msg.h - every message to stderr goes through here. */
#ifndef TLSDIAG_MSG_H
#define TLSDIAG_MSG_H

/* "tlsdiag: error: ..." */
void td_msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tlsdiag: warning: ..." */
void td_msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tlsdiag: ..." (information for a person, e.g. "paste and press Ctrl-D") */
void td_msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* usage error: "tlsdiag CMD: message" plus "Try 'tlsdiag CMD --help'."
 * (cmd NULL: "tlsdiag: message", "Try 'tlsdiag --help'."). */
void td_msg_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
