#pragma once
// Which answers become rows, in a deterministic order: preference pairs for DPO and labelled
// answers for KTO, from user ratings or judge verdicts. Internal to dataset_export.
#include <utility>
#include <vector>

#include "feedback/export_rows.h"

namespace slipway::feedback::detail {

struct PreferencePair {
  const ExportAnswer* chosen = nullptr;
  const ExportAnswer* rejected = nullptr;
};

struct LabelledAnswer {
  const ExportAnswer* answer = nullptr;
  bool label = false;
};

// A judge verdict with both answers loaded: first chosen, second rejected.
using JudgedPair = std::pair<ExportAnswer, ExportAnswer>;

// Within each prompt, every liked (net > 0) × disliked (net < 0) usable answer whose outputs
// differ; ordered by prompt, then the chosen answer's time and id, then the rejected one's.
std::vector<PreferencePair> user_pairs(const std::vector<ExportAnswer>& rated);
// Verdicts whose two answers are usable and differ, in the same order.
std::vector<PreferencePair> judge_pairs(const std::vector<JudgedPair>& judged);
// Every usable answer with a net rating: liked true, disliked false; by prompt, time, id.
std::vector<LabelledAnswer> user_examples(const std::vector<ExportAnswer>& rated);
// Each verdict's usable answers: chosen true, rejected false; in the same order.
std::vector<LabelledAnswer> judge_examples(const std::vector<JudgedPair>& judged);

}  // namespace slipway::feedback::detail
