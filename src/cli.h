/* cli.h - what every subcommand shares: global options and conventions.
 *
 * A command is `int fn(int argc, char **argv, struct td_cli *cli)`; argv[0]
 * is the command name.  It parses its own options with getopt_long (using
 * td_cli_common_options() for --json/--color/--help), writes its output to
 * cli->out, messages through msg.h, and returns an enum td_exit.
 */
#ifndef TLSDIAG_CLI_H
#define TLSDIAG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

struct td_cli {
    FILE *out;
    bool json;          /* --json */
    bool color;         /* resolved: colour escapes wanted on out */
    int color_mode;     /* -1 auto, 0 never, 1 always */
    bool verbose;       /* -v */
    int mbedtls_major;  /* --mbedtls 2|3, 0 when not given */
};

/* Long-option ids shared by every command (values above 255). */
enum {
    TD_OPT_JSON = 1000,
    TD_OPT_COLOR,
    TD_OPT_HELP,
    TD_OPT_MBEDTLS,
    TD_OPT_FIRST_COMMAND_OWN = 1100, /* commands number their own from here */
};

#define TD_CLI_COMMON_LONGOPTS                                    \
    {"json", no_argument, NULL, TD_OPT_JSON},                     \
    {"color", required_argument, NULL, TD_OPT_COLOR},             \
    {"colour", required_argument, NULL, TD_OPT_COLOR},            \
    {"help", no_argument, NULL, 'h'}

/* Handle a common option returned by getopt_long.  Returns 1 when handled,
 * 0 when c is not a common option, -1 on a bad value (message printed). */
int td_cli_common_option(struct td_cli *cli, int c, const char *arg);

/* Decide cli->color from color_mode, NO_COLOR and whether out is a TTY. */
void td_cli_resolve_color(struct td_cli *cli);
/* Columns for text output: the terminal's, else $COLUMNS, else 80
 * (between 60 and 200). */
unsigned td_cli_width(const struct td_cli *cli);

struct td_handshake;
/* Number a finished handshake and run the rule engine on it (log, pcap):
 * a failure of the engine becomes a warning on the handshake. */
void td_cli_diagnose(struct td_handshake *hs, unsigned *index,
                     const char *input, bool from_log);

/* Reset getopt for a new parse (commands are parsed after the globals). */
void td_cli_reset_getopt(void);

int td_cmd_hello(int argc, char **argv, struct td_cli *cli);
int td_cmd_explain(int argc, char **argv, struct td_cli *cli);
int td_cmd_log(int argc, char **argv, struct td_cli *cli);
int td_cmd_pcap(int argc, char **argv, struct td_cli *cli);
int td_cmd_probe(int argc, char **argv, struct td_cli *cli);
int td_cmd_scan(int argc, char **argv, struct td_cli *cli);

/* --from FILE of probe and scan: the handshake to replay from an mbedTLS
 * debug log or a pcap/pcapng capture (told apart by content), decoded and
 * diagnosed.  index >= 0: that handshake (numbered from 0 as `log` and
 * `pcap` print them); -1: the first failed handshake whose ClientHello
 * has its bytes, else the best other one with a ClientHello.  Returns the
 * handshake, numbered but not yet diagnosed (free with td_hs_free), or
 * NULL with the reason printed and *exit_code set (TD_EXIT_INPUT). */
struct td_handshake *td_cli_load_from(const char *cmd, const char *path,
                                      int index, int *exit_code);

#endif
