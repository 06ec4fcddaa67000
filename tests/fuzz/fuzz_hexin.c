/* fuzz_hexin.c - libFuzzer target for td_hexin_decode.
 *
 * Runs the input through the three modes with a small output cap and
 * checks the contract: a known return code, why[] always terminated, no
 * output left behind on failure, and never more bytes than the cap.
 */
#include "hexin.h"
#include "tlsdiag/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum td_hexin_mode modes[] = {
        TD_HEXIN_AUTO,
        TD_HEXIN_HEX,
        TD_HEXIN_BASE64,
    };

    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        struct td_bytebuf b = {.max = FUZZ_MAX};
        char why[128];
        int b64 = -1;
        memset(why, 'X', sizeof(why));
        int rc = td_hexin_decode((const char *)data, size, modes[m], &b, &b64,
                                 why, sizeof(why));
        if (rc != TD_OK && rc != TD_ERR_MALFORMED && rc != TD_ERR_EMPTY &&
            rc != TD_ERR_LIMIT && rc != TD_ERR_NOMEM)
            abort();
        if (!memchr(why, '\0', sizeof(why)))
            abort();
        if (b.n > FUZZ_MAX || (rc != TD_OK && b.n != 0))
            abort();
        if (b64 != 0 && b64 != 1)
            abort();
        if (rc == TD_OK && (b.n == 0 || (b64 && modes[m] == TD_HEXIN_HEX)))
            abort();
        td_bytebuf_free(&b);
    }
    return 0;
}
