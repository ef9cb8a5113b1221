// Single-stream prompt (128 tokens) and decode tokens/s, plus batched decode, on random BF16
// models shaped like SmolLM2-135M and Llama-3.2-1B, with 1 and 2 threads.
//
// Models come from SLIPWAY_BENCH_SMOL135 / SLIPWAY_BENCH_LLAMA1B (any model folder), else
// are written once by `slipway tiny-model --preset P --dtype bf16` into
// $SLIPWAY_BENCH_MODELS (default /tmp/slipway-bench-models).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/forward_pass.h"

namespace {

using namespace slipway::engine;

std::filesystem::path model_folder(const std::string& preset) {
  const std::string env = preset == "smol135" ? "SLIPWAY_BENCH_SMOL135" : "SLIPWAY_BENCH_LLAMA1B";
  if (const char* given = std::getenv(env.c_str())) return given;
  const char* cache = std::getenv("SLIPWAY_BENCH_MODELS");
  const std::filesystem::path folder =
      std::filesystem::path(cache ? cache : "/tmp/slipway-bench-models") / (preset + "-bf16");
  if (!std::filesystem::exists(folder / "config.json")) {
    const std::string command = std::string(SLIPWAY_BINARY) + " tiny-model '" + folder.string() +
                                "' --arch llama --preset " + preset + " --dtype bf16";
    std::fprintf(stderr, "writing %s\n", folder.c_str());
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  }
  return folder;
}

std::shared_ptr<const Model> model(const std::string& preset) {
  static std::map<std::string, std::shared_ptr<const Model>> loaded;
  auto& m = loaded[preset];
  if (!m) m = Model::load(model_folder(preset));
  return m;
}

std::vector<int32_t> tokens(int64_t n, int64_t vocab) {
  std::vector<int32_t> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<int32_t>((i * 7919 + 13) % vocab));
  return out;
}

void prefill(benchmark::State& state, const std::string& preset, int threads) {
  const auto m = model(preset);
  KvCache cache(m->config(), 16, 16);
  ComputePool pool(threads);
  ForwardPass pass(m, cache, pool);
  const auto prompt = tokens(128, m->config().vocab_size);
  std::vector<std::vector<float>> logits;
  for (auto _ : state) {
    SequenceKv kv;
    cache.reserve(kv, 128);
    std::vector<ForwardRequest> batch{{&kv, prompt, false}};
    pass.run(batch, logits);
    cache.release(kv);
  }
  state.counters["tok/s"] = benchmark::Counter(128.0 * static_cast<double>(state.iterations()),
                                               benchmark::Counter::kIsRate);
}

// `streams` sequences with 32-token prompts decode together, one token each per step.
void decode(benchmark::State& state, const std::string& preset, int threads, int streams) {
  const auto m = model(preset);
  KvCache cache(m->config(), 16, 64 * streams);
  ComputePool pool(threads);
  ForwardPass pass(m, cache, pool);
  std::vector<SequenceKv> kvs(static_cast<std::size_t>(streams));
  std::vector<std::vector<int32_t>> next(static_cast<std::size_t>(streams), {1});
  std::vector<std::vector<float>> logits;
  auto restart = [&] {
    std::vector<ForwardRequest> batch;
    const auto prompt = tokens(32, m->config().vocab_size);
    for (auto& kv : kvs) {
      cache.release(kv);
      cache.reserve(kv, 1024);
      batch.push_back({&kv, prompt, false});
    }
    pass.run(batch, logits);
  };
  restart();
  for (auto _ : state) {
    if (kvs[0].num_tokens >= 1000) {
      state.PauseTiming();
      restart();
      state.ResumeTiming();
    }
    std::vector<ForwardRequest> batch;
    for (std::size_t i = 0; i < kvs.size(); ++i) batch.push_back({&kvs[i], next[i], false});
    pass.run(batch, logits);
  }
  state.counters["tok/s"] =
      benchmark::Counter(static_cast<double>(streams) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (const std::string preset : {"smol135", "llama1b"}) {
    const bool big = preset == "llama1b";
    for (int threads : {1, 2}) {
      const std::string suffix = preset + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(("prefill128/" + suffix).c_str(), prefill, preset, threads)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(big ? 2 : 5);
      benchmark::RegisterBenchmark(("decode/" + suffix).c_str(), decode, preset, threads, 1)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(big ? 20 : 100);
    }
    benchmark::RegisterBenchmark(("decode_batch8/" + preset + "/threads:2").c_str(), decode, preset,
                                 2, 8)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(big ? 10 : 40);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
