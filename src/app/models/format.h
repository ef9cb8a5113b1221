#pragma once
// Small text forms shared by the `slipway models` renderings.
#include <cstdint>
#include <string>

#include "registry/records.h"

namespace slipway::app::models {

// 612 B, 3.4 KiB, 12.0 MiB, 1.2 GiB.
std::string format_bytes(int64_t bytes);
// UTC ISO-8601 to the second: 2026-11-29T10:04:05Z.
std::string format_time(int64_t ms_since_epoch);
// A JSON value for people: null as "(none)", strings without quotes (empty as ""), the rest as
// compact JSON.
std::string format_value(const registry::Json& value);
// "embedded /models/x", "lora /adapters/y (base demo/1)", "upstream http://gpu:8000/v1 (model m,
// key from $VAR)".
std::string describe_source(const registry::Source& source);
// The first 12 hex digits of a hash.
std::string short_hash(const std::string& sha256);
// Sum of artifact sizes.
int64_t total_size(const registry::Version& version);

}  // namespace slipway::app::models
