// The notifier against a real local HTTP server: what it sends, when it retries, what it
// drops, and that shutting down never waits on a hanging webhook.
#include "monitor/alerts/webhook_notifier.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "webhook_test_server.h"

namespace slipway::monitor::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kWait{10'000};  // real time a delivery may take before a test fails

AlertRecord alert(const std::string& severity = "warning") {
  AlertRecord out;
  out.id = "alert-00000000000000aa";
  out.rule = "drift";
  out.kind = "drift";
  out.severity = severity;
  out.route = "support";
  out.version = "support/2";
  out.state = "active";
  out.summary = "refusal rate 12% above 5%";
  out.evidence = {{"refusal_rate", 0.12}};
  return out;
}

// Quick retries, so tests spend milliseconds on backoff.
WebhookOptions fast(int attempts = 3, milliseconds timeout = milliseconds(2'000)) {
  WebhookOptions options;
  options.attempts = attempts;
  options.timeout = timeout;
  options.backoff = milliseconds(10);
  return options;
}

WebhookTarget target(const std::string& url, WebhookFormat format = WebhookFormat::Json) {
  WebhookTarget out;
  out.url = url;
  out.format = format;
  return out;
}

std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  std::string out;
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    out += byte;
  }
  return out;
}

// A port nothing listens on: bound, then released.
std::string closed_port_url() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(tcp::v4(), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

TEST(WebhookNotifier, PostsTheJsonEventWithHeadersAndASignature) {
  WebhookTestServer server;
  WebhookTarget hook = target(server.url("/hooks/abc?token=x"));
  hook.headers = {{"Authorization", "Bearer secret-token"}};
  hook.signing_secret = "shh";
  WebhookNotifier notifier({hook}, fast());
  EXPECT_EQ(notifier.target_count(), 1u);
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const ReceivedRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hooks/abc?token=x");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("authorization"), "Bearer secret-token");
  EXPECT_EQ(request.body, webhook_body(alert(), AlertEvent::Fired, WebhookFormat::Json));
  EXPECT_EQ(request.header("x-slipway-signature"), "sha256=" + hmac_hex("shh", request.body));
  EXPECT_NE(request.header("x-slipway-signature"), "sha256=" + hmac_hex("other", request.body));
  EXPECT_EQ(nlohmann::json::parse(request.body)["alert"]["id"], "alert-00000000000000aa");

  const auto counters = notifier.counters();
  EXPECT_EQ(counters.delivered, 1u);
  EXPECT_EQ(counters.failed, 0u);
  EXPECT_EQ(counters.retried, 0u);
}

TEST(WebhookNotifier, SlackTargetsGetTheTextAndNoSignatureWithoutASecret) {
  WebhookTestServer server;
  WebhookNotifier notifier({target(server.url(), WebhookFormat::Slack)}, fast());
  notifier.post(alert(), AlertEvent::Fired);
  AlertRecord resolved = alert();
  resolved.state = "resolved";
  resolved.resolution = "condition cleared";
  notifier.post(resolved, AlertEvent::Resolved);
  ASSERT_TRUE(notifier.wait_idle(kWait));

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);  // in the order posted: one lane per target
  const std::string fired = nlohmann::json::parse(requests[0].body)["text"];
  const std::string cleared = nlohmann::json::parse(requests[1].body)["text"];
  EXPECT_EQ(fired.rfind(":warning: [WARNING] drift on support (support/2): refusal rate", 0), 0u)
      << fired;
  EXPECT_NE(cleared.find("resolved: condition cleared"), std::string::npos) << cleared;
  EXPECT_EQ(requests[0].header("x-slipway-signature"), "");
}

TEST(WebhookNotifier, RetriesAfterA500ThenDelivers) {
  WebhookTestServer server({{.status = 500}, {.status = 200}});
  WebhookNotifier notifier({target(server.url())}, fast());
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].body, server.requests()[1].body);
  const auto counters = notifier.counters();
  EXPECT_EQ(counters.delivered, 1u);
  EXPECT_EQ(counters.retried, 1u);
  EXPECT_EQ(counters.failed, 0u);
}

TEST(WebhookNotifier, RetriesA429) {
  WebhookTestServer server({{.status = 429}, {.status = 429}, {.status = 204}});
  WebhookNotifier notifier({target(server.url())}, fast(3));
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(notifier.counters().delivered, 1u);
  EXPECT_EQ(notifier.counters().retried, 2u);
}

TEST(WebhookNotifier, AClientErrorFailsAtOnce) {
  WebhookTestServer server({{.status = 400}});
  WebhookNotifier notifier({target(server.url())}, fast(3));
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(notifier.counters().failed, 1u);
  EXPECT_EQ(notifier.counters().retried, 0u);
  EXPECT_EQ(notifier.counters().delivered, 0u);
}

TEST(WebhookNotifier, ServerErrorsOnEveryAttemptFail) {
  WebhookTestServer server({{.status = 503}, {.status = 502}, {.status = 500}});
  WebhookNotifier notifier({target(server.url())}, fast(3));
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(notifier.counters().failed, 1u);
  EXPECT_EQ(notifier.counters().retried, 2u);
}

TEST(WebhookNotifier, TimeoutsCountAsAFailureAfterEveryAttempt) {
  WebhookTestServer server({{.delay = milliseconds(1'000)}, {.delay = milliseconds(1'000)}});
  WebhookNotifier notifier({target(server.url())}, fast(2, milliseconds(150)));
  const auto start = Clock::now();
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_LT(Clock::now() - start, milliseconds(900));  // not waiting for the slow answers
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(notifier.counters().failed, 1u);
  EXPECT_EQ(notifier.counters().retried, 1u);
  EXPECT_EQ(notifier.counters().delivered, 0u);
}

TEST(WebhookNotifier, ConnectErrorsAreRetriedThenFail) {
  WebhookNotifier notifier({target(closed_port_url())}, fast(3));
  notifier.post(alert(), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(notifier.counters().failed, 1u);
  EXPECT_EQ(notifier.counters().retried, 2u);
}

TEST(WebhookNotifier, MinSeverityFiltersPerTarget) {
  WebhookTestServer server;
  WebhookTarget pager = target(server.url("/pager"));
  pager.min_severity = "critical";
  WebhookNotifier notifier({pager, target(server.url("/chat"))}, fast());
  notifier.post(alert("warning"), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/chat");

  notifier.post(alert("critical"), AlertEvent::Fired);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(notifier.counters().delivered, 3u);
}

TEST(WebhookNotifier, AFullQueueDropsAndCounts) {
  WebhookTestServer server({{.hang = true}});
  WebhookOptions options = fast(1, milliseconds(300));
  options.max_queue = 2;  // the post in flight and one waiting
  auto notifier = std::make_unique<WebhookNotifier>(std::vector{target(server.url())}, options);
  for (int i = 0; i < 5; ++i) notifier->post(alert(), AlertEvent::Fired);
  EXPECT_EQ(notifier->counters().dropped, 3u);
  EXPECT_NE(notifier->metrics_text().find("slipway_alert_webhooks_total{result=\"dropped\"} 3"),
            std::string::npos);
  // The hanging post times out, the waiting one is delivered.
  ASSERT_TRUE(notifier->wait_idle(kWait));
  EXPECT_EQ(notifier->counters().failed, 1u);
  EXPECT_EQ(notifier->counters().delivered, 1u);
}

TEST(WebhookNotifier, DestructorDoesNotWaitOnAHangingServer) {
  WebhookTestServer server({{.hang = true}, {.hang = true}, {.hang = true}, {.hang = true}});
  // Left alone, the attempts and backoffs would take over 4 s.
  WebhookOptions options = fast(4, milliseconds(300));
  options.backoff = milliseconds(400);
  auto notifier = std::make_unique<WebhookNotifier>(std::vector{target(server.url())}, options);
  notifier->post(alert(), AlertEvent::Fired);
  notifier->post(alert(), AlertEvent::Resolved);
  EXPECT_FALSE(notifier->wait_idle(milliseconds(50)));
  const auto start = Clock::now();
  notifier.reset();
  EXPECT_LT(Clock::now() - start, milliseconds(1'200));
}

TEST(WebhookNotifier, MetricsText) {
  WebhookTestServer server({{.status = 200}, {.status = 404}});
  WebhookNotifier notifier({target(server.url())}, fast());
  notifier.post(alert(), AlertEvent::Fired);
  notifier.post(alert(), AlertEvent::Resolved);
  ASSERT_TRUE(notifier.wait_idle(kWait));
  const std::string text = notifier.metrics_text();
  EXPECT_NE(text.find("# TYPE slipway_alert_webhooks_total counter"), std::string::npos);
  EXPECT_NE(text.find("slipway_alert_webhooks_total{result=\"delivered\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("slipway_alert_webhooks_total{result=\"failed\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("slipway_alert_webhooks_total{result=\"dropped\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("slipway_alert_webhook_retries_total 0\n"), std::string::npos);
}

TEST(WebhookNotifier, BadConfigurationIsRefused) {
  EXPECT_THROW(WebhookNotifier({target("ftp://example.com/hook")}, fast()), std::invalid_argument);
  EXPECT_THROW(WebhookNotifier({target("not a url")}, fast()), std::invalid_argument);
  WebhookTarget severity = target("http://127.0.0.1:9/hook");
  severity.min_severity = "info";
  EXPECT_THROW(WebhookNotifier({severity}, fast()), std::invalid_argument);
  EXPECT_THROW(WebhookNotifier({target("http://127.0.0.1:9/hook")}, fast(0)),
               std::invalid_argument);
  EXPECT_NO_THROW(WebhookNotifier({}, fast()));  // no targets: posts go nowhere
}

}  // namespace
}  // namespace slipway::monitor::test
