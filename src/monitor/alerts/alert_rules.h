#pragma once
// Which detector findings become alerts, and what an alert does. A rule matches findings by
// kind, route, arm and severity; one alert per rule, route and version is active at a time.
// An action runs once, when the alert is created.
#include <optional>
#include <string>
#include <vector>

namespace slipway::monitor {

enum class AlertAction { None, PauseRollout, Rollback };
const char* alert_action_name(AlertAction action);  // "none", "pause_rollout", "rollback"
std::optional<AlertAction> parse_alert_action(const std::string& name);

struct AlertRule {
  std::string name;
  std::string kind;                      // "quality" or "drift"
  std::string route;                     // "" every route
  std::vector<std::string> arms;         // empty: every arm ("stable", "canary", "shadow")
  std::vector<std::string> checks;       // drift: only these checks ("length_psi", ...); empty: all
  std::string min_severity = "warning";  // "critical": warnings do not match
  AlertAction action = AlertAction::None;
};

// Without configured rules: "quality" and "drift" rules over every route, no action.
std::vector<AlertRule> default_alert_rules();
// Throws std::invalid_argument naming the rule: empty or repeated names, unknown kinds,
// severities, arms or drift checks, an action on a rule without a route-level meaning.
void validate_alert_rules(const std::vector<AlertRule>& rules);

}  // namespace slipway::monitor
