#!/usr/bin/env bash
# Installs the Debian 12 packages agora needs to build and test. Idempotent: packages already
# present are skipped, so `make build` can call it every time at almost no cost.
#
# --bench also installs what `make bench` compares agora with and profiles it by (nginx, wrk,
# perf, strace); `make test` never needs them.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev libboost-context1.81-dev
  libsqlite3-dev libzip-dev zip unzip libpugixml-dev libyaml-dev libssl-dev libsodium-dev openssl libvalijson-dev libxml2-dev
  libgtest-dev libgmock-dev googletest
  libmd4c-dev
  chromium fonts-dejavu-core
  libpq-dev postgresql-15 nginx-light
  curl python3 python3-prometheus-client time libcurl4-openssl-dev python3-botocore
  clang libclang-rt-14-dev
)

[ "${1:-}" = "--bench" ] && packages+=(wrk linux-perf strace)

# Node.js runs the npm-installed reference tools of the tests, and npm installs the official
# OpenAPI schemas the build embeds; any node on the PATH will do.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
