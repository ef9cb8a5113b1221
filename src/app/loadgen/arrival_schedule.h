#pragma once
// When each benchmark request is sent: a Poisson process (exponential gaps) at a given rate,
// reproducible from a seed, as vLLM's serving benchmark does.
#include <cstdint>
#include <vector>

namespace slipway::app::loadgen {

// Seconds from the start of the run for `count` requests; the first is sent at 0. A rate of
// infinity (or <= 0 meaning "no pacing") sends them all at 0, limited only by concurrency.
std::vector<double> poisson_arrivals(int count, double rate_per_second, uint64_t seed);

}  // namespace slipway::app::loadgen
