#!/usr/bin/env bash
# install-deps.sh - install the Debian 12 packages zhijian needs to build, test and benchmark.
#
# Idempotent: asks dpkg which packages are missing and installs only those, so a machine
# that already has everything costs one dpkg query. Run as root (or via sudo).
#
# Every program the build, test, demo and bench scripts call is listed here or comes with
# every Debian system (bash, coreutils, grep, sed, mawk, findutils, libc-bin's iconv). git and
# make are listed too, although on a fresh machine they are needed first: git to get the
# sources, make to run this script through `make` (README.md says so).
set -euo pipefail

pkgs=(
  git make                          # getting the sources, the front door (Makefile)
  python3                           # test summary, code tables, benchmark reports
  build-essential meson ninja-build pkgconf clang libclang-rt-14-dev  # toolchain, fuzzers
  libsqlite3-dev sqlite3            # store, and the peer in benchmarks
  libyaml-dev libcjson-dev          # mapping files, JSON
  libicu-dev libutf8proc-dev libopencc-dev opencc  # Chinese text
  libsodium-dev libxxhash-dev       # hashing: digests (BLAKE2b), row content hashes (XXH3), Ed25519
  libssl-dev                        # SHA-256 with CPU instructions (audit trail Merkle tree)
  libgeos-dev                       # geometry: county polygons, point in area (community correction)
  libmicrohttpd-dev libxlsxwriter-dev  # HTTP API (zhijian serve), XLSX exports
  zlib1g-dev                        # gzip for the API's answers
  libcmocka-dev valgrind time curl  # tests (the API tests drive the server with curl), timing
  python3-yaml jq iproute2          # tests: the server checked against docs/openapi.yaml
  wrk                               # benchmarks: HTTP load
  nodejs npm                        # web app build (npm ECharts), DuckDB peer in benchmarks
  chromium fonts-wqy-microhei       # browser tests of the web app (playwright-core), CJK glyphs
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from outside Debian's packages on some images; accept any working node.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
