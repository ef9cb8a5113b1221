#include "backends/resilience/circuit_breaker.h"

#include <stdexcept>
#include <utility>

namespace slipway::backends {

std::string_view circuit_state_name(CircuitState state) {
  switch (state) {
    case CircuitState::Closed:
      return "closed";
    case CircuitState::Open:
      return "open";
    case CircuitState::HalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(CircuitOptions options, SteadyClock clock)
    : options_(options), clock_(std::move(clock)) {
  if (options_.failure_threshold < 1) {
    throw std::invalid_argument("circuit failure_threshold must be at least 1, got " +
                                std::to_string(options_.failure_threshold));
  }
  if (options_.half_open_probes < 1) {
    throw std::invalid_argument("circuit half_open_probes must be at least 1, got " +
                                std::to_string(options_.half_open_probes));
  }
  if (options_.open_for.count() < 0) {
    throw std::invalid_argument("circuit open_for must not be negative");
  }
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

CircuitState CircuitBreaker::state_locked(std::chrono::steady_clock::time_point now) const {
  // Only request-driven openings time out; a failed health check holds the circuit open.
  if (state_ == CircuitState::Open && !held_open_ && now - opened_at_ >= options_.open_for) {
    state_ = CircuitState::HalfOpen;
  }
  return state_;
}

void CircuitBreaker::open_locked(std::chrono::steady_clock::time_point now, std::string reason) {
  if (state_ != CircuitState::Open) ++opened_total_;
  state_ = CircuitState::Open;
  opened_at_ = now;
  probes_in_flight_ = 0;
  reason_ = std::move(reason);
}

void CircuitBreaker::give_back_probe_locked() {
  // Saturating: a request let through while closed may finish after the circuit turned
  // half-open, and never held a slot.
  if (probes_in_flight_ > 0) --probes_in_flight_;
}

bool CircuitBreaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_locked(clock_())) {
    case CircuitState::Closed:
      return true;
    case CircuitState::Open:
      return false;
    case CircuitState::HalfOpen:
      if (probes_in_flight_ >= options_.half_open_probes) return false;
      ++probes_in_flight_;
      return true;
  }
  return false;
}

bool CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  const CircuitState state = state_locked(clock_());
  give_back_probe_locked();
  consecutive_failures_ = 0;
  if (state != CircuitState::HalfOpen) return false;
  state_ = CircuitState::Closed;
  reason_.clear();
  return true;
}

bool CircuitBreaker::record_failure(std::string detail) {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  const CircuitState state = state_locked(now);
  give_back_probe_locked();
  ++consecutive_failures_;
  std::string last;
  if (!detail.empty()) last.append(", last: ").append(detail);
  if (state == CircuitState::HalfOpen) {
    open_locked(now, std::string("probe failed while half-open").append(last));
    return true;
  }
  if (state == CircuitState::Closed && consecutive_failures_ >= options_.failure_threshold) {
    std::string reason = std::to_string(consecutive_failures_);
    reason.append(" consecutive failures").append(last);
    open_locked(now, std::move(reason));
    return true;
  }
  return false;
}

void CircuitBreaker::record_cancelled() {
  std::lock_guard lock(mutex_);
  state_locked(clock_());
  give_back_probe_locked();
}

void CircuitBreaker::force_open(std::string reason) {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  state_locked(now);
  if (held_open_ && state_ == CircuitState::Open) {
    reason_ = std::move(reason);  // still failing: keep the first opening time
    return;
  }
  held_open_ = true;
  open_locked(now, std::move(reason));
}

void CircuitBreaker::health_restored() {
  std::lock_guard lock(mutex_);
  held_open_ = false;
  state_ = CircuitState::Closed;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  reason_.clear();
}

bool CircuitBreaker::forced_open() const {
  std::lock_guard lock(mutex_);
  return held_open_;
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_locked(clock_());
}

std::chrono::milliseconds CircuitBreaker::retry_after() const {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  if (state_locked(now) != CircuitState::Open) return std::chrono::milliseconds(0);
  const auto left = options_.open_for - (now - opened_at_);
  if (left.count() <= 0) return std::chrono::milliseconds(0);
  // Round up: a client told "0" would retry into a still-open circuit.
  return std::chrono::ceil<std::chrono::milliseconds>(left);
}

std::string CircuitBreaker::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

uint64_t CircuitBreaker::opened_total() const {
  std::lock_guard lock(mutex_);
  return opened_total_;
}

}  // namespace slipway::backends
