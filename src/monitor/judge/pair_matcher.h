#pragma once
// Shadow pairs come in two halves, in either order: the primary answer and its
// shadow copy (a primary may have several shadows). The matcher holds each half
// until its other half arrives, for at most `wait_ms` and at most `max_pending`
// halves.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "monitor/observed_answer.h"

namespace slipway::monitor {

struct AnswerPair {
  ObservedAnswer primary, shadow;
};

class PairMatcher {
 public:
  PairMatcher(int64_t wait_ms, std::size_t max_pending);

  // A primary (empty primary_id) or a shadow copy (primary_id set) arriving at
  // `now_ms`: returns the pairs it completes. A primary stays held for more
  // shadows; a shadow is held only until its primary comes.
  std::vector<AnswerPair> add(const ObservedAnswer& answer, int64_t now_ms);

  // Shadow halves that left unmatched (waited too long or pushed out).
  // Primaries leaving unmatched are not counted: most routes have no shadow,
  // and a shadow that then misses its primary is counted when it leaves.
  uint64_t dropped() const { return dropped_; }
  std::size_t pending() const { return halves_.size(); }

 private:
  struct Half {
    ObservedAnswer answer;
    int64_t held_ms = 0;
  };
  void expire(int64_t now_ms);
  void hold(const ObservedAnswer& answer, int64_t now_ms);
  void remove(uint64_t order);

  int64_t wait_ms_;
  std::size_t max_pending_;
  std::map<uint64_t, Half> halves_;               // by arrival, oldest first
  std::map<std::string, uint64_t> primaries_;     // primary id -> arrival
  std::multimap<std::string, uint64_t> shadows_;  // their primary's id -> arrival
  uint64_t next_order_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace slipway::monitor
