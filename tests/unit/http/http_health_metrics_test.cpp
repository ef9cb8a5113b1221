// /health (loading, ok, unhealthy, timeouts the server enforces) and /metrics.
#include <gtest/gtest.h>

#include "http_test_support.h"

namespace slipway::http::test {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpHealth, LoadingThenOk) {
  TestServer server(TestServer::fast_options(), /*ready=*/false);
  auto loading = fetch(server.port(), "GET", "/health");
  EXPECT_EQ(loading.status, 503);
  EXPECT_EQ(loading.json()["status"], "loading");
  server.server().set_ready(true);
  auto ok = fetch(server.port(), "GET", "/health");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["status"], "ok");
  EXPECT_EQ(ok.json()["models"]["m"]["healthy"], true);
  EXPECT_EQ(ok.json()["models"]["m"]["detail"], "fake ok");
}

TEST(HttpHealth, UnhealthyBackendIs503) {
  TestServer server(TestServer::fast_options());
  auto sick = std::make_shared<FakeBackend>("sick");
  sick->set_health([](auto done) { done(backends::HealthStatus{false, "upstream refused"}); });
  server.backends().add(sick);
  auto answer = fetch(server.port(), "GET", "/health");
  EXPECT_EQ(answer.status, 503);
  auto json = answer.json();
  EXPECT_EQ(json["models"]["m"]["healthy"], true);
  EXPECT_EQ(json["models"]["sick"]["healthy"], false);
  EXPECT_EQ(json["models"]["sick"]["detail"], "upstream refused");
}

TEST(HttpHealth, ServerEnforcesTheTimeoutAndIgnoresLateAnswers) {
  ServerOptions options = TestServer::fast_options();
  options.health_timeout = 200ms;
  TestServer server(options);
  // The backend keeps done() and answers only when the test says so, long after the timeout.
  std::mutex mutex;
  std::vector<std::function<void(backends::HealthStatus)>> kept;
  server.backend().set_health([&](auto done) {
    std::lock_guard lock(mutex);
    kept.push_back(std::move(done));
  });
  const auto start = Clock::now();
  auto answer = fetch(server.port(), "GET", "/health");
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.json()["models"]["m"]["healthy"], false);
  EXPECT_NE(answer.json()["models"]["m"]["detail"].get<std::string>().find("timed out"),
            std::string::npos);
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 1500ms);
  // The late answer arrives from another thread; nothing breaks and the server still serves.
  std::thread late([&] {
    std::lock_guard lock(mutex);
    for (auto& done : kept) done(backends::HealthStatus{true, "late"});
  });
  late.join();
  server.backend().set_health([](auto done) { done(backends::HealthStatus{true, "fast"}); });
  EXPECT_EQ(fetch(server.port(), "GET", "/health").status, 200);
}

TEST(HttpHealth, AnswerFromAnotherThreadBeforeTimeout) {
  TestServer server(TestServer::fast_options());
  std::vector<std::thread> threads;
  std::mutex mutex;
  server.backend().set_health([&](auto done) {
    std::lock_guard lock(mutex);
    threads.emplace_back([done] {
      std::this_thread::sleep_for(50ms);
      done(backends::HealthStatus{true, "pong"});
    });
  });
  auto answer = fetch(server.port(), "GET", "/health");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.json()["models"]["m"]["detail"], "pong");
  std::lock_guard lock(mutex);
  for (auto& t : threads) t.join();
}

TEST(HttpMetrics, ExpositionContainsRecordedRequestsAndRejections) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script(FakeBackend::stream(2));
  ASSERT_EQ(fetch(server.port(), "POST", "/v1/chat/completions", chat_body(true)).status, 200);
  ASSERT_EQ(fetch(server.port(), "POST", "/v1/chat/completions", "{bad").status, 400);
  auto answer = fetch(server.port(), "GET", "/metrics");
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers["content-type"], "text/plain; version=0.0.4");
  const std::string& text = answer.body;
  const auto line_start = text.find("slipway_requests_total{");
  ASSERT_NE(line_start, std::string::npos) << text;
  const std::string line = text.substr(line_start, text.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("route=\"m\""), std::string::npos) << line;
  EXPECT_NE(line.find("version=\"m\""), std::string::npos) << line;
  EXPECT_NE(line.find("status=\"200\""), std::string::npos) << line;
  EXPECT_NE(text.find("slipway_rejected_requests_total{status=\"400\"} 1"), std::string::npos)
      << text;
}

TEST(HttpMetrics, ServedByNamesTheVersion) {
  TestServer server(TestServer::fast_options());
  server.backend().set_script([](FakeCall& call) {
    call.sink->on_response(Json{{"ok", true}});
    backends::CompletionStats stats;
    stats.served_by = "m-v2";
    stats.finish_reason = "stop";
    call.sink->on_done(stats);
  });
  ASSERT_EQ(fetch(server.port(), "POST", "/v1/chat/completions", chat_body()).status, 200);
  auto text = fetch(server.port(), "GET", "/metrics").body;
  EXPECT_NE(text.find("version=\"m-v2\""), std::string::npos) << text;
}

}  // namespace
}  // namespace slipway::http::test
