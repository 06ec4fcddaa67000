#!/bin/sh
# deb-check.sh - CI's package check (as root): build the Debian package,
# install it with dpkg -i, run the installed tlsdiag (--version, a real
# decode, the man page, the completion), remove it with dpkg -r and check
# that nothing is left.
set -eu
cd "$(dirname "$0")/../.."
make deb
deb=$(ls build-deb/tlsdiag_*.deb | head -1)
if [ "$(id -u)" != 0 ]; then
    echo "deb-check: built $deb; installing it needs root"
    exit 0
fi
dpkg -i "$deb"
trap 'dpkg -r tlsdiag >/dev/null 2>&1 || true' EXIT
/usr/bin/tlsdiag --version
/usr/bin/tlsdiag --version | grep -q 'mbed TLS 2\.' 
/usr/bin/tlsdiag hello captures/records/tls12-rsa.client.bin | grep -q 'ClientHello'
out=$(/usr/bin/tlsdiag --json pcap captures/logs/sni-missing-alert80.pcap || true)
echo "$out" | grep -q '"sni_missing"'
man -w tlsdiag
# the page renders: its sections, and an example per job
page=$(MANWIDTH=80 man -P cat tlsdiag 2>/dev/null)
for want in 'EXIT STATUS' 'EXAMPLES' 'tlsdiag log' 'tlsdiag pcap' \
            'tlsdiag probe'; do
    echo "$page" | grep -q "$want" || {
        echo "deb-check: man tlsdiag lacks '$want'"; exit 1; }
done
test -f /usr/share/bash-completion/completions/tlsdiag
bash -c '. /usr/share/bash-completion/completions/tlsdiag
         COMP_WORDS=(tlsdiag pr); COMP_CWORD=1; _tlsdiag
         [ "${COMPREPLY[*]}" = probe ]'
dpkg -r tlsdiag
trap - EXIT
if [ -e /usr/bin/tlsdiag ] || [ -e /usr/share/man/man1/tlsdiag.1 ]; then
    echo "deb-check: files left after dpkg -r"; exit 1
fi
echo "deb-check: $deb installs, works and removes cleanly"
