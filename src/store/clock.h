#pragma once
// Wall-clock time as modules record it (milliseconds since the Unix epoch), injectable so
// tests control timestamps and windows.
#include <chrono>
#include <cstdint>
#include <functional>

namespace slipway::store {

using WallClock = std::function<int64_t()>;  // ms since epoch

inline int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace slipway::store
