#include "backends/resilience/guarded_backend.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <utility>

#include "backends/resilience/bounded_health_check.h"
#include "backends/resilience/outcome_sink.h"

namespace slipway::backends {
namespace {

// A refused request has nothing to cancel.
class NoControl : public RequestControl {
 public:
  void cancel() override {}
};

int circuit_state_gauge(CircuitState state) {
  switch (state) {
    case CircuitState::Closed:
      return 0;
    case CircuitState::Open:
      return 1;
    case CircuitState::HalfOpen:
      return 2;
  }
  return 0;
}

// Wraps `use` for a callback that may outlive the backend (a request still running after it
// was unloaded): it reaches the backend through a weak_ptr when shared-owned, as served
// backends are, else directly (an unowned instance's owner keeps it alive).
template <class Use>
auto later(GuardedBackend& backend, Use use) {
  std::weak_ptr<GuardedBackend> weak = backend.weak_from_this();
  GuardedBackend* unowned = weak.expired() ? &backend : nullptr;
  return [weak, unowned, use = std::move(use)](auto&&... args) {
    if (unowned != nullptr) {
      use(*unowned, std::forward<decltype(args)>(args)...);
    } else if (auto self = weak.lock()) {
      use(*self, std::forward<decltype(args)>(args)...);
    }
  };
}

int64_t whole_seconds_up(std::chrono::milliseconds wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  return seconds < 1 ? 1 : seconds;
}

}  // namespace

GuardedBackend::GuardedBackend(std::shared_ptr<Backend> inner, CircuitOptions circuit,
                               HealthCheckOptions health, SteadyClock clock)
    : inner_(std::move(inner)), circuit_(circuit, std::move(clock)), health_(health) {
  if (!inner_) throw std::invalid_argument("GuardedBackend needs a backend to guard");
  if (health_.failures_to_remove < 1) {
    throw std::invalid_argument("health check failures_to_remove must be at least 1, got " +
                                std::to_string(health_.failures_to_remove));
  }
  if (health_.interval.count() <= 0 || health_.cooldown.count() <= 0 ||
      health_.timeout.count() <= 0) {
    throw std::invalid_argument("health check interval, timeout and cooldown must be positive");
  }
}

const std::string& GuardedBackend::name() const {
  return inner_->name();
}

Json GuardedBackend::model_card() const {
  return inner_->model_card();
}

std::shared_ptr<RequestControl> GuardedBackend::start(ApiRequest request,
                                                      std::shared_ptr<ResponseSink> sink) {
  if (!circuit_.allow()) {
    // A forced-open circuit reopens only after a passing check, at most a cooldown away.
    const auto wait = circuit_.forced_open() ? health_.cooldown : circuit_.retry_after();
    std::string message("model version '");
    message.append(name())
        .append("' is out of rotation (")
        .append(circuit_.reason())
        .append("); retry after ")
        .append(std::to_string(whole_seconds_up(wait)))
        .append(" s");
    auto error = ApiError::unavailable(std::move(message));
    error.code = "backend_unavailable";
    error.retry_after_seconds = whole_seconds_up(wait);
    sink->on_error(std::move(error));
    CompletionStats stats;
    stats.finish_reason = "error";
    stats.served_by = name();
    sink->on_done(stats);
    return std::make_shared<NoControl>();
  }

  auto watched = std::make_shared<OutcomeSink>(
      std::move(sink),
      later(*this, [](GuardedBackend& self, RequestOutcome outcome, const std::string& detail) {
        self.record(outcome, detail);
      }));
  std::shared_ptr<RequestControl> control;
  try {
    control = inner_->start(std::move(request), watched);
  } catch (const std::exception& error) {
    // Backends report errors through the sink; one that throws is broken.
    if (!watched->done()) {
      std::string message("model version '");
      message.append(name()).append("' failed to start the request: ").append(error.what());
      watched->on_error(ApiError::internal(std::move(message)));
      CompletionStats stats;
      stats.finish_reason = "error";
      stats.served_by = name();
      watched->on_done(stats);
    }
  }
  return std::make_shared<OutcomeControl>(watched, std::move(control));
}

void GuardedBackend::record(RequestOutcome outcome, const std::string& detail) {
  switch (outcome) {
    case RequestOutcome::Success:
      if (circuit_.record_success()) {
        spdlog::info("model version {} is back in rotation: a probe request succeeded", name());
      }
      return;
    case RequestOutcome::Failure:
      if (circuit_.record_failure(detail)) {
        spdlog::warn("model version {} is out of rotation: {}", name(), circuit_.reason());
      }
      return;
    case RequestOutcome::Cancelled:
      circuit_.record_cancelled();
      return;
  }
}

void GuardedBackend::check_health(std::chrono::milliseconds timeout,
                                  std::function<void(HealthStatus)> done) {
  if (circuit_.forced_open()) {
    done(HealthStatus{false, std::string("out of rotation: ").append(circuit_.reason())});
    return;
  }
  inner_->check_health(timeout, std::move(done));
}

BackendStats GuardedBackend::stats() const {
  BackendStats stats = inner_->stats();
  stats.circuit_state = circuit_state_gauge(circuit_.state());
  stats.circuit_opened_total = circuit_.opened_total();
  return stats;
}

bool GuardedBackend::available() const {
  return circuit_.state() != CircuitState::Open;  // half-open: let probes through
}

void GuardedBackend::run_health_check(std::function<void()> done) {
  auto apply = later(
      *this, [](GuardedBackend& self, const HealthStatus& status) { self.apply_health(status); });
  check_health_within(*inner_, health_.timeout,
                      [apply = std::move(apply), done = std::move(done)](HealthStatus status) {
                        apply(status);
                        if (done) done();
                      });
}

void GuardedBackend::apply_health(const HealthStatus& status) {
  if (status.healthy) {
    failed_checks_.store(0);
    if (circuit_.forced_open()) {
      circuit_.health_restored();
      spdlog::info("model version {} is back in rotation: health check passed ({})", name(),
                   status.detail);
    }
    return;
  }
  const int failed = failed_checks_.fetch_add(1) + 1;
  if (failed < health_.failures_to_remove) return;
  const bool was_open = circuit_.forced_open();
  std::string reason = std::to_string(failed);
  reason.append(failed == 1 ? " failed health check" : " failed health checks")
      .append(", last: ")
      .append(status.detail);
  circuit_.force_open(std::move(reason));
  if (!was_open) {
    spdlog::warn("model version {} is out of rotation: {}", name(), circuit_.reason());
  }
}

}  // namespace slipway::backends
