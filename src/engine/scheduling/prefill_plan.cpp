#include "engine/scheduling/prefill_plan.h"

#include <algorithm>
#include <numeric>

namespace slipway::engine::scheduling {

std::vector<int64_t> plan_prefill(const std::vector<PrefillCandidate>& candidates, int64_t budget) {
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = candidates[a];
    const auto& y = candidates[b];
    if (x.priority != y.priority) return x.priority < y.priority;
    const bool x_starved = x.starved_steps >= kMaxStarvedSteps;
    const bool y_starved = y.starved_steps >= kMaxStarvedSteps;
    if (x_starved != y_starved) return x_starved;
    if (!x_starved && x.remaining != y.remaining) return x.remaining < y.remaining;
    return x.order < y.order;
  });
  std::vector<int64_t> chunks(candidates.size(), 0);
  bool completes_a_prompt = false;
  for (std::size_t i : order) {
    if (budget <= 0) break;
    const auto& candidate = candidates[i];
    const int64_t chunk = std::min(candidate.remaining, budget);
    const bool partial = chunk < candidate.remaining;
    // A step that finishes prompts does not also carry part of a longer one: their first
    // tokens would wait for its compute, and the longer prompt loses nothing by going next.
    if (partial && completes_a_prompt && candidate.starved_steps < kMaxStarvedSteps) break;
    chunks[i] = chunk;
    budget -= chunk;
    completes_a_prompt = completes_a_prompt || !partial;
  }
  return chunks;
}

}  // namespace slipway::engine::scheduling
