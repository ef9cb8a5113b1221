// Read bandwidth: sum of a 1 GiB array with 1 and 2 threads of the compute pool (GB/s), the
// bound single-stream decode is measured against (weight bytes per token / bandwidth).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "engine/compute_pool.h"

namespace {

constexpr std::size_t kBytes = std::size_t{1} << 30;

const std::vector<uint64_t>& data() {
  static const std::vector<uint64_t> array(kBytes / sizeof(uint64_t), 1);
  return array;
}

void read_sum(benchmark::State& state) {
  const auto& array = data();
  slipway::engine::ComputePool pool(static_cast<int>(state.range(0)));
  const auto n = static_cast<int64_t>(array.size());
  std::vector<uint64_t> partial(static_cast<std::size_t>(pool.threads()) * 8);
  const int64_t parts = pool.threads();
  for (auto _ : state) {
    pool.parallel_for(parts, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        const uint64_t* p = array.data() + n * t / parts;
        const int64_t count = n * (t + 1) / parts - n * t / parts;
        uint64_t sum = 0;  // integer sum: the compiler vectorizes it freely
        for (int64_t i = 0; i < count; ++i) sum += p[i];
        partial[static_cast<std::size_t>(t) * 8] = sum;
      }
    });
    uint64_t total = 0;
    for (int64_t t = 0; t < parts; ++t) total += partial[static_cast<std::size_t>(t) * 8];
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kBytes));
}

BENCHMARK(read_sum)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
