#pragma once
// Internal: the response log's counters as Prometheus exposition text.
#include <string>

#include "feedback/feedback_log.h"

namespace slipway::feedback {

std::string log_metrics_text(const LogCounters& counters);

}  // namespace slipway::feedback
