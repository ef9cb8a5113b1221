#include "app/loadgen/arrival_schedule.h"

#include <cmath>
#include <random>

namespace slipway::app::loadgen {

std::vector<double> poisson_arrivals(int count, double rate_per_second, uint64_t seed) {
  std::vector<double> times(count > 0 ? static_cast<std::size_t>(count) : 0, 0.0);
  if (!std::isfinite(rate_per_second) || rate_per_second <= 0) return times;
  // Our own uniform-to-exponential step: std's distributions differ between libraries, and a
  // seed should mean the same schedule everywhere.
  std::mt19937_64 rng(seed);
  double t = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    t += -std::log1p(-u) / rate_per_second;
    times[i] = t;
  }
  return times;
}

}  // namespace slipway::app::loadgen
