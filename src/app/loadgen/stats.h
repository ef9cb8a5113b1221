#pragma once
// Summaries of latency samples: mean and percentiles with linear interpolation between the
// closest ranks (numpy's default, which vLLM's benchmark reports), so numbers compare.
#include <cstddef>
#include <vector>

namespace slipway::app::loadgen {

// p in [0, 100]; 0 for no values.
double percentile(std::vector<double> values, double p);

struct Summary {
  std::size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
};

Summary summarize(const std::vector<double>& values);

}  // namespace slipway::app::loadgen
