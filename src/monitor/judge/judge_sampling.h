#pragma once
// Which answers the judge sees: a deterministic share by response id, so every replica (and a
// re-run over the log) picks the same answers, and a sampled answer stays sampled.
#include <string_view>

namespace slipway::monitor {

// True for `rate` (0..1) of ids: the first 8 bytes of SHA-256("slipway-judge\0" + id) as a
// number below rate · 2^64. rate <= 0: never; rate >= 1: always.
bool sampled_for_judge(std::string_view response_id, double rate);

}  // namespace slipway::monitor
