/* fuzz_x509.c - mbedTLS X.509 through td_x509_parse, including the
 * bounded DER fallback for certificates mbedTLS 2.28 rejects.  A failed
 * parse must always say why. */
#include "x509.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct td_arena a;
    struct td_cert c = {0};
    td_arena_init(&a, 1u << 20);
    int rc = td_x509_parse(&a, data, size, &c);
    if (rc != 0 && rc != -1)
        abort();
    if (rc == 0 && !c.parsed && !c.parse_error)
        abort();
    td_arena_free(&a);
    return 0;
}
