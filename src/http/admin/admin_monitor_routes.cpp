// The monitoring endpoints of docs/admin-api.md: alerts (list, show, resolve), the monitor's
// status and an evaluation on demand, a route's judged-quality trends and drift reports, and
// its judged shadow pairs. Everything reads the store, so any replica answers the same.
#include <algorithm>
#include <set>

#include "http/admin/admin_body.h"
#include "http/admin/admin_routes.h"
#include "monitor/alerts/alert_store.h"
#include "monitor/judge/judge_scores.h"
#include "store/clock.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;

namespace {

constexpr int64_t kDefaultList = 100;
constexpr int64_t kMaxList = 1000;
constexpr int64_t kMaxHistory = 500;

// The monitor's JSON (nlohmann::json, keys sorted) as the admin API's ordered Json.
Json ordered(const nlohmann::json& value) {
  return Json::parse(value.dump());
}

AdminResponse ok(Json body) {
  return AdminResponse{200, std::move(body), {}};
}

std::string query_text(const AdminCall& call, const char* name) {
  const auto found = call.request.query.find(name);
  return found == call.request.query.end() ? std::string() : found->second;
}

std::string required_route(const AdminCall& call) {
  std::string route = query_text(call, "route");
  if (route.empty()) throw ApiError::bad_request("The query parameter route is required.", "route");
  return route;
}

int64_t list_limit(const AdminCall& call) {
  return std::clamp<int64_t>(query_integer(call.request.query, "limit").value_or(kDefaultList), 1,
                             kMaxList);
}

Json alerts_json(const std::vector<monitor::AlertRecord>& alerts) {
  Json data = Json::array();
  for (const auto& alert : alerts) data.push_back(ordered(monitor::alert_to_json(alert)));
  return data;
}

AdminResponse list_alerts(AdminCall& call) {
  reject_unknown_query(call.request.query,
                       {"state", "route", "version", "rule", "kind", "since_ms", "limit"});
  monitor::AlertFilter filter;
  filter.state = query_text(call, "state");
  if (!filter.state.empty() && filter.state != "active" && filter.state != "resolved")
    throw ApiError::bad_request("state must be active or resolved.", "state");
  filter.route = query_text(call, "route");
  filter.version = query_text(call, "version");
  filter.rule = query_text(call, "rule");
  filter.kind = query_text(call, "kind");
  filter.since_ms = query_integer(call.request.query, "since_ms").value_or(0);
  filter.limit = list_limit(call);
  return ok({{"object", "list"},
             {"data", alerts_json(monitor::list_alerts(call.monitor->store(), filter))}});
}

AdminResponse show_alert(AdminCall& call) {
  const auto alert = monitor::get_alert(call.monitor->store(), call.param("id"));
  if (!alert) throw ApiError::not_found("No alert " + call.param("id") + ".", "alert_not_found");
  return ok(ordered(monitor::alert_to_json(*alert)));
}

AdminResponse resolve_alert(AdminCall& call) {
  const Json& body = body_object(call.request.body, true);
  reject_unknown_fields(body, {"reason"});
  const std::string reason = optional_string(body, "reason", "reason").value_or("");
  auto& store = call.monitor->store();
  const std::string& id = call.param("id");
  const auto resolved = monitor::resolve_alert_by_id(
      store, id, "resolved by " + call.request.actor + (reason.empty() ? "" : ": " + reason),
      store::system_now_ms());
  if (!resolved) {
    if (!monitor::get_alert(store, id))
      throw ApiError::not_found("No alert " + id + ".", "alert_not_found");
    throw conflict_error("Alert " + id + " is not active.", "alert_not_active");
  }
  if (auto* webhooks = call.monitor->webhooks()) {
    webhooks->post(*resolved, monitor::AlertEvent::Resolved);
  }
  return ok(ordered(monitor::alert_to_json(*resolved)));
}

Json judge_status(monitor::MonitorService& service) {
  const monitor::JudgeRunner* judge = service.judge();
  if (judge == nullptr) return nullptr;
  const auto c = judge->counters();
  return {{"judge", service.judge_name()},
          {"sampled", c.sampled},
          {"scored", c.scored},
          {"unparsable", c.unparsable},
          {"failed", c.failed},
          {"dropped", c.dropped},
          {"pairs_judged", c.pairs_judged},
          {"pairs_dropped", c.pairs_dropped},
          {"queued", c.queued},
          {"in_flight", c.in_flight}};
}

AdminResponse monitor_status(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  auto& service = *call.monitor;
  Json body = ordered(monitor::evaluation_summary_to_json(service.evaluator().last()));
  body["judge"] = judge_status(service);
  body["active_alerts"] =
      alerts_json(monitor::list_alerts(service.store(), {.state = "active", .limit = kMaxList}));
  return ok(std::move(body));
}

AdminResponse evaluate_now(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  body_object(call.request.body, true);
  return ok(ordered(monitor::evaluation_summary_to_json(call.monitor->evaluate_now())));
}

// Every version judged on the route within the evaluator's lookback, or the one asked for.
AdminResponse quality(AdminCall& call) {
  reject_unknown_query(call.request.query, {"route", "version", "history"});
  const std::string route = required_route(call);
  auto& service = *call.monitor;
  const auto& options = service.evaluator().options();
  const int history = static_cast<int>(std::clamp<int64_t>(
      query_integer(call.request.query, "history").value_or(24), 0, kMaxHistory));
  const int64_t now = store::system_now_ms();
  std::set<std::string> versions;
  if (const std::string version = query_text(call, "version"); !version.empty()) {
    versions.insert(version);
  } else {
    monitor::QualityQuery query;
    query.route = route;
    query.since_ms = now - options.lookback_ms;
    query.window_ms = options.lookback_ms;
    for (const auto& window : monitor::read_quality_windows(service.store(), query))
      versions.insert(window.version);
  }
  Json data = Json::array();
  for (const std::string& version : versions) {
    data.push_back(ordered(monitor::quality_trend_to_json(monitor::read_quality_trend(
        service.store(), route, version, options.quality, now, history))));
  }
  return ok({{"object", "list"}, {"route", route}, {"data", std::move(data)}});
}

// The drift of each series of the route over its last `windows` windows, newest first.
AdminResponse drift(AdminCall& call) {
  reject_unknown_query(call.request.query, {"route", "version", "arm", "windows"});
  const std::string route = required_route(call);
  const std::string version = query_text(call, "version");
  const std::string arm = query_text(call, "arm");
  auto& service = *call.monitor;
  const auto& drift = service.evaluator().options().drift;
  const int64_t windows =
      std::clamp<int64_t>(query_integer(call.request.query, "windows").value_or(1), 1, kMaxHistory);
  const int64_t until = store::system_now_ms() / drift.slot_ms * drift.slot_ms;
  Json data = Json::array();
  const auto all_series =
      monitor::list_drift_series(service.store(), until - windows * drift.window_ms, until);
  for (const auto& series : all_series) {
    if (series.route != route || (!version.empty() && series.version != version) ||
        (!arm.empty() && series.arm != arm)) {
      continue;
    }
    Json points = Json::array();
    for (int64_t i = 0; i < windows; ++i) {
      const int64_t end = until - i * drift.window_ms;
      const auto status = monitor::evaluate_drift_series(
          service.store(), series, end - drift.window_ms, end, drift.thresholds);
      Json point = status.drift ? ordered(monitor::drift_report_to_json(*status.drift)) : Json();
      points.push_back({{"since_ms", end - drift.window_ms},
                        {"until_ms", end},
                        {"baseline", status.drift_baseline},
                        {"report", std::move(point)}});
    }
    data.push_back({{"route", series.route},
                    {"version", series.version},
                    {"arm", series.arm},
                    {"windows", std::move(points)}});
  }
  return ok({{"object", "list"},
             {"route", route},
             {"window_ms", drift.window_ms},
             {"data", std::move(data)}});
}

AdminResponse judge_pairs(AdminCall& call) {
  reject_unknown_query(call.request.query, {"since_ms", "until_ms", "limit"});
  const auto since = query_integer(call.request.query, "since_ms").value_or(0);
  const auto until = query_integer(call.request.query, "until_ms").value_or(0);
  Json data = Json::array();
  for (const auto& row : monitor::list_judge_pairs(call.monitor->store(), call.param("route"),
                                                   since, until, list_limit(call))) {
    data.push_back(ordered(monitor::judge_pair_to_json(row)));
  }
  return ok({{"object", "list"}, {"route", call.param("route")}, {"data", std::move(data)}});
}

}  // namespace

const std::vector<AdminRoute>& monitor_routes() {
  static const std::vector<AdminRoute> routes{
      {bhttp::verb::get, "/admin/v1/alerts", AdminNeeds::Monitor, list_alerts},
      {bhttp::verb::get, "/admin/v1/alerts/{id}", AdminNeeds::Monitor, show_alert},
      {bhttp::verb::post, "/admin/v1/alerts/{id}/resolve", AdminNeeds::Monitor, resolve_alert},
      {bhttp::verb::get, "/admin/v1/monitor", AdminNeeds::Monitor, monitor_status},
      {bhttp::verb::post, "/admin/v1/monitor/evaluate", AdminNeeds::Monitor, evaluate_now},
      {bhttp::verb::get, "/admin/v1/quality", AdminNeeds::Monitor, quality},
      {bhttp::verb::get, "/admin/v1/drift", AdminNeeds::Monitor, drift},
      {bhttp::verb::get, "/admin/v1/routes/{route}/judge-pairs", AdminNeeds::Monitor, judge_pairs},
  };
  return routes;
}

}  // namespace slipway::http
