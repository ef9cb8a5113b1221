#include "app/serve/memory_budget.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/kv_cache.h"

namespace slipway::app {
namespace {

// Must match engine/scheduler.cpp (the defaults of SchedulerConfig::kv_cache_bytes == 0).
constexpr int64_t kDefaultTokensPerSequence = 2048;
constexpr int64_t kMaxDefaultCacheBytes = int64_t{2} << 30;
constexpr int64_t kFallbackMemoryBytes = int64_t{10} << 30;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string mib(int64_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return text;
}

}  // namespace

std::optional<int64_t> parse_mem_total_bytes(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemTotal:", 0) != 0) continue;
    std::istringstream fields(line.substr(9));
    int64_t value = 0;
    std::string unit;
    if (!(fields >> value) || value <= 0) return std::nullopt;
    fields >> unit;
    if (unit.empty() || unit == "B") return value;
    if (unit == "kB" || unit == "KB" || unit == "kiB") return value * 1024;
    return std::nullopt;
  }
  return std::nullopt;
}

int64_t default_memory_budget_bytes() {
  std::ifstream in("/proc/meminfo");
  std::stringstream text;
  text << in.rdbuf();
  const int64_t total = parse_mem_total_bytes(text.str()).value_or(kFallbackMemoryBytes);
  return total / 5 * 4;
}

int64_t memory_budget_bytes(double memory_budget_mb) {
  if (memory_budget_mb > 0)
    return static_cast<int64_t>(memory_budget_mb * static_cast<double>(kMiB));
  return default_memory_budget_bytes();
}

int64_t kv_cache_bytes(const engine::ModelConfig& model, const EngineSettings& engine) {
  const auto per_block =
      static_cast<int64_t>(engine::KvCache::bytes_per_block(model, engine.block_size));
  if (per_block <= 0) return 0;
  int64_t bytes = static_cast<int64_t>(engine.kv_cache_mb * static_cast<double>(kMiB));
  if (bytes == 0) {
    const int64_t tokens = std::min(kDefaultTokensPerSequence, model.max_position_embeddings);
    const int64_t blocks = (tokens + engine.block_size - 1) / engine.block_size;
    bytes = std::min(kMaxDefaultCacheBytes, engine.max_num_seqs * blocks * per_block);
  }
  return bytes / per_block * per_block;
}

int64_t weights_bytes(const std::vector<registry::Artifact>& artifacts) {
  int64_t total = 0;
  for (const auto& artifact : artifacts)
    if (ends_with(artifact.path, ".safetensors")) total += artifact.size;
  return total;
}

int64_t memory_used(const std::vector<MemoryUse>& served) {
  std::set<std::string> counted;
  int64_t used = 0;
  for (const auto& use : served) {
    used += use.own_bytes;
    if (use.base_key.empty() || counted.insert(use.base_key).second) used += use.base_bytes;
  }
  return used;
}

int64_t memory_needed(const std::vector<MemoryUse>& served, const MemoryUse& candidate) {
  const bool base_loaded = !candidate.base_key.empty() &&
                           std::any_of(served.begin(), served.end(), [&](const MemoryUse& use) {
                             return use.base_key == candidate.base_key;
                           });
  return candidate.own_bytes + (base_loaded ? 0 : candidate.base_bytes);
}

std::optional<std::string> admission_refusal(int64_t used, int64_t estimate, int64_t budget) {
  if (used + estimate <= budget) return std::nullopt;
  return "loading it needs about " + mib(estimate) + " (weights, KV cache, adapter) but " +
         mib(used) + " of the " + mib(budget) +
         " memory budget are in use (raise --memory-budget-mb or " +
         "server.memory_budget_mb, or unload a model with DELETE /admin/v1/served/NAME)";
}

}  // namespace slipway::app
