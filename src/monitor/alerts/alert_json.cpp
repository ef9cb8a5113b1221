// An alert as the admin API, the webhooks and the dashboard show it.
#include "monitor/alerts/alert_store.h"

namespace slipway::monitor {

nlohmann::json alert_to_json(const AlertRecord& alert) {
  nlohmann::json out;
  out["id"] = alert.id;
  out["rule"] = alert.rule;
  out["kind"] = alert.kind;
  out["severity"] = alert.severity;
  out["route"] = alert.route;
  out["version"] = alert.version;
  out["state"] = alert.state;
  out["summary"] = alert.summary;
  out["evidence"] = alert.evidence;
  out["action"] = alert.action;
  out["action_result"] = alert.action_result;
  out["fired_ms"] = alert.fired_ms;
  out["last_seen_ms"] = alert.last_seen_ms;
  out["resolved_ms"] = alert.resolved_ms ? nlohmann::json(*alert.resolved_ms) : nlohmann::json();
  out["resolution"] = alert.resolution;
  out["notified_fire"] = alert.notified_fire;
  out["notified_resolve"] = alert.notified_resolve;
  return out;
}

}  // namespace slipway::monitor
