#!/usr/bin/env bash
# Sets up Slipway and runs it on an embedded default: `slipway serve` with no model makes (once)
# and serves a tiny random-weight demo model on http://127.0.0.1:8000. Extra arguments go to
# `slipway serve` (e.g. --port 9000, or --model DIR for a real model).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/slipway serve "$@"
