/* testutil.h - helpers shared by the cmocka tests. */
#ifndef TD_TESTUTIL_H
#define TD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* cmocka's _fail() and _skip() never return: inside a test they jump back
 * to the runner, outside one they exit.  Declared again (cmocka's names)
 * to say so, which lets the static analysers see that a failed check or a
 * skip ends the test.
 * NOLINTBEGIN */
void _fail(const char *file, int line) __attribute__((noreturn));
void _skip(const char *file, int line) __attribute__((noreturn));
/* NOLINTEND */

/* Path of a file in the source tree (tests/..., captures/...); static buf. */
const char *td_t_src(const char *rel);
/* Path under ../shared, or NULL when the shared folder is absent. */
const char *td_t_shared(const char *rel);
/* Whole file; *n its size.  Fails the test when it cannot be read.
 * Caller frees. */
uint8_t *td_t_read(const char *path, size_t *n);
/* Hex string ("16 03 01 ..", any separators) to bytes; caller frees. */
uint8_t *td_t_hex(const char *hex, size_t *n);
/* Bytes from a captures/records hex file (hexin format); caller frees. */
uint8_t *td_t_read_hexfile(const char *path, size_t *n);

/* The first 'output record sent to network' dump of a seed log in
 * ../shared/seed-logs, as bytes; NULL when ../shared is absent.  Caller
 * frees. */
uint8_t *td_t_seed_client_hello(const char *file, size_t *n);

#endif
