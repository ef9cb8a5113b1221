#include "http/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace slipway::http {

spdlog::logger& http_log() {
  // Not registered globally, so several servers (tests) or an app logger named alike never
  // clash.
  static auto logger = std::make_shared<spdlog::logger>(
      "http", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  return *logger;
}

}  // namespace slipway::http
