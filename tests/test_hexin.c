/* test_hexin.c - pasted text to bytes: one row per vector. */
#include "testutil.h"

#include "hexin.h"
#include "tlsdiag/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The ClientHello of seed-logs/stm32-google-sni.log (122 bytes). */
#define SEED_HELLO                                                             \
    "16 03 03 00 75 01 00 00 71 03 03 88 d9 c4 b1 4f "                         \
    "82 ef a2 74 80 5c 6e 3f c4 29 ca a4 8d 61 2b f6 "                         \
    "37 ec 93 39 cb 7d d0 39 5a 67 9b 00 00 0a c0 2b "                         \
    "c0 31 c0 2d 00 a8 00 ff 01 00 00 3e 00 00 00 16 "                         \
    "00 14 00 00 11 6d 62 65 64 20 54 4c 53 20 53 65 "                         \
    "72 76 65 72 20 31 00 0d 00 0a 00 08 04 03 04 01 "                         \
    "03 03 03 01 00 0a 00 04 00 02 00 17 00 0b 00 02 "                         \
    "01 00 00 16 00 00 00 17 00 00"

/* 40 bytes: 16 03 01 00 23 then 'abcdef0123456789' and so on. */
#define ABC40                                                                  \
    "16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34 "                         \
    "35 36 37 38 39 20 ab cd ef 00 11 22 33 44 55 66 "                         \
    "77 88 99 aa bb cc dd ee"

struct vec {
    const char *name;
    enum td_hexin_mode mode;
    const char *in;
    int rc;
    const char *want; /* expected bytes, "hh hh ..." (rc 0) */
    int b64;          /* expected *used_base64 */
    const char *why;  /* substring of why[] (rc != 0) */
};

static const struct vec vecs[] = {
    /* ---- plain hex ---- */
    {"spaces", TD_HEXIN_AUTO, "16 03 01 00 05", 0, "16 03 01 00 05", 0, NULL},
    {"no separators", TD_HEXIN_AUTO, "16030100", 0, "16 03 01 00", 0, NULL},
    {"colons", TD_HEXIN_AUTO, "16:03:01:00", 0, "16 03 01 00", 0, NULL},
    {"commas", TD_HEXIN_AUTO, "16,03,01,00", 0, "16 03 01 00", 0, NULL},
    {"dashes", TD_HEXIN_AUTO, "16-03-01-00", 0, "16 03 01 00", 0, NULL},
    {"tabs, CRLF, newlines", TD_HEXIN_AUTO, "16\t03\r\n01\n\n00\r\n", 0,
     "16 03 01 00", 0, NULL},
    {"upper case", TD_HEXIN_AUTO, "16 03 AB Cd", 0, "16 03 ab cd", 0, NULL},
    {"no-break space", TD_HEXIN_AUTO,
     "16\xc2\xa0"
     "03\xe2\x80\x8b"
     "01",
     0, "16 03 01", 0, NULL},
    {"0x prefixes", TD_HEXIN_AUTO, "0x16, 0x03, 0X01, 0x00", 0, "16 03 01 00",
     0, NULL},
    {"0x one digit", TD_HEXIN_AUTO, "0x16,0x3,0x1,0x0", 0, "16 03 01 00", 0,
     NULL},
    {"0x many digits", TD_HEXIN_AUTO, "0x16030100 0x7501", 0,
     "16 03 01 00 75 01", 0, NULL},
    {"\\x escapes", TD_HEXIN_AUTO, "\\x16\\x03\\x01\\x00", 0, "16 03 01 00", 0,
     NULL},
    {"C string literals", TD_HEXIN_AUTO, "\"\\x16\\x03\"\n\"\\x01\\x00\"", 0,
     "16 03 01 00", 0, NULL},
    {"Python bytes repr", TD_HEXIN_AUTO, "b'\\x16\\x03\\x01\\x00u\\n'", 0,
     "16 03 01 00 75 0a", 0, NULL},
    {"quoted hex", TD_HEXIN_AUTO, "\"16030100\"", 0, "16 03 01 00", 0, NULL},
    {"C array braces", TD_HEXIN_AUTO, "{ 0x16, 0x03, 0x01, 0x00 }", 0,
     "16 03 01 00", 0, NULL},
    {"C array declaration", TD_HEXIN_AUTO,
     "static const uint8_t hello[4] = {\n"
     "    0x16, 0x03, /* type, version */\n"
     "    0x01, 0x00, // more\n"
     "};\n",
     0, "16 03 01 00", 0, NULL},
    {"xxd -i", TD_HEXIN_AUTO,
     "unsigned char s_bin[] = {\n"
     "  0x16, 0x03, 0x01, 0x00\n"
     "};\n"
     "unsigned int s_bin_len = 4;\n",
     0, "16 03 01 00", 0, NULL},
    {"uint8_t x[] one line", TD_HEXIN_AUTO, "uint8_t x[] = {0x16,0x03};", 0,
     "16 03", 0, NULL},

    /* ---- dumps ---- */
    {"mbedTLS |4| prefix, blank lines, CRLF", TD_HEXIN_AUTO,
     "ssl_msg.c:2950: |4| dumping 'output record sent to network' "
     "(40 bytes)\r\n\r\n"
     "ssl_msg.c:2950: |4| 0000:  16 03 01 00 23 61 62 63 64 65 66 30 31 "
     "32 33 34  ....#abcdef01234\r\n\r\n"
     "ssl_msg.c:2950: |4| 0010:  35 36 37 38 39 20 ab cd ef 00 11 22 33 "
     "44 55 66  56789 ....\"3DUf\r\n\r\n"
     "ssl_msg.c:2950: |4| 0020:  77 88 99 aa bb cc dd ee                "
     "          w.......\r\n",
     0, ABC40, 0, NULL},
    {"mbedTLS bare (STM32 console)", TD_HEXIN_AUTO,
     "  dumping 'output record sent to network' (40 bytes)\n"
     "  0000:  16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34  "
     "....#abcdef01234\n"
     "  0010:  35 36 37 38 39 20 ab cd ef 00 11 22 33 44 55 66  "
     "56789 ....\"3DUf\n"
     "  0020:  77 88 99 aa bb cc dd ee                          "
     "w.......\n",
     0, ABC40, 0, NULL},
    {"ESP-IDF prefix", TD_HEXIN_AUTO,
     "D (1234) mbedtls: ssl_msg.c:4078 dumping 'x' (18 bytes)\n"
     "D (1234) mbedtls: ssl_msg.c:4078 0000:  16 03 03 00 0d 0b 00 00 "
     "09 00 00 06 00 03 61 62  ..............ab\n"
     "\n"
     "D (1235) mbedtls: ssl_msg.c:4078 0010:  63 64                      "
     "                      cd\n",
     0, "16 03 03 00 0d 0b 00 00 09 00 00 06 00 03 61 62 63 64", 0, NULL},
    {"Zephyr prefix", TD_HEXIN_AUTO,
     "[00:00:07.817,000] <dbg> net_sock_tls.tls_debug: (0x200022c0): "
     "ssl_tls.c:2720: |4| 0000:  16 03 03 00 05 ab cd ef 01 02          "
     "          ..........\n",
     0, "16 03 03 00 05 ab cd ef 01 02", 0, NULL},
    {"ssl_client1 full path prefix", TD_HEXIN_AUTO,
     "/src/mbedtls/library/ssl_msg.c:0950: 0000:  16 03 03 00 05       "
     "                            .....\n",
     0, "16 03 03 00 05", 0, NULL},
    {"two dumps: record header, then record", TD_HEXIN_AUTO,
     "dumping 'input record header' (5 bytes)\n"
     "0000:  15 03 03 00 02                                   .....\n"
     "dumping 'input record from network' (7 bytes)\n"
     "0000:  15 03 03 00 02 02 28                             ......(\n",
     0, "15 03 03 00 02 15 03 03 00 02 02 28", 0, NULL},
    {"ASCII column with hex text", TD_HEXIN_AUTO,
     "0000:  61 62 63 64 20 65 66 20 31 32 33 34 35 36 37 38  "
     "abcd ef 12345678\n"
     "0010:  61 62 20 63 64                                   ab cd\n",
     0, "61 62 63 64 20 65 66 20 31 32 33 34 35 36 37 38 61 62 20 63 64", 0,
     NULL},
    {"one full row, ASCII hex text", TD_HEXIN_AUTO,
     "0000:  61 62 63 64 65 66 31 32 33 34 35 36 37 38 39 30  "
     "abcdef1234567890\n",
     0, "61 62 63 64 65 66 31 32 33 34 35 36 37 38 39 30", 0, NULL},
    {"one short row, ASCII hex text", TD_HEXIN_AUTO,
     "0000:  ab cd 62                                         ..b\n", 0,
     "ab cd 62", 0, NULL},
    {"xxd", TD_HEXIN_AUTO,
     "00000000: 1603 0100 2361 6263 6465 6630 3132 3334  ....#abcdef01234\n"
     "00000010: 3536 3738 3920 abcd ef00 1122 3344 5566  56789 ....\"3DUf\n"
     "00000020: 7788 99aa bbcc ddee                      w.......\n",
     0, ABC40, 0, NULL},
    {"xxd -g1", TD_HEXIN_AUTO,
     "00000000: 61 62 63 64 65 66 20 31 32 33 34 35 36 37 38 39  "
     "abcdef 123456789\n"
     "00000010: 61 62                                            ab\n",
     0, "61 62 63 64 65 66 20 31 32 33 34 35 36 37 38 39 61 62", 0, NULL},
    {"hexdump -C with * and final offset", TD_HEXIN_AUTO,
     "00000000  61 62 63 64 00 00 00 00  00 00 00 00 00 00 00 00  "
     "|abcd............|\n"
     "00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  "
     "|................|\n"
     "*\n"
     "00000040  ab cd                                             |..|\n"
     "00000042\n",
     0,
     "61 62 63 64 00 00 00 00 00 00 00 00 00 00 00 00 "
     "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
     "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
     "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ab cd",
     0, NULL},
    {"hexdump -C, last row past the middle gap", TD_HEXIN_AUTO,
     "00000000  16 03 01 00 23 61 62 63  64 65 66 30 31 32 33 34  "
     "|....#abcdef01234|\n"
     "00000010  35 36 37 38 39 20 ab cd  ef 00 11 22              "
     "|56789 ....\"|\n",
     0,
     "16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34 "
     "35 36 37 38 39 20 ab cd ef 00 11 22",
     0, NULL},
    {"od -Ax -tx1 with *", TD_HEXIN_AUTO,
     "000000 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n"
     "000010 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
     "*\n"
     "000030 ab\n"
     "000031\n",
     0,
     "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 "
     "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
     "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ab",
     0, NULL},
    {"od -tx1 (octal offsets)", TD_HEXIN_AUTO,
     "0000000 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n"
     "0000020 11 12\n"
     "0000022\n",
     0, "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12", 0, NULL},
    {"Wireshark copy as hex dump", TD_HEXIN_AUTO,
     "0000   16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34   "
     "....#abcdef01234\n"
     "0010   35 36 37 38 39 20 ab cd ef 00 11 22 33 44 55 66   "
     "56789 ....\"3DUf\n"
     "0020   77 88 99 aa bb cc dd ee                           "
     "w.......\n",
     0, ABC40, 0, NULL},
    {"Wireshark one row", TD_HEXIN_AUTO,
     "0000   16 03 01 00 02 ab cd                              .......\n", 0,
     "16 03 01 00 02 ab cd", 0, NULL},
    {"Wireshark old 8+8 layout", TD_HEXIN_AUTO,
     "0000  16 03 01 00 23 61 62 63  64 65 66 30 31 32 33 34   "
     "....#abc def01234\n"
     "0010  35 36                                              56\n",
     0, "16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34 35 36", 0, NULL},
    {"tcpdump -X", TD_HEXIN_AUTO,
     "\t0x0000:  4500 0034 1c46 4000 4006 b1e6 ac10 0a63  "
     "E..4.F@.@......c\n"
     "\t0x0010:  ac10 0a0c                                ....\n",
     0, "45 00 00 34 1c 46 40 00 40 06 b1 e6 ac 10 0a 63 ac 10 0a 0c", 0, NULL},
    {"gdb x/10xb", TD_HEXIN_AUTO,
     "0x20001000 <buf>:\t0x16\t0x03\t0x01\t0x00\t0x75\t0x01\t0x00\t0x00\n"
     "0x20001008 <buf+8>:\t0x71\t0x03\n",
     0, "16 03 01 00 75 01 00 00 71 03", 0, NULL},
    {"ESP-IDF buffer hexdump (addresses)", TD_HEXIN_AUTO,
     "I (123) tag: 0x3ffb4000   16 03 01 00 75 01 00 00  "
     "71 03 03 88 d9 c4 b1 4f  |....u...q......O|\n"
     "I (123) tag: 0x3ffb4010   ab cd                      "
     "                       |..|\n",
     0, "16 03 01 00 75 01 00 00 71 03 03 88 d9 c4 b1 4f ab cd", 0, NULL},
    {"grouped plain hex is no dump", TD_HEXIN_AUTO,
     "1603 0100 7501 0000\n7103 0388 d9c4 b14f\n", 0,
     "16 03 01 00 75 01 00 00 71 03 03 88 d9 c4 b1 4f", 0, NULL},

    /* ---- base64 ---- */
    {"base64 ClientHello, wrapped", TD_HEXIN_AUTO,
     "FgMDAHUBAABxAwOI2cSxT4LvonSAXG4/xCnKpI1hK/Y37JM5y33QOVpnmwAACsAr\n"
     "wDHALQCoAP8BAAA+AAAAFgAUAAARbWJlZCBUTFMgU2VydmVyIDEADQAKAAgEAwQB\n"
     "AwMDAQAKAAQAAgAXAAsAAgEAABYAAAAXAAA=\n",
     0, SEED_HELLO, 1, NULL},
    {"base64 URL-safe, no padding", TD_HEXIN_AUTO,
     "FgMDAHUBAABxAwOI2cSxT4LvonSAXG4_xCnKpI1hK_Y37JM5y33QOVpnmwAACsAr"
     "wDHALQCoAP8BAAA-AAAAFgAUAAARbWJlZCBUTFMgU2VydmVyIDEADQAKAAgEAwQB"
     "AwMDAQAKAAQAAgAXAAsAAgEAABYAAAAXAAA",
     0, SEED_HELLO, 1, NULL},
    {"PEM armour, text around it", TD_HEXIN_AUTO,
     "Certificate:\n    Data: ...\n"
     "-----BEGIN CERTIFICATE-----\r\n"
     "FgMBAAUB\r\n"
     "+/8=\r\n"
     "-----END CERTIFICATE-----\r\n"
     "trailing words\n",
     0, "16 03 01 00 05 01 fb ff", 1, NULL},
    {"PEM with RFC 1421 headers", TD_HEXIN_BASE64,
     "-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: x\n\n"
     "FgMB\n-----END X-----\n",
     0, "16 03 01", 1, NULL},
    {"AAAA reads as hex", TD_HEXIN_AUTO, "AAAA", 0, "aa aa", 0, NULL},
    {"AAAA forced to base64", TD_HEXIN_BASE64, "AAAA", 0, "00 00 00", 1, NULL},
    {"hex forced on a dump", TD_HEXIN_HEX,
     "0000:  16 03 01 00 02 ab cd                             .......\n", 0,
     "16 03 01 00 02 ab cd", 0, NULL},

    /* ---- errors ---- */
    {"empty", TD_HEXIN_AUTO, "", TD_ERR_EMPTY, NULL, 0, "no bytes"},
    {"blanks only", TD_HEXIN_AUTO, "  \r\n\t\n", TD_ERR_EMPTY, NULL, 0,
     "no bytes"},
    {"empty braces", TD_HEXIN_AUTO, "{ }", TD_ERR_EMPTY, NULL, 0, NULL},
    {"empty PEM", TD_HEXIN_AUTO, "-----BEGIN X-----\n-----END X-----\n",
     TD_ERR_EMPTY, NULL, 0, NULL},
    {"odd number of digits", TD_HEXIN_AUTO, "16 03 0", TD_ERR_MALFORMED, NULL,
     0, "line 1, column 7: odd number of hex digits (1) in '0'"},
    {"odd run", TD_HEXIN_HEX, "16\n030 1", TD_ERR_MALFORMED, NULL, 0,
     "line 2, column 1: odd number of hex digits (3) in '030'"},
    {"stray letter, line 2", TD_HEXIN_AUTO, "16 03\r\n01 zz", TD_ERR_MALFORMED,
     NULL, 0, "line 2, column 4: 'z' is not a hex digit"},
    {"mistyped hex is not base64", TD_HEXIN_AUTO, "16 03 0g", TD_ERR_MALFORMED,
     NULL, 0, "line 1, column 8: 'g' is not a hex digit"},
    {"non-ASCII character", TD_HEXIN_AUTO, "16 03 \xc3\xa9", TD_ERR_MALFORMED,
     NULL, 0, "line 1, column 7: character U+00E9 is not a hex digit"},
    {"base64 forced to hex", TD_HEXIN_HEX, "FgMB", TD_ERR_MALFORMED, NULL, 0,
     "line 1, column 2: 'g' is not a hex digit"},
    {"bad base64 character", TD_HEXIN_BASE64, "FgMB\nFg!B", TD_ERR_MALFORMED,
     NULL, 0, "line 2, column 3: '!' is not a base64 character"},
    {"base64 cut short", TD_HEXIN_BASE64, "FgMBA", TD_ERR_MALFORMED, NULL, 0,
     "line 1, column 5: base64 ends with a lone character"},
    {"base64 padding misplaced", TD_HEXIN_BASE64, "Fg=MB", TD_ERR_MALFORMED,
     NULL, 0, "line 1, column 4: 'M' follows"},
    {"PEM without END", TD_HEXIN_AUTO, "-----BEGIN X-----\nFgMB\n",
     TD_ERR_MALFORMED, NULL, 0, "line 1, column 1: PEM block without"},
    {"dump row missing", TD_HEXIN_AUTO,
     "0000:  16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34  ....\n"
     "0020:  35 36                                            56\n",
     TD_ERR_MALFORMED, NULL, 0,
     "line 2, column 1: offset 0x20 does not follow"},
    {"dump row cut short", TD_HEXIN_AUTO,
     "0000:  16 03 01 00 23 61 62 63 64 65 66 30  ....#abcdef0\n"
     "0010:  35 36                                            56\n",
     TD_ERR_MALFORMED, NULL, 0, "line 2, column 1: offset 0x10"},
    {"hex line without offset in a dump", TD_HEXIN_AUTO,
     "0000:  16 03 01 00 23 61 62 63 64 65 66 30 31 32 33 34  ....\n"
     "0010:  35 36                                            56\n"
     "   37 38\n",
     TD_ERR_MALFORMED, NULL, 0,
     "line 3, column 4: hex bytes without an offset"},
    {"whole log is not one dump", TD_HEXIN_AUTO,
     "=> write record\n"
     "output record: msgtype = 22, version = [3:3], msglen = 2\n"
     "dumping 'output record sent to network' (7 bytes)\n"
     "0000:  16 03 03 00 02 01 02                             .......\n"
     "=> flush output\n"
     "message length: 7, out_left: 7\n",
     TD_ERR_MALFORMED, NULL, 0, "paste one dump alone"},
    {"text", TD_HEXIN_AUTO, "hello, world", TD_ERR_MALFORMED, NULL, 0,
     "line 1, column "},
};

/* Independent of the code under test: "hh hh .." to bytes. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;

    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        unsigned v;
        char tmp[3] = {s[0], s[1], 0};
        assert_non_null(s[1] ? s : NULL);
        v = (unsigned)strtoul(tmp, NULL, 16);
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void check_vec(const struct vec *v, size_t len)
{
    struct td_bytebuf b = {0};
    char why[200];
    int b64 = -1;
    int rc = td_hexin_decode(v->in, len, v->mode, &b, &b64, why, sizeof(why));

    if (rc != v->rc)
        fail_msg("%s: rc %d, want %d (why: %s)", v->name, rc, v->rc, why);
    if (rc == 0) {
        uint8_t want[512];
        size_t n = unhex(v->want, want, sizeof(want));
        if (b.n != n || memcmp(b.p, want, n) != 0) {
            fprintf(stderr, "%s: got %zu bytes:", v->name, b.n);
            for (size_t i = 0; i < b.n; i++)
                fprintf(stderr, " %02x", b.p[i]);
            fprintf(stderr, "\n");
            fail_msg("%s: wrong bytes (want %zu)", v->name, n);
        }
        if (b64 != v->b64)
            fail_msg("%s: used_base64 %d, want %d", v->name, b64, v->b64);
    } else {
        assert_int_equal(b.n, 0);
        if (v->why && !strstr(why, v->why))
            fail_msg("%s: why \"%s\" lacks \"%s\"", v->name, why, v->why);
    }
    td_bytebuf_free(&b);
}

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
        check_vec(&vecs[i], strlen(vecs[i].in));

    /* A NUL inside the text is a stray character like any other. */
    static const struct vec nul = {
        "NUL byte",
        TD_HEXIN_HEX,
        "16\0"
        "03",
        TD_ERR_MALFORMED,
        NULL,
        0,
        "line 1, column 3: control character 0x00 is not a hex digit"};
    check_vec(&nul, 5);
}

/* The output is appended; on failure what was there is kept as it was. */
static void test_append_and_rollback(void **state)
{
    struct td_bytebuf b = {0};
    char why[100];

    (void)state;
    assert_int_equal(td_bytebuf_append(&b, "\xaa", 1), 0);
    assert_int_equal(
        td_hexin_decode("16 03", 5, TD_HEXIN_AUTO, &b, NULL, why, sizeof(why)),
        0);
    assert_int_equal(b.n, 3);
    assert_memory_equal(b.p, "\xaa\x16\x03", 3);
    assert_int_equal(td_hexin_decode("01 02 0z", 8, TD_HEXIN_HEX, &b, NULL, why,
                                     sizeof(why)),
                     TD_ERR_MALFORMED);
    assert_int_equal(b.n, 3);
    /* why may be NULL */
    assert_int_equal(td_hexin_decode("zz", 2, TD_HEXIN_HEX, &b, NULL, NULL, 0),
                     TD_ERR_MALFORMED);
    td_bytebuf_free(&b);
    assert_null(b.p);
}

static void test_limit(void **state)
{
    struct td_bytebuf b = {.max = 3};
    char why[100];

    (void)state;
    assert_int_equal(td_hexin_decode("16 03 01", 8, TD_HEXIN_AUTO, &b, NULL,
                                     why, sizeof(why)),
                     0);
    assert_int_equal(b.n, 3);
    assert_int_equal(
        td_hexin_decode("00", 2, TD_HEXIN_AUTO, &b, NULL, why, sizeof(why)),
        TD_ERR_LIMIT);
    assert_non_null(strstr(why, "limit of 3 bytes"));
    assert_int_equal(b.n, 3);
    assert_int_equal(td_bytebuf_append(&b, "x", 1), TD_ERR_LIMIT);
    td_bytebuf_free(&b);

    /* A hexdump `*` that claims a huge range stops at the cap. */
    struct td_bytebuf c = {.max = 1000};
    const char *star =
        "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |.|\n"
        "*\n"
        "7ffffff0  00 00                                             |..|\n";
    assert_int_equal(td_hexin_decode(star, strlen(star), TD_HEXIN_AUTO, &c,
                                     NULL, why, sizeof(why)),
                     TD_ERR_LIMIT);
    assert_int_equal(c.n, 0);
    td_bytebuf_free(&c);
}

/* The dump of the seed log: the header line and its rows, cut out of the
 * file as a user would copy them. */
static void test_seed_log_dump(void **state)
{
    const char *path = td_t_shared("seed-logs/stm32-google-sni.log");
    size_t n;

    (void)state;
    if (!path) {
        print_message("shared seed logs not found (TD_SHARED_DIR); "
                      "skipped\n");
        skip();
    }
    char *log = (char *)td_t_read(path, &n);
    char *h = strstr(log, "dumping 'output record sent to network'");
    assert_non_null(h);
    while (h > log && h[-1] != '\n')
        h--;
    char *end = strstr(h, "=> flush output");
    assert_non_null(end);
    while (end > h && end[-1] != '\n')
        end--;

    for (int m = 0; m < 2; m++) {
        struct td_bytebuf b = {0};
        char why[200];
        int rc = td_hexin_decode(h, (size_t)(end - h),
                                 m ? TD_HEXIN_HEX : TD_HEXIN_AUTO, &b, NULL,
                                 why, sizeof(why));
        if (rc != 0)
            fail_msg("seed dump: %s", why);
        assert_int_equal(b.n, 122);
        assert_memory_equal(b.p, "\x16\x03\x03\x00\x75", 5);
        uint8_t want[122];
        assert_int_equal(unhex(SEED_HELLO, want, sizeof(want)), 122);
        assert_memory_equal(b.p, want, 122);
        td_bytebuf_free(&b);
    }
    free(log);
}

/* Copy p[0..n) so that it ends right before an inaccessible page. */
struct guarded {
    uint8_t *map;
    size_t maplen;
    char *text;
};

static void guard_put(struct guarded *g, const char *p, size_t n)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t data = (n + pg - 1) / pg * pg;

    if (data == 0)
        data = pg;
    g->maplen = data + pg;
    g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g->map != MAP_FAILED);
    assert_int_equal(mprotect(g->map + data, pg, PROT_NONE), 0);
    g->text = (char *)g->map + data - n;
    memcpy(g->text, p, n);
}

static void guard_free(struct guarded *g)
{
    munmap(g->map, g->maplen);
}

/* Every prefix of some vectors, in every mode, against a guard page: no
 * crash, a defined answer, why[] always a string. */
static void test_prefixes(void **state)
{
    static const char *const names[] = {
        "mbedTLS |4| prefix, blank lines, CRLF",
        "hexdump -C with * and final offset",
        "C array declaration",
        "PEM armour, text around it",
        "Python bytes repr",
        "gdb x/10xb",
        "od -tx1 (octal offsets)",
        "xxd",
        "base64 ClientHello, wrapped",
    };

    (void)state;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        const struct vec *v = NULL;
        for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
            if (strcmp(vecs[i].name, names[k]) == 0)
                v = &vecs[i];
        assert_non_null(v);
        size_t len = strlen(v->in);
        for (size_t n = 0; n <= len; n++) {
            struct guarded g;
            guard_put(&g, v->in, n);
            for (int m = TD_HEXIN_AUTO; m <= TD_HEXIN_BASE64; m++) {
                struct td_bytebuf b = {.max = 4096};
                char why[64];
                why[0] = 'X';
                int rc = td_hexin_decode(g.text, n, (enum td_hexin_mode)m, &b,
                                         NULL, why, sizeof(why));
                assert_true(rc == 0 || rc == TD_ERR_MALFORMED ||
                            rc == TD_ERR_EMPTY);
                assert_true(memchr(why, 0, sizeof(why)) != NULL);
                if (rc == 0)
                    assert_true(b.n > 0 && b.n <= len);
                td_bytebuf_free(&b);
            }
            guard_free(&g);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_append_and_rollback),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_seed_log_dump),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
