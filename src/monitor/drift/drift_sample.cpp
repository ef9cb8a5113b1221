#include "monitor/drift/drift_sample.h"

#include <algorithm>
#include <string>
#include <vector>

namespace slipway::monitor {
namespace {

template <typename Counts>
void add_counts(Counts& into, const Counts& from) {
  for (const auto& [key, count] : from) into[key] += count;
}

void keep_largest(LabelCounts& counts, std::size_t keep) {
  if (counts.size() <= keep) return;
  std::vector<std::pair<std::string, int64_t>> ranked(counts.begin(), counts.end());
  std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
                   [](const auto& a, const auto& b) {
                     return a.second != b.second ? a.second > b.second : a.first < b.first;
                   });
  ranked.resize(keep);
  counts = LabelCounts(ranked.begin(), ranked.end());
}

nlohmann::json lengths_to_json(const ValueCounts& lengths) {
  auto out = nlohmann::json::object();
  for (const auto& [length, count] : lengths) out[std::to_string(length)] = count;
  return out;
}

}  // namespace

void DriftSample::add(const DriftSample& other) {
  answers += other.answers;
  refusals += other.refusals;
  uncertain += other.uncertain;
  add_counts(lengths, other.lengths);
  add_counts(finish_reasons, other.finish_reasons);
  add_counts(prompt_terms, other.prompt_terms);
  add_counts(response_terms, other.response_terms);
}

void DriftSample::trim_terms(std::size_t keep) {
  keep_largest(prompt_terms, keep);
  keep_largest(response_terms, keep);
}

nlohmann::json DriftSample::to_json() const {
  return {{"answers", answers},
          {"refusals", refusals},
          {"uncertain", uncertain},
          {"lengths", lengths_to_json(lengths)},
          {"finish_reasons", finish_reasons},
          {"prompt_terms", prompt_terms},
          {"response_terms", response_terms}};
}

}  // namespace slipway::monitor
