#pragma once
// Circuit breaking for one backend. Closed: requests pass, and `failure_threshold`
// consecutive failures (5xx answers, timeouts, connection errors; never a client's 4xx) open
// it. Open: requests are refused at once (the caller answers 503 with retry-after, or a
// route's fallback answers) for `open_for`. Then half-open: `half_open_probes` requests may
// pass; a success closes the circuit, a failure opens it again for another `open_for`.
// A health checker may also force it open (failed checks) and close it (a passing probe).
// Thread-safe; the clock is injectable so tests step through states without sleeping.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace slipway::backends {

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

struct CircuitOptions {
  int failure_threshold = 5;
  std::chrono::milliseconds open_for{10'000};
  int half_open_probes = 1;
};

enum class CircuitState { Closed, Open, HalfOpen };
std::string_view circuit_state_name(CircuitState state);  // "closed" | "open" | "half_open"

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitOptions options = {}, SteadyClock clock = nullptr);

  // Whether a request may go to the backend now; true in half-open takes a probe slot, which
  // the request's record_success()/record_failure() gives back.
  bool allow();
  // Outcomes of allowed requests. record_success() returns whether it closed the circuit,
  // record_failure() whether it opened it; `detail` (e.g. "502 upstream answered ...") goes
  // into reason(). record_cancelled(): the caller gave up, which says nothing about the
  // backend; it only gives back a probe slot.
  bool record_success();
  bool record_failure(std::string detail = {});
  void record_cancelled();
  // Health checks: an unhealthy backend is opened (out of rotation) until a check passes.
  void force_open(std::string reason);
  void health_restored();
  bool forced_open() const;  // by force_open(), until health_restored()

  CircuitState state() const;  // Open turns HalfOpen when read after open_for
  // How long until an open circuit lets a probe through (0 when not open). A forced-open
  // circuit waits for a passing health check instead; this is then only a lower bound.
  std::chrono::milliseconds retry_after() const;
  std::string reason() const;  // why it opened ("5 consecutive failures: ...", a check's detail)
  uint64_t opened_total() const;

 private:
  CircuitState state_locked(std::chrono::steady_clock::time_point now) const;
  void open_locked(std::chrono::steady_clock::time_point now, std::string reason);
  void give_back_probe_locked();
  CircuitOptions options_;
  SteadyClock clock_;
  mutable std::mutex mutex_;
  mutable CircuitState state_ = CircuitState::Closed;
  int consecutive_failures_ = 0;
  int probes_in_flight_ = 0;
  bool held_open_ = false;  // by a failed health check: only health_restored() closes it
  std::chrono::steady_clock::time_point opened_at_{};
  std::string reason_;
  uint64_t opened_total_ = 0;
};

}  // namespace slipway::backends
