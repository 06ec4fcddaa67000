/* registry.h - TLS code points: names and the properties rules need.
 *
 * The tables behind this API are generated from the IANA registry CSVs
 * (src/registry/gen_registry.py -> src/registry/tables.c) and sorted, so
 * every lookup is a binary search.  Nothing here allocates.
 */
#ifndef TLSDIAG_REGISTRY_H
#define TLSDIAG_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum td_reg_kind {
    TD_REG_SUITE,        /* cipher suites (tls-parameters-4) */
    TD_REG_EXT,          /* extension types (tls-extensiontype-values-1) */
    TD_REG_GROUP,        /* supported groups (tls-parameters-8) */
    TD_REG_SIGALG,       /* signature schemes + TLS 1.2 (hash,sig) pairs */
    TD_REG_ALERT,        /* alert descriptions (tls-parameters-6) */
    TD_REG_VERSION,      /* protocol versions: SSL 3.0 .. TLS 1.3, drafts, DTLS */
    TD_REG_POINT_FORMAT, /* EC point formats (RFC 8422) */
    TD_REG_HS_TYPE,      /* handshake message types (RFC 8446 4) */
    TD_REG_CONTENT_TYPE, /* record content types */
    TD_REG_COMPRESSION,  /* compression methods */
};

/* Key exchange of a cipher suite. */
enum td_kex {
    TD_KEX_NULL = 0, TD_KEX_RSA, TD_KEX_DH, TD_KEX_DHE, TD_KEX_ECDH,
    TD_KEX_ECDHE, TD_KEX_PSK, TD_KEX_DHE_PSK, TD_KEX_ECDHE_PSK,
    TD_KEX_RSA_PSK, TD_KEX_SRP, TD_KEX_KRB5, TD_KEX_ECCPWD, TD_KEX_GOST,
    TD_KEX_TLS13,   /* TLS 1.3 suite: key exchange negotiated separately */
    TD_KEX_SCSV,    /* signalling value, not a suite */
    TD_KEX_OTHER,
};

/* What the server must authenticate with for a suite. */
enum td_auth {
    TD_AUTH_NONE = 0, /* NULL_WITH_NULL */
    TD_AUTH_RSA,      /* RSA certificate */
    TD_AUTH_DSS,      /* DSA certificate */
    TD_AUTH_ECDSA,    /* ECDSA certificate */
    TD_AUTH_PSK,      /* pre-shared key, no certificate */
    TD_AUTH_ANON,     /* anonymous, no certificate */
    TD_AUTH_ANY,      /* TLS 1.3: any certificate type */
    TD_AUTH_OTHER,    /* KRB5, GOST, ECCPWD, SRP without certificate ... */
};

enum td_cipher_class {
    TD_CIPHER_NULL = 0, TD_CIPHER_AEAD, TD_CIPHER_CBC, TD_CIPHER_STREAM,
    TD_CIPHER_OTHER,
};

struct td_suite_info {
    uint16_t id;
    const char *name;         /* IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    uint8_t kex;              /* enum td_kex */
    uint8_t auth;             /* enum td_auth */
    uint8_t cipher_class;     /* enum td_cipher_class */
    const char *cipher;       /* "AES_128_GCM", "CHACHA20_POLY1305", "3DES_EDE_CBC" ... */
    const char *mac;          /* "SHA256", "SHA384", "SHA", "MD5", "" for AEAD w/o PRF hash */
    bool tls13;               /* TLS 1.3-only suite (0x13xx) */
    bool dtls_ok;             /* DTLS-OK column */
    char recommended;         /* 'Y', 'N' or 'D' (discouraged) */
    bool insecure;            /* D, RC4, DES, 3DES, EXPORT, anon, NULL, MD5 */
};

struct td_group_info {
    uint16_t id;
    const char *name;   /* IANA name, e.g. secp256r1, x25519, X25519MLKEM768 */
    char recommended;   /* 'Y', 'N', 'D' or 0 when the column is empty */
    uint8_t kind;       /* 0 elliptic curve, 1 finite field, 2 hybrid/PQ */
};

struct td_sigalg_info {
    uint16_t id;
    const char *name;   /* IANA name, or the TLS 1.2 pair name (ecdsa_sha224) */
    uint8_t hash;       /* TLS 1.2 HashAlgorithm: 1 md5 .. 6 sha512, 8 intrinsic */
    uint8_t sig;        /* TLS 1.2 SignatureAlgorithm: 1 rsa, 2 dsa, 3 ecdsa,
                           other values for newer schemes (see registry.c) */
    bool tls12_pair;    /* outside the SignatureScheme registry (RFC 5246 pair) */
};

/* Name of a code point, or NULL when the registry has no such value. */
const char *td_reg_lookup(enum td_reg_kind kind, uint32_t id);

/* Name of a code point, never NULL: the registry name, "GREASE" for a
 * GREASE value (RFC 8701) where the kind has them, or "unknown_0x1234"
 * written into buf (versions: "unknown_0x1234" too).  buf must hold
 * TD_REG_NAMEBUF bytes. */
#define TD_REG_NAMEBUF 24
const char *td_reg_name(enum td_reg_kind kind, uint32_t id,
                        char buf[TD_REG_NAMEBUF]);

/* True for the 16 GREASE values 0x0a0a, 0x1a1a ... 0xfafa. */
bool td_reg_is_grease(uint16_t v);

const struct td_suite_info *td_reg_suite(uint16_t id);   /* NULL if unknown */
const struct td_group_info *td_reg_group(uint16_t id);   /* NULL if unknown */
const struct td_sigalg_info *td_reg_sigalg(uint16_t id); /* NULL if unknown */

/* The suite whose IANA name, or mbedTLS name ("TLS-ECDHE-RSA-WITH-..." and
 * "TLS1-3-AES-128-GCM-SHA256"), is name[0..len); NULL if none. */
const struct td_suite_info *td_reg_suite_by_name(const char *name, size_t len);
/* Group by IANA name (also the mbedTLS ecp names secp256r1 ...). */
const struct td_group_info *td_reg_group_by_name(const char *name, size_t len);
/* Alert by IANA name; returns -1 if none. */
int td_reg_alert_by_name(const char *name, size_t len);

/* Iteration for tests and tables: number of rows and the row i. */
size_t td_reg_suite_count(void);
const struct td_suite_info *td_reg_suite_at(size_t i);
size_t td_reg_group_count(void);
const struct td_group_info *td_reg_group_at(size_t i);
size_t td_reg_sigalg_count(void);
const struct td_sigalg_info *td_reg_sigalg_at(size_t i);

#endif
