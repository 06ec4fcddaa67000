/* main.c - tlsdiag: command table and global options. */
#include "cli.h"
#include "config.h"
#include "msg.h"
#include "schema/schema.h"

#include "tlsdiag/err.h"

#include <mbedtls/version.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*fn)(int argc, char **argv, struct td_cli *cli);
    const char *summary;
};

static const struct command commands[] = {
    {"log", td_cmd_log,
     "diagnose every handshake in an mbedTLS debug log"},
    {"pcap", td_cmd_pcap,
     "every TLS handshake in a pcap/pcapng capture, diagnosed"},
    {"hello", td_cmd_hello,
     "decode TLS bytes (hex, base64, hexdump or binary file)"},
    {"probe", td_cmd_probe,
     "replay the device's hello against the live server; prove the cause"},
    {"scan", td_cmd_scan,
     "what a TLS server accepts, in few connections"},
    {"explain", td_cmd_explain,
     "explain TLS alerts, mbedTLS error codes and X.509 verify flags"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: tlsdiag [--json] [-v] [--color=WHEN] COMMAND [OPTIONS] "
            "[ARGS]\n"
            "       tlsdiag --version | --help | --json-schema\n"
            "\n"
            "Tells why a TLS handshake of an mbedTLS device failed, and how "
            "to fix it.\n"
            "\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\nOptions for every command:\n"
            "  --json            print the JSON document (see README)\n"
            "  -v, --verbose     more detail (log, pcap, probe, scan); also "
            "after COMMAND\n"
            "  --color=WHEN      auto (default), always or never; NO_COLOR "
            "is honoured\n"
            "  -h, --help        help for tlsdiag or for COMMAND\n"
            "  --version         version, with the mbedTLS and libpcap "
            "versions\n"
            "  --json-schema     the JSON Schema of the --json document\n"
            "\nExit status: 0 no failed handshake, 1 failed handshake "
            "diagnosed,\n"
            "2 usage error, 3 input unreadable or without TLS, 4 network "
            "error.\n"
            "Run 'tlsdiag COMMAND --help' for a command's options.\n");
}

static void version(void)
{
    char mbed[32];
    mbedtls_version_get_string(mbed);
    printf("tlsdiag %s (mbed TLS %s, %s)\n", TD_VERSION, mbed,
           pcap_lib_version());
}

/* The schema's bytes as the repository holds them. */
static int print_schema(void)
{
    if (fwrite(td_json_schema, 1, td_json_schema_len, stdout)
            != td_json_schema_len
        || fflush(stdout) != 0) {
        td_msg_error("cannot write the schema to standard output");
        return TD_EXIT_INPUT;
    }
    return TD_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct td_cli cli = {.out = stdout, .color_mode = -1};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--version") == 0) {
            version();
            return TD_EXIT_OK;
        } else if (strcmp(a, "--json-schema") == 0) {
            return print_schema();
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return TD_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            cli.json = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            cli.verbose = true;
        } else if (strncmp(a, "--color=", 8) == 0
                   || strncmp(a, "--colour=", 9) == 0) {
            if (td_cli_common_option(&cli, TD_OPT_COLOR,
                                     strchr(a, '=') + 1) < 0)
                return TD_EXIT_USAGE;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else {
            td_msg_usage(NULL, "unknown option '%s'", a);
            return TD_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return TD_EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(argv[i], commands[k].name) == 0) {
            /* getopt names argv[0] in its messages: "tlsdiag log:
             * unrecognized option '--x'". */
            char label[32];
            snprintf(label, sizeof(label), "tlsdiag %s", commands[k].name);
            argv[i] = label;
            td_cli_reset_getopt();
            return commands[k].fn(argc - i, argv + i, &cli);
        }
    }
    td_msg_usage(NULL, "unknown command '%s'; the commands are log, pcap, "
                 "hello, probe, scan and explain", argv[i]);
    return TD_EXIT_USAGE;
}
