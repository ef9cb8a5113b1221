// The monitor of a running `slipway serve`, through its admin API (docs/admin-api.md): the
// server's settings apply and a resolve posts the server's webhooks.
#include <memory>

#include "app/models/admin_client.h"
#include "app/monitor_cli/monitor_client.h"

namespace slipway::app::monitor_cli {
namespace {

using models::url_encode;

// "?a=1&b=2" of the parameters that are set; "" when none is.
class QueryString {
 public:
  QueryString& add(const std::string& name, const std::string& value) {
    if (!value.empty()) text_ += (text_.empty() ? "?" : "&") + name + "=" + url_encode(value);
    return *this;
  }
  QueryString& add(const std::string& name, int64_t value) {
    return add(name, std::to_string(value));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class RemoteMonitorClient : public MonitorClient {
 public:
  RemoteMonitorClient(const std::string& url, const std::string& api_key) : http_(url, api_key) {}

  Json list_alerts(const AlertQuery& query) override {
    QueryString params;
    params.add("state", query.state)
        .add("route", query.route)
        .add("version", query.version)
        .add("rule", query.rule)
        .add("kind", query.kind)
        .add("limit", query.limit);
    return http_.call("GET", "/admin/v1/alerts" + params.text());
  }
  Json show_alert(const std::string& id) override { return http_.call("GET", alert_path(id)); }
  Json resolve_alert(const std::string& id, const std::string& reason) override {
    Json body = Json::object();
    if (!reason.empty()) body["reason"] = reason;
    return http_.call("POST", alert_path(id) + "/resolve", body);
  }
  Json quality(const QualityQuery& query) override {
    QueryString params;
    params.add("route", query.route).add("version", query.version).add("history", query.history);
    return http_.call("GET", "/admin/v1/quality" + params.text());
  }
  Json drift(const DriftQuery& query) override {
    QueryString params;
    params.add("route", query.route)
        .add("version", query.version)
        .add("arm", query.arm)
        .add("windows", query.windows);
    return http_.call("GET", "/admin/v1/drift" + params.text());
  }
  Json status() override { return http_.call("GET", "/admin/v1/monitor"); }
  Json evaluate() override {
    return http_.call("POST", "/admin/v1/monitor/evaluate", Json::object());
  }
  bool direct() const override { return false; }
  std::string quality_settings() const override { return "the server's settings"; }
  std::string drift_settings() const override { return "the server's settings"; }

 private:
  static std::string alert_path(const std::string& id) {
    return "/admin/v1/alerts/" + url_encode(id);
  }

  models::AdminClient http_;
};

}  // namespace

std::unique_ptr<MonitorClient> make_remote_monitor_client(const std::string& server_url,
                                                          const std::string& api_key) {
  return std::make_unique<RemoteMonitorClient>(server_url, api_key);
}

}  // namespace slipway::app::monitor_cli
