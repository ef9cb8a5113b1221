#pragma once
// How a drift slot's count maps sit in their TEXT columns: JSON objects of counts, with the
// lengths' integer keys as decimal strings. Shared by the recorder that writes them and the
// reader that sums them.
#include <string>

#include "monitor/drift/drift_statistics.h"

namespace slipway::monitor {

std::string counts_to_json(const ValueCounts& counts);  // {"12": 3, "40": 1}
std::string counts_to_json(const LabelCounts& counts);  // {"stop": 9, "length": 1}

// Tolerant: text that is not a JSON object reads as no counts, and entries that are not a
// positive integer count (under a decimal key, for values) are left out, so one damaged row
// never fails every later read of its range.
ValueCounts value_counts_from_json(const std::string& text);
LabelCounts label_counts_from_json(const std::string& text);

}  // namespace slipway::monitor
