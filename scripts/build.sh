#!/usr/bin/env bash
# Configures and builds Slipway into build/ (Release), then the clang fuzz targets into
# build/fuzz (the "fuzz" ctest label runs them). Extra arguments go to cmake configure.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
[ -f build/CMakeCache.txt ] || cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
scripts/fuzz.sh --build-only
