#pragma once
// Reading the traffic service's JSON for people: fields that may be absent or null come out as
// "-" rather than throwing, so a newer server's answer still prints.
#include <optional>
#include <string>

#include "app/traffic/traffic_client.h"

namespace slipway::app::traffic {

// A string field as is, a number or boolean as compact JSON, absent/null/"" as `none`.
std::string field_text(const Json& object, const std::string& key, const std::string& none = "-");
std::optional<double> field_number(const Json& object, const std::string& key);
// A time kept as `<key>_ms` (ms since the epoch) or as `<key>` (text or ms): ISO-8601 UTC.
std::string field_time(const Json& object, const std::string& key);
// A list of strings as "a, b", "-" when empty or absent.
std::string field_list(const Json& object, const std::string& key);
// The rows of a {"data": [...]} answer, or of a bare array.
const Json& list_rows(const Json& answer);
// "1h 5m", "12m 3s", "40s" for a span of milliseconds.
std::string format_span(int64_t ms);

}  // namespace slipway::app::traffic
