// The bodies webhooks receive: our JSON event and the Slack text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "monitor/alerts/webhook_notifier.h"

namespace slipway::monitor {
namespace {

AlertRecord drift_alert() {
  AlertRecord alert;
  alert.id = "alert-0123456789abcdef";
  alert.rule = "drift";
  alert.kind = "drift";
  alert.severity = "critical";
  alert.route = "customer-support";
  alert.version = "support/2";
  alert.state = "active";
  alert.summary = "length PSI 0.31 above 0.2";
  alert.evidence = {
      {"check", "length_psi"}, {"psi", 0.3125}, {"samples", 420}, {"bins", {1, 2, 3}}};
  alert.fired_ms = 1000;
  alert.last_seen_ms = 1000;
  return alert;
}

std::string slack_text(const AlertRecord& alert, AlertEvent event) {
  return nlohmann::json::parse(webhook_body(alert, event, WebhookFormat::Slack))["text"];
}

TEST(WebhookBody, JsonCarriesTheEventAndTheWholeAlert) {
  const AlertRecord alert = drift_alert();
  const auto fired =
      nlohmann::json::parse(webhook_body(alert, AlertEvent::Fired, WebhookFormat::Json));
  EXPECT_EQ(fired["event"], "fired");
  EXPECT_EQ(fired["alert"], alert_to_json(alert));
  const auto resolved =
      nlohmann::json::parse(webhook_body(alert, AlertEvent::Resolved, WebhookFormat::Json));
  EXPECT_EQ(resolved["event"], "resolved");
  EXPECT_EQ(resolved.size(), 2u);
}

TEST(WebhookBody, SlackFiredIsOneHeadlineWithTheKeyFigures) {
  const auto body =
      nlohmann::json::parse(webhook_body(drift_alert(), AlertEvent::Fired, WebhookFormat::Slack));
  ASSERT_EQ(body.size(), 1u);  // only "text": what every Slack-compatible hook accepts
  EXPECT_EQ(body["text"],
            ":rotating_light: [CRITICAL] drift on customer-support (support/2): length PSI 0.31 "
            "above 0.2\ncheck=length_psi, psi=0.3125, samples=420");
}

TEST(WebhookBody, SlackWarningsResolutionsAndActions) {
  AlertRecord alert = drift_alert();
  alert.severity = "warning";
  alert.evidence = nlohmann::json::object();
  EXPECT_EQ(slack_text(alert, AlertEvent::Fired),
            ":warning: [WARNING] drift on customer-support (support/2): length PSI 0.31 above 0.2");

  alert.action = "rollback";
  alert.action_result = "rolled back to support/1";
  alert.resolution = "condition cleared";
  EXPECT_EQ(slack_text(alert, AlertEvent::Resolved),
            ":white_check_mark: [WARNING] drift on customer-support (support/2): length PSI 0.31 "
            "above 0.2\naction rollback: rolled back to support/1\nresolved: condition cleared");
}

TEST(WebhookBody, SlackMarkupInTextIsEscaped) {
  AlertRecord alert = drift_alert();
  alert.evidence = nlohmann::json::object();
  alert.summary = "<!channel> refusals & more > 5%";
  EXPECT_EQ(slack_text(alert, AlertEvent::Fired),
            ":rotating_light: [CRITICAL] drift on customer-support (support/2): &lt;!channel&gt; "
            "refusals &amp; more &gt; 5%");
}

TEST(WebhookBody, InvalidUtf8NeverThrows) {
  AlertRecord alert = drift_alert();
  alert.summary = "bad \xff byte";
  EXPECT_NO_THROW(webhook_body(alert, AlertEvent::Fired, WebhookFormat::Json));
  EXPECT_NO_THROW(webhook_body(alert, AlertEvent::Fired, WebhookFormat::Slack));
}

}  // namespace
}  // namespace slipway::monitor
