#pragma once
// The monitoring part as `slipway serve` wires it: the monitor service (drift, judge,
// evaluator, alerts) over the store; the judge's model resolved like a client's "model" (a
// route, a served model, a registered version) or a private upstream; alert actions applied to
// routes through the traffic part; decisive shadow-pair verdicts kept as feedback judgments.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "app/serve/serve_config.h"
#include "backends/backend_set.h"
#include "monitor/monitor_service.h"
#include "traffic/traffic_service.h"

namespace slipway::app {

// monitor::AlertActions over a TrafficService bound after both exist (the traffic part is
// built after the monitor, whose shadow answers it feeds).
class RouteAlertActions : public monitor::AlertActions {
 public:
  void bind(std::shared_ptr<traffic::TrafficService> service);
  std::string pause_rollout(const std::string& route, const std::string& version,
                            const std::string& reason) override;
  std::string roll_back(const std::string& route, const std::string& version,
                        const std::string& reason) override;
  std::shared_ptr<traffic::TrafficService> service() const;  // null until bound

 private:
  mutable std::mutex mutex_;
  std::weak_ptr<traffic::TrafficService> service_;
};

struct ServedMonitoring {
  // Null service when monitoring is disabled. Throws ConfigError for unreadable template or
  // phrase files.
  ServedMonitoring(store::Store& store, const MonitorSettings& settings,
                   std::shared_ptr<backends::BackendSet> backends, boost::asio::io_context& io);
  // Routes for the judge's model and the alert actions; then the evaluator starts.
  void start(std::shared_ptr<traffic::TrafficService> traffic);

  std::shared_ptr<RouteAlertActions> actions = std::make_shared<RouteAlertActions>();
  std::shared_ptr<monitor::MonitorService> service;

 private:
  std::shared_ptr<backends::Backend> judge_upstream_;
};

// One line for the start-up log.
std::string describe_monitoring(const MonitorSettings& settings);

}  // namespace slipway::app
