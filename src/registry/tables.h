/* tables.h - the generated tables behind registry.c (private to libtlsdiag).
 *
 * gen_registry.py writes tables.c from the IANA CSVs in iana/ and from
 * overrides.csv; this header is hand-written and is the contract between
 * the generated data and the lookups in registry.c.  Every id table is
 * sorted by id with no duplicates, every name table by ASCII-lowercased
 * name with no duplicates after lowercasing, so all lookups are bsearch.
 * The generator checks both orders; tests/test_registry.c checks them again
 * on the compiled tables.
 */
#ifndef TD_REGISTRY_TABLES_H
#define TD_REGISTRY_TABLES_H

#include "tlsdiag/registry.h"

#include <stddef.h>
#include <stdint.h>

/* A code point of a kind that has nothing but a name (extensions, alerts,
 * versions ...).  id must stay the first member: registry.c compares rows
 * of every table through a pointer to their leading uint16_t id. */
struct td_reg_code {
    uint16_t id;
    const char *name;
};

/* A name accepted by a by-name lookup and the code point it stands for:
 * the IANA names plus aliases (mbedTLS spellings, common curve names). */
struct td_reg_alias {
    const char *name;
    uint16_t id;
};

/* Rows with properties (struct types from registry.h). */
extern const struct td_suite_info td_reg_suite_rows[];
extern const size_t td_reg_suite_rows_n;
extern const struct td_group_info td_reg_group_rows[];
extern const size_t td_reg_group_rows_n;
extern const struct td_sigalg_info td_reg_sigalg_rows[];
extern const size_t td_reg_sigalg_rows_n;

/* Name-only kinds. */
extern const struct td_reg_code td_reg_ext_rows[];
extern const size_t td_reg_ext_rows_n;
extern const struct td_reg_code td_reg_alert_rows[];
extern const size_t td_reg_alert_rows_n;
extern const struct td_reg_code td_reg_version_rows[];
extern const size_t td_reg_version_rows_n;
extern const struct td_reg_code td_reg_point_format_rows[];
extern const size_t td_reg_point_format_rows_n;
extern const struct td_reg_code td_reg_hs_type_rows[];
extern const size_t td_reg_hs_type_rows_n;
extern const struct td_reg_code td_reg_content_type_rows[];
extern const size_t td_reg_content_type_rows_n;
extern const struct td_reg_code td_reg_compression_rows[];
extern const size_t td_reg_compression_rows_n;

/* Name indexes, sorted by lowercased name.  Suite names are in the IANA
 * form with '_'; registry.c maps mbedTLS spellings onto it first. */
extern const struct td_reg_alias td_reg_suite_names[];
extern const size_t td_reg_suite_names_n;
extern const struct td_reg_alias td_reg_group_names[];
extern const size_t td_reg_group_names_n;
extern const struct td_reg_alias td_reg_alert_names[];
extern const size_t td_reg_alert_names_n;

#endif
