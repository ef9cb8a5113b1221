#pragma once
// Asks a backend whether it is healthy and answers within `timeout` whatever the backend does:
// a check not answered by then fails, a late answer is ignored. The backend may never call
// back (a stuck engine loop, a hung upstream), so a timer thread enforces the timeout.
#include <chrono>
#include <functional>

#include "backends/backend.h"

namespace slipway::backends {

// done() runs exactly once: on the backend's thread (its answer) or the timer's (none).
void check_health_within(Backend& backend, std::chrono::milliseconds timeout,
                         std::function<void(HealthStatus)> done);

}  // namespace slipway::backends
