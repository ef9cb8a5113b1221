#pragma once
// Collects store change-notification payloads delivered on a store thread, for tests that wait
// for them.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace slipway::test {

// Collects notification payloads from a store thread.
class Inbox {
 public:
  std::function<void(const std::string&)> callback() {
    return [this](const std::string& payload) {
      std::lock_guard lock(mutex_);
      payloads_.push_back(payload);
      cv_.notify_all();
    };
  }
  // Waits until at least `count` payloads arrived (or `timeout`); returns what arrived.
  std::vector<std::string> wait_for(std::size_t count,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return payloads_.size() >= count; });
    return payloads_;
  }
  std::vector<std::string> payloads() {
    std::lock_guard lock(mutex_);
    return payloads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> payloads_;
};

}  // namespace slipway::test
