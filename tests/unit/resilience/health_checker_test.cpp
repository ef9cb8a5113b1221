#include <gtest/gtest.h>

#include "backends/resilience/guarded_backend.h"
#include "resilience/resilience_fakes.h"

namespace slipway::backends {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::Health;
using testing::ScriptedBackend;

std::shared_ptr<GuardedBackend> guard(const std::shared_ptr<ScriptedBackend>& inner,
                                      const FakeClock& clock,
                                      milliseconds timeout = milliseconds(5'000)) {
  HealthCheckOptions health;
  health.interval = milliseconds(10'000);
  health.cooldown = milliseconds(15'000);
  health.timeout = timeout;
  health.failures_to_remove = 1;
  return std::make_shared<GuardedBackend>(inner, CircuitOptions{}, health, clock.function());
}

TEST(ResilienceHealthChecker, ChecksAtOnceThenEveryInterval) {
  FakeClock clock;
  auto inner = std::make_shared<ScriptedBackend>();
  auto backend = guard(inner, clock);
  HealthChecker checker(clock.function());
  checker.add(backend);
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 1);
  clock.advance(milliseconds(9'999));
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 1);
  clock.advance(milliseconds(1));
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 2);
  EXPECT_EQ(checker.size(), 1u);
}

TEST(ResilienceHealthChecker, ProbesEveryCooldownWhileOutOfRotation) {
  FakeClock clock;
  auto inner = std::make_shared<ScriptedBackend>();
  inner->health(Health::Unhealthy);
  auto backend = guard(inner, clock);
  HealthChecker checker(clock.function());
  checker.add(backend);
  checker.wake();
  ASSERT_EQ(inner->health_calls(), 1);
  EXPECT_FALSE(backend->available());
  EXPECT_EQ(backend->circuit().reason(), "1 failed health check, last: connection refused");

  clock.advance(milliseconds(10'000));  // an interval: not yet
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 1);
  clock.advance(milliseconds(5'000));  // the cooldown
  inner->health(Health::Healthy);
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 2);
  EXPECT_TRUE(backend->available());

  clock.advance(milliseconds(10'000));  // back in rotation: every interval again
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 3);
}

TEST(ResilienceHealthChecker, NeverTwoChecksOfOneBackendInFlight) {
  FakeClock clock;
  auto inner = std::make_shared<ScriptedBackend>();
  inner->health(Health::Silent);
  auto backend = guard(inner, clock, milliseconds(3'600'000));
  HealthChecker checker(clock.function());
  checker.add(backend);
  checker.wake();
  for (int i = 0; i < 3; ++i) {
    clock.advance(milliseconds(30'000));
    checker.wake();
  }
  EXPECT_EQ(inner->health_calls(), 1);
  inner->health(Health::Healthy);
  ASSERT_TRUE(inner->answer_silent_checks(HealthStatus{true, "pong"}));
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 1);  // answered now: the next one is an interval away
  clock.advance(milliseconds(10'000));
  checker.wake();
  EXPECT_EQ(inner->health_calls(), 2);
}

TEST(ResilienceHealthChecker, DropsUnloadedBackends) {
  FakeClock clock;
  auto kept_inner = std::make_shared<ScriptedBackend>("kept/1");
  auto gone_inner = std::make_shared<ScriptedBackend>("gone/1");
  auto kept = guard(kept_inner, clock);
  auto gone = guard(gone_inner, clock);
  std::weak_ptr<GuardedBackend> gone_weak = gone;
  HealthChecker checker(clock.function());
  checker.add(kept);
  checker.add(gone);
  checker.wake();
  EXPECT_EQ(gone_inner->health_calls(), 1);
  gone.reset();
  EXPECT_TRUE(gone_weak.expired());  // the checker holds it weakly
  clock.advance(milliseconds(10'000));
  checker.wake();
  EXPECT_EQ(checker.size(), 1u);
  EXPECT_EQ(kept_inner->health_calls(), 2);
  EXPECT_EQ(gone_inner->health_calls(), 1);
}

TEST(ResilienceHealthChecker, StopsPromptlyWithChecksPendingAndFarOff) {
  auto inner = std::make_shared<ScriptedBackend>();
  inner->health(Health::Silent);
  HealthCheckOptions health;
  health.interval = std::chrono::hours(1);
  health.timeout = std::chrono::hours(1);
  auto backend = std::make_shared<GuardedBackend>(inner, CircuitOptions{}, health);
  auto idle = std::make_shared<GuardedBackend>(std::make_shared<ScriptedBackend>("idle/1"),
                                               CircuitOptions{}, health);
  const auto began = std::chrono::steady_clock::now();
  {
    HealthChecker checker;
    checker.add(backend);
    checker.add(idle);
    checker.wake();
    EXPECT_EQ(inner->health_calls(), 1);
    checker.stop();
    checker.stop();  // twice is fine
    checker.wake();  // and waking a stopped checker returns
  }
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(2));
  inner->answer_silent_checks(HealthStatus{true, "late"});  // after the checker is gone
}

}  // namespace
}  // namespace slipway::backends
