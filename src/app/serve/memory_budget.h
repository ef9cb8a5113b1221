#pragma once
// Admission of models against the server's memory budget: what a version will take once
// loaded (its memory-mapped weights, counted as resident, plus its KV cache) and whether that
// still fits next to what is already loaded.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/serve/serve_config.h"
#include "engine/format/model_config.h"
#include "registry/records.h"

namespace slipway::app {

constexpr int64_t kMiB = int64_t{1} << 20;

// MemTotal of /proc/meminfo text in bytes; nullopt when absent or malformed.
std::optional<int64_t> parse_mem_total_bytes(const std::string& meminfo);
// The budget when none is configured: 80% of MemTotal (8 GiB when /proc/meminfo is unreadable).
int64_t default_memory_budget_bytes();
// The configured budget in bytes (memory_budget_mb > 0), else the default.
int64_t memory_budget_bytes(double memory_budget_mb);

// Bytes the scheduler allocates for the KV cache of this model with these settings: the same
// arithmetic as engine::Scheduler (kv_cache_mb, or 0: max_num_seqs sequences of 2,048 tokens
// capped by the context, at most 2 GiB), rounded down to whole blocks.
int64_t kv_cache_bytes(const engine::ModelConfig& model, const EngineSettings& engine);
// Sum of the sizes of the *.safetensors artifacts (the weights, memory-mapped).
int64_t weights_bytes(const std::vector<registry::Artifact>& artifacts);

// What a served model takes: its base engine (weights + KV cache, shared by the model served
// by name and every adapter on the same folder, so counted once) and its own bytes (a LoRA
// adapter's tensors plus kAdapterOverheadBytes; 0 for the base itself). Upstreams take nothing.
struct MemoryUse {
  std::string base_key;    // base_engine_key of the engine's folder; empty: no engine
  int64_t base_bytes = 0;  // weights + KV cache of that engine
  int64_t own_bytes = 0;
};
// Memory of one adapter beyond its mapped tensors (module table, backend, entry, first-use
// allocations): about 330 KiB measured on a 30-layer model (docs/benchmarks.md), rounded up.
constexpr int64_t kAdapterOverheadBytes = int64_t{512} << 10;

// Sum of the distinct base engines (once per key) plus every model's own bytes.
int64_t memory_used(const std::vector<MemoryUse>& served);
// What loading `candidate` adds to memory_used(served): its own bytes, plus its base engine
// unless an entry of `served` already has it loaded.
int64_t memory_needed(const std::vector<MemoryUse>& served, const MemoryUse& candidate);

// Empty when used + estimate fits the budget; otherwise the refusal message giving the three
// numbers in MiB.
std::optional<std::string> admission_refusal(int64_t used, int64_t estimate, int64_t budget);

}  // namespace slipway::app
