/* cli.c - options every command shares, and the colour decision. */
#include "cli.h"

#include "msg.h"

#include "tlsdiag/diag.h"
#include "tlsdiag/model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int td_cli_common_option(struct td_cli *cli, int c, const char *arg)
{
    switch (c) {
    case TD_OPT_JSON:
        cli->json = true;
        return 1;
    case TD_OPT_COLOR:
        if (!arg || strcmp(arg, "auto") == 0)
            cli->color_mode = -1;
        else if (strcmp(arg, "always") == 0 || strcmp(arg, "yes") == 0)
            cli->color_mode = 1;
        else if (strcmp(arg, "never") == 0 || strcmp(arg, "no") == 0)
            cli->color_mode = 0;
        else {
            td_msg_usage(NULL, "--color takes auto, always or never, not "
                         "'%s'", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

void td_cli_resolve_color(struct td_cli *cli)
{
    if (cli->json) {
        cli->color = false;
        return;
    }
    if (cli->color_mode >= 0) {
        cli->color = cli->color_mode == 1;
        return;
    }
    /* https://no-color.org: any non-empty NO_COLOR disables colour. */
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) {
        cli->color = false;
        return;
    }
    const char *term = getenv("TERM");
    cli->color = isatty(fileno(cli->out)) && !(term && strcmp(term, "dumb")
                                               == 0);
}

unsigned td_cli_width(const struct td_cli *cli)
{
    /* The terminal's width when printing to one (TIOCGWINSZ), else
     * COLUMNS, else 80; kept within what the layout can use. */
    unsigned w = 0;
    struct winsize ws;
    if (isatty(fileno(cli->out)) &&
        ioctl(fileno(cli->out), TIOCGWINSZ, &ws) == 0)
        w = ws.ws_col;
    if (!w) {
        const char *c = getenv("COLUMNS");
        char *end;
        unsigned long v = c && *c ? strtoul(c, &end, 10) : 0;
        if (c && *c && !*end && v <= 1000)
            w = (unsigned)v;
    }
    if (!w)
        w = 80;
    return w < 60 ? 60 : w > 200 ? 200 : w;
}

void td_cli_reset_getopt(void)
{
    /* glibc: optind = 0 re-initialises getopt completely. */
    optind = 0;
    opterr = 1;
}

void td_cli_diagnose(struct td_handshake *hs, unsigned *index,
                     const char *input, bool from_log)
{
    struct td_diag_opts o = {.input = input, .from_log = from_log};
    hs->index = (*index)++;
    if (td_diag(hs, &o) != 0)
        td_hs_warn(hs, "out of memory while diagnosing");
}
