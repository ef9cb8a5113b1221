#pragma once
// How one step's prompt-token budget is split among sequences still prefilling. Higher
// priority first (background prompts never take budget a user prompt could use); within a
// priority, shortest remaining first, so a short prompt is not stuck behind a long one; a sequence
// that got nothing for kMaxStarvedSteps steps goes first, so a long prompt always progresses. A
// step that completes a prompt carries no partial chunk of another (except a starved one), so the
// completed prompt's first token comes after a short step.
#include <cstdint>
#include <vector>

namespace slipway::engine::scheduling {

inline constexpr int64_t kMaxStarvedSteps = 4;

struct PrefillCandidate {
  int64_t remaining = 0;      // positions left to compute (> 0)
  int64_t starved_steps = 0;  // consecutive steps without a chunk
  uint64_t order = 0;         // admission order, for ties
  int priority = 0;           // engine::Priority as a number: lower goes first
};

// Chunk size per candidate (same indices), summing to at most budget.
std::vector<int64_t> plan_prefill(const std::vector<PrefillCandidate>& candidates, int64_t budget);

}  // namespace slipway::engine::scheduling
