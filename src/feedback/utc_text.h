#pragma once
// UTC times as the feedback part shows them (ISO-8601) and names exports with (compact form).
// Internal to the reading side (exports, rates, the response view).
#include <cstdint>
#include <string>

namespace slipway::feedback {

// 2026-12-01T10:00:00Z, with ".123" before the Z when the milliseconds are not zero.
std::string iso_utc(int64_t ms_since_epoch);
// 20261201T100000Z (to the second), for export ids.
std::string compact_utc(int64_t ms_since_epoch);

}  // namespace slipway::feedback
