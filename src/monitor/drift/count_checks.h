#pragma once
// Counts come from stored rows; a negative one means a corrupt row, reported rather than
// silently turning a share negative.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace slipway::monitor {

inline int64_t checked_count(int64_t count) {
  if (count < 0) throw std::invalid_argument("negative count " + std::to_string(count));
  return count;
}

}  // namespace slipway::monitor
