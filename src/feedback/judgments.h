#pragma once
// A judge's verdict between two answers to the same prompt (shadow comparisons, monitoring
// issue): the preferred answer is "chosen". Kept apart from user ratings and exported with
// source "judge". Recording the same pair again replaces the verdict's detail.
#include <cstdint>
#include <string>

#include "store/store.h"

namespace slipway::feedback {

struct Judgment {
  std::string chosen_id;
  int chosen_choice = 0;
  std::string rejected_id;
  int rejected_choice = 0;
  std::string judge;   // which judge model decided
  std::string detail;  // its reasoning or scores, free text
  int64_t created_ms = 0;
};

// Throws std::invalid_argument when either answer is not in the log or both are the same.
void record_judgment(store::Store& store, const Judgment& judgment);

}  // namespace slipway::feedback
