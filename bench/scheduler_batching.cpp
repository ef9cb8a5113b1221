// Aggregate decode tokens/s of the continuous-batching scheduler with 1 and 16 concurrent
// greedy streams on a random BF16 model shaped like SmolLM2-135M (short prompts, so decode
// dominates). The model folder is written once by `slipway tiny-model --preset smol135`.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench_models.h"
#include "engine/scheduler.h"

namespace {

using namespace slipway::engine;

void decode_streams(benchmark::State& state, int threads, int streams) {
  constexpr int64_t kNewTokens = 32;
  const auto package = slipway::bench::smol135_package();
  ComputePool pool(threads);
  SchedulerConfig config;
  config.max_num_seqs = streams;
  config.kv_cache_bytes = int64_t{256} << 20;
  Scheduler scheduler(package, pool, config);
  const int64_t vocab = package->model().config().vocab_size;
  int64_t tokens = 0;
  for (auto _ : state) {
    std::vector<SequenceRequest> requests;
    for (int s = 0; s < streams; ++s)
      requests.push_back(slipway::bench::greedy_stream(s, vocab, kNewTokens));
    tokens += slipway::bench::run_to_completion(scheduler, std::move(requests));
  }
  state.counters["tok/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["steps"] = static_cast<double>(scheduler.stats().steps_total);
}

BENCHMARK_CAPTURE(decode_streams, smol135_1stream_2threads, 2, 1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_streams, smol135_16streams_2threads, 2, 16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
