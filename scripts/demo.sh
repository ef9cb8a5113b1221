#!/usr/bin/env bash
# Sets up Slipway and runs it on an embedded default: a tiny random-weight demo model that
# it makes on first use (in demo-model/), then generates from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
[ -f demo-model/config.json ] || build/slipway tiny-model demo-model --arch llama
build/slipway generate --model demo-model --prompt "${1:-Once upon a time}" --max-tokens 32
