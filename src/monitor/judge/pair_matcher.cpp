// Matching the halves of shadow pairs.
#include "monitor/judge/pair_matcher.h"

namespace slipway::monitor {

PairMatcher::PairMatcher(int64_t wait_ms, std::size_t max_pending)
    : wait_ms_(wait_ms), max_pending_(max_pending) {}

std::vector<AnswerPair> PairMatcher::add(const ObservedAnswer& answer, int64_t now_ms) {
  expire(now_ms);
  std::vector<AnswerPair> pairs;
  if (answer.primary_id.empty()) {
    if (auto held = primaries_.find(answer.id); held != primaries_.end()) remove(held->second);
    auto [first, last] = shadows_.equal_range(answer.id);
    std::vector<uint64_t> matched;
    for (auto it = first; it != last; ++it) matched.push_back(it->second);
    for (uint64_t order : matched) {
      pairs.push_back({answer, halves_.at(order).answer});
      remove(order);
    }
    hold(answer, now_ms);
  } else if (auto primary = primaries_.find(answer.primary_id); primary != primaries_.end()) {
    pairs.push_back({halves_.at(primary->second).answer, answer});
  } else {
    hold(answer, now_ms);
  }
  return pairs;
}

void PairMatcher::expire(int64_t now_ms) {
  while (!halves_.empty() && now_ms - halves_.begin()->second.held_ms > wait_ms_) {
    if (!halves_.begin()->second.answer.primary_id.empty()) ++dropped_;
    remove(halves_.begin()->first);
  }
}

void PairMatcher::hold(const ObservedAnswer& answer, int64_t now_ms) {
  const uint64_t order = next_order_++;
  halves_.emplace(order, Half{answer, now_ms});
  if (answer.primary_id.empty()) {
    primaries_[answer.id] = order;
  } else {
    shadows_.emplace(answer.primary_id, order);
  }
  while (halves_.size() > max_pending_) {
    if (!halves_.begin()->second.answer.primary_id.empty()) ++dropped_;
    remove(halves_.begin()->first);
  }
}

void PairMatcher::remove(uint64_t order) {
  auto it = halves_.find(order);
  if (it == halves_.end()) return;
  const ObservedAnswer& answer = it->second.answer;
  if (answer.primary_id.empty()) {
    primaries_.erase(answer.id);
  } else {
    auto [first, last] = shadows_.equal_range(answer.primary_id);
    for (auto shadow = first; shadow != last; ++shadow) {
      if (shadow->second == order) {
        shadows_.erase(shadow);
        break;
      }
    }
  }
  halves_.erase(it);
}

}  // namespace slipway::monitor
