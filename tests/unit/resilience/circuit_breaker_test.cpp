#include "backends/resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "resilience/resilience_fakes.h"

namespace slipway::backends {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

CircuitOptions options(int threshold, int probes = 1) {
  return CircuitOptions{threshold, milliseconds(10'000), probes};
}

void open(CircuitBreaker& circuit, int failures) {
  for (int i = 0; i < failures; ++i) {
    ASSERT_TRUE(circuit.allow());
    circuit.record_failure("502 boom");
  }
  ASSERT_EQ(circuit.state(), CircuitState::Open);
}

TEST(ResilienceCircuit, OpensAfterThresholdConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker circuit(options(3), clock.function());
  EXPECT_FALSE(circuit.record_failure("502 a"));
  EXPECT_FALSE(circuit.record_failure("502 b"));
  EXPECT_FALSE(circuit.record_success());  // resets the run
  EXPECT_FALSE(circuit.record_failure("502 c"));
  EXPECT_FALSE(circuit.record_failure("502 d"));
  EXPECT_EQ(circuit.state(), CircuitState::Closed);
  EXPECT_TRUE(circuit.allow());
  EXPECT_TRUE(circuit.record_failure("502 upstream answered 502"));
  EXPECT_EQ(circuit.state(), CircuitState::Open);
  EXPECT_FALSE(circuit.allow());
  EXPECT_EQ(circuit.reason(), "3 consecutive failures, last: 502 upstream answered 502");
  EXPECT_EQ(circuit.opened_total(), 1u);
  EXPECT_EQ(circuit.retry_after(), milliseconds(10'000));
  EXPECT_FALSE(circuit.forced_open());
}

TEST(ResilienceCircuit, TurnsHalfOpenAfterOpenFor) {
  FakeClock clock;
  CircuitBreaker circuit(options(1), clock.function());
  open(circuit, 1);
  clock.advance(milliseconds(9'999));
  EXPECT_EQ(circuit.state(), CircuitState::Open);
  EXPECT_EQ(circuit.retry_after(), milliseconds(1));
  EXPECT_FALSE(circuit.allow());
  clock.advance(milliseconds(1));
  EXPECT_EQ(circuit.state(), CircuitState::HalfOpen);
  EXPECT_EQ(circuit.retry_after(), milliseconds(0));
  EXPECT_TRUE(circuit.allow());   // the one probe
  EXPECT_FALSE(circuit.allow());  // no second one while it runs
}

TEST(ResilienceCircuit, ProbeSuccessCloses) {
  FakeClock clock;
  CircuitBreaker circuit(options(2), clock.function());
  open(circuit, 2);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(circuit.allow());
  EXPECT_TRUE(circuit.record_success());
  EXPECT_EQ(circuit.state(), CircuitState::Closed);
  EXPECT_EQ(circuit.reason(), "");
  EXPECT_TRUE(circuit.allow());
  EXPECT_TRUE(circuit.allow());
  // Counting starts afresh: one failure does not reopen a threshold-2 circuit.
  EXPECT_FALSE(circuit.record_failure());
  EXPECT_EQ(circuit.state(), CircuitState::Closed);
}

TEST(ResilienceCircuit, ProbeFailureReopensForAnotherOpenFor) {
  FakeClock clock;
  CircuitBreaker circuit(options(5), clock.function());
  open(circuit, 5);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(circuit.allow());
  EXPECT_TRUE(circuit.record_failure("504 timed out"));
  EXPECT_EQ(circuit.state(), CircuitState::Open);
  EXPECT_EQ(circuit.opened_total(), 2u);
  EXPECT_NE(circuit.reason().find("504 timed out"), std::string::npos);
  clock.advance(milliseconds(9'999));
  EXPECT_FALSE(circuit.allow());
  clock.advance(milliseconds(1));
  EXPECT_TRUE(circuit.allow());
}

TEST(ResilienceCircuit, CancelledProbeGivesItsSlotBack) {
  FakeClock clock;
  CircuitBreaker circuit(options(1), clock.function());
  open(circuit, 1);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(circuit.allow());
  circuit.record_cancelled();
  EXPECT_EQ(circuit.state(), CircuitState::HalfOpen);
  EXPECT_TRUE(circuit.allow());
}

TEST(ResilienceCircuit, HalfOpenAllowsExactlyItsProbesUnderConcurrency) {
  FakeClock clock;
  CircuitBreaker circuit(options(1, 3), clock.function());
  open(circuit, 1);
  clock.advance(milliseconds(10'000));
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) allowed += circuit.allow() ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 3);
}

TEST(ResilienceCircuit, ForcedOpenHoldsUntilHealthRestored) {
  FakeClock clock;
  CircuitBreaker circuit(options(2), clock.function());
  circuit.force_open("2 failed health checks, last: connection refused");
  EXPECT_TRUE(circuit.forced_open());
  EXPECT_EQ(circuit.opened_total(), 1u);
  clock.advance(milliseconds(60'000));  // long past open_for: no half-open
  EXPECT_EQ(circuit.state(), CircuitState::Open);
  EXPECT_FALSE(circuit.allow());
  EXPECT_FALSE(circuit.record_success());  // a straggler's success changes nothing
  EXPECT_EQ(circuit.state(), CircuitState::Open);
  circuit.force_open("3 failed health checks, last: timeout");
  EXPECT_EQ(circuit.opened_total(), 1u);  // still the same opening
  EXPECT_EQ(circuit.reason(), "3 failed health checks, last: timeout");

  circuit.health_restored();
  EXPECT_FALSE(circuit.forced_open());
  EXPECT_EQ(circuit.state(), CircuitState::Closed);
  EXPECT_EQ(circuit.reason(), "");
  EXPECT_TRUE(circuit.allow());
  EXPECT_FALSE(circuit.record_failure());
  EXPECT_EQ(circuit.state(), CircuitState::Closed);
}

TEST(ResilienceCircuit, ForcingAnOpenCircuitHoldsIt) {
  FakeClock clock;
  CircuitBreaker circuit(options(1), clock.function());
  open(circuit, 1);
  circuit.force_open("health check failed");
  EXPECT_EQ(circuit.opened_total(), 1u);
  clock.advance(milliseconds(20'000));
  EXPECT_EQ(circuit.state(), CircuitState::Open);
}

TEST(ResilienceCircuit, RejectsNonsenseOptions) {
  EXPECT_THROW(CircuitBreaker(options(0)), std::invalid_argument);
  EXPECT_THROW(CircuitBreaker(options(1, 0)), std::invalid_argument);
  EXPECT_THROW(CircuitBreaker(CircuitOptions{1, milliseconds(-1), 1}), std::invalid_argument);
}

TEST(ResilienceCircuit, DefaultClockWorks) {
  CircuitBreaker circuit(CircuitOptions{1, milliseconds(0), 1});
  EXPECT_TRUE(circuit.record_failure());
  EXPECT_EQ(circuit.state(), CircuitState::HalfOpen);  // open_for 0: probe at once
}

TEST(ResilienceCircuit, NamesStates) {
  EXPECT_EQ(circuit_state_name(CircuitState::Closed), "closed");
  EXPECT_EQ(circuit_state_name(CircuitState::Open), "open");
  EXPECT_EQ(circuit_state_name(CircuitState::HalfOpen), "half_open");
}

}  // namespace
}  // namespace slipway::backends
