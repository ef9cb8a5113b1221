#include <gtest/gtest.h>

#include <future>

#include "backends/resilience/guarded_backend.h"
#include "resilience/resilience_fakes.h"

namespace slipway::backends {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;
using testing::Health;
using testing::RecordingSink;
using testing::ScriptedBackend;

HealthCheckOptions health_options(milliseconds timeout = milliseconds(5'000)) {
  HealthCheckOptions health;
  health.timeout = timeout;
  health.failures_to_remove = 2;
  return health;
}

class ResilienceHealth : public ::testing::Test {
 protected:
  void make(HealthCheckOptions health) {
    backend = std::make_shared<GuardedBackend>(inner, CircuitOptions{3, milliseconds(10'000), 1},
                                               health, clock.function());
  }

  // Runs one check and waits for it to be applied (at most a few seconds of real time).
  void check() {
    std::promise<void> applied;
    auto future = applied.get_future();
    backend->run_health_check([&applied] { applied.set_value(); });
    ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  }

  HealthStatus reported() {
    HealthStatus status;
    backend->check_health(milliseconds(100), [&status](HealthStatus s) { status = s; });
    return status;
  }

  FakeClock clock;
  std::shared_ptr<ScriptedBackend> inner = std::make_shared<ScriptedBackend>("demo/3");
  std::shared_ptr<GuardedBackend> backend;
};

TEST_F(ResilienceHealth, ConsecutiveFailedChecksTakeItOutUntilOnePasses) {
  make(health_options());
  inner->health(Health::Unhealthy);
  check();
  EXPECT_TRUE(backend->available());  // one failure is not enough
  check();
  EXPECT_FALSE(backend->available());
  EXPECT_TRUE(backend->circuit().forced_open());
  EXPECT_EQ(backend->circuit().reason(), "2 failed health checks, last: connection refused");
  const HealthStatus status = reported();
  EXPECT_FALSE(status.healthy);
  EXPECT_NE(status.detail.find("connection refused"), std::string::npos);

  // Out of rotation whatever time passes or requests do, until a check passes.
  clock.advance(milliseconds(60'000));
  EXPECT_FALSE(backend->available());
  auto sink = std::make_shared<RecordingSink>();
  backend->start(ApiRequest{}, sink);
  EXPECT_EQ(inner->starts(), 0);
  EXPECT_EQ(sink->errors.at(0).code, "backend_unavailable");
  EXPECT_NE(sink->errors[0].message.find("retry after 15 s"), std::string::npos)
      << sink->errors[0].message;

  inner->health(Health::Healthy);
  check();
  EXPECT_TRUE(backend->available());
  EXPECT_FALSE(backend->circuit().forced_open());
  EXPECT_TRUE(reported().healthy);
  EXPECT_EQ(reported().detail, "pong");  // forwarded to the backend
}

TEST_F(ResilienceHealth, PassingCheckResetsTheCount) {
  make(health_options());
  inner->health(Health::Unhealthy);
  check();
  inner->health(Health::Healthy);
  check();
  inner->health(Health::Unhealthy);
  check();
  EXPECT_TRUE(backend->available());
  check();
  EXPECT_FALSE(backend->available());
}

TEST_F(ResilienceHealth, UnansweredCheckFailsAtItsTimeoutAndLateAnswersAreIgnored) {
  make(health_options(milliseconds(1)));
  inner->health(Health::Silent);
  check();
  check();
  EXPECT_FALSE(backend->available());
  EXPECT_NE(backend->circuit().reason().find("not answered within 1 ms"), std::string::npos)
      << backend->circuit().reason();
  EXPECT_TRUE(inner->answer_silent_checks(HealthStatus{true, "late"}));
  EXPECT_FALSE(backend->available());
}

TEST_F(ResilienceHealth, CheckOfAnUnloadedBackendStillFinishes) {
  make(health_options(milliseconds(1)));
  inner->health(Health::Silent);
  std::promise<void> finished;
  auto future = finished.get_future();
  backend->run_health_check([&finished] { finished.set_value(); });
  backend.reset();
  EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace slipway::backends
