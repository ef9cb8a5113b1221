// Alert rules: action names, the defaults, and the validation that names the broken rule.
#include "monitor/alerts/alert_rules.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace slipway::monitor {
namespace {

AlertRule rule(const std::string& name, const std::string& kind = "drift") {
  AlertRule out;
  out.name = name;
  out.kind = kind;
  return out;
}

// The message of validate_alert_rules' std::invalid_argument ("" when it did not throw).
std::string rejection(const std::vector<AlertRule>& rules) {
  try {
    validate_alert_rules(rules);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(AlertRules, ActionNamesRoundTrip) {
  for (const auto action : {AlertAction::None, AlertAction::PauseRollout, AlertAction::Rollback}) {
    EXPECT_EQ(parse_alert_action(alert_action_name(action)), action);
  }
  EXPECT_STREQ(alert_action_name(AlertAction::PauseRollout), "pause_rollout");
  EXPECT_STREQ(alert_action_name(AlertAction::Rollback), "rollback");
  EXPECT_FALSE(parse_alert_action("roll_back").has_value());
  EXPECT_FALSE(parse_alert_action("").has_value());
}

TEST(AlertRules, DefaultsCoverQualityAndDriftEverywhereWithoutActions) {
  const auto rules = default_alert_rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].name, "quality");
  EXPECT_EQ(rules[0].kind, "quality");
  EXPECT_EQ(rules[1].name, "drift");
  EXPECT_EQ(rules[1].kind, "drift");
  for (const auto& each : rules) {
    EXPECT_TRUE(each.route.empty());
    EXPECT_TRUE(each.arms.empty());
    EXPECT_TRUE(each.checks.empty());
    EXPECT_EQ(each.min_severity, "warning");
    EXPECT_EQ(each.action, AlertAction::None);
  }
  EXPECT_NO_THROW(validate_alert_rules(rules));
}

TEST(AlertRules, AFullyConfiguredRuleIsValid) {
  AlertRule drift = rule("canary-drift");
  drift.route = "support";
  drift.arms = {"canary", "stable"};
  drift.checks = {"length_psi",      "length_ks",     "refusal_rate",  "uncertainty_rate",
                  "response_topics", "prompt_topics", "finish_reasons"};
  drift.min_severity = "critical";
  drift.action = AlertAction::Rollback;
  AlertRule quality = rule("quality", "quality");
  quality.arms = {"shadow"};
  EXPECT_EQ(rejection({drift, quality}), "");
  EXPECT_EQ(rejection({}), "");
}

TEST(AlertRules, NamesMustBePresentAndUnique) {
  EXPECT_NE(rejection({rule("")}).find("#1 has no name"), std::string::npos);
  EXPECT_NE(rejection({rule("a"), rule("")}).find("#2"), std::string::npos);
  const std::string repeated = rejection({rule("same"), rule("same", "quality")});
  EXPECT_NE(repeated.find("'same'"), std::string::npos) << repeated;
}

TEST(AlertRules, UnknownValuesAreNamed) {
  AlertRule kind = rule("k", "latency");
  EXPECT_NE(rejection({kind}).find("unknown kind 'latency'"), std::string::npos);

  AlertRule severity = rule("s");
  severity.min_severity = "info";
  EXPECT_NE(rejection({severity}).find("min_severity 'info'"), std::string::npos);

  AlertRule arm = rule("a");
  arm.arms = {"stable", "blue"};
  EXPECT_NE(rejection({arm}).find("unknown arm 'blue'"), std::string::npos);

  AlertRule check = rule("c");
  check.checks = {"length_psi", "mood"};
  const std::string message = rejection({check});
  EXPECT_NE(message.find("alert rule 'c'"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown drift check 'mood'"), std::string::npos) << message;
}

TEST(AlertRules, ChecksBelongToDriftRules) {
  AlertRule quality = rule("q", "quality");
  quality.checks = {"length_psi"};
  EXPECT_NE(rejection({quality}).find("only apply to drift"), std::string::npos);
}

TEST(AlertRules, AnActionNeedsAnArmThatServesTraffic) {
  AlertRule shadow = rule("shadow-rollback");
  shadow.arms = {"shadow"};
  shadow.action = AlertAction::Rollback;
  EXPECT_NE(rejection({shadow}).find("'rollback' needs a stable or canary arm"), std::string::npos);
  shadow.action = AlertAction::PauseRollout;
  EXPECT_NE(rejection({shadow}), "");
  shadow.arms = {"shadow", "canary"};
  EXPECT_EQ(rejection({shadow}), "");
}

}  // namespace
}  // namespace slipway::monitor
