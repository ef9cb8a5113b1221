# Sourced (from the repository root) by the serving benchmarks, bench/serving.sh and
# bench/lora_serving.sh: the slipway binary, the SmolLM2-135M-shaped BF16 model folder, and a
# `slipway serve` started on a free port and stopped when the script exits.
bin=${SLIPWAY_BIN:-build/slipway}
models=${SLIPWAY_BENCH_MODELS:-/tmp/slipway-bench-models}
model=${SLIPWAY_BENCH_SMOL135:-$models/smol135-bf16}

# Writes the model folder the first time.
ensure_smol135() {
  [ -f "$model/config.json" ] || "$bin" tiny-model "$model" --arch llama --preset smol135 --dtype bf16
}

# start_server LOG [`slipway serve` flags]: starts it on port 0 and waits until /health answers
# (the models are loaded); sets $server (its pid) and $url.
start_server() {
  local log=$1
  shift
  "$bin" serve --port 0 "$@" 2>"$log" &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's#.*listening on http://[^:]*:\([0-9]*\).*#\1#p' "$log" | head -1)
    [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
  url="http://127.0.0.1:$port"
}
