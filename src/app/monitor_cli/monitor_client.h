#pragma once
// What `slipway alerts|quality|drift|monitor` ask of the monitor, written once for both places
// it can live: a data folder or store opened directly (the monitor's store functions with
// default settings; no evaluator and no webhooks) or a running server's admin API
// (/admin/v1/alerts, /quality, /drift, /monitor: docs/admin-api.md). Both answer the admin
// API's JSON, so both print alike. Errors are exceptions with messages meant for the user.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/client_flags.h"

namespace slipway::app::monitor_cli {

using Json = nlohmann::ordered_json;

// The admin API's bounds, so both modes refuse the same numbers.
constexpr int64_t kMaxAlerts = 1000;
constexpr int kMaxHistory = 500;

struct AlertQuery {
  std::string state;  // "" all, "active", "resolved"
  std::string route, version, rule, kind;
  int64_t limit = 100;
};

struct QualityQuery {
  std::string route;
  std::string version;  // "" every version judged within the lookback
  int history = 24;     // trend points beyond the alert's own windows
};

struct DriftQuery {
  std::string route;
  std::string version, arm;  // "" all
  int windows = 1;           // the newest first
};

class MonitorClient {
 public:
  virtual ~MonitorClient() = default;

  virtual Json list_alerts(const AlertQuery& query) = 0;
  virtual Json show_alert(const std::string& id) = 0;
  // The resolved alert. Throws when it is unknown or not active.
  virtual Json resolve_alert(const std::string& id, const std::string& reason) = 0;
  virtual Json quality(const QualityQuery& query) = 0;
  virtual Json drift(const DriftQuery& query) = 0;
  // The evaluator lives in a server's memory: direct clients throw, saying so.
  virtual Json status() = 0;
  virtual Json evaluate() = 0;
  // True when this process reads the store itself: default settings, no webhooks posted.
  virtual bool direct() const = 0;
  // Whose quality and drift settings apply, for people: "the server's settings", or the
  // defaults spelled out.
  virtual std::string quality_settings() const = 0;
  virtual std::string drift_settings() const = 0;
};

std::unique_ptr<MonitorClient> make_direct_monitor_client(const DataLocation& location);
std::unique_ptr<MonitorClient> make_remote_monitor_client(const std::string& server_url,
                                                          const std::string& api_key);
// Throws the error `slipway monitor COMMAND` gives without --server.
[[noreturn]] void throw_needs_server(const std::string& command);

// Remote when --server is given (then --data/--store may not be), else direct.
std::unique_ptr<MonitorClient> make_monitor_client(const ClientOptions& options);

}  // namespace slipway::app::monitor_cli
