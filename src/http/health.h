#pragma once
// GET /health: "draining" or "loading" without asking anyone; otherwise every backend's
// check_health() runs at once and the server, not the backend, enforces the timeout.
#include <boost/asio/any_io_executor.hpp>

#include "backends/backend.h"
#include "http/coro.h"
#include "http/server_state.h"

namespace slipway::http {

struct HealthReport {
  int status = 200;
  backends::Json body;
};

// Runs on the connection's strand; answers that come after the timeout are ignored.
boost::asio::awaitable<HealthReport> health_report(ServerState& state,
                                                   boost::asio::any_io_executor strand);

}  // namespace slipway::http
