#!/usr/bin/env bash
# Sets up everything and runs every test: unit tests (parsers under ASan), oracle and
# reference suites, end-to-end tests. Benchmarks are built, not run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 300
