#include "backends/resilience/bounded_health_check.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace slipway::backends {
namespace {

// The first of (the backend's answer, the timeout) settles the check.
class PendingCheck {
 public:
  explicit PendingCheck(std::function<void(HealthStatus)> done) : done_(std::move(done)) {}

  void settle(HealthStatus status) {
    std::function<void(HealthStatus)> done;
    {
      std::lock_guard lock(mutex_);
      if (settled_) return;
      settled_ = true;
      done = std::move(done_);
    }
    settled_changed_.notify_all();
    if (done) done(std::move(status));
  }

  bool settled() {
    std::lock_guard lock(mutex_);
    return settled_;
  }

  // False when the timeout passed first.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return settled_changed_.wait_for(lock, timeout, [this] { return settled_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable settled_changed_;
  bool settled_ = false;
  std::function<void(HealthStatus)> done_;
};

std::string no_answer_detail(std::chrono::milliseconds timeout) {
  std::string detail("health check not answered within ");
  detail.append(std::to_string(timeout.count())).append(" ms");
  return detail;
}

}  // namespace

void check_health_within(Backend& backend, std::chrono::milliseconds timeout,
                         std::function<void(HealthStatus)> done) {
  auto pending = std::make_shared<PendingCheck>(std::move(done));
  try {
    backend.check_health(timeout,
                         [pending](HealthStatus status) { pending->settle(std::move(status)); });
  } catch (const std::exception& error) {
    pending->settle(HealthStatus{false, std::string("health check failed: ").append(error.what())});
    return;
  }
  if (pending->settled()) return;  // answered at once: no timer needed
  try {
    std::thread([pending, timeout] {
      if (!pending->wait(timeout)) pending->settle(HealthStatus{false, no_answer_detail(timeout)});
    }).detach();
  } catch (const std::exception& error) {
    pending->settle(
        HealthStatus{false, std::string("health check timer failed: ").append(error.what())});
  }
}

}  // namespace slipway::backends
