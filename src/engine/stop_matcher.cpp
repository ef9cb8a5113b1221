#include "engine/stop_matcher.h"

#include <algorithm>

namespace slipway::engine {

StopMatcher::StopMatcher(std::vector<std::string> stops) {
  for (auto& stop : stops) {
    if (stop.empty()) continue;  // an empty stop string would end every generation at once
    longest_ = std::max(longest_, stop.size());
    stops_.push_back(std::move(stop));
  }
}

std::string StopMatcher::push(std::string_view text) {
  if (stopped_) return {};
  if (stops_.empty()) return std::string(text);
  pending_.append(text);

  std::size_t first = std::string::npos;
  for (const auto& stop : stops_) first = std::min(first, pending_.find(stop));
  if (first != std::string::npos) {
    stopped_ = true;
    std::string released = pending_.substr(0, first);
    pending_.clear();
    return released;
  }
  // Hold back the longest tail that is a proper prefix of some stop string.
  std::size_t hold = 0;
  const std::size_t max_tail = std::min(pending_.size(), longest_ - 1);
  for (std::size_t tail = max_tail; tail > 0 && hold == 0; --tail) {
    std::string_view suffix(pending_.data() + pending_.size() - tail, tail);
    for (const auto& stop : stops_) {
      if (stop.size() > tail && std::string_view(stop).substr(0, tail) == suffix) {
        hold = tail;
        break;
      }
    }
  }
  std::string released = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  return released;
}

std::string StopMatcher::flush() {
  std::string rest = std::move(pending_);
  pending_.clear();
  return stopped_ ? std::string() : rest;
}

}  // namespace slipway::engine
