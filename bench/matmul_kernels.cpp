// Matmul kernels alone on a 256 MiB BF16 weight: GEMV weight bytes/s (decode; compare with
// memory_bandwidth in the same run) and 128-row GEMM multiply-adds/s (prefill).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/kernels/matmul.h"

namespace {

using namespace slipway::engine;

constexpr int64_t kRows = 16384, kCols = 8192;

const std::vector<uint16_t>& weights() {
  static const std::vector<uint16_t> w = [] {
    std::vector<uint16_t> out(static_cast<std::size_t>(kRows * kCols));
    uint32_t x = 1;
    for (auto& v : out) {
      x = x * 1664525u + 1013904223u;
      v = static_cast<uint16_t>(0x3c00u | ((x >> 16) & 0x7fu) | ((x >> 8) & 0x8000u));
    }
    return out;
  }();
  return w;
}

void run(benchmark::State& state, int64_t rows) {
  ComputePool pool(static_cast<int>(state.range(0)));
  const kernels::WeightMatrix w{DType::BF16, reinterpret_cast<const std::byte*>(weights().data()),
                                kRows, kCols};
  std::vector<float> x(static_cast<std::size_t>(rows * kCols), 0.5f);
  std::vector<float> y(static_cast<std::size_t>(rows * kRows));
  const kernels::MatmulJob job{&w, y.data()};
  for (auto _ : state) {
    kernels::matmul(pool, x.data(), rows, &job, 1);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kRows * kCols * 2);
  state.counters["MAC/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * rows * kRows * kCols), benchmark::Counter::kIsRate);
}

void gemv_bf16(benchmark::State& state) {
  run(state, 1);
}
void gemm128_bf16(benchmark::State& state) {
  run(state, 128);
}

BENCHMARK(gemv_bf16)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(gemm128_bf16)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
