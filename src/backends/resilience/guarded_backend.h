#pragma once
// A Backend wrapped with a circuit breaker and a health checker: the failover layer every
// served backend (embedded or upstream) sits behind. While the circuit is open the backend is
// out of rotation: available() is false (a route's fallback answers instead) and a request
// that still reaches it is refused at once with 503 `backend_unavailable` and a retry-after,
// never queued behind a dead upstream. Outcomes are classified from the sink's events: 5xx
// errors (502, 503 from the backend itself, 504) count as failures, 4xx and answers as
// successes, a client's cancel as neither.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "backends/resilience/circuit_breaker.h"
#include "backends/resilience/outcome_sink.h"

namespace slipway::backends {

struct HealthCheckOptions {
  std::chrono::milliseconds interval{10'000};  // a check every interval while healthy
  std::chrono::milliseconds timeout{5'000};    // a check not answered by then failed
  int failures_to_remove = 2;                  // consecutive failed checks: out of rotation
  std::chrono::milliseconds cooldown{15'000};  // out of rotation: probed again after this
};

class GuardedBackend : public Backend, public std::enable_shared_from_this<GuardedBackend> {
 public:
  GuardedBackend(std::shared_ptr<Backend> inner, CircuitOptions circuit,
                 HealthCheckOptions health = {}, SteadyClock clock = nullptr);

  const std::string& name() const override;
  Json model_card() const override;
  std::shared_ptr<RequestControl> start(ApiRequest request,
                                        std::shared_ptr<ResponseSink> sink) override;
  void check_health(std::chrono::milliseconds timeout,
                    std::function<void(HealthStatus)> done) override;
  BackendStats stats() const override;
  bool available() const override;  // false while the circuit is open

  // One health check now (health.timeout), applied to the circuit: failures_to_remove
  // consecutive failures force it open, a pass restores it. HealthChecker calls it on its
  // schedule.
  void run_health_check(std::function<void()> done = {});
  const HealthCheckOptions& health_options() const { return health_; }
  const CircuitBreaker& circuit() const { return circuit_; }
  CircuitBreaker& circuit() { return circuit_; }
  const std::shared_ptr<Backend>& inner() const { return inner_; }

 private:
  void record(RequestOutcome outcome, const std::string& detail);
  void apply_health(const HealthStatus& status);

  std::shared_ptr<Backend> inner_;
  CircuitBreaker circuit_;
  HealthCheckOptions health_;
  std::atomic<int> failed_checks_{0};
};

// Checks every registered backend on its schedule from one thread: every health.interval
// while in rotation, every health.cooldown while out of it. Holds backends weakly: an unloaded
// one drops out.
class HealthChecker {
 public:
  HealthChecker();
  explicit HealthChecker(SteadyClock clock);  // schedules by this clock (tests step it)
  ~HealthChecker();                           // stops and joins
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void add(const std::shared_ptr<GuardedBackend>& backend);  // first check at once
  void stop();
  // Re-reads the clock and starts every check now due; returns once they are started (tests
  // stepping a fake clock, or "check now").
  void wake();
  std::size_t size() const;  // backends watched; unloaded ones drop out at the next round

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace slipway::backends
