#!/usr/bin/env bash
# Serving benchmarks of `slipway serve` on the SmolLM2-135M-shaped model, driven by
# `slipway bench` (docs/benchmarks.md):
#   1. aggregate decode throughput: 1 stream, then 16 concurrent streams;
#   2. TTFT of short requests alone, then while a 2,000-token prompt is being prefilled, with
#      the scheduler's step time sampled from /metrics meanwhile.
# Usage: bench/serving.sh [extra `slipway serve` flags]   (results in $OUT, default /tmp)
# (SLIPWAY_BIN: the binary, default build/slipway)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/serving_lib.sh
out=${OUT:-/tmp/slipway-serving-bench}
mkdir -p "$out"
ensure_smol135
start_server "$out/server.log" --model "$model" --served-model-name smol "$@"
run_bench() { "$bin" bench --base-url "$url/v1" --model smol "$@"; }

echo "== 1 stream"
run_bench --concurrency 1 --num-prompts 4 --warmup 1 --input-len 32 --output-len 64 \
  --json "$out/decode_c1.json"
echo "== 16 concurrent streams"
run_bench --concurrency 16 --num-prompts 32 --input-len 32 --output-len 64 \
  --json "$out/decode_c16.json"

echo "== short requests alone"
run_bench --concurrency 1 --num-prompts 12 --warmup 1 --input-len 32 --output-len 2 --seed 3 \
  --json "$out/ttft_alone.json"
echo "== short requests while a 2,000-token prompt is prefilled"
run_bench --concurrency 1 --num-prompts 1 --input-len 2000 --output-len 2 --seed 9 \
  --json "$out/long_prompt.json" >"$out/long_prompt.txt" &
long=$!
sleep 0.5
( while true; do
    curl -s "$url/metrics" | sed -n 's/^slipway_scheduler_last_step_seconds{[^}]*} //p'
    sleep 0.05
  done ) >"$out/step_seconds.txt" &
sampler=$!
run_bench --concurrency 1 --num-prompts 12 --input-len 32 --output-len 2 --seed 4 \
  --json "$out/ttft_with_long.json"
wait $long
kill $sampler 2>/dev/null || true
wait $sampler 2>/dev/null || true
cat "$out/long_prompt.txt"
echo "scheduler step seconds while the long prompt ran: max $(sort -g "$out/step_seconds.txt" | tail -1)"
