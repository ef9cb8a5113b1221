#pragma once
// Alerts in the store (monitor_alerts): fired with the evidence that caused them, deduplicated
// while active (one active alert per rule, route and version: a unique index, so replicas that
// evaluate together create it once), refreshed while the condition lasts, resolved when it
// clears. Whoever created (or resolved) an alert is the one that notifies and acts.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace slipway::monitor {

struct AlertRecord {
  std::string id;        // "alert-" + 16 hex digits
  std::string rule;      // the rule's name
  std::string kind;      // "quality", "drift", ...
  std::string severity;  // "warning", "critical"
  std::string route, version;
  std::string state;                                   // "active", "resolved"
  std::string summary;                                 // one line for people
  nlohmann::json evidence = nlohmann::json::object();  // the figures that caused it
  std::string action = "none";                         // "none", "pause_rollout", "rollback"
  std::string action_result;                           // what the action did ("" until it ran)
  int64_t fired_ms = 0;
  int64_t last_seen_ms = 0;
  std::optional<int64_t> resolved_ms;
  std::string resolution;  // why it was resolved ("condition cleared", "resolved by alice")
  bool notified_fire = false;
  bool notified_resolve = false;
};
nlohmann::json alert_to_json(const AlertRecord& alert);

struct AlertFiring {
  std::string rule, kind, severity, route, version, summary;
  nlohmann::json evidence = nlohmann::json::object();
  std::string action = "none";
};

struct FireOutcome {
  AlertRecord alert;
  bool created = false;  // false: an active alert was refreshed (evidence, severity, last seen)
};
// One transaction; concurrent callers for the same rule, route and version create one alert.
// Throws store::StoreError.
FireOutcome fire_alert(store::Store& store, const AlertFiring& firing, int64_t now_ms);

// Resolves the active alert of rule/route/version; the alert when this call resolved it,
// nullopt when none was active (or another replica resolved it first).
std::optional<AlertRecord> resolve_alert(store::Store& store, const std::string& rule,
                                         const std::string& route, const std::string& version,
                                         const std::string& resolution, int64_t now_ms);
// By id (an operator's "resolve"); nullopt when unknown or not active.
std::optional<AlertRecord> resolve_alert_by_id(store::Store& store, const std::string& id,
                                               const std::string& resolution, int64_t now_ms);

void set_alert_action_result(store::Store& store, const std::string& id, const std::string& result);
void mark_alert_notified(store::Store& store, const std::string& id, bool resolve_event);

struct AlertFilter {
  std::string state;  // "" all, "active", "resolved"
  std::string route;  // "" all
  std::string version;
  std::string rule;
  std::string kind;
  int64_t since_ms = 0;  // fired at or after
  int64_t limit = 100;   // newest first
};
std::vector<AlertRecord> list_alerts(store::Store& store, const AlertFilter& filter);
std::optional<AlertRecord> get_alert(store::Store& store, const std::string& id);
// Deletes resolved alerts resolved before `before_ms`; returns how many.
int64_t purge_resolved_alerts(store::Store& store, int64_t before_ms);

}  // namespace slipway::monitor
