/* from_input.c - `--from FILE` of probe and scan: the device's handshake
 * taken from an mbedTLS debug log or a capture.
 *
 * The file kind is told by content (pcap and pcapng magic numbers, else a
 * log), not by its name.  Every handshake of the file is decoded as
 * `log`/`pcap` would (not diagnosed: the caller runs the rules once it
 * knows what the probe proved); the one asked for is kept, the others
 * are freed as they come, so a large capture costs no more memory than
 * `tlsdiag pcap` does.
 */
#include "cli.h"
#include "msg.h"
#include "tlsdiag/err.h"
#include "tlsdiag/logparse.h"
#include "tlsdiag/pcapfe.h"
#include "tlsdiag/pcapin.h"
#include "tlsdiag/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (256u * 1024u)

struct pick {
    const char *input;
    int want;                  /* index asked for, -1: choose */
    unsigned index;            /* next index to give */
    unsigned seen;             /* handshakes seen */
    struct td_handshake *best; /* kept */
    int best_rank;             /* lower is better */
};

/* How good a handshake is to replay (lower is better): a failed one with
 * the hello's bytes, then a failed one rebuilt from text, then any with a
 * hello.  Without a ClientHello it cannot be replayed at all. */
static int rank(const struct td_handshake *hs)
{
    if (!hs->ch || hs->ch->sslv2)
        return 99;
    bool failed = hs->outcome == TD_OUTCOME_FAILED;
    bool bytes = hs->ch->raw != NULL;
    if (failed)
        return bytes ? 0 : 1;
    if (hs->outcome == TD_OUTCOME_INCOMPLETE)
        return bytes ? 2 : 3;
    return bytes ? 4 : 5;
}

static void keep(void *user, struct td_handshake *hs, bool from_log)
{
    struct pick *p = user;
    (void)from_log;
    hs->index = p->index++;
    p->seen++;
    bool take;
    if (p->want >= 0) {
        take = hs->index == (unsigned)p->want;
    } else {
        int r = rank(hs);
        take = r < 99 && (!p->best || r < p->best_rank);
        if (take)
            p->best_rank = r;
    }
    if (take) {
        if (p->best)
            td_hs_free(p->best);
        p->best = hs;
    } else {
        td_hs_free(hs);
    }
}

static void keep_log(void *user, struct td_handshake *hs)
{
    keep(user, hs, true);
}

static void keep_pcap(void *user, struct td_handshake *hs)
{
    keep(user, hs, false);
}

static bool is_capture(const uint8_t *m, size_t n)
{
    static const uint8_t magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap us */
        {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap ns */
        {0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng */
    };
    if (n < 4)
        return false;
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (memcmp(m, magics[i], 4) == 0)
            return true;
    return false;
}

static int read_log(FILE *f, struct td_doc *doc, struct pick *p)
{
    struct td_log *lp = td_log_new(doc, keep_log, p);
    if (lp)
        td_log_set_input(lp, p->input);
    char *buf = malloc(CHUNK);
    int rc = lp && buf ? TD_OK : TD_ERR_NOMEM;
    while (rc == TD_OK) {
        size_t n = fread(buf, 1, CHUNK, f);
        if (n > 0)
            rc = td_log_feed(lp, buf, n);
        if (n < CHUNK) {
            if (ferror(f))
                rc = TD_ERR_IO;
            break;
        }
    }
    if (lp && rc != TD_ERR_NOMEM)
        td_log_end(lp);
    td_log_free(lp);
    free(buf);
    return rc;
}

static int read_capture(const char *path, struct td_doc *doc, struct pick *p,
                        char *err, size_t errcap)
{
    struct td_pcapsrc *s = td_pcap_open_file(path, err, errcap);
    if (!s)
        return TD_ERR_IO;
    struct td_pcapfe *fe = td_pcapfe_new(doc, keep_pcap, p);
    struct td_flowtab *t =
        fe ? td_flowtab_new(td_pcapfe_callbacks(), fe, NULL) : NULL;
    int rc = t ? TD_OK : TD_ERR_NOMEM;
    if (t) {
        rc = td_pcap_run(s, t, 0, err, errcap);
        td_flowtab_end(t, NULL);
        td_flowtab_free(t);
    }
    td_pcapfe_free(fe);
    td_pcap_close(s);
    return rc;
}

struct td_handshake *td_cli_load_from(const char *cmd, const char *path,
                                      int index, int *exit_code)
{
    *exit_code = TD_EXIT_INPUT;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        td_msg_error("%s: is a directory; --from takes the device's debug "
                     "log or a capture", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        td_msg_error("%s: cannot open: %s; check the name and the "
                     "permissions", path, strerror(errno));
        return NULL;
    }
    uint8_t magic[4];
    size_t n = fread(magic, 1, sizeof(magic), f);
    rewind(f);
    struct td_doc doc;
    td_doc_init(&doc, cmd, "from", path);
    struct pick p = {.input = path, .want = index, .best_rank = 100};
    char err[512] = "";
    bool capture = is_capture(magic, n);
    int rc;
    if (capture) {
        fclose(f);
        rc = read_capture(path, &doc, &p, err, sizeof(err));
    } else {
        rc = read_log(f, &doc, &p);
        fclose(f);
        if (rc == TD_ERR_IO)
            snprintf(err, sizeof(err), "read error: %s", strerror(errno));
    }
    td_doc_free(&doc);
    const char *kind = capture ? "capture" : "mbedTLS debug log";
    if (rc && !p.best) {
        td_msg_error("%s: %s; --from takes the device's debug log or a "
                     "capture of its connection", path,
                     err[0] ? err : td_strerror(rc));
        return NULL;
    }
    if (rc)
        td_msg_warn("%s: %s; using what was read before it", path,
                    err[0] ? err : td_strerror(rc));
    if (!p.best) {
        if (index >= 0 && (unsigned)index < p.seen)
            td_msg_error("%s: handshake %d has no ClientHello to replay; "
                         "pick another with --handshake (0 to %u)", path,
                         index, p.seen - 1);
        else if (index >= 0 && p.seen == 1)
            td_msg_error("%s: no handshake %d (the %s has 1, numbered "
                         "from 0); use --handshake 0, or leave it out",
                         path, index, kind);
        else if (index >= 0 && p.seen > 0)
            td_msg_error("%s: no handshake %d (the %s has %u, numbered "
                         "from 0); use --handshake 0 to %u",
                         path, index, kind, p.seen, p.seen - 1);
        else if (index >= 0)
            td_msg_error("%s: no handshake %d (the %s has none); give the "
                         "device's debug log (level 2 or more) or a "
                         "capture of its connection", path, index, kind);
        else if (capture)
            td_msg_error("%s: no ClientHello to replay in this capture (%u "
                         "handshakes); capture from before the device "
                         "connects", path, p.seen);
        else
            td_msg_error("%s: no ClientHello to replay in this %s (%u "
                         "handshakes); is the debug level at least 2? "
                         "(mbedtls_debug_set_threshold(4) shows the bytes)",
                         path, kind, p.seen);
        return NULL;
    }
    if (!p.best->ch || p.best->ch->sslv2) {
        td_msg_error("%s: handshake %d has no %sClientHello to replay; "
                     "pick another with --handshake", path,
                     index, p.best->ch ? "TLS " : "");
        td_hs_free(p.best);
        return NULL;
    }
    *exit_code = TD_EXIT_OK;
    return p.best;
}
