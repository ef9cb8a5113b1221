// The shadow mirror: what a copy is sent, how its answer is reported, and the bounds that keep
// copies from ever touching the primary (in-flight limit, failures that stay inside, shutdown).
#include "traffic/shadow_mirror.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fake_shadow_backend.h"

namespace slipway::traffic {
namespace {

using namespace std::chrono_literals;
using backends::ApiError;
using backends::Json;
using test::FakeShadowBackend;

// Everything the AnswerSink received.
class Answers {
 public:
  ShadowMirror::AnswerSink sink() {
    return [this](ShadowAnswer&& answer) {
      std::lock_guard lock(mu_);
      answers_.push_back(std::move(answer));
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return answers_.size() >= n; });
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return answers_.size();
  }
  ShadowAnswer at(std::size_t i) const {
    std::lock_guard lock(mu_);
    return answers_.at(i);
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ShadowAnswer> answers_;
};

backends::ApiRequest primary_request(const std::string& id = "chatcmpl-42") {
  backends::ApiRequest request;
  request.endpoint = backends::Endpoint::ChatCompletions;
  request.body = {{"model", "support"},
                  {"messages", Json::array({{{"role", "user"}, {"content", "hi"}}})},
                  {"stream", true},
                  {"stream_options", {{"include_usage", true}}}};
  request.request_id = id;
  request.created = 1'700'000'000;
  request.user = "user-7";
  request.deadline = std::chrono::steady_clock::now() + 5s;
  return request;
}

// "p" + i, spelled so that GCC 12's -Wrestrict false positive on `"p" + std::to_string(i)` stays
// quiet.
std::string primary_id(int i) {
  std::string id = "p";
  id += std::to_string(i);
  return id;
}

ShadowOptions options(int64_t max_in_flight = 16) {
  ShadowOptions out;
  out.max_in_flight = max_in_flight;
  out.timeout = 30s;
  return out;
}

TEST(ShadowMirror, ACopyIsAWholeAnswerRequestOfItsOwnAtShadowPriority) {
  auto backend = std::make_shared<FakeShadowBackend>();
  Answers answers;
  ShadowMirror mirror(options(), answers.sink());
  const auto primary = primary_request();
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(mirror.mirror(primary, "support", "support-model/3", 1, backend));
  const auto after = std::chrono::steady_clock::now();

  ASSERT_EQ(backend->calls(), 1u);
  const auto copy = backend->request(0);
  EXPECT_EQ(copy.request_id, "chatcmpl-42-shadow-1");
  EXPECT_EQ(copy.priority, backends::RequestPriority::Shadow);
  EXPECT_EQ(copy.endpoint, backends::Endpoint::ChatCompletions);
  EXPECT_EQ(copy.body["stream"], false);
  EXPECT_FALSE(copy.body.contains("stream_options"));
  EXPECT_EQ(copy.body["model"], "support");
  EXPECT_EQ(copy.body["messages"], primary.body["messages"]);
  EXPECT_EQ(copy.user, "user-7");
  EXPECT_EQ(copy.created, 1'700'000'000);
  // Its own deadline, from the options, not the primary's.
  EXPECT_GE(copy.deadline, before + 30s);
  EXPECT_LE(copy.deadline, after + 30s);
  EXPECT_EQ(primary.body["stream"], true);  // the primary is untouched
  EXPECT_EQ(mirror.counters().in_flight, 1);
  EXPECT_EQ(answers.size(), 0u);

  backend->respond(0, {{"id", "chatcmpl-42-shadow-1"}, {"choices", Json::array()}});
  ASSERT_EQ(answers.size(), 1u);
  const auto answer = answers.at(0);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.route, "support");
  EXPECT_EQ(answer.version, "support-model/3");
  EXPECT_EQ(answer.primary_id, "chatcmpl-42");
  EXPECT_EQ(answer.id, "chatcmpl-42-shadow-1");
  EXPECT_EQ(answer.request, copy.body);
  EXPECT_EQ(answer.user, "user-7");
  EXPECT_EQ(answer.created, 1'700'000'000);
  ASSERT_TRUE(answer.response.has_value());
  EXPECT_EQ((*answer.response)["id"], "chatcmpl-42-shadow-1");
  EXPECT_FALSE(answer.error.has_value());
  EXPECT_EQ(answer.stats.completion_tokens, 3);
  const auto counters = mirror.counters();
  EXPECT_EQ(counters.started, 1u);
  EXPECT_EQ(counters.succeeded, 1u);
  EXPECT_EQ(counters.failed, 0u);
  EXPECT_EQ(counters.in_flight, 0);
}

TEST(ShadowMirror, ErrorsTimeoutsAndEmptyFinishesAreReportedWithTheirStatus) {
  auto backend = std::make_shared<FakeShadowBackend>();
  Answers answers;
  ShadowMirror mirror(options(), answers.sink());
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(mirror.mirror(primary_request(primary_id(i)), "r", "m/1", 0, backend));
  backend->fail(0, ApiError::bad_gateway("upstream said no"));
  backend->finish(1, "timeout");
  backend->finish(2, "stop", 2);  // chunks only: nothing a whole answer could be made of
  backend->respond(3, {{"ok", true}});
  ASSERT_EQ(answers.size(), 4u);

  EXPECT_EQ(answers.at(0).status, 502);
  ASSERT_TRUE(answers.at(0).error.has_value());
  EXPECT_EQ(answers.at(0).error->message, "upstream said no");
  EXPECT_FALSE(answers.at(0).response.has_value());
  EXPECT_EQ(answers.at(1).status, 504);
  ASSERT_TRUE(answers.at(1).error.has_value());
  EXPECT_EQ(answers.at(1).error->status, 504);
  EXPECT_EQ(answers.at(2).status, 500);
  ASSERT_TRUE(answers.at(2).error.has_value());
  EXPECT_EQ(answers.at(3).status, 200);
  EXPECT_EQ(answers.at(3).primary_id, "p3");
  const auto counters = mirror.counters();
  EXPECT_EQ(counters.succeeded, 1u);
  EXPECT_EQ(counters.failed, 3u);
  EXPECT_EQ(counters.in_flight, 0);
}

TEST(ShadowMirror, BeyondMaxInFlightCopiesAreDroppedAcrossAllRoutes) {
  auto backend = std::make_shared<FakeShadowBackend>();
  Answers answers;
  ShadowMirror mirror(options(2), answers.sink());
  EXPECT_TRUE(mirror.mirror(primary_request("a"), "route-a", "m/1", 0, backend));
  EXPECT_TRUE(mirror.mirror(primary_request("b"), "route-b", "m/2", 0, backend));
  EXPECT_FALSE(mirror.mirror(primary_request("c"), "route-c", "m/3", 0, backend));
  EXPECT_EQ(backend->calls(), 2u);  // a dropped copy never reaches the backend
  auto counters = mirror.counters();
  EXPECT_EQ(counters.dropped, 1u);
  EXPECT_EQ(counters.started, 2u);
  EXPECT_EQ(counters.in_flight, 2);

  backend->respond(0, {{"ok", true}});  // room again
  EXPECT_TRUE(mirror.mirror(primary_request("d"), "route-c", "m/3", 0, backend));
  backend->respond(1, {{"ok", true}});
  backend->respond(2, {{"ok", true}});
  counters = mirror.counters();
  EXPECT_EQ(counters.dropped, 1u);
  EXPECT_EQ(counters.succeeded, 3u);
  EXPECT_EQ(counters.in_flight, 0);
  EXPECT_EQ(answers.size(), 3u);  // none for the dropped copy

  ShadowMirror off(options(0), answers.sink());
  EXPECT_FALSE(off.mirror(primary_request("e"), "route-a", "m/1", 0, backend));
  EXPECT_EQ(off.counters().dropped, 1u);
}

TEST(ShadowMirror, ABackendWhoseStartThrowsIsCountedAndNeverPropagates) {
  auto backend = std::make_shared<FakeShadowBackend>(FakeShadowBackend::Mode::Throw);
  Answers answers;
  ShadowMirror mirror(options(1), answers.sink());
  bool started = true;
  EXPECT_NO_THROW(started = mirror.mirror(primary_request(), "r", "m/1", 0, backend));
  EXPECT_FALSE(started);
  auto counters = mirror.counters();
  EXPECT_EQ(counters.failed, 1u);
  EXPECT_EQ(counters.in_flight, 0);  // its slot is free again
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers.at(0).status, 500);
  ASSERT_TRUE(answers.at(0).error.has_value());
  EXPECT_NE(answers.at(0).error->message.find("connection refused"), std::string::npos);

  // A version that is not loaded: counted, nothing started, nothing reported.
  EXPECT_FALSE(mirror.mirror(primary_request(), "r", "m/2", 0, nullptr));
  mirror.count_unavailable("r", "m/3");
  counters = mirror.counters();
  EXPECT_EQ(counters.unavailable, 2u);
  EXPECT_EQ(answers.size(), 1u);
}

TEST(ShadowMirror, AHangingCopyIsCancelledByTheDestructorAndReportedOnce) {
  auto backend = std::make_shared<FakeShadowBackend>(FakeShadowBackend::Mode::Cancelable);
  Answers answers;
  // The counters as the answer arrives (the destructor is still running then).
  ShadowMirror* raw = nullptr;
  ShadowMirror::Counters at_answer;
  auto mirror = std::make_unique<ShadowMirror>(
      options(), [&, sink = answers.sink()](ShadowAnswer&& answer) mutable {
        at_answer = raw->counters();
        sink(std::move(answer));
      });
  raw = mirror.get();
  ASSERT_TRUE(mirror->mirror(primary_request(), "r", "m/1", 0, backend));
  EXPECT_EQ(mirror->counters().in_flight, 1);

  mirror.reset();
  EXPECT_EQ(backend->cancels(), 1);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers.at(0).status, 500);
  EXPECT_EQ(answers.at(0).stats.finish_reason, "abort");
  EXPECT_EQ(at_answer.failed, 1u);
  EXPECT_EQ(at_answer.in_flight, 0);
}

TEST(ShadowMirror, ACopyThatIgnoresCancelIsNeverReportedAfterTheDestructor) {
  auto backend = std::make_shared<FakeShadowBackend>(FakeShadowBackend::Mode::Deaf);
  Answers answers;
  auto mirror = std::make_unique<ShadowMirror>(options(), answers.sink());
  ASSERT_TRUE(mirror->mirror(primary_request(), "r", "m/1", 0, backend));
  const auto started = std::chrono::steady_clock::now();
  mirror.reset();  // waits at most a second for the copy
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(backend->cancels(), 1);
  backend->respond(0, {{"late", true}});  // the sink outlives the mirror; its answer goes nowhere
  EXPECT_EQ(answers.size(), 0u);
}

TEST(ShadowMirror, TheAnswerSinkRunsOncePerStartedCopyFromManyThreads) {
  auto backend = std::make_shared<FakeShadowBackend>();
  Answers answers;
  ShadowMirror mirror(options(64), answers.sink());
  constexpr int kCopies = 48;
  for (int i = 0; i < kCopies; ++i)
    ASSERT_TRUE(mirror.mirror(primary_request(primary_id(i)), "r", "m/1", i, backend));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCopies; i += 4) backend->respond(static_cast<std::size_t>(i), {});
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(answers.wait_for(kCopies));
  EXPECT_EQ(answers.size(), static_cast<std::size_t>(kCopies));
  std::set<std::string> ids;
  for (int i = 0; i < kCopies; ++i) ids.insert(answers.at(static_cast<std::size_t>(i)).id);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCopies));
  EXPECT_EQ(ids.count("p5-shadow-5"), 1u);
  EXPECT_EQ(mirror.counters().succeeded, static_cast<uint64_t>(kCopies));
  EXPECT_EQ(mirror.counters().in_flight, 0);
}

TEST(ShadowMirror, MetricsTextListsEveryCounterInPrometheusFormat) {
  auto backend = std::make_shared<FakeShadowBackend>();
  Answers answers;
  ShadowMirror mirror(options(2), answers.sink());
  ASSERT_TRUE(mirror.mirror(primary_request(), "support", "m/1", 0, backend));
  ASSERT_TRUE(mirror.mirror(primary_request(), "support", "m/1", 1, backend));
  EXPECT_FALSE(mirror.mirror(primary_request(), "support", "m/1", 2, backend));
  mirror.count_unavailable("we\"ird\\route\n", "m/2");
  backend->respond(0, {});
  EXPECT_NE(mirror.metrics_text().find("slipway_shadow_in_flight 1\n"), std::string::npos);
  backend->fail(1, ApiError::internal("boom"));

  const std::string text = mirror.metrics_text();
  for (const char* line : {
           "# HELP slipway_shadow_requests_total ",
           "# TYPE slipway_shadow_requests_total counter\n",
           "slipway_shadow_requests_total{route=\"support\",version=\"m/1\",result=\"succeeded\"} "
           "1\n",
           "slipway_shadow_requests_total{route=\"support\",version=\"m/1\",result=\"failed\"} 1\n",
           "slipway_shadow_requests_total{route=\"support\",version=\"m/1\",result=\"dropped\"} "
           "1\n",
           "slipway_shadow_requests_total{route=\"we\\\"ird\\\\route\\n\",version=\"m/2\","
           "result=\"unavailable\"} 1\n",
           "# HELP slipway_shadow_in_flight ",
           "# TYPE slipway_shadow_in_flight gauge\n",
           "slipway_shadow_in_flight 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

TEST(ShadowMirror, BadOptionsAreRefusedWithAClearError) {
  auto sink = [](ShadowAnswer&&) {};
  ShadowOptions negative;
  negative.max_in_flight = -1;
  EXPECT_THROW({ ShadowMirror mirror(negative, sink); }, std::invalid_argument);
  ShadowOptions no_time;
  no_time.timeout = 0ms;
  EXPECT_THROW({ ShadowMirror mirror(no_time, sink); }, std::invalid_argument);
  EXPECT_THROW({ ShadowMirror mirror(ShadowOptions{}, nullptr); }, std::invalid_argument);
}

}  // namespace
}  // namespace slipway::traffic
