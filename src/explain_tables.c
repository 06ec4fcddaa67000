/* explain_tables.c - what tlsdiag knows about alerts, mbedTLS error
 * codes and X.509 verify flags: hand-written {code, name, text} rows.
 *
 * Sources (see ../shared/KNOWLEDGE.md for the evidence behind each row):
 * alerts from the IANA registry (tls-parameters-6) and the behaviour of
 * common servers; error names from the mbedTLS 2.28.3 headers Debian
 * ships and from 3.6 include/mbedtls/ssl.h; error texts from library/
 * error.c of both; verify flags from include/mbedtls/x509.h and
 * x509_crt.c (mbedtls_x509_crt_verify_info).
 *
 * Rules for editing:
 * - td_mberr_names: one row per (code, major).  major 0 means the same
 *   name in 2.x and 3.x; a code whose number was reused in 3.0 has a
 *   major 2 row and a major 3 row, never a major 0 row.  `text` is set
 *   only where the linked 2.28.3 mbedtls_strerror() cannot give the right
 *   text (3.x meanings, codes added after 2.28.3, PSA status codes).
 * - td_mberr_infos: advice keyed like the names; major 0 serves both.
 * - Lists hold at most TD_EXPLAIN_MAX_LIST entries; keep the text ASCII
 *   (the terminal renderer counts bytes as columns).
 * - tests/test_explain.c checks the names against the 2.28.3 macros and
 *   the texts against the linked library.
 */
#include "tlsdiag/explain.h"

#include <stddef.h>

static const struct td_alert_row alert_rows[] = {
    {0, "close_notify", "MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY",
     "The peer closes the connection in an orderly way. After the handshake "
     "this is the normal end of a session; during the handshake it is a "
     "rejection without a reason, and mbedTLS returns "
     "MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY (-0x7880).",
     {"Right after the ClientHello: an AWS s2n-tls front end (CloudFront, NLB "
      "with TLS, API Gateway) rejecting the hello; s2n sends only "
      "close_notify, whatever the reason (no shared suite, version, SNI)",
      "After the handshake: the server is done with the session (idle "
      "timeout, request served)"},
     {"Set SNI: mbedtls_ssl_set_hostname(&ssl, \"real.host\") before "
      "mbedtls_ssl_handshake() (needs MBEDTLS_SSL_SERVER_NAME_INDICATION; "
      "mandatory from 2.28.10 / 3.6.3)",
      "Compare the offered suites and versions with the endpoint's security "
      "policy (AWS: the listener or IoT security policy)",
      "Let the server tell you what it accepts: tlsdiag probe HOST:PORT "
      "retries with one change at a time"}},
    {10, "unexpected_message", "MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE",
     "A message arrived that the protocol does not allow at this point of the "
     "handshake.",
     {"A peer or middlebox that does not follow the handshake order",
      "Plaintext injected into the stream (a proxy answer, an HTTP error "
      "page, application data written before the handshake finished)",
      "A renegotiation or post-handshake message the other side does not "
      "expect"},
     {"Capture the traffic and decode it (tlsdiag pcap FILE) to see the "
      "message just before the alert",
      "Make sure the application writes nothing to the socket until "
      "mbedtls_ssl_handshake() returned 0",
      "With a debug log (mbedtls_debug_set_threshold(3)), run tlsdiag log "
      "on it"}},
    {20, "bad_record_mac", "MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC",
     "A record failed its integrity check (MAC or AEAD tag): the receiver "
     "could not decrypt what was sent, so the two sides hold different keys "
     "or the bytes were changed on the way.",
     {"Wrong keys on one side: a hardware AES/GCM driver bug "
      "(MBEDTLS_AES_ALT, MBEDTLS_GCM_ALT), a PSK that differs",
      "A corrupted byte stream: a UART/modem bridge or socket glue that "
      "drops, repeats or reorders bytes",
      "One mbedtls_ssl_context used from two threads at once"},
     {"Rebuild with the software AES/GCM (no *_ALT drivers) to rule out the "
      "accelerator",
      "Check the f_send/f_recv callbacks: every byte once, in order, partial "
      "writes handled",
      "For PSK: compare identity and key bytes on both sides"}},
    {21, "decryption_failed_RESERVED",
     "MBEDTLS_SSL_ALERT_MSG_DECRYPTION_FAILED",
     "Reserved: a decryption failure in SSL 3.0 and TLS 1.0. Current stacks "
     "never send it; they send bad_record_mac (20) instead.",
     {"A very old peer (TLS 1.0 or earlier)"},
     {"Treat it like alert 20: check keys and the transport"}},
    {22, "record_overflow", "MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW",
     "A record was longer than allowed: more than 2^14 bytes of plaintext, or "
     "more than the negotiated max_fragment_length.",
     {"A client record above the negotiated max_fragment_length: mbedTLS "
      "3.6.6 sends the client Certificate unfragmented despite MFL 512 "
      "(Mbed-TLS/mbedtls#10787)",
      "A peer whose input buffer is smaller than 16 KB receiving a full-size "
      "record",
      "A length field corrupted by the transport"},
     {"If you negotiate MFL (mbedtls_ssl_conf_max_frag_len()), check that the "
      "client certificate chain fits, or stop negotiating MFL",
      "Keep MBEDTLS_SSL_OUT_CONTENT_LEN within what the peer accepts",
      "A level-4 debug log shows every record size: run tlsdiag log on it"}},
    {30, "decompression_failure_RESERVED",
     "MBEDTLS_SSL_ALERT_MSG_DECOMPRESSION_FAILURE",
     "Reserved: TLS record compression failed (TLS 1.2 and earlier). No "
     "current stack compresses records.",
     {"A peer with record compression enabled (2.x MBEDTLS_ZLIB_SUPPORT)"},
     {"Turn record compression off; it is removed in mbedTLS 3.0"}},
    {40, "handshake_failure", "MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE",
     "The peer found no acceptable set of security parameters in what was "
     "offered. Sent right after the ClientHello it means nothing in the offer "
     "matched the server's configuration.",
     {"No shared cipher suite: an ECDSA-only client against an "
      "RSA-certificate server or the reverse, or the MBEDTLS_KEY_EXCHANGE_* "
      "options needed are off",
      "No shared group: TLS 1.2 ECDHE needs a curve both sides support",
      "No shared signature algorithm: no SHA-384, or no RSA-PSS for TLS 1.3",
      "SNI missing or refused: Cloudflare without SNI, Google for a bogus name",
      "Later in the handshake: a TLS 1.2 server (OpenSSL, BoringSSL) "
      "required a client certificate and none was sent"},
     {"Decode what the client offered: tlsdiag log on a debug log, or tlsdiag "
      "hello on the ClientHello bytes",
      "Let the server tell you what it accepts: tlsdiag probe HOST:PORT "
      "retries with one change at a time",
      "Set SNI: mbedtls_ssl_set_hostname(&ssl, \"real.host\") before "
      "mbedtls_ssl_handshake() (needs MBEDTLS_SSL_SERVER_NAME_INDICATION; "
      "mandatory from 2.28.10 / 3.6.3)",
      "Suites: mbedtls_ssl_conf_ciphersuites(); enable "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED and/or "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED, MBEDTLS_GCM_C, "
      "MBEDTLS_CHACHAPOLY_C",
      "Groups: MBEDTLS_ECP_DP_SECP256R1_ENABLED, ..._SECP384R1_ENABLED, "
      "..._CURVE25519_ENABLED; 2.28 mbedtls_ssl_conf_curves(), 3.6 "
      "mbedtls_ssl_conf_groups()",
      "Signature algorithms: 2.28 MBEDTLS_SHA512_C (gives SHA-384) and "
      "mbedtls_ssl_conf_sig_hashes(); 3.6 MBEDTLS_SHA384_C, "
      "mbedtls_ssl_conf_sig_algs(), MBEDTLS_PKCS1_V21 for RSA-PSS",
      "Client certificate: mbedtls_ssl_conf_own_cert(conf, &cert, &key)"}},
    {41, "no_certificate_RESERVED", "MBEDTLS_SSL_ALERT_MSG_NO_CERT",
     "Reserved: SSL 3.0 only, the client had no certificate. Not used in TLS.",
     {"An SSL 3.0 peer"},
     {"Treat it as a missing client certificate: mbedtls_ssl_conf_own_cert()"}},
    {42, "bad_certificate", "MBEDTLS_SSL_ALERT_MSG_BAD_CERT",
     "A certificate was corrupt, carried a bad signature, or could not be "
     "verified. From a server it is usually about the client certificate.",
     {"The client certificate is corrupt or the server cannot verify it",
      "A required TLS 1.2 client certificate is missing: Go and Java (JSSE, "
      "\"Empty client certificate chain\") answer 42",
      "GnuTLS sends 42 for every certificate error",
      "Sent by mbedTLS itself when the server certificate does not match the "
      "expected host name (verify flag 0x04)"},
     {"Check that mbedtls_ssl_conf_own_cert() gets the device certificate and "
      "its private key",
      "Verify the device certificate against the CA the server trusts: "
      "openssl verify -CAfile ca.pem device.pem",
      "If your side sent it: run tlsdiag explain --flags VALUE with the "
      "\"Certificate verification flags\" value from the log"}},
    {43, "unsupported_certificate", "MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT",
     "The certificate is of a type or usage the peer does not accept.",
     {"Client certificate without the clientAuth extended key usage, with the "
      "wrong keyUsage, or with a key type the server does not take",
      "Sent by mbedTLS when the peer certificate has the wrong key usage, "
      "signature algorithm or key (verify flags 0x800, 0x1000, 0x2000, "
      "0x8000, 0x10000)"},
     {"Inspect the certificate: openssl x509 -in cert.pem -noout -text (Key "
      "Usage, Extended Key Usage, Public-Key)",
      "Reissue it with the usage the peer expects (TLS Web Client "
      "Authentication for a device certificate)"}},
    {44, "certificate_revoked", "MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED",
     "A certificate was revoked by its issuer.",
     {"The client certificate is revoked or deactivated in the cloud service "
      "(AWS IoT INACTIVE/REVOKED; unverified)",
      "Sent by mbedTLS when the peer certificate is on a CRL you configured "
      "(verify flag 0x02)"},
     {"Check the certificate status in the device registry or at the CA",
      "Provision a new certificate"}},
    {45, "certificate_expired", "MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED",
     "A certificate has expired, as seen by the clock of the side that sent "
     "the alert.",
     {"The certificate really expired",
      "The sender's clock is wrong (an RTC running ahead)",
      "Sent by mbedTLS when the peer certificate is expired (verify flag "
      "0x01)"},
     {"Compare the validity (openssl x509 -noout -dates) with the device time",
      "Set the clock before the handshake (SNTP); MBEDTLS_HAVE_TIME_DATE "
      "with mbedtls_platform_set_time() or MBEDTLS_PLATFORM_TIME_ALT"}},
    {46, "certificate_unknown", "MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN",
     "Some other problem with a certificate made it unacceptable.",
     {"The client certificate was refused for a reason the peer does not name",
      "Sent by mbedTLS for a peer certificate that is valid only in the "
      "future (verify flag 0x200: device clock not set) or signed with an "
      "unacceptable hash such as SHA-1 (flag 0x4000)"},
     {"If your device sent it: decode the verify flags from the log with "
      "tlsdiag explain --flags VALUE",
      "Check the device clock and the hash the certificate is signed with"}},
    {47, "illegal_parameter", "MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER",
     "A field in a handshake message was out of range or inconsistent with "
     "other fields.",
     {"An invalid max_fragment_length code (RFC 6066 requires this alert; "
      "OpenSSL sends it)",
      "Inconsistent extensions, e.g. a key share for a group not listed in "
      "supported_groups",
      "Sent by an mbedTLS client when the ServerHello carries a non-matching "
      "max_fragment_length extension"},
     {"Use only MBEDTLS_SSL_MAX_FRAG_LEN_512 ... _4096 with "
      "mbedtls_ssl_conf_max_frag_len()",
      "Decode the ClientHello (tlsdiag hello) and check the extension values"}},
    {48, "unknown_ca", "MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA",
     "The peer could not chain the certificate it received to a CA it trusts.",
     {"From a server: the device certificate's CA is not registered with the "
      "service (AWS IoT, Azure DPS)",
      "The client sent only its leaf certificate and the server needs the "
      "intermediate",
      "Sent by mbedTLS when the server certificate does not chain to the "
      "configured CA (verify flag 0x08)"},
     {"Register the device CA with the service, or use a certificate the "
      "service issued",
      "Send the whole chain: parse leaf and intermediates into one "
      "mbedtls_x509_crt before mbedtls_ssl_conf_own_cert()",
      "If your side sent it: mbedtls_ssl_conf_ca_chain() must hold the root "
      "the server chain ends in (e.g. DigiCert Global Root G2, Amazon Root "
      "CA 1, ISRG Root X1)"}},
    {49, "access_denied", "MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED",
     "The certificate is valid, but the peer does not grant access to it.",
     {"The device is not authorized: certificate not attached to a thing or "
      "policy, or deactivated",
      "Sent by mbedTLS when your verify callback flagged the certificate "
      "(verify flag 0x100)"},
     {"Check the authorization on the service side (policy attached, "
      "certificate active)"}},
    {50, "decode_error", "MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR",
     "A message could not be parsed: a length is wrong or a field is "
     "malformed.",
     {"A malformed ClientHello or extension, e.g. from a hand-built hello or "
      "a truncated write",
      "BoringSSL sends it for a malformed SNI list",
      "A record cut or split wrongly by the transport"},
     {"Decode the hello with tlsdiag hello to find the bad field",
      "Check that f_send handles partial writes"}},
    {51, "decrypt_error", "MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR",
     "A signature or Finished check failed: a key does not match its "
     "certificate, or the two sides saw different handshake messages.",
     {"A bad CertificateVerify signature: the private key does not belong to "
      "the certificate (wrong key in a secure element)",
      "RSA-PSS versus PKCS#1 v1.5 signature mismatch",
      "Finished or TLS 1.3 PSK binder mismatch (different PSK, altered "
      "messages)"},
     {"Check the key matches the certificate: compare openssl x509 -noout "
      "-pubkey with openssl pkey -pubout",
      "With a secure element, check the signing callback returns the right "
      "format (DER-encoded ECDSA signature)",
      "For PSK: identical identity and key on both sides"}},
    {52, "too_many_cids_requested", NULL,
     "DTLS 1.3: the peer asked for more connection IDs than allowed. Rare for "
     "devices.",
     {"DTLS connection ID settings that do not match"},
     {"Check the DTLS connection ID configuration on both sides"}},
    {60, "export_restriction_RESERVED",
     "MBEDTLS_SSL_ALERT_MSG_EXPORT_RESTRICTION",
     "Reserved: export-grade ciphers of TLS 1.0. Never sent by current stacks.",
     {"A very old peer"},
     {"Treat it as handshake_failure (40)"}},
    {70, "protocol_version", "MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION",
     "The peer does not support the protocol version offered: the client's "
     "highest version is below the server's lowest (or the reverse).",
     {"TLS 1.0/1.1 clients against current servers (Azure IoT Hub dropped "
      "them on 2025-08-31)",
      "mbedTLS 2.28 (TLS 1.2 at most) against a TLS 1.3-only endpoint (e.g. "
      "AWS IoT policy TLS13_1_3_2022_10)",
      "A client limited to TLS 1.3 against a TLS 1.2-only server"},
     {"2.28: mbedtls_ssl_conf_min_version(conf, 3, 3) and "
      "mbedtls_ssl_conf_max_version(conf, 3, 3) for TLS 1.2; 2.28 has no TLS "
      "1.3, so a TLS 1.3-only endpoint needs 3.6",
      "3.6: mbedtls_ssl_conf_min_tls_version() / "
      "mbedtls_ssl_conf_max_tls_version() with MBEDTLS_SSL_VERSION_TLS1_2 / "
      "MBEDTLS_SSL_VERSION_TLS1_3; MBEDTLS_SSL_PROTO_TLS1_3 and "
      "psa_crypto_init()",
      "Let the server tell you what it accepts: tlsdiag probe HOST:PORT "
      "retries with one change at a time"}},
    {71, "insufficient_security", "MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY",
     "The server needs stronger parameters than the client offered.",
     {"The client offers only weak suites (CBC with SHA-1, RSA key exchange) "
      "or small DH groups"},
     {"Offer ECDHE with AES-GCM or ChaCha20-Poly1305: MBEDTLS_GCM_C, "
      "MBEDTLS_CHACHAPOLY_C, MBEDTLS_KEY_EXCHANGE_ECDHE_*_ENABLED, "
      "mbedtls_ssl_conf_ciphersuites()"}},
    {80, "internal_error", "MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR",
     "The peer hit an error unrelated to the protocol. From a server right "
     "after the ClientHello it usually hides a configuration problem that the "
     "hello triggered, most often a missing SNI.",
     {"Missing or unknown SNI on Go servers (Caddy, Traefik) whose "
      "certificate callback fails",
      "The same seen historically on httpbin.org, Cloudflare and "
      "http2.golang.org without SNI",
      "An offer the server's certificate cannot serve, e.g. ECDSA-only suites "
      "against an RSA-only server",
      "A real server fault (overload, back end down)"},
     {"Suspect SNI first: call mbedtls_ssl_set_hostname(&ssl, \"real.host\") "
      "with the name the server expects, before mbedtls_ssl_handshake()",
      "Let the server tell you what it accepts: tlsdiag probe HOST:PORT "
      "retries with one change at a time",
      "If the SNI is right, look at the server's logs"}},
    {86, "inappropriate_fallback",
     "MBEDTLS_SSL_ALERT_MSG_INAPROPRIATE_FALLBACK",
     "The client signalled a fallback (TLS_FALLBACK_SCSV) to a version below "
     "the server's highest, and the server refuses the downgrade (RFC 7507).",
     {"mbedtls_ssl_conf_fallback(conf, MBEDTLS_SSL_IS_FALLBACK) on a retry "
      "with a lower version (2.x)"},
     {"Do not retry with lower versions; drop the "
      "mbedtls_ssl_conf_fallback() call"}},
    {90, "user_canceled", "MBEDTLS_SSL_ALERT_MSG_USER_CANCELED",
     "The peer cancelled the handshake for a reason unrelated to the "
     "protocol; usually followed by close_notify.",
     {"An application-level abort on the peer"},
     {"Look at the peer's logs"}},
    {100, "no_renegotiation_RESERVED", "MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION",
     "The peer refuses to renegotiate (TLS 1.2 and earlier). Usually a "
     "warning; BoringSSL servers send it as fatal.",
     {"An mbedTLS client refusing a HelloRequest (\"refusing renegotiation, "
      "sending alert\"), e.g. a server asking for a client certificate late "
      "(IIS; unverified)",
      "A client trying to renegotiate with a BoringSSL server"},
     {"If the server needs it: mbedtls_ssl_conf_renegotiation(conf, "
      "MBEDTLS_SSL_RENEGOTIATION_ENABLED) with MBEDTLS_SSL_RENEGOTIATION (TLS "
      "1.2 only)",
      "Better: have the server request the client certificate in the first "
      "handshake"}},
    {109, "missing_extension", "MBEDTLS_SSL_ALERT_MSG_MISSING_EXTENSION",
     "TLS 1.3: a required extension is missing from the hello.",
     {"A TLS 1.3 ClientHello without signature_algorithms or "
      "supported_groups (BoringSSL, Go)"},
     {"3.6: keep the group list (mbedtls_ssl_conf_groups()) and the signature "
      "algorithm list (mbedtls_ssl_conf_sig_algs()) non-empty",
      "Decode the hello with tlsdiag hello"}},
    {110, "unsupported_extension", "MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_EXT",
     "A message carried an extension the receiver did not offer or cannot "
     "accept there.",
     {"A server answering with an extension the client never offered",
      "A TLS 1.3 extension in the wrong message"},
     {"Compare the ClientHello and ServerHello extensions (tlsdiag pcap, "
      "tlsdiag log)"}},
    {111, "certificate_unobtainable_RESERVED", NULL,
     "Reserved: a client certificate URL could not be fetched (RFC 6066). Not "
     "used any more.",
     {"A peer using the client_certificate_url extension"},
     {"Send the certificate itself"}},
    {112, "unrecognized_name", "MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME",
     "The server has no host for the name sent in SNI (RFC 6066). As a "
     "warning ([1:112], Apache) it is harmless and mbedTLS ignores it; as a "
     "fatal alert it ends the handshake.",
     {"nginx with ssl_reject_handshake on, for a name it does not serve",
      "An mbedTLS server whose SNI callback (mbedtls_ssl_conf_sni()) failed",
      "Go servers without certificates; BoringSSL for empty, NUL-containing "
      "or over-long names",
      "A typo, an IP address or a \"host:port\" given to "
      "mbedtls_ssl_set_hostname()"},
     {"Pass the exact DNS name of the endpoint to mbedtls_ssl_set_hostname() "
      "(no IP address, port or scheme)",
      "Check which names the server serves (its certificate SAN, the "
      "documented endpoint name)"}},
    {113, "bad_certificate_status_response", NULL,
     "The OCSP status response (stapling) was invalid. Rare for devices.",
     {"A broken OCSP stapling setup on the server"},
     {"Check the server's OCSP stapling configuration"}},
    {114, "bad_certificate_hash_value_RESERVED", NULL,
     "Reserved: a certificate hash did not match (RFC 6066). Not used any "
     "more.",
     {"An old peer"},
     {"Treat it as bad_certificate (42)"}},
    {115, "unknown_psk_identity", "MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY",
     "The server does not know the PSK identity the client sent.",
     {"The identity is not provisioned on the server, or has a typo",
      "mbedtls_ssl_conf_psk() given the wrong identity bytes (length off by "
      "one, a trailing NUL)"},
     {"Compare the identity bytes on both sides"}},
    {116, "certificate_required", "MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED",
     "TLS 1.3: the server requires a client certificate and none was sent.",
     {"No mbedtls_ssl_conf_own_cert() on the client",
      "The client certificate does not fit the server's CertificateRequest "
      "(signature algorithms), so none was sent"},
     {"Call mbedtls_ssl_conf_own_cert(conf, &cert, &key) before the handshake",
      "Check the key type is among the signature algorithms the server "
      "requests"}},
    {117, "general_error", NULL,
     "A generic error with no more specific alert (RFC 8446bis). Rare.",
     {"An error the peer does not describe further"},
     {"Look at the peer's logs"}},
    {120, "no_application_protocol",
     "MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL",
     "The server supports none of the ALPN protocols the client offered.",
     {"A wrong ALPN string (AWS IoT MQTT on port 443 needs x-amzn-mqtt-ca; "
      "alert unverified)",
      "The server requires ALPN and the client offered none"},
     {"mbedtls_ssl_conf_alpn_protocols(conf, list) with the protocol the "
      "service documents (MBEDTLS_SSL_ALPN)"}},
    {121, "ech_required", NULL,
     "The server requires Encrypted Client Hello. Rare for devices; mbedTLS "
     "does not implement ECH.",
     {"A server configured to refuse clients without ECH"},
     {"Use an endpoint that does not require ECH"}},
};

static const struct td_mberr_name_row mberr_names[] = {
    {-0x0001, 0, "MBEDTLS_ERR_ERROR_GENERIC_ERROR", NULL},
    {-0x0002, 0, "MBEDTLS_ERR_MPI_FILE_IO_ERROR", NULL},
    {-0x0003, 0, "MBEDTLS_ERR_HMAC_DRBG_REQUEST_TOO_BIG", NULL},
    {-0x0004, 0, "MBEDTLS_ERR_MPI_BAD_INPUT_DATA", NULL},
    {-0x0005, 0, "MBEDTLS_ERR_HMAC_DRBG_INPUT_TOO_BIG", NULL},
    {-0x0006, 0, "MBEDTLS_ERR_MPI_INVALID_CHARACTER", NULL},
    {-0x0007, 0, "MBEDTLS_ERR_HMAC_DRBG_FILE_IO_ERROR", NULL},
    {-0x0008, 0, "MBEDTLS_ERR_MPI_BUFFER_TOO_SMALL", NULL},
    {-0x0009, 0, "MBEDTLS_ERR_HMAC_DRBG_ENTROPY_SOURCE_FAILED", NULL},
    {-0x000A, 0, "MBEDTLS_ERR_MPI_NEGATIVE_VALUE", NULL},
    {-0x000B, 0, "MBEDTLS_ERR_OID_BUF_TOO_SMALL", NULL},
    {-0x000C, 0, "MBEDTLS_ERR_MPI_DIVISION_BY_ZERO", NULL},
    {-0x000D, 0, "MBEDTLS_ERR_CCM_BAD_INPUT", NULL},
    {-0x000E, 0, "MBEDTLS_ERR_MPI_NOT_ACCEPTABLE", NULL},
    {-0x000F, 0, "MBEDTLS_ERR_CCM_AUTH_FAILED", NULL},
    {-0x0010, 0, "MBEDTLS_ERR_MPI_ALLOC_FAILED", NULL},
    {-0x0011, 2, "MBEDTLS_ERR_CCM_HW_ACCEL_FAILED", NULL},
    {-0x0012, 0, "MBEDTLS_ERR_GCM_AUTH_FAILED", NULL},
    {-0x0013, 2, "MBEDTLS_ERR_GCM_HW_ACCEL_FAILED", NULL},
    {-0x0014, 0, "MBEDTLS_ERR_GCM_BAD_INPUT", NULL},
    {-0x0016, 2, "MBEDTLS_ERR_BLOWFISH_BAD_INPUT_DATA", NULL},
    {-0x0016, 3, "MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL",
     "GCM - An output buffer is too small"},
    {-0x0017, 2, "MBEDTLS_ERR_BLOWFISH_HW_ACCEL_FAILED", NULL},
    {-0x0018, 2, "MBEDTLS_ERR_BLOWFISH_INVALID_INPUT_LENGTH", NULL},
    {-0x0019, 2, "MBEDTLS_ERR_ARC4_HW_ACCEL_FAILED", NULL},
    {-0x001A, 2, "MBEDTLS_ERR_THREADING_FEATURE_UNAVAILABLE", NULL},
    {-0x001C, 0, "MBEDTLS_ERR_THREADING_BAD_INPUT_DATA", NULL},
    {-0x001E, 0, "MBEDTLS_ERR_THREADING_MUTEX_ERROR", NULL},
    {-0x0020, 0, "MBEDTLS_ERR_AES_INVALID_KEY_LENGTH", NULL},
    {-0x0021, 0, "MBEDTLS_ERR_AES_BAD_INPUT_DATA", NULL},
    {-0x0022, 0, "MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH", NULL},
    {-0x0023, 2, "MBEDTLS_ERR_AES_FEATURE_UNAVAILABLE", NULL},
    {-0x0024, 0, "MBEDTLS_ERR_CAMELLIA_BAD_INPUT_DATA", NULL},
    {-0x0025, 2, "MBEDTLS_ERR_AES_HW_ACCEL_FAILED", NULL},
    {-0x0026, 0, "MBEDTLS_ERR_CAMELLIA_INVALID_INPUT_LENGTH", NULL},
    {-0x0027, 2, "MBEDTLS_ERR_CAMELLIA_HW_ACCEL_FAILED", NULL},
    {-0x0028, 2, "MBEDTLS_ERR_XTEA_INVALID_INPUT_LENGTH", NULL},
    {-0x0029, 2, "MBEDTLS_ERR_XTEA_HW_ACCEL_FAILED", NULL},
    {-0x002A, 0, "MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL", NULL},
    {-0x002B, 2, "MBEDTLS_ERR_MD2_HW_ACCEL_FAILED", NULL},
    {-0x002C, 0, "MBEDTLS_ERR_BASE64_INVALID_CHARACTER", NULL},
    {-0x002D, 2, "MBEDTLS_ERR_MD4_HW_ACCEL_FAILED", NULL},
    {-0x002E, 0, "MBEDTLS_ERR_OID_NOT_FOUND", NULL},
    {-0x002F, 2, "MBEDTLS_ERR_MD5_HW_ACCEL_FAILED", NULL},
    {-0x0030, 2, "MBEDTLS_ERR_PADLOCK_DATA_MISALIGNED", NULL},
    {-0x0031, 2, "MBEDTLS_ERR_RIPEMD160_HW_ACCEL_FAILED", NULL},
    {-0x0032, 0, "MBEDTLS_ERR_DES_INVALID_INPUT_LENGTH", NULL},
    {-0x0033, 2, "MBEDTLS_ERR_DES_HW_ACCEL_FAILED", NULL},
    {-0x0034, 0, "MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED", NULL},
    {-0x0035, 2, "MBEDTLS_ERR_SHA1_HW_ACCEL_FAILED", NULL},
    {-0x0036, 0, "MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG", NULL},
    {-0x0037, 2, "MBEDTLS_ERR_SHA256_HW_ACCEL_FAILED", NULL},
    {-0x0038, 0, "MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG", NULL},
    {-0x0039, 2, "MBEDTLS_ERR_SHA512_HW_ACCEL_FAILED", NULL},
    {-0x003A, 0, "MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR", NULL},
    {-0x003C, 0, "MBEDTLS_ERR_ENTROPY_SOURCE_FAILED", NULL},
    {-0x003D, 0, "MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE", NULL},
    {-0x003E, 0, "MBEDTLS_ERR_ENTROPY_MAX_SOURCES", NULL},
    {-0x003F, 0, "MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR", NULL},
    {-0x0040, 0, "MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED", NULL},
    {-0x0042, 0, "MBEDTLS_ERR_NET_SOCKET_FAILED", NULL},
    {-0x0043, 0, "MBEDTLS_ERR_NET_BUFFER_TOO_SMALL", NULL},
    {-0x0044, 0, "MBEDTLS_ERR_NET_CONNECT_FAILED", NULL},
    {-0x0045, 0, "MBEDTLS_ERR_NET_INVALID_CONTEXT", NULL},
    {-0x0046, 0, "MBEDTLS_ERR_NET_BIND_FAILED", NULL},
    {-0x0047, 0, "MBEDTLS_ERR_NET_POLL_FAILED", NULL},
    {-0x0048, 0, "MBEDTLS_ERR_NET_LISTEN_FAILED", NULL},
    {-0x0049, 0, "MBEDTLS_ERR_NET_BAD_INPUT_DATA", NULL},
    {-0x004A, 0, "MBEDTLS_ERR_NET_ACCEPT_FAILED", NULL},
    {-0x004C, 0, "MBEDTLS_ERR_NET_RECV_FAILED", NULL},
    {-0x004E, 0, "MBEDTLS_ERR_NET_SEND_FAILED", NULL},
    {-0x0050, 0, "MBEDTLS_ERR_NET_CONN_RESET", NULL},
    {-0x0051, 0, "MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA", NULL},
    {-0x0052, 0, "MBEDTLS_ERR_NET_UNKNOWN_HOST", NULL},
    {-0x0053, 2, "MBEDTLS_ERR_CHACHA20_FEATURE_UNAVAILABLE", NULL},
    {-0x0054, 0, "MBEDTLS_ERR_CHACHAPOLY_BAD_STATE", NULL},
    {-0x0055, 2, "MBEDTLS_ERR_CHACHA20_HW_ACCEL_FAILED", NULL},
    {-0x0056, 0, "MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED", NULL},
    {-0x0057, 0, "MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA", NULL},
    {-0x0058, 2, "MBEDTLS_ERR_ARIA_HW_ACCEL_FAILED", NULL},
    {-0x0059, 2, "MBEDTLS_ERR_POLY1305_FEATURE_UNAVAILABLE", NULL},
    {-0x005A, 2, "MBEDTLS_ERR_ARIA_FEATURE_UNAVAILABLE", NULL},
    {-0x005B, 2, "MBEDTLS_ERR_POLY1305_HW_ACCEL_FAILED", NULL},
    {-0x005C, 0, "MBEDTLS_ERR_ARIA_BAD_INPUT_DATA", NULL},
    {-0x005E, 0, "MBEDTLS_ERR_ARIA_INVALID_INPUT_LENGTH", NULL},
    {-0x0060, 0, "MBEDTLS_ERR_ASN1_OUT_OF_DATA", NULL},
    {-0x0062, 0, "MBEDTLS_ERR_ASN1_UNEXPECTED_TAG", NULL},
    {-0x0064, 0, "MBEDTLS_ERR_ASN1_INVALID_LENGTH", NULL},
    {-0x0066, 0, "MBEDTLS_ERR_ASN1_LENGTH_MISMATCH", NULL},
    {-0x0068, 0, "MBEDTLS_ERR_ASN1_INVALID_DATA", NULL},
    {-0x006A, 0, "MBEDTLS_ERR_ASN1_ALLOC_FAILED", NULL},
    {-0x006C, 0, "MBEDTLS_ERR_ASN1_BUF_TOO_SMALL", NULL},
    {-0x006E, 0, "MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED", NULL},
    {-0x0070, 0, "MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED", NULL},
    {-0x0072, 0, "MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED", NULL},
    {-0x0073, 0, "MBEDTLS_ERR_SHA1_BAD_INPUT_DATA", NULL},
    {-0x0074, 0, "MBEDTLS_ERR_SHA256_BAD_INPUT_DATA", NULL},
    {-0x0075, 0, "MBEDTLS_ERR_SHA512_BAD_INPUT_DATA", NULL},
    {-0x007A, 2, "MBEDTLS_ERR_CMAC_HW_ACCEL_FAILED", NULL},
    {-0x0084, 0, "PSA_ERROR_GENERIC_ERROR",
     "PSA - Generic error"},
    {-0x0085, 0, "PSA_ERROR_NOT_PERMITTED",
     "PSA - The requested action is denied by a policy"},
    {-0x0086, 0, "PSA_ERROR_NOT_SUPPORTED",
     "PSA - The requested operation or a parameter is not supported"},
    {-0x0087, 0, "PSA_ERROR_INVALID_ARGUMENT",
     "PSA - The parameters passed to the function are invalid"},
    {-0x0088, 0, "PSA_ERROR_INVALID_HANDLE",
     "PSA - The key identifier is not valid"},
    {-0x0089, 0, "PSA_ERROR_BAD_STATE",
     "PSA - The requested action cannot be performed in the current state"},
    {-0x008A, 0, "PSA_ERROR_BUFFER_TOO_SMALL",
     "PSA - An output buffer is too small"},
    {-0x008B, 0, "PSA_ERROR_ALREADY_EXISTS",
     "PSA - Asking for an item that already exists"},
    {-0x008C, 0, "PSA_ERROR_DOES_NOT_EXIST",
     "PSA - Asking for an item that does not exist"},
    {-0x008D, 0, "PSA_ERROR_INSUFFICIENT_MEMORY",
     "PSA - There is not enough runtime memory"},
    {-0x008E, 0, "PSA_ERROR_INSUFFICIENT_STORAGE",
     "PSA - There is not enough persistent storage"},
    {-0x008F, 0, "PSA_ERROR_INSUFFICIENT_DATA",
     "PSA - Not enough data to complete the request"},
    {-0x0091, 0, "PSA_ERROR_COMMUNICATION_FAILURE",
     "PSA - A communication failure inside the implementation"},
    {-0x0092, 0, "PSA_ERROR_STORAGE_FAILURE",
     "PSA - A storage failure"},
    {-0x0093, 0, "PSA_ERROR_HARDWARE_FAILURE",
     "PSA - A hardware failure"},
    {-0x0094, 0, "PSA_ERROR_INSUFFICIENT_ENTROPY",
     "PSA - Not enough entropy to generate random data"},
    {-0x0095, 0, "PSA_ERROR_INVALID_SIGNATURE",
     "PSA - The signature, MAC or hash is incorrect"},
    {-0x0096, 0, "PSA_ERROR_INVALID_PADDING",
     "PSA - The decrypted padding is incorrect"},
    {-0x0097, 0, "PSA_ERROR_CORRUPTION_DETECTED",
     "PSA - Internal data has been tampered with"},
    {-0x0098, 0, "PSA_ERROR_DATA_CORRUPT",
     "PSA - Stored data has been corrupted"},
    {-0x0099, 0, "PSA_ERROR_DATA_INVALID",
     "PSA - Data read from storage is not valid"},
    {-0x1080, 0, "MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT", NULL},
    {-0x1100, 0, "MBEDTLS_ERR_PEM_INVALID_DATA", NULL},
    {-0x1180, 0, "MBEDTLS_ERR_PEM_ALLOC_FAILED", NULL},
    {-0x1200, 0, "MBEDTLS_ERR_PEM_INVALID_ENC_IV", NULL},
    {-0x1280, 0, "MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG", NULL},
    {-0x1300, 0, "MBEDTLS_ERR_PEM_PASSWORD_REQUIRED", NULL},
    {-0x1380, 0, "MBEDTLS_ERR_PEM_PASSWORD_MISMATCH", NULL},
    {-0x1400, 0, "MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE", NULL},
    {-0x1480, 0, "MBEDTLS_ERR_PEM_BAD_INPUT_DATA", NULL},
    {-0x1E00, 0, "MBEDTLS_ERR_PKCS12_PASSWORD_MISMATCH", NULL},
    {-0x1E80, 0, "MBEDTLS_ERR_PKCS12_PBE_INVALID_FORMAT", NULL},
    {-0x1F00, 0, "MBEDTLS_ERR_PKCS12_FEATURE_UNAVAILABLE", NULL},
    {-0x1F80, 0, "MBEDTLS_ERR_PKCS12_BAD_INPUT_DATA", NULL},
    {-0x2080, 0, "MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE", NULL},
    {-0x2100, 0, "MBEDTLS_ERR_X509_UNKNOWN_OID", NULL},
    {-0x2180, 0, "MBEDTLS_ERR_X509_INVALID_FORMAT", NULL},
    {-0x2200, 0, "MBEDTLS_ERR_X509_INVALID_VERSION", NULL},
    {-0x2280, 0, "MBEDTLS_ERR_X509_INVALID_SERIAL", NULL},
    {-0x2300, 0, "MBEDTLS_ERR_X509_INVALID_ALG", NULL},
    {-0x2380, 0, "MBEDTLS_ERR_X509_INVALID_NAME", NULL},
    {-0x2400, 0, "MBEDTLS_ERR_X509_INVALID_DATE", NULL},
    {-0x2480, 0, "MBEDTLS_ERR_X509_INVALID_SIGNATURE", NULL},
    {-0x2500, 0, "MBEDTLS_ERR_X509_INVALID_EXTENSIONS", NULL},
    {-0x2580, 0, "MBEDTLS_ERR_X509_UNKNOWN_VERSION", NULL},
    {-0x2600, 0, "MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG", NULL},
    {-0x2680, 0, "MBEDTLS_ERR_X509_SIG_MISMATCH", NULL},
    {-0x2700, 0, "MBEDTLS_ERR_X509_CERT_VERIFY_FAILED", NULL},
    {-0x2780, 0, "MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT", NULL},
    {-0x2800, 0, "MBEDTLS_ERR_X509_BAD_INPUT_DATA", NULL},
    {-0x2880, 0, "MBEDTLS_ERR_X509_ALLOC_FAILED", NULL},
    {-0x2900, 0, "MBEDTLS_ERR_X509_FILE_IO_ERROR", NULL},
    {-0x2980, 0, "MBEDTLS_ERR_X509_BUFFER_TOO_SMALL", NULL},
    {-0x2E00, 0, "MBEDTLS_ERR_PKCS5_PASSWORD_MISMATCH", NULL},
    {-0x2E80, 0, "MBEDTLS_ERR_PKCS5_FEATURE_UNAVAILABLE", NULL},
    {-0x2F00, 0, "MBEDTLS_ERR_PKCS5_INVALID_FORMAT", NULL},
    {-0x2F80, 0, "MBEDTLS_ERR_PKCS5_BAD_INPUT_DATA", NULL},
    {-0x3000, 0, "MBEDTLS_ERR_X509_FATAL_ERROR", NULL},
    {-0x3080, 0, "MBEDTLS_ERR_DHM_BAD_INPUT_DATA", NULL},
    {-0x3100, 0, "MBEDTLS_ERR_DHM_READ_PARAMS_FAILED", NULL},
    {-0x3180, 0, "MBEDTLS_ERR_DHM_MAKE_PARAMS_FAILED", NULL},
    {-0x3200, 0, "MBEDTLS_ERR_DHM_READ_PUBLIC_FAILED", NULL},
    {-0x3280, 0, "MBEDTLS_ERR_DHM_MAKE_PUBLIC_FAILED", NULL},
    {-0x3300, 0, "MBEDTLS_ERR_DHM_CALC_SECRET_FAILED", NULL},
    {-0x3380, 0, "MBEDTLS_ERR_DHM_INVALID_FORMAT", NULL},
    {-0x3400, 0, "MBEDTLS_ERR_DHM_ALLOC_FAILED", NULL},
    {-0x3480, 0, "MBEDTLS_ERR_DHM_FILE_IO_ERROR", NULL},
    {-0x3500, 2, "MBEDTLS_ERR_DHM_HW_ACCEL_FAILED", NULL},
    {-0x3580, 0, "MBEDTLS_ERR_DHM_SET_GROUP_FAILED", NULL},
    {-0x3880, 2, "MBEDTLS_ERR_PK_HW_ACCEL_FAILED", NULL},
    {-0x3880, 3, "MBEDTLS_ERR_PK_BUFFER_TOO_SMALL",
     "PK - The output buffer is too small"},
    {-0x3900, 0, "MBEDTLS_ERR_PK_SIG_LEN_MISMATCH", NULL},
    {-0x3980, 0, "MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE", NULL},
    {-0x3A00, 0, "MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE", NULL},
    {-0x3A80, 0, "MBEDTLS_ERR_PK_INVALID_ALG", NULL},
    {-0x3B00, 0, "MBEDTLS_ERR_PK_INVALID_PUBKEY", NULL},
    {-0x3B80, 0, "MBEDTLS_ERR_PK_PASSWORD_MISMATCH", NULL},
    {-0x3C00, 0, "MBEDTLS_ERR_PK_PASSWORD_REQUIRED", NULL},
    {-0x3C80, 0, "MBEDTLS_ERR_PK_UNKNOWN_PK_ALG", NULL},
    {-0x3D00, 0, "MBEDTLS_ERR_PK_KEY_INVALID_FORMAT", NULL},
    {-0x3D80, 0, "MBEDTLS_ERR_PK_KEY_INVALID_VERSION", NULL},
    {-0x3E00, 0, "MBEDTLS_ERR_PK_FILE_IO_ERROR", NULL},
    {-0x3E80, 0, "MBEDTLS_ERR_PK_BAD_INPUT_DATA", NULL},
    {-0x3F00, 0, "MBEDTLS_ERR_PK_TYPE_MISMATCH", NULL},
    {-0x3F80, 0, "MBEDTLS_ERR_PK_ALLOC_FAILED", NULL},
    {-0x4080, 0, "MBEDTLS_ERR_RSA_BAD_INPUT_DATA", NULL},
    {-0x4100, 0, "MBEDTLS_ERR_RSA_INVALID_PADDING", NULL},
    {-0x4180, 0, "MBEDTLS_ERR_RSA_KEY_GEN_FAILED", NULL},
    {-0x4200, 0, "MBEDTLS_ERR_RSA_KEY_CHECK_FAILED", NULL},
    {-0x4280, 0, "MBEDTLS_ERR_RSA_PUBLIC_FAILED", NULL},
    {-0x4300, 0, "MBEDTLS_ERR_RSA_PRIVATE_FAILED", NULL},
    {-0x4380, 0, "MBEDTLS_ERR_RSA_VERIFY_FAILED", NULL},
    {-0x4400, 0, "MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE", NULL},
    {-0x4480, 0, "MBEDTLS_ERR_RSA_RNG_FAILED", NULL},
    {-0x4500, 2, "MBEDTLS_ERR_RSA_UNSUPPORTED_OPERATION", NULL},
    {-0x4580, 2, "MBEDTLS_ERR_RSA_HW_ACCEL_FAILED", NULL},
    {-0x4B00, 0, "MBEDTLS_ERR_ECP_IN_PROGRESS", NULL},
    {-0x4B80, 2, "MBEDTLS_ERR_ECP_HW_ACCEL_FAILED", NULL},
    {-0x4C00, 0, "MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH", NULL},
    {-0x4C80, 0, "MBEDTLS_ERR_ECP_INVALID_KEY", NULL},
    {-0x4D00, 0, "MBEDTLS_ERR_ECP_RANDOM_FAILED", NULL},
    {-0x4D80, 0, "MBEDTLS_ERR_ECP_ALLOC_FAILED", NULL},
    {-0x4E00, 0, "MBEDTLS_ERR_ECP_VERIFY_FAILED", NULL},
    {-0x4E80, 0, "MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE", NULL},
    {-0x4F00, 0, "MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL", NULL},
    {-0x4F80, 0, "MBEDTLS_ERR_ECP_BAD_INPUT_DATA", NULL},
    {-0x5080, 0, "MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE", NULL},
    {-0x5100, 0, "MBEDTLS_ERR_MD_BAD_INPUT_DATA", NULL},
    {-0x5180, 0, "MBEDTLS_ERR_MD_ALLOC_FAILED", NULL},
    {-0x5200, 0, "MBEDTLS_ERR_MD_FILE_IO_ERROR", NULL},
    {-0x5280, 2, "MBEDTLS_ERR_MD_HW_ACCEL_FAILED", NULL},
    {-0x5D80, 0, "MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME",
     "SSL - Attempt to verify a certificate without an expected hostname. "
     "This is usually insecure."},
    {-0x5E00, 2, "MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND",
     "SSL - Cache entry not found"},
    {-0x5E80, 0, "MBEDTLS_ERR_SSL_BAD_CONFIG", NULL},
    {-0x5F00, 0, "MBEDTLS_ERR_SSL_VERSION_MISMATCH", NULL},
    {-0x5F80, 0, "MBEDTLS_ERR_HKDF_BAD_INPUT_DATA", NULL},
    {-0x6000, 0, "MBEDTLS_ERR_SSL_UNEXPECTED_CID", NULL},
    {-0x6080, 0, "MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE", NULL},
    {-0x6100, 0, "MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA", NULL},
    {-0x6180, 0, "MBEDTLS_ERR_CIPHER_ALLOC_FAILED", NULL},
    {-0x6200, 0, "MBEDTLS_ERR_CIPHER_INVALID_PADDING", NULL},
    {-0x6280, 0, "MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED", NULL},
    {-0x6300, 0, "MBEDTLS_ERR_CIPHER_AUTH_FAILED", NULL},
    {-0x6380, 0, "MBEDTLS_ERR_CIPHER_INVALID_CONTEXT", NULL},
    {-0x6400, 2, "MBEDTLS_ERR_CIPHER_HW_ACCEL_FAILED", NULL},
    {-0x6480, 0, "MBEDTLS_ERR_SSL_EARLY_MESSAGE", NULL},
    {-0x6500, 0, "MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS", NULL},
    {-0x6580, 0, "MBEDTLS_ERR_SSL_CONTINUE_PROCESSING", NULL},
    {-0x6600, 2, "MBEDTLS_ERR_SSL_INVALID_VERIFY_HASH", NULL},
    {-0x6600, 3, "MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER",
     "SSL - A field in a message was incorrect or inconsistent with other "
     "fields"},
    {-0x6680, 0, "MBEDTLS_ERR_SSL_NON_FATAL", NULL},
    {-0x6700, 0, "MBEDTLS_ERR_SSL_UNEXPECTED_RECORD", NULL},
    {-0x6780, 0, "MBEDTLS_ERR_SSL_CLIENT_RECONNECT", NULL},
    {-0x6800, 0, "MBEDTLS_ERR_SSL_TIMEOUT", NULL},
    {-0x6880, 0, "MBEDTLS_ERR_SSL_WANT_WRITE", NULL},
    {-0x6900, 0, "MBEDTLS_ERR_SSL_WANT_READ", NULL},
    {-0x6980, 2, "MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE", NULL},
    {-0x6A00, 0, "MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL", NULL},
    {-0x6A80, 0, "MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED", NULL},
    {-0x6B00, 0, "MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO", NULL},
    {-0x6B80, 0, "MBEDTLS_ERR_SSL_COUNTER_WRAPPING", NULL},
    {-0x6C00, 0, "MBEDTLS_ERR_SSL_INTERNAL_ERROR", NULL},
    {-0x6C80, 0, "MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY", NULL},
    {-0x6D00, 0, "MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH", NULL},
    {-0x6D80, 0, "MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED", NULL},
    {-0x6E00, 2, "MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET", NULL},
    {-0x6E00, 3, "MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE",
     "SSL - The handshake negotiation failed"},
    {-0x6E80, 2, "MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION", NULL},
    {-0x6E80, 3, "MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION",
     "SSL - Handshake protocol not within min/max boundaries"},
    {-0x6F00, 2, "MBEDTLS_ERR_SSL_COMPRESSION_FAILED", NULL},
    {-0x6F80, 0, "MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH", NULL},
    {-0x7000, 0, "MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS", NULL},
    {-0x7080, 0, "MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE", NULL},
    {-0x7100, 0, "MBEDTLS_ERR_SSL_BAD_INPUT_DATA", NULL},
    {-0x7180, 0, "MBEDTLS_ERR_SSL_INVALID_MAC", NULL},
    {-0x7200, 0, "MBEDTLS_ERR_SSL_INVALID_RECORD", NULL},
    {-0x7280, 0, "MBEDTLS_ERR_SSL_CONN_EOF", NULL},
    {-0x7300, 2, "MBEDTLS_ERR_SSL_UNKNOWN_CIPHER", NULL},
    {-0x7300, 3, "MBEDTLS_ERR_SSL_DECODE_ERROR",
     "SSL - A message could not be parsed due to a syntactic error"},
    {-0x7380, 2, "MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN", NULL},
    {-0x7400, 0, "MBEDTLS_ERR_SSL_NO_RNG", NULL},
    {-0x7480, 0, "MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE", NULL},
    {-0x7500, 2, "MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE", NULL},
    {-0x7500, 3, "MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION",
     "SSL - Client received an extended server hello containing an "
     "unsupported extension"},
    {-0x7580, 2, "MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED", NULL},
    {-0x7580, 3, "MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL",
     "SSL - No ALPN protocols supported that the client advertises"},
    {-0x7600, 0, "MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED", NULL},
    {-0x7680, 0, "MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED", NULL},
    {-0x7700, 0, "MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE", NULL},
    {-0x7780, 0, "MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE", NULL},
    {-0x7800, 2, "MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED", NULL},
    {-0x7800, 3, "MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME",
     "SSL - No server could be identified matching the client's SNI"},
    {-0x7880, 0, "MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY", NULL},
    {-0x7900, 2, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO", NULL},
    {-0x7980, 2, "MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO", NULL},
    {-0x7A00, 2, "MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE", NULL},
    {-0x7A00, 3, "MBEDTLS_ERR_SSL_BAD_CERTIFICATE",
     "SSL - Processing of the Certificate handshake message failed"},
    {-0x7A80, 2, "MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST", NULL},
    {-0x7B00, 2, "MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE", NULL},
    {-0x7B00, 3, "MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET",
     "SSL - A TLS 1.3 NewSessionTicket message has been received"},
    {-0x7B80, 2, "MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE", NULL},
    {-0x7B80, 3, "MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA",
     "SSL - Not possible to read early data"},
    {-0x7C00, 2, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE", NULL},
    {-0x7C00, 3, "MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA",
     "SSL - Early data has been received as part of an on-going handshake"},
    {-0x7C80, 2, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP", NULL},
    {-0x7C80, 3, "MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA",
     "SSL - Not possible to write early data"},
    {-0x7D00, 2, "MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS", NULL},
    {-0x7D80, 2, "MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY", NULL},
    {-0x7E00, 2, "MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC", NULL},
    {-0x7E80, 2, "MBEDTLS_ERR_SSL_BAD_HS_FINISHED", NULL},
    {-0x7E80, 3, "MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND",
     "SSL - Cache entry not found"},
    {-0x7F00, 0, "MBEDTLS_ERR_SSL_ALLOC_FAILED", NULL},
    {-0x7F80, 0, "MBEDTLS_ERR_SSL_HW_ACCEL_FAILED", NULL},
};

static const struct td_mberr_info_row mberr_infos[] = {
    {-0x7780, 0,
     "The peer sent a fatal alert and the handshake stopped. The error does "
     "not say which alert: the alert number in the debug log is the real clue.",
     {"Anything the peer disliked; the alert names it: 40 handshake_failure, "
      "70 protocol_version, 112 unrecognized_name, 48 unknown_ca, 80 "
      "internal_error, ..."},
     {"Find the alert in the debug log: \"got an alert message, type: [2:N]\" "
      "or \"is a fatal alert message (msg N)\" (level 1-2), then run tlsdiag "
      "explain N",
      "Or run tlsdiag log on the whole log",
      "Without a log: capture the traffic (tcpdump) and run tlsdiag pcap; "
      "alerts before the handshake completes are readable"}},
    {-0x7880, 0,
     "The peer sent close_notify. After the handshake it is the normal end of "
     "a session; during the handshake it is a rejection without a reason.",
     {"During the handshake: an AWS s2n-tls front end (CloudFront, NLB with "
      "TLS, API Gateway) rejects a ClientHello this way, whatever the reason "
      "(SNI, no shared suite, version)",
      "After the handshake: the server closed the session (idle timeout, "
      "protocol finished)"},
     {"During the handshake: set SNI (mbedtls_ssl_set_hostname(&ssl, "
      "\"real.host\") before mbedtls_ssl_handshake()) and compare suites and "
      "versions with the endpoint's policy",
      "tlsdiag probe HOST:PORT retries with one change at a time and reports "
      "what the server accepts",
      "After the handshake: treat it as end of stream and reconnect when "
      "needed"}},
    {-0x7280, 0,
     "The TCP connection was closed (FIN) without any TLS alert.",
     {"A server or middlebox dropping the connection after the ClientHello "
      "(SChannel/IIS version mismatch, firewall, load balancer)",
      "Not a TLS service on that port, or a proxy that needs CONNECT first",
      "The server's idle timeout"},
     {"Look for \"ssl->f_recv(_timeout)() returned 0\" in the debug log to "
      "see when it happened",
      "Try the same host from another client: openssl s_client -connect "
      "HOST:PORT -servername HOST; tlsdiag probe HOST:PORT retries with one "
      "change at a time and reports what the server accepts",
      "Check firewalls and proxies between device and server"}},
    {-0x7200, 0,
     "Bytes arrived that are not a valid TLS record.",
     {"\"unknown record type 72\" (72 is 'H'): a plaintext HTTP answer; wrong "
      "port, or an HTTP proxy that needs CONNECT first",
      "\"major/minor version mismatch\": not a TLS peer, or a garbled stream",
      "\"bad message length\": a record larger than "
      "MBEDTLS_SSL_IN_CONTENT_LEN (input buffer too small)"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it",
      "Check host and port; through a proxy, send HTTP CONNECT first",
      "Keep MBEDTLS_SSL_IN_CONTENT_LEN at 16384 unless the server honours "
      "max_fragment_length"}},
    {-0x7180, 0,
     "A received record failed decryption or its MAC/tag check.",
     {"\"message mac does not match\": the two sides hold different keys "
      "(hardware AES/GCM driver bug, PSK mismatch)",
      "A corrupted byte stream (modem/UART bridge, bytes lost or repeated in "
      "f_recv)"},
     {"Rebuild without the hardware crypto drivers (*_ALT) to rule them out",
      "Check that f_recv returns exactly the bytes received, in order"}},
    {-0x7100, 0,
     "mbedTLS rejected a parameter: API misuse, or during a handshake a "
     "server record too large for the input buffer.",
     {"\"requesting more data than fits\" (mbedtls_ssl_fetch_input): the "
      "server sent a record larger than the input buffer (small "
      "MBEDTLS_SSL_IN_CONTENT_LEN, server ignored max_fragment_length)",
      "API misuse: NULL context, setup calls in the wrong order, a host name "
      "that is too long"},
     {"Set MBEDTLS_SSL_IN_CONTENT_LEN to 16384 (2.x: or "
      "MBEDTLS_SSL_MAX_CONTENT_LEN), or use MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH",
      "Most servers ignore max_fragment_length: do not rely on it to shrink "
      "the input buffer",
      "Check the call order: configure fully, then mbedtls_ssl_setup()"}},
    {-0x7080, 0,
     "mbedTLS met something it cannot do in this build; in a handshake most "
     "often a handshake message split over several records.",
     {"\"handshake message: msglen = 985, type = 11, hslen = 2848\" with "
      "\"TLS handshake fragmentation not supported\": 2.28 and 3.x before "
      "3.6.3 cannot reassemble a handshake message split over records, e.g. a "
      "large Certificate once max_fragment_length is honoured "
      "(Mbed-TLS/mbedtls#9269, #1840)",
      "A feature the peer asked for is disabled in the configuration"},
     {"Upgrade to mbedTLS 3.6.3 or later, which reassembles fragmented "
      "handshake messages",
      "Or stop negotiating max_fragment_length (no "
      "mbedtls_ssl_conf_max_frag_len()) so the server sends whole records",
      "Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x6800, 0,
     "No reply arrived within the read timeout.",
     {"The server silently dropped the ClientHello (firewall, SChannel/IIS "
      "version mismatch)",
      "Network path problems (NAT, MTU with large records)",
      "A timeout too short for a slow link or slow crypto"},
     {"Check reachability from the same network with another client (openssl "
      "s_client)",
      "Raise mbedtls_ssl_conf_read_timeout() and use mbedtls_net_recv_timeout "
      "as the receive callback",
      "Capture the traffic and run tlsdiag pcap to see whether anything "
      "came back"}},
    {-0x6C00, 0,
     "An unexpected failure in a lower-level module during the handshake.",
     {"3.6: \"No group available.\": no key exchange group usable for TLS 1.3",
      "3.6.0: TLS 1.3 without psa_crypto_init() (3.6.1 and later call it "
      "themselves; code unverified)",
      "A crypto driver or the RNG returned an error"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it",
      "3.6: call psa_crypto_init() before the handshake; check "
      "mbedtls_ssl_conf_groups() and the MBEDTLS_ECP_DP_*_ENABLED options",
      "Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x7F00, 0,
     "mbedTLS could not allocate memory.",
     {"A heap too small for the record buffers (\"alloc(N bytes) failed\")",
      "Large certificate chains or RSA-4096 keys"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x3F80, 0,
     "Memory ran out while parsing or using a key or certificate.",
     {"Low heap while parsing keys and certificates"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x4280, 0,
     "An RSA public-key operation (signature check, encryption) failed.",
     {"Out of heap in the big-number code: -0x4290 is this plus "
      "MBEDTLS_ERR_MPI_ALLOC_FAILED",
      "A malformed key or signature"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x4300, 0,
     "An RSA private-key operation (signing, decryption) failed.",
     {"Out of heap: -0x4310 is this plus MBEDTLS_ERR_MPI_ALLOC_FAILED",
      "A wrong or corrupted private key, or a failing secure-element callback"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Check the key with openssl pkey -in key.pem -check"}},
    {-0x4380, 0,
     "An RSA signature did not verify.",
     {"A certificate or key exchange signature that does not match the key",
      "RSA-PSS versus PKCS#1 v1.5 confusion"},
     {"Check the chain with openssl verify; compare key and certificate"}},
    {-0x0010, 0,
     "A big-number operation ran out of heap. It usually appears combined "
     "with the module that needed it, e.g. -0x4290 (RSA public) or -0x4310 "
     "(RSA private).",
     {"Heap too small for RSA (or large ECC) arithmetic"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x4D80, 0,
     "Elliptic-curve arithmetic ran out of heap.",
     {"Heap too small during ECDHE or ECDSA"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x4E80, 0,
     "The elliptic curve needed is not compiled in.",
     {"The server certificate or key exchange uses a curve the build lacks "
      "(e.g. secp384r1 without MBEDTLS_ECP_DP_SECP384R1_ENABLED)"},
     {"Enable the curve: MBEDTLS_ECP_DP_<CURVE>_ENABLED"}},
    {-0x4E00, 0,
     "An ECDSA signature did not verify.",
     {"A signature that does not match the key; a wrong key in a secure "
      "element"},
     {"Compare key and certificate (openssl pkey -pubout, openssl x509 "
      "-pubkey)"}},
    {-0x2700, 0,
     "The peer's certificate chain did not verify. The reason is in the "
     "verification flags, not in this code.",
     {"Missing or wrong root CA (flag 0x08): Azure moved from Baltimore to "
      "DigiCert Global Root G2, AWS from the legacy VeriSign root to Amazon "
      "Root CA 1, Let's Encrypt from DST Root CA X3 to ISRG Root X1; or the "
      "server sends an incomplete chain",
      "Device clock not set, so the certificate is valid only in the future "
      "(flag 0x200) or expired (0x01)",
      "Host name mismatch (flag 0x04): the mbedtls_ssl_set_hostname() value "
      "is not in the certificate, or the server sent its default certificate "
      "because SNI was missing (Google: self-signed invalid2.invalid)"},
     {"Find \"! Certificate verification flags %08x\" in the log (or call "
      "mbedtls_ssl_get_verify_result()) and run tlsdiag explain --flags VALUE",
      "Load the right root: mbedtls_x509_crt_parse(&ca, pem, strlen(pem) + 1) "
      "(a PEM length must include the terminating NUL), check it returns 0, "
      "then mbedtls_ssl_conf_ca_chain(conf, &ca, NULL)",
      "Set the clock before the handshake (SNTP); MBEDTLS_HAVE_TIME_DATE with "
      "mbedtls_platform_set_time(), MBEDTLS_PLATFORM_TIME_ALT or "
      "MBEDTLS_PLATFORM_GMTIME_R_ALT",
      "Set SNI and the expected name: mbedtls_ssl_set_hostname(&ssl, "
      "\"real.host\") before mbedtls_ssl_handshake()"}},
    {-0x2800, 0,
     "An X.509 function got invalid arguments.",
     {"mbedtls_x509_crt_parse() with a NULL buffer or zero length, or a NULL "
      "verification profile"},
     {"Check the buffer and length passed to mbedtls_x509_crt_parse()"}},
    {-0x2180, 0,
     "The certificate data is not a valid DER structure.",
     {"A PEM length without the terminating NUL, so it was parsed as DER",
      "Truncated or corrupted PEM/DER (copy-paste, flash storage)"},
     {"Pass strlen(pem) + 1 (or sizeof the array) to mbedtls_x509_crt_parse()",
      "Check the file: openssl x509 -in cert.pem -noout -text"}},
    {-0x2780, 0,
     "The data is neither a PEM nor a DER certificate.",
     {"A PEM length without the terminating NUL",
      "The wrong buffer (a key instead of a certificate)"},
     {"Pass strlen(pem) + 1 to mbedtls_x509_crt_parse()",
      "Check the file: openssl x509 -in cert.pem -noout -text"}},
    {-0x1080, 0,
     "No -----BEGIN/END----- lines were found in PEM input.",
     {"A truncated PEM string, or a length that cuts it short",
      "DER data or the wrong file given as PEM"},
     {"Pass the whole PEM including the terminating NUL (strlen(pem) + 1)",
      "Check the file: openssl x509 -in cert.pem -noout -text (or openssl "
      "pkey for keys)"}},
    {-0x5D80, 0,
     "The client verifies the server certificate "
     "(MBEDTLS_SSL_VERIFY_REQUIRED) but never said which host name to expect. "
     "New in mbedTLS 2.28.10 and 3.6.3 (CVE-2025-27809): earlier versions "
     "silently skipped the name check. The linked library may not know this "
     "code; the text comes from tlsdiag's table.",
     {"No mbedtls_ssl_set_hostname() call before mbedtls_ssl_handshake()",
      "Code that worked until the upgrade to 2.28.10 / 3.6.3; the log says "
      "\"Certificate verification without having set hostname\""},
     {"Call mbedtls_ssl_set_hostname(&ssl, \"real.host\") before "
      "mbedtls_ssl_handshake(); it also sends SNI",
      "If you deliberately skip the name check, call "
      "mbedtls_ssl_set_hostname(&ssl, NULL)",
      "Or, knowingly, enable "
      "MBEDTLS_SSL_CLI_ALLOW_WEAK_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME"}},
    {-0x7680, 0,
     "Certificate verification is required but no CA chain was configured.",
     {"No mbedtls_ssl_conf_ca_chain() call (\"got no CA chain\" in the log)",
      "The CA failed to parse and the return value of "
      "mbedtls_x509_crt_parse() was ignored"},
     {"Load the right root: mbedtls_x509_crt_parse(&ca, pem, strlen(pem) + "
      "1) (a PEM length must include the terminating NUL), check it returns "
      "0, then mbedtls_ssl_conf_ca_chain(conf, &ca, NULL)"}},
    {-0x0050, 0,
     "The peer reset the TCP connection (RST).",
     {"A server or middlebox rejecting the ClientHello with a reset (old IIS, "
      "firewalls, intrusion prevention)",
      "A closed port behind a load balancer"},
     {"tlsdiag probe HOST:PORT retries with one change at a time and reports "
      "what the server accepts",
      "Compare with a client that works (openssl s_client); check firewalls"}},
    {-0x004C, 0,
     "recv() on the socket failed.",
     {"Network down, or the socket closed underneath"},
     {"Print errno right after the failure; check the network interface"}},
    {-0x004E, 0,
     "send() on the socket failed.",
     {"Network down, or the peer already closed the connection"},
     {"Print errno right after the failure"}},
    {-0x0052, 0,
     "The DNS lookup in mbedtls_net_connect() failed.",
     {"No DNS server configured on the device, or a typo in the host name"},
     {"Check the DNS configuration; try the IP address to separate DNS from "
      "TLS problems"}},
    {-0x0044, 0,
     "The TCP connection could not be established.",
     {"Wrong port, server down, firewall, no route"},
     {"Check with nc or telnet from the same network"}},
    {-0x0042, 0,
     "socket() failed.",
     {"Out of sockets or file descriptors"},
     {"Close sockets you no longer need (mbedtls_net_free())"}},
    {-0x7700, 0,
     "A message arrived that is not expected in the current state.",
     {"A HelloRequest (renegotiation) or other message out of order",
      "Plaintext from a proxy in the middle of the stream"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x6900, 0,
     "Not an error: non-blocking I/O needs more data. Call the same function "
     "again when the socket is readable.",
     {"A non-blocking socket, or a receive callback with a timeout"},
     {"Loop: while the return is MBEDTLS_ERR_SSL_WANT_READ or "
      "MBEDTLS_ERR_SSL_WANT_WRITE, wait for the socket and call again"}},
    {-0x6880, 0,
     "Not an error: non-blocking I/O could not write everything yet. Call the "
     "same function again when the socket is writable.",
     {"A non-blocking socket"},
     {"Loop: while the return is MBEDTLS_ERR_SSL_WANT_READ or "
      "MBEDTLS_ERR_SSL_WANT_WRITE, wait for the socket and call again"}},
    {-0x7480, 0,
     "Server side: the client sent no certificate although the authentication "
     "mode requires one.",
     {"The client has no certificate configured, or none matching the "
      "server's request"},
     {"Client: mbedtls_ssl_conf_own_cert(); server: check "
      "mbedtls_ssl_conf_authmode()"}},
    {-0x7600, 0,
     "The own private key or pre-shared key is not set, but needed.",
     {"mbedtls_ssl_conf_own_cert() without a key, or a PSK suite without "
      "mbedtls_ssl_conf_psk()"},
     {"Configure the key: mbedtls_ssl_conf_own_cert(conf, &cert, &key) or "
      "mbedtls_ssl_conf_psk()"}},
    {-0x6A00, 0,
     "A buffer is too small to receive or write a message.",
     {"The own certificate chain is larger than MBEDTLS_SSL_OUT_CONTENT_LEN "
      "(3.x reports this instead of CERTIFICATE_TOO_LARGE)",
      "DTLS: an MTU too small for a handshake message"},
     {"Raise MBEDTLS_SSL_OUT_CONTENT_LEN or send a shorter chain"}},
    {-0x6D00, 0,
     "Public key type mismatch, e.g. an RSA key exchange with an EC key.",
     {"The certificate key type does not fit the chosen suite",
      "The configured private key does not belong to the certificate"},
     {"Check certificate and key types; offer suites that fit the "
      "certificate (ECDHE_ECDSA for EC keys, ECDHE_RSA for RSA keys)"}},
    {-0x6C80, 0,
     "The server does not know the PSK identity (server side).",
     {"An identity not provisioned, or different bytes on the client"},
     {"Compare the identity bytes on both sides"}},
    {-0x7400, 0,
     "No random number generator was configured.",
     {"mbedtls_ssl_conf_rng() was not called"},
     {"mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &ctr_drbg)"}},
    {-0x5E80, 0,
     "A value in the SSL configuration is invalid or inconsistent.",
     {"E.g. a minimum version above the maximum, or settings that leave "
      "nothing usable"},
     {"Review the mbedtls_ssl_conf_*() calls; turn on the debug log "
      "(mbedtls_ssl_conf_dbg() and mbedtls_debug_set_threshold(3)) and read "
      "the lines just before the error, or run tlsdiag log on it"}},
    {-0x3000, 0,
     "A fatal error during certificate verification.",
     {"A chain longer than MBEDTLS_X509_MAX_INTERMEDIATE_CA",
      "The verify callback returned an error"},
     {"Raise MBEDTLS_X509_MAX_INTERMEDIATE_CA or shorten the chain; check "
      "the verify callback"}},
    {-0x2600, 0,
     "A certificate uses a signature algorithm this build does not support.",
     {"RSA-PSS without MBEDTLS_X509_RSASSA_PSS_SUPPORT, or an algorithm "
      "mbedTLS lacks (e.g. Ed25519)"},
     {"Enable MBEDTLS_X509_RSASSA_PSS_SUPPORT / MBEDTLS_PKCS1_V21, or use a "
      "certificate signed with ECDSA or RSA PKCS#1 v1.5"}},
    {-0x2400, 0,
     "A date field of a certificate could not be parsed.",
     {"A corrupted certificate"},
     {"Check the file: openssl x509 -in cert.pem -noout -text"}},
    {-0x2880, 0,
     "Memory ran out while parsing or verifying a certificate.",
     {"Low heap with large chains"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Shrink MBEDTLS_SSL_OUT_CONTENT_LEN (keep MBEDTLS_SSL_IN_CONTENT_LEN "
      "at 16384 unless the server honours max_fragment_length), disable "
      "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, prefer ECC keys to RSA-4096"}},
    {-0x3D00, 0,
     "The private key could not be parsed.",
     {"A PEM length without the terminating NUL, an encrypted key without a "
      "password, or a key type not compiled in"},
     {"Pass strlen(pem) + 1; check the key with openssl pkey -in key.pem "
      "-noout -text"}},
    {-0x3C00, 0,
     "The private key is encrypted and no password was given.",
     {"An encrypted PEM/PKCS#8 key"},
     {"Give the password to mbedtls_pk_parse_key(), or store the key "
      "unencrypted in protected storage"}},
    {-0x3B80, 0,
     "The password does not decrypt the private key.",
     {"A wrong password"},
     {"Check the password (openssl pkey -in key.pem)"}},
    {-0x3A00, 0,
     "The key uses an elliptic curve this build does not support.",
     {"A curve not compiled in (MBEDTLS_ECP_DP_*_ENABLED)"},
     {"Enable the curve, or use a P-256 key"}},
    {-0x3C80, 0,
     "The key algorithm is not supported by this build.",
     {"E.g. an Ed25519 key, or RSA/EC support disabled"},
     {"Use an RSA or ECDSA key, and check MBEDTLS_RSA_C / MBEDTLS_ECDSA_C"}},
    {-0x6300, 0,
     "AEAD authentication failed during decryption (the tag did not match).",
     {"Different keys on both sides, or corrupted records; it appears inside "
      "MBEDTLS_ERR_SSL_INVALID_MAC"},
     {"See -0x7180: check hardware crypto drivers and the transport"}},
    {-0x0012, 0,
     "AES-GCM authentication failed during decryption.",
     {"Different keys on both sides, a GCM driver bug, or corrupted records"},
     {"Rebuild without MBEDTLS_GCM_ALT to test; check the transport"}},
    {-0x0034, 0,
     "The CTR_DRBG could not get entropy.",
     {"No entropy source on the platform"},
     {"Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x003C, 0,
     "An entropy source failed.",
     {"The hardware RNG poll function returned an error"},
     {"Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x0040, 0,
     "No entropy sources were added.",
     {"A platform without a default entropy source"},
     {"Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x003D, 0,
     "No strong entropy source was added.",
     {"Only weak sources (e.g. timers) were configured"},
     {"Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x7A00, 2,
     "The peer's Certificate message could not be processed (2.x).",
     {"A server certificate with a key or curve this build lacks (\"bad "
      "certificate (EC key curve)\")",
      "A malformed chain or one larger than the input buffer",
      "Server side: the client certificate is missing or bad"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it",
      "Enable the key type and curve (MBEDTLS_RSA_C, "
      "MBEDTLS_ECP_DP_*_ENABLED); keep MBEDTLS_SSL_IN_CONTENT_LEN at 16384"}},
    {-0x7A00, 3,
     "The peer's Certificate message could not be processed (3.x name for the "
     "same error).",
     {"A certificate with a key or curve this build lacks",
      "A malformed chain or one larger than the input buffer",
      "Server side: the client certificate is missing or bad"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it",
      "Enable the key type and curve (MBEDTLS_RSA_C, "
      "MBEDTLS_ECP_DP_*_ENABLED); keep MBEDTLS_SSL_IN_CONTENT_LEN at 16384"}},
    {-0x7800, 2,
     "2.x: verification of the peer failed. Certificate chain problems "
     "normally show as MBEDTLS_ERR_X509_CERT_VERIFY_FAILED (-0x2700); where "
     "this code appears, check the verification result the same way.",
     {"The peer certificate was rejected (CA, time, host name)"},
     {"Call mbedtls_ssl_get_verify_result() and run tlsdiag explain --flags "
      "VALUE on it",
      "Load the right root: mbedtls_x509_crt_parse(&ca, pem, strlen(pem) + "
      "1) (a PEM length must include the terminating NUL), check it returns "
      "0, then mbedtls_ssl_conf_ca_chain(conf, &ca, NULL)"}},
    {-0x7800, 3,
     "3.x: no server could be identified matching the client's SNI. Returned "
     "by a 3.x server whose SNI callback (mbedtls_ssl_conf_sni()) rejected "
     "the name; alert 112 unrecognized_name was sent.",
     {"The client sent a name the server does not serve",
      "The client sent no name, or an IP address"},
     {"Compare the name the client sends (tlsdiag hello) with the names the "
      "SNI callback accepts",
      "Client: mbedtls_ssl_set_hostname(&ssl, \"real.host\") before "
      "mbedtls_ssl_handshake()"}},
    {-0x7580, 2,
     "2.x: the own certificate is not set, but the peer needs it.",
     {"No mbedtls_ssl_conf_own_cert() on a server, or on a client asked for "
      "a certificate"},
     {"mbedtls_ssl_conf_own_cert(conf, &cert, &key)"}},
    {-0x7580, 3,
     "3.x: no ALPN protocol in common; the server supports none the client "
     "offered (alert 120).",
     {"A wrong ALPN string, or ALPN required by one side and absent on the "
      "other"},
     {"mbedtls_ssl_conf_alpn_protocols() with a protocol both sides know"}},
    {-0x7500, 2,
     "2.x: the own certificate chain is too large to send in one message.",
     {"A long chain with a small MBEDTLS_SSL_OUT_CONTENT_LEN"},
     {"Raise MBEDTLS_SSL_OUT_CONTENT_LEN or send a shorter chain"}},
    {-0x7500, 3,
     "3.x: the client received an extension it did not offer or cannot accept "
     "(alert 110).",
     {"A server answering with an unrequested extension"},
     {"Compare offered and received extensions (tlsdiag log, tlsdiag pcap)"}},
    {-0x7300, 2,
     "2.x: the server chose a cipher suite the client did not offer or does "
     "not support.",
     {"A broken server or middlebox"},
     {"Compare the chosen suite with the offered list (tlsdiag log)"}},
    {-0x7300, 3,
     "3.x: a handshake message could not be parsed (alert 50 decode_error).",
     {"A malformed or truncated message from the peer",
      "A record cut by the transport"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x6E80, 2,
     "2.x: the server chose a protocol version outside the client's min..max "
     "range.",
     {"\"server version out of bounds - min: [3:3], server: [3:1], max: "
      "[3:3]\": a server that only speaks TLS 1.0/1.1",
      "A minimum version above what the server supports"},
     {"2.28: mbedtls_ssl_conf_min_version(conf, 3, 3) / "
      "mbedtls_ssl_conf_max_version(conf, 3, 3); 2.28 has no TLS 1.3",
      "A TLS 1.0/1.1-only server needs an upgrade"}},
    {-0x6E80, 3,
     "3.x: the peer's protocol version is outside the configured min..max "
     "range.",
     {"A server that only speaks TLS 1.0/1.1, or a TLS 1.3-only peer with "
      "TLS 1.3 off"},
     {"3.6: mbedtls_ssl_conf_min_tls_version() / "
      "mbedtls_ssl_conf_max_tls_version() with MBEDTLS_SSL_VERSION_TLS1_2 "
      "or MBEDTLS_SSL_VERSION_TLS1_3 (MBEDTLS_SSL_PROTO_TLS1_3, "
      "psa_crypto_init())"}},
    {-0x6E00, 2,
     "2.x: the NewSessionTicket message could not be processed.",
     {"A malformed ticket from the server"},
     {"Disable tickets to confirm: mbedtls_ssl_conf_session_tickets(conf, "
      "MBEDTLS_SSL_SESSION_TICKETS_DISABLED)"}},
    {-0x6E00, 3,
     "3.x: the handshake negotiation failed: no acceptable parameters (cipher "
     "suite, group or signature algorithm). Alert 40 handshake_failure was "
     "sent or received.",
     {"No shared suite, group or signature algorithm with the peer",
      "Server side: \"got no ciphersuites in common\""},
     {"Suites: mbedtls_ssl_conf_ciphersuites(); enable "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED and/or "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED, MBEDTLS_GCM_C",
      "Groups: MBEDTLS_ECP_DP_SECP256R1_ENABLED, ..._SECP384R1_ENABLED, "
      "..._CURVE25519_ENABLED; 2.28 mbedtls_ssl_conf_curves(), 3.6 "
      "mbedtls_ssl_conf_groups()",
      "tlsdiag probe HOST:PORT retries with one change at a time and "
      "reports what the server accepts"}},
    {-0x6600, 2,
     "2.x: the hash for verifying CertificateVerify could not be set.",
     {"A client certificate signature hash this build does not support"},
     {"Enable the hash (MBEDTLS_SHA256_C, MBEDTLS_SHA512_C)"}},
    {-0x6600, 3,
     "3.x: a field in a message was incorrect or inconsistent with other "
     "fields (alert 47 illegal_parameter).",
     {"An out-of-range value from the peer (max_fragment_length, a key share "
      "for a group not offered, a version)"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7E80, 2,
     "2.x: the Finished message could not be processed: the two sides saw "
     "different handshake messages or hold different keys.",
     {"A PSK mismatch, a corrupted stream, a middlebox altering messages"},
     {"Check the transport and the keys; turn on the debug log "
      "(mbedtls_ssl_conf_dbg() and mbedtls_debug_set_threshold(3)) and read "
      "the lines just before the error, or run tlsdiag log on it"}},
    {-0x7E80, 3,
     "3.x: a session cache lookup missed. Internal to session resumption and "
     "harmless.",
     {"No cached session for the ID"},
     {"Nothing to fix unless resumption is expected to work"}},
    {-0x7B00, 2,
     "2.x: the ServerKeyExchange message could not be processed.",
     {"\"bad server key exchange message (ECDHE curve)\": the server picked a "
      "curve the client did not offer or lacks",
      "Its signature did not verify (hash or signature algorithm missing)"},
     {"Groups: MBEDTLS_ECP_DP_SECP256R1_ENABLED, ..._SECP384R1_ENABLED, "
      "..._CURVE25519_ENABLED; 2.28 mbedtls_ssl_conf_curves(), 3.6 "
      "mbedtls_ssl_conf_groups()",
      "Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7B00, 3,
     "3.x: mbedtls_ssl_read() reports that a TLS 1.3 NewSessionTicket "
     "arrived. Not a failure: call mbedtls_ssl_read() again. 3.6.1 and later "
     "return it only after "
     "mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets().",
     {"A TLS 1.3 server sending tickets after the handshake, with 3.6.0"},
     {"Treat it like WANT_READ in the read loop, or upgrade to 3.6.1 or "
      "later"}},
    {-0x7C00, 2,
     "2.x, server side: the ClientKeyExchange could not be processed.",
     {"A malformed key exchange from the client"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7C00, 3,
     "3.x, server side: early data was received; read it with "
     "mbedtls_ssl_read_early_data(). Not a failure.",
     {"Early data enabled with mbedtls_ssl_conf_early_data()"},
     {"Read the early data, then continue the handshake"}},
    {-0x7C80, 2,
     "2.x, server side: reading the DH/ECDH public value of the "
     "ClientKeyExchange failed.",
     {"An invalid public value from the client"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7C80, 3,
     "3.x: early data cannot be written now.",
     {"Early data not enabled or not allowed at this point"},
     {"Check mbedtls_ssl_conf_early_data() and the session ticket"}},
    {-0x7B80, 2,
     "2.x: the ServerHelloDone message could not be processed.",
     {"A malformed message from the server"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7B80, 3,
     "3.x: early data cannot be read now.",
     {"Early data not enabled or the handshake state does not allow it"},
     {"Check mbedtls_ssl_conf_early_data()"}},
    {-0x3880, 2,
     "2.x: a hardware-accelerated public-key function failed.",
     {"A failing PK driver"},
     {"Test without the hardware driver"}},
    {-0x3880, 3,
     "3.x: an output buffer given to a PK function is too small.",
     {"A signature or key buffer smaller than the algorithm needs"},
     {"Use MBEDTLS_PK_SIGNATURE_MAX_SIZE or the documented size"}},
    {-0x7900, 2,
     "2.x, server side: the ClientHello could not be processed.",
     {"No common version, suite or compression; a malformed hello"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it (on the server)"}},
    {-0x7980, 2,
     "2.x: the ServerHello could not be processed.",
     {"The server chose something the client did not offer (suite, "
      "compression, extension) or sent a malformed hello"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7A80, 2,
     "2.x: the CertificateRequest message could not be processed.",
     {"A malformed request, or no signature algorithm in common for the "
      "client certificate"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7D00, 2,
     "2.x, server side: computing the DH/ECDH secret from the "
     "ClientKeyExchange failed.",
     {"An invalid public value from the client"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7D80, 2,
     "2.x, server side: the client's CertificateVerify could not be processed.",
     {"The client's private key does not match its certificate",
      "An unsupported signature algorithm"},
     {"Compare the client key and certificate; turn on the debug log "
      "(mbedtls_ssl_conf_dbg() and mbedtls_debug_set_threshold(3)) and read "
      "the lines just before the error, or run tlsdiag log on it"}},
    {-0x7E00, 2,
     "2.x: the ChangeCipherSpec message could not be processed.",
     {"A malformed message or one out of order"},
     {"Turn on the debug log (mbedtls_ssl_conf_dbg() and "
      "mbedtls_debug_set_threshold(3)) and read the lines just before the "
      "error, or run tlsdiag log on it"}},
    {-0x7380, 2,
     "2.x, server side: the client offered no cipher suite the server has.",
     {"Suite lists that do not overlap"},
     {"Suites: mbedtls_ssl_conf_ciphersuites(); enable "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED and/or "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED, MBEDTLS_GCM_C"}},
    {-0x6980, 2,
     "2.x, server side: suites are shared, but none is usable (\"got "
     "ciphersuites in common, but none of them usable\"): no fitting "
     "certificate or key, group or signature algorithm.",
     {"A certificate type that does not fit the shared suites",
      "No shared curve or hash for the shared suites"},
     {"Suites: mbedtls_ssl_conf_ciphersuites(); enable "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED and/or "
      "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED, MBEDTLS_GCM_C",
      "Groups: MBEDTLS_ECP_DP_SECP256R1_ENABLED, ..._SECP384R1_ENABLED, "
      "..._CURVE25519_ENABLED; 2.28 mbedtls_ssl_conf_curves(), 3.6 "
      "mbedtls_ssl_conf_groups()"}},
    {-0x6F00, 2,
     "2.x: record compression or decompression failed (deprecated zlib "
     "support).",
     {"MBEDTLS_ZLIB_SUPPORT enabled"},
     {"Disable record compression"}},
    {-0x5E00, 2,
     "Late 2.28.x (after Debian's 2.28.3): a session cache lookup missed. "
     "Internal to session resumption and harmless. 3.x moved it to -0x7E80.",
     {"No cached session for the ID"},
     {"Nothing to fix unless resumption is expected to work"}},
    {-0x0089, 0,
     "PSA bad state: a PSA call was made in a state that does not allow it, "
     "most often before psa_crypto_init().",
     {"TLS 1.3 or MBEDTLS_USE_PSA_CRYPTO code running before "
      "psa_crypto_init()"},
     {"Call psa_crypto_init() once at start-up, before any TLS or crypto "
      "call"}},
    {-0x0086, 0,
     "PSA not supported: an algorithm or key type is not enabled in the PSA "
     "configuration.",
     {"A PSA_WANT_* option missing for the algorithm the handshake needs"},
     {"Enable the PSA_WANT_ALG_* / PSA_WANT_KEY_TYPE_* options matching "
      "your suites and groups"}},
    {-0x008D, 0,
     "PSA out of memory.",
     {"Heap too small for the PSA key store or an operation"},
     {"Measure free heap just before the handshake; by default the input and "
      "output record buffers alone take about 2 x 16 KB",
      "Raise MBEDTLS_PSA_KEY_SLOT_COUNT only as needed"}},
    {-0x0094, 0,
     "PSA found no (or not enough) entropy.",
     {"No entropy source on the platform"},
     {"Give the DRBG a working entropy source: MBEDTLS_ENTROPY_HARDWARE_ALT "
      "with mbedtls_hardware_poll(), or mbedtls_entropy_add_source(); check "
      "mbedtls_ctr_drbg_seed() returns 0"}},
    {-0x0095, 0,
     "A signature, MAC or hash did not verify (PSA).",
     {"A signature that does not match the key"},
     {"Compare key and certificate"}},
};

static const struct td_x509_flag_row x509_rows[] = {
    {0x00001, "MBEDTLS_X509_BADCERT_EXPIRED",
     "The certificate validity has expired", 45,
     "A certificate in the chain is past its notAfter date by the device "
     "clock. mbedTLS answers with alert 45 certificate_expired.",
     {"The certificate really expired (server, intermediate or root)",
      "The device clock runs ahead"},
     {"Compare openssl x509 -noout -enddate with the device time",
      "Set the clock before the handshake (SNTP); MBEDTLS_HAVE_TIME_DATE "
      "with mbedtls_platform_set_time(), MBEDTLS_PLATFORM_TIME_ALT or "
      "MBEDTLS_PLATFORM_GMTIME_R_ALT"}},
    {0x00002, "MBEDTLS_X509_BADCERT_REVOKED",
     "The certificate has been revoked (is on a CRL)", 44,
     "The certificate is on a CRL you configured. mbedTLS answers with alert "
     "44 certificate_revoked.",
     {"The CRL passed to mbedtls_ssl_conf_ca_chain() lists it"},
     {"Check the CRL; the server needs a new certificate"}},
    {0x00004, "MBEDTLS_X509_BADCERT_CN_MISMATCH",
     "The certificate Common Name (CN) does not match with the expected CN", 42,
     "The name given to mbedtls_ssl_set_hostname() is not in the "
     "certificate's subjectAltName (or CN). mbedTLS answers with alert 42 "
     "bad_certificate.",
     {"An IP address or another host name passed to mbedtls_ssl_set_hostname()",
      "The server sent its default certificate because SNI was missing or "
      "unknown (CDNs: *.cloudfront.net, *.azureedge.net; Google: "
      "invalid2.invalid)",
      "Connecting through a name that is not in the certificate"},
     {"Print the certificate names: openssl s_client -connect HOST:443 "
      "-servername HOST | openssl x509 -noout -ext subjectAltName",
      "Pass the exact DNS name from the SAN: mbedtls_ssl_set_hostname(&ssl, "
      "\"real.host\") before mbedtls_ssl_handshake()"}},
    {0x00008, "MBEDTLS_X509_BADCERT_NOT_TRUSTED",
     "The certificate is not correctly signed by the trusted CA", 48,
     "The chain is not trusted: it does not lead to a CA in your trust list "
     "(mbedtls_ssl_conf_ca_chain()). mbedTLS answers with alert 48 unknown_ca.",
     {"A wrong or outdated root: Azure IoT moved from Baltimore CyberTrust "
      "Root to DigiCert Global Root G2, AWS from the legacy VeriSign root to "
      "Amazon Root CA 1, Let's Encrypt from DST Root CA X3 to ISRG Root X1",
      "The server sends an incomplete chain (intermediate missing)",
      "The CA PEM failed to parse (length without the terminating NUL), so "
      "the trust list is empty or partial",
      "A TLS-inspecting proxy replaced the certificate"},
     {"See which root the server chain ends in: openssl s_client -connect "
      "HOST:443 -servername HOST -showcerts",
      "Load the right root: mbedtls_x509_crt_parse(&ca, pem, strlen(pem) + 1) "
      "(a PEM length must include the terminating NUL), check it returns 0, "
      "then mbedtls_ssl_conf_ca_chain(conf, &ca, NULL)",
      "Long chains: raise MBEDTLS_X509_MAX_INTERMEDIATE_CA"}},
    {0x00010, "MBEDTLS_X509_BADCRL_NOT_TRUSTED",
     "The CRL is not correctly signed by the trusted CA", -1,
     "A CRL you configured is not signed by a trusted CA.",
     {"A CRL from another CA"},
     {"Load the CRL that belongs to the CA"}},
    {0x00020, "MBEDTLS_X509_BADCRL_EXPIRED",
     "The CRL is expired", -1,
     "A CRL you configured is out of date.",
     {"An old CRL, or the device clock runs ahead"},
     {"Refresh the CRL; check the device clock"}},
    {0x00040, "MBEDTLS_X509_BADCERT_MISSING",
     "Certificate was missing", -1,
     "The peer sent no certificate.",
     {"Server side with authmode OPTIONAL: the client sent none"},
     {"Client: mbedtls_ssl_conf_own_cert(conf, &cert, &key)"}},
    {0x00080, "MBEDTLS_X509_BADCERT_SKIP_VERIFY",
     "Certificate verification was skipped", -1,
     "Verification was skipped (authmode MBEDTLS_SSL_VERIFY_NONE).",
     {"mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE)"},
     {"Use MBEDTLS_SSL_VERIFY_REQUIRED with a CA chain in production"}},
    {0x00100, "MBEDTLS_X509_BADCERT_OTHER",
     "Other reason (can be used by verify callback)", 49,
     "Your verify callback (mbedtls_ssl_conf_verify()) flagged the "
     "certificate. mbedTLS answers with alert 49 access_denied.",
     {"An application check in the verify callback (pinning, custom policy)"},
     {"Review the verify callback"}},
    {0x00200, "MBEDTLS_X509_BADCERT_FUTURE",
     "The certificate validity starts in the future", 46,
     "A certificate is not valid yet by the device clock: almost always a "
     "device clock that was never set (1970 or 2000). mbedTLS answers with "
     "alert 46 certificate_unknown.",
     {"The RTC is not set before the handshake (no SNTP yet, no battery)",
      "A freshly issued certificate and a clock running late"},
     {"Check time(NULL) on the device just before the handshake",
      "Set the clock before the handshake (SNTP); MBEDTLS_HAVE_TIME_DATE with "
      "mbedtls_platform_set_time(), MBEDTLS_PLATFORM_TIME_ALT or "
      "MBEDTLS_PLATFORM_GMTIME_R_ALT",
      "Only for a device that truly has no clock: without "
      "MBEDTLS_HAVE_TIME_DATE no validity dates are checked at all"}},
    {0x00400, "MBEDTLS_X509_BADCRL_FUTURE",
     "The CRL is from the future", -1,
     "A CRL you configured is not valid yet by the device clock.",
     {"The device clock is not set"},
     {"Set the clock before the handshake (SNTP); MBEDTLS_HAVE_TIME_DATE "
      "with mbedtls_platform_set_time(), MBEDTLS_PLATFORM_TIME_ALT or "
      "MBEDTLS_PLATFORM_GMTIME_R_ALT"}},
    {0x00800, "MBEDTLS_X509_BADCERT_KEY_USAGE",
     "Usage does not match the keyUsage extension", 43,
     "The keyUsage extension does not allow this use. mbedTLS answers with "
     "alert 43 unsupported_certificate.",
     {"A certificate issued for another purpose"},
     {"Reissue the certificate with the key usage TLS needs "
      "(digitalSignature, keyEncipherment for RSA key exchange)"}},
    {0x01000, "MBEDTLS_X509_BADCERT_EXT_KEY_USAGE",
     "Usage does not match the extendedKeyUsage extension", 43,
     "The extendedKeyUsage extension lacks serverAuth (for a server "
     "certificate) or clientAuth (for a client certificate). mbedTLS answers "
     "with alert 43 unsupported_certificate.",
     {"A certificate issued for another purpose"},
     {"Reissue the certificate with the right extended key usage"}},
    {0x02000, "MBEDTLS_X509_BADCERT_NS_CERT_TYPE",
     "Usage does not match the nsCertType extension", 43,
     "The old Netscape certificate type extension forbids this use. mbedTLS "
     "answers with alert 43 unsupported_certificate.",
     {"An old certificate with nsCertType"},
     {"Reissue the certificate without nsCertType or with the right type"}},
    {0x04000, "MBEDTLS_X509_BADCERT_BAD_MD",
     "The certificate is signed with an unacceptable hash.", 46,
     "A certificate is signed with a hash the verification profile rejects, "
     "e.g. SHA-1 (default profile: 2.28 SHA-224 and up, 3.6 SHA-256 and up). "
     "mbedTLS answers with alert 46 certificate_unknown.",
     {"A SHA-1 signed certificate (old private CA)"},
     {"Reissue it signed with SHA-256",
      "Or, knowingly, pass a custom profile to "
      "mbedtls_ssl_conf_cert_profile()"}},
    {0x08000, "MBEDTLS_X509_BADCERT_BAD_PK",
     "The certificate is signed with an unacceptable PK alg (eg RSA vs "
     "ECDSA).", 43,
     "A certificate is signed with a public-key algorithm the profile "
     "rejects. mbedTLS answers with alert 43 unsupported_certificate.",
     {"A signature algorithm outside the verification profile"},
     {"Check the profile (mbedtls_ssl_conf_cert_profile()) and the signing "
      "algorithm"}},
    {0x10000, "MBEDTLS_X509_BADCERT_BAD_KEY",
     "The certificate is signed with an unacceptable key (eg bad curve, "
     "RSA too short).", 43,
     "A key in the chain is not acceptable: RSA shorter than 2048 bits or an "
     "EC curve the client does not allow (\"bad certificate (EC key "
     "curve)\"). mbedTLS answers with alert 43 unsupported_certificate.",
     {"RSA keys below 2048 bits (default profile)",
      "An EC certificate on a curve the client did not enable or offer (e.g. "
      "secp384r1 without MBEDTLS_ECP_DP_SECP384R1_ENABLED)"},
     {"Enable the curve (MBEDTLS_ECP_DP_SECP384R1_ENABLED ...) and offer it "
      "(2.28 mbedtls_ssl_conf_curves(), 3.6 mbedtls_ssl_conf_groups())",
      "Reissue with RSA-2048 or longer, or P-256"}},
    {0x20000, "MBEDTLS_X509_BADCRL_BAD_MD",
     "The CRL is signed with an unacceptable hash.", -1,
     "A CRL is signed with a hash the profile rejects.",
     {"An old CRL signed with SHA-1"},
     {"Use a CRL signed with SHA-256"}},
    {0x40000, "MBEDTLS_X509_BADCRL_BAD_PK",
     "The CRL is signed with an unacceptable PK alg (eg RSA vs ECDSA).", -1,
     "A CRL is signed with a public-key algorithm the profile rejects.",
     {"A CRL signed with an unexpected algorithm"},
     {"Check the CRL issuer"}},
    {0x80000, "MBEDTLS_X509_BADCRL_BAD_KEY",
     "The CRL is signed with an unacceptable key (eg bad curve, RSA too "
     "short).", -1,
     "A CRL is signed with a key the profile rejects.",
     {"A CRL signed with a short RSA key or an unsupported curve"},
     {"Check the CRL issuer"}},
};

const struct td_alert_row *td_explain_alert_rows(size_t *n)
{
    *n = sizeof(alert_rows) / sizeof(alert_rows[0]);
    return alert_rows;
}

const struct td_mberr_name_row *td_explain_mberr_names(size_t *n)
{
    *n = sizeof(mberr_names) / sizeof(mberr_names[0]);
    return mberr_names;
}

const struct td_mberr_info_row *td_explain_mberr_infos(size_t *n)
{
    *n = sizeof(mberr_infos) / sizeof(mberr_infos[0]);
    return mberr_infos;
}

const struct td_x509_flag_row *td_explain_x509_rows(size_t *n)
{
    *n = sizeof(x509_rows) / sizeof(x509_rows[0]);
    return x509_rows;
}
