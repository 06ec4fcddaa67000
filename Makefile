# Makefile - wrapper around CMake.  The build lives in build/ (an in-source
# CMake run would overwrite this file).
#
#   make demo    install missing packages, build, decode a bundled capture,
#                probe a local server with a recorded device log
#   make test    install missing packages, build, run every test (ctest)
#   make asan    the whole suite under AddressSanitizer + UBSan (build-asan/)
#   make lint    clang-tidy and cppcheck over src/ and tests/*.c (build-lint/)
#   make valgrind  the unit tests and the command line under valgrind memcheck
#   make fuzz    each libFuzzer target for FUZZ_SECONDS (build-fuzz/)
#   make fuzz-long  the long campaign (an hour per target), outside CI
#   make bench   throughput and memory figures (beside grep / tshark);
#                scan connections and time (beside sslscan / testssl.sh)
#   make limits  time and peak memory on hostile input (1 GiB of random
#                bytes as a log, a capture, a hello; a million half-open
#                connections; 65535 bytes of extensions; 100 certificates)

PACKAGES = build-essential cmake pkg-config python3 python3-jsonschema clang \
           libclang-rt-14-dev \
           llvm libmbedtls-dev libpcap-dev libcmocka-dev openssl gnutls-bin \
           tcpdump tshark procps time sslscan testssl.sh \
           clang-tidy cppcheck valgrind man-db
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
# fuzz-long: FUZZ_SECONDS when given on the command line, else an hour
FUZZ_LONG_SECONDS = $(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),3600)
FUZZ_TARGETS ?=
BENCH_MB ?= 1024
BENCH_ALSO_MB ?= 4096
LIMITS_MB ?= 1024
LIMITS_CONNS ?= 1000000
CMAKE_FLAGS ?=

.PHONY: all deps build demo test asan lint valgrind fuzz fuzz-long fuzz-coverage bench limits install uninstall deb clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    echo 'wireshark-common wireshark-common/install-setuid boolean false' \
	      | debconf-set-selections; \
	    apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || exit 1; \
	  else \
	    echo "missing packages; run as root:"; \
	    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	cmake -S . -B build $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j $(JOBS)

demo: build
	@echo '$$ tlsdiag pcap captures/*.pcap captures/logs/sni-missing-alert80.pcap'
	@./build/tlsdiag pcap captures/*.pcap captures/logs/sni-missing-alert80.pcap || true
	@echo
	@echo '$$ tlsdiag log captures/logs/seed-stm32-google-sni.log'
	@./build/tlsdiag log captures/logs/seed-stm32-google-sni.log || true
	@echo
	@sh tests/tools/demo-probe.sh ./build/tlsdiag

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B build-asan -DTD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
	  $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

# make lint: clang-tidy with the checked-in .clang-tidy (tests/.clang-tidy
# for the tests) and the compile database of build-lint/ (configured, not
# built), then cppcheck with .cppcheck-suppressions; any finding fails.
# -D__typeof__=typeof: cppcheck 2.10 cannot parse a __typeof__ cast inside
# a ?: (TD_PUSH) and would skip the whole file; it reads GNU typeof.
CPPCHECK_FLAGS = --enable=warning,style,performance,portability \
  --inline-suppr --error-exitcode=1 \
  --suppressions-list=.cppcheck-suppressions --std=c11 --quiet \
  -I include -I src -I build-lint -D__typeof__=typeof --template=gcc
lint: deps
	cmake -S . -B build-lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
	  -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@rc=0; \
	echo "clang-tidy over src/ and tests/*.c"; \
	if run-clang-tidy -quiet -p build-lint -j $(JOBS) \
	     '^$(CURDIR)/(src/.*|tests/[^/]*)\.c$$' >build-lint/clang-tidy.out 2>&1; \
	then echo "clang-tidy: no findings"; \
	else sed 's/\x1b\[[0-9;]*m//g' build-lint/clang-tidy.out \
	       | grep -v -e '^clang-tidy' -e ' warnings generated\.$$'; \
	     echo "clang-tidy: FAILED"; rc=1; fi; \
	echo "cppcheck over src/ and tests/*.c"; \
	if cppcheck $(CPPCHECK_FLAGS) -j $(JOBS) src tests/*.c; \
	then echo "cppcheck: no findings"; \
	else echo "cppcheck: FAILED"; rc=1; fi; \
	exit $$rc

# make valgrind: tests/tools/valgrind.sh says what runs under memcheck and
# what does not, and why.
valgrind: build
	JOBS=$(JOBS) sh tests/tools/valgrind.sh build

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DTD_FUZZ=ON -DTD_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh build-fuzz

# The long campaign, outside CI (hours): FUZZ_SECONDS per target (default
# 3600), persistent corpus in tests/fuzz/corpus-long/, findings and figures
# in tests/fuzz/artifacts/.
fuzz-long: deps
	CC=clang cmake -S . -B build-fuzz -DTD_FUZZ=ON -DTD_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_LONG_SECONDS) sh tests/fuzz/campaign.sh build-fuzz $(FUZZ_TARGETS)

# Line coverage (llvm-cov) of each fuzz target's corpus.
fuzz-coverage: deps
	sh tests/fuzz/coverage.sh

bench: build
	python3 tests/bench/bench_log.py --binary build/tlsdiag
	python3 tests/bench/bench_pcap.py --binary build/tlsdiag \
	  --floor build/tests/bench/pcap_floor --size-mb $(BENCH_MB) \
	  --also-mb $(BENCH_ALSO_MB)
	python3 tests/bench/bench_scan.py --binary build/tlsdiag

# Not in CI (gigabytes of input, minutes): the scaled-down checks are
# tests/cli/test_limits.py.
limits: build
	python3 tests/bench/limits.py --binary build/tlsdiag \
	  --size-mb $(LIMITS_MB) --conns $(LIMITS_CONNS)

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, tlsdiag(1),
# the bash completion, README/CHANGELOG/LICENSE; the installed files are
# listed in build/install_manifest.txt, which make uninstall removes (give
# it the same DESTDIR).
PREFIX ?= /usr/local
install: build
	cmake -S . -B build -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build build -j $(JOBS) --target tlsdiag
	DESTDIR="$(DESTDIR)" cmake --install build

uninstall:
	@test -f build/install_manifest.txt || \
	  { echo "nothing installed from this build (no build/install_manifest.txt)"; exit 1; }
	sed 's|^|$(DESTDIR)|' build/install_manifest.txt | xargs -r rm -f --
	rm -f build/install_manifest.txt

# make deb: build-deb/tlsdiag_VERSION_ARCH.deb (CPack; dependencies from
# dpkg-shlibdeps).
deb: deps
	cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_INSTALL_PREFIX=/usr -DTD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build build-deb -j $(JOBS)
	cd build-deb && cpack -G DEB >/dev/null
	@ls build-deb/*.deb

clean:
	rm -rf build build-asan build-lint build-fuzz build-deb
