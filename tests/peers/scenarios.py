"""The real-peer scenarios: one row per cause a server can produce.

Each row:
  name     also the file name under captures/logs/
  desc     what it shows
  server   kind: openssl (s_server, OpenSSL 3.0) | gnutls (gnutls-serv 3.7)
           | py (peers.py serve: Python ssl / plain sockets); cert: rsa |
           ecdsa | expired | unknown-ca (captures/certs/); args: extra server
           arguments ({CERTS} = captures/certs); mode (py): tls | close |
           reset | silent
  client   td_client arguments after --host/--port/--debug/--style
  style    debug line format of the recorded log (default client2)
  debug    debug level(s), one per attempt (default "4")
  wire     what the client log must show (checked before tlsdiag runs, so a
           server that stops behaving as assumed is reported as such):
           result ok|failed, alert N + from server|client (first fatal alert
           of each attempt), state (client state when it came), error
           (mbedtls_ssl_handshake's return), sni, verify_flags, attempts
  expect   client_exit (td_client), exit (tlsdiag log), outcome (every
           handshake), first (id of every handshake's first finding; None:
           no finding other than likelihood "info"), also (other ids the
           diagnosis should mention; documentation, not asserted)
  seen     what the wire really showed when the row was made (for README)
"""

CA = ["--ca", "{CERTS}/ca.crt"]
LOCAL = ["--sni", "localhost"] + CA

SCENARIOS = [
    # -- success -----------------------------------------------------------
    dict(name="ok-tls12-rsa",
         desc="TLS 1.2 handshake that works: default client, RSA server, "
              "app data both ways, close_notify",
         server=dict(kind="openssl", cert="rsa"),
         client=LOCAL,
         wire=dict(result="ok"),
         expect=dict(client_exit=0, exit=0, outcome="ok", first=None)),
    dict(name="ok-mutual-tls",
         desc="server requires a client certificate and the device sends "
              "one (CertificateRequest path that works)",
         server=dict(kind="openssl", cert="ecdsa",
                     args=["-Verify", "1", "-verifyCAfile",
                           "{CERTS}/ca.crt", "-verify_return_error"]),
         client=LOCAL + ["--cert", "{CERTS}/peer-client.crt",
                         "--key", "{CERTS}/peer-client.key"],
         wire=dict(result="ok"),
         expect=dict(client_exit=0, exit=0, outcome="ok", first=None)),

    # -- cipher suites -----------------------------------------------------
    dict(name="ecdsa-only-vs-rsa",
         desc="client offers only ECDHE-ECDSA suites (c02b,c02c), server "
              "has only an RSA certificate",
         server=dict(kind="openssl", cert="rsa"),
         client=LOCAL + ["--ciphers", "c02b,c02c"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_cipher")),
    dict(name="rsa-only-vs-ecdsa",
         desc="client offers only ECDHE-RSA suites (c02f,c030), server has "
              "only an ECDSA certificate",
         server=dict(kind="openssl", cert="ecdsa"),
         client=LOCAL + ["--ciphers", "c02f,c030"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_cipher")),
    dict(name="gnutls-ecdsa-only-vs-rsa",
         desc="as ecdsa-only-vs-rsa against gnutls-serv",
         server=dict(kind="gnutls", cert="rsa"),
         client=LOCAL + ["--ciphers", "c02b,c02c"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_cipher")),

    # -- SNI ---------------------------------------------------------------
    dict(name="sni-wrong-alert40",
         desc="server serves only 'localhost' and refuses other names with "
              "handshake_failure (like Google's front ends); client SNI "
              "wrong.example",
         server=dict(kind="py", mode="tls", cert="rsa",
                     args=["--names", "localhost",
                           "--unknown-name-alert", "40"]),
         client=["--sni", "wrong.example"] + CA,
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780", sni="wrong.example"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_wrong")),
    dict(name="gnutls-sni-wrong-alert112",
         desc="gnutls-serv --sni-hostname localhost --sni-hostname-fatal; "
              "client SNI wrong.example",
         server=dict(kind="gnutls", cert="rsa",
                     args=["--sni-hostname", "localhost",
                           "--sni-hostname-fatal"]),
         client=["--sni", "wrong.example"] + CA,
         wire=dict(alert=112, **{"from": "server"}, state=2,
                   error="-0x7780", sni="wrong.example"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_wrong")),
    dict(name="openssl-sni-wrong-alert112",
         desc="s_server -servername localhost -servername_fatal (with "
              "-cert2: OpenSSL checks the name only then); client SNI "
              "wrong.example",
         server=dict(kind="openssl", cert="rsa",
                     args=["-servername", "localhost",
                           "-cert2", "{CERTS}/server-rsa.crt",
                           "-key2", "{CERTS}/server-rsa.key",
                           "-servername_fatal"]),
         client=["--sni", "wrong.example"] + CA,
         wire=dict(alert=112, **{"from": "server"}, state=2,
                   error="-0x7780", sni="wrong.example"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_wrong")),
    dict(name="sni-warning-112-ok",
         desc="same server without -servername_fatal: a WARNING "
              "unrecognized_name before the ServerHello, then the "
              "handshake works (device does not verify); harmless",
         server=dict(kind="openssl", cert="rsa",
                     args=["-servername", "localhost",
                           "-cert2", "{CERTS}/server-rsa.crt",
                           "-key2", "{CERTS}/server-rsa.key"]),
         client=["--sni", "wrong.example", "--verify", "none"],
         wire=dict(result="ok"),
         expect=dict(client_exit=0, exit=0, outcome="ok", first=None)),
    dict(name="sni-missing-alert80",
         desc="server's certificate selection fails without SNI and it "
              "answers internal_error (Go/Caddy GetCertificate); client "
              "sends no SNI",
         server=dict(kind="py", mode="tls", cert="rsa",
                     args=["--names", "localhost", "--no-sni-alert", "80"]),
         client=["--no-sni"] + CA,
         wire=dict(alert=80, **{"from": "server"}, state=2,
                   error="-0x7780", sni=None),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_missing")),

    # -- groups, signature algorithms, versions ---------------------------
    dict(name="no-shared-curve",
         desc="client offers only secp521r1 with ECDHE-only suites; server "
              "groups P-256 and X25519 (no P-521, like BoringSSL)",
         server=dict(kind="openssl", cert="rsa",
                     args=["-groups", "P-256:X25519"]),
         client=LOCAL + ["--ciphers", "c02f,c030",
                         "--curves", "secp521r1"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_curve")),
    dict(name="no-shared-sigalg",
         desc="client signature_algorithms SHA-256/SHA-224 only (no "
              "SHA-384, as without MBEDTLS_SHA512_C); server signs only "
              "with RSA+SHA384 (s_server -sigalgs)",
         server=dict(kind="openssl", cert="rsa",
                     args=["-sigalgs", "RSA+SHA384"]),
         client=LOCAL + ["--ciphers", "c02f,c030",
                         "--sig-hashes", "sha256,sha224"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_sigalg")),
    dict(name="no-shared-sigalg-sha1",
         desc="client signature_algorithms only SHA-1; OpenSSL 3.0 refuses "
              "SHA-1 signatures at its default security level",
         server=dict(kind="openssl", cert="rsa"),
         client=LOCAL + ["--ciphers", "c02f,c030", "--sig-hashes", "sha1"],
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="no_shared_sigalg")),
    dict(name="tls13-only-server",
         desc="server accepts only TLS 1.3; mbedTLS 2.28 speaks at most "
              "TLS 1.2",
         server=dict(kind="openssl", cert="rsa", args=["-tls1_3"]),
         client=LOCAL,
         wire=dict(alert=70, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="version_mismatch")),
    dict(name="tls11-client-vs-tls12-server",
         desc="client max TLS 1.1 (old device config) vs a server whose "
              "minimum is TLS 1.2",
         server=dict(kind="openssl", cert="rsa", args=["-no_tls1",
                                                        "-no_tls1_1"]),
         client=LOCAL + ["--max-version", "1.1"],
         wire=dict(alert=70, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="version_mismatch")),

    dict(name="gnutls-tls13-only-server",
         desc="gnutls-serv allowing only TLS 1.3 (priority "
              "NORMAL:-VERS-ALL:+VERS-TLS1.3): it answers a TLS 1.2 hello "
              "with handshake_failure, not protocol_version",
         server=dict(kind="gnutls", cert="rsa",
                     args=["--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3"]),
         client=LOCAL,
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="version_mismatch")),

    # -- record size -------------------------------------------------------
    dict(name="mfl-512-fragmented-cert",
         desc="client asks max_fragment_length 512; OpenSSL honours it and "
              "splits the Certificate over records, which 2.28 cannot "
              "reassemble",
         server=dict(kind="openssl", cert="rsa"),
         client=LOCAL + ["--mfl", "512"],
         wire=dict(alert=None, error="-0x7080"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="max_fragment_length")),

    dict(name="gnutls-mfl-512-fragmented-cert",
         desc="as mfl-512-fragmented-cert against gnutls-serv (which "
              "honours max_fragment_length too)",
         server=dict(kind="gnutls", cert="rsa"),
         client=LOCAL + ["--mfl", "512"],
         wire=dict(alert=None, error="-0x7080"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="max_fragment_length")),

    # -- certificates ------------------------------------------------------
    dict(name="ca-unknown",
         desc="server certificate issued by a CA the device does not "
              "trust (client alerts unknown_ca)",
         server=dict(kind="openssl", cert="unknown-ca"),
         client=LOCAL,
         wire=dict(alert=48, **{"from": "client"}, error="-0x2700",
                   verify_flags=0x8),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="ca_missing_or_wrong")),
    dict(name="cert-expired",
         desc="server certificate expired 2021-01-01 (client alerts "
              "certificate_expired)",
         server=dict(kind="openssl", cert="expired"),
         client=LOCAL,
         wire=dict(alert=45, **{"from": "client"}, error="-0x2700",
                   verify_flags=0x1),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="cert_time")),
    dict(name="cert-hostname",
         desc="device verifies wrong.example, server (ignoring SNI) shows "
              "its localhost certificate (client alerts bad_certificate)",
         server=dict(kind="openssl", cert="rsa"),
         client=["--sni", "wrong.example"] + CA,
         wire=dict(alert=42, **{"from": "client"}, error="-0x2700",
                   verify_flags=0x4, sni="wrong.example"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="cert_hostname")),
    dict(name="client-cert-required",
         desc="server requires a client certificate (s_server -Verify 1), "
              "device has none and sends an empty Certificate",
         server=dict(kind="openssl", cert="rsa",
                     args=["-Verify", "1", "-verifyCAfile",
                           "{CERTS}/ca.crt"]),
         client=LOCAL,
         wire=dict(alert=40, **{"from": "server"}, state=12,
                   error="-0x7780"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="client_cert_required")),
    dict(name="gnutls-client-cert-required",
         desc="gnutls-serv --require-client-cert, device has no "
              "certificate",
         server=dict(kind="gnutls", cert="rsa",
                     args=["--require-client-cert", "--x509cafile",
                           "{CERTS}/ca.crt"]),
         client=LOCAL,
         # GnuTLS sends decode_error (50) as soon as it reads the empty
         # Certificate and closes at once (FIN, then RST for the client's
         # next records): the client's send of ChangeCipherSpec usually
         # fails with -0x50 before it reads the alert (the pcap has it).
         wire=dict(any=[dict(alert=None, state=10, error="-0x50"),
                        dict(alert=50, **{"from": "server"}, state=12,
                             error="-0x7780")]),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="client_cert_required")),

    # -- the connection ----------------------------------------------------
    dict(name="closed-after-hello",
         desc="server reads the ClientHello and closes the TCP connection "
              "(FIN), no alert",
         server=dict(kind="py", mode="close", cert="rsa"),
         client=LOCAL,
         wire=dict(alert=None, error="-0x7280"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="connection_closed")),
    dict(name="reset-after-hello",
         desc="server reads the ClientHello and resets the connection "
              "(RST), no alert",
         server=dict(kind="py", mode="reset", cert="rsa"),
         client=LOCAL,
         wire=dict(alert=None, error="-0x50"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="connection_closed")),
    dict(name="silent-server",
         desc="server accepts and never answers; device read timeout 1 s",
         server=dict(kind="py", mode="silent", cert="rsa"),
         client=LOCAL + ["--read-timeout", "1000"],
         wire=dict(alert=None, error="-0x6800"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="timeout_network")),

    # -- the seed logs, reproduced -----------------------------------------
    dict(name="seed-stm32-google-sni",
         desc="seed stm32-google-sni: Cube example's SNI 'mbed TLS Server "
              "1', suites c02b,c031,c02d,00a8, secp256r1, bare console; "
              "server refuses unknown names with 40",
         server=dict(kind="py", mode="tls", cert="ecdsa",
                     args=["--names", "localhost",
                           "--unknown-name-alert", "40"]),
         client=["--sni", "mbed TLS Server 1", "--ciphers",
                 "c02b,c031,c02d,00a8", "--curves", "secp256r1",
                 "--sig-hashes", "sha256,sha224", "--min-version", "1.2",
                 "--no-tickets", "--psk", "000102030405060708090a0b0c0d0e0f"]
         + CA,
         style="bare",
         wire=dict(alert=40, **{"from": "server"}, state=2,
                   error="-0x7780", sni="mbed TLS Server 1"),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_wrong")),
    dict(name="seed-mbedos-ecdsa-only-alert80",
         desc="seed mbedos-ecdsa-only-alert80: ECDSA-only suites c02c,c02b, "
              "no SNI, two attempts (the first at debug level 3), server "
              "with an RSA certificate answers no SNI with 80",
         server=dict(kind="py", mode="tls", cert="rsa",
                     args=["--names", "localhost", "--no-sni-alert", "80"]),
         client=["--no-sni", "--ciphers", "c02c,c02b", "--curves",
                 "secp384r1,secp256r1", "--attempts", "2", "--no-etm",
                 "--no-ems", "--no-tickets"] + CA,
         debug="3,4",
         wire=dict(alert=80, **{"from": "server"}, state=2,
                   error="-0x7780", sni=None, attempts=2),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_missing", also=["no_shared_cipher"])),
    dict(name="seed-stm32f427-rsa-alert80",
         desc="seed stm32f427-rsa-alert80: suites c02c,c02b,c02f,c030, no "
              "SNI, max_fragment_length 2048, groups secp384r1,secp256r1,"
              "x448, two attempts; server answers no SNI with 80",
         server=dict(kind="py", mode="tls", cert="rsa",
                     args=["--names", "localhost", "--no-sni-alert", "80"]),
         client=["--no-sni", "--ciphers", "c02c,c02b,c02f,c030", "--mfl",
                 "2048", "--curves", "secp384r1,secp256r1,x448",
                 "--attempts", "2", "--no-etm", "--no-ems",
                 "--no-tickets"] + CA,
         wire=dict(alert=80, **{"from": "server"}, state=2,
                   error="-0x7780", sni=None, attempts=2),
         expect=dict(client_exit=1, exit=1, outcome="failed",
                     first="sni_missing")),
]

# captures/logs/styles/: this scenario once per style.
STYLE_SCENARIO = "ecdsa-only-vs-rsa"
STYLES = ["client2", "client1", "bare", "espidf", "zephyr", "mbedos"]
STYLE_FORMATS = {
    "client2": '`"%s:%04d: |%d| %s"`, basename (ssl_client2)',
    "client1": '`"%s:%04d: %s"`, file as mbedTLS gives it '
               '(`./library/ssl_tls.c`), no level (ssl_client1)',
    "bare": "the message only (STM32 Cube console)",
    "espidf": "`D (1234) mbedtls: ssl_tls.c:4567 msg` + a blank line "
              "(levels 1-4 = W/I/D/V; the message's newline kept)",
    "zephyr": "`[00:00:07.817,000] <dbg> net_sock_tls.tls_debug: "
              "(0x200022c0): ssl_tls.c:2720: |2| msg`",
    "mbedos": "`[DBG ][TLSW]: ssl_tls.c:2720: |2| msg`",
}

# What recording showed that differs from, or adds to, KNOWLEDGE.md
# (OpenSSL 3.0.19, GnuTLS 3.7.9, Python 3.11 ssl on OpenSSL 3.0.19,
# client: Debian's mbedTLS 2.28.3). Printed into captures/logs/README.md.
NOTES = [
    "GnuTLS 3.7.9 allowing only TLS 1.3 answers a TLS 1.2-only hello with "
    "**40** handshake_failure (\"No supported cipher suites have been "
    "found\"), not 70 (`gnutls-tls13-only-server`). OpenSSL 3.0 "
    "(`-tls1_3`, or a TLS 1.1 client against `-no_tls1 -no_tls1_1`) and "
    "Python's ssl send 70. So alert 40 after a plain TLS 1.2 hello can "
    "also mean a TLS 1.3-only server.",
    "GnuTLS 3.7.9 `--require-client-cert` with an empty client Certificate "
    "sends fatal **50** decode_error (lib/alert.c maps "
    "GNUTLS_E_NO_CERTIFICATE_FOUND to DECODE_ERROR), not 42, right after "
    "reading the Certificate, and closes at once (FIN, then RST for the "
    "client's next records). The mbedTLS client is still sending its "
    "flight: `ssl->f_send() returned -80 (-0x0050)` in client state 10, "
    "`mbedtls_ssl_handshake returned -0x50`; the alert 50 is only in the "
    "capture (`gnutls-client-cert-required`; in 2 of 20 runs the client "
    "read the alert instead: -0x7780 in state 12).",
    "OpenSSL 3.0 `-Verify 1` (TLS 1.2): fatal 40 after the client's "
    "Finished; the client reads it in state 12 (SERVER_CHANGE_CIPHER_SPEC) "
    "(`client-cert-required`), as KNOWLEDGE says.",
    "OpenSSL `s_server` looks at SNI only with `-servername NAME` **and** "
    "`-cert2/-key2`; then a wrong name gets fatal 112 with "
    "`-servername_fatal`, otherwise a **warning** 112 before the "
    "ServerHello and the handshake goes on (mbedTLS logs `[1:112]` and "
    "ignores it: `sni-warning-112-ok`). No SNI at all: no alert. "
    "gnutls-serv `--sni-hostname X --sni-hostname-fatal`: wrong name fatal "
    "112, no SNI no alert.",
    "No shared group (TLS 1.2, ECDHE-only suites): OpenSSL 40 (\"no shared "
    "cipher\": suites without a usable group are dropped), GnuTLS 40 (\"No "
    "supported cipher suites have been found\"). No alert names the "
    "curve; the evidence is the hello's supported_groups (2.28 does not "
    "print them: only the level-4 record dump has them).",
    "No shared signature algorithm: OpenSSL 40 (`tls1_set_server_sigalgs: "
    "no shared signature algorithms`) both for `-sigalgs RSA+SHA384` vs a "
    "SHA-256/224 client and for a SHA-1-only client (OpenSSL 3.0 refuses "
    "SHA-1 at security level 1). GnuTLS 3.7.9's NORMAL priority "
    "**accepts** a SHA-1-only client (handshake ok, ServerKeyExchange "
    "signed with SHA-1); with only SIGN-RSA-SHA384 it sends 40.",
    "max_fragment_length 512: OpenSSL 3.0 and GnuTLS 3.7.9 both honour it "
    "and split the Certificate over 512-byte records; mbedTLS 2.28 stops "
    "with -0x7080 in client state 3 (\"handshake fragmentation not "
    "supported\") without sending an alert and closes (FIN; RST for the "
    "unread rest). OpenSSL then answers the EOF with fatal 50 "
    "decode_error (`unexpected eof while reading`), which the client never "
    "reads (only in the capture, not in every run). With an RSA-2048 chain, MFL 1024, 2048 "
    "and 4096 work against OpenSSL.",
    "GnuTLS 3.7.9 (Debian defaults) still accepts a TLS 1.1-only client "
    "(handshake ok with c014), and gnutls-serv asks every client for a "
    "certificate (CertificateRequest; mbedTLS answers with an empty "
    "Certificate and goes on).",
    "Client-side verification failures are alerts the **client** sends "
    "(level 3: `send alert level=2 message=N`) in client state 3: "
    "unknown CA 48 (flags 0x08), expired 45 (0x01), host name 42 (0x04); "
    "`mbedtls_ssl_handshake` returns -0x2700.",
    "A server that reads the hello and closes (FIN) gives -0x7280 "
    "(`ssl->f_recv(_timeout)() returned 0`); one that resets gives -0x50 "
    "(NET_CONN_RESET, from the read); a silent one -0x6800 after the read "
    "timeout. All in client state 2, no alert.",
    "Seed reproductions: Debian's 2.28.3 leaves PSK suites (00a8) out of "
    "the hello unless a PSK is configured (`--psk`); with it the "
    "stm32-google hello has the seed's exact layout (122 bytes). The "
    "stm32f427 repro hello has the seed's layout byte for byte (105 "
    "bytes; x448 = group 30 exists in 2.28). The mbedos repro offers "
    "RSA signature algorithms too (2.28 lists RSA and ECDSA for every "
    "hash whatever the suites; the seed's build had only ECDSA ones, "
    "probably without MBEDTLS_RSA_C), so its hello is 94 bytes, not 86.",
    "Python's ssl `sni_callback` is called with `None` when the hello has "
    "no SNI; returning ALERT_DESCRIPTION_INTERNAL_ERROR sends fatal 80 "
    "before cipher selection, so the ECDSA-only repro gets 80, not 40 "
    "(like the seed).",
]


def by_name(name):
    for sc in SCENARIOS:
        if sc["name"] == name:
            return sc
    raise KeyError("no scenario %r (see peers.py list)" % name)
