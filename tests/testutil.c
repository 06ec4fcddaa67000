/* testutil.c - see testutil.h. */
#include "testutil.h"

#include "hexin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *td_t_src(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("TD_SOURCE_DIR");
    snprintf(buf, sizeof(buf), "%s/%s", root ? root : TD_SOURCE_DIR, rel);
    return buf;
}

const char *td_t_shared(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("TD_SHARED_DIR");
    if (!root)
        return NULL;
    snprintf(buf, sizeof(buf), "%s/%s", root, rel);
    if (access(buf, R_OK) != 0)
        return NULL;
    return buf;
}

uint8_t *td_t_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    uint8_t *p = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *grown = realloc(p, cap + 1);
            if (!grown)
                free(p);
            assert_non_null(grown);
            p = grown;
        }
        size_t r = fread(p + len, 1, cap - len, f);
        if (r == 0)
            break;
        len += r;
    }
    fclose(f);
    p[len] = 0;
    *n = len;
    return p;
}

uint8_t *td_t_hex(const char *hex, size_t *n)
{
    struct td_bytebuf b = {0};
    char why[200];
    int rc = td_hexin_decode(hex, strlen(hex), TD_HEXIN_HEX, &b, NULL, why,
                             sizeof(why));
    if (rc != 0)
        fail_msg("bad test hex: %s", why);
    *n = b.n;
    return b.p;
}

uint8_t *td_t_read_hexfile(const char *path, size_t *n)
{
    size_t len;
    uint8_t *text = td_t_read(path, &len);
    struct td_bytebuf b = {0};
    char why[200];
    int rc = td_hexin_decode((const char *)text, len, TD_HEXIN_HEX, &b, NULL,
                             why, sizeof(why));
    free(text);
    if (rc != 0)
        fail_msg("bad hex file %s: %s", path, why);
    *n = b.n;
    return b.p;
}

uint8_t *td_t_seed_client_hello(const char *file, size_t *n)
{
    const char *path = td_t_shared(file);
    if (!path)
        return NULL;
    size_t len;
    char *text = (char *)td_t_read(path, &len);
    char *start = strstr(text, "dumping 'output record sent to network'");
    assert_non_null(start);
    char *end = strstr(start, "flush output");
    assert_non_null(end);
    struct td_bytebuf b = {0};
    char why[200];
    int rc = td_hexin_decode(start, (size_t)(end - start), TD_HEXIN_HEX, &b,
                             NULL, why, sizeof(why));
    if (rc)
        fail_msg("seed dump: %s", why);
    free(text);
    *n = b.n;
    return b.p;
}
