#pragma once
// Internal: the pause before a transaction runs again after a Conflict.
#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace slipway::store::detail {

// Sleeps 1, 2, 4, ... ms (capped at 100 ms), each scaled by a random factor in [0.5, 1.5) so
// writers that collided do not collide again in lockstep.
inline void backoff_sleep(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const double base = std::min(100.0, static_cast<double>(1 << std::min(attempt, 7)));
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  std::this_thread::sleep_for(
      std::chrono::microseconds(static_cast<int64_t>(base * factor(rng) * 1000)));
}

}  // namespace slipway::store::detail
