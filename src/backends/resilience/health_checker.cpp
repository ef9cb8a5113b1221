#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "backends/resilience/guarded_backend.h"

namespace slipway::backends {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

struct Watched {
  std::weak_ptr<GuardedBackend> backend;
  TimePoint next_due;
  bool in_flight = false;  // never two checks of one backend at once
};

// When the next check of a backend is due: soon while in rotation, after a cooldown once out.
TimePoint next_check(const GuardedBackend& backend, TimePoint now) {
  const auto& health = backend.health_options();
  return now + (backend.circuit().forced_open() ? health.cooldown : health.interval);
}

}  // namespace

struct HealthChecker::State {
  SteadyClock clock;
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::shared_ptr<Watched>> watched;
  bool stopping = false;
  uint64_t requested_round = 0;  // bumped by every change the loop must look at
  uint64_t finished_round = 0;   // the request the last finished round saw
  std::thread thread;

  // One pass: drops unloaded backends, starts the due checks, and says when the next is due.
  // Called and returns with the lock held; runs the checks without it.
  std::optional<TimePoint> round(std::unique_lock<std::mutex>& lock,
                                 const std::shared_ptr<State>& self) {
    const TimePoint now = clock();
    std::erase_if(watched, [](const auto& entry) { return entry->backend.expired(); });
    std::vector<std::pair<std::shared_ptr<Watched>, std::shared_ptr<GuardedBackend>>> due;
    for (const auto& entry : watched) {
      if (entry->in_flight || entry->next_due > now) continue;
      if (auto backend = entry->backend.lock()) {
        entry->in_flight = true;
        due.emplace_back(entry, std::move(backend));
      }
    }
    lock.unlock();
    for (auto& [entry, backend] : due) start_check(self, entry, *backend);
    due.clear();  // no strong reference outlives the round
    lock.lock();
    std::optional<TimePoint> next;
    for (const auto& entry : watched) {
      if (entry->in_flight) continue;
      if (!next || entry->next_due < *next) next = entry->next_due;
    }
    return next;
  }

  void start_check(const std::shared_ptr<State>& self, const std::shared_ptr<Watched>& entry,
                   GuardedBackend& backend) {
    std::weak_ptr<State> weak_self = self;
    backend.run_health_check([weak_self, entry] {
      auto state = weak_self.lock();
      if (!state) return;
      std::lock_guard lock(state->mutex);
      entry->in_flight = false;
      const TimePoint now = state->clock();
      if (auto checked = entry->backend.lock()) entry->next_due = next_check(*checked, now);
      ++state->requested_round;
      state->changed.notify_all();
    });
  }

  void loop(const std::shared_ptr<State>& self) {
    std::unique_lock lock(mutex);
    while (!stopping) {
      const uint64_t seen = requested_round;
      const std::optional<TimePoint> next = round(lock, self);
      finished_round = seen;
      changed.notify_all();
      if (stopping) break;
      auto woken = [&] { return stopping || requested_round != seen; };
      if (!next) {
        changed.wait(lock, woken);
        continue;
      }
      // The schedule is in the injected clock's time; wait the same span of real time.
      const auto wait = *next - clock();
      if (wait.count() > 0) changed.wait_for(lock, wait, woken);
    }
  }
};

HealthChecker::HealthChecker() : HealthChecker(nullptr) {}

HealthChecker::HealthChecker(SteadyClock clock) : state_(std::make_shared<State>()) {
  state_->clock = clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); };
  state_->thread = std::thread([state = state_] { state->loop(state); });
}

HealthChecker::~HealthChecker() {
  stop();
}

void HealthChecker::add(const std::shared_ptr<GuardedBackend>& backend) {
  if (!backend) return;
  std::lock_guard lock(state_->mutex);
  auto entry = std::make_shared<Watched>();
  entry->backend = backend;
  entry->next_due = state_->clock();
  state_->watched.push_back(std::move(entry));
  ++state_->requested_round;
  state_->changed.notify_all();
}

void HealthChecker::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    state_->changed.notify_all();
  }
  if (!state_->thread.joinable()) return;
  // A check's callback stopping the checker runs on its thread, which cannot join itself.
  if (state_->thread.get_id() == std::this_thread::get_id()) {
    state_->thread.detach();
  } else {
    state_->thread.join();
  }
}

void HealthChecker::wake() {
  std::unique_lock lock(state_->mutex);
  const uint64_t request = ++state_->requested_round;
  state_->changed.notify_all();
  // From the checker's own thread (a check answered at once) the round is already running.
  if (state_->thread.get_id() == std::this_thread::get_id()) return;
  state_->changed.wait(lock, [&] { return state_->stopping || state_->finished_round >= request; });
}

std::size_t HealthChecker::size() const {
  std::lock_guard lock(state_->mutex);
  return static_cast<std::size_t>(
      std::count_if(state_->watched.begin(), state_->watched.end(),
                    [](const auto& entry) { return !entry->backend.expired(); }));
}

}  // namespace slipway::backends
