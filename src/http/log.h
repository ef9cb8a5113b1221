#pragma once
// The server's logger. It writes to stderr: stdout may carry a command's own output, and
// tests and supervisors read the "listening on" line and warnings from stderr.
#include <spdlog/logger.h>

namespace slipway::http {

spdlog::logger& http_log();

}  // namespace slipway::http
