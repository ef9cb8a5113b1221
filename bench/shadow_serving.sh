#!/usr/bin/env bash
# Shadow mode's cost to the primary (issue 7; docs/benchmarks.md, "Shadow mode"): one
# `slipway serve` with the SmolLM2-135M-shaped BF16 base, a route `assist` on it, and a random
# LoRA adapter (rank 16 on q,k,v,o) over the same base as its shadow, so every copy lands in the
# same scheduler at shadow priority. `slipway bench` drives the route with shadows off, then on
# (every request copied), alternating for $ROUNDS rounds with a new seed per round; prints the
# primary's p50/p95 end-to-end latency and TTFT per run, and on/off ratios of the p95s.
# Usage: bench/shadow_serving.sh [extra `slipway serve` flags]
#   OUT (default /tmp/slipway-shadow-bench): results; ROUNDS (default 2); CONCURRENCY
#   (default 4); SLIPWAY_BIN (default build/slipway).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/serving_lib.sh
out=${OUT:-/tmp/slipway-shadow-bench}
rounds=${ROUNDS:-2}
concurrency=${CONCURRENCY:-4}
mkdir -p "$out"
ensure_smol135
adapter=$models/smol135-lora-r16-qkvo-bf16-seed1
[ -f "$adapter/adapter_model.safetensors" ] || "$bin" tiny-adapter "$adapter" --base "$model" \
  --rank 16 --alpha 32 --targets q_proj,k_proj,v_proj,o_proj --dtype bf16 --seed 1

data=$out/data
rm -rf "$data"
start_server "$out/server.log" --model "$model" --served-model-name smol --data "$data" "$@"
base_ref=$(curl -sf "$url/admin/v1/served" | jq -r '.data[] | select(.name == "smol") | .version')
"$bin" models register shadow-lora --path "$adapter" --lora-base "$base_ref" --data "$data" \
  >/dev/null
admin() { curl -sf -X "$1" "$url/admin/v1$2" -H 'Content-Type: application/json' -d "$3"; }
admin POST /routes "{\"name\": \"assist\", \"stable\": \"$base_ref\"}" >/dev/null

# run_bench NAME SEED: the route under $concurrency concurrent streams; results in $out/NAME.*.
run_bench() {
  "$bin" bench --base-url "$url/v1" --model assist --endpoint chat --concurrency "$concurrency" \
    --num-prompts $((concurrency * 8)) --warmup "$concurrency" --input-len 64 --output-len 32 \
    --ignore-eos --seed "$2" --json "$out/$1.json" >"$out/$1.txt" 2>"$out/$1.log" ||
    { cat "$out/$1.txt" "$out/$1.log"; exit 1; }
  jq -e '.failed == 0' "$out/$1.json" >/dev/null || { cat "$out/$1.txt"; exit 1; }
}
ms() { jq -r ".$2 * 10 | round / 10" "$out/$1.json"; }
shadow_counts() {
  curl -sf "$url/metrics" | grep '^slipway_shadow_requests_total' | sed 's/^/  /' || true
}

echo "== warming (not counted)"
run_bench warm 99
for round in $(seq "$rounds"); do
  admin PATCH /routes/assist '{"shadows": null}' >/dev/null
  run_bench "off$round" "$round"
  admin PATCH /routes/assist '{"shadows": ["shadow-lora/1"]}' >/dev/null
  run_bench "on$round" "$round"
  # Copies still running would load the next "off" run.
  for _ in $(seq 600); do
    curl -sf "$url/metrics" | grep -q '^slipway_shadow_in_flight 0' && break
    sleep 0.1
  done
  for run in "off$round" "on$round"; do
    echo "$run: e2e p50 $(ms $run e2e_latency_ms.p50) p95 $(ms $run e2e_latency_ms.p95) ms," \
      "ttft p50 $(ms $run ttft_ms.p50) p95 $(ms $run ttft_ms.p95) ms," \
      "$(jq -r '.output_throughput * 10 | round / 10' "$out/$run.json") tok/s"
  done
  jq -rn --slurpfile off "$out/off$round.json" --slurpfile on "$out/on$round.json" \
    '"round \($ARGS.named.r): p95 e2e on/off \(($on[0].e2e_latency_ms.p95 / $off[0].e2e_latency_ms.p95 * 1000 | round) / 1000), p95 ttft on/off \(($on[0].ttft_ms.p95 / $off[0].ttft_ms.p95 * 1000 | round) / 1000)"' \
    --arg r "$round"
done
echo "== shadow copies"
shadow_counts
