// Alert rules: their action names, the defaults and the checks that catch a mistyped rule at
// startup rather than as an alert that never fires.
#include "monitor/alerts/alert_rules.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string_view>

namespace slipway::monitor {

namespace {

constexpr std::array<std::string_view, 2> kKinds = {"quality", "drift"};
constexpr std::array<std::string_view, 2> kSeverities = {"warning", "critical"};
constexpr std::array<std::string_view, 3> kArms = {"stable", "canary", "shadow"};
constexpr std::array<std::string_view, 7> kDriftChecks = {
    "length_psi",      "length_ks",     "refusal_rate",  "uncertainty_rate",
    "response_topics", "prompt_topics", "finish_reasons"};

template <std::size_t N>
bool is_one_of(const std::array<std::string_view, N>& names, const std::string& value) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& names) {
  std::string out;
  for (const auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

[[noreturn]] void reject(const AlertRule& rule, const std::string& why) {
  throw std::invalid_argument("alert rule '" + rule.name + "': " + why);
}

void check_rule(const AlertRule& rule) {
  if (!is_one_of(kKinds, rule.kind)) {
    reject(rule, "unknown kind '" + rule.kind + "' (one of " + listed(kKinds) + ")");
  }
  if (!is_one_of(kSeverities, rule.min_severity)) {
    reject(rule,
           "unknown min_severity '" + rule.min_severity + "' (one of " + listed(kSeverities) + ")");
  }
  for (const auto& arm : rule.arms) {
    if (!is_one_of(kArms, arm)) {
      reject(rule, "unknown arm '" + arm + "' (one of " + listed(kArms) + ")");
    }
  }
  if (!rule.checks.empty() && rule.kind != "drift") {
    reject(rule, "checks only apply to drift rules");
  }
  for (const auto& check : rule.checks) {
    if (!is_one_of(kDriftChecks, check)) {
      reject(rule, "unknown drift check '" + check + "' (one of " + listed(kDriftChecks) + ")");
    }
  }
  // A shadow answers no user and is no part of a rollout: its findings cannot justify
  // pausing or rolling back what the route serves.
  const bool only_shadow =
      !rule.arms.empty() && std::all_of(rule.arms.begin(), rule.arms.end(),
                                        [](const auto& arm) { return arm == "shadow"; });
  if (rule.action != AlertAction::None && only_shadow) {
    reject(rule, std::string("action '") + alert_action_name(rule.action) +
                     "' needs a stable or canary arm: a shadow serves no traffic");
  }
}

}  // namespace

const char* alert_action_name(AlertAction action) {
  switch (action) {
    case AlertAction::None:
      return "none";
    case AlertAction::PauseRollout:
      return "pause_rollout";
    case AlertAction::Rollback:
      return "rollback";
  }
  return "none";
}

std::optional<AlertAction> parse_alert_action(const std::string& name) {
  for (const auto action : {AlertAction::None, AlertAction::PauseRollout, AlertAction::Rollback}) {
    if (name == alert_action_name(action)) return action;
  }
  return std::nullopt;
}

std::vector<AlertRule> default_alert_rules() {
  AlertRule quality;
  quality.name = "quality";
  quality.kind = "quality";
  AlertRule drift;
  drift.name = "drift";
  drift.kind = "drift";
  return {quality, drift};
}

void validate_alert_rules(const std::vector<AlertRule>& rules) {
  std::set<std::string> names;
  for (std::size_t index = 0; index < rules.size(); ++index) {
    const AlertRule& rule = rules[index];
    if (rule.name.empty()) {
      throw std::invalid_argument("alert rule #" + std::to_string(index + 1) + " has no name");
    }
    if (!names.insert(rule.name).second) reject(rule, "the name is used by another rule");
    check_rule(rule);
  }
}

}  // namespace slipway::monitor
