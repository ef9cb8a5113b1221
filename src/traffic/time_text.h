#pragma once
// Times and durations as the traffic part shows them. Internal to traffic: the feedback part
// has its own helper, and traffic does not depend on feedback.
#include <cstdint>
#include <string>

namespace slipway::traffic {

// 2026-12-01T10:00:00Z, with ".123" before the Z when the milliseconds are not zero.
std::string iso_utc_text(int64_t ms_since_epoch);
// The exact duration in the largest unit that divides it ("10m", "1d", "1500ms", "0s"), so
// parse_duration_ms reads it back unchanged.
std::string exact_duration_text(int64_t ms);
// `seconds` (finite, >= 0, at most 365 days) in milliseconds; throws TrafficError(Invalid)
// quoting `as_written`.
int64_t seconds_to_duration_ms(double seconds, const std::string& as_written);
// A rounded duration for sentences ("12 min", "3.5 h", "2 d").
std::string rough_duration_text(int64_t ms);

}  // namespace slipway::traffic
