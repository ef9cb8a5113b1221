#include "backends/resilience/guarded_backend.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "resilience/resilience_fakes.h"

namespace slipway::backends {
namespace {

using std::chrono::milliseconds;
using testing::Answer;
using testing::FakeClock;
using testing::RecordingSink;
using testing::ScriptedBackend;

struct Guarded {
  explicit Guarded(int threshold, HealthCheckOptions health = {})
      : inner(std::make_shared<ScriptedBackend>("demo/2")),
        backend(std::make_shared<GuardedBackend>(
            inner, CircuitOptions{threshold, milliseconds(10'000), 1}, health, clock.function())) {}

  std::shared_ptr<RecordingSink> send(std::shared_ptr<RequestControl>* control = nullptr) {
    auto sink = std::make_shared<RecordingSink>();
    auto started = backend->start(ApiRequest{}, sink);
    if (control != nullptr) *control = started;
    return sink;
  }

  FakeClock clock;
  std::shared_ptr<ScriptedBackend> inner;
  std::shared_ptr<GuardedBackend> backend;
};

TEST(ResilienceGuarded, ServerErrorsOpenTheCircuitAndRefusalIsImmediate) {
  Guarded g(2);
  g.inner->answer(Answer::Fail, 502);
  for (int i = 0; i < 2; ++i) {
    auto sink = g.send();
    ASSERT_EQ(sink->errors.size(), 1u);
    EXPECT_EQ(sink->errors[0].status, 502);
  }
  EXPECT_FALSE(g.backend->available());
  EXPECT_EQ(g.backend->stats().circuit_state, 1);
  EXPECT_EQ(g.backend->stats().circuit_opened_total, 1u);
  EXPECT_EQ(g.backend->stats().running, 3);  // the inner's gauges pass through

  auto refused = g.send();
  EXPECT_EQ(g.inner->starts(), 2);  // never reached the backend
  ASSERT_EQ(refused->errors.size(), 1u);
  const ApiError& error = refused->errors[0];
  EXPECT_EQ(error.status, 503);
  EXPECT_EQ(error.code, "backend_unavailable");
  EXPECT_NE(error.message.find("demo/2"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("retry after 10 s"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("2 consecutive failures, last: 502 scripted failure"),
            std::string::npos)
      << error.message;
  ASSERT_EQ(refused->done.size(), 1u);
  EXPECT_EQ(refused->done[0].finish_reason, "error");
  EXPECT_EQ(refused->done[0].served_by, "demo/2");

  g.clock.advance(milliseconds(9'500));
  EXPECT_NE(g.send()->errors[0].message.find("retry after 1 s"), std::string::npos);
}

TEST(ResilienceGuarded, ClientErrorsCountAsAnswers) {
  Guarded g(2);
  g.inner->answer(Answer::Fail, 400);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(g.send()->errors.at(0).status, 400);
  EXPECT_TRUE(g.backend->available());
  // A 4xx between two 5xx breaks the run of failures.
  g.inner->answer(Answer::Fail, 503);
  g.send();
  g.inner->answer(Answer::Fail, 429);
  g.send();
  g.inner->answer(Answer::Fail, 504);
  g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Closed);
  g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);
}

TEST(ResilienceGuarded, ErrorsAfterChunksAreFailuresAndEventsPassUnchanged) {
  Guarded g(1);
  g.inner->answer(Answer::FailAfterChunks, 502);
  auto sink = g.send();
  ASSERT_EQ(sink->chunks.size(), 1u);
  EXPECT_EQ(sink->chunks[0], (Json{{"delta", "Hel"}}));
  ASSERT_EQ(sink->errors.size(), 1u);
  EXPECT_EQ(sink->errors[0].message, "scripted failure");
  ASSERT_EQ(sink->done.size(), 1u);
  EXPECT_EQ(sink->done[0].served_by, "demo/2");
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);
}

TEST(ResilienceGuarded, AnswersPassThroughAndCountAsSuccesses) {
  Guarded g(2);
  g.inner->answer(Answer::Fail, 500);
  g.send();
  g.inner->answer(Answer::Stream);
  auto stream = g.send();
  ASSERT_EQ(stream->chunks.size(), 2u);
  EXPECT_EQ(stream->chunks[1], (Json{{"delta", "lo"}}));
  g.inner->answer(Answer::Fail, 500);
  g.send();
  EXPECT_TRUE(g.backend->available());  // the stream reset the run
  g.inner->answer(Answer::Respond);
  auto answered = g.send();
  ASSERT_EQ(answered->responses.size(), 1u);
  EXPECT_EQ(answered->responses[0]["object"], "chat.completion");
  EXPECT_EQ(g.backend->name(), "demo/2");
  EXPECT_EQ(g.backend->model_card()["id"], "demo/2");
}

TEST(ResilienceGuarded, CancelDoesNotCount) {
  Guarded g(2);
  g.inner->answer(Answer::Fail, 502);
  g.send();
  g.inner->answer(Answer::Hang);
  std::shared_ptr<RequestControl> control;
  auto sink = g.send(&control);
  ASSERT_NE(control, nullptr);
  control->cancel();
  ASSERT_EQ(sink->done.size(), 1u);
  EXPECT_EQ(sink->done[0].finish_reason, "abort");
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Closed);  // not a failure
  g.inner->answer(Answer::Fail, 502);
  g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);  // nor a success
}

TEST(ResilienceGuarded, HalfOpenProbeDecidesAndCancelledProbeFreesTheSlot) {
  Guarded g(1);
  g.inner->answer(Answer::Fail, 502);
  g.send();
  g.clock.advance(milliseconds(10'000));
  EXPECT_TRUE(g.backend->available());  // half-open: probes may come
  EXPECT_EQ(g.backend->stats().circuit_state, 2);

  g.inner->answer(Answer::Hang);
  std::shared_ptr<RequestControl> probe;
  g.send(&probe);
  EXPECT_EQ(g.send()->errors.at(0).code, "backend_unavailable");  // the probe is running
  probe->cancel();

  g.inner->answer(Answer::Fail, 502);  // a failed probe reopens
  g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);
  EXPECT_EQ(g.backend->circuit().opened_total(), 2u);

  g.clock.advance(milliseconds(10'000));
  g.inner->answer(Answer::Respond);  // a good one closes
  EXPECT_EQ(g.send()->responses.size(), 1u);
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Closed);
  EXPECT_EQ(g.inner->starts(), 4);
}

TEST(ResilienceGuarded, ThrowingBackendIsReportedAndCounted) {
  Guarded g(1);
  g.inner->answer(Answer::Throw);
  auto sink = g.send();
  ASSERT_EQ(sink->errors.size(), 1u);
  EXPECT_EQ(sink->errors[0].status, 500);
  EXPECT_NE(sink->errors[0].message.find("scripted crash"), std::string::npos);
  ASSERT_EQ(sink->done.size(), 1u);
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);
}

TEST(ResilienceGuarded, ExactlyOneRecordPerRequestUnderConcurrency) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  constexpr int kRequests = kThreads * kPerThread;
  Guarded g(kRequests);  // opens on exactly the kRequests-th failure
  g.inner->answer(Answer::Fail, 502);
  auto run = [&](int per_thread) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < per_thread; ++i) g.send();
      });
    }
    for (auto& thread : threads) thread.join();
  };
  run(kPerThread - 1);
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Closed);
  // Cancels racing the backend's own end count as nothing.
  g.inner->answer(Answer::Hang);
  std::vector<std::shared_ptr<RequestControl>> hung(kRequests);
  for (auto& control : hung) g.send(&control);
  std::vector<std::thread> cancellers;
  for (int t = 0; t < kThreads; ++t) {
    cancellers.emplace_back([&] {
      for (auto& control : hung) control->cancel();
    });
  }
  for (auto& thread : cancellers) thread.join();
  g.inner->answer(Answer::Fail, 502);
  for (int i = 0; i < kThreads - 1; ++i) g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Closed);
  g.send();
  EXPECT_EQ(g.backend->circuit().state(), CircuitState::Open);
}

TEST(ResilienceGuarded, RejectsMissingBackendAndBadHealthOptions) {
  EXPECT_THROW(GuardedBackend(nullptr, CircuitOptions{}), std::invalid_argument);
  HealthCheckOptions health;
  health.failures_to_remove = 0;
  EXPECT_THROW(GuardedBackend(std::make_shared<ScriptedBackend>(), CircuitOptions{}, health),
               std::invalid_argument);
}

}  // namespace
}  // namespace slipway::backends
