#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (clang) and runs them.
#   scripts/fuzz.sh [--seconds N] [--jobs J] [target...]   run each target N s (default 60),
#                                                          J targets at a time (default 1)
#   scripts/fuzz.sh --build-only                           configure and build only
# Options: --no-build (use the built binaries), --fresh (start from the seeds only and drop
# earlier artifacts).
# The build goes to $FUZZ_BUILD_DIR (default build/fuzz); runs work in $FUZZ_WORK_DIR (default
# the build dir): corpus/<target> (the repo's seeds plus what the run finds; fuzz/corpus is
# never written), artifacts/<target>/ (crashes, timeouts, OOMs), logs/<target>.log.
# Exits non-zero when any target crashed. Reproduce a crash: build/fuzz/<target> <artifact>.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${FUZZ_BUILD_DIR:-$root/build/fuzz}"
all_targets=(fuzz_json_request fuzz_tokenizer fuzz_tokenizer_json fuzz_chat_template
  fuzz_safetensors_header fuzz_model_config)

seconds=60 jobs=1 build=1 run=1 fresh=0 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build-only) run=0; shift ;;
    --no-build) build=0; shift ;;
    --fresh) fresh=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t" >&2; exit 2; }
done
[[ "$seconds" =~ ^[0-9]+$ && "$jobs" =~ ^[1-9][0-9]*$ ]] || {
  echo "fuzz.sh: --seconds and --jobs take positive integers" >&2
  exit 2
}

if [ "$build" -eq 1 ]; then
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    command -v clang++ >/dev/null || {
      echo "fuzz.sh: clang++ not found (scripts/install-deps.sh installs it)" >&2
      exit 1
    }
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$root/fuzz" -B "$build_dir" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++
  fi
  cmake --build "$build_dir" -j "${FUZZ_BUILD_JOBS:-$(nproc)}" --target "${targets[@]}"
fi
[ "$run" -eq 1 ] || exit 0

work_dir="${FUZZ_WORK_DIR:-$build_dir}"

dict_for() {
  case "$1" in
    fuzz_chat_template) echo "$root/fuzz/dict/jinja.dict" ;;
    fuzz_tokenizer) echo "$root/fuzz/dict/tokenizer_text.dict" ;;
    *) echo "$root/fuzz/dict/json.dict" ;;
  esac
}

run_target() {
  local t="$1" corpus="$work_dir/corpus/$1" artifacts="$work_dir/artifacts/$1/"
  local log="$work_dir/logs/$1.log" dict
  [ "$fresh" -eq 0 ] || rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts" "$work_dir/logs"
  cp -n "$root/fuzz/corpus/$t"/* "$corpus"/
  dict="$(dict_for "$t")"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$artifacts")
  [ -f "$dict" ] && args+=(-dict="$dict")
  local rc=0
  "$build_dir/$t" "${args[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  echo "$rc" >"$work_dir/logs/$t.rc"
}

# Final figures from a libFuzzer log: runs, execs/s, coverage (edges, features).
summarize() {
  local t="$1" log="$work_dir/logs/$1.log" rc status runs speed cov files crashes
  rc="$(cat "$work_dir/logs/$t.rc")"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | awk '{print $2 "/" $4}')"
  files="$(find "$work_dir/corpus/$t" -type f | wc -l)"
  crashes="$(find "$work_dir/artifacts/$t" -type f | wc -l)"
  status=ok
  if [ "$rc" -ne 0 ]; then
    status="CRASH (exit $rc, see $log)"
    tail -n 40 "$log" >&2
  fi
  printf '%-24s runs %-10s execs/s %-7s cov/ft %-12s corpus %-6s artifacts %-3s %s\n' \
    "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "$files" "$crashes" "$status"
  [ "$rc" -eq 0 ]
}

echo "fuzz.sh: ${targets[*]}: ${seconds}s each, $jobs at a time, work dir $work_dir"
running=0
for t in "${targets[@]}"; do
  [ -x "$build_dir/$t" ] || { echo "fuzz.sh: $build_dir/$t is not built" >&2; exit 1; }
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait || true

failed=0
for t in "${targets[@]}"; do summarize "$t" || failed=1; done
exit "$failed"
