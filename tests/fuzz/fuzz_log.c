/* fuzz_log.c - the mbedTLS debug-log parser, fed in two chunks (split at
 * a position taken from the first byte) so line assembly across feeds is
 * exercised; every emitted handshake is diagnosed too, as `tlsdiag log`
 * does. */
#include "tlsdiag/diag.h"
#include "tlsdiag/logparse.h"
#include "tlsdiag/render.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void emit(void *user, struct td_handshake *hs)
{
    struct td_diag_opts o = {.input = "fuzz", .from_log = true};
    (void)user;
    td_diag(hs, &o);
    td_hs_free(hs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t cut = data[0] % (size + 1);
    data++;
    size--;
    if (cut > size)
        cut = size;
    struct td_doc doc;
    td_doc_init(&doc, "log", "mbedtls-log", "fuzz");
    struct td_log *lp = td_log_new(&doc, emit, NULL);
    if (lp) {
        td_log_feed(lp, (const char *)data, cut);
        td_log_feed(lp, (const char *)data + cut, size - cut);
        td_log_end(lp);
        td_log_free(lp);
    }
    td_doc_free(&doc);
    return 0;
}
