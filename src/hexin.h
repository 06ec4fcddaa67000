/* hexin.h - turn text a user pasted into bytes.
 *
 * Accepts hex with or without separators (spaces, colons, commas, dashes),
 * 0x prefixes and \x escapes, C array syntax ({0x16, 0x03}), hexdump-style
 * lines with an offset column and an ASCII column (mbedTLS debug dumps with
 * any line prefix, `xxd`, `hexdump -C`, `od -Ax -tx1`, Wireshark "Copy as
 * Hex Dump"), and base64 (with or without PEM armour).
 */
#ifndef TLSDIAG_HEXIN_H
#define TLSDIAG_HEXIN_H

#include <stddef.h>
#include <stdint.h>

enum td_hexin_mode {
    TD_HEXIN_AUTO,      /* hex when the text reads as hex, else base64 */
    TD_HEXIN_HEX,
    TD_HEXIN_BASE64,
};

struct td_bytebuf {
    uint8_t *p;
    size_t n;
    size_t cap;
    size_t max;         /* growth cap; 0 = 64 MiB */
};

void td_bytebuf_free(struct td_bytebuf *b);
/* Append; TD_ERR_NOMEM or TD_ERR_LIMIT on failure. */
int td_bytebuf_append(struct td_bytebuf *b, const void *p, size_t n);

/* Decode text[0..len) and APPEND the bytes to out.  Returns 0 on success;
 * TD_ERR_MALFORMED when the text is neither hex nor base64 (why[] says
 * where: "line 3, column 7: 'g' is not a hex digit"), TD_ERR_EMPTY when it
 * holds no bytes, TD_ERR_NOMEM/TD_ERR_LIMIT.  *used_base64 (may be NULL)
 * is set to 1 when base64 was used. */
int td_hexin_decode(const char *text, size_t len, enum td_hexin_mode mode,
                    struct td_bytebuf *out, int *used_base64,
                    char *why, size_t whylen);

#endif
