// The monitor's tables in a data folder or store opened by this process. It reads them as the
// admin API does, with the monitor's default settings (a server may be configured otherwise),
// and resolves alerts without posting webhooks: those belong to a server.
#include <memory>
#include <set>
#include <stdexcept>

#include "app/data_location.h"
#include "app/monitor_cli/monitor_client.h"
#include "app/monitor_cli/render.h"
#include "monitor/alerts/alert_store.h"
#include "monitor/monitor_evaluator.h"
#include "monitor/monitor_schema.h"
#include "store/clock.h"

namespace slipway::app::monitor_cli {
namespace {

namespace mon = ::slipway::monitor;

Json alerts_json(const std::vector<mon::AlertRecord>& alerts) {
  Json data = Json::array();
  for (const auto& alert : alerts) data.push_back(Json(mon::alert_to_json(alert)));
  return data;
}

// 0.05 -> "5%".
std::string percent_text(double share) {
  return std::to_string(static_cast<int>(share * 100 + 0.5)) + "%";
}

class DirectMonitorClient : public MonitorClient {
 public:
  explicit DirectMonitorClient(const DataLocation& location) : store_(open_store(location)) {
    mon::migrate_monitor(*store_);  // a fresh folder shows nothing rather than failing
  }

  Json list_alerts(const AlertQuery& query) override {
    mon::AlertFilter filter;
    filter.state = query.state;
    filter.route = query.route;
    filter.version = query.version;
    filter.rule = query.rule;
    filter.kind = query.kind;
    filter.limit = query.limit;
    return {{"object", "list"}, {"data", alerts_json(mon::list_alerts(*store_, filter))}};
  }

  Json show_alert(const std::string& id) override {
    const auto alert = mon::get_alert(*store_, id);
    if (!alert) throw std::runtime_error("No alert " + id + ".");
    return Json(mon::alert_to_json(*alert));
  }

  Json resolve_alert(const std::string& id, const std::string& reason) override {
    const std::string resolution =
        "resolved by " + cli_actor() + (reason.empty() ? "" : ": " + reason);
    const auto resolved = mon::resolve_alert_by_id(*store_, id, resolution, store::system_now_ms());
    if (!resolved) {
      if (!mon::get_alert(*store_, id)) throw std::runtime_error("No alert " + id + ".");
      throw std::runtime_error("Alert " + id + " is not active.");
    }
    return Json(mon::alert_to_json(*resolved));
  }

  // As GET /admin/v1/quality: every version judged on the route within the lookback.
  Json quality(const QualityQuery& query) override {
    const int64_t now = store::system_now_ms();
    std::set<std::string> versions;
    if (!query.version.empty()) {
      versions.insert(query.version);
    } else {
      mon::QualityQuery judged;
      judged.route = query.route;
      judged.since_ms = now - defaults_.lookback_ms;
      judged.window_ms = defaults_.lookback_ms;
      for (const auto& window : mon::read_quality_windows(*store_, judged))
        versions.insert(window.version);
    }
    Json data = Json::array();
    for (const std::string& version : versions) {
      data.push_back(Json(mon::quality_trend_to_json(mon::read_quality_trend(
          *store_, query.route, version, defaults_.quality, now, query.history))));
    }
    return {{"object", "list"}, {"route", query.route}, {"data", std::move(data)}};
  }

  // As GET /admin/v1/drift: each series of the route over its last windows, newest first.
  Json drift(const DriftQuery& query) override {
    const mon::DriftSettings& settings = defaults_.drift;
    const int64_t until = store::system_now_ms() / settings.slot_ms * settings.slot_ms;
    Json data = Json::array();
    const auto all_series =
        mon::list_drift_series(*store_, until - query.windows * settings.window_ms, until);
    for (const auto& series : all_series) {
      if (series.route != query.route ||
          (!query.version.empty() && series.version != query.version) ||
          (!query.arm.empty() && series.arm != query.arm)) {
        continue;
      }
      Json windows = Json::array();
      for (int i = 0; i < query.windows; ++i) {
        const int64_t end = until - i * settings.window_ms;
        windows.push_back(drift_window(series, end - settings.window_ms, end));
      }
      data.push_back({{"route", series.route},
                      {"version", series.version},
                      {"arm", series.arm},
                      {"windows", std::move(windows)}});
    }
    return {{"object", "list"},
            {"route", query.route},
            {"window_ms", settings.window_ms},
            {"data", std::move(data)}};
  }

  Json status() override { throw_needs_server("status"); }
  Json evaluate() override { throw_needs_server("evaluate"); }
  bool direct() const override { return true; }

  std::string quality_settings() const override {
    const mon::QualitySettings& q = defaults_.quality;
    return "default settings: " + span_text(q.window_ms) + " windows, alert after " +
           std::to_string(q.windows) + " windows more than " + percent_text(q.max_drop) +
           " below baseline, " + std::to_string(q.min_samples) + " scored answers a window";
  }
  std::string drift_settings() const override {
    return "default settings: at least " + std::to_string(defaults_.drift.thresholds.min_answers) +
           " answers on each side";
  }

 private:
  Json drift_window(const mon::DriftSeries& series, int64_t since, int64_t until) {
    const auto status =
        mon::evaluate_drift_series(*store_, series, since, until, defaults_.drift.thresholds);
    return {{"since_ms", since},
            {"until_ms", until},
            {"baseline", status.drift_baseline},
            {"report", status.drift ? Json(mon::drift_report_to_json(*status.drift)) : Json()}};
  }

  std::unique_ptr<store::Store> store_;
  const mon::EvaluatorOptions defaults_;
};

}  // namespace

void throw_needs_server(const std::string& command) {
  throw std::runtime_error("monitor " + command +
                           " needs a running server: the evaluator lives in the server's memory. "
                           "Pass --server URL (for example --server http://127.0.0.1:8000).");
}

std::unique_ptr<MonitorClient> make_direct_monitor_client(const DataLocation& location) {
  return std::make_unique<DirectMonitorClient>(location);
}

std::unique_ptr<MonitorClient> make_monitor_client(const ClientOptions& options) {
  if (uses_server(options)) return make_remote_monitor_client(options.server, options.api_key);
  return make_direct_monitor_client(options.location);
}

}  // namespace slipway::app::monitor_cli
