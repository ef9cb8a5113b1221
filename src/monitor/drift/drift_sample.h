#pragma once
// The drift signals of a set of answers (one slot of one replica, or a window summed over
// slots and replicas): how many, their lengths, refusals, hedges, finish reasons and terms.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "monitor/drift/drift_statistics.h"

namespace slipway::monitor {

struct DriftSample {
  int64_t answers = 0;
  int64_t refusals = 0;   // answers matching a refusal phrase
  int64_t uncertain = 0;  // answers matching an uncertainty phrase
  ValueCounts lengths;    // completion tokens -> answers
  LabelCounts finish_reasons;
  LabelCounts prompt_terms;    // term -> answers whose prompt uses it (once per answer)
  LabelCounts response_terms;  // term -> answers whose response uses it

  void add(const DriftSample& other);
  // Keeps each term map's `keep` largest counts (ties by term), so stored rows stay small.
  void trim_terms(std::size_t keep);
  nlohmann::json to_json() const;  // counts as {"answers", "refusals", ..., "lengths": {"12": 3}}
};

}  // namespace slipway::monitor
