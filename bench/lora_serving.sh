#!/usr/bin/env bash
# Multi-LoRA serving through HTTP (issue 5; docs/benchmarks.md, "LoRA through HTTP"): one
# `slipway serve` with the SmolLM2-135M-shaped BF16 base and 4 random adapters (rank 16 on
# q,k,v,o, BF16, seeds 1-4) loaded at run time through the admin API, driven by `slipway bench`:
#   (a) 16 concurrent streams on the bare base; (b) 16 over the 4 adapters, round-robin;
#   same prompts in a and b of a round (a new seed each round, so no round reuses another's
#   prefix cache); a, b, a, b, ... for $ROUNDS rounds; prints each output tok/s and b/a.
# Memory: each adapter's memory_bytes (GET /admin/v1/served) against its file size, and the
# server's resident memory (/proc/PID/status) before and after loading and using the adapters.
# Usage: bench/lora_serving.sh [extra `slipway serve` flags]
#   OUT (default /tmp/slipway-lora-serving-bench): results; ROUNDS (default 2): a/b pairs;
#   SLIPWAY_BIN (default build/slipway).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/serving_lib.sh
out=${OUT:-/tmp/slipway-lora-serving-bench}
rounds=${ROUNDS:-2}
mkdir -p "$out"
ensure_smol135
adapters=(a1 a2 a3 a4)
adapter_dir() { echo "$models/smol135-lora-r16-qkvo-bf16-seed$1"; }
for i in 1 2 3 4; do
  dir=$(adapter_dir $i)
  [ -f "$dir/adapter_model.safetensors" ] || "$bin" tiny-adapter "$dir" --base "$model" \
    --rank 16 --alpha 32 --targets q_proj,k_proj,v_proj,o_proj --dtype bf16 --seed $i
done

# A registry of its own, new each run, so the base is registered as smol/1.
data=$out/data
rm -rf "$data"
start_server "$out/server.log" --model "$model" --served-model-name smol --data "$data" "$@"
base_ref=$(curl -sf "$url/admin/v1/served" | jq -r '.data[] | select(.name == "smol") | .version')

# rss KEY: a line of the server's /proc status in KiB (VmRSS, RssAnon, RssFile).
rss() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server/status"; }
rss_line() { echo "$1: VmRSS $(rss VmRSS) KiB (anon $(rss RssAnon), file $(rss RssFile))"; }
# run_bench NAME MODELS SEED [flags]: 16 concurrent streams, results in $out/NAME.*; stops
# the script when a request failed.
run_bench() {
  local name=$1 models=$2 seed=$3
  shift 3
  "$bin" bench --base-url "$url/v1" --model "$models" --concurrency 16 --num-prompts 48 \
    --warmup 16 --input-len 32 --output-len 64 --ignore-eos --seed "$seed" \
    --json "$out/$name.json" "$@" >"$out/$name.txt" 2>"$out/$name.log" ||
    { cat "$out/$name.txt" "$out/$name.log"; exit 1; }
  jq -e '.failed == 0' "$out/$name.json" >/dev/null || { cat "$out/$name.txt"; exit 1; }
}
tok_s() { jq -r '.output_throughput * 10 | round / 10' "$out/$1.json"; }
# ratio B_GLOB A_GLOB: summed output tok/s of the B files over the A files, to 3 decimals
# (the globs are expanded here, so $OUT must have no spaces).
ratio() { jq -n --argjson b "$(sum $1)" --argjson a "$(sum $2)" '$b / $a * 1000 | round / 1000'; }
sum() { jq -s 'map(.output_throughput) | add' "$@"; }
tpot() { jq -r '.tpot_ms.mean * 10 | round / 10' "$out/$1.json"; }

echo "== warming the base (2 passes, not counted)"
run_bench warm_base1 smol 100
rss_line "after 1 pass on the base"
run_bench warm_base2 smol 101
rss_line "after 2 passes on the base"
before=$(rss VmRSS)

echo "== loading ${adapters[*]} on $base_ref through the admin API"
for i in 1 2 3 4; do
  name=${adapters[$((i - 1))]}
  "$bin" models register "$name" --path "$(adapter_dir $i)" --lora-base "$base_ref" \
    --data "$data" >/dev/null
  curl -sf -X POST "$url/admin/v1/served" -H 'Content-Type: application/json' \
    -d "{\"version\": \"$name/1\", \"name\": \"$name\"}" >/dev/null
done
rss_line "after loading 4 adapters"
loaded=$(rss VmRSS)
run_bench warm_adapters a1,a2,a3,a4 102
rss_line "after 1 pass over the adapters"
used=$(rss VmRSS)

curl -sf "$url/admin/v1/served" >"$out/served.json"
echo "== adapters: memory_bytes (admission estimate) vs adapter_model.safetensors"
total_file=0
for i in 1 2 3 4; do
  name=${adapters[$((i - 1))]}
  file=$(stat -c %s "$(adapter_dir $i)/adapter_model.safetensors")
  total_file=$((total_file + file))
  memory=$(jq -r --arg n "$name" '.data[] | select(.name == $n) | .memory_bytes' "$out/served.json")
  echo "$name: memory_bytes $memory, file $file, difference $((memory - file))"
done
echo "resident memory: +$((loaded - before)) KiB at load, +$((used - before)) KiB once used;" \
  "the 4 files: $((total_file / 1024)) KiB"

echo "== 16 streams: (a) bare base vs (b) over 4 adapters, output tok/s"
for r in $(seq "$rounds"); do
  run_bench "base_r$r" smol "$r"
  run_bench "adapters_r$r" a1,a2,a3,a4 "$r"
  echo "round $r: a $(tok_s "base_r$r"), b $(tok_s "adapters_r$r")," \
    "b/a $(ratio "$out/adapters_r$r.json" "$out/base_r$r.json")" \
    "(TPOT mean ms: a $(tpot "base_r$r"), b $(tpot "adapters_r$r"))"
done
echo "all rounds: b/a $(ratio "$out/adapters_r*.json" "$out/base_r*.json")"
echo "per adapter (last round):"
jq -r '.per_model[] | "  \(.model): \(.completed) requests, \(.output_throughput * 10 | round / 10) tok/s"' \
  "$out/adapters_r$rounds.json"
rss_line "at the end"
