/* schema.h - the JSON Schema of the --json document, embedded at build
 * time from src/schema/tlsdiag.schema.json (src/schema/embed.cmake). */
#ifndef TLSDIAG_SCHEMA_H
#define TLSDIAG_SCHEMA_H

#include <stddef.h>

/* The file's bytes, then a NUL that td_json_schema_len does not count. */
extern const unsigned char td_json_schema[];
extern const size_t td_json_schema_len;

#endif
