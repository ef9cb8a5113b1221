// Aggregate decode tokens/s of the scheduler with LoRA adapters on a random BF16 model shaped
// like SmolLM2-135M (bench_models.h, as bench/scheduler_batching.cpp): 16 greedy streams on the
// bare base, over 4 random adapters (4 streams each) of rank 16 on q,k,v,o in BF16 and of rank 16
// on all 7 modules in F32, and 1 stream with and without an adapter. Adapters are built in
// memory, so an adapter's resident bytes are its tensors' bytes. Prints the medians and the
// ratios to the bare base at the end.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_models.h"
#include "engine/format/safetensors_writer.h"
#include "engine/lora/lora_adapter.h"
#include "engine/lora/lora_fit.h"
#include "engine/scheduler.h"

namespace {

using namespace slipway::engine;

constexpr int64_t kNewTokens = 128;
constexpr int kAdapters = 4;
constexpr int64_t kRank = 16;

enum class Kind { Base, AttentionBf16, AllF32 };

// A random adapter of rank 16 held in vectors (its resident bytes are the vectors' bytes).
std::shared_ptr<const LoraAdapter> random_adapter(const ModelConfig& config, Kind kind,
                                                  uint64_t seed) {
  const bool all = kind == Kind::AllF32;
  const DType dtype = all ? DType::F32 : DType::BF16;
  const std::vector<LoraTarget> targets =
      all ? std::vector<LoraTarget>{LoraTarget::Q,   LoraTarget::K,    LoraTarget::V,
                                    LoraTarget::O,   LoraTarget::Gate, LoraTarget::Up,
                                    LoraTarget::Down}
          : std::vector<LoraTarget>{LoraTarget::Q, LoraTarget::K, LoraTarget::V, LoraTarget::O};
  auto storage = std::make_shared<std::vector<OwnedTensor>>();
  std::vector<LoraLayer> layers(static_cast<std::size_t>(config.num_hidden_layers));
  std::mt19937_64 rng(seed);
  int64_t resident = 0;
  auto matrix = [&](int64_t rows, int64_t cols, double spread) {
    std::uniform_real_distribution<double> dist(-spread, spread);
    std::vector<float> values(static_cast<std::size_t>(rows * cols));
    for (float& v : values) v = static_cast<float>(dist(rng));
    storage->push_back(make_tensor(dtype, {rows, cols}, values));
    resident += static_cast<int64_t>(storage->back().bytes.size());
    return kernels::WeightMatrix{dtype, storage->back().bytes.data(), rows, cols};
  };
  storage->reserve(layers.size() * targets.size() * 2);
  for (auto& layer : layers) {
    for (LoraTarget target : targets) {
      const LoraShape shape = lora_target_shape(config, target);
      LoraModule& module = layer[target];
      module.a = matrix(kRank, shape.in, 1.0 / std::sqrt(static_cast<double>(shape.in)));
      module.b = matrix(shape.out, kRank, 1.0 / std::sqrt(static_cast<double>(kRank)));
      module.scale = 2.0f;  // lora_alpha 32 over rank 16
    }
  }
  return std::make_shared<LoraAdapter>("bench", std::filesystem::path(), std::move(layers),
                                       std::move(storage), resident);
}

// The sum of an adapter's tensor sizes (rows x cols x element size of every A and B).
int64_t tensor_bytes(const LoraAdapter& adapter) {
  int64_t bytes = 0;
  for (const auto& layer : adapter.layers())
    for (const auto& module : layer.modules)
      if (module.present())
        for (const auto* m : {&module.a, &module.b})
          bytes += m->rows * m->cols * static_cast<int64_t>(dtype_size(m->dtype));
  return bytes;
}

// Tokens/s of every run per benchmark name, for the summary.
std::map<std::string, std::vector<double>>& results() {
  static std::map<std::string, std::vector<double>> r;
  return r;
}

void decode_streams(benchmark::State& state, const char* label, Kind kind, int streams) {
  const auto package = slipway::bench::smol135_package();
  const ModelConfig& model = package->model().config();
  std::vector<std::shared_ptr<const LoraAdapter>> adapters;
  if (kind != Kind::Base)
    for (int a = 0; a < std::min(kAdapters, streams); ++a)
      adapters.push_back(random_adapter(model, kind, 100 + static_cast<uint64_t>(a)));
  ComputePool pool(2);
  SchedulerConfig config;
  config.max_num_seqs = streams;
  config.kv_cache_bytes = int64_t{256} << 20;
  config.prefix_caching = false;
  Scheduler scheduler(package, pool, config);
  const int64_t vocab = model.vocab_size;
  int64_t tokens = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<SequenceRequest> requests;
    for (int s = 0; s < streams; ++s) {
      requests.push_back(slipway::bench::greedy_stream(s, vocab, kNewTokens));
      if (!adapters.empty())
        requests.back().adapter = adapters[static_cast<std::size_t>(s) % adapters.size()];
    }
    const int64_t made = slipway::bench::run_to_completion(scheduler, std::move(requests));
    const double run =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    tokens += made;
    seconds += run;
    results()[label].push_back(static_cast<double>(made) / run);
  }
  state.SetItemsProcessed(tokens);
  state.counters["tok/s"] = static_cast<double>(tokens) / seconds;
  if (kind != Kind::Base) {
    state.counters["adapters"] = static_cast<double>(adapters.size());
    // Per adapter (all of a case have the same shapes).
    state.counters["resident_bytes"] = static_cast<double>(adapters[0]->resident_bytes());
    state.counters["tensor_bytes"] = static_cast<double>(tensor_bytes(*adapters[0]));
  }
}

BENCHMARK_CAPTURE(decode_streams, base_16streams, "base_16streams", Kind::Base, 16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_streams, lora_qkvo_bf16_4x4streams, "lora_qkvo_bf16_4x4streams",
                  Kind::AttentionBf16, 16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_streams, lora_all7_f32_4x4streams, "lora_all7_f32_4x4streams",
                  Kind::AllF32, 16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_streams, base_1stream, "base_1stream", Kind::Base, 1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(decode_streams, lora_qkvo_bf16_1stream, "lora_qkvo_bf16_1stream",
                  Kind::AttentionBf16, 1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Medians over every run of each case (repetitions included) and their ratio to the base.
void print_summary() {
  auto find = [](const std::string& name) -> const std::vector<double>* {
    auto it = results().find(name);
    return it == results().end() ? nullptr : &it->second;
  };
  std::printf(
      "\nsummary (median tok/s over runs, ratio to the bare base of the same stream count)\n");
  for (const auto& [base_name, cases] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"base_16streams", {"lora_qkvo_bf16_4x4streams", "lora_all7_f32_4x4streams"}},
           {"base_1stream", {"lora_qkvo_bf16_1stream"}}}) {
    const auto* base = find(base_name);
    if (base == nullptr) continue;
    const double b = median(*base);
    std::printf("  %-45s %8.1f tok/s (%zu runs)\n", base_name.c_str(), b, base->size());
    for (const auto& name : cases) {
      const auto* values = find(name);
      if (values == nullptr) continue;
      const double v = median(*values);
      std::printf("  %-45s %8.1f tok/s (%zu runs)  ratio %.3f\n", name.c_str(), v, values->size(),
                  v / b);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_summary();
  return 0;
}
