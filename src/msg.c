/* msg.c - stderr messages; see msg.h. */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    fputs("tlsdiag: ", stderr);
    if (kind)
        fputs(kind, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void td_msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}

void td_msg_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

void td_msg_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void td_msg_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* "tlsdiag pcap: --port takes ...", as getopt names the command. */
    if (cmd)
        fprintf(stderr, "tlsdiag %s: ", cmd);
    else
        fputs("tlsdiag: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'tlsdiag %s --help'.\n", cmd);
    else
        fputs("Try 'tlsdiag --help'.\n", stderr);
}
