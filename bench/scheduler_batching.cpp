// Aggregate decode tokens/s of the continuous-batching scheduler with 1 and 16 concurrent
// greedy streams on a random BF16 model shaped like SmolLM2-135M (short prompts, so decode
// dominates). The model folder is written once by `slipway tiny-model --preset smol135`.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/scheduler.h"

namespace {

using namespace slipway::engine;

std::shared_ptr<const ModelPackage> smol_package() {
  static std::shared_ptr<const ModelPackage> package;
  if (package) return package;
  std::filesystem::path folder;
  if (const char* given = std::getenv("SLIPWAY_BENCH_SMOL135")) {
    folder = given;
  } else {
    const char* cache = std::getenv("SLIPWAY_BENCH_MODELS");
    folder = std::filesystem::path(cache ? cache : "/tmp/slipway-bench-models") / "smol135-bf16";
  }
  if (!std::filesystem::exists(folder / "tokenizer.json")) {
    const std::string command = std::string(SLIPWAY_BINARY) + " tiny-model '" + folder.string() +
                                "' --arch llama --preset smol135 --dtype bf16";
    std::fprintf(stderr, "writing %s\n", folder.c_str());
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  package = ModelPackage::load(folder);
  return package;
}

void decode_streams(benchmark::State& state, int threads, int streams) {
  constexpr int64_t kNewTokens = 32;
  const auto package = smol_package();
  ComputePool pool(threads);
  SchedulerConfig config;
  config.max_num_seqs = streams;
  config.kv_cache_bytes = int64_t{256} << 20;
  Scheduler scheduler(package, pool, config);
  const int64_t vocab = package->model().config().vocab_size;
  std::mutex mu;
  std::condition_variable cv;
  int64_t tokens = 0;
  int finished = 0;
  for (auto _ : state) {
    finished = 0;
    for (int s = 0; s < streams; ++s) {
      SequenceRequest request;
      for (int i = 0; i < 8; ++i)
        request.prompt.push_back(static_cast<int32_t>((s * 131 + i * 7919 + 13) % vocab));
      request.params.temperature = 0;
      request.params.max_tokens = kNewTokens;
      request.params.ignore_eos = true;
      scheduler.submit(std::move(request), [&](SequenceOutput&& out) {
        std::lock_guard lock(mu);
        tokens += static_cast<int64_t>(out.tokens.size());
        if (out.finished) ++finished;
        cv.notify_all();
      });
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return finished == streams; });
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
