#include "feedback/preference_pairs.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace slipway::feedback::detail {

namespace {

auto answer_order(const ExportAnswer& a) {
  return std::tie(a.prompt_hash, a.created_ms, a.id, a.choice);
}

bool pair_before(const PreferencePair& a, const PreferencePair& b) {
  return std::tuple_cat(answer_order(*a.chosen), answer_order(*a.rejected)) <
         std::tuple_cat(answer_order(*b.chosen), answer_order(*b.rejected));
}

bool example_before(const LabelledAnswer& a, const LabelledAnswer& b) {
  // Labels break the tie of one answer judged both ways: true first.
  return std::tuple_cat(answer_order(*a.answer), std::make_tuple(!a.label)) <
         std::tuple_cat(answer_order(*b.answer), std::make_tuple(!b.label));
}

bool differs(const ExportAnswer& a, const ExportAnswer& b) {
  return a.message_key != b.message_key;
}

}  // namespace

std::vector<PreferencePair> user_pairs(const std::vector<ExportAnswer>& rated) {
  struct Sides {
    std::vector<const ExportAnswer*> liked, disliked;
  };
  std::map<std::string, Sides> by_prompt;
  for (const auto& answer : rated) {
    if (!answer.usable() || answer.net == 0) continue;
    Sides& sides = by_prompt[answer.prompt_hash];
    (answer.net > 0 ? sides.liked : sides.disliked).push_back(&answer);
  }
  std::vector<PreferencePair> pairs;
  for (const auto& [prompt, sides] : by_prompt) {
    for (const ExportAnswer* chosen : sides.liked) {
      for (const ExportAnswer* rejected : sides.disliked) {
        if (differs(*chosen, *rejected)) pairs.push_back({chosen, rejected});
      }
    }
  }
  std::sort(pairs.begin(), pairs.end(), pair_before);
  return pairs;
}

std::vector<PreferencePair> judge_pairs(const std::vector<JudgedPair>& judged) {
  std::vector<PreferencePair> pairs;
  for (const auto& [chosen, rejected] : judged) {
    if (chosen.usable() && rejected.usable() && differs(chosen, rejected)) {
      pairs.push_back({&chosen, &rejected});
    }
  }
  std::sort(pairs.begin(), pairs.end(), pair_before);
  return pairs;
}

std::vector<LabelledAnswer> user_examples(const std::vector<ExportAnswer>& rated) {
  std::vector<LabelledAnswer> examples;
  for (const auto& answer : rated) {
    if (answer.usable() && answer.net != 0) examples.push_back({&answer, answer.net > 0});
  }
  std::sort(examples.begin(), examples.end(), example_before);
  return examples;
}

std::vector<LabelledAnswer> judge_examples(const std::vector<JudgedPair>& judged) {
  std::vector<LabelledAnswer> examples;
  for (const auto& [chosen, rejected] : judged) {
    if (chosen.usable()) examples.push_back({&chosen, true});
    if (rejected.usable()) examples.push_back({&rejected, false});
  }
  std::sort(examples.begin(), examples.end(), example_before);
  return examples;
}

}  // namespace slipway::feedback::detail
