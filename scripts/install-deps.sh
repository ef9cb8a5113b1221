#!/usr/bin/env bash
# Installs every build, test and runtime dependency of Slipway on Debian 12 (run as root or
# with sudo available). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates clang-format
  clang libclang-rt-14-dev
  nlohmann-json3-dev libcli11-dev libpcre2-dev
  libboost1.74-dev libssl-dev libyaml-cpp-dev prometheus-cpp-dev libspdlog-dev
  libsqlite3-dev libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy curl gdb openssl
)
# Node.js from Debian unless the machine already has a node (e.g. a newer one).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the test oracles (tokenizers, chat templates) and end-to-end clients.
if [ ! -f tests/node_modules/.package-lock.json ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in tests/"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

# promtool checks and unit-tests the Prometheus rules in deploy/. Installing Debian's prometheus
# package would start a server and pull its dependencies, so only the one binary is taken from
# the package file, into the ignored .deps/.
promtool=.deps/prometheus/usr/bin/promtool
if [ ! -x "$promtool" ]; then
  echo "install-deps: extracting promtool into .deps/prometheus"
  rm -rf .deps/prometheus-deb && mkdir -p .deps/prometheus-deb .deps/prometheus
  download() {
    (cd .deps/prometheus-deb && apt-get download -qq -o APT::Sandbox::User=root prometheus)
  }
  # Package lists can be missing when every Debian package above was already installed.
  download || { $sudo_cmd apt-get update -qq && download; }
  dpkg-deb --fsys-tarfile .deps/prometheus-deb/prometheus_*.deb |
    tar -x -C .deps/prometheus ./usr/bin/promtool
  rm -rf .deps/prometheus-deb
fi
